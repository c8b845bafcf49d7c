"""The tables of the model: the column specs of its DataFrames (part of the public API: notebooks
and reports use the names; listed here once), the typed `Columns` the parsers fill, and the `Frame`
attribute that builds a DataFrame from them on first access, so `ucnb inspect` (which only counts
rows) never imports pandas. `rows`, `values`, `distinct` and `TableReader` read a table either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import MISSING
from sys import intern
from typing import TYPE_CHECKING, Any, TypeAlias, overload

if TYPE_CHECKING:  # pandas is imported when a DataFrame is first built (see Frame): `inspect` never does
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    # Row positions or line numbers: a list or range of ints, or an integer array (for types only).
    Ints: TypeAlias = Sequence[int] | npt.NDArray[np.integer[Any]]

# `show process list*`, `ps ...` listings: one row per process.
LISTING_COLUMNS = {
    "pid": "Int64",  # process id
    "ppid": "Int64",  # parent pid; <NA> when the listing has no PPID column (ps aux) nor tree drawing
    "user": "string",  # as printed (may be truncated, e.g. "ccmserv+")
    "state": "string",  # STAT/S column ("S", "Ssl", "Z"...); <NA> when absent
    "comm": "string",  # short name: basename of CMD's first word, brackets removed ("[sh] <defunct>" -> "sh")
    "command": "string",  # CMD/COMMAND/ARGS with its spaces, forest markers removed
    "depth": "int64",  # forest depth (0 when the listing is not a forest)
    "zombie": "bool",  # state starts with Z, or the command ends with "<defunct>"
    "stime": "string",  # STIME/START when present
    "tty": "string",
    "time": "string",  # cumulative CPU time as printed
    "source": "string",  # "file:line"
}

# `show process load` process table: one row per process of one snapshot.
LOAD_COLUMNS = {
    "pid": "Int64",
    "user": "string",  # as printed (8 characters, maybe ending in "+")
    "user_truncated": "bool",  # True when the name ends in "+" or fills the 8-character column
    "pr": "Int64",  # priority; <NA> for real-time
    "rt": "bool",  # PR printed as "rt"/"RT"
    "ni": "Int64",
    "virt_kib": "Int64",  # VIRT/RES/SHR in KiB whatever the printed unit (m, g, t suffixes)
    "res_kib": "Int64",
    "shr_kib": "Int64",
    "state": "string",
    "cpu_pct": "float64",
    "mem_pct": "float64",
    "time_s": "float64",  # TIME+ in seconds (M:SS.hh, MMMM:SS, H:MM:SS forms)
    "command": "string",  # 15-character comm name, as printed (maybe ending in "+")
    "zombie": "bool",
    "source": "string",
}

# `utils service list`: one row per service.
SERVICE_COLUMNS = {
    "service": "string",  # display name, exact case ("Cisco AMC Service")
    "state": "string",  # STARTED, STOPPED, STARTING, STOPPING, NOTRUNNING
    "reason": "string",  # text after the state ("Service Not Activated"), <NA> when none
    "platform": "bool",  # platform rows have a space before "["
    "source": "string",
}


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """An empty DataFrame with the given typed columns."""
    import pandas as pd

    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


SHARED_ROWS = 1_024  # a table of at most this many rows shares its strings with every other table


def shared(values: list[Any]) -> list[Any]:
    """`values` with each string shared with every other small table's (`sys.intern`: 10,000
    sessions of one node repeat the same users, commands and times); a larger table as it is (its
    values are mostly its own: a table of them would cost more than it saves).

    >>> a, b = shared(["root", "ccm" + "serv+"]), shared(["ccmserv" + "+", None])
    >>> a[1] is b[0], b[1]
    (True, None)
    """
    if len(values) > SHARED_ROWS:
        return values
    try:
        return list(map(intern, values))  # one C loop: a column of strings, the common case
    except TypeError:  # a None (<NA>) among them
        return [intern(v) if v.__class__ is str else v for v in values]


class Columns:
    """The typed columns of a table whose DataFrame is not built yet (what the parsers return).

        Columns(SERVICE_COLUMNS, {"service": ["Cisco AMC Service"], "state": ["STARTED"],
                                  "reason": None, "platform": [False], "source": ["svc.txt:6"]})

    `data` maps column names of `spec` (a `*_COLUMNS` dict) to `n` values each: a list or a numpy
    array (or any sequence, e.g. `LineSources`); None in a list, or None for the whole column (or a
    column left out), is <NA>. Int64
    columns: an int64 array, or a list of ints and None; string columns: str and None; bool,
    float64 and int64 columns: any sequence numpy converts. `frame()` makes the DataFrame with
    exactly the dtypes of `spec`; `len()` and `values()` need neither pandas nor the frame.
    """

    __slots__ = ("spec", "data", "n")

    def __init__(self, spec: dict[str, str], data: dict[str, Any], n: int | None = None) -> None:
        unknown = set(data) - set(spec)
        if unknown:
            raise ValueError(f"columns not in the model: {sorted(unknown)}")
        if n is None:
            n = next((len(v) for v in data.values() if v is not None), 0)
        for name, values in data.items():
            if values.__class__ is list and spec[name] == "string":
                data[name] = shared(values)
        self.spec, self.data, self.n = spec, data, n

    def __len__(self) -> int:
        return self.n

    def values(self, name: str) -> Sequence[Any]:
        """One column's values, None for <NA> (a list made from a compact numpy or Arrow column)."""
        values = self.data.get(name)
        if values is None:
            return [None] * self.n
        if hasattr(values, "to_pylist"):  # Arrow
            return values.to_pylist()
        return values.tolist() if hasattr(values, "tolist") else values

    def distinct(self, name: str) -> set[Any]:
        """The distinct values of one column (None for <NA>), without a Python object per row."""
        values = self.data.get(name)
        if values is None:
            return {None} if self.n else set()
        if hasattr(values, "unique"):  # Arrow
            return set(values.unique().to_pylist())
        return set(values.tolist() if hasattr(values, "tolist") else values)

    def frame(self, consume: bool = False) -> pd.DataFrame:
        """The DataFrame, with exactly the dtypes of `spec` (a RangeIndex). `consume`: each column
        is let go once converted (for a Frame attribute, which keeps the DataFrame instead)."""
        import numpy as np
        import pandas as pd

        n = self.n
        arrays: dict[str, Any] = {}
        for name, dtype in self.spec.items():
            values = self.data.pop(name, None) if consume else self.data.get(name)
            if values is None:
                # pandas-stubs lists the dtype names as literals; pandas takes any (spec: dict[str, str])
                arrays[name] = pd.array([None] * n, dtype=dtype)  # type: ignore[call-overload]
            elif dtype == "Int64":
                if isinstance(values, np.ndarray) or None not in values:
                    data, mask = np.asarray(values, dtype=np.int64), np.zeros(n, dtype=bool)
                else:
                    mask = np.fromiter((v is None for v in values), dtype=bool, count=n)
                    data = np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=n)
                arrays[name] = pd.arrays.IntegerArray(data, mask)
            elif dtype == "string":
                if hasattr(values, "to_arrow"):  # LineSources
                    values = values.to_arrow()
                if hasattr(values, "to_pylist"):  # Arrow (the parser's dictionaries decoded)
                    arrays[name] = pd.array(_arrow_strings(values), dtype="string")
                    continue
                if not isinstance(values, np.ndarray):
                    # via an object array: pandas then only checks the values (about twice as fast)
                    values = np.fromiter(values, dtype=object, count=n)
                arrays[name] = pd.array(values, dtype="string")
            else:
                arrays[name] = np.asarray(values, dtype=dtype)
        frame = pd.DataFrame(arrays, copy=False)  # the arrays are new: spare pandas a copy
        return frame if dict(frame.dtypes.astype(str)) == self.spec else frame.astype(self.spec)

    @classmethod
    def concat(cls, parts: Sequence[Columns]) -> Columns:
        """The rows of `parts` one after the other (same spec)."""
        if len(parts) == 1:
            return parts[0]
        import numpy as np

        spec = parts[0].spec
        data: dict[str, Any] = {}
        for name in spec:
            if all(part.data.get(name) is None for part in parts):
                data[name] = None
            elif all(isinstance(part.data.get(name), np.ndarray) for part in parts):
                data[name] = np.concatenate([part.data[name] for part in parts])
            elif any(hasattr(part.data.get(name), "to_pylist") for part in parts):  # Arrow strings
                import pyarrow as pa

                chunks = [part.data.get(name) for part in parts]
                data[name] = pa.chunked_array(
                    [chunk for part, values in zip(parts, chunks, strict=True)
                     for chunk in (_arrow_strings(values).chunks if hasattr(values, "to_pylist")
                                   else [pa.array(part.values(name), type=pa.string())])],
                    type=pa.string())
            else:
                data[name] = [v for part in parts for v in part.values(name)]
        return cls(spec, data, sum(part.n for part in parts))


