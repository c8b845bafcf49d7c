"""A fake UCOS admin CLI over SSH (asyncssh's server API) for the `ucnb collect` tests.

Each `FakeNode` listens on 127.0.0.1 (a free port) and behaves like the platform CLI on a terminal:
the start-up banner (optionally slow), the `admin:` prompt, command echo, the real pager prompt until
`set cli pagination off`, the outputs of a sample node folder (`sample_outputs/`), unknown commands
answered as the CLI does, and fault modes. It records every line typed at the prompt.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from ucnb.read.capture import read_capture
from ucnb.read.sources import read_sources

PAGER = "Press <enter> for 1 line, <space> for one page, or <q> to quit"
PAGE_LINES = 20
BANNER = (
    "Command Line Interface is starting up, please wait ...\r\n\r\n"
    "   Welcome to the Platform Command Line Interface\r\n\r\n"
    "VMware Installation:\r\n        2 vCPU: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\r\n"
    "        Disk 1: 110GB, Partitions aligned\r\n        8192 Mbytes RAM\r\n\r\n"
)
KNOWN_VERBS = {"show", "utils", "set", "file", "run", "unset", "delete", "license"}


def sample_outputs(*paths: str | Path, node: str | None = None) -> dict[str, str]:
    """Command -> its output text, read from sample captures (prompt lines and pager noise dropped)."""
    outputs: dict[str, str] = {}
    for source in read_sources([str(p) for p in paths]).files:
        if node is not None and not source.name.startswith(node + "/"):
            continue
        capture = read_capture(source)
        raw = capture.text.split("\n")
        for section in capture.sections:
            text = "\n".join(raw[section.first_line - 1:section.last_line])
            command = section.command
            if section.typed is None and source.name.endswith("show_process_list.txt"):
                command = "show process list"  # the tree view, recognised by content as a listing
            outputs.setdefault(command, text)
    return outputs


@dataclass
class FakeNode:
    outputs: dict[str, str]
    password: str = "admin-pass"
    user: str = "admin"
    keyboard_interactive: bool = False  # offer only keyboard-interactive, as UCOS does ("Password:")
    start_delay: float = 0.0  # the CLI's start-up before the first prompt
    never_prompt: bool = False  # shows the banner and then nothing
    drop_in: str | None = None  # the connection drops half-way through this command's output
    output_delay: float = 0.0  # a slow node: seconds before each command's output
    endless_in: str | None = None  # this command's output never ends (a hostile or broken node)
    crlf: bool = False  # line ends as a terminal sends them (`\r\n`), as real OpenSSH servers do
    echo_on_read: bool = False  # the CLI echoes a line when it reads it (a readline CLI), not the pty
    fake_prompt_in: str | None = None  # after this command's echo: `admin:`, a pause, then its output
    echo_password: bool = False  # `show status` prints the password back (a confused server)
    password_expired: bool = False  # the password is right but must be changed
    host_key: asyncssh.SSHKey = field(default_factory=lambda: asyncssh.generate_private_key("ssh-ed25519"))
    port: int = 0
    received: list[str] = field(default_factory=list)  # every line typed at the prompt
    received_at: list[float] = field(default_factory=list)  # time.monotonic() of each
    cluster: FakeCluster | None = None

    def known_hosts_line(self, key: asyncssh.SSHKey | None = None) -> str:
        blob = (key or self.host_key).export_public_key("openssh").decode().split()[:2]
        return f"[127.0.0.1]:{self.port} {' '.join(blob)}\n"

    def answer(self, line: str) -> list[str] | None:
        """The lines the CLI prints for a command; None for a blank line."""
        words = line.split()
        if not words:
            return None
        command = " ".join(words)
        if command in self.outputs:
            return self.outputs[command].split("\n")
        if words[0] in KNOWN_VERBS:
            return ["Executed command unsuccessfully"]
        return [f"Invalid command: {command}"]


class _Server(asyncssh.SSHServer):
    def __init__(self, node: FakeNode) -> None:
        self.node = node

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return not self.node.keyboard_interactive

    def kbdint_auth_supported(self) -> bool:
        return self.node.keyboard_interactive

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> tuple:
        return "", "", "", [("Password: ", False)]

    def validate_kbdint_response(self, username: str, responses: list[str]) -> bool:
        return username == self.node.user and list(responses) == [self.node.password]

    def validate_password(self, username: str, password: str) -> bool:
        right = username == self.node.user and password == self.node.password
        if right and self.node.password_expired:
            raise asyncssh.PasswordChangeRequired("Your password has expired")
        return right


async def _cli(node: FakeNode, process: asyncssh.SSHServerProcess) -> None:
    cluster = node.cluster
    assert cluster is not None
    cluster.active += 1
    cluster.max_active = max(cluster.max_active, cluster.active)
    try:
        await _dialogue(node, process)
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, asyncssh.Error, OSError):
        pass
    finally:
        cluster.active -= 1
        process.exit(0)


class _Terminal:
    """The node's output, `\\n` sent as `\\r\\n` when the node is `crlf`."""

    def __init__(self, node: FakeNode, stream: asyncssh.SSHWriter) -> None:
        self.node, self.stream = node, stream

    def write(self, text: str) -> None:
        self.stream.write(re.sub(r"(?<!\r)\n", "\r\n", text) if self.node.crlf else text)

    async def drain(self) -> None:
        await self.stream.drain()


