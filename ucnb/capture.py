"""Layer 2: clean a captured text file and split it into sessions and command sections.

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
from dataclasses import dataclass, field
from datetime import datetime

from ucnb.errors import InputError
from ucnb.model import Unparsed
from ucnb.parsers.listing import looks_like_listing_header
from ucnb.sources import SourceFile

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
    r"Last login: .*|Connection to .* closed\.?|Copyright \(c\) .*Cisco.*|Cisco Systems.*)$"
)
# A cheap first test: only lines starting like this can be a prompt, banner, header or login noise.
MARKER_HINT = re.compile(
    r"=~=|Command Line|Welcome to the|VMware Inst|admin:|login as|\S+'s password|Password:"
    r"|Using keyboard|Last login|Connection to|Copyright|Cisco Systems"
)
VMWARE_BLOCK = "VMware Installation:"
PROMPT = re.compile(r"^admin:\s*(.*)$")

# --- commands --------------------------------------------------------------------------------

# canonical command -> its words; typed commands may abbreviate each word ("sh proc lo").
CANONICAL = [
    "show process load",
    "show process list detail",
    "show process list",
    "show process search",
    "show process name",
    "show process pid",
    "show process user",
    "show process using-most",
    "utils service list",
    "utils service restart",
    "utils system restart",
    "show status",
    "show version active",
    "show network cluster",
    "show tech ccm_service",
]
# every `show process ...` but load prints a slice of the process listing
LISTING_COMMANDS = {c for c in CANONICAL if c.startswith("show process ") and c != "show process load"}


def canonical_command(typed: str) -> str:
    """Map what was typed after `admin:` to a canonical command, or "unknown".

    >>> canonical_command("show process load num all cont")
    'show process load'
    >>> canonical_command("sh proc list det")
    'show process list detail'
    """
    words = typed.split()
    best = "unknown"
    best_len = 0
    for candidate in CANONICAL:
        cwords = candidate.split()
        if len(words) < len(cwords):
            continue
        if all(w == c or (len(w) >= 2 and c.startswith(w)) for w, c in zip(words, cwords, strict=False)):
            # "show process list detail" must win over "show process list"
            if len(cwords) > best_len:
                best, best_len = candidate, len(cwords)
    return best


# Lines that start a command's output, by their first words (checked on the left-stripped line).
OUTPUT_START = re.compile(
    r"(?P<load>top - |Tasks:|Threads:)"
    r"|(?P<services>Requesting service status|Service Manager is running)"
    r"|(?P<restart>Do not press Ctrl\+C while the service is restarting)"
    r"|(?P<status>Host Name\s*:)"
    r"|(?P<version>Active Master Version)"
    r"|(?P<cluster>Server Table \(processnode\))"
    r"|(?P<tech>GroupName:)"
)
OUTPUT_START_COMMAND = {
    "load": "show process load",
    "services": "utils service list",
    "restart": "utils service restart",
    "status": "show status",
    "version": "show version active",
    "cluster": "show network cluster",
    "tech": "show tech ccm_service",
}
SERVICE_ROW = re.compile(r"^\S.*\[ ?(STARTED|STOPPED|STARTING|STOPPING|NOTRUNNING) ?\]")


def detect_command(line: str) -> str | None:
    """The command whose output starts with this line, judged by content alone.

    Called on every line of prompt-less text, so the common case (a data row) costs one anchored
    regex match and three substring tests.

    >>> detect_command("Tasks: 318 total,   1 running, 314 sleeping,   0 stopped,   3 zombie")
    'show process load'
    """
    stripped = line.lstrip()
    match = OUTPUT_START.match(stripped)
    if match:
        return OUTPUT_START_COMMAND[match.lastgroup or ""]
    if ("[S" in stripped or "[ S" in stripped or "[NOT" in stripped) and SERVICE_ROW.match(stripped):
        return "utils service list"
    if "PID" in stripped and looks_like_listing_header(line):
        return "show process list detail"
    return None


# --- data ------------------------------------------------------------------------------------


@dataclass
class CaptureSection:
    """One command's output inside a file."""

    file: str
    session: int  # index of the session in the file (a banner or logger header starts one)
    command: str  # canonical command or "unknown"
    typed: str | None  # what followed `admin:`, None when recognised by content
    first_line: int  # original line number of lines[0]
    lines: list[str]  # cleaned lines, "" for noise
    cut_short: bool = False  # the pager said (lines A - B of C) with B < C at the end

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1

    @property
    def source(self) -> str:
        first = self.first_line
        last = self.last_line
        for i, text in enumerate(self.lines):  # trim blank edges for a tight range
            if text.strip():
                first = self.first_line + i
                break
        for i in range(len(self.lines) - 1, -1, -1):
            if self.lines[i].strip():
                last = self.first_line + i
                break
        return f"{self.file}:{first}-{last}"


