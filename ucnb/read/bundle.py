"""Read a bundle (folders, files, archives) into nodes and their snapshots.

    >>> import ucnb
    >>> bundle = ucnb.load("sample_outputs/ex1_cucm_amc/before")
    >>> node = bundle.nodes[0]
    >>> node.name, node.product, node.latest_load.summary.zombie
    ('cucm-sub1', 'CUCM', 1)
    >>> node.listing.processes.query("zombie")[["pid", "ppid"]].values.tolist()
    [[22908, 29815]]

`Node.loads[i].processes` and `Node.listing.processes` are DataFrames whose columns are documented
in `ucnb.model.results` (`LOAD_COLUMNS`, `LISTING_COLUMNS`); `Node.services` has `SERVICE_COLUMNS`.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from os import PathLike
from typing import Any

from ucnb.errors import InputError
from ucnb.knowledge.catalogue import CATALOGUE, UCOS_PATHS
from ucnb.knowledge.linux import PROCESS_WORDS, linux_words
from ucnb.model.columns import LISTING_COLUMNS, SERVICE_COLUMNS, Columns, distinct, rows, values
from ucnb.model.results import (
    Bundle,
    FileInfo,
    Identity,
    Listing,
    Node,
    PerfmonLog,
    Section,
    ServiceList,
    Unparsed,
)
from ucnb.read.capture import Capture, CaptureSection, capture_text, decode
from ucnb.read.parsers.commands import BY_NAME, RECOGNISER
from ucnb.read.parsers.listing import NO_PPID_WARNING
from ucnb.read.parsers.perfmon import looks_like_perfmon, merge_logs, parse_perfmon, text_lines
from ucnb.read.secrets import mask_secrets
from ucnb.read.sources import SourceFile, read_sources
from ucnb.text import plural, printable

DEFAULT_MAX_TOTAL_BYTES = 512 * 2**20
DEFAULT_MAX_MEMBERS = 10_000


@dataclass
class ParsedSection:
    """A capture section and what its parser made of it."""

    section: CaptureSection
    result: Any  # LoadCapture | Listing | ServiceList | Identity | dict | None
    rows: int
    unparsed: list[Unparsed]
    warnings: list[str]


@dataclass
class _Session:
    """The sections of one session of one file (a file without banners is one session)."""

    file: str
    root: str
    index: int
    started: datetime | None
    parsed: list[ParsedSection] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    alias: str | None = None  # a PerfMon log's node, as the other captures name it (_resolve_perfmon)

    @property
    def hostname(self) -> str | None:
        for item in self.parsed:
            if isinstance(item.result, Identity) and item.result.hostname:
                return item.result.hostname
            if isinstance(item.result, PerfmonLog) and item.result.host:
                return self.alias or item.result.host
        return None

    @property
    def perfmon_host(self) -> str | None:
        return next((item.result.host for item in self.parsed if isinstance(item.result, PerfmonLog)), None)


def load(
    *paths: str | PathLike[str],
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Bundle:
    """Read captures (folders, files, archives; several paths form one bundle) into a Bundle.

    Raises `InputError` when nothing usable is found (empty, binary, no capture, bad archive).
    """
    if not paths:
        raise InputError("no input path given")
    sources = read_sources(list(paths), max_total_bytes=max_total_bytes, max_members=max_members)
    bundle = Bundle(warnings=list(sources.warnings))
    sessions: list[_Session] = []
    problems: list[str] = []
    files, sources.files = sources.files[::-1], []  # each file's bytes are let go once decoded
    while files:
        src = files.pop()
        if posixpath.basename(src.name) == "collect.json" and b'"schema": "ucnb.collect/' in src.data[:200]:
            continue  # the record `ucnb collect` writes next to the captures, not a capture
        digest = hashlib.sha256(src.data).hexdigest()
        bundle.files.append(FileInfo(src.name, len(src.data), digest, src.mtime, src.mtime_from))
        if not src.data or src.data.isspace():  # (strip() would copy a large file)
            problems.append(f"{src.name}: empty file")
            continue
        if (kind := _document(src.data)) is not None:  # its text would read as rows (`1 0 obj`)
            problems.append(f"{src.name}: {kind}, not a capture")
            continue
        name, root = src.name, src.root
        if looks_like_perfmon(name, src.data[:256]):
            session = _perfmon_session(src, bundle, problems)
            del src
            if session is not None:
                sessions.append(session)
            continue
        try:
            decoded = decode(src)
            del src  # the file's bytes go once decoded
            capture = capture_text(name, root, *decoded, RECOGNISER)
        except InputError as error:
            problems.append(str(error))
            continue
        del decoded
        bundle.texts[name] = capture.text
        parsed = _parse_capture(capture)
        bundle.warnings.extend(capture.warnings)
        if not _recognised(parsed):
            # a README or a case note: not a node; its lines are listed once, at bundle level
            lines = [line for session in parsed for line in _unparsed(session)]
            bundle.not_understood.extend(sorted(lines, key=lambda item: _line_number(item.source)))
            bundle.warnings.append(f"{name}: no command output recognised in its "
                                   f"{plural(len(lines), 'line')}: not a capture, not read")
            continue
        sessions.extend(parsed)
    if not any(session.parsed for session in sessions):
        if len(problems) == 1 and not sessions:
            raise InputError(problems[0])
        what = "; ".join(problems[:3]) if problems else "no show process / service / status output found"
        names = ", ".join(f.name for f in bundle.files[:3]) + (" ..." if len(bundle.files) > 3 else "")
        raise InputError(f"no UC CLI capture found in {names} ({what})")
    bundle.warnings.extend(f"{problem}: skipped" for problem in problems)
    bundle.nodes = _assemble_nodes(sessions)
    return bundle


DOCUMENTS = {b"%PDF-": "a PDF document", b"{\\rtf": "an RTF document"}  # by their first bytes


def _document(data: bytes) -> str | None:
    """What kind of document these bytes are (a report, a letter: never a capture), or None.

    >>> _document(b"%PDF-1.4\\n1 0 obj"), _document(b"admin:show status")
    ('a PDF document', None)
    """
    return next((kind for magic, kind in DOCUMENTS.items() if data.startswith(magic)), None)


def _recognised(parsed: list[_Session]) -> bool:
    """Does a file's text hold a command's output (else it is not a capture: a README, a note)?"""
    return any(BY_NAME.get(item.section.command) for session in parsed for item in session.parsed)


def is_capture(name: str, data: bytes) -> bool:
    """Would `load` read a file of these bytes (or its head) as a capture: a PerfMon log, or text in
    which a command's output is recognised? False for what `load` calls "not a capture, not read" (a
    README, case notes), and for empty and binary files.

    >>> is_capture("README.txt", b"Captures of case 7, taken on Monday by the customer.\\n")
    False
    >>> is_capture("pub.txt", b"admin:show process load\\ntop - 10:29:46 up 1 day,  1 user\\n")
    True
    """
    if not data or data.isspace() or _document(data) is not None:
        return False
    if looks_like_perfmon(name, data[:256]):
        return True
    try:
        capture = capture_text(name, name, *decode(SourceFile(name, name, data)), RECOGNISER)
    except InputError:
        return False
    return _recognised(_parse_capture(capture))


# --- parsing -------------------------------------------------------------------------------------


def _perfmon_session(src: SourceFile, bundle: Bundle, problems: list[str]) -> _Session | None:
    """A RIS PerfMon CSV, read straight from its text (no terminal cleaning, streamed line by line);
    None (and a problem or a warning) when it holds no PerfMon header."""
    try:
        if src.data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows tools may save PDH CSV as UTF-16
            text, warnings = mask_secrets(src.data.decode("utf-16", errors="replace")), list[str]()
        else:
            text, warnings = decode(src)
    except InputError as error:
        problems.append(str(error))
        return None
    bundle.warnings.extend(warnings)
    bundle.texts[src.name] = text
    log = parse_perfmon(text_lines(text), file=src.name, first_line=1)
    del text
    if not log.recognised:  # named PerfMon_*.csv, but no PDH header: not read as a log
        bundle.not_understood.extend(log.unparsed)
        bundle.warnings.append(f"{src.name}: named like a PerfMon log but no PDH CSV header found: not read")
        return None
    spec = BY_NAME["RIS PerfMon log"]
    section = CaptureSection(src.name, 0, spec.name, None, 1, [])
    session = _Session(src.name, src.root, 0, None)
    session.parsed.append(ParsedSection(section, log, spec.rows(log), list(log.unparsed), list(log.warnings)))
    return session


def _parse_capture(capture: Capture) -> list[_Session]:
    sessions = {
        index: _Session(capture.file, capture.root, index, capture.session_times.get(index))
        for index in range(capture.session_count)
    }
    # text outside any section is kept with the first session of the file that has sections
    for section in capture.sections:
        item = parse_section(section)
        section.release()  # the parsed result holds what is needed: the lines go as the file is read
        if capture.markup and isinstance(item.result, Listing):  # said where the rows are judged
            item.result.warnings[:0] = capture.markup
            item.warnings[:0] = capture.markup
        sessions[section.session].parsed.append(item)
    if capture.markup and not any(isinstance(item.result, Listing)
                                  for session in sessions.values() for item in session.parsed):
        capture.warnings.extend(capture.markup)
    first = next((s for s in sessions.values() if s.parsed), sessions[0])
    first.unparsed.extend(capture.unparsed)
    return [s for s in sessions.values() if s.parsed or s.unparsed]


def _unparsed(session: _Session) -> list[Unparsed]:
    return [*session.unparsed, *(line for item in session.parsed for line in item.unparsed)]


def _line_number(source: str) -> int:
    number = source.rsplit(":", 1)[-1].split("-")[0]
    return int(number) if number.isdigit() else 0


def parse_section(section: CaptureSection) -> ParsedSection:
    """Run the parser of the section's command (from the table of `ucnb.read.parsers.commands`)."""
    spec = BY_NAME.get(section.command)
    result: Any = None
    count = 0
    unparsed: list[Unparsed] = []
    warnings: list[str] = []
    if spec is None:
        reason = f"output of `{section.typed or '?'}`, not read by ucnb"
        unparsed = [
            Unparsed(f"{section.file}:{section.first_line + i}", text.strip(), reason)
            for i, text in enumerate(section.lines)
            if text.strip()
        ]
    elif spec.parse is not None:
        result = spec.parse(section.lines, file=section.file, first_line=section.first_line,
                            typed=section.typed)
        count = spec.rows(result)
        section.command = getattr(result, "command", None) or section.command
        if isinstance(result, dict):
            unparsed = list(result.get("unparsed", []))
            warnings = list(result.get("warnings", []))
        else:
            unparsed = list(result.unparsed)
            warnings = list(result.warnings)
    if section.cut_short:
        warnings.append(
            f"{section.source}: `{section.typed or section.command}` was cut short (at the pager, or the "
            "collection stopped): the capture is incomplete (capture it again to the end)"
        )
        if isinstance(result, Listing):
            result.warnings.append(warnings[-1])
            result.cut_short = True
    return ParsedSection(section, result, count, unparsed, warnings)


