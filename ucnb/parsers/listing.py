"""Process listings: `show process list [detail]`, its slices, and every procps `ps` listing.

One header-driven parser reads them all. The header is found by its column names (a `PID` column,
the command column `CMD`, `COMMAND`, `ARGS` or `COMM` last); every row is split into as many fields
as the header has columns, the last one keeping its spaces, and the fields with a known form (PID,
PPID, C, PRI, NI, SZ, %CPU, TIME, STAT...) are checked so that a shifted row is reported, not misread::

    UID          PID    PPID  C STIME TTY          TIME CMD
    ccmserv+    7313       1  0 Oct19 ?        03:10:11 /usr/local/cm/bin/amc
    ccmserv+   12345    7313  0 09:10 ?        00:00:00  \\_ [sh] <defunct>

gives two rows: amc (depth 0) and its zombie child sh (depth 1, command `[sh] <defunct>`).

Choices:
- `comm` is the basename of the command's first word; a bracketed name is unwrapped whole
  (`[kworker/0:1]` -> `kworker/0:1`, `[sh] <defunct>` -> `sh`); a login shell's leading `-` and a
  process title's trailing `:` are dropped (`-bash` -> `bash`, `sshd: admin@pts/0` -> `sshd`).
- Forests: `ps --forest` drawing (` \\_ `, ` |  `, 4 characters a level) and `ps -H` indentation
  (2 spaces a level) are measured from the header's command column and removed from `command`;
  `forest` is True when any row is deeper than 0.
- A wrapped command line (a line that is not a row, follows a row directly, and starts with
  whitespace, or follows a line of 60 columns or more, or follows a row whose command is empty or
  only forest drawing) is joined to that row's command (one space; none after a line cut at exactly
  a terminal width), the row's `source` becomes `file:first-last`; a warning lists the joins.
- Rows without a header are read in the known layout most of them fit (`_LAYOUTS`: ps -ef, -elf,
  -el, axl, axjf, aux, ax, -e, busybox, `show process list`); `assumed_layout` says which and why.
- A forest with no PPID column (ps auxf, fax): `ppid` is the row above one level up
  (`parents_from_tree`); a top-level row's parent stays <NA>.
- Only PID, PPID, state and command decide a row: an odd value (`-`, `?`, `12m`) in another checked
  column is NA with a warning; a value of another form (a path in TIME) is a shifted row: unparsed.
- A repeated identical header is skipped; a different header starts a new column layout (warning).
- Values are checked column by column once all rows are split (fast on 100k rows); a row with a
  bad value goes to `unparsed` with the column named, and so do the wrapped lines joined to it.
- Not supported: a command column that is not last, and other columns whose values contain spaces
  (`lstart`); such rows are unparsed when a checked column catches the shift, else read as split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice
from typing import Any

from ucnb.model import LISTING_COLUMNS, Columns, LineSources, Listing, Unparsed
from ucnb.text import plural

# Column names that end a listing: the command, keeping its spaces.
_COMMAND_NAMES = frozenset({"CMD", "COMMAND", "ARGS", "COMM"})
# `top` headers look alike ("PID ... COMMAND") but carry columns ps never prints.
_TOP_ONLY = frozenset({"TIME+", "PR", "VIRT", "RES", "SHR"})
_HEADER_WORD = re.compile(r"[A-Z%][A-Z0-9%_+-]*")

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
_STATE = r"[DIRSTtWXZPK][<NLsl+W]*"  # W: old procps' "no resident pages" (SW, SWN, SW<)
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

# ps --forest drawing in front of a command: " |   |   \_ cmd" (4 characters a level).
_FOREST_MARK = re.compile(r"([ |]*)\\_ ")

_FLAVOURS = {
    ("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"): "ps -ef",
    (
        *("F", "S", "UID", "PID", "PPID", "C", "PRI", "NI"),
        *("ADDR", "SZ", "WCHAN", "STIME", "TTY", "TIME", "CMD"),
    ): "ps -elf",
    ("USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"): "ps aux",
}

# Known layouts, for rows pasted without their header (`ps -ef | grep defunct`): the header's
# names and the shape of a row (fields split on spaces; the command may be empty when it wrapped).
_TIME = r"(?:\d+-)?\d+:\d\d(?::\d\d)?(?:\.\d+)?|\d+m"
_ST = r"[DIRSTtWXZPK][<NLsl+W]*"
_CMD = r"(?:\s+\S.*)?"
_LAYOUTS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (name, header, re.compile(r"\s*" + shape + r"\s*$", re.ASCII))
    for name, header, shape in (
        ("ps -elf", "F S UID PID PPID C PRI NI ADDR SZ WCHAN STIME TTY TIME CMD",
         rf"\d+\s+{_ST}\s+\S+\s+\d+\s+\d+\s+\d+\s+-?\d+\s+(?:-?\d+|-)\s+\S+\s+(?:\d+|-)\s+\S+\s+\S+\s+\S+\s+(?:{_TIME}){_CMD}"),
        ("ps -el", "F S UID PID PPID C PRI NI ADDR SZ WCHAN TTY TIME CMD",
         rf"\d+\s+{_ST}\s+\S+\s+\d+\s+\d+\s+\d+\s+-?\d+\s+(?:-?\d+|-)\s+\S+\s+(?:\d+|-)\s+\S+\s+\S+\s+(?:{_TIME}){_CMD}"),
        ("ps axl", "F UID PID PPID PRI NI VSZ RSS WCHAN STAT TTY TIME COMMAND",
         rf"\d+\s+\d+\s+\d+\s+\d+\s+-?\d+\s+(?:-?\d+|-)\s+\d+\s+\d+\s+\S+\s+{_ST}\s+\S+\s+(?:{_TIME}){_CMD}"),
        ("ps axjf", "PPID PID PGID SID TTY TPGID STAT UID TIME COMMAND",
         rf"\d+\s+\d+\s+\d+\s+\d+\s+\S+\s+-?\d+\s+{_ST}\s+\d+\s+(?:{_TIME}){_CMD}"),
        ("ps aux", "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND",
         rf"\S+\s+\d+\s+\d+\.\d\s+\d+\.\d\s+\d+\s+\d+\s+\S+\s+{_ST}\s+\S+\s+(?:{_TIME}){_CMD}"),
        ("ps -ef", "UID PID PPID C STIME TTY TIME CMD",
         rf"\S+\s+\d+\s+\d+\s+\d+\s+\S+\s+\S+\s+(?:{_TIME}){_CMD}"),
        ("busybox ps", "PID USER VSZ STAT COMMAND", rf"\d+\s+\S+\s+\d+[mg]?\s+{_ST}{_CMD}"),
        ("ps ax", "PID TTY STAT TIME COMMAND", rf"\d+\s+\S+\s+{_ST}\s+(?:{_TIME}){_CMD}"),
        ("show process list", "PID PPID STAT CMD", rf"\d+\s+\d+\s+{_ST}{_CMD}"),
        ("ps -e", "PID TTY TIME CMD", rf"\d+\s+(?:\?|pts/\d+|tty\w*|console)\s+(?:{_TIME}){_CMD}"),
        ("busybox ps (new)", "PID USER TIME COMMAND", rf"\d+\s+\S+\s+(?:{_TIME}){_CMD}"),
        ("show process list", "PID PPID USER COMMAND", rf"\d+\s+\d+\s+[a-z_][\w.+-]*{_CMD}"),
    )
)
# a row starts with a digit (a PID, or ps l's F) or a user name followed by a PID
_ROW_START = re.compile(r"\s*(?:\d|\S+\s+\d)", re.ASCII)


def looks_like_listing_row(line: str) -> bool:
    """True when `line` has the shape of a row of a known listing layout (no header needed), e.g.
    `1  1000 17322 17310  20   0      0     0 exit   Z    ?          0:00 [owncloud] <defunct>`."""
    return _ROW_START.match(line) is not None and any(shape.match(line) for _, _, shape in _LAYOUTS)


def _guess_layout(lines: Sequence[str]) -> tuple[str, str, int, int, list[str]] | None:
    """The known layout most non-blank lines fit: (name, header, fitting, non-blank, others that fit
    as many), the first of the table (the most specific) on a tie."""
    texts = [line for line in lines if line.strip()]
    best: tuple[str, str, int] | None = None
    others: list[str] = []
    for name, header, shape in _LAYOUTS:
        fits = sum(1 for line in texts if shape.match(line))
        if fits and (best is None or fits > best[2]):
            best, others = (name, header, fits), []
        elif fits and best is not None and fits == best[2] and name != best[0]:
            others.append(f"{name} ({header})")
    return None if best is None else (*best, len(texts), others)


# The one warning for a listing without parents: `inspect` shows it, and so does the diagnosis.
_NO_PPID_WARNING = (
    "the listing {source} has no PPID column (ps aux style): the zombies' parents cannot be known; "
    "capture `show process list detail`"
)


def _header_names(line: str) -> list[str] | None:
    """The column names of `line` when it is a process-listing header, else None."""
    if "PID" not in line:
        return None
    names = line.split()
    if (
        len(names) < 2
        or names[-1] not in _COMMAND_NAMES
        or "PID" not in names
        or not _TOP_ONLY.isdisjoint(names)
        or not all(_HEADER_WORD.fullmatch(name) for name in names)
    ):
        return None
    return names


def looks_like_listing_header(line: str) -> bool:
    """True when `line` is the header of a procps-style listing, e.g.
    `UID          PID    PPID  C STIME TTY          TIME CMD` or `  PID  PPID STAT CMD`
    (not the `top` table header of `show process load`)."""
    return _header_names(line) is not None


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


class _Layout:
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


class _Segment:
    """The rows read under one header, kept as one flat list of fields (fast to build and to slice)."""

    def __init__(self, layout: _Layout) -> None:
        self.layout = layout
        self.fields: list[str] = []  # row after row, `layout.ncols` fields each
        self.lines: list[int] = []  # index in `lines` of each row
        self.depths: dict[int, int] = {}  # row index -> depth, for rows deeper than 0 only
        self.tails: dict[int, list[int]] = {}  # row index -> wrapped lines joined to its command
        self.odd: dict[int, set[str]] = {}  # column index -> odd values read as NA (`-`, `?`, `12m`)
        self.notes: list[str] = []  # what was read as NA, for the warnings

    def read_rows(self, lines: Sequence[str], start: int) -> int:
        """Read the rows from `lines[start]` on; return the index of the first line that is not a row.

        The hot loop: one split and two cheap tests per row; the values are checked later, per column."""
        fields, depths = self.fields, self.depths
        add_fields = fields.extend
        ncols, pid, command_pos = self.layout.ncols, self.layout.pid, self.layout.command_pos
        maxsplit = ncols - 1
        before = len(fields)
        for line in islice(lines, start, None):
            parts = line.split(None, maxsplit)
            if len(parts) != ncols or not parts[pid].isdigit():
                break
            command = parts[-1]
            if len(line) - len(command) > command_pos or command[0] in "\\|":
                depth, parts[-1] = _forest(line, command, command_pos)
                if depth:
                    depths[len(fields) // ncols] = depth
            add_fields(parts)
        end = start + (len(fields) - before) // ncols
        self.lines.extend(range(start, end))
        return end

    def add_row(self, line: str, index: int) -> None:
        """A row whose command is missing (filled by `join`)."""
        self.fields.extend([*line.split(), ""])
        self.lines.append(index)

    def join(self, lines: Sequence[str], row_line: str, tail: int) -> None:
        """Join line `tail` to the last row as (the rest of) its command: the row's command was cut by
        the terminal or the mail (`... 0:00  \\_` then `[svscan <defunct>]` on the next line)."""
        ncols = self.layout.ncols
        row = len(self.lines) - 1
        virtual = f"{row_line} {lines[tail].rstrip()}"
        parts = virtual.split(None, ncols - 1)
        depth, command = _forest(virtual, parts[-1], self.layout.command_pos)
        self.fields[len(self.fields) - 1] = command
        if depth:
            self.depths[row] = depth
        else:
            self.depths.pop(row, None)
        self.tails.setdefault(row, []).append(tail)

    def drawing_only(self) -> bool:
        """True when the last row's command is empty or only forest drawing (its command wrapped)."""
        return bool(self.fields) and not self.fields[-1].strip(" |\\_")

    def columns(self, file: str, first_line: int) -> tuple[Columns, list[tuple[int, str]]]:
        """The rows as typed LISTING_COLUMNS (the DataFrame is built on first use), and the rejected
        lines with reasons."""
        if not self.lines:
            return Columns(LISTING_COLUMNS, {}, 0), []
        ncols = self.layout.ncols
        columns = [self.fields[i::ncols] for i in range(ncols)]
        numbers: dict[int, list[int]] = {}  # column index -> values, for the PID and PPID columns
        rejected = self._reject(columns, numbers)
        if rejected:
            columns = self._drop(columns, {line for line, _ in rejected})
            numbers.clear()  # converted again below from the remaining rows
        n = len(self.lines)
        if not n:
            return Columns(LISTING_COLUMNS, {}, 0), rejected
        index = self.layout.index

        def column(field: str) -> list[Any] | None:
            if field not in index:
                return None
            odd = self.odd.get(index[field])
            values = columns[index[field]]
            return [None if value in odd else value for value in values] if odd else values

        # comm and zombie are worked out once per distinct command (commands repeat a lot)
        raw = columns[-1]
        clean = {command: command.rstrip() for command in dict.fromkeys(raw)}
        comm_of = {command: _comm(text) for command, text in clean.items()}
        defunct = {command for command, text in clean.items() if text.endswith("<defunct>")}
        commands = [clean[command] for command in raw] if any(a != b for a, b in clean.items()) else raw
        zombie = [command in defunct for command in raw] if defunct else [False] * n
        states = column("state")
        if states is not None:
            dead = {state for state in set(states) if state.startswith("Z")}
            if dead:
                zombie = [z or state in dead for z, state in zip(zombie, states, strict=True)]
        depth = [0] * n
        for row, level in self.depths.items():
            depth[row] = level

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
            "depth": depth,
            "zombie": zombie,
            "stime": column("stime"),
            "tty": column("tty"),
            "time": column("time"),
            "source": self.sources(file, first_line),
        }
        if "ppid" not in index and self.depths:  # ps auxf: the parent is the row above, one level up
            data["ppid"] = self.tree_parents(data["pid"], depth)
        return Columns(LISTING_COLUMNS, data, n), rejected

    def sources(self, file: str, first_line: int) -> Sequence[str]:
        """`file:line` of every row; `file:first-last` for a row joined with its wrapped lines."""
        numbers = self.line_numbers(first_line)
        if not self.tails:
            return LineSources(file, numbers)
        found = [f"{file}:{number}" for number in numbers]
        for row, tails in self.tails.items():
            found[row] = f"{found[row]}-{first_line + tails[-1]}"
        return found

    @staticmethod
    def tree_parents(pids: Sequence[int] | None, depth: list[int]) -> list[int | None]:
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

    def line_numbers(self, first_line: int) -> Sequence[int]:
        """The 1-based line number of every row in the file."""
        lines = self.lines
        if lines[-1] - lines[0] == len(lines) - 1:  # one run of rows: no need to add one by one
            return range(first_line + lines[0], first_line + lines[-1] + 1)
        return [first_line + i for i in lines]

    def _reject(self, columns: list[list[str]], numbers: dict[int, list[int]]) -> list[tuple[int, str]]:
        """(line index, reason) of every row with a value of the wrong form, and of its joined tails.
        The PID and PPID columns found valid are stored, converted, in `numbers`."""
        reasons: dict[int, str] = {}  # row index -> reason (first bad column)
        read = {self.layout.index.get("pid"), self.layout.index.get("ppid")}
        for i in self.layout.checked:
            name = self.layout.names[i]
            if i not in read:
                bad = _bad_values(name, columns[i])
                odd = {value for value in bad if _ODD.fullmatch(value)} if name not in _DECIDING else set()
                if odd:  # `-`, `?`, a unit suffix: not a shift; the value is NA, the row is kept
                    bad -= odd
                    self.odd[i] = odd
                    count = sum(1 for value in columns[i] if value in odd)
                    shown = ", ".join(repr(value) for value in sorted(odd)[:5])
                    self.notes.append(f"{plural(count, name + ' value')} not of the column's form read as NA "
                                      f"({shown}): only PID, PPID, state and command decide a row")
            elif (values := _numbers(columns[i])) is not None:
                numbers[i] = values
                continue
            else:
                bad = {value for value in set(columns[i]) if not _is_whole(value, _PID_DIGITS)}
            for row, value in enumerate(columns[i] if bad else ()):
                if value in bad and row not in reasons:
                    reasons[row] = f"{name} {value!r} is not a valid {name} value (shifted or damaged row)"
        rejected = []
        for row, reason in reasons.items():
            rejected.append((self.lines[row], reason))
            rejected.extend((tail, "wrapped line of a rejected row") for tail in self.tails.get(row, ()))
        return rejected

    def _drop(self, columns: list[list[str]], gone: set[int]) -> list[list[str]]:
        """Forget the rows at the line indices in `gone`; return the remaining columns."""
        keep = [row for row, line in enumerate(self.lines) if line not in gone]
        new_index = {old: new for new, old in enumerate(keep)}
        self.lines = [self.lines[row] for row in keep]
        self.depths = {new_index[row]: d for row, d in self.depths.items() if row in new_index}
        self.tails = {new_index[row]: t for row, t in self.tails.items() if row in new_index}
        return [[values[row] for row in keep] for values in columns]


