"""The fleet scan's cache: each bundle's node rows by content hash and scan signature, and each
bundle path's file stamp (sizes, modification times) so an unchanged bundle is not hashed again.

The cache is one SQLite file apart from the scan's output (`--cache`, default a private folder of
the kit's cache): the output is a report, filtered by `--since`, written whole at the end; the cache
is kept whole, filled as bundles finish (a scan stopped half way resumes), and only the kit writes
it. Every entry carries an HMAC made with a key private to the user, so rows forged or damaged in a
cache file are refused (the bundle is analysed again) rather than reported. Error rows are never
cached: their cause (a missing file, a limit) can change.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     cache = RowCache.open(os.path.join(tmp, "scan.sqlite"), key=b"k" * 32)
    ...     cache.put("ab" * 32, "sig", [{"node": "cucm-pub", "zombie_count": 2}])
    ...     cache.rows("ab" * 32, "sig"), cache.rows("ab" * 32, "other")
    ([{'node': 'cucm-pub', 'zombie_count': 2}], None)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import stat
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ucnb.errors import InputError

SCHEMA = 1  # the layout of the tables; another number: the file is set aside and a new one begun
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS rows (sha256 TEXT, signature TEXT, rows TEXT, mac TEXT, "
    "PRIMARY KEY (sha256, signature))",
    "CREATE TABLE IF NOT EXISTS stamps (location TEXT PRIMARY KEY, stamp TEXT, sha256 TEXT)",
)


def default_cache() -> str:
    """The cache file when `--cache` is not given: `scan.sqlite` in the kit's private cache folder."""
    from ucnb.faces.cachedir import kit_cache_dir

    return os.path.join(kit_cache_dir("scan"), "scan.sqlite")


def private_key() -> bytes:
    """The user's HMAC key for cache entries (made once, readable by the user only)."""
    from ucnb.faces.cachedir import kit_cache_dir

    path = os.path.join(kit_cache_dir("scan-key"), "key")
    try:
        with open(path, "rb") as stream:
            key = stream.read(64)
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    descriptor = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(key)
    os.replace(path + ".new", path)
    return key


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} in a row")


def encode_rows(rows: Iterable[dict[str, Any]]) -> str:
    """Rows as canonical JSON text (sorted keys, datetimes in ISO form)."""
    return json.dumps(list(rows), sort_keys=True, default=_json_default, ensure_ascii=False,
                      separators=(",", ":"))


class RowCache:
    """The cache file, open. `warnings` receives what was set aside (a damaged file, forged rows)."""

    def __init__(self, path: str, connection: sqlite3.Connection, key: bytes, warnings: list[str]) -> None:
        self.path = path
        self.db = connection
        self.key = key
        self.warnings = warnings
        self.refused = 0
        self.began = 0.0

    @classmethod
    def open(cls, path: str, *, key: bytes | None = None, warnings: list[str] | None = None) -> RowCache:
        """Open (or begin) the cache file at `path`; a damaged one is renamed `*.damaged` with a warning."""
        warnings = [] if warnings is None else warnings
        key = private_key() if key is None else key
        folder = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError as error:
            raise InputError(f"{path}: cannot make the cache's folder ({error.strerror})") from None
        if os.path.lexists(path) and not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(f"{path}: the scan cache must be a regular file")
        for attempt in range(2):
            try:
                return cls(path, cls._connect(path), key, warnings)
            except sqlite3.DatabaseError as error:
                if attempt:
                    raise InputError(f"{path}: cannot use the scan cache ({error})") from None
                aside = f"{path}.damaged"
                os.replace(path, aside)
                warnings.append(f"{path}: not a usable scan cache ({error}); set aside as {aside}, "
                                "every bundle is analysed again")
        raise AssertionError("unreachable")

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a crash loses at most the last commits
            for statement in _TABLES:
                db.execute(statement)
            found = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if found is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            elif found[0] != str(SCHEMA):
                raise sqlite3.DatabaseError(f"cache layout {found[0]}, this ucnb writes {SCHEMA}")
            db.execute("SELECT count(*) FROM rows").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Commit, fold the write-ahead log into the file (left empty), close."""
        try:
            self.commit()
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.db.close()

    def _mac(self, sha256: str, signature: str, text: str) -> str:
        message = f"{sha256}\0{signature}\0{text}".encode("utf-8", "surrogatepass")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    # --- rows ---

    def rows(self, sha256: str, signature: str) -> list[dict[str, Any]] | None:
        """The cached rows of a bundle for this scan signature, or None (absent, forged or damaged)."""
        found = self.db.execute("SELECT rows, mac FROM rows WHERE sha256 = ? AND signature = ?",
                                (sha256, signature)).fetchone()
        if found is None:
            return None
        text, mac = found
        try:
            expected = self._mac(sha256, signature, str(text))
            if not isinstance(text, str) or not hmac.compare_digest(str(mac), expected):
                raise ValueError("its signature does not match its rows")
            rows = json.loads(text)
            if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
                raise ValueError("not a list of rows")
        except (ValueError, TypeError) as error:
            self.refused += 1
            self.db.execute("DELETE FROM rows WHERE sha256 = ? AND signature = ?", (sha256, signature))
            if self.refused <= 3:
                self.warnings.append(f"{self.path}: cached rows of bundle {sha256[:12]} refused ({error}); "
                                     "analysed again")
            return None
        return rows

    def put(self, sha256: str, signature: str, rows: list[dict[str, Any]]) -> None:
        """Keep a bundle's rows (written at once: a stopped scan keeps what finished)."""
        text = encode_rows(rows)
        self.db.execute("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)",
                        (sha256, signature, text, self._mac(sha256, signature, text)))

    # --- stamps ---

    def known_hash(self, location: str, stamp: str) -> str | None:
        """The content hash recorded for `location` when its stamp was `stamp`."""
        found = self.db.execute("SELECT stamp, sha256 FROM stamps WHERE location = ?", (location,)).fetchone()
        return found[1] if found is not None and found[0] == stamp else None

    def remember(self, location: str, stamp: str, sha256: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO stamps VALUES (?, ?, ?)", (location, stamp, sha256))

    def begin(self) -> None:
        self.db.execute("BEGIN")
        self.began = time.monotonic()

    def checkpoint(self, every: float = 1.0) -> None:
        """Commit what finished if the transaction is older than `every` seconds, and go on."""
        if self.db.in_transaction and time.monotonic() - self.began >= every:
            self.commit()
            self.begin()

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
