r"""The Cisco RIS Data Collector PerfMon logs (`cm/log/ris/csv/PerfMon_<node>_<M>_<D>_<Y>_<h>_<m>.csv`).

Built from Cisco's documents (RTMT Administration Guide, "Perfmon Data Log Troubleshooting" and
"Performance Counters and Alerts"), not from a real file: none was found published. The layout is
Windows' PDH CSV, which Cisco says the files open in::

    "(PDH-CSV 4.0) (Eastern Standard Time)(300)","\\cucm-sub1\Process(amc)\PID",...
    "11/24/2026 08:59:45.000","29815",...
    "11/24/2026 09:00:00.000","29815",...

One row per poll (15 s by default). Read leniently where the documents are silent, each time said:

- the time zone cell may be missing, or written without its bias;
- several processes of one name are told apart as Windows does (`sh`, `sh#1`, `sh#2`): all count
  for the name `sh`;
- an instance may be blank (`" "`) in the polls it did not exist in;
- a header may come again inside a file (a new counter set): the columns are read again from it;
- `Process Status` as a word (Running, Sleeping, Uninterruptible disk sleep, Zombie, Stopped, Paging,
  Unknown, or their letters R S D Z T) or as a number, read in the documented order (0 = Running ...
  3 = Zombie ... 6 = Unknown); which one was used, and what corroborates it, is in the result;
- a row with fewer values than the header (the file cut mid-row) is reported with its `file:line`,
  never read as a poll.

The rows are streamed: each poll is reduced to a few counts (zombies per process name, Total
Processes, Total Threads) and the row's text let go, so a week of polls costs little memory.

    >>> text = '''"(PDH-CSV 4.0) (UTC)(0)","\\\\n1\\Process(sh)\\PID",\
    ... "\\\\n1\\Process(sh)\\Process Status","\\\\n1\\System\\Total Processes"
    ... "11/24/2026 09:00:00.000"," ","Running","212"
    ... "11/24/2026 09:00:15.000","4242","Zombie","213"'''
    >>> log = parse_perfmon(text.splitlines(), file="PerfMon_n1_11_24_2026_09_00.csv", first_line=1)
    >>> log.host, log.zombies, log.processes, log.by_name, log.zombie_pids
    ('n1', [0, 1], [212, 213], {'sh': [0, 1]}, {4242: ('sh', 1)})
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from operator import itemgetter

from ucnb.model.results import PerfmonLog, PerfmonTimeline, Unparsed

__all__ = [
    "NAME",
    "HEADER",
    "STARTS",
    "STATES",
    "looks_like_perfmon",
    "merge_logs",
    "parse_perfmon",
    "text_lines",
]

NAME = re.compile(r"(?:^|/)PerfMon_(?P<node>.+?)_(\d{1,2})_(\d{1,2})_(\d{4})_(\d{1,2})_(\d{1,2})\.csv$", re.I)
STARTS = r'"?\(PDH-(?:CSV|TSV) [\d.]+\)'  # the first cell of a PDH CSV header
HEADER = re.compile("^\ufeff?" + STARTS)
_ZONE = re.compile(r"\(PDH-(?:CSV|TSV) [\d.]+\)\s*(?:\((?P<zone>[^()]*)\))?\s*(?:\((?P<bias>[+-]?\d+)\))?")
_COUNTER = re.compile(
    r"^\\\\(?P<host>[^\\]+)\\(?P<object>[^\\(]+)(?:\((?P<instance>.*)\))?\\(?P<counter>[^\\]+)$"
)
# The documented states, in the documented order (RTMT guide, "Performance Counters and Alerts").
STATES = ("Running", "Sleeping", "Uninterruptible disk sleep", "Zombie", "Stopped", "Paging", "Unknown")
_LETTERS = {"R": "Running", "S": "Sleeping", "D": "Uninterruptible disk sleep", "Z": "Zombie", "T": "Stopped"}
_WORDS = {state.lower(): state for state in STATES}
_CUT = 200  # characters of a long row quoted in `unparsed`


def looks_like_perfmon(name: str, head: bytes) -> bool:
    """A PerfMon log by its name (`PerfMon_*.csv`) or its first bytes (a PDH CSV header).

    >>> looks_like_perfmon("x/PerfMon_cucm1_11_24_2026_09_00.csv", b""), looks_like_perfmon("a.txt", b"top")
    (True, False)
    """
    if NAME.search(name):
        return True
    start = head.lstrip(b"\xef\xbb\xbf").replace(b"\x00", b"")[:40].decode("ascii", "replace")
    return HEADER.match(start) is not None


def text_lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time (no list of a 200 MB file's lines at once).

    >>> list(text_lines("a\\r\\nb\\nc"))
    ['a', 'b', 'c']
    """
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            stop = end
        yield text[start:stop].rstrip("\r")
        start = stop + 1


