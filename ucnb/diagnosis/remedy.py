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

import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass

from ucnb.knowledge.catalogue import CATALOGUE, Catalogue
from ucnb.knowledge.linux import LINUX_COUNT, LINUX_LISTING, LINUX_REBOOT, linux_words
from ucnb.knowledge.owner import Owner, host_argument
from ucnb.model.actions import action
from ucnb.model.findings import Alternative

__all__ = [
    "REBOOT", "RECOLLECT", "CLUSTER", "SERVICES", "DRF_STATUS", "DRF_HISTORY", "MECHANISM", "Remedy",
    "LINUX_LISTING", "LINUX_COUNT", "LINUX_COLLECT_BEFORE", "is_init", "linux_remediation", "linux_words",
    "remediation", "transfer_words",
    "window_text",
]

REBOOT = "utils system restart"
RECOLLECT = "show process list detail"
CLUSTER = "show network cluster"
SERVICES = "utils service list"
DRF_STATUS = "utils disaster_recovery status backup"
DRF_HISTORY = "utils disaster_recovery history backup"
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
    held: Collection[str] = (),
) -> Remedy:
    """The rule that applies to a group whose parent is `ppid` and whose owner is `owner`.

    `urgency` (ucnb.diagnosis.urgency) decides between finding out more and rebooting when the owner is
    unknown; `cluster_source` is where `show network cluster` was read (cited when a target is
    checked against it); `held` the commands whose output the capture already holds (never asked
    for again)."""
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
    return _unknown(owner, ppid, parent_command, urgency, product, catalogue, reboot_alt, held)


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
    if rule.action == "reboot" and rule.impact != "cosmetic":  # a cosmetic one: only if insisted (outcome)
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
        f"owned by the {service.name}{via}; {MECHANISM.replace('the service', 'it')}{window}"
        + _not_peer(owner),
        tuple(alternatives), tuple(service.restart),
    )


_TRANSFER = ("sftp", "scp")
_DRF = re.compile(r"drf|backup", re.IGNORECASE)


def transfer_words(parent_command: str | None, host: str | None = None) -> str:
    """What an SFTP/SCP parent is doing, in words, or "" for any other process.

    >>> transfer_words("/usr/bin/sftp -b /common/drf/batch drfuser@backup01.example.com")
    'a DRF backup to the SFTP server backup01.example.com'
    >>> transfer_words("/usr/bin/sftp admin@10.9.9.9")
    'a file transfer to the SFTP server 10.9.9.9 (a DRF backup or another export)'
    >>> transfer_words("/usr/local/cm/bin/amc")
    ''
    """
    words = (parent_command or "").split()
    if not words or posixpath.basename(words[0]) not in _TRANSFER:
        return ""
    host = host or host_argument(parent_command)
    server = f"the SFTP server {host}" if host else "an SFTP server"
    if _DRF.search(parent_command or ""):
        return f"a DRF backup to {server}"
    return f"a file transfer to {server} (a DRF backup or another export)"


def _asks(parent_command: str | None, owner: Owner, held: Collection[str]) -> tuple[str, list[str]]:
    """(what the parent is doing, the outputs to capture that the capture does not hold yet)."""
    doing = transfer_words(parent_command, owner.not_peer)
    wanted = [SERVICES, DRF_STATUS, DRF_HISTORY] if doing else [SERVICES]
    return doing, [command for command in wanted if command not in held]


def _unknown(
    owner: Owner, ppid: int, parent_command: str | None, urgency: str, product: str,
    catalogue: Catalogue, reboot_alt: Alternative, held: Collection[str] = (),
) -> Remedy:
    """The parent is in the listing but belongs to no known service (up to PID 1 / servM). The
    listing is there (it shows the parent): what is asked for is only what the capture lacks."""
    shown = parent_command or "?"
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    doing, missing = _asks(parent_command, owner, held)
    what = f"the parent PID {ppid} ({shown})" + (f" is {doing} and" if doing else "")
    what += " belongs to no known service"
    kill = _kill(ppid, "TAC root access only, after identifying what the process is")
    if urgency in ("none", "optional"):
        if missing:
            asks = ", ".join(f"`{c}`" for c in missing[:-1]) + (" and " if len(missing) > 1 else "")
            asks += f"`{missing[-1]}`"
            why = "so TAC can see whether the backup still runs and identify its owner" if doing else (
                "so TAC can identify its owner")
            return Remedy(
                "unknown", "recollect", missing[0], "unknown", "the parent belongs to no known service",
                f"{what}; harmless now, so no reboot: the capture holds its process list; capture {asks} "
                f"{why}" + _not_peer(owner),
                (reboot_alt, kill, _leave()), tuple(missing) if len(missing) > 1 else None,
            )
        return Remedy(  # nothing to capture again: the capture holds what identifies the owner
            "unknown", "leave", None, "unknown", "the parent belongs to no known service",
            f"{what}; harmless now, so no reboot: the capture holds its process list and `{SERVICES}`, from "
            "which TAC can identify its owner; leave them meanwhile and watch the count with "
            "`show process load`" + _not_peer(owner),
            (reboot_alt, kill),
        )
    return Remedy(
        "unknown", "reboot", REBOOT, "unknown", "the parent belongs to no known service",
        f"{what}; a reboot clears the zombies, {window_text(product, catalogue)} (TAC may identify the "
        "process first)" + _not_peer(owner),
        (kill, _leave()),
    )


