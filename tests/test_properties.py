"""Property-based tests over every face with MUTATED REAL SAMPLES (lines deleted, duplicated, swapped,
bytes flipped, control characters inserted, truncation). The only failure allowed is `InputError`;
the results keep their invariants:

- every `file:line` source names a file of the bundle and a line that exists in it;
- every defunct row of the diagnosed listing is in analyze's `zombies`, with its source; every zombie
  is in exactly one group, grouped by its PPID;
- `zombie_count` is the latest snapshot's zombie field, `zombie_trend` every snapshot's;
- verify, the text tree, the picture and the report are made without any other exception.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ucnb
from ucnb.diagnosis.diagnose import diagnose, groups_table
from ucnb.diagnosis.verify import compare
from ucnb.errors import InputError
from ucnb.faces.tree import format_analysis, format_verify
from ucnb.model.actions import VERDICTS
from ucnb.model.results import Bundle
from ucnb.read.bundle import inspect_json

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "sample_outputs").glob("ex*/before/*") if p.is_file())
SAMPLES += sorted((ROOT / "tests" / "fixtures").glob("*/*.txt"))
SAMPLES += sorted((ROOT / "tests" / "fixtures").glob("*/*.log"))
SOURCE = re.compile(r"^(?P<file>.+):(?P<first>\d+)(?:-(?P<last>\d+))?$")

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# --- mutations --------------------------------------------------------------------------------

CONTROLS = ["\x00", "\x07", "\x08", "\x1b", "\x1b[31m", "\x1b]0;x\x07", "\r", "\t", "\x0c", "\x7f", "\x9b",
            "\ufffd", "\u202e", "<defunct>", " Z ", "admin:", "PID", "\\_ "]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, bytes): a real sample with a few random mutations."""
    path = draw(st.sampled_from(SAMPLES))
    lines = path.read_bytes().split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "flip", "insert", "truncate", "blank"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "flip" and lines[i]:
            at = draw(st.integers(0, len(lines[i]) - 1))
            line = bytearray(lines[i])
            line[at] ^= 1 << draw(st.integers(0, 7))
            lines[i] = bytes(line)
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[i])))
            text = draw(st.sampled_from(CONTROLS)).encode()
            lines[i] = lines[i][:at] + text + lines[i][at:]
        elif kind == "truncate":
            cut = draw(st.integers(0, len(lines[i])))
            lines = lines[:i] + [lines[i][:cut]]
        elif kind == "blank":
            lines[i] = b""
    return path.name, b"\n".join(lines)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated")


def write(workdir: Path, name: str, data: bytes, sub: str = "case") -> Path:
    folder = workdir / sub
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_bytes(data)
    return folder


def load_or_none(path: Path) -> Bundle | None:
    try:
        return ucnb.load(path)
    except InputError as error:  # the only failure allowed
        assert str(error)
        return None


# --- invariants ---------------------------------------------------------------------------------


def line_counts(path: Path) -> dict[str, int]:
    """Lines as an editor counts them (Notepad++, VS Code): a lone CR ends a line too, as the reader
    numbers it in a CRLF file (with a warning)."""
    return {p.name: len(re.split(rb"\r\n|\r|\n", p.read_bytes())) for p in path.iterdir()}


def assert_source(source: str, lines: dict[str, int]) -> None:
    match = SOURCE.match(source)
    assert match, source
    assert match["file"] in lines, source
    first, last = int(match["first"]), int(match["last"] or match["first"])
    assert 1 <= first <= last <= lines[match["file"]], (source, lines)


def assert_inspect(bundle: Bundle, lines: dict[str, int]) -> None:
    document = json.loads(json.dumps(inspect_json(bundle)))
    for node in document["nodes"]:
        for section in node["sections"]:
            assert_source(section["source"], lines)
            assert section["rows"] >= 0
        for item in node["unparsed"]:
            assert_source(item["source"], lines)