def _arrow_strings(values: Any) -> Any:
    """An Arrow string column (a dictionary-encoded one decoded), as a ChunkedArray."""
    import pyarrow as pa

    if not isinstance(values, pa.ChunkedArray):
        values = pa.chunked_array([values])
    return values.cast(pa.string()) if pa.types.is_dictionary(values.type) else values


class LineSources(Sequence[str]):
    """The `source` column of a table whose rows are lines of one file: `"file:line"` strings made
    when read (building 100k of them is a good part of a parse that `inspect` does not need); `ends`:
    the last line of the rows joined with wrapped lines (`"file:first-last"`).

        LineSources("ps.txt", range(2, 5), {1: 4})  # reads as ["ps.txt:2", "ps.txt:3-4", "ps.txt:4"]
    """

    __slots__ = ("file", "numbers", "ends")

    def __init__(self, file: str, numbers: Ints, ends: dict[int, int] | None = None) -> None:
        self.file, self.numbers, self.ends = file, numbers, ends or {}

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            if not self.ends:
                return LineSources(self.file, self.numbers[index])
            rows = range(len(self.numbers))[index]
            ends = {new: self.ends[old] for new, old in enumerate(rows) if old in self.ends}
            return LineSources(self.file, self.numbers[index], ends)
        number = self.numbers[index]
        end = self.ends.get(index % len(self.numbers)) if self.ends else None
        return f"{self.file}:{number}" if end is None else f"{self.file}:{number}-{end}"

    def __iter__(self) -> Any:
        file, ends = self.file, self.ends
        if ends:
            return iter([f"{file}:{number}" if row not in ends else f"{file}:{number}-{ends[row]}"
                         for row, number in enumerate(self.numbers)])
        return iter([f"{file}:{number}" for number in self.numbers])  # faster than a generator

    def to_arrow(self, batch: int = 262_144) -> Any:
        """The column as an Arrow string array, made batch by batch (no Python string per row kept)."""
        import pyarrow as pa

        starts = range(0, len(self), batch)
        return pa.chunked_array([pa.array(list(self[at : at + batch]), type=pa.string()) for at in starts],
                                type=pa.string())


