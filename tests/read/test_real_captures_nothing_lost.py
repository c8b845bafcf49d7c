"""Nothing lost on the published real captures (../shared/real-captures/): every line is accounted
for as in tests/read/test_nothing_lost.py, and no `<defunct>` line is lost. Captures of `show process
load`, `utils service list` and the identity commands (01, 02, 09, 13, 14, 26, 33) are read by the
parsers of parse-top's part of issue 11: the accounting must hold for them too.

Not collected when the folder is absent (the root conftest.py says so in pytest's header)."""

from __future__ import annotations

import pytest
from real_captures import REAL_CAPTURES, real_capture
from test_nothing_lost import _line, _lines, assert_accounted

import ucnb
from ucnb.read.capture import SHELL_PROMPT, clean_line

REAL = sorted(p.name for p in REAL_CAPTURES.glob("*.txt"))


@pytest.mark.parametrize("name", REAL)
def test_every_line_of_every_real_capture_is_accounted_for(name: str) -> None:
    assert_accounted(real_capture(name))


@pytest.mark.parametrize("name", REAL)
def test_no_defunct_line_of_a_real_capture_is_lost(name: str) -> None:
    """A `<defunct>` line is a zombie row of a listing (joined wrapped rows included) or a load, or
    is listed as not understood with its file:line."""
    path = real_capture(name)
    text = path.read_text(errors="replace")
    if "<defunct>" not in text:
        return
    bundle = ucnb.load(path)
    found: set[int] = set()
    for node in bundle.nodes:
        for listing in node.listings:
            for source in listing.processes.loc[listing.processes["zombie"], "source"]:
                found.update(_lines(source))
        for snapshot in node.loads:
            found.update(_line(s) for s in snapshot.processes.loc[snapshot.processes["zombie"], "source"])
        found.update(_line(item.source) for item in node.unparsed)
    for number, line in enumerate(text.split("\n"), 1):
        if "<defunct>" in line and not SHELL_PROMPT.match(clean_line(line).strip()):
            assert number in found, (name, number, line)
