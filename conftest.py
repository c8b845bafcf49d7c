"""pytest at the repository root: the names that the docstring examples of `ucnb/` use.

`pytest` runs every module's examples (`--doctest-modules`, pyproject.toml). They read the first
worked example, `sample_outputs/ex1_cucm_amc/before` (one CUCM node, cucm-sub1, one zombie 22908 of
the AMC service 29815), from the repository root whatever the current folder.

The test modules that read `../shared/` (published real captures, other tools' fixtures) are not
collected when their folder is absent, and pytest's header says which and why: a fresh clone on its
own runs every other test with no skip (tests/real_captures.py; `UCNB_SHARED` names another folder).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.real_captures import NEEDS, absent
from ucnb.text import plural

ROOT = Path(__file__).resolve().parent
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"
MISSING = absent()
collect_ignore = [str(path.relative_to(ROOT)) for paths in MISSING.values() for path in paths]


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Where the shared folders were looked for, and what was not collected without them."""
    lines = []
    for folder, pattern in NEEDS.items():
        what = folder.name.replace("-", " ")
        if folder not in MISSING:
            lines.append(f"{what}: {folder} (tests/{pattern} collected)")
            continue
        modules = ", ".join(str(path.relative_to(ROOT)) for path in MISSING[folder]) or "none"
        lines.append(f"{what}: {folder} not found: {plural(len(MISSING[folder]), 'module')} not collected "
                     f"({modules})")
    return lines


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest, doctest_namespace: dict, monkeypatch: pytest.MonkeyPatch):
    """For doctests only: the current folder is the repository root, and `ucnb`, `bundle` (ex1),
    `listing` (its process listing), `g` (the listing's graph), `analysis` (its diagnosis, a
    `ucnb.model.findings.Analysis`) and `group` (the zombie group) are defined."""
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    import ucnb
    from ucnb.diagnosis.diagnose import diagnose
    from ucnb.model.graph import build_graph

    monkeypatch.chdir(ROOT)
    bundle = ucnb.load(EX1)
    analysis = diagnose(bundle)
    listing = bundle.nodes[0].listing
    doctest_namespace.update(ucnb=ucnb, bundle=bundle, listing=listing, g=build_graph(listing),
                             analysis=analysis, group=analysis.nodes[0].groups[0])
    yield
