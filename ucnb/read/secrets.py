"""Credentials are never echoed: a password or secret in a capture is masked as the file is decoded
(`ucnb.read.capture.decode`), before anything parses, shows, quotes, hashes or redacts it, so no face
(text, JSON, reports, case note, app, redacted copy) can forget it.

What is masked (the value becomes `********`, quotes and separators kept, line count unchanged):
- `key=value`, `key: value`, `"key": "value"`, `<key>value</key>` whose key names a secret: `password`,
  `passwd`, `pass`, `pwd`, `passphrase`, `secret`, `token`, `credential`, `api_key`, `community`, in
  any case and inside a longer key (`-Djdbc.password=`, `DB_PASSWORD=`, `;password=` of a JDBC URL);
- options followed by their value: `--password x`, `-password x`, `--pass x`, `-pw x` (plink),
  `sshpass -p x`, `mysql -px`;
- the password of `scheme://user:password@host` (a `/` or `@` inside it too) and of `user:password@host`.

    >>> mask_secrets("jdbc:informix-sqli://db:1526/ccm:informixserver=x;user=u;password=a/b;x=1")
    'jdbc:informix-sqli://db:1526/ccm:informixserver=x;user=u;password=********;x=1'
    >>> mask_secrets("/opt/tool --password 'p w' --host h PASSWORD=s3 sftp://u:pa/ss@h/x")
    "/opt/tool --password '********' --host h PASSWORD=******** sftp://u:********@h/x"

Each pattern starts at its keyword or marker and reads a bounded value: linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MASK = "********"
_VALUE = r"""(?:"[^"\n]{0,512}"|'[^'\n]{0,512}'|[^\s;&'"<>]+)"""
_OPTIONS = r"(?:[ \t]+(?!-p)\S{1,40}){0,8}?"  # up to 8 words before `-p`
_SECRET_KEY = r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|credential|api[_-]?key|community)"
SECRETS = re.compile(
    # key=value, key: value, "key": "value", key="value", <key>value<: the keyword inside the key
    rf"(?i:{_SECRET_KEY})(?i:[\w.-]{{0,40}}?)(?P<sep>[\"']?[ \t]*[=:][ \t]*|>)(?P<value>{_VALUE})"
    # --password x, -password x, --pass x, -pw x: an option, then its value
    rf"|(?<![\w-])(?i:--?(?:password|passwd|pass|pwd|passphrase|secret|token)|-pw)[ \t]+"
    rf"(?P<optvalue>{_VALUE})"
    # sshpass -p x, sshpass -px, mysql -px (options before it)
    rf"|(?<![\w-])(?:sshpass{_OPTIONS}[ \t]+-p[ \t]*|mysql(?:admin|dump)?{_OPTIONS}[ \t]+-p)"
    rf"(?P<pvalue>{_VALUE})"
    # scheme://user:password@host (the password may hold `/` or `@`): up to the `@` before the host
    r"|(?<=://)(?P<uiuser>[^:/@\s]{1,64}):(?P<uipass>\S{0,256}?)@(?=[\w.\-\[\]]{1,255}(?:[:/?#\s'\"]|$))"
    # user:password@host without a scheme
    r"|(?<![\w.+/:-])(?P<user>[A-Za-z_][\w.+-]{0,63}):(?P<pass>[^\s@:/]{1,128})@(?=[A-Za-z0-9\[])",
    re.MULTILINE,
)
# A cheap first look at the lower-cased text: the lines with a keyword or a userinfo shape.
_HINT = re.compile(r"pass|pwd|secret|token|credential|api[_-]?key|community|-pw\b|mysql|:[^\s@:]{0,300}@")
_HINT_ANY_CASE = re.compile(_HINT.pattern, re.IGNORECASE)  # where lower() changes a length (rare)
# A piece of each of `_HINT`'s branches: a line holding none of them has no hint, found by one C
# substring scan each (~0.01 ms a capture) rather than the alternation's try at every position (~0.4).
_HINT_PIECES = ("pass", "pwd", "secret", "token", "credential", "key", "community", "-pw", "mysql", "@")
_CHUNK = 4 * 2**20
_SPACE = re.compile(r"\s")
_BEFORE, _AFTER = 80, 1000  # 8 options of 40 before `-p`, a quoted value of 512; then to a space


def _mask(match: re.Match[str]) -> str:
    for name in ("value", "optvalue", "pvalue", "uipass", "pass"):
        value = match.group(name)
        if value is None:
            continue
        if value.strip("\"'") in ("", MASK):
            return match.group()
        quote = value[0] if value[0] in "\"'" and len(value) > 1 and value[-1] == value[0] else ""
        offset = match.start()
        start, end = match.span(name)
        text = match.group()
        return f"{text[: start - offset]}{quote}{MASK}{quote}{text[end - offset :]}"
    return match.group()


def _hint_lines(low: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of `low` holding a piece of `_HINT` (`_HINT_PIECES`), in order:
    found by one C substring search per piece and line, so a listing with one `admin@pts/0` costs
    a line's regex, not the alternation's try at every position of the file.

    >>> _hint_lines("a\\nsshd: admin@pts/0\\nb --password x @\\n")
    [(2, 19), (20, 36)]
    """
    starts: set[int] = set()
    for piece in _HINT_PIECES:
        at = low.find(piece)
        while at >= 0:
            starts.add(low.rfind("\n", 0, at) + 1)
            end = low.find("\n", at)
            at = low.find(piece, end) if end >= 0 else -1
    lines = []
    for start in sorted(starts):
        end = low.find("\n", start)
        lines.append((start, len(low) if end < 0 else end))
    return lines


def _windows(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches that may hold a credential, in order: around each keyword or
    userinfo shape (`_BEFORE` characters before it, `_AFTER` after, within its line), found in
    chunks of whole lines lower-cased one at a time (the text is not copied whole). `_HINT` never
    matches across a line end, so only the lines holding one of its pieces are searched."""
    spans: list[tuple[int, int]] = []
    position = 0
    while position < len(text):
        cut = text.find("\n", min(position + _CHUNK, len(text)))
        cut = len(text) if cut < 0 else cut + 1
        chunk = text[position:cut]
        low = chunk.lower()
        if len(low) == len(chunk):
            hints: Iterator[re.Match[str]] = (hint for start, end in _hint_lines(low)
                                              for hint in _HINT.finditer(low, start, end))
        else:  # lower() changed a length (rare): positions are the chunk's own
            hints = _HINT_ANY_CASE.finditer(chunk)
        for hint in hints:
            at, after = position + hint.start(), position + hint.end()
            line_start = text.rfind("\n", max(0, at - _BEFORE), at) + 1
            start = max(line_start, at - _BEFORE)
            line_end = text.find("\n", after, after + _AFTER)
            end = line_end if line_end >= 0 else _SPACE.search(text, min(len(text), after + _AFTER))
            end = end if isinstance(end, int) else (end.start() if end else len(text))
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
        position = cut
    return spans


def mask_secrets(text: str) -> str:
    """`text` with every credential value replaced by `********` (see the module's list). Only the
    stretches around a keyword or a `user:...@` shape are matched in full (most lines have none)."""
    spans = _windows(text)
    if not spans:
        return text
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces.append(text[done:start])
        pieces.append(SECRETS.sub(_mask, text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)
