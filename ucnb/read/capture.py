"""Clean a captured text file and split it into sessions and command sections.

A capture is whatever the customer sent: a file written by the CLI's `file` option (no prompt), a
copy-paste of one command, or a whole PuTTY/SecureCRT log with many commands, pager prompts, ANSI
codes and CRLF, maybe several sessions on several nodes. Example::

    =~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2026.11.20 10:29:41 =~=~=~=~=~=~=~=~=~=~=~=
    admin:show process load
    top - 10:29:52 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40
    ...
    options: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 20 of 312) :

Cleaning never changes the number of lines: a line that is only an artefact becomes `""`, so
`lines[i]` is always original line `i + 1` and every `file:line` points at the customer's file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ucnb.errors import InputError
from ucnb.read.markup import has_markup, join_wrapped_headers, unwrap_markup
from ucnb.read.parsers.commands import RECOGNISER
from ucnb.read.recogniser import Recogniser, line_indexes, line_start
from ucnb.read.secrets import mask_secrets
from ucnb.read.sections import Capture, CaptureSection, Splitter
from ucnb.read.sources import SourceFile
from ucnb.text import plural

__all__ = ["Capture", "CaptureSection", "canonical_command", "capture_text", "clean_line", "decode",
           "detect_command", "has_markup", "join_wrapped_headers", "read_capture", "unwrap_markup"]

# --- artefacts -------------------------------------------------------------------------------

# CSI (also the 8-bit \x9b form), OSC, charset selection, and the two-character escapes (ESC 7,
# ESC Z...); a lone ESC left after them (cut sequence) is dropped too: it is never data.
ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]"
    r"|\x1b[0-Z\\^-~]|\x1b"
)
PAGER_OPTIONS = re.compile(
    r"options: q=quit, n=next, p=prev, b=begin, e=end \(lines (\d+) - (\d+) of (\d+)\) ?:?"
)
PAGER_PRESS = re.compile(r"Press <enter> for 1 line, <space> for one page, or <q> to quit")
END_OF_FILE = re.compile(r"end of the file reached")
CTRL_C = re.compile(r"\^C")
LOGGER_HEADER = re.compile(
    r"^=~=~=~=~=~=~=~=~=~=~=~= PuTTY log (\d{4})\.(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2})"
    r" =~=~=~=~=~=~=~=~=~=~=~=$"
)
BANNER = re.compile(
    r"^(Command Line Interface is starting up, please wait \.\.\."
    r"|Welcome to the Platform Command Line Interface)"
)
LOGIN_NOISE = re.compile(
    r"^(login as: .*|\S+'s password:.*|Password:.*|Using keyboard-interactive authentication\.|"
    r"Last login: .*|Connection to .* closed\.?|Copyright \(c\) .*Cisco.*|Cisco Systems.*"
    r"|Connected \(version [^)]*\)|Authentication \(\w[\w-]*\) successful!?)$"  # paramiko's log
)
# A cheap first test: only lines starting like this can be a prompt, banner, header or login noise.
MARKER_HINT = re.compile(
    r"=~=|Command Line|Welcome to the|VMware Inst|admin:|login as|\S+'s password|Password:"
    r"|Using keyboard|Last login|Connection to|Copyright|Cisco Systems|Connected \(|Authentication \("
    r"|ucnb collect: output cut short"
)
COLLECT_CUT = "ucnb collect: output cut short"  # ucnb.collect.plan.CUT_MARK: the output stopped here
VMWARE_BLOCK = "VMware Installation:"
PROMPT = re.compile(r"^admin:\s*(.*)$")
# A Linux shell prompt: `user@host:~$ ps aux`, `[root@host ~]# ps`, `sh-4.2$ ps`, `$ ps`, `#top`, and a
# bare `$` or `#` (the prompt left at the end of a paste, in a file that has prompts).
SHELL_PROMPT = re.compile(
    r"^(?:\[[\w.-]+@[\w.-]+[^\]]*\]\s?[$#]|[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[$#]|(?:ba)?sh-\d+(?:\.\d+)*[$#]"
    r"|[$#](?=\s*(?:sudo\s+)?[a-z][\w.-]*(?:\s|$))|[$#](?=\s*$))\s*(.*)$"
)
# Session-log time stamps in front of a line (paramiko/netmiko/Ansible/logging, SecureCRT):
# `2021-06-16 09:31:33,662 - `, `2021-06-16 09:31:33,662 p=12 u=me n=ansible | `, `[2021-06-16 09:31:33] `,
# `[09:31:33] `; the time is kept as the capture time of the output it stands in front of.
# A time without a date is a stamp only in brackets (`10:29:46 up 41 days` is an uptime line).
_DATE, _CLOCK = r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", r"\d{2}:\d{2}:\d{2}"
TIME_STAMP = re.compile(
    rf"^(?:\[(?:(?P<bdate>{_DATE})[ T])?(?P<btime>{_CLOCK})(?:[.,]\d{{1,6}})?\]"
    rf"|(?P<date>{_DATE})[ T](?P<time>{_CLOCK})(?:[.,]\d{{1,6}})?(?:Z|[+-]\d{{2}}:?\d{{2}})?)"
    r"(?:\s+p=\d+\s+u=\S+\s+n=\S+\s*\|| -(?= |$)|:(?= ))?(?: |$)"
)
_STAMP_START = rf"(?:\[(?:(?:{_DATE})[ T])?{_CLOCK}|(?:{_DATE})[ T]{_CLOCK})"
TIME_STAMP_AT_START = re.compile(_STAMP_START)
TIME_STAMP_AFTER_NEWLINE = re.compile(rf"\n{_STAMP_START}")  # a literal first character: a fast search
# Anything `clean_line` would change besides trailing spaces (each looked for once per file).
ARTEFACT_HINTS = ("\x1b", "\x9b", "\r", "\b", "\t", "^", "options:", "Press <enter>", "end of the file")
ARTEFACT_HINTS_BUT_CR = tuple(hint for hint in ARTEFACT_HINTS if hint != "\r")
MARKER_LINE = line_start(MARKER_HINT.pattern)  # a line that may be a marker (prompt, banner, noise)
# User decorations in front of a row (`--> `, `==> `) and an ellipsis closing a cut line.
DECORATION = re.compile(r"^\s*(?:-->|==>)\s?")


# --- commands --------------------------------------------------------------------------------


def canonical_command(typed: str, recogniser: Recogniser | None = None) -> str:
    """Map what was typed after `admin:` to a canonical command, or "unknown".

    >>> canonical_command("show process load num all cont")
    'show process load'
    >>> canonical_command("sh proc list det")
    'show process list detail'
    """
    return (recogniser or RECOGNISER).command(typed)[0]


def detect_command(line: str, recogniser: Recogniser | None = None) -> str | None:
    """The command whose output starts with this line, judged by content alone.

    >>> detect_command("Tasks: 318 total,   1 running, 314 sleeping,   0 stopped,   3 zombie")
    'show process load'
    """
    return (recogniser or RECOGNISER).detect(line)


# --- cleaning --------------------------------------------------------------------------------


# the control bytes that text does not hold (not TAB, LF, VT, FF, CR, ESC)
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 27 or 27 < b < 32)


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head and head.count(b"\x00") > len(head) // 100:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C
    return controls > len(head) // 10


_LONE_CR = re.compile(r"(?m)^[^\r\n]*+\r(?!\n)[^\n]*")  # from a line's start: linear on a long line


def _line_end_or_overwrite(match: re.Match[str]) -> str:
    """A line holding a lone CR: the CR ends a line unless it is a terminal overwrite (a segment on
    either side is blank, as when a pager prompt is erased, or the first is a pager prompt)."""
    line = match.group()
    segments = line.rstrip("\r").split("\r")
    if len(segments) < 2 or any(not ANSI.sub("", part).strip() for part in segments):
        return line
    if any(PAGER_OPTIONS.search(part) or PAGER_PRESS.search(part) for part in segments):
        return line
    return "\n".join(segments) + line[len(line.rstrip("\r")):]


_UTF16 = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def decode(src: SourceFile) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 with replacement (warned), NULs removed; UTF-16 with its byte order mark
    (Notepad's "Unicode") and UTF-8 with one; credentials masked (`ucnb.read.secrets`: nothing
    downstream ever sees a password). Binary files raise InputError.

    In a CRLF file, a lone CR that is not a terminal overwrite ends a line (a row is not lost under
    the next one)::

        decode(SourceFile("x", "x", b"a\\r\\nrow 1\\rrow 2\\r\\n"))[0]  # 'a\\r\\nrow 1\\nrow 2\\r\\n'
    """
    warnings = []
    data = src.data
    utf16 = _UTF16.get(data[:2])
    if utf16 is not None:  # Windows Notepad's "Unicode": UTF-16 with its byte order mark
        text = data[2:].decode(utf16, errors="replace")
        if "\x00" in text:
            text = text.replace("\x00", "")
            warnings.append(f"{src.name}: NUL characters removed")
    else:
        if _is_binary(data):
            raise InputError(f"{src.name}: binary data, not a text capture")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if b"\x00" in data:
            data = data.replace(b"\x00", b"")
            warnings.append(f"{src.name}: NUL bytes removed")
        text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad:
        verb = "is" if bad == 1 else "are"
        warnings.append(f"{src.name}: {plural(bad, 'byte')} {verb} not UTF-8; shown as \ufffd")
    if "\r" in text and "\r\n" in text and text.count("\r") > text.count("\r\n"):
        split = _LONE_CR.sub(_line_end_or_overwrite, text)
        if split != text:
            lone = split.count(chr(10)) - text.count(chr(10))
            warnings.append(
                f"{src.name}: {plural(lone, 'lone carriage return')} in a "
                "CRLF file read as line ends (line numbers count them)"
            )
            text = split
    return mask_secrets(text), warnings  # credentials never go further (ucnb.read.secrets)


