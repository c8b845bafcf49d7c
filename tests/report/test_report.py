"""The post-incident report: golden files for both audiences and the case note, what each audience
reads, the executive summary, timeline, root cause, decision and verification, determinism, offline
HTML, PDF, CLI. (Writing safely, markup and bounds: tests/report/test_report_safety.py.)

Regenerate the golden reports after an intended change:
    UCNB_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_report.py
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from cli_helpers import run_cli as run

import ucnb
from ucnb.errors import InputError
from ucnb.model.findings import DefectMatch
from ucnb.model.results import Bundle
from ucnb.report import (
    INTERNAL_TOKENS,
    Strong,
    build_report,
    case_note,
    customer_html,
    decisions_for,
    render_report,
    write_report,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_outputs"
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UCNB_UPDATE_GOLDEN") == "1"
PNG = b"\x89PNG\r\n\x1a\n"
EXAMPLES = sorted(p.name for p in SAMPLES.iterdir() if (p / "before").is_dir())


def load(folder: str, side: str = "before") -> Bundle:
    return ucnb.load(SAMPLES / folder / side)


def report(before: Path, *, after: Path | None = None, fmt: str = "md", **options):
    return render_report(ucnb.load(before), after=ucnb.load(after) if after else None, fmt=fmt, **options)


def normalise(text: str) -> str:
    """Golden comparison: the kit's version and the PNG bytes (matplotlib's business) left out."""
    text = text.replace(f"ucnb {ucnb.__version__}", "ucnb <version>")
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,<png>", text)


# name: (example, with the after capture, format, audience, redact, decision action or None)
CASES = {
    "ex1_cucm_amc.html": ("ex1_cucm_amc", False, "html", "customer", False, None),
    "ex1_cucm_amc.md": ("ex1_cucm_amc", False, "md", "customer", False, None),
    "ex1_cucm_amc_tac.md": ("ex1_cucm_amc", False, "md", "tac", False, None),
    "ex1_cucm_amc_note.txt": ("ex1_cucm_amc", False, "txt", "customer", False, None),
    "ex4_cuc_filesync_after.md": ("ex4_cuc_filesync", True, "md", "customer", False, "restart_service"),
    "ex4_cuc_filesync_after_tac.md": ("ex4_cuc_filesync", True, "md", "tac", False, "restart_service"),
    "ex4_cuc_filesync_note.txt": ("ex4_cuc_filesync", True, "txt", "customer", False, "restart_service"),
    "ex5_imnp_sftp.md": ("ex5_imnp_sftp", False, "md", "customer", False, None),
    "ex5_imnp_sftp_redacted.md": ("ex5_imnp_sftp", True, "md", "customer", True, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_reports(name):
    folder, with_after, fmt, audience, redact, action = CASES[name]
    bundle = load(folder)
    decisions = decisions_for(bundle, action, by="jdoe", note="window tonight") if action else None
    out = render_report(
        bundle,
        after=load(folder, "after") if with_after else None,
        decisions=decisions,
        fmt=fmt,
        audience=audience,
        redact=redact,
        case="700123456" if action else None,
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


# ------------------------------------------------------------------ audiences
def test_tac_report_says_what_the_engineer_checks():
    text = report(SAMPLES / "ex1_cucm_amc" / "before", audience="tac").text
    # evidence: file:line and the exact text of the defunct row and of its parent, as real code spans
    row = "`ccmserv+ 22908 29815  0 Nov18 ?        00:00:00 [sh] <defunct>`"
    assert f"| show_process_list_detail.txt:251 | {row} |" in text
    assert "`ccmserv+ 29815  1119  0 Oct27 ?        05:00:37 /usr/local/cm/bin/amc`" in text
    assert "| **Command** | `utils service restart Cisco AMC Service` |" in text
    assert "kill -9 29815" in text and "utils system restart" in text  # every alternative, TAC-only too
    assert "`restart_service`" in text and "**Identified by**" in text and "ucnb.analysis/1" in text
    assert "Tasks: 256 total" in text  # the zombie count's own line
    assert "14.0.1.12900-161" in text and "cucm-sub1" in text
    for info in ucnb.load(SAMPLES / "ex1_cucm_amc" / "before").files:
        assert info.sha256 in text
    assert f"ucnb {ucnb.__version__}" in text
    assert "Generated" not in text


def _customer_outputs():
    """Every example, every format, with and without the after capture and a decision."""
    for folder in EXAMPLES:
        bundle = load(folder)
        after = load(folder, "after") if (SAMPLES / folder / "after").is_dir() else None
        offered = {"restart_service", "reboot", "leave"}
        actions = [a for a in sorted(offered) if _offers(bundle, a)]
        for fmt in ("html", "md", "txt"):
            yield folder, fmt, render_report(bundle, fmt=fmt, pictures=False).text
            decisions = decisions_for(bundle, actions[0], by="jdoe") if actions else None
            text = render_report(bundle, after=after, decisions=decisions, fmt=fmt, pictures=False).text
            yield folder, f"{fmt}+after", text


def _offers(bundle, action: str) -> bool:
    try:
        decisions_for(bundle, action)
    except InputError:
        return False
    return True


def test_customer_report_has_no_internal_token():
    checked = 0
    for folder, fmt, text in _customer_outputs():
        for token in INTERNAL_TOKENS:
            assert token not in text, f"{folder} {fmt}: {token!r} in the customer report"
        assert "No decision was recorded" not in text
        assert not re.search(r"\brule\b", text), f"{folder} {fmt}: a rule id"
        checked += 1
    assert checked == len(EXAMPLES) * 6
    tac = report(SAMPLES / "ex1_cucm_amc" / "before", audience="tac", pictures=False).text
    assert [t for t in INTERNAL_TOKENS if t in tac]  # the test can fail: the TAC report has them


def test_customer_report_says_every_action_in_plain_words():
    text = report(SAMPLES / "ex1_cucm_amc" / "before", pictures=False).text
    assert "restart the Cisco AMC Service on cucm-sub1" in text
    assert "| **Action** | Restart the Cisco AMC Service on cucm-sub1 |" in text
    assert "| Restart the server cucm-sub1 | `utils system restart` |" in text
    assert "kill" not in text


def test_executive_summary_has_three_to_five_sentences():
    for folder in EXAMPLES:
        for with_after in (False, True):
            after = load(folder, "after") if with_after and (SAMPLES / folder / "after").is_dir() else None
            model = build_report(load(folder), after=after, pictures=False)
            summary = model.sections[0]
            assert summary.title == "Executive summary"
            lead, paragraph = summary.blocks[:2]  # the outcome's headline, then the story
            assert isinstance(lead.parts[0], Strong)
            text = "".join(str(p) for p in paragraph.parts)
            sentences = [s for s in re.split(r"(?<=\.) (?=[A-Z])", text) if s]
            assert 3 <= len(sentences) <= 5, (folder, sentences)
    text = report(SAMPLES / "ex4_cuc_filesync" / "before", after=SAMPLES / "ex4_cuc_filesync" / "after").text
    summary = text.split("## Executive summary", 1)[1].split("##", 1)[0]
    assert "showed 3 zombie processes left by the Connection File Syncer" in summary
    assert "no further action is needed" in summary


def test_timeline_from_the_capture_clocks():
    text = report(SAMPLES / "ex4_cuc_filesync" / "before", after=SAMPLES / "ex4_cuc_filesync" / "after").text
    timeline = text.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in timeline.splitlines() if line.startswith("| 2")]
    assert "First capture" in rows[0] and "show status date" in rows[0]
    assert "Verification capture" in rows[-1]
    assert "| 2026-11-20 09:12 | Connection File Syncer restarted (PID 7827 → 2344) |" in timeline
    assert [r.split(" | ")[0] for r in rows] == sorted(r.split(" | ")[0] for r in rows)  # in time order


def test_root_cause_as_far_as_the_evidence_goes(monkeypatch):
    text = report(SAMPLES / "ex1_cucm_amc" / "before", pictures=False).text
    cause = text.split("## Root cause", 1)[1].split("\n## ", 1)[0]
    assert "The Cisco AMC Service (PID 29815) did not reap its `sh` child (1 zombie process)" in cause
    # the catalogue records no defect of the service: say so and give the words to search, in every
    # format and audience; never "no known defect" (nothing was searched)
    for fmt in ("md", "html", "txt", "pdf"):
        for audience in ("customer", "tac"):
            shown = report(SAMPLES / "ex1_cucm_amc" / "before", fmt=fmt, audience=audience, pictures=False)
            assert "no known defect" not in shown.text
    assert "no known defect" not in cause
    assert ("the kit records no defect for the Cisco AMC Service; search the Bug Search Tool for "
            "`Cisco AMC Service 14.0.1.12900-161`.") in cause
    # no service owns the zombies: no defect sentence at all
    cause = report(SAMPLES / "ex5_imnp_sftp" / "before", pictures=False).text.split("## Root cause", 1)[1]
    assert "defect" not in cause.split("\n## ", 1)[0] and "Bug Search" not in cause.split("\n## ", 1)[0]

    import ucnb.diagnosis.outcome

    real = ucnb.diagnosis.outcome.diagnose

    def with_defect(bundle, **options):  # the catalogue lists two defects of the service: one applies
        analysis = real(bundle, **options)
        node = analysis.nodes[0]
        defects = (
            DefectMatch("CSCwz99999", "amc leaves sh zombies", fixed=("14.0.1.13900-1",),
                        source="https://bst.cisco.com/bugsearch/bug/CSCwz99999", applies=True),
            DefectMatch("CSCwz11111", "another version", fixed=("12.5.1.10000-1",), applies=False),
        )
        groups = (replace(node.groups[0], defects=defects), *node.groups[1:])
        return replace(analysis, nodes=(replace(node, groups=groups), *analysis.nodes[1:]))

    monkeypatch.setattr(ucnb.diagnosis.outcome, "diagnose", with_defect)  # the report's diagnosis
    text = report(SAMPLES / "ex1_cucm_amc" / "before", pictures=False).text
    cause = text.split("## Root cause", 1)[1].split("\n## ", 1)[0]
    assert "known defect: CSCwz99999 (amc leaves sh zombies), fixed in 14.0.1.13900-1" in cause
    assert "no known defect matches" not in cause and "CSCwz11111" not in cause


# ------------------------------------------------------------------ decisions
def test_no_decision_no_decision_section():
    for fmt in ("md", "html", "txt"):
        text = report(SAMPLES / "ex1_cucm_amc" / "before", fmt=fmt, pictures=False).text
        assert "Decision" not in text and "decided" not in text and "No decision" not in text


def test_decision_from_the_command_line(tmp_path):
    target = tmp_path / "r.md"
    status, out, err = run(
        "report", SAMPLES / "ex1_cucm_amc" / "before", "-o", target,
        "--decision", "restart_service", "--by", "jdoe", "--case", "700123456",
    )
    assert status == 0, err
    text = target.read_text()
    assert text.startswith("# Case 700123456: Zombie-process analysis: cucm-sub1")
    decision = text.split("## Decision", 1)[1].split("\n## ", 1)[0]
    assert "| cucm-sub1 | 1 zombie under PID 29815 | Restart the Cisco AMC Service on cucm-sub1 |" in decision
    assert "| jdoe |" in decision
    assert "jdoe decided to restart the Cisco AMC Service on cucm-sub1." in text
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", target, "--decision", "dance")
    assert status == 2 and err.count("\n") == 1 and "no zombie group can be cleared that way" in err
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", target, "--by", "jdoe")
    assert status == 2 and "--decision" in err


def test_recorded_decision_is_shown_and_the_latest_wins():
    from ucnb.faces.widgets import Decisions

    decisions = Decisions()
    decisions.record(node="cucm-sub1", ppid=29815, action="reboot", command="utils system restart",
                     impact="high", by="jdoe", note="first thought")
    decisions.record(node="cucm-sub1", ppid=29815, action="restart_service",
                     command="utils service restart Cisco AMC Service", impact="low", by="jdoe",
                     note="window <tonight>")
    text = report(SAMPLES / "ex1_cucm_amc" / "before", decisions=decisions.as_records(), audience="tac").text
    decision = text.split("## Decision", 1)[1].split("\n## ", 1)[0]
    assert "| restart_service |" in decision and "| jdoe |" in decision
    assert "window \\<tonight>" in decision  # `<` before a letter: never a tag
    assert "first thought" not in text
    redacted = report(SAMPLES / "ex1_cucm_amc" / "before", decisions=decisions.as_records(), redact=True).text
    assert "jdoe" not in redacted


# ------------------------------------------------------------------ verification verdicts
def edited_copy(source: Path, target: Path, edits: dict[str, list[tuple[str, str]]],
                drop: dict[str, list[str]] | None = None, keep_only: list[str] | None = None) -> Path:
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
    cleared = report(before, after=SAMPLES / "ex4_cuc_filesync" / "after", pictures=False).text
    assert verdict_of(cleared) == "CLEARED"
    assert "| **Cleared PIDs** | 325, 370, 387 |" in cleared
    assert "restarted, PID 7827 → 2344" in cleared

    partial = edited_copy(
        before, tmp_path / "partial", {"load.txt": [("3 zombie", "1 zombie")]},
        drop={"ps_list.txt": ["  325  7827", "  370  7827"], "ps_detail.txt": [" 325  7827", " 370  7827"]},
    )
    # an edited copy of the before capture keeps its clocks: compared only with force_order
    text = report(before, after=partial, pictures=False, force_order=True).text
    assert verdict_of(text) == "PARTIAL"
    assert "| **Remaining PIDs** | 387 |" in text and "| **Cleared PIDs** | 325, 370 |" in text
    plan = text.split("**Action plan**", 1)[1].split("\n## ", 1)[0]  # the parent was not restarted:
    assert "`utils service restart Connection File Syncer`" in plan  # the plan clears them again
    assert "no further action" not in text

    text = report(before, after=before, pictures=False, force_order=True).text
    assert verdict_of(text) == "NOT CLEARED"
    assert "| **Remaining PIDs** | 325, 370, 387 |" in text

    unknown = edited_copy(before, tmp_path / "unknown", {}, keep_only=["status.txt"])
    text = report(before, after=unknown, pictures=False).text
    assert verdict_of(text) == "UNKNOWN"


def test_a_stale_after_capture_is_never_told_as_the_verification():
    """Issue 21, class 9: the before capture sent again as the after one (same clocks, or older)."""
    before, after = SAMPLES / "ex4_cuc_filesync" / "before", SAMPLES / "ex4_cuc_filesync" / "after"
    for old, new in ((before, before), (after, before)):
        for audience in ("customer", "tac"):
            text = report(old, after=new, pictures=False, audience=audience).text
            assert verdict_of(text) == "UNKNOWN"
            timeline = text.split("## Timeline")[1].split("\n## ")[0]
            assert "Verification capture (after the remediation)" not in timeline
            assert "not later than the capture before the remediation" in timeline
            assert "restarted (PID" not in timeline
            assert "no further action" not in text and "--force-order" not in text
    text = report(after, after=before, pictures=False, force_order=True).text
    assert verdict_of(text) != "UNKNOWN" and "compared anyway" in text


def test_cleared_means_no_further_action_never_a_next_step():
    before, after = SAMPLES / "ex4_cuc_filesync" / "before", SAMPLES / "ex4_cuc_filesync" / "after"
    for audience in ("customer", "tac"):
        for fmt in ("md", "txt"):
            text = report(before, after=after, fmt=fmt, audience=audience, pictures=False).text
            assert "no further action" in text
            assert "How to clear them" not in text and "Alternatives considered" not in text
            assert "restart the Connection File Syncer on" not in text.split("Decision")[0]
            assert "utils service restart" not in text  # no command to run: nothing is left to clear


# ------------------------------------------------------------------ the case note
def test_case_note_is_short_plain_text():
    bundle, after = load("ex4_cuc_filesync"), load("ex4_cuc_filesync", "after")
    note = case_note(bundle, after=after, decisions=decisions_for(bundle, "restart_service", by="jdoe"),
                     case="700123456")
    lines = note.splitlines()
    assert len(lines) < 25
    assert not re.search(r"[`*|\[\]]|^[#>|-]", note, re.M), note  # no markup
    assert lines[0] == "Zombie processes, case 700123456"
    assert [line for line in lines if line.endswith(":")] == ["Analysis:", "Action plan:", "Verification:"]
    for needle in ("Problem: 3 zombie processes on cuc-sub (CUC 11.5.1.12900-21)",
                   "Captured: before 2026-11-20 08:45:24 (show status date); after 2026-11-20 09:12:53",
                   "Zombies: 3 (PIDs 325, 370, 387)", "Owner: Connection File Syncer (PID 7827",
                   "Decided: restart the Connection File Syncer on cuc-sub", "decided by jdoe",
                   "Verdict: CLEARED, zombie count 3 -> 0", "Outcome: Cleared: no further action is needed"):
        assert needle in note, (needle, note)
    assert "Next:" not in note  # the plan is the outcome's: never the action again


def test_case_note_of_a_cluster_stays_short():
    note = case_note(ucnb.load(SAMPLES / "cluster_cucm_imp.zip"))
    assert len(note.splitlines()) < 25
    assert "cucm" in note


def test_web_app_api_gives_the_customer_page_and_the_note():
    bundle = load("ex1_cucm_amc")
    decisions = decisions_for(bundle, "restart_service", by="jdoe")
    page = customer_html(bundle, decisions=decisions)
    assert page.startswith("<!DOCTYPE html>") and "jdoe decided to restart the Cisco AMC Service" in page
    assert not [t for t in INTERNAL_TOKENS if t in page]
    note = case_note(bundle, decisions=decisions)
    assert note.startswith("Zombie processes\nProblem: 1 zombie process on cucm-sub1")


# ------------------------------------------------------------------ HTML
def test_inline_code_is_code_in_html():
    page = report(SAMPLES / "ex1_cucm_amc" / "before", fmt="html", audience="tac").text
    assert "`" not in page  # no raw backticks: every command is <code>
    assert "<code>show process load cont</code>" in page
    assert "<code>utils service restart Cisco AMC Service</code>" in page


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


@pytest.mark.parametrize("fmt", ["html", "md", "txt"])
def test_same_input_same_bytes(fmt):
    before, after = SAMPLES / "ex4_cuc_filesync" / "before", SAMPLES / "ex4_cuc_filesync" / "after"
    first = report(before, after=after, fmt=fmt)
    second = report(before, after=after, fmt=fmt)
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no temporary file left


def test_pdf_under_a_long_temporary_folder(tmp_path, monkeypatch):
    """Chromium aborted (exit -6) when TMPDIR left no room for its socket names (a pytest or Voila
    kernel temporary folder): the web app's PDF was never made."""
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    from ucnb.report.render_pdf import html_to_pdf

    deep = tmp_path / ("long-temporary-folder-" * 3) / "server" / "tmp"
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr("tempfile.tempdir", None)
    assert html_to_pdf("<h1>x</h1>")[:5] == b"%PDF-"


