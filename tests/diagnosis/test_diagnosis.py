"""`analyze`: the seed's five examples, every rule and warning, trends, and the JSON contract."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from diag_helpers import CUCM_BASE, make_bundle, make_listing, make_load, make_node

import ucnb
from ucnb.diagnosis.diagnose import analyze, diagnose, groups_table
from ucnb.model.results import Identity
from ucnb.read.parsers.listing import parse_listing
from ucnb.report import render_report

CONTRACT_NODE = {
    "node",
    "product",
    "zombie_count",
    "zombie_trend",
    "zombies",
    "groups",
    "next_step",
    "warnings",
}
CONTRACT_GROUP = {
    "ppid",
    "parent_command",
    "service",
    "zombie_pids",
    "action",
    "command",
    "impact",
    "alternatives",
}


def _analyze_one(product, rows, zombie=None, **kwargs):
    loads = kwargs.pop("loads", None)
    if loads is None and zombie is not None:
        loads = [make_load(zombie)]
    node = make_node(
        "node-a", product, listing=make_listing(rows, **kwargs) if rows is not None else None, loads=loads
    )
    return analyze(make_bundle(node))["nodes"][0]


def _actions(group):
    return [alt["action"] for alt in group["alternatives"]]


# ------------------------------------------------------------------ the seed's five examples
def test_seed_example_1_amc():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (29815, 4012, "ccmservice", "Ssl", "/usr/local/cm/bin/amc"),
            (22908, 29815, "ccmservice", "Z", "[sh] <defunct>"),
        ],
        zombie=1,
    )
    assert node["zombie_count"] == 1 and node["zombie_trend"] == [1]
    assert node["zombies"] == [
        {"pid": 22908, "ppid": 29815, "command": "[sh] <defunct>", "source": "show_process_list_detail.txt:6"}
    ]
    (group,) = node["groups"]
    assert group["ppid"] == 29815 and group["parent_command"] == "/usr/local/cm/bin/amc"
    assert group["service"] == "Cisco AMC Service" and group["zombie_pids"] == [22908]
    assert group["action"] == "restart_service" and group["impact"] == "low"
    assert group["command"] == "utils service restart Cisco AMC Service"
    assert {"action": "reboot", "command": "utils system restart"}.items() <= group["alternatives"][0].items()
    kill = next(a for a in group["alternatives"] if a["action"] == "kill_parent")
    assert kill["command"] == "kill -9 29815" and kill["tac_only"] is True
    assert "leave" in _actions(group)
    assert node["next_step"]["action"] == "restart_service"
    assert node["next_step"]["command"] == "utils service restart Cisco AMC Service"
    assert node["warnings"] == []


@pytest.mark.parametrize(
    "parent_command",
    [
        "tracecollection",  # a `-eo pid,ppid,stat,comm` listing shows the 15-character comm
        "/usr/local/cm/bin/tracecollectionservice",
        "/usr/local/thirdparty/java/bin/java -Xmx256m -DserviceName=TraceCollectionService com.cisco.X",
    ],
)
def test_seed_example_2_trace_collection(parent_command):
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (26732, 4012, "ccmservice", "Sl", parent_command),
            (10025, 26732, "ccmservice", "Z", "[sh] <defunct>"),
        ],
        zombie=1,
    )
    (group,) = node["groups"]
    assert group["service"] == "Cisco Trace Collection Service"
    assert group["command"] == "utils service restart Cisco Trace Collection Service"


@pytest.mark.parametrize(
    "parent_command",
    [
        "/usr/local/cm/bin/cdrrep",
        "/usr/local/thirdparty/java/bin/java -Xmx128m -cp /usr/local/cm/jar/cdrrep.jar Main",
    ],
)
def test_seed_example_3_cdr_repository(parent_command):
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (26764, 4012, "ccmservice", "Sl", parent_command),
            (23959, 26764, "ccmservice", "Z", "[cdrrep_script] <defunct>"),
        ],
        zombie=1,
    )
    (group,) = node["groups"]
    assert (group["ppid"], group["zombie_pids"]) == (26764, [23959])
    assert group["service"] == "Cisco CDR Repository Manager" and group["impact"] == "low"


def test_seed_example_4_connection_file_syncer_with_pid_wrap():
    node = _analyze_one(
        "CUC",
        CUCM_BASE
        + [
            (7827, 4012, "cucsmgr", "Ssl", "/usr/local/cm/bin/CuFileSync"),
            (387, 7827, "cucsmgr", "Z", "[rsync] <defunct>"),
            (325, 7827, "cucsmgr", "Z", "[rsync] <defunct>"),
            (370, 7827, "cucsmgr", "Z", "[rsync] <defunct>"),
        ],
        zombie=3,
    )
    (group,) = node["groups"]
    assert group["zombie_pids"] == [325, 370, 387]  # below the parent's PID: wrapped, still its children
    assert group["service"] == "Connection File Syncer"
    assert group["command"] == "utils service restart Connection File Syncer"
    assert node["warnings"] == []


SFTP_ROWS = CUCM_BASE + [
    (1775, 4012, "root", "S", "/usr/bin/sftp -oPort=22 -b /tmp/batch admin@imp-sub1"),
    (1806, 1775, "root", "Z", "[ssh] <defunct>"),
]
CLUSTER = [
    {"hostname": "imp-pub", "ip": "10.1.1.1", "role": "Publisher", "source": "cluster.txt:4"},
    {"hostname": "imp-sub1", "ip": "10.1.1.2", "role": "Subscriber", "source": "cluster.txt:5"},
]


def _imp(rows, cluster):
    node = make_node("imp-pub", "IMnP", listing=make_listing(rows), loads=[make_load(1)])
    node.identity = Identity(cluster=cluster)
    return analyze(make_bundle(node))["nodes"][0]


def test_seed_example_5_imp_sftp_to_a_peer_is_cosmetic():
    node = _imp(SFTP_ROWS, CLUSTER)
    (group,) = node["groups"]
    assert group["action"] == "reboot" and group["impact"] == "cosmetic"
    assert group["command"] == "utils system restart" and group["service"] is None
    assert "restart_service" not in _actions(group) and "leave" in _actions(group)
    assert node["next_step"]["action"] == "reboot"
    assert "cosmetic" in node["next_step"]["reason"]
    # the peer is confirmed against show network cluster, cited by file:line
    assert "imp-sub1 is a node of this cluster" in group["reason"] and "cluster.txt:5" in group["reason"]
    # a cosmetic condition's reason is the condition; what a reboot costs goes with the reboot the
    # outcome offers only if the customer insists (tests/test_expert_cases.py)
    assert group["when"] == "maintenance_window" and "fail over" not in group["reason"]


def test_sftp_zombie_without_the_cluster_list_asks_for_it():
    node = _imp(SFTP_ROWS, [])
    (group,) = node["groups"]
    assert group["impact"] != "cosmetic" and group["rule"] == "unconfirmed:imp-peer-sftp"
    assert (group["action"], group["command"]) == ("recollect", "show network cluster")
    assert "imp-sub1" in group["reason"] and "show network cluster" in group["reason"]


def test_sftp_to_a_host_outside_the_cluster_is_not_cosmetic():
    rows = CUCM_BASE + [
        (1775, 4012, "root", "S", "/usr/bin/sftp backup@10.9.9.9"),
        (1806, 1775, "root", "Z", "[ssh] <defunct>"),
    ]
    group = _imp(rows, CLUSTER)["groups"][0]
    assert group["impact"] != "cosmetic" and group["rule"] == "unknown" and group["impact"] == "unknown"
    assert "10.9.9.9 is not a node of this cluster" in group["reason"]
    # one stable zombie under an unidentified process: find the owner first, no reboot
    assert group["urgency"] == "optional" and group["action"] == "recollect"


# ------------------------------------------------------------------ rules
def test_walk_up_through_sh_and_perl_helpers():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (29815, 4012, "ccms", "Ssl", "/usr/local/cm/bin/amc"),
            (30001, 29815, "ccms", "S", "sh -c /usr/local/cm/bin/notify.sh"),
            (30002, 30001, "ccms", "S", "/usr/bin/perl /usr/local/cm/bin/notify.pl"),
            (30010, 30002, "ccms", "Z", "[mail] <defunct>"),
        ],
        zombie=1,
    )
    (group,) = node["groups"]
    assert group["ppid"] == 30002 and group["parent_command"].startswith("/usr/bin/perl")
    assert group["service"] == "Cisco AMC Service" and group["owner_pid"] == 29815
    assert group["action"] == "restart_service"
    assert [a["pid"] for a in group["ancestry"]] == [1, 4012, 29815, 30001, 30002]


def test_missing_parent_asks_for_a_fresh_listing():
    node = _analyze_one("CUC", CUCM_BASE + [(325, 7827, "cuc", "Z", "[sh] <defunct>")], zombie=1)
    (group,) = node["groups"]
    assert group["parent_command"] is None and group["service"] is None
    assert (group["action"], group["command"], group["impact"]) == (
        "recollect",
        "show process list detail",
        "unknown",
    )
    assert "kill_parent" not in _actions(group)
    assert node["next_step"]["action"] == "recollect"


def test_pid_1_parent_needs_a_reboot():
    node = _analyze_one("CUCM", CUCM_BASE + [(4500, 1, "root", "Z", "[crond] <defunct>")], zombie=1)
    (group,) = node["groups"]
    assert group["action"] == "reboot" and group["command"] == "utils system restart"
    assert group["parent_command"] == "/sbin/init"
    assert "kill_parent" not in _actions(group)  # never kill -9 1
    assert node["next_step"]["action"] == "reboot"


def test_parent_of_no_known_service_reboot_kill_only_as_tac_alternative():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (6000, 4012, "ccms", "S", "/usr/local/cm/bin/mystery_daemon"),
            (6001, 6000, "ccms", "Z", "[x] <defunct>"),
        ],
        zombie=1,
    )
    (group,) = node["groups"]
    # small and not known to grow: optional, and "recollect" (to find the owner), not a reboot
    assert group["service"] is None and group["impact"] == "unknown"
    assert (group["urgency"], group["action"], group["when"]) == ("optional", "recollect", "now")
    assert "so TAC can identify its owner" in group["reason"]
    kill = next(a for a in group["alternatives"] if a["action"] == "kill_parent")
    assert kill["tac_only"] is True
    assert node["next_step"]["action"] != "kill_parent"


def test_parent_of_no_known_service_growing_needs_a_reboot_in_a_window():
    rows = CUCM_BASE + [(6000, 4012, "ccms", "S", "/usr/local/cm/bin/mystery_daemon")]
    rows += [(6001 + i, 6000, "ccms", "Z", "[x] <defunct>") for i in range(30)]
    times = ((10, "08:00:00"), (20, "09:00:00"), (30, "10:00:00"))
    loads = [make_load(z, total=900, time=t) for z, t in times]
    (group,) = _analyze_one("CUCM", rows, loads=loads)["groups"]
    assert group["urgency"] == "recommended" and "growing at 10 zombies per hour" in group["urgency_reason"]
    assert (group["action"], group["when"]) == ("reboot", "maintenance_window")
    assert "in a maintenance window" in group["reason"] and "re-register" in group["reason"]


def test_high_impact_service_never_offers_kill():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (8100, 4012, "ccmservice", "Ssl", "/usr/local/cm/bin/ccm"),
            (8200, 8100, "ccmservice", "Z", "[sh] <defunct>"),
        ],
        zombie=1,
    )
    (group,) = node["groups"]
    assert group["service"] == "Cisco CallManager" and group["impact"] == "high"
    assert group["command"] == "utils service restart Cisco CallManager"
    assert "kill_parent" not in _actions(group)
    assert "maintenance window" in group["reason"]


def test_zombies_of_service_manager_itself():
    node = _analyze_one("CUCM", CUCM_BASE + [(4100, 4012, "root", "Z", "[sh] <defunct>")], zombie=1)
    (group,) = node["groups"]
    assert group["service"] == "Service Manager" and group["impact"] == "high"
    assert "kill_parent" not in _actions(group)


def test_a_cisco_db_is_stopped_and_started():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (900, 4012, "informix", "S", "/usr/local/cm/bin/cmoninit -w"),
            (901, 900, "informix", "Z", "[sh] <defunct>"),
        ],
        zombie=1,
    )
    (group,) = node["groups"]
    assert group["commands"] == ["utils service stop A Cisco DB", "utils service start A Cisco DB"]


def test_listing_without_ppid():
    """`ps aux` has no PPID column: the zombie is kept, its parent unknown, and one warning (the
    parser's, which `inspect` shows too) names where the listing is and what to capture instead."""
    listing = parse_listing([
        "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
        "root         1  0.0  0.0  19356  1540 ?        Ss   Oct27   0:02 /sbin/init",
        "ccms     22908  0.0  0.0      0     0 ?        Z    10:01   0:00 [sh] <defunct>",
    ], file="ps_aux.txt")
    bundle = make_bundle(make_node("node-a", "CUCM", listing=listing, loads=[make_load(1)]))
    node = analyze(bundle)["nodes"][0]
    (group,) = node["groups"]
    assert group["ppid"] is None and group["action"] == "recollect"
    assert group["command"] == "show process list detail"
    assert node["warnings"] == listing.warnings == [
        "the listing ps_aux.txt:1-3 has no PPID column (ps aux style): the zombies' parents cannot be "
        "known; capture `show process list detail`"]
    assert node["zombies"][0]["ppid"] is None


def test_count_without_listing_recollects_the_listing_and_warns_about_top_rows():
    load = make_load(4, total=318, rows=[(7313, "ccmservi", "S", "amc"), (3020, "administ", "S", "java")])
    node = _analyze_one("CUCM", None, loads=[load])
    assert node["groups"] == [] and node["zombies"] == []
    assert node["next_step"]["action"] == "recollect"
    assert node["next_step"]["command"] == "show process list detail"
    assert any("only 2 of 318" in w for w in node["warnings"])


def test_no_capture_and_no_zombie():
    assert _analyze_one("CUCM", None)["next_step"]["command"] == "show process load"
    quiet = _analyze_one("CUCM", CUCM_BASE, zombie=0)
    assert quiet["next_step"]["action"] == "none" and quiet["groups"] == [] and quiet["warnings"] == []


def test_a_clean_listing_without_zombie_count_asks_for_the_count():
    node = _analyze_one("CUCM", CUCM_BASE)  # a listing, no show process load
    assert node["groups"] == []
    assert node["next_step"]["action"] == "recollect"
    assert node["next_step"]["command"] == "show process load"


def test_a_clean_but_cut_short_listing_is_not_called_clean():
    listing = make_listing(CUCM_BASE)
    listing.cut_short = True
    node = make_node("node-a", "CUCM", listing=listing, loads=[make_load(0)])
    step = analyze(make_bundle(node))["nodes"][0]["next_step"]
    assert (step["action"], step["command"]) == ("recollect", "show process list detail")
    assert "cut short" in step["reason"]


def test_next_step_prefers_the_service_restart_and_groups_sort_by_ppid():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (29815, 4012, "c", "S", "/usr/local/cm/bin/amc"),
            (26764, 4012, "c", "S", "/usr/local/cm/bin/cdrrep"),
            (500, 29815, "c", "Z", "[a] <defunct>"),
            (501, 26764, "c", "Z", "[b] <defunct>"),
            (502, 26764, "c", "Z", "[b] <defunct>"),
            (503, 1, "c", "Z", "[c] <defunct>"),
        ],
        zombie=4,
    )
    assert [g["ppid"] for g in node["groups"]] == [1, 26764, 29815]
    assert node["next_step"]["command"] == "utils service restart Cisco CDR Repository Manager"
    assert "2 other groups" in node["next_step"]["reason"]


