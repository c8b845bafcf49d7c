"""The findings dataclasses: typed, frozen, and one `to_json()` that is the contract's JSON."""

import dataclasses
import json
from pathlib import Path

import pytest

import ucnb
from ucnb.diagnosis.diagnose import analyze, diagnose
from ucnb.diagnosis.verify import compare, verify
from ucnb.model.findings import Analysis, Group, NodeAnalysis, Verification

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_outputs").glob("ex*"))


@pytest.mark.parametrize("example", SAMPLES, ids=[p.name for p in SAMPLES])
def test_diagnose_is_typed_and_its_json_reads_back_the_same(example):
    bundle = ucnb.load(example / "before")
    analysis = diagnose(bundle)
    assert isinstance(analysis, Analysis)
    node = analysis.nodes[0]
    assert isinstance(node, NodeAnalysis) and all(isinstance(g, Group) for g in node.groups)
    document = analysis.to_json()
    assert document == analyze(bundle)
    assert json.loads(json.dumps(document)) == document  # plain JSON types only
    assert Analysis.from_json(document) == analysis


def test_findings_are_frozen():
    node = diagnose(ucnb.load(ROOT / "sample_outputs/ex1_cucm_amc/before")).nodes[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.groups[0].action = "reboot"  # type: ignore[misc]


def test_group_json_keeps_the_contract_fields_and_omits_only_empty_optionals():
    group = diagnose(ucnb.load(ROOT / "sample_outputs/ex1_cucm_amc/before")).nodes[0].groups[0]
    data = group.to_json()
    assert list(data)[:8] == [
        "ppid", "parent_command", "service", "zombie_pids", "action", "command", "impact", "alternatives",
    ]
    assert data["commands"] == ["utils service restart Cisco AMC Service"]
    kill = next(a for a in data["alternatives"] if a["action"] == "kill_parent")
    leave = next(a for a in data["alternatives"] if a["action"] == "leave")
    assert kill["tac_only"] is True and "tac_only" not in leave
    bare = Group.from_json({"ppid": 7, "zombie_pids": [8]})
    assert "commands" not in bare.to_json() and bare.zombie_pids == (8,)


def test_verification_is_typed_and_its_json_reads_back_the_same():
    before = ucnb.load(ROOT / "sample_outputs/ex4_cuc_filesync/before")
    after = ucnb.load(ROOT / "sample_outputs/ex4_cuc_filesync/after")
    result = compare(before, after)
    assert isinstance(result, Verification)
    document = result.to_json()
    assert document == verify(before, after)
    assert Verification.from_json(document) == result
