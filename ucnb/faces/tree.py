"""Text faces: a pstree-like tree of a zombie group, and the human triage of `ucnb analyze/verify`.

    >>> import ucnb
    >>> listing = ucnb.load("sample_outputs/ex1_cucm_amc/before").nodes[0].listing
    >>> print(render_tree(listing, 29815, product="CUCM"))
    1 /usr/lib/systemd/systemd --switched-root --system --deserialize 22
    └─ 1119 /usr/local/platform/bin/servM  [Service Manager]
       └─ 29815 /usr/local/cm/bin/amc  [Cisco AMC Service]  <== parent of 1 zombie
          └─ 22908 [sh] <defunct>  Z

Thousands of zombies under one parent collapse into one line with their count and PID range; a chain
of ancestors longer than `CHAIN_TOP + CHAIN_BOTTOM` shows its top and its bottom around one line
`... 9,990 ancestors ...`; the analysis lists at most `TABLE_ROWS` groups in its table, then their
count. So the text stays small whatever the listing. Everything is deterministic (sorted by PID, no
colour, no clock).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import networkx as nx

from ucnb.diagnosis.outcome import decide
from ucnb.diagnosis.verify import parent_state
from ucnb.faces.plan import headline as plan_headline
from ucnb.faces.plan import plan_lines
from ucnb.faces.plan import sentence as plan_sentence
from ucnb.knowledge.catalogue import CATALOGUE, Catalogue
from ucnb.knowledge.owner import ancestry
from ucnb.model.actions import action, timing, verdict
from ucnb.model.findings import (
    Analysis,
    Ancestor,
    CaseOutcome,
    Group,
    NodeAnalysis,
    NodeOutcome,
    NodeVerification,
    Verification,
)
from ucnb.model.graph import build_graph, children
from ucnb.model.results import Listing
from ucnb.text import plural

if TYPE_CHECKING:  # a DataFrame is drawn through the graph: `ucnb analyze` needs no pandas
    import pandas as pd

__all__ = ["render_tree", "tree_of_group", "action_needed", "format_analysis", "format_verify", "text_html"]

COLLAPSE = 20  # more zombies than this under one parent: one summary line
SHOWN_CHILDREN = 5  # non-zombie children shown under the parent
CHAIN_TOP, CHAIN_BOTTOM = 3, 6  # a longer chain of ancestors shows these ends only
TABLE_ROWS = 100  # groups listed in the analysis table; the others are counted
_NO_PPID = "? (parent unknown: the listing has no PPID)"


def _short(text: str | None, width: int = 70) -> str:
    text = text or "?"
    return text if len(text) <= width else text[: width - 3] + "..."


def _labels(chain: Sequence[Ancestor]) -> list[str]:
    """ "4012 /usr/local/cm/bin/servM  [Service Manager]" per ancestor, root first."""
    labels = []
    for item in chain:
        label = f"{item.pid} ? (not in the listing)" if item.missing else f"{item.pid} {_short(item.command)}"
        labels.append(label + (f"  [{item.service}]" if item.service else ""))
    return labels


def _draw(
    chain: list[str],
    zombies: list[tuple[int, str | None]],
    others: list[tuple[int, str | None]],
    others_count: int,
    collapse: int = COLLAPSE,
) -> str:
    """Core renderer. `chain`: the labels from the root down to the parent (see `_labels`)."""
    lines: list[str] = []
    indent = ""
    hidden = len(chain) - CHAIN_TOP - CHAIN_BOTTOM
    if hidden > 1:  # thousands deep: the ends, and the count of what lies between
        chain = [*chain[:CHAIN_TOP], f"... {plural(hidden, 'ancestor')} ...", *chain[-CHAIN_BOTTOM:]]
    for depth, label in enumerate(chain):
        if depth == len(chain) - 1:
            label += f"  <== parent of {plural(len(zombies), 'zombie')}"
        lines.append(label if depth == 0 else f"{indent}└─ {label}")
        if depth > 0:
            indent += "   "
    entries: list[str] = []
    if len(zombies) > collapse:
        pids = [pid for pid, _ in zombies]
        entries.append(f"{plural(len(zombies), 'zombie')} <defunct>, PIDs {min(pids)}-{max(pids)}  Z")
    else:
        entries.extend(f"{pid} {_short(command or '<defunct>')}  Z" for pid, command in zombies)
    entries.extend(f"{pid} {_short(command)}" for pid, command in others)
    if others_count > len(others):
        entries.append(f"... {plural(others_count - len(others), 'more process')}")
    child_indent = indent if len(chain) > 1 else ""
    for i, entry in enumerate(entries):
        branch = "└─" if i == len(entries) - 1 else "├─"
        lines.append(f"{child_indent}{branch} {entry}")
    return "\n".join(lines)


def render_tree(
    source: Listing | pd.DataFrame | nx.DiGraph,
    ppid: int | None,
    *,
    product: str = "unknown",
    catalogue: Catalogue | None = None,
    collapse: int = COLLAPSE,
    shown_children: int = SHOWN_CHILDREN,
) -> str:
    """The ancestry of the zombies' parent `ppid` (root first, service names in brackets), the
    zombies under it (marked `Z`, collapsed beyond `collapse`) and its other children.

    `ppid` None (a listing without PPID) gives the zombies under an unknown parent.
    """
    catalogue = catalogue or CATALOGUE
    if isinstance(source, nx.DiGraph):
        g = source
    else:
        g = build_graph(source, around=None if ppid is None else [ppid])
    nodes = g.nodes
    if ppid is None:
        zombies = sorted((n, a.get("command")) for n, a in nodes(data=True) if a.get("zombie"))
        return _draw([_NO_PPID], zombies, [], 0, collapse)
    chain = _labels(ancestry(g, ppid, product, catalogue))
    kids = children(g, ppid)
    zombies = [(c, nodes[c].get("command")) for c in kids if nodes[c].get("zombie")]
    others = [(c, nodes[c].get("command")) for c in kids if not nodes[c].get("zombie")]
    return _draw(chain, zombies, others[:shown_children], len(others), collapse)


def tree_of_group(group: Group, zombie_commands: Mapping[int, str | None]) -> str:
    """The tree of one group (uses its `ancestry` and `other_children`)."""
    if group.ppid is None:
        chain = [_NO_PPID]
    else:
        chain = _labels(group.ancestry or (Ancestor(group.ppid, None, None, missing=True),))
        if group.ancestors_omitted:  # the trunk is drawn with an earlier group
            chain.insert(0, f"... {plural(group.ancestors_omitted, 'ancestor')} (see the groups above) ...")
    zombies = [(pid, zombie_commands.get(pid)) for pid in group.zombie_pids]
    others = [(c.pid, c.command) for c in group.other_children]
    return _draw(chain, zombies, others, group.other_children_count)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def action_needed(node: NodeAnalysis, outcome: NodeOutcome) -> str:
    """The line every node's text leads with: is action needed, why (with numbers), what to do first;
    from the node's case outcome (`ucnb.diagnosis.outcome`), never decided here.

    >>> from ucnb.diagnosis.outcome import decide
    >>> analysis = ucnb.diagnose(bundle)
    >>> print(action_needed(analysis.nodes[0], decide(analysis).nodes[0]))
    Action needed: optional. 1 zombie, 0.003 % of the PID space, growth not measured (one snapshot). \
