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
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ucnb.errors import InputError
from ucnb.model import Bundle, Node
from ucnb.report.evidence import SourceLines
from ucnb.report.findings_view import as_findings, field
from ucnb.report.model import (
    CaseNote,
    Code,
    Fields,
    Inline,
    ItemList,
    Paragraph,
    Report,
    Section,
    Strong,
    Table,
    Text,
    prose,
)
from ucnb.report.words import AUDIENCES, URGENCY_WORDS, action_words, plural, verdict_words

MAX_FILES = 500  # appendix rows; the rest are counted


@dataclass
class Context:
    """What every part of the report reads."""

    bundle: Bundle
    after: Bundle | None
    analysis: Any  # ucnb.findings.Analysis (or a view of its JSON)
    verification: Any  # ucnb.findings.Verification, or None
    decisions: list[Mapping[str, Any]]
    lines: SourceLines | None
    r: Callable[[Any], Any]  # redaction of a bundle value (identity without --redact)
    audience: str
    pictures: bool
    case: str | None
    redactor: Any = None

    @property
    def tac(self) -> bool:
        return self.audience == "tac"

    def pairs(self) -> list[tuple[Node, Any]]:
        return list(zip(self.bundle.nodes, self.analysis.nodes, strict=True))

    def verdict(self, name: str) -> Any:
        """The verification entry of a node, or None."""
        if self.verification is None:
            return None
        return next((v for v in self.verification.nodes if v.node == name), None)

    def decision(self, node: str, ppid: Any) -> Mapping[str, Any] | None:
        found = None
        for entry in self.decisions:  # the last one recorded wins
            if entry.get("node") == node and entry.get("ppid") == ppid:
                found = entry
        return found


# ------------------------------------------------------------------ times
def capture_times(node: Node) -> list[tuple[datetime, str]]:
    """Every dated moment of a node's captures with where the date comes from, oldest first."""
    from ucnb.bundle import parse_status_date

    found: list[tuple[datetime, str]] = []
    if node.identity.date:
        try:
            moment = parse_status_date(node.identity.date)
        except (ValueError, OverflowError):
            moment = None
        if moment is not None:
            found.append((moment, "show status date"))
    for snapshot in node.loads:
        if snapshot.captured_at is not None:
            found.append((snapshot.captured_at, "top clock (show process load)"))
    for listing in node.listings:
        if listing.captured_at is not None:
            found.append((listing.captured_at, "date of the capture session"))
    return sorted(found, key=lambda item: (item[0], item[1]))


def _when(moments: list[tuple[datetime, str]]) -> tuple[str, str]:
    """(first moment, its basis) of a list of dated moments."""
    if not moments:
        return "time unknown", "no date in the captures (no show status, no top clock)"
    first = moments[0]
    return first[0].isoformat(sep=" "), first[1]


