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
from dataclasses import fields, is_dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx
import numpy as np

from ucnb.diagnosis.history import history, history_growth, in_use, join_listing
from ucnb.diagnosis.remedy import LINUX_COLLECT_BEFORE, RECOLLECT, linux_remediation, linux_words, remediation
from ucnb.diagnosis.trend import (
    DEFAULT_PID_MAX,
    Growth,
    headroom,
    listing_growth,
    listing_rates,
    node_growth,
    trend,
)
from ucnb.diagnosis.urgency import Judgement, judge, most_urgent, when
from ucnb.knowledge.catalogue import CATALOGUE, Catalogue
from ucnb.knowledge.defects import match
from ucnb.knowledge.owner import Owner, Walker
from ucnb.model.actions import urgency as urgency_of
from ucnb.model.columns import TableReader, rows
from ucnb.model.findings import (
    Analysis,
    Child,
    CollectBefore,
    Group,
    Headroom,
    NextStep,
    NodeAnalysis,
    PerfmonHistory,
    Sources,
    ZombieRows,
)
from ucnb.model.graph import again_at, build_graph, children
from ucnb.model.results import Bundle, Listing, Node
from ucnb.read.bundle import NOT_UCOS
from ucnb.read.parsers.listing import DEFUNCT_WITHOUT_PID
from ucnb.text import plural

if TYPE_CHECKING:  # pandas only for groups_table: a scan's workers never import it
    import pandas as pd

__all__ = [
    "SCHEMA", "DEFAULT_PID_MAX", "analyze", "diagnose", "diagnose_node", "groups_table", "in_linux_words",
    "pid1_command",
]

SCHEMA = "ucnb.analysis/1"
SHOWN_CHILDREN = 5


def _peers(node: Node) -> dict[str, str] | None:
    """Lower-case names and addresses of the cluster's nodes, each with the `show network cluster`
    row naming it; None when the capture has no such output."""
    if not node.identity.cluster:
        return None
    peers: dict[str, str] = {}
    for member in node.identity.cluster:
        source = str(member.get("source") or "")
        for key in ("hostname", "fqdn", "ip"):
            value = member.get(key)
            if isinstance(value, str) and value:
                peers.setdefault(value.lower(), source)
                if key != "ip":
                    peers.setdefault(value.lower().split(".", 1)[0], source)
    return peers


def _cluster_source(node: Node) -> str | None:
    """ "file:28-31": where `show network cluster` listed the nodes."""
    sources = [str(m.get("source")) for m in node.identity.cluster if m.get("source")]
    if not sources:
        return None
    files = {s.rsplit(":", 1)[0] for s in sources}
    if len(files) > 1:
        return sources[0]
    lines = [int(s.rsplit(":", 1)[1]) for s in sources if s.rsplit(":", 1)[1].isdigit()]
    first, last = (min(lines), max(lines)) if lines else (None, None)
    return sources[0] if first is None or first == last else f"{files.pop()}:{first}-{last}"


# ------------------------------------------------------------------ groups
def _collect_before(owner: Owner, catalogue: Catalogue) -> tuple[CollectBefore, ...]:
    """The catalogue's general steps (those naming {service} only with a service), then the
    owning service's own."""
    service = owner.service if owner.kind == "service" else None
    steps = []
    for step in catalogue.collect_before + (service.collect_before if service else ()):
        text = f"{step.command or ''} {step.why}"
        if "{service}" in text and service is None:
            continue
        name = service.name if service else ""
        command = step.command.replace("{service}", name) if step.command else None
        steps.append(CollectBefore(command, step.why.replace("{service}", name)))
    return tuple(steps)


