"""What every part of the report reads (`Context`), and the capture times with where each comes from.

>>> from datetime import UTC, datetime
>>> when_of([(datetime(2026, 11, 19, 10, 30), "show status date")])
('2026-11-19 10:30:00', 'show status date')
>>> when_of([(datetime(2026, 11, 28, 9, 10, tzinfo=UTC), "file saved (tar member time)")])
('2026-11-28 09:10:00 UTC', 'file saved (tar member time)')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from ucnb.model.actions import action
from ucnb.model.findings import (
    Analysis,
    CaseOutcome,
    Decision,
    NextAction,
    NodeAnalysis,
    NodeOutcome,
    NodeVerification,
    Verification,
)
from ucnb.model.results import Bundle, Node
from ucnb.read.bundle import parse_status_date
from ucnb.report.evidence import SourceLines
from ucnb.report.model import Text

T = TypeVar("T")


# Findings fields that hold a process's command line as the capture shows it: redacted by the allow-list.
COMMAND_LINES = frozenset({"command", "parent_command", "owner_command"})


@dataclass
class Context:
    """What every part of the report reads."""

    bundle: Bundle
    after: Bundle | None
    analysis: Analysis
    verification: Verification | None
    decisions: list[Mapping[str, Any]]
    lines: SourceLines | None
    r: Callable[[Any], Any]  # redaction of a bundle value (identity without --redact)
    audience: str
    pictures: bool
    case: str | None
    redactor: Any = None
    outcome: CaseOutcome = CaseOutcome()  # decided once (`ucnb.diagnosis.outcome`), redacted for the report

    @property
    def tac(self) -> bool:
        return self.audience == "tac"

    def pairs(self) -> list[tuple[Node, NodeAnalysis]]:
        return list(zip(self.bundle.nodes, self.analysis.nodes, strict=True))

    def redacted(self, finding: T, whole: bool = False) -> T:
        """`finding` (a findings dataclass, nested ones and tuples of them) with every string redacted;
        a process's command line by the allow-list (`strict`)."""
        if is_dataclass(finding) and not isinstance(finding, type):
            values = {f.name: self.redacted(getattr(finding, f.name), f.name in COMMAND_LINES)
                      for f in fields(finding)}
            return replace(finding, **values)
        if isinstance(finding, tuple):
            # a T still: the findings' tuples are plain tuples (no NamedTuple to rebuild)
            return cast(T, tuple(self.redacted(item, whole) for item in finding))
        if isinstance(finding, str):
            return cast(T, self.strict(finding) if whole else self.r(finding))
        return finding

    def strict(self, value: Any) -> Any:
        """A text of the captures (a command line) redacted by the allow-list (`--redact`), else as is."""
        return self.redactor.strict(value) if self.redactor is not None and isinstance(value, str) else value

    def verdict(self, name: str) -> NodeVerification | None:
        """The verification entry of a node, or None."""
        if self.verification is None:
            return None
        return next((v for v in self.verification.nodes if v.node == name), None)

    def node_outcome(self, name: str) -> NodeOutcome:
        """The outcome of the node of this (unredacted) name; an empty one if the outcome has none."""
        found = self.outcome.node(self.r(name))
        return found if found is not None else NodeOutcome(self.r(name), self.outcome.phase, "clean", "")

    def decision(self, node: str, ppid: Any) -> Mapping[str, Any] | None:
        found = None
        for entry in self.decisions:  # the last one recorded wins
            if entry.get("node") == node and entry.get("ppid") == ppid:
                found = entry
        return found

    def shown_decision(self, node: str, ppid: Any) -> Mapping[str, Any] | None:
        """The latest decision for this group as the audience may read it: a customer reads a TAC-only
        one only when the vocabulary tells it (`told`), and never its command."""
        found = self.decision(node, ppid)
        if found is None or not found.get("action"):
            return None
        chosen = action(str(found["action"]))
        if not self.tac and chosen.tac_only:
            return {**found, "command": None} if chosen.told else None
        return found


def decisions_of(records: Sequence[Mapping[str, Any]]) -> list[Decision]:
    """The report's decision records as the outcome's `Decision`s: the latest per (node, PPID), in
    the order those were first decided.

    >>> [d.action for d in decisions_of([{"node": "a", "ppid": 1, "action": "reboot"},
    ...                                 {"node": "a", "ppid": 1, "action": "leave", "by": "jdoe"}])]
    ['leave']
    """
    latest: dict[tuple[str, Any], Decision] = {}
    for record in records:
        if not record.get("action"):
            continue
        key = (str(record.get("node")), record.get("ppid"))
        latest[key] = Decision(
            key[0], record.get("ppid"), str(record["action"]),
            str(record["command"]) if record.get("command") else None,
            by=str(record.get("by") or ""), note=str(record.get("note") or ""),
        )
    return list(latest.values())


