#!/usr/bin/env python3
"""Generate the worked-example capture bundles under `sample_outputs/`.

One `Example` description per case of the seed document (its PIDs exactly), rendered by shared
builders into the files a customer sends: `top` batch snapshots (`show process load`), procps
listings (`show process list [detail]`), `utils service list`, `show status`, ... in both procps
generations found on UCOS: procps 3.2.8 (RHEL 6 based releases, "old") and procps-ng 3.3.10
(CentOS 7 based releases, "new").

A node is simulated once (`build_node`): kernel threads, init/systemd, platform daemons, Service
Manager and the services of its product, the Informix instances, the admin CLI session. PIDs come
from a PID counter that advances with time and wraps at 32768 back to 300 as Linux does, anchored
so that the seed's PIDs fall where the seed puts them. Every command is then rendered from that
one state, so PIDs, users, start times, CPU times and counts agree across files.

Deterministic: every node draws from its own `random.Random(seed)`; no wall clock, no hash order,
zip members sorted with fixed timestamps.

    python tools/make_samples.py             # rewrite sample_outputs/
    python tools/make_samples.py --check     # exit 1 if the committed samples differ
    python tools/make_samples.py --out DIR   # write the tree somewhere else
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "sample_outputs"

PID_MAX = 32768  # /proc/sys/kernel/pid_max on these releases
PID_WRAP = 300  # the kernel restarts the counter at 300 (RESERVED_PIDS)
MIN_PID_RATE = 400  # PIDs per day at least between anchors (UCOS runs many short scripts)

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

UIDS = {
    "root": 0,
    "rpc": 32,
    "dbus": 81,
    "ntp": 38,
    "postfix": 89,
    "haldaemon": 68,
    "polkitd": 998,
    "chrony": 996,
    "informix": 501,
    "ccmservice": 502,
    "database": 503,
    "tomcat": 504,
    "drf": 505,
    "ccmbase": 506,
    "cucsmgr": 507,
    "sipproxy": 508,
    "timesten": 509,
    "xcpuser": 510,
    "jetty": 511,
}
CLI_UID = 1000


def ts(text: str) -> datetime:
    """'2026-11-19 10:29:41' -> datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------------------------
# Processes and the PID counter
# --------------------------------------------------------------------------------------------


@dataclass
class Proc:
    """One process of the simulated node."""

    pid: int
    ppid: int
    user: str
    comm: str  # kernel comm name (<= 15 characters)
    args: str  # command line as ps prints it
    start: datetime
    state: str = "S"  # R, S, D, Z
    stat: str = ""  # BSD STAT suffix: s l < N +
    load: float = 0.0  # average %CPU (of one CPU) since start
    cpu0: float = 0.0  # CPU seconds already used at start (zombies: what the child used)
    virt: int = 0  # KiB
    res: int = 0
    shr: int = 0
    ni: int = 0
    rt: bool = False
    tty: str = "?"
    wchan: str = "poll_s"
    kernel: bool = False
    busy: float = 0.0  # typical instantaneous %CPU in top

    @property
    def zombie(self) -> bool:
        return self.state == "Z"

    def cpu_at(self, at: datetime) -> float:
        return self.cpu0 + self.load / 100.0 * max(0.0, (at - self.start).total_seconds())


def wrap(unwrapped: int) -> int:
    """Map the ever-growing counter to a PID: 1..32767, then 300..32767 again and again."""
    if unwrapped < PID_MAX:
        return unwrapped
    return PID_WRAP + (unwrapped - PID_MAX) % (PID_MAX - PID_WRAP)


def unwrap_after(pid: int, previous: int, min_gap: int) -> int:
    """The smallest counter value >= previous + min_gap that shows as `pid`."""
    if previous + min_gap <= pid < PID_MAX:
        return pid
    lap = 0
    while True:
        value = PID_MAX + lap * (PID_MAX - PID_WRAP) + (pid - PID_WRAP)
        if value >= previous + min_gap:
            return value
        lap += 1


class PidClock:
    """Piecewise linear PID counter through (time, unwrapped counter) anchors."""

    def __init__(self, anchors: list[tuple[datetime, int]], rate_per_day: int) -> None:
        self.anchors = anchors
        self.rate = rate_per_day
        for (t0, u0), (t1, u1) in zip(anchors, anchors[1:], strict=False):
            assert t1 > t0 and u1 > u0, f"PID anchors not increasing: {anchors}"

    def at(self, when: datetime) -> int:
        anchors = self.anchors
        if when <= anchors[0][0]:
            return anchors[0][1]
        for (t0, u0), (t1, u1) in zip(anchors, anchors[1:], strict=False):
            if when <= t1:
                frac = (when - t0).total_seconds() / (t1 - t0).total_seconds()
                return wrap(u0 + int(frac * (u1 - u0)))
        t_last, u_last = anchors[-1]
        return wrap(u_last + int((when - t_last).total_seconds() / 86400 * self.rate))


# --------------------------------------------------------------------------------------------
# What runs on a node: kernel threads, platform daemons, services per product
# --------------------------------------------------------------------------------------------

# Memory profiles: (VIRT, RES, SHR) ranges in KiB.
PROFILES = {
    "tiny": ((4_100, 28_000), (340, 2_400), (260, 1_800)),
    "small": ((22_000, 260_000), (1_600, 12_500), (1_100, 6_200)),
    "c": ((180_000, 920_000), (14_000, 92_000), (6_200, 18_500)),
    "cbig": ((1_100_000, 2_100_000), (280_000, 620_000), (18_000, 41_000)),
    "java": ((2_300_000, 4_300_000), (110_000, 400_000), (11_000, 26_000)),
    "jbig": ((3_800_000, 5_600_000), (850_000, 1_350_000), (14_000, 30_000)),
    "db": ((1_500_000, 2_600_000), (60_000, 700_000), (50_000, 640_000)),
}


@dataclass(frozen=True)
class ProcDef:
    """How a service's process looks: comm, command line, user, memory profile, average %CPU."""

    comm: str
    args: str
    user: str
    profile: str = "c"
    load: float = 0.05
    instances: int = 1  # >1: a master and its workers (children of the master)
    stat: str = "Ssl"


@dataclass(frozen=True)
class ServiceDef:
    """A row of `utils service list`.

    state: "run" (STARTED, with its process), "web" (STARTED, a web application inside Tomcat, no
    process of its own), "na" (STOPPED, Service Not Activated), "oos" (STOPPED, Commanded Out of
    Service). where: "all" nodes, or "pub" (publisher only).
    """

    name: str
    state: str
    proc: ProcDef | None = None
    where: str = "all"


def P(
    comm: str,
    args: str,
    user: str = "ccmservice",
    profile: str = "c",
    load: float = 0.05,
    instances: int = 1,
    stat: str = "Ssl",
) -> ProcDef:
    return ProcDef(comm, args, user, profile, load, instances, stat)


JAVA = "/usr/local/thirdparty/java/j2sdk/jre/bin/java"
CM = "/usr/local/cm/bin"
SNMP = "/usr/local/Snmpri/bin"

