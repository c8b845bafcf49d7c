"""Redaction against identifiers placed where a careless tool would miss them (tests/hostile/cases.toml,
the `[[redact]]` entries: one per class of issue 26 and more): a process command line, the node's
folder, a file name, the archive's name (and an archive inside an archive), a session log, `show
status` lines, what people type (`--case`, `--by`, `--note`). Neither `ucnb redact` nor `ucnb report
--redact` (every format, both audiences) may write one of them, in any case, anywhere (texts, names,
picture labels); what is not an identifier stays; and the redacted copy is diagnosed as the original
(zombies, parents, services, actions). (Redaction time: bench/run.py --only redact.)"""

from __future__ import annotations

import hashlib
import shutil
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from cli_helpers import run_cli as run
from redact_marks import picture_labels
from test_redact_diagnosis import evidence, placeholder_of

import ucnb
from ucnb.diagnosis.diagnose import analyze
from ucnb.redact.redactor import Redactor
from ucnb.report import decisions_for, render_report

ROOT = Path(__file__).resolve().parents[2]
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
CASES = tomllib.loads((ROOT / "tests" / "hostile" / "cases.toml").read_text())["redact"]


def build(case: dict, folder: Path) -> Path:
    """The ex1 bundle with the case's identifier in place; the PATH to give `ucnb`."""
    node = folder / "bundle" / case.get("folder", "cucm-sub1")
    shutil.copytree(EX1, node)
    if "command" in case:
        listing = node / "show_process_list_detail.txt"
        lines = listing.read_text().splitlines()
        row = f"admin    31337     1  0 10:31 ?        00:00:00 {case['command']}"
        listing.write_text("\n".join([*lines[:-1], row, lines[-1]]) + "\n")
    if "file" in case:
        (node / "show_version_active.txt").rename(node / case["file"])
    if "text" in case:
        (node / "session.log").write_text(case["text"] + "\n")
    if "status" in case or "host" in case:
        status = node / "show_status.txt"
        lines = status.read_text().splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("Host Name"))
        if "host" in case:
            lines[at] = f"Host Name        : {case['host']}"
        lines[at + 1 : at + 1] = case.get("status", [])
        status.write_text("\n".join(lines) + "\n")
    if "archive" in case:
        archive = folder / case["archive"]
        with zipfile.ZipFile(archive, "w") as bundle:
            for path in sorted(node.rglob("*")):
                bundle.write(path, path.relative_to(folder / "bundle").as_posix())
        if "outer" in case:  # the zip inside a tar
            outer = folder / case["outer"]
            with tarfile.open(outer, "w") as bundle:
                bundle.add(archive, archive.name)
            return outer
        return archive
    return folder / "bundle"


def redacted_copy_texts(path: Path, out: Path) -> str:
    status, printed, err = run("redact", path, "-o", out)
    assert status == 0, err
    assert "replaced: " in printed and "occurrence" in printed
    return "\n".join(p.read_text() for p in sorted(out.rglob("*")) if p.is_file())


def redactor_of(path: Path) -> Redactor:
    from ucnb.redact.copy import redact_sources

    return redact_sources([path])[0]


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret.lower() in text.lower()]


def originals(path: Path) -> list[bytes]:
    if path.suffix == ".tar":
        with tarfile.open(path) as outer:
            inner = outer.extractfile(outer.getmembers()[0])
            assert inner is not None
            with zipfile.ZipFile(inner) as archive:
                return [archive.read(name) for name in archive.namelist()]
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name) for name in archive.namelist()]
    return [p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_redacted_copy_and_report_hold(case: dict, tmp_path: Path) -> None:
    path = build(case, tmp_path / "in")
    secrets = case["secrets"]
    texts = redacted_copy_texts(path, tmp_path / "out")
    written = sorted((tmp_path / "out").rglob("*"))
    for name in written:
        assert leaks(name.relative_to(tmp_path / "out").as_posix(), secrets) == [], name
    assert leaks(texts, secrets) == []
    for kept in case.get("kept", []):
        assert kept in texts, kept

    # the copy is diagnosed as the original: zombies, parents, services, actions
    bundle = ucnb.load(path)
    expected = evidence(analyze(bundle), placeholder_of(redactor_of(path)))
    assert evidence(analyze(ucnb.load(tmp_path / "out"))) == expected

    # a file that held an identifier: its original hash would confirm a guess (the report hashes the
    # redacted text, equal to the original only where nothing was replaced)
    hashes = [hashlib.sha256(data).hexdigest() for data in originals(path)
              if leaks(data.decode("utf-8", "replace"), secrets)]
    typed = {key: case[key] for key in ("by", "note") if key in case}
    decisions = decisions_for(bundle, "reboot", **typed) if typed else None
    for fmt, audience in (("html", "tac"), ("md", "customer"), ("txt", "customer"), ("txt", "tac")):
        with picture_labels() as drawn:
            report = render_report(bundle, fmt=fmt, audience=audience, redact=True, decisions=decisions,
                                   case=case.get("case"))
        assert leaks(report.text, secrets) == [], (fmt, audience)
        assert leaks("\n".join(drawn), secrets) == [], (fmt, audience)
        assert [h for h in hashes if h in report.text] == []  # a hash would confirm a guessed file
        for name in report.images:
            assert leaks(name, secrets) == []


def test_counts_by_kind_are_printed(tmp_path: Path) -> None:
    case = {"command": "/usr/bin/ssh jdoe@cucm-sub2.acme.de 10.1.2.3 10.1.2.4 00:1a:2b:3c:4d:5e"}
    path = build(case, tmp_path / "in")
    status, out, _ = run("redact", path, "-o", tmp_path / "out")
    assert status == 0
    assert "2 IPv4 addresses (2 occurrences)" in out and "1 MAC address (1 occurrence)" in out
    assert "(s)" not in out


def test_redact_writes_names_that_any_file_system_takes_and_leaves_nothing_on_failure(tmp_path: Path) -> None:
    """Names that differ only by case, or become equal once redacted, a file named like a folder, and a
    name over 255 bytes: all written, told apart by `~2`; a failed write leaves no partial folder."""
    source = tmp_path / "in"
    listing = (EX1 / "show_process_list_detail.txt").read_bytes()
    for folder in ("CUCM-PUB", "cucm-pub"):
        (source / folder).mkdir(parents=True)
        (source / folder / "ps.txt").write_bytes(listing)
    (source / "host.txt").write_bytes(b"Host Name : cucm-pub\n")
    (source / ("a" * 242 + "_10.1.2.3.txt")).write_bytes(listing)  # 255 bytes; 256 once redacted
    status, out, err = run("redact", source, "-o", tmp_path / "out")
    assert status == 0, err
    out_files = (p for p in (tmp_path / "out").rglob("*") if p.is_file())
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in out_files)
    assert "cucm-host-1/ps.txt" in written and "cucm-host-1/ps~2.txt" in written, written
    assert all(name.endswith(".txt") for name in written)
    assert all(len(part.encode()) <= 255 for name in written for part in name.split("/"))
    assert len(written) == 4 and "cucm-pub" not in " ".join(written).lower()

    blocked = tmp_path / "file"
    blocked.write_text("a file, not a folder")
    status, out, err = run("redact", source, "-o", blocked / "out")
    assert status == 2 and err.startswith("ucnb: error: ") and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "in", "out"]  # no temporary folder left
