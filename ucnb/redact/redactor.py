"""Redaction: replace host names, domains, addresses, user names and passwords with stable placeholders.

For sharing a case outside the customer (vendor escalation, training material). Given the line

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b adminsftp@imp-sub1.corp.example.com

`Redactor.discover([text]).text(line)` gives

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b user-1@host-1.domain-1.example

Placeholders are numbered per kind in the order of first appearance while reading the texts in the
order given (`ucnb.redact.copy.redact_sources`: each file's name, then its lines, files sorted by
name), then the identifiers never seen in the texts, sorted: the same input always gives the same
placeholders. A placeholder that happens to be an original identifier is skipped.

What is found, and what cannot be, is described in `ucnb.redact.names`; the redacted copy of a bundle
is `ucnb.redact.copy`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ucnb.model.results import Bundle
from ucnb.redact.names import (
    INNER,
    MAC_COLON,
    SCAN,
    Found,
    as_ipv4,
    as_ipv6,
    as_mac,
    customer_users,
    domain_span,
    found_in_bundle,
    is_key,
)
from ucnb.text import plural

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
        found = Found()
        listed_users: set[str] = {u for u in users if u}
        for host in hosts:
            if host:
                found.add_host(host)
        for bundle in bundles:
            found_in_bundle(bundle, found, listed_users)
        for text in texts:
            found.scan(text)
        found.settle_domains()
        found.users = customer_users(found.users | listed_users)
        return cls._numbered(found, texts)

    @classmethod
    def _numbered(cls, found: Found, texts: list[str]) -> Redactor:
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
        return SCAN.sub(self._replace, text)

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
        return self._run(token, "." in token and is_key(match))

    def _colon(self, token: str) -> str:
        mac = MAC_COLON.fullmatch(token)
        if mac:
            found = as_mac(mac.group(1))
            placeholder = found and self._get("mac", found)
            return token[: mac.start(1)] + placeholder if placeholder else token
        for offset in (0, 1) if token.startswith(":") else (0,):
            address = as_ipv6(token[offset:])
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
        for match in INNER.finditer(token):
            out.append(self._names(token[position : match.start()], key))
            out.append(self._address(match))
            position = match.end()
        out.append(self._names(token[position:], key))
        return "".join(out)

    def _address(self, match: re.Match[str]) -> str:
        if match.lastgroup == "ip":
            address = as_ipv4(match.group())
            placeholder = address and self._get("ip", address)
        else:
            mac = as_mac(match.group())
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
        span = domain_span(labels, self.mapping["domain"]) if len(parts) > 1 and not key else None
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
