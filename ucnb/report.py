"""Layer 8, a face: the post-incident report (HTML, Markdown, PDF through Chromium).

    >>> bundle = ucnb.load("sample_outputs/ex1_cucm_amc/before")
    >>> out = render_report(bundle, fmt="md")
    >>> out.text.splitlines()[0]
    '# Zombie processes on cucm-sub1: post-incident report'

The report is built once as a small model (`Report`: sections holding paragraphs, fields, tables,
code blocks and images: data, no markup) and written by two small renderers, `to_html` and
`to_markdown`. Every string that comes from a bundle is plain text in the model; the renderers escape
all of it (HTML: `html.escape`; Markdown: backslash escapes and entities, never raw HTML, code spans
and fences longer than any backtick run in the text). The HTML is self-contained (inline CSS, images
as base64 `data:` URIs, no script, no remote resource). The same input gives the same bytes: no clock
unless `timestamp` is given, everything sorted, PNGs from `figure_to_png_bytes`.

Evidence lines are quoted from the bundle's own texts (`Bundle.texts`), exactly as the customer's
files hold them (terminal artefacts removed); redaction scans the same texts.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ucnb.errors import InputError
from ucnb.model import Bundle, Node

__all__ = [
    "CHROMIUM",
    "Code",
    "Fields",
    "Image",
    "ItemList",
    "Paragraph",
    "Preformatted",
    "Report",
    "ReportOutput",
    "Section",
    "SourceLines",
    "Strong",
    "Table",
    "build_report",
    "format_for",
    "html_to_pdf",
    "render_report",
    "to_html",
    "to_markdown",
    "write_report",
]

CHROMIUM = "/usr/bin/chromium"
SHOWN_ZOMBIE_ROWS = 10  # evidence rows quoted per group; the rest are counted
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}


# ================================================================== the model
@dataclass(frozen=True)
class Code:
    """Inline code (a command, a PID list)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = str | Code | Strong
Text = str | Code | Strong | list  # a cell or a value: one inline or a list of inlines


@dataclass
class Paragraph:
    parts: list[Inline]


@dataclass
class Fields:
    """Label: value rows (a definition table)."""

    rows: list[tuple[str, Text]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[Text]]


@dataclass
class Preformatted:
    """A code block (a text tree, a line of a capture)."""

    text: str
    caption: str = ""


@dataclass
class Image:
    name: str  # file name, e.g. "tree-1-1.png"
    png: bytes
    alt: str


@dataclass
class ItemList:
    items: list[list[Inline]]


Block = Paragraph | Fields | Table | Preformatted | Image | ItemList


@dataclass
class Section:
    title: str
    level: int  # 2 or 3 (the report's title is level 1)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    sections: list[Section] = field(default_factory=list)

    def images(self) -> list[Image]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Image)]


@dataclass
class ReportOutput:
    """A rendered report: its text, and for Markdown the images to write beside it
    (relative path -> PNG bytes; HTML embeds them)."""

    text: str
    images: dict[str, bytes] = field(default_factory=dict)
    fmt: str = "html"


# ================================================================== evidence lines
@dataclass
class SourceLines:
    """The text of a bundle's files by name, to quote evidence lines exactly.

    >>> lines = SourceLines(ucnb.load("sample_outputs/ex1_cucm_amc/before").texts)
    >>> lines.line("show_process_list_detail.txt:3")[:26]
    'root         1     0  0 Oc'
    """

    texts: dict[str, str] = field(default_factory=dict)  # name -> decoded text (as the redactor reads it)
    _split: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def _lines(self, name: str) -> list[str] | None:
        if name not in self._split:
            if name not in self.texts:
                return None
            raw = self.texts[name].split("\n")
            if raw and raw[-1] == "":
                raw.pop()
            self._split[name] = raw
        return self._split[name]

    def line(self, source: str | None) -> str | None:
        """The line `file:N` as the engineer saw it on the terminal (ANSI, CR, pager prompts removed)."""
        from ucnb.capture import clean_line

        if not source or ":" not in source:
            return None
        name, _, number = source.rpartition(":")
        lines = self._lines(name)
        if lines is None or not number.isdigit() or not 1 <= int(number) <= len(lines):
            return None
        return clean_line(lines[int(number) - 1])

    def find(self, source_range: str | None, word: str) -> tuple[str, str] | None:
        """The first line of `file:A-B` containing `word`: (`file:N`, text)."""
        if not source_range:
            return None
        match = re.fullmatch(r"(.+):(\d+)-(\d+)", source_range)
        if not match:
            return None
        name, first, last = match.group(1), int(match.group(2)), int(match.group(3))
        lines = self._lines(name) or []
        for number in range(first, min(last, len(lines)) + 1):
            text = self.line(f"{name}:{number}") or ""
            if word in text:
                return f"{name}:{number}", text
        return None

    def ordered_texts(self) -> list[str]:
        """Each file's name then its text, files sorted by name (the redactor's traversal)."""
        return [piece for name in sorted(self.texts) for piece in (name, self.texts[name])]


