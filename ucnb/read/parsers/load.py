"""`show process load`, a `top -b` batch snapshot (or several, with `cont`).

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
`ucnb.model.columns.LOAD_COLUMNS`) holds two rows, the second with `zombie == True`.

Notes:
- Each `top -` line starts a snapshot; so does a summary line (`Tasks:`, `Cpu(s):`, `Mem:`...) that
  comes after a table or repeats a label already seen, and a table header with no snapshot open.
- Memory is converted to KiB (`k`/`m`/`g`/`t` suffixes, `KiB`/`MiB`/`GiB Mem` lines). `cached` and
  `avail` go to `summary.mem` even though top prints them on the Swap line.
- Per-CPU lines (`%Cpu0  : ...`, top's `1` toggle) land in `summary.cpu` as `cpu0.us`, `cpu0.sy`...
- `user_truncated`: the name ends in `+`; or it fills the 8-character column and this snapshot's
  top does not mark truncation with `+` (no user in it ends in `+`), so it may have been cut.
- The table is read column by column from its header; COMMAND keeps its spaces when it is last.
  Old top's table (`PID USER PRI NI SIZE RSS SHARE STAT [LIB] %CPU %MEM TIME COMMAND`, STAT `SW<`
  or `R N` with a space) is a top table too; its summary lines are read by ucnb.read.parsers.top_summary.
- Only PID, state and COMMAND decide a row: a row without them in place is reported in `unparsed`,
  never guessed; any other value that does not have its column's form (`-`, `?`, `1.1x`) is NA,
  with a warning naming the lines. A wide row (`top -w` fields after COMMAND holding spaces) is
  read up to COMMAND.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from ucnb.model.columns import LOAD_COLUMNS, Columns, LineSources, rows, values
from ucnb.model.results import LoadCapture, LoadSnapshot, LoadSummary, Unparsed
from ucnb.read.parsers.top_summary import read_summary, summary_kind, wrapped_tail
from ucnb.read.parsers.top_values import COLUMN_RULES, convert_column
from ucnb.text import plural

__all__ = ["parse_load"]

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
_WORD_RE = re.compile(r"\S+")



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
                if not _add_row(current, header, line, idx):
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
            current.header = _header(line, idx)
            current.last = idx
            result.recognised.append(first_line + idx)
            continue

        # a summary line
        if current is None or kind == "top" or kind in current.seen or current.header is not None:
            close()
            current = _Snapshot(idx, idx, LoadSummary(source=f"{file}:{first_line + idx}"))
        current.seen.add(kind)
        current.last = idx
        wrapped = kind != "top" and wrapped_tail(line, lines, idx)
        if wrapped:  # the label of the last figure is alone on the next line: read them as one
            line = f"{line} {lines[idx + 1].strip()}"
        reason = read_summary(kind, line, current.summary)
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


def _header(line: str, idx: int) -> _Header:
    names = line.split()
    index: dict[str, int] = {}
    for pos, name in enumerate(names):
        key = _HEADER_KEYS.get(name.upper())
        if key is not None and key not in index:
            index[key] = pos
    stat = "state" in index and names[index["state"]].upper() == "STAT"
    return _Header(names, index, names[-1].upper() == "COMMAND", idx, stat)


def _add_row(snap: _Snapshot, header: _Header, line: str, idx: int) -> bool:
    """Add one row met outside the fast path (see _read_rows); False when its fields do not fit."""
    parts = _split_row(line, header)
    width = len(header.names)
    leading = header.leading
    if len(parts) != width and leading is not None and len(parts) >= leading:
        snap.partial.append(len(snap.rows))  # wide top: read up to COMMAND
        parts = parts[:leading] + [""] * (width - leading)
    if len(parts) != width:
        return False
    snap.rows.append(parts)
    snap.row_lines.append(idx)
    return True


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




def _line_kind(line: str) -> str | None:
    """What a stripped, non-blank line is: a summary kind (see summary_kind), header, or None (a row?)."""
    kind = summary_kind(line)
    if kind is None and "PID" in line and looks_like_top_header(line):
        return "header"
    return kind


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
    capture layer's detection by content (ucnb.read.parsers.commands).

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
    for key, (convert, fast, meaning) in COLUMN_RULES.items():
        position = header.index.get(key)
        if position is None:
            continue
        column = columns[position]
        values, bad = convert_column(column, convert, fast)
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
            result.warnings.append(f"{header.names[position]} left NA on {plural(len(rows), 'row')} ({odd}: "
                                   f"{COLUMN_RULES[key][2]}): {where(rows)}")
    rows = [row for row in snap.partial if row not in dropped]
    if rows:
        result.warnings.append(
            f"{plural(len(rows), 'row')} {'does' if len(rows) == 1 else 'do'} not have the "
            f"{len(header.names)} fields of the header: read up to "
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
            text += (f"; {plural(summary.zombie, 'zombie')} counted but {shown_zombies} in the table: "
                     f"find them with `show process list detail`")
        result.warnings.append(text)
    elif summary.zombie is not None and shown_zombies != summary.zombie:
        result.warnings.append(f"{where} counts {plural(summary.zombie, 'zombie')} but its table shows "
                               f"{plural(shown_zombies, 'row')} in state Z")
