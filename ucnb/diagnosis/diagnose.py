"""The seed's walk automated, as typed findings (`ucnb.model.findings`).

zombie count (`show process load`) -> defunct rows (the listing) -> PPID -> parent process ->
owning service (walking up through `sh -c`/`perl` helpers) -> remediation, impact, alternatives ->
one next step per node, with the warnings a TAC engineer needs. For a listing such as

    UID        PID  PPID  C STIME TTY      TIME CMD
    ccmserv+ 29815     1  0 Oct19 ?    03:10:11 /usr/local/cm/bin/amc
    ccmserv+ 22908 29815  0 09:10 ?    00:00:00 [sh] <defunct>

`diagnose(bundle).nodes[0].groups[0]` says `restart_service` with
`utils service restart Cisco AMC Service`, impact `low`; `analyze(bundle)` is the same as the
contract's `ucnb.analysis/1` JSON (`diagnose(bundle).to_json()`). Deterministic: sorted, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx
import numpy as np

from ucnb.diagnosis.groups import SHOWN_CHILDREN, node_groups, pid1_command
from ucnb.diagnosis.history import history, history_growth, in_use, join_listing
from ucnb.diagnosis.next_step import next_step, no_process_data
from ucnb.diagnosis.remedy import RECOLLECT, linux_words
from ucnb.diagnosis.trend import DEFAULT_PID_MAX, Growth, headroom, listing_growth, node_growth, trend
from ucnb.knowledge.catalogue import CATALOGUE, Catalogue
from ucnb.model.columns import TableReader, rows
from ucnb.model.findings import Analysis, Group, NodeAnalysis, PerfmonHistory, Sources, ZombieRows
from ucnb.model.graph import again_at, build_graph
from ucnb.model.results import Bundle, Listing, Node
from ucnb.read.bundle import NOT_UCOS
from ucnb.text import plural

if TYPE_CHECKING:  # pandas only for groups_table: a scan's workers never import it
    import pandas as pd

__all__ = [
    "SCHEMA", "DEFAULT_PID_MAX", "analyze", "diagnose", "diagnose_node", "groups_table", "in_linux_words",
    "pid1_command",
]

SCHEMA = "ucnb.analysis/1"


T = TypeVar("T")
# captured text (process commands, rows), never the kit's words: kept as read
_CAPTURED = frozenset({"zombies", "perfmon", "parent_command", "owner_command", "ancestry", "other_children",
                       "trend", "sources"})


def in_linux_words(value: T) -> T:
    """Every string the kit wrote in a Linux node's findings, with the Linux commands in place of
    UCOS's (`remedy.LINUX_WORDS`): one pass, so no face of a Linux node names a UCOS command."""
    if isinstance(value, str):
        return linux_words(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(in_linux_words(item) for item in value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: in_linux_words(getattr(value, f.name)) for f in fields(value)
                   if f.name not in _CAPTURED}
        return replace(value, **changed)
    return value


# ------------------------------------------------------------------ node
def _defunct_rows(listing: Listing) -> ZombieRows:
    """The defunct rows of the listing (read in place: no copy of a million rows)."""
    table = TableReader.of(listing, "processes")
    defunct = table.flags("zombie") & (table.ints("pid") >= 0)
    return ZombieRows(table, np.flatnonzero(defunct), parents=listing.has_ppid)


def _by_parent(zombies: ZombieRows) -> dict[int | None, list[int]]:
    """The zombies' PIDs by parent PID (None: not known), each group in row order.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"pid": [5, 3, 9], "ppid": pd.array([7, None, 7], dtype="Int64")})
    >>> _by_parent(ZombieRows(TableReader(frame), [0, 1, 2]))
    {None: [3], 7: [5, 9]}
    """
    if not len(zombies):
        return {}
    ppids = zombies.ints("ppid")
    order = np.argsort(ppids, kind="stable")
    parents = ppids[order]
    cuts = np.flatnonzero(parents[1:] != parents[:-1]) + 1
    groups = np.split(zombies.ints("pid")[order], cuts)
    keys = parents[np.concatenate(([0], cuts))].tolist()
    return {None if key < 0 else key: group.tolist() for key, group in zip(keys, groups, strict=True)}


def _other_listings_warnings(node: Node, listing: Listing, zombies: ZombieRows) -> list[str]:
    """Zombies that another listing of the node shows and the analysed one does not: every defunct
    row of every listing is accounted for (an earlier run of the same paste, another view)."""
    if len(node.listings) < 2:
        return []
    seen = set(zombies.pids())
    out = []
    for other in node.listings:
        if other is listing:
            continue
        missing = [z for z in _defunct_rows(other) if z.pid not in seen]
        if missing:
            pids = ", ".join(f"{z.pid} ({z.source})" for z in missing[:20])
            more = f" and {len(missing) - 20:,} more" if len(missing) > 20 else ""
            out.append(
                f"the listing {other.source} shows {plural(len(missing), 'defunct row')} that the listing "
                f"analysed ({listing.source}) does not: {pids}{more}; cleared since, or captured at "
                "another moment"
            )
    return out


def _listing_warnings(
    node: Node, listing: Listing, zombies: ZombieRows, damaged: list[str], moment_tolerance: timedelta
) -> list[str]:
    """What the listing's rows and their agreement with the zombie count say."""
    warnings: list[str] = []
    latest = node.latest_load
    zombie_count = latest.summary.zombie if latest else None
    if not rows(listing, "processes") and listing.columns:  # (no header at all: the listing says so)
        warnings.append(
            f"the listing {listing.source} has a header but no process rows (cut short?): it cannot "
            f"show zombies; capture `{RECOLLECT}` again"
        )
    if damaged:
        shown = ", ".join(damaged[:10]) + (" ..." if len(damaged) > 10 else "")
        warnings.append(
            f"{plural(len(damaged), 'damaged listing line')} look defunct but could not be read as "
            f"rows ({shown}): zombies may be missing from this analysis; see `ucnb inspect`"
        )
    if latest is not None and zombie_count is not None and zombie_count != len(zombies):
        warnings.append(
            f"show process load counts {plural(zombie_count, 'zombie')} ({latest.summary.source}) "
            f"but the listing shows {plural(len(zombies), 'defunct row')} ({listing.source}): "
            "captured at different moments, or the listing is incomplete"
        )
    if latest is not None and latest.captured_at and listing.captured_at:
        gap = abs(latest.captured_at - listing.captured_at)
        if gap > moment_tolerance:
            warnings.append(
                f"the zombie count ({latest.source}, {latest.captured_at.isoformat()}) and the listing "
                f"({listing.source}, {listing.captured_at.isoformat()}) were captured "
                f"{_gap_text(gap)} apart: they describe different moments"
            )
    return warnings


@dataclass
class _ListingRead:
    """What the node's listing shows: its defunct rows, grouped by parent PID, the graph around
    their parents, the lines that look defunct but could not be read, and the warnings."""

    zombies: ZombieRows | tuple[()] = ()
    damaged: list[str] = field(default_factory=list)
    by_parent: dict[int | None, list[int]] = field(default_factory=dict)
    graph: nx.DiGraph | None = None
    warnings: list[str] = field(default_factory=list)


def _read_listing(node: Node, moment_tolerance: timedelta) -> _ListingRead:
    """The node's listing read for the diagnosis; without one, what the load snapshot cannot show."""
    listing, latest = node.listing, node.latest_load
    read = _ListingRead()
    if listing is not None:
        read.zombies = zombies = _defunct_rows(listing)
        read.damaged = _damaged_defunct_lines(listing)
        read.by_parent = _by_parent(zombies)
        if zombies and listing.has_ppid:
            # only the zombies' parents, their ancestors and other children: fast on 100k processes
            read.graph = build_graph(listing, around=[p for p in read.by_parent if p is not None],
                                     zombie_children=False, children=SHOWN_CHILDREN)
        read.warnings.extend(listing.warnings)
        if read.graph is not None:
            read.warnings.extend(read.graph.graph["warnings"])
        read.warnings.extend(_listing_warnings(node, listing, zombies, read.damaged, moment_tolerance))
        read.warnings.extend(_other_listings_warnings(node, listing, zombies))
    elif latest is not None:
        shown = rows(latest, "processes")
        total = latest.summary.total
        if total is not None and shown < total:
            read.warnings.append(
                f"the show process load snapshot ({latest.source}) showed only {shown} of {total} processes "
                "(`num all` shows every one): a process missing from it is not evidence that it is "
                "not running, and zombies' parents cannot be read from it"
            )
    return read


@dataclass
class _Counting:
    """The node's zombie count and leak rate, and what they come from: the `show process load`
    counts, several listings, or PerfMon's polls (days of polls beat minutes of snapshots)."""

    zombie_count: int | None
    counted_by: str
    rate: Growth
    basis: str
    pids_in_use: tuple[int, bool, int | None] | None  # at PerfMon's last poll (`history.in_use`)


def _counting(node: Node) -> _Counting:
    """How many zombies the node has and how fast they grow, from the best evidence it holds."""
    latest = node.latest_load
    zombie_count = latest.summary.zombie if latest else None
    counted = any(snap.summary.zombie is not None for snap in node.loads)
    several = not counted and len(node.listings) > 1
    rate_all = listing_growth(node.listings) if several else node_growth(node.loads)
    basis = "zombie_count"
    counted_by = "show process load counts"
    line = node.perfmon
    pids_in_use = None
    if line is not None and line.times:
        logged = history_growth(line)
        if logged is not None and logged.hours is not None and (rate_all.rate is None
                                                                or logged.hours > (rate_all.hours or 0)):
            rate_all, basis = logged, "perfmon"  # days of polls beat minutes of snapshots
        if latest is None or latest.captured_at is None or latest.captured_at <= line.times[-1]:
            pids_in_use = in_use(line)
        if zombie_count is None and line.zombies[-1] is not None:
            zombie_count, counted_by = line.zombies[-1], "the last PerfMon poll counts"
    return _Counting(zombie_count, counted_by, rate_all, basis, pids_in_use)


def _group_warnings(groups: list[Group], g: nx.DiGraph | None, many_zombies: int) -> list[str]:
    """A group of an unusual size, and a parent whose PID the listing shows twice."""
    warnings = []
    for group in groups:
        if group.count >= many_zombies:
            name = group.service or group.parent_command or "a process not in the listing"
            warnings.append(
                f"PID {group.ppid} ({name}) holds {group.count:,} zombies: an unusual number for one "
                "parent; it keeps leaking until it is restarted"
            )
        if g is not None and group.ppid is not None and group.ppid in g.graph["duplicate_pids"]:
            again = again_at(g.graph["duplicate_pids"][group.ppid], g.graph["duplicate_counts"][group.ppid])
            first = g.nodes[group.ppid]["source"]
            warnings.append(
                f"the parent's PID {group.ppid} appears twice in the listing ({first}, {again}): "
                "the owner is uncertain; recollect the listing"
            )
    return warnings


def diagnose_node(
    node: Node,
    *,
    pid_max: int | None = None,
    many_zombies: int = 50,
    moment_tolerance: timedelta = timedelta(minutes=5),
    catalogue: Catalogue | None = None,
) -> NodeAnalysis:
    """One node's diagnosis (the arguments are those of `diagnose`)."""
    catalogue = catalogue or CATALOGUE
    latest, listing = node.latest_load, node.listing
    read = _read_listing(node, moment_tolerance)
    warnings = read.warnings
    if node.product == "linux":
        warnings.insert(0, NOT_UCOS)
    warnings.extend(_count_warnings(node, len(read.zombies), listing))
    counting = _counting(node)
    rate_all = counting.rate
    room = headroom(latest, listing, rate_all, pid_max, in_use=counting.pids_in_use,
                    linux=node.product == "linux")
    groups = node_groups(node, read.by_parent, read.graph, catalogue, room, rate_all, counting.basis)
    warnings.extend(_group_warnings(groups, read.graph, many_zombies))
    analysis = NodeAnalysis(
        node=node.name,
        product=node.product,
        zombie_count=counting.zombie_count,
        zombie_trend=tuple(snap.summary.zombie for snap in node.loads),
        zombies=read.zombies,
        groups=tuple(groups),
        next_step=no_process_data(node) or next_step(groups, counting.zombie_count, read.damaged, room,
                                                     rate_all, listing, counting.counted_by),
        warnings=tuple(dict.fromkeys(warnings)),
        trend=trend(node.loads),
        leak_rate_per_hour=rate_all.rate,
        trend_hours=None if rate_all.hours is None else round(rate_all.hours, 4),
        pid_headroom=room,
        sources=Sources(latest.source if latest else None, listing.source if listing else None),
        leak_rate_note=rate_all.note,
        perfmon=_perfmon(node, groups, read.zombies),
    )
    return in_linux_words(analysis) if node.product == "linux" else analysis


def _perfmon(node: Node, groups: list[Group], zombies: ZombieRows | tuple[()]) -> PerfmonHistory | None:
    """The node's PerfMon history, each process name joined to its parent when a listing shows it."""
    if node.perfmon is None:
        return None
    found = history(node.perfmon)
    names = {z.pid: _zombie_name(z.command) for z in zombies} if groups else {}
    return join_listing(found, groups, names, node.perfmon.zombie_pids)


def _zombie_name(command: str | None) -> str:
    """ "sh" of `[sh] <defunct>` (the name PerfMon logs a process under)."""
    text = (command or "").replace("<defunct>", "").strip()
    return text.strip("[]").split()[0].rsplit("/", 1)[-1] if text.strip("[]") else ""


def _count_warnings(node: Node, defunct: int, listing: Listing | None) -> list[str]:
    """The counts the capture states as text (`Zombies found = 46`, what `grep -c Z` printed), kept as
    evidence beside what the listing shows."""
    if not node.counts:
        return []
    shows = f"the listing shows {plural(defunct, 'defunct row')}" if listing is not None else "no listing"
    stated = "; ".join(f"`{count.label}`: {count.value} ({count.source})" for count in node.counts[:5])
    more = " ..." if len(node.counts) > 5 else ""
    return [f"counts stated in the capture: {stated}{more}; {shows}"]


# `[sh] <defunct>`, or a state column Z (Z, Zs, Z+...) standing alone between spaces
_DEFUNCT_TEXT = re.compile(r"<defunct>|\sZ[<NLsl+]*\s")


def _damaged_defunct_lines(listing: Listing) -> list[str]:
    """Sources of the listing's unparsed lines that look like defunct rows (`... [sh] <defunct>`)."""
    return [item.source for item in listing.unparsed if _DEFUNCT_TEXT.search(f" {item.text} ")]


def _gap_text(gap: timedelta) -> str:
    minutes = gap.total_seconds() / 60
    if minutes < 120:
        return f"{round(minutes)} minutes"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} hours"
    return f"{minutes / 1440:.1f} days"


