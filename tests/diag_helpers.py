"""Builders for model objects used by the diagnosis tests (no parser involved).

listing = make_listing([(7827, 1, "cucsmgr", "S", "/usr/local/cm/bin/CuFileSync"),
                        (325, 7827, "cucsmgr", "Z", "[sh] <defunct>")])
node = make_node("cuc-sub", "CUC", listing=listing, loads=[make_load(zombie=1)])
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd

from ucnb.model.columns import LISTING_COLUMNS, LOAD_COLUMNS, empty_frame
from ucnb.model.results import Bundle, Listing, LoadSnapshot, LoadSummary, Node

_DEFUNCT = re.compile(r"<defunct>\s*$")


def comm_of(command: str) -> str:
    """Basename of CMD's first word, brackets removed: "[sh] <defunct>" -> "sh"."""
    first = command.split()[0] if command.split() else ""
    first = first.strip("[]")
    return first.rsplit("/", 1)[-1]


def make_listing(
    rows: list[tuple],
    *,
    file: str = "show_process_list_detail.txt",
    first_line: int = 2,
    has_ppid: bool = True,
    captured_at: datetime | None = None,
    warnings: list[str] | None = None,
) -> Listing:
    """A Listing from (pid, ppid, user, state, command) tuples; ppid may be None.

    comm and zombie are computed as the parsers do: zombie when the state starts with Z or the
    command ends with `<defunct>`. Row i gets source `file:first_line+i`.
    """
    if not rows:
        frame = empty_frame(LISTING_COLUMNS)
    else:
        records = []
        for i, (pid, ppid, user, state, command) in enumerate(rows):
            records.append(
                {
                    "pid": pid,
                    "ppid": ppid if has_ppid else None,
                    "user": user,
                    "state": state,
                    "comm": comm_of(command),
                    "command": command,
                    "depth": 0,
                    "zombie": bool((state or "").startswith("Z") or _DEFUNCT.search(command)),
                    "stime": "09:10",
                    "tty": "?",
                    "time": "00:00:00",
                    "source": f"{file}:{first_line + i}",
                }
            )
        frame = pd.DataFrame(records)
        frame["ppid"] = pd.array([r["ppid"] for r in records], dtype="Int64")
        frame = frame.astype(LISTING_COLUMNS)
    return Listing(
        processes=frame,
        flavour="ps -ef" if has_ppid else "ps aux",
        has_ppid=has_ppid,
        source=f"{file}:{first_line - 1}-{first_line + len(rows) - 1}",
        captured_at=captured_at,
        warnings=list(warnings or []),
    )


def make_load(
    zombie: int | None,
    *,
    total: int = 300,
    rows: list[tuple] | None = None,
    time: str | None = None,
    captured_at: datetime | None = None,
    file: str = "show_process_load.txt",
    line: int = 1,
) -> LoadSnapshot:
    """A LoadSnapshot with `zombie` in its Tasks line; rows are (pid, user, state, command)."""
    records = []
    for i, (pid, user, state, command) in enumerate(rows or []):
        records.append(
            {
                "pid": pid,
                "user": user,
                "user_truncated": False,
                "pr": 20,
                "rt": False,
                "ni": 0,
                "virt_kib": 0,
                "res_kib": 0,
                "shr_kib": 0,
                "state": state,
                "cpu_pct": 0.0,
                "mem_pct": 0.0,
                "time_s": 0.0,
                "command": command,
                "zombie": state.startswith("Z"),
                "source": f"{file}:{line + 6 + i}",
            }
        )
    frame = pd.DataFrame(records).astype(LOAD_COLUMNS) if records else empty_frame(LOAD_COLUMNS)
    summary = LoadSummary(time=time, total=total, zombie=zombie, source=f"{file}:{line}")
    return LoadSnapshot(
        summary=summary,
        processes=frame,
        source=f"{file}:{line}-{line + 6 + len(records)}",
        captured_at=captured_at,
    )


def make_node(
    name: str,
    product: str,
    *,
    listing: Listing | None = None,
    listings: list[Listing] | None = None,
    loads: list[LoadSnapshot] | None = None,
) -> Node:
    """A Node with the given captures."""
    all_listings = list(listings or [])
    if listing is not None:
        all_listings.append(listing)
    return Node(name=name, product=product, listings=all_listings, loads=list(loads or []))


def make_bundle(*nodes: Node) -> Bundle:
    return Bundle(nodes=list(nodes))


# A small CUCM tree shared by several tests: init -> servM -> services.
CUCM_BASE = [
    (1, 0, "root", "Ss", "/sbin/init"),
    (2, 0, "root", "S", "[kthreadd]"),
    (4012, 1, "root", "Ssl", "/usr/local/cm/bin/servM"),
]
