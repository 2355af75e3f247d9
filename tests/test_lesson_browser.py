"""The lesson view in a real browser (headless Chromium driven by Playwright).

The server and the browser are the explorer's (tests/test_web_browser.py). Each test
opens its own browser context (its own localStorage, like a new visitor), fails on any
console error, and keeps screenshots in test-artifacts/lesson-*.png to look at.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from test_web_browser import ARTIFACTS, TIMEOUT_MS, stroke

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}


@contextmanager
def visitor(browser, **options):
    """A new visitor's browser context and page; fails if the page logged any error."""
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"errors on the page (scripts, policy, failed requests): {errors}"


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")


def shown_step(page) -> int:
    step = page.get_by_test_id("lesson-step")
    step.wait_for(state="visible")
    return int(step.get_attribute("data-step"))


def wait_step(page, n: int) -> None:
    """Wait until step n is the one shown: the framework renders it a moment after the key
    or click that asks for it."""
    page.locator(f'[data-testid="lesson-step"][data-step="{n}"]').wait_for(state="visible")
    assert shown_step(page) == n


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lesson-{name}.png"), full_page=True)


def test_a_new_visitor_starts_with_the_lesson_and_can_reach_the_explorer(browser, server_url):
    with visitor(browser) as page:
        open_page(page, server_url + "/")
        wait_step(page, 1)
        assert page.locator("#explore-view").is_hidden()
        page.get_by_test_id("view-explore").click()
        page.get_by_test_id("draw-pad").wait_for(state="visible")
        assert page.get_by_test_id("lesson-view").is_hidden()
        assert page.url.endswith("#explore")
        open_page(page, server_url + "/")  # the explorer was chosen last: it opens again
        page.get_by_test_id("draw-pad").wait_for(state="visible")
        page.get_by_test_id("view-lesson").click()
        wait_step(page, 1)


def test_an_address_opens_its_step_and_a_reload_remembers_the_last_one(browser, server_url):
    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/3")
        wait_step(page, 3)
        current = page.locator(".lesson-step-link[aria-current=step]")
        assert current.get_attribute("data-step") == "3"
        page.get_by_test_id("lesson-next").click()
        wait_step(page, 4)
        assert page.url.endswith("#lesson/4")
        page.get_by_test_id("lesson-previous").click()
        page.get_by_test_id("lesson-previous").click()
        wait_step(page, 2)
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        wait_step(page, 2)
        open_page(page, server_url + "/")  # no address: the step last open
        wait_step(page, 2)
        open_page(page, server_url + "/#lesson/99")  # no such step: the first
        wait_step(page, 1)
        assert page.get_by_test_id("lesson-previous").is_disabled()
        open_page(page, server_url + "/#lesson/10")
        wait_step(page, 10)
        assert page.get_by_test_id("lesson-next").is_disabled()


def test_the_step_list_and_buttons_work_with_the_keyboard_alone(browser, server_url):
    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/1")
        page.get_by_test_id("lesson-next").focus()
        page.keyboard.press("Enter")
        wait_step(page, 2)
        # focus moved to the new step's title, so the next Tab stops start from there
        assert page.evaluate("document.activeElement.id") == "lesson-title"
        page.get_by_test_id("lesson-next").focus()
        page.keyboard.press("Space")
        wait_step(page, 3)
        page.get_by_test_id("lesson-goto-5").focus()
        page.keyboard.press("Enter")
        wait_step(page, 5)
        page.get_by_test_id("view-explore").focus()
        page.keyboard.press("Enter")
        page.get_by_test_id("draw-pad").wait_for(state="visible")


HEADER_MATCHES_THE_NETWORK = """async () => {
  const network = await (await fetch('/api/network')).json();
  const said = document.getElementById('network-accuracy').textContent;
  return said === (100 * network.test_accuracy).toFixed(1) + '%' ? said : null;
}"""


