"""Layer 3: `show process load`, a `top -b` batch snapshot (or several, with `cont`).

Sample input (old and new `top` generations are both read; fields are found by their labels)::

    top - 09:14:02 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40
    Tasks: 318 total,   1 running, 314 sleeping,   0 stopped,   3 zombie
    Cpu(s):  4.1%us,  1.9%sy,  0.0%ni, 93.6%id,  0.2%wa,  0.0%hi,  0.2%si,  0.0%st
    Mem:   8062276k total,  7411032k used,   651244k free,   190112k buffers
    Swap:  2064376k total,   102400k used,  1961976k free,  2931544k cached
      PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND
     7313 ccmservi  20   0 1204m 411m  14m S  6.3  5.2 190:11.07 amc
    22908 ccmservi  20   0     0    0    0 Z  0.0  0.0   0:00.00 sh

`parse_load(lines, file="load.txt")` returns a `LoadCapture` with one `LoadSnapshot` whose
`summary.zombie == 3`, `summary.mem["cached"] == 2931544` and whose `processes` frame (columns of
`ucnb.model.LOAD_COLUMNS`) holds two rows, the second with `zombie == True`.

Notes:
- Each `top -` line starts a snapshot; so does a summary line (`Tasks:`, `Cpu(s):`, `Mem:`...) that
  comes after a table or repeats a label already seen, and a table header with no snapshot open.
- Memory is converted to KiB (`k`/`m`/`g`/`t` suffixes, `KiB`/`MiB`/`GiB Mem` lines). `cached` and
  `avail` go to `summary.mem` even though top prints them on the Swap line.
- Per-CPU lines (`%Cpu0  : ...`, top's `1` toggle) land in `summary.cpu` as `cpu0.us`, `cpu0.sy`...
- `user_truncated`: the name ends in `+`; or it fills the 8-character column and this snapshot's
  top does not mark truncation with `+` (no user in it ends in `+`), so it may have been cut.
- The table is read column by column from its header; COMMAND keeps its spaces when it is last.
  A row whose field count or typed values do not fit is reported in `unparsed`, never guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from ucnb.model import (
    LOAD_COLUMNS,
    Columns,
    LineSources,
    LoadCapture,
    LoadSnapshot,
    LoadSummary,
    Unparsed,
    rows,
    values,
)

__all__ = ["parse_load"]

# ---------------------------------------------------------------------------------------------
# summary lines

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
_UNIT_POWER = {"k": 0, "m": 1, "g": 2, "t": 3, "p": 4, "e": 5}
_MEM_ONLY_KEYS = {"cached", "avail", "buff/cache", "buffers", "shared"}  # never about swap

# first characters of anything that is not a process row when the table starts with PID
_NON_ROW_INITIALS = frozenset("tTCMSKGPE%")

# ---------------------------------------------------------------------------------------------
# the process table

# header name -> internal key; the other columns top can show are kept as untyped fields
# (old top: PRI NI SIZE RSS SHARE STAT [LIB] %CPU %MEM TIME COMMAND)
_HEADER_KEYS = {"PID": "pid", "USER": "user", "PR": "pr", "PRI": "pr", "NI": "ni", "VIRT": "virt",
                "SIZE": "virt", "RES": "res", "RSS": "res", "SHR": "shr", "SHARE": "shr", "S": "state",
                "STAT": "state", "%CPU": "cpu", "%MEM": "mem", "TIME+": "time", "TIME": "time",
                "COMMAND": "command"}
_KNOWN_TOP_COLUMNS = frozenset(_HEADER_KEYS) | frozenset(
    ["PPID", "RUSER", "UID", "GROUP", "TTY", "P", "SWAP", "CODE", "DATA", "NFLT", "NDRT", "WCHAN",
     "FLAGS", "NTH", "NMAJ", "NMIN", "USED", "SUID", "SUSER", "SID", "PGRP", "TPGID", "ENVIRON", "LIB"])
# names only `ps` prints: such a header is a process listing, not a top table...
_PS_ONLY_COLUMNS = frozenset(["VSZ", "RSS", "STAT", "START", "STIME", "CMD", "C", "F", "ADDR", "SZ", "PRI",
                              "ARGS", "LSTART", "ELAPSED"])
# ...unless it also has a name only top prints (old top shares PRI, RSS and STAT with ps)
_TOP_ONLY_COLUMNS = frozenset(["SHARE", "SHR", "VIRT", "RES", "TIME+", "PR", "LIB"])
# what may follow the state letter in a multi-letter STAT (old top `SW<`, `R N`: printed with a space)
_STAT_MORE_RE = re.compile(r"[WNLsl<+]{1,4}")
_STATE_RE = re.compile(r"[A-Za-z][WNLsl<+]{0,4}")
_WORD_RE = re.compile(r"\S+")

_INT64_LIMIT = 2**63
_BAD = object()  # a value that does not fit its column
_MISSING = object()
_TIME_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_NEXT_UNIT = {"w": "d", "d": "h", "h": "m", "m": "s"}
_TIME_PARTS_RE = re.compile(r"(\d{1,15}(?:\.\d{1,15})?)([wdhms])")
_FLOAT_CHARS_RE = re.compile(r"[0-9.]*")
_MINUTES_SECONDS_RE = re.compile(r"(?:[0-9]+:[0-5][0-9]\.[0-9][0-9]\n)*[0-9]+:[0-5][0-9]\.[0-9][0-9]")
_MEM_VALUE_RE = re.compile(r"(\d+(?:\.\d+)?)([kmgtpeKMGTPE])")


@dataclass
class _Header:
    names: list[str]  # as printed
    index: dict[str, int]  # internal key -> field position
    command_last: bool
    line: int  # index in lines
    stat: bool = False  # a multi-letter STAT column: `R N` may print a space inside the state

    @property
    def leading(self) -> int | None:
        """Fields to read of a row whose field count differs from the header: those up to COMMAND
        when PID, state and COMMAND come first and COMMAND is not last (wide `top -w` fields after
        it may hold spaces); None when such a row cannot be read."""
        command = self.index.get("command")
        first = max(self.index.get(key, 0) for key in ("pid", "state"))
        if self.command_last or command is None or first > command:
            return None
        return command + 1


@dataclass
class _Snapshot:
    first: int
    last: int
    summary: LoadSummary
    seen: set[str] = field(default_factory=set)  # summary labels seen: top, count, cpu, mem, swap
    header: _Header | None = None
    rows: list[list[str]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)
    partial: list[int] = field(default_factory=list)  # rows read only up to COMMAND (see _Header.leading)


def parse_load(lines: Sequence[str], *, file: str = "<text>", first_line: int = 1) -> LoadCapture:
    """Parse one `show process load` output (one or more `top -b` snapshots).

    Sample input::

        top - 22:51:40 up 12 days, 22:03,  1 user,  load average: 1.10, 0.93, 0.88
        Tasks: 297 total,   2 running, 295 sleeping,   0 stopped,   0 zombie
        %Cpu(s):  2.7 us,  1.0 sy,  0.3 ni, 95.7 id,  0.2 wa,  0.0 hi,  0.1 si,  0.0 st
        KiB Mem :  8009116 total,   312448 free,  5066440 used,  2630228 buff/cache
        KiB Swap:  4095996 total,  3900112 free,   195884 used.  2190340 avail Mem
          PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND
        19822 ccmserv+  20   0 1033236 210004  21880 S   5.9  2.6 812:40.19 RisDC

    Line `i` of `lines` is line `first_line + i` of `file`; every row's `source` is `file:line`.
    Never raises: odd lines go to `result.unparsed`, doubts to `result.warnings`.
    """
    result = LoadCapture()
    current: _Snapshot | None = None

    def unparsed(idx: int, reason: str) -> None:
        result.unparsed.append(Unparsed(f"{file}:{first_line + idx}", lines[idx], reason))

    def close() -> None:
        if current is not None:
            result.snapshots.append(_finish(current, lines, file, first_line, result))

    idx = -1
    while idx + 1 < len(lines):
        idx += 1
        header = current.header if current is not None else None
        if header is not None:
            assert current is not None
            idx = _read_rows(lines, idx, current)  # the fast path: rows of the open table
            if idx >= len(lines):
                break
        raw = lines[idx]
        line = raw.strip()
        if not line:
            continue
        kind = _line_kind(line)
        if kind is None:
            if header is not None:
                assert current is not None
                current.last = idx
                parts = _split_row(line, header)
                width = len(header.names)
                leading = header.leading
                if len(parts) != width and leading is not None and len(parts) >= leading:
                    current.partial.append(len(current.rows))  # wide top: read up to COMMAND
                    parts = parts[:leading] + [""] * (width - leading)
                if len(parts) == width:
                    current.rows.append(parts)
                    current.row_lines.append(idx)
                else:
                    unparsed(idx, f"row with {len(line.split())} fields, expected {len(header.names)} "
                                  f"({' '.join(header.names)})")
            elif current is not None:
                current.last = idx
                unparsed(idx, "neither a top summary line nor a table header (no table started yet)")
            else:
                unparsed(idx, "not part of a top snapshot (no `top -` line or summary before it)")
            continue

        if kind == "header":
            if current is None or current.rows:
                close()
                current = _Snapshot(idx, idx, LoadSummary(source=f"{file}:{first_line + idx}"))
            names = line.split()
            index = {}
            for pos, name in enumerate(names):
                key = _HEADER_KEYS.get(name.upper())
                if key is not None and key not in index:
                    index[key] = pos
            stat = "state" in index and names[index["state"]].upper() == "STAT"
            current.header = _Header(names, index, names[-1].upper() == "COMMAND", idx, stat)
            current.last = idx
            result.recognised.append(first_line + idx)
            continue

        # a summary line
        if current is None or kind == "top" or kind in current.seen or current.header is not None:
            close()
            current = _Snapshot(idx, idx, LoadSummary(source=f"{file}:{first_line + idx}"))
        current.seen.add(kind)
        current.last = idx
        wrapped = kind != "top" and _wrapped_tail(line, lines, idx)
        if wrapped:  # the label of the last figure is alone on the next line: read them as one
            line = f"{line} {lines[idx + 1].strip()}"
        reason = _read_summary(kind, line, current.summary)
        if reason:
            unparsed(idx, reason)
        else:
            result.recognised.append(first_line + idx)
        if wrapped:
            idx += 1
            current.last = idx
            result.recognised.append(first_line + idx)
    close()
    # rows rejected for their values are found after their snapshot: put everything in line order
    result.unparsed.sort(key=lambda item: int(item.source.rsplit(":", 1)[1]))
    return result


def _read_rows(lines: Sequence[str], start: int, snap: _Snapshot) -> int:
    """Append the rows of the open table from `start` on; return the index of the first other line."""
    header = snap.header
    assert header is not None
    width = len(header.names)
    maxsplit = width - 1 if header.command_last else -1
    add_row = snap.rows.append
    add_line = snap.row_lines.append
    not_row = _NON_ROW_INITIALS
    last = snap.last
    stat = header.stat
    for idx in range(start, len(lines)):
        parts = _split_row(lines[idx], header) if stat else lines[idx].rstrip().split(None, maxsplit)
        if not parts:
            continue
        if len(parts) != width or parts[0][0] in not_row:
            snap.last = last
            return idx
        add_row(parts)
        add_line(idx)
        last = idx
    snap.last = last
    return len(lines)


def _split_row(text: str, header: _Header) -> list[str]:
    """The fields of one row; a STAT printed with a space (`R N`, `S <`) is one field ("RN", "S<").

    >>> names = "PID USER PRI NI SIZE RSS SHARE STAT %CPU %MEM TIME COMMAND".split()
    >>> _split_row("1712 nobody 15 0 192 192 44 R N 99.9 0.0 9:12 bonnie++ -s 100",
    ...            _Header(names, {"state": 7}, True, 0, True))
    ['1712', 'nobody', '15', '0', '192', '192', '44', 'RN', '99.9', '0.0', '9:12', 'bonnie++ -s 100']
    """
    width = len(header.names)
    if not header.stat:
        return text.split(None, width - 1) if header.command_last else text.split()
    spans = [match.span() for match in _WORD_RE.finditer(text)]
    state = header.index["state"]
    if state + 1 < len(spans) and _STAT_MORE_RE.fullmatch(text, *spans[state + 1]):
        spans[state:state + 2] = [(spans[state][0], spans[state + 1][1])]
    parts = [text[a:b].replace(" ", "") for a, b in spans]
    if header.command_last and len(spans) > width:
        parts[width - 1:] = [text[spans[width - 1][0]:spans[-1][1]]]
    return parts


def _wrapped_tail(line: str, lines: Sequence[str], idx: int) -> bool:
    """True when `line` ends with a figure whose label was wrapped onto the next line (`5292K` / `buff`)."""
    if idx + 1 >= len(lines) or not line[-1:].isalnum() or line[-1:].isalpha() and not line[-2:-1].isdigit():
        return False
    return bool(_WRAPPED_LABEL_RE.fullmatch(lines[idx + 1].strip()))


def _line_kind(line: str) -> str | None:
    """What a stripped, non-blank line is: top, tasks, threads, cpu, mem, swap, header, or None (a row?)."""
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
    if "PID" in line and looks_like_top_header(line):
        return "header"
    return None


def looks_like_top_header(line: str) -> bool:
    """True for the process table header of any `top` generation (not a `ps` listing header).

    >>> looks_like_top_header("  PID USER     PRI  NI  SIZE  RSS SHARE STAT %CPU %MEM   TIME COMMAND")
    True
    >>> looks_like_top_header("  F   UID   PID  PPID PRI  NI   VSZ  RSS WCHAN  STAT TTY        TIME COMMAND")
    False
    """
    names = line.split()
    if "PID" not in names:
        return False
    upper = {name.upper() for name in names}
    return len(upper & _KNOWN_TOP_COLUMNS) >= 3 and (
        not _PS_ONLY_COLUMNS.intersection(upper) or bool(_TOP_ONLY_COLUMNS.intersection(upper)))


def looks_like_load_output(line: str) -> bool:
    """True for a line of `top` output that no process listing prints: the `top -` line (or the old
    generation's uptime line), `Tasks:`/`Threads:`/`NN processes:`, or a top table header. For the
    capture layer's detection by content (ucnb.parsers.commands).

    >>> looks_like_load_output("48 processes: 42 sleeping, 5 running, 1 zombie, 0 stopped")
    True
    >>> looks_like_load_output("  7:19pm  up  2:11,  6 users,  load average: 8.58, 9.34, 7.34")
    True
    >>> looks_like_load_output("  PID USER     PRI  NI  SIZE  RSS SHARE STAT %CPU %MEM   TIME COMMAND")
    True
    >>> looks_like_load_output(" 10:29:46 up 41 days,  3:07,  1 user,  load average: 0.15, 0.21, 0.18")
    False
    """
    text = line.strip()
    return bool(text) and _line_kind(text) in ("top", "tasks", "threads", "header")


def _read_summary(kind: str, line: str, summary: LoadSummary) -> str | None:
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
            summary.cpu[prefix + _CPU_LONG_NAMES.get(label, label)] = float(number.replace(",", "."))
        if not found:
            return "Cpu line without percentages"
        return _unread("Cpu", _CPU_LABEL_RE, match.group(2), found)
    match = _MEM_RE.match(line)
    assert match is not None
    unit, label, rest = match.groups()
    line_power = _UNIT_POWER[unit.lower()] if unit else 0
    found = _MEM_FIELD_RE.findall(rest)
    for number, suffix, label_read in found:
        key = _MEM_ALIASES.get(label_read, label_read)
        power = _UNIT_POWER[suffix.lower()] if suffix else line_power
        kib = round(float(number.replace(",", ".")) * 1024**power)
        target = summary.mem if (label == "Mem" or key in _MEM_ONLY_KEYS) else summary.swap
        target[key] = kib
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


def _uptime_seconds(text: str) -> int | None:
    """'41 days,  3:07' -> 3_553_620; '12 min' -> 720; '1 day, 10 min' -> 87_000; else None."""
    match = _UPTIME_RE.fullmatch(text)
    if not match or not text:
        return None
    days, hours, minutes, only_minutes = match.groups()
    seconds = int(days or 0) * 86400
    if hours is not None:
        seconds += int(hours) * 3600 + int(minutes) * 60
    elif only_minutes is not None:
        seconds += int(only_minutes) * 60
    return seconds


# ---------------------------------------------------------------------------------------------
# building the typed frame


def _finish(snap: _Snapshot, lines: Sequence[str], file: str, first_line: int,
            result: LoadCapture) -> LoadSnapshot:
    summary = snap.summary
    source = f"{file}:{first_line + snap.first}-{first_line + snap.last}"
    if snap.header is None or not snap.rows:
        table = Columns(LOAD_COLUMNS, {}, 0)
    else:
        table = _columns(snap, lines, file, first_line, result)
    snapshot = LoadSnapshot(summary=summary, processes=table, source=source)
    _warn(snapshot, snap.header is not None, result)
    return snapshot


def _convert(column: Sequence[str], convert: Callable[[str], Any],
             fast: Callable[[Sequence[str]], Any] | None = None) -> tuple[Any, list[int]]:
    """Convert one column of strings; return (values, indexes of values that do not fit).

    `fast` converts the whole column at once and returns None when it cannot; otherwise
    each distinct value goes once through `convert`, which returns a number, None (NA) or _BAD.
    """
    if fast is not None:
        values = fast(column)
        if values is not None:
            return values, []
    memo: dict[str, Any] = {}
    out: list[Any] = []
    append = out.append
    for value in column:
        converted = memo.get(value, _MISSING)
        if converted is _MISSING:
            converted = memo[value] = convert(value)
        append(converted)
    bad = [i for i, value in enumerate(out) if value is _BAD] if _BAD in memo.values() else []
    return out, bad


def _fast_int(column: Sequence[str]) -> list[int] | None:
    joined = "".join(column)
    if not (joined.isascii() and joined.isdigit()):
        return None
    try:
        values = list(map(int, column))
    except ValueError:  # beyond Python's digit limit for int(): let the per-value path report it
        return None
    return values if max(values, default=0) < _INT64_LIMIT else None


def _fast_float(column: Sequence[str]) -> list[float] | None:
    if not _FLOAT_CHARS_RE.fullmatch("".join(column)):
        return None
    try:
        values = list(map(float, column))
    except ValueError:
        return None
    return values if all(map(math.isfinite, values)) else None


def _int(value: str) -> Any:
    body = value[1:] if value[:1] in "+-" else value
    if len(body) <= 18 and body.isascii() and body.isdigit():
        number = int(value)
        if -_INT64_LIMIT < number < _INT64_LIMIT:
            return number
    return _BAD


def _nice(value: str) -> Any:
    return None if value == "-" else _int(value)


def _priority(value: str) -> Any:
    return None if value.lower() == "rt" else _int(value)


def _float(value: str) -> Any:
    text = value.replace(",", ".", 1)
    if len(text) <= 30 and _FLOAT_CHARS_RE.fullmatch(text) and text.count(".") <= 1 and text.strip("."):
        return float(text)
    return _BAD


def _kib(value: str) -> Any:
    """'411m' -> 420864, '1.2g' -> 1258291, '14020' -> 14020."""
    if len(value) > 30:
        return _BAD
    if value.isascii() and value.isdigit():
        number = int(value)
        return number if number < _INT64_LIMIT else _BAD
    match = _MEM_VALUE_RE.fullmatch(value.replace(",", ".", 1))
    if not match:
        return _BAD
    number = round(float(match.group(1)) * 1024 ** _UNIT_POWER[match.group(2).lower()])
    return number if number < _INT64_LIMIT else _BAD


def _seconds(value: str) -> Any:
    """TIME+ in seconds: 'M:SS.hh', 'MMMM:SS', 'H:MM:SS', 'D-HH:MM:SS', 'H,MM', '12h', '3d4h', '2w'."""
    if len(value) > 30 or not value.isascii():
        return _BAD
    if ":" in value:
        days = 0
        if "-" in value:
            day_text, _, value = value.partition("-")
            if not day_text.isdigit():
                return _BAD
            days = int(day_text)
        fields = value.split(":")
        if len(fields) > 3 or not all(f.isdigit() for f in fields[:-1]):
            return _BAD
        last = fields[-1]
        whole, _, hundredths = last.partition(".")
        if not whole.isdigit() or (hundredths and not hundredths.isdigit()) or (_ and not hundredths):
            return _BAD
        seconds = float(last)
        for position, text in enumerate(reversed(fields[:-1])):
            seconds += int(text) * 60 ** (position + 1)
        return seconds + days * 86400
    if "," in value:  # top's "hours,minutes"
        hours, _, minutes = value.partition(",")
        if hours.isdigit() and minutes.isdigit():
            return int(hours) * 3600.0 + int(minutes) * 60.0
        return _BAD
    seconds = 0.0
    position = 0
    last_unit = None
    for match in _TIME_PARTS_RE.finditer(value):
        if match.start() != position:
            return _BAD
        seconds += float(match.group(1)) * _TIME_UNITS[match.group(2)]
        position = match.end()
        last_unit = match.group(2)
    if last_unit is None:
        return _BAD
    rest = value[position:]
    if rest:  # "12h34": a bare number after a unit counts in the next smaller unit
        next_unit = _NEXT_UNIT.get(last_unit)
        if next_unit is None or not rest.isdigit():
            return _BAD
        seconds += int(rest) * _TIME_UNITS[next_unit]
    return seconds


def _fast_seconds(column: Sequence[str]) -> list[float] | None:
    """The common 'M:SS.hh' form for a whole column at once, or None."""
    if not _MINUTES_SECONDS_RE.fullmatch("\n".join(column)):
        return None
    try:
        return [int(v[:-6]) * 60 + float(v[-5:]) for v in column]
    except (OverflowError, ValueError):  # absurd digit runs: let the per-value path report them
        return None


def _state(value: str) -> Any:
    return value if len(value) == 1 and value.isalpha() or _STATE_RE.fullmatch(value) else _BAD


_COLUMN_RULES: dict[str, tuple[Callable[[str], Any], Any, str]] = {
    # key: (per-value converter, whole-column fast path, what it should be)
    "pid": (_int, _fast_int, "not a process id"),
    "pr": (_priority, _fast_int, "not a priority (a number or rt)"),
    "ni": (_nice, _fast_int, "not a nice value"),
    "virt": (_kib, _fast_int, "not a memory size"),
    "res": (_kib, _fast_int, "not a memory size"),
    "shr": (_kib, _fast_int, "not a memory size"),
    "cpu": (_float, _fast_float, "not a percentage"),
    "mem": (_float, _fast_float, "not a percentage"),
    "time": (_seconds, _fast_seconds, "not a CPU time"),
    "state": (_state, None, "not a process state"),
}


_DECISIVE = frozenset(["pid", "state"])
_FLOAT_KEYS = frozenset(["cpu", "mem", "time"])


def _kept(values: Sequence[Any], keep: list[bool] | None) -> Sequence[Any]:
    """The values of the rows kept (all rows when `keep` is None)."""
    return values if keep is None else list(compress(values, keep))


def _columns(snap: _Snapshot, lines: Sequence[str], file: str, first_line: int,
             result: LoadCapture) -> Columns:
    """The rows of one snapshot as typed LOAD_COLUMNS (the DataFrame is built on first use)."""
    header = snap.header
    assert header is not None
    columns = list(zip(*snap.rows, strict=True))
    count = len(snap.rows)
    converted: dict[str, Any] = {}
    bad_reason: dict[int, str] = {}
    lenient: dict[str, list[int]] = {}  # other columns: rows whose value is left NA
    for key, (convert, fast, meaning) in _COLUMN_RULES.items():
        position = header.index.get(key)
        if position is None:
            continue
        column = columns[position]
        values, bad = _convert(column, convert, fast)
        if key in _DECISIVE:  # only PID and state (and COMMAND, there when the row is) decide a row
            for row in bad:
                bad_reason.setdefault(row, f"{header.names[position]} {column[row]!r} is {meaning}")
        elif bad:
            values = list(values)
            na = math.nan if key in _FLOAT_KEYS else None
            for row in bad:
                values[row] = na
            lenient[key] = bad
        converted[key] = values

    keep = None
    if bad_reason:
        keep = [True] * count
        for row in sorted(bad_reason):
            keep[row] = False
            idx = snap.row_lines[row]
            result.unparsed.append(Unparsed(f"{file}:{first_line + idx}", lines[idx], bad_reason[row]))
    kept_rows = count if keep is None else sum(keep)
    _note_na(snap, lenient, bad_reason, lines, file, first_line, result)

    def strings(key: str) -> list[Any]:
        position = header.index.get(key)
        if position is None:
            return [None] * kept_rows
        return list(_kept(columns[position], keep))

    def numbers(key: str) -> Sequence[Any] | None:
        """Int64 columns: None (all <NA>), or ints and None (pr of rt rows, ni "-")."""
        return _kept(converted[key], keep) if key in converted else None

    def floats(key: str) -> Sequence[float]:
        return _kept(converted[key], keep) if key in converted else [math.nan] * kept_rows

    users = strings("user")
    states = strings("state")
    commands = strings("command")
    raw_pr = strings("pr")
    row_lines = _kept(snap.row_lines, keep)
    marks_truncation = any(u is not None and u[-1] == "+" for u in users)
    data = {
        "pid": numbers("pid"),
        "user": users,
        "user_truncated": [u is not None and (u[-1] == "+" or (len(u) == 8 and not marks_truncation))
                           for u in users],
        "pr": numbers("pr"),
        "rt": [p is not None and len(p) == 2 and p.lower() == "rt" for p in raw_pr],
        "ni": numbers("ni"),
        "virt_kib": numbers("virt"),
        "res_kib": numbers("res"),
        "shr_kib": numbers("shr"),
        "state": states,
        "cpu_pct": floats("cpu"),
        "mem_pct": floats("mem"),
        "time_s": floats("time"),
        "command": commands,
        "zombie": [s is not None and s[:1] == "Z" for s in states],
        "source": LineSources(file, [first_line + i for i in row_lines]),
    }
    return Columns(LOAD_COLUMNS, data, kept_rows)


def _note_na(snap: _Snapshot, lenient: dict[str, list[int]], dropped: dict[int, str], lines: Sequence[str],
             file: str, first_line: int, result: LoadCapture) -> None:
    """One warning per column whose odd values were left NA, and one for rows read up to COMMAND."""
    header = snap.header
    assert header is not None

    def where(rows: list[int]) -> str:
        shown = ", ".join(f"{file}:{first_line + snap.row_lines[row]}" for row in rows[:3])
        return shown + (f" and {len(rows) - 3} more" if len(rows) > 3 else "")

    partial = set(snap.partial)
    for key, bad in lenient.items():
        position = header.index[key]
        rows = [row for row in bad
                if row not in dropped and not (row in partial and snap.rows[row][position] == "")]
        if rows:
            odd = ", ".join(repr(v if len(v) <= 20 else v[:17] + "...")
                            for v in dict.fromkeys(snap.rows[row][position] for row in rows[:3]))
            result.warnings.append(f"{header.names[position]} left NA on {len(rows)} row(s) ({odd}: "
                                   f"{_COLUMN_RULES[key][2]}): {where(rows)}")
    rows = [row for row in snap.partial if row not in dropped]
    if rows:
        result.warnings.append(
            f"{len(rows)} row(s) do not have the {len(header.names)} fields of the header: read up to "
            f"COMMAND, the columns after it left NA: {where(rows)}")


def _warn(snapshot: LoadSnapshot, has_table: bool, result: LoadCapture) -> None:
    summary = snapshot.summary
    where = f"snapshot {snapshot.source}"
    if summary.time:
        where = f"snapshot at {summary.time} ({snapshot.source})"
    kind = summary.count_kind
    if summary.uptime is not None and summary.uptime_s is None:
        result.warnings.append(f"{where}: uptime {summary.uptime!r} not understood")
    if summary.zombie is None and (summary.time is not None or summary.cpu or summary.mem):
        result.warnings.append(f"{where} has no readable zombie count (no Tasks:/Threads: line, or its "
                               "zombie field is not a number): its zombie count is unknown")
    if not has_table:
        return
    shown = rows(snapshot, "processes")
    shown_zombies = sum(1 for zombie in values(snapshot, "processes", "zombie") if zombie)
    if summary.total is not None and shown < summary.total:
        one = "a thread" if kind == "threads" else "a process"
        text = (f"{where} shows {shown} of {summary.total} {kind}: {one} absent from it may still be "
                f"running (`show process load num all` lists every one)")
        if summary.zombie and shown_zombies < summary.zombie:
            text += (f"; {summary.zombie} zombie(s) counted but {shown_zombies} in the table: "
                     f"find them with `show process list detail`")
        result.warnings.append(text)
    elif summary.zombie is not None and shown_zombies != summary.zombie:
        result.warnings.append(f"{where} counts {summary.zombie} zombie(s) but its table shows "
                               f"{shown_zombies} row(s) in state Z")
