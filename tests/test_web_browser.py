"""The explorer in a real browser: headless Chromium driven by Playwright.

A real uvicorn server (on 127.0.0.1, a free port, stopped at the end of the module:
conftest.py's ``server_url``) serves the page with a small pre-trained network. The
tests draw digits with the mouse, click neurons, train live and edit hand-set
weights, as a user would, and keep screenshots in test-artifacts/ to look at.

Outside CI they are skipped when /usr/bin/chromium is missing; under CI=true that
is a failure, so these tests can never silently stop running there (conftest.py
launches the browser).
"""

from __future__ import annotations

import math
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

if os.environ.get("CI") != "true":  # in CI a missing piece is a failure, never a skip
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    pytest.importorskip("playwright.sync_api")

from glassnet.web.inspection import DRAWN_WEIGHTS  # noqa: E402

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
TIMEOUT_MS = 30_000  # a deadline for slow machines, never a timing assertion
PAD_SIDE = 280  # the canvas's own coordinates


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}


@contextmanager
def explorer_page(browser, server_url: str, **context_options):
    """A fresh page (its own cookies, its own session), ready to draw on.

    It fails the test on any console error or page error seen while it was open.
    """
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(server_url + "/#explore")
    page.wait_for_selector("body[data-ready=true]")
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"errors on the page (scripts, policy, failed requests): {errors}"


@pytest.fixture
def page(browser, server_url):
    """A desktop-sized explorer page (see ``explorer_page``)."""
    with explorer_page(browser, server_url, viewport={"width": 1366, "height": 900}) as page:
        yield page


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"explorer-{name}.png"), full_page=True)


def stroke(page, testid: str, points: list[tuple[float, float]], steps: int = 4) -> None:
    """Draw one stroke with the mouse on the canvas testid, through points given as fractions
    of its width and height. The canvas is scrolled to the middle of the window first: the
    mouse acts on what is on the screen, and the sticky header must not cover the pen."""
    canvas = page.get_by_test_id(testid)
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
    box = canvas.bounding_box()

    def at(x, y):
        return box["x"] + x * box["width"], box["y"] + y * box["height"]

    page.mouse.move(*at(*points[0]))
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*at(*point), steps=steps)
    page.mouse.up()


def draw(page, points: list[tuple[float, float]]) -> None:
    """Draw one stroke on the explorer's pad through points in its 280x280 coordinates."""
    stroke(page, "draw-pad", [(x / PAD_SIDE, y / PAD_SIDE) for x, y in points], steps=3)


