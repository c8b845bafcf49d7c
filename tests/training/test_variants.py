"""What a trainer checks in `ucnb practice` exercises, answered headless as a trainee would: one rule
for the actions that are right (lesson ex5 and the practice SFTP case alike), wrong services that a
trainee could really mistake for the owner, and the variants (two groups, no listing, a growing
count) with their own questions and hints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.training.lessons import LESSONS, NO_SERVICE, Exercise
from ucnb.training.practice import make_exercise


def answer(question, value) -> str:
    """Type or pick `value`, press Check; the feedback line it added."""
    before = len(question.feedback)
    question.input.value = value
    question.button.click()
    return "\n".join(question.feedback[before:])


def practice(variant: str, product: str = "CUC", want=lambda key: True) -> Exercise:
    """The first seed's exercise of `variant` whose key satisfies `want`."""
    for seed in range(200):
        _, key = make_exercise(seed, product=product, variant=variant)
        if want(key):
            return _on(seed, product, variant)
    raise AssertionError(f"no seed gives {variant} on {product}")


def _on(seed: int, product: str, variant: str) -> Exercise:
    import tempfile

    from ucnb.read.bundle import load

    files, key = make_exercise(seed, product=product, variant=variant)
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        return Exercise(load(folder), key)


@pytest.fixture(scope="module")
def sftp() -> Exercise:
    return practice("one", "IMnP", lambda key: key.service is None)


def test_leave_is_right_for_the_cosmetic_sftp_case_by_one_rule(sftp):
    lessons_text = LESSONS.read_text(encoding="utf-8")
    assert "also_right" not in lessons_text  # not written per lesson: the catalogue's rule decides
    ex5 = Exercise.from_lesson("ex5")
    assert ex5.accepted == sftp.accepted == ("reboot", "leave")
    for exercise in (ex5, sftp):
        quiz = exercise.quiz()
        assert answer(quiz["action"], "restart_service").startswith("Not quite")
        assert answer(quiz["action"], "leave").startswith("Correct.")
    assert Exercise.from_lesson("ex1").accepted == ("restart_service",)


def test_wrong_services_for_an_sftp_parent_are_drf_and_the_sync_agents(sftp):
    for exercise in (Exercise.from_lesson("ex5"), sftp):
        question = exercise.quiz()["service"]
        labels = [label for label, _ in question.input.options]
        assert {"Cisco DRF Local", "Cisco Intercluster Sync Agent"} <= set(labels), labels
        transfer = {s.name for s in CATALOGUE.alike("imp-peer-sftp", "IMnP")}
        assert len(labels) == 4 and set(labels[:-1]) <= transfer and labels[-1] == NO_SERVICE
        feedback = answer(question, "Cisco DRF Local")
        assert "Cisco DRF Local runs as `CiscoDRFLocal` (PID" in feedback
        assert "Who started the parent" in feedback


@pytest.mark.parametrize("lesson_id", ["ex1", "ex3", "ex4"])
def test_wrong_services_share_the_role_of_the_owner(lesson_id):
    exercise = Exercise.from_lesson(lesson_id)
    owner = exercise.key.service
    alike = {s.name for s in CATALOGUE.alike(owner, exercise.node.product)}
    wrong = [v for _, v in exercise.quiz()["service"].input.options if v not in (owner, NO_SERVICE)]
    assert len(wrong) == 3 and set(wrong) <= alike, (owner, wrong)


def test_no_listing_asks_the_count_and_to_recollect():
    exercise = practice("no-listing")
    assert exercise.listing is None
    quiz = exercise.quiz()
    assert list(quiz.questions) == ["count", "action"]
    count = exercise.key.zombie_counts[-1]
    wrong = answer(quiz["count"], str(count + 250))
    assert wrong.startswith("Not quite") and "`Tasks:` line" in wrong
    assert not re.search(rf"(?<!\w){count}(?!\w)", wrong.split("Hint:")[1])  # the hint never names it
    assert answer(quiz["count"], str(count)).startswith("Correct.")
    feedback = answer(quiz["action"], "restart_service")
    assert "Which service?" in feedback and "only the counts" in feedback
    assert "first find the parent" in answer(quiz["action"], "reboot")
    right = answer(quiz["action"], "recollect")
    assert right.startswith("Correct.") and "`show process list detail`" in right
    assert quiz.score() == (1, 2)  # the action came after two wrong tries: explained, not scored


def test_a_growing_count_asks_the_trend_and_leaving_it_is_wrong():
    exercise = practice("growing")
    quiz = exercise.quiz()
    assert "trend" in quiz.questions
    key = exercise.key
    feedback = answer(quiz["trend"], "stable")
    assert "Compare the `Tasks:` line of line" in feedback
    right = answer(quiz["trend"], "grows")
    assert right.startswith("Correct.") and " then ".join(map(str, key.zombie_counts)) in right
    leave = answer(quiz["action"], "leave")
    assert leave.startswith("Not quite") and "The count grows" in leave
    assert answer(quiz["action"], "restart_service").startswith("Correct.")


def test_two_groups_ask_how_many_parents_and_each_owner():
    exercise = practice("two-groups")
    key = exercise.key
    (other,) = key.other_groups
    quiz = exercise.quiz()
    assert list(quiz.questions) == [
        "zombie", "groups", "parent", "service", "parent_2", "service_2", "action"]
    assert answer(quiz["zombie"], str(other.zombie_pids[0])).startswith("Correct.")  # any defunct PID
    assert "some share a parent, some do not" in answer(quiz["groups"], "1")
    assert answer(quiz["groups"], "2").startswith("Correct.")
    assert f"defunct PID {other.zombie_pids[0]}" in quiz["parent_2"].prompt
    mixed = answer(quiz["parent_2"], str(key.ppid))  # the other group's parent
    assert "That is the parent of other defunct rows" in mixed
    assert answer(quiz["parent_2"], str(other.ppid)).startswith("Correct.")
    assert answer(quiz["service_2"], other.service).startswith("Correct.")
    assert answer(quiz["service"], key.service).startswith("Correct.")
    assert answer(quiz["parent"], str(key.ppid)).startswith("Correct.")
    explained = answer(quiz["action"], "restart_service")
    assert f"`utils service restart {key.service}`" in explained
    assert f"`utils service restart {other.service}`" in explained
    assert quiz.score() == (7, 7)


def test_a_hint_opens_the_viewer_at_the_line_it_names():
    exercise = Exercise.from_lesson("ex4")
    quiz = exercise.quiz()
    assert answer(quiz["zombie"], "7827").startswith("Not quite")  # no viewer shown: nothing to open
    exercise.viewer()
    viewer = exercise.capture_viewer
    viewer.show("services.txt")
    quiz = exercise.quiz()
    hint = answer(quiz["zombie"], "7827")
    assert "line 127 of `ps_detail.txt`" in hint
    assert (viewer.shown.file, viewer.shown.focus) == ("ps_detail.txt", 127)
    viewer.show("services.txt")
    assert answer(quiz["zombie"], "325").startswith("Correct.")  # a right answer leaves the viewer be
    assert viewer.shown.file == "services.txt"
    assert answer(quiz["action"], "reboot").startswith("Not quite")  # its hint names the parent's row
    assert viewer.shown.file == "ps_detail.txt" and viewer.shown.focus != 127
