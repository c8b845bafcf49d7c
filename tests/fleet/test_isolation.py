"""Bad bundles isolated: a bundle that runs too long, takes too much memory or kills its process is
one error row in a finished scan; a stopped client resumes; a lost scheduler is one line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ucnb.fleet import engines
from ucnb.fleet.rows import ScanOptions
from ucnb.fleet.scan import read_frame, scan_fleet, write_frame
from ucnb.synth import fleet as make_fleet

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402  (bench/generate.py: large captures)

SMALL = 6


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six small bundles and one of 80,000 processes (`zz-big`, last: ~1-2 s to read; a worker holds
    ~60 MiB before it, ~200 MiB reading it, and ~60 MiB after any small one)."""
    root = tmp_path_factory.mktemp("isolation") / "cases"
    make_fleet.write_fleet(root, SMALL, nodes=2, seed=8, broken=False)
    node = root / "zz-big"  # one node's captures
    node.mkdir(parents=True)
    for name, text in generate.node_files("cucm-pub", 80_000, zombies=5, seed=2).items():
        (node / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def baseline(fleet: Path) -> pd.DataFrame:
    return scan_fleet([fleet], workers=0, cache=None).frame


TIMEOUT = 2.0  # seconds: far above a small bundle (~0.02 s), far below the slow one (~14 s, quiet)
COPIES = 40  # the slow bundle's node folders, each the big bundle's listing (7.5 MB, ~0.35 s)


@pytest.fixture(scope="module")
def slow(fleet: Path, baseline: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A bundle read in far more than `TIMEOUT` on a quiet machine, and more still on a busy one:
    `COPIES` node folders, each holding the big bundle's listing (300 MB in all, under `--max-bytes`;
    stopped at its timeout, it never holds much of it). Its time is bounded from one copy's, measured
    here, and the small bundles' are measured too: far from `TIMEOUT` on either side, whatever the
    load (it slows both; the timeout is not taken from this machine's speed at one moment)."""
    from ucnb.fleet.rows import BundleRef, bundle_rows

    root = tmp_path_factory.mktemp("slow") / "zz-slow"
    listing = (fleet / "zz-big/show_process_list_detail.txt").read_bytes()
    for copy in range(COPIES):
        (root / f"node-{copy:02}").mkdir(parents=True)
        (root / f"node-{copy:02}/show_process_list_detail.txt").write_bytes(listing)
    seconds = {}
    for path in [*_small(fleet), root / "node-00"]:
        began = time.perf_counter()
        rows = bundle_rows(BundleRef(str(path), None), ScanOptions(), "t")
        seconds[path.name] = time.perf_counter() - began
        assert rows[0]["error"] is None, rows
    one = seconds.pop("node-00")
    # (a small bundle took 0.4 s with ten busy processes beside a test niced to 19, a load of 11)
    assert COPIES * one > 4 * TIMEOUT and 2 * max(seconds.values()) < TIMEOUT, (one, seconds)
    yield root
    shutil.rmtree(root.parent, ignore_errors=True)  # 300 MB: not kept with the session's files


def _small(fleet: Path) -> list[Path]:
    return sorted(path for path in fleet.iterdir() if path.name != "zz-big")


def _is_big(frame: pd.DataFrame, name: str = "zz-big") -> pd.Series:
    return frame["bundle"].str.endswith(name)


def _check(frame: pd.DataFrame, baseline: pd.DataFrame, message: str, name: str = "zz-big") -> None:
    """The small bundles' rows as in a scan without limits; the odd one (`name`) one error row saying
    why."""
    pd.testing.assert_frame_equal(frame[~_is_big(frame, name)], baseline[~_is_big(baseline)])
    odd = frame[_is_big(frame, name)]
    assert len(odd) == 1 and odd["node"].isna().all() and message in odd["error"].item(), odd["error"].item()
    assert baseline.loc[_is_big(baseline), "zombie_count"].item() == 5  # without a limit it is read


@pytest.mark.parametrize("workers", [0, 2])
def test_a_bundle_past_its_timeout_is_one_error_row(fleet: Path, baseline: pd.DataFrame, slow: Path,
                                                    workers: int) -> None:
    result = scan_fleet([*_small(fleet), slow], workers=workers, in_process_below=1, cache=None,
                        options=ScanOptions(timeout=TIMEOUT))
    assert result.engine == ("in-process" if workers == 0 else "local processes (2 workers)")
    _check(result.frame, baseline, f"zz-slow: took longer than {TIMEOUT:g} s to read and diagnose (the "
                                   "per-bundle timeout, --timeout)", "zz-slow")


def test_a_bundle_past_the_memory_guard_is_one_error_row(fleet: Path, baseline: pd.DataFrame) -> None:
    result = scan_fleet([fleet], workers=1, in_process_below=1, cache=None,
                        options=ScanOptions(max_memory=128 * 2**20))
    _check(result.frame, baseline, "zz-big: its analysis was stopped (out of memory): it held more than the "
                                   "128 MiB memory guard (--max-memory)")


def _worker_pids() -> list[int]:
    """This process's pool workers (forked by multiprocessing's fork server, started from here)."""
    import multiprocessing

    return [p.pid for p in multiprocessing.active_children() if p.pid is not None]


def test_a_bundle_whose_process_dies_is_one_error_row(fleet: Path, baseline: pd.DataFrame,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker reading the big bundle is killed (as the kernel's OOM killer would): that bundle is
    an error row naming it, every other bundle has its rows, the scan finishes."""
    small_done = threading.Event()
    finished: list[str] = []
    run_local = engines.run_local

    def watched(todo: Any, options: Any, version: Any, done: Any, **kw: Any) -> None:
        def tell(ref: Any, rows: Any) -> None:
            finished.append(ref.path)
            if len(finished) == SMALL:
                small_done.set()
            done(ref, rows)
        run_local(todo, options, version, tell, **kw)

    def kill() -> None:
        """Once the big bundle is being read (its worker's memory grows by 100 MiB), kill its worker."""
        if not small_done.wait(120):
            return
        pids = _worker_pids()
        idle = {pid: engines._resident(pid) for pid in pids}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(
                engines._resident(pid) > idle[pid] + 100 * 2**20 for pid in pids):
            time.sleep(0.01)
        for pid in pids:
            os.kill(pid, signal.SIGKILL)

    monkeypatch.setattr(engines, "run_local", watched)
    killer = threading.Thread(target=kill)
    killer.start()
    result = scan_fleet([fleet], workers=1, in_process_below=1, cache=None)
    killer.join(10)
    _check(result.frame, baseline, "zz-big: its analysis was stopped (its process ended with status -9): "
                                   "killed from outside")


def _cached(cache: Path) -> int:
    try:
        with sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM rows").fetchone()[0])
    except sqlite3.Error:
        return 0


def _scan_process(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ucnb.cli", "scan", *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for(condition: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.05)


def test_a_stopped_scan_resumes_where_it_was(fleet: Path, baseline: pd.DataFrame, tmp_path: Path) -> None:
    cache, out = tmp_path / "c" / "scan.sqlite", tmp_path / "fleet.parquet"
    scan = _scan_process(fleet, "-o", out, "--cache", cache, "--workers", "1")
    try:
        _wait_for(lambda: _cached(cache) >= 2)
    finally:
        os.killpg(scan.pid, signal.SIGKILL)  # the client and its workers, as a crash would
        scan.communicate(timeout=60)
    kept = _cached(cache)
    assert 2 <= kept <= SMALL and not out.exists()
    again = _scan_process(fleet, "-o", out, "--cache", cache, "--workers", "1", "--json")
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    assert json.loads(stdout)["analysed"] == SMALL + 1 - kept
    pd.testing.assert_frame_equal(read_frame(out), baseline)


def test_a_lost_scheduler_is_one_line_and_the_output_is_kept(fleet: Path, baseline: pd.DataFrame,
                                                             tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    cache, out = tmp_path / "c" / "scan.sqlite", tmp_path / "fleet.parquet"
    write_frame(baseline, out)
    before = out.read_bytes()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address=None) as cluster:
        scan = _scan_process(fleet, "-o", out, "--cache", cache, "--scheduler", cluster.scheduler_address)
        try:
            _wait_for(lambda: _cached(cache) >= 1 or scan.poll() is not None)
        finally:
            cluster.close()
            stdout, stderr = scan.communicate(timeout=120)
    assert scan.returncode == 2 and stderr.count("\n") == 1, stderr
    address = cluster.scheduler_address
    assert stderr.startswith(f"ucnb: error: lost the Dask scheduler {address} during the scan")
    assert out.read_bytes() == before


def test_on_a_cluster_a_bundle_past_its_timeout_is_one_error_row(fleet: Path, baseline: pd.DataFrame,
                                                                 slow: Path) -> None:
    """A task cannot be stopped inside a Dask worker: the worker running the slow partition is
    restarted, the partition's bundles retried one by one, the slow one an error row."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address=None) as cluster:
        result = scan_fleet([*_small(fleet), slow], scheduler=cluster.scheduler_address, cache=None,
                            options=ScanOptions(timeout=TIMEOUT))
        assert len(cluster.scheduler_info["workers"]) == 2  # the restarted worker is back
    _check(result.frame, baseline, f"zz-slow: took longer than {TIMEOUT:g} s to read and diagnose", "zz-slow")
