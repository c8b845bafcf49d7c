"""The report: a zombie-process analysis before a remediation, a post-incident report after one
(HTML, Markdown, a plain-text case note, PDF).

    >>> import ucnb
    >>> bundle = ucnb.load("sample_outputs/ex1_cucm_amc/before")
    >>> render_report(bundle, fmt="md", pictures=False).text.splitlines()[0]
    '# Zombie-process analysis: cucm-sub1'

The report is built once as a model (`ucnb.report.build`, `.summary`, `.nodes`: sections of
paragraphs, fields, tables, code blocks and images, plus the case note: data, no markup) and written
by one renderer per format, chosen from one table (`ucnb.report.formats.FORMATS`: html, md, txt,
pdf). Two audiences: `customer` (default: plain words, no kit tokens, no TAC-only alternative) and
`tac` (everything). The same input gives the same bytes: no clock unless `timestamp` is given.

For the web app (and any caller that wants bytes, not files):

- `customer_html(bundle, *, after=None, decisions=None, case=None, redact=False) -> str`: the
  customer report as one self-contained HTML page.
- `case_note(bundle, *, after=None, decisions=None, case=None, audience="customer", redact=False)
  -> str`: the plain-text case note (under 25 lines).
- `decisions_for(bundle, action, *, by="", note="") -> list[dict]`: the decision records of "ACTION
  was decided for every zombie group that offers it" (what `ucnb report --decision` records); a
  notebook passes `ucnb.faces.widgets.DECISIONS.latest()` instead.

Files: `write_report(bundle, path, ...)` picks the format from the suffix and writes atomically
(`ucnb.report.write`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ucnb.errors import InputError
from ucnb.model.results import Bundle
from ucnb.read.secrets import mask_secrets
from ucnb.report.evidence import RedactedLines, SourceLines
from ucnb.report.formats import FORMATS, Format, format_for, format_named
from ucnb.report.model import (
    CaseNote,
    Code,
    Fields,
    Image,
    ItemList,
    Paragraph,
    Preformatted,
    Report,
    ReportOutput,
    Section,
    Strong,
    Table,
)
from ucnb.report.render_md import md_code, md_escape
from ucnb.report.words import AUDIENCES, INTERNAL_TOKENS
from ucnb.report.write import check_output, image_dir_of, write_files

if TYPE_CHECKING:  # the report's heavy parts are imported when a report is made, not with the package
    from ucnb.redact.redactor import Redactor

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "INTERNAL_TOKENS",
    "CaseNote",
    "Code",
    "Fields",
    "Format",
    "Image",
    "ItemList",
    "Paragraph",
    "Preformatted",
    "Report",
    "ReportOutput",
    "Section",
    "SourceLines",
    "Strong",
    "Table",
    "build_report",
    "case_note",
    "customer_html",
    "decisions_for",
    "format_for",
    "md_code",
    "md_escape",
    "render_report",
    "write_report",
]


def build_report(bundle: Bundle, **options: Any) -> Report:
    """The report's model (see `ucnb.report.build.build_report`)."""
    from ucnb.report.build import build_report as build  # the diagnosis, pandas: not for .formats, .write

    return build(bundle, **options)


def _redactor_for(
    bundles: Sequence[Bundle], decisions: Sequence[Mapping[str, Any]], case: str | None
) -> Redactor:
    """One mapping for the case; every piece of its input (captures, file names, what people typed)
    that the allow-list does not keep is known to the redactor, so no sentence of the report quotes it
    (`Redactor.prose`)."""
    from ucnb.redact.redactor import Redactor  # only with redact=True; not for .formats, .write

    texts = [piece for bundle in bundles for piece in SourceLines(bundle.texts).ordered_texts()]
    users = [str(d.get("by")) for d in decisions if d.get("by")]
    redactor = Redactor.discover(texts, bundles=list(bundles), users=users)
    typed = [str(value) for d in decisions for value in d.values() if isinstance(value, str)]
    names = [info.name for bundle in bundles for info in bundle.files]
    redactor.learn_input([*texts, *names, *typed, case or ""])
    return redactor


