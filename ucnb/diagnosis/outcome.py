"""The case outcome: the one judgement after the diagnosis (and the verification), with the ordered
next actions that every face renders and none re-decides.

    >>> outcome = decide(diagnose(bundle))
    >>> outcome.status, [(a.action, a.who, a.when) for a in outcome.next_actions]
    ('optional', [('restart_service', 'customer', 'convenient'), ('recheck', 'customer', 'after_fix')])
    >>> after = ucnb.load("sample_outputs/ex1_cucm_amc/after")
    >>> verified = decide(diagnose(bundle), compare(bundle, after))
    >>> verified.phase, verified.status, verified.passes, verified.next_actions
    ('verified', 'cleared', True, ())

Rules, node by node (the seed's procedure and a senior TAC engineer's judgement):
- before only: no zombie -> nothing; missing data (no listing, or a parent no rule knows) ->
  recollect, now, never optional; the cosmetic IM&P case -> leave
  them until the next planned reboot (a reboot in a maintenance window only if the customer
  insists); otherwise the diagnosis's clearing step (or the recorded decision), optional when the
  urgency is, then a recheck, and for a growing leak the recurrence plan.
- verified: a time-order problem -> recapture, verdict unknown (unless compared anyway with
  `--force-order`: judged as below, the problem kept); a service down afterwards -> start
  it (never "no further action"); zombies left under init (PID 1) -> wait and recapture, then a
  reboot in a maintenance window or an escalation (a second restart cannot reap a child of init);
  zombies left under a parent that was restarted -> no more than before, in one capture: capture
  again at +1 h and escalate if the count grows; more than before, or growing: escalate now; under
  a parent that was not restarted -> the clearing step again (a recorded decision again); cleared
  after a growing leak -> recheck at +1 h and +24 h, and if they come back, traces and a defect
  search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ucnb.diagnosis.diagnose import diagnose
from ucnb.diagnosis.remedy import LINUX_COUNT, LINUX_LISTING, RECOLLECT, is_init, window_text
from ucnb.diagnosis.verify import compare
from ucnb.knowledge.catalogue import Catalogue
from ucnb.model.actions import IF_INSISTED, STATUSES, action
from ucnb.model.findings import (
    Analysis,
    CaseOutcome,
    Decision,
    Group,
    NextAction,
    NodeAnalysis,
    NodeOutcome,
    NodeVerification,
    Verification,
)
from ucnb.model.results import Bundle
from ucnb.text import plural

__all__ = ["Case", "assess", "decide", "versions_of"]

RECHECK = "show process load"
PID1 = "ps -o pid,args -p 1"  # a Linux host or container: what runs as PID 1
SERVICE_LIST = "utils service list"
REBOOT = "utils system restart"


def _step(name: str, node: str, when: str, why: str, **fields: object) -> NextAction:
    """A next action; the TAC-only flag comes from the vocabulary."""
    tac_only = action(name).tac_only
    who = "tac" if tac_only else "customer"  # the customer's administrator collects and escalates to TAC
    return NextAction(name, who, when, node, why=why, tac_only=tac_only, **fields)  # type: ignore[arg-type]


def _clearing(node: NodeAnalysis, group: Group, decision: Decision | None) -> NextAction:
    """The step that clears `group`: the recorded decision when there is one, else the diagnosis's."""
    chosen = decision.action if decision is not None else group.action
    command = decision.command if decision is not None and decision.command else group.command
    if chosen == group.action == "recollect" and group.commands:  # every output missing, in order
        command = "; ".join(group.commands)
    reason, when = group.reason or group.urgency_reason, group.when or "now"
    if decision is not None and action(chosen).disrupts == "node" and "a reboot interrupts" not in reason:
        reason += f"; {window_text(node.product).split(': ', 1)[-1]}"  # what a decided reboot costs
    if decision is not None and decision.action != group.action:
        # another action than the diagnosis's: its own reason and timing, never the restart's
        other = next((a for a in group.alternatives if a.action == chosen), None)
        command = decision.command or (other.command if other else None)
        reason = other.note if other and other.note else action(chosen).label
        if action(chosen).disrupts == "node":
            when = "maintenance_window"
    if chosen == "leave":  # leaving them is no step to time: they stay until a reboot clears them
        when = "next_planned_reboot"
    optional = group.urgency == "optional" and decision is None and chosen != "leave"
    zombies = f"{plural(group.count, 'zombie')} under PID {group.ppid if group.ppid is not None else '?'}"
    decided = ""
    if decision is not None:
        decided = f"; decided by {decision.by or 'the engineer'}"
        decided += f": {decision.note}" if decision.note else ""
    if optional and when == "now":
        when = "convenient"
    # a TAC step a customer is told about: its reason without the root-access details
    them = "it" if group.count == 1 else "them"
    told = f"{zombies}: once its parent has ended, the system clears {them}{decided}" if action(
        chosen).told else ""
    return _step(chosen, node.node, when, f"{zombies}: {reason}{decided}", command=command,
                 service=group.service, ppid=group.ppid, optional=optional, customer_why=told)


