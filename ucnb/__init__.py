"""ucnb: zombie-process triage for Cisco UC admin-CLI captures.

    >>> import ucnb
    >>> bundle = ucnb.load("sample_outputs/ex1_cucm_amc/before")
    >>> ucnb.diagnose(bundle).nodes[0].groups[0].service
    'Cisco AMC Service'
    >>> ucnb.compare(bundle, ucnb.load("sample_outputs/ex1_cucm_amc/after")).nodes[0].verdict
    'cleared'

Heavy faces (drawing, widgets, reports) live in their own modules and are imported on demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the facade imports each layer on first call
    import pandas as pd

    from ucnb.model.findings import Analysis, Verification
    from ucnb.model.results import Bundle


def __getattr__(name: str) -> str:
    """`ucnb.__version__`: `ucnb.version.kit_version()`, read on first use (it costs start-up time)."""
    if name == "__version__":
        from ucnb.version import kit_version  # not in `import ucnb.cli` (which imports this package)

        value = globals()["__version__"] = kit_version()
        return value
    raise AttributeError(f"module 'ucnb' has no attribute {name!r}")


def load(*paths: str | PathLike[str], **options: Any) -> Bundle:
    """Read a bundle: see `ucnb.read.bundle.load`."""
    from ucnb.read.bundle import load as _load  # ~130 ms: not in `import ucnb.cli` (which imports us)

    return _load(*paths, **options)


def diagnose(bundle: Bundle, **options: Any) -> Analysis:
    """The diagnosis of every node (`ucnb.model.findings.Analysis`): `ucnb.diagnosis.diagnose.diagnose`."""
    from ucnb.diagnosis.diagnose import diagnose as _diagnose  # networkx: not in `import ucnb.cli`

    return _diagnose(bundle, **options)


def compare(before: Bundle, after: Bundle, **options: Any) -> Verification:
    """Before against after, per node (`ucnb.model.findings.Verification`): see diagnosis.verify.compare."""
    from ucnb.diagnosis.verify import compare as _compare  # pandas, networkx: not in `import ucnb.cli`

    return _compare(before, after, **options)


def scan(paths: Sequence[str | PathLike[str]] | str | PathLike[str], **options: Any) -> pd.DataFrame:
    """One row per node per bundle of a fleet, as a pandas DataFrame: see `ucnb.fleet.scan.scan`."""
    from ucnb.fleet.scan import scan as _scan  # the diagnosis, networkx: not in `import ucnb.cli`

    return _scan(paths, **options)


__all__ = ["__version__", "compare", "diagnose", "load", "scan"]
