"""Every fleet test scans with its own cache (never the kit's shared one, never another test's)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def own_scan_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path_factory.mktemp("scan-cache") / "scan.sqlite"
    monkeypatch.setattr("ucnb.fleet.scan.default_cache", lambda: str(cache))
    return cache
