"""The run of `ucnb collect`: prepare the output folder, drive the SSH sessions of
`ucnb.collect.ssh` over the plan's targets, write `collect.json` (`ucnb.collect.plan` holds the plan,
the records and the summary).
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ucnb.collect.plan import (
    CollectOptions,
    CollectResult,
    HostRecord,
    Progress,
    Target,
    assign_folders,
    now,
)
from ucnb.collect.ssh import collect_all, load_known_hosts
from ucnb.errors import InputError
from ucnb.version import kit_version


def prepare_output(out_dir: str) -> Path:
    """A new or empty folder: a collection never mixes with or overwrites an earlier one."""
    path = Path(out_dir)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise InputError(f"-o {out_dir}: exists and is not an empty folder (choose a new one)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"-o {out_dir}: cannot create it ({error.strerror})") from None
    return path


def collect(
    targets: Sequence[Target],
    out_dir: str,
    options: CollectOptions,
    password: str | None = None,
    progress: Progress | None = None,
) -> CollectResult:
    """Collect from every target (at most `options.jobs` at a time) into `out_dir`; write collect.json."""
    known = load_known_hosts(options.known_hosts)
    path = prepare_output(out_dir)
    targets = assign_folders(targets)
    result = CollectResult(str(path), options, [], now(), "", kit_version())
    records = [HostRecord(t.label, t.host, t.port, t.folder) for t in targets]
    result.hosts = records
    try:
        asyncio.run(collect_all(targets, records, path, options, known, password, progress or _quiet))
    finally:
        for record in records:
            if not record.ended:  # interrupted before this host finished
                record.ended = now()
                record.failure = record.failure or "interrupted"
                record.reason = record.reason or "the collection was interrupted"
                record.state = "partial" if record.commands else "failed"
        result.ended = now()
        (path / "collect.json").write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    return result


def _quiet(_line: str) -> None:
    pass


def read_password(env_var: str | None, user: str) -> str | None:
    """From the named environment variable, else a no-echo prompt on a terminal, else None
    (keys or an agent, as the SSH library provides)."""
    if env_var:
        value = os.environ.get(env_var)
        if value is None:
            raise InputError(f"--password-env {env_var}: the variable is not set")
        return value
    if sys.stdin.isatty():
        return getpass.getpass(f"password for {user} (not shown): ") or None
    return None
