"""The post-incident report: golden files, escaping, verdicts, determinism, offline HTML, PDF, CLI.

Regenerate the golden reports after an intended change:
    UCNB_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report.py
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest
from cli_helpers import run_cli as run

import ucnb
from ucnb.report import md_code, md_escape, render_report, write_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_outputs"
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UCNB_UPDATE_GOLDEN") == "1"
PNG = b"\x89PNG\r\n\x1a\n"




def report(before: Path, *, after: Path | None = None, fmt: str = "md", **options):
    return render_report(
        ucnb.load(before),
        after=ucnb.load(after) if after else None,
        fmt=fmt,
        **options,
    )


def normalise(text: str) -> str:
    """Golden comparison: the kit's version and the PNG bytes (matplotlib's business) left out."""
    text = text.replace(f"ucnb {ucnb.__version__}", "ucnb <version>")
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,<png>", text)


CASES = {
    "ex1_cucm_amc.html": ("ex1_cucm_amc", False, "html", False),
    "ex1_cucm_amc.md": ("ex1_cucm_amc", False, "md", False),
    "ex4_cuc_filesync_after.md": ("ex4_cuc_filesync", True, "md", False),
    "ex5_imnp_sftp.md": ("ex5_imnp_sftp", False, "md", False),
    "ex5_imnp_sftp_redacted.md": ("ex5_imnp_sftp", True, "md", True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_reports(name):
    folder, with_after, fmt, redact = CASES[name]
    out = report(
        SAMPLES / folder / "before",
        after=SAMPLES / folder / "after" if with_after else None,
        fmt=fmt,
        redact=redact,
    )
    text = normalise(out.text)
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden {golden}: run with UCNB_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), f"{name} differs from its golden file"
    for data in out.images.values():
        assert data.startswith(PNG)


def test_report_says_what_the_engineer_checks():
    text = report(SAMPLES / "ex1_cucm_amc" / "before").text
    # evidence: file:line and the exact text of the defunct row and of its parent
    assert (
        "show\\_process\\_list\\_detail.txt:251 | "
        "<code>ccmserv\\+ 22908 29815  0 Nov18 ?        00:00:00 \\[sh\\] &lt;defunct&gt;</code>" in text
    )
    assert "`ccmserv+ 29815  1119  0 Oct27 ?        05:00:37 /usr/local/cm/bin/amc`" in text
    assert "| **Command** | `utils service restart Cisco AMC Service` |" in text
    assert "kill -9 29815" in text and "utils system restart" in text  # alternatives considered
    assert "Tasks: 256 total" in text  # the zombie count's own line
    assert "14.0.1.12900-161" in text and "cucm-sub1" in text
    for info in ucnb.load(SAMPLES / "ex1_cucm_amc" / "before").files:
        assert info.sha256 in text
    assert f"ucnb {ucnb.__version__}" in text
    assert "Generated" not in text


def test_html_embeds_the_tree_picture_and_markdown_puts_it_beside(tmp_path):
    html_out = report(SAMPLES / "ex1_cucm_amc" / "before", fmt="html")
    (encoded,) = re.findall(r'src="data:image/png;base64,([^"]+)"', html_out.text)
    assert base64.b64decode(encoded).startswith(PNG)
    bundle = ucnb.load(SAMPLES / "ex1_cucm_amc" / "before")
    written = write_report(bundle, tmp_path / "case 42.md")
    image = tmp_path / "case_42_files" / "tree-1-1.png"  # a link target without spaces
    assert written == [str(tmp_path / "case 42.md"), str(image)]
    assert image.read_bytes().startswith(PNG)
    assert "](case_42_files/tree-1-1.png)" in (tmp_path / "case 42.md").read_text()


# ------------------------------------------------------------------ hostile text
HOSTILE = "<script>alert(1)</script>](javascript:x)```x`|*y*"


def hostile_bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    shutil.copytree(SAMPLES / "ex1_cucm_amc" / "before", folder)
    listing = folder / "show_process_list_detail.txt"
    text = listing.read_text()
    assert "[sh] <defunct>" in text
    listing.write_text(text.replace("[sh] <defunct>", f"{HOSTILE} <defunct>"))
    return folder


def test_markup_in_a_process_name_is_shown_as_text_in_html(tmp_path):
    folder = hostile_bundle(tmp_path)
    text = report(folder, fmt="html").text
    assert "<script" not in text.lower()
    assert "javascript:x" not in re.sub(r"<code>.*?</code>|<pre>.*?</pre>|<td>.*?</td>", "", text, flags=re.S)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;](javascript:x)```x`|*y*" in text
    assert 'href="javascript' not in text


def test_markup_in_a_process_name_is_shown_as_text_in_markdown(tmp_path):
    import mistune

    folder = hostile_bundle(tmp_path)
    text = report(folder).text
    assert "<script" not in text
    # an HTML block (<pre>) is not parsed as Markdown: a link can only form outside it
    assert "](javascript" not in re.sub(r"<pre><code>.*?</code></pre>", "", text, flags=re.S)
    rendered = mistune.create_markdown(escape=False, plugins=["table"])(text)  # raw HTML passes, as on GitHub
    assert "<script" not in rendered.lower()
    assert "javascript:" not in re.sub(r"<code[^>]*>.*?</code>", "", rendered, flags=re.S)
    assert 'href="javascript' not in rendered
    # the defunct row is one code span holding the whole hostile text, backticks included
    codes = [c for c in re.findall(r"<code>(.*?)</code>", rendered, flags=re.S) if "alert" in c]
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt;](javascript:x)```x`|*y* &lt;defunct&gt;"
    assert any(hostile in c for c in codes), codes
    # and the text tree's fenced block is not broken out of
    assert rendered.count("<pre>") == 1


def test_markdown_escaping_helpers():
    assert md_escape("<b>[x](y)</b> & *z*") == "&lt;b&gt;\\[x\\]\\(y\\)&lt;/b&gt; &amp; \\*z\\*"
    assert md_escape("- not a list") == "\\- not a list"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a|b", in_table=True) == "`a\\|b`"
    assert md_code("[sh] <defunct> `x` | y") == "<code>\\[sh\\] &lt;defunct&gt; \\`x\\` \\| y</code>"


# ------------------------------------------------------------------ verification verdicts
def edited_copy(
    source: Path,
    target: Path,
    edits: dict[str, list[tuple[str, str]]],
    drop: dict[str, list[str]] | None = None,
    keep_only: list[str] | None = None,
) -> Path:
    shutil.copytree(source, target)
    if keep_only is not None:
        for path in target.iterdir():
            if path.name not in keep_only:
                path.unlink()
    for name, pairs in edits.items():
        text = (target / name).read_text()
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new)
        (target / name).write_text(text)
    for name, needles in (drop or {}).items():
        lines = (target / name).read_text().splitlines(keepends=True)
        (target / name).write_text("".join(x for x in lines if not any(n in x for n in needles)))
    return target


def verdict_of(text: str) -> str:
    (verdict,) = re.findall(r"\| \*\*Verdict\*\* \| \*\*([A-Z ]+)\*\* \|", text)
    return verdict


def test_after_shows_each_verdict(tmp_path):
    before = SAMPLES / "ex4_cuc_filesync" / "before"
    cleared = report(before, after=SAMPLES / "ex4_cuc_filesync" / "after").text
    assert verdict_of(cleared) == "CLEARED"
    assert "| **Cleared PIDs** | 325, 370, 387 |" in cleared
    assert "restarted, PID 7827 → 2344" in cleared

    partial = edited_copy(
        before,
        tmp_path / "partial",
        {"load.txt": [("3 zombie", "1 zombie")]},
        drop={"ps_list.txt": ["  325  7827", "  370  7827"], "ps_detail.txt": [" 325  7827", " 370  7827"]},
    )
    text = report(before, after=partial).text
    assert verdict_of(text) == "PARTIAL"
    assert "| **Remaining PIDs** | 387 |" in text and "| **Cleared PIDs** | 325, 370 |" in text

    text = report(before, after=before).text
    assert verdict_of(text) == "NOT CLEARED"
    assert "| **Remaining PIDs** | 325, 370, 387 |" in text

    unknown = edited_copy(before, tmp_path / "unknown", {}, keep_only=["status.txt"])
    text = report(before, after=unknown).text
    assert verdict_of(text) == "UNKNOWN"
    assert "Verification after the remediation: cuc-sub **UNKNOWN**" in text


# ------------------------------------------------------------------ decisions
def test_recorded_decision_is_shown_and_the_latest_wins():
    from ucnb.widgets import Decisions

    decisions = Decisions()
    decisions.record(
        node="cucm-sub1",
        ppid=29815,
        action="reboot",
        command="utils system restart",
        impact="high",
        by="jdoe",
        note="first thought",
    )
    decisions.record(
        node="cucm-sub1",
        ppid=29815,
        action="restart_service",
        command="utils service restart Cisco AMC Service",
        impact="low",
        by="jdoe",
        note="window <tonight>",
    )
    text = report(SAMPLES / "ex1_cucm_amc" / "before", decisions=decisions.as_records()).text
    decision = text.split("**Decision**", 1)[1].split("##", 1)[0]
    assert "| **Action** | restart\\_service |" in decision
    assert "| **By** | jdoe |" in decision
    assert "window &lt;tonight&gt;" in decision
    assert "first thought" not in text
    assert "No decision was recorded" not in text
    redacted = report(SAMPLES / "ex1_cucm_amc" / "before", decisions=decisions.as_records(), redact=True).text
    assert "jdoe" not in redacted


# ------------------------------------------------------------------ determinism, offline
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_same_input_same_bytes(fmt):
    first = report(
        SAMPLES / "ex4_cuc_filesync" / "before", after=SAMPLES / "ex4_cuc_filesync" / "after", fmt=fmt
    )
    second = report(
        SAMPLES / "ex4_cuc_filesync" / "before", after=SAMPLES / "ex4_cuc_filesync" / "after", fmt=fmt
    )
    assert first.text.encode() == second.text.encode()
    assert first.images == second.images


def test_timestamp_only_when_asked(tmp_path):
    out = tmp_path / "r.md"
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", out, "--timestamp")
    assert status == 0, err
    assert re.search(r"\| \*\*Generated\*\* \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \|", out.read_text())


def test_html_opens_offline():
    text = report(SAMPLES / "cluster_cucm_imp.zip", fmt="html").text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert "<script" not in text.lower() and "@import" not in text and "url(" not in text
    assert "<link" not in text.lower()
    assert "default-src 'none'" in text  # the page itself forbids remote loads


# ------------------------------------------------------------------ PDF
def test_pdf_when_chromium_is_installed(tmp_path):
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI: /usr/bin/chromium is missing, the PDF report cannot be tested")
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed: `apt-get install chromium`")
    out = tmp_path / "report.pdf"
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", out)
    assert status == 0, err
    assert out.read_bytes()[:5] == b"%PDF-"
    assert out.stat().st_size > 10_000


def test_pdf_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("ucnb.report.CHROMIUM", str(tmp_path / "no-chromium"))
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", tmp_path / "r.pdf")
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("ucnb: error: ") and "Chromium" in err
    assert not (tmp_path / "r.pdf").exists()


# ------------------------------------------------------------------ CLI
def test_cli_errors_are_one_line(tmp_path):
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", tmp_path / "r.docx")
    assert status == 2 and err.count("\n") == 1 and "unknown report format '.docx'" in err
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before")
    assert status == 2 and err.count("\n") == 1 and err.startswith("ucnb: error: ")
    status, _, err = run("report", tmp_path / "missing", "-o", tmp_path / "r.md")
    assert status == 2 and err.count("\n") == 1 and "missing" in err
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", tmp_path / "no" / "r.md")
    assert status == 2 and err.count("\n") == 1 and err.startswith("ucnb: error: ")


def test_cli_report_html_and_md(tmp_path):
    status, out, err = run(
        "report",
        SAMPLES / "ex4_cuc_filesync" / "before",
        "--after",
        SAMPLES / "ex4_cuc_filesync" / "after",
        "-o",
        tmp_path / "case.html",
    )
    assert status == 0, err
    assert "case.html" in out
    page = (tmp_path / "case.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "CLEARED" in page
    status, out, err = run("report", SAMPLES / "ex4_cuc_filesync" / "before", "-o", tmp_path / "case.md")
    assert status == 0, err
    assert (tmp_path / "case_files" / "tree-1-1.png").read_bytes().startswith(PNG)
