"""Reports people paste (issue 21): what a TAC engineer sees when the Markdown goes into a case or a
mail, the PDF goes to a customer, and a manager opens the HTML.

- Markdown reads as typed: `IM&P`, `RTMT > Trace & Log Central >`, `(PID 1234)`; a character is
  escaped only where it would start markup there, never written as an HTML entity; and still, under
  GFM and CommonMark, every text renders back to exactly itself with no tag, link or image;
- the PDF: A4 or Letter (`--paper`), "Page N of M", the case number and the node on every page,
  headings never alone at the bottom of a page, time stamps never broken inside a cell;
- a badge first on the page: the verification's verdict, else the diagnosis's urgency.
"""

from __future__ import annotations

import html
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import run_cli as run
from diag_helpers import CUCM_BASE, make_bundle, make_listing, make_load, make_node
from hypothesis import given, settings
from hypothesis import strategies as st

import ucnb
from ucnb.report import build_report, render_report
from ucnb.report.model import Badge, Code, Paragraph, Report, Section, Table
from ucnb.report.render_html import render as render_html
from ucnb.report.render_md import md_escape
from ucnb.report.render_md import render as render_md

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_outputs"
EX5 = SAMPLES / "ex5_imnp_sftp"
HAS_CHROMIUM = os.path.exists("/usr/bin/chromium")


def _gfm(text: str) -> str:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


def _commonmark(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(text)


# ------------------------------------------------------------------ Markdown: as typed
AS_TYPED = [
    "IM&P",
    "RTMT > Trace & Log Central > Collect Files",
    "(PID 1234)",
    "restart the Cisco AMC Service on cucm-sub1 (now, no maintenance window needed)",
    "imp-pub_session.txt:40",
    "1,806 zombies: 0.003 % of the PID space",
    "cucm-sub1 -> cucm-pub",
    "a < b and c > d",
    "Tom & Jerry; 3 > 2",
    "it's \"quoted\"",
    "C:\\Users\\admin",
    "version 14.0.1.12900-161 (SU3)!",
]


@pytest.mark.parametrize("text", AS_TYPED)
def test_plain_words_stay_as_typed_in_the_raw_markdown(text):
    assert md_escape(text) == text
    assert md_escape(text, in_table=True) == text


def test_a_command_stays_as_typed():
    page = render_md(Report("t", [Section("s", 2, [Paragraph(["Run ", Code("show process list detail")])])]))
    assert "Run `show process list detail`" in page.text


def test_the_imp_report_reads_as_typed():
    """ex5's Markdown report: no entity, no backslash before a parenthesis, a pipe outside a table."""
    text = render_report(ucnb.load(EX5 / "before"), fmt="md", pictures=False).text
    assert "## imp-pub (IM&P)" in text
    assert "| imp-pub | IM&P | 12.5.1.14900-4 |" in text
    assert "| Restart the server imp-pub | `utils system restart` |" in text
    assert not re.search(r"&(amp|lt|gt|quot|#\d+);", text)
    assert "\\(" not in text and "\\)" not in text and "\\>" not in text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>x</script>", "\\<script>x\\</script>"),  # a tag
        ("<!-- c -->", "\\<!-- c -->"),  # a comment
        ("<http://x.example>", "`<http://x.example>`"),  # an autolink: as code, never linked
        ("a<b", "a\\<b"),  # `<` before a letter, even inside a word
        ("a <3", "a <3"),  # not before a digit or space
        ("&amp; &#38; &copy;", "\\&amp; \\&#38; \\&copy;"),  # would become `&`, `&`, `©`
        ("[x](y)", "\\[x](y)"),  # no `[`, no link: `](` is text
        ("![x](y)", "!\\[x](y)"),
        ("*a* _b_ __c__", "\\*a\\* \\_b\\_ \\_\\_c\\_\\_"),
        ("snake_case_name", "snake_case_name"),  # `_` between letters cannot emphasise
        ("`x`", "\\`x\\`"),
        ("~~x~~", "\\~\\~x\\~\\~"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("> quote", "\\> quote"),
        ("1. first", "1\\. first"),
        ("2) second", "2\\) second"),
        ("===", "\\==="),
        ("title #", "title \\#"),  # an ATX heading's closing sequence
        ("x\\*y", "x\\\\\\*y"),  # a backslash before punctuation is itself escaped
        ("a@b.example, www.x.example", "`a@b.example`, `www.x.example`"),  # GFM would link them
        ("(see http://x.example/a_b).", "(see `http://x.example/a_b`)."),
        ("sftp adminsftp@imp-sub1.corp.example.com", "sftp `adminsftp@imp-sub1.corp.example.com`"),
    ],
)
def test_markup_is_escaped_only_where_it_would_start(text, escaped):
    assert md_escape(text) == escaped


def test_a_pipe_is_escaped_in_a_table_cell_only():
    assert md_escape("a | b") == "a | b"
    assert md_escape("a | b", in_table=True) == "a \\| b"


