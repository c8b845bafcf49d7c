"""Markup and escape sequences in process names, host names and file names are shown as text: in the
terminal (no raw ESC, BEL, CR... on stdout/stderr), in notebooks (HTML escaped, no mathtext) and in
reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import run_cli as run

import ucnb
from ucnb.cli import build_parser
from ucnb.diagnosis.diagnose import analyze, diagnose, groups_table
from ucnb.faces.tree import format_analysis

C0 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # what json.dumps and printable must never let through
C0_C1 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")

EVIL_FOLDER = "cucm\x1b[31m-pub\x07"
EVIL_FILE = "ps\x1b]0;owned\x07\x1b[7m.txt"
EVIL_PARENT = "/opt/evil\x07<script>alert(1)</script> $x^$ \x9b31m &amp; \x1bZ"
HEADER = "UID        PID  PPID  C STIME TTY          TIME CMD"


def evil_bundle(folder: Path, *, zombie: bool = True) -> Path:
    """A node folder whose names and texts carry escape sequences, control characters and markup."""
    node = folder / EVIL_FOLDER
    node.mkdir(parents=True)
    rows = [
        "root         1     0  0 Oct09 ?        00:11:50 /usr/lib/systemd/systemd",
        f"ccmserv+ 29815     1  0 Oct09 ?        00:00:01 {EVIL_PARENT}",
        "ccmserv+ 29900 29815  0 Oct09 ?        00:00:01 \x1b[2J\x07<b>bold</b>\rx",
    ]
    if zombie:
        rows.append("ccmserv+ 22908 29815  0 Nov18 ?        00:00:00 [sh\x07$\\frac{$<i>] <defunct>")
    text = "admin:show process list detail\n" + HEADER + "\n" + "\n".join(rows) + "\n"
    (node / EVIL_FILE).write_text(text)
    status = ("admin:show status\n\nHost Name        : cucm\x07<img src=x onerror=alert(1)>\n"
              "Product Ver  : 14.0.1\n")
    (node / "status.txt").write_text(status)
    return node




def has_report() -> bool:
    parser = build_parser()
    sub = next(a for a in parser._actions if getattr(a, "choices", None) and "inspect" in a.choices)
    return "report" in sub.choices


@pytest.mark.parametrize("face", ["inspect", "analyze", "verify"])
@pytest.mark.parametrize("as_json", [False, True])
def test_cli_shows_control_characters_as_text(tmp_path: Path, face: str, as_json: bool) -> None:
    before = evil_bundle(tmp_path / "before")
    after = evil_bundle(tmp_path / "after", zombie=False)
    args = [face, before] + ([after] if face == "verify" else []) + (["--json"] if as_json else [])
    status, out, err = run(*args)
    assert status == 0, err
    assert not C0.search(out + err), repr(C0.search(out + err))
    if as_json:
        document = json.loads(out)  # the text is kept, escaped by JSON
        assert any("\x07<img src=x" in node["node"] for node in document["nodes"])
    else:
        assert not C0_C1.search(out + err)
        assert "\\x07" in out  # the BEL is shown, as text


def test_error_lines_show_file_names_as_text(tmp_path: Path) -> None:
    evil = tmp_path / "empty\x1b[31m\x07\r.txt"
    evil.write_bytes(b"")
    status, out, err = run("analyze", evil)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("ucnb: error: ")
    assert not C0_C1.search(err.rstrip("\n"))
    assert "empty\\x1b[31m\\x07\\x0d.txt" in err


def test_bundle_names_are_printable(tmp_path: Path) -> None:
    """File and node names from the file system never carry control characters (every face prints them)."""
    folder = evil_bundle(tmp_path)
    (folder / "status.txt").unlink()  # the node is named after its folder
    bundle = ucnb.load(folder)
    assert [node.name for node in bundle.nodes] == ["cucm\\x1b[31m-pub\\x07"]
    for info in bundle.files:
        assert not C0_C1.search(info.name), info.name
    assert "ps\\x1b]0;owned\\x07\\x1b[7m.txt" in [f.name for f in bundle.files]
    for node in bundle.nodes:
        assert not C0_C1.search(node.name)
        for section in node.sections:
            assert not C0_C1.search(section.source)
    analysis = analyze(bundle)
    for node in analysis["nodes"]:
        for zombie in node["zombies"]:
            assert not C0_C1.search(zombie["source"])


def test_notebook_text_and_html_outputs(tmp_path: Path) -> None:
    """What the triage notebook shows: the text tree, DataFrames as HTML, the picture."""
    bundle = ucnb.load(evil_bundle(tmp_path))
    analysis = diagnose(bundle)
    text = format_analysis(analysis)
    assert not ANSI.search(text)  # no colour/clear-screen sequence reaches a notebook's output
    assert "\x1b" not in text

    html = groups_table(analysis).to_html() + groups_table(analysis)._repr_html_()
    listing_html = bundle.nodes[0].listing.processes._repr_html_()
    for page in (html, listing_html):
        assert "<script>" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in listing_html


def test_picture_draws_names_as_text(tmp_path: Path) -> None:
    """`$...$` in a process or host name is not mathtext: drawing neither raises nor renders it."""
    from ucnb.faces.draw import draw_zombie_tree, draw_zombie_trend, figure_to_png_bytes

    bundle = ucnb.load(evil_bundle(tmp_path))
    node = bundle.nodes[0]
    group = diagnose(bundle).nodes[0].groups[0]
    fig = draw_zombie_tree(node.listing, group, node_name="$x^$ " + node.name)
    assert figure_to_png_bytes(fig).startswith(b"\x89PNG")
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    assert any("sh\x07$\\frac{$<i>" in t or "$\\frac{$" in t for t in texts), texts
    assert any(t.startswith("$x^$ ") for t in texts)
    trend = draw_zombie_trend([("$x^$", 1), ("10:00", None)], title="$\\frac{$ trend")
    assert figure_to_png_bytes(trend).startswith(b"\x89PNG")


@pytest.mark.skipif(not has_report(), reason="`ucnb report` not there yet")
@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_report_shows_markup_as_text(tmp_path: Path, suffix: str) -> None:
    before = evil_bundle(tmp_path / "before")
    after = evil_bundle(tmp_path / "after", zombie=False)
    target = tmp_path / f"report{suffix}"
    status, out, err = run("report", before, "--after", after, "-o", target)
    assert status == 0, err
    assert not C0_C1.search(out + err)
    page = target.read_text()
    assert not C0.search(page.replace("\n", "").replace("\t", ""))
    if suffix == ".md":  # markup is text inside a code fence or span; elsewhere `<` is escaped
        import cmarkgfm
        from cmarkgfm.cmark import Options

        rendered = cmarkgfm.github_flavored_markdown_to_html(page, options=Options.CMARK_OPT_UNSAFE)
        assert "<script>alert" not in rendered and "<img src=x" not in rendered and "<i>" not in rendered
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown, as text
        page = re.sub(r"^(`{3,})text\n.*?^\1$", "", page, flags=re.S | re.M)
        page = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", page)
        assert not re.search(r"(?<!\\)<[A-Za-z/!?]", page)  # a tag's `<` is always backslash-escaped
        assert "&lt;" not in page and "&gt;" not in page  # and never an HTML entity in a .md
        return
    assert "<script>alert" not in page and "<img src=x" not in page and "<i>" not in page


def test_bidi_overrides_and_c1_controls_are_shown_as_text() -> None:
    from ucnb.text import printable

    assert printable("sh\u202eexe.txt") == "sh\\u202eexe.txt"
    assert printable("a\x9b31mb\x07") == "a\\x9b31mb\\x07"
    assert printable("two\nlines\tand tab") == "two\nlines\tand tab"
