"""Accessibility, PNG saving and sharing in a real browser (headless Chromium).

The axe-core audit (axe-playwright-python) runs on every view: each explorer tab and
every lesson step, each with its widget used (drawn on, asked, trained) and its
question answered, on a desktop and on a phone screen, and must report no serious or
critical violation.
Keyboard-only tests reach every tab and button with Tab and the arrow keys.

Outside CI these tests are skipped when a piece is missing; under CI=true that is a
failure, so they can never silently stop running there.
"""

from __future__ import annotations

import base64
import json
import os

import pytest

IN_CI = os.environ.get("CI") == "true"
if IN_CI:  # in CI a missing piece is a failure, never a skip
    import axe_playwright_python.sync_playwright as axe_api
else:
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    pytest.importorskip("playwright.sync_api")
    axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")


from PIL import Image, ImageChops  # noqa: E402

from live_server import explorer_url  # noqa: E402
from test_lesson_practice_browser import check  # noqa: E402
from test_web_browser import ARTIFACTS, TIMEOUT_MS, draw, stroke  # noqa: E402

pytestmark = pytest.mark.browser

TABS = ("inside", "train", "slope", "backprop", "handset")
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
BLOCKING_IMPACTS = ("serious", "critical")
LESSON_STEPS = range(1, 11)
STROKE_DOWN_THE_MIDDLE = [(0.5, 0.15), (0.5, 0.85)]  # on a lesson pad, in fractions of it


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    """This module's explorer: a smaller network than conftest.py's, enough to share."""
    with explorer_url((16,), 20, tmp_path_factory.mktemp("runs")) as url:
        yield url


class Opened:
    """A page in a fresh browser context that collects every console error."""

    def __init__(self, browser, url: str, **context_options):
        self.context = browser.new_context(accept_downloads=True, **context_options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: message.type == "error"
                     and self.errors.append(message.text))
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready=true]")

    def close(self) -> None:
        self.context.close()
        assert not self.errors, f"errors on the page: {self.errors}"


@pytest.fixture
def opened(browser, server_url):
    made: list[Opened] = []

    def open_page(path: str = "/#explore", **context_options) -> Opened:
        made.append(Opened(browser, server_url + path, **(context_options or DESKTOP)))
        return made[-1]

    yield open_page
    for one in made:
        one.close()


def draw_seven(page) -> None:
    draw(page, [(70, 60), (210, 60), (180, 130), (140, 220)])
    page.wait_for_function("() => document.getElementById('guess').textContent.trim() !== '?'")


def serious_violations(page) -> list[str]:
    results = axe_api.Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                         f"at {targets}")
    return found


def wait_words(page, testid: str, test: str) -> None:
    """Wait until the words of the element testid pass test, a JS function of the text."""
    page.wait_for_function(
        f"() => ({test})(document.querySelector('[data-testid={testid}]').textContent)")


