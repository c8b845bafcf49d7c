"""One node's capture for a product, a leaking service and a seed: practice exercises, fleet data.

`node_capture(product, service, seed)` draws everything a real capture varies from `seed`: host
name, version (and with it the procps generation), size, uptime (long ones wrap the PID counter),
listing flavours, file layout (one file per command, a session log, a raw PuTTY log), the parent's
start and the zombies' PIDs. The node is then simulated and rendered by the same code as the
samples, and the result carries its answer key.

>>> cap = node_capture("CUCM", "Cisco AMC Service", seed=7, zombies=2)
>>> (cap.service, len(cap.zombie_pids), cap.action)
('Cisco AMC Service', 2, 'restart_service')
>>> node_capture("CUCM", "Cisco AMC Service", seed=7, zombies=2).files == cap.files
True
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .desc import FileSpec, NodeDesc, Seed
from .node import build_node
from .procs import PID_MAX, PidClock, wrap
from .services import ServiceDef, services_of
from .terminal import render_capture

PRODUCTS = ("CUCM", "IMnP", "CUC")
SFTP_PEER = "sftp"  # `service=SFTP_PEER`: the IM&P case of an SFTP connection to the peer node (IMnP)

# product -> procps generation -> versions seen in the field
VERSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "CUCM": {
        "old": ("10.5.2.21900-13", "11.5.1.21900-40", "11.5.1.23900-30"),
        "new": ("12.5.1.14900-63", "12.5.1.17900-64", "14.0.1.12900-161", "14.0.1.13900-155"),
    },
    "IMnP": {"old": ("11.5.1.22900-6",), "new": ("12.5.1.14900-4", "14.0.1.12900-5", "14.0.1.13900-8")},
    "CUC": {"old": ("11.5.1.12900-21", "11.5.1.22900-5"), "new": ("12.5.1.14900-51", "14.0.1.10000-33")},
}
OS_VERSION = {"old": "6.0.0.0-2", "new": "7.0.0.0-4"}
HOST_PREFIX = {"CUCM": "cucm", "IMnP": "imp", "CUC": "cuc"}
CLUSTER_TYPE = {"CUCM": "callmanager", "IMnP": "cups", "CUC": "cuc"}
SITES = ("", "", "lon-", "nyc-", "fra-", "syd-", "tor-", "sgp-", "par-")
DOMAINS = ("corp.example.com", "uc.example.net", "voice.example.org", "collab.example.com")
TIMEZONES = (
    "Coordinated Universal Time (Etc/UTC)",
    "Central European Time (Europe/Berlin)",
    "Eastern Standard Time (America/New_York)",
    "Pacific Standard Time (America/Los_Angeles)",
    "Australian Eastern Daylight Time (Australia/Sydney)",
)
CLI_USERS = ("admin", "administrator", "ccmadmin", "platformadmin", "uccadmin")
CHILDREN = ("sh", "sh", "sh", "bash", "awk", "sed", "grep", "perl", "python", "rsync", "gzip", "tar")


@dataclass(frozen=True)
class NodeCapture:
    """A generated node capture and what it shows (the answer key).

    files: file name -> bytes (no folder). service: display name owning the zombies (None on a
    clean node and for the SFTP case). ppid: their parent (None on a clean node). action: what
    `ucnb analyze` should recommend: `restart_service`, `reboot` (SFTP to the peer) or `none`.
    zombie_counts: the zombie count of each `show process load` snapshot, oldest first.
    """

    host: str
    product: str
    role: str
    version: str
    service: str | None
    zombie_pids: tuple[int, ...]
    ppid: int | None
    action: str
    command: str | None
    captured_at: datetime
    zombie_counts: tuple[int, ...]
    peer: str
    files: dict[str, bytes]
    other_groups: tuple[OtherGroup, ...] = ()  # with `also`: the other parent and its zombies


@dataclass(frozen=True)
class OtherGroup:
    """Another zombie group of the node (`node_capture(also=...)`): its parent, zombies, service."""

    ppid: int
    zombie_pids: tuple[int, ...]
    service: str


def zombie_services(product: str, role: str = "Subscriber", gen: str = "new") -> list[ServiceDef]:
    """The services of a node that run a process of their own (a parent for zombies).

    >>> [s.name for s in zombie_services("CUC")][:2]
    ['A Cisco DB Replicator', 'Cisco AMC Service']
    """
    return [s for s in services_of(product, role, gen) if s.state == "run" and s.proc is not None]


def _runs(product: str, service: str, gen: str) -> bool:
    return any(s.name == service for s in zombie_services(product, "Publisher", gen))


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _layout(
    rng: random.Random, host: str, product: str, snapshots: int, interval: int, listing: bool = True
) -> tuple:
    """The files of the capture: which commands, in which files, written how (without the process
    listings when `listing` is False; the same draws, so the other files do not change)."""
    commands = ["show status"]
    if product == "IMnP" or rng.random() < 0.4:
        commands.append("show network cluster")
    if rng.random() < 0.3:
        commands.append("show version active")
    load = "show process load num all"
    if rng.random() < 0.3:
        commands.append("show process load")
    commands.append(load)
    if rng.random() < 0.5:
        commands.append("show process list")
    commands += ["show process list detail", "utils service list"]
    layout = rng.choice(("files", "files", "session", "putty")) if snapshots == 1 else "files"
    if layout == "session":
        name = rng.choice((f"{host}_session.txt", f"cli_{host}.log", f"{host}.txt"))
        specs = [FileSpec(name, tuple(commands))]
    elif layout == "putty":
        specs = [FileSpec(f"putty_{host}.log", tuple(commands), "putty")]
    else:
        scheme = rng.choice(("plain", "short", "host"))
        specs = []
        for command in commands:
            words = command.split()
            stem = {"plain": "_".join(words), "short": "_".join(w[:4] for w in words), "host": None}[scheme]
            stem = stem or f"{host}_{'_'.join(words)}"
            style = "file" if command.startswith("show process") and rng.random() < 0.5 else "session"
            specs.append(FileSpec(f"{stem}.txt", (command,), style))
    if snapshots > 1:  # the load captures first, `interval` minutes apart, then the rest
        loads = [
            FileSpec(f"load_{n + 1}.txt", (load,), "file", interval if n else 0) for n in range(snapshots)
        ]
        specs = loads + [s for s in specs if s.commands != (load,)]
    if not listing:
        dropped = ("show process list", "show process list detail")
        specs = [replace(s, commands=tuple(c for c in s.commands if c not in dropped)) for s in specs]
        specs = [s for s in specs if s.commands]
    return tuple(specs)


def _generation(
    rng: random.Random, product: str, service: str | None, version: str | None
) -> tuple[str, str]:
    """(procps generation, version): from the version when given, else drawn (new twice as often)
    among the generations that run `service`."""
    if version is not None:
        return ("old" if version.split(".")[0] in ("10", "11") else "new"), version
    gens = [g for g in ("old", "new") if service in (None, SFTP_PEER) or _runs(product, service, g)]
    gens = gens or ["new"]  # a service no generation runs: named in the error of _leaking_service
    gen = rng.choice(gens + ["new"] * ("new" in gens))
    return gen, rng.choice(VERSIONS[product][gen])


def _leaking_service(product: str, service: str | None, gen: str, role: str | None) -> ServiceDef | None:
    """The service whose process gets the zombies (None: a clean node or the SFTP case); a
    ValueError names what is wrong with the request."""
    if service == SFTP_PEER:
        if product != "IMnP":
            raise ValueError("the SFTP peer case is an IM and Presence case (product IMnP)")
        return None
    if service is None:
        return None
    spec = next((s for s in zombie_services(product, "Publisher", gen) if s.name == service), None)
    if spec is None or spec.proc is None:
        names = ", ".join(s.name for s in zombie_services(product, "Publisher", gen))
        raise ValueError(f"{service!r} runs no process of its own on {product}; one of: {names}")
    if role == "Subscriber" and spec.where == "pub":
        raise ValueError(f"{service} runs on the publisher only")
    return spec


def _remedy(service: str | None) -> tuple[str, str | None]:
    """(action, command) that clears the zombies of `service`."""
    if service == SFTP_PEER:
        return "reboot", "utils system restart"
    if service is not None:
        return "restart_service", f"utils service restart {service}"
    return "none", None


def node_capture(
    product: str = "CUCM",
    service: str | None = None,
    seed: int = 0,
    *,
    zombies: int | None = None,
    snapshots: int = 1,
    interval_min: int = 30,
    growing: bool = False,
    host: str | None = None,
    role: str | None = None,
    version: str | None = None,
    captured_at: datetime | None = None,
    listing: bool = True,
    also: str | None = None,
) -> NodeCapture:
    """Generate one node's capture; same arguments, same bytes.

    service: the display name of a service of `product` that runs a process (`zombie_services`),
    `SFTP_PEER` (IMnP), or None for a clean node. zombies: how many are defunct at the last
    capture (default 1 to 4). snapshots > 1: that many `show process load num all` files,
    `interval_min` apart; with `growing`, the zombies appear one after the other between them.
    listing False: no `show process list [detail]` (only the counts of `show process load`).
    also: a second service of `product` whose process has zombies too (1 to 3; two groups).
    """
    if product not in PRODUCTS:
        raise ValueError(f"product must be one of {', '.join(PRODUCTS)}, not {product!r}")
    rng = random.Random(f"ucnb.synth/{product}/{service}/{seed}")
    gen, version = _generation(rng, product, service, version)
    spec = _leaking_service(product, service, gen, role)
    role = role or ("Publisher" if (spec and spec.where == "pub") or rng.random() < 0.35 else "Subscriber")
    site = rng.choice(SITES)
    number = rng.randint(1, 4)
    prefix = HOST_PREFIX[product]
    host = host or (f"{site}{prefix}-pub" if role == "Publisher" else f"{site}{prefix}-sub{number}")
    captured_at = captured_at or datetime(2026, 1, 5, 6, 0) + timedelta(minutes=rng.randint(0, 320 * 24 * 60))
    boot = captured_at - timedelta(
        days=rng.choice((2, 9, 25, 47, 90, 160, 230, 310)), minutes=rng.randint(0, 1439)
    )
    net = f"10.{rng.randint(1, 250)}.{rng.randint(0, 250)}"
    pub, peer_host = f"{site}{prefix}-pub", f"{site}{prefix}-sub{number if role == 'Publisher' else 0}"
    peer_host = peer_host if role == "Publisher" else pub
    cluster = _cluster(net, product, pub, {host, pub, peer_host})
    window = timedelta(minutes=interval_min * (snapshots - 1))
    first_capture = captured_at - window
    count = (zombies if zombies is not None else rng.randint(1, 4)) if service is not None else 0
    desc = _node_desc(rng, host, product, role, version, gen, boot, cluster,
                      peer_host if service == SFTP_PEER else "")
    seed_case = None
    if service is not None:
        seed_case = _seed_case(rng, desc, boot, first_capture, captured_at, spec, count, growing)
        desc = replace(desc, seed=seed_case)
    others: list[OtherGroup] = []
    if also is not None:
        desc, second = _second_group(rng, desc, spec, seed_case, also, boot, first_capture, captured_at,
                                     growing)
        others.append(second)
    files = _layout(rng, host, product, snapshots, interval_min, listing)
    state = build_node(desc, cli_at=first_capture - timedelta(seconds=rng.randint(30, 90)))
    texts, _ = render_capture(state, files, first_capture)
    counts = _counts(seed_case, first_capture, interval_min, snapshots)
    for more in desc.more_seeds:  # the second group's zombies are counted too
        counts = tuple(a + b for a, b in zip(counts, _counts(more, first_capture, interval_min, snapshots),
                                             strict=True))
    action, command = _remedy(service)
    return NodeCapture(
        host=host,
        product=product,
        role=role,
        version=version,
        service=None if service == SFTP_PEER else service,
        zombie_pids=tuple(sorted(seed_case.zombie_pids)) if seed_case else (),
        ppid=seed_case.parent_pid if seed_case else None,
        action=action,
        command=command,
        captured_at=captured_at,
        zombie_counts=counts,
        peer=desc.peer,
        files={name: text.encode("utf-8") for name, text in texts.items()},
        other_groups=tuple(others),
    )


def _second_group(rng: random.Random, desc: NodeDesc, spec: ServiceDef | None, seed_case: Seed | None,
                  also: str, boot: datetime, first_capture: datetime, captured_at: datetime,
                  growing: bool) -> tuple[NodeDesc, OtherGroup]:
    """The zombies (1 to 3) of a second service `also` of the node, with processes of its own."""
    other = _leaking_service(desc.product, also, desc.gen, desc.role)
    if seed_case is None or spec is None or other is None or other.proc is None or spec.proc is None \
            or other.proc.comm == spec.proc.comm:
        raise ValueError(f"{also!r}: a second group needs two services with processes of their own")
    taken = {seed_case.parent_pid, *seed_case.zombie_pids}
    more = _seed_case(rng, desc, boot, first_capture, captured_at, other, rng.randint(1, 3), growing,
                      boot_share=0.0, taken=taken)
    second = OtherGroup(more.parent_pid, tuple(sorted(more.zombie_pids)), also)
    return replace(desc, more_seeds=(more,)), second


def _cluster(net: str, product: str, pub: str, members: set[str]) -> tuple[tuple[str, str, str, str], ...]:
    """`show network cluster`'s rows (address, host, role, type), the hosts in name order.

    >>> _cluster("10.1.2", "CUCM", "a-pub", {"a-sub1", "a-pub"})[0]
    ('10.1.2.11', 'a-pub', 'Publisher', 'callmanager')
    """
    return tuple(
        (f"{net}.{11 + n}", name, "Publisher" if name == pub else "Subscriber", CLUSTER_TYPE[product])
        for n, name in enumerate(sorted(members))
    )


def _node_desc(rng: random.Random, host: str, product: str, role: str, version: str, gen: str, boot: datetime,
               cluster: tuple[tuple[str, str, str, str], ...], peer: str) -> NodeDesc:
    """The node's description: what is given, and the rest drawn from `rng` (in this order)."""
    return NodeDesc(
        host=host,
        product=product,
        role=role,
        version=version,
        os_version=OS_VERSION[gen],
        ip=next(ip for ip, name, _, _ in cluster if name == host),
        gen=gen,
        boot=_stamp(boot),
        cpus=rng.choice((2, 4, 4, 8)),
        mem_mib=rng.choice((6144, 8192, 8192, 12288, 16384)),
        cli_user=rng.choice(CLI_USERS),
        timezone=rng.choice(TIMEZONES),
        detail=rng.choice(("ef", "ef", "elf")),
        forest=rng.choice(("cmd", "user", "axjf")),
        rng_seed=rng.randrange(1 << 30),
        boot_pids=rng.randint(4800, 9800),
        pid_rate=rng.randint(450, 2400),
        blank_before_header=rng.random() < 0.8,
        cluster=cluster,
        domain=rng.choice(DOMAINS),
        peer=peer,
    )