# ================================================================== building the model
_RULE_TEXT = {
    "service": "service catalogue: the owning process matches a known service",
    "init": "the parent is PID 1 (init/systemd)",
    "missing": "the parent PID is not in the listing",
    "no_ppid": "the listing has no PPID column",
    "unknown": "no known service among the parent and its ancestors",
}


def _identified_by(group: Mapping[str, Any]) -> str:
    rule = str(group.get("rule") or "")
    if rule.startswith("special:"):
        return f"special rule {rule.split(':', 1)[1]}: {group.get('reason', '')}"
    text = _RULE_TEXT.get(rule, rule or "?")
    if rule == "service" and group.get("owner_pid") is not None:
        text += f" (PID {group['owner_pid']} {group.get('owner_command') or '?'}"
        text += ", an ancestor of the parent)" if group["owner_pid"] != group.get("ppid") else ")"
    return text


def _chain_text(group: Mapping[str, Any]) -> str:
    items = []
    for item in group.get("ancestry") or []:
        label = f"{item['pid']} ?" if item.get("missing") else f"{item['pid']} {item.get('command') or '?'}"
        if item.get("service"):
            label += f" [{item['service']}]"
        items.append(label)
    return " → ".join(items) if items else "not known"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _na(value: Any) -> str:
    return "unknown" if value is None or value == "" else str(value)


def _capture_times(node: Node) -> list[str]:
    times = []
    for snapshot in node.loads:
        when = snapshot.captured_at.isoformat(sep=" ") if snapshot.captured_at else snapshot.summary.time
        times.append(f"show process load {when or 'time unknown'} ({snapshot.source})")
    for listing in node.listings:
        when = listing.captured_at.isoformat(sep=" ") if listing.captured_at else "time unknown"
        times.append(f"{listing.command} {when} ({listing.source})")
    return times


def _captured(node: Node) -> str:
    if node.identity.date:
        return node.identity.date
    stamps = sorted(
        [s.captured_at for s in node.loads if s.captured_at]
        + [x.captured_at for x in node.listings if x.captured_at]
    )
    return stamps[-1].isoformat(sep=" ") if stamps else "unknown"


def _decision_for(decisions: Sequence[Mapping[str, Any]], node: str, ppid: Any) -> Mapping[str, Any] | None:
    found = None
    for entry in decisions:  # the last one recorded wins
        if entry.get("node") == node and entry.get("ppid") == ppid:
            found = entry
    return found


def _listing_frame(node: Node, redactor: Any) -> pd.DataFrame | None:
    listing = node.listing
    if listing is None:
        return None
    frame = listing.processes
    if redactor is None:
        return frame
    frame = frame.copy()
    for column in ("user", "comm", "command"):
        frame[column] = frame[column].map(lambda v: v if pd.isna(v) else redactor.text(v)).astype("string")
    return frame


def _tree_picture(frame: pd.DataFrame | None, group: Mapping[str, Any], node_name: str) -> bytes:
    from ucnb.draw import draw_zombie_tree, figure_to_png_bytes

    return figure_to_png_bytes(draw_zombie_tree(frame, dict(group), node_name=node_name))


def _trend_picture(trend: list[Mapping[str, Any]], node_name: str) -> bytes:
    from ucnb.draw import draw_zombie_trend, figure_to_png_bytes

    counts = [(t.get("time") or t.get("captured_at") or "?", t.get("zombie")) for t in trend]
    return figure_to_png_bytes(draw_zombie_trend(counts, title=f"{node_name}: zombie count per snapshot"))


