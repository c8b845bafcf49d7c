"""The fleet view of a scan's rows (`ucnb scan -o fleet.parquet`, `ucnb.scan`).

Summaries count nodes, not captures: a node is its `node_id` (cluster, host name, product), and the
summaries read each node's latest capture (`nodes`); every capture stays in the rows for the trend
(`history`). Summaries are DataFrames sorted the same way every time; pictures are matplotlib
Figures drawn through the object API (they show as PNG at the end of a notebook cell).

    >>> frame = demo_scan(bundles=2, seed=1)
    >>> list(by_service(frame).columns)
    ['service', 'zombies', 'nodes']
    >>> fig = plot_by_service(frame)

A group whose zombies belong to no known service is counted under `NO_SERVICE`.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ucnb.faces.draw import PALETTE, PictureFigure, integer_ticks
from ucnb.fleet.rows import node_id
from ucnb.fleet.scan import NO_SERVICE, read_frame, scan
from ucnb.model.actions import action, urgency
from ucnb.synth.fleet import write_fleet
from ucnb.text import printable

__all__ = [
    "NO_SERVICE", "NEEDS_ACTION", "load_scan", "demo_scan", "overview", "errors", "nodes", "captures",
    "history", "group_rows", "by_service", "by_version", "leak_rates", "headroom", "service_version_matrix",
    "needs_action", "plot_by_service", "plot_by_version", "plot_leak_rates", "plot_headroom", "plot_heatmap",
    "plot_needs_action",
]

NEEDS_ACTION = ("urgent", "recommended")  # urgency levels that ask for action (docs/cli-contract.md)
_BAR = PALETTE["zombie"][0]
_LEAK = PALETTE["parent"][0]


def load_scan(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A scan's output (Parquet, or CSV by suffix) as the scan's DataFrame."""
    return read_frame(path)


def demo_scan(bundles: int = 20, *, nodes: int = 2, seed: int = 1) -> pd.DataFrame:
    """Generate a fleet (`ucnb.synth.fleet`) in a temporary folder and scan it in this process;
    bundle paths are the bundles' file names (also in the error messages)."""
    with tempfile.TemporaryDirectory(prefix="ucnb-fleet-") as tmp:
        write_fleet(Path(tmp), bundles, nodes=nodes, seed=seed)
        frame = scan(tmp, workers=0, cache=None)
        frame["error"] = frame["error"].str.replace(tmp + os.sep, "", regex=False)
    frame["bundle"] = [Path(p).name for p in frame["bundle"]]
    return frame


def _version_key(version: object) -> tuple:
    parts = re.split(r"[.-]", str(version))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _label(product: object, version: object) -> str:
    return f"{product} {version if isinstance(version, str) else '?'}"


def captures(frame: pd.DataFrame) -> pd.DataFrame:
    """Every capture of every node (the rows without an error), with its `node_id` (rows of a scan
    made before `node_id` get one from the host name and product)."""
    ok = frame[frame["error"].isna()].reset_index(drop=True)
    if ok.empty:
        return ok
    made = [node_id(n, p, None) for n, p in zip(ok["node"], ok["product"], strict=True)]
    ok["node_id"] = ok["node_id"].fillna(pd.Series(made, index=ok.index, dtype="str"))
    return ok


def nodes(frame: pd.DataFrame, *, latest: bool = True) -> pd.DataFrame:
    """One row per node: its latest capture (then the last bundle path); `latest=False`: every capture."""
    ok = captures(frame)
    if not latest or ok.empty:
        return ok
    order = ok.sort_values(["node_id", "captured_at", "bundle"], na_position="first", kind="stable")
    last = order.drop_duplicates("node_id", keep="last")
    return last.sort_values(["bundle", "node_id"], kind="stable").reset_index(drop=True)


def history(frame: pd.DataFrame) -> pd.DataFrame:
    """Every capture of the nodes captured more than once, by node then time: the trend of each."""
    ok = captures(frame)
    repeated = ok[ok.groupby("node_id")["node_id"].transform("size") > 1]
    columns = ["node_id", "node", "captured_at", "defunct_rows", "zombie_count", "top_service", "bundle"]
    return repeated.sort_values(["node_id", "captured_at", "bundle"], ignore_index=True)[columns]


