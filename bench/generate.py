"""Realistic synthetic UC admin-CLI captures for the benchmarks (and the smoke test).

Everything is deterministic (a seeded `random.Random`), shaped like what a TAC engineer receives
from a CUCM / IM&P / Unity Connection node (see docs/ucos-formats.md):

- `ps_ef(n)`: `show process list detail` (= `ps -ef`), header first, procps column widths, CUCM
  users (`ccmserv+`, `informix`, `database`, `tomcat`...), kernel threads, service processes under
  Service Manager, their `sh -c` helpers, and `[sh] <defunct>` rows under a service parent::

      UID          PID    PPID  C STIME TTY          TIME CMD
      root           1       0  0 Oct19 ?        00:04:11 /usr/lib/systemd/systemd --system --deserialize 21
      ccmserv+    7313    2212  0 Oct19 ?        03:10:11 /usr/local/cm/bin/amc
      ccmserv+   12345    7313  0 09:10 ?        00:00:00 [sh] <defunct>

- `top_snapshot(n)`: `show process load num all` (one `top -b` snapshot, new or old generation),
  summary lines whose `Tasks:` line counts the zombies in the table.
- `show_status`, `service_list`, `node_files`, `write_bundle`: small captures and whole bundles
  (a folder of node folders) for the end-to-end cases.

Run `python bench/generate.py OUTDIR` to write one sample of each for a look.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

# --------------------------------------------------------------------------------------------
# the process population of a UC node

# (user as ps prints it, comm, command line). Users longer than 8 characters are printed by ps -ef
# as 7 characters and "+", by top as 8 characters (old) or 7 and "+" (new): the generators do that.
_SERVICES: list[tuple[str, str, str]] = [
    ("ccmservice", "ccm", "/usr/local/cm/bin/ccm"),
    ("ccmservice", "ctftp", "/usr/local/cm/bin/ctftp"),
    ("ccmservice", "CTIManager", "/usr/local/cm/bin/CTIManager"),
    ("ccmservice", "ipvmsd", "/usr/local/cm/bin/ipvmsd"),
    ("ccmservice", "amc", "/usr/local/cm/bin/amc"),
    ("ccmservice", "RisDC", "/usr/local/cm/bin/RisDC"),
    ("ccmservice", "cdpAgt", "/usr/local/cm/bin/cdpAgt"),
    ("ccmservice", "ccmAgt", "/usr/local/cm/bin/ccmAgt"),
    ("ccmservice", "cdragent", "/usr/local/cm/bin/cdragent"),
    ("ccmservice", "dbmon", "/usr/local/cm/bin/dbmon"),
    ("ccmservice", "enStart", "/usr/local/cm/bin/enStart"),
    ("root", "snmpdm", "/usr/local/Snmpri/bin/snmpdm -tcplocal -d -l /var/log/active/platform/log/snmp.log"),
    ("root", "mib2agt", "/usr/local/Snmpri/bin/mib2agt"),
    ("root", "hostagt", "/usr/local/Snmpri/bin/hostagt"),
    ("root", "sappagt", "/usr/local/Snmpri/bin/sappagt"),
    ("root", "cdpd", "/usr/local/cm/bin/cdpd -f /usr/local/cm/conf/cdp.conf"),
    ("informix", "cmoninit", "cmoninit -w"),
    ("database", "dblrpc", "/usr/local/cm/bin/dblrpc"),
    (
        "tomcat",
        "java",
        "/usr/local/thirdparty/java/j2sdk/jre/bin/java -Djava.util.logging.config.file="
        "/usr/local/thirdparty/jakarta-tomcat/conf/logging.properties -Xms512m -Xmx1024m "
        "-Dcatalina.base=/usr/local/thirdparty/jakarta-tomcat "
        "-Dcatalina.home=/usr/local/thirdparty/jakarta-tomcat "
        "org.apache.catalina.startup.Bootstrap start",
    ),
    (
        "ccmservice",
        "java",
        "/usr/local/thirdparty/java/j2sdk/jre/bin/java -Xmx512m -Dcdrrep.home=/usr/local/cm "
        "-classpath /usr/local/cm/jar/cdrrep.jar com.cisco.cdr.cdrrep",
    ),
    (
        "ccmservice",
        "java",
        "/usr/local/thirdparty/java/j2sdk/jre/bin/java -Xmx256m -DLOG_DIR=/var/log/active/tomcat "
        "-classpath /usr/local/cm/jar/tracecollection.jar com.cisco.ccm.tct.TraceCollectionService",
    ),
    ("ccmbase", "CiscoSyslogSubA", "/usr/local/cm/bin/CiscoSyslogSubAgent"),
    ("root", "LpmTool", "/usr/local/thirdparty/java/j2sdk/jre/bin/java -Xmx64m -jar LpmTool.jar"),
]

_PLATFORM: list[tuple[str, str]] = [
    ("root", "/usr/sbin/sshd -D"),
    ("root", "/usr/sbin/crond -n"),
    ("root", "/usr/sbin/rsyslogd -n"),
    ("root", "/usr/lib/systemd/systemd-journald"),
    ("root", "/usr/lib/systemd/systemd-udevd"),
    ("root", "/sbin/auditd"),
    ("dbus", "/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation"),
    ("ntp", "/usr/sbin/ntpd -u ntp:ntp -g"),
    ("root", "/usr/sbin/irqbalance --foreground"),
    ("root", "/sbin/agetty --noclear tty1 linux"),
    ("root", "/usr/local/platform/bin/servM"),
]

# What service processes spawn (the future zombies when nobody waits for them).
_HELPERS: list[str] = [
    "/bin/sh -c /usr/local/cm/bin/sql_health_check.sh",
    "sh -c /usr/local/platform/bin/getCpuUsage.sh 2>/dev/null",
    "/bin/bash /usr/local/cm/bin/collect_perfmon.sh -q",
    "sleep 60",
    "/usr/bin/awk -F: {print $1}",
    "grep -c processor /proc/cpuinfo",
    "/usr/bin/python /usr/local/platform/bin/sysmon.py --interval 30",
    "cmoninit -w",
    "/usr/local/cm/bin/dbmon_worker -n 3",
    "/bin/sh -c /usr/bin/openssl x509 -noout -enddate -in /usr/local/platform/.security/tomcat/tomcat.pem",
]

_KERNEL = ["kworker/{cpu}:{n}", "ksoftirqd/{cpu}", "migration/{cpu}", "watchdog/{cpu}", "kworker/{cpu}:{n}H",
           "kworker/u{cpus}:{n}", "xfs-buf/dm-{n}", "jbd2/dm-{n}-8", "scsi_eh_{n}", "kblockd"]


@dataclass
class Process:
    pid: int
    ppid: int
    user: str  # full user name
    comm: str  # kernel comm name (the first 15 characters are what top shows)
    command: str  # ps CMD column
    state: str = "S"
    old: bool = True  # started days ago (STIME Oct19) or today (09:10)
    cpu_s: int = 0  # cumulative CPU seconds


def _comm_of(command: str) -> str:
    if command.startswith("["):
        return command[1 : command.index("]")]
    return command.split()[0].rsplit("/", 1)[-1][:15]


def population(
    n: int,
    *,
    zombies: int = 3,
    zombie_parent: str = "amc",
    seed: int = 1,
) -> list[Process]:
    """`n` processes of a CUCM-like node, in PID order, `zombies` of them defunct children of the
    service process whose comm is `zombie_parent` (or of PID 1 when it is not among the services).

    The tree: systemd (1) and kthreadd (2) with kernel threads; platform daemons under 1; Service
    Manager `servM` with the UC services; the services' short-lived helpers (`sh -c`, `sleep`...)
    fill the rest; the admin CLI session (sshd -> CLI java -> ps) sits at the end.
    """
    rng = random.Random(seed)
    n = max(n, 40)
    zombies = min(zombies, n - 40)
    procs: list[Process] = []
    next_pid = 1

    def add(ppid: int, user: str, command: str, *, old: bool = True, state: str = "S") -> Process:
        nonlocal next_pid
        comm = _comm_of(command)
        cpu_s = rng.choices((0, 1, 7, 64, 3600, 90000), weights=(60, 20, 10, 6, 3, 1))[0]
        p = Process(next_pid, ppid, user, comm, command, state, old, cpu_s)
        procs.append(p)
        # Pids grow with gaps, as on a busy box: enough room for 100k processes without wrapping.
        next_pid += rng.choice((1, 1, 1, 2, 3, 7))
        return p

    add(0, "root", "/usr/lib/systemd/systemd --system --deserialize 21")
    kthreadd = add(0, "root", "[kthreadd]")
    cpus = 8
    n_kernel = max(8, n // 12)
    for i in range(n_kernel):
        name = _KERNEL[i % len(_KERNEL)].format(cpu=i % cpus, cpus=cpus * 2, n=i // len(_KERNEL))
        add(kthreadd.pid, "root", f"[{name}]")
    servm = None
    for user, command in _PLATFORM:
        p = add(1, user, command)
        if p.comm == "servM":
            servm = p
    assert servm is not None
    services = [add(servm.pid, user, command) for user, _comm, command in _SERVICES]
    # Service processes have helpers of their own; the named parent collects the zombies.
    parent = next((s for s in services if s.comm == zombie_parent), None)
    zombie_ppid = parent.pid if parent is not None else 1
    reserved_tail = 3  # the CLI session
    fill = n - len(procs) - zombies - reserved_tail
    zombie_slots = set(rng.sample(range(fill + zombies), zombies)) if zombies else set()
    for slot in range(fill + zombies):
        if slot in zombie_slots:
            zcomm = rng.choice(("sh", "sh", "sh", "bash", "java", "sftp-server"))
            add(zombie_ppid, services[0].user if parent is None else parent.user, f"[{zcomm}] <defunct>",
                old=False, state="Z")
            continue
        owner = rng.choice(services)
        command = rng.choice(_HELPERS)
        if " defunct" not in command and rng.random() < 0.002:
            # The word inside arguments is not a zombie.
            command = "/bin/grep -c defunct /var/log/active/platform/log/cli.log"
        state = "R" if rng.random() < 0.005 else "S"
        add(owner.pid, owner.user, command, old=rng.random() < 0.5, state=state)
    sshd = procs[0 + 2 + n_kernel].pid  # the first platform daemon is sshd
    session = add(sshd, "root", "sshd: admin@pts/0", old=False)
    cli = add(session.pid, "admin", "/usr/local/thirdparty/java/j2sdk/jre/bin/java -Xms32m -Xmx256m "
              "-Dcli.home=/usr/local/platform/cli com.cisco.iptplatform.cli.Cli", old=False)
    add(cli.pid, "admin", "ps -ef", old=False, state="R")
    return procs


# --------------------------------------------------------------------------------------------
# renderers


def _ps_user(user: str) -> str:
    return user if len(user) <= 8 else user[:7] + "+"


def _clock(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hh, rest = divmod(rest, 3600)
    mm, ss = divmod(rest, 60)
    return f"{days}-{hh:02d}:{mm:02d}:{ss:02d}" if days else f"{hh:02d}:{mm:02d}:{ss:02d}"


def render_ps_ef(procs: list[Process]) -> str:
    """`ps -ef` as `show process list detail` prints it (procps widths for a 7-digit pid_max)."""
    out = ["UID          PID    PPID  C STIME TTY          TIME CMD"]
    for p in procs:
        stime = "Oct19" if p.old else "09:10"
        tty = "pts/0" if p.user == "admin" else "?"
        cpu_s = 0 if p.state == "Z" else p.cpu_s
        c = 0 if cpu_s < 3600 else cpu_s % 7
        out.append(f"{_ps_user(p.user):<8} {p.pid:>7} {p.ppid:>7} {c:>2} {stime:<5} {tty:<8} "
                   f"{_clock(cpu_s):>8} {p.command}")
    return "\n".join(out) + "\n"


def chain(depth: int, *, flat: bool = False) -> str:
    """`show process list detail` of servM -> cdrrep -> `depth` `sh -c` helpers, each the child of the
    one before, the last with one zombie; `flat`: the same rows, every helper a child of cdrrep."""
    rows = [(1, 0, "root", "/usr/lib/systemd/systemd"), (2, 1, "root", "/usr/local/platform/bin/servM"),
            (3, 2, "ccmservice", "/usr/local/cm/bin/cdrrep")]
    rows += [(pid, 3 if flat else pid - 1, "ccmservice", f"/bin/sh -c step{pid}")
             for pid in range(4, depth + 4)]
    rows.append((depth + 4, depth + 3, "ccmservice", "[sh] <defunct>"))
    states = ["S"] * (len(rows) - 1) + ["Z"]
    return render_ps_ef([Process(pid, ppid, user, _comm_of(command), command, state)
                         for (pid, ppid, user, command), state in zip(rows, states, strict=True)])


def ps_ef(n: int, *, zombies: int | None = None, zombie_parent: str = "amc", seed: int = 1) -> str:
    """A `show process list detail` output of `n` processes (default: n // 1000 + 3 zombies)."""
    z = n // 1000 + 3 if zombies is None else zombies
    return render_ps_ef(population(n, zombies=z, zombie_parent=zombie_parent, seed=seed))


def _kib(value: int, generation: str, width: int) -> str:
    if generation == "old":  # 5-character column: 1204m, 14m, 2.1g
        if value < 100_000:
            return str(value)
        if value < 10 * 2**20:
            return f"{value // 1024}m"
        return f"{value / 2**20:.1f}g"
    if len(str(value)) <= width:  # new top: plain KiB while it fits the column
        return str(value)
    return f"{value / 2**20:.1f}g"


def _top_time(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes < 1000:  # 9-character column: 999:59.99, then 1500:00
        return f"{int(minutes)}:{rest:05.2f}"
    return f"{int(minutes)}:{int(rest):02d}"


def render_top(
    procs: list[Process],
    *,
    generation: str = "new",
    clock: str = "10:29:46",
    seed: int = 1,
) -> str:
    """One `top -b` snapshot (`show process load num all`) of these processes, busiest first."""
    rng = random.Random(seed)
    zombies = sum(p.state == "Z" for p in procs)
    running = sum(p.state == "R" for p in procs)
    total = len(procs)
    rows = []
    for p in procs:
        if p.state == "Z" or p.command.startswith("["):
            virt = res = shr = 0
        else:
            virt = rng.choice((15_360, 108_220, 2_264_888, 1_033_236, 4_911_052, 11_534_336))
            res = virt // rng.choice((3, 5, 12))
            shr = min(res, rng.choice((1_720, 9_624, 21_880, 14_336)))
        busy = rng.choices((0.0, 0.3, 1.0, 5.9, 112.4), weights=(90, 6, 2, 1.5, 0.5))[0]
        cpu = 0.0 if p.state == "Z" else busy
        mem = round(res / 80_091.16, 1)
        rows.append((cpu, p, virt, res, shr, mem))
    rows.sort(key=lambda r: (-r[0], r[1].pid))
    pid_w = max(5, len(str(max(p.pid for p in procs))))
    if generation == "new":
        out = [
            f"top - {clock} up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40",
            f"Tasks: {total:>3} total, {running:>3} running, {total - running - zombies:>3} sleeping,"
            f"   0 stopped, {zombies:>3} zombie",
            "%Cpu(s):  4.1 us,  1.9 sy,  0.0 ni, 93.6 id,  0.2 wa,  0.0 hi,  0.2 si,  0.0 st",
            "KiB Mem :  8009116 total,   312448 free,  5066440 used,  2630228 buff/cache",
            "KiB Swap:  4095996 total,  3900112 free,   195884 used.  2190340 avail Mem",
            "",
            f"{'PID':>{pid_w}} USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND",
        ]
    else:
        out = [
            f"top - {clock} up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40",
            f"Tasks: {total:>3} total, {running:>3} running, {total - running - zombies:>3} sleeping,"
            f"   0 stopped, {zombies:>3} zombie",
            "Cpu(s):  4.1%us,  1.9%sy,  0.0%ni, 93.6%id,  0.2%wa,  0.0%hi,  0.2%si,  0.0%st",
            "Mem:   8062276k total,  7411032k used,   651244k free,   190112k buffers",
            "Swap:  2064376k total,   102400k used,  1961976k free,  2931544k cached",
            f"{'PID':>{pid_w}} USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND",
        ]
    for cpu, p, virt, res, shr, mem in rows:
        if generation == "new":
            user = p.user if len(p.user) <= 8 else p.user[:7] + "+"
        else:
            user = p.user[:8]
        if p.comm.startswith(("migration", "watchdog")):
            pr = "rt"
        elif p.user == "admin":
            pr = "30"
        else:
            pr = "20"
        high_priority = p.comm.startswith("kworker") and p.comm.endswith("H")
        ni = 10 if p.user == "admin" else (-20 if high_priority else 0)
        time_s = 0.0 if p.state == "Z" else p.cpu_s + rng.randrange(100) / 100
        w = 7 if generation == "new" else 5
        rw = 6 if generation == "new" else 4
        columns = ((virt, w), (res, rw), (shr, rw))
        sizes = " ".join(f"{_kib(v, generation, width):>{width}}" for v, width in columns)
        out.append(
            f"{p.pid:>{pid_w}} {user:<8} {pr:>3} {ni:>3} {sizes} {p.state} {cpu:>5.1f} {mem:>4.1f} "
            f"{_top_time(time_s):>9} {p.comm[:15]}"
        )
    return "\n".join(out) + "\n"


def top_snapshot(n: int, *, zombies: int | None = None, generation: str = "new", seed: int = 1) -> str:
    """A `show process load num all` output with `n` process rows (default: n // 1000 + 3 zombies)."""
    z = n // 1000 + 3 if zombies is None else zombies
    return render_top(population(n, zombies=z, seed=seed), generation=generation, seed=seed)


# --------------------------------------------------------------------------------------------
# node identity, services, bundles


def show_status(hostname: str, product: str = "CUCM") -> str:
    version = {"CUCM": "14.0.1.12900-161", "IMnP": "14.0.1.12900-7", "CUC": "14.0.1.10000-117"}[product]
    return f"""
Host Name    : {hostname}
Date         : Thu Nov 20, 2026 10:29:45
Time Zone    : Central European Time (Europe/Paris)
Locale       : en_US.UTF-8
Product Ver  : {version}
Unified OS Version : 7.0.0.0-4

Uptime:
 10:29:46 up 41 days,  3:07,  1 user,  load average: 0.52, 0.48, 0.40

CPU Idle:   93.72%  System:   01.26%    User:   04.27%
  IOWAIT:   00.50%     IRQ:   00.00%    Soft:   00.25%

Memory Total:        8062276K
        Free:         651244K
        Used:        7411032K
      Cached:        2931544K
      Shared:         290212K
     Buffers:         190112K

                        Total            Free            Used
Disk/active          14987616K        2069056K       12765932K (87%)
Disk/inactive        14987616K       13741836K         483432K (4%)
Disk/logging         49671376K       31052712K       16095096K (35%)
""".lstrip("\n")


_SERVICE_NAMES = {
    "CUCM": ["Cisco CallManager", "Cisco Tftp", "Cisco CTIManager", "Cisco IP Voice Media Streaming App",
             "Cisco AMC Service", "Cisco RIS Data Collector", "Cisco CDR Repository Manager",
             "Cisco CDR Agent", "Cisco Trace Collection Service", "Cisco Database Layer Monitor",
             "Cisco Tomcat", "A Cisco DB", "A Cisco DB Replicator", "Cisco DirSync",
             "Cisco Serviceability Reporter"],
}


def service_list(product: str = "CUCM") -> str:
    """`utils service list` with platform rows (space before `[`), application rows, stopped ones."""
    out = ["Requesting service status, please wait...", "System NTP [STARTED]", "System SSH [STARTED]",
           "Service Manager is running", "Getting list of all services", ">> Return code = 0",
           "A Cisco DB[STARTED]", "A Cisco DB Replicator[STARTED]", "Cisco AMC Service[STARTED]"]
    for name in _SERVICE_NAMES["CUCM"]:
        if name in {"A Cisco DB", "A Cisco DB Replicator", "Cisco AMC Service"}:
            continue
        if name == "Cisco DirSync":
            out.append(f"{name}[STOPPED]  Service Not Activated")
        elif name == "Cisco Serviceability Reporter":
            out.append(f"{name}[ STOPPED ]  Commanded Out of Service")
        else:
            out.append(f"{name}[STARTED]")
    out += ["Primary Node =true", "Command successful"]
    return "\n".join(out) + "\n"


def node_files(hostname: str, n_processes: int = 400, *, zombies: int = 2, seed: int = 1,
               as_terminal_log: bool = False) -> dict[str, str]:
    """The captures of one node: file name -> text. As separate files named the way customers name
    them, or (`as_terminal_log`) as one PuTTY-style session log with prompts and a pager prompt."""
    procs = population(n_processes, zombies=zombies, seed=seed)
    generation = "old" if seed % 3 == 0 else "new"
    outputs = {
        "show status": show_status(hostname),
        "show process load num all": render_top(procs, generation=generation, seed=seed),
        "show process list detail": render_ps_ef(procs),
        "utils service list": service_list(),
    }
    if not as_terminal_log:
        return {f"{command.replace(' ', '_')}.txt": text for command, text in outputs.items()}
    log = [f"=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2026.11.20 10:29:{seed % 60:02d} =~=~=~=~=~=~=~=~=~=~=~=",
           "Command Line Interface is starting up, please wait ...", "",
           "   Welcome to the Platform Command Line Interface", ""]
    for command, text in outputs.items():
        log.append(f"admin:{command}")
        log.extend(text.rstrip("\n").split("\n"))
    log.append("admin:")
    return {"session.log": "\r\n".join(log) + "\r\n"}


def write_bundle(root: Path, nodes: int = 100, n_processes: int = 400) -> Path:
    """A bundle folder of `nodes` node folders (`cl03-cucm-sub2/`...); every fourth node is one terminal
    log, the others one file per command. Returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(nodes):
        cluster, member = divmod(i, 5)
        hostname = f"cl{cluster:02d}-cucm-{'pub' if member == 0 else f'sub{member}'}"
        folder = root / hostname
        folder.mkdir(exist_ok=True)
        files = node_files(hostname, n_processes, zombies=(i % 4) * 2, seed=i + 1, as_terminal_log=i % 4 == 3)
        for name, text in files.items():
            (folder / name).write_bytes(text.encode())
    return root


if __name__ == "__main__":  # pragma: no cover - a look at the samples
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/samples")
    out.mkdir(parents=True, exist_ok=True)
    (out / "ps_ef_1k.txt").write_text(ps_ef(1000))
    (out / "top_new_1k.txt").write_text(top_snapshot(1000))
    (out / "top_old_1k.txt").write_text(top_snapshot(1000, generation="old"))
    write_bundle(out / "bundle", nodes=4)
    print(f"samples written to {out}")
