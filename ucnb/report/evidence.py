"""Evidence lines quoted exactly from the bundle's own texts (`Bundle.texts`), as the customer's files
hold them (terminal artefacts removed); redaction scans the same texts.

    >>> import ucnb
    >>> lines = SourceLines(ucnb.load("sample_outputs/ex1_cucm_amc/before").texts)
    >>> lines.line("show_process_list_detail.txt:3")[:26]
    'root         1     0  0 Oc'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceLines:
    """The text of a bundle's files by name, to quote evidence lines exactly."""

    texts: dict[str, str] = field(default_factory=dict)  # name -> decoded text (as the redactor reads it)
    _split: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def _lines(self, name: str) -> list[str] | None:
        if name not in self._split:
            if name not in self.texts:
                return None
            raw = self.texts[name].split("\n")
            if raw and raw[-1] == "":
                raw.pop()
            self._split[name] = raw
        return self._split[name]

    def line(self, source: str | None) -> str | None:
        """The line `file:N` as the engineer saw it on the terminal (ANSI, CR, pager prompts removed)."""
        from ucnb.read.capture import clean_line  # the capture layer (~90 ms): not for the CLI's help

        if not source or ":" not in source:
            return None
        name, _, number = source.rpartition(":")
        lines = self._lines(name)
        if lines is None or not number.isdigit() or len(number) > 12 or not 1 <= int(number) <= len(lines):
            return None
        return clean_line(lines[int(number) - 1])

    def find(self, source_range: str | None, word: str) -> tuple[str, str] | None:
        """The first line of `file:A-B` containing `word`: (`file:N`, text)."""
        if not source_range:
            return None
        match = re.fullmatch(r"(.+):(\d{1,12})-(\d{1,12})", source_range)
        if not match:
            return None
        name, first, last = match.group(1), int(match.group(2)), int(match.group(3))
        lines = self._lines(name) or []
        for number in range(first, min(last, len(lines)) + 1):
            text = self.line(f"{name}:{number}") or ""
            if word in text:
                return f"{name}:{number}", text
        return None

    def ordered_texts(self) -> list[str]:
        """Each file's name then its text, files sorted by name (the redactor's traversal)."""
        return [piece for name in sorted(self.texts) for piece in (name, self.texts[name])]


class RedactedLines(SourceLines):
    """Source lines looked up by original names; texts returned redacted by the allow-list (names are
    redacted by the report together with the analysis)."""

    def __init__(self, lines: SourceLines, redactor: Any) -> None:
        super().__init__(lines.texts)
        self._redactor = redactor

    def line(self, source: str | None) -> str | None:
        text = super().line(source)
        return None if text is None else self._redactor.strict(text)

    def find(self, source_range: str | None, word: str) -> tuple[str, str] | None:
        found = super().find(source_range, word)
        return None if found is None else (found[0], self._redactor.strict(found[1]))


def line_text(lines: SourceLines | None, source: str | None, parsed: str | None) -> str:
    """The exact line at `source`, else the parsed text."""
    exact = lines.line(source) if lines is not None else None
    return exact if exact is not None else (parsed or "?")
