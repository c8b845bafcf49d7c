"""Renderers: one per admin-CLI command, each returns the output lines (procps conventions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from .node import NodeState, restart_service
from .procs import CLI_UID, DAYS, MONTHS, UIDS, Proc
from .services import services_of


def top_user(user: str, gen: str) -> str:
    if len(user) <= 8:
        return user
    return user[:8] if gen == "old" else user[:7] + "+"


def ps_user(user: str, gen: str) -> str:
    if len(user) <= 8:
        return user
    if gen == "old":  # procps 3.2.8 prints the numeric UID when the name does not fit
        return str(UIDS.get(user, CLI_UID))
    return user[:7] + "+"


def top_mem(kib: int, width: int, gen: str) -> str:
    """VIRT/RES/SHR as top scales them to fit the column."""
    plain = str(kib)
    if len(plain) <= width:
        return plain
    value = float(kib)
    for suffix in "mgt":
        value /= 1024.0
        if gen == "old":
            for text in (f"{value:.1f}{suffix}", f"{int(value)}{suffix}"):
                if len(text) <= width:
                    return text
        else:
            text = f"{value:.1f}{suffix}" if suffix == "m" else f"{value:.3f}{suffix}"
            if len(text) <= width:
                return text
    return plain


def top_time(seconds: float) -> str:
    """TIME+: M:SS.hh, or MMMM:SS when the minutes get long.

    >>> top_time(83.456), top_time(600000)
    ('1:23.46', '10000:00')
    """
    hundredths = int(round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    text = f"{minutes}:{rest // 100:02d}.{rest % 100:02d}"
    if len(text) <= 9:
        return text
    return f"{minutes}:{rest // 100:02d}"


def ps_time(seconds: float) -> str:
    """ps TIME: [DD-]HH:MM:SS.

    >>> ps_time(3725), ps_time(90061)
    ('01:02:05', '1-01:01:01')
    """
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    text = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{days}-{text}" if days else text


def bsd_time(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 60}:{total % 60:02d}"


def ps_stime(start: datetime, now: datetime) -> str:
    if now - start < timedelta(hours=24) and start.date() == now.date():
        return start.strftime("%H:%M")
    if start.year == now.year:
        return f"{MONTHS[start.month - 1]}{start.day:02d}"
    return str(start.year)


def uptime_text(boot: datetime, now: datetime, users: int, loads: tuple[float, float, float]) -> str:
    """The uptime part of top's first line and of `show status`, procps style."""
    up = int((now - boot).total_seconds())
    days, rest = divmod(up, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    text = f"up {days} day{'s' if days != 1 else ''}, " if days else "up "
    text += f"{hours:2d}:{minutes:02d}, " if hours else f"{minutes} min, "
    text += f"{users:2d} user{'s' if users != 1 else ''},  load average: "
    text += f"{loads[0]:.2f}, {loads[1]:.2f}, {loads[2]:.2f}"
    return text


def long_date(when: datetime) -> str:
    return f"{DAYS[when.weekday()]} {MONTHS[when.month - 1]} {when.day:02d}, {when.year} {when:%H:%M:%S}"


def ctime(when: datetime) -> str:
    return f"{DAYS[when.weekday()]} {MONTHS[when.month - 1]} {when.day:2d} {when:%H:%M:%S} {when.year}"


def transient(state: NodeState, comm: str, args: str, when: datetime) -> Proc:
    """The CLI's own short-lived child (top, ps), niced like its parent."""
    proc = Proc(
        state.alloc(when),
        state.cli_java,
        state.desc.cli_user,
        comm,
        args,
        when,
        state="R",
        stat="RN+",
        ni=10,
        tty="pts/0",
        cpu0=0.01,
        wchan="-",
    )
    proc.virt, proc.res, proc.shr = (157_812, 2_304, 1_628) if comm == "top" else (155_360, 1_872, 1_296)
    return proc


def loads_now(state: NodeState) -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages: the longer the window, the slower they drift."""
    drift = [state.rng.uniform(-1, 1) * step for step in (0.06, 0.02, 0.006)]
    one, five, fifteen = (max(0.01, value + d) for value, d in zip(state.loads, drift, strict=True))
    state.loads = (one, five, fifteen)
    return round(one, 2), round(five, 2), round(fifteen, 2)


def instant_cpu(state: NodeState, proc: Proc) -> float:
    """%CPU over top's interval: multiples of 1/3 (100 Hz ticks over 3 s), mostly 0.0."""
    if proc.zombie:
        return 0.0
    if proc.comm == "top" and proc.state == "R":
        return round(state.rng.randint(3, 12) / 3, 1)
    level = max(proc.busy, proc.load)
    if level <= 0 or state.rng.random() > min(0.95, level / 1.2 + 0.03):
        return 0.0
    return round(state.rng.randint(1, max(1, int((2.2 * level + 0.4) * 3))) / 3, 1)


def memory_now(state: NodeState) -> tuple[int, int, int]:
    """(used by processes, buffers + cache, free) in KiB, drifting a little between commands."""
    total = state.mem_total
    used = int(total * (state.mem_used + state.rng.uniform(-0.004, 0.004)))
    buff_cache = int(total * (state.mem_cache + state.rng.uniform(-0.002, 0.002)))
    return used, buff_cache, total - used - buff_cache


def render_top(state: NodeState, when: datetime, rows: int | None, top: Proc) -> list[str]:
    """One `top -b -n 1` snapshot (both generations)."""
    gen = state.desc.gen
    procs = [*state.procs.values(), top]
    cpu = {p.pid: round(instant_cpu(state, p), 1) for p in procs}
    running = [p for p in procs if p.state == "R"]
    zombies = [p for p in procs if p.zombie]
    users = 1
    up = uptime_text(state.boot, when, users, loads_now(state))
    total_cpu = sum(cpu.values()) / state.desc.cpus
    us = min(60.0, round(total_cpu * 0.72 + state.rng.uniform(0.5, 2.0), 1))
    sy = round(total_cpu * 0.22 + state.rng.uniform(0.3, 1.2), 1)
    ni_ = round(state.rng.uniform(0.0, 0.4), 1)
    wa = round(state.rng.uniform(0.0, 0.6), 1)
    si = round(state.rng.uniform(0.0, 0.2), 1)
    idle = round(100.0 - us - sy - ni_ - wa - si, 1)
    total = state.mem_total
    used_apps, buff_cache, free = memory_now(state)
    swap_used = state.swap_used + state.rng.randint(0, 64) * 4
    lines = [
        f"top - {when:%H:%M:%S} {up}",
        f"Tasks:{len(procs):4d} total,{len(running):4d} running,"
        f"{len(procs) - len(running) - len(zombies):4d} sleeping,{0:4d} stopped,{len(zombies):4d} zombie",
    ]
    if gen == "old":
        buffers = int(buff_cache * 0.07)
        cached = buff_cache - buffers
        lines += [
            f"Cpu(s):{us:5.1f}%us,{sy:5.1f}%sy,{ni_:5.1f}%ni,{idle:5.1f}%id,{wa:5.1f}%wa,{0.0:5.1f}%hi,"
            f"{si:5.1f}%si,{0.0:5.1f}%st",
            f"Mem:{total:10d}k total,{total - free:9d}k used,{free:9d}k free,{buffers:9d}k buffers",
            f"Swap:{state.swap_total:9d}k total,{swap_used:9d}k used,{state.swap_total - swap_used:9d}k free,"
            f"{cached:9d}k cached",
        ]
        header = "  PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND"
    else:
        avail = free + int(buff_cache * 0.7)
        lines += [
            f"%Cpu(s):{us:5.1f} us,{sy:5.1f} sy,{ni_:5.1f} ni,{idle:5.1f} id,{wa:5.1f} wa,{0.0:5.1f} hi,"
            f"{si:5.1f} si,{0.0:5.1f} st",
            f"KiB Mem : {total:8d} total, {free:8d} free, {used_apps:8d} used, {buff_cache:8d} buff/cache",
            f"KiB Swap: {state.swap_total:8d} total, {state.swap_total - swap_used:8d} free, "
            f"{swap_used:8d} used. {avail:8d} avail Mem",
        ]
        header = "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND"
    if state.desc.blank_before_header:
        lines.append("")
    lines.append(header)
    ordered = sorted(procs, key=lambda p: (-cpu[p.pid], p.pid))
    if rows is not None:
        ordered = ordered[:rows]
    for p in ordered:
        pr = ("RT" if gen == "old" else "rt") if p.rt else str(20 + p.ni)
        mem = p.res / total * 100
        user = top_user(p.user, gen)
        if gen == "old":
            lines.append(
                f"{p.pid:5d} {user:<8} {pr:>3} {p.ni:3d} {top_mem(p.virt, 5, gen):>5} "
                f"{top_mem(p.res, 4, gen):>4} {top_mem(p.shr, 4, gen):>4} {p.state} {cpu[p.pid]:4.1f} "
                f"{mem:4.1f} {top_time(p.cpu_at(when)):>9} {p.comm}"
            )
        else:
            lines.append(
                f"{p.pid:5d} {user:<8} {pr:>3} {p.ni:3d} {top_mem(p.virt, 7, gen):>7} "
                f"{top_mem(p.res, 6, gen):>6} {top_mem(p.shr, 6, gen):>6} {p.state} {cpu[p.pid]:5.1f} "
                f"{mem:4.1f} {top_time(p.cpu_at(when)):>9} {p.comm}"
            )
    return lines


def show_process_load(state: NodeState, when: datetime, command: str) -> list[str]:
    words = command.split()
    rows: int | None = 10
    if "num" in words:
        value = words[words.index("num") + 1]
        rows = None if value == "all" else int(value)
    cont = "cont" in words
    top = transient(state, "top", "top -b -n 1" if not cont else "top -b -d 3", when)
    if not cont:
        return render_top(state, when, rows, top)
    out: list[str] = []
    for n in range(3):
        if n:
            out.append("")
        out += render_top(state, when + timedelta(seconds=3 * n), rows, top)
    out.append("^C")
    return out


def forest_order(state: NodeState, procs: list[Proc]) -> list[tuple[Proc, int]]:
    pids = {p.pid for p in procs}
    children: dict[int, list[Proc]] = {}
    roots = []
    for p in sorted(procs, key=lambda p: p.pid):
        if p.ppid in pids and p.ppid != p.pid:
            children.setdefault(p.ppid, []).append(p)
        else:
            roots.append(p)
    if state.desc.gen == "new":  # procps-ng lists kthreadd's tree first
        roots.sort(key=lambda p: (p.pid != 2, p.pid))
    out: list[tuple[Proc, int]] = []

    def walk(proc: Proc, depth: int) -> None:
        out.append((proc, depth))
        for child in children.get(proc.pid, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


def forest_prefix(depth: int) -> str:
    return "" if depth == 0 else "    " * (depth - 1) + " \\_ "


def sessions(procs: list[Proc]) -> dict[int, tuple[int, int]]:
    """(PGID, SID) per PID: session leaders start their own, the rest inherit from the parent."""
    by_pid = {p.pid: p for p in procs}
    out: dict[int, tuple[int, int]] = {}

    def of(pid: int) -> tuple[int, int]:
        if pid not in out:
            proc = by_pid.get(pid)
            if proc is None or proc.kernel:
                out[pid] = (0, 0)
            elif pid == 1 or "s" in proc.stat:
                out[pid] = (pid, pid)
            else:
                out[pid] = of(proc.ppid)
        return out[pid]

    for p in procs:
        of(p.pid)
    return out


def bsd_stat(p: Proc) -> str:
    if p.zombie:
        return "Z"
    return (p.state + p.stat[1:]) if p.stat else p.state


def show_process_list(state: NodeState, when: datetime, detail: bool) -> list[str]:
    """`show process list` (a forest) or `show process list detail` (ps -ef / ps -elf)."""
    gen = state.desc.gen
    flavour = state.desc.detail if detail else state.desc.forest
    args = {
        "ef": "ps -ef",
        "elf": "ps -elf",
        "cmd": "ps -e -o pid,ppid,stat,cmd --forest",
        "user": "ps -e -o user,pid,ppid,stat,cmd --forest",
        "axjf": "ps axjf",
    }[flavour]
    ps = transient(state, "ps", args, when)
    procs = [*state.procs.values(), ps]
    if flavour == "ef":
        lines = ["UID        PID  PPID  C STIME TTY          TIME CMD"]
        for p in sorted(procs, key=lambda p: p.pid):
            lines.append(
                f"{ps_user(p.user, gen):<8} {p.pid:5d} {p.ppid:5d} {pct(p, when):2d} "
                f"{ps_stime(p.start, when):>5} {p.tty:<8} {ps_time(p.cpu_at(when)):>8} {p.args}"
            )
        return lines
    if flavour == "elf":
        lines = ["F S UID        PID  PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD"]
        for p in sorted(procs, key=lambda p: p.pid):
            flags = 1 if p.kernel else (4 if p.user == "root" else 0)
            pri, ni = ("-40", "-") if p.rt else (str(80 + p.ni), str(p.ni))
            lines.append(
                f"{flags} {p.state} {ps_user(p.user, gen):<8} {p.pid:5d} {p.ppid:5d} {pct(p, when):2d} "
                f"{pri:>3} {ni:>3} - {p.virt // 4:5d} {p.wchan[:6]:<6} {ps_stime(p.start, when):>5} "
                f"{p.tty:<8} {ps_time(p.cpu_at(when)):>8} {p.args}"
            )
        return lines
    ordered = forest_order(state, procs)
    if flavour == "axjf":
        ids = sessions(procs)
        tpgid = ids.get(state.cli_java, (-1, -1))[0]
        lines = [" PPID   PID  PGID   SID TTY      TPGID STAT   UID   TIME COMMAND"]
        for p, depth in ordered:
            pgid, sid = ids[p.pid]
            uid = UIDS.get(p.user, CLI_UID)
            lines.append(
                f"{p.ppid:5d} {p.pid:5d} {pgid:5d} {sid:5d} {p.tty:<8} "
                f"{tpgid if p.tty != '?' else -1:5d} {bsd_stat(p):<4} {uid:5d} "
                f"{bsd_time(p.cpu_at(when)):>6} {forest_prefix(depth)}{p.args}"
            )
        return lines
    if flavour == "user":
        lines = ["USER       PID  PPID STAT CMD"]
        for p, depth in ordered:
            lines.append(
                f"{ps_user(p.user, gen):<8} {p.pid:5d} {p.ppid:5d} {bsd_stat(p):<4} "
                f"{forest_prefix(depth)}{p.args}"
            )
        return lines
    lines = ["  PID  PPID STAT CMD"]
    for p, depth in ordered:
        lines.append(f"{p.pid:5d} {p.ppid:5d} {bsd_stat(p):<4} {forest_prefix(depth)}{p.args}")
    return lines


def pct(p: Proc, when: datetime) -> int:
    elapsed = (when - p.start).total_seconds()
    return 0 if elapsed <= 0 else min(99, int(p.cpu_at(when) / elapsed * 100))


def utils_service_list(state: NodeState) -> list[str]:
    running = {p.comm for p in state.procs.values()}
    lines = [
        "Requesting service status, please wait...",
        "System SSH [STARTED]",
        "Cluster Manager [STARTED]",
        "Service Manager is running",
        "Getting list of all services",
        ">> Return code = 0",
    ]
    for service in services_of(state.desc.product, state.desc.role, state.desc.gen):
        if service.state == "na":
            lines.append(f"{service.name}[STOPPED]  Service Not Activated")
        elif service.state == "oos" or service.name in state.desc.out_of_service:
            lines.append(f"{service.name}[ STOPPED ]  Commanded Out of Service")
        elif service.proc is None or service.proc.comm in running:
            lines.append(f"{service.name}[STARTED]")
        else:
            lines.append(f"{service.name}[STOPPED]")
    lines += [f"Primary Node ={'true' if state.desc.role == 'Publisher' else 'false'}", "Command successful"]
    return lines


def show_status(state: NodeState, when: datetime) -> list[str]:
    d = state.desc
    rng = state.rng
    total = state.mem_total
    _, buff_cache, free = memory_now(state)
    buffers = int(buff_cache * 0.07)
    cached = buff_cache - buffers
    idle = rng.uniform(88.0, 97.0)
    system = rng.uniform(0.8, 2.5)
    user = max(0.0, 100.0 - idle - system - 0.3)
    disks = []
    for name, size in (
        ("active", 14_637_824 if d.gen == "new" else 11_087_076),
        ("inactive", 14_637_824 if d.gen == "new" else 11_087_076),
        ("logging", 49_285_496 if d.mem_mib < 12288 else 72_351_224),
    ):
        used = int(size * (rng.uniform(0.55, 0.9) if name != "inactive" else rng.uniform(0.01, 0.6)))
        disks.append(f"Disk/{name:<13}{size:>9}K{size - used:>15}K{used:>15}K ({used * 100 // size}%)")
    return [
        "",
        f"Host Name        : {d.host}",
        f"Date             : {long_date(when)}",
        f"Time Zone        : {d.timezone}",
        "Locale           : en_US.UTF-8",
        f"Product Ver      : {d.version}",
        f"Unified OS Version : {d.os_version}",
        "",
        "Uptime:",
        f" {when + timedelta(seconds=2):%H:%M:%S} {uptime_text(state.boot, when, 1, loads_now(state))}",
        "",
        f"CPU Idle:   {idle:05.2f}%  System:   {system:05.2f}%    User:   {user:05.2f}%",
        f"IOWAIT:     {0.25:05.2f}%  IRQ:      {0.0:05.2f}%     Soft:   {0.04:05.2f}%",
        "",
        f"Memory Total:    {total:>11}K",
        f"        Free:    {free:>11}K",
        f"        Used:    {total - free:>11}K",
        f"      Cached:    {cached:>11}K",
        f"      Shared:    {int(total * 0.04):>11}K",
        f"     Buffers:    {buffers:>11}K",
        "",
        "                        Total            Free            Used",
        *disks,
        "",
    ]


def show_version_active(state: NodeState) -> list[str]:
    return [
        f"Active Master Version: {state.desc.version}",
        "Active Version Installed Software Options:",
        "No Installed Software Options Found.",
    ]


def show_network_cluster(state: NodeState) -> list[str]:
    d = state.desc
    lines = []
    for ip, host, role, kind in d.cluster:
        text = (
            f"{ip} {host}.{d.domain} {host} {role} {kind} {'DBPub' if role == 'Publisher' else 'DBSub'} "
            "authenticated"
        )
        if host != d.host and role != "Publisher":
            text += f" using TCP since {ctime(state.boot + timedelta(minutes=9))}"
        lines.append(text)
    lines += ["", "Server Table (processnode) Entries", "----------------------------------"]
    lines += [
        f"{host}.{d.domain}" for _, host, _, kind in d.cluster if kind == "callmanager" or d.product == "IMnP"
    ]
    lines += ["", "Successful"]
    return lines


def utils_service_restart(state: NodeState, when: datetime, display: str) -> list[str]:
    lines = [
        "Do not press Ctrl+C while the service is restarting. If the service has not restarted properly, "
        "execute the same command again.",
        "Service Manager is running",
    ]
    lines += [f"{display}[STOPPING]"] * state.rng.randint(1, 3)
    lines += [f"{display}[STARTING]"] * state.rng.randint(1, 2)
    lines.append(f"{display}[STARTED]")
    restart_service(state, display, when)
    return lines


def utils_system_restart(state: NodeState, when: datetime) -> list[str]:
    state.pending_reboot = when
    return [
        "",
        "Do you really want to restart ?",
        "",
        "Enter (yes/no)? yes",
        "",
        "Appliance is being Restarted ...",
        "Warning: Restart could take up to 5 minutes.",
        "",
        "Stopping Service Manager...",
        " Service Manager shutting down services... Please Wait",
        "",
        f"Broadcast message from root@{state.desc.host} (pts/0) ({ctime(when + timedelta(seconds=41))}):",
        "",
        "The system is going down for reboot NOW!",
        f"Connection to {state.desc.ip} closed by remote host.",
        f"Connection to {state.desc.ip} closed.",
    ]


def run_command(state: NodeState, command: str, when: datetime) -> list[str]:
    if command.startswith("show process load"):
        return show_process_load(state, when, command)
    if command == "show process list":
        return show_process_list(state, when, detail=False)
    if command == "show process list detail":
        return show_process_list(state, when, detail=True)
    if command == "show status":
        return show_status(state, when)
    if command == "show version active":
        return show_version_active(state)
    if command == "show network cluster":
        return show_network_cluster(state)
    if command == "utils service list":
        return utils_service_list(state)
    if command.startswith("utils service restart "):
        return utils_service_restart(state, when, command.removeprefix("utils service restart "))
    if command == "utils system restart":
        return utils_system_restart(state, when)
    raise ValueError(f"no renderer for {command!r}")