def overview(frame: pd.DataFrame) -> pd.Series:
    """The fleet in numbers: bundles, captures, nodes, and of each node's latest capture: nodes with
    zombies, zombies, growing nodes; unreadable bundles."""
    ok = nodes(frame)
    return pd.Series({
        "bundles": frame["bundle"].nunique(),
        "node captures": len(captures(frame)),
        "nodes": len(ok),
        "nodes with zombies": int((ok["defunct_rows"].fillna(0) > 0).sum()),
        "zombies (defunct rows)": int(ok["defunct_rows"].fillna(0).sum()),
        "nodes whose count grew": int((ok["leak_rate_per_hour"].fillna(0) > 0).sum()),
        "bundles that could not be read": int(frame["error"].notna().sum()),
    }, name="fleet", dtype="int64")


def errors(frame: pd.DataFrame) -> pd.DataFrame:
    """The bundles that could not be read, with the one-line reason."""
    return frame.loc[frame["error"].notna(), ["bundle", "error"]].reset_index(drop=True)


def group_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per zombie group of every node's latest capture: bundle, node, node_id, product,
    version, service, ppid, count, action, urgency."""
    table = nodes(frame)
    rows = [
        {"bundle": bundle, "node": node, "node_id": key, "product": product, "version": version,
         "service": group["service"] or NO_SERVICE, "ppid": group["ppid"], "count": group["count"],
         "action": group["action"], "urgency": group["urgency"]}
        for bundle, node, key, product, version, groups in zip(
            table["bundle"], table["node"], table["node_id"], table["product"], table["version"],
            table["groups"], strict=True)
        for group in groups
    ]
    columns = ["bundle", "node", "node_id", "product", "version", "service", "ppid", "count", "action",
               "urgency"]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"ppid": "Int64", "count": "Int64"})


def by_service(frame: pd.DataFrame) -> pd.DataFrame:
    """Zombies and nodes per owning service, most zombies first."""
    groups = group_rows(frame)
    out = groups.groupby("service", as_index=False).agg(zombies=("count", "sum"),
                                                        nodes=("node_id", "nunique"))
    return out.sort_values(["zombies", "service"], ascending=[False, True], ignore_index=True)


def by_version(frame: pd.DataFrame) -> pd.DataFrame:
    """Per product and version: nodes, nodes with zombies, zombies (defunct rows), in version order."""
    ok = nodes(frame).assign(with_zombies=lambda f: f["defunct_rows"].fillna(0) > 0)
    out = ok.groupby(["product", "version"], as_index=False, dropna=False).agg(
        nodes=("node", "size"), nodes_with_zombies=("with_zombies", "sum"), zombies=("defunct_rows", "sum"))
    keys = [(str(p), _version_key(v)) for p, v in zip(out["product"], out["version"], strict=True)]
    out["key"] = pd.Series(keys, index=out.index, dtype=object)
    out = out.sort_values("key", ignore_index=True).drop(columns="key")
    return out.astype({"nodes": "int64", "nodes_with_zombies": "int64", "zombies": "int64"})


def leak_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Nodes whose zombie count grew between their captures, fastest first."""
    ok = nodes(frame)
    growing = ok[ok["leak_rate_per_hour"].fillna(0) > 0]
    columns = ["node", "bundle", "product", "version", "top_service", "defunct_rows", "leak_rate_per_hour"]
    order = growing.sort_values(["leak_rate_per_hour", "node"], ascending=[False, True], ignore_index=True)
    return order[columns]


def headroom(frame: pd.DataFrame) -> pd.DataFrame:
    """Nodes by days of PID headroom left (a forecast needs a leak rate: nodes without one last)."""
    ok = nodes(frame)
    columns = ["node", "bundle", "product", "version", "defunct_rows", "leak_rate_per_hour", "pid_free",
               "days_to_exhaustion", "urgency"]
    return ok.sort_values(["days_to_exhaustion", "pid_free", "node"], na_position="last",
                          ignore_index=True)[columns]


