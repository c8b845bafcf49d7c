"""Fleet scan: one row per node per bundle, for thousands of bundles, locally or on Dask.

    >>> import ucnb
    >>> frame = ucnb.scan("sample_outputs/ex1_cucm_amc", cache=None)
    >>> for row in frame[["bundle", "node", "zombie_count", "defunct_rows"]].values.tolist():
    ...     print(row)
    ['sample_outputs/ex1_cucm_amc/after', 'cucm-sub1', 0, 0]
    ['sample_outputs/ex1_cucm_amc/before', 'cucm-sub1', 1, 1]

(`ucnb.scan` is this module's `scan`.) Where the bundles are: `ucnb.fleet.bundles.discover`. Bundles
are sorted by path: the rows come in the same order whatever the engine.

Each bundle is read by `ucnb.load` and diagnosed by `ucnb.diagnosis.diagnose.analyze`, exactly as
`ucnb analyze --json` does; a bundle that cannot be read is one row with `error` (its one-line
message) and the other fields empty. Rows are kept in a cache (`ucnb.fleet.cache`, apart from the
output) by the bundle's content hash and the scan's signature (ucnb version and every option that
changes a row): a rescan analyses only new or changed bundles and the error rows (their cause may
have gone), `rescan=True` every bundle. An unchanged bundle file or folder (same sizes and times) is
not even hashed again. A new or changed bundle is hashed by the worker that reads it (the client reads
no bundle's bytes), except when another bundle has its size: those few the client hashes, so copies of
one bundle (same content) are analysed once, each path with its rows.

Engines (`ucnb.fleet.engines`): in this process below `in_process_below` bundles to analyse (20) or
with `workers=0`; else local processes (`workers`), or with `scheduler="tcp://host:port"` an existing
`distributed` cluster. Workers receive the resolved bundle paths and the options: they read the
bundles from a file system they share with the client and return rows; only the client writes the
cache and the output.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ucnb.errors import InputError
from ucnb.fleet.bundles import content_hash, discover, stamp, stamp_size
from ucnb.fleet.cache import RowCache, default_cache
from ucnb.fleet.output import check_previous, frame_of, output_format, read_frame, write_frame, write_frames
from ucnb.fleet.owner import Owners, owner_part
from ucnb.fleet.rows import BundleRef, ScanOptions, error_row, safe_text, signature
from ucnb.text import plural
from ucnb.version import kit_version

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA", "NO_SERVICE", "ScanResult", "scan_fleet", "scan", "summary", "format_summary",
           "discover", "frame_of", "read_frame", "write_frame", "output_format", "check_previous"]

SCHEMA = "ucnb.scan/1"
NO_SERVICE = "(no known service)"  # how a group without an owning service is counted
IN_PROCESS_BELOW = 20
BATCH = 2_000  # bundles per batch of rows turned into a frame (and written) at once
_NODE_FIELDS = ("bundle", "bundle_sha256", "ucnb_version", "customer", "case")  # not kept in the cache
Marks = dict[str, str | None]  # absolute bundle path -> its stamp (None: never reused)


@dataclass
class ScanResult:
    """`scan_fleet`'s answer: the rows (None when they were written batch by batch), and how many
    bundles were analysed or reused; `tally`: the summary's counts, made batch by batch."""

    frame: pd.DataFrame | None
    bundles: int = 0
    analysed: int = 0
    reused: int = 0
    engine: str = "in-process"
    warnings: list[str] = field(default_factory=list)
    failed: int = 0  # bundles whose row is an error
    tally: Tally | None = None


class Tally:
    """The counts of `summary`, added up one batch of rows at a time (the rows as reported)."""

    def __init__(self) -> None:
        self.nodes = self.with_zombies = self.zombies = self.failed = 0
        self.urgency: dict[str, int] = {}
        self.services: dict[str, dict[str, int]] = {}
        self.errors: list[dict[str, str]] = []

    def add(self, frame: pd.DataFrame, since: datetime | None = None) -> pd.DataFrame:
        """Count a batch (`since`: only rows captured from then on, and the errors); the batch back."""
        self.failed += int(frame.loc[frame["error"].notna(), "bundle"].nunique())
        if since is not None:
            recent = frame["captured_at"].isna() | (frame["captured_at"] >= since)
            frame = frame[recent].reset_index(drop=True)
        ok = frame[frame["error"].isna()]
        self.nodes += len(ok)
        self.with_zombies += int((ok["defunct_rows"].fillna(0) > 0).sum())
        self.zombies += int(ok["defunct_rows"].fillna(0).sum())
        for level, count in ok["urgency"].dropna().value_counts().items():
            self.urgency[str(level)] = self.urgency.get(str(level), 0) + int(count)
        for node_groups in ok["groups"]:
            for group in node_groups:
                entry = self.services.setdefault(group["service"] or NO_SERVICE, {"zombies": 0, "nodes": 0})
                entry["zombies"] += int(group["count"] or 0)
                entry["nodes"] += 1
        errors = frame[frame["error"].notna()]
        self.errors += [{"bundle": b, "error": e}
                        for b, e in zip(errors["bundle"], errors["error"], strict=True)]
        return frame


