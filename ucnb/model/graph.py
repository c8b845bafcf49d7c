"""A process listing as a networkx DiGraph, parent -> child.

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

from ucnb.model.columns import TableReader
from ucnb.model.results import Listing

if TYPE_CHECKING:  # a DataFrame is read through its methods: no pandas import here
    import pandas as pd

SHOWN_DUPLICATES = 5  # duplicated PIDs named in the warning, and ignored rows named for each

__all__ = ["build_graph", "ancestors", "subtree", "siblings", "children", "zombie_children"]


def build_graph(listing: Listing | pd.DataFrame, around: Iterable[int] | None = None, *,
                zombie_children: bool = True, children: int | None = None) -> nx.DiGraph:
    """The parent -> child graph of a listing (a `Listing` or a LISTING_COLUMNS DataFrame).

    `g.graph` holds `source` (the listing's), `has_ppid`, `duplicate_pids` ({pid: [sources of the
    first ignored rows]}, `duplicate_counts` {pid: how many}) and `warnings` (plain sentences). With
    `around`, only the neighbourhood of those PIDs is built (them, their ancestors and their
    children): the same answers for them, much faster on a 100k-process listing;
    `zombie_children=False` leaves out the children that are zombies (the diagnosis counts them from
    the listing: a million of them need no node each); `children=N` keeps only the N lowest-PID
    children of each (`g.graph["child_count"]` has how many there are).
    """
    has_ppid = listing.has_ppid if isinstance(listing, Listing) else True
    source = listing.source if isinstance(listing, Listing) else ""
    g: nx.DiGraph[int] = nx.DiGraph(source=source, has_ppid=has_ppid, duplicate_pids={}, duplicate_counts={},
                                    warnings=[], child_count={})
    table = TableReader.of(listing, "processes") if isinstance(listing, Listing) else TableReader(listing)
    rows = _Rows(table, has_ppid)
    if around is None:
        selected = rows.first
    else:
        seeds = np.unique(np.fromiter((int(p) for p in around), dtype="int64"))
        wanted = _with_ancestors(seeds, rows.by_pid[~rows.repeat], rows.ppids[rows.order[~rows.repeat]])
        kids = np.isin(rows.ppids, seeds) & rows.first & (rows.pids != rows.ppids)
        if not zombie_children:
            kids &= ~table.flags("zombie")
        if children is not None:
            kids, g.graph["child_count"] = _first_children(kids, rows.pids, rows.ppids, children)
        selected = rows.first & (np.isin(rows.pids, wanted) | kids)
    nodes = _nodes(table, rows, selected)
    g.add_nodes_from(nodes.items())
    g.add_nodes_from(_placeholders(nodes).items())
    g.add_edges_from((attrs["ppid"], pid) for pid, attrs in nodes.items()
                     if attrs["ppid"] is not None and attrs["ppid"] > 0 and attrs["ppid"] != pid)
    if rows.duplicate.any():
        _note_duplicates(g, table, rows, rows.pids[selected] if around is not None else None)
    return g


class _Rows:
    """A listing's PIDs and PPIDs (-1 for <NA>), sorted by PID once: the first row of each PID wins,
    later rows are duplicates (a stable sort keeps rows in file order)."""

    def __init__(self, table: TableReader, has_ppid: bool) -> None:
        self.pids = table.ints("pid")
        self.ppids = table.ints("ppid") if has_ppid else np.full(len(table), -1, dtype="int64")
        valid = self.pids >= 0
        self.order = np.argsort(self.pids, kind="stable")
        self.by_pid = self.pids[self.order]
        self.repeat = np.zeros(len(table), dtype=bool)  # a row of the sorted order repeating the one before
        self.repeat[1:] = self.by_pid[1:] == self.by_pid[:-1]
        self.duplicate = np.zeros(len(table), dtype=bool)
        self.duplicate[self.order[self.repeat]] = True
        self.duplicate &= valid
        self.first = valid & ~self.duplicate


def _nodes(table: TableReader, rows: _Rows, selected: np.ndarray) -> dict[int, dict[str, Any]]:
    """The attributes of the selected rows' nodes, by PID."""
    at = None if selected.all() else np.flatnonzero(selected)
    names = ("comm", "command", "zombie", "user", "source", "state")
    comms, commands, zombies, users, sources, states = (table.take(name, at) for name in names)
    parents = rows.ppids[selected].tolist()
    return {
        pid: {
            "pid": pid, "ppid": parents[i] if parents[i] >= 0 else None, "comm": comms[i],
            "command": commands[i], "zombie": bool(zombies[i]), "user": users[i], "state": states[i],
            "source": sources[i], "missing": False, "init": pid == 1,
        }
        for i, pid in enumerate(rows.pids[selected].tolist())
    }


