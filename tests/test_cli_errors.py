"""The command line's promises on bad input and interruptions (issue 16 item 3 and 7): exit 2 with one
`ucnb: error:` line pointing at the subcommand's help, exit 130 with one line on Ctrl-C at any
moment, messages of sane length, English plurals."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import run_cli as run

ROOT = Path(__file__).resolve().parents[1]
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"


@pytest.mark.parametrize(
    ("args", "pointer"),
    [
        (["analyze"], "(see `ucnb analyze --help`)"),
        (["inspect", "x", "--max-bytes", "lots"], "(see `ucnb inspect --help`)"),
        (["report", str(EX1)], "(see `ucnb report --help`)"),
        (["redact", str(EX1), "-o", "x", "--nope"], "arguments: --nope (see `ucnb redact --help`)"),
        (["frobnicate"], "(see `ucnb --help`)"),
    ],
)
def test_usage_errors_point_at_the_right_help(args, pointer):
    status, out, err = run(*args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("ucnb: error: ") and pointer in err, err


def test_a_huge_name_is_cut_in_the_error_line(tmp_path):
    status, _, err = run("inspect", tmp_path / ("n" * 5000))
    assert status == 2 and err.count("\n") == 1
    assert len(err) < 1100 and "characters ...]" in err and err.rstrip().endswith("(File name too long)")


def test_inspect_counts_read_as_english():
    status, out, _ = run("inspect", EX1)
    assert status == 0
    assert "(s)" not in out
    assert " 1 row " in out and "1 snapshot " in out and "256 rows" in out


def test_load_of_hostile_numbers_raises_only_input_error(tmp_path):
    """The library face: zero-padded and 5000-digit PIDs are read or reported, never a ValueError."""
    import ucnb

    text = (EX1 / "show_process_list_detail.txt").read_text()
    lines = text.replace("ccmserv+ 22908 29815", "ccmserv+ 0022908 029815").splitlines()
    huge = "ccmserv+ " + "9" * 5000 + " 29815  0 Nov18 ?        00:00:00 [sh] <defunct>"
    (tmp_path / "ps.txt").write_text("\n".join([*lines[:-1], huge, lines[-1]]) + "\n")  # before `admin:`
    bundle = ucnb.load(tmp_path / "ps.txt")
    pids = bundle.nodes[0].listing.processes["pid"].tolist()
    assert 22908 in pids and len(pids) == 256


# Python's own start-up (site, the venv's .pth files, finding the package) runs before any ucnb code: a
# Ctrl-C there is the interpreter's. `ucnb.cli` catches SIGINT in its first lines when it is the
# program; this copy of the installed `ucnb` script says "ready" once that module is loaded.
_SCRIPT = """import sys
from ucnb.cli import main
sys.stderr.write("ready\\n")
sys.stderr.flush()
sys.exit(main())
"""


def _interrupt_after(delay: float, args: list[str], script: Path) -> subprocess.CompletedProcess[str]:
    process = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None and process.stderr.readline() == "ready\n"
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


@pytest.mark.timeout(120)
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path):
    """From the imports (pandas, matplotlib) to writing the report: never a traceback."""
    args = ["report", str(EX1), "-o", str(tmp_path / "r.html")]
    script = tmp_path / "bin" / "ucnb"
    script.parent.mkdir()
    script.write_text(_SCRIPT)
    interrupted = []
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.9, 1.3):
        done = _interrupt_after(delay, args, script)
        if done.returncode == 0:  # finished before the signal: fine, and no later delay interrupts
            break
        assert done.returncode == 130, done.stderr
        assert done.stderr == "ucnb: interrupted\n", done.stderr
        interrupted.append(delay)
    assert len(interrupted) >= 3  # on a slow machine or a fast one, several moments were interrupted


# --- issue 26 section 3: one line and the right exit status ------------------------------------------


def _ucnb(*args: object, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """The real process (locale, descriptors and the interpreter's last flush are its own)."""
    import os

    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([sys.executable, "-m", "ucnb.cli", *map(str, args)], timeout=120, cwd=ROOT,
                          env={**os.environ, **(env or {})}, **streams)


def _non_ascii_node(tmp_path: Path) -> Path:
    node = tmp_path / "cücm-süb1"
    node.mkdir()
    for source in EX1.iterdir():
        (node / source.name).write_bytes(source.read_bytes().replace(b"cucm-sub1", "cücm-süb1".encode()))
    return node


@pytest.mark.parametrize("env", [{"LC_ALL": "C", "PYTHONUTF8": "0"}, {"PYTHONIOENCODING": "ascii"}])
def test_non_ascii_host_names_are_written_in_utf8_whatever_the_locale(tmp_path, env):
    done = _ucnb("analyze", _non_ascii_node(tmp_path), env=env)
    assert done.returncode == 0, done.stderr
    assert "== cücm-süb1 (CUCM) ==" in done.stdout.decode("utf-8")  # was: internal error: UnicodeEncodeError


def test_a_full_disk_or_a_closed_stdout_is_one_line_naming_the_output():
    with open("/dev/full", "wb") as full:
        done = _ucnb("analyze", "--json", EX1, stdout=full)
    assert done.returncode == 2
    assert done.stderr.decode() == "ucnb: error: cannot write to standard output: No space left on device\n"
    done = _ucnb("analyze", EX1, stdout=subprocess.DEVNULL, preexec_fn=lambda: __import__("os").close(1))
    assert done.returncode == 2 and done.stderr.decode() == (
        "ucnb: error: cannot write to standard output: it is closed\n")


def test_a_reader_that_leaves_ends_the_command_quietly(tmp_path):
    rows = "\n".join(f"root {100 + i:6d}     1  0 Oct09 ?        00:00:00 /bin/p{i}" for i in range(50_000))
    big = tmp_path / "big.txt"
    big.write_text("UID        PID  PPID  C STIME TTY          TIME CMD\n" + rows + "\n")
    process = subprocess.Popen([sys.executable, "-m", "ucnb.cli", "inspect", "--json", str(big)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.read(10)
    process.stdout.close()  # `| head -c 10`
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0 and err == b""


@pytest.mark.parametrize(("args", "says"), [
    (["analyze", EX1, "--pid-max", "0"], "--pid-max: '0' is not a whole number from 301 to 4,194,304"),
    (["analyze", EX1, "--pid-max", "-5"], "'-5' is not a whole number from 301"),
    (["analyze", EX1, "--pid-max", "9" * 5000], "'99999999"),
    (["scan", EX1, "-o", "x.csv", "--pid-max", "0"], "argument --pid-max: '0' is not a whole number"),
    (["inspect", EX1, "--max-members", "0"], "argument --max-members: '0' is not a whole number from 1"),
    (["inspect", EX1, "--max-bytes", "0"], "argument --max-bytes: not a size: '0'"),
    (["practice", "--seed", "-1", "-o", "x"], "argument --seed: '-1' is not a whole number from 0"),
    (["collect", "--print-commands", "--samples", "1000000000"],
     "argument --samples: '1000000000' is not a whole number from 1 to 1,440"),
    (["collect", "h", "-o", "x", "--jobs", "0"], "argument --jobs: '0' is not a whole number from 1 to 64"),
    (["collect", "h", "-o", "x", "--port", "70000"], "argument --port: '70000' is not a whole number"),
    (["collect", "h", "-o", "x", "--interval", "1e9"], "--interval: '1e9' is not a number of seconds"),
    (["collect", "--print-commands", "--known-hosts", "a", "--known-hosts", "b"],
     "--known-hosts given twice: give one file"),
])
def test_numbers_and_repeated_options_are_checked_by_the_argument_parser(args, says):
    status, out, err = run(*args)
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("ucnb: error: ") and says in err and len(err) < 300, err


def test_a_huge_uptime_is_not_read_and_verify_says_so_in_its_result(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    for folder in (before, after):
        folder.mkdir()
        for source in EX1.iterdir():
            text = source.read_text()
            if folder is after:
                text = text.replace(" up 41 days", " up 99999999999 days").replace("Nov 19", "Nov 21")
            (folder / source.name).write_text(text)
    status, out, err = run("verify", "--json", before, after)
    assert status == 0, err  # was: internal error: OverflowError
    import json

    (node,) = json.loads(out)["nodes"]
    assert node["rebooted"] is None  # no clock reading: not claimed either way


def test_report_inside_an_input_folder_is_refused(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for source in EX1.iterdir():
        (bundle / source.name).write_bytes(source.read_bytes())
    (tmp_path / "link").symlink_to(bundle)
    for target in (bundle / "report.html", tmp_path / "link" / "r.md"):
        status, out, err = run("report", bundle, "-o", target)
        assert status == 2 and "inside the input" in err and "write it outside the bundle" in err, err
    status, _, err = run("report", EX1, "--after", bundle, "-o", bundle / "r.txt")
    assert status == 2 and "inside the input" in err
    assert sorted(p.name for p in bundle.iterdir()) == sorted(p.name for p in EX1.iterdir())
    status, out, err = run("report", bundle, "-o", tmp_path / "report.html")
    assert status == 0, err


@pytest.mark.parametrize("option", ["--hosts", "--known-hosts"])
@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "huge"])
def test_collect_reads_only_regular_files_of_a_sane_size(tmp_path, option, kind, monkeypatch):
    import os

    pytest.importorskip("asyncssh")
    path = tmp_path / "input"
    if kind == "fifo":
        os.mkfifo(path)  # an open() without O_NONBLOCK waits for a writer forever
    elif kind == "device":
        path = Path("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"h\n" * (40 * 2**20))
    monkeypatch.setenv("UCNB_TEST_PASSWORD", "x")
    args = ["collect", "-o", tmp_path / "out", "--password-env", "UCNB_TEST_PASSWORD", option, path]
    status, out, err = run(*args, *(["h1"] if option == "--known-hosts" else []))
    assert status == 2 and err.count("\n") == 1 and f"ucnb: error: {option} {path}: " in err, err
    assert ("not a regular file" in err) if kind != "huge" else ("larger than" in err), err
    assert not (tmp_path / "out").exists()
