"""The notebooks run headless on other bundles with papermill, and show THAT bundle's answer.

A TAC engineer runs `papermill 01_triage.ipynb out.ipynb -p bundle_path CASE` on a new case: the
output must be that case's node, PIDs, service and command, never the default example's.
"""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pytest

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SAMPLES = ROOT / "sample_outputs"


def run(notebook: str, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    logging.getLogger("papermill").setLevel(logging.WARNING)
    source = NOTEBOOKS / notebook
    out = tmp_path / source.name
    papermill.execute_notebook(
        str(source), str(out), parameters=parameters, cwd=str(source.parent), kernel_name="python3",
        progress_bar=False, log_output=False,
    )
    return nbformat.read(out, as_version=4)


def text_of(cells) -> str:
    parts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def cell_after(nb, marker: str):
    """The first code cell whose source contains `marker`."""
    return next(c for c in code_cells(nb) if marker in c.source)


def test_triage_on_example_4_shows_its_answer_and_the_chosen_action(tmp_path):
    nb = run("01_triage.ipynb", tmp_path, bundle_path=str(SAMPLES / "ex4_cuc_filesync" / "before"),
             chosen_action="reboot", decided_by="jdoe")
    text = text_of(nb.cells)
    assert "cuc-sub (CUC): zombie count 3, 1 zombie group by parent PID" in text
    zombies = text_of([cell_after(nb, 'node.zombies')])
    for pid in ("325", "370", "387"):
        assert pid in zombies
    # the evidence line of the first defunct row, in either listing the customer sent (README)
    assert "ps_list.txt:44" in zombies or "ps_detail.txt:127" in zombies
    parent_row = text_of([cell_after(nb, "frame.loc[")])
    assert "7827" in parent_row and "CuFileSync" in parent_row
    assert "utils service restart Connection File Syncer" in text  # the catalogue entry
    decisions = text_of([cell_after(nb, "DECISIONS.to_frame()")])
    assert "reboot" in decisions and "utils system restart" in decisions and "jdoe" in decisions
    capture = text_of([cell_after(nb, "steps = ")])
    assert "admin:utils system restart" in capture and "admin:show process load" in capture
    assert "cucm-sub1" not in text and "29815" not in text  # nothing of the default example
    assert not any(o.get("name") == "stderr" for c in code_cells(nb) for o in c.outputs)


def test_triage_on_the_cluster_zip_walks_the_node_with_zombies(tmp_path):
    nb = run("01_triage.ipynb", tmp_path, bundle_path=str(SAMPLES / "cluster_cucm_imp.zip"))
    counts = text_of([cell_after(nb, '"zombie count"')])
    for name in ("cucm-pub", "cucm-sub1", "imp-pub"):
        assert name in counts
    text = text_of(nb.cells)
    assert "cucm-sub1 (CUCM): zombie count 1" in text
    assert "22908" in text and "29815" in text and "Cisco AMC Service" in text


def test_triage_draws_the_trend_when_there_are_several_snapshots(tmp_path):
    nb = run("01_triage.ipynb", tmp_path, bundle_path=str(SAMPLES / "ex2_cucm_tracecollection" / "before"))
    chart = cell_after(nb, "draw_zombie_trend(")
    assert any("image/png" in o.get("data", {}) for o in chart.outputs), "the trend chart of 5 snapshots"
    assert "cucm-sub2" in text_of(nb.cells) and "26732" in text_of(nb.cells)
    one = nbformat.read(NOTEBOOKS / "01_triage.ipynb", as_version=4)  # committed run: ex1, one snapshot
    assert not any("image/png" in o.get("data", {}) for o in cell_after(one, "draw_zombie_trend(").outputs)


def test_triage_on_a_clean_node_runs_through(tmp_path):
    nb = run("01_triage.ipynb", tmp_path, bundle_path=str(SAMPLES / "cluster_cucm_imp.zip"),
             node_name="imp-pub")
    text = text_of(nb.cells)
    assert "imp-pub (IMnP): zombie count 0, 0 zombie groups by parent PID" in text
    assert "action plan: nothing to do" in text


def test_verify_on_example_4(tmp_path):
    nb = run("02_verify.ipynb", tmp_path, before_path=str(SAMPLES / "ex4_cuc_filesync" / "before"),
             after_path=str(SAMPLES / "ex4_cuc_filesync" / "after"))
    text = text_of(nb.cells)
    assert "== cuc-sub -> cuc-sub (same host name): CLEARED ==" in text
    assert "cleared: 325, 370, 387" in text
    assert "Connection File Syncer: restarted, PID 7827 ->" in text


def test_report_notebook_writes_the_report_of_example_4(tmp_path):
    target = tmp_path / "case" / "report.md"
    nb = run("03_post_incident_report.ipynb", tmp_path,
             bundle_path=str(SAMPLES / "ex4_cuc_filesync" / "before"),
             after_path=str(SAMPLES / "ex4_cuc_filesync" / "after"), output_path=str(target))
    report = target.read_text(encoding="utf-8")
    assert "cuc-sub" in report and "Connection File Syncer" in report and "CLEARED" in report
    assert "utils service restart Connection File Syncer" in report
    assert str(target) in text_of(nb.cells)
    assert list((tmp_path / "case").glob("report_files/*.png")), "the tree picture beside the report"


def test_training_checks_typed_answers_given_as_parameters(tmp_path):
    nb = run("training/ex4_filesync.ipynb", tmp_path, answer_zombie="7827", answer_parent=7827,
             answer_service="Connection File Syncer", answer_lesson="three")
    checked = text_of([cell_after(nb, "quiz.report_given()")])
    lines = {line.split(":", 1)[0]: line for line in checked.splitlines() if line}
    assert lines["zombie"] == ("zombie: Not quite: 7827 is not it. Hint: That is the parent: the PPID column "
                               "of line 127 of `ps_detail.txt`. Read the PID column of that row.")
    for pid in ("325", "370", "387"):
        assert pid not in lines["zombie"], "a wrong answer gets a hint, never the answer"
    assert lines["parent"].startswith("parent: Correct. The PPID of the defunct row")
    assert lines["service"].startswith("service: Correct. Connection File Syncer owns it")
    assert lines["action"] == "action: not answered yet"
    assert lines["one_parent"].startswith("one_parent: Not quite: Three, one per zombie is not it. Hint:")
    assert lines["Score"] == "Score: 2 of 5"


def test_practice_notebook_runs_the_quiz_on_a_practice_folder(tmp_path):
    from cli_helpers import run_cli

    key_file = tmp_path / "trainer" / "key.json"  # away from the exercise folder
    status, _, err = run_cli("practice", "--seed", 5, "--product", "IMnP", "--variant", "one",
                             "-o", tmp_path / "exercise", "--key", key_file)
    assert status == 0, err
    key = __import__("json").loads(key_file.read_text())
    nb = run("training/practice.ipynb", tmp_path, exercise_path=str(tmp_path / "exercise"),
             key_path=str(key_file), answer_parent=key["ppid"], answer_zombie=key["zombie_pids"][0])
    intro = cell_after(nb, "exercise.intro()").outputs[0]["data"]["text/markdown"]
    assert f"`{key['node']}`" in intro
    checked = text_of([cell_after(nb, "quiz.report_given()")])
    assert "zombie: Correct." in checked and "parent: Correct." in checked
    assert checked.strip().endswith("Score: 2 of 4")


def test_triage_on_a_bundle_with_perfmon_logs_shows_when_and_how_fast(tmp_path):
    from perfmon_helpers import perfmon_case

    cap, folder, _ = perfmon_case(tmp_path / "case")
    nb = run("01_triage.ipynb", tmp_path, bundle_path=str(folder))
    cell = cell_after(nb, "perfmon_lines(node)")
    text = text_of([cell])
    assert "count growing 0.5 an hour since" in text and f"the parent today is PID {cap.ppid}" in text
    assert "TotalProcessesAndThreadsExceededThreshold" in text
    assert any("image/png" in output.get("data", {}) for output in cell.outputs)  # the timeline picture