def test_pdf_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("ucnb.report.render_pdf.CHROMIUM", str(tmp_path / "no-chromium"))
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
    status, _, err = run("report", SAMPLES / "ex1_cucm_amc" / "before", "-o", tmp_path / "r.md",
                         "--audience", "boss")
    assert status == 2 and err.count("\n") == 1 and "--audience" in err


def test_cli_report_html_md_and_note(tmp_path):
    before, after = SAMPLES / "ex4_cuc_filesync" / "before", SAMPLES / "ex4_cuc_filesync" / "after"
    status, out, err = run("report", before, "--after", after, "-o", tmp_path / "case.html")
    assert status == 0, err
    assert "case.html" in out
    page = (tmp_path / "case.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "CLEARED" in page
    status, out, err = run("report", before, "-o", tmp_path / "case.md")
    assert status == 0, err
    assert (tmp_path / "case_files" / "tree-1-1.png").read_bytes().startswith(PNG)
    note_path = tmp_path / "note.txt"
    status, out, err = run("report", before, "--after", after, "-o", note_path, "--audience", "tac")
    assert status == 0, err
    assert out == f"report written: {tmp_path / 'note.txt'}\n"
    note = (tmp_path / "note.txt").read_text()
    assert len(note.splitlines()) < 25 and "CLEARED" in note


def test_summary_without_zombies_never_claims_more_than_the_captures_show(tmp_path):
    load_text = (SAMPLES / "ex1_cucm_amc" / "before" / "show_process_load.txt").read_text()
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "load.txt").write_text(load_text.replace("1 zombie", "0 zombie"))
    quiet = report(tmp_path / "quiet", pictures=False).text
    summary = quiet.split("## Executive summary", 1)[1].split("\n## ", 1)[0]
    assert "show no zombie process" in summary and "No action needed: no zombie process" in summary

    status = (SAMPLES / "ex1_cucm_amc" / "before" / "show_status.txt").read_text()
    (tmp_path / "blind").mkdir()
    (tmp_path / "blind" / "status.txt").write_text(status)
    blind = report(tmp_path / "blind", pictures=False).text
    summary = blind.split("## Executive summary", 1)[1].split("\n## ", 1)[0]
    assert "cannot tell whether zombie processes exist" in summary
    assert "No action needed" not in summary and "show no zombie" not in summary
    assert "`show process load`" in summary


def test_a_redacted_report_carries_no_hash_of_the_original_files():
    bundle = load("ex5_imnp_sftp")
    text = render_report(bundle, fmt="md", redact=True, pictures=False).text
    assert "SHA-256 of the redacted text" in text
    for info in bundle.files:
        assert info.sha256 not in text  # it would confirm a guessed original