def assert_analysis(bundle: Bundle, analysis: dict, lines: dict[str, int]) -> None:
    json.dumps(analysis)
    assert [n["node"] for n in analysis["nodes"]] == [n.name for n in bundle.nodes]
    for node, result in zip(bundle.nodes, analysis["nodes"], strict=True):
        latest = node.latest_load
        assert result["zombie_count"] == (latest.summary.zombie if latest else None)
        assert result["zombie_trend"] == [s.summary.zombie for s in node.loads]
        zombies = {(z["pid"], z["source"]) for z in result["zombies"]}
        if node.listing is not None:
            frame = node.listing.processes
            defunct = frame[frame["zombie"]]
            assert {(int(p), s) for p, s in zip(defunct["pid"], defunct["source"], strict=True)} == zombies
        else:
            assert not zombies
        grouped = sorted(pid for group in result["groups"] for pid in group["zombie_pids"])
        assert grouped == sorted(z["pid"] for z in result["zombies"])
        for zombie in result["zombies"]:
            assert_source(zombie["source"], lines)
            group = next(g for g in result["groups"] if zombie["pid"] in g["zombie_pids"])
            assert group["ppid"] == zombie["ppid"]
        ppids = [g["ppid"] for g in result["groups"]]
        assert ppids == sorted(ppids, key=lambda p: (p is None, p or 0))
        assert result["next_step"]["action"]


# --- the faces ----------------------------------------------------------------------------------


@pytest.mark.timeout(300)
@SETTINGS
@given(sample=mutated())
def test_inspect_and_analyze_keep_their_invariants(workdir: Path, sample: tuple[str, bytes]) -> None:
    folder = write(workdir, *sample)
    bundle = load_or_none(folder)
    if bundle is None:
        return
    lines = line_counts(folder)
    assert_inspect(bundle, lines)
    analysis = diagnose(bundle)
    assert_analysis(bundle, analysis.to_json(), lines)
    assert isinstance(format_analysis(analysis), str)
    groups_table(analysis).to_html()


@pytest.mark.timeout(300)
@SETTINGS
@given(before=mutated(), after=mutated())
def test_verify_keeps_its_invariants(workdir: Path, before: tuple[str, bytes],
                                     after: tuple[str, bytes]) -> None:
    first = load_or_none(write(workdir, *before, sub="before"))
    second = load_or_none(write(workdir, *after, sub="after"))
    if first is None or second is None:
        return
    result = compare(first, second)
    json.dumps(result.to_json())
    for node in result.nodes:
        assert node.verdict in VERDICTS
        assert not set(node.cleared_pids) & set(node.remaining_pids)
    assert isinstance(format_verify(result), str)


@pytest.mark.timeout(300)
@settings(SETTINGS, max_examples=10)
@given(sample=mutated())
def test_notebook_picture_of_every_group(workdir: Path, sample: tuple[str, bytes]) -> None:
    """The triage notebook's picture: one figure per zombie group, whatever the listing became."""
    import matplotlib.pyplot as plt

    from ucnb.faces.draw import draw_zombie_tree

    bundle = load_or_none(write(workdir, *sample))
    if bundle is None:
        return
    analysis = diagnose(bundle)
    for node, result in zip(bundle.nodes, analysis.nodes, strict=True):
        for group in result.groups[:2]:
            fig = draw_zombie_tree(node.listing, group, node_name=node.name)
            fig.canvas.draw()  # text layout happens here (mathtext, fonts)
            plt.close(fig)


def _has_report() -> bool:
    try:
        from ucnb.report import render_report  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.timeout(300)
@pytest.mark.skipif(not _has_report(), reason="ucnb.report not there yet")
@settings(SETTINGS, max_examples=8)
@given(before=mutated(), after=mutated())
def test_report_is_made_from_mutated_bundles(workdir: Path, before: tuple[str, bytes],
                                             after: tuple[str, bytes]) -> None:
    from ucnb.report import render_report

    first_path = write(workdir, *before, sub="before")
    after_path = write(workdir, *after, sub="after")
    first, second = load_or_none(first_path), load_or_none(after_path)
    if first is None:
        return
    try:
        output = render_report(first, after=second, fmt="md")
    except InputError:
        return
    assert output.text.startswith("# ")