# --- a Linux host or container, not a UC node (issue 23): the Linux answer, never a UC command --------

LINUX_COLLECT_BEFORE = (
    (LINUX_COUNT, "the zombie count and the number of tasks, with the time: the baseline to verify against"),
    ("ps -eo pid,ppid,user,stat,lstart,args",
     "the zombies, their parent and its start time: the restart ends the parent"),
)


# What reaps the children it adopts when it runs as PID 1 (an init, or an init made for containers).
_INITS = frozenset({"init", "systemd", "tini", "tini-static", "dumb-init", "docker-init", "catatonit",
                    "s6-svscan", "runit", "runsvdir", "openrc-init", "upstart", "launchd", "supervisord",
                    "my_init", "pause"})


def is_init(command: str | None) -> bool | None:
    """Whether a PID 1 running `command` reaps adopted children (None: PID 1 is not listed).

    >>> is_init("/usr/lib/systemd/systemd --switched-root"), is_init("/bin/sh /app/start.sh")
    (True, False)
    """
    if not command or not command.split():
        return None
    words = command.split()
    name = words[0].strip("[]").rsplit("/", 1)[-1].rstrip(":")
    if name in ("sh", "bash", "dash", "ash", "python", "python3", "node", "java") and len(words) > 1:
        return False  # a script run as PID 1: an application
    return name in _INITS


def linux_remediation(kind: str, ppid: int | None, parent_command: str | None,
                      pid1_command: str | None) -> Remedy:
    """The Linux answer for a zombie group of a host or container that is not a UC node. `kind`: the
    owner's kind ("init": the parent is PID 1; "missing"; "unknown": a process in the listing).

    >>> linux_remediation("init", 1, "/bin/sh /app/start.sh", "/bin/sh /app/start.sh").action
    'run_with_init'
    """
    leave = _alternative("leave", None, "a zombie holds only a PID; they go when their parent ends")
    pid1 = is_init(pid1_command)
    shown = (pid1_command or "?") if len(pid1_command or "?") <= 60 else (pid1_command or "")[:57] + "..."
    no_init = (f"PID 1 ({shown}) is an application, not an init: it does not reap the children it "
               "adopts")
    if ppid is None:
        return Remedy("linux_no_ppid", "recollect", LINUX_LISTING, "unknown", "",
                      f"the listing has no PPID column, so the zombies' parent cannot be known; capture "
                      f"`{LINUX_LISTING}`", (leave,))
    if ppid == 0:
        return Remedy("linux_outside", "restart_container", None, "unknown", "",
                      "PPID 0: the parent is outside this PID namespace (the container runtime's shim, "
                      "as for an `exec` session), not missing; they go when that session or the "
                      "container ends", (leave,))
    if kind == "init" and pid1 is False:
        return Remedy("linux_no_init", "run_with_init", None, "unknown", "",
                      f"{no_init}; run the container with an init (`--init`, tini, dumb-init) or fix "
                      "the application; killing the parent does nothing useful here: it is PID 1 of the "
                      "container (killing it stops the container)",
                      (_alternative("restart_container", None, "clears them until they come back"), leave))
    if kind == "init" and pid1:
        return Remedy("linux_init", "reboot", LINUX_REBOOT, "high", "",
                      f"the parent is PID 1 ({shown}), an init: it reaps adopted children, so these "
                      "should clear within moments; if they stay, PID 1 is stuck and only a reboot of "
                      "the host clears them", (leave,))
    if kind == "init":
        return Remedy("linux_init_unlisted", "recollect", LINUX_LISTING, "unknown", "",
                      "the parent is PID 1, which the listing does not show: an init reaps adopted "
                      "children, an application run as PID 1 of a container does not; capture "
                      f"`{LINUX_LISTING}` to see it", (leave,))
    if kind == "missing":
        return Remedy("linux_missing", "recollect", LINUX_LISTING, "unknown", "",
                      f"the parent PID {ppid} is not in the listing; capture `{LINUX_LISTING}` to see it",
                      (leave,))
    what = parent_command or "?"
    what = what if len(what) <= 60 else what[:57] + "..."
    reason = (f"the parent PID {ppid} ({what}) does not wait for its children: restart it (its zombies "
              "then pass to PID 1) or fix it")
    alternatives = [leave]
    if pid1 is False:
        reason += f"; {no_init} either: run the container with an init (`--init`, tini, dumb-init)"
        alternatives.insert(0, _alternative("run_with_init", None, no_init))
    return Remedy("linux_parent", "restart_parent", None, "unknown", "", reason, tuple(alternatives))
