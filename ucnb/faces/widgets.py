"""ipywidgets for the triage and training notebooks.

Thin classes over ipywidgets 8. Every widget takes its default from a plain argument (a papermill
`parameters` cell), so a headless run never waits for a click; callbacks write with
`Output.append_stdout` (never `with out: print`), and decisions go into a kernel-side `Decisions`
object that a report reads. Text from the bundle is HTML-escaped before it goes into an HTML widget.

    >>> group = analysis["nodes"][0]["groups"][0]     # a `ucnb.analysis/1` group
    >>> picker = RemediationPicker("cucm-sub1", group, default="restart_service")
    >>> box = picker.widget                            # display(box) in a notebook
    >>> picker.dropdown.value = "reboot"; picker.button.click()
    >>> DECISIONS.as_records()[-1]["command"]
    'utils system restart'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ucnb.errors import InputError
from ucnb.model.findings import Group, as_group

__all__ = [
    "ACTION_TEXT",
    "DECISION_FIELDS",
    "Decisions",
    "DECISIONS",
    "RemediationPicker",
    "QuizQuestion",
    "Quiz",
]

# What each remediation action means, in a few words (the analysis gives the command and impact).
ACTION_TEXT = {
    "restart_service": "Restart the owning service",
    "reboot": "Reboot the node",
    "recollect": "Recollect the process listing",
    "kill_parent": "Kill the parent process",
    "leave": "Leave them until the next reboot",
}
DECISION_FIELDS = ("node", "ppid", "action", "command", "impact", "by", "note")


class Decisions:
    """The remediation decisions taken in a notebook session, in the order they were recorded.

    >>> d = Decisions()
    >>> record = d.record(node="cucm-pub", ppid=29815, action="restart_service",
    ...                   command="utils service restart Cisco AMC Service", impact="low")
    >>> d.as_records()[0]["action"]
    'restart_service'
    """

    def __init__(self) -> None:
        self._records: list[dict[str, Any]] = []

    def record(
        self,
        *,
        node: str,
        ppid: int | None,
        action: str,
        command: str | None,
        impact: str | None,
        by: str = "",
        note: str = "",
        **extra: Any,
    ) -> dict[str, Any]:
        """Add one decision; returns the stored record (DECISION_FIELDS, then any extra fields)."""
        entry = {
            "node": node,
            "ppid": ppid,
            "action": action,
            "command": command,
            "impact": impact,
            "by": by,
            "note": note,
        }
        entry.update(extra)
        self._records.append(entry)
        return dict(entry)

    def as_records(self) -> list[dict[str, Any]]:
        """Every decision, oldest first (copies)."""
        return [dict(r) for r in self._records]

    def latest(self) -> list[dict[str, Any]]:
        """The last decision for each (node, ppid), in the order those were first decided."""
        last: dict[tuple[str, Any], dict[str, Any]] = {}
        for entry in self._records:  # a dict keeps the position of a key's first insertion
            last[(entry["node"], entry["ppid"])] = dict(entry)
        return list(last.values())

    def to_frame(self) -> pd.DataFrame:
        """All decisions as a DataFrame with the DECISION_FIELDS columns first."""
        frame = pd.DataFrame(self._records)
        if frame.empty:
            return pd.DataFrame(columns=list(DECISION_FIELDS))
        rest = [c for c in frame.columns if c not in DECISION_FIELDS]
        return frame[list(DECISION_FIELDS) + rest]

    def clear(self) -> None:
        self._records.clear()

    def __len__(self) -> int:
        return len(self._records)

    def __repr__(self) -> str:
        return f"Decisions({len(self._records)} recorded)"


DECISIONS = Decisions()  # the session's default store


def _options_of(group: Group) -> list[dict[str, Any]]:
    """The primary action, then the alternatives (first of each action kept), as dicts with
    action, command, impact, note, recommended, tac_only."""
    primary: dict[str, Any] = {
        "action": group.action,
        "command": group.command,
        "impact": group.impact,
        "note": group.reason or group.impact_note or "",
        "recommended": True,
        "tac_only": group.action == "kill_parent",
    }
    options = [primary]
    for alt in group.alternatives:
        options.append(
            {
                "action": alt.action,
                "command": alt.command,
                "impact": None,
                "note": alt.note or "",
                "recommended": False,
                "tac_only": alt.tac_only or alt.action == "kill_parent",
            }
        )
    seen: set[str] = set()
    unique = []
    for option in options:
        if not option["action"] or option["action"] in seen:
            continue
        seen.add(option["action"])
        unique.append(option)
    return unique


def _option_label(option: Mapping[str, Any]) -> str:
    action = option["action"]
    parts = [ACTION_TEXT.get(action, action)]
    if option.get("impact"):
        parts.append(f"impact {option['impact']}")
    if option.get("tac_only"):
        parts.append("TAC only")
    if option.get("recommended"):
        parts.append("recommended")
    return f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else parts[0]


class RemediationPicker:
    """Pick and record the remediation of one zombie group.

    `group` is a `ucnb.model.findings.Group` (or its JSON). The dropdown offers the primary
    action and the alternatives (values are action names: "restart_service", "reboot", ...), the
    recommended one preselected unless `default` names another. The command label shows the exact
    CLI command of the selection; "Record decision" stores it in `decisions` and confirms in the
    output.

    >>> picker = RemediationPicker("cucm-pub", group, default="reboot", by="jdoe")
    >>> picker.button.click()
    """

    def __init__(
        self,
        node_name: str,
        group: Group | Mapping[str, Any],
        *,
        default: str | None = None,
        decisions: Decisions = DECISIONS,
        by: str = "",
        note: str = "",
    ) -> None:
        self.node_name = node_name
        self.group = group = as_group(group)
        self.decisions = decisions
        self.by = by
        self.options = {option["action"]: option for option in _options_of(group)}
        if not self.options:
            raise InputError(f"{node_name}: the zombie group of PPID {group.ppid} has no action")
        if default is not None and default not in self.options:
            raise InputError(
                f"{node_name}: default action {default!r} is not one of {', '.join(self.options)}"
            )
        ppid = group.ppid
        count = len(group.zombie_pids)
        who = f"PPID {ppid}" if ppid is not None else "unknown parent"
        service = f" ({group.service})" if group.service else ""
        urgency = f" (action needed: {group.urgency}; {group.urgency_reason})" if group.urgency_reason else ""
        zombies = f"{count} zombie{'s' if count != 1 else ''}"
        self.title = widgets.HTML(value=html.escape(f"{node_name}: {zombies} of {who}{service}{urgency}"))
        self.dropdown = widgets.Dropdown(
            options=[(_option_label(option), action) for action, option in self.options.items()],
            value=default if default is not None else next(iter(self.options)),
            description="Action:",
            layout=widgets.Layout(width="max-content"),
        )
        self.command_label = widgets.HTML()
        self.note_label = widgets.HTML()
        self.note = widgets.Text(value=note, description="Note:", placeholder="why (goes into the report)")
        self.button = widgets.Button(description="Record decision", button_style="primary")
        self.output = widgets.Output()
        self.widget = widgets.VBox(
            [
                self.title,
                self.dropdown,
                self.command_label,
                self.note_label,
                self.note,
                self.button,
                self.output,
            ]
        )
        self.dropdown.observe(self._on_change, names="value")
        self.button.on_click(self._on_click)
        self._show(self.dropdown.value)

    @property
    def selected(self) -> dict[str, Any]:
        """The selected option: action, command, impact, note, recommended, tac_only."""
        return dict(self.options[self.dropdown.value])

    @property
    def command(self) -> str | None:
        """The exact CLI command of the selection (None for `leave`)."""
        return self.options[self.dropdown.value]["command"]

    def _show(self, action: str) -> None:
        option = self.options[action]
        if option["command"]:
            text = f"Command: <code>{html.escape(option['command'])}</code>"
        else:
            text = "Command: <i>none</i>"
        if option["tac_only"]:
            text += " <b>(TAC only: needs root access)</b>"
        window = option["recommended"] and self.group.when == "maintenance_window"
        if option["action"] == "reboot" or window:
            text += " <b>(in a maintenance window)</b>"
        self.command_label.value = text
        self.note_label.value = f"<small>{html.escape(option['note'])}</small>" if option["note"] else ""

    def _on_change(self, change: Mapping[str, Any]) -> None:
        self._show(change["new"])

    def _on_click(self, _button: Any = None) -> None:
        self.record()

    def record(self) -> dict[str, Any]:
        """Record the current selection (what the button does); returns the record."""
        option = self.options[self.dropdown.value]
        entry = self.decisions.record(
            node=self.node_name,
            ppid=self.group.ppid,
            action=option["action"],
            command=option["command"],
            impact=option["impact"],
            by=self.by,
            note=self.note.value,
            recommended=option["recommended"],
            zombie_pids=list(self.group.zombie_pids),
        )
        command = option["command"] or "no command"
        self.output.append_stdout(
            f"Recorded for {self.node_name}, PPID {entry['ppid']}: {option['action']} ({command})\n"
        )
        return entry


# ------------------------------------------------------------------ quizzes
def _normal(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _accepted(answer: Any) -> list[Any]:
    if isinstance(answer, (list, tuple, set, frozenset)):
        return sorted(answer, key=str)
    return [answer]


def _mentions(text: str, value: Any) -> bool:
    """Whether `text` names `value` as a whole word (a hint must not)."""
    shown = str(value)
    return len(shown) >= 2 and bool(re.search(rf"(?<!\w){re.escape(shown)}(?!\w)", text, re.IGNORECASE))


class QuizQuestion:
    r"""One training question: a Dropdown of `options` (or a Text box to type into when `options`
    is None), a "Check" button and an output.

    `answer` is the right value, or a list/tuple/set of values that are all accepted (any one of
    the defunct PIDs, say). Options are strings or (label, value) pairs. A wrong answer gets a hint,
    never the answer: `hints` gives one per wrong choice (a mapping by value, or a function of the
    value given, e.g. of a typed PID), `hint` is the fallback. After `reveal_after` wrong tries the
    output shows `explanation`; a right answer shows it too. A question counts in the score when it
    was solved before its explanation was shown. `default` preselects an option (or fills the text
    box) from a plain variable. Every check is kept in `attempts`.

    >>> q = QuizQuestion("Type the defunct PID", None, 22908, hint="Search for <defunct>",
    ...                  hints={"29815": "That is the PPID column of line 211."},
    ...                  explanation="22908 is [sh] <defunct>.")
    >>> q.input.value = "29815"; q.check()
    False
    >>> q.output.outputs[-1]["text"]
    'Not quite: 29815 is not it. Hint: That is the PPID column of line 211.\n'
    """

    def __init__(
        self,
        prompt: str,
        options: Sequence[Any] | None,
        answer: Any,
        *,
        hint: str,
        explanation: str,
        hints: Mapping[Any, str] | Callable[[Any], str | None] | None = None,
        default: Any = None,
        reveal_after: int = 2,
    ) -> None:
        self.prompt = prompt
        self.answer = answer
        self.hint = hint
        self.hints = hints
        self.explanation = explanation
        self.reveal_after = reveal_after
        self.revealed = False
        self.attempts: list[dict[str, Any]] = []
        self._listeners: list[Callable[[QuizQuestion], None]] = []
        accepted = _accepted(answer)
        if options is None:
            self._labels = {}
            self.input: widgets.Dropdown | widgets.Text = widgets.Text(
                value="" if default is None else str(default), placeholder="type your answer"
            )
        else:
            pairs = [tuple(o) if isinstance(o, (tuple, list)) else (str(o), o) for o in options]
            self._labels = {value: label for label, value in pairs}
            values = list(self._labels)
            if not any(a in values for a in accepted):
                raise InputError(f"quiz {prompt!r}: no accepted answer among the options")
            if default is not None and default not in values:
                raise InputError(f"quiz {prompt!r}: default {default!r} is not an option")
            self.input = widgets.Dropdown(
                options=pairs, value=default, layout=widgets.Layout(width="max-content")
            )
        if any(_mentions(hint, self._labels.get(value, value)) for value in accepted):
            raise InputError(f"quiz {prompt!r}: the hint gives the answer away")
        self.prompt_html = widgets.HTML(value=f"<b>{html.escape(prompt)}</b>")
        self.button = widgets.Button(description="Check")
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.prompt_html, widgets.HBox([self.input, self.button]), self.output])
        self.button.on_click(lambda _button: self.check())

    def is_right(self, value: Any) -> bool:
        """Whether `value` (an option value, or typed text) is an accepted answer."""
        accepted = _accepted(self.answer)
        if isinstance(self.input, widgets.Dropdown):
            return value in accepted
        typed = _normal(value)
        return any(typed == _normal(a) or typed == _normal(self._labels.get(a, a)) for a in accepted)

    def hint_for(self, value: Any) -> str:
        """The hint for a wrong `value`: its own when there is one that does not name an accepted
        answer, else the general hint."""
        if callable(self.hints):
            own = self.hints(value)
        elif self.hints is not None:
            key = value if isinstance(self.input, widgets.Dropdown) else _normal(value)
            own = self.hints.get(key)
        else:
            own = None
        accepted = [self._labels.get(a, a) for a in _accepted(self.answer)]
        if own and not any(_mentions(own, a) for a in accepted):
            return own
        return self.hint

    def check(self) -> bool:
        """Check the current value, append the feedback to the output, keep the attempt."""
        value = self.input.value
        if value is None or (isinstance(value, str) and not value.strip()):
            self.output.append_stdout("Choose or type an answer first.\n")
            return False
        right = self.is_right(value)
        self.attempts.append({"value": value, "correct": right})
        if right:
            self.output.append_stdout(f"Correct. {self.explanation}\n")
        else:
            shown = self._labels.get(value, value)
            self.output.append_stdout(f"Not quite: {shown} is not it. Hint: {self.hint_for(value)}\n")
            wrong = sum(not a["correct"] for a in self.attempts)
            if not self.solved and not self.revealed and wrong >= self.reveal_after:
                self.revealed = True
                self.output.append_stdout(f"After {wrong} tries, the explanation: {self.explanation}\n")
        for listener in self._listeners:
            listener(self)
        return right

    @property
    def solved(self) -> bool:
        return any(a["correct"] for a in self.attempts)

    @property
    def scored(self) -> bool:
        """Solved before the explanation was shown."""
        wrong = 0
        for attempt in self.attempts:
            if attempt["correct"]:
                return wrong < self.reveal_after
            wrong += 1
        return False

    def on_check(self, listener: Callable[[QuizQuestion], None]) -> None:
        """Call `listener(question)` after every check (the quiz updates its score)."""
        self._listeners.append(listener)


class Quiz:
    """Questions shown together, with the score below them (updated at every check).

    >>> q = QuizQuestion("Type the PPID", None, 29815, hint="Read the PPID column.", explanation="")
    >>> quiz = Quiz({"parent": q})
    >>> q.input.value = "29815"; q.check()
    True
    >>> quiz.score(), quiz.score_html.value
    ((1, 1), '<b>Score: 1 of 1</b> (1 of 1 answered)')
    """

    def __init__(self, questions: Mapping[str, QuizQuestion]) -> None:
        self.questions = dict(questions)
        self.score_html = widgets.HTML()
        self.widget = widgets.VBox([*(q.widget for q in self.questions.values()), self.score_html])
        for question in self.questions.values():
            question.on_check(lambda _question: self._show_score())
        self._show_score()

    def __getitem__(self, name: str) -> QuizQuestion:
        return self.questions[name]

    def score(self) -> tuple[int, int]:
        """(questions solved before their explanation was shown, questions)."""
        return sum(q.scored for q in self.questions.values()), len(self.questions)

    def _show_score(self) -> None:
        points, total = self.score()
        answered = sum(q.solved or q.revealed for q in self.questions.values())
        self.score_html.value = f"<b>Score: {points} of {total}</b> ({answered} of {total} answered)"

    def check_given(self) -> list[str]:
        """Check every question that has an answer (from the parameters); one line per question."""
        lines = []
        for name, question in self.questions.items():
            value = question.input.value
            if value is None or (isinstance(value, str) and not value.strip()):
                lines.append(f"{name}: not answered yet")
                continue
            question.check()
            lines.append(f"{name}: {question.output.outputs[-1]['text'].strip()}")
        return lines

    def results(self) -> dict[str, dict[str, Any]]:
        """Per question: solved, scored, number of attempts, wrong tries before the right answer."""
        out = {}
        for name, q in self.questions.items():
            first_right = next((i for i, a in enumerate(q.attempts) if a["correct"]), None)
            out[name] = {
                "solved": q.solved,
                "scored": q.scored,
                "attempts": len(q.attempts),
                "wrong_before_right": first_right,
            }
        return out
