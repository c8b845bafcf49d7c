"""`ucnb scan` / `ucnb.scan`: a generated fleet scanned in-process, by Dask processes and through a
`distributed` scheduler gives the rows `ucnb analyze --json` gives bundle by bundle."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_helpers import run_cli
from ucnb.fleet.rows import COLUMNS, ScanOptions
from ucnb.fleet.scan import NO_SERVICE, discover, read_frame, scan_fleet, write_frame
from ucnb.synth import fleet as make_fleet

REPO = Path(__file__).resolve().parents[2]

BUNDLES = 22  # with the 4 broken ones and the oversize one: 27, above the in-process threshold (20)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fleet") / "cases"
    make_fleet.write_fleet(root, BUNDLES, nodes=2, seed=5)
    members = make_fleet.bundle_members(99, nodes=1, seed=5)
    padding = "".join(f"admin:show myself {n}\n" for n in range(60_000)).encode()  # ~1.3 MiB
    members = {**members, "notes/padding.txt": padding}
    (root / "zz-oversize.zip").write_bytes(make_fleet.zip_bytes(members))
    return root


@pytest.fixture(scope="module")
def baseline(fleet: Path) -> pd.DataFrame:
    """The in-process scan, every other engine is compared with it."""
    result = scan_fleet([fleet], workers=0, options=ScanOptions(max_total_bytes=2**20), cache=None)
    assert result.engine == "in-process"
    return result.frame


def _analysis_rows(bundle: str) -> list[dict]:
    status, out, err = run_cli("analyze", "--json", "--max-bytes", "1MiB", bundle)
    if status == 2:
        assert out == "" and err.startswith("ucnb: error: ") and err.count("\n") == 1
        return [{"error": err.removeprefix("ucnb: error: ").rstrip("\n")}]
    assert status == 0, err
    return [
        {
            "node": node["node"], "product": node["product"], "zombie_count": node["zombie_count"],
            "defunct_rows": len(node["zombies"]),
            "groups": [(g["ppid"], g["service"], g["count"], g["action"], g.get("urgency"))
                       for g in node["groups"]],
            "next_action": node["next_step"]["action"], "urgency": node["next_step"].get("urgency"),
            "leak_rate_per_hour": node["leak_rate_per_hour"], "tasks": node["pid_headroom"]["tasks"],
            "pid_free": node["pid_headroom"]["free"],
            "days_to_exhaustion": node["pid_headroom"]["days_to_exhaustion"],
            "warnings": len(node["warnings"]), "error": None,
        }
        for node in json.loads(out)["nodes"]
    ]


def _scan_rows(frame: pd.DataFrame, bundle: str) -> list[dict]:
    rows = []
    for row in frame[frame["bundle"] == bundle].to_dict("records"):
        if isinstance(row["error"], str):
            rows.append({"error": row["error"]})
            continue
        rows.append({
            "node": row["node"], "product": row["product"], "zombie_count": row["zombie_count"],
            "defunct_rows": row["defunct_rows"],
            "groups": [(g["ppid"], g["service"], g["count"], g["action"], g["urgency"])
                       for g in row["groups"]],
            "next_action": row["next_action"], "urgency": None if pd.isna(row["urgency"]) else row["urgency"],
            **{name: None if pd.isna(row[name]) else row[name]
               for name in ("leak_rate_per_hour", "tasks", "pid_free", "days_to_exhaustion")},
            "warnings": row["warnings"], "error": None,
        })
    return rows


def test_rows_equal_analyze_json_for_every_bundle(fleet: Path, baseline: pd.DataFrame) -> None:
    bundles = sorted(str(p) for p in fleet.iterdir())
    assert sorted(baseline["bundle"].unique()) == bundles
    for bundle in bundles:
        assert _scan_rows(baseline, bundle) == _analysis_rows(bundle), bundle
    # the fleet has what a fleet has: clean nodes, leaks, growing leaks, several products and versions
    ok = baseline[baseline["error"].isna()]
    assert len(ok) == 2 * BUNDLES + 0 and (ok["defunct_rows"] == 0).any() and (ok["defunct_rows"] > 0).any()
    assert ok["leak_rate_per_hour"].gt(0).any() and ok["days_to_exhaustion"].notna().any()
    assert set(ok["product"]) == {"CUCM", "IMnP", "CUC"} and ok["version"].nunique() >= 5
    assert ok["captured_at"].notna().all()


def test_broken_hostile_and_oversize_bundles_are_error_rows(baseline: pd.DataFrame) -> None:
    errors = baseline[baseline["error"].notna()]
    errors = errors.set_index(errors["bundle"].map(lambda b: Path(b).name))
    assert sorted(errors.index) == sorted([*make_fleet.BROKEN, "zz-oversize.zip"])
    assert "'..'" in errors.loc["climbs-out.tar", "error"]
    assert "larger than the 1 MiB limit" in errors.loc["zz-oversize.zip", "error"]
    assert errors["node"].isna().all() and errors["groups"].map(len).eq(0).all()
    assert all("\n" not in e for e in errors["error"])
    assert baseline[baseline["error"].isna()]["node"].notna().all()


@pytest.mark.parametrize("workers", [1, 2])
def test_local_processes_give_the_same_rows_in_the_same_order(
    fleet: Path, baseline: pd.DataFrame, workers: int
) -> None:
    result = scan_fleet([fleet], workers=workers, options=ScanOptions(max_total_bytes=2**20))
    assert result.engine == f"local processes ({workers} worker{'s' if workers > 1 else ''})"
    pd.testing.assert_frame_equal(result.frame, baseline)


def test_through_a_distributed_scheduler_same_rows(
    fleet: Path, baseline: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=0, dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        out = tmp_path / "fleet.parquet"
        status, stdout, err = run_cli("scan", fleet, "-o", out, "--scheduler", cluster.scheduler_address,
                                      "--max-bytes", "1MiB", "--json")
        # workers that run another ucnb than the client: refused, one error line
        monkeypatch.setattr("ucnb.fleet.scan.kit_version", lambda: "0.0.0-client")
        failed = run_cli("scan", fleet, "-o", tmp_path / "other.parquet",
                         "--scheduler", cluster.scheduler_address)
    assert failed[0] == 2 and failed[2].count("\n") == 1, failed
    assert f"the Dask cluster at {cluster.scheduler_address} could not run the scan" in failed[2]
    assert "the client 0.0.0-client" in failed[2] and not (tmp_path / "other.parquet").exists()
    assert status == 0, err
    document = json.loads(stdout)
    assert document["engine"].startswith("dask distributed (tcp://127.0.0.1:")
    pd.testing.assert_frame_equal(read_frame(out), baseline)


def test_a_worker_analyses_bundles_without_importing_pandas(fleet: Path) -> None:
    """What a scan ships to a worker (`partition`) runs on the parsers' columns: pandas, which a
    worker would otherwise import at its start, is only the client's (its frame and its output)."""
    import subprocess
    import sys

    code = ("import sys, ucnb\nfrom ucnb.fleet.rows import BundleRef, ScanOptions, partition\n"
            f"rows = partition([BundleRef({str(sorted(fleet.glob('*.zip'))[0])!r}, 'x')], ScanOptions(), "
            "ucnb.__version__)\n"
            "print(len(rows), sum(row['error'] is None for row in rows), 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.split() == ["2", "2", "False"]


def test_a_worker_with_another_ucnb_version_is_refused(fleet: Path) -> None:
    from ucnb.fleet.rows import partition

    with pytest.raises(RuntimeError, match=r"this worker runs ucnb .*, the client 0\.0\.0-other"):
        partition([], ScanOptions(), "0.0.0-other")


def test_an_unreachable_scheduler_is_one_error_line(fleet: Path, tmp_path: Path) -> None:
    dask = pytest.importorskip("dask")
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        status, out, err = run_cli("scan", fleet, "-o", tmp_path / "f.parquet", "--scheduler",
                                   "tcp://127.0.0.1:9")
    assert status == 2 and err.count("\n") == 1
    assert err.startswith("ucnb: error: cannot reach the Dask scheduler tcp://127.0.0.1:9")


def test_copies_of_a_bundle_are_analysed_once_and_each_has_its_rows(fleet: Path, tmp_path: Path) -> None:
    for name in ("a.zip", "b.zip"):
        shutil.copy(fleet / make_fleet.bundle_name(1), tmp_path / name)
        shutil.copy(fleet / "empty.zip", tmp_path / f"empty-{name}")
    result = scan_fleet([tmp_path], workers=0)
    assert (result.bundles, result.analysed) == (4, 2)
    frame = result.frame
    assert frame.groupby("bundle").size().tolist() == [2, 2, 1, 1]
    a, b = (frame[frame["bundle"] == str(tmp_path / n)].drop(columns="bundle").reset_index(drop=True)
            for n in ("a.zip", "b.zip"))
    pd.testing.assert_frame_equal(a, b)
    for name in ("empty-a.zip", "empty-b.zip"):
        error = frame.loc[frame["bundle"] == str(tmp_path / name), "error"].item()
        assert error == f"{tmp_path / name}: no files found"


def test_csv_output_reads_back_the_same(baseline: pd.DataFrame, tmp_path: Path) -> None:
    write_frame(baseline, tmp_path / "fleet.csv")
    pd.testing.assert_frame_equal(read_frame(tmp_path / "fleet.csv"), baseline)
    text = (tmp_path / "fleet.csv").read_text()
    assert text.splitlines()[0] == ",".join(name for name, _ in COLUMNS)


def test_cli_summary_and_human_output(fleet: Path, baseline: pd.DataFrame, tmp_path: Path) -> None:
    status, out, err = run_cli("scan", fleet, "-o", tmp_path / "f.parquet", "--max-bytes", "1MiB", "--json",
                               "--workers", "0")
    assert status == 0, err
    document = json.loads(out)
    ok = baseline[baseline["error"].isna()]
    assert document["schema"] == "ucnb.scan/1"
    assert (document["bundles"], document["nodes"], document["errors"]) == (BUNDLES + 5, len(ok), 5)
    assert document["analysed"] == BUNDLES + 5 and document["output"] == str(tmp_path / "f.parquet")
    assert document["zombies"] == ok["defunct_rows"].sum()
    top = document["top_services"][0]
    counts = ok["groups"].explode().dropna().map(lambda g: (g["service"] or NO_SERVICE, g["count"]))
    per_service = pd.DataFrame(counts.tolist(), columns=["service", "count"]).groupby("service")["count"]
    per_service = per_service.sum()
    assert top["zombies"] == per_service.max() and per_service[top["service"]] == per_service.max()
    status, out, err = run_cli("scan", fleet, "-o", tmp_path / "f.parquet", "--max-bytes", "1MiB")
    assert status == 0, err
    assert out.startswith(f"{BUNDLES + 5} bundles (5 analysed, {BUNDLES} reused; in-process): ")
    assert f"error: {fleet / 'empty.zip'}: " in out


@pytest.mark.parametrize("args, message", [
    (["nowhere", "-o", "f.parquet"], "nowhere: no such file or folder"),
    (["{fleet}", "-o", "f.xlsx"], "must be a .parquet or .csv file"),
    (["{fleet}", "-o", "f.parquet", "--since", "yesterday"], "not a date"),
    (["{fleet}", "-o", "f.parquet", "--workers", "2", "--scheduler", "tcp://x:1"], "not allowed with"),
    (["{fleet}", "-o", "."], "must be a .parquet or .csv file"),
    (["{fleet}", "-o", "made.parquet"], "made.parquet: not a scan output (not a regular file)"),
    (["{fleet}", "-o", "junk.csv"], "junk.csv: not a scan output"),
    (["empty", "-o", "f.parquet"], "no bundle found in empty"),
])
def test_bad_usage_is_one_error_line(fleet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "made.parquet").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "junk.csv").write_text("a,b\n1,2\n")
    status, out, err = run_cli("scan", *[a.format(fleet=fleet) for a in args])
    assert status == 2 and err.startswith("ucnb: error: ") and message in err and err.count("\n") == 1