def draw_with_a_finger(page, points: list[tuple[float, float]]) -> None:
    """Draw one stroke with touch events (Chromium's DevTools protocol), as on a phone."""
    box = page.get_by_test_id("draw-pad").bounding_box()
    scale = box["width"] / PAD_SIDE
    session = page.context.new_cdp_session(page)
    for index, (x, y) in enumerate(points):
        kind = "touchStart" if index == 0 else "touchMove"
        session.send("Input.dispatchTouchEvent", {
            "type": kind, "touchPoints": [{"x": box["x"] + x * scale, "y": box["y"] + y * scale}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


def draw_one(page) -> None:
    draw(page, [(140, 40 + 10 * k) for k in range(21)])


def draw_zero(page) -> None:
    turns = [2 * math.pi * k / 28 for k in range(29)]
    draw(page, [(140 + 65 * math.sin(turn), 140 - 95 * math.cos(turn)) for turn in turns])


def wait_for_guess(page, digit: str) -> None:
    page.wait_for_function(
        "digit => document.querySelector('[data-testid=guess]').textContent === digit", arg=digit)


def wait_for_some_guess(page) -> None:
    page.wait_for_function(
        "() => /^[0-9]$/.test(document.querySelector('[data-testid=guess]').textContent)")


def inked_pixels(page, test_id: str) -> int:
    """How many pixels of a canvas are painted darker than white."""
    return page.evaluate("""id => {
        const canvas = document.querySelector(`[data-testid="${id}"]`);
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] < 240) dark++;
        return dark;
    }""", test_id)


def test_drawing_a_one_and_a_zero_gets_them_guessed(page):
    assert page.get_by_test_id("guess").text_content() == "?"
    assert inked_pixels(page, "input-8x8") == 0
    draw_one(page)
    wait_for_guess(page, "1")
    assert inked_pixels(page, "input-8x8") > 0
    screenshot(page, "drawn-one")

    numbers_of_the_one = page.locator("#numbers").text_content()
    draw(page, [(60, 60), (220, 60)])  # a bar on top changes what the network sees...
    page.wait_for_function("before => document.querySelector('#numbers').textContent !== before",
                           arg=numbers_of_the_one)
    page.click("#undo")  # ...and undo takes it away again
    page.wait_for_function("before => document.querySelector('#numbers').textContent === before",
                           arg=numbers_of_the_one)
    wait_for_guess(page, "1")

    page.get_by_test_id("clear").click()
    wait_for_guess(page, "?")
    assert inked_pixels(page, "input-8x8") == 0
    draw_zero(page)
    wait_for_guess(page, "0")
    assert inked_pixels(page, "input-8x8") > 0
    screenshot(page, "drawn-zero")


def test_the_pad_draws_with_the_keyboard_too(page):
    """Tab to the pad, Space puts the pen down, the arrows draw, Space lifts it: a 1."""
    page.get_by_test_id("clear").focus()
    while page.evaluate("document.activeElement.dataset.testid") != "draw-pad":
        page.keyboard.press("Shift+Tab")  # the pad is in the tab order, before its buttons
    assert page.get_by_test_id("pad-pen").is_visible()
    page.keyboard.press(" ")
    for _ in range(12):
        page.keyboard.press("ArrowDown")
    page.keyboard.press(" ")
    wait_for_guess(page, "1")
    assert inked_pixels(page, "draw-pad") > 0 and inked_pixels(page, "input-8x8") > 0
    assert page.get_by_test_id("pad-pen").get_attribute("class") == "lesson-pen"  # lifted
    page.keyboard.press("Control+z")  # and undone like any stroke
    wait_for_guess(page, "?")
    screenshot(page, "keyboard-pad")


def test_clicking_a_hidden_neuron_shows_its_weights_and_its_sum(page):
    draw_zero(page)
    wait_for_guess(page, "0")
    # Every hidden neuron's value is written beside it: readable without hovering.
    page.get_by_test_id("value-0-31").wait_for()
    written = page.locator("#diagram [data-testid^='value-0-']").all_text_contents()
    assert len(written) == 32 and all(re.fullmatch(r"-?\d+\.\d\d", text) for text in written)
    outputs = page.locator("#diagram [data-testid^='value-1-']").all_text_contents()
    assert outputs == [f"{digit} " + text.split()[1] for digit, text in enumerate(outputs)]
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("neuron-0-5").click()
    weights = page.get_by_test_id("neuron-weights")
    weights.wait_for()
    assert weights.evaluate("canvas => canvas.width") == 8  # the 8x8 weight picture
    panel = page.locator("#neuron-panel")
    assert "Hidden neuron 5 of layer 1" in panel.text_content()
    assert "weighted sum z" in panel.text_content()
    assert panel.locator(".thumb").count() == 9  # the 8 digits that excite it most, and...
    assert page.get_by_test_id("exciting-input").count() == 1  # ...the input that does most
    screenshot(page, "neuron")


def test_live_training_grows_the_curve_and_shows_the_test_accuracy(page):
    page.click("#tab-train")
    page.fill("#f-hidden", "16")
    page.fill("#f-epochs", "6")
    page.select_option("#f-pace", "0")  # full speed
    page.get_by_test_id("train-start").click()
    page.wait_for_function("() => document.querySelector('#chart-loss').dataset.points >= 1")
    accuracy = page.get_by_test_id("test-accuracy")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=test-accuracy]').textContent !== ''")
    assert re.fullmatch(r"\d{1,3}\.\d%", accuracy.text_content())
    assert page.locator("#chart-loss").get_attribute("data-points") == "6"
    assert page.locator("#confusion tr").count() == 11
    page.wait_for_function(  # the new network is the one drawn against now
        "() => document.querySelector('#model-summary').textContent.includes('64 → 16 → 10')")
    screenshot(page, "trained")


def test_a_recipe_fills_the_form_and_trains_with_its_other_settings(page):
    page.click("#tab-train")
    recipe = page.get_by_label("Recipe")  # the select has a label a screen reader reads
    assert recipe.input_value() == "default"
    assert "no weight averaging" not in page.get_by_test_id("recipe-note").text_content()
    recipe.select_option("fast")
    assert page.input_value("#f-hidden") == "64"
    assert page.input_value("#f-optimizer") == "adam"
    assert page.input_value("#f-epochs") == "8" and page.input_value("#f-batch") == "64"
    assert page.get_attribute("#f-rate", "placeholder") == "0.025 for adam"
    note = page.get_by_test_id("recipe-note").text_content()
    assert "input noise 0" in note and "float32" in note and "no nudges" in note
    assert "no validation images held out" in note
    page.fill("#f-epochs", "3")
    page.select_option("#f-pace", "0")  # full speed
    page.get_by_test_id("train-start").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=test-accuracy]').textContent !== ''")
    page.wait_for_function(
        "() => document.querySelector('#model-summary').textContent.includes('64 → 64 → 10')")
    assert page.locator("#chart-loss").get_attribute("data-points") == "3"
    # No images held out, so the legend names no validation curve.
    legend = page.locator("#legend-loss").inner_text()
    assert "training images" in legend and "validation" not in legend
    screenshot(page, "recipe-fast")
    recipe.select_option("best")
    assert page.input_value("#f-hidden") == "256,256,256" and page.input_value("#f-epochs") == "100"
    note = page.get_by_test_id("recipe-note").text_content()
    assert "weights averaged over the last 51 of its 100 epochs" in note
    assert "pictures nudged by up to 0.5 of a pixel" in note


def test_changing_a_hand_set_weight_changes_the_output(page):
    draw_one(page)
    wait_for_guess(page, "1")
    page.wait_for_load_state("networkidle")  # the last answer for the drawing has arrived
    page.click("#tab-handset")
    output = page.get_by_test_id("handset-output")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=handset-output]').dataset.output")
    before = float(output.get_attribute("data-output"))
    accuracy_before = page.get_by_test_id("handset-accuracy").text_content()
    page.check("input[name=brush][value='-1']")
    page.get_by_test_id("hand-cell-3-3").click()
    page.wait_for_function(
        "before => Number(document.querySelector('[data-testid=handset-output]').dataset.output)"
        " !== before", arg=before)
    assert float(output.get_attribute("data-output")) < before
    assert page.get_by_test_id("hand-cell-3-3").text_content() == "−1"
    assert page.get_by_test_id("handset-accuracy").text_content() != accuracy_before

    page.check("input[name=brush][value='0.5']")  # drag across a row: four cells painted
    start = page.get_by_test_id("hand-cell-0-0").bounding_box()
    end = page.get_by_test_id("hand-cell-0-3").bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(end["x"] + 10, end["y"] + 10, steps=12)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=hand-cell-0-3]').textContent === '+.5'")
    assert [page.get_by_test_id(f"hand-cell-0-{c}").text_content() for c in range(5)] == [
        "+.5", "+.5", "+.5", "+.5", "+1"]
    screenshot(page, "handset")


def test_one_weights_slope_hops_downhill(page):
    page.click("#tab-slope")
    page.wait_for_selector("#slope-readout dl")
    page.fill("#s-value", "3")
    page.click("#s-move")
    page.wait_for_function("() => document.querySelector('#slope-chart').dataset.value === '3'")
    page.click("#s-hop")
    page.wait_for_selector("#hop-log li")
    assert page.locator("#slope-chart").get_attribute("data-value") != "3"
    screenshot(page, "slope")


