"""Is action needed? Urgency with its numbers, when to act, the PID headroom that counts what uses
PIDs, and the wording every face shares (issue 12)."""

from datetime import datetime, timedelta

import pandas as pd
from diag_helpers import CUCM_BASE, make_bundle, make_listing, make_load, make_node

import ucnb
from ucnb.diagnosis.diagnose import diagnose
from ucnb.diagnosis.remedy import MECHANISM
from ucnb.diagnosis.trend import growth
from ucnb.diagnosis.urgency import judge
from ucnb.faces.tree import format_analysis
from ucnb.model.findings import Headroom
from ucnb.model.results import Identity, Unparsed

CCM = CUCM_BASE + [(8100, 4012, "ccmservice", "Ssl", "/usr/local/cm/bin/ccm")]
T0 = datetime(2026, 11, 20, 8, 0)


def _loads(counts, minutes=30, total=600):
    return [
        make_load(z, total=total, captured_at=T0 + timedelta(minutes=minutes * i), time=None)
        for i, z in enumerate(counts)
    ]


def _node(rows, loads, name="cucm-sub1", product="CUCM", **kwargs):
    node = make_node(name, product, listing=make_listing(rows), loads=loads)
    for key, value in kwargs.items():
        setattr(node, key, value)
    return node


def test_a_stable_single_zombie_under_a_high_impact_service_is_optional_in_a_window():
    rows = CCM + [(8200, 8100, "ccmservice", "Z", "[sh] <defunct>")]
    node = diagnose(make_bundle(_node(rows, _loads([1, 1, 1])))).nodes[0]
    (group,) = node.groups
    assert (group.urgency, group.action, group.when) == ("optional", "restart_service", "maintenance_window")
    assert (
        group.urgency_reason
        == "1 zombie, 0.003 % of the PID space, not growing over 60 minutes (3 snapshots)"
    )
    assert "in a maintenance window" in group.reason and "calls and registrations" in group.reason
    step = node.next_step
    assert (step.urgency, step.when) == ("optional", "maintenance_window")
    text = format_analysis(diagnose(make_bundle(_node(rows, _loads([1, 1, 1])))))
    assert text.splitlines()[1] == (
        "Action needed: optional. 1 zombie, 0.003 % of the PID space, not growing over 60 minutes "
        "(3 snapshots). If you choose to clear it: `utils service restart Cisco CallManager` "
        "(in a maintenance window)."
    )


def test_a_growing_count_is_recommended_with_its_forecast_and_urgent_when_days_are_few():
    rows = CUCM_BASE + [(7827, 4012, "c", "S", "/usr/local/cm/bin/amc")]
    rows += [(10000 + i, 7827, "c", "Z", "[sh] <defunct>") for i in range(40)]
    slow = diagnose(make_bundle(_node(rows, _loads([20, 30, 40])))).nodes[0]
    group = slow.groups[0]
    assert group.urgency == "recommended" and group.when == "now"
    assert "growing at 20 zombies per hour" in group.urgency_reason
    assert "the PID space runs out in about 67 days" in group.urgency_reason
    fast = diagnose(make_bundle(_node(rows, _loads([20, 30, 40], total=30000)))).nodes[0]
    assert fast.groups[0].urgency == "urgent" and fast.next_step.urgency == "urgent"
    assert "runs out in about 6 days" in fast.next_step.urgency_reason
    assert fast.pid_headroom.days_to_exhaustion == 5.8


def test_urgency_thresholds_cite_their_numbers():
    stable = growth([400, 400, 400], [0, 0.5, 1])
    room = Headroom(32768, 1000, 400, free=31768)
    large = judge(400, room, stable)
    assert large.urgency == "recommended" and large.reason.startswith("400 zombies, 1.2 % of the PID space")
    busy = judge(3, Headroom(32768, 20000, 3, free=12768), stable)
    assert busy.urgency == "recommended" and "20,000 of 32,768 PIDs are in use (61.0 %)" in busy.reason
    full = judge(3, Headroom(32768, 31000, 3, free=1768), stable)
    assert full.urgency == "urgent"
    assert judge(0, room, stable).urgency == "none"


