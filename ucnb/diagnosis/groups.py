"""One zombie group per parent PID: the owner (the service, walked up to through `sh -c`/`perl`
helpers), the remediation and its urgency, the parent's ancestry and other children, the steps to
collect first and the known defects (`diagnose.diagnose_node` calls `node_groups`).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ucnb.diagnosis.remedy import LINUX_COLLECT_BEFORE, linux_remediation, remediation
from ucnb.diagnosis.trend import Growth, listing_rates
from ucnb.diagnosis.urgency import judge, when
from ucnb.knowledge.catalogue import Catalogue
from ucnb.knowledge.defects import match
from ucnb.knowledge.owner import Owner, Walker
from ucnb.model.columns import TableReader, rows
from ucnb.model.findings import Child, CollectBefore, Group, Headroom
from ucnb.model.graph import children
from ucnb.model.results import Listing, Node

SHOWN_CHILDREN = 5  # a parent's other children named in its group


def node_groups(
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
