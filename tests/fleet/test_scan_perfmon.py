"""The fleet scan's PerfMon columns: when the zombies first appeared and their growth, per node."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from perfmon_helpers import perfmon_case

from ucnb.fleet.scan import scan


def test_first_seen_and_rate_are_fleet_columns(tmp_path: Path) -> None:
    cap, folder, leak = perfmon_case(tmp_path / "fleet" / "case-1")
    frame = scan([tmp_path / "fleet"], workers=0)
    row = frame[frame["node"] == cap.host].iloc[0]
    assert row["zombies_first_seen"] == datetime.fromisoformat((leak.start + timedelta(hours=2)).isoformat())
    assert abs(row["perfmon_rate_per_hour"] - 0.5) < 0.03
    assert row["leak_rate_per_hour"] == row["perfmon_rate_per_hour"]  # the days of polls win
