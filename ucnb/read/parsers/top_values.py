"""Typed values of a `top` process table (ucnb.read.parsers.load): one converter per column kind.

    >>> convert_column(["411m", "1.2g", "14020"], *COLUMN_RULES["virt"][:2])
    ([420864, 1258291, 14020], [])
    >>> convert_column(["SW<", "R", "1.2"], *COLUMN_RULES["state"][:2])[1]  # the third is BAD
    [2]

A converter returns the typed value, None (NA: `rt` priority, `-` nice) or BAD (a value that does
not have the column's form); the parser decides what BAD means for the row. A whole-column path
accepts only what its converter accepts, so a value's reading never depends on its neighbours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

UNIT_POWER = {"k": 0, "m": 1, "g": 2, "t": 3, "p": 4, "e": 5}
_STATE_RE = re.compile(r"[A-Za-z][WNLsl<+]{0,4}")  # `S`, `Z`; old top and ps forms `SW<`, `RN`
_INT64_LIMIT = 2**63
BAD = object()  # a value that does not fit its column
_TIME_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_NEXT_UNIT = {"w": "d", "d": "h", "h": "m", "m": "s"}
_TIME_PARTS_RE = re.compile(r"(\d{1,15}(?:\.\d{1,15})?)([wdhms])")
_FLOAT_CHARS_RE = re.compile(r"[0-9.]*")
_MINUTE_SECONDS = r"[0-9]{1,24}:[0-5][0-9]\.[0-9][0-9]"  # 'M:SS.hh', at most 30 characters as `_seconds`
_MINUTES_SECONDS_RE = re.compile(rf"(?:{_MINUTE_SECONDS}\n)*{_MINUTE_SECONDS}")
# 'M:SS.hh' and 'MMMM:SS' mixed, each short enough for `_seconds` (at most 30 characters)
_MINUTES_RE = r"(?:[0-9]{1,24}:[0-5][0-9]\.[0-9][0-9]|[0-9]{1,27}:[0-5][0-9])"
_MINUTES_COLUMN_RE = re.compile(rf"(?:{_MINUTES_RE}\n)*{_MINUTES_RE}")
_STATE_COLUMN_RE = re.compile(r"(?:[A-Za-z][WNLsl<+]{0,4}\n)*[A-Za-z][WNLsl<+]{0,4}")
_MEM_VALUE_RE = re.compile(r"(\d+(?:\.\d+)?)([kmgtpeKMGTPE])")


def convert_column(column: Sequence[str], convert: Callable[[str], Any],
                   fast: Callable[[Sequence[str]], Any] | None = None) -> tuple[Any, list[int]]:
    """Convert one column of strings; return (values, indexes of values that do not fit).

    `fast` converts the column's distinct values at once and returns None when it cannot; otherwise
    each distinct value goes once through `convert`, which returns a number, None (NA) or BAD.
    """
    distinct = list(dict.fromkeys(column))  # a column repeats its values (0.0, 20, S): each once
    if fast is not None:
        values = fast(distinct)
        if values is not None and len(distinct) == len(column):
            return values, []
        if values is not None:
            return list(map(dict(zip(distinct, values, strict=True)).__getitem__, column)), []
    memo = {value: convert(value) for value in distinct}
    out = list(map(memo.__getitem__, column))
    bad = [i for i, value in enumerate(out) if value is BAD] if BAD in memo.values() else []
    return out, bad


def _fast_int(column: Sequence[str], longest: int = 18) -> list[int] | None:
    """Plain digits, none longer than the per-value converter takes (`_int`: 18, `_kib`: 30)."""
    joined = "".join(column)
    if not (joined.isascii() and joined.isdigit()) or max(map(len, column)) > longest:
        return None
    try:
        values = list(map(int, column))
    except ValueError:  # beyond Python's digit limit for int(): let the per-value path report it
        return None
    return values if max(values, default=0) < _INT64_LIMIT else None


def _fast_kib(column: Sequence[str]) -> list[int] | None:
    return _fast_int(column, 30)


def _fast_float(column: Sequence[str]) -> list[float] | None:
    if not _FLOAT_CHARS_RE.fullmatch("".join(column)) or max(map(len, column)) > 30:
        return None
    try:
        values = list(map(float, column))
    except ValueError:
        return None
    return values if all(map(math.isfinite, values)) else None


def _int(value: str) -> Any:
    body = value[1:] if value[:1] in "+-" else value
    if len(body) <= 18 and body.isascii() and body.isdigit():
        number = int(value)
        if -_INT64_LIMIT < number < _INT64_LIMIT:
            return number
    return BAD


def _nice(value: str) -> Any:
    return None if value == "-" else _int(value)


def _priority(value: str) -> Any:
    return None if value.lower() == "rt" else _int(value)


def _float(value: str) -> Any:
    text = value.replace(",", ".", 1)
    if len(text) <= 30 and _FLOAT_CHARS_RE.fullmatch(text) and text.count(".") <= 1 and text.strip("."):
        return float(text)
    return BAD


def _kib(value: str) -> Any:
    """'411m' -> 420864, '1.2g' -> 1258291, '14020' -> 14020."""
    if len(value) > 30:
        return BAD
    if value.isascii() and value.isdigit():
        number = int(value)
        return number if number < _INT64_LIMIT else BAD
    match = _MEM_VALUE_RE.fullmatch(value.replace(",", ".", 1))
    if not match:
        return BAD
    number = round(float(match.group(1)) * 1024 ** UNIT_POWER[match.group(2).lower()])
    return number if number < _INT64_LIMIT else BAD


def _seconds(value: str) -> Any:
    """TIME+ in seconds: 'M:SS.hh', 'MMMM:SS', 'H:MM:SS', 'D-HH:MM:SS', 'H,MM', '12h', '3d4h', '2w'."""
    if len(value) > 30 or not value.isascii():
        return BAD
    if ":" in value:
        days = 0
        if "-" in value:
            day_text, _, value = value.partition("-")
            if not day_text.isdigit():
                return BAD
            days = int(day_text)
        fields = value.split(":")
        if len(fields) > 3 or not all(f.isdigit() for f in fields[:-1]):
            return BAD
        last = fields[-1]
        whole, _, hundredths = last.partition(".")
        if not whole.isdigit() or (hundredths and not hundredths.isdigit()) or (_ and not hundredths):
            return BAD
        seconds = float(last)
        for position, text in enumerate(reversed(fields[:-1])):
            seconds += int(text) * 60 ** (position + 1)
        return seconds + days * 86400
    if "," in value:  # top's "hours,minutes"
        hours, _, minutes = value.partition(",")
        if hours.isdigit() and minutes.isdigit():
            return int(hours) * 3600.0 + int(minutes) * 60.0
        return BAD
    seconds = 0.0
    position = 0
    last_unit = None
    for match in _TIME_PARTS_RE.finditer(value):
        if match.start() != position:
            return BAD
        seconds += float(match.group(1)) * _TIME_UNITS[match.group(2)]
        position = match.end()
        last_unit = match.group(2)
    if last_unit is None:
        return BAD
    rest = value[position:]
    if rest:  # "12h34": a bare number after a unit counts in the next smaller unit
        next_unit = _NEXT_UNIT.get(last_unit)
        if next_unit is None or not rest.isdigit():
            return BAD
        seconds += int(rest) * _TIME_UNITS[next_unit]
    return seconds


def _fast_seconds(column: Sequence[str]) -> list[float] | None:
    """The common 'M:SS.hh' form for a whole column at once, or None."""
    joined = "\n".join(column)
    if not _MINUTES_SECONDS_RE.fullmatch(joined):
        if _MINUTES_COLUMN_RE.fullmatch(joined):  # with 'MMMM:SS' (old top, long times): as `_seconds`
            return [int(minutes) * 60 + float(seconds) for minutes, _, seconds in
                    (value.partition(":") for value in column)]
        return None
    try:
        return [int(v[:-6]) * 60 + float(v[-5:]) for v in column]
    except (OverflowError, ValueError):  # absurd digit runs: let the per-value path report them
        return None


def _fast_state(column: Sequence[str]) -> list[str] | None:
    """A column of plain states (`S`, `Z`, `SW<`): each value is its own."""
    return list(column) if _STATE_COLUMN_RE.fullmatch("\n".join(column)) else None


def _state(value: str) -> Any:
    return value if len(value) == 1 and value.isalpha() or _STATE_RE.fullmatch(value) else BAD


COLUMN_RULES: dict[str, tuple[Callable[[str], Any], Any, str]] = {
    # key: (per-value converter, whole-column fast path, what it should be)
    "pid": (_int, _fast_int, "not a process id"),
    "pr": (_priority, _fast_int, "not a priority (a number or rt)"),
    "ni": (_nice, _fast_int, "not a nice value"),
    "virt": (_kib, _fast_kib, "not a memory size"),
    "res": (_kib, _fast_kib, "not a memory size"),
    "shr": (_kib, _fast_kib, "not a memory size"),
    "cpu": (_float, _fast_float, "not a percentage"),
    "mem": (_float, _fast_float, "not a percentage"),
    "time": (_seconds, _fast_seconds, "not a CPU time"),
    "state": (_state, _fast_state, "not a process state"),
}
