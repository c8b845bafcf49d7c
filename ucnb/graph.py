"""Layer 5, the graph: a process listing as a networkx DiGraph, parent -> child.

    UID     PID  PPID C STIME TTY      TIME CMD
    root      1     0 0 Oct19 ?    00:01:02 /sbin/init
    ccmserv+ 7313   1 0 Oct19 ?    03:10:11 /usr/local/cm/bin/amc
    ccmserv+ 12345 7313 0 09:10 ?  00:00:00 [sh] <defunct>

gives the edges 1 -> 7313 -> 12345. Nodes are PIDs (int) with the row's attributes `pid`, `ppid`,
`comm`, `command`, `zombie`, `user`, `source`; a parent PID that the listing does not show becomes a
placeholder node with `missing=True`; PID 1 carries `init=True`. PPID 0 (the kernel) and an absent
PPID (`ps aux`) give no edge. Duplicate PIDs keep their first row (the later sources are listed in
`g.graph["duplicate_pids"]` and a sentence in `g.graph["warnings"]`); a PID that is its own parent
or a loop of PIDs never makes the helpers hang.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from ucnb.model import Listing, built, rows, values

if TYPE_CHECKING:  # a DataFrame is read through its methods: no pandas import here
    import pandas as pd

__all__ = ["build_graph", "ancestors", "subtree", "siblings", "children", "zombie_children"]


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column as a Python list with <NA> turned into None (fast, no per-row pandas access)."""
    if name not in frame.columns:
        return [None] * len(frame)
    series = frame[name]
    return series.astype(object).where(series.notna(), None).tolist()


def _reader(listing: Listing | pd.DataFrame) -> tuple[int, Any]:
    """(rows, read(column, positions=None) -> list with None for <NA>): a listing's columns as parsed
    (no DataFrame is built for them), or a DataFrame's."""
    frame = built(listing, "processes") if isinstance(listing, Listing) else listing
    if frame is None:
        def read_parsed(name: str, at: list[int] | None = None) -> list[Any]:
            column = values(listing, "processes", name)
            return list(column) if at is None else [column[i] for i in at]

        return rows(listing, "processes"), read_parsed

    def read_frame(name: str, at: list[int] | None = None) -> list[Any]:
        part = frame if at is None else frame.iloc[at]
        return _column(part, name)

    return len(frame), read_frame


def _numbers(column: list[Any]) -> np.ndarray:
    """An integer column as int64, -1 for <NA>."""
    return np.fromiter((-1 if v is None else v for v in column), dtype="int64", count=len(column))


