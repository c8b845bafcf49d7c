"""The kit's own cache folder, in the temporary space (never the user's home): matplotlib's font
cache and config go there. Importing this module points matplotlib at it (`MPLCONFIGDIR`) unless the
user chose a folder or matplotlib is already imported; `ucnb.faces.draw` imports it first.

    >>> kit_cache_dir("matplotlib").endswith("matplotlib")
    True
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile


def _private(path: str) -> bool:
    """True when `path` is a real folder of ours that nobody else can write."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and mine and not info.st_mode & 0o022


def kit_cache_dir(name: str) -> str:
    """`<tmp>/ucnb-cache-<uid>/<name>`, private to the user (a fresh folder if that one is not safe)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    base = os.path.join(tempfile.gettempdir(), f"ucnb-cache-{uid}")
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
    except OSError:
        pass
    if not _private(base):  # someone else's or a link: do not trust it
        base = tempfile.mkdtemp(prefix="ucnb-cache-")
    path = os.path.join(base, name)
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError:
        return tempfile.mkdtemp(prefix=f"ucnb-{name}-")
    return path


def use_kit_cache_for_matplotlib() -> None:
    """Point matplotlib's config and font cache at the kit's cache (before matplotlib is imported)."""
    if "matplotlib" not in sys.modules and not os.environ.get("MPLCONFIGDIR"):
        os.environ["MPLCONFIGDIR"] = kit_cache_dir("matplotlib")


use_kit_cache_for_matplotlib()