def _split(line: str) -> list[str]:
    """The fields of a row: every PDH value is quoted, so a split at `","` is exact (and fast);
    anything else goes through the csv module."""
    if len(line) > 1 and line[0] == '"' and line[-1] == '"' and '""' not in line:
        return line[1:-1].split('","')
    return next(csv.reader([line]), [])


def _number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return None


def _state(value: str) -> tuple[str | None, str]:
    """(the state, "words" | "numbers" | "") of one `Process Status` value; None when blank/unknown."""
    text = value.strip()
    if not text:
        return None, ""
    word = _WORDS.get(text.lower()) or _LETTERS.get(text)
    if word:
        return word, "words"
    try:
        number = float(text)
    except ValueError:
        return "Unknown", "words"
    if number.is_integer() and 0 <= number < len(STATES):
        return STATES[int(number)], "numbers"
    return "Unknown", "numbers"


def _time(text: str) -> datetime | None:
    """`MM/DD/YYYY HH:MM:SS.mmm` (PDH); also day first when the month cannot be, and ISO."""
    text = text.strip()
    for fmt in (
        "%m/%d/%Y %H:%M:%S.%f",
        "%m/%d/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M:%S.%f",
        "%d/%m/%Y %H:%M:%S",
        "%Y-%m-%d %H:%M:%S.%f",
        "%Y-%m-%d %H:%M:%S",
    ):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


class _Columns:
    """What one header says: where each needed counter is."""

    def __init__(self, fields: list[str]) -> None:
        self.count = len(fields)
        self.hosts: dict[str, int] = {}
        self.counters: set[str] = set()
        status: list[tuple[int, str, str]] = []  # (column, instance, name)
        pids: dict[str, int] = {}
        rss: dict[str, int] = {}
        self.processes = self.threads = -1
        self.unread: list[str] = []
        for index, name in enumerate(fields[1:], start=1):
            match = _COUNTER.match(name.strip())
            if not match:
                self.unread.append(name)
                continue
            host, obj, instance, counter = match.group("host", "object", "instance", "counter")
            self.hosts[host] = self.hosts.get(host, 0) + 1
            self.counters.add(f"{obj}\\{counter}")
            if obj == "Process" and instance is not None:
                if counter == "Process Status":
                    status.append((index, instance, re.sub(r"#\d+$", "", instance)))
                elif counter == "PID":
                    pids[instance] = index
                elif counter == "VmRSS":
                    rss[instance] = index
            elif obj == "System" and counter == "Total Processes":
                self.processes = index
            elif obj == "System" and counter == "Total Threads":
                self.threads = index
        self.instances = len(status)
        self.names = [name for _, _, name in status]
        self.pid_columns = [pids.get(instance, -1) for _, instance, _ in status]
        self.rss_columns = [rss.get(instance, -1) for _, instance, _ in status]
        indexes = [index for index, _, _ in status]
        self.status: Callable[[list[str]], tuple[str, ...]] | None = None
        if len(indexes) == 1:  # (a getter of one item returns it bare, not in a tuple)
            only = indexes[0]
            self.status = lambda fields: (fields[only],)
        elif indexes:
            self.status = itemgetter(*indexes)


