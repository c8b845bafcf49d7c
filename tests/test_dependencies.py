"""Dependencies say what they are for: the package imports only what its groups declare, the runtime
group is what the core imports, and a command whose extra is missing says which one to install."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from ucnb.cli import EXTRAS

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc"

# The extras a part of the package (or of the kit's tools) may import besides the runtime group
# (module name or its prefix).
MAY_USE = {
    "ucnb.app": {"notebooks"},
    "ucnb.faces.draw": {"notebooks"},  # figure_to_image: an IPython Image, for notebooks only
    "ucnb.faces.widgets": {"notebooks"},
    "ucnb.faces.viewer": {"notebooks"},  # the capture viewer widget
    "ucnb.training": {"notebooks"},
    "ucnb.fleet": {"fleet"},
    "ucnb.collect": {"collect"},
    "tools": {"notebooks", "test"},  # run and strip the notebooks (`make notebooks`)
    "bench": {"fleet", "bench"},
}


def _groups() -> dict[str, set[str]]:
    """{group: distribution names}; the runtime dependencies are the group `runtime`."""
    declared = {"runtime": PROJECT["dependencies"], **PROJECT["optional-dependencies"]}
    return {group: {r.split("==")[0].lower() for r in requirements if "==" in r}
            for group, requirements in declared.items()}


def _third_party_imports(*folders: str) -> dict[str, dict[str, int]]:
    """{module: {imported top-level name: line}} for every import outside the standard library and the
    kit (ucnb, and the scripts beside each other in tools/ and bench/)."""
    found: dict[str, dict[str, int]] = {}
    paths = sorted(path for folder in folders or ("ucnb",) for path in (ROOT / folder).rglob("*.py"))
    for path in paths:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        scripts = () if module.startswith("ucnb") else (p.stem for p in path.parent.glob("*.py"))
        local = {"ucnb", "__future__", *scripts}
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(module, {}).setdefault(top, node.lineno)
    return found


def _allowed(module: str) -> set[str]:
    extras = {"runtime"}
    for prefix, groups in MAY_USE.items():
        if module == prefix or module.startswith(prefix + "."):
            extras |= groups
    return extras


@functools.cache
def _distributions() -> dict[str, list[str]]:
    return packages_distributions()  # reads every installed package's metadata: once


def _distribution(name: str) -> str:
    return _distributions()[name][0].lower()


def test_every_import_is_declared_in_a_group_the_module_may_use():
    groups = _groups()
    wrong = []
    for module, names in _third_party_imports("ucnb", "tools", "bench").items():
        for name, line in names.items():
            where = {group for group, dists in groups.items() if _distribution(name) in dists}
            if not where & _allowed(module):
                wrong.append(f"{module}:{line} imports {name} ({sorted(where) or 'undeclared'}; "
                             f"may use {sorted(_allowed(module))})")
    assert not wrong, "\n".join(wrong)


def test_each_allowance_is_used():
    groups, imports = _groups(), _third_party_imports("ucnb", "tools", "bench")
    for prefix, extras in MAY_USE.items():
        used = {_distribution(name) for module, names in imports.items()
                if module == prefix or module.startswith(prefix + ".") for name in names}
        for extra in extras:
            assert used & groups[extra], f"{prefix} imports nothing of the {extra!r} extra: drop it"


def test_runtime_is_what_the_package_imports():
    imported = {_distribution(name) for names in _third_party_imports().values() for name in names}
    assert _groups()["runtime"] <= imported, "a runtime dependency nothing in ucnb/ imports"
    for extra in ("fleet", "collect"):
        assert _groups()[extra] <= imported, f"a {extra!r} dependency nothing in ucnb/ imports"


def test_cli_extras_are_the_declared_ones():
    groups = _groups()
    for command, (extra, modules) in EXTRAS.items():
        assert {_distribution(name) for name in modules} <= groups[extra], command


def _run_without(modules: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    """`ucnb ARGS` in a fresh interpreter in which `modules` cannot be imported."""
    probe = ("import sys\n"
             f"for name in {modules!r}: sys.modules[name] = None\n"
             "from ucnb.cli import main\n"
             "sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=300)


def test_missing_extra_is_one_line_naming_it(tmp_path):
    cases = [(["asyncssh"], ["collect", "cucm-pub", "-o", str(tmp_path / "c")], "collect", "collect"),
             (["pebble"], ["scan", str(EX1), "-o", str(tmp_path / "f.csv")], "scan", "fleet"),
             (["tqdm"], ["scan", str(EX1), "-o", str(tmp_path / "f.csv")], "scan", "fleet")]
    for blocked, args, command, extra in cases:
        done = _run_without(blocked, *args)
        assert done.returncode == 2, done.stderr
        wanted = f"ucnb: error: {command} needs the '{extra}' extra: pip install 'ucnb[{extra}]'\n"
        assert done.stderr == wanted
    assert not [path.name for path in tmp_path.iterdir()]


def test_core_commands_need_no_extra(tmp_path):
    """With every extra's modules missing, the core commands still work."""
    blocked = sorted({name for name, dists in _distributions().items()
                      if not name.startswith("_")
                      and set(map(str.lower, dists)) & (_groups()["notebooks"] | _groups()["fleet"]
                                                        | _groups()["collect"])})
    assert {"IPython", "ipywidgets", "pebble", "distributed", "tqdm", "asyncssh"} <= set(blocked)
    before, after = str(EX1 / "before"), str(EX1 / "after")
    runs = [["inspect", before], ["analyze", before, "--json"], ["verify", before, after],
            ["report", before, "--after", after, "-o", str(tmp_path / "r.html")],
            ["report", before, "-o", str(tmp_path / "r.md")],
            ["report", before, "-o", str(tmp_path / "r.txt"), "--decision", "restart_service"],
            ["redact", before, "-o", str(tmp_path / "redacted")],
            ["practice", "--seed", "7", "-o", str(tmp_path / "practice")],
            ["collect", "--print-commands"]]
    probe = ("import sys\n"
             f"for name in {blocked!r}: sys.modules[name] = None\n"
             "from ucnb.cli import main\n"
             f"for args in {runs!r}:\n"
             "    status = main(args)\n"
             "    assert status == 0, (args, status)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
