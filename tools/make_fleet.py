#!/usr/bin/env python3
"""Generate a fleet of capture bundles for `ucnb scan`: the tests, the fleet notebook, the benchmark.

Every node is simulated by the samples' own generator (`tools/make_samples.py`: the same processes,
PID clock, procps and top renderings, `show status`, `utils service list`), then given its story:

- clean (about half the nodes): no zombie;
- a stable leak: 1-6 `[sh] <defunct>` children under one running service's process;
- a growing leak: three `show process load num all` captures hours apart, the count rising between
  them (a leak rate and a PID-headroom forecast), the listing with the last; rarely a runaway one
  (60-120 new zombies an hour: the PIDs run out within weeks);
- a few broken bundles (`broken=True`): an empty zip, bytes that are not an archive, a zip of notes
  that are not captures, a tar whose member climbs out with `..`.

Bundles are zips (`case-0007.zip`), one folder per node inside. A mix of products (CUCM publisher and
subscribers, IM&P, Unity Connection), procps generations and versions. Seeded and deterministic:
the same arguments give the same bytes.

    python tools/make_fleet.py OUT --bundles 30 --nodes 2 --seed 7
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tarfile
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_samples as ms  # noqa: E402  (the samples' generator, tools/make_samples.py)

VERSIONS = {
    ("CUCM", "old"): ("11.5.1.21900-40", "11.5.1.18900-97"),
    ("CUCM", "new"): ("12.5.1.14900-63", "14.0.1.12900-161", "15.0.1.11900-23"),
    ("IMnP", "old"): ("11.5.1.18900-15",),
    ("IMnP", "new"): ("12.5.1.14900-4", "14.0.1.12900-5"),
    ("CUC", "old"): ("11.5.1.12900-21",),
    ("CUC", "new"): ("12.5.1.14900-18", "14.0.1.12900-69"),
}
OS_VERSION = {"old": "6.0.0.0-2", "new": "7.0.0.0-4"}
# (product, role, host suffix) of the nodes of a bundle, in order
LAYOUT = (("CUCM", "Publisher", "cucm-pub"), ("CUCM", "Subscriber", "cucm-sub1"),
          ("IMnP", "Publisher", "imp-pub"), ("CUC", "Publisher", "cuc-pub"),
          ("CUCM", "Subscriber", "cucm-sub2"))
FILES = (
    ms.FileSpec("show_status.txt", ("show status",)),
    ms.FileSpec("show_process_load.txt", ("show process load num all",)),
    ms.FileSpec("show_process_list_detail.txt", ("show process list detail",)),
    ms.FileSpec("utils_service_list.txt", ("utils service list",)),
)
BROKEN = ("empty.zip", "not-an-archive.zip", "notes.zip", "climbs-out.tar")


@dataclass(frozen=True)
class NodePlan:
    """What happens on one node: its leak (none, stable or growing)."""

    host: str
    product: str
    role: str
    gen: str
    version: str
    cpus: int
    rng_seed: int
    story: str  # clean, stable, growing, runaway
    zombies: int = 0  # stable: how many; growing: how many at the first capture
    growth_per_hour: int = 0  # growing: new zombies per hour


def plan_node(rng: random.Random, bundle: int, slot: int, cpus: int | None) -> NodePlan:
    product, role, suffix = LAYOUT[(bundle + slot) % len(LAYOUT)]
    gen = "old" if rng.random() < 0.3 else "new"
    story = rng.choices(("clean", "stable", "growing", "runaway"), weights=(50, 35, 12, 3))[0]
    return NodePlan(
        host=f"c{bundle:04d}-{suffix}", product=product, role=role, gen=gen,
        version=rng.choice(VERSIONS[(product, gen)]), cpus=cpus or rng.choice((4, 8, 16)),
        rng_seed=rng.randrange(1 << 30), story=story,
        zombies=0 if story == "clean" else rng.randint(1, 6),
        growth_per_hour={"growing": rng.randint(1, 12), "runaway": rng.randint(60, 120)}.get(story, 0),
    )


def _desc(plan: NodePlan, bundle: int, slot: int) -> ms.NodeDesc:
    base = ms.EX1.node if plan.gen == "new" else ms.EX2.node
    return replace(
        base, host=plan.host, product=plan.product, role=plan.role, version=plan.version,
        os_version=OS_VERSION[plan.gen], ip=f"10.{bundle // 250}.{bundle % 250}.{11 + slot}", gen=plan.gen,
        cpus=plan.cpus, rng_seed=plan.rng_seed, seed=None, cluster=(), peer="",
        detail="ef" if plan.gen == "new" else base.detail, forest="cmd",
    )


def _leak(state: ms.NodeState, rng: random.Random, count: int, start: datetime, end: datetime) -> None:
    """`count` defunct `sh` children, born between start and end, under one service's process."""
    services = [s.proc for s in ms.services_of(state.desc.product, state.desc.role, state.desc.gen)
                if s.state == "run" and s.proc is not None]
    servm = next(p.pid for p in state.procs.values() if p.comm == "servM")
    owners = sorted((p for p in state.procs.values() if p.ppid == servm
                     and any(p.comm == spec.comm and p.args == spec.args for spec in services)),
                    key=lambda p: p.pid)
    parent = owners[state.desc.rng_seed % len(owners)]
    for when in sorted(ms.rng_time(rng, start, end) for _ in range(count)):
        state.add(ms.Proc(state.alloc(when), parent.pid, parent.user, "sh", "[sh] <defunct>", when,
                          state="Z", cpu0=0.01, wchan="-"))