def _group(
    ppid: int | None,
    zombie_pids: list[int],
    g: nx.DiGraph | None,
    node: Node,
    catalogue: Catalogue,
    room: Headroom,
    rate: tuple[Growth, str | None],
    walker: Walker | None,
    pid1: str | None = None,
) -> Group:
    product = node.product
    attrs = g.nodes[ppid] if g is not None and ppid is not None and ppid in g else None
    parent = None if attrs is None or attrs.get("missing") else attrs  # the parent's row, when listed
    parent_command = parent.get("command") if parent is not None else None
    if product == "linux":  # not a UC node: no service, no UC command (issue 23)
        owner = Owner("init" if ppid == 1 else "unknown" if parent is not None else "missing")
    elif ppid is None or walker is None:
        owner = Owner("missing")
    else:
        owner = walker.owner(ppid)
    judgement = judge(len(zombie_pids), room, rate[0])
    if product == "linux":
        remedy = linux_remediation(owner.kind, ppid, parent_command, pid1)
    else:
        remedy = remediation(
            owner, ppid, parent_command, product=product, urgency=judgement.urgency,
            cluster_source=_cluster_source(node), catalogue=catalogue,
            held=frozenset(section.command for section in node.sections),
        )
    owner_command = g.nodes[owner.pid].get("command") if g is not None and owner.pid is not None else None
    chain: tuple = ()
    omitted = 0
    others: list[int] = []
    other_count = 0
    shown: tuple[Child, ...] = ()
    if g is not None and walker is not None and ppid is not None:
        chain, omitted = walker.ancestry(ppid)
        others = [c for c in children(g, ppid) if not g.nodes[c].get("zombie")]
        other_count = g.graph["child_count"].get(ppid, 0) if g.graph["child_count"] else len(others)
        shown = tuple(Child(c, g.nodes[c].get("command")) for c in others[:SHOWN_CHILDREN])
    return Group(
        ppid=ppid,
        parent_command=parent_command,
        service=owner.service.name if owner.kind == "service" and owner.service else None,
        zombie_pids=tuple(zombie_pids),
        action=remedy.action,
        command=remedy.command,
        impact=remedy.impact,
        alternatives=remedy.alternatives,
        count=len(zombie_pids),
        rule=remedy.rule,
        reason=remedy.reason,
        impact_note=remedy.impact_note,
        parent_source=parent.get("source") if parent is not None else None,
        owner_pid=owner.pid,
        owner_command=owner_command,
        ancestry=chain,
        ancestors_omitted=omitted,
        other_children=shown,
        other_children_count=other_count,
        leak_rate_per_hour=rate[0].rate,
        leak_rate_basis=rate[1] if rate[0].rate is not None else None,
        commands=remedy.commands,
        urgency=judgement.urgency,
        urgency_reason=judgement.reason,
        when=when(remedy.action, remedy.impact),
        collect_before=(tuple(CollectBefore(command, why) for command, why in LINUX_COLLECT_BEFORE)
                        if product == "linux" else _collect_before(owner, catalogue)),
        defects=tuple(
            match(defect, node.identity.version)
            for defect in (owner.service.defects if owner.kind == "service" and owner.service else ())
        ),
    )


# ------------------------------------------------------------------ next step
_RANK = {"service": 0, "missing": 1, "no_ppid": 1, "unconfirmed": 1, "init": 2, "unknown": 2}


def _quiet_step(
    zombie_count: int | None, listing: Listing | None, damaged: list[str], room: Headroom, rate: Growth,
    counted_by: str = "show process load counts",
) -> NextStep:
    """The next step of a node whose listing shows no defunct row."""
    return _quiet_uc(zombie_count, listing, damaged, room, rate, counted_by)


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


