"""Write made notebooks in place, or only check that they are up to date: the one loop of
tools/run_notebooks.py and tools/make_training.py (`--check` exits 1 when a file would change)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def write_or_check(paths: Iterable[Path], make: Callable[[Path], nbformat.NotebookNode], *,
                   check: bool) -> int:
    """`make(path)` for each path: written when its text differs from the file (not with `check`);
    one line per notebook ("changed" or "same", seconds). Returns 1 when `check` finds a change."""
    changed = []
    for path in paths:
        start = time.monotonic()
        text = nbformat.writes(make(path)) + "\n"
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if text != old:
            changed.append(str(name))
            if not check:
                path.write_text(text, encoding="utf-8")
        print(f"{name}: {'changed' if text != old else 'same'} ({time.monotonic() - start:.1f} s)")
    if check and changed:
        print("would change: " + ", ".join(changed), file=sys.stderr)
        return 1
    return 0
