"""Uploads: files sent from the browser in chunks, refused from their size before a byte is sent, and
read by `ucnb.load` with the CLI's limits.

`ChunkedUpload` (anywidget) replaces ipywidgets' FileUpload, which sends every file in one websocket
message: over tornado's 10 MiB message limit it failed with no word (issue 26). Here the browser
checks the total size against `max_bytes` first (over it: one line, nothing sent), then sends each
file in slices of `CHUNK_BYTES`; the kernel writes them to a private temporary folder as they come
and hands the finished files (name, path) to `on_files`. Its messages (also what the tests send):

- `{"kind": "start", "files": [{"name", "size"}]}`, then `{"kind": "chunk", "file": i, "at": offset}`
  with the bytes as the message's buffer, then `{"kind": "end"}`;
- `{"kind": "refused", "names": [...], "size": n}`: over the limit, said by the browser.

    >>> got = []
    >>> upload = ChunkedUpload(on_files=lambda files: got.append([(n, p.read_bytes()) for n, p in files]))
    >>> upload.receive({"kind": "start", "files": [{"name": "ps.txt", "size": 5}]})
    >>> upload.receive({"kind": "chunk", "file": 0, "at": 0}, [b"hello"])
    >>> upload.receive({"kind": "end"})
    >>> got
    [[('ps.txt', b'hello')]]
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ucnb.app.cases import safe_name
from ucnb.errors import InputError
from ucnb.read.bundle import load
from ucnb.read.sources import DEFAULT_MAX_MEMBERS, DEFAULT_MAX_TOTAL_BYTES
from ucnb.text import plural, printable

__all__ = ["ACCEPT", "CHUNK_BYTES", "ChunkedUpload", "describe", "load_paths", "load_uploaded", "too_big"]

ACCEPT = ".zip,.tar,.tar.gz,.tgz,.txt,.log,.out"
CHUNK_BYTES = 2 * 2**20  # well under tornado's 10 MiB websocket message

_ESM = r"""
function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "file"; input.multiple = true; input.accept = model.get("accept"); input.hidden = true;
  input.className = "ucnb-upload-input";
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button mod-primary ucnb-upload-button";
  button.style.width = "auto";
  button.style.padding = "0 1em";
  const progress = document.createElement("span");
  progress.className = "ucnb-upload-progress";
  progress.style.marginLeft = "1em";
  const label = () => { button.textContent = model.get("label"); button.disabled = model.get("disabled"); };
  label();
  model.on("change:label", label); model.on("change:disabled", label);
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const files = Array.from(input.files || []);
    input.value = "";
    if (!files.length) return;
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > model.get("max_bytes")) {
      model.send({ kind: "refused", names: files.map((f) => f.name), size: total });
      return;
    }
    const chunk = model.get("chunk_bytes");
    model.send({ kind: "start", files: files.map((f) => ({ name: f.name, size: f.size })) });
    let sent = 0;
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      for (let at = 0; at < file.size; at += chunk) {
        const buffer = await file.slice(at, at + chunk).arrayBuffer();
        model.send({ kind: "chunk", file: i, at: at }, undefined, [buffer]);
        sent += buffer.byteLength;
        progress.textContent = total > chunk ? `sending ${Math.floor((100 * sent) / total)} %` : "";
      }
    }
    progress.textContent = "";
    model.send({ kind: "end" });
  });
  el.append(button, input, progress);
}
export default { render };
"""


def too_big(names: Sequence[str], size: int, limit: int = DEFAULT_MAX_TOTAL_BYTES) -> str | None:
    """The one line refusing an upload of `size` bytes, or None when it is within the limit.

    >>> too_big(["a.zip"], 600 * 2**20)
    'ucnb: error: a.zip: 629,145,600 bytes, over the limit of 536,870,912 bytes: not read'
    """
    if size <= limit:
        return None
    what = ", ".join(printable(str(n)) for n in names[:3]) + (
        f" and {len(names) - 3} more" if len(names) > 3 else ""
    )
    return f"ucnb: error: {what}: {size:,} bytes, over the limit of {limit:,} bytes: not read"


class ChunkedUpload(anywidget.AnyWidget):
    """An upload button whose files reach the kernel in chunks (see the module's docstring)."""

    _esm = _ESM
    label = traitlets.Unicode("Upload").tag(sync=True)
    accept = traitlets.Unicode(ACCEPT).tag(sync=True)
    max_bytes = traitlets.Int(DEFAULT_MAX_TOTAL_BYTES).tag(sync=True)
    chunk_bytes = traitlets.Int(CHUNK_BYTES).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        *,
        on_files: Callable[[list[tuple[str, Path]]], None],
        on_refused: Callable[[str], None] = lambda line: None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.on_files = on_files
        self.on_refused = on_refused
        self._folder: Path | None = None
        self._files: list[tuple[str, Path, int]] = []
        self._received = 0
        self.on_msg(lambda _widget, content, buffers: self.receive(content, buffers))

    def receive(self, content: Mapping[str, Any], buffers: Sequence[Any] = ()) -> None:
        """One message from the browser."""
        kind = content.get("kind")
        if kind == "refused":
            names = [str(n) for n in content.get("names", [])]
            self.on_refused(too_big(names, int(content.get("size", 0)), self.max_bytes) or "")
        elif kind == "start":
            self._start([(str(f.get("name", "")), int(f.get("size", 0))) for f in content.get("files", [])])
        elif kind == "chunk" and self._folder is not None:
            self._chunk(int(content.get("file", -1)), int(content.get("at", -1)), buffers)
        elif kind == "end" and self._folder is not None:
            self._end()

    def _start(self, files: list[tuple[str, int]]) -> None:
        self._drop()
        refused = too_big([n for n, _ in files], sum(s for _, s in files), self.max_bytes)
        if refused or not files:
            self.on_refused(refused or "ucnb: error: nothing was uploaded")
            return
        self._folder = Path(tempfile.mkdtemp(prefix="ucnb-upload-"))
        self._files, self._received = [], 0
        used: set[str] = set()
        for number, (name, size) in enumerate(files):
            safe = safe_name(name, number)
            if safe in used:
                safe = f"{number}-{safe}"
            used.add(safe)
            path = self._folder / safe
            path.write_bytes(b"")
            self._files.append((name, path, size))

    def _chunk(self, index: int, at: int, buffers: Sequence[Any]) -> None:
        if not 0 <= index < len(self._files) or not buffers:
            return
        name, path, size = self._files[index]
        data = bytes(buffers[0])
        if at != path.stat().st_size or at + len(data) > size:  # out of order or longer than announced
            self._fail(f"ucnb: error: {printable(name)}: the upload was cut or garbled; send it again")
            return
        with path.open("ab") as handle:
            handle.write(data)

    def _end(self) -> None:
        short = [name for name, path, size in self._files if path.stat().st_size != size]
        if short:
            self._fail(f"ucnb: error: {printable(short[0])}: the upload was cut short; send it again")
            return
        files = [(name, path) for name, path, _ in self._files]
        try:
            self.on_files(files)
        finally:
            self._drop()

    def _fail(self, line: str) -> None:
        self._drop()
        self.on_refused(line)

    def _drop(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder, self._files = None, []


def load_uploaded(
    files: Sequence[Mapping[str, Any]],
    *,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Any:
    """A Bundle from uploaded files given as (name, content) mappings: written to a private temporary
    folder under their safe base names, then read by `ucnb.load` with the CLI's limits."""
    if not files:
        raise InputError("nothing was uploaded")
    size = sum(len(f["content"]) for f in files)
    refused = too_big([str(f.get("name", "?")) for f in files], size, max_total_bytes)
    if refused:
        raise InputError(refused.removeprefix("ucnb: error: "))
    with tempfile.TemporaryDirectory(prefix="ucnb-upload-") as folder:
        paths: list[Path] = []
        for number, item in enumerate(files):
            path = Path(folder) / safe_name(str(item["name"]), number)
            if path in paths:
                path = path.with_name(f"{number}-{path.name}")
            path.write_bytes(bytes(item["content"]))
            paths.append(path)
        return load_paths(paths, max_total_bytes=max_total_bytes, max_members=max_members)


def load_paths(
    paths: Sequence[Path],
    *,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Any:
    """`ucnb.load` of uploaded files in one folder (one file: as is; several: their folder), errors
    naming the upload rather than the server's folder."""
    if not paths:
        raise InputError("nothing was uploaded")
    folder = paths[0].parent
    target = paths[0] if len(paths) == 1 else folder
    try:
        return load(target, max_total_bytes=max_total_bytes, max_members=max_members)
    except InputError as error:
        text = str(error).replace(f"{folder}/", "").replace(str(folder), "the upload")
        raise InputError(text) from None


def describe(paths: Sequence[Path]) -> str:
    """The upload's names for the status line.

    >>> describe([Path("/x/a.zip")]), describe([Path("/x/a.txt"), Path("/x/b.txt")])
    ('a.zip', '2 files (a.txt, b.txt)')
    """
    names = [printable(p.name) for p in paths]
    if len(names) == 1:
        return names[0]
    shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
    return f"{plural(len(names), 'file')} ({shown})"