def parse_listing(lines: Sequence[str], *, file: str = "<text>", first_line: int = 1) -> Listing:
    """Read a process listing (`ps -ef`, `-elf`, `aux`, `--forest`, `-H`, `-eo ...`,
    `show process list [detail]` and its slices) into a `Listing`.

    Example input::

          PID  PPID STAT CMD
         7313     1 Ssl  /usr/local/cm/bin/amc
        12345  7313 Z     \\_ [sh] <defunct>

    Rows without a header are read in the known layout they fit (`assumed_layout` says which and
    why). Text before the header and lines that are not rows go to `unparsed` with a reason.
    """
    problems: list[tuple[int, str]] = []  # (line index, reason), sorted into `unparsed` at the end
    warnings: list[str] = []

    header_at = None
    names: list[str] | None = None
    for i, line in enumerate(lines):
        names = _header_names(line)
        if names is not None:
            header_at = i
            break
    assumed = ""
    if header_at is None or names is None:
        guess = _guess_layout(lines)
        if guess is None:
            reason = "no process listing header (PID ... CMD) found"
            return Listing(
                unparsed=[Unparsed(f"{file}:{first_line + i}", line, reason)
                          for i, line in enumerate(lines) if line.strip()],
                warnings=["no process listing header (a line with PID ... CMD/COMMAND) was found"],
            )
        name, header, fits, total, others = guess
        names = header.split()
        assumed = (f"no header: rows read as `{name}` ({header}): {fits} of {plural(total, 'line')} "
                   f"{'has' if fits == 1 else 'have'} its shape"
                   + (f"; also fits: {', '.join(others)}" if others else ""))
        warnings.append(assumed)
        layout = _Layout("", names)  # no header: the forest is measured from the end of TIME
        start = first_row = next(i for i, line in enumerate(lines) if line.strip())
    else:
        problems.extend((i, "text before the listing header") for i in range(header_at) if lines[i].strip())
        layout = _Layout(lines[header_at], names)
        start, first_row = header_at + 1, header_at
    segment = _Segment(layout)
    segments = [segment]  # a different header starts a new segment
    joined: list[int] = []  # wrapped lines joined to the row above
    last_header = first_row
    headers = [] if header_at is None else [header_at]  # every header line, repeated or new
    i = start
    while (i := segment.read_rows(lines, i)) < len(lines):
        line, layout = lines[i], segment.layout
        # a wrapped tail may follow a row (or another tail) directly
        after_row = bool(segment.lines and segment.lines[-1] == i - 1 or joined and joined[-1] == i - 1)
        tail_next = i + 1 < len(lines) and _is_tail(segment.layout, lines[i + 1], relaxed=True)
        if not line.strip():
            pass
        elif (names := _header_names(line)) is not None:
            last_header = i
            headers.append(i)
            if names != segment.layout.names:
                warnings.append(f"{file}:{first_line + i}: a new listing header: {' '.join(names)}")
                segment = _Segment(_Layout(line, names))
                segments.append(segment)
        elif tail_next and segment.layout.row_without_command(line):
            segment.add_row(line, i)  # its command is on the next line
            segment.join(lines, line, i + 1)
            joined.append(i + 1)
            i += 1
        elif after_row and joined[-1:] != [i - 1] and segment.drawing_only() and _is_tail(layout, line, True):
            segment.join(lines, lines[i - 1], i)
            joined.append(i)
        elif after_row and (line[0].isspace() or len(lines[i - 1]) >= _WRAP_WIDTH) and _is_tail(layout, line):
            # an indented tail, or the tail of a line as long as a terminal or a mail wraps at
            glue = "" if len(lines[i - 1]) in _HARD_WIDTHS and not line[0].isspace() else " "
            segment.fields[-1] = f"{segment.fields[-1].rstrip()}{glue}{line.strip()}"
            segment.tails.setdefault(len(segment.lines) - 1, []).append(i)
            joined.append(i)
        else:
            problems.append((i, segment.layout.why_not(line, after_row)))
        i += 1
    last = max([last_header, *(each.lines[-1] for each in segments if each.lines), *joined[-1:]])

    tables = []
    for each in segments:
        table, rejected = each.columns(file, first_line)
        tables.append(table)
        problems.extend(rejected)
        warnings.extend(each.notes)
    if problems:
        problems.sort()
        joined = sorted(set(joined) - {line for line, _ in problems})
    filled = [table for table in tables if len(table)]
    processes = Columns.concat(filled or tables[:1])
    ppid_column = all("ppid" in each.layout.index for each in segments)
    from_tree = not ppid_column and any(each.depths for each in segments) and len(segments) == 1
    columns = segments[0].layout.names
    source = f"{file}:{first_line + first_row}-{first_line + last}"
    return Listing(
        unparsed=[Unparsed(f"{file}:{first_line + i}", lines[i], reason) for i, reason in problems],
        warnings=warnings + _warnings(processes, ppid_column, from_tree, joined, file, first_line, source),
        processes=processes,
        flavour=_FLAVOURS.get(tuple(columns), "custom"),
        forest=any(each.depths for each in segments),
        has_ppid=ppid_column or from_tree,
        parents_from_tree=from_tree,
        assumed_layout=assumed,
        columns=columns,
        source=source,
        recognised=[first_line + i for i in sorted(headers)],
    )


