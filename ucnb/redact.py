"""Redaction: replace host names, domains, IP/MAC addresses and user names with stable placeholders.

For sharing a case outside the customer (vendor escalation, training material). Given the line

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b adminsftp@imp-sub1.corp.example.com

`Redactor.discover([text], bundles=[bundle]).text(line)` gives

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b user-1@host-1.domain-1.example

What is replaced (decisions; see also docs in the report's appendix):
- host names: `show status` Host Name, every host name and FQDN of `show network cluster`, node names
  that are syntactically host names (not generic folder words like `before`), the host of every
  `user@host` argument, and the first label of every FQDN -> `host-N`. Case-insensitive, whole
  labels only (`cucm-pub` is not replaced inside `cucm-pub2`; `_` and `.` end a label, so file
  names such as `putty_cucm-pub.log` are caught).
- domains: the rest of every FQDN -> `domain-N.example` (RFC 2606). An FQDN is a dotted name that
  ends in a domain found in the cluster table or a common top-level domain (`com`, `net`, `org`,
  `local`, `lan`, `corp`, `internal`...); Java packages (`com.cisco.x`) and file names
  (`cli.jar`, `script.sh`) are left alone.
- IPv4 addresses -> `192.0.2.N` (then `198.51.100.N`, `203.0.113.N`: RFC 5737 documentation ranges,
  so redacted captures still parse); simple IPv6 (with `::` or eight groups) -> `2001:db8::N`; MAC
  addresses -> `02:00:00:00:NN:NN`. Loopback (127.x), 0.0.0.0 and netmasks (255.x) identify no one
  and stay; version strings (`12.5.1.14900-4`, `7.0.0.0-4`) are not addresses and stay.
- user names -> `user-N`: every account seen in a process listing or `show process load` USER
  column, `user@host` arguments (`Broadcast message from NAME@host`), `sshd: NAME@pts/0`,
  `sshd: NAME [priv]`, `-Dcli.user=NAME`, `account name: NAME`, except the appliance's own system
  and service accounts (`SYSTEM_ACCOUNTS`: root, informix, ccmservice, tomcat, database...) and
  numeric UIDs, which identify no customer. Truncated names (`administ`, `adminis+`) get the full
  name's placeholder (with the `+` kept). Case-sensitive. `admin:` is every UC node's CLI prompt,
  whatever the user: it stays, so redacted captures still split into commands.

Placeholders are numbered per kind in the order of first appearance while reading the files sorted
by name (each file's name, then its lines), then the structured identifiers never seen in the text
in sorted order: the same input always gives the same placeholders. A placeholder that happens to be
an original identifier is skipped.
"""

from __future__ import annotations

import ipaddress
import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ucnb.errors import InputError
from ucnb.model import Bundle

__all__ = [
    "SYSTEM_ACCOUNTS",
    "Redactor",
    "RedactedCopy",
    "redact_bundle_copy",
    "redact_sources",
]

# Accounts that the UC appliance itself creates: they identify no customer and stay.
SYSTEM_ACCOUNTS = frozenset(
    {
        "root",
        "bin",
        "daemon",
        "adm",
        "lp",
        "sync",
        "shutdown",
        "halt",
        "mail",
        "operator",
        "games",
        "ftp",
        "nobody",
        "nfsnobody",
        "dbus",
        "polkitd",
        "rpc",
        "rpcuser",
        "ntp",
        "chrony",
        "sshd",
        "postfix",
        "tss",
        "abrt",
        "haldaemon",
        "apache",
        "named",
        "saslauth",
        "systemd-network",
        "systemd-timesync",
        "informix",
        "ccmservice",
        "ccmbase",
        "ccmsyslog",
        "database",
        "tomcat",
        "timesten",
        "sipproxy",
        "xcpuser",
        "drf",
        "jetty",
        "cucsmgr",
        "cucservice",
        "cuciadmin",
        "servm",
        "dbuser",
        "certm",
        "ccmtrace",
        "cmuser",
        "tomcat7",
        "enstore",
    }
)
GENERIC_NAMES = frozenset(
    {
        "before",
        "after",
        "capture",
        "captures",
        "log",
        "logs",
        "output",
        "outputs",
        "session",
        "sessions",
        "cli",
        "data",
        "bundle",
        "case",
        "files",
        "tmp",
        "unknown",
        "node",
        "server",
        "localhost",
    }
)
COMMON_TLDS = (
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "biz",
    "info",
    "io",
    "cloud",
    "local",
    "lan",
    "corp",
    "internal",
    "intra",
    "intranet",
    "localdomain",
    "home",
    "example",
    "test",
    "invalid",
)
KINDS = ("host", "domain", "ip", "ipv6", "mac", "user")
KIND_NAMES = {
    "host": "host name",
    "domain": "domain",
    "ip": "IPv4 address",
    "ipv6": "IPv6 address",
    "mac": "MAC address",
    "user": "user name",
}

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_EDGE_BEFORE = r"(?<![A-Za-z0-9-])"
_HOST_EDGE_AFTER = r"(?![A-Za-z0-9-])"
_IPV4 = re.compile(
    r"(?<![\w.-])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})"
    r"(?![\w-]|\.\d)"
)
_IPV6 = re.compile(
    r"(?<![\w:.])((?:[0-9A-Fa-f]{1,4}:){1,7}:?(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{1,4})*)"
    r"(?![\w:.])"
)
_MAC = re.compile(r"(?<![\w:-])((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2})(?![\w:-])")
_USER_AT_HOST = re.compile(r"(?<![\w.+-])([A-Za-z_][\w.-]{0,31})@(" + _LABEL + r"(?:\.[A-Za-z0-9-]+)*)")
_USER_CONTEXTS = (
    re.compile(r"sshd: ([A-Za-z_][\w.-]{0,31})(?:@| \[priv\])"),
    re.compile(r"-Dcli\.user=([A-Za-z_][\w.-]{0,31})"),
    re.compile(r"(?i:account name|user ?name)\s*[:=]\s*([A-Za-z_][\w.-]{0,31})\b"),
)
_HOST_LABELS = re.compile(r"(?i:host ?name|machine name|server name)\s*:\s*(" + _LABEL + r")\s*$")


