"""Building the report's model from a bundle: executive summary, timeline, findings, root cause,
decision, verification, the nodes' details and the input files, for one audience.

    >>> import ucnb
    >>> report = build_report(ucnb.load("sample_outputs/ex1_cucm_amc/before"), pictures=False)
    >>> [s.title for s in report.sections][:4]
    ['Executive summary', 'Timeline', 'Findings', 'Root cause']

`audience="customer"` (default) writes for the customer: plain words for every action, no kit tokens
(action ids, rule ids, schema names), no TAC-only alternative. `audience="tac"` keeps everything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ucnb.diagnosis.outcome import assess
from ucnb.diagnosis.verify import parent_state
from ucnb.errors import InputError
from ucnb.faces.plan import headline, plan_lines, plan_rows, steps_for
from ucnb.model.actions import ACTIONS, WHO, action, status, verdict
from ucnb.model.findings import Verification
from ucnb.model.results import Bundle
from ucnb.report.context import (
    Context,
    bundle_times,
    decisions_of,
    na,
    owners,
    pid_list,
    redact_outcome,
    strict_commands,
    when_of,
)
from ucnb.report.evidence import SourceLines
from ucnb.report.history import what_to_send
from ucnb.report.model import (
    Badge,
    CaseNote,
    Code,
    Fields,
    Paragraph,
    Report,
    Section,
    Strong,
    Table,
    Text,
    prose,
)
from ucnb.report.nodes import next_step_text, node_sections
from ucnb.report.summary import executive_summary, root_cause, timeline
from ucnb.report.words import AUDIENCES, product_words
from ucnb.text import plural
from ucnb.version import kit_version

MAX_FILES = 500  # appendix rows; the rest are counted
MAX_TEXT = 2_000  # characters of one value from the captures (a 48 MB command line made 143 MB of HTML)
MAX_FULL_NODES = 20  # nodes with sections of their own; the others are rows of the findings table
MAX_TABLE_NODES = 500  # rows of the findings table; the other nodes are counted


def clip(value: Any, limit: int = MAX_TEXT) -> Any:
    """A string longer than `limit` cut at a space (else at `limit`), with the count of what was left out.

    >>> clip("amc -D" + "x" * 30 + " tail", 12)
    'amc [... 38 more characters]'
    """
    if not isinstance(value, str) or len(value) <= limit:
        return value
    cut = value.rfind(" ", 0, limit)
    cut = cut if cut > 0 else limit
    return f"{value[:cut]} [... {len(value) - cut:,} more characters]"


# ------------------------------------------------------------------ the report
def build_report(
    bundle: Bundle,
    *,
    after: Bundle | None = None,
    decisions: Sequence[Mapping[str, Any]] | None = None,
    lines: SourceLines | None = None,
    redactor: Any = None,
    timestamp: str | None = None,
    pictures: bool = True,
    audience: str = "customer",
    case: str | None = None,
    force_order: bool = False,
) -> Report:
    """The report's model. `redactor`: a `ucnb.redact.redactor.Redactor` applied to every bundle string."""
    if audience not in AUDIENCES:
        raise InputError(f"unknown audience {audience!r}: use customer or tac")

    def r(value: Any) -> Any:
        if redactor is None:
            return clip(value)
        return clip(redactor.value(clip(value, 2 * MAX_TEXT)))  # whole words only reach the redactor

    records = list(decisions or [])
    case_found = assess(bundle, after, decisions=decisions_of(records), case=case, force_order=force_order)
    before_when = when_of(bundle_times(bundle))[0] if bundle_times(bundle) else None
    after_when = when_of(bundle_times(after))[0] if after is not None and bundle_times(after) else None
    outcome = replace(case_found.outcome, captured_before=before_when, captured_after=after_when)
    context = Context(
        bundle=bundle,
        after=after,
        analysis=strict_commands(case_found.analysis, redactor),
        verification=strict_commands(case_found.verification, redactor),
        decisions=records,
        lines=lines,
        r=r,
        audience=audience,
        pictures=pictures,
        case=r(case) if case else None,
        redactor=redactor,
        outcome=redact_outcome(outcome, r),
    )
    names = [r(n.node) for n in context.analysis.nodes]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5:,} more nodes" if len(names) > 5 else "")
    # what the document is: an analysis before a remediation, a post-incident report after one
    title = (f"Zombie-process analysis: {shown}" if after is None
             else f"Post-incident report: zombie processes on {shown}")
    if context.case:
        title = f"Case {context.case}: {title}"
    report = Report(title, audience=audience, badge=badge(context), case=context.case, nodes=names)
    report.sections.append(executive_summary(context))
    report.sections.append(timeline(context))
    report.sections.append(findings_table(context))
    report.sections.append(root_cause(context))
    decision = decision_section(context)
    if decision is not None:
        report.sections.append(decision)
    if context.verification is not None:
        report.sections.append(verification_section(context, context.verification))
    pairs = list(context.pairs())
    for n_index, (node, entry) in enumerate(pairs[:MAX_FULL_NODES], start=1):
        report.sections.extend(node_sections(context, node, entry, n_index))
    if len(pairs) > MAX_FULL_NODES:  # 2,000 nodes made 68 MB of HTML in 126 s
        report.sections.append(other_nodes(context, len(pairs) - MAX_FULL_NODES))
    send = what_to_send(context)
    if send is not None:
        report.sections.append(send)
    report.sections.append(appendix(context, timestamp))
    report.note = case_note(context)
    return report


