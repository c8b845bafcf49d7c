"""Writing a report file safely: all or nothing.

The file is written to a temporary file in the same folder and renamed over the target, so a failed
write (a full disk, a signal) never leaves a truncated report in place of a good one. A target that is
a symbolic link, a folder, or not a regular file (`/dev/full`) is refused, as is a Markdown report
whose `<stem>_files` is not a folder; Markdown's pictures are written to a new folder that replaces
the old one whole, so `<stem>_files/` holds only the current report's pictures. Errors are one-line
InputErrors and nothing is left behind.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [pathlib.Path(p).name for p in write_files(folder / "r.md", b"# r\\n", {"r_files/a.png": b"png"})]
    ['r.md', 'a.png']
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from ucnb.errors import InputError
from ucnb.report.formats import FORMATS, Format, format_for


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _why(error: OSError) -> str:
    return error.strerror or type(error).__name__


def check_target(target: Path, image_dir: str | None = None) -> None:
    """InputError when `target` (and its image folder) cannot be written as a new regular file."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InputError(f"{target}: cannot write the report ({_why(error)})") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise InputError(f"{target}: is a symbolic link; not followed (remove it or choose another name)")
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{target}: is a folder; give a file name such as {target / 'report.html'}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{target}: not a regular file (a device, pipe or socket); choose a file name")
    parent = target.parent
    if not parent.is_dir():
        raise InputError(f"{parent}: no such folder")
    if image_dir is not None:
        images = parent / image_dir
        if images.is_symlink():
            raise InputError(f"{images}: is a symbolic link; not followed (the report's pictures go there)")
        if images.exists() and not images.is_dir():
            raise InputError(f"{images}: exists and is not a folder (the report's pictures go there)")


def check_output(path: str | os.PathLike[str]) -> Format:
    """The format of the report file `path`, once the target is known to be writable (InputError)."""
    target = Path(path)
    check_target(target)
    kind = format_for(target)
    if kind.images_beside:
        check_target(target, image_dir_of(target))
    return kind


def write_files(
    target: str | os.PathLike[str], data: bytes, images: dict[str, bytes] | None = None
) -> list[str]:
    """Write `data` to `target` and `images` (`<dir>/<name>` -> bytes, one folder beside the target)
    atomically. Returns the paths written: the target first, then the images sorted."""
    target = Path(target)
    images = dict(images or {})
    folders = {name.split("/", 1)[0] for name in images}
    if len(folders) > 1 or any(name.count("/") != 1 for name in images):
        raise ValueError(f"images must be in one folder beside the report: {sorted(images)[:3]}")
    image_dir = folders.pop() if folders else None
    if image_dir is None and any(target.suffix.lower() in f.suffixes for f in FORMATS if f.images_beside):
        image_dir = image_dir_of(target)
    check_target(target, image_dir)
    parent = target.parent
    temp_file: str | None = None
    temp_dir: str | None = None
    old_dir: str | None = None
    swapped = False  # the new pictures are in place: undo on failure
    try:
        handle, temp_file = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp", dir=parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_file, 0o666 & ~_umask())
        written = [str(target)]
        if image_dir is not None:
            final = parent / image_dir
            if images:
                temp_dir = tempfile.mkdtemp(prefix=f".{image_dir[:100]}.", dir=parent)
                os.chmod(temp_dir, 0o777 & ~_umask())
                for name, png in sorted(images.items()):
                    (Path(temp_dir) / name.split("/", 1)[1]).write_bytes(png)
                    written.append(str(final / name.split("/", 1)[1]))
            if final.is_dir():  # the old pictures leave with their folder
                old_dir = tempfile.mkdtemp(prefix=f".{image_dir[:100]}.old.", dir=parent)
                os.rename(final, Path(old_dir) / "old")
            if temp_dir is not None:
                os.rename(temp_dir, final)
                temp_dir = None
                swapped = True
        os.replace(temp_file, target)
        temp_file = None
        return written
    except OSError as error:
        if swapped and image_dir:
            shutil.rmtree(parent / image_dir, ignore_errors=True)
        moved = Path(old_dir) / "old" if old_dir is not None else None
        if moved is not None and moved.exists() and image_dir and not (parent / image_dir).exists():
            os.rename(moved, parent / image_dir)  # put the old pictures back
        raise InputError(f"{target}: cannot write the report ({_why(error)}); nothing was written") from None
    finally:
        if temp_file is not None and os.path.lexists(temp_file):
            os.unlink(temp_file)
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)
        if old_dir is not None:
            shutil.rmtree(old_dir, ignore_errors=True)


def image_dir_of(target: str | os.PathLike[str]) -> str:
    """The picture folder of a Markdown report: `<stem>_files`, a link target without spaces.

    >>> image_dir_of("case 42.md")
    'case_42_files'
    """
    import re

    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(target).stem).lstrip(".") + "_files"
