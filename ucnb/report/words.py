"""Plain words for the report's readers: the customer sees actions as sentences ("restart the Cisco
AMC Service on cucm-sub1"), never the kit's tokens (`restart_service`, rule ids, schema names).

    >>> action_words("restart_service", service="Cisco AMC Service", node="cucm-sub1")
    'restart the Cisco AMC Service on cucm-sub1'
"""

from __future__ import annotations

AUDIENCES = ("customer", "tac")

# what the customer report never shows (tests/report/test_report.py checks the rendered reports)
INTERNAL_TOKENS = (
    "restart_service",
    "kill_parent",
    "recollect",
    "kill -9",
    "special rule",
    "special:",
    "no_ppid",
    "ucnb.analysis",
    "ucnb.verify",
    "ucnb.inspect",
    "tac_only",
    "TAC only",
    "maintenance_window",
    "not_cleared",
)

URGENCY_WORDS = {"none": "none", "optional": "optional", "recommended": "recommended", "urgent": "urgent"}
URGENCY_SENTENCES = {  # the executive summary's "why it matters (or does not)": (before, after the numbers)
    "none": ("No action is needed", ""),
    "optional": ("Clearing {them} is optional", ": a zombie uses no CPU or memory, only a process ID"),
    "recommended": ("Clearing {them} is recommended", ""),
    "urgent": ("Clearing {them} is urgent", ""),
}
WHEN_WORDS = {"now": "no maintenance window needed", "maintenance_window": "in a maintenance window"}
VERDICT_WORDS = {
    "cleared": "cleared",
    "partial": "partly cleared",
    "not_cleared": "not cleared",
    "unknown": "not confirmed",
}


def action_words(
    action: str,
    *,
    service: str | None = None,
    node: str = "the node",
    ppid: int | None = None,
    command: str | None = None,
) -> str:
    """The action as a sentence a customer reads (lower case, no final stop)."""
    if action == "restart_service":
        return f"restart the {service} on {node}" if service else f"restart the owning service on {node}"
    if action == "reboot":
        return f"restart the server {node}"
    if action == "recollect":
        if command and "process list" not in command:
            return f"capture the missing output on {node}"
        return f"capture the full process list of {node} again to identify the owner"
    if action == "leave":
        return "leave the zombie processes in place (each holds only a process ID; a restart clears them)"
    if action == "kill_parent":
        return f"end the parent process {ppid} with root access (TAC only)"
    if action in ("none", ""):
        return "nothing to do"
    return action.replace("_", " ")


PRODUCT_WORDS = {"IMnP": "IM&P", "unknown": "product unknown"}


def product_words(product: str) -> str:
    """The product as people write it (`IMnP` -> `IM&P`)."""
    return PRODUCT_WORDS.get(product, product)


def verdict_words(verdict: str) -> str:
    return VERDICT_WORDS.get(verdict, verdict.replace("_", " "))
