"""Redaction: replace host names, domains, addresses, user names and passwords with stable placeholders.

For sharing a case outside the customer (vendor escalation, training material). Given the line

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b adminsftp@imp-sub1.corp.example.com

`Redactor.discover([text]).text(line)` gives

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b user-1@host-1.domain-1.example

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

What redaction cannot find: a name with no marker in free text (a customer or site name in a file
name, a comment, a host name that is never a node, an option value, a user@host or an FQDN), and
whatever the shapes above do not describe. Read the redacted copy before sending it.

Placeholders are numbered per kind in the order of first appearance while reading the texts in the
order given (`redact_sources`: each file's name, then its lines, files sorted by name), then the
identifiers never seen in the texts, sorted: the same input always gives the same placeholders. A
placeholder that happens to be an original identifier is skipped.

Time is linear in the size of the texts: one scan finds candidates by shape and each is looked up in
dictionaries (no pattern per identifier).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import posixpath
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ucnb.errors import InputError
from ucnb.model.results import Bundle
from ucnb.text import plural

__all__ = [
    "SYSTEM_ACCOUNTS",
    "Redactor",
    "RedactedCopy",
    "redact_bundle_copy",
    "redact_sources",
]

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
KINDS = ("host", "domain", "ip", "ipv6", "mac", "user", "password")
KIND_NAMES = {
    "host": "host name",
    "domain": "domain",
    "ip": "IPv4 address",
    "ipv6": "IPv6 address",
    "mac": "MAC address",
    "user": "user name",
    "password": "password",
}

_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_OCTET = r"(?:25[0-5]|2[0-4]\d|[01]?\d?\d)"
# Searched inside a run of word characters, dots and hyphens: not part of a longer dotted number.
_INNER = re.compile(
    r"(?P<ip>(?<!\d)(?<!\d\.)" + _OCTET + r"(?:\." + _OCTET + r"){3}(?!\d|\.\d|-\d))"
    r"|(?P<macdash>(?<![0-9A-Fa-f])[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}(?![0-9A-Fa-f]|-[0-9A-Fa-f]))"
    r"|(?P<macdot>(?<![0-9A-Fa-f.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f]|\.[0-9A-Fa-f]))"
)
# The one scan: IPv6 and colon MACs (hex groups and colons), `user:password@`, runs of name characters.
_SCAN = re.compile(
    r"(?P<colon>(?:(?<![\w:.])|(?<=[G-Zg-z]:))[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}"
    r"(?![\w:]))"
    r"|(?P<userinfo>(?<![\w.+-])(?P<ui_user>[A-Za-z0-9_][\w.+-]{0,63}):(?P<ui_pass>[^@\s/:'\"]{1,128})@"
    r"(?=[A-Za-z0-9\[]))"
    r"|(?P<run>(?<![\w.+-])[\w.+-]+)"
)
_MAC_COLON = re.compile(r":?([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})")
# `user@host`, `local-part@domain`: the `@`; the user is the run before it, the host the run after.
_AT = re.compile(r"(?<=[\w+-])@(?=[A-Za-z0-9])")
_BEFORE_AT = re.compile(r"[\w.+-]{1,64}\Z")
_AFTER_AT = re.compile(r"[A-Za-z0-9][\w.-]*")
# Markers of user names (case-sensitive values).
_USER_MARKERS = (
    re.compile(r"sshd: ([A-Za-z_][\w.-]{0,31})(?:@| \[priv\])"),
    re.compile(r"-Dcli\.user=([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?i:account name|user ?name|login)\s*[:=]\s*([A-Za-z_][\w.-]{0,31})\b"),
    re.compile(r"(?<![\w-])(?:--user(?:name)?|--login|-u)(?:=|\s+)['\"]?([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?<![\w.-])(?:USER|LOGNAME)=['\"]?([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"/home/([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?<![\w-])su(?:\s+-[-\w]*)*\s+([A-Za-z_][\w.-]{0,31})"),
)
# Markers of host names: an option or key whose name says host/server/peer/node, then `=`, `:` or
# (for a `-option`) spaces, then the value; `Host Name : x`. Found by the keyword (no scan of every key).
_HOST_OPTION = re.compile(
    r"(?i)(?:host|server|peer|node)[\w.-]*(?P<sep>\s*[=:]\s*|\s+)['\"]?(?P<value>[A-Za-z0-9][\w.-]*)"
)
_KEY_START = re.compile(r"[\w.-]*\Z")
_HOST_LABELS = re.compile(r"(?i)(?:host ?name|machine name|server name)\s*:\s*([A-Za-z0-9][\w.-]*)")
_MAX_DOMAIN_LABELS = 8


def _is_hostname(text: str) -> bool:
    return (
        bool(_LABEL.fullmatch(text))
        and not text.isdigit()
        and text.lower() not in GENERIC_NAMES
        and not _INNER.fullmatch(text)
    )


def _dns_labels(parts: Sequence[str]) -> bool:
    return all(_LABEL.fullmatch(part) for part in parts)


def _ipv4(text: str) -> str | None:
    """The canonical form of a dotted quad (leading zeros dropped), None for one that stays."""
    canonical = ".".join(str(int(octet)) for octet in text.split("."))
    if canonical.startswith(("127.", "255.")) or canonical == "0.0.0.0":
        return None
    return canonical


def _ipv6(text: str) -> str | None:
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


def _mac(text: str) -> str | None:
    digits = re.sub(r"[^0-9A-Fa-f]", "", text).lower()
    if len(digits) != 12 or digits in ("000000000000", "ffffffffffff"):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _doc_ipv4(n: int) -> str:
    """The n-th (1-based) documentation address: 192.0.2.1-254, 198.51.100.1-254, 203.0.113.1-254."""
    nets = ("192.0.2", "198.51.100", "203.0.113")
    index, host = divmod(n - 1, 254)
    if index < len(nets):
        return f"{nets[index]}.{host + 1}"
    extra = n - 1 - 254 * len(nets)  # beyond 762 addresses: the benchmarking range 198.18.0.0/15
    return f"198.{18 + extra // 65025}.{extra // 255 % 255}.{extra % 255 + 1}"


def _placeholder(kind: str, n: int) -> str:
    if kind == "ip":
        return _doc_ipv4(n)
    if kind == "ipv6":
        return f"2001:db8::{n:x}"
    if kind == "mac":
        return f"02:00:00:{n // 65536 % 256:02x}:{n // 256 % 256:02x}:{n % 256:02x}"
    if kind == "domain":
        return f"domain-{n}.example"
    return f"{kind}-{n}"


def _truncated_forms(name: str) -> list[str]:
    """How `ps`/`top` print a long user name: 8 characters, or 7 and a `+`."""
    if len(name) <= 8:
        return []
    return [name[:8], name[:7] + "+"]


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


class _Found:
    """Identifiers found by `Redactor.discover`, before numbering."""

    def __init__(self) -> None:
        self.hosts: set[str] = set()  # lower case
        self.domains: set[str] = set()  # lower case
        self.ips: set[str] = set()
        self.ipv6: set[str] = set()
        self.macs: set[str] = set()
        self.users: set[str] = set()
        self.passwords: set[str] = set()
        self.dotted: dict[str, None] = {}  # distinct dotted runs, for the second look at domains

    def add_host(self, value: str) -> None:
        """A host marker's value: `cucm-sub9`, `tftp-hq.lab.acme`, `cucm-pub:8443`; after `@` also a
        mail domain (`acme.de`)."""
        value = value.split(":", 1)[0].rstrip(".-")
        if not value or _INNER.fullmatch(value):
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
        for match in _SCAN.finditer(text):
            kind = match.lastgroup
            token = match.group()
            if kind == "colon":
                self._colon(token)
            elif kind == "userinfo":
                self.users.add(match.group("ui_user"))
                self.passwords.add(match.group("ui_pass"))
                userinfo_ats.add(match.end() - 1)
            elif not token.isdigit():
                self._run(token, "." in token and _is_key(match))
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
        for match in _HOST_LABELS.finditer(text):
            self.add_host(match.group(1))

    def _colon(self, token: str) -> None:
        mac = _MAC_COLON.fullmatch(token)
        if mac:
            found = _mac(mac.group(1))
            if found:
                self.macs.add(found)
            return
        address = _ipv6(token) or (_ipv6(token[1:]) if token.startswith(":") else None)
        if address:
            self.ipv6.add(address)

    def _run(self, token: str, key: bool) -> None:
        if token.isalpha():
            return
        for match in _INNER.finditer(token):
            if match.lastgroup == "ip":
                address = _ipv4(match.group())
                if address:
                    self.ips.add(address)
            else:
                mac = _mac(match.group())
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
                    span = _domain_span(labels, self.domains)
                    if span is not None and span[0] >= 1 and _is_hostname(labels[span[0] - 1]):
                        self.hosts.add(labels[span[0] - 1].lower())


def _is_key(match: re.Match[str]) -> bool:
    """Is this run an option or a property name (`-Dcatalina.home`, `service.name=`), not a host?"""
    return match.group().startswith("-") or match.string.startswith("=", match.end())


def _name_pieces(token: str) -> list[list[str]]:
    """The dotted DNS names inside a run: split at `_`, IPv4/MAC shapes and edges of `-`."""
    pieces = []
    for chunk in re.split(r"_|/", _INNER.sub(" ", token)):
        for part in chunk.split(" "):
            labels = [label.strip("-") for label in part.split(".")]
            labels = [label for label in labels if label]
            if labels and _dns_labels(labels):
                pieces.append(labels)
    return pieces


def _domain_span(labels: Sequence[str], domains: set[str] | Mapping[str, str]) -> tuple[int, int] | None:
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


@dataclass
class Redactor:
    """A fixed mapping from original identifiers to placeholders, and the functions applying it.

    >>> r = Redactor.discover(["Host Name : cucm-pub", "ssh admin@10.1.2.3 cucm-pub.corp.example.com"])
    >>> r.text("CUCM-PUB.corp.example.com 10.1.2.3 admin@cucm-pub ip_010.001.002.003 --cn=cucm-pub_ccm")
    'host-1.domain-1.example 192.0.2.1 user-1@host-1 ip_192.0.2.1 --cn=host-1_ccm'
    >>> r.counts()
    {'host name': 1, 'domain': 1, 'IPv4 address': 1, 'user name': 1}
    """

    mapping: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in KINDS})
    replaced: Counter[str] = field(default_factory=Counter, repr=False)  # occurrences, by kind

    # ------------------------------------------------------------------ discovery
    @classmethod
    def discover(
        cls,
        texts: Iterable[str],
        *,
        bundles: Iterable[Bundle] = (),
        users: Iterable[str] = (),
        hosts: Iterable[str] = (),
    ) -> Redactor:
        """Find identifiers in `texts` (file names and contents, in a fixed order) and in the
        bundles' structure (identities, cluster tables, USER columns), plus extra `users`/`hosts`."""
        texts = list(texts)
        found = _Found()
        listed_users: set[str] = {u for u in users if u}
        for host in hosts:
            if host:
                found.add_host(host)
        for bundle in bundles:
            _from_bundle(bundle, found, listed_users)
        for text in texts:
            found.scan(text)
        found.settle_domains()
        found.users = _customer_users(found.users | listed_users)
        return cls._numbered(found, texts)

    @classmethod
    def _numbered(cls, found: _Found, texts: list[str]) -> Redactor:
        """Number each kind in order of first appearance in `texts`, then the rest sorted."""
        sets = {"host": found.hosts, "domain": found.domains, "ip": found.ips, "ipv6": found.ipv6,
                "mac": found.macs, "user": found.users, "password": found.passwords}
        probe = cls({kind: {value: value for value in values} for kind, values in sets.items()})
        seen: dict[tuple[str, str], None] = {}
        probe._seen = seen
        for text in texts:
            probe.text(text)
        originals = {value.lower() for values in sets.values() for value in values}
        redactor = cls()
        for kind in KINDS:
            ordered = [value for seen_kind, value in seen if seen_kind == kind]
            ordered += sorted(set(sets[kind]) - set(ordered))
            counter = 0
            for original in ordered:
                counter += 1
                while _placeholder(kind, counter).lower() in originals:
                    counter += 1
                redactor.mapping[kind][original] = _placeholder(kind, counter)
        users = redactor.mapping["user"]
        for name, placeholder in list(users.items()):
            for short in _truncated_forms(name):
                users.setdefault(short, placeholder + ("+" if short.endswith("+") else ""))
        return redactor

    # ------------------------------------------------------------------ applying
    _seen: dict[tuple[str, str], None] | None = field(default=None, repr=False)

    def _get(self, kind: str, original: str) -> str | None:
        placeholder = self.mapping[kind].get(original)
        if placeholder is not None:
            self.replaced[kind] += 1
            if self._seen is not None:
                self._seen.setdefault((kind, original), None)
        return placeholder

    def text(self, text: str) -> str:
        """`text` with every known identifier replaced (the `admin:` prompt kept)."""
        if not text or not any(self.mapping.values()):
            return text
        return _SCAN.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        token = match.group()
        if kind == "colon":
            return self._colon(token)
        if kind == "userinfo":
            user, password = match.group("ui_user"), match.group("ui_pass")
            return (f"{self._get('user', user) or self._run(user, False)}:"
                    f"{self._get('password', password) or password}@")
        if token.isdigit():
            return token
        if token == "admin" and match.string.startswith(":", match.end()):
            return token  # the CLI prompt `admin:` (every UC node's), not a user
        return self._run(token, "." in token and _is_key(match))

    def _colon(self, token: str) -> str:
        mac = _MAC_COLON.fullmatch(token)
        if mac:
            found = _mac(mac.group(1))
            placeholder = found and self._get("mac", found)
            return token[: mac.start(1)] + placeholder if placeholder else token
        for offset in (0, 1) if token.startswith(":") else (0,):
            address = _ipv6(token[offset:])
            placeholder = address and self._get("ipv6", address)
            if placeholder:
                return token[:offset] + placeholder
        return token

    def _run(self, token: str, key: bool = False) -> str:
        if token in self.mapping["user"]:
            return self._get("user", token) or token
        if token.isalpha():  # most words: one label
            lower = token.lower()
            return self._get("host", lower) or token if lower in self.mapping["host"] else token
        out: list[str] = []
        position = 0
        for match in _INNER.finditer(token):
            out.append(self._names(token[position : match.start()], key))
            out.append(self._address(match))
            position = match.end()
        out.append(self._names(token[position:], key))
        return "".join(out)

    def _address(self, match: re.Match[str]) -> str:
        if match.lastgroup == "ip":
            address = _ipv4(match.group())
            placeholder = address and self._get("ip", address)
        else:
            mac = _mac(match.group())
            placeholder = mac and self._get("mac", mac)
        return placeholder or match.group()

    def _names(self, text: str, key: bool) -> str:
        """Dotted names in a run without addresses: FQDNs of known domains, host and user labels (in
        an option or property name, only labels)."""
        if not text:
            return text
        return "_".join(self._dotted(piece, key) for piece in text.split("_"))

    def _dotted(self, text: str, key: bool) -> str:
        if not text:
            return text
        parts = text.split(".")
        labels = [part.strip("-") for part in parts]
        span = _domain_span(labels, self.mapping["domain"]) if len(parts) > 1 and not key else None
        if span is None:
            return ".".join(self._label(part) for part in parts)
        start, end = span
        domain = self._get("domain", ".".join(labels[start:end]).lower()) or ".".join(parts[start:end])
        before = [self._label(part) for part in parts[:start]]
        return ".".join([*before, domain, *(self._label(part) for part in parts[end:])])

    def _label(self, part: str) -> str:
        core = part.strip("-")
        if not core:
            return part
        placeholder = self._get("user", core) if core in self.mapping["user"] else None
        if placeholder is None:
            core = core.strip("+")
            if core.lower() in self.mapping["host"]:
                placeholder = self._get("host", core.lower())
        if placeholder is None:
            return part
        start = part.index(core)
        return part[:start] + placeholder + part[start + len(core) :]

    def name(self, path: str) -> str:
        """A posix path with each component redacted."""
        return "/".join(self.text(part) for part in path.split("/"))

    def value(self, value: Any) -> Any:
        """Redact every string inside lists, tuples and dict values (keys are field names and stay)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value

    def originals(self) -> list[str]:
        """Every original identifier (for tests and audits), sorted."""
        return sorted({o for kind in KINDS for o in self.mapping[kind]})

    def counts(self) -> dict[str, int]:
        """Distinct identifiers replaced, by kind (a user's truncated forms count once)."""
        counts = {}
        for kind in KINDS:
            placeholders = {p.rstrip("+") for p in self.mapping[kind].values()}
            if placeholders:
                counts[KIND_NAMES[kind]] = len(placeholders)
        return counts

    def summary(self) -> str:
        """What was replaced, by kind: distinct identifiers and occurrences since this redactor was made.

        >>> r = Redactor.discover(["Host Name : cucm-pub"])
        >>> _ = r.text("cucm-pub CUCM-PUB"); r.summary()
        '1 host name (2 occurrences)'
        """
        parts = []
        for kind in KINDS:
            distinct = len({p.rstrip("+") for p in self.mapping[kind].values()})
            if distinct:
                times = plural(self.replaced[kind], "occurrence")
                parts.append(f"{plural(distinct, KIND_NAMES[kind])} ({times})")
        return ", ".join(parts) or "no identifier found"


def _from_bundle(bundle: Bundle, found: _Found, listed_users: set[str]) -> None:
    """Hosts, domains and users from a bundle's structure: node names, identities, cluster tables, USER."""
    for node in bundle.nodes:
        if _is_hostname(node.name):
            found.hosts.add(node.name.lower())
        if node.identity.hostname:
            found.add_host(node.identity.hostname)
        for member in node.identity.cluster or []:
            for key in ("hostname", "fqdn"):
                value = member.get(key) if isinstance(member, Mapping) else getattr(member, key, None)
                value = str(value or "")
                if value:
                    found.add_host(value)
        for listing in node.listings:
            listed_users.update(str(u) for u in listing.processes["user"].dropna().unique())
        for snapshot in node.loads:
            listed_users.update(str(u) for u in snapshot.processes["user"].dropna().unique())


def _customer_users(names: Iterable[str]) -> set[str]:
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


# ------------------------------------------------------------------ bundles on disk
def _decoded(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def redact_sources(
    paths: Sequence[str | os.PathLike[str]],
    *,
    max_total_bytes: int = 512 * 2**20,
    max_members: int = 10_000,
    extra_users: Iterable[str] = (),
) -> tuple[Redactor, list[tuple[str, bytes]]]:
    """Read `paths` as a bundle, discover its identifiers, return the redactor and the redacted files
    `(redacted name, redacted bytes)` sorted by redacted name (UTF-8; undecodable bytes become U+FFFD).
    Names that the redaction makes equal, or that clash with a folder, get `~2`, `~3`...; a name part
    longer than 255 bytes is shortened (its start, then a hash of the redacted part)."""
    from ucnb.read.bundle import load
    from ucnb.read.sources import read_sources

    sources = read_sources(list(paths), max_total_bytes=max_total_bytes, max_members=max_members)
    bundle = load(*paths, max_total_bytes=max_total_bytes, max_members=max_members)
    texts = []
    for src in sources.files:
        texts.append(src.name)
        texts.append(_decoded(src.data))
    redactor = Redactor.discover(texts, bundles=[bundle], users=extra_users)
    redactor.replaced.clear()
    files = [
        (redactor.name(src.name), redactor.text(_decoded(src.data)).encode("utf-8")) for src in sources.files
    ]
    return redactor, _unique_paths(sorted(files))


def _short_part(part: str, limit: int = 255) -> str:
    """A path part of at most `limit` UTF-8 bytes: its start, `~`, 12 hex digits of its hash, its suffix.

    >>> name = _short_part("a" * 300 + ".log"); len(name), name[-17:]
    (255, '~371a692cfb96.log')
    """
    data = part.encode("utf-8")
    if len(data) <= limit:
        return part
    stem, dot, suffix = part.rpartition(".")
    suffix = f".{suffix}" if dot and stem and len(suffix.encode()) <= 16 else ""
    digest = hashlib.sha256(data).hexdigest()[:12]
    head = data[: limit - 13 - len(suffix.encode())].decode("utf-8", "ignore")
    return f"{head}~{digest}{suffix}"


def _numbered_part(part: str, number: int) -> str:
    """`ps.txt` -> `ps~2.txt` (the suffix kept, so the copy still opens as it did)."""
    stem, dot, suffix = part.rpartition(".")
    return _short_part(f"{stem}~{number}.{suffix}" if dot and stem else f"{part}~{number}")


def _unique_paths(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Safe, short, distinct relative paths, whatever the case sensitivity of the file system: a name
    equal (ignoring case) to another file's, or to a folder's, gets `~2`, `~3`..."""
    taken_files: set[str] = set()
    folders: set[str] = set()
    result = []
    for name, data in files:
        clean = posixpath.normpath(name)
        if clean.startswith(("/", "../")) or clean in ("..", ".") or "/../" in f"/{clean}/":
            raise InputError(f"{name[:200]}: unsafe name, not written")
        parts = [_short_part(part) for part in clean.split("/")]
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth]).lower()
            while folder in taken_files:  # a file already has this folder's name: rename the folder
                parts[depth - 1] = _short_part(parts[depth - 1] + "~d", 255)
                folder = "/".join(parts[:depth]).lower()
        candidate = "/".join(parts)
        number = 1
        while candidate.lower() in taken_files or candidate.lower() in folders:
            number += 1
            parts_n = parts[:-1] + [_numbered_part(parts[-1], number)]
            candidate = "/".join(parts_n)
        taken_files.add(candidate.lower())
        for depth in range(1, candidate.count("/") + 1):
            folders.add("/".join(candidate.split("/")[:depth]).lower())
        result.append((candidate, data))
    return result


@dataclass
class RedactedCopy:
    """What `redact_bundle_copy` wrote."""

    out: str
    files: list[str]
    redactor: Redactor


def _inside(child: str, parent: str) -> bool:
    child, parent = os.path.realpath(child), os.path.realpath(parent)
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def redact_bundle_copy(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    max_total_bytes: int = 512 * 2**20,
    max_members: int = 10_000,
) -> RedactedCopy:
    """Write a redacted copy of the bundle at `paths` into the folder `out` (must not exist or be
    empty, and must not be inside a PATH). Archives are written as folders of their members. The copy
    is written in a temporary folder beside `out`, then renamed: on any failure nothing is left.
    Nothing is written into `paths`. The mapping is not written: it would undo the redaction."""
    out_text = os.fspath(out)
    for path in paths:
        if _inside(out_text, os.fspath(path)):
            raise InputError(f"{out_text}: the output folder is inside the input {os.fspath(path)}")
    existed = os.path.lexists(out_text)
    if existed:
        if not os.path.isdir(out_text) or os.path.islink(out_text):
            raise InputError(f"{out_text}: exists and is not a folder")
        if os.listdir(out_text):
            raise InputError(f"{out_text}: exists and is not empty")
    redactor, files = redact_sources(paths, max_total_bytes=max_total_bytes, max_members=max_members)
    parent = os.path.dirname(os.path.abspath(out_text))
    try:
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".ucnb-redact-", dir=parent)
    except OSError as error:
        raise InputError(f"{out_text}: cannot write here ({error.strerror})") from None
    try:
        for name, data in files:
            target = os.path.join(staging, *name.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "xb") as handle:
                handle.write(data)
        if existed:
            os.rmdir(out_text)
        os.rename(staging, out_text)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        where = error.filename or out_text
        raise InputError(f"{str(where)[:200]}: cannot write the redacted copy ({error.strerror})") from None
    return RedactedCopy(out_text, [name for name, _ in files], redactor)
