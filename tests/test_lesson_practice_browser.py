"""The lesson's steps 6-10 in a real browser: walked with the mouse and with the keyboard.

Each question is answered both wrong and right; the verdict comes from the server's
answer. Screenshots go to test-artifacts/lesson-step-N.png (and lesson-phone-step-N.png).
"""

from __future__ import annotations

import json
import re

import pytest

from test_lesson_browser import PHONE, open_page, visitor, wait_step
from test_lesson_browser import screenshot as full_page_screenshot
from test_web_browser import ARTIFACTS, stroke

pytestmark = pytest.mark.browser


def screenshot(page, name: str) -> None:
    """A full-page screenshot from the top (a scrolled page draws its sticky header mid-way)."""
    page.evaluate("() => window.scrollTo(0, 0)")
    full_page_screenshot(page, name)


def check(page) -> bool:
    """Press Check and wait for the verdict: True for right, False for not yet."""
    answer = page.get_by_test_id("lesson-answer")
    answer.evaluate("el => { delete el.dataset.correct; el.textContent = ''; }")
    page.get_by_test_id("lesson-check").click()
    page.wait_for_function("el => el.dataset.correct !== undefined", arg=answer.element_handle())
    return answer.get_attribute("data-correct") == "true"


def slope_shown(page) -> float:
    words = page.get_by_test_id("step06-words").text_content()
    return float(re.search(r"slope (-?[0-9.]+)", words).group(1))


def scribble(page, digit: int, variant: int) -> None:
    """Draw something on step 10's pad: a stroke that differs by digit and variant."""
    points = [(0.5, 0.15), (0.5 + 0.03 * digit - 0.15, 0.5), (0.3 + 0.04 * variant, 0.85)]
    if digit in (0, 6, 8, 9):
        points = [(0.5, 0.15), (0.25, 0.5), (0.5, 0.85), (0.75, 0.5), (0.5, 0.15)]
    stroke(page, "step10-pad", points, steps=6)


