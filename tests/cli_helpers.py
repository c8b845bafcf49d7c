"""Running the `ucnb` command line in-process, as the tests of every face do."""

from __future__ import annotations

import io
import sys

from ucnb.cli import main


def run_cli(*args: object) -> tuple[int, str, str]:
    """`ucnb ARGS...` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        status = main([str(a) for a in args])
    finally:
        sys.stdout, sys.stderr = old
    return status, out.getvalue(), err.getvalue()
