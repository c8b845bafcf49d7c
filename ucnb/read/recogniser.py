"""What the capture layer knows of commands: the `Recogniser`, built from the table of
`ucnb.read.parsers.commands` (which owns the entries; this module knows none of them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any


def line_start(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`pattern` after the blanks starting a line: (at the text's start, after a newline). The blanks
    are taken possessively (no pattern starts with one): a line of a million blanks is read once,
    not once per blank."""
    return re.compile(rf"[^\S\n]*+(?:{pattern})"), re.compile(rf"\n(?=[^\S\n]*+(?:{pattern}))")


# the last stage of a shell pipeline that prints a count
_COUNTS = re.compile(r"\|\s*(?:grep\s+(?:-\w*c\w*|--count)\b[^|]*|wc\s+-l)\s*$")


class Recogniser:
    """What the capture layer knows of commands, built from the table of `ucnb.read.parsers.commands`
    (duck-typed entries: `name`, `args`, `starts`, `detect`, `hint`, `detect_rows`, `shell`, `counts`,
    `glued`, `wrapped`, `group`, `sealed`, `reruns`).

    >>> from ucnb.read.parsers.commands import RECOGNISER
    >>> RECOGNISER.command("sh proc list det")
    ('show process list detail', 'sh proc list det', '')
    >>> RECOGNISER.command("show network cluster 10.1.1.1 cucm-pub Publisher")
    ('show network cluster', 'show network cluster', '10.1.1.1 cucm-pub Publisher')
    """

    def __init__(self, specs: Sequence[Any]) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self._words = [(spec.name.split(), spec) for spec in specs]
        starts = [(f"c{i}", spec) for i, spec in enumerate(specs) if spec.starts]
        self._starts = re.compile("|".join(f"(?P<{key}>{spec.starts})" for key, spec in starts))
        self._start_name = {key: spec.name for key, spec in starts}
        # (hint, test, name) flattened: a row of data costs a few substring tests (no generator)
        self._hinted = [(hint, spec.detect, spec.name) for spec in specs if spec.detect for hint in spec.hint]
        self._unhinted = [(spec.detect, spec.name) for spec in specs if spec.detect and not spec.hint]
        self._hints = tuple(dict.fromkeys(hint for hint, _, _ in self._hinted))  # each looked for once
        self._row_detectors = [(spec.detect_rows, spec.name) for spec in specs if spec.detect_rows]
        self._line_starts = line_start(self._starts.pattern)
        self._args = {spec.name: re.compile(spec.args, re.IGNORECASE) for spec in specs}
        self._shell = {word: spec.name for spec in specs for word in spec.shell}
        self._glued = [spec.glued for spec in specs if spec.glued is not None]
        self._wrapped = [spec.wrapped for spec in specs if getattr(spec, "wrapped", None) is not None]
        # the output that a pipeline ending in a count prints (`| grep -c Z`, `| wc -l`)
        self._counts = next((spec.name for spec in specs if spec.counts), "")

    def shell_command(self, typed: str) -> str:
        """The command a Linux shell command line prints the output of (`sudo ps axjfww` -> a
        listing), or "unknown": then its output says what it is."""
        if self._counts and _COUNTS.search(typed):  # `ps --ppid 4290 | grep -c Z`: a bare number
            return self._counts
        words = program_words(typed.split())
        return self._shell.get(words[0].rsplit("/", 1)[-1], "unknown") if words else "unknown"

    def glued(self, typed: str) -> tuple[str, str]:
        """A shell command line with output glued after it (a web page lost the line ends): (the
        command, the output); (`typed`, "") when nothing is glued."""
        for split in self._glued:
            command, output = split(typed)
            if output:
                return command, output
        return typed, ""

    def unwrap_header(self, line: str, following: str) -> str | None:
        """The header made whole when `line` is one that a mail or a terminal wrapped onto
        `following`; else None."""
        for join in self._wrapped:
            header = join(line, following)
            if header is not None:
                return header
        return None

    def command(self, typed: str) -> tuple[str, str, str]:
        """(canonical command or "unknown", the command as typed, output glued after it on the line).

        Typed words may be abbreviated ("sh proc lo"); the words after the command are its options
        when the command's `args` allow them, else they are output collapsed onto the prompt line."""
        words = typed.split()
        best, best_len = None, 0
        for cwords, spec in self._words:
            if len(words) < len(cwords) or len(cwords) <= best_len:
                continue
            if all(w == c or (len(w) >= 2 and c.startswith(w)) for w, c in zip(words, cwords, strict=False)):
                best, best_len = spec, len(cwords)
        if best is None:
            return "unknown", typed.strip(), ""
        cut = re.match(r"\s*" + r"\s+".join(r"\S+" for _ in range(best_len)), typed)
        assert cut is not None
        rest = typed[cut.end():].strip()
        if not rest or self._args[best.name].fullmatch(rest):
            return best.name, typed.strip(), ""
        return best.name, cut.group().strip(), rest

    def detect(self, line: str, rows: bool = False) -> str | None:
        """The command whose output starts with this line, judged by content alone (`rows`: also a
        data row of a headerless layout). Called on every line of prompt-less text, so the common
        case (a data row) costs one anchored regex match and a few substring tests."""
        stripped = line.lstrip()
        match = self._starts.match(stripped)
        if match:
            return self._start_name[match.lastgroup or ""]
        if any(map(stripped.__contains__, self._hints)):  # one C loop: the common row has no hint
            for hint, detect, name in self._hinted:
                if hint in stripped and detect(stripped):
                    return name
        return self._detect_more(line, stripped, rows) if rows or self._unhinted else None

    def candidates(self, text: str) -> list[int] | None:
        """The indexes of the lines of `text` (split at "\\n") on which `detect(line)` may find an
        output start, in order: `detect` is None on every other line. None: any line may be one.

        >>> from ucnb.read.parsers.commands import RECOGNISER
        >>> RECOGNISER.candidates("UID PID PPID CMD\\nroot 1 0 init\\n  top - 10:29:46 up 1 day")
        [0, 2]
        """
        if self._unhinted:
            return None
        return line_indexes(text, self._line_starts, self._hints)

    def _detect_more(self, line: str, stripped: str, rows: bool) -> str | None:
        for detect, name in self._unhinted:
            if detect(stripped):
                return name
        if rows:
            for detect_rows, name in self._row_detectors:
                if detect_rows(line):
                    return name
        return None

    def starts_new_output(self, current: str, detected: str, has_data: bool = False) -> bool:
        """Whether content detected inside `current`'s output (`has_data`: it holds lines already)
        starts another output: another command's, or another run of a command whose header repeats
        (`ps aux | grep Z` pasted three times)."""
        spec = self.specs.get(current)
        if detected == current and spec is not None and spec.reruns and has_data:
            return True
        if detected == current or (spec is not None and spec.sealed):
            return False  # one more `top` snapshot, a repeated header; show tech has labels of its own
        other = self.specs.get(detected)
        return spec is None or other is None or spec.group != other.group


