"""`ucnb collect`: a complete bundle from live UC nodes over SSH, read-only.

Logs in to each node's admin CLI, waits for the `admin:` prompt, turns paging off, runs only
`ALLOW_LIST` (`show process load` `samples` times) and writes what `ucnb analyze DIR` reads:
`DIR/<target>/<command>.txt` (prompt and command kept) and `DIR/collect.json` (never the password).
The run is `ucnb.collect.run`, the SSH session `ucnb.collect.ssh`; this module holds the plan, the
records and the summary.

    >>> plan_commands(samples=2)[-3:]
    ['show process list detail', 'show process list', 'show process load']
    >>> [t.folder for t in assign_folders(parse_targets(["cucm-pub", "10.0.0.5:2222", "10.0.0.5"], 22))]
    ['cucm-pub', '10.0.0.5_2222', '10.0.0.5']
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from ucnb.errors import InputError
from ucnb.model.actions import PERFMON_STEPS, PERFMON_WHY

# Everything `ucnb collect` can ever send. No option adds to it (tests/collect/test_collect.py checks what
# reaches the fake server). The session set-up command goes first; `show process load` repeats.
SESSION_SETUP = ("set cli pagination off",)
LOAD = "show process load"
ALLOW_LIST = (
    "show status",
    "show version active",
    "show network cluster",
    "utils service list",
    LOAD,
    "show process list detail",
    "show process list",
)
SENDABLE = frozenset(SESSION_SETUP + ALLOW_LIST)
# A line `ucnb collect` adds at the end of an output that stopped before the CLI's prompt came back;
# `ucnb.read.capture` recognises it and the analysis reports the capture as cut short.
CUT_MARK = "ucnb collect: output cut short"
SCHEMA = "ucnb.collect/1"

Progress = Callable[[str], None]


def plan_commands(samples: int = 3) -> list[str]:
    """The commands in the order they run: identity, services, load, listings, then the other loads.

    The first load snapshot is taken next to the listings so its zombie count and the defunct rows
    describe the same moment; the later ones (one per interval) give the trend.
    """
    first = ["show status", "show version active", "show network cluster", "utils service list", LOAD,
             "show process list detail", "show process list"]
    return first + [LOAD] * (samples - 1)


def file_name(command: str) -> str:
    """`show process list detail` -> `show_process_list_detail.txt`."""
    return command.replace(" ", "_") + ".txt"


# --- targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One node to collect from; `folder` is its folder inside the output directory."""

    host: str
    port: int
    folder: str = ""

    @property
    def label(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == 22 else f"{host}:{self.port}"


_TARGET = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9._-]+))(?::(?P<port>\d{1,5}))?$")
_BARE_V6 = re.compile(r"^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*$")


def parse_target(text: str, default_port: int) -> Target:
    """`HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address.

    >>> parse_target("cucm-pub:2222", 22)
    Target(host='cucm-pub', port=2222, folder='')
    """
    text = text.strip()
    if _BARE_V6.match(text) and text.count(":") >= 2:
        return Target(text, default_port)
    match = _TARGET.match(text)
    if not match:
        raise InputError(f"not a host: {text!r} (HOST, HOST:PORT or [IPv6]:PORT)")
    port = int(match.group("port") or default_port)
    if not 0 < port < 65536:
        raise InputError(f"not a port: {port} in {text!r}")
    return Target(match.group("v6") or match.group("host"), port)


def parse_targets(texts: Sequence[str], default_port: int) -> list[Target]:
    """Targets in the order given, duplicates removed."""
    targets: list[Target] = []
    for text in texts:
        target = parse_target(text, default_port)
        if target not in targets:
            targets.append(target)
    return targets


HOSTS_FILE_LIMIT = 2**20  # a hosts file of a few thousand nodes
KNOWN_HOSTS_LIMIT = 64 * 2**20


