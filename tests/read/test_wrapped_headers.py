"""A `ps` header that a mail or a terminal wrapped (issue 23's leftover): the command column's name, or
the last few names, alone on the next line. Every flavour is joined before reading, said in a warning,
and no header line is left unparsed. Fixtures of our own in tests/fixtures/paste/wrapped_header_*."""

from __future__ import annotations

from pathlib import Path

import pytest

import ucnb
from ucnb.read.capture import join_wrapped_headers

PASTE = Path(__file__).resolve().parents[1] / "fixtures" / "paste"


@pytest.mark.parametrize(("name", "lines", "zombies", "parent"), [
    ("mail_quoted_wrapped.txt", "4-5", [(8812, 2210), (8830, 2210)], "/usr/libexec/postfix/master -w"),
    ("wrapped_header_ps_elf_terminal.txt", "2-3", [(44871, 31022), (44902, 31022)],
     "/usr/sbin/exim -bd -q1h"),
    ("wrapped_header_ps_axfl_mail.txt", "2-3", [(7712, 640), (7730, 640)], "/usr/sbin/cron"),
    ("wrapped_header_two_words_mail.txt", "2-3", [(412, 1), (418, 1), (425, 1)], "node /srv/index.js"),
    ("wrapped_header_ps_aux_mail.txt", "6-7", [(51877, None), (51880, None)], None),
])
def test_a_wrapped_header_of_every_ps_flavour_is_joined_and_read(
        name: str, lines: str, zombies: list[tuple[int, int | None]], parent: str | None) -> None:
    bundle = ucnb.load(PASTE / name)
    [node] = bundle.nodes
    [analysis] = ucnb.diagnose(bundle).nodes
    assert sorted((z.pid, z.ppid) for z in analysis.zombies) == zombies
    assert [z.command.endswith("<defunct>") for z in analysis.zombies] == [True] * len(zombies)
    assert [g.parent_command for g in analysis.groups] == [parent]
    assert f"{name}: a wrapped `ps` header joined before reading (lines {lines})" in node.warnings
    first, second = (int(n) for n in lines.split("-"))
    unparsed = {u.source for u in node.unparsed}
    assert not {f"{name}:{first}", f"{name}:{second}"} & unparsed  # the header is read, not reported
    assert node.listing is not None and node.listing.source.startswith(f"{name}:{first}-")


def test_only_a_header_completed_by_the_next_line_is_joined() -> None:
    lines = [
        "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND",  # whole: left as it is
        "root 1 0.0 0.1 169432 11592 ? Ss Nov30 0:21 /sbin/init",
        "PID PPID STAT",  # no command column on the next line: not a wrapped header
        "7313 1 Ssl /usr/local/cm/bin/amc",
        "the PID and the PPID",  # prose, not a header
        "CMD",
        "  PID  PPID  STAT",  # a short line: nothing wraps there
        "CMD",
    ]
    before = list(lines)
    assert join_wrapped_headers("x", lines, range(len(lines))) == []
    assert lines == before


def test_a_top_header_is_never_joined_as_a_ps_header() -> None:
    lines = ["  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+", "COMMAND"]
    assert join_wrapped_headers("x", lines, [0]) == []