def use_step(page, step: int) -> None:
    """Put lesson step's widget in a used state with its main buttons, the cheap ones.

    What a learner sees after using a step (a drawing's numbers, a verdict, a table) is
    what the audit must check, not only the empty widget. Step 5's widget is written
    elsewhere, so it is audited as it comes.
    """
    if step == 1:
        stroke(page, "step01-pad", STROKE_DOWN_THE_MIDDLE)
        page.get_by_test_id("step01-mine").click()
        wait_words(page, "step01-words", "t => t.startsWith('Your drawing')")
    elif step == 2:
        page.get_by_test_id("step02-value").wait_for()
        page.get_by_test_id("step02-set").click()
        page.wait_for_function("() => Number(document.querySelector("
                               "'[data-testid=step02-value]').textContent) < 0.5")
    elif step in (3, 4):
        stroke(page, f"step0{step}-pad", STROKE_DOWN_THE_MIDDLE)
        page.get_by_test_id(f"step0{step}-ask").click()
        wait_words(page, f"step0{step}-words", "t => /it says|answers/.test(t)")
    elif step == 6:
        page.get_by_test_id("step06-steepest").click()
        wait_words(page, "step06-words", "t => t.includes('slope')")
        page.get_by_test_id("step06-every").click()
        page.get_by_test_id("step06-slopes").locator(".thumb").first.wait_for()
    elif step == 7:
        page.get_by_test_id("step07-train").click()  # 12 short epochs
        wait_words(page, "step07-words", "t => t.startsWith('Done')")
    elif step == 8:
        page.get_by_test_id("step08-neuron-0").click()
        page.get_by_test_id("step08-exciting").wait_for()
    elif step == 9:
        page.select_option("#step09-layers", "none")  # the quickest network to train
        page.get_by_test_id("step09-train").click()
        page.get_by_test_id("step09-table").locator("tr").nth(1).wait_for()
    elif step == 10:
        for label in ("1", "7"):
            page.select_option("#step10-label", label)
            stroke(page, "step10-pad", STROKE_DOWN_THE_MIDDLE)
            page.get_by_test_id("step10-add").click()
        page.get_by_test_id("step10-score").click()
        page.get_by_test_id("step10-scores").wait_for()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_axe_finds_no_serious_violation_on_any_view(opened, device):
    view = opened(**(DESKTOP if device == "desktop" else PHONE))
    page = view.page
    draw_seven(page)
    page.get_by_test_id("neuron-1-0").click()
    ARTIFACTS.mkdir(exist_ok=True)
    problems: dict[str, list[str]] = {}
    for tab in TABS:
        page.locator(f"#tab-{tab}").click()
        page.wait_for_selector(f"#panel-{tab}.active")
        page.wait_for_timeout(300)  # let the tab's first drawing land; not an assertion
        found = serious_violations(page)
        if found:
            problems[tab] = found
        page.screenshot(path=str(ARTIFACTS / f"share-axe-{device}-{tab}.png"), full_page=True)
    for step in LESSON_STEPS:
        page.evaluate("n => { location.hash = '#lesson/' + n; }", step)
        page.wait_for_selector(f"[data-testid=lesson-step][data-step='{step}']")
        use_step(page, step)
        if page.get_by_test_id("lesson-check").count():  # step 5's placeholder has none
            check(page)  # the verdict's words and colours are audited too
        found = serious_violations(page)
        if found:
            problems[f"lesson {step}"] = found
        page.evaluate("() => window.scrollTo(0, 0)")  # else the sticky header lands mid-shot
        page.screenshot(path=str(ARTIFACTS / f"share-axe-{device}-lesson-{step}.png"),
                        full_page=True)
        widest = page.evaluate("() => document.documentElement.scrollWidth")
        width = (DESKTOP if device == "desktop" else PHONE)["viewport"]["width"]
        if widest > width:  # a used widget, or the header after training, must still fit
            problems[f"lesson {step} width"] = [f"{widest}px wide on a {width}px screen"]
    assert not problems, f"serious or critical axe violations, or too wide: {problems}"


#: WCAG's contrast ratio of two CSS colours, as a page function's first lines.
CONTRAST = """
  const luminance = (rgb) => {
    const lin = rgb.map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  const rgb = (colour) => colour.match(/\\d+/g).slice(0, 3).map(Number);
  const contrast = (one, other) => {
    const [a, b] = [luminance(rgb(one)), luminance(rgb(other))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };"""

CELL_CONTRASTS = """() => {""" + CONTRAST + """
  const written = [...document.querySelectorAll('#confusion td')].filter((td) => td.textContent);
  return written.map((td) => {
    const style = getComputedStyle(td);
    return {count: td.textContent, background: style.backgroundColor,
            contrast: contrast(style.color, style.backgroundColor)};
  });
}"""

#: Each number written in a diagram box: its colour's contrast on the box, the other
#: colour's (ink or white) on the box, and its colour's on its halo.
BOX_VALUE_CONTRASTS = """() => {""" + CONTRAST + """
  const boxes = [...document.querySelectorAll('#diagram .neuron')]
    .filter((n) => n.querySelector('text.value:not(.small)'));
  return boxes.map((neuron) => {
    const text = getComputedStyle(neuron.querySelector('text.value'));
    const box = neuron.querySelector('.frame').getAttribute('fill');
    return {value: neuron.querySelector('text.value').textContent, box,
            on_box: contrast(text.fill, box), other_on_box: contrast(text.stroke, box),
            on_halo: contrast(text.fill, text.stroke)};
  });
}"""


def train_a_short_network(page) -> None:
    """A 64-16-10 live training of 6 epochs at full speed, waited for to its test accuracy."""
    page.locator("#tab-train").click()
    page.fill("#f-hidden", "16")
    page.fill("#f-epochs", "6")
    page.select_option("#f-pace", "0")  # full speed: a short live training
    page.get_by_test_id("train-start").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=test-accuracy]').textContent !== ''")


