"""The questions of an exercise, built from its answer key and its capture.

`Evidence` finds where the answers are in the capture ("line 127 of `ps_detail.txt`"); each question
gives every wrong answer a hint that points at the line to read, never at the answer. The wrong
services offered are those a trainee could mistake for the owner: the services of the parent's role
in the catalogue (`[roles]` of `ucnb/data/services.toml`), not those whose PIDs happen to be near.

>>> accepted_actions("reboot", "cosmetic"), accepted_actions("restart_service", "low")
(('reboot', 'leave'), ('restart_service',))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.knowledge.owner import match_process, match_special
from ucnb.model.actions import action, decision_names
from ucnb.training.answer import AnswerKey, GroupKey
from ucnb.training.quiz import QuizQuestion

NO_SERVICE = "No service: the parent is not a service process"
TREND = {
    "grows": "It grows: more zombies in each snapshot",
    "stable": "It stays the same",
    "falls": "It falls: the zombies are being reaped",
}


def accepted_actions(action_name: str, impact: str) -> tuple[str, ...]:
    """The actions marked right: the key's, and leaving them when the catalogue's rule for the
    group calls it cosmetic (the IM&P SFTP peer case): one rule for lessons and practice."""
    return (action_name, "leave") if impact == "cosmetic" and action_name != "leave" else (action_name,)


def _where(source: str | None) -> str:
    """'ps_detail.txt:127' -> 'line 127 of `ps_detail.txt`'; 'f:39-325' -> 'lines 39-325 of `f`'."""
    if not source:
        return "the capture"
    name, _, line = source.rpartition(":")
    return f"line{'s' if '-' in line else ''} {line} of `{name}`"


def _next_line(source: str) -> str:
    """The line after the one of `source` ('f:3' -> 'line 4 of `f`'): top's `Tasks:` line."""
    name, _, line = source.rpartition(":")
    return _where(f"{name}:{int(line) + 1}") if line.isdigit() else _where(source)


@dataclass
class Evidence:
    """Where the answers are in the capture, as `line N of FILE` texts for the hints."""

    lines: dict[str, str] = field(default_factory=dict)
    live: dict[int, str] = field(default_factory=dict)  # pid -> where its row is
    parent_command: str = ""
    parent_comm: str = ""
    grandparent: int | None = None
    running: dict[str, str] = field(default_factory=dict)  # service -> where its process is
    product: str = "unknown"

    @classmethod
    def of(cls, node: Any, key: AnswerKey | GroupKey) -> Evidence:
        import pandas as pd

        evidence = cls(product=node.product)
        listing = node.listing
        frame = listing.processes if listing is not None else None
        lines = evidence.lines
        if frame is not None and len(frame):
            zombies = frame[frame["pid"].isin(key.zombie_pids)]
            lines["zombie_line"] = _where(zombies["source"].iloc[0]) if len(zombies) else "the listing"
            lines["zombie_lines"] = ", ".join(_where(s) for s in zombies["source"]) or "the listing"
            parent = frame[frame["pid"] == key.ppid]
            if len(parent):
                lines["parent_line"] = _where(parent["source"].iloc[0])
                evidence.parent_command = str(parent["command"].iloc[0])
                evidence.parent_comm = str(parent["comm"].iloc[0])
                ppid = parent["ppid"].iloc[0]
                evidence.grandparent = None if pd.isna(ppid) else int(ppid)
            for row in frame[~frame["zombie"]].itertuples(index=False):
                evidence.live[int(row.pid)] = _where(row.source)
                found = match_process(row.comm, row.command, node.product, CATALOGUE)
                if found is not None and found.name not in evidence.running:
                    evidence.running[found.name] = f"`{row.comm}` (PID {row.pid}, {_where(row.source)})"
        lines.setdefault("parent_line", "the listing")
        lines.setdefault("zombie_line", "the listing")
        lines.setdefault("zombie_lines", "the listing")
        if node.loads:
            lines["count_line"] = _next_line(node.latest_load.summary.source)
            lines["first_count_line"] = _next_line(node.loads[0].summary.source)
            lines["first_load"] = _where(node.loads[0].source)
            full = max(node.loads, key=lambda s: len(s.processes))
            lines["full_load"] = _where(full.source)
        for member in node.identity.cluster:
            if member.get("hostname") and member["hostname"] in evidence.parent_command:
                lines["cluster_line"] = _where(member.get("source"))
        lines.setdefault("cluster_line", "`show network cluster`")
        lines.setdefault("count_line", "`show process load`")
        return evidence

    def fill(self, text: str) -> str:
        """The text with its {placeholders} filled and its line breaks joined."""
        return " ".join(text.format_map(_Blank(self.lines)).split())

    def role_name(self, key: AnswerKey | GroupKey) -> str | None:
        """The catalogue name whose role the parent has: its service, or the special rule of its
        program (the IM&P SFTP peer rule for an `sftp` parent)."""
        if key.service:
            return key.service
        rule = match_special(self.parent_comm or None, self.parent_command or None, self.product, CATALOGUE)
        return rule.id if rule is not None else None


