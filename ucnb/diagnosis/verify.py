"""Did the remediation clear the zombies? (`ucnb.verify/1`)

The seed's last step: after the restart, `show process load` again. With a before capture
(count 3, defunct PIDs 6325, 6370, 6387 under 7827) and an after capture (count 1, 6387 still
defunct under 7827), `compare(before, after).nodes[0]` (a `NodeVerification`) has
`verdict == "partial"`, `cleared_pids == (6325, 6370)`, `remaining_pids == (6387,)`; `verify()` is
its contract JSON:

    {"node": "cuc-sub", "before_count": 3, "after_count": 1, "cleared_pids": [6325, 6370],
     "remaining_pids": [6387], "new_pids": [], "verdict": "partial", ...}

It cannot be fooled: nodes are paired by identity (host name and product; `pairs` for an explicit
pairing), never by position, and two different nodes give `unknown`. A reboot between the captures
is detected (`rebooted`); a zombie still defunct under another parent (re-parented to PID 1 when its
parent was restarted) is remaining, never cleared; a service stopped afterwards is a warning. After a
reboot every process is new: a parent at the same PID is boot order, never "still" the same process
(`parent_state`). An after capture that is not later than the before capture (a stale copy sent
again) is an `order_problem`: the verdict is `unknown` unless `force_order`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ucnb.diagnosis.clock import FORCE_ORDER_HINT, order_problem, reboot
from ucnb.diagnosis.diagnose import diagnose_node, in_linux_words, pid1_command
from ucnb.errors import InputError
from ucnb.knowledge.catalogue import CATALOGUE, Catalogue
from ucnb.knowledge.owner import match_process
from ucnb.model.columns import TableReader, values
from ucnb.model.findings import (
    NodeVerification,
    Pairing,
    ParentAfter,
    Reparented,
    ServiceState,
    Verification,
)
from ucnb.model.results import Bundle, Listing, Node
from ucnb.text import plural

if TYPE_CHECKING:  # the tables for notebooks only: verify itself reads the columns as parsed
    import pandas as pd

__all__ = [
    "SCHEMA", "compare", "compare_node", "order_problem", "parent_state", "parents_table", "pids_table",
    "verify",
]

SCHEMA = "ucnb.verify/1"


def _reader(listing: Listing | None) -> TableReader | None:
    """The listing's rows as parsed (no DataFrame built: verify needs neither pandas nor a frame)."""
    return None if listing is None else TableReader.of(listing, "processes")


def _defunct(listing: Listing | None) -> dict[int, int | None] | None:
    """{zombie pid: ppid or None} of a listing (first row wins), None without a listing."""
    reader = _reader(listing)
    if listing is None or reader is None:
        return None
    at = np.flatnonzero(reader.flags("zombie")).tolist()
    pids = reader.take("pid", at)
    ppids = reader.take("ppid", at) if listing.has_ppid else [None] * len(at)
    result: dict[int, int | None] = {}
    for pid, ppid in zip(pids, ppids, strict=True):
        if pid is not None:
            result.setdefault(int(pid), None if ppid is None else int(ppid))
    return result


def _count(node: Node | None) -> int | None:
    if node is None or node.latest_load is None:
        return None
    return node.latest_load.summary.zombie


_FIELDS = ("pid", "ppid", "comm", "command", "stime")


def _row(reader: TableReader, at: int) -> dict[str, Any]:
    return {k: reader.take(k, [at])[0] for k in _FIELDS}


def _process(reader: TableReader, pid: int) -> dict[str, Any] | None:
    """The first row of `pid`, None when the listing has none."""
    hit = np.flatnonzero(reader.ints("pid") == pid)
    return _row(reader, int(hit[0])) if len(hit) else None


def _restarted_as(reader: TableReader, parent: dict[str, Any]) -> dict[str, Any] | None:
    """The live process running the parent's command: the one under the same grandparent (e.g.
    servM) first, then one under another parent, then one of unknown parent; the lowest PID first."""
    at = [i for i, command in enumerate(reader.take("command")) if command == parent["command"]]
    zombie = reader.flags("zombie")
    at = [i for i in at if not zombie[i]]
    if not at:
        return None
    grand = parent["ppid"]
    pids, ppids = reader.take("pid", at), reader.take("ppid", at)

    def rank(k: int) -> tuple[int, int]:
        same = 0 if grand is None or ppids[k] == grand else 1 if ppids[k] is not None else 2
        return same, pids[k] if pids[k] is not None else 2**63

    return _row(reader, at[min(range(len(at)), key=rank)])


