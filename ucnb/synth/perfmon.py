r"""RIS Data Collector PerfMon logs, generated to the documented layout (no real file was at hand).

What the documents give (RTMT Administration Guide; /work/shared/docs/perfmon.md): files
`PerfMon_<node>_<MM>_<DD>_<YYYY>_<hh>_<mm>.csv` in the PDH CSV layout Windows Perfmon opens, a first
header cell `(PDH-CSV 4.0) (<zone>)(<bias>)`, then one quoted `\\<node>\<Object>(<instance>)\<Counter>`
column per counter; one row per poll starting `"MM/DD/YYYY HH:MM:SS.mmm"`, every value quoted, a
blank `" "` where an instance had no value. What they leave open is an option here, so the reader
is tested both ways: `status` ("words" or "numbers", 0-6 in the documented order), `zone` (None: no
zone cell), new instances as columns of the file (blank before they exist), `#N` for a second
process of one name, `drop_vmrss_from` (a counter set that changes between files), `cut_last` (the
last file cut mid-row). Files roll over every `rows_per_file` polls. Same arguments, same bytes.

    >>> files = perfmon_files("cucm-sub1", start=datetime(2026, 11, 24, 9), hours=1, poll_seconds=60,
    ...                       leak=Leak("sh", datetime(2026, 11, 24, 9, 30), per_hour=4), rows_per_file=40)
    >>> [name for name, _ in files]
    ['PerfMon_cucm-sub1_11_24_2026_09_00.csv', 'PerfMon_cucm-sub1_11_24_2026_09_40.csv']
    >>> files[0][1].splitlines()[0][:60]
    '"(PDH-CSV 4.0) (Eastern Standard Time)(300)","\\\\cucm-sub1\\Pr'
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = ["Leak", "BASE_PROCESSES", "perfmon_files", "perfmon_lines", "STATES"]

STATES = ("Running", "Sleeping", "Uninterruptible disk sleep", "Zombie", "Stopped", "Paging", "Unknown")
# (name, threads) of a CUCM-like node; a second process of one name is `name#1` in the counters
BASE_PROCESSES: tuple[tuple[str, int], ...] = (
    ("init", 1),
    ("kthreadd", 1),
    ("ksoftirqd/0", 1),
    ("rsyslogd", 4),
    ("sshd", 1),
    ("crond", 1),
    ("ntpd", 1),
    ("servM", 12),
    ("amc", 40),
    ("ccm", 120),
    ("cdpd", 3),
    ("ctftp", 20),
    ("tomcat", 180),
    ("java", 90),
    ("java", 60),
    ("RisDC", 30),
    ("cmoninit", 8),
    ("cmoninit", 6),
    ("dbmon", 5),
    ("sh", 1),
    ("bash", 1),
    ("snmpd", 2),
    ("tracecollection", 25),
    ("cdrrep", 10),
    ("CiscoDRFLocal", 14),
)
_COUNTERS = ("PID", "Process Status", "Thread Count", "% CPU Time", "VmRSS")


@dataclass(frozen=True)
class Leak:
    """Zombies of process `name` that appear from `start` at `per_hour` (until `cleared`, if given);
    `pids`: the PIDs of the last ones (to match a listing of the same node), the rest are counted up."""

    name: str
    start: datetime
    per_hour: float
    cleared: datetime | None = None
    pids: Sequence[int] = ()
    first_pid: int = 20000


@dataclass
class _Process:
    instance: str
    name: str
    pid: int
    threads: int
    born: datetime | None = None  # None: alive from the start
    zombie: bool = False


def _instances(leak: Leak | None, start: datetime, end: datetime, seed: int) -> list[_Process]:
    rng = random.Random(seed)
    seen: dict[str, int] = {}
    procs: list[_Process] = []

    def instance(name: str) -> str:
        count = seen.get(name, 0)
        seen[name] = count + 1
        return name if count == 0 else f"{name}#{count}"

    for index, (name, threads) in enumerate(BASE_PROCESSES):
        procs.append(
            _Process(
                instance(name), name, 1 if name == "init" else 300 + index * 37 + rng.randrange(30), threads
            )
        )
    if leak is not None:
        stop = min(end, leak.cleared) if leak.cleared else end
        hours = max(0.0, (stop - leak.start).total_seconds() / 3600)
        total = int(hours * leak.per_hour)
        tail = list(leak.pids)[-total:] if total else []
        pids = list(range(leak.first_pid, leak.first_pid + total - len(tail))) + tail
        for k in range(total):
            born = leak.start + timedelta(hours=(k + 1) / leak.per_hour) - timedelta(seconds=1)
            procs.append(_Process(instance(leak.name), leak.name, pids[k], 1, born, zombie=True))
    return procs


def _stamp(moment: datetime) -> str:
    return moment.strftime("%m/%d/%Y %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def perfmon_lines(
    host: str,
    *,
    start: datetime,
    hours: float,
    poll_seconds: int = 15,
    leak: Leak | None = None,
    rows_per_file: int = 2000,
    status: str = "words",
    zone: tuple[str, int] | None = ("Eastern Standard Time", 300),
    drop_vmrss_from: int | None = None,
    extra_processes: int = 0,
    seed: int = 1,
) -> Iterator[tuple[str, Iterator[str]]]:
    """(file name, its lines without line ends) per file, lazily: a 200 MB file is never held."""
    end = start + timedelta(hours=hours)
    procs = _instances(leak, start, end, seed)
    for k in range(extra_processes):  # a bigger node: more rows of counters
        procs.append(_Process(f"worker#{k}" if k else "worker", "worker", 5000 + k, 2))
    cleared = leak.cleared if leak else None
    polls = int(hours * 3600 // poll_seconds) + 1
    rng = random.Random(seed)
    for first in range(0, polls, rows_per_file):
        moment0 = start + timedelta(seconds=first * poll_seconds)
        last_moment = start + timedelta(seconds=(min(polls, first + rows_per_file) - 1) * poll_seconds)
        counters = (
            _COUNTERS
            if drop_vmrss_from is None or first // rows_per_file < drop_vmrss_from
            else _COUNTERS[:4]
        )
        alive = [
            p
            for p in procs
            if (p.born is None or p.born <= last_moment)
            and not (p.zombie and cleared is not None and cleared <= moment0)
        ]
        name = f"PerfMon_{host}_{moment0:%m}_{moment0:%d}_{moment0:%Y}_{moment0:%H}_{moment0:%M}.csv"

        def lines(
            first: int = first,
            alive: list[_Process] = alive,
            counters: tuple[str, ...] = counters,
        ) -> Iterator[str]:
            zone_cell = f" ({zone[0]})({zone[1]})" if zone else ""
            header = [f"(PDH-CSV 4.0){zone_cell}"]
            header += [f"\\\\{host}\\Process({p.instance})\\{c}" for p in alive for c in counters]
            header += [f"\\\\{host}\\System\\Total Processes", f"\\\\{host}\\System\\Total Threads"]
            yield ",".join(f'"{cell}"' for cell in header)
            for poll in range(first, min(polls, first + rows_per_file)):
                moment = start + timedelta(seconds=poll * poll_seconds)
                gone = cleared is not None and moment >= cleared
                cells = [_stamp(moment)]
                processes = threads = 0
                for p in alive:
                    if (p.born is not None and p.born > moment) or (p.zombie and gone):
                        cells.extend(" " for _ in counters)
                        continue
                    processes += 1
                    threads += p.threads
                    state = 3 if p.zombie else (0 if rng.random() < 0.1 else 1)
                    word = STATES[state] if status == "words" else str(state)
                    values = {
                        "PID": str(p.pid),
                        "Process Status": word,
                        "Thread Count": str(p.threads),
                        "% CPU Time": "0" if p.zombie else f"{rng.random() * 3:.1f}",
                        "VmRSS": "0" if p.zombie else str(2000 + p.pid % 977 * 13),
                    }
                    cells.extend(values[c] for c in counters)
                cells += [str(processes + 180), str(threads + 260)]  # kernel threads not logged per process
                yield ",".join(f'"{cell}"' for cell in cells)

        yield name, lines()


def perfmon_files(host: str, *, cut_last: bool = False, **options: Any) -> list[tuple[str, str]]:
    """(file name, text) of every file of `perfmon_lines` (same options); `cut_last`: the last file
    ends in the middle of its last row, as a copy stopped mid-write."""
    files = [(name, "\r\n".join(lines) + "\r\n") for name, lines in perfmon_lines(host, **options)]
    if cut_last and files:
        name, text = files[-1]
        body = text.rstrip("\r\n")
        start = body.rfind("\n") + 1
        files[-1] = (name, body[: start + (len(body) - start) // 2])
    return files