class Frame:
    """A DataFrame attribute of a model dataclass, built from its `Columns` on first access.

    Parsers assign `Columns` (cheap: no pandas); the first read of the attribute builds the DataFrame
    with the dtypes of `spec` and keeps it, so later reads (and in-place changes) see the same frame.
    A DataFrame can be assigned too; None (the default) is an empty frame. `rows(obj, name)` and
    `values(obj, name, column)` read the table without building the frame (the `inspect` path).
    `required=True` gives the dataclass field no default.
    """

    def __init__(self, spec: dict[str, str], *, required: bool = False) -> None:
        self.spec = spec
        self.required = required
        self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}_table"

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Any: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> pd.DataFrame: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:  # the dataclass asks for the field's default
            return MISSING if self.required else None
        table = obj.__dict__.get(self.slot)
        if table is None or isinstance(table, Columns):
            table = empty_frame(self.spec) if table is None else table.frame(consume=True)
            obj.__dict__[self.slot] = table
        return table

    def __set__(self, obj: Any, value: pd.DataFrame | Columns | None) -> None:
        obj.__dict__[self.slot] = value

    def table(self, obj: Any) -> pd.DataFrame | Columns:
        """What is stored, without building anything (an empty `Columns` for None)."""
        table = obj.__dict__.get(self.slot)
        return Columns(self.spec, {}, 0) if table is None else table


def _frame_attribute(obj: Any, name: str) -> Frame:
    attribute = next((klass.__dict__[name] for klass in type(obj).__mro__ if name in klass.__dict__), None)
    if not isinstance(attribute, Frame):
        raise AttributeError(f"{type(obj).__name__}.{name} is not a Frame attribute")
    return attribute


def rows(obj: Any, name: str) -> int:
    """The number of rows of `obj.<name>` (a Frame attribute), without building its DataFrame."""
    return len(_frame_attribute(obj, name).table(obj))


def values(obj: Any, name: str, column: str) -> Sequence[Any]:
    """One column of `obj.<name>` (a Frame attribute), None for <NA>, without building its DataFrame.

        values(listing, "processes", "comm")  # -> ["systemd", "amc", "sh", ...]
    """
    return TableReader.of(obj, name).take(column)


