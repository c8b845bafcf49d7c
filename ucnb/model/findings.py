"""The findings: what the diagnosis and the verification conclude, as frozen dataclasses.

Every face (CLI, tree, draw, widgets, report, web app, notebooks) reads these, never their JSON;
`to_json()` gives the contract's JSON (docs/cli-contract.md) exactly, at the CLI and scan boundary,
`from_json()` reads it back:

    >>> step = NextStep("restart_service", "utils service restart Cisco AMC Service", "...",
    ...                 ppid=29815, impact="low")
    >>> step.to_json()["command"]
    'utils service restart Cisco AMC Service'
    >>> NextStep.from_json(step.to_json()) == step
    True

Fields marked `omit` in their metadata are left out of the JSON when they hold their default
(`tac_only` false, no `commands`, no `after_node`), as the contract has always done.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ucnb.model.columns import TableReader

if TYPE_CHECKING:
    from ucnb.model.columns import Ints

__all__ = [
    "Zombie", "ZombieRows", "JsonRows",
    "Alternative", "Ancestor", "Child", "CollectBefore", "DefectMatch", "Group", "NextStep",
    "TrendPoint", "Headroom", "ZombieHistory", "PerfmonHistory",
    "Sources", "NodeAnalysis", "Analysis", "ParentAfter", "Pairing", "ServiceState", "Reparented",
    "NodeVerification", "Verification",
    "Decision", "NextAction", "NodeOutcome", "CaseOutcome",
]

T = TypeVar("T", bound="_Finding")
_OMIT = {"omit": True}
_STREAMED = 256  # a longer tuple of findings is a `JsonRows` in `to_json(lazy=True)`


def _json(value: Any, lazy: bool = False) -> Any:
    if isinstance(value, _Finding):
        return value.to_json(lazy)
    if isinstance(value, ZombieRows):
        return value.json_rows() if lazy else list(value.json_rows())
    if lazy and isinstance(value, tuple) and len(value) > _STREAMED and isinstance(value[0], _Finding):
        return JsonRows(value, len(value))  # 20,000 groups: written batch by batch, never all as dicts
    if isinstance(value, (list, tuple)):
        return [_json(v, lazy) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of a finding class, cached (a dict: `functools.cache` types its
    argument as Hashable, which mypy does not grant a `type[T]`)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _read(kind: Any, value: Any) -> Any:
    """`value` (from JSON) as the annotated `kind`: nested findings, tuples, optionals."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(options) > 1 and isinstance(value, list):  # `tuple[Zombie, ...] | ZombieRows`: the tuple
            options = [a for a in options if typing.get_origin(a) is tuple]
        return _read(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        return tuple(_read(inner, v) for v in value)
    if isinstance(kind, type) and issubclass(kind, _Finding) and isinstance(value, Mapping):
        return kind.from_json(value)
    return value


class _Finding:
    """to_json / from_json shared by every finding."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # every finding is a dataclass

    def to_json(self, lazy: bool = False) -> dict[str, Any]:
        """The contract's JSON object (field order = declaration order). `lazy`: long row lists
        (`ZombieRows`) stay `JsonRows`, for `ucnb.faces.jsonout.write_json` to write without holding them."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("omit") and value == (f.default if f.default is not MISSING else None):
                continue
            out[f.name] = _json(value, lazy)
        return out

    @classmethod
    def from_json(cls: type[T], data: Mapping[str, Any]) -> T:
        """Read the object back from its JSON (unknown keys are ignored, missing ones default)."""
        hints = _hints(cls)
        kwargs = {f.name: _read(hints[f.name], data[f.name]) for f in fields(cls) if f.name in data}
        return cls(**kwargs)


# ------------------------------------------------------------------ analysis
@dataclass(frozen=True)
class Zombie(_Finding):
    """One defunct row of the listing."""

    pid: int
    ppid: int | None = None
    command: str | None = None
    source: str | None = None


class ZombieRows(Sequence[Zombie]):
    """The defunct rows of a listing's table (its `pid`, `ppid`, `command`, `source`) at `positions`,
    read through a `TableReader`: a sequence of `Zombie` made on access, so a million zombies need no
    object each, and no copy of their rows. `parents=False`: the listing has no PPID column.

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"pid": [29815, 22908], "ppid": [1, 29815],
        ...                       "command": ["amc", "[sh] <defunct>"], "source": ["ps:2", "ps:3"]})
        >>> rows = ZombieRows(TableReader(frame), [1])
        >>> rows[0], len(rows), rows == (Zombie(22908, 29815, "[sh] <defunct>", "ps:3"),)
        (Zombie(pid=22908, ppid=29815, command='[sh] <defunct>', source='ps:3'), 1, True)
    """

    __slots__ = ("table", "positions", "parents")
    BATCH = 8192

    def __init__(self, table: TableReader, positions: Ints, parents: bool = True) -> None:
        self.table, self.positions, self.parents = table, positions, parents

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self._rows(self.positions[index]))
        return next(self._rows([self.positions[index]]))

    def __iter__(self) -> Iterator[Zombie]:
        for start in range(0, len(self.positions), self.BATCH):
            yield from self._rows(self.positions[start : start + self.BATCH])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"ZombieRows({len(self)} rows)"

    def ints(self, name: str) -> Any:
        """An integer column (`pid`, `ppid`) of the rows as an int64 array, -1 for <NA>."""
        import numpy as np

        if name == "ppid" and not self.parents:
            return np.full(len(self.positions), -1, dtype=np.int64)
        return self.table.ints(name)[np.asarray(self.positions, dtype=np.int64)]

    def pids(self) -> list[int]:
        """The zombies' PIDs, in row order."""
        return self.ints("pid").tolist()

    def json_rows(self) -> JsonRows:
        """The rows as the contract's JSON objects, made batch by batch."""
        return JsonRows(self, len(self))

    def _rows(self, positions: Ints) -> Iterator[Zombie]:
        pids, commands, sources = (self.table.take(name, positions) for name in ("pid", "command", "source"))
        ppids = self.table.take("ppid", positions) if self.parents else [None] * len(pids)
        return (Zombie(*row) for row in zip(pids, ppids, commands, sources, strict=True))


