"""The summary lines of a `top` snapshot (ucnb.read.parsers.load), read by field label.

Every generation of top that UC servers and people's pastes show::

    top - 09:14:02 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40
    Tasks: 318 total,   1 running, 314 sleeping,   0 stopped,   3 zombie
    %Cpu(s):  2.7 us,  1.0 sy,  0.3 ni, 95.7 id,  0.2 wa,  0.0 hi,  0.1 si,  0.0 st
    KiB Mem :  8009116 total,   312448 free,  5066440 used,  2630228 buff/cache
    MiB Swap:   4000.0 total,   3808.7 free,    191.3 used.   2138.6 avail Mem
    Tasks: 413 total, 1 running, 309 sleep, 0 d-sleep, 0 stopped, 103 zombie      (procps-ng 4)
      7:19pm  up  2:11,  6 users,  load average: 8.58, 9.34, 7.34                  (procps 2)
    48 processes: 42 sleeping, 5 running, 1 zombie, 0 stopped
    CPU0 states:  0.1% user, 99.10% system,  0.0% nice,  0.0% idle
    Mem:  7721928K av, 7719308K used,    2620K free,       0K shrd,    3612K buff

`summary_kind(line)` says which line it is, `read_summary(kind, line, summary)` fills a
`ucnb.model.results.LoadSummary` (memory in KiB) and returns a reason when the line could not be read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from sys import intern

from ucnb.model.results import LoadSummary
from ucnb.read.parsers.top_values import UNIT_POWER

_TOP_RE = re.compile(r"top\s+-\s+")
_TOP_TIME_RE = re.compile(r"top\s+-\s+(\d{1,2}:\d{2}(?::\d{2})?)\b")
# old top (procps 2) has no "top -": `  7:19pm  up  2:11,  6 users,  load average: 8.58, 9.34, 7.34`;
# its 12-hour clock tells it from the `HH:MM:SS up` line of `show status` and `uptime`
_OLD_TOP_RE = re.compile(r"(\d{1,2}:\d{2}\s?[aApP][mM])\s+up\s.*\bload\s+averages?:")
_UP_RE = re.compile(r"\bup\s+")
_INT = r"(?<!\d)\d{1,15}(?!\d)"  # bounded, so absurd digit runs are not read at all
_FLOAT = r"(?<!\d)\d{1,15}(?:[.,]\d{1,15})?(?!\d)"
_USERS_RE = re.compile(rf"({_INT})\s+users?\b")
_LOAD_RE = re.compile(r"load\s+averages?:\s*(.*)$")
_NUMBER_RE = re.compile(_FLOAT)
_UPTIME_RE = re.compile(r"(?:(\d{1,6})\s+days?,?\s*)?(?:(\d{1,2}):(\d{2})|(\d{1,6})\s+min)?,?")

_COUNT_RE = re.compile(r"^(Tasks|Threads)\s*:\s*(.*)$")
# old top: `48 processes: 42 sleeping, 5 running, 1 zombie, 0 stopped` (the total comes first)
_PROCESSES_RE = re.compile(rf"^({_INT})\s+processes\s*:\s*(.*)$")
# procps-ng 4 splits sleeping into `309 sleep, 0 d-sleep`
_COUNT_FIELD_RE = re.compile(rf"({_INT})\s+(total|running|sleeping|d-sleep|sleep|stopped|zombie)\b")

_COUNT_LABEL_RE = re.compile(r"(?<![\w-])(total|running|sleeping|d-sleep|sleep|stopped|zombie)\b")

_CPU_RE = re.compile(r"^%?Cpu(\(s\)|\d+)\s*:\s*(.*)$")
_OLD_CPU_RE = re.compile(r"^CPU(\d*)\s+states\s*:\s*(.*)$")  # `CPU0 states:  0.1% user, 99.1% system`
_CPU_FIELD_RE = re.compile(rf"({_FLOAT})\s*%?\s*([a-z]+)\b")
_CPU_LONG_NAMES = {"user": "us", "system": "sy", "nice": "ni", "idle": "id", "iowait": "wa",
                   "irq": "hi", "softirq": "si", "steal": "st"}

_MEM_RE = re.compile(r"^(?:([KMGTPE])iB\s+)?(Mem|Swap)\s*:\s*(.*)$")
_MEM_FIELD_RE = re.compile(
    rf"({_FLOAT})([kKmMgGtTpPeE])?\s+(total|used|free|buffers|cached|buff/cache|avail|shared|av|shrd|buff)\b"
)
_MEM_LABEL_RE = re.compile(
    r"(?<![\w/])(total|used|free|buffers|cached|buff/cache|avail|shared|av|shrd|buff)\b")
_MEM_ALIASES = {"av": "total", "shrd": "shared", "buff": "buffers"}  # old top: `7721928K av, ... 0K shrd`
# a summary line cut by mail or a narrow terminal before its last label: `... 5292K` / `buff`
_WRAPPED_LABEL_RE = re.compile(r"(?:(?:buff/cache|buffers|buff|cached|avail|shared|shrd|used|free|total|"
                               r"zombie|stopped|running|sleeping|sleep|d-sleep)\b\s*(?:Mem)?[ ,.]*)+")
_CPU_LABEL_RE = re.compile(
    r"(?<![a-z])(us|sy|ni|id|wa|hi|si|st|user|system|nice|idle|iowait|irq|softirq|steal)\b")
_MEM_ONLY_KEYS = {"cached", "avail", "buff/cache", "buffers", "shared"}  # never about swap


def wrapped_tail(line: str, lines: Sequence[str], idx: int) -> bool:
    """True when `line` ends with a figure whose label was wrapped onto the next line (`5292K` / `buff`)."""
    if idx + 1 >= len(lines) or not line[-1:].isalnum() or line[-1:].isalpha() and not line[-2:-1].isdigit():
        return False
    return bool(_WRAPPED_LABEL_RE.fullmatch(lines[idx + 1].strip()))


def summary_kind(line: str) -> str | None:
    """The kind of a stripped, non-blank summary line: top, tasks, threads, cpu, cpu:N, mem, swap; else None.

    >>> summary_kind("48 processes: 42 sleeping, 5 running, 1 zombie, 0 stopped")
    'tasks'
    >>> summary_kind("CPU0 states:  0.1% user, 99.10% system,  0.0% nice,  0.0% idle")
    'cpu:0'
    """
    first = line[0]
    if first == "t" and _TOP_RE.match(line):
        return "top"
    if first == "T":
        match = _COUNT_RE.match(line)
        if match:
            return match.group(1).lower()
    if first in "%C":
        match = _CPU_RE.match(line) or _OLD_CPU_RE.match(line)
        if match:
            return "cpu" if match.group(1) in ("(s)", "") else "cpu:" + match.group(1)
    if first in "MSKGTPE":
        match = _MEM_RE.match(line)
        if match:
            return match.group(2).lower()
    if first.isdigit():
        if _PROCESSES_RE.match(line):
            return "tasks"
        if _OLD_TOP_RE.match(line):
            return "top"
    return None


def read_summary(kind: str, line: str, summary: LoadSummary) -> str | None:
    """Fill `summary` from one summary line; return a reason when nothing could be read."""
    if kind == "top":
        return _read_top_line(line, summary)
    if kind in ("tasks", "threads"):
        return _read_counts(kind, line, summary)
    if kind.startswith("cpu"):
        match = _CPU_RE.match(line) or _OLD_CPU_RE.match(line)
        assert match is not None
        prefix = "" if kind == "cpu" else f"cpu{match.group(1)}."
        found = _CPU_FIELD_RE.findall(match.group(2))
        for number, label in found:
            summary.cpu[intern(prefix + _CPU_LONG_NAMES.get(label, label))] = float(number.replace(",", "."))
        if not found:
            return "Cpu line without percentages"
        return _unread("Cpu", _CPU_LABEL_RE, match.group(2), found)
    match = _MEM_RE.match(line)
    assert match is not None
    unit, label, rest = match.groups()
    line_power = UNIT_POWER[unit.lower()] if unit else 0
    found = _MEM_FIELD_RE.findall(rest)
    for number, suffix, label_read in found:
        key = _MEM_ALIASES.get(label_read, label_read)
        power = UNIT_POWER[suffix.lower()] if suffix else line_power
        kib = round(float(number.replace(",", ".")) * 1024**power)
        target = summary.mem if (label == "Mem" or key in _MEM_ONLY_KEYS) else summary.swap
        target[intern(key)] = kib  # one key object for every snapshot's
    return _unread(label, _MEM_LABEL_RE, rest, [(n, key) for n, _, key in found]) if found else (
        f"{label} line without figures")


def _read_counts(kind: str, line: str, summary: LoadSummary) -> str | None:
    """`Tasks:`/`Threads:`/`NN processes:` counts. A Threads: line fills `threads`, and the counts
    too when the snapshot has no Tasks: line; `sleep` + `d-sleep` (procps-ng 4) is `sleeping`."""
    match = _COUNT_RE.match(line)
    if match:
        label, rest = match.groups()
        found = _COUNT_FIELD_RE.findall(rest)
    else:
        processes = _PROCESSES_RE.match(line)
        assert processes is not None
        label, rest = "processes", processes.group(2)
        found = [(processes.group(1), "total"), *_COUNT_FIELD_RE.findall(rest)]
    if not found:
        return f"{label} line without counts"
    counts = {key: int(number) for number, key in found}
    if kind == "threads":
        summary.threads = counts.get("total")
    if kind == "tasks" or summary.count_kind == "threads" or summary.total is None:
        summary.count_kind = kind
        if "sleeping" not in counts and ("sleep" in counts or "d-sleep" in counts):
            counts["sleeping"] = counts.get("sleep", 0) + counts.get("d-sleep", 0)
        for key in ("total", "running", "sleeping", "stopped", "zombie"):
            setattr(summary, key, counts.get(key))
    return _unread(label, _COUNT_LABEL_RE, rest, found)


def _unread(what: str, labels: re.Pattern[str], text: str, found: list[tuple[str, str]]) -> str | None:
    """A reason when a field label of the line has no readable number (`Tasks: abc total, ...`)."""
    read = {label for *_, label in found}
    missing = [label for label in labels.findall(text) if label not in read]
    if not missing:
        return None
    return f"{what} line partly read: no number for {', '.join(dict.fromkeys(missing))}"


def _read_top_line(line: str, summary: LoadSummary) -> str | None:
    time = _TOP_TIME_RE.match(line) or _OLD_TOP_RE.match(line)
    if time:
        summary.time = time.group(1)
    load = _LOAD_RE.search(line)
    head = line[: load.start()] if load else line
    if load:
        numbers = [float(n.replace(",", ".")) for n in _NUMBER_RE.findall(load.group(1))]
        if len(numbers) == 3:
            summary.load_average = (numbers[0], numbers[1], numbers[2])
    users = _USERS_RE.search(head)
    if users:
        summary.users = int(users.group(1))
        head = head[: users.start()]
    up = _UP_RE.search(head)
    if up:
        uptime = head[up.end():].strip().rstrip(",").strip()
        summary.uptime = uptime
        summary.uptime_s = _uptime_seconds(uptime)
    if summary.time is None and summary.load_average is None and summary.uptime is None:
        return "top line without time, uptime or load average"
    return None


MAX_UPTIME_DAYS = 36_500  # a century: a longer uptime is not read (datetimes end at year 1)


def _uptime_seconds(text: str) -> int | None:
    """'41 days,  3:07' -> 3_553_620; '12 min' -> 720; '1 day, 10 min' -> 87_000; else None."""
    match = _UPTIME_RE.fullmatch(text)
    if not match or not text:
        return None
    days, hours, minutes, only_minutes = match.groups()
    if days and (len(days) > 6 or int(days) > MAX_UPTIME_DAYS):  # no clock reading: "up 99999999999 days"
        return None
    seconds = int(days or 0) * 86400
    if hours is not None:
        seconds += int(hours) * 3600 + int(minutes) * 60
    elif only_minutes is not None:
        seconds += int(only_minutes) * 60
    return seconds
