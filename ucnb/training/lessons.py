"""Training exercises: questions about a capture, checked against its answer key.

A lesson (one worked example, `ucnb/data/lessons.toml`) or a practice exercise (`ucnb practice`,
`answer.json`) gives an `AnswerKey`: node, defunct PIDs, their parent, the owning service, the
action. The questions are built from that key and from the capture itself: every hint points at
the line to read (`Evidence`: "line 127 of `ps_detail.txt`"), never at the answer. The kit's own
analysis is shown only on request (`Exercise.kit_answer`), so a notebook's stored outputs hold the
questions and the capture, not the answers.

>>> exercise = Exercise.from_lesson("ex1", root=REPO)
>>> list(exercise.quiz().questions)                             # display(exercise.quiz().widget)
['zombie', 'parent', 'service', 'action']
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ucnb.diagnosis.diagnose import diagnose
from ucnb.errors import InputError
from ucnb.faces.tree import format_analysis, text_html
from ucnb.read.bundle import load
from ucnb.report.words import product_words
from ucnb.training.answer import AnswerKey
from ucnb.training.practice import key_beside, make_exercise
from ucnb.training.questions import (
    NO_SERVICE,
    Evidence,
    accepted_actions,
    action_question,
    count_question,
    group_evidence,
    groups_question,
    parent_question,
    service_question,
    trend_question,
    zombie_question,
)
from ucnb.training.quiz import Quiz, QuizQuestion

__all__ = ["NO_SERVICE", "Evidence", "Exercise", "Lesson", "load_lessons"]

LESSONS = Path(__file__).parents[1] / "data" / "lessons.toml"
REPO = Path(__file__).resolve().parents[2]  # where the lessons' bundles are, in a source checkout
# "line 127 of `ps_detail.txt`", as `ucnb.training.questions` writes where a hint points
HINTED_LINE = re.compile(r"\blines? (?P<line>\d+)(?:-\d+)? of `(?P<file>[^`]+)`")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class LessonQuestion:
    """A question of a lesson's own (`[[lesson.question]]`): hints may name lines as `{zombie_line}`,
    `{parent_line}`, `{count_line}`, `{first_load}`, `{full_load}`, `{cluster_line}` (see Evidence)."""

    id: str
    prompt: str
    answer: tuple[str, ...]
    choices: tuple[Choice, ...]
    explanation: str
    hint: str


@dataclass(frozen=True)
class Lesson:
    id: str
    notebook: str
    title: str
    scenario: str
    bundle: str  # relative to the repository root
    key: AnswerKey
    action_prompt: str = "The customer wants the zombies cleared. What do you do first?"
    action_explanation: str = ""
    questions: tuple[LessonQuestion, ...] = ()


def _lesson(entry: Mapping[str, Any]) -> Lesson:
    questions = tuple(
        LessonQuestion(
            id=q["id"],
            prompt=q["prompt"],
            answer=tuple(q["answer"]) if isinstance(q["answer"], list) else (q["answer"],),
            choices=tuple(Choice(c["value"], c["label"], c.get("hint", "")) for c in q["choice"]),
            explanation=q["explanation"],
            hint=q["hint"],
        )
        for q in entry.get("question", [])
    )
    return Lesson(
        id=entry["id"],
        notebook=entry["notebook"],
        title=entry["title"],
        scenario=entry["scenario"].strip(),
        bundle=entry["bundle"],
        key=AnswerKey.from_dict(entry["answer"]),
        action_prompt=entry.get("action_prompt", Lesson.action_prompt),
        action_explanation=entry.get("action_explanation", "").strip(),
        questions=questions,
    )


def load_lessons(path: str | Path = LESSONS) -> dict[str, Lesson]:
    """The lessons of the data file, by id ("ex1" ... "ex5"); a broken entry is named."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    lessons = {}
    for number, entry in enumerate(data.get("lesson", []), start=1):
        try:
            lesson = _lesson(entry)
        except (KeyError, TypeError) as error:
            raise InputError(f"{path}: lesson {number} ({entry.get('id')}): missing {error}") from None
        lessons[lesson.id] = lesson
    return lessons


def lesson_question(question: LessonQuestion, ev: Evidence, default: Any = None) -> QuizQuestion:
    """A lesson's own question from the data file; its hints name lines of this capture."""
    return QuizQuestion(
        question.prompt,
        [(c.label, c.value) for c in question.choices],
        list(question.answer),
        hint=ev.fill(question.hint),
        hints={c.value: ev.fill(c.hint) for c in question.choices if c.hint},
        explanation=ev.fill(question.explanation),
        default=default,
    )


