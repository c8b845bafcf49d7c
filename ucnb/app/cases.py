"""The case folder: each case of the workbench on disk, so that nothing is lost when the app restarts.

One folder per case under the cases folder (`make app CASES=dir`; by default `cases` in the user's
data folder, `platformdirs.user_data_path("ucnb")`):

    <cases>/<case number>/case.json    the case: number, engineer, customer, the decisions, the files
    <cases>/<case number>/before/      the customer's captures before the fix, as uploaded
    <cases>/<case number>/after/       the captures after the fix
    <cases>/<case number>/documents/   the reports and case notes made for the case

Every write is atomic (a temporary file in the same folder, then a rename; a capture folder is
replaced whole), and nothing is written outside the case's folder. `confined` keeps a path given in
the page's address (`?bundle=`) under the cases folder.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> case = CaseFolder.open(root, "698123456", engineer="jdoe", customer="ACME")
    >>> case.record.engineer, [p.name for p in root.iterdir()]
    ('jdoe', ['698123456'])
    >>> CaseFolder.open(root, "698123456").record.customer
    'ACME'
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ucnb.errors import InputError
from ucnb.text import printable

__all__ = [
    "CaseFolder",
    "CaseRecord",
    "KINDS",
    "atomic_write",
    "case_numbers",
    "completions",
    "confined",
    "default_root",
    "safe_name",
]

SCHEMA = "ucnb.case/1"
KINDS = ("before", "after")
CASE_FILE = "case.json"
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def default_root() -> Path:
    """The cases folder: `UCNB_CASES`, else `cases` in the user's data folder."""
    given = os.environ.get("UCNB_CASES", "").strip()
    if given:
        return Path(given).expanduser()
    import platformdirs  # only when no folder is given

    return platformdirs.user_data_path("ucnb") / "cases"


