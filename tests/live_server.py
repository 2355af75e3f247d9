"""A real explorer server for tests: uvicorn in a thread on 127.0.0.1, configured as
``glassnet explore`` configures it (``glassnet.web.server.server_config``), stopped when
the ``with`` block ends."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from glassnet.web.app import find_free_port

START_DEADLINE_SECONDS = 30  # for slow machines; never a timing assertion


@contextlib.contextmanager
def running_server(app_for_port: Callable[[int], Any], **options: Any) -> Iterator[tuple[int, Any]]:
    """Yield ``(port, uvicorn.Server)`` for the app that ``app_for_port(port)`` makes.

    ``options`` go to ``server_config`` (e.g. ``header_timeout=1``).
    """
    import uvicorn

    from glassnet.web import server as web_server

    port = find_free_port()
    config = web_server.server_config(app_for_port(port), host="127.0.0.1", port=port,
                                      timeout_graceful_shutdown=1, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the explorer server did not start")
        time.sleep(0.02)
    try:
        yield port, server
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def explorer_url(hidden: tuple[int, ...], epochs: int, runs_folder: Path) -> Iterator[str]:
    """Yield the address of an explorer serving a network trained for it.

    The network is ``RunSettings(hidden=hidden, epochs=epochs)`` trained on the digits;
    the server keeps its runs database in ``runs_folder``.
    """
    from glassnet.app.experiment import RunSettings, run
    from glassnet.web.app import create_app

    network = run(RunSettings(hidden=hidden, epochs=epochs), catch_interrupt=False).network
    db_path = runs_folder / "runs.db"
    with running_server(lambda port: create_app(network, port=port, db_path=db_path)) as (port, _):
        yield f"http://127.0.0.1:{port}"