def train_live(page, hidden: str, epochs: str, learning_rate: str | None = None) -> None:
    page.click("#tab-train")
    page.fill("#f-hidden", hidden)
    page.fill("#f-epochs", epochs)
    if learning_rate is not None:
        page.fill("#f-rate", learning_rate)
    page.select_option("#f-pace", "0")  # full speed
    page.get_by_test_id("train-start").click()


def test_a_deeper_network_then_the_way_back_redraw_everything(page):
    """Draw, train 64-32-16-10 live, draw again, go back: no errors, every view follows."""
    draw_zero(page)
    wait_for_guess(page, "0")
    accuracy = page.get_by_test_id("network-accuracy")
    page.wait_for_function(
        "() => /%$/.test(document.querySelector('#network-accuracy').textContent)")
    first = accuracy.text_content()
    back = page.get_by_test_id("previous-network")
    assert back.is_hidden()  # nothing to go back to yet
    train_live(page, "32,16", "8")
    back.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#model-summary').textContent"
                           ".startsWith('64 → 32 → 16 → 10')")
    assert "64 → 32 → 10" in back.text_content() and first in back.text_content()
    wait_for_some_guess(page)  # the drawing, traced through the new network
    assert page.locator("#output-bars .bar").count() == 10
    page.click("#tab-slope")
    page.wait_for_selector("#slope-readout dl")
    assert page.locator("#s-layer option").count() == 3  # one per layer of weights
    page.get_by_test_id("clear").click()
    draw_one(page)
    wait_for_some_guess(page)  # a briefly trained network: any digit, but a guess
    screenshot(page, "deeper")
    back.click()
    page.wait_for_function("() => document.querySelector('#model-summary').textContent"
                           ".startsWith('64 → 32 → 10')")
    assert accuracy.text_content() == first
    assert "64 → 32 → 16 → 10" in back.text_content()  # a second click would undo it
    wait_for_guess(page, "1")  # the trained network is back, and reads the 1 again


def test_a_network_without_hidden_layers_draws_and_guesses(page):
    train_live(page, "none", "6")
    page.wait_for_function("() => document.querySelector('#model-summary').textContent"
                           ".startsWith('64 → 10')")
    draw_one(page)
    wait_for_some_guess(page)
    assert page.locator("#output-bars .bar").count() == 10
    assert page.locator("#weight-tiles canvas").count() == 0  # no hidden neurons to draw
    screenshot(page, "no-hidden-layer")


def test_a_diverging_training_is_refused_and_the_network_kept(page):
    page.wait_for_function(
        "() => /%$/.test(document.querySelector('#network-accuracy').textContent)")
    before = page.get_by_test_id("network-accuracy").text_content()
    summary = page.locator("#model-summary").text_content()
    train_live(page, "32", "30", learning_rate="10")
    refused = page.get_by_test_id("training-refused")
    refused.wait_for(state="visible")
    assert "diverged" in refused.text_content() and "learning rate" in refused.text_content()
    assert before in refused.text_content()  # the network you still have, and its score
    assert page.get_by_test_id("network-accuracy").text_content() == before
    assert page.locator("#model-summary").text_content() == summary
    assert page.get_by_test_id("previous-network").is_hidden()
    screenshot(page, "refused")


def test_the_slope_tab_starts_steep_keeps_its_axis_and_marks_overshoots(page):
    page.click("#tab-slope")
    page.wait_for_selector("#slope-readout dl")
    assert "steepest" in page.locator("#slope-chosen").text_content()
    ticks = page.evaluate("() => fetch('/api/slope/hop', {method: 'POST', headers: "
                          "{'Content-Type': 'application/json'}, body: '{}'}).then(r => r.json())")
    labels = [tick["label"] for tick in ticks["y_axis"]["ticks"]]
    assert len(set(labels)) == len(labels)  # no two ticks read alike
    page.fill("#s-rate", "400")  # hops far too big: they overshoot
    for _ in range(3):
        page.click("#s-hop")
    page.wait_for_function("() => Number(document.querySelector('#slope-chart')"
                           ".dataset.overshoots) > 0")
    assert page.locator("#hop-log li.overshot").count() > 0
    screenshot(page, "slope-overshoots")


def test_backprop_on_a_drawing_steps_downhill_and_undoes(page):
    """Say the drawing is a 7: a step lowers that loss, the network changes, Undo restores it."""
    draw_one(page)
    wait_for_guess(page, "1")
    page.click("#tab-backprop")
    loss = page.get_by_test_id("backprop-loss")
    page.wait_for_function("() => document.querySelector('#bp-loss').textContent !== '–'")
    assert page.locator("#bp-label").input_value() == "1"  # the network's guess, to start
    page.select_option("#bp-label", "7")
    page.wait_for_function("() => document.querySelector('#bp-summary').textContent"
                           ".includes('you say 7')")
    before = float(loss.text_content())
    assert page.locator("#bp-slopes canvas").count() == 32  # one picture per hidden neuron
    assert page.locator("#bp-deltas .bp-layer").count() == 2
    summary = page.locator("#model-summary").text_content()
    page.get_by_test_id("backprop-step").click()
    page.wait_for_function("before => Number(document.querySelector('#bp-loss').textContent)"
                           " < before", arg=before)
    assert "before the step" in page.locator("#bp-moved").text_content()
    assert page.locator("#bp-label").input_value() == "7"  # the answer chosen stays
    assert page.locator("#model-summary").text_content() == summary  # same shape, new weights
    screenshot(page, "backprop")
    page.get_by_test_id("backprop-undo").click()
    page.wait_for_function("before => Number(document.querySelector('#bp-loss').textContent)"
                           " === before", arg=before)
    assert page.get_by_test_id("backprop-undo").is_disabled()