def _paragraph_text(rendered: str) -> str:
    body = rendered.strip()
    assert body.startswith("<p>") and body.endswith("</p>"), rendered
    inner = re.sub(r"</?code>", "", body[3:-4])  # a link-like word is code: never linked
    assert "<" not in inner, rendered  # no tag, link, image or emphasis
    return html.unescape(inner)


PIECES = list("ab1 _*`~[]()!<>&;#=+-.|\\/:@w\"'") + [
    "www.", "://", "&amp;", "<a>", "</b", "<!--", "http", "x.example", "[a]", "](", "a@b.c", "**", "__", "\n",
]
HAZARDS = ["[x](y)", "![x](y)", "[x]: /url", "<b>x</b>", "<http://a.b>", "http://a.b", "www.a.b", "a@b.c",
           "&amp;", "*x*", "_x_", "**x**", "`x`", "~x~", "# x", "- x", "1. x", "> x", "x\\", "---", "a  b"]
MARKDOWNISH = st.lists(st.sampled_from(PIECES), max_size=24).map(lambda pieces: "".join(pieces).strip())


@pytest.mark.parametrize("text", HAZARDS)
def test_each_markup_renders_back_to_itself(text):
    test_any_text_renders_back_to_itself_under_gfm_and_commonmark.hypothesis.inner_test(text)
    test_any_text_stays_in_its_table_cell.hypothesis.inner_test(text)


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
def test_any_text_renders_back_to_itself_under_gfm_and_commonmark(text):
    text = " ".join(text.split())  # one line, as the report writes it
    if not text:
        return
    source = md_escape(text)
    for rendered in (_gfm(source), _commonmark(source)):
        assert _paragraph_text(rendered) == text, (text, source, rendered)


@settings(max_examples=200, deadline=None)
@given(MARKDOWNISH)
def test_any_text_stays_in_its_table_cell(text):
    text = " ".join(text.split())
    if not text:
        return
    source = f"| h |\n|---|\n| {md_escape(text, in_table=True)} |\n"
    rendered = _gfm(source)
    cells = [re.sub(r"</?code>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", rendered, flags=re.S)]
    assert len(cells) == 1, (text, source, rendered)
    assert "<" not in cells[0] and html.unescape(cells[0]) == text, (text, source, rendered)


# ------------------------------------------------------------------ the badge
T0 = datetime(2026, 11, 20, 9, 0)


def _cuc(zombie_pids, count):
    parent = (7827, 4012, "cucsmgr", "Ssl", "/usr/local/cm/bin/CuFileSync")
    rows = CUCM_BASE + [parent] + [(pid, 7827, "cucsmgr", "Z", "[sh] <defunct>") for pid in zombie_pids]
    return make_bundle(make_node("cuc-sub", "CUC", listing=make_listing(rows), loads=[make_load(count)]))


def _leaking(total):
    rows = CUCM_BASE + [(7827, 4012, "c", "S", "/usr/local/cm/bin/amc")]
    rows += [(10000 + i, 7827, "c", "Z", "[sh] <defunct>") for i in range(40)]
    loads = [make_load(z, total=total, captured_at=T0 + timedelta(minutes=30 * i), time=None)
             for i, z in enumerate([20, 30, 40])]
    return make_bundle(make_node("cucm-sub1", "CUCM", listing=make_listing(rows), loads=loads))


@pytest.mark.parametrize(
    ("case", "badge"),
    [
        ("ex1 before", Badge("OPTIONAL", "info", "Status")),
        ("ex1 verified", Badge("CLEARED", "good", "Verification")),
        ("partial", Badge("PARTIAL", "warn", "Verification")),
        ("leak, PIDs nearly out", Badge("URGENT", "bad", "Status")),
        ("leak, room left", Badge("RECOMMENDED", "warn", "Status")),
        ("cosmetic", Badge("COSMETIC", "good", "Status")),
    ],
)
def test_the_badge_says_the_outcome_status(case, badge):
    bundles = {
        "ex1 before": lambda: (ucnb.load(SAMPLES / "ex1_cucm_amc" / "before"), None),
        "ex1 verified": lambda: (ucnb.load(SAMPLES / "ex1_cucm_amc" / "before"),
                                 ucnb.load(SAMPLES / "ex1_cucm_amc" / "after")),
        "partial": lambda: (_cuc([6325, 6370, 6387], 3), _cuc([6387], 1)),
        "leak, PIDs nearly out": lambda: (_leaking(30000), None),
        "leak, room left": lambda: (_leaking(600), None),
        "cosmetic": lambda: (ucnb.load(EX5 / "before"), None),
    }
    before, after = bundles[case]()
    report = build_report(before, after=after, pictures=False)
    assert report.badge == badge
    for audience in ("customer", "tac"):
        md = render_report(before, after=after, fmt="md", pictures=False, audience=audience).text
        assert md.splitlines()[2] == f"**{badge.kind}: {badge.label}**"  # right under the title
        page = render_report(before, after=after, fmt="html", pictures=False, audience=audience).text
        body = page.split("<body>", 1)[1]
        first = re.findall(r"<(h1|p)\b[^>]*>", body)[:2]
        assert first == ["h1", "p"]
        assert body.split("</h1>\n", 1)[1].startswith(f'<p class="badge tone-{badge.tone}">')
        assert f"{badge.kind}:</span> {badge.label}</p>" in body  # copied or read aloud: "Kind: LABEL"


