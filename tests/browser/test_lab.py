"""The ex4 training notebook in JupyterLab, in Debian Chromium: run all cells from the Run menu, then
answer the first quiz question wrongly (a hint appears, never the answer) and rightly (confirmed).

The right answers are the seed's for example 4 (Unity Connection, Connection File Syncer), not the
notebook's: a quiz that marks a wrong answer right, or a right one wrong, fails here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

TRAINING = "notebooks/training"


@dataclass(frozen=True)
class Known:
    """What the seed says for one kind of question: words of its prompt, which option texts are
    right, and a right answer to type in a text box."""

    words: tuple[str, ...]
    is_right: Callable[[str], bool]
    typed: str


# Seed example 4: PIDs 325, 370, 387 are defunct, PPID 7827 (/usr/local/unity/bin/CuFileSync), owned by
# the Connection File Syncer; restart it. Matched against the prompt in this order.
EX4 = [
    Known(("service",), lambda text: text == "Connection File Syncer", "Connection File Syncer"),
    Known(
        ("done", "action", "remedia"),
        lambda text: (
            text.startswith("Restart the owning service")
            or text == "utils service restart Connection File Syncer"
        ),
        "utils service restart Connection File Syncer",
    ),
    Known(("ppid", "parent"), lambda text: text == "7827", "7827"),
    Known(("defunct", "zombie"), lambda text: text in {"325", "370", "387"}, "325"),
]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _known(prompt: str) -> Known:
    words = prompt.casefold()
    for known in EX4:
        if any(word in words for word in known.words):
            return known
    pytest.fail(f"the first quiz question is not one this test knows the ex4 answer of: {prompt!r}")


def test_lab_ex4_quiz(repo, lab_server, lab_token, chromium_page, screenshot_path) -> None:
    from playwright.sync_api import expect

    found = sorted((repo / TRAINING).glob("ex4_*.ipynb"))
    if not found:
        pytest.fail(f"no {TRAINING}/ex4_*.ipynb: nothing to open", pytrace=False)
    notebook = found[0].relative_to(repo).as_posix()
    page = chromium_page
    start = time.monotonic()
    base = lab_server()
    ready = time.monotonic() - start
    page.goto(f"{base}/lab/tree/{notebook}?token={lab_token}", wait_until="domcontentloaded", timeout=60_000)
    try:
        panel = page.locator(".jp-NotebookPanel").filter(visible=True)
        expect(panel).to_have_count(1, timeout=40_000)
        # Wait for the kernel to be idle, read from the status bar: the toolbar's indicator says
        # "idle" before the kernel has even started, and Run All then does nothing or asks for a kernel.
        idle = page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\(ipykernel\) \| Idle$"))
        expect(idle).to_have_count(1, timeout=40_000)

        # Run > Run All Cells, as the engineer would.
        page.get_by_role("menubar").get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

        # Lab virtualises long notebooks: wait for the widget as attached, then scroll to it.
        widgets = panel.locator(".jp-OutputArea .jupyter-widgets")
        checks = widgets.get_by_role("button", name="Check", exact=True)
        expect(checks.first).to_be_attached(timeout=45_000)
        page.wait_for_function(
            """() => !Array.from(document.querySelectorAll('.jp-InputPrompt'))
                       .some(p => p.textContent.includes('*'))""",
            timeout=45_000,
        )
        expect(idle).to_have_count(1, timeout=45_000)
        ran = time.monotonic() - start

        check = checks.first
        check.scroll_into_view_if_needed()
        question = check.locator("xpath=../..")  # VBox[prompt, HBox[input, Check], feedback]
        prompt = _norm(question.locator(".widget-html-content").first.inner_text())
        known = _known(prompt)
        output = question.locator(".ucnb-feedback")
        expect(output).to_have_text("")
        select = question.locator("select")
        if select.count():
            options = select.locator("option").evaluate_all(
                "os => os.map(o => [o.value, o.textContent.split(/\\s+/).join(' ').trim()])"
            )
            right = [(value, text) for value, text in options if known.is_right(text)]
            wrong = [(value, text) for value, text in options if text and not known.is_right(text)]
            assert right, f"no right answer among the options of {prompt!r}: {options}"
            assert wrong, f"no wrong answer among the options of {prompt!r}: {options}"
            right_texts = [text for _, text in right]

            def answer(value_text: tuple[str, str]) -> None:
                select.select_option(value=value_text[0])

            wrong_answer, right_answer = wrong[0], right[0]
        else:  # a Text box
            box = question.locator("input[type=text], textarea").first
            right_texts = [known.typed]

            def answer(value_text: tuple[str, str]) -> None:
                box.fill(value_text[1])

            wrong_answer, right_answer = ("1", "1"), (known.typed, known.typed)

        # Wrong: a hint, no confirmation, and the hint does not give the answer away.
        answer(wrong_answer)
        check.click()
        expect(output).to_contain_text("Hint:")
        feedback = _norm(output.inner_text())
        assert "Correct" not in feedback, feedback
        hint = feedback.split("Hint:", 1)[1]
        for text in right_texts:
            given = re.search(rf"(?<!\w){re.escape(text)}(?!\w)", hint, re.IGNORECASE)
            assert not given, f"the hint gives the answer {text!r} away: {feedback}"

        # Right: confirmed, after the hint.
        answer(right_answer)
        check.click()
        expect(output).to_contain_text("Correct.")
        lines = [_norm(line) for line in output.inner_text().splitlines() if line.strip()]
        assert len(lines) == 2 and "Hint:" in lines[0] and lines[1].startswith("Correct."), lines
        # Right at the second try: it counts. The score under the questions follows the kernel.
        score = panel.locator(".widget-html-content", has_text="Score:")
        expect(score).to_have_text(re.compile(r"Score: 1 of \d+ \(1 of \d+ answered\)"))
        elapsed = time.monotonic() - start
        assert not page.ucnb_errors, page.ucnb_errors
    finally:
        page.screenshot(path=str(screenshot_path))
    print(
        f"lab ready in {ready:.1f} s, notebook run in {ran:.1f} s, whole test {elapsed:.1f} s; "
        f"question {prompt!r}, wrong {wrong_answer[1]!r}, right {right_answer[1]!r}; "
        f"screenshot {screenshot_path}"
    )