def build_report(
    bundle: Bundle,
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    lines: SourceLines | None = None,
    redactor: Any = None,
    timestamp: str | None = None,
    pictures: bool = True,
) -> Report:
    """The report's model. `redactor`: a `ucnb.redact.Redactor` applied to every bundle string."""
    from ucnb import __version__
    from ucnb.diagnosis import analyze
    from ucnb.tree import tree_of_group
    from ucnb.verify import verify

    def r(value: Any) -> Any:
        return value if redactor is None else redactor.value(value)

    decisions = list(decisions or [])
    analysis = analyze(bundle)
    verification = verify(bundle, after) if after is not None else None
    names = [r(n["node"]) for n in analysis["nodes"]]
    report = Report(f"Zombie processes on {', '.join(names)}: post-incident report")

    # ---------------------------------------------------------------- summary
    total_zombies = sum(len(n["zombies"]) for n in analysis["nodes"])
    total_groups = sum(len(n["groups"]) for n in analysis["nodes"])
    summary = Section("Summary", 2)
    summary.blocks.append(
        Paragraph(
            [
                f"{_plural(len(analysis['nodes']), 'node')} analysed; "
                f"{_plural(total_zombies, 'defunct row')} in the process listings, "
                f"under {_plural(total_groups, 'parent')}."
            ]
        )
    )
    rows: list[list[Text]] = []
    for node, entry in zip(bundle.nodes, analysis["nodes"], strict=True):
        step = entry["next_step"]
        rows.append(
            [
                r(node.name),
                node.product,
                r(_na(node.identity.version)),
                r(_captured(node)),
                _na(entry["zombie_count"]) if entry["zombie_count"] is not None else "not captured",
                str(len(entry["zombies"])),
                str(len(entry["groups"])),
                [step["action"]] + ([": ", Code(r(step["command"]))] if step.get("command") else []),
            ]
        )
    summary.blocks.append(
        Table(
            ["Node", "Product", "Version", "Captured", "Zombie count", "Defunct rows", "Groups", "Next step"],
            rows,
        )
    )
    if verification is not None:
        summary.blocks.append(
            Paragraph(
                ["Verification after the remediation: "]
                + _join(
                    [
                        [f"{r(v['node'])} ", Strong(v["verdict"].upper().replace("_", " "))]
                        for v in verification["nodes"]
                    ]
                )
            )
        )
    report.sections.append(summary)

    # ---------------------------------------------------------------- nodes
    for n_index, (node, entry) in enumerate(zip(bundle.nodes, analysis["nodes"], strict=True), start=1):
        name = r(node.name)
        section = Section(f"{name} ({node.product})", 2)
        identity = node.identity
        count = entry["zombie_count"]
        trend_values = entry["zombie_trend"]
        fields: list[tuple[str, Text]] = [
            ("Product", node.product),
            ("Version", r(_na(identity.version))),
            ("OS version", r(_na(identity.os_version))),
            ("Date (show status)", r(_na(identity.date))),
            ("Uptime", r(_na(identity.uptime))),
            (
                "Zombie count",
                "not captured"
                if count is None
                else f"{count:,}"
                + (
                    " (trend " + " → ".join("?" if t is None else str(t) for t in trend_values) + ")"
                    if len(trend_values) > 1
                    else ""
                ),
            ),
            ("Defunct rows in the listing", f"{len(entry['zombies']):,}"),
        ]
        headroom = entry.get("pid_headroom") or {}
        if headroom.get("forecast"):
            fields.append(("PID headroom", r(headroom["forecast"])))
        if entry.get("leak_rate_per_hour") is not None:
            fields.append(("Leak rate", f"{entry['leak_rate_per_hour']:g} zombies per hour"))
        section.blocks.append(Fields(fields))
        times = _capture_times(node)
        if times:
            section.blocks.append(Paragraph([Strong("Captures")]))
            section.blocks.append(ItemList([[r(t)] for t in times]))
        step = entry["next_step"]
        step_parts: list[Inline] = [Strong("Next step:"), " ", step["action"]]
        if step.get("command"):
            step_parts += [" ", Code(r(step["command"]))]
        step_parts.append(f". {r(step['reason'])}")
        section.blocks.append(Paragraph(step_parts))
        if lines is not None and node.latest_load is not None:
            found = lines.find(node.latest_load.source, "zombie")
            if found:
                section.blocks.append(Paragraph([Strong("Zombie count evidence")]))
                section.blocks.append(Table(["Source", "Line"], [[r(found[0]), Code(r(found[1]))]]))
        if entry["warnings"]:
            section.blocks.append(Paragraph([Strong("Warnings")]))
            section.blocks.append(ItemList([[r(w)] for w in entry["warnings"]]))
        trend = entry.get("trend") or []
        if len(trend) > 1:
            section.blocks.append(Paragraph([Strong("Zombie count per snapshot")]))
            section.blocks.append(
                Table(
                    ["Captured", "Zombies", "Tasks", "Source"],
                    [
                        [
                            _na(t["captured_at"] or t["time"]),
                            _na(t["zombie"]),
                            _na(t["tasks"]),
                            r(t["source"]),
                        ]
                        for t in trend
                    ],
                )
            )
            if pictures:
                section.blocks.append(
                    Image(
                        f"trend-{n_index}.png",
                        _trend_picture(trend, name),
                        f"zombie count per snapshot on {name}",
                    )
                )
        report.sections.append(section)

        frame = _listing_frame(node, redactor) if pictures else None
        commands = {z["pid"]: z["command"] for z in entry["zombies"]}
        zombie_rows = {z["pid"]: z for z in entry["zombies"]}
        for g_index, group in enumerate(entry["groups"], start=1):
            report.sections.append(
                _group_section(
                    group,
                    zombie_rows,
                    commands,
                    node,
                    name,
                    lines,
                    r,
                    frame,
                    _decision_for(decisions, node.name, group["ppid"]),
                    f"tree-{n_index}-{g_index}.png" if pictures else None,
                    tree_of_group,
                )
            )

    # ---------------------------------------------------------------- verification
    if verification is not None:
        section = Section("Verification", 2)
        for v in verification["nodes"]:
            fields = [
                ("Node", r(v["node"]) + (f" (after: {r(v['after_node'])})" if v.get("after_node") else "")),
                ("Verdict", Strong(v["verdict"].upper().replace("_", " "))),
                ("Zombie count", f"{_na(v['before_count'])} → {_na(v['after_count'])}"),
                ("Cleared PIDs", _pids(v["cleared_pids"])),
                ("Remaining PIDs", _pids(v["remaining_pids"])),
                ("New PIDs", _pids(v["new_pids"])),
                ("Why", r(v.get("reason") or "")),
            ]
            if v.get("restarted_services"):
                fields.append(("Restarted in the after capture", r(", ".join(v["restarted_services"]))))
            for parent in v.get("parents") or []:
                what = parent["service"] or parent["command"] or "?"
                if parent["restarted"] is None:
                    state = "not in the after capture's listing"
                elif parent["restarted"]:
                    state = f"restarted, PID {parent['ppid']} → {parent['after_pid']}"
                else:
                    state = f"still PID {parent['ppid']} (not restarted)"
                fields.append((f"Parent PID {parent['ppid']}", r(f"{what}: {state}")))
            section.blocks.append(Fields(fields))
        report.sections.append(section)

    # ---------------------------------------------------------------- appendix
    appendix = Section("Appendix: input files", 2)
    for label, source in (("Before", bundle), ("After", after)):
        if source is None:
            continue
        if after is not None:
            appendix.blocks.append(Paragraph([Strong(f"{label} capture")]))
        appendix.blocks.append(
            Table(
                ["File", "Bytes", "SHA-256"],
                [
                    [r(f.name), f"{f.size:,}", Code(f.sha256)]
                    for f in sorted(source.files, key=lambda f: f.name)
                ],
            )
        )
    about: list[tuple[str, Text]] = [("Kit", f"ucnb {__version__}"), ("Diagnosis schema", analysis["schema"])]
    if redactor is not None:
        counts = redactor.counts()
        replaced = ", ".join(f"{_plural(n, kind)}" for kind, n in counts.items()) or "nothing found"
        about.append(
            (
                "Redaction",
                "host names, domains, addresses and user names replaced by placeholders "
                f"({replaced}); file hashes are those of the original files",
            )
        )
    if timestamp:
        about.append(("Generated", timestamp))
    appendix.blocks.append(Fields(about))
    report.sections.append(appendix)
    return report


