"""How the zombie count moves and how much PID space is left.

    >>> growth([3, 3], [0.0, 0.05]).note.split(";")[0]
    'growth too short to estimate (2 snapshots over 3 minutes'
    >>> growth([3, 5, 9], [0.0, 0.5, 1.0]).rate
    6.0

A leak rate needs at least `MIN_MINUTES` and `MIN_SNAPSHOTS`; shorter windows are "too short to
estimate", never "0 per hour". What uses PIDs is processes and their threads: the headroom counts
threads when the capture shows them (top's `Threads:` line, a listing with one row per thread or an
NLWP column) and says "at least" otherwise. The PID limit is 32,768 unless the caller gives the real
one or the data shows larger PIDs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from ucnb.model.columns import TableReader, built, rows, values
from ucnb.model.findings import Headroom, TrendPoint
from ucnb.model.results import Listing, LoadSnapshot, Node
from ucnb.text import plural

__all__ = [
    "DEFAULT_PID_MAX", "MIN_MINUTES", "MIN_SNAPSHOTS", "Growth", "growth", "trend", "node_growth",
    "listing_growth",
    "listing_rates", "headroom", "percent",
]

DEFAULT_PID_MAX = 32768  # /proc/sys/kernel/pid_max default
MIN_MINUTES = 10
MIN_SNAPSHOTS = 3


def percent(part: float, whole: float) -> str:
    """ "0.003 %", "0.61 %", "12.5 %": as many decimals as a small share needs."""
    value = 100 * part / whole if whole else 0.0
    if value == 0:
        return "0 %"
    return f"{value:.3f} %" if value < 0.01 else f"{value:.2f} %" if value < 1 else f"{value:.1f} %"


def _span(hours: float) -> str:
    minutes = hours * 60
    if minutes < 2:
        return f"{round(minutes * 60)} seconds"
    if minutes < 120:
        return f"{round(minutes)} minutes"
    return f"{hours:.3g} hours"


@dataclass(frozen=True)
class Growth:
    """How a zombie count moved: `rate` per hour (None unless the window is long enough)."""

    rate: float | None
    hours: float | None
    snapshots: int
    note: str  # the fact ("not growing over 2 hours (3 snapshots)")
    advice: str = ""  # how to measure it when it could not be

    @property
    def growing(self) -> bool:
        return self.rate is not None and self.rate > 0


def growth(counts: list[int], hours: list[float], unit: str = "snapshot") -> Growth:
    """The leak rate of `counts` taken at `hours` (from the first), with a sentence saying why or
    why not. Needs MIN_SNAPSHOTS counts over MIN_MINUTES. `unit`: what a count is read from
    ("snapshot", "poll" of the PerfMon logs)."""
    if len(counts) < 2:
        return Growth(None, None, len(counts), "growth not measured (one snapshot)",
                      "capture `show process load` again later, or `show process load cont`, to see whether "
                      "the count grows")
    span = hours[-1] - hours[0]
    if len(counts) < MIN_SNAPSHOTS or span * 60 < MIN_MINUTES:
        return Growth(
            None, span, len(counts),
            f"growth too short to estimate ({plural(len(counts), unit)} over {_span(span)}; a leak rate "
            "needs "
            f"at least {MIN_MINUTES} minutes and {MIN_SNAPSHOTS} {unit}s)",
            f"capture `show process load cont` over at least {MIN_MINUTES} minutes",
        )
    rate = round((counts[-1] - counts[0]) / span, 3)
    seen = plural(len(counts), unit) if unit != "snapshot" else f"{len(counts)} snapshots"
    if rate > 0:
        note = f"growing at {rate:,g} zombies per hour over {_span(span)} ({seen})"
    elif rate < 0:
        note = f"falling over {_span(span)} ({seen})"
    else:
        note = f"not growing over {_span(span)} ({seen})"
    return Growth(rate, span, len(counts), note)


def _elapsed(stamps: list[datetime | None], clock: list[str | None]) -> list[float] | None:
    """Hours from the first capture to each: dates when all are known, else top's HH:MM:SS times
    (consecutive `cont` snapshots, wrapping past midnight)."""
    dated = [s for s in stamps if s is not None]
    if len(dated) == len(stamps):
        return [(s - dated[0]).total_seconds() / 3600 for s in dated]
    if not all(clock):
        return None
    seconds: list[int] = []
    for text in clock:
        try:
            h, m, s = (int(x) for x in str(text).split(":"))
        except ValueError:
            return None
        seconds.append(h * 3600 + m * 60 + s)
    out, total = [0.0], 0
    for a, b in zip(seconds, seconds[1:], strict=False):
        total += (b - a) % 86400
        out.append(total / 3600)
    return out


def trend(loads: list[LoadSnapshot]) -> tuple[TrendPoint, ...]:
    """Each snapshot's zombie and task counts, oldest first."""
    return tuple(
        TrendPoint(
            snap.captured_at.isoformat() if snap.captured_at else None,
            snap.summary.time, snap.summary.zombie, snap.summary.total, snap.source,
        )
        for snap in loads
    )


