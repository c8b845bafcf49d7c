"""The generator as a library: one node's capture for a product, a leaking service and a seed.

What the fleet data and the practice exercises rely on: the same arguments give the same bytes, and
`ucnb analyze` on a generated capture finds what the generator put in it (node, defunct PIDs, parent,
owning service, action) for every service of the catalogue that runs a process of its own.
"""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli

from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.synth.scenario import PRODUCTS, SFTP_PEER, node_capture, zombie_services


def cases() -> list[tuple[str, str]]:
    known = {s.name for s in CATALOGUE.services}
    out = []
    for product in PRODUCTS:
        names = sorted({s.name for gen in ("old", "new") for s in zombie_services(product, "Publisher", gen)})
        out += [(product, name) for name in names if name in known]
    return out + [("IMnP", SFTP_PEER)]


def analyze(tmp_path, capture) -> dict:
    for name, data in capture.files.items():
        (tmp_path / name).write_bytes(data)
    status, out, err = run_cli("analyze", tmp_path, "--json")
    assert status == 0, err
    (node,) = json.loads(out)["nodes"]
    return node


def test_every_product_has_catalogue_services_to_leak():
    counts = {p: sum(1 for product, _ in cases() if product == p) for p in PRODUCTS}
    assert all(n >= 15 for n in counts.values()), counts


@pytest.mark.parametrize(("product", "service"), cases())
def test_analyze_finds_what_was_generated(tmp_path, product, service):
    capture = node_capture(product, service, seed=len(service))
    node = analyze(tmp_path, capture)
    assert node["node"] == capture.host
    assert node["zombie_count"] == len(capture.zombie_pids) == capture.zombie_counts[-1]
    assert sorted(z["pid"] for z in node["zombies"]) == list(capture.zombie_pids)
    (group,) = node["groups"]
    assert group["ppid"] == capture.ppid
    assert group["service"] == capture.service
    assert node["next_step"]["action"] == capture.action
    assert node["next_step"]["command"] == capture.command


def test_same_arguments_same_bytes_other_seed_other_capture():
    one = node_capture("CUC", "Connection File Syncer", seed=11)
    assert node_capture("CUC", "Connection File Syncer", seed=11) == one
    other = node_capture("CUC", "Connection File Syncer", seed=12)
    assert other.files != one.files and (other.zombie_pids, other.ppid) != (one.zombie_pids, one.ppid)


def test_seeds_vary_layout_version_and_pids():
    captures = [node_capture("CUCM", "Cisco AMC Service", seed=s) for s in range(12)]
    assert len({tuple(sorted(c.files)) for c in captures}) >= 4
    assert len({c.version for c in captures}) >= 3
    assert len({c.ppid for c in captures}) == 12
    texts = [b"".join(c.files.values()) for c in captures]
    assert any(b"\x1b[" in t for t in texts) and any(b"\x1b[" not in t for t in texts)  # putty logs, plain


def test_clean_node_has_no_zombies(tmp_path):
    capture = node_capture("IMnP", None, seed=3)
    node = analyze(tmp_path, capture)
    assert capture.zombie_pids == () and capture.action == "none"
    assert node["zombie_count"] == 0 and node["zombies"] == [] and node["next_step"]["action"] == "none"


def test_growing_leak_shows_in_the_trend(tmp_path):
    capture = node_capture(
        "CUCM", "Cisco Tftp", seed=5, zombies=4, snapshots=4, interval_min=40, growing=True
    )
    assert list(capture.zombie_counts) == sorted(capture.zombie_counts)
    assert capture.zombie_counts[0] < capture.zombie_counts[-1] == 4
    node = analyze(tmp_path, capture)
    assert [point["zombie"] for point in node["trend"]][: len(capture.zombie_counts)] == list(
        capture.zombie_counts
    )
    assert node["leak_rate_per_hour"] and node["leak_rate_per_hour"] > 0


@pytest.mark.parametrize(
    ("product", "service", "message"),
    [
        ("CUCM", "Connection File Syncer", "runs no process of its own on CUCM"),
        ("CUCM", SFTP_PEER, "IM and Presence"),
        ("PBX", None, "product must be one of"),
    ],
)
def test_bad_arguments_are_named(product, service, message):
    with pytest.raises(ValueError, match=message):
        node_capture(product, service, seed=1)


@pytest.mark.parametrize("snapshots", [1, 2, 5])
def test_any_seed_and_window_generates(snapshots):
    """Growing leaks with one capture (nothing can grow) or several: the PID counter stays consistent."""
    for seed in range(25):
        capture = node_capture(
            "CUCM", "Cisco Tftp", seed=seed, zombies=1 + seed % 4, snapshots=snapshots, growing=True
        )
        assert len(capture.zombie_pids) == 1 + seed % 4 == capture.zombie_counts[-1]
        assert list(capture.zombie_counts) == sorted(capture.zombie_counts)