def _is_hostname(text: str) -> bool:
    return bool(re.fullmatch(_LABEL, text)) and not text.isdigit() and text.lower() not in GENERIC_NAMES


def _keep_ip(text: str) -> bool:
    """Addresses that identify no one: loopback, unspecified, netmasks."""
    return text.startswith(("127.", "255.")) or text == "0.0.0.0"


def _is_ipv6(text: str) -> bool:
    if "::" not in text and text.count(":") != 7:
        return False
    if text.count("::") > 1 or text.strip(":") == "":
        return False
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return not address.is_loopback and not address.is_unspecified


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
        return f"02:00:00:00:{n // 256 % 256:02x}:{n % 256:02x}"
    if kind == "domain":
        return f"domain-{n}.example"
    return f"{kind}-{n}"


def _truncated_forms(name: str) -> list[str]:
    """How `ps`/`top` print a long user name: 8 characters, or 7 and a `+`."""
    if len(name) <= 8:
        return []
    return [name[:8], name[:7] + "+"]


@dataclass
class Redactor:
    """A fixed mapping from original identifiers to placeholders, and the functions applying it.

    >>> r = Redactor.discover(["Host Name : cucm-pub", "ssh admin@10.1.2.3 cucm-pub.corp.example.com"])
    >>> r.text("cucm-pub.corp.example.com 10.1.2.3 admin@cucm-pub")
    'host-1.domain-1.example 192.0.2.1 user-1@host-1'
    """

    mapping: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in KINDS})
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _lookup: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

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
        found: dict[str, set[str]] = {k: set() for k in KINDS}  # keys: lower case for host/domain
        domains_known: set[str] = set()
        listed_users: set[str] = set(u for u in users if u)
        for host in hosts:
            if host and _is_hostname(host):
                found["host"].add(host.lower())
        for bundle in bundles:
            for node in bundle.nodes:
                if _is_hostname(node.name):
                    found["host"].add(node.name.lower())
                if node.identity.hostname and _is_hostname(node.identity.hostname):
                    found["host"].add(node.identity.hostname.lower())
                for member in node.identity.cluster or []:
                    for key in ("hostname", "fqdn"):
                        value = str(member.get(key) or "")
                        first, _, rest = value.partition(".")
                        if first and _is_hostname(first):
                            found["host"].add(first.lower())
                        if rest:
                            domains_known.add(rest.lower())
                for listing in node.listings:
                    listed_users.update(listing.processes["user"].dropna().astype(str))
                for snapshot in node.loads:
                    listed_users.update(snapshot.processes["user"].dropna().astype(str))
        tlds = set(COMMON_TLDS) | {d.rsplit(".", 1)[-1] for d in domains_known}
        fqdn = re.compile(
            r"(?<![\w.-])((?:"
            + _LABEL
            + r"\.)+(?:"
            + "|".join(sorted(tlds, key=len, reverse=True))
            + r"))(?![\w-]|\.\w)",
            re.I,
        )
        for text in texts:
            for line in text.splitlines():
                for match in fqdn.finditer(line):
                    labels = match.group(1).lower().split(".")
                    if len(labels) >= 3:
                        found["host"].add(labels[0])
                        domains_known.add(".".join(labels[1:]))
                    else:
                        domains_known.add(".".join(labels))
                for match in _USER_AT_HOST.finditer(line):
                    listed_users.add(match.group(1))
                    first = match.group(2).split(".", 1)[0]
                    if _is_hostname(first) and not _IPV4.fullmatch(match.group(2)) and first.lower() != "pts":
                        found["host"].add(first.lower())
                for pattern in _USER_CONTEXTS:
                    for match in pattern.finditer(line):
                        listed_users.add(match.group(1))
                label = _HOST_LABELS.search(line)
                if label and _is_hostname(label.group(1)):
                    found["host"].add(label.group(1).lower())
                for match in _IPV4.finditer(line):
                    if not _keep_ip(match.group(1)):
                        found["ip"].add(match.group(1))
                for match in _IPV6.finditer(line):
                    if _is_ipv6(match.group(1)):
                        found["ipv6"].add(match.group(1).lower())
                for match in _MAC.finditer(line):
                    if match.group(1).lower() not in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
                        found["mac"].add(match.group(1).lower())
        found["domain"] = {d for d in domains_known if d}
        found["user"] = _customer_users(listed_users)
        return cls._numbered(found, texts)

    @classmethod
    def _numbered(cls, found: dict[str, set[str]], texts: list[str]) -> Redactor:
        """Number each kind in order of first appearance in `texts`, the rest sorted."""
        redactor = cls()
        originals = {v.lower() for values in found.values() for v in values}
        order: dict[str, list[str]] = {k: [] for k in KINDS}
        probe = _build_pattern({k: {v: v for v in values} for k, values in found.items()})
        seen: set[tuple[str, str]] = set()
        if probe is not None:
            lookup = _lookup_of({k: {v: v for v in values} for k, values in found.items()})
            for text in texts:
                for match in probe.finditer(text):
                    hit = _resolve(match.group(0), lookup)
                    if hit is None:
                        continue
                    for kind, original in _parts(hit):
                        if (kind, original) not in seen:
                            seen.add((kind, original))
                            order[kind].append(original)
        for kind in KINDS:
            rest = sorted(v for v in found[kind] if (kind, v) not in seen)
            counter = 0
            for original in order[kind] + rest:
                if original in redactor.mapping[kind]:
                    continue
                counter += 1
                while _placeholder(kind, counter).lower() in originals:
                    counter += 1
                redactor.mapping[kind][original] = _placeholder(kind, counter)
        # truncated user names share the full name's placeholder
        users = redactor.mapping["user"]
        for name, placeholder in list(users.items()):
            for short in _truncated_forms(name):
                users.setdefault(short, placeholder + ("+" if short.endswith("+") else ""))
        return redactor

    # ------------------------------------------------------------------ applying
    def _compiled(self) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]]:
        if self._pattern is None and any(self.mapping.values()):
            self._pattern = _build_pattern(self.mapping)
            self._lookup = _lookup_of(self.mapping)
        return self._pattern, self._lookup

    def text(self, text: str) -> str:
        """`text` with every known identifier replaced (the `admin:` prompt kept)."""
        pattern, lookup = self._compiled()
        if pattern is None or not text:
            return text

        def replace(match: re.Match[str]) -> str:
            hit = _resolve(match.group(0), lookup)
            if hit is None:
                return match.group(0)
            kind, original = hit
            if kind == "user" and match.group(0) == "admin" and text[match.end() : match.end() + 1] == ":":
                return match.group(0)  # the CLI prompt `admin:` (every UC node's), not a user
            return self._replacement(kind, original, match.group(0))

        return pattern.sub(replace, text)

    def _replacement(self, kind: str, original: str, matched: str) -> str:
        if kind == "fqdn":
            labels = original.split(".")
            if len(labels) >= 3:
                host = self.mapping["host"].get(labels[0], labels[0])  # unknown label: kept
                domain = self.mapping["domain"].get(".".join(labels[1:]))
                if domain is not None:
                    return f"{host}.{domain}"
            return self.mapping["domain"].get(original, matched)
        return self.mapping[kind][original]

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