def node_growth(loads: list[LoadSnapshot]) -> Growth:
    """The growth of the node's zombie count over its `show process load` snapshots."""
    pairs = [(s, s.summary.zombie) for s in loads if s.summary.zombie is not None]
    counted, zombies = [s for s, _ in pairs], [z for _, z in pairs]
    if len(counted) < 2:
        return growth(zombies, [0.0] * len(counted))
    hours = _elapsed([s.captured_at for s in counted], [s.summary.time for s in counted])
    if hours is None:
        return Growth(None, None, len(counted), "growth not measured (the snapshots carry no time)",
                      "capture with `show status` (its date) or `show process load cont`")
    return growth(zombies, hours)


def listing_growth(listings: list[Listing]) -> Growth:
    """The growth of the defunct rows over several listings of a node with no zombie count (a paste
    of `ps aux | grep Z` run three times): a trend when they are dated, else the counts as facts."""
    counts = [sum(1 for zombie in values(x, "processes", "zombie") if zombie) for x in listings]
    stamps = [x.captured_at for x in listings if x.captured_at is not None]
    if len(stamps) == len(listings):
        return growth(counts, [(s - stamps[0]).total_seconds() / 3600 for s in stamps])
    shown = ", ".join(str(n) for n in counts)
    return Growth(None, None, len(counts),
                  f"growth not measured ({len(counts)} listings without capture times: {shown} defunct rows, "
                  "oldest first)",
                  "capture `show process load cont` over at least 10 minutes, or dated listings")


def listing_rates(node: Node) -> dict[int, Growth]:
    """The growth of each parent's zombies over the dated listings with PPID."""
    dated = [(x, x.captured_at) for x in node.listings if x.has_ppid and x.captured_at is not None]
    if len(dated) < 2:
        return {}

    def counts(listing: Listing) -> Counter[int]:  # from the parsed columns: no DataFrame per listing
        table = TableReader.of(listing, "processes")
        ppids = table.ints("ppid")[table.flags("zombie")]
        return Counter(ppids[ppids >= 0].tolist())

    series = [counts(x) for x, _ in dated]
    hours = [(at - dated[0][1]).total_seconds() / 3600 for _, at in dated]
    parents = sorted(set().union(*series))
    return {int(p): growth([s.get(p, 0) for s in series], hours) for p in parents}


def _threads(latest: LoadSnapshot | None, listing: Listing | None) -> tuple[int | None, bool]:
    """(PIDs in use, threads counted?): top's `Threads:` total, a listing's threads, else top's
    task count (processes only: a lower bound)."""
    if latest is not None and latest.summary.total is not None and latest.summary.count_kind == "threads":
        return latest.summary.total, True
    frame = built(listing, "processes") if listing is not None else None  # a spec's columns: no threads
    if frame is not None and not frame.empty:
        if "nlwp" in frame.columns and frame["nlwp"].notna().all():
            return int(frame["nlwp"].sum()), True
        if "lwp" in frame.columns and frame["lwp"].notna().all():
            return len(frame), True
    if latest is not None and latest.summary.total is not None:
        return latest.summary.total, False
    return None, False


def _max_pid(latest: LoadSnapshot | None, listing: Listing | None) -> int | None:
    pids = [pid for table in (latest, listing) if table is not None and rows(table, "processes")
            for pid in values(table, "processes", "pid") if pid is not None]
    return int(max(pids)) if pids else None


