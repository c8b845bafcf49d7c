"""The one next step of a node: the most pressing group's action (by urgency, owner, size, impact),
or, when no group can be formed, what to capture (no listing, no defunct row, damaged lines, no
zombie count) or nothing to do.
"""

from __future__ import annotations

from ucnb.diagnosis.remedy import RECOLLECT
from ucnb.diagnosis.trend import Growth
from ucnb.diagnosis.urgency import Judgement, judge, most_urgent
from ucnb.model.actions import urgency as urgency_of
from ucnb.model.columns import rows
from ucnb.model.findings import Group, Headroom, NextStep
from ucnb.model.results import Listing, Node
from ucnb.read.parsers.listing import DEFUNCT_WITHOUT_PID
from ucnb.text import plural

_RANK = {"service": 0, "missing": 1, "no_ppid": 1, "unconfirmed": 1, "init": 2, "unknown": 2}


def next_step(groups: list[Group], zombie_count: int | None, damaged: list[str], room: Headroom,
              rate: Growth, listing: Listing | None,
              counted_by: str = "show process load counts") -> NextStep:
    """The node's one next step: the most pressing group's action, else what to capture."""
    if not groups:
        return _quiet_step(zombie_count, listing, damaged, room, rate, counted_by)
    return _group_step(groups, zombie_count, damaged, room, rate)


def no_process_data(node: Node) -> NextStep | None:
    """A UC capture without any process data (`utils diagnose test` alone): what to send."""
    if node.loads or node.listings or node.perfmon is not None or not node.ucos:
        return None
    return NextStep("recollect", "show process load",
                    f"a UC capture with no process data ({node.ucos}): send `show process load` and "
                    f"`{RECOLLECT}`", urgency="optional", when="now",
                    urgency_reason="whether zombies are present is not known yet (no zombie count)")


def _quiet_step(
    zombie_count: int | None, listing: Listing | None, damaged: list[str], room: Headroom, rate: Growth,
    counted_by: str = "show process load counts",
) -> NextStep:
    """The next step of a node whose listing shows no defunct row: what to capture, or nothing."""

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