def _parents(
    before: Node, after: Node | None, catalogue: Catalogue, rebooted: bool | None = None
) -> list[ParentAfter]:
    """Each former zombie parent: same PID after, or a new PID running the same command. After a
    reboot every process is new: the same PID running the same command is boot order (`restarted`)."""
    b_listing = before.listing
    b_defunct = _defunct(b_listing) or {}
    ppids = sorted({p for p in b_defunct.values() if p is not None and p > 1})
    b_rows = _reader(b_listing)
    if not ppids or b_rows is None:
        return []
    a_rows = _reader(after.listing) if after is not None else None
    result = []
    for ppid in ppids:
        parent = _process(b_rows, ppid)
        if parent is None:
            continue
        service = match_process(parent["comm"], parent["command"], before.product, catalogue)
        entry: dict[str, Any] = {
            "ppid": ppid, "command": parent["command"], "service": service.name if service else None,
            "after_pid": None, "after_start": None, "restarted": None,
        }
        if a_rows is not None:
            same = _process(a_rows, ppid)
            if same is not None and same["command"] == parent["command"]:
                # a start time that changed: a new process at the same PID (a container restarted)
                new_start = (same["stime"] is not None and parent["stime"] is not None
                             and same["stime"] != parent["stime"])
                entry.update(after_pid=ppid, after_start=same["stime"],
                             restarted=rebooted is True or new_start)
            elif (row := _restarted_as(a_rows, parent)) is not None:
                entry.update(after_pid=int(row["pid"]), after_start=row["stime"], restarted=True)
        result.append(ParentAfter(**entry))
    return result


def _short(name: str) -> str:
    return name.lower().split(".", 1)[0]


def parent_state(parent: ParentAfter, rebooted: bool | None, arrow: str = "→") -> str:
    """A former zombie parent in the after capture, in words (the CLI text and the report).

    >>> p = ParentAfter(1203, "/usr/local/cm/bin/amc", "Cisco AMC Service", 1203, "11:05", True)
    >>> parent_state(p, rebooted=True)
    'a new process since the reboot (PID 1203 again: boot order, not the same process)'
    >>> parent_state(replace(p, restarted=False), rebooted=False)
    'still PID 1203 (not restarted)'
    >>> parent_state(replace(p, after_pid=23505, restarted=False), rebooted=False)
    'a new process, PID 1203 → 23505, but its service is not running afterwards'
    """
    if parent.restarted is None or parent.after_pid is None:
        return "not in the after capture's listing"
    if rebooted is True:
        if parent.after_pid == parent.ppid:
            return (
                f"a new process since the reboot (PID {parent.ppid} again: boot order, not the same process)"
            )
        return f"a new process since the reboot, PID {parent.ppid} {arrow} {parent.after_pid}"
    if parent.restarted:
        return f"restarted, PID {parent.ppid} {arrow} {parent.after_pid}"
    if parent.after_pid != parent.ppid:  # a restart that left its service stopped
        return (f"a new process, PID {parent.ppid} {arrow} {parent.after_pid}, but its service is not "
                "running afterwards")
    return f"still PID {parent.ppid} (not restarted)"


_STOPPED = {"STOPPED", "NOTRUNNING", "STOPPING", "DOWN"}


def _service_states(before: Node, after: Node, catalogue: Catalogue) -> list[ServiceState]:
    """Each service that owned zombies before (or was restarted) as the after capture shows it."""
    owners = [g.service for g in diagnose_node(before, catalogue=catalogue).groups if g.service]
    restarts = {r["service"]: r for r in after.restarts if r.get("service")}
    listed: dict[str, tuple[str, str]] = {}
    names, shown_as = values(after, "services", "service"), values(after, "services", "state")
    for name, shown, row in zip(names, shown_as, values(after, "services", "source"), strict=True):
        if isinstance(name, str) and isinstance(shown, str):
            listed[name] = (shown, str(row))
    states = []
    for service in dict.fromkeys(owners + sorted(restarts)):
        state: str | None = None
        source: str | None = None
        if service in listed:
            state, source = listed[service]
        elif service in restarts and restarts[service].get("states"):
            state = restarts[service]["states"][-1]
            source = (restarts[service].get("sources") or [restarts[service].get("source")])[-1]
        norm = None if state is None else state.replace(" ", "").upper()
        running = None if norm is None else norm == "STARTED"
        states.append(ServiceState(service, state, source, running))
    return states


