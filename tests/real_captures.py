"""Where the published real captures are read from (never copied into the project).

`../shared/real-captures/` beside the repository holds captures people published, verbatim, and a
README with what an engineer reading them concludes; `../shared/peer-fixtures/` the fixtures of other
tools' test suites. The test modules that read them (`NEEDS`) are not collected when their folder is
absent (a fresh clone on its own): the root conftest.py leaves them out and says so in pytest's header.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# `UCNB_SHARED` names the shared folder when the checkout is not beside it (a git worktree elsewhere).
SHARED = Path(os.environ.get("UCNB_SHARED") or ROOT.parent / "shared")
REAL_CAPTURES = SHARED / "real-captures"
PEER_FIXTURES = SHARED / "peer-fixtures"
# The test modules that read each shared folder (under tests/).
NEEDS = {REAL_CAPTURES: "test_real_captures_*.py", PEER_FIXTURES: "test_peer_fixtures_*.py"}


def absent() -> dict[Path, list[Path]]:
    """Each shared folder that is absent -> the test modules that read it (not collected)."""
    tests = ROOT / "tests"
    return {folder: sorted(tests.rglob(pattern)) for folder, pattern in NEEDS.items() if not folder.is_dir()}


def real_capture(name: str) -> Path:
    """The path of one real capture; skip, naming it, when the folder is there without that file."""
    path = REAL_CAPTURES / name
    if not path.is_file():
        pytest.skip(f"real capture not available: {path}")
    return path
