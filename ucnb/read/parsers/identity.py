"""Who the node is, from `show status`, `show version active`, `show network cluster` and
`show tech ccm_service`.

    Host Name          : cucm-pub
    Date               : Thu Nov 20, 2026 10:29:45
    Product Ver        : 12.5.1.14900-63
    Unified OS Version : 7.0.0.0-4

    Uptime:
     10:29:46 up 41 days,  3:07,  1 user,  load average: 0.15, 0.21, 0.18

-> Identity(hostname="cucm-pub", version="12.5.1.14900-63", os_version="7.0.0.0-4",
            date="Thu Nov 20, 2026 10:29:45", uptime="41 days,  3:07")

Each command has its own small line reader; every non-blank line is data, a recognised block of the
output (CPU, memory, disk tables of `show status`), or `unparsed`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from typing import Any

from ucnb.model.results import Identity, Unparsed
from ucnb.text import plural

COMMANDS = ("show status", "show version active", "show network cluster", "show tech ccm_service")

# `show network cluster` TYPE column -> product.
PRODUCT_BY_CLUSTER_TYPE = {"callmanager": "CUCM", "cups": "IMnP", "cuc": "CUC", "connection": "CUC",
                           "unity": "CUC"}
# `show tech ccm_service` GroupName -> product, most specific first: a Unity Connection or IM and
# Presence server may also list the CM groups it is built on, never the other way round.
PRODUCT_BY_GROUP = (("Unity Connection Services", "CUC"), ("IM and Presence Services", "IMnP"),
                    ("CM Services", "CUCM"))

_UPTIME = re.compile(r"^\s*(?:\d{1,2}:\d{2}(?::\d{2})?\s+)?up\s+(?P<up>.*?),\s+\d+\s+users?,\s+load average:")

# --- show status ---------------------------------------------------------------------------------

_STATUS_FIELDS = {"host name": "hostname", "date": "date", "product ver": "version",
                  "unified os version": "os_version"}
_STATUS_KNOWN = {"time zone", "locale", "license mac", "license serial number"}
_STATUS_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]*?)\s*:\s*(?P<value>.*)$")
_PCT = r"\s*\d+(?:\.\d+)?%"
_K = r"\s*\d+\s*[KMG]?B?"
_STATUS_BLOCKS = [re.compile(p, re.IGNORECASE) for p in (
    rf"CPU Idle:{_PCT}(\s+\w+:{_PCT})*",  # CPU Idle:   95.48%  System:   01.51%    User:   02.76%
    rf"IOWAIT:{_PCT}(\s+\w+:{_PCT})*",  #   IOWAIT:   00.00%     IRQ:   00.00%    Soft:   00.25%
    rf"Memory Total:{_K}",
    rf"(Free|Used|Cached|Shared|Buffers|Available|Swap \w+):{_K}",
    r"Total\s+Free\s+Used",
    rf"Disk/\S+{_K}{_K}{_K}\s*\(\s*\d+%\)",  # Disk/active   14154228K   1889488K   12120948K (87%)
)]


# where a new field or block starts inside a `show status` collapsed onto one line
_STATUS_CUT = re.compile(
    r"(?<!\S)(?=(?:Host Name|Date|Time Zone|Locale|Product Ver|Unified OS Version|License MAC"
    r"|License Serial Number)\s*:|(?:Uptime|CPU Idle|IOWAIT|Memory Total|Free|Used|Cached|Shared|Buffers)"
    r":|Total\s+Free\s+Used\b|Disk/\S+\s+\d)")


def _status_pieces(text: str) -> list[str]:
    """The fields of a `show status` line, several when the output was collapsed onto one line.

    >>> _status_pieces("Host Name : cucm-pub Date : Thu Nov 20, 2026 10:29:45 Product Ver : 12.5.1.14900-63")
    ['Host Name : cucm-pub', 'Date : Thu Nov 20, 2026 10:29:45', 'Product Ver : 12.5.1.14900-63']
    """
    cuts = [match.start() for match in _STATUS_CUT.finditer(text)]
    if len(cuts) < 2:
        return [text]
    bounds = [0, *[cut for cut in cuts if cut > 0], len(text)]
    return [piece for a, b in zip(bounds, bounds[1:], strict=False) if (piece := text[a:b].strip())]


def _show_status(lines: Sequence[str], file: str, first_line: int, identity: Identity) -> None:
    after_uptime_label = False
    pieces = [(i, piece, len(parts) > 1) for i, line in _non_blank(lines) for parts in [_status_pieces(line)]
              for piece in parts]
    for index, text, collapsed in pieces:
        source = f"{file}:{first_line + index}"
        uptime = _UPTIME.match(text)
        if uptime:
            identity.uptime, identity.clock_source = uptime["up"], source
            after_uptime_label = False
            continue
        if after_uptime_label:
            identity.unparsed.append(Unparsed(source, text, "expected the uptime line after `Uptime:`"))
            after_uptime_label = False
        if any(block.fullmatch(text) for block in _STATUS_BLOCKS):
            continue
        match = _STATUS_LABEL.match(text)
        if match is None:
            identity.unparsed.append(Unparsed(source, text, "not a show status line"))
            continue
        label = re.sub(r"\s+", " ", match["label"]).lower()
        value = match["value"].strip()
        if label == "uptime":
            uptime = _UPTIME.match(value)
            after_uptime_label = not value
            if uptime:
                identity.uptime, identity.clock_source = uptime["up"], source
            elif value:
                identity.unparsed.append(Unparsed(source, text, "uptime not in the `up ..., N user` form"))
        elif collapsed and label in _STATUS_FIELDS and label != "date" and len(value.split()) > 1:
            # in a collapsed line a host name or version is one word: more is other text run into it
            why = f"{match['label']!r} followed by more than one word"
            identity.unparsed.append(Unparsed(source, text, why))
        elif label in _STATUS_FIELDS and value:
            setattr(identity, _STATUS_FIELDS[label], value)
            if label == "date":
                identity.clock_source = identity.clock_source or source
        elif label not in _STATUS_FIELDS and label not in _STATUS_KNOWN:
            identity.unparsed.append(Unparsed(source, text, f"unknown show status field {match['label']!r}"))
        elif not value and label in _STATUS_FIELDS:
            identity.unparsed.append(Unparsed(source, text, f"{match['label']!r} without a value"))


# --- show version active -------------------------------------------------------------------------

_ACTIVE_VERSION = re.compile(r"Active Master Version\s*:\s*(?P<version>\S+)", re.IGNORECASE)
_OPTIONS_HEADER = re.compile(r"Active Version Installed Software Options\s*:", re.IGNORECASE)
_NO_OPTIONS = re.compile(r"No Installed Software Options Found\.?", re.IGNORECASE)
# cmterm-devicepack12.5.1.14900-1.cop, ciscocm.xxx.cop.sgn: a file name (an answer such as `yes` is not)
_OPTION = re.compile(r"[\w][\w+@~-]*(?:\.[\w+@~-]+)+")


_VERSION_CUT = re.compile(r"(?=Active Master Version\s*:|Active Version Installed Software Options\s*:"
                          r"|No Installed Software Options Found)", re.IGNORECASE)


def _version_pieces(text: str) -> list[str]:
    """`Active Master Version: X Active Version Installed Software Options: a.cop b.cop` (collapsed
    onto one line) -> its label lines and one option each; a line of its own is returned whole."""
    cuts = [match.start() for match in _VERSION_CUT.finditer(text) if match.start() > 0]
    if not cuts:
        return [text]
    pieces = [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)], strict=False)]
    out: list[str] = []
    for piece in pieces:
        header = _OPTIONS_HEADER.match(piece)
        if header and piece[header.end():].strip():
            out += [piece[:header.end()], *piece[header.end():].split()]
        else:
            out.append(piece)
    return [piece for piece in out if piece]


def _show_version(lines: Sequence[str], file: str, first_line: int, identity: Identity) -> None:
    in_options = False
    for index, text in ((i, piece) for i, line in _non_blank(lines) for piece in _version_pieces(line)):
        source = f"{file}:{first_line + index}"
        version = _ACTIVE_VERSION.fullmatch(text)
        if version:
            identity.version = version["version"]
        elif _OPTIONS_HEADER.fullmatch(text):
            in_options = True
        elif in_options and (_NO_OPTIONS.fullmatch(text) or _OPTION.fullmatch(text)):
            continue  # an installed option (a .cop file name) or "none": not part of the identity
        else:
            identity.unparsed.append(Unparsed(source, text, "not a show version active line"))


# --- show network cluster ------------------------------------------------------------------------

_ROLES = {"publisher": "Publisher", "subscriber": "Subscriber"}
_PROCESSNODE_HEADER = re.compile(r"Server Table \(processnode\) Entries", re.IGNORECASE)
_RULE = re.compile(r"[-=_*\s]{3,}")
_NODE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def cluster_row(text: str) -> dict[str, Any] | None:
    """`10.10.10.11 cucm-pub.example.com cucm-pub Publisher callmanager DBPub authenticated ...` -> dict.

    Columns are found by structure: an IP address first, the role word (Publisher/Subscriber) after
    one or two names (FQDN and host name, or the host name alone), then TYPE, the DB role, the rest.
    """
    words = text.split()
    if len(words) < 4 or not _is_ip(words[0]):
        return None
    role_at = next((i for i in (2, 3) if i < len(words) and words[i].lower() in _ROLES), None)
    if role_at is None or role_at + 1 >= len(words):
        return None
    names = words[1:role_at]
    if not all(_NODE_NAME.fullmatch(name) for name in names):
        return None
    kind = words[role_at + 1]
    rest = words[role_at + 2:]
    db_role = rest.pop(0) if rest and re.fullmatch(r"DB\w+", rest[0]) else None
    return {
        "ip": words[0],
        "fqdn": names[0] if len(names) == 2 else None,
        "hostname": names[-1],
        "role": _ROLES[words[role_at].lower()],
        "type": kind,
        "product": PRODUCT_BY_CLUSTER_TYPE.get(kind.lower()),
        "db_role": db_role,
        "status": " ".join(rest) or None,
    }


def _wrapped_row(text: str, row: dict[str, Any] | None, tail: str) -> dict[str, Any] | None:
    """The row `text` (read as `row`, None when it is cut before its TYPE) continued by `tail`, the
    next line, when `tail` reads as its rest: the row had no status yet, or `tail` goes on with the
    status's words or date; never a line that starts a row or a section."""
    if (_PROCESSNODE_HEADER.fullmatch(tail) or _RULE.fullmatch(tail) or tail.lower() in _DONE
            or _is_ip(tail.split()[0]) or len(_cluster_pieces(tail)) > 1):
        return None
    if row is not None and row["status"] is not None and not _STATUS_TAIL.match(tail):
        return None
    if row is None and not _is_ip(text.split()[0]):
        return None
    return cluster_row(f"{text} {tail}")