If you choose to clear it: `utils service restart Cisco AMC Service` (at a convenient time).
    """
    step = node.next_step
    if outcome.status in ("clean", "cosmetic", "missing_data"):
        label = {"clean": "none", "cosmetic": "none", "missing_data": "more data"}[outcome.status]
        text = f"Action needed: {label}."
        if outcome.status == "clean":
            return text + " No zombie."
        first = outcome.next_actions[0]
        if outcome.status == "cosmetic":
            return f"{text} {first.why[0].upper()}{first.why[1:]}."
        return f"{text} Next: capture `{first.command}`: {first.why}."
    text = f"Action needed: {step.urgency}."
    if step.urgency_reason and step.urgency != "none":
        text += f" {step.urgency_reason[0].upper()}{step.urgency_reason[1:]}."
    first = outcome.next_actions[0]
    if not first.command:
        return f"{text} First: {plan_sentence(first)} ({timing(first.when).words})."
    them = "them" if sum(g.count for g in node.groups if g.ppid == first.ppid) > 1 else "it"
    lead = f"If you choose to clear {them}" if first.optional else f"To clear {them}"
    return f"{text} {lead}: `{first.command}` ({timing(first.when).words})."


def _planned(outcome: NodeOutcome, ppid: int | None) -> str | None:
    """The action token of the outcome's first decidable step for this parent, or None."""
    steps = [s for s in outcome.next_actions if s.ppid == ppid and action(s.action).decision]
    return steps[0].action if steps else None


