"""Fleet test data for `ucnb scan`: many bundles of several nodes, from `node_capture`.

Each node of a bundle draws its story from the fleet's seed: clean (about half), a stable leak
under one of its product's services (or the IM&P SFTP peer case), a growing leak (three
`show process load` captures hours apart), rarely a runaway leak (the PIDs run out within weeks).
Bundles are zips (`case-0007.zip`, one folder per node inside), capture times three hours apart;
`broken=True` adds the `BROKEN` bundles (empty, not an archive, no capture inside, a member
climbing out with `..`). Same arguments, same bytes.

>>> names = sorted(fleet(2, nodes=2, seed=1))
>>> names
['case-0000.zip', 'case-0001.zip', 'climbs-out.tar', 'empty.zip', 'not-an-archive.zip', 'notes.zip']
>>> sorted(bundle_members(0, nodes=2, seed=1)) == sorted(bundle_members(0, nodes=2, seed=1))
True

    python -m ucnb.synth.fleet OUT --bundles 30 --nodes 2 --seed 1
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .scenario import HOST_PREFIX, PRODUCTS, SFTP_PEER, node_capture, zombie_services

BROKEN = ("climbs-out.tar", "empty.zip", "not-an-archive.zip", "notes.zip")
START = datetime(2026, 11, 2, 8, 0)


@dataclass(frozen=True)
class NodePlan:
    """One node of a fleet bundle: what `node_capture` is asked for."""

    host: str
    product: str
    service: str | None  # None: a clean node
    seed: int
    zombies: int | None = None
    snapshots: int = 1
    interval_min: int = 30
    growing: bool = False


def plan_node(rng: random.Random, bundle: int, slot: int) -> NodePlan:
    """The story of node `slot` of bundle `bundle`."""
    first = rng.choice(("CUCM", "CUCM", "IMnP", "CUC"))
    product = PRODUCTS[(bundle + slot) % len(PRODUCTS)] if slot else first
    host = f"c{bundle:04d}-{HOST_PREFIX[product]}{slot + 1}"
    story = rng.choices(("clean", "stable", "growing", "runaway"), weights=(50, 35, 12, 3))[0]
    seed = rng.randrange(1 << 30)
    if story == "clean":
        return NodePlan(host, product, None, seed)
    names = sorted({s.name for gen in ("old", "new") for s in zombie_services(product, "Publisher", gen)})
    service = SFTP_PEER if product == "IMnP" and rng.random() < 0.15 else rng.choice(names)
    if story == "stable":
        return NodePlan(host, product, service, seed, zombies=rng.randint(1, 6))
    if story == "growing":
        return NodePlan(host, product, service, seed, zombies=rng.randint(6, 40), snapshots=3,
                        interval_min=rng.choice((120, 180, 240)), growing=True)
    return NodePlan(host, product, service, seed, zombies=rng.randint(150, 260), snapshots=3,
                    interval_min=60, growing=True)


def bundle_members(index: int, *, nodes: int = 2, seed: int = 1) -> dict[str, bytes]:
    """The members (`host/file` -> bytes) of bundle `index` of a fleet."""
    rng = random.Random(f"ucnb.synth.fleet/{seed}/{index}")
    captured = START + timedelta(hours=3 * index, minutes=rng.randint(0, 59))
    members: dict[str, bytes] = {}
    for slot in range(nodes):
        plan = plan_node(rng, index, slot)
        capture = node_capture(
            plan.product, plan.service, plan.seed, zombies=plan.zombies, snapshots=plan.snapshots,
            interval_min=plan.interval_min, growing=plan.growing, host=plan.host,
            captured_at=captured + timedelta(minutes=4 * slot),
        )
        members.update({f"{plan.host}/{name}": data for name, data in capture.files.items()})
    return members


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A byte-deterministic zip: sorted members, fixed timestamps, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 19, 10, 30, 0))
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name])
    return buffer.getvalue()


def broken_bundle(name: str) -> bytes:
    """The bytes of one of the `BROKEN` bundles."""
    if name == "empty.zip":
        return zip_bytes({})
    if name == "not-an-archive.zip":
        return random.Random(name).randbytes(4096)
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


def fleet(bundles: int, *, nodes: int = 2, seed: int = 1, broken: bool = True) -> dict[str, bytes]:
    """File name -> bytes of every bundle: `bundles` zips of `nodes` nodes, plus `BROKEN` ones."""
    out = {bundle_name(i): zip_bytes(bundle_members(i, nodes=nodes, seed=seed)) for i in range(bundles)}
    if broken:
        out.update({name: broken_bundle(name) for name in BROKEN})
    return out


def write_fleet(out: Path, bundles: int, *, nodes: int = 2, seed: int = 1, broken: bool = True) -> list[Path]:
    """Write a fleet into the folder `out` (made if needed); returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in fleet(bundles, nodes=nodes, seed=seed, broken=broken).items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ucnb.synth.fleet", description="Write a fleet.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--bundles", type=int, default=30)
    parser.add_argument("--nodes", type=int, default=2, help="nodes per bundle")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-broken", dest="broken", action="store_false")
    args = parser.parse_args(argv)
    written = write_fleet(args.out, args.bundles, nodes=args.nodes, seed=args.seed, broken=args.broken)
    print(f"{len(written)} {'bundle' if len(written) == 1 else 'bundles'} written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