def test_backprop_on_a_real_digit_starts_from_its_true_label(page):
    with page.expect_response("**/api/predict") as answer:
        page.click("#example")
    label = answer.value.json()["label"]
    page.click("#tab-backprop")
    page.wait_for_function("() => document.querySelector('#bp-loss').textContent !== '–'")
    assert page.locator("#bp-label").input_value() == str(label)
    assert f"you say {label}" in page.locator("#bp-summary").text_content()


def test_an_open_backprop_tab_follows_each_new_picture_on_the_pad(page):
    """With the tab open: a drawing fills it in at once, and a real digit after a chosen
    answer brings that digit's numbers and true label, which the next step then uses."""
    page.click("#tab-backprop")
    assert page.get_by_test_id("backprop-step").is_disabled()  # nothing drawn yet
    draw_one(page)
    wait_for_guess(page, "1")
    page.wait_for_function("() => document.querySelector('#bp-loss').textContent !== '–'")
    assert page.locator("#bp-label").input_value() == "1"  # the network's guess, to start
    assert "you say 1" in page.locator("#bp-summary").text_content()
    assert page.get_by_test_id("backprop-step").is_enabled()

    page.select_option("#bp-label", "7")
    page.wait_for_function("() => document.querySelector('#bp-summary').textContent"
                           ".includes('you say 7')")
    page.evaluate("() => { Math.random = () => 0; }")  # training digit #0, a 0, not a 7
    with page.expect_response("**/api/predict") as predicted:
        page.click("#example")
    digit = predicted.value.json()
    assert digit["label"] != 7
    page.wait_for_function("label => document.querySelector('#bp-summary').textContent"
                           ".includes(`you say ${label}`)", arg=digit["label"])
    assert page.locator("#bp-label").input_value() == str(digit["label"])
    with page.expect_request("**/api/backprop/step") as stepped:
        page.get_by_test_id("backprop-step").click()
    sent = stepped.value.post_data_json
    assert sent["label"] == digit["label"]
    assert sent["numbers"] == digit["numbers"]  # the picture on the pad, not the drawing before
    page.wait_for_function("() => document.querySelector('#bp-moved').textContent"
                           ".includes('before the step')")
    screenshot(page, "backprop-follows-the-pad")
    page.get_by_test_id("backprop-undo").click()
    page.wait_for_function("() => document.querySelector('#bp-moved').textContent"
                           ".includes('undone')")


def test_clicking_a_pixel_of_a_weight_picture_sets_that_weight(page):
    draw_zero(page)
    wait_for_guess(page, "0")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("neuron-0-5").click()
    picture = page.get_by_test_id("neuron-weights")
    box = picture.bounding_box()
    # The pixel in row 3, column 4: the middle of that eighth of the picture.
    page.mouse.click(box["x"] + box["width"] * 4.5 / 8, box["y"] + box["height"] * 3.5 / 8)
    page.get_by_test_id("weight-value").fill("7.5")
    version = page.evaluate("() => fetch('/api/network').then(r => r.json()).then(n => n.version)")
    page.get_by_test_id("set-weight").click()
    page.wait_for_function("v => fetch('/api/network').then(r => r.json())"
                           ".then(n => n.version > v)", arg=version)
    weight = page.evaluate("() => fetch('/api/network').then(r => r.json())"
                           ".then(n => n.layers[0].weights[3 * 8 + 4][5])")
    assert weight == 7.5
    page.get_by_test_id("neuron-weights").wait_for()  # the panel drawn again for the new weight
    page.get_by_test_id("reset-weights").click()
    page.wait_for_function("() => fetch('/api/network').then(r => r.json())"
                           ".then(n => n.layers[0].weights[3 * 8 + 4][5] !== 7.5)")


def test_a_neuron_switched_off_then_the_trained_weights_back(page):
    draw_zero(page)
    wait_for_guess(page, "0")
    page.wait_for_function(
        "() => /%$/.test(document.querySelector('#network-accuracy').textContent)")
    trained = page.get_by_test_id("network-accuracy").text_content()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("neuron-0-5").click()
    page.get_by_test_id("knockout").click()
    table = page.get_by_test_id("knockout-table")
    table.wait_for()
    assert table.locator("tr").count() == 11  # a header and one row per digit
    assert trained in page.locator("#knockout-result").text_content()  # "from 97.8% to ..."
    screenshot(page, "knockout")
    page.get_by_test_id("reset-weights").click()
    page.wait_for_function("before => document.querySelector('#network-accuracy')"
                           ".textContent === before", arg=trained)
    wait_for_guess(page, "0")


@pytest.fixture
def phone(browser, server_url):
    """The explorer on a 390x844 touch phone (see ``explorer_page``)."""
    with explorer_page(browser, server_url, **PHONE) as page:
        yield page


def test_the_page_fits_a_phone_screen(phone):
    page = phone
    draw_with_a_finger(page, [(140, 240 - 10 * k) for k in range(21)])  # upwards: would scroll
    wait_for_guess(page, "1")
    assert page.evaluate("window.scrollY") == 0  # drawing did not scroll the page
    page.get_by_test_id("clear").tap()
    wait_for_guess(page, "?")
    draw_zero(page)
    wait_for_guess(page, "0")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    touch_action = page.get_by_test_id("draw-pad").evaluate("c => getComputedStyle(c).touchAction")
    assert touch_action == "none"  # drawing must not scroll the page
    screenshot(page, "phone")


def neurons_on_screen(page) -> list[dict]:
    """Every neuron of the diagram: its test id, its box on screen and the value written in it."""
    return page.evaluate("""() => [...document.querySelectorAll('#diagram .neuron')].map(node => {
        const box = node.getBoundingClientRect(), value = node.querySelector('.value');
        const frame = node.querySelector('.frame').getBoundingClientRect();
        const text = value ? value.getBoundingClientRect() : null;
        return {id: node.dataset.testid, width: box.width, height: box.height,
                value: value ? value.textContent : null,
                // room between the written value and its tile's sides (negative: it sticks out)
                room: text ? Math.min(text.left - frame.left, frame.right - text.right,
                                      text.top - frame.top, frame.bottom - text.bottom) : null};
    })""")


