"""The kit's version, read from the installed metadata on first use (importlib.metadata costs ~40 ms
of start-up that `ucnb inspect` does not need).

    >>> kit_version()[0].isdigit()
    True
"""

from __future__ import annotations

from functools import cache


@cache
def kit_version() -> str:
    """The installed distribution's version ("0.0.0+source" in a source tree without installation)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed  # ~40 ms: only when a version is shown

    try:
        return installed("ucnb")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.0.0+source"
