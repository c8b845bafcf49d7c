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
from typing import Any

from ucnb.diagnosis.diagnose import diagnose
from ucnb.diagnosis.verify import compare, parent_state
from ucnb.errors import InputError
from ucnb.model.actions import URGENCIES, VERDICTS, action, urgency, verdict
from ucnb.model.findings import Verification
from ucnb.model.results import Bundle
from ucnb.report.context import Context, capture_times, na, owners, pid_list, when_of
from ucnb.report.evidence import SourceLines
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
        return value if redactor is None else redactor.value(value)

    context = Context(
        bundle=bundle,
        after=after,
        analysis=diagnose(bundle),
        verification=compare(bundle, after, force_order=force_order) if after is not None else None,
        decisions=list(decisions or []),
        lines=lines,
        r=r,
        audience=audience,
        pictures=pictures,
        case=r(case) if case else None,
        redactor=redactor,
    )
    names = [r(n.node) for n in context.analysis.nodes]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5:,} more nodes" if len(names) > 5 else "")
    title = f"Zombie processes on {shown}: post-incident report"
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
    for n_index, (node, entry) in enumerate(context.pairs(), start=1):
        report.sections.extend(node_sections(context, node, entry, n_index))
    report.sections.append(appendix(context, timestamp))
    report.note = case_note(context)
    return report


# ------------------------------------------------------------------ the badge
TONE_RANK = ("bad", "warn", "info", "good")  # the worst first


def badge(context: Context) -> Badge:
    """The report's one-look verdict: the worst verification verdict of its nodes once verified, else
    the highest urgency of the diagnosis (words and tone from `ucnb.model.actions`)."""
    if context.verification is not None and context.verification.nodes:
        names = {v.verdict for v in context.verification.nodes}

        def worst(name: str) -> tuple[int, int]:
            return TONE_RANK.index(verdict(name).tone), list(VERDICTS).index(name)

        chosen = verdict(min(names, key=worst))
        return Badge(chosen.label, chosen.tone, "Verification")
    levels = [entry.next_step.urgency for _, entry in context.pairs()] or ["none"]
    level = urgency(max(levels, key=lambda name: list(URGENCIES).index(name)))
    return Badge(level.label, level.tone, "Urgency")


# ------------------------------------------------------------------ executive summary
# ------------------------------------------------------------------ findings
def findings_table(context: Context) -> Section:
    """One row per node: what was seen and what to do (or that nothing more is needed)."""
    section = Section("Findings", 2)
    header = ["Node", "Product", "Version", "Zombie count", "Defunct rows", "Owner", "Urgency", "Next step"]
    rows: list[list[Text]] = []
    for node, entry in context.pairs():
        level = entry.next_step.urgency
        rows.append(
            [
                context.r(node.name),
                product_words(node.product),
                context.r(node.identity.version or "unknown"),
                "not captured" if entry.zombie_count is None else f"{entry.zombie_count:,}",
                f"{len(entry.zombies):,}",
                context.r(owners(entry)) or "none",
                urgency(level).words,
                next_step_text(context, node, entry),
            ]
        )
    section.blocks.append(Table(header, rows))
    return section