class JsonRows:
    """An iterable of JSON objects of known length, written by `ucnb.faces.jsonout.write_json` without
    being held whole (a JSON array)."""

    __slots__ = ("findings", "count")

    def __init__(self, findings: Iterable[_Finding], count: int) -> None:
        self.findings, self.count = findings, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (finding.to_json() for finding in self.findings)


@dataclass(frozen=True)
class Alternative(_Finding):
    """Another way to clear a group than its primary action."""

    action: str
    command: str | None
    note: str = ""
    tac_only: bool = field(default=False, metadata=_OMIT)


@dataclass(frozen=True)
class Ancestor(_Finding):
    """One process of the chain from the root down to the zombies' parent."""

    pid: int
    command: str | None
    service: str | None
    missing: bool = False


@dataclass(frozen=True)
class Child(_Finding):
    """A live child of the zombies' parent."""

    pid: int
    command: str | None


@dataclass(frozen=True)
class CollectBefore(_Finding):
    """Something to capture before the restart destroys the evidence."""

    command: str | None
    why: str


@dataclass(frozen=True)
class DefectMatch(_Finding):
    """A known defect of the owning service, and whether the node's version has it."""

    id: str
    title: str = ""
    affected: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    source: str = ""
    applies: bool | None = None
    why: str = ""


@dataclass(frozen=True)
class Group(_Finding):
    """The zombies of one parent PID and what to do about them."""

    ppid: int | None
    parent_command: str | None = None
    service: str | None = None
    zombie_pids: tuple[int, ...] = ()
    action: str = ""
    command: str | None = None
    impact: str = "unknown"
    alternatives: tuple[Alternative, ...] = ()
    count: int = 0
    rule: str = ""
    reason: str = ""
    impact_note: str = ""
    parent_source: str | None = None
    owner_pid: int | None = None
    owner_command: str | None = None
    ancestry: tuple[Ancestor, ...] = ()
    # ancestors above `ancestry[0]`, listed in an earlier group's `ancestry` (a chain deeper than 32
    # that shares its trunk with an earlier group starts where they meet: the output stays linear)
    ancestors_omitted: int = field(default=0, metadata=_OMIT)
    other_children: tuple[Child, ...] = ()
    other_children_count: int = 0
    leak_rate_per_hour: float | None = None
    leak_rate_basis: str | None = None
    commands: tuple[str, ...] | None = field(default=None, metadata=_OMIT)
    urgency: str = "optional"
    urgency_reason: str = ""
    when: str | None = None
    collect_before: tuple[CollectBefore, ...] = ()
    defects: tuple[DefectMatch, ...] = ()


@dataclass(frozen=True)
class NextStep(_Finding):
    """The single most useful thing to do on a node."""

    action: str
    command: str | None
    reason: str
    ppid: int | None = None
    impact: str | None = None
    urgency: str = "none"
    urgency_reason: str = ""
    when: str | None = None


@dataclass(frozen=True)
class TrendPoint(_Finding):
    """One `show process load` snapshot's counts."""

    captured_at: str | None
    time: str | None
    zombie: int | None
    tasks: int | None
    source: str | None


