"""Load-test the explorer: many clients drawing digits at once, on a real server.

The explorer is meant for one person, or a class of thirty all opening the same
page a teacher started. This script checks that it keeps answering, correctly, when
``--clients`` browsers (50 by default) post drawings as fast as they can for
``--seconds`` (30). It starts ``glassnet explore`` (a real uvicorn server) on a free
port of 127.0.0.1 with a freshly trained model, waits until it answers, runs the
clients with ``asyncio`` and ``httpx.AsyncClient`` (each with its own session
cookie, like a browser), then stops the server.

Every client loops: pick one of the UCI digits, blow it up to a 64 x 64 drawing of
0s and 1s (what the drawing pad sends), POST it to ``/api/predict`` and check the
answer: status 200, the 64 numbers the network saw, and a guess. Anything else is an
error, and so is a second session cookie for the same client (its session was lost).
Meanwhile ``--hostile`` tasks send cookie-less GETs as fast as they can (what another
web site's ``<img>`` tags make a browser send): any session cookie they are handed is
an error too, and so is any answer but 200. It prints the number of requests and
errors, requests per second and the latency percentiles (p50, p90, p99, max) seen by
the clients.

Usage::

    python scripts/load_explorer.py                       # 50 clients, 30 s
    python scripts/load_explorer.py --clients 10 --seconds 2 --hostile 0 --json

Exits with status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

import glassnet
from glassnet.app.experiment import RunSettings, run

#: Each drawing is a digit scaled up by this factor (8 x 8 -> 64 x 64 pixels).
SCALE = 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def drawings(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """``count`` request bodies, each a UCI digit as a 64 x 64 drawing of 0s and 1s."""
    data = glassnet.load_digits()
    rng = np.random.default_rng(seed)
    bodies = []
    for index in rng.choice(len(data), size=count, replace=False):
        ink = (data.images[index] >= 0.5).astype(int)  # (8, 8), like a pen: ink or none
        if not ink.any():
            ink = (data.images[index] > 0).astype(int)
        pixels = np.kron(ink, np.ones((SCALE, SCALE), dtype=int))  # (64, 64)
        bodies.append({"pixels": pixels.tolist()})
    return bodies


PR_SET_PDEATHSIG = 1
"""Linux's ``prctl`` option: the signal a child gets when its parent dies."""


def _stop_when_this_script_dies() -> None:
    """Run in the server's process before it starts: SIGTERM it if we die, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the ``finally`` only
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # so the ``finally`` below stops the server


@contextlib.contextmanager
def explorer_server(folder: Path):
    """Train a small model, start ``glassnet explore`` with it, yield its URL, stop it.

    The server (a 64-32-10 network, its runs database in ``folder``) writes its log
    to ``folder / "explorer.log"``. It is stopped on every way out: the end of the
    ``with`` block, an exception, SIGTERM or SIGHUP (turned into ``SystemExit`` while
    it runs), and on Linux even a SIGKILL of this script (the server gets SIGTERM).
    """
    model = folder / "model.npz"
    glassnet.save(run(RunSettings(hidden=(32,), epochs=20), catch_interrupt=False).network, model)
    port = free_port()
    command = [sys.executable, "-m", "glassnet", "explore", str(model), "--port", str(port),
               "--db", str(folder / "runs.db")]
    log_path = folder / "explorer.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log,
                                  preexec_fn=_stop_when_this_script_dies)
    previous_handlers = {signum: signal.signal(signum, _exit_on_signal)
                         for signum in (signal.SIGTERM, signal.SIGHUP)}
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the explorer did not start: {log_path.read_text()}")
            try:
                if httpx.get(f"{url}/api/info", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the explorer did not answer within 60 s")
            time.sleep(0.1)
        yield url
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)


async def one_client(url: str, bodies: list[dict[str, Any]], stop_at: float,
                     latencies: list[float], errors: list[str]) -> None:
    """Post drawings until ``stop_at`` (monotonic time), recording latencies and errors.

    Every client posts at least once, however slow the machine, so "every client was
    answered" is a claim about the server, not about the clock.
    """
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        turn = 0
        while turn == 0 or time.monotonic() < stop_at:
            body = bodies[turn % len(bodies)]
            turn += 1
            started = time.perf_counter()
            try:
                response = await client.post("/api/predict", json=body)
                latencies.append(time.perf_counter() - started)
                answer = response.json()
                if "set-cookie" in response.headers and turn > 1:
                    errors.append("a second session cookie: the client's session was lost")
                if response.status_code != 200:
                    errors.append(f"status {response.status_code}: {answer.get('error')}")
                elif not answer.get("ink") or len(answer.get("numbers", [])) != 64:
                    errors.append(f"unexpected answer: {str(answer)[:120]}")
            except (httpx.HTTPError, ValueError) as error:
                errors.append(f"{type(error).__name__}: {error}")


HOSTILE_PATHS = ("/", "/api/info", "/api/network", "/api/training", "/api/handset")


async def one_hostile_page(url: str, stop_at: float, counts: dict[str, int],
                           errors: list[str]) -> None:
    """Cookie-less GETs until ``stop_at`` (at least one): none may make a session or fail."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        first = True
        while first or time.monotonic() < stop_at:
            first = False
            path = HOSTILE_PATHS[counts["hostile_requests"] % len(HOSTILE_PATHS)]
            counts["hostile_requests"] += 1
            client.cookies.clear()  # an <img> on another site sends no SameSite cookie
            try:
                response = await client.get(path)
            except httpx.HTTPError as error:
                errors.append(f"hostile GET {path}: {type(error).__name__}: {error}")
                continue
            if "set-cookie" in response.headers:
                counts["hostile_sessions"] += 1
                errors.append(f"a cookie-less GET {path} made a session")
            elif response.status_code != 200:
                errors.append(f"hostile GET {path}: status {response.status_code}")


