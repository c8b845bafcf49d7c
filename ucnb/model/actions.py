"""The kit's vocabulary: every action, verdict, urgency and timing token, and its words in each face.

The JSON carries the token (`name`); the CLI text, the report, the widgets, training, the
catalogue's validation and the CLI help read the words from these tables, nowhere else. A new
action is one row of `ACTIONS` plus the rule that recommends it (`ucnb/diagnosis/remedy.py`).

    >>> action("restart_service").sentence(service="Cisco AMC Service", node="cucm-sub1")
    'restart the Cisco AMC Service on cucm-sub1'
    >>> action("kill_parent").label, action("kill_parent").tac_only
    ('Kill the parent process', True)
    >>> verdict("partial").words, urgency("optional").rank, timing("maintenance_window").words
    ('partly cleared', 1, 'in a maintenance window')
    >>> verdict("partial").label, verdict("partial").tone, urgency("urgent").label, urgency("urgent").tone
    ('PARTIAL', 'warn', 'URGENT', 'bad')
    >>> action("restart")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ucnb.errors.InputError: unknown action 'restart': one of restart_service, reboot, leave, kill_parent, ...
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from ucnb.errors import InputError

__all__ = [
    "Action", "Verdict", "Urgency", "Timing", "Status",
    "ACTIONS", "VERDICTS", "URGENCIES", "TIMINGS", "STATUSES", "WHO", "IF_INSISTED", "NO_ACTION",
    "action", "verdict", "urgency", "timing", "status", "decision_names", "special_rule_names", "jargon",
    "PERFMON_WHY", "PERFMON_STEPS",
]


@dataclass(frozen=True)
class Action:
    """What can be done about a zombie group.

    `words` is the sentence a customer reads (lower case, no final stop; `{node}`, `{service}`,
    `{ppid}` are filled in); `other_words` replaces it when the action's command is not the
    process list (recollect of another output). `label` is the picker's and the quiz's text.
    `disrupts`: `node` (always in a maintenance window), `service` (in a window when the service's
    impact is high) or empty. `verb`: the CLI's "before you <verb>, capture ..." when the action ends
    the parent (and the evidence with it). `step`: the CLI's "Action needed" tail (`{command}`,
    `{timing}`). `decision`: a person may choose it (picker, quiz, `--decision`); `special_rule`: a
    catalogue `[[special]]` rule may recommend it; `jargon`: the token never shows in a customer
    report. `told`: a TAC-only step as a customer reads it (Cisco TAC does it; no command shown).
    `host`: the nodes it fits, `uc` (a UC server: UCOS commands), `linux` (a Linux host or container
    that is not a UC node) or empty (both); a node is never offered an action of the other kind.
    `checks`: what the verification checks after it, beyond the zombie count: `parent` (the parent
    process ended or restarted), `init` (PID 1 is an init)."""

    name: str
    label: str
    words: str
    step: str = "To clear it: `{command}` ({timing})."
    other_words: str = ""
    tac_only: bool = False
    disrupts: str = ""
    verb: str = ""
    decision: bool = True
    special_rule: bool = False
    jargon: bool = False
    told: str = ""
    host: str = ""
    checks: str = ""

    def fits(self, product: str | None) -> bool:
        """Whether a node of `product` may be offered it (None: any node).

        >>> action("restart_service").fits("linux"), action("run_with_init").fits("CUCM")
        (False, False)
        """
        if product is None or not self.host:
            return True
        return self.host == ("linux" if product == "linux" else "uc")

    def sentence(
        self,
        *,
        service: str | None = None,
        node: str = "the node",
        ppid: int | None = None,
        command: str | None = None,
        audience: str = "tac",
    ) -> str:
        """The action as a sentence (lower case, no final stop); a customer reads a TAC-only one as
        `told` (what Cisco TAC does, without its command).

        >>> action("kill_parent").sentence(node="cucm-sub1", ppid=29815, audience="customer")
        'end the stuck parent process 29815 on cucm-sub1, so that the system clears its zombie processes'
        """
        template = self.words
        if audience == "customer" and self.told:
            template = self.told
        elif self.other_words and command and "process list" not in command:
            template = self.other_words
        return template.format(service=service or "owning service", node=node, ppid=ppid, command=command)


@dataclass(frozen=True)
class Verdict:
    """The outcome of a verification: `words` in the report's sentences, `label` its verdict field, the
    case note and the report's badge, `banner` the CLI text's node heading; `passes`: `verify
    --exit-code` exits 0; `tone`: the badge's colour (`good`, `warn`, `bad`, `info`)."""

    name: str
    words: str
    label: str
    banner: str
    passes: bool = False
    jargon: bool = False
    tone: str = "warn"