def _customer_users(names: Iterable[str]) -> set[str]:
    """User names that are not system accounts, numeric UIDs or truncated system accounts."""
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
        if not re.fullmatch(r"[A-Za-z_][\w.-]*\+?", name):
            continue
        result.add(name)
    return result


def _lookup_of(mapping: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[str, str]]:
    """matched text (lower case for host/domain/address kinds) -> (kind, original key)."""
    lookup: dict[str, tuple[str, str]] = {}
    for kind in ("user",):
        for original in mapping.get(kind, {}):
            lookup[original] = (kind, original)
    for kind in ("ip", "ipv6", "mac", "host"):
        for original in mapping.get(kind, {}):
            lookup.setdefault(original.lower(), (kind, original))
    hosts = set(mapping.get("host", {}))
    for domain in mapping.get("domain", {}):
        lookup.setdefault(domain.lower(), ("fqdn", domain.lower()))
        for host in hosts:
            lookup.setdefault(f"{host}.{domain}".lower(), ("fqdn", f"{host}.{domain}".lower()))
    return lookup


def _resolve(matched: str, lookup: Mapping[str, tuple[str, str]]) -> tuple[str, str] | None:
    hit = lookup.get(matched) or lookup.get(matched.lower())
    if hit is None and "." in matched:  # an unknown host label before a known domain
        rest = lookup.get(matched.lower().split(".", 1)[1])
        if rest is not None and rest[0] == "fqdn":
            return ("fqdn", matched.lower())
    return hit