# ------------------------------------------------------------------ the badge
TONES = {"ok": "good"}  # a status's tone as the badge's colour


def badge(context: Context) -> Badge:
    """The report's one-look verdict: the case outcome's status (its worst node's), words and tone from
    `ucnb.model.actions.STATUSES`; `Verification` once verified, else `Status`."""
    chosen = status(context.outcome.status)
    kind = "Verification" if context.outcome.phase == "verified" else "Status"
    return Badge(chosen.badge, TONES.get(chosen.tone, chosen.tone), kind)


# ------------------------------------------------------------------ executive summary
# ------------------------------------------------------------------ findings
def findings_table(context: Context) -> Section:
    """One row per node: what was seen, where it stands and its first next action (the outcome's)."""
    section = Section("Findings", 2)
    header = ["Node", "Product", "Version", "Zombie count", "Defunct rows", "Owner", "Status", "Next step"]
    rows: list[list[Text]] = []
    pairs = list(context.pairs())
    for node, entry in pairs[:MAX_TABLE_NODES]:
        rows.append(
            [
                context.r(node.name),
                product_words(node.product),
                context.r(node.identity.version or "unknown"),
                "not captured" if entry.zombie_count is None else f"{entry.zombie_count:,}",
                f"{len(entry.zombies):,}",
                context.r(owners(entry)) or "none",
                status(context.node_outcome(node.name).status).headline,
                next_step_text(context, node.name),
            ]
        )
    section.blocks.append(Table(header, rows))
    if len(pairs) > MAX_TABLE_NODES:
        left = pairs[MAX_TABLE_NODES:]
        with_zombies = sum(1 for _, entry in left if entry.zombies or entry.zombie_count)
        section.blocks.append(Paragraph([f"... and {plural(len(left), 'more node')} not listed here "
                                         f"({with_zombies:,} of them with zombies)."]))
    return section


def other_nodes(context: Context, count: int) -> Section:
    """The nodes after the first `MAX_FULL_NODES`: no sections of their own, a pointer to the table."""
    section = Section(f"The other {plural(count, 'node')}", 2)
    listed = max(0, min(count, MAX_TABLE_NODES - MAX_FULL_NODES))
    where = f"the first {listed:,} of them are rows of the findings table" if listed < count else (
        "each is a row of the findings table")
    section.blocks.append(Paragraph([
        f"The first {MAX_FULL_NODES} nodes are detailed above; {where}, with their status and next step."]))
    return section


# ------------------------------------------------------------------ decision
def _by_whom(token: str) -> str:
    """The command cell of a decision without one: who does a TAC-only action, else none."""
    return WHO["tac"] if token in ACTIONS and action(token).tac_only else "none"


def decision_section(context: Context) -> Section | None:
    """The decisions recorded (CLI `--decision`, the triage notebook): none, no section."""
    rows: list[list[Text]] = []
    for node, entry in context.pairs():
        for group in entry.groups:
            decision = context.shown_decision(node.name, group.ppid)
            if decision is None:
                continue
            token = str(decision.get("action") or "?")
            words = action(decision.get("action") or "none").sentence(
                service=group.service, node=context.r(node.name), ppid=group.ppid,
                audience=context.audience,
            )
            row: list[Text] = [
                context.r(node.name),
                f"{plural(len(group.zombie_pids), 'zombie')} under PID {group.ppid}",
                words[:1].upper() + words[1:],
                Code(context.r(str(decision["command"]))) if decision.get("command") else _by_whom(token),
                context.r(str(decision.get("by") or "")) or "not recorded",
                context.r(str(decision.get("note") or "")),
            ]
            if context.tac:
                row.insert(3, token)
            rows.append(row)
    if not rows:
        return None
    header = ["Node", "Zombies", "Decision", "Command", "By", "Note"]
    if context.tac:
        header.insert(3, "Action")
    section = Section("Decision", 2)
    if context.case:
        section.blocks.append(Paragraph([f"Case {context.case}."]))
    section.blocks.append(Table(header, rows))
    return section


