"""`utils service list` and `utils service restart NAME` transcripts.

A service row is `DISPLAY NAME[STATE]` optionally followed by a reason; platform services print a
space before `[`, and some releases pad the state inside the brackets. Pasted through a web page,
several rows may share one line (`A[STARTED] B[STARTED] C[STOPPED]`): each is a row of that line.

    Requesting service status, please wait...
    System SSH [STARTED]
    Service Manager is running
    Getting list of all services
    >> Return code = 0
    Cisco AMC Service[STARTED]
    Cisco DirSync[STOPPED]  Service Not Activated
    Cisco Serviceability Reporter[ STOPPED ]  Commanded Out of Service
    Primary Node =true
    Command successful
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ucnb.model.columns import SERVICE_COLUMNS, Columns
from ucnb.model.results import ServiceList, Unparsed

STATES = ("STARTED", "STOPPED", "STARTING", "STOPPING", "NOTRUNNING")

_ROW = re.compile(
    r"^(?P<name>[^\[\]\s][^\[\]]*?)(?P<gap>\s*)\[\s*(?P<state>[A-Za-z][A-Za-z ]*?)\s*\]"
    r"(?:\s+(?P<reason>\S.*?))?\s*$"
)
# Chatter the CLI prints around the rows: recognised, not data.
_CHATTER = [re.compile(p, re.IGNORECASE) for p in (
    r"Requesting service status, please wait\.*",
    r"Service Manager is running\.?",
    r"Getting list of all services\.*",
    r">>\s*Return code\s*=\s*0",
    r"Primary Node\s*=\s*(?:true|false)",
    r"Command successful\.?",
    r"Do not press Ctrl\+C while the service is restarting\..*",
    r"If the service has not restarted properly, execute the same command again\.?",
)]
# Lines that are recognised but worth a warning.
_TROUBLE = [(re.compile(p, re.IGNORECASE), why) for p, why in (
    (r"Service Manager is not running\.?", "Service Manager is not running: service states are unknown"),
    (r">>\s*Return code\s*=\s*-?[1-9]\d*", "the service list ended with a non-zero return code"),
    (r"(Command failed|Executed command unsuccessfully)\.?", "the command failed"),
)]
# The same phrases inside a line (a list collapsed onto one line): cut out before reading the rows
# (one capturing group around them all for re.split: inner groups made non-capturing, `.*` tails dropped).
_PHRASES = re.compile("(" + "|".join(re.sub(r"(?<!\\)\((?!\?)", "(?:", p.pattern.replace(r"\..*", r"\."))
                                     for p in _CHATTER + [pattern for pattern, _ in _TROUBLE]) + ")",
                      re.IGNORECASE)
# A reason printed alone on a line during a restart.
_REASONS = re.compile(r"(Commanded Out of Service|Service Not Activated|Component is not running)\.?",
                      re.IGNORECASE)
_BRACKET = re.compile(r"\[\s*[A-Za-z][A-Za-z ]*?\s*\]")
_LEADING_REASON = re.compile(r"\s*(Commanded Out of Service|Service Not Activated|Component is not running)"
                             r"\.?(?=\s|$)", re.IGNORECASE)
_RESTART_ECHO = re.compile(r"^(?:admin:\s*)?utils\s+service\s+(?:restart|start|stop)\s+(?P<name>\S.*?)\s*$",
                           re.IGNORECASE)


def parse_service_row(text: str) -> dict[str, Any] | None:
    """`Cisco DirSync[STOPPED]  Service Not Activated` -> service, state, reason, platform; else None.

    A state that is not one of STATES comes back as written (upper case) for the caller to judge.
    """
    match = _ROW.match(text.strip())
    if not match:
        return None
    return {
        "service": match["name"],
        "state": re.sub(r"\s+", "", match["state"]).upper(),
        "reason": match["reason"],
        "platform": bool(match["gap"]),
    }


def service_entries(text: str) -> list[str]:
    """The service rows of one line: one, or several when rows were run together on one line.

    >>> service_entries("Cisco RTMT Reporter Servlet[STARTED] Cisco Syslog Agent[STARTED]")
    ['Cisco RTMT Reporter Servlet[STARTED]', 'Cisco Syslog Agent[STARTED]']
    >>> service_entries("Cisco DirSync[STOPPED]  Service Not Activated Cisco Tftp[STARTED]")
    ['Cisco DirSync[STOPPED]  Service Not Activated', 'Cisco Tftp[STARTED]']

    Text between two `[STATE]`s is the next row's name, after the previous row's reason when it
    starts with one of the CLI's reasons (`Service Not Activated`...).
    """
    text = text.strip()
    brackets = list(_BRACKET.finditer(text))
    if len(brackets) < 2:
        return [text]
    entries: list[str] = []
    start = 0
    for previous in brackets[:-1]:
        cut = previous.end()
        reason = _LEADING_REASON.match(text, cut)
        if reason:
            cut = reason.end()
        entries.append(text[start:cut].strip())
        start = cut
    entries.append(text[start:].strip())
    return entries


def _chatter(text: str) -> bool:
    return any(p.fullmatch(text) for p in _CHATTER)


def _trouble(text: str) -> str | None:
    return next((why for pattern, why in _TROUBLE if pattern.fullmatch(text)), None)


def _line_rows(text: str, source: str, warnings: list[str]) -> tuple[list[dict[str, Any]], str | None]:
    """The service rows of one line (none for chatter), or a reason why the line cannot be read.
    Chatter run into the rows (`Requesting service status, please wait... Cisco AMC Service[STARTED]`)
    is cut out first."""
    rows: list[dict[str, Any]] = []
    for part in (piece.strip() for piece in _PHRASES.split(text)):
        if not part or _chatter(part):
            continue
        trouble = _trouble(part)
        if trouble:
            warnings.append(f"{source}: {trouble}")
            continue
        found = [parse_service_row(entry) for entry in service_entries(part)]
        if any(row is None for row in found):
            return [], "not a service row `NAME[STATE]`"
        odd = [row["state"] for row in found if row is not None and row["state"] not in STATES]
        if odd:
            return [], f"unknown service state {odd[0]!r}"
        rows += [row for row in found if row is not None]
    return rows, None


def parse_services(lines: Sequence[str], *, file: str = "<text>", first_line: int = 1) -> ServiceList:
    """Parse `utils service list` (see the module doc for a sample) into a ServiceList.

    One row per service line, in printed order, display names with their exact case. Chatter lines
    are recognised; anything else goes to `unparsed`. Never raises.
    """
    result = ServiceList()
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        source = f"{file}:{first_line + index}"
        found, problem = _line_rows(text, source, result.warnings)
        if problem:
            result.unparsed.append(Unparsed(source, text, problem))
            continue
        if not found:  # chatter only
            result.recognised.append(first_line + index)
        for row in found:
            assert row is not None
            name = row["service"]
            if name in seen:
                result.warnings.append(f"{source}: {name!r} listed twice (first at {seen[name]})")
            seen.setdefault(name, source)
            rows.append({**row, "source": source})
    columns = {name: [row[name] for row in rows] for name in SERVICE_COLUMNS}
    result.services = Columns(SERVICE_COLUMNS, columns, len(rows))
    return result


def parse_service_restart(
    lines: Sequence[str], *, file: str = "<text>", first_line: int = 1, service: str | None = None
) -> dict[str, Any]:
    """Parse an `utils service restart NAME` transcript into a dict.

        Do not press Ctrl+C while the service is restarting. If the service ...
        Service Manager is running
        Cisco AMC Service[STOPPING]
        Cisco AMC Service[STARTING]
        Cisco AMC Service[STARTED]

    -> {"service": "Cisco AMC Service", "states": ["STOPPING", "STARTING", "STARTED"],
        "success": True, "messages": [], "sources": ["<text>:3", "<text>:4", "<text>:5"],
        "source": "<text>:1-5", "unparsed": [], "warnings": [], "recognised": [1, 2, 3, 4, 5]}

    `service` is the name typed after `utils service restart` when the caller knows it; otherwise it
    is taken from an echoed command line or from the state rows. `states` lists the states printed
    for that service in order, a state repeated on consecutive lines counted once (`sources` holds
    the line of each). `success` is True when the last state is STARTED and nothing went wrong.
    Never raises.
    """
    unparsed: list[Unparsed] = []
    warnings: list[str] = []
    messages: list[str] = []  # "Commanded Out of Service", "Service Not Activated"...
    seen_rows: list[tuple[str, str, str]] = []  # (service, state, source)
    trouble = False
    numbers = [first_line + i for i, line in enumerate(lines) if line.strip()]
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        source = f"{file}:{first_line + index}"
        echo = _RESTART_ECHO.match(text)
        if echo:
            service = service or echo["name"]
            continue
        if _chatter(text):
            continue
        why = _trouble(text)
        if why:
            warnings.append(f"{source}: {why}")
            trouble = True
            continue
        if _REASONS.fullmatch(text):
            messages.append(text.rstrip("."))
            continue
        found = [parse_service_row(entry) for entry in service_entries(text)]
        at = next((i for i, row in enumerate(found) if row is None or row["state"] not in STATES), None)
        if at is not None:
            bad = found[at]
            reason = "not a service state line" if bad is None else f"unknown service state {bad['state']!r}"
            unparsed.append(Unparsed(source, text, reason))
            continue
        for row in found:
            assert row is not None
            if row["reason"]:
                messages.append(row["reason"])
            seen_rows.append((row["service"], row["state"], source))

    service, states, sources = _restarted_states(service, seen_rows, file, warnings)
    if not states:
        warnings.append(f"{file}: no state of {service or 'the service'} in the restart transcript")
    if any(message.lower() == "service not activated" for message in messages):
        warnings.append(f"{file}: {service or 'the service'} is not activated: a restart cannot start it")
    success = bool(states) and states[-1] == "STARTED" and not trouble
    return {
        "service": service,
        "command": f"utils service restart {service}" if service else "utils service restart",
        "states": states,
        "success": success,
        "messages": messages,
        "sources": sources,
        "source": f"{file}:{numbers[0]}-{numbers[-1]}" if numbers else f"{file}:{first_line}",
        "unparsed": unparsed,
        "warnings": warnings,
        # every other non-blank line was read (echo, chatter, reasons, state rows): see ParseResult
        "recognised": [n for n in numbers if f"{file}:{n}" not in {u.source for u in unparsed}],
    }


def _restarted_states(service: str | None, seen_rows: list[tuple[str, str, str]], file: str,
                      warnings: list[str]) -> tuple[str | None, list[str], list[str]]:
    """The service the transcript restarted (`service`, else the last one it shows), its states in
    order (a state repeated on consecutive lines counted once) and the line of each.

    >>> rows = [("A", "STOPPING", "x:3"), ("A", "STOPPING", "x:4"), ("A", "STARTED", "x:5")]
    >>> _restarted_states(None, rows, "x", [])
    ('A', ['STOPPING', 'STARTED'], ['x:3', 'x:5'])
    """
    names = list(dict.fromkeys(name for name, _, _ in seen_rows))
    if service is None and names:
        service = names[-1]
    others = [name for name in names if name != service]
    if others:
        warnings.append(f"{file}: the transcript also shows states of {', '.join(others)}; read {service!r}")
    states: list[str] = []
    sources: list[str] = []
    for name, state, source in seen_rows:
        if name == service and (not states or states[-1] != state):
            states.append(state)
            sources.append(source)
    return service, states, sources
