"""The five worked examples of the seed document, end to end through the CLI's JSON."""

import json
from pathlib import Path

import pytest
from cli_helpers import run_cli

SAMPLES = Path(__file__).resolve().parents[1] / "sample_outputs"

# The seed's answers: defunct PIDs, their PPID, the owning service, the action, the impact.
SEED = {
    "ex1_cucm_amc": ("cucm-sub1", "CUCM", [22908], 29815, "Cisco AMC Service", "restart_service", "low"),
    "ex2_cucm_tracecollection": (
        "cucm-sub2",
        "CUCM",
        [10025],
        26732,
        "Cisco Trace Collection Service",
        "restart_service",
        "low",
    ),
    "ex3_cucm_cdrrep": (
        "cucm-pub",
        "CUCM",
        [23959],
        26764,
        "Cisco CDR Repository Manager",
        "restart_service",
        "low",
    ),
    "ex4_cuc_filesync": (
        "cuc-sub",
        "CUC",
        [325, 370, 387],
        7827,
        "Connection File Syncer",
        "restart_service",
        "low",
    ),
    "ex5_imnp_sftp": ("imp-pub", "IMnP", [1806], 1775, None, "reboot", "cosmetic"),
}


def cli_json(*args: object) -> dict:
    status, out, err = run_cli(*args, "--json")
    assert status == 0, err
    return json.loads(out)


@pytest.mark.parametrize("example", sorted(SEED))
def test_analyze_gives_the_seed_answer(example):
    node_name, product, zombie_pids, ppid, service, action, impact = SEED[example]
    document = cli_json("analyze", SAMPLES / example / "before")
    assert document["schema"] == "ucnb.analysis/1"
    [node] = document["nodes"]
    assert (node["node"], node["product"]) == (node_name, product)
    assert node["zombie_count"] == len(zombie_pids)
    assert sorted(z["pid"] for z in node["zombies"]) == zombie_pids
    assert all(z["ppid"] == ppid and ":" in z["source"] for z in node["zombies"])
    [group] = node["groups"]
    assert (group["ppid"], group["service"], group["action"], group["impact"]) == (
        ppid,
        service,
        action,
        impact,
    )
    assert group["zombie_pids"] == zombie_pids
    if action == "restart_service":
        assert group["command"] == f"utils service restart {service}"
    else:
        assert group["command"] == "utils system restart"
    assert node["next_step"]["action"] == action
    assert "kill_parent" in [a["action"] for a in group["alternatives"]]


def test_example5_parent_is_the_sftp_to_a_peer_node():
    [node] = cli_json("analyze", SAMPLES / "ex5_imnp_sftp" / "before")["nodes"]
    [group] = node["groups"]
    assert "sftp" in group["parent_command"]


@pytest.mark.parametrize("example", sorted(SEED))
def test_verify_after_the_remediation_says_cleared(example):
    document = cli_json("verify", SAMPLES / example / "before", SAMPLES / example / "after")
    assert document["schema"] == "ucnb.verify/1"
    [node] = document["nodes"]
    assert node["node"] == SEED[example][0]
    assert node["verdict"] == "cleared"
    assert node["after_count"] == 0 and node["remaining_pids"] == [] and node["new_pids"] == []
    assert sorted(node["cleared_pids"]) == SEED[example][2]


def test_cluster_bundle_has_one_node_with_zombies():
    document = cli_json("analyze", SAMPLES / "cluster_cucm_imp.zip")
    counts = {n["node"]: (n["product"], n["zombie_count"]) for n in document["nodes"]}
    assert counts == {"cucm-pub": ("CUCM", 0), "cucm-sub1": ("CUCM", 1), "imp-pub": ("IMnP", 0)}
    with_zombies = [n for n in document["nodes"] if n["zombies"]]
    assert [n["node"] for n in with_zombies] == ["cucm-sub1"]


@pytest.mark.parametrize(
    "path", sorted(p.name for p in SAMPLES.iterdir() if p.name.startswith(("ex", "cluster")))
)
def test_every_sample_line_is_understood(path):
    target = SAMPLES / path
    for part in [target / "before", target / "after"] if target.is_dir() else [target]:
        document = cli_json("inspect", part)
        for node in document["nodes"]:
            assert node["unparsed"] == [], (part, node["unparsed"][:3])
