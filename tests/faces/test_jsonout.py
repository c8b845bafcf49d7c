"""JSON written piece by piece (`ucnb.faces.jsonout`) is byte for byte what json.dumps(indent=2) writes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import ucnb
from ucnb.diagnosis.diagnose import diagnose
from ucnb.faces.jsonout import write_json
from ucnb.model.columns import TableReader
from ucnb.model.findings import ZombieRows
from ucnb.read.parsers.listing import parse_listing

SAMPLES = Path(__file__).resolve().parents[2] / "sample_outputs"
BUNDLES = sorted([*SAMPLES.glob("ex*/before"), *SAMPLES.glob("ex*/after"), *SAMPLES.glob("*.zip")])


def written(document: object) -> str:
    out = io.StringIO()
    write_json(document, out.write)
    return out.getvalue()


@pytest.mark.parametrize("path", BUNDLES, ids=lambda path: str(path.relative_to(SAMPLES)))
def test_every_sample_analysis_is_written_as_json_dumps_writes_it(path: Path) -> None:
    analysis = diagnose(ucnb.load(path))
    assert written(analysis.to_json(lazy=True)) == json.dumps(analysis.to_json(), indent=2, ensure_ascii=True)


@pytest.mark.parametrize("value", [{}, [], {"a": []}, {"a": {}}, [1, [2, {}], {"b": None}], {"é": "\u202e"},
                                   {1: True, None: 1.5}, "x", 3])
def test_plain_values(value: object) -> None:
    assert written(value) == json.dumps(value, indent=2, ensure_ascii=True)


def test_many_zombies_in_batches_are_all_written() -> None:
    """20,000 zombies (several batches) under two parents: every one is in the JSON, in row order."""
    header = "  PID  PPID STAT CMD"
    rows = [f"{100 + i:>5} {7 if i % 3 else 8:>5} Z    [sh] <defunct>" for i in range(20_000)]
    parents = ["    7     1 Ss   /usr/local/cm/bin/amc", "    8     1 Ss   cdrrep"]
    listing = parse_listing([header, *parents, *rows], file="ps.txt")
    zombies = ZombieRows(TableReader.of(listing, "processes"), range(2, 20_002))
    document = {"zombies": zombies.json_rows()}
    text = written(document)
    assert text == json.dumps({"zombies": [z.to_json() for z in zombies]}, indent=2)
    parsed = json.loads(text)["zombies"]
    assert [z["pid"] for z in parsed] == list(range(100, 20_100))
    assert parsed[-1] == {"pid": 20_099, "ppid": 7 if 19_999 % 3 else 8, "command": "[sh] <defunct>",
                          "source": "ps.txt:20003"}