# ------------------------------------------------------------------ warnings
def test_warning_count_and_listing_disagree():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [(29815, 4012, "c", "S", "/usr/local/cm/bin/amc"), (22908, 29815, "c", "Z", "[sh] <defunct>")],
        zombie=3,
    )
    assert any("counts 3 zombies" in w and "1 defunct row" in w for w in node["warnings"])


def test_warning_listing_cut_short_is_passed_on():
    cut = "show_process_list_detail.txt:40: the output was cut short (lines 21 - 40 of 312)"
    node = _analyze_one("CUCM", CUCM_BASE, zombie=0, warnings=[cut])
    assert cut in node["warnings"]


def test_warning_duplicate_parent_pid():
    node = _analyze_one(
        "CUCM",
        CUCM_BASE
        + [
            (29815, 4012, "c", "S", "/usr/local/cm/bin/amc"),
            (29815, 4012, "c", "S", "/usr/local/cm/bin/RisDC"),
            (22908, 29815, "c", "Z", "[sh] <defunct>"),
        ],
        zombie=1,
    )
    assert any("29815 appears twice" in w for w in node["warnings"])
    assert any("duplicate PIDs" in w for w in node["warnings"])


def test_warning_captures_of_different_moments():
    t0 = datetime(2026, 11, 20, 10, 0)
    node = make_node(
        "cucm-pub",
        "CUCM",
        listing=make_listing(CUCM_BASE, captured_at=t0 + timedelta(hours=3)),
        loads=[make_load(0, captured_at=t0)],
    )
    warnings = analyze(make_bundle(node))["nodes"][0]["warnings"]
    assert any("different moments" in w and "3.0 hours apart" in w for w in warnings)
    node.listings[0].captured_at = t0 + timedelta(minutes=2)
    assert analyze(make_bundle(node))["nodes"][0]["warnings"] == []


