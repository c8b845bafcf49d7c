"""A fleet scan's rows as a DataFrame (`frame_of`) and as a file (`write_frame`, `read_frame`):
Parquet with the pandas metadata (any reader gets nullable integers back), or CSV by suffix (groups
as JSON text; a text cell a spreadsheet would run as a formula is written after a `'`).

    >>> frame = frame_of([{"bundle": "a.zip", "node": "=HYPERLINK(1)", "zombie_count": 3}])
    >>> frame[["node", "zombie_count"]].values.tolist()
    [['=HYPERLINK(1)', 3]]
    >>> _spreadsheet_safe("=HYPERLINK(1)"), _spreadsheet_safe("cucm-pub"), _cell_value("'=1")
    ("'=HYPERLINK(1)", 'cucm-pub', '=1')

The output is written to a temporary file beside it and renamed over it: a reader never sees half a
file, and a failed write (a full disk) leaves the previous output as it was. A FILE that exists is
replaced only when it is a scan output; one damaged (cut short) is set aside with a warning.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ucnb.errors import InputError
from ucnb.fleet.rows import ADDED, COLUMNS, GROUP_FIELDS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: cells a spreadsheet may run as a formula
_TEXT = [name for name, dtype in COLUMNS if dtype == "str"]


def _group_list(value: Any) -> list[dict[str, Any]]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list) or not all(isinstance(g, dict) for g in value):
        raise ValueError(f"groups must be a list of objects, not {type(value).__name__}")
    return [{name: (None if g.get(name) is None or g.get(name) != g.get(name) else g.get(name))
             for name, _ in GROUP_FIELDS} for g in value]


def frame_of(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """The rows as a DataFrame with the scan's columns and dtypes (missing fields are empty); a value
    of the wrong kind is a `ValueError` or `TypeError`."""
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


def _spreadsheet_safe(text: Any) -> Any:
    """A text cell that starts like a formula (or with the `'` that marks one) gets a leading `'`."""
    return f"'{text}" if isinstance(text, str) and text.startswith((*FORMULA_START, "'")) else text


def _cell_value(text: Any) -> Any:
    """The value written by `_spreadsheet_safe`."""
    return text[1:] if isinstance(text, str) and text.startswith("'") else text


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["groups"] = [json.dumps(g, sort_keys=True) for g in out["groups"]]
    for name in _TEXT:
        out[name] = out[name].map(_spreadsheet_safe, na_action="ignore")
    return out


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    import pyarrow as pa

    columns = {name: frame[name].tolist() for name, _ in COLUMNS}
    for name, dtype in COLUMNS:
        if dtype != "object":
            columns[name] = [None if _missing(v) else v for v in columns[name]]
    return pa.table(columns, schema=_arrow_schema())


def _write(frames: Iterable[pd.DataFrame], stream: Any, kind: str) -> None:
    """Every frame into one file, one after the other (a batch of rows in memory at a time)."""
    writer = None
    try:
        for number, frame in enumerate(frames):
            if kind == "csv":
                _csv_text(frame).to_csv(stream, index=False, header=number == 0, lineterminator="\n",
                                        date_format="%Y-%m-%dT%H:%M:%S")
                continue
            table = _arrow_table(frame)
            if writer is None:
                import pyarrow as pa
                import pyarrow.parquet as pq

                # the pandas metadata: `pandas.read_parquet` gives Int64/Float64/str back, not floats
                meta = pa.Schema.from_pandas(frame.head(0), preserve_index=False).metadata
                writer = pq.ParquetWriter(stream, table.schema.with_metadata(meta))
            writer.write_table(table.replace_schema_metadata(writer.schema.metadata))
    finally:
        if writer is not None:
            writer.close()


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write rows as Parquet, or CSV when the name ends in `.csv` (see `write_frames`)."""
    write_frames([frame], path)


def write_frames(frames: Iterable[pd.DataFrame], path: str | os.PathLike[str]) -> None:
    """Write batches of rows as one Parquet file, or CSV when the name ends in `.csv`, through a
    temporary file renamed over `path` (a link to a file: over that file)."""
    kind = output_format(path)
    target = os.path.realpath(os.fspath(path))
    if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):
        raise InputError(f"{os.fspath(path)}: cannot write the output (not a regular file)")
    folder = os.path.dirname(target)
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".ucnb-scan-", suffix=f".{kind}.part", dir=folder)
    except OSError as error:
        raise InputError(f"{os.fspath(path)}: cannot write the output ({error.strerror or error})") from None
    try:
        stream: Any = (os.fdopen(descriptor, "w", encoding="utf-8", newline="") if kind == "csv"
                       else os.fdopen(descriptor, "wb"))
        with stream:
            _write(frames, stream, kind)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        os.unlink(temporary)
        raise InputError(f"{os.fspath(path)}: cannot write the output ({error.strerror or error})") from None
    except BaseException:
        os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_frame(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a scan's output (Parquet, or CSV by suffix) back into the scan's columns and dtypes."""
    import pandas as pd

    source = os.fspath(path)
    if not os.path.isfile(source):
        raise InputError(f"{source}: not a scan output (not a file)")
    try:
        if output_format(source) == "csv":
            raw = pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[""])
            for name in _TEXT:
                if name in raw.columns:
                    raw[name] = raw[name].map(_cell_value, na_action="ignore")
            rows = raw.to_dict("records", into=dict)  # into: typed as dicts by column name
        else:
            import pyarrow.parquet as pq

            rows = pq.read_table(source).to_pylist()
        missing = [name for name, _ in COLUMNS if rows and name not in rows[0] and name not in ADDED]
        if missing:
            raise InputError(f"{source}: not a scan output (no column {missing[0]})")
        return frame_of(rows)
    except (OSError, ValueError, TypeError, ArithmeticError) as error:
        raise InputError(f"{source}: not a scan output ({' '.join(str(error).split())})") from None


def _scan_columns(path: str, kind: str) -> list[str] | None:
    """The column names of an existing output, or None when it cannot be read as its kind."""
    try:
        if kind == "csv":
            with open(path, encoding="utf-8", newline="") as stream:
                head = stream.readline(1 << 16)
            return head.rstrip("\r\n").split(",") if head.endswith("\n") else None
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def check_previous(path: str | os.PathLike[str], warnings: list[str]) -> None:
    """Before a scan writes FILE: refuse to replace a file that is not a scan output (`InputError`);
    set a damaged scan output aside (`FILE.damaged`) with a warning."""
    kind = output_format(path)
    target = os.path.realpath(os.fspath(path))
    if not os.path.lexists(target):
        return
    if not stat.S_ISREG(os.stat(target).st_mode):
        raise InputError(f"{os.fspath(path)}: not a scan output (not a regular file)")
    names = _scan_columns(target, kind)
    wanted = [name for name, _ in COLUMNS]
    core = [name for name in wanted if name not in ADDED]
    if names is not None and names[:len(core)] == core:  # a scan output (of this or an older ucnb)
        return
    header = ",".join(wanted).encode()
    with open(target, "rb") as stream:
        start = stream.read(len(header))
    if names is not None or not start:  # readable but another table, or empty (cut before a byte)
        ours = not start
    else:  # unreadable: ours if it begins as a scan output begins (cut short while written)
        ours = start[:4] == b"PAR1" if kind == "parquet" else header.startswith(start)
    if not ours:
        why = "no scan columns" if names is not None else f"not a {kind} file"
        raise InputError(f"{os.fspath(path)}: not a scan output ({why}); not replaced")
    aside = f"{target}.damaged"
    os.replace(target, aside)
    warnings.append(f"{os.fspath(path)}: a damaged scan output, set aside as {aside}")
