"""Text from a bundle, made safe to show anywhere (terminal, picture, notebook, report)."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC, BEL, CR...), the bidirectional marks, overrides and isolates that
# can make a line read differently from what it holds (U+061C, U+200E/U+200F, U+202A-U+202E,
# U+2066-U+2069), and the invisible ones that hide inside a word (U+200B-U+200D, U+2060, U+FEFF) or
# break a line where none shows (U+2028, U+2029).
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def printable(text: str) -> str:
    """Show control and bidi-override characters as `\\xNN` / `\\uNNNN`; keep newlines and tabs.

    >>> printable("amc\\x1b[31m \\u202eexe.txt")
    'amc\\\\x1b[31m \\\\u202eexe.txt'
    """
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and `word` as English: the count with thousands separators, the plural when not 1.

    The plural of the last word is regular English (`process` -> `processes`, `entry` -> `entries`)
    unless `many` says otherwise.

    >>> plural(1, "row"), plural(2, "snapshot"), plural(12500, "ancestor"), plural(0, "entry")
    ('1 row', '2 snapshots', '12,500 ancestors', '0 entries')
    >>> plural(3, "zombie process"), plural(2, "PID"), plural(2, "child", "children")
    ('3 zombie processes', '2 PIDs', '2 children')
    """
    if count == 1:
        return f"1 {word}"
    return f"{count:,} {many or _plural_word(word)}"


def size_text(size: int) -> str:
    """A byte count as people write a limit: whole GiB/MiB/KiB when exact, else bytes.

    >>> size_text(512 * 2**20), size_text(2**30), size_text(1536), size_text(1999)
    ('512 MiB', '1 GiB', '1.5 KiB', '1,999 bytes')
    """
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale and size * 10 % scale == 0:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return plural(size, "byte")


def _plural_word(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    return word + "s"
