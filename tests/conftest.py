"""What several test modules share: one headless Chromium for every browser test, and
the explorer's server they open (a module may serve its own ``server_url`` instead).

Outside CI the browser tests are skipped when Chromium or Playwright is missing;
under CI=true that is a failure, so they can never silently stop running there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI") == "true"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once for the whole run; each test opens its own context."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests "
                        "(apt install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium to run the browser tests)")
    if IN_CI:
        import playwright.sync_api as playwright_api
    else:
        playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    """The explorer with a small network trained for it (64-32-10, 60 epochs), on 127.0.0.1.

    A real uvicorn server on a free port, with its own runs database; it stops at the
    end of the module.
    """
    if not IN_CI:
        pytest.importorskip("starlette")
        pytest.importorskip("uvicorn")
    from live_server import explorer_url

    with explorer_url((32,), 60, tmp_path_factory.mktemp("runs")) as url:
        yield url


@pytest.fixture(scope="module")
def explorer():
    """A client of the explorer's API, serving a small untrained 64-4-10 network (no page,
    no server: Starlette's TestClient calls the app directly)."""
    pytest.importorskip("starlette")
    import warnings

    with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its TestClient
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    import glassnet as gn
    from glassnet.web import create_app

    network = gn.Network([64, 4, 10], seed=0)
    return TestClient(create_app(network, port=8124), base_url="http://127.0.0.1:8124")