# ------------------------------------------------------------------ verification
def verification_section(context: Context, verification: Verification) -> Section:
    r = context.r
    section = Section("Verification", 2)
    for v in verification.nodes:
        after_node = v.after_node
        fields: list[tuple[str, Text]] = [
            ("Node", r(v.node) + (f" (after: {r(after_node)})" if after_node else "")),
            ("Verdict", Strong(verdict(v.verdict).label)),
            ("Zombie count", f"{na(v.before_count)} → {na(v.after_count)}"),
            ("Cleared PIDs", pid_list(v.cleared_pids)),
            ("Remaining PIDs", pid_list(v.remaining_pids)),
            ("New PIDs", pid_list(v.new_pids)),
            ("Why", prose(r(v.reason or ""))),
        ]
        if v.restarted_services:
            fields.append(("Restarted in the after capture", r(", ".join(v.restarted_services))))
        for parent in v.parents or ():
            what = parent.service or parent.command or "?"
            state = parent_state(parent, v.rebooted)
            fields.append((f"Parent PID {parent.ppid}", r(f"{what}: {state}")))
        outcome = context.node_outcome(v.node)
        fields.append(("Outcome", prose(headline(outcome))))
        if steps_for(outcome, context.audience):
            fields.append(("Next", next_step_text(context, v.node)))
        section.blocks.append(Fields(fields))
    return section


# ------------------------------------------------------------------ appendix
def appendix(context: Context, timestamp: str | None) -> Section:

    section = Section("Appendix: input files", 2)
    redacted = context.redactor is not None
    for label, source in (("Before", context.bundle), ("After", context.after)):
        if source is None:
            continue
        if context.after is not None:
            section.blocks.append(Paragraph([Strong(f"{label} capture")]))
        files = sorted(source.files, key=lambda f: f.name)
        rows: list[list[Text]] = []
        for info in files[:MAX_FILES]:
            if redacted:  # the original's hash or size would confirm a guessed file: give the redacted one's
                text = source.texts.get(info.name)
                data = context.strict(text).encode("utf-8") if text is not None else None
                digest = hashlib.sha256(data).hexdigest() if data is not None else "not kept"
                size = f"{len(data):,}" if data is not None else "not kept"
                rows.append([context.redactor.strict_name(info.name), size, Code(digest)])
            else:
                rows.append([info.name, f"{info.size:,}", Code(info.sha256)])
        if len(files) > MAX_FILES:
            rest = files[MAX_FILES:]
            total = "" if redacted else f"{sum(f.size for f in rest):,}"
            rows.append([f"... {plural(len(rest), 'more file')}", total, ""])
        hash_label = "SHA-256 of the redacted text" if redacted else "SHA-256"
        bytes_label = "Bytes (redacted)" if redacted else "Bytes"
        section.blocks.append(Table(["File", bytes_label, hash_label], rows))
    about: list[tuple[str, Text]] = [("Kit", f"ucnb {kit_version()}")]
    if context.tac:
        about.append(("Diagnosis schema", str(context.analysis.schema)))
        about.append(("Audience", "TAC (internal)"))
    if redacted:
        counts = context.redactor.counts()
        replaced = ", ".join(plural(n, kind) for kind, n in counts.items()) or "nothing found"
        about.append(
            (
                "Redaction",
                f"host names, domains, addresses and user names replaced by placeholders ({replaced}); "
                "every other word of the captures that is not on the allow-list too",
            )
        )
    if timestamp:
        about.append(("Generated", timestamp))
    section.blocks.append(Fields(about))
    return section


# ------------------------------------------------------------------ the case note
NOTE_NODES = 4  # nodes analysed one by one in the note; the rest are counted
NOTE_STEPS = 8  # steps of the action plan in the note; the rest are counted


def _problem(context: Context) -> str:
    """One line: how many zombies on which nodes (product and version when there is one node)."""
    r, pairs = context.r, context.pairs()
    counts = [(n, e.zombie_count if e.zombie_count is not None else len(e.zombies)) for n, e in pairs]
    total = sum(c for _, c in counts)
    if len(pairs) == 1:
        node = pairs[0][0]
        version = f" {r(node.identity.version)}" if node.identity.version else ""
        where = f"{r(node.name)} ({product_words(node.product)}{version})"
    else:
        names = ", ".join(r(n.name) for n, c in counts if c)[:200] or "none of them"
        where = f"{plural(len(pairs), 'node')} ({names})"
    return f"{plural(total, 'zombie process')} on {where}"