def service_version_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Zombies per service (rows, most first) and product version (columns, in version order)."""
    groups = group_rows(frame)
    if groups.empty:
        return pd.DataFrame(dtype="int64")
    groups["release"] = [_label(p, v) for p, v in zip(groups["product"], groups["version"], strict=True)]
    table = groups.pivot_table(index="service", columns="release", values="count", aggfunc="sum",
                               fill_value=0)
    releases = sorted(table.columns, key=lambda label: (label.split(" ")[0],
                                                        _version_key(label.split(" ")[1])))
    services = by_service(frame)["service"]
    table = table.loc[[s for s in services if s in table.index], releases].astype("int64")
    table.columns.name = None
    return table


def needs_action(frame: pd.DataFrame) -> pd.DataFrame:
    """The nodes whose urgency asks for action (`NEEDS_ACTION`), the most urgent and the soonest out
    of PIDs first."""
    ok = nodes(frame)
    act = ok[ok["urgency"].isin(NEEDS_ACTION)].assign(rank=lambda f: f["urgency"].map(NEEDS_ACTION.index))
    columns = ["node", "bundle", "product", "version", "urgency", "next_action", "top_service",
               "defunct_rows", "days_to_exhaustion"]
    return act.sort_values(["rank", "days_to_exhaustion", "node"], na_position="last",
                           ignore_index=True)[columns]


# --- pictures ----------------------------------------------------------------------------------


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = PictureFigure(figsize=(width, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _barh(labels: list[str], values: list[float], title: str, xlabel: str, colour: str) -> Figure:
    fig, ax = _figure(9.0, max(2.2, 0.32 * len(labels) + 1.2))
    if not labels:
        _empty(ax, "nothing to show")
    else:
        positions = np.arange(len(labels))
        bars = ax.barh(positions, values, color=colour, edgecolor="#000000", linewidth=0.5)
        ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=2, fontsize=8)
        ax.set_yticks(positions, [printable(label) for label in labels], fontsize=8, parse_math=False)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
    ax.set_title(printable(title), fontsize=11, parse_math=False)
    return fig


def plot_by_service(frame: pd.DataFrame, top: int = 15) -> Figure:
    """Bar chart: zombies per owning service (the `top` services with the most), each with the number
    of nodes it has zombies on."""
    table = by_service(frame).head(top)
    labels = [f"{s}  ({n} node{'s' if n != 1 else ''})" for s, n in zip(table["service"], table["nodes"],
                                                                       strict=True)]
    return _barh(labels, [int(v) for v in table["zombies"]],
                 f"Zombies by owning service (top {top}; each node's latest capture)",
                 "zombies (defunct rows)", _BAR)


def plot_by_version(frame: pd.DataFrame) -> Figure:
    """Bar chart: zombies per product version, with the share of nodes that have zombies."""
    table = by_version(frame)
    labels = [f"{_label(p, v)}  ({w}/{n} nodes)" for p, v, w, n in zip(
        table["product"], table["version"], table["nodes_with_zombies"], table["nodes"], strict=True)]
    return _barh(labels, [int(v) for v in table["zombies"]], "Zombies by product version",
                 "zombies (defunct rows)", _BAR)


def plot_leak_rates(frame: pd.DataFrame) -> Figure:
    """Histogram of the leak rates (new zombies per hour) of the nodes whose count grew."""
    rates = leak_rates(frame)["leak_rate_per_hour"].astype(float)
    fig, ax = _figure(7.0, 3.2)
    if rates.empty:
        _empty(ax, "no node's zombie count grew between its captures")
    else:
        bins = np.geomspace(max(0.1, rates.min() / 1.5), rates.max() * 1.5, 12).tolist()
        ax.hist(rates, bins=bins, color=_LEAK, edgecolor="#000000", linewidth=0.5)
        ax.set_xscale("log")
        ax.set_xlabel("new zombies per hour (log scale)")
        ax.set_ylabel("nodes")
        integer_ticks(ax)
    title = (f"Leak rates of the {len(rates)} growing nodes" if len(rates) != 1
             else "Leak rate of the growing node")
    ax.set_title(title, fontsize=11)
    return fig


def plot_headroom(frame: pd.DataFrame, top: int = 15) -> Figure:
    """Bar chart: the `top` nodes with the fewest days of PID headroom left (forecast nodes only)."""
    table = headroom(frame).dropna(subset=["days_to_exhaustion"]).head(top)
    labels = [f"{n} ({p} {v})"
              for n, p, v in zip(table["node"], table["product"], table["version"], strict=True)]
    return _barh(labels, [round(float(d), 1) for d in table["days_to_exhaustion"]],
                 "Days until the PIDs run out (at the measured leak rate)", "days", _LEAK)


def _top_of(table: pd.DataFrame, services: int, versions: int) -> pd.DataFrame:
    """The matrix cut to the services and versions with the most zombies, the rest summed as `other`."""
    if len(table.columns) > versions:
        keep = list(table.sum().sort_values(ascending=False, kind="stable").index[:versions - 1])
        rest = table.drop(columns=keep).sum(axis=1)
        table = table[[c for c in table.columns if c in keep]].assign(**{"other versions": rest})
    if len(table) > services:
        head, tail = table.iloc[:services - 1], table.iloc[services - 1:]
        table = pd.concat([head, tail.sum().to_frame("other services").T.astype("int64")])
    return table


def plot_heatmap(frame: pd.DataFrame, services: int = 12, versions: int = 10) -> Figure:
    """Heat map: zombies per service (rows, the `services` with the most) and product version (columns,
    the `versions` with the most, in version order), counts written in; the rest summed as `other`."""
    table = _top_of(service_version_matrix(frame), services, versions)
    fig, ax = _figure(max(6.0, 0.75 * len(table.columns) + 4.0), max(2.5, 0.34 * len(table) + 2.0))
    if table.empty:
        _empty(ax, "no zombie in the fleet")
        return fig
    values = table.to_numpy()
    ax.imshow(np.log1p(values), cmap="Oranges", aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        if value:
            dark = np.log1p(value) > 0.6 * np.log1p(values.max())
            ax.text(j, i, str(value), ha="center", va="center", fontsize=7,
                    color="white" if dark else "black")
    ax.set_xticks(range(len(table.columns)), [printable(c) for c in table.columns], rotation=40, ha="right",
                  fontsize=8, parse_math=False)
    ax.set_yticks(range(len(table)), [printable(s) for s in table.index], fontsize=8, parse_math=False)
    ax.set_title("Zombies by service and version", fontsize=11)
    return fig


def plot_needs_action(frame: pd.DataFrame, top: int = 12) -> Figure:
    """Bar chart: the nodes that need action (`NEEDS_ACTION`), by next action, split by urgency."""
    act = needs_action(frame)
    fig, ax = _figure(9.0, max(2.2, 0.4 * min(top, act["next_action"].nunique()) + 1.4))
    if act.empty:
        _empty(ax, "no node needs action")
        ax.set_title("Nodes that need action", fontsize=11)
        return fig
    counts = act.groupby(["next_action", "urgency"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=[u for u in NEEDS_ACTION if u in counts.columns])
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top]]
    positions = np.arange(len(counts))
    left = np.zeros(len(counts))
    colours = {"urgent": PALETTE["zombie"][0], "recommended": PALETTE["parent"][0]}
    for level in counts.columns:
        values = counts[level].to_numpy()
        bars = ax.barh(positions, values, left=left, color=colours.get(level, _BAR), edgecolor="#000000",
                       linewidth=0.5, label=urgency(level).words)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=8)
        left += values
    ax.set_yticks(positions, [printable(action(name).label) for name in counts.index], fontsize=8,
                  parse_math=False)
    ax.invert_yaxis()
    ax.set_xlabel("nodes (each node's latest capture)")
    integer_ticks(ax)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"Nodes that need action: {len(act)}", fontsize=11)
    return fig