def _bundle_times(bundle: Bundle) -> list[tuple[datetime, str]]:
    return sorted((m for node in bundle.nodes for m in capture_times(node)), key=lambda item: item[0])


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
) -> Report:
    """The report's model. `redactor`: a `ucnb.redact.Redactor` applied to every bundle string."""
    from ucnb.diagnosis import diagnose
    from ucnb.report.nodes import node_sections
    from ucnb.verify import compare

    if audience not in AUDIENCES:
        raise InputError(f"unknown audience {audience!r}: use customer or tac")

    def r(value: Any) -> Any:
        return value if redactor is None else redactor.value(value)

    context = Context(
        bundle=bundle,
        after=after,
        analysis=as_findings(diagnose(bundle)),
        verification=as_findings(compare(bundle, after)) if after is not None else None,
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
    report = Report(title, audience=audience)
    report.sections.append(executive_summary(context))
    report.sections.append(timeline(context))
    report.sections.append(findings_table(context))
    report.sections.append(root_cause(context))
    decision = decision_section(context)
    if decision is not None:
        report.sections.append(decision)
    if context.verification is not None:
        report.sections.append(verification_section(context))
    for n_index, (node, entry) in enumerate(context.pairs(), start=1):
        report.sections.extend(node_sections(context, node, entry, n_index))
    report.sections.append(appendix(context, timestamp))
    report.note = case_note(context)
    return report


# ------------------------------------------------------------------ executive summary
def _owners(entry: Any) -> str:
    names = sorted({g.service for g in entry.groups if g.service})
    if not names:
        return "no known service" if entry.groups else ""
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _urgency(entry: Any) -> tuple[str | None, str | None]:
    """(urgency, reason) of a node, from the diagnosis's next step (or its most urgent group)."""
    step = entry.next_step
    level = field(step, "urgency")
    reason = field(step, "urgency_reason")
    if level is None:
        order = ["none", "optional", "recommended", "urgent"]
        levels = [field(g, "urgency") for g in entry.groups if field(g, "urgency") in order]
        if levels:
            level = max(levels, key=order.index)
            reason = next(field(g, "urgency_reason") for g in entry.groups if field(g, "urgency") == level)
    return level, reason


def _why_it_matters(context: Context, entry: Any) -> str:
    level, reason = _urgency(entry)
    if level is not None:
        text = f"Urgency: {URGENCY_WORDS.get(level, level)}"
        return text + (f" ({reason})." if reason else ".")
    headroom = field(entry, "pid_headroom")
    used = field(headroom, "tasks") if headroom is not None else None
    limit = field(headroom, "pid_max") if headroom is not None else None
    text = "A zombie process uses no CPU and no memory, only a process ID, and the system can hold many"
    if used is not None and limit:
        text += f"; {used:,} of {limit:,} process IDs are in use"
    return text + "."


def _done(context: Context, node: Node, entry: Any) -> str:
    decided = [context.decision(node.name, g.ppid) for g in entry.groups]
    decided = [d for d in decided if d]
    name = context.r(node.name)
    if decided:
        first = decided[0]
        group = next(g for g in entry.groups if g.ppid == first.get("ppid"))
        words = action_words(
            str(first.get("action") or ""), service=group.service, node=name, ppid=group.ppid
        )
        who = f"{context.r(first['by'])} decided to" if first.get("by") else "The decision was to"
        more = f" (and {plural(len(decided) - 1, 'other decision')})" if len(decided) > 1 else ""
        return f"{who} {words}{more}."
    verdict = context.verdict(node.name)
    if verdict is not None:
        if field(verdict, "rebooted") is True:
            return f"{name} was restarted between the captures."
        if verdict.restarted_services:
            names = ", ".join(context.r(s) for s in verdict.restarted_services[:3])
            return f"Between the captures the {names} restarted (a new process ID)."
        return "What was done between the captures is not recorded."
    step = entry.next_step
    if step.action in ("none", "") or not entry.groups:
        return ""
    group = entry.groups[0] if len(entry.groups) == 1 else None
    words = action_words(
        step.action, service=group.service if group else None, node=name, ppid=step.ppid, command=step.command
    )
    return f"Recommended: {words}."


def _result(context: Context, node: Node, entry: Any) -> str:
    verdict = context.verdict(node.name)
    if verdict is None:
        if context.after is None and entry.groups:
            return "No capture after the remediation was provided, so the result is not verified yet."
        return ""
    if verdict.verdict == "cleared":
        return "The capture after the remediation shows no zombie process: no further action is needed."
    if verdict.verdict == "unknown":
        return (
            f"The capture after the remediation could not confirm the result ({context.r(verdict.reason)})."
        )
    left = len(verdict.remaining_pids) + len(verdict.new_pids)
    return (
        f"The capture after the remediation shows the zombies {verdict_words(verdict.verdict)} "
        f"({plural(left, 'zombie process')} left)."
    )


def _nothing_seen(context: Context) -> list[Inline]:
    """The summary when no zombie is seen: none there, or the captures cannot tell."""
    from ucnb.report.nodes import next_step_text

    pairs = context.pairs()
    names = ", ".join(context.r(n.name) for n, _ in pairs[:5])
    names += f" and {len(pairs) - 5:,} more nodes" if len(pairs) > 5 else ""
    untold = [(n, e) for n, e in pairs if e.next_step.action not in ("none", "")]
    if not untold:
        return [
            f"The captures of {names} show no zombie process. A zombie process would hold only a process ID; "
            "with none, nothing is at risk. Nothing needs to be done."
        ]
    node, entry = untold[0]
    step = next_step_text(context, node, entry)
    return [
        f"The captures of {names} cannot tell whether zombie processes exist (",
        *prose(context.r(entry.next_step.reason)),
        "). Without the zombie count and the process list, nothing can be said about the risk. Next: ",
        *(step if isinstance(step, list) else [step]),
        ".",
    ]


def executive_summary(context: Context) -> Section:
    """Three to five sentences a manager reads: seen, why it matters, done, result."""
    section = Section("Executive summary", 2)
    with_zombies = [(n, e) for n, e in context.pairs() if e.zombies or e.zombie_count]
    if not with_zombies:
        section.blocks.append(Paragraph(_nothing_seen(context)))
        return section
    if len(with_zombies) == 1:
        node, entry = with_zombies[0]
        when, _ = _when(capture_times(node))
        count = entry.zombie_count if entry.zombie_count is not None else len(entry.zombies)
        owners = _owners(entry)
        version = f" {context.r(node.identity.version)}" if node.identity.version else ""
        seen = (
            f"The capture of {context.r(node.name)} ({node.product}{version})"
            + (f" taken {when}" if when != "time unknown" else "")
            + f" shows {plural(count, 'zombie process')}"
            + (f" left by the {owners}" if owners and owners != "no known service" else "")
            + "."
        )
        sentences = [
            seen,
            _why_it_matters(context, entry),
            _done(context, node, entry),
            _result(context, node, entry),
        ]
    else:
        total = sum(len(e.zombies) for _, e in with_zombies)
        listed = "; ".join(
            f"{context.r(n.name)}: {len(e.zombies):,}" + (f" ({_owners(e)})" if _owners(e) else "")
            for n, e in with_zombies[:5]
        )
        more = f" and {len(with_zombies) - 5:,} more nodes" if len(with_zombies) > 5 else ""
        seen = (
            f"The captures of {plural(len(context.pairs()), 'node')} show {plural(total, 'zombie process')} "
            f"on {len(with_zombies):,} of them ({listed}{more})."
        )
        worst = max(with_zombies, key=lambda item: len(item[1].zombies))
        sentences = [seen, _why_it_matters(context, worst[1])]
        done = [_done(context, n, e) for n, e in with_zombies]
        sentences.append(next((d for d in done if d), ""))
        verdicts = [context.verdict(n.name) for n, _ in with_zombies]
        if context.after is not None and all(v is not None and v.verdict == "cleared" for v in verdicts):
            sentences.append(
                "The captures after the remediation show no zombie process: no further action is needed."
            )
        elif context.after is not None:
            states = ", ".join(
                f"{context.r(n.name)} {verdict_words(v.verdict) if v else 'not captured'}"
                for (n, _), v in zip(with_zombies[:5], verdicts[:5], strict=True)
            )
            sentences.append(f"The captures after the remediation show: {states}.")
        else:
            sentences.append(
                "No capture after the remediation was provided, so the result is not verified yet."
            )
    section.blocks.append(Paragraph([" ".join(s for s in sentences if s)]))
    return section


# ------------------------------------------------------------------ timeline
def timeline(context: Context) -> Section:
    """First capture, remediation (when recorded), verification capture: when and from what clock."""
    section = Section("Timeline", 2)
    rows: list[list[Text]] = []
    before = _bundle_times(context.bundle)
    when, basis = _when(before)
    rows.append([when, "First capture (before the remediation)", basis])
    if len(before) > 1 and before[-1][0] != before[0][0]:
        rows.append([before[-1][0].isoformat(sep=" "), "Last capture before the remediation", before[-1][1]])
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
        when, basis = _when(_bundle_times(context.after))
        rows.append([when, "Verification capture (after the remediation)", basis])
    section.blocks.append(Table(["When", "Event", "Time from"], rows))
    return section


# ------------------------------------------------------------------ findings
def findings_table(context: Context) -> Section:
    """One row per node: what was seen and what to do (or that nothing more is needed)."""
    from ucnb.report.nodes import next_step_text

    section = Section("Findings", 2)
    header = ["Node", "Product", "Version", "Zombie count", "Defunct rows", "Owner", "Urgency", "Next step"]
    rows: list[list[Text]] = []
    for node, entry in context.pairs():
        level, _ = _urgency(entry)
        rows.append(
            [
                context.r(node.name),
                node.product,
                context.r(node.identity.version or "unknown"),
                "not captured" if entry.zombie_count is None else f"{entry.zombie_count:,}",
                f"{len(entry.zombies):,}",
                context.r(_owners(entry)) or "none",
                URGENCY_WORDS.get(level, level) if level else "not assessed",
                next_step_text(context, node, entry),
            ]
        )
    section.blocks.append(Table(header, rows))
    return section


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
        return ["child"]
    parts: list[Inline] = []
    for index, name in enumerate(names):
        parts += ([", "] if index else []) + [Code(name)]
    return parts


def _defects(context: Context, group: Any) -> str | None:
    found = []
    for defect in field(group, "defects", ()):
        if isinstance(defect, str):
            found.append(defect)
            continue
        if field(defect, "matches", True) is False:
            continue
        ident = field(defect, "id", "") or field(defect, "defect", "")
        title = field(defect, "title", "") or field(defect, "summary", "")
        fixed = field(defect, "fixed", "")
        fixed = ", ".join(fixed) if isinstance(fixed, tuple | list) else fixed
        source = field(defect, "source", "") or field(defect, "url", "")
        text = f"{ident}" + (f" ({title})" if title else "") + (f", fixed in {fixed}" if fixed else "")
        found.append(text + (f"; source: {source}" if source else ""))
    return "; ".join(found) if found else None


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
    if group.service:
        parts: list[Inline] = [f"The {r(group.service)} (PID {group.ppid}) did not reap its ", *children]
        parts.append(f" children ({n})")
    elif rule == "init":
        parts = [f"{n} under init (PID 1), which normally reaps orphans at once"]
    else:
        parts = [f"The process PID {group.ppid} (", Code(r(group.parent_command or "?")), "), which belongs "]
        parts += ["to no service the kit knows, did not reap its ", *children, f" children ({n})"]
    defects = _defects(context, group)
    if defects:
        return [*parts, f"; known defect: {r(defects)}."]
    version = node.identity.version
    if not version:
        return [*parts, "; the capture does not show the node's version, so no known defect can be matched."]
    return [*parts, f"; no known defect matches this version ({r(version)})."]


def root_cause(context: Context) -> Section:
    """One statement per zombie group (the first groups of each node; the rest are counted)."""
    from ucnb.report.nodes import MAX_FULL_GROUPS

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


# ------------------------------------------------------------------ decision
def decision_section(context: Context) -> Section | None:
    """The decisions recorded (CLI `--decision`, the triage notebook): none, no section."""
    rows: list[list[Text]] = []
    for node, entry in context.pairs():
        for group in entry.groups:
            decision = context.decision(node.name, group.ppid)
            if decision is None:
                continue
            action = str(decision.get("action") or "?")
            words = action_words(action, service=group.service, node=context.r(node.name), ppid=group.ppid)
            row: list[Text] = [
                context.r(node.name),
                f"{plural(len(group.zombie_pids), 'zombie')} under PID {group.ppid}",
                words[:1].upper() + words[1:],
                Code(context.r(str(decision["command"]))) if decision.get("command") else "none",
                context.r(str(decision.get("by") or "")) or "not recorded",
                context.r(str(decision.get("note") or "")),
            ]
            if context.tac:
                row.insert(3, action)
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
def _pids(pids: Sequence[int]) -> Text:
    if not pids:
        return "none"
    shown = ", ".join(str(p) for p in pids[:30])
    return shown + (f" ... ({len(pids):,} in all)" if len(pids) > 30 else "")


def verification_section(context: Context) -> Section:
    r = context.r
    section = Section("Verification", 2)
    for v in context.verification.nodes:
        after_node = field(v, "after_node")
        fields: list[tuple[str, Text]] = [
            ("Node", r(v.node) + (f" (after: {r(after_node)})" if after_node else "")),
            ("Verdict", Strong(v.verdict.upper().replace("_", " "))),
            ("Zombie count", f"{_na(v.before_count)} → {_na(v.after_count)}"),
            ("Cleared PIDs", _pids(v.cleared_pids)),
            ("Remaining PIDs", _pids(v.remaining_pids)),
            ("New PIDs", _pids(v.new_pids)),
            ("Why", prose(r(v.reason or ""))),
        ]
        if v.restarted_services:
            fields.append(("Restarted in the after capture", r(", ".join(v.restarted_services))))
        for parent in v.parents or ():
            what = parent.service or parent.command or "?"
            if parent.restarted is None:
                state = "not in the after capture's listing"
            elif parent.restarted:
                state = f"restarted, PID {parent.ppid} → {parent.after_pid}"
            else:
                state = f"still PID {parent.ppid} (not restarted)"
            fields.append((f"Parent PID {parent.ppid}", r(f"{what}: {state}")))
        if v.verdict == "cleared":
            fields.append(("Next", "no further action"))
        section.blocks.append(Fields(fields))
    return section


def _na(value: Any) -> str:
    return "unknown" if value is None or value == "" else str(value)


# ------------------------------------------------------------------ appendix
def appendix(context: Context, timestamp: str | None) -> Section:
    from ucnb import __version__

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
    about: list[tuple[str, Text]] = [("Kit", f"ucnb {__version__}")]
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
    from ucnb.report.nodes import next_step_text

    r = context.r
    title = "Zombie processes" + (f", case {context.case}" if context.case else "")
    rows: list[tuple[str, str]] = []
    pairs = context.pairs()
    for node, entry in pairs[:4]:
        prefix = f"{r(node.name)} " if len(pairs) > 1 else ""
        if len(pairs) == 1:
            version = f" {r(node.identity.version)}" if node.identity.version else ""
            rows.append(("Node", f"{r(node.name)} ({node.product}{version})"))
            when, basis = _when(capture_times(node))
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
        level, reason = _urgency(entry)
        if level:
            rows.append(
                (f"{prefix}Urgency", URGENCY_WORDS.get(level, level) + (f": {r(reason)}" if reason else ""))
            )
        decided = [context.decision(node.name, g.ppid) for g in entry.groups]
        decided = [d for d in decided if d]
        if decided:
            d = decided[0]
            group = next(g for g in entry.groups if g.ppid == d.get("ppid"))
            words = action_words(
                str(d.get("action") or ""), service=group.service, node=r(node.name), ppid=group.ppid
            )
            command = f" ({r(d['command'])})" if d.get("command") else ""
            who = f", decided by {r(d['by'])}" if d.get("by") else ""
            rows.append((f"{prefix}Action", f"{words}{command}{who}"))
        verdict = context.verdict(node.name)
        if verdict is not None:
            counts = f"zombie count {_na(verdict.before_count)} -> {_na(verdict.after_count)}"
            text = f"{verdict.verdict.upper().replace('_', ' ')}, {counts}"
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