# --- nodes ---------------------------------------------------------------------------------------


def _fallback_name(session: _Session) -> str:
    folder = posixpath.dirname(session.file)
    if folder:
        return posixpath.basename(folder)
    if session.file != session.root:
        return re.sub(r"(\.tar\.gz|\.tgz|\.tar|\.zip)$", "", session.root)
    return posixpath.splitext(posixpath.basename(session.file))[0]


def _resolve_perfmon(sessions: list[_Session], by_folder: dict[str, list[_Session]]) -> None:
    """A PerfMon log names its node as RIS does (often an address): the name the other captures use
    when `show network cluster` or `show status` gives it, else the one node of its folder."""
    names: dict[str, str] = {}
    for session in sessions:
        for item in session.parsed:
            result = item.result
            if not isinstance(result, Identity):
                continue
            if result.hostname:
                names.setdefault(result.hostname.lower(), result.hostname)
            for member in result.cluster:
                hostname = str(member.get("hostname") or "")
                for key in ("hostname", "fqdn", "ip"):
                    value = str(member.get(key) or "").lower()
                    if hostname and value:
                        names.setdefault(value, hostname)
                        names.setdefault(value.split(".", 1)[0] if key == "fqdn" else value, hostname)
    for group in by_folder.values():
        others = {s.hostname for s in group if s.hostname and s.perfmon_host is None}
        for session in group:
            host = session.perfmon_host
            if host is None:
                continue
            known = names.get(host.lower()) or names.get(host.lower().split(".", 1)[0])
            if known is None and len(others) == 1 and re.fullmatch(r"[\d.]+|[0-9a-fA-F:]+", host):
                known = next(iter(others))  # an address in a folder of one node's captures
            session.alias = known