def built(obj: Any, name: str) -> pd.DataFrame | None:
    """`obj.<name>`'s DataFrame when it is built (or was assigned), else None: then its columns are
    exactly those of its spec and `rows`/`values` read them without pandas."""
    table = _frame_attribute(obj, name).table(obj)
    return None if isinstance(table, Columns) else table


def distinct(obj: Any, name: str, column: str) -> set[Any]:
    """The distinct values of one column of `obj.<name>`, without building its DataFrame.

        distinct(listing, "processes", "comm")  # -> {"systemd", "amc", "sh", ...}
    """
    table = _frame_attribute(obj, name).table(obj)
    if isinstance(table, Columns):
        return table.distinct(column)
    return set(values(obj, name, column))


class TableReader:
    """One table read column by column, as the parsers left it (`Columns`: lists, or numpy and Arrow
    arrays past one batch; no DataFrame built) or as a DataFrame: whole integer and flag columns as
    numpy arrays, other values at chosen rows as Python lists (None for <NA>).

        >>> reader = TableReader(Columns(LISTING_COLUMNS, {"pid": [7313, 12345], "ppid": [1, 7313],
        ...                      "zombie": [False, True], "command": ["amc", "[sh] <defunct>"]}))
        >>> reader.ints("pid").tolist(), reader.flags("zombie").tolist(), reader.take("command", [1])
        ([7313, 12345], [False, True], ['[sh] <defunct>'])
    """

    __slots__ = ("_table", "_owner", "_name")

    def __init__(self, table: Columns | pd.DataFrame | None, owner: Any = None, name: str = "") -> None:
        self._table, self._owner, self._name = table, owner, name

    @classmethod
    def of(cls, obj: Any, name: str) -> TableReader:
        """The reader of `obj.<name>` (a Frame attribute), without building its DataFrame: it reads
        whichever form the attribute holds when asked (the DataFrame, once something built it)."""
        _frame_attribute(obj, name)
        return cls(None, obj, name)

    @property
    def table(self) -> Columns | pd.DataFrame:
        if self._table is not None:  # a reader made with its table, not `of` an attribute
            return self._table
        return _frame_attribute(self._owner, self._name).table(self._owner)

    def __len__(self) -> int:
        return len(self.table)

    def _raw(self, name: str) -> Any:
        table = self.table
        if isinstance(table, Columns):
            return table.data.get(name)
        return table[name] if name in table.columns else None

    def ints(self, name: str) -> Any:
        """An integer column as an int64 array, -1 for <NA>."""
        import numpy as np

        values = self._raw(name)
        if values is None:
            return np.full(len(self), -1, dtype=np.int64)
        if isinstance(values, np.ndarray):
            return values.astype(np.int64, copy=False)
        if hasattr(values, "to_numpy"):  # a Series
            return values.to_numpy(dtype="int64", na_value=-1)
        if isinstance(values, list) and set(map(type, values)) <= {int}:  # a list of ints: converted in C
            return np.array(values, dtype=np.int64)
        return np.fromiter((-1 if v is None else v for v in values), dtype=np.int64, count=len(values))

    def flags(self, name: str) -> Any:
        """A bool column as a bool array, False for <NA>."""
        import numpy as np

        values = self._raw(name)
        if values is None:
            return np.zeros(len(self), dtype=bool)
        if isinstance(values, np.ndarray):
            return values.astype(bool, copy=False)
        if hasattr(values, "to_numpy"):
            return values.to_numpy(dtype=bool, na_value=False)
        if isinstance(values, list) and set(map(type, values)) <= {bool}:  # a list of bools: converted in C
            return np.array(values, dtype=bool)
        return np.fromiter((bool(v) for v in values), dtype=bool, count=len(values))

    def take(self, name: str, at: Ints | None = None) -> Sequence[Any]:
        """The values of one column (at rows `at`, all when None), None for <NA>."""
        if at is None and isinstance(self.table, Columns):
            return self.table.values(name)  # as parsed: no copy of a list
        values = self._raw(name)
        if values is None:
            return [None] * (len(self) if at is None else len(at))
        if at is not None and not isinstance(at, list):
            at = list(at) if not hasattr(at, "tolist") else at.tolist()
        if hasattr(values, "iloc"):  # a Series
            part = values if at is None else values.iloc[at]
            return part.astype(object).where(part.notna(), None).tolist()
        if hasattr(values, "to_pylist"):  # Arrow
            import pyarrow as pa

            return values.take(pa.array(at, type=pa.int64())).to_pylist()
        if hasattr(values, "tolist"):  # numpy
            return values[at].tolist()
        return list(values) if at is None else [values[i] for i in at]