def _quiet_uc(
    zombie_count: int | None, listing: Listing | None, damaged: list[str], room: Headroom, rate: Growth,
    counted_by: str = "show process load counts",
) -> NextStep:
    def step(command: str, reason: str, zombies: int = 0) -> NextStep:
        judged = judge(zombies, room, rate)
        if zombies == 0 and zombie_count is None:  # "none" would claim more than the capture shows
            judged = Judgement("optional", "whether zombies are present is not known yet (no zombie count)")
        return NextStep("recollect", command, reason, urgency=judged.urgency, urgency_reason=judged.reason,
                        when="now")

    no_pid = [item.source for item in (listing.unparsed if listing is not None else ())
              if item.reason.startswith(DEFUNCT_WITHOUT_PID)]
    if no_pid and len(no_pid) == len(damaged):
        shown = no_pid[0] if len(no_pid) == 1 else f"{no_pid[0]} ... {no_pid[-1]}"
        return step(RECOLLECT, f"{plural(len(no_pid), 'defunct row')}, no PID column: the parent cannot be "
                               f"named ({shown}); capture `{RECOLLECT}`", max(len(no_pid), zombie_count or 0))
    if damaged:
        shown = ", ".join(damaged[:3]) + (" ..." if len(damaged) > 3 else "")
        return step(
            RECOLLECT,
            f"{plural(len(damaged), 'damaged listing line')} look defunct ({shown}) but could not be read "
            f"as rows, so their parents are unknown; capture `{RECOLLECT}` again (untruncated)",
            max(len(damaged), zombie_count or 0),
        )
    if listing is None and zombie_count is None:
        return step("show process load", "no zombie count and no process listing were captured")
    if listing is not None and not rows(listing, "processes") and not zombie_count:
        return step(RECOLLECT, f"the process listing has no rows: capture `{RECOLLECT}` again")
    if zombie_count:
        why = (
            "no process listing was captured" if listing is None
            else "the listing shows no defunct row (captured at another moment?)"
        )
        return step(
            RECOLLECT,
            f"{counted_by} {plural(zombie_count, 'zombie')} but {why}; "
            f"capture `{RECOLLECT}` to find their parents",
            zombie_count,
        )
    if listing is not None and listing.cut_short:
        return step(
            RECOLLECT,
            "the listing shows no defunct row but was cut short at the pager: zombies may "
            f"be in the part not captured; capture `{RECOLLECT}` to the end",
        )
    if zombie_count is None:
        return step(
            "show process load",
            "the listing shows no defunct row, but no `show process load` gives the zombie "
            "count: capture it to confirm there is no zombie",
        )
    return NextStep("none", None, "no zombie: nothing to do (verify later with `show process load`)",
                    urgency="none", urgency_reason="no zombie")


def _next_step(groups: list[Group], zombie_count: int | None, damaged: list[str], room: Headroom,
               rate: Growth, listing: Listing | None,
               counted_by: str = "show process load counts") -> NextStep:
    if not groups:
        return _quiet_step(zombie_count, listing, damaged, room, rate, counted_by)
    return _group_step(groups, zombie_count, damaged, room, rate)


def _group_step(groups: list[Group], zombie_count: int | None, damaged: list[str], room: Headroom,
                rate: Growth) -> NextStep:

    def rank(group: Group) -> tuple:
        kind = group.rule.split(":", 1)[0]
        order = _RANK.get(kind, 3)  # special (cosmetic) last
        impact_order = {"low": 0, "medium": 1, "high": 2}.get(group.impact, 3)
        return (-urgency_of(group.urgency).rank, order, -group.count, impact_order,
                group.ppid if group.ppid is not None else -1)

    best = min(groups, key=rank)
    where = best.ppid if best.ppid is not None else "?"
    reason = f"{plural(best.count, 'zombie')} under PID {where}: {best.reason}"
    rest = [g for g in groups if g is not best]
    if rest:
        others = sum(g.count for g in rest)
        reason += f"; then handle {plural(len(rest), 'other group')} ({plural(others, 'zombie')})"
    if damaged:
        reason += (f"; {plural(len(damaged), 'damaged listing line')} also look defunct: recapture "
                   f"`{RECOLLECT}` to see their parents")
    if best.action != "recollect":
        reason += "; afterwards check the zombie count with `show process load`"
    total = max(sum(g.count for g in groups) + len(damaged), zombie_count or 0)
    node_judged = judge(total, room, rate)
    urgency = most_urgent([g.urgency for g in groups] + [node_judged.urgency])
    if node_judged.urgency == urgency:
        urgency_reason = node_judged.reason  # the node as a whole: every group and damaged line
    else:
        pressing = next(g for g in groups if g.urgency == urgency)
        urgency_reason = f"under PID {pressing.ppid}: {pressing.urgency_reason}"
    return NextStep(best.action, best.command, reason, best.ppid, best.impact, urgency, urgency_reason,
                    best.when)


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