@dataclass(frozen=True)
class Urgency:
    """Is action needed: `words` in tables and fields, `summary` + `summary_tail` around the numbers in
    the executive summary (`{them}`: it or them), `rank` orders them (the table's order); `label` and
    `tone` the report's badge before a verification."""

    name: str
    words: str
    summary: str
    summary_tail: str = ""
    label: str = ""
    tone: str = "info"

    @property
    def rank(self) -> int:
        return list(URGENCIES).index(self.name)


@dataclass(frozen=True)
class Timing:
    """When the clearing step may be taken: `phrase` in the CLI's "Action needed" line, `tag` in its
    "next step" line, `words` in the report."""

    name: str
    phrase: str
    tag: str
    words: str
    jargon: bool = False


ACTIONS: Mapping[str, Action] = {
    a.name: a
    for a in (
        Action("restart_service", "Restart the owning service", "restart the {service} on {node}",
               disrupts="service", verb="restart", special_rule=True, jargon=True, host="uc"),
        Action("reboot", "Reboot the node", "restart the server {node}", disrupts="node", verb="reboot",
               special_rule=True),
        Action("leave", "Leave them until the next planned reboot",
               "leave the zombie processes in place",
               special_rule=True),
        Action("kill_parent", "Kill the parent process",
               "end the parent process {ppid} with root access (TAC only)", tac_only=True, jargon=True,
               host="uc", checks="parent",
               told="end the stuck parent process {ppid} on {node}, so that the system clears its zombie "
                    "processes"),
        Action("recollect", "Recollect the process listing",
               "capture the full process list of {node} again to identify the owner",
               step="Next: capture `{command}`.", other_words="capture what is missing on {node}",
               jargon=True),
        Action("none", "Nothing to do", "nothing to do", decision=False),
        # the steps of an action plan (`ucnb.diagnosis.outcome`): never a decision about a group
        Action("start_service", "Start the service", "start the {service} on {node}", decision=False,
               host="uc"),
        Action("recheck", "Check the zombie count again", "check the zombie count of {node} again",
               decision=False),
        Action("check_service", "Check that the service runs", "check that the {service} runs on {node}",
               decision=False, host="uc"),
        Action("check_parent_gone", "Check that the parent process is gone",
               "check that the parent process {ppid} is gone from {node}", decision=False),
        Action("wait_recapture", "Wait, then capture again",
               "wait, then capture the zombie count and the process list of {node} again", decision=False),
        Action("escalate", "Escalate to Cisco TAC",
               "escalate the case to Cisco TAC with the captures of {node}",
               decision=False),
        Action("collect_traces", "Collect the service's traces",
               "collect the traces of the {service} on {node} (RTMT: Trace & Log Central, Collect Files)",
               decision=False, host="uc"),
        Action("bug_search", "Search the Bug Search Tool",
               "search the Bug Search Tool for {command}", decision=False, host="uc"),
        Action("recapture_after", "Capture the after state again",
               "capture the zombie count and the process list of {node} again, after the remediation",
               decision=False),
        # a Linux host or container, not a UC node (issue 23): never a UC command
        Action("run_with_init", "Run the container with an init",
               "run the container {node} with an init (`docker run --init`, tini or dumb-init) so that "
               "its PID 1 reaps the children it adopts, or fix the application so it waits for its "
               "children", disrupts="node", jargon=True, host="linux", checks="init"),
        Action("restart_parent", "Restart the parent process",
               "restart the parent process {ppid} on {node} (the program that does not wait for its "
               "children), or fix it so it does", disrupts="service", jargon=True, host="linux",
               checks="parent"),
        Action("restart_container", "Restart the container",
               "restart the container {node} (or end the `exec` session whose children these are)",
               disrupts="node", jargon=True, host="linux", checks="parent"),
        Action("check_init", "Check that PID 1 is an init",
               "check that PID 1 of {node} is an init (tini, dumb-init, `docker-init`) that reaps the "
               "children it adopts", decision=False, host="linux"),
    )
}

