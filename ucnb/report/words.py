"""Plain words for the report's readers: the customer sees actions as sentences ("restart the Cisco
AMC Service on cucm-sub1", from `ucnb.model.actions`), never the kit's tokens (`restart_service`,
rule ids, schema names).

    >>> "restart_service" in INTERNAL_TOKENS, product_words("IMnP")
    (True, 'IM&P')
"""

from __future__ import annotations

from ucnb.model.actions import jargon

AUDIENCES = ("customer", "tac")

# what the customer report never shows (tests/report/test_report.py checks the rendered reports)
INTERNAL_TOKENS = (
    *jargon(),
    "kill -9",
    "special rule",
    "special:",
    "no_ppid",
    "ucnb.analysis",
    "ucnb.verify",
    "ucnb.inspect",
    "tac_only",
    "TAC only",
)

PRODUCT_WORDS = {"IMnP": "IM&P", "unknown": "product unknown"}


def product_words(product: str) -> str:
    """The product as people write it (`IMnP` -> `IM&P`)."""
    return PRODUCT_WORDS.get(product, product)
