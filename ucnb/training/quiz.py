"""The training quiz: a question with a Check button and a hint per wrong answer, and a set of them
with its score (ipywidgets 8; `ucnb.training.lessons` builds the questions from a capture).

A hint never names the answer (`QuizQuestion` refuses one that does); after `reveal_after` wrong
tries the explanation is shown, and the question no longer counts in the score. The feedback is an
HTML widget styled in itself (right in green, wrong in red, the explanation in blue; text that wraps
inside its box, `code` as code), the same in JupyterLab and under Voila; its plain text is kept in
`QuizQuestion.feedback` for tests and papermill runs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ucnb.errors import InputError

__all__ = ["QuizQuestion", "Quiz"]


def _normal(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _accepted(answer: Any) -> list[Any]:
    if isinstance(answer, (list, tuple, set, frozenset)):
        return sorted(answer, key=str)
    return [answer]


_TONES = {  # feedback kind -> (border, background, text colour)
    "right": ("#2e7d32", "#e8f5e9", "#1b4d1e"),
    "wrong": ("#c62828", "#fdecea", "#7f1d1d"),
    "explain": ("#1565c0", "#e8f0fe", "#0d3c78"),
    "note": ("#757575", "#f5f5f5", "#333333"),
}


def inline_html(text: str) -> str:
    """Text with `code` spans as <code>, everything escaped.

    >>> inline_html("Search for `<defunct>` & read")
    'Search for <code style="white-space:pre-wrap">&lt;defunct&gt;</code> &amp; read'
    """
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last one is text
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return "".join(
        f'<code style="white-space:pre-wrap">{html.escape(part)}</code>' if n % 2 else html.escape(part)
        for n, part in enumerate(parts)
    )


def feedback_html(kind: str, text: str) -> str:
    """One feedback line as HTML: escaped, `code` spans as <code>, wrapping inside its box.

    >>> feedback_html("wrong", "Not quite: 5 is not it. Hint: read `<defunct>`.")[-69:]
    'read <code style="white-space:pre-wrap">&lt;defunct&gt;</code>.</div>'
    """
    border, background, colour = _TONES[kind]
    body = inline_html(text)
    style = (
        f"border-left:4px solid {border};background:{background};color:{colour};padding:4px 10px;"
        "margin:4px 0;white-space:normal;overflow-wrap:anywhere;line-height:1.45;max-width:100%"
    )
    return f'<div class="ucnb-feedback-{kind}" style="{style}">{body}</div>'


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
    box) from a plain variable. Every check is kept in `attempts`, every feedback line in `feedback`
    (shown styled in `feedback_html`).

    >>> q = QuizQuestion("Type the defunct PID", None, 22908, hint="Search for <defunct>",
    ...                  hints={"29815": "That is the PPID column of line 211."},
    ...                  explanation="22908 is [sh] <defunct>.")
    >>> q.input.value = "29815"; q.check()
    False
    >>> q.feedback[-1]
    'Not quite: 29815 is not it. Hint: That is the PPID column of line 211.'
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
        self.prompt_html = widgets.HTML(value=f"<b>{inline_html(prompt)}</b>")
        self.button = widgets.Button(description="Check")
        self.feedback: list[str] = []
        self.feedback_html = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.feedback_html.add_class("ucnb-feedback")
        self.widget = widgets.VBox(
            [self.prompt_html, widgets.HBox([self.input, self.button]), self.feedback_html],
            layout=widgets.Layout(width="100%", max_width="60em"),
        )
        self.widget.add_class("ucnb-question")
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
            self._say("note", "Choose or type an answer first.")
            return False
        right = self.is_right(value)
        self.attempts.append({"value": value, "correct": right})
        if right:
            self._say("right", f"Correct. {self.explanation}")
        else:
            shown = self._labels.get(value, value)
            self._say("wrong", f"Not quite: {shown} is not it. Hint: {self.hint_for(value)}")
            wrong = sum(not a["correct"] for a in self.attempts)
            if not self.solved and not self.revealed and wrong >= self.reveal_after:
                self.revealed = True
                self._say("explain", f"After {wrong} tries, the explanation: {self.explanation}")
        for listener in self._listeners:
            listener(self)
        return right

    def _say(self, kind: str, text: str) -> None:
        """Add one feedback line (kept as text, shown styled)."""
        self.feedback.append(" ".join(text.split()))
        self.feedback_html.value += feedback_html(kind, self.feedback[-1])

    @property
    def text(self) -> str:
        """The feedback so far, one line per check (and explanation)."""
        return "".join(f"{line}\n" for line in self.feedback)

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
            lines.append(f"{name}: {question.feedback[-1]}")
        return lines

    def report_given(self) -> str:
        """What a trainer's papermill run prints: the answers given as parameters, checked, and the
        score; "" when none was given (a trainee's page then shows nothing stale under the live
        score)."""
        if not any(q.input.value not in (None, "") for q in self.questions.values()):
            return ""
        lines = self.check_given()
        points, total = self.score()
        return "".join(f"{line}\n" for line in [*lines, f"Score: {points} of {total}"])

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