def strict_commands(finding: T, redactor: Any) -> T:
    """`finding` with every process command line (`COMMAND_LINES`) redacted by the allow-list, the rest
    as it is (names stay the originals the report looks things up by); as is without a redactor."""
    if redactor is None:
        return finding
    if is_dataclass(finding) and not isinstance(finding, type):
        values = {}
        for f in fields(finding):
            value = getattr(finding, f.name)
            if f.name in COMMAND_LINES and isinstance(value, str):
                values[f.name] = redactor.strict(value)
            elif is_dataclass(value) or isinstance(value, tuple):
                values[f.name] = strict_commands(value, redactor)
        return replace(finding, **values) if values else finding
    if isinstance(finding, tuple):
        return cast(T, tuple(strict_commands(item, redactor) for item in finding))
    return finding


def redact_outcome(outcome: CaseOutcome, r: Callable[[Any], Any]) -> CaseOutcome:
    """The outcome with every string taken from the captures redacted (names, commands, reasons); its
    tokens (status, action, when, who) stay as they are."""

    def step(s: NextAction) -> NextAction:
        return replace(s, node=r(s.node), command=r(s.command), why=r(s.why), service=r(s.service),
                       customer_why=r(s.customer_why))

    def node(n: NodeOutcome) -> NodeOutcome:
        decision = n.decision and replace(n.decision, node=r(n.decision.node), command=r(n.decision.command),
                                          by=r(n.decision.by), note=r(n.decision.note))
        return replace(n, node=r(n.node), why=r(n.why), services_down=tuple(r(s) for s in n.services_down),
                       order_problem=r(n.order_problem), decision=decision,
                       next_actions=tuple(step(s) for s in n.next_actions))

    return replace(outcome, case=r(outcome.case), decided_by=r(outcome.decided_by),
                   nodes=tuple(node(n) for n in outcome.nodes))


# ------------------------------------------------------------------ times
def capture_times(node: Node) -> list[tuple[datetime, str]]:
    """Every dated moment of a node's captures with where the date comes from, oldest first."""
    found: list[tuple[datetime, str]] = []
    if node.identity.date:
        try:
            moment = parse_status_date(node.identity.date)
        except (ValueError, OverflowError):
            moment = None
        if moment is not None:
            found.append((moment, "show status date"))
    for snapshot in node.loads:
        if snapshot.captured_at is not None:
            found.append((snapshot.captured_at, "top clock" if node.product == "linux"
                          else "top clock (show process load)"))
    for listing in node.listings:
        if listing.captured_at is not None:
            found.append((listing.captured_at, "date of the capture session"))
    return sorted(found, key=lambda item: (item[0], item[1]))


def when_text(moment: datetime) -> str:
    """A moment as the report prints it: a capture clock's as printed, a UTC file time with `UTC`."""
    return _naive(moment).isoformat(sep=" ") + ("" if moment.tzinfo is None else " UTC")


def when_of(moments: list[tuple[datetime, str]], *, linux: bool = False) -> tuple[str, str]:
    """(first moment, its basis) of a list of dated moments (`linux`: of Linux hosts, not UC nodes)."""
    if not moments:
        return "time unknown", "no date in the captures (no {}, no top clock)".format(
            "`date` output" if linux else "show status")
    first = moments[0]
    return when_text(first[0]), first[1]


ARCHIVED = {"zip": "zip member", "tar": "tar member"}  # file times the report uses (see archive_times)


def archive_times(bundle: Bundle, node: Node) -> list[tuple[datetime, str]]:
    """When the node's files were saved into the archive they came in (its tar or zip member times),
    for a node whose captures carry no date. The times are part of the archive's bytes, so the same
    archive gives the same report; a file read from a folder has only the time it was last copied or
    extracted, which says nothing of the capture, so folder times are never used."""
    names = {section.source.rpartition(":")[0] for section in node.sections}
    found = set()
    for info in bundle.files:
        if info.name in names and info.mtime is not None and info.mtime_from in ARCHIVED:
            zone = "UTC" if info.mtime.tzinfo is not None else "zone not recorded"
            basis = f"file saved ({ARCHIVED[info.mtime_from]} time, {zone}; no time in the capture)"
            found.add((info.mtime, basis))
    return sorted(found, key=_order)


def _naive(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _order(item: tuple[datetime, str]) -> tuple[datetime, str]:
    """Sort key of a dated moment: capture clocks and UTC file times side by side, as printed."""
    return _naive(item[0]), item[1]


def bundle_times(bundle: Bundle) -> list[tuple[datetime, str]]:
    """Every dated moment of the bundle's nodes, oldest first: their capture times, or for a node
    whose captures carry none, the times its files were saved in their archive (`archive_times`)."""
    moments = [m for node in bundle.nodes for m in capture_times(node) or archive_times(bundle, node)]
    return sorted(moments, key=_order)


def owners(entry: Any) -> str:
    names = sorted({g.service for g in entry.groups if g.service})
    if not names:
        return "no known service" if entry.groups else ""
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def pid_list(pids: Sequence[int]) -> Text:
    if not pids:
        return "none"
    shown = ", ".join(str(p) for p in pids[:30])
    return shown + (f" ... ({len(pids):,} in all)" if len(pids) > 30 else "")


def na(value: Any) -> str:
    return "unknown" if value is None or value == "" else str(value)