def duration(days: float) -> str:
    """A forecast's time in the words every face prints (one rounding, so no face says 5.8 and another 6).

    >>> duration(0.3), duration(1.2), duration(5.8), duration(41.6)
    ('about 7 hours', 'about 1 day', 'about 6 days', 'about 42 days')
    """
    if days < 1:
        return f"about {max(1, round(days * 24))} hours"
    return f"about {round(days):,} days" if days >= 1.5 else "about 1 day"


def headroom(
    latest: LoadSnapshot | None, listing: Listing | None, node_rate: Growth, pid_max: int | None = None,
    *, in_use: tuple[int, bool, int | None] | None = None, linux: bool = False,
) -> Headroom:
    """PIDs in use, free, and a forecast sentence (days to exhaustion at the leak rate).

    `pid_max` is the node's real limit when known; None means the Linux default 32,768 unless the
    data shows larger PIDs (then the limit is unknown, and said so). `in_use`: (PIDs in use, threads
    counted?, zombies) read elsewhere and later than the snapshot (the last PerfMon poll). On a Linux
    host (`linux`) no default is known: most current distributions raise it to 4,194,304."""
    used, threads = _threads(latest, listing)
    zombies = latest.summary.zombie if latest else None
    if in_use is not None:
        used, threads, zombies = in_use
    seen = _max_pid(latest, listing)
    source = "given" if pid_max is not None else "default"
    limit = pid_max if pid_max is not None else DEFAULT_PID_MAX
    base = Headroom(limit, used, zombies, threads_counted=threads,
                    lower_bound=used is not None and not threads, max_pid_seen=seen, pid_max_source=source)
    if pid_max is None and seen is not None and seen > DEFAULT_PID_MAX:
        return replace(base, pid_max=None, pid_max_source="data", forecast=(
            f"PIDs up to {seen:,} appear, so this node's pid_max is above {DEFAULT_PID_MAX:,} (often "
            "4,194,304): give it (`cat /proc/sys/kernel/pid_max` as root, or --pid-max) for the headroom"
        ))
    if used is None:
        return replace(base, forecast="no `show process load` snapshot: the PID headroom is unknown")
    if pid_max is None and linux:  # no default to assume: the share and the forecast stay bounds
        growth = node_rate.note + (f": {node_rate.advice}" if node_rate.advice else "")
        usage = f"{'' if threads else 'at least '}{used:,} PIDs in use ({plural(zombies or 0, 'zombie')})"
        return replace(base, pid_max=None, pid_max_source="unknown", forecast=(
            f"{usage}; {growth}; "
            f"this host's pid_max is not in the capture ({DEFAULT_PID_MAX:,} on older systems, 4,194,304 on "
            "most current ones): give it (`cat /proc/sys/kernel/pid_max`, or --pid-max) for a forecast"
        ))
    if used > limit:
        return replace(base, forecast=(
            f"{used:,} PIDs in use exceed pid_max {limit:,}: this system's pid_max is higher; "
            "give the real value (--pid-max N) for a forecast"
        ))
    free = limit - used
    what = "PIDs (processes and threads)" if threads else "PIDs"
    usage = f"{'' if threads else 'at least '}{used:,} of {limit:,} {what} in use"
    usage += f" ({plural(zombies or 0, 'zombie')})"
    if not threads:
        usage += "; threads use PIDs too and this capture does not count them"
    days = None
    rate = node_rate.rate if node_rate.growing else None  # zombies per hour, when growing
    if rate is not None:
        days = round(free / rate / 24, 1)
        forecast = (
            f"{usage}; at this rate ({rate:,g} zombies per hour) the PID space is exhausted in "
            f"{duration(free / rate / 24)}{'' if threads else ' (or sooner)'}"
        )
    else:
        forecast = f"{usage}; {node_rate.note}"
        if node_rate.rate is not None:
            forecast += ": no exhaustion in sight"
        if node_rate.advice:
            forecast += f": {node_rate.advice}"
    return replace(base, free=free, days_to_exhaustion=days, forecast=forecast)

