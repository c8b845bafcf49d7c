"""Layer 7, trend and PID headroom: how the zombie count moves and how much PID space is left.

    >>> h = headroom(None, None, None, 32768)
    >>> h.forecast
    'no `show process load` snapshot: the PID headroom is unknown'

The leak rate comes from the first and last snapshots with a count (`show process load cont`, or
several dated captures); per parent from the first and last dated listings.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ucnb.findings import Headroom, TrendPoint
from ucnb.model import Listing, LoadSnapshot, Node

__all__ = ["DEFAULT_PID_MAX", "trend", "node_rate", "listing_rates", "headroom", "plural"]

DEFAULT_PID_MAX = 32768


def plural(n: int, word: str) -> str:
    """ "1 zombie", "1,204 zombies"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


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


def trend(loads: list[LoadSnapshot]) -> tuple[TrendPoint, ...]:
    """Each snapshot's zombie and task counts, oldest first."""
    return tuple(
        TrendPoint(
            snap.captured_at.isoformat() if snap.captured_at else None,
            snap.summary.time, snap.summary.zombie, snap.summary.total, snap.source,
        )
        for snap in loads
    )


def node_rate(loads: list[LoadSnapshot]) -> tuple[float | None, float | None]:
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


def headroom(
    latest: LoadSnapshot | None,
    rate: float | None,
    hours: float | None,
    pid_max: int,
    min_trend_hours: float = 1.0,
) -> Headroom:
    """PIDs in use, free, and a forecast sentence (days to exhaustion at the leak rate)."""
    tasks = latest.summary.total if latest else None
    zombies = latest.summary.zombie if latest else None
    if tasks is None:
        return Headroom(pid_max, forecast="no `show process load` snapshot: the PID headroom is unknown")
    if tasks > pid_max:
        return Headroom(
            pid_max, tasks, zombies,
            forecast=f"{tasks:,} tasks exceed pid_max {pid_max:,}: this system's pid_max is higher; "
            "give the real value (analyze(..., pid_max=N)) for a forecast",
        )
    free = pid_max - tasks
    used = f"{tasks:,} of {pid_max:,} PIDs are in use ({plural(zombies or 0, 'zombie')})"
    days = None
    if rate is None:
        forecast = (
            f"{used}; capture `show process load cont` over time (or several dated captures) "
            "to estimate a leak rate"
        )
    elif hours is not None and hours < min_trend_hours:
        forecast = (
            f"{used}; the captures cover only {_seconds_text(hours)}: too short to forecast "
            f"(capture over at least {min_trend_hours:g} hour{'s' if min_trend_hours != 1 else ''})"
        )
    elif rate <= 0:
        forecast = (
            f"{used}; the zombie count did not grow over {hours:g} hours of captures: "
            "no exhaustion in sight"
        )
    else:
        days = round(free / rate / 24, 1)
        forecast = (
            f"{used}; at this rate ({rate:,g} zombies per hour) the PID space is exhausted in "
            f"{_duration(free / rate / 24)}"
        )
    return Headroom(pid_max, tasks, zombies, free, days, forecast)


def listing_rates(node: Node) -> dict[int, float]:
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
