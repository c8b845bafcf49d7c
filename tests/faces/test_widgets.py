"""Widgets driven headless, as papermill/nbval do: set `.value`, call `.click()`, read kernel state."""

from __future__ import annotations

import html
from dataclasses import replace

import ipywidgets
import pytest

from ucnb.errors import InputError
from ucnb.faces.widgets import DECISION_FIELDS, DECISIONS, Decisions, RemediationPicker
from ucnb.model.actions import action
from ucnb.model.findings import Alternative, Group
from ucnb.read.parsers.listing import parse_listing

HEADER = "UID          PID    PPID  C STIME TTY          TIME CMD"


def ps_ef(rows):
    lines = [HEADER] + [
        f"{u:<8} {pid:>8} {ppid:>7}  0 Oct19 ?        00:00:01 {cmd}" for pid, ppid, u, cmd in rows
    ]
    return parse_listing(lines, file="show_process_list_detail.txt")


EX1_LISTING_ROWS = [
    (1, 0, "root", "/sbin/init"),
    (1200, 1, "root", "/usr/local/platform/bin/servM"),
    (26764, 1200, "ccmserv+", "/usr/local/cm/bin/cdrrep"),
    (27001, 1200, "ccmserv+", "/usr/local/cm/bin/ctftp"),
    (29815, 1200, "ccmserv+", "/usr/local/cm/bin/amc -d"),
    (29990, 29815, "ccmserv+", "/usr/local/cm/bin/amc-helper"),
    (22908, 29815, "ccmserv+", "[sh] <defunct>"),
]

EX1_GROUP = Group(
    ppid=29815,
    parent_command="/usr/local/cm/bin/amc -d",
    service="Cisco AMC Service",
    zombie_pids=(22908,),
    action="restart_service",
    command="utils service restart Cisco AMC Service",
    impact="low",
    reason="the zombies belong to Cisco AMC Service",
    impact_note="RTMT alerting pauses",
    alternatives=(
        Alternative("reboot", "utils system restart", "clears every zombie"),
        Alternative("kill_parent", "kill -9 29815", "root access only", tac_only=True),
        Alternative("leave", None, "they clear at the next reboot"),
    ),
)


def text_of(output: ipywidgets.Output) -> str:
    return "".join(item.get("text", "") for item in output.outputs)


# ------------------------------------------------------------------ Decisions
def test_decisions_keep_every_record_and_the_latest_per_group():
    decisions = Decisions()
    decisions.record(node="a", ppid=1, action="reboot", command="utils system restart", impact="high")
    decisions.record(node="b", ppid=7, action="leave", command=None, impact=None, by="jdoe")
    decisions.record(node="a", ppid=1, action="leave", command=None, impact=None, note="window tonight")
    records = decisions.as_records()
    assert [r["action"] for r in records] == ["reboot", "leave", "leave"]
    assert list(records[0])[: len(DECISION_FIELDS)] == list(DECISION_FIELDS)
    records[0]["action"] = "tampered"
    assert decisions.as_records()[0]["action"] == "reboot"  # copies, not the store
    latest = decisions.latest()
    assert [(r["node"], r["action"], r["note"]) for r in latest] == [
        ("a", "leave", "window tonight"),
        ("b", "leave", ""),
    ]
    assert list(decisions.to_frame().columns[: len(DECISION_FIELDS)]) == list(DECISION_FIELDS)
    assert len(decisions) == 3
    decisions.clear()
    assert decisions.as_records() == [] and list(decisions.to_frame().columns) == list(DECISION_FIELDS)


# ------------------------------------------------------------------ RemediationPicker
def test_picker_preselects_the_recommended_action_and_shows_its_command():
    picker = RemediationPicker("cucm-pub", EX1_GROUP, decisions=Decisions(), tac=True)
    assert picker.dropdown.value == "restart_service"
    assert "<code>utils service restart Cisco AMC Service</code>" in picker.command_label.value
    labels = dict((value, label) for label, value in picker.dropdown.options)
    assert list(labels) == ["restart_service", "reboot", "kill_parent", "leave"]
    assert "recommended" in labels["restart_service"] and "impact low" in labels["restart_service"]
    assert "TAC only" in labels["kill_parent"]
    assert "TAC only" not in labels["reboot"] and "recommended" not in labels["reboot"]
    assert isinstance(picker.widget, ipywidgets.VBox)
    assert picker.dropdown in picker.widget.children and picker.output in picker.widget.children


def test_picker_label_follows_the_selection():
    picker = RemediationPicker("cucm-pub", EX1_GROUP, decisions=Decisions(), tac=True)
    picker.dropdown.value = "kill_parent"
    assert "<code>kill -9 29815</code>" in picker.command_label.value
    assert "TAC only" in picker.command_label.value
    assert picker.command == "kill -9 29815"
    picker.dropdown.value = "leave"
    assert "none" in picker.command_label.value and "<code>" not in picker.command_label.value
    assert picker.command is None
    picker.dropdown.value = "reboot"
    assert "<code>utils system restart</code>" in picker.command_label.value


