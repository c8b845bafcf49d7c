"""The web app (`make app`: Voila on notebooks/app.ipynb): upload a bundle, triage it, decide, download.

One widget, `TriageApp`: an upload control (a `.zip`/`.tar`/`.tar.gz`/`.tgz` or several capture
files), a one-line status (`ucnb: error: ...` for unusable input, with the limits and messages of
the CLI, never a traceback), then per node the zombie groups, the tree picture and the remediation
picker. Once a decision is recorded, links download the customer report (HTML) and the case note
(text), built by `ucnb.report` with that decision. A bundle can also be opened at start
(`UCNB_BUNDLE`, or `?bundle=PATH` in the page's URL).

>>> bundle_from_query("bundle=%2Fcases%2F123.zip&x=1")
'/cases/123.zip'
"""

from __future__ import annotations

import base64
import html
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as widgets
import pandas as pd

from ucnb.diagnosis.outcome import assess
from ucnb.errors import InputError
from ucnb.faces.draw import draw_zombie_tree, figure_to_png_bytes
from ucnb.faces.plan import group_rows, sentence, steps_for
from ucnb.faces.widgets import Decisions, RemediationPicker
from ucnb.model.actions import status
from ucnb.model.findings import NodeAnalysis, NodeOutcome
from ucnb.read.bundle import load
from ucnb.read.sources import DEFAULT_MAX_MEMBERS, DEFAULT_MAX_TOTAL_BYTES
from ucnb.report import case_note, customer_html
from ucnb.text import plural, printable

ACCEPT = ".zip,.tar,.tar.gz,.tgz,.txt,.log,.out"
MAX_GROUPS_SHOWN = 3  # per node: pictures and pickers (the table lists every group)


def bundle_from_query(query: str | None) -> str | None:
    """The `bundle` parameter of a URL query string (Voila gives the kernel `QUERY_STRING`)."""
    values = parse_qs(query or "").get("bundle")
    return values[0] if values else None


def error_line(error: BaseException) -> str:
    """The one line the CLI would print for `error` (an internal bug says so, in one line too)."""
    if isinstance(error, InputError):
        text = f"ucnb: error: {error}"
    else:
        text = f"ucnb: internal error: {type(error).__name__}: {error}"
    return printable(" ".join(text.split()))


def load_uploaded(
    files: Sequence[Mapping[str, Any]],
    *,
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Any:
    """A Bundle from FileUpload values (name, content): written to a private temporary folder
    under their base names, then read by `ucnb.load` with the CLI's limits."""
    if not files:
        raise InputError("nothing was uploaded")
    size = sum(len(f["content"]) for f in files)
    if size > max_total_bytes:
        raise InputError(f"the upload is {size} bytes, over the limit of {max_total_bytes} bytes")
    with tempfile.TemporaryDirectory(prefix="ucnb-upload-") as folder:
        paths: list[Path] = []
        for number, item in enumerate(files):
            name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(str(item["name"]).replace("\\", "/")).name)
            name = name.lstrip(".") or f"upload-{number}"
            path = Path(folder) / name
            if path in paths:
                path = path.with_name(f"{number}-{name}")
            path.write_bytes(bytes(item["content"]))
            paths.append(path)
        target = paths[0] if len(paths) == 1 else Path(folder)  # several files: one folder, as sent
        try:
            return load(target, max_total_bytes=max_total_bytes, max_members=max_members)
        except InputError as error:  # name the upload, not the server's temporary folder
            raise InputError(str(error).replace(f"{folder}/", "").replace(folder, "the upload")) from None


def _download_link(label: str, filename: str, mime: str, text: str) -> str:
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f'<a class="ucnb-download" download="{html.escape(filename)}" '
        f'href="data:{mime};charset=utf-8;base64,{data}">{html.escape(label)}</a>'
    )


def _slug(names: Sequence[str]) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", "-".join(names))[:60].strip("_") or "bundle"


