"""The options of `ucnb collect` (standard library only: the parser is built at every `ucnb` start)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `ucnb collect` (kept here so ucnb/cli.py stays small)."""
    parser.add_argument("hosts", nargs="*", metavar="HOST", help="name or address, optionally HOST:PORT")
    parser.add_argument("--hosts", dest="hosts_file", metavar="FILE", help="more hosts, one per line")
    parser.add_argument("--user", default="admin", help="CLI user (default admin)")
    parser.add_argument("--port", type=int, default=22, help="SSH port when HOST has none (default 22)")
    parser.add_argument("-o", "--output", metavar="DIR", help="new or empty folder for the bundle")
    parser.add_argument("--samples", type=_positive_int, default=3, metavar="N",
                        help="show process load snapshots for the trend (default 3)")
    parser.add_argument("--interval", type=_seconds, default=60.0, metavar="SECONDS",
                        help="between load snapshots (default 60)")
    parser.add_argument("--known-hosts", default="~/.ssh/known_hosts", metavar="FILE",
                        help="host keys to check against (default ~/.ssh/known_hosts)")
    parser.add_argument("--accept-new", action="store_true",
                        help="accept and remember an unknown host key (a changed key is always refused)")
    parser.add_argument("--password-env", metavar="VAR",
                        help="read the password from this environment variable (else a no-echo prompt)")
    parser.add_argument("--jobs", type=_positive_int, default=4, metavar="N",
                        help="nodes collected at the same time (default 4)")
    parser.add_argument("--connect-timeout", type=_timeout, default=15.0, metavar="SECONDS",
                        help="TCP, SSH handshake and login (default 15)")
    parser.add_argument("--prompt-timeout", type=_timeout, default=60.0, metavar="SECONDS",
                        help="wait for the admin: prompt after login (default 60)")
    parser.add_argument("--command-timeout", type=_timeout, default=120.0, metavar="SECONDS",
                        help="per command (default 120)")
    parser.add_argument("--print-commands", action="store_true",
                        help="print the commands to run by hand and how to save the session log")


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def _timeout(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("a timeout must be more than 0 seconds")
    return value
