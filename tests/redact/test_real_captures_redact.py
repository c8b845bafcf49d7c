"""Redaction never changes the diagnosis, on the published real captures too: each capture's
redacted copy is analysed and compared with the original (zombies, parents, services, actions); and
no token of a capture that the allow-list does not keep reaches its redacted report."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_captures import REAL_CAPTURES
from redact_marks import Marks
from test_redact_diagnosis import assert_same_diagnosis
from test_redact_marked import assert_no_marker

import ucnb
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


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_a_real_capture_report_quotes_no_input_token_past_the_allow_list(
    capture: Path, tmp_path: Path
) -> None:
    """Every token of the capture that the allow-list does not keep is a marker (`redact_marks`): none
    comes out of its redacted report, in any format, for either audience."""
    try:
        bundle = ucnb.load(Marks().copy(capture, tmp_path / "marked"))
    except InputError as error:  # not a capture ucnb reads: no report
        pytest.skip(str(error))
    assert_no_marker(bundle, None, capture.name)
