"""The training quiz, answered headless as a trainee would: typed PIDs, picked services and actions.

The right answers come from the seed (ucnb/data/lessons.toml, the practice answer key), the lines a
hint points at are checked against the sample READMEs (written by the generator, not by the quiz),
and every wrong choice must get its own hint that never names the answer.
"""

from __future__ import annotations

import re

import ipywidgets
import pytest
from cli_helpers import run_cli

from ucnb.errors import InputError
from ucnb.training.answer import AnswerKey
from ucnb.training.lessons import NO_SERVICE, Exercise, load_lessons

LESSONS = load_lessons()
FOLDERS = {lesson.id: lesson.bundle.split("/")[1] for lesson in LESSONS.values()}
ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    return {lesson_id: Exercise.from_lesson(lesson_id) for lesson_id in LESSONS}


def readme_lines(lesson_id: str, pid: int, defunct: bool) -> set[str]:
    """'line N of `file`' for the rows of `pid` the sample README lists (defunct rows, parent rows)."""
    text = (ROOT / "sample_outputs" / FOLDERS[lesson_id] / "README.md").read_text()
    found = set()
    for name, line, row in re.findall(r"^- `([^`]+)` line (\d+): `(.*)`$", text, re.M):
        if (row.endswith("<defunct>") == defunct) and str(pid) in row.split()[:5]:
            found.add(f"line {line} of `{name}`")
    return found


def answers(key: AnswerKey) -> dict[str, str]:
    return {
        "zombie": str(key.zombie_pids[-1]),
        "parent": str(key.ppid),
        "service": key.service or NO_SERVICE,
        "action": key.action,
    }


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_typed_and_picked_right_answers_score_full_marks(exercises, lesson_id):
    exercise = exercises[lesson_id]
    quiz = exercise.quiz()
    assert isinstance(quiz["zombie"].input, ipywidgets.Text) and isinstance(
        quiz["parent"].input, ipywidgets.Text
    )
    given = answers(exercise.key)
    for own in LESSONS[lesson_id].questions:
        given[own.id] = own.answer[0]
    assert set(given) == set(quiz.questions)
    for name, value in given.items():
        quiz[name].input.value = f" {value} " if name in ("zombie", "parent") else value
        quiz[name].button.click()
        assert quiz[name].text.startswith("Correct. "), (name, quiz[name].text)
    assert quiz.score() == (len(given), len(given))
    assert f"Score: {len(given)} of {len(given)}" in quiz.score_html.value


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_hints_point_at_the_lines_the_sample_readme_names(exercises, lesson_id):
    exercise = exercises[lesson_id]
    key, lines = exercise.key, exercise.evidence.lines
    assert lines["zombie_line"] in readme_lines(lesson_id, key.zombie_pids[0], defunct=True)
    assert lines["parent_line"] in readme_lines(lesson_id, key.ppid, defunct=False)
    quiz = exercise.quiz()
    quiz["parent"].input.value = str(key.zombie_pids[0])  # the usual mix-up: the zombie's own PID
    quiz["parent"].check()
    assert f"the PPID column of {lines['zombie_line']}" in quiz["parent"].text


def test_ex4_typed_mix_ups_get_their_own_hints(exercises):
    quiz = exercises["ex4"].quiz()
    zombie, parent = quiz["zombie"], quiz["parent"]
    for value in ("7827", "2196", "5", "rsync"):
        zombie.input.value = value
        zombie.check()
    feedback = zombie.text.splitlines()
    assert feedback[0] == (
        "Not quite: 7827 is not it. Hint: That is the parent: the PPID column of line 127 of "
        "`ps_detail.txt`. Read the PID column of that row."
    )
    assert feedback[1].startswith("Not quite: 2196 is not it. Hint: PID 2196 is a live process (line ")
    assert feedback[2].startswith("After 2 tries, the explanation: PIDs 325, 370, 387 are defunct")
    assert "No process has PID 5 in the listing" in feedback[3]
    assert "Type a number" in feedback[4]
    for value in ("2196", "1", "325"):
        parent.input.value = value
        parent.check()
    shown = parent.text
    assert "PID 2196 is the parent's own parent: the PPID of line 231 of `ps_detail.txt`" in shown
    assert (
        "After 2 tries, the explanation: The PPID of the defunct row (line 127 of `ps_detail.txt`) is 7827"
        in shown
    )
    assert "defunct process itself" in shown
    assert quiz.score() == (0, 5)


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_every_wrong_choice_has_its_own_hint_that_does_not_name_the_answer(exercises, lesson_id):
    quiz = exercises[lesson_id].quiz()
    for name, question in quiz.questions.items():
        if not isinstance(question.input, ipywidgets.Dropdown):
            continue
        right = [label for label, value in question.input.options if question.is_right(value)]
        hints = {}
        for label, value in question.input.options:
            if question.is_right(value):
                continue
            hint = question.hint_for(value)
            assert hint != question.hint, f"{name}: {label!r} has no hint of its own"
            for answer in right:
                assert answer.casefold() not in hint.casefold(), (name, label, hint)
            hints[label] = hint
        assert len(set(hints.values())) == len(hints), f"{name}: two wrong choices share a hint"