class _Blank(dict):
    def __missing__(self, name: str) -> str:
        return "the capture"


def _as_pid(value: Any) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# ------------------------------------------------------------------ the procedure's questions
def zombie_question(
    key: AnswerKey, ev: Evidence, default: Any = None, *, groups: tuple[GroupKey, ...] = ()
) -> QuizQuestion:
    """Type a defunct PID (any of them, of any group)."""
    at = ev.lines["zombie_line"]
    groups = groups or key.groups
    pids = sorted(p for g in groups for p in g.zombie_pids)
    parents = {g.ppid for g in groups}

    def hints(value: Any) -> str:
        pid = _as_pid(value)
        if pid is None:
            return "Type a number: the PID column of a row that ends in `<defunct>`."
        if pid in parents:
            the = "the" if len(parents) == 1 else "a"
            return f"That is {the} parent: the PPID column of {at}. Read the PID column of that row."
        if pid in ev.live:
            return (
                f"PID {pid} is a live process ({ev.live[pid]}): its row does not end in `<defunct>`. "
                f"Read {at}."
            )
        return f"No process has PID {pid} in the listing. Search it for `defunct`: {at}."

    several = len(pids) > 1
    return QuizQuestion(
        "Search the process listing for `defunct`. Type the PID of a defunct process.",
        None,
        [str(p) for p in pids],
        hint="A defunct row ends in `<defunct>` (state Z): type the number in its PID column.",
        hints=hints,
        explanation=(
            f"{_plural(len(pids), 'PID', 'PIDs')} {', '.join(map(str, pids))} {'are' if several else 'is'} "
            f"defunct ({ev.lines['zombie_lines'] if len(groups) == 1 else 'search `defunct`'}): the row "
            "ends in `<defunct>`, state Z."
        ),
        default=default,
    )


def parent_question(
    key: AnswerKey | GroupKey, ev: Evidence, default: Any = None, *, others: tuple[GroupKey, ...] = ()
) -> QuizQuestion:
    """Type the PPID of the defunct rows (with other groups: of the row of a named defunct PID)."""
    at = ev.lines["zombie_line"]
    other_parents = {g.ppid for g in others}

    def hints(value: Any) -> str:
        pid = _as_pid(value)
        if pid is None:
            return f"Type a number: the PPID column of {at}."
        if pid in key.zombie_pids:
            return f"That is the defunct process itself (its PID). Its parent is in the PPID column of {at}."
        if pid in other_parents:
            return f"That is the parent of other defunct rows. This question is about the row of {at}."
        if pid == ev.grandparent:
            return (
                f"PID {pid} is the parent's own parent: the PPID of {ev.lines['parent_line']}. "
                f"Read the PPID of the defunct row, {at}."
            )
        if pid == 1:
            return f"PID 1 (init) reaps the orphans it adopts at once: read the PPID column of {at}."
        return f"Look at the PPID column of {at}."

    if others:
        prompt = f"What is the parent PID (PPID) of the defunct PID {key.zombie_pids[0]}? Type it."
    else:
        prompt = (
            "What is the parent PID (PPID) of the defunct "
            f"{_plural(len(key.zombie_pids), 'process', 'processes')}? Type it."
        )
    return QuizQuestion(
        prompt,
        None,
        str(key.ppid),
        hint="On the defunct row, the PPID column names the process that should reap it.",
        hints=hints,
        explanation=(
            f"The PPID of the defunct row ({at}) is {key.ppid}; the parent's own row is "
            f"{ev.lines['parent_line']}: `{ev.parent_command}`."
        ),
        default=default,
    )


