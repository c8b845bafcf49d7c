"""Capture files: plain outputs, sessions with prompts, raw PuTTY logs with pagers and ANSI codes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .desc import FileSpec
from .node import NodeState, login, reboot
from .render import run_command

ESC = "\x1b"
PAGER_PRESS = "Press <enter> for 1 line, <space> for one page, or <q> to quit"


def banner(state: NodeState) -> list[str]:
    d = state.desc
    cpu = (
        "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz"
        if d.gen == "new"
        else "Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz"
    )
    return [
        "Command Line Interface is starting up, please wait ...",
        "",
        f"   {ESC}[1mWelcome to the Platform Command Line Interface{ESC}[0m",
        "",
        "VMware Installation:",
        f"        {d.cpus} vCPU: {cpu}",
        f"        Disk 1: {110 if d.gen == 'new' else 80}GB, Partitions aligned",
        f"        {d.mem_mib} Mbytes RAM",
        "",
    ]


def page_options(lines: list[str], rng: random.Random, size: int = 20) -> list[str]:
    """The `options: q=quit, ...` pager: a prompt after every page, erased before the next data line."""
    total = len(lines)
    out: list[str] = []
    for start in range(0, total, size):
        chunk = list(lines[start : start + size])
        prompt = (
            f"options: q=quit, n=next, p=prev, b=begin, e=end (lines {start + 1} - {start + len(chunk)} "
            f"of {total}) :"
        )
        if out:
            chunk[0] = out.pop() + chunk[0]
        out += chunk
        out.append(prompt + "\r" + " " * len(prompt) + "\r")
    out[-1] += "end of the file reached"
    return out


def page_press(lines: list[str], rng: random.Random, size: int = 22) -> list[str]:
    """The `Press <enter> ...` pager: bold prompt; erased with ESC[K, or glued to the next data line."""
    out: list[str] = []
    for start in range(0, len(lines), size):
        chunk = list(lines[start : start + size])
        if out:
            previous = out.pop()
            chunk[0] = previous + chunk[0]
        out += chunk
        if start + size < len(lines):
            glued = rng.random() < 0.3
            out.append(f"{ESC}[1m{PAGER_PRESS}{ESC}[0m" + ("" if glued else f"\r{ESC}[K"))
    return out


def typed(command: str, rng: random.Random, typo: bool) -> str:
    """The command as the terminal echoed it; with `typo`, a wrong letter rubbed out with backspace."""
    if not typo:
        return command
    cut = len(command) - 3
    return command[:cut] + "x\b \b" + command[cut:]


def render_file(state: NodeState, spec: FileSpec, when: datetime) -> tuple[str, NodeState, datetime]:
    """Run a file's commands on the node from `when`; return the text, the node and the end time."""
    rng = state.rng
    out: list[str] = []
    putty = spec.style == "putty"
    if putty:
        out.append(f"=~=~=~=~=~=~=~=~=~=~=~= PuTTY log {when:%Y.%m.%d %H:%M:%S} =~=~=~=~=~=~=~=~=~=~=~=")
        state_login = when + timedelta(seconds=4)
        login(state, state_login)
        out += banner(state)
        when += timedelta(seconds=9)
    for n, command in enumerate(spec.commands):
        when += timedelta(seconds=rng.randint(6, 25))
        state.release(when)
        result = run_command(state, command, when)
        if spec.style != "file":
            echo = typed(command, rng, putty and command == "show process list detail")
            out.append(f"admin:{ESC}[K{echo}" if putty and n % 2 else f"admin:{echo}")
        if putty and command == "show process list detail":
            result = page_options(result, rng)
        elif putty and command == "show process list":
            result = page_press(result, rng)
        out += result
        when += timedelta(seconds=max(2, len(result) // 60))
        if state.pending_reboot is not None:
            break
    if spec.style != "file" and state.pending_reboot is None:
        out.append("admin:")
    newline = "\r\n" if putty else "\n"
    return newline.join(out) + newline, state, when


def render_capture(
    state: NodeState, files: tuple[FileSpec, ...], start: datetime
) -> tuple[dict[str, str], NodeState]:
    texts: dict[str, str] = {}
    when = start
    for spec in files:
        when += timedelta(minutes=spec.gap_min)
        if state.pending_reboot is not None:
            state = reboot(state, state.pending_reboot, when)
        texts[spec.name], state, when = render_file(state, spec, when)
    return texts, state
