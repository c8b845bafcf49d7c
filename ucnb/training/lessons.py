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

import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ucnb.diagnosis.diagnose import diagnose
from ucnb.errors import InputError
from ucnb.faces.tree import format_analysis
from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.knowledge.owner import match_process
from ucnb.model.actions import action, decision_names
from ucnb.read.bundle import load
from ucnb.training.answer import AnswerKey
from ucnb.training.practice import make_exercise
from ucnb.training.quiz import Quiz, QuizQuestion

LESSONS = Path(__file__).parents[1] / "data" / "lessons.toml"
REPO = Path(__file__).resolve().parents[2]  # where the lessons' bundles are, in a source checkout
NO_SERVICE = "No service: the parent is not a service process"


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


def _where(source: str | None) -> str:
    """'ps_detail.txt:127' -> 'line 127 of `ps_detail.txt`'; 'f:39-325' -> 'lines 39-325 of `f`'."""
    if not source:
        return "the capture"
    name, _, line = source.rpartition(":")
    return f"line{'s' if '-' in line else ''} {line} of `{name}`"


@dataclass
class Evidence:
    """Where the answers are in the capture, as `line N of FILE` texts for the hints."""

    lines: dict[str, str] = field(default_factory=dict)
    live: dict[int, str] = field(default_factory=dict)  # pid -> where its row is
    parent_command: str = ""
    grandparent: int | None = None
    running: dict[str, str] = field(default_factory=dict)  # service -> where its process is

    @classmethod
    def of(cls, node: Any, key: AnswerKey) -> Evidence:
        import pandas as pd

        evidence = cls()
        listing = node.listing
        frame = listing.processes if listing is not None else None
        lines = evidence.lines
        if frame is not None and len(frame):
            zombies = frame[frame["pid"].isin(key.zombie_pids)]
            lines["zombie_line"] = _where(zombies["source"].iloc[0]) if len(zombies) else "the listing"
            lines["zombie_lines"] = ", ".join(_where(s) for s in zombies["source"]) or "the listing"
            parent = frame[frame["pid"] == key.ppid]
            if len(parent):
                lines["parent_line"] = _where(parent["source"].iloc[0])
                evidence.parent_command = str(parent["command"].iloc[0])
                ppid = parent["ppid"].iloc[0]
                evidence.grandparent = None if pd.isna(ppid) else int(ppid)
            for row in frame[~frame["zombie"]].itertuples(index=False):
                evidence.live[int(row.pid)] = _where(row.source)
                found = match_process(row.comm, row.command, node.product, CATALOGUE)
                if found is not None and found.name not in evidence.running:
                    evidence.running[found.name] = f"`{row.comm}` (PID {row.pid}, {_where(row.source)})"
        lines.setdefault("parent_line", "the listing")
        lines.setdefault("zombie_line", "the listing")
        lines.setdefault("zombie_lines", "the listing")
        if node.loads:
            latest = node.latest_load.summary.source
            name, _, line = latest.rpartition(":")
            lines["count_line"] = _where(f"{name}:{int(line) + 1}") if line.isdigit() else _where(latest)
            lines["first_load"] = _where(node.loads[0].source)
            full = max(node.loads, key=lambda s: len(s.processes))
            lines["full_load"] = _where(full.source)
        for member in node.identity.cluster:
            if member.get("hostname") and member["hostname"] in evidence.parent_command:
                lines["cluster_line"] = _where(member.get("source"))
        lines.setdefault("cluster_line", "`show network cluster`")
        return evidence

    def fill(self, text: str) -> str:
        """The text with its {placeholders} filled and its line breaks joined."""
        return " ".join(text.format_map(_Blank(self.lines)).split())


class _Blank(dict):
    def __missing__(self, name: str) -> str:
        return "the capture"