PLATFORM_SERVICES = [
    ServiceDef("A Cisco DB", "run"),  # the Informix instances, built by db_instances()
    ServiceDef("A Cisco DB Replicator", "run", P("dblrpc", f"{CM}/dblrpc -p 12", "database", "c", 0.4)),
    ServiceDef("Cisco AMC Service", "run", P("amc", f"{CM}/amc", "ccmservice", "java", 0.9)),
    ServiceDef(
        "Cisco Audit Event Service", "run", P("AuditLog", f"{CM}/AuditLog", "ccmservice", "java", 0.05)
    ),
    ServiceDef("Cisco CallManager Serviceability", "web"),
    ServiceDef("Cisco CallManager Serviceability RTMT", "web"),
    ServiceDef("Cisco Certificate Change Notification", "web"),
    ServiceDef(
        "Cisco Certificate Expiry Monitor", "run", P("certM", f"{CM}/certM", "ccmservice", "java", 0.02)
    ),
    ServiceDef(
        "Cisco DRF Local",
        "run",
        P("CiscoDRFLocal", "/usr/local/platform/bin/CiscoDRFLocal", "drf", "java", 0.03),
    ),
    ServiceDef(
        "Cisco DRF Master",
        "run",
        P("CiscoDRFMaster", "/usr/local/platform/bin/CiscoDRFMaster", "drf", "java", 0.03),
        where="pub",
    ),
    ServiceDef("Cisco Database Layer Monitor", "run", P("dbmon", f"{CM}/dbmon", "database", "c", 0.3)),
    ServiceDef(
        "Cisco Log Partition Monitoring Tool",
        "run",
        P("LpmTool", f"{CM}/LpmTool", "ccmservice", "java", 0.08),
    ),
    ServiceDef("Cisco RIS Data Collector", "run", P("RisDC", f"{CM}/RisDC", "ccmservice", "java", 1.6)),
    ServiceDef(
        "Cisco Serviceability Reporter",
        "run",
        P("rtmtreporter", f"{CM}/rtmtreporter", "ccmservice", "java", 0.02),
        where="pub",
    ),
    ServiceDef(
        "Cisco Syslog Agent",
        "run",
        P("CiscoSyslogSubAgt", f"{SNMP}/CiscoSyslogSubAgt", "root", "small", 0.01, stat="Sl"),
    ),
    ServiceDef(
        "Cisco Tomcat",
        "run",
        P(
            "tomcat",
            "tomcat -Djava.util.logging.config.file=/usr/local/thirdparty/jakarta-tomcat/conf/logging.prop"
            "erties -Xms512m -Xmx1536m -XX:+UseG1GC -Dcatalina.base=/usr/local/thirdparty/jakarta-tomcat "
            "-Dcatalina.home=/usr/local/thirdparty/jakarta-tomcat "
            "org.apache.catalina.startup.Bootstrap start",
            "tomcat",
            "jbig",
            2.1,
        ),
    ),
    ServiceDef("Cisco Tomcat Stats Servlet", "web"),
    ServiceDef(
        "Cisco Trace Collection Service",
        "run",
        P("tracecollectionservice"[:15], f"{CM}/tracecollectionservice", "ccmservice", "java", 0.15),
    ),
    ServiceDef("Cisco Trace Collection Servlet", "web"),
    ServiceDef("Cisco CDP", "run", P("cdpd", f"{CM}/cdpd -f", "root", "small", 0.01, stat="Ss")),
    ServiceDef("Cisco CDP Agent", "run", P("cdpAgt", f"{CM}/cdpAgt", "root", "small", 0.01, stat="Sl")),
    ServiceDef(
        "Host Resources Agent", "run", P("hostagt", f"{SNMP}/hostagt", "root", "small", 0.12, stat="Sl")
    ),
    ServiceDef("MIB2 Agent", "run", P("mib2agt", f"{SNMP}/mib2agt", "root", "small", 0.04, stat="Sl")),
    ServiceDef("Native Agent Adapter", "na"),
    ServiceDef("Platform Administrative Web Service", "web"),
    ServiceDef(
        "SNMP Master Agent",
        "run",
        P(
            "snmpdm",
            f"{SNMP}/snmpdm -tcplocal -d -r -apl -f /usr/local/Snmpri/conf/snmpd.cnf",
            "root",
            "small",
            0.03,
            stat="Sl",
        ),
    ),
    ServiceDef("SOAP -Diagnostic Portal Database Service", "web"),
    ServiceDef("SOAP -Log Collection APIs", "web"),
    ServiceDef("SOAP -Performance Monitoring APIs", "web"),
    ServiceDef("SOAP -Real-Time Service APIs", "web"),
    ServiceDef(
        "System Application Agent", "run", P("sappagt", f"{SNMP}/sappagt", "root", "small", 0.02, stat="Sl")
    ),
]

CUCM_SERVICES = [
    ServiceDef("Cisco AXL Web Service", "web"),
    ServiceDef(
        "Cisco Bulk Provisioning Service",
        "run",
        P("BPS", f"{CM}/BPS", "ccmservice", "java", 0.02),
        where="pub",
    ),
    ServiceDef("Cisco CAR DB", "run", where="pub"),  # CAR Informix instance, built with the DB
    ServiceDef(
        "Cisco CAR Scheduler", "run", P("carschlr", f"{CM}/carschlr", "ccmservice", "java", 0.1), where="pub"
    ),
    ServiceDef("Cisco CAR Web Service", "web", where="pub"),
    ServiceDef("Cisco CDR Agent", "run", P("cdragent", f"{CM}/cdragent", "ccmservice", "c", 0.05)),
    ServiceDef(
        "Cisco CDR Repository Manager",
        "run",
        P("cdrrep", f"{CM}/cdrrep", "ccmservice", "java", 0.1),
        where="pub",
    ),
    ServiceDef("Cisco CTIManager", "run", P("CTIManager", f"{CM}/CTIManager", "ccmservice", "c", 0.6)),
    ServiceDef("Cisco CTL Provider", "web"),
    ServiceDef("Cisco CallManager", "run", P("ccm", f"{CM}/ccm", "ccmservice", "cbig", 3.8)),
    ServiceDef("Cisco CallManager Admin", "web"),
    ServiceDef("Cisco CallManager Cisco IP Phone Services", "web"),
    ServiceDef("Cisco CallManager Personal Directory", "web"),
    ServiceDef(
        "Cisco CallManager SNMP Service", "run", P("ccmAgt", f"{CM}/ccmAgt", "root", "small", 0.05, stat="Sl")
    ),
    ServiceDef(
        "Cisco Certificate Authority Proxy Function",
        "run",
        P("capf", f"{CM}/capf", "ccmservice", "c", 0.01),
        where="pub",
    ),
    ServiceDef("Cisco Change Credential Application", "web"),
    ServiceDef("Cisco DHCP Monitor Service", "na"),
    ServiceDef("Cisco Dialed Number Analyzer", "na"),
    ServiceDef("Cisco Dialed Number Analyzer Server", "na"),
    ServiceDef("Cisco DirSync", "na"),
    ServiceDef("Cisco Extended Functions", "na"),
    ServiceDef("Cisco Extension Mobility", "web"),
    ServiceDef("Cisco IP Manager Assistant", "na"),
    ServiceDef(
        "Cisco IP Voice Media Streaming App", "run", P("ipvmsd", f"{CM}/ipvmsd", "ccmservice", "c", 0.3)
    ),
    ServiceDef("Cisco Intercluster Lookup Service", "run", P("ils", f"{CM}/ils", "ccmservice", "c", 0.02)),
    ServiceDef("Cisco Location Bandwidth Manager", "run", P("lbm", f"{CM}/lbm", "ccmservice", "c", 0.05)),
    ServiceDef("Cisco Messaging Interface", "na"),
    ServiceDef("Cisco SOAP - CDRonDemand Service", "web", where="pub"),
    ServiceDef("Cisco Tftp", "run", P("ctftp", f"{CM}/ctftp", "ccmservice", "c", 0.2)),
    ServiceDef("Cisco Trust Verification Service", "run", P("tvs", f"{CM}/tvs", "ccmservice", "c", 0.02)),
    ServiceDef("Cisco UXL Web Service", "web"),
    ServiceDef("Cisco User Data Services", "web"),
    ServiceDef("Cisco WebDialer Web Service", "na"),
]

UNITY = "/usr/local/unity/bin"
CUC_SERVICES = [
    ServiceDef("Connection Administration", "web"),
    ServiceDef(
        "Connection Conversation Manager", "run", P("CuCsMgr", f"{UNITY}/CuCsMgr", "cucsmgr", "cbig", 2.4)
    ),
    ServiceDef(
        "Connection DB",
        "run",
        P(
            "oninit",
            "/usr/local/unity/db/informix/bin/oninit -w",
            "informix",
            "db",
            0.4,
            instances=8,
            stat="S<s",
        ),
    ),
    ServiceDef("Connection Database Proxy", "na"),
    ServiceDef(
        "Connection Digital Networking Replication Agent",
        "run",
        P("CuReplicator", f"{UNITY}/CuReplicator", "cucsmgr", "c", 0.02),
    ),
    ServiceDef("Connection File Syncer", "run", P("CuFileSync", f"{UNITY}/CuFileSync", "cucsmgr", "c", 0.06)),
    ServiceDef("Connection IMAP Server", "run", P("CuImapSvr", f"{UNITY}/CuImapSvr", "cucsmgr", "c", 0.1)),
    ServiceDef(
        "Connection Jetty",
        "run",
        P(
            "java",
            f"{JAVA} -Xmx768m -Djetty.home=/usr/local/jetty "
            "-Djava.io.tmpdir=/usr/local/jetty/tmp org.eclipse.jetty.start.Main",
            "jetty",
            "java",
            0.2,
            stat="Sl",
        ),
    ),
    ServiceDef("Connection Mailbox Sync", "run", P("CuMbxSync", f"{UNITY}/CuMbxSync", "cucsmgr", "c", 0.08)),
    ServiceDef("Connection Message Transfer Agent", "run", P("MTA", f"{UNITY}/MTA", "cucsmgr", "c", 0.05)),
    ServiceDef("Connection Mixer", "run", P("CuMixer", f"{UNITY}/CuMixer", "cucsmgr", "cbig", 1.1)),
    ServiceDef("Connection Notifier", "run", P("CuNotifier", f"{UNITY}/CuNotifier", "cucsmgr", "c", 0.05)),
    ServiceDef(
        "Connection Report Data Harvester",
        "run",
        P("CuReportDataHarvester"[:15], f"{UNITY}/CuReportDataHarvester", "cucsmgr", "c", 0.02),
    ),
    ServiceDef("Connection Serviceability", "web"),
    ServiceDef("Connection Server Role Manager", "run", P("CuSrm", f"{UNITY}/CuSrm", "cucsmgr", "c", 0.04)),
    ServiceDef("Connection Speech View Processor", "na"),
    ServiceDef(
        "Connection System Agent", "run", P("CuSysAgent", f"{UNITY}/CuSysAgent", "cucsmgr", "c", 0.05)
    ),
    ServiceDef("Connection Voice Recognizer", "na"),
]

