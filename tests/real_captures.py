"""Where the published real captures are read from (never copied into the project).

`../shared/real-captures/` beside the repository holds captures people published, verbatim, and a
README with what an engineer reading them concludes. Tests that use them skip, naming the path,
when the folder is absent (a fresh clone on its own).
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


def real_capture(name: str) -> Path:
    """The path of one real capture, or skip the test when the shared folder is absent."""
    path = REAL_CAPTURES / name
    if not path.is_file():
        pytest.skip(f"real capture not available: {path}")
    return path
