"""The capture viewer, headless: what lines it shows, which it highlights, how it searches and pages."""

from __future__ import annotations

import re

import pytest

import ucnb
from ucnb.diagnosis.diagnose import diagnose
from ucnb.errors import InputError
from ucnb.faces import viewer as viewer_module
from ucnb.faces.viewer import MAX_LINE_CHARS, WINDOW, CaptureText, CaptureViewer, parse_source, render_html
from ucnb.read.bundle import load

EX1 = "sample_outputs/ex1_cucm_amc/before"

LISTING = "\n".join(
    ["UID PID PPID CMD", "root 1 0 /sbin/init", "ccm 29815 1 /usr/local/cm/bin/amc",
     "ccm 22908 29815 [sh] <defunct>", "ccm 122908 1 other", "ccm 2290 1 other"]
) + "\n"


def test_search_defunct_finds_every_defunct_row_of_ex1_and_opens_the_first():
    bundle = load(EX1)
    defunct = [f"{name}:{n}" for name in sorted(bundle.texts)
               for n, line in enumerate(bundle.texts[name].split("\n"), 1) if "defunct" in line.lower()]
    viewer = CaptureViewer.from_bundle(bundle)
    viewer.search("defunct")
    assert viewer.matches == defunct and defunct
    file, line, _ = parse_source(defunct[0])
    assert viewer.shown.file == file and viewer.shown.focus == line
    focus = [v for v in viewer.shown.lines if v.focus]
    assert len(focus) == 1 and focus[0].match and "defunct" in focus[0].text
    assert "match 1 of 2" in viewer.position.value
    viewer.next.click()
    assert f"{viewer.shown.file}:{viewer.shown.focus}" == defunct[1]
    viewer.next.click()  # wraps round
    assert f"{viewer.shown.file}:{viewer.shown.focus}" == defunct[0]


def test_a_pid_is_searched_as_a_whole_number():
    model = CaptureText({"ps.txt": LISTING})
    assert model.search("22908") == ["ps.txt:4"]  # not 122908
    assert model.search("2290") == ["ps.txt:6"]
    assert model.search("DEFUNCT") == ["ps.txt:4"]  # text: case ignored
    assert model.search("  ") == [] and model.search("absent") == []


def test_the_evidence_of_the_diagnosis_is_highlighted_and_opens_at_its_line():
    bundle = load(EX1)
    group = diagnose(bundle).nodes[0].groups[0]
    viewer = CaptureViewer.from_bundle(bundle, evidence=[group.parent_source])
    assert viewer.open_source(group.parent_source)
    file, line, _ = parse_source(group.parent_source)
    (shown,) = [v for v in viewer.shown.lines if v.evidence]
    assert (viewer.shown.file, shown.number, shown.focus) == (file, line, True)
    assert "29815" in shown.text and "amc" in shown.text
    assert 'class="ucnb-line ucnb-evidence ucnb-focus"' in viewer.body.value
    assert not viewer.open_source("nowhere.txt:3") and not viewer.open_source("not a source")


def test_a_range_source_highlights_each_of_its_lines():
    model = CaptureText({"ps.txt": LISTING}, evidence=["ps.txt:2-3"])
    window = model.window("ps.txt", 2)
    assert [v.number for v in window.lines if v.evidence] == [2, 3]


def test_markup_in_a_process_name_stays_text():
    hostile = "ccm 666 1 <script>alert(1)</script> <img src=x onerror=alert(2)> <defunct>\n"
    viewer = CaptureViewer({"ps.txt": hostile})
    viewer.search("defunct")
    page = viewer.body.value
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    viewer.search("<img")
    assert "<mark>&lt;img</mark>" in viewer.body.value and "<b>&lt;img</b>" in viewer.position.value


def test_a_control_character_is_shown_not_obeyed():
    model = CaptureText({"ps.txt": "ccm 7 1 amc\u202eexe <defunct>\n"})
    assert model.window("ps.txt", 1).lines[0].text == "ccm 7 1 amc\\u202eexe <defunct>"


def test_a_huge_file_shows_a_window_around_the_line_not_all_of_it():
    lines = [f"ccm {pid} 1 worker" for pid in range(1, 100_001)]
    lines[70_000] = "ccm 70001 1 [sh] <defunct>"
    viewer = CaptureViewer({"big.txt": "\n".join(lines)})
    viewer.search("defunct")
    window = viewer.shown
    assert window.focus == 70_001 and len(window.lines) == WINDOW and window.total == 100_000
    assert window.first <= 70_001 <= window.last
    assert viewer.body.value.count('class="ucnb-line') == WINDOW
    viewer.earlier.click()
    assert viewer.shown.last < 70_001 + WINDOW and viewer.shown.first < window.first
    viewer.show("big.txt", 100_000)  # the end: the window stops at the last line
    assert viewer.shown.last == 100_000 and viewer.later.disabled
    viewer.show("big.txt", 1)
    assert viewer.shown.first == 1 and viewer.earlier.disabled


def test_a_long_line_is_cut_and_says_how_much_was_left_out():
    model = CaptureText({"one.txt": "x" * (MAX_LINE_CHARS + 5000)})
    text = model.window("one.txt", 1).lines[0].text
    assert text.endswith("(5,000 more characters)") and len(text) < MAX_LINE_CHARS + 40


def test_a_search_stops_at_its_bound_and_says_so(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(viewer_module, "MAX_MATCHES", 10)
    viewer = CaptureViewer({"z.txt": "<defunct>\n" * 50})
    viewer.search("defunct")
    assert len(viewer.matches) == 10 and "of 10 or more" in viewer.position.value


def test_the_widgets_drive_it_as_a_user_would():
    viewer = CaptureViewer({"a.txt": "one\n", "b.txt": LISTING})
    assert viewer.shown.file == "a.txt"
    viewer.files.value = "b.txt"
    assert viewer.shown.file == "b.txt" and viewer.shown.first == 1
    viewer.box.value = "29815"  # typing and Enter
    assert viewer.matches == ["b.txt:3", "b.txt:4"]
    viewer.previous.click()
    assert viewer.shown.focus == 4
    viewer.box.value = "nothing like it"
    assert viewer.matches == [] and "not found in any file" in viewer.position.value


def test_an_unknown_file_is_one_clear_error():
    with pytest.raises(InputError, match="no capture file named 'x.txt'"):
        CaptureViewer({"a.txt": "one\n"}).show("x.txt", 1)


def test_an_empty_file_and_an_empty_bundle_render():
    viewer = CaptureViewer({"empty.txt": ""})
    assert viewer.shown.total == 0 and "(empty file)" in viewer.body.value
    assert "No capture file" in CaptureViewer({}).position.value


def test_render_html_numbers_every_line():
    model = CaptureText({"ps.txt": LISTING})
    page = render_html(model.window("ps.txt", 1))
    assert re.findall(r'<span class="ucnb-no">(\d+)</span>', page) == [str(n) for n in range(1, 7)]


def test_the_facade_bundle_works_too():
    viewer = CaptureViewer.from_bundle(ucnb.load(EX1))
    assert viewer.files.options == tuple(sorted(ucnb.load(EX1).texts))
