"""Widgets driven headless, as papermill/nbval do: set `.value`, call `.click()`, read kernel state."""

from __future__ import annotations

import html

import ipywidgets
import pytest

from ucnb.catalogue import CATALOGUE
from ucnb.errors import InputError
from ucnb.parsers.listing import parse_listing
from ucnb.widgets import (
    ACTION_TEXT,
    DECISION_FIELDS,
    DECISIONS,
    NO_SERVICE,
    UNKNOWN_PARENT,
    Decisions,
    Quiz,
    QuizQuestion,
    RemediationPicker,
)

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


# ------------------------------------------------------------------ Quiz.from_analysis
def option_values(question):
    return [value for _label, value in question.input.options]


def option_labels(question):
    return [label for label, _value in question.input.options]


def test_quiz_from_analysis_has_the_four_standard_questions_with_plausible_distractors():
    listing = ps_ef(EX1_LISTING_ROWS)
    quiz = Quiz.from_analysis(EX1_NODE, listing)
    assert list(quiz.questions) == ["zombie", "parent", "service", "action"]
    zombie = option_values(quiz["zombie"])
    assert 22908 in zombie and 29815 in zombie  # the PID/PPID mix-up is offered
    assert zombie == sorted(zombie) and 3 <= len(zombie) <= 4
    parent = option_values(quiz["parent"])
    assert 29815 in parent and 22908 in parent and 1 in parent and 1200 in parent
    services = option_labels(quiz["service"])
    assert "Cisco AMC Service" in services and services[-1] == NO_SERVICE
    # distractors are services that really run on this node first
    assert {"Cisco CDR Repository Manager", "Cisco Tftp"} <= set(services)
    assert option_values(quiz["action"]) == list(ACTION_TEXT)
    again = Quiz.from_analysis(EX1_NODE, listing)
    assert [option_values(q) for q in again.questions.values()] == [
        option_values(q) for q in quiz.questions.values()
    ]


def test_quiz_right_answers_score_and_explain():
    quiz = Quiz.from_analysis(EX1_NODE, ps_ef(EX1_LISTING_ROWS))
    for name, value in [
        ("zombie", 22908),
        ("parent", 29815),
        ("service", "Cisco AMC Service"),
        ("action", "restart_service"),
    ]:
        quiz[name].input.value = value
        quiz[name].button.click()
    assert quiz.score() == (4, 4)
    assert "Correct." in text_of(quiz["action"].output)
    assert "utils service restart Cisco AMC Service" in text_of(quiz["action"].output)
    assert quiz.results()["parent"] == {"solved": True, "attempts": 1, "wrong_before_right": 0}


def test_quiz_wrong_answers_never_reveal_the_answer():
    quiz = Quiz.from_analysis(EX1_NODE, ps_ef(EX1_LISTING_ROWS))
    wrong = {"zombie": 29815, "parent": 22908, "service": NO_SERVICE, "action": "reboot"}
    answers = {
        "zombie": "22908",
        "parent": "29815",
        "service": "Cisco AMC Service",
        "action": ACTION_TEXT["restart_service"],
    }
    for name, value in wrong.items():
        quiz[name].input.value = value
        assert quiz[name].check() is False
        shown = text_of(quiz[name].output)
        assert "Hint:" in shown
        assert answers[name].casefold() not in shown.casefold(), name
    assert quiz.score() == (0, 4)
    assert quiz.results()["zombie"] == {"solved": False, "attempts": 1, "wrong_before_right": None}


def test_quiz_defaults_come_from_plain_variables():
    answers = {"parent": 29815, "action": "reboot"}
    quiz = Quiz.from_analysis(EX1_NODE, ps_ef(EX1_LISTING_ROWS), defaults=answers)
    assert quiz["parent"].input.value == 29815 and quiz["parent"].check()
    assert quiz["action"].input.value == "reboot" and not quiz["action"].check()
    assert quiz["zombie"].input.value is None


def test_quiz_for_several_zombies_accepts_any_of_them():
    node = {
        "node": "cuc-sub",
        "product": "CUC",
        "zombies": [{"pid": p, "ppid": 7827} for p in (325, 370, 387)],
        "groups": [
            {
                "ppid": 7827,
                "parent_command": "/usr/local/cm/bin/CuFileSync",
                "service": "Connection File Syncer",
                "zombie_pids": [387, 325, 370],
                "action": "restart_service",
                "command": "utils service restart Connection File Syncer",
                "impact": "low",
                "alternatives": [],
            }
        ],
    }
    quiz = Quiz.from_analysis(node)  # no listing: distractors from the analysis only
    assert "Name one defunct PID" in quiz["zombie"].prompt
    values = option_values(quiz["zombie"])
    assert 7827 in values and {325, 370} <= set(values)
    quiz["zombie"].input.value = 325
    assert quiz["zombie"].check()
    services = option_labels(quiz["service"])
    assert "Connection File Syncer" in services
    assert len(services) == 5
    assert all("CUC" in CATALOGUE.service(s).products for s in services if s != NO_SERVICE)


def test_quiz_without_service_or_ppid():
    sftp = dict(EX1_GROUP, service=None, action="reboot", command="utils system restart", impact="cosmetic")
    quiz = Quiz.from_analysis(dict(EX1_NODE, product="IMnP", groups=[sftp]))
    quiz["service"].input.value = NO_SERVICE
    assert quiz["service"].check()
    no_ppid = dict(EX1_GROUP, ppid=None, service=None, action="recollect", command="show process list detail")
    quiz = Quiz.from_analysis(dict(EX1_NODE, groups=[no_ppid]), ps_ef(EX1_LISTING_ROWS))
    assert UNKNOWN_PARENT in option_values(quiz["parent"])
    quiz["parent"].input.value = UNKNOWN_PARENT
    assert quiz["parent"].check()
    quiz["action"].input.value = "recollect"
    assert quiz["action"].check()


def test_quiz_refuses_a_node_without_groups():
    with pytest.raises(InputError, match="no zombie group"):
        Quiz.from_analysis(dict(EX1_NODE, groups=[]))
    with pytest.raises(InputError, match="number 3"):
        Quiz.from_analysis(EX1_NODE, group=3)


def test_widgets_work_with_the_real_analysis():
    diagnosis = pytest.importorskip("ucnb.diagnosis")
    from ucnb.model import Node

    listing = ps_ef(EX1_LISTING_ROWS)
    node = diagnosis.diagnose_node(Node(name="cucm-pub", product="CUCM", listings=[listing]))
    (group,) = node.groups
    decisions = Decisions()
    picker = RemediationPicker(node.node, group, decisions=decisions)
    assert picker.dropdown.value == group.action == "restart_service"
    assert "TAC only" in dict((v, k) for k, v in picker.dropdown.options)["kill_parent"]
    picker.button.click()
    assert decisions.as_records()[0]["command"] == "utils service restart Cisco AMC Service"
    quiz = Quiz.from_analysis(node, listing)
    quiz["service"].input.value = "Cisco AMC Service"
    assert quiz["service"].check()
