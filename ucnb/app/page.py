"""The workbench page: a case from the customer's captures to the verified fix (see `ucnb.app`)."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ucnb.app.cases import CaseFolder, case_numbers, completions, confined, default_root
from ucnb.app.documents import download_links, make_documents
from ucnb.app.triage import (
    STYLE,
    case_headline,
    group_html,
    groups_table_html,
    node_heading,
    picture_html,
    plan_html,
    verification_html,
)
from ucnb.app.uploads import ChunkedUpload, describe, load_paths
from ucnb.diagnosis.outcome import Case, assess
from ucnb.errors import InputError
from ucnb.faces.draw import draw_perfmon_timeline, draw_zombie_tree
from ucnb.faces.plan import group_rows, sentence, steps_for
from ucnb.faces.tree import perfmon_lines
from ucnb.faces.viewer import CaptureViewer
from ucnb.faces.widgets import Decisions, RemediationPicker
from ucnb.model.actions import action, status
from ucnb.model.findings import Group, NodeAnalysis, NodeOutcome
from ucnb.report.context import decisions_of
from ucnb.report.words import product_words
from ucnb.text import plural, printable

MAX_GROUPS_SHOWN = 3  # per node: pictures and pickers (the table counts every group)
MAX_EVIDENCE = 6  # evidence buttons per group


def error_line(error: BaseException) -> str:
    """The one line the CLI would print for `error` (an internal bug says so, in one line too).

    >>> error_line(InputError("x.zip: not a zip"))
    'ucnb: error: x.zip: not a zip'
    """
    text = str(error) if isinstance(error, InputError) else f"internal error: {type(error).__name__}: {error}"
    if not text.startswith("ucnb: "):
        text = f"ucnb: error: {text}" if isinstance(error, InputError) else f"ucnb: {text}"
    return printable(" ".join(text.split()))


def _line(text: str, *, error: bool = False, kind: str = "ucnb-status") -> str:
    classes = f"{kind} ucnb-error" if error else kind
    colour = "#b00020" if error else "inherit"
    return f'<span class="{classes}" style="color:{colour}">{html.escape(text)}</span>'


class Workbench:
    """The page: case header, the captures before the fix and their triage, the capture viewer, the
    decisions, the captures after the fix and their verification, the documents.

    >>> import tempfile
    >>> bench = Workbench(cases=Path(tempfile.mkdtemp()))
    >>> bench.number.value, bench.engineer.value = "698123456", "jdoe"
    >>> bench.open_button.click()
    >>> bench.store_before([("before", Path("sample_outputs/ex1_cucm_amc/before"))])
    >>> "Action optional" in bench.headline.value
    True
    """

    def __init__(
        self,
        *,
        cases: Path | None = None,
        bundle: str | None = None,
        case: str | None = None,
        tac: bool = False,
        by: str = "",
    ) -> None:
        self.root = cases if cases is not None else default_root()
        self.tac = tac  # TAC mode: TAC-only actions offered, the TAC report made
        self.case: CaseFolder | None = None
        self.before: Any = None
        self.after: Any = None
        self.found: Case | None = None
        self.decisions = Decisions()
        self.pickers: list[RemediationPicker] = []
        self.viewer: CaptureViewer | None = None
        self.plans: dict[str, widgets.HTML] = {}
        self.slots: list[widgets.VBox] = []
        self.tables: dict[str, tuple[NodeAnalysis, widgets.HTML]] = {}
        self._build(by)
        try:
            if bundle:
                self.open_path(bundle)
            elif case:
                self.open_case(case)
        except Exception as error:  # noqa: BLE001 - one line in the page, never a traceback
            self.case_status.value = _line(error_line(error), error=True, kind="ucnb-case-status")

    # ------------------------------------------------------------ layout
    def _build(self, by: str) -> None:
        """The page: the case's fields on top, then its three steps (before, after, documents)."""
        W = widgets
        self._build_case_fields(by)
        self._build_steps()
        title = W.HTML(
            STYLE + "<p class='ucnb-muted'>What the "
            "customer's captures show, what to do, and whether the fix worked. Nothing "
            "leaves this machine.</p>"
        )
        header = W.VBox(
            [
                W.HBox([self.number, self.engineer, self.customer, self.open_button]),
                self.case_status,
            ]
        )
        body = W.VBox(
            [
                W.HTML("<h2>1. Before the fix</h2>"),
                self.upload_before,
                self.status,
                self.headline,
                self.nodes,
                W.HTML("<h3>Capture files</h3>"),
                self.viewer_box,
                self.triage,
                self.decided,
                W.HTML("<h2>2. After the fix</h2>"),
                self.upload_after,
                self.after_status,
                self.verification,
                W.HTML(
                    "<h2>3. Documents</h2><p class='ucnb-muted'>The customer report, the case note, and "
                    "their redacted variants (host names, addresses and user names replaced).</p>"
                ),
                self.make_documents,
                self.documents_status,
                self.downloads,
            ],
            layout=W.Layout(width="100%"),
        )
        self.widget = W.VBox([title, header, body], layout=W.Layout(width="100%"))
        self.widget.add_class("ucnb-workbench")

    def _build_case_fields(self, by: str) -> None:
        """The case number (a saved case completes after a few characters), the engineer, the customer."""
        W = widgets
        wide = W.Layout(width="auto")
        # a saved case is reopened by typing its number: completion only after COMPLETE_AFTER characters,
        # so a customer watching a shared screen never sees the list of case numbers
        self.number = W.Combobox(
            description="Case number", placeholder="e.g. 698123456", ensure_option=False,
            style={"description_width": "initial"}
        )
        self.number.observe(lambda _c: self._complete(), names="value")
        self.engineer = W.Text(value=by, description="Engineer", style={"description_width": "initial"})
        self.customer = W.Text(description="Customer", style={"description_width": "initial"})
        self.open_button = W.Button(description="Open the case", button_style="primary", layout=wide)
        self.case_status = W.HTML(_line("Type the case number and open the case (a saved case reopens "
                                        "where it stands).", kind="ucnb-case-status"))
        self.open_button.on_click(lambda _b: self._guard(self.case_status, self._open_from_fields))
        self.engineer.observe(lambda _c: self._engineer_changed(), names="value")

    def _build_steps(self) -> None:
        """The widgets of the three steps: uploads, status lines, triage, viewer, verification, documents."""
        W = widgets
        wide = W.Layout(width="auto")
        self.upload_before = ChunkedUpload(
            label="Upload the captures (before the fix)",
            disabled=True,
            on_files=self.store_before,
            on_refused=lambda line: self._say(self.status, line, True),
        )
        self.status = W.HTML(
            _line(
                "Open a case, then upload what the customer sent: a .zip or .tar.gz "
                "of the captures, or several capture files."
            )
        )
        self.headline = W.HTML()
        self.nodes = W.HTML()
        self.triage = W.VBox()
        self.decided = W.HTML()
        self.viewer_box = W.VBox([W.HTML("<i>The capture files appear here once uploaded.</i>")])

        self.upload_after = ChunkedUpload(
            label="Upload the captures (after the fix)",
            disabled=True,
            on_files=self.store_after,
            on_refused=lambda line: self._say(self.after_status, line, True),
        )
        self.after_status = W.HTML(
            _line("After the fix, upload the new captures: now or days later.", kind="ucnb-after-status")
        )
        self.verification = W.HTML()

        self.make_documents = W.Button(
            description="Make the documents", button_style="primary", disabled=True, layout=wide
        )
        self.documents_status = W.HTML()
        self.make_documents.on_click(lambda _b: self._guard(self.documents_status, self.documents))
        self.downloads = W.HTML()

    # ------------------------------------------------------------ the case
    def _open_from_fields(self) -> None:
        self.open_case(self.number.value, engineer=self.engineer.value, customer=self.customer.value)

    def open_case(self, number: str, *, engineer: str | None = None, customer: str | None = None) -> None:
        """Open (or make) the case of this number and show where it stands."""
        if not str(number or "").strip():
            raise InputError("type the case number first")
        case = CaseFolder.open(self.root, str(number), engineer=engineer, customer=customer)
        self.case, self.before, self.after, self.found = case, None, None, None
        record = case.record
        self.number.value, self.engineer.value, self.customer.value = (
            record.case,
            record.engineer,
            record.customer,
        )
        self.decisions.clear()
        for entry in record.decisions:
            self.decisions.record(**entry)
        self._clear_triage()
        self.upload_before.disabled = self.upload_after.disabled = False
        where = "reopened" if record.before else "opened"
        self._say(self.case_status, f"Case {record.case} {where}.", kind="ucnb-case-status")
        self._say(
            self.status,
            "Upload what the customer sent: a .zip or .tar.gz of the captures, or several capture files."
            if not record.before
            else "Reading the captures...",
        )
        self._say(
            self.after_status,
            "After the fix, upload the new captures: now or days later.",
            kind="ucnb-after-status",
        )
        if record.before:
            self._guard(self.status, self._load_before)
        if record.after and self.before is not None:
            self._guard(self.after_status, self._load_after)

    def open_path(self, path: str) -> None:
        """Open the case holding `path` (`?bundle=`): only under the cases folder."""
        found = confined(path, self.root)
        relative = found.relative_to(self.root.resolve())
        if not relative.parts:
            raise InputError(f"{printable(path)!r} is the cases folder itself: open a case in it")
        self.open_case(relative.parts[0])

    def _engineer_changed(self) -> None:
        for picker in self.pickers:
            picker.by = self.engineer.value.strip()
        if self.case is not None and self.engineer.value.strip():
            self.case.record.engineer = self.engineer.value.strip()
            self.case.save()

    def _complete(self) -> None:
        """The saved case numbers that start with what is typed, once it is COMPLETE_AFTER characters
        long (none before: the list of cases is never on the screen)."""
        typed = str(self.number.value or "").strip()
        found = completions(case_numbers(self.root), typed)
        if list(self.number.options) != found:
            self.number.options = found

    def label(self, *, redacted: bool = False) -> str:
        """The case as the documents name it: its number and, unless redacted, the customer and the
        engineer (so a document carries them even when nothing was decided)."""
        if self.case is None:
            return ""
        record = self.case.record
        if redacted:
            return record.case
        label = f"{record.case}, {record.customer}" if record.customer else record.case
        return f"{label}; engineer {record.engineer}" if record.engineer else label

    # ------------------------------------------------------------ before
    def store_before(self, files: Sequence[tuple[str, Path]]) -> None:
        """Keep uploaded files as the case's before capture and show the triage (a new before capture
        starts the decisions again)."""

        def run() -> None:
            if self.case is None:
                raise InputError("open the case first (type its number)")
            bundle = load_paths([path for _, path in files])  # unusable input is refused, not kept
            self.case.store("before", files)
            self.decisions.clear()
            self.case.set_decisions([])
            self._load_before(bundle)
            if self.case.record.after:
                self._guard(self.after_status, self._load_after)

        self._guard(self.status, run)

    def _load_before(self, bundle: Any = None) -> None:
        assert self.case is not None
        self._clear_triage()
        paths = self.case.capture("before")
        if bundle is None:
            bundle = load_paths(paths)
        self.before, self.after = bundle, None
        self._assess()
        assert self.found is not None
        analysis = self.found.analysis
        evidence = [z.source for n in analysis.nodes for z in list(n.zombies)[:200] if z.source]
        evidence += [g.parent_source for n in analysis.nodes for g in n.groups if g.parent_source]
        self.viewer = CaptureViewer.from_bundle(bundle, evidence=evidence)
        self._move_viewer(self.viewer_box)
        self._show_triage()
        zombies = sum(len(n.zombies) for n in analysis.nodes)
        self._say(
            self.status,
            f"{describe(paths)}: {plural(len(analysis.nodes), 'node')}, {plural(zombies, 'defunct row')}.",
        )
        self.make_documents.disabled = False

    def _clear_triage(self) -> None:
        self.headline.value = self.nodes.value = self.decided.value = self.verification.value = ""
        self.downloads.value = self.documents_status.value = ""
        self.triage.children = ()
        self.pickers, self.plans, self.viewer, self.slots, self.tables = [], {}, None, [], {}
        self.viewer_box.children = (widgets.HTML("<i>The capture files appear here once uploaded.</i>"),)
        self.make_documents.disabled = True

    def _assess(self) -> None:
        records = self.decisions.latest()
        self.found = assess(self.before, self.after, decisions=decisions_of(records), case=self.label())

    def _audience(self) -> str:
        return "tac" if self.tac else "customer"

    def _next(self, outcome: NodeOutcome) -> str:
        steps = steps_for(outcome, self._audience())
        return sentence(steps[0], self._audience()) if steps else status(outcome.status).headline

    def _show_triage(self) -> None:
        assert self.found is not None and self.before is not None
        analysis, outcome = self.found.analysis, self.found.outcome
        self.headline.value = case_headline(outcome)
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(printable(str(v)))}</td>"
                for v in (
                    n.node,
                    product_words(n.product),
                    "?" if n.zombie_count is None else n.zombie_count,
                    len(n.zombies),
                    status(o.status).headline,
                    self._next(o),
                )
            )
            + "</tr>"
            for n, o in zip(analysis.nodes, outcome.nodes, strict=True)
        )
        self.nodes.value = (
            '<table class="ucnb-nodes" style="border-collapse:collapse" border="1" '
            'cellpadding="4"><tr><th>Server</th><th>Product</th><th>Zombie count</th>'
            f"<th>Defunct rows</th><th>Status</th><th>Next step</th></tr>{rows}</table>"
        )
        children: list[widgets.Widget] = []
        for node, node_outcome in zip(analysis.nodes, outcome.nodes, strict=True):
            if not node.groups and node.perfmon is None:
                continue
            children.append(widgets.HTML(node_heading(node.node, node.product, node_outcome)))
            if node.groups:
                table = widgets.HTML(groups_table_html(group_rows(node, node_outcome, self._audience())))
                self.tables[node.node] = (node, table)
                children.append(table)
                children += self._groups(node, node_outcome)
            if node.perfmon is not None:
                children.append(self._history(node))
            plan = widgets.HTML(plan_html(node_outcome, tac=self.tac))
            self.plans[node.node] = plan
            children.append(plan)
        self.triage.children = tuple(children)
        self._show_decided()

    def _history(self, node: NodeAnalysis) -> widgets.Widget:
        """Days of history from the node's RTMT PerfMon logs: the lines `ucnb analyze` prints (first
        appearance, growth, parent, RTMT's alert) and the timeline picture."""
        assert node.perfmon is not None and self.before is not None
        lines = "<br>".join(html.escape(printable(line)).replace("`", "") for line in perfmon_lines(node))
        parts = [f'<div class="ucnb-perfmon"><b>Days of history (RTMT PerfMon logs)</b><br>{lines}</div>']
        timeline = self.before.node(node.node).perfmon
        if timeline is not None:
            figure = draw_perfmon_timeline(
                timeline, threshold=node.perfmon.threshold,
                title=f"{node.node}: zombies and processes + threads (PerfMon logs)",
            )
            parts.append(picture_html(figure, alt="zombies and processes + threads over the days"))
        return widgets.HTML("".join(parts))

    def _groups(self, node: NodeAnalysis, outcome: NodeOutcome) -> list[widgets.Widget]:
        listing = self.before.node(node.node).listing
        out: list[widgets.Widget] = []
        latest = {(d["node"], d["ppid"]): d["action"] for d in self.decisions.latest()}
        for group in node.groups[:MAX_GROUPS_SHOWN]:
            out.append(widgets.HTML(group_html(group, tac=self.tac)))
            out.append(self._evidence(node, group))
            figure = draw_zombie_tree(listing, group, node_name=node.node)
            out.append(widgets.HTML(picture_html(figure)))
            picker = RemediationPicker(
                node.node,
                group,
                decisions=self.decisions,
                by=self.engineer.value.strip(),
                tac=self.tac,
                outcome=outcome,
            )
            decided = latest.get((node.node, group.ppid))
            if decided in picker.options:
                picker.dropdown.value = decided
            picker.output.layout.display = "none"  # the page says it in words (below the triage)
            picker.button.on_click(lambda _b, p=picker: self._guard(self.status, lambda: self._recorded(p)))
            self.pickers.append(picker)
            out.append(picker.widget)
        if len(node.groups) > MAX_GROUPS_SHOWN:
            more = len(node.groups) - MAX_GROUPS_SHOWN
            out.append(widgets.HTML(f"<i>{plural(more, 'more group')} on this server: see the report.</i>"))
        return out

    def _evidence(self, node: NodeAnalysis, group: Group) -> widgets.Widget:
        sources = [z.source for z in node.zombies if z.ppid == group.ppid and z.source][:MAX_EVIDENCE]
        buttons: list[widgets.Widget] = [widgets.HTML("Evidence:")]
        labelled = [(s, "defunct row") for s in sources]
        if group.parent_source:
            labelled.append((group.parent_source, "parent process"))
        for source, what in labelled:
            button = widgets.Button(
                description=printable(source),
                tooltip=f"Open the {what} in the capture",
                layout=widgets.Layout(width="auto"),
            )
            button.add_class("ucnb-evidence-link")
            button.on_click(lambda _b, s=source: self.open_evidence(s))
            buttons.append(button)
        slot = widgets.VBox()  # the viewer opens here, under the evidence clicked
        for button in buttons[1:]:
            assert isinstance(button, widgets.Button)
            button.on_click(lambda _b, s=slot: self._move_viewer(s))
        self.slots.append(slot)
        return widgets.VBox([widgets.HBox(buttons, layout=widgets.Layout(flex_flow="row wrap")), slot])

    def open_evidence(self, source: str) -> None:
        """Open the capture viewer at a `file:line` of the triage."""
        if self.viewer is not None:
            self.viewer.open_source(source)

    def _move_viewer(self, slot: widgets.VBox) -> None:
        """Show the viewer in `slot` (and only there): where the engineer looks."""
        if self.viewer is None:
            return
        for other in [self.viewer_box, *self.slots]:
            if other is not slot and other.children:
                other.children = ()
        slot.children = (self.viewer.widget,)
        if slot is not self.viewer_box:
            back = widgets.Button(description="Show the capture files here")
            back.on_click(lambda _b: self._move_viewer(self.viewer_box))
            self.viewer_box.children = (back,)

    def _recorded(self, picker: RemediationPicker) -> None:
        if self.case is not None:
            self.case.set_decisions(self.decisions.as_records())
        self._assess()
        self._refresh_outcome()

    def _show_decided(self) -> None:
        latest = self.decisions.latest()
        if not latest:
            self.decided.value = ""
            return
        items = "".join(
            f"<li>{html.escape(printable(str(d['node'])))}, parent process {d['ppid']}: "
            f"<b>{html.escape(action(d['action']).label)}</b>"
            + (f" (<code>{html.escape(str(d['command']))}</code>)" if d.get("command") else "")
            + (f", by {html.escape(printable(str(d['by'])))}" if d.get("by") else "")
            + (f": {html.escape(printable(str(d['note'])))}" if d.get("note") else "")
            + "</li>"
            for d in latest
        )
        self.decided.value = f'<div class="ucnb-decided"><b>Decisions recorded</b><ul>{items}</ul></div>'

    def _refresh_outcome(self) -> None:
        assert self.found is not None
        outcome = self.found.outcome
        self.headline.value = case_headline(outcome)
        for node_outcome in outcome.nodes:
            if node_outcome.node in self.plans:
                self.plans[node_outcome.node].value = plan_html(node_outcome, tac=self.tac)
            if node_outcome.node in self.tables:
                node, table = self.tables[node_outcome.node]
                table.value = groups_table_html(group_rows(node, node_outcome, self._audience()))
        self._show_decided()
        if self.found.verification is not None:
            self.verification.value = verification_html(self.found.verification.nodes, outcome, tac=self.tac)
        self.downloads.value = ""
        self.documents_status.value = _line(
            "Make the documents again to include the latest decisions."
            if self.case and self.case.record.documents
            else "",
            kind="ucnb-documents-status",
        )

    # ------------------------------------------------------------ after
    def store_after(self, files: Sequence[tuple[str, Path]]) -> None:
        """Keep uploaded files as the case's after capture and show the verification."""

        def run() -> None:
            if self.case is None or self.before is None:
                raise InputError("upload the captures from before the fix first")
            bundle = load_paths([path for _, path in files])
            self.case.store("after", files)
            self._load_after(bundle)

        self._guard(self.after_status, run)

    def _load_after(self, bundle: Any = None) -> None:
        assert self.case is not None
        paths = self.case.capture("after")
        self.after = bundle if bundle is not None else load_paths(paths)
        self._assess()
        self._refresh_outcome()
        self._say(
            self.after_status,
            f"{describe(paths)}: compared with the captures from before the fix.",
            kind="ucnb-after-status",
        )

    # ------------------------------------------------------------ documents
    def documents(self) -> None:
        """Make the documents of the case, keep them in its folder and offer them as downloads."""
        if self.case is None or self.before is None:
            raise InputError("upload the captures from before the fix first")
        labels = (self.label(), self.label(redacted=True))
        made, failed = make_documents(self.case, self.before, self.after, self.decisions.latest(),
                                      tac=self.tac, labels=labels)
        self.downloads.value = download_links(made)
        self._say(
            self.documents_status,
            f"{plural(len(made), 'document')} made and kept with the case."
            + (f" No PDF: {failed.removeprefix('report: ')}" if failed else ""),
            kind="ucnb-documents-status",
        )

    # ------------------------------------------------------------ status lines
    def _say(
        self, target: widgets.HTML, text: str, error: bool = False, *, kind: str = "ucnb-status"
    ) -> None:
        if target is self.after_status:
            kind = "ucnb-after-status"
        elif target is self.documents_status:
            kind = "ucnb-documents-status"
        elif target is self.case_status:
            kind = "ucnb-case-status"
        target.value = _line(text, error=error, kind=kind)

    def _guard(self, target: widgets.HTML, run: Callable[[], None]) -> None:
        """Run `run`; any error is one line in `target`, never a traceback."""
        try:
            run()
        except Exception as error:  # noqa: BLE001 - one line in the page, never a traceback
            self._say(target, error_line(error), True)
