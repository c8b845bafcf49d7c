"""The boxes of a zombie group's tree picture, row by row, and where they go (`draw.draw_zombie_tree`
draws them): the parent's ancestors from the root, the parent's row with some siblings, the zombies'
row. Deterministic; boxes are sized from their text (a monospace font: widths are exact).

    >>> [len(Box("k", "process", ["1 init"]).lines), round(Box("k", "process", ["1 init"]).width, 2)]
    [1, 0.6]
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from ucnb.knowledge.catalogue import PRODUCTS
from ucnb.knowledge.owner import match_process
from ucnb.model.findings import Group
from ucnb.model.graph import ancestors, build_graph
from ucnb.model.results import Listing
from ucnb.text import printable

if TYPE_CHECKING:  # a notebook may give a DataFrame; the report gives the listing (no pandas)
    import pandas as pd

FONT = "DejaVu Sans Mono"  # shipped with matplotlib: exact character widths everywhere
FONT_PT = 8.0
CHAR_IN = 0.6021 * FONT_PT / 72  # width of one character, inches
LINE_IN = 1.25 * FONT_PT / 72  # line height, inches
PAD_X = 0.10
PAD_Y = 0.08
GAP_X = 0.22  # between boxes of a row
GAP_Y = 0.42  # between rows
MARGIN = 0.25
WRAP = 24  # service names wider than this are wrapped
COMM_MAX = 24  # longer process names are cut (a listing's comm is CMD's basename, maybe long)


@dataclass
class Box:
    key: str
    kind: str
    lines: list[str]
    pid: int | None = None
    role: str = ""  # "parent" for the zombies' parent (or its placeholder)
    x: float = 0.0  # centre, inches
    y: float = 0.0
    children: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        return max(len(line) for line in self.lines) * CHAR_IN + 2 * PAD_X

    @property
    def height(self) -> float:
        return len(self.lines) * LINE_IN + 2 * PAD_Y


def as_int(value: Any) -> int | None:
    """`value` as an int; None for None, NaN or pandas' NA (a notebook's table), without importing
    pandas (a report's pictures need none: 85 MiB resident).

    >>> [as_int(v) for v in (None, float("nan"), 0, 3.0)]
    [None, None, 0, 3]
    """
    if value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _as_graph(listing: Listing | pd.DataFrame | nx.DiGraph | None) -> nx.DiGraph:
    if listing is None:
        return nx.DiGraph()
    if isinstance(listing, nx.DiGraph):
        return listing
    return build_graph(listing)


def _short(text: str | None, limit: int) -> str:
    text = printable((text or "").strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label(g: nx.DiGraph, pid: int) -> str:
    """ "29815 amc" (comm cut at 15 characters), "1 init" for a nameless PID 1."""
    attrs = g.nodes[pid] if pid in g else {}
    comm = attrs.get("comm") or ("init" if pid == 1 else "?")
    return f"{pid} {_short(comm, COMM_MAX)}"


def linestyle(kind: str) -> Literal["--", ":", "-"]:
    """A box's outline: dashed for a missing process, dotted for a summary, else solid."""
    return "--" if kind == "missing" else ":" if kind == "summary" else "-"


def _service_lines(name: str | None) -> list[str]:
    if not name:
        return []
    return textwrap.wrap(name, WRAP) or [name]


def _find_service_pid(g: nx.DiGraph, chain: Sequence[int], service: str) -> int | None:
    """The first PID of `chain` (parent first) that the catalogue matches to `service`."""
    for pid in chain:
        attrs = g.nodes[pid] if pid in g else {}
        if attrs.get("missing"):
            return None
        for product in PRODUCTS:
            found = match_process(attrs.get("comm"), attrs.get("command"), product)
            if found is not None and found.name == service:
                return pid
    return None


def _pick_siblings(candidates: Iterable[int], around: int, limit: int) -> list[int]:
    """The `limit` candidates nearest to `around` by PID (ties: lower PID), back in PID order."""
    nearest = sorted(candidates, key=lambda pid: (abs(pid - around), pid))[: max(0, limit)]
    return sorted(nearest)


def _pid_ranges(pids: Sequence[int]) -> str:
    return f"{pids[0]}-{pids[-1]}" if len(pids) > 1 else str(pids[0])


def zombie_tree_nodes(
    listing: Listing | pd.DataFrame | nx.DiGraph | None,
    group: Group,
    *,
    service_by_pid: Mapping[int, str] | None = None,
    max_siblings: int = 6,
    max_zombies: int = 12,
) -> list[list[Box]]:
    """The boxes of the picture, row by row from the root (what `draw_zombie_tree` lays out): the
    parent's ancestors, the parent's row, the zombies' row.

    Each box has `kind` (a PALETTE key), `lines` (its label) and `pid` (None for summaries).
    """
    g = _as_graph(listing)
    ppid = as_int(group.ppid)
    # The parent's PID when the listing has its row (None: unknown or missing).
    listed = ppid if ppid is not None and ppid in g and not g.nodes[ppid].get("missing") else None
    chain = ancestors(g, listed) if listed is not None else []  # nearest first
    owner, services = _owner_and_services(g, group, listed, chain, service_by_pid)
    rows: list[list[Box]] = []
    # Ancestors, root first.
    for pid in reversed(chain):
        attrs = g.nodes[pid]
        if attrs.get("missing"):
            box = Box(f"pid:{pid}", "missing", [f"PID {pid}", "not in the listing"], pid)
        else:
            kind = "service" if pid == owner else "process"
            box = Box(f"pid:{pid}", kind, [_label(g, pid), *_service_lines(services.get(pid))], pid)
        if rows:
            rows[-1][0].children = [box.key]
        rows.append([box])
    parent_row = _parent_row(g, ppid, listed, chain, services, max_siblings)
    if listed is not None and chain:
        rows[-1][0].children = [box.key for box in parent_row]
    rows.append(parent_row)
    zombie_row = _zombie_row(g, sorted({int(p) for p in group.zombie_pids}), listed, max_zombies)
    parent = next(box for box in parent_row if box.role == "parent")
    parent.children = [box.key for box in zombie_row]
    if zombie_row:
        rows.append(zombie_row)
    return rows


def _owner_and_services(g: nx.DiGraph, group: Group, listed: int | None, chain: list[int],
                        service_by_pid: Mapping[int, str] | None) -> tuple[int | None, dict[int, str]]:
    """The service process that owns the parent (coloured), and the service names to print under
    PIDs: `service_by_pid`, else the group's ancestry and its service under its owner."""
    service = group.service
    if service_by_pid is not None:
        services: dict[int, str] = {int(pid): name for pid, name in service_by_pid.items() if name}
    else:
        services = {
            int(entry.pid): entry.service for entry in group.ancestry if entry.service
        }
    owner: int | None = None
    if service and listed is not None:
        path = [listed, *chain]
        hinted = group.owner_pid
        if hinted is not None and hinted in path:
            owner = int(hinted)
        else:
            owner = next((pid for pid in path if services.get(pid) == service), None)
            if owner is None:
                owner = _find_service_pid(g, path, service)
        if service_by_pid is None:
            services.setdefault(owner if owner is not None else listed, service)
    return owner, services


def _parent_row(g: nx.DiGraph, ppid: int | None, listed: int | None, chain: list[int],
                services: dict[int, str], max_siblings: int) -> list[Box]:
    """The parent (or its placeholder) and up to `max_siblings` of its siblings, nearest by PID;
    the others as one "+N more" box."""
    if ppid is None:
        parent = Box("parent", "missing", ["parent unknown", "(listing without PPID)"], None, "parent")
    elif listed is None:
        parent = Box(f"pid:{ppid}", "missing", [f"PPID {ppid}", "not in the listing"], ppid, "parent")
    else:
        lines = [_label(g, ppid), *_service_lines(services.get(ppid))]
        parent = Box(f"pid:{ppid}", "parent", lines, ppid, "parent")
    parent_row = [parent]
    if listed is not None and chain:
        grandparent = chain[0]
        others = [c for c in g.successors(grandparent) if c != listed]
        shown = _pick_siblings(others, listed, max_siblings)
        for pid in shown:
            kind = "zombie" if g.nodes[pid].get("zombie") else "process"
            parent_row.append(
                Box(f"pid:{pid}", kind, [_label(g, pid), *_service_lines(services.get(pid))], pid)
            )
        parent_row.sort(key=lambda box: box.pid if box.pid is not None else -1)
        hidden = len(others) - len(shown)
        if hidden > 0:
            lines = [f"+{hidden} more", f"children of {grandparent}"]
            parent_row.append(Box("more-siblings", "summary", lines))
    return parent_row


def _zombie_row(g: nx.DiGraph, zombie_pids: list[int], listed: int | None, max_zombies: int) -> list[Box]:
    """The zombies in PID order (one collapsed box for more than `max_zombies`), and the parent's
    live children as one "+N live children" box."""
    zombie_row: list[Box] = []
    if len(zombie_pids) > max_zombies:
        comms = [g.nodes[p].get("comm") for p in zombie_pids if p in g]
        names = sorted({c for c in comms if c})
        what = ", ".join(names[:3]) + (f" +{len(names) - 3} names" if len(names) > 3 else "") or "?"
        zombie_row.append(
            Box(
                "zombies",
                "zombie",
                [f"{len(zombie_pids)} zombies <defunct>", f"PIDs {_pid_ranges(zombie_pids)}", f"({what})"],
            )
        )
    else:
        for pid in zombie_pids:
            comm = g.nodes[pid].get("comm") if pid in g else None
            zombie_row.append(Box(f"pid:{pid}", "zombie", [f"{pid} {_short(comm or '?', COMM_MAX)}"], pid))
    if listed is not None:
        zombie_set = set(zombie_pids)
        live = [c for c in g.successors(listed) if c not in zombie_set and not g.nodes[c].get("zombie")]
        if live:
            noun = "child" if len(live) == 1 else "children"
            zombie_row.append(Box("live-children", "summary", [f"+{len(live)} live", noun]))
    return zombie_row


def layout_rows(rows: list[list[Box]]) -> tuple[float, float]:
    """Set every box's centre (inches); return the drawing's (width, height)."""
    parent_row_index = next(i for i, row in enumerate(rows) if any(box.role == "parent" for box in row))

    def place_row(row: list[Box], centre: float) -> None:
        total = sum(box.width for box in row) + GAP_X * (len(row) - 1)
        left = centre - total / 2
        for box in row:
            box.x = left + box.width / 2
            left += box.width + GAP_X

    # The parent's row first (centred on 0), then the chain above its centre, the zombies below
    # the parent.
    parent_row = rows[parent_row_index]
    place_row(parent_row, 0.0)
    span_centre = (parent_row[0].x + parent_row[-1].x) / 2
    for row in rows[:parent_row_index]:
        place_row(row, span_centre)
    parent = next(box for box in parent_row if box.role == "parent")
    for row in rows[parent_row_index + 1 :]:
        place_row(row, parent.x)

    heights = [max(box.height for box in row) for row in rows]
    height = sum(heights) + GAP_Y * (len(rows) - 1) + 2 * MARGIN
    top = height - MARGIN
    for row, row_height in zip(rows, heights, strict=True):
        for box in row:
            box.y = top - row_height / 2
        top -= row_height + GAP_Y
    left = min(box.x - box.width / 2 for row in rows for box in row)
    right = max(box.x + box.width / 2 for row in rows for box in row)
    for row in rows:
        for box in row:
            box.x += MARGIN - left
    return right - left + 2 * MARGIN, height
