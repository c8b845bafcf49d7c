"""A trainee takes the ex4 quiz in Voila, in Debian Chromium, with nothing but the page: searches the
capture for `defunct` in the viewer, answers the first question wrongly (a red hint that points at
the line, never the answer) then rightly (a green confirmation), and sees the score follow; the hint
opens the viewer at the line it names.

The page shows no developer text (template, parameters, pandas) and no stale cell under the live
score. The right answers are the seed's for example 4 (PIDs 325, 370, 387 defunct under PPID 7827,
read by the trainee in the viewer), not the notebook's. Asked for, the kit's analysis is its own text,
readable and wrapped at words (a screenshot of it is kept).
"""

from __future__ import annotations

import re
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

EX4 = "notebooks/training/ex4_filesync.ipynb"
DEFUNCT = {"325", "370", "387"}
PPID = "7827"
# What a trainee's page must not show: the words of the notebook's developers.
DEVELOPER_TEXT = ("template", "papermill", "Parameters", "make notebooks", "make_training", "listing.query",
                  "file browser", "ucnb.training", "exercise_path", "answer_zombie", "tools/", "lessons.toml",
                  "not answered yet", "(0, 5)", "Traceback")


# In the page: every place where a rendered line of the element wraps onto the next visual line, and
# those that fall inside a word (no space on either side, not after the hyphen of `re-parented`).
# Bounded: at most 200,000 characters.
MID_WORD_BREAKS = """(element) => {
  let wrapped = 0;
  const broken = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let node, seen = 0;
  while ((node = walker.nextNode()) && seen < 200000) {
    const text = node.textContent;
    let top = null;
    for (let i = 0; i < text.length && seen < 200000; i++, seen++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (!rects.length) continue;
      const here = Math.round(rects[0].top);
      if (top !== null && here > top + 2) {
        wrapped++;
        if (!/[\\s-]/.test(text[i - 1]) && !/\\s/.test(text[i])) {  // a space, or after a hyphen
          broken.push(text.slice(Math.max(0, i - 20), i + 20));
        }
      }
      top = here;
    }
  }
  return [wrapped, broken];
}"""


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_voila_trainee_searches_the_capture_and_takes_the_quiz(
    repo, voila_server, chromium_page, screenshot_path
) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    start = time.monotonic()
    url = voila_server(EX4)
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    try:
        # The capture viewer: search `defunct` as the procedure says.
        viewer = page.locator(".ucnb-capture-viewer")
        expect(viewer).to_be_visible(timeout=40_000)
        page.screenshot(path=str(screenshot_path.with_name(f"{screenshot_path.stem}-top.png")))
        box = viewer.get_by_placeholder("defunct, or a PID")
        box.fill("defunct")
        viewer.get_by_role("button", name="Find").click()
        position = viewer.locator(".ucnb-viewer-position")
        expect(position).to_contain_text(re.compile(r"defunct.*match 1 of 6"))
        focus = viewer.locator(".ucnb-focus")
        expect(focus).to_contain_text("<defunct>")
        row = _norm(focus.inner_text()).split()
        found = DEFUNCT & set(row)
        assert found and PPID in row, row  # the trainee reads the PID and the PPID off this row
        assert viewer.locator(".ucnb-focus mark").first.inner_text().casefold() == "defunct"
        expect(position).to_contain_text("ps_detail.txt: lines")

        # The first question: type a defunct PID. Wrong first (the parent's PID), then right.
        check = page.get_by_role("button", name="Check", exact=True).first
        question = page.locator(".ucnb-question").first
        expect(question).to_contain_text("Type the PID of a defunct process")
        question.scroll_into_view_if_needed()
        feedback = question.locator(".ucnb-feedback")
        expect(feedback).to_have_text("")
        viewer.locator("select").select_option("services.txt")  # reading another file meanwhile
        expect(position).to_contain_text("services.txt: lines 1-")
        typed = question.locator("input[type=text]")
        typed.fill(PPID)
        check.click()
        wrong = feedback.locator(".ucnb-feedback-wrong")
        expect(wrong).to_contain_text("Hint: That is the parent: the PPID column of line 127 of")
        # the hint opens the viewer at the line it names
        expect(position).to_contain_text("ps_detail.txt: lines")
        expect(viewer.locator(".ucnb-focus .ucnb-no")).to_have_text("127")
        hint = _norm(wrong.inner_text()).split("Hint:", 1)[1]
        assert not any(re.search(rf"(?<!\d){pid}(?!\d)", hint) for pid in DEFUNCT), hint
        typed.fill(sorted(found)[0])
        check.click()
        right = feedback.locator(".ucnb-feedback-right")
        expect(right).to_contain_text("Correct.")

        # Styled: red then green, the text wraps inside its box (no monospace line running out).
        colours = [el.evaluate("e => getComputedStyle(e).borderLeftColor") for el in (wrong, right)]
        assert colours == ["rgb(198, 40, 40)", "rgb(46, 125, 50)"], colours
        for el in (wrong, right):
            sizes = el.evaluate("e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).whiteSpace]")
            assert sizes[0] <= sizes[1] and sizes[2] == "normal", sizes
        assert right.bounding_box()["width"] <= question.bounding_box()["width"] + 1

        # The score under the questions follows (right at the second try counts).
        score = page.locator(".widget-html-content", has_text="Score:")
        expect(score).to_have_text(re.compile(r"Score: 1 of 5 \(1 of 5 answered\)"))

        # Nothing for developers, nothing stale.
        text = page.locator("body").inner_text()
        shown = [word for word in DEVELOPER_TEXT if word in text]
        assert shown == [], shown
        assert "Search the capture" in text and "Your answers" in text

        # The kit's analysis, when asked: its own text, readable, wrapped at words, never mid-word.
        page.get_by_role("button", name="Show the kit's analysis").click()
        analysis = page.locator(".ucnb-analysis")
        expect(analysis).to_contain_text("action plan:", timeout=60_000)
        expect(analysis).to_contain_text(PPID)
        page.set_viewport_size({"width": 900, "height": 1000})  # narrow: the long lines must wrap
        analysis.scroll_into_view_if_needed()
        wrapped, broken = analysis.evaluate(MID_WORD_BREAKS)
        assert wrapped > 0, "no line wrapped: the check would prove nothing"
        assert broken == [], f"words broken across lines: {broken[:5]}"
        analysis.screenshot(path=str(screenshot_path.with_name(f"{screenshot_path.stem}-analysis.png")))
        elapsed = time.monotonic() - start
        assert not page.ucnb_errors, page.ucnb_errors
    finally:
        try:
            page.locator(".ucnb-question").first.scroll_into_view_if_needed(timeout=2_000)
        except Exception:  # noqa: BLE001 - the screenshot is taken anyway, failed test or not
            pass
        page.screenshot(path=str(screenshot_path), full_page=True)
    print(f"whole test {elapsed:.1f} s; screenshot {screenshot_path}")


