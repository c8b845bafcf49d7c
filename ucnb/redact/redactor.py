"""Redaction: replace host names, domains, addresses, user names and passwords with stable placeholders.

For sharing a case outside the customer (vendor escalation, training material). Given the line

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b adminsftp@imp-sub1.corp.example.com

`Redactor.discover([text]).text(line)` gives

    root  1775  1  0 03:15 ?  00:00:00 /usr/bin/sftp -b /tmp/b user-1@imp-host-1.domain-1.example

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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ucnb.model.results import Bundle
from ucnb.read.bundle import PRODUCT_BY_NAME
from ucnb.redact.allow import AllowList
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

KINDS = ("host", "domain", "ip", "ipv6", "mac", "user", "password", "id", "name")
KIND_NAMES = {
    "host": "host name",
    "domain": "domain",
    "ip": "IPv4 address",
    "ipv6": "IPv6 address",
    "mac": "MAC address",
    "user": "user name",
    "password": "password",
    "id": "other identifier",
    "name": "other name",
}
_CHUNK = 1 << 20  # characters redacted at a time (`strict`)
_PIECE = re.compile(r"[^\W_]+")  # a piece as the allow-list sees it (`PLACEHOLDER`'s `piece`)
_CUT = ("...", "\u2026", "+")  # what ends a piece cut short
_MAX_ALLOWED_SEEN = 1 << 16  # distinct allowed pieces remembered while learning (a cache only)
_PIECES_BATCH = 1 << 16  # hashes gathered before they are merged (`Pieces`)
PRODUCT_WORDS = {"IMnP": "imp-", "CUCM": "cucm-", "CUC": "cuc-"}
# What the placeholders look like, kept as they are by the allow-list pass (`Redactor.strict`).
PLACEHOLDER = re.compile(
    r"(?P<keep>(?<![^\W_])(?:(?:imp-|cucm-|cuc-)?host|user|password|id|name|case|note|person)-\d+(?![^\W_])"
    r"|(?<![^\W_])domain-\d+\.example|(?<![\w:])2001:db8::[0-9a-f]{1,4}(?![\w:])"
    r"|(?<![\w:])02:00:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}(?![\w:]))"
    r"|(?P<piece>[^\W_]+)"
)


# A host stands here: after `@`, `//`, `\\`, `=`, `: ` or a `--option `.
_HOST_BEFORE = re.compile(
    r"(?:@|//|\\\\|[=:] ?|--?[\w.-]*(?:host|server|peer|node|target)[\w.-]*[ =]['\"]?)\Z", re.IGNORECASE
)
_HOST_LINE = re.compile(r"(?i)\s*(?:host ?name|\d{1,3}(?:\.\d{1,3}){3}\s)")


def _chunks(text: str) -> Iterator[str]:
    """`text` whole, or past `_CHUNK` characters a chunk of whole lines at a time.

    >>> [len(chunk) for chunk in _chunks(("x" * 99 + "\\n") * 30_000)]
    [1048600, 1048600, 902800]
    """
    if len(text) <= _CHUNK:
        yield text
        return
    start = 0
    while start < len(text):
        end = text.find("\n", min(start + _CHUNK, len(text)))
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _host_position(match: re.Match[str]) -> bool:
    """Does this run stand where a host name does (`admin@x`, `--server x`, `Host Name : x`, a row
    of `show network cluster`)?"""
    text, start = match.string, match.start()
    if _HOST_BEFORE.search(text, max(0, start - 40), start):
        return True
    return bool(_HOST_LINE.match(text, text.rfind("\n", 0, start) + 1))


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


def _product_word(host: str) -> str:
    """`cucm-` for a host whose name says CUCM (`cucm-pub` -> `cucm-host-1`): a node whose captures
    say nothing else keeps the product ucnb reads from its name (`ucnb.read.bundle.PRODUCT_BY_NAME`)."""
    for pattern, product in PRODUCT_BY_NAME:
        if pattern.search(host):
            return PRODUCT_WORDS[product]
    return ""


def _truncated_forms(name: str) -> list[str]:
    """How `ps`/`top` print a long user name: 8 characters, or 7 and a `+`."""
    if len(name) <= 8:
        return []
    return [name[:8], name[:7] + "+"]


class Pieces:
    """A set of strings kept as their sorted 64-bit hashes (a hash shared by two strings only makes a
    word of the report a placeholder: the safe side), bounded in memory by the distinct strings'
    count, not their length; added in batches.

    >>> p = Pieces(); p.add("acme"); p.settle(); ("acme" in p, "globex" in p, len(p))
    (True, False, 1)
    """

    def __init__(self) -> None:
        self._pending: set[int] = set()
        self._sorted: Any = None  # numpy int64 array

    def add(self, text: str) -> None:
        self._pending.add(hash(text))
        if len(self._pending) >= _PIECES_BATCH:
            self.settle()

    def settle(self) -> None:
        """Merge the pending hashes into the sorted array."""
        import numpy as np  # only for a redacted report

        if not self._pending:
            return
        pending = np.fromiter(self._pending, dtype=np.int64, count=len(self._pending))
        self._pending.clear()
        self._sorted = pending if self._sorted is None else np.union1d(self._sorted, pending)
        self._sorted.sort()

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        key = hash(text)
        if key in self._pending:
            return True
        if self._sorted is None:
            return False
        import numpy as np

        at = int(np.searchsorted(self._sorted, key))
        return at < len(self._sorted) and int(self._sorted[at]) == key

    def __len__(self) -> int:
        return len(self._pending) + (0 if self._sorted is None else len(self._sorted))


@dataclass
class Redactor:
    """A fixed mapping from original identifiers to placeholders, and the functions applying it.

    >>> r = Redactor.discover(["Host Name : pbx-pub", "ssh admin@10.1.2.3 pbx-pub.corp.example.com"])
    >>> r.text("PBX-PUB.corp.example.com 10.1.2.3 admin@pbx-pub ip_010.001.002.003 --cn=pbx-pub_ccm")
    'host-1.domain-1.example 192.0.2.1 user-1@host-1 ip_192.0.2.1 --cn=host-1_ccm'
    >>> r.counts()
    {'host name': 1, 'domain': 1, 'IPv4 address': 1, 'user name': 1}
    """

    mapping: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in KINDS})
    replaced: Counter[str] = field(default_factory=Counter, repr=False)  # occurrences, by kind
    # what the allow-list pass kept verbatim: distinct pieces by kind (numbers: only counted)
    kept: dict[str, set[str]] = field(default_factory=dict, repr=False)
    kept_numbers: int = field(default=0, repr=False)
    runs: dict[str, str] = field(default_factory=dict, repr=False)  # file-name words: see learn_names
    # the input's pieces that the allow-list does not keep, case-folded: see learn_input, prose
    inputs: Pieces = field(default_factory=lambda: Pieces(), repr=False)

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
        texts, bundles = list(texts), list(bundles)
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
        redactor = cls._numbered(found, texts)
        redactor.learn_names(info.name for bundle in bundles for info in bundle.files)
        return redactor

    @classmethod
    def _numbered(cls, found: Found, texts: list[str]) -> Redactor:
        """Number each kind in order of first appearance in `texts`, then the rest sorted."""
        sets = {"host": found.hosts, "domain": found.domains, "ip": found.ips, "ipv6": found.ipv6,
                "mac": found.macs, "user": found.users, "password": found.passwords,
                "id": found.ids, "name": set()}
        probe = cls({kind: {value: value for value in values} for kind, values in sets.items()})
        seen: dict[tuple[str, str], None] = {}
        probe._seen = seen
        for text in texts:
            for chunk in _chunks(text):  # the order met is all it keeps: no redacted copy of a whole text
                probe.text(chunk)
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
                redactor.mapping[kind][original] = _product_word(original) * (kind == "host") + _placeholder(
                    kind, counter
                )
        users = redactor.mapping["user"]
        for name, placeholder in list(users.items()):
            for short in _truncated_forms(name):
                users.setdefault(short, placeholder + ("+" if short.endswith("+") else ""))
        return redactor

    # ------------------------------------------------------------------ applying
    _seen: dict[tuple[str, str], None] | None = field(default=None, repr=False)
    _ambiguous: tuple[int, frozenset[str]] | None = field(default=None, repr=False)

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
        whole = self.mapping["host"].get(text.lower()) if len(text) < 256 else None
        if whole is not None:  # a node's name as a whole (all digits, with `_`...)
            self.replaced["host"] += 1
            return whole
        return SCAN.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        token = match.group()
        if kind == "colon":
            return self._colon(token)
        if self.runs and token in self.runs:
            return self.runs[token]
        if kind == "userinfo":
            user, password = match.group("ui_user"), match.group("ui_pass")
            return (f"{self._get('user', user) or self._run(user, False)}:"
                    f"{self._get('password', password) or password}@")
        other = self.mapping["id"].get(token) if self.mapping["id"] else None
        if other is not None:  # a licence MAC or serial number, an address written as a number
            self.replaced["id"] += 1
            return other
        if token.isdigit():
            return self._digits(match) if token in self.mapping["host"] else token
        if token == "admin" and match.string.startswith(":", match.end()):
            return token  # the CLI prompt `admin:` (every UC node's), not a user
        whole = token.lower()
        ambiguous = self.ambiguous
        host_ok = not ambiguous or not any(name in whole for name in ambiguous) or _host_position(match)
        if not whole.isalpha() and whole in self.mapping["host"] and (host_ok or whole not in ambiguous):
            return self._get("host", whole) or token  # `cucm_pub`, `münchen-1`: a node's whole name
        return self._run(token, "." in token and is_key(match), host_ok)

    @property
    def ambiguous(self) -> frozenset[str]:
        """Host names that are also words the allow-list keeps (a backup server named `sftp`): such
        a name is a host only where a host stands (after `@`, `//`, `=`, `: `, before its domain);
        `/usr/bin/sftp` stays a process."""
        hosts = self.mapping["host"]
        if self._ambiguous is None or self._ambiguous[0] != len(hosts):
            allowed = AllowList.default()
            self._ambiguous = (len(hosts), frozenset(h for h in hosts if allowed.kind(h) or h.isdigit()))
        return self._ambiguous[1]

    def _digits(self, match: re.Match[str]) -> str:
        """A host name of digits only (`show status` allows it) where a host stands; else a number."""
        token = match.group()
        if _host_position(match):
            return self._get("host", token) or token
        return token

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

    def _run(self, token: str, key: bool = False, host_ok: bool = True) -> str:
        if token in self.mapping["user"]:
            return self._get("user", token) or token
        if token.isalpha():  # most words: one label
            lower = token.lower()
            if lower not in self.mapping["host"] or (not host_ok and lower in self.ambiguous):
                return token
            return self._get("host", lower) or token
        out: list[str] = []
        position = 0
        for match in INNER.finditer(token):
            out.append(self._names(token[position : match.start()], key, host_ok))
            out.append(self._address(match))
            position = match.end()
        out.append(self._names(token[position:], key, host_ok))
        return "".join(out)

    def _address(self, match: re.Match[str]) -> str:
        if match.lastgroup == "ip":
            address = as_ipv4(match.group())
            placeholder = address and self._get("ip", address)
        else:
            mac = as_mac(match.group())
            placeholder = mac and self._get("mac", mac)
        return placeholder or match.group()

    def _names(self, text: str, key: bool, host_ok: bool = True) -> str:
        """Dotted names in a run without addresses: FQDNs of known domains, host and user labels (in
        an option or property name, only labels)."""
        if not text:
            return text
        return "_".join(self._dotted(piece, key, host_ok) for piece in text.split("_"))

    def _dotted(self, text: str, key: bool, host_ok: bool = True) -> str:
        if not text:
            return text
        parts = text.split(".")
        labels = [part.strip("-") for part in parts]
        span = domain_span(labels, self.mapping["domain"]) if len(parts) > 1 and not key else None
        if span is None:
            return ".".join(self._label(part, host_ok) for part in parts)
        start, end = span
        domain = self._get("domain", ".".join(labels[start:end]).lower()) or ".".join(parts[start:end])
        before = [self._label(part) for part in parts[:start]]  # in front of its domain: a host
        return ".".join([*before, domain, *(self._label(part, host_ok) for part in parts[end:])])

    def _label(self, part: str, host_ok: bool = True) -> str:
        core = part.strip("-")
        if not core:
            return part
        placeholder = self._get("user", core) if core in self.mapping["user"] else None
        if placeholder is None:
            core = core.strip("+")
            lower = core.lower()
            if lower in self.mapping["host"] and (host_ok or lower not in self.ambiguous):
                placeholder = self._get("host", lower)
        if placeholder is None:
            return part
        start = part.index(core)
        return part[:start] + placeholder + part[start + len(core) :]

    def name(self, path: str) -> str:
        """A posix path with each component redacted (a component that is a host is one, whatever
        the allow-list keeps: a node's folder)."""
        return "/".join(self._component(part, self.text) for part in path.split("/"))

    def _component(self, part: str, redact: Callable[[str], str]) -> str:
        """A folder or file name that is a node's name (`cucm_pub/`, `4455667.txt`) is its placeholder."""
        stem, dot, suffix = part.rpartition(".")
        for name, end in ((part, ""), (stem, f".{suffix}") if dot and stem else (None, "")):
            placeholder = self.mapping["host"].get(name.lower()) if name else None
            if placeholder is not None:
                self.replaced["host"] += 1
                return placeholder + redact(end)
        return redact(part)

    # ------------------------------------------------------------------ the allow-list
    def strict(self, text: str) -> str:
        """`text` redacted by the allow-list: the identifiers found replaced (`text`), then every
        piece the allow-list does not keep (`ucnb.redact.allow`) replaced by `name-N` (the same piece,
        in any case, the same placeholder).

        >>> r = Redactor.discover(["Host Name : cucm-pub"])
        >>> r.strict("root 1775 1 0 03:15 ? /usr/bin/java -Xmx512m com.acme.Pay --cluster ACME-PROD cucm-pub")
        'root 1775 1 0 03:15 ? /usr/bin/java -Xmx512m com.name-1.name-2 --cluster name-1-name-3 cucm-host-1'
        """
        if not text:
            return text
        # a long text a chunk of whole lines at a time: no whole intermediate copy
        return "".join(PLACEHOLDER.sub(self._allow, self.text(chunk)) for chunk in _chunks(text))

    def strict_name(self, path: str) -> str:
        """A posix path redacted by the allow-list, component by component."""
        return "/".join(self._component(part, self.strict) for part in path.split("/"))

    def person(self, name: str) -> str:
        """Who decided (`--by`): the user's placeholder when the captures name that user, else `person-N`."""
        return self.mapping["user"].get(name) or self.free_text("person", name)

    def learn_names(self, names: Iterable[str]) -> None:
        """File names of the bundles: each of their words redacted by the allow-list wherever the
        name is quoted (`Globex_session.txt:30` in a sentence), not only in the files' table."""
        for name in names:
            for match in SCAN.finditer(name):
                token = match.group()
                if match.lastgroup == "run" and token not in self.runs:
                    redacted = PLACEHOLDER.sub(self._allow, self._replace(match))
                    if redacted != token:
                        self.runs[token] = redacted

    def learn_input(self, texts: Iterable[str]) -> None:
        """Remember every piece of `texts` (the captures' names and contents) that the allow-list does
        not keep, for `prose` (as hashes: 8 bytes a distinct piece, whatever its length)."""
        allowed: set[str] = set()
        for text in texts:
            for match in _PIECE.finditer(text):
                piece = match.group()
                if piece in allowed:
                    continue
                if self.allow.kind(piece) is None:
                    self.inputs.add(piece.casefold())
                elif len(allowed) < _MAX_ALLOWED_SEEN:
                    allowed.add(piece)
        self.inputs.settle()

    def prose(self, text: str) -> str:
        """A sentence of the report that quotes the captures (a diagnosis naming a parent's command, a
        service, a version, a file): the identifiers found replaced (`text`), then every piece that
        the captures hold and the allow-list does not keep replaced as `strict` does (`name-N`); the
        report's own words stay. A piece cut short (`acme...`, `adminis+`) is replaced unless the
        allow-list keeps it.

        >>> r = Redactor.discover([]); r.learn_input(["/opt/acme/bin/payd --mode Springfield"])
        >>> r.prose("the parent PID 7 (/opt/acme/bin/payd --mode Spr...) does not wait")
        'the parent PID 7 (/opt/name-1/bin/name-2 --mode name-3...) does not wait'
        """
        if not text or not self.inputs:
            return self.text(text) if text else text
        return PLACEHOLDER.sub(self._allow_input, self.text(text))

    def _allow_input(self, match: re.Match[str]) -> str:
        if match.lastgroup == "keep":
            return match.group()
        if match.group().casefold() in self.inputs or match.string.startswith(_CUT, match.end()):
            return self._allow(match)
        return match.group()

    def free_text(self, kind: str, value: str) -> str:
        """A free-text field (`--case`, `--note`) as a whole: `case-1`, `note-1`."""
        if not value:
            return value
        table = self.mapping.setdefault(kind, {})
        if value not in table:
            table[value] = f"{kind}-{len(table) + 1}"
        return table[value]

    def _allow(self, match: re.Match[str]) -> str:
        piece = match.group()
        if match.lastgroup == "keep":
            return piece
        kind = self.allow.kind(piece)
        if kind == "number or shape":
            self.kept_numbers += 1
            return piece
        if kind is not None:
            self.kept.setdefault(kind, set()).add(piece)
            return piece
        key = piece.casefold()
        names = self.mapping["name"]
        placeholder = names.get(key)
        if placeholder is None:
            placeholder = names[key] = _placeholder("name", len(names) + 1)
        self.replaced["name"] += 1
        return placeholder

    @property
    def allow(self) -> AllowList:
        return AllowList.default()

    def kept_summary(self) -> list[str]:
        """What the allow-list kept verbatim, by kind: one line each, its pieces sorted.

        >>> r = Redactor.discover([]); _ = r.strict("root 1 /usr/sbin/ccm Publisher acme")
        >>> for line in r.kept_summary(): print(line)
        numbers and shapes: 1
        CLI or Linux word (3): Publisher, sbin, usr
        catalogue name (1): ccm
        system account (1): root
        """
        lines = [f"numbers and shapes: {self.kept_numbers:,}"] if self.kept_numbers else []
        for kind in sorted(self.kept):
            pieces = sorted(self.kept[kind], key=lambda p: (p.lower(), p))
            lines.append(f"{kind} ({len(pieces)}): {', '.join(pieces)}")
        return lines

    def value(self, value: Any) -> Any:
        """Redact every string inside lists, tuples and dict values (keys are field names and stay):
        each by `prose` (by `text` when no input was learnt)."""
        if isinstance(value, str):
            return self.prose(value)
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