def test_steps_six_to_ten_with_the_mouse(browser, server_url):
    with visitor(browser) as page:
        # 6: the slope. Not picking a weight is not an answer; then the sign decides.
        open_page(page, server_url + "/#lesson/6")
        wait_step(page, 6)
        assert not check(page)
        page.get_by_test_id("step06-steepest").click()
        page.wait_for_function("() => document.querySelector('[data-testid=step06-words]')"
                               ".textContent.includes('slope')")
        page.get_by_test_id("step06-hop").click()
        page.wait_for_function("() => document.querySelector('[data-testid=step06-words]')"
                               ".textContent.includes('Last hop')")
        verdicts = set()
        page.fill("#step06-layer", "1")  # into the output neurons: slopes of both signs
        page.fill("#step06-column", "3")
        for row in range(32):
            page.fill("#step06-row", str(row))
            old = page.get_by_test_id("step06-words").text_content()
            page.get_by_test_id("step06-pick").click()
            page.wait_for_function(
                "old => document.querySelector('[data-testid=step06-words]').textContent !== old",
                arg=old)
            right = check(page)
            if slope_shown(page) == 0:  # too flat to tell at four decimals
                continue
            assert right == (slope_shown(page) > 0)
            verdicts.add(right)
            if verdicts == {True, False}:
                break
        assert verdicts == {True, False}, "no weight with each sign among the rows tried"
        page.get_by_test_id("step06-every").click()
        page.get_by_test_id("step06-slopes").locator(".thumb").nth(3).wait_for()
        screenshot(page, "step-6")

        # 7: train from random weights, watch the loss fall.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 7)
        assert not check(page)  # not trained yet
        page.get_by_test_id("step07-train").click()
        page.wait_for_function("() => document.querySelector('[data-testid=step07-words]')"
                               ".textContent.startsWith('Done')", timeout=120_000)
        assert check(page)
        screenshot(page, "step-7")

        # 8: the hidden neurons; the digit that excites one most.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 8)
        assert not check(page)  # no neuron chosen
        page.get_by_test_id("step08-neuron-0").click()
        first = page.get_by_test_id("step08-exciting").locator(".thumb span").first
        top = int(first.text_content())
        page.select_option("#step08-guess", str((top + 1) % 10))
        assert not check(page)
        page.select_option("#step08-guess", str(top))
        assert check(page)
        screenshot(page, "step-8")

        # 9: train two hidden layers, compare the rows.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 9)
        assert not check(page)  # nothing to compare
        for n, layers in enumerate(("none", "32"), start=1):
            page.select_option("#step09-layers", layers)
            page.get_by_test_id("step09-train").click()
            page.get_by_test_id("step09-table").locator("tr").nth(n).wait_for(timeout=120_000)
        table = page.get_by_test_id("step09-table")
        cells = table.locator("tr td:nth-child(2)").all_text_contents()
        scores = [float(cell.rstrip("%")) for cell in cells]
        assert len(scores) == 2 and scores[0] != scores[1]
        # the network trained last is the explorer's now, and its header says so
        header = page.locator("#network-accuracy")
        assert header.text_content() == cells[-1], (header.text_content(), cells)
        best = scores.index(max(scores))
        page.select_option("#step09-best", str(1 - best))
        assert not check(page)
        page.select_option("#step09-best", str(best))
        assert check(page)
        screenshot(page, "step-9")

        # 10: your handwriting. Three digits drawn is not the whole set.
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 10)
        counter = page.get_by_test_id("step10-counter")
        assert counter.text_content().startswith("0 of 10 digits drawn")
        for digit in range(3):
            page.select_option("#step10-label", str(digit))
            scribble(page, digit, 0)
            page.get_by_test_id("step10-add").click()
        assert counter.text_content().startswith("3 of 10 digits drawn")
        page.get_by_test_id("step10-score").click()
        page.get_by_test_id("step10-scores").wait_for()
        assert not check(page)
        for variant in range(2):
            for digit in range(10):
                if variant == 0 and digit < 3:
                    continue
                page.select_option("#step10-label", str(digit))
                scribble(page, digit, variant)
                page.get_by_test_id("step10-add").click()
        assert counter.text_content().startswith("10 of 10 digits drawn (20 drawings)")
        page.get_by_test_id("step10-score").click()
        page.wait_for_function("() => document.querySelector('[data-testid=step10-scores]')"
                               ".textContent.includes('of 20')")
        scores_text = page.get_by_test_id("step10-scores").text_content()
        assert re.search(r"On your drawings: [0-9.]+% right \(\d+ of 20\)\. On the test images: "
                         r"[0-9.]+%", scores_text)
        right = int(re.search(r"\((\d+) of 20\)", scores_text).group(1))
        assert page.get_by_test_id("step10-wrong").locator(".thumb").count() == 20 - right
        assert check(page)
        page.get_by_test_id("step10-train").click()
        trained = page.get_by_test_id("step10-trained")
        trained.wait_for()
        assert trained.locator("tr").count() == 4
        after_test = trained.locator("tr").nth(1).locator("td").nth(2).text_content()
        version = "async () => (await (await fetch('/api/network')).json()).version"
        untouched = page.evaluate(version)  # the network before adopting the copy
        page.get_by_test_id("step10-adopt").click()
        page.get_by_test_id("step10-adopted").wait_for()
        assert after_test in page.get_by_test_id("step10-adopted").text_content()
        assert page.locator("#network-accuracy").text_content() == after_test
        assert page.evaluate(version) == untouched + 1  # adopting made the copy the network
        screenshot(page, "step-10")


def test_steps_six_to_ten_with_the_keyboard_alone(browser, server_url):
    def press(test_id: str, key: str = "Enter") -> None:
        page.get_by_test_id(test_id).focus()
        page.keyboard.press(key)

    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/6")
        press("step06-steepest")
        page.wait_for_function("() => document.querySelector('[data-testid=step06-words]')"
                               ".textContent.includes('slope')")
        press("lesson-check")
        page.wait_for_function("() => document.querySelector('[data-testid=lesson-answer]')"
                               ".dataset.correct !== undefined")
        assert (page.get_by_test_id("lesson-answer").get_attribute("data-correct") == "true") == \
            (slope_shown(page) > 0)
        press("lesson-next", "Space")
        wait_step(page, 7)
        press("lesson-next")
        wait_step(page, 8)
        press("step08-neuron-1")
        favourite = page.get_by_test_id("step08-exciting").locator(".thumb span").first
        top = int(favourite.text_content())
        page.focus("#step08-guess")
        for _ in range(top + 1):  # from "choose a digit": one press to 0, then one per digit
            page.keyboard.press("ArrowDown")
        assert page.input_value("#step08-guess") == str(top)
        press("lesson-check")
        page.wait_for_function("() => document.querySelector('[data-testid=lesson-answer]')"
                               ".dataset.correct === 'true'")
        press("lesson-next")
        wait_step(page, 9)
        press("step09-train")
        page.get_by_test_id("step09-table").locator("tr").nth(1).wait_for(timeout=120_000)
        press("lesson-check")  # one row is not a comparison
        page.wait_for_function("() => document.querySelector('[data-testid=lesson-answer]')"
                               ".dataset.correct === 'false'")
        press("lesson-next")
        wait_step(page, 10)
        for digit in (1, 7):  # the pen: Space puts it down, arrows draw, Space lifts it
            page.focus("#step10-label")
            page.keyboard.press("Home")
            for _ in range(digit):
                page.keyboard.press("ArrowDown")
            pad = page.get_by_test_id("step10-pad")
            pad.focus()
            page.keyboard.press("Space")
            # The lesson's shared pad (lesson/pad.js): its pen shows, down, and says its keys.
            pen = page.locator("[data-testid=lesson-widget] .lesson-pen")
            assert pen.is_visible() and "down" in pen.get_attribute("class").split()
            keys = page.locator("#" + pad.get_attribute("aria-describedby"))
            assert "arrows move the pen" in keys.text_content()
            strokes = ["ArrowDown"] * 10 if digit == 1 else ["ArrowRight"] * 5 + ["ArrowDown"] * 10
            for key in strokes:
                page.keyboard.press(key)
            page.keyboard.press("Space")
            press("step10-add")
        assert page.get_by_test_id("step10-counter").text_content().startswith(
            "2 of 10 digits drawn (2 drawings)")
        press("step10-score")
        page.get_by_test_id("step10-scores").wait_for()
        assert re.search(r"\(\d of 2\)", page.get_by_test_id("step10-scores").text_content())
        screenshot(page, "keyboard-step-10")
        press("lesson-check")  # two digits are not all ten
        page.wait_for_function("() => document.querySelector('[data-testid=lesson-answer]')"
                               ".dataset.correct === 'false'")