def _distractors(key: AnswerKey | GroupKey, ev: Evidence, count: int) -> list[str]:
    """Wrong services a trainee could pick: the running services of the parent's role first, then
    the rest of that role, then (only to fill up) running services of the node by name."""
    name = ev.role_name(key)
    alike = [s.name for s in CATALOGUE.alike(name, ev.product)] if name else []
    ordered = [n for n in alike if n in ev.running] + [n for n in alike if n not in ev.running]
    ordered += sorted(n for n in ev.running if n not in ordered)
    return [n for n in ordered if n != key.service][:count]


def service_question(
    key: AnswerKey | GroupKey, ev: Evidence, default: Any = None, distractors: int = 3,
    prompt: str = "Which service owns the parent process?",
) -> QuizQuestion:
    """Pick the service that owns the parent (or none)."""
    at = ev.lines["parent_line"]
    right = key.service or NO_SERVICE
    wrong = _distractors(key, ev, distractors)
    options = sorted({*wrong, *([key.service] if key.service else [])}) + [NO_SERVICE]
    hints = {}
    for name in options:
        where = ev.running.get(name)
        runs = f"{name} runs as {where}" if where else f"{name} has no process in this listing"
        if name == NO_SERVICE:
            hints[name] = (
                f"The parent's row ({at}) runs the program of a service: look it up in "
                "`utils service list` and the service catalogue."
            )
        elif key.service:
            hints[name] = f"{runs}. The zombies' parent is the row of {at}: which service runs that program?"
        else:
            hints[name] = f"{runs}, not at {at}. Who started the parent ({at})?"
    if key.service:
        explanation = f"{key.service} owns it: the parent's row ({at}) runs `{ev.parent_command}`."
    else:
        explanation = (
            f"No service owns it: the parent ({at}) is `{ev.parent_command}`, started by PID "
            f"{ev.grandparent}, not by Service Manager."
        )
    return QuizQuestion(
        prompt,
        options,
        right,
        hint="Find the row whose PID is the PPID, then look its program up in the service catalogue.",
        hints=hints,
        explanation=explanation,
        default=default,
    )


def action_question(
    key: AnswerKey, ev: Evidence, *, prompt: str, accepted: tuple[str, ...], explanation: str = "",
    default: Any = None, listing: bool = True,
) -> QuizQuestion:
    """Pick what to do first; each wrong action has its own hint."""
    if not listing:
        return _recollect_question(ev, prompt=prompt, default=default)
    zombie_at, parent_at = ev.lines["zombie_line"], ev.lines["parent_line"]
    hints = {
        "kill_parent": "`kill -9` needs root access (TAC only), and the process would die behind "
        "Service Manager's back: the procedure works from the admin CLI.",
        "recollect": f"The capture has what you need: the defunct row ({zombie_at}) with its PPID, and "
        f"the parent's row ({parent_at}).",
        "leave": "Leaving them is defensible while the count is stable (each holds only a PID slot), but "
        "the customer asked to clear them: what is the least disruptive step that does?",
    }
    if key.growing:
        hints["leave"] = (
            f"The count grows (the `Tasks:` line of {ev.lines['first_count_line']}, then of "
            f"{ev.lines['count_line']}): left alone, the leak keeps taking PID slots. What ends its parent?"
        )
    if key.action == "restart_service":
        hints["reboot"] = (
            f"A reboot clears them, but takes the whole node down. Only the parent ({parent_at}) has to "
            "end: what ends just that process from the admin CLI?"
        )
        if key.other_groups:
            services = " and ".join(f"`utils service restart {g.service}`" for g in key.groups)
            explanation = explanation or (
                f"Restart each owning service: {services}. Each restart ends one parent; its zombies "
                "are re-parented to init, which reaps them."
            )
        explanation = explanation or (
            f"Restart the owning service: `utils service restart {key.service}`. That ends the parent; its "
            "zombies are re-parented to init, which reaps them."
        )
    else:
        hints["restart_service"] = (
            f"The parent ({parent_at}) is not a service's process: no service restart ends it."
        )
        explanation = explanation or "Reboot the node (`utils system restart`) in a maintenance window."
    return QuizQuestion(
        prompt,
        [(action(name).label, name) for name in decision_names("uc")],
        list(accepted),
        hint="A zombie goes away when its parent ends: prefer the least disruptive step that ends it.",
        hints=hints,
        explanation=explanation,
        default=default,
    )


