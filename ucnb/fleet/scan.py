"""Fleet scan: one row per node per bundle, for thousands of bundles, on Dask.

    >>> import ucnb
    >>> frame = ucnb.scan("sample_outputs/ex1_cucm_amc")
    >>> for row in frame[["bundle", "node", "zombie_count", "defunct_rows"]].values.tolist():
    ...     print(row)
    ['sample_outputs/ex1_cucm_amc/after', 'cucm-sub1', 0, 0]
    ['sample_outputs/ex1_cucm_amc/before', 'cucm-sub1', 1, 1]

(`ucnb.scan` is this module's `scan`.)

Where the bundles are (`discover`): a PATH is a folder holding bundles, or a text file listing bundle
paths (one a line, `#` comments, relative to the list's folder). Under a folder, every archive
(`.zip`, `.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`) is a bundle, and so is every folder that
holds a capture file directly (with its sub-folders); a folder holding only folders is walked.
Hidden names and files that are not captures (`.md`, `.parquet`, `.csv`, `.json`, `.html`, `.pdf`,
images, notebooks) do not make a folder a bundle. A PATH that is itself a bundle (an archive, a
folder of captures) is scanned as one bundle. Bundles are sorted by path: the rows come in the same
order whatever the engine.

Each bundle is read by `ucnb.load` and diagnosed by `ucnb.diagnosis.diagnose.analyze`, exactly as
`ucnb analyze --json` does; a bundle that cannot be read is one row with `error` (its one-line
message) and the other fields empty. Rows of a previous output are reused for bundles whose content
hash (`bundle_sha256`) and ucnb version are unchanged.

Engine: in-process below `in_process_below` bundles (20) or with `workers=0`; else a `dask.bag` over
the bundles computed by Dask's local process pool (`workers` processes), or, with
`scheduler="tcp://host:port"`, by an existing `distributed` cluster (one future per partition).
Workers receive only `ucnb.fleet.rows.partition`, the bundle paths and the options: they read the
bundles from a file system they share with the client and return rows; only the client writes the
output.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ucnb.errors import InputError
from ucnb.fleet.rows import COLUMNS, GROUP_FIELDS, BundleRef, ScanOptions, bundle_rows, partition
from ucnb.text import plural
from ucnb.version import kit_version

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

SCHEMA = "ucnb.scan/1"
NO_SERVICE = "(no known service)"  # how a group without an owning service is counted
IN_PROCESS_BELOW = 20
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
NOT_CAPTURES = frozenset({".md", ".parquet", ".csv", ".json", ".html", ".pdf", ".png", ".svg", ".jpg",
                          ".ipynb", ".py"})

@dataclass
class ScanResult:
    """`scan_fleet`'s answer: the rows, and how many bundles were analysed or reused."""

    frame: pd.DataFrame
    bundles: int = 0
    analysed: int = 0
    reused: int = 0
    engine: str = "in-process"
    warnings: list[str] = field(default_factory=list)


# --- finding bundles -------------------------------------------------------------------------------


def _is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _is_capture_file(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
        return False
    return not _is_archive(entry.name) and Path(entry.name).suffix.lower() not in NOT_CAPTURES


def _walk(folder: str, skip: set[str], warnings: list[str]) -> Iterator[str]:
    entries = sorted(os.scandir(folder), key=lambda e: e.name)
    if any(_is_capture_file(e) for e in entries):
        yield folder
        return
    for entry in entries:
        if entry.name.startswith(".") or os.path.abspath(entry.path) in skip:
            continue
        if entry.is_symlink():
            warnings.append(f"{entry.path}: symbolic link not followed")
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, skip, warnings)
        elif entry.is_file(follow_symlinks=False) and _is_archive(entry.name):
            yield entry.path


def _listed(list_file: str) -> list[str] | None:
    """The bundle paths a text file lists, or None when it is not such a list."""
    try:
        with open(list_file, "rb") as stream:
            data = stream.read(1 << 20)
        lines = data.decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    base = os.path.dirname(list_file)
    paths = [os.path.join(base, line.strip()) for line in lines if line.strip() and not line.startswith("#")]
    return paths if paths and all(os.path.exists(p) for p in paths) else None