def _pids(pids: Sequence[int]) -> Text:
    if not pids:
        return "none"
    shown = ", ".join(str(p) for p in pids[:30])
    return shown + (f" ... ({len(pids)} in all)" if len(pids) > 30 else "")


def _join(parts: list[list[Inline]], separator: str = "; ") -> list[Inline]:
    joined: list[Inline] = []
    for i, part in enumerate(parts):
        if i:
            joined.append(separator)
        joined.extend(part)
    return joined


def _group_section(
    group: Mapping[str, Any],
    zombie_rows: Mapping[int, Mapping[str, Any]],
    commands: Mapping[int, str | None],
    node: Node,
    name: str,
    lines: SourceLines | None,
    r: Any,
    frame: pd.DataFrame | None,
    decision: Mapping[str, Any] | None,
    picture: str | None,
    tree_of_group: Any,
) -> Section:
    ppid = group["ppid"]
    owner = group["service"] or ("cosmetic" if group["impact"] == "cosmetic" else None)
    title = f"{name}: {_plural(group['count'], 'zombie')} under PID {'?' if ppid is None else ppid}"
    section = Section(title + (f" ({r(owner)})" if owner else ""), 3)
    section.blocks.append(
        Fields(
            [
                (
                    "Parent",
                    "not known (no PPID)"
                    if ppid is None
                    else f"PID {ppid} "
                    + (r(group["parent_command"]) if group["parent_command"] else "(not in the listing)"),
                ),
                ("Service", r(group["service"]) if group["service"] else "none identified"),
                ("Identified by", r(_identified_by(group))),
                ("Ancestry", r(_chain_text(group))),
                ("Diagnosis", r(group["reason"])),
            ]
        )
    )

    # evidence: file:line and the exact text of the defunct rows and of the parent row
    evidence: list[list[Text]] = []
    pids = list(group["zombie_pids"])
    for pid in pids[:SHOWN_ZOMBIE_ROWS]:
        row = zombie_rows.get(pid, {})
        evidence.append(
            [
                "defunct",
                r(row.get("source") or "?"),
                Code(r(_line_text(lines, row.get("source"), row.get("command")))),
            ]
        )
    if len(pids) > SHOWN_ZOMBIE_ROWS:
        evidence.append(["defunct", "", f"... {_plural(len(pids) - SHOWN_ZOMBIE_ROWS, 'more defunct row')}"])
    if group.get("parent_source"):
        evidence.append(
            [
                "parent",
                r(group["parent_source"]),
                Code(r(_line_text(lines, group["parent_source"], group["parent_command"]))),
            ]
        )
    section.blocks.append(
        Paragraph(
            [Strong("Evidence")]
        )
    )
    section.blocks.append(Table(["Row", "Source", "Text"], evidence))

    if picture is not None:
        section.blocks.append(
            Image(
                picture,
                _tree_picture(frame, r(dict(group)), name),
                f"process tree of the zombies under PID {ppid} on {name}",
            )
        )
    section.blocks.append(Preformatted(r(tree_of_group(dict(group), dict(commands))), "Process tree"))

    remedy: list[tuple[str, Text]] = [("Action", group["action"])]
    remedy.append(("Command", Code(r(group["command"])) if group["command"] else "none"))
    for extra in group.get("commands") or []:
        if extra != group["command"]:
            remedy.append(("Then", Code(r(extra))))
    note = str(group.get("impact_note") or "")
    if note.startswith(f"{group['impact']}:"):
        note = note.split(":", 1)[1].strip()
    impact = group["impact"] + (f": {r(note)}" if note else "")
    remedy.append(("Impact", impact))
    if group.get("leak_rate_per_hour") is not None:
        remedy.append(
            (
                "Leak rate",
                f"{group['leak_rate_per_hour']:g} zombies per hour "
                f"(from the {group.get('leak_rate_basis') or '?'})",
            )
        )
    section.blocks.append(Paragraph([Strong("Recommended remediation")]))
    section.blocks.append(Fields(remedy))
    alternatives = [
        [
            alt["action"],
            Code(r(alt["command"])) if alt.get("command") else "none",
            r(alt.get("note") or ""),
            "yes" if alt.get("tac_only") else "no",
        ]
        for alt in group.get("alternatives") or []
    ]
    if alternatives:
        section.blocks.append(Paragraph([Strong("Alternatives considered")]))
        section.blocks.append(Table(["Action", "Command", "Note", "TAC only"], alternatives))
    section.blocks.append(Paragraph([Strong("Decision")]))
    if decision is None:
        section.blocks.append(Paragraph(["No decision was recorded in the notebook."]))
    else:
        chosen: list[tuple[str, Text]] = [("Action", str(decision.get("action") or "?"))]
        chosen.append(("Command", Code(r(str(decision["command"]))) if decision.get("command") else "none"))
        chosen.append(("Impact", str(decision.get("impact") or "?")))
        if decision.get("by"):
            chosen.append(("By", r(str(decision["by"]))))
        if decision.get("note"):
            chosen.append(("Note", r(str(decision["note"]))))
        section.blocks.append(Fields(chosen))
    return section