def check_number(number: str) -> str:
    """The case number as a folder name: letters, digits, `.`, `_`, `-` (at most 64), else one line.

    >>> check_number(" 698123456 ")
    '698123456'
    >>> check_number("../etc")
    Traceback (most recent call last):
    ucnb.errors.InputError: case number '../etc': use letters, digits, '.', '_' or '-' (at most 64)
    """
    number = number.strip()
    if not _NUMBER.fullmatch(number) or number in (".", ".."):
        raise InputError(
            f"case number {printable(number)!r}: use letters, digits, '.', '_' or '-' (at most 64)"
        )
    return number


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (a temporary file beside it, then a rename); a link
    or a folder in its place is refused."""
    if path.is_symlink() or path.is_dir():
        raise InputError(f"{printable(path.name)}: not a regular file; not overwritten")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def confined(path: str, root: Path) -> Path:
    """`path` (relative to the cases folder, or absolute) when it lies under `root` once every link is
    resolved; else one line that names neither the path's contents nor the server's folders.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "123").mkdir()
    >>> confined("123", root) == (root / "123").resolve()
    True
    >>> confined("/etc", root)
    Traceback (most recent call last):
    ucnb.errors.InputError: '/etc' is not a case of this workbench: only bundles under its cases folder open
    """
    base = root.resolve()
    candidate = Path(path).expanduser()
    resolved = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if resolved != base and base not in resolved.parents or not resolved.exists():
        raise InputError(
            f"{printable(path)!r} is not a case of this workbench: only bundles under its cases folder open"
        )
    return resolved


@dataclass
class CaseRecord:
    """What `case.json` holds."""

    case: str
    engineer: str = ""
    customer: str = ""
    decisions: list[dict[str, Any]] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # the files as uploaded (names in before/)
    after: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    schema: str = SCHEMA

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> CaseRecord:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


class CaseFolder:
    """One case on disk (see the module's docstring)."""

    def __init__(self, path: Path, record: CaseRecord) -> None:
        self.path = path
        self.record = record

    @classmethod
    def open(
        cls, root: Path, number: str, *, engineer: str | None = None, customer: str | None = None
    ) -> CaseFolder:
        """The case of this number: read when it exists, else made; a non-empty `engineer` or
        `customer` given replaces the stored one."""
        number = check_number(number)
        root.mkdir(parents=True, exist_ok=True)
        path = root / number
        file = path / CASE_FILE
        if file.is_file():
            try:
                record = CaseRecord.read(json.loads(file.read_text(encoding="utf-8")))
            except (ValueError, TypeError) as error:
                raise InputError(
                    f"case {number}: its {CASE_FILE} is unreadable ({type(error).__name__})"
                ) from None
        else:
            path.mkdir(exist_ok=True)
            record = CaseRecord(number)
        case = cls(path, record)
        changed = not file.is_file()
        for name, value in (("engineer", engineer), ("customer", customer)):
            if value is not None and value.strip() and value.strip() != getattr(record, name):
                setattr(record, name, value.strip())
                changed = True
        if changed:
            case.save()
        return case

    def save(self) -> None:
        """Write `case.json` (atomically)."""
        text = json.dumps(asdict(self.record), indent=2, ensure_ascii=False, default=str) + "\n"
        atomic_write(self.path / CASE_FILE, text.encode("utf-8"))

    # ------------------------------------------------------------ captures
    def store(self, kind: str, files: Sequence[tuple[str, Path]]) -> list[Path]:
        """Keep uploaded files (name as sent, where they are now) as the case's `kind` capture,
        replacing the previous one whole; returns their paths in the case."""
        if kind not in KINDS:
            raise InputError(f"unknown capture kind {kind!r}: {' or '.join(KINDS)}")
        staging = Path(tempfile.mkdtemp(prefix=f".{kind}.", dir=self.path))
        names: list[str] = []
        try:
            for number, (name, source) in enumerate(files):
                target = staging / _unique(safe_name(name, number), names)
                names.append(target.name)
                if source.is_dir():
                    shutil.copytree(source, target, symlinks=True)
                else:
                    shutil.copyfile(source, target, follow_symlinks=False)
            final, old = self.path / kind, self.path / f".{kind}.old"
            shutil.rmtree(old, ignore_errors=True)
            if final.exists():
                final.rename(old)
            staging.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        setattr(self.record, kind, names)
        self.save()
        return [self.path / kind / name for name in names]

    def capture(self, kind: str) -> list[Path]:
        """The stored files of the `kind` capture (empty when there is none)."""
        names: list[str] = getattr(self.record, kind)
        return [self.path / kind / name for name in names if (self.path / kind / name).exists()]

    # ------------------------------------------------------------ decisions and documents
    def set_decisions(self, decisions: Iterable[Mapping[str, Any]]) -> None:
        self.record.decisions = [dict(d) for d in decisions]
        self.save()

    def write_document(self, name: str, data: bytes) -> Path:
        folder = self.path / "documents"
        folder.mkdir(exist_ok=True)
        path = folder / safe_name(name)
        atomic_write(path, data)
        if path.name not in self.record.documents:
            self.record.documents.append(path.name)
            self.save()
        return path


def case_numbers(root: Path) -> list[str]:
    """The cases saved under `root`, by number."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / CASE_FILE).is_file() and _NUMBER.fullmatch(p.name))


COMPLETE_AFTER = 4  # characters typed before saved case numbers are offered (a shared screen shows them)
MAX_COMPLETIONS = 10


def completions(numbers: list[str], typed: str) -> list[str]:
    """The saved case numbers that start with `typed`, once it is COMPLETE_AFTER characters long
    (at most MAX_COMPLETIONS); none before.

    >>> saved = ["698123456", "698777000", "700000001"]
    >>> completions(saved, "698"), completions(saved, "6981"), completions(saved, "")
    ([], ['698123456'], [])
    """
    typed = typed.strip()
    if len(typed) < COMPLETE_AFTER:
        return []
    return [number for number in numbers if number.startswith(typed)][:MAX_COMPLETIONS]


def safe_name(name: str, number: int = 0) -> str:
    """A file's base name as sent, reduced to safe characters (no folder, no leading dot).

    >>> safe_name("../../etc/evil\\x1b[31m.txt"), safe_name("..", 3)
    ('evil__31m.txt', 'upload-3')
    """
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(str(name).replace("\\", "/")).name)
    return base.lstrip(".") or f"upload-{number}"


def _unique(name: str, taken: Sequence[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{n}-{name}"
    return candidate
