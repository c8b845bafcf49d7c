"""The markup around a pasted capture, taken off before it is read: a web page's `<pre><code>` (tags,
`&lt;defunct&gt;`), a mail's `> >` quotes, Markdown's backticks, and a `ps` header a mail or a terminal
wrapped. Line by line, in place: the line count never changes, and a warning says what was taken off
where (`capture.capture_text` calls them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ucnb.read.parsers.commands import RECOGNISER
from ucnb.read.recogniser import Recogniser

# A web page's `<pre><code>` (tags, `&lt;defunct&gt;`), a mail's `> >` quotes, Markdown's backticks:
# taken off before reading, line by line (the line count never changes), and said in a warning.
HTML_HINTS = ("&lt;", "&gt;", "&amp;", "<pre", "<code", "</pre", "</code", "<br")
HTML_TAG = re.compile(r"</?(?:pre|code|p|br|div|span|tt|kbd|samp|blockquote|li|ul|ol)\b[^<>]{0,200}>",
                      re.IGNORECASE)
HTML_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|nbsp|#39|#x27|#34);")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&apos;": "'", "&nbsp;": " ",
             "&#39;": "'", "&#x27;": "'", "&#34;": '"'}
MAIL_QUOTE = re.compile(r"[ ]{0,3}(?:>[ ]?)+")
_MARKUP_ENTITY = re.compile(r"&(?:lt|gt|amp);")
_MARKUP_TAG = re.compile(r"</?(?:pre|code)\b|<br\b")


def has_markup(text: str) -> bool:
    """Does the file's first 64 KiB (a web page or a mail shows its markup early) hold an entity,
    a `<pre>`/`<code>`/`<br>` tag, a line starting with `>` (or ` >`) or a backtick? Substring tests
    first (one C scan each), a regex only where its first character is there: a clean capture pays
    ~0.04 ms, not the ~0.4 ms of one regex with a `^|\\n` branch trying every position.

    >>> has_markup("PID PPID\\n&lt;defunct&gt;"), has_markup("a > b\\n >quoted"), has_markup("S< 1 2")
    (True, True, False)
    """
    head = text[:65536]
    return ("`" in head or head.startswith((">", " >")) or "\n>" in head or "\n >" in head
            or "&" in head and _MARKUP_ENTITY.search(head) is not None
            or "<" in head and _MARKUP_TAG.search(head) is not None)


BACKTICKED = re.compile(r"(\s*)`([^`]+)`\s*")


def unwrap_markup(name: str, lines: list[str], text: str) -> list[str]:
    """Take the markup around pasted output off `lines` (in place): HTML tags and entities, mail
    quotes (runs of 3 or more lines starting with `>`), a line in backticks; Markdown fences become
    blank. Returns the warnings that say what was taken off and where.

    >>> lines = ["<pre><code>root 7 1 0 10:00 ? 00:00:00 [sh] &lt;defunct&gt;</code></pre>"]
    >>> unwrap_markup("x", lines, lines[0])
    ['x: HTML markup taken off and entities unescaped before reading (line 1)']
    >>> lines
    ['root 7 1 0 10:00 ? 00:00:00 [sh] <defunct>']
    """
    done: dict[str, list[int]] = {}
    if any(hint in text for hint in HTML_HINTS):
        for index, line in enumerate(lines):
            if "<" in line or "&" in line:
                bare = HTML_ENTITY.sub(lambda found: _ENTITIES[found.group()], HTML_TAG.sub("", line))
                if bare != line:
                    lines[index] = bare
                    done.setdefault("HTML markup taken off and entities unescaped", []).append(index)
    if text.startswith(">") or "\n>" in text or "\n >" in text:
        quoted = [bool(MAIL_QUOTE.match(line)) and line.lstrip().startswith(">") for line in lines]
        start = 0
        while start < len(lines):
            end = start
            while end < len(lines) and quoted[end]:
                end += 1
            if end - start >= 3:  # a quoted block (`>> Return code = 0` alone is UCOS's own)
                for index in range(start, end):
                    lines[index] = lines[index][MAIL_QUOTE.match(lines[index]).end():]  # type: ignore[union-attr]
                    done.setdefault("mail quotes (`>`) taken off", []).append(index)
            start = end + 1
    if "`" in text:
        for index, line in enumerate(lines):
            if "`" not in line:
                continue
            if line.strip().startswith("```"):
                lines[index] = ""
                done.setdefault("Markdown fences and backticks taken off", []).append(index)
            elif (found := BACKTICKED.fullmatch(line)) is not None:
                lines[index] = found.group(1) + found.group(2)
                done.setdefault("Markdown fences and backticks taken off", []).append(index)
    return [f"{name}: {what} before reading ({_line_ranges(indexes)})" for what, indexes in done.items()]


def join_wrapped_headers(name: str, lines: list[str], candidates: Sequence[int],
                         recogniser: Recogniser | None = None) -> list[str]:
    """Join a process-listing header that a mail or a terminal wrapped (`F S UID PID ... TIME` then
    `CMD` alone on the next line; any `ps` flavour) onto its first line, in place; the second line
    stays as it is (the listing's parser knows it as the header's tail; the line count never
    changes). `candidates`: the indexes of lines holding "PID". Returns the warning that says where.

    >>> lines = ["F S UID PID PPID C PRI NI ADDR SZ WCHAN STIME TTY TIME", "CMD", "4 S root 1 0 0 80 0 ..."]
    >>> join_wrapped_headers("x", lines, [0])
    ['x: a wrapped `ps` header joined before reading (lines 1-2)']
    >>> lines[:2]
    ['F S UID PID PPID C PRI NI ADDR SZ WCHAN STIME TTY TIME CMD', 'CMD']
    """
    recogniser = recogniser or RECOGNISER
    joined: list[int] = []
    for index in candidates:
        if index + 1 < len(lines) and (header := recogniser.unwrap_header(lines[index], lines[index + 1])):
            lines[index] = header
            joined += [index, index + 1]
    return [f"{name}: a wrapped `ps` header joined before reading ({_line_ranges(joined)})"] if joined else []


def _line_ranges(indexes: list[int]) -> str:
    """ "lines 3-9, 12" for 0-based indexes [2..8, 11]."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    shown = ", ".join(f"{a + 1}" if a == b else f"{a + 1}-{b + 1}" for a, b in runs[:5])
    more = " ..." if len(runs) > 5 else ""
    return f"line{'s' if len(indexes) > 1 else ''} {shown}{more}"
