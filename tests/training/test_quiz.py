"""The training quiz driven headless, as papermill/nbval do: set `.value`, call `.check()`, read output."""

from __future__ import annotations

import ipywidgets
import pytest

from ucnb.errors import InputError
from ucnb.training.quiz import Quiz, QuizQuestion


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
    shown = question.text
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
    shown = question.text
    assert shown.endswith("Correct. The [sh] <defunct> row is the zombie.\n")
    assert question.solved and [a["correct"] for a in question.attempts] == [False, True]


def test_no_answer_yet_is_not_an_attempt():
    question = make_question()
    assert question.input.value is None  # a headless run never waits for a choice
    assert question.check() is False
    assert question.attempts == [] and "first" in question.text


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
    lines = question.text.splitlines()
    assert lines[0] == "Not quite: 29815 is not it. Hint: That is the PPID column of line 211."
    assert lines[1].startswith("Not quite: 26764 is not it. Hint: Look for <defunct> at the end of a row.")


def test_a_choice_hint_that_names_the_answer_falls_back_to_the_general_hint():
    question = make_question(hints={29815: "It is 22908, of course."})
    question.input.value = 29815
    question.check()
    assert "22908" not in question.text
    assert "Hint: Look for <defunct>" in question.text


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
    lines = question.text.splitlines()
    assert lines[0].endswith("Hint: That is the zombie itself.")
    assert lines[1].endswith("Hint: Read the PPID column.")


def test_after_two_wrong_tries_the_explanation_and_no_point():
    question = make_question()
    quiz = Quiz({"zombie": question})
    for value in (29815, 26764):
        question.input.value = value
        question.check()
    shown = question.text.splitlines()
    assert len(shown) == 3
    assert shown[2] == "After 2 tries, the explanation: The [sh] <defunct> row is the zombie."
    assert question.revealed and not question.solved
    question.input.value = 22908
    assert question.check() and question.solved and not question.scored
    assert quiz.score() == (0, 1)
    assert question.text.count("the explanation") == 1  # shown once


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
