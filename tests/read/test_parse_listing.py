"""Process-listing parser: every ps flavour, forests, Cisco slices, odd rows, zombies."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ucnb.model.columns import LISTING_COLUMNS
from ucnb.read.parsers.listing import looks_like_listing_header, parse_listing

FIXTURES = Path(__file__).parents[1] / "fixtures" / "listing"
EXPECTED = {name: want for name, want in json.loads((FIXTURES / "expected.json").read_text()).items()
            if name.endswith(".txt")}
ROW_FIELDS = ["pid", "ppid", "user", "state", "comm", "command", "depth", "zombie", "source"]
PS_EF_HEADER = "UID        PID  PPID  C STIME TTY          TIME CMD"


def listing(name: str):
    return parse_listing((FIXTURES / name).read_text().splitlines(), file=name)


def parse(*lines: str, **kwargs):
    return parse_listing(list(lines), **kwargs)


def rows_of(frame: pd.DataFrame) -> list[list]:
    """The asserted columns as plain Python values, <NA> as None."""
    out = []
    for record in frame[ROW_FIELDS].astype(object).to_dict("records"):
        out.append([None if value is pd.NA else value for value in record.values()])
    return out


def assert_dtypes(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(LISTING_COLUMNS)
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == LISTING_COLUMNS


def ps_ef_row(user: str, pid: int, ppid: int, command: str, stime: str = "Oct19", tty: str = "?",
              time: str = "00:00:00") -> str:
    return f"{user:<8} {pid:>5} {ppid:>5}  0 {stime:<5} {tty:<8} {time:>8} {command}"


# --- every fixture against its hand-written expectations ---------------------------------------


def test_every_fixture_has_expectations() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_matches_expected_values(name: str) -> None:
    want = EXPECTED[name]
    result = listing(name)
    expected_rows = [[*row[:-1], f"{name}:{row[-1]}"] for row in want["rows"]]
    assert rows_of(result.processes) == expected_rows
    assert_dtypes(result.processes)
    assert result.flavour == want["flavour"]
    assert result.forest is want["forest"]
    assert result.has_ppid is want["has_ppid"]
    assert result.source == f"{name}:{want['source']}"
    if "columns" in want:
        assert result.columns == want["columns"]
    assert [u.source for u in result.unparsed] == [f"{name}:{line}" for line, _ in want["unparsed"]]
    text = (FIXTURES / name).read_text().splitlines()
    for unparsed, (line, words) in zip(result.unparsed, want["unparsed"], strict=True):
        assert all(word in unparsed.reason for word in words), unparsed
        assert unparsed.text == text[line - 1]
    assert len(result.warnings) == len(want["warnings"]), result.warnings
    for warning, words in zip(result.warnings, want["warnings"], strict=True):
        assert all(word in warning for word in words), warning


# --- zombies -------------------------------------------------------------------------------------


def test_the_word_defunct_in_arguments_is_not_a_zombie() -> None:
    result = parse(
        PS_EF_HEADER,
        ps_ef_row("admin", 100, 1, "/bin/grep defunct"),
        ps_ef_row("root", 101, 1, "perl check_defunct.pl"),
        ps_ef_row("root", 102, 1, "echo <defunct> is a word here"),
        ps_ef_row("ccmserv+", 103, 1, "[sh] <defunct>"),
        ps_ef_row("ccmserv+", 104, 1, "[sh] <defunct>   "),  # trailing spaces of a paste
    )
    frame = result.processes
    assert frame["zombie"].tolist() == [False, False, False, True, True]
    assert frame["command"].iloc[4] == "[sh] <defunct>"


def test_zombie_from_the_state_column_alone() -> None:
    result = parse("  PID  PPID S CMD", "  200     1 Z [java]", "  201     1 S java -jar x.jar")
    assert result.processes["zombie"].tolist() == [True, False]
    assert result.processes["comm"].tolist() == ["java", "java"]


# --- header, slices, layouts ---------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    PS_EF_HEADER,
    "F S UID        PID  PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD",
    "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
    "  PID  PPID STAT CMD",
    "  PID COMMAND",
    "  PID  PPID USER     ARGS",
])
def test_listing_headers_are_recognised(line: str) -> None:
    assert looks_like_listing_header(line)


@pytest.mark.parametrize("line", [
    "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND",  # top, not ps
    "  PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND",
    "ccmserv+ 29815     1  0 Oct19 ?        03:10:11 /usr/local/cm/bin/amc",
    "UID PID PPID",  # no command column
    "Searching for PID of CMD",
    "",
])
def test_other_lines_are_not_listing_headers(line: str) -> None:
    assert not looks_like_listing_header(line)


def test_no_header_reports_every_line_and_returns_typed_empty_frame() -> None:
    result = parse("Executed command unsuccessfully", "", "ccmserv+ amc is running", file="f")
    assert [u.source for u in result.unparsed] == ["f:1", "f:3"]
    assert all("no process listing header" in u.reason for u in result.unparsed)
    assert result.warnings and "no process listing header" in result.warnings[0]
    assert result.processes.empty
    assert_dtypes(result.processes)


def test_rows_without_header_are_read_in_the_layout_they_fit() -> None:
    result = parse("Executed command unsuccessfully", "", "ccmserv+ 29815 1 0 Oct19 ? 03:10:11 amc", file="f")
    assert [u.source for u in result.unparsed] == ["f:1"]
    assert result.processes[["pid", "ppid"]].values.tolist() == [[29815, 1]]
    assert "`ps -ef`" in result.assumed_layout and "1 of 2 lines has its shape" in result.assumed_layout


def test_header_only_gives_typed_empty_frame() -> None:
    result = parse(PS_EF_HEADER, file="f")
    assert result.processes.empty and result.unparsed == [] and result.warnings == []
    assert_dtypes(result.processes)
    assert result.source == "f:1-1"


def test_sources_count_from_first_line() -> None:
    result = parse("", PS_EF_HEADER, ps_ef_row("root", 1, 0, "/sbin/init"), file="cli.log", first_line=120)
    assert result.processes["source"].tolist() == ["cli.log:122"]
    assert result.source == "cli.log:121-122"


def test_a_different_header_starts_a_new_layout() -> None:
    result = parse(
        "  PID  PPID STAT CMD",
        "29815     1 Ssl  /usr/local/cm/bin/amc",
        PS_EF_HEADER,
        ps_ef_row("ccmserv+", 22908, 29815, "[sh] <defunct>", stime="09:10"),
        file="f",
    )
    assert result.unparsed == []
    frame = result.processes
    assert frame["pid"].tolist() == [29815, 22908]
    assert frame["ppid"].tolist() == [1, 29815]
    assert frame["state"].tolist()[0] == "Ssl" and frame["state"].isna().tolist() == [False, True]
    assert frame["user"].isna().tolist() == [True, False]
    assert frame["stime"].tolist()[1] == "09:10"
    assert result.columns == ["PID", "PPID", "STAT", "CMD"] and result.flavour == "custom"
    assert any("f:3" in w and "new listing header" in w for w in result.warnings)
    assert_dtypes(frame)


def test_ps_axjf_forest_with_ppid_first_and_negative_tpgid() -> None:
    def row(ppid: int, pid: int, stat: str, uid: int, time: str, command: str) -> str:
        return f"{ppid:>5} {pid:>5} {pid:>5} {pid:>5} {'?':<8} {-1:>5} {stat:<4} {uid:>5} {time:>6} {command}"

    header = " PPID   PID  PGID   SID TTY      TPGID STAT   UID   TIME COMMAND"
    result = parse(
        header,
        row(0, 2, "S", 0, "0:00", "[kthreadd]"),
        row(2, 3, "S", 0, "0:00", " \\_ [ksoftirqd/0]"),
        row(1, 29815, "Ssl", 500, "190:11", "/usr/local/cm/bin/amc"),
        row(29815, 22908, "Z", 500, "0:00", " \\_ [sh] <defunct>"),
        row(22908, 22950, "S", 500, "0:00", "     \\_ sleep 1"),
    )
    assert result.unparsed == [] and result.flavour == "custom" and result.forest
    frame = result.processes
    assert frame["pid"].tolist() == [2, 3, 29815, 22908, 22950]
    assert frame["ppid"].tolist() == [0, 2, 1, 29815, 22908]
    assert frame["depth"].tolist() == [0, 1, 0, 1, 2]
    assert frame["command"].tolist()[3:] == ["[sh] <defunct>", "sleep 1"]
    assert frame["zombie"].tolist() == [False, False, False, True, False]
    assert frame["user"].tolist() == ["0", "0", "500", "500", "500"]


def test_a_listing_without_ppid_in_one_of_its_layouts_has_no_ppid() -> None:
    result = parse(PS_EF_HEADER, ps_ef_row("root", 1, 0, "/sbin/init"), "  PID STAT COMMAND", "  7 S x")
    assert result.has_ppid is False
    assert result.processes["ppid"].isna().tolist() == [False, True]


# --- odd rows ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [
    ["  \u0663\u0663     1 arabic-indic digits", "99999999999     1 eleven digits"],
    ["99999999999     1 eleven digits"],
    ["   12 99999999999999999999 ppid past int64"],
    ["  \u0663\u0663     1 arabic-indic digits"],
])
def test_numbers_with_other_digits_or_too_long_are_rejected(bad: list[str]) -> None:
    result = parse("  PID  PPID CMD", *bad, "   10     1 fine", file="f")
    assert result.processes["pid"].tolist() == [10]
    assert [u.source for u in result.unparsed] == [f"f:{2 + i}" for i in range(len(bad))]


def test_the_wrapped_tail_of_a_rejected_row_is_unparsed_too() -> None:
    result = parse(
        PS_EF_HEADER,
        "tomcat    4415     1  2 Oct19 ?        xx:01:33 /usr/bin/java -Xmx768m",
        "          -Dcatalina.base=/usr/local/tomcat",
        ps_ef_row("root", 1, 0, "/sbin/init"),
        file="f",
    )
    assert result.processes["pid"].tolist() == [1]
    assert [(u.source, u.reason.split()[0]) for u in result.unparsed] == [("f:2", "TIME"), ("f:3", "wrapped")]
    assert not any("joined" in w for w in result.warnings)


def test_a_blank_line_stops_a_wrapped_tail_from_joining() -> None:
    result = parse(PS_EF_HEADER, ps_ef_row("root", 1, 0, "/sbin/init"), "", "    --tail", file="f")
    assert result.processes["command"].tolist() == ["/sbin/init"]
    assert [u.source for u in result.unparsed] == ["f:4"]


def test_an_indented_damaged_row_is_not_joined_as_a_tail() -> None:
    result = parse("  PID  PPID STAT CMD", "  100     1 S    a", "  101     1", file="f")
    assert result.processes["command"].tolist() == ["a"]
    assert [u.source for u in result.unparsed] == ["f:3"]
    assert "2 fields" in result.unparsed[0].reason


# --- generated listings --------------------------------------------------------------------------

users = st.sampled_from(["root", "ccmserv+", "informix", "database", "tomcat", "admin"])
commands = st.sampled_from([
    "/usr/local/cm/bin/amc -x", "[kthreadd]", "[kworker/0:1]", "[sh] <defunct>", "sh -c a  b",
    "/bin/grep defunct", "-bash", "oninit -w",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(users, st.integers(1, 4_194_304), st.integers(0, 4_194_304), commands),
                min_size=1, max_size=30))
def test_generated_ps_ef_rows_read_back(rows: list[tuple[str, int, int, str]]) -> None:
    text = [PS_EF_HEADER] + [f"{u:<8} {p:>7} {pp:>7}  0 Oct19 ?        00:00:00 {c}" for u, p, pp, c in rows]
    result = parse_listing(text, file="g")
    assert result.unparsed == []
    frame = result.processes
    assert frame["pid"].tolist() == [p for _, p, _, _ in rows]
    assert frame["ppid"].tolist() == [pp for _, _, pp, _ in rows]
    assert frame["user"].tolist() == [u for u, _, _, _ in rows]
    assert frame["command"].tolist() == [c for _, _, _, c in rows]
    assert frame["zombie"].tolist() == [c.endswith("<defunct>") for _, _, _, c in rows]
    assert frame["depth"].tolist() == [0] * len(rows)


line_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=60)
listing_like = st.one_of(
    line_text,
    st.sampled_from([PS_EF_HEADER, "  PID  PPID STAT CMD", "", "   ", "  12  1 Z  \\_ [sh] <defunct>",
                     ps_ef_row("root", 1, 0, " |   \\_ x"), "    |   \\_", "1 2 3 4 5 6 7 8 9"]),
)


def _numbers(source: str) -> range:
    first, _, last = source.rsplit(":", 1)[1].partition("-")
    return range(int(first), int(last or first) + 1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(listing_like, max_size=25), st.integers(1, 5))
def test_random_text_never_raises_and_every_line_is_accounted_for(lines: list[str], first_line: int) -> None:
    result = parse_listing(lines, file="r", first_line=first_line)
    assert_dtypes(result.processes)
    rows = [f"r:{n}" for source in result.processes["source"] for n in _numbers(source)]  # joined: r:A-B
    unparsed = [u.source for u in result.unparsed]
    assert len(set(rows)) == len(rows) and not set(rows) & set(unparsed)
    non_blank = {f"r:{first_line + i}": line for i, line in enumerate(lines) if line.strip()}
    assert set(rows) | set(unparsed) <= set(non_blank)
    # nothing dropped: a line neither row nor unparsed is a header or a joined (indented) tail
    for source, line in non_blank.items():
        if source not in rows and source not in unparsed:
            assert looks_like_listing_header(line) or line[0].isspace(), (source, line)
    assert (result.processes["depth"] >= 0).all()


# --- long listings: read in batches, kept compact ----------------------------------------------


LISTING_FILES = sorted([*FIXTURES.glob("*.txt"), *(FIXTURES.parent / "shapes").glob("*.txt")])


@pytest.mark.parametrize("path", LISTING_FILES, ids=lambda path: path.name)
def test_batched_reading_gives_the_same_listing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A listing longer than a batch (here 2 rows) is typed batch by batch into numpy/Arrow columns:
    the same rows, values, dtypes, unparsed lines and warnings as read in one go."""
    from ucnb.read.parsers import listing_rows

    lines = path.read_text().splitlines()
    whole = parse_listing(lines, file=path.name)
    monkeypatch.setattr(listing_rows, "BATCH", 2)
    batched = parse_listing(lines, file=path.name)
    pd.testing.assert_frame_equal(batched.processes, whole.processes)
    assert batched.unparsed == whole.unparsed
    assert batched.warnings == whole.warnings
    assert (batched.source, batched.recognised, batched.has_ppid, batched.flavour) == (
        whole.source, whole.recognised, whole.has_ppid, whole.flavour)