async def _dialogue(node: FakeNode, process: asyncssh.SSHServerProcess) -> None:
    out = _Terminal(node, process.stdout)
    out.write(BANNER[:57])  # the first line, then the start-up pause
    await asyncio.sleep(node.start_delay)
    out.write(BANNER[57:])
    if node.never_prompt:
        await asyncio.sleep(3600)
    paging = True
    while True:
        out.write("admin:")
        line = await process.stdin.readline()
        if not line:
            return
        typed = line.strip()
        node.received.append(typed)
        node.received_at.append(time.monotonic())
        if node.echo_on_read:
            out.write(typed + "\n")
        if typed == node.fake_prompt_in:
            out.write("admin:")
            await asyncio.sleep(0.5)
        if typed == "set cli pagination off":
            paging = False
            out.write("\nAutomatic pagination is turned off\n\n")
            continue
        lines = node.answer(typed)
        if lines is None:
            continue
        if node.echo_password and typed == "show status":
            lines = [*lines, f"Last login password: {node.password}"]
        await asyncio.sleep(node.output_delay)
        while typed == node.endless_in:
            if process.channel.is_closing():
                return
            out.write("x" * 79 + "\n")
            await out.drain()
            await asyncio.sleep(0.001)  # paced: unpaced, 64 MiB came before a Ctrl-C test on a quiet machine
        if typed == node.drop_in:
            out.write("\n".join(lines[: len(lines) // 2]))
            await out.drain()
            process.channel.get_connection().abort()
            return
        if not await _page(process, lines, paging, node):
            continue


async def _page(process: asyncssh.SSHServerProcess, lines: list[str], paging: bool,
                node: FakeNode | None = None) -> bool:
    """Print `lines`, stopping at the pager prompt every page while paging is on."""
    out = _Terminal(node, process.stdout) if node is not None else process.stdout
    shown = 0
    while shown < len(lines):
        step = len(lines) if not paging else PAGE_LINES
        out.write("".join(text + "\n" for text in lines[shown:shown + step]))
        shown += step
        if shown < len(lines):
            out.write(PAGER)
            process.channel.set_line_mode(False)
            key = await process.stdin.read(1)
            process.channel.set_line_mode(True)
            out.write("\r" + " " * len(PAGER) + "\r")
            if key in ("", "q"):
                return False
    return True


class FakeCluster:
    """Fake nodes served from a background event loop (the collector runs its own `asyncio.run`)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.servers: list[asyncssh.SSHAcceptor] = []
        self.active = 0  # CLI sessions open now, on all nodes
        self.max_active = 0

    def add(self, node: FakeNode) -> FakeNode:
        node.cluster = self
        async def start() -> asyncssh.SSHAcceptor:
            return await asyncssh.create_server(
                lambda: _Server(node), "127.0.0.1", 0, server_host_keys=[node.host_key],
                line_editor=not node.echo_on_read,
                process_factory=lambda process: _cli(node, process),
            )

        server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        node.port = server.sockets[0].getsockname()[1]
        self.servers.append(server)
        return node

    def close(self) -> None:
        async def stop() -> None:
            for server in self.servers:
                server.close()
                await server.wait_closed()
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:  # sessions still open (a node that never shows the prompt)
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
