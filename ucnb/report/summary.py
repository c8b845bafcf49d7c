"""The report's story: executive summary (seen, why it matters, done, result), timeline, root cause.

>>> import ucnb
>>> from ucnb.report.build import build_report
>>> report = build_report(ucnb.load("sample_outputs/ex1_cucm_amc/before"), pictures=False)
>>> "did not reap" in str(report.sections[3].blocks[0].items[0])
True
>>> report.sections[0].blocks[0].parts[0].text  # the outcome's headline leads
'Action optional. 1 zombie, 0.003 % of the PID space, growth not measured (one snapshot).'

"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from ucnb.diagnosis.remedy import transfer_words
from ucnb.faces.plan import headline, steps_for
from ucnb.model.actions import action, status, urgency, verdict
from ucnb.model.findings import Verification
from ucnb.model.results import Bundle, Node
from ucnb.report.context import Context, bundle_times, capture_times, owners, when_of, when_text
from ucnb.report.model import Code, Inline, ItemList, Paragraph, Section, Strong, Table, Text, prose
from ucnb.report.nodes import MAX_FULL_GROUPS, plan_table
from ucnb.report.words import product_words
from ucnb.text import plural


def _why_it_matters(context: Context, node: Node, entry: Any) -> str:
    """The diagnosis's urgency for the node, in words, with its numbers; a known cosmetic condition
    needs no action (the outcome says so)."""
    step = entry.next_step
    level = urgency(step.urgency)
    reason = f" ({context.r(step.urgency_reason)})" if step.urgency_reason else ""
    if context.node_outcome(node.name).status == "cosmetic":
        text = urgency("none").summary + reason + urgency("optional").summary_tail + "."
    else:
        them = "it" if len(entry.zombies) == 1 else "them"
        text = level.summary.format(them=them) + reason + level.summary_tail + "."
    # after the remediation the before capture's urgency is history ("Clearing it was optional")
    return text.replace(" is ", " was ", 1) if context.after is not None else text


def _done(context: Context, node: Node, entry: Any) -> str:
    """What was decided or, once verified, what the captures show was done (never what to do next:
    that is the action plan)."""
    decided = [d for d in (context.shown_decision(node.name, g.ppid) for g in entry.groups) if d]
    name = context.r(node.name)
    if decided:
        first = decided[0]
        group = next(g for g in entry.groups if g.ppid == first.get("ppid"))
        chosen = action(first.get("action") or "none")
        words = chosen.sentence(service=group.service, node=name, ppid=group.ppid, audience=context.audience)
        who = f"{context.r(first['by'])} decided to" if first.get("by") else "The decision was to"
        more = f" (and {plural(len(decided) - 1, 'other decision')})" if len(decided) > 1 else ""
        return f"{who} {words}{more}."
    checked = context.verdict(node.name)
    if checked is not None:
        if checked.rebooted is True:
            return f"{name} was restarted between the captures."
        if checked.restarted_services:
            names = ", ".join(context.r(s) for s in checked.restarted_services[:3])
            return f"Between the captures the {names} restarted (a new process ID)."
        down = [p.service for p in checked.parents
                if p.service and p.after_pid not in (None, p.ppid) and not p.restarted]
        if down:  # restarted into a stopped service: say both, never "not recorded"
            names = ", ".join(context.r(s) for s in down[:3])
            return f"Between the captures the {names} got a new process ID, but it is not running afterwards."
        return "What was done between the captures is not recorded."
    return ""


def _result(context: Context, node: Node, entry: Any) -> str:
    """What the capture after the remediation shows (its facts; where that leaves the case is the
    outcome's headline)."""
    checked = context.verdict(node.name)
    if checked is None:
        if context.after is None and entry.groups:
            return "No capture after the remediation was provided, so the result is not verified yet."
        return ""
    if checked.verdict == "cleared":
        return "The capture after the remediation shows no zombie process."
    if checked.verdict == "unknown":
        return (
            f"The capture after the remediation could not confirm the result ({context.r(checked.reason)})."
        )
    left = len(checked.remaining_pids) + len(checked.new_pids)
    return (
        f"The capture after the remediation shows the zombies {verdict(checked.verdict).words} "
        f"({plural(left, 'zombie process')} left)."
    )


def _nothing_seen(context: Context) -> list[Inline]:
    """The story when no zombie is seen: none there, or the captures cannot tell (the action plan then
    says what to capture)."""
    pairs = context.pairs()
    names = ", ".join(context.r(n.name) for n, _ in pairs[:5])
    names += f" and {len(pairs) - 5:,} more nodes" if len(pairs) > 5 else ""
    untold = [(n, e) for n, e in pairs if e.next_step.action not in ("none", "")]
    if not untold:
        return [
            f"The captures of {names} show no zombie process. A zombie process would hold only a process ID; "
            "with none, nothing is at risk."
        ]
    node, entry = untold[0]
    return [
        f"The captures of {names} cannot tell whether zombie processes exist (",
        *prose(context.r(entry.next_step.reason)),
        "). Without the zombie count and the process list, nothing can be said about the risk.",
    ]


def _one_node(context: Context, node: Node, entry: Any) -> list[str]:
    when, _ = when_of(capture_times(node))
    count = entry.zombie_count if entry.zombie_count is not None else len(entry.zombies)
    owner_text = owners(entry)
    version = f" {context.r(node.identity.version)}" if node.identity.version else ""
    seen = (
        f"The capture of {context.r(node.name)} ({product_words(node.product)}{version})"
        + (f" taken {when}" if when != "time unknown" else "")
        + f" {'showed' if context.after is not None else 'shows'} {plural(count, 'zombie process')}"
        + (f" left by the {owner_text}" if owner_text and owner_text != "no known service" else "")
        + "."
    )
    return [seen, _why_it_matters(context, node, entry), _done(context, node, entry),
            _result(context, node, entry)]


def _many_nodes(context: Context, with_zombies: list[tuple[Node, Any]]) -> list[str]:
    total = sum(len(e.zombies) for _, e in with_zombies)
    listed = "; ".join(
        f"{context.r(n.name)}: {len(e.zombies):,}" + (f" ({owners(e)})" if owners(e) else "")
        for n, e in with_zombies[:5]
    )
    more = f" and {len(with_zombies) - 5:,} more nodes" if len(with_zombies) > 5 else ""
    seen = (
        f"The captures of {plural(len(context.pairs()), 'node')} {'showed' if context.after else 'show'} "
        f"{plural(total, 'zombie process')} "
        f"on {len(with_zombies):,} of them ({listed}{more})."
    )
    worst = max(with_zombies, key=lambda item: len(item[1].zombies))
    done = [_done(context, n, e) for n, e in with_zombies]
    sentences = [seen, _why_it_matters(context, *worst), next((d for d in done if d), "")]
    verdicts = [context.verdict(n.name) for n, _ in with_zombies]
    if context.after is None:
        sentences.append("No capture after the remediation was provided, so the result is not verified yet.")
    elif all(v is not None and v.verdict == "cleared" for v in verdicts):
        sentences.append("The captures after the remediation show no zombie process.")
    else:
        states = ", ".join(
            f"{context.r(n.name)} {verdict(v.verdict).words if v else 'not captured'}"
            for (n, _), v in zip(with_zombies[:5], verdicts[:5], strict=True)
        )
        sentences.append(f"The captures after the remediation show: {states}.")
    return sentences


def _lead(context: Context) -> list[Inline]:
    """The outcome's headline: the one node's, or the case's and each node's that needs something."""
    outcome = context.outcome
    if len(outcome.nodes) == 1:
        return [Strong(headline(outcome.nodes[0]))]
    parts: list[Inline] = [Strong(status(outcome.status).headline + ".")]
    noted = [n for n in outcome.nodes if n.status not in ("clean", "cleared")]
    for node in noted[:5]:
        parts += [" ", f"{node.node}: ", *prose(headline(node))]
    if len(noted) > 5:
        parts.append(f" ... and {plural(len(noted) - 5, 'more node')} (see Findings).")
    return parts


def executive_summary(context: Context) -> Section:
    """What a manager reads: the outcome's headline first, then what was seen, why it matters, what was
    done and the result (three to five sentences), then the action plan (numbered: who, when, what, the
    exact command, why; the audience's steps only)."""
    section = Section("Executive summary", 2)
    section.blocks.append(Paragraph(_lead(context)))
    with_zombies = [(n, e) for n, e in context.pairs() if e.zombies or e.zombie_count]
    if not with_zombies:
        section.blocks.append(Paragraph(_nothing_seen(context)))
    else:
        sentences = _one_node(context, *with_zombies[0]) if len(with_zombies) == 1 else _many_nodes(
            context, with_zombies)
        section.blocks.append(Paragraph([" ".join(s for s in sentences if s)]))
    steps = steps_for(context.outcome, context.audience)
    if steps:
        section.blocks.append(Paragraph([Strong("Action plan")]))
        section.blocks.extend(plan_table(steps, audience=context.audience))
    return section


MAX_RESTART_ROWS = 20  # restarted parents shown in the timeline


# ------------------------------------------------------------------ timeline
def timeline(context: Context) -> Section:
    """First capture, remediation (when recorded), verification capture: when and from what clock."""
    section = Section("Timeline", 2)
    rows: list[list[Text]] = []
    before = bundle_times(context.bundle)
    for node, entry in context.pairs():  # the RTMT PerfMon logs date the zombies' start
        found = entry.perfmon
        if found is not None and found.first_seen:
            rows.append([when_text(datetime.fromisoformat(found.first_seen)),
                         f"Zombies first appear on {context.r(node.name)} (RTMT PerfMon logs)",
                         context.r(found.first_seen_source or "")])
    rows.append(_capture_row(context.bundle, before, "First capture (before the remediation)"))
    if len(before) > 1 and before[-1][0] != before[0][0]:
        rows.append([when_text(before[-1][0]), "Last capture before the remediation", before[-1][1]])
    decided = [d for d in context.decisions if d.get("action")]
    if decided:
        moment = next((str(d["at"]) for d in decided if d.get("at")), None)
        rows.append(
            [
                context.r(moment) if moment else "not recorded",
                f"Remediation decided ({plural(len(decided), 'decision')}, see Decision)",
                "recorded with the decision" if moment else "the decision carries no time",
            ]
        )
    if context.after is not None:
        checked = context.verification.nodes if context.verification is not None else ()
        stale = [v for v in checked if v.order_problem and not v.order_forced]
        if context.verification is not None and not stale:
            rows.extend(_restarts(context, context.after, context.verification))
        after = bundle_times(context.after)
        event = "Verification capture (after the remediation)"
        if stale:  # never told as if it came after: its time is not later than the before capture's
            event = ("Capture sent as the verification: not later than the capture before the remediation, "
                     "so it does not show the result (see Verification)")
        elif any(v.order_forced for v in checked):
            event += "; its time is not later than the before capture's (compared anyway: see Verification)"
        rows.append(_capture_row(context.after, after, event))
    section.blocks.append(Table(["When", "Event", "Time from"], rows))
    return section


def _linux(bundle: Bundle | None) -> bool:
    """Whether every node of `bundle` is a Linux host or container (no UC node)."""
    return bundle is not None and bool(bundle.nodes) and all(n.product == "linux" for n in bundle.nodes)


def _capture_row(bundle: Bundle, moments: list[tuple[datetime, str]], event: str) -> list[Text]:
    """The row of a capture at its first moment; undated and read from a folder: why there is no time
    (the files' times are not used)."""
    when, basis = when_of(moments, linux=_linux(bundle))
    if not moments and any(info.mtime_from == "disk" for info in bundle.files):
        basis += "; the times of files in a folder are not used (copying or extracting a file resets them)"
    return [when, event, basis]


def _started(stime: str, capture: datetime | None) -> str | None:
    """A ps STIME `HH:MM` (a start within the last day) as a moment before the capture; else None."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", stime or "")
    if capture is None or not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    moment = capture.replace(hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0)
    if moment > capture:
        moment -= timedelta(days=1)
    return moment.isoformat(sep=" ", timespec="minutes")


def _restarts(context: Context, after: Bundle, verification: Verification) -> list[list[Text]]:
    """The parents the after capture shows restarted, at their new process's start time (ps STIME)."""
    rows: list[list[Text]] = []
    after_nodes = {n.name: n for n in after.nodes}
    for checked in verification.nodes:
        node = after_nodes.get(checked.after_node or checked.node)
        times = capture_times(node) if node is not None else []
        capture = times[0][0] if times else None
        for parent in checked.parents or ():
            if not parent.restarted or not parent.after_start:
                continue
            what = context.r(parent.service or parent.command or f"PID {parent.ppid}")
            started = _started(parent.after_start, capture)
            rows.append(
                [
                    started or f"{context.r(parent.after_start)} (start time as listed)",
                    f"{what} started after the reboot (PID {parent.after_pid}: a new process)"
                    if checked.rebooted else f"{what} restarted (PID {parent.ppid} → {parent.after_pid})",
                    "start time of the new process in the after capture's listing",
                ]
            )
    return rows[:MAX_RESTART_ROWS]


# ------------------------------------------------------------------ root cause
def _children(entry: Any, group: Any) -> list[Inline]:
    """The zombies' program names as code (`sh`, `java`), at most three."""
    names: list[str] = []
    commands = {z.pid: z.command for z in entry.zombies}
    for pid in group.zombie_pids:
        match = re.match(r"\[?([^\]\s]+)", str(commands.get(pid) or "").strip())
        if match and match.group(1) != "<defunct>" and match.group(1) not in names:
            names.append(match.group(1))
        if len(names) == 3:
            break
    if not names:
        return []
    parts: list[Inline] = []
    for index, name in enumerate(names):
        parts += ([", "] if index else []) + [Code(name)]
    return parts


def _defect_text(defect: Any) -> str:
    fixed = ", ".join(defect.fixed)
    title = defect.title
    source = defect.source
    text = f"{defect.id}" + (f" ({title})" if title else "") + (f", fixed in {fixed}" if fixed else "")
    return text + (f"; source: {source}" if source else "")


def _defects(group: Any) -> tuple[str | None, str | None]:
    """(the catalogue's defects that apply to the node's version, those that may: version unknown)."""
    applies = [_defect_text(d) for d in group.defects if d.applies is True]
    maybe = [_defect_text(d) for d in group.defects if d.applies is None]
    return "; ".join(applies) or None, "; ".join(maybe) or None


def root_cause_parts(context: Context, node: Node, entry: Any, group: Any) -> list[Inline]:
    """What the evidence shows about why these zombies exist, and the known defect if any."""
    r = context.r
    n = plural(len(group.zombie_pids), "zombie process")
    rule = str(group.rule or "")
    if rule == "no_ppid" or group.ppid is None:
        return [
            f"{n}: the process list has no parent column, so the owner cannot be named from this capture."
        ]
    if rule == "missing":
        return [
            f"{n} under PID {group.ppid}: that parent is not in the process list (captured at another moment "
            "or cut short), so the owner cannot be named from this capture."
        ]
    children = [Code(r(c.text)) if isinstance(c, Code) else c for c in _children(entry, group)]
    kids = (" " if children else "") + ("child" if len(group.zombie_pids) == 1 else "children")
    if group.service:
        parts: list[Inline] = [f"The {r(group.service)} (PID {group.ppid}) did not reap its ", *children]
        parts.append(f"{kids} ({n})")
    elif rule.startswith("special:"):
        parent = Code(r(group.parent_command or "?"))
        parts = [f"The process PID {group.ppid} (", parent, ") did not reap its ", *children]
        parts += [f"{kids} ({n}): ", *prose(r(group.reason))]
    elif rule == "init":
        parts = [f"{n} under init (PID 1), which normally reaps orphans at once"]
    else:
        doing = transfer_words(group.parent_command)
        parts = [f"The process PID {group.ppid} (", Code(r(group.parent_command or "?")), "), which "]
        doing = f"is {r(doing)} and " if doing else ""
        parts += [f"{doing}belongs to no service the kit knows, did not reap its ", *children]
        parts.append(f"{kids} ({n})")
    return [*parts, *_defect_parts(context, node, group)]


def _defect_parts(context: Context, node: Node, group: Any) -> list[Inline]:
    """The defect clause: what the catalogue's defects say for this version, or, when it records none
    for the service, the Bug Search Tool words to paste (never "no known defect": nothing was
    searched); nothing when no service owns the zombies."""
    r = context.r
    applies, maybe = _defects(group)
    if applies:
        return [f"; known defect: {applies}."]
    version = node.identity.version
    if not group.defects:
        if not group.service:
            return ["."]
        words = f"{r(group.service)} {r(version)}" if version else r(group.service)
        unknown = "" if version else " (the capture does not show the node's version: add it)"
        return [f"; the kit records no defect for the {r(group.service)}; search the Bug Search Tool for ",
                Code(words), f"{unknown}."]
    if not version and maybe:
        return [f"; the capture does not show the node's version: known defect {maybe} may apply."]
    if not version:
        return ["; the capture does not show the node's version, so no known defect can be matched."]
    return [f"; no known defect matches this version ({r(version)})."]


def root_cause(context: Context) -> Section:
    """One statement per zombie group (the first groups of each node; the rest are counted)."""
    section = Section("Root cause", 2)
    items = []
    for node, entry in context.pairs():
        for group in entry.groups[:MAX_FULL_GROUPS]:
            prefix = f"{context.r(node.name)}: " if len(context.pairs()) > 1 else ""
            items.append(
                [prefix, *root_cause_parts(context, node, entry, group)]
                if prefix
                else root_cause_parts(context, node, entry, group)
            )
        if len(entry.groups) > MAX_FULL_GROUPS:
            rest = entry.groups[MAX_FULL_GROUPS:]
            items.append(
                [
                    f"{context.r(node.name)}: {plural(len(rest), 'more parent')} with "
                    f"{plural(sum(len(g.zombie_pids) for g in rest), 'zombie process')} "
                    "(see the node's table)."
                ]
            )
    if not items:
        items.append(["No zombie process was found in the captures, so there is no cause to state."])
    section.blocks.append(ItemList(items))
    return section
