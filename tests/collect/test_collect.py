"""`ucnb collect` against fake UCOS CLI nodes (tests/fake_ucos.py) on 127.0.0.1.

What a TAC engineer checks: the bundle analyzes to the sample's answer, every fault gives its
state and reason, only the allow-list reaches the node, and the password is nowhere.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from cli_helpers import run_cli
from fake_ucos import PAGER, FakeCluster, FakeNode, sample_outputs

from ucnb.collect import plan as collect_module
from ucnb.collect import run as collect_run
from ucnb.diagnosis.diagnose import analyze
from ucnb.read.bundle import load

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "sample_outputs" / "cluster_cucm_imp.zip"
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
PASSWORD = "Zq7-unlikely-Pa55word"
FAST = ["--samples", "2", "--interval", "0", "--connect-timeout", "5", "--prompt-timeout", "1",
        "--command-timeout", "3", "--password-env", "UCNB_TEST_PASSWORD"]
EXPECTED = ["set cli pagination off", "show status", "show version active", "show network cluster",
            "utils service list", "show process load", "show process list detail", "show process list",
            "show process load"]


@pytest.fixture
def cluster(monkeypatch):
    monkeypatch.setenv("UCNB_TEST_PASSWORD", PASSWORD)
    fakes = FakeCluster()
    yield fakes
    fakes.close()


def node(cluster: FakeCluster, *paths: Path, name: str | None = None, **faults) -> FakeNode:
    return cluster.add(FakeNode(sample_outputs(*paths, node=name), password=PASSWORD, **faults))


def known_hosts(tmp_path: Path, *nodes: FakeNode) -> Path:
    path = tmp_path / "known_hosts"
    path.write_text("".join(n.known_hosts_line() for n in nodes))
    return path


def collect(tmp_path: Path, nodes: list[FakeNode], *extra: str, known: Path | None = None):
    known = known or known_hosts(tmp_path, *nodes)
    out = tmp_path / "bundle"
    status, stdout, stderr = run_cli("collect", *[f"127.0.0.1:{n.port}" for n in nodes], "-o", out,
                                     "--known-hosts", known, *FAST, *extra)
    record = json.loads((out / "collect.json").read_text()) if (out / "collect.json").exists() else None
    return status, stdout, stderr, out, record


def answer(document: dict) -> dict:
    """What the analysis decides per node, without the file names of the evidence."""
    return {
        n["node"]: {
            "product": n["product"],
            "zombie_count": n["zombie_count"],
            "zombies": sorted((z["pid"], z["ppid"], z["command"]) for z in n["zombies"]),
            "groups": [(g["ppid"], g["service"], g["action"], g["command"], g["impact"])
                       for g in n["groups"]],
            "next_step": (n["next_step"]["action"], n["next_step"]["command"]),
        }
        for n in document["nodes"]
    }


def test_three_nodes_at_once_analyze_to_the_sample_answer(cluster, tmp_path):
    names = ("cucm-pub", "cucm-sub1", "imp-pub")
    nodes = [node(cluster, CLUSTER, name=name, start_delay=0.3, keyboard_interactive=name == "imp-pub")
             for name in names]
    status, stdout, _err, out, record = collect(tmp_path, nodes)
    assert status == 0, stdout
    assert [h["state"] for h in record["hosts"]] == ["complete"] * 3
    # the bundle reads as it is, and decides what the customer's own zip decides
    collected = analyze(load(str(out)))
    assert answer(collected) == answer(analyze(load(str(CLUSTER))))
    assert answer(collected)["cucm-sub1"]["next_step"] == ("restart_service",
                                                          "utils service restart Cisco AMC Service")
    for fake in nodes:
        assert fake.received == EXPECTED  # paging off first, then only the allow-list
        assert set(fake.received) <= collect_module.SENDABLE
    folder = out / f"127.0.0.1_{nodes[1].port}"
    listing = (folder / "show_process_list_detail.txt").read_text()
    assert listing.startswith("admin:show process list detail\nUID ")
    assert (folder / "show_process_load.txt").read_text().count("admin:show process load\n") == 2
    # the sample has no `show version active`: the fake CLI refuses it, which is recorded, not hidden
    version = next(c for c in record["hosts"][1]["commands"] if c["command"] == "show version active")
    assert (version["state"], version["reason"]) == ("refused", "Executed command unsuccessfully")
    assert "refused by the CLI: `show version active`" in stdout
    host = record["hosts"][1]
    assert host["host_key"]["status"] == "known" and host["host_key"]["fingerprint"].startswith("SHA256:")
    assert record["schema"] == "ucnb.collect/1" and record["ucnb_version"]
    assert f"next: ucnb analyze {out}" in stdout


def test_single_node_bundle_analyzes_like_the_worked_example(cluster, tmp_path):
    fake = node(cluster, EX1)
    status, _out, _err, out, record = collect(tmp_path, [fake], "--samples", "1")
    assert status == 0
    assert answer(analyze(load(str(out)))) == answer(analyze(load(str(EX1))))
    states = {c["command"]: c["state"] for c in record["hosts"][0]["commands"]}
    assert states["show process list"] == "complete" and states["show network cluster"] == "refused"


@pytest.mark.parametrize("jobs", [1, 4])
def test_concurrency_is_bounded(cluster, tmp_path, jobs):
    nodes = [node(cluster, EX1, output_delay=0.05) for _ in range(3)]
    status, *_rest = collect(tmp_path, nodes, "--jobs", str(jobs), "--samples", "1")
    assert status == 0
    assert cluster.max_active == min(jobs, 3)
    assert [n.received[0] for n in nodes] == ["set cli pagination off"] * 3


def test_load_snapshots_are_spaced_by_the_interval_and_progress_is_reported(cluster, tmp_path):
    fake = node(cluster, EX1)
    lines: list[str] = []
    known = str(known_hosts(tmp_path, fake))
    options = collect_module.CollectOptions(samples=3, interval=0.4, known_hosts=known, prompt_timeout=2,
                                            command_timeout=2)
    target = collect_module.parse_target(f"127.0.0.1:{fake.port}", 22)
    result = collect_run.collect([target], str(tmp_path / "out"), options, PASSWORD, lines.append)
    assert result.exit_status == 0
    # timed at the fake's end: allow some network jitter
    loads = [t for c, t in zip(fake.received, fake.received_at, strict=True) if c == "show process load"]
    assert len(loads) == 3 and all(b - a > 0.35 for a, b in zip(loads, loads[1:], strict=False))
    label = f"127.0.0.1:{fake.port}"
    assert lines[0] == f"{label}: connecting" and lines[-1] == f"{label}: complete"
    ran = [line.split(": ")[1] for line in lines if re.search(r" \d+ lines? in ", line)]
    assert ran == collect_module.plan_commands(3)  # one line per command


def test_a_collector_that_forgets_paging_off_meets_the_pager(cluster, tmp_path, monkeypatch):
    monkeypatch.setattr("ucnb.collect.ssh.SESSION_SETUP", ())
    fake = node(cluster, EX1)
    status, stdout, _err, out, record = collect(tmp_path, [fake])
    host = record["hosts"][0]
    assert status == 1 and host["state"] == "partial" and host["failure"] == "paged"
    assert "paged `show status`" in host["reason"]
    assert PAGER in (out / f"127.0.0.1_{fake.port}" / "show_status.txt").read_text()


@pytest.mark.parametrize("keyboard_interactive", [False, True])
def test_wrong_password_fails_that_host_only(cluster, tmp_path, keyboard_interactive):
    good = node(cluster, EX1)
    bad = cluster.add(FakeNode(sample_outputs(EX1), password="another one",
                               keyboard_interactive=keyboard_interactive))
    status, stdout, _err, out, record = collect(tmp_path, [good, bad], "--samples", "1")
    assert status == 1
    assert [h["state"] for h in record["hosts"]] == ["complete", "failed"]
    assert record["hosts"][1]["failure"] == "authentication"
    assert "authentication failed for user admin" in stdout
    assert bad.received == []


@pytest.mark.parametrize("accept_new", [False, True])
def test_a_changed_host_key_is_always_refused(cluster, tmp_path, accept_new):
    fake = node(cluster, EX1)
    import asyncssh

    old = tmp_path / "old_known_hosts"
    old.write_text(fake.known_hosts_line(asyncssh.generate_private_key("ssh-ed25519")))
    extra = ["--accept-new"] if accept_new else []
    status, stdout, _err, _out, record = collect(tmp_path, [fake], *extra, known=old)
    host = record["hosts"][0]
    assert status == 1 and host["state"] == "failed" and host["failure"] == "host_key_changed"
    assert host["host_key"]["status"] == "changed"
    assert "host key CHANGED" in stdout and fake.received == []
    assert old.read_text().count("\n") == 1  # nothing added


def test_an_unknown_host_key_needs_accept_new(cluster, tmp_path):
    fake = node(cluster, EX1)
    empty = tmp_path / "known_hosts"
    status, stdout, _err, _out, record = collect(tmp_path, [fake], known=empty)
    assert status == 1 and record["hosts"][0]["failure"] == "host_key_unknown"
    assert "--accept-new" in stdout and fake.received == [] and not empty.exists()

    out = tmp_path / "second"
    status, stdout, _err = run_cli("collect", f"127.0.0.1:{fake.port}", "-o", out, "--known-hosts", empty,
                                   "--accept-new", *FAST, "--samples", "1")
    record = json.loads((out / "collect.json").read_text())
    assert status == 0 and record["options"]["accept_new"] is True
    assert record["hosts"][0]["host_key"]["status"] == "accepted_new"
    assert empty.read_text() == fake.known_hosts_line()  # remembered: a later change is refused


def test_a_node_that_never_shows_the_prompt(cluster, tmp_path):
    fake = node(cluster, EX1, never_prompt=True)
    status, stdout, _err, _out, record = collect(tmp_path, [fake])
    host = record["hosts"][0]
    assert status == 1 and (host["state"], host["failure"]) == ("failed", "cli_not_ready")
    assert "CLI not ready: no admin: prompt within 1 s" in stdout and fake.received == []


def test_a_connection_dropped_half_way_through_the_listing(cluster, tmp_path):
    fake = node(cluster, CLUSTER, name="cucm-sub1", drop_in="show process list detail")
    status, stdout, _err, out, record = collect(tmp_path, [fake])
    host = record["hosts"][0]
    assert status == 1 and (host["state"], host["failure"]) == ("partial", "dropped")
    states = [(c["command"], c["state"]) for c in host["commands"]]
    assert states[-1] == ("show process list detail", "partial")  # nothing after the drop
    listing = (out / f"127.0.0.1_{fake.port}" / "show_process_list_detail.txt").read_text()
    assert listing.rstrip().endswith(f"{collect_module.CUT_MARK} (connection dropped during "
                                     "`show process list detail`)")
    assert 100 < listing.count("\n") < 200  # half of the listing's 256 lines is kept
    # ucnb analyze says the capture was cut short
    status, text, _err = run_cli("analyze", out)
    assert status == 0 and "cut short" in text


def test_a_very_slow_node_times_out_per_command(cluster, tmp_path):
    fake = node(cluster, EX1, output_delay=1.5)
    status, stdout, _err, _out, record = collect(tmp_path, [fake], "--command-timeout", "0.5")
    host = record["hosts"][0]
    assert status == 1 and (host["state"], host["failure"]) == ("partial", "timeout")
    assert "timeout: `show status` did not finish within 0.5 s" in host["reason"]
    assert fake.received == ["set cli pagination off", "show status"]  # nothing typed into a busy CLI


def test_the_password_appears_nowhere(cluster, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    nodes = [node(cluster, EX1), cluster.add(FakeNode(sample_outputs(EX1), password="other")),
             node(cluster, CLUSTER, name="imp-pub", drop_in="show process list detail"),
             node(cluster, EX1, never_prompt=True)]
    status, stdout, stderr, out, record = collect(tmp_path, nodes)
    assert status == 1
    texts = [stdout, stderr, caplog.text, json.dumps(record), repr(record)]
    texts += [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    assert caplog.records  # asyncssh did log (at debug level): the search is not empty-handed
    assert all(PASSWORD not in text for text in texts)
    from ucnb.collect.ssh import Secret

    secret = Secret(PASSWORD)
    assert PASSWORD not in repr(secret) and PASSWORD not in f"{secret}"
    assert secret.scrub(f"error near {PASSWORD}!") == "error near <password>!"


def test_usage_errors_exit_2(tmp_path, monkeypatch):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    monkeypatch.delenv("NO_SUCH_VAR", raising=False)
    for args in (["collect", "-o", tmp_path / "a"], ["collect", "h1"],
                 ["collect", "h1", "-o", tmp_path / "full"], ["collect", "bad host!", "-o", tmp_path / "b"],
                 ["collect", "h1:99999", "-o", tmp_path / "c"], ["collect", "h1", "--samples", "0"],
                 ["collect", "h1", "-o", tmp_path / "e", "--connect-timeout", "0"],
                 ["collect", "h1", "-o", tmp_path / "f", "--interval", "-1"],
                 ["collect", "h1", "-o", tmp_path / "d", "--password-env", "NO_SUCH_VAR"]):
        status, _out, err = run_cli(*args)
        assert status == 2 and err.startswith("ucnb: error:"), (args, err)
    assert not (tmp_path / "d").exists()


def test_print_commands_is_the_same_plan(tmp_path):
    status, text, _err = run_cli("collect", "--print-commands", "--samples", "3", "--interval", "30")
    assert status == 0
    block = text.split("\n\n")[1]  # between the heading and how to save the log
    typed = [line.strip() for line in block.splitlines() if not line.strip().startswith("(")]
    assert typed == ["set cli pagination off", *collect_module.plan_commands(3)]  # pasteable: no `admin:`
    assert "admin:show" not in text
    assert text.count("(wait until 30 s after the previous show process load)") == 2
    assert "PuTTY" in text and "SecureCRT" in text and "| tee" in text


def test_hosts_file_and_folders(tmp_path):
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("# the cluster\ncucm-pub\n\n10.1.1.5:2222  # sub\n[fe80::1]:22\n")
    names = collect_module.read_hosts_file(str(hosts))
    targets = collect_module.assign_folders(collect_module.parse_targets(names + ["10.1.1.5"], 22))
    assert [(t.label, t.folder) for t in targets] == [
        ("cucm-pub", "cucm-pub"), ("10.1.1.5:2222", "10.1.1.5_2222"), ("[fe80::1]", "fe80__1"),
        ("10.1.1.5", "10.1.1.5")]


def test_a_bug_on_one_host_is_that_host_s_failure_without_the_password(cluster, tmp_path, monkeypatch):
    import ucnb.collect.ssh as ssh

    real = ssh.collect_host
    fakes = [node(cluster, EX1), node(cluster, EX1)]

    async def buggy(target, record, *args):
        if target.port == fakes[1].port:
            raise RuntimeError(f"boom with {PASSWORD}")
        await real(target, record, *args)

    monkeypatch.setattr(ssh, "collect_host", buggy)
    status, stdout, _err, _out, record = collect(tmp_path, fakes, "--samples", "1")
    assert status == 1 and [h["state"] for h in record["hosts"]] == ["complete", "failed"]
    assert record["hosts"][1]["reason"] == "internal error: RuntimeError: boom with <password>"
    assert PASSWORD not in stdout


def test_an_endless_output_is_cut_at_the_size_cap(cluster, tmp_path, monkeypatch):
    monkeypatch.setattr("ucnb.collect.ssh.MAX_OUTPUT", 5000)
    fake = node(cluster, EX1, endless_in="show status")
    status, _out, _err, out, record = collect(tmp_path, [fake])
    host = record["hosts"][0]
    assert status == 1 and (host["state"], host["failure"]) == ("partial", "oversize")
    text = (out / f"127.0.0.1_{fake.port}" / "show_status.txt").read_text()
    assert text.rstrip().endswith("(`show status` gave more than 5,000 characters of output)")
    assert 5000 < len(text) < 5000 + 70000  # stopped after at most one more read


def test_the_fake_answers_unknown_commands_as_the_cli_does(cluster, tmp_path):
    """The fake is only worth its tests if it behaves like the CLI: check it directly."""
    import asyncio

    import asyncssh

    fake = node(cluster, EX1)

    async def talk() -> list[str]:
        async with asyncssh.connect("127.0.0.1", fake.port, username="admin", password=PASSWORD,
                                    known_hosts=None) as conn:
            process = await conn.create_process(term_type="vt100")
            answers, buffer = [], ""
            while not buffer.endswith("admin:"):  # the banner, then the first prompt
                buffer += await process.stdout.read(65536)
            for line in ("show no such thing", "frobnicate", "show status"):
                process.stdin.write(line + "\n")
                buffer = ""
                while not buffer.endswith(("admin:", PAGER)):
                    buffer += await process.stdout.read(65536)
                answers.append(buffer)
            return answers

    unknown, invalid, paged = asyncio.run(asyncio.wait_for(talk(), 10))
    assert "Executed command unsuccessfully" in unknown and "Invalid command: frobnicate" in invalid
    assert "Host Name" in paged and paged.rstrip().endswith(PAGER)  # paging is on until turned off
    assert fake.received == ["show no such thing", "frobnicate", "show status"]


# --- issue 26 section 4: what real OpenSSH servers and hostile ones showed -----------------------


def test_crlf_line_ends_leave_no_stray_cr_and_count_every_line(cluster, tmp_path):
    fake = node(cluster, EX1, crlf=True)
    status, _out, _err, out, record = collect(tmp_path, [fake])
    assert status == 0, record
    for entry in record["hosts"][0]["commands"]:
        text = (out / entry["file"]).read_text()
        assert "\r" not in text, entry["file"]  # was: the last line of every file ended in `\r`
    status_entry = next(e for e in record["hosts"][0]["commands"] if e["command"] == "show status")
    lines = (out / status_entry["file"]).read_text().splitlines()
    assert status_entry["lines"] == len(lines) - 1  # every output line (was one short), the prompt aside


def test_a_fake_prompt_then_a_pause_shifts_no_output(cluster, tmp_path):
    """A readline CLI echoes a line when it reads it: an `admin:` printed early, then a pause, once made
    every file one command late while each was recorded complete."""
    fake = node(cluster, EX1, echo_on_read=True, fake_prompt_in="show status")
    status, _out, _err, out, record = collect(tmp_path, [fake])
    assert status == 0, record
    assert analyze(load(out))["nodes"][0]["zombie_count"] == 1  # the load file holds the load output
    version = (out / fake_folder(fake) / "show_version_active.txt").read_text()
    assert "Host Name" not in version  # not show status's output, late
    status_text = (out / fake_folder(fake) / "show_status.txt").read_text()
    assert "Host Name" in status_text
    entry = next(e for e in record["hosts"][0]["commands"] if e["command"] == "show status")
    assert "premature admin: prompt" in entry["reason"] and entry["lines"] > 10


def fake_folder(fake: FakeNode) -> str:
    return f"127.0.0.1_{fake.port}"


def test_a_server_printing_the_password_back_gets_it_masked(cluster, tmp_path):
    fake = node(cluster, EX1, echo_password=True)
    status, stdout, stderr, out, record = collect(tmp_path, [fake])
    assert status == 0, record
    everything = "".join(p.read_text() for p in out.rglob("*") if p.is_file()) + stdout + stderr
    assert PASSWORD not in everything
    assert "Last login password: <password>" in (out / fake_folder(fake) / "show_status.txt").read_text()


def test_failures_say_what_ssh_would_say(cluster, tmp_path, monkeypatch):
    import asyncssh

    fake = node(cluster, EX1)
    other = asyncssh.generate_private_key("ssh-rsa")
    known = tmp_path / "known_rsa"
    known.write_text(fake.known_hosts_line(other))  # an RSA key known, the node offers ED25519
    _s, _o, _e, _out, record = collect(tmp_path / "a", [fake], known=known)
    host = record["hosts"][0]
    assert host["failure"] == "host_key_changed" and host["host_key"]["algorithm"] == "ssh-ed25519"
    assert "holds RSA for this node, the node offers ED25519 key fingerprint is SHA256:" in host["reason"]
    empty = tmp_path / "empty_known"
    empty.write_text("")
    _s, _o, _e, _out, record = collect(tmp_path / "b", [fake], known=empty)
    assert "unknown host key (ED25519 key fingerprint is SHA256:" in record["hosts"][0]["reason"]
    monkeypatch.setenv("UCNB_TEST_PASSWORD", "wrong")
    (tmp_path / "c").mkdir()
    _s, _o, _e, _out, record = collect(tmp_path / "c", [fake])
    assert record["hosts"][0]["reason"] == "authentication failed for user admin (wrong password?)"
    expired = node(cluster, EX1, password_expired=True)
    monkeypatch.setenv("UCNB_TEST_PASSWORD", PASSWORD)
    (tmp_path / "d").mkdir()
    _s, _o, _e, _out, record = collect(tmp_path / "d", [expired])
    assert record["hosts"][0]["reason"].startswith("the password of admin has expired")


def test_no_password_and_a_refused_connection_are_named(cluster, tmp_path, monkeypatch):
    import socket

    fake = node(cluster, EX1)
    monkeypatch.setenv("HOME", str(tmp_path))  # no SSH keys of this machine's user
    out = tmp_path / "nopw"
    status, _o, _e = run_cli("collect", f"127.0.0.1:{fake.port}", "-o", out, "--known-hosts",
                             known_hosts(tmp_path, fake), "--connect-timeout", "5")
    record = json.loads((out / "collect.json").read_text())
    assert record["hosts"][0]["failure"] == "authentication"
    assert record["hosts"][0]["reason"].startswith("no password given for admin and no SSH key accepted")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "refused"
    run_cli("collect", f"127.0.0.1:{port}", "-o", out, "--known-hosts", known_hosts(tmp_path, fake), *FAST)
    reason = json.loads((out / "collect.json").read_text())["hosts"][0]["reason"]
    assert reason == "connection refused (no SSH server listening on that port?)"  # was "Connect call failed"


def test_ctrl_c_keeps_what_came_and_writes_collect_json(cluster, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    fake = node(cluster, EX1, endless_in="show process list detail")
    out = tmp_path / "bundle"
    command = [sys.executable, "-X", "faulthandler", "-m", "ucnb.cli", "collect", f"127.0.0.1:{fake.port}",
               "-o", str(out),
               "--known-hosts", str(known_hosts(tmp_path, fake)), *FAST[:-2], "--command-timeout", "60",
               "--password-env", "UCNB_TEST_PASSWORD",
               # generous: on a loaded machine a 1 s prompt wait ran out before the Ctrl-C came
               "--connect-timeout", "30", "--prompt-timeout", "30"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    deadline = time.monotonic() + 60
    while "show process list detail" not in fake.received and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the endless output is coming
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # where it hangs, for the failure
        process.send_signal(signal.SIGABRT)
        stdout, stderr = process.communicate(timeout=20)
        raise AssertionError(stderr.decode()[-3000:]) from None
    assert process.returncode == 130 and stderr.decode().endswith("ucnb: interrupted\n"), stderr
    record = json.loads((out / "collect.json").read_text())  # was: none, the listing in progress lost
    (host,) = record["hosts"]
    assert host["state"] == "partial" and host["failure"] == "interrupted"
    entry = host["commands"][-1]
    assert entry["command"] == "show process list detail" and entry["state"] == "partial"
    text = (out / entry["file"]).read_text()
    assert len(text.splitlines()) == entry["lines"] + 2 and text.count("x" * 79) > 10  # what came, marked
    assert "ucnb collect: output cut short (the collection was interrupted (Ctrl-C)" in text
