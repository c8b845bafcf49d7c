"""The allow-list: what a redacted copy or report keeps verbatim. Everything else is a placeholder.

A text is cut into pieces (runs of letters and digits; `_`, `.`, `-`, `/`, spaces... stay as they
are, so the columns' structure, paths and options keep their shape). A piece is kept when it is:
- a number (PIDs, times, dates, sizes, versions: runs of digits), a single letter (states, short
  options) or two letters (`sh`, `cp`, `ps`);
- a shape that names nothing: a size or a JVM option (`512m`, `Xmx512m`, `Xss256k`), a day of the
  month (`Oct09`), a device or kernel thread (`eth0`, `sda1`, `kworker`);
- a name the catalogue knows: a service, a process, a word of its argument patterns, a word of its
  restart commands (`ucnb/data/services.toml`); a command word of the table of commands ucnb reads;
- an account of the appliance itself (`root`, `informix`: `ucnb.redact.names.SYSTEM_ACCOUNTS`);
- a word of the UC CLI's and Linux's own output (`WORDS` below: column headers, field labels, states,
  banner words, Linux paths and kernel threads), compared ignoring case.

    >>> allowed = AllowList.default()
    >>> [allowed.kind(p) for p in ("ccm", "Xmx512m", "1775", "Publisher", "acme", "ACME", "cucm01")]
    ['catalogue name', 'number or shape', 'number or shape', 'CLI or Linux word', None, None, None]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.read.parsers.commands import COMMANDS
from ucnb.redact.names import FILE_SUFFIXES, GENERIC_NAMES, SYSTEM_ACCOUNTS

# Words of the UC CLI's and Linux's own output; lower case.
WORDS = frozenset(
    """
    a about absent access accounting activated active adapter addr address admin administration
    administrative after agent aio alert all amc an analyzer and apache api apis app appliance application
    apps archiver are as assistant async at atd audit auditd auth authenticated authentication authority
    auto available average avail axl back backup balance balloon bandwidth base based bash batch bdflush bdi
    before begin being below bh bin bind bioset blocked bootstrap both broadcast buff buffers bulk bundle
    busy but by bytes cache cached call callmanager calls cap capf capture captures car cat catalina ccm
    central certificate certificates cgroup change check child children chrony chronyd cisco class classpath
    clean cleared cli client close closed cluster cm cmd cmoninit code collection collector com command
    commanded commands committed communications conf conference config configuration connected connection
    connections console cont contents conversation coordinated copy copyright core count counter cp cpu
    cpus cpuset credential crond cron crypto ctl cuc cucm cups current cut daemon daemons data database
    datastore date day days db dbpub dbsub dbus dd debug default defunct deferwq description detail dev
    device dhcp diagnostic dialed digital dio directory dirsync disabled disk do docs done down drf dump
    each ecryptfs edac enabled end ends engine enter entries entry env ep error errors etc eth event events
    exit expiry ext extended extension f false federation fifo file files filesync find flush for forest
    found free from function functions futex gb gc ghz gid gigabytes gold group guest handler handlerd
    hald haldaemon header help hi high host hostagt hostname hotplug hours hrtime hwrng i id idle if ils im
    imap imnp imp in inactive info informix init initfd installation installed instance instances intel
    inter intercluster interface io iowait ip ipsec iptplatform ipv irq irqbalance is java jakarta jar jbd
    jbd2 jdk jetty job journal journald jre kb kernel kib kthreadd kworker last layer leak level lib
    libexec license licensing limit line lines linux list listening listing load loaded local locale
    localhost location log logger logging login logind logs lookup lru ls mailbox main manager master max
    mb mbytes media mem memory message messages messaging mgr mib migration min minutes mixer mobility
    monitor monitoring mount name names native net netns network networking new next nice no node nodes
    none not notification notifier now ntp ntpd null num number oam of off ok on once only open openssh
    opt option options or orphaned os other out output owned owner page pager parent partition partitions
    path per performance personal phone pid pidfile pids pipe platform please pm poll poller port postfix
    ppid presence press prev pri primary priority priv process processes processnode processor procps
    product profile prompt properties provider provisioning proxy ps pts pub publisher putty quit r ram
    rcu read real recognizer recovery reg registration release remote replication replicator report
    reporter repository requesting res resources restart restarted restarting return rhel ris risdc role
    root route router row rows rpc rpcbind rpciod rss rsync rsyslogd rt rtmt run running runtime sbin
    scheduler scsi sdk server servers service serviceability services servlet servm session sessions
    sftp sh share shared shell show shr shutdown si sid since size sleep sleeping smart snmp snmpd snmpdm
    soap socket soft software space speech srm ssh sshd ssl standard start started starting startup stat
    state stats status stime stopped stopping streaming sub subagent subscriber successful summary swap
    sync syncer syslog syslogd system systemd table tail tasks tcp text tftp thread threads time timesten
    timezone tmp tomcat tool tools top total trace transfer trust tty uc ucos udev udevd uid uids unified
    unity universal unix unknown up upgrade uptime us usr use used user users using util utils var ver
    verification version view virt vmtoolsd vmware voice vsz wait warning watchdog watcher wchan web
    webdialer welcome what when with worker workqueue writeback xcp xeon xinetd xml xmpp yes zombie
    zombies zone

    adminsftp- dbmon ccmservice ccmbase sipproxy cdragent cdpd cdpagt ccmagt sappagt hostagt
    capf ctftp ipvmsd tracecollection rotatelogs stayalive cliscript clm tvs lbm carschlr cdrrep
    amc dblrpc replwatcher oninit caroninit cupsd ttlogin ttreg ttroute ttsoft timestend timestenrepd
    timestensubd agetty mingetty acpid kacpid khelper khubd kblockd kswapd ksoftirqd kthrotld ksmd
    khugepaged khungtaskd kintegrityd kmpathd kdmflush kdmremove kseriod kslowd kstriped ksuspend
    kauditd kaudit kdevtmpfs kpsmoused kjournald kupdated pdflush keventd aio kondemand kaluad
    watchdogd irqbalance rngd tuned polkitd gssproxy lvmetad crond rsyslogd auditd audispd postfix
    pickup qmgr vmtoolsd vgauthservice vmmemctl pvscsi deferwq writeback linkwatch bioset xfsalloc
    xprtiod nfsiod rpciod netns ipv4 ipv6 inet inet6 mask loopback ether eth0 lo

    ms kb mb gb tb kib mib gib tib k m g t ki mi gi
    jan feb mar apr may jun jul aug sep oct nov dec
    mon tue wed thu fri sat sun
    utc gmt est edt cst cdt mst mdt pst pdt cet cest bst ist jst aest aedt eet eest wet west
    x86 x86_64 amd64 el6 el7 el8 el9 centos redhat rhel64

    xms xmx xss xx usegc useserialgc useparallelgc useg1gc useconcmarksweepgc djava dcom dorg djetty
    dcatalina dservice dcli dfile dlog4j log4j configuration properties djdk djavax dsun
    cp classpath server client headless true false home base tmpdir encoding utf utf8 endorsed dirs
    security policy manager ext library jvm jmx remote authenticate port

    host domain example user password name id case note person
    switched deserialize itlfile ctlfile tlv
    target once verbose quiet help config dir output input timeout retry retries daemon foreground
    force recursive mode level type format interval count delay wait keep alive keepalive batch
    connect connecttimeout serveraliveinterval stricthostkeychecking batchmode identityfile
    forwardx11 compression cipher port_number nohup exec bash sh ksh csh zsh env sudo cat grep awk sed
    sort uniq head tail less more tee xargs find chmod chown mkdir rmdir rm mv ln touch kill killall
    pkill pgrep nice renice sleep true false test echo printf read date hostname uname ping ssh scp
    sftp rsync curl wget tar gzip gunzip zip unzip openssl keytool java javac python python3 perl
    ruby node npm stdin stdout stderr null dev proc sys run tmp var opt home root usr bin sbin lib
    lib64 libexec share etc common reboot rebooted system_restart
    acpi activation add addrconf aligned aux axjf balloon bufio ccmserv ccmservi cdrondemand cnf conver
    cusrm drain eclipse elf elm infiniband inform j2sdk kacpi khugep kjourn kmpath kslowd kswapd ksm
    ksofti kstrp kthrea mcast mib mib2 migrat misc nfit noclear nofork nopidfile notify pciehpd pgid
    tpgid pluto pol polkit portal rdacd resumer rsv sched sff smartlic smartlicensemanager smartlicmgr
    snl snmpri stopper supers tcplocal thermal thirdparty tmf ttm unwrit usbd usbhid uxl vcpu vmw wai
    watchd haldaemo balloo ail apl ata detx
    the a an of to in on at by for with from and or not no is are was were be been this that these
    those it its as if then than so but any some each one two three more most less few many much very
    also just here there where which who how why long getting reached
    pdh tsv perfmon vmrss vmsize vmdata sleeping uninterruptible stopped paging eastern pacific mountain
    atlantic daylight
    again later still only when while until within without into onto over under above between through
    during do does did has have had can cannot could should would will might must need needs see seen
    shows shown says said your you we our they their them whether grows growth kit sure
    """.split()
)
# Prefixes that take a number as a device or a kernel thread does (`eth0`, `sda1`, `kworker1`).
_NUMBERED = re.compile(
    r"(?i)(?:eth|ens|eno|em|lo|sd[a-z]|vd[a-z]|xvd[a-z]|hd[a-z]|nvme|md|dm|loop|tty|ttys|pts|cpu|core|"
    r"node|irq|kworker|ksoftirqd|migration|watchdog|scsi_eh_|jbd|el|x|v|u|s|p|q|rc|ver|bin|lib|java|jdk|"
    r"jre|python|tomcat|log4j|utf|ipv|inet|xfs|ext|kslowd|kswapd|mib)\d{1,4}[a-z]?"
)
_TERMINAL_GLUE = re.compile(r"(?:\d{1,3}m|K)([A-Za-z][a-z]{2,})")
_SHAPE = re.compile(
    r"\d+"
    r"|\d+(?:[kmgt]i?b?|[kmgt]bytes|ms|s|h|d|m|x|st|nd|rd|th|k|%)"  # sizes, times, ordinals
    r"|x(?:mx|ms|ss|mn)\d+[kmg]?"  # JVM memory options (Xmx512m)
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\d{1,2}"  # ps STIME (Oct09)
    r"|\d{1,2}(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\d{0,4}"  # 09Oct2026
    r"|\d{1,2}(?:am|pm)"  # top's clock (4:46pm)
    r"|\d+[a-z]|[a-z]\d+",  # 1H (kworker/0:1H), v2, s001
    re.IGNORECASE,
)


def _words_of(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+|[^\W_]+", text)}


def _literal_words(pattern: str) -> set[str]:
    """The literal words of a regular expression (`(?<![A-Za-z0-9])cdrrep(?!...)` -> cdrrep)."""
    stripped = re.sub(r"\[[^\]]*\]|\\[A-Za-z]|\(\?[<!=:i]*", " ", pattern)
    return {w for w in _words_of(stripped) if len(w) > 1}


@dataclass(frozen=True)
class AllowList:
    """The pieces kept verbatim, by kind (see the module's docstring)."""

    catalogue: frozenset[str]
    accounts: frozenset[str]
    words: frozenset[str]

    @classmethod
    @cache
    def default(cls) -> AllowList:
        """The catalogue's names and the command table's words, the appliance's accounts, `WORDS`."""
        names: set[str] = set()
        for service in CATALOGUE.services:
            names |= _words_of(service.name)
            names |= {p.lower() for p in service.processes}
            names |= _words_of(" ".join(service.processes))
            for pattern in service.args:
                names |= _literal_words(pattern.pattern)
            for command in service.restart:
                names |= _words_of(command)
        for rule in CATALOGUE.special:
            names |= {p.lower() for p in rule.processes}
        names |= {p.lower() for p in CATALOGUE.generic_processes | CATALOGUE.walk_stops}
        names |= {p.lower() for p in CATALOGUE.product_by_process}
        for spec in COMMANDS:
            names |= _words_of(spec.name)
        for step in CATALOGUE.collect_before:
            names |= _words_of(step.command or "")
        names -= {""}
        accounts = frozenset(a.lower() for a in SYSTEM_ACCOUNTS)
        generic = {w for w in GENERIC_NAMES if w.isalpha()}
        words = frozenset(WORDS | FILE_SUFFIXES | generic) - names - accounts
        return cls(frozenset(names), accounts, words)

    def kind(self, piece: str) -> str | None:
        """Why `piece` is kept ('number or shape', 'catalogue name', 'system account', 'CLI or Linux
        word'), or None: it is replaced."""
        if len(piece) <= 2 or _SHAPE.fullmatch(piece) or _NUMBERED.fullmatch(piece):
            return "number or shape"
        lower = piece.lower()
        if lower in self.catalogue or any(lower == name[: len(lower)] for name in self._truncatable(lower)):
            return "catalogue name"
        if lower in self.accounts:
            return "system account"
        if lower in self.words:
            return "CLI or Linux word"
        if piece[0] in "DX" and len(piece) > 3 and piece[1].islower():  # -Dtftp.host=, -XX:+UseG1GC
            return self.kind(piece[1:])
        if piece[0] == "o" and len(piece) > 3 and piece[1].isupper():  # ssh -oBatchMode=yes
            return self.kind(piece[1:])
        glued = _TERMINAL_GLUE.fullmatch(piece)  # `1mWelcome`, `Kshow`: what is left of an escape code
        if glued:
            return self.kind(glued.group(1))
        return None

    def _truncatable(self, lower: str) -> tuple[str, ...]:
        """Catalogue names `lower` may be cut from (ps and top cut names at 8 or 15 characters)."""
        if len(lower) not in (7, 8, 14, 15):
            return ()
        return _by_prefix(self.catalogue, lower[:7])


@cache
def _prefixes(names: frozenset[str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for name in names:
        if len(name) > 7:
            table.setdefault(name[:7], []).append(name)
    return {key: tuple(values) for key, values in table.items()}


def _by_prefix(names: frozenset[str], start: str) -> tuple[str, ...]:
    return _prefixes(names).get(start, ())
