"""Rows of a process listing under one header: split, checked column by column, typed, and
kept compact (see `parse_listing` in `ucnb.read.parsers.listing` for the formats and choices).

A listing is read in batches of `BATCH` rows: a batch's fields are Python strings only while it is
read; then its values are checked and typed, and, once a listing holds more than one batch, kept as
numpy and Arrow arrays (no Python object per row), so a 5-million-row listing fits in a few times
its size. Depths and joined wrapped lines are kept by line index, so a rejected row never shifts them.

    >>> layout = Layout("  PID  PPID STAT CMD", ["PID", "PPID", "STAT", "CMD"])
    >>> rows = Segment(layout)
    >>> rows.read_rows(["  PID  PPID STAT CMD", " 7313     1 Ssl  amc", "12345  7313 Z    [sh] <defunct>"], 1)
    3
    >>> table, rejected = rows.columns("ps.txt", 1)
    >>> table.values("comm"), table.values("zombie"), list(table.values("source"))
    (['amc', 'sh'], [False, True], ['ps.txt:2', 'ps.txt:3'])
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from ucnb.model.columns import LISTING_COLUMNS, Columns, LineSources
from ucnb.text import plural

if TYPE_CHECKING:
    from ucnb.model.columns import Ints

# Rows held as Python strings at most; a longer listing is sealed batch by batch into arrays (a
# 100k-row listing stays lists: `inspect` then needs neither numpy nor pyarrow).
BATCH = 131_072

# Which model column each header name fills (the first one found wins).
_FIELD_OF = {
    "PID": "pid",
    "PPID": "ppid",
    "UID": "user",
    "USER": "user",
    "EUSER": "user",
    "RUSER": "user",
    "S": "state",
    "STAT": "state",
    "STIME": "stime",
    "START": "stime",
    "TTY": "tty",
    "TT": "tty",
    "TIME": "time",
}

# Checked columns. Whole numbers (ASCII digits; the PID and PPID read must also be below 10**10):
_WHOLE = frozenset({"PID", "PPID", "PGID", "SID", "LWP", "SPID", "TID", "C", "F", "SZ", "VSZ", "RSS", "RSZ",
                    "NLWP", "PSR"})
_PID_DIGITS = 10
# Other forms, as regular expressions a value must match whole.
_STATE = r"[ADIRSTtWXZPK][<NLsl+W]*"  # W: old procps' "no resident pages" (SW, SWN, SW<); A: AIX active
_PATTERN_OF = {
    name: re.compile(pattern, re.ASCII)
    for name, pattern in {
        "TPGID": r"-?\d{1,10}",
        "PRI": r"[-+]?\d{1,18}",
        "NI": r"[-+]?\d{1,3}|-",
        "%CPU": r"\d{1,18}(?:\.\d+)?",
        "%MEM": r"\d{1,18}(?:\.\d+)?",
        "ADDR": r"-|[0-9a-fA-F]+",
        "S": _STATE,
        "STAT": _STATE,
    }.items()
}

# Checks of whole columns joined by spaces: what is left after deleting the allowed characters.
_NUMBER_CHARS = str.maketrans("", "", "0123456789 ")
# TIME ("03:10:11", "1-03:10:11", "190:11"): digits, ":", "-", "." with at least one ":".
_TIME_CHARS = str.maketrans("", "", "0123456789:-. ")
_NO_COLON = re.compile(r" [0-9.-]+ ")

_CHECKED = {*_WHOLE, *_PATTERN_OF, "TIME"}
# Only these decide whether a line is a row; an odd value elsewhere (`-`, `?`, a unit suffix) is NA.
_DECIDING = frozenset({"PID", "PPID", "S", "STAT"})
_ODD = re.compile(r"[-?*]|n/?a|[-+]?\d+(?:[.,]\d+)?(?:[kmgtp]i?b?|%)?", re.IGNORECASE | re.ASCII)

# A defunct row a person marked by hand after its name (`[sh] <defunct>   <-- this one`): still defunct.
_MARKED_DEFUNCT = re.compile(r"<defunct>\s+(?:<-|<=|\u2190|#|\*|\(|--|\^)")

# ps --forest drawing in front of a command: " |   |   \_ cmd" (4 characters a level).
_FOREST_MARK = re.compile(r"([ |]*)\\_ ")


def _is_whole(value: str, digits: int | None = None) -> bool:
    # below 10**digits: at most `digits` digits after leading zeros (int() refuses > 4300 digits)
    return value.isascii() and value.isdigit() and (digits is None or len(value.lstrip("0")) <= digits)


def _numbers(column: list[str]) -> list[int] | None:
    """The column as ints when every value is ASCII digits below 10**_PID_DIGITS, else None."""
    if " ".join(column).translate(_NUMBER_CHARS):  # one C pass over the column
        return None
    try:
        numbers = list(map(int, column))
    except ValueError:  # beyond Python's digit limit for int()
        return None
    if max(numbers, default=0) >= 10**_PID_DIGITS:
        return None
    return numbers


def _bad_values(name: str, column: list[str]) -> set[str]:
    """The values of a checked column that do not have the column's form (PID and PPID: see _numbers)."""
    if name in _WHOLE:
        joined = "".join(column)
        if joined.isascii() and joined.isdigit():
            return set()
        return {value for value in set(column) if not _is_whole(value)}
    if name == "TIME":
        joined = " ".join(column)
        if not joined.translate(_TIME_CHARS) and not _NO_COLON.search(f" {joined} "):
            return set()
        return {value for value in set(column) if value.translate(_TIME_CHARS) or ":" not in value}
    pattern = _PATTERN_OF[name]  # few distinct values in practice (states, %CPU...): check each once
    return {value for value in set(column) if not pattern.fullmatch(value)}