def _refs(found: list[str], cache: RowCache | None, options: ScanOptions) -> tuple[list[BundleRef], Marks]:
    """Each bundle with its content hash when the client knows it: from the cache when its stamp has
    not changed, else read here only when another bundle has its size (a copy is then analysed once);
    the others are hashed by the worker that reads them. Also each absolute path's stamp."""
    marks: Marks = {}
    known: list[tuple[str, str, str | None]] = []
    for path in found:
        location = os.path.abspath(path)
        mark = marks[location] = stamp(location, max_members=options.max_members)
        sha = cache.known_hash(safe_text(location), mark) if cache is not None and mark is not None else None
        known.append((path, location, sha))
    sizes = Counter(size for _, location, _ in known if (size := stamp_size(marks[location])) is not None)
    refs = []
    for path, location, sha in known:
        mark = marks[location]
        if sha is None and (size := stamp_size(mark)) is not None and sizes[size] > 1:
            sha = content_hash(location, max_bytes=options.max_total_bytes, max_members=options.max_members)
            if cache is not None and sha is not None and mark is not None:
                cache.remember(safe_text(location), mark, sha)
        refs.append(BundleRef(safe_text(path), sha, location))
    return refs, marks


def _engine(todo: int, workers: int, scheduler: str | None, in_process_below: int) -> str:
    if scheduler:
        return f"dask distributed ({scheduler})"
    if todo >= in_process_below and workers > 0:
        return f"local processes ({plural(workers, 'worker')})"
    return "in-process"


