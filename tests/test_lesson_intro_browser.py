"""The lesson's steps 1-5 in a real browser: walked with the mouse and with the keyboard.

Each question is answered wrong first, then right; the verdicts come from the server's
numbers. Screenshots go to test-artifacts/lesson-step-N.png.
"""

from __future__ import annotations

import re

import pytest

from test_lesson_browser import PHONE, open_page, visitor, wait_step
from test_lesson_practice_browser import check, screenshot
from test_web_browser import stroke

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


def wait_words(page, testid: str, words: str) -> None:
    """Wait until the element with this test id says ``words``."""
    page.wait_for_function(
        "([id, words]) => document.querySelector(`[data-testid=${id}]`).textContent"
        ".includes(words)", arg=[testid, words])


def image_loss(page) -> float:
    """The loss step 5 shows for its image, as a number."""
    words = page.get_by_test_id("step05-loss").text_content()
    return float(re.search(r"added up: ([0-9.]*[0-9])", words).group(1))


def test_steps_one_to_five_with_the_mouse(browser, server_url):
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

        # 5: the loss. The first real 0 is shown at once, and its loss is tiny; a ring called
        # a 1 has a big one. Then a network trained on one 3 answers 3 for everything.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 5)
        wait_words(page, "step05-loss", "This image's loss")
        assert image_loss(page) < 0.01
        assert page.get_by_test_id("step05-terms").locator("tr").count() == 3  # head, 2 neurons
        assert "all 360 real 0s and 1s" in page.get_by_test_id("step05-all").text_content()
        draw(page, "step05-pad", RING)
        page.get_by_test_id("step05-label").select_option("1")
        words_change(page, "step05-loss", page.get_by_test_id("step05-mine").click)
        assert "it is a 1" in page.get_by_test_id("step05-terms").text_content()
        assert image_loss(page) > 1  # both neurons far from what they should say
        assert not check(page)  # not trained yet
        verdict = page.get_by_test_id("lesson-answer").text_content()
        assert "Not yet. Train on one image first" in verdict
        assert page.get_by_test_id("step05-digit").input_value() == "3"
        words_change(page, "step05-trained", page.get_by_test_id("step05-train").click)
        wait_words(page, "step05-trained", "hops downhill")
        bars = page.get_by_test_id("step05-answers").locator(".bar")
        assert bars.count() == 10
        best = page.get_by_test_id("step05-answers").locator(".bar.best")
        assert best.locator(".bar-label").text_content() == "3"
        assert int(best.locator(".bar-value").text_content()) >= 1700
        assert not check(page)  # nothing chosen yet
        page.get_by_test_id("step05-guess").select_option("5")
        assert not check(page)
        assert "says 5 for 0 of the 1797" in page.get_by_test_id("lesson-answer").text_content()
        page.get_by_test_id("step05-guess").select_option("3")
        assert check(page)
        screenshot(page, "step-5")


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


def test_steps_one_to_five_with_the_keyboard_alone(browser, server_url):
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
        wait_words(page, "step05-loss", "This image's loss")
        # a stroke down the middle, said to be a 1, through the keyboard pen
        pen_stroke(page, "step05-pad", [("ArrowDown", 0), ("ArrowDown", 10)])
        tab_to(page, "step05-label")
        page.keyboard.press("1")  # a select takes a typed option
        assert page.get_by_test_id("step05-label").input_value() == "1"
        old = page.get_by_test_id("step05-loss").text_content()
        press(page, "step05-mine")
        page.wait_for_function(
            "old => document.querySelector('[data-testid=step05-loss]').textContent !== old",
            arg=old)
        assert "it is a 1" in page.get_by_test_id("step05-terms").text_content()
        assert image_loss(page) < 0.5
        tab_to(page, "step05-digit")
        page.keyboard.press("7")
        press(page, "step05-train")
        wait_words(page, "step05-trained", "hops downhill")
        tab_to(page, "step05-guess")
        page.keyboard.press("1")
        assert not keyboard_check(page)
        tab_to(page, "step05-guess")
        page.keyboard.press("7")
        assert keyboard_check(page)
        assert "one 7 alone" in page.get_by_test_id("lesson-answer").text_content()


def test_step_five_fits_a_phone(browser, server_url):
    with visitor(browser, **PHONE) as page:
        open_page(page, server_url + "/#lesson/5")
        wait_step(page, 5)
        wait_words(page, "step05-loss", "This image's loss")
        page.get_by_test_id("step05-train").tap()
        wait_words(page, "step05-trained", "hops downhill")
        screenshot(page, "phone-step-5")
        widest = page.evaluate("document.documentElement.scrollWidth")
        assert widest <= 390, f"step 5 is {widest}px wide on a 390px phone"
        widget = page.get_by_test_id("lesson-widget")
        inside, room = widget.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert inside <= room, f"step 5's widget needs {inside}px of {room}px"
