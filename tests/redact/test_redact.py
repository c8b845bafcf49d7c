"""Redaction: no original identifier survives, placeholders are stable, redacted bundles still work."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from cli_helpers import run_cli as run
from test_redact_diagnosis import assert_same_diagnosis

import ucnb
from ucnb.model.actions import WHO
from ucnb.redact.copy import redact_bundle_copy
from ucnb.redact.redactor import Redactor
from ucnb.report import render_report

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_outputs"
BEFORES = sorted(SAMPLES.glob("ex*/before")) + [SAMPLES / "cluster_cucm_imp.zip"]
CUSTOMER_USERS = {"admin", "administrator", "cucadmin", "adminsftp"}  # the samples' non-system accounts




def input_texts(path: Path) -> list[tuple[str, str]]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return [(n, archive.read(n).decode()) for n in archive.namelist() if not n.endswith("/")]
    return [(str(p.relative_to(path)), p.read_text()) for p in sorted(path.rglob("*")) if p.is_file()]


def identifiers(path: Path) -> set[str]:
    """Every host, domain, IP and customer user of the input, found independently of ucnb.redact.redactor."""
    found = set()
    for _, text in input_texts(path):
        found.update(re.findall(r"^Host Name\s*:\s*(\S+)", text, re.M))
        for ip, fqdn, host in re.findall(r"^(\d+\.\d+\.\d+\.\d+) (\S+) (\S+) ", text, re.M):
            found.update({ip, host, fqdn.split(".", 1)[1]})
        for user, host in re.findall(r"(\w+)@([\w.-]+)", text):
            if host != "pts":
                found.add(host.split(".")[0])
            if user in CUSTOMER_USERS:
                found.add(user)
        found.update(re.findall(r"(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w.-])", text))
        found.update(u for u in CUSTOMER_USERS if re.search(rf"(?<![\w.-]){u}(?![\w-])", text))
    return found


def leaks(text: str, originals: set[str]) -> list[str]:
    """Originals still present as whole words (the `admin:` CLI prompt is every node's, not a user; the
    action plan's "Customer administrator" is the kit's word for who acts, not a user of the input)."""
    text = text.replace(WHO["customer"], "")
    hits = []
    for original in sorted(originals):
        pattern = rf"(?<![\w.-]){re.escape(original)}(?![\w-])"
        if original == "admin":
            pattern += "(?!:)"
        flags = 0 if original in CUSTOMER_USERS else re.I  # user names are case-sensitive, DNS is not
        if re.search(pattern, text, flags):
            hits.append(original)
    return hits


@pytest.mark.parametrize("path", BEFORES, ids=lambda p: p.parent.name if p.name == "before" else p.name)
def test_redacted_report_leaves_no_identifier(path):
    originals = identifiers(path)
    assert originals  # each sample names at least its host
    bundle = ucnb.load(path)
    for fmt in ("md", "html"):
        out = render_report(bundle, fmt=fmt, redact=True)
        assert leaks(out.text, originals) == []
        for name in out.images:
            assert leaks(name, originals) == []
    assert "host-1" in out.text


@pytest.mark.parametrize("path", BEFORES, ids=lambda p: p.parent.name if p.name == "before" else p.name)
def test_redacted_copy_leaves_no_identifier_and_gives_the_same_diagnosis(path, tmp_path):
    originals = identifiers(path)
    copy = redact_bundle_copy([path], tmp_path / "out")
    for file in (tmp_path / "out").rglob("*"):
        assert leaks(str(file.relative_to(tmp_path / "out")), originals) == []
        if file.is_file():
            assert leaks(file.read_text(), originals) == [], file
    assert_same_diagnosis(path, tmp_path / "out", copy.redactor)  # zombies, parents, services, actions


def test_placeholders_are_stable_and_in_order_of_appearance(tmp_path):
    first = redact_bundle_copy([SAMPLES / "cluster_cucm_imp.zip"], tmp_path / "a").redactor
    second = redact_bundle_copy([SAMPLES / "cluster_cucm_imp.zip"], tmp_path / "b").redactor
    assert first.mapping == second.mapping
    # files are read sorted by name: cucm-pub/ first
    assert first.mapping["host"]["cucm-pub"] == "cucm-host-1"  # the product its name says, no more
    assert first.mapping["ip"]["10.10.20.11"] == "192.0.2.1"
    assert first.mapping["domain"]["corp.example.com"] == "domain-1.example"
    for a, b in zip(sorted((tmp_path / "a").rglob("*")), sorted((tmp_path / "b").rglob("*")), strict=True):
        assert a.relative_to(tmp_path / "a") == b.relative_to(tmp_path / "b")
        if a.is_file():
            assert a.read_bytes() == b.read_bytes()


def test_what_stays_and_what_goes():
    text = "\n".join(
        [
            "Host Name        : cucm-pub",
            "Product Ver      : 12.5.1.14900-4",
            "Unified OS Version : 7.0.0.0-4",
            "10.10.20.11 cucm-pub.corp.example.com cucm-pub Publisher callmanager DBPub authenticated",
            "root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/.sftp_batch.1 "
            "adminsftp@cucm-sub1.corp.example.com",
            "admin  2180  2179  3 09:11 pts/0  00:00:04 java -Dcli.user=admin -cp /x/cli.jar "
            "com.cisco.iptplatform.cli.CLI",
            "informix  1577  1  0 Oct09 ?  00:00:00 cmoninit; lo 127.0.0.1 mask 255.255.255.0 any 0.0.0.0",
            "eth0 fe80::250:56ff:fe9a:1b2c 2001:db8:aa::7 00:50:56:9a:1b:2c at 09:14:02",
            "admin:show status",
            "Broadcast message from root@cucm-pub (pts/0)",
        ]
    )
    redactor = Redactor.discover([text])
    out = redactor.text(text)
    for gone in (
        "cucm-pub",
        "cucm-sub1",
        "corp.example.com",
        "10.10.20.11",
        "adminsftp",
        "admin ",
        "user=admin",
        "fe80::250:56ff:fe9a:1b2c",
        "2001:db8:aa::7",
        "00:50:56:9a:1b:2c",
    ):
        assert gone not in out, gone
    for kept in (
        "12.5.1.14900-4",
        "7.0.0.0-4",
        "127.0.0.1",
        "255.255.255.0",
        "0.0.0.0",
        "informix",
        "root@cucm-host-1",
        "09:14:02",
        "com.cisco.iptplatform.cli.CLI",
        "/x/cli.jar",
        "admin:show status",
        "/tmp/.sftp_batch.1",
    ):
        assert kept in out, kept
    assert "user-1@cucm-host-2.domain-1.example" in out and "user-2  2180" in out
    assert "192.0.2.1 cucm-host-1.domain-1.example cucm-host-1 Publisher" in out


def test_truncated_user_names_share_the_placeholder():
    redactor = Redactor.discover(["sshd: administrator@pts/0", "adminis+ 12 x", "administ 13 y"])
    out = redactor.text("administrator adminis+ administ ccmserv+")
    assert out == "user-1 user-1+ user-1 ccmserv+"


def test_redact_refuses_to_write_into_the_input_or_a_full_folder(tmp_path):
    source = tmp_path / "case"
    source.mkdir()
    (source / "show_status.txt").write_text((SAMPLES / "ex1_cucm_amc/before/show_status.txt").read_text())
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in source.rglob("*") if p.is_file()}
    status, _, err = run("redact", source, "-o", source / "out")
    assert status == 2 and err.count("\n") == 1 and "inside the input" in err
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x")
    status, _, err = run("redact", source, "-o", full)
    assert status == 2 and err.count("\n") == 1 and "not empty" in err
    status, out, err = run("redact", source, "-o", tmp_path / "new")
    assert status == 0, err
    assert "1 host name" in out
    assert "host-1" in (tmp_path / "new" / "show_status.txt").read_text()
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in source.rglob("*") if p.is_file()}


def test_a_long_text_is_redacted_a_chunk_at_a_time_as_its_lines():
    redactor = Redactor.discover(["Host Name : cucm-pub"])
    line = "root 1775 1 0 03:15 ? /usr/bin/java -Xmx512m com.acme.Pay --server cucm-pub\n"
    assert redactor.strict(line * 30_000) == redactor.strict(line) * 30_000  # 2.3 MB: three chunks
