"""Redaction never changes the diagnosis, on the published real captures too: each capture's
redacted copy is analysed and compared with the original (zombies, parents, services, actions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_captures import REAL_CAPTURES
from test_redact_diagnosis import assert_same_diagnosis

from ucnb.errors import InputError
from ucnb.redact.copy import redact_bundle_copy

CAPTURES = sorted(p for p in REAL_CAPTURES.glob("*") if p.is_file() and not p.name.startswith("README"))


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_a_redacted_real_capture_keeps_its_diagnosis(capture: Path, tmp_path: Path) -> None:
    try:
        copy = redact_bundle_copy([capture], tmp_path / "out")
    except InputError as error:  # not a capture ucnb reads: nothing to compare
        pytest.skip(str(error))
    assert_same_diagnosis(capture, tmp_path / "out", copy.redactor)
