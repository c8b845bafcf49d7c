"""Layer 7, diagnosis: the seed's walk automated, as the `ucnb.analysis/1` JSON dict.

zombie count (`show process load`) -> defunct rows (the listing) -> PPID -> parent process ->
owning service (walking up through `sh -c`/`perl` helpers) -> remediation, impact, alternatives ->
one next step per node, with the warnings a TAC engineer needs. For a listing such as

    UID        PID  PPID  C STIME TTY      TIME CMD
    ccmserv+ 29815     1  0 Oct19 ?    03:10:11 /usr/local/cm/bin/amc
    ccmserv+ 22908 29815  0 09:10 ?    00:00:00 [sh] <defunct>

`analyze(bundle)["nodes"][0]["groups"][0]` says `restart_service` with
`utils service restart Cisco AMC Service`, impact `low`. Fields beyond the contract (added, never
renamed): per node `trend`, `leak_rate_per_hour`, `pid_headroom`, `sources`; per group `count`,
`reason`, `impact_note`, `owner_pid`, `ancestry`, `other_children`, `leak_rate_per_hour`...
The dict is deterministic: sorted, no wall-clock time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
import pandas as pd

from ucnb.catalogue import CATALOGUE, Catalogue, Owner, ancestry, find_owner
from ucnb.graph import build_graph, children
from ucnb.model import Bundle, Listing, LoadSnapshot, Node

__all__ = ["SCHEMA", "DEFAULT_PID_MAX", "analyze", "analyze_node", "groups_table", "Finding"]

SCHEMA = "ucnb.analysis/1"
DEFAULT_PID_MAX = 32768
REBOOT = "utils system restart"
RECOLLECT = "show process list detail"
SHOWN_CHILDREN = 5


@dataclass(frozen=True)
class Finding:
    """A typed view of one group for notebooks: `Finding.from_group(group_dict)`."""

    ppid: int | None
    parent_command: str | None
    service: str | None
    zombie_pids: tuple[int, ...]
    action: str
    command: str
    impact: str
    reason: str

    @classmethod
    def from_group(cls, group: dict[str, Any]) -> Finding:
        return cls(
            group["ppid"], group["parent_command"], group["service"], tuple(group["zombie_pids"]),
            group["action"], group["command"], group["impact"], group["reason"],
        )


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    series = frame[name]
    return series.astype(object).where(series.notna(), None).tolist()


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _peers(node: Node) -> set[str]:
    """Lower-case names and addresses of the cluster's nodes, from `show network cluster`."""
    peers: set[str] = set()
    for member in node.identity.cluster or []:
        for key in ("hostname", "fqdn", "ip"):
            value = member.get(key)
            if isinstance(value, str) and value:
                peers.add(value.lower())
                peers.add(value.lower().split(".", 1)[0] if key != "ip" else value.lower())
    return peers


# ------------------------------------------------------------------ rules
def _alternative(action: str, command: str | None, note: str, tac_only: bool = False) -> dict[str, Any]:
    alt: dict[str, Any] = {"action": action, "command": command, "note": note}
    if tac_only:
        alt["tac_only"] = True
    return alt


def _leave() -> dict[str, Any]:
    return _alternative(
        "leave", None, "zombies hold only a PID slot and clear at the next reboot; watch the count"
    )


def _reboot_alt() -> dict[str, Any]:
    return _alternative("reboot", REBOOT, "a reboot clears every zombie; it interrupts the node's services")


def _kill(ppid: int, note: str) -> dict[str, Any]:
    return _alternative("kill_parent", f"kill -9 {ppid}", note, tac_only=True)


