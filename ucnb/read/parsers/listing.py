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
from dataclasses import dataclass
from sys import intern

from ucnb.model.columns import LISTING_COLUMNS, Columns, values
from ucnb.model.results import Listing, TextCount, Unparsed
from ucnb.read.parsers.listing_rows import Layout, Segment
from ucnb.read.parsers.ps_format import typed_header
from ucnb.text import plural

# Column names that end a listing: the command, keeping its spaces.
_COMMAND_NAMES = frozenset({"CMD", "COMMAND", "ARGS", "COMM"})
# `top` headers look alike ("PID ... COMMAND") but carry columns ps never prints.
_TOP_ONLY = frozenset({"TIME+", "PR", "VIRT", "RES", "SHR"})
_HEADER_WORD = re.compile(r"[A-Z%][A-Z0-9%_+-]*")

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
# After the fields, the command (maybe empty): the fields end at a blank or at the line's end. Only
# the fields are matched, within the first `_ROW_PREFIX` characters: no regex runs over a whole line
# (a 300 MB line without a newline costs one slice, not a backtracking scan per layout).
_CMD = r"(?=\s|$)"
_ROW_PREFIX = 1024
_LAYOUTS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (name, header, re.compile(r"\s*" + shape, re.ASCII))
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
        ("AIX ps -ef (defunct rows)", "PID PPID C TIME CMD", rf"\d+\s+\d+\s+\d+\s+(?:{_TIME}){_CMD}"),
    )
)
# a row starts with a digit (a PID, or ps l's F) or a user name followed by a PID
_ROW_START = re.compile(r"\s*(?:\d|\S+\s+\d)", re.ASCII)


def _fits(shape: re.Pattern[str], line: str) -> bool:
    """True when the fields of `line` have the layout's shape, read in its first `_ROW_PREFIX`
    characters (fields running past them are no row: the command alone may be long)."""
    found = shape.match(line, 0, _ROW_PREFIX)
    return found is not None and (found.end() < _ROW_PREFIX or len(line) <= _ROW_PREFIX
                                  or line[_ROW_PREFIX].isspace())


def looks_like_listing_row(line: str) -> bool:
    """True when `line` has the shape of a row of a known listing layout (no header needed), e.g.
    `1  1000 17322 17310  20   0      0     0 exit   Z    ?          0:00 [owncloud] <defunct>`.

    >>> looks_like_listing_row("root  4321  4300  0 10:02 ?  00:00:00 [sh] <defunct>")
    True
    >>> looks_like_listing_row("1" * 5000)
    False
    """
    if line.endswith("<defunct>") and len(line) < _ROW_PREFIX:  # a defunct row, even without its PID
        return _DEFUNCT_WITHOUT_PID.fullmatch(line) is not None
    return (_ROW_START.match(line, 0, _ROW_PREFIX) is not None
            and any(_fits(shape, line) for _, _, shape in _LAYOUTS))


def _guess_layout(lines: Sequence[str]) -> tuple[str, str, int, int, list[str]] | None:
    """The known layout most non-blank lines fit: (name, header, fitting, non-blank, others that fit
    as many), the first of the table (the most specific) on a tie."""
    texts = [line for line in lines if line.strip()]
    best: tuple[str, str, int] | None = None
    others: list[str] = []
    for name, header, shape in _LAYOUTS:
        fits = sum(1 for line in texts if _fits(shape, line))
        if fits and (best is None or fits > best[2]):
            best, others = (name, header, fits), []
        elif fits and best is not None and fits == best[2] and name != best[0]:
            others.append(f"{name} ({header})")
    return None if best is None else (*best, len(texts), others)


# A count stated as text among the rows (a script's `Zombies found = 46`, `Total defunct: 3`): evidence,
# never the wrapped tail of the row above (issue 23).
_TEXT_COUNT = re.compile(
    r"\s*(?P<label>[A-Za-z][\w .()/-]{0,60}?)\s*[=:]\s*(?P<value>\d{1,9})\s*", re.ASCII)
_COUNT_WORDS = re.compile(r"zombie|defunct|total|count|found|processes", re.IGNORECASE)


