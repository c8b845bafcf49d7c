"""A redacted report quotes no input token that the allow-list does not keep, in any sentence, title,
caption, table cell, picture label or alt text, in every format and for both audiences: every such
token of every sample bundle (before and after, one case) and of a bundle holding one of each class
(a customer's node folder and file names, an unknown service, an unknown parent and its bracketed
zombie, free text, a decision's person and note, the case) is replaced by a marker
(`redact_marks.Marks`), and no marker may come out. The same reports unredacted do quote them: the
search can fail. A redacted report gives no original file's size."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from redact_marks import Marks, found, picture_labels
from test_redact_diagnosis import perfmon_node

import ucnb
from ucnb.errors import InputError
from ucnb.model.results import Bundle
from ucnb.report import decisions_for, render_report

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_outputs"
CASES = sorted(p for p in SAMPLES.glob("ex*") if (p / "before").is_dir())
EX1 = SAMPLES / "ex1_cucm_amc"
RENDERS = [(fmt, audience) for fmt in ("html", "md", "txt") for audience in ("customer", "tac")]


def every_class(folder: Path) -> tuple[Path, Path]:
    """ex1 before and after in a node folder named after the customer, with an unknown service down,
    an unknown parent holding a zombie with a bracketed name, and a customer's free-text notes."""
    paths = []
    for phase in ("before", "after"):
        node = folder / phase / "GLOBEX-Springfield_pub01"
        shutil.copytree(EX1 / phase, node)
        listing = node / "show_process_list_detail.txt"
        lines = listing.read_text().splitlines()
        rows = ["root     31337     1  0 Oct27 ?        00:00:01 /opt/globex/bin/payrolld --site springfield",
                "root     31338 31337  0 Nov18 ?        00:00:00 [payrollsync] <defunct>"]
        listing.write_text("\n".join([*lines[:-1], *rows, lines[-1]]) + "\n")
        if phase == "before":
            services = node / "utils_service_list.txt"
            added = "Cisco CDP[STARTED]\nGlobex Ledger Bridge[STOPPED]"
            services.write_text(services.read_text().replace("Cisco CDP[STARTED]", added))
            (node / "Globex_ticket_notes.txt").write_text(
                "Opened by Marge Simpson for the Springfield plant; escalate to Montgomery if it recurs\n")
        paths.append(folder / phase)
    return paths[0], paths[1]


def assert_no_marker(bundle: Bundle, after: Bundle | None, where: str) -> None:
    try:
        decisions = decisions_for(bundle, "reboot", by="Waylon Smithers", note="call Globex before noon")
    except InputError:
        decisions = []
    marks = Marks()
    decisions = [{**d, "by": marks.text(d["by"]), "note": marks.text(d["note"])} for d in decisions]
    case = marks.text("Globex-Springfield 4711")
    for fmt, audience in RENDERS:
        with picture_labels() as drawn:
            report = render_report(bundle, after=after, decisions=decisions, fmt=fmt, audience=audience,
                                   case=case, redact=True)
        outputs = {"text": report.text, "image names": " ".join(report.images),
                   "picture labels": "\n".join(drawn)}
        for part, text in outputs.items():
            assert found(text) == [], f"{where} {fmt} {audience} {part}"


def marked_case(case: Path, tmp_path: Path, marks: Marks) -> tuple[Bundle, Bundle | None, str]:
    before = marks.copy(case / "before", tmp_path / "before")
    after = marks.copy(case / "after", tmp_path / "after") if (case / "after").is_dir() else None
    plain = render_report(ucnb.load(before), after=ucnb.load(after) if after else None, fmt="md",
                          audience="tac").text
    return ucnb.load(before), ucnb.load(after) if after else None, plain


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_no_input_token_past_the_allow_list_in_a_sample_report(case: Path, tmp_path: Path) -> None:
    before, after, _ = marked_case(case, tmp_path, Marks())
    assert_no_marker(before, after, case.name)


def test_no_input_token_past_the_allow_list_for_every_class(tmp_path: Path) -> None:
    source = tmp_path / "source"
    every_class(source)
    marks = Marks()
    before, after, plain = marked_case(source, tmp_path / "marked", marks)
    # each class reaches the unredacted report: the node's folder, the unknown parent and its zombie,
    # the customer's notes file
    for token in ("GLOBEX", "pub01", "payrolld", "payrollsync", "ticket"):
        assert marks.marker(token) in plain or marks.marker(token).upper() in plain, token
    assert_no_marker(before, after, "every class")


def test_the_cluster_archive_report_quotes_no_input_token(tmp_path: Path) -> None:
    bundle = ucnb.load(Marks().copy(SAMPLES / "cluster_cucm_imp.zip", tmp_path / "cluster"))
    assert_no_marker(bundle, None, "cluster")


def test_a_redacted_report_gives_no_original_size(tmp_path: Path) -> None:
    """The appendix gives the redacted text's size: a file the redaction changed does not show its
    original size (it would confirm a guessed file)."""
    source = tmp_path / "source"
    before, _ = every_class(source)
    bundle = ucnb.load(before)
    report = render_report(bundle, fmt="md", redact=True).text
    appendix = report.split("Appendix", 1)[1]
    changed = [name for name, text in bundle.texts.items()
               if "globex" in text.lower() or "springfield" in text.lower()]
    sizes = [f"| {info.size:,} |" for info in bundle.files if info.name in changed]
    assert len(sizes) == 3  # the listing, the service list, the notes
    assert sizes and [size for size in sizes if size in appendix] == []


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian Chromium prints the PDF")
def test_the_redacted_pdf_quotes_no_input_token(tmp_path: Path) -> None:
    """The PDF prints the HTML checked above; its text and its metadata (title, footer) are checked too."""
    from pypdf import PdfReader

    marks = Marks()
    before, after, _ = marked_case(every_class(tmp_path / "source")[0].parent, tmp_path / "marked", marks)
    data = render_report(before, after=after, fmt="pdf", case=marks.text("Globex-Springfield 4711"),
                         redact=True).data
    assert data is not None and data[:4] == b"%PDF"
    (tmp_path / "r.pdf").write_bytes(data)
    reader = PdfReader(tmp_path / "r.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "case-1" in text  # the case's placeholder is in the footer
    assert found(text) == [] and found(str(reader.metadata)) == []


def test_the_perfmon_history_quotes_no_input_token(tmp_path: Path) -> None:
    """A node's PuTTY log and half a day of its RIS PerfMon logs (the history section, its timeline
    picture and its table), every token the allow-list does not keep marked."""
    folder = perfmon_node(tmp_path / "source")
    bundle = ucnb.load(Marks().copy(folder, tmp_path / "marked"))
    assert any(node.perfmon for node in bundle.nodes), "the marked PerfMon logs are still read"
    assert_no_marker(bundle, None, "perfmon")
