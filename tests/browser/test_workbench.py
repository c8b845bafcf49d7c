"""The workbench (`make app`) in Debian Chromium, as a TAC engineer uses it on a screen share: a whole
case from its number to the verified fix and the documents, then the app restarted and the case
reopened (from its link, then by typing its number: no saved case number on the screen before a few
characters are typed); no developer text on the page; an upload over the limit refused from its size; an idle
kernel culled once its page is gone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser.conftest import SERVER_DIR, _processes_with, free_port
from ucnb.app.serve import voila_command
from ucnb.read.sources import DEFAULT_MAX_TOTAL_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

CLUSTER = "sample_outputs/cluster_cucm_imp.zip"
EX1_AFTER = "sample_outputs/ex1_cucm_amc/after"
CASE, ENGINEER, CUSTOMER = "698123456", "Jane Doe", "ACME Corp"
FORBIDDEN = ("make app", "ucnb.app", "Parameters", "restart_service", "parent_command", "IMnP")


def serve(start_server, jupyter_env, cases: Path, **cull: int) -> tuple[str, object]:
    port = free_port()
    server = start_server(
        "Voila", voila_command(port=port, **cull), env={**jupyter_env, "UCNB_CASES": str(cases)}
    )
    base = f"http://127.0.0.1:{port}"
    server.wait_ready(f"{base}/voila/static/voila.js")  # a static file: the page itself starts a kernel
    return f"{base}/", server


def upload(page, index: int, paths: list[Path]) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator("button.ucnb-upload-button").nth(index).click()
    chooser.value.set_files([str(p) for p in paths])


def no_developer_text(page) -> None:
    text = page.locator("body").inner_text()
    found = [word for word in FORBIDDEN if word in text]
    assert not found, f"developer words on the page: {found}"
    assert "Traceback" not in text


def test_a_whole_case_in_the_browser_then_restart_and_reopen(
    repo, start_server, jupyter_env, chromium_page, screenshot_path, tmp_path
) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    cases = tmp_path / "cases"
    url, server = serve(start_server, jupyter_env, cases)
    timings: dict[str, float] = {}
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        expect(page.locator(".ucnb-case-status")).to_contain_text("Type the case number", timeout=60_000)
        no_developer_text(page)
        page.get_by_label("Case number").fill(CASE)
        page.get_by_label("Engineer").fill(ENGINEER)
        page.get_by_label("Customer").fill(CUSTOMER)
        page.get_by_role("button", name="Open the case").click()
        expect(page.locator(".ucnb-case-status")).to_have_text(f"Case {CASE} opened.")

        start = time.monotonic()
        upload(page, 0, [repo / CLUSTER])
        status = page.locator(".ucnb-status")
        expect(status).to_have_text("cluster_cucm_imp.zip: 3 nodes, 1 defunct row.", timeout=60_000)
        expect(page.locator("img[alt='process tree']").first).to_be_visible()
        timings["upload to triage"] = time.monotonic() - start
        expect(page.locator(".ucnb-headline")).to_have_text("Action optional")
        expect(
            page.get_by_text("1 zombie process (PID 22908), children of the process 29815")
        ).to_be_visible()
        expect(page.get_by_text("Before you restart, capture:")).to_be_visible()
        no_developer_text(page)

        # the evidence opens the viewer at its line; the procedure's search
        evidence = page.locator(".ucnb-evidence-link")
        parent = evidence.last
        source = parent.inner_text().strip()
        parent.click()
        file, line = source.rsplit(":", 1)
        position = page.locator(".ucnb-viewer-position")
        expect(position).to_contain_text(f"{file}: lines")
        focus = page.locator(".ucnb-viewer .ucnb-focus")
        expect(focus).to_have_attribute("data-line", line)
        expect(focus).to_contain_text("29815")
        search = page.get_by_placeholder("defunct, or a PID")
        search.fill("defunct")
        search.press("Enter")
        expect(position).to_contain_text("defunct: match 1 of 1")
        expect(page.locator(".ucnb-viewer mark").first).to_have_text("defunct")
        expect(page.locator(".ucnb-viewer .ucnb-focus")).to_contain_text("22908")

        # the decision
        picker = page.get_by_role("button", name="Record decision", exact=True).locator("xpath=..")
        select = picker.locator("select")
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        assert not any(v.startswith("Kill") for v in values), "a TAC-only action in customer mode"
        select.select_option(value=[v for v in values if v.startswith("Reboot the node")][0])
        picker.get_by_placeholder("why (goes into the report)").fill("window tonight")
        picker.get_by_role("button", name="Record decision", exact=True).click()
        expect(page.locator(".ucnb-decided")).to_contain_text("Reboot the node")
        expect(page.locator(".ucnb-decided")).to_contain_text(f"by {ENGINEER}")

        # the after capture, and the verdict
        upload(page, 1, sorted((repo / EX1_AFTER).iterdir()))
        expect(page.locator(".ucnb-after-status")).to_contain_text(
            "compared with the captures", timeout=60_000
        )
        verdict = page.locator(".ucnb-badge", has_text="CLEARED")
        expect(verdict.first).to_be_visible()

        # the documents
        page.get_by_role("button", name="Make the documents").click()
        expect(page.locator(".ucnb-documents-status")).to_contain_text(
            "made and kept with the case", timeout=120_000
        )
        texts = {}
        for label in ("Customer report (HTML)", "Case note (TXT)"):
            with page.expect_download() as info:
                page.get_by_role("link", name=label, exact=True).click()
            texts[label] = Path(info.value.path()).read_text(encoding="utf-8")
        for label, text in texts.items():
            assert CASE in text and ENGINEER in text, label
            assert "kill" not in text.lower() and "TAC only" not in text, label
            assert "utils system restart" in text, label
        no_developer_text(page)
        page.screenshot(path=str(screenshot_path), full_page=True)

        # restart the app; reopen the case: the decision and the verification are still there
        server.stop()
        url, server = serve(start_server, jupyter_env, cases)
        start = time.monotonic()
        page.goto(f"{url}?case={CASE}", wait_until="domcontentloaded", timeout=60_000)
        expect(page.locator(".ucnb-case-status")).to_have_text(f"Case {CASE} reopened.", timeout=60_000)
        expect(page.locator(".ucnb-decided")).to_contain_text("Reboot the node")
        expect(page.locator(".ucnb-badge", has_text="CLEARED").first).to_be_visible()
        timings["reopen (page load included)"] = time.monotonic() - start
        assert page.get_by_label("Engineer").input_value() == ENGINEER

        # on a shared screen: the page shows no saved case number until a few characters are typed
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        expect(page.locator(".ucnb-case-status")).to_contain_text("Type the case number", timeout=60_000)
        number = page.get_by_label("Case number")
        offered = page.locator("datalist option")  # the case number's completions
        for typed in ("", CASE[:3]):
            number.fill(typed)
            number.click()
            page.wait_for_timeout(300)  # the kernel's answer to the keystrokes
            assert offered.count() == 0 and CASE not in page.locator("body").inner_text()
            assert "Saved cases" not in page.locator("body").inner_text()
        number.press_sequentially(CASE[3:5])
        expect(offered).to_have_count(1)
        assert offered.first.get_attribute("value") == CASE
        # ipywidgets holds a value update back while the previous one is unanswered, but sends a click
        # at once: the completions, made by the kernel from the value, say when it has the number
        number.fill(CASE + "0")  # no saved case starts with it
        expect(offered).to_have_count(0)
        number.fill(CASE)
        expect(offered).to_have_count(1)
        page.get_by_role("button", name="Open the case").click()
        expect(page.locator(".ucnb-case-status")).to_have_text(f"Case {CASE} reopened.", timeout=60_000)
        expect(page.locator(".ucnb-badge", has_text="CLEARED").first).to_be_visible()
        assert not page.ucnb_errors, page.ucnb_errors
    finally:
        page.screenshot(
            path=str(screenshot_path.with_name(screenshot_path.stem + "-last.png")), full_page=True
        )
    print(f"workbench timings: {timings}; screenshot {screenshot_path}")


def test_an_upload_over_the_limit_is_refused_from_its_size(
    start_server, jupyter_env, chromium_page, tmp_path
) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    url, _server = serve(start_server, jupyter_env, tmp_path / "cases")
    huge = tmp_path / "huge.zip"
    with huge.open("wb") as handle:  # sparse: no disk, no memory; the browser reads its size only
        handle.truncate(DEFAULT_MAX_TOTAL_BYTES + 1)
    page.goto(f"{url}", wait_until="domcontentloaded", timeout=60_000)
    page.get_by_label("Case number").fill("1")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".ucnb-case-status")).to_have_text("Case 1 opened.", timeout=60_000)
    upload(page, 0, [huge])
    expect(page.locator(".ucnb-status")).to_have_text(
        f"ucnb: error: huge.zip: {DEFAULT_MAX_TOTAL_BYTES + 1:,} bytes, over the limit of "
        f"{DEFAULT_MAX_TOTAL_BYTES:,} bytes: not read",
        timeout=30_000,
    )
    # a page address outside the cases folder opens nothing and lists nothing
    page.goto(f"{url}?bundle=/etc", wait_until="domcontentloaded", timeout=60_000)
    expect(page.locator(".ucnb-case-status")).to_have_text(
        "ucnb: error: '/etc' is not a case of this workbench: only bundles under its cases folder open",
        timeout=60_000,
    )
    assert "passwd" not in page.locator("body").inner_text()


def test_an_idle_kernel_is_culled_once_its_page_is_gone(
    start_server, jupyter_env, chromium_page, tmp_path
) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    url, _server = serve(start_server, jupyter_env, tmp_path / "cases", cull_idle_s=2, cull_interval_s=1)
    marker = f"{tmp_path / SERVER_DIR}/"
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    expect(page.locator(".ucnb-case-status")).to_contain_text("Type the case number", timeout=60_000)
    kernels = [
        pid for pid in _processes_with(marker) if "ipykernel" in Path(f"/proc/{pid}/cmdline").read_text()
    ]
    assert kernels, "no kernel for the page"
    page.goto("about:blank")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in kernels):
        time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() for pid in kernels), "the idle kernel is still running"
