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