def test_axe_and_every_confusion_number_pass_after_a_finished_training(opened):
    """The numbers of the confusion matrix are written on their colours: each keeps 4.5."""
    page = opened().page
    train_a_short_network(page)
    cells = page.evaluate(CELL_CONTRASTS)
    assert len(cells) >= 10  # at least the diagonal: every digit is mostly right
    assert len({cell["background"] for cell in cells}) > 3  # shaded by count, not one colour
    low = [cell for cell in cells if cell["contrast"] < 4.5]
    assert not low, f"confusion numbers below contrast 4.5: {low}"
    page.locator("#confusion").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "share-axe-after-training.png"), full_page=True)
    found = serious_violations(page)
    assert not found, f"serious or critical axe violations after a training: {found}"


def test_every_number_in_a_diagram_box_is_readable_on_its_shade(opened):
    """Between shades 0.5 and 0.65 neither ink nor white text reaches 4.5 on the box, so
    each number is the better of the two, drawn on a halo of the other."""
    page = opened().page
    draw_seven(page)
    values = page.evaluate(BOX_VALUE_CONTRASTS)
    assert len(values) == 10 and len({value["box"] for value in values}) > 1  # the outputs
    wrong = [value for value in values
             if value["on_halo"] < 4.5 or value["on_box"] < value["other_on_box"]]
    assert not wrong, f"numbers drawn in the less readable colour, or without a halo: {wrong}"


FOCUSED_NAME = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  return e.id || e.dataset.testid || e.getAttribute('aria-label') || e.textContent.trim();
}"""
# The tabs are one Tab stop (the open one), and so are the diagram's neurons and the hand-set
# cells (the one last focused): the arrow keys move between them (test_web_browser.py).
VISIBLE_BUTTONS = """() => [...document.querySelectorAll('button, [role=button], input, select')]
  .filter((e) => e.getClientRects().length && !e.disabled && !e.closest('[hidden]'))
  .filter((e) => e.getAttribute('role') !== 'tab' && !(e.type === 'radio' && !e.checked))
  .filter((e) => !(e.closest('#diagram, #hand-grid') && e.tabIndex === -1))
  .map((e) => e.id || e.dataset.testid || e.getAttribute('aria-label') || e.textContent.trim())"""


def tab_through(page, limit: int = 400) -> list[str]:
    """Every element focus reaches with the Tab key alone, in order, from the top once round."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(FOCUSED_NAME)
        if name is not None and reached and name == reached[0]:
            break
        if name is not None:
            reached.append(name)
    return reached


def test_the_keyboard_alone_reaches_every_tab_and_button(opened):
    page = opened().page
    draw_seven(page)
    page.get_by_test_id("neuron-1-0").click()
    page.locator("#tab-inside").focus()
    for tab in TABS[1:]:
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"#panel-{tab}.active")
        assert page.evaluate(FOCUSED_NAME) == f"tab-{tab}"
        assert page.locator(f"#tab-{tab}").get_attribute("aria-selected") == "true"
        reached = set(tab_through(page))
        missing = [name for name in page.evaluate(VISIBLE_BUTTONS) if name not in reached]
        assert not missing, f"on the {tab} tab the Tab key never reaches {missing}"
        assert f"tab-{tab}" in reached and "tab-inside" not in reached  # one stop for the tabs
        page.locator(f"#tab-{tab}").focus()
    page.keyboard.press("ArrowRight")  # wraps round to the first tab
    page.wait_for_selector("#panel-inside.active")
    page.keyboard.press("End")
    page.wait_for_selector("#panel-handset.active")
    page.keyboard.press("Home")
    page.wait_for_selector("#panel-inside.active")
    reached = set(tab_through(page))
    missing = [name for name in page.evaluate(VISIBLE_BUTTONS) if name not in reached]
    assert not missing, f"on the first tab the Tab key never reaches {missing}"
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none" or page.evaluate(
        "() => document.activeElement.matches('.neuron')"), "focus is not visible"


def saved_png(page, button) -> Image.Image:
    with page.expect_download() as caught:
        button.click()
    download = caught.value
    assert download.suggested_filename.endswith(".png")
    image = Image.open(download.path())
    image.load()
    assert image.format == "PNG"
    return image