@pytest.mark.parametrize("hidden, sizes", [
    ("none", [10]), ("32", [32, 10]), ("24,16,12", [24, 16, 12, 10]),
    ("256,256,256", [256, 256, 256, 10]),  # the largest network the explorer trains
])
def test_every_neuron_is_drawn_with_its_value_and_big_enough_to_tap(page, hidden, sizes):
    """Pictures for the first layer, cells with values after it, the strongest lines only."""
    train_live(page, hidden, "1")
    page.wait_for_function("shape => document.querySelector('#model-summary').textContent"
                           ".startsWith(shape)", arg=" → ".join(map(str, [64, *sizes])))
    page.click("#tab-inside")
    draw_zero(page)
    wait_for_some_guess(page)
    page.get_by_test_id(f"value-{len(sizes) - 1}-9").wait_for()
    neurons = neurons_on_screen(page)
    assert [n["id"] for n in neurons] == [f"neuron-{layer}-{j}" for layer, size in enumerate(sizes)
                                         for j in range(size)]
    assert all(n["width"] >= 24 and n["height"] >= 24 for n in neurons)
    assert all(re.search(r"-?\d+\.\d\d$", n["value"]) for n in neurons)  # no hover needed
    crowded = [(n["id"], n["value"], n["room"]) for n in neurons if n["room"] < 3]
    assert not crowded, f"values touching their tile's sides: {crowded[:5]}"
    assert [n["value"].split()[0] for n in neurons[-10:]] == [str(d) for d in range(10)]
    pictures = page.locator("#diagram .neuron image").count()
    assert pictures == (sizes[0] if len(sizes) > 1 else 0)  # first hidden layer: weight pictures
    fan_in = [64, *sizes[:-1]]
    lines = page.locator("#diagram .edges line")
    assert lines.count() == sum(3 * size for size in sizes)  # each neuron's 3 strongest
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"the diagram makes the page {width}px wide"  # it scrolls inside
    name = hidden.replace(",", "-")
    screenshot(page, f"diagram-{name}")
    note = page.get_by_test_id("connections-note")
    assert note.is_hidden()
    page.get_by_test_id("show-all-connections").check()
    weights = [a * b for a, b in zip(fan_in, sizes, strict=True)]
    assert lines.count() == sum(min(w, DRAWN_WEIGHTS) for w in weights)  # the server's cap
    if max(weights) > DRAWN_WEIGHTS:  # says which lines it left out
        assert note.is_visible()
        assert f"the {DRAWN_WEIGHTS:,} strongest of {weights[1]:,} weights from hidden 1" in (
            note.text_content())
        screenshot(page, f"diagram-{name}-every-connection")
    else:
        assert note.is_hidden()
    page.get_by_test_id("show-all-connections").uncheck()
    assert note.is_hidden()
    last = page.get_by_test_id(f"neuron-{len(sizes) - 1}-{sizes[-1] - 1}")
    last.click()
    page.wait_for_function("() => document.querySelector('#neuron-panel').textContent"
                           ".includes('weighted sum z')")


def test_every_tab_fits_a_phone_and_its_controls_can_be_tapped(phone):
    """390x844: no tab widens the page; every control is at least 24x24 and on screen."""
    page = phone
    draw_with_a_finger(page, [(140, 240 - 10 * k) for k in range(21)])
    wait_for_guess(page, "1")
    for tab in ("inside", "train", "slope", "backprop", "handset"):
        page.locator(f"#tab-{tab}").tap()
        if tab == "slope":
            page.wait_for_selector("#slope-readout dl")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the {tab} tab makes the page {width}px wide on a 390px phone"
        too_small = page.evaluate("""() => [...document.querySelectorAll(
                'button, input, select, .tab')].filter(e => e.offsetParent !== null)
            .map(e => [e.id || e.dataset.testid || e.value || e.textContent.trim(),
                       // a radio button or a check box is tapped through its label
                       (["radio", "checkbox"].includes(e.type) && e.closest("label")
                        ? e.closest("label") : e).getBoundingClientRect()])
            .filter(([, box]) => box.width < 24 || box.height < 24 || box.right > 390
                                 || box.left < 0)
            .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`
                 + ` at ${Math.round(box.left)}`)""")
        assert not too_small, f"{tab}: controls too small to tap or off the screen: {too_small}"
        screenshot(page, f"phone-{tab}")


def diagram_room(page) -> dict:
    """The diagram's box: how far it scrolls sideways, and where the last output neuron and
    the outputs' caption end, against the box's own right edge (all in CSS pixels)."""
    return page.evaluate("""() => {
        const wrap = document.querySelector('.diagram-wrap'), box = wrap.getBoundingClientRect();
        const outputs = [...document.querySelectorAll('#diagram .neuron')].slice(-10);
        const caption = [...document.querySelectorAll('#diagram text.label')].pop();
        return {hidden: wrap.scrollWidth - wrap.clientWidth, box_right: box.right,
                outputs_right: Math.max(...outputs.map(n => n.getBoundingClientRect().right)),
                caption: caption.textContent, caption_right: caption.getBoundingClientRect().right};
    }""")


