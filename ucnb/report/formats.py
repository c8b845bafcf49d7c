"""The report formats: one table, one renderer module each. Adding a format is one module with a
`render(report, **options) -> ReportOutput` function and one entry here (`ucnb report --help` lists it).

    >>> format_for("case 42.md").name
    'md'
    >>> [f.name for f in FORMATS]
    ['html', 'md', 'txt', 'pdf']
    >>> suffixes()
    '.html, .md, .txt, .pdf'
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path

from ucnb.errors import InputError
from ucnb.report.model import Report, ReportOutput


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    renderer: str  # module with render(report, **options) -> ReportOutput
    description: str
    images_beside: bool = False  # the images are files in `<stem>_files/` (else embedded or none)
    pictures: bool = True  # the report draws its pictures (the plain-text case note has none)

    def render(self, report: Report, **options: object) -> ReportOutput:
        return importlib.import_module(self.renderer).render(report, **options)


FORMATS = (
    Format("html", (".html", ".htm"), "ucnb.report.render_html", "self-contained HTML page"),
    Format("md", (".md", ".markdown"), "ucnb.report.render_md", "Markdown, pictures beside it", True),
    Format("txt", (".txt",), "ucnb.report.render_txt", "plain-text case note (under 25 lines)",
           pictures=False),
    Format("pdf", (".pdf",), "ucnb.report.render_pdf", "PDF printed by Chromium"),
)
BY_NAME = {f.name: f for f in FORMATS}


def format_for(path: str | os.PathLike[str]) -> Format:
    """The format of a report file, from its suffix; InputError for an unknown one."""
    suffix = Path(path).suffix.lower()
    for candidate in FORMATS:
        if suffix in candidate.suffixes:
            return candidate
    known = ", ".join(s for f in FORMATS for s in f.suffixes)
    raise InputError(f"{os.fspath(path)}: unknown report format {suffix or '(no suffix)'!r}: use {known}")


def format_named(name: str) -> Format:
    """The format called `name` (html, md, txt, pdf); InputError otherwise."""
    if name not in BY_NAME:
        raise InputError(f"unknown report format {name!r}: use {', '.join(BY_NAME)}")
    return BY_NAME[name]


def suffixes() -> str:
    """Each format's main suffix, in the table's order (the `ucnb --help` summary of `report`)."""
    return ", ".join(f.suffixes[0] for f in FORMATS)


def output_help() -> str:
    """The `-o FILE` help of `ucnb report`: every suffix and what it writes."""
    kinds = "; ".join(f"{'/'.join(f.suffixes)} = {f.description}" for f in FORMATS)
    return f"the report file; its suffix picks the format: {kinds}"