def _promised(node: NodeAnalysis, step: NextAction) -> list[NextAction]:
    """The check of what a clearing step promises: after ending or restarting the parent, that it is
    gone (or runs with a new start); after running a container with an init, that PID 1 is one."""
    linux = node.product == "linux"
    checks = action(step.action).checks
    if checks == "parent" and step.ppid is not None and step.ppid > 1:
        command = f"ps -o pid,lstart,args -p {step.ppid}" if linux else f"show process pid {step.ppid}"
        gone = ("must no longer be listed, or run with a new start time" if step.action != "kill_parent"
                else "must no longer be listed")
        return [_step("check_parent_gone", node.node, "after_fix",
                      f"the zombies are cleared only once their parent has ended: PID {step.ppid} {gone}",
                      command=command, ppid=step.ppid)]
    if checks == "init" and linux:
        return [_step("check_init", node.node, "after_fix",
                      "an init reaps the children it adopts, the application as PID 1 does not: PID 1 must "
                      "be an init (tini, dumb-init, `docker-init`)", command=PID1, ppid=step.ppid)]
    return []


def _after_clearing(node: NodeAnalysis, first: NextAction,
                    decided: Sequence[NextAction] = ()) -> list[NextAction]:
    """The checks after the clearing step: what it (and each other decided step) promises, then the
    zombie count (Cisco's procedure ends with it), and after ending the parent that its service runs."""
    steps = [check for step in (first, *decided) for check in _promised(node, step)]
    steps.append(_step("recheck", node.node, "after_1h" if _growing(node) else "after_fix",
                       "the count must fall to 0" if node.product == "linux"
                       else "Cisco's procedure ends with this check: the count must fall to 0",
                       command=_count_command(node)))
    if first.action == "kill_parent" and first.service:
        steps.append(_step("check_service", node.node, "after_fix",
                           f"ending the parent process may stop the {first.service}: it must show "
                           f"STARTED (if not: `utils service start {first.service}`)",
                           command=SERVICE_LIST, service=first.service))
    return steps


def _recurrence(node: NodeAnalysis, group: Group | None, version: str | None) -> list[NextAction]:
    """Recheck at +1 h and +24 h after clearing a growing leak; if it comes back, traces and a search."""
    rate = node.leak_rate_per_hour
    grew = plural(round(rate or 0), "zombie")
    why = f"the count grew by {grew} an hour before the fix: a leak can come back"
    steps = [
        _step("recheck", node.node, "after_1h", why, command=_count_command(node)),
        _step("recheck", node.node, "after_24h", why, command=_count_command(node)),
    ]
    service = group.service if group is not None else None
    if service:
        steps.append(_step("collect_traces", node.node, "if_it_returns",
                           f"the {service} leaks child processes again: its traces show why",
                           service=service))
        search = f"{service} {version}" if version else service  # the root cause's search words
        steps.append(_step("bug_search", node.node, "if_it_returns",
                           "the kit records no defect for this service and version; a recurring leak "
                           "may be one",
                           command=search, service=service))
    steps.append(_step("escalate", node.node, "if_it_returns", "a leak that returns after a restart is a "
                       "defect to investigate, not a condition to clear again"))
    return steps


