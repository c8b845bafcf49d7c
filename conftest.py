"""pytest at the repository root: the names that the docstring examples of `ucnb/` use.

`pytest` runs every module's examples (`--doctest-modules`, pyproject.toml). They read the first
worked example, `sample_outputs/ex1_cucm_amc/before` (one CUCM node, cucm-sub1, one zombie 22908 of
the AMC service 29815), from the repository root whatever the current folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
EX1 = ROOT / "sample_outputs" / "ex1_cucm_amc" / "before"


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest, doctest_namespace: dict, monkeypatch: pytest.MonkeyPatch):
    """For doctests only: the current folder is the repository root, and `ucnb`, `bundle` (ex1),
    `listing` (its process listing), `g` (the listing's graph), `analysis` (its `ucnb analyze`
    document) and `group` (the zombie group) are defined."""
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    import ucnb
    from ucnb.diagnosis import analyze
    from ucnb.graph import build_graph

    monkeypatch.chdir(ROOT)
    bundle = ucnb.load(EX1)
    analysis = analyze(bundle)
    listing = bundle.nodes[0].listing
    doctest_namespace.update(ucnb=ucnb, bundle=bundle, listing=listing, g=build_graph(listing),
                             analysis=analysis, group=analysis["nodes"][0]["groups"][0])
    yield
