"""The report's PerfMon history: the fields, the per-name table with the parent, the Timeline row, and
the timeline picture with the threshold and the capture and remediation times marked."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from perfmon_helpers import perfmon_case

import ucnb
from ucnb.faces.draw import draw_perfmon_timeline
from ucnb.model.results import PerfmonTimeline
from ucnb.report import INTERNAL_TOKENS, build_report, render_report
from ucnb.report.model import Image

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return perfmon_case(tmp_path_factory.mktemp("case"))


def test_the_report_tells_when_and_how_fast_with_the_parent(case):
    cap, folder, leak = case
    text = render_report(ucnb.load(folder), fmt="md", pictures=False).text
    assert "**History from the RTMT PerfMon logs**" in text
    first = (leak.start + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    assert f"| **Zombies first appeared** | {first} (none at " in text
    assert f"Zombies first appear on {cap.host} (RTMT PerfMon logs)" in text  # the Timeline's row
    assert f"PID {cap.ppid} " in text and f"({cap.service}) |" in text  # the per-name table's parent
    assert "TotalProcessesAndThreadsExceededThreshold" in text
    for token in INTERNAL_TOKENS:
        assert token not in text


def test_the_picture_is_in_the_report_and_redaction_hides_the_node(case):
    cap, folder, _ = case
    report = build_report(ucnb.load(folder), pictures=True)
    images = [b for s in report.sections for b in s.blocks if isinstance(b, Image) and "perfmon" in b.name]
    assert len(images) == 1 and images[0].png.startswith(PNG)
    redacted = render_report(ucnb.load(folder), fmt="md", pictures=False, redact=True).text
    assert "History from the RTMT PerfMon logs" in redacted and cap.host not in redacted


def test_the_timeline_picture_marks_the_threshold_and_the_moments():
    t0 = datetime(2026, 11, 24, 9)
    times = [t0 + timedelta(minutes=m) for m in range(0, 3 * 24 * 60, 15)]
    line = PerfmonTimeline(times=times, zombies=[i // 8 for i in range(len(times))],
                           processes=[300] * len(times), threads=[1500 + i // 8 for i in range(len(times))],
                           by_name={"sh": [i // 8 for i in range(len(times))]})
    marks = [(times[100], "capture"), (times[200], "remediation"), (t0 - timedelta(days=60), "long before")]
    figure = draw_perfmon_timeline(line, threshold=1800, marks=marks)
    top, bottom = figure.axes
    assert [t.get_text() for t in top.texts] == ["capture", "remediation"]  # the far one is not drawn
    assert any(list(line_.get_ydata()) == [1800, 1800] for line_ in bottom.get_lines())  # the threshold line
    assert len(top.get_lines()[0].get_xdata()) <= 1500  # a long log is reduced, peaks kept
    assert max(top.get_lines()[0].get_ydata()) == max(line.zombies)