def _recollect_question(ev: Evidence, *, prompt: str, default: Any = None) -> QuizQuestion:
    """What to do when the capture has the counts but no process listing: recollect it."""
    at = ev.lines["count_line"]
    hints = {
        "restart_service": f"Which service? The capture has only the counts ({at}): no row says which "
        "process is the zombies' parent.",
        "reboot": "A reboot takes the whole node down without knowing what leaks, and the leak comes "
        "back: first find the parent.",
        "leave": f"Perhaps, later: nobody knows yet what leaks, or how fast. The capture has only the "
        f"counts ({at}).",
        "kill_parent": "Which parent? The capture has no process listing, and `kill -9` is TAC only.",
    }
    return QuizQuestion(
        prompt,
        [(action(name).label, name) for name in decision_names("uc")],
        "recollect",
        hint="Can you name the zombies' parent from this capture? If not, what do you need?",
        hints=hints,
        explanation=(
            f"Recollect: `show process load` only counts them ({at}). Ask for `show process list "
            "detail`: the defunct rows, their PPID and the parent's row; then find its owner."
        ),
        default=default,
    )


# ------------------------------------------------------------------ the variants' questions
def count_question(key: AnswerKey, ev: Evidence, default: Any = None) -> QuizQuestion:
    """Type the zombie count of the last `show process load`."""
    count = key.zombie_counts[-1] if key.zombie_counts else len(key.zombie_pids)
    at = ev.lines["count_line"]
    return QuizQuestion(
        "How many zombies does the last `show process load` count? Type the number.",
        None,
        str(count),
        hint="Read the `Tasks:` line of `show process load`: the number before the word `zombie`.",
        hints=lambda value: (
            "Type a number." if _as_pid(value) is None else f"Read the `Tasks:` line, {at}: the number "
            "before `zombie`, not `total` or `sleeping`."
        ),
        explanation=f"The `Tasks:` line ({at}) counts {count} {_plural(count, 'zombie', 'zombies')}.",
        default=default,
    )


def trend_question(key: AnswerKey, ev: Evidence, default: Any = None) -> QuizQuestion:
    """Pick how the count changes between the first and the last snapshot."""
    first, last = key.zombie_counts[0], key.zombie_counts[-1]
    right = "grows" if last > first else "falls" if last < first else "stable"
    compare = f"Compare the `Tasks:` line of {ev.lines['first_count_line']} with {ev.lines['count_line']}"
    counts = " then ".join(map(str, key.zombie_counts))
    return QuizQuestion(
        "The capture has several `show process load` snapshots. How does the zombie count change from "
        "the first to the last?",
        [(label, value) for value, label in TREND.items()],
        right,
        hint="Read the number before `zombie` in each snapshot's `Tasks:` line.",
        hints={value: f"{compare}." for value in TREND},
        explanation=(
            f"The counts are {counts} ({ev.lines['first_count_line']} ... {ev.lines['count_line']}): "
            + ("a leak that keeps adding zombies: clear it, do not wait." if right == "grows" else
               "the count does not grow.")
        ),
        default=default,
    )


def groups_question(key: AnswerKey, ev: Evidence, default: Any = None) -> QuizQuestion:
    """Type how many different parents the defunct rows have."""
    groups = len(key.groups)
    return QuizQuestion(
        "The defunct rows may have different parents. How many different PPIDs do they have? Type it.",
        None,
        str(groups),
        hint="Write down the PPID of every row that ends in `<defunct>`, then count the different ones.",
        hints=lambda value: (
            "Type a number." if _as_pid(value) is None else
            "Search the listing for `defunct` again and note the PPID column of each row: some share a "
            "parent, some do not."
        ),
        explanation=(
            f"{groups} parents: "
            + "; ".join(f"PPID {g.ppid} for {', '.join(map(str, g.zombie_pids))}" for g in key.groups)
            + ". Each parent is its own case: find the owner of each."
        ),
        default=default,
    )


def group_evidence(node: Any, key: AnswerKey, group: GroupKey) -> tuple[AnswerKey, Evidence]:
    """The key and the evidence of one of the node's other groups, as if it were the only one."""
    one = replace(key, zombie_pids=group.zombie_pids, ppid=group.ppid, service=group.service,
                  action=group.action, other_groups=())
    return one, Evidence.of(node, one)