def _node_text(node: NodeAnalysis, outcome: NodeOutcome, max_groups: int) -> list[str]:
    out = [f"== {node.node} ({node.product}) ==", action_needed(node, outcome), ""]
    count = node.zombie_count
    line = f"zombie count: {'not captured' if count is None else f'{count:,}'}"
    if len(node.zombie_trend) > 1:
        line += "  (trend " + " -> ".join("?" if t is None else str(t) for t in node.zombie_trend) + ")"
    line += f"; defunct rows in the listing: {len(node.zombies):,}"
    if node.sources.listing is None:
        line += " (no listing)"
    out.append(line)
    out.extend(perfmon_lines(node))
    groups = node.groups
    if groups:
        rows = [["PPID", "zombies", "parent", "service", "action", "impact", "urgency"]]
        for group in groups[:TABLE_ROWS]:
            rows.append([
                "?" if group.ppid is None else str(group.ppid),
                f"{group.count:,}",
                _short(group.parent_command or "(not in the listing)", 40),
                group.service or "-",
                _planned(outcome, group.ppid) or group.action,  # the outcome's step, never another
                group.impact,
                group.urgency,
            ])
        out.append("")
        out.extend(_table(rows))
        if len(groups) > TABLE_ROWS:
            out.append(f"  ... {plural(len(groups) - TABLE_ROWS, 'more group')} "
                       f"({plural(len(groups), 'group')} in all; --json lists every one)")
        commands = {z.pid: z.command for z in node.zombies}
        for group in groups[:max_groups]:
            out.append("")
            out.append(f"  PID {group.ppid if group.ppid is not None else '?'}: {group.reason}")
            out.append(_indent(tree_of_group(group, commands)))
        if len(groups) > max_groups:
            out.append(f"  ... {plural(len(groups) - max_groups, 'more group')} (see --json)")
    out.append("")
    plan = plan_lines(outcome, why=True)
    out.append("action plan:" if plan else "action plan: nothing to do")
    out.extend("  " + line for line in plan)
    step = node.next_step
    if groups:
        first = node.group(step.ppid) or groups[0]
        alts = [
            a.action + (f" (`{a.command}`)" if a.command else "") + (" [TAC only]" if a.tac_only else "")
            for a in first.alternatives
        ]
        if alts:
            out.append("  alternatives: " + "; ".join(alts))
        planned = _planned(outcome, first.ppid)
        verb = action(planned or step.action).verb
        other = action(step.action).verb  # the plan leaves them: only if they do it after all
        if first.collect_before and (verb or other):
            out.append(f"  before you {verb}, capture (the evidence goes with the parent):" if verb else
                       f"  if you {other} after all, capture first (the evidence goes with the parent):")
            out.extend(
                f"    admin:{c.command}  ({c.why})" if c.command else f"    {c.why[0].upper()}{c.why[1:]}"
                for c in first.collect_before
            )
        for group in groups:
            for defect in group.defects:
                verdict = {True: "applies", False: "does not apply", None: "may apply"}[defect.applies]
                out.append(f"  known defect {defect.id} ({group.service}): {defect.title}; {verdict}: "
                           f"{defect.why} ({defect.source})")
    if node.pid_headroom is not None and node.pid_headroom.forecast:
        out.append(f"  PID space: {node.pid_headroom.forecast}")
    if node.warnings:
        out.append("")
        out.append("warnings:")
        out.extend(f"  ! {w}" for w in node.warnings)
    out.append("")
    return out


def _moment(iso: str | None) -> str:
    """An ISO time as people read it (the JSON keeps ISO).

    >>> _moment("2026-03-05T04:45:00"), _moment(None)
    ('2026-03-05 04:45:00', '?')
    """
    return iso.replace("T", " ", 1) if iso else "?"


def perfmon_lines(node: NodeAnalysis) -> list[str]:
    """The PerfMon history of a node: the one line (first appearance, rate, parent), then per process
    name, the RTMT alert, how `Process Status` was read and what the files say of themselves."""
    found = node.perfmon
    if found is None:
        return []
    out = [f"PerfMon history: {found.summary}",
           f"  {plural(found.polls, 'poll')} every {found.poll_seconds or '?'} s, {_moment(found.start)} to "
           f"{_moment(found.end)} ({plural(len(found.files), 'file')}; "
           f"time zone {found.zone or 'not written'})"]
    for series in found.names[:TABLE_ROWS]:
        first = (f"first at {_moment(series.first_seen)} ({series.first_seen_source})" if series.first_seen
                 else "none now")
        out.append(f"  `{series.name}`: {series.count_last:,} at the last poll, {first}; {series.note}")
    if found.alert:
        out.append(f"  {found.alert}")
    if found.status_evidence:
        out.append(f"  Process Status: {found.status_evidence}")
    out.extend(f"  note: {note}" for note in found.notes)
    return out


HANG = 2  # a wrapped line's continuation, indented under its own start (in characters)