@dataclass(frozen=True)
class Headroom(_Finding):
    """How much of the PID space is in use and when it could run out."""

    pid_max: int | None
    tasks: int | None = None
    zombies: int | None = None
    free: int | None = None
    days_to_exhaustion: float | None = None
    forecast: str | None = None
    threads_counted: bool = False  # `tasks` counts threads too (else processes only: a lower bound)
    lower_bound: bool = False
    max_pid_seen: int | None = None
    pid_max_source: str = "default"  # default (32,768), given, data (larger PIDs seen: limit unknown),
    # unknown (a Linux host: no default is known)


@dataclass(frozen=True)
class ZombieHistory(_Finding):
    """One process name's zombies over a node's RIS PerfMon logs (`ucnb.diagnosis.history`).

    `first_seen`: the first poll of the current run of zombies (after `last_zero`, the last poll
    with none; None when zombies are there from the first poll logged); its `file:line`. The parent
    comes from a listing of the same node (its zombies' PIDs, else their name), None without one."""

    name: str
    first_seen: str | None = None
    first_seen_source: str | None = None
    last_zero: str | None = None
    count_first: int = 0
    count_last: int = 0
    peak: int = 0
    rate_per_hour: float | None = None
    hours: float | None = None
    note: str = ""
    parent_pid: int | None = None
    parent_command: str | None = None
    service: str | None = None
    parent_source: str | None = None
    joined_by: str | None = None  # "pid" (PerfMon PIDs in the listing's defunct rows), "name", None


@dataclass(frozen=True)
class PerfmonHistory(_Finding):
    """What a node's RIS PerfMon logs show over their days: zombies in total and per process name,
    processes + threads against the RIS threshold, and how `Process Status` was read."""

    files: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    polls: int = 0
    poll_seconds: int | None = None
    zone: str | None = None
    bias_minutes: int | None = None
    status_mapping: str = ""
    status_evidence: str = ""
    zombies_last: int | None = None
    first_seen: str | None = None
    first_seen_source: str | None = None
    last_zero: str | None = None
    rate_per_hour: float | None = None
    hours: float | None = None
    note: str = ""
    names: tuple[ZombieHistory, ...] = ()
    processes_last: int | None = None
    threads_last: int | None = None
    threshold: int = 2000
    alert: str = ""  # TotalProcessesAndThreadsExceededThreshold: crossed when, or when it would be
    alert_at: str | None = None  # the first poll above the threshold
    alert_source: str | None = None
    alert_forecast_hours: float | None = None
    summary: str = ""  # the one line: "zombie `sh` count growing 4 an hour since ...; the parent ..."
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sources(_Finding):
    """Where the count and the listing were read."""

    load: str | None = None
    listing: str | None = None