@pytest.mark.parametrize("width", [1181, 1280, 1310, 1341, 1366])
def test_the_whole_first_diagram_fits_its_box_on_a_laptop(browser, server_url, width):
    """Beside the neuron panel or under it, the 64-32-10 diagram never loses its outputs."""
    with explorer_page(browser, server_url, viewport={"width": width, "height": 800}) as page:
        draw_one(page)
        wait_for_guess(page, "1")
        page.get_by_test_id("value-1-9").wait_for()
        room = diagram_room(page)
        assert room["hidden"] <= 0, f"at {width}px the diagram scrolls by {room['hidden']}px"
        assert room["outputs_right"] <= room["box_right"]
        assert room["caption_right"] <= room["box_right"]
        assert room["caption"] == "10 neurons"
        if page.get_by_test_id("diagram-scroll").count():  # (the page before this hint had none)
            assert page.get_by_test_id("diagram-scroll").is_hidden()  # nothing to scroll: no hint
        if width == 1280:
            screenshot(page, "diagram-1280")


def test_a_phone_says_the_diagram_scrolls_to_its_outputs(browser, server_url):
    """Too wide for a 375px phone (it never shrinks below a tappable size): the page says so
    above it and fades the side with more, until the outputs are scrolled into the box."""
    with explorer_page(browser, server_url, viewport={"width": 375, "height": 812},
                       has_touch=True, is_mobile=True, device_scale_factor=2) as page:
        draw_one(page)
        wait_for_guess(page, "1")
        page.get_by_test_id("value-1-9").wait_for()
        hint = page.get_by_test_id("diagram-scroll")
        assert hint.is_visible() and "outputs" in hint.text_content()
        frame = page.locator("#diagram-frame")
        assert frame.get_attribute("class").split() == ["diagram-frame", "more-right"]
        room = diagram_room(page)
        assert room["hidden"] > 0 and room["outputs_right"] > room["box_right"]
        screenshot(page, "phone-diagram-hint")
        page.locator("#diagram-wrap").evaluate("wrap => { wrap.scrollLeft = wrap.scrollWidth; }")
        page.wait_for_function("() => document.getElementById('diagram-frame')"
                               ".classList.contains('more-left')")
        assert "more-right" not in frame.get_attribute("class")
        room = diagram_room(page)
        assert room["outputs_right"] <= room["box_right"]  # the guess, in the box
        screenshot(page, "phone-diagram-scrolled")


@pytest.mark.parametrize("key", [" ", "Enter"])
def test_a_neuron_opened_with_the_keyboard_keeps_the_focus(page, key):
    """Space or Enter on a neuron opens it; the diagram drawn again keeps the focus on it, so
    the next arrow goes on to the next neuron, and Space does not scroll the page."""
    draw_zero(page)
    wait_for_guess(page, "0")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("neuron-0-2").focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "hidden layer 1 neuron 3")
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press(key)
    page.wait_for_function("() => document.querySelector('#neuron-panel').textContent"
                           ".includes('Hidden neuron 3 of layer 1')")
    assert "selected" in page.get_by_test_id("neuron-0-3").get_attribute("class").split()
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate("document.activeElement.dataset.testid") == "neuron-0-3"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.testid") == "neuron-0-4"


FOCUSED = "() => document.activeElement && document.activeElement.dataset.testid || null"


def tab_stops(page, group: str) -> list[str | None]:
    """The tabindex of every item in a group: the roving tabindex gives exactly one a 0."""
    return page.locator(group).evaluate_all("items => items.map(i => i.getAttribute('tabindex'))")


def press_and_see(page, keys: list[str]) -> list[str | None]:
    """Press each key in turn; the data-testid focused after each."""
    focused = []
    for key in keys:
        page.keyboard.press(key)
        focused.append(page.evaluate(FOCUSED))
    return focused


def test_the_diagram_is_one_tab_stop_and_the_arrows_move_between_neurons(page):
    """42 neurons, one Tab stop: Up/Down go along a layer, Left/Right to the next column of
    tiles (here 32 hidden neurons in 4 columns of 8, then the 10 outputs) on the nearest
    neuron, Home/End to the first and last; Enter still opens the neuron, and Tab leaves."""
    draw_zero(page)
    wait_for_guess(page, "0")
    page.wait_for_load_state("networkidle")
    stops = tab_stops(page, "#diagram .neuron")
    assert len(stops) == 42 and stops.count("0") == 1 and stops[0] == "0"
    assert stops.count("-1") == 41
    described = page.locator("#diagram").get_attribute("aria-describedby")
    assert "arrows" in page.locator(f"#{described}").text_content()
    page.locator("#diagram-wrap").scroll_into_view_if_needed()
    page.locator("[data-save=diagram]").focus()  # just before the diagram in the Tab order
    assert press_and_see(page, ["Tab"]) == ["neuron-0-0"]
    scrolled = page.evaluate("window.scrollY")
    assert press_and_see(page, ["ArrowUp", "ArrowDown", "ArrowDown", "ArrowUp", "ArrowDown"]) == [
        "neuron-0-0", "neuron-0-1", "neuron-0-2", "neuron-0-1", "neuron-0-2"]
    assert press_and_see(page, ["ArrowRight", "ArrowRight", "ArrowRight"]) == [
        "neuron-0-10", "neuron-0-18", "neuron-0-26"]  # the same row of each column
    assert page.evaluate("window.scrollY") == scrolled  # the arrows did not scroll the page
    # on to the outputs (10 shorter tiles, centred), on the one nearest in height
    assert press_and_see(page, ["ArrowRight", "ArrowRight", "ArrowDown"]) == [
        "neuron-1-1", "neuron-1-1", "neuron-1-2"]
    heights = page.locator("#diagram .neuron").evaluate_all(
        "nodes => nodes.map(n => n.getBoundingClientRect()).map(b => b.top + b.height / 2)")
    outputs = [abs(y - heights[26]) for y in heights[32:]]
    assert outputs.index(min(outputs)) == 1  # output 1 is the nearest to hidden neuron 26
    assert press_and_see(page, ["ArrowLeft", "End", "ArrowDown", "Home", "ArrowLeft"]) == [
        "neuron-0-26", "neuron-1-9", "neuron-1-9", "neuron-0-0", "neuron-0-0"]
    page.keyboard.press("End")
    page.keyboard.press("Enter")  # still opens the neuron, and the focus stays on it
    page.wait_for_function("() => document.querySelector('#neuron-panel h3') && document"
                           ".querySelector('#neuron-panel h3').textContent.includes('9')")
    assert "selected" in page.get_by_test_id("neuron-1-9").get_attribute("class").split()
    assert page.evaluate(FOCUSED) == "neuron-1-9"
    stops = tab_stops(page, "#diagram .neuron")  # drawn anew: the stop is where the user was
    assert stops.count("0") == 1 and stops[-1] == "0"
    screenshot(page, "diagram-keyboard")
    page.keyboard.press("Tab")  # one press leaves the diagram...
    assert not page.evaluate("() => !!document.activeElement.closest('#diagram')")
    page.keyboard.press("Shift+Tab")  # ...and coming back lands on the neuron left
    assert page.evaluate(FOCUSED) == "neuron-1-9"


