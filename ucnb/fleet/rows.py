"""A fleet scan's rows: one per node per bundle (`COLUMNS`), made on a worker from one bundle
(`bundle_rows`) exactly as `ucnb analyze --json` reads it. `partition` is the task a scan ships to a
worker: with the `BundleRef`s and `ScanOptions`, what a worker imports is this module (and, on its
first bundle, the reading and the diagnosis), never pandas: the frame and the output are the
client's (`ucnb.fleet.scan`).
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ucnb.errors import InputError
from ucnb.fleet.bundles import content_hash, stamp
from ucnb.version import kit_version

ScanDtype = Literal["str", "Int64", "Float64", "datetime64[s]", "object"]  # the pandas dtypes of the rows

# Row columns in order: (name, pandas dtype). `groups` holds a list of {ppid, service, count, action,
# urgency} per row (Parquet list<struct>, CSV JSON text). The row schema is this one table: a column is
# added at the end (`ADDED`: columns an older output may lack, read back empty), never renamed.
COLUMNS: tuple[tuple[str, ScanDtype], ...] = (
    ("bundle", "str"),
    ("bundle_sha256", "str"),
    ("ucnb_version", "str"),
    ("node", "str"),
    ("product", "str"),
    ("version", "str"),
    ("captured_at", "datetime64[s]"),
    ("zombie_count", "Int64"),
    ("defunct_rows", "Int64"),
    ("groups", "object"),
    ("top_service", "str"),
    ("next_action", "str"),
    ("urgency", "str"),
    ("leak_rate_per_hour", "Float64"),
    ("tasks", "Int64"),
    ("pid_max", "Int64"),
    ("pid_free", "Int64"),
    ("days_to_exhaustion", "Float64"),
    ("warnings", "Int64"),
    ("error", "str"),
    ("zombies_first_seen", "datetime64[s]"),  # the RIS PerfMon logs: the first poll of the current run
    ("perfmon_rate_per_hour", "Float64"),  # their growth since (None without PerfMon logs)
    ("node_id", "str"),
    ("customer", "str"),  # the customer a case file next to the bundle names (`ucnb.fleet.owner`)
    ("case", "str"),  # the case number a case file or a name shows
)
ADDED = frozenset({"zombies_first_seen", "perfmon_rate_per_hour", "node_id", "customer", "case"})
ROWS_LAYOUT = 2  # part of the cache key: bump when a row gains a column or is computed differently
GROUP_FIELDS = (("ppid", "Int64"), ("service", "str"), ("count", "Int64"), ("action", "str"),
                ("urgency", "str"))


@dataclass(frozen=True)
class BundleRef:
    """A bundle to scan: its path as found (the `bundle` column), the SHA-256 of its content (None:
    not known to the client: its worker hashes it, `bundle_rows`) and where a worker reads it (an
    absolute path, resolved by the client: a worker in another folder reads the same file)."""

    path: str
    sha256: str | None
    location: str = ""

    @property
    def source(self) -> str:
        return self.location or self.path


@dataclass(frozen=True)
class ScanOptions:
    """What each worker needs besides the bundle path (shipped with every task)."""

    pid_max: int | None = None  # None: what `ucnb analyze` assumes
    max_total_bytes: int = 512 * 2**20
    max_members: int = 10_000
    timeout: float = 120.0  # seconds one bundle may take (read and diagnosed) before it is an error row
    max_memory: int | None = None  # bytes one bundle's analysis may hold; None: 4 x max_total_bytes + 300 MiB

    @property
    def memory_limit(self) -> int:
        return self.max_memory if self.max_memory is not None else 4 * self.max_total_bytes + 300 * 2**20


def signature(options: ScanOptions, version: str) -> str:
    """What, besides a bundle's bytes, decides its rows: the ucnb version and every option that changes
    a row (the limits, `pid_max`); cached rows are reused only under the same signature.

    >>> signature(ScanOptions(), "1.0") == signature(ScanOptions(timeout=5), "1.0")
    True
    >>> signature(ScanOptions(), "1.0") == signature(ScanOptions(pid_max=4194304), "1.0")
    False
    """
    return hashlib.sha256(json.dumps([ROWS_LAYOUT, version, options.pid_max, options.max_total_bytes,
                                      options.max_members]).encode()).hexdigest()[:32]


def safe_text(text: str) -> str:
    """Text that can be written as UTF-8: a file name's undecodable bytes (kept by Python as lone
    surrogates) shown as `\\xNN`.

    >>> safe_text(b"case-\\xff.zip".decode("utf-8", "surrogateescape"))
    'case-\\\\xff.zip'
    """
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if isinstance(error, InputError) else f"internal error: {type(error).__name__}: {text}"


def _captured_at(node: Any) -> datetime | None:
    stamps = [s.captured_at for s in node.loads] + [listing.captured_at for listing in node.listings]
    known = [s for s in stamps if s is not None]
    return max(known) if known else None


def _first_seen(perfmon: dict[str, Any] | None) -> datetime | None:
    """When the PerfMon logs show the zombies first (their current run), or None."""
    text = (perfmon or {}).get("first_seen")
    return datetime.fromisoformat(text) if text else None


def _top_service(groups: list[dict[str, Any]]) -> str | None:
    counted = [(g.get("count") or len(g.get("zombie_pids") or []), g.get("service")) for g in groups]
    named = sorted(((-n, s) for n, s in counted if s), key=lambda item: item)
    return named[0][1] if named else None


def cluster_of(identity: Any) -> str | None:
    """The cluster a node belongs to, named by its publisher as `show network cluster` lists it (the
    CUCM publisher first: IM&P and Unity Connection list theirs too); None when not captured.

    >>> from types import SimpleNamespace as N
    >>> imp = {"hostname": "imp-pub", "fqdn": None, "role": "Publisher", "type": "cups"}
    >>> pub = {"hostname": "pub", "fqdn": "pub.acme.com", "role": "Publisher", "type": "callmanager"}
    >>> cluster_of(N(cluster=[imp, pub]))
    'pub.acme.com'
    """
    publishers = [row for row in identity.cluster if row.get("role") == "Publisher"]
    publishers.sort(key=lambda row: (str(row.get("type")).lower() != "callmanager",
                                     str(row.get("fqdn") or row.get("hostname"))))
    if not publishers:
        return None
    return str(publishers[0].get("fqdn") or publishers[0].get("hostname"))


def node_id(host: str | None, product: str | None, cluster: str | None) -> str:
    """What identifies a node across captures: `CLUSTER/HOST/PRODUCT` (`?` for what a bundle does not
    show), so `cucm-pub` of two customers' clusters are two nodes (the scan puts the customer or case
    the bundle's place shows in front: `ucnb.fleet.owner`).

    >>> node_id("cucm-sub1", "CUCM", "pub.acme.com"), node_id("cuc1", None, None)
    ('pub.acme.com/cucm-sub1/CUCM', '?/cuc1/?')
    """
    return "/".join(part or "?" for part in (cluster, host, product))


def node_row(node_doc: dict[str, Any], node: Any) -> dict[str, Any]:
    """The scan row of one node from its `ucnb.analysis/1` node document (and the bundle's node, for
    what the document does not carry: the version and the capture time)."""
    groups = [
        {"ppid": g.get("ppid"), "service": g.get("service"),
         "count": g.get("count", len(g.get("zombie_pids") or [])), "action": g.get("action"),
         "urgency": g.get("urgency")}
        for g in node_doc.get("groups", [])
    ]
    headroom = node_doc.get("pid_headroom") or {}
    next_step = node_doc.get("next_step") or {}
    return {
        "node": node_doc["node"], "product": node_doc.get("product"),
        "version": node.identity.version, "captured_at": _captured_at(node),
        "zombie_count": node_doc.get("zombie_count"), "defunct_rows": len(node_doc.get("zombies", [])),
        "groups": groups, "top_service": _top_service(node_doc.get("groups", [])),
        "next_action": next_step.get("action"), "urgency": next_step.get("urgency"),
        "leak_rate_per_hour": node_doc.get("leak_rate_per_hour"),
        "zombies_first_seen": _first_seen(node_doc.get("perfmon")),
        "perfmon_rate_per_hour": (node_doc.get("perfmon") or {}).get("rate_per_hour"),
        "tasks": headroom.get("tasks"), "pid_max": headroom.get("pid_max"), "pid_free": headroom.get("free"),
        "days_to_exhaustion": headroom.get("days_to_exhaustion"),
        "warnings": len(node_doc.get("warnings", [])), "error": None,
        "node_id": node_id(node_doc["node"], node_doc.get("product"), cluster_of(node.identity)),
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while one bundle is read and diagnosed (its many short-
    lived rows made it run every few hundred allocations, ~5 % of a node's CPU); on again after."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: safe_text(value) if isinstance(value, str) else value for name, value in row.items()}


def error_row(ref: BundleRef, version: str, message: str) -> dict[str, Any]:
    """The one row of a bundle that could not be read: its message names the bundle as it was found."""
    if ref.location and ref.location != ref.path:
        message = message.replace(ref.location, ref.path)
    return _safe_row({"bundle": ref.path, "bundle_sha256": ref.sha256, "ucnb_version": version,
                      "error": " ".join(message.split())})


def bundle_rows(ref: BundleRef, options: ScanOptions, version: str) -> list[dict[str, Any]]:
    """Every node row of one bundle, or one error row; never raises. A bundle sent without its hash
    (`ref.sha256` None: new or changed since the last scan) is hashed here, by the worker that reads
    it (the client does not read it), and only when its files did not change while it was read."""
    if ref.sha256 is not None:
        return _read_rows(ref, options, version)
    before = stamp(ref.source, max_members=options.max_members)
    rows = _read_rows(ref, options, version)
    sha = content_hash(ref.source, max_bytes=options.max_total_bytes, max_members=options.max_members)
    after = stamp(ref.source, max_members=options.max_members)
    if sha is not None and before is not None and after == before:
        for row in rows:
            row["bundle_sha256"] = sha
    return rows


def _read_rows(ref: BundleRef, options: ScanOptions, version: str) -> list[dict[str, Any]]:
    head = {"bundle": ref.path, "bundle_sha256": ref.sha256, "ucnb_version": version}
    try:
        # the reading and the diagnosis (networkx, ~300 ms): the worker's; a Dask scan's client needs neither
        from ucnb.diagnosis.diagnose import analyze
        from ucnb.read.bundle import load

        with _collector_paused():
            bundle = load(ref.source, max_total_bytes=options.max_total_bytes,
                          max_members=options.max_members)
            document = analyze(bundle, **({} if options.pid_max is None else {"pid_max": options.pid_max}))
            pairs = zip(document["nodes"], bundle.nodes, strict=True)
            rows = [_safe_row(head | node_row(doc, node)) for doc, node in pairs]
        if not rows:
            raise InputError("no node found in the bundle")
        return rows
    except Exception as error:  # a bad bundle is a row, never the end of the scan
        return [error_row(ref, version, _one_line(error))]


def partition(refs: list[BundleRef], options: ScanOptions, version: str) -> list[dict[str, Any]]:
    """The rows of some bundles, on a worker; refuses to run another ucnb version than the client's
    (the version is part of the reuse key)."""
    if kit_version() != version:
        raise RuntimeError(f"this worker runs ucnb {kit_version()}, the client {version}")
    return [row for ref in refs for row in bundle_rows(ref, options, version)]
