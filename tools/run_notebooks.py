"""Re-execute the notebooks in place, deterministically, with their outputs kept for nbval.

    python tools/run_notebooks.py                       # every notebook under notebooks/
    python tools/run_notebooks.py notebooks/01_triage.ipynb
    python tools/run_notebooks.py --check               # exit 1 when a re-run would change a file

Each notebook runs with nbclient in its own folder (kernel `python3`, like nbval), then is cleaned
with `nbstripout --keep-output --keep-count` semantics: widget state, timing metadata and random
cell ids go; outputs and execution counts stay. Widget views (`application/vnd.jupyter.widget-view+json`)
are dropped from the outputs: their model ids are random and the models are not stored, so they
would only show "model not found"; the widget's text repr stays. Same inputs -> same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
from make_training import generate, targets
from nbclient import NotebookClient
from notebook_files import clean, write_or_check

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
def execute(path: Path, *, timeout: int = 300, kernel: str = "python3") -> nbformat.NotebookNode:
    """The notebook at `path` executed in its folder and cleaned (not written)."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": kernel}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return clean(nb)


def notebooks(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p).resolve() for p in paths]
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks (default: every one under notebooks/)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a file would change")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args(argv)
    training = targets()

    def make(path: Path) -> nbformat.NotebookNode:
        # the training notebooks are made from one template (tools/make_training.py)
        made = generate if path in training else execute
        return made(path, timeout=args.timeout)

    return write_or_check(notebooks(args.paths), make, check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
