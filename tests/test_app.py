"""The workbench, headless: a case from its number to the verified fix, as the page's widgets see it.
Uploads are sent as the browser sends them (start, chunks, end); the browser tests drive the same page
in Chromium (tests/browser/test_workbench.py)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import tarfile
from pathlib import Path

import ipywidgets
import pytest

from ucnb.app import Workbench, from_environment, load_uploaded
from ucnb.app.cases import CaseFolder, atomic_write, confined
from ucnb.app.uploads import ChunkedUpload
from ucnb.read.sources import DEFAULT_MAX_TOTAL_BYTES

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / "sample_outputs" / "cluster_cucm_imp.zip"
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
EX1_AFTER = ROOT / "sample_outputs" / "ex1_cucm_amc" / "after"
EX5 = ROOT / "sample_outputs" / "ex5_imnp_sftp" / "before"
FORBIDDEN = ("make app", "ucnb.app", "Parameters", "restart_service", "parent_command", "IMnP")
CHUNK = 1000  # small chunks: every file arrives in several messages


def send(upload: ChunkedUpload, paths: list[Path]) -> None:
    """What the page's JavaScript sends for these files."""
    upload.receive({"kind": "start", "files": [{"name": p.name, "size": p.stat().st_size} for p in paths]})
    for index, path in enumerate(paths):
        data = path.read_bytes()
        for at in range(0, len(data), CHUNK):
            upload.receive({"kind": "chunk", "file": index, "at": at}, [memoryview(data[at : at + CHUNK])])
    upload.receive({"kind": "end"})


