"""The report's details per node and per zombie group, bounded whatever the input: the first
MAX_FULL_GROUPS groups of a node in full, the others in one table (then a count), every zombie PID in
a compact table, long parent chains shown top and bottom ("... 9,990 ancestors ...").

    >>> collapse(list(range(20)), keep=3)
    ([0, 1, 2], 14, [17, 18, 19])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ucnb.faces.plan import headline, sentence, steps_for
from ucnb.faces.tree import tree_of_group
from ucnb.model.actions import WHO, action, timing, urgency
from ucnb.model.columns import LISTING_COLUMNS, Columns, TableReader, rows, values
from ucnb.model.findings import Group, NextAction, NodeOutcome
from ucnb.model.results import Node
from ucnb.report.evidence import line_text
from ucnb.report.history import history_blocks
from ucnb.report.model import (
    Block,
    Code,
    Fields,
    Image,
    Inline,
    ItemList,
    Paragraph,
    Preformatted,
    Section,
    Strong,
    Table,
    Text,
    prose,
)
from ucnb.report.words import product_words
from ucnb.text import plural

MAX_FULL_GROUPS = 10  # groups of a node shown in full (fields, evidence, picture, tree)
MAX_TABLE_GROUPS = 500  # further groups in the node's table; the rest are counted
SHOWN_ZOMBIE_ROWS = 10  # exact evidence lines quoted per group (every PID is in the node's PID table)
PIDS_PER_ROW = 50  # the PID table's compact rows
CHAIN_KEEP = 4  # ancestors kept at each end of a long chain
MAX_PICTURE_CHAIN = 40  # a deeper chain is not drawn (its text tree is collapsed)
MAX_LIST = 20  # warnings, captures, trend rows shown; the rest are counted


def collapse(items: Sequence[Any], keep: int = CHAIN_KEEP) -> tuple[list[Any], int, list[Any]]:
    """(top, number left out, bottom) of a long sequence; short ones come back whole as `top`."""
    if len(items) <= 2 * keep + 1:
        return list(items), 0, []
    return list(items[:keep]), len(items) - 2 * keep, list(items[-keep:])


def _bounded(items: list[list[Inline]], what: str) -> list[list[Inline]]:
    if len(items) <= MAX_LIST:
        return items
    return items[:MAX_LIST] + [[f"... {plural(len(items) - MAX_LIST, 'more ' + what)}"]]


def _verified(context: Any, node: Node) -> bool:
    """The node was compared with a capture after the remediation (its details are then the result)."""
    return context.verdict(node.name) is not None


def next_step_text(context: Any, name: str) -> Text:
    """The node's first next action for the report's audience, from the case outcome; with none, the
    vocabulary's "nothing to do" (the status says why)."""
    outcome = context.node_outcome(name)
    steps = steps_for(outcome, context.audience)
    if not steps:
        return action("none").words
    first = steps[0]
    words = sentence(first, context.audience)
    words += f" ({timing(first.when).words}{', optional' if first.optional else ''})"
    command = first.command if first.command and first.command not in words else None
    parts: list[Inline] = [f"{first.action}: " if context.tac else "", words]
    if command:
        parts += [": ", Code(command)]
    return [p for p in parts if p]


# ------------------------------------------------------------------ a node
def _count_text(entry: Any) -> str:
    count = entry.zombie_count
    if count is None:
        return "not captured"
    trend = entry.zombie_trend
    text = f"{count:,}"
    if len(trend) > 1:
        top, gap, bottom = collapse(["?" if t is None else str(t) for t in trend], keep=5)
        shown = top + ([f"... {gap:,} more ..."] if gap else []) + bottom
        text += " (trend " + " → ".join(shown) + ")"
    return text


