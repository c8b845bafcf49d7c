"""Layer 7, the remediation rules: what clears one zombie group, at what cost, and the other ways.

    >>> from ucnb.catalogue import CATALOGUE, Owner
    >>> amc = CATALOGUE.service("Cisco AMC Service")
    >>> remedy = remediation(Owner("service", pid=29815, service=amc), 29815, None)
    >>> remedy.action, remedy.command, remedy.impact
    ('restart_service', 'utils service restart Cisco AMC Service', 'low')

The mechanism, said the same way everywhere: restarting the service ends the parent; its zombies are
re-parented to init, which reaps them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ucnb.catalogue import Owner
from ucnb.findings import Alternative

__all__ = ["REBOOT", "RECOLLECT", "MECHANISM", "Remedy", "remediation"]

REBOOT = "utils system restart"
RECOLLECT = "show process list detail"
MECHANISM = "restarting the service ends the parent; its zombies are re-parented to init, which reaps them"


@dataclass(frozen=True)
class Remedy:
    """The primary action for one group and its alternatives."""

    rule: str
    action: str
    command: str | None
    impact: str
    impact_note: str
    reason: str
    alternatives: tuple[Alternative, ...]
    commands: tuple[str, ...] | None = None


def _leave() -> Alternative:
    return Alternative(
        "leave", None, "zombies hold only a PID slot and clear at the next reboot; watch the count"
    )


def _reboot_alt() -> Alternative:
    return Alternative("reboot", REBOOT, "a reboot clears every zombie; it interrupts the node's services")


def _kill(ppid: int, note: str) -> Alternative:
    return Alternative("kill_parent", f"kill -9 {ppid}", note, tac_only=True)


def remediation(owner: Owner, ppid: int | None, parent_command: str | None) -> Remedy:
    """The rule that applies to a group whose parent is `ppid` and whose owner is `owner`."""
    if ppid is None:
        return Remedy(
            "no_ppid", "recollect", RECOLLECT, "unknown", "",
            "the listing has no PPID column, so the zombies' parent cannot be known; "
            f"capture `{RECOLLECT}`",
            (_reboot_alt(), _leave()),
        )
    if owner.kind == "missing":
        return Remedy(
            "missing", "recollect", RECOLLECT, "unknown", "",
            f"the parent PID {ppid} is not in the listing (captured at another moment, or cut "
            f"short); capture a fresh `{RECOLLECT}` to see it",
            (_reboot_alt(), _leave()),
        )
    if owner.kind == "init":
        return Remedy(
            "init", "reboot", REBOOT, "high", "a reboot interrupts every service of the node: plan a window",
            "the parent is PID 1 (init/systemd): no service restart can clear these zombies, only a reboot",
            (_leave(),),
        )
    if owner.kind == "special" and owner.special is not None:
        rule = owner.special
        alternatives: list[Alternative] = [_leave()]
        if rule.impact in ("low", "medium", "cosmetic") and rule.kill_note:
            alternatives.append(_kill(ppid, rule.kill_note))
        return Remedy(
            f"special:{rule.id}", rule.action, REBOOT if rule.action == "reboot" else "", rule.impact,
            rule.impact_note, rule.reason, tuple(alternatives),
        )
    if owner.kind == "service" and owner.service is not None:
        service = owner.service
        alternatives = [_reboot_alt()]
        if service.impact in ("low", "medium"):
            alternatives.append(
                _kill(ppid, "TAC root access only; never the first choice; init then reaps the zombies")
            )
        alternatives.append(_leave())
        via = "" if owner.pid == ppid else f" (through its helper parent PID {ppid})"
        window = ": plan a maintenance window" if service.impact == "high" else ""
        return Remedy(
            "service", "restart_service", service.restart_command, service.impact, service.impact_note,
            f"the zombies belong to {service.name}{via}; restarting it makes the parent reap "
            f"them (impact {service.impact}: {service.impact_note}){window}",
            tuple(alternatives), tuple(service.restart),
        )
    # present in the listing, no known service up to PID 1 / servM
    return Remedy(
        "unknown", "reboot", REBOOT, "unknown", "the parent belongs to no known service",
        f"the parent PID {ppid} ({parent_command or '?'}) belongs to no known service; "
        "a reboot clears the zombies (TAC may identify the process first)",
        (_kill(ppid, "TAC root access only, after identifying what the process is"), _leave()),
    )

