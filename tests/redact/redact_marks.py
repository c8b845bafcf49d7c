"""Markers planted in every token of an input that the allow-list does not keep, and the search for them
in every redacted output (tests/redact/test_redact_marked.py, test_real_captures_redact.py).

Each such piece of a capture (its text, its file and folder names) becomes a marker `Zqx` + letters
(the same piece, the same marker), a word that no face of the kit writes by itself: any marker found in
a redacted report is an input token that reached the customer's copy past the allow-list, whatever its
class (a service or process name, a version, a file name, a free-text field, a caption, a table cell,
a picture's label or alt text).
"""

from __future__ import annotations

import re
import string
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ucnb.redact.allow import AllowList

MARKER = re.compile(r"Zqx[a-z]*|ZQX[A-Z]*")
_PIECE = re.compile(r"[^\W_]+")


class Marks:
    """One marker per distinct piece (ignoring case), in the order met."""

    def __init__(self) -> None:
        self.table: dict[str, str] = {}
        self.allow = AllowList.default()

    def marker(self, piece: str) -> str:
        key = piece.casefold()
        if key not in self.table:
            number, letters = len(self.table), ""
            while True:
                number, digit = divmod(number, 26)
                letters = string.ascii_lowercase[digit] + letters
                if not number:
                    break
            self.table[key] = "Zqx" + letters
        found = self.table[key]
        return found.upper() if piece.isupper() and len(piece) > 1 else found

    def text(self, text: str) -> str:
        """`text` with every piece that the allow-list does not keep replaced by its marker.

        >>> Marks().text("root 1775 /opt/globex/bin/payd --site Springfield ccm")
        'root 1775 /opt/Zqxa/bin/Zqxb --Zqxc Zqxd ccm'
        """
        return _PIECE.sub(lambda m: m.group() if self.allow.kind(m.group()) else self.marker(m.group()), text)

    def copy(self, source: Path, target: Path) -> Path:
        """A marked copy of a capture file, a folder or a zip archive (written as a folder); its path."""
        if source.suffix == ".zip":
            with zipfile.ZipFile(source) as archive:
                for member in archive.infolist():
                    if not member.is_dir():
                        self._write(target, member.filename, archive.read(member))
            return target
        if source.is_file():
            return self._write(target, source.name, source.read_bytes())
        for path in sorted(source.rglob("*")):
            if path.is_file():
                self._write(target, path.relative_to(source).as_posix(), path.read_bytes())
        return target

    def _write(self, target: Path, name: str, data: bytes) -> Path:
        path = target.joinpath(*(self.text(part) for part in name.split("/")))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.text(data.decode("utf-8", "replace")))
        return path


def found(text: str, width: int = 60) -> list[str]:
    """Every marker in `text` with what stands before it (to say where it leaked)."""
    return [text[max(0, m.start() - width) : m.end()] for m in MARKER.finditer(text)]


@contextmanager
def picture_labels() -> Iterator[list[str]]:
    """Every text drawn into a picture of a report made inside the block (labels, titles, legends)."""
    from matplotlib.text import Text

    import ucnb.faces.draw as draw

    drawn: list[str] = []
    original = draw.figure_to_png_bytes

    def recording(fig: Any, **options: Any) -> bytes:
        drawn.extend(t.get_text() for t in fig.findobj(Text))
        return original(fig, **options)

    draw.figure_to_png_bytes = recording  # the report imports it when it draws
    try:
        yield drawn
    finally:
        draw.figure_to_png_bytes = original