def test_no_zombie_needs_no_action_and_says_so_first():
    node = _node(CUCM_BASE, [make_load(0)])
    analysis = diagnose(make_bundle(node))
    step = analysis.nodes[0].next_step
    assert (step.action, step.urgency, step.when) == ("none", "none", None)
    assert format_analysis(analysis).splitlines()[1] == "Action needed: none. No zombie."


def test_mechanism_wording_restart_ends_the_parent_and_init_reaps():
    sample = ucnb.load("sample_outputs/ex1_cucm_amc/before")
    analysis = diagnose(sample)
    reason = analysis.nodes[0].groups[0].reason
    assert MECHANISM.replace("the service", "it") in reason
    assert "makes the parent reap" not in format_analysis(analysis)


def test_headroom_counts_threads_when_top_shows_them():
    snap = make_load(2, total=5000)
    snap.summary.count_kind = "threads"
    rows = CUCM_BASE + [
        (29815, 4012, "c", "S", "/usr/local/cm/bin/amc"),
        (22908, 29815, "c", "Z", "[sh] <defunct>"),
    ]
    node = diagnose(make_bundle(_node(rows, [snap]))).nodes[0]
    room = node.pid_headroom
    assert room.threads_counted and not room.lower_bound
    assert room.forecast.startswith("5,000 of 32,768 PIDs (processes and threads) in use")
    processes = diagnose(make_bundle(_node(rows, [make_load(2, total=300)]))).nodes[0].pid_headroom
    assert processes.lower_bound and processes.forecast.startswith("at least 300 of 32,768 PIDs in use")


def test_headroom_counts_threads_of_a_listing_with_nlwp():
    listing = make_listing(CUCM_BASE + [(29815, 4012, "c", "S", "/usr/local/cm/bin/amc")])
    listing.processes["nlwp"] = pd.array([1, 1, 40, 120], dtype="Int64")
    node = make_node("n", "CUCM", listing=listing)
    room = diagnose(make_bundle(node)).nodes[0].pid_headroom
    assert room.tasks == 162 and room.threads_counted


def test_pid_limit_read_from_the_data_when_larger_pids_appear():
    rows = CUCM_BASE + [
        (29815, 4012, "c", "S", "/usr/local/cm/bin/amc"),
        (41234, 29815, "c", "Z", "[sh] <defunct>"),
    ]
    node = diagnose(make_bundle(_node(rows, [make_load(1)]))).nodes[0]
    room = node.pid_headroom
    assert room.pid_max is None and room.pid_max_source == "data" and room.max_pid_seen == 41234
    assert "PIDs up to 41,234 appear" in room.forecast and "above 32,768" in room.forecast
    assert "at most 0.002 % of the PID space" in node.groups[0].urgency_reason
    given = diagnose(make_bundle(_node(rows, [make_load(1)])), pid_max=4194304).nodes[0].pid_headroom
    assert given.pid_max == 4194304 and given.pid_max_source == "given" and given.free == 4194304 - 300


def test_damaged_rows_that_look_defunct_and_the_next_step_agree():
    listing = make_listing(CUCM_BASE)
    listing.unparsed = [
        Unparsed(f"ps.txt:{n}", f"ccmserv+ {n} 2981 0 Nov18 ?  00:00:00 [sh] <defun", "cut") for n in (7, 8)
    ] + [Unparsed("ps.txt:9", "ccmserv+ 77 2981 Z [sh] <defunct>  garbage", "damaged")]
    node = diagnose(make_bundle(make_node("n", "CUCM", listing=listing, loads=[make_load(0)]))).nodes[0]
    assert any("1 damaged listing line look defunct" in w for w in node.warnings)
    step = node.next_step
    assert step.action == "recollect" and "look defunct (ps.txt:9)" in step.reason
    assert "no defunct row" not in step.reason and "no zombie" not in step.reason
    assert step.urgency == "optional"


