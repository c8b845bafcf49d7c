"""The node's clock between two captures: did it boot in between (`reboot`, from its uptime and the
time of each capture), and is the after capture later than the before capture (`order_problem`)?

    >>> _uptime_seconds("41 days,  3:07"), _duration(3_553_620)
    (3553620, '41 days, 3:07')
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ucnb.model.results import Node
from ucnb.read.bundle import parse_status_date
from ucnb.read.parsers.top_summary import MAX_UPTIME_DAYS

REBOOT_TOLERANCE_MIN = 10  # uptimes are printed to the minute; boot times this close are one boot


_UPTIME = re.compile(r"(?:(\d+)\s+days?,?\s*)?(?:(\d+):(\d+)|(\d+)\s+min)?")


def _uptime_seconds(text: str | None) -> int | None:
    """'41 days,  3:07' -> 3_553_620; '15 min' -> 900; '2 days' -> 172_800."""
    match = _UPTIME.fullmatch((text or "").strip().rstrip(","))
    if not text or not match or not any(match.groups()):
        return None
    days, hours, minutes, only_minutes = match.groups()
    if days and (len(days) > 6 or int(days) > MAX_UPTIME_DAYS):  # no clock reading: "up 99999999999 days"
        return None
    return int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or only_minutes or 0) * 60


def _clock(node: Node) -> tuple[datetime | None, int | None, str]:
    """(when the node was captured, its uptime then in seconds, where that was read)."""
    identity = node.identity
    up = _uptime_seconds(identity.uptime)
    date = parse_status_date(identity.date) if identity.date else None
    if date is not None and up is not None:
        return date, up, f"show status {identity.clock_source or identity.source}".strip()
    for snap in reversed(node.loads):
        if snap.captured_at is not None and snap.summary.uptime_s is not None:
            return snap.captured_at, snap.summary.uptime_s, f"top {snap.summary.source}"
    return date, up, f"show status {identity.clock_source or identity.source}".strip()


def reboot(before: Node, after: Node) -> tuple[bool | None, str | None]:
    """Did the node boot between the captures? (True/False/None, the evidence)."""
    b_time, b_up, b_src = _clock(before)
    a_time, a_up, a_src = _clock(after)
    if a_up is None:
        return None, None
    tolerance = timedelta(minutes=REBOOT_TOLERANCE_MIN)
    up_text = _duration(a_up)
    if b_time is not None and b_up is not None and a_time is not None:
        try:
            b_boot, a_boot = b_time - timedelta(seconds=b_up), a_time - timedelta(seconds=a_up)
        except OverflowError:  # booted before the year 1: not a clock reading
            return None, None
        if a_boot - b_boot > tolerance:
            return True, (
                f"up {up_text} at {a_time:%Y-%m-%d %H:%M} ({a_src}): booted at {a_boot:%Y-%m-%d %H:%M}, "
                f"after the before capture ({b_time:%Y-%m-%d %H:%M}, {b_src})"
            )
        return False, f"same boot ({a_boot:%Y-%m-%d %H:%M}) in both captures ({b_src}; {a_src})"
    if b_time is not None and a_time is not None:
        gap = (a_time - b_time).total_seconds()
        if a_up + tolerance.total_seconds() < gap:
            return True, f"up {up_text} ({a_src}), less than the {_duration(int(gap))} between the captures"
        return False, f"up {up_text} ({a_src}), longer than the {_duration(int(gap))} between the captures"
    return None, None


def _moment(node: Node) -> tuple[datetime | None, str]:
    """The latest dated moment of a node's captures and where it was read (`show status`, top's
    clock, a session's time stamps), or (None, "")."""
    found: list[tuple[datetime, str]] = []
    identity = node.identity
    date = parse_status_date(identity.date) if identity.date else None
    if date is not None:
        found.append((date, f"show status {identity.clock_source or identity.source}".strip()))
    found += [(s.captured_at, f"top {s.summary.source or s.source}") for s in node.loads if s.captured_at]
    found += [(li.captured_at, f"listing {li.source}") for li in node.listings if li.captured_at]
    found = [(moment.replace(tzinfo=None), source) for moment, source in found]
    return max(found, key=lambda item: item[0]) if found else (None, "")


def order_problem(before: Node, after: Node) -> str | None:
    """Why the after capture cannot be after the remediation (its latest time is not later than the
    before capture's: a stale copy sent again), naming both times and their sources; else None."""
    b_time, b_src = _moment(before)
    a_time, a_src = _moment(after)
    if b_time is None or a_time is None or a_time > b_time:
        return None
    same = "the same time as" if a_time == b_time else "earlier than"
    return (
        f"the after capture ({a_time:%Y-%m-%d %H:%M:%S}, {a_src}) is {same} the before capture "
        f"({b_time:%Y-%m-%d %H:%M:%S}, {b_src}): it cannot show the result of a remediation done after "
        "the before capture (a stale copy sent again?); capture again after the remediation"
    )


FORCE_ORDER_HINT = "if the node's clock was wrong, compare them anyway with --force-order"


def _duration(seconds: int) -> str:
    days, rest = divmod(int(seconds), 86400)
    if not days and rest < 3600:
        return f"{rest // 60} min"
    text = f"{days} day{'s' if days != 1 else ''}, " if days else ""
    return text + f"{rest // 3600}:{rest % 3600 // 60:02d}"