@dataclass(frozen=True)
class NodeAnalysis(_Finding):
    """One node's diagnosis."""

    node: str
    product: str = "unknown"
    zombie_count: int | None = None
    zombie_trend: tuple[int | None, ...] = ()
    zombies: tuple[Zombie, ...] | ZombieRows = ()
    groups: tuple[Group, ...] = ()
    next_step: NextStep = NextStep("none", None, "")
    warnings: tuple[str, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    leak_rate_per_hour: float | None = None
    trend_hours: float | None = None
    pid_headroom: Headroom | None = None
    sources: Sources = Sources()
    leak_rate_note: str = ""
    perfmon: PerfmonHistory | None = field(default=None, metadata=_OMIT)

    def group(self, ppid: int | None) -> Group | None:
        """The group of this parent PID, or None."""
        return next((g for g in self.groups if g.ppid == ppid), None)


@dataclass(frozen=True)
class Analysis(_Finding):
    """The `ucnb.analysis/1` document."""

    schema: str = "ucnb.analysis/1"
    nodes: tuple[NodeAnalysis, ...] = ()
    reboot_order: tuple[str, ...] = field(default=(), metadata=_OMIT)
    reboot_note: str | None = field(default=None, metadata=_OMIT)

    def node(self, name: str) -> NodeAnalysis:
        """The node of this name (KeyError if none)."""
        for node in self.nodes:
            if node.node == name:
                return node
        raise KeyError(name)


# ------------------------------------------------------------------ verification
@dataclass(frozen=True)
class ParentAfter(_Finding):
    """A former zombie parent in the after capture: same PID, a new PID (restarted) or gone."""

    ppid: int
    command: str | None
    service: str | None
    after_pid: int | None = None
    after_start: str | None = None
    restarted: bool | None = None


@dataclass(frozen=True)
class Pairing(_Finding):
    """Which before node was compared with which after node, and on what grounds.

    `by`: `name` (same host name), `explicit` (--pair), `mismatch` (the only node of each side, but
    different host names or products: not compared), `none` (no counterpart on the other side)."""

    before: str | None
    after: str | None
    by: str
    before_product: str | None = None
    after_product: str | None = None


@dataclass(frozen=True)
class ServiceState(_Finding):
    """A service that owned zombies (or was restarted), as the after capture shows it."""

    service: str
    state: str | None  # STARTED, STOPPED, NOTRUNNING...; None: the after capture does not show it
    source: str | None = None
    running: bool | None = None


@dataclass(frozen=True)
class Reparented(_Finding):
    """A zombie still defunct after, under another parent (PID 1 when its parent was restarted)."""

    pid: int
    ppid_before: int | None
    ppid_after: int | None


@dataclass(frozen=True)
class NodeVerification(_Finding):
    """One node's before/after comparison."""

    node: str
    before_count: int | None
    after_count: int | None
    cleared_pids: tuple[int, ...]
    remaining_pids: tuple[int, ...]
    new_pids: tuple[int, ...]
    verdict: str
    before_listed: int | None = None
    after_listed: int | None = None
    parents: tuple[ParentAfter, ...] = ()
    restarted_services: tuple[str, ...] = ()
    reason: str = ""
    after_node: str | None = field(default=None, metadata=_OMIT)
    pairing: Pairing | None = None
    rebooted: bool | None = None
    reboot_evidence: str | None = None
    service_state_after: tuple[ServiceState, ...] = ()
    reparented: tuple[Reparented, ...] = ()
    warnings: tuple[str, ...] = ()
    # the after capture is not later than the before one (both times and their sources), or None;
    # `order_forced`: compared anyway (`--force-order`), else the verdict is `unknown`
    order_problem: str | None = None
    order_forced: bool = False
    # a Linux host or container (issue 23): the command of PID 1 in the after capture, when listed
    pid1_after: str | None = field(default=None, metadata=_OMIT)


@dataclass(frozen=True)
class Verification(_Finding):
    """The `ucnb.verify/1` document."""

    schema: str = "ucnb.verify/1"
    nodes: tuple[NodeVerification, ...] = ()


# ------------------------------------------------------------------ outcome
@dataclass(frozen=True)
class Decision(_Finding):
    """A remediation a person decided for one zombie group (the picker, `ucnb report --decision`)."""

    node: str
    ppid: int | None
    action: str
    command: str | None = None
    by: str = ""
    note: str = ""


@dataclass(frozen=True)
class NextAction(_Finding):
    """One step of the action plan, decided once (`ucnb.diagnosis.outcome`); faces only word it.

    `who`: customer (the customer's administrator) or tac; `when`: a timing token of
    `ucnb.model.actions`; `optional`: the step may be skipped (the `why` says why it is offered);
    `tac_only`: done by Cisco TAC with root access; a customer document tells it in the vocabulary's
    `told` words with `customer_why`, never with its command."""

    action: str
    who: str
    when: str
    node: str
    command: str | None = None
    why: str = ""
    service: str | None = None
    ppid: int | None = None
    optional: bool = False
    tac_only: bool = False
    customer_why: str = field(default="", metadata=_OMIT)


@dataclass(frozen=True)
class NodeOutcome(_Finding):
    """Where one node stands: `phase` before (diagnosed) or verified, its status token
    (`ucnb.model.actions.STATUSES`), the facts it rests on, and its next actions in order."""

    node: str
    phase: str
    status: str
    why: str
    verdict: str | None = None
    zombies_before: int | None = None
    zombies_after: int | None = None
    services_down: tuple[str, ...] = ()
    rebooted: bool | None = None
    residual_pids: tuple[int, ...] = ()
    residual_under_init: tuple[int, ...] = ()
    cosmetic: bool = False
    leak_rate_per_hour: float | None = None
    recurrence_watch: bool = False
    order_problem: str | None = None
    decision: Decision | None = None
    next_actions: tuple[NextAction, ...] = ()
    passes: bool = False


@dataclass(frozen=True)
class CaseOutcome(_Finding):
    """The `ucnb.outcome/1` object: the case's one conclusion, node by node, that the CLI, `verify`,
    every report, the case note, the web app and the notebooks render."""

    schema: str = "ucnb.outcome/1"
    phase: str = "before"
    status: str = "clean"
    case: str | None = None
    decided_by: str | None = None
    captured_before: str | None = None
    captured_after: str | None = None
    nodes: tuple[NodeOutcome, ...] = ()
    passes: bool = False

    @property
    def next_actions(self) -> tuple[NextAction, ...]:
        """Every node's next actions, in node order."""
        return tuple(a for node in self.nodes for a in node.next_actions)

    def node(self, name: str) -> NodeOutcome | None:
        """The outcome of this node, or None."""
        return next((n for n in self.nodes if n.node == name), None)