@dataclass
class Capture:
    """A cleaned file: its sections, the session start times, what could not be placed."""

    file: str
    root: str
    text: str = ""  # the decoded file, as read (evidence lines are quoted from it)
    sections: list[CaptureSection] = field(default_factory=list)
    session_times: dict[int, datetime] = field(default_factory=dict)
    session_count: int = 1
    unparsed: list[Unparsed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- cleaning --------------------------------------------------------------------------------


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head and head.count(b"\x00") > len(head) // 100:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 27 or 27 < b < 32)
    return controls > len(head) // 10


def decode(src: SourceFile) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 with replacement (warned), NULs removed. Binary files raise InputError."""
    if _is_binary(src.data):
        raise InputError(f"{src.name}: binary data, not a text capture")
    warnings = []
    data = src.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
        warnings.append(f"{src.name}: NUL bytes removed")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad:
        warnings.append(f"{src.name}: {bad} byte(s) are not UTF-8; shown as \ufffd")
    return text, warnings


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
    last: tuple[int, int, int] | None = None


def clean_line(raw: str, pager: _Pager | None = None) -> str:
    """Remove every terminal artefact from one line; what is left is data (maybe empty).

    >>> clean_line("\\x1b[1m 7313 ccmservi\\x1b[0m  20 \\r\\n")
    ' 7313 ccmservi  20'
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
    return line.rstrip()


def _parse_logger_time(match: re.Match[str]) -> datetime | None:
    try:
        return datetime(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def read_capture(src: SourceFile) -> Capture:
    """Clean one file and cut it into command sections.

    Sections come from prompts (`admin:<command>`); text outside prompts is cut by content
    (a `top -` line, a listing header, `Host Name :`...). Lines that are neither noise nor in a
    recognised section are returned as unparsed.
    """
    text, warnings = decode(src)
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    capture = Capture(file=src.name, root=src.root, text=text, warnings=warnings)
    cleaned: list[str] = []
    # line index -> ("session", time) | ("prompt", typed) | ("noise",)
    markers: dict[int, tuple] = {}
    pagers: dict[int, tuple[int, int, int]] = {}  # line index -> (A, B, C) of a pager prompt
    in_vmware = False
    pager = _Pager()
    for index, raw in enumerate(raw_lines):
        pager.last = None
        line = clean_line(raw, pager)
        if pager.last is not None:
            pagers[index] = pager.last
        stripped = line.strip()
        marker: tuple | None = None
        if in_vmware and stripped and line[:1].isspace():
            marker = ("noise",)
        elif not MARKER_HINT.match(stripped):
            in_vmware = False
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
        if marker is not None:
            markers[index] = marker
            line = ""
        cleaned.append(line)
    _split(capture, cleaned, markers, pagers)
    return capture


def _split(
    capture: Capture, cleaned: list[str], markers: dict[int, tuple], pagers: dict[int, tuple[int, int, int]]
) -> None:
    session = 0
    session_has_content = False
    awaiting_command = False  # a bare `admin:` prompt: the command is on the next line
    current: CaptureSection | None = None
    last_pager: tuple[int, int, int] | None = None

    def close() -> None:
        nonlocal current, last_pager
        if current is not None:
            while current.lines and not current.lines[-1].strip():
                current.lines.pop()
            current.cut_short = last_pager is not None and last_pager[1] < last_pager[2]
            if current.lines or current.typed:
                capture.sections.append(current)
        current = None
        last_pager = None

    def open_section(command: str, typed: str | None, index: int) -> CaptureSection:
        nonlocal session_has_content
        session_has_content = True
        return CaptureSection(capture.file, session, command, typed, index + 1, [])

    for index, line in enumerate(cleaned):
        if index in pagers:
            last_pager = pagers[index]
        marker = markers.get(index)
        if marker is not None:
            kind = marker[0]
            if kind == "session":
                close()
                if session_has_content:
                    session += 1
                    session_has_content = False
                if marker[1] is not None:
                    capture.session_times[session] = marker[1]
                continue
            if kind == "prompt":
                close()
                awaiting_command = not marker[1]
                if marker[1]:
                    current = open_section(canonical_command(marker[1]), marker[1], index + 1)
                continue
            # plain noise inside a section keeps the line numbering
            if current is not None:
                current.lines.append("")
            continue
        stripped = line.strip()
        if awaiting_command and stripped:
            awaiting_command = False
            command = canonical_command(stripped)
            if command != "unknown" or COMMAND_WORD.match(stripped):
                cleaned[index] = ""
                current = open_section(command, stripped, index + 1)
                continue
        if current is None:
            if not stripped:
                continue
            detected = detect_command(line)
            if detected is None:
                session_has_content = True
                capture.unparsed.append(
                    Unparsed(f"{capture.file}:{index + 1}", stripped, "outside any recognised command output")
                )
                continue
            current = open_section(detected, None, index)
        elif stripped and (current.typed is None or current.command == "unknown"):
            # prompt-less text: a new command's output may start without a prompt
            detected = detect_command(line)
            if detected is not None and _starts_new_output(current, detected):
                close()
                current = open_section(detected, None, index)
        current.lines.append(line)
    close()
    capture.session_count = session + 1


COMMAND_WORD = re.compile(r"^(show|utils|file|set|run|delete|license|unset)\b")


def _starts_new_output(current: CaptureSection, detected: str) -> bool:
    if detected == current.command or current.command == "show tech ccm_service":
        return False  # one more `top` snapshot, a repeated header; show tech has labels of its own
    if current.command in LISTING_COMMANDS and detected == "show process list detail":
        return False
    return True
