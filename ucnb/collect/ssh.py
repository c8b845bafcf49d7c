"""The SSH side of `ucnb collect` (asyncssh): host-key policy, the admin-CLI session, timeouts.

The password is held by `Secret` (its repr hides it), given only to asyncssh, and scrubbed from every
text that came from an exception; nothing here writes or logs it.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

with warnings.catch_warnings():  # cryptography's DSA deprecation, from asyncssh's annotations: 10 lines
    warnings.filterwarnings("ignore", ".*is deprecated and support will be removed", module="asyncssh")
    import asyncssh

from ucnb.collect.plan import (
    CUT_MARK,
    KNOWN_HOSTS_LIMIT,
    LOAD,
    SENDABLE,
    SESSION_SETUP,
    CollectOptions,
    CommandRecord,
    HostKey,
    HostRecord,
    Progress,
    Target,
    file_name,
    now,
    plan_commands,
    read_regular_file,
)
from ucnb.errors import InputError
from ucnb.read.capture import clean_line
from ucnb.text import plural

PROMPT_AT_END = re.compile(r"(?:^|[\r\n])admin:[ \t]*$")
PAGER = re.compile(r"Press <enter> for 1 line|options: q=quit, n=next")
CLI_ERROR = re.compile(r"^(Executed command unsuccessfully|Invalid command\b.*)$")
PASSWORD_FIRST = ("keyboard-interactive", "password", "publickey", "hostbased")
MAX_OUTPUT = 64 * 2**20  # characters per command: far above any real listing
ECHO_WITHIN = 65_536  # characters searched for the echo of the command sent
TERMINAL = ("vt100", (512, 100))  # wide: the CLI must not wrap long command lines


class Secret:
    """A password that does not show in reprs, tracebacks or f-strings.

    >>> secret = Secret("hunter2")
    >>> secret, f"{secret}", secret.scrub("login as admin/hunter2 failed")
    (Secret(<hidden>), 'Secret(<hidden>)', 'login as admin/<password> failed')
    """

    def __init__(self, value: str | None) -> None:
        self._value = value or None

    def reveal(self) -> str | None:
        return self._value

    def scrub(self, text: str) -> str:
        return text.replace(self._value, "<password>") if self._value else text

    def __repr__(self) -> str:
        return "Secret(<hidden>)"

    __str__ = __repr__


def load_known_hosts(path: str) -> asyncssh.SSHKnownHosts:
    """The known_hosts file (OpenSSH format); a missing file is an empty one."""
    full = Path(os.path.expanduser(path))
    if not full.exists():
        return asyncssh.import_known_hosts("")
    text = read_regular_file(path, "--known-hosts", KNOWN_HOSTS_LIMIT)
    try:
        return asyncssh.import_known_hosts(text)
    except (ValueError, asyncssh.Error) as error:
        raise InputError(f"--known-hosts {path}: cannot read it ({type(error).__name__})") from None


class HostKeyPolicy:
    """Known keys pass; an unknown key passes only with --accept-new (and is added to known_hosts);
    a key that differs from a known one never passes."""

    def __init__(self, known: asyncssh.SSHKnownHosts, options: CollectOptions, target: Target) -> None:
        self.known = known
        self.options = options
        self.target = target
        self.had_entries = False
        self.key: asyncssh.SSHKey | None = None
        self.status: str | None = None
        self.known_types: list[str] = []  # the key types known_hosts holds for this host
        self.password_expired = False

    def match(self, host: str, addr: str, port: int) -> tuple:
        """asyncssh's `known_hosts` callable: the trusted keys for this host."""
        keys, ca_keys, revoked = self.known.match(host, addr, port)[:3]
        self.had_entries = bool(keys or ca_keys)
        self.known_types = sorted({key_type(key) for key in keys})
        return keys, ca_keys, revoked

    def validate(self, key: asyncssh.SSHKey) -> bool:
        """Called by asyncssh only for a key that is not among the trusted ones."""
        self.key = key
        if self.had_entries:
            self.status = "changed"
            return False
        if not self.options.accept_new:
            self.status = "unknown"
            return False
        self.status = "accepted_new"
        self._remember(key)
        return True

    def _remember(self, key: asyncssh.SSHKey) -> None:
        path = Path(os.path.expanduser(self.options.known_hosts))
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        algorithm, blob = key.export_public_key("openssh").decode().split()[:2]
        host = self.target.host if self.target.port == 22 else f"[{self.target.host}]:{self.target.port}"
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"{host} {algorithm} {blob}\n")

    def record(self, key: asyncssh.SSHKey | None) -> HostKey | None:
        key = self.key or key
        if key is None:
            return None
        return HostKey(key.get_fingerprint("sha256"), key.get_algorithm(), self.status or "known")


