"""Known defects of a service (`defects` in ucnb/data/services.toml) and whether a node has one.

    >>> bug = Defect("CSCxx12345", "zombies under a service", ("14.0.1",), ("14.0.1.13900-155",),
    ...              "https://bst.cloudapps.cisco.com/bugsearch/bug/CSCxx12345")
    >>> match(bug, "14.0.1.12900-161").applies, match(bug, "14.0.1.13900-155").applies
    (True, False)
    >>> match(bug, None).applies is None
    True

Only defects with a public source are accepted: the catalogue refuses one without its address.
Releases are written as `show version active` prints them: `affected` holds release prefixes
(`14.0.1`: every 14.0.1 build), `fixed` full builds (`14.0.1.13900-155`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ucnb.errors import InputError
from ucnb.model.findings import DefectMatch

__all__ = ["Defect", "parse_defects", "match"]

_DEFECT_ID = re.compile(r"CSC[a-z]{2}\d{5}")
_RELEASE = re.compile(r"\d+(\.\d+)*(-\d+)?")


@dataclass(frozen=True)
class Defect:
    """A known defect with its public source."""

    id: str
    title: str
    affected: tuple[str, ...]
    fixed: tuple[str, ...]
    source: str


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    return None


def parse_defects(entries: Any, where: str) -> tuple[Defect, ...]:
    """`defects`: a list of {id = "CSCxx12345", title, affected = [releases], fixed = [builds],
    source = "https://..."} tables; anything else raises InputError naming `where`."""
    if not isinstance(entries, list):
        raise InputError(f"{where}: 'defects' must be a list of tables")
    defects = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) - {"id", "title", "affected", "fixed", "source"}:
            raise InputError(f"{where}: a defect has exactly id, title, affected, fixed, source")
        ident, title, source = entry.get("id"), entry.get("title"), entry.get("source")
        affected, fixed = _str_list(entry.get("affected")), entry.get("fixed", [])
        if not isinstance(ident, str) or not _DEFECT_ID.fullmatch(ident):
            raise InputError(f"{where}: defect id {ident!r} is not a Cisco bug id (CSCxx12345)")
        if not isinstance(source, str) or not source.startswith("https://"):
            raise InputError(f"{where}: defect {ident} needs its public 'source' (an https:// address)")
        if not isinstance(title, str) or not title.strip() or not affected:
            raise InputError(f"{where}: defect {ident} needs a 'title' and the 'affected' releases")
        if fixed != [] and _str_list(fixed) is None:
            raise InputError(f"{where}: defect {ident}: 'fixed' must be a list of builds")
        bad = [v for v in [*affected, *fixed] if not _RELEASE.fullmatch(v)]
        if bad:
            raise InputError(f"{where}: defect {ident}: {bad} are not releases (14.0.1, 14.0.1.13900-155)")
        defects.append(Defect(ident, title, tuple(affected), tuple(fixed), source))
    return tuple(defects)


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def match(defect: Defect, version: str | None) -> DefectMatch:
    """The defect as it concerns a node running `version` (None: unknown)."""
    def result(applies: bool | None, why: str) -> DefectMatch:
        d = defect
        return DefectMatch(d.id, d.title, d.affected, d.fixed, d.source, applies, why)

    if not version:
        return result(None, "the node's version is not in the capture (`show version active`)")
    numbers = _numbers(version)
    affected = [a for a in defect.affected if numbers[: len(_numbers(a))] == _numbers(a)]
    if not affected:
        return result(False, f"{version} is not among the affected releases ({', '.join(defect.affected)})")
    train = [f for f in defect.fixed if _numbers(f)[:3] == numbers[:3]]
    done = [f for f in train if numbers >= _numbers(f)]
    if done:
        return result(False, f"{version} has the fix ({done[0]})")
    fixed = ", ".join(train or defect.fixed) or "no fixed build listed"
    return result(True, f"{version} is affected (fixed in: {fixed})")