async def load(url: str, clients: int, seconds: float, hostile: int = 0) -> dict[str, Any]:
    """Run ``clients`` clients and ``hostile`` cookie-less pages for ``seconds``."""
    bodies = drawings(200)
    latencies: list[float] = []
    errors: list[str] = []
    counts = {"hostile_requests": 0, "hostile_sessions": 0}
    started = time.monotonic()
    stop_at = started + seconds
    await asyncio.gather(
        *(one_client(url, bodies[i::clients] or bodies, stop_at, latencies, errors)
          for i in range(clients)),
        *(one_hostile_page(url, stop_at, counts, errors) for _ in range(hostile)))
    elapsed = time.monotonic() - started
    milliseconds = 1000 * np.array(latencies) if latencies else np.array([np.nan])
    p50, p90, p99 = np.percentile(milliseconds, [50, 90, 99])
    return {
        "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "errors": len(errors), "error_examples": sorted(set(errors))[:5],
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(p50), 1), "p90_ms": round(float(p90), 1),
        "p99_ms": round(float(p99), 1), "max_ms": round(float(milliseconds.max()), 1),
        "body_bytes": len(json.dumps(bodies[0])), "cpus": os.cpu_count(),
        "hostile": hostile, **counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--hostile", type=int, default=5,
                        help="Tasks sending cookie-less GETs, as another site's <img> tags.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="glassnet-load-") as folder, \
            explorer_server(Path(folder)) as url:
        figures = asyncio.run(load(url, arguments.clients, arguments.seconds,
                                   arguments.hostile))
    if arguments.json:
        print(json.dumps(figures))
    else:
        print(f"explorer under load: {figures['clients']} clients posting drawings "
              f"({figures['body_bytes']:,}-byte JSON bodies) to /api/predict for "
              f"{figures['seconds']} s on 127.0.0.1 ({figures['cpus']} CPUs)")
        print(f"requests: {figures['requests']:,}   errors: {figures['errors']}   "
              f"throughput: {figures['requests_per_second']} requests/s")
        print(f"hostile cookie-less GETs: {figures['hostile_requests']:,} from "
              f"{figures['hostile']} tasks, sessions they made: "
              f"{figures['hostile_sessions']}")
        print(f"latency: p50 {figures['p50_ms']} ms   p90 {figures['p90_ms']} ms   "
              f"p99 {figures['p99_ms']} ms   max {figures['max_ms']} ms")
        for example in figures["error_examples"]:
            print(f"  error: {example}")
    return 1 if figures["errors"] or not figures["requests"] else 0


if __name__ == "__main__":
    sys.exit(main())
