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

from dataclasses import dataclass

from ucnb.model.actions import WHO, action, status, timing
from ucnb.model.findings import CaseOutcome, NextAction, NodeOutcome

__all__ = ["PlanRow", "headline", "plan_lines", "plan_rows", "sentence", "steps_for"]


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
    """The steps this audience may read (a customer never sees a TAC-only one)."""
    steps = outcome.next_actions
    return tuple(s for s in steps if audience == "tac" or not s.tac_only)


def sentence(step: NextAction) -> str:
    """The step as a sentence (lower case, no final stop)."""
    return action(step.action).sentence(service=step.service, node=step.node, ppid=step.ppid,
                                        command=step.command)


def plan_rows(outcome: CaseOutcome | NodeOutcome, audience: str = "tac") -> list[PlanRow]:
    """The plan as rows of words, in order."""
    return [
        PlanRow(WHO[s.who], timing(s.when).words, sentence(s), s.command, s.why, s.optional)
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