def _other_name(before: Node | None, after: Node | None) -> str | None:
    """The after node's name when it differs from the before node's."""
    if before is None or after is None or after.name == before.name:
        return None
    return after.name


def _pair_entry(b: Node | None, a: Node | None, by: str) -> Pairing:
    return Pairing(b.name if b else None, a.name if a else None, by,
                   b.product if b else None, a.product if a else None)


def compare_node(
    name: str,
    before: Node | None,
    after: Node | None,
    catalogue: Catalogue | None = None,
    *,
    pairing: Pairing | None = None,
    force_order: bool = False,
) -> NodeVerification:
    """One node's entry of `verify` (either side may be missing: verdict `unknown`).

    `pairing` says how the two were paired (`by` "mismatch" or "none": not compared). An after
    capture not later than the before capture is not compared (`order_problem`, verdict `unknown`)
    unless `force_order`."""
    catalogue = catalogue or CATALOGUE
    pairing = pairing or _pair_entry(before, after, "name")
    before_count, after_count = _count(before), _count(after)
    b_defunct = _defunct(before.listing) if before is not None else None
    a_defunct = _defunct(after.listing) if after is not None else None
    base = NodeVerification(
        node=name, before_count=before_count, after_count=after_count, cleared_pids=(), remaining_pids=(),
        new_pids=(), verdict="unknown",
        before_listed=None if b_defunct is None else len(b_defunct),
        after_listed=None if a_defunct is None else len(a_defunct),
        pairing=pairing,
        after_node=_other_name(before, after),
    )
    if pairing.by in ("mismatch", "none") or before is None or after is None:
        return replace(base, reason=_unpaired_reason(pairing))
    problem = order_problem(before, after)
    if problem is not None and not force_order:
        warning = f"{problem}; {FORCE_ORDER_HINT}"
        return replace(base, reason=problem, order_problem=problem, warnings=(warning,))

    rebooted, evidence = reboot(before, after)
    states = _service_states(before, after, catalogue)
    warnings = [
        f"{s.service} is {s.state} after the remediation ({s.source}): it is not running; start it "
        f"(`utils service start {s.service}`) and check `utils service list`"
        for s in states if s.running is False
    ]
    stopped = {s.service for s in states if s.running is False}

    cleared, remaining, new, moved = _fates(b_defunct, a_defunct, before_count, after_count, rebooted)
    verdict, reason = _verdict(before_count, after_count, b_defunct, a_defunct, cleared, remaining, new)
    reason = _full_reason(reason, verdict, rebooted, evidence, len(new) or after_count or 0, moved, stopped)
    restarted_services = sorted(
        {r["service"] for r in after.restarts if r.get("service")} - stopped
    )
    parents = [
        replace(p, restarted=False) if p.restarted and p.service in stopped else p
        for p in _parents(before, after, catalogue, rebooted)
    ]
    if problem is not None:
        warnings.insert(0, f"{problem}; compared anyway (--force-order)")
    checked = replace(
        base,
        cleared_pids=tuple(sorted(cleared)),
        remaining_pids=tuple(sorted(remaining)),
        new_pids=tuple(sorted(new)),
        verdict=verdict,
        parents=tuple(parents),
        restarted_services=tuple(restarted_services),
        reason=reason,
        rebooted=rebooted,
        reboot_evidence=evidence,
        service_state_after=tuple(states),
        reparented=tuple(moved),
        warnings=tuple(warnings),
        order_problem=problem,
        order_forced=problem is not None,
        pid1_after=pid1_command(after.listing) if after.product == "linux" else None,
    )
    return in_linux_words(checked) if after.product == "linux" else checked


def _full_reason(reason: str, verdict: str, rebooted: bool | None, evidence: str | None, appeared: int,
                 moved: Sequence[Reparented], stopped: set[str]) -> str:
    """The verdict's reason, said as a reboot's when the node rebooted (with its `evidence`), then
    the zombies that moved to another parent and the services not running afterwards.

    >>> _full_reason("3 cleared", "cleared", False, None, 0, [], {"Cisco AMC Service"})
    '3 cleared; not running afterwards: Cisco AMC Service'
    """
    if rebooted:
        reason = ("node rebooted between the captures: every zombie cleared by the reboot"
                  if verdict == "cleared" else
                  f"node rebooted between the captures: the zombies of the before capture went with it, "
                  f"but {plural(appeared, 'zombie')} appeared since") + f" ({evidence})"
    if moved:
        reason += "; " + ", ".join(
            f"{m.pid} still defunct, now under PID {m.ppid_after}"
            + ("" if m.ppid_after == 1 else " (or a reused PID)")
            for m in moved[:5]
        ) + (" ..." if len(moved) > 5 else "")
    if stopped:
        reason += f"; not running afterwards: {', '.join(sorted(stopped))}"
    return reason