VERDICTS: Mapping[str, Verdict] = {
    v.name: v
    for v in (
        Verdict("cleared", "cleared", "CLEARED", "CLEARED", passes=True, tone="good"),
        Verdict("partial", "partly cleared", "PARTIAL", "PARTIAL"),
        Verdict("not_cleared", "not cleared", "NOT CLEARED", "NOT_CLEARED", jargon=True, tone="bad"),
        Verdict("unknown", "not confirmed", "UNKNOWN", "UNKNOWN"),
    )
}

URGENCIES: Mapping[str, Urgency] = {
    u.name: u
    for u in (
        Urgency("none", "none", "No action is needed", label="NO ACTION NEEDED", tone="good"),
        Urgency("optional", "optional", "Clearing {them} is optional",
                ": a zombie uses no CPU or memory, only a process ID", label="OPTIONAL"),
        Urgency("recommended", "recommended", "Clearing {them} is recommended", label="RECOMMENDED",
                tone="warn"),
        Urgency("urgent", "urgent", "Clearing {them} is urgent", label="URGENT", tone="bad"),
    )
}

TIMINGS: Mapping[str, Timing] = {
    t.name: t
    for t in (
        Timing("now", "now", "now", "now, no maintenance window needed"),
        Timing("maintenance_window", "in a maintenance window", "maintenance window",
               "in a maintenance window", jargon=True),
        Timing("after_fix", "right after the fix", "after the fix", "right after the fix", jargon=True),
        Timing("convenient", "when convenient", "when convenient", "at a convenient time"),
        Timing("after_1h", "1 hour after the fix", "+1 h", "1 hour after the fix", jargon=True),
        Timing("after_24h", "24 hours after the fix", "+24 h", "24 hours after the fix", jargon=True),
        Timing("next_planned_reboot", "until the next planned reboot or upgrade", "next planned reboot",
               "until the next planned reboot or upgrade", jargon=True),
        Timing("if_it_returns", "if the zombies come back", "if they come back", "if the zombies come back",
               jargon=True),
        Timing("if_still_defunct", "if any zombie is still defunct", "if still defunct",
               "if any zombie is still defunct", jargon=True),
        Timing("if_it_grows", "if the count grows", "if it grows", "if the zombie count grows", jargon=True),
    )
}

WHO: Mapping[str, str] = {"customer": "Customer administrator", "tac": "Cisco TAC"}
IF_INSISTED = "only if the customer insists"  # a step the outcome offers but does not recommend
NO_ACTION = "No action needed"  # a known cosmetic condition's choice: leave them


@dataclass(frozen=True)
class Status:
    """Where a node or a case stands once diagnosed (and verified): `headline` leads every face,
    `badge` and `tone` (ok, info, warn, bad) are the report's badge, `passes`: `verify --exit-code`
    exits 0 (verified, cleared, the owning service running, nothing left)."""

    name: str
    headline: str
    badge: str
    tone: str
    passes: bool = False
    jargon: bool = False


