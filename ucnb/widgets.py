"""Layer 8, a face: ipywidgets for the triage and training notebooks.

Thin classes over ipywidgets 8. Every widget takes its default from a plain argument (a papermill
`parameters` cell), so a headless run never waits for a click; callbacks write with
`Output.append_stdout` (never `with out: print`), and decisions go into a kernel-side `Decisions`
object that a report reads. Text from the bundle is HTML-escaped before it goes into an HTML widget.

    >>> group = analysis["nodes"][0]["groups"][0]     # a `ucnb.analysis/1` group
    >>> picker = RemediationPicker("cucm-pub", group, default=CHOSEN_ACTION)
    >>> picker.widget                                  # display it
    >>> picker.dropdown.value = "reboot"; picker.button.click()
    >>> DECISIONS.as_records()[-1]["command"]
    'utils system restart'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ucnb.errors import InputError
from ucnb.findings import Group, NodeAnalysis, as_group, as_node

__all__ = [
    "ACTION_TEXT",
    "DECISION_FIELDS",
    "Decisions",
    "DECISIONS",
    "RemediationPicker",
    "QuizQuestion",
    "Quiz",
    "NO_SERVICE",
    "UNKNOWN_PARENT",
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
    >>> d.record(node="cucm-pub", ppid=29815, action="restart_service",
    ...          command="utils service restart Cisco AMC Service", impact="low")
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
    primary = {
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

    `group` is a `ucnb.findings.Group` (or its JSON). The dropdown offers the primary
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
        group: Mapping[str, Any],
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
        self.title = widgets.HTML(
            value=html.escape(f"{node_name}: {count} zombie{'s' if count != 1 else ''} of {who}{service}")
        )
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


class QuizQuestion:
    """One training question: a Dropdown of `options` (or a Text box when `options` is None), a
    "Check" button and an output.

    `answer` is the right value, or a list/tuple/set of values that are all accepted (any one of
    the defunct PIDs, say). Options are strings or (label, value) pairs. A wrong answer shows
    `hint`, never the answer; a right one shows `explanation`. `default` preselects an option (or
    fills the text box) from a plain variable. Every check is kept in `attempts`.

    >>> q = QuizQuestion("Which PID is defunct?", ["22908", "29815"], "22908",
    ...                  hint="Search for <defunct>", explanation="22908 is [sh] <defunct>.")
    >>> q.input.value = "29815"; q.check()
    False
    """

    def __init__(
        self,
        prompt: str,
        options: Sequence[Any] | None,
        answer: Any,
        *,
        hint: str,
        explanation: str,
        default: Any = None,
    ) -> None:
        self.prompt = prompt
        self.answer = answer
        self.hint = hint
        self.explanation = explanation
        self.attempts: list[dict[str, Any]] = []
        accepted = _accepted(answer)
        if options is None:
            self._labels = {}
            self.input: widgets.Dropdown | widgets.Text = widgets.Text(
                value="" if default is None else str(default), placeholder="your answer"
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
        for value in accepted:
            shown = self._labels.get(value, value)
            if len(str(shown)) >= 2 and re.search(
                rf"(?<!\w){re.escape(str(shown))}(?!\w)", hint, re.IGNORECASE
            ):
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
            self.output.append_stdout(f"Not quite: {shown} is not it. Hint: {self.hint}\n")
        return right

    @property
    def solved(self) -> bool:
        return any(a["correct"] for a in self.attempts)


NO_SERVICE = "No service: the parent is not a service process"
UNKNOWN_PARENT = "Cannot tell from this capture"


def _listing_frame(listing: Any) -> pd.DataFrame | None:
    if listing is None:
        return None
    frame = getattr(listing, "processes", listing)
    return frame if isinstance(frame, pd.DataFrame) else None


def _grandparent(group: Group, frame: pd.DataFrame | None) -> list[int]:
    """[the PPID of the group's parent] from the listing (else the analysis' ancestry), or []."""
    ppid = group.ppid
    if frame is not None and len(frame) and "ppid" in frame.columns:
        rows = frame.loc[frame["pid"] == ppid, "ppid"].dropna()
        if len(rows) and int(rows.iloc[0]) > 0:
            return [int(rows.iloc[0])]
    chain = [a.pid for a in group.ancestry if a.pid not in (None, ppid)]
    return [int(chain[-1])] if chain else []


def _nearest(candidates: Iterable[int], around: int, count: int, exclude: Iterable[int]) -> list[int]:
    """`count` candidates nearest to `around` by value (ties: lower first), not in `exclude`."""
    excluded = set(exclude)
    pool = sorted({int(c) for c in candidates} - excluded, key=lambda c: (abs(c - around), c))
    return pool[:count]


class Quiz:
    """Questions shown together; `Quiz.from_analysis` builds the four of a worked example.

    >>> quiz = Quiz.from_analysis(analysis["nodes"][0], listing=bundle.nodes[0].listing)
    >>> quiz.widget                                   # display it
    >>> quiz["parent"].input.value = 29815; quiz["parent"].check()
    True
    """

    def __init__(self, questions: Mapping[str, QuizQuestion]) -> None:
        self.questions = dict(questions)
        self.widget = widgets.VBox([q.widget for q in self.questions.values()])

    def __getitem__(self, name: str) -> QuizQuestion:
        return self.questions[name]

    def score(self) -> tuple[int, int]:
        """(questions solved, questions)."""
        return sum(q.solved for q in self.questions.values()), len(self.questions)

    def results(self) -> dict[str, dict[str, Any]]:
        """Per question: solved, number of attempts, tries before the right answer."""
        out = {}
        for name, q in self.questions.items():
            first_right = next((i for i, a in enumerate(q.attempts) if a["correct"]), None)
            out[name] = {
                "solved": q.solved,
                "attempts": len(q.attempts),
                "wrong_before_right": first_right,
            }
        return out

    @classmethod
    def from_analysis(
        cls,
        node: NodeAnalysis | Mapping[str, Any],
        listing: Any = None,
        *,
        group: int = 0,
        defaults: Mapping[str, Any] | None = None,
        catalogue: Any = None,
        distractors: int = 3,
    ) -> Quiz:
        """The four questions (keys "zombie", "parent", "service", "action") for one group of an
        analysed node (a `NodeAnalysis` or its JSON). Distractors are chosen without randomness: PIDs of
        the listing near the right one (the parent's PID for the zombie question, the zombie's for
        the parent question: the usual mix-ups), services of the catalogue for the node's product
        that run in the listing, then others by name. `defaults` preselects answers by key.
        """
        from ucnb.catalogue import CATALOGUE, PRODUCTS

        catalogue = catalogue or CATALOGUE
        defaults = dict(defaults or {})
        node = as_node(node)
        groups = node.groups
        if not groups:
            raise InputError(f"{node.node}: no zombie group to build a quiz from")
        if not 0 <= group < len(groups):
            raise InputError(f"{node.node}: no zombie group number {group} (there are {len(groups)})")
        chosen = groups[group]
        zombie_pids = sorted(int(p) for p in chosen.zombie_pids)
        if not zombie_pids:
            raise InputError(f"{node.node}: zombie group {group} lists no PIDs")
        ppid = chosen.ppid
        frame = _listing_frame(listing)
        all_zombies = {int(z.pid) for z in node.zombies}
        all_zombies |= {int(p) for g in groups for p in g.zombie_pids}
        live_pids: list[int] = []
        if frame is not None and len(frame):
            pids = frame["pid"].dropna().astype(int)
            zombie_flags = frame.loc[pids.index, "zombie"].astype(bool)
            live_pids = sorted(set(pids[~zombie_flags].tolist()) - all_zombies)
        extra_pids = sorted({int(g.ppid) for g in groups if g.ppid is not None} - {ppid})

        # 1. the defunct PID
        shown_zombies = zombie_pids[:2]
        wrong_zombie = [ppid] if ppid is not None else []
        wrong_zombie += _nearest(
            live_pids + extra_pids, zombie_pids[0], distractors, zombie_pids + wrong_zombie
        )
        wrong_zombie = wrong_zombie[:distractors]
        zombie_options = sorted(set(shown_zombies + wrong_zombie))
        several = len(zombie_pids) > 1
        zombie_q = QuizQuestion(
            "Search the listing for 'defunct'. "
            + ("Name one defunct PID." if several else "Which PID is defunct?"),
            [(str(p), p) for p in zombie_options],
            zombie_pids if several else zombie_pids[0],
            hint="A defunct row ends in <defunct> (state Z). Read its PID column, not the PPID column.",
            explanation=(
                f"{'PIDs' if several else 'PID'} {', '.join(map(str, zombie_pids[:6]))}"
                f"{' ...' if len(zombie_pids) > 6 else ''} {'are' if several else 'is'} defunct."
            ),
            default=defaults.get("zombie"),
        )

        # 2. the parent PID
        if ppid is None:
            parent_options: list[tuple[str, Any]] = [(UNKNOWN_PARENT, UNKNOWN_PARENT)]
            parent_options += [(str(p), p) for p in _nearest(live_pids, zombie_pids[0], distractors, [])]
            parent_answer: Any = UNKNOWN_PARENT
            parent_expl = "The listing has no PPID column: capture `show process list detail`."
        else:
            wrong_parent = [zombie_pids[0]]
            wrong_parent += _grandparent(chosen, frame)  # the parent's own PPID: another mix-up
            if ppid != 1:
                wrong_parent.append(1)
            wrong_parent += _nearest(live_pids + extra_pids, ppid, distractors, [ppid, *wrong_parent])
            parent_options = [(str(p), p) for p in sorted(set(wrong_parent[: distractors + 1]) | {ppid})]
            parent_answer = int(ppid)
            where = (
                f"the parent's row is {chosen.parent_command!s}"
                if chosen.parent_command
                else "the parent itself is not in the listing"
            )
            parent_expl = f"The PPID of the defunct row is {ppid}; {where}."
        parent_q = QuizQuestion(
            "What is the parent PID (PPID) of the defunct process(es)?",
            parent_options,
            parent_answer,
            hint="On the defunct row, PPID is the column right after PID: the process that should reap it.",
            explanation=parent_expl,
            default=defaults.get("parent"),
        )

        # 3. the owning service
        product = node.product or "unknown"
        service = chosen.service
        service_answer = service or NO_SERVICE
        running: set[str] = set()
        if frame is not None and len(frame):
            from ucnb.catalogue import match_process

            products = [product] if product in PRODUCTS else list(PRODUCTS)
            names = frame[["comm", "command"]].astype(object).where(frame[["comm", "command"]].notna(), None)
            for comm, command in set(names.itertuples(index=False, name=None)):
                for each in products:
                    found = match_process(comm, command, each, catalogue)
                    if found is not None:
                        running.add(found.name)
        in_product = sorted(
            s.name for s in catalogue.services if product not in PRODUCTS or product in s.products
        )
        pool = [name for name in sorted(running) if name != service]
        pool += [name for name in in_product if name != service and name not in pool]
        service_options = sorted({*pool[:distractors], *([service] if service else [])}) + [NO_SERVICE]
        reason = chosen.reason or ""
        service_q = QuizQuestion(
            "Which service owns the parent process?",
            service_options,
            service_answer,
            hint=(
                "Find the row whose PID is the PPID and look its process name up in the service "
                "catalogue; walk up through sh/perl helpers to the first service process."
            ),
            explanation=(f"{service} owns it." if service else "No service owns it.")
            + (f" {reason}" if reason else ""),
            default=defaults.get("service"),
        )

        # 4. the action
        action = chosen.action
        action_options = [(ACTION_TEXT[a], a) for a in ACTION_TEXT]
        if action not in ACTION_TEXT:
            action_options.append((str(action), action))
        command = chosen.command
        action_q = QuizQuestion(
            "What should be done first?",
            action_options,
            action,
            hint=(
                "A zombie goes away when its parent reaps it or ends. Prefer the least disruptive step "
                "that makes the parent do so; if the parent is unknown, get better data first."
            ),
            explanation=(f"Run `{command}`. " if command else "") + (chosen.impact_note or reason),
            default=defaults.get("action"),
        )
        return cls({"zombie": zombie_q, "parent": parent_q, "service": service_q, "action": action_q})
