"""The `top` fixtures of jc's own test suite (../shared/peer-fixtures/jc): every row, every zombie
and the Tasks counts as jc reads them. Not collected when the folder is absent (conftest.py
says so in pytest's header)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.real_captures import PEER_FIXTURES
from ucnb.model.columns import values
from ucnb.read.parsers.load import parse_load

PEER_TOPS = sorted(PEER_FIXTURES.glob("jc/*/top*.out"))


@pytest.mark.parametrize("path", PEER_TOPS, ids=[f"{p.parent.name}/{p.name}" for p in PEER_TOPS])
def test_jc_top_fixtures_every_row_and_zombie_count(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text())
    result = parse_load(path.read_text().splitlines(), file=path.name)
    assert result.unparsed == []
    assert len(result.snapshots) == len(expected)
    for snapshot, want in zip(result.snapshots, expected, strict=True):
        assert snapshot.summary.zombie == want["tasks_zombie"]
        assert snapshot.summary.total == want["tasks_total"]
        assert list(values(snapshot, "processes", "pid")) == [row["pid"] for row in want["processes"]]
        assert list(values(snapshot, "processes", "command")) == [row["command"] for row in want["processes"]]
        zombies = [row["pid"] for row in want["processes"] if row["status"] == "zombie"]
        assert [pid for pid, z in zip(values(snapshot, "processes", "pid"),
                                      values(snapshot, "processes", "zombie"), strict=True) if z] == zombies