def node_sections(context: Any, node: Node, entry: Any, n_index: int) -> list[Section]:
    """The node's section, its groups' sections, and its PID table."""
    r = context.r
    name = r(node.name)
    section = Section(f"{name} ({product_words(node.product)})", 2)
    identity = node.identity
    fields: list[tuple[str, Text]] = [
        ("Product", product_words(node.product)),
        ("Version", r(identity.version or "unknown")),
        ("OS version", r(identity.os_version or "unknown")),
        ("Date" if node.product == "linux" else "Date (show status)", r(identity.date or "unknown")),
        ("Uptime", r(identity.uptime or "unknown")),
        ("Zombie count", _count_text(entry)),
        ("Defunct rows in the listing", f"{len(entry.zombies):,}"),
    ]
    headroom = entry.pid_headroom
    if headroom is not None and headroom.forecast:
        fields.append(("PID headroom", prose(r(headroom.forecast))))
    if entry.leak_rate_per_hour is not None:
        fields.append(("Leak rate", f"{entry.leak_rate_per_hour:g} zombies per hour"))
    section.blocks.append(Fields(fields))
    if context.tac:
        times = _captures(node)
        if times:
            section.blocks.append(Paragraph([Strong("Captures")]))
            section.blocks.append(ItemList(_bounded([[r(t)] for t in times], "capture")))
    section.blocks.append(
        Paragraph([Strong("Next step:"), " ", *_inlines(next_step_text(context, node.name))])
    )
    if not _verified(context, node) and entry.next_step.reason and context.tac:
        section.blocks.append(Paragraph(prose(r(entry.next_step.reason))))
    if context.lines is not None and node.latest_load is not None:
        found = context.lines.find(node.latest_load.source, "zombie")
        if found:
            section.blocks.append(Paragraph([Strong("Zombie count evidence")]))
            section.blocks.append(Table(["Source", "Line"], [[r(found[0]), Code(r(found[1]))]]))
    if entry.warnings:
        section.blocks.append(Paragraph([Strong("Warnings")]))
        section.blocks.append(ItemList(_bounded([prose(r(w)) for w in entry.warnings], "warning")))
    _trend(context, section, entry, name, n_index)
    section.blocks.extend(history_blocks(context, node, entry, n_index))
    sections = [section]

    frame = _listing_frame(node, context.redactor) if context.pictures else None
    commands = {z.pid: z.command for z in entry.zombies}
    rows = {z.pid: z for z in entry.zombies}
    for g_index, group in enumerate(entry.groups[:MAX_FULL_GROUPS], start=1):
        picture = f"tree-{n_index}-{g_index}.png" if context.pictures else None
        sections.append(group_section(context, node, entry, group, rows, commands, frame, picture))
    if len(entry.groups) > MAX_FULL_GROUPS:
        sections.append(_other_groups(context, node, entry))
    if entry.zombies:
        sections.append(_pid_table(context, node, entry))
    return sections


def _inlines(value: Text) -> list[Inline]:
    return list(value) if isinstance(value, list) else [value]


def _captures(node: Node) -> list[str]:
    linux = node.product == "linux"  # a Linux host: its `top` and `ps`, never a UCOS command's name
    times = []
    for snapshot in node.loads:
        when = snapshot.captured_at.isoformat(sep=" ") if snapshot.captured_at else snapshot.summary.time
        label = "top" if linux else "show process load"
        times.append(f"{label} {when or 'time unknown'} ({snapshot.source})")
    for listing in node.listings:
        when = listing.captured_at.isoformat(sep=" ") if listing.captured_at else "time unknown"
        times.append(f"{'ps' if linux else listing.command} {when} ({listing.source})")
    return times