def _forest(line: str, command: str, command_pos: int) -> tuple[int, str]:
    """Depth and clean command of a row whose command may carry forest drawing or indentation."""
    token_start = len(line) - len(command)
    previous_end = len(line[:token_start].rstrip())
    start = min(max(command_pos, previous_end + 1), token_start)
    raw = line[start:]
    mark = _FOREST_MARK.match(raw)
    if mark and raw[mark.end() :].strip():
        # " \_ " is depth 1, " |   \_ " depth 2: "\_" sits at 1, 5, 9...; round to the nearest level.
        return 1 + (len(mark.group(1)) + 1) // 4, raw[mark.end() :].strip()
    return (token_start - start) // 2, command.strip()


def _comm(command: str) -> str:
    """Short name of a command: `/usr/local/cm/bin/amc -x` -> `amc`, `[sh] <defunct>` -> `sh`."""
    if command.startswith("["):
        end = command.find("]")
        if end > 1:
            return command[1:end]
        return command.split(None, 1)[0]
    word = command.split(None, 1)[0].rstrip(":") if command else ""
    word = word.rsplit("/", 1)[-1] or word
    return word[1:] if word.startswith("-") and len(word) > 1 else word


class Layout:
    """What one header says about the rows below it."""

    def __init__(self, line: str, names: list[str]) -> None:
        self.names = names
        self.ncols = len(names)
        self.command_pos = line.rfind(names[-1])  # the base of forest indentation
        self.index: dict[str, int] = {}
        for position, name in enumerate(names[:-1]):
            field = _FIELD_OF.get(name)
            if field:
                self.index.setdefault(field, position)
        self.pid = self.index["pid"]
        self.checked = [i for i, name in enumerate(names[:-1]) if name in _CHECKED]
        # where each column's name ends on the header line (None without one): a zombie's row that
        # leaves values blank is read by these (AIX)
        self.ends = [match.end() for match in re.finditer(r"\S+", line)] if line.strip() else None
        if self.ends is not None and len(self.ends) != self.ncols:
            self.ends = None

    def aligned_defunct(self, line: str, tail: str = "") -> list[str] | None:
        """The fields of a defunct row that leaves some values blank (AIX prints no UID, STIME or TTY
        for a zombie, and `ps -efl` no WCHAN; `tail`: its `<defunct>` on the next line), each value put
        under the header column it ends under, `-` in the blank ones; None for any other line.

        >>> layout = Layout("     UID     PID    PPID   C    STIME    TTY  TIME CMD",
        ...                 "UID PID PPID C STIME TTY TIME CMD".split())
        >>> layout.aligned_defunct("         2162876 4915308   0                  0:00 <defunct>")
        ['-', '2162876', '4915308', '0', '-', '-', '0:00', '<defunct>']
        """
        if self.ends is None or not (tail or line).rstrip().endswith("<defunct>"):
            return None
        tokens = [(found.group(), found.start(), found.end()) for found in re.finditer(r"\S+", line[:4096])]
        at = next((k for k, (value, start, _) in enumerate(tokens)
                   if start >= self.command_pos - 1 or value.startswith(("[", "<defunct>"))), len(tokens))
        command = " ".join([value for value, _, _ in tokens[at:]] + ([tail.strip()] if tail else []))
        ends, fields, column = self.ends[:-1], ["-"] * (self.ncols - 1), 0
        for value, _, end in tokens[:at]:
            if column >= len(ends):
                return None
            best = min(range(column, len(ends)), key=lambda k: abs(ends[k] - end))
            if abs(ends[best] - end) > 8:
                return None
            fields[best], column = value, best + 1
        ppid = self.index.get("ppid")
        if not command or not fields[self.pid].isdigit() or ppid is not None and not fields[ppid].isdigit():
            return None
        return [*fields, command]

    def why_not(self, line: str, after_row: bool) -> str:
        """The reason a line that is not a header nor a joined tail is not a row."""
        parts = line.split(None, self.ncols - 1)
        if len(parts) < self.ncols:
            reason = f"{len(parts)} fields, the header has {self.ncols} ({' '.join(self.names)})"
        else:
            reason = f"PID {parts[self.pid]!r} is not a process id (shifted or damaged row)"
        if after_row and not self.row_like(line):
            reason += "; not joined as a wrapped command tail: it does not start with a space"
        return reason

    def row_without_command(self, line: str) -> bool:
        """True when the line is a row whose command wrapped onto the next line (one field short)."""
        parts = line.split()
        return len(parts) == self.ncols - 1 and parts[self.pid].isdigit()

    def row_like(self, line: str) -> bool:
        """True when the line has a number where PID belongs: a damaged row, not a wrapped tail."""
        parts = line.split(None, self.pid + 1)
        return len(parts) > self.pid and parts[self.pid].isdigit()