def line_indexes(text: str, starts: tuple[re.Pattern[str], re.Pattern[str]] | None,
                  hints: Sequence[str] = ()) -> list[int]:
    """The indexes of the lines of `text` (split at "\\n"), in order, that start with `starts` (see
    `line_start`) or hold one of the `hints` (substrings): one search of the text each."""
    positions: list[int] = []
    if starts is not None:
        at_start, after_newline = starts
        if at_start.match(text):
            positions.append(0)
        positions.extend(match.end() for match in after_newline.finditer(text))
    for hint in hints:
        position, streak = text.find(hint), 0
        while position >= 0:
            positions.append(position)
            streak += 1
            if streak < 8:
                position = text.find(hint, position + 1)
                continue
            # many hits in a row: go on from the next line (a long line of hits is read once, and a
            # line with one hit, the usual case, costs one search)
            streak, end = 0, text.find("\n", position)
            position = text.find(hint, end + 1) if end >= 0 else -1
    positions.sort()
    found: list[int] = []
    line, counted = 0, 0
    for position in positions:
        line += text.count("\n", counted, position)
        counted = position
        if not found or found[-1] != line:
            found.append(line)
    return found


def program_words(words: list[str]) -> list[str]:
    """A shell command line's words from its program on, wrappers dropped.

    >>> program_words(["sudo", "busybox", "ps", "-ef"])
    ['ps', '-ef']
    """
    while words and words[0] in ("sudo", "command", "exec", "busybox"):
        words = words[1:]
    return words
