"""The benchmark's generators make captures ucnb (and the competitors) read correctly, and
`bench/run.py --quick --only parse` runs. Correctness only: benchmark times are never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ucnb.read.parsers.listing import parse_listing
from ucnb.read.parsers.load import parse_load

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/generate.py)


def test_ps_ef_listing_reads_back_with_its_zombies_under_the_named_parent() -> None:
    text = generate.ps_ef(600, zombies=5, zombie_parent="amc")
    lines = text.splitlines()
    assert lines[0].split() == ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]

    listing = parse_listing(lines, file="ps.txt")
    frame = listing.processes
    assert listing.unparsed == []
    assert len(frame) == 600
    assert frame["pid"].is_unique
    # Every parent is in the listing (a real tree), except the two roots under PID 0.
    assert set(frame["ppid"]) - set(frame["pid"]) == {0}
    zombies = frame[frame["zombie"]]
    assert len(zombies) == 5
    assert zombies["command"].str.endswith("<defunct>").all()
    amc = frame[frame["command"] == "/usr/local/cm/bin/amc"]
    assert len(amc) == 1
    assert set(zombies["ppid"]) == {int(amc["pid"].iloc[0])}
    assert amc["user"].iloc[0] == "ccmserv+"  # ps -ef cuts long user names to 7 characters and "+"
    assert frame["source"].iloc[0] == "ps.txt:2"


@pytest.mark.parametrize("generation", ["new", "old"])
def test_top_snapshot_reads_back_with_the_zombie_count_of_its_table(generation: str) -> None:
    text = generate.top_snapshot(500, zombies=4, generation=generation)
    capture = parse_load(text.splitlines(), file="load.txt")
    assert capture.unparsed == []
    [snapshot] = capture.snapshots
    assert snapshot.summary.total == 500
    assert snapshot.summary.zombie == 4
    assert len(snapshot.processes) == 500
    assert int(snapshot.processes["zombie"].sum()) == 4
    assert (snapshot.processes.loc[snapshot.processes["zombie"], "state"] == "Z").all()


def test_competitors_read_the_same_number_of_rows() -> None:
    jc_ps = pytest.importorskip("jc.parsers.ps")
    jc_top = pytest.importorskip("jc.parsers.top")
    insights_ps = pytest.importorskip("insights.parsers.ps")
    insights_tests = pytest.importorskip("insights.tests")

    listing = generate.ps_ef(300)
    assert len(jc_ps.parse(listing, quiet=True)) == 300
    assert len(insights_ps.PsEf(insights_tests.context_wrap(listing)).data) == 300
    top = jc_top.parse(generate.top_snapshot(300), quiet=True)
    assert len(top[0]["processes"]) == 300
    # jc reads the same columns: no row shifted by a too-wide value
    assert all(p["percent_mem"] is not None and " " not in p["command"] for p in top[0]["processes"])


def test_bundle_generator_writes_node_folders_ucnb_recognises(tmp_path: Path) -> None:
    import ucnb

    generate.write_bundle(tmp_path, nodes=4, n_processes=200)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cl00-cucm-pub", "cl00-cucm-sub1", "cl00-cucm-sub2", "cl00-cucm-sub3",
    ]
    assert (tmp_path / "cl00-cucm-sub3" / "session.log").exists()  # every fourth node is a terminal log
    bundle = ucnb.load(tmp_path)
    assert sorted(node.name for node in bundle.nodes) == sorted(p.name for p in tmp_path.iterdir())
    for node in bundle.nodes:
        assert node.listing is not None and len(node.listing.processes) == 200
        assert node.latest_load is not None and len(node.latest_load.processes) == 200
        assert node.unparsed == []


def test_quick_parse_benchmark_runs_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--only", "parse",
         "--out", str(out), "--data", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert "listing parse" in done.stdout and "insights-core PsEf" in done.stdout
    document = json.loads(out.read_text())
    assert document["schema"] == "ucnb.bench/1"
    results = document["results"]
    assert {r["competitor"] for r in results} == {"insights-core PsEf", "jc ps", "floor"}
    assert {r["size"] for r in results} == {"1k", "2k"}
    for r in results:
        assert r["status"] != "ERROR", r
        assert r["note"] == "", r  # every parser read every row
        assert r["ucnb_s"] > 0 and r["competitor_s"] > 0 and r["ucnb_peak_mib"] > 0


@pytest.mark.parametrize("flat", [False, True])
def test_chain_reads_back_with_its_zombie_under_the_last_helper(flat: bool) -> None:
    listing = parse_listing(generate.chain(50, flat=flat).splitlines(), file="chain.txt")
    frame = listing.processes
    assert listing.unparsed == [] and len(frame) == 54
    assert frame.loc[frame["zombie"], ["pid", "ppid"]].values.tolist() == [[54, 53]]
    helpers = frame[frame["command"].str.startswith("/bin/sh -c step")]
    assert len(helpers) == 50
    assert helpers["ppid"].tolist() == ([3] * 50 if flat else list(range(3, 53)))
