"""The triage notebook served by Voila, in Debian Chromium, on the ex1 sample (CUCM, Cisco AMC Service).

What the engineer sees and does: the groups table and the tree picture are on the page, the
remediation picker preselects the outcome's action (its words: optional, when convenient) and shows
its exact command, choosing "Reboot the node" shows `utils system restart`, and "Record decision"
confirms the recorded decision.
"""

from __future__ import annotations

import re
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

TRIAGE = "notebooks/01_triage.ipynb"
EX1 = "sample_outputs/ex1_cucm_amc/before"
# ex1 (seed example 1): one zombie `sh` under amc, PID 29815, owned by Cisco AMC Service.
PPID = "29815"
SERVICE = "Cisco AMC Service"
RESTART = "utils service restart Cisco AMC Service"
REBOOT = "utils system restart"


def _selected_label(select) -> str:
    """The text of the selected <option>, spaces normalised (ipywidgets renders them as &nbsp;)."""
    text = select.evaluate("s => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].textContent")
    return " ".join(text.split())


def _lines(output) -> list[str]:
    return [" ".join(line.split()) for line in output.inner_text().splitlines() if line.strip()]


def test_voila_triage_ex1(repo, voila_server, chromium_page, screenshot_path) -> None:
    from playwright.sync_api import expect

    if not (repo / TRIAGE).is_file():
        pytest.fail(f"{TRIAGE} is missing: nothing to serve", pytrace=False)
    page = chromium_page
    start = time.monotonic()
    url = voila_server(TRIAGE, env={"UCNB_BUNDLE": str(repo / EX1)})
    ready = time.monotonic() - start
    # Voila executes the whole notebook before it answers: the page arrives complete.
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    try:
        # The groups table: one row with the parent PID, its service and the action.
        row = (
            page.locator("table tr")
            .filter(has_text=PPID)
            .filter(has_text=SERVICE)
            .filter(has_text="restart_service")
        )
        expect(row.first).to_be_visible(timeout=30_000)

        # The tree picture: a PNG image, loaded, visible, with a real size.
        picture = page.locator("img[src^='data:image/png'], img[src^='blob:']").first
        expect(picture).to_be_visible()
        picture.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
        box = picture.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, box

        # The remediation picker of the group of PPID 29815 (its VBox holds the button).
        buttons = page.get_by_role("button", name="Record decision", exact=True)
        picker = buttons.locator("xpath=..").filter(has_text=f"PPID {PPID}")
        expect(picker).to_have_count(1, timeout=30_000)
        button = picker.get_by_role("button", name="Record decision", exact=True)
        picker.scroll_into_view_if_needed()
        select = picker.locator("select")
        command = picker.locator("code")
        output = picker.locator(".widget-output")
        expect(select).to_be_visible()
        expect(select).to_be_enabled()
        label = _selected_label(select)
        # The outcome's word for ex1 (two zombies, no growth): optional, when convenient; the same as the CLI.
        assert label.startswith("Restart the owning service") and "optional" in label, label
        assert "recommended" not in label, label
        expect(command).to_have_text(RESTART)
        # The notebook records the preselected choice once when it runs (so a headless run's report
        # has a decision): the output may already hold that line; count what is there.
        before = _lines(output)
        assert all("reboot" not in line for line in before), before

        # Choose the alternative: the shown command follows.
        reboot = [
            value
            for value in select.locator("option").evaluate_all("os => os.map(o => o.value)")
            if value.startswith("Reboot the node")
        ]
        assert reboot, "no 'Reboot the node' option in the picker"
        select.select_option(value=reboot[0])
        expect(command).to_have_text(REBOOT)
        assert _selected_label(select).startswith("Reboot the node")

        # Record it: the kernel's record comes back as the output's text.
        button.click()
        expect(output).to_contain_text(re.compile(rf"Recorded for \S+, PPID {PPID}: reboot \({REBOOT}\)"))
        after = _lines(output)
        assert after[: len(before)] == before and len(after) == len(before) + 1, (before, after)
        elapsed = time.monotonic() - start
        assert not page.ucnb_errors, page.ucnb_errors
    finally:
        # Voila's page scrolls inside a panel: bring the picker's output into view, then shoot.
        try:
            page.locator(".widget-output").last.scroll_into_view_if_needed(timeout=2_000)
        except Exception:  # noqa: BLE001 - the screenshot is taken anyway, failed test or not
            pass
        page.screenshot(path=str(screenshot_path))
    print(f"voila ready in {ready:.1f} s; whole test {elapsed:.1f} s; screenshot {screenshot_path}")
