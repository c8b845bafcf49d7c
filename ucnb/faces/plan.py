"""The case outcome in words: the headline and the numbered action plan every face shows.

Words come from `ucnb.model.actions`; the steps come from `ucnb.diagnosis.outcome` and are never
re-decided here. A customer audience never sees a TAC-only step.

    >>> from ucnb.diagnosis.outcome import decide
    >>> outcome = decide(ucnb.diagnose(bundle)).nodes[0]
    >>> print(headline(outcome))
    Action optional. 1 zombie, 0.003 % of the PID space, growth not measured (one snapshot).
    >>> for line in plan_lines(outcome):
    ...     print(line)
    1. Customer administrator, at a convenient time (optional): restart the Cisco AMC Service on cucm-sub1: \
`utils service restart Cisco AMC Service`
    2. Customer administrator, right after the fix: check the zombie count of cucm-sub1 again: \
`show process load`
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ucnb.model.actions import IF_INSISTED, NO_ACTION, WHO, action, status, timing
from ucnb.model.findings import CaseOutcome, Group, NextAction, NodeAnalysis, NodeOutcome

__all__ = ["Choice", "PlanRow", "choices", "group_rows", "headline", "plan_lines", "plan_rows", "sentence",
           "steps_for"]


@dataclass(frozen=True)
class PlanRow:
    """One step of the plan in words: who, when, what (a sentence), the exact command, why."""

    who: str
    when: str
    what: str
    command: str | None
    why: str
    optional: bool


def steps_for(outcome: CaseOutcome | NodeOutcome, audience: str = "tac") -> tuple[NextAction, ...]:
    """The steps this audience may read: a customer reads a TAC-only step only as the vocabulary
    tells it (`told`: what Cisco TAC does, with `customer_why`), never its command."""
    if audience == "tac":
        return outcome.next_actions
    return tuple(
        replace(s, command=None, why=s.customer_why) if s.tac_only else s
        for s in outcome.next_actions
        if not s.tac_only or action(s.action).told
    )


def sentence(step: NextAction, audience: str = "tac") -> str:
    """The step as a sentence (lower case, no final stop), in this audience's words."""
    words = action(step.action).sentence(service=step.service, node=step.node, ppid=step.ppid,
                                         command=step.command, audience=audience)
    if action(step.action).disrupts == "node" and step.when != "maintenance_window":
        words += f" {timing('maintenance_window').phrase}"  # a reboot is never done otherwise
    return words


def plan_rows(outcome: CaseOutcome | NodeOutcome, audience: str = "tac") -> list[PlanRow]:
    """The plan as rows of words, in order."""
    return [
        PlanRow(WHO[s.who], timing(s.when).words, sentence(s, audience), s.command, s.why, s.optional)
        for s in steps_for(outcome, audience)
    ]


def headline(outcome: NodeOutcome) -> str:
    """The node's headline: its status in words, and why (with the numbers)."""
    words = status(outcome.status).headline
    why = outcome.why.strip()
    if not why or why.rstrip(".").lower() in words.lower():
        return words + "."
    return f"{words}. {why[0].upper()}{why[1:].rstrip('.')}."


def plan_lines(outcome: CaseOutcome | NodeOutcome, audience: str = "tac", *, why: bool = False) -> list[str]:
    """The numbered plan for text faces (CLI, case note); `why`: each step's reason on its own line."""
    lines: list[str] = []
    for number, row in enumerate(plan_rows(outcome, audience), 1):
        line = f"{number}. {row.who}, {row.when}{' (optional)' if row.optional else ''}: {row.what}"
        if row.command and row.command not in row.what:
            line += f": `{row.command}`"
        lines.append(line)
        if why and row.why:
            lines.append(f"   why: {row.why}")
    return lines



GROUP_COLUMNS = ("parent PID", "parent", "service", "zombies", "next step", "when")


def group_rows(node: NodeAnalysis, outcome: NodeOutcome, audience: str = "customer") -> list[dict[str, str]]:
    """One row per zombie group of `node` (the web app's groups table), its next step in the
    outcome's words for the audience: the step for that parent, else the node's first step, else
    the node's status; never a token.

    >>> from ucnb.diagnosis.outcome import assess
    >>> case = assess(ucnb.load("sample_outputs/ex5_imnp_sftp/before"))
    >>> row = group_rows(case.analysis.nodes[0], case.outcome.nodes[0])[0]
    >>> print(row["next step"], "|", row["when"])
    leave the zombie processes in place | until the next planned reboot or upgrade
    """
    steps = steps_for(outcome, audience)
    rows = []
    for group in node.groups:
        mine = [s for s in steps if s.ppid == group.ppid] or [s for s in steps if s.ppid is None]
        if mine:
            step = mine[0]
            what = sentence(step, audience) + (f": {step.command}" if step.command else "")
            when = timing(step.when).words + (" (optional)" if step.optional else "")
        else:
            what, when = status(outcome.status).headline, ""
        values = ("?" if group.ppid is None else str(group.ppid),
                  group.parent_command or "not in the listing", group.service or "none identified",
                  f"{group.count:,}", what, when)
        rows.append(dict(zip(GROUP_COLUMNS, values, strict=True)))
    return rows