@pytest.mark.parametrize("step", [6, 7, 8, 9, 10])
def test_each_step_fits_a_phone(browser, server_url, step):
    with visitor(browser, **PHONE) as page:
        open_page(page, server_url + f"/#lesson/{step}")
        wait_step(page, step)
        if step == 8:
            page.get_by_test_id("step08-neuron-0").tap()
            page.get_by_test_id("step08-exciting").wait_for()
        if step == 10:
            scribble(page, 1, 0)
            page.get_by_test_id("step10-add").tap()
            assert page.get_by_test_id("step10-counter").text_content().startswith("1 of 10")
        widest = page.evaluate("document.documentElement.scrollWidth")
        assert widest <= 390, f"step {step} is {widest}px wide on a 390px phone"
        widget = page.get_by_test_id("lesson-widget")
        inside, room = widget.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert inside <= room, f"step {step}'s widget needs {inside}px of {room}px"
        screenshot(page, f"phone-step-{step}")


def test_step_six_writes_the_weight_it_picked_into_its_boxes(browser, server_url):
    """The steepest weight the server picks is the one the boxes name, so "Look at this
    weight" after it looks at that same weight."""
    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/6")
        wait_step(page, 6)
        page.get_by_test_id("step06-steepest").click()
        page.wait_for_function("() => document.querySelector('[data-testid=step06-words]')"
                               ".textContent.includes('slope')")
        words = page.get_by_test_id("step06-words").text_content()
        layer, row, column = (int(page.input_value(f"#step06-{name}"))
                              for name in ("layer", "row", "column"))
        assert words.startswith(f"Weight {row} → {column} of layer {layer}:"), words
        with page.expect_request("**/api/slope") as asked:
            page.get_by_test_id("step06-pick").click()
        assert asked.value.post_data_json == {"layer": layer, "row": row, "column": column}
        page.wait_for_function("old => document.querySelector('[data-testid=step06-words]')"
                               ".textContent.startsWith(old)",
                               arg=f"Weight {row} → {column} of layer {layer}:")
        screenshot(page, "step-6-steepest-in-boxes")


LAPTOP = {"viewport": {"width": 1280, "height": 800}}
TICK = re.compile(r"-?\d+(\.\d{1,4})?")  # a number as a person writes it: no 0.2500001


def tick_labels(page, selector: str, axis: str) -> tuple[list[str], list[float]]:
    """The numbers a lesson chart drew on one axis ("x" or "y"), as text and as values.

    They must be plain numbers, each once, increasing, all with the same decimals, and
    evenly spaced: the grid a learner reads values off.
    """
    listed = page.locator(selector).get_attribute(f"data-{axis}-ticks")
    assert listed is not None, f"{selector} lists no numbers on its {axis} axis"
    texts = json.loads(listed)
    assert all(TICK.fullmatch(text) for text in texts), texts
    assert len({len(text.partition(".")[2]) for text in texts}) == 1, texts
    values = [float(text) for text in texts]
    assert len(set(values)) == len(values) and values == sorted(values), texts
    steps = {round(b - a, 9) for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) <= 1, f"unevenly spaced: {texts}"
    return texts, values