def _is_ip(word: str) -> bool:
    try:
        ipaddress.ip_address(word)
    except ValueError:
        return False
    return True


# where a row starts: an address, one or two names, the role (for output collapsed onto one line)
_ROW_START = re.compile(r"(?<!\S)(?=[0-9A-Fa-f.:]{3,45}\s+(?:\S+\s+){1,2}(?:Publisher|Subscriber)(?!\S))",
                        re.IGNORECASE)
_DONE = ("successful", "command successful")
_PROCESSNODE_CUT = re.compile(r"(?<!\S)Server Table \(processnode\) Entries(?!\S)", re.IGNORECASE)
# how a wrapped status goes on: `... DBPub authenticated using TCP since` / `Wed May 29 ...`
_STATUS_TAIL = re.compile(r"(?:authenticated|using|TCP|since|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|"
                          r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|\d{1,2}(?::\d{2}){0,2}\b)")


def _cluster_pieces(text: str) -> list[str]:
    """The rows and section parts of one `show network cluster` line: several when the output was
    collapsed onto one line (every row starts with its address, names and role).

    >>> _cluster_pieces("10.1.1.2 sub Subscriber callmanager DBSub authenticated 10.1.1.1 pub "
    ...                 "Publisher cups DBPub Server Table (processnode) Entries --- pub sub")
    ['10.1.1.2 sub Subscriber callmanager DBSub authenticated', '10.1.1.1 pub Publisher cups DBPub', \
'Server Table (processnode) Entries', '---', 'pub', 'sub']
    """
    header = _PROCESSNODE_CUT.search(text)
    head, tail = (text[:header.start()], text[header.end():]) if header else (text, "")
    cuts = [match.start() for match in _ROW_START.finditer(head)
            if match.start() > 0 and _is_ip(head[match.start():].split(None, 1)[0])]
    bounds = [0, *cuts, len(head)]
    pieces = [head[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
    if header:
        pieces += [header.group(0), *tail.split()]  # processnode entries and rules have no spaces
    return [piece for piece in pieces if piece]


def _show_network_cluster(lines: Sequence[str], file: str, first_line: int, identity: Identity) -> None:
    in_processnodes = False
    items = _non_blank(lines)
    joined_into: set[int] = set()  # positions in items read as the wrapped tail of the row above
    for position, (index, line) in enumerate(items):
        if position in joined_into:
            continue
        source = f"{file}:{first_line + index}"
        pieces = _cluster_pieces(line)
        for number, text in enumerate(pieces):
            row = cluster_row(text)
            following = items[position + 1] if position + 1 < len(items) else None
            if number == len(pieces) - 1 and following is not None and following[0] == index + 1:
                wrapped = _wrapped_row(text, row, following[1])
                if wrapped is not None:  # the row goes on on the next line (terminal or mail width)
                    row = wrapped
                    source = f"{file}:{first_line + index}-{first_line + following[0]}"
                    joined_into.add(position + 1)
            if row is not None:
                identity.cluster.append({**row, "source": source})
            elif _PROCESSNODE_HEADER.fullmatch(text):
                in_processnodes = True
            elif _RULE.fullmatch(text) or text.lower() in _DONE:
                continue
            elif in_processnodes and _NODE_NAME.fullmatch(text):
                continue  # a processnode entry (host name or address): the rows above already list the nodes
            else:
                identity.unparsed.append(Unparsed(source, text, "not a show network cluster row"))
    products = {row["product"] for row in identity.cluster}
    if len(products) == 1:
        identity.product = products.pop()  # a cluster of one product; mixed clusters say nothing
    unknown = sorted({row["type"] for row in identity.cluster if row["product"] is None})
    if unknown:
        identity.warnings.append(f"{file}: {plural(len(unknown), 'unknown node type')} in show network "
                                 f"cluster: {', '.join(unknown)}")


# --- show tech ccm_service -----------------------------------------------------------------------

_TECH_FIELD = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z0-9_]+){0,3})\s*:\s*(?P<value>.*)")
_TECH_BANNER = re.compile(r"[-=*]{3,}.*|.*[-=*]{3,}")
_TECH_TROUBLE = {"error", "exception", "warning", "failed", "failure"}


