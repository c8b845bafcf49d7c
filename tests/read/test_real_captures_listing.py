"""The "by eye" answers of ../shared/real-captures/README.md for the captures read by the capture layer
and the listing parser (issue 11): what an engineer reading the text concludes is what ucnb reports.
Skipped, with the path, when the shared folder is absent. (`show process load`, `utils service list`
and identity captures are checked in tests/read/test_real_captures_top.py.)"""

from __future__ import annotations

import pandas as pd
from real_captures import real_capture

import ucnb
from ucnb.diagnosis.diagnose import analyze
from ucnb.read.capture import read_capture
from ucnb.read.parsers.commands import RECOGNISER
from ucnb.read.sources import SourceFile


def load(name: str) -> ucnb.model.results.Bundle:
    return ucnb.load(real_capture(name))


def zombies(listing: ucnb.model.results.Listing) -> list[tuple[int, int | None, str]]:
    frame = listing.processes.loc[listing.processes["zombie"], ["pid", "ppid", "command"]].astype(object)
    return [(pid, None if ppid is pd.NA else ppid, command) for pid, ppid, command in frame.values.tolist()]


def test_12_output_collapsed_onto_the_prompt_line_is_handed_to_the_parser() -> None:
    """`admin:show network cluster 10.1.89.30 ...` on one line: the rest of the line is the output's
    first line (reading the collapsed rows is the identity parser's job); nothing vanishes."""
    path = real_capture("12_dbrepl_pub_netcluster_glued.txt")
    capture = read_capture(SourceFile(path.name, path.name, path.read_bytes()), RECOGNISER)
    [section] = capture.sections
    assert (section.command, section.typed, section.source) == (
        "show network cluster", "show network cluster", f"{path.name}:1-1")
    assert section.lines[0].startswith("10.1.89.30 CUCMv10SUB.alegarc2.lab CUCMv10SUB Subscriber")
    node = load(path.name).nodes[0]
    [found] = node.sections
    first, last = (int(n) for n in found.source.rsplit(":", 1)[1].split("-"))
    assert first <= last  # never `:2-1`


def test_15_ps_axjfww_in_markdown_indentation() -> None:
    bundle = load("15_blog_ps_axjfww_unicorn.txt")
    [node] = bundle.nodes
    [listing] = node.listings
    assert len(listing.processes) == 125
    assert zombies(listing) == [(10059, 8607, "[sh] <defunct>")]
    assert listing.forest and listing.has_ppid and not listing.parents_from_tree
    assert node.unparsed == []  # the indented shell prompt is a prompt
    [zombie] = analyze(bundle)["nodes"][0]["zombies"]
    assert (zombie["pid"], zombie["ppid"]) == (10059, 8607)


def test_16_ps_auxfw_parents_from_the_tree() -> None:
    bundle = load("16_htb_ps_auxfw.txt")
    [node] = bundle.nodes
    [listing] = node.listings
    assert len(listing.processes) == 10
    assert [(pid, ppid) for pid, ppid, _ in zombies(listing)] == [(4784, 1208), (5028, 1208)]
    assert listing.parents_from_tree
    assert any("parent 1208 from the tree at 16_htb_ps_auxfw.txt:4" in text for text in listing.warnings)
    found = analyze(bundle)["nodes"][0]["zombies"]
    assert [(z["pid"], z["ppid"]) for z in found] == [(4784, 1208), (5028, 1208)]


def test_17_three_runs_are_three_snapshots_not_one_listing() -> None:
    bundle = load("17_obs_ps_aux_grepZ_multi.txt")
    [node] = bundle.nodes
    assert [[pid for pid, _, _ in zombies(listing)] for listing in node.listings] == [
        [31217], [32410, 32412], [32627]]
    assert [z["pid"] for z in analyze(bundle)["nodes"][0]["zombies"]] == [32627]  # the latest decides
    assert node.unparsed == []


def test_18_ps_axl_without_header() -> None:
    bundle = load("18_owncloud_ps_axl_noheader.txt")
    [node] = bundle.nodes
    [listing] = node.listings
    assert len(listing.processes) == 2
    assert zombies(listing) == [(17322, 17310, "[owncloud] <defunct>")]
    assert "`ps axl`" in listing.assumed_layout
    assert [(z["pid"], z["ppid"]) for z in analyze(bundle)["nodes"][0]["zombies"]] == [(17322, 17310)]


def test_32_time_stamped_log_prefixes_are_stripped() -> None:
    path = real_capture("32_ansible_ts_log_version_active.txt")
    capture = read_capture(SourceFile(path.name, path.name, path.read_bytes()), RECOGNISER)
    assert capture.unparsed == []  # paramiko's "Connected"/"Authentication" lines are log noise
    [section] = capture.sections
    assert (section.command, section.typed) == ("show version active", "show version active")
    assert section.lines[16 - section.first_line] == "Active Master Version: 11.5.1.12900-21"  # line 16
    assert str(section.captured_at) == "2021-06-16 09:31:28"  # the time stamp of the typed command
    assert not any(line.startswith("2021-06-16") for line in section.lines)


def test_36_mail_wrapped_ps_axfl() -> None:
    """README says 56 rows; the file holds 44 process rows (`grep -cE '^0[0-9]{2} '` = 44, lines 13-98,
    each row's command on the next line): all 44 are read, none lost, none unparsed."""
    bundle = load("36_lkml_top_plus_ps_axfl_wrapped80.txt")
    [node] = bundle.nodes
    [listing] = node.listings
    text = real_capture("36_lkml_top_plus_ps_axfl_wrapped80.txt").read_text().splitlines()
    assert len(listing.processes) == sum(1 for line in text if line[:3].isdigit() and line[3:4] == " ") == 44
    assert listing.unparsed == []
    assert zombies(listing) == [(17839, 207, "[svscan <defunct>]")]
    frame = listing.processes.set_index("pid")
    assert frame.loc[207, "command"] == "/usr/local/bin/svscan /service"
    assert frame.loc[17839, "source"] == "36_lkml_top_plus_ps_axfl_wrapped80.txt:44-45"
    [zombie] = analyze(bundle)["nodes"][0]["zombies"]
    assert (zombie["pid"], zombie["ppid"]) == (17839, 207)
