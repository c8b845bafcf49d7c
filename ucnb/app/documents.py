"""The documents of a case, made from its captures: the customer report (HTML, and PDF when Chromium
is installed), the case note, the TAC report in TAC mode, each also redacted; kept in the case's
folder and offered as download links (the workbench's step 3).

    >>> [what for what, _, _ in document_kinds(tac=True)]
    ['customer report', 'customer report', 'case note', 'TAC report']
"""

from __future__ import annotations

import base64
import html
import os
import re
from typing import Any

from ucnb.app.cases import CaseFolder
from ucnb.errors import InputError
from ucnb.report import render_report
from ucnb.report.render_pdf import CHROMIUM

Made = tuple[str, str, str, bytes]  # (label, file name, MIME type, bytes)


def document_kinds(tac: bool) -> list[tuple[str, str, str]]:
    """(what, audience, format) of each document; the case note is the TAC's in TAC mode."""
    kinds = [
        ("customer report", "customer", "html"),
        ("customer report", "customer", "pdf"),
        ("case note", "tac" if tac else "customer", "txt"),
    ]
    if tac:
        kinds.append(("TAC report", "tac", "html"))
    return kinds


def make_documents(case: CaseFolder, before: Any, after: Any, decisions: Any, *, tac: bool,
                   labels: tuple[str, str]) -> tuple[list[Made], str]:
    """Every document of the case, plain then redacted (`labels`: the case as each names it),
    written into the case's folder. Returns what was made, and why there is no PDF ("" if there is)."""
    made: list[Made] = []
    failed = ""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", case.record.case)
    kinds = document_kinds(tac)
    for redact in (False, True):
        for what, audience, fmt in kinds:
            if fmt == "pdf" and not os.path.exists(CHROMIUM):
                continue
            try:
                output = render_report(
                    before,
                    after=after,
                    decisions=decisions,
                    fmt=fmt,
                    audience=audience,
                    case=labels[redact],
                    redact=redact,
                )
            except InputError as error:  # a PDF that Chromium could not print: the rest is made
                if fmt != "pdf":
                    raise
                failed = str(error)
                continue
            suffix = "-redacted" if redact else ""
            file = f"case-{name}-{what.replace(' ', '-').lower()}{suffix}.{fmt}"
            label = f"{what[0].upper()}{what[1:]} ({fmt.upper()}{', redacted' if redact else ''})"
            data = output.to_bytes()
            case.write_document(file, data)
            mime = {"html": "text/html", "txt": "text/plain", "pdf": "application/pdf"}[fmt]
            made.append((label, file, mime, data))
    return made, failed


def download_links(made: list[Made]) -> str:
    """The documents as a list of download links, their bytes inline (nothing is served).

    >>> download_links([("Case note (TXT)", "case-1-case-note.txt", "text/plain", b"hi")])[:64]
    '<ul><li><a class="ucnb-download" download="case-1-case-note.txt"'
    """
    return (
        "<ul>"
        + "".join(f"<li>{_download(label, file, mime, data)}</li>" for label, file, mime, data in made)
        + "</ul>"
    )


def _download(label: str, filename: str, mime: str, data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    charset = ";charset=utf-8" if mime.startswith("text/") else ""
    return (
        f'<a class="ucnb-download" download="{html.escape(filename)}" '
        f'href="data:{mime}{charset};base64,{encoded}">{html.escape(label)}</a>'
    )
