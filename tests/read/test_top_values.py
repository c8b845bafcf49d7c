"""The top table's whole-column converters give what converting each value on its own gives."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ucnb.read.parsers.top_values import BAD, COLUMN_RULES, convert_column

# values as top prints them, and near misses: long digit runs, out-of-range seconds, odd units
PIECES = ["0:00.86", "1500:00", "12:34", "0:0", "00:00", "0:00.5", "3:61", "2-03:04:05", "12h", "3d4h",
          "1,30", "1" * 18, "1" * 19, "0" * 30 + "1", "1" * 24 + ":00.12", "1" * 25 + ":00.12",
          "1" * 27 + ":00", "1" * 28 + ":00", "9" * 40, "S", "Z", "SW<", "RN", "R+", "Ss+l<<", "é", "s",
          "x", "", "-", "rt", "RT", "20", "-5", "0", "411m", "1.2g", "14020", "0.0", "5.9", "112.4",
          "1.2.3", ".", "1e5", "inf"]


def _same(left: list, right: list) -> bool:
    def key(value: object) -> object:
        if value is BAD:
            return "BAD"
        if isinstance(value, float) and math.isnan(value):
            return "nan"
        return (type(value), value)

    return [key(v) for v in left] == [key(v) for v in right]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
def test_whole_column_paths_agree_with_the_value_by_value_path(column: list[str]) -> None:
    for key, (convert, fast, _meaning) in COLUMN_RULES.items():
        values, bad = convert_column(column, convert, fast)
        alone, alone_bad = convert_column(column, convert, None)
        assert bad == alone_bad, key
        assert _same(list(values), list(alone)), key


def test_mixed_minutes_forms_are_read_as_seconds() -> None:
    convert, fast, _ = COLUMN_RULES["time"]
    got = convert_column(["0:00.86", "1500:00", "812:40.19"], convert, fast)
    assert got == ([0.86, 90000.0, 48760.19], [])
