"""The table of command families ucnb reads: one `CommandSpec` per canonical command.

Each entry says how the command is recognised (the words typed after a prompt, which option words
may follow them, and how its output starts when there is no prompt), which parser reads it, how
many rows the result has and where the result is filed on a node. The capture layer and the bundle
read only this table; adding a format is one parser module plus one entry here
(docs/internals.md, "How to add a format")::

    CommandSpec("show process load", parse=_load, files_as="loads", starts=r"top - |Tasks:|Threads:",
                args=r"(?:num\\s+\\S+|cont|thread|memory|cpu|time|page|\\S+)*", rows=_load_rows)

Every parser is called as `spec.parse(lines, file=..., first_line=..., typed=...)` and returns its
`ucnb.model.results` result (or None for output that is recognised and needs no reading).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ucnb.model.columns import rows
from ucnb.model.results import (
    Counted,
    Identity,
    Listing,
    LoadCapture,
    PerfmonLog,
    ServiceList,
    TextCount,
    Unparsed,
)
from ucnb.read.parsers.identity import parse_identity
from ucnb.read.parsers.listing import (
    glued_listing,
    looks_like_listing_header,
    looks_like_listing_row,
    parse_listing,
    wrapped_header,
)
from ucnb.read.parsers.load import looks_like_load_output, parse_load
from ucnb.read.parsers.perfmon import STARTS as PERFMON_STARTS
from ucnb.read.parsers.perfmon import parse_perfmon
from ucnb.read.parsers.proc_status import COMMAND as PROC_STATUS
from ucnb.read.parsers.proc_status import looks_like_proc_status, parse_proc_status
from ucnb.read.parsers.services import parse_service_restart, parse_services
from ucnb.read.recogniser import Recogniser

# Where a result goes on a `ucnb.model.results.Node` (ucnb.read.bundle files each kind):
#   loads: LoadCapture snapshots -> node.loads; listing: Listing -> node.listings;
#   services: ServiceList merged into node.services; identity: Identity merged into node.identity;
#   restart: dict -> node.restarts; perfmon: PerfmonLog -> node.perfmon_logs (merged into node.perfmon);
#   counts: Counted -> node.counts; None: recognised, nothing to file.
FilesAs = Literal["loads", "listing", "services", "identity", "restart", "perfmon", "counts"] | None


@dataclass(frozen=True)
class CommandSpec:
    """One command family (see the module docstring)."""

    name: str  # canonical command; typed words may be abbreviated ("sh proc lo")
    parse: Callable[..., Any] | None  # (lines, *, file, first_line, typed) -> result
    files_as: FilesAs = None
    rows: Callable[[Any], int] = lambda result: 0  # rows shown by `inspect`
    # What may follow the command words on the prompt line (a regular expression matched against the
    # rest, whole). Anything else there is output glued to the prompt line: it is handed to the parser.
    args: str = ""
    starts: str | None = None  # regex: the first line of its output, matched on the left-stripped line
    detect: Callable[[str], bool] | None = None  # a costlier test of a first line, run only when ...
    hint: tuple[str, ...] = ()  # ... one of these substrings is in the line (or always when empty)
    detect_rows: Callable[[str], bool] | None = None  # a data row seen outside any output (headerless)
    family: str = ""  # outputs of one family continue each other (a repeated header is no new output)
    shell: tuple[str, ...] = ()  # typed at a Linux shell prompt, these programs print this output
    reruns: bool = False  # its first line again after data is another run (a repeated `ps` header)
    counts: bool = False  # what a shell pipeline ending in a count (`| grep -c Z`, `| wc -l`) prints
    ucos: bool = False  # only UCOS prints it: the node is a UC server (the product guess)
    # (a shell command line) -> (the command, its output glued after it when a web page lost the line ends)
    glued: Callable[[str], tuple[str, str]] | None = None
    # (a line, the next) -> its header made whole, when a mail or a terminal wrapped it onto the next line
    wrapped: Callable[[str, str], str | None] | None = None
    sealed: bool = False  # once started, no content test cuts it (its own labels look like others')

    @property
    def group(self) -> str:
        return self.family or self.name


# --- adapters: every parser called the same way -----------------------------------------------------


def _load(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> LoadCapture:
    return parse_load(lines, file=file, first_line=first_line)


def _load_rows(result: LoadCapture) -> int:
    return sum(rows(snapshot, "processes") for snapshot in result.snapshots)


def _listing(command: str) -> Callable[..., Listing]:
    def parse(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> Listing:
        result = parse_listing(lines, file=file, first_line=first_line, typed=typed)
        # recognised by content (no admin command typed): the tree view is `show process list`
        by_content = typed is None or RECOGNISER.shell_command(typed) != "unknown"
        result.command = "show process list" if by_content and result.forest else command
        return result

    return parse


def _proc_status(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> Listing:
    return parse_proc_status(lines, file=file, first_line=first_line)


def _listing_rows(result: Listing) -> int:
    return rows(result, "processes")


def _services(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> ServiceList:
    return parse_services(lines, file=file, first_line=first_line)


def _service_rows(result: ServiceList) -> int:
    return rows(result, "services")


def _restart(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> dict[str, Any]:
    named = re.sub(r"^\S+\s+\S+\s+\S+\s*", "", typed) if typed else ""
    return parse_service_restart(lines, service=named or None, file=file, first_line=first_line)


def _identity(command: str) -> Callable[..., Identity]:
    def parse(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> Identity:
        return parse_identity(lines, command=command, file=file, first_line=first_line)

    return parse


def _identity_rows(result: Identity) -> int:
    if result.cluster:
        return len(result.cluster)
    return int(any((result.hostname, result.product, result.version, result.os_version, result.date)))


def _cluster_rows(result: Identity) -> int:
    return len(result.cluster)


def _perfmon(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> PerfmonLog:
    return parse_perfmon(lines, file=file, first_line=first_line)


def _perfmon_rows(result: PerfmonLog) -> int:
    return len(result.times)


def _counted(lines: Sequence[str], *, file: str, first_line: int, typed: str | None) -> Counted:
    """What a pipeline ending in a count printed: a bare number, kept as evidence (its label is the
    command); any other line is unparsed.

    >>> _counted(["10"], file="x", first_line=7, typed="ps --ppid 4290 | grep -c Z").counts
    [TextCount(label='ps --ppid 4290 | grep -c Z', value=10, source='x:7')]
    """
    result = Counted()
    for i, line in enumerate(lines):
        text = line.strip()
        if text.isdigit() and len(text) < 10:
            result.counts.append(TextCount(typed or "a count", int(text), f"{file}:{first_line + i}"))
            result.recognised.append(first_line + i)
        elif text:
            result.unparsed.append(Unparsed(f"{file}:{first_line + i}", text, "not a bare count"))
    return result


_ANY = r".*"
_SERVICE_ROW = re.compile(r"^\S.*\[ ?(STARTED|STOPPED|STARTING|STOPPING|NOTRUNNING) ?\]")
_LISTING = {"parse": None, "files_as": "listing", "rows": _listing_rows, "family": "listing"}


def _listing_spec(name: str, args: str, **more: Any) -> CommandSpec:
    return CommandSpec(name, **{**_LISTING, "parse": _listing(name), "args": args, **more})


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("show process load", _load, "loads", _load_rows,
                starts=r"top - |Tasks:|Threads:\s*\d+\s+total", shell=("top",),
                detect=looks_like_load_output, hint=(" processes", "load average", "PID"),
                args=r"(?:\s*(?:num\s+\S+|cont|thread|memory|cpu|time|page|sort\s+\S+|file\s+\S+))*"),
    _listing_spec("show process list detail", r"(?:\s*(?:page|file\s+\S+))*",
                  detect=looks_like_listing_header, hint=("PID",), detect_rows=looks_like_listing_row,
                  shell=("ps",), reruns=True, glued=glued_listing, wrapped=wrapped_header),
    _listing_spec("show process list", r"(?:\s*(?:page|file\s+\S+))*"),
    _listing_spec("show process search", _ANY),
    _listing_spec("show process name", _ANY),
    _listing_spec("show process pid", _ANY),
    _listing_spec("show process user", _ANY),
    _listing_spec("show process using-most", _ANY),
    CommandSpec(PROC_STATUS, _proc_status, "listing", _listing_rows, starts=r"Name:\s+\S+\s*$",
                detect=looks_like_proc_status, hint=("Name:",)),
    # UCOS outputs that the kit names and that hold no process data: recognised (the node is a UC
    # server), nothing to read
    *(CommandSpec(name, None, None, args=_ANY, starts=starts, ucos=True) for name, starts in (
        ("utils diagnose test", r"Starting diagnostic test|Log file: platform/log/diag\d*\.log"),
        ("utils dbreplication runtimestate", None), ("show cuc cluster status", None),
        ("utils disaster_recovery status backup", None), ("utils disaster_recovery history backup", None),
        ("utils service start", None), ("set cli pagination", None), ("file view install", None),
    )),
    # a shell pipeline ending in `grep -c` or `wc -l` (typed, never recognised by content)
    CommandSpec("shell count", _counted, "counts", lambda result: len(result.counts), counts=True),
    CommandSpec("utils service list", _services, "services", _service_rows, ucos=True,
                starts=r"Requesting service status|Service Manager is running", args=r"(?:\s*page)?",
                detect=lambda line: _SERVICE_ROW.match(line) is not None, hint=("[S", "[ S", "[NOT")),
    CommandSpec("utils service restart", _restart, "restart", lambda result: int(bool(result.get("service"))),
                ucos=True,
                starts=r"Do not press Ctrl\+C while the service is restarting", args=_ANY),
    CommandSpec("utils system restart", None, None, args=_ANY, ucos=True),
    CommandSpec("show status", _identity("show status"), "identity", _identity_rows, starts=r"Host Name\s*:",
                ucos=True),
    CommandSpec("show version active", _identity("show version active"), "identity", _identity_rows,
                starts=r"Active Master Version", ucos=True),
    CommandSpec("show network cluster", _identity("show network cluster"), "identity", _cluster_rows,
                starts=r"Server Table \(processnode\)", ucos=True),
    CommandSpec("show tech ccm_service", _identity("show tech ccm_service"), "identity", _identity_rows,
                ucos=True,
                starts=r"GroupName:", sealed=True),
    # A PerfMon CSV file is read from its bytes by ucnb.read.bundle (found by name or header, streamed);
    # pasted into a terminal log, its header starts the section.
    CommandSpec("RIS PerfMon log", _perfmon, "perfmon", _perfmon_rows,
                starts=PERFMON_STARTS, sealed=True, ucos=True),
)

BY_NAME = {spec.name: spec for spec in COMMANDS}
RECOGNISER = Recogniser(COMMANDS)
