"""A node's CLI capture with three days of its RIS PerfMon logs, shared by the PerfMon tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import ucnb
from ucnb.synth import NodeCapture, node_capture
from ucnb.synth.perfmon import Leak, perfmon_files


def write(folder: Path, files: list[tuple[str, str]] | dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    items = files.items() if isinstance(files, dict) else files
    for name, data in items:
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    return folder


def perfmon_case(root: Path, *, listing: bool = True) -> tuple[NodeCapture, Path, Leak]:
    """A CUCM node's PuTTY log (5 zombies under Cisco AMC Service) and three days of its PerfMon logs at
    one poll a minute, whose zombies are the listing's (same PIDs): the leak started 10 hours before
    the capture, one zombie every 2 hours. `listing=False`: the PerfMon logs alone."""
    cap = node_capture("CUCM", "Cisco AMC Service", seed=7, zombies=5)
    folder = root / cap.host
    write(folder, cap.files)
    name = ucnb.load(folder).nodes[0].listing.processes.query("zombie")["comm"].iloc[0]
    if not listing:
        for path in folder.iterdir():
            path.unlink()
    start = cap.captured_at - timedelta(days=3)
    leak = Leak(name, cap.captured_at - timedelta(hours=10), per_hour=0.5, pids=cap.zombie_pids)
    files = perfmon_files(cap.host, start=start, hours=72, poll_seconds=60, leak=leak, rows_per_file=1000)
    write(folder, files)
    return cap, folder, leak
