"""The process-tree picture of one zombie group, and the zombie-count trend.

Matplotlib only (no graphviz), through the object API (`matplotlib.figure.Figure`), never pyplot's
global state: it works headless, in notebooks and in reports. For the listing

    UID       PID  PPID C STIME TTY  TIME     CMD
    root        1     0 0 Oct19 ?    00:01:02 /sbin/init
    ccmserv+ 29815    1 0 Oct19 ?    03:10:11 /usr/local/cm/bin/amc
    ccmserv+ 22908 29815 0 09:10 ?   00:00:00 [sh] <defunct>

and the analysis group `Group(ppid=29815, zombie_pids=(22908,), service="Cisco AMC Service", ...)`

    >>> fig = draw_zombie_tree(listing, group, node_name="cucm-pub")
    >>> png = figure_to_png_bytes(fig)

draws `1 init` on top, `29815 amc` (Cisco AMC Service) under it, and the zombie `22908 sh` below.

Layout (deterministic, no random seed, no spring layout): the ancestors of the zombies' parent form
a vertical chain from the root (PID 1) down; the parent's row shows the parent and up to
`max_siblings` of its siblings (the nearest by PID), the others summarised as "+N more"; the zombie
row shows the zombies in PID order, or ONE collapsed node when there are more than `max_zombies`;
the parent's live children are one "+N live children" node. Boxes are sized from their text (a
monospace font, so widths are exact), the figure from the boxes: nothing overlaps, whatever the
listing's size. The boxes and their layout are `tree_boxes`'; this module draws them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import ucnb.faces.cachedir  # noqa: F401  (before matplotlib: its font cache goes to the kit's folder)

# isort: split
import networkx as nx
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure  # the object API: no pyplot state, no GUI backend
from matplotlib.ticker import MaxNLocator

from ucnb.faces.tree_boxes import (
    FONT,
    FONT_PT,
    MARGIN,
    Box,
    as_int,
    layout_rows,
    linestyle,
    zombie_tree_nodes,
)
from ucnb.model.findings import Group
from ucnb.model.results import Listing, PerfmonTimeline
from ucnb.text import printable

if TYPE_CHECKING:  # a notebook may give a DataFrame; the report gives the listing (no pandas)
    import pandas as pd

__all__ = [
    "PALETTE",
    "PictureFigure",
    "draw_zombie_tree",
    "draw_zombie_trend",
    "draw_perfmon_timeline",
    "figure_to_png_bytes",
    "figure_to_image",
    "zombie_tree_nodes",
]

# Okabe-Ito colour-blind-safe palette: (fill, text colour) per kind of box.
PALETTE: dict[str, tuple[str, str]] = {
    "zombie": ("#D55E00", "#FFFFFF"),  # vermillion
    "parent": ("#0072B2", "#FFFFFF"),  # blue
    "service": ("#56B4E9", "#000000"),  # sky blue: the service ancestor that owns the parent
    "process": ("#EEEEEE", "#000000"),  # any other process
    "missing": ("#FFFFFF", "#000000"),  # dashed placeholder
    "summary": ("#FFFFFF", "#444444"),  # "+N more", dotted
}
LEGEND_TEXT = {
    "zombie": "zombie (<defunct>)",
    "parent": "parent of the zombies",
    "service": "service owning the parent",
    "process": "other process",
    "missing": "not in the listing",
    "summary": "processes not drawn",
}

def draw_zombie_tree(
    listing: Listing | pd.DataFrame | nx.DiGraph | None,
    group: Group,
    *,
    service_by_pid: Mapping[int, str] | None = None,
    max_siblings: int = 6,
    max_zombies: int = 12,
    node_name: str | None = None,
) -> Figure:
    """The part of the process tree that matters for one zombie group, as a matplotlib Figure.

    `listing`: the node's `Listing`, its LISTING_COLUMNS DataFrame, or a graph from
    `ucnb.model.graph.build_graph` (reuse it for several groups). `group`: a `ucnb.model.findings.Group`
    (`ppid`, `zombie_pids`, `service`...). `service_by_pid` names services under
    PIDs; by default the group's service goes under the process of the parent's chain that the
    catalogue matches to it (else under the parent). `node_name` goes into the title.

    >>> fig = draw_zombie_tree(listing, Group(29815, zombie_pids=(22908,), service="Cisco AMC Service"),
    ...                        node_name="cucm-pub")
    """
    rows = zombie_tree_nodes(
        listing, group, service_by_pid=service_by_pid, max_siblings=max_siblings, max_zombies=max_zombies
    )
    width, height = layout_rows(rows)
    title = _tree_title(group, node_name)
    kinds = [k for k in PALETTE if any(box.kind == k for row in rows for box in row)]
    title_in = 0.45
    legend_in = 0.40
    width = max(width, len(title) * 11 / 72 * 0.62 + 2 * MARGIN, 1.7 * len(kinds) + 0.5, 4.0)
    fig_height = height + title_in + legend_in
    fig = PictureFigure(figsize=(width, fig_height), dpi=100, layout=None)
    ax = fig.add_axes((0, legend_in / fig_height, 1, height / fig_height))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    # Centre the drawing when the title or legend made the figure wider.
    drawing_right = max(box.x + box.width / 2 for row in rows for box in row) + MARGIN
    shift = (width - drawing_right) / 2
    boxes = {box.key: box for row in rows for box in row}
    for box in boxes.values():
        box.x += shift
    _draw_boxes(ax, boxes)
    fig.suptitle(printable(title), fontsize=11, y=1 - 0.12 / fig_height, va="top", parse_math=False)
    _tree_legend(fig, kinds)
    return fig


def _tree_title(group: Group, node_name: str | None) -> str:
    """ "cucm-pub: 2 zombies under PID 29815 (Cisco AMC Service)".

    >>> _tree_title(Group(29815, zombie_pids=(1, 2), service="Cisco AMC Service"), "cucm-pub")
    'cucm-pub: 2 zombies under PID 29815 (Cisco AMC Service)'
    """
    zombie_count = len(set(group.zombie_pids))
    ppid = group.ppid
    noun = "zombie" if zombie_count == 1 else "zombies"
    title = f"{node_name}: " if node_name else ""
    title += f"{zombie_count} {noun}"
    title += f" under PID {ppid}" if ppid is not None else " (parent unknown)"
    if group.service:
        title += f" ({group.service})"
    elif group.impact == "cosmetic":
        title += " (cosmetic)"
    return title


def _draw_boxes(ax: Axes, boxes: dict[str, Box]) -> None:
    """The lines from each box to its children, then the boxes and their text, in PALETTE's colours."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch

    for box in boxes.values():
        for key in box.children:
            child = boxes[key]
            ax.add_line(
                Line2D(
                    [box.x, child.x],
                    [box.y - box.height / 2, child.y + child.height / 2],
                    color="#555555",
                    linewidth=0.9,
                    linestyle=":" if child.kind == "summary" else "-",
                    zorder=1,
                )
            )
    for box in boxes.values():
        fill, ink = PALETTE[box.kind]
        ax.add_patch(
            FancyBboxPatch(
                (box.x - box.width / 2, box.y - box.height / 2),
                box.width,
                box.height,
                boxstyle="round,pad=0,rounding_size=0.05",
                facecolor=fill,
                edgecolor="#000000" if box.kind != "summary" else "#777777",
                linewidth=1.6 if box.kind in ("parent", "zombie") else 1.0,
                linestyle=linestyle(box.kind),
                zorder=2,
            )
        )
        ax.text(
            box.x,
            box.y,
            "\n".join(box.lines),
            ha="center",
            va="center",
            family=FONT,
            fontsize=FONT_PT,
            color=ink,
            fontweight="bold" if box.kind in ("parent", "zombie") else "normal",
            linespacing=1.1,
            zorder=3,
            parse_math=False,  # process names are text: `$x^$` is not mathtext (and must not raise)
        )