def text_count(line: str, source: str) -> TextCount | None:
    """The count a line states as text, or None.

    >>> text_count("Zombies found = 46", "x:3")
    TextCount(label='Zombies found', value=46, source='x:3')
    >>> text_count("-Xmx=4", "x:3") is None
    True
    """
    found = _TEXT_COUNT.fullmatch(line) if len(line) <= 100 else None
    if found is None or not _COUNT_WORDS.search(found["label"]):
        return None
    return TextCount(found["label"].strip(), int(found["value"]), source)


# The one warning for a listing without parents: `inspect` shows it, and so does the diagnosis.
NO_PPID_WARNING = (
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
    return list(map(intern, names))  # kept with the listing: one `PID` for 10,000 listings


WRAPPED_MIN = 40  # nothing wraps a shorter line (mails wrap at 72-78 characters, terminals at 80)


def wrapped_header(line: str, following: str) -> str | None:
    """The whole header when `line` is a `ps` header that a mail or a terminal wrapped and `following`
    holds the rest of its names (`CMD`, or `TIME CMD`, alone); else None.

    >>> wrapped_header("F S UID PID PPID C PRI NI ADDR SZ WCHAN STIME TTY TIME", "CMD")
    'F S UID PID PPID C PRI NI ADDR SZ WCHAN STIME TTY TIME CMD'
    >>> wrapped_header("UID PID PPID C STIME TTY TIME CMD", "CMD") is None  # whole already
    True
    """
    if len(line) < WRAPPED_MIN or "PID" not in line or _header_names(line) is not None:
        return None
    tail = following.split()
    if not 0 < len(tail) <= 4 or tail[-1] not in _COMMAND_NAMES:
        return None
    header = f"{line.rstrip()} {' '.join(tail)}"
    names = _header_names(header)
    return header if names is not None and len(names) >= 4 else None


def _wrapped_tail(names: list[str], line: str) -> bool:
    """Whether `line` is the wrapped tail of the header `names` (`CMD`, or `TIME CMD`, alone on the line
    after it: a mail or a terminal wrapped the header, and `ucnb.read.capture` joined it above).

    >>> _wrapped_tail(["PID", "PPID", "TIME", "CMD"], "CMD"), _wrapped_tail(["PID", "CMD"], "PID CMD")
    (True, False)
    """
    tail = line.split()
    return 0 < len(tail) < len(names) - 1 and tail == names[-len(tail):]


def looks_like_listing_header(line: str) -> bool:
    """True when `line` is the header of a procps-style listing, e.g.
    `UID          PID    PPID  C STIME TTY          TIME CMD` or `  PID  PPID STAT CMD`
    (not the `top` table header of `show process load`)."""
    return _header_names(line) is not None


def parse_listing(lines: Sequence[str], *, file: str = "<text>", first_line: int = 1,
                  typed: str | None = None) -> Listing:
    """Read a process listing (`ps -ef`, `-elf`, `aux`, `--forest`, `-H`, `-eo ...`,
    `show process list [detail]` and its slices) into a `Listing`.

    Example input::

          PID  PPID STAT CMD
         7313     1 Ssl  /usr/local/cm/bin/amc
        12345  7313 Z     \\_ [sh] <defunct>

    Rows without a header are read in the columns the typed command names (`ps -eo pid,ppid,stat,cmd
    | grep Z`: `ps_format.typed_header`), else in the known layout they fit (`assumed_layout` says
    which and why). Text before the header and lines that are not rows go to `unparsed` with a reason.
    """
    expanded = _uncollapse(lines) if len(lines) <= 64 else None  # (a collapsed listing is one line)
    if expanded is not None:  # a web page lost the line ends: the rows are read from one line
        return _remap(parse_listing(expanded[0], file=file, first_line=1), expanded[1], file, first_line)
    problems: list[tuple[int, str]] = []  # (line index, reason), sorted into `unparsed` at the end
    warnings: list[str] = []
    found = _find_columns(lines, typed, problems, warnings)
    if found is None:
        return _no_pid_column(lines, file, first_line)
    walked = _walk(lines, found, file, first_line, problems, warnings)
    return _listing(lines, found, walked, file, first_line, problems, warnings)


@dataclass
class _Columns:
    """Where a listing's rows start and in which columns they are read: under its header, else in
    the columns the typed `ps` names, else in the known layout most lines fit (`assumed` says why)."""

    layout: Layout
    start: int  # the first line that may be a row
    first_row: int  # the listing's first line: its header, else its first row
    headers: list[int]  # the header's lines (with its wrapped tail)
    assumed: str = ""


def _find_columns(lines: Sequence[str], typed: str | None, problems: list[tuple[int, str]],
                  warnings: list[str]) -> _Columns | None:
    """The listing's columns (None: no header and no known layout); text before the header is a
    problem, an assumed layout a warning."""
    header_at = None
    names: list[str] | None = None
    for i, line in enumerate(lines):
        names = _header_names(line)
        if names is not None:
            header_at = i
            break
    if (header_at is None or names is None) and (typed_names := typed_header(typed)) is not None:
        assumed = f"no header (cut by a pipe?): rows read in the columns the typed `ps` names: {typed_names}"
        warnings.append(assumed)
        start = next((i for i, line in enumerate(lines) if line.strip()), 0)
        return _Columns(Layout("", typed_names.split()), start, start, [], assumed)
    if header_at is None or names is None:
        guess = _guess_layout(lines)
        if guess is None:
            return None
        name, header, fits, total, others = guess
        assumed = (f"no header: rows read as `{name}` ({header}): {fits} of {plural(total, 'line')} "
                   f"{'has' if fits == 1 else 'have'} its shape"
                   + (f"; also fits: {', '.join(others)}" if others else ""))
        warnings.append(assumed)
        start = next(i for i, line in enumerate(lines) if line.strip())
        # no header: the forest is measured from the end of TIME
        return _Columns(Layout("", header.split()), start, start, [], assumed)
    problems.extend((i, "text before the listing header") for i in range(header_at) if lines[i].strip())
    headers, start = [header_at], header_at + 1
    if start < len(lines) and _wrapped_tail(names, lines[start]):
        headers.append(start)  # the wrapped tail of the header
        start += 1
    return _Columns(Layout(lines[header_at], names), start, header_at, headers)


@dataclass
class _Walked:
    """What the walk over a listing's lines found besides its rows (all line indexes)."""

    segments: list[Segment]  # a different header starts a new segment
    joined: list[int]  # wrapped lines joined to the row above
    counts: list[TextCount]  # counts stated as text between the rows
    stated: list[int]  # their lines
    aligned: list[int]  # defunct rows read by the header's columns (blank values)
    headers: list[int]  # every header line, repeated or new
    last_header: int


def _walk(lines: Sequence[str], found: _Columns, file: str, first_line: int,
          problems: list[tuple[int, str]], warnings: list[str]) -> _Walked:
    """Read the rows in bulk (`Segment.read_rows`), and each line between them on its own: a count,
    a new header, a wrapped tail, an AIX defunct row with blank fields, else a problem."""
    segment = Segment(found.layout)
    segments = [segment]
    joined: list[int] = []
    counts: list[TextCount] = []
    stated: list[int] = []
    aligned: list[int] = []
    last_header = found.first_row
    headers = list(found.headers)
    i = found.start
    while (i := segment.read_rows(lines, i)) < len(lines):
        line, layout = lines[i], segment.layout
        # a wrapped tail may follow a row (or another tail) directly
        after_row = bool(segment.lines and segment.lines[-1] == i - 1 or joined and joined[-1] == i - 1)
        tail_next = i + 1 < len(lines) and _is_tail(segment.layout, lines[i + 1], relaxed=True)
        if not line.strip():
            pass
        elif (count := text_count(line, f"{file}:{first_line + i}")) is not None:
            counts.append(count)  # a count, not the tail of the row above (recognised, as a header)
            stated.append(i)
        elif (names := _header_names(line)) is not None:
            last_header = i
            headers.append(i)
            if i + 1 < len(lines) and _wrapped_tail(names, lines[i + 1]):
                headers.append(i + 1)
                last_header = i = i + 1
            if names != segment.layout.names:
                warnings.append(f"{file}:{first_line + i}: a new listing header: {' '.join(names)}")
                segment = Segment(Layout(line, names))
                segments.append(segment)
        elif tail_next and segment.layout.row_without_command(line):
            segment.add_row(line, i)  # its command is on the next line
            segment.join(lines, line, i + 1)
            joined.append(i + 1)
            i += 1
        elif after_row and joined[-1:] != [i - 1] and segment.drawing_only() and _is_tail(layout, line, True):
            segment.join(lines, lines[i - 1], i)
            joined.append(i)
        elif (after_row and (line[0].isspace() or len(lines[i - 1]) >= _WRAP_WIDTH) and _is_tail(layout, line)
              and not segment.complete()):
            # an indented tail, or the tail of a line as long as a terminal or a mail wraps at
            glue = "" if len(lines[i - 1]) in _HARD_WIDTHS and not line[0].isspace() else " "
            segment.append_tail(line.strip(), i, glue)
            joined.append(i)
        elif (fields := layout.aligned_defunct(line)) is not None:  # AIX: a zombie's blank fields
            segment.add_fields(fields, i)
            aligned.append(i)
        elif (i + 1 < len(lines) and lines[i + 1].strip() == "<defunct>"
              and (fields := layout.aligned_defunct(line, lines[i + 1])) is not None):
            segment.add_fields(fields, i, tail=i + 1)  # `<defunct>` alone on the next line
            aligned.append(i)
            joined.append(i + 1)
            i += 1
        else:
            problems.append((i, segment.layout.why_not(line, after_row)))
        i += 1
    return _Walked(segments, joined, counts, stated, aligned, headers, last_header)


def _listing(lines: Sequence[str], found: _Columns, walked: _Walked, file: str, first_line: int,
             problems: list[tuple[int, str]], warnings: list[str]) -> Listing:
    """The `Listing`: the segments' checked columns as one table, the problems as `unparsed`."""
    segments, joined, aligned = walked.segments, walked.joined, walked.aligned
    last = max([walked.last_header, *(each.lines[-1] for each in segments if each.lines), *joined[-1:]])
    tables = []
    for each in segments:
        table, rejected = each.columns(file, first_line)
        tables.append(table)
        problems.extend(rejected)
        warnings.extend(each.notes())
    if aligned:
        shown = ", ".join(f"{file}:{first_line + i}" for i in aligned[:5]) + (" ..." * (len(aligned) > 5))
        warnings.append(f"{plural(len(aligned), 'defunct row')} with blank columns (AIX prints no UID, STIME "
                        f"or TTY for a zombie) read by the header's columns: {shown}")
    if problems:
        problems.sort()
        joined = sorted(set(joined) - {line for line, _ in problems})
    filled = [table for table in tables if len(table)]
    processes = Columns.concat(filled or tables[:1])
    ppid_column = all("ppid" in each.layout.index for each in segments)
    from_tree = not ppid_column and any(each.depths for each in segments) and len(segments) == 1
    columns = segments[0].layout.names
    source = f"{file}:{first_line + found.first_row}-{first_line + last}"
    return Listing(
        unparsed=[Unparsed(f"{file}:{first_line + i}", lines[i], reason) for i, reason in problems],
        warnings=warnings + _warnings(processes, ppid_column, from_tree, joined, file, first_line, source),
        processes=processes,
        flavour=_FLAVOURS.get(tuple(columns), "custom"),
        forest=any(each.depths for each in segments),
        has_ppid=ppid_column or from_tree,
        parents_from_tree=from_tree,
        assumed_layout=found.assumed,
        columns=columns,
        source=source,
        recognised=[first_line + i for i in sorted(walked.headers + walked.stated)],
        counts=walked.counts,
    )


# A defunct row without its PID columns (`ps -eo stat,comm`, columns cut away): `Z    sh <defunct>`
_DEFUNCT_WITHOUT_PID = re.compile(r"\s*(?:Z[<NLsl+]*\s+\S.*|\S.*<defunct>\s*)", re.ASCII)


DEFUNCT_WITHOUT_PID = "a defunct row without a PID column"  # the reason of such a row, unparsed


def _no_pid_column(lines: Sequence[str], file: str, first_line: int) -> Listing:
    """Lines with no header and no known layout: unparsed, and the defunct rows among them counted
    (`7 defunct rows, no PID column: the parent cannot be named`), never lost."""
    defunct = [i for i, line in enumerate(lines)
               if line.strip() and len(line) < 4096 and _DEFUNCT_WITHOUT_PID.fullmatch(line)]
    header = next((i for i, line in enumerate(lines) if line.split()[:1] in (["STAT"], ["S"])), None)
    warnings = ["no process listing header (a line with PID ... CMD/COMMAND) was found"]
    if defunct:
        last = f"-{first_line + defunct[-1]}" if len(defunct) > 1 else ""
        warnings.insert(0, f"{plural(len(defunct), 'defunct row')}, no PID column: the parent cannot be "
                           f"named ({file}:{first_line + defunct[0]}{last}); capture a listing with PID and "
                           "PPID")
    reasons = {i: f"{DEFUNCT_WITHOUT_PID}: its parent cannot be named" for i in defunct}
    if header is not None:
        reasons[header] = "a listing header without a PID column"
    other = "no process listing header (PID ... CMD) found"
    return Listing(
        unparsed=[Unparsed(f"{file}:{first_line + i}", line, reasons.get(i, other))
                  for i, line in enumerate(lines) if line.strip()],
        warnings=warnings,
    )


# --- a listing collapsed onto one line (a web page lost its line ends) ------------------------------
_COLLAPSED_HEADER = re.compile(r"(?<!\S)(?:[A-Z%][A-Z0-9%_+-]*\s+){1,20}?(?:CMD|COMMAND|ARGS)(?=\s+\S)")
_FIELD_FORM = {"TIME": _TIME, "S": _ST, "STAT": _ST}
_NUMBERS = frozenset({"PID", "PPID", "C", "F", "SZ", "VSZ", "RSS"})


def _collapsed(line: str) -> list[str] | None:
    """The header and rows of a listing collapsed onto `line` (one piece each; text before the header
    is its own piece), or None when the line is not one."""
    header = _COLLAPSED_HEADER.search(line, 0, 4096)
    if header is None or "PID" not in header.group().split():
        return None
    names = header.group().split()
    forms = [_FIELD_FORM.get(name, r"\d+" if name in _NUMBERS else r"\S+") for name in names[:-1]]
    start_of_row = re.compile(r"(?<!\S)" + r"\s+".join(f"(?:{form})" for form in forms) + r"(?=\s|$)",
                              re.ASCII)
    starts = [found.start() for found in start_of_row.finditer(line, header.end())]
    if len(starts) < 2:
        return None
    pieces = [line[: header.start()], header.group(), line[header.end(): starts[0]]]
    pieces += [line[a:b] for a, b in zip(starts, [*starts[1:], len(line)], strict=True)]
    return [piece.strip() for piece in pieces if piece.strip()]


def glued_listing(typed: str) -> tuple[str, str]:
    """A shell command line with a collapsed listing glued after it (a web page lost the line ends):
    (the command, the listing); ("typed", "") for any other command line.

    >>> glued_listing("ps -ef | grep defunct UID PID PPID C STIME TTY TIME CMD root 7 1 0 10:00 ? 0:00 x")[0]
    'ps -ef | grep defunct'
    """
    if len(typed) < 60 or "PID" not in typed:
        return typed, ""
    header = _COLLAPSED_HEADER.search(typed, 0, 4096)
    if header is None or "PID" not in header.group().split() or not header.start():
        return typed, ""
    return typed[: header.start()].strip(), typed[header.start():]


def _uncollapse(lines: Sequence[str]) -> tuple[list[str], list[int]] | None:
    """`lines` with every collapsed listing line cut into its header and rows, and the index in
    `lines` of each line given; None when no line is collapsed (the usual case: one test a line)."""
    out: list[str] = []
    origin: list[int] = []
    for index, line in enumerate(lines):
        pieces = _collapsed(line) if len(line) > 160 and "PID" in line and "<defunct>" in line else None
        if pieces:  # a blank after them: the next line cannot be a wrapped tail of its last row
            pieces.append("")
        out.extend(pieces or [line])
        origin.extend([index] * len(pieces or [line]))
    return (out, origin) if len(out) > len(lines) + 1 else None


def _remap(listing: Listing, origin: list[int], file: str, first_line: int) -> Listing:
    """A listing parsed from cut lines, its `file:line`s put back on the lines they were cut from."""
    def line(number: int) -> int:
        return first_line + origin[number - 1]

    def source(text: str) -> str:
        name, _, numbers = text.rpartition(":")
        first, _, last = numbers.partition("-")
        a, b = line(int(first)), line(int(last or first))
        return f"{name}:{a}" if a == b else f"{name}:{a}-{b}"

    where = re.compile(re.escape(file) + r":(\d+(?:-\d+)?)")
    sources = [source(text) for text in values(listing, "processes", "source")]
    if sources:
        data = {name: list(values(listing, "processes", name)) for name in LISTING_COLUMNS}
        listing.processes = Columns(LISTING_COLUMNS, {**data, "source": sources}, len(sources))
    rows = {int(text.rsplit(":", 1)[1].split("-")[0]) for text in sources}
    listing.unparsed = [Unparsed(source(item.source), item.text, item.reason) for item in listing.unparsed]
    listing.recognised = sorted({line(n) for n in listing.recognised} - rows)
    listing.warnings = [where.sub(lambda found: source(found.group()), text) for text in listing.warnings]
    listing.warnings.append(f"{file}: a listing collapsed onto one line (the line ends were lost) was read "
                            "row by row")
    listing.source = source(listing.source) if listing.source else listing.source
    return listing


# A line at least this long may have been wrapped (mail at 72-80 columns, terminals at 80 or more);
# a terminal cuts at exactly its width, inside a word: the pieces are joined without a space.
_WRAP_WIDTH = 60
_HARD_WIDTHS = frozenset({80, 100, 120, 132, 160, 200})


def _is_tail(layout: Layout, line: str, relaxed: bool = False) -> bool:
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
        warnings.append(NO_PPID_WARNING.format(source=source))
    groups = _duplicate_groups(processes.data["pid"]) if processes.data.get("pid") is not None else []
    if groups:
        sources = processes.values("source")  # `file:line` made only for the rows named
        shown = "; ".join(
            f"{pid} ({', '.join(sources[row] for row in rows[:5])}"
            f"{f' and {count - 5:,} more' if count > 5 else ''})"
            for pid, rows, count in groups[:10])
        more = " ..." if len(groups) > 10 else ""
        warnings.append(f"duplicate PIDs (two captures mixed?): {shown}{more}")
    return warnings


def _duplicate_groups(pids: Sequence[int], limit: int = 11) -> list[tuple[int, list[int], int]]:
    """The first `limit` PIDs seen on several rows, in order of first appearance: (pid, its first six
    rows, how many rows).

    >>> _duplicate_groups([5, 7, 5, 9, 7, 5])
    [(5, [0, 2, 5], 3), (7, [1, 4], 2)]
    """
    if not hasattr(pids, "dtype") and len(set(pids)) == len(pids):  # the usual case: no numpy needed
        return []
    import numpy as np

    values = np.asarray(pids, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    repeat = np.zeros(len(values), dtype=bool)
    repeat[1:] = ordered[1:] == ordered[:-1]
    starts = np.flatnonzero(repeat[1:] & ~repeat[:-1])  # the first of each run of one PID
    starts = starts[np.argsort(order[starts], kind="stable")][:limit]  # by first appearance
    groups = []
    for start in starts.tolist():
        end = int(np.searchsorted(ordered, ordered[start], side="right"))
        groups.append((int(ordered[start]), order[start : min(end, start + 6)].tolist(), end - start))
    return groups
