"""The redacted copy of a bundle (`ucnb redact`): every file's name and text through one `Redactor`,
written as a new folder (safe, distinct, short names) or not at all."""

from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ucnb.errors import InputError
from ucnb.read.bundle import load
from ucnb.read.capture import decode
from ucnb.read.secrets import mask_secrets
from ucnb.read.sources import SourceFile, read_sources
from ucnb.redact.redactor import Redactor


def _decoded(src: SourceFile) -> str:
    """The text as the bundle reads it (`ucnb.read.capture.decode`: UTF-16 and UTF-8 with a byte order
    mark, NULs removed), credentials masked (`ucnb.read.secrets`); a file that is not text as UTF-8
    with replacement characters, masked too (the allow-list leaves little of it).

    >>> _decoded(SourceFile("n.txt", "n.txt", "Host Name : cucm-pub --password x".encode("utf-16")))
    'Host Name : cucm-pub --password ********'
    """
    try:
        return decode(src)[0]
    except InputError:  # binary data: the reader skips it, the copy keeps what the allow-list keeps
        return mask_secrets(src.data.decode("utf-8", errors="replace"))


def redact_sources(
    paths: Sequence[str | os.PathLike[str]],
    *,
    max_total_bytes: int = 512 * 2**20,
    max_members: int = 10_000,
    extra_users: Iterable[str] = (),
    separate: bool = False,
) -> tuple[Redactor, list[tuple[str, bytes]]]:
    """Read `paths` as a bundle (with `separate`, each PATH as a bundle of one case: before and after,
    written under its own redacted name), discover its identifiers with one mapping for all, return
    the redactor and the redacted files `(redacted name, redacted bytes)` sorted by redacted name
    (UTF-8; undecodable bytes become U+FFFD). Texts and names are redacted by the allow-list
    (`Redactor.strict`). Names that the redaction makes equal, or that clash with a folder, get `~2`,
    `~3`...; a name part longer than 255 bytes is shortened (its start, then a hash of the redacted
    part)."""
    groups = [[path] for path in paths] if separate else [list(paths)]
    limits = {"max_total_bytes": max_total_bytes, "max_members": max_members}
    # each file decoded once, its bytes let go: a 48 MB line is not held as bytes and text all along
    decoded = [[(src.name, _decoded(src)) for src in read_sources(group, **limits).files] for group in groups]
    bundles = [load(*group, **limits) for group in groups]
    texts = [piece for files in decoded for name, text in files for piece in (name, text)]
    redactor = Redactor.discover(texts, bundles=bundles, users=extra_users)
    redactor.replaced.clear()
    del bundles, texts  # found what they name, they go
    out: list[tuple[str, bytes]] = []
    taken: set[str] = set()
    for group, files in zip(groups, decoded, strict=True):
        prefix = ""
        if separate:
            base = os.path.basename(os.path.normpath(os.fspath(group[0])))
            base = redactor.strict_name(base.rsplit(".", 1)[0] if base.lower().endswith(_ARCHIVES) else base)
            prefix = base or "bundle"
            number = 1
            while prefix.lower() in taken:
                number += 1
                prefix = f"{base}~{number}"
            taken.add(prefix.lower())
            prefix += "/"
        for name, text in files:
            out.append((prefix + redactor.strict_name(name), redactor.strict(text).encode("utf-8")))
    return redactor, _unique_paths(sorted(out))


_ARCHIVES = (".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz")


def _short_part(part: str, limit: int = 255) -> str:
    """A path part of at most `limit` UTF-8 bytes: its start, `~`, 12 hex digits of its hash, its suffix.

    >>> name = _short_part("a" * 300 + ".log"); len(name), name[-17:]
    (255, '~371a692cfb96.log')
    """
    data = part.encode("utf-8")
    if len(data) <= limit:
        return part
    stem, dot, suffix = part.rpartition(".")
    suffix = f".{suffix}" if dot and stem and len(suffix.encode()) <= 16 else ""
    digest = hashlib.sha256(data).hexdigest()[:12]
    head = data[: limit - 13 - len(suffix.encode())].decode("utf-8", "ignore")
    return f"{head}~{digest}{suffix}"