def _count_command(node: NodeAnalysis | None) -> str:
    """The zombie count's command: UCOS's, or `top -b -n 1` on a Linux host or container (issue 23)."""
    return LINUX_COUNT if node is not None and node.product == "linux" else RECHECK


def _growing(node: NodeAnalysis) -> bool:
    return node.leak_rate_per_hour is not None and node.leak_rate_per_hour > 0


def _before(node: NodeAnalysis, decisions: Sequence[Decision], version: str | None) -> NodeOutcome:
    """The outcome of a node that is only diagnosed."""
    step = node.next_step
    base = NodeOutcome(node.node, "before", "clean", step.urgency_reason or step.reason,
                       zombies_before=node.zombie_count,
                       leak_rate_per_hour=node.leak_rate_per_hour)
    if not node.groups:
        if step.action == "none":
            return replace(base, why="no zombie process: nothing to do")
        missing = _step("recollect", node.node, "now", step.reason, command=step.command)
        return replace(base, status="missing_data", next_actions=(missing,))
    best = node.group(step.ppid) or node.groups[0]
    decision = next((d for d in decisions if d.node == node.node and d.ppid == best.ppid), None)
    if best.impact == "cosmetic" and decision is None:
        return _cosmetic(base, node, best)
    steps = [_clearing(node, best, decision)]
    for group in node.groups:
        if group is best:
            continue
        other = next((d for d in decisions if d.node == node.node and d.ppid == group.ppid), None)
        extra = _clearing(node, group, other)
        if all((s.action, s.command) != (extra.action, extra.command) for s in steps):
            steps.append(extra)
    # asking for what is missing is never "optional" nor "to clear it": it comes first, now
    steps = [replace(s, when="now", optional=False) if s.action == "recollect" else s for s in steps]
    if steps[0].action not in ("recollect", "leave"):
        decided = [s for s in steps[1:] if any((d.node, d.ppid, d.action) == (node.node, s.ppid, s.action)
                                               for d in decisions)]
        steps += _after_clearing(node, steps[0], decided)
    if _growing(node):
        steps += [s for s in _recurrence(node, best, version) if s.when != "after_1h"]
    status = "optional" if all(s.optional for s in steps if s.action != "recheck") else step.urgency
    status = "missing_data" if steps[0].action == "recollect" else status
    status = status if status in STATUSES else "recommended"
    return replace(base, status=status, decision=decision, next_actions=tuple(steps),
                   recurrence_watch=_growing(node))


def _cosmetic(base: NodeOutcome, node: NodeAnalysis, group: Group) -> NodeOutcome:
    count, what = plural(group.count, "zombie"), group.reason.split(" (")[0]
    one = group.count == 1
    clears = ("it clears" if one else "they clear") + " at the next planned reboot or upgrade"
    facts = (f"{count} under PID {group.ppid} ({what}); {'it' if one else 'each'} holds only a process ID, "
             f"no service needs a restart, and {clears}")
    leave = _step("leave", node.node, "next_planned_reboot",
                  f"a known cosmetic condition: no service needs a restart, and {clears}", ppid=group.ppid)
    interrupts = window_text(node.product).split(": ", 1)[-1]
    reboot = _step("reboot", node.node, "maintenance_window",
                   f"{IF_INSISTED} on clearing them before the next planned reboot: {interrupts}",
                   command=REBOOT, ppid=group.ppid, optional=True)
    # the status headline already says "a known cosmetic condition": the node's why is the facts
    return replace(base, status="cosmetic", cosmetic=True, why=facts, next_actions=(leave, reboot))


