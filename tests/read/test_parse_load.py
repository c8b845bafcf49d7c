"""`show process load` (top -b) parser: both top generations, cont, thread, odd rows."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ucnb.model.columns import LOAD_COLUMNS
from ucnb.read.parsers.load import parse_load

FIXTURES = Path(__file__).parents[1] / "fixtures" / "load"
EXPECTED = {name: want for name, want in json.loads((FIXTURES / "expected.json").read_text()).items()
            if name.endswith(".txt")}

NEW_HEADER = "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND"
TOP_LINE = "top - 22:51:40 up 12 days, 22:03,  1 user,  load average: 1.10, 0.93, 0.88"
TASKS_LINE = "Tasks:   1 total,   0 running,   1 sleeping,   0 stopped,   0 zombie"


def load(name: str, **kwargs):
    return parse_load((FIXTURES / name).read_text().splitlines(), file=name, **kwargs)


def by_pid(frame: pd.DataFrame, pid: int) -> pd.Series:
    rows = frame[frame["pid"] == pid]
    assert len(rows) == 1, f"pid {pid}: {len(rows)} rows"
    return rows.iloc[0]


def one_row(time_plus: str = "0:00.02", virt: str = "158024", pr: str = "30", ni: str = "10",
            command: str = "top") -> pd.Series:
    row = f" 1022 admin     {pr:>3s} {ni:>3s} {virt:>7s}   2300   1720 R   0.0  0.0 {time_plus:>9s} {command}"
    result = parse_load([TOP_LINE, TASKS_LINE, NEW_HEADER, row])
    assert result.unparsed == [], result.unparsed
    return result.snapshots[0].processes.iloc[0]


# --- every fixture against its hand-written expectations ---------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_matches_expected_values(name: str) -> None:
    expected = EXPECTED[name]
    result = load(name)
    assert [u.source for u in result.unparsed] == expected["unparsed"]
    assert len(result.warnings) == expected["warnings"], result.warnings
    assert len(result.snapshots) == len(expected["snapshots"])
    for snapshot, want in zip(result.snapshots, expected["snapshots"], strict=True):
        summary = snapshot.summary
        assert snapshot.source == want["source"]
        assert summary.source == want["source"].rsplit("-", 1)[0]
        for key in ("time", "uptime", "uptime_s", "users", "count_kind", "total", "running", "sleeping",
                    "stopped", "zombie", "threads", "mem", "swap"):
            if key in want:
                assert getattr(summary, key) == want[key], key
        if "load_average" in want:
            assert summary.load_average == pytest.approx(tuple(want["load_average"]))
        if "cpu" in want:
            assert summary.cpu == pytest.approx(want["cpu"])
        frame = snapshot.processes
        assert len(frame) == want["rows"]
        assert frame.loc[frame["zombie"], "pid"].tolist() == want["zombie_pids"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_frames_have_exactly_the_model_columns_and_dtypes(name: str) -> None:
    for snapshot in load(name).snapshots:
        assert {c: str(t) for c, t in snapshot.processes.dtypes.items()} == LOAD_COLUMNS


# --- typed values a user would check -----------------------------------------------------------


def test_old_generation_typed_values() -> None:
    frame = load("old_generation_cucm.txt").snapshots[0].processes
    ccm = by_pid(frame, 18911)
    assert ccm["virt_kib"] == 2202010  # 2.1g
    assert ccm["res_kib"] == 1258291  # 1.2g
    assert ccm["shr_kib"] == 35840  # 35m
    assert ccm["cpu_pct"] == pytest.approx(103.5)  # more than one core
    assert ccm["time_s"] == pytest.approx(7145 * 60 + 21)  # MMMM:SS
    amc = by_pid(frame, 7313)
    assert amc["virt_kib"] == 1204 * 1024
    assert amc["time_s"] == pytest.approx(190 * 60 + 11.07)
    assert amc["source"] == "old_generation_cucm.txt:7"
    assert by_pid(frame, 5120)["time_s"] == pytest.approx(2 * 3600 + 13 * 60)  # "2,13" is hours,minutes
    assert by_pid(frame, 5120)["ni"] == -2
    assert by_pid(frame, 28417)["ni"] == -20
    migration = by_pid(frame, 3)
    assert bool(migration["rt"]) and pd.isna(migration["pr"])
    assert migration["time_s"] == pytest.approx(12 * 3600)  # "12h"
    assert by_pid(frame, 3251)["state"] == "R"
    assert by_pid(frame, 3251)["virt_kib"] == 10900  # plain KiB
    # old top cuts user names silently: 8 characters may be a cut name
    assert bool(by_pid(frame, 7313)["user_truncated"])
    assert not bool(by_pid(frame, 1)["user_truncated"])
    zombies = frame[frame["zombie"]]
    assert zombies["command"].tolist() == ["sh", "sh", "tracecollection"]
    assert zombies["state"].tolist() == ["Z", "Z", "Z"]
    assert zombies["source"].tolist() == [f"old_generation_cucm.txt:{n}" for n in (18, 19, 20)]


def test_new_generation_typed_values() -> None:
    snapshot = load("new_generation_cucm.txt").snapshots[0]
    frame = snapshot.processes
    assert snapshot.summary.mem["avail"] == 2190340  # printed on the Swap line, belongs to memory
    assert "avail" not in snapshot.summary.swap
    ccm = by_pid(frame, 18911)
    assert ccm["pr"] == -51 and not bool(ccm["rt"])
    assert ccm["virt_kib"] == round(3.012 * 1024**2)
    assert by_pid(frame, 11)["rt"]
    assert by_pid(frame, 4410)["time_s"] == pytest.approx(3 * 86400 + 4 * 3600)  # "3d4h"
    assert by_pid(frame, 1)["time_s"] == pytest.approx(12 * 3600 + 34 * 60)  # "12h34"
    assert by_pid(frame, 4410)["res_kib"] == round(1.6 * 1024**2)
    # this top marks cut names with "+": 8-character names without it are whole
    assert bool(by_pid(frame, 19822)["user_truncated"])
    assert by_pid(frame, 19822)["user"] == "ccmserv+"
    assert not bool(by_pid(frame, 5120)["user_truncated"])  # informix
    assert not bool(by_pid(frame, 1003)["user_truncated"])  # administ
    assert not frame["zombie"].any()


def test_mib_memory_and_command_lines_with_spaces() -> None:
    snapshot = load("mib_mem_command_lines.txt").snapshots[0]
    assert snapshot.summary.mem["total"] == 8009114  # 7821.4 MiB
    frame = snapshot.processes
    assert by_pid(frame, 26732)["command"] == (
        "/usr/local/thirdparty/java/j2sdk/jre/bin/java -Xmx256m tracecollectionservice")
    assert by_pid(frame, 1022)["command"] == "top -b -n 1 -c"
    zombie = by_pid(frame, 10025)
    assert bool(zombie["zombie"]) and zombie["command"] == "[sh] <defunct>"


def test_first_line_shifts_every_source() -> None:
    result = load("mib_mem_command_lines.txt", first_line=40)
    snapshot = result.snapshots[0]
    assert snapshot.source == "mib_mem_command_lines.txt:40-50"
    assert snapshot.summary.source == "mib_mem_command_lines.txt:40"
    assert by_pid(snapshot.processes, 10025)["source"] == "mib_mem_command_lines.txt:49"


# --- several snapshots, threads, partial tables ------------------------------------------------


def test_cont_gives_one_snapshot_per_top_line_with_rising_zombies() -> None:
    result = load("cont_three_snapshots.txt")
    assert [s.summary.zombie for s in result.snapshots] == [1, 2, 3]
    assert [s.summary.time for s in result.snapshots] == ["10:29:45", "10:29:48", "10:29:51"]
    assert [s.processes["source"].iloc[0] for s in result.snapshots] == [
        "cont_three_snapshots.txt:8", "cont_three_snapshots.txt:26", "cont_three_snapshots.txt:44"]
    # every snapshot's table is the default 10 rows, and none of the counted zombies is in it
    assert all("10 of 318 tasks" in w and "find them with `show process list detail`" in w
               for w in result.warnings)
    assert "3 zombies counted but 0 in the table" in result.warnings[2]


def test_snapshots_split_without_blank_lines_or_top_line() -> None:
    text = (FIXTURES / "cont_three_snapshots.txt").read_text().splitlines()
    squeezed = [line for line in text if line.strip() and not line.startswith("top -")]
    result = parse_load(squeezed)
    assert [s.summary.zombie for s in result.snapshots] == [1, 2, 3]
    assert [len(s.processes) for s in result.snapshots] == [10, 10, 10]
    assert result.snapshots[1].summary.source == "<text>:16"  # its Tasks: line, after 4 + 1 + 10 lines
    assert result.unparsed == []


def test_thread_variant_counts_threads() -> None:
    result = load("thread.txt")
    summary = result.snapshots[0].summary
    assert summary.count_kind == "threads"
    assert summary.total == 2871 and summary.zombie == 0
    assert result.warnings == [
        "snapshot at 11:40:03 (thread.txt:1-11) shows 4 of 2871 threads: a thread absent from it may "
        "still be running (`show process load num all` lists every one)"]


def test_default_ten_rows_warns_that_absence_proves_nothing() -> None:
    result = load("default_10_rows.txt")
    assert len(result.snapshots[0].processes) == 10
    (warning,) = result.warnings
    assert warning.startswith("snapshot at 09:14:02 (default_10_rows.txt:1-17) shows 10 of 318 tasks")
    assert "may still be running" in warning
    assert "3 zombies counted but 0 in the table" in warning


def test_summary_only_is_fine() -> None:
    result = load("summary_only.txt")
    assert result.unparsed == [] and result.warnings == []
    assert result.snapshots[0].summary.zombie == 1
    assert result.snapshots[0].processes.empty


def test_full_table_with_missing_zombie_rows_warns() -> None:
    lines = [TOP_LINE, "Tasks:   1 total,   0 running,   0 sleeping,   0 stopped,   1 zombie", NEW_HEADER,
             " 1022 admin      30  10  158024   2300   1720 R   0.0  0.0   0:00.02 top"]
    assert parse_load(lines).warnings == [
        "snapshot at 22:51:40 (<text>:1-4) counts 1 zombie but its table shows 0 rows in state Z"]


# --- odd input goes to unparsed, never mis-read ------------------------------------------------


def test_odd_rows_are_reported_with_reasons_and_not_misread() -> None:
    result = load("odd_rows.txt")
    frame = result.snapshots[0].processes
    assert frame["pid"].tolist() == [19822, 5120, 3020, 10025]
    reasons = {u.source: u.reason for u in result.unparsed}
    assert reasons["odd_rows.txt:9"].startswith("row with 5 fields, expected 12")
    assert reasons["odd_rows.txt:10"] == "PID 'abcd' is not a process id"
    assert reasons["odd_rows.txt:11"].startswith("row with 11 fields, expected 12")
    assert reasons["odd_rows.txt:12"] == "S '1.2' is not a process state"  # shifted columns
    assert result.unparsed[-1].text == "Executed command unsuccessfully"
    # only PID, state and COMMAND decide a row: another odd value is NA, with a note naming the line
    informix, java = by_pid(frame, 5120), by_pid(frame, 3020)
    assert pd.isna(informix["res_kib"]) and informix["shr_kib"] == 1024**2
    assert informix["command"] == "cmoninit"
    assert math.isnan(java["time_s"]) and java["cpu_pct"] == pytest.approx(0.3)
    assert "RES left NA on 1 row ('1.1x': not a memory size): odd_rows.txt:13" in result.warnings
    assert "TIME+ left NA on 1 row ('1:2:3:4': not a CPU time): odd_rows.txt:14" in result.warnings


def test_lines_outside_any_snapshot_are_unparsed() -> None:
    result = parse_load(["hello there", "", TOP_LINE])
    assert [(u.source, u.text) for u in result.unparsed] == [("<text>:1", "hello there")]
    assert len(result.snapshots) == 1


@pytest.mark.parametrize("cpu", ["nan", "inf", "1e5", "1_0", "-", "5.5.5", "?", "12m"])
def test_non_numbers_that_python_would_accept_are_na_not_numbers(cpu: str) -> None:
    row = f" 1022 admin      30  10  158024   2300   1720 R {cpu:>5s}  0.0   0:00.02 top"
    result = parse_load([TOP_LINE, TASKS_LINE, NEW_HEADER, row])
    (process,) = result.snapshots[0].processes.itertuples()
    assert process.pid == 1022 and math.isnan(process.cpu_pct) and process.command == "top"
    assert result.unparsed == []
    assert f"%CPU left NA on 1 row ({cpu!r}: not a percentage): <text>:4" in result.warnings


def test_absurd_digit_runs_are_reported_not_raised() -> None:
    huge = "9" * 5000
    lines = [f"top - 09:14:02 up {huge} days,  3:07,  {huge} users,  load average: {huge}, 0.48, 0.40",
             f"Tasks: {huge} total,   0 running,   1 sleeping,   0 stopped,   0 zombie",
             f"KiB Mem : {huge} total,   312448 free", NEW_HEADER,
             f" 1022 admin      30  10 {huge}   2300   1720 R   0.0  0.0 {huge}:00.02 top",
             f" {huge} admin      30  10  158024   2300   1720 R {huge}.5  0.0   0:00.02 top"]
    result = parse_load(lines)
    summary = result.snapshots[0].summary
    assert summary.total is None and summary.running == 0 and summary.mem == {"free": 312448}
    (process,) = result.snapshots[0].processes.itertuples()  # its VIRT and TIME+ are NA, with a note
    assert process.pid == 1022 and pd.isna(process.virt_kib) and math.isnan(process.time_s)
    assert any(w.startswith("VIRT left NA on 1 row ('99999999999999999...': ") for w in result.warnings)
    assert [u.source for u in result.unparsed] == ["<text>:2", "<text>:3", "<text>:6"]
    assert "Tasks line partly read: no number for total" in result.unparsed[0].reason


# --- summary and value forms -------------------------------------------------------------------


@pytest.mark.parametrize(("line", "uptime", "seconds", "users"), [
    ("top - 09:14:02 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40", "41 days,  3:07",
     41 * 86400 + 3 * 3600 + 7 * 60, 1),
    ("top - 09:14:02 up 12 min,  3 users,  load average: 0.52, 0.48, 0.40", "12 min", 720, 3),
    ("top - 09:14:02 up  3:07,  0 users,  load average: 0.52, 0.48, 0.40", "3:07", 11220, 0),
    ("top - 09:14:02 up 1 day, 10 min,  1 user,  load average: 0.52, 0.48, 0.40", "1 day, 10 min", 87000, 1),
    ("top - 09:14:02 up 400 days, 23:59,  1 user,  load average: 0,52, 0,48, 0,40", "400 days, 23:59",
     400 * 86400 + 23 * 3600 + 59 * 60, 1),
])
def test_uptime_forms(line: str, uptime: str, seconds: int, users: int) -> None:
    summary = parse_load([line]).snapshots[0].summary
    assert (summary.time, summary.uptime, summary.uptime_s) == ("09:14:02", uptime, seconds)
    assert summary.users == users
    assert summary.load_average == pytest.approx((0.52, 0.48, 0.40))


@pytest.mark.parametrize(("printed", "seconds"), [
    ("0:00.02", 0.02), ("190:11.07", 11411.07), ("1234:56", 1234 * 60 + 56), ("2:03:04", 7384),
    ("1-02:03:04", 86400 + 7384), ("27,45", 27 * 3600 + 45 * 60), ("812h", 812 * 3600),
    ("12h34", 12 * 3600 + 34 * 60), ("3d4h", 3 * 86400 + 4 * 3600), ("5d", 5 * 86400), ("2w", 14 * 86400),
])
def test_time_plus_forms(printed: str, seconds: float) -> None:
    assert one_row(time_plus=printed)["time_s"] == pytest.approx(seconds)


@pytest.mark.parametrize(("printed", "kib"), [
    ("158024", 158024), ("411m", 411 * 1024), ("1.2g", round(1.2 * 1024**2)), ("0.1t", round(0.1 * 1024**3)),
    ("98k", 98), ("2.5G", round(2.5 * 1024**2)),
])
def test_memory_suffixes(printed: str, kib: int) -> None:
    assert one_row(virt=printed)["virt_kib"] == kib


def test_old_and_intermediate_memory_layouts() -> None:
    lines = ["top - 09:14:02 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40",
             "KiB Mem:   8009116 total,  7696668 used,   312448 free,   190112 buffers",
             "KiB Swap:  4095996 total,   195884 used,  3900112 free.  2190340 cached Mem",
             "Cpu0  :  4.1%us,  1.9%sy,  0.0%ni, 93.6%id,  0.2%wa,  0.0%hi,  0.2%si,  0.0%st",
             "GiB Mem :      7.6 total,      0.3 free,      4.8 used,      2.5 buff/cache"]
    result = parse_load(lines)
    first, second = result.snapshots  # the second Mem line starts a new snapshot
    assert first.summary.mem == {"total": 8009116, "used": 7696668, "free": 312448, "buffers": 190112,
                                 "cached": 2190340}
    assert first.summary.swap == {"total": 4095996, "used": 195884, "free": 3900112}
    assert first.summary.cpu["cpu0.us"] == pytest.approx(4.1)
    assert second.summary.mem["total"] == round(7.6 * 1024**2)
    assert "its zombie count is unknown" in result.warnings[0]


def test_header_with_other_columns_is_read_by_name() -> None:
    lines = [TOP_LINE, "Tasks:   2 total,   0 running,   1 sleeping,   0 stopped,   1 zombie",
             "  PID  PPID USER     %CPU S    TIME+ COMMAND",
             "29815     1 ccmserv+  2.0 S  3:10.11 amc",
             "22908 29815 ccmserv+  0.0 Z  0:00.00 sh"]
    result = parse_load(lines)
    frame = result.snapshots[0].processes
    assert result.unparsed == [] and result.warnings == []
    assert frame["pid"].tolist() == [29815, 22908]  # PPID is not read as PID or %CPU
    assert frame["cpu_pct"].tolist() == [2.0, 0.0]
    assert frame["zombie"].tolist() == [False, True]
    assert frame["virt_kib"].isna().all() and frame["pr"].isna().all()


def test_a_ps_listing_is_not_read_as_a_top_table() -> None:
    lines = [TOP_LINE, TASKS_LINE, "UID          PID    PPID  C STIME TTY          TIME CMD",
             "root           1       0  0 Oct10 ?        00:01:02 /sbin/init"]
    result = parse_load(lines)
    assert result.snapshots[0].processes.empty
    assert [u.source for u in result.unparsed] == ["<text>:3", "<text>:4"]


def test_command_not_last_must_not_contain_spaces() -> None:
    lines = ["  PID COMMAND  S %CPU", " 7313 amc      S  6.3", " 7314 a b      S  6.3"]
    result = parse_load(lines)
    assert result.snapshots[0].processes["command"].tolist() == ["amc"]
    assert result.unparsed[0].reason.startswith("row with 5 fields, expected 4")


def test_large_snapshot_keeps_every_row() -> None:
    rows = [f"{1000 + i:5d} ccmserv+  20   0 1033236 210004  21880 {'Z' if i % 1000 == 0 else 'S'}"
            f"   0.3  2.6 {i % 999}:{i % 60:02d}.{i % 100:02d} RisDC" for i in range(20000)]
    result = parse_load([TOP_LINE, "Tasks: 20000 total,   1 running, 19980 sleeping,   0 stopped,  20 zombie",
                         NEW_HEADER, *rows])
    frame = result.snapshots[0].processes
    assert len(frame) == 20000 and int(frame["zombie"].sum()) == 20
    assert result.unparsed == [] and result.warnings == []
    assert frame["time_s"].iloc[12345] == pytest.approx((12345 % 999) * 60 + 12345 % 60 + (12345 % 100) / 100)
    assert frame["source"].iloc[-1] == "<text>:20003"


# --- robustness --------------------------------------------------------------------------------

_FRAGMENTS = [line for name in sorted(EXPECTED) for line in (FIXTURES / name).read_text().splitlines()]


def _check_invariants(lines: list[str]) -> None:
    result = parse_load(lines, file="f")
    nonblank = {f"f:{i + 1}" for i, line in enumerate(lines) if line.strip()}
    for snapshot in result.snapshots:
        assert {c: str(t) for c, t in snapshot.processes.dtypes.items()} == LOAD_COLUMNS
        assert set(snapshot.processes["source"]) <= nonblank
        for column in ("cpu_pct", "mem_pct", "time_s"):  # NaN when the column is absent, never inf
            assert not snapshot.processes[column].map(math.isinf).any()
    assert {u.source for u in result.unparsed} <= nonblank


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=80), max_size=30))
def test_random_text_never_raises(lines: list[str]) -> None:
    _check_invariants(lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_FRAGMENTS), st.integers(0, 90), st.text(max_size=6)), max_size=40))
def test_mangled_real_lines_never_raise(pieces: list[tuple[str, int, str]]) -> None:
    _check_invariants([line[:cut] + noise + line[cut + len(noise):] for line, cut, noise in pieces])


# --- older and newer top layouts (issue 11, class 6) -------------------------------------------


def test_old_top_table_is_a_top_table_with_multi_letter_states() -> None:
    result = load("old_top_procps2.txt")
    snapshot = result.snapshots[0]
    assert snapshot.summary.zombie == 2 and snapshot.summary.total == 71
    frame = snapshot.processes
    assert result.unparsed == []
    # STAT as ps prints it: `R N` (a space inside) is one field, the columns after it stay in place
    assert frame["state"].tolist() == ["RN", "SWN", "S", "SW", "SW<", "Z", "Z", "R<", "R"]
    oracle = by_pid(frame, 1423)
    assert oracle["cpu_pct"] == pytest.approx(8.4) and oracle["mem_pct"] == pytest.approx(19.3)
    assert oracle["time_s"] == pytest.approx(7046 * 60)  # TIME `7046m`: minutes
    assert oracle["virt_kib"] == 98 * 1024 and oracle["res_kib"] == 97 * 1024  # SIZE, RSS with M
    assert oracle["shr_kib"] == 95344 and oracle["pr"] == 15 and oracle["ni"] == 5  # SHARE, PRI
    assert oracle["command"] == "oracle"
    assert by_pid(frame, 5)["time_s"] == pytest.approx(41 * 60 + 9)  # old TIME is MM:SS
    assert frame.loc[frame["zombie"], "source"].tolist() == [f"old_top_procps2.txt:{n}" for n in (13, 14)]


def test_old_top_summary_wrapped_by_mail_is_read_whole() -> None:
    result = load("old_top_mail_wrapped.txt")
    summary = result.snapshots[0].summary
    assert summary.mem["buffers"] == 5292 and summary.mem["cached"] == 405988  # labels on the next line
    # the label lines are part of their summary line: recognised, not unparsed
    assert {6, 8} <= set(result.recognised) and result.unparsed == []


def test_ps_listing_header_sharing_old_top_names_is_not_a_top_table() -> None:
    lines = ["  F   UID   PID  PPID PRI  NI   VSZ  RSS WCHAN  STAT TTY        TIME COMMAND",
             "004     0     1     0  20   0   448  236 do_sel S    ?          0:09 init"]
    result = parse_load(lines)
    assert result.snapshots == [] and len(result.unparsed) == 2


def test_procps4_sleep_and_d_sleep_fill_sleeping_and_threads_are_exposed() -> None:
    first, second = load("procps4_threads_sleep.txt").snapshots
    assert (first.summary.sleeping, first.summary.threads) == (1454, 1487)
    assert first.summary.count_kind == "threads"
    assert (second.summary.sleeping, second.summary.threads, second.summary.total) == (379, None, 412)


def test_tasks_and_threads_lines_in_one_snapshot() -> None:
    lines = [TOP_LINE, "Tasks: 318 total,   1 running, 314 sleeping,   0 stopped,   3 zombie",
             "Threads: 2871 total,   1 running, 2867 sleeping,   0 stopped,   3 zombie"]
    (snapshot,) = parse_load(lines).snapshots
    assert (snapshot.summary.total, snapshot.summary.zombie, snapshot.summary.count_kind) == (318, 3, "tasks")
    assert snapshot.summary.threads == 2871


# --- lenient columns (issue 11, class 12) -------------------------------------------------------


def test_only_pid_state_and_command_decide_a_row() -> None:
    result = load("lenient_columns.txt")
    frame = result.snapshots[0].processes
    assert frame["pid"].tolist() == [7313, 9001, 9002, 22908]
    amc, cdpd, dbmon = by_pid(frame, 7313), by_pid(frame, 9001), by_pid(frame, 9002)
    assert pd.isna(amc["virt_kib"]) and amc["time_s"] == pytest.approx(11411.07)
    assert pd.isna(cdpd["pr"]) and pd.isna(cdpd["ni"]) and math.isnan(cdpd["cpu_pct"])
    assert cdpd["virt_kib"] == 411 * 1024 and cdpd["res_kib"] == round(2.1 * 1024**2)
    assert dbmon["virt_kib"] == 12 * 1024**3 and pd.isna(dbmon["res_kib"]) and math.isnan(dbmon["time_s"])
    reasons = {u.source: u.reason for u in result.unparsed}
    assert reasons == {"lenient_columns.txt:8": "PID '-' is not a process id",
                       "lenient_columns.txt:9": "S '?' is not a process state",
                       "lenient_columns.txt:10": "S '1' is not a process state"}
    assert ("SHR left NA on 3 rows ('-', '?', '12q': not a memory size): lenient_columns.txt:4, "
            "lenient_columns.txt:5, lenient_columns.txt:6") in result.warnings


def test_wide_top_rows_with_spaces_after_command_are_read_up_to_command() -> None:
    result = load("wide_fields_after_command.txt")
    frame = result.snapshots[0].processes
    assert frame["command"].tolist() == ["top", "systemd", "amc", "sh"]
    assert frame["zombie"].tolist() == [False, False, False, True]
    assert result.unparsed == []
    assert result.warnings == [
        "2 rows do not have the 16 fields of the header: read up to COMMAND, the columns after it left NA: "
        "wide_fields_after_command.txt:4, wide_fields_after_command.txt:7"]

