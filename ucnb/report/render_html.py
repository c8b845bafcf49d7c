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

from ucnb.report.model import (
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
code{background:#f3f3f3;padding:0 .2em;white-space:pre-wrap;word-break:break-all}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;overflow-x:auto;white-space:pre}
img{max-width:100%;height:auto;border:1px solid #ddd}
figure{margin:.5em 0}
figcaption,.caption{font-size:.85em;color:#555}
@media print{body{margin:0;max-width:none}h2,h3{page-break-after:avoid}table,pre,img{page-break-inside:avoid}}
""".strip()


def escape(text: str, *, quote: bool = False) -> str:
    """Plain text for HTML: invisible characters shown as escapes, markup as entities."""
    return html.escape(printable(str(text)), quote=quote)


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
        return [f"<p>{_text(block.parts)}</p>"]
    if isinstance(block, Fields):
        rows = [f"<tr><th>{escape(label)}</th><td>{_text(value)}</td></tr>" for label, value in block.rows]
        return ['<table class="fields">', *rows, "</table>"]
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
        rows = ["<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>" for row in block.rows]
        return ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *rows, "</tbody>", "</table>"]
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


def render(report: Report, **_: object) -> ReportOutput:
    """A self-contained HTML page: inline CSS, images as data URIs, no script, nothing remote."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
        "style-src 'unsafe-inline'\">",
        f"<title>{escape(report.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    for section in report.sections:
        out.append(f"<h{section.level}>{escape(section.title)}</h{section.level}>")
        for block in section.blocks:
            out.extend(_block(block))
    out += ["</body>", "</html>"]
    return ReportOutput("\n".join(out) + "\n", {}, "html")
