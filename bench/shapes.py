"""Hostile shapes of issue 26 (section 2): each command bounded in memory (at most 4 x the input + 300
MiB) and linear in time. Each shape is made at two sizes, n and 2n; a command passes when its peak RSS
at 2n is within the bound and its time at 2n is at most `GROWTH` times its time at n (linear, with
room for the interpreter's start and this machine's noise).

    .venv/bin/python bench/run.py --only shapes           # the sizes of the issue (about 10 minutes)
    .venv/bin/python bench/run.py --quick --only shapes   # a tenth of them
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GROWTH = 2.6  # t(2n) / t(n): 2 when linear, 4 when quadratic
HEADER = "UID        PID  PPID  C STIME TTY          TIME CMD"
INIT = "root         1     0  0 Oct09 ?        00:11:50 /usr/lib/systemd/systemd"


def zombie_chain(n: int) -> str:
    """`show process list detail` of `n` zombies, each the parent of the next (issue 26: 4,000 rows
    took 181 s and 10 GB)."""
    rows = [HEADER, INIT, "root         2     1  0 Oct09 ?        00:00:00 /bin/sh -c top"]
    rows += [f"root     {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>" for i in range(3, n + 3)]
    return "admin:show process list detail\n" + "\n".join(rows) + "\n"


def _top(clock: str, zombies: int) -> list[str]:
    return [
        f"top - {clock} up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40",
        f"Tasks: 312 total,   1 running, {311 - zombies} sleeping,   0 stopped,   {zombies} zombie",
        "%Cpu(s):  4.3 us,  1.3 sy,  0.0 ni, 93.7 id,  0.5 wa,  0.0 hi,  0.3 si,  0.0 st",
        "KiB Mem :  8062276 total,   651244 free,  7411032 used,  2931544 buff/cache",
        "KiB Swap:  2064380 total,  2064380 free,        0 used.   290212 avail Mem",
        "",
        "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND",
        " 1119 root      20   0  123456  12345   1234 S   0.3  0.2   1:02.03 servM",
        "29815 ccmserv+  20   0  234567  23456   2345 S   0.0  0.3   0:12.34 amc",
        "22908 ccmserv+  20   0       0      0      0 Z   0.0  0.0   0:00.00 sh",
    ]


def _clock(i: int) -> str:
    seconds = 10 * 3600 + 60 * i
    return f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _status(host: str, i: int) -> list[str]:
    day = 1 + i // 1440 % 28
    return [f"Host Name    : {host}", f"Date         : Fri Nov {day:02d}, 2026 {_clock(i)}",
            "Product Ver  : 14.0.1.12900-161", "", "Uptime:",
            f" {_clock(i)} up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40", ""]


def sessions(n: int, *, distinct: bool = False) -> str:
    """One PuTTY log of `n` sessions (`show status`, `show process load`, a short listing), of one
    node or (`distinct`) each of its own (issue 26: 10,000 sessions, 13 MB)."""
    out: list[str] = []
    for i in range(n):
        host = f"cucm-sub{i}" if distinct else "cucm-pub"
        out.append(f"=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2026.11.{1 + i // 1440 % 28:02d} {_clock(i)} "
                   "=~=~=~=~=~=~=~=~=~=~=~=")
        out += ["admin:show status", *_status(host, i)]
        out += ["admin:show process load", *_top(_clock(i), 1 + i % 3)]
        out += ["admin:show process list detail", HEADER, INIT,
                "root      1119     1  0 Oct09 ?        00:01:02 /usr/local/platform/bin/servM",
                "ccmserv+ 29815  1119  0 Oct09 ?        00:00:12 /usr/local/cm/bin/amc",
                "ccmserv+ 22908 29815  0 Nov18 ?        00:00:00 [sh] <defunct>", "admin:"]
    return "\r\n".join(out) + "\r\n"


def snapshots(n: int) -> str:
    """`show process load` typed `n` times in one file (issue 26: 20,000 snapshots, 20 MB)."""
    out: list[str] = []
    for i in range(n):
        out += ["admin:show process load", *_top(_clock(i), 1 + i // 100)]
    return "\n".join(out) + "\nadmin:\n"


def node_folders(root: Path, n: int) -> Path:
    """A bundle of `n` node folders, each a `show status` and a short listing with one zombie
    (issue 26: 2,000 nodes in 1.2 MB)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        folder = root / f"cucm-sub{i}"
        folder.mkdir(exist_ok=True)
        (folder / "show_status.txt").write_text("\n".join(_status(f"cucm-sub{i}", i)) + "\n")
        (folder / "show_process_list_detail.txt").write_text("\n".join([
            HEADER, INIT, "ccmserv+ 29815     1  0 Oct09 ?        00:00:12 /usr/local/cm/bin/amc",
            "ccmserv+ 22908 29815  0 Nov18 ?        00:00:00 [sh] <defunct>"]) + "\n")
    return root


def long_line(size: int) -> str:
    """A listing whose zombie's parent has a command line of `size` bytes (issue 26: 48 MB)."""
    return "\n".join([HEADER, INIT, "ccmserv+ 29815     1  0 Oct09 ?        00:00:12 /usr/local/cm/bin/amc -D"
                      + "x" * size, "ccmserv+ 22908 29815  0 Nov18 ?        00:00:00 [sh] <defunct>"]) + "\n"


def service_rows(n: int) -> str:
    """`utils service list` of `n` services and a listing (issue 26: 300,000 rows)."""
    rows = ["admin:utils service list", "Requesting service status, please wait...",
            "System SSH [STARTED]", "Service Manager is running", "Getting list of all services",
            ">> Return code = 0"]
    rows += [f"Cisco Service {i}[STARTED]" for i in range(n)]
    rows += ["Cisco AMC Service[STARTED]", "Primary Node =true", "Command successful", "admin:"]
    return "\n".join(rows) + "\n" + long_line(10)


@dataclass(frozen=True)
class Shape:
    """A shape: its name, its size at the issue's scale, how to make it (text, or a folder), and the
    commands run on it (`{in}` the input, `{out}` an output path)."""

    name: str
    size: int
    make: Callable[[int], str] | None
    folder: Callable[[Path, int], Path] | None
    commands: tuple[tuple[str, ...], ...]


_ANALYZE = ("analyze", "--json", "{in}")
_VERIFY = ("verify", "--json", "{in}", "{in}")
_HTML = ("report", "{in}", "-o", "{out}.html")
_MD = ("report", "{in}", "-o", "{out}.md")
_REDACT = ("redact", "{in}", "-o", "{out}")

SHAPES = (
    Shape("zombie chain", 4_000, zombie_chain, None, (_ANALYZE, ("analyze", "{in}"), _HTML, _REDACT)),
    Shape("sessions of one node", 10_000, sessions, None, (_ANALYZE, _VERIFY, _HTML, _MD, _REDACT)),
    Shape("distinct sessions", 3_000, lambda n: sessions(n, distinct=True), None, (_ANALYZE, _HTML, _REDACT)),
    Shape("load snapshots", 20_000, snapshots, None, (_ANALYZE, _HTML, _MD, _REDACT)),
    Shape("nodes in a bundle", 2_000, None, node_folders, (_ANALYZE, _HTML, _REDACT)),
    Shape("one long line (bytes)", 48_000_000, long_line, None, (_ANALYZE, _HTML, _REDACT)),
    Shape("service rows", 300_000, service_rows, None, (_ANALYZE, _VERIFY, _REDACT)),
)