def test_discover_folders_archives_and_lists(tmp_path: Path) -> None:
    node = (REPO / "sample_outputs/ex1_cucm_amc/before/show_status.txt").read_bytes()
    for folder in ("site-a/night-1/cucm-pub", "site-a/night-2", "site-b/deep/er"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "show_status.txt").write_bytes(node)
    (tmp_path / "site-a/README.md").write_text("notes")
    (tmp_path / "site-a/night-1/cucm-pub/extra").mkdir()
    (tmp_path / "site-a/night-1/cucm-pub/extra/ps.txt").write_bytes(node)  # inside a bundle: part of it
    with zipfile.ZipFile(tmp_path / "site-b/case.zip", "w") as archive:
        archive.writestr("n/show_status.txt", node)
    (tmp_path / "site-b/fleet.parquet").write_bytes(b"PAR1")
    (tmp_path / "site-c").symlink_to(tmp_path / "site-a")
    warnings: list[str] = []
    found = discover([tmp_path], skip=[tmp_path / "site-b/fleet.parquet"], warnings=warnings)
    assert warnings == [f"{tmp_path / 'site-c'}: symbolic link not followed"]
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found] == [
        "site-a/night-1", "site-a/night-2", "site-b/case.zip", "site-b/deep",
    ]  # night-1 and deep: folders of one node folder each, one bundle as `ucnb analyze` reads them
    listing = tmp_path / "bundles.txt"
    listing.write_text("# two of them\nsite-b/case.zip\n\nsite-a/night-2\n")
    assert [Path(p).name for p in discover([listing])] == ["night-2", "case.zip"]