def read_regular_file(path: str, option: str, limit: int) -> str:
    """The text of `path` if it is a regular file of at most `limit` bytes, else one `InputError`
    (a FIFO or /dev/zero once hung `collect` or filled the memory)."""
    try:
        handle = os.open(os.path.expanduser(path), os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        why = error.strerror or type(error).__name__
        raise InputError(f"{option} {path}: cannot read it ({why})") from None
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise InputError(f"{option} {path}: not a regular file (a device, pipe or folder)")
    with os.fdopen(handle, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{option} {path}: larger than {limit // 2**20} MiB; not a hosts file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{option} {path}: not UTF-8 text") from None


def read_hosts_file(path: str) -> list[str]:
    """One host per line; blank lines and `#` comments are skipped."""
    text = read_regular_file(path, "--hosts", HOSTS_FILE_LIMIT)
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def assign_folders(targets: Sequence[Target]) -> list[Target]:
    """Give each target a folder of its own: the host, with `_PORT` when the port is not 22."""
    taken: set[str] = set()
    out = []
    for target in targets:
        base = re.sub(r"[^A-Za-z0-9._-]", "_", target.host).strip(".") or "host"
        if target.port != 22:
            base += f"_{target.port}"
        folder, n = base, 1
        while folder.lower() in taken:
            n += 1
            folder = f"{base}-{n}"
        taken.add(folder.lower())
        out.append(Target(target.host, target.port, folder))
    return out


# --- records (collect.json) ------------------------------------------------------------------


@dataclass
class CollectOptions:
    """What a collection was asked to do (recorded in collect.json; no secret in here)."""

    user: str = "admin"
    samples: int = 3
    interval: float = 60.0
    known_hosts: str = "~/.ssh/known_hosts"
    accept_new: bool = False
    jobs: int = 4
    connect_timeout: float = 15.0
    prompt_timeout: float = 60.0
    command_timeout: float = 120.0


@dataclass
class HostKey:
    fingerprint: str  # SHA256:...
    algorithm: str
    status: str  # known | accepted_new | unknown | changed


@dataclass
class CommandRecord:
    command: str
    file: str  # relative to the output directory
    started: str
    ended: str = ""
    state: str = "partial"  # complete | partial (cut short, marked in the file) | refused (by the CLI)
    lines: int = 0
    reason: str | None = None


@dataclass
class HostRecord:
    target: str
    host: str
    port: int
    folder: str
    state: str = "failed"  # complete | partial | failed
    failure: str | None = None  # authentication | host_key_unknown | host_key_changed | connect |
    # timeout | cli_not_ready | dropped | paged | oversize | interrupted | internal
    reason: str | None = None
    started: str = ""
    ended: str = ""
    host_key: HostKey | None = None
    commands: list[CommandRecord] = field(default_factory=list)


@dataclass
class CollectResult:
    out_dir: str
    options: CollectOptions
    hosts: list[HostRecord]
    started: str
    ended: str
    version: str

    @property
    def exit_status(self) -> int:
        """0 when every host is complete, else 1."""
        return 0 if all(h.state == "complete" for h in self.hosts) else 1

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA,
            "ucnb_version": self.version,
            "started": self.started,
            "ended": self.ended,
            "options": asdict(self.options),
            "hosts": [asdict(h) for h in self.hosts],
        }


def now() -> str:
    """UTC, to the second, ISO 8601."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_summary(result: CollectResult) -> str:
    """One line per host: its state and why; then what to run next.

    >>> host = HostRecord("cucm-pub", "cucm-pub", 22, "cucm-pub", "partial", "dropped", "connection dropped")
    >>> host.commands = [CommandRecord("show status", "", "", state="complete"),
    ...                  CommandRecord("show process list detail", "", "", state="partial")]
    >>> print(format_summary(CollectResult("case1", CollectOptions(), [host], "", "", "0.1.0")))
    collected into case1 (record: collect.json)
      cucm-pub  partial   1 complete, 1 cut short; connection dropped
    next: ucnb analyze case1
    """
    width = max((len(h.target) for h in result.hosts), default=4)
    out = [f"collected into {result.out_dir} (record: collect.json)"]
    for host in result.hosts:
        counts = [(sum(c.state == state for c in host.commands), word) for state, word in
                  (("complete", "complete"), ("refused", "refused"), ("partial", "cut short"))]
        done = ", ".join(f"{n} {word}" for n, word in counts if n) or "no output"
        line = f"  {host.target:<{width}}  {host.state:<8}  {done}"
        if host.reason:
            line += f"; {host.reason}"
        out.append(line)
        for command in host.commands:
            if command.state == "refused":
                out.append(f"  {'':<{width}}  refused by the CLI: `{command.command}`: {command.reason}")
    complete = [h for h in result.hosts if h.state != "failed"]
    if complete:
        out.append(f"next: ucnb analyze {result.out_dir}")
    return "\n".join(out)


def manual_commands(samples: int = 3, interval: float = 60) -> str:
    """The CLI commands to run by hand, and how to keep the session log, for a capture as complete
    as `ucnb collect`'s.

    >>> print(manual_commands(samples=1).splitlines()[3])
      set cli pagination off
    """
    lines = [
        "Run on each node's admin CLI (ssh admin@NODE), in this order, and keep the whole session log;",
        "type each line at the admin: prompt (one line each, as printed here, so it can be pasted):",
        "",
    ]
    for command in SESSION_SETUP:
        lines.append(f"  {command}")
    loads = 0
    for command in plan_commands(samples):
        loads += command == LOAD
        if command == LOAD and loads > 1:
            lines.append(f"  (wait until {interval:g} s after the previous show process load)")
        lines.append(f"  {command}")
    lines += [
        "",
        "Save the session log (one file per node; the prompts and commands must be in it):",
        "  PuTTY:     Session > Logging > 'All session output', log file name &H_&Y&M&D_&T.log",
        "  SecureCRT: File > Log Session (before you log in)",
        "  OpenSSH:   ssh admin@NODE | tee NODE.log",
        "",
        f"Also send the RIS Data Collector PerfMon logs of each node with zombies: {PERFMON_WHY}:",
        *(f"  {step.replace('`', '')}" for step in PERFMON_STEPS),
        "  (put the PerfMon_*.csv files, or RTMT's zip, beside the session logs)",
        "Then: ucnb analyze NODE.log ... (or a folder or zip of them)",
    ]
    return "\n".join(lines)