def ink_share(image: Image.Image) -> float:
    """The share of pixels that are not (nearly) white."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return 1 - sum(histogram[240:]) / (grey.width * grey.height)


def test_save_png_saves_each_picture_at_print_size(opened):
    page = opened().page
    draw_seven(page)
    digit = saved_png(page, page.get_by_test_id("save-png"))
    shown = page.locator("#numbers").bounding_box()
    assert digit.width >= 3 * shown["width"] - 2, "the digit's PNG is not three times its size"
    assert digit.height >= 3 * (shown["height"] + page.locator("#input8").bounding_box()["height"])
    assert 0.05 < ink_share(digit) < 0.9, "the digit's PNG is blank or solid"
    digit.save(ARTIFACTS / "share-save-digit.png")

    diagram = saved_png(page, page.locator(".save-png[data-save=diagram]"))
    box = page.locator("#diagram").bounding_box()
    assert (diagram.width, diagram.height) == (round(box["width"] * 3), round(box["height"] * 3))
    assert ink_share(diagram) > 0.02, "the diagram's PNG is blank"
    diagram.save(ARTIFACTS / "share-save-diagram.png")
    # The numbers are there too: the box of output 0 (white, for a 7) has its "0 0.00"
    # in ink, not hidden under its halo (the halo's paint order must be copied).
    output = page.get_by_test_id("neuron-1-0").locator(".frame").bounding_box()
    left, top = 3 * (output["x"] - box["x"]) + 9, 3 * (output["y"] - box["y"]) + 9
    inside = diagram.convert("L").crop(
        (round(left), round(top), round(left + 3 * output["width"] - 18),
         round(top + 3 * output["height"] - 18)))
    dark = sum(inside.histogram()[:80]) / (inside.width * inside.height)
    assert dark > 0.03, f"the saved diagram's output box holds no number ({dark:.3f} ink)"

    page.get_by_test_id("neuron-1-0").click()
    weights = saved_png(page, page.locator("#neuron-panel .save-png"))
    assert weights.width >= 3 * page.locator("#neuron-picture").bounding_box()["width"] - 2
    colours = weights.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 4, "the neuron's weights are one colour"

    page.locator("#tab-slope").click()
    page.wait_for_function("() => document.querySelector('#slope-readout .placeholder') === null")
    slope = saved_png(page, page.locator(".save-png[data-save=slope-chart]"))
    assert slope.width >= 3 * page.locator("#slope-chart").bounding_box()["width"] - 2
    assert ink_share(slope) > 0.01


def pixels_near(image: Image.Image, colour: list[int], tolerance: int = 40) -> int:
    """How many pixels are within tolerance of colour (R, G, B) in every channel."""
    channels = [band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0)
                for band, c in zip(image.convert("RGB").split(), colour, strict=True)]
    near = channels[0]
    for channel in channels[1:]:
        near = ImageChops.multiply(near, channel)
    return near.histogram()[255]


def assert_print_size_copy(image: Image.Image, page, selector: str, what: str) -> None:
    """The PNG is the element drawn at three pixels per CSS pixel: big enough to print."""
    box = page.locator(selector).bounding_box()
    assert (image.width, image.height) == (round(box["width"] * 3), round(box["height"] * 3)), \
        f"the {what} PNG is not three times the {what} on the page"


def test_save_png_saves_the_curves_and_the_confusion_matrix_after_training(opened):
    page = opened().page
    train_a_short_network(page)
    assert page.locator("#chart-loss").get_attribute("data-points") == "6"

    # The curves' colours, as the page's legend keys show them (training, validation).
    keys = page.evaluate("""() => ['.key.train', '.key.val'].map((key) =>
      getComputedStyle(document.querySelector(key)).backgroundColor.match(/\\d+/g).map(Number))""")
    for name in ("loss", "accuracy"):
        curves = saved_png(page, page.locator(f".save-png[data-name={name}]"))
        chart = page.locator(f"#chart-{name}").bounding_box()
        legend = page.locator(f"#legend-{name}").bounding_box()
        # The chart and its legend under it, at three pixels per CSS pixel.
        assert curves.height == round((legend["y"] + legend["height"] - chart["y"]) * 3), \
            f"the {name} PNG is not its chart and legend at three times their size"
        assert curves.width == round(chart["width"] * 3)
        below = curves.crop((0, round(chart["height"] * 3), curves.width, curves.height))
        assert ink_share(below) > 0.01, f"the {name} PNG has no legend under its chart"
        assert 0.005 < ink_share(curves) < 0.5, f"the {name} curves' PNG is blank or solid"
        for colour, curve in zip(keys, ("training", "validation"), strict=True):
            # A curve across the chart, two CSS pixels thick, is at least its width in pixels.
            assert pixels_near(curves, colour) > curves.width, \
                f"the {name} PNG has no {curve} curve"
        curves.save(ARTIFACTS / f"share-save-{name}.png")

    matrix = saved_png(page, page.locator(".save-png[data-save=confusion]"))
    assert_print_size_copy(matrix, page, "#confusion", "confusion matrix'")
    assert 0.05 < ink_share(matrix) < 0.9, "the confusion matrix's PNG is blank or solid"
    # Its cells are shaded by count: a trained network's matrix has many shades, and the
    # first diagonal cell (0s guessed 0) is in the PNG in its own colour, all of it.
    assert len(matrix.convert("RGB").getcolors(maxcolors=1 << 20)) > 10
    cell = page.locator("#confusion tr:nth-child(2) td").first
    colour = cell.evaluate("td => getComputedStyle(td).backgroundColor.match(/\\d+/g).map(Number)")
    box = cell.bounding_box()
    assert pixels_near(matrix, colour[:3], tolerance=6) > 0.5 * box["width"] * box["height"] * 9
    matrix.save(ARTIFACTS / "share-save-confusion-matrix.png")


def view_facts(page) -> dict:
    """What a person sees that a shared view must reproduce, and the weights' checksum."""
    return page.evaluate("""async () => {
      const network = await (await fetch('/api/network')).json();
      return {guess: document.getElementById('guess').textContent.trim(),
              numbers: document.getElementById('numbers').textContent,
              tab: document.querySelector('.tab.active').dataset.tab,
              neuron: document.querySelector('#neuron-panel h3') &&
                      document.querySelector('#neuron-panel h3').firstChild.textContent.trim(),
              hand: document.getElementById('hand-accuracy').textContent.trim() + ' ' +
                    [...document.getElementById('hand-grid').children].map((c) => c.textContent)
                      .join(' '),
              checksum: network.weights_sha256};
    }""")


