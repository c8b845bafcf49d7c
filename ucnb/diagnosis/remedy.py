"""What clears one zombie group, at what cost, and the other ways.

    >>> from ucnb.knowledge.catalogue import CATALOGUE
    >>> from ucnb.knowledge.owner import Owner
    >>> amc = CATALOGUE.service("Cisco AMC Service")
    >>> remedy = remediation(Owner("service", pid=29815, service=amc), 29815, None, product="CUCM")
    >>> remedy.action, remedy.command, remedy.impact
    ('restart_service', 'utils service restart Cisco AMC Service', 'low')

The mechanism, said the same way everywhere (`MECHANISM`): restarting the service ends the parent;
its zombies are re-parented to init, which reaps them. Every reboot and every restart of a
high-impact service says "in a maintenance window" and what it disturbs (`ucnb/data/services.toml`
`[product.*]`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ucnb.knowledge.catalogue import CATALOGUE, Catalogue
from ucnb.knowledge.owner import Owner
from ucnb.model.actions import action
from ucnb.model.findings import Alternative

__all__ = ["REBOOT", "RECOLLECT", "CLUSTER", "MECHANISM", "Remedy", "remediation", "window_text"]

REBOOT = "utils system restart"
RECOLLECT = "show process list detail"
CLUSTER = "show network cluster"
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


def window_text(product: str, catalogue: Catalogue | None = None) -> str:
    """ "in a maintenance window: phones ... re-register ..." for a reboot of a node of `product`."""
    notes = (catalogue or CATALOGUE).products.get(product)
    disturbs = notes.disturbs if notes else "every service of this node stops until it is back"
    return f"in a maintenance window: a reboot interrupts every service of the node ({disturbs})"


def _alternative(name: str, command: str | None, note: str) -> Alternative:
    """Another way, TAC-only when its action is (`ucnb.model.actions`)."""
    return Alternative(name, command, note, tac_only=action(name).tac_only)


def _leave() -> Alternative:
    return _alternative(
        "leave", None, "zombies hold only a PID slot and clear at the next reboot; watch the count"
    )


def _reboot_alt(product: str, catalogue: Catalogue) -> Alternative:
    return _alternative("reboot", REBOOT, f"a reboot clears every zombie; {window_text(product, catalogue)}")


def _kill(ppid: int, note: str) -> Alternative:
    return _alternative("kill_parent", f"kill -9 {ppid}", note)


def _not_peer(owner: Owner) -> str:
    if not owner.not_peer:
        return ""
    return (
        f"; the SFTP/SSH target {owner.not_peer} is not a node of this cluster (`{CLUSTER}`), so this is not "
        "the cosmetic IM&P peer case"
    )


def remediation(
    owner: Owner,
    ppid: int | None,
    parent_command: str | None,
    *,
    product: str = "unknown",
    urgency: str = "optional",
    cluster_source: str | None = None,
    catalogue: Catalogue | None = None,
) -> Remedy:
    """The rule that applies to a group whose parent is `ppid` and whose owner is `owner`.

    `urgency` (ucnb.diagnosis.urgency) decides between finding out more and rebooting when the owner is
    unknown; `cluster_source` is where `show network cluster` was read (cited when a target is
    checked against it)."""
    catalogue = catalogue or CATALOGUE
    reboot_alt = _reboot_alt(product, catalogue)
    if ppid is None:
        return Remedy(
            "no_ppid", "recollect", RECOLLECT, "unknown", "",
            "the listing has no PPID column, so the zombies' parent cannot be known; "
            f"capture `{RECOLLECT}`",
            (reboot_alt, _leave()),
        )
    if owner.kind == "missing":
        return Remedy(
            "missing", "recollect", RECOLLECT, "unknown", "",
            f"the parent PID {ppid} is not in the listing (captured at another moment, or cut "
            f"short); capture a fresh `{RECOLLECT}` to see it",
            (reboot_alt, _leave()),
        )
    if owner.kind == "init":
        return Remedy(
            "init", "reboot", REBOOT, "high", "a reboot interrupts every service of the node: plan a window",
            "the parent is PID 1 (init/systemd): no service restart can clear these zombies, only a reboot, "
            + window_text(product, catalogue),
            (_leave(),),
        )
    if owner.kind == "unconfirmed" and owner.special is not None:
        return Remedy(
            f"unconfirmed:{owner.special.id}", "recollect", CLUSTER, "unknown",
            "cosmetic only if the target is a node of this cluster",
            f"SFTP/SSH to {owner.host}: these zombies are the cosmetic IM&P case only when {owner.host} is a "
            f"node of this cluster, and the capture has no `{CLUSTER}` to confirm it; capture `{CLUSTER}` "
            "(a backup or other external server is not the cosmetic case)",
            (reboot_alt, _leave()),
        )
    if owner.kind == "special" and owner.special is not None:
        return _special(owner, ppid, product, cluster_source, catalogue)
    if owner.kind == "service" and owner.service is not None:
        return _service(owner, ppid, reboot_alt)
    return _unknown(owner, ppid, parent_command, urgency, product, catalogue, reboot_alt)


def _special(
    owner: Owner, ppid: int, product: str, cluster_source: str | None, catalogue: Catalogue
) -> Remedy:
    """A seed special case whose target is confirmed (the IM&P SFTP/SSH peer)."""
    rule = owner.special
    assert rule is not None
    alternatives: list[Alternative] = [_leave()]
    if rule.impact in ("low", "medium", "cosmetic") and rule.kill_note:
        alternatives.append(_kill(ppid, rule.kill_note))
    reason = rule.reason
    if owner.host:
        cited = owner.host_source or cluster_source
        at = f" at {cited}" if cited else ""
        reason += f" ({owner.host} is a node of this cluster: `{CLUSTER}`{at})"
    if rule.action == "reboot":
        reason += f"; reboot {window_text(product, catalogue)}"
    return Remedy(
        f"special:{rule.id}", rule.action, REBOOT if rule.action == "reboot" else "", rule.impact,
        rule.impact_note, reason, tuple(alternatives),
    )


def _service(owner: Owner, ppid: int, reboot_alt: Alternative) -> Remedy:
    """A known service owns the parent: restart it (in a window when its impact is high)."""
    service = owner.service
    assert service is not None
    alternatives = [reboot_alt]
    if service.impact in ("low", "medium"):
        alternatives.append(
            _kill(ppid, "TAC root access only; never the first choice; init then reaps the zombies")
        )
    alternatives.append(_leave())
    via = "" if owner.pid == ppid else f" (through its helper parent PID {ppid})"
    window = (
        f"; restart it in a maintenance window: it disturbs {service.impact_note}"
        if service.impact == "high" else f" (impact {service.impact}: {service.impact_note})"
    )
    return Remedy(
        "service", "restart_service", service.restart_command, service.impact, service.impact_note,
        f"the zombies belong to {service.name}{via}; {MECHANISM.replace('the service', 'it')}{window}"
        + _not_peer(owner),
        tuple(alternatives), tuple(service.restart),
    )


def _unknown(
    owner: Owner, ppid: int, parent_command: str | None, urgency: str, product: str,
    catalogue: Catalogue, reboot_alt: Alternative,
) -> Remedy:
    """The parent is in the listing but belongs to no known service (up to PID 1 / servM)."""
    shown = parent_command or "?"
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    what = f"the parent PID {ppid} ({shown}) belongs to no known service"
    kill = _kill(ppid, "TAC root access only, after identifying what the process is")
    if urgency in ("none", "optional"):
        return Remedy(
            "unknown", "recollect", RECOLLECT, "unknown", "the parent belongs to no known service",
            f"{what}; harmless now, so no reboot: capture `{RECOLLECT}` and `utils service list` again "
            "so TAC can identify its owner" + _not_peer(owner),
            (reboot_alt, kill, _leave()),
        )
    return Remedy(
        "unknown", "reboot", REBOOT, "unknown", "the parent belongs to no known service",
        f"{what}; a reboot clears the zombies, {window_text(product, catalogue)} (TAC may identify the "
        "process first)" + _not_peer(owner),
        (kill, _leave()),
    )