def text_of(value: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", value)).strip()


def page_text(widget: ipywidgets.Widget) -> str:
    """Every word the page shows: HTML values (tags removed), labels, options, button captions."""
    parts: list[str] = []
    for name in ("value", "description", "placeholder", "label", "tooltip"):
        value = getattr(widget, name, None)
        if isinstance(value, str) and not isinstance(widget, ipywidgets.Text | ipywidgets.Dropdown):
            parts.append(text_of(value) if name == "value" else value)
    if isinstance(widget, ipywidgets.Dropdown):
        parts += [label for label, _ in widget._options_full] if hasattr(widget, "_options_full") else []
        parts += [str(option[0]) if isinstance(option, tuple) else str(option) for option in widget.options]
    for child in getattr(widget, "children", ()):
        parts.append(page_text(child))
    return " ".join(parts)


def downloads(bench: Workbench) -> dict[str, bytes]:
    found = re.findall(
        r'download="([^"]+)" href="data:[^;,]+(?:;charset=utf-8)?;base64,([^"]+)"', bench.downloads.value
    )
    return {name: base64.b64decode(data) for name, data in found}


@pytest.fixture
def bench(tmp_path: Path) -> Workbench:
    page = Workbench(cases=tmp_path / "cases")
    page.number.value, page.engineer.value, page.customer.value = "698123456", "Jane Doe", "ACME Corp"
    page.open_button.click()
    return page


def test_a_whole_case_from_the_number_to_the_verified_fix(bench: Workbench, tmp_path: Path):
    assert "Case 698123456 opened." in bench.case_status.value
    send(bench.upload_before, [CLUSTER])
    assert "cluster_cucm_imp.zip: 3 nodes, 1 defunct row." in bench.status.value
    assert "ucnb-error" not in bench.status.value
    for node in ("cucm-pub", "cucm-sub1", "imp-pub"):
        assert f"<td>{node}</td>" in bench.nodes.value
    assert "<td>IM&amp;P</td>" in bench.nodes.value
    assert "Action optional" in bench.headline.value
    (picker,) = bench.pickers
    assert (picker.node_name, picker.group.ppid) == ("cucm-sub1", 29815)
    triage = page_text(bench.triage)
    assert "1 zombie process (PID 22908), children of the process 29815" in triage
    assert "Cisco AMC Service" in triage and "Before you restart, capture:" in triage
    assert "Other ways:" in triage and "Reboot the node" in triage

    # every file:line of the triage opens the viewer there
    evidence = [
        b
        for b in _all(bench.triage)
        if isinstance(b, ipywidgets.Button) and "ucnb-evidence-link" in b._dom_classes
    ]
    assert evidence, "no evidence button"
    parent = evidence[-1]
    parent.click()
    file, line = parent.description.rsplit(":", 1)
    assert bench.viewer is not None and (bench.viewer.shown.file, bench.viewer.shown.focus) == (
        file,
        int(line),
    )
    assert "29815" in [v for v in bench.viewer.shown.lines if v.focus][0].text
    # the viewer opened under the evidence clicked, and only there
    holders = [w for w in _all(bench.widget) if bench.viewer.widget in getattr(w, "children", ())]
    assert len(holders) == 1 and holders[0] in bench.slots
    bench.viewer.box.value = "defunct"
    assert bench.viewer.matches == ["cucm-sub1/show_process_list_detail.txt:251"]
    assert bench.viewer.shown.focus == 251

    picker.dropdown.value = "reboot"
    picker.note.value = "customer chose the window tonight"
    picker.button.click()
    stored = json.loads((tmp_path / "cases" / "698123456" / "case.json").read_text())
    assert stored["decisions"][-1]["action"] == "reboot" and stored["decisions"][-1]["by"] == "Jane Doe"
    assert stored["before"] == ["cluster_cucm_imp.zip"]
    assert "Reboot the node" in text_of(bench.decided.value) and "by Jane Doe" in bench.decided.value

    send(bench.upload_after, sorted(EX1_AFTER.iterdir()))
    assert "compared with the captures from before the fix" in bench.after_status.value
    verification = text_of(bench.verification.value)
    assert "cucm-sub1" in verification and "CLEARED" in verification

    bench.make_documents.click()
    files = downloads(bench)
    assert "case-698123456-customer-report.html" in files and "case-698123456-case-note.txt" in files
    assert "case-698123456-customer-report-redacted.html" in files
    assert not any("tac-report" in name for name in files), "the TAC report is for TAC mode"
    report = files["case-698123456-customer-report.html"].decode()
    note = files["case-698123456-case-note.txt"].decode()
    for text in (report, note):
        assert "698123456" in text and "Jane Doe" in text and "utils system restart" in text
        assert "ACME Corp" in text
        assert "kill" not in text.lower() and "restart_service" not in text
    assert len(note.splitlines()) < 25
    redacted = files["case-698123456-case-note-redacted.txt"].decode()
    assert "698123456" not in redacted and "ACME Corp" not in redacted  # issue 26: the case is free text
    kept = sorted(p.name for p in (tmp_path / "cases" / "698123456" / "documents").iterdir())
    assert kept == sorted(files)
    assert not any(word in page_text(bench.widget) for word in FORBIDDEN), [
        w for w in FORBIDDEN if w in page_text(bench.widget)
    ]


def _all(widget: ipywidgets.Widget) -> list[ipywidgets.Widget]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += _all(child)
    return out


def test_reopening_a_case_shows_where_it_stands(bench: Workbench, tmp_path: Path):
    send(bench.upload_before, sorted(EX1.iterdir()))
    (picker,) = bench.pickers
    picker.dropdown.value = "reboot"
    picker.button.click()
    send(bench.upload_after, sorted(EX1_AFTER.iterdir()))
    again = Workbench(cases=tmp_path / "cases", case="698123456")
    assert (again.engineer.value, again.customer.value) == ("Jane Doe", "ACME Corp")
    assert "Case 698123456 reopened." in again.case_status.value
    (picker,) = again.pickers
    assert picker.dropdown.value == "reboot" and "Reboot the node" in again.decided.value
    assert "CLEARED" in again.verification.value
    other = Workbench(cases=tmp_path / "cases")
    for typed in ("", "6", "698"):  # a shared screen: no case number offered before 4 characters
        other.number.value = typed
        assert list(other.number.options) == []
    other.number.value = "6981"
    assert list(other.number.options) == ["698123456"]
    other.number.value = "698123456"
    other.open_button.click()
    assert "Case 698123456 reopened." in other.case_status.value
    assert other.before is not None and other.after is not None
    assert "Saved cases" not in page_text(other.widget)


def test_customer_mode_never_offers_a_tac_only_action_and_tac_mode_keeps_it_out_of_customer_documents(
    tmp_path: Path,
):
    customer = Workbench(cases=tmp_path, case="c1")
    customer.store_before([("before", EX1)])
    (picker,) = customer.pickers
    assert "kill_parent" not in [value for _, value in picker.dropdown.options]
    assert "Kill the parent" not in page_text(customer.widget)
    tac = Workbench(cases=tmp_path, case="c2", tac=True)
    tac.engineer.value = "tac-eng"
    tac.store_before([("before", EX1)])
    (picker,) = tac.pickers
    picker.dropdown.value = "kill_parent"
    picker.button.click()
    tac.make_documents.click()
    files = downloads(tac)
    assert "case-c2-tac-report.html" in files and "kill -9" in files["case-c2-tac-report.html"].decode()
    for name in ("case-c2-customer-report.html", "case-c2-customer-report-redacted.html"):
        assert "kill" not in files[name].decode().lower(), name


def test_the_cosmetic_imp_case_offers_leaving_them_first(tmp_path: Path):
    bench = Workbench(cases=tmp_path, case="c3")
    bench.store_before([("before", EX5)])
    (picker,) = bench.pickers
    labels = [label for label, _ in picker.dropdown.options]
    assert labels[:2] == [
        "No action needed: leave them until the next planned reboot",
        "Reboot the node in a maintenance window (only if the customer insists)",
    ]
    assert "No action needed: a known cosmetic condition" in bench.nodes.value
    assert "IMnP" not in page_text(bench.widget)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.zip", b"PK\x03\x04 this is not really a zip"),
        ("broken.tar.gz", b"\x1f\x8b\x08\x00 not gzip"),
        ("notes.txt", b"hello, nothing here is a capture\n"),
    ],
)
def test_an_unusable_upload_is_one_line_and_keeps_the_case_as_it_was(
    bench: Workbench, tmp_path: Path, name: str, data: bytes
):
    send(bench.upload_before, sorted(EX1.iterdir()))
    path = tmp_path / name
    path.write_bytes(data)
    send(bench.upload_before, [path])
    text = text_of(bench.status.value)
    assert text.startswith("ucnb: error: ") and "\n" not in text and "Traceback" not in text
    assert "ucnb-upload-" not in text and str(tmp_path) not in text
    assert bench.pickers, "the triage of the stored capture stays"
    stored = json.loads((tmp_path / "cases" / "698123456" / "case.json").read_text())
    assert name not in stored["before"]