def _overlay_carriage_returns(line: str) -> str:
    """Apply `\\r` as a terminal does: each segment overwrites from column 0."""
    screen: list[str] = []
    for segment in line.split("\r"):
        for i, ch in enumerate(segment):
            if i < len(screen):
                screen[i] = ch
            else:
                screen.append(ch)
    return "".join(screen)


def _apply_backspaces(line: str) -> str:
    out: list[str] = []
    for ch in line:
        if ch == "\b":
            if out:
                out.pop()
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class _Pager:
    """What `clean_line` noticed on a line: a pager prompt's (A, B, C), a time stamp's text."""

    last: tuple[int, int, int] | None = None
    stamp: tuple[str | None, str] | None = None  # (date or None, HH:MM:SS)


def clean_line(raw: str, pager: _Pager | None = None, stamps: bool = True, marks: bool = True) -> str:
    """Remove every terminal artefact and decoration from one line; what is left is data (maybe empty).

    >>> clean_line("\\x1b[1m 7313 ccmservi\\x1b[0m  20 \\r")
    ' 7313 ccmservi  20'
    >>> clean_line("2021-06-16 09:31:33,662 - Active Master Version: 11.5.1.12900-21")
    'Active Master Version: 11.5.1.12900-21'
    """
    line = raw
    if "\x1b" in line or "\x9b" in line:
        line = ANSI.sub("", line)
    if "\r" in line:
        line = line.rstrip("\r")
        if "\r" in line:
            line = _overlay_carriage_returns(line)
    if "\b" in line:
        line = _apply_backspaces(line)
    if stamps and line[:1] in "[0123456789" and line and (stamp := TIME_STAMP.match(line)):
        if pager is not None:
            found = stamp.group("date", "time") if stamp.group("time") else stamp.group("bdate", "btime")
            pager.stamp = (found[0], found[1])
        line = line[stamp.end():]
    if "options:" in line:
        def _note(match: re.Match[str]) -> str:
            if pager is not None:
                pager.last = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
            return ""

        line = PAGER_OPTIONS.sub(_note, line)
    if "Press <enter>" in line:
        line = PAGER_PRESS.sub("", line)
    if "end of the file" in line:
        line = END_OF_FILE.sub("", line)
    if "^C" in line:
        line = CTRL_C.sub("", line)
    if "\t" in line:
        line = line.expandtabs(8)
    line = line.rstrip()
    if not marks:
        return line
    if line.endswith("\u2026"):  # a cut line marked by its writer
        line = line[:-1].rstrip()
    if ">" in line[:8] and (decoration := DECORATION.match(line)):
        line = line[decoration.end():]
    return line


