"""Rescans that stay right: whatever happened since the last scan (copies, errors that went away,
other options, `--since`, a damaged output, a forged or damaged cache), the rows of a rescan are
the rows of a fresh scan, scan after scan."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_helpers import run_cli
from ucnb.fleet.rows import ScanOptions
from ucnb.fleet.scan import read_frame, scan_fleet, write_frame
from ucnb.synth import fleet as make_fleet

RESCANS = 4


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    make_fleet.write_fleet(root, 4, nodes=2, seed=11)
    return root


def fresh(paths: list[Path], **options: object) -> pd.DataFrame:
    """A scan with no cache at all: what every rescan must give."""
    return scan_fleet([str(p) for p in paths], workers=0, cache=None, **options).frame  # type: ignore[arg-type]


def scan_cli(*args: object) -> dict:
    status, out, err = run_cli("scan", *args, "--json", "--workers", "0")
    assert status == 0, err
    return json.loads(out)


def test_copies_keep_one_bundles_rows_per_path_scan_after_scan(cases: Path, tmp_path: Path) -> None:
    for name in ("a.zip", "b.zip"):
        shutil.copy(cases / make_fleet.bundle_name(1), cases / name)
    out = tmp_path / "fleet.parquet"
    expected = fresh([cases])
    sizes = expected.groupby("bundle").size()
    assert sizes.loc[[str(cases / "a.zip"), str(cases / "b.zip")]].tolist() == [2, 2]
    for turn in range(RESCANS):
        document = scan_cli(cases, "-o", out)
        pd.testing.assert_frame_equal(read_frame(out), expected)
        if turn:  # the copies and the other good bundles come from the cache; the errors are read again
            assert (document["analysed"], document["reused"]) == (4, 6)
    shutil.copy(cases / "a.zip", cases / "c.zip")  # a third copy after the cache knows the content
    scan_cli(cases, "-o", out)
    assert read_frame(out).groupby("bundle").size().loc[str(cases / "c.zip")] == 2
    pd.testing.assert_frame_equal(read_frame(out), fresh([cases]))


def test_errors_are_read_again_and_rescan_reads_everything(cases: Path, tmp_path: Path) -> None:
    later = tmp_path / "later.zip"
    (cases / "list.txt").write_text(f"  # indented comment\n{make_fleet.bundle_name(0)}\n\n../later.zip\n")
    out = tmp_path / "fleet.csv"
    scan_cli(cases / "list.txt", "-o", out)
    first = read_frame(out)
    assert first["error"].tolist()[-1] == f"{later}: no such file or directory"
    shutil.copy(cases / make_fleet.bundle_name(2), later)  # the missing bundle arrives
    for turn in range(2):
        document = scan_cli(cases / "list.txt", "-o", out)
        assert (document["analysed"], document["errors"]) == (1 - turn, 0)
        pd.testing.assert_frame_equal(read_frame(out), fresh([cases / "list.txt"]))
    assert scan_cli(cases / "list.txt", "-o", out, "--rescan")["analysed"] == 2
    # over the size limit, then not
    big = make_fleet.bundle_name(3)
    small = fresh([cases / big], options=ScanOptions(max_total_bytes=1024))
    assert "larger than the 1 KiB limit" in small["error"].item()
    assert run_cli("scan", cases / big, "-o", out, "--max-bytes", "1KiB")[0] == 2  # every bundle failed
    scan_cli(cases / big, "-o", out)
    pd.testing.assert_frame_equal(read_frame(out), fresh([cases / big]))


def test_a_relative_path_is_read_by_workers_elsewhere(cases: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers get absolute paths: a local process pool (another working folder would do the
    same on a cluster) finds the bundles, and the rows name them as they were given."""
    monkeypatch.chdir(cases.parent)
    result = scan_fleet(["cases"], workers=1, in_process_below=1, cache=None)
    assert result.engine == "local processes (1 worker)"
    expected = fresh([cases]).assign(bundle=lambda f: f["bundle"].str.replace(str(cases), "cases"),
                                     error=lambda f: f["error"].str.replace(str(cases), "cases"))
    pd.testing.assert_frame_equal(result.frame, expected)


def test_every_option_that_changes_a_row_is_part_of_the_key(cases: Path, tmp_path: Path) -> None:
    out = tmp_path / "fleet.parquet"
    for pid_max in ("32768", "4194304", "32768", "4194304"):
        scan_cli(cases, "-o", out, "--pid-max", pid_max)
        expected = fresh([cases], options=ScanOptions(pid_max=int(pid_max)))
        pd.testing.assert_frame_equal(read_frame(out), expected)
    frames = [fresh([cases], options=ScanOptions(pid_max=p)) for p in (32768, 4194304)]
    assert not frames[0]["pid_free"].equals(frames[1]["pid_free"])  # the option does change rows


