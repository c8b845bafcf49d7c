"""The `ucnb` command line: exit codes, one-line errors, JSON contract shapes."""

import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from cli_helpers import run_cli as run

ROOT = Path(__file__).resolve().parents[1]
PUTTY = ROOT / "tests" / "fixtures" / "capture" / "putty_two_sessions.log"




def assert_one_error_line(status: int, err: str, *fragments: str) -> None:
    assert status == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ucnb: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in err


def test_inspect_json_follows_the_contract():
    status, out, err = run("inspect", PUTTY, "--json")
    assert status == 0, err
    document = json.loads(out)
    assert document["schema"] == "ucnb.inspect/1"
    assert [n["node"] for n in document["nodes"]] == ["cucm-pub", "imp-pub"]
    pub = document["nodes"][0]
    assert pub["product"] == "CUCM"
    assert {"command": "show process load", "label": "show process load",
            "source": "putty_two_sessions.log:26-35", "rows": 3, "snapshots": 1} in pub["sections"]
    assert {"command": "show process list detail", "label": "show process list detail",
            "source": "putty_two_sessions.log:38-42", "rows": 4} in pub["sections"]
    imp = document["nodes"][1]
    assert imp["product"] == "IMnP"
    assert [u["source"] for u in imp["unparsed"]] == [f"putty_two_sessions.log:{n}" for n in (60, 61)]
    assert any("cut short" in w for w in imp["warnings"])
    for node in document["nodes"]:
        assert set(node) >= {"node", "product", "sections", "unparsed", "warnings"}


LINUX_PS = """UID        PID  PPID  C STIME TTY          TIME CMD
root         1     0  0 Dec01 ?        00:00:05 /sbin/init
root       200     1  0 Dec01 ?        00:00:00 /usr/bin/foo
root       201   200  0 Dec01 ?        00:00:00 [sh] <defunct>
"""
LINUX_AUX = """USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root         1  0.0  0.1 169000 13000 ?        Ss   Dec01   0:05 /sbin/init
root       201  0.0  0.0      0     0 ?        Z    Dec01   0:00 [sh] <defunct>
"""

LINUX_TOP = """top - 10:29:46 up 1 day,  2:03,  1 user,  load average: 0.00, 0.01, 0.05
Tasks: 100 total,   1 running,  98 sleeping,   0 stopped,   1 zombie
  PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND
    1 root      20   0  169000  13000   8000 S   0.0  0.1   0:05.00 systemd
  201 root      20   0       0      0      0 Z   0.0  0.0   0:00.00 sh
"""


def test_inspect_labels_a_linux_listing_by_what_it_is(tmp_path):
    """A `ps` listing is labelled as typed at the shell, or on a Linux host by its layout (`ps aux`)
    or program (`top`), in the text and in `label` of the JSON; `command` stays the canonical slot,
    and UC CLI outputs keep their labels."""
    (tmp_path / "typed.txt").write_text("user@host:~$ sudo ps -ef | grep -v grep\n" + LINUX_PS)
    (tmp_path / "aux.txt").write_text(LINUX_AUX)
    (tmp_path / "top.txt").write_text(LINUX_TOP)
    labels = {}
    for name in ("typed.txt", "aux.txt", "top.txt"):
        status, out, err = run("inspect", tmp_path / name, "--json")
        assert status == 0, err
        (node,) = json.loads(out)["nodes"]
        assert node["product"] == "linux"
        labels.update({s["source"].split(":")[0]: (s["command"], s["label"]) for s in node["sections"]})
        status, text, _ = run("inspect", tmp_path / name)
        shown = [line for line in text.splitlines()[1:] if not line.startswith("  warning:")]
        assert len(shown) == 1 and shown[0].startswith(f"  {node['sections'][0]['label']} ")
    assert labels == {
        "typed.txt": ("show process list detail", "sudo ps -ef | grep -v grep"),
        "aux.txt": ("show process list detail", "ps aux"),
        "top.txt": ("show process load", "top"),
    }
    status, out, _ = run("inspect", ROOT / "sample_outputs/ex1_cucm_amc/before", "--json")
    (node,) = json.loads(out)["nodes"]
    assert node["product"] == "CUCM" and all(s["label"] == s["command"] for s in node["sections"])