def test_voila_practice_page_has_the_viewer_and_no_developer_text(voila_server, chromium_page, tmp_path,
                                                                  screenshot_path) -> None:
    """practice.ipynb served on a `ucnb practice` exercise (as `make training EXERCISE=DIR` does; a
    growing count): the viewer, the questions of its variant, no developer text or stale cell."""
    from cli_helpers import run_cli
    from playwright.sync_api import expect

    status, _, err = run_cli("practice", "--seed", 8, "--product", "IMnP", "--variant", "growing",
                             "-o", tmp_path / "ex", "--key", tmp_path / "trainer" / "key.json")
    assert status == 0, err
    node = __import__("json").loads((tmp_path / "trainer" / "key.json").read_text())["node"]
    page = chromium_page
    url = voila_server("notebooks/training/practice.ipynb", env={
        "UCNB_EXERCISE": str(tmp_path / "ex"), "UCNB_EXERCISE_KEY": str(tmp_path / "trainer" / "key.json")})
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    try:
        expect(page.locator(".ucnb-capture-viewer")).to_be_visible(timeout=40_000)
        expect(page.locator(".ucnb-question").first).to_be_visible()
        text = page.locator("body").inner_text()
        assert f"Practice: IM&P node {node} shows zombies" in _norm(text)
        assert "How does the zombie count change" in text
        assert "Score: 0 of 5 (0 of 5 answered)" in _norm(text)
        shown = [word for word in (*DEVELOPER_TEXT, "(0, 5)", "IMnP", "key.json") if word in text]
        assert shown == [], shown
        assert not page.ucnb_errors, page.ucnb_errors
    finally:
        page.screenshot(path=str(screenshot_path))
