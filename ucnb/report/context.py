"""What every part of the report reads (`Context`), and the capture times with where each comes from.

>>> from datetime import datetime
>>> when_of([(datetime(2026, 11, 19, 10, 30), "show status date")])
('2026-11-19 10:30:00', 'show status date')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ucnb.model import Bundle, Node
from ucnb.report.evidence import SourceLines
from ucnb.report.model import Text


@dataclass
class Context:
    """What every part of the report reads."""

    bundle: Bundle
    after: Bundle | None
    analysis: Any  # ucnb.findings.Analysis (or a view of its JSON)
    verification: Any  # ucnb.findings.Verification, or None
    decisions: list[Mapping[str, Any]]
    lines: SourceLines | None
    r: Callable[[Any], Any]  # redaction of a bundle value (identity without --redact)
    audience: str
    pictures: bool
    case: str | None
    redactor: Any = None

    @property
    def tac(self) -> bool:
        return self.audience == "tac"

    def pairs(self) -> list[tuple[Node, Any]]:
        return list(zip(self.bundle.nodes, self.analysis.nodes, strict=True))

    def verdict(self, name: str) -> Any:
        """The verification entry of a node, or None."""
        if self.verification is None:
            return None
        return next((v for v in self.verification.nodes if v.node == name), None)

    def decision(self, node: str, ppid: Any) -> Mapping[str, Any] | None:
        found = None
        for entry in self.decisions:  # the last one recorded wins
            if entry.get("node") == node and entry.get("ppid") == ppid:
                found = entry
        return found


# ------------------------------------------------------------------ times
def capture_times(node: Node) -> list[tuple[datetime, str]]:
    """Every dated moment of a node's captures with where the date comes from, oldest first."""
    from ucnb.bundle import parse_status_date

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
            found.append((snapshot.captured_at, "top clock (show process load)"))
    for listing in node.listings:
        if listing.captured_at is not None:
            found.append((listing.captured_at, "date of the capture session"))
    return sorted(found, key=lambda item: (item[0], item[1]))


def when_of(moments: list[tuple[datetime, str]]) -> tuple[str, str]:
    """(first moment, its basis) of a list of dated moments."""
    if not moments:
        return "time unknown", "no date in the captures (no show status, no top clock)"
    first = moments[0]
    return first[0].isoformat(sep=" "), first[1]


def bundle_times(bundle: Bundle) -> list[tuple[datetime, str]]:
    return sorted((m for node in bundle.nodes for m in capture_times(node)), key=lambda item: item[0])


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
