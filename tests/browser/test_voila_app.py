"""The web app (`make app`: Voila on notebooks/app.ipynb) in Debian Chromium: upload the cluster zip
through the page, see the node with zombies, pick and record the action, download the customer report
and the case note and read them; then upload a corrupt archive and see the one-line error."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

APP = "notebooks/app.ipynb"
CLUSTER = "sample_outputs/cluster_cucm_imp.zip"
# The cluster bundle: only cucm-sub1 has a zombie (seed example 1: PPID 29815, Cisco AMC Service).
PPID = "29815"
SERVICE = "Cisco AMC Service"
REBOOT = "utils system restart"


def test_voila_app_upload_decide_download(
    repo, voila_server, chromium_page, screenshot_path, tmp_path
) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    start = time.monotonic()
    url = voila_server(APP, env={"UCNB_BUNDLE": ""})
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    try:
        status = page.locator(".ucnb-status")
        expect(status).to_have_text("Upload a bundle to start.", timeout=30_000)

        # Upload the zip through the page: click the upload button, choose the file in the dialog.
        upload_button = page.locator("button.widget-upload")
        expect(upload_button).to_contain_text("Upload a bundle")
        with page.expect_file_chooser() as chooser:
            upload_button.click()
        chooser.value.set_files(str(repo / CLUSTER))
        expect(status).to_have_text(
            re.compile(r"cluster_cucm_imp\.zip: 3 nodes, 1 defunct row\."), timeout=60_000
        )
        nodes = page.locator("table.ucnb-nodes tr")
        # each node's outcome: its status and first next action, in words
        expect(nodes.filter(has_text="cucm-sub1").filter(has_text=f"restart the {SERVICE}")).to_have_count(1)
        expect(nodes.filter(has_text="cucm-pub").filter(has_text="No action needed")).to_have_count(1)
        expect(
            page.locator("table.ucnb-groups tr").filter(has_text=PPID).filter(has_text=SERVICE)
        ).to_be_visible()
        picture = page.locator("img").first
        expect(picture).to_be_visible()

        # Before a decision there is nothing to download.
        expect(page.get_by_text("Record a decision to download")).to_be_visible()
        picker = page.get_by_role("button", name="Record decision", exact=True).locator("xpath=..")
        expect(picker).to_have_count(1)
        select = picker.locator("select")
        reboot = [
            v
            for v in select.locator("option").evaluate_all("os => os.map(o => o.value)")
            if v.startswith("Reboot the node")
        ]
        select.select_option(value=reboot[0])
        expect(picker.locator("code")).to_have_text(REBOOT)
        picker.get_by_role("button", name="Record decision", exact=True).click()
        expect(picker.locator(".widget-output")).to_contain_text(
            f"Recorded for cucm-sub1, PPID {PPID}: reboot"
        )

        # Download the customer report and the case note, and read them.
        report_link = page.get_by_role("link", name="Download the customer report (HTML)")
        expect(report_link).to_be_visible(timeout=30_000)
        with page.expect_download() as info:
            report_link.click()
        download = info.value
        assert download.suggested_filename == "zombie-report-cucm-pub-cucm-sub1-imp-pub.html"
        report = Path(download.path()).read_text(encoding="utf-8")
        assert report.lstrip().lower().startswith("<!doctype html")
        for text in ("cucm-sub1", "22908", REBOOT):
            assert text in report, text
        assert "restart_service" not in report, "an internal token in the customer report"
        with page.expect_download() as info:
            page.get_by_role("link", name="Download the case note (text)").click()
        note = Path(info.value.path()).read_text(encoding="utf-8")
        assert "cucm-sub1" in note and REBOOT in note and len(note.splitlines()) < 25

        # A corrupt archive: one line in the page, no traceback, the previous triage gone.
        corrupt = tmp_path / "corrupt.zip"
        corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 40 + b"not a zip at all")
        with page.expect_file_chooser() as chooser:
            upload_button.click()
        chooser.value.set_files(str(corrupt))
        expect(status).to_have_text(re.compile(r"^ucnb: error: corrupt\.zip: .+"), timeout=30_000)
        error_text = status.inner_text().strip()
        assert "\n" not in error_text
        expect(page.locator(".ucnb-error")).to_have_count(1)
        expect(page.get_by_role("button", name="Record decision", exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name="Download the customer report (HTML)")).to_have_count(0)
        assert "Traceback" not in page.locator("body").inner_text()

        # `?bundle=PATH` (relative to the notebook's folder) opens a bundle at start.
        page.goto(
            f"{url}?bundle=../sample_outputs/ex1_cucm_amc/before",
            wait_until="domcontentloaded",
            timeout=60_000,
        )
        expect(page.locator(".ucnb-status")).to_have_text(
            re.compile(r"ex1_cucm_amc/before: 1 node, 1 defunct row\."), timeout=60_000
        )
        elapsed = time.monotonic() - start
        assert not page.ucnb_errors, page.ucnb_errors
    finally:
        page.screenshot(path=str(screenshot_path), full_page=True)
    print(f"app test {elapsed:.1f} s; error line: {error_text!r}; screenshot {screenshot_path}")
