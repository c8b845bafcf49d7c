"""The service catalogue (`ucnb/data/services.toml`): its schema and its loader (process matching,
owners and ancestry: `ucnb.knowledge.owner`).

    >>> CATALOGUE.service("Cisco AMC Service").restart_command
    'utils service restart Cisco AMC Service'

The file is loaded and validated when this module is imported; a broken entry raises
`InputError` naming the entry. `load_catalogue(path)` reads another copy (a TAC-corrected one).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ucnb.errors import InputError
from ucnb.knowledge.defects import Defect, parse_defects
from ucnb.model.actions import special_rule_names
from ucnb.text import plural

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PRODUCTS",
    "IMPACTS",
    "COMM_LENGTH",
    "Service",
    "SpecialRule",
    "Catalogue",
    "ProductNotes",
    "CollectStep",
    "Defect",
    "load_catalogue",
    "CATALOGUE",
]

PRODUCTS = ("CUCM", "IMnP", "CUC")
IMPACTS = ("low", "medium", "high", "cosmetic")
COMM_LENGTH = 15  # Linux TASK_COMM_LEN - 1
# With an unknown product, names shorter than this (`cm`, `pe`, `tc`, `ma`...) are too generic to trust.
MIN_NAME_UNKNOWN_PRODUCT = 4
# UCOS's own folders: a program under them is a UC node's (a short name there is no other system's)
UCOS_PATHS = ("/usr/local/cm/", "/usr/local/platform/", "/usr/local/thirdparty/", "/opt/cisco/",
              "/usr/local/cuc/", "/common/")
_NAMED_MAX = 100_000  # names remembered by `Catalogue.named` (then forgotten at once)


@dataclass(frozen=True)
class CollectStep:
    """Something to capture before a restart destroys the evidence (`{service}` is filled in)."""

    command: str | None
    why: str


@dataclass(frozen=True)
class Service:
    """One service of the catalogue."""

    name: str  # display name, exact: the restart name
    products: tuple[str, ...]
    processes: tuple[str, ...]
    args: tuple[re.Pattern[str], ...] = ()
    restart: tuple[str, ...] = ()
    impact: str = "low"
    impact_note: str = ""
    notes: str = ""
    collect_before: tuple[CollectStep, ...] = ()  # service-specific, after the catalogue's general ones
    defects: tuple[Defect, ...] = ()

    @property
    def restart_command(self) -> str:
        """The restart as one line ("utils service restart Cisco AMC Service"; steps joined by '; ')."""
        return "; ".join(self.restart)

    def table(self) -> pd.DataFrame:
        """The entry as the notebooks show it: one column, "catalogue entry", a row per field.

        >>> print(CATALOGUE.service("Cisco AMC Service").table().to_string())
                                             catalogue entry
        service                            Cisco AMC Service
        products                             CUCM, IMnP, CUC
        processes                                        amc
        restart      utils service restart Cisco AMC Service
        impact                                           low
        impact note                     RTMT alerting pauses
        notes                    Alert Manager and Collector
        """
        import pandas as pd  # here: `ucnb inspect` does not pay for pandas through the catalogue

        return pd.Series({
            "service": self.name, "products": ", ".join(self.products),
            "processes": ", ".join(self.processes), "restart": self.restart_command, "impact": self.impact,
            "impact note": self.impact_note, "notes": self.notes,
        }).to_frame("catalogue entry")


@dataclass(frozen=True)
class SpecialRule:
    """A seed special case (e.g. IM&P SFTP/SSH to a peer node: cosmetic, reboot)."""

    id: str
    products: tuple[str, ...]
    processes: tuple[str, ...]
    requires_host: bool
    action: str
    impact: str
    reason: str
    impact_note: str = ""
    kill_note: str = ""  # the kill_parent alternative's note; empty: no such alternative


@dataclass(frozen=True)
class ProductNotes:
    """What a reboot of a node of this product disturbs; how replication is checked afterwards."""

    disturbs: str
    replication_check: str


@dataclass
class Catalogue:
    services: list[Service]
    special: list[SpecialRule]
    generic_processes: frozenset[str]
    walk_stops: frozenset[str]
    source: str = ""
    product_by_service: dict[str, str] = field(default_factory=dict)
    product_by_process: dict[str, str] = field(default_factory=dict)
    products: dict[str, ProductNotes] = field(default_factory=dict)
    collect_before: tuple[CollectStep, ...] = ()  # for every service (`{service}` filled in)
    roles: dict[str, str] = field(default_factory=dict)  # service name or special id -> its role
    # (observed name, truncated, product) -> its services: a chain of 25,000 `sh` is one scan
    _named: dict[tuple[str, bool, str, bool], frozenset[Service]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def named(self, observed: str, truncated: bool, product: str,
              uc_path: bool = False) -> frozenset[Service]:
        """The services of `product` with a process called `observed` (or of which it is the comm
        prefix); memoised, as the processes of a listing repeat a few names. With an unknown product a
        short name counts only for a program under a UCOS folder (`uc_path`).

        >>> sorted(s.name for s in CATALOGUE.named("amc", False, "CUCM"))
        ['Cisco AMC Service']
        >>> CATALOGUE.named("amc", False, "unknown")
        frozenset()
        >>> [s.name for s in CATALOGUE.named("amc", False, "unknown", uc_path=True)]
        ['Cisco AMC Service']
        """
        key = (observed, truncated, product, uc_path)
        found = self._named.get(key)
        if found is None:
            if len(self._named) >= _NAMED_MAX:  # a hostile listing of a million distinct names
                self._named.clear()
            found = self._named[key] = frozenset(
                service for service in self.services
                if product not in PRODUCTS or product in service.products
                for full in service.processes
                if (product in PRODUCTS or uc_path or len(full) >= MIN_NAME_UNKNOWN_PRODUCT)
                and _name_matches(observed, full, truncated)
            )
        return found

    def alike(self, name: str, product: str) -> list[Service]:
        """The services of `product` in the role of `name` (a service or a special rule), itself
        left out, in the order of `[roles]`: what a trainee could mistake it for.

        >>> [s.name for s in CATALOGUE.alike("imp-peer-sftp", "IMnP")][:3]
        ['Cisco DRF Local', 'Cisco DRF Master', 'Cisco Intercluster Sync Agent']
        """
        role = self.roles.get(name)
        if role is None:
            return []
        by_name = {service.name: service for service in self.services}
        return [
            by_name[other] for other, its_role in self.roles.items()
            if its_role == role and other != name and other in by_name and product in by_name[other].products
        ]

    def service(self, name: str) -> Service:
        """The service with this display name (KeyError if none)."""
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)


def _fail(source: str, index: int, name: Any, problem: str) -> InputError:
    label = f"entry {index}" + (f" ({name!r})" if name else "")
    return InputError(f"{source}: {label}: {problem}")


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    return None


def _service(entry: Any, index: int, source: str, seen: set[str]) -> Service:
    """One validated [[service]] entry (`seen`: the names so far, for duplicates)."""
    known = {"name", "products", "processes", "args", "restart", "impact", "impact_note", "notes",
             "collect_before", "defects"}
    name = entry.get("name") if isinstance(entry, dict) else None
    if not isinstance(entry, dict):
        raise _fail(source, index, None, "is not a table")
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, index, None, "needs a non-empty 'name'")
    if name in seen:
        raise _fail(source, index, name, "duplicate service name")
    seen.add(name)
    unknown = set(entry) - known
    if unknown:
        raise _fail(source, index, name, f"{plural(len(unknown), 'unknown field')} {sorted(unknown)}")
    products = _str_list(entry.get("products"))
    if not products:
        raise _fail(source, index, name, "'products' must be a non-empty list of strings")
    if products == ["all"]:
        products = list(PRODUCTS)
    bad = [p for p in products if p not in PRODUCTS]
    if bad:
        raise _fail(source, index, name, f"{plural(len(bad), 'product')} {bad} not one of {list(PRODUCTS)} "
                    "or 'all'")
    processes = _str_list(entry.get("processes"))
    if not processes:
        raise _fail(source, index, name, "'processes' must be a non-empty list of strings")
    impact = entry.get("impact")
    if impact not in IMPACTS:
        raise _fail(source, index, name, f"impact {impact!r} is not one of {list(IMPACTS)}")
    args_text = entry.get("args", [])
    if _str_list(args_text) is None and args_text != []:
        raise _fail(source, index, name, "'args' must be a list of regular expressions")
    try:
        args = tuple(re.compile(a) for a in args_text)
    except re.error as exc:
        raise _fail(source, index, name, f"bad 'args' regular expression: {exc}") from None
    restart = entry.get("restart", [f"utils service restart {name}"])
    if isinstance(restart, str):
        restart = [restart]
    if not _str_list(restart):
        raise _fail(source, index, name, "'restart' must be a command or a list of commands")
    for text_field in ("impact_note", "notes"):
        if not isinstance(entry.get(text_field, ""), str):
            raise _fail(source, index, name, f"'{text_field}' must be a string")
    where = f"{source}: entry {index} ({name!r})"
    return Service(
        name=name,
        products=tuple(products),
        processes=tuple(processes),
        args=args,
        restart=tuple(restart),
        impact=impact,
        impact_note=entry.get("impact_note", ""),
        notes=entry.get("notes", ""),
        collect_before=_collect(entry.get("collect_before", []), where),
        defects=parse_defects(entry.get("defects", []), where),
    )


def _parse(data: dict[str, Any], source: str) -> Catalogue:
    seen: set[str] = set()
    entries = enumerate(data.get("service", []), start=1)
    services = [_service(entry, index, source, seen) for index, entry in entries]
    if not services:
        raise InputError(f"{source}: no [[service]] entries")

    special: list[SpecialRule] = []
    for index, entry in enumerate(data.get("special", []), start=1):
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(rule_id, str) or not rule_id:
            raise _fail(source, index, None, "special rule needs an 'id'")
        products = _str_list(entry.get("products")) or []
        if products == ["all"]:
            products = list(PRODUCTS)
        processes = _str_list(entry.get("processes"))
        if not products or any(p not in PRODUCTS for p in products) or not processes:
            raise _fail(source, index, rule_id, "special rule needs valid 'products' and 'processes'")
        if entry.get("action") not in special_rule_names():
            raise _fail(source, index, rule_id, f"special rule action {entry.get('action')!r} unknown")
        if entry.get("impact") not in IMPACTS:
            raise _fail(source, index, rule_id, f"impact {entry.get('impact')!r} not one of {list(IMPACTS)}")
        for text_field in ("reason", "impact_note", "kill_note"):
            if not isinstance(entry.get(text_field, ""), str):
                raise _fail(source, index, rule_id, f"'{text_field}' must be a string")
        special.append(
            SpecialRule(
                id=rule_id,
                products=tuple(products),
                processes=tuple(processes),
                requires_host=bool(entry.get("requires_host", False)),
                action=entry["action"],
                impact=entry["impact"],
                reason=entry.get("reason", ""),
                impact_note=entry.get("impact_note", ""),
                kill_note=entry.get("kill_note", ""),
            )
        )
    generic = _str_list(data.get("generic_processes", [])) or []
    stops = _str_list(data.get("walk_stops", [])) or []
    hints = data.get("product_hints", {})
    by_service, by_process = _hints(hints, "by_service", source), _hints(hints, "by_process", source)
    notes = _products(data.get("product", {}), source)
    collect = _collect(data.get("collect_before", []), f"{source}: [[collect_before]]")
    roles = _roles(data.get("roles", {}), {s.name for s in services} | {r.id for r in special}, source)
    return Catalogue(
        services, special, frozenset(generic), frozenset(stops), source, by_service, by_process, notes,
        collect, roles,
    )


def _roles(table: Any, known: set[str], source: str) -> dict[str, str]:
    """`[roles]`: role -> names of services or special rules; each name known and in one role only."""
    if not isinstance(table, dict) or any(_str_list(names) is None for names in table.values()):
        raise InputError(f"{source}: [roles] must map each role to a list of service names")
    roles: dict[str, str] = {}
    for role, names in table.items():
        for name in names:
            if name not in known:
                raise InputError(f"{source}: [roles] {role!r}: no service or special rule {name!r}")
            if name in roles:
                raise InputError(f"{source}: [roles]: {name!r} is in both {roles[name]!r} and {role!r}")
            roles[name] = role
    return roles


def _collect(entries: Any, where: str) -> tuple[CollectStep, ...]:
    """`collect_before`: a list of {command (optional), why} tables."""
    if not isinstance(entries, list):
        raise InputError(f"{where}: 'collect_before' must be a list of {{command, why}} tables")
    steps = []
    for entry in entries:
        command = entry.get("command") if isinstance(entry, dict) else None
        why = entry.get("why") if isinstance(entry, dict) else None
        bad_command = command is not None and not isinstance(command, str)
        if not isinstance(why, str) or not why.strip() or bad_command or set(entry) - {"command", "why"}:
            raise InputError(f"{where}: a 'collect_before' item needs a 'why' text and may have a 'command'")
        steps.append(CollectStep(command, why))
    return tuple(steps)


def _products(table: Any, source: str) -> dict[str, ProductNotes]:
    """`[product.<CUCM|IMnP|CUC>]`: disturbs, replication_check (both non-empty strings)."""
    if not isinstance(table, dict) or any(name not in PRODUCTS for name in table):
        raise InputError(f"{source}: [product.<name>] tables must be named one of {list(PRODUCTS)}")
    keys = ("disturbs", "replication_check")
    notes = {}
    for name, entry in table.items():
        values = [entry.get(key) if isinstance(entry, dict) else None for key in keys]
        texts = [v for v in values if isinstance(v, str) and v.strip()]
        if len(texts) < len(keys) or set(entry) - set(keys):
            raise InputError(f"{source}: [product.{name}] needs exactly the texts {list(keys)}")
        notes[name] = ProductNotes(*texts)
    return notes


def _hints(hints: Any, key: str, source: str) -> dict[str, str]:
    """`[product_hints.<key>]`: name -> product, every product one of PRODUCTS."""
    table = hints.get(key, {}) if isinstance(hints, dict) else None
    if not isinstance(table, dict) or any(p not in PRODUCTS for p in table.values()):
        raise InputError(f"{source}: [product_hints.{key}] must map names to one of {list(PRODUCTS)}")
    return dict(table)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate a catalogue file (default: the packaged `ucnb/data/services.toml`)."""
    if path is None:
        source = "ucnb/data/services.toml"
        text = resources.files("ucnb").joinpath("data/services.toml").read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{source}: cannot read the service catalogue: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML: {exc}") from None
    return _parse(data, source)


CATALOGUE = load_catalogue()


def _name_matches(observed: str, full: str, truncated: bool) -> bool:
    """Equal, or `observed` is the 15-character comm prefix of `full` (or a `+`-truncated prefix)."""
    if observed == full:
        return True
    if len(full) > len(observed) and full.startswith(observed):
        return len(observed) == COMM_LENGTH or (truncated and len(observed) >= MIN_NAME_UNKNOWN_PRODUCT)
    return False
