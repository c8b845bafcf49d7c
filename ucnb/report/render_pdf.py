"""The report as PDF: the HTML page printed by headless Debian Chromium (own profile and HOME in a
temporary folder, nothing remote). Without Chromium: a one-line InputError."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from ucnb.errors import InputError
from ucnb.report import render_html
from ucnb.report.model import Report, ReportOutput

CHROMIUM = "/usr/bin/chromium"


def render(report: Report, *, target: str = "report.pdf", **_: object) -> ReportOutput:
    """PDF bytes of the report's HTML page (`target`: the name quoted in errors)."""
    if not os.path.exists(CHROMIUM):
        raise InputError(
            f"{target}: PDF needs Debian Chromium ({CHROMIUM} not found: "
            "`apt-get install chromium`), or write .html and print it"
        )
    page = render_html.render(report).text
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
