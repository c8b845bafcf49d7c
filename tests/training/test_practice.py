"""`ucnb practice`: a fresh exercise per seed, the same bytes for the same seed, and an answer key
that the kit's own analysis agrees with (50 seeds: every product, many services, the SFTP case)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from cli_helpers import run_cli

from ucnb.training.practice import make_exercise, services


def tree(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_exercise(tmp_path):
    for name, seed in (("a", 42), ("b", 42), ("c", 43)):
        status, out, err = run_cli("practice", "--seed", seed, "-o", tmp_path / name)
        assert status == 0, err
        assert f"practice exercise {seed} written to" in out
    a, b, c = (tree(tmp_path / name) for name in "abc")
    assert a == b
    assert a != c
    assert {"answer.json"} < set(a) and all(n == "answer.json" or n.startswith("bundle/") for n in a)
    key = json.loads(a["answer.json"])
    assert list(key) == ["node", "zombie_pids", "ppid", "service", "action"]


def test_without_a_seed_each_run_is_fresh(tmp_path):
    outs = [run_cli("practice", "-o", tmp_path / str(n))[1] for n in range(3)]
    assert len({out.split()[2] for out in outs}) == 3  # the seed it drew, to replay it


@pytest.mark.parametrize("seed", range(50))
def test_analyze_finds_the_answer_key(tmp_path, seed):
    status, _, err = run_cli("practice", "--seed", seed, "-o", tmp_path)
    assert status == 0, err
    key = json.loads((tmp_path / "answer.json").read_text())
    status, out, err = run_cli("analyze", tmp_path / "bundle", "--json")
    assert status == 0, err
    (node,) = json.loads(out)["nodes"]
    assert node["node"] == key["node"]
    assert sorted(z["pid"] for z in node["zombies"]) == key["zombie_pids"]
    (group,) = node["groups"]
    assert group["ppid"] == key["ppid"]
    assert group["service"] == key["service"]
    assert node["next_step"]["action"] == key["action"]


def test_seeds_cover_products_services_and_the_sftp_case():
    keys = [make_exercise(seed)[1] for seed in range(50)]
    products = Counter(k.node.split("-")[-2] for k in keys)  # host names: [site-]cucm|imp|cuc-pub|subN
    assert set(products) == {"cucm", "imp", "cuc"}
    assert len({k.service for k in keys}) >= 25
    assert any(k.service is None and k.action == "reboot" for k in keys)  # the IM&P SFTP peer case
    assert len({len(k.zombie_pids) for k in keys}) >= 3


def test_product_option_and_bad_uses(tmp_path):
    files, key = make_exercise(3, product="CUCM")
    assert key.service in services("CUCM")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("mine")
    status, _, err = run_cli("practice", "--seed", 1, "-o", tmp_path / "full")
    assert status == 2 and err.startswith("ucnb: error:") and "not an empty folder" in err
    assert (tmp_path / "full" / "x.txt").read_text() == "mine"
    status, _, err = run_cli("practice", "--product", "PBX", "-o", tmp_path / "new")
    assert status == 2 and "invalid choice" in err
