"""The floor plan in docs/internals.md is the package's: one row per folder of ucnb/, in the layer order
that import-linter checks (pyproject.toml)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = {"__init__", "data"}  # the facade and the package data: no layer


def _contract_layers() -> list[set[str]]:
    """The top-level layers contract, top first: each layer's folders and modules."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers" and c["containers"] == ["ucnb"]]
    return [{name.strip() for name in layer.split("|")} for layer in layers]


def _floor_plan() -> list[tuple[int, str]]:
    """(layer, name) per folder or module named in the floor plan's rows, top first."""
    rows = []
    for line in (ROOT / "docs" / "internals.md").read_text().splitlines():
        match = re.fullmatch(r"\| (\d+) \| ([^|]+) \|.*", line)
        if match:
            for name in re.findall(r"`([a-z_]+)(?:\.py|/)`", match.group(2)):
                rows.append((int(match.group(1)), name))
    return rows


def test_floor_plan_is_the_import_linter_order():
    rows = _floor_plan()
    numbers = [number for number, _ in rows]
    assert numbers == sorted(numbers, reverse=True), "rows from the top layer down"
    layers = [{name for number, name in rows if number == n} for n in sorted(set(numbers), reverse=True)]
    assert layers == _contract_layers()


def test_every_folder_has_a_row():
    present = {p.stem for p in (ROOT / "ucnb").iterdir()
               if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    assert {name for _, name in _floor_plan()} == present - OUTSIDE


DOCS = ["README.md", "CONTRIBUTING.md", "docs/internals.md", "docs/cli-contract.md"]


def _named(pattern: str) -> list[tuple[str, str]]:
    return [(doc, name) for doc in DOCS if (ROOT / doc).exists()
            for name in re.findall(pattern, (ROOT / doc).read_text())]


def test_paths_in_the_docs_exist():
    cited = _named(r"`((?:ucnb|tests|tools|bench|docs|notebooks)/[\w/.-]*)`")
    missing = [f"{doc}: {path}" for doc, path in cited if "<" not in path and not (ROOT / path).exists()]
    assert not missing, "\n".join(missing)


def test_dotted_names_in_the_docs_exist():
    import importlib

    missing = []
    for doc, name in _named(r"`(ucnb(?:\.\w+)+)(?![\w/])"):  # not a schema name (`ucnb.outcome/1`)
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                found: object = importlib.import_module(".".join(parts[:cut]))
                break
            except ImportError:
                continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute, None)
        if found is None:
            missing.append(f"{doc}: {name}")
    assert not missing, "\n".join(missing)
