"""pyproject.toml and environment.yml describe one environment: same packages, same pins, same groups."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SELF = re.compile(r"ucnb\[([a-z,]+)\]")  # an extra made of other extras (`all`)


def _pyproject_groups() -> dict[str, dict[str, str]]:
    """{group: {package: pin}}; the runtime dependencies are the group `runtime`."""
    groups = {"runtime": list(PROJECT["dependencies"]), **PROJECT["optional-dependencies"]}
    pins: dict[str, dict[str, str]] = {}
    for group, requirements in groups.items():
        for requirement in requirements:
            if SELF.fullmatch(requirement):
                continue
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", requirement)
            assert match, f"pyproject.toml: {requirement!r} is not pinned with =="
            pins.setdefault(group, {})[match.group(1).lower()] = match.group(2)
    return pins


def _environment_groups() -> dict[str, dict[str, str]]:
    """The pins of environment.yml under their `# group` comments."""
    pins: dict[str, dict[str, str]] = {}
    group = None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        comment = re.fullmatch(r"\s*#\s*(\w+).*", line)
        if comment:
            group = comment.group(1)
        match = re.fullmatch(r"\s*-\s+([A-Za-z0-9_.-]+)\s*(==?)\s*([^\s#]+)\s*(#.*)?", line)
        if match and match.group(1) != "python":
            pins.setdefault(str(group), {})[match.group(1).lower()] = match.group(3)
    return pins


def test_environment_yml_matches_pyproject():
    assert _environment_groups() == _pyproject_groups()


def test_each_package_in_one_group():
    seen: dict[str, str] = {}
    for group, pins in _pyproject_groups().items():
        for name in pins:
            assert name not in seen, f"{name} is in both {seen[name]!r} and {group!r}"
            seen[name] = group


def test_all_is_every_extra_a_user_runs():
    extras = PROJECT["optional-dependencies"]
    assert extras["all"] == ["ucnb[notebooks,fleet,collect]"]
    assert set(extras) == {"notebooks", "fleet", "collect", "all", "test", "bench"}


def test_make_installs_every_group():
    assert "-e '.[all,test,bench]'" in (ROOT / "Makefile").read_text()


def test_python_baseline_agrees():
    assert PROJECT["requires-python"] == ">=3.11"
    assert re.search(r"^\s*- python=3\.11$", (ROOT / "environment.yml").read_text(), re.M)
