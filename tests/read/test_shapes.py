"""What people really paste (issue 11): each class of real-world mangling, on hand-written fixtures of
tests/fixtures/shapes/, read through the whole road (`ucnb.load`): rows, zombies, parents, snapshots,
and where every odd line went."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import ucnb
from ucnb.diagnosis.diagnose import analyze
from ucnb.read.capture import read_capture
from ucnb.read.parsers.commands import COMMANDS, RECOGNISER
from ucnb.read.recogniser import Recogniser
from ucnb.read.sources import SourceFile

SHAPES = Path(__file__).parents[1] / "fixtures" / "shapes"


def rows(listing: ucnb.model.results.Listing) -> list[tuple]:
    """(pid, ppid, state, command, zombie, source) of every row, <NA> as None."""
    frame = listing.processes[["pid", "ppid", "state", "command", "zombie", "source"]].astype(object)
    return [tuple(None if value is pd.NA else value for value in row) for row in frame.values.tolist()]


def node_of(name: str) -> ucnb.model.results.Node:
    bundle = ucnb.load(SHAPES / name)
    [node] = bundle.nodes
    return node


# --- class 1: listings with no header ----------------------------------------------------------


@pytest.mark.parametrize(("name", "layout", "expected"), [
    ("headerless_ps_ef_grep.txt", "`ps -ef`", [
        (22908, 29815, None, "[sh] <defunct>", True, "headerless_ps_ef_grep.txt:1"),
        (22911, 29815, None, "[sh] <defunct>", True, "headerless_ps_ef_grep.txt:2"),
        (24478, 24460, None, "grep defunct", False, "headerless_ps_ef_grep.txt:3")]),
    ("headerless_ps_elf_grep.txt", "`ps -elf`", [
        (22908, 29815, "Z", "[sh] <defunct>", True, "headerless_ps_elf_grep.txt:2"),
        (24478, 24460, "S", "grep -i defunct", False, "headerless_ps_elf_grep.txt:3")]),
    # ps aux holds no PPID: none is invented
    ("headerless_ps_aux_grep.txt", "`ps aux`", [
        (22908, None, "Z", "[sh] <defunct>", True, "headerless_ps_aux_grep.txt:2"),
        (24478, None, "S+", "grep --color=auto Z", False, "headerless_ps_aux_grep.txt:3")]),
    ("headerless_busybox.txt", "`busybox ps (new)`", [
        (1, None, None, "init", False, "headerless_busybox.txt:1"),
        (812, None, None, "/usr/sbin/crond -f", False, "headerless_busybox.txt:2"),
        (913, None, None, "[sh]", False, "headerless_busybox.txt:3")]),
])
def test_rows_without_header_are_read_in_the_layout_they_fit(name: str, layout: str, expected: list) -> None:
    node = node_of(name)
    [listing] = node.listings
    assert rows(listing) == expected
    assert layout in listing.assumed_layout and "lines have its shape" in listing.assumed_layout
    assert listing.has_ppid is (expected[0][1] is not None)
    assert any(layout in warning for warning in node.warnings)  # what `inspect` shows
    assert node.unparsed == []


@pytest.mark.parametrize(("row", "layout", "pid", "ppid"), [
    ("    1 10059  8587  8587 ?           -1 Z     1001   0:00  \\_ [sh] <defunct>", "ps axjf", 10059, 1),
    ("10059 ?        Z      0:00 [sh] <defunct>", "ps ax", 10059, None),
    ("0 Z 1001 10059 8607 0 80 0 - 0 - ? 00:00:00 [sh] <defunct>", "ps -el", 10059, 8607),
    ("10059  8607 Z    [sh] <defunct>", "show process list", 10059, 8607),
])
def test_other_headerless_layouts(row: str, layout: str, pid: int, ppid: int | None) -> None:
    listing = ucnb.read.parsers.listing.parse_listing([row], file="h")
    assert f"`{layout}`" in listing.assumed_layout
    assert [(p, q, z) for p, q, _, _, z, _ in rows(listing)] == [(pid, ppid, True)]


def test_a_headerless_row_is_recognised_only_in_a_known_shape() -> None:
    assert RECOGNISER.detect("ccmserv+ 22908 29815  0 09:10 ?        00:00:00 [sh] <defunct>", rows=True)
    for text in ("Case 694112: zombies on the publisher", "10.1.1.1 cucm-pub Publisher callmanager",
                 "12 rows were found", "Cisco AMC Service is down"):
        assert RECOGNISER.detect(text, rows=True) is None, text


# --- class 2: wrapped rows ---------------------------------------------------------------------


def test_mail_wrapped_rows_are_joined_with_both_lines_as_source() -> None:
    node = node_of("wrapped_mail_72.txt")
    assert rows(node.listing) == [
        (1, 0, None, "/sbin/init", False, "wrapped_mail_72.txt:2"),
        (29815, 1, None, "/usr/local/cm/bin/amc -x -Dcom.cisco.amc.config=/usr/local/cm/conf/amc/amc.xml",
         False, "wrapped_mail_72.txt:3-4"),
        (22908, 29815, None, "[sh] <defunct>", True, "wrapped_mail_72.txt:5-6"),
    ]
    assert node.unparsed == []


def test_a_forest_marker_left_at_the_end_of_a_row_takes_the_next_line_as_command() -> None:
    node = node_of("wrapped_forest_axfl.txt")
    assert rows(node.listing) == [
        (1, 0, "S", "init", False, "wrapped_forest_axfl.txt:2"),
        (7313, 1, "S", "/usr/local/cm/bin/amc", False, "wrapped_forest_axfl.txt:3-4"),
        (22908, 7313, "Z", "[sh <defunct>]", True, "wrapped_forest_axfl.txt:5-6"),
        (22911, 7313, "S", "/bin/sh -c /usr/local/cm/bin/cdrrep.sh", False, "wrapped_forest_axfl.txt:7-8"),
    ]
    assert node.listing.processes["depth"].tolist() == [0, 0, 1, 1]
    [zombie] = analyze(ucnb.load(SHAPES / "wrapped_forest_axfl.txt"))["nodes"][0]["zombies"]
    assert (zombie["pid"], zombie["ppid"], zombie["source"]) == (22908, 7313, "wrapped_forest_axfl.txt:5-6")


# --- class 3: output glued to the prompt line --------------------------------------------------


def test_output_glued_to_the_prompt_is_handed_to_the_parser() -> None:
    capture = read_capture(SourceFile("g.txt", "g.txt", (SHAPES / "glued_prompt.txt").read_bytes()))
    found = [(s.command, s.typed, s.source, s.lines[0].split()[:2]) for s in capture.sections]
    assert found == [
        ("show process list detail", "show process list detail", "g.txt:1-4", ["UID", "PID"]),
        ("show status", "show status", "g.txt:5-5", ["Host", "Name"]),
    ]
    node = ucnb.load(SHAPES / "glued_prompt.txt").nodes[0]
    assert rows(node.listing)[-1] == (22908, 29815, None, "[sh] <defunct>", True, "glued_prompt.txt:4")


def test_options_after_a_command_are_options_not_output() -> None:
    assert RECOGNISER.command("show process load num all cont") == (
        "show process load", "show process load num all cont", "")
    assert RECOGNISER.command("show status") == ("show status", "show status", "")
    assert RECOGNISER.command("utils service restart Cisco AMC Service")[2] == ""


def test_a_prompt_with_nothing_after_it_never_gives_an_inverted_range() -> None:
    capture = read_capture(SourceFile("p.txt", "p.txt", b"admin:show status\nadmin:show process load\n"))
    for section in capture.sections:
        first, last = (int(n) for n in section.source.rsplit(":", 1)[1].split("-"))
        assert first <= last


# --- class 4: time-stamped session logs --------------------------------------------------------


@pytest.mark.parametrize(("name", "zombie", "when"), [
    ("timestamped_netmiko.log", 22908, datetime(2026, 11, 20, 10, 29, 47)),
    ("timestamped_securecrt.log", 22911, datetime(2026, 11, 20, 10, 41, 2)),
    ("timestamped_ansible.log", 22930, datetime(2026, 11, 20, 11, 2, 10)),
])
def test_time_stamps_are_stripped_and_kept_as_capture_time(name: str, zombie: int, when: datetime) -> None:
    node = node_of(name)
    listing = node.listing
    assert listing.captured_at == when
    assert [(pid, ppid) for pid, ppid, *_ in rows(listing)] == [(1, 0), (29815, 1), (zombie, 29815)]
    assert node.unparsed == []


# --- class 5: repeated runs in one paste -------------------------------------------------------


def test_repeated_runs_after_prompts_are_separate_snapshots_the_latest_decides() -> None:
    bundle = ucnb.load(SHAPES / "repeated_runs_prompts.txt")
    node = bundle.nodes[0]
    zombies = [[pid for pid, _, _, _, zombie, _ in rows(each) if zombie] for each in node.listings]
    assert zombies == [[22908], [22908, 22915], [22921]]
    assert node.listing is node.listings[-1]
    analysed = analyze(bundle)["nodes"][0]
    assert [z["pid"] for z in analysed["zombies"]] == [22921]
    # the earlier runs are a trend and their zombies are accounted for, with their lines
    assert "3 listings without capture times: 1, 2, 1 defunct rows" in analysed["leak_rate_note"]
    earlier = [w for w in analysed["warnings"] if "that the listing analysed" in w]
    assert len(earlier) == 2
    assert "22908 (repeated_runs_prompts.txt:3)" in earlier[0]
    assert "22908 (repeated_runs_prompts.txt:8), 22915 (repeated_runs_prompts.txt:9)" in earlier[1]


def test_a_repeated_header_without_prompt_starts_another_run() -> None:
    node = node_of("repeated_runs_headers.txt")
    assert [[row[0] for row in rows(each)] for each in node.listings] == [[22908], [22908, 22915]]
    assert not any("duplicate PIDs" in warning for warning in node.warnings)


# --- class 7: a tree with no PPID column -------------------------------------------------------


def test_the_tree_gives_the_parent_when_there_is_no_ppid_column() -> None:
    bundle = ucnb.load(SHAPES / "forest_auxf.txt")
    listing = bundle.nodes[0].listing
    assert listing.parents_from_tree and listing.has_ppid
    assert [(pid, ppid) for pid, ppid, *_ in rows(listing)] == [
        (1, None), (1862, None), (29815, 1862), (22908, 29815), (23001, 29815), (23002, 23001),
        (23010, 23002), (2104, 1862)]  # a top-level row's parent is not drawn: <NA>, never invented
    assert any("zombie 22908: parent 29815 from the tree at forest_auxf.txt:4" in w for w in listing.warnings)
    zombies = analyze(bundle)["nodes"][0]["zombies"]
    assert [(z["pid"], z["ppid"]) for z in zombies] == [(22908, 29815), (23010, 23002)]


def test_ps_fax_without_user_column() -> None:
    listing = node_of("forest_fax.txt").listing
    assert rows(listing)[-1] == (12345, 7313, "Z", "[sh] <defunct>", True, "forest_fax.txt:4")


# --- class 8: user decorations -----------------------------------------------------------------


def test_decorations_are_not_data() -> None:
    node = node_of("decorated_markdown.txt")
    assert rows(node.listing) == [
        (29815, 1, None, "/usr/local/cm/bin/amc -x -Dcom.cisco.amc.conf", False, "decorated_markdown.txt:5"),
        (22908, 29815, None, "[sh] <defunct>", True, "decorated_markdown.txt:6"),
    ]
    assert [u.source for u in node.unparsed] == ["decorated_markdown.txt:1"]  # the sentence, with its line


# --- class 11: files that are not captures ------------------------------------------------------


def test_a_file_without_command_output_is_not_a_node() -> None:
    bundle = ucnb.load(SHAPES / "case_folder")
    assert [node.name for node in bundle.nodes] == ["cucm-pub"]
    assert [u.source for u in bundle.not_understood] == ["README.txt:1", "README.txt:2"]
    assert sum("README.txt" in warning for warning in bundle.warnings) == 1
    document = ucnb.read.bundle.inspect_json(bundle)
    assert [item["source"] for item in document["not_understood"]] == ["README.txt:1", "README.txt:2"]


# --- class 12: lenient columns -----------------------------------------------------------------


def test_odd_values_in_other_columns_are_na_not_a_lost_row() -> None:
    node = node_of("lenient_columns.txt")
    listing = node.listing
    assert [row[:5] for row in rows(listing)] == [
        (1, None, "Ss", "/sbin/init", False), (29815, None, "Sl", "/usr/local/cm/bin/amc -x", False),
        (22908, None, "Z", "[sh] <defunct>", True)]
    assert listing.processes["time"].isna().tolist() == [False, False, True]
    assert any("VSZ value" in warning and "'-'" in warning for warning in listing.warnings)
    assert node.unparsed == []


def test_a_shifted_row_is_still_unparsed() -> None:
    listing = ucnb.read.parsers.listing.parse_listing([
        "UID        PID  PPID  C STIME TTY          TIME CMD",
        "ccmserv+ 29815     1  0 Oct19 03:10:11 /usr/local/cm/bin/amc -x"], file="s")
    assert listing.processes.empty and "TIME" in listing.unparsed[0].reason


# --- issue 16 item 4: nothing lost, again -------------------------------------------------------


def test_a_lone_cr_in_a_crlf_file_ends_a_line() -> None:
    bundle = ucnb.load(SHAPES / "crlf_lone_cr.txt")
    listing = bundle.nodes[0].listing
    assert [(pid, source) for pid, _, _, _, _, source in rows(listing)] == [
        (1, "crlf_lone_cr.txt:2"), (29815, "crlf_lone_cr.txt:3"), (22908, "crlf_lone_cr.txt:4"),
        (23001, "crlf_lone_cr.txt:5")]
    assert [z["pid"] for z in analyze(bundle)["nodes"][0]["zombies"]] == [22908]


def test_a_terminal_overwrite_is_still_an_overwrite() -> None:
    data = b"UID PID PPID C STIME TTY TIME CMD\r\nroot 1 0 0 Oct19 ? 00:00:41 init\r\n" \
           b"options: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 2 of 2) :\r            \r" \
           b"ccm 22908 1 0 09:10 ? 00:00:00 [sh] <defunct>\r\n"
    capture = read_capture(SourceFile("o.txt", "o.txt", data))
    assert capture.text.count("\n") == 3 and not capture.warnings
    assert capture.sections[0].lines[-1].startswith("ccm 22908")


@pytest.mark.parametrize("layout", ["two files", "two commands in one log"])
def test_two_listings_of_one_node_are_both_read(tmp_path: Path, layout: str) -> None:
    first = "admin:show process list detail\nUID PID PPID C STIME TTY TIME CMD\n" \
            "ccm 22908 7313 0 09:10 ? 00:00:00 [sh] <defunct>\n"
    second = "admin:show process list detail\nUID PID PPID C STIME TTY TIME CMD\n" \
             "ccm 22911 7313 0 09:40 ? 00:00:00 [sh] <defunct>\n"
    folder = tmp_path / "cucm-pub"
    folder.mkdir()
    if layout == "two files":
        (folder / "ps1.txt").write_text(first)
        (folder / "ps2.txt").write_text(second)
    else:
        (folder / "log.txt").write_text(first + second)
    [node] = ucnb.load(folder).nodes
    assert [[row[0] for row in rows(each)] for each in node.listings] == [[22908], [22911]]


def test_the_capture_layer_knows_commands_only_through_the_table() -> None:
    import ucnb.read.capture as capture

    text = Path(capture.__file__).read_text()
    imports = re.findall(r"^\s*(?:from|import) (ucnb\.read\.parsers\S*)", text, re.M)
    assert imports == ["ucnb.read.parsers.commands"]  # the table, when no recogniser is given; no parser
    assert Recogniser(COMMANDS).command("sh proc lo")[0] == "show process load"


def test_a_time_without_date_is_a_stamp_only_in_brackets() -> None:
    from ucnb.read.capture import clean_line

    assert clean_line("10:29:46 up 41 days,  3:07,  1 user") == "10:29:46 up 41 days,  3:07,  1 user"
    assert clean_line("[10:29:46] admin:show status") == "admin:show status"
