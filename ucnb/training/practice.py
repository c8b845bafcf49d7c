"""`ucnb practice`: a fresh exercise, a realistic capture of a random service with its answer key.

The service is drawn from the catalogue (the services of the product that run a process of their
own, plus the IM&P SFTP peer case); the capture comes from `ucnb.synth` (other PIDs, sizes, file
layouts, terminal noise for every seed). Same seed, same bytes. A variant (`VARIANTS`, `SHARES`) is drawn too:
one zombie group, two groups under two services, a capture with no process listing (the answer is
to recollect it) or a count that grows between three `show process load` snapshots.

The answer key is written away from the exercise (`DIR.answer.json` beside the folder, or `--key
FILE`), so the folder can be handed to a trainee as it is.

>>> files, key = make_exercise(7, product="CUC", variant="one")
>>> key.action, key == make_exercise(7, product="CUC", variant="one")[1]
('restart_service', True)
"""

from __future__ import annotations

import random
from pathlib import Path

from ucnb.errors import InputError
from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.synth import PRODUCTS, SFTP_PEER, NodeCapture, node_capture, zombie_services
from ucnb.training.answer import VARIANTS, AnswerKey, GroupKey

SFTP_SHARE = 0.25  # of IM&P exercises with one group: the SFTP-to-peer case
SHARES = {"one": 0.55, "two-groups": 0.15, "no-listing": 0.15, "growing": 0.15}  # of each of VARIANTS


def services(product: str) -> list[str]:
    """Catalogue services of `product` that the generator can make leak (sorted)."""
    known = {s.name for s in CATALOGUE.services if product in s.products}
    generated = {s.name for gen in ("old", "new") for s in zombie_services(product, "Publisher", gen)}
    return sorted(known & generated)


def _capture(rng: random.Random, product: str, variant: str) -> NodeCapture:
    """The node capture of one variant (a second service is drawn until the node can run both)."""
    seed = rng.randrange(1 << 30)
    if variant == "one" and product == "IMnP" and rng.random() < SFTP_SHARE:
        return node_capture(product, SFTP_PEER, seed=seed)
    names = services(product)
    service = rng.choice(names)
    if variant == "growing":
        return node_capture(product, service, seed=seed, snapshots=3, growing=True,
                            zombies=rng.randint(3, 5), interval_min=rng.choice((20, 30, 60)))
    if variant == "no-listing":
        return node_capture(product, service, seed=seed, listing=False)
    if variant == "two-groups":
        others = [name for name in names if name != service]
        rng.shuffle(others)
        for other in others:
            try:
                return node_capture(product, service, seed=seed, also=other)
            except ValueError:  # the same process, or a service this node does not run
                continue
        raise InputError(f"no second service can leak beside {service} on {product}")  # never: tested
    return node_capture(product, service, seed=seed)


def make_exercise(
    seed: int, product: str | None = None, variant: str | None = None
) -> tuple[dict[str, bytes], AnswerKey]:
    """The capture files (name -> bytes) and the answer key of exercise `seed`."""
    if product is not None and product not in PRODUCTS:
        raise InputError(f"--product must be one of {', '.join(PRODUCTS)}, not {product!r}")
    if variant is not None and variant not in VARIANTS:
        raise InputError(f"--variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
    rng = random.Random(f"ucnb.practice/{seed}")
    product = product or rng.choice(PRODUCTS)
    drawn = rng.choices(VARIANTS, weights=[SHARES[name] for name in VARIANTS])[0]
    variant = variant or drawn
    capture = _capture(rng, product, variant)
    key = AnswerKey(
        node=capture.host,
        zombie_pids=capture.zombie_pids,
        ppid=capture.ppid or 0,
        service=capture.service,
        action="recollect" if variant == "no-listing" else capture.action,
        zombie_counts=capture.zombie_counts,
        other_groups=tuple(
            GroupKey(group.zombie_pids, group.ppid, group.service, "restart_service")
            for group in capture.other_groups
        ),
        variant=variant,
    )
    return capture.files, key


def key_beside(directory: str | Path) -> Path:
    """Where the answer key goes by default: `DIR.answer.json` beside the exercise folder DIR.

    >>> key_beside("/tmp/ex7").as_posix()
    '/tmp/ex7.answer.json'
    """
    folder = Path(directory).absolute()
    return folder.parent / f"{folder.name}.answer.json"


def write_exercise(
    directory: str | Path,
    seed: int,
    product: str | None = None,
    *,
    variant: str | None = None,
    key_path: str | Path | None = None,
) -> tuple[AnswerKey, Path]:
    """DIR/bundle/ (the capture) and the answer key at `key_path` (default `DIR.answer.json`,
    beside DIR, never inside it); DIR must be new or empty, the key file must not exist yet."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError(f"{directory}: not an empty folder (practice writes a new exercise there)")
    key_file = Path(key_path) if key_path is not None else key_beside(directory)
    if key_file.absolute().is_relative_to(directory.absolute()):
        raise InputError(f"{key_file}: the answer key must not be inside the exercise folder {directory}")
    if key_file.exists() or key_file.is_symlink():
        raise InputError(f"{key_file}: already exists (practice never overwrites an answer key)")
    files, key = make_exercise(seed, product, variant)
    try:
        (directory / "bundle").mkdir(parents=True, exist_ok=True)
        for name, data in sorted(files.items()):
            (directory / "bundle" / name).write_bytes(data)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        with key_file.open("x", encoding="utf-8") as out:
            out.write(key.to_json())
    except OSError as error:
        raise InputError(f"{directory}: cannot write the exercise ({error.strerror})") from None
    return key, key_file