def _assemble_nodes(sessions: list[_Session]) -> list[Node]:
    """Give each session a node name: its own host name, else its folder's, else its neighbours'."""
    by_folder: dict[str, list[_Session]] = {}
    for session in sessions:
        by_folder.setdefault(posixpath.dirname(session.file) or "\0" + session.root, []).append(session)
    _resolve_perfmon(sessions, by_folder)
    names: dict[int, str] = {}
    unsure: dict[int, str] = {}  # sessions filed under a folder name although the folder has several hosts
    for group in by_folder.values():
        hosts = sorted({s.hostname for s in group if s.hostname})
        for session in group:
            if session.hostname:
                names[id(session)] = session.hostname
            elif len(hosts) == 1:
                names[id(session)] = hosts[0]
            elif hosts and (neighbour := _neighbour_host(session, group)):
                names[id(session)] = neighbour
            else:
                names[id(session)] = _fallback_name(session)
                if hosts:
                    unsure[id(session)] = ", ".join(hosts)
    node_dates: dict[str, datetime] = {}
    for session in sessions:
        date = _session_date(session)
        if date is not None:
            node_dates.setdefault(names[id(session)], date)
    nodes: dict[str, Node] = {}
    for session in sessions:
        name = names[id(session)]
        node = nodes.setdefault(name, Node(name=name))
        _add_session(node, session, node_dates.get(name))
        if id(session) in unsure:
            node.warnings.append(
                f"{session.file}: no `show status` ties it to a node and its folder holds several "
                f"({unsure[id(session)]}): filed under '{name}'; keep one folder per node"
            )
    for node in nodes.values():
        _finish_node(node)
    return [nodes[name] for name in sorted(nodes)]