def _reboot_plan(
    bundle: Bundle, nodes: list[NodeAnalysis], catalogue: Catalogue
) -> tuple[list[str], str | None]:
    """When several nodes need a reboot: the order (publisher first) and how to proceed."""
    rebooting = [n for n in nodes if n.next_step.action == "reboot"]
    if len(rebooting) < 2:
        return [], None
    publishers = {
        str(m.get("hostname") or "").lower()
        for node in bundle.nodes for m in node.identity.cluster if m.get("role") == "Publisher"
    }
    first = [n.node for n in rebooting if n.node.lower() in publishers]
    order = first + [n.node for n in rebooting if n.node not in first]
    checks = sorted({
        catalogue.products[n.product].replication_check for n in rebooting if n.product in catalogue.products
    }) or ["utils dbreplication runtimestate"]
    lead = f"{first[0]} (the publisher)" if first else "the publisher (the capture does not say which)"
    note = (
        f"{len(order)} nodes need a reboot: one at a time, {lead} first; before the next, wait until it "
        f"is back and check replication with {' / '.join(f'`{c}`' for c in checks)}"
    )
    return order, note


def diagnose(
    bundle: Bundle,
    *,
    pid_max: int | None = None,
    many_zombies: int = 50,
    moment_tolerance: timedelta = timedelta(minutes=5),
    catalogue: Catalogue | None = None,
) -> Analysis:
    """The diagnosis of every node of the bundle, in the bundle's node order.

    `pid_max` is the node's kernel pid_max when known (else 32,768 unless larger PIDs show in the
    data); `many_zombies` the group size that earns an "unusual number" warning;
    `moment_tolerance` how far apart the count and the listing may be captured before a "different
    moments" warning. Several nodes that need a reboot get an order (publisher first).
    """
    catalogue = catalogue or CATALOGUE
    nodes = [
        diagnose_node(node, pid_max=pid_max, many_zombies=many_zombies, moment_tolerance=moment_tolerance,
                      catalogue=catalogue)
        for node in bundle.nodes
    ]
    order, note = _reboot_plan(bundle, nodes, catalogue)
    if note:
        nodes = [
            replace(n, next_step=replace(n.next_step, reason=f"{n.next_step.reason}; {note}"))
            if n.node in order else n
            for n in nodes
        ]
    return Analysis(SCHEMA, tuple(nodes), tuple(order), note)


def analyze(bundle: Bundle, **options: Any) -> dict[str, Any]:
    """The `ucnb.analysis/1` JSON of docs/cli-contract.md: `diagnose(bundle, **options).to_json()`."""
    return diagnose(bundle, **options).to_json()


def groups_table(analysis: Analysis) -> pd.DataFrame:
    """One row per zombie group of every node (for notebooks): node, ppid, count, service, action,
    command, impact, urgency, when."""
    rows = [
        {
            "node": node.node, "ppid": group.ppid, "count": group.count,
            "parent_command": group.parent_command, "service": group.service,
            "action": group.action, "command": group.command, "impact": group.impact,
            "urgency": group.urgency, "when": group.when,
        }
        for node in analysis.nodes
        for group in node.groups
    ]
    columns = ["node", "ppid", "count", "parent_command", "service", "action", "command", "impact",
               "urgency", "when"]
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    frame["ppid"] = frame["ppid"].astype("Int64")
    return frame