def test_the_hand_set_grid_is_one_tab_stop_and_the_arrows_move_a_row_or_a_column(page):
    """64 cells, one Tab stop: the arrows move by row and column and stop at the edges,
    Home/End go to the corners, Enter and Space still paint the cell focused, and Tab leaves."""
    page.click("#tab-handset")
    page.click("[data-preset=zero]")
    page.wait_for_function("() => [...document.querySelectorAll('#hand-grid button')]"
                           ".every(c => c.textContent === '0')")
    stops = tab_stops(page, "#hand-grid button")
    assert len(stops) == 64 and stops.count("0") == 1 and stops[0] == "0"
    described = page.locator("#hand-grid").get_attribute("aria-describedby")
    assert "arrows" in page.locator(f"#{described}").text_content()
    page.check("input[name=brush][value='1']")
    page.locator("#panel-handset").focus()  # just before the grid in the Tab order
    assert press_and_see(page, ["Tab"]) == ["hand-cell-0-0"]
    scrolled = page.evaluate("window.scrollY")
    moves = ["ArrowUp", "ArrowLeft", "ArrowRight", "ArrowDown", "ArrowDown"]
    assert press_and_see(page, moves) == [
        "hand-cell-0-0", "hand-cell-0-0", "hand-cell-0-1", "hand-cell-1-1", "hand-cell-2-1"]
    assert press_and_see(page, ["End", "ArrowRight", "ArrowDown", "ArrowUp", "Home"]) == [
        "hand-cell-7-7", "hand-cell-7-7", "hand-cell-7-7", "hand-cell-6-7", "hand-cell-0-0"]
    assert page.evaluate("window.scrollY") == scrolled  # the arrows did not scroll the page
    assert press_and_see(page, ["ArrowDown"] * 3 + ["ArrowRight"] * 3) == [
        "hand-cell-1-0", "hand-cell-2-0", "hand-cell-3-0",
        "hand-cell-3-1", "hand-cell-3-2", "hand-cell-3-3"]
    page.keyboard.press("Enter")  # paints the cell, as a click does
    page.wait_for_function("() => document.querySelector('[data-testid=hand-cell-3-3]')"
                           ".textContent === '+1'")
    page.keyboard.press("ArrowRight")
    page.keyboard.press(" ")  # and so does Space
    page.wait_for_function("() => document.querySelector('[data-testid=hand-cell-3-4]')"
                           ".textContent === '+1'")
    painted = page.locator("#hand-grid button").evaluate_all(
        "cells => cells.filter(c => c.textContent !== '0').map(c => c.dataset.testid)")
    assert painted == ["hand-cell-3-3", "hand-cell-3-4"]  # only those two: moving paints nothing
    assert page.evaluate(FOCUSED) == "hand-cell-3-4"
    stops = tab_stops(page, "#hand-grid button")
    assert stops.count("0") == 1 and stops[3 * 8 + 4] == "0"
    screenshot(page, "handset-keyboard")
    page.keyboard.press("Tab")  # one press leaves the grid...
    assert not page.evaluate("() => !!document.activeElement.closest('#hand-grid')")
    page.keyboard.press("Shift+Tab")  # ...and coming back lands on the cell left
    assert page.evaluate(FOCUSED) == "hand-cell-3-4"
    if os.environ.get("CI") == "true":
        import axe_playwright_python.sync_playwright as axe_api
    else:
        axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
    violations = axe_api.Axe().run(page).response["violations"]
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not found, f"axe violations on the hand-set tab: {found}"


def test_each_hand_set_cell_says_its_weight_to_a_screen_reader(page):
    page.click("#tab-handset")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=hand-cell-3-3]').textContent !== ''")
    cell = page.get_by_test_id("hand-cell-3-3")
    shown = cell.text_content()
    assert page.get_by_role("button", name=f"pixel 3,3: weight {shown}", exact=True).count() == 1
    page.check(f"input[name=brush][value='{'-0.5' if shown != '−.5' else '1'}']")
    cell.click()
    page.wait_for_function("before => document.querySelector('[data-testid=hand-cell-3-3]')"
                           ".textContent !== before", arg=shown)
    now = cell.text_content()
    assert page.get_by_role("button", name=f"pixel 3,3: weight {now}", exact=True).count() == 1
    names = page.locator("#hand-grid button").evaluate_all(
        "cells => cells.map(c => [c.getAttribute('aria-label'), c.textContent])")
    assert all(name.endswith(f": weight {text}") for name, text in names)  # every one of 64