def _neighbour_host(session: _Session, group: list[_Session]) -> str | None:
    same_file = [s for s in group if s.file == session.file and s.hostname]
    before = [s for s in same_file if s.index < session.index]
    after = [s for s in same_file if s.index > session.index]
    if before:
        return before[-1].hostname
    if after:
        return after[0].hostname
    return None


def _session_date(session: _Session) -> datetime | None:
    """The `show status` date of the session, when it has one."""
    for item in session.parsed:
        if isinstance(item.result, Identity) and item.result.date:
            return parse_status_date(item.result.date)
    return None


def _add_session(node: Node, session: _Session, node_date: datetime | None) -> None:
    """File a session's results under its node, where the command table says (`files_as`).
    `node_date` (a `show status` date from another file of the node) gives top's clock its day when
    the session has no date of its own. A listing without a time stamp of its own is dated by the
    latest time seen before it in the session (a prompt's time stamp, top's clock, `show status`),
    not by the session's first: typed right after the last `show process load`, it is that moment."""
    status_date = _session_date(session)
    reference = status_date or session.started or node_date
    seen: datetime | None = None  # the latest time seen so far in this session
    moment: CaptureSection | None = None  # the last shell listing of the session, while one moment lasts
    node.unparsed.extend(session.unparsed)
    for item in session.parsed:
        result = item.result
        section = item.section
        spec = BY_NAME.get(section.command)
        kind = spec.files_as if spec is not None and result is not None else None
        if not node.ucos and (section.typed and not section.shell or spec is not None and spec.ucos):
            typed = section.typed and not section.shell
            node.ucos = f"`{f'admin:{section.typed}' if typed else section.command}` ({section.source})"
        snapshots = None
        seen = _later(seen, section.captured_at)
        if kind == "loads":
            snapshots = len(result.snapshots)
            reference = section.captured_at or reference
            for snapshot in result.snapshots:
                snapshot.captured_at = _combine(reference, snapshot.summary.time)
                if snapshot.captured_at is not None and reference is not None:
                    reference = snapshot.captured_at
                seen = _later(seen, snapshot.captured_at)
            node.loads.extend(result.snapshots)
        elif kind == "listing":
            result.captured_at = section.captured_at or seen or status_date or session.started
            node.counts.extend(result.counts)
            if moment is not None and _one_moment(moment, section) and node.listings:
                node.listings[-1] = join_listings(node.listings[-1], result)
            else:
                node.listings.append(result)
            moment = section if section.shell else None
        elif kind == "counts":
            node.counts.extend(result.counts)
        elif kind == "services":
            moment = None
            node.services = _merge_services(node, result)
        elif kind == "identity":
            _merge_identity(node.identity, result)
            seen = _later(seen, parse_status_date(result.date) if result.date else None)
        elif kind == "restart":
            node.restarts.append(result)
        elif kind == "perfmon":
            node.perfmon_logs.append(result)
        source = result.source if kind == "perfmon" else section.source
        label = shell_label(section.typed) if section.shell and section.typed else ""
        flavour = result.flavour if isinstance(result, Listing) else ""
        node.sections.append(Section(section.command, source, item.rows, snapshots, label, flavour))
        node.unparsed.extend(item.unparsed)
        node.warnings.extend(item.warnings)


