"""The header a typed `ps -o FORMAT` command prints, for its rows pasted without it.

`ps -eo pid,ppid,stat,etime,cmd | grep -w Z` keeps only the zombie rows: grep drops the header
line, yet the command line says which columns follow. The format specifiers (procps' `-o`, `o`,
`--format`, several of them, comma or space separated, `name=` and `name:width` forms) map to the
header names procps prints, which the listing parser reads like any header::

    ps -eo pid,ppid,stat,etime,cmd | grep -w Z  ->  PID PPID STAT ELAPSED CMD

None when the command is no `ps` with a format, when a specifier is unknown, when the command
column is not last (its spaces would shift the columns after it), or when a specifier prints values
with spaces (`lstart`).
"""

from __future__ import annotations

import shlex

from ucnb.read.recogniser import program_words

# procps specifier -> the header it prints (ps(1), STANDARD FORMAT SPECIFIERS)
_HEADERS = {
    **dict.fromkeys(("pid", "tgid"), "PID"), "ppid": "PPID", "pgid": "PGID", "pgrp": "PGRP",
    "sid": "SID", "sess": "SESS", "session": "SESS", "tpgid": "TPGID",
    **dict.fromkeys(("lwp", "spid", "tid"), "LWP"), **dict.fromkeys(("nlwp", "thcount"), "NLWP"),
    **dict.fromkeys(("user", "euser", "uname"), "USER"), "ruser": "RUSER",
    **dict.fromkeys(("uid", "euid"), "UID"), "ruid": "RUID", "gid": "GID", "group": "GROUP",
    "stat": "STAT", **dict.fromkeys(("s", "state"), "S"),
    **dict.fromkeys(("etime", "etimes"), "ELAPSED"), **dict.fromkeys(("time", "cputime"), "TIME"),
    "stime": "STIME", "start_time": "START", "bsdstart": "START", "start": "STARTED",
    **dict.fromkeys(("tty", "tt", "tname"), "TT"),
    **dict.fromkeys(("pcpu", "%cpu"), "%CPU"), **dict.fromkeys(("pmem", "%mem"), "%MEM"),
    **dict.fromkeys(("vsz", "vsize"), "VSZ"), **dict.fromkeys(("rss", "rssize"), "RSS"), "rsz": "RSZ",
    "sz": "SZ", "wchan": "WCHAN", **dict.fromkeys(("ni", "nice"), "NI"), "pri": "PRI", "c": "C",
    **dict.fromkeys(("f", "flag", "flags"), "F"), "psr": "PSR", "cls": "CLS", "rtprio": "RTPRIO",
    "cmd": "CMD", **dict.fromkeys(("args", "command"), "COMMAND"),
    **dict.fromkeys(("comm", "ucomm", "ucmd"), "COMMAND"),
}
_COMMANDS = frozenset({"CMD", "COMMAND"})
_FORMAT_OPTIONS = frozenset({"-o", "o", "--format", "-O"})


def typed_header(typed: str | None) -> str | None:
    """The header `typed` (a shell command line) prints before its rows, or None.

    >>> typed_header("ps -eo pid,ppid,stat,etime,cmd | grep -w Z")
    'PID PPID STAT ELAPSED CMD'
    >>> typed_header("sudo ps -e -o pid= -o ppid=,user:12 -o 'stat args'")
    'PID PPID USER STAT COMMAND'
    >>> typed_header("ps axo pid,ppid,stat,comm"), typed_header("ps --format=pid,stat,cmd")
    ('PID PPID STAT COMMAND', 'PID STAT CMD')
    >>> typed_header("ps -eo pid,args,ppid"), typed_header("ps -ef"), typed_header("ps -eo pid,lstart,cmd")
    (None, None, None)
    """
    try:
        words = shlex.split(typed.split("|", 1)[0]) if typed else []
    except ValueError:  # an unbalanced quote
        return None
    words = program_words(words)
    if not words or words[0].rsplit("/", 1)[-1] != "ps":
        return None
    specifiers = _specifiers(words[1:])
    if not specifiers:
        return None
    names = [_HEADERS.get(name.split("=", 1)[0].split(":", 1)[0].lower()) for name in specifiers]
    if None in names or names.count("PID") == 0 or names[-1] not in _COMMANDS:
        return None
    if any(name in _COMMANDS for name in names[:-1]):
        return None
    return " ".join(name for name in names if name)


def _specifiers(options: list[str]) -> list[str]:
    """The format specifiers of `ps` options, in order (`-eo a,b` `o a` `-o a -o b` `--format=a`)."""
    found: list[str] = []
    take = False
    for word in options:
        if take:
            found += word.replace(",", " ").split()
            take = False
        elif word.startswith("--format="):
            found += word.removeprefix("--format=").replace(",", " ").split()
        elif word in _FORMAT_OPTIONS or (word[:1] == "-" and word[1:].isalpha() and word.endswith("o")) or (
                word.isalpha() and word.endswith("o") and "o" not in word[:-1]):
            if word == "-O":
                return []  # -O adds to a default format: its header is not known from the command alone
            take = True
    return found
