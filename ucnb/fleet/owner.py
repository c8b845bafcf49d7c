"""Whose node a scan row is: the customer or the case a bundle's place shows, the part of `node_id`
in front of `CLUSTER/HOST/PRODUCT`, so two customers' `cucm-pub` are two nodes and six captures of
one node in one case are one.

Looked for from the bundle outwards, the nearest first (the bundle's folder, then up to `LEVELS`
folders above it):
1. a workbench case file (`case.json`, schema `ucnb.case/1`, the folder `ucnb.app.cases` keeps a case
   in): its `customer`, and its `case` number;
2. else a case number in a name (the bundle's own, then its folders'): `case-0042`, `SR 612345678`,
   `TAC_612345678` (`case`, `sr` or `tac`, then 4 to 12 digits), or nine digits starting with 6 or 7
   alone (the shape of a Cisco TAC case number: `612345678.zip`).

The part is the customer's name when a case file gives one, else `case-NUMBER`; None when nothing
shows (the `node_id` is then `CLUSTER/HOST/PRODUCT` alone). Read on the client, from paths and small
case files, never from a bundle's bytes: copies of a bundle in two cases' folders share cached rows
and each gets its own case.

    >>> owner_part(*Owners().of("/data/tac/SR-612345678/pub-sub.zip"))
    'case-612345678'
    >>> owner_part(*Owners().of("/data/fleet/cucm-pub")) is None
    True
"""

from __future__ import annotations

import json
import os
import re
import stat

from ucnb.fleet.bundles import ARCHIVE_SUFFIXES
from ucnb.text import printable

CASE_FILE = "case.json"  # ucnb.app.cases.CASE_FILE (the fleet does not import the app)
CASE_SCHEMA = "ucnb.case/"
CASE_FILE_BYTES = 2**20  # a larger case.json is not a case file
LEVELS = 3  # folders looked at above the bundle's own
_CASE_NAME = re.compile(r"(?i)(?<![a-z0-9])(?:case|sr|tac)[ _#.-]*(?:no\.?|number)?[ _#.-]*(\d{4,12})(?!\d)")
_SR_NUMBER = re.compile(r"(?<!\d)([67]\d{8})(?!\d)")


def _clean(value: object) -> str | None:
    """A name for an id part: printable, one line, no `/`, at most 80 characters; None when empty."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = " ".join(printable(str(value)).split()).replace("/", "-")[:80].strip()
    return text or None


def case_in_name(name: str) -> str | None:
    """The case number a file or folder name shows, or None.

    >>> case_in_name("case-0042.zip"), case_in_name("SR 612345678"), case_in_name("692000111.tgz")
    ('0042', '612345678', '692000111')
    >>> case_in_name("cucm-pub-2026-12-01"), case_in_name("showcase-1234")
    (None, None)
    """
    found = _CASE_NAME.search(name) or _SR_NUMBER.search(name)
    return found.group(1) if found else None


class Owners:
    """The customer and case of each bundle path (`of`), each folder's case file read once."""

    def __init__(self) -> None:
        self._records: dict[str, tuple[str | None, str | None] | None] = {}

    def _record(self, folder: str) -> tuple[str | None, str | None] | None:
        """(customer, case) of the case file in `folder`, or None (none, unreadable, not a case file)."""
        if folder in self._records:
            return self._records[folder]
        found = None
        path = os.path.join(folder, CASE_FILE)
        try:
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
            descriptor = os.open(path, flags)
            with os.fdopen(descriptor, "rb") as stream:
                if stat.S_ISREG(os.fstat(descriptor).st_mode):
                    data = json.loads(stream.read(CASE_FILE_BYTES + 1)[:CASE_FILE_BYTES])
                    if isinstance(data, dict) and str(data.get("schema", "")).startswith(CASE_SCHEMA):
                        found = (_clean(data.get("customer")), _clean(data.get("case")))
        except (OSError, ValueError):
            pass
        self._records[folder] = found
        return found

    def of(self, location: str) -> tuple[str | None, str | None]:
        """(customer, case) shown by the bundle at `location` (an absolute path) and its folders."""
        folders = [location] if os.path.isdir(location) else []
        parent = os.path.dirname(location)
        for _ in range(LEVELS):
            folders.append(parent)
            parent, previous = os.path.dirname(parent), parent
            if parent == previous:
                break
        for folder in folders:
            record = self._record(folder)
            if record is not None and any(record):
                return record
        for folder in [location, *folders]:
            name = os.path.basename(folder)
            for suffix in ARCHIVE_SUFFIXES:
                if name.lower().endswith(suffix):
                    name = name[: -len(suffix)]
                    break
            if (number := case_in_name(name)) is not None:
                return None, _clean(number)
        return None, None


def owner_part(customer: str | None, case: str | None) -> str | None:
    """The part of `node_id` in front of `CLUSTER/HOST/PRODUCT`: the customer, else `case-NUMBER`.

    >>> owner_part("ACME Corp", "612345678"), owner_part(None, "0042"), owner_part(None, None)
    ('ACME Corp', 'case-0042', None)
    """
    return customer or (f"case-{case}" if case else None)