def _parts(hit: tuple[str, str]) -> list[tuple[str, str]]:
    """The (kind, original) identifiers a match stands for (an FQDN is a host and a domain)."""
    kind, original = hit
    if kind != "fqdn":
        return [hit]
    labels = original.split(".")
    if len(labels) >= 3:
        return [("host", labels[0]), ("domain", ".".join(labels[1:]))]
    return [("domain", original)]


def _build_pattern(mapping: Mapping[str, Mapping[str, str]]) -> re.Pattern[str] | None:
    """One alternation of every identifier, longest first, each with its own boundaries."""
    alternatives: list[tuple[int, str]] = []
    hosts = list(mapping.get("host", {}))
    for domain in mapping.get("domain", {}):
        # any host label before a known domain is part of the FQDN
        alternatives.append(
            (
                len(domain) + 1000,
                _HOST_EDGE_BEFORE
                + r"(?i:(?:"
                + _LABEL
                + r"\.)?"
                + re.escape(domain)
                + r")"
                + _HOST_EDGE_AFTER
                + r"(?!\.\w)",
            )
        )
    for host in hosts:
        alternatives.append(
            (len(host), _HOST_EDGE_BEFORE + r"(?i:" + re.escape(host) + r")" + _HOST_EDGE_AFTER)
        )
    for kind in ("ip",):
        for address in mapping.get(kind, {}):
            alternatives.append((len(address), r"(?<![\w.-])" + re.escape(address) + r"(?![\w-]|\.\d)"))
    for kind in ("ipv6", "mac"):
        for address in mapping.get(kind, {}):
            alternatives.append((len(address), r"(?<![\w:.-])(?i:" + re.escape(address) + r")(?![\w:-])"))
    for user in mapping.get("user", {}):
        alternatives.append(
            (len(user), r"(?<![\w.+-])" + re.escape(user) + (r"" if user.endswith("+") else r"(?![\w+-])"))
        )
    if not alternatives:
        return None
    alternatives.sort(key=lambda item: (-item[0], item[1]))
    return re.compile("|".join(pattern for _, pattern in alternatives))


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
    `(redacted name, redacted bytes)` sorted by redacted name (UTF-8; undecodable bytes become U+FFFD)."""
    from ucnb.bundle import load
    from ucnb.sources import read_sources

    sources = read_sources(list(paths), max_total_bytes=max_total_bytes, max_members=max_members)
    bundle = load(*paths, max_total_bytes=max_total_bytes, max_members=max_members)
    texts = []
    for src in sources.files:
        texts.append(src.name)
        texts.append(_decoded(src.data))
    redactor = Redactor.discover(texts, bundles=[bundle], users=extra_users)
    files = [
        (redactor.name(src.name), redactor.text(_decoded(src.data)).encode("utf-8")) for src in sources.files
    ]
    return redactor, sorted(files)


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
    """Write a redacted copy of the bundle at `paths` into the folder `out` (created; must not exist
    or be empty, and must not be inside a PATH). Archives are written as folders of their members.
    Nothing is written into `paths`. The mapping is not written: it would undo the redaction."""
    out_text = os.fspath(out)
    for path in paths:
        if _inside(out_text, os.fspath(path)):
            raise InputError(f"{out_text}: the output folder is inside the input {os.fspath(path)}")
    if os.path.lexists(out_text):
        if not os.path.isdir(out_text) or os.path.islink(out_text):
            raise InputError(f"{out_text}: exists and is not a folder")
        if os.listdir(out_text):
            raise InputError(f"{out_text}: exists and is not empty")
    redactor, files = redact_sources(paths, max_total_bytes=max_total_bytes, max_members=max_members)
    names = []
    for name, data in files:
        clean = posixpath.normpath(name)
        if clean.startswith(("/", "../")) or clean == ".." or "/../" in f"/{clean}/":
            raise InputError(f"{name}: unsafe name, not written")
        target = os.path.join(out_text, *clean.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "xb") as handle:
            handle.write(data)
        names.append(clean)
    return RedactedCopy(out_text, names, redactor)
