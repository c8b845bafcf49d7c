"""Redaction never changes the diagnosis: each redacted copy of every sample bundle (before and after
redacted together, one mapping) is analysed and compared with the original, node by node: the
product, the zombies, each group's parent, service, action and rule, the next step; and `verify` on
the redacted pair pairs the same nodes and says the same."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run_cli as run

import ucnb
from ucnb.diagnosis.diagnose import analyze
from ucnb.redact.copy import redact_bundle_copy
from ucnb.redact.redactor import Redactor
from ucnb.report import render_report

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


def perfmon_node(root: Path) -> Path:
    """A CUCM node's PuTTY log (5 zombies under Cisco AMC Service) and half a day of its RIS PerfMon
    logs, a poll every 5 minutes, the leak starting 10 hours before the capture; its folder."""
    from perfmon_helpers import write

    from ucnb.synth import node_capture
    from ucnb.synth.perfmon import Leak, perfmon_files

    cap = node_capture("CUCM", "Cisco AMC Service", seed=7, zombies=5)
    folder = write(root / cap.host, cap.files)
    name = ucnb.load(folder).nodes[0].listing.processes.query("zombie")["comm"].iloc[0]
    leak = Leak(name, cap.captured_at - timedelta(hours=10), per_hour=0.5, pids=cap.zombie_pids)
    return write(folder, perfmon_files(cap.host, start=cap.captured_at - timedelta(hours=12), hours=12,
                                       poll_seconds=300, leak=leak, rows_per_file=100))


def test_a_redacted_perfmon_history_keeps_its_diagnosis(tmp_path: Path) -> None:
    """The PDH header, the counters and the states stay (the allow-list keeps PerfMon's words): the
    copy's PerfMon logs are read, with the same polls and the same first zombie."""
    source = perfmon_node(tmp_path / "in")
    copy = redact_bundle_copy([source], tmp_path / "out")
    assert_same_diagnosis(source, tmp_path / "out", copy.redactor)
    (original,), (redacted,) = ucnb.load(source).nodes, ucnb.load(tmp_path / "out").nodes
    assert original.perfmon is not None and redacted.perfmon is not None
    assert redacted.perfmon.times == original.perfmon.times
    assert redacted.perfmon.zombies == original.perfmon.zombies
    assert sorted(redacted.perfmon.zombie_pids) == sorted(original.perfmon.zombie_pids)
    assert len(redacted.perfmon_logs) == len(original.perfmon_logs)


def test_a_zombies_bracketed_name_stays_only_when_known(tmp_path: Path) -> None:
    """`[name] <defunct>`: a name the catalogue or Linux knows stays (`sh`, `java`, `sftp`, `cdragent`),
    any other becomes a placeholder, in the copy and in the redacted report; the diagnosis is the same."""
    source = tmp_path / "in"
    shutil.copytree(SAMPLES / "ex1_cucm_amc" / "before", source)
    listing = source / "show_process_list_detail.txt"
    lines = listing.read_text().splitlines()
    names = ["java", "sftp", "cdragent", "payrollsync", "bs_srcserver", "Globex-Agent"]
    rows = [f"ccmserv+ {22950 + i} 29815  0 Nov18 ?        00:00:00 [{name}] <defunct>"
            for i, name in enumerate(names)]
    listing.write_text("\n".join([*lines[:-1], *rows, lines[-1]]) + "\n")
    copy = redact_bundle_copy([source], tmp_path / "out")
    assert_same_diagnosis(source, tmp_path / "out", copy.redactor)
    text = (tmp_path / "out" / "show_process_list_detail.txt").read_text()
    report = render_report(ucnb.load(source), fmt="md", audience="tac", redact=True).text
    for written in (text, report):
        for known in ("[sh] <defunct>", "[java] <defunct>", "[sftp] <defunct>", "[cdragent] <defunct>"):
            assert known in written, known
        for unknown in ("payrollsync", "srcserver", "Globex"):
            assert unknown not in written, unknown
        assert "[bs_name-" in written