def render_report(
    bundle: Bundle,
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    fmt: str = "html",
    audience: str = "customer",
    case: str | None = None,
    redact: bool = False,
    timestamp: datetime | str | None = None,
    image_dir: str | None = None,
    pictures: bool = True,
    target: str = "report",
    force_order: bool = False,
    paper: str = "A4",
) -> ReportOutput:
    """The report of `bundle` in format `fmt` (html, md, txt, pdf).

    `decisions`: records like `ucnb.faces.widgets.DECISIONS.latest()` or `decisions_for(...)` (node, ppid,
    action, command, impact, by, note); the last one per (node, ppid) is shown. `redact`: placeholders
    for host names, domains, addresses and user names (see `ucnb.redact.names`). `timestamp`: written
    in the appendix when given; nothing else depends on the clock. Evidence lines are quoted from the
    bundles' own texts. `force_order`: verify against `after` even when it is not later than `bundle`.
    `paper`: the PDF's page size (A4 or Letter).
    """
    kind = format_named(fmt)
    if audience not in AUDIENCES:
        raise InputError(f"unknown audience {audience!r}: use {' or '.join(AUDIENCES)}")
    # the free text typed with a decision or a case is input too: its credentials are never echoed
    decisions = [{k: mask_secrets(v) if isinstance(v, str) else v for k, v in d.items()}
                 for d in decisions or []]
    case = mask_secrets(case) if case else case
    lines: SourceLines = SourceLines(bundle.texts)
    bundles = [bundle] if after is None else [bundle, after]
    redactor = _redactor_for(bundles, decisions, case) if redact else None
    if redactor is not None:
        lines = RedactedLines(lines, redactor)
        # free text typed by people names anyone: each field a placeholder as a whole
        decisions = [{**d, "by": redactor.person(str(d["by"])) if d.get("by") else d.get("by"),
                      "note": redactor.free_text("note", str(d["note"])) if d.get("note") else d.get("note")}
                     for d in decisions]
        case = redactor.free_text("case", case) if case else case
    stamp = timestamp.isoformat(timespec="seconds") if isinstance(timestamp, datetime) else timestamp
    report = build_report(
        bundle,
        after=after,
        decisions=decisions,
        lines=lines,
        redactor=redactor,
        timestamp=stamp,
        pictures=pictures and kind.pictures,
        audience=audience,
        case=case,
        force_order=force_order,
    )
    return kind.render(report, image_dir=image_dir or "report_files", target=target, paper=paper)


def customer_html(
    bundle: Bundle,
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    case: str | None = None,
    redact: bool = False,
) -> str:
    """The customer report as one self-contained HTML page (for a download button)."""
    return render_report(bundle, after=after, decisions=decisions, case=case, redact=redact, fmt="html").text


def case_note(
    bundle: Bundle,
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    case: str | None = None,
    audience: str = "customer",
    redact: bool = False,
) -> str:
    """The plain-text case note: node, count, owner, action, verification, under 25 lines."""
    return render_report(
        bundle, after=after, decisions=decisions, case=case, audience=audience, redact=redact, fmt="txt"
    ).text


def decisions_for(bundle: Bundle, action: str, *, by: str = "", note: str = "") -> list[dict[str, Any]]:
    """Decision records for `action` on every zombie group of `bundle` that offers it (as its
    recommendation or an alternative); InputError when no group does.

    >>> import ucnb
    >>> [d["command"] for d in decisions_for(ucnb.load("sample_outputs/ex1_cucm_amc/before"), "reboot")]
    ['utils system restart']
    """
    from ucnb.diagnosis.diagnose import diagnose  # networkx: not for .formats, .write (CLI help)

    analysis = diagnose(bundle)
    records: list[dict[str, Any]] = []
    offered: set[str] = set()
    for node in analysis.nodes:
        for group in node.groups:
            options: list[tuple[str, str | None, str | None]] = [(group.action, group.command, group.impact)]
            options += [(alt.action, alt.command, None) for alt in group.alternatives or ()]
            offered.update(option[0] for option in options)
            chosen = next((option for option in options if option[0] == action), None)
            if chosen is None:
                continue
            records.append(
                {
                    "node": node.node,
                    "ppid": group.ppid,
                    "action": action,
                    "command": chosen[1],
                    "impact": chosen[2] or group.impact,
                    "by": by,
                    "note": note,
                }
            )
    if not records:
        choices = ", ".join(sorted(offered)) or "none: no zombie group in the capture"
        raise InputError(f"--decision {action}: no zombie group can be cleared that way (choices: {choices})")
    return records


def write_report(
    bundle: Bundle,
    path: str | os.PathLike[str],
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    audience: str = "customer",
    case: str | None = None,
    redact: bool = False,
    timestamp: datetime | str | None = None,
    force_order: bool = False,
    paper: str = "A4",
) -> list[str]:
    """Write the report to `path`, the format from its suffix (.html/.htm, .md with its pictures in
    `<stem>_files/`, .txt the case note, .pdf through Chromium on `paper` A4 or Letter), atomically.
    Returns the files written (the report first)."""
    kind = check_output(path)  # before any work: a bad target fails fast
    image_dir = image_dir_of(path) if kind.images_beside else None
    output = render_report(
        bundle,
        after=after,
        decisions=decisions,
        fmt=kind.name,
        audience=audience,
        case=case,
        redact=redact,
        timestamp=timestamp,
        image_dir=image_dir,
        target=os.fspath(path),
        force_order=force_order,
        paper=paper,
    )
    return write_files(path, output.to_bytes(), output.images)
