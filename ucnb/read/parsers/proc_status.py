"""`/proc/<pid>/status` dumps (`cat /proc/4321/status`, one or several): a listing of one process each.

    Name:   java
    State:  Z (zombie)
    Pid:    21877
    PPid:   21850
    Uid:    1001    1001    1001    1001
    Threads:        2

is one row: PID 21877 (from `Pid:`), PPID 21850, user 1001, state Z, comm and command `java`, a
zombie. Each block starts at its `Name:` line; the row's `source` is the whole block (`file:A-B`),
so every field line of it is read. A zombie whose `Threads:` is above 1 is a thread-group leader
whose other threads still run: it cannot be reaped until they exit (a warning says so). A block
without `Pid:` is unparsed with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ucnb.model.columns import LISTING_COLUMNS, Columns
from ucnb.model.results import Listing, Unparsed
from ucnb.text import plural

_FIELD = re.compile(r"(?P<key>[A-Za-z_][\w()]*):\s*(?P<value>.*)", re.ASCII)
COMMAND = "proc status"


def looks_like_proc_status(line: str) -> bool:
    """The first line of a `/proc/<pid>/status` dump.

    >>> looks_like_proc_status("Name:\\tjava"), looks_like_proc_status("Host Name : cucm-pub")
    (True, False)
    """
    return line.startswith("Name:") and len(line.split()) == 2


def parse_proc_status(lines: Sequence[str], *, file: str = "<text>", first_line: int = 1) -> Listing:
    """Read `/proc/<pid>/status` dumps into a `Listing` of one row per dump (see the module doc)."""
    blocks: list[tuple[int, int]] = []  # (first, last) line index of each block
    unparsed: list[Unparsed] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if looks_like_proc_status(line.strip()) or not blocks:
            blocks.append((i, i))
        else:
            blocks[-1] = (blocks[-1][0], i)
    data: dict[str, list] = {name: [] for name in LISTING_COLUMNS}
    warnings: list[str] = []
    for first, last in blocks:
        fields: dict[str, str] = {}
        for line in lines[first:last + 1]:
            if found := _FIELD.fullmatch(line.strip()):
                fields.setdefault(found["key"], found["value"].strip())
        source = f"{file}:{first_line + first}" + (f"-{first_line + last}" if last > first else "")
        pid, ppid = fields.get("Pid", ""), fields.get("PPid", "")
        if not pid.isdigit() or not ppid.isdigit() or "Name" not in fields:
            why = "a /proc/PID/status dump without its Name:, Pid: and PPid: lines"
            unparsed.extend(Unparsed(f"{file}:{first_line + i}", lines[i], why)
                            for i in range(first, last + 1) if lines[i].strip())
            continue
        state = fields.get("State", "").split()
        name = fields["Name"]
        zombie = bool(state) and state[0].startswith("Z")
        threads = fields.get("Threads", "")
        uid = fields.get("Uid", "").split()
        row = {"pid": int(pid), "ppid": int(ppid), "user": uid[0] if uid else None,
               "state": state[0] if state else None, "comm": name, "command": name, "depth": 0,
               "zombie": zombie, "stime": None, "tty": None, "time": None, "source": source}
        for column, value in row.items():
            data[column].append(value)
        if zombie and threads.isdigit() and int(threads) > 1:
            warnings.append(
                f"PID {pid} ({name}) is a zombie thread-group leader with {plural(int(threads), 'thread')} "
                f"({source}): it cannot be reaped until its other threads exit; the process that still "
                "runs them is what to end or fix")
    whole = f"{file}:{first_line + blocks[0][0]}-{first_line + blocks[-1][1]}" if blocks else ""
    return Listing(unparsed=unparsed, warnings=warnings, processes=Columns(LISTING_COLUMNS, data),
                   flavour="/proc/PID/status", columns=["Name", "State", "Pid", "PPid", "Uid", "Threads"],
                   source=whole, command=COMMAND)