def test_warning_unusual_number_of_zombies_for_one_parent():
    rows = CUCM_BASE + [(7827, 4012, "c", "S", "/usr/local/cm/bin/CuFileSync")]
    rows += [(10000 + i, 7827, "c", "Z", "[sh] <defunct>") for i in range(60)]
    node = _analyze_one("CUC", rows, zombie=60)
    assert any("holds 60 zombies" in w for w in node["warnings"])
    node = _analyze_one("CUC", rows[:-20], zombie=40)
    assert not any("holds" in w for w in node["warnings"])


# ------------------------------------------------------------------ several nodes, trend, headroom
def test_two_nodes_are_analysed_separately_in_bundle_order():
    pub = make_node(
        "cucm-pub",
        "CUCM",
        listing=make_listing(
            CUCM_BASE
            + [(29815, 4012, "c", "S", "/usr/local/cm/bin/amc"), (22908, 29815, "c", "Z", "[sh] <defunct>")]
        ),
        loads=[make_load(1)],
    )
    sub = make_node(
        "cuc-sub",
        "CUC",
        listing=make_listing(
            CUCM_BASE
            + [
                (7827, 4012, "c", "S", "/usr/local/cm/bin/CuFileSync"),
                (325, 7827, "c", "Z", "[sh] <defunct>"),
            ]
        ),
        loads=[make_load(1)],
    )
    nodes = analyze(make_bundle(pub, sub))["nodes"]
    assert [n["node"] for n in nodes] == ["cucm-pub", "cuc-sub"]
    assert [n["groups"][0]["service"] for n in nodes] == ["Cisco AMC Service", "Connection File Syncer"]
    table = groups_table(diagnose(make_bundle(pub, sub)))
    assert list(table["node"]) == ["cucm-pub", "cuc-sub"] and list(table["ppid"]) == [29815, 7827]