def _remediation(owner: Owner, ppid: int | None, g: nx.DiGraph | None) -> dict[str, Any]:
    """action, command, impact, impact_note, alternatives, reason for one group's owner."""
    if ppid is None:
        return {
            "rule": "no_ppid", "action": "recollect", "command": RECOLLECT, "impact": "unknown",
            "impact_note": "",
            "reason": "the listing has no PPID column, so the zombies' parent cannot be known; "
            f"capture `{RECOLLECT}`",
            "alternatives": [_reboot_alt(), _leave()],
        }
    if owner.kind == "missing":
        return {
            "rule": "missing", "action": "recollect", "command": RECOLLECT, "impact": "unknown",
            "impact_note": "",
            "reason": f"the parent PID {ppid} is not in the listing (captured at another moment, or cut "
            f"short); capture a fresh `{RECOLLECT}` to see it",
            "alternatives": [_reboot_alt(), _leave()],
        }
    if owner.kind == "init":
        return {
            "rule": "init", "action": "reboot", "command": REBOOT, "impact": "high",
            "impact_note": "a reboot interrupts every service of the node: plan a window",
            "reason": "the parent is PID 1 (init/systemd): no service restart can clear these zombies, "
            "only a reboot",
            "alternatives": [_leave()],
        }
    if owner.kind == "special" and owner.special is not None:
        rule = owner.special
        alternatives = [_leave()]
        if rule.impact in ("low", "medium", "cosmetic"):
            alternatives.append(_kill(ppid, "ends the SFTP/SSH session holding them; TAC root access only"))
        return {
            "rule": f"special:{rule.id}", "action": rule.action,
            "command": REBOOT if rule.action == "reboot" else "", "impact": rule.impact,
            "impact_note": "cosmetic: no service needs a restart; reboot at a convenient time",
            "reason": rule.reason, "alternatives": alternatives,
        }
    if owner.kind == "service" and owner.service is not None:
        service = owner.service
        alternatives = [_reboot_alt()]
        if service.impact in ("low", "medium"):
            alternatives.append(
                _kill(ppid, "TAC root access only; never the first choice; init then reaps the zombies")
            )
        alternatives.append(_leave())
        via = "" if owner.pid == ppid else f" (through its helper parent PID {ppid})"
        window = ": plan a maintenance window" if service.impact == "high" else ""
        return {
            "rule": "service", "action": "restart_service", "command": service.restart_command,
            "commands": list(service.restart), "impact": service.impact,
            "impact_note": service.impact_note,
            "reason": f"the zombies belong to {service.name}{via}; restarting it makes the parent reap "
            f"them (impact {service.impact}: {service.impact_note}){window}",
            "alternatives": alternatives,
        }
    # present in the listing, no known service up to PID 1 / servM
    parent = g.nodes[ppid] if g is not None and ppid in g else {}
    return {
        "rule": "unknown", "action": "reboot", "command": REBOOT, "impact": "unknown",
        "impact_note": "the parent belongs to no known service",
        "reason": f"the parent PID {ppid} ({parent.get('command') or '?'}) belongs to no known service; "
        "a reboot clears the zombies (TAC may identify the process first)",
        "alternatives": [
            _kill(ppid, "TAC root access only, after identifying what the process is"),
            _leave(),
        ],
    }


# ------------------------------------------------------------------ trend and headroom
def _elapsed_hours(stamps: list[datetime | None], clock: list[str | None]) -> float | None:
    """Hours from the first to the last capture: dates when all are known, else top's HH:MM:SS
    times (consecutive `cont` snapshots, wrapping past midnight)."""
    if len(stamps) < 2:
        return None
    if all(s is not None for s in stamps):
        return (stamps[-1] - stamps[0]).total_seconds() / 3600  # type: ignore[operator]
    if all(c for c in clock):
        seconds = []
        for text in clock:
            try:
                h, m, s = (int(x) for x in str(text).split(":"))
            except ValueError:
                return None
            seconds.append(h * 3600 + m * 60 + s)
        total = 0
        for a, b in zip(seconds, seconds[1:], strict=False):
            total += (b - a) % 86400
        return total / 3600
    return None