def node_files(plan: NodePlan, bundle: int, slot: int, capture: datetime) -> dict[str, str]:
    """The capture files of one node (name -> text)."""
    rng = random.Random(plan.rng_seed)
    desc = _desc(plan, bundle, slot)
    boot = capture - timedelta(days=rng.randint(9, 120), minutes=rng.randint(0, 600))
    if plan.growth_per_hour:
        first = capture - timedelta(hours=8)
        state = ms.build_node(desc, boot=boot, cli_at=first - timedelta(seconds=40))
        _leak(state, rng, plan.zombies, first - timedelta(days=2), first - timedelta(minutes=5))
        texts, state = ms.render_capture(state, FILES[:2], first)
        out = {"show_status.txt": texts["show_status.txt"],
               "show_process_load_1.txt": texts["show_process_load.txt"]}
        for n, at in enumerate((first + timedelta(hours=4), capture), start=2):
            _leak(state, rng, 4 * plan.growth_per_hour, at - timedelta(hours=4), at - timedelta(minutes=2))
            ms.login(state, at - timedelta(seconds=40))
            files = (ms.FileSpec(f"show_process_load_{n}.txt", ("show process load num all",)),)
            if n == 3:
                files += FILES[2:]
            texts, state = ms.render_capture(state, files, at)
            out.update(texts)
        return out
    state = ms.build_node(desc, boot=boot, cli_at=capture - timedelta(seconds=40))
    if plan.zombies:
        _leak(state, rng, plan.zombies, capture - timedelta(days=3), capture - timedelta(minutes=5))
    texts, _ = ms.render_capture(state, FILES, capture)
    return texts


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A byte-deterministic zip: sorted members, fixed timestamps, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 19, 10, 30, 0))
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name])
    return buffer.getvalue()


def broken_bundle(name: str) -> bytes:
    """The bytes of one of the BROKEN bundles."""
    if name == "empty.zip":
        return zip_bytes({})
    if name == "not-an-archive.zip":
        return bytes(random.Random(name).randrange(256) for _ in range(4096))
    if name == "notes.zip":
        return zip_bytes({"notes/readme.txt": b"customer says: phones slow since Tuesday\n"})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        data = b"admin:show status\n"
        info = tarfile.TarInfo("../../etc/cron.d/evil")
        info.size, info.mtime = len(data), 1_790_000_000
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def bundle_name(index: int) -> str:
    return f"case-{index:04d}.zip"


def fleet(bundles: int, *, nodes: int = 2, seed: int = 1, broken: bool = True, cpus: int | None = None,
          start: str = "2026-11-02 08:00:00") -> dict[str, bytes]:
    """File name -> bytes of every bundle of the fleet: `bundles` zips of `nodes` nodes each (capture
    times one every three hours from `start`), plus the BROKEN ones when `broken`."""
    out: dict[str, bytes] = {}
    for index in range(bundles):
        members = bundle_members(index, nodes=nodes, seed=seed, cpus=cpus, start=start)
        out[bundle_name(index)] = zip_bytes(members)
    if broken:
        out.update({name: broken_bundle(name) for name in BROKEN})
    return out


def bundle_members(index: int, *, nodes: int = 2, seed: int = 1, cpus: int | None = None,
                   start: str = "2026-11-02 08:00:00") -> dict[str, bytes]:
    """The members (node/file -> bytes) of bundle `index` of a fleet."""
    rng = random.Random(seed * 1_000_003 + index)
    capture = ms.ts(start) + timedelta(hours=3 * index, minutes=rng.randint(0, 59))
    members: dict[str, bytes] = {}
    for slot in range(nodes):
        plan = plan_node(rng, index, slot, cpus)
        at = capture + timedelta(minutes=4 * slot)
        for name, text in node_files(plan, index, slot, at).items():
            members[f"{plan.host}/{name}"] = text.encode("utf-8")
    return members


def write_fleet(out: Path, **options: object) -> list[Path]:
    """Write `fleet(**options)` into the folder `out`; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in fleet(**options).items():  # type: ignore[arg-type]
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--bundles", type=int, default=30)
    parser.add_argument("--nodes", type=int, default=2, help="nodes per bundle")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpus", type=int, help="CPUs per node (16: ~400 processes); default mixed")
    parser.add_argument("--no-broken", dest="broken", action="store_false")
    args = parser.parse_args(argv)
    written = write_fleet(args.out, bundles=args.bundles, nodes=args.nodes, seed=args.seed,
                          broken=args.broken, cpus=args.cpus)
    print(f"{len(written)} bundle(s) written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