def test_a_training_set_aside_says_whose_results_it_shows(page):
    """Back to the previous network: the results stay, labelled as the set-aside training's,
    with its weight pictures; forward again, the label goes."""
    train_live(page, "16", "4")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=test-accuracy]').textContent !== ''")
    page.wait_for_function(
        "() => document.querySelector('#model-summary').textContent.startsWith('64 → 16 → 10')")
    run_accuracy = page.get_by_test_id("test-accuracy").text_content()
    note = page.get_by_test_id("train-set-aside")
    assert note.is_hidden()  # the results are the network drawn against
    assert page.locator("#weight-tiles canvas").count() == 16
    back = page.get_by_test_id("previous-network")
    back.click()
    page.wait_for_function(
        "() => document.querySelector('#model-summary').textContent.startsWith('64 → 32 → 10')")
    note.wait_for(state="visible")
    words = note.text_content()
    assert words.startswith("Set aside") and "64 → 16 → 10" in words and run_accuracy in words
    assert "back to the previous network" in words
    assert page.get_by_test_id("network-accuracy").text_content() not in words  # not this one's
    assert page.locator("#weight-tiles canvas").count() == 16  # the run's pictures, not 32
    screenshot(page, "training-set-aside")
    back.click()  # a second click swaps forward again: the results are the network's again
    page.wait_for_function(
        "() => document.querySelector('#model-summary').textContent.startsWith('64 → 16 → 10')")
    note.wait_for(state="hidden")
    assert page.get_by_test_id("test-accuracy").text_content() == run_accuracy


def test_axe_finds_nothing_at_all_on_the_explorer_after_a_training(page):
    """Every axe rule at every impact (an h1, a header cell with words, ...), not only the
    serious ones test_share_browser.py blocks on: the explorer has none to excuse."""
    if os.environ.get("CI") == "true":
        import axe_playwright_python.sync_playwright as axe_api
    else:
        axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
    draw_zero(page)
    wait_for_guess(page, "0")
    train_live(page, "16", "3")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=test-accuracy]').textContent !== ''")
    violations = axe_api.Axe().run(page).response["violations"]
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not found, f"axe violations: {found}"
    assert page.locator("h1").count() == 1 and page.locator("h1").is_visible()
    corner = page.locator("#confusion tr").first.locator("> *").first
    assert corner.evaluate("cell => cell.tagName") == "TD"  # it heads neither a row nor a column


def sure_for(page, probability: float) -> str:
    """The guess's words when the server's answer for a drawing says `probability` for its
    guess (the real answer, with that one number changed on its way to the page)."""
    def answer(route):
        real = route.fetch().json()
        if real.get("ink"):
            real["probabilities"][real["guess"]] = probability
            real["outputs"][real["guess"]] = probability
        route.fulfill(json=real)

    page.route("**/api/predict", answer)
    page.get_by_test_id("clear").click()
    draw_one(page)
    wait_for_guess(page, "1")
    page.wait_for_function("() => /sure$/.test(document.getElementById('guess-note').textContent)")
    page.unroute("**/api/predict")
    return page.locator("#guess-note").text_content()


def test_how_sure_the_guess_is_never_rounds_up_to_certain(page):
    assert sure_for(page, 0.998) == "99.8% sure"  # as its bar says: 0.998
    assert page.locator("#output-bars .bar.best .bar-value").text_content() == "0.998"
    assert sure_for(page, 0.99996) == ">99.9% sure"  # its bar rounds to 1.000; it is not 100%
    assert sure_for(page, 0.5) == "50.0% sure"
    assert sure_for(page, 1.0) == ">99.9% sure"  # the server's 1 is rounded: 0.99995 or more


HEADER_PIECES = """() => [...document.querySelectorAll(
    '.topbar .brand, .topbar .view-link, #share-tools > *, .network-status > *')]
  .filter((e) => e.getClientRects().length)
  .map((e) => { const r = e.getBoundingClientRect();
    return { name: e.id || e.className, top: r.top, bottom: r.bottom, left: r.left,
             right: r.right }; })"""


def header_rows(pieces: list[dict]) -> list[list[str]]:
    """The header's pieces in rows, top to bottom: a piece that starts below every piece of
    the row so far starts the next row. Each row lists its pieces left to right."""
    rows: list[list[dict]] = []
    for piece in sorted(pieces, key=lambda p: p["top"]):
        if rows and piece["top"] < max(p["bottom"] for p in rows[-1]) - 1:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return [[p["name"] for p in sorted(row, key=lambda p: p["left"])] for row in rows]


@pytest.mark.parametrize("size, most_rows", [({"viewport": {"width": 1280, "height": 800}}, 2),
                                             (PHONE, None)], ids=["laptop", "phone"])
def test_the_header_shows_every_piece_in_at_most_two_rows_on_a_laptop(browser, server_url,
                                                                      size, most_rows):
    """With all it can show (a deeper network, the way back to the previous one, the share
    box), the header keeps every piece on screen, in the order the Tab key visits them,
    and on a 1280px laptop in two rows at most."""
    width = size["viewport"]["width"]
    with explorer_page(browser, server_url, **size) as page:
        train_live(page, "64,32", "2")  # the longest summary, and the way back shows
        page.get_by_test_id("previous-network").wait_for(state="visible")
        page.wait_for_function("() => document.querySelector('#model-summary').textContent"
                               ".startsWith('64 → 64 → 32 → 10')")
        page.get_by_test_id("share-link").click()
        page.get_by_test_id("share-url").wait_for(state="visible")
        page.evaluate("() => window.scrollTo(0, 0)")
        pieces = page.evaluate(HEADER_PIECES)
        names = [p["name"] for p in pieces]
        assert len(pieces) == 10, names  # name, 2 views, 3 share tools + link, 3 of the network
        header = page.locator(".topbar").bounding_box()
        top, bottom = header["y"] - 1, header["y"] + header["height"] + 1
        for piece in pieces:  # on the screen, inside the header: nothing cut off or hidden
            assert 0 <= piece["left"] and piece["right"] <= width, piece
            assert top <= piece["top"] and piece["bottom"] <= bottom, (piece, header)
        rows = header_rows(pieces)
        assert [name for row in rows for name in row] == names, rows  # reading order = Tab order
        if most_rows is not None:
            assert len(rows) <= most_rows, f"the header has {len(rows)} rows at {width}px: {rows}"
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".topbar").screenshot(path=str(ARTIFACTS / f"header-{width}.png"))