def test_step_two_keeps_the_header_on_the_network_it_edits(browser, server_url):
    """Setting a weight changes the network: the header's test accuracy follows it, and
    follows it back when leaving the step restores the trained weights."""
    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/2")
        wait_step(page, 2)
        page.get_by_test_id("step02-value").wait_for()
        trained = page.wait_for_function(HEADER_MATCHES_THE_NETWORK).json_value()
        page.get_by_test_id("step02-set").click()  # the biggest term's weight becomes -10
        page.wait_for_function("() => Number(document.querySelector("
                               "'[data-testid=step02-value]').textContent) < 0.5")
        edited = page.evaluate(HEADER_MATCHES_THE_NETWORK)
        assert edited is not None, "the header's test accuracy is not the edited network's"
        assert edited != trained  # the weight cost some test digits: the check is not idle
        screenshot(page, "step-2-header-after-set")
        page.get_by_test_id("lesson-next").click()  # leaving: the trained weights come back
        wait_step(page, 3)
        page.wait_for_function(f"""async () => {{
          const said = await ({HEADER_MATCHES_THE_NETWORK})();
          return said === {trained!r};
        }}""")


def test_step_five_table_fits_a_small_phone_with_a_real_one(browser, server_url):
    """On a 375px phone, the real 1 (the second real digit): its squares have many decimals,
    and the table must still fit the screen, every number in it whole."""
    small_phone = PHONE | {"viewport": {"width": 375, "height": 812}}
    with visitor(browser, **small_phone) as page:
        open_page(page, server_url + "/#lesson/5")
        wait_step(page, 5)
        page.wait_for_function("() => document.querySelector('[data-testid=step05-loss]')"
                               ".textContent.includes(\"This image's loss\")")
        before = page.get_by_test_id("step05-loss").text_content()
        page.get_by_test_id("step05-real").tap()
        page.wait_for_function("before => document.querySelector('[data-testid=step05-loss]')"
                               ".textContent !== before", arg=before)
        assert "it is a 1" in page.get_by_test_id("step05-terms").locator("caption").text_content()
        widget = page.get_by_test_id("lesson-widget")
        inside, room = widget.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert inside <= room, f"step 5's widget needs {inside}px of {room}px"
        edge = widget.evaluate("el => el.getBoundingClientRect().right")
        cut = page.get_by_test_id("step05-terms").locator("td, th, .bar-value").evaluate_all(
            "(cells, edge) => cells.filter(c => c.getBoundingClientRect().right > edge)"
            ".map(c => c.textContent)", edge)
        assert not cut, f"cut off at the widget's edge: {cut}"
        ARTIFACTS.mkdir(exist_ok=True)
        page.get_by_test_id("step05-terms").screenshot(
            path=str(ARTIFACTS / "lesson-phone-375-step-5.png"))


def test_step_ten_counts_one_drawn_digit_in_the_singular(browser, server_url):
    with visitor(browser) as page:
        open_page(page, server_url + "/#lesson/10")
        wait_step(page, 10)
        page.select_option("#step10-label", "1")
        stroke(page, "step10-pad", [(0.5, 0.15), (0.5, 0.85)])
        page.get_by_test_id("step10-add").click()
        page.get_by_test_id("step10-score").click()
        page.get_by_test_id("step10-scores").wait_for()
        answer = page.get_by_test_id("lesson-answer")
        page.get_by_test_id("lesson-check").click()
        page.wait_for_function("el => el.dataset.correct === 'false'", arg=answer.element_handle())
        assert answer.text_content().endswith("Only 1 of the 10 digits is drawn.")
        page.select_option("#step10-label", "7")  # two: the plural again
        stroke(page, "step10-pad", [(0.2, 0.2), (0.8, 0.2), (0.5, 0.85)])
        page.get_by_test_id("step10-add").click()
        page.get_by_test_id("step10-score").click()
        page.wait_for_function("() => document.querySelector('[data-testid=step10-scores]')"
                               ".textContent.includes('of 2)')")
        page.get_by_test_id("lesson-check").click()
        page.wait_for_function("el => el.textContent.includes('Only 2')",
                               arg=answer.element_handle())
        assert answer.text_content().endswith("Only 2 of the 10 digits are drawn.")
