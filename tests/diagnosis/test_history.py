"""Days of history from the PerfMon logs: first appearance, growth, the RTMT alert, the PID forecast,
joined with a listing of the same node for the parent; without one, the next step asks for it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from perfmon_helpers import perfmon_case, write

import ucnb
from ucnb.diagnosis.diagnose import diagnose
from ucnb.diagnosis.outcome import decide
from ucnb.synth.perfmon import Leak, perfmon_files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return perfmon_case(tmp_path_factory.mktemp("case"))


def test_the_parent_is_joined_by_the_zombies_pids(case):
    cap, folder, leak = case
    node = diagnose(ucnb.load(folder)).nodes[0]
    found = node.perfmon
    assert found is not None and found.polls == 72 * 60 + 1
    series = found.names[0]
    assert series.name == leak.name and series.count_last == 5
    assert (series.parent_pid, series.service, series.joined_by) == (cap.ppid, cap.service, "pid")
    first = leak.start + timedelta(hours=2) - timedelta(seconds=1)  # the first zombie, to the poll after it
    assert series.first_seen == (first + timedelta(seconds=1)).isoformat()
    assert series.last_zero == (first - timedelta(seconds=59)).isoformat()
    assert series.rate_per_hour == pytest.approx(0.5, rel=0.05)
    assert f"the parent today is PID {cap.ppid}" in found.summary and cap.service in found.summary
    # the existing trend logic uses the days of polls: the node's and the group's rate
    assert node.leak_rate_per_hour == series.rate_per_hour
    assert node.groups[0].leak_rate_basis == "perfmon"
    assert "polls" in node.leak_rate_note


def test_without_a_listing_the_parent_stays_unknown_and_the_next_step_asks_for_it(tmp_path):
    _, folder, _ = perfmon_case(tmp_path, listing=False)
    analysis = diagnose(ucnb.load(folder))
    node = analysis.nodes[0]
    assert node.perfmon is not None and node.perfmon.names[0].parent_pid is None
    assert "parent is not known without a process listing" in node.perfmon.summary
    assert node.zombie_count == 5  # the last poll's count
    assert (node.next_step.action, node.next_step.command) == ("recollect", "show process list detail")
    assert "PerfMon" in node.next_step.reason
    outcome = decide(analysis)
    first = outcome.nodes[0].next_actions[0]
    assert (first.action, first.command) == ("recollect", "show process list detail")


def test_the_rtmt_alert_crossed_and_forecast(tmp_path):
    busy = perfmon_files(
        "n1",
        start=datetime(2026, 11, 23),
        hours=48,
        poll_seconds=300,
        extra_processes=300,
        leak=Leak("sh", datetime(2026, 11, 23, 6), per_hour=10),
    )
    node = diagnose(ucnb.load(write(tmp_path / "busy", busy))).nodes[0]
    found = node.perfmon
    assert found is not None and found.alert_at is not None and found.alert_source is not None
    assert "crossed at" in found.alert and found.alert_forecast_hours is None
    sums = [
        p + t
        for p, t in zip(
            ucnb.load(tmp_path / "busy").nodes[0].perfmon.processes,
            ucnb.load(tmp_path / "busy").nodes[0].perfmon.threads,
            strict=True,
        )
    ]
    first = next(i for i, s in enumerate(sums) if s > 2000)
    assert found.alert_at == (datetime(2026, 11, 23) + timedelta(minutes=5 * first)).isoformat()
    quiet = perfmon_files(
        "n2",
        start=datetime(2026, 11, 23),
        hours=24,
        poll_seconds=300,
        leak=Leak("sh", datetime(2026, 11, 23, 6), per_hour=4),
    )
    node = diagnose(ucnb.load(write(tmp_path / "quiet", quiet))).nodes[0]
    assert node.perfmon is not None and node.perfmon.alert_at is None
    # processes + threads grow by 2 per zombie (a process and its one thread): 8 an hour
    last = node.perfmon.processes_last + node.perfmon.threads_last
    assert node.perfmon.alert_forecast_hours == pytest.approx((2000 - last) / 8, rel=0.02)
    # the PID headroom on real data: Total Threads at the last poll, the rate from the polls
    room = node.pid_headroom
    assert room is not None and room.tasks == node.perfmon.threads_last and room.threads_counted
    assert room.days_to_exhaustion == pytest.approx((32768 - room.tasks) / 4 / 24, rel=0.02)


def test_analyze_shows_the_line_and_the_json_field(case):
    cap, folder, _ = case
    run = [sys.executable, "-m", "ucnb.cli", "analyze", str(folder)]
    text = subprocess.run(run, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "PerfMon history: zombie" in text and "growing 0.5 an hour since" in text
    document = json.loads(
        subprocess.run([*run, "--json"], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    )
    perfmon = document["nodes"][0]["perfmon"]
    assert perfmon["names"][0]["parent_pid"] == cap.ppid and perfmon["status_mapping"] == "words"
    assert perfmon["threshold"] == 2000


def test_samples_without_perfmon_have_no_field():
    document = diagnose(ucnb.load(ROOT / "sample_outputs" / "ex1_cucm_amc" / "before")).to_json()
    assert "perfmon" not in document["nodes"][0]