def _groups(
    node: Node,
    by_parent: dict[int | None, list[int]],
    g: nx.DiGraph | None,
    catalogue: Catalogue,
    room: Headroom,
    rate_all: Growth,
    basis: str = "zombie_count",
) -> list[Group]:
    """One group per parent PID (sorted, no PPID last), each with the growth that applies to it:
    its own from dated listings, else the node's count when it is the only group."""
    rates = listing_rates(node)
    walker = Walker(g, node.product, catalogue, _peers(node)) if g is not None else None
    groups = []
    pid1 = pid1_command(node.listing) if node.product == "linux" else None
    for ppid in sorted(by_parent, key=lambda p: (p is None, p or 0)):
        if ppid is not None and rates.get(ppid) is not None and rates[ppid].hours is not None:
            rate: tuple[Growth, str | None] = (rates[ppid], "listings")
        elif len(by_parent) == 1:
            rate = (rate_all, basis)
        else:
            rate = (rate_all, None)
        groups.append(_group(ppid, sorted(by_parent[ppid]), g, node, catalogue, room, rate, walker, pid1))
    return groups


def _no_process_data(node: Node) -> NextStep | None:
    """A UC capture without any process data (`utils diagnose test` alone): what to send."""
    if node.loads or node.listings or node.perfmon is not None or not node.ucos:
        return None
    return NextStep("recollect", "show process load",
                    f"a UC capture with no process data ({node.ucos}): send `show process load` and "
                    f"`{RECOLLECT}`", urgency="optional", when="now",
                    urgency_reason="whether zombies are present is not known yet (no zombie count)")


def pid1_command(listing: Listing | None) -> str | None:
    """The command of PID 1 when the listing shows it (an init, or a container's application).

    >>> pid1_command(None) is None
    True
    """
    if listing is None or not rows(listing, "processes"):
        return None
    table = TableReader.of(listing, "processes")
    at = np.flatnonzero(table.ints("pid") == 1)
    return table.take("command", at[:1].tolist())[0] if len(at) else None


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
    warnings: list[str] = []
    latest = node.latest_load
    zombie_count = latest.summary.zombie if latest else None
    listing = node.listing
    g: nx.DiGraph | None = None
    zombies: ZombieRows | tuple[()] = ()
    damaged: list[str] = []
    by_parent: dict[int | None, list[int]] = {}

    if listing is not None:
        zombies = _defunct_rows(listing)
        damaged = _damaged_defunct_lines(listing)
        by_parent = _by_parent(zombies)
        if zombies and listing.has_ppid:
            # only the zombies' parents, their ancestors and other children: fast on 100k processes
            g = build_graph(listing, around=[p for p in by_parent if p is not None], zombie_children=False,
                            children=SHOWN_CHILDREN)
        warnings.extend(listing.warnings)
        if g is not None:
            warnings.extend(g.graph["warnings"])
        warnings.extend(_listing_warnings(node, listing, zombies, damaged, moment_tolerance))
        warnings.extend(_other_listings_warnings(node, listing, zombies))
    elif latest is not None:
        shown = rows(latest, "processes")
        total = latest.summary.total
        if total is not None and shown < total:
            warnings.append(
                f"the show process load snapshot ({latest.source}) showed only {shown} of {total} processes "
                "(`num all` shows every one): a process missing from it is not evidence that it is "
                "not running, and zombies' parents cannot be read from it"
            )

    if node.product == "linux":
        warnings.insert(0, NOT_UCOS)
    warnings.extend(_count_warnings(node, len(zombies), listing))
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
    room = headroom(latest, listing, rate_all, pid_max, in_use=pids_in_use, linux=node.product == "linux")
    groups = _groups(node, by_parent, g, catalogue, room, rate_all, basis)
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

    analysis = NodeAnalysis(
        node=node.name,
        product=node.product,
        zombie_count=zombie_count,
        zombie_trend=tuple(snap.summary.zombie for snap in node.loads),
        zombies=zombies,
        groups=tuple(groups),
        next_step=_no_process_data(node) or _next_step(groups, zombie_count, damaged, room, rate_all, listing,
                                                       counted_by),
        warnings=tuple(dict.fromkeys(warnings)),
        trend=trend(node.loads),
        leak_rate_per_hour=rate_all.rate,
        trend_hours=None if rate_all.hours is None else round(rate_all.hours, 4),
        pid_headroom=room,
        sources=Sources(latest.source if latest else None, listing.source if listing else None),
        leak_rate_note=rate_all.note,
        perfmon=_perfmon(node, groups, zombies),
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
