"""The HTML report in Debian Chromium: the badge a manager reads without scrolling or reading a
paragraph, on a laptop screen and on a phone, coloured by its tone."""

from __future__ import annotations

from pathlib import Path

import pytest

import ucnb
from ucnb.report import render_report

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

SAMPLES = Path(__file__).resolve().parents[2] / "sample_outputs"


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
@pytest.mark.parametrize(
    ("after", "words"),
    [(False, "Status: COSMETIC"), (True, "Verification: CLEARED")],  # the outcome's status
    ids=["before", "verified"],
)
def test_the_badge_is_on_the_first_screen(chromium_page, tmp_path, viewport, after, words):
    example = SAMPLES / "ex5_imnp_sftp"
    page_html = render_report(
        ucnb.load(example / "before"), after=ucnb.load(example / "after") if after else None, case="699123456"
    ).text
    target = tmp_path / "report.html"
    target.write_text(page_html, encoding="utf-8")
    width, height = viewport
    chromium_page.set_viewport_size({"width": width, "height": height})
    chromium_page.goto(target.as_uri())
    badge = chromium_page.locator("p.badge")
    assert badge.count() == 1 and badge.is_visible()
    assert " ".join(badge.inner_text().split()) == words
    box = badge.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height  # no scrolling to see it
    first_paragraph = chromium_page.locator("p:not(.badge)").first.bounding_box()
    assert first_paragraph is not None and box["y"] < first_paragraph["y"]  # before any paragraph
    colour = badge.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(227, 244, 232)"  # good (cosmetic, cleared): green
    assert chromium_page.ucnb_errors == []