def _seed_case(
    rng: random.Random,
    desc: NodeDesc,
    boot: datetime,
    first: datetime,
    last: datetime,
    spec: ServiceDef | None,
    count: int,
    growing: bool,
    *,
    boot_share: float = 0.3,
    taken: set[int] | frozenset[int] = frozenset(),
) -> Seed:
    """The parent and its zombies, their PIDs read off the node's own PID counter at their times
    (`boot_share`: how often the parent runs since boot; `taken`: PIDs another seed holds)."""
    clock = PidClock(
        [(boot, 1), (boot + timedelta(seconds=40), 380), (boot + timedelta(minutes=6), desc.boot_pids)],
        desc.pid_rate,
    )
    unwrapped = PidClock(clock.anchors, desc.pid_rate)
    unwrapped_at = _unwrapped(unwrapped)
    since_boot = spec is not None and rng.random() < boot_share
    if since_boot:
        parent_start = None
        parent_pid = rng.randint(desc.boot_pids // 2, desc.boot_pids - 50)
        start = boot + timedelta(minutes=4)
    else:
        earliest = boot + timedelta(hours=1)
        start = earliest + timedelta(
            seconds=rng.uniform(0, max(60.0, (first - earliest).total_seconds() * 0.8))
        )
        parent_start = _stamp(start)
        parent_pid = wrap(unwrapped_at(start))
        while parent_pid in taken:
            parent_pid = parent_pid + 1 if parent_pid + 1 < PID_MAX else 600
    if growing and last > first:  # one capture: nothing can grow between captures
        span = (start + (last - start) * 0.5, last - timedelta(minutes=2))
        times = [span[0] + (span[1] - span[0]) * (n + 1) / count for n in range(count)]
        if count > 1:  # the first one before the first capture, the rest between the captures
            early = max(start + timedelta(minutes=1), first - timedelta(minutes=rng.randint(5, 600)))
            times = [early] + [first + (last - first) * (n + 0.5) / (count - 1) for n in range(count - 1)]
    else:
        low = start + timedelta(minutes=1)
        times = sorted(
            low + timedelta(seconds=rng.uniform(0, max(60.0, (first - low).total_seconds() - 600)))
            for _ in range(count)
        )
    times = [t.replace(microsecond=0) for t in times]
    for n in range(1, len(times)):  # the PID counter's anchors must follow each other
        times[n] = max(times[n], times[n - 1] + timedelta(seconds=1))
    pids: list[int] = []
    for when in times:
        pid = wrap(unwrapped_at(when))
        if pid < 600:  # the kernel threads hold the lowest PIDs: after a wrap the counter skips them
            pid += 600
        while pid in pids or pid == parent_pid or pid in taken:
            pid = pid + 1 if pid + 1 < PID_MAX else 600
        pids.append(pid)
    return Seed(
        # (spec.proc is None never: _leaking_service gives only services with a process)
        parent=SFTP_PEER if spec is None or spec.proc is None else spec.proc.comm,
        parent_pid=parent_pid,
        parent_start=parent_start,
        zombie_pids=tuple(pids),
        zombie_starts=tuple(_stamp(t) for t in times),
        zombie_comm="ssh" if spec is None else rng.choice(CHILDREN),
        zombie_cpu=round(rng.uniform(0.005, 0.08), 3),
    )


def _unwrapped(clock: PidClock) -> Callable[[datetime], int]:
    """Counter value (not wrapped) at a time, extrapolated past the last anchor at the clock's rate."""

    def at(when: datetime) -> int:
        t_last, u_last = clock.anchors[-1]
        return u_last + int((when - t_last).total_seconds() / 86400 * clock.rate)

    return at


def _counts(seed: Seed | None, first: datetime, interval: int, snapshots: int) -> tuple[int, ...]:
    times = [first + timedelta(minutes=interval * n) for n in range(snapshots)]
    if seed is None:
        return tuple(0 for _ in times)
    starts = [datetime.strptime(s, "%Y-%m-%d %H:%M:%S") for s in seed.zombie_starts]
    return tuple(sum(s <= t for s in starts) for t in times)