def test_a_long_listing_keeps_no_python_object_per_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past one batch the columns are numpy and Arrow arrays, and the zombies are all there."""
    import numpy as np
    import pyarrow as pa

    from ucnb.model.columns import rows as count_rows
    from ucnb.read.parsers import listing_rows

    monkeypatch.setattr(listing_rows, "BATCH", 1000)
    body = [ps_ef_row("ccmserv+", 10_000 + i, 7313 if i % 97 == 0 else 1,
                      "[sh] <defunct>" if i % 97 == 0 else f"/usr/local/cm/bin/svc{i % 13} -x")
            for i in range(5_000)]
    result = parse(PS_EF_HEADER, *body, file="big.txt")
    table = type(result).__dict__["processes"].table(result)
    assert count_rows(result, "processes") == 5_000
    assert isinstance(table.data["pid"], np.ndarray) and isinstance(table.data["command"], pa.ChunkedArray)
    assert not any(isinstance(values, list) for values in table.data.values())
    frame = result.processes
    assert frame["zombie"].sum() == len(range(0, 5_000, 97))
    assert frame.loc[frame["zombie"], "ppid"].eq(7313).all()
    assert frame["source"].iloc[4_999] == "big.txt:5001"


def test_a_pid_repeated_many_times_is_named_with_a_few_of_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paste of one row over and over (a 1.4 MB zip can hold 480 MB of it): the duplicate warning
    names five of its lines and counts the rest, and the analysis of the compact listing (zombies
    under a parent the listing does not show) runs."""
    from ucnb.diagnosis.diagnose import diagnose
    from ucnb.model.results import Bundle, Node
    from ucnb.read.parsers import listing_rows

    monkeypatch.setattr(listing_rows, "BATCH", 1000)
    row = ps_ef_row("ccmserv+", 12345, 7313, "[sh] <defunct>")
    result = parse(PS_EF_HEADER, *[row] * 30_000, file="ps.txt")
    [warning] = [w for w in result.warnings if w.startswith("duplicate PIDs")]
    assert warning == ("duplicate PIDs (two captures mixed?): 12345 (ps.txt:2, ps.txt:3, ps.txt:4, ps.txt:5, "
                       "ps.txt:6 and 29,995 more)")
    node = Node(name="cucm-pub", product="cucm", listings=[result])
    [analysis] = diagnose(Bundle(nodes=[node])).nodes
    assert len(analysis.zombies) == 30_000
    [group] = analysis.groups
    assert (group.ppid, group.count, group.rule) == (7313, 30_000, "missing")
    assert all(len(w) < 600 for w in analysis.warnings)