class _Reader:
    """The state of one file's read."""

    def __init__(self, file: str, first_line: int) -> None:
        self.log = PerfmonLog(file=file)
        self.file = file
        self.first_line = first_line
        self.columns: _Columns | None = None
        self.zombie_values: set[str] = set()
        self.known_values: set[str] = set()
        self.kinds: set[str] = set()
        self.unknown_values: set[str] = set()
        self.zombie_rss = [0, 0]  # (zombie instances with VmRSS 0 or blank, with VmRSS above 0)
        self.hosts: dict[str, int] = {}
        self.counters: set[str] = set()
        self.instances = 0
        self.last_line = first_line

    def source(self, number: int) -> str:
        return f"{self.file}:{number}"

    def unparsed(self, number: int, text: str, reason: str) -> None:
        shown = text if len(text) <= _CUT else text[:_CUT] + f"... ({len(text):,} characters)"
        self.log.unparsed.append(Unparsed(self.source(number), shown, reason))

    def header(self, number: int, line: str) -> None:
        fields = _split(line)
        match = _ZONE.search(fields[0]) if fields else None
        if self.columns is not None:
            columns = _Columns(fields)
            added = sorted(columns.counters - self.columns.counters)
            removed = sorted(self.columns.counters - columns.counters)
            change = (
                "; ".join(
                    part
                    for part in (
                        f"added {', '.join(added)}" if added else "",
                        f"removed {', '.join(removed)}" if removed else "",
                    )
                    if part
                )
                or f"{columns.instances} process instances instead of {self.columns.instances}"
            )
            self.log.warnings.append(
                f"{self.source(number)}: a new PerfMon header inside the file ({change}): "
                "the rows after it are read by it"
            )
            self.columns = columns
        else:
            self.columns = _Columns(fields)
            if match and match.group("zone") is not None:
                self.log.zone = match.group("zone").strip() or None
            if match and match.group("bias") is not None:
                self.log.bias_minutes = int(match.group("bias"))
            if self.log.zone is None:
                self.log.warnings.append(
                    f"{self.source(number)}: the PerfMon header names no time zone: times "
                    "are the node's clock as logged"
                )
        for host, count in self.columns.hosts.items():
            self.hosts[host] = self.hosts.get(host, 0) + count
        self.counters |= self.columns.counters
        self.instances = max(self.instances, self.columns.instances)
        if self.columns.unread:
            shown = ", ".join(self.columns.unread[:3]) + (" ..." if len(self.columns.unread) > 3 else "")
            self.log.warnings.append(
                f"{self.source(number)}: {len(self.columns.unread)} header cells are no "
                f"counter path (`\\\\host\\Object(instance)\\Counter`): {shown}"
            )
        self.log.recognised.append(number)

    def classify(self, values: Iterable[str]) -> None:
        for value in set(values) - self.known_values:
            self.known_values.add(value)
            state, kind = _state(value)
            if kind:
                self.kinds.add(kind)
            if state == "Zombie":
                self.zombie_values.add(value)
            elif state == "Unknown" and value.strip().lower() != "unknown":
                self.unknown_values.add(value.strip())

    def row(self, number: int, line: str, last: bool) -> None:
        columns = self.columns
        assert columns is not None
        fields = _split(line)
        unclosed = line.startswith('"') and not line.endswith('"')  # a quoted value that never ends
        if len(fields) != columns.count or (last and unclosed):
            cut = last and (len(fields) < columns.count or unclosed)
            why = (
                f"the file ends mid-row ({len(fields)} of {columns.count} values): this poll is not read"
                if cut
                else f"{len(fields)} values for {columns.count} header columns"
            )
            self.unparsed(number, line, why)
            if cut:
                self.log.warnings.append(
                    f"{self.source(number)}: the PerfMon file is cut mid-row: its last poll is not read"
                )
            return
        moment = _time(fields[0])
        if moment is None:
            self.unparsed(number, line, "no PDH time stamp (MM/DD/YYYY HH:MM:SS.mmm) in the first column")
            return
        log = self.log
        poll = len(log.times)
        log.times.append(moment)
        log.lines.append(number)
        log.processes.append(_number(fields[columns.processes]) if columns.processes > 0 else None)
        log.threads.append(_number(fields[columns.threads]) if columns.threads > 0 else None)
        if columns.status is None:
            log.zombies.append(None)
            return
        values = columns.status(fields)
        if not self.known_values.issuperset(values):
            self.classify(values)
        if self.zombie_values.isdisjoint(values):
            log.zombies.append(0)
            return
        found: dict[str, int] = {}
        for position, value in enumerate(values):
            if value in self.zombie_values:
                name = columns.names[position]
                found[name] = found.get(name, 0) + 1
                self.zombie_detail(fields, columns, position, name, poll)
        log.zombies.append(sum(found.values()))
        for name, count in found.items():
            series = log.by_name.get(name)
            if series is None:
                series = log.by_name[name] = [0] * poll
            series.extend([0] * (poll - len(series)))
            series.append(count)

    def zombie_detail(
        self, fields: list[str], columns: _Columns, position: int, name: str, poll: int
    ) -> None:
        column = columns.pid_columns[position]
        pid = _number(fields[column]) if column > 0 else None
        if pid is not None and pid not in self.log.zombie_pids:
            self.log.zombie_pids[pid] = (name, poll)
        column = columns.rss_columns[position]
        if column > 0:
            self.zombie_rss[0 if not _number(fields[column]) else 1] += 1

    def finish(self) -> PerfmonLog:
        log = self.log
        polls = len(log.times)
        for series in log.by_name.values():
            series.extend([0] * (polls - len(series)))
        if self.hosts:
            ranked = sorted(self.hosts.items(), key=lambda item: (-item[1], item[0]))
            log.host = ranked[0][0]
            if len(ranked) > 1:
                log.warnings.append(
                    f"{self.file}: counters of several nodes ({', '.join(h for h, _ in ranked)}): "
                    f"read as {log.host}'s"
                )
        log.counters = frozenset(self.counters)
        log.instances = self.instances
        log.status_mapping, log.status_evidence = self.mapping()
        first = log.recognised[0] if log.recognised else self.first_line
        log.source = f"{self.file}:{first}-{max(first, self.last_line)}"
        return log

    def mapping(self) -> tuple[str, str]:
        if not self.kinds:
            if self.counters and "Process\\Process Status" not in self.counters:
                return "", "no `Process\\Process Status` counter logged: zombies not counted"
            return "", ""
        unknown = (
            f"; values outside the documented states: {', '.join(sorted(self.unknown_values)[:5])}"
            if self.unknown_values
            else ""
        )
        if self.kinds == {"words"}:
            return "words", f"`Process Status` logged as words (Zombie read as a zombie){unknown}"
        order = ", ".join(f"{i} {state}" for i, state in enumerate(STATES))
        evidence = (
            f"`Process Status` logged as numbers, read in the documented order ({order}; RTMT "
            f"Administration Guide): 3 = Zombie"
        )
        with_rss = sum(self.zombie_rss)
        if with_rss:
            evidence += (
                f"; {self.zombie_rss[0]:,} of {with_rss:,} readings of 3 have VmRSS 0 or blank, as a "
                "zombie (which holds no memory) has"
            )
        if self.kinds == {"words", "numbers"}:
            evidence += "; some values were words: both read"
        return "numbers", evidence + unknown


