"""A Linux host or container (issue 23), not a UC node: the Linux commands in place of UCOS's, so no
face of a Linux node names a UC command (the diagnosis translates a Linux node's analysis once,
`ucnb.diagnosis.diagnose.in_linux_words`; `ucnb inspect` its warnings).

    >>> linux_words("capture `show process list detail`; `show process load num all` lists every one")
    'capture `ps -eo pid,ppid,user,stat,args`; `top -b -n 1` lists every one'
"""

from __future__ import annotations

LINUX_LISTING = "ps -eo pid,ppid,user,stat,args"
LINUX_COUNT = "top -b -n 1"
LINUX_REBOOT = "reboot"
# The kit's UCOS words and their Linux equivalents, longest first: every string of a Linux node's
# analysis goes through `linux_words` once (`ucnb.diagnosis.diagnose`), so no face names a UCOS command.
LINUX_WORDS = (
    ("show process load cont", "top -b -d 60 -n 15"),
    ("show process load counts", "top counts"),
    ("show process load num all", LINUX_COUNT),  # `top -b` lists every process
    ("show process load", LINUX_COUNT),
    ("show process list detail", LINUX_LISTING),
    ("show process list", LINUX_LISTING),
    ("`show status` (its date)", "`date`"),
    ("show status", "date"),
    ("utils system restart", LINUX_REBOOT),
)


# The process commands alone: what a parser's warning advises to capture (`ucnb inspect`); its other
# words describe the capture as it is (`no \`show status\` ties it to a node`).
PROCESS_WORDS = tuple((ucos, linux) for ucos, linux in LINUX_WORDS if ucos.startswith("show process"))


def linux_words(text: str | None, words: tuple[tuple[str, str], ...] = LINUX_WORDS) -> str | None:
    """The kit's words with the Linux commands in place of UCOS's (a Linux host or container).

    >>> linux_words("capture `show process load` again later, or `show process load cont`")
    'capture `top -b -n 1` again later, or `top -b -d 60 -n 15`'
    >>> linux_words("no `show status`; capture `show process list`", PROCESS_WORDS)
    'no `show status`; capture `ps -eo pid,ppid,user,stat,args`'
    """
    if not text:
        return text
    for ucos, linux in words:
        text = text.replace(ucos, linux)
    return text