def test_growing_cont_capture_gives_trend_leak_rate_and_forecast():
    rows = CUCM_BASE + [(7827, 4012, "c", "S", "/usr/local/cm/bin/CuFileSync")]
    rows += [(100 + i, 7827, "c", "Z", "[sh] <defunct>") for i in range(20)]
    loads = [
        make_load(z, total=1000, time=t) for z, t in ((10, "23:30:00"), (15, "00:00:00"), (20, "00:30:00"))
    ]
    node = _analyze_one("CUC", rows, loads=loads)
    assert node["zombie_trend"] == [10, 15, 20] and node["zombie_count"] == 20
    assert [t["time"] for t in node["trend"]] == ["23:30:00", "00:00:00", "00:30:00"]
    assert node["leak_rate_per_hour"] == 10.0  # across midnight: one hour, ten more zombies
    group = node["groups"][0]
    assert group["leak_rate_per_hour"] == 10.0 and group["leak_rate_basis"] == "zombie_count"
    headroom = node["pid_headroom"]
    assert headroom["free"] == 32768 - 1000
    assert headroom["days_to_exhaustion"] == pytest.approx(31768 / 10 / 24, abs=0.1)
    assert "exhausted in about 132 days (or sooner)" in headroom["forecast"]
    assert headroom["lower_bound"] is True and "threads use PIDs too" in headroom["forecast"]
    small = analyze(make_bundle(make_node("n", "CUC", loads=loads)), pid_max=1120)["nodes"][0]["pid_headroom"]
    assert small["free"] == 120 and "about 12 hours" in small["forecast"]


