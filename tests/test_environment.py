"""pyproject.toml and environment.yml describe one environment: same packages, same pins."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    pins = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", requirement)
        assert match, f"pyproject.toml: {requirement!r} is not pinned with =="
        pins[match.group(1).lower()] = match.group(2)
    return pins


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s*-\s+([A-Za-z0-9_.-]+)\s*(==?)\s*([^\s#]+)\s*(#.*)?", line)
        if match and match.group(1) != "python":
            pins[match.group(1).lower()] = match.group(3)
    return pins


def test_environment_yml_matches_pyproject():
    assert _environment_pins() == _pyproject_pins()


def test_python_baseline_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert re.search(r"^\s*- python=3\.11$", (ROOT / "environment.yml").read_text(), re.M)
