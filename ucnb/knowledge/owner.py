"""Which service a process is, and who owns a zombie group: process matching against the catalogue
(`ucnb.knowledge.catalogue`), the seed's special cases, the walk up the process tree.

    >>> match_process("tracecollection", None, "CUCM").name      # comm capped at 15 characters
    'Cisco Trace Collection Service'
    >>> match_process("sh", "/usr/local/cm/bin/amc -d", "CUCM").name   # CMD's first word decides
    'Cisco AMC Service'
    >>> match_process("java", "java -Xmx256m com.cisco.Foo", "CUCM") is None   # never guess
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ucnb.knowledge.catalogue import CATALOGUE, PRODUCTS, Catalogue, Service, SpecialRule
from ucnb.model.findings import Ancestor
from ucnb.model.graph import ancestors


def command_name(command: str | None) -> str | None:
    """Basename of a command line's first word, brackets removed ("[sh] <defunct>" -> "sh")."""
    if not command or not command.split():
        return None
    first = command.split()[0].strip("[]")
    return first.rsplit("/", 1)[-1] or None


def _by_names(names: list[tuple[str, bool]], product: str, catalogue: Catalogue) -> set[Service]:
    return set().union(*(catalogue.named(observed, truncated, product) for observed, truncated in names))


def _by_args(command: str, product: str, catalogue: Catalogue) -> set[Service]:
    arguments = command.split(None, 1)[1] if len(command.split(None, 1)) > 1 else ""
    if not arguments:
        return set()
    return {
        service
        for service in catalogue.services
        if service.args
        and (product not in PRODUCTS or product in service.products)
        and any(pattern.search(arguments) for pattern in service.args)
    }


def match_process(
    comm: str | None, command: str | None, product: str, catalogue: Catalogue | None = None
) -> Service | None:
    """The service a process belongs to, or None when it is not one (or not certain).

    `comm` is the short name (top's COMMAND or the listing's comm, a trailing `+` is stripped),
    `command` the full command line when known, `product` CUCM/IMnP/CUC/unknown. A `java`/`tomcat`
    process is told apart by its arguments only; two candidates means None.
    """
    catalogue = catalogue or CATALOGUE
    names: list[tuple[str, bool]] = []
    if comm and comm.strip():
        observed = comm.strip()
        truncated = observed.endswith("+")
        observed = observed.rstrip("+")
        if observed:
            names.append((observed, truncated))
    first = command_name(command)
    if first and first not in [n for n, _ in names]:
        names.append((first, False))
    if not names:
        return None
    generic = [n for n, _ in names if n in catalogue.generic_processes]
    if generic:
        # An interpreter: the arguments decide; without a decision only a service whose own
        # process is that interpreter's name (Cisco Tomcat for `tomcat`) qualifies.
        if command:
            by_args = _by_args(command, product, catalogue)
            if len(by_args) == 1:
                return next(iter(by_args))
            if len(by_args) > 1:
                return None
        exact = {
            s for s in _by_names([(n, False) for n in generic], product, catalogue)
            if any(p in generic for p in s.processes)
        }
        return next(iter(exact)) if len(exact) == 1 else None
    found = _by_names(names, product, catalogue)
    return next(iter(found)) if len(found) == 1 else None


def host_argument(command: str | None) -> str | None:
    """The remote host an ssh/sftp command line names (`user@host` or a bare host word), else None.

    >>> host_argument("/usr/bin/sftp -oPort=22 admin@imp-sub1.example.com")
    'imp-sub1.example.com'
    """
    if not command:
        return None
    words = command.split()[1:]
    skip_next = skip_value = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word == "--":
            continue
        if word.startswith("-"):
            # options that take a separate value (-o X, -l user, -p port, -i file, -F file, ...)
            if len(word) == 2 and word[1] in "oilpPFJbcDeEmQRSWLw":
                skip_next = True
            # sftp passes "-oForwardX11 no" to ssh as one argument: the value shows as a word
            elif word.startswith("-o") and "=" not in word:
                skip_value = True
            continue
        if skip_value:
            skip_value = False
            if word.lower() in ("yes", "no") or word.isdigit():
                continue
        host = word.rsplit("@", 1)[-1].split(":", 1)[0]
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.\-]*", host):
            return host
    return None


def _is_peer(host: str, peers: Mapping[str, str] | set[str]) -> bool:
    host = host.lower()
    return host in peers or host.split(".", 1)[0] in peers


def _peer_source(host: str, peers: Mapping[str, str] | set[str]) -> str | None:
    if not isinstance(peers, Mapping):
        return None
    host = host.lower()
    return peers.get(host) or peers.get(host.split(".", 1)[0])


