"""Nothing lost: every non-blank line of every fixture and sample is accounted for, exactly once, as

- a data row (its `source` is in a parsed frame: processes, load rows, services),
- recognised by its parser (`recognised`: headers, summary and identity fields, chatter, wrapped tails),
- listed as unparsed (by the capture layer or a parser), or
- terminal noise removed by the capture layer (prompts, banners, pager prompts, ANSI-only lines).

And no defunct row is ever missing from `zombies`: also when the parent is absent, is PID 1, or the
listing has no PPID column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import ucnb
from ucnb.diagnosis.diagnose import analyze
from ucnb.model.results import Identity, Listing, LoadCapture, ServiceList
from ucnb.read.bundle import parse_section
from ucnb.read.capture import (
    BANNER,
    LOGGER_HEADER,
    LOGIN_NOISE,
    PROMPT,
    SHELL_PROMPT,
    VMWARE_BLOCK,
    clean_line,
    decode,
    read_capture,
)
from ucnb.read.parsers.commands import BY_NAME
from ucnb.read.parsers.listing import parse_listing
from ucnb.read.sources import read_sources

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*") if p.is_file() and p.suffix != ".json")
FILES += sorted(p for p in (ROOT / "sample_outputs").rglob("*") if p.is_file() and p.name != "README.md")
# The published real captures (../shared/real-captures/) are accounted for the same way in
# tests/read/test_real_captures_nothing_lost.py.


def _line(source: str) -> int:
    return int(source.rsplit(":", 1)[1])


def _lines(source: str) -> list[int]:
    """The line numbers of a `file:N` or `file:A-B` source (a row joined from wrapped lines)."""
    numbers = source.rsplit(":", 1)[1]
    first, _, last = numbers.partition("-")
    return list(range(int(first), int(last or first) + 1))


def row_sources(result: object) -> list[str]:
    if isinstance(result, Listing):
        return list(result.processes["source"])
    if isinstance(result, LoadCapture):
        return [s for snapshot in result.snapshots for s in snapshot.processes["source"]]
    if isinstance(result, ServiceList):
        return list(result.services["source"])
    return []


def is_noise(raw: str, previous: list[str]) -> bool:
    """A line the capture layer removes as a terminal artefact or session marker."""
    text = clean_line(raw).strip()
    if not text:
        return True
    if LOGGER_HEADER.match(text) or BANNER.match(text) or PROMPT.match(text) or LOGIN_NOISE.match(text):
        return True
    if SHELL_PROMPT.match(text):
        return True
    if text.startswith(VMWARE_BLOCK):
        return True
    if not text.replace(">", "").strip() or text.startswith("```"):  # a bare mail quote, a Markdown fence
        return True
    # the indented lines of a VMware Installation block
    for before in reversed(previous):
        cleaned = clean_line(before)
        if cleaned.strip() and not cleaned[:1].isspace():
            return cleaned.strip().startswith(VMWARE_BLOCK) and clean_line(raw)[:1].isspace()
    return False


def account(name: str, data: bytes, root: str) -> dict[int, list[str]]:
    """Line number -> how each non-blank raw line was accounted for (exactly one entry expected)."""
    from ucnb.read.sources import SourceFile

    src = SourceFile(name, root, data)
    text, _ = decode(src)  # line numbers count a lone CR of a CRLF file that is no overwrite
    raw = text.split("\n")
    capture = read_capture(src)
    found: dict[int, list[str]] = {}

    def add(number: int, how: str) -> None:
        found.setdefault(number, []).append(how)

    for item in capture.unparsed:
        add(_line(item.source), "capture unparsed")
    for section in capture.sections:
        before = section.first_line - 1  # a command typed on the line after a bare `admin:` prompt
        if section.typed and before >= 1 and clean_line(raw[before - 1]).strip() == section.typed:
            add(before, "typed command")
        parsed = parse_section(section)
        result = parsed.result
        # several rows may come from one line (services run together on a line): the line counts once
        for number in dict.fromkeys(n for source in row_sources(result) for n in _lines(source)):
            add(number, "row")
        if isinstance(result, dict):
            recognised = result.get("recognised", [])
        else:
            recognised = getattr(result, "recognised", [])
        for number in recognised:
            add(number, "recognised")
        for item in parsed.unparsed:
            add(_line(item.source), "unparsed")
        spec = BY_NAME.get(section.command)
        if spec is not None and spec.parse is None:
            for i, line in enumerate(section.lines):
                if line.strip():
                    add(section.first_line + i, "recognised output")
        if isinstance(result, Identity):
            assert not row_sources(result)
    for index, line in enumerate(raw):
        number = index + 1
        if line.strip() and number not in found and is_noise(line, raw[max(0, index - 50):index]):
            add(number, "noise")
    return found


def bundle_files(path: Path) -> list[tuple[str, bytes, str]]:
    return [(f.name, f.data, f.root) for f in read_sources([path]).files]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_line_is_parsed_recognised_noise_or_unparsed(path: Path) -> None:
    assert_accounted(path)


def assert_accounted(path: Path) -> None:
    """Every non-blank line of every file under `path` is accounted for exactly once."""
    for name, data, root in bundle_files(path):
        if not data.strip():
            continue
        from ucnb.read.sources import SourceFile

        text, _ = decode(SourceFile(name, root, data))
        lines = text.split("\n")
        non_blank = {i + 1 for i, line in enumerate(lines) if line.strip()}
        found = account(name, data, root)
        missing = sorted(non_blank - set(found))
        assert not missing, [(n, lines[n - 1]) for n in missing[:5]]
        twice = {n: hows for n, hows in found.items() if len(hows) > 1}
        assert not twice, [(n, hows, lines[n - 1]) for n, hows in list(twice.items())[:5]]
        assert set(found) <= non_blank | {n for n, hows in found.items() if hows == ["noise"]}


def test_the_accounting_catches_a_lost_line() -> None:
    """The test above can fail: a line the parser neither reads nor lists is reported missing."""
    lines = ["  PID  PPID STAT CMD", "    1     0 Ss   /sbin/init", "   22     1 Z    [sh] <defunct>"]
    result = parse_listing(lines, file="x")
    assert sorted([_line(s) for s in result.processes["source"]] + result.recognised) == [1, 2, 3]
    result.recognised.clear()  # what a parser that drops its header would give
    assert sorted(_line(s) for s in result.processes["source"]) == [2, 3]


# --- no defunct row is ever missing from `zombies` ---------------------------------------------

LISTINGS = {
    "parent missing": ["UID PID PPID C STIME TTY TIME CMD",
                       "root 1 0 0 Oct09 ? 00:00:01 /sbin/init",
                       "ccm 501 4242 0 Oct09 ? 00:00:00 [sh] <defunct>"],
    "parent is PID 1": ["UID PID PPID C STIME TTY TIME CMD",
                        "root 1 0 0 Oct09 ? 00:00:01 /sbin/init",
                        "ccm 502 1 0 Oct09 ? 00:00:00 [sh] <defunct>"],
    "PPID 0": ["UID PID PPID C STIME TTY TIME CMD",
               "root 503 0 0 Oct09 ? 00:00:00 [init] <defunct>"],
    "no PPID column (ps aux)": [
        "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND",
        "root 1 0.0 0.1 1000 100 ? Ss Oct09 0:01 /sbin/init",
        "ccm 504 0.0 0.0 0 0 ? Z Oct09 0:00 [sh] <defunct>",
        "ccm 505 0.0 0.0 0 0 ? Zs Oct09 0:00 [java]"],
    "state Z without <defunct>": ["  PID  PPID STAT CMD", "    1     0 Ss   /sbin/init",
                                  "  506     1 Z    [sh]"],
    "forest": ["  PID  PPID STAT CMD", "    1     0 Ss   /sbin/init",
               "  600     1 S     \\_ /usr/local/cm/bin/amc", "  507   600 Z         \\_ [sh] <defunct>"],
    "duplicate zombie pid": ["  PID  PPID STAT CMD", "    1     0 Ss   /sbin/init",
                             "  508     1 Z    [sh] <defunct>", "  508     1 Z    [sh] <defunct>"],
}


@pytest.mark.parametrize("name", list(LISTINGS))
def test_every_defunct_row_is_in_zombies(tmp_path: Path, name: str) -> None:
    path = tmp_path / "node1" / "ps.txt"
    path.parent.mkdir()
    path.write_text("\n".join(LISTINGS[name]) + "\n")
    bundle = ucnb.load(path.parent)
    result = analyze(bundle)["nodes"][0]
    frame = bundle.nodes[0].listing.processes
    defunct = frame[frame["zombie"]]
    assert len(defunct) >= 1
    assert sorted((z["pid"], z["source"]) for z in result["zombies"]) == sorted(
        (int(p), s) for p, s in zip(defunct["pid"], defunct["source"], strict=True))
    assert sum(len(g["zombie_pids"]) for g in result["groups"]) == len(result["zombies"])
    for zombie in result["zombies"]:
        assert f" {zombie['pid']} " in f" {path.read_text().splitlines()[_line(zombie['source']) - 1]} "


DEFUNCT_LINE = re.compile(r"<defunct>")


@pytest.mark.parametrize("path", [p for p in FILES if "sample_outputs" in str(p)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_defunct_line_of_a_sample_is_lost(path: Path) -> None:
    """Every `<defunct>` line of a sample is a zombie row of a listing (the diagnosed one's are in
    `zombies`) or a load row, or is listed as unparsed."""
    bundle = ucnb.load(path)
    analysis = analyze(bundle)
    rows: set[str] = set()
    for node, result in zip(bundle.nodes, analysis["nodes"], strict=True):
        for listing in node.listings:
            rows |= set(listing.processes.loc[listing.processes["zombie"], "source"])
        for snapshot in node.loads:
            rows |= set(snapshot.processes.loc[snapshot.processes["zombie"], "source"])
        rows |= {item.source for item in node.unparsed}
        if node.listing is not None:
            frame = node.listing.processes
            expected = set(frame.loc[frame["zombie"], "source"])
            assert {z["source"] for z in result["zombies"]} == expected
    for name, data, _ in bundle_files(path):
        for number, line in enumerate(data.decode("utf-8", "replace").split("\n"), 1):
            if DEFUNCT_LINE.search(line) and not PROMPT.match(clean_line(line).strip()):
                assert f"{name}:{number}" in rows, (name, number, line)


def test_dtypes_survive(tmp_path: Path) -> None:
    """`recognised` does not disturb the frames: the column dicts still hold."""
    from ucnb.model.columns import LISTING_COLUMNS

    result = parse_listing(LISTINGS["forest"], file="x")
    assert dict(result.processes.dtypes.astype(str)) == LISTING_COLUMNS
    assert isinstance(result.processes, pd.DataFrame)