def set_up_a_view(page) -> dict:
    draw_seven(page)
    page.get_by_test_id("neuron-0-7").click()  # a hidden neuron (share_a_trained_view: an output)
    page.wait_for_selector("#neuron-panel h3")
    page.locator("#tab-handset").click()
    page.get_by_test_id("hand-cell-3-0").click()  # the source's -1 painted +1
    page.wait_for_function("() => document.querySelector('[data-testid=hand-cell-3-0]')"
                           ".textContent === '+1'")
    return view_facts(page)


def test_a_shared_link_opens_the_same_view_in_a_fresh_browser(opened):
    page = opened().page
    facts = set_up_a_view(page)
    assert facts["guess"] not in ("", "?") and len(facts["checksum"]) == 64
    page.get_by_test_id("share-link").click()
    link = page.get_by_test_id("share-url").input_value()
    assert "?s=" in link
    page.screenshot(path=str(ARTIFACTS / "share-link.png"))
    fresh = opened(link[link.index("/", 8):]).page  # a new context: no cookies, no session
    fresh.wait_for_selector("body[data-setup=applied]")
    fresh.wait_for_selector("#neuron-panel h3", state="attached")
    assert view_facts(fresh) == facts
    fresh.screenshot(path=str(ARTIFACTS / "share-link-opened.png"), full_page=True)


@pytest.mark.parametrize("neuron, title", [("neuron-0-7", "Hidden neuron 7 of layer 1"),
                                           ("neuron-1-9", "Output neuron “9”")])
def test_a_link_with_a_hidden_or_an_output_neuron_opens_that_neuron(opened, neuron, title):
    """The link's neuron counts layers as the page does (0: the first hidden layer)."""
    page = opened().page
    draw_seven(page)
    page.get_by_test_id(neuron).click()
    page.wait_for_function("title => document.querySelector('#neuron-panel h3') && document"
                           ".querySelector('#neuron-panel h3').textContent.startsWith(title)",
                           arg=title)
    facts = view_facts(page)
    page.get_by_test_id("share-link").click()
    link = page.get_by_test_id("share-url").input_value()
    layer, index = (int(part) for part in neuron.split("-")[1:])
    assert link_state(link)["neuron"] == [layer, index]
    fresh = opened(link[link.index("/", 8):]).page
    fresh.wait_for_selector("body[data-setup=applied]")
    fresh.wait_for_selector("#neuron-panel h3", state="attached")
    assert view_facts(fresh) == facts  # the same guess, numbers and neuron panel
    assert fresh.locator("#toast").is_hidden() or \
        "could not" not in fresh.locator("#toast").text_content()
    assert fresh.get_by_test_id(neuron).get_attribute("class").split().count("selected") == 1
    fresh.screenshot(path=str(ARTIFACTS / f"share-link-{neuron}.png"), full_page=True)