def test_stable_count_forecasts_no_exhaustion_and_dated_loads_win():
    t0 = datetime(2026, 11, 20, 10, 0)
    loads = [
        make_load(5, time="10:00:00", captured_at=t0 + timedelta(hours=h)) for h in (0, 1, 2)
    ]
    node = _analyze_one("CUCM", None, loads=loads)
    assert node["leak_rate_per_hour"] == 0 and node["trend_hours"] == 2
    forecast = node["pid_headroom"]["forecast"]
    assert "not growing over 2 hours (3 snapshots): no exhaustion in sight" in forecast
    assert node["trend"][1]["captured_at"] == "2026-11-20T11:00:00"


def test_leak_rate_per_parent_from_two_dated_listings():
    t0 = datetime(2026, 11, 20, 8, 0)
    base = CUCM_BASE + [
        (7827, 4012, "c", "S", "/usr/local/cm/bin/CuFileSync"),
        (29815, 4012, "c", "S", "/usr/local/cm/bin/amc"),
        (600, 29815, "c", "Z", "[a] <defunct>"),
    ]
    early = make_listing(base + [(325, 7827, "c", "Z", "[sh] <defunct>")], captured_at=t0)
    middle = make_listing(
        base + [(300 + i, 7827, "c", "Z", "[sh] <defunct>") for i in range(5)],
        captured_at=t0 + timedelta(hours=2),
    )
    late = make_listing(
        base + [(300 + i, 7827, "c", "Z", "[sh] <defunct>") for i in range(9)],
        captured_at=t0 + timedelta(hours=4),
    )
    node = make_node("cuc-sub", "CUC", listings=[early, middle, late], loads=[make_load(10)])
    analysed = analyze(make_bundle(node))["nodes"][0]
    groups = {g["ppid"]: g for g in analysed["groups"]}
    assert analysed["next_step"]["urgency"] == "recommended"  # the most pressing group leads
    assert analysed["next_step"]["urgency_reason"].startswith("under PID 7827: 9 zombies")
    assert groups[7827]["leak_rate_per_hour"] == 2.0 and groups[7827]["leak_rate_basis"] == "listings"
    assert groups[7827]["urgency"] == "recommended"
    assert groups[29815]["leak_rate_per_hour"] == 0.0 and groups[29815]["urgency"] == "optional"
    # two listings are too short a series for a rate: none is made up
    two = make_node("cuc-sub", "CUC", listings=[early, late], loads=[make_load(10)])
    assert all(g["leak_rate_per_hour"] is None for g in analyze(make_bundle(two))["nodes"][0]["groups"])