def _numbered_part(part: str, number: int) -> str:
    """`ps.txt` -> `ps~2.txt` (the suffix kept, so the copy still opens as it did)."""
    stem, dot, suffix = part.rpartition(".")
    return _short_part(f"{stem}~{number}.{suffix}" if dot and stem else f"{part}~{number}")


def _unique_paths(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Safe, short, distinct relative paths, whatever the case sensitivity of the file system: a name
    equal (ignoring case) to another file's, or to a folder's, gets `~2`, `~3`..."""
    taken_files: set[str] = set()
    folders: set[str] = set()
    result = []
    for name, data in files:
        clean = posixpath.normpath(name)
        if clean.startswith(("/", "../")) or clean in ("..", ".") or "/../" in f"/{clean}/":
            raise InputError(f"{name[:200]}: unsafe name, not written")
        parts = [_short_part(part) for part in clean.split("/")]
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth]).lower()
            while folder in taken_files:  # a file already has this folder's name: rename the folder
                parts[depth - 1] = _short_part(parts[depth - 1] + "~d", 255)
                folder = "/".join(parts[:depth]).lower()
        candidate = "/".join(parts)
        number = 1
        while candidate.lower() in taken_files or candidate.lower() in folders:
            number += 1
            parts_n = parts[:-1] + [_numbered_part(parts[-1], number)]
            candidate = "/".join(parts_n)
        taken_files.add(candidate.lower())
        for depth in range(1, candidate.count("/") + 1):
            folders.add("/".join(candidate.split("/")[:depth]).lower())
        result.append((candidate, data))
    return result


@dataclass
class RedactedCopy:
    """What `redact_bundle_copy` wrote."""

    out: str
    files: list[str]
    redactor: Redactor


def _inside(child: str, parent: str) -> bool:
    child, parent = os.path.realpath(child), os.path.realpath(parent)
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def redact_bundle_copy(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    max_total_bytes: int = 512 * 2**20,
    max_members: int = 10_000,
    separate: bool = False,
) -> RedactedCopy:
    """Write a redacted copy of the bundle at `paths` into the folder `out` (must not exist or be
    empty, and must not be inside a PATH); with `separate`, each PATH is a bundle of one case (before,
    after), redacted with one mapping and written as `out/NAME/`. Archives are written as folders of
    their members. The copy
    is written in a temporary folder beside `out`, then renamed: on any failure nothing is left.
    Nothing is written into `paths`. The mapping is not written: it would undo the redaction."""
    out_text = os.fspath(out)
    for path in paths:
        if _inside(out_text, os.fspath(path)):
            raise InputError(f"{out_text}: the output folder is inside the input {os.fspath(path)}")
    existed = os.path.lexists(out_text)
    if existed:
        if not os.path.isdir(out_text) or os.path.islink(out_text):
            raise InputError(f"{out_text}: exists and is not a folder")
        if os.listdir(out_text):
            raise InputError(f"{out_text}: exists and is not empty")
    redactor, files = redact_sources(paths, max_total_bytes=max_total_bytes, max_members=max_members,
                                     separate=separate)
    parent = os.path.dirname(os.path.abspath(out_text))
    try:
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".ucnb-redact-", dir=parent)
    except OSError as error:
        raise InputError(f"{out_text}: cannot write here ({error.strerror})") from None
    try:
        for name, data in files:
            target = os.path.join(staging, *name.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "xb") as handle:
                handle.write(data)
        if existed:
            os.rmdir(out_text)
        os.rename(staging, out_text)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        where = error.filename or out_text
        raise InputError(f"{str(where)[:200]}: cannot write the redacted copy ({error.strerror})") from None
    return RedactedCopy(out_text, [name for name, _ in files], redactor)
