"""The lesson's steps 1-5 in a real browser: walked with the mouse and with the keyboard.

Each question is answered wrong first, then right; the verdicts come from the server's
numbers. Screenshots go to test-artifacts/lesson-step-N.png.
"""

from __future__ import annotations

import pytest

from test_lesson_browser import open_page, visitor, wait_step
from test_lesson_practice_browser import check, screenshot
from test_web_browser import browser, server_url, stroke  # noqa: F401

pytestmark = pytest.mark.browser


RING = [(0.5, 0.1), (0.2, 0.5), (0.5, 0.9), (0.8, 0.5), (0.5, 0.1)]


def draw(page, testid: str, points) -> None:
    """Draw one stroke through points (fractions of the pad) with the mouse."""
    stroke(page, testid, points, steps=6)


def words_change(page, testid: str, action) -> str:
    """Run action (a click) and wait until the element's words change; return the new words."""
    old = page.get_by_test_id(testid).text_content()
    action()
    page.wait_for_function(
        "([id, old]) => document.querySelector(`[data-testid=${id}]`).textContent !== old",
        arg=[testid, old])
    return page.get_by_test_id(testid).text_content()


def test_steps_one_to_five_with_the_mouse(browser, server_url):  # noqa: F811
    with visitor(browser) as page:
        # 1: nothing shown is not an answer; a drawing's numbers come back from the server.
        open_page(page, server_url + "/#lesson/1")
        wait_step(page, 1)
        assert not check(page)
        draw(page, "step01-pad", [(0.5, 0.1), (0.5, 0.9)])
        words = words_change(page, "step01-words", page.get_by_test_id("step01-mine").click)
        assert words.startswith("Your drawing")
        assert page.get_by_test_id("step01-numbers").locator("td").count() == 64
        words = words_change(page, "step01-words", page.get_by_test_id("step01-real").click)
        assert words.startswith("A real 0")
        assert not check(page)  # the first real 0's darkest square is 15/16, not a full 1
        verdict = page.get_by_test_id("lesson-answer").text_content()
        assert "darkest square is only 0.9375" in verdict
        words = words_change(page, "step01-words", page.get_by_test_id("step01-real").click)
        assert words.startswith("A real 1")
        assert check(page)  # a real 1: a blank corner and full ink
        screenshot(page, "step-1")

        # 2: one neuron's sum; one weight changed, and the trained weights back on leaving.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 2)
        value = page.get_by_test_id("step02-value")
        value.wait_for()
        assert float(value.text_content()) > 0.5  # the 0-neuron is sure a real 0 is a 0
        assert not check(page)
        words_change(page, "step02-sum", page.get_by_test_id("step02-set").click)
        assert float(value.text_content()) < 0.5
        assert check(page)
        screenshot(page, "step-2")
        page.get_by_test_id("lesson-previous").click()
        wait_step(page, 1)
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 2)
        page.get_by_test_id("step02-value").wait_for()
        assert float(page.get_by_test_id("step02-value").text_content()) > 0.5  # reset

        # 3: the hand-weighted neuron: a ring is a 0, a stroke down the middle a 1.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 3)
        assert not check(page)  # nothing drawn
        draw(page, "step03-pad", RING)
        words = words_change(page, "step03-words", page.get_by_test_id("step03-ask").click)
        assert "it says 0" in words
        assert not check(page)
        page.get_by_test_id("step03-clear").click()
        draw(page, "step03-pad", [(0.5, 0.1), (0.5, 0.9)])
        words = words_change(page, "step03-words", page.get_by_test_id("step03-ask").click)
        assert "it says 1" in words
        assert check(page)
        screenshot(page, "step-3")

        # 4: two neurons with opposite weights; a stroke makes the 1 win, a ring the 0.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 4)
        assert not check(page)  # nothing drawn
        draw(page, "step04-pad", [(0.5, 0.1), (0.5, 0.9)])
        words = words_change(page, "step04-words", page.get_by_test_id("step04-ask").click)
        assert "answers 1" in words
        assert "winner" in page.get_by_test_id("step04-neuron-1").get_attribute("class")
        assert not check(page)
        page.get_by_test_id("step04-clear").click()
        draw(page, "step04-pad", RING)
        words = words_change(page, "step04-words", page.get_by_test_id("step04-ask").click)
        assert "answers 0" in words
        assert check(page)
        screenshot(page, "step-4")


def tab_to(page, testid: str) -> None:
    """Press Tab until the element with this test id has the focus."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.dataset?.testid") == testid:
            return
    raise AssertionError(f"Tab never reached {testid}")


def press(page, testid: str) -> None:
    tab_to(page, testid)
    page.keyboard.press("Enter")


def keyboard_check(page) -> bool:
    """Reach Check with Tab, press Enter, and read the verdict."""
    answer = page.get_by_test_id("lesson-answer")
    answer.evaluate("el => { delete el.dataset.correct; el.textContent = ''; }")
    press(page, "lesson-check")
    page.wait_for_function("el => el.dataset.correct !== undefined", arg=answer.element_handle())
    return answer.get_attribute("data-correct") == "true"


def pen_stroke(page, pad: str, moves: list[tuple[str, int]]) -> None:
    """Draw on a pad with the keyboard pen: each move is (arrow key, presses); pen down for
    every move but the first."""
    tab_to(page, pad)
    for number, (key, times) in enumerate(moves):
        if number == 1:
            page.keyboard.press(" ")  # the pen goes down after the first move
        for _ in range(times):
            page.keyboard.press(key)
    page.keyboard.press(" ")


def test_steps_one_to_four_with_the_keyboard_alone(browser, server_url):  # noqa: F811
    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/1")
        wait_step(page, 1)
        press(page, "step01-real")
        page.wait_for_function("() => document.querySelector('[data-testid=step01-words]')"
                               ".textContent.startsWith('A real 0')")
        assert not keyboard_check(page)
        press(page, "step01-real")
        page.wait_for_function("() => document.querySelector('[data-testid=step01-words]')"
                               ".textContent.startsWith('A real 1')")
        assert keyboard_check(page)
        press(page, "lesson-next")
        wait_step(page, 2)
        page.get_by_test_id("step02-value").wait_for()
        assert not keyboard_check(page)
        press(page, "step02-set")
        page.wait_for_function("() => Number(document.querySelector("
                               "'[data-testid=step02-value]').textContent) < 0.5")
        assert keyboard_check(page)
        press(page, "lesson-next")
        wait_step(page, 3)
        pen_stroke(page, "step03-pad", [("ArrowDown", 0), ("ArrowDown", 10)])
        press(page, "step03-ask")
        page.wait_for_function("() => document.querySelector('[data-testid=step03-words]')"
                               ".textContent.includes('it says')")
        assert keyboard_check(page)
        press(page, "lesson-next")
        wait_step(page, 4)
        pen_stroke(page, "step04-pad", [("ArrowLeft", 4), ("ArrowRight", 8), ("ArrowDown", 10),
                                        ("ArrowLeft", 8), ("ArrowUp", 10)])
        press(page, "step04-ask")
        page.wait_for_function("() => document.querySelector('[data-testid=step04-words]')"
                               ".textContent.includes('answers')")
        assert keyboard_check(page)
        press(page, "lesson-next")
        wait_step(page, 5)
