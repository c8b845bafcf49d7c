"""Where a fleet scan's bundles are (`discover`), and what identifies their content (`stamp`,
`content_hash`), without following links, opening special files or reading past the size cap.

    >>> [os.path.basename(p) for p in discover(["sample_outputs/ex1_cucm_amc"])]
    ['after', 'before']

A PATH is a folder holding bundles, a bundle itself, or a text file listing bundle paths (one a line,
blank lines and `#` comments, even indented, skipped; relative to the list's folder). Under a folder,
every archive (`.zip`, `.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`) is a bundle, and so is every
folder that holds a capture directly (with its sub-folders), or only node folders (folders holding
captures directly, as an extracted multi-node bundle is: `case-7/{cucm-pub,cucm-sub1}/...`); other
folders are walked. A PATH that is itself a bundle, as `ucnb analyze PATH` reads it, is one bundle,
given as a PATH or met in a walk alike. A listed path that does not exist is still a bundle (its row
says it is missing).

What is not a capture never makes or splits a bundle, as `ucnb.load` reads it ("no command output
recognised ... not a capture, not read"): hidden names, files named as documents (`.md`, `.json`,
`.pdf`, `.html`, `.csv`, `.parquet`, images, notebooks), and a text file beside folders or archives
whose first `SNIFF_BYTES` hold no command output (a `README.txt`, case notes). Only such a file, beside
folders or archives, is read (its head); a folder of files alone is a bundle without reading any.
Two folders are never nodes of one bundle: `before` and `after`, the two moments of one node as
`ucnb verify` and the workbench's case folders hold them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ucnb.errors import InputError

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
NOT_CAPTURES = frozenset({".md", ".parquet", ".csv", ".json", ".html", ".pdf", ".png", ".svg", ".jpg",
                          ".ipynb", ".py", ".sqlite", ".damaged"})
LIST_BYTES = 16 * 2**20  # a list of bundle paths larger than this is refused
SNIFF_BYTES = 64 * 2**10  # read of a file beside folders or archives, to tell a capture from a note
MOMENTS = frozenset({"before", "after"})  # folders of one node's two moments, never nodes of one bundle


def _is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _is_capture_file(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
        return False
    suffix = Path(entry.name).suffix.lower()
    return not _is_archive(entry.name) and suffix not in NOT_CAPTURES and not suffix.startswith(".sqlite")


def _entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as error:
        raise InputError(f"{folder}: cannot list the folder ({error.strerror})") from None


def _shown(entries: list[os.DirEntry[str]], skip: set[str]) -> list[os.DirEntry[str]]:
    return [e for e in entries if not e.name.startswith(".") and os.path.abspath(e.path) not in skip]


def _has_capture(entries: list[os.DirEntry[str]]) -> bool:
    """Is a capture among these entries of a folder: files alone (a note among them is `load`'s to
    pass over, nothing is read here), or beside folders or archives a file whose head is one?"""
    named = [e for e in entries if _is_capture_file(e)]
    if named and not any(_is_archive(e.name) or e.is_dir(follow_symlinks=False) for e in entries):
        return True
    return any(_looks_like_capture(e.path, _version(e)) for e in named)


def _version(entry: os.DirEntry[str]) -> tuple[int, int, int]:
    """What changes when a file changes (size, time, inode): a file is read once while it does not."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return (-1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _is_bundle(entries: list[os.DirEntry[str]], skip: set[str]) -> bool:
    """Do these entries of a folder make it one bundle, as `ucnb analyze` reads it: a capture among
    them, or only node folders (see the module's docstring)? Files that are not captures (a README, a
    case note, `case.json`) neither make nor split a bundle."""
    entries = _shown(entries, skip)
    if _has_capture(entries):
        return True
    folders = [e for e in entries if not e.is_symlink() and e.is_dir(follow_symlinks=False)]
    notes = [e for e in entries if e.is_file(follow_symlinks=False) and not _is_archive(e.name)]
    if not folders or len(folders) + len(notes) < len(entries):  # an archive, a link, a special file
        return False
    if any(e.name.lower() in MOMENTS for e in folders):
        return False
    return all(_holds_captures(e.path, skip) for e in folders)


@functools.lru_cache(maxsize=4096)
def _looks_like_capture(path: str, version: tuple[int, int, int]) -> bool:
    """Is this file (at this `version`) a capture, as `ucnb.load` would read it, judged from its first
    `SNIFF_BYTES`? An unreadable one is taken for a capture: its bundle's row says why it is not read."""
    # the parsers (~130 ms to import): only when a folder holds files beside folders or archives
    from ucnb.read.bundle import is_capture

    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return True
            data = stream.read(SNIFF_BYTES)
    except OSError:
        return True
    if len(data) == SNIFF_BYTES and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data[: data.rfind(b"\n") + 1] or data  # whole lines (a UTF-16 head is read as cut)
    return is_capture(os.path.basename(path), data)


def _holds_captures(folder: str, skip: set[str]) -> bool:
    try:
        return _has_capture(_shown(_entries(folder), skip))
    except InputError:
        return False


def _walk(folder: str, skip: set[str], warnings: list[str]) -> Iterator[str]:
    entries = _entries(folder)
    if _is_bundle(entries, skip):
        yield folder
        return
    for entry in entries:
        if entry.name.startswith(".") or os.path.abspath(entry.path) in skip:
            continue
        if entry.is_symlink():
            warnings.append(f"{entry.path}: symbolic link not followed")
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, skip, warnings)
        elif entry.is_file(follow_symlinks=False) and _is_archive(entry.name):
            yield entry.path


