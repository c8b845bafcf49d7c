"""Read the PATHs a user gives into named byte strings, safely and in memory.

A PATH is a folder, a single file, or an archive (`.zip`, `.tar`, `.tar.gz`/`.tgz`, also `.tar.bz2`
and `.tar.xz`; archives are recognised by their magic bytes, the suffix is only a fallback). A plain
compressed file (`load.txt.gz`) is decompressed and named without its suffix.

    >>> sources = read_sources(["sample_outputs/cluster_cucm_imp.zip"])
    >>> [f.name for f in sources.files][:2]
    ['cucm-pub/show_network_cluster.txt', 'cucm-pub/show_process_list_detail.txt']

Decisions (also the test plan of tests/read/test_sources.py):
- Names are posix paths inside the bundle. One PATH: names are relative to it (a single file is
  its basename). Several PATHs: each name is prefixed with its PATH's basename; a basename used
  twice gets `~2`, `~3`... in argument order (`SourceFile.root` keeps the true basename). The
  result is sorted by name, whatever order the file system or the archive lists entries in.
- Nesting: an archive inside the PATH (a folder or an archive) is opened and its members are named
  `inner.zip/member`. An archive inside *that* archive is not opened: it is skipped with a warning.
- Links are never followed inside a folder: symbolic links (to files or folders) and special files
  (fifo, socket, device) are skipped with a warning; files are opened with O_NOFOLLOW. The PATH
  itself may be a link: the user named it. In archives, a member that is a symbolic or hard link,
  a device or a fifo, or whose path is absolute or contains `..`, makes the archive refused
  (`InputError` naming the archive and the member): such an archive was not made by a capture.
- Operating-system and version-control litter (`.git/`, `.svn/`, `.hg/`, `__MACOSX/`, `._*`,
  `.DS_Store`, `Thumbs.db`, `desktop.ini`) is skipped with one warning per PATH. Other hidden files
  are read.
- Limits count the bytes actually read or decompressed, never the sizes an archive declares:
  `max_total_bytes` for the whole call (a nested archive counts once as bytes and again as its
  members), `max_file_bytes` per file, `max_members` entries in all: every file, folder, link or
  other entry of a folder or an archive counts, skipped ones too (a zip's count is read from its
  central directory before any entry is listed). Reaching one is an `InputError` after at most one
  64 KiB chunk too many, so a zip bomb costs neither memory nor time. Folders (on disk or in an
  archive) nested more than `members.MAX_DEPTH` deep are refused.
- Error messages and warnings quote names cut to `members.NAME_LIMIT` characters.
- Exact duplicates (same name, same bytes: a tar with a member appended twice) are kept once with
  a warning; different files under the same name are kept as `name~2`.
- Nothing is written anywhere: archives are read from memory, nothing is extracted.
- Each file keeps the time it was last saved (`SourceFile.mtime`, `mtime_from`): a tar member's
  mtime (UTC), a zip member's time (UTC from its extended-timestamp or NTFS extra field, else the
  zipping machine's clock, zone unknown: a naive datetime), or the file system's for a file on disk
  (`disk`: the time of whoever last copied or extracted it). A zero time (tar 1970, zip 1980-01-01
  00:00) means the archiver recorded none: `None`.

    >>> [(f.mtime.isoformat(), f.mtime_from) for f in sources.files][:1]
    [('2026-11-19T10:30:00', 'zip')]
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from ucnb.errors import InputError
from ucnb.read.members import (
    LITTER_DIRS,
    MAX_DEPTH,
    Saved,
    archive_kind,
    describe,
    from_epoch,
    is_litter,
    member_name,
    message,
    printable_name,
    short,
    strip_compression,
    tar_refusal,
    zip_entry_count,
    zip_time,
)
from ucnb.text import size_text

DEFAULT_MAX_TOTAL_BYTES = 512 * 2**20
DEFAULT_MAX_MEMBERS = 10_000

_CHUNK = 64 * 2**10
_TAR_SLACK_PER_MEMBER = 4096  # header, long-name/pax blocks and padding allowed on top of the data
_TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar")
_CORRUPT = (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error, lzma.LZMAError,
            ValueError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class SourceFile:
    """One file of the bundle: its path inside the bundle, the PATH basename it came from, its bytes,
    and when it was last saved (not compared: the same file is the same whatever its time)."""

    name: str  # posix path inside the bundle, e.g. "cucm-pub/load.txt", "inner.zip/imp/x.txt"
    root: str  # basename of the PATH argument it came from, for the node-name fallback
    data: bytes
    mtime: datetime | None = field(default=None, compare=False)  # aware (UTC) when the zone is known
    mtime_from: str = field(default="", compare=False)  # "tar", "zip", "disk"; "" when unknown


_Entry = tuple[str, bytes, Saved]  # (name inside the PATH, bytes, when saved)


@dataclass
class Sources:
    """What `read_sources` found: the files sorted by name, and what was skipped or renamed."""

    files: list[SourceFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_Found = tuple[str, tuple[int, str], SourceFile]  # (name, tie-break: argument index and own name, file)


def read_sources(
    paths: Sequence[str | os.PathLike[str]],
    *,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_members: int = DEFAULT_MAX_MEMBERS,
    max_file_bytes: int | None = None,
) -> Sources:
    """Read every file under `paths` (folders, files, archives) into memory; see the module doc.

    Raises `InputError` for a missing, unreadable or empty PATH, an unsafe or corrupt archive, and
    a bundle over the limits.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not paths:
        raise InputError("no input path given")
    reader = _Reader(max_total_bytes, max_members, max_file_bytes)
    try:
        files = _read_all(reader, paths)
    except InputError as error:  # messages quote paths and member names: printable, like the names
        raise InputError(message(str(error))) from None
    return Sources(files, [message(warning) for warning in reader.warnings])


