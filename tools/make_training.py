"""Generate the training notebooks from one template, one papermill run per lesson.

    python tools/make_training.py            # rewrite notebooks/training/ex*.ipynb and practice.ipynb
    python tools/make_training.py --check    # exit 1 when a regeneration would change a file

`tools/training_template.ipynb` gets the lesson's parameters (`lesson`, `bundle_path` from
`ucnb/data/lessons.toml`; `lesson = "practice"` for practice.ipynb) in its `parameters` cell, is
executed with papermill in `notebooks/training/`, then cleaned like every notebook
(tools/run_notebooks.py: no widget state, no timings). `tools/run_notebooks.py` calls `generate`
for these notebooks, so `make notebooks` regenerates them too.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import sys
import tempfile
from pathlib import Path

import nbformat
from notebook_files import clean, write_or_check

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tools" / "training_template.ipynb"
TRAINING = ROOT / "notebooks" / "training"
PRACTICE = "practice.ipynb"


def targets() -> dict[Path, dict[str, object]]:
    """notebook path -> papermill parameters."""
    sys.path.insert(0, str(ROOT))
    from ucnb.training.lessons import load_lessons

    out: dict[Path, dict[str, object]] = {}
    for lesson in load_lessons().values():
        out[TRAINING / lesson.notebook] = {"lesson": lesson.id, "bundle_path": f"../../{lesson.bundle}"}
    out[TRAINING / PRACTICE] = {"lesson": "practice", "bundle_path": None}
    return out


def parameterized(template: nbformat.NotebookNode, parameters: dict[str, object]) -> nbformat.NotebookNode:
    """The template with the defaults of its `parameters` cell replaced by `parameters` (so the
    generated notebook can itself be run with papermill `-p` like any other)."""
    nb = copy.deepcopy(template)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    lines = cell.source.splitlines()
    for name, value in parameters.items():
        text = json.dumps(value) if isinstance(value, str) else repr(value)
        lines = [f"{name} = {text}" if line.split(" = ")[0] == name else line for line in lines]
    cell.source = "\n".join(lines)
    return nb


def generate(path: Path, *, timeout: int = 300) -> nbformat.NotebookNode:
    """The notebook at `path` made from the template with its parameters, cleaned (not written)."""
    import papermill

    nb = parameterized(nbformat.read(TEMPLATE, as_version=4), targets()[path.resolve()])
    logging.getLogger("papermill").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "template.ipynb", Path(tmp) / path.name
        nbformat.write(nb, source)
        papermill.execute_notebook(
            str(source), str(out), cwd=str(path.parent), kernel_name="python3",
            progress_bar=False, log_output=False, execution_timeout=timeout,
        )
        nb = nbformat.read(out, as_version=4)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return clean(nb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a file would change")
    args = parser.parse_args(argv)
    return write_or_check(targets(), generate, check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