KEY_TYPES = {"ssh-ed25519": "ED25519", "ssh-ed448": "ED448", "ssh-rsa": "RSA", "ssh-dss": "DSA"}


def key_type(key: asyncssh.SSHKey) -> str:
    """The key's type as OpenSSH's `ssh` names it (ED25519, RSA, ECDSA...)."""
    algorithm = key.get_algorithm()
    return KEY_TYPES.get(algorithm, "ECDSA" if algorithm.startswith("ecdsa-") else algorithm)


def fingerprint_text(key: asyncssh.SSHKey) -> str:
    """`ED25519 key fingerprint is SHA256:...`, as `ssh` shows it for the same node."""
    return f"{key_type(key)} key fingerprint is {key.get_fingerprint('sha256')}"


class _Client(asyncssh.SSHClient):
    def __init__(self, policy: HostKeyPolicy) -> None:
        self._policy = policy

    def validate_host_public_key(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        return self._policy.validate(key)

    def password_change_requested(self, prompt: str, lang: str) -> Any:
        self._policy.password_expired = True  # the node wants a new password: not this tool's to set
        return NotImplemented


class _Cut(Exception):
    """The output stopped before the prompt came back: `failure` says why, `text` is what came."""

    def __init__(self, failure: str, text: str) -> None:
        super().__init__(failure)
        self.failure = failure
        self.text = text


class _Session:
    """The admin CLI on a terminal: send one allow-listed command, read until `admin:` again."""

    def __init__(self, process: asyncssh.SSHClientProcess) -> None:
        self.process = process
        self.parts: list[str] = []  # what came for the command in progress (kept on Ctrl-C)

    async def until_prompt(self, timeout: float, echo: str | None = None) -> str:
        """What came until the `admin:` prompt; with `echo`, a prompt counts only after the line that
        echoes that command (a fake prompt before it, then a pause, once shifted every output)."""
        parts = self.parts = []
        size = 0
        tail = ""  # the end of what came: the prompt or the pager is looked for here only
        head = ""  # what came before the echo (the first ECHO_WITHIN characters are searched)
        deadline = time.monotonic() + timeout
        while echo is not None or not PROMPT_AT_END.search(tail):
            if echo is not None:
                end = _echo_end(head, echo)
                if end is not None or len(head) > ECHO_WITHIN:  # echoed (or never will be: any prompt)
                    tail, echo = ("".join(parts)[end:] if end is not None else tail)[-256:], None
                    continue
            if PAGER.search(tail):
                raise _Cut("paged", "".join(parts))
            if size > MAX_OUTPUT:
                raise _Cut("oversize", "".join(parts))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Cut("timeout", "".join(parts))
            try:
                chunk = await asyncio.wait_for(self.process.stdout.read(65536), remaining)
            except TimeoutError:
                raise _Cut("timeout", "".join(parts)) from None
            except (asyncssh.Error, OSError):
                raise _Cut("dropped", "".join(parts)) from None
            if not chunk:
                raise _Cut("dropped", "".join(parts))
            parts.append(chunk)
            size += len(chunk)
            tail = (tail + chunk)[-256:]
            if echo is not None:
                head += chunk[: ECHO_WITHIN + 1 - len(head)]
        return PROMPT_AT_END.sub("", "".join(parts))

    async def run(self, command: str, timeout: float) -> str:
        if command not in SENDABLE:  # the one place a command is sent: nothing else gets through
            raise ValueError(f"not on the allow-list: {command!r}")
        self.process.stdin.write(command + "\n")
        return await self.until_prompt(timeout, echo=command)


def _echo_end(text: str, command: str) -> int | None:
    """Where the line echoing `command` ends in `text` (the echo may carry the prompt, colour codes
    or redraws: `admin:\\x1b[Kshow status`), else None."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        if clean_line(text[start:end]).strip().removeprefix("admin:").strip() == command:
            return end + 1
        start = end + 1
    return None


def _split(command: str, received: str) -> tuple[str, str]:
    """(what came before the echo of `command`, its output), with `\\n` line ends and no `\\r` left
    of the prompt's line end; the output ends with a line end unless empty."""
    text = received.replace("\r\n", "\n")
    end = _echo_end(text, command)
    before, body = ("", text) if end is None else (text[:end], text[end:])
    lines = before.split("\n")[:-1] if end is not None else []  # the echo line itself goes
    stray = "\n".join(line for line in lines[:-1] if clean_line(line).strip() not in ("", "admin:"))
    body = body.rstrip("\r")
    return stray, body + "\n" if body and not body.endswith("\n") else body


def _write(path: Path, command: str, received: str, cut: str | None, secret: Secret) -> tuple[int, str]:
    """Append `command`'s output to its file (a password the node printed back masked); (its lines,
    the lines that came before its echo: the previous command's, late)."""
    stray, body = _split(command, received)
    text = f"admin:{command}\n{body}"
    if cut:
        text += f"{CUT_MARK} ({cut})\n"
    with path.open("a", encoding="utf-8", newline="\n") as stream:
        stream.write(secret.scrub(text))
    return body.count("\n"), stray


def _append(path: Path, text: str, secret: Secret) -> int:
    """Add late lines to a command's file; their count."""
    with path.open("a", encoding="utf-8", newline="\n") as stream:
        stream.write(secret.scrub(text + "\n"))
    return text.count("\n") + 1


CUT_REASONS = {
    "timeout": "timeout: `{command}` did not finish within {seconds:g} s",
    "dropped": "connection dropped during `{command}`",
    "paged": "the CLI paged `{command}` although paging was turned off",
    "oversize": "`{command}` gave more than {limit:,} characters of output",
    "interrupted": "the collection was interrupted (Ctrl-C) during `{command}`",
}


async def _commands(session: _Session, target: Target, record: HostRecord, out: Path,
                    options: CollectOptions, progress: Progress, secret: Secret) -> None:
    folder = out / target.folder
    folder.mkdir(exist_ok=True)
    for command in SESSION_SETUP:
        await session.run(command, options.command_timeout)
    last_load: float | None = None
    previous: CommandRecord | None = None
    for command in plan_commands(options.samples):
        if command == LOAD:
            if last_load is not None:
                await asyncio.sleep(max(0.0, options.interval - (time.monotonic() - last_load)))
            last_load = time.monotonic()
        entry = CommandRecord(command, f"{target.folder}/{file_name(command)}", now())
        record.commands.append(entry)
        began = time.monotonic()
        try:
            received = await session.run(command, options.command_timeout)
        except (_Cut, asyncio.CancelledError) as stop:  # Ctrl-C cancels: what came is kept all the same
            cut = stop if isinstance(stop, _Cut) else _Cut("interrupted", "".join(session.parts))
            reason = CUT_REASONS[cut.failure].format(command=command, seconds=options.command_timeout,
                                                     limit=MAX_OUTPUT)
            entry.lines, _stray = _write(folder / file_name(command), command, cut.text, reason, secret)
            entry.ended, entry.reason = now(), reason + " (output so far kept, marked cut short)"
            record.failure, record.reason = cut.failure, entry.reason
            progress(f"{target.label}: {command}: {reason}")
            raise
        stray, body = _split(command, received)
        if stray and previous is not None:  # the previous output, late (after a premature prompt)
            previous.lines += _append(out / previous.file, stray, secret)
            previous.reason = ("part of its output came after a premature admin: prompt, before the next "
                               "command's echo: appended")
        entry.lines, _stray = _write(folder / file_name(command), command, received, None, secret)
        entry.ended = now()
        refusal = next((line.strip() for line in body.splitlines() if line.strip()), "")
        if CLI_ERROR.match(refusal):
            entry.state, entry.reason = "refused", refusal
        else:
            entry.state = "complete"
        previous = entry
        progress(f"{target.label}: {command}: {entry.state}, {plural(entry.lines, 'line')} "
                 f"in {time.monotonic() - began:.1f} s")


def _connect_failure(error: BaseException, policy: HostKeyPolicy, options: CollectOptions,
                     secret: Secret, offered: asyncssh.SSHKey | None = None) -> tuple[str, str]:
    if isinstance(error, asyncssh.PermissionDenied):
        if policy.password_expired:
            return "authentication", (f"the password of {options.user} has expired (the node asks for a new "
                                      "one): change it on the node's console or with its administrator")
        if secret.reveal() is None:
            return "authentication", (f"no password given for {options.user} and no SSH key accepted "
                                      "(give one with --password-env VAR, or run on a terminal)")
        return "authentication", f"authentication failed for user {options.user} (wrong password?)"
    if isinstance(error, asyncssh.HostKeyNotVerifiable):
        fingerprint = fingerprint_text(policy.key) if policy.key else "key fingerprint unknown"
        if policy.status == "changed":
            return "host_key_changed", (
                f"host key CHANGED: {fingerprint}, not the key in {options.known_hosts}; refused (if the "
                "node was reinstalled, check the new key with its administrator and replace the entry)")
        if policy.status == "unknown":
            return "host_key_unknown", (
                f"unknown host key ({fingerprint}): check it with the node's administrator, then rerun "
                f"with --accept-new or add it to {options.known_hosts}")
        return "host_key_changed", secret.scrub(f"host key refused: {error.reason}")
    if offered is not None and key_type(offered) not in policy.known_types:
        return "host_key_changed", (
            f"host key CHANGED: {options.known_hosts} holds {', '.join(policy.known_types)} for this node, "
            f"the node offers {fingerprint_text(offered)}; refused (OpenSSH says the key changed: check "
            "the new key with the node's administrator and replace the entry)")
    if isinstance(error, TimeoutError):
        return "timeout", f"timeout: no SSH session within {options.connect_timeout:g} s"
    if isinstance(error, asyncssh.Error):
        return "connect", secret.scrub(f"SSH error: {error.reason}")
    if isinstance(error, ConnectionRefusedError):
        return "connect", "connection refused (no SSH server listening on that port?)"
    if isinstance(error, OSError):
        why = os.strerror(error.errno) if error.errno else (error.strerror or type(error).__name__)
        return "connect", secret.scrub(f"cannot connect: {why}")
    return "connect", secret.scrub(f"cannot connect: {type(error).__name__}")


async def _offered_key(target: Target, options: CollectOptions) -> asyncssh.SSHKey | None:
    """The node's host key, asked for without logging in (to name a key type known_hosts lacks)."""
    try:
        return await asyncio.wait_for(asyncssh.get_server_host_key(
            target.host, target.port), options.connect_timeout)
    except (asyncssh.Error, OSError, TimeoutError, ValueError):
        return None


async def collect_host(target: Target, record: HostRecord, out: Path, options: CollectOptions,
                       known: asyncssh.SSHKnownHosts, secret: Secret, progress: Progress) -> None:
    """Fill `record` for one target; never raises (every failure becomes a state and a reason)."""
    record.started = now()
    policy = HostKeyPolicy(known, options, target)
    progress(f"{target.label}: connecting")
    try:
        conn = await asyncssh.connect(
            target.host, target.port, username=options.user, password=secret.reveal(),
            known_hosts=policy.match, client_factory=lambda: _Client(policy),
            connect_timeout=options.connect_timeout,
            # with a password, try it first: many agent keys could exhaust the server's auth tries
            **({"preferred_auth": PASSWORD_FIRST} if secret.reveal() else {}),
        )
    except (asyncssh.Error, OSError, TimeoutError, ValueError) as error:
        offered = None
        if policy.had_entries and policy.key is None and not isinstance(error, (
                asyncssh.PermissionDenied, ConnectionRefusedError, TimeoutError)):  # a key of another type?
            offered = await _offered_key(target, options)
        record.host_key = policy.record(offered)
        if offered is not None and key_type(offered) not in policy.known_types:
            record.host_key = HostKey(offered.get_fingerprint("sha256"), offered.get_algorithm(), "changed")
        record.failure, record.reason = _connect_failure(error, policy, options, secret, offered)
    else:
        record.host_key = policy.record(conn.get_server_host_key())
        async with conn:
            await _session(conn, target, record, out, options, progress, secret)
    record.ended = now()
    if record.failure is None:
        record.state = "complete"
    else:
        record.state = "partial" if record.commands else "failed"
    progress(f"{target.label}: {record.state}" + (f" ({record.reason})" if record.reason else ""))


async def _session(conn: asyncssh.SSHClientConnection, target: Target, record: HostRecord, out: Path,
                   options: CollectOptions, progress: Progress, secret: Secret) -> None:
    try:
        process = await conn.create_process(term_type=TERMINAL[0], term_size=TERMINAL[1],
                                            encoding="utf-8", errors="replace")
    except (asyncssh.Error, OSError) as error:
        record.failure, record.reason = "cli_not_ready", f"no CLI session: {type(error).__name__}"
        return
    session = _Session(process)
    progress(f"{target.label}: connected, waiting for the admin: prompt")
    try:
        await session.until_prompt(options.prompt_timeout)
    except _Cut as cut:
        record.failure = "cli_not_ready"
        record.reason = ("CLI not ready: the connection closed before the admin: prompt"
                         if cut.failure == "dropped"
                         else f"CLI not ready: no admin: prompt within {options.prompt_timeout:g} s")
        return
    try:
        await _commands(session, target, record, out, options, progress, secret)
    except _Cut:
        return
    except (asyncssh.Error, OSError) as error:
        record.failure, record.reason = "dropped", f"connection lost: {type(error).__name__}"
        return
    process.stdin.write_eof()


async def collect_all(targets: Sequence[Target], records: Sequence[HostRecord], out: Path,
                      options: CollectOptions, known: asyncssh.SSHKnownHosts, password: str | None,
                      progress: Progress) -> None:
    """Every target, at most `options.jobs` at a time; one failing host does not stop the others."""
    secret = Secret(password)
    gate = asyncio.Semaphore(options.jobs)

    async def one(target: Target, record: HostRecord) -> None:
        async with gate:
            try:
                await collect_host(target, record, out, options, known, secret, progress)
            except Exception as error:  # a bug must not stop the other hosts; the password is scrubbed
                record.ended, record.failure = now(), "internal"
                record.state = "partial" if record.commands else "failed"
                record.reason = secret.scrub(f"internal error: {type(error).__name__}: {error}")

    await asyncio.gather(*(one(t, r) for t, r in zip(targets, records, strict=True)))
