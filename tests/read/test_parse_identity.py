"""Node identity from show status / show version active / show network cluster /
show tech ccm_service."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucnb.model.results import Identity
from ucnb.read.parsers.identity import COMMANDS, cluster_row, parse_identity

FIXTURES = Path(__file__).parents[1] / "fixtures" / "identity"


def parse_fixture(name: str, command: str, **where) -> Identity:
    lines = (FIXTURES / name).read_text().splitlines()
    return parse_identity(lines, command=command, file=name, **where)


def test_show_status_full_output():
    identity = parse_fixture("show_status_cucm125.txt", "show status")
    assert identity.hostname == "cucm-pub"
    assert identity.date == "Thu Nov 20, 2026 10:29:45"
    assert identity.version == "12.5.1.14900-63"
    assert identity.os_version == "7.0.0.0-4"
    assert identity.uptime == "41 days,  3:07"
    assert identity.product is None  # show status does not name the product
    assert identity.unparsed == [] and identity.warnings == []
    assert identity.source == "show_status_cucm125.txt:2-25"


def test_show_status_reports_unknown_lines_and_reads_short_uptimes():
    identity = parse_fixture("show_status_cuc_short_uptime_unknown_lines.txt", "show status", first_line=100)
    assert identity.hostname == "cuc-sub"
    assert identity.date == "Mon Dec  1, 2026 07:02:11"
    assert identity.version == "14.0.1.13900-10"
    assert identity.uptime == "35 min"
    assert [(u.source, u.text) for u in identity.unparsed] == [
        ("show_status_cuc_short_uptime_unknown_lines.txt:124", "Serial Number      : VMware-42 1c 3a 99"),
        ("show_status_cuc_short_uptime_unknown_lines.txt:125", "this line is garbage"),
    ]
    assert identity.unparsed[0].reason == "unknown show status field 'Serial Number'"


def test_show_status_uptime_on_the_label_line_and_a_missing_uptime():
    same_line = parse_identity(["Uptime: 10:29:46 up 1 day, 20 min,  0 users,  load average: 0.1, 0.2, 0.3"],
                               command="show status")
    assert same_line.uptime == "1 day, 20 min"
    missing = parse_identity(["Uptime:", "Host Name : x"], command="show status")
    assert missing.uptime is None and missing.hostname == "x"
    assert [u.reason for u in missing.unparsed] == ["expected the uptime line after `Uptime:`"]


def test_show_version_active_without_options():
    identity = parse_fixture("show_version_active_none.txt", "show version active")
    assert identity.version == "14.0.1.12900-161"
    assert identity.unparsed == []


def test_show_version_active_with_options():
    identity = parse_fixture("show_version_active_options.txt", "show version active")
    assert identity.version == "12.5.1.14900-63"
    assert identity.unparsed == []


def test_option_lines_before_the_options_header_are_unparsed():
    identity = parse_identity(["cmterm-devicepack.cop", "Active Master Version: 1.2.3-4"],
                              command="show version active", file="v")
    assert identity.version == "1.2.3-4"
    assert [(u.source, u.text) for u in identity.unparsed] == [("v:1", "cmterm-devicepack.cop")]


def test_show_network_cluster_mixed_cucm_and_imp():
    identity = parse_fixture("show_network_cluster_cucm_imp.txt", "show network cluster")
    assert [(r["hostname"], r["role"], r["type"], r["product"]) for r in identity.cluster] == [
        ("cucm-pub", "Publisher", "callmanager", "CUCM"),
        ("cucm-sub1", "Subscriber", "callmanager", "CUCM"),
        ("imp-pub", "Subscriber", "cups", "IMnP"),
        ("imp-sub1", "Subscriber", "cups", "IMnP"),
    ]
    first = identity.cluster[0]
    assert first == {"ip": "10.10.10.11", "fqdn": "cucm-pub.example.com", "hostname": "cucm-pub",
                     "role": "Publisher", "type": "callmanager", "product": "CUCM", "db_role": "DBPub",
                     "status": "authenticated", "source": "show_network_cluster_cucm_imp.txt:1"}
    assert identity.cluster[1]["status"] == "authenticated using TCP since Mon Nov 10 08:01:15 2026"
    assert identity.cluster[3]["fqdn"] is None
    assert identity.cluster[3]["status"].startswith("not authenticated - INITIATOR")
    assert identity.product is None  # a mixed cluster does not say which node this is
    assert identity.hostname is None
    assert identity.unparsed == [] and identity.warnings == []


def test_show_network_cluster_of_unity_connection():
    identity = parse_fixture("show_network_cluster_cuc_pair.txt", "show network cluster")
    assert [r["ip"] for r in identity.cluster] == ["192.168.5.20", "192.168.5.21"]
    assert identity.product == "CUC"
    assert identity.unparsed == []


def test_show_network_cluster_garbage_and_unknown_types():
    lines = ["10.0.0.5 uccx-pub Publisher uccx DBPub authenticated", "hello world",
             "300.1.1.1 a b Publisher x", "Server Table (processnode) Entries", "two words"]
    identity = parse_identity(lines, command="show network cluster", file="c")
    assert [r["hostname"] for r in identity.cluster] == ["uccx-pub"]
    assert identity.cluster[0]["product"] is None
    assert [u.text for u in identity.unparsed] == ["hello world", "300.1.1.1 a b Publisher x", "two words"]
    assert identity.warnings == ["c: 1 unknown node type in show network cluster: uccx"]


def test_cluster_row_needs_structure_not_positions():
    assert cluster_row("10.1.1.1 a.example.com a Publisher callmanager")["db_role"] is None
    assert cluster_row("fe80::1 v6.example.com v6 Subscriber cups DBSub authenticated")["ip"] == "fe80::1"
    assert cluster_row("10.1.1.1 a b c Publisher callmanager") is None  # three names: not a row
    assert cluster_row("10.1.1.1 a Publisher") is None


def test_show_tech_ccm_service_imp_wins_over_cm_group():
    identity = parse_fixture("show_tech_ccm_service_imp.txt", "show tech ccm_service")
    assert identity.product == "IMnP"
    assert identity.unparsed == []


def test_show_tech_ccm_service_reports_garbage_and_errors():
    identity = parse_fixture("show_tech_ccm_service_cucm_with_garbage.txt", "show tech ccm_service")
    assert identity.product == "CUCM"
    assert [(u.source, u.text) for u in identity.unparsed] == [
        ("show_tech_ccm_service_cucm_with_garbage.txt:6", "Error: could not read the service registry"),
        ("show_tech_ccm_service_cucm_with_garbage.txt:10", "%%% corrupted ###"),
    ]


@pytest.mark.parametrize("group, product", [("Unity Connection Services", "CUC"), ("CM Services", "CUCM"),
                                            ("IM and Presence Services", "IMnP")])
def test_show_tech_group_names(group, product):
    lines = ["GroupName: CM Services", f"GroupName: {group}", "ServiceName: x"]
    assert parse_identity(lines, command="show tech ccm_service").product == product


def test_show_tech_without_a_product_group_warns():
    lines = ["GroupName: Cisco Finesse Services"]
    identity = parse_identity(lines, command="show tech ccm_service", file="f")
    assert identity.product is None
    assert identity.warnings == ["f: no UC product group among Cisco Finesse Services"]


def test_unknown_command_reports_every_line():
    identity = parse_identity(["a", "", "b"], command="show hardware", file="h", first_line=10)
    assert [u.source for u in identity.unparsed] == ["h:10", "h:12"]
    assert identity.warnings == ["h: 'show hardware' is not an identity command"]


@given(st.sampled_from(COMMANDS + ("show bogus",)), st.lists(st.text(max_size=120), max_size=30))
def test_random_text_never_raises(command, lines):
    identity = parse_identity(lines, command=command)
    non_blank = sum(1 for line in lines if line.strip())
    assert len(identity.unparsed) <= non_blank
    assert len(identity.cluster) <= non_blank


# --- output collapsed onto one line or wrapped (issue 11, class 3) ------------------------------


def test_network_cluster_collapsed_onto_the_prompt_line_gives_one_row_per_node():
    """The capture layer hands the rest of `admin:show network cluster ...` over as the first line."""
    identity = parse_fixture("show_network_cluster_glued.txt", "show network cluster", first_line=7)
    assert [(row["ip"], row["hostname"], row["role"], row["type"]) for row in identity.cluster] == [
        ("10.20.1.11", "cucm-pub", "Publisher", "callmanager"),
        ("10.20.1.12", "cucm-sub1", "Subscriber", "callmanager"),
        ("10.20.1.21", "imp-pub", "Subscriber", "cups")]
    assert identity.cluster[1]["status"] == "authenticated using TCP since Tue Mar 3 08:01:15 2026"
    assert identity.cluster[2]["status"] == "not authenticated - INITIATOR since Tue Mar 3 08:02:44 2026"
    assert {row["source"] for row in identity.cluster} == {"show_network_cluster_glued.txt:7"}
    assert identity.unparsed == [] and identity.recognised == [7]
    assert identity.product is None  # CUCM and IM&P nodes: the cluster names no single product


def test_network_cluster_wrapped_rows_are_joined_with_both_lines_as_source():
    identity = parse_fixture("show_network_cluster_wrapped.txt", "show network cluster")
    since = "authenticated using TCP since Tue Mar 3"
    assert [(row["hostname"], row["status"], row["source"].split(":")[1]) for row in identity.cluster] == [
        ("cucm-pub", "authenticated", "1-2"),
        ("cucm-sub1", f"{since} 08:01:15 2026", "3-4"),
        ("cucm-sub2", f"{since} 08:01:20 2026", "5-6"),
        ("cucm-sub3", "authenticated", "7"),
        ("cucm-sub4", None, "9")]
    # text that does not go on with the row above (or comes after a blank line) is not taken into it
    assert [(u.source, u.text) for u in identity.unparsed] == [
        ("show_network_cluster_wrapped.txt:8", "please see the attached file"),
        ("show_network_cluster_wrapped.txt:11", "authenticated")]


def test_show_status_collapsed_onto_one_line_is_read_field_by_field():
    identity = parse_fixture("show_status_collapsed.txt", "show status")
    assert (identity.hostname, identity.date, identity.version, identity.os_version, identity.uptime) == (
        "cucm-pub", "Mon Mar 2, 2026 00:36:32", "14.0.1.13900-155", "8.0.0.0-2", "79 days, 12:45")
    assert identity.unparsed == [] and identity.recognised == [1]


def test_show_status_collapsed_with_other_text_reports_what_is_ambiguous():
    identity = parse_fixture("show_status_collapsed_ambiguous.txt", "show status")
    assert identity.date == "Tue Mar 3, 2026 09:12:01"
    assert identity.hostname is None and identity.version is None  # never "cucm-sub2 thanks for the help"
    (unparsed,) = identity.unparsed  # one entry for the line, naming each part not understood
    assert unparsed.source == "show_status_collapsed_ambiguous.txt:1"
    assert unparsed.reason == (
        "'Host Name : cucm-sub2 thanks for the help': 'Host Name' followed by more than one word; "
        "'Product Ver : 14.0.1.13900-155 see below': 'Product Ver' followed by more than one word")


def test_show_version_active_collapsed_onto_one_line():
    identity = parse_fixture("show_version_active_collapsed.txt", "show version active")
    assert identity.version == "11.5.1.12900-21" and identity.unparsed == []


def test_show_version_active_answers_typed_after_it_are_not_options():
    lines = ["Active Master Version: 11.5.1.12900-21", "Active Version Installed Software Options:",
             "cmterm-devicepack9.1.2.13070-1.cop", "Start installation (yes/no):", "yes"]
    identity = parse_identity(lines, command="show version active")
    assert [u.text for u in identity.unparsed] == ["Start installation (yes/no):", "yes"]
