"""Layer 7, verification: did the remediation clear the zombies? (`ucnb.verify/1`)

The seed's last step: after the restart, `show process load` again. With a before capture
(count 3, defunct PIDs 6325, 6370, 6387 under 7827) and an after capture (count 1, 6387 still
defunct under 7827), `compare(before, after).nodes[0]` (a `NodeVerification`) has
`verdict == "partial"`, `cleared_pids == (6325, 6370)`, `remaining_pids == (6387,)`; `verify()` is
its contract JSON:

    {"node": "cuc-sub", "before_count": 3, "after_count": 1, "cleared_pids": [6325, 6370],
     "remaining_pids": [6387], "new_pids": [], "verdict": "partial", ...}

Nodes are matched by name. A defunct PID of the after capture counts as "remaining" only when
its parent is the same as before (a reused PID under another parent is "new"). Added fields:
`before_listed`/`after_listed` (defunct rows), `parents` (each former parent's PID after the
capture: a new PID means its service was restarted), `restarted_services` and `reason`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from ucnb.catalogue import CATALOGUE, Catalogue, match_process
from ucnb.findings import NodeVerification, ParentAfter, Verification
from ucnb.model import Bundle, Listing, Node

__all__ = ["SCHEMA", "compare", "compare_node", "verify"]

SCHEMA = "ucnb.verify/1"


def _rows(listing: Listing | None) -> pd.DataFrame | None:
    return None if listing is None else listing.processes


def _defunct(listing: Listing | None) -> dict[int, int | None] | None:
    """{zombie pid: ppid or None} of a listing (first row wins), None without a listing."""
    if listing is None:
        return None
    frame = listing.processes
    rows = frame.loc[frame["zombie"].fillna(False).astype(bool)]
    result: dict[int, int | None] = {}
    ppids = rows["ppid"] if listing.has_ppid else pd.Series([pd.NA] * len(rows), dtype="Int64")
    for pid, ppid in zip(rows["pid"].tolist(), ppids.tolist(), strict=True):
        if pid is pd.NA or pid is None:
            continue
        result.setdefault(int(pid), None if ppid is pd.NA or ppid is None else int(ppid))
    return result


def _count(node: Node | None) -> int | None:
    if node is None or node.latest_load is None:
        return None
    return node.latest_load.summary.zombie


def _process(frame: pd.DataFrame, pid: int) -> dict[str, Any] | None:
    hit = frame.loc[frame["pid"] == pid]
    if hit.empty:
        return None
    row = hit.iloc[0]
    return {k: (None if pd.isna(row[k]) else row[k]) for k in ("pid", "ppid", "comm", "command", "stime")}


def _parents(before: Node, after: Node | None, catalogue: Catalogue) -> list[ParentAfter]:
    """Each former zombie parent: same PID after, or a new PID running the same command."""
    b_listing = before.listing
    b_defunct = _defunct(b_listing) or {}
    ppids = sorted({p for p in b_defunct.values() if p is not None and p > 1})
    if not ppids or b_listing is None:
        return []
    b_frame = b_listing.processes
    a_frame = _rows(after.listing) if after is not None else None
    result = []
    for ppid in ppids:
        parent = _process(b_frame, ppid)
        if parent is None:
            continue
        service = match_process(parent["comm"], parent["command"], before.product, catalogue)
        entry: dict[str, Any] = {
            "ppid": ppid, "command": parent["command"], "service": service.name if service else None,
            "after_pid": None, "after_start": None, "restarted": None,
        }
        if a_frame is not None:
            same = _process(a_frame, ppid)
            if same is not None and same["command"] == parent["command"]:
                entry.update(after_pid=ppid, after_start=same["stime"], restarted=False)
            else:
                candidates = a_frame.loc[
                    (a_frame["command"] == parent["command"]) & ~a_frame["zombie"].fillna(False).astype(bool)
                ]
                if not candidates.empty:
                    # prefer the one under the same grandparent (e.g. servM), then the lowest PID
                    grand = parent["ppid"]
                    order = candidates.assign(
                        _same=(candidates["ppid"] != grand) if grand is not None else False
                    ).sort_values(["_same", "pid"])
                    row = order.iloc[0]
                    entry.update(
                        after_pid=int(row["pid"]),
                        after_start=None if pd.isna(row["stime"]) else row["stime"],
                        restarted=True,
                    )
        result.append(ParentAfter(**entry))
    return result


def compare_node(
    name: str, before: Node | None, after: Node | None, catalogue: Catalogue | None = None
) -> NodeVerification:
    """One node's entry of `verify` (either side may be missing: verdict `unknown`)."""
    catalogue = catalogue or CATALOGUE
    before_count, after_count = _count(before), _count(after)
    b_defunct = _defunct(before.listing) if before is not None else None
    a_defunct = _defunct(after.listing) if after is not None else None

    cleared: list[int] = []
    remaining: list[int] = []
    new: list[int] = []
    if b_defunct is not None and a_defunct is not None:
        for pid, ppid in b_defunct.items():
            if pid in a_defunct and (ppid is None or a_defunct[pid] is None or a_defunct[pid] == ppid):
                remaining.append(pid)
            else:
                cleared.append(pid)
        new = [pid for pid in a_defunct if pid not in remaining]
    elif b_defunct is not None and after_count == 0:
        cleared = list(b_defunct)
    elif a_defunct is not None and before is not None and before_count == 0:
        new = list(a_defunct)

    after_total = (
        after_count if after_count is not None else (len(a_defunct) if a_defunct is not None else None)
    )
    before_total = (
        before_count if before_count is not None else (len(b_defunct) if b_defunct is not None else None)
    )
    if after_total is None:
        verdict, reason = "unknown", "no zombie count or listing in the after capture"
    elif after_total == 0 and not a_defunct:
        verdict, reason = "cleared", "no zombie left"
    elif before_total is None:
        verdict, reason = "unknown", "no zombie count or listing in the before capture to compare with"
    elif b_defunct is not None and a_defunct is not None and b_defunct:
        if cleared:
            verdict = "partial"
            reason = f"{len(cleared)} of {len(b_defunct)} zombies cleared, {len(remaining)} remain"
        else:
            verdict, reason = "not_cleared", "every zombie of the before capture is still there"
        if new:
            reason += f"; {len(new)} new"
    elif after_total < before_total:
        verdict, reason = "partial", f"the zombie count fell from {before_total} to {after_total}"
    else:
        verdict, reason = "not_cleared", f"the zombie count went from {before_total} to {after_total}"

    restarted_services = sorted(
        {r["service"] for r in (after.restarts if after is not None else []) if r.get("service")}
    )
    return NodeVerification(
        node=name,
        before_count=before_count,
        after_count=after_count,
        cleared_pids=tuple(sorted(cleared)),
        remaining_pids=tuple(sorted(remaining)),
        new_pids=tuple(sorted(new)),
        verdict=verdict,
        before_listed=None if b_defunct is None else len(b_defunct),
        after_listed=None if a_defunct is None else len(a_defunct),
        parents=tuple(_parents(before, after, catalogue)) if before is not None else (),
        restarted_services=tuple(restarted_services),
        reason=reason,
    )


