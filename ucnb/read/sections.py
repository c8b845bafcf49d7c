"""A capture's command sections, and the `Splitter` that cuts a file's cleaned lines into sessions and
sections at the markers `capture` found (prompts, session starts, noise, pager prompts).

    >>> CaptureSection("ps.txt", 0, "ps", "ps", 4, ["", "PID CMD", "1 init", ""]).source
    'ps.txt:5-6'
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from ucnb.model.results import Unparsed
from ucnb.read.recogniser import Recogniser


@dataclass
class CaptureSection:
    """One command's output inside a file."""

    file: str
    session: int  # index of the session in the file (a banner or logger header starts one)
    command: str  # canonical command or "unknown"
    typed: str | None  # what followed the prompt, None when recognised by content
    first_line: int  # original line number of lines[0]
    lines: list[str]  # cleaned lines, "" for noise
    cut_short: bool = False  # the pager said (lines A - B of C) with B < C at the end
    shell: bool = False  # typed at a Linux shell prompt: the command is recognised by its output
    captured_at: datetime | None = None  # from the session log's time stamps, when it has them
    released: tuple[str, int] | None = field(default=None, repr=False)  # (source, last_line) once let go

    @property
    def last_line(self) -> int:
        if self.released is not None:
            return self.released[1]
        return self.first_line + len(self.lines) - 1

    def release(self) -> None:
        """Let the lines go once parsed (10,000 sessions' lines are 30 MiB); `source` and `last_line`
        stay as they were.

        >>> section = CaptureSection("ps.txt", 0, "ps", "ps", 4, ["", "PID CMD", "1 init", ""])
        >>> section.release(); section.lines, section.source, section.last_line
        ([], 'ps.txt:5-6', 7)
        """
        if self.released is None:
            self.released = (self.source, self.last_line)
            self.lines = []

    @property
    def source(self) -> str:
        """`file:first-last` of its non-blank lines (never an inverted range, also with none).

        A command typed at the prompt with no output at all points at its own prompt line, which
        is the line before the (empty) output and always inside the file.
        """
        if self.released is not None:
            return self.released[0]
        prompt_only = self.typed is not None and self.first_line > 1
        first = last = self.first_line - 1 if prompt_only else self.first_line
        for i, text in enumerate(self.lines):  # trim blank edges for a tight range
            if text.strip():
                first = self.first_line + i
                break
        for i in range(len(self.lines) - 1, -1, -1):
            if self.lines[i].strip():
                last = self.first_line + i
                break
        return f"{self.file}:{first}-{max(first, last)}"


@dataclass
class Capture:
    """A cleaned file: its sections, the session start times, what could not be placed."""

    file: str
    root: str
    text: str = ""  # the decoded file, as read (evidence lines are quoted from it)
    sections: list[CaptureSection] = field(default_factory=list)
    session_times: dict[int, datetime] = field(default_factory=dict)
    session_count: int = 1
    unparsed: list[Unparsed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)  # what markup was taken off (HTML, mail quotes...)


COMMAND_WORD = re.compile(r"^(show|utils|file|set|run|delete|license|unset)\b")