def _one_moment(before: CaptureSection, section: CaptureSection) -> bool:
    """Two listings of one moment: different commands typed one after the other at a shell prompt
    (`ps -ef | grep chrome`, then `ps 4290`), not one command run again (`ps aux | grep Z` three
    times: three snapshots), and no time stamp between them."""
    return (before.shell and section.shell and bool(before.typed) and bool(section.typed)
            and before.typed != section.typed
            and (before.captured_at is None or section.captured_at is None
                 or before.captured_at == section.captured_at))


def join_listings(first: Listing, then: Listing) -> Listing:
    """The rows of two listings of one moment as one (a PID already listed keeps its first row; the
    later one is evidence in its own section). Its `joined` names both sources.

    >>> a = Listing(processes=Columns(LISTING_COLUMNS, {"pid": [9], "ppid": [7], "zombie": [True]}),
    ...             source="x:2-2")
    >>> b = Listing(processes=Columns(LISTING_COLUMNS, {"pid": [7, 9], "ppid": [None, None],
    ...                                                 "zombie": [False, True]}), source="x:5-6")
    >>> both = join_listings(a, b)
    >>> values(both, "processes", "pid"), both.joined
    ([9, 7], ['x:2-2', 'x:5-6'])
    """
    seen = set(values(first, "processes", "pid"))
    pids = values(then, "processes", "pid")
    keep = [row for row, pid in enumerate(pids) if pid not in seen]
    data = {}
    for name in LISTING_COLUMNS:
        later = values(then, "processes", name)
        data[name] = [*values(first, "processes", name), *(later[row] for row in keep)]
    data["depth"] = [depth or 0 for depth in data["depth"]]
    data["zombie"] = [bool(zombie) for zombie in data["zombie"]]
    holds = [any(values(listing, "processes", "zombie")) for listing in (first, then)]
    zombie_parents = [listing.has_ppid for listing, held in zip((first, then), holds, strict=True) if held]
    # a listing without PPIDs and without zombies (the parent's own row, `ps 4290`) hides no parent
    warnings = [text for listing, held in zip((first, then), holds, strict=True) for text in listing.warnings
                if held or text != NO_PPID_WARNING.format(source=listing.source)]
    sources = [*(first.joined or [first.source]), then.source]
    warnings.append(f"the listings {', '.join(sources)} were typed one after the other in one session: "
                    "read as one moment (a PID listed twice keeps its first row)")
    joined = Listing(
        unparsed=[*first.unparsed, *then.unparsed],
        warnings=list(dict.fromkeys(warnings)),
        recognised=[*first.recognised, *then.recognised],
        processes=Columns(LISTING_COLUMNS, data, len(data["pid"])),
        flavour=first.flavour if first.flavour == then.flavour else "custom",
        forest=first.forest or then.forest,
        has_ppid=all(zombie_parents) if zombie_parents else first.has_ppid or then.has_ppid,
        parents_from_tree=first.parents_from_tree or then.parents_from_tree,
        columns=first.columns,
        source=first.source,
        command=first.command,
        cut_short=first.cut_short or then.cut_short,
        captured_at=first.captured_at or then.captured_at,
        counts=[*first.counts, *then.counts],
        joined=sources,
    )
    return joined


