"""The case note: the report's short plain text for the case notes (`-o note.txt`), under 25 lines,
no markup (no backticks, tables, headings or emphasis), invisible characters shown as `\\uNNNN`.

    >>> from ucnb.report.model import CaseNote, Report
    >>> rows = [("Problem", "1 zombie"), ("Action plan", ""), ("", "1. restart `x`")]
    >>> print(render(Report("t", note=CaseNote("Zombies on cucm-sub1", rows))).text)
    Zombies on cucm-sub1
    Problem: 1 zombie
    Action plan:
    1. restart x
    <BLANKLINE>
"""

from __future__ import annotations

from ucnb.report.model import Report, ReportOutput
from ucnb.text import printable

MAX_LINES = 24
WIDTH = 300  # a line longer than this is cut (the case tool wraps, but a 20 MB line is nobody's note)


def plain(text: str) -> str:
    """One line of plain text: no backticks, no line breaks, invisible characters escaped."""
    flat = printable(str(text)).replace("`", "").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    flat = " ".join(flat.split())
    return flat if len(flat) <= WIDTH else flat[: WIDTH - 3] + "..."


def _line(label: str, value: str) -> str:
    if label and value:
        return f"{plain(label)}: {plain(value)}"
    return f"{plain(label)}:" if label else plain(value)


def render(report: Report, **_: object) -> ReportOutput:
    """`title` then one `label: value` line per row (a heading: `label:` alone; a plan step: `value`
    alone), at most MAX_LINES lines."""
    if report.note is None:
        raise ValueError("this report has no case note")
    lines = [plain(report.note.title)] + [_line(label, value) for label, value in report.note.rows]
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES - 1] + [f"... {len(lines) - MAX_LINES + 1} more lines in the full report"]
    return ReportOutput("\n".join(lines) + "\n", {}, "txt")