def test_ex2_asks_why_the_top_table_shows_no_zombie(exercises):
    question = exercises["ex2"].quiz()["top10"]
    question.input.value = "reaped"
    question.check()
    assert "one snapshot of `top` (lines 29-44 of `cli_sub2_2026-11-18.log`)" in question.text
    question.input.value = "top10"
    assert question.check()
    assert "only the top 10 processes" in question.text
    assert "`show process list detail`" in question.text


def test_ex4_asks_how_many_restarts_clear_three_zombies(exercises):
    question = exercises["ex4"].quiz()["one_parent"]
    question.input.value = "three"
    question.check()
    lines = "line 127 of `ps_detail.txt`, line 131 of `ps_detail.txt`, line 133 of `ps_detail.txt`"
    assert lines in question.text
    question.input.value = "one"
    assert question.check() and "share one PPID" in question.text


def test_ex5_peer_question_and_both_defensible_actions(exercises):
    quiz = exercises["ex5"].quiz()
    quiz["peer"].input.value = "backup"
    quiz["peer"].check()
    assert "line 30 of `imp-pub_session.txt`" in quiz["peer"].text  # the peer in show network cluster
    for action in ("leave", "reboot"):
        assert quiz["action"].is_right(action)
    quiz["action"].input.value = "restart_service"
    quiz["action"].check()
    assert "not a service's process" in quiz["action"].text
    quiz["action"].input.value = "leave"
    assert quiz["action"].check()
    explanation = quiz["action"].text
    assert "Leave it while the count stays small and stable" in explanation
    assert "Reboot (`utils system restart`, in a maintenance window" in explanation
    quiz["service"].input.value = NO_SERVICE
    assert quiz["service"].check()


def test_defaults_fill_the_inputs_from_plain_variables(exercises):
    quiz = exercises["ex1"].quiz(
        defaults={"zombie": 22908, "parent": None, "action": "reboot", "lesson": None}
    )
    assert quiz["zombie"].input.value == "22908" and quiz["parent"].input.value == ""
    assert quiz["action"].input.value == "reboot"
    assert quiz.check_given()[:2] == [
        "zombie: Correct. PID 22908 is defunct (line 251 of `show_process_list_detail.txt`): the row ends in "
        "`<defunct>`, state Z.",
        "parent: not answered yet",
    ]


def test_the_kit_answer_shows_only_when_asked(exercises):
    box = exercises["ex1"].kit_answer()
    button, text, output = box.children
    assert output.outputs == () and text.value == ""
    button.click()
    # the kit's own text, as HTML that wraps at words (an output's stdout breaks words)
    assert "Cisco AMC Service" in text.value and "29815" in text.value and "action plan:" in text.value
    assert "word-break: normal" in text.value and "&lt;defunct&gt;" in text.value
    assert any("image/png" in item.get("data", {}) for item in output.outputs)
    assert button.disabled


def test_practice_exercise_from_the_cli(tmp_path):
    status, out, err = run_cli("practice", "--seed", 21, "--product", "CUC", "--variant", "one",
                               "-o", tmp_path / "ex", "--key", tmp_path / "keys" / "21.json")
    assert status == 0, err
    exercise = Exercise.open("practice", exercise_path=tmp_path / "ex",
                             key_path=tmp_path / "keys" / "21.json")
    key = AnswerKey.read(tmp_path / "keys" / "21.json")
    assert exercise.node.product == "CUC" and exercise.key == key
    quiz = exercise.quiz(defaults={"zombie": key.zombie_pids[0], "parent": key.ppid})
    quiz["service"].input.value = key.service
    quiz["action"].input.value = key.action
    assert all(line.split(": ", 1)[1].startswith("Correct.") for line in quiz.check_given())
    assert exercise.title == f"Practice: CUC node `{key.node}` shows zombies"


def test_bad_answer_keys_and_lessons_are_named(tmp_path):
    with pytest.raises(InputError, match="no lesson 'ex9'"):
        Exercise.from_lesson("ex9")
    with pytest.raises(InputError, match="missing or bad field"):
        AnswerKey.from_dict({"node": "x", "zombie_pids": [1]})
    (tmp_path / "answer.json").write_text("{not json")
    with pytest.raises(InputError, match="cannot read the answer key"):
        AnswerKey.read(tmp_path / "answer.json")