def build_graph(listing: Listing | pd.DataFrame, around: Iterable[int] | None = None) -> nx.DiGraph:
    """The parent -> child graph of a listing (a `Listing` or a LISTING_COLUMNS DataFrame).

    `g.graph` holds `source` (the listing's), `has_ppid`, `duplicate_pids` ({pid: [sources of the
    ignored rows]}, over the whole listing) and `warnings` (plain sentences). With `around`, only
    the neighbourhood of those PIDs is built (them, their ancestors and their children): the same
    answers for them, much faster on a 100k-process listing.
    """
    if isinstance(listing, Listing):
        has_ppid = listing.has_ppid
        source = listing.source
    else:
        has_ppid = True
        source = ""
    g = nx.DiGraph(source=source, has_ppid=has_ppid, duplicate_pids={}, warnings=[])
    count, read = _reader(listing)
    pid_arr = _numbers(read("pid"))
    ppid_arr = _numbers(read("ppid")) if has_ppid else np.full(count, -1, dtype="int64")
    valid = pid_arr >= 0
    # the first row of each PID wins; later rows are duplicates
    duplicate = np.ones(count, dtype=bool)
    duplicate[np.unique(pid_arr, return_index=True)[1]] = False  # the index of each PID's first row
    duplicate &= valid
    first = valid & ~duplicate
    parent_of = dict(zip(pid_arr[first].tolist(), ppid_arr[first].tolist(), strict=True))

    if around is None:
        selected = first
    else:
        seeds = {int(p) for p in around}
        wanted = set(seeds)
        for seed in seeds:
            current = parent_of.get(seed, -1)
            while current > 0 and current not in wanted:
                wanted.add(current)
                current = parent_of.get(current, -1)
        seed_arr = np.fromiter(seeds, dtype="int64", count=len(seeds))
        wanted_arr = np.fromiter(wanted, dtype="int64", count=len(wanted))
        selected = first & (np.isin(pid_arr, wanted_arr) | np.isin(ppid_arr, seed_arr))
    at = None if selected.all() else np.flatnonzero(selected).tolist()
    keep = pid_arr[selected].tolist()
    positions = range(len(keep))
    names = ("comm", "command", "zombie", "user", "source", "state")
    comms, commands, zombies, users, sources, states = (read(name, at) for name in names)
    nodes: dict[int, dict[str, Any]] = {}
    for pid, i in zip(keep, positions, strict=True):
        nodes[pid] = {
            "pid": pid,
            "ppid": parent_of[pid] if parent_of[pid] >= 0 else None,
            "comm": comms[i],
            "command": commands[i],
            "zombie": bool(zombies[i]),
            "user": users[i],
            "state": states[i],
            "source": sources[i],
            "missing": False,
            "init": pid == 1,
        }
    g.add_nodes_from(nodes.items())
    duplicates: dict[int, list[str]] = {}
    first_source: dict[int, str] = {}
    if duplicate.any():
        where_from = ["?" if where is None else where for where in read("source")]
        first_row = {pid: i for i, pid in reversed(list(enumerate(pid_arr.tolist())))}
        for i in np.flatnonzero(duplicate).tolist():
            pid = int(pid_arr[i])
            duplicates.setdefault(pid, []).append(str(where_from[i]))
            first_source[pid] = str(where_from[first_row[pid]])

    edges = []
    placeholders: dict[int, dict[str, Any]] = {}
    for pid, attrs in nodes.items():
        ppid = attrs["ppid"]
        if ppid is None or ppid <= 0 or ppid == pid:
            continue
        if ppid not in nodes and ppid not in placeholders:
            placeholders[ppid] = {
                "pid": ppid, "ppid": None, "comm": None, "command": None, "zombie": False,
                "user": None, "state": None, "source": None, "missing": True, "init": ppid == 1,
            }
        edges.append((ppid, pid))
    g.add_nodes_from(placeholders.items())
    g.add_edges_from(edges)

    if duplicates:
        g.graph["duplicate_pids"] = duplicates
        shown = ", ".join(
            f"{pid} ({first_source[pid]}, again at {', '.join(more)})"
            for pid, more in sorted(duplicates.items())[:5]
        )
        extra = f" and {len(duplicates) - 5} more" if len(duplicates) > 5 else ""
        where = f" {source}" if source else ""
        g.graph["warnings"].append(
            f"duplicate PIDs in the listing{where}: {shown}{extra}; the first row of each is used"
        )
    return g


def ancestors(g: nx.DiGraph, pid: int) -> list[int]:
    """Ancestors of `pid`, nearest first, up to the root (PID 1, a PID without parent, or a
    placeholder). A loop of PIDs stops at the first repeat.

    >>> ancestors(g, 22908)   # ex1: 1 (systemd) -> 1119 (servM) -> 29815 (amc) -> 22908
    [29815, 1119, 1]
    """
    result: list[int] = []
    seen = {pid}
    current = pid
    while current in g:
        parents = list(g.predecessors(current))
        if not parents:
            break
        parent = parents[0]
        if parent in seen:
            break
        result.append(parent)
        seen.add(parent)
        current = parent
    return result


def children(g: nx.DiGraph, pid: int) -> list[int]:
    """Direct children of `pid`, sorted by PID."""
    return sorted(g.successors(pid)) if pid in g else []


def zombie_children(g: nx.DiGraph, pid: int) -> list[int]:
    """Direct children of `pid` that are zombies, sorted by PID."""
    if pid not in g:
        return []
    nodes = g.nodes
    return sorted(c for c in g.successors(pid) if nodes[c].get("zombie"))


def subtree(g: nx.DiGraph, pid: int) -> list[int]:
    """`pid` and all its descendants, breadth first, children in PID order (loops visited once)."""
    if pid not in g:
        return []
    order = [pid]
    seen = {pid}
    queue = deque([pid])
    while queue:
        for child in sorted(g.successors(queue.popleft())):
            if child not in seen:
                seen.add(child)
                order.append(child)
                queue.append(child)
    return order


def siblings(g: nx.DiGraph, pid: int) -> list[int]:
    """Other children of `pid`'s parent, sorted by PID ([] for a root)."""
    if pid not in g:
        return []
    parents = list(g.predecessors(pid))
    if not parents:
        return []
    return [c for c in sorted(g.successors(parents[0])) if c != pid]