def _as_pid(value: Any) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# ------------------------------------------------------------------ the questions
def zombie_question(key: AnswerKey, ev: Evidence, default: Any = None) -> QuizQuestion:
    """Type a defunct PID (any of them)."""
    at = ev.lines["zombie_line"]

    def hints(value: Any) -> str:
        pid = _as_pid(value)
        if pid is None:
            return "Type a number: the PID column of a row that ends in `<defunct>`."
        if pid == key.ppid:
            return f"That is the parent: the PPID column of {at}. Read the PID column of that row."
        if pid in ev.live:
            return (
                f"PID {pid} is a live process ({ev.live[pid]}): its row does not end in `<defunct>`. "
                f"Read {at}."
            )
        return f"No process has PID {pid} in the listing. Search it for `defunct`: {at}."

    several = len(key.zombie_pids) > 1
    pids = ", ".join(map(str, key.zombie_pids))
    return QuizQuestion(
        "Search the process listing for `defunct`. Type the PID of a defunct process.",
        None,
        [str(p) for p in key.zombie_pids],
        hint="A defunct row ends in `<defunct>` (state Z): type the number in its PID column.",
        hints=hints,
        explanation=(
            f"{_plural(len(key.zombie_pids), 'PID', 'PIDs')} {pids} {'are' if several else 'is'} defunct "
            f"({ev.lines['zombie_lines']}): the row ends in `<defunct>`, state Z."
        ),
        default=default,
    )


def parent_question(key: AnswerKey, ev: Evidence, default: Any = None) -> QuizQuestion:
    """Type the PPID of the defunct rows."""
    at = ev.lines["zombie_line"]

    def hints(value: Any) -> str:
        pid = _as_pid(value)
        if pid is None:
            return f"Type a number: the PPID column of {at}."
        if pid in key.zombie_pids:
            return f"That is the defunct process itself (its PID). Its parent is in the PPID column of {at}."
        if pid == ev.grandparent:
            return (
                f"PID {pid} is the parent's own parent: the PPID of {ev.lines['parent_line']}. "
                f"Read the PPID of the defunct row, {at}."
            )
        if pid == 1:
            return f"PID 1 (init) reaps the orphans it adopts at once: read the PPID column of {at}."
        return f"Look at the PPID column of {at}."

    return QuizQuestion(
        "What is the parent PID (PPID) of the defunct "
        f"{_plural(len(key.zombie_pids), 'process', 'processes')}? Type it.",
        None,
        str(key.ppid),
        hint="On the defunct row, the PPID column names the process that should reap it.",
        hints=hints,
        explanation=(
            f"The PPID of the defunct row ({at}) is {key.ppid}; the parent's own row is "
            f"{ev.lines['parent_line']}: `{ev.parent_command}`."
        ),
        default=default,
    )


def service_question(key: AnswerKey, ev: Evidence, default: Any = None, distractors: int = 3) -> QuizQuestion:
    """Pick the service that owns the parent (or none)."""
    at = ev.lines["parent_line"]
    right = key.service or NO_SERVICE
    pool = sorted(
        (name for name in ev.running if name != key.service),
        key=lambda name: (abs(int(ev.running[name].split("PID ")[1].split(",")[0]) - key.ppid), name),
    )
    options = sorted({*pool[:distractors], *([key.service] if key.service else [])}) + [NO_SERVICE]
    hints = {}
    for name in options:
        if name == NO_SERVICE:
            hints[name] = (
                f"The parent's row ({at}) runs the program of a service: look it up in "
                "`utils service list` and the service catalogue."
            )
        elif key.service:
            hints[name] = (
                f"{name} runs as {ev.running[name]}. The zombies' parent is the row of {at}: which "
                "service runs that program?"
            )
        else:
            hints[name] = f"{name} runs as {ev.running[name]}, not at {at}. Who started the parent ({at})?"
    if key.service:
        explanation = f"{key.service} owns it: the parent's row ({at}) runs `{ev.parent_command}`."
    else:
        explanation = (
            f"No service owns it: the parent ({at}) is `{ev.parent_command}`, started by PID "
            f"{ev.grandparent}, not by Service Manager."
        )
    return QuizQuestion(
        "Which service owns the parent process?",
        options,
        right,
        hint="Find the row whose PID is the PPID, then look its program up in the service catalogue.",
        hints=hints,
        explanation=explanation,
        default=default,
    )