class Splitter:
    """Cuts the cleaned lines of one file into sessions and command sections."""

    def __init__(self, capture: Capture, recogniser: Recogniser, markers: dict[int, tuple],
                 pagers: dict[int, tuple[int, int, int]], stamps: dict[int, datetime]) -> None:
        self.capture, self.recogniser = capture, recogniser
        self.markers, self.pagers, self.stamps = markers, pagers, stamps
        self.session = 0
        self.session_has_content = False
        self.current: CaptureSection | None = None
        self.last_pager: tuple[int, int, int] | None = None
        self.has_data = False
        self.awaiting = False  # a bare `admin:` prompt: the command is on the next line

    def close(self) -> None:
        current = self.current
        if current is not None:
            while current.lines and not current.lines[-1].strip():
                current.lines.pop()
            last = self.last_pager
            current.cut_short = last is not None and last[1] < last[2]
            if self.stamps:  # the time stamp of its prompt line, else of its first stamped line
                first = max(current.first_line - 2, 0)  # 0-based: the line before its first line
                current.captured_at = next(
                    (self.stamps[i] for i in range(first, current.last_line) if i in self.stamps), None)
            if current.lines or current.typed:
                self.capture.sections.append(current)
        self.current = None
        self.last_pager = None

    def open(self, command: str, typed: str | None, index: int, *, shell: bool = False) -> CaptureSection:
        """A new section whose first line is line `index` (0-based)."""
        self.session_has_content = True
        self.current = CaptureSection(self.capture.file, self.session, command, typed, index + 1, [],
                                      shell=shell)
        self.has_data = False  # a non-blank line was added to it
        return self.current

    def prompt(self, typed: str, index: int) -> None:
        """`admin:<typed>` on line `index` opens a section (output glued to the command: its first line)."""
        command, typed_command, glued = self.recogniser.command(typed)
        if glued:
            self.open(command, typed_command, index).lines.append(glued)
            self.has_data = True
        else:
            self.open(command, typed, index + 1)

    def run(self, cleaned: list[str]) -> None:
        # Inside a section, the lines up to the next marker, pager prompt or (prompt-less text) line
        # that `detect` may recognise are plain lines of it: they are added at once.
        stops = sorted({*self.markers, *self.pagers})
        maybe = self.recogniser.candidates("\n".join(cleaned))
        count, index = len(cleaned), 0
        while index < count:
            current = self.current
            stop = index if current is None or self.awaiting else self._plain(index, count, stops, maybe)
            if stop > index:
                assert current is not None
                chunk = cleaned[index:stop]
                current.lines.extend(chunk)
                if (current.typed is None or current.command == "unknown") and any(map(str.strip, chunk)):
                    self.has_data = True
                index = stop
                continue
            self.line(cleaned, index)
            index += 1
        self.close()
        self.capture.session_count = self.session + 1

    def _plain(self, index: int, count: int, stops: list[int], maybe: list[int] | None) -> int:
        """The end of the plain lines of the open section from `index` on (`index`: none)."""
        current = self.current
        assert current is not None
        at = bisect_left(stops, index)
        stop = stops[at] if at < len(stops) else count
        if current.typed is None or current.command == "unknown":  # prompt-less: its content decides
            if maybe is None or (current.shell and not self.has_data):
                return index
            at = bisect_left(maybe, index)
            stop = min(stop, maybe[at]) if at < len(maybe) else stop
        return stop

    def line(self, cleaned: list[str], index: int) -> None:
        """Line `index`, on its own."""
        capture, recogniser = self.capture, self.recogniser
        line = cleaned[index]
        if index in self.pagers:
            self.last_pager = self.pagers[index]
        marker = self.markers.get(index)
        if marker is not None:
            kind = marker[0]
            if kind == "session":
                self.close()
                if self.session_has_content:
                    self.session += 1
                    self.session_has_content = False
                if marker[1] is not None:
                    capture.session_times[self.session] = marker[1]
            elif kind == "prompt":
                self.close()
                self.awaiting = not marker[1]
                if marker[1]:
                    self.prompt(marker[1], index)
            elif kind == "shell":
                self.close()
                self.awaiting = False
                if marker[1]:
                    typed, glued = recogniser.glued(marker[1])  # output collapsed onto the command line
                    section = self.open(recogniser.shell_command(typed), typed, index if glued else index + 1,
                                        shell=True)
                    if glued:
                        section.lines.append(glued)
                        self.has_data = True
            elif self.current is not None:  # plain noise inside a section keeps the line numbering
                self.current.lines.append("")
            return
        stripped = line.strip()
        if self.awaiting and stripped:
            self.awaiting = False
            command = recogniser.command(stripped)[0]
            if command != "unknown" or COMMAND_WORD.match(stripped):
                cleaned[index] = ""
                self.prompt(stripped, index)
                return
        current = self.current
        if current is None:
            if not stripped:
                return
            detected = recogniser.detect(line, True)
            if detected is None:
                self.session_has_content = True
                reason = "outside any recognised command output"
                capture.unparsed.append(Unparsed(f"{capture.file}:{index + 1}", stripped, reason))
                return
            current = self.open(detected, None, index)
        elif stripped and (current.typed is None or current.command == "unknown"):
            # prompt-less text (or a shell command's): a command's output may start without a prompt
            fresh = current.shell and not self.has_data
            detected = recogniser.detect(line, fresh)
            if detected is not None and fresh:
                current.command = detected  # what the shell command printed says what it was
            elif detected is not None and recogniser.starts_new_output(current.command, detected,
                                                                       self.has_data):
                self.close()
                current = self.open(detected, None, index)
            self.has_data = True  # (only this branch reads it: no cost on typed outputs)
        current.lines.append(line)
