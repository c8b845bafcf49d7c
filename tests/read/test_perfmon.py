"""The RIS PerfMon logs: a week of files, rollovers, name collisions, changing counter sets, a file cut
mid-row, `Process Status` as words or numbers, found in folders and archives by name and by header."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

import ucnb
from ucnb.read.parsers.perfmon import looks_like_perfmon, merge_logs, parse_perfmon, text_lines
from ucnb.synth.perfmon import Leak, perfmon_files

START = datetime(2026, 11, 23, 0, 0)  # a Monday
LEAK = Leak("sh", datetime(2026, 11, 24, 14, 5), per_hour=2)  # Tuesday 14:05, inside the second file


@pytest.fixture(scope="module")
def week() -> list[tuple[str, str]]:
    """Seven days at one poll every 5 minutes (2,017 polls) in files of 288 polls (a day): the leak
    starts mid-file; from the fifth file VmRSS is no longer logged; the last file (one poll) is cut
    mid-row."""
    return perfmon_files(
        "cucm-sub1",
        start=START,
        hours=7 * 24,
        poll_seconds=300,
        leak=LEAK,
        rows_per_file=288,
        drop_vmrss_from=4,
        cut_last=True,
    )


def _write(folder: Path, files: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        (folder / name).write_text(text, newline="")
    return folder


def test_a_week_of_files_gives_the_first_poll_and_the_rate(week, tmp_path):
    node = ucnb.load(_write(tmp_path / "logs", week)).nodes[0]
    assert node.name == "cucm-sub1"
    line = node.perfmon
    assert line is not None and len(line.files) == 8
    assert len(line.times) == 7 * 24 * 12  # the last poll was cut mid-row: not read
    first = next(i for i, count in enumerate(line.by_name["sh"]) if count)
    # the first zombie is born half an hour after the leak starts (2 an hour): the poll at 14:35
    assert line.times[first] == datetime(2026, 11, 24, 14, 35)
    assert line.times[first - 1] == datetime(2026, 11, 24, 14, 30) and line.by_name["sh"][first - 1] == 0
    assert line.sources[first] == f"PerfMon_cucm-sub1_11_24_2026_00_00.csv:{2 + first - 288}"  # mid-file
    assert (
        line.zombies[-1]
        == line.by_name["sh"][-1]
        == int((line.times[-1] - LEAK.start).total_seconds() / 3600 * 2 + 1e-9)
    )


def test_name_collisions_count_for_one_name(week):
    name, text = week[3]
    log = parse_perfmon(text_lines(text), file=name)
    header = text.split("\r\n", 1)[0]
    assert "Process(sh#1)" in header and "Process(sh)\\" in header  # the live sh and the zombies
    assert list(log.by_name) == ["sh"]
    assert max(log.zombies) == max(log.by_name["sh"]) > 1


def test_counter_set_change_and_rollover_are_said(week):
    logs = [parse_perfmon(text_lines(text), file=name) for name, text in week]
    assert "Process\\VmRSS" in logs[3].counters and "Process\\VmRSS" not in logs[4].counters
    line = merge_logs(reversed(logs))  # whatever order the files come in
    assert line.times == sorted(line.times) and len(set(line.times)) == len(line.times)
    assert any("counter set changes" in note and "VmRSS" in note for note in line.notes)


def test_overlap_at_a_rollover_is_read_once():
    files = perfmon_files("n1", start=START, hours=2, poll_seconds=60, rows_per_file=50)
    again = perfmon_files(
        "n1", start=datetime(2026, 11, 23, 0, 30), hours=1, poll_seconds=60, rows_per_file=500
    )
    logs = [
        parse_perfmon(text_lines(t), file=n + suffix)
        for suffix, group in (("", files), ("~2", again))
        for n, t in group
    ]
    line = merge_logs(logs)
    assert len(line.times) == 121
    assert any("in two files" in note for note in line.notes)


def test_a_file_cut_mid_row_is_reported_not_lost(week):
    name, text = week[-1]
    log = parse_perfmon(text_lines(text), file=name)
    lines = text.split("\n")
    assert [item.source for item in log.unparsed] == [f"{name}:{len(lines)}"]
    assert "ends mid-row" in log.unparsed[0].reason
    # nothing lost: every non-blank line is the header, a poll or unparsed
    accounted = set(log.recognised) | set(log.lines) | {len(lines)}
    assert accounted == {n for n, raw in enumerate(lines, start=1) if raw.strip()}


def test_a_cut_inside_the_last_value_is_no_poll():
    name, text = perfmon_files("n1", start=START, hours=0.1, poll_seconds=60)[0]
    log = parse_perfmon(text_lines(text.rstrip("\r\n")[:-3]), file=name)
    assert len(log.times) == 6 and "ends mid-row" in log.unparsed[-1].reason


@pytest.mark.parametrize("status", ["words", "numbers"])
def test_process_status_as_words_or_numbers_with_its_evidence(status):
    files = perfmon_files(
        "n1",
        start=START,
        hours=3,
        poll_seconds=60,
        status=status,
        leak=Leak("sh", datetime(2026, 11, 23, 1), per_hour=6),
    )
    log = parse_perfmon(text_lines(files[0][1]), file=files[0][0])
    assert log.status_mapping == status and log.zombies[-1] == 12
    if status == "numbers":
        assert "3 = Zombie" in log.status_evidence and "documented order" in log.status_evidence
        assert "have VmRSS 0 or blank" in log.status_evidence
    else:
        assert "words" in log.status_evidence


def test_no_time_zone_in_the_header_is_read_and_said():
    name, text = perfmon_files("n1", start=START, hours=0.5, poll_seconds=60, zone=None)[0]
    log = parse_perfmon(text_lines(text), file=name)
    assert log.zone is None and len(log.times) == 31
    assert any("names no time zone" in warning for warning in log.warnings)


def test_found_by_name_and_by_header_in_archives(week, tmp_path):
    assert looks_like_perfmon("a/b/PerfMon_10.1.1.5_11_24_2026_09_00.csv", b"")
    assert looks_like_perfmon("export.csv", b'"(PDH-CSV 4.0) (UTC)(0)","\\\\n1\\System\\Total Threads"')
    assert not looks_like_perfmon("report.csv", b"a,b,c")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in week[:2]:
            archive.writestr(f"cm/log/ris/csv/{name}", text)
        archive.writestr("renamed/export.csv", week[2][1])  # no PerfMon name: found by its header
    path = tmp_path / "rtmt.zip"
    path.write_bytes(buffer.getvalue())
    node = ucnb.load(path).nodes[0]
    assert node.name == "cucm-sub1" and len(node.perfmon_logs) == 3
    assert node.perfmon is not None and len(node.perfmon.times) == 3 * 288


def test_an_address_in_the_counters_takes_the_node_name_of_its_folder(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "sample_outputs" / "ex1_cucm_amc" / "before"
    folder = tmp_path / "node"
    folder.mkdir()
    for path in sample.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    _write(folder, perfmon_files("10.10.1.21", start=START, hours=1, poll_seconds=60))
    bundle = ucnb.load(folder)
    assert [node.name for node in bundle.nodes] == ["cucm-sub1"]
    assert bundle.nodes[0].perfmon is not None


def test_a_named_file_without_a_header_is_not_a_node(tmp_path):
    (tmp_path / "PerfMon_x_11_24_2026_09_00.csv").write_text("not a perfmon log\n")
    (tmp_path / "load.txt").write_bytes(
        (
            Path(__file__).resolve().parents[2] / "sample_outputs/ex1_cucm_amc/before/show_process_load.txt"
        ).read_bytes()
    )
    bundle = ucnb.load(tmp_path)
    assert all(node.perfmon is None for node in bundle.nodes)
    assert any("no PDH CSV header" in warning for warning in bundle.warnings)
    assert [item.source for item in bundle.not_understood] == ["PerfMon_x_11_24_2026_09_00.csv:1"]
