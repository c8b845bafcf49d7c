"""What tools/run_notebooks.py and tools/make_training.py share: `clean` (what is kept of an executed
notebook) and the one loop that writes made notebooks in place, or only checks that they are up to
date (`--check` exits 1 when a file would change)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from nbstripout import strip_output

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What `nbstripout` strips by default, plus papermill's per-cell metadata.
EXTRA_KEYS = [
    "metadata.signature",
    "metadata.widgets",
    "metadata.papermill",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
    "cell.metadata.papermill",
]


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip widget state, timings and cell ids; keep outputs and counts; drop widget views; join
    consecutive stream outputs (how a print is split into messages varies from run to run)."""
    strip_output(nb, keep_output=True, keep_count=True, keep_id=False, extra_keys=EXTRA_KEYS)
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if not data:
                    continue
            if kept and output.output_type == "stream" and kept[-1].output_type == "stream" \
                    and kept[-1].name == output.name:
                kept[-1].text += output.text  # one print may arrive in several messages
                continue
            kept.append(output)
        if cell.cell_type == "code":
            cell.outputs = kept
    return nb


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
