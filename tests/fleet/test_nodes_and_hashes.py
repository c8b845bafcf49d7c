"""Issue 24's last items: the worker that reads a bundle hashes it (the client reads no new bundle's
bytes, copies are still analysed once), and `node_id` carries the customer or the case the bundle's
place shows (two customers' `cucm-pub` are two nodes, six captures of one node in a case are one)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ucnb.fleet import scan as scan_module
from ucnb.fleet import views
from ucnb.fleet.bundles import content_hash
from ucnb.fleet.scan import scan_fleet
from ucnb.synth import fleet as make_fleet

RESCANS = 3


def fresh(paths: list[Path]) -> pd.DataFrame:
    return scan_fleet([str(p) for p in paths], workers=0, cache=None).frame  # type: ignore[return-value]


@pytest.fixture
def client_hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bundles the client reads to hash them (the workers' hashing is not counted)."""
    read: list[str] = []

    def counted(path: str, **limits: int | None) -> str | None:
        read.append(os.path.basename(path))
        return content_hash(path, **limits)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "content_hash", counted)
    return read


def test_new_bundles_are_hashed_by_the_worker_that_reads_them(tmp_path: Path,
                                                              client_hashes: list[str]) -> None:
    root = tmp_path / "cases"
    written = make_fleet.write_fleet(root, 5, nodes=2, seed=3, broken=False)
    assert len({p.stat().st_size for p in written}) == len(written)  # no two of one size: no copy
    expected = fresh([root])
    client_hashes.clear()
    cache = tmp_path / "scan.sqlite"
    for turn in range(RESCANS):
        result = scan_fleet([root], workers=0, cache=cache)
        pd.testing.assert_frame_equal(result.frame, expected)
        assert (result.analysed, result.reused) == ((5, 0) if turn == 0 else (0, 5))
    assert client_hashes == []  # the client never read a bundle's bytes
    sha = expected.drop_duplicates("bundle").set_index("bundle")["bundle_sha256"]
    assert sha.to_dict() == {str(p): content_hash(str(p)) for p in written}
    # a changed bundle is analysed again (by its new stamp), hashed by its worker
    written[2].write_bytes(make_fleet.zip_bytes(make_fleet.bundle_members(7, nodes=3, seed=3)))
    result = scan_fleet([root], workers=0, cache=cache)
    assert (result.analysed, result.reused, client_hashes) == (1, 4, [])
    pd.testing.assert_frame_equal(result.frame, fresh([root]))


def test_copies_are_hashed_by_the_client_and_analysed_once(tmp_path: Path, client_hashes: list[str]) -> None:
    root = tmp_path / "cases"
    written = make_fleet.write_fleet(root, 3, nodes=2, seed=3, broken=False)
    shutil.copy(written[0], root / "copy.zip")
    expected = fresh([root])
    client_hashes.clear()
    cache = tmp_path / "scan.sqlite"
    result = scan_fleet([root], workers=0, cache=cache)
    assert sorted(client_hashes) == sorted([written[0].name, "copy.zip"])  # only the two of one size
    assert (result.analysed, result.reused) == (3, 1)
    pd.testing.assert_frame_equal(result.frame, expected)
    shutil.copy(written[1], root / "later.zip")  # a copy of a bundle the cache knows by its stamp
    client_hashes.clear()
    result = scan_fleet([root], workers=0, cache=cache)
    assert (client_hashes, result.analysed) == (["later.zip"], 0)
    pd.testing.assert_frame_equal(result.frame, fresh([root]))


def test_a_bundle_changed_while_it_is_read_is_not_cached(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ucnb.fleet import rows as rows_module

    root = tmp_path / "cases"
    written = make_fleet.write_fleet(root, 2, nodes=1, seed=3, broken=False)
    read = rows_module._read_rows

    def changing(ref: object, *args: object) -> list[dict]:
        found = read(ref, *args)  # type: ignore[arg-type]
        os.utime(written[0], ns=(1, 1))  # someone touches it while it is read
        return found

    monkeypatch.setattr(rows_module, "_read_rows", changing)
    cache = tmp_path / "scan.sqlite"
    first = scan_fleet([written[0]], workers=0, cache=cache).frame
    assert first["bundle_sha256"].isna().all() and first["error"].isna().all()
    monkeypatch.setattr(rows_module, "_read_rows", read)
    assert scan_fleet([written[0]], workers=0, cache=cache).analysed == 1  # nothing was kept: read again
    assert scan_fleet([written[0]], workers=0, cache=cache).analysed == 0


def _place(root: Path, folder: str, name: str, bundle: int, **case_file: str) -> Path:
    (root / folder).mkdir(parents=True, exist_ok=True)
    if case_file:
        (root / folder / "case.json").write_text(json.dumps({"schema": "ucnb.case/1", **case_file}))
    path = root / folder / name
    path.write_bytes(make_fleet.zip_bytes(make_fleet.bundle_members(bundle, nodes=2, seed=9)))
    return path


def test_node_id_has_the_customer_or_case_of_the_bundles_place(tmp_path: Path) -> None:
    root = tmp_path / "fleet"
    # one cluster's captures on six days in one case; the same bytes (same host names) in another case
    for day in range(6):
        _place(root, "SR-612345678", f"day-{day}.zip", 0)
    _place(root, "SR-698765432", "capture.zip", 0)
    _place(root / "workbench", "case-1", "before.zip", 0, case="1", customer="ACME Corp")
    _place(root, "loose", "bundle.zip", 0)  # nothing shows whose it is
    cache = tmp_path / "scan.sqlite"
    for turn in range(2):  # analysed once (the nine are copies, found by their one size), then reused
        result = scan_fleet([root], workers=0, cache=cache)
        frame = result.frame
        pd.testing.assert_frame_equal(frame, fresh([root]))
        assert result.analysed == 1 - turn
    assert len(frame) == 9 * 2
    hosts = sorted(frame["node"].unique())
    assert len(hosts) == 2
    ids = frame.groupby("bundle")["node_id"].first()
    case_a, case_b = (str(root / f) for f in ("SR-612345678", "SR-698765432"))
    assert ids[f"{case_a}/day-0.zip"].startswith("case-612345678/")
    assert ids[f"{case_b}/capture.zip"].startswith("case-698765432/")
    assert ids[str(root / "workbench/case-1/before.zip")].startswith("ACME Corp/")
    assert ids[str(root / "loose/bundle.zip")].count("/") == 2  # CLUSTER/HOST/PRODUCT alone
    owners = frame.drop_duplicates("bundle").set_index("bundle")[["customer", "case"]]
    assert owners.loc[str(root / "workbench/case-1/before.zip")].tolist() == ["ACME Corp", "1"]
    assert owners.loc[f"{case_a}/day-3.zip"].tolist()[1] == "612345678"
    # the views: six captures of each node in the first case are one node each; four places, four nodes each
    assert views.overview(frame)[["node captures", "nodes"]].tolist() == [18, 8]
    assert sorted(views.nodes(frame)["bundle"].unique()) == sorted(
        [f"{case_a}/day-5.zip", f"{case_b}/capture.zip", str(root / "workbench/case-1/before.zip"),
         str(root / "loose/bundle.zip")])
