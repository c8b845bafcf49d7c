"""What a bundle holds once read.

Every parser (`ucnb.read.parsers`) returns one of the small dataclasses below; `ucnb.read.bundle`
assembles them into `Bundle -> Node -> snapshots`. Column names of the DataFrames are part of the
public API (notebooks and reports use them) and listed once, in `ucnb.model.columns`.

The DataFrames (`Listing.processes`, `LoadSnapshot.processes`, `ServiceList.services`,
`Node.services`) are `Frame` attributes (`ucnb.model.columns`): parsers fill them with plain typed
`Columns` and pandas builds the frame on first access, so `ucnb inspect` never imports pandas.

Line numbers are 1-based and refer to the original file, so `source` strings (`file:line`)
always point at the evidence in what the customer sent.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from typing import Any

from ucnb.model.columns import LISTING_COLUMNS, LOAD_COLUMNS, SERVICE_COLUMNS, Frame


@dataclass(frozen=True)
class Unparsed:
    """A line that is neither data nor a recognised artefact."""

    source: str  # "file:line"
    text: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "text": self.text, "reason": self.reason}


@dataclass
class ParseResult:
    """What every parser returns on top of its own payload."""

    unparsed: list[Unparsed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Original line numbers of the non-blank lines read as something other than a row with its own
    # `source`: headers, summary and identity fields, chatter, joined wrapped tails. With the rows'
    # sources and `unparsed` they account for every non-blank input line (tests/read/test_nothing_lost.py).
    recognised: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class TextCount:
    """A count the capture states as text, kept as evidence: a script's `Zombies found = 46`, the
    bare number a `ps --ppid 4290 | grep -c Z` printed (`label` is then the command)."""

    label: str
    value: int
    source: str  # "file:line"


@dataclass
class LoadSummary:
    """The summary lines of one `top` snapshot, by field label.

    Memory figures are in KiB whatever unit top printed. Missing fields stay None.
    """

    time: str | None = None  # "09:14:02" from "top - 09:14:02 up ..."
    uptime: str | None = None  # "41 days,  3:07" as printed
    uptime_s: int | None = None
    users: int | None = None
    load_average: tuple[float, float, float] | None = None
    count_kind: str = "tasks"  # "tasks" or "threads" (show process load thread)
    total: int | None = None
    running: int | None = None
    sleeping: int | None = None
    stopped: int | None = None
    zombie: int | None = None  # THE zombie count of the seed procedure
    threads: int | None = None  # total of a `Threads:` line (top -H, `show process load thread`)
    cpu: dict[str, float] = field(default_factory=dict)  # us, sy, ni, id, wa, hi, si, st
    mem: dict[str, int] = field(default_factory=dict)  # total, used, free, buffers, cached, buff/cache, avail
    swap: dict[str, int] = field(default_factory=dict)
    source: str = ""  # "file:line" of the "top -" line (or first summary line)


@dataclass
class LoadSnapshot:
    """One `show process load` snapshot: summary + process table."""

    summary: LoadSummary
    processes: Frame = Frame(LOAD_COLUMNS, required=True)
    _: KW_ONLY  # for mypy, which reads the required Frame as a default
    source: str  # "file:first-last"
    captured_at: datetime | None = None  # filled by ucnb.read.bundle when the date is known


@dataclass
class LoadCapture(ParseResult):
    """A `show process load` output: one snapshot, or several with `cont`."""

    snapshots: list[LoadSnapshot] = field(default_factory=list)


@dataclass
class Listing(ParseResult):
    """A process listing (`show process list [detail]`, `ps -ef`, forest, `-elf`, `aux`, `-eo`)."""

    processes: Frame = Frame(LISTING_COLUMNS)
    flavour: str = "unknown"  # "ps -ef", "ps -elf", "ps aux", "custom"
    forest: bool = False
    has_ppid: bool = True  # the rows' parents are known: a PPID column, or the tree drawing (below)
    parents_from_tree: bool = False  # no PPID column: `ppid` read from the forest drawing (ps auxf)
    assumed_layout: str = ""  # no header: which known layout the rows were read in, and why
    columns: list[str] = field(default_factory=list)  # header column names as printed
    source: str = ""
    command: str = "show process list detail"  # canonical command it came from (set by ucnb.read.bundle)
    cut_short: bool = False  # the pager showed the output was not paged to its end (set by ucnb.read.bundle)
    captured_at: datetime | None = None  # filled by ucnb.read.bundle when the date is known
    counts: list[TextCount] = field(default_factory=list)  # counts stated as text among the rows
    # the listings of one moment joined into this one (several commands of one session): their sources
    joined: list[str] = field(default_factory=list)


@dataclass
class Counted(ParseResult):
    """The output of a command that prints a count (`... | grep -c Z`, `... | wc -l`)."""

    counts: list[TextCount] = field(default_factory=list)


@dataclass
class ServiceList(ParseResult):
    """`utils service list`."""

    services: Frame = Frame(SERVICE_COLUMNS)


@dataclass
class Identity(ParseResult):
    """Who the node is, from `show status`, `show version active`, `show network cluster`,
    `show tech ccm_service`. Every field optional; `cluster` lists the nodes of
    `show network cluster` as dicts (ip, fqdn, hostname, role, type)."""

    hostname: str | None = None
    product: str | None = None  # CUCM, IMnP, CUC when the output says so
    version: str | None = None
    os_version: str | None = None
    date: str | None = None  # "Thu Nov 20, 2026 10:29:45" as printed by show status
    uptime: str | None = None
    cluster: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""
    clock_source: str = ""  # "file:line" of the `show status` line that gave the uptime


@dataclass
class PerfmonLog(ParseResult):
    """One RIS Data Collector PerfMon CSV file (`PerfMon_<node>_<M>_<D>_<Y>_<h>_<m>.csv`, PDH CSV),
    reduced while read to what zombies need, one entry per poll (row) in file order.

    `zombies[i]` counts the `Process` instances whose `Process Status` is Zombie at poll `i` (None when
    the file logs no `Process Status`); `by_name[name][i]` the same per process name (instances
    `sh`, `sh#1`, `sh#2` are all `sh`); `processes`/`threads` are `System\\Total Processes` and
    `Total Threads` (None when not logged or blank). `status_mapping` says how `Process Status` was
    read ("words", "numbers" or "" when never seen) and `status_evidence` why."""

    file: str = ""
    host: str | None = None  # the node in the counter paths (`\\<host>\...`), maybe an address
    zone: str | None = None  # the header's time zone name, as written
    bias_minutes: int | None = None  # the header's bias (UTC = local time + bias), when written
    times: list[datetime] = field(default_factory=list)  # the node's local clock, as logged
    lines: list[int] = field(default_factory=list)  # the line of each poll
    zombies: list[int | None] = field(default_factory=list)
    processes: list[int | None] = field(default_factory=list)
    threads: list[int | None] = field(default_factory=list)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    zombie_pids: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid -> (name, first poll)
    counters: frozenset[str] = frozenset()  # `Object\\Counter` names of the header(s)
    instances: int = 0  # `Process` instances in the header(s)
    status_mapping: str = ""
    status_evidence: str = ""
    source: str = ""  # "file:first-last"
    command: str = "RIS PerfMon log"


@dataclass
class PerfmonTimeline:
    """A node's PerfMon polls over every file, oldest first (overlaps read once): the timeline the
    diagnosis reads (`ucnb.diagnosis.history`) and the pictures draw. Same fields as `PerfmonLog`,
    with each poll's `source` (`file:line`) instead of its line."""

    files: list[str] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    zombies: list[int | None] = field(default_factory=list)
    processes: list[int | None] = field(default_factory=list)
    threads: list[int | None] = field(default_factory=list)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    zombie_pids: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid -> (name, first poll)
    zone: str | None = None
    bias_minutes: int | None = None
    status_mapping: str = ""
    status_evidence: str = ""
    notes: list[str] = field(default_factory=list)  # rollovers, overlaps, gaps, counter set changes