def test_since_filters_the_output_and_keeps_the_cache_whole(cases: Path, tmp_path: Path) -> None:
    out = tmp_path / "fleet.parquet"
    whole = fresh([cases])
    since = sorted(whole["captured_at"].dropna())[len(whole["captured_at"].dropna()) // 2]
    expected = whole[whole["captured_at"].isna() | (whole["captured_at"] >= since)].reset_index(drop=True)
    assert 0 < expected["error"].isna().sum() < whole["error"].isna().sum()
    for _ in range(2):
        scan_cli(cases, "-o", out, "--since", since.isoformat())
        pd.testing.assert_frame_equal(read_frame(out), expected)
        document = scan_cli(cases, "-o", out)
        assert document["analysed"] == 4  # only the four broken bundles: the cache kept every node
        pd.testing.assert_frame_equal(read_frame(out), whole)


def test_a_damaged_output_is_set_aside_and_another_file_is_never_replaced(cases: Path,
                                                                         tmp_path: Path) -> None:
    for name in ("fleet.parquet", "fleet.csv"):
        out = tmp_path / name
        scan_cli(cases, "-o", out)
        data = out.read_bytes()
        cut = data[: len(data) // 3 if name.endswith(".parquet") else 20]
        out.write_bytes(cut)  # cut short
        document = scan_cli(cases, "-o", out)
        assert document["warnings"] == [f"{out}: a damaged scan output, set aside as {out}.damaged"]
        assert (tmp_path / f"{name}.damaged").read_bytes() == cut
        pd.testing.assert_frame_equal(read_frame(out), fresh([cases]))
    for name, text in (("notes.csv", "name,amount\nrent,=1+1\n"), ("other.parquet", "not parquet at all")):
        (tmp_path / name).write_text(text)
        status, out_text, err = run_cli("scan", cases, "-o", tmp_path / name)
        assert status == 2 and err.count("\n") == 1 and "not a scan output" in err and "not replaced" in err
        assert (tmp_path / name).read_text() == text
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "table.parquet")
    status, _, err = run_cli("scan", cases, "-o", tmp_path / "table.parquet")
    assert status == 2 and "not a scan output (no scan columns)" in err


def test_a_failed_write_keeps_the_previous_output(cases: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while writing: one line, exit 2, the previous rows kept, no half file left."""
    import errno

    from ucnb.fleet import output

    out = tmp_path / "fleet.parquet"
    scan_cli(cases, "-o", out)
    before = out.read_bytes()

    def disk_full(frame: pd.DataFrame, stream: object, kind: str) -> None:
        stream.write(b"PAR1" + b"x" * 1000)  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "_write", disk_full)
    status, _, err = run_cli("scan", cases, "-o", out, "--workers", "0")
    assert (status, err) == (2, f"ucnb: error: {out}: cannot write the output (No space left on device)\n")
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases", "fleet.parquet"]
    os.symlink("/dev/full", tmp_path / "full.parquet")
    status, _, err = run_cli("scan", cases, "-o", tmp_path / "full.parquet")
    assert status == 2 and "full.parquet: not a scan output (not a regular file)" in err


def test_a_list_with_a_missing_path_gives_its_error_row(cases: Path, tmp_path: Path) -> None:
    (cases / "bundles.txt").write_text(f"{make_fleet.bundle_name(0)}\n   # gone since\nnowhere.zip\n")
    frame = fresh([cases / "bundles.txt"])
    assert frame["bundle"].unique().tolist() == [str(cases / make_fleet.bundle_name(0)),
                                                 str(cases / "nowhere.zip")]
    assert frame["error"].dropna().tolist() == [f"{cases / 'nowhere.zip'}: no such file or directory"]
    (tmp_path / "words.txt").write_text("hello\nworld\n")
    status, _, err = run_cli("scan", tmp_path / "words.txt", "-o", tmp_path / "f.parquet")
    assert status == 2 and "neither a folder of bundles, an archive, nor a list" in err


def test_every_bundle_failing_is_not_success(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for name in make_fleet.BROKEN:
        (tmp_path / "in" / name).write_bytes(make_fleet.broken_bundle(name))
    status, out, err = run_cli("scan", tmp_path / "in", "-o", tmp_path / "f.parquet", "--json")
    assert status == 2 and err.startswith("ucnb: error: no bundle could be read (4 bundles;")
    assert json.loads(out)["errors"] == 4 and len(read_frame(tmp_path / "f.parquet")) == 4


def test_plain_pandas_reads_the_integer_columns_as_integers(cases: Path, tmp_path: Path) -> None:
    frame = fresh([cases])
    write_frame(frame, tmp_path / "f.parquet")
    plain = pd.read_parquet(tmp_path / "f.parquet")
    assert frame["error"].notna().any() and str(plain["zombie_count"].dtype) == "Int64"
    assert str(plain["days_to_exhaustion"].dtype) == "Float64" and plain["node"].isna().sum() == 4


def _cache_rows(cache: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(cache) as db:
        return db.execute("SELECT sha256, rows FROM rows").fetchall()


def test_forged_or_damaged_cache_rows_are_refused(cases: Path, tmp_path: Path, own_scan_cache: Path) -> None:
    out = tmp_path / "fleet.parquet"
    scan_cli(cases, "-o", out)
    expected = read_frame(out)
    # forged rows in the previous output are never read back
    write_frame(expected.assign(node="forged", zombie_count=0), out)
    scan_cli(cases, "-o", out)
    pd.testing.assert_frame_equal(read_frame(out), expected)
    # forged rows in the cache: refused (their signature is wrong), the bundle read again
    sha, text = _cache_rows(own_scan_cache)[0]
    with sqlite3.connect(own_scan_cache) as db:
        forged = text.replace('"zombie_count":', '"zombie_count":0,"x":')
        db.execute("UPDATE rows SET rows = ? WHERE sha256 = ?", (forged, sha))
    document = scan_cli(cases, "-o", out)
    assert document["analysed"] == 5
    assert "refused (its signature does not match its rows)" in document["warnings"][0]
    pd.testing.assert_frame_equal(read_frame(out), expected)
    # a cache file that is not a database at all: set aside, every bundle read again
    for end in ("", "-wal", "-shm"):
        Path(f"{own_scan_cache}{end}").unlink(missing_ok=True)
    own_scan_cache.write_bytes(b"\x00garbage" * 100)
    document = scan_cli(cases, "-o", out)
    assert document["analysed"] == 8 and "not a usable scan cache" in document["warnings"][0]
    pd.testing.assert_frame_equal(read_frame(out), expected)


def test_formulas_in_host_names_are_not_run_by_a_spreadsheet(tmp_path: Path) -> None:
    members = make_fleet.bundle_members(1, nodes=1, seed=3)
    node = next(iter(members)).split("/")[0]
    hostile = ["=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "+SUM(1+1)", "@SUM(1)", "-2+3"]
    for n, host in enumerate(hostile):
        changed = {name.replace(node, f"n{n}"): data.replace(node.encode(), host.encode())
                   for name, data in members.items()}
        (tmp_path / f"b{n}.zip").write_bytes(make_fleet.zip_bytes(changed))
    frame = fresh([tmp_path])
    assert sorted(frame["node"]) == sorted(hostile)
    write_frame(frame, tmp_path / "f.csv")
    cells = pd.read_csv(tmp_path / "f.csv", dtype=str)["node"].tolist()
    assert all(cell.startswith("'") for cell in cells)
    pd.testing.assert_frame_equal(read_frame(tmp_path / "f.csv"), frame)


def test_special_files_huge_files_and_undecodable_names(cases: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    node = folder / os.fsdecode(b"case-\xff") / "cucm-pub"
    node.mkdir(parents=True)
    sample = Path(__file__).resolve().parents[2] / "sample_outputs/ex1_cucm_amc/before"
    for item in sample.iterdir():
        shutil.copy(item, node / item.name)
    os.mkfifo(node / "pipe.txt")  # opened, it would block the scan forever
    sparse = folder / "huge.zip"
    with open(sparse, "wb") as stream:  # 20 GB on paper, nothing on disk: never read whole
        stream.truncate(20 * 2**30)
    frame = fresh([folder])
    assert frame["bundle"].tolist() == [str(folder / "case-\\xff"), str(sparse)]
    assert frame["node"].tolist()[0] == "cucm-sub1"
    assert frame["bundle_sha256"].notna().tolist() == [True, False]
    assert "larger than the 512 MiB limit" in frame["error"].tolist()[1]
    out = tmp_path / "f.csv"
    scan_cli(folder, "-o", out)
    assert "case-\\xff" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--workers", "-1"], "argument --workers: -1 is less than 0"),
    (["--scheduler", "not a url"], "not a scheduler address: 'not a url'"),
    (["--pid-max", "0"], "argument --pid-max: '0' is not a whole number from 301"),
    (["--timeout", "0"], "between 0 and a week"),
])
def test_bad_numbers_and_addresses_at_the_parser(cases: Path, tmp_path: Path, args: list[str],
                                                 message: str) -> None:
    status, out, err = run_cli("scan", cases, "-o", tmp_path / "f.parquet", *args)
    assert status == 2 and err.count("\n") == 1 and message in err and not (tmp_path / "f.parquet").exists()


@pytest.mark.parametrize("name", ["fleet.parquet", "fleet.csv"])
def test_rows_written_batch_by_batch_are_the_rows(cases: Path, tmp_path: Path, name: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI writes rows as they are read back in path order, a few bundles at a time (the client
    never holds the fleet's rows): the file is the frame of a scan that returns them."""
    from ucnb.fleet import scan as scan_module

    shutil.copy(cases / make_fleet.bundle_name(1), cases / "copy.zip")
    expected = fresh([cases])
    monkeypatch.setattr(scan_module, "BATCH", 2)
    for _ in range(2):  # analysed, then from the cache
        document = scan_cli(cases, "-o", tmp_path / name)
        pd.testing.assert_frame_equal(read_frame(tmp_path / name), expected)
    assert document["nodes"] == expected["error"].isna().sum() and document["errors"] == 4