def _line_text(lines: SourceLines | None, source: str | None, parsed: str | None) -> str:
    exact = lines.line(source) if lines is not None else None
    return exact if exact is not None else (parsed or "?")


# ================================================================== renderers
def _visible(text: str) -> str:
    """Control characters (ESC, BEL...) shown as `\\xNN`: bundle text never drives a viewer."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def _inlines(value: Text) -> list[Inline]:
    return list(value) if isinstance(value, list) else [value]


# ---------------------------------------------------------------- HTML
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2em auto;max-width:62em;
padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.2em}
h2{font-size:1.3em;margin-top:1.8em;border-bottom:1px solid #ccc}
h3{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef3f8}
table.fields th{background:#f6f6f6;white-space:nowrap}
code,pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em}
code{background:#f3f3f3;padding:0 .2em;white-space:pre-wrap;word-break:break-all}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;overflow-x:auto;white-space:pre}
img{max-width:100%;height:auto;border:1px solid #ddd}
figure{margin:.5em 0}
figcaption,.caption{font-size:.85em;color:#555}
@media print{body{margin:0;max-width:none}h2,h3{page-break-after:avoid}table,pre,img{page-break-inside:avoid}}
""".strip()


def _html_inline(part: Inline) -> str:
    if isinstance(part, Code):
        return f"<code>{html.escape(_visible(part.text))}</code>"
    if isinstance(part, Strong):
        return f"<strong>{html.escape(_visible(part.text))}</strong>"
    return html.escape(_visible(part))


