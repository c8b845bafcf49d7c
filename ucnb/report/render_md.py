"""The report as Markdown (CommonMark + GFM tables), its images as files beside it.

No text from a bundle can become markup, a link or an image, whatever renders the file (CommonMark,
GitHub's GFM with its autolinks): plain text is backslash-escaped, `<`, `>`, `&` are entities (never
raw HTML), and the autolink triggers are broken (`://`, `www.`, `@`); code is a real code span or
fence with more backticks than any run in the text (code is never linked); in a table a `|` is
never inside a code span. Control, bidi and zero-width characters are shown as `\\uNNNN`.

    >>> md_escape("see http://x.example [y](z)")
    'see http:\\\\/\\\\/x.example \\\\[y\\\\]\\\\(z\\\\)'
    >>> md_code("a`b")
    '``a`b``'
"""

from __future__ import annotations

import re

from ucnb.errors import InputError
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

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LEADING = re.compile(r"^(\s*)(?:([-=>])|(\d+)([.)]))")
_AUTOLINK = re.compile(r"(?i)(:)(//)|(www)(\.)|(@)")


def _flat(text: str) -> str:
    return printable(str(text)).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _break_autolink(match: re.Match[str]) -> str:
    if match.group(1):
        return ":\\/\\/"
    if match.group(3):
        return match.group(3) + "\\."
    return "\\@"


def md_escape(text: str, *, in_table: bool = False) -> str:
    """Plain text for Markdown: markup characters backslash-escaped, `<`, `>`, `&` as entities (never
    raw HTML), autolink triggers broken, line breaks as spaces.

    >>> md_escape("<script>](javascript:x) a@b.example")
    '&lt;script&gt;\\\\]\\\\(javascript:x\\\\) a\\\\@b.example'
    """
    text = _flat(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(_break_autolink, text)
    if in_table:  # no block structure inside a table cell
        return text
    return _LEADING.sub(
        lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"), text
    )


def _span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    edges = text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" "))
    pad = " " if edges else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_code(text: str, *, in_table: bool = False) -> str:
    """A real code span that no backtick in `text` can close. In a table cell the text is cut at its
    `|` into spans joined by an escaped `\\|` (GFM renderers disagree on a `|` inside a span).

    >>> md_code("a|b", in_table=True)
    '`a`\\\\|`b`'
    """
    text = _flat(text)
    if not text.strip():
        return md_escape(text, in_table=in_table) or " "
    if not in_table or "|" not in text:
        return _span(text)
    return "\\|".join(_span(piece) if piece.strip() else piece for piece in text.split("|"))


def _inline(part: Inline, in_table: bool = False) -> str:
    if isinstance(part, Code):
        return md_code(part.text, in_table=in_table)
    if isinstance(part, Strong):
        return f"**{md_escape(part.text, in_table=in_table)}**"
    return md_escape(part, in_table=in_table)


def _text(value: Text, in_table: bool = False) -> str:
    return "".join(_inline(p, in_table) for p in inlines(value))


def md_fence(text: str) -> str:
    """A backtick fence longer than any backtick run in `text` (at least three)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _block(block: Block, image_dir: str) -> list[str]:
    if isinstance(block, Paragraph):
        return [_text(block.parts), ""]
    if isinstance(block, Fields):
        rows = ["| | |", "|---|---|"]
        rows += [
            f"| **{md_escape(label, in_table=True)}** | {_text(value, True)} |" for label, value in block.rows
        ]
        return [*rows, ""]
    if isinstance(block, Table):
        rows = [
            "| " + " | ".join(md_escape(h, in_table=True) for h in block.header) + " |",
            "|" + "---|" * len(block.header),
        ]
        rows += ["| " + " | ".join(_text(c, True) for c in row) + " |" for row in block.rows]
        return [*rows, ""]
    if isinstance(block, Preformatted):
        text = printable(block.text).replace("\r", " ")
        caption = [f"*{md_escape(block.caption)}*", ""] if block.caption else []
        fence = md_fence(text)
        return [*caption, f"{fence}text", text, fence, ""]
    if isinstance(block, Image):
        return [f"![{md_escape(block.alt)}]({image_dir}/{block.name})", ""]
    if isinstance(block, ItemList):
        return [*(f"- {_text(item)}" for item in block.items), ""]
    raise TypeError(type(block))


def render(report: Report, *, image_dir: str = "report_files", **_: object) -> ReportOutput:
    """Markdown text and its images (`image_dir/name` -> PNG bytes), for files beside the report."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", image_dir) or image_dir.startswith("."):
        raise InputError(f"{image_dir!r}: not a usable image folder name (letters, digits, . _ - only)")
    out = [f"# {md_escape(report.title)}", ""]
    for section in report.sections:
        out += [f"{'#' * section.level} {md_escape(section.title)}", ""]
        for block in section.blocks:
            out.extend(_block(block, image_dir))
    images = {f"{image_dir}/{image.name}": image.png for image in report.images()}
    return ReportOutput("\n".join(out).rstrip("\n") + "\n", images, "md")
