"""A worker's warm-up: the imports and first-use work done once, before the first bundle's time is
counted. The local pool's fork server imports `ucnb.fleet.warm_server` (`multiprocessing`'s
forkserver preload), which calls `up()`, so each worker forked from it starts warm; a Dask worker
calls `up()` itself.

    >>> from ucnb.fleet import warm
    >>> warm.up() is None and warm.WARM
    True
"""

from __future__ import annotations

import os
import tempfile

WARM = False


def up() -> None:
    """Read and diagnose a small generated capture, once a process: the imports (~0.03 s) and what
    the first bundle would pay (the lazy imports, the regexes compiled: ~0.2 s). Not pandas: a scan's
    rows are made from the parsed columns (it would cost ~0.4 s more a process)."""
    global WARM
    if WARM:
        return
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # freed batches go back (bench/: memory)
    from ucnb.fleet.rows import BundleRef, ScanOptions, bundle_rows
    from ucnb.synth.scenario import node_capture

    with tempfile.TemporaryDirectory(prefix="ucnb-warm-") as folder:
        for name, data in node_capture("CUCM", "Cisco AMC Service", seed=1, zombies=1).files.items():
            with open(os.path.join(folder, name), "wb") as stream:
                stream.write(data)
        bundle_rows(BundleRef(folder, None), ScanOptions(), "warm-up")
    WARM = True

