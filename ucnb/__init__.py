"""ucnb: zombie-process triage for Cisco UC admin-CLI captures.

    >>> import ucnb
    >>> bundle = ucnb.load("sample_outputs/ex1_cucm_amc/before")

Heavy faces (drawing, widgets, reports) live in their own modules and are imported on demand.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ucnb")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"


def load(*paths, **options):
    """Read a bundle: see `ucnb.bundle.load`."""
    from ucnb.bundle import load as _load

    return _load(*paths, **options)


__all__ = ["__version__", "load"]