def test_a_path_that_is_a_bundle_is_one_bundle(tmp_path: Path) -> None:
    """An extracted multi-node bundle given as PATH: one bundle of four nodes, as `ucnb analyze` reads
    it, not four one-node bundles."""
    case = tmp_path / "case-0000"
    for name, data in make_fleet.bundle_members(0, nodes=4, seed=5).items():
        (case / name).parent.mkdir(parents=True, exist_ok=True)
        (case / name).write_bytes(data)
    assert len([p for p in case.iterdir() if p.is_dir()]) == 4
    frame = scan_fleet([case], workers=0, cache=None).frame
    assert frame["bundle"].unique().tolist() == [str(case)]
    assert _scan_rows(frame, str(case)) == _analysis_rows(str(case)) and len(frame) == 4
    # found inside a scanned folder, beside an archive and a note, it is still one bundle of four nodes
    (tmp_path / "case-0001.zip").write_bytes(make_fleet.zip_bytes(make_fleet.bundle_members(1, seed=5)))
    (tmp_path / "README.md").write_text("the customer's bundles")
    assert discover([tmp_path]) == [str(case), str(tmp_path / "case-0001.zip")]
    (tmp_path / ".notes").write_text("hidden: passed over")
    frame = scan_fleet([tmp_path], workers=0, cache=None).frame
    assert frame["bundle"].unique().tolist() == [str(case), str(tmp_path / "case-0001.zip")]
    assert _scan_rows(frame, str(case)) == _analysis_rows(str(case)) and len(frame) == 4 + 2