def test_missing_path(tmp_path):
    status, _, err = run("inspect", tmp_path / "nope")
    assert_one_error_line(status, err, "nope")


def test_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    status, _, err = run("inspect", tmp_path / "empty.txt")
    assert_one_error_line(status, err, "empty.txt", "empty")


def test_binary_file(tmp_path):
    (tmp_path / "core.bin").write_bytes(bytes(range(256)) * 64)
    status, _, err = run("inspect", tmp_path / "core.bin")
    assert_one_error_line(status, err, "core.bin", "binary")


def test_text_without_any_capture(tmp_path):
    (tmp_path / "notes.txt").write_text("Dear TAC,\nplease find attached the logs.\n")
    status, _, err = run("analyze", tmp_path / "notes.txt")
    assert_one_error_line(status, err, "notes.txt", "no UC CLI capture")


def test_corrupt_archive(tmp_path):
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cucm-pub/load.txt", PUTTY.read_bytes())
    (tmp_path / "bundle.zip").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    status, _, err = run("inspect", tmp_path / "bundle.zip")
    assert_one_error_line(status, err, "bundle.zip")


def test_archive_over_the_size_cap(tmp_path):
    with tarfile.open(tmp_path / "big.tgz", "w:gz") as archive:
        data = PUTTY.read_bytes() * 50
        info = tarfile.TarInfo("node/log.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    status, _, err = run("inspect", "--max-bytes", "64KiB", tmp_path / "big.tgz")
    assert_one_error_line(status, err, "big.tgz")


def test_bad_usage_is_one_line_too():
    status, _, err = run("inspect")
    assert_one_error_line(status, err)
    status, _, err = run("frobnicate")
    assert_one_error_line(status, err)


def test_real_process_exit_status_and_quick_start():
    """The installed console script: exit 2 and no traceback; `inspect` (text and --json, a terminal log
    and a node folder with top, listings and services) imports neither pandas nor the drawing and
    widget libraries, and its DataFrames are still there, typed, for whoever asks for them."""
    done = subprocess.run([sys.executable, "-m", "ucnb.cli", "inspect", "/nonexistent/x"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("ucnb: error: ")
    folder = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
    probe = (
        "import sys; from ucnb.cli import main\n"
        "for path in sys.argv[1:]:\n"
        "    assert main(['inspect', path]) == 0 and main(['inspect', '--json', path]) == 0\n"
        "bad = [m for m in ('pandas', 'matplotlib', 'ipywidgets', 'networkx') if m in sys.modules]\n"
        "print('imported:', bad, file=sys.stderr); sys.exit(3 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(PUTTY), str(folder)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    document = json.loads(subprocess.run([sys.executable, "-m", "ucnb.cli", "inspect", "--json", str(folder)],
                                         capture_output=True, text=True, check=True).stdout)
    counted = {section["command"]: section["rows"] for section in document["nodes"][0]["sections"]}
    import ucnb
    from ucnb.model.columns import LISTING_COLUMNS, LOAD_COLUMNS, SERVICE_COLUMNS

    node = ucnb.load(folder).nodes[0]
    listing = next(each for each in node.listings if each.command == "show process list detail")
    assert len(listing.processes) == counted["show process list detail"] > 0
    assert dict(listing.processes.dtypes.astype(str)) == LISTING_COLUMNS
    assert sum(len(snapshot.processes) for snapshot in node.loads) == counted["show process load"] > 0
    assert dict(node.loads[0].processes.dtypes.astype(str)) == LOAD_COLUMNS
    assert len(node.services) == counted["utils service list"] > 0
    assert dict(node.services.dtypes.astype(str)) == SERVICE_COLUMNS
    assert listing.processes is listing.processes  # built once, then kept


def test_version_is_read_when_asked():
    done = subprocess.run([sys.executable, "-m", "ucnb.cli", "--version"], capture_output=True, text=True)
    import ucnb

    assert done.returncode == 0 and done.stdout == f"ucnb {ucnb.__version__}\n"
    assert ucnb.__version__[0].isdigit()