def test_an_upload_over_the_limit_is_refused_from_its_size_before_it_is_sent(bench: Workbench):
    size = DEFAULT_MAX_TOTAL_BYTES + 1
    bench.upload_before.receive(
        {"kind": "refused", "names": ["huge.zip"], "size": size}
    )  # the browser's check
    line = text_of(bench.status.value)
    assert (
        line
        == f"ucnb: error: huge.zip: {size:,} bytes, over the limit of {DEFAULT_MAX_TOTAL_BYTES:,} bytes: "
        "not read"
    )
    bench.upload_before.receive(
        {"kind": "start", "files": [{"name": "huge.zip", "size": size}]}
    )  # a forged start
    assert text_of(bench.status.value) == line and bench.upload_before._folder is None
    assert bench.upload_before.max_bytes == DEFAULT_MAX_TOTAL_BYTES


def test_a_garbled_or_cut_upload_is_one_line(bench: Workbench):
    upload = bench.upload_before
    upload.receive({"kind": "start", "files": [{"name": "a.txt", "size": 10}]})
    upload.receive({"kind": "chunk", "file": 0, "at": 5}, [b"hello"])
    assert "the upload was cut or garbled" in bench.status.value
    upload.receive({"kind": "start", "files": [{"name": "a.txt", "size": 10}]})
    upload.receive({"kind": "chunk", "file": 0, "at": 0}, [b"hello"])
    upload.receive({"kind": "end"})
    assert "a.txt: the upload was cut short" in bench.status.value


def test_nothing_is_uploaded_before_a_case_is_open(tmp_path: Path):
    bench = Workbench(cases=tmp_path)
    assert bench.upload_before.disabled and bench.upload_after.disabled
    bench.open_button.click()
    assert "ucnb: error: type the case number first" in bench.case_status.value
    bench.number.value = "../../etc"
    bench.open_button.click()
    assert "case number '../../etc'" in text_of(bench.case_status.value).replace("&#x27;", "'")
    assert list(tmp_path.iterdir()) == []


def test_the_address_opens_only_cases_under_the_cases_folder(tmp_path: Path):
    cases = tmp_path / "cases"
    CaseFolder.open(cases, "698123456").store("before", [("before", EX1)])
    env = {"UCNB_CASES": str(cases)}
    opened = from_environment({**env, "QUERY_STRING": "bundle=698123456%2Fbefore"})
    assert opened.case is not None and opened.pickers
    for path in ("/etc", "../../..", str(EX1), "698123456/../../"):
        refused = from_environment({**env, "QUERY_STRING": f"bundle={path}"})
        line = text_of(refused.case_status.value)
        assert line.startswith("ucnb: error: ") and "only bundles under its cases folder" in line, path
        assert "passwd" not in line and refused.case is None
    (cases / "escape").symlink_to("/etc")
    refused = from_environment({**env, "UCNB_BUNDLE": "escape"})
    assert refused.case is None and "not a case of this workbench" in refused.case_status.value
    assert from_environment({**env, "QUERY_STRING": "case=698123456&mode=tac"}).tac