def _placeholders(nodes: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """A node for each parent PID the listing does not show (`missing=True`)."""
    return {
        ppid: {"pid": ppid, "ppid": None, "comm": None, "command": None, "zombie": False, "user": None,
               "state": None, "source": None, "missing": True, "init": ppid == 1}
        for ppid in dict.fromkeys(attrs["ppid"] for attrs in nodes.values())
        if ppid is not None and ppid > 0 and ppid not in nodes
    }


def _note_duplicates(g: nx.DiGraph, table: TableReader, rows: _Rows, in_graph: np.ndarray | None) -> None:
    """Name the duplicated PIDs (the first five, and those in the graph) with their first ignored
    rows, count the rest, and say so in one warning."""
    starts = np.flatnonzero(rows.repeat[1:] & ~rows.repeat[:-1])  # the first row of each repeated run
    dup_pids = rows.by_pid[starts]
    dup_pids = dup_pids[dup_pids >= 0]
    named = dup_pids[:SHOWN_DUPLICATES]
    if in_graph is not None:  # the diagnosis asks about the parents in the graph
        named = np.union1d(named, dup_pids[np.isin(dup_pids, in_graph)])
    first_source: dict[int, str] = {}
    for pid in named.tolist():
        low, high = np.searchsorted(rows.by_pid, [pid, pid + 1])
        seen_at = ["?" if each is None else str(each)
                   for each in table.take("source", rows.order[low : min(high, low + SHOWN_DUPLICATES + 1)])]
        first_source[pid] = seen_at[0]
        g.graph["duplicate_pids"][pid] = seen_at[1:]
        g.graph["duplicate_counts"][pid] = int(high - low - 1)
    counts = g.graph["duplicate_counts"]
    shown = ", ".join(
        f"{pid} ({first_source[pid]}, again at {again_at(more, counts[pid])})"
        for pid, more in sorted(g.graph["duplicate_pids"].items())[:SHOWN_DUPLICATES]
    )
    extra = f" and {len(dup_pids) - SHOWN_DUPLICATES:,} more" if len(dup_pids) > SHOWN_DUPLICATES else ""
    where = f" {g.graph['source']}" if g.graph["source"] else ""
    g.graph["warnings"].append(
        f"duplicate PIDs in the listing{where}: {shown}{extra}; the first row of each is used"
    )


def again_at(sources: list[str], count: int) -> str:
    """Where a duplicated PID appears again: the first sources, then how many more.

    >>> again_at(["ps:9", "ps:12"], 2), again_at(["ps:9"], 4)
    ('ps:9, ps:12', 'ps:9 and 3 more')
    """
    more = count - len(sources)
    return ", ".join(sources) + (f" and {more:,} more" if more > 0 else "")


def _first_children(kids: np.ndarray, pids: np.ndarray, ppids: np.ndarray, limit: int
                    ) -> tuple[np.ndarray, dict[int, int]]:
    """The rows among `kids` that are one of the `limit` lowest PIDs under their parent, and how many
    children each parent has.

    >>> _first_children(np.array([True, True, True]), np.array([9, 3, 5]), np.array([7, 7, 7]), 2)
    (array([False,  True,  True]), {7: 3})
    """
    rows = np.flatnonzero(kids)
    if not rows.size:
        return kids, {}
    rows = rows[np.lexsort((pids[rows], ppids[rows]))]  # by parent, then PID
    parents = ppids[rows]
    starts = np.flatnonzero(np.concatenate(([True], parents[1:] != parents[:-1])))
    counts = np.diff(np.concatenate((starts, [rows.size])))
    rank = np.arange(rows.size) - np.repeat(starts, counts)
    kept = np.zeros(kids.size, dtype=bool)
    kept[rows[rank < limit]] = True
    return kept, dict(zip(parents[starts].tolist(), counts.tolist(), strict=True))


def _with_ancestors(seeds: np.ndarray, pids: np.ndarray, ppids: np.ndarray) -> np.ndarray:
    """`seeds` and all their ancestors (PIDs sorted, each with its parent, -1 for none), sorted.
    One lookup an ancestor, each walk stopping where another one passed: linear in what it finds.

    >>> _with_ancestors(np.array([12345]), np.array([1, 7313, 12345]), np.array([0, 1, 7313])).tolist()
    [1, 7313, 12345]
    """
    wanted = set(seeds.tolist())
    for current in seeds.tolist():
        while (at := int(pids.searchsorted(current))) < pids.size and pids[at] == current:
            parent = int(ppids[at])
            if parent <= 0 or parent in wanted:
                break
            wanted.add(parent)
            current = parent
    return np.array(sorted(wanted), dtype=np.int64)


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