def text_html(text: str, *, kind: str = "ucnb-analysis") -> str:
    """The CLI text as HTML a page can show: one block per line, its indentation kept, wrapped at
    words (never mid-word, unless one word is wider than the page), a wrapped line's rest hanging
    under its start; escaped.

    >>> page = text_html("Action needed: <now>" + chr(10) + "  ├─ 7 sh")
    >>> "Action needed: &lt;now&gt;</div>" in page, page.count("word-break: normal"), "left: 4ch" in page
    (True, 2, True)
    """
    blocks = []
    for line in text.splitlines():
        body = line.lstrip(" ")
        indent = len(line) - len(body) + HANG
        shown = html.escape(body, quote=False) or "&nbsp;"
        blocks.append(f"<div style='{_LINE} padding-left: {indent}ch; text-indent: -{HANG}ch'>{shown}</div>")
    return f"<div class='{kind}' style='{_TEXT}'>{''.join(blocks)}</div>"


_LINE = "white-space: pre-wrap; word-break: normal; overflow-wrap: break-word;"
_TEXT = "font-family: monospace; font-size: 0.9em; line-height: 1.35"


def format_analysis(analysis: Analysis, outcome: CaseOutcome | None = None, *, max_groups: int = 10) -> str:
    """The human triage of `analyze`: per node the count, a table of groups, each group's tree,
    the action plan of the case outcome (`decide(analysis)` when not given), the PID forecast and
    the warnings."""
    outcome = outcome or decide(analysis)
    out: list[str] = []
    for node, node_outcome in zip(analysis.nodes, outcome.nodes, strict=False):
        out.extend(_node_text(node, node_outcome, max_groups))
    if analysis.reboot_note:
        out.append(f"Reboot plan: {analysis.reboot_note}")
    return "\n".join(out).rstrip() + "\n"


def _pairing_text(node: NodeVerification) -> str:
    pairing = node.pairing
    if pairing is None:
        return f"{node.node} -> {node.after_node or node.node}"
    arrow = f"{pairing.before or '(none)'} -> {pairing.after or '(none)'}"
    why = {
        "name": "same host name",
        "explicit": "paired with --pair",
        "mismatch": "different nodes: not compared",
        "none": "no counterpart",
    }.get(pairing.by, pairing.by)
    return f"{arrow} ({why})"


def _verify_text(node: NodeVerification) -> list[str]:
    before = "?" if node.before_count is None else node.before_count
    after = "?" if node.after_count is None else node.after_count
    out = [
        f"== {_pairing_text(node)}: {verdict(node.verdict).banner} ==", f"  zombie count: {before} -> {after}"
    ]
    moved = {m.pid: m for m in node.reparented}
    lists = ((node.cleared_pids, "cleared"), (node.remaining_pids, "remaining"), (node.new_pids, "new"))
    for pids, label in lists:
        if pids:
            shown = ", ".join(
                str(p) + (f" (still defunct, now under PID {moved[p].ppid_after})" if p in moved else "")
                for p in pids[:10]
            )
            shown += f" ... ({len(pids)} in all)" if len(pids) > 10 else ""
            out.append(f"  {label}: {shown}")
    for parent in node.parents:
        if parent.after_pid is not None and node.rebooted:  # every process is new: never "still"
            out.append(f"  {parent.service or parent.command}: {parent_state(parent, True, '->')}")
        elif parent.restarted:
            out.append(
                f"  {parent.service or parent.command}: restarted, PID {parent.ppid} -> {parent.after_pid}"
            )
        elif parent.after_pid is not None:
            out.append(f"  {parent.service or parent.command}: {parent_state(parent, node.rebooted, '->')}")
    for state in node.service_state_after:
        if state.state is not None:
            out.append(f"  {state.service}: {state.state} after ({state.source})")
    if node.restarted_services:
        out.append("  restarted in the after capture: " + ", ".join(node.restarted_services))
    if node.reason:
        out.append(f"  {node.reason}")
    out.extend(f"  ! {w}" for w in node.warnings)
    out.append("")
    return out


def format_verify(result: Verification, outcome: CaseOutcome | None = None) -> str:
    """The human output of `verify`: per node counts before/after, PIDs and the verdict, and with
    the case outcome its status and action plan (nothing left to do: "no further action")."""
    out: list[str] = []
    for node in result.nodes:
        out.extend(_verify_text(node))
        node_outcome = outcome.node(node.node) if outcome is not None else None
        if node_outcome is not None:
            out.insert(len(out) - 1, f"  => {plan_headline(node_outcome)}")
            plan = plan_lines(node_outcome, why=True)
            if plan:
                out[len(out) - 1:len(out) - 1] = ["  action plan:", *("    " + line for line in plan)]
    return "\n".join(out).rstrip() + "\n"