# ------------------------------------------------------------------ the contract
def test_contract_fields_json_and_determinism():
    rows = CUCM_BASE + [
        (29815, 4012, "c", "S", "/usr/local/cm/bin/amc"),
        (22908, 29815, "c", "Z", "[sh] <defunct>"),
        (325, 7827, "c", "Z", "[sh] <defunct>"),
    ]
    bundle = make_bundle(make_node("cucm-pub", "CUCM", listing=make_listing(rows), loads=[make_load(2)]))
    first = analyze(bundle)
    assert first["schema"] == "ucnb.analysis/1"
    node = first["nodes"][0]
    assert CONTRACT_NODE <= node.keys()
    assert {"action", "command", "reason"} <= node["next_step"].keys()
    for group in node["groups"]:
        assert CONTRACT_GROUP <= group.keys()
        assert group["action"] in {"restart_service", "reboot", "recollect"}
        assert group["impact"] in {"low", "medium", "high", "cosmetic", "unknown"}
        for alt in group["alternatives"]:
            assert alt["action"] in {"reboot", "kill_parent", "leave", "restart_service", "recollect"}
            if alt["action"] == "kill_parent":
                assert alt["command"] == f"kill -9 {group['ppid']}" and alt["tac_only"]
    assert json.dumps(first, sort_keys=True) == json.dumps(analyze(bundle), sort_keys=True)