STATUSES: Mapping[str, Status] = {
    s.name: s
    for s in (  # from the best to the worst: a case takes its worst node's
        Status("cleared", "Cleared: no further action is needed", "CLEARED", "ok", passes=True),
        Status("clean", "No action needed: no zombie process", "NO ZOMBIES", "ok"),
        Status("cosmetic", "No action needed: a known cosmetic condition", "COSMETIC", "ok"),
        Status("monitor", "Cleared: check the zombie count again in 1 hour and in 24 hours",
               "CLEARED, MONITOR", "info", passes=True),
        Status("optional", "Action optional", "OPTIONAL", "info"),
        Status("missing_data", "More data needed", "DATA MISSING", "warn", jargon=True),
        Status("recommended", "Action recommended", "RECOMMENDED", "warn"),
        Status("partial", "Partly cleared", "PARTIAL", "warn"),
        Status("unknown", "Not confirmed", "NOT CONFIRMED", "warn"),
        Status("not_cleared", "Not cleared", "NOT CLEARED", "bad"),
        Status("service_down", "Zombies cleared, but the service is not running", "SERVICE DOWN", "bad",
               jargon=True),
        Status("urgent", "Action needed now", "URGENT", "bad"),
    )
}

T = TypeVar("T")


def _lookup(table: Mapping[str, T], kind: str, name: str) -> T:
    try:
        return table[name]
    except KeyError:
        raise InputError(f"unknown {kind} {name!r}: one of {', '.join(table)}") from None


def action(name: str) -> Action:
    """The action of this token (InputError naming the known ones for any other)."""
    return _lookup(ACTIONS, "action", name)


def verdict(name: str) -> Verdict:
    """The verdict of this token."""
    return _lookup(VERDICTS, "verdict", name)


def status(name: str) -> Status:
    """The status of this token."""
    return _lookup(STATUSES, "status", name)


def urgency(name: str) -> Urgency:
    """The urgency of this token."""
    return _lookup(URGENCIES, "urgency", name)


def timing(name: str) -> Timing:
    """The timing (`when`) of this token."""
    return _lookup(TIMINGS, "timing", name)


def decision_names(product: str | None = None) -> tuple[str, ...]:
    """The actions a person may decide for a node of `product` (None: any node), in the table's order.

    >>> decision_names("CUCM")
    ('restart_service', 'reboot', 'leave', 'kill_parent', 'recollect')
    >>> decision_names("linux")
    ('reboot', 'leave', 'recollect', 'run_with_init', 'restart_parent', 'restart_container')
    """
    return tuple(a.name for a in ACTIONS.values() if a.decision and a.fits(product))


def special_rule_names() -> tuple[str, ...]:
    """The actions a catalogue `[[special]]` rule may recommend."""
    return tuple(a.name for a in ACTIONS.values() if a.special_rule)


def jargon() -> tuple[str, ...]:
    """Every token that is the kit's jargon (a customer report never shows it)."""
    tables: tuple[Mapping[str, Action | Verdict | Timing | Status], ...] = (
        ACTIONS, VERDICTS, TIMINGS, STATUSES)
    return tuple(name for table in tables for name, term in table.items() if term.jargon)


# The Cisco RIS Data Collector PerfMon logs: days of polls that date the zombies' start and measure their
# growth (ucnb.read.parsers.perfmon). How to get them, in `ucnb collect --print-commands` and the
# report's "What to send".
PERFMON_WHY = "they show when the zombies started and how fast they grow (the last days, a poll every 15 s)"
PERFMON_STEPS = (
    "in RTMT: Trace & Log Central > Collect Files > Cisco RIS Data Collector PerfMonLog, the node, the "
    "last days; send the zip it saves",
    "or on the node's command line: `file get activelog cm/log/ris/csv/` (it sends the PerfMon_*.csv files "
    "to an SFTP server you name)",
)