XCP = "/opt/cisco/xcp"
IMP_SERVICES = [
    ServiceDef("Cisco Client Profile Agent", "web"),
    ServiceDef(
        "Cisco Config Agent",
        "run",
        P("EspConfigAgent", "/usr/local/sip/bin/EspConfigAgent", "sipproxy", "c", 0.02),
    ),
    ServiceDef("Cisco IM and Presence Data Monitor", "web"),
    ServiceDef(
        "Cisco Intercluster Sync Agent",
        "run",
        P("interClusterSyncAgent"[:15], f"{CM}/interClusterSyncAgent", "ccmservice", "java", 0.05),
    ),
    ServiceDef(
        "Cisco Login Datastore",
        "run",
        P("ttlogin", "/usr/local/timesten/bin/ttlogin -d login", "timesten", "db", 0.2),
    ),
    ServiceDef("Cisco OAM Agent", "run", P("oamagent", f"{CM}/oamagent", "ccmservice", "c", 0.02)),
    ServiceDef(
        "Cisco Presence Datastore",
        "run",
        P("ttsoft", "/usr/local/timesten/bin/ttsoft -d presence", "timesten", "db", 0.6),
    ),
    ServiceDef(
        "Cisco Presence Engine",
        "run",
        P("pe", "/usr/local/pe/bin/pe -c /usr/local/pe/conf/pe.conf", "ccmservice", "cbig", 1.9),
    ),
    ServiceDef(
        "Cisco Replication Watcher", "run", P("replWatcher", f"{CM}/replWatcher", "database", "c", 0.02)
    ),
    ServiceDef(
        "Cisco Route Datastore",
        "run",
        P("ttroute", "/usr/local/timesten/bin/ttroute -d route", "timesten", "db", 0.1),
    ),
    ServiceDef(
        "Cisco SIP Proxy",
        "run",
        P(
            "sipd",
            "/usr/local/sip/sbin/sipd -f /usr/local/sip/conf/sipd.conf",
            "sipproxy",
            "c",
            0.15,
            instances=22,
            stat="Sl",
        ),
    ),
    ServiceDef(
        "Cisco SIP Registration Datastore",
        "run",
        P("ttreg", "/usr/local/timesten/bin/ttreg -d reg", "timesten", "db", 0.1),
    ),
    ServiceDef("Cisco Server Recovery Manager", "run", P("srm", f"{CM}/srm", "ccmservice", "c", 0.03)),
    ServiceDef(
        "Cisco Sync Agent", "run", P("syncAgent", f"{CM}/syncAgent", "ccmservice", "java", 0.2), where="pub"
    ),
    ServiceDef(
        "Cisco XCP Authentication Service",
        "run",
        P("auth", f"{XCP}/bin/auth -c {XCP}/etc/auth.xml", "xcpuser", "c", 0.05),
    ),
    ServiceDef(
        "Cisco XCP Config Manager",
        "run",
        P("xcpConfigManager"[:15], f"{XCP}/bin/xcpConfigManager", "xcpuser", "java", 0.02),
    ),
    ServiceDef(
        "Cisco XCP Connection Manager",
        "run",
        P("cm", f"{XCP}/bin/cm -c {XCP}/etc/cm-1.xml", "xcpuser", "c", 0.3),
    ),
    ServiceDef(
        "Cisco XCP Directory Service",
        "run",
        P("jds", f"{XCP}/bin/jds -c {XCP}/etc/jds.xml", "xcpuser", "c", 0.02),
    ),
    ServiceDef("Cisco XCP Message Archiver", "na"),
    ServiceDef(
        "Cisco XCP Router",
        "run",
        P("jabberd", f"{XCP}/bin/jabberd -c {XCP}/etc/router.xml -D", "xcpuser", "c", 0.7, instances=4),
    ),
    ServiceDef("Cisco XCP SIP Federation Connection Manager", "na"),
    ServiceDef(
        "Cisco XCP Text Conference Manager",
        "run",
        P("tc", f"{XCP}/bin/tc -c {XCP}/etc/tc.xml", "xcpuser", "c", 0.02),
    ),
    ServiceDef(
        "Cisco XCP Web Connection Manager",
        "run",
        P("cm_web", f"{XCP}/bin/cm_web -c {XCP}/etc/cm_web.xml", "xcpuser", "c", 0.05),
    ),
    ServiceDef("Cisco XCP XMPP Federation Connection Manager", "na"),
]

PRODUCT_SERVICES = {"CUCM": CUCM_SERVICES, "CUC": CUC_SERVICES, "IMnP": IMP_SERVICES}


def services_of(product: str, role: str, gen: str) -> list[ServiceDef]:
    """The services of a node, sorted by name as `utils service list` prints them."""
    rows = [
        s for s in PLATFORM_SERVICES + PRODUCT_SERVICES[product] if s.where == "all" or role == "Publisher"
    ]
    if product == "CUCM" and gen == "new":  # 12.x and later: Smart Licensing instead of ELM
        rows.append(
            ServiceDef(
                "Cisco Smart License Manager",
                "run",
                P(
                    "java",
                    f"{JAVA} -Xmx256m -Dservice.name=SmartLicMgr -cp /usr/local/cm/jar/smartlic.jar "
                    "com.cisco.ccm.smartlic.SmartLicenseManager",
                    "ccmservice",
                    "java",
                    0.05,
                    stat="Sl",
                ),
            )
        )
    elif product == "CUCM":
        rows.append(ServiceDef("Cisco ELM Client Service", "web"))
    return sorted(rows, key=lambda s: s.name.lower())


