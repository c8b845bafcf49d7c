"""The options of `ucnb collect` (standard library only: the parser is built at every `ucnb` start)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

MAX_SAMPLES = 1440  # load snapshots: a day at one a minute (10**9 filled 4.9 GB in 8 s)
MAX_SECONDS = 86_400.0  # an interval or a timeout: at most a day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `ucnb collect` (kept here so ucnb/cli.py stays small)."""
    parser.add_argument("hosts", nargs="*", metavar="HOST", help="name or address, optionally HOST:PORT")
    parser.add_argument("--hosts", dest="hosts_file", metavar="FILE", help="more hosts, one per line")
    parser.add_argument("--user", default="admin", help="CLI user (default admin)")
    parser.add_argument("--port", type=whole(1, 65535, "port"), default=22,
                        help="SSH port when HOST has none (default 22)")
    parser.add_argument("-o", "--output", metavar="DIR", help="new or empty folder for the bundle")
    parser.add_argument("--samples", type=whole(1, MAX_SAMPLES, "samples"), default=3, metavar="N",
                        help=f"show process load snapshots for the trend (default 3, at most {MAX_SAMPLES})")
    parser.add_argument("--interval", type=_seconds, default=60.0, metavar="SECONDS",
                        help="between load snapshots (default 60)")
    parser.add_argument("--known-hosts", default="~/.ssh/known_hosts", metavar="FILE", action=_Once,
                        help="host keys to check against (default ~/.ssh/known_hosts)")
    parser.add_argument("--accept-new", action="store_true",
                        help="accept and remember an unknown host key (a changed key is always refused)")
    parser.add_argument("--password-env", metavar="VAR",
                        help="read the password from this environment variable (else a no-echo prompt)")
    parser.add_argument("--jobs", type=whole(1, 64, "jobs"), default=4, metavar="N",
                        help="nodes collected at the same time (default 4)")
    parser.add_argument("--connect-timeout", type=_timeout, default=15.0, metavar="SECONDS",
                        help="TCP, SSH handshake and login (default 15)")
    parser.add_argument("--prompt-timeout", type=_timeout, default=60.0, metavar="SECONDS",
                        help="wait for the admin: prompt after login (default 60)")
    parser.add_argument("--command-timeout", type=_timeout, default=120.0, metavar="SECONDS",
                        help="per command (default 120)")
    parser.add_argument("--print-commands", action="store_true",
                        help="print the commands to run by hand and how to save the session log")


def whole(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse `type`: a whole number from `low` to `high`, else one line saying so.

    >>> whole(1, 64, "a number of jobs")("8")
    8
    >>> whole(1, 64, "a number of jobs")("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '0' is not a whole number from 1 to 64
    """

    def read(text: str) -> int:
        digits = text.strip().removeprefix("-")
        if not digits.isdigit() or len(digits) > 12 or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number from {low:,} to {high:,}")
        return int(text)

    read.__name__ = what  # argparse names the type in its own messages
    return read


class _Once(argparse.Action):
    """An option that may be given once (`--known-hosts` twice: the last won silently)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        if getattr(namespace, "_given_" + self.dest, False):
            parser.error(f"{option_string} given twice: give one file")
        setattr(namespace, "_given_" + self.dest, True)
        setattr(namespace, self.dest, values)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of seconds from 0 to 86,400")
    return value


def _timeout(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("a timeout must be more than 0 seconds")
    return value
