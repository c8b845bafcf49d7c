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
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx

from ucnb.knowledge.catalogue import CATALOGUE, PRODUCTS, UCOS_PATHS, Catalogue, Service, SpecialRule
from ucnb.model.findings import Ancestor
from ucnb.model.graph import ancestors


def command_name(command: str | None) -> str | None:
    """Basename of a command line's first word, brackets removed ("[sh] <defunct>" -> "sh")."""
    if not command or not command.split():
        return None
    first = command.split()[0].strip("[]")
    return first.rsplit("/", 1)[-1] or None


def _by_names(names: list[tuple[str, bool]], product: str, catalogue: Catalogue,
              uc_path: bool = False) -> set[Service]:
    return set().union(*(catalogue.named(name, truncated, product, uc_path) for name, truncated in names))


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
    `command` the full command line when known, `product` CUCM/IMnP/CUC/unknown (`linux`: never a
    service). A `java`/`tomcat`
    process is told apart by its arguments only; two candidates means None.
    """
    catalogue = catalogue or CATALOGUE
    if product == "linux":  # a Linux host or container: no UC service runs there
        return None
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
    uc_path = command is not None and command.lstrip().startswith(UCOS_PATHS)  # `/usr/local/cm/bin/amc`
    found = _by_names(names, product, catalogue, uc_path)
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


PATH_KEPT = 16  # `Owner.path` from a `Walker`: the parent and the first ancestors looked at
SHARED_CHAIN = 32  # an ancestry deeper than this stops at a process an earlier group's ancestry lists


@dataclass(frozen=True)
class _Found:
    """Where the walk up from one ancestor ends (`Walker`): the owner's fields, and how many
    processes it looked at on the way (this one included)."""

    kind: str
    pid: int | None = None
    service: Service | None = None
    special: SpecialRule | None = None
    host: str | None = None
    host_source: str | None = None
    not_peer: str | None = None
    looked: int = 0


class Walker:
    """`find_owner` and `ancestry` for the groups of one listing, in time and memory linear in it.

    Each process is matched against the catalogue once and the walk up from an ancestor is taken
    once and remembered, where one walk per group made a chain of 4,000 zombie parents quadratic (181
    s, 10 GB). `ancestry` cuts a chain deeper than `shared` at the first process that an earlier
    call listed (the rest is written once). A listing whose PPIDs loop takes the plain functions.

    >>> from ucnb.read.bundle import load
    >>> listing = load("sample_outputs/ex1_cucm_amc/before").nodes[0].listing
    >>> from ucnb.model.graph import build_graph
    >>> walker = Walker(build_graph(listing), "CUCM")
    >>> owner = walker.owner(29815)
    >>> owner.kind, owner.service.name, owner.path
    ('service', 'Cisco AMC Service', (29815,))
    >>> [a.pid for a in walker.ancestry(29815)[0]]
    [1, 1119, 29815]
    """

    def __init__(self, g: nx.DiGraph, product: str, catalogue: Catalogue | None = None,
                 peers: Mapping[str, str] | set[str] | None = None, *, shared: int = SHARED_CHAIN) -> None:
        self.g, self.product, self.peers, self.shared = g, product, peers, shared
        self.catalogue = catalogue or CATALOGUE
        self._depth: dict[int, int] = {}  # ancestors above a PID; -1: its chain loops
        self._above: dict[int, _Found] = {}
        self._rows: dict[int, Ancestor] = {}
        self._listed: set[int] = set()

    def _parent(self, pid: int) -> int | None:
        if pid not in self.g:
            return None
        return next(iter(self.g.predecessors(pid)), None)

    def depth(self, pid: int) -> int:
        """The number of ancestors of `pid` (-1 when its chain of PPIDs loops)."""
        path: list[int] = []
        seen: set[int] = set()
        current: int | None = pid
        while current is not None and current not in self._depth:
            if current in seen:  # a loop: every PID met so far reaches it
                self._depth.update(dict.fromkeys(path, -1))
                return -1
            seen.add(current)
            path.append(current)
            current = self._parent(current)
        base = -1 if current is None else self._depth[current]
        for node in reversed(path):
            base = -1 if base < 0 and current is not None else base + 1
            self._depth[node] = base
        return self._depth[pid]

    def _row(self, pid: int) -> Ancestor:
        row = self._rows.get(pid)
        if row is None:
            attrs: dict[str, Any] = self.g.nodes[pid] if pid in self.g else {"missing": True}
            missing = bool(attrs.get("missing"))
            service = None if missing else match_process(
                attrs.get("comm"), attrs.get("command"), self.product, self.catalogue)
            row = self._rows[pid] = Ancestor(pid, None if missing else attrs.get("command"),
                                             service.name if service else None, missing)
        return row

    def ancestry(self, ppid: int) -> tuple[tuple[Ancestor, ...], int]:
        """(the chain from the root down to `ppid`, the number of its ancestors left out above its
        first entry): a chain deeper than `shared` starts at the first process an earlier call
        listed, so chains that share a trunk write it once."""
        if self.depth(ppid) < 0:
            return tuple(ancestry(self.g, ppid, self.product, self.catalogue)), 0
        chain = [ppid]
        cut = self.depth(ppid) >= self.shared
        current = self._parent(ppid)
        while current is not None and not (cut and chain[-1] in self._listed):
            chain.append(current)
            current = self._parent(current)
        self._listed.update(chain)
        top = chain[-1]
        return tuple(self._row(pid) for pid in reversed(chain)), max(self.depth(top), 0)

    def owner(self, ppid: int) -> Owner:
        """`find_owner(g, ppid, ...)`, its `path` cut to `PATH_KEPT`."""
        g = self.g
        if ppid == 1 or ppid not in g or g.nodes[ppid].get("missing") or self.depth(ppid) < 0:
            return find_owner(g, ppid, self.product, self.catalogue, self.peers)
        found = self._look(ppid)
        if found is None or found.kind == "next":
            parent = self._parent(ppid)
            above = self._walk(parent) if parent is not None else _Found("unknown")
            not_peer = found.not_peer if found is not None else None
            found = replace(above, not_peer=(not_peer or above.not_peer) if above.kind in (
                "service", "unknown") else above.not_peer, looked=above.looked + 1)
        path: list[int] = []
        current: int | None = ppid
        while current is not None and len(path) < min(found.looked, PATH_KEPT):
            path.append(current)
            current = self._parent(current)
        return Owner(found.kind, pid=found.pid, service=found.service, special=found.special,
                     path=tuple(path), host=found.host, host_source=found.host_source,
                     not_peer=found.not_peer)

    def _look(self, pid: int) -> _Found | None:
        """This process as an owner: a special case or a service (`kind` "next" with `not_peer` when
        a special case's target is no cluster node), or None to look further up."""
        attrs = self.g.nodes[pid]
        comm, command = attrs.get("comm"), attrs.get("command")
        rule = match_special(comm, command, self.product, self.catalogue)
        not_peer = None
        if rule is not None:
            host = host_argument(command) if rule.requires_host else None
            if host is None:
                return _Found("special", pid=pid, special=rule, looked=1)
            if self.peers is None:
                return _Found("unconfirmed", pid=pid, special=rule, host=host, looked=1)
            if _is_peer(host, self.peers):
                return _Found("special", pid=pid, special=rule, host=host,
                              host_source=_peer_source(host, self.peers), looked=1)
            not_peer = host
        service = match_process(comm, command, self.product, self.catalogue)
        if service is not None:
            return _Found("service", pid=pid, service=service, not_peer=not_peer, looked=1)
        return _Found("next", not_peer=not_peer) if not_peer else None

    def _stops(self, pid: int) -> bool:
        if pid == 1 or pid not in self.g:
            return True
        attrs: dict[str, Any] = self.g.nodes[pid]
        if attrs.get("missing"):
            return True
        name = (attrs.get("comm") or "").rstrip("+")
        stops = self.catalogue.walk_stops
        return name in stops or command_name(attrs.get("command")) in stops

    def _walk(self, start: int) -> _Found:
        """Where the walk from the ancestor `start` up ends, each step taken once over all calls."""
        climbed: list[tuple[int, str | None]] = []
        current: int | None = start
        result = _Found("unknown")
        while True:
            if current is None:
                break
            if current in self._above:
                result = self._above[current]
                break
            if self._stops(current):
                result = self._above[current] = _Found("unknown")
                break
            found = self._look(current)
            if found is not None and found.kind != "next":
                result = self._above[current] = found
                break
            climbed.append((current, found.not_peer if found is not None else None))
            current = self._parent(current)
        for pid, not_peer in reversed(climbed):
            carried = (not_peer or result.not_peer) if result.kind in ("service", "unknown") else None
            result = self._above[pid] = replace(result, not_peer=carried, looked=result.looked + 1)
        return result