def kernel_thread_names(gen: str, cpus: int) -> list[tuple[str, str, str]]:
    """(comm, STAT, WCHAN) of the kernel threads at boot, in PID order."""
    out: list[tuple[str, str, str]] = [("kthreadd", "S", "kthrea")]
    if gen == "new":
        out += [
            ("ksoftirqd/0", "S", "smpboo"),
            ("kworker/0:0H", "S<", "worker"),
            ("migration/0", "S", "smpboo"),
            ("rcu_bh", "S", "rcu_gp"),
            ("rcu_sched", "S", "rcu_gp"),
            ("lru-add-drain", "S<", "rescue"),
            ("watchdog/0", "S", "smpboo"),
        ]
        for cpu in range(1, cpus):
            out += [
                (f"watchdog/{cpu}", "S", "smpboo"),
                (f"migration/{cpu}", "S", "smpboo"),
                (f"ksoftirqd/{cpu}", "S", "smpboo"),
                (f"kworker/{cpu}:0H", "S<", "worker"),
            ]
        out += [
            (n, "S<" if r else "S", "rescue" if r else w)
            for n, r, w in [
                ("kdevtmpfs", 0, "devtmp"),
                ("netns", 1, ""),
                ("khungtaskd", 0, "watchd"),
                ("writeback", 1, ""),
                ("kintegrityd", 1, ""),
                ("bioset", 1, ""),
                ("bioset", 1, ""),
                ("bioset", 1, ""),
                ("kblockd", 1, ""),
                ("md", 1, ""),
                ("edac-poller", 1, ""),
                ("watchdogd", 0, "kthrea"),
                ("kswapd0", 0, "kswapd"),
                ("ksmd", 0, "ksm_sc"),
                ("khugepaged", 0, "khugep"),
                ("crypto", 1, ""),
                ("kthrotld", 1, ""),
                ("kmpath_rdacd", 1, ""),
                ("kaluad", 1, ""),
                ("kpsmoused", 1, ""),
                ("ipv6_addrconf", 1, ""),
                ("deferwq", 1, ""),
                ("kauditd", 0, "kaudit"),
                ("ata_sff", 1, ""),
                ("scsi_eh_0", 0, "scsi_e"),
                ("scsi_tmf_0", 1, ""),
                ("scsi_eh_1", 0, "scsi_e"),
                ("scsi_tmf_1", 1, ""),
                ("scsi_eh_2", 0, "scsi_e"),
                ("scsi_tmf_2", 1, ""),
                ("vmw_pvscsi_wq_2", 1, ""),
                ("ttm_swap", 1, ""),
                ("kdmflush", 1, ""),
                ("bioset", 1, ""),
                ("jbd2/sda1-8", 0, "kjourn"),
                ("ext4-rsv-conver", 1, ""),
                ("jbd2/sda3-8", 0, "kjourn"),
                ("ext4-rsv-conver", 1, ""),
                ("jbd2/sda6-8", 0, "kjourn"),
                ("ext4-rsv-conver", 1, ""),
                ("vmmemctl", 0, "balloo"),
                ("hwrng", 0, "hwrng_"),
            ]
        ]
        out += [
            (n, "S<", "rescue")
            for n in (
                "kmpathd",
                "kmpath_handlerd",
                "nfit",
                "acpi_thermal_pm",
                "dm_bufio_cache",
                "kstrp",
                "ext4-rsv-conver",
                "xfsalloc",
            )
        ]
        out += [
            ("jbd2/sda7-8", "S", "kjourn"),
            ("ext4-rsv-conver", "S<", "rescue"),
            ("rpciod", "S<", "rescue"),
            ("xprtiod", "S<", "rescue"),
            ("nfsiod", "S<", "rescue"),
            ("scsi_eh_3", "S", "scsi_e"),
            ("scsi_tmf_3", "S<", "rescue"),
        ]
        for cpu in range(cpus):
            out += [
                (f"kworker/{cpu}:0", "S", "worker"),
                (f"kworker/{cpu}:1", "S", "worker"),
                (f"kworker/{cpu}:2", "S", "worker"),
                (f"kworker/{cpu}:1H", "S<", "worker"),
            ]
        out += [(f"kworker/u{2 * cpus}:{n}", "S", "worker") for n in range(3 * cpus)]
        out += [("bioset", "S<", "rescue")] * (8 + cpus) + [("kdmflush", "S<", "rescue")] * 3
    else:
        for cpu in range(cpus):
            out += [
                (f"migration/{cpu}", "S", "migrat"),
                (f"ksoftirqd/{cpu}", "S", "ksofti"),
                (f"stopper/{cpu}", "S", "cpu_st"),
                (f"watchdog/{cpu}", "S", "watchd"),
            ]
        out += [(f"events/{cpu}", "S", "worker") for cpu in range(cpus)]
        out += [(f"events_long/{cpu}", "S", "worker") for cpu in range(cpus)]
        names = ["cgroup", "khelper", "netns", "async/mgr", "pm", "sync_supers", "bdi-default"]
        names += [f"kintegrityd/{c}" for c in range(cpus)] + [f"kblockd/{c}" for c in range(cpus)]
        names += ["kacpid", "kacpi_notify", "kacpi_hotplug", "ata_aux"] + [
            f"ata_sff/{c}" for c in range(cpus)
        ]
        names += ["ksuspend_usbd", "khubd", "kseriod"] + [f"md/{c}" for c in range(cpus)]
        names += [f"md_misc/{c}" for c in range(cpus)] + [
            "linkwatch",
            "khungtaskd",
            "kswapd0",
            "ksmd",
            "khugepaged",
        ]
        names += [f"aio/{c}" for c in range(cpus)] + [f"crypto/{c}" for c in range(cpus)]
        names += [f"kthrotld/{c}" for c in range(cpus)] + [
            "pciehpd",
            "kpsmoused",
            "usbhid_resumer",
            "deferwq",
            "kdmremove",
            "kstriped",
            "scsi_eh_0",
            "scsi_eh_1",
            "scsi_eh_2",
            "vmw_pvscsi_wq_2",
            "jbd2/sda1-8",
            "ext4-dio-unwrit",
            "jbd2/sda3-8",
            "ext4-dio-unwrit",
            "jbd2/sda6-8",
            "ext4-dio-unwrit",
            "kauditd",
            "vmmemctl",
            "flush-8:0",
        ]
        names += [f"kondemand/{c}" for c in range(cpus)] + [f"kslowd00{n}" for n in range(cpus)]
        names += [
            "jbd2/sda7-8",
            "ext4-dio-unwrit",
            "kmpathd/0",
            "kmpath_handlerd",
            "rpciod/0",
            "nfsiod",
            "scsi_eh_3",
            "ib_addr",
            "infiniband/0",
            "ib_mcast",
            "ib_inform",
            "local_sa",
            "iw_cm_wq",
            "ib_cm/0",
            "rdma_cm",
        ][: 9 + cpus]
        wchans = {
            "kswapd0": "kswapd",
            "ksmd": "ksm_sc",
            "khugepaged": "khugep",
            "khungtaskd": "watchd",
            "kauditd": "kaudit",
            "bdi-default": "bdi_fo",
            "sync_supers": "bdi_sy",
            "flush-8:0": "bdi_wr",
            "vmmemctl": "balloo",
        }
        for name in names:
            wchan = "kjourn" if name.startswith("jbd2") else wchans.get(name, "worker")
            out.append((name, "S", wchan))
    return out


def daemon_defs(gen: str, product: str) -> list[tuple[str, str, str, str, str, float]]:
    """(comm, args, user, STAT, profile, load) of the platform daemons, in start order, parent PID 1."""
    if gen == "new":
        return [
            ("systemd-journal", "/usr/lib/systemd/systemd-journald", "root", "Ss", "small", 0.05),
            ("lvmetad", "/usr/sbin/lvmetad -f", "root", "Ss", "small", 0.0),
            ("systemd-udevd", "/usr/lib/systemd/systemd-udevd", "root", "Ss", "small", 0.0),
            ("auditd", "/sbin/auditd", "root", "S<sl", "small", 0.01),
            ("audispd", "/sbin/audispd", "root", "S<sl", "tiny", 0.0),
            (
                "dbus-daemon",
                "/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation",
                "dbus",
                "Ssl",
                "small",
                0.0,
            ),
            ("polkitd", "/usr/lib/polkit-1/polkitd --no-debug", "polkitd", "Ssl", "small", 0.0),
            ("systemd-logind", "/usr/lib/systemd/systemd-logind", "root", "Ss", "small", 0.0),
            ("irqbalance", "/usr/sbin/irqbalance --foreground", "root", "Ss", "tiny", 0.01),
            ("vmtoolsd", "/usr/bin/vmtoolsd", "root", "Ssl", "small", 0.06),
            ("VGAuthService", "/usr/bin/VGAuthService -s", "root", "Ss", "small", 0.0),
            ("rsyslogd", "/usr/sbin/rsyslogd -n", "root", "Ssl", "small", 0.03),
            ("crond", "/usr/sbin/crond -n", "root", "Ss", "tiny", 0.0),
            ("atd", "/usr/sbin/atd -f", "root", "Ss", "tiny", 0.0),
            ("agetty", "/sbin/agetty --noclear tty1 linux", "root", "Ss+", "tiny", 0.0),
            (
                "chronyd" if product == "IMnP" else "ntpd",
                "/usr/sbin/chronyd" if product == "IMnP" else "/usr/sbin/ntpd -u ntp:ntp -g",
                "chrony" if product == "IMnP" else "ntp",
                "Ss",
                "small",
                0.0,
            ),
            ("sshd", "/usr/sbin/sshd -D", "root", "Ss", "small", 0.0),
            ("tuned", "/usr/bin/python2 -Es /usr/sbin/tuned -l -P", "root", "Ssl", "small", 0.02),
            ("gssproxy", "/usr/sbin/gssproxy -D", "root", "Ssl", "small", 0.0),
            ("rngd", "/sbin/rngd -f", "root", "Ss", "tiny", 0.0),
            ("rpcbind", "/sbin/rpcbind -w", "rpc", "Ss", "tiny", 0.0),
            (
                "pluto",
                "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork",
                "root",
                "Ssl",
                "small",
                0.0,
            ),
            ("master", "/usr/libexec/postfix/master -w", "root", "Ss", "small", 0.0),
        ]
    return [
        ("udevd", "/sbin/udevd -d", "root", "S<s", "tiny", 0.0),
        ("auditd", "auditd", "root", "S<sl", "small", 0.01),
        ("rsyslogd", "/sbin/rsyslogd -i /var/run/syslogd.pid -c 5", "root", "Sl", "small", 0.03),
        ("irqbalance", "irqbalance", "root", "Ss", "tiny", 0.01),
        ("dbus-daemon", "dbus-daemon --system", "dbus", "Ss", "small", 0.0),
        ("acpid", "/usr/sbin/acpid", "root", "Ss", "tiny", 0.0),
        ("vmtoolsd", "/usr/sbin/vmtoolsd", "root", "S", "small", 0.06),
        ("sshd", "/usr/sbin/sshd", "root", "Ss", "small", 0.0),
        ("hald", "hald", "haldaemon", "Ssl", "small", 0.0),
        ("xinetd", "xinetd -stayalive -pidfile /var/run/xinetd.pid", "root", "Ss", "tiny", 0.0),
        ("ntpd", "ntpd -u ntp:ntp -p /var/run/ntpd.pid -g", "ntp", "Ss", "small", 0.0),
        ("master", "/usr/libexec/postfix/master", "root", "Ss", "small", 0.0),
        ("crond", "crond", "root", "Ss", "tiny", 0.0),
        ("atd", "/usr/sbin/atd", "root", "Ss", "tiny", 0.0),
    ] + [("mingetty", f"/sbin/mingetty /dev/tty{n}", "root", "Ss+", "tiny", 0.0) for n in range(1, 7)]


