"""The report's part on a node's RIS PerfMon logs: when the zombies appeared, how fast they grow, the
RTMT alert, the parent (from the listing), and the timeline picture with the threshold and the
capture and remediation times marked. It renders `NodeAnalysis.perfmon` (`ucnb.diagnosis.history`)
and draws `Node.perfmon`; it decides nothing.

    >>> from ucnb.model.findings import PerfmonHistory
    >>> found = PerfmonHistory(files=("a.csv",), start="2026-11-24T09:00:00", end="2026-11-25T09:00:00",
    ...                        polls=5761, poll_seconds=15)
    >>> history_fields(found, str)[0][1]
    '1 file, 2026-11-24 09:00 to 2026-11-25 09:00: 5,761 polls every 15 s; time zone not written'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ucnb.model.actions import PERFMON_STEPS, PERFMON_WHY
from ucnb.model.findings import PerfmonHistory
from ucnb.model.results import Node
from ucnb.report.context import capture_times
from ucnb.report.model import Block, Fields, Image, ItemList, Paragraph, Section, Strong, Table, Text, prose
from ucnb.text import plural

__all__ = ["history_blocks", "history_fields", "marks", "what_to_send"]


def _when(text: str | None) -> str:
    return text.replace("T", " ")[:16] if text else "unknown"


def history_fields(found: PerfmonHistory, r: Callable[[Any], Any]) -> list[tuple[str, Text]]:
    """Label: value rows of the history (the files, first appearance, growth, alert, status mapping)."""
    span = (f"{plural(len(found.files), 'file')}, {_when(found.start)} to {_when(found.end)}: "
            f"{plural(found.polls, 'poll')} every {found.poll_seconds or '?'} s; "
            f"time zone {r(found.zone) if found.zone else 'not written'}")
    rows: list[tuple[str, Text]] = [("PerfMon logs", span)]
    if found.first_seen:
        before = f" (none at {_when(found.last_zero)})" if found.last_zero else " (already at the first poll)"
        where = r(found.first_seen_source)
        rows.append(("Zombies first appeared", f"{_when(found.first_seen)}{before}; {where}"))
    if found.note:
        rows.append(("Growth", prose(found.note)))
    if found.summary:
        rows.append(("In short", prose(r(found.summary))))
    if found.alert:
        rows.append(("RTMT alert", found.alert))
    if found.status_evidence:
        rows.append(("Process Status", prose(found.status_evidence)))
    return rows


def marks(context: Any, node: Node) -> list[tuple[datetime, str]]:
    """The moments to mark on the timeline: the capture(s) before, the remediation decided, the
    capture after (its node of the same name)."""
    found: list[tuple[datetime, str]] = []
    before = capture_times(node)
    if before:
        found.append((before[0][0], "capture"))
    for decision in context.decisions:
        moment = decision.get("at") if decision.get("node") in (None, node.name) else None
        if moment:
            try:
                found.append((datetime.fromisoformat(str(moment)).replace(tzinfo=None), "remediation"))
            except ValueError:
                pass
            break
    if context.after is not None:
        after = next((n for n in context.after.nodes if n.name == node.name), None)
        times = capture_times(after) if after is not None else []
        if times:
            found.append((times[0][0], "after the fix"))
    return found


def history_blocks(context: Any, node: Node, entry: Any, n_index: int) -> list[Block]:
    """The node's PerfMon history: fields, one row per process name, the picture, the notes (TAC)."""
    found: PerfmonHistory | None = entry.perfmon
    if found is None:
        return []
    r = context.r
    blocks: list[Block] = [Paragraph([Strong("History from the RTMT PerfMon logs")]),
                           Fields(history_fields(found, r))]
    if found.names:
        rows: list[list[Text]] = []
        for series in found.names[:20]:
            parent = "unknown (no process listing)" if series.parent_pid is None else (
                f"PID {series.parent_pid} {r(series.parent_command or '?')}"
                + (f" ({r(series.service)})" if series.service else ""))
            rate = "unknown" if series.rate_per_hour is None else f"{series.rate_per_hour:g} per hour"
            rows.append([r(series.name), f"{series.count_last:,}", _when(series.first_seen), rate, parent])
        blocks.append(Table(["Process", "Zombies at the last poll", "First seen", "Growth", "Parent"], rows))
    line = node.perfmon
    if context.pictures and line is not None and line.times:
        from ucnb.faces.draw import draw_perfmon_timeline, figure_to_png_bytes  # matplotlib: pictures only

        moments = marks(context, node)
        if found.first_seen:
            moments.insert(0, (datetime.fromisoformat(found.first_seen), "first zombie"))
        title = f"{r(node.name)}: zombies and processes + threads (PerfMon logs)"
        figure = draw_perfmon_timeline(line, threshold=found.threshold, marks=moments, title=title)
        blocks.append(Image(f"perfmon-{n_index}.png", figure_to_png_bytes(figure),
                            f"zombies and processes + threads over the PerfMon logs of {r(node.name)}"))
    if context.tac and found.notes:
        blocks.append(ItemList([prose(r(note)) for note in found.notes[:20]]))
    return blocks


def what_to_send(context: Any) -> Section | None:
    """Before a remediation, for the nodes with zombies whose PerfMon logs are not in the bundle: how
    to send them (the RTMT steps, `file get activelog`); None when there is nothing to ask."""
    if context.after is not None:
        return None
    missing = [context.r(node.name) for node, entry in context.pairs()
               if (entry.zombies or entry.zombie_count) and node.perfmon is None
               and node.product != "linux"]  # a Linux host has no RIS Data Collector
    if not missing:
        return None
    section = Section("What to send", 2)
    more = f" and {plural(len(missing) - 5, 'more node')}" if len(missing) > 5 else ""
    shown = ", ".join(missing[:5]) + more
    section.blocks.append(Paragraph(prose(f"The RIS Data Collector PerfMon logs of {shown}: {PERFMON_WHY}.")))
    section.blocks.append(ItemList([prose(step[0].upper() + step[1:]) for step in PERFMON_STEPS]))
    return section
