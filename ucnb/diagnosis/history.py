"""Days of history from a node's RIS PerfMon logs: when the zombies appeared and how fast they grow.

The snapshots of `show process load` give minutes; the PerfMon logs (`ucnb.read.parsers.perfmon`,
merged per node as `Node.perfmon`) give every poll over days. From them, per process name and in
total: the first poll of the current run of zombies (to the poll, with the last poll without one),
the growth rate since (`ucnb.diagnosis.trend.growth`, so the words are the snapshots' words), and,
against RTMT's `TotalProcessesAndThreadsExceededThreshold` (processes + threads above the RIS Data
Collector's "Maximum Number of Processes and Threads", default 2,000), when it was crossed or would be.

    >>> from datetime import datetime, timedelta
    >>> from ucnb.model.results import PerfmonTimeline
    >>> t0 = datetime(2026, 11, 24, 9)
    >>> line = PerfmonTimeline(files=["a.csv"], times=[t0 + timedelta(hours=h) for h in range(6)],
    ...     sources=[f"a.csv:{n}" for n in range(2, 8)], zombies=[0, 0, 4, 8, 12, 16],
    ...     processes=[400] * 6, threads=[1500, 1500, 1504, 1508, 1512, 1516],
    ...     by_name={"sh": [0, 0, 4, 8, 12, 16]})
    >>> found = history(line)
    >>> found.first_seen, found.last_zero, found.rate_per_hour
    ('2026-11-24T11:00:00', '2026-11-24T10:00:00', 4.0)
    >>> found.alert_forecast_hours
    21.0

The rate runs from the first poll with a zombie to the last poll: a slow leak is a staircase, and
starting at the last poll without one would count a whole step too many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from ucnb.diagnosis.trend import Growth, duration, growth
from ucnb.model.findings import Group, PerfmonHistory, ZombieHistory
from ucnb.model.results import PerfmonTimeline
from ucnb.text import plural

__all__ = ["RIS_THRESHOLD", "history", "join_listing", "history_growth", "in_use"]

RIS_THRESHOLD = 2000  # "Maximum Number of Processes and Threads" of the Cisco RIS Data Collector (default)
ALERT = "TotalProcessesAndThreadsExceededThreshold"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _shown(moment: datetime) -> str:
    """ "Tue 2026-11-24 14:05": the day of the week helps on a week of logs."""
    return moment.strftime("%a %Y-%m-%d %H:%M")


def _run(counts: Sequence[int | None]) -> tuple[int, int | None] | None:
    """(first poll of the current run of zombies, last poll without one before it, or None when
    zombies are there from the first poll read); None when the last poll shows none."""
    known = [(i, c) for i, c in enumerate(counts) if c is not None]
    if not known or not known[-1][1]:
        return None
    zero = next((i for i, c in reversed(known) if c == 0), None)
    if zero is None:
        return known[0][0], None
    first = next(i for i, c in known if i > zero and c)
    return first, zero


def _growth(times: list[datetime], counts: Sequence[int | None], start: int) -> Growth:
    pairs = [(t, c) for t, c in zip(times[start:], counts[start:], strict=False) if c is not None]
    origin = pairs[0][0]
    return growth([c for _, c in pairs], [(t - origin).total_seconds() / 3600 for t, _ in pairs], "poll")


def _series(name: str, line: PerfmonTimeline, counts: Sequence[int | None]) -> ZombieHistory | None:
    run = _run(counts)
    if run is None:
        peak = max((c for c in counts if c), default=0)
        if not peak:
            return None
        return ZombieHistory(
            name,
            peak=peak,
            note=f"none at the last poll ({_shown(line.times[-1])}); up to {plural(peak, 'zombie')} before",
        )
    first, zero = run
    rate = _growth(line.times, counts, first)  # from the first zombie: each end on a step of the stairs
    last = next(c for c in reversed(counts) if c is not None)
    since = (
        f"since {_shown(line.times[first])} (none at {_shown(line.times[zero])})"
        if zero is not None
        else f"already at the first poll logged ({_shown(line.times[first])}): they began earlier"
    )
    return ZombieHistory(
        name,
        _iso(line.times[first]),
        line.sources[first],
        _iso(line.times[zero]) if zero is not None else None,
        int(counts[first] or 0),
        int(last),
        max(c or 0 for c in counts),
        rate.rate,
        None if rate.hours is None else round(rate.hours, 3),
        f"{rate.note}; {since}",
    )


def history_growth(line: PerfmonTimeline) -> Growth | None:
    """The growth of the node's zombie count over the logs' current run (None: no zombie now)."""
    run = _run(line.zombies)
    if run is None:
        return None
    return _growth(line.times, line.zombies, run[0])


def in_use(line: PerfmonTimeline) -> tuple[int, bool, int | None] | None:
    """At the last poll: (PIDs in use, threads counted?, zombies): Total Threads when logged (every
    thread holds a PID), else Total Processes (a lower bound)."""
    for index in range(len(line.times) - 1, -1, -1):
        if line.threads[index] is not None:
            return int(line.threads[index] or 0), True, line.zombies[index]
        if line.processes[index] is not None:
            return int(line.processes[index] or 0), False, line.zombies[index]
    return None


def _alert(
    line: PerfmonTimeline, start: int | None, threshold: int
) -> tuple[str, str | None, str | None, float | None]:
    sums = [
        None if p is None or t is None else p + t for p, t in zip(line.processes, line.threads, strict=False)
    ]
    known = [(i, s) for i, s in enumerate(sums) if s is not None]
    rule = (
        f"RTMT's {ALERT} fires when processes + threads exceed {threshold:,} (the RIS Data Collector default)"
    )
    if not known:
        return f"{rule}: the logs hold no Total Processes and Total Threads to compare", None, None, None
    above = next(((i, s) for i, s in known if s > threshold), None)
    last_index, last = known[-1]
    if above is not None:
        index, value = above
        return (
            f"{rule}: crossed at {_shown(line.times[index])} ({value:,}; {line.sources[index]})",
            _iso(line.times[index]),
            line.sources[index],
            None,
        )
    window = [(i, s) for i, s in known if start is None or i >= start]
    text = f"{rule}: not crossed; {last:,} at the last poll"
    if len(window) >= 2:
        (i0, s0), (i1, s1) = window[0], window[-1]
        hours = (line.times[i1] - line.times[i0]).total_seconds() / 3600
        if hours > 0 and s1 > s0:
            rate = (s1 - s0) / hours
            left = round((threshold - last) / rate, 1)
            return (
                f"{text}; growing {rate:,.3g} an hour, it would fire in {duration(left / 24)}",
                None,
                None,
                left,
            )
    return text, None, None, None


def history(line: PerfmonTimeline, threshold: int = RIS_THRESHOLD) -> PerfmonHistory:
    """What the node's PerfMon timeline shows (see the module doc); `join_listing` adds the parents."""
    if not line.times:
        return PerfmonHistory(
            files=tuple(line.files),
            threshold=threshold,
            notes=tuple(line.notes),
            summary="the PerfMon logs hold no poll",
        )
    steps = sorted((b - a).total_seconds() for a, b in zip(line.times, line.times[1:], strict=False))
    names = [
        series
        for name in sorted(line.by_name)
        if (series := _series(name, line, line.by_name[name])) is not None
    ]
    names.sort(key=lambda item: (-item.count_last, item.name))
    run = _run(line.zombies)
    total = _series("", line, line.zombies)
    alert, alert_at, alert_source, forecast = _alert(line, None if run is None else run[0], threshold)
    last = next((c for c in reversed(line.zombies) if c is not None), None)
    found = PerfmonHistory(
        files=tuple(line.files),
        start=_iso(line.times[0]),
        end=_iso(line.times[-1]),
        polls=len(line.times),
        poll_seconds=round(steps[len(steps) // 2]) if steps else None,
        zone=line.zone,
        bias_minutes=line.bias_minutes,
        status_mapping=line.status_mapping,
        status_evidence=line.status_evidence,
        zombies_last=last,
        first_seen=total.first_seen if total else None,
        first_seen_source=total.first_seen_source if total else None,
        last_zero=total.last_zero if total else None,
        rate_per_hour=total.rate_per_hour if total else None,
        hours=total.hours if total else None,
        note=total.note
        if total
        else (
            "no Process Status logged: zombies not counted"
            if last is None
            else "no zombie in the PerfMon logs"
        ),
        names=tuple(names),
        processes_last=next((p for p in reversed(line.processes) if p is not None), None),
        threads_last=next((t for t in reversed(line.threads) if t is not None), None),
        threshold=threshold,
        alert=alert,
        alert_at=alert_at,
        alert_source=alert_source,
        alert_forecast_hours=forecast,
        notes=tuple(line.notes),
    )
    return replace(found, summary=_summary(found))


def _rate_words(rate: float | None) -> str:
    if rate is None:
        return "count"
    return f"count growing {rate:,.3g} an hour" if rate > 0 else "count not growing"


def _summary(found: PerfmonHistory) -> str:
    """ "zombie `sh` count growing 4 an hour since Tue 2026-11-24 14:05; the parent today is PID 29815
    amc (Cisco AMC Service)" for the largest name; the parent unknown without a listing."""
    if not found.names:
        return f"PerfMon logs {found.start} to {found.end}: {found.note}"
    top = next((n for n in found.names if n.count_last), found.names[0])
    if not top.count_last:
        return f"zombie `{top.name}`: {top.note}"
    when = (
        f"since {_shown(datetime.fromisoformat(top.first_seen))}"
        if top.last_zero and top.first_seen
        else "since before the first poll logged"
    )
    text = (
        f"zombie `{top.name}` {_rate_words(top.rate_per_hour)} {when} ({top.count_last:,} at the last poll)"
    )
    if top.parent_pid is not None:
        owner = f" ({top.service})" if top.service else ""
        text += f"; the parent today is PID {top.parent_pid} {top.parent_command or '?'}{owner}"
    else:
        text += "; the parent is not known without a process listing of the node"
    others = [n for n in found.names if n is not top and n.count_last]
    if others:
        text += f"; also {', '.join(f'`{n.name}` ({n.count_last:,})' for n in others[:3])}"
    return text


def join_listing(
    found: PerfmonHistory,
    groups: Sequence[Group],
    zombie_names: dict[int, str],
    perfmon_pids: dict[int, tuple[str, int]],
) -> PerfmonHistory:
    """Each process name's parent from the diagnosed groups: the group holding its zombies' PIDs
    (PerfMon logs each instance's PID), else the only group whose defunct rows bear that name.
    `zombie_names`: the listing's zombie PID -> process name; `perfmon_pids`: `Node.perfmon.zombie_pids`."""
    if not groups or not found.names:
        return found
    joined = []
    for series in found.names:
        pids = {pid for pid, (name, _) in perfmon_pids.items() if name == series.name}
        best = max(groups, key=lambda g: (len(pids & set(g.zombie_pids)), -(g.ppid or 0)))
        by = "pid" if pids & set(best.zombie_pids) else None
        if by is None:
            named = [g for g in groups if any(zombie_names.get(pid) == series.name for pid in g.zombie_pids)]
            best, by = (named[0], "name") if len(named) == 1 else (best, None)
        if by is None:
            joined.append(series)
            continue
        joined.append(
            replace(
                series,
                parent_pid=best.ppid,
                parent_command=best.parent_command,
                service=best.service,
                parent_source=best.parent_source,
                joined_by=by,
            )
        )
    found = replace(found, names=tuple(joined))
    return replace(found, summary=_summary(found))
