"""What Service Manager starts on a node: the services of each product and how their processes look."""

from __future__ import annotations

from dataclasses import dataclass

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