def chart_screenshot(page, selector: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(selector).screenshot(path=str(ARTIFACTS / f"lesson-{name}.png"))


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_step_six_chart_numbers_both_axes_with_the_servers_ticks(browser, server_url, size):
    """The loss curve's axes carry numbers: the weight's values (some negative) along the
    bottom and the loss up the side, the very ticks /api/slope sent, none left out."""
    with visitor(browser, **size) as page:
        open_page(page, server_url + "/#lesson/6")
        wait_step(page, 6)
        chart = ".step06-chart"
        assert page.locator(chart).get_attribute("data-x-ticks") is None  # nothing drawn yet
        with page.expect_response("**/api/slope") as caught:
            page.get_by_test_id("step06-steepest").click()
        answer = caught.value.json()
        page.wait_for_function("() => document.querySelector('[data-testid=step06-words]')"
                               ".textContent.includes('slope')")  # drawn with the words
        for axis, name in (("x", "x_axis"), ("y", "y_axis")):
            texts, values = tick_labels(page, chart, axis)
            sent = answer[name]
            assert texts == [tick["label"] for tick in sent["ticks"]], (axis, texts, sent["ticks"])
            assert 3 <= len(values) <= 7, (axis, texts)
            assert sent["low"] - 1e-9 <= values[0] and values[-1] <= sent["high"] + 1e-9
            assert values[-1] - values[0] >= 0.5 * (sent["high"] - sent["low"]), (axis, texts, sent)
        x_texts, _ = tick_labels(page, chart, "x")
        if any(tick["value"] < 0 for tick in answer["x_axis"]["ticks"]):
            assert x_texts[0].startswith("-"), x_texts  # a negative weight reads as one
        assert page.locator(chart).get_attribute("aria-label") == "the loss as one weight changes"
        widest = page.evaluate("document.documentElement.scrollWidth")
        assert widest <= size["viewport"]["width"], f"step 6 is {widest}px wide"
        chart_screenshot(page, chart, f"step-6-chart-{size['viewport']['width']}")


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_step_seven_chart_numbers_the_epochs_and_the_loss(browser, server_url, size):
    """After training, the loss chart's axes carry numbers: whole epochs from the first to
    the last planned, and round losses from 0 up to the highest loss drawn."""
    with visitor(browser, **size) as page:
        open_page(page, server_url + "/#lesson/7")
        wait_step(page, 7)
        page.get_by_test_id("step07-train").click()
        page.wait_for_function("() => document.querySelector('[data-testid=step07-words]')"
                               ".textContent.startsWith('Done')", timeout=120_000)
        status = page.evaluate("async () => (await fetch('/api/training')).json()")
        planned, losses = status["settings"]["epochs"], [e["train_loss"] for e in status["epochs"]]
        chart = ".step07-chart"

        texts, epochs = tick_labels(page, chart, "x")
        assert all(re.fullmatch(r"\d+", text) for text in texts), texts  # whole epochs
        assert 3 <= len(epochs) <= 8 and 1 <= epochs[0] and epochs[-1] <= planned, texts
        spacing = epochs[1] - epochs[0]
        assert epochs[0] <= 1 + spacing and epochs[-1] > planned - spacing, (texts, planned)

        texts, values = tick_labels(page, chart, "y")
        top = max(losses) * 1.05  # the loss axis: 0 to a little above the highest loss
        assert 3 <= len(values) <= 6 and values[0] == 0, texts
        spacing = values[1] - values[0]
        assert values[-1] <= top and values[-1] > top - spacing, (texts, max(losses))
        label = page.locator(chart).get_attribute("aria-label")
        assert label == "the training loss, epoch by epoch"
        widest = page.evaluate("document.documentElement.scrollWidth")
        assert widest <= size["viewport"]["width"], f"step 7 is {widest}px wide"
        chart_screenshot(page, chart, f"step-7-chart-{size['viewport']['width']}")


def test_step_eight_asks_for_a_digit_before_grading_one(browser, server_url):
    """The answer box starts empty: Check asks for a digit instead of grading a 0 the
    learner never chose (which would be right by luck for a neuron that likes 0s)."""
    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/8")
        wait_step(page, 8)
        guess = page.locator("#step08-guess")
        assert guess.input_value() == ""
        assert guess.evaluate("s => s.selectedOptions[0].textContent") == "choose a digit"
        page.get_by_test_id("step08-neuron-2").click()
        favourite = page.get_by_test_id("step08-exciting").locator(".thumb span").first
        top = int(favourite.text_content())
        assert not check(page)
        said = page.get_by_test_id("lesson-answer").text_content()
        assert "choose the digit" in said.lower() and "not a" not in said, said
        guess.select_option(str(top))
        assert check(page)
