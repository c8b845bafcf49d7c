"""`ucnb practice`: a fresh exercise per seed, the same bytes for the same seed, the answer key kept
away from the exercise, and an answer key that the kit's own analysis agrees with (60 seeds: every
product, many services, the SFTP case, and the variants: two groups, no listing, a growing count)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from cli_helpers import run_cli

from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.training.answer import AnswerKey
from ucnb.training.practice import VARIANTS, make_exercise, services


def tree(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_exercise(tmp_path):
    for name, seed in (("a", 42), ("b", 42), ("c", 43)):
        status, out, err = run_cli("practice", "--seed", seed, "-o", tmp_path / name)
        assert status == 0, err
        assert f"practice exercise {seed} written to" in out
        assert f"answer key to {tmp_path / name}.answer.json (keep it from the trainee)" in out
    a, b, c = (tree(tmp_path / name) for name in "abc")
    assert a == b
    assert a != c
    assert all(n.startswith("bundle/") for n in a)  # nothing but the capture in what the trainee gets
    keys = [(tmp_path / f"{name}.answer.json").read_bytes() for name in "abc"]
    assert keys[0] == keys[1] != keys[2]
    key = json.loads(keys[0])
    assert list(key)[:5] == ["node", "zombie_pids", "ppid", "service", "action"]
    assert set(key) == {"node", "zombie_pids", "ppid", "service", "action", "zombie_counts", "other_groups",
                        "variant"}


def test_the_key_is_never_written_in_the_exercise(tmp_path):
    ex = tmp_path / "for-the-trainee"
    status, _, err = run_cli("practice", "--seed", 5, "-o", ex, "--key", ex / "answer.json")
    assert status == 2 and err.startswith("ucnb: error:") and "must not be inside the exercise folder" in err
    assert not ex.exists() or not any(ex.iterdir())
    key = tmp_path / "trainer" / "key5.json"
    status, out, err = run_cli("practice", "--seed", 5, "-o", ex, "--key", key)
    assert status == 0, err
    assert "answer.json" not in {p.name for p in ex.rglob("*")}
    assert AnswerKey.read(key).node in out
    # a key is never overwritten: the trainer's file stays as it was
    before = key.read_bytes()
    status, _, err = run_cli("practice", "--seed", 6, "-o", tmp_path / "other", "--key", key)
    assert status == 2 and "already exists" in err and key.read_bytes() == before


def test_without_a_seed_each_run_is_fresh(tmp_path):
    outs = [run_cli("practice", "-o", tmp_path / str(n))[1] for n in range(3)]
    assert len({out.split()[2] for out in outs}) == 3  # the seed it drew, to replay it


def _analyze(tmp_path, seed: int) -> tuple[dict, dict]:
    status, _, err = run_cli("practice", "--seed", seed, "-o", tmp_path / "ex")
    assert status == 0, err
    key = json.loads((tmp_path / "ex.answer.json").read_text())
    status, out, err = run_cli("analyze", tmp_path / "ex" / "bundle", "--json")
    assert status == 0, err
    (node,) = json.loads(out)["nodes"]
    return key, node


@pytest.mark.parametrize("seed", range(60))
def test_analyze_finds_the_answer_key(tmp_path, seed):
    key, node = _analyze(tmp_path, seed)
    assert node["node"] == key["node"]
    assert node["next_step"]["action"] == key["action"]
    if key["variant"] == "no-listing":
        assert node["zombies"] == [] and node["groups"] == []
        assert node["next_step"]["action"] == "recollect"
        return
    groups = {g["ppid"]: g for g in node["groups"]}
    expected = [key, *key["other_groups"]]
    assert sorted(groups) == sorted(g["ppid"] for g in expected)
    for group in expected:
        assert groups[group["ppid"]]["service"] == group["service"]
        assert groups[group["ppid"]]["action"] == group["action"]
    assert sorted(z["pid"] for z in node["zombies"]) == sorted(p for g in expected for p in g["zombie_pids"])
    assert node["zombie_count"] == key["zombie_counts"][-1]
    if key["variant"] == "growing":
        assert "growing at" in node["next_step"]["urgency_reason"]


def test_seeds_cover_products_services_variants_and_the_sftp_case():
    keys = [make_exercise(seed)[1] for seed in range(60)]
    products = Counter(k.node.split("-")[-2] for k in keys)  # host names: [site-]cucm|imp|cuc-pub|subN
    assert set(products) == {"cucm", "imp", "cuc"}
    assert len({k.service for k in keys}) >= 25
    assert any(k.service is None and k.action == "reboot" for k in keys)  # the IM&P SFTP peer case
    assert len({len(k.zombie_pids) for k in keys}) >= 3
    assert set(Counter(k.variant for k in keys)) == set(VARIANTS)


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_variant_on_demand(variant):
    for seed in range(4):
        _, key = make_exercise(seed, product="CUC", variant=variant)
        assert key.variant == variant
        assert (len(key.other_groups) == 1) == (variant == "two-groups")
        assert (key.action == "recollect") == (variant == "no-listing")
        assert key.growing == (variant == "growing")
        if variant == "growing":
            assert len(key.zombie_counts) == 3 and list(key.zombie_counts) == sorted(key.zombie_counts)
        if variant == "two-groups":
            (other,) = key.other_groups
            assert other.service != key.service and other.ppid != key.ppid
            assert not set(other.zombie_pids) & set(key.zombie_pids)
            assert CATALOGUE.service(other.service)


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
    status, _, err = run_cli("practice", "--variant", "three-groups", "-o", tmp_path / "new")
    assert status == 2 and "invalid choice" in err