def _trend(loads: list[LoadSnapshot]) -> list[dict[str, Any]]:
    return [
        {
            "captured_at": snap.captured_at.isoformat() if snap.captured_at else None,
            "time": snap.summary.time,
            "zombie": snap.summary.zombie,
            "tasks": snap.summary.total,
            "source": snap.source,
        }
        for snap in loads
    ]


def _node_rate(loads: list[LoadSnapshot]) -> tuple[float | None, float | None]:
    """(zombies per hour, hours covered) from the first and last snapshot with a count."""
    counted = [s for s in loads if s.summary.zombie is not None]
    if len(counted) < 2:
        return None, None
    hours = _elapsed_hours([s.captured_at for s in counted], [s.summary.time for s in counted])
    if not hours or hours <= 0:
        return None, hours
    rate = (counted[-1].summary.zombie - counted[0].summary.zombie) / hours  # type: ignore[operator]
    return round(rate, 3), hours


def _duration(days: float) -> str:
    if days < 1:
        return f"about {max(1, round(days * 24))} hours"
    return f"about {round(days):,} days" if days >= 1.5 else "about 1 day"


def _seconds_text(hours: float) -> str:
    seconds = hours * 3600
    if seconds < 120:
        return f"{round(seconds)} seconds"
    return f"{round(seconds / 60)} minutes"


def _headroom(
    latest: LoadSnapshot | None,
    rate: float | None,
    hours: float | None,
    pid_max: int,
    min_trend_hours: float = 1.0,
) -> dict[str, Any]:
    tasks = latest.summary.total if latest else None
    zombies = latest.summary.zombie if latest else None
    result: dict[str, Any] = {
        "pid_max": pid_max, "tasks": tasks, "zombies": zombies, "free": None,
        "days_to_exhaustion": None, "forecast": None,
    }
    if tasks is None:
        result["forecast"] = "no `show process load` snapshot: the PID headroom is unknown"
        return result
    if tasks > pid_max:
        result["forecast"] = (
            f"{tasks:,} tasks exceed pid_max {pid_max:,}: this system's pid_max is higher; "
            "give the real value (analyze(..., pid_max=N)) for a forecast"
        )
        return result
    free = pid_max - tasks
    result["free"] = free
    used = f"{tasks:,} of {pid_max:,} PIDs are in use ({_plural(zombies or 0, 'zombie')})"
    if rate is None:
        result["forecast"] = (
            f"{used}; capture `show process load cont` over time (or several dated captures) "
            "to estimate a leak rate"
        )
    elif hours is not None and hours < min_trend_hours:
        result["forecast"] = (
            f"{used}; the captures cover only {_seconds_text(hours)}: too short to forecast "
            f"(capture over at least {min_trend_hours:g} hour{'s' if min_trend_hours != 1 else ''})"
        )
    elif rate <= 0:
        result["forecast"] = (
            f"{used}; the zombie count did not grow over {hours:g} hours of captures: "
            "no exhaustion in sight"
        )
    else:
        days = free / rate / 24
        result["days_to_exhaustion"] = round(days, 1)
        result["forecast"] = (
            f"{used}; at this rate ({rate:,g} zombies per hour) the PID space is exhausted in "
            f"{_duration(days)}"
        )
    return result


def _listing_rates(node: Node) -> dict[int, float]:
    """Zombies per hour per parent PID from the first and last dated listings with PPID."""
    dated = [x for x in node.listings if x.has_ppid and x.captured_at is not None]
    if len(dated) < 2:
        return {}
    first, last = dated[0], dated[-1]
    hours = (last.captured_at - first.captured_at).total_seconds() / 3600  # type: ignore[operator]
    if hours <= 0:
        return {}

    def counts(listing: Listing) -> pd.Series:
        frame = listing.processes
        return frame.loc[frame["zombie"] & frame["ppid"].notna(), "ppid"].astype("int64").value_counts()

    before, after = counts(first), counts(last)
    rates: dict[int, float] = {}
    for ppid in sorted(set(before.index) | set(after.index)):
        rates[int(ppid)] = round((int(after.get(ppid, 0)) - int(before.get(ppid, 0))) / hours, 3)
    return rates


