"""What redaction finds: host names, domains, addresses, user names and passwords, each by its shape
or its marker (`Found`; `ucnb.redact.redactor` numbers and replaces them).

What is replaced (each kind is found by its shape or its marker, anywhere: process command lines,
file and folder names, free text):
- host names -> `host-N`, whatever the case (`CUCM-PUB` is `cucm-pub`): every node name that is a
  host name (not a folder word like `before`), `show status` Host Name, every host of `show network
  cluster`, the host of every `user@host`, the value of every option whose name says host, server,
  peer or node (`--server cucm-sub9`, `-Dtftp.host=tftp-hq`, `nodeName=x`), and the first label of
  every FQDN. Once known, a host name is replaced wherever it stands as a whole label: next to `_`,
  `.`, `/`, `=` or a leading `-` (`--cn=cucm-pub_ccm`, `putty_cucm-pub.log`), but not inside a longer
  label (`cucm-pub2`).
- domains -> `domain-N.example` (RFC 2606): the rest of every FQDN. An FQDN is a dotted name that ends
  in a top-level domain (generic ones, every two-letter country code, internal suffixes such as
  `.local`, `.lan`, `.corp`, `.internal`), or starts with a known host name (`cucm-pub.lab.acme`),
  or ends in a domain found so (`tftp.lab.acme`). Java packages (`com.cisco.x`) and file names
  (`cli.jar`, `script.sh`, `cucm-pub.log`) are not domains.
- IPv4 addresses -> `192.0.2.N` (then `198.51.100.N`, `203.0.113.N`, then 198.18.0.0/15: ranges for
  documentation and tests, so redacted captures still parse), also next to letters and separators
  (`ip_10.9.8.7`, `gw-10.11.12.13.log`, `x172.16.5.5`), with leading zeros (`192.168.010.011` is
  192.168.10.11) and in lists; IPv6 in every form (compressed, full, upper case, IPv4-mapped
  `::ffff:10.2.3.4` = `::ffff:a02:304`) -> `2001:db8::N`; MAC addresses (`00:1a:..`, `00-1A-..`,
  `001a.2b3c.4d5e`) -> `02:00:00:00:NN:NN`. Loopback (127.x, ::1), 0.0.0.0, netmasks (255.x) and the
  all-zero / broadcast MACs identify no one and stay; dotted numbers followed by `-digit` are version
  strings (`7.0.0.0-4`) and stay, as do four-part numbers with a part over 255 (`12.5.1.14900`).
- user names -> `user-N` (case-sensitive): every account of a process listing or `top` USER column,
  the user of `user@host` and the local part of every e-mail address, `user:password@host` (and the
  password -> `password-N`), `--user=NAME`, `--user NAME`, `-u NAME`, `/home/NAME`, `su - NAME`,
  `sshd: NAME@pts/0`, `-Dcli.user=NAME`, `account name: NAME`; not the appliance's own accounts
  (`SYSTEM_ACCOUNTS`: root, informix, ccmservice, tomcat...) nor numeric UIDs. Truncated names
  (`administ`, `adminis+`) get the full name's placeholder. `admin:` is every UC node's CLI prompt,
  whatever the user: it stays, so redacted captures still split into commands.

What the finders cannot find (a name with no marker in free text, an option value, a customer or
site name in a file name) the allow-list pass of a redacted copy or report catches: every word that
is not known to be safe becomes `name-N` (`ucnb.redact.allow`, `Redactor.strict`). The finders are what
give one host or user the same placeholder everywhere, and its kind. Also found: `show status` host
names of any shape (node names and identities, `found_in_bundle`), processnode-only hosts, every value
of a host option list (`--nodes=a,b`, `--servers 'a b'`, `-D...servers=a;b`), UNC hosts, JSON and XML
host values, `ssh -l`, `~user`, `runuser`, `chown user:`, `DOMAIN\\user`, `login as:`, reverse-DNS
and private addresses written as integers or hex, licence MAC and serial numbers (`id-N`).

Time is linear in the size of the texts: one scan finds candidates by shape and each is looked up in
dictionaries (no pattern per identifier).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence

from ucnb.model.columns import distinct
from ucnb.model.results import Bundle

# Accounts that the UC appliance itself creates: they identify no customer and stay.
SYSTEM_ACCOUNTS = frozenset(
    """root bin daemon adm lp sync shutdown halt mail operator games ftp nobody nfsnobody dbus polkitd
    rpc rpcuser ntp chrony sshd postfix tss abrt haldaemon apache named saslauth systemd-network
    systemd-timesync informix ccmservice ccmbase ccmsyslog database tomcat timesten sipproxy xcpuser
    drf jetty cucsmgr cucservice cuciadmin servm dbuser certm ccmtrace cmuser tomcat7 enstore""".split()
)
# Words that are syntactically host names but name no host (folder words, roles, option values).
GENERIC_NAMES = frozenset(
    """before after capture captures log logs output outputs session sessions cli data bundle case files
    tmp temp unknown node nodes server servers host hosts peer peers localhost local localdomain self
    publisher subscriber primary secondary true false yes no none null all any default auto on off
    enabled disabled active inactive up down master slave standalone cluster www mail smtp ldap dns ntp
    proxy tcp udp http https ipv4 ipv6 name hostname pts tty console""".split()
)
# Top-level domains: generic and internal ones; every two-letter label is a country code too.
TLDS = frozenset(
    """com net org edu gov mil int biz info cloud online site tech pro name mobi asia tel travel jobs
    museum aero coop xyz top club global group company network systems solutions services email
    example test invalid""".split()
)
# Internal suffixes: `cucm-pub.local` is the host cucm-pub in the domain `local`.
INTERNAL_SUFFIXES = frozenset(
    "local lan corp internal intra intranet localdomain home lab ad priv private domain".split()
)
TLDS = TLDS | INTERNAL_SUFFIXES
# Two-letter country codes that are also common file suffixes: a domain only with three labels or more.
_SUFFIX_LIKE_CCTLDS = frozenset(
    "sh so py pl js ps md rb ts cs gz xz bz db mo po cc hh am in ac ai ml hs go rs".split()
)
# Suffixes that make a dotted name a file name, not an FQDN (`cucm-pub.log`).
FILE_SUFFIXES = frozenset(
    """log txt out err gz tgz bz2 xz zip tar jar war ear class py pyc sh csh pl rb js json xml html htm
    md csv tsv cfg conf ini yaml yml properties pid lock bak old tmp pdf png jpg jpeg gif svg so dat
    bin cap pcap trc evt core dmp rpm iso cop sgn enc key pem crt cer der csr p12 pfx jks""".split()
)
_REVERSE_DNS_STARTS = frozenset("com org net java javax sun jdk".split())
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_OCTET = r"(?:25[0-5]|2[0-4]\d|[01]?\d?\d)"
# Searched inside a run of word characters, dots and hyphens: not part of a longer dotted number.
INNER = re.compile(
    r"(?P<ip>(?<!\d)(?<!\d\.)" + _OCTET + r"(?:\." + _OCTET + r"){3}(?!\d|\.\d|-(?!\d+(?:\.\d+){3})\d))"
    r"|(?P<macdash>(?<![0-9A-Fa-f])[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}(?![0-9A-Fa-f]|-[0-9A-Fa-f]))"
    r"|(?P<macdot>(?<![0-9A-Fa-f.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f]|\.[0-9A-Fa-f]))"
)
# The one scan: IPv6 and colon MACs (hex groups and colons), `user:password@`, runs of name characters.
SCAN = re.compile(
    r"(?P<colon>(?:(?<![\w:.])|(?<=[G-Zg-z]:))[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}"
    r"(?![\w:]))"
    r"|(?P<userinfo>(?<![\w.+-])(?P<ui_user>[A-Za-z0-9_][\w.+-]{0,63}):(?P<ui_pass>[^@\s/:'\"]{1,128})@"
    r"(?=[A-Za-z0-9\[]))"
    r"|(?P<run>(?<![\w.+-])[\w.+-]+)"
)
MAC_COLON = re.compile(r":?([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})")
# `user@host`, `local-part@domain`: the `@`; the user is the run before it, the host the run after.
_AT = re.compile(r"(?<=[\w+-])@(?=[A-Za-z0-9])")
_BEFORE_AT = re.compile(r"[\w.+-]{1,64}\Z")
_AFTER_AT = re.compile(r"[A-Za-z0-9][\w.-]*")
# Markers of user names (case-sensitive values).
_USER_MARKERS = (
    re.compile(r"sshd: ([A-Za-z_][\w.-]{0,31})(?:@| \[priv\])"),
    re.compile(r"-Dcli\.user=([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?i:account name|user ?name|login(?: as)?)\s*[:=]\s*([A-Za-z_][\w.-]{0,31})\b"),
    re.compile(r"(?<![\w-])(?i:--user(?:name)?|--login|-u|-l)(?:=|\s+)['\"]?([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?<![\w.-])(?i:USER|LOGNAME|USERNAME)=['\"]?([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"/home/([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?<![\w-])(?:su|runuser)(?:\s+-[-\w]*)*\s+([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?<![\w/~])~([A-Za-z_][\w.-]{0,31})"),  # ~user
    re.compile(r"(?<![\w-])chown\s+(?:-\w+\s+)*([A-Za-z_][\w.-]{0,31})[:.\s]"),  # chown user:group
    # DOMAIN\user; not a PerfMon counter's `\\host-name\Process`, nor inside a path or a longer name
    re.compile(r"(?<![\w\\.-])[A-Za-z][\w-]{0,15}\\([A-Za-z_][\w.-]{0,31})"),
)
# Markers of host names: an option or key whose name says host/server/peer/node, then `=`, `:` or
# (for a `-option`) spaces, then the value; `Host Name : x`. Found by the keyword (no scan of every key).
_HOST_OPTION = re.compile(
    r"(?i)(?:host|server|peer|node|target|cluster|fqdn)[\w.-]*(?P<sep>['\"]?\s*[=:>]\s*|\s+)(?P<quote>['\"]?)"
    r"(?P<value>[^\W_][\w.-]*)"
)
# The further values of a host option: `--nodes=a,b`, `-D...servers=a;b`, `--servers 'a b'`.
_MORE_VALUES = re.compile(r"(?:[,;]\s*|\s+(?=[^\W_][\w.-]*[,;'\"\s]))([^\W_][\w.-]*)")
_LIST_VALUES = re.compile(r"(?:[,;]\s*)([^\W_][\w.-]*)")
# Hosts named outside any marker: `\\fileserver01\share` (UNC), the processnode entries.
_UNC = re.compile(r"\\\\([^\W_][\w.-]*)")
_PROCESSNODE = re.compile(
    r"(?im)Server Table \(processnode\) Entries\s*\n((?:[ \t]*[-\w.:]+[ \t]*\n?){1,4096})"
)
# Addresses in other forms: reverse DNS, an integer or hex in a private range (`ping 167837953`).
_REVERSE_DNS = re.compile(r"(?i)(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa")
_INTEGER_IP = re.compile(r"(?<![\w.])(?:0[xX][0-9A-Fa-f]{8}|\d{9,10})(?![\w.])")
_PRIVATE = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
# Licence identifiers of `show status`.
_LICENCE = re.compile(r"(?im)^\s*License (?:MAC|Serial Number)\s*:\s*(\S+)")
_KEY_START = re.compile(r"[\w.-]*\Z")
_HOST_LABELS = re.compile(r"(?i)(?:host ?name|machine name|server name)\s*:\s*([A-Za-z0-9][\w.-]*)")
_MAX_DOMAIN_LABELS = 8


def _is_hostname(text: str) -> bool:
    return (
        bool(_LABEL.fullmatch(text))
        and not text.isdigit()
        and text.lower() not in GENERIC_NAMES
        and not INNER.fullmatch(text)
    )


def _dns_labels(parts: Sequence[str]) -> bool:
    return all(_LABEL.fullmatch(part) for part in parts)


def as_ipv4(text: str) -> str | None:
    """The canonical form of a dotted quad (leading zeros dropped), None for one that stays."""
    canonical = ".".join(str(int(octet)) for octet in text.split("."))
    if canonical.startswith(("127.", "255.")) or canonical == "0.0.0.0":
        return None
    return canonical


def as_ipv6(text: str) -> str | None:
    """The compressed lower-case form of an IPv6 address, None if not one (or loopback/unspecified)."""
    if "::" not in text and text.count(":") != 7 and not (text.count(":") == 6 and "." in text):
        return None
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified:
        return None
    return address.compressed


def as_mac(text: str) -> str | None:
    digits = re.sub(r"[^0-9A-Fa-f]", "", text).lower()
    if len(digits) != 12 or digits in ("000000000000", "ffffffffffff"):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _fqdn_by_tld(labels: Sequence[str]) -> bool:
    """Does a dotted name look like an FQDN by its ends (`x.acme.de`, `cucm-pub.LOCAL`, three labels or
    more under any suffix: `backup01.lab.acme`)? Not a Java or Python name (`com.cisco.x`,
    `ch.qos.logback`, `org.x.Bootstrap`) nor a file name (`a.b.log`)."""
    last, first = labels[-1].lower(), labels[0].lower()
    if first in _REVERSE_DNS_STARTS or last in FILE_SUFFIXES or not last.isalpha():
        return False
    if last in TLDS:
        return True
    if len(labels) >= 3:
        original = labels[-1]
        return first not in TLDS and (original.islower() or original.isupper())
    return len(last) == 2 and last not in _SUFFIX_LIKE_CCTLDS


class Found:
    """Identifiers found by `Redactor.discover`, before numbering."""

    def __init__(self) -> None:
        self.hosts: set[str] = set()  # lower case
        self.domains: set[str] = set()  # lower case
        self.ips: set[str] = set()
        self.ipv6: set[str] = set()
        self.macs: set[str] = set()
        self.users: set[str] = set()
        self.passwords: set[str] = set()
        self.ids: set[str] = set()
        self.dotted: dict[str, None] = {}  # distinct dotted runs, for the second look at domains

    def add_host(self, value: str) -> None:
        """A host marker's value: `cucm-sub9`, `tftp-hq.lab.acme`, `cucm-pub:8443`; after `@` also a
        mail domain (`acme.de`)."""
        value = value.split(":", 1)[0].rstrip(".-")
        if not value or INNER.fullmatch(value):
            return
        labels = value.split(".")
        if len(labels) >= 2 and (not _dns_labels(labels) or labels[-1].lower() in FILE_SUFFIXES):
            return
        if len(labels) == 2 and labels[-1].lower() not in INTERNAL_SUFFIXES and _fqdn_by_tld(labels):
            self.domains.add(value.lower())  # `acme.de`
            return
        if _is_hostname(labels[0]):
            self.hosts.add(labels[0].lower())
        if len(labels) >= 2:
            self.domains.add(".".join(labels[1:]).lower())

    def scan(self, text: str) -> None:
        userinfo_ats: set[int] = set()  # `@` of `user:password@`: not a user's (the password's end)
        for match in SCAN.finditer(text):
            kind = match.lastgroup
            token = match.group()
            if kind == "colon":
                self._colon(token)
            elif kind == "userinfo":
                self.users.add(match.group("ui_user"))
                self.passwords.add(match.group("ui_pass"))
                userinfo_ats.add(match.end() - 1)
            elif not token.isdigit():
                self._run(token, "." in token and is_key(match))
        for match in _AT.finditer(text):
            if match.start() not in userinfo_ats:
                user = _BEFORE_AT.search(text, max(0, match.start() - 64), match.start())
                if user:
                    self.users.add(user.group().lstrip(".-"))
            host = _AFTER_AT.match(text, match.end())
            if host:
                self.add_host(host.group())
        for pattern in _USER_MARKERS:
            for match in pattern.finditer(text):
                self.users.add(match.group(1))
        for match in _HOST_OPTION.finditer(text):
            key = _KEY_START.search(text, max(0, match.start() - 200), match.start())
            spaced = not match.group("sep").strip()
            if spaced and not (key and key.group().startswith("-")):
                continue  # `server started`: a word, not `--server NAME`
            self.add_host(match.group("value"))
            more = _MORE_VALUES if match.group("quote") else _LIST_VALUES
            position = match.end()
            for _ in range(256):  # `--nodes=a,b,c`, `--servers 'a b'`
                value = more.match(text, position)
                if not value:
                    break
                self.add_host(value.group(1))
                position = value.end()
        for pattern in (_HOST_LABELS, _UNC):
            for match in pattern.finditer(text):
                self.add_host(match.group(1))
        for match in _PROCESSNODE.finditer(text):
            for entry in match.group(1).split():
                if entry.strip("-"):
                    self.add_host(entry)
        for match in _REVERSE_DNS.finditer(text):
            self.ips.add(".".join(match.groups()))
        for number_match in _INTEGER_IP.finditer(text):
            written = number_match.group()
            number = int(written, 16) if written[:2] in ("0x", "0X") else int(written)
            if number < 2**32 and any(ipaddress.IPv4Address(number) in net for net in _PRIVATE):
                self.ids.add(written)
        for match in _LICENCE.finditer(text):
            self.ids.add(match.group(1))

    def _colon(self, token: str) -> None:
        mac = MAC_COLON.fullmatch(token)
        if mac:
            found = as_mac(mac.group(1))
            if found:
                self.macs.add(found)
            return
        address = as_ipv6(token) or (as_ipv6(token[1:]) if token.startswith(":") else None)
        if address:
            self.ipv6.add(address)

    def _run(self, token: str, key: bool) -> None:
        if token.isalpha():
            return
        for match in INNER.finditer(token):
            if match.lastgroup == "ip":
                address = as_ipv4(match.group())
                if address:
                    self.ips.add(address)
            else:
                mac = as_mac(match.group())
                if mac:
                    self.macs.add(mac)
        if "." in token and not key:
            self.dotted[token.rstrip("+")] = None

    def settle_domains(self) -> None:
        """FQDNs among the dotted runs: by their TLD, by a known host in front, by a known domain."""
        for _ in range(2):
            for token in self.dotted:
                for labels in _name_pieces(token):
                    if len(labels) < 2:
                        continue
                    first = labels[0].lower()
                    rest = [label.lower() for label in labels[1:]]
                    after_host = first in self.hosts and rest[-1] not in FILE_SUFFIXES and rest[-1].isalpha()
                    if _fqdn_by_tld(labels) or (after_host and len(rest) >= 2):
                        if len(labels) >= 3 or rest[-1] in INTERNAL_SUFFIXES or first in self.hosts:
                            if _is_hostname(labels[0]):
                                self.hosts.add(first)
                            self.domains.add(".".join(rest))
                        else:  # `acme.de`: a domain
                            self.domains.add(".".join([first, *rest]))
                        continue
                    span = domain_span(labels, self.domains)
                    if span is not None and span[0] >= 1 and _is_hostname(labels[span[0] - 1]):
                        self.hosts.add(labels[span[0] - 1].lower())


def is_key(match: re.Match[str]) -> bool:
    """Is this run an option or a property name (`-Dcatalina.home`, `service.name=`), not a host?"""
    return match.group().startswith("-") or match.string.startswith("=", match.end())


def _name_pieces(token: str) -> list[list[str]]:
    """The dotted DNS names inside a run: split at `_`, IPv4/MAC shapes and edges of `-`."""
    pieces = []
    for chunk in re.split(r"_|/", INNER.sub(" ", token)):
        for part in chunk.split(" "):
            labels = [label.strip("-") for label in part.split(".")]
            labels = [label for label in labels if label]
            if labels and _dns_labels(labels):
                pieces.append(labels)
    return pieces


def domain_span(labels: Sequence[str], domains: set[str] | Mapping[str, str]) -> tuple[int, int] | None:
    """The first and longest run `labels[i:j]` that is a known domain (a lone label only after a host)."""
    count = len(labels)
    lowered = [label.lower() for label in labels]
    for start in range(count):
        for end in range(min(count, start + _MAX_DOMAIN_LABELS), start, -1):
            if end - start == 1 and start == 0:
                continue  # a lone `local` or `lab` is a word, not a domain
            if ".".join(lowered[start:end]) in domains:
                return start, end
    return None


def found_in_bundle(bundle: Bundle, found: Found, listed_users: set[str]) -> None:
    """Hosts, domains and users from a bundle's structure: node names, identities, cluster tables, USER."""
    for node in bundle.nodes:
        for name in (node.name, node.identity.hostname or ""):
            # `show status` takes any name: all digits, `_`, non-ASCII letters, over 63 characters
            if name and name.lower() not in GENERIC_NAMES and "." not in name and not INNER.fullmatch(name):
                found.hosts.add(name.lower())
        if node.identity.hostname:
            found.add_host(node.identity.hostname)
        for member in node.identity.cluster or []:
            for key in ("hostname", "fqdn"):
                value = member.get(key) if isinstance(member, Mapping) else getattr(member, key, None)
                value = str(value or "")
                if value:
                    found.add_host(value)
        for table in [*node.listings, *node.loads]:  # the column as parsed: no DataFrame per snapshot
            listed_users.update(str(u) for u in distinct(table, "processes", "user") if u is not None)


def customer_users(names: Iterable[str]) -> set[str]:
    """User names that are not system accounts, numeric UIDs or truncated system accounts."""
    names = set(names)
    result: set[str] = set()
    full = {n for n in names if n and not n.endswith("+")}
    for name in names:
        if not name or name.isdigit():
            continue
        base = name.rstrip("+")
        if name in SYSTEM_ACCOUNTS or base in SYSTEM_ACCOUNTS:
            continue
        truncated = name.endswith("+") or len(name) == 8
        if truncated and any(s.startswith(base) for s in SYSTEM_ACCOUNTS):
            continue
        if truncated and any(f.startswith(base) and f != name for f in full):
            continue  # the full name is known: its truncated forms are added with it
        if not re.fullmatch(r"[\w.+-]+", name) or name.lower() in GENERIC_NAMES:
            continue
        result.add(name)
    return result
