"""The "by eye" answers of ../shared/real-captures/README.md for `top` (show process load),
`utils service list` and the identity commands, read end to end (`ucnb.load`). Not collected when
the folder is absent (a fresh clone on its own: conftest.py says so in pytest's header); jc's
`top` fixtures are read in tests/read/test_peer_fixtures_jc_top.py."""

from __future__ import annotations

import pytest

import ucnb
from tests.real_captures import real_capture
from ucnb.model.results import Node


def only_node(name: str) -> Node:
    bundle = ucnb.load(real_capture(name))
    (node,) = bundle.nodes
    return node


def unparsed(node: Node) -> list[str]:
    return [f"{item.source}: {item.text}" for item in node.unparsed]


# --- show process load / top ------------------------------------------------------------------


def test_01_ucos_old_layout_10_rows_264_tasks_1_zombie() -> None:
    node = only_node("01_carschlr_load.txt")
    (snapshot,) = node.loads
    assert (snapshot.summary.total, snapshot.summary.zombie) == (264, 1)
    assert snapshot.summary.cpu["us"] == pytest.approx(25.4) and snapshot.summary.mem["total"] == 5994000
    frame = snapshot.processes
    assert len(frame) == 10 and not frame["zombie"].any()
    assert frame["command"].iloc[0] == "carschlr" and frame["cpu_pct"].iloc[0] == pytest.approx(173.6)
    migration = frame[frame["pid"] == 3].iloc[0]  # PR `RT`
    assert bool(migration["rt"]) and migration["command"] == "migration/0"
    assert unparsed(node) == []


def test_14_new_layout_10_rows_0_zombie() -> None:
    node = only_node("14_neta_load_newtop.txt")
    (snapshot,) = node.loads
    assert (snapshot.summary.total, snapshot.summary.zombie) == (242, 0)
    assert len(snapshot.processes) == 10
    assert list(snapshot.processes["user"])[3] == "ccmserv+"
    assert list(snapshot.processes["command"])[-1] == "kworker/0:+"
    assert unparsed(node) == []


def test_26_procps4_103_zombies_6_rows_sleep_fills_sleeping() -> None:
    node = only_node("26_cinnamon_top_b_procps4_103zombie.txt")
    (snapshot,) = node.loads
    summary = snapshot.summary
    assert (summary.total, summary.running, summary.sleeping, summary.stopped, summary.zombie) == (
        413, 1, 309, 0, 103)
    assert summary.mem["total"] == round(14927.4 * 1024)  # MiB with decimals, in KiB
    assert len(snapshot.processes) == 6 and list(snapshot.processes["pid"])[0] == 3575567
    assert unparsed(node) == []


def test_33_old_top_1_zombie_5_rows_read_as_a_top_table() -> None:
    node = only_node("33_lkml_oldtop_1zombie_bonnie.txt")
    assert node.listings == []  # the table is top's, not a damaged process listing
    (snapshot,) = node.loads
    assert (snapshot.summary.total, snapshot.summary.zombie) == (48, 1)
    assert list(snapshot.processes["state"]) == ["SW", "RW", "RW", "R", "R"]
    assert list(snapshot.processes["command"]) == ["kswapd", "bdflush", "kupdated", "bonnie++", "top"]
    assert unparsed(node) == []


def test_36_top_part_says_1_zombie() -> None:
    node = only_node("36_lkml_top_plus_ps_axfl_wrapped80.txt")
    (snapshot,) = node.loads
    assert (snapshot.summary.total, snapshot.summary.zombie) == (94, 1)
    assert snapshot.summary.mem["buffers"] == 5292  # the label wrapped onto the next line
    assert snapshot.source == "36_lkml_top_plus_ps_axfl_wrapped80.txt:2-9"
    assert not [line for line in unparsed(node) if int(line.split(":")[1]) <= 9]


# --- utils service list --------------------------------------------------------------------------


def test_02_37_services_three_of_them_on_line_13() -> None:
    node = only_node("02_vvb_svclist.txt")
    services = node.services
    assert len(services) == 37
    on_13 = services[services["source"] == "02_vvb_svclist.txt:13"]
    assert list(on_13["service"]) == [
        "Cisco RTMT Reporter Servlet", "Cisco Speechserver", "Cisco Syslog Agent"]
    assert list(services.loc[services["state"] == "STOPPED", "service"]) == [
        "Cisco DirSync", "Cisco Serviceability Reporter"]
    assert unparsed(node) == []


# --- identity -------------------------------------------------------------------------------------


def cluster(node: Node) -> list[tuple[str, str, str]]:
    return [(row["ip"], row["hostname"], row["role"]) for row in node.identity.cluster]


def test_09_wrapped_cluster_row_2_nodes() -> None:
    node = only_node("09_hostchange_netcluster_wrapped.txt")
    assert cluster(node) == [
        ("10.63.70.125", "hippo2", "Subscriber"), ("10.63.70.48", "aligator", "Publisher")]
    aligator = node.identity.cluster[1]
    assert aligator["status"] == "authenticated using TCP since Wed May 29 17:44:48 2013"
    assert aligator["source"] == "09_hostchange_netcluster_wrapped.txt:3-4"
    assert unparsed(node) == []


def test_12_cluster_collapsed_onto_the_prompt_line_2_nodes() -> None:
    node = only_node("12_dbrepl_pub_netcluster_glued.txt")
    assert cluster(node) == [
        ("10.1.89.30", "CUCMv10SUB", "Subscriber"), ("10.1.89.20", "CUCM10", "Publisher")]
    assert [row["source"] for row in node.identity.cluster] == ["12_dbrepl_pub_netcluster_glued.txt:1"] * 2
    assert unparsed(node) == []


def test_13_show_status_host_version_uptime() -> None:
    node = only_node("13_neta_show_status.txt")
    identity = node.identity
    assert (identity.hostname, identity.version, identity.uptime) == (
        "cucm-pub-neta", "12.5.1.12900-115", "79 days, 12:45")
    assert identity.os_version == "7.0.0.0-4" and identity.date == "Mon Mar 2, 2026 00:36:32"
    assert node.name == "cucm-pub-neta" and unparsed(node) == []


def test_32_version_active_from_a_timestamped_log() -> None:
    node = only_node("32_ansible_ts_log_version_active.txt")
    assert node.identity.version == "11.5.1.12900-21"
    # what follows in the log (an install dialogue, `...` cuts) is reported, never read as options
    assert "32_ansible_ts_log_version_active.txt:24: yes" in unparsed(node)