class Segment:
    """The rows read under one header: the batch being read as one flat list of fields (fast to
    build and to slice), the batches before it already typed (`sealed`)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.fields: list[str] = []  # the rows not sealed yet, `layout.ncols` fields each
        self.lines = array("q")  # index in `lines` of every row read, sealed or not
        self.sealed = 0  # how many rows of `self.lines` are typed into `self.parts`
        self.parts: list[tuple[dict[str, Any], array]] = []  # (typed columns, line index of each row)
        self.rejected: list[tuple[int, str]] = []  # (line index, reason) of rows with a bad value
        self.depths: dict[int, int] = {}  # line index -> depth, for rows deeper than 0 only
        self.tails: dict[int, list[int]] = {}  # line index of a row -> wrapped lines joined to its command
        self.odd: dict[str, tuple[set[str], int]] = {}  # column -> odd values read as NA, and how many

    def read_rows(self, lines: Sequence[str], start: int) -> int:
        """Read the rows from `lines[start]` on; return the index of the first line that is not a row."""
        while (end := self._read_batch(lines, start)) - start == BATCH:
            self._seal()
            start = end
        return end

    def _read_batch(self, lines: Sequence[str], start: int) -> int:
        """The hot loop, for at most BATCH rows: one split and two cheap tests per row; the values are
        checked later, per column."""
        fields, depths = self.fields, self.depths
        add_fields = fields.extend
        ncols, pid, command_pos = self.layout.ncols, self.layout.pid, self.layout.command_pos
        maxsplit = ncols - 1
        before = len(fields)
        for line in islice(lines, start, start + BATCH):
            parts = line.split(None, maxsplit)
            if len(parts) != ncols or not parts[pid].isdigit():
                break
            command = parts[-1]
            if len(line) - len(command) > command_pos or command[0] in "\\|":
                depth, parts[-1] = _forest(line, command, command_pos)
                if depth:
                    depths[start + (len(fields) - before) // ncols] = depth
            add_fields(parts)
        end = start + (len(fields) - before) // ncols
        self.lines.extend(range(start, end))
        return end

    def _seal(self) -> None:
        """Type every row read but the last (a wrapped tail may still join it) into compact arrays."""
        ncols = self.layout.ncols
        rows = len(self.fields) // ncols - 1
        if rows > 0:
            fields, self.fields = self.fields[: rows * ncols], self.fields[rows * ncols :]
            lines = self.lines[self.sealed : self.sealed + rows]
            self.sealed += rows
            self.parts.append(_compact(*self._typed(fields, lines)))

    def add_fields(self, fields: list[str], index: int, tail: int | None = None) -> None:
        """A row read from its fields (a zombie's row with blanks); `tail`: the line its command is on."""
        self.fields.extend(fields)
        self.lines.append(index)
        if tail is not None:
            self.tails.setdefault(index, []).append(tail)

    def add_row(self, line: str, index: int) -> None:
        """A row whose command is missing (filled by `join`)."""
        self.fields.extend([*line.split(), ""])
        self.lines.append(index)

    def join(self, lines: Sequence[str], row_line: str, tail: int) -> None:
        """Join line `tail` to the last row as (the rest of) its command: the row's command was cut by
        the terminal or the mail (`... 0:00  \\_` then `[svscan <defunct>]` on the next line)."""
        ncols = self.layout.ncols
        row = self.lines[-1]
        virtual = f"{row_line} {lines[tail].rstrip()}"
        parts = virtual.split(None, ncols - 1)
        depth, command = _forest(virtual, parts[-1], self.layout.command_pos)
        self.fields[-1] = command
        if depth:
            self.depths[row] = depth
        else:
            self.depths.pop(row, None)
        self.tails.setdefault(row, []).append(tail)

    def append_tail(self, text: str, tail: int, glue: str) -> None:
        """Add the wrapped line `tail` (`text`, stripped) to the last row's command."""
        self.fields[-1] = f"{self.fields[-1].rstrip()}{glue}{text}"
        self.tails.setdefault(self.lines[-1], []).append(tail)

    def complete(self) -> bool:
        """True when the last row's command is whole: a `<defunct>` name ends it (nothing wraps on)."""
        return bool(self.fields) and self.fields[-1].rstrip().endswith("<defunct>")

    def drawing_only(self) -> bool:
        """True when the last row's command is empty or only forest drawing (its command wrapped)."""
        return bool(self.fields) and not self.fields[-1].strip(" |\\_")

    def notes(self) -> list[str]:
        """What was read as NA, for the warnings."""
        return [
            f"{plural(count, name + ' value')} not of the column's form read as NA "
            f"({', '.join(repr(value) for value in sorted(odd)[:5])}): only PID, PPID, state and command "
            "decide a row"
            for name, (odd, count) in self.odd.items()
        ]

    def columns(self, file: str, first_line: int) -> tuple[Columns, list[tuple[int, str]]]:
        """The rows as typed LISTING_COLUMNS (the DataFrame is built on first use), and the rejected
        lines with reasons."""
        if self.fields:
            last = self._typed(self.fields, self.lines[self.sealed :])
            self.parts.append(_compact(*last) if self.parts else last)
            self.fields, self.sealed = [], len(self.lines)
        parts = [part for part in self.parts if len(part[1])]
        if not parts:
            return Columns(LISTING_COLUMNS, {}, 0), self.rejected
        self.parts = []
        data = parts[0][0] if len(parts) == 1 else _concat([part[0] for part in parts])
        kept = parts[0][1] if len(parts) == 1 else _join_lines([part[1] for part in parts])
        del parts
        n = len(kept)
        data["depth"] = self._depth(kept)
        data["source"] = self.sources(file, first_line, kept)
        if data["ppid"] is None and self.depths:  # ps auxf: the parent is the row above, one level up
            pids = data["pid"].tolist() if hasattr(data["pid"], "tolist") else data["pid"]
            data["ppid"] = self.tree_parents(pids, data["depth"])
        return Columns(LISTING_COLUMNS, data, n), self.rejected

    def _depth(self, kept: array) -> Any:
        """The depth of every kept row (0 unless the drawing or the indentation says otherwise)."""
        if not self.depths:
            return [0] * len(kept) if len(kept) <= BATCH else _zeros(len(kept))
        depths = self.depths
        return [depths.get(line, 0) for line in kept]

    def _typed(self, fields: list[str], lines: array) -> tuple[dict[str, Any], array]:
        """The rows of `fields` (one line index each in `lines`) as typed columns, without the rows
        that have a value of the wrong form (added to `self.rejected`); and the kept rows' lines."""
        ncols = self.layout.ncols
        columns = [fields[i::ncols] for i in range(ncols)]
        numbers: dict[int, list[int]] = {}  # column index -> values, for the PID and PPID columns
        odd: dict[int, set[str]] = {}  # column index -> values read as NA
        bad_rows = self._reject(columns, numbers, odd, lines)
        if bad_rows:
            keep = [row for row in range(len(lines)) if row not in bad_rows]
            columns = [[values[row] for row in keep] for values in columns]
            lines = array("q", [lines[row] for row in keep])
            numbers.clear()  # converted again below from the remaining rows
        n = len(lines)
        index = self.layout.index

        def column(field: str) -> list[Any] | None:
            if field not in index:
                return None
            values, na = columns[index[field]], odd.get(index[field])
            return [None if value in na else value for value in values] if na else values

        # comm and zombie are worked out once per distinct command (commands repeat a lot)
        raw = columns[-1]
        clean = {command: command.rstrip() for command in dict.fromkeys(raw)}
        comm_of = {command: _comm(text) for command, text in clean.items()}
        defunct = {command for command, text in clean.items()
                   if text.endswith("<defunct>") or "<defunct> " in text and _MARKED_DEFUNCT.search(text)}
        commands = [clean[command] for command in raw] if any(a != b for a, b in clean.items()) else raw
        zombie = [command in defunct for command in raw] if defunct else [False] * n
        states = column("state")
        if states is not None:
            dead = {state for state in set(states) if state is not None and state.startswith("Z")}
            if dead:
                zombie = [z or state in dead for z, state in zip(zombie, states, strict=True)]

        def ints(field: str) -> list[int] | None:
            if field not in index:
                return None  # <NA> in every row
            values = numbers.get(index[field])
            if values is None:
                values = _numbers(columns[index[field]])
            if values is None:  # pragma: no cover - the checks let no other value through
                values = list(map(int, columns[index[field]]))
            return values

        data = {
            "pid": ints("pid"),
            "ppid": ints("ppid"),
            "user": column("user"),
            "state": states,
            "comm": [comm_of[command] for command in raw],
            "command": commands,
            "zombie": zombie,
            "stime": column("stime"),
            "tty": column("tty"),
            "time": column("time"),
        }
        return data, lines

    def sources(self, file: str, first_line: int, kept: array) -> Sequence[str]:
        """`file:line` of every row; `file:first-last` for a row joined with its wrapped lines."""
        if len(kept) and kept[-1] - kept[0] == len(kept) - 1:  # one run of rows
            numbers: Ints = range(first_line + kept[0], first_line + kept[-1] + 1)
        elif len(kept) > BATCH:
            import numpy as np

            numbers = np.frombuffer(kept, dtype=np.int64) + first_line
        else:
            numbers = [first_line + i for i in kept]
        ends = {}  # row -> the last line joined to it (rows and lines both ascend: a bisection each)
        for line, tails in self.tails.items():
            row = bisect_left(kept, line)
            if row < len(kept) and kept[row] == line:
                ends[row] = first_line + tails[-1]
        return LineSources(file, numbers, ends)

    @staticmethod
    def tree_parents(pids: Sequence[int] | None, depth: Sequence[int]) -> list[int | None]:
        """The parent of each row from the forest drawing: the nearest row above one level up; None
        for a top-level row (the drawing does not show its parent) or when that row is missing."""
        parents: list[int | None] = []
        stack: list[tuple[int, int]] = []  # (depth, pid) of the rows open above
        for pid, level in zip(pids or (), depth, strict=False):
            while stack and stack[-1][0] >= level:
                stack.pop()
            parents.append(stack[-1][1] if level and stack and stack[-1][0] == level - 1 else None)
            stack.append((level, pid))
        return parents

    def _reject(self, columns: list[list[str]], numbers: dict[int, list[int]], odd: dict[int, set[str]],
                lines: array) -> set[int]:
        """The rows (indices in `columns`) with a value of the wrong form; they and their joined tails
        go to `self.rejected`. The PID and PPID columns found valid are stored, converted, in
        `numbers`; the odd values of other columns, read as NA, in `odd`."""
        reasons: dict[int, str] = {}  # row index -> reason (first bad column)
        read = {self.layout.index.get("pid"), self.layout.index.get("ppid")}
        for i in self.layout.checked:
            name = self.layout.names[i]
            if i not in read:
                bad = _bad_values(name, columns[i])
                found = {value for value in bad if _ODD.fullmatch(value)} if name not in _DECIDING else set()
                if found:  # `-`, `?`, a unit suffix: not a shift; the value is NA, the row is kept
                    bad -= found
                    odd[i] = found
                    seen, count = self.odd.get(name, (set(), 0))
                    count += sum(1 for value in columns[i] if value in found)
                    self.odd[name] = (seen | found, count)
            elif (converted := _numbers(columns[i])) is not None:
                numbers[i] = converted
                continue
            else:
                bad = {value for value in set(columns[i]) if not _is_whole(value, _PID_DIGITS)}
            for row, value in enumerate(columns[i] if bad else ()):
                if value in bad and row not in reasons:
                    reasons[row] = f"{name} {value!r} is not a valid {name} value (shifted or damaged row)"
        for row, reason in reasons.items():
            self.rejected.append((lines[row], reason))
            tails = self.tails.get(lines[row], ())
            self.rejected.extend((tail, "wrapped line of a rejected row") for tail in tails)
        return set(reasons)


def _zeros(n: int) -> Any:
    import numpy as np

    return np.zeros(n, dtype=np.int64)


def _compact(data: dict[str, Any], lines: array) -> tuple[dict[str, Any], array]:
    """Typed columns as numpy (numbers, flags) and Arrow (text, dictionary-encoded) arrays: no Python
    object per row."""
    import numpy as np
    import pyarrow as pa

    compact: dict[str, Any] = {}
    for name, values in data.items():
        dtype = LISTING_COLUMNS[name]
        if values is None or isinstance(values, (np.ndarray, pa.Array)):
            compact[name] = values
        elif dtype == "Int64":
            compact[name] = np.array(values, dtype=np.int64)
        elif dtype == "bool":
            compact[name] = np.array(values, dtype=bool)
        else:  # a dictionary: user, state, times, even commands repeat a lot
            compact[name] = pa.array(values, type=pa.string()).dictionary_encode()
    return compact, lines


def _join_lines(parts: list[array]) -> Any:
    """The line indexes of several batches as one int64 array (one copy)."""
    import numpy as np

    return np.concatenate([np.frombuffer(part, dtype=np.int64) for part in parts])


def _concat(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The compact columns of several batches, one after the other (each batch's column is let go
    as soon as the whole column is made: one column's copy at a time)."""
    import numpy as np
    import pyarrow as pa

    data: dict[str, Any] = {}
    for name in list(parts[0]):
        values = [part.pop(name) for part in parts]
        if values[0] is None:
            data[name] = None
        elif isinstance(values[0], np.ndarray):
            data[name] = np.concatenate(values)
        else:
            data[name] = pa.chunked_array(values, type=values[0].type)
    return data