# ------------------------------------------------------------------ groups
def _group(
    ppid: int | None,
    zombie_pids: list[int],
    g: nx.DiGraph | None,
    product: str,
    catalogue: Catalogue,
    peers: set[str],
) -> dict[str, Any]:
    if ppid is None or g is None:
        owner = Owner("missing")
    else:
        owner = find_owner(g, ppid, product, catalogue, peers or None)
    rem = _remediation(owner, ppid, g)
    parent = g.nodes[ppid] if g is not None and ppid is not None and ppid in g else None
    present = parent is not None and not parent.get("missing")
    owner_attrs = g.nodes[owner.pid] if g is not None and owner.pid is not None else {}
    group: dict[str, Any] = {
        "ppid": ppid,
        "parent_command": parent.get("command") if present else None,
        "service": owner.service.name if owner.kind == "service" and owner.service else None,
        "zombie_pids": zombie_pids,
        "action": rem["action"],
        "command": rem["command"],
        "impact": rem["impact"],
        "alternatives": rem["alternatives"],
        # added fields
        "count": len(zombie_pids),
        "rule": rem["rule"],
        "reason": rem["reason"],
        "impact_note": rem["impact_note"],
        "parent_source": parent.get("source") if present else None,
        "owner_pid": owner.pid,
        "owner_command": owner_attrs.get("command") if owner.pid is not None else None,
        "ancestry": [],
        "other_children": [],
        "other_children_count": 0,
        "leak_rate_per_hour": None,
        "leak_rate_basis": None,
    }
    if "commands" in rem:
        group["commands"] = rem["commands"]
    if g is not None and ppid is not None:
        group["ancestry"] = ancestry(g, ppid, product, catalogue)
        nodes = g.nodes
        others = [c for c in children(g, ppid) if not nodes[c].get("zombie")]
        group["other_children_count"] = len(others)
        group["other_children"] = [
            {"pid": c, "command": nodes[c].get("command")} for c in others[:SHOWN_CHILDREN]
        ]
    return group


# ------------------------------------------------------------------ next step
_RANK = {"service": 0, "missing": 1, "no_ppid": 1, "init": 2, "unknown": 2}


def _next_step(
    groups: list[dict[str, Any]], zombie_count: int | None, listing: Listing | None
) -> dict[str, Any]:
    if not groups:
        if listing is None and zombie_count is None:
            return {"action": "recollect", "command": "show process load",
                    "reason": "no zombie count and no process listing were captured"}
        if listing is not None and listing.processes.empty and not zombie_count:
            return {"action": "recollect", "command": RECOLLECT,
                    "reason": f"the process listing has no rows: capture `{RECOLLECT}` again"}
        if zombie_count:
            why = (
                "no process listing was captured" if listing is None
                else "the listing shows no defunct row (captured at another moment?)"
            )
            return {"action": "recollect", "command": RECOLLECT,
                    "reason": f"show process load counts {_plural(zombie_count, 'zombie')} but {why}; "
                    f"capture `{RECOLLECT}` to find their parents"}
        if listing is not None and listing.cut_short:
            return {"action": "recollect", "command": RECOLLECT,
                    "reason": "the listing shows no defunct row but was cut short at the pager: zombies may "
                    f"be in the part not captured; capture `{RECOLLECT}` to the end"}
        if zombie_count is None:
            return {"action": "recollect", "command": "show process load",
                    "reason": "the listing shows no defunct row, but no `show process load` gives the zombie "
                    "count: capture it to confirm there is no zombie"}
        return {"action": "none", "command": None,
                "reason": "no zombie: nothing to do (verify later with `show process load`)"}

    def rank(group: dict[str, Any]) -> tuple:
        kind = group["rule"].split(":", 1)[0]
        order = _RANK.get(kind, 3)  # special (cosmetic) last
        impact_order = {"low": 0, "medium": 1, "high": 2}.get(group["impact"], 3)
        return (order, -group["count"], impact_order, group["ppid"] if group["ppid"] is not None else -1)

    best = min(groups, key=rank)
    reason = (
        f"{_plural(best['count'], 'zombie')} under PID {best['ppid'] if best['ppid'] is not None else '?'}: "
        f"{best['reason']}"
    )
    rest = [g for g in groups if g is not best]
    if rest:
        others = sum(g["count"] for g in rest)
        reason += f"; then handle {_plural(len(rest), 'other group')} ({_plural(others, 'zombie')})"
    reason += "; afterwards check the zombie count with `show process load`"
    return {"action": best["action"], "command": best["command"], "reason": reason,
            "ppid": best["ppid"], "impact": best["impact"]}


