"""`ucnb collect` against a real OpenSSH server (issue 26 section 4): `sshd` on 127.0.0.1, a free port,
its configuration, host key and client key in a temporary folder, a UCOS-like CLI
(tests/collect/ucos_shell.py) as its ForceCommand on a pseudo-terminal. Skipped without
/usr/sbin/sshd (.ci/run installs openssh-server)."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import run_cli
from fake_ucos import sample_outputs

from ucnb.diagnosis.diagnose import analyze
from ucnb.read.bundle import load

SSHD = "/usr/sbin/sshd"
HERE = Path(__file__).resolve().parent
EX1 = HERE.parents[1] / "sample_outputs" / "ex1_cucm_amc" / "before"
pytestmark = pytest.mark.skipif(not os.path.exists(SSHD) or shutil.which("ssh-keygen") is None,
                                reason="no OpenSSH server (apt-get install openssh-server)")


def _keygen(path: Path, kind: str = "ed25519") -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(path)], check=True, timeout=30)
    return Path(str(path) + ".pub").read_text().split()[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sshd:
    """One sshd, its folder and its port; `stop()` ends it (only it: by its own process id)."""

    def __init__(self, folder: Path, mode: str = "") -> None:
        self.folder, self.port = folder, _free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.host_key = _keygen(folder / "host_ed25519")
        home = folder / "home"
        (home / ".ssh").mkdir(parents=True)
        _keygen(home / ".ssh" / "id_ed25519")
        (folder / "authorized_keys").write_text((home / ".ssh" / "id_ed25519.pub").read_text())
        (folder / "outputs.json").write_text(json.dumps(sample_outputs(EX1)))
        command = f"{sys.executable} {HERE / 'ucos_shell.py'} {folder / 'outputs.json'} {mode}".strip()
        (folder / "sshd_config").write_text("\n".join([
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {folder / 'host_ed25519'}",
            f"PidFile {folder / 'sshd.pid'}", f"AuthorizedKeysFile {folder / 'authorized_keys'}",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
            "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password", "LogLevel ERROR",
            f"ForceCommand {command}", ""]))
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # its privilege separation folder
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(folder / "sshd_config")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.home = home
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd ended: {self.process.stderr.read().decode()[-500:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("sshd did not listen within 15 s")

    def known_hosts(self, key_line: str | None = None) -> Path:
        path = self.folder / "known_hosts"
        line = f"[127.0.0.1]:{self.port} ssh-ed25519 {self.host_key}\n"
        path.write_text(line if key_line is None else key_line)
        return path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def sshd(tmp_path, monkeypatch):
    server = Sshd(tmp_path / "sshd")
    monkeypatch.setenv("HOME", str(server.home))  # the client key asyncssh finds
    yield server
    server.stop()


def _collect(server: Sshd, out: Path, *extra: object) -> tuple[int, str, dict]:
    status, stdout, _err = run_cli("collect", f"127.0.0.1:{server.port}", "-o", out, "--user",
                                   getpass.getuser(), "--samples", "2", "--interval", "0",
                                   "--connect-timeout", "10", "--prompt-timeout", "10",
                                   "--command-timeout", "20", *extra)
    return status, stdout, json.loads((out / "collect.json").read_text())


@pytest.mark.timeout(120)
def test_a_real_sshd_gives_clean_files_that_analyze_to_the_sample(sshd, tmp_path):
    status, stdout, record = _collect(sshd, tmp_path / "bundle", "--known-hosts", sshd.known_hosts())
    (host,) = record["hosts"]
    assert status == 0 and host["state"] == "complete", (stdout, host)
    for entry in host["commands"]:
        text = (tmp_path / "bundle" / entry["file"]).read_text()
        assert "\r" not in text, entry["file"]  # the terminal's `\r\n`: once a stray `\r` on each last line
    status_entry = next(e for e in host["commands"] if e["command"] == "show status")
    text = (tmp_path / "bundle" / status_entry["file"]).read_text()
    assert status_entry["lines"] == len(text.splitlines()) - 1  # every line, the command's aside
    (node,) = analyze(load(tmp_path / "bundle"))["nodes"]
    (expected,) = analyze(load(EX1))["nodes"]
    assert [(g["ppid"], g["action"]) for g in node["groups"]] == [
        (g["ppid"], g["action"]) for g in expected["groups"]]


@pytest.mark.timeout(120)
def test_a_known_key_of_another_type_reads_as_a_changed_key(sshd, tmp_path):
    rsa = tmp_path / "other_rsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(rsa)], check=True,
                   timeout=60)
    blob = Path(str(rsa) + ".pub").read_text().split()[1]
    known = sshd.known_hosts(f"[127.0.0.1]:{sshd.port} ssh-rsa {blob}\n")
    status, _stdout, record = _collect(sshd, tmp_path / "bundle", "--known-hosts", known)
    (host,) = record["hosts"]
    assert status == 1 and host["failure"] == "host_key_changed", host["reason"]  # was: Connection lost
    assert "holds RSA for this node, the node offers ED25519 key fingerprint is SHA256:" in host["reason"]
    empty = sshd.known_hosts("")
    _status, _stdout, record = _collect(sshd, tmp_path / "bundle2", "--known-hosts", empty)
    reason = record["hosts"][0]["reason"]
    fingerprint = subprocess.run(["ssh-keygen", "-l", "-f", str(sshd.folder / "host_ed25519.pub")],
                                 capture_output=True, text=True, check=True, timeout=30).stdout.split()[1]
    assert f"unknown host key (ED25519 key fingerprint is {fingerprint})" in reason  # as `ssh` shows it
