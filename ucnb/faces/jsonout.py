"""JSON written as `json.dumps(document, indent=2, ensure_ascii=True)` writes it, byte for byte,
but piece by piece: a `JsonRows` inside (a million zombies) is encoded batch by batch, never held.

    >>> import io
    >>> from ucnb.model.findings import JsonRows, Zombie
    >>> out = io.StringIO()
    >>> write_json({"zombies": JsonRows([Zombie(22908, 29815)], 1), "count": 1}, out.write)
    >>> out.getvalue() == json.dumps({"zombies": [Zombie(22908, 29815).to_json()], "count": 1}, indent=2)
    True
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import islice
from typing import Any

from ucnb.model.findings import JsonRows

__all__ = ["write_json"]

_INDENT = 2
_BATCH = 4096


def write_json(value: Any, write: Callable[[str], Any], level: int = 0) -> None:
    """Write `value` (JSON types, and `JsonRows`) with `write`, as `json.dumps(..., indent=2,
    ensure_ascii=True)` would, at nesting `level`."""
    if not _streams(value):
        write(_dumps(value, level))
        return
    pad = "\n" + " " * (_INDENT * (level + 1))
    end = "\n" + " " * (_INDENT * level)
    if isinstance(value, dict):
        write("{")
        for i, (key, item) in enumerate(value.items()):
            name = key if isinstance(key, str) else json.dumps(key)  # as json names 5, True, None
            write(("," if i else "") + pad + json.dumps(name) + ": ")
            write_json(item, write, level + 1)
        write(end + "}")
    elif isinstance(value, JsonRows):
        if not len(value):
            write("[]")
            return
        write("[")
        rows = iter(value)
        for i, batch in enumerate(iter(lambda: list(islice(rows, _BATCH)), [])):
            text = _dumps(batch, level)  # "[" pad row, pad row ... end "]"
            write(("," if i else "") + text[1 : -len(end) - 1])
        write(end + "]")
    else:
        write("[")
        for i, item in enumerate(value):
            write(("," if i else "") + pad)
            write_json(item, write, level + 1)
        write(end + "]")


def _dumps(value: Any, level: int) -> str:
    """`value` as json.dumps(indent=2) writes it, for a place `level` deep."""
    text = json.dumps(value, indent=_INDENT, ensure_ascii=True)
    return text.replace("\n", "\n" + " " * (_INDENT * level)) if level and "\n" in text else text


def _streams(value: Any) -> bool:
    """True when `value` holds a `JsonRows` (only dicts and lists are looked into)."""
    if isinstance(value, JsonRows):
        return True
    if isinstance(value, dict):
        return any(_streams(item) for item in value.values() if isinstance(item, (dict, list, JsonRows)))
    if isinstance(value, list):
        return any(_streams(item) for item in value if isinstance(item, (dict, list, JsonRows)))
    return False