# ------------------------------------------------------------------ node
def analyze_node(
    node: Node,
    *,
    pid_max: int = DEFAULT_PID_MAX,
    many_zombies: int = 50,
    moment_tolerance: timedelta = timedelta(minutes=5),
    min_trend_hours: float = 1.0,
    catalogue: Catalogue | None = None,
) -> dict[str, Any]:
    """One node's entry of `analyze`."""
    catalogue = catalogue or CATALOGUE
    warnings: list[str] = []
    latest = node.latest_load
    zombie_count = latest.summary.zombie if latest else None
    listing = node.listing
    g: nx.DiGraph | None = None
    zombies: list[dict[str, Any]] = []
    by_parent: dict[int | None, list[int]] = {}

    if listing is not None:
        warnings.extend(listing.warnings)
        frame = listing.processes
        defunct = frame.loc[frame["zombie"].fillna(False).astype(bool)]
        pids = _column(defunct, "pid")
        ppids = _column(defunct, "ppid") if listing.has_ppid else [None] * len(defunct)
        for pid, ppid, command, source in zip(
            pids, ppids, _column(defunct, "command"), _column(defunct, "source"), strict=True
        ):
            if pid is None:
                continue
            ppid = None if ppid is None else int(ppid)
            zombies.append({"pid": int(pid), "ppid": ppid, "command": command, "source": source})
            by_parent.setdefault(ppid, []).append(int(pid))
        if zombies and listing.has_ppid:
            # only the neighbourhood of the zombies' parents: fast on 100k-process listings
            g = build_graph(listing, around=[p for p in by_parent if p is not None])
            warnings.extend(g.graph["warnings"])
        if frame.empty:
            warnings.append(
                f"the listing {listing.source} has a header but no process rows (cut short?): it cannot "
                f"show zombies; capture `{RECOLLECT}` again"
            )
        damaged = _damaged_defunct_lines(listing)
        if damaged:
            shown = ", ".join(damaged[:10]) + (" ..." if len(damaged) > 10 else "")
            warnings.append(
                f"{_plural(len(damaged), 'damaged listing line')} look defunct but could not be read as "
                f"rows ({shown}): zombies may be missing from this analysis; see `ucnb inspect`"
            )
        if not listing.has_ppid:
            warnings.append(
                f"the listing {listing.source} has no PPID column (ps aux style): the zombies' parents "
                f"cannot be known; capture `{RECOLLECT}`"
            )
        if zombie_count is not None and zombie_count != len(zombies):
            warnings.append(
                f"show process load counts {_plural(zombie_count, 'zombie')} ({latest.summary.source}) "
                f"but the listing shows {_plural(len(zombies), 'defunct row')} ({listing.source}): "
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
    elif latest is not None:
        shown = len(latest.processes)
        total = latest.summary.total
        if total is not None and shown < total:
            warnings.append(
                f"the show process load snapshot ({latest.source}) showed only {shown} of {total} processes "
                "(`num all` shows every one): a process missing from it is not evidence that it is "
                "not running, and zombies' parents cannot be read from it"
            )

    rates = _listing_rates(node)
    node_rate, hours = _node_rate(node.loads)
    groups: list[dict[str, Any]] = []
    peers = _peers(node)
    for ppid in sorted(by_parent, key=lambda p: (p is None, p or 0)):
        group = _group(ppid, sorted(by_parent[ppid]), g, node.product, catalogue, peers)
        if ppid is not None and ppid in rates:
            group["leak_rate_per_hour"], group["leak_rate_basis"] = rates[ppid], "listings"
        elif len(by_parent) == 1 and node_rate is not None:
            group["leak_rate_per_hour"], group["leak_rate_basis"] = node_rate, "zombie_count"
        groups.append(group)
        if group["count"] >= many_zombies:
            name = group["service"] or group["parent_command"] or "a process not in the listing"
            warnings.append(
                f"PID {ppid} ({name}) holds {group['count']:,} zombies: an unusual number for one parent; "
                "it keeps leaking until it is restarted"
            )
        if g is not None and ppid is not None and ppid in g.graph["duplicate_pids"]:
            again = ", ".join(g.graph["duplicate_pids"][ppid])
            warnings.append(
                f"the parent's PID {ppid} appears twice in the listing ({g.nodes[ppid]['source']}, {again}): "
                "the owner is uncertain; recollect the listing"
            )

    result: dict[str, Any] = {
        "node": node.name,
        "product": node.product,
        "zombie_count": zombie_count,
        "zombie_trend": [snap.summary.zombie for snap in node.loads],
        "zombies": zombies,
        "groups": groups,
        "next_step": _next_step(groups, zombie_count, listing),
        "warnings": list(dict.fromkeys(warnings)),
        # added fields
        "trend": _trend(node.loads),
        "leak_rate_per_hour": node_rate,
        "trend_hours": None if hours is None else round(hours, 4),
        "pid_headroom": _headroom(latest, node_rate, hours, pid_max, min_trend_hours),
        "sources": {
            "load": latest.source if latest else None,
            "listing": listing.source if listing else None,
        },
    }
    return result


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


def analyze(
    bundle: Bundle,
    *,
    pid_max: int = DEFAULT_PID_MAX,
    many_zombies: int = 50,
    moment_tolerance: timedelta = timedelta(minutes=5),
    min_trend_hours: float = 1.0,
    catalogue: Catalogue | None = None,
) -> dict[str, Any]:
    """The `ucnb.analysis/1` dict for every node of the bundle, in the bundle's node order.

    `pid_max` is the PID space for the headroom forecast (Linux default 32768); `many_zombies` the
    group size that earns an "unusual number" warning; `moment_tolerance` how far apart the count
    and the listing may be captured before a "different moments" warning; `min_trend_hours` the
    shortest span of captures that earns a PID-exhaustion forecast (the rate is reported anyway).
    """
    return {
        "schema": SCHEMA,
        "nodes": [
            analyze_node(
                node, pid_max=pid_max, many_zombies=many_zombies,
                moment_tolerance=moment_tolerance, min_trend_hours=min_trend_hours, catalogue=catalogue,
            )
            for node in bundle.nodes
        ],
    }


def groups_table(analysis: dict[str, Any]) -> pd.DataFrame:
    """One row per zombie group of every node (for notebooks): node, ppid, count, service, action,
    command, impact."""
    rows = [
        {
            "node": node["node"], "ppid": group["ppid"], "count": group["count"],
            "parent_command": group["parent_command"], "service": group["service"],
            "action": group["action"], "command": group["command"], "impact": group["impact"],
        }
        for node in analysis["nodes"]
        for group in node["groups"]
    ]
    columns = ["node", "ppid", "count", "parent_command", "service", "action", "command", "impact"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["ppid"] = frame["ppid"].astype("Int64")
    return frame