# ------------------------------------------------------------------ the picker's choices
@dataclass(frozen=True)
class Choice:
    """One remediation a person may record for a zombie group (the web app's and the notebooks'
    picker): the action token, its label, its exact command, why, and whether the plan recommends it."""

    action: str
    label: str
    command: str | None
    note: str
    recommended: bool = False
    tac_only: bool = False
    impact: str | None = None


_TIMED = ("now", "convenient", "maintenance_window", "if_still_defunct")  # said in a choice's label
_CONDITIONAL = ("if_still_defunct", "if_it_returns", "if_it_grows")  # waits for a check: not recommended


def _choice_label(name: str, when: str | None, tags: list[str], *, no_action: bool = False) -> str:
    """`Label [when] (tags)`; an action that interrupts the node always says its maintenance window."""
    words = action(name).label
    if no_action:
        words = f"{NO_ACTION}: {words[:1].lower()}{words[1:]}"
    if action(name).disrupts == "node" and when != "maintenance_window":
        words += f" {timing('maintenance_window').phrase}"
    if when in _TIMED and name != "leave":
        words += f" {timing(when).phrase}"
    return words + (f" ({', '.join(tags)})" if tags else "")


def choices(
    group: Group, outcome: NodeOutcome | None = None, audience: str = "customer"
) -> tuple[Choice, ...]:
    """What a person may decide for `group`, the plan's choice first: the outcome's decidable steps
    for the group (recommended unless optional; an optional offer says when it applies), then the
    diagnosis's action and alternatives. A customer is never offered a TAC-only action. When the plan
    clears nothing the audience may choose (it waits, checks, escalates, or TAC acts), nothing is
    recommended and leaving them comes first; a recorded decision reads "decided". A known cosmetic
    condition reads "No action needed: ...", its reboot "only if the customer insists".

    >>> from ucnb.diagnosis.outcome import assess
    >>> case = assess(ucnb.load("sample_outputs/ex5_imnp_sftp/before"))
    >>> [c.label for c in choices(case.analysis.nodes[0].groups[0], case.outcome.nodes[0])]
    ['No action needed: leave them until the next planned reboot', \
'Reboot the node in a maintenance window (only if the customer insists)']
    """
    planned: list[Choice] = []
    steps = outcome.next_actions if outcome is not None else ()
    for step in steps:
        if step.ppid not in (None, group.ppid) or not action(step.action).decision:
            continue
        if any(c.action == step.action for c in planned):
            continue
        decided = outcome is not None and outcome.decision is not None and (
            outcome.decision.ppid, outcome.decision.action) == (group.ppid, step.action)
        pick = not step.optional and step.when not in _CONDITIONAL
        if decided:
            tags = ["decided"]
        elif step.optional:
            tags = [IF_INSISTED] if IF_INSISTED in step.why else ["optional"]
        else:
            tags = ["recommended"] if pick else []
        if group.impact not in ("unknown", "cosmetic", "") and action(step.action).disrupts == "service":
            tags.append(f"impact {group.impact}")
        if step.tac_only:
            tags.append("TAC only")
        cosmetic = outcome is not None and outcome.cosmetic and step.action == "leave"
        tags = [] if cosmetic and not decided else tags  # "No action needed" is the recommendation
        planned.append(Choice(step.action, _choice_label(step.action, step.when, tags, no_action=cosmetic),
                              step.command, step.why, pick, step.tac_only, group.impact))
    others: list[Choice] = []
    diagnosed: list[tuple[str, str | None, str, str | None, bool]] = [
        (group.action, group.command, group.reason or group.impact_note, group.impact, False)]
    diagnosed += [(a.action, a.command, a.note, None, a.tac_only) for a in group.alternatives]
    for name, command, note, impact, tac_only in diagnosed:
        if not name or any(c.action == name for c in planned + others):
            continue
        tac_only = tac_only or action(name).tac_only
        first = outcome is None and not others  # no outcome: the diagnosis's action is the pick
        tags = [f"impact {impact}"] if impact and impact not in ("unknown", "") else []
        tags += ["TAC only"] if tac_only else []
        tags += ["recommended"] if first else []
        others.append(Choice(name, _choice_label(name, None, tags), command, note or "", first, tac_only,
                             impact))
    planned = [c for c in planned if audience == "tac" or not c.tac_only]
    others = [c for c in others if audience == "tac" or not c.tac_only]
    if not planned and steps:  # the plan waits, checks, escalates or is TAC's: leaving them comes first
        others.sort(key=lambda c: c.action != "leave")
    return tuple(planned + others)