def is_one_bundle(folder: str) -> bool:
    """Is this folder, given as a PATH, one bundle: captures in it, or only node folders?"""
    return _is_bundle(_entries(folder), set())


def _listed(list_file: str) -> list[str] | None:
    """The bundle paths a text file lists, or None when it is not such a list (not text, or none of
    its lines names an existing file or folder)."""
    try:
        with open(list_file, "rb") as stream:
            data = stream.read(LIST_BYTES + 1)
        lines = data.decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(data) > LIST_BYTES:
        raise InputError(f"{list_file}: a list of bundle paths larger than {LIST_BYTES} bytes")
    base = os.path.dirname(list_file)
    paths = [os.path.join(base, text) for line in lines
             if (text := line.strip()) and not text.startswith("#")]
    return paths if any(os.path.lexists(p) for p in paths) else None


def _found(path: str, skip: set[str], warnings: list[str], *, listed: bool) -> Iterator[str]:
    if os.path.isdir(path):
        yield from [path] if is_one_bundle(path) else _walk(path, skip, warnings)
    elif os.path.isfile(path) and _is_archive(path):
        yield path
    elif listed:  # missing or not a bundle: its row says why
        yield path
    elif os.path.isfile(path) and (names := _listed(path)) is not None:
        for name in names:
            yield from _found(name, skip, warnings, listed=True)
    elif os.path.isfile(path):
        raise InputError(f"{path}: neither a folder of bundles, an archive, nor a list of bundle paths")
    else:
        raise InputError(f"{path}: no such file or folder")


def discover(paths: Sequence[str | os.PathLike[str]], *, skip: Iterable[str] = (),
             warnings: list[str] | None = None) -> list[str]:
    """The bundles under PATHs (see the module's docstring), sorted, each once. `skip`: paths to leave
    out (the scan's own output); `warnings` receives what was passed over (symbolic links)."""
    warnings = [] if warnings is None else warnings
    skipped = {os.path.abspath(p) for p in skip}
    found: list[str] = []
    for raw in paths:
        found.extend(_found(os.fspath(raw), skipped, warnings, listed=False))
    if not found and paths:
        raise InputError(f"no bundle found in {', '.join(os.fspath(p) for p in paths)}")
    return sorted(dict.fromkeys(os.path.normpath(p) for p in found))


# --- what identifies a bundle's content --------------------------------------------------------------


def _regular_files(path: str, limit: int) -> list[tuple[str, os.stat_result]] | None:
    """(relative name, stat) of the regular files of a folder, links and special files left out;
    None past `limit` entries."""
    out: list[tuple[str, os.stat_result]] = []
    count = 0
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)))
        count += len(dirs) + len(files)
        if count > limit:
            return None
        for name in sorted(files):
            full = os.path.join(root, name)
            try:
                info = os.lstat(full)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                out.append((os.path.relpath(full, path), info))
    return out


def _name_bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def stamp(path: str, *, max_members: int = 10_000) -> str | None:
    """What changes when a bundle's files change, from their sizes and times alone (no reading):
    equal stamps, same content. None: not a regular file or folder (it is never reused)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if stat.S_ISREG(info.st_mode):
        return f"file:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}"
    if not stat.S_ISDIR(info.st_mode):
        return None
    files = _regular_files(path, max_members)
    if files is None:
        return None
    digest = hashlib.sha256()
    for name, file_info in files:
        digest.update(_name_bytes(name) + f"\0{file_info.st_size}:{file_info.st_mtime_ns}:"
                      f"{file_info.st_ino}:{file_info.st_ctime_ns}\n".encode())
    return f"folder:{len(files)}:{sum(i.st_size for _, i in files)}:{digest.hexdigest()}"


def stamp_size(mark: str | None) -> str | None:
    """The size part of a stamp (a file's bytes; a folder's file count and bytes): bundles of one size
    may be copies, the others are not.

    >>> stamp_size("file:42:1:2:3"), stamp_size("folder:3:120:ab12"), stamp_size(None)
    ('file:42', 'folder:3:120', None)
    """
    if mark is None:
        return None
    kind, *parts = mark.split(":")
    return ":".join([kind, *parts[: 1 if kind == "file" else 2]])


def _file_hash(path: str, digest: hashlib._Hash) -> None:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path}: not a regular file")
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)


def content_hash(path: str, *, max_bytes: int | None = None, max_members: int = 10_000) -> str | None:
    """SHA-256 of a bundle: the archive's bytes, or a folder's relative file names and their bytes
    (regular files only). None when there is nothing to hash safely: more than `max_bytes` on disk
    (the reading refuses it anyway), too many entries, a special file, or unreadable."""
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode):
            if max_bytes is not None and info.st_size > max_bytes:
                return None
            digest = hashlib.sha256()
            _file_hash(path, digest)
            return digest.hexdigest()
        if not stat.S_ISDIR(info.st_mode):
            return None
        files = _regular_files(path, max_members)
        if files is None or (max_bytes is not None and sum(i.st_size for _, i in files) > max_bytes):
            return None
        digest = hashlib.sha256()
        for name, _ in files:
            inner = hashlib.sha256()
            _file_hash(os.path.join(path, name), inner)
            digest.update(_name_bytes(name) + b"\0" + inner.hexdigest().encode() + b"\n")
        return digest.hexdigest()
    except OSError:
        return None
