"""The diagnosis and the verification as the report reads them: attribute access on the findings
(`ucnb.findings` dataclasses when the kit has them, else a read-only view of the contract's JSON).

    >>> view = as_findings({"nodes": [{"node": "cucm-sub1", "groups": []}]})
    >>> view.nodes[0].node
    'cucm-sub1'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class _View:
    """A JSON object read by attribute (a missing key reads None, as a dataclass field's default)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _wrap(self._data.get(name))

    def to_json(self) -> dict[str, Any]:
        return dict(self._data)


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _View(value)
    if isinstance(value, list):
        return tuple(_wrap(v) for v in value)
    return value


def as_findings(document: Any) -> Any:
    """The findings of an analysis or verification document (dataclasses pass through)."""
    if not isinstance(document, Mapping):
        return document
    return _View(document)


def as_json(finding: Any) -> dict[str, Any]:
    """The contract's JSON of a finding (what `ucnb.tree` and `ucnb.draw` take)."""
    return finding.to_json()


def field(finding: Any, name: str, default: Any = None) -> Any:
    """A field the contract adds later (urgency, defects, ...): its value, or `default` without it."""
    value = getattr(finding, name, default)
    return default if value is None else value
