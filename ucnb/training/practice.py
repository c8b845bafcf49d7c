"""`ucnb practice`: a fresh exercise, a realistic capture of a random service with its answer key.

The service is drawn from the catalogue (the services of the product that run a process of their
own, plus the IM&P SFTP peer case); the capture comes from `ucnb.synth` (other PIDs, sizes, file
layouts, terminal noise for every seed). Same seed, same bytes.

>>> files, key = make_exercise(7, product="CUC")
>>> key.action, key == make_exercise(7, product="CUC")[1]
('restart_service', True)
"""

from __future__ import annotations

import random
from pathlib import Path

from ucnb.errors import InputError
from ucnb.knowledge.catalogue import CATALOGUE
from ucnb.synth import PRODUCTS, SFTP_PEER, node_capture, zombie_services
from ucnb.training.answer import AnswerKey

SFTP_SHARE = 0.25  # of IM&P exercises: the SFTP-to-peer case


def services(product: str) -> list[str]:
    """Catalogue services of `product` that the generator can make leak (sorted)."""
    known = {s.name for s in CATALOGUE.services if product in s.products}
    generated = {s.name for gen in ("old", "new") for s in zombie_services(product, "Publisher", gen)}
    return sorted(known & generated)


def make_exercise(seed: int, product: str | None = None) -> tuple[dict[str, bytes], AnswerKey]:
    """The capture files (name -> bytes) and the answer key of exercise `seed`."""
    if product is not None and product not in PRODUCTS:
        raise InputError(f"--product must be one of {', '.join(PRODUCTS)}, not {product!r}")
    rng = random.Random(f"ucnb.practice/{seed}")
    product = product or rng.choice(PRODUCTS)
    if product == "IMnP" and rng.random() < SFTP_SHARE:
        service = SFTP_PEER
    else:
        service = rng.choice(services(product))
    capture = node_capture(product, service, seed=rng.randrange(1 << 30))
    key = AnswerKey(
        node=capture.host,
        zombie_pids=capture.zombie_pids,
        ppid=capture.ppid or 0,
        service=capture.service,
        action=capture.action,
        also_right=("leave",) if service == SFTP_PEER else (),
    )
    return capture.files, key


def write_exercise(directory: str | Path, seed: int, product: str | None = None) -> AnswerKey:
    """DIR/bundle/ (the capture) and DIR/answer.json; DIR must be new or empty."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError(f"{directory}: not an empty folder (practice writes a new exercise there)")
    files, key = make_exercise(seed, product)
    try:
        (directory / "bundle").mkdir(parents=True, exist_ok=True)
        for name, data in sorted(files.items()):
            (directory / "bundle" / name).write_bytes(data)
        (directory / "answer.json").write_text(key.to_json(), encoding="utf-8")
    except OSError as error:
        raise InputError(f"{directory}: cannot write the exercise ({error.strerror})") from None
    return key