def test_several_nodes_to_reboot_one_at_a_time_publisher_first():
    init_zombie = CUCM_BASE + [(4500, 1, "root", "Z", "[crond] <defunct>")]
    cluster = [
        {"hostname": "cucm-pub", "role": "Publisher", "source": "c.txt:3"},
        {"hostname": "cucm-sub1", "role": "Subscriber", "source": "c.txt:4"},
    ]
    sub = _node(init_zombie, [make_load(1)], name="cucm-sub1", identity=Identity(cluster=cluster))
    pub = _node(init_zombie, [make_load(1)], name="cucm-pub")
    analysis = diagnose(make_bundle(sub, pub))
    assert analysis.reboot_order == ("cucm-pub", "cucm-sub1")
    assert "one at a time, cucm-pub (the publisher) first" in analysis.reboot_note
    assert "`utils dbreplication runtimestate`" in analysis.reboot_note
    for node in analysis.nodes:
        assert node.next_step.when == "maintenance_window"
        assert analysis.reboot_note in node.next_step.reason
    assert analysis.to_json()["reboot_order"] == ["cucm-pub", "cucm-sub1"]
    single = diagnose(make_bundle(pub)).to_json()
    assert "reboot_order" not in single and "reboot_note" not in single


def test_the_five_examples_keep_their_seed_answers_for_how_to_clear():
    expected = {
        "ex1_cucm_amc": ("restart_service", "utils service restart Cisco AMC Service"),
        "ex2_cucm_tracecollection": (
            "restart_service",
            "utils service restart Cisco Trace Collection Service",
        ),
        "ex3_cucm_cdrrep": ("restart_service", "utils service restart Cisco CDR Repository Manager"),
        "ex4_cuc_filesync": ("restart_service", "utils service restart Connection File Syncer"),
        "ex5_imnp_sftp": ("reboot", "utils system restart"),
    }
    for example, (action, command) in expected.items():
        node = diagnose(ucnb.load(f"sample_outputs/{example}/before")).nodes[0]
        assert (node.next_step.action, node.next_step.command) == (action, command), example
        assert node.next_step.urgency == "optional", example  # a handful of stable zombies


def test_an_unknown_count_is_never_said_to_need_no_action():
    nothing = diagnose(make_bundle(make_node("n", "CUCM"))).nodes[0].next_step
    assert (nothing.action, nothing.urgency) == ("recollect", "optional")
    assert "not known yet" in nothing.urgency_reason
    quiet_listing = diagnose(make_bundle(make_node("n", "CUCM", listing=make_listing(CUCM_BASE)))).nodes[0]
    step = quiet_listing.next_step
    assert step.urgency == "optional" and step.command == "show process load"


def test_unity_connection_nodes_to_reboot_are_checked_with_the_cuc_cluster_command():
    """Unity Connection has its own cluster command (`show cuc cluster status`: each server Primary
    or Secondary, not Replicating Data); a mixed reboot lists both products' checks."""
    init_zombie = CUCM_BASE + [(4500, 1, "root", "Z", "[crond] <defunct>")]
    pub, sub = (_node(init_zombie, [make_load(1)], name=n, product="CUC") for n in ("cuc-pub", "cuc-sub"))
    note = diagnose(make_bundle(pub, sub)).reboot_note
    assert note.endswith("check replication with `show cuc cluster status`")
    cucm = _node(init_zombie, [make_load(1)], name="cucm-sub1")
    mixed = diagnose(make_bundle(pub, cucm)).reboot_note
    assert mixed.endswith(
        "check replication with `show cuc cluster status` / `utils dbreplication runtimestate`"
    )