def discover(paths: Sequence[str | os.PathLike[str]], *, skip: Iterable[str] = (),
             warnings: list[str] | None = None) -> list[str]:
    """The bundles under PATHs (see the module's docstring), sorted, each once. `skip`: paths to leave
    out (the scan's own output); `warnings` receives what was passed over (symbolic links)."""
    warnings = [] if warnings is None else warnings
    skipped = {os.path.abspath(p) for p in skip}
    found: list[str] = []
    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            found.extend(_walk(path, skipped, warnings))
        elif os.path.isfile(path) and _is_archive(path):
            found.append(path)
        elif os.path.isfile(path) and (listed := _listed(path)) is not None:
            found.extend(discover(listed, skip=skip, warnings=warnings))
        elif os.path.isfile(path):
            raise InputError(f"{path}: neither a folder of bundles, an archive, nor a list of bundle paths")
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found and paths:
        raise InputError(f"no bundle found in {', '.join(os.fspath(p) for p in paths)}")
    return sorted(dict.fromkeys(os.path.normpath(p) for p in found))


def content_hash(path: str) -> str:
    """SHA-256 of a bundle: the archive's bytes, or a folder's relative file names and their bytes."""
    digest = hashlib.sha256()
    if not os.path.isdir(path):
        with open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            if os.path.islink(full):
                continue
            digest.update(os.path.relpath(full, path).encode("utf-8", "surrogateescape") + b"\0")
            digest.update(content_hash(full).encode() + b"\n")
    return digest.hexdigest()


# --- rows <-> frames and files ---------------------------------------------------------------------


def _group_list(value: Any) -> list[dict[str, Any]]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        value = json.loads(value)
    return [{name: (None if g.get(name) is None or g.get(name) != g.get(name) else g.get(name))
             for name, _ in GROUP_FIELDS} for g in value]