def _verified(node: NodeAnalysis | None, check: NodeVerification, after: NodeAnalysis | None,
              decisions: Sequence[Decision], version: str | None) -> NodeOutcome:
    """The outcome of a node with a before and an after capture."""
    name = check.node
    count = _count_command(node or after)
    base = NodeOutcome(name, "verified", "unknown", check.reason, verdict=check.verdict,
                       zombies_before=check.before_count, zombies_after=check.after_count,
                       rebooted=check.rebooted, residual_pids=check.remaining_pids + check.new_pids,
                       leak_rate_per_hour=node.leak_rate_per_hour if node else None)
    decision = next((d for d in decisions if d.node == name), None)
    cosmetic = bool(node and any(g.impact == "cosmetic" for g in node.groups))
    base = replace(base, decision=decision, cosmetic=cosmetic)
    problem = check.order_problem
    if problem and check.order_forced:  # compared anyway (--force-order): judged, the problem kept
        base = replace(base, order_problem=problem)
    elif problem:
        again = _step("recapture_after", name, "now", problem, command=count)
        return replace(base, order_problem=problem, why=problem, next_actions=(again,))
    if check.verdict == "unknown":
        again = _step("recapture_after", name, "now", check.reason, command=count)
        return replace(base, next_actions=(again,))
    down = tuple(s.service for s in check.service_state_after if s.running is False)
    steps = [_step("start_service", name, "now",
                   f"the {service} is not running after the remediation: its work is not being done",
                   command=f"utils service start {service}", service=service) for service in down]
    steps += [_step("check_service", name, "now", f"the {service} must show STARTED once started",
                    command=SERVICE_LIST, service=service) for service in down]
    base = replace(base, services_down=down)
    if check.verdict == "cleared":
        if down:
            return replace(base, status="service_down", why=steps[0].why, next_actions=tuple(steps))
        if node is not None and _growing(node) and not check.rebooted:
            group = node.groups[0] if node.groups else None
            return replace(base, status="monitor", recurrence_watch=True, passes=True,
                           why="cleared; the leak grew before the fix, so it is watched",
                           next_actions=tuple(_recurrence(node, group, version)))
        if _init_kept(check, decision) is False:  # cleared, but what was decided was not done
            return replace(base, status="recommended", why=_no_init(check),
                           next_actions=_init_again(name, decision))
        why = _gone(check, decision) or "no zombie left"
        if _init_kept(check, decision):
            why += f"; PID 1 is now `{check.pid1_after}`, an init: it reaps the children it adopts"
        return replace(base, status="cleared", passes=True, why=why)
    fields = _residual(node, check, after, steps, decisions)
    if decision is not None and _parent_ended(check, decision) is False:
        done = "restarted" if decision.action != "kill_parent" else "ended"
        fields["why"] = (f"the parent process {decision.ppid} still runs: it was not {done}, so its zombies "
                         "are still there")
    elif _init_kept(check, decision) is False:
        fields["why"] = _no_init(check)
    return replace(base, **fields)  # type: ignore[arg-type]


def _init_kept(check: NodeVerification, decision: Decision | None) -> bool | None:
    """After a decision to run the container with an init: whether the after capture's PID 1 is one
    (None: no such decision, or PID 1 not listed after)."""
    if decision is None or action(decision.action).checks != "init" or check.pid1_after is None:
        return None
    return is_init(check.pid1_after)


def _no_init(check: NodeVerification) -> str:
    return (f"PID 1 is still `{check.pid1_after}`, not an init: the container was not run with one, so "
            "the children PID 1 adopts stay zombies")


def _init_again(name: str, decision: Decision | None) -> tuple[NextAction, ...]:
    """The decided init once more, then its check and the count."""
    ppid = decision.ppid if decision is not None else 1
    why = "the decision was to run the container with an init; the after capture shows none"
    return (_step("run_with_init", name, "maintenance_window", why, ppid=ppid),
            _step("check_init", name, "after_fix", "PID 1 must be an init (tini, dumb-init, `docker-init`)",
                  command=PID1),
            _step("recheck", name, "after_fix", "the count must fall to 0", command=LINUX_COUNT))


def _parent_ended(check: NodeVerification, decision: Decision | None) -> bool | None:
    """After a decision to end the parent: whether the after capture shows it gone (None: no such
    decision, or no listing after to tell)."""
    if decision is None or action(decision.action).checks != "parent":
        return None
    parent = next((p for p in check.parents if p.ppid == decision.ppid), None)
    if parent is None or parent.restarted is None and parent.after_pid is None and check.after_listed is None:
        return None
    return not (parent.after_pid == parent.ppid and parent.restarted is False)