def _html_text(value: Text) -> str:
    return "".join(_html_inline(p) for p in _inlines(value))


def _html_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"<p>{_html_text(block.parts)}</p>"]
    if isinstance(block, Fields):
        rows = [
            f"<tr><th>{html.escape(label)}</th><td>{_html_text(value)}</td></tr>"
            for label, value in block.rows
        ]
        return ['<table class="fields">', *rows, "</table>"]
    if isinstance(block, Table):
        head = "".join(f"<th>{html.escape(h)}</th>" for h in block.header)
        rows = ["<tr>" + "".join(f"<td>{_html_text(c)}</td>" for c in row) + "</tr>" for row in block.rows]
        return ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *rows, "</tbody>", "</table>"]
    if isinstance(block, Preformatted):
        caption = f'<div class="caption">{html.escape(block.caption)}</div>' if block.caption else ""
        return [f"{caption}<pre>{html.escape(_visible(block.text))}</pre>"]
    if isinstance(block, Image):
        data = base64.b64encode(block.png).decode("ascii")
        return [
            f'<figure><img alt="{html.escape(_visible(block.alt), quote=True)}" '
            f'src="data:image/png;base64,{data}"></figure>'
        ]
    if isinstance(block, ItemList):
        return ["<ul>", *(f"<li>{_html_text(item)}</li>" for item in block.items), "</ul>"]
    raise TypeError(type(block))