def _captured(context: Context) -> str:
    """The capture times, before and after, each with where its date comes from."""
    linux = bool(context.bundle.nodes) and all(n.product == "linux" for n in context.bundle.nodes)
    before = when_of(bundle_times(context.bundle), linux=linux)
    text = f"before {before[0]} ({before[1]})"
    if context.after is not None:
        after = when_of(bundle_times(context.after), linux=linux)
        text += f"; after {after[0]} ({after[1]})"
    return text


def _analysis(context: Context, node: Any, entry: Any, prefix: str) -> list[tuple[str, str]]:
    """The node's zombies, owners and where it stands before any remediation."""
    r = context.r
    count = entry.zombie_count if entry.zombie_count is not None else len(entry.zombies)
    pids = [p for g in entry.groups for p in g.zombie_pids]
    shown = ", ".join(str(p) for p in pids[:8]) + (f" ... ({len(pids):,} in all)" if len(pids) > 8 else "")
    label = "PID" if len(pids) == 1 else "PIDs"
    rows = [(f"{prefix}Zombies", f"{count:,}" + (f" ({label} {shown})" if pids else ""))]
    for group in entry.groups[:2]:
        command = context.strict(group.parent_command)
        parent = f"PID {group.ppid}" + (f" {command}" if command else "")
        owner = r(group.service) if group.service else "no known service"
        rows.append((f"{prefix}Owner", f"{owner} ({parent})"))
    if len(entry.groups) > 2:
        rows.append((f"{prefix}Owners", f"... and {plural(len(entry.groups) - 2, 'more parent')}"))
    outcome = context.node_outcome(node.name)
    if outcome.phase == "before":
        rows.append((f"{prefix}Status", headline(outcome)))
    return rows


def _decided(context: Context, node: Any, entry: Any, prefix: str) -> list[tuple[str, str]]:
    """What was decided for the node (what, command, who, the note); a TAC-only action only for TAC."""
    r = context.r
    rows = []
    for group in entry.groups:
        d = context.shown_decision(node.name, group.ppid)
        if d is None:
            continue
        words = action(d.get("action") or "none").sentence(service=group.service, node=r(node.name),
                                                           ppid=group.ppid, audience=context.audience)
        command = f" ({r(d['command'])})" if d.get("command") else ""
        who = f", decided by {r(d['by'])}" if d.get("by") else ""
        note = f": {r(d['note'])}" if d.get("note") else ""
        rows.append((f"{prefix}Decided", f"{words}{command}{who}{note}"))
    return rows[:2]


def case_note(context: Context) -> CaseNote:
    """The lines a TAC engineer pastes into the case: Problem, Analysis, Action plan (the outcome's,
    for the audience), Verification; the capture times, the decision, its note and who decided."""
    r = context.r
    title = "Zombie processes" + (f", case {context.case}" if context.case else "")
    pairs = context.pairs()
    rows: list[tuple[str, str]] = [("Problem", _problem(context)), ("Captured", _captured(context))]
    rows.append(("Analysis", ""))
    for node, entry in pairs[:NOTE_NODES]:
        rows += _analysis(context, node, entry, f"{r(node.name)} " if len(pairs) > 1 else "")
    if len(pairs) > NOTE_NODES:
        rest = pairs[NOTE_NODES:]
        zombies = sum(len(e.zombies) for _, e in rest)
        rows.append(("More nodes", f"{len(rest):,} ({zombies:,} zombies): see the report"))
    decided = [row for node, entry in pairs for row in
               _decided(context, node, entry, f"{r(node.name)} " if len(pairs) > 1 else "")]
    plan = plan_lines(context.outcome, context.audience)
    for index, row in enumerate(plan_rows(context.outcome, context.audience)):
        if index and row.optional and row.why:  # an offer after the plan's step: when ("only if ...")
            plan[index] += f" ({row.why})"
    rows.append(("Action plan", "" if decided or plan else "nothing to do"))
    rows += decided[:NOTE_NODES]
    rows += [("", line) for line in plan[:NOTE_STEPS]]
    if len(plan) > NOTE_STEPS:
        rows.append(("", f"... {plural(len(plan) - NOTE_STEPS, 'more step')}: see the report"))
    if context.verification is not None:
        rows.append(("Verification", ""))
        for check in context.verification.nodes[:NOTE_NODES]:
            prefix = f"{r(check.node)} " if len(pairs) > 1 else ""
            counts = f"zombie count {na(check.before_count)} -> {na(check.after_count)}"
            rows.append((f"{prefix}Verdict", f"{verdict(check.verdict).label}, {counts}"))
            rows.append((f"{prefix}Outcome", headline(context.node_outcome(check.node))))
    return CaseNote(title, rows)
