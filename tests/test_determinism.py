"""The same bundle gives byte-identical JSON (inspect, analyze, verify) and reports, whatever the order
in which a zip, a tar or a folder lists its files."""

from __future__ import annotations

import io
import random
import tarfile
import zipfile
from pathlib import Path

import pytest
from cli_helpers import run_cli

from ucnb.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_outputs"
CASES = {
    "ex1": SAMPLES / "ex1_cucm_amc",  # one node per capture, one file per command
    "ex3": SAMPLES / "ex3_cucm_cdrrep",  # a PuTTY log with every command
    "ex5": SAMPLES / "ex5_imnp_sftp",
}
ORDERS = 2  # reversed, then shuffled: neither is the sorted order


def files_of(folder: Path) -> list[tuple[str, bytes]]:
    paths = (p for p in folder.rglob("*") if p.is_file())
    return sorted((p.relative_to(folder).as_posix(), p.read_bytes()) for p in paths)


def shuffled(files: list[tuple[str, bytes]], seed: int) -> list[tuple[str, bytes]]:
    order = list(reversed(files))
    if seed:
        random.Random(seed).shuffle(order)
    return order


def make_zip(path: Path, files: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 20, 10, 0, 0)), data)
    return path


def make_tar(path: Path, files: list[tuple[str, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def make_folder(path: Path, files: list[tuple[str, bytes]]) -> Path:
    for name, data in files:  # created in this order: a listing may follow the creation order
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def run(*args: object) -> str:
    status, out, err = run_cli(*args)
    assert status == 0, err
    return out


def outputs(before: Path, after: Path, tmp: Path, reports: bool) -> dict[str, bytes]:
    found = {
        "inspect": run("inspect", before, "--json").encode(),
        "analyze": run("analyze", before, "--json").encode(),
        "verify": run("verify", before, after, "--json").encode(),
        "analyze-text": run("analyze", before).encode(),
    }
    if reports and has_report():
        for suffix in (".html", ".md"):
            target = tmp / f"report{suffix}"
            run("report", before, "--after", after, "-o", target)
            found[f"report{suffix}"] = target.read_bytes()
    return found


def has_report() -> bool:
    sub = next(a for a in build_parser()._actions if getattr(a, "choices", None) and "inspect" in a.choices)
    return "report" in sub.choices


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("kind", ["zip", "tar", "folder"])
def test_same_bundle_same_bytes_whatever_the_order(tmp_path: Path, name: str, kind: str) -> None:
    make = {"zip": make_zip, "tar": make_tar, "folder": make_folder}[kind]
    suffix = {"zip": ".zip", "tar": ".tar.gz", "folder": ""}[kind]
    before_files = files_of(CASES[name] / "before")
    after_files = files_of(CASES[name] / "after")
    results = []
    for seed in range(ORDERS):
        place = tmp_path / f"order{seed}"  # same base names in every place: the outputs quote them
        place.mkdir()
        before = make(place / f"before{suffix}", shuffled(before_files, seed))
        after = make(place / f"after{suffix}", shuffled(after_files, seed + 100))
        results.append(outputs(before, after, place, reports=name == "ex1"))  # reports: slow, once
    for other in results[1:]:
        for face in results[0]:
            assert other[face] == results[0][face], face


@pytest.mark.timeout(120)
def test_several_paths_in_any_order_of_the_files_inside(tmp_path: Path) -> None:
    """A cluster given as several PATHs (one folder per node) reads the same from shuffled folders."""
    paths = [SAMPLES / "ex1_cucm_amc" / "before", SAMPLES / "ex4_cuc_filesync" / "before"]
    documents = []
    for seed in range(ORDERS):
        place = tmp_path / f"order{seed}"
        made = []
        for index, path in enumerate(paths):
            made.append(make_folder(place / f"node{index}", shuffled(files_of(path), seed)))
        documents.append(run("analyze", *made, "--json") + run("inspect", *made, "--json"))
    assert documents[1:] == documents[:1] * (ORDERS - 1)