def _read_all(reader: _Reader, paths: Sequence[str | os.PathLike[str]]) -> list[SourceFile]:
    found: list[_Found] = []
    seen: dict[str, str] = {}
    prefixes: set[str] = set()
    for index, path in enumerate(paths):
        text = os.fspath(path)
        real = os.path.realpath(text)
        if real in seen:
            reader.warnings.append(f"{text}: same as {seen[real]}, read once")
            continue
        seen[real] = text
        root = _root_name(text)
        entries, container = reader.read_path(text)
        if not entries:
            raise InputError(f"{text}: no files found")
        prefix = ""
        if container and len(paths) > 1:
            prefix = _free_name(root, prefixes)
            prefixes.add(prefix)
            if prefix != root:
                reader.warnings.append(f"{text}: another PATH is also named {root!r}: read as {prefix!r}")
        for name, data, (mtime, mtime_from) in entries:
            full = f"{prefix}/{name}" if prefix else name
            found.append((full, (index, name), SourceFile(full, root, data, mtime, mtime_from)))
    return _deduplicate(found, reader.warnings)


def _deduplicate(found: list[_Found], warnings: list[str]) -> list[SourceFile]:
    """Unique names, sorted; same name and bytes kept once; same name, other bytes -> `name~2`."""
    taken = {name for name, _, _ in found}
    kept: dict[str, list[bytes]] = {}
    files: list[SourceFile] = []
    for name, _, src in sorted(found, key=lambda item: (item[0], item[1], item[2].data)):
        if name not in kept:
            kept[name] = [src.data]
            files.append(src)
        elif src.data in kept[name]:
            warnings.append(f"{name}: listed twice with the same content, read once")
        else:
            kept[name].append(src.data)
            new = _free_name(name, taken)
            taken.add(new)
            warnings.append(f"{name}: another file has the same name, read as {new!r}")
            files.append(replace(src, name=new))
    return sorted(files, key=lambda f: f.name)


