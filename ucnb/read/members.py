"""What the reader of PATHs knows of one file or archive member: its kind (by magic bytes), its safe
posix name, whether it is litter (`.git/`, `.DS_Store`...), when it was saved, why a tar member is
refused, and names cut short for messages (`sources.read_sources` reads with them).

    >>> archive_kind("case.bin", b"PK\\x03\\x04..."), member_name("x.zip", "cucm-pub\\\\load.txt")
    ('zip', 'cucm-pub/load.txt')
"""

from __future__ import annotations

import io
import re
import struct
import tarfile
import zipfile
from datetime import UTC, datetime, timedelta

from ucnb.errors import InputError
from ucnb.text import printable

MAX_DEPTH = 64  # folder levels below a PATH (a UC bundle has 2 or 3)
NAME_LIMIT = 200  # characters of a name quoted in an error message or a warning

LITTER_DIRS = frozenset({".git", ".svn", ".hg", "__MACOSX"})
LITTER_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SUFFIX_KINDS = (  # fallback when the magic bytes say nothing (a garbage `x.zip` is then corrupt)
    (".tar.gz", "gz"), (".tgz", "gz"), (".tar.bz2", "bz2"), (".tbz2", "bz2"), (".tar.xz", "xz"),
    (".txz", "xz"), (".gz", "gz"), (".bz2", "bz2"), (".xz", "xz"), (".zip", "zip"), (".tar", "tar"),
)

Saved = tuple[datetime | None, str]  # (mtime, where it comes from), as on SourceFile


def printable_name(name: str) -> str:
    """A file name that can be printed anywhere: bytes that are not UTF-8 (surrogate escapes) become
    U+FFFD and control characters (ESC, BEL, CR, newline...) are written `\\xNN`, so a name like
    `ps\\x1b[31m.txt` is shown as text by every face (terminal, notebook, report), never obeyed."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return printable(text.replace("\n", "\\x0a").replace("\t", "\\x09"))


def archive_kind(name: str, data: bytes) -> str | None:
    """"zip", "tar", "gz", "bz2", "xz" or None, by magic bytes first, then by suffix."""
    if data[:4] in _ZIP_MAGICS:
        return "zip"
    if data[:2] == b"\x1f\x8b":
        return "gz"
    if data[:3] == b"BZh" and data[3:4].isdigit():
        return "bz2"
    if data[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if data[257:262] == b"ustar":
        return "tar"
    lower = name.lower()
    return next((kind for suffix, kind in _SUFFIX_KINDS if lower.endswith(suffix)), None)


def strip_compression(name: str) -> str:
    stripped = re.sub(r"\.(gz|bz2|xz)$", "", name, flags=re.IGNORECASE)
    return stripped if stripped and not stripped.endswith("/") else name


def member_name(label: str, raw: str) -> str:
    """The safe posix form of an archive member's path ("" for the archive's root folder)."""
    text = raw.replace("\\", "/")
    if text.startswith("/") or re.match(r"[A-Za-z]:", text):
        raise InputError(f"{label}: member {short(raw)!r} has an absolute path (refused)")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise InputError(f"{label}: member {short(raw)!r} escapes the bundle with '..' (refused)")
    if len(parts) > MAX_DEPTH + 1:
        raise InputError(f"{label}: member {short(raw)!r} is nested more than {MAX_DEPTH} folders deep "
                         "(refused)")
    return printable_name("/".join(parts))


def is_litter(name: str) -> bool:
    parts = name.split("/")
    base = parts[-1]
    return bool(LITTER_DIRS.intersection(parts[:-1])) or base in LITTER_FILES or base.startswith("._")


def from_epoch(seconds: float) -> datetime | None:
    """A POSIX time as an aware UTC datetime (None when out of range), to the second."""
    try:
        return datetime.fromtimestamp(int(seconds), UTC)
    except (OverflowError, OSError, ValueError):
        return None


_NTFS_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def _zip_extra_utc(extra: bytes) -> datetime | None:
    """The UTC modification time of a zip entry's extra field: the extended timestamp (0x5455,
    Info-ZIP) or the NTFS times (0x000a, Windows, 7-Zip); None when it holds neither."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + size]
        at += 4 + size
        if kind == 0x5455 and len(body) >= 5 and body[0] & 1:
            return from_epoch(struct.unpack_from("<i", body, 1)[0])
        if kind == 0x000A and len(body) >= 4 + 4 + 8 and struct.unpack_from("<HH", body, 4) == (1, 24):
            ticks = struct.unpack_from("<Q", body, 8)[0]  # 100 ns since 1601-01-01 UTC
            try:
                return (_NTFS_EPOCH + timedelta(microseconds=ticks // 10)).replace(microsecond=0)
            except OverflowError:
                return None
    return None


def zip_time(info: zipfile.ZipInfo) -> Saved:
    """A zip member's time: UTC from its extra field, else the DOS time of the zipping machine's clock
    (naive: the zip does not say its zone); None for the zero time 1980-01-01 00:00 or a bad one.

    >>> zip_time(zipfile.ZipInfo("x.txt", (2026, 11, 28, 9, 10, 0)))
    (datetime.datetime(2026, 11, 28, 9, 10), 'zip')
    """
    utc = _zip_extra_utc(info.extra)
    if utc is not None:
        return utc, "zip"
    if info.date_time[:3] == (1980, 1, 1) and not any(info.date_time[3:]):
        return None, "zip"
    try:
        return datetime(*info.date_time), "zip"
    except ValueError:
        return None, "zip"


def tar_refusal(info: tarfile.TarInfo) -> str:
    if info.issym():
        return f"is a symbolic link to {short(info.linkname)!r}"
    if info.islnk():
        return f"is a hard link to {short(info.linkname)!r}"
    if info.ischr() or info.isblk():
        return "is a device"
    if info.isfifo():
        return "is a fifo"
    if not (info.isreg() or info.isdir()):
        return f"has an unsupported type {info.type!r}"
    return ""


def describe(error: BaseException) -> str:
    return short(str(error)) or type(error).__name__


def message(text: str) -> str:
    """A printable message of sane length: a long one keeps its start and its end (the reason)."""
    text = printable_name(text)
    if len(text) <= 4 * NAME_LIMIT:
        return text
    return f"{text[:2 * NAME_LIMIT]} [... {len(text) - 3 * NAME_LIMIT} characters ...] {text[-NAME_LIMIT:]}"


def short(name: str) -> str:
    """`name` cut to `NAME_LIMIT` characters for a message (a 20 MB member name is not printed).

    >>> short("x" * 500)[-30:]
    'xxxxxxxx... (500 characters)'
    """
    if len(name) <= NAME_LIMIT:
        return name
    return f"{name[:NAME_LIMIT]}... ({len(name)} characters)"


def zip_entry_count(data: bytes) -> int | None:
    """The number of entries a zip's end-of-central-directory record declares (zip64 included), or
    None when it cannot be read (the archive is then opened and reported corrupt as usual)."""
    try:  # zipfile's private reader of that record (typeshed leaves the private names out)
        record = zipfile._EndRecData(io.BytesIO(data))  # type: ignore[attr-defined]
    except (OSError, ValueError, struct.error):
        return None
    return None if not record else int(record[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]
