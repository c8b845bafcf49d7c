"""The triage and the verification in words, as HTML for the workbench page.

Every word comes from the one vocabulary (`ucnb.model.actions`), the case outcome
(`ucnb.faces.plan`: headline, action plan per audience) and the report's words (`product_words`);
nothing here decides: it renders `ucnb.diagnosis.outcome.assess`'s case. Text from the capture is
escaped (`printable`, then HTML).

    >>> from ucnb.diagnosis.outcome import assess
    >>> case = assess(bundle)
    >>> "Action optional" in case_headline(case.outcome)
    True
    >>> print(group_words(case.analysis.nodes[0].groups[0])[:59])
    1 zombie process (PID 22908), children of the process 29815
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ucnb.faces.plan import headline, plan_rows
from ucnb.model.actions import action, status, timing, verdict
from ucnb.model.findings import CaseOutcome, Group, NodeOutcome, NodeVerification
from ucnb.report.words import product_words
from ucnb.text import plural, printable

__all__ = [
    "groups_table_html",
    "badge",
    "case_headline",
    "group_words",
    "node_heading",
    "picture_html",
    "plan_html",
    "verification_html",
    "STYLE",
]

MAX_PIDS = 8  # zombie PIDs named in a sentence; the rest counted
TONES = {
    "ok": ("#e6f4ea", "#1e7e34"),
    "good": ("#e6f4ea", "#1e7e34"),
    "info": ("#e8f0fe", "#1a56b0"),
    "warn": ("#fff4e5", "#a35200"),
    "bad": ("#fdecea", "#b00020"),
}

STYLE = """<style>
.ucnb-workbench{max-width:1400px;font-size:14px;line-height:1.45}
.ucnb-workbench h2{margin:18px 0 6px;font-size:20px}
.ucnb-workbench h3{margin:14px 0 4px;font-size:17px}
.ucnb-badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:bold;border:1px solid}
.ucnb-headline{font-size:18px;font-weight:bold;padding:8px 12px;border-radius:6px;margin:8px 0}
.ucnb-plan li{margin:3px 0}
.ucnb-plan code,.ucnb-group code{background:#f3f3f3;padding:0 3px;border-radius:3px}
.ucnb-picture img{width:100%;height:auto;border:1px solid #ddd;background:#fff}
.ucnb-picture details .ucnb-zoom{overflow:auto;max-height:80vh;border:1px solid #ddd}
.ucnb-picture details .ucnb-zoom img{width:220%;max-width:none}
.ucnb-evidence-link button,.ucnb-evidence-link{font-family:monospace}
.ucnb-muted{color:#555}
</style>"""


def badge(tone: str, text: str) -> str:
    """A coloured badge (tones of `ucnb.model.actions`)."""
    back, fore = TONES.get(tone, TONES["info"])
    return (
        f'<span class="ucnb-badge" style="background:{back};color:{fore};border-color:{fore}">'
        f"{html.escape(text)}</span>"
    )


def case_headline(outcome: CaseOutcome) -> str:
    """The case's headline: its status in words, in the status's colour."""
    state = status(outcome.status)
    back, fore = TONES.get(state.tone, TONES["info"])
    return (
        f'<div class="ucnb-headline" style="background:{back};color:{fore}">'
        f"{html.escape(state.headline)}</div>"
    )


def node_heading(name: str, product: str, outcome: NodeOutcome) -> str:
    """The node's title, its badge and its headline (the outcome's words)."""
    state = status(outcome.status)
    return (
        f"<h3>{html.escape(printable(name))} <span class='ucnb-muted'>"
        f"({html.escape(product_words(product))})</span> {badge(state.tone, state.badge)}</h3>"
        f"<p>{html.escape(headline(outcome))}</p>"
    )


def _pids(pids: Sequence[int]) -> str:
    shown = ", ".join(str(p) for p in pids[:MAX_PIDS])
    return shown + (f" and {len(pids) - MAX_PIDS} more" if len(pids) > MAX_PIDS else "")


def groups_table_html(rows: Sequence[Mapping[str, str]]) -> str:
    """The groups of a node as a table (`ucnb.faces.plan.group_rows`: words, never tokens).

    >>> groups_table_html([{"parent PID": "7", "next step": "<leave>"}]).split("</tr>")[1:]
    ['<tr><td>7</td><td>&lt;leave&gt;</td>', '</table>']
    """
    if not rows:
        return ""
    columns = list(rows[0])
    head = "".join(f"<th>{html.escape(c[:1].upper() + c[1:])}</th>" for c in columns)
    cells = ("".join(f"<td>{html.escape(printable(str(row.get(c, ''))))}</td>" for c in columns)
             for row in rows)
    body = "".join(f"<tr>{cell}</tr>" for cell in cells)
    return (f'<table class="ucnb-groups" border="1" cellpadding="4" style="border-collapse:collapse">'
            f"<tr>{head}</tr>{body}</table>")


def group_words(group: Group) -> str:
    """One zombie group as a sentence: how many, whose children, which service."""
    count = group.count or len(group.zombie_pids)
    text = f"{plural(count, 'zombie process', 'zombie processes')} (PID {_pids(group.zombie_pids)})"
    if group.ppid is None:
        text += ", whose parent process is not in the listing"
    else:
        parent = f" ({printable(group.parent_command)})" if group.parent_command else ""
        text += f", children of the process {group.ppid}{parent}"
    if group.service:
        text += f", which belongs to the {printable(group.service)}"
    return text + "."


def group_html(group: Group, *, tac: bool) -> str:
    """The group in words: the sentence, what the recommended step disturbs, the alternatives and what
    to capture before a restart."""
    parts = [f"<p><b>{html.escape(group_words(group))}</b></p>"]
    if group.action:
        recommended = action(group.action)
        when = f" ({timing(group.when).words})" if group.when else ""
        command = f": <code>{html.escape(group.command)}</code>" if group.command else ""
        parts.append(f"<p>Recommended: {html.escape(recommended.label)}{html.escape(when)}{command}</p>")
    if group.impact_note:
        parts.append(f"<p>What it disturbs: {html.escape(printable(group.impact_note))}</p>")
    others = [alt for alt in group.alternatives if tac or not (alt.tac_only or action(alt.action).tac_only)]
    if others:
        items = "".join(
            f"<li>{html.escape(action(alt.action).label)}"
            + (f": <code>{html.escape(alt.command)}</code>" if alt.command else "")
            + (f" <span class='ucnb-muted'>({html.escape(printable(alt.note))})</span>" if alt.note else "")
            + "</li>"
            for alt in others
        )
        parts.append(f"<p>Other ways:</p><ul>{items}</ul>")
    if group.collect_before:
        verb = action(group.action).verb if group.action else ""
        items = "".join(
            "<li>"
            + (f"<code>{html.escape(item.command)}</code>: " if item.command else "")
            + f"{html.escape(printable(item.why))}</li>"
            for item in group.collect_before
        )
        parts.append(f"<p>Before you {html.escape(verb or 'restart')}, capture:</p><ul>{items}</ul>")
    return f'<div class="ucnb-group">{"".join(parts)}</div>'


def plan_html(outcome: CaseOutcome | NodeOutcome, *, tac: bool, title: str = "Next actions") -> str:
    """The outcome's action plan for the page's audience, numbered."""
    rows = plan_rows(outcome, "tac" if tac else "customer")
    if not rows:
        return ""
    items = "".join(
        f"<li><b>{html.escape(row.who)}</b>, {html.escape(row.when)}{' (optional)' if row.optional else ''}: "
        f"{html.escape(row.what)}"
        + (
            f": <code>{html.escape(row.command)}</code>"
            if row.command and row.command not in row.what
            else ""
        )
        + (f"<br><span class='ucnb-muted'>{html.escape(row.why)}</span>" if row.why else "")
        + "</li>"
        for row in rows
    )
    return f'<div class="ucnb-plan"><b>{html.escape(title)}</b><ol>{items}</ol></div>'


def verification_html(nodes: Sequence[NodeVerification], outcome: CaseOutcome, *, tac: bool) -> str:
    """After the fix: the case's badge, then per node its verdict, the counts and why."""
    state = status(outcome.status)
    parts = [f"<p>{badge(state.tone, state.badge)} {html.escape(state.headline)}</p>"]
    for node in nodes:
        word = verdict(node.verdict)
        counts = (
            f"zombie count {node.before_count if node.before_count is not None else '?'} before, "
            f"{node.after_count if node.after_count is not None else '?'} after"
        )
        name = html.escape(printable(node.node))
        line = f"<b>{name}</b>: {badge(word.tone, word.label)} {html.escape(counts)}"
        if node.reason:
            line += f"<br><span class='ucnb-muted'>{html.escape(printable(node.reason))}</span>"
        if node.reboot_evidence:
            line += (
                f"<br><span class='ucnb-muted'>Reboot: {html.escape(printable(node.reboot_evidence))}</span>"
            )
        parts.append(f"<p>{line}</p>")
    parts.append(plan_html(outcome, tac=tac))
    return "".join(parts)


def picture_html(figure: Any, *, alt: str = "process tree") -> str:
    """A picture (the tree, the PerfMon timeline) as SVG at the page's full width, with a larger view
    to scroll in; `alt` says what it shows."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt  # the figure is done with

    plt.close(figure)
    data = base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")
    image = f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}">'
    return (
        f'<div class="ucnb-picture">{image}<details><summary>Show the picture larger</summary>'
        f'<div class="ucnb-zoom">{image}</div></details></div>'
    )