def test_case_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    case = CaseFolder.open(tmp_path, "1", engineer="a")
    before = (tmp_path / "1" / "case.json").read_bytes()

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    case.record.engineer = "b"
    with pytest.raises(OSError):
        case.save()
    assert (tmp_path / "1" / "case.json").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "1").iterdir()) == ["case.json"]
    monkeypatch.undo()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(Exception, match="not a regular file"):
        atomic_write(link, b"x")


def test_confined_resolves_links_and_dots(tmp_path: Path):
    (tmp_path / "a").mkdir()
    assert confined("a/../a", tmp_path) == (tmp_path / "a").resolve()
    with pytest.raises(Exception, match="not a case"):
        confined("a/../../", tmp_path)


def test_upload_limits_are_the_clis():
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        for n in range(3):
            info = tarfile.TarInfo(f"node/f{n}.txt")
            payload = b"x" * 10
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    with pytest.raises(Exception, match="member"):
        load_uploaded([{"name": "many.tar.gz", "content": data.getvalue()}], max_members=2)
    with pytest.raises(Exception, match="over the limit"):
        load_uploaded([{"name": "big.zip", "content": b"x" * 100}], max_total_bytes=50)


def test_hostile_names_stay_inside_the_upload_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    data = (EX1 / "show_process_load.txt").read_bytes()
    bundle = load_uploaded([{"name": "../../etc/evil\x1b[31m.txt", "content": data}])
    assert [f.name for f in bundle.files] == ["evil__31m.txt"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("tac", "step"),
    [
        (False, "end the stuck parent process 29815 on cucm-sub1"),
        (True, "end the parent process 29815 with root access (TAC only): kill -9 29815"),
    ],
)
def test_the_groups_table_reads_the_outcomes_words_not_tokens(tmp_path: Path, tac: bool, step: str):
    """Issue 21: each node's groups table says the outcome's next step for that parent in words
    (after a decision: the decided step), never a diagnosis token such as `restart_service`."""
    bench = Workbench(cases=tmp_path, case="c1", tac=tac)
    bench.store_before([("before", EX1)])
    groups = bench.tables["cucm-sub1"][1].value
    assert "restart the Cisco AMC Service on cucm-sub1: utils service restart Cisco AMC Service" in groups
    assert "at a convenient time (optional)" in groups
    for token in ("restart_service", "optional</td><td>", "convenient</td>", ">low<"):
        assert token not in groups
    cosmetic = Workbench(cases=tmp_path, case="c2", tac=tac)
    cosmetic.store_before([("before", EX5)])
    (table,) = [value for _, value in cosmetic.tables.values()]
    assert "leave the zombie processes in place" in table.value
    assert "until the next planned reboot" in table.value
    assert "<td>leave</td>" not in table.value and "next_planned_reboot" not in table.value
    if tac:  # a decision changes the table's next step (TAC mode: the kill is offered)
        (picker,) = bench.pickers
        picker.dropdown.value = "kill_parent"
        picker.button.click()
        assert step in bench.tables["cucm-sub1"][1].value


def test_every_document_names_the_engineer_even_with_nothing_decided(bench: Workbench):
    """The case header goes into every download, not only through a recorded decision."""
    send(bench.upload_before, [CLUSTER])
    assert not bench.decisions.latest()
    bench.make_documents.click()
    files = downloads(bench)
    for name in ("case-698123456-customer-report.html", "case-698123456-case-note.txt"):
        text = files[name].decode()
        assert "698123456" in text and "ACME Corp" in text and "Jane Doe" in text, name
    redacted = files["case-698123456-case-note-redacted.txt"].decode()
    assert not any(word in redacted for word in ("698123456", "Jane Doe", "ACME Corp"))


def test_a_node_with_perfmon_logs_shows_its_days_of_history(tmp_path: Path):
    """Issue 25 in the web app: when the zombies started, how fast they grow, and the timeline."""
    from perfmon_helpers import perfmon_case

    cap, folder, _ = perfmon_case(tmp_path / "bundle")
    page = Workbench(cases=tmp_path / "cases")
    page.number.value, page.engineer.value = "698000001", "Jane Doe"
    page.open_button.click()
    send(page.upload_before, sorted(folder.iterdir()))
    assert "ucnb-error" not in page.status.value, page.status.value
    triage = page_text(page.triage)
    assert "Days of history (RTMT PerfMon logs)" in triage
    assert "count growing 0.5 an hour since" in triage and f"the parent today is PID {cap.ppid}" in triage
    assert 'alt="zombies and processes + threads over the days"' in "".join(
        w.value for w in _all(page.triage) if isinstance(w, ipywidgets.HTML)
    )
    assert not any(word in page_text(page.widget) for word in FORBIDDEN)
