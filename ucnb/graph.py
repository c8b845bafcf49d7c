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

from ucnb.model import Listing, TableReader

if TYPE_CHECKING:  # a DataFrame is read through its methods: no pandas import here
    import pandas as pd

SHOWN_DUPLICATES = 5  # duplicated PIDs named in the warning, and ignored rows named for each

__all__ = ["build_graph", "ancestors", "subtree", "siblings", "children", "zombie_children"]


def build_graph(listing: Listing | pd.DataFrame, around: Iterable[int] | None = None, *,
                zombie_children: bool = True, children: int | None = None) -> nx.DiGraph:
    """The parent -> child graph of a listing (a `Listing` or a LISTING_COLUMNS DataFrame).

    `g.graph` holds `source` (the listing's), `has_ppid`, `duplicate_pids` ({pid: [sources of the
    ignored rows]}, over the whole listing) and `warnings` (plain sentences). With `around`, only
    the neighbourhood of those PIDs is built (them, their ancestors and their children): the same
    answers for them, much faster on a 100k-process listing; `zombie_children=False` leaves out the
    children that are zombies (the diagnosis counts them from the listing: a million of them need no
    node each); `children=N` keeps only the N lowest-PID children of each (`g.graph["child_count"]`
    has how many there are).
    """
    if isinstance(listing, Listing):
        has_ppid = listing.has_ppid
        source = listing.source
    else:
        has_ppid = True
        source = ""
    g = nx.DiGraph(source=source, has_ppid=has_ppid, duplicate_pids={}, duplicate_counts={}, warnings=[],
                   child_count={})
    table = TableReader.of(listing, "processes") if isinstance(listing, Listing) else TableReader(listing)
    count = len(table)
    pid_arr = table.ints("pid")
    ppid_arr = table.ints("ppid") if has_ppid else np.full(count, -1, dtype="int64")
    valid = pid_arr >= 0
    # the first row of each PID wins; later rows are duplicates (a stable sort keeps rows in order)
    order = np.argsort(pid_arr, kind="stable")
    by_pid = pid_arr[order]
    repeat = np.zeros(count, dtype=bool)
    repeat[1:] = by_pid[1:] == by_pid[:-1]
    duplicate = np.zeros(count, dtype=bool)
    duplicate[order[repeat]] = True
    duplicate &= valid
    first = valid & ~duplicate

    if around is None:
        selected = first
    else:
        seeds = np.unique(np.fromiter((int(p) for p in around), dtype="int64"))
        wanted = _with_ancestors(seeds, by_pid[~repeat], ppid_arr[order[~repeat]])
        kids = np.isin(ppid_arr, seeds) & first & (pid_arr != ppid_arr)
        if not zombie_children:
            kids &= ~table.flags("zombie")
        if children is not None:
            kids, g.graph["child_count"] = _first_children(kids, pid_arr, ppid_arr, children)
        selected = first & (np.isin(pid_arr, wanted) | kids)
    at = None if selected.all() else np.flatnonzero(selected)
    keep = pid_arr[selected].tolist()
    parents = ppid_arr[selected].tolist()
    names = ("comm", "command", "zombie", "user", "source", "state")
    comms, commands, zombies, users, sources, states = (table.take(name, at) for name in names)
    nodes: dict[int, dict[str, Any]] = {}
    for i, pid in enumerate(keep):
        nodes[pid] = {
            "pid": pid,
            "ppid": parents[i] if parents[i] >= 0 else None,
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
    duplicates: dict[int, list[str]] = {}  # a duplicated PID -> the sources of its first ignored rows
    counts: dict[int, int] = {}  # -> how many rows of it are ignored
    first_source: dict[int, str] = {}
    total = 0
    if duplicate.any():
        # each duplicated PID: its rows are one run of the PID-sorted rows (a stable sort: first row first)
        starts = np.flatnonzero(repeat[1:] & ~repeat[:-1])  # the first row of each run with a repeat
        dup_pids = by_pid[starts]
        dup_pids = dup_pids[dup_pids >= 0]
        named = dup_pids[:SHOWN_DUPLICATES]
        if around is not None:  # and those in the graph (the diagnosis asks about parents)
            named = np.union1d(named, dup_pids[np.isin(dup_pids, pid_arr[selected])])
        for pid in named.tolist():
            low, high = np.searchsorted(by_pid, [pid, pid + 1])
            rows = order[low:high]  # in file order
            where = table.take("source", rows[: SHOWN_DUPLICATES + 1])
            first_source[pid] = str("?" if where[0] is None else where[0])
            duplicates[pid] = [str("?" if each is None else each) for each in where[1:]]
            counts[pid] = len(rows) - 1
        total = len(dup_pids)

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
        g.graph["duplicate_counts"] = counts
        shown = ", ".join(
            f"{pid} ({first_source[pid]}, again at {again_at(more, counts[pid])})"
            for pid, more in sorted(duplicates.items())[:SHOWN_DUPLICATES]
        )
        extra = f" and {total - SHOWN_DUPLICATES:,} more" if total > SHOWN_DUPLICATES else ""
        where = f" {source}" if source else ""
        g.graph["warnings"].append(
            f"duplicate PIDs in the listing{where}: {shown}{extra}; the first row of each is used"
        )
    return g


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

    >>> _with_ancestors(np.array([12345]), np.array([1, 7313, 12345]), np.array([0, 1, 7313])).tolist()
    [1, 7313, 12345]
    """
    wanted = seeds
    frontier = seeds
    while frontier.size and pids.size:
        at = np.searchsorted(pids, frontier).clip(max=pids.size - 1)
        parents = np.unique(ppids[at[pids[at] == frontier]])
        frontier = np.setdiff1d(parents[parents > 0], wanted, assume_unique=True)
        wanted = np.union1d(wanted, frontier)
    return wanted


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