def test_click_records_the_decision_and_confirms_in_the_output(capsys):
    decisions = Decisions()
    picker = RemediationPicker("cucm-pub", EX1_GROUP, decisions=decisions, by="jdoe")
    picker.dropdown.value = "reboot"
    picker.note.value = "customer prefers a reboot tonight"
    picker.button.click()
    (record,) = decisions.as_records()
    assert {k: record[k] for k in DECISION_FIELDS} == {
        "node": "cucm-pub",
        "ppid": 29815,
        "action": "reboot",
        "command": "utils system restart",
        "impact": None,
        "by": "jdoe",
        "note": "customer prefers a reboot tonight",
    }
    assert record["recommended"] is False and record["zombie_pids"] == [22908]
    assert text_of(picker.output) == "Recorded for cucm-pub, PPID 29815: reboot (utils system restart)\n"
    assert picker.output.outputs[0]["name"] == "stdout"
    picker.dropdown.value = "restart_service"
    picker.button.click()
    assert [r["action"] for r in decisions.as_records()] == ["reboot", "restart_service"]
    assert decisions.latest()[0]["impact"] == "low" and decisions.latest()[0]["recommended"] is True
    assert capsys.readouterr() == ("", "")  # nothing leaks to the cell's stdout/stderr


def test_picker_default_comes_from_a_plain_variable():
    chosen_action = "leave"  # as a papermill parameters cell would set it
    decisions = Decisions()
    picker = RemediationPicker("cucm-pub", EX1_GROUP, default=chosen_action, decisions=decisions)
    assert picker.dropdown.value == "leave"
    picker.button.click()
    assert decisions.as_records()[0]["action"] == "leave"
    with pytest.raises(InputError, match="default action 'restart'"):
        RemediationPicker("cucm-pub", EX1_GROUP, default="restart", decisions=decisions)


def test_module_default_store_is_shared():
    before = len(DECISIONS)
    picker = RemediationPicker("cucm-pub", EX1_GROUP)
    picker.button.click()
    assert len(DECISIONS) == before + 1 and DECISIONS.as_records()[-1]["node"] == "cucm-pub"


def test_picker_escapes_text_from_the_bundle():
    group = replace(
        EX1_GROUP,
        service="<b>Evil</b> & Co",
        command="utils service restart <b>Evil</b> & Co",
        reason="owned by <script>alert(1)</script>",
    )
    picker = RemediationPicker("node<1>", group, decisions=Decisions())
    assert "<b>Evil</b>" not in picker.command_label.value
    assert html.escape("utils service restart <b>Evil</b> & Co") in picker.command_label.value
    assert "<script>" not in picker.note_label.value and "&lt;script&gt;" in picker.note_label.value
    assert "node&lt;1&gt;" in picker.title.value and "<b>Evil" not in picker.title.value


def test_missing_parent_group_offers_recollect_first():
    group = Group(
        ppid=7827,
        zombie_pids=(325, 370, 387),
        action="recollect",
        command="show process list detail",
        impact="unknown",
        alternatives=(Alternative("reboot", "utils system restart"), Alternative("leave", None)),
    )
    picker = RemediationPicker("cuc-sub", group, decisions=Decisions())
    assert picker.dropdown.value == "recollect"
    assert "<code>show process list detail</code>" in picker.command_label.value
    assert picker.dropdown.options[0][0].startswith(action("recollect").label)


def test_widgets_work_with_the_real_analysis():
    diagnosis = pytest.importorskip("ucnb.diagnosis.diagnose")
    from ucnb.model.results import Node

    listing = ps_ef(EX1_LISTING_ROWS)
    node = diagnosis.diagnose_node(Node(name="cucm-pub", product="CUCM", listings=[listing]))
    (group,) = node.groups
    decisions = Decisions()
    picker = RemediationPicker(node.node, group, decisions=decisions, tac=True)
    assert picker.dropdown.value == group.action == "restart_service"
    assert "TAC only" in dict((v, k) for k, v in picker.dropdown.options)["kill_parent"]
    picker.button.click()
    assert decisions.as_records()[0]["command"] == "utils service restart Cisco AMC Service"


def test_customer_mode_never_offers_a_tac_only_action():
    """Issue 21: the picker's default is customer mode; TAC-only actions only in TAC mode."""
    picker = RemediationPicker("cucm-pub", EX1_GROUP, decisions=Decisions())
    values = [value for _, value in picker.dropdown.options]
    assert values == ["restart_service", "reboot", "leave"]
    assert not any("TAC only" in label for label, _ in picker.dropdown.options)
    with pytest.raises(InputError, match="TAC only"):
        RemediationPicker("cucm-pub", EX1_GROUP, decisions=Decisions(), default="kill_parent")


def test_the_cosmetic_choices_lead_with_leaving_them():
    """Issue 21, class 3: the IM&P cosmetic case offers the outcome's plan, never a recommended reboot."""
    from pathlib import Path

    import ucnb
    from ucnb.diagnosis.outcome import assess

    samples = Path(__file__).resolve().parents[2] / "sample_outputs"
    case = assess(ucnb.load(samples / "ex5_imnp_sftp" / "before"))
    (group,) = case.analysis.nodes[0].groups
    picker = RemediationPicker("imp-pub", group, decisions=Decisions(), outcome=case.outcome.nodes[0])
    labels = [label for label, _ in picker.dropdown.options]
    assert labels[:2] == ["No action needed: leave them until the next planned reboot",
                          "Reboot the node in a maintenance window (only if the customer insists)"]
    assert picker.dropdown.value == "leave"
    assert not any("impact cosmetic" in label or "Reboot the node (" in label for label in labels)