def frame_of(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """The rows as a DataFrame with the scan's columns and dtypes (missing fields are empty)."""
    import pandas as pd

    rows = list(rows)
    data = {name: [row.get(name) for row in rows] for name, _ in COLUMNS}
    frame = pd.DataFrame(data, columns=[name for name, _ in COLUMNS])
    for name, dtype in COLUMNS:
        if name == "groups":
            frame[name] = pd.Series([_group_list(v) for v in frame[name]], dtype=object, index=frame.index)
        elif dtype.startswith("datetime"):
            frame[name] = pd.to_datetime(frame[name]).astype(dtype)
        else:
            frame[name] = frame[name].astype(dtype)
    return frame


def _arrow_schema() -> pa.Schema:
    import pyarrow as pa

    kinds = {"str": pa.string(), "Int64": pa.int64(), "Float64": pa.float64(),
             "datetime64[s]": pa.timestamp("s")}
    group = pa.struct([(name, kinds[dtype]) for name, dtype in GROUP_FIELDS])
    return pa.schema([(name, pa.list_(group) if name == "groups" else kinds[dtype])
                      for name, dtype in COLUMNS])


def output_format(path: str | os.PathLike[str]) -> str:
    """"parquet" or "csv" by the file name's suffix; another suffix is an `InputError`."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise InputError(f"{os.fspath(path)}: the output must be a .parquet or .csv file")
    return suffix[1:]


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write rows as Parquet, or CSV when the name ends in `.csv` (groups as JSON text)."""
    target = os.fspath(path)
    try:
        _write(frame, target)
    except OSError as error:
        raise InputError(f"{target}: cannot write the output ({error.strerror or error})") from None


def _write(frame: pd.DataFrame, target: str) -> None:
    if output_format(target) == "csv":
        out = frame.copy()
        out["groups"] = [json.dumps(g, sort_keys=True) for g in out["groups"]]
        out.to_csv(target, index=False, date_format="%Y-%m-%dT%H:%M:%S", lineterminator="\n")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: frame[name].tolist() for name, _ in COLUMNS}
    for name, dtype in COLUMNS:
        if dtype != "object":
            columns[name] = [None if _missing(v) else v for v in columns[name]]
    table = pa.table(columns, schema=_arrow_schema())
    pq.write_table(table, target)


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def read_frame(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a scan's output (Parquet, or CSV by suffix) back into the scan's columns and dtypes."""
    import pandas as pd

    source = os.fspath(path)
    if not os.path.isfile(source):
        raise InputError(f"{source}: not a scan output (not a file)")
    try:
        if output_format(source) == "csv":
            raw = pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[""])
            rows = raw.to_dict("records", into=dict)  # into: typed as dicts by column name
        else:
            import pyarrow.parquet as pq

            rows = pq.read_table(source).to_pylist()
    except (OSError, ValueError) as error:
        raise InputError(f"{source}: not a scan output ({' '.join(str(error).split())})") from None
    missing = [name for name, _ in COLUMNS if rows and name not in rows[0]]
    if missing:
        raise InputError(f"{source}: not a scan output (no column {missing[0]})")
    return frame_of(rows)


# --- the scan --------------------------------------------------------------------------------------


def _reusable(previous: pd.DataFrame | None, version: str) -> dict[str, list[dict[str, Any]]]:
    if previous is None or previous.empty:
        return {}
    kept: dict[str, list[dict[str, Any]]] = {}
    for row in previous.to_dict("records", into=dict):
        if row["ucnb_version"] == version:
            kept.setdefault(row["bundle_sha256"], []).append(row)
    return kept


def _run_dask(todo: list[BundleRef], options: ScanOptions, version: str, *, workers: int,
              scheduler: str | None, progress: bool) -> list[dict[str, Any]]:
    size = max(1, min(8, len(todo) // (4 * max(1, workers))))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    if scheduler:
        return _run_distributed(chunks, options, version, scheduler, progress)
    import dask
    import dask.bag as db

    bag = db.from_sequence(chunks, npartitions=len(chunks)).map(partition, options, version)
    with dask.config.set({"multiprocessing.context": "spawn"}):
        if progress:
            from dask.diagnostics import ProgressBar

            with ProgressBar(out=sys.stderr):
                parts = bag.compute(scheduler="processes", num_workers=workers)
        else:
            parts = bag.compute(scheduler="processes", num_workers=workers)
    return [row for part in parts for row in part]


def _run_distributed(chunks: list[list[BundleRef]], options: ScanOptions, version: str, address: str,
                     progress: bool) -> list[dict[str, Any]]:
    from distributed import Client, as_completed

    try:
        client = Client(address, set_as_default=False)  # timeout: distributed.comm.timeouts.connect
    except (OSError, TimeoutError) as error:
        reason = " ".join(str(error).split())
        raise InputError(f"cannot reach the Dask scheduler {address} ({reason})") from None
    with client:
        futures = client.map(partition, chunks, options=options, version=version, pure=False)
        try:
            if progress:
                from tqdm import tqdm

                with tqdm(total=len(futures), unit="part", file=sys.stderr) as bar:
                    for _ in as_completed(futures):
                        bar.update()
            parts = client.gather(futures)
        except Exception as error:  # bundle_rows never raises: the cluster itself failed
            reason = " ".join(f"{type(error).__name__}: {error}".split())
            raise InputError(f"the Dask cluster at {address} could not run the scan ({reason}); every "
                             f"worker needs ucnb {version} and the bundles at the same paths") from None
    return [row for part in parts for row in part]


def scan_fleet(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    previous: pd.DataFrame | str | os.PathLike[str] | None = None,
    since: datetime | None = None,
    options: ScanOptions | None = None,
    progress: bool = False,
    in_process_below: int = IN_PROCESS_BELOW,
    skip: Iterable[str] = (),
) -> ScanResult:
    """Scan the bundles under `paths` (see `scan`); also says how many were analysed and reused."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    options = options or ScanOptions()
    version = kit_version()
    warnings: list[str] = []
    refs = [BundleRef(p, content_hash(p)) for p in discover(paths, skip=skip, warnings=warnings)]
    if isinstance(previous, str | os.PathLike):
        previous = read_frame(previous) if os.path.exists(previous) else None
    reuse = _reusable(previous, version)
    todo = list({ref.sha256: ref for ref in reversed(refs) if ref.sha256 not in reuse}.values())[::-1]
    workers = len(os.sched_getaffinity(0)) if workers is None else workers
    if scheduler:
        engine = f"dask distributed ({scheduler})"
    elif len(todo) >= in_process_below and workers > 0:
        engine = f"dask processes ({workers} worker{'s' if workers > 1 else ''})"
    else:
        engine = "in-process"
    if engine == "in-process":
        fresh = _in_process(todo, options, version, progress)
    else:
        fresh = _run_dask(todo, options, version, workers=workers, scheduler=scheduler, progress=progress)
    by_hash: dict[str, list[dict[str, Any]]] = dict(reuse)
    for row in fresh:
        by_hash.setdefault(row["bundle_sha256"], []).append(row)
    rows = [_moved(row, ref.path) for ref in refs for row in by_hash[ref.sha256]]
    frame = frame_of(rows)
    if since is not None:
        frame = frame[frame["captured_at"].isna() | (frame["captured_at"] >= since)].reset_index(drop=True)
    return ScanResult(frame, bundles=len(refs), analysed=len(todo), reused=len(refs) - len(todo),
                      engine=engine, warnings=warnings)


def _moved(row: dict[str, Any], path: str) -> dict[str, Any]:
    """A row for the same content found at `path` (a copy, or a bundle moved since the last scan)."""
    if row["bundle"] == path:
        return row
    error = row.get("error")
    if isinstance(error, str):
        error = error.replace(row["bundle"], path)
    return row | {"bundle": path, "error": error}


def _in_process(todo: list[BundleRef], options: ScanOptions, version: str,
                progress: bool) -> list[dict[str, Any]]:
    refs: Iterable[BundleRef] = todo
    if progress:
        from tqdm import tqdm

        refs = tqdm(todo, unit="bundle", file=sys.stderr)
    return [row for ref in refs for row in bundle_rows(ref, options, version)]


def scan(paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str], **kwargs: Any) -> pd.DataFrame:
    """One row per node per bundle under `paths` (columns: `COLUMNS`), in bundle-path order.

    Keywords: `workers` (Dask local processes, default the CPU count; 0: in this process), `scheduler`
    ("tcp://host:port" of a running Dask cluster), `previous` (an earlier output or its path: rows of
    unchanged bundles are reused), `since` (drop rows captured before it), `options` (`ScanOptions`),
    `progress` (a progress bar on stderr), `in_process_below` (fewer bundles run in this process).
    """
    return scan_fleet(paths, **kwargs).frame