def parse_perfmon(lines: Iterable[str], *, file: str, first_line: int = 1) -> PerfmonLog:
    """Read one PerfMon CSV (its lines, one at a time) into a `PerfmonLog`; see the module doc.

    Lines before the first PDH header are unparsed; blank lines are noise; a second header starts
    a new counter set."""
    reader = _Reader(file, first_line)
    iterator = iter(lines)
    number = first_line - 1
    pending: tuple[int, str] | None = None
    for raw in iterator:
        number += 1
        if pending is not None:
            _one(reader, *pending, last=False)
        pending = (number, raw.rstrip("\r\n"))
    if pending is not None:
        _one(reader, *pending, last=True)
    reader.last_line = max(number, first_line)
    return reader.finish()


def _one(reader: _Reader, number: int, line: str, *, last: bool) -> None:
    if not line.strip():
        return
    if HEADER.match(line):
        reader.header(number, line)
    elif reader.columns is None:
        reader.unparsed(number, line, "before the PerfMon header")
    else:
        reader.row(number, line, last)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def merge_logs(logs: Iterable[PerfmonLog]) -> PerfmonTimeline:
    """One node's files as one timeline, oldest poll first: a poll logged in two files (an overlap
    at a rollover) is read once, and what changed between files (the counter set, the time zone)
    and the gaps between polls are said in `notes`.

    >>> a = PerfmonLog(file="a.csv", times=[datetime(2026, 1, 1, 9), datetime(2026, 1, 1, 10)], lines=[2, 3],
    ...                zombies=[0, 1], processes=[9, 10], threads=[20, 21], by_name={"sh": [0, 1]})
    >>> b = PerfmonLog(file="b.csv", times=[datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 11)], lines=[2, 3],
    ...                zombies=[1, 2], processes=[10, 11], threads=[21, 22], by_name={"sh": [1, 2]})
    >>> line = merge_logs([b, a])
    >>> line.sources, line.by_name
    (['a.csv:2', 'a.csv:3', 'b.csv:3'], {'sh': [0, 1, 2]})
    >>> line.notes
    ['1 poll is in two files (an overlap at a rollover): read once']
    """
    every = list(logs)
    ordered = sorted((log for log in every if log.times), key=lambda log: (log.times[0], log.file))
    empty = sorted(log.file for log in every if not log.times)  # a header (and a cut row) only
    timeline = PerfmonTimeline(files=[log.file for log in ordered] + empty)
    names = sorted({name for log in ordered for name in log.by_name})
    timeline.by_name = {name: [] for name in names}
    repeated = backwards = 0
    previous: PerfmonLog | None = None
    for log in ordered:
        if previous is not None:
            _compare(previous, log, timeline.notes)
        previous = log
        kept: list[int] = []  # local poll -> timeline poll
        for index, moment in enumerate(log.times):
            if timeline.times and moment <= timeline.times[-1]:
                repeated += moment == timeline.times[-1]
                backwards += moment < timeline.times[-1]
                kept.append(len(timeline.times) - 1)
                continue
            kept.append(len(timeline.times))
            timeline.times.append(moment)
            timeline.sources.append(f"{log.file}:{log.lines[index]}")
            timeline.zombies.append(log.zombies[index])
            timeline.processes.append(log.processes[index])
            timeline.threads.append(log.threads[index])
            for name in names:
                series = log.by_name.get(name)
                timeline.by_name[name].append(series[index] if series else 0)
        for pid, (name, poll) in log.zombie_pids.items():
            if pid not in timeline.zombie_pids or kept[poll] < timeline.zombie_pids[pid][1]:
                timeline.zombie_pids[pid] = (name, kept[poll])
    if ordered:
        first = ordered[0]
        timeline.zone, timeline.bias_minutes = first.zone, first.bias_minutes
        mappings = [log for log in ordered if log.status_mapping]
        if mappings:
            timeline.status_mapping = mappings[-1].status_mapping
            timeline.status_evidence = mappings[-1].status_evidence
    if repeated:
        timeline.notes.append(
            f"{repeated:,} poll{'s are' if repeated > 1 else ' is'} in two files (an overlap "
            "at a rollover): read once"
        )
    if backwards:
        timeline.notes.append(
            f"{backwards:,} poll{'s go' if backwards > 1 else ' goes'} back in time (the clock "
            "was set back?): left out of the timeline"
        )
    timeline.notes.extend(_gaps(timeline))
    return timeline