def to_html(report: Report) -> str:
    """A self-contained HTML page: inline CSS, images as data URIs, no script, nothing remote."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
        "style-src 'unsafe-inline'\">",
        f"<title>{html.escape(_visible(report.title))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(_visible(report.title))}</h1>",
    ]
    for section in report.sections:
        out.append(f"<h{section.level}>{html.escape(_visible(section.title))}</h{section.level}>")
        for block in section.blocks:
            out.extend(_html_block(block))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_MD_LEADING = re.compile(r"^(\s*)(?:([-=>])|(\d+)([.)]))")


def md_escape(text: str, *, in_table: bool = False) -> str:
    """Plain text for Markdown: markup characters backslash-escaped, `<`, `>`, `&` as entities (never
    raw HTML), line breaks as spaces.

    >>> md_escape("<script>](javascript:x)")
    '&lt;script&gt;\\\\]\\\\(javascript:x\\\\)'
    """
    text = _visible(text).replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if in_table:  # no block structure inside a table cell
        return text
    return _MD_LEADING.sub(
        lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"), text
    )


def md_code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that no backtick in `text` can close (`|` escaped inside GFM tables).

    Text holding `<`, `>` or `&` becomes `<code>` with entities and backslash escapes instead: a
    bundle's `<script>` never appears as such in the Markdown file, whatever renders it.
    """
    text = _visible(text).replace("\r", " ").replace("\n", " ")
    if re.search(r"[<>&]", text):  # inside inline <code> Markdown is still parsed: escape it too
        return f"<code>{md_escape(text, in_table=True)}</code>"
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    edges = text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" "))
    pad = " " if edges else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_inline(part: Inline, in_table: bool = False) -> str:
    if isinstance(part, Code):
        return md_code(part.text, in_table=in_table)
    if isinstance(part, Strong):
        return f"**{md_escape(part.text, in_table=in_table)}**"
    return md_escape(part, in_table=in_table)


def _md_text(value: Text, in_table: bool = False) -> str:
    return "".join(_md_inline(p, in_table) for p in _inlines(value))


def _md_fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _md_block(block: Block, image_dir: str) -> list[str]:
    if isinstance(block, Paragraph):
        return [_md_text(block.parts), ""]
    if isinstance(block, Fields):
        rows = ["| | |", "|---|---|"]
        rows += [
            f"| **{md_escape(label, in_table=True)}** | {_md_text(value, True)} |"
            for label, value in block.rows
        ]
        return [*rows, ""]
    if isinstance(block, Table):
        rows = [
            "| " + " | ".join(md_escape(h, in_table=True) for h in block.header) + " |",
            "|" + "---|" * len(block.header),
        ]
        rows += ["| " + " | ".join(_md_text(c, True) for c in row) + " |" for row in block.rows]
        return [*rows, ""]
    if isinstance(block, Preformatted):
        text = _visible(block.text)
        caption = [f"*{md_escape(block.caption)}*", ""] if block.caption else []
        if re.search(r"[<>&]", text):  # an HTML block of our own, the text as entities
            return [*caption, f"<pre><code>{html.escape(text, quote=False)}</code></pre>", ""]
        fence = _md_fence(text)
        return [*caption, f"{fence}text", text, fence, ""]
    if isinstance(block, Image):
        return [f"![{md_escape(block.alt)}]({image_dir}/{block.name})", ""]
    if isinstance(block, ItemList):
        return [*(f"- {_md_text(item)}" for item in block.items), ""]
    raise TypeError(type(block))


def to_markdown(report: Report, image_dir: str = "report_files") -> tuple[str, dict[str, bytes]]:
    """Markdown text and its images (`image_dir/name` -> PNG bytes), for files beside the report."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", image_dir) or image_dir.startswith("."):
        raise InputError(f"{image_dir!r}: not a usable image folder name (letters, digits, . _ - only)")
    out = [f"# {md_escape(report.title)}", ""]
    for section in report.sections:
        out += [f"{'#' * section.level} {md_escape(section.title)}", ""]
        for block in section.blocks:
            out.extend(_md_block(block, image_dir))
    images = {f"{image_dir}/{image.name}": image.png for image in report.images()}
    return "\n".join(out).rstrip("\n") + "\n", images


# ================================================================== public API
def format_for(path: str | os.PathLike[str]) -> str:
    """`html`, `md` or `pdf` from the file's suffix; InputError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"{os.fspath(path)}: unknown report format {suffix or '(no suffix)'!r}: "
            "use .html, .htm, .md or .pdf"
        )
    return FORMATS[suffix]


def _redactor_for(bundles: Sequence[Bundle], decisions: Sequence[Mapping[str, Any]]) -> Any:
    from ucnb.redact import Redactor

    texts = [piece for bundle in bundles for piece in SourceLines(bundle.texts).ordered_texts()]
    users = [str(d.get("by")) for d in decisions if d.get("by")]
    return Redactor.discover(texts, bundles=list(bundles), users=users)