def test_a_wrapped_row_in_a_long_listing_keeps_its_range_and_the_column_stays_lazy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One wrapped command among many rows: its source is `file:first-last`, the others `file:line`,
    and the source column is still made on demand (no string per row kept)."""
    from ucnb.model.columns import LineSources
    from ucnb.read.parsers import listing_rows

    monkeypatch.setattr(listing_rows, "BATCH", 100)
    body = [ps_ef_row("root", 1000 + i, 1, f"/bin/sleep {i}") for i in range(500)]
    body[250] = ps_ef_row("root", 1250, 1, "/usr/local/cm/bin/amc --a-long-option-that-the")
    lines = [PS_EF_HEADER, *body[:251], "        terminal-wrapped --onto-the-next-line", *body[251:]]
    result = parse(*lines, file="w.txt")
    table = type(result).__dict__["processes"].table(result)
    assert isinstance(table.data["source"], LineSources)
    sources = list(table.values("source"))
    assert sources[250] == "w.txt:252-253" and sources[251] == "w.txt:254" and sources[0] == "w.txt:2"
    assert result.processes["source"].iloc[250] == "w.txt:252-253"
    assert result.processes["command"].iloc[250].endswith("the terminal-wrapped --onto-the-next-line")


def test_a_row_is_recognised_by_its_fields_whatever_the_length_of_its_command() -> None:
    """Issue 23: the layouts look at the fields only (the first 1,024 characters), so a row with a
    megabyte of arguments is a row, and a megabyte of digits or blanks is none (and costs one slice)."""
    from ucnb.read.parsers.listing import looks_like_listing_row

    row = "root      4411  4290  0 10:02 ?        00:00:00 /usr/bin/java " + "-Dx=1 " * 200_000
    assert looks_like_listing_row(row)
    assert not looks_like_listing_row("1" * 1_000_000)
    assert not looks_like_listing_row(" " * 1_000_000 + "x")
    # fields that run past the first 1,024 characters are no row (a user name is never that long)
    assert not looks_like_listing_row("u" * 1_100 + "  4411  4290  0 10:02 ?        00:00:00 [sh] <defunct>")
    listing = parse_listing([row], file="long.txt")
    assert listing.processes["pid"].tolist() == [4411]
    assert len(listing.processes["command"].iloc[0]) > 1_000_000


def test_a_file_of_one_long_line_is_one_error_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    import ucnb
    from ucnb.errors import InputError

    for name, text in (("digits.txt", "1" * 3_000_000), ("blanks.txt", " " * 3_000_000 + "x")):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(InputError, match=f"no UC CLI capture found in {name}"):
            ucnb.load(path)