@dataclass
class Section:
    """One command's output found in a file: what `inspect` reports."""

    command: str  # canonical command, or "unknown"
    source: str  # "file:first-last"
    rows: int = 0
    snapshots: int | None = None  # show process load only
    # what the output is, as its reader knows it: the command typed at a shell (`ps -ef`), or on a
    # Linux host a listing's layout (`ps aux`) or the program (`top`); "" when it is `command`
    label: str = ""
    flavour: str = ""  # a listing's layout (`Listing.flavour`): "" for other outputs


@dataclass
class Node:
    """One UC server as seen in the bundle. Lists are in capture order (oldest first)."""

    name: str
    product: str = "unknown"  # CUCM, IMnP, CUC, unknown; linux: no sign of UCOS (a Linux host, a container)
    identity: Identity = field(default_factory=Identity)
    loads: list[LoadSnapshot] = field(default_factory=list)  # every show process load snapshot
    listings: list[Listing] = field(default_factory=list)  # every process listing
    services: Frame = Frame(SERVICE_COLUMNS)
    restarts: list[dict[str, Any]] = field(default_factory=list)  # utils service restart transcripts
    perfmon_logs: list[PerfmonLog] = field(default_factory=list)  # RIS PerfMon CSV files, as read
    perfmon: PerfmonTimeline | None = None  # their polls merged (ucnb.read.bundle), oldest first
    counts: list[TextCount] = field(default_factory=list)  # counts stated as text (evidence)
    ucos: str = ""  # the first sign that the node runs UCOS (an `admin:` prompt, a UC output), evidence
    sections: list[Section] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def listing(self) -> Listing | None:
        """The process listing to diagnose: the latest, preferring a listing with PPID, then the full
        `show process list detail` (the seed's choice) over `show process list`, then over slices
        (`show process search/name/pid/user/using-most` print only some processes)."""
        rank = {"show process list detail": 2, "show process list": 1}
        if not self.listings:
            return None
        return max(
            enumerate(self.listings),
            key=lambda item: (item[1].has_ppid, rank.get(item[1].command, 0), item[0]),
        )[1]

    @property
    def latest_load(self) -> LoadSnapshot | None:
        return self.loads[-1] if self.loads else None


@dataclass(frozen=True)
class FileInfo:
    name: str  # path inside the bundle
    size: int
    sha256: str
    # when the file was last saved (ucnb.read.sources): from a tar or zip member (the archive's bytes) or
    # the file system ("disk": whoever last copied or extracted it); aware (UTC) when the zone is known
    mtime: datetime | None = None
    mtime_from: str = ""  # "tar", "zip", "disk"; "" when unknown


@dataclass
class Bundle:
    """Everything read from the PATHs given to `ucnb.load`."""

    nodes: list[Node] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # file name -> decoded text
    # the lines of files in which no command output was recognised (a README, a case note): no node
    not_understood: list[Unparsed] = field(default_factory=list)

    def node(self, name: str) -> Node:
        for candidate in self.nodes:
            if candidate.name == name:
                return candidate
        raise KeyError(name)
