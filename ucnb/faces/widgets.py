"""ipywidgets for the triage notebooks and the web app (the quiz is `ucnb.training.quiz`).

Thin classes over ipywidgets 8. Every widget takes its default from a plain argument (a papermill
`parameters` cell), so a headless run never waits for a click; callbacks write with
`Output.append_stdout` (never `with out: print`), and decisions go into a kernel-side `Decisions`
object that a report reads. Text from the bundle is HTML-escaped before it goes into an HTML widget.

    >>> group = analysis.nodes[0].groups[0]           # a `ucnb.model.findings.Group`
    >>> picker = RemediationPicker("cucm-sub1", group, default="restart_service")
    >>> box = picker.widget                            # display(box) in a notebook
    >>> picker.dropdown.value = "reboot"; picker.button.click()
    >>> DECISIONS.as_records()[-1]["command"]
    'utils system restart'
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ucnb.errors import InputError
from ucnb.faces.plan import choices
from ucnb.model.actions import ACTIONS, action
from ucnb.model.findings import Group, NodeOutcome

__all__ = [
    "DECISION_FIELDS",
    "Decisions",
    "DECISIONS",
    "RemediationPicker",
]

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


def _options_of(
    group: Group, outcome: NodeOutcome | None = None, *, tac: bool = False
) -> list[dict[str, Any]]:
    """The choices of `ucnb.faces.plan.choices` (the outcome's plan first) as dicts with action,
    command, impact, note, recommended, tac_only (offered only when `tac`), label."""
    return [asdict(choice) for choice in choices(group, outcome, "tac" if tac else "customer")]


def _option_label(option: Mapping[str, Any]) -> str:
    return str(option["label"])


class RemediationPicker:
    """Pick and record the remediation of one zombie group.

    `group` is a `ucnb.model.findings.Group`. The dropdown offers the primary action and the
    alternatives (values are action names: "restart_service", "reboot", ...; labels from
    `ucnb.model.actions`), the recommended one preselected unless `default` names another. The
    command label shows the exact CLI command of the selection; "Record decision" stores it in
    `decisions` and confirms in the output. `tac`: TAC mode, the TAC-only actions are offered too
    (customer mode, the default: never). `outcome`: the node's case outcome, whose plan leads the
    choices of a known cosmetic condition.

    >>> picker = RemediationPicker("cucm-pub", group, default="reboot", by="jdoe")
    >>> picker.button.click()
    """

    def __init__(
        self,
        node_name: str,
        group: Group,
        *,
        default: str | None = None,
        decisions: Decisions = DECISIONS,
        by: str = "",
        note: str = "",
        tac: bool = False,
        outcome: NodeOutcome | None = None,
    ) -> None:
        self.node_name = node_name
        self.group = group
        self.decisions = decisions
        self.by = by
        self.tac = tac
        self.options = {option["action"]: option for option in _options_of(group, outcome, tac=tac)}
        if not self.options:
            raise InputError(f"{node_name}: the zombie group of PPID {group.ppid} has no action")
        if default is not None and default not in self.options:
            hidden = " (TAC only: give tac=True)" if default in ACTIONS and action(default).tac_only else ""
            raise InputError(
                f"{node_name}: default action {default!r} is not one of {', '.join(self.options)}{hidden}"
            )
        ppid = group.ppid
        count = len(group.zombie_pids)
        who = f"PPID {ppid}" if ppid is not None else "unknown parent"
        service = f" ({group.service})" if group.service else ""
        urgency = f" (action needed: {group.urgency}; {group.urgency_reason})" if group.urgency_reason else ""
        zombies = f"{count} zombie{'s' if count != 1 else ''}"
        self.title = widgets.HTML(value=html.escape(f"{node_name}: {zombies} of {who}{service}{urgency}"))
        self.dropdown = widgets.Dropdown(
            options=[(_option_label(option), name) for name, option in self.options.items()],
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

    def _show(self, name: str) -> None:
        option = self.options[name]
        if option["command"]:
            text = f"Command: <code>{html.escape(option['command'])}</code>"
        else:
            text = "Command: <i>none</i>"
        if option["tac_only"]:
            text += " <b>(TAC only: needs root access)</b>"
        window = option["recommended"] and self.group.when == "maintenance_window"
        if action(option["action"]).disrupts == "node" or window:
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