def _trend(context: Any, section: Section, entry: Any, name: str, n_index: int) -> None:
    trend = list(entry.trend)
    if len(trend) <= 1:
        return
    rows = [
        [str(t.captured_at or t.time or "unknown"), _num(t.zombie), _num(t.tasks), context.r(t.source or "")]
        for t in trend
    ]
    top, gap, bottom = collapse(rows, keep=MAX_LIST // 2)
    if gap:
        top.append([f"... {plural(gap, 'more snapshot')} ...", "", "", ""])
    section.blocks.append(Paragraph([Strong("Zombie count per snapshot")]))
    section.blocks.append(Table(["Captured", "Zombies", "Tasks", "Source"], top + bottom))
    if context.pictures:
        from ucnb.faces.draw import draw_zombie_trend, figure_to_png_bytes  # matplotlib: pictures only

        counts = [(t.time or t.captured_at or "?", t.zombie) for t in trend]
        figure = draw_zombie_trend(counts, title=f"{name}: zombie count per snapshot")
        section.blocks.append(
            Image(f"trend-{n_index}.png", figure_to_png_bytes(figure), f"zombie count per snapshot on {name}")
        )


def _num(value: Any) -> str:
    return "unknown" if value is None else f"{value:,}"


def _listing_frame(node: Node, redactor: Any) -> Any:
    """The listing to draw: as parsed, or with its users and commands redacted (a copy of those
    columns only; no DataFrame: the report needs no pandas)."""
    listing = node.listing
    if listing is None or redactor is None:
        return listing
    table = TableReader.of(listing, "processes").table
    data = dict(table.data) if isinstance(table, Columns) else {
        column: values(listing, "processes", column) for column in LISTING_COLUMNS}
    for column in ("user", "comm", "command"):
        data[column] = [v if v is None else redactor.strict(v) for v in values(listing, "processes", column)]
    return replace(listing, processes=Columns(LISTING_COLUMNS, data, rows(listing, "processes")))


def _other_groups(context: Any, node: Node, entry: Any) -> Section:
    """The groups after the first MAX_FULL_GROUPS: one row each (up to MAX_TABLE_GROUPS), then a count."""
    r = context.r
    rest = entry.groups[MAX_FULL_GROUPS:]
    section = Section(f"{r(node.name)}: {plural(len(rest), 'more parent')} with zombies", 3)
    rows: list[list[Text]] = []
    for group in rest[:MAX_TABLE_GROUPS]:
        words = action(group.action).sentence(service=group.service, node=r(node.name), ppid=group.ppid)
        rows.append(
            [
                "?" if group.ppid is None else str(group.ppid),
                r(group.parent_command or "not in the listing"),
                r(group.service or "none identified"),
                f"{len(group.zombie_pids):,}",
                [f"{group.action}: " if context.tac else "", words],
            ]
        )
    section.blocks.append(Table(["Parent PID", "Parent", "Service", "Zombies", "To clear them"], rows))
    if len(rest) > MAX_TABLE_GROUPS:
        left = rest[MAX_TABLE_GROUPS:]
        zombies = sum(len(g.zombie_pids) for g in left)
        section.blocks.append(
            Paragraph(
                [
                    f"... and {plural(len(left), 'more parent')} with {plural(zombies, 'zombie')} "
                    "(their PIDs are below)."
                ]
            )
        )
    return section


def _pid_table(context: Any, node: Node, entry: Any) -> Section:
    """Every zombie PID of the node, compactly: per parent, PIDs with their line in the listing."""
    r = context.r
    section = Section(f"{r(node.name)}: every zombie PID", 3)
    sources = {z.pid: z.source for z in entry.zombies}
    rows: list[list[Text]] = []
    for group in entry.groups:
        pids = list(group.zombie_pids)
        for start in range(0, len(pids), PIDS_PER_ROW):
            chunk = pids[start : start + PIDS_PER_ROW]
            files = {str(sources.get(p) or "?").rpartition(":")[0] for p in chunk}
            if len(files) == 1 and "" not in files:
                where = f"{r(files.pop())} line{'s' if len(chunk) > 1 else ''} " + ", ".join(
                    str(sources.get(p)).rpartition(":")[2] for p in chunk
                )
            else:
                where = ", ".join(r(str(sources.get(p) or "?")) for p in chunk)
            rows.append(
                [
                    "?" if group.ppid is None else str(group.ppid),
                    ", ".join(str(p) for p in chunk),
                    where,
                ]
            )
    section.blocks.append(Table(["Parent PID", "Zombie PIDs", "Source"], rows))
    return section


# ------------------------------------------------------------------ a group
_RULE_TEXT = {
    "service": "service catalogue: the owning process matches a known service",
    "init": "the parent is PID 1 (init/systemd)",
    "missing": "the parent PID is not in the listing",
    "no_ppid": "the listing has no PPID column",
    "unknown": "no known service among the parent and its ancestors",
}


def _identified_by(group: Any) -> str:
    rule = str(group.rule or "")
    if rule.startswith("special:"):
        return f"special rule {rule.split(':', 1)[1]}: {group.reason}"
    text = _RULE_TEXT.get(rule, rule or "?")
    if rule == "service" and group.owner_pid is not None:
        text += f" (PID {group.owner_pid} {group.owner_command or '?'}"
        text += ", an ancestor of the parent)" if group.owner_pid != group.ppid else ")"
    return text


def _label(item: Any) -> str:
    label = f"{item.pid} ?" if item.missing else f"{item.pid} {item.command or '?'}"
    return label + (f" [{item.service}]" if item.service else "")


def chain_text(group: Any) -> str:
    """The parent chain, root first; a long one as its top and bottom with the count between."""
    top, gap, bottom = collapse(list(group.ancestry or ()))
    labels = [f"... {plural(group.ancestors_omitted, 'ancestor')} ..."] if group.ancestors_omitted else []
    labels += [_label(i) for i in top] + ([f"... {plural(gap, 'ancestor')} ..."] if gap else [])
    labels += [_label(i) for i in bottom]
    return " → ".join(labels) if labels else "not known"


def tree_text(group: Group, commands: dict[int, str | None]) -> str:
    """`ucnb.faces.tree`'s text tree of the group, its chain collapsed top and bottom, its zombies bounded."""
    top, gap, bottom = collapse(list(group.ancestry))
    pids = list(group.zombie_pids)
    shown = replace(group, ancestry=tuple(top + bottom), zombie_pids=tuple(pids[:SHOWN_ZOMBIE_ROWS]))
    text = tree_of_group(shown, commands)
    lines = text.split("\n")
    if gap:
        at = len(top) + (1 if group.ancestors_omitted else 0)
        indent = len(lines[at]) - len(lines[at].lstrip()) if at < len(lines) else 0
        lines.insert(at, " " * indent + f"⋮  ... {plural(gap, 'ancestor')} ...")
    if len(pids) > SHOWN_ZOMBIE_ROWS:
        lines.append(
            f"   ... {plural(len(pids) - SHOWN_ZOMBIE_ROWS, 'more zombie')} (every PID is in the PID table)"
        )
    return "\n".join(lines)


def group_section(
    context: Any,
    node: Node,
    entry: Any,
    group: Any,
    zombie_rows: dict[int, Any],
    commands: dict[int, str | None],
    frame: Any,
    picture: str | None,
) -> Section:
    r = context.r
    name = r(node.name)
    ppid = group.ppid
    count = len(group.zombie_pids)
    owner = group.service or ("cosmetic" if group.impact == "cosmetic" else None)
    title = f"{name}: {plural(count, 'zombie')} under PID {'?' if ppid is None else ppid}"
    section = Section(title + (f" ({r(owner)})" if owner else ""), 3)
    parent = (
        "not known (no PPID)"
        if ppid is None
        else f"PID {ppid} " + (r(group.parent_command) if group.parent_command else "(not in the listing)")
    )
    fields: list[tuple[str, Text]] = [("Parent", parent), ("Service", r(group.service or "none identified"))]
    if context.tac:
        fields.append(("Identified by", r(_identified_by(group))))
    fields.append(("Ancestry", r(chain_text(group))))
    fields.append(("Diagnosis", prose(r(group.reason))))
    level = group.urgency
    if level:
        reason = group.urgency_reason
        fields.append(("Urgency", urgency(level).words + (f": {r(reason)}" if reason else "")))
    section.blocks.append(Fields(fields))
    section.blocks.append(Paragraph([Strong("Evidence")]))
    section.blocks.append(Table(["Row", "Source", "Text"], _evidence(context, group, zombie_rows)))
    chain = len(group.ancestry or ())
    if picture is not None and chain <= MAX_PICTURE_CHAIN:
        from ucnb.faces.draw import draw_zombie_tree, figure_to_png_bytes  # matplotlib: pictures only

        figure = draw_zombie_tree(frame, context.redacted(group), node_name=name)
        section.blocks.append(
            Image(
                picture,
                figure_to_png_bytes(figure),
                f"process tree of the zombies under PID {ppid} on {name}",
            )
        )
    section.blocks.append(Preformatted(r(tree_text(group, commands)), "Process tree"))
    collect = group.collect_before
    outcome = context.node_outcome(node.name)
    if _verified(context, node):  # the remediation is done: its result, and the plan says what is next
        section.blocks.append(Paragraph([Strong("Result:"), " ", *prose(headline(outcome))]))
        return section
    if collect and not outcome.cosmetic:
        section.blocks.append(Paragraph([Strong("Before clearing them, collect")]))
        section.blocks.append(ItemList([r(_collect_text(item)) for item in collect]))
    if context.decision(node.name, group.ppid) is not None:  # decided: the decision, not the options
        shown = context.shown_decision(node.name, group.ppid)
        if shown is not None:
            words = action(str(shown["action"])).sentence(service=group.service, node=name, ppid=group.ppid,
                                                          audience=context.audience)
            decided: list[Inline] = [Strong("Decided:"), " ", words[:1].upper() + words[1:]]
            if shown.get("command"):
                decided += [": ", Code(r(str(shown["command"])))]
            section.blocks.append(Paragraph(decided + [" (see Decision and the action plan)."]))
        return section
    _remedy(context, section, node, group, outcome)
    return section


def _collect_text(item: Any) -> list[Inline]:
    """`why: command` of a collect-before step (the command as code)."""
    why, command = item.why, item.command
    return [why] + ([": " if why else "", Code(command)] if command else [])


def _evidence(context: Any, group: Any, zombie_rows: dict[int, Any]) -> list[list[Text]]:
    """file:line and the exact text of the first defunct rows and of the parent row."""
    r = context.r
    rows: list[list[Text]] = []
    pids = list(group.zombie_pids)
    for pid in pids[:SHOWN_ZOMBIE_ROWS]:
        row = zombie_rows.get(pid)
        source = row.source if row is not None else None
        command = row.command if row is not None else None
        rows.append(["defunct", r(source or "?"), Code(r(line_text(context.lines, source, command)))])
    if len(pids) > SHOWN_ZOMBIE_ROWS:
        rows.append(
            [
                "defunct",
                "",
                f"... {plural(len(pids) - SHOWN_ZOMBIE_ROWS, 'more defunct row')} (see the PID table)",
            ]
        )
    if group.parent_source:
        text = line_text(context.lines, group.parent_source, group.parent_command)
        rows.append(["parent", r(group.parent_source), Code(r(text))])
    return rows


def plan_table(steps: Sequence[NextAction], limit: int = MAX_LIST, *, audience: str = "tac") -> list[Block]:
    """The action plan as a numbered table (who, when, what, the exact command, why), then a count of
    the steps left out; the steps are the outcome's, already chosen for the audience (`steps_for`)."""
    rows: list[list[Text]] = []
    for number, step in enumerate(steps[:limit], 1):
        what = sentence(step, audience)
        when = timing(step.when).words + (" (optional)" if step.optional else "")
        command: Text = Code(step.command) if step.command else "none"
        rows.append([str(number), WHO[step.who], when, what[:1].upper() + what[1:], command, prose(step.why)])
    blocks: list[Block] = [Table(["Step", "Who", "When", "What", "Command", "Why"], rows)]
    if len(steps) > limit:
        blocks.append(Paragraph([f"... {plural(len(steps) - limit, 'more step')} (see each node)."]))
    return blocks


def _remedy(context: Any, section: Section, node: Node, group: Any, outcome: NodeOutcome) -> None:
    r = context.r
    name = r(node.name)
    if outcome.status == "cosmetic" and group.impact == "cosmetic":  # no action: the plan says why
        steps = [s for s in steps_for(outcome, context.audience) if s.ppid in (None, group.ppid)]
        section.blocks.append(Paragraph([Strong("What to do")]))
        section.blocks.extend(plan_table(steps, audience=context.audience))
        return
    words = action(group.action).sentence(service=group.service, node=name, ppid=group.ppid,
                                          command=group.command)
    chosen: Text = [Code(group.action), f": {words}"] if context.tac else words[:1].upper() + words[1:]
    remedy: list[tuple[str, Text]] = [("Action", chosen)]
    remedy.append(("Command", Code(r(group.command)) if group.command else "none"))
    for extra in group.commands or ():
        if extra != group.command:
            remedy.append(("Then", Code(r(extra))))
    note = str(group.impact_note or "")
    if note.startswith(f"{group.impact}:"):
        note = note.split(":", 1)[1].strip()
    remedy.append(("Impact", group.impact + (f": {r(note)}" if note else "")))
    when = group.when
    if when:
        remedy.append(("When", timing(when).words))
    if group.leak_rate_per_hour is not None:
        basis = group.leak_rate_basis or "?"
        remedy.append(("Leak rate", f"{group.leak_rate_per_hour:g} zombies per hour (from the {basis})"))
    section.blocks.append(Paragraph([Strong("How to clear them")]))
    section.blocks.append(Fields(remedy))
    alternatives: list[list[Text]] = []
    for alt in group.alternatives or ():
        tac_only = bool(alt.tac_only)
        if tac_only and not context.tac:
            continue
        alt_words = action(alt.action).sentence(service=group.service, node=name, ppid=group.ppid)
        row: list[Text] = [
            alt_words[:1].upper() + alt_words[1:],
            Code(r(alt.command)) if alt.command else "none",
            prose(r(alt.note or "")),
        ]
        if context.tac:
            row[0] = [Code(alt.action), f": {alt_words}"]
            row.append("yes" if tac_only else "no")
        alternatives.append(row)
    if alternatives:
        section.blocks.append(Paragraph([Strong("Alternatives considered")]))
        header = ["Action", "Command", "Note"] + (["TAC only"] if context.tac else [])
        section.blocks.append(Table(header, alternatives))
