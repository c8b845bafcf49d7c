"""Redaction never changes the diagnosis: each redacted copy of every sample bundle (before and after
redacted together, one mapping) is analysed and compared with the original, node by node: the
product, the zombies, each group's parent, service, action and rule, the next step; and `verify` on
the redacted pair pairs the same nodes and says the same."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run_cli as run

import ucnb
from ucnb.diagnosis.diagnose import analyze
from ucnb.redact.copy import redact_bundle_copy
from ucnb.redact.redactor import Redactor

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_outputs"
CASES = sorted(p for p in SAMPLES.glob("ex*") if (p / "before").is_dir())


def evidence(analysis: dict[str, Any], name: Any = str) -> dict[str, Any]:
    """What a redacted copy must keep: per node (its name through `name`), the product, the zombies,
    each group's parent PID, service, action, rule and impact, the next step's action."""
    nodes = {}
    for node in analysis["nodes"]:
        groups = sorted(
            (g["ppid"], g["service"], g["action"], g["rule"], g["impact"], tuple(sorted(g["zombie_pids"])))
            for g in node["groups"]
        )
        step = node.get("next_step") or {}
        nodes[name(node["node"])] = (node["product"], node["zombie_count"], groups, step.get("action"))
    return nodes


def placeholder_of(redactor: Redactor):
    def name(original: str) -> str:
        return redactor.mapping["host"].get(original.lower()) or redactor.strict_name(original)

    return name


def assert_same_diagnosis(original: Path | list[Path], copy: Path, redactor: Redactor) -> None:
    """The same evidence, node by node (each named by its placeholder)."""
    paths = original if isinstance(original, list) else [original]
    expected = evidence(analyze(ucnb.load(*paths)), placeholder_of(redactor))
    assert expected, "the original has no node"
    if len(paths) == 1 and paths[0].is_file() and paths[0].suffix not in (".zip", ".tar", ".tgz", ".gz"):
        # one capture file: the copy is a folder holding it
        (copy,) = (p for p in copy.iterdir() if p.is_file())
    assert evidence(analyze(ucnb.load(copy))) == expected


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_case_redacted_together_keeps_its_diagnosis_and_its_pairing(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    copy = redact_bundle_copy([case / "before", case / "after"], out, separate=True)
    assert sorted(p.name for p in out.iterdir()) == ["after", "before"]
    for phase in ("before", "after"):
        assert_same_diagnosis(case / phase, out / phase, copy.redactor)
    status, original, err = run("verify", case / "before", case / "after", "--json")
    assert status == 0, err
    status, redacted, err = run("verify", out / "before", out / "after", "--json")
    assert status == 0, err
    assert copy.redactor.text(original) .count('"status"') == redacted.count('"status"')
    for word in ('"cleared"', '"persisting"', '"new"', '"rebooted"', '"paired_by"'):
        assert original.count(word) == redacted.count(word), word


def test_the_cluster_archive_keeps_its_diagnosis(tmp_path: Path) -> None:
    copy = redact_bundle_copy([SAMPLES / "cluster_cucm_imp.zip"], tmp_path / "out")
    assert_same_diagnosis(SAMPLES / "cluster_cucm_imp.zip", tmp_path / "out", copy.redactor)


def test_a_backup_server_named_like_a_process_stays_a_process(tmp_path: Path) -> None:
    """A backup server named `sftp` (or `ssh`): `/usr/bin/sftp` is still the IM&P peer's SFTP process
    in the copy, and the host `sftp` is a placeholder where a host stands."""
    source = tmp_path / "in"
    shutil.copytree(SAMPLES / "ex5_imnp_sftp" / "before", source)
    extra = source / "backup.txt"
    extra.write_text("admin:utils disaster_recovery device list\n"
                     "backup  NETWORK  drfadmin@sftp:/backups/uc\n")
    copy = redact_bundle_copy([source], tmp_path / "out")
    assert "sftp" in copy.redactor.mapping["host"]
    assert_same_diagnosis(source, tmp_path / "out", copy.redactor)
    texts = "\n".join(p.read_text() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert "/usr/bin/sftp" in texts and "@sftp:" not in texts


def test_redact_prints_what_it_kept_verbatim_by_kind(tmp_path: Path) -> None:
    status, out, err = run("redact", SAMPLES / "ex1_cucm_amc" / "before", SAMPLES / "ex1_cucm_amc" / "after",
                           "-o", tmp_path / "out")
    assert status == 0, err
    assert "kept verbatim" in out
    for kind in ("numbers and shapes: ", "catalogue name (", "system account (", "CLI or Linux word ("):
        assert kind in out, kind
    assert "amc" in out.split("catalogue name", 1)[1].splitlines()[0]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["after", "before"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_a_capture_saved_as_utf16_or_with_a_bom_is_redacted_and_keeps_its_diagnosis(
    encoding: str, tmp_path: Path
) -> None:
    """Windows Notepad's "Unicode" (UTF-16 with its byte order mark) and UTF-8 with a BOM: the copy
    reads them as the bundle does, so their host, address and password are replaced, and it is
    written as UTF-8 that `ucnb analyze` diagnoses as the original."""
    source = tmp_path / "in"
    shutil.copytree(SAMPLES / "ex1_cucm_amc" / "before", source)
    for path in sorted(source.iterdir()):
        text = path.read_text().replace("\n", "\r\n")
        if path.name == "show_status.txt":
            text += "admin:file get activelog x --server 10.20.30.40 --password Sw0rdfish!\r\n"
        mark = b"\xfe\xff" if encoding == "utf-16-be" else b""
        path.write_bytes(mark + text.encode(encoding))
    copy = redact_bundle_copy([source], tmp_path / "out")
    assert "cucm-sub1" in copy.redactor.mapping["host"]
    written = [p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()]
    texts = "\n".join(data.decode("utf-8") for data in written)  # UTF-8, no BOM, no NUL
    assert not any(data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) for data in written)
    assert "\x00" not in texts
    for secret in ("cucm-sub1", "10.20.30.40", "Sw0rdfish"):
        assert secret not in texts, secret
    assert_same_diagnosis(source, tmp_path / "out", copy.redactor)
