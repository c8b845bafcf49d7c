"""Is action needed? The procedure's judgement, with its numbers.

Zombies use no resources but a PID slot: they "can be left on the system" and are cleared only when
there is a requirement. So the first question is not how to clear them but whether to:

    >>> from ucnb.model.findings import Headroom
    >>> from ucnb.diagnosis.trend import growth
    >>> judge(1, Headroom(32768, 312, 1, free=32456), growth([1, 1, 1], [0, 0.5, 1])).urgency
    'optional'

- `none`: no zombie;
- `optional`: harmless now (a small count, not growing, ample PID headroom);
- `recommended`: growing, or holding a large share of the PID space;
- `urgent`: the PID space is forecast to run out within `URGENT_DAYS`, or is nearly full.

`when` says whether the clearing step may be taken now or belongs in a maintenance window (every
reboot, and every restart of a high-impact service).
"""

from __future__ import annotations

from dataclasses import dataclass

from ucnb.diagnosis.trend import DEFAULT_PID_MAX, Growth, duration, percent
from ucnb.model.actions import action, urgency
from ucnb.model.findings import Headroom
from ucnb.text import plural

__all__ = ["LARGE_SHARE", "BUSY_SHARE", "FULL_SHARE", "URGENT_DAYS", "Judgement", "judge", "when",
           "most_urgent"]

LARGE_SHARE = 0.01  # zombies holding 1 % of the PID space (328 of 32,768) is a large share
BUSY_SHARE = 0.5  # half the PID space in use
FULL_SHARE = 0.9  # nearly full
URGENT_DAYS = 7.0


@dataclass(frozen=True)
class Judgement:
    urgency: str
    reason: str


def _share(zombies: int, headroom: Headroom) -> str:
    if headroom.pid_max is None:
        bound = max(headroom.max_pid_seen or DEFAULT_PID_MAX, DEFAULT_PID_MAX)
        return f"at most {percent(zombies, bound)} of the PID space"
    return f"{percent(zombies, headroom.pid_max)} of the PID space"


def judge(zombies: int, headroom: Headroom, rate: Growth) -> Judgement:
    """How urgent clearing `zombies` is, given the node's headroom and the zombies' growth."""
    if zombies <= 0:
        return Judgement("none", "no zombie")
    head = f"{plural(zombies, 'zombie')}, {_share(zombies, headroom)}"
    limit, used = headroom.pid_max, headroom.tasks
    days = headroom.days_to_exhaustion
    if days is not None and days <= URGENT_DAYS and rate.growing:
        return Judgement("urgent", f"{head}, {rate.note}: the PID space runs out in {duration(days)}")
    if limit and used is not None and used >= FULL_SHARE * limit:
        return Judgement("urgent", f"{head}; {used:,} of {limit:,} PIDs are in use ({percent(used, limit)})")
    if rate.growing:
        tail = f": the PID space runs out in {duration(days)}" if days is not None else ""
        return Judgement("recommended", f"{head}, {rate.note}{tail}")
    if limit and zombies >= LARGE_SHARE * limit:
        return Judgement("recommended", f"{head}: a large share ({percent(LARGE_SHARE, 1)} or more)")
    if limit and used is not None and used >= BUSY_SHARE * limit:
        busy = f"{used:,} of {limit:,} PIDs are in use ({percent(used, limit)})"
        return Judgement("recommended", f"{head}; {busy}")
    return Judgement("optional", f"{head}, {rate.note}")


def when(name: str, impact: str | None) -> str | None:
    """`maintenance_window` for an action that disrupts the node (a reboot), or the service when its
    impact is high (`ucnb.model.actions`); `now` for the rest; None when there is nothing to do."""
    if name == "none":
        return None
    disrupts = action(name).disrupts
    if disrupts == "node" or (disrupts == "service" and impact == "high"):
        return "maintenance_window"
    return "now"


def most_urgent(urgencies: list[str]) -> str:
    """The highest of several urgencies ("none" for none)."""
    return max(urgencies, key=lambda level: urgency(level).rank, default="none")
