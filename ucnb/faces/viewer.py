"""The capture viewer: a bundle's capture files with line numbers, a search box and the evidence lines
highlighted; the seed procedure's "open the listing, search defunct", in a notebook or the web app.

Stable API (the web app and the training notebooks use it; add, never rename):
- `CaptureViewer(texts, *, evidence=())` or `CaptureViewer.from_bundle(bundle, evidence=())`:
  `texts` maps file name -> decoded text (`Bundle.texts`); `evidence` is `file:line` or
  `file:first-last` sources to highlight (the web app passes the diagnosis's; a quiz passes none).
- `.widget`: display it. `.show(file, line=None)`: open `file` at `line` (None: its start).
  `.search(term)`: find `term` in every file and open the first match; `.next_match()`,
  `.previous_match()`. `.matches`: the `file:line` of every match (at most `MAX_MATCHES`).
  `.shown`: the `Window` on screen (what lines, which highlighted), to assert on without a browser.
- `CaptureText`: the same model without widgets.

Bounded: a window of `WINDOW` lines (a few above the line asked for, the rest below; buttons page
it), a line cut at `MAX_LINE_CHARS`. Escaped: a process name holding markup stays text.

    >>> viewer = CaptureViewer.from_bundle(bundle)
    >>> viewer.search("defunct")
    >>> viewer.matches
    ['show_process_list.txt:188', 'show_process_list_detail.txt:251']
    >>> viewer.shown.first, [(v.number, v.match) for v in viewer.shown.lines if v.focus]
    (182, [(188, True)])
    >>> viewer.show("show_status.txt", 2); viewer.shown.file, viewer.shown.first
    ('show_status.txt', 1)
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from ucnb.errors import InputError
from ucnb.read.capture import clean_line
from ucnb.text import plural, printable

__all__ = ["CaptureText", "CaptureViewer", "ViewLine", "Window", "parse_source"]

WINDOW = 200  # lines on screen at once
ABOVE = 6  # lines shown above the line asked for
MAX_LINE_CHARS = 1000  # a longer line is cut (its length said)
MAX_MATCHES = 5000  # matches listed; the search stops there and says so
MAX_TERM = 200  # characters of a search term

_SOURCE = re.compile(r"(?P<file>.+):(?P<first>\d{1,12})(?:-(?P<last>\d{1,12}))?")


def parse_source(source: str) -> tuple[str, int, int] | None:
    """`file:line` or `file:first-last` as (file, first, last); None for anything else.

    >>> parse_source("ps.txt:12"), parse_source("logs/a:b.txt:3-4"), parse_source("ps.txt")
    (('ps.txt', 12, 12), ('logs/a:b.txt', 3, 4), None)
    """
    found = _SOURCE.fullmatch(source or "")
    if not found:
        return None
    first = int(found.group("first"))
    last = int(found.group("last") or first)
    return found.group("file"), first, max(first, last)


def _pattern(term: str) -> re.Pattern[str] | None:
    """What a search term finds: a number as a whole number (PID 2290 is not 22908), anything else
    as text, case ignored."""
    term = term.strip()[:MAX_TERM]
    if not term:
        return None
    if term.isdigit():
        return re.compile(rf"(?<!\d){term}(?!\d)")
    return re.compile(re.escape(term), re.IGNORECASE)


@dataclass(frozen=True)
class ViewLine:
    """One line on screen: its number in the file, its text (printable, cut), and its marks."""

    number: int
    text: str
    match: bool = False  # the search term is on it
    evidence: bool = False  # the diagnosis cites it
    focus: bool = False  # the line asked for


@dataclass(frozen=True)
class Window:
    """The part of one file on screen: lines `first`..`last` of `total`."""

    file: str
    first: int
    last: int
    total: int
    lines: tuple[ViewLine, ...]
    focus: int | None = None


class CaptureText:
    """The model: files, their lines, searches and windows, no widgets.

    >>> model = CaptureText({"ps.txt": "PID CMD\\n7 <b>x</b> <defunct>\\n8 sh\\n"}, evidence=["ps.txt:3"])
    >>> model.search("defunct")
    ['ps.txt:2']
    >>> [(v.number, v.match, v.evidence) for v in model.window("ps.txt", 2, term="defunct").lines]
    [(1, False, False), (2, True, False), (3, False, True)]
    """

    def __init__(self, texts: Mapping[str, str], *, evidence: Iterable[str] = ()) -> None:
        self.texts = dict(texts)
        self.files = sorted(self.texts)
        self._lines: dict[str, list[str]] = {}
        self.evidence: dict[str, set[int]] = {}
        for source in evidence:
            parsed = parse_source(source)
            if parsed and parsed[0] in self.texts:
                file, first, last = parsed
                self.evidence.setdefault(file, set()).update(range(first, min(last, first + WINDOW) + 1))
        self.truncated = False  # the last search stopped at MAX_MATCHES

    def lines(self, file: str) -> list[str]:
        """The file's lines as they were captured (one final empty line dropped)."""
        if file not in self.texts:
            raise InputError(f"no capture file named {printable(file)!r} in this bundle")
        if file not in self._lines:
            raw = self.texts[file].split("\n")
            if raw and raw[-1] == "":
                raw.pop()
            self._lines[file] = raw
        return self._lines[file]

    def search(self, term: str) -> list[str]:
        """Every line holding `term`, as `file:line`, files in name order (at most MAX_MATCHES)."""
        pattern = _pattern(term)
        self.truncated = False
        if pattern is None:
            return []
        found: list[str] = []
        for file in self.files:
            if not pattern.search(self.texts[file]):
                continue
            for number, raw in enumerate(self.lines(file), 1):
                if pattern.search(raw) or pattern.search(clean_line(raw)):
                    found.append(f"{file}:{number}")
                    if len(found) >= MAX_MATCHES:
                        self.truncated = True
                        return found
        return found

    def window(
        self, file: str, line: int | None = None, *, term: str = "", first: int | None = None
    ) -> Window:
        """The lines on screen for `file` at `line` (a few lines above it), or from `first`."""
        lines = self.lines(file)
        total = len(lines)
        focus = min(max(line, 1), total) if line is not None and total else None
        if first is None:  # the line asked for near the top, where the eye lands
            first = max(1, (focus - ABOVE) if focus is not None else 1)
        else:  # paging: a full window where the file allows
            first = max(1, min(first, total - WINDOW + 1))
        last = min(total, first + WINDOW - 1)
        pattern = _pattern(term)
        marked = self.evidence.get(file, set())
        shown = []
        for number in range(first, last + 1):
            raw = lines[number - 1]
            text = clean_line(raw)
            match = bool(pattern and (pattern.search(text) or pattern.search(raw)))
            shown.append(ViewLine(number, _cut(printable(text)), match=match, evidence=number in marked,
                                  focus=number == focus))
        return Window(file, first if total else 0, last, total, tuple(shown), focus)