def _free_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}~{number}" in taken:
        number += 1
    return f"{name}~{number}"


def _root_name(text: str) -> str:
    base = os.path.basename(os.path.normpath(text)) or os.path.basename(os.path.abspath(text))
    if base in ("", ".", ".."):
        base = os.path.basename(os.path.abspath(text)) or text
    return printable_name(base)


class _TooLong(Exception):
    """The decompressed stream went over its cap (internal: turned into InputError)."""


class _Readable(Protocol):
    """What the readers need of a byte stream: `read` (files, archive members, decompressors)."""

    def read(self, size: int = -1, /) -> bytes: ...


class _CappedStream:
    """A read-only stream that raises `_TooLong` once more than `limit` bytes came out of `raw`."""

    def __init__(self, raw: _Readable, limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        room = self.limit - self.count + 1
        data = self.raw.read(room if size is None or size < 0 else min(size, room))
        self.count += len(data)
        if self.count > self.limit:
            raise _TooLong
        return data


class _Reader:
    """The state of one `read_sources` call: limits, counters and warnings."""

    def __init__(self, max_total_bytes: int, max_members: int, max_file_bytes: int | None) -> None:
        self.max_total_bytes = max_total_bytes
        self.max_members = max_members
        self.max_file_bytes = max_file_bytes
        self.left = max_total_bytes
        self.members = 0
        self.warnings: list[str] = []
        self.litter: list[str] = []

    # --- limits ---

    def count_member(self, where: str) -> None:
        self.members += 1
        if self.members > self.max_members:
            raise InputError(f"{where}: more than {self.max_members:,} entries (files and folders) in the "
                             "bundle (the --max-members limit)")

    def _limit(self) -> int:
        if self.max_file_bytes is None:
            return self.left
        return min(self.left, self.max_file_bytes)

    def _too_big(self, where: str) -> InputError:
        if self.max_file_bytes is not None and self.max_file_bytes < self.left:
            return InputError(f"{where}: larger than the {size_text(self.max_file_bytes)} limit per file")
        return InputError(f"{where}: the bundle is larger than the {size_text(self.max_total_bytes)} limit "
                          "on its uncompressed size (the --max-bytes limit; a compression bomb?)")

    def read_capped(self, stream: _Readable, where: str) -> bytes:
        """All of `stream`, counting the bytes that actually come out against the limits."""
        limit = self._limit()
        buffer = io.BytesIO()  # getvalue() hands over its buffer: no second copy of a big file
        while chunk := stream.read(min(_CHUNK, limit - buffer.tell() + 1)):
            if buffer.tell() + len(chunk) > limit:
                raise self._too_big(where)
            buffer.write(chunk)
        self.left -= buffer.tell()
        return buffer.getvalue()

    # --- PATHs and folders ---

    def read_path(self, text: str) -> tuple[list[_Entry], bool]:
        """The (name, bytes) entries of one PATH, and whether it is a container (folder, archive)."""
        try:
            info = os.stat(text)
        except FileNotFoundError:
            raise InputError(f"{text}: no such file or directory") from None
        except OSError as error:
            raise InputError(f"{text}: cannot read ({error.strerror})") from None
        entries: list[_Entry] = []
        self.litter = []
        if stat.S_ISDIR(info.st_mode):
            self._walk(text, "", entries)
            container = True
        elif stat.S_ISREG(info.st_mode):
            base = _root_name(text)
            data, saved = self._read_file(text, follow=True)
            kind = archive_kind(base, data)
            container = kind is not None and not self._is_plain_compressed(kind, base, data, text)
            if kind is None:
                entries.append((base, data, saved))
            elif container:
                for name, member, member_saved in self._open_archive(kind, base, data, text):
                    self._add(name, member, f"{text}/{name}", 1, entries, member_saved)
            else:
                plain = self._decompress(kind, data, text)
                self._add(strip_compression(base), plain, text, 1, entries, saved)
        else:
            raise InputError(f"{text}: not a regular file or folder")
        if self.litter:
            shown = ", ".join(self.litter[:3]) + (" ..." if len(self.litter) > 3 else "")
            self.warnings.append(f"{text}: skipped {len(self.litter)} operating-system or "
                                 f"version-control entries ({shown})")
        return entries, container

    def _walk(self, folder: str, prefix: str, entries: list[_Entry], depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise InputError(f"{short(folder)}: folders nested more than {MAX_DEPTH} deep (refused)")
        try:
            with os.scandir(folder) as listing:
                children = []
                for entry in listing:  # counted while listing: a folder of 5M entries stops early
                    self.count_member(short(entry.path))
                    children.append(entry)
        except OSError as error:
            raise InputError(f"{short(folder)}: cannot list the folder ({error.strerror})") from None
        children.sort(key=lambda entry: entry.name)
        for entry in children:
            rel = prefix + printable_name(entry.name)
            if entry.is_symlink():
                self.warnings.append(f"{entry.path}: symbolic link skipped (links are never followed)")
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in LITTER_DIRS:
                    self.litter.append(rel + "/")
                else:
                    self._walk(entry.path, rel + "/", entries, depth + 1)
            elif not entry.is_file(follow_symlinks=False):
                self.warnings.append(f"{entry.path}: special file (fifo, socket or device) skipped")
            elif is_litter(rel):
                self.litter.append(rel)
            else:
                data, saved = self._read_file(entry.path, follow=False)
                self._add(rel, data, entry.path, 1, entries, saved)

    def _read_file(self, path: str, *, follow: bool) -> tuple[bytes, Saved]:
        """The bytes of a file on disk and its modification time (`disk`)."""
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
        try:
            descriptor = os.open(path, flags)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise InputError(f"{path}: cannot read ({reason})") from None
        with os.fdopen(descriptor, "rb") as stream:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise InputError(f"{path}: not a regular file")
            if info.st_size > self._limit():
                raise self._too_big(path)
            try:
                return self.read_capped(stream, path), (from_epoch(info.st_mtime), "disk")
            except OSError as error:
                raise InputError(f"{path}: cannot read ({error.strerror})") from None

    # --- archives ---

    def _add(
        self, name: str, data: bytes, label: str, depth: int, entries: list[_Entry], saved: Saved
    ) -> None:
        """Add a file found `depth` containers deep (1: inside the PATH); open it if it is an archive.
        `saved`: the file's time (a compressed file's content keeps it; an archive's members have theirs)."""
        kind = archive_kind(name, data)
        if kind is None:
            entries.append((name, data, saved))
        elif depth > 1:
            self.warnings.append(f"{label}: archive inside an archive inside the bundle, not opened "
                                 "(one level of nesting is read)")
        elif self._is_plain_compressed(kind, name, data, label):
            plain = self._decompress(kind, data, label)
            self._add(strip_compression(name), plain, label, depth + 1, entries, saved)
        else:
            before = len(entries)
            for member, member_data, member_saved in self._open_archive(kind, name, data, label):
                where = f"{label}/{member}"
                self._add(f"{name}/{member}", member_data, where, depth + 1, entries, member_saved)
            if len(entries) == before:
                self.warnings.append(f"{label}: empty archive")

    def _open_archive(self, kind: str, name: str, data: bytes, label: str) -> Iterator[_Entry]:
        if kind == "zip":
            return self._zip_members(data, label)
        if kind == "tar":
            return self._tar_members(io.BytesIO(data), label)
        return self._tar_members(_DECOMPRESSORS[kind](data), label)

    def _is_plain_compressed(self, kind: str, name: str, data: bytes, label: str) -> bool:
        """A gz/bz2/xz file that holds one file, not a tar."""
        if kind not in _DECOMPRESSORS or name.lower().endswith(_TAR_SUFFIXES):
            return False
        try:
            head = _DECOMPRESSORS[kind](data).read(512)
        except _CORRUPT as error:
            raise InputError(f"{label}: corrupt or truncated archive ({describe(error)})") from None
        return head[257:262] != b"ustar"

    def _decompress(self, kind: str, data: bytes, label: str) -> bytes:
        try:
            return self.read_capped(_DECOMPRESSORS[kind](data), label)
        except _CORRUPT as error:
            raise InputError(f"{label}: corrupt or truncated archive ({describe(error)})") from None

    def _zip_members(self, data: bytes, label: str) -> Iterator[_Entry]:
        declared = zip_entry_count(data)
        if declared is not None and self.members + declared > self.max_members:
            raise InputError(f"{label}: {declared:,} entries, more than {self.max_members:,} entries (files "
                             "and folders) in the bundle (the --max-members limit)")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except _CORRUPT as error:
            raise InputError(f"{label}: corrupt or truncated archive ({describe(error)})") from None
        with archive:
            for info in archive.infolist():
                self.count_member(f"{label}: member {short(info.filename)!r}")
                name = member_name(label, info.filename)
                mode = info.external_attr >> 16 if info.create_system == 3 else 0  # 3: Unix file modes
                if stat.S_ISLNK(mode):
                    raise InputError(f"{label}: member {short(info.filename)!r} is a symbolic link "
                                     "(refused)")
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                    raise InputError(f"{label}: member {short(info.filename)!r} is a device, fifo or socket "
                                     "(refused)")
                if info.is_dir() or not name:
                    continue
                if is_litter(name):
                    self.litter.append(f"{label}/{name}")
                    continue
                where = f"{label}: member {short(info.filename)!r}"
                if info.flag_bits & 0x1:
                    raise InputError(f"{where} is encrypted (send the bundle without a password)")
                try:
                    with archive.open(info) as stream:
                        member = self.read_capped(stream, where)
                except _CORRUPT as error:
                    raise InputError(f"{label}: corrupt or truncated archive ({short(info.filename)!r}: "
                                     f"{describe(error)})") from None
                yield name, member, zip_time(info)

    def _tar_members(self, raw: _Readable, label: str) -> Iterator[_Entry]:
        """Members of a tar read as a stream (no seeking, so no hidden decompression of skipped data)."""
        stream = _CappedStream(raw, self.left + _TAR_SLACK_PER_MEMBER * (self.max_members + 1))
        current = ""
        try:
            # typeshed asks every mode's fileobj for write/seek/tell; a stream ("r|") only reads
            with tarfile.open(fileobj=stream, mode="r|") as archive:  # type: ignore[call-overload]
                for info in archive:
                    current = short(info.name)
                    self.count_member(f"{label}: member {current!r}")
                    name = member_name(label, info.name)
                    refusal = tar_refusal(info)
                    if refusal:
                        raise InputError(f"{label}: member {current!r} {refusal} (refused)")
                    if info.isdir() or not name:
                        continue
                    if is_litter(name):
                        self.litter.append(f"{label}/{name}")
                        continue
                    where = f"{label}: member {current!r}"
                    if info.size > self._limit():
                        raise self._too_big(where)
                    member = archive.extractfile(info)
                    saved = (from_epoch(info.mtime) if info.mtime else None, "tar")
                    yield name, self.read_capped(member, where) if member else b"", saved
        except _TooLong:
            raise self._too_big(f"{label}: member {current!r}") from None
        except _CORRUPT as error:
            after = f"after {current!r}: " if current else ""
            raise InputError(f"{label}: corrupt or truncated archive ({after}{describe(error)})") from None


_DECOMPRESSORS: dict[str, Callable[[bytes], _Readable]] = {
    "gz": lambda data: gzip.GzipFile(fileobj=io.BytesIO(data)),
    "bz2": lambda data: bz2.BZ2File(io.BytesIO(data)),
    "xz": lambda data: lzma.LZMAFile(io.BytesIO(data)),
}
