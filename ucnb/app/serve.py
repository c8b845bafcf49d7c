"""Serve the workbench (`make app`, `python -m ucnb.app`): Voila on 127.0.0.1 with the case folder, and
idle kernels culled (each page view starts a kernel; a closed page left it running before).

    >>> cmd = voila_command(port=8866)
    >>> cmd[1:3], "--MappingKernelManager.cull_idle_timeout=900" in cmd
    (['notebooks/app.ipynb', '--no-browser'], True)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ucnb.app.cases import default_root

NOTEBOOK = "notebooks/app.ipynb"
CULL_IDLE_S = 900  # a kernel with no page and no activity for 15 minutes is shut down
CULL_INTERVAL_S = 60


def voila_command(
    *,
    port: int,
    notebook: str = NOTEBOOK,
    ip: str = "127.0.0.1",
    cull_idle_s: int = CULL_IDLE_S,
    cull_interval_s: int = CULL_INTERVAL_S,
) -> list[str]:
    """The Voila command line: the notebook, the address, the kernel culling."""
    voila = str(Path(sys.executable).with_name("voila"))
    return [
        voila,
        notebook,
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_s}",
        f"--MappingKernelManager.cull_interval={cull_interval_s}",
        "--MappingKernelManager.cull_connected=False",  # a page still open keeps its kernel
    ]


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """`python -m ucnb.app [--cases DIR] [--bundle PATH] [--tac] [--port N]`."""
    parser = argparse.ArgumentParser(prog="python -m ucnb.app", description="Serve the zombie workbench.")
    parser.add_argument("--cases", default="", help="the cases folder (default: in the user's data folder)")
    parser.add_argument("--bundle", default="", help="a case's folder or capture to open (under --cases)")
    parser.add_argument("--tac", action="store_true", help="TAC mode: TAC-only actions and the TAC report")
    parser.add_argument("--port", type=int, default=8866)
    options = parser.parse_args(argv)
    cases = Path(options.cases).expanduser().resolve() if options.cases else default_root()
    cases.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ, UCNB_CASES=str(cases), UCNB_BUNDLE=options.bundle, UCNB_TAC="1" if options.tac else ""
    )
    print(f"cases folder: {cases}", flush=True)
    command = voila_command(port=options.port)
    os.execve(command[0], command, env)  # never returns