def render_report(
    bundle: Bundle,
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    fmt: str = "html",
    redact: bool = False,
    timestamp: datetime | str | None = None,
    image_dir: str | None = None,
) -> ReportOutput:
    """The report of `bundle` as HTML or Markdown text (with Markdown's images).

    Evidence lines are quoted from the bundles' own texts.
    `decisions`: records like `ucnb.widgets.DECISIONS.as_records()` (node, ppid, action,
    command, impact, by, note); the last one per (node, ppid) is shown. `redact`: placeholders for
    host names, domains, addresses and user names (see `ucnb.redact`). `timestamp`: written in the
    appendix when given (a datetime or text); nothing else depends on the clock.
    """
    if fmt not in ("html", "md"):
        raise InputError(f"unknown report format {fmt!r}: use 'html' or 'md' (PDF: write_report)")
    decisions = list(decisions or [])
    lines = SourceLines(bundle.texts)
    bundles = [bundle] if after is None else [bundle, after]
    redactor = _redactor_for(bundles, decisions) if redact else None
    if redactor is not None:
        lines = _RedactedLines(lines, redactor)
    stamp = timestamp.isoformat(timespec="seconds") if isinstance(timestamp, datetime) else timestamp
    report = build_report(
        bundle, after=after, decisions=decisions, lines=lines, redactor=redactor, timestamp=stamp
    )
    if fmt == "html":
        return ReportOutput(to_html(report), {}, "html")
    text, images = to_markdown(report, image_dir or "report_files")
    return ReportOutput(text, images, "md")


class _RedactedLines(SourceLines):
    """Source lines looked up by original names; texts returned redacted (names are redacted by the
    report together with the analysis)."""

    def __init__(self, lines: SourceLines, redactor: Any) -> None:
        super().__init__(lines.texts)
        self._redactor = redactor

    def line(self, source: str | None) -> str | None:
        text = super().line(source)
        return None if text is None else self._redactor.text(text)

    def find(self, source_range: str | None, word: str) -> tuple[str, str] | None:
        found = super().find(source_range, word)
        return None if found is None else (found[0], self._redactor.text(found[1]))


def write_report(
    bundle: Bundle,
    path: str | os.PathLike[str],
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    redact: bool = False,
    timestamp: datetime | str | None = None,
) -> list[str]:
    """Write the report to `path` (format by suffix: .html/.htm, .md with its images in
    `<stem>_files/` (characters other than letters, digits, `.`, `_`, `-` become `_`), .pdf through
    Chromium). Returns the files written."""
    target = Path(path)
    fmt = format_for(target)
    options = {
        "after": after,
        "decisions": decisions,
        "redact": redact,
        "timestamp": timestamp,
    }
    if fmt == "pdf":
        if not os.path.exists(CHROMIUM):
            raise InputError(
                f"{target}: PDF needs Debian Chromium ({CHROMIUM} not found: "
                "`apt-get install chromium`), or write .html and print it"
            )
        output = render_report(bundle, fmt="html", **options)
        html_to_pdf(output.text, target)
        return [str(target)]
    image_dir = re.sub(r"[^A-Za-z0-9._-]", "_", target.stem).lstrip(".") + "_files"  # a safe link target
    output = render_report(bundle, fmt=fmt, image_dir=image_dir, **options)
    written = []
    if target.parent and not target.parent.is_dir():
        raise InputError(f"{target.parent}: no such folder")
    for name, data in sorted(output.images.items()):
        image_path = target.parent / name
        image_path.parent.mkdir(exist_ok=True)
        image_path.write_bytes(data)
        written.append(str(image_path))
    target.write_text(output.text, encoding="utf-8")
    return [str(target), *written]


def html_to_pdf(html_text: str, out: str | os.PathLike[str], *, timeout: float = 120.0) -> None:
    """Print an HTML page to PDF with headless Chromium (own profile in a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="ucnb-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html_text, encoding="utf-8")
        pdf = Path(work) / "report.pdf"
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={Path(work) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout, cwd=work, env={**os.environ, "HOME": work}
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise InputError(f"{out}: chromium failed to print the PDF ({type(error).__name__})") from error
        if done.returncode != 0 or not pdf.exists() or pdf.read_bytes()[:4] != b"%PDF":
            last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
            raise InputError(
                f"{out}: chromium failed to print the PDF (exit {done.returncode}: {last[:200]})"
            )
        shutil.copyfile(pdf, out)
