"""Descriptions of a node and of a capture: what `build_node` simulates and what the files hold."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seed:
    """The seed's case: a parent and its defunct children, PIDs exactly as the seed gives them.

    parent: the comm of a service process on the node, or "sftp" for the IM&P peer connection.
    parent_start None: the parent runs since boot.
    """

    parent: str
    parent_pid: int
    parent_start: str | None
    zombie_pids: tuple[int, ...]
    zombie_starts: tuple[str, ...]
    zombie_comm: str
    zombie_cpu: float = 0.01


@dataclass(frozen=True)
class NodeDesc:
    host: str
    product: str  # CUCM, IMnP, CUC
    role: str  # Publisher / Subscriber
    version: str
    os_version: str
    ip: str
    gen: str  # "old": procps 3.2.8 (RHEL 6); "new": procps-ng 3.3.10 (CentOS 7)
    boot: str
    cpus: int
    mem_mib: int
    cli_user: str  # the platform administrator's OS account (the prompt is always "admin:")
    timezone: str
    detail: str  # `show process list detail` flavour: "ef" or "elf"
    forest: str  # `show process list` flavour: "cmd", "user" or "axjf"
    rng_seed: int
    seed: Seed | None = None
    more_seeds: tuple[Seed, ...] = ()  # other parents with zombies (each started after boot)
    boot_pids: int = 6000  # the PID counter when the boot settled
    pid_rate: int = 1300  # PIDs per day after the last anchor
    blank_before_header: bool = True  # top prints an empty line before the table
    cluster: tuple[tuple[str, str, str, str], ...] = ()  # (ip, host, role, type) for show network cluster
    domain: str = "corp.example.com"
    peer: str = ""  # IM&P: the node the SFTP connection goes to
    out_of_service: tuple[str, ...] = ()  # services an admin stopped ("Commanded Out of Service")


@dataclass(frozen=True)
class FileSpec:
    """One file of a capture. style: "file" (written by the CLI's `file` option: output only),
    "session" (prompts and outputs, LF), "putty" (raw PuTTY log: header, banner, CRLF, ANSI, pagers).
    gap_min: minutes that pass before this file's first command."""

    name: str
    commands: tuple[str, ...]
    style: str = "session"
    gap_min: float = 0.0


@dataclass(frozen=True)
class Example:
    folder: str
    title: str
    node: NodeDesc
    capture: str  # when the before capture starts
    before: tuple[FileSpec, ...]
    after: tuple[FileSpec, ...]
    after_gap_min: int
    scenario: str
    answer: str  # the seed's answer
    service: str | None  # the display name to restart (None: reboot)