# --------------------------------------------------------------------------------------------
# Descriptions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """The seed's case: a parent and its defunct children, PIDs exactly as the seed gives them.

    parent: the comm of a service process on the node, or "sftp" for the IM&P peer connection.
    parent_start None: the parent runs since boot.
    """

    parent: str
    parent_pid: int
    parent_start: str | None
    zombie_pids: tuple[int, ...]
    zombie_starts: tuple[str, ...]
    zombie_comm: str
    zombie_cpu: float = 0.01


@dataclass(frozen=True)
class NodeDesc:
    host: str
    product: str  # CUCM, IMnP, CUC
    role: str  # Publisher / Subscriber
    version: str
    os_version: str
    ip: str
    gen: str  # "old": procps 3.2.8 (RHEL 6); "new": procps-ng 3.3.10 (CentOS 7)
    boot: str
    cpus: int
    mem_mib: int
    cli_user: str  # the platform administrator's OS account (the prompt is always "admin:")
    timezone: str
    detail: str  # `show process list detail` flavour: "ef" or "elf"
    forest: str  # `show process list` flavour: "cmd", "user" or "axjf"
    rng_seed: int
    seed: Seed | None = None
    boot_pids: int = 6000  # the PID counter when the boot settled
    pid_rate: int = 1300  # PIDs per day after the last anchor
    blank_before_header: bool = True  # top prints an empty line before the table
    cluster: tuple[tuple[str, str, str, str], ...] = ()  # (ip, host, role, type) for show network cluster
    domain: str = "corp.example.com"
    peer: str = ""  # IM&P: the node the SFTP connection goes to
    out_of_service: tuple[str, ...] = ()  # services an admin stopped ("Commanded Out of Service")


@dataclass(frozen=True)
class FileSpec:
    """One file of a capture. style: "file" (written by the CLI's `file` option: output only),
    "session" (prompts and outputs, LF), "putty" (raw PuTTY log: header, banner, CRLF, ANSI, pagers).
    gap_min: minutes that pass before this file's first command."""

    name: str
    commands: tuple[str, ...]
    style: str = "session"
    gap_min: float = 0.0


@dataclass(frozen=True)
class Example:
    folder: str
    title: str
    node: NodeDesc
    capture: str  # when the before capture starts
    before: tuple[FileSpec, ...]
    after: tuple[FileSpec, ...]
    after_gap_min: int
    scenario: str
    answer: str  # the seed's answer
    service: str | None  # the display name to restart (None: reboot)


CUCM_CLUSTER = (
    ("10.10.20.11", "cucm-pub", "Publisher", "callmanager"),
    ("10.10.20.12", "cucm-sub1", "Subscriber", "callmanager"),
    ("10.10.20.21", "imp-pub", "Subscriber", "cups"),
)

EX1 = Example(
    folder="ex1_cucm_amc",
    title="Example 1: CUCM, zombie owned by the AMC service",
    node=NodeDesc(
        host="cucm-sub1",
        product="CUCM",
        role="Subscriber",
        version="14.0.1.12900-161",
        os_version="7.0.0.0-4",
        ip="10.10.20.12",
        gen="new",
        boot="2026-10-09 07:22:31",
        cpus=4,
        mem_mib=8192,
        cli_user="admin",
        timezone="Central European Time (Europe/Berlin)",
        detail="ef",
        forest="cmd",
        rng_seed=101,
        seed=Seed("amc", 29815, "2026-10-27 14:05:33", (22908,), ("2026-11-18 23:40:07",), "sh"),
        boot_pids=6100,
        pid_rate=1250,
        cluster=CUCM_CLUSTER,
    ),
    capture="2026-11-19 10:29:41",
    before=(
        FileSpec("show_status.txt", ("show status",)),
        FileSpec("show_version_active.txt", ("show version active",), "file"),
        FileSpec("show_process_load.txt", ("show process load num all",)),
        FileSpec("show_process_list.txt", ("show process list",), "file"),
        FileSpec("show_process_list_detail.txt", ("show process list detail",)),
        FileSpec("utils_service_list.txt", ("utils service list",)),
    ),
    after=(
        FileSpec("restart_amc.txt", ("utils service restart Cisco AMC Service",)),
        FileSpec("show_status.txt", ("show status",), gap_min=1),
        FileSpec("show_process_load.txt", ("show process load num all",), gap_min=2),
        FileSpec("show_process_list_detail.txt", ("show process list detail",)),
    ),
    after_gap_min=35,
    scenario="A CUCM 14 subscriber shows `1 zombie` in `show process load`. The customer sent one file per "
    "command, some with the `admin:` prompt, some written with the CLI's `file` option.",
    answer="PID 22908 is defunct, its PPID is 29815, which is `/usr/local/cm/bin/amc`: the Cisco AMC Service "
    "(Alert Manager and Collector). Restart AMC on this node: `utils service restart Cisco AMC Service`.",
    service="Cisco AMC Service",
)

EX2 = Example(
    folder="ex2_cucm_tracecollection",
    title="Example 2: CUCM, zombie owned by the Trace Collection Service",
    node=NodeDesc(
        host="cucm-sub2",
        product="CUCM",
        role="Subscriber",
        version="11.5.1.21900-40",
        os_version="6.0.0.0-2",
        ip="10.20.30.13",
        gen="old",
        boot="2026-08-23 02:11:09",
        cpus=4,
        mem_mib=8192,
        cli_user="administrator",
        timezone="Eastern Standard Time (America/New_York)",
        detail="ef",
        forest="axjf",
        rng_seed=202,
        seed=Seed("tracecollection", 26732, "2026-09-30 09:41:55", (10025,), ("2026-11-17 21:15:40",), "sh"),
        boot_pids=5200,
        pid_rate=1000,
        blank_before_header=False,
        cluster=(
            ("10.20.30.11", "cucm-pub", "Publisher", "callmanager"),
            ("10.20.30.12", "cucm-sub1", "Subscriber", "callmanager"),
            ("10.20.30.13", "cucm-sub2", "Subscriber", "callmanager"),
        ),
        domain="uc.example.net",
    ),
    capture="2026-11-18 15:02:17",
    before=(
        FileSpec(
            "cli_sub2_2026-11-18.log",
            (
                "show status",
                "show process load",
                "show process load cont",
                "show process load num all",
                "utils service list",
            ),
        ),
        FileSpec("process_list.txt", ("show process list",), "file"),
        FileSpec("process_list_detail.txt", ("show process list detail",), "file"),
    ),
    after=(
        FileSpec(
            "cli_sub2_2026-11-18_after.log",
            (
                "utils service restart Cisco Trace Collection Service",
                "show status",
                "show process load num all",
            ),
        ),
        FileSpec("process_list_detail_after.txt", ("show process list detail",), "file"),
    ),
    after_gap_min=48,
    scenario="A CUCM 11.5 subscriber (RHEL 6 based, old `top`). The first `show process load` shows only the "
    "top 10 processes: the zombie count is 1 but the zombie is not in the table. `show process load "
    "cont` (three snapshots, stopped with Ctrl-C) shows the count is stable. The listings were written "
    "with the CLI's `file` option; `show process list` is a BSD job-format forest (`ps axjf`-like, "
    "PPID before PID), and ps prints numeric UIDs for user names longer than 8 characters.",
    answer="PID 10025 is defunct, its PPID is 26732, which is `tracecollectionservice` (`tracecollection` in "
    "top): the Cisco Trace Collection Service. Restart it: `utils service restart Cisco Trace Collection "
    "Service`.",
    service="Cisco Trace Collection Service",
)

EX3 = Example(
    folder="ex3_cucm_cdrrep",
    title="Example 3: CUCM publisher, zombie owned by the CDR Repository Manager",
    node=NodeDesc(
        host="cucm-pub",
        product="CUCM",
        role="Publisher",
        version="12.5.1.14900-63",
        os_version="7.0.0.0-4",
        ip="172.16.8.10",
        gen="new",
        boot="2026-09-17 22:40:03",
        cpus=8,
        mem_mib=12288,
        cli_user="administrator",
        timezone="Coordinated Universal Time (Etc/UTC)",
        detail="ef",
        forest="cmd",
        rng_seed=303,
        seed=Seed("cdrrep", 26764, "2026-11-02 06:00:12", (23959,), ("2026-11-19 18:30:02",), "sh"),
        boot_pids=6600,
        pid_rate=1700,
        out_of_service=("Cisco Serviceability Reporter",),
        cluster=(
            ("172.16.8.10", "cucm-pub", "Publisher", "callmanager"),
            ("172.16.8.11", "cucm-sub1", "Subscriber", "callmanager"),
        ),
        domain="voice.example.org",
    ),
    capture="2026-11-20 10:29:41",
    before=(
        FileSpec(
            "putty_cucm-pub_2026-11-20.log",
            (
                "show status",
                "show version active",
                "show process load num all",
                "show process list",
                "show process list detail",
                "utils service list",
            ),
            "putty",
        ),
    ),
    after=(
        FileSpec(
            "putty_cucm-pub_2026-11-20_after.log",
            (
                "utils service restart Cisco CDR Repository Manager",
                "show status",
                "show process load num all",
                "show process list detail",
            ),
            "putty",
        ),
    ),
    after_gap_min=41,
    scenario="A CUCM 12.5 publisher. The customer kept PuTTY's raw session log: the PuTTY header, the login "
    "banner, CRLF line ends, ANSI codes, a typo corrected with backspaces, and two kinds of pager "
    "prompts (some glued to the data, some erased with `\\r` + spaces + `\\r`).",
    answer="PID 23959 is defunct, its PPID is 26764, which is `/usr/local/cm/bin/cdrrep`: the Cisco CDR "
    "Repository Manager. Restart it: `utils service restart Cisco CDR Repository Manager`.",
    service="Cisco CDR Repository Manager",
)

EX4 = Example(
    folder="ex4_cuc_filesync",
    title="Example 4: Unity Connection, three zombies owned by the Connection File Syncer",
    node=NodeDesc(
        host="cuc-sub",
        product="CUC",
        role="Subscriber",
        version="11.5.1.12900-21",
        os_version="6.0.0.0-2",
        ip="10.10.40.12",
        gen="old",
        boot="2026-05-01 04:12:44",
        cpus=4,
        mem_mib=6144,
        cli_user="cucadmin",
        timezone="Central European Time (Europe/Berlin)",
        detail="elf",
        forest="cmd",
        rng_seed=404,
        seed=Seed(
            "CuFileSync",
            7827,
            None,
            (325, 370, 387),
            ("2026-11-16 01:00:04", "2026-11-16 01:00:34", "2026-11-16 01:01:05"),
            "rsync",
            0.04,
        ),
        boot_pids=9400,
        pid_rate=450,
    ),
    capture="2026-11-20 08:45:10",
    before=(
        FileSpec("status.txt", ("show status",), "file"),
        FileSpec("load.txt", ("show process load num all",), "file"),
        FileSpec("ps_list.txt", ("show process list",), "file"),
        FileSpec("ps_detail.txt", ("show process list detail",), "file"),
        FileSpec("services.txt", ("utils service list",)),
    ),
    after=(
        FileSpec("restart_filesync.txt", ("utils service restart Connection File Syncer", "show status")),
        FileSpec("load_after.txt", ("show process load num all",), "file", gap_min=3),
        FileSpec("ps_detail_after.txt", ("show process list detail",), "file"),
    ),
    after_gap_min=27,
    scenario="A Unity Connection 11.5 subscriber up for more than 200 days: the PID counter wrapped (Linux "
    "restarts it at 300), so the zombies have PIDs far below their parent's. `show process list "
    "detail` here is a long listing (`ps -elf`-like: F S UID PID PPID C PRI NI ADDR SZ WCHAN ...).",
    answer="PIDs 325, 370 and 387 are defunct, all with PPID 7827, which is "
    "`/usr/local/unity/bin/CuFileSync`: the Connection File Syncer. Restart it: "
    "`utils service restart Connection File Syncer`.",
    service="Connection File Syncer",
)

EX5 = Example(
    folder="ex5_imnp_sftp",
    title="Example 5: IM and Presence, a defunct ssh under an SFTP connection to the peer node",
    node=NodeDesc(
        host="imp-pub",
        product="IMnP",
        role="Publisher",
        version="12.5.1.14900-4",
        os_version="7.0.0.0-4",
        ip="10.10.20.21",
        gen="new",
        boot="2026-11-01 05:02:18",
        cpus=4,
        mem_mib=8192,
        cli_user="admin",
        timezone="Pacific Standard Time (America/Los_Angeles)",
        detail="ef",
        forest="user",
        rng_seed=505,
        seed=Seed("sftp", 1775, "2026-11-20 03:15:02", (1806,), ("2026-11-20 03:15:03",), "ssh", 0.02),
        boot_pids=5500,
        pid_rate=1500,
        cluster=(
            ("10.10.20.21", "imp-pub", "Publisher", "cups"),
            ("10.10.20.22", "imp-sub1", "Subscriber", "cups"),
        ),
        peer="imp-sub1",
    ),
    capture="2026-11-20 09:12:40",
    before=(
        FileSpec(
            "imp-pub_session.txt",
            (
                "show status",
                "show network cluster",
                "show process load num all",
                "show process list",
                "show process list detail",
                "utils service list",
            ),
        ),
    ),
    after=(
        FileSpec("01_utils_system_restart.txt", ("utils system restart",)),
        FileSpec(
            "02_after_reboot.txt",
            ("show status", "show process load num all", "show process list detail"),
            gap_min=19,
        ),
    ),
    after_gap_min=70,
    scenario="An IM and Presence 12.5 publisher. The parent of the defunct `ssh` is an `sftp` session "
    "(`adminsftp@imp-sub1...`) to the other IM&P node of the cluster, orphaned under PID 1. The seed "
    "calls these cosmetic: a reboot of the server clears them, no service restart is needed.",
    answer="PID 1806 is defunct, its PPID is 1775, an SFTP connection to the other IM&P node (`imp-sub1`). "
    "Cosmetic; cleared by a reboot: `utils system restart` (in a maintenance window).",
    service=None,
)

EXAMPLES = (EX1, EX2, EX3, EX4, EX5)

# The cluster bundle: the publisher and the IM&P node are healthy, cucm-sub1 is example 1's node.
CLUSTER_NODES = (
    NodeDesc(
        host="cucm-pub",
        product="CUCM",
        role="Publisher",
        version="14.0.1.12900-161",
        os_version="7.0.0.0-4",
        ip="10.10.20.11",
        gen="new",
        boot="2026-10-09 06:58:12",
        cpus=8,
        mem_mib=12288,
        cli_user="admin",
        timezone="Central European Time (Europe/Berlin)",
        detail="ef",
        forest="cmd",
        rng_seed=611,
        boot_pids=6400,
        pid_rate=1500,
        cluster=CUCM_CLUSTER,
    ),
    EX1.node,
    NodeDesc(
        host="imp-pub",
        product="IMnP",
        role="Publisher",
        version="14.0.1.12900-5",
        os_version="7.0.0.0-4",
        ip="10.10.20.21",
        gen="new",
        boot="2026-10-09 07:45:50",
        cpus=4,
        mem_mib=8192,
        cli_user="admin",
        timezone="Central European Time (Europe/Berlin)",
        detail="ef",
        forest="cmd",
        rng_seed=633,
        boot_pids=5300,
        pid_rate=1400,
        cluster=CUCM_CLUSTER,
    ),
)
CLUSTER_CAPTURE = "2026-11-19 10:05:12"
CLUSTER_FILES = (
    FileSpec("show_status.txt", ("show status",)),
    FileSpec("show_network_cluster.txt", ("show network cluster",)),
    FileSpec("show_process_load_num_all.txt", ("show process load num all",)),
    FileSpec("show_process_list_detail.txt", ("show process list detail",)),
    FileSpec("utils_service_list.txt", ("utils service list",)),
)
CLUSTER_ZIP = "cluster_cucm_imp.zip"


# --------------------------------------------------------------------------------------------
# Building a node
# --------------------------------------------------------------------------------------------


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
    loads: tuple[float, ...] = (0.5, 0.5, 0.5)
    mem_used: float = 0.7  # fractions of mem_total: used by processes, buffers + cache (rest free)
    mem_cache: float = 0.2
    swap_used: int = 0
    pending_reboot: datetime | None = None

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
        for when, pid in points:
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
    if seed is not None:
        state.reserved.update((seed.parent_pid, *seed.zombie_pids))
    gen = desc.gen

    # PID 1 and the kernel threads
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
    # kworkers come and go: a few recent ones with late PIDs
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

    # platform daemons
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

    # Service Manager and the services it starts
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
    for service in services_of(desc.product, desc.role, gen):
        if service.state != "run" or service.proc is None or service.name in desc.out_of_service:
            continue
        t += timedelta(seconds=rng.uniform(1.0, 9.0))
        spec = service.proc
        started = t
        fixed = None
        if seed is not None and spec.comm == seed.parent:
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

    if desc.product == "IMnP":  # the TimesTen main daemon and its helpers (the datastores are services)
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

    # the IM&P peer SFTP connection of example 5, orphaned under PID 1
    if seed is not None and seed.parent == "sftp":
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

    # the zombies of the seed
    if seed is not None:
        parent = state.procs[seed.parent_pid]
        for pid, when in zip(seed.zombie_pids, seed.zombie_starts, strict=True):
            state.add(
                Proc(
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
            )

    if cli_at is not None:
        login(state, cli_at)
    return state


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


# --------------------------------------------------------------------------------------------
# Formatting helpers (procps conventions)
# --------------------------------------------------------------------------------------------


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
    """TIME+: M:SS.hh, or MMMM:SS when the minutes get long."""
    hundredths = int(round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    text = f"{minutes}:{rest // 100:02d}.{rest % 100:02d}"
    if len(text) <= 9:
        return text
    return f"{minutes}:{rest // 100:02d}"


def ps_time(seconds: float) -> str:
    """ps TIME: [DD-]HH:MM:SS."""
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


# --------------------------------------------------------------------------------------------
# Renderers: one per command, each returns the output lines
# --------------------------------------------------------------------------------------------


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
    state.loads = tuple(max(0.01, value + d) for value, d in zip(state.loads, drift, strict=True))
    return tuple(round(value, 2) for value in state.loads)  # type: ignore[return-value]


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


# --------------------------------------------------------------------------------------------
# Capture files: plain outputs, sessions, raw PuTTY logs
# --------------------------------------------------------------------------------------------

ESC = "\x1b"
PAGER_PRESS = "Press <enter> for 1 line, <space> for one page, or <q> to quit"


def banner(state: NodeState) -> list[str]:
    d = state.desc
    cpu = (
        "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz"
        if d.gen == "new"
        else "Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz"
    )
    return [
        "Command Line Interface is starting up, please wait ...",
        "",
        f"   {ESC}[1mWelcome to the Platform Command Line Interface{ESC}[0m",
        "",
        "VMware Installation:",
        f"        {d.cpus} vCPU: {cpu}",
        f"        Disk 1: {110 if d.gen == 'new' else 80}GB, Partitions aligned",
        f"        {d.mem_mib} Mbytes RAM",
        "",
    ]


def page_options(lines: list[str], rng: random.Random, size: int = 20) -> list[str]:
    """The `options: q=quit, ...` pager: a prompt after every page, erased before the next data line."""
    total = len(lines)
    out: list[str] = []
    for start in range(0, total, size):
        chunk = list(lines[start : start + size])
        prompt = (
            f"options: q=quit, n=next, p=prev, b=begin, e=end (lines {start + 1} - {start + len(chunk)} "
            f"of {total}) :"
        )
        if out:
            chunk[0] = out.pop() + chunk[0]
        out += chunk
        out.append(prompt + "\r" + " " * len(prompt) + "\r")
    out[-1] += "end of the file reached"
    return out


def page_press(lines: list[str], rng: random.Random, size: int = 22) -> list[str]:
    """The `Press <enter> ...` pager: bold prompt; erased with ESC[K, or glued to the next data line."""
    out: list[str] = []
    for start in range(0, len(lines), size):
        chunk = list(lines[start : start + size])
        if out:
            previous = out.pop()
            chunk[0] = previous + chunk[0]
        out += chunk
        if start + size < len(lines):
            glued = rng.random() < 0.3
            out.append(f"{ESC}[1m{PAGER_PRESS}{ESC}[0m" + ("" if glued else f"\r{ESC}[K"))
    return out


def typed(command: str, rng: random.Random, typo: bool) -> str:
    """The command as the terminal echoed it; with `typo`, a wrong letter rubbed out with backspace."""
    if not typo:
        return command
    cut = len(command) - 3
    return command[:cut] + "x\b \b" + command[cut:]


def render_file(state: NodeState, spec: FileSpec, when: datetime) -> tuple[str, NodeState, datetime]:
    """Run a file's commands on the node from `when`; return the text, the node and the end time."""
    rng = state.rng
    out: list[str] = []
    putty = spec.style == "putty"
    if putty:
        out.append(f"=~=~=~=~=~=~=~=~=~=~=~= PuTTY log {when:%Y.%m.%d %H:%M:%S} =~=~=~=~=~=~=~=~=~=~=~=")
        state_login = when + timedelta(seconds=4)
        login(state, state_login)
        out += banner(state)
        when += timedelta(seconds=9)
    for n, command in enumerate(spec.commands):
        when += timedelta(seconds=rng.randint(6, 25))
        result = run_command(state, command, when)
        if spec.style != "file":
            echo = typed(command, rng, putty and command == "show process list detail")
            out.append(f"admin:{ESC}[K{echo}" if putty and n % 2 else f"admin:{echo}")
        if putty and command == "show process list detail":
            result = page_options(result, rng)
        elif putty and command == "show process list":
            result = page_press(result, rng)
        out += result
        when += timedelta(seconds=max(2, len(result) // 60))
        if state.pending_reboot is not None:
            break
    if spec.style != "file" and state.pending_reboot is None:
        out.append("admin:")
    newline = "\r\n" if putty else "\n"
    return newline.join(out) + newline, state, when


def render_capture(
    state: NodeState, files: tuple[FileSpec, ...], start: datetime
) -> tuple[dict[str, str], NodeState]:
    texts: dict[str, str] = {}
    when = start
    for spec in files:
        when += timedelta(minutes=spec.gap_min)
        if state.pending_reboot is not None:
            state = reboot(state, state.pending_reboot, when)
        texts[spec.name], state, when = render_file(state, spec, when)
    return texts, state


# --------------------------------------------------------------------------------------------
# READMEs
# --------------------------------------------------------------------------------------------


def defunct_lines(texts: dict[str, str]) -> list[str]:
    hits = []
    for name, text in texts.items():
        for number, line in enumerate(text.split("\n"), start=1):
            if line.rstrip("\r").endswith("<defunct>"):
                clean = line.rstrip("\r").split("\r")[-1]
                hits.append(f"- `{name}` line {number}: `{clean.strip()}`")
    return hits


def parent_lines(texts: dict[str, str], parent: int) -> list[str]:
    """Where the parent's own row is: a listing row naming `parent` that is not a defunct child."""
    hits = []
    for name, text in texts.items():
        for number, line in enumerate(text.split("\n"), start=1):
            clean = line.rstrip("\r").split("\r")[-1]
            words = clean.split()
            if "<defunct>" in clean or str(parent) not in words[:4] or "/" not in clean:
                continue
            hits.append(f"- `{name}` line {number}: `{clean.strip()[:110]}`")
    return hits


def example_readme(ex: Example, before: dict[str, str], after: dict[str, str]) -> str:
    d = ex.node
    seed = d.seed
    assert seed is not None
    gen = (
        "procps-ng 3.3.10 (CentOS 7 based UCOS): `KiB Mem :` summary, users cut to 7 characters + `+`"
        if d.gen == "new"
        else "procps 3.2.8 (RHEL 6 based UCOS): `Cpu(s): ..%us` and `Mem: ...k total` summary, users "
        "silently cut to 8 characters, ps shows numeric UIDs for longer names"
    )
    flavours = {
        "ef": "`ps -ef`-like (UID PID PPID C STIME TTY TIME CMD)",
        "elf": "`ps -elf`-like (F S UID PID PPID C PRI NI ADDR SZ WCHAN STIME TTY TIME CMD)",
        "cmd": "forest (PID PPID STAT CMD with `\\_` markers)",
        "user": "forest with users (USER PID PPID STAT CMD with `\\_` markers)",
        "axjf": "`ps axjf`-like forest (PPID PID PGID SID TTY TPGID STAT UID TIME COMMAND)",
    }
    zombies = ", ".join(str(p) for p in seed.zombie_pids)
    lines = [
        f"# {ex.title}",
        "",
        ex.scenario,
        "",
        f"- Node: `{d.host}` ({d.product} {d.version}, {d.role.lower()}), up since {d.boot}.",
        f"- `show process load`: {gen}.",
        f"- `show process list detail`: {flavours[d.detail]}; `show process list`: {flavours[d.forest]}.",
        "",
        "## Files",
        "",
        "`before/`:",
        "",
    ]
    style = {
        "file": "output only (written with the CLI's `file` option)",
        "session": "with `admin:` prompts",
        "putty": "raw PuTTY log",
    }
    for spec in ex.before:
        lines.append(f"- `{spec.name}`: {', '.join(f'`{c}`' for c in spec.commands)}; {style[spec.style]}")
    lines += ["", "`after/`:", ""]
    for spec in ex.after:
        lines.append(f"- `{spec.name}`: {', '.join(f'`{c}`' for c in spec.commands)}; {style[spec.style]}")
    lines += [
        "",
        "## What to look for",
        "",
        f"1. The `Tasks:` line of `show process load`: `{len(seed.zombie_pids)} zombie`.",
        "2. The word `defunct` in the process listings:",
        "",
        *defunct_lines(before),
        "",
        f"3. The PPID of the defunct row(s), {seed.parent_pid}, and the row whose PID is {seed.parent_pid}:",
        "",
        *parent_lines(before, seed.parent_pid),
        "",
        "4. The service that owns it, in `utils service list` and the service catalogue.",
        "",
        "## The seed's answer",
        "",
        ex.answer,
        "",
        f"Zombie PID(s): {zombies}; parent PID: {seed.parent_pid}.",
        "",
        "## After",
        "",
    ]
    if ex.service:
        lines.append(
            f"`after/` holds `utils service restart {ex.service}`, then the checks: the zombie count is "
            "0, no `<defunct>` row is left, and the service's process is back with a new PID and a new "
            "start time."
        )
    else:
        lines.append(
            "`after/` holds `utils system restart` and the checks after the reboot: a short uptime, new "
            "PIDs, the zombie count is 0 and no `<defunct>` row is left."
        )
    lines += [
        "",
        "```",
        f"ucnb analyze sample_outputs/{ex.folder}/before",
        f"ucnb verify sample_outputs/{ex.folder}/before sample_outputs/{ex.folder}/after",
        "```",
        "",
    ]
    return "\n".join(lines)


def index_readme() -> str:
    lines = [
        "# Sample captures",
        "",
        "Synthetic but realistic admin-CLI captures of Cisco UC servers, one folder per worked example "
        "of the seed document (`zombie-troubleshooting-uc.txt`), with the seed's PIDs. Each has `before/` "
        "(the zombies) and `after/` (the remediation and the checks), and a README.",
        "",
        "| folder | product | node | zombie PID(s) <- parent | owner | remedy |",
        "|---|---|---|---|---|---|",
    ]
    for ex in EXAMPLES:
        seed = ex.node.seed
        assert seed is not None
        remedy = (
            f"`utils service restart {ex.service}`" if ex.service else "`utils system restart` (cosmetic)"
        )
        owner = ex.service or "SFTP to the peer IM&P node"
        lines.append(
            f"| [`{ex.folder}`]({ex.folder}/README.md) | {ex.node.product} {ex.node.version} | "
            f"`{ex.node.host}` | {', '.join(map(str, seed.zombie_pids))} <- {seed.parent_pid} | {owner} | "
            f"{remedy} |"
        )
    lines += [
        "",
        f"`{CLUSTER_ZIP}`: a cluster bundle as customers zip it, one folder per node (`cucm-pub/`, "
        "`cucm-sub1/`, `imp-pub/`), each with `show status`, `show network cluster`, `show process load "
        "num all`, `show process list detail` and `utils service list`. Only `cucm-sub1` has a zombie "
        "(example 1's AMC case); the publisher and the IM&P node are clean.",
        "",
        "## How they are made",
        "",
        "`tools/make_samples.py` generates every file from one description per example: it simulates each "
        "node once (kernel threads, init/systemd, platform daemons, Service Manager and the product's "
        "services, Informix instances, the admin CLI session) with a PID counter that wraps at 32768 back "
        "to 300, then renders each command from that state, so PIDs, users, start times, CPU times and "
        "counts agree across files. Both `top` generations (procps 3.2.8 and procps-ng 3.3.10), several "
        "listing flavours, files with and without prompts, a raw PuTTY log (ex3) and a zip are covered.",
        "",
        "```",
        "python tools/make_samples.py          # regenerate after changing the descriptions",
        "python tools/make_samples.py --check  # exit 1 when the committed files differ",
        "```",
        "",
        "Do not edit the files by hand: `tests/test_samples.py` checks that they equal the generator's "
        "output.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The whole tree
# --------------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, str]) -> bytes:
    """A byte-deterministic zip: sorted members, fixed timestamps and attributes, stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 19, 10, 30, 0))
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, members[name].encode("utf-8"))
    return buffer.getvalue()


def generate() -> dict[str, bytes]:
    """Every generated file, path relative to sample_outputs/ -> bytes."""
    files: dict[str, bytes] = {}
    for ex in EXAMPLES:
        capture = ts(ex.capture)
        state = build_node(ex.node, cli_at=capture - timedelta(seconds=50))
        before, state = render_capture(state, ex.before, capture)
        login(state, capture + timedelta(minutes=ex.after_gap_min - 1))
        after, state = render_capture(state, ex.after, capture + timedelta(minutes=ex.after_gap_min))
        for name, text in before.items():
            files[f"{ex.folder}/before/{name}"] = text.encode("utf-8")
        for name, text in after.items():
            files[f"{ex.folder}/after/{name}"] = text.encode("utf-8")
        files[f"{ex.folder}/README.md"] = example_readme(ex, before, after).encode("utf-8")
    members: dict[str, str] = {}
    start = ts(CLUSTER_CAPTURE)
    for n, desc in enumerate(CLUSTER_NODES):
        at = start + timedelta(minutes=4 * n)
        state = build_node(desc, cli_at=at - timedelta(seconds=45))
        texts, _ = render_capture(state, CLUSTER_FILES, at)
        for name, text in texts.items():
            members[f"{desc.host}/{name}"] = text
    files[CLUSTER_ZIP] = zip_bytes(members)
    files["README.md"] = index_readme().encode("utf-8")
    return files


def write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Replace the generated entries under `out` (only those this script owns)."""
    out.mkdir(parents=True, exist_ok=True)
    for ex in EXAMPLES:
        shutil.rmtree(out / ex.folder, ignore_errors=True)
    for name, data in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def check(out: Path) -> list[str]:
    """Names of files that differ between `out` and a fresh generation (missing, extra or changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        write_tree(Path(tmp), generate())
        fresh = read_tree(Path(tmp))
    committed = read_tree(out) if out.exists() else {}
    return sorted(name for name in set(fresh) | set(committed) if fresh.get(name) != committed.get(name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="target folder (default: sample_outputs/)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the files in --out differ")
    args = parser.parse_args(argv)
    if args.check:
        differing = check(args.out)
        for name in differing:
            print(f"differs: {name}", file=sys.stderr)
        if differing:
            print("run: python tools/make_samples.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    files = generate()
    write_tree(args.out, files)
    print(f"wrote {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
