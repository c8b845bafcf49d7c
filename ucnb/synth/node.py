"""Simulating a node: boot, daemons, Service Manager and its services, the CLI session, restarts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .desc import NodeDesc, Seed
from .platform import daemon_defs, kernel_thread_names
from .procs import MIN_PID_RATE, PID_MAX, PID_WRAP, PidClock, Proc, ts, unwrap_after
from .services import JAVA, PROFILES, ProcDef, services_of


@dataclass
class NodeState:
    desc: NodeDesc
    rng: random.Random
    boot: datetime
    clock: PidClock
    procs: dict[int, Proc] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)
    reserved: set[int] = field(default_factory=set)
    mem_total: int = 0
    swap_total: int = 0
    cli_java: int = 0  # PID of the admin CLI's java (parent of top/ps)
    loads: tuple[float, float, float] = (0.5, 0.5, 0.5)
    mem_used: float = 0.7  # fractions of mem_total: used by processes, buffers + cache (rest free)
    mem_cache: float = 0.2
    swap_used: int = 0
    pending_reboot: datetime | None = None
    pending: list[Proc] = field(default_factory=list)  # zombies that appear after the CLI login

    def release(self, when: datetime) -> None:
        """Let the pending zombies whose time has come appear (a leak that grows between captures)."""
        for proc in [p for p in self.pending if p.start <= when]:
            self.pending.remove(proc)
            self.add(proc)

    def alloc(self, when: datetime) -> int:
        pid = self.clock.at(when)
        while pid in self.used or pid in self.reserved:
            pid += 1
            if pid >= PID_MAX:
                pid = PID_WRAP
        self.used.add(pid)
        return pid

    def add(self, proc: Proc) -> Proc:
        assert proc.pid not in self.procs, proc
        self.used.add(proc.pid)
        self.procs[proc.pid] = proc
        return proc

    def sized(self, profile: str) -> tuple[int, int, int]:
        (v0, v1), (r0, r1), (s0, s1) = PROFILES[profile]
        virt = self.rng.randint(v0, v1)
        res = self.rng.randint(r0, r1)
        shr = self.rng.randint(s0, min(s1, res))
        if profile == "db":  # Informix virtual processors share the instance's segments
            shr = res - self.rng.randint(1_800, 9_500)
        return virt, res, shr


def make_clock(desc: NodeDesc, boot: datetime, with_seed: bool) -> PidClock:
    anchors: list[tuple[datetime, int]] = [
        (boot, 1),
        (boot + timedelta(seconds=40), 380),
        (boot + timedelta(minutes=6), desc.boot_pids),
    ]
    seed = desc.seed if with_seed else None
    if seed is not None:
        points = []
        if seed.parent_start is not None:
            points.append((ts(seed.parent_start), seed.parent_pid))
        else:  # at boot: between the two boot anchors
            anchors.insert(2, (boot + timedelta(minutes=4), seed.parent_pid))
        points += [(ts(t), pid) for t, pid in zip(seed.zombie_starts, seed.zombie_pids, strict=True)]
        for more in desc.more_seeds:  # read off the same counter: their points interleave in time
            assert more.parent_start is not None, "another parent with zombies starts after boot"
            points.append((ts(more.parent_start), more.parent_pid))
            points += [(ts(t), pid) for t, pid in zip(more.zombie_starts, more.zombie_pids, strict=True)]
        for when, pid in sorted(points) if desc.more_seeds else points:
            t0, u0 = anchors[-1]
            min_gap = max(1, int((when - t0).total_seconds() / 86400 * MIN_PID_RATE))
            anchors.append((when, unwrap_after(pid, u0, min_gap)))
    return PidClock(anchors, desc.pid_rate)


def build_node(
    desc: NodeDesc, boot: datetime | None = None, cli_at: datetime | None = None, rng_seed: int | None = None
) -> NodeState:
    """Simulate the processes of a node; `cli_at`: when the admin CLI session logged in."""
    rng = random.Random(desc.rng_seed if rng_seed is None else rng_seed)
    with_seed = boot is None
    boot = ts(desc.boot) if boot is None else boot
    state = NodeState(desc=desc, rng=rng, boot=boot, clock=make_clock(desc, boot, with_seed))
    state.mem_total = desc.mem_mib * 1024 - rng.randint(150_000, 210_000)
    state.swap_total = rng.choice([2_064_376, 4_095_996, 4_194_300])
    base = rng.uniform(0.25, 0.9)
    state.loads = (base * rng.uniform(0.8, 1.2), base * rng.uniform(0.9, 1.1), base)
    state.mem_used = rng.uniform(0.66, 0.78)
    state.mem_cache = rng.uniform(0.14, 0.24)
    state.swap_used = rng.randint(0, 180_000) if (cli_at or boot) - boot > timedelta(days=2) else 0
    seed = desc.seed if with_seed else None
    seeds = (seed, *desc.more_seeds) if seed is not None else ()
    for one in seeds:
        state.reserved.update((one.parent_pid, *one.zombie_pids))
    _kernel(state)
    _kworkers(state, cli_at)
    t = _daemons(state)
    servm, t = _service_manager(state, t)
    _services(state, servm, t, seeds)
    if desc.product == "IMnP":
        _timesten(state)
    if seed is not None and seed.parent == "sftp":
        _sftp_parent(state, seed)
    for one in seeds:
        _seed_zombies(state, one, cli_at)
    if cli_at is not None:
        login(state, cli_at)
    return state


def _kernel(state: NodeState) -> None:
    """PID 1 and the kernel threads."""
    rng, desc, boot, gen = state.rng, state.desc, state.boot, state.desc.gen
    if gen == "new":
        init = Proc(
            1,
            0,
            "root",
            "systemd",
            "/usr/lib/systemd/systemd --switched-root --system --deserialize 22",
            boot,
            stat="Ss",
            load=0.02,
            wchan="ep_pol",
        )
    else:
        init = Proc(1, 0, "root", "init", "/sbin/init", boot, stat="Ss", load=0.001, wchan="poll_s")
    init.virt, init.res, init.shr = (
        (rng.randint(125_000, 195_000), rng.randint(3_800, 6_900), 2_600)
        if gen == "new"
        else (19_356, rng.randint(1_300, 1_600), 1_180)
    )
    state.add(init)
    pid = 2
    for comm, stat, wchan in kernel_thread_names(gen, desc.cpus):
        rt = comm.startswith(("migration/", "watchdog/"))
        ni = -20 if "<" in stat else (5 if comm in ("ksmd",) else (19 if comm == "khugepaged" else 0))
        load = 0.01 if comm.startswith(("rcu_sched", "ksoftirqd", "kworker", "events/")) else 0.0
        state.add(
            Proc(
                pid,
                0 if comm == "kthreadd" else 2,
                "root",
                comm,
                f"[{comm}]",
                boot,
                stat=stat,
                ni=ni,
                rt=rt,
                kernel=True,
                load=load * rng.uniform(0.2, 1.5),
                wchan=wchan,
            )
        )
        pid += rng.choice([1, 1, 1, 1, 2])


def _kworkers(state: NodeState, cli_at: datetime | None) -> None:
    """kworkers come and go: a few recent ones with late PIDs."""
    rng, desc, boot = state.rng, state.desc, state.boot
    late_end = cli_at if cli_at is not None else boot + timedelta(days=1)
    late_start = max(boot + timedelta(minutes=10), late_end - timedelta(days=2))
    for n in range(rng.randint(4, 8)):
        when = rng_time(rng, late_start, late_end - timedelta(minutes=5))
        cpu = rng.randrange(desc.cpus)
        state.add(
            Proc(
                state.alloc(when),
                2,
                "root",
                f"kworker/{cpu}:{n + 2}",
                f"[kworker/{cpu}:{n + 2}]",
                when,
                kernel=True,
                wchan="worker",
                load=0.005,
            )
        )


def _daemons(state: NodeState) -> datetime:
    """The platform daemons (parent PID 1); returns when Service Manager starts."""
    rng, desc, boot, gen = state.rng, state.desc, state.boot, state.desc.gen
    t = boot + timedelta(seconds=22)
    for comm, args, user, stat, profile, load in daemon_defs(gen, desc.product):
        t += timedelta(seconds=rng.uniform(0.3, 3.0))
        proc = state.add(
            Proc(state.alloc(t), 1, user, comm, args, t, stat=stat, load=load * rng.uniform(0.5, 1.5))
        )
        proc.virt, proc.res, proc.shr = state.sized(profile)
        if comm == "udevd":
            for _ in range(2):
                child = state.add(
                    Proc(
                        state.alloc(t + timedelta(seconds=2)),
                        proc.pid,
                        "root",
                        "udevd",
                        args,
                        t + timedelta(seconds=2),
                        stat="S<",
                    )
                )
                child.virt, child.res, child.shr = proc.virt, proc.res // 3, proc.shr // 2
        if comm == "master":
            for name in ("qmgr", "pickup"):
                started = (
                    t + timedelta(seconds=1)
                    if name == "qmgr"
                    else rng_time(rng, boot, boot + timedelta(days=1))
                )
                child = state.add(
                    Proc(
                        state.alloc(started),
                        proc.pid,
                        "postfix",
                        name,
                        f"{name} -l -t {'unix' if name == 'qmgr' else 'fifo'} -u",
                        started,
                        stat="S",
                    )
                )
                child.virt, child.res, child.shr = state.sized("small")
    t += timedelta(seconds=30)
    return t


def _service_manager(state: NodeState, t: datetime) -> tuple[Proc, datetime]:
    """Service Manager, the cluster manager and the Informix instances."""
    rng, desc = state.rng, state.desc
    servm = state.add(
        Proc(state.alloc(t), 1, "root", "servM", "/usr/local/platform/bin/servM", t, stat="Ssl", load=0.05)
    )
    servm.virt, servm.res, servm.shr = state.sized("c")
    clm = state.add(
        Proc(
            state.alloc(t + timedelta(seconds=3)),
            1,
            "root",
            "clm",
            "/usr/local/platform/bin/clm/clm",
            t + timedelta(seconds=3),
            stat="Ssl",
            load=0.02,
        )
    )
    clm.virt, clm.res, clm.shr = state.sized("c")
    t += timedelta(seconds=25)
    db_instances(
        state,
        t,
        "cmoninit",
        "/usr/local/cm/bin/cmoninit -w",
        {"CUCM": rng.randint(68, 80), "CUC": rng.randint(58, 64)}.get(desc.product, rng.randint(44, 52)),
    )
    if desc.product == "CUCM" and desc.role == "Publisher":
        db_instances(state, t + timedelta(seconds=40), "caroninit", "/usr/local/cm/bin/caroninit -w", 12)
    t += timedelta(seconds=60)
    return servm, t


def _services(state: NodeState, servm: Proc, t: datetime, seeds: tuple[Seed, ...]) -> None:
    """The services Service Manager starts (the seeds' parents at their PIDs and times)."""
    rng, desc, boot, gen = state.rng, state.desc, state.boot, state.desc.gen
    for service in services_of(desc.product, desc.role, gen):
        if service.state != "run" or service.proc is None or service.name in desc.out_of_service:
            continue
        t += timedelta(seconds=rng.uniform(1.0, 9.0))
        spec = service.proc
        started = t
        fixed = None
        seed = next((one for one in seeds if spec.comm == one.parent), None)
        if seed is not None:
            fixed = seed.parent_pid
            started = ts(seed.parent_start) if seed.parent_start else boot + timedelta(minutes=4)
        master = start_service(state, spec, started, servm.pid, fixed)
        for _ in range(spec.instances - 1):
            worker = state.add(
                Proc(
                    state.alloc(started + timedelta(seconds=1)),
                    master.pid,
                    spec.user,
                    spec.comm,
                    spec.args,
                    started + timedelta(seconds=1),
                    stat="Sl",
                    load=spec.load * rng.uniform(0.3, 1.0),
                )
            )
            worker.virt, worker.res, worker.shr = state.sized(spec.profile)
        if spec.comm == "tomcat":  # tomcat's helper that rotates its logs
            helper_at = started + timedelta(seconds=20)
            helper = state.add(
                Proc(
                    state.alloc(helper_at),
                    master.pid,
                    "tomcat",
                    "rotatelogs",
                    "/usr/sbin/rotatelogs /var/log/active/tomcat/logs/catalina.out 10M",
                    helper_at,
                    stat="S",
                    load=0.0,
                )
            )
            helper.virt, helper.res, helper.shr = state.sized("tiny")


def _timesten(state: NodeState) -> None:
    """IM&P: the TimesTen main daemon and its helpers (the datastores are services)."""
    boot = state.boot
    t_tt = boot + timedelta(minutes=2, seconds=10)
    main = state.add(
        Proc(
            state.alloc(t_tt),
            1,
            "timesten",
            "timestend",
            "/usr/local/timesten/bin/timestend -initfd 15",
            t_tt,
            stat="Sl",
            load=0.05,
        )
    )
    main.virt, main.res, main.shr = state.sized("c")
    for name in ("timestensubd", "timestensubd", "timestensubd", "timestenrepd"):
        helper = state.add(
            Proc(
                state.alloc(t_tt + timedelta(seconds=2)),
                main.pid,
                "timesten",
                name,
                f"/usr/local/timesten/bin/{name} -verbose -id 0",
                t_tt + timedelta(seconds=2),
                stat="Sl",
                load=0.02,
            )
        )
        helper.virt, helper.res, helper.shr = state.sized("c")


def _sftp_parent(state: NodeState, seed: Seed) -> None:
    """The IM&P peer SFTP connection of example 5, orphaned under PID 1."""
    rng, desc = state.rng, state.desc
    assert seed.parent_start is not None, "the SFTP connection opens after boot: it has a start"
    started = ts(seed.parent_start)
    peer = f"{desc.peer}.{desc.domain}"
    sftp = state.add(
        Proc(
            seed.parent_pid,
            1,
            "root",
            "sftp",
            f"/usr/bin/sftp -oPort=22 -oBatchMode=yes -oConnectTimeout=30 -b "
            f"/tmp/.sftp_batch.{rng.randint(10000, 99999)} adminsftp@{peer}",
            started,
            stat="S",
            load=0.0,
            cpu0=0.01,
            wchan="poll_s",
        )
    )
    sftp.virt, sftp.res, sftp.shr = 135_412, 2_288, 1_736


def _seed_zombies(state: NodeState, seed: Seed, cli_at: datetime | None) -> None:
    """The seed's zombies; those that start after the CLI login wait in `state.pending`."""
    rng = state.rng
    parent = state.procs[seed.parent_pid]
    for pid, when in zip(seed.zombie_pids, seed.zombie_starts, strict=True):
        zombie = Proc(
            pid,
            parent.pid,
            parent.user,
            seed.zombie_comm,
            f"[{seed.zombie_comm}] <defunct>",
            ts(when),
            state="Z",
            cpu0=seed.zombie_cpu * rng.uniform(0.5, 1.5),
            wchan="-",
        )
        if cli_at is not None and zombie.start > cli_at:
            state.pending.append(zombie)
        else:
            state.add(zombie)


def rng_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=int(rng.uniform(0, max(1.0, (end - start).total_seconds()))))


