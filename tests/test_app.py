"""The web app's logic, headless: upload (archive, several files, corrupt), status line, pickers,
downloads built from the recorded decision. The browser test drives the same page in Chromium."""

from __future__ import annotations

import base64
import io
import re
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ucnb.app import TriageApp, bundle_from_query, load_uploaded

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / "sample_outputs" / "cluster_cucm_imp.zip"
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"


def upload(path: Path) -> dict:
    data = path.read_bytes()
    when = datetime(2026, 11, 19, 10, 30, tzinfo=UTC)
    return {"name": path.name, "type": "", "size": len(data), "content": memoryview(data),
            "last_modified": when}


def downloads(app: TriageApp) -> dict[str, str]:
    """file name -> decoded text of the page's download links."""
    found = re.findall(
        r'download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', app.downloads.value
    )
    return {name: base64.b64decode(data).decode("utf-8") for name, data in found}


def test_uploading_the_cluster_zip_shows_the_node_with_zombies_and_no_download_before_a_decision():
    app = TriageApp()
    assert app.status.value.endswith(">Upload a bundle to start.</span>")
    app.upload.value = (upload(CLUSTER),)  # what the browser's file input does
    assert "cluster_cucm_imp.zip: 3 nodes, 1 defunct row." in app.status.value
    assert "ucnb-error" not in app.status.value
    summary = app.body.children[0].value
    for node in ("cucm-pub", "cucm-sub1", "imp-pub"):
        assert f"<td>{node}</td>" in summary
    (picker,) = app.pickers
    assert picker.node_name == "cucm-sub1" and picker.group.ppid == 29815
    assert "Record a decision" in app.downloads.value and not downloads(app)


def test_a_recorded_decision_gives_the_customer_report_and_the_case_note():
    app = TriageApp(str(EX1), by="jdoe")
    (picker,) = app.pickers
    picker.dropdown.value = "reboot"
    picker.button.click()
    files = downloads(app)
    assert set(files) == {"zombie-report-cucm-sub1.html", "case-note-cucm-sub1.txt"}
    report, note = files["zombie-report-cucm-sub1.html"], files["case-note-cucm-sub1.txt"]
    assert report.lstrip().lower().startswith("<!doctype html") and "cucm-sub1" in report
    assert "utils system restart" in report and "jdoe" in report
    assert "restart_service" not in report  # the customer report has no internal tokens
    assert "cucm-sub1" in note and "utils system restart" in note and len(note.splitlines()) < 25
    picker.dropdown.value = "restart_service"
    picker.button.click()  # the latest decision counts
    assert "utils service restart Cisco AMC Service" in downloads(app)["case-note-cucm-sub1.txt"]


def test_several_capture_files_form_one_bundle():
    app = TriageApp()
    app.open_upload([upload(p) for p in sorted(EX1.iterdir())])
    assert "1 node, 1 defunct row." in app.status.value
    assert [p.node_name for p in app.pickers] == ["cucm-sub1"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.zip", b"PK\x03\x04 this is not really a zip", "ucnb: error: "),
        ("broken.tar.gz", b"\x1f\x8b\x08\x00 not gzip data", "ucnb: error: "),
        ("notes.txt", b"hello, nothing here is a capture\n", "ucnb: error: "),
    ],
)
def test_unusable_uploads_give_one_line_in_the_page(name, data, message):
    app = TriageApp(str(EX1))
    assert app.pickers
    app.open_upload([{"name": name, "content": data}])
    text = re.sub(r"<[^>]+>", "", app.status.value)
    assert text.startswith(message) and "\n" not in text and "Traceback" not in text
    assert "ucnb-upload-" not in text  # the upload's name, not the server's temporary folder
    assert app.body.children == () and app.pickers == [] and app.downloads.value == ""


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


def test_hostile_names_stay_inside_the_upload_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = (EX1 / "show_process_load.txt").read_bytes()
    bundle = load_uploaded([{"name": "../../etc/evil\x1b[31m.txt", "content": data}])
    assert [f.name for f in bundle.files] == ["evil__31m.txt"]
    assert list(tmp_path.iterdir()) == []


def test_bundle_from_the_query_string():
    assert (
        bundle_from_query("bundle=..%2Fsample_outputs%2Fcluster_cucm_imp.zip")
        == "../sample_outputs/cluster_cucm_imp.zip"
    )
    assert bundle_from_query("") is None and bundle_from_query(None) is None


def test_tac_only_actions_only_in_tac_mode_and_never_in_the_customer_documents():
    """Issue 21: customer mode (the default) never offers a TAC-only action; in TAC mode it is offered,
    and the customer report and case note downloaded after it still show no kill."""
    (customer,) = TriageApp(str(EX1)).pickers
    assert "kill_parent" not in [value for _, value in customer.dropdown.options]
    app = TriageApp(str(EX1), by="tac-eng", tac=True)
    (picker,) = app.pickers
    assert "kill_parent" in [value for _, value in picker.dropdown.options]
    picker.dropdown.value = "kill_parent"
    picker.button.click()
    for text in downloads(app).values():
        assert "kill" not in text.lower()
        assert "utils service restart" not in text  # the decision replaced the restart
    summary = app.body.children[0].value
    assert "<th>status</th>" in summary and "Action optional" in summary


def test_the_cosmetic_imp_case_offers_leaving_them_first():
    """Issue 21, class 3: the picker of the IM&P cosmetic group leads with the outcome's plan."""
    app = TriageApp(str(ROOT / "sample_outputs" / "ex5_imnp_sftp" / "before"))
    (picker,) = app.pickers
    labels = [label for label, _ in picker.dropdown.options]
    assert labels[:2] == ["No action needed: leave them until the next planned reboot",
                          "Reboot the node in a maintenance window (only if the customer insists)"]
    assert "No action needed: a known cosmetic condition" in app.body.children[0].value


@pytest.mark.parametrize(("tac", "step"), [
    (False, "end the stuck parent process 29815 on cucm-sub1"),
    (True, "end the parent process 29815 with root access (TAC only): kill -9 29815"),
])
def test_the_groups_table_reads_the_outcomes_words_not_tokens(tac, step):
    """Issue 21: each node's groups table says the outcome's next step for that parent in words
    (after a decision: the decided step), never a diagnosis token such as `restart_service`."""
    app = TriageApp(str(EX1), by="tac-eng", tac=tac)
    groups = next(c.value for c in app.body.children if "ucnb-groups" in getattr(c, "value", ""))
    assert "restart the Cisco AMC Service on cucm-sub1: utils service restart Cisco AMC Service" in groups
    assert "at a convenient time (optional)" in groups
    for token in ("restart_service", "optional</td><td>", "convenient</td>", ">low<"):
        assert token not in groups
    cosmetic = TriageApp(str(ROOT / "sample_outputs" / "ex5_imnp_sftp" / "before"), tac=tac)
    table = next(c.value for c in cosmetic.body.children if "ucnb-groups" in getattr(c, "value", ""))
    assert "leave the zombie processes in place" in table and "until the next planned reboot" in table
    assert "<td>leave</td>" not in table and "next_planned_reboot" not in table
    import ucnb
    from ucnb.diagnosis.outcome import assess
    from ucnb.faces.plan import group_rows
    from ucnb.model.findings import Decision
    case = assess(ucnb.load(EX1), decisions=[Decision("cucm-sub1", 29815, "kill_parent", "kill -9 29815")])
    (row,) = group_rows(case.analysis.nodes[0], case.outcome.nodes[0], "tac" if tac else "customer")
    assert row["next step"].startswith(step) and row["when"] == "now, no maintenance window needed"
    assert tac or "kill" not in str(row)