def _fates(
    b_defunct: dict[int, int | None] | None,
    a_defunct: dict[int, int | None] | None,
    before_count: int | None,
    after_count: int | None,
    rebooted: bool | None,
) -> tuple[list[int], list[int], list[int], list[Reparented]]:
    """(cleared, remaining, new, re-parented) PIDs. A PID still defunct after is remaining whoever
    its parent is now; after a reboot every before zombie is cleared and every after one new."""
    cleared: list[int] = []
    remaining: list[int] = []
    new: list[int] = []
    moved: list[Reparented] = []
    if rebooted:
        return sorted(b_defunct or []), [], sorted(a_defunct or []), []
    if b_defunct is not None and a_defunct is not None:
        for pid, ppid in b_defunct.items():
            if pid in a_defunct:
                remaining.append(pid)
                if ppid is not None and a_defunct[pid] is not None and a_defunct[pid] != ppid:
                    moved.append(Reparented(pid, ppid, a_defunct[pid]))
            else:
                cleared.append(pid)
        new = [pid for pid in a_defunct if pid not in b_defunct]
    elif b_defunct is not None and after_count == 0:
        cleared = list(b_defunct)
    elif a_defunct is not None and before_count == 0:
        new = list(a_defunct)
    return cleared, remaining, new, moved


def _unpaired_reason(pairing: Pairing) -> str:
    if pairing.by == "mismatch":
        what = []
        if _short(pairing.before or "") != _short(pairing.after or ""):
            what.append(f"host names {pairing.before} / {pairing.after}")
        if pairing.before_product != pairing.after_product:
            what.append(f"products {pairing.before_product} / {pairing.after_product}")
        return (
            f"the captures are of different nodes ({'; '.join(what)}): not compared; if they are the same "
            f"node, pair them explicitly: --pair {pairing.before}={pairing.after}"
        )
    if pairing.before is None:
        return "no before capture of this node"
    return "no after capture of this node"


def _verdict(
    before_count: int | None,
    after_count: int | None,
    b_defunct: dict[int, int | None] | None,
    a_defunct: dict[int, int | None] | None,
    cleared: list[int],
    remaining: list[int],
    new: list[int],
) -> tuple[str, str]:
    after_total = (
        after_count if after_count is not None else (len(a_defunct) if a_defunct is not None else None)
    )
    before_total = (
        before_count if before_count is not None else (len(b_defunct) if b_defunct is not None else None)
    )
    if after_total is None:
        return "unknown", "no zombie count or listing in the after capture"
    if after_total == 0 and not a_defunct:
        return "cleared", "no zombie left"
    if before_total is None:
        return "unknown", "no zombie count or listing in the before capture to compare with"
    if b_defunct is not None and a_defunct is not None and b_defunct:
        if cleared:
            verdict = "partial"
            left = f"{len(remaining)} {'remains' if len(remaining) == 1 else 'remain'}"
            reason = f"{len(cleared)} of {plural(len(b_defunct), 'zombie')} cleared, {left}"
        else:
            verdict, reason = "not_cleared", "every zombie of the before capture is still there"
        if new:
            reason += f"; {len(new)} new"
        return verdict, reason
    if after_total < before_total:
        return "partial", f"the zombie count fell from {before_total} to {after_total}"
    return "not_cleared", f"the zombie count went from {before_total} to {after_total}"