def test_more_tasks_than_pid_max_asks_for_the_real_value():
    node = analyze(make_bundle(make_node("n", "CUCM", loads=[make_load(3, total=40000)])))["nodes"][0]
    assert (
        node["pid_headroom"]["free"] is None and "exceed pid_max 32,768" in node["pid_headroom"]["forecast"]
    )
    bigger = analyze(make_bundle(make_node("n", "CUCM", loads=[make_load(3, total=40000)])), pid_max=4194304)
    assert bigger["nodes"][0]["pid_headroom"]["free"] == 4194304 - 40000


def test_a_short_window_is_too_short_to_estimate_never_zero_per_hour():
    loads = [make_load(z, time=t) for z, t in ((1, "10:29:45"), (2, "10:29:48"), (3, "10:29:51"))]
    node = analyze(make_bundle(make_node("n", "CUCM", loads=loads)))["nodes"][0]
    assert node["leak_rate_per_hour"] is None and node["trend_hours"] == pytest.approx(6 / 3600, abs=1e-3)
    assert node["pid_headroom"]["days_to_exhaustion"] is None
    assert "too short to estimate (3 snapshots over 6 seconds" in node["leak_rate_note"]
    assert "too short to estimate" in node["pid_headroom"]["forecast"]
    assert "0 per hour" not in json.dumps(node)
    # 20 minutes but only two snapshots: still too short
    two = [make_load(1, time="10:00:00"), make_load(1, time="10:20:00")]
    node = analyze(make_bundle(make_node("n", "CUCM", loads=two)))["nodes"][0]
    assert node["leak_rate_per_hour"] is None and "2 snapshots over 20 minutes" in node["leak_rate_note"]


def test_a_listing_without_ppid_is_warned_once_on_both_faces():
    """`inspect` and `analyze` give the same one warning, with the listing's place in the bundle."""
    from cli_helpers import run_cli

    path = Path(__file__).parents[1] / "fixtures" / "listing" / "ps_aux.txt"
    said = ("the listing ps_aux.txt:1-9 has no PPID column (ps aux style): the zombies' parents cannot be "
            "known; capture `show process list detail`")
    for command in ("inspect", "analyze"):
        status, out, _ = run_cli(command, path, "--json")
        assert status == 0
        document = json.loads(out)
        (node,) = document["nodes"]
        warnings = node["warnings"] + document.get("warnings", [])
        assert [w for w in warnings if "PPID" in w] == [said], command