# A line at least this long may have been wrapped (mail at 72-80 columns, terminals at 80 or more);
# a terminal cuts at exactly its width, inside a word: the pieces are joined without a space.
_WRAP_WIDTH = 60
_HARD_WIDTHS = frozenset({80, 100, 120, 132, 160, 200})


def _is_tail(layout: _Layout, line: str, relaxed: bool = False) -> bool:
    """A line that can be the wrapped rest of a row's command: not blank, not a header, not a row."""
    if not line.strip() or _header_names(line) is not None:
        return False
    # after a row without its command (`relaxed`), a short line with a number where PID belongs
    # (`/sbin/klogd -c 1 -2`) is still its command: a row would have (almost) all the fields
    return not layout.row_like(line) or relaxed and len(line.split()) < layout.ncols - 1


def _tree_warning(processes: Columns) -> str:
    """Which zombies' parents were read from the forest drawing, with the parent row's file:line."""
    pids, ppids, sources = processes.values("pid"), processes.values("ppid"), processes.values("source")
    where = dict(zip(pids, sources, strict=True))
    found = [f"zombie {pid}: parent {ppid} from the tree at {where.get(ppid, '?')}"
             for pid, ppid, zombie in zip(pids, ppids, processes.values("zombie"), strict=True)
             if zombie and ppid is not None]
    shown = "; ".join(found[:10]) + (" ..." if len(found) > 10 else "")
    return ("the listing has no PPID column: parents are read from the tree drawing (the row above, one "
            "level up); a top-level row's parent cannot be known" + (f" ({shown})" if shown else ""))