def _gone(check: NodeVerification, decision: Decision | None) -> str:
    """After a decision to end the parent: that it is gone and its zombies reaped, or nothing."""
    ended = _parent_ended(check, decision)
    if ended is None or decision is None:
        return ""
    if not ended:
        return f"no zombie left; the parent process {decision.ppid} still runs: it reaped them itself"
    parent = next((p for p in check.parents if p.ppid == decision.ppid), None)
    if decision.action != "kill_parent" and parent is not None and parent.restarted and parent.after_pid:
        return (f"the parent process {decision.ppid} was restarted (now PID {parent.after_pid}) and its "
                "zombies were reaped")
    return f"the parent process {decision.ppid} is gone and its zombies were reaped"


def _residual(node: NodeAnalysis | None, check: NodeVerification, after: NodeAnalysis | None,
              steps: list[NextAction], decisions: Sequence[Decision]) -> dict[str, object]:
    """Status and steps when zombies are left (partial or not cleared); a group whose parent was not
    restarted gets its recorded decision again (a parent still running was not ended)."""
    name = check.node
    known = node or after
    linux = known is not None and known.product == "linux"
    count = _count_command(known)
    under_init = tuple(sorted(
        {m.pid for m in check.reparented if m.ppid_after == 1}
        | {z.pid for z in (after.zombies if after else ()) if z.ppid == 1 and z.pid in check.remaining_pids}
    ))
    status = "partial" if check.verdict == "partial" else "not_cleared"
    left = len(check.remaining_pids) + len(check.new_pids) or (check.after_count or 0)
    if under_init and not linux:  # a Linux PID 1 may be no init: its after groups say what to do
        why = (f"{plural(len(under_init), 'zombie')} still defunct, now under init (PID 1): a second restart "
               "cannot reap a child of init; init normally reaps it within minutes")
        steps += [
            _step("wait_recapture", name, "after_1h", why, command=count),
            _step("reboot", name, "if_still_defunct", "a zombie that init does not reap clears only with a "
                  "reboot (in a maintenance window)", command=REBOOT),
            _step("escalate", name, "if_still_defunct", "or escalate, if a reboot is not possible"),
        ]
        return {"status": status, "why": why, "residual_under_init": under_init, "next_actions": tuple(steps)}
    restarted = {p.service for p in check.parents if p.restarted} | set(check.restarted_services)
    after_groups = after.groups if after is not None else ()
    for group in after_groups:
        if group.service and group.service in restarted and not check.rebooted:
            steps += _again(node, after, group, name)  # type: ignore[arg-type]
        else:
            decided = next((d for d in decisions if d.node == name and d.ppid == group.ppid), None)
            steps.append(_clearing(after, group, decided))  # type: ignore[arg-type]
            if decided is not None and action(decided.action).checks:
                steps += _after_clearing(after, steps[-1])  # type: ignore[arg-type]
    if not after_groups:
        steps.append(_step("recapture_after", name, "now",
                           f"{plural(left, 'zombie')} left but the after capture does not show their parents",
                           command=LINUX_LISTING if linux else RECOLLECT))
    why = check.reason or f"{plural(left, 'zombie')} left"
    return {"status": status, "why": why, "next_actions": tuple(steps)}


def _again(node: NodeAnalysis | None, after: NodeAnalysis, group: Group, name: str) -> list[NextAction]:
    """Zombies under a service again since its restart. No more than before it, in one capture: a
    child may be about to be reaped, so capture again in an hour and escalate if the count grows.
    More than before, or a count that grows in the after capture: the service still leaks, escalate
    now with its traces."""
    service, count = group.service, plural(group.count, "zombie")
    before = sum(g.count for g in (node.groups if node else ()) if g.service == service)
    if group.count > before or _growing(after):
        why = (f"{count} under the {service} again since its restart, "
               + (f"more than the {before} before it" if group.count > before else "and the count grows")
               + ": the restart cleared the old ones, but the service still leaves zombies behind")
        return [_step("collect_traces", name, "now", why, service=service),
                _step("escalate", name, "now", why, service=service)]
    why = (f"{count} under the {service} again since its restart (before it: {before}): one capture "
           "cannot tell a child about to be reaped from a new leak")
    grows = f"the zombies under the {service} grow again after its restart: the service still leaks"
    return [_step("wait_recapture", name, "after_1h", why, command=_count_command(after), service=service),
            _step("collect_traces", name, "if_it_grows", grows, service=service),
            _step("escalate", name, "if_it_grows", grows, service=service)]