def _pairs(
    before: Bundle, after: Bundle, pairs: Sequence[tuple[str, str]]
) -> list[tuple[Node | None, Node | None, str]]:
    """Explicit pairs first, then by host name (and product), then what is left on either side."""
    b_nodes = {n.name: n for n in before.nodes}
    a_nodes = {n.name: n for n in after.nodes}
    result: list[tuple[Node | None, Node | None, str]] = []
    used_b: set[str] = set()
    used_a: set[str] = set()
    for b_name, a_name in pairs:
        for name, nodes, side in ((b_name, b_nodes, "BEFORE"), (a_name, a_nodes, "AFTER")):
            if name not in nodes:
                raise InputError(
                    f"--pair {b_name}={a_name}: no node {name!r} in {side} "
                    f"(its nodes: {', '.join(nodes) or 'none'})"
                )
        if b_name in used_b or a_name in used_a:
            raise InputError(f"--pair {b_name}={a_name}: a node may be paired only once")
        used_b.add(b_name)
        used_a.add(a_name)
        result.append((b_nodes[b_name], a_nodes[a_name], "explicit"))
    for b in before.nodes:
        if b.name in used_b:
            continue
        match = next(
            (a for a in after.nodes if a.name not in used_a and _short(a.name) == _short(b.name)), None
        )
        if match is not None:
            used_b.add(b.name)
            used_a.add(match.name)
            products = {b.product, match.product} - {"unknown"}
            result.append((b, match, "name" if len(products) <= 1 else "mismatch"))
    left_b = [b for b in before.nodes if b.name not in used_b]
    left_a = [a for a in after.nodes if a.name not in used_a]
    if len(left_b) == 1 and len(left_a) == 1:
        result.append((left_b[0], left_a[0], "mismatch"))
    else:
        result += [(b, None, "none") for b in left_b] + [(None, a, "none") for a in left_a]
    order = {node.name: i for i, node in enumerate(before.nodes)}
    return sorted(result, key=lambda entry: order[entry[0].name] if entry[0] is not None else len(order))


def compare(
    before: Bundle,
    after: Bundle,
    *,
    pairs: Sequence[tuple[str, str]] = (),
    catalogue: Catalogue | None = None,
    force_order: bool = False,
) -> Verification:
    """Each node of the before bundle against the same node after (the before bundle's order).

    Nodes are paired by host name (short names compare equal to FQDNs) when their products agree;
    `pairs` ((before name, after name), e.g. from `--pair B=A`) pairs others explicitly. Two nodes
    that cannot be paired are never compared: their verdict is `unknown` and the reason says why.
    An after capture not later than its before capture is not compared either, unless `force_order`.
    """
    entries = []
    for b, a, by in _pairs(before, after, pairs):
        name = next(node.name for node in (b, a) if node is not None)  # one side at least has a node
        entries.append(
            compare_node(name, b, a, catalogue, pairing=_pair_entry(b, a, by), force_order=force_order)
        )
    return Verification(SCHEMA, tuple(entries))


def verify(before: Bundle, after: Bundle, **options: Any) -> dict[str, Any]:
    """The `ucnb.verify/1` JSON of docs/cli-contract.md: `compare(before, after).to_json()`."""
    return compare(before, after, **options).to_json()


def pids_table(result: Verification) -> pd.DataFrame:
    """One row per node (for notebooks): the defunct PIDs cleared, remaining and new.

    >>> after = ucnb.load("sample_outputs/ex1_cucm_amc/after")
    >>> pids_table(compare(bundle, after))
            node  cleared remaining new
    0  cucm-sub1  [22908]        []  []
    """
    import pandas as pd  # a notebook's table: not for `ucnb verify`

    rows = [(n.node, list(n.cleared_pids), list(n.remaining_pids), list(n.new_pids)) for n in result.nodes]
    return pd.DataFrame(rows, columns=["node", "cleared", "remaining", "new"])


def parents_table(result: Verification) -> pd.DataFrame:
    """One row per former zombie parent of every node (for notebooks): its PID before, command,
    service, and its PID and start time after (`restarted`: a new PID running the same command).

    >>> after = ucnb.load("sample_outputs/ex1_cucm_amc/after")
    >>> parents_table(compare(bundle, after))[["ppid", "service", "after_pid", "after_start", "restarted"]]
        ppid            service  after_pid after_start  restarted
    0  29815  Cisco AMC Service      23505       11:05       True
    """
    import pandas as pd  # a notebook's table: not for `ucnb verify`

    columns = ["node", "ppid", "command", "service", "after_pid", "after_start", "restarted"]
    rows = [
        (n.node, p.ppid, p.command, p.service, p.after_pid, p.after_start, p.restarted)
        for n in result.nodes
        for p in n.parents
    ]
    return pd.DataFrame(rows, columns=columns).astype({"ppid": "Int64", "after_pid": "Int64"})