def _show_tech_ccm_service(lines: Sequence[str], file: str, first_line: int, identity: Identity) -> None:
    groups: list[str] = []
    for index, text in _non_blank(lines):
        source = f"{file}:{first_line + index}"
        field = _TECH_FIELD.fullmatch(text)
        if field and field["key"].lower() in _TECH_TROUBLE:
            identity.unparsed.append(Unparsed(source, text, "an error in the show tech ccm_service output"))
        elif field and field["key"].lower() == "groupname":
            groups.append(field["value"].strip())
        elif field or _TECH_BANNER.fullmatch(text):
            continue  # ServiceName:, Status:, ... of each service block; banners and rules
        else:
            identity.unparsed.append(Unparsed(source, text, "not a `Key: value` line of show tech"))
    for group, product in PRODUCT_BY_GROUP:
        if group.lower() in (g.lower() for g in groups):
            identity.product = product
            break
    else:
        if groups:
            identity.warnings.append(f"{file}: no UC product group among {', '.join(groups)}")


# --- entry point ---------------------------------------------------------------------------------

_READERS: dict[str, Callable[[Sequence[str], str, int, Identity], None]] = {
    "show status": _show_status,
    "show version active": _show_version,
    "show network cluster": _show_network_cluster,
    "show tech ccm_service": _show_tech_ccm_service,
}