def _cut(text: str) -> str:
    if len(text) <= MAX_LINE_CHARS:
        return text
    return f"{text[:MAX_LINE_CHARS]} … ({plural(len(text) - MAX_LINE_CHARS, 'more character')})"


_STYLE = (
    "<style>"
    ".ucnb-viewer{font-family:monospace;font-size:13px;white-space:pre;overflow:auto;max-height:32em;"
    "border:1px solid #ccc;background:#fff;color:#111;max-width:100%;box-sizing:border-box}"
    ".ucnb-viewer .ucnb-line{padding:0 6px}"
    ".ucnb-viewer .ucnb-no{display:inline-block;min-width:6ch;text-align:right;color:#777;"
    "margin-right:1.5ch;user-select:none}"
    ".ucnb-viewer .ucnb-evidence{background:#fff4c2;border-left:4px solid #e0a800}"
    ".ucnb-viewer .ucnb-focus{background:#ffe08a;font-weight:bold}"
    ".ucnb-viewer mark{background:#ffb3b3;color:#000}"
    "</style>"
)


def render_html(window: Window, term: str = "") -> str:
    """The window as HTML: numbered lines, the term marked, evidence and focus lines shaded; every
    text escaped.

    >>> w = Window("ps", 1, 1, 1, (ViewLine(1, "<b>sh</b> <defunct>", match=True, focus=True),), 1)
    >>> "&lt;b&gt;sh&lt;/b&gt; &lt;<mark>defunct</mark>&gt;" in render_html(w, "defunct")
    True
    """
    pattern = _pattern(term)
    rows = []
    for line in window.lines:
        classes = "ucnb-line" + (" ucnb-evidence" if line.evidence else "")
        classes += (" ucnb-focus" if line.focus else "") + (" ucnb-match" if line.match else "")
        rows.append(f'<div class="{classes}" data-line="{line.number}">'
                    f'<span class="ucnb-no">{line.number}</span>{_marked(line.text, pattern)}</div>')
    body = "".join(rows) or '<div class="ucnb-line"><i>(empty file)</i></div>'
    return f'{_STYLE}<div class="ucnb-viewer">{body}</div>'