class TriageApp:
    """The page: upload, status, triage of the bundle, decision, downloads.

    >>> app = TriageApp()
    >>> app.open_upload([{"name": "x.zip", "content": b"not a zip"}])
    >>> "ucnb-error" in app.status.value and ">ucnb: error: " in app.status.value
    True
    """

    def __init__(self, bundle_path: str | None = None, *, by: str = "", tac: bool = False) -> None:
        self.by = by
        self.tac = tac  # TAC mode: the TAC-only actions are offered too (customer mode: never)
        self.bundle: Any = None
        self.label = ""
        self.decisions = Decisions()
        self.pickers: list[RemediationPicker] = []
        self.upload = widgets.FileUpload(accept=ACCEPT, multiple=True, description="Upload a bundle")
        self.status = widgets.HTML()
        self.body = widgets.VBox()
        self.downloads = widgets.HTML()
        intro = widgets.HTML(
            "<b>Zombie-process triage.</b> Upload what the customer sent: a <code>.zip</code> or "
            "<code>.tar.gz</code> of the captures, or several capture files (admin-CLI outputs, "
            "terminal logs). Nothing leaves this machine."
        )
        self.widget = widgets.VBox([intro, self.upload, self.status, self.body, self.downloads])
        self.upload.observe(self._uploaded, names="value")
        self._say("Upload a bundle to start.")
        if bundle_path:
            self.open_path(bundle_path)

    # ---------------------------------------------------------------- input
    def open_path(self, path: str) -> None:
        self._open(lambda: load(path), printable(str(path)))

    def open_upload(self, files: Sequence[Mapping[str, Any]]) -> None:
        names = ", ".join(printable(str(f.get("name", "?"))) for f in files)
        self._open(lambda: load_uploaded(files), names)

    def _uploaded(self, change: Mapping[str, Any]) -> None:
        if change["new"]:
            self.open_upload(change["new"])

    def _open(self, loader: Callable[[], Any], label: str) -> None:
        self.body.children = ()
        self.downloads.value = ""
        self.bundle, self.pickers = None, []
        self.decisions.clear()
        try:
            bundle = loader()
            self._show(bundle, label)
        except Exception as error:  # noqa: BLE001 - one line in the page, never a traceback
            self.body.children = ()
            self._say(error_line(error), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        kind = "ucnb-status ucnb-error" if error else "ucnb-status"
        colour = "#b00020" if error else "inherit"
        self.status.value = f'<span class="{kind}" style="color:{colour}">{html.escape(text)}</span>'

    # ---------------------------------------------------------------- triage
    def _next(self, outcome: NodeOutcome) -> str:
        """The node's first next action for this mode's audience (the outcome's), or its status."""
        audience = "tac" if self.tac else "customer"
        steps = steps_for(outcome, audience)
        return sentence(steps[0], audience) if steps else status(outcome.status).headline

    def _show(self, bundle: Any, label: str) -> None:
        case = assess(bundle)
        analysis, outcomes = case.analysis, case.outcome.nodes
        nodes = analysis.nodes
        zombies = sum(len(n.zombies) for n in nodes)
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(printable(str(v)))}</td>"
                for v in (n.node, n.product, n.zombie_count, len(n.zombies), status(o.status).headline,
                          self._next(o))
            )
            + "</tr>"
            for n, o in zip(nodes, outcomes, strict=True)
        )
        summary = widgets.HTML(
            '<table class="ucnb-nodes"><tr><th>node</th><th>product</th><th>zombie count</th>'
            f"<th>defunct rows</th><th>status</th><th>next step</th></tr>{rows}</table>"
        )
        children: list[widgets.Widget] = [summary]
        for node, outcome in zip(nodes, outcomes, strict=True):
            if not node.groups:
                continue
            children.append(widgets.HTML(f"<h3>{html.escape(printable(node.node))}</h3>"))
            mine = pd.DataFrame(group_rows(node, outcome, "tac" if self.tac else "customer"))
            children.append(widgets.HTML(mine.to_html(index=False, escape=True, classes="ucnb-groups")))
            children += self._groups(bundle, node, outcome)
        self.body.children = tuple(children)
        self.bundle, self.label = bundle, label
        self._say(
            f"{label}: {plural(len(nodes), 'node')}, {plural(zombies, 'defunct row')}. "
            + ("Pick the remediation and record it to download the report." if zombies else "No zombie.")
        )
        self._refresh_downloads()

    def _groups(self, bundle: Any, node: NodeAnalysis, outcome: NodeOutcome) -> list[widgets.Widget]:
        listing = bundle.node(node.node).listing
        out: list[widgets.Widget] = []
        for group in node.groups[:MAX_GROUPS_SHOWN]:
            figure = draw_zombie_tree(listing, group, node_name=node.node)
            out.append(widgets.Image(value=figure_to_png_bytes(figure), format="png", width="720px"))
            picker = RemediationPicker(node.node, group, decisions=self.decisions, by=self.by, tac=self.tac,
                                       outcome=outcome)
            picker.button.on_click(lambda _button: self._refresh_downloads())
            self.pickers.append(picker)
            out.append(picker.widget)
        if len(node.groups) > MAX_GROUPS_SHOWN:
            more = len(node.groups) - MAX_GROUPS_SHOWN
            out.append(widgets.HTML(f"<i>{plural(more, 'more group')}: "
                                    "see the table above and the report.</i>"))
        return out

    # ---------------------------------------------------------------- downloads
    def _refresh_downloads(self) -> None:
        if self.bundle is None:
            self.downloads.value = ""
            return
        decisions = self.decisions.latest()
        if not decisions:
            self.downloads.value = (
                "<i>Record a decision to download the customer report and the case note.</i>"
            )
            return

        try:
            report = customer_html(self.bundle, decisions=decisions)
            note = case_note(self.bundle, decisions=decisions)
        except Exception as error:  # noqa: BLE001 - one line in the page, never a traceback
            self._say(error_line(error), error=True)
            return
        slug = _slug([n.name for n in self.bundle.nodes])
        self.downloads.value = (
            _download_link(
                "Download the customer report (HTML)", f"zombie-report-{slug}.html", "text/html", report
            )
            + " &nbsp; "
            + _download_link("Download the case note (text)", f"case-note-{slug}.txt", "text/plain", note)
        )