# ------------------------------------------------------------------ an exercise
class Exercise:
    """A capture, its answer key and (for a worked example) its lesson: the questions and, on
    request, the kit's own analysis."""

    def __init__(self, bundle: Any, key: AnswerKey, lesson: Lesson | None = None) -> None:
        self.bundle = bundle
        self.key = key
        self.lesson = lesson
        try:
            self.node = bundle.node(key.node)
        except KeyError:
            raise InputError(f"the capture has no node {key.node!r} (the answer key's node)") from None
        self.listing = self.node.listing
        self.evidence = Evidence.of(self.node, key)
        group = next((g for g in diagnose(bundle).node(key.node).groups if g.ppid == key.ppid), None)
        # the kit's rule for this group (the catalogue's impact): leaving the cosmetic case is right too
        self.accepted = accepted_actions(key.action, group.impact if group is not None else "unknown")
        self.capture_viewer: Any = None  # the viewer of `viewer()`, once shown

    @classmethod
    def from_lesson(
        cls, lesson_id: str, bundle_path: str | Path | None = None, *, root: Path = REPO
    ) -> Exercise:
        lessons = load_lessons()
        if lesson_id not in lessons:
            raise InputError(f"no lesson {lesson_id!r}; there are {', '.join(lessons)}")
        lesson = lessons[lesson_id]
        return cls(load(bundle_path or root / lesson.bundle), lesson.key, lesson)

    @classmethod
    def open(
        cls,
        lesson: str,
        *,
        bundle_path: str | Path | None = None,
        exercise_path: str | Path | None = None,
        key_path: str | Path | None = None,
        seed: int = 1,
        variant: str | None = None,
    ) -> Exercise:
        """The notebook's entry: lesson "ex1".."ex5" on `bundle_path`, or "practice" on a
        `ucnb practice` folder and its key (None: a fresh exercise from `seed`)."""
        if lesson == "practice":
            return cls.from_practice(exercise_path, key_path=key_path, seed=seed, variant=variant)
        return cls.from_lesson(lesson, bundle_path)

    @classmethod
    def from_practice(
        cls,
        directory: str | Path | None = None,
        *,
        key_path: str | Path | None = None,
        seed: int = 1,
        variant: str | None = None,
    ) -> Exercise:
        """A `ucnb practice` folder (`bundle/`) and its answer key (`key_path`; default the
        `DIR.answer.json` that practice writes beside DIR); None: a fresh one from `seed`."""
        if not directory:  # None, or "" from an unset variable of `make training`
            files, key = make_exercise(seed, variant=variant)
            with tempfile.TemporaryDirectory(prefix="ucnb-practice-") as folder:
                for name, data in files.items():
                    (Path(folder) / name).write_bytes(data)
                return cls(load(folder), key)
        directory = Path(directory)
        key_file = Path(key_path) if key_path else key_beside(directory)
        if not key_path and not key_file.exists() and (directory / "answer.json").is_file():
            key_file = directory / "answer.json"  # an exercise of an older `ucnb practice`
        if not key_file.exists() and not key_path:
            raise InputError(
                f"{key_file}: no answer key beside the exercise {directory}: give its path (`key_path`, "
                "the file `ucnb practice --key` wrote)"
            )
        return cls(load(directory / "bundle"), AnswerKey.read(key_file))

    @property
    def title(self) -> str:
        if self.lesson:
            return self.lesson.title
        return f"Practice: {product_words(self.node.product)} node `{self.key.node}` shows zombies"

    def intro(self) -> Any:
        """The lesson's title, scenario and files, as Markdown for the notebook."""
        from IPython.display import Markdown

        scenario = self.lesson.scenario if self.lesson else self._practice_scenario()
        files = "\n".join(f"- `{f.name}` ({f.size:,} bytes)" for f in self.bundle.files)
        return Markdown(f"## {self.title}\n\n{scenario}\n\nThe capture:\n\n{files}\n")

    def _practice_scenario(self) -> str:
        """What the customer says, and the task, for a practice exercise of each variant."""
        product = product_words(self.node.product)
        said = f"A customer's {product} node, `{self.key.node}`, shows zombies in `show process load`."
        if self.listing is None:
            return f"{said} Read what they sent: what does it tell you, and what do you do next?"
        if len(self.node.loads) > 1:
            said += " They captured it several times."
        if self.key.other_groups:
            return f"{said} Find the zombies, their parents, the owner of each, and what to do."
        return f"{said} Find them, their parent, its owner, and what to do."

    def viewer(self) -> Any:
        """The capture viewer over the customer's files (line numbers, search box), opened on the
        first file; no line highlighted: finding them is the exercise. A wrong answer's hint opens
        it at the line the hint names (`follow_hint`)."""
        from ucnb.faces.viewer import CaptureViewer  # ipywidgets: the notebooks extra

        self.capture_viewer = CaptureViewer.from_bundle(self.bundle)
        return self.capture_viewer.widget

    def follow_hint(self, question: QuizQuestion) -> None:
        """After a wrong answer, open the viewer at the first line its hint names ("line 127 of
        `ps_detail.txt`"); nothing without a viewer, a right answer, or a hint naming no line."""
        if self.capture_viewer is None or not question.attempts or question.attempts[-1]["correct"]:
            return
        named = HINTED_LINE.search(question.hint_for(question.attempts[-1]["value"]))
        if named:
            self.capture_viewer.open_source(f"{named.group('file')}:{named.group('line')}")

    def quiz(self, defaults: Mapping[str, Any] | None = None) -> Quiz:
        """The questions: defunct PID, PPID, service, action, then the lesson's own; a practice
        variant asks its own (no listing: the count and what to do; a growing count: the trend; two
        groups: how many parents, and the parent and service of each)."""
        given = {name: value for name, value in (defaults or {}).items() if value is not None}
        key, ev = self.key, self.evidence
        lesson = self.lesson
        questions: dict[str, QuizQuestion] = {}
        if self.listing is None:
            questions["count"] = count_question(key, ev, given.get("count"))
        else:
            questions["zombie"] = zombie_question(key, ev, given.get("zombie"))
            if key.other_groups:
                questions["groups"] = groups_question(key, ev, given.get("groups"))
            questions["parent"] = parent_question(key, ev, given.get("parent"), others=key.other_groups)
            questions["service"] = service_question(
                key, ev, given.get("service"),
                prompt=(f"Which service owns the parent of the defunct PID {key.zombie_pids[0]}?"
                        if key.other_groups else "Which service owns the parent process?"),
            )
            for number, group in enumerate(key.other_groups, start=2):
                one, its = group_evidence(self.node, key, group)
                others = tuple(g for g in key.groups if g != group)
                questions[f"parent_{number}"] = parent_question(one, its, given.get(f"parent_{number}"),
                                                                others=others)
                questions[f"service_{number}"] = service_question(
                    one, its, given.get(f"service_{number}"),
                    prompt=f"Which service owns the parent of the defunct PID {group.zombie_pids[0]}?",
                )
        if len(key.zombie_counts) > 1:
            questions["trend"] = trend_question(key, ev, given.get("trend"))
        questions["action"] = action_question(
            key,
            ev,
            prompt=lesson.action_prompt if lesson else Lesson.action_prompt,
            accepted=self.accepted,
            explanation=ev.fill(lesson.action_explanation) if lesson else "",
            default=given.get("action"),
            listing=self.listing is not None,
        )
        for number, own in enumerate(lesson.questions if lesson else ()):
            default = given.get(own.id, given.get("lesson") if number == 0 else None)
            questions[own.id] = lesson_question(own, ev, default)
        for question in questions.values():
            question.on_check(self.follow_hint)
        return Quiz(questions)

    def kit_answer(self) -> Any:
        """A button that shows `ucnb analyze` and the tree picture: only when the trainee asks."""
        import ipywidgets as widgets

        button = widgets.Button(description="Show the kit's analysis", button_style="warning",
                                layout=widgets.Layout(width="max-content"))
        output = widgets.Output()
        text = widgets.HTML()  # the kit's own text, wrapped at words (an output's stdout breaks words)

        def show(_button: Any) -> None:
            from ucnb.faces.draw import draw_zombie_tree, figure_to_image  # matplotlib: when asked

            analysis = diagnose(self.bundle)
            text.value = text_html(format_analysis(analysis))
            node = analysis.node(self.key.node)
            for group in node.groups[:2]:
                figure = draw_zombie_tree(self.listing, group, node_name=self.key.node)
                output.append_display_data(figure_to_image(figure))
            button.disabled = True

        button.on_click(show)
        return widgets.VBox([button, text, output])