def _parse_logger_time(match: re.Match[str]) -> datetime | None:
    try:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _stamp_time(stamp: tuple[str | None, str], day: datetime | None) -> datetime | None:
    """A log time stamp as a moment (its own date, else the day of the last dated stamp)."""
    date, clock = stamp
    try:
        if date is None:
            if day is None:
                return None
            return datetime.combine(day.date(), datetime.strptime(clock, "%H:%M:%S").time())
        fmt = "%Y-%m-%d %H:%M:%S" if "-" in date else "%m/%d/%Y %H:%M:%S"
        return datetime.strptime(f"{date} {clock}", fmt)
    except ValueError:
        return None


def read_capture(src: SourceFile, recogniser: Recogniser | None = None) -> Capture:
    """Clean one file and cut it into command sections.

    Sections come from prompts (`admin:<command>`, a Linux shell prompt); text outside prompts is cut
    by content (a `top -` line, a listing header or row, `Host Name :`...: the `starts`/`detect` of
    the command table). Lines that are neither noise nor in a recognised section are unparsed.
    """
    return capture_text(src.name, src.root, *decode(src), recogniser)


def capture_text(name: str, root: str, text: str, warnings: list[str],
                 recogniser: Recogniser | None = None) -> Capture:
    """`read_capture` of a file already decoded (its bytes need not be kept meanwhile)."""
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    capture = Capture(file=name, root=root, text=text, warnings=warnings)
    if has_markup(text):  # a web page, a mail, Markdown: the markup is taken off
        capture.markup = unwrap_markup(name, raw_lines, text)
    # line index -> ("session", time) | ("prompt", typed) | ("shell", typed) | ("noise",)
    markers: dict[int, tuple] = {}
    pagers: dict[int, tuple[int, int, int]] = {}  # line index -> (A, B, C) of a pager prompt
    times: dict[int, datetime] = {}  # line index -> the time stamp in front of it
    # what a file holds nowhere costs nothing per line: time stamps, decorations, shell prompts
    stamps = bool(TIME_STAMP_AT_START.match(text, 0, 65536)  # a session log's stamps start early
                  or TIME_STAMP_AFTER_NEWLINE.search(text, 0, 65536))
    marks = "\u2026" in text or ">" in text and ("-->" in text or "==>" in text)
    shells = "$" in text or "#" in text
    # clean_line would change nothing but trailing blanks (a CR is one when every CR ends a line)
    crlf = "\r" in text and text.count("\r") == text.count("\r\n")
    hints = ARTEFACT_HINTS_BUT_CR if crlf else ARTEFACT_HINTS
    if not stamps and not marks and not any(hint in text for hint in hints):
        cleaned = list(map(str.rstrip, raw_lines))  # one C loop instead of a call a line
        if VMWARE_BLOCK in text:  # its indented lines are noise: read line by line
            _mark_lines(cleaned, range(len(cleaned)), shells, markers, pagers)
        else:  # only the lines that may be a marker are looked at
            candidates = line_indexes(text, MARKER_LINE, ("$", "#") if shells else ())
            _mark_lines(cleaned, candidates, shells, markers, pagers)
    else:
        cleaned = _clean_lines(raw_lines, stamps, marks, pagers, times)
        _mark_lines(cleaned, range(len(cleaned)), shells, markers, pagers)
    del raw_lines  # (the cleaned lines are mostly the same strings: one list of them is enough)
    if "PID" in text:  # a `ps` header a mail or a terminal wrapped: joined before reading
        capture.markup += join_wrapped_headers(name, cleaned, line_indexes(text, None, ("PID",)), recogniser)
    Splitter(capture, (recogniser or RECOGNISER), markers, pagers, times).run(cleaned)
    return capture