def test_a_link_whose_neuron_is_not_in_this_network_still_opens_its_drawing(opened):
    page = opened().page
    draw_seven(page)
    facts = view_facts(page)
    page.get_by_test_id("share-link").click()
    link = page.get_by_test_id("share-url").input_value()
    for wrong in ([2, 0], [0, 16], [1, 10]):  # this network is 64-16-10: layers 0 and 1
        fresh = opened(link_with_state(link, {**link_state(link), "neuron": wrong})
                       [link.index("/", 8):]).page
        fresh.wait_for_selector("body[data-setup=applied]")
        toast = fresh.locator("#toast").text_content()
        assert "opened without one part" in toast and "is not in this 64-16-10 network" in toast
        assert view_facts(fresh) == facts  # the drawing, its guess and numbers are all there
        assert fresh.locator("#neuron-panel .placeholder").is_visible()
    fresh.screenshot(path=str(ARTIFACTS / "share-link-missing-neuron.png"))


def test_a_state_file_downloads_and_opens_again(opened, tmp_path):
    page = opened().page
    facts = set_up_a_view(page)
    with page.expect_download() as caught:
        page.get_by_test_id("download-state").click()
    saved = tmp_path / "state.json"
    caught.value.save_as(saved)
    state = json.loads(saved.read_text())
    assert state["v"] == 1 and state["network"]["weights_sha256"] == facts["checksum"]
    assert saved.stat().st_size < 8_000
    fresh = opened().page
    fresh.get_by_test_id("open-state").set_input_files(str(saved))
    fresh.wait_for_selector("body[data-setup=applied]")
    fresh.wait_for_selector("#neuron-panel h3", state="attached")
    assert view_facts(fresh) == facts
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**state, "tab": "nowhere"}))
    fresh.get_by_test_id("open-state").set_input_files(str(bad))
    fresh.wait_for_selector("#toast:not([hidden])")
    assert "tab must be one of" in fresh.locator("#toast").text_content()


@pytest.mark.parametrize("query, message", [
    ("?s=!!!", "not base64url"),
    ("?s=eyJ2Ijo5fQ", "not a glassnet explorer state"),
    ("?hide=train,nothing", "hide takes"),
])
def test_a_bad_link_gives_a_clear_message_and_no_console_error(opened, query, message):
    page = opened("/" + query + "#explore").page
    page.wait_for_selector("#toast:not([hidden])")
    assert message in page.locator("#toast").text_content()


def test_a_preset_link_hides_the_chosen_controls(opened):
    lesson = opened("/?step=3").page
    lesson.wait_for_selector("[data-testid=lesson-step][data-step='3']")
    assert lesson.evaluate("() => location.hash") == "#lesson/3"
    page = opened("/?hide=slope,handset&fix=1#explore").page
    page.wait_for_selector("#tab-inside")
    assert page.locator("#tab-inside").is_visible()  # the explorer is showing
    for name in ("train", "slope", "handset"):
        assert page.locator(f"#tab-{name}").is_hidden()
    assert page.locator("#tab-backprop").is_visible()
    assert page.locator("#previous-network").is_hidden()
    page.locator("#tab-inside").focus()
    page.keyboard.press("ArrowRight")  # the arrow keys skip hidden tabs
    page.wait_for_selector("#panel-backprop.active")
    page.screenshot(path=str(ARTIFACTS / "share-preset.png"))


# ---------------------------------------------------------------------- a trained network, shared
SMALL_TRAINING = {"hidden": "8", "epochs": "3", "seed": "7"}


def train_a_small_network(page) -> None:
    """Train 64-8-10 live for 3 epochs with seed 7, at full speed, and wait until it is drawn."""
    page.locator("#tab-train").click()
    page.fill("#f-hidden", SMALL_TRAINING["hidden"])
    page.fill("#f-epochs", SMALL_TRAINING["epochs"])
    page.fill("#f-seed", SMALL_TRAINING["seed"])
    page.select_option("#f-pace", "0")
    page.get_by_test_id("train-start").click()
    page.wait_for_function(
        "() => document.querySelector('#model-summary').textContent.includes('64 → 8 → 10')")
    page.locator("#tab-inside").click()