def action_question(
    key: AnswerKey, ev: Evidence, *, prompt: str, explanation: str = "", default: Any = None
) -> QuizQuestion:
    """Pick what to do first; each wrong action has its own hint."""
    zombie_at, parent_at = ev.lines["zombie_line"], ev.lines["parent_line"]
    hints = {
        "kill_parent": "`kill -9` needs root access (TAC only), and the process would die behind "
        "Service Manager's back: the procedure works from the admin CLI.",
        "recollect": f"The capture has what you need: the defunct row ({zombie_at}) with its PPID, and "
        f"the parent's row ({parent_at}).",
        "leave": "Leaving them is defensible while the count is stable (each holds only a PID slot), but "
        "the customer asked to clear them: what is the least disruptive step that does?",
    }
    if key.action == "restart_service":
        hints["reboot"] = (
            f"A reboot clears them, but takes the whole node down. Only the parent ({parent_at}) has to "
            "end: what ends just that process from the admin CLI?"
        )
        explanation = explanation or (
            f"Restart the owning service: `utils service restart {key.service}`. That ends the parent; its "
            "zombies are re-parented to init, which reaps them."
        )
    else:
        hints["restart_service"] = (
            f"The parent ({parent_at}) is not a service's process: no service restart ends it."
        )
        explanation = explanation or "Reboot the node (`utils system restart`) in a maintenance window."
    return QuizQuestion(
        prompt,
        [(action(name).label, name) for name in decision_names()],
        [key.action, *key.also_right],
        hint="A zombie goes away when its parent ends: prefer the least disruptive step that ends it.",
        hints=hints,
        explanation=explanation,
        default=default,
    )


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
        seed: int = 1,
    ) -> Exercise:
        """The notebook's entry: lesson "ex1".."ex5" on `bundle_path`, or "practice" on a
        `ucnb practice` folder (None: a fresh exercise from `seed`)."""
        if lesson == "practice":
            return cls.from_practice(exercise_path, seed=seed)
        return cls.from_lesson(lesson, bundle_path)

    @classmethod
    def from_practice(cls, directory: str | Path | None = None, *, seed: int = 1) -> Exercise:
        """A `ucnb practice` folder (`answer.json` and `bundle/`); None: a fresh one from `seed`."""
        if directory is None:
            files, key = make_exercise(seed)
            with tempfile.TemporaryDirectory(prefix="ucnb-practice-") as folder:
                for name, data in files.items():
                    (Path(folder) / name).write_bytes(data)
                return cls(load(folder), key)
        directory = Path(directory)
        return cls(load(directory / "bundle"), AnswerKey.read(directory / "answer.json"))

    @property
    def title(self) -> str:
        if self.lesson:
            return self.lesson.title
        return f"Practice: {self.node.product} node `{self.key.node}` shows zombies"

    def intro(self) -> Any:
        """The lesson's title, scenario and files, as Markdown for the notebook."""
        from IPython.display import Markdown

        scenario = (
            self.lesson.scenario
            if self.lesson
            else (
                f"A customer's {self.node.product} node, `{self.key.node}`, shows zombies in "
                "`show process load`. Find them, their parent, its owner, and what to do."
            )
        )
        files = "\n".join(f"- `{f.name}` ({f.size:,} bytes)" for f in self.bundle.files)
        return Markdown(f"## {self.title}\n\n{scenario}\n\nThe capture:\n\n{files}\n")

    def quiz(self, defaults: Mapping[str, Any] | None = None) -> Quiz:
        """The questions: defunct PID, PPID, service, action, then the lesson's own."""
        given = {name: value for name, value in (defaults or {}).items() if value is not None}
        key, ev = self.key, self.evidence
        lesson = self.lesson
        questions = {
            "zombie": zombie_question(key, ev, given.get("zombie")),
            "parent": parent_question(key, ev, given.get("parent")),
            "service": service_question(key, ev, given.get("service")),
            "action": action_question(
                key,
                ev,
                prompt=lesson.action_prompt if lesson else Lesson.action_prompt,
                explanation=ev.fill(lesson.action_explanation) if lesson else "",
                default=given.get("action"),
            ),
        }
        for number, own in enumerate(lesson.questions if lesson else ()):
            default = given.get(own.id, given.get("lesson") if number == 0 else None)
            questions[own.id] = lesson_question(own, ev, default)
        return Quiz(questions)

    def kit_answer(self) -> Any:
        """A button that shows `ucnb analyze` and the tree picture: only when the trainee asks."""
        import ipywidgets as widgets

        button = widgets.Button(description="Show the kit's analysis", button_style="warning")
        output = widgets.Output()

        def show(_button: Any) -> None:
            from ucnb.faces.draw import draw_zombie_tree, figure_to_image  # matplotlib: when asked

            analysis = diagnose(self.bundle)
            output.append_stdout(format_analysis(analysis) + "\n")
            node = analysis.node(self.key.node)
            for group in node.groups[:2]:
                figure = draw_zombie_tree(self.listing, group, node_name=self.key.node)
                output.append_display_data(figure_to_image(figure))
            button.disabled = True

        button.on_click(show)
        return widgets.VBox([button, output])
