"""The report written safely and bounded, whatever the input or the target:

- all or nothing: a failed write leaves the previous report as it was and no temporary file;
  `-o` a symbolic link, a folder, `/dev/full`, a file under `/proc`, `x.md` when `x_files` is a file:
  one `ucnb: error:` line, exit 2, nothing written; `x_files/` holds only the current pictures;
  matplotlib's caches go to the kit's folder in the temporary space, never the home;
- no input text becomes a link or an image under CommonMark or GFM (GitHub's own renderer), and
  bidi and zero-width characters are escaped (hostile cases in tests/hostile/cases.toml);
- many groups: the first ones in full, the rest in a table; every zombie PID listed; a 10,000-deep
  chain collapsed top and bottom.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cli_helpers import run_cli as run

import ucnb
from ucnb.report import render_report

ROOT = Path(__file__).resolve().parents[2]
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
HOSTILE = ROOT / "tests" / "hostile"
REPORT_CASES = [c for c in tomllib.loads((HOSTILE / "cases.toml").read_text())["case"] if "report" in c]


def files_in(folder: Path) -> dict[str, bytes]:
    paths = sorted(folder.rglob("*"))
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"" for p in paths}


def one_error_line(status: int, out: str, err: str, needle: str) -> None:
    assert status == 2, (status, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("ucnb: error: "), err
    assert needle in err, err


# ------------------------------------------------------------------ all or nothing
def test_a_failed_write_keeps_the_previous_report(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    assert run("report", EX1, "-o", target)[0] == 0
    before = files_in(tmp_path)

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ucnb.report.write.os.fsync", disk_full)
    status, out, err = run("report", EX1, "--audience", "tac", "-o", target)
    one_error_line(status, out, err, "No space left on device")
    assert files_in(tmp_path) == before  # the good report is intact, no temporary file is left


def test_a_failed_markdown_write_keeps_the_old_pictures(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "r.md"
    assert run("report", EX1, "-o", target)[0] == 0
    before = files_in(out)
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst) == str(target):
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr("ucnb.report.write.os.replace", failing_replace)
    status, stdout, err = run("report", three_parents(tmp_path / "in"), "-o", target)
    one_error_line(status, stdout, err, "Input/output error")
    assert files_in(out) == before


def three_parents(folder: Path) -> Path:
    rows = [(3000 + i, 1, f"/usr/local/bin/worker{i}") for i in range(3)]
    rows += [(10000 + i, 3000 + i, "[sh] <defunct>") for i in range(3)]
    folder.mkdir()
    (folder / "three.txt").write_text(_listing(rows))
    return folder / "three.txt"


def test_the_pictures_folder_holds_only_the_current_pictures(tmp_path):
    target = tmp_path / "x.md"
    assert run("report", three_parents(tmp_path / "in"), "-o", target)[0] == 0
    assert len(list((tmp_path / "x_files").iterdir())) > 1
    assert run("report", EX1, "-o", target)[0] == 0
    assert sorted(p.name for p in (tmp_path / "x_files").iterdir()) == ["tree-1-1.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "x.md", "x_files"]


def test_a_symbolic_link_target_is_refused_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "r.html"
    link.symlink_to(victim)
    status, out, err = run("report", EX1, "-o", link)
    one_error_line(status, out, err, "symbolic link")
    assert victim.read_text() == "keep me" and link.is_symlink()
    images = tmp_path / "m_files"
    images.symlink_to(tmp_path / "elsewhere")
    status, out, err = run("report", EX1, "-o", tmp_path / "m.md")
    one_error_line(status, out, err, "symbolic link")
    assert not (tmp_path / "m.md").exists() and not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("{tmp}", "is a folder"),
        ("/dev/full", "not a regular file"),
        ("/proc/self/report.html", "cannot write the report"),
        ("/proc/ucnb-report.md", "cannot write the report"),
        ("{tmp}/x.md", "x_files: exists and is not a folder"),
    ],
    ids=["folder", "dev-full", "proc-file", "proc-new", "x_files-is-a-file"],
)
def test_unusable_targets_are_one_line_errors_and_nothing_is_written(tmp_path, target, needle):
    (tmp_path / "x_files").write_text("a file, not a folder")
    before = files_in(tmp_path)
    status, out, err = run("report", EX1, "-o", target.format(tmp=tmp_path))
    one_error_line(status, out, err, needle)
    assert files_in(tmp_path) == before


def test_matplotlib_caches_go_to_the_kits_folder_not_the_home(tmp_path):
    home, tmp, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "out"
    for folder in (home, tmp, out):
        folder.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TMPDIR": str(tmp),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "ucnb.cli", "report", str(EX1), "-o", str(out / "r.md")],
                          env=env, capture_output=True, text=True, timeout=300, cwd=out)
    assert done.returncode == 0, done.stderr
    assert list(home.iterdir()) == []
    assert list(tmp.glob("ucnb-cache-*/matplotlib")), list(tmp.rglob("*"))
    assert sorted(p.name for p in out.iterdir()) == ["r.md", "r_files"]


# ------------------------------------------------------------------ no link from the input
def _links_and_images(html_text: str) -> tuple[list[str], list[str]]:
    links = re.findall(r"<a\b[^>]*>", html_text)
    ours = ('src="report_files/', 'src="data:image/png;base64,')
    images = [i for i in re.findall(r"<img\b[^>]*>", html_text) if not any(o in i for o in ours)]
    return links, images


@pytest.mark.parametrize("case", REPORT_CASES, ids=[c["name"] for c in REPORT_CASES])
@pytest.mark.parametrize("audience", ["customer", "tac"])
def test_no_input_text_renders_as_a_link_or_an_image(case, audience):
    import cmarkgfm
    from cmarkgfm.cmark import Options
    from markdown_it import MarkdownIt

    bundle = ucnb.load(HOSTILE / case["input"])
    text = render_report(bundle, fmt="md", audience=audience).text
    assert "evil.example" in text  # the hostile names are there, as text
    gfm = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    commonmark = MarkdownIt("commonmark").enable("table").render(text)
    for rendered in (gfm, commonmark):
        assert _links_and_images(rendered) == ([], [])
        assert "<script" not in rendered
    page = render_report(bundle, fmt="html", audience=audience).text
    assert _links_and_images(page) == ([], []) and "<script" not in page
    note = render_report(bundle, fmt="txt", audience=audience).text
    for output in (text, page, note, gfm):
        for char in ("\u202e", "\u200b", "\u200d", "\u061c"):
            assert char not in output
    assert "\\u202eexe.txt \\u200bzero\\u200d \\u061carabic" in page


def test_a_code_span_never_ends_early_and_a_pipe_never_splits_a_cell():
    import cmarkgfm

    text = render_report(ucnb.load(HOSTILE / "report_markup.txt"), fmt="md", audience="tac").text
    rendered = cmarkgfm.github_flavored_markdown_to_html(text)
    rows = re.findall(r"<tr>\s*<td>defunct</td>.*?</tr>", rendered, flags=re.S)
    assert len(rows) == 8
    for row in rows:
        assert row.count("<td>") == 3, row  # Row, Source, Text: no pipe made a fourth cell
    row = "ccmserv+ 22905 29815  0 Nov18 ?        00:00:00 ``` `` ` x ftp://evil.example/tick"
    assert f"<code>{row}" in rendered


# ------------------------------------------------------------------ bounded
def _listing(rows: list[tuple[int, int, str]]) -> str:
    lines = [
        "admin:show process list detail",
        "UID        PID  PPID  C STIME TTY          TIME CMD",
        "root         1     0  0 Oct09 ?        00:11:50 /usr/lib/systemd/systemd --switched-root",
    ]
    lines += [f"root     {pid:5d} {ppid:5d}  0 Oct09 ?        00:00:00 {cmd}" for pid, ppid, cmd in rows]
    return "\n".join(lines) + "\n"


def test_many_groups_first_in_full_rest_in_a_table_every_pid_listed(tmp_path):
    rows = [(3000 + i, 1, f"/usr/local/bin/worker{i}") for i in range(2000)]
    rows += [(10000 + i, 3000 + i, "[sh] <defunct>") for i in range(2000)]
    (tmp_path / "many.txt").write_text(_listing(rows))
    output = render_report(ucnb.load(tmp_path / "many.txt"), fmt="md", pictures=False)
    text = output.text
    assert len(text) < 1_500_000
    assert len(re.findall(r"^### .*: 1 zombie under PID \d+", text, flags=re.M)) == 10
    assert "1,990 more parents with zombies" in text
    for i in range(2000):  # every zombie PID, in the compact table
        assert f"{10000 + i}" in text
    pid_table = text.split(": every zombie PID", 1)[1].split("\n\n")[1]
    assert len(pid_table.splitlines()) == 2 + 2000  # header, rule, one row per parent


def test_a_10000_deep_chain_is_collapsed(tmp_path):
    rows = [(100, 1, "/usr/bin/chain-root")]
    rows += [(101 + i, 100 + i, f"/usr/bin/link{i}") for i in range(10_000)]
    rows += [(20_500, 10_100, "[sh] <defunct>")]
    (tmp_path / "deep.txt").write_text(_listing(rows))
    output = render_report(ucnb.load(tmp_path / "deep.txt"), fmt="md")
    assert len(output.text) < 100_000
    assert "ancestors ..." in output.text
    assert re.search(r"\.\.\. 9,9\d\d ancestors \.\.\.", output.text)
    assert output.images == {}  # too deep to draw: the text tree stands in
