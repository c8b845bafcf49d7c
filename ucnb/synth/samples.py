"""The `sample_outputs/` tree: the five examples, the cluster zip, the READMEs, `--check`."""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from .desc import Example, NodeDesc
from .examples import CLUSTER_CAPTURE, CLUSTER_FILES, CLUSTER_NODES, CLUSTER_ZIP, EXAMPLES
from .node import build_node, login
from .procs import ts
from .terminal import render_capture

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "sample_outputs"


def defunct_lines(texts: dict[str, str]) -> list[str]:
    hits = []
    for name, text in texts.items():
        for number, line in enumerate(text.split("\n"), start=1):
            if line.rstrip("\r").endswith("<defunct>"):
                clean = line.rstrip("\r").split("\r")[-1]
                hits.append(f"- `{name}` line {number}: `{clean.strip()}`")
    return hits


def parent_lines(texts: dict[str, str], parent: int) -> list[str]:
    """Where the parent's own row is: a listing row naming `parent` that is not a defunct child."""
    hits = []
    for name, text in texts.items():
        for number, line in enumerate(text.split("\n"), start=1):
            clean = line.rstrip("\r").split("\r")[-1]
            words = clean.split()
            if "<defunct>" in clean or str(parent) not in words[:4] or "/" not in clean:
                continue
            hits.append(f"- `{name}` line {number}: `{clean.strip()[:110]}`")
    return hits


def example_readme(ex: Example, before: dict[str, str], after: dict[str, str]) -> str:
    """The README of one worked example: the node, its files, what to look for, the answer, after."""
    d = ex.node
    seed = d.seed
    assert seed is not None
    zombies = ", ".join(str(p) for p in seed.zombie_pids)
    rows, pids = ("row", "PID") if len(seed.zombie_pids) == 1 else ("rows", "PIDs")
    lines = [
        f"# {ex.title}",
        "",
        ex.scenario,
        "",
        *_node_lines(d),
        "",
        *_file_lines(ex),
        "",
        "## What to look for",
        "",
        f"1. The `Tasks:` line of `show process load`: `{len(seed.zombie_pids)} zombie`.",
        "2. The word `defunct` in the process listings:",
        "",
        *defunct_lines(before),
        "",
        f"3. The PPID of the defunct {rows}, {seed.parent_pid}, and the row whose PID is {seed.parent_pid}:",
        "",
        *parent_lines(before, seed.parent_pid),
        "",
        "4. The service that owns it, in `utils service list` and the service catalogue.",
        "",
        "## The seed's answer",
        "",
        ex.answer,
        "",
        f"Zombie {pids}: {zombies}; parent PID: {seed.parent_pid}.",
        "",
        "## After",
        "",
    ]
    if ex.service:
        lines.append(
            f"`after/` holds `utils service restart {ex.service}`, then the checks: the zombie count is "
            "0, no `<defunct>` row is left, and the service's process is back with a new PID and a new "
            "start time."
        )
    else:
        lines.append(
            "`after/` holds `utils system restart` and the checks after the reboot: a short uptime, new "
            "PIDs, the zombie count is 0 and no `<defunct>` row is left."
        )
    lines += [
        "",
        "```",
        f"ucnb analyze sample_outputs/{ex.folder}/before",
        f"ucnb verify sample_outputs/{ex.folder}/before sample_outputs/{ex.folder}/after",
        "```",
        "",
    ]
    return "\n".join(lines)


_LISTING_STYLES = {
    "ef": "`ps -ef`-like (UID PID PPID C STIME TTY TIME CMD)",
    "elf": "`ps -elf`-like (F S UID PID PPID C PRI NI ADDR SZ WCHAN STIME TTY TIME CMD)",
    "cmd": "forest (PID PPID STAT CMD with `\\_` markers)",
    "user": "forest with users (USER PID PPID STAT CMD with `\\_` markers)",
    "axjf": "`ps axjf`-like forest (PPID PID PGID SID TTY TPGID STAT UID TIME COMMAND)",
}
_FILE_STYLES = {
    "file": "output only (written with the CLI's `file` option)",
    "session": "with `admin:` prompts",
    "putty": "raw PuTTY log",
}


def _node_lines(d: NodeDesc) -> list[str]:
    """The node, its `top` flavour and its listings' layouts, as a README's bullets."""
    gen = (
        "procps-ng 3.3.10 (CentOS 7 based UCOS): `KiB Mem :` summary, users cut to 7 characters + `+`"
        if d.gen == "new"
        else "procps 3.2.8 (RHEL 6 based UCOS): `Cpu(s): ..%us` and `Mem: ...k total` summary, users "
        "silently cut to 8 characters, ps shows numeric UIDs for longer names"
    )
    return [
        f"- Node: `{d.host}` ({d.product} {d.version}, {d.role.lower()}), up since {d.boot}.",
        f"- `show process load`: {gen}.",
        f"- `show process list detail`: {_LISTING_STYLES[d.detail]}; `show process list`: "
        f"{_LISTING_STYLES[d.forest]}.",
    ]


def _file_lines(ex: Example) -> list[str]:
    """The README's "Files" section: each file of `before/` and `after/`, its commands and style."""
    lines = ["## Files"]
    for folder, specs in (("before", ex.before), ("after", ex.after)):
        lines += ["", f"`{folder}/`:", ""]
        lines += [f"- `{spec.name}`: {', '.join(f'`{c}`' for c in spec.commands)}; {_FILE_STYLES[spec.style]}"
                  for spec in specs]
    return lines


