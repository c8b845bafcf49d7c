"""Credentials are never echoed, redacted or not: a password in a command line, a URL, a JDBC string,
an environment dump, a terminal log or a decision's note appears in no output of any face (inspect and
analyze JSON and text, verify, every report format, the case note, the redacted copy)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_helpers import run_cli as run

import ucnb
from ucnb.read.secrets import MASK, mask_secrets
from ucnb.report import case_note, render_report

ROOT = Path(__file__).resolve().parents[2]
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
# (the command line of a process row, the secret it holds)
COMMANDS = [
    ("/usr/local/bin/dbtool --password Pa55-one --host db1", "Pa55-one"),
    ("/usr/local/bin/dbtool -password 'two words' --user x", "two words"),
    ("/usr/bin/java -Dcom.acme.jdbc.password=S3cr3t.three -Xmx256m -cp /x/a.jar com.cisco.A", "S3cr3t.three"),
    ("/usr/bin/java jdbc:informix-sqli://db:1526/ccm:informixserver=x;user=u;password=fo/ur;x=1", "fo/ur"),
    ("/usr/bin/curl -s https://svc:fi@ve/x@files.acme.de/get", "fi@ve/x"),
    ("/usr/bin/sftp svc6:six6six@10.1.2.3", "six6six"),
    ("/usr/bin/sshpass -p seven7seven /usr/bin/ssh admin@10.1.2.4", "seven7seven"),
    ("/usr/bin/plink -pw eight8eight admin@10.1.2.5", "eight8eight"),
    ("/usr/bin/mysql -u root -pnine9nine ccm", "nine9nine"),
    ("/usr/bin/env DB_PASSWORD=ten10ten API_TOKEN=eleven11 /bin/run", "ten10ten"),
    ("/usr/bin/env API_TOKEN=eleven11 /bin/run", "eleven11"),
    ("/usr/bin/snmpd --community=twelve12twelve", "twelve12twelve"),
]
LOG_LINES = [
    ("admin@cucm-sub1's password: thirteen13", "thirteen13"),
    ('{"user": "x", "password": "four teen"}', "four teen"),
    ("<credentials><password>fifteen15</password></credentials>", "fifteen15"),
    ("export PASSWORD=sixteen16", "sixteen16"),
]
NOTE_SECRET = "seventeen17"
SECRETS = [s for _, s in COMMANDS + LOG_LINES] + [NOTE_SECRET]


@pytest.mark.parametrize(("text", "secret"), COMMANDS + LOG_LINES)
def test_each_form_is_masked_and_the_rest_kept(text: str, secret: str) -> None:
    masked = mask_secrets(text)
    assert secret not in masked and MASK in masked
    assert masked.count("\n") == text.count("\n")
    assert masked[:12] == text[:12]  # the executable, the key stay


def test_no_false_alarm_on_plain_captures() -> None:
    for path in sorted(EX1.iterdir()):
        text = path.read_text()
        assert mask_secrets(text) == text, path.name


def bundle_with_secrets(folder: Path) -> Path:
    node = folder / "cucm-sub1"
    shutil.copytree(EX1, node)
    listing = node / "show_process_list_detail.txt"
    lines = listing.read_text().splitlines()
    rows = [f"admin    {31000 + i}     1  0 10:31 ?        00:00:00 {c}" for i, (c, _) in enumerate(COMMANDS)]
    listing.write_text("\n".join([*lines[:-1], *rows, lines[-1]]) + "\n")
    (node / "session.log").write_text("\n".join(text for text, _ in LOG_LINES) + "\nadmin:show status\n")
    return folder


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_no_face_echoes_a_credential(tmp_path: Path) -> None:
    path = bundle_with_secrets(tmp_path / "in")
    for args in (("inspect", "--json"), ("inspect",), ("analyze", "--json"), ("analyze",)):
        status, out, err = run(*args, path)
        assert status == 0, err
        assert leaks(out + err) == [], args
    status, out, err = run("verify", path, path, "--json")
    assert leaks(out + err) == []
    for suffix in ("md", "html", "txt"):
        target = tmp_path / f"report.{suffix}"
        for redact in ((), ("--redact",)):
            status, out, err = run("report", path, "-o", target, "--decision", "reboot", "--by",
                                   "jo", "--note", f"vpn password={NOTE_SECRET}", "--case", "C1", *redact)
            assert status == 0, err
            assert leaks(target.read_text() + out + err) == [], (suffix, redact)
    bundle = ucnb.load(path)
    decisions = [{"node": "cucm-sub1", "ppid": 1, "action": "reboot", "note": f"pwd: {NOTE_SECRET}"}]
    assert leaks(case_note(bundle, decisions=decisions)) == []
    assert leaks(render_report(bundle, fmt="md", decisions=decisions).text) == []
    status, out, err = run("redact", path, "-o", tmp_path / "copy")
    assert status == 0, err
    copied = "\n".join(p.read_text() for p in (tmp_path / "copy").rglob("*") if p.is_file())
    assert leaks(copied + out) == [] and MASK in copied
