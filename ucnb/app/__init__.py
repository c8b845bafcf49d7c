"""The web app: a TAC workbench for one zombie-process case, served by Voila (`make app`).

`Workbench` (`ucnb.app.page`) is the page: the case header (case number, engineer, customer), the
captures before the fix and their triage (the "Action needed" headline, per server the zombie groups
in words, the process-tree picture, what to capture before a restart, the other ways, the evidence
as `file:line` buttons that open the capture viewer there), the decisions, the captures after the
fix and their verification, and the documents (customer report in HTML and PDF, case note, TAC
report in TAC mode, and a redacted variant of each). A case lives in the case folder
(`ucnb.app.cases`); uploads arrive in chunks and are refused from their size first
(`ucnb.app.uploads`); `ucnb.app.serve` starts Voila with idle kernels culled.

`from_environment` builds the page the notebook shows from the server's environment: `UCNB_CASES`
(the cases folder), `UCNB_TAC=1` (TAC mode), `UCNB_BUNDLE` and the page address's `?case=NUMBER`,
`?bundle=PATH` (only under the cases folder) and `?mode=tac`.

    >>> query("case=698123456&mode=tac&x=1")
    {'case': '698123456', 'mode': 'tac', 'x': '1'}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs

from ucnb.app.cases import CaseFolder, default_root
from ucnb.app.page import Workbench, error_line
from ucnb.app.uploads import ChunkedUpload, load_uploaded

__all__ = [
    "CaseFolder",
    "ChunkedUpload",
    "Workbench",
    "error_line",
    "from_environment",
    "load_uploaded",
    "query",
]


def query(text: str | None) -> dict[str, str]:
    """The page address's parameters (Voila gives the kernel `QUERY_STRING`), the first of each."""
    return {name: values[0] for name, values in parse_qs(text or "").items() if values}


def from_environment(environ: Mapping[str, str]) -> Workbench:
    """The workbench as the server was started (see the module's docstring)."""
    asked = query(environ.get("QUERY_STRING"))
    cases = Path(environ["UCNB_CASES"]).expanduser() if environ.get("UCNB_CASES") else default_root()
    tac = environ.get("UCNB_TAC", "") in ("1", "true", "yes") or asked.get("mode") == "tac"
    bundle = asked.get("bundle") or environ.get("UCNB_BUNDLE") or None
    return Workbench(cases=cases, bundle=bundle, case=asked.get("case"), tac=tac)