def _compare(before: PerfmonLog, after: PerfmonLog, notes: list[str]) -> None:
    added = sorted(after.counters - before.counters)
    removed = sorted(before.counters - after.counters)
    if added or removed:
        change = "; ".join(
            part
            for part in (
                f"added {', '.join(added)}" if added else "",
                f"no longer {', '.join(removed)}" if removed else "",
            )
            if part
        )
        notes.append(f"the counter set changes from {after.file} ({change})")
    if (after.zone, after.bias_minutes) != (before.zone, before.bias_minutes):
        notes.append(
            f"the time zone changes from {after.file} ({before.zone or 'none'} -> {after.zone or 'none'})"
        )


def _gaps(timeline: PerfmonTimeline, shown: int = 5) -> list[str]:
    """Pauses much longer than the usual poll interval (a file missing, the collector stopped)."""
    times = timeline.times
    if len(times) < 3:
        return []
    steps = sorted((b - a).total_seconds() for a, b in zip(times, times[1:], strict=False))
    usual = steps[len(steps) // 2]
    limit = max(3 * usual, usual + 60)
    gaps = [(a, b) for a, b in zip(times, times[1:], strict=False) if (b - a).total_seconds() > limit]
    notes = [
        f"no polls from {_when(a)} to {_when(b)} (a file missing, or the collector stopped)"
        for a, b in gaps[:shown]
    ]
    if len(gaps) > shown:
        notes.append(f"... and {len(gaps) - shown} more pauses between polls")
    return notes