def index_readme() -> str:
    lines = [
        "# Sample captures",
        "",
        "Synthetic but realistic admin-CLI captures of Cisco UC servers, one folder per worked example "
        "of the seed document ([`docs/zombie-troubleshooting-uc.txt`]"
        "(../docs/zombie-troubleshooting-uc.txt)), with the seed's PIDs. Each has `before/` "
        "(the zombies) and `after/` (the remediation and the checks), and a README.",
        "",
        "| folder | product | node | zombie PIDs <- parent | owner | remedy |",
        "|---|---|---|---|---|---|",
    ]
    for ex in EXAMPLES:
        seed = ex.node.seed
        assert seed is not None
        remedy = (
            f"`utils service restart {ex.service}`" if ex.service else "`utils system restart` (cosmetic)"
        )
        owner = ex.service or "SFTP to the peer IM&P node"
        lines.append(
            f"| [`{ex.folder}`]({ex.folder}/README.md) | {ex.node.product} {ex.node.version} | "
            f"`{ex.node.host}` | {', '.join(map(str, seed.zombie_pids))} <- {seed.parent_pid} | {owner} | "
            f"{remedy} |"
        )
    lines += [
        "",
        f"`{CLUSTER_ZIP}`: a cluster bundle as customers zip it, one folder per node (`cucm-pub/`, "
        "`cucm-sub1/`, `imp-pub/`), each with `show status`, `show network cluster`, `show process load "
        "num all`, `show process list detail` and `utils service list`. Only `cucm-sub1` has a zombie "
        "(example 1's AMC case); the publisher and the IM&P node are clean.",
        "",
        "## How they are made",
        "",
        "`tools/make_samples.py` generates every file from one description per example: it simulates each "
        "node once (kernel threads, init/systemd, platform daemons, Service Manager and the product's "
        "services, Informix instances, the admin CLI session) with a PID counter that wraps at 32768 back "
        "to 300, then renders each command from that state, so PIDs, users, start times, CPU times and "
        "counts agree across files. Both `top` generations (procps 3.2.8 and procps-ng 3.3.10), several "
        "listing flavours, files with and without prompts, a raw PuTTY log (ex3) and a zip are covered.",
        "",
        "```",
        "python tools/make_samples.py          # regenerate after changing the descriptions",
        "python tools/make_samples.py --check  # exit 1 when the committed files differ",
        "```",
        "",
        "Do not edit the files by hand: `tests/synth/test_samples.py` checks that they equal the generator's "
        "output.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The whole tree
# --------------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, str]) -> bytes:
    """A byte-deterministic zip: sorted members, fixed timestamps and attributes, stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 19, 10, 30, 0))
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, members[name].encode("utf-8"))
    return buffer.getvalue()


def generate() -> dict[str, bytes]:
    """Every generated file, path relative to sample_outputs/ -> bytes."""
    files: dict[str, bytes] = {}
    for ex in EXAMPLES:
        capture = ts(ex.capture)
        state = build_node(ex.node, cli_at=capture - timedelta(seconds=50))
        before, state = render_capture(state, ex.before, capture)
        login(state, capture + timedelta(minutes=ex.after_gap_min - 1))
        after, state = render_capture(state, ex.after, capture + timedelta(minutes=ex.after_gap_min))
        for name, text in before.items():
            files[f"{ex.folder}/before/{name}"] = text.encode("utf-8")
        for name, text in after.items():
            files[f"{ex.folder}/after/{name}"] = text.encode("utf-8")
        files[f"{ex.folder}/README.md"] = example_readme(ex, before, after).encode("utf-8")
    members: dict[str, str] = {}
    start = ts(CLUSTER_CAPTURE)
    for n, desc in enumerate(CLUSTER_NODES):
        at = start + timedelta(minutes=4 * n)
        state = build_node(desc, cli_at=at - timedelta(seconds=45))
        texts, _ = render_capture(state, CLUSTER_FILES, at)
        for name, text in texts.items():
            members[f"{desc.host}/{name}"] = text
    files[CLUSTER_ZIP] = zip_bytes(members)
    files["README.md"] = index_readme().encode("utf-8")
    return files


def write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Replace the generated entries under `out` (only those this script owns)."""
    out.mkdir(parents=True, exist_ok=True)
    for ex in EXAMPLES:
        shutil.rmtree(out / ex.folder, ignore_errors=True)
    for name, data in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def check(out: Path) -> list[str]:
    """Names of files that differ between `out` and a fresh generation (missing, extra or changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        write_tree(Path(tmp), generate())
        fresh = read_tree(Path(tmp))
    committed = read_tree(out) if out.exists() else {}
    return sorted(name for name in set(fresh) | set(committed) if fresh.get(name) != committed.get(name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="target folder (default: sample_outputs/)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the files in --out differ")
    args = parser.parse_args(argv)
    if args.check:
        differing = check(args.out)
        for name in differing:
            print(f"differs: {name}", file=sys.stderr)
        if differing:
            print("run: python tools/make_samples.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    files = generate()
    write_tree(args.out, files)
    print(f"wrote {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