# ------------------------------------------------------------------ decision
def decision_section(context: Context) -> Section | None:
    """The decisions recorded (CLI `--decision`, the triage notebook): none, no section."""
    rows: list[list[Text]] = []
    for node, entry in context.pairs():
        for group in entry.groups:
            decision = context.decision(node.name, group.ppid)
            if decision is None:
                continue
            token = str(decision.get("action") or "?")
            words = action(decision.get("action") or "none").sentence(
                service=group.service, node=context.r(node.name), ppid=group.ppid
            )
            row: list[Text] = [
                context.r(node.name),
                f"{plural(len(group.zombie_pids), 'zombie')} under PID {group.ppid}",
                words[:1].upper() + words[1:],
                Code(context.r(str(decision["command"]))) if decision.get("command") else "none",
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
        if verdict(v.verdict).passes:
            fields.append(("Next", "no further action"))
        section.blocks.append(Fields(fields))
    return section


# ------------------------------------------------------------------ appendix
def appendix(context: Context, timestamp: str | None) -> Section:

    r = context.r
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
            if redacted:  # the original's hash would confirm a guessed name: hash what the report shows
                text = source.texts.get(info.name)
                digest = (
                    hashlib.sha256(r(text).encode("utf-8")).hexdigest() if text is not None else "not kept"
                )
            else:
                digest = info.sha256
            rows.append([r(info.name), f"{info.size:,}", Code(digest)])
        if len(files) > MAX_FILES:
            rest = files[MAX_FILES:]
            rows.append([f"... {plural(len(rest), 'more file')}", f"{sum(f.size for f in rest):,}", ""])
        hash_label = "SHA-256 of the redacted text" if redacted else "SHA-256"
        section.blocks.append(Table(["File", "Bytes", hash_label], rows))
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
                f"host names, domains, addresses and user names replaced by placeholders ({replaced})",
            )
        )
    if timestamp:
        about.append(("Generated", timestamp))
    section.blocks.append(Fields(about))
    return section


# ------------------------------------------------------------------ the case note
def case_note(context: Context) -> CaseNote:
    """node, count, owner, action, verification: the lines a TAC engineer pastes into the case."""
    r = context.r
    title = "Zombie processes" + (f", case {context.case}" if context.case else "")
    rows: list[tuple[str, str]] = []
    pairs = context.pairs()
    for node, entry in pairs[:4]:
        prefix = f"{r(node.name)} " if len(pairs) > 1 else ""
        if len(pairs) == 1:
            version = f" {r(node.identity.version)}" if node.identity.version else ""
            rows.append(("Node", f"{r(node.name)} ({product_words(node.product)}{version})"))
            when, basis = when_of(capture_times(node))
            rows.append(("Captured", f"{when} ({basis})"))
        count = entry.zombie_count if entry.zombie_count is not None else len(entry.zombies)
        pids = [p for g in entry.groups for p in g.zombie_pids]
        shown = ", ".join(str(p) for p in pids[:8]) + (
            f" ... ({len(pids):,} in all)" if len(pids) > 8 else ""
        )
        label = "PID" if len(pids) == 1 else "PIDs"
        rows.append((f"{prefix}Zombies", f"{count:,}" + (f" ({label} {shown})" if pids else "")))
        for group in entry.groups[:2]:
            parent = f"PID {group.ppid}" + (f" {r(group.parent_command)}" if group.parent_command else "")
            rows.append(
                (f"{prefix}Owner", f"{r(group.service) if group.service else 'no known service'} ({parent})")
            )
        if len(entry.groups) > 2:
            rows.append((f"{prefix}Owners", f"... and {plural(len(entry.groups) - 2, 'more parent')}"))
        level, reason = entry.next_step.urgency, entry.next_step.urgency_reason
        rows.append(
            (f"{prefix}Urgency", urgency(level).words + (f": {r(reason)}" if reason else ""))
        )
        decisions = (context.decision(node.name, g.ppid) for g in entry.groups)
        decided = [d for d in decisions if d]
        if decided:
            d = decided[0]
            group = next(g for g in entry.groups if g.ppid == d.get("ppid"))
            words = action(d.get("action") or "none").sentence(
                service=group.service, node=r(node.name), ppid=group.ppid
            )
            command = f" ({r(d['command'])})" if d.get("command") else ""
            who = f", decided by {r(d['by'])}" if d.get("by") else ""
            rows.append((f"{prefix}Action", f"{words}{command}{who}"))
        checked = context.verdict(node.name)
        if checked is not None:
            counts = f"zombie count {na(checked.before_count)} -> {na(checked.after_count)}"
            text = f"{verdict(checked.verdict).label}, {counts}"
            rows.append((f"{prefix}Verification", text))
        rows.append((f"{prefix}Next", next_step_text(context, node, entry, plain=True)))
    if len(pairs) > 4:
        rest = pairs[4:]
        rows.append(
            (
                "More nodes",
                f"{len(rest):,} ({sum(len(e.zombies) for _, e in rest):,} zombies): see the report",
            )
        )
    return CaseNote(title, rows)
