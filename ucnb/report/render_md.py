"""The report as Markdown (CommonMark + GFM tables), its images as files beside it.

The raw file reads as typed when pasted into a case or a mail: a character is backslash-escaped
only where it would start markup in that position, and never written as an HTML entity. Still no
text from a bundle can become markup, a link, an image or raw HTML, whatever renders the file
(CommonMark, GitHub's GFM with its autolinks):

- always escaped: `` ` `` (code), `*` and `~` (emphasis, strikethrough), `[` (links, images,
  footnotes: without it `]`, `(` and `!` are plain text);
- `_` unless between letters or digits (where it cannot emphasise); `|` in a table cell;
- `<` before a letter, `/`, `!` or `?` (a tag, comment, declaration or autolink); `&` before
  `name;` or `#123;` (an entity); `\\` before punctuation;
- at the start of a block `-`, `+`, `=`, `>`, `#` and `1.` / `1)`; a heading's closing `#`;
- a word GFM would make a link (`scheme://...`, `www....`, `user@host`) is a code span: it reads as
  typed and code is never linked (a backslash does not stop GFM's e-mail autolink).

Code is a real code span or fence with more backticks than any run in the text (code is never
linked); in a table a `|` is never inside a code span. Control, bidi and zero-width characters are
shown as `\\uNNNN`.

    >>> md_escape("IM&P: RTMT > Trace & Log Central > (PID 1234)")
    'IM&P: RTMT > Trace & Log Central > (PID 1234)'
    >>> md_escape("see http://x.example, [y](z) or admin@x.example.")
    'see `http://x.example`, \\\\[y](z) or `admin@x.example`.'
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

_ASCII_PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MARKUP = re.compile(
    rf"\\(?=[{_ASCII_PUNCT}]|$)"  # a backslash that would escape what follows
    r"|[`*~\[]"  # code, emphasis, strikethrough, links and images
    r"|_(?![^\W_])|(?<![^\W_])_"  # `_` that is not between letters or digits
    r"|<(?=[A-Za-z/!?]|$)"  # a tag, comment, declaration or autolink
    r"|&(?=#?[A-Za-z0-9]+;)"  # an entity or a character reference
)
_LEADING = re.compile(r"^(\s*)(?:([-+=>#])|(\d+)([.)]))")
_CLOSING_HASHES = re.compile(r"(?<=\s)(#+)(\s*)$")
_LINKISH = re.compile(r"(?i)\S*(?:://|www\.)\S*|\S+@\S+")  # a word a GFM autolink could start in
_LEAD, _TRAIL = "(\"'", ")\"'.,;:!?"  # punctuation around a link-like word stays outside its code span


def _flat(text: str) -> str:
    return printable(str(text)).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _plain(text: str, in_table: bool) -> str:
    text = _MARKUP.sub(lambda m: "\\" + m.group(0), text)
    return text.replace("|", "\\|") if in_table else text


def _linkish(word: str, in_table: bool) -> str:
    """A link-like word as a code span, its surrounding punctuation as text."""
    core = word.lstrip(_LEAD)
    lead = word[: len(word) - len(core)]
    core = core.rstrip(_TRAIL)
    trail = word[len(lead) + len(core) :]
    if not _LINKISH.fullmatch(core):
        lead, core, trail = "", word, ""
    return _plain(lead, in_table) + md_code(core, in_table=in_table) + _plain(trail, in_table)


def md_escape(text: str, *, in_table: bool = False) -> str:
    """Plain text for Markdown: a character escaped with a backslash only where it would start markup
    (see the module's docstring), a link-like word as code, line breaks as spaces.

    >>> md_escape("<script>](javascript:x) &amp; a_b _c_")
    '\\\\<script>](javascript:x) \\\\&amp; a_b \\\\_c\\\\_'
    >>> md_escape("1. first # not a heading #")
    '1\\\\. first # not a heading \\\\#'
    """
    text = _flat(text)
    pieces: list[str] = []
    start = 0
    for match in _LINKISH.finditer(text):
        pieces.append(_plain(text[start : match.start()], in_table))
        pieces.append(_linkish(match.group(0), in_table))
        start = match.end()
    pieces.append(_plain(text[start:], in_table))
    text = "".join(pieces)
    if in_table:  # no block structure inside a table cell
        return text
    text = _CLOSING_HASHES.sub(lambda m: "\\#" * len(m.group(1)) + m.group(2), text)
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
    if report.badge is not None:  # the one-look verdict, first under the title
        kind = f"{md_escape(report.badge.kind)}: " if report.badge.kind else ""
        out += [f"**{kind}{md_escape(report.badge.label)}**", ""]
    for section in report.sections:
        out += [f"{'#' * section.level} {md_escape(section.title)}", ""]
        for block in section.blocks:
            out.extend(_block(block, image_dir))
    images = {f"{image_dir}/{image.name}": image.png for image in report.images()}
    return ReportOutput("\n".join(out).rstrip("\n") + "\n", images, "md")
