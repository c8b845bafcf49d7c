"""Widgets driven headless, as papermill/nbval do: set `.value`, call `.click()`, read kernel state."""

from __future__ import annotations

import html

import ipywidgets
import pytest

from ucnb.errors import InputError
from ucnb.faces.widgets import (
    ACTION_TEXT,
    DECISION_FIELDS,
    DECISIONS,
    Decisions,
    Quiz,
    QuizQuestion,
    RemediationPicker,
)
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

EX1_GROUP = {
    "ppid": 29815,
    "parent_command": "/usr/local/cm/bin/amc -d",
    "service": "Cisco AMC Service",
    "zombie_pids": [22908],
    "action": "restart_service",
    "command": "utils service restart Cisco AMC Service",
    "impact": "low",
    "reason": "the zombies belong to Cisco AMC Service",
    "impact_note": "RTMT alerting pauses",
    "alternatives": [
        {"action": "reboot", "command": "utils system restart", "note": "clears every zombie"},
        {"action": "kill_parent", "command": "kill -9 29815", "note": "root access only", "tac_only": True},
        {"action": "leave", "command": None, "note": "they clear at the next reboot"},
    ],
}

EX1_NODE = {
    "node": "cucm-pub",
    "product": "CUCM",
    "zombie_count": 1,
    "zombie_trend": [1],
    "zombies": [{"pid": 22908, "ppid": 29815, "command": "[sh] <defunct>", "source": "x:8"}],
    "groups": [EX1_GROUP],
    "next_step": {"action": "restart_service", "command": EX1_GROUP["command"], "reason": "..."},
    "warnings": [],
}


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
    picker = RemediationPicker("cucm-pub", EX1_GROUP, decisions=Decisions())
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
    picker = RemediationPicker("cucm-pub", EX1_GROUP, decisions=Decisions())
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
    group = dict(
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
    group = {
        "ppid": 7827,
        "parent_command": None,
        "service": None,
        "zombie_pids": [325, 370, 387],
        "action": "recollect",
        "command": "show process list detail",
        "impact": "unknown",
        "alternatives": [
            {"action": "reboot", "command": "utils system restart"},
            {"action": "leave", "command": None},
        ],
    }
    picker = RemediationPicker("cuc-sub", group, decisions=Decisions())
    assert picker.dropdown.value == "recollect"
    assert "<code>show process list detail</code>" in picker.command_label.value
    assert picker.dropdown.options[0][0].startswith(ACTION_TEXT["recollect"])


# ------------------------------------------------------------------ QuizQuestion
def make_question(**kwargs):
    options = kwargs.pop("options", [("22908", 22908), ("29815", 29815), ("26764", 26764)])
    return QuizQuestion(
        "Which PID is defunct?",
        options,
        kwargs.pop("answer", 22908),
        hint="Look for <defunct> at the end of a row.",
        explanation="The [sh] <defunct> row is the zombie.",
        **kwargs,
    )


def test_wrong_answer_gets_the_hint_not_the_answer():
    question = make_question()
    question.input.value = 29815
    assert question.check() is False
    shown = text_of(question.output)
    assert "Hint: Look for <defunct> at the end of a row." in shown
    assert "22908" not in shown
    assert question.attempts == [{"value": 29815, "correct": False}]
    assert not question.solved


def test_right_answer_gets_a_confirmation_with_the_explanation():
    question = make_question()
    question.input.value = 29815
    question.button.click()
    question.input.value = 22908
    question.button.click()
    shown = text_of(question.output)
    assert shown.endswith("Correct. The [sh] <defunct> row is the zombie.\n")
    assert question.solved and [a["correct"] for a in question.attempts] == [False, True]


def test_no_answer_yet_is_not_an_attempt():
    question = make_question()
    assert question.input.value is None  # a headless run never waits for a choice
    assert question.check() is False
    assert question.attempts == [] and "first" in text_of(question.output)


def test_default_preselects_an_option():
    quiz_answer = 22908
    question = make_question(default=quiz_answer)
    assert question.input.value == 22908 and question.check() is True


def test_text_answers_are_compared_loosely():
    question = QuizQuestion(
        "Which service?", None, "Cisco AMC Service", hint="Follow the PPID.", explanation="amc is AMC."
    )
    assert isinstance(question.input, ipywidgets.Text)
    question.input.value = "AMC"
    assert question.check() is False
    question.input.value = "  cisco   AMC  service "  # case and spacing are ignored
    assert question.check() is True
    assert [a["correct"] for a in question.attempts] == [False, True]


def test_several_accepted_answers():
    question = make_question(
        options=[("325", 325), ("370", 370), ("387", 387), ("7827", 7827)], answer=[325, 370, 387]
    )
    question.input.value = 370
    assert question.check() is True
    question.input.value = 7827
    assert question.check() is False


def test_bad_questions_are_refused():
    with pytest.raises(InputError, match="no accepted answer"):
        make_question(answer=4242)
    with pytest.raises(InputError, match="not an option"):
        make_question(default=4242)
    with pytest.raises(InputError, match="gives the answer away"):
        QuizQuestion("Which PID?", ["22908", "1"], "22908", hint="It is 22908.", explanation="")


def test_prompt_is_escaped():
    question = QuizQuestion("Is <defunct> a state?", ["yes", "no"], "yes", hint="Read ps(1).", explanation="")
    assert "&lt;defunct&gt;" in question.prompt_html.value


# ------------------------------------------------------------------ Quiz
def test_each_wrong_choice_has_its_own_hint_and_a_general_one_otherwise():
    question = make_question(hints={29815: "That is the PPID column of line 211."})
    question.input.value = 29815
    question.check()
    question.input.value = 26764
    question.check()
    lines = text_of(question.output).splitlines()
    assert lines[0] == "Not quite: 29815 is not it. Hint: That is the PPID column of line 211."
    assert lines[1].startswith("Not quite: 26764 is not it. Hint: Look for <defunct> at the end of a row.")


def test_a_choice_hint_that_names_the_answer_falls_back_to_the_general_hint():
    question = make_question(hints={29815: "It is 22908, of course."})
    question.input.value = 29815
    question.check()
    assert "22908" not in text_of(question.output)
    assert "Hint: Look for <defunct>" in text_of(question.output)


def test_typed_answers_get_hints_from_a_function_of_the_value():
    question = QuizQuestion(
        "Type the PPID",
        None,
        "29815",
        hint="Read the PPID column.",
        hints=lambda value: "That is the zombie itself." if value.strip() == "22908" else None,
        explanation="29815 is amc.",
    )
    question.input.value = " 22908 "
    assert not question.check()
    question.input.value = "1200"
    assert not question.check()
    lines = text_of(question.output).splitlines()
    assert lines[0].endswith("Hint: That is the zombie itself.")
    assert lines[1].endswith("Hint: Read the PPID column.")


def test_after_two_wrong_tries_the_explanation_and_no_point():
    question = make_question()
    quiz = Quiz({"zombie": question})
    for value in (29815, 26764):
        question.input.value = value
        question.check()
    shown = text_of(question.output).splitlines()
    assert len(shown) == 3
    assert shown[2] == "After 2 tries, the explanation: The [sh] <defunct> row is the zombie."
    assert question.revealed and not question.solved
    question.input.value = 22908
    assert question.check() and question.solved and not question.scored
    assert quiz.score() == (0, 1)
    assert text_of(question.output).count("the explanation") == 1  # shown once


def test_score_counts_questions_solved_before_the_explanation():
    first, second, third = make_question(), make_question(), make_question()
    quiz = Quiz({"a": first, "b": second, "c": third})
    assert quiz.score_html.value == "<b>Score: 0 of 3</b> (0 of 3 answered)"
    first.input.value = 22908
    first.button.click()
    second.input.value = 29815
    second.button.click()
    second.input.value = 22908
    second.button.click()  # right at the second try: scored
    assert quiz.score() == (2, 3)
    assert quiz.score_html.value == "<b>Score: 2 of 3</b> (2 of 3 answered)"
    assert quiz.results()["b"] == {"solved": True, "scored": True, "attempts": 2, "wrong_before_right": 1}
    assert quiz.check_given() == [
        "a: Correct. The [sh] <defunct> row is the zombie.",
        "b: Correct. The [sh] <defunct> row is the zombie.",
        "c: not answered yet",
    ]


def test_widgets_work_with_the_real_analysis():
    diagnosis = pytest.importorskip("ucnb.diagnosis.diagnose")
    from ucnb.model.results import Node

    listing = ps_ef(EX1_LISTING_ROWS)
    node = diagnosis.diagnose_node(Node(name="cucm-pub", product="CUCM", listings=[listing]))
    (group,) = node.groups
    decisions = Decisions()
    picker = RemediationPicker(node.node, group, decisions=decisions)
    assert picker.dropdown.value == group.action == "restart_service"
    assert "TAC only" in dict((v, k) for k, v in picker.dropdown.options)["kill_parent"]
    picker.button.click()
    assert decisions.as_records()[0]["command"] == "utils service restart Cisco AMC Service"