def compare(before: Bundle, after: Bundle, *, catalogue: Catalogue | None = None) -> Verification:
    """Each node of the before bundle against the same node after: nodes matched by name, the
    before bundle's order first.

    When each bundle holds exactly one node and their names differ (two single files named
    after their moment, `before.txt`/`after.txt`), the two are paired under the before name and
    the entry carries `after_node`.
    """
    if len(before.nodes) == 1 and len(after.nodes) == 1 and before.nodes[0].name != after.nodes[0].name:
        entry = compare_node(before.nodes[0].name, before.nodes[0], after.nodes[0], catalogue)
        return Verification(SCHEMA, (replace(entry, after_node=after.nodes[0].name),))
    names = [n.name for n in before.nodes]
    names += [n.name for n in after.nodes if n.name not in names]
    b_nodes = {n.name: n for n in before.nodes}
    a_nodes = {n.name: n for n in after.nodes}
    return Verification(
        SCHEMA, tuple(compare_node(name, b_nodes.get(name), a_nodes.get(name), catalogue) for name in names)
    )


def verify(before: Bundle, after: Bundle, **options: Any) -> dict[str, Any]:
    """The `ucnb.verify/1` JSON of docs/cli-contract.md: `compare(before, after).to_json()`."""
    return compare(before, after, **options).to_json()