def summary(result: ScanResult, output: str | None = None, top: int = 10) -> dict[str, Any]:
    """The `ucnb.scan/1` document: counts, the services with the most zombies, the errors."""
    frame = result.frame
    ok = frame[frame["error"].isna()]
    errors = frame[frame["error"].notna()]
    services: dict[str, dict[str, int]] = {}
    for node_groups in ok["groups"]:
        for group in node_groups:
            entry = services.setdefault(group["service"] or NO_SERVICE, {"zombies": 0, "nodes": 0})
            entry["zombies"] += int(group["count"] or 0)
            entry["nodes"] += 1
    ranked = sorted(services.items(), key=lambda item: (-item[1]["zombies"], item[0]))[:top]
    urgency = ok["urgency"].dropna().value_counts()
    return {
        "schema": SCHEMA,
        "output": output,
        "engine": result.engine,
        "bundles": result.bundles,
        "analysed": result.analysed,
        "reused": result.reused,
        "nodes": int(len(ok)),
        "nodes_with_zombies": int((ok["defunct_rows"].fillna(0) > 0).sum() + 0),
        "zombies": int(ok["defunct_rows"].fillna(0).sum()),
        "errors": int(len(errors)),
        "urgency": {str(k): int(v) for k, v in sorted(urgency.items())},
        "top_services": [{"service": name, **counts} for name, counts in ranked],
        "warnings": list(result.warnings),
        "error_bundles": [{"bundle": b, "error": e}
                          for b, e in zip(errors["bundle"], errors["error"], strict=True)],
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
        lines.append(f"error: {item['bundle']}: {item['error']}")
    if len(document["error_bundles"]) > 10:
        more = len(document["error_bundles"]) - 10
        lines.append(f"... {plural(more, 'more error')} (see the output's error column)")
    return "\n".join(lines)