def test_the_badge_is_escaped():
    report = Report("t", badge=Badge("<b>LOUD</b> [x](y)", "<script>", "Kind & *co*"))
    page = render_html(report).text
    assert "<b>LOUD" not in page and "&lt;b&gt;LOUD&lt;/b&gt;" in page and "tone-info" in page
    md = render_md(report).text
    assert "**Kind & \\*co\\*: \\<b>LOUD\\</b> \\[x](y)**" in md
    assert "<b>" not in _gfm(md) and "<a " not in _gfm(md)


# ------------------------------------------------------------------ PDF
def _pdf(tmp_path: Path, *args: str) -> tuple[list[str], list[tuple[float, float]]]:
    from pypdf import PdfReader

    target = tmp_path / "r.pdf"
    status, out, err = run("report", EX5 / "before", "-o", target, *args)
    assert status == 0, err
    reader = PdfReader(target)
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    return [p.extract_text() for p in reader.pages], sizes


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian Chromium prints the PDF")
@pytest.mark.parametrize(("paper", "size"), [(None, (595, 842)), ("A4", (595, 842)), ("Letter", (612, 792))])
def test_pdf_paper_page_numbers_case_and_node(tmp_path, paper, size):
    texts, sizes = _pdf(tmp_path, "--case", "699123456", *(["--paper", paper] if paper else []))
    assert len(texts) > 1 and set(sizes) == {size}  # A4: 210 x 297 mm, Letter: 8.5 x 11 in, in points
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text, text[:200]
        assert "Case 699123456 · imp-pub" in text, text[:200]


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian Chromium prints the PDF")
def test_pdf_keeps_headings_with_what_follows_and_time_stamps_whole(tmp_path):
    texts, _ = _pdf(tmp_path, "--paper", "Letter")
    report = build_report(ucnb.load(EX5 / "before"), pictures=False)
    titles = {s.title for s in report.sections}
    labels = {"Evidence", "Zombie count evidence", "Process tree"}
    for text in texts:
        lines = [line.strip() for line in text.splitlines() if line.strip() and "Page " not in line]
        assert lines and lines[-1] not in titles | labels, f"a page ends with its heading {lines[-1]!r}"
    whole = "\n".join(texts)
    assert "2026-11-20 09:12:52" in whole and "2026-11-20 09:13:36" in whole  # never cut inside a cell


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian Chromium prints the PDF")
def test_pdf_footer_shows_a_hostile_case_number_as_text(tmp_path):
    case = '7"}</style><script>x</script>'
    texts, _ = _pdf(tmp_path, "--case", case)
    assert f"Case {case} · imp-pub" in texts[0]


def test_paper_is_a4_or_letter():
    status, out, err = run("report", EX5 / "before", "-o", "x.pdf", "--paper", "A3")
    assert status == 2 and "invalid choice: 'A3'" in err
    with pytest.raises(ucnb.errors.InputError, match="unknown paper 'a5'"):
        render_report(ucnb.load(EX5 / "before"), fmt="pdf", paper="a5", pictures=False)


def test_the_nodes_and_case_are_on_the_report_for_its_pages():
    report = build_report(ucnb.load(EX5 / "before"), pictures=False, case="699123456")
    assert (report.case, report.nodes) == ("699123456", ["imp-pub"])


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian Chromium prints the PDF")
def test_a_redacted_pdf_names_no_host_in_its_footer(tmp_path):
    texts, _ = _pdf(tmp_path, "--redact")
    assert all("imp-pub" not in text for text in texts)
    assert all(re.search(r"Page \d+ of \d+", text) for text in texts)


def test_a_big_table_may_split_a_small_one_may_not():
    rows = [[f"{i}", "x"] for i in range(40)]
    page = render_html(Report("t", [Section("s", 2, [Table(["a", "b"], rows[:3]), Table(["a", "b"], rows)])]))
    assert page.text.count('<table class="small">') == 1 and page.text.count("<table>") == 1


@pytest.mark.parametrize("example", sorted(p.name for p in SAMPLES.iterdir() if (p / "after").is_dir()))
def test_no_sample_report_has_a_link_under_gfm(example):
    """Host names and `user@host` in the five examples: text or code, never a link (mailto: included)."""
    before, after = ucnb.load(SAMPLES / example / "before"), ucnb.load(SAMPLES / example / "after")
    for audience in ("customer", "tac"):
        for redact in (False, True):
            text = render_report(before, after=after, fmt="md", audience=audience, redact=redact).text
            for rendered in (_gfm(text), _commonmark(text)):
                assert "<a " not in rendered, re.findall(r"<a [^>]*>[^<]*", rendered)
                images = re.findall(r"<img [^>]*>", rendered)
                assert all('src="report_files/' in image for image in images), images