def match_special(
    comm: str | None,
    command: str | None,
    product: str,
    catalogue: Catalogue | None = None,
    peers: Mapping[str, str] | set[str] | None = None,
) -> SpecialRule | None:
    """A seed special case for this parent process, e.g. `sftp admin@imp-sub1` on IM&P.

    `peers` (host names, short names and IPs of the cluster, lower case) narrows a rule that
    requires a host to connections to those nodes; without it any named host qualifies (whether
    that host is a peer is then unconfirmed: `find_owner` says so).
    """
    catalogue = catalogue or CATALOGUE
    name = (comm or "").rstrip("+") or None
    first = command_name(command)
    for rule in catalogue.special:
        if product not in rule.products:
            continue
        if name not in rule.processes and first not in rule.processes:
            continue
        if rule.requires_host:
            host = host_argument(command)
            if host is None or (peers and not _is_peer(host, peers)):
                continue
        return rule
    return None


@dataclass(frozen=True)
class Owner:
    """Who owns a zombie group: the parent or its nearest ancestor that is a service process.

    `kind` is "service", "special" (a seed special case, its peer confirmed by the cluster list),
    "unconfirmed" (a special case whose target cannot be checked: no `show network cluster`),
    "init" (parent is PID 1), "missing" (parent not in the listing), or "unknown" (present but no
    known service up to PID 1 / servM). `host` is the special case's target, `host_source` the
    `show network cluster` row that names it; `not_peer` a target met on the way that is no node of
    the cluster (so not the special case).
    """

    kind: str
    pid: int | None = None  # the owning process (service or special), else None
    service: Service | None = None
    special: SpecialRule | None = None
    path: tuple[int, ...] = ()  # parent first, then the ancestors that were looked at
    host: str | None = None
    host_source: str | None = None
    not_peer: str | None = None


def find_owner(
    g: nx.DiGraph,
    ppid: int,
    product: str,
    catalogue: Catalogue | None = None,
    peers: Mapping[str, str] | set[str] | None = None,
) -> Owner:
    """Walk from the zombies' parent `ppid` up to the first service process.

    Helpers (`sh -c ...`, `perl`, `bash`, any unknown process) are walked through; the walk stops
    at PID 1 and at Service Manager (`servM`): a child of servM that is no known service is unknown.
    The parent itself being servM means Service Manager owns the zombies. `peers` maps the cluster's
    names and addresses (lower case) to the `show network cluster` row naming them (None: the
    cluster is not known); a special case that needs a peer is only confirmed against it.
    """
    catalogue = catalogue or CATALOGUE
    if ppid == 1:
        return Owner("init", path=(1,))
    if ppid not in g or g.nodes[ppid].get("missing"):
        return Owner("missing", path=(ppid,))
    chain = [ppid] + ancestors(g, ppid)
    looked: list[int] = []
    not_peer: str | None = None
    for position, pid in enumerate(chain):
        attrs = g.nodes[pid]
        if attrs.get("missing") or pid == 1:
            break
        comm, command = attrs.get("comm"), attrs.get("command")
        name = (comm or "").rstrip("+")
        if position > 0 and (name in catalogue.walk_stops or command_name(command) in catalogue.walk_stops):
            break
        looked.append(pid)
        rule = match_special(comm, command, product, catalogue)
        if rule is not None:
            host = host_argument(command) if rule.requires_host else None
            if host is None:
                return Owner("special", pid=pid, special=rule, path=tuple(looked))
            if peers is None:
                return Owner("unconfirmed", pid=pid, special=rule, path=tuple(looked), host=host)
            if _is_peer(host, peers):
                return Owner("special", pid=pid, special=rule, path=tuple(looked), host=host,
                             host_source=_peer_source(host, peers))
            not_peer = not_peer or host
        service = match_process(comm, command, product, catalogue)
        if service is not None:
            return Owner("service", pid=pid, service=service, path=tuple(looked), not_peer=not_peer)
    return Owner("unknown", path=tuple(looked), not_peer=not_peer)


def ancestry(
    g: nx.DiGraph, ppid: int, product: str, catalogue: Catalogue | None = None
) -> list[Ancestor]:
    """The chain from the root down to `ppid` (parent last), each with its service display name."""
    catalogue = catalogue or CATALOGUE
    chain = list(reversed([ppid] + ancestors(g, ppid))) if ppid in g else [ppid]
    rows = []
    for pid in chain:
        attrs: dict[str, Any] = g.nodes[pid] if pid in g else {"missing": True}
        missing = bool(attrs.get("missing"))
        service = (
            None if missing else match_process(attrs.get("comm"), attrs.get("command"), product, catalogue)
        )
        rows.append(Ancestor(pid, None if missing else attrs.get("command"),
                             service.name if service else None, missing))
    return rows