def test_a_parent_with_many_children_counts_them_all_and_names_the_first_five():
    """The graph holds only the first five other children of a zombie's parent; the count is all of them."""
    helpers = [(50_000 - i, 4013, "ccmbase", "S", f"/bin/sh -c job{i}") for i in range(1_000)]
    rows = [*CUCM_BASE, (4013, 4012, "ccmbase", "Ssl", "/usr/local/cm/bin/amc"), *helpers,
            *((pid, 4013, "ccmbase", "Z", "[sh] <defunct>") for pid in (60_001, 60_002))]
    [group] = _analyze_one("cucm", rows, zombie=2)["groups"]
    assert group["zombie_pids"] == [60_001, 60_002]
    assert group["other_children_count"] == 1_000
    assert [child["pid"] for child in group["other_children"]] == [49_001, 49_002, 49_003, 49_004, 49_005]
    assert group["other_children"][0]["command"] == "/bin/sh -c job999"


# ------------------------------------------------------------------ issue 21, class 6: ask what is missing
def _ex5_to(tmp_path, target: str):
    """ex5's IM&P session (listing, service list, cluster list) with its sftp parent sending to `target`."""
    folder = tmp_path / "imp-pub"
    folder.mkdir()
    text = Path("sample_outputs/ex5_imnp_sftp/before/imp-pub_session.txt").read_text()
    (folder / "session.txt").write_text(text.replace("adminsftp@imp-sub1.corp.example.com", target))
    return folder


def test_a_drf_backup_sftp_parent_gets_what_is_missing_never_the_listing_again(tmp_path):
    from cli_helpers import run_cli

    folder = _ex5_to(tmp_path, "drfuser@backup01.corp.example.com")
    (node,) = analyze(ucnb.load(folder))["nodes"]
    (group,) = node["groups"]
    assert (group["action"], group["command"]) == ("recollect", "utils disaster_recovery status backup")
    reason = group["reason"]
    assert "is a DRF backup to the SFTP server backup01.corp.example.com" in reason
    assert "`utils disaster_recovery history backup`" in reason
    assert "show process list detail" not in reason and "utils service list" not in reason  # both held
    assert "backup01.corp.example.com is not a node of this cluster" in reason
    status, out, _ = run_cli("analyze", str(folder))
    plan = out.split("action plan:", 1)[1]
    assert status == 0
    assert ("capture what is missing on imp-pub: `utils disaster_recovery status backup; "
            "utils disaster_recovery history backup`") in plan
    assert "show process list detail" not in out.split("PID space:", 1)[0]
    report = render_report(ucnb.load(folder), fmt="md", pictures=False).text
    assert "which is a DRF backup to the SFTP server" in report
    assert "Capture the full process list" not in report
    assert "| **Action** | Capture what is missing" in report


def test_an_sftp_parent_without_a_service_list_asks_for_it_too():
    rows = CUCM_BASE + [
        (1775, 4012, "root", "S", "/usr/bin/sftp backup@10.9.9.9"),
        (1806, 1775, "root", "Z", "[ssh] <defunct>"),
    ]
    group = _imp(rows, CLUSTER)["groups"][0]  # no sections: nothing is held
    assert group["command"] == "utils service list"
    assert "a DRF backup to the SFTP server 10.9.9.9" in group["reason"]
    assert "capture `utils service list`, `utils disaster_recovery status backup` and" in group["reason"]


def test_an_unknown_parent_with_listing_and_service_list_held_is_left_not_recollected(tmp_path):
    from ucnb.diagnosis.remedy import remediation
    from ucnb.knowledge.owner import Owner

    held = {"show process list detail", "utils service list"}
    remedy = remediation(Owner("unknown"), 6000, "/usr/local/cm/bin/mystery_daemon", held=held)
    assert (remedy.action, remedy.command) == ("leave", None)
    assert "the capture holds its process list and `utils service list`" in remedy.reason
    remedy = remediation(Owner("unknown"), 6000, "/usr/local/cm/bin/mystery_daemon", held={"show status"})
    assert (remedy.action, remedy.command) == ("recollect", "utils service list")
