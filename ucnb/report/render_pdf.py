"""The report as PDF: the HTML page printed by headless Debian Chromium (own profile and HOME in a
temporary folder, nothing remote). Without Chromium: a one-line InputError.

The page set-up is CSS the page carries (`page_css`): the paper (`A4` or `Letter`), and in the
`@page` margin boxes the case number and the node(s) at the bottom left, "Page N of M" at the bottom
right. Headings stay with what follows them, short tables are not split, and a cell holding one time
stamp or PID is never broken (`render_html`'s print rules).

    >>> print(page_css(Report("t", case='42"}', nodes=["cucm-pub"]), "Letter"))
    @page{size:letter;margin:16mm 14mm 18mm;
    @bottom-left{content:"Case 42\\22 \\7d  \\b7  cucm-pub";font:8pt sans-serif;color:#555}
    @bottom-right{content:"Page " counter(page) " of " counter(pages);font:8pt sans-serif;color:#555}}
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from ucnb.errors import InputError
from ucnb.report import render_html
from ucnb.report.model import Report, ReportOutput
from ucnb.text import printable

CHROMIUM = "/usr/bin/chromium"
SOCKET_DIR_MAX = 60  # a longer temporary folder leaves no room for Chromium's socket names (108 bytes)
PAPERS = {"A4": "A4", "Letter": "letter"}  # `--paper` -> CSS page size
SHOWN_NODES = 3  # in the footer; the rest are counted
_CSS_SAFE = re.compile(r"[A-Za-z0-9 ,.:_()-]")


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: anything but letters, digits and plain punctuation as a CSS
    escape, so no value can end the string, the rule or the `<style>` element.

    >>> css_string('a"b</style>')
    '"a\\\\22 b\\\\3c \\\\2f style\\\\3e "'
    """
    return '"' + "".join(c if _CSS_SAFE.fullmatch(c) else f"\\{ord(c):x} " for c in printable(text)) + '"'


def footer_text(report: Report) -> str:
    """The case number (when given) and the node(s), for the bottom of every page.

    >>> footer_text(Report("t", case="699123", nodes=["a", "b", "c", "d", "e"]))
    'Case 699123 · a, b, c and 2 more nodes'
    """
    nodes = ", ".join(report.nodes[:SHOWN_NODES])
    if len(report.nodes) > SHOWN_NODES:
        nodes += f" and {len(report.nodes) - SHOWN_NODES:,} more nodes"
    parts = [f"Case {report.case}" if report.case else "", nodes]
    return " · ".join(part for part in parts if part)


def page_css(report: Report, paper: str = "A4") -> str:
    """The printed page: its size, margins, and the footer's margin boxes."""
    if paper not in PAPERS:
        raise InputError(f"unknown paper {paper!r}: use {' or '.join(PAPERS)}")
    box = "font:8pt sans-serif;color:#555"
    return (
        f"@page{{size:{PAPERS[paper]};margin:16mm 14mm 18mm;\n"
        f"@bottom-left{{content:{css_string(footer_text(report))};{box}}}\n"
        f'@bottom-right{{content:"Page " counter(page) " of " counter(pages);{box}}}}}'
    )


def render(report: Report, *, target: str = "report.pdf", paper: str = "A4", **_: object) -> ReportOutput:
    """PDF bytes of the report's HTML page on `paper` (A4 or Letter; `target`: the name quoted in
    errors)."""
    css = page_css(report, paper)
    if not os.path.exists(CHROMIUM):
        raise InputError(
            f"{target}: PDF needs Debian Chromium ({CHROMIUM} not found: "
            "`apt-get install chromium`), or write .html and print it"
        )
    page = render_html.render(report, print_css=css).text
    return ReportOutput("", {}, "pdf", data=html_to_pdf(page, target))


def html_to_pdf(html_text: str, target: str = "report.pdf", *, timeout: float = 120.0) -> bytes:
    """Print an HTML page to PDF with headless Chromium; the PDF's bytes."""
    with tempfile.TemporaryDirectory(prefix="ucnb-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html_text, encoding="utf-8")
        pdf = Path(work) / "report.pdf"
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={Path(work) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        env = {**os.environ, "HOME": work, "XDG_CONFIG_HOME": work, "XDG_CACHE_HOME": work}
        if len(work) > SOCKET_DIR_MAX and os.path.isdir("/tmp"):  # its sockets' paths outgrow the limit:
            env["TMPDIR"] = "/tmp"  # Chromium aborts (exit -6) under a long TMPDIR
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, cwd=work, env=env)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise InputError(
                f"{target}: chromium failed to print the PDF ({type(error).__name__})"
            ) from error
        data = pdf.read_bytes() if pdf.exists() else b""
        if done.returncode != 0 or data[:4] != b"%PDF":
            last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
            raise InputError(
                f"{target}: chromium failed to print the PDF (exit {done.returncode}: {last[:200]})"
            )
        return data
