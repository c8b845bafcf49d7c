"""The report's model: sections of paragraphs, fields, tables, code blocks and images, and the short
case note. Data only, no markup: every string from a bundle is plain text here and the renderers
escape it for their format.

    >>> report = Report("Zombies on cucm-sub1", [Section("Summary", 2, [Paragraph(["1 zombie."])])])
    >>> [type(b).__name__ for s in report.sections for b in s.blocks]
    ['Paragraph']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    """Inline code (a command, a line of a capture)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = str | Code | Strong
Text = str | Code | Strong | list  # a cell or a value: one inline or a list of inlines


def inlines(value: Text) -> list[Inline]:
    """A cell's inlines: the list itself, or the one inline in a list."""
    return list(value) if isinstance(value, list) else [value]


def prose(text: str) -> list[Inline]:
    """The kit's own sentences with their `backticked` commands as code.

    >>> prose("check it with `show process load` again")
    ['check it with ', Code(text='show process load'), ' again']
    """
    parts: list[Inline] = []
    for index, piece in enumerate(re.split(r"`([^`]+)`", text)):
        if piece:
            parts.append(Code(piece) if index % 2 else piece)
    return parts


@dataclass
class Paragraph:
    parts: list[Inline]


@dataclass
class Fields:
    """Label: value rows (a definition table)."""

    rows: list[tuple[str, Text]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[Text]]


@dataclass
class Preformatted:
    """A code block (a text tree, a line of a capture)."""

    text: str
    caption: str = ""


@dataclass
class Image:
    name: str  # file name, e.g. "tree-1-1.png"
    png: bytes
    alt: str


@dataclass
class ItemList:
    items: list[list[Inline]]


Block = Paragraph | Fields | Table | Preformatted | Image | ItemList


@dataclass
class Section:
    title: str
    level: int  # 2 or 3 (the report's title is level 1)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class CaseNote:
    """The short plain-text note a TAC engineer pastes into the case: a title and `label: value` lines."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Badge:
    """The one-look verdict at the top of the report: `label` (CLEARED, PARTIAL, URGENT...), `tone`
    (`good`, `warn`, `bad`, `info`: its colour), `kind` what it judges (`Verification`, `Urgency`)."""

    label: str
    tone: str = "info"
    kind: str = ""


@dataclass
class Report:
    """The report: `title`, `sections`, the case `note`; `badge` shown first; `case` and `nodes` for a
    printed page's header and footer."""

    title: str
    sections: list[Section] = field(default_factory=list)
    note: CaseNote | None = None
    audience: str = "customer"
    badge: Badge | None = None
    case: str | None = None
    nodes: list[str] = field(default_factory=list)

    def images(self) -> list[Image]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Image)]


@dataclass
class ReportOutput:
    """A rendered report: its text (or bytes for a binary format such as PDF), and for Markdown the
    images to write beside it (relative path -> PNG bytes; HTML embeds them)."""

    text: str
    images: dict[str, bytes] = field(default_factory=dict)
    fmt: str = "html"
    data: bytes | None = None

    def to_bytes(self) -> bytes:
        """The file's bytes (UTF-8 for text formats)."""
        return self.data if self.data is not None else self.text.encode("utf-8")