def _worst(statuses: Sequence[str]) -> str:
    order = list(STATUSES)
    return max(statuses, key=order.index) if statuses else "clean"


def decide(
    analysis: Analysis,
    verification: Verification | None = None,
    *,
    after: Analysis | None = None,
    decisions: Sequence[Decision] = (),
    case: str | None = None,
    versions: Mapping[str, str | None] | None = None,
    captured: tuple[str | None, str | None] = (None, None),
) -> CaseOutcome:
    """The case outcome of a diagnosis and, when there is one, its verification.

    `after`: the diagnosis of the after capture (the parents of what is left); `decisions`: what a
    person decided (the latest per node and PPID wins; one that does not fit the node, a Linux action
    on a UC node or a UC one on a Linux host, is not taken); `versions`: node -> software version (the
    defect search words)."""
    products = {n.node: n.product for n in (*analysis.nodes, *(after.nodes if after else ()))}
    decisions = tuple(d for d in decisions if action(d.action).fits(products.get(d.node)))
    versions = versions or {}
    checks = {check.node: check for check in (verification.nodes if verification else ())}
    after_nodes = {n.node: n for n in (after.nodes if after else ())}
    nodes = []
    for node in analysis.nodes:
        check = checks.pop(node.node, None)
        if check is None:
            nodes.append(_before(node, decisions, versions.get(node.node)))
        else:
            later = after_nodes.get(check.after_node or node.node)
            nodes.append(_verified(node, check, later, decisions, versions.get(node.node)))
    for check in checks.values():  # after-only nodes
        nodes.append(_verified(None, check, after_nodes.get(check.node), decisions, None))
    phase = "verified" if verification is not None else "before"
    by = next((d.by for d in reversed(decisions) if d.by), None)
    return CaseOutcome(phase=phase, status=_worst([n.status for n in nodes]), case=case, decided_by=by,
                       captured_before=captured[0], captured_after=captured[1], nodes=tuple(nodes),
                       passes=phase == "verified" and all(n.passes for n in nodes))


def versions_of(bundle: Bundle) -> dict[str, str | None]:
    """Each node's software version (`show version active`, `show status`), for the defect search."""
    return {node.name: node.identity.version for node in bundle.nodes}


@dataclass(frozen=True)
class Case:
    """Everything a face renders about one case: the diagnosis, the verification and the diagnosis
    of the after capture when there is one, and the outcome decided from them."""

    analysis: Analysis
    verification: Verification | None
    after: Analysis | None
    outcome: CaseOutcome


def assess(
    before: Bundle,
    after: Bundle | None = None,
    *,
    decisions: Sequence[Decision] = (),
    case: str | None = None,
    pairs: Sequence[tuple[str, str]] = (),
    catalogue: Catalogue | None = None,
    pid_max: int | None = None,
    force_order: bool = False,
) -> Case:
    """Diagnose `before`, verify against `after` when given, and decide the outcome once.

    >>> assess(bundle, ucnb.load("sample_outputs/ex1_cucm_amc/after")).outcome.status
    'cleared'
    """
    analysis = diagnose(before, pid_max=pid_max, catalogue=catalogue)
    verification = after_analysis = None
    if after is not None:
        verification = compare(before, after, pairs=pairs, catalogue=catalogue, force_order=force_order)
        after_analysis = diagnose(after, pid_max=pid_max, catalogue=catalogue)
    outcome = decide(analysis, verification, after=after_analysis, decisions=decisions, case=case,
                     versions=versions_of(before))
    return Case(analysis, verification, after_analysis, outcome)