def _later(seen: datetime | None, moment: datetime | None) -> datetime | None:
    """The later of two moments of one session (either may be unknown; one clock, no zones)."""
    if moment is None or seen is None:
        return moment or seen
    try:
        return max(seen, moment)
    except TypeError:  # a zoned prompt stamp against a naive clock: the newer reading wins
        return moment


def parse_status_date(text: str) -> datetime | None:
    """`show status` date: "Thu Nov 20, 2026 10:29:45" (also without the weekday)."""
    cleaned = re.sub(r"^[A-Z][a-z]{2}\s+(?=[A-Z][a-z]{2}\s)", "", text.strip())
    cleaned = re.sub(r"\s+", " ", cleaned)
    for fmt in ("%b %d, %Y %H:%M:%S", "%b %d %Y %H:%M:%S", "%b %d %H:%M:%S %Z %Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


def _combine(reference: datetime | None, clock: str | None) -> datetime | None:
    """A top `HH:MM:SS` on the day of the reference moment (rolling over midnight forwards)."""
    if reference is None or not clock:
        return None
    try:
        hour, minute, second = (int(x) for x in clock.split(":"))
        moment = reference.replace(hour=hour, minute=minute, second=second, microsecond=0)
    except ValueError:
        return None
    try:
        if moment < reference - timedelta(hours=12):
            moment += timedelta(days=1)
        elif moment > reference + timedelta(hours=12):
            moment -= timedelta(days=1)
    except OverflowError:  # a `show status` of year 1 or 9999: no day to roll over to
        pass
    return moment


def _merge_services(node: Node, found: ServiceList) -> Columns:
    """The node's services with those of a later `utils service list`: a service listed again takes
    its later row (and place); without earlier rows, the list is kept as printed."""
    if not rows(node, "services"):
        return Columns(SERVICE_COLUMNS, {name: list(values(found, "services", name))
                                         for name in SERVICE_COLUMNS})
    merged = {name: [*values(node, "services", name), *values(found, "services", name)]
              for name in SERVICE_COLUMNS}
    last = {service: row for row, service in enumerate(merged["service"])}
    keep = sorted(last.values())
    return Columns(SERVICE_COLUMNS, {name: [column[row] for row in keep] for name, column in merged.items()})


def _merge_identity(target: Identity, found: Identity) -> None:
    for name in ("hostname", "product", "version", "os_version", "date", "uptime"):
        value = getattr(found, name)
        if value and not getattr(target, name):
            setattr(target, name, value)
    if found.cluster and not target.cluster:
        target.cluster = list(found.cluster)
    if found.source and not target.source:
        target.source = found.source
    if found.clock_source and not target.clock_source:
        target.clock_source = found.clock_source  # show status's file, not the first identity output's


# ucnb/data/services.toml [product_hints]
PRODUCT_BY_SERVICE, PRODUCT_BY_PROCESS = CATALOGUE.product_by_service, CATALOGUE.product_by_process
PRODUCT_BY_NAME = [(re.compile(r"imp|cups|imnp|presence", re.I), "IMnP"),
                   (re.compile(r"cucm|callmanager|\bcm\b", re.I), "CUCM"),
                   (re.compile(r"cuc|unity|connection", re.I), "CUC")]


def detect_product(node: Node) -> str:
    """CUCM, IMnP, CUC or unknown: from identity outputs, then services, processes, and the name;
    `linux` when the capture shows no sign of UCOS (issue 23: a Linux host or a container)."""
    if node.identity.product:
        return node.identity.product
    for row in node.identity.cluster:
        if row.get("hostname") == node.name or str(row.get("fqdn", "")).split(".")[0] == node.name:
            product = row.get("product")
            if product:
                return product
    # the raw columns: the DataFrames are not built here (`inspect` does not import pandas)
    found = {PRODUCT_BY_SERVICE[s] for s in values(node, "services", "service") if s in PRODUCT_BY_SERVICE}
    if len(found) == 1:
        return found.pop()
    commands: set[str] = set()
    for listing in node.listings:
        commands.update(distinct(listing, "processes", "comm"))
    for snapshot in node.loads:
        shown = set(values(snapshot, "processes", "command"))
        commands.update(command.rstrip("+") for command in shown if command)
    named = {c for c in commands if c in PRODUCT_BY_PROCESS}
    if not node.ucos and not named - _SHARED_NAMES and not _ucos_process(node):
        return "linux"  # no sign of UCOS: a Linux host or container (a `jabberd` alone is no IM&P)
    found = {PRODUCT_BY_PROCESS[c] for c in named}
    if len(found) == 1:
        return found.pop()
    if found:
        return "unknown"  # processes of several UC products
    for pattern, product in PRODUCT_BY_NAME:
        if pattern.search(node.name):
            return product
    return "unknown"


# UCOS's own users (and folders, UCOS_PATHS): a process of theirs is a UC node's, whatever its name
_UCOS_USERS = frozenset({"ccmservice", "ccmserv+", "ccmservi", "ccmbase", "informix", "database", "cucsvc",
                         "ccmsyslog", "ccmsysl+", "sipproxy", "sipproxy+"})
# process names of the catalogue's product hints that other systems run too: no sign of UCOS alone
_SHARED_NAMES = frozenset({"jabberd", "sipd", "pe"})


def _ucos_process(node: Node) -> str:
    """A process of the node that only UCOS runs (a UC folder, a UC user), as evidence; "" for none."""
    for snapshot in node.loads:
        for user in set(values(snapshot, "processes", "user")) & _UCOS_USERS:
            node.ucos = f"processes of the UC user `{user}` ({snapshot.source})"
            return node.ucos
    for listing in node.listings:
        for user in distinct(listing, "processes", "user") & _UCOS_USERS:
            node.ucos = f"processes of the UC user `{user}` ({listing.source})"
            return node.ucos
        for command in distinct(listing, "processes", "command"):
            if command and any(path in command for path in UCOS_PATHS):
                node.ucos = f"a UC path in `{command[:80]}` ({listing.source})"
                return node.ucos
    return ""


NOT_UCOS = ("no sign of UCOS (no `admin:` prompt, no UC output, service, process or path): read as a Linux "
            "host or container, not a UC node; the advice is Linux's, never a UC command")


def _finish_node(node: Node) -> None:
    node.product = detect_product(node)
    if node.perfmon_logs:
        node.perfmon = merge_logs(node.perfmon_logs)
    if node.loads and all(s.captured_at is not None for s in node.loads):
        # oldest first, whatever the order of the files (`load_1.txt` after `host_show_process_load.txt`)
        node.loads.sort(key=lambda s: s.captured_at)  # type: ignore[arg-type,return-value]
    if node.product == "linux":  # the captures it advises are Linux's, not UCOS's (as its analysis says)
        node.warnings = [linux_words(text, PROCESS_WORDS) or text for text in node.warnings]
        node.warnings.append(NOT_UCOS)
        for section in node.sections:  # a Linux host's output is named as Linux names it, not as UCOS
            spec = BY_NAME.get(section.command)
            if not section.label and spec is not None and spec.shell:
                section.label = section.flavour if section.flavour.startswith("ps ") else spec.shell[0]


def shell_label(typed: str) -> str:
    """A command typed at a shell, as a label: one line, printable, at most 60 characters.

    >>> shell_label("sudo  ps -ef | grep -w Z"), shell_label("ps " + "x" * 70)[-5:]
    ('sudo ps -ef | grep -w Z', 'xx...')
    """
    text = " ".join(printable(typed).split())
    return text if len(text) <= 60 else text[:57] + "..."


# --- inspect -------------------------------------------------------------------------------------


def inspect_json(bundle: Bundle) -> dict[str, Any]:
    """The `ucnb.inspect/1` document of cli-contract.md."""
    nodes = []
    for node in bundle.nodes:
        sections = []
        for section in node.sections:
            entry: dict[str, Any] = {
                "command": section.command, "label": section.label or section.command,
                "source": section.source, "rows": section.rows,
            }
            if section.snapshots is not None:
                entry["snapshots"] = section.snapshots
            sections.append(entry)
        nodes.append(
            {
                "node": node.name,
                "product": node.product,
                "sections": sections,
                "unparsed": [item.to_json() for item in node.unparsed],
                "warnings": list(dict.fromkeys(node.warnings)),
            }
        )
    document: dict[str, Any] = {"schema": "ucnb.inspect/1", "nodes": nodes}
    if bundle.not_understood:
        document["not_understood"] = [item.to_json() for item in bundle.not_understood]
    if bundle.warnings:
        document["warnings"] = list(dict.fromkeys(bundle.warnings))
    return document
