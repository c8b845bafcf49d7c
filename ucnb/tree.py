"""Text faces: a pstree-like tree of a zombie group, and the human triage of `ucnb analyze/verify`.

    >>> print(render_tree(listing, 29815, product="CUCM"))
    1 /sbin/init
    └─ 4012 /usr/local/cm/bin/servM  [Service Manager]
       └─ 29815 /usr/local/cm/bin/amc  [Cisco AMC Service]  <== parent of 1 zombie
          └─ 22908 [sh] <defunct>  Z

Thousands of zombies under one parent collapse into one line with their count and PID range.
Everything is deterministic (sorted by PID, no colour, no clock).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from ucnb.catalogue import CATALOGUE, Catalogue, ancestry
from ucnb.graph import build_graph, children
from ucnb.model import Listing

__all__ = ["render_tree", "format_analysis", "format_verify"]

COLLAPSE = 20  # more zombies than this under one parent: one summary line
SHOWN_CHILDREN = 5  # non-zombie children shown under the parent
_NO_PPID = {"pid": None, "label": "? (parent unknown: the listing has no PPID)"}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _short(text: str | None, width: int = 70) -> str:
    text = text or "?"
    return text if len(text) <= width else text[: width - 3] + "..."


def _draw(
    chain: list[dict[str, Any]],
    zombies: list[tuple[int, str | None]],
    others: list[tuple[int, str | None]],
    others_count: int,
    collapse: int = COLLAPSE,
) -> str:
    """Core renderer. `chain`: root first, parent last, dicts with pid, command, service, missing."""
    lines: list[str] = []
    indent = ""
    for depth, item in enumerate(chain):
        if item.get("label"):
            label = item["label"]
        elif item.get("missing"):
            label = f"{item['pid']} ? (not in the listing)"
        else:
            label = f"{item['pid']} {_short(item.get('command'))}"
        if item.get("service"):
            label += f"  [{item['service']}]"
        if depth == len(chain) - 1:
            label += f"  <== parent of {_plural(len(zombies), 'zombie')}"
        lines.append(label if depth == 0 else f"{indent}└─ {label}")
        if depth > 0:
            indent += "   "
    entries: list[str] = []
    if len(zombies) > collapse:
        pids = [pid for pid, _ in zombies]
        entries.append(f"{_plural(len(zombies), 'zombie')} <defunct>, PIDs {min(pids)}-{max(pids)}  Z")
    else:
        entries.extend(f"{pid} {_short(command or '<defunct>')}  Z" for pid, command in zombies)
    entries.extend(f"{pid} {_short(command)}" for pid, command in others)
    if others_count > len(others):
        entries.append(f"... {_plural(others_count - len(others), 'more process')}")
    child_indent = indent if len(chain) > 1 else ""
    for i, entry in enumerate(entries):
        branch = "└─" if i == len(entries) - 1 else "├─"
        lines.append(f"{child_indent}{branch} {entry}")
    return "\n".join(lines)


def render_tree(
    source: Listing | pd.DataFrame | nx.DiGraph,
    ppid: int | None,
    *,
    product: str = "unknown",
    catalogue: Catalogue | None = None,
    collapse: int = COLLAPSE,
    shown_children: int = SHOWN_CHILDREN,
) -> str:
    """The ancestry of the zombies' parent `ppid` (root first, service names in brackets), the
    zombies under it (marked `Z`, collapsed beyond `collapse`) and its other children.

    `ppid` None (a listing without PPID) gives the zombies under an unknown parent.
    """
    catalogue = catalogue or CATALOGUE
    if isinstance(source, nx.DiGraph):
        g = source
    else:
        g = build_graph(source, around=None if ppid is None else [ppid])
    nodes = g.nodes
    if ppid is None:
        zombies = sorted((n, a.get("command")) for n, a in nodes(data=True) if a.get("zombie"))
        return _draw([_NO_PPID], zombies, [], 0, collapse)
    chain = ancestry(g, ppid, product, catalogue)
    kids = children(g, ppid)
    zombies = [(c, nodes[c].get("command")) for c in kids if nodes[c].get("zombie")]
    others = [(c, nodes[c].get("command")) for c in kids if not nodes[c].get("zombie")]
    return _draw(chain, zombies, others[:shown_children], len(others), collapse)


def tree_of_group(group: dict[str, Any], zombie_commands: dict[int, str | None]) -> str:
    """The tree of one `ucnb.analysis/1` group (uses its `ancestry` and `other_children`)."""
    if group["ppid"] is None:
        chain = [_NO_PPID]
    else:
        chain = group.get("ancestry") or [{"pid": group["ppid"], "missing": True}]
    zombies = [(pid, zombie_commands.get(pid)) for pid in group["zombie_pids"]]
    others = [(c["pid"], c["command"]) for c in group.get("other_children", [])]
    return _draw(chain, zombies, others, group.get("other_children_count", len(others)))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def format_analysis(analysis: dict[str, Any], *, max_groups: int = 10) -> str:
    """The human triage of `analyze`: per node the count, a table of groups, each group's tree,
    the next step with its exact command, the PID forecast and the warnings."""
    out: list[str] = []
    for node in analysis["nodes"]:
        out.append(f"== {node['node']} ({node['product']}) ==")
        count = node["zombie_count"]
        trend = node["zombie_trend"]
        line = f"zombie count: {'not captured' if count is None else f'{count:,}'}"
        if len(trend) > 1:
            line += "  (trend " + " -> ".join("?" if t is None else str(t) for t in trend) + ")"
        line += f"; defunct rows in the listing: {len(node['zombies']):,}"
        if node["sources"]["listing"] is None:
            line += " (no listing)"
        out.append(line)
        groups = node["groups"]
        if groups:
            rows = [["PPID", "zombies", "parent", "service", "action", "impact"]]
            for group in groups:
                rows.append([
                    "?" if group["ppid"] is None else str(group["ppid"]),
                    f"{group['count']:,}",
                    _short(group["parent_command"] or "(not in the listing)", 40),
                    group["service"] or "-",
                    group["action"],
                    group["impact"],
                ])
            out.append("")
            out.extend(_table(rows))
            commands = {z["pid"]: z["command"] for z in node["zombies"]}
            for group in groups[:max_groups]:
                out.append("")
                out.append(f"  PID {group['ppid'] if group['ppid'] is not None else '?'}: {group['reason']}")
                out.append(_indent(tree_of_group(group, commands)))
            if len(groups) > max_groups:
                out.append(f"  ... {_plural(len(groups) - max_groups, 'more group')} (see --json)")
        step = node["next_step"]
        out.append("")
        out.append(f"next step: {step['action']}")
        if step.get("command"):
            out.append(f"    admin:{step['command']}" if "; " not in step["command"]
                       else "\n".join(f"    admin:{c}" for c in step["command"].split("; ")))
        out.append(f"  why: {step['reason']}")
        if groups:
            first = next((g for g in groups if g["ppid"] == step.get("ppid")), groups[0])
            alts = [
                f"{a['action']}" + (f" (`{a['command']}`)" if a.get("command") else "")
                + (" [TAC only]" if a.get("tac_only") else "")
                for a in first["alternatives"]
            ]
            if alts:
                out.append("  alternatives: " + "; ".join(alts))
        headroom = node.get("pid_headroom") or {}
        if headroom.get("forecast"):
            out.append(f"  PID space: {headroom['forecast']}")
        if node["warnings"]:
            out.append("")
            out.append("warnings:")
            out.extend(f"  ! {w}" for w in node["warnings"])
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def format_verify(result: dict[str, Any]) -> str:
    """The human output of `verify`: per node counts before/after, PIDs and the verdict."""
    out: list[str] = []
    for node in result["nodes"]:
        before = "?" if node["before_count"] is None else node["before_count"]
        after = "?" if node["after_count"] is None else node["after_count"]
        out.append(f"== {node['node']}: {node['verdict'].upper()} ==")
        out.append(f"  zombie count: {before} -> {after}")
        for key, label in (("cleared_pids", "cleared"), ("remaining_pids", "remaining"), ("new_pids", "new")):
            pids = node[key]
            if pids:
                shown = ", ".join(str(p) for p in pids[:10])
                shown += f" ... ({len(pids)} in all)" if len(pids) > 10 else ""
                out.append(f"  {label}: {shown}")
        for parent in node.get("parents", []):
            if parent.get("restarted"):
                out.append(
                    f"  {parent.get('service') or parent['command']}: restarted, PID {parent['ppid']} -> "
                    f"{parent['after_pid']}"
                )
            elif parent.get("after_pid") is not None:
                out.append(f"  {parent.get('service') or parent['command']}: still PID {parent['ppid']}")
        if node.get("restarted_services"):
            out.append("  restarted in the after capture: " + ", ".join(node["restarted_services"]))
        if node.get("reason"):
            out.append(f"  {node['reason']}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