def db_instances(state: NodeState, t: datetime, comm: str, args: str, count: int) -> None:
    """An Informix instance: a master (parent PID 1) and its virtual processors."""
    master = state.add(Proc(state.alloc(t), 1, "informix", comm, args, t, stat="S<s", ni=-10, load=0.6))
    master.virt, master.res, master.shr = state.sized("db")
    for n in range(count - 1):
        when = t + timedelta(seconds=1 + n // 8)
        proc = state.add(
            Proc(
                state.alloc(when),
                master.pid,
                "informix" if n % 9 else "root",
                comm,
                args,
                when,
                stat="S<",
                ni=-10,
                load=state.rng.uniform(0.01, 0.5),
            )
        )
        proc.virt, proc.res, proc.shr = state.sized("db")


def start_service(state: NodeState, spec: ProcDef, when: datetime, servm: int, fixed: int | None) -> Proc:
    pid = fixed if fixed is not None else state.alloc(when)
    proc = state.add(
        Proc(
            pid,
            servm,
            spec.user,
            spec.comm,
            spec.args,
            when,
            stat=spec.stat,
            load=spec.load * state.rng.uniform(0.7, 1.3),
            busy=spec.load,
            wchan="futex_"
            if spec.profile in ("java", "jbig")
            else state.rng.choice(["poll_s", "ep_pol", "hrtime"]),
        )
    )
    proc.virt, proc.res, proc.shr = state.sized(spec.profile)
    return proc


def login(state: NodeState, when: datetime) -> None:
    """The admin CLI session: sshd -> cliscript.sh -> java CLI (nice 10); drops an older session."""
    for proc in list(state.procs.values()):
        if proc.tty.startswith("pts/") or proc.args.startswith("sshd: "):
            del state.procs[proc.pid]
    user = state.desc.cli_user
    sshd = next(p for p in state.procs.values() if p.comm == "sshd" and p.ppid == 1)
    priv = state.add(
        Proc(state.alloc(when), sshd.pid, "root", "sshd", f"sshd: {user} [priv]", when, stat="Ss")
    )
    t1 = when + timedelta(seconds=1)
    sess = state.add(Proc(state.alloc(t1), priv.pid, user, "sshd", f"sshd: {user}@pts/0", t1, stat="S"))
    shell = state.add(
        Proc(
            state.alloc(t1),
            sess.pid,
            user,
            "cliscript.sh",
            "/bin/bash /usr/local/platform/bin/cliscript.sh",
            t1,
            stat="Ss+",
            tty="pts/0",
            wchan="do_wai",
        )
    )
    java = state.add(
        Proc(
            state.alloc(t1),
            shell.pid,
            user,
            "java",
            f"{JAVA} -Xms32m -Xmx256m -XX:+UseSerialGC -Djava.library.path=/usr/local/lib "
            f"-Dcli.user={user} -cp /usr/local/platform/jar/cli.jar:/usr/local/platform/jar/"
            f"platform-api.jar com.cisco.iptplatform.cli.CLI",
            t1,
            stat="SNl+",
            ni=10,
            tty="pts/0",
            cpu0=4.2,
            load=0.05,
            wchan="futex_",
        )
    )
    for proc, profile in ((priv, "small"), (sess, "small"), (shell, "tiny"), (java, "java")):
        proc.virt, proc.res, proc.shr = state.sized(profile)
    java.res //= 3
    state.cli_java = java.pid


def restart_service(state: NodeState, display: str, when: datetime) -> None:
    """What `utils service restart` does: the service's processes (and their children) go, new ones come."""
    spec = next(
        s.proc for s in services_of(state.desc.product, state.desc.role, state.desc.gen) if s.name == display
    )
    assert spec is not None
    servm = next(p.pid for p in state.procs.values() if p.comm == "servM")
    doomed = {p.pid for p in state.procs.values() if p.comm == spec.comm and p.ppid == servm}
    changed = True
    while changed:
        children = {p.pid for p in state.procs.values() if p.ppid in doomed} - doomed
        changed = bool(children)
        doomed |= children
    for pid in doomed:
        del state.procs[pid]
    fresh = start_service(state, spec, when + timedelta(seconds=state.rng.randint(6, 14)), servm, None)
    fresh.cpu0 = state.rng.uniform(3.0, 20.0)  # the start-up itself costs CPU


def reboot(state: NodeState, when: datetime, capture: datetime) -> NodeState:
    """`utils system restart`: a new boot, new PIDs, a fresh CLI session at `capture`."""
    boot = when + timedelta(seconds=state.rng.randint(150, 230))
    return build_node(
        state.desc, boot=boot, cli_at=capture - timedelta(seconds=40), rng_seed=state.desc.rng_seed + 1
    )
