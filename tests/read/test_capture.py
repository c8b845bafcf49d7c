"""Cleaning terminal artefacts and cutting logs into sessions and command sections."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ucnb.errors import InputError
from ucnb.read.capture import canonical_command, clean_line, detect_command, read_capture
from ucnb.read.sources import SourceFile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "capture"


def capture_of(text: str | bytes, name: str = "x.txt"):
    data = text.encode() if isinstance(text, str) else text
    return read_capture(SourceFile(name=name, root=name, data=data))


@pytest.fixture(scope="module")
def putty():
    data = (FIXTURES / "putty_two_sessions.log").read_bytes()
    return read_capture(SourceFile(name="putty_two_sessions.log", root="putty_two_sessions.log", data=data))


def test_putty_log_is_cut_into_two_sessions_and_their_commands(putty):
    found = [(s.session, s.command, s.source, s.cut_short) for s in putty.sections]
    assert found == [
        (0, "show status", "putty_two_sessions.log:15-23", False),
        (0, "show process load", "putty_two_sessions.log:26-35", False),
        (0, "show process list detail", "putty_two_sessions.log:38-42", False),
        (1, "show status", "putty_two_sessions.log:50-52", False),
        (1, "show process list detail", "putty_two_sessions.log:55-57", True),
        (1, "unknown", "putty_two_sessions.log:60-61", False),
    ]
    assert putty.session_count == 2
    assert [str(t) for t in putty.session_times.values()] == ["2026-11-20 10:29:41", "2026-11-20 10:41:02"]
    assert putty.unparsed == []


def test_line_numbers_survive_cleaning(putty):
    listing = putty.sections[2]
    # the defunct row was glued to an erased pager prompt on original line 41
    index = 41 - listing.first_line
    assert listing.lines[index] == "ccmserv+   22908    7313  0 09:10 ?        00:00:00 [sh] <defunct>"
    load = putty.sections[1]
    assert load.lines[33 - load.first_line].endswith("190:11.07 amc")  # ANSI removed
    status = putty.sections[0]
    assert "Central European Time" in status.lines[17 - status.first_line]  # backspaces applied


def test_every_artefact_is_removed():
    assert clean_line("\x1b[1m 7313 ccmservi\x1b[0m  20 \r") == " 7313 ccmservi  20"
    assert clean_line("options: q=quit, n=next, p=prev, b=begin, e=end (lines 21 - 40 of 312) :") == ""
    press = "Press <enter> for 1 line, <space> for one page, or <q> to quit"
    assert clean_line(press + " 123 root") == " 123 root"
    assert clean_line("end of the file reached") == ""
    assert clean_line("top - 10:00:01^C") == "top - 10:00:01"
    assert clean_line("a\tb") == "a       b"
    assert clean_line("prompt text\r           \rdata") == "data"


def test_commands_are_canonical_even_abbreviated():
    assert canonical_command("show process load num all cont") == "show process load"
    assert canonical_command("sh proc list det") == "show process list detail"
    assert canonical_command("show process list") == "show process list"
    assert canonical_command("show process search defunct") == "show process search"
    assert canonical_command("utils service list") == "utils service list"
    assert canonical_command("show myself") == "unknown"


def test_prompt_less_file_is_recognised_by_content():
    text = (
        "top - 09:14:02 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40\n"
        "Tasks: 318 total,   1 running, 314 sleeping,   0 stopped,   3 zombie\n"
        "\n"
        "UID          PID    PPID  C STIME TTY          TIME CMD\n"
        "root           1       0  0 Oct10 ?        00:01:02 /sbin/init\n"
        "Cisco AMC Service[STARTED]\n"
    )
    capture = capture_of(text)
    assert [(s.command, s.source) for s in capture.sections] == [
        ("show process load", "x.txt:1-2"),
        ("show process list detail", "x.txt:4-5"),
        ("utils service list", "x.txt:6-6"),
    ]
    assert detect_command("Host Name    : cucm-pub") == "show status"


def test_text_outside_any_output_is_reported_not_dropped():
    top = "top - 09:14:02 up 1 day,  3:07,  1 user,  load average: 0, 0, 0"
    capture = capture_of(f"hello from the customer\n\n{top}\n")
    assert [(u.source, u.text) for u in capture.unparsed] == [("x.txt:1", "hello from the customer")]


def test_a_binary_file_is_an_input_error():
    with pytest.raises(InputError, match="x.bin: binary data"):
        capture_of(bytes(range(256)) * 10, name="x.bin")


def test_non_utf8_bytes_are_replaced_and_warned():
    capture = capture_of(b"Host Name    : cucm-pub\xff\n")
    assert capture.warnings == ["x.txt: 1 byte is not UTF-8; shown as \ufffd"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_input_error(data):
    try:
        capture = capture_of(data)
    except InputError:
        return
    for section in capture.sections:
        assert section.first_line >= 1


@pytest.mark.parametrize("tail", ["", "\n"])
def test_a_command_without_output_at_the_end_points_at_its_prompt_line(tail):
    text = "Host Name        : cucm-sub1\n\nadmin:\nadmin:show status" + tail
    capture = read_capture(SourceFile("show_status.txt", "b", text.encode()))
    empty = [s for s in capture.sections if s.typed is not None]
    assert [s.source for s in empty] == ["show_status.txt:4-4"]


def _sample_texts():
    here = Path(__file__).parents[1]
    for path in sorted([*(here.parent / "sample_outputs").rglob("*"), *(here / "fixtures").rglob("*")]):
        if path.is_file() and path.suffix not in (".zip", ".gz", ".tgz", ".json", ".md"):
            yield path.read_bytes().decode("utf-8", errors="replace")


def test_only_the_candidate_lines_can_start_an_output_or_be_a_marker():
    """`read_capture` looks only at the lines found by one search of the file (Recogniser.candidates,
    the marker search): every line that `detect` recognises or that is a marker is among them."""
    from ucnb.read.capture import MARKER_HINT, MARKER_LINE
    from ucnb.read.parsers.commands import RECOGNISER
    from ucnb.read.recogniser import line_indexes

    checked = 0
    for text in _sample_texts():
        lines = [line.rstrip() for line in text.split("\n")]
        joined = "\n".join(lines)
        candidates = set(RECOGNISER.candidates(joined) or range(len(lines)))
        markers = set(line_indexes(joined, MARKER_LINE, ("$", "#")))
        for index, line in enumerate(lines):
            if RECOGNISER.detect(line) is not None:
                assert index in candidates, line
                checked += 1
            if MARKER_HINT.match(line.strip()) or "$" in line or "#" in line:
                assert index in markers, line
    assert checked > 50


def test_a_lone_carriage_return_after_a_long_line_ends_a_line():
    long_row = "x" * 200_000
    capture = capture_of(f"admin:show status\r\nHost Name : a\r\n{long_row}\r\nrow 1\rrow 2\r\n")
    assert capture.text.split("\n")[-3:] == ["row 1", "row 2\r", ""]
    assert "1 lone carriage return" in capture.warnings[0]