def _tree_legend(fig: Figure, kinds: list[str]) -> None:
    """One legend entry per kind of box drawn, under the picture."""
    from matplotlib.patches import Patch

    handles = [
        Patch(
            facecolor=PALETTE[k][0],
            edgecolor="#000000" if k != "summary" else "#777777",
            linestyle=linestyle(k),
            label=LEGEND_TEXT[k],
        )
        for k in kinds
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncols=len(handles),
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
        handlelength=1.4,
        columnspacing=1.2,
    )


def integer_ticks(ax: Axes) -> None:
    """Whole-number ticks on the y axis (counts)."""
    locator = ax.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)


def draw_zombie_trend(
    snapshot_counts: Sequence[tuple[str, int | None]], *, title: str = "Zombie count per snapshot"
) -> Figure:
    """A bar chart of the zombie count per snapshot (oldest first), each bar labelled with its count.

    >>> fig = draw_zombie_trend([("09:14:02", 3), ("09:19:02", 3), ("10:02:40", 0)])

    A count of None (no `show process load` in that snapshot) is drawn as a gap labelled "n/a". More
    than `MAX_BARS` snapshots are one line, its gaps the unknown counts, with `MAX_TICKS` labels (20,000
    bars took minutes to draw).
    """
    labels = [str(label) for label, _ in snapshot_counts]
    counts = [as_int(count) for _, count in snapshot_counts]
    width = min(14.0, max(4.0, 0.7 * len(labels) + 1.5))
    fig = PictureFigure(figsize=(width, 3.0), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    heights = [c if c is not None else 0 for c in counts]
    if len(labels) > MAX_BARS:
        return _trend_line(fig, ax, labels, counts, title)
    bars = ax.bar(positions, heights, color=PALETTE["zombie"][0], edgecolor="#000000", linewidth=0.6)
    ax.bar_label(bars, labels=["n/a" if c is None else str(c) for c in counts], padding=2, fontsize=8)
    crowded = len(labels) > 6
    shown = [printable(str(label)) for label in labels]
    ax.set_xticks(positions, shown, rotation=30 if crowded else 0, ha="right" if crowded else "center",
                  parse_math=False)
    ax.set_ylabel("zombies")
    top = max(heights, default=0)
    ax.set_ylim(0, max(1, top) * 1.18)
    integer_ticks(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(printable(title), fontsize=11, parse_math=False)
    return fig


MAX_BARS = 48  # snapshots drawn as bars; more are one line
MAX_TICKS = 8


def _trend_line(fig: Figure, ax: Axes, labels: list[str], counts: list[int | None], title: str) -> Figure:
    """`draw_zombie_trend` of many snapshots: one line (a gap where the count is unknown)."""
    ys = [float("nan") if c is None else c for c in counts]
    ax.plot(range(len(ys)), ys, color=PALETTE["zombie"][0], linewidth=1.2, drawstyle="steps-mid")
    step = -(-len(labels) // MAX_TICKS)
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks, [printable(labels[i]) for i in ticks], rotation=30, ha="right", parse_math=False)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_ylabel("zombies")
    known = [c for c in counts if c is not None]
    ax.set_ylim(0, max(1, max(known, default=0)) * 1.18)
    integer_ticks(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(printable(f"{title} ({len(labels):,} snapshots)"), fontsize=11, parse_math=False)
    return fig


MAX_POINTS = 1500  # points drawn per line: a week of 15-second polls is reduced to each span's highest


def _reduce(times: Sequence[datetime], values: Sequence[int | None]) -> tuple[list[datetime], list[float]]:
    """At most MAX_POINTS points: each span's highest value at its first time (a peak is never lost);
    None (not logged) is a gap."""
    step = max(1, -(-len(times) // MAX_POINTS))
    out_times, out_values = [], []
    for start in range(0, len(times), step):
        known = [v for v in values[start : start + step] if v is not None]
        out_times.append(times[start])
        out_values.append(float(max(known)) if known else float("nan"))
    return out_times, out_values


def draw_perfmon_timeline(
    line: PerfmonTimeline,
    *,
    threshold: int = 2000,
    marks: Sequence[tuple[datetime, str]] = (),
    names: int = 5,
    title: str = "Zombies and processes + threads over the PerfMon logs",
) -> Figure:
    """Two panels over the logs' days: zombies per process name (the `names` largest at the last
    poll) and in total; processes + threads with the RIS threshold (RTMT's
    TotalProcessesAndThreadsExceededThreshold) as a dashed line. `marks`: moments drawn as vertical
    lines on both (the capture, the remediation), labelled; a moment far outside the logs' days is not
    drawn (it would squeeze them).

    >>> from datetime import datetime, timedelta
    >>> t0 = datetime(2026, 11, 24, 9)
    >>> line = PerfmonTimeline(times=[t0 + timedelta(hours=h) for h in range(4)], zombies=[0, 1, 2, 3],
    ...                        processes=[300] * 4, threads=[1600, 1601, 1602, 1603],
    ...                        by_name={"sh": [0, 1, 2, 3]})
    >>> fig = draw_perfmon_timeline(line, marks=[(t0 + timedelta(hours=3), "capture")])
    """
    fig = PictureFigure(figsize=(9.0, 5.0), dpi=100, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    times = line.times
    ranked = sorted(line.by_name, key=lambda name: (-max(line.by_name[name][-1:], default=0), name))
    colours = ("#D55E00", "#E69F00", "#CC79A7", "#009E73", "#F0E442")
    for index, name in enumerate(ranked[:names]):
        x, y = _reduce(times, line.by_name[name])
        top.step(x, y, where="post", color=colours[index % len(colours)], linewidth=1.4,
                 label=printable(f"{name} (zombies)"))
    if len(ranked) != 1:
        x, y = _reduce(times, line.zombies)
        top.step(x, y, where="post", color="#000000", linewidth=1.0, linestyle="--", label="all zombies")
    top.set_ylabel("zombies")
    top.set_ylim(bottom=0)
    integer_ticks(top)
    sums = [None if p is None or t is None else p + t
            for p, t in zip(line.processes, line.threads, strict=False)]
    x, y = _reduce(times, sums)
    bottom.plot(x, y, color="#0072B2", linewidth=1.2, label="processes + threads")
    bottom.axhline(threshold, color="#D55E00", linestyle="--", linewidth=1.0,
                   label=f"RTMT alert threshold ({threshold:,})")
    bottom.set_ylabel("processes + threads")
    bottom.set_ylim(0, max([threshold, *(v for v in y if v == v)]) * 1.1)
    if times:
        margin = max((times[-1] - times[0]) / 4, timedelta(hours=1))
        marks = [(m, label) for m, label in marks if times[0] - margin <= m <= times[-1] + margin]  # in view
    for moment, label in marks:
        for ax in (top, bottom):
            ax.axvline(moment, color="#444444", linestyle=":", linewidth=1.0)
        top.annotate(printable(label), (moment, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                     ha="right", va="top", fontsize=8, color="#444444", annotation_clip=False)
    for ax, where in ((top, "upper left"), (bottom, "lower left")):
        ax.spines[["top", "right"]].set_visible(False)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc=where, fontsize=8, frameon=False)
    locator = AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    top.set_title(printable(title), fontsize=11, parse_math=False)
    return fig


class PictureFigure(Figure):
    """A Figure that shows itself as a PNG when it ends a notebook cell (a Figure made without
    pyplot otherwise shows only its text repr under nbclient/papermill)."""

    def _repr_png_(self) -> bytes:
        return figure_to_png_bytes(self)


def figure_to_png_bytes(fig: Figure, *, dpi: int | None = None) -> bytes:
    """The figure as PNG bytes, with no metadata (same figure -> same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def figure_to_image(fig: Figure) -> Any:
    """An `IPython.display.Image` of the figure, for `display(...)` or `Output.append_display_data`.

    A Figure made without pyplot has no inline display of its own in every front end; this one
    always shows as a PNG.
    """
    from IPython.display import Image

    return Image(data=figure_to_png_bytes(fig), format="png")