def _one_per_line(unparsed: list[Unparsed]) -> list[Unparsed]:
    """Parts of one collapsed line not understood: one entry for the line, naming each part."""
    by_source: dict[str, list[Unparsed]] = {}
    for item in unparsed:
        by_source.setdefault(item.source, []).append(item)
    return [items[0] if len(items) == 1 else
            Unparsed(source, " ".join(item.text for item in items),
                     "; ".join(f"{item.text!r}: {item.reason}" for item in items))
            for source, items in by_source.items()]


def _non_blank(lines: Sequence[str]) -> list[tuple[int, str]]:
    return [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]


def parse_identity(
    lines: Sequence[str], *, command: str, file: str = "<text>", first_line: int = 1
) -> Identity:
    """Parse one identity command's output (`command`: one of COMMANDS) into an Identity.

    `show status` gives hostname, version, os_version, date, uptime; `show version active` the
    version; `show network cluster` the cluster rows (and the product when the cluster has only
    one); `show tech ccm_service` the product. Never raises.
    """
    identity = Identity()
    numbers = [first_line + index for index, _ in _non_blank(lines)]
    identity.source = f"{file}:{numbers[0]}-{numbers[-1]}" if numbers else f"{file}:{first_line}"
    reader = _READERS.get(" ".join(command.split()).lower())
    if reader is None:
        identity.warnings.append(f"{file}: {command!r} is not an identity command")
        identity.unparsed.extend(Unparsed(f"{file}:{first_line + index}", text, f"output of {command!r}")
                                 for index, text in _non_blank(lines))
        return identity
    reader(lines, file, first_line, identity)
    identity.unparsed = _one_per_line(identity.unparsed)
    # each reader reads every non-blank line as a field, a known block or a cluster row, or lists it
    # as unparsed: the others are recognised
    unread = {item.source for item in identity.unparsed}
    identity.recognised = [number for number in numbers if f"{file}:{number}" not in unread]
    return identity
