"""The report as one self-contained HTML page: inline CSS, images as base64 `data:` URIs, no script,
no remote resource, a Content-Security-Policy that forbids any. Every string is escaped
(`html.escape`), control, bidi and zero-width characters shown as `\\uNNNN`; inline code is `<code>`.

    >>> from ucnb.report.model import Code, Paragraph, Report, Section
    >>> page = render(Report("t", [Section("s", 2, [Paragraph(["run ", Code("<x>")])])])).text
    >>> "<p>run <code>&lt;x&gt;</code></p>" in page
    True
"""

from __future__ import annotations

import base64
import html
import re

from ucnb.report.model import (
    Badge,
    Block,
    Code,
    Fields,
    Image,
    Inline,
    ItemList,
    Paragraph,
    Preformatted,
    Report,
    ReportOutput,
    Strong,
    Table,
    Text,
    inlines,
)
from ucnb.text import printable

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2em auto;max-width:62em;
padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.2em}
h2{font-size:1.3em;margin-top:1.8em;border-bottom:1px solid #ccc}
h3{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef3f8}
table.fields th{background:#f6f6f6;white-space:nowrap}
code,pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em}
code{background:#f3f3f3;padding:0 .2em;white-space:pre-wrap;overflow-wrap:anywhere}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;overflow-x:auto;white-space:pre}
img{max-width:100%;height:auto;border:1px solid #ddd}
figure{margin:.5em 0}
figcaption,.caption{font-size:.85em;color:#555}
td.nb{white-space:nowrap}
.badge{display:inline-block;margin:.2em 0 .6em;padding:.3em .8em;border-radius:.3em;font-weight:bold;
font-size:1.25em;letter-spacing:.04em;border:2px solid;
print-color-adjust:exact;-webkit-print-color-adjust:exact}
.badge .kind{font-weight:normal;font-size:.7em;letter-spacing:0}
.tone-good{color:#0b5d1e;background:#e3f4e8;border-color:#1e8a3a}
.tone-warn{color:#6b4200;background:#fff3d6;border-color:#c98a00}
.tone-bad{color:#8a1010;background:#fde4e4;border-color:#c62828}
.tone-info{color:#0b3d6b;background:#e4effa;border-color:#0072B2}
@media print{body{margin:0;max-width:none}h1,h2,h3,p.lead,.caption{break-after:avoid;page-break-after:avoid}
pre,img,figure,tr{break-inside:avoid;page-break-inside:avoid}table.small{break-inside:avoid;page-break-inside:avoid}}
""".strip()


def escape(text: str, *, quote: bool = False) -> str:
    """Plain text for HTML: invisible characters shown as escapes, markup as entities."""
    return html.escape(printable(str(text)), quote=quote)


SMALL_TABLE = 12  # rows: a table this short is never split over two pages
# a cell that is one time stamp, date, PID, count, or one short word with a hyphen or slash (a node, a
# version, `file:line`): never broken inside
_UNBROKEN = re.compile(
    r"[0-9][0-9,.:%/ -]{0,24}|[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]{5,15}( [A-Z]{2,5})?|(?=\S*[-/])\S{1,32}"
)


def _cell(value: Text) -> str:
    """A table cell; `nb` (no break) when it is one time stamp, number or short word.

    >>> _cell("2026-11-20 09:12:52"), _cell("restart the server")
    ('<td class="nb">2026-11-20 09:12:52</td>', '<td>restart the server</td>')
    """
    parts = inlines(value)
    plain = parts[0] if len(parts) == 1 and isinstance(parts[0], str) else None
    if plain is not None and _UNBROKEN.fullmatch(plain):
        return f'<td class="nb">{escape(plain)}</td>'
    return f"<td>{_text(value)}</td>"


def badge(value: Badge) -> str:
    """The report's one-look verdict, first on the page.

    >>> badge(Badge("PARTIAL", "warn", "Verification"))
    '<p class="badge tone-warn"><span class="kind">Verification:</span> PARTIAL</p>'
    >>> badge(Badge("CLEARED", "ok"))
    '<p class="badge tone-good">CLEARED</p>'
    """
    tone = {"ok": "good"}.get(value.tone, value.tone)  # `ok`: the tone of `model.actions.STATUSES`
    tone = tone if tone in ("good", "warn", "bad", "info") else "info"
    kind = f'<span class="kind">{escape(value.kind)}:</span> ' if value.kind else ""
    return f'<p class="badge tone-{tone}">{kind}{escape(value.label)}</p>'


def _inline(part: Inline) -> str:
    if isinstance(part, Code):
        return f"<code>{escape(part.text)}</code>"
    if isinstance(part, Strong):
        return f"<strong>{escape(part.text)}</strong>"
    return escape(part)


def _text(value: Text) -> str:
    return "".join(_inline(p) for p in inlines(value))


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        if len(block.parts) == 1 and isinstance(block.parts[0], Strong):  # a label over what follows
            return [f'<p class="lead">{_text(block.parts)}</p>']
        return [f"<p>{_text(block.parts)}</p>"]
    if isinstance(block, Fields):
        rows = [f"<tr><th>{escape(label)}</th>{_cell(value)}</tr>" for label, value in block.rows]
        small = " small" if len(block.rows) <= SMALL_TABLE else ""
        return [f'<table class="fields{small}">', *rows, "</table>"]
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
        rows = ["<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in block.rows]
        table = '<table class="small">' if len(block.rows) <= SMALL_TABLE else "<table>"
        return [table, f"<thead><tr>{head}</tr></thead>", "<tbody>", *rows, "</tbody>", "</table>"]
    if isinstance(block, Preformatted):
        caption = f'<div class="caption">{escape(block.caption)}</div>' if block.caption else ""
        return [f"{caption}<pre>{escape(block.text)}</pre>"]
    if isinstance(block, Image):
        data = base64.b64encode(block.png).decode("ascii")
        return [
            f'<figure><img alt="{escape(block.alt, quote=True)}" src="data:image/png;base64,{data}"></figure>'
        ]
    if isinstance(block, ItemList):
        return ["<ul>", *(f"<li>{_text(item)}</li>" for item in block.items), "</ul>"]
    raise TypeError(type(block))


def render(report: Report, *, print_css: str = "", **_: object) -> ReportOutput:
    """A self-contained HTML page: inline CSS, images as data URIs, no script, nothing remote.
    `print_css`: more CSS after the page's own (the PDF's page set-up), already safe CSS."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
        "style-src 'unsafe-inline'\">",
        f"<title>{escape(report.title)}</title>",
        f"<style>{CSS}{print_css}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    if report.badge is not None:
        out.append(badge(report.badge))
    for section in report.sections:
        out.append(f"<h{section.level}>{escape(section.title)}</h{section.level}>")
        for block in section.blocks:
            out.extend(_block(block))
    out += ["</body>", "</html>"]
    return ReportOutput("\n".join(out) + "\n", {}, "html")