def _warnings(processes: Columns, ppid_column: bool, from_tree: bool, joined: list[int], file: str,
              first_line: int, source: str) -> list[str]:
    """Joined wrapped lines, a missing PPID column (parents from the tree), duplicate PIDs."""
    warnings = []
    if joined:
        shown = ", ".join(f"{file}:{first_line + i}" for i in joined[:10])
        more = " ..." if len(joined) > 10 else ""
        joins = plural(len(joined), "wrapped command line")
        warnings.append(f"{joins} joined to the row above: {shown}{more}")
    if from_tree:
        warnings.append(_tree_warning(processes))
    elif not ppid_column:
        warnings.append(_NO_PPID_WARNING.format(source=source))
    pids = processes.values("pid")
    if len(set(pids)) < len(processes):
        rows_of: dict[int, list[int]] = {}  # pid -> its rows, pids in order of first appearance
        for row, pid in enumerate(pids):
            rows_of.setdefault(pid, []).append(row)
        sources = processes.values("source")
        groups = [(pid, [sources[row] for row in rows]) for pid, rows in rows_of.items() if len(rows) > 1]
        shown = "; ".join(f"{pid} ({', '.join(found)})" for pid, found in groups[:10])
        more = " ..." if len(groups) > 10 else ""
        warnings.append(f"duplicate PIDs (two captures mixed?): {shown}{more}")
    return warnings