def _clean_lines(raw_lines: list[str], stamps: bool, marks: bool, pagers: dict[int, tuple[int, int, int]],
                 times: dict[int, datetime]) -> list[str]:
    """`clean_line` on every line; notes the pager prompts and the time stamps met."""
    cleaned: list[str] = []
    day: datetime | None = None
    pager = _Pager()
    for index, raw in enumerate(raw_lines):
        cleaned.append(clean_line(raw, pager, stamps, marks))
        if pager.last is not None:
            pagers[index] = pager.last
            pager.last = None
        if pager.stamp is not None:
            if (moment := _stamp_time(pager.stamp, day)) is not None:
                times[index] = day = moment
            pager.stamp = None
    return cleaned


def _mark_lines(cleaned: list[str], indexes: Sequence[int], shells: bool, markers: dict[int, tuple],
                pagers: dict[int, tuple[int, int, int]]) -> None:
    """Find the markers (prompts, session starts, noise) among the lines at `indexes` (in order; the
    lines not given are none) and blank them in `cleaned`."""
    in_vmware = False
    for index in indexes:
        line = cleaned[index]
        stripped = line.strip()
        marker: tuple | None = None
        if in_vmware and stripped and line[:1].isspace():
            marker = ("noise",)
        elif not MARKER_HINT.match(stripped):
            in_vmware = False
            # a shell prompt holds a `$` or `#` (two cheap tests, only in a file that has one)
            if shells and ("$" in stripped or "#" in stripped) and (shell := SHELL_PROMPT.match(stripped)):
                marker = ("shell", shell.group(1).strip())
        else:
            in_vmware = False
            header = LOGGER_HEADER.match(stripped)
            if header:
                marker = ("session", _parse_logger_time(header))
            elif BANNER.match(stripped):
                marker = ("session", None)
            elif stripped.startswith(VMWARE_BLOCK):
                in_vmware = True
                marker = ("noise",)
            elif prompt := PROMPT.match(stripped):
                marker = ("prompt", prompt.group(1).strip())
            elif LOGIN_NOISE.match(stripped):
                marker = ("noise",)
            elif stripped.startswith(COLLECT_CUT):
                marker = ("noise",)
                pagers[index] = (0, 0, 1)  # as a pager stopped before the end: the section is cut short
        if marker is not None:
            markers[index] = marker
            cleaned[index] = ""