def origin_of(page) -> dict:
    return page.evaluate("async () => (await (await fetch('/api/network')).json()).origin")


def link_state(link: str) -> dict:
    encoded = link.split("?s=", 1)[1].split("#", 1)[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def link_with_state(link: str, state: dict) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    start, rest = link.split("?s=", 1)
    return f"{start}?s={encoded}" + (rest[rest.index("#"):] if "#" in rest else "")


def share_a_trained_view(page) -> tuple[dict, str]:
    """Train, draw, pick a neuron; the view's facts and its shared link."""
    train_a_small_network(page)
    draw_seven(page)
    page.get_by_test_id("neuron-1-3").click()
    page.wait_for_selector("#neuron-panel h3")
    facts = view_facts(page)
    page.get_by_test_id("share-link").click()
    return facts, page.get_by_test_id("share-url").input_value()


def test_a_shared_trained_network_is_made_again_in_a_fresh_browser(opened):
    page = opened().page
    facts, link = share_a_trained_view(page)
    shared = link_state(link)["network"]
    assert shared["weights_sha256"] == facts["checksum"]
    origin = shared["origin"]
    assert origin["kind"] == "trained" and origin["run_id"] is not None
    assert (origin["settings"]["hidden"], origin["settings"]["epochs"],
            origin["settings"]["seed"]) == ([8], 3, 7)
    # A fresh context is a new session: it starts from the server's 64-16-10 network.
    fresh = opened(link[link.index("/", 8):]).page
    fresh.wait_for_selector("body[data-setup=applied]")
    fresh.wait_for_selector("#neuron-panel h3", state="attached")
    assert view_facts(fresh) == facts  # the same weights (checksum), guess, numbers, neuron
    assert origin_of(fresh) == origin  # loaded from the saved run, on the server that saved it
    assert "the same weights, bit for bit" in fresh.locator("#toast").text_content()
    assert "64 → 8 → 10" in fresh.locator("#model-summary").text_content()
    fresh.screenshot(path=str(ARTIFACTS / "share-trained-link-opened.png"), full_page=True)


def test_a_shared_network_without_a_saved_run_is_trained_again_from_its_seed(opened):
    page = opened().page
    facts, link = share_a_trained_view(page)
    state = link_state(link)
    # As a server without a runs database shares it: settings and seed, no run to load.
    state["network"]["origin"]["run_id"] = None
    fresh = opened(link_with_state(link, state)[link.index("/", 8):]).page
    fresh.wait_for_selector("body[data-setup=applied]")
    fresh.wait_for_selector("#neuron-panel h3", state="attached")
    assert view_facts(fresh) == facts
    replayed = origin_of(fresh)
    assert replayed["kind"] == "trained" and replayed["run_id"] is None
    assert replayed["settings"] == state["network"]["origin"]["settings"]
    fresh.screenshot(path=str(ARTIFACTS / "share-trained-replayed.png"), full_page=True)


def test_a_state_file_of_a_trained_network_makes_it_again(opened, tmp_path):
    page = opened().page
    facts, _ = share_a_trained_view(page)
    with page.expect_download() as caught:
        page.get_by_test_id("download-state").click()
    saved = tmp_path / "state.json"
    caught.value.save_as(saved)
    assert json.loads(saved.read_text())["network"]["origin"]["kind"] == "trained"
    fresh = opened().page
    assert view_facts(fresh)["checksum"] != facts["checksum"]
    fresh.get_by_test_id("open-state").set_input_files(str(saved))
    fresh.wait_for_selector("body[data-setup=applied]")
    fresh.wait_for_selector("#neuron-panel h3", state="attached")
    assert view_facts(fresh) == facts
    fresh.screenshot(path=str(ARTIFACTS / "share-trained-file-opened.png"), full_page=True)


def test_an_edited_network_is_not_made_again_and_the_page_says_so(opened):
    page = opened().page
    draw_seven(page)
    status = page.evaluate("""async () => {
      const answer = await fetch('/api/weight', {method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({layer: 0, row: 20, column: 3, value: 4.5})});
      await window.glassnet.reloadNetwork();  // as the page does after a lesson step's edit
      return answer.status;
    }""")
    assert status == 200
    assert origin_of(page) == {"kind": "edited", "settings": None, "run_id": None}
    page.get_by_test_id("share-link").click()
    link = page.get_by_test_id("share-url").input_value()
    for state in (link_state(link), {**link_state(link), "network": {  # a file without origin
            "weights_sha256": link_state(link)["network"]["weights_sha256"]}}):
        fresh = opened(link_with_state(link, state)[link.index("/", 8):]).page
        fresh.wait_for_selector("body[data-setup=applied]")
        assert "edited by hand" in fresh.locator("#toast").text_content()
        assert origin_of(fresh)["kind"] == "start"  # its own network, untouched
    fresh.screenshot(path=str(ARTIFACTS / "share-edited-warning.png"))


def test_a_shared_network_origin_is_checked_strictly(opened):
    page = opened().page
    page.get_by_test_id("share-link").click()
    link = page.get_by_test_id("share-url").input_value()
    state = link_state(link)
    network = state["network"]
    for origin, message in [({**network["origin"], "path": "/etc"}, "does not know: path"),
                            ({**network["origin"], "kind": "magic"}, "origin.kind must be"),
                            ({**network["origin"], "run_id": -1}, "run_id must be a run number"),
                            ({**network["origin"], "settings": [1]}, "settings must be")]:
        bad = {**state, "network": {**network, "origin": origin}}
        fresh = opened(link_with_state(link, bad)[link.index("/", 8):]).page
        fresh.wait_for_selector("#toast:not([hidden])")
        assert message in fresh.locator("#toast").text_content()


def test_a_saved_run_can_be_chosen_and_then_shared(opened):
    page = opened().page
    train_a_small_network(page)
    trained = view_facts(page)["checksum"]
    run_id = origin_of(page)["run_id"]
    fresh = opened().page  # a new session: the server's own network
    fresh.locator("#tab-train").click()
    menu = fresh.get_by_test_id("saved-runs")
    fresh.wait_for_function(
        "id => [...document.getElementById('saved-runs').options].some((o) => o.value == id)",
        arg=str(run_id))
    assert f"run {run_id}: 64-8-10, " in menu.text_content()
    menu.select_option(str(run_id))
    assert fresh.get_by_test_id("saved-run-note").text_content().startswith(
        f"Run {run_id}: a 64-8-10 network, 3 epochs, seed 7, ")
    fresh.get_by_test_id("use-saved-run").click()
    fresh.wait_for_function(
        "() => document.querySelector('#model-summary').textContent.includes('64 → 8 → 10')")
    assert view_facts(fresh)["checksum"] == trained
    fresh.screenshot(path=str(ARTIFACTS / "share-saved-run-chosen.png"))
    fresh.get_by_test_id("share-link").click()
    shared = link_state(fresh.get_by_test_id("share-url").input_value())["network"]
    assert shared["weights_sha256"] == trained and shared["origin"]["run_id"] == run_id


CHOSEN_RUN_FITS = """() => {
  const menu = document.getElementById('saved-runs'), style = getComputedStyle(menu);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = menu.options[menu.selectedIndex].textContent;
  const room = menu.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
    - 20;  // the menu's arrow
  return {text, width: context.measureText(text).width, room};
}"""


def test_a_finished_training_is_the_saved_run_chosen_and_it_fits_a_phone(opened):
    """Each new run is offered first once trained, even after an older one was chosen; on a
    phone its choice is short enough to read whole, and the line under it says the rest."""
    page = opened(**PHONE).page
    train_a_small_network(page)
    first = origin_of(page)["run_id"]
    page.locator("#tab-train").click()
    page.wait_for_function("id => document.getElementById('saved-runs').value == id",
                           arg=str(first))
    page.fill("#f-seed", "8")  # another run of the same shape
    page.get_by_test_id("train-start").click()
    page.wait_for_function("old => document.getElementById('saved-runs').value != old",
                           arg=str(first))
    second = origin_of(page)["run_id"]
    assert second > first
    assert page.get_by_test_id("saved-runs").input_value() == str(second)
    note = page.get_by_test_id("saved-run-note")
    assert note.text_content().startswith(f"Run {second}: a 64-8-10 network, 3 epochs, seed 8, ")
    fit = page.evaluate(CHOSEN_RUN_FITS)
    assert fit["width"] <= fit["room"], f"the chosen run is cut off on a phone: {fit}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    page.get_by_test_id("saved-runs").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "share-saved-runs-phone.png"))