def _marked(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return html.escape(text)
    out, at = [], 0
    for found in pattern.finditer(text):
        if found.end() == found.start():
            continue
        out.append(html.escape(text[at:found.start()]) + f"<mark>{html.escape(found.group())}</mark>")
        at = found.end()
    return "".join(out) + html.escape(text[at:])


class CaptureViewer:
    """The widget over a `CaptureText` (see the module's docstring for the stable API).

    >>> viewer = CaptureViewer({"a.txt": "one\\ntwo <defunct>\\n"}, evidence=["a.txt:2"])
    >>> viewer.show("a.txt", 2)
    >>> [(v.number, v.evidence, v.focus) for v in viewer.shown.lines]
    [(1, False, False), (2, True, True)]
    """

    def __init__(self, texts: Mapping[str, str], *, evidence: Iterable[str] = ()) -> None:
        self.model = CaptureText(texts, evidence=evidence)
        self.matches: list[str] = []
        self.term = ""
        self._at = -1  # index of the current match
        files = self.model.files
        self.files = widgets.Dropdown(options=files, value=files[0] if files else None, description="File:",
                                      layout=widgets.Layout(width="max-content"))
        self.box = widgets.Text(placeholder="defunct, or a PID", description="Search:",
                                continuous_update=False)
        self.find = widgets.Button(description="Find", icon="search")
        self.previous = widgets.Button(description="Previous match", disabled=True)
        self.next = widgets.Button(description="Next match", disabled=True)
        self.earlier = widgets.Button(description="Earlier lines")
        self.later = widgets.Button(description="Later lines")
        self.position = widgets.HTML()
        self.body = widgets.HTML(layout=widgets.Layout(width="100%", min_width="0"))
        self.widget = widgets.VBox([
            widgets.HBox([self.files, self.box, self.find, self.previous, self.next],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.position, self.body, widgets.HBox([self.earlier, self.later]),
        ], layout=widgets.Layout(width="100%"))
        self.widget.add_class("ucnb-capture-viewer")
        self.shown = Window("", 0, 0, 0, ())
        self.files.observe(lambda change: self._file_picked(change["new"]), names="value")
        self._typing = False
        self.box.observe(lambda change: None if self._typing else self.search(change["new"]), names="value")
        self.find.on_click(lambda _b: self.search(self.box.value))
        self.next.on_click(lambda _b: self.next_match())
        self.previous.on_click(lambda _b: self.previous_match())
        self.earlier.on_click(lambda _b: self._page(-1))
        self.later.on_click(lambda _b: self._page(1))
        if files:
            self.show(files[0])
        else:
            self.position.value = "<i>No capture file.</i>"

    @classmethod
    def from_bundle(cls, bundle: Any, *, evidence: Iterable[str] = ()) -> CaptureViewer:
        """The viewer over a `ucnb.load` bundle's files."""
        return cls(bundle.texts, evidence=evidence)

    # ------------------------------------------------------------ what the engineer does
    def show(self, file: str, line: int | None = None) -> None:
        """Open `file` at `line` (its first lines when None)."""
        self._render(self.model.window(file, line, term=self.term))

    def open_source(self, source: str) -> bool:
        """Open a `file:line` (or `file:first-last`) of the diagnosis; False when it names no file here."""
        parsed = parse_source(source)
        if parsed is None or parsed[0] not in self.model.texts:
            return False
        self.show(parsed[0], parsed[1])
        return True

    def search(self, term: str) -> None:
        """Find `term` in every file and open the first match."""
        self.term = term.strip()[:MAX_TERM]
        if self.box.value != term:
            self._typing = True  # the box's observer must not search a second time
            try:
                self.box.value = term
            finally:
                self._typing = False
        self.matches = self.model.search(self.term)
        self._at = -1
        if self.matches:
            self.next_match()
        else:
            self._render(self.model.window(self.shown.file, self.shown.focus, term=self.term,
                                           first=self.shown.first) if self.shown.file else self.shown)

    def next_match(self) -> None:
        self._go(self._at + 1)

    def previous_match(self) -> None:
        self._go(self._at - 1)

    # ------------------------------------------------------------ internals
    def _go(self, index: int) -> None:
        if not self.matches:
            return
        self._at = index % len(self.matches)
        parsed = parse_source(self.matches[self._at])
        if parsed:
            self.show(parsed[0], parsed[1])

    def _file_picked(self, file: str | None) -> None:
        if file and file != self.shown.file:
            self.show(file)

    def _page(self, direction: int) -> None:
        if self.shown.file:
            first = self.shown.first + direction * (WINDOW - ABOVE)
            self._render(self.model.window(self.shown.file, self.shown.focus, term=self.term, first=first))

    def _render(self, window: Window) -> None:
        self.shown = window
        if window.file and self.files.value != window.file:
            self.files.value = window.file
        self.body.value = render_html(window, self.term)
        name = html.escape(printable(window.file))
        where = f"{name}: empty"
        if window.total:
            where = f"{name}: lines {window.first}-{window.last} of {window.total}"
        if self.term:
            if self.matches:
                more = " or more" if self.model.truncated else ""
                found = f"match {self._at + 1} of {len(self.matches)}{more}" if self._at >= 0 else \
                    plural(len(self.matches), "match", "matches")
                where += f" &middot; <b>{html.escape(self.term)}</b>: {found}"
            else:
                where += f" &middot; <b>{html.escape(self.term)}</b>: not found in any file"
        self.position.value = f'<span class="ucnb-viewer-position">{where}</span>'
        self.earlier.disabled = window.first <= 1
        self.later.disabled = window.last >= window.total
        self.previous.disabled = self.next.disabled = len(self.matches) < 2