def _run(todo: list[BundleRef], options: ScanOptions, version: str, engine: str, *, workers: int,
         scheduler: str | None, progress: bool, done: Any) -> None:
    from ucnb.fleet import engines

    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="bundle", file=sys.stderr)

    def finished(ref: BundleRef, rows: list[dict[str, Any]]) -> None:
        done(ref, rows)
        if bar is not None:
            bar.update()

    framing = _import_framing() if engine != "in-process" else None
    try:
        if scheduler:
            size = max(1, min(8, len(todo) // (4 * max(1, workers))))
            engines.run_distributed(todo, options, version, finished, address=scheduler, partition_size=size)
        elif engine == "in-process":
            engines.run_in_process(todo, options, version, finished)
        else:
            engines.run_local(todo, options, version, finished, workers=workers)
    finally:
        if bar is not None:
            bar.close()
        if framing is not None:
            framing.join()


def _import_framing() -> threading.Thread:
    """pandas and pyarrow (~0.5-1 s of imports) imported in the background while the workers read:
    the rows are framed and written after the last bundle, and would otherwise wait for them."""

    def framing() -> None:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401

    thread = threading.Thread(target=framing, name="ucnb-import-framing", daemon=True)
    thread.start()
    return thread


def _open_cache(cache: str | os.PathLike[str] | None, warnings: list[str]) -> RowCache | None:
    if cache is None:
        return None
    return RowCache.open(os.fspath(cache) if cache != "default" else default_cache(), warnings=warnings)


def scan_fleet(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cache: str | os.PathLike[str] | None = "default",
    rescan: bool = False,
    since: datetime | None = None,
    options: ScanOptions | None = None,
    progress: bool = False,
    in_process_below: int = IN_PROCESS_BELOW,
    skip: Iterable[str] = (),
    output: str | os.PathLike[str] | None = None,
) -> ScanResult:
    """Scan the bundles under `paths` (see `scan`); also says how many were analysed and reused. With
    `output`, the rows are written there batch by batch (`frame` is then None): the client holds one
    batch of rows at a time, not the fleet's."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    options = options or ScanOptions()
    version = kit_version()
    key = signature(options, version)
    warnings: list[str] = []
    store = _open_cache(cache, warnings)
    try:
        if store is not None:  # a cache inside a scanned folder is not a bundle
            skip = [*skip, *(store.path + end for end in ("", "-wal", "-shm", "-journal", ".damaged"))]
        found = discover(paths, skip=skip, warnings=warnings)
        if store is not None:
            store.begin()
        refs, marks = _refs(found, store, options)
        todo = _to_analyse(refs, store, key, rescan)
        if store is not None:
            store.commit()
            store.begin()
        kept: dict[str, list[dict[str, Any]]] = {}  # rows not in the cache: errors, or no cache at all

        hashed: dict[str, str] = {}  # the hashes the workers made

        def done(ref: BundleRef, rows: list[dict[str, Any]]) -> None:
            ok = not any(isinstance(row.get("error"), str) for row in rows)
            sha = ref.sha256 or next((row["bundle_sha256"] for row in rows if row.get("bundle_sha256")), None)
            if sha is not None and ref.sha256 is None:
                hashed[ref.location] = sha
                if store is not None and (mark := marks.get(ref.location)) is not None:
                    store.remember(safe_text(ref.location), mark, sha)
            if store is not None and ok and sha is not None:
                store.put(sha, key, [{k: v for k, v in row.items() if k not in _NODE_FIELDS} for row in rows])
                store.checkpoint(every=0)  # a scan stopped now resumes from here
                kept[ref.location] = []  # read back from the cache in path order
            else:
                kept[ref.location] = rows

        workers = len(os.sched_getaffinity(0)) if workers is None else workers
        engine = _engine(len(todo), workers, scheduler, in_process_below)
        _run(todo, options, version, engine, workers=workers, scheduler=scheduler, progress=progress,
             done=done)
        if len(kept) < len({ref.location for ref in todo}):  # an engine that gave up half way
            raise InputError(f"the scan stopped after {len(kept)} of {plural(len(todo), 'bundle')} to read")
        if store is not None:
            store.commit()
        result = ScanResult(None, bundles=len(refs), analysed=len(todo), reused=len(refs) - len(todo),
                            engine=engine, warnings=warnings)
        tally = Tally()
        refs, todo = ([replace(ref, sha256=hashed.get(ref.location, ref.sha256)) for ref in group]
                      for group in (refs, todo))
        batches = (tally.add(frame, since) for frame in _batches(refs, todo, kept, store, key, version))
        if output is None:
            import pandas as pd

            parts = list(batches)
            result.frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        else:
            write_frames(batches, output)
    finally:
        if store is not None:
            warnings.extend(store.warnings)
            store.close()
    result.failed, result.tally = tally.failed, tally
    return result


def _to_analyse(refs: list[BundleRef], store: RowCache | None, key: str, rescan: bool) -> list[BundleRef]:
    """The bundles whose rows are not cached (one of each content; every one not hashed)."""
    todo: list[BundleRef] = []
    seen: set[str] = set()
    for ref in refs:
        if ref.sha256 is None:
            todo.append(ref)
            continue
        if ref.sha256 in seen:
            continue
        seen.add(ref.sha256)
        if rescan or store is None or store.rows(ref.sha256, key) is None:
            todo.append(ref)
    return todo


def _batches(refs: list[BundleRef], todo: list[BundleRef], kept: dict[str, list[dict[str, Any]]],
             store: RowCache | None, key: str, version: str) -> Iterator[pd.DataFrame]:
    """Each bundle's rows in path order, `BATCH` bundles a frame: those of its content (this bundle or
    a copy analysed in this scan, else the cache), under its own path, with the customer or case its
    place shows (`ucnb.fleet.owner`) in front of each `node_id`."""
    twins = {ref.sha256: ref.location for ref in todo if ref.sha256 is not None}
    owners = Owners()
    rows: list[dict[str, Any]] = []
    for number, ref in enumerate(refs, 1):
        head = {"bundle": ref.path, "bundle_sha256": ref.sha256, "ucnb_version": version}
        source = ref.location if ref.location in kept else twins.get(ref.sha256 or "")
        own = kept[source] if source is not None else []
        if source == ref.location and own:  # analysed here: its rows as they came
            mine = own
        elif own and isinstance(own[0].get("error"), str):  # a copy of a bundle that failed here
            mine = [error_row(ref, version, str(own[0]["error"]).replace(own[0]["bundle"], ref.path))]
        elif own:
            mine = [row | head for row in own]
        else:
            cached = store.rows(ref.sha256, key) if store is not None and ref.sha256 is not None else None
            if cached is None:
                raise InputError(f"{ref.path}: its rows went missing from the scan cache while the scan "
                                 "ran (another scan rewriting it?); run the scan again")
            mine = [head | row for row in cached]
        rows.extend(_owned(mine, *owners.of(ref.location)))
        if number % BATCH == 0 or number == len(refs):
            yield frame_of(rows)
            rows = []
    if not refs:
        yield frame_of([])


def _owned(rows: list[dict[str, Any]], customer: str | None, case: str | None) -> Iterator[dict[str, Any]]:
    """The rows with the customer and the case, and the owner part in front of their `node_id`."""
    part = owner_part(customer, case)
    for row in rows:
        node = row.get("node_id")
        yield row | {"customer": customer, "case": case,
                     "node_id": f"{safe_text(part)}/{node}" if part and isinstance(node, str) else node}


def scan(paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str], **kwargs: Any) -> pd.DataFrame:
    """One row per node per bundle under `paths` (columns: `COLUMNS`), in bundle-path order.

    Keywords: `workers` (local processes, default the CPU count; 0: in this process), `scheduler`
    ("tcp://host:port" of a running Dask cluster), `cache` (the cache file; "default": the kit's
    private one; None: no cache), `rescan` (analyse every bundle again), `since` (leave out rows
    captured before it), `options` (`ScanOptions`: limits, `pid_max`, the per-bundle timeout and
    memory guard), `progress` (a progress bar on stderr), `in_process_below` (fewer bundles to analyse
    run in this process).
    """
    frame = scan_fleet(paths, **kwargs).frame
    assert frame is not None  # no `output`: the rows are returned
    return frame


def summary(result: ScanResult, output: str | None = None, top: int = 10) -> dict[str, Any]:
    """The `ucnb.scan/1` document: counts, the services with the most zombies, the errors."""
    tally = result.tally
    if tally is None:
        if result.frame is None:
            raise ValueError("a scan result with neither rows nor counts")
        tally = Tally()
        tally.add(result.frame)
    ranked = sorted(tally.services.items(), key=lambda item: (-item[1]["zombies"], item[0]))[:top]
    return {
        "schema": SCHEMA,
        "output": output,
        "engine": result.engine,
        "bundles": result.bundles,
        "analysed": result.analysed,
        "reused": result.reused,
        "nodes": tally.nodes,
        "nodes_with_zombies": tally.with_zombies,
        "zombies": tally.zombies,
        "errors": len(tally.errors),
        "urgency": dict(sorted(tally.urgency.items())),
        "top_services": [{"service": name, **counts} for name, counts in ranked],
        "warnings": list(result.warnings),
        "error_bundles": list(tally.errors),
    }


def format_summary(document: dict[str, Any]) -> str:
    """Human summary of a `ucnb.scan/1` document."""
    lines = [
        f"{plural(document['bundles'], 'bundle')} ({document['analysed']} analysed, "
        f"{document['reused']} reused; {document['engine']}): {plural(document['nodes'], 'node')}, "
        f"{document['nodes_with_zombies']} with zombies, {plural(document['zombies'], 'defunct row')}, "
        f"{plural(document['errors'], 'error')}",
    ]
    if document["output"]:
        lines.append(f"rows written: {document['output']}")
    if document["top_services"]:
        lines.append("services with the most zombies:")
        lines += [f"  {plural(s['zombies'], 'zombie'):>14} on {plural(s['nodes'], 'node'):>10}  "
                  f"{s['service']}" for s in document["top_services"]]
    lines += [f"warning: {warning}" for warning in document["warnings"]]
    for item in document["error_bundles"][:10]:
        error = item["error"]  # (it names its bundle first when the reader says where)
        named = error.startswith(f"{item['bundle']}:")
        lines.append(f"error: {error}" if named else f"error: {item['bundle']}: {error}")
    if len(document["error_bundles"]) > 10:
        more = len(document["error_bundles"]) - 10
        lines.append(f"... {plural(more, 'more error')} (see the output's error column)")
    return "\n".join(lines)
