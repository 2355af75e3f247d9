"""The explorer's server against stalled and piled-up connections, on a real uvicorn.

Each test starts the server as ``serve`` configures it (``web.server.server_config``)
in a thread, on 127.0.0.1 and a free port, with the header timeout lowered to 1 s,
and talks to it with raw sockets where a browser would be too polite:

- a connection that sends half a request line, or headers without their end, gets
  408 and is closed once the header timeout passes; one that sends nothing is
  closed without an answer; half a *second* request on a kept-alive connection too;
  and other clients are answered meanwhile;
- headers that are slow but complete in time, and a live-training event stream
  that lasts several header timeouts, are not cut;
- past ``max_concurrency`` connections a request gets 503, and once the header
  timeout has closed the stalled connections the server answers again;
- unfinished headers past 16 KiB get 400 without waiting for the timeout.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

import glassnet as gn  # noqa: E402
from glassnet.errors import ConfigError  # noqa: E402
from glassnet.web import server as web_server  # noqa: E402
from glassnet.web.app import create_app, serve  # noqa: E402
from glassnet.web.sessions import COOKIE_NAME  # noqa: E402
from live_server import running_server  # noqa: E402

pytestmark = pytest.mark.timeout(120)

HEADER_TIMEOUT = 1.0
PATIENCE = 15.0  # a socket waiting longer than this for the server fails the test


@pytest.fixture(scope="module")
def network() -> gn.Network:
    return gn.Network([64, 8, 10], seed=0)


@pytest.fixture(scope="module")
def server(network, tmp_path_factory) -> Iterator[int]:
    db = tmp_path_factory.mktemp("runs") / "runs.db"
    with running_server(lambda port: create_app(network, port=port, db_path=db),
                        header_timeout=HEADER_TIMEOUT) as (port, _):
        yield port


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)


def request(port: int, path: str = "/api/info") -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").encode()


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes (socket.timeout if it never does)."""
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received


def read_one_answer(connection: socket.socket) -> bytes:
    """One complete answer with a Content-Length body, leaving the connection open."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(4096)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += connection.recv(4096)
    return head + b"\r\n\r\n" + body


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_log() -> Iterator[list[logging.LogRecord]]:
    """What the server logs (uvicorn's logger, at INFO) while the test runs."""
    log = logging.getLogger("uvicorn.error")
    recorder, level = Recorder(), log.level
    log.addHandler(recorder)
    log.setLevel(logging.INFO)
    try:
        yield recorder.records
    finally:
        log.removeHandler(recorder)
        log.setLevel(level)


@pytest.mark.parametrize("path", ["/api/predict", "/api/training/start", "/api/handset"])
def test_a_client_that_goes_away_mid_body_logs_one_line(server, server_log, path):
    connection = connect(server)
    connection.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n".encode()
                       + b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                       + b'{"example": ')
    time.sleep(0.2)  # the request reaches the app and waits for the rest of its body
    connection.close()
    deadline = time.monotonic() + PATIENCE
    while not server_log and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [record.getMessage() for record in server_log] == [
        f"A client went away before its request to {path} was read."]
    assert server_log[0].exc_info is None  # one line, no traceback
    assert b"200 OK" in request_and_answer(server)


def test_a_training_whose_body_arrives_after_hostile_gets_belongs_to_its_session(network):
    """The issue's trigger: headers, a pause, 17 cookie-less GETs, then the body."""
    app = create_app(network, port=None, max_sessions=2, max_trainings=1)
    with running_server(lambda port: app) as (port, _), \
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=PATIENCE) as user:
        user.post("/api/predict", json={"example": 0})  # the user's session
        cookie = f"{COOKIE_NAME}={user.cookies[COOKIE_NAME]}"
        body = json.dumps({"hidden": [4], "epochs": 3, "pace": 2.0}).encode()
        connection = connect(port)
        try:
            connection.sendall(
                f"POST /api/training/start HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()
                + f"Cookie: {cookie}\r\nContent-Type: application/json\r\n".encode()
                + f"Content-Length: {len(body)}\r\n\r\n".encode())
            for _ in range(17):  # a hostile page's <img> tags
                assert "set-cookie" not in httpx.get(f"http://127.0.0.1:{port}/api/network",
                                                     timeout=PATIENCE).headers
            connection.sendall(body)
            assert read_one_answer(connection).startswith(b"HTTP/1.1 202 ")
        finally:
            connection.close()
        try:
            assert user.get("/api/training").json()["state"] in ("running", "paused")
            assert app.state.explorer.sessions.trainings_running() == 1
            other = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=PATIENCE)
            with other:
                refused = other.post("/api/training/start", json={"hidden": [4]})
            assert refused.status_code == 503 and "retry-after" in refused.headers
        finally:
            assert user.post("/api/training/stop", json={}).status_code == 200


def request_and_answer(port: int) -> bytes:
    with connect(port) as connection:
        connection.sendall(request(port))
        return read_one_answer(connection)


# ---------------------------------------------------------------------- header timeout
@pytest.mark.parametrize("sent", [b"GET /api/in", b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n"],
                         ids=["half a request line", "headers without their end"])
def test_a_request_whose_headers_stall_gets_408_and_is_closed(server, sent):
    stalled = [connect(server) for _ in range(3)]
    try:
        for connection in stalled:
            connection.sendall(sent)
        # Meanwhile, everyone else is answered as usual.
        with httpx.Client(base_url=f"http://127.0.0.1:{server}", timeout=PATIENCE) as client:
            for _ in range(3):
                assert client.get("/api/info").status_code == 200
                assert client.post("/api/predict", json={"example": 0}).status_code == 200
        for connection in stalled:
            received = read_until_closed(connection)  # socket.timeout if never closed
            assert received.startswith(b"HTTP/1.1 408 "), received[:200]
            body = received.partition(b"\r\n\r\n")[2]
            assert json.loads(body) == {
                "error": "the request headers did not arrive within 1 seconds"}
    finally:
        for connection in stalled:
            connection.close()


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(server):
    with connect(server) as connection:
        started = time.monotonic()
        assert read_until_closed(connection) == b""
        assert time.monotonic() - started >= HEADER_TIMEOUT * 0.9  # not at once


def test_half_a_second_request_on_a_kept_alive_connection_is_closed(server):
    """uvicorn stops its keep-alive timer at the first byte of the next request."""
    with connect(server) as connection:
        connection.sendall(request(server))
        assert read_one_answer(connection).startswith(b"HTTP/1.1 200 ")
        connection.sendall(b"GET /api/info HTTP/1.1\r\nHo")
        received = read_until_closed(connection)
    assert received.startswith(b"HTTP/1.1 408 "), received[:200]


def test_several_requests_on_one_connection_each_get_the_full_deadline(server):
    with connect(server) as connection:
        for _ in range(5):
            connection.sendall(request(server))
            assert read_one_answer(connection).startswith(b"HTTP/1.1 200 ")
            time.sleep(HEADER_TIMEOUT * 0.3)  # more than the deadline in total


def test_headers_that_are_slow_but_complete_in_time_are_answered(server):
    whole = request(server)
    with connect(server) as connection:
        for start in range(0, len(whole), 10):
            connection.sendall(whole[start:start + 10])
            time.sleep(HEADER_TIMEOUT / 20)
        assert read_one_answer(connection).startswith(b"HTTP/1.1 200 ")


def test_a_live_training_stream_outlives_the_header_timeout(server):
    """The deadline is for the request only: the answer may take as long as it needs."""
    with httpx.Client(base_url=f"http://127.0.0.1:{server}", timeout=PATIENCE) as client:
        started = client.post("/api/training/start",
                              json={"hidden": [4], "epochs": 4, "pace": 1.0, "seed": 0})
        assert started.status_code == 202, started.text
        began = time.monotonic()
        with client.stream("GET", "/api/training/events") as response:
            assert response.status_code == 200
            text = "".join(response.iter_text())
        lasted = time.monotonic() - began
    kinds = [line.removeprefix("event: ") for line in text.splitlines()
             if line.startswith("event: ")]
    assert kinds[-1] == "done", kinds
    assert kinds.count("epoch") == 4
    assert lasted > 2 * HEADER_TIMEOUT  # the stream ran through two deadlines uncut


def test_unfinished_headers_past_16_kib_get_400_at_once(server):
    """A stalled request cannot make the server keep more than 16 KiB of it."""
    with connect(server) as connection:
        connection.sendall(f"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n".encode()
                           + b"X-Big: " + b"a" * (web_server.MAX_HEADER_BYTES + 100) + b"\r\n")
        received = read_until_closed(connection)  # a 408 would mean it waited
    assert received.startswith(b"HTTP/1.1 400 "), received[:200]
    assert b"Invalid HTTP request" in received


# ---------------------------------------------------------------------- refusals
@pytest.mark.parametrize("headers", [
    "Origin: http://evil.example\r\nContent-Type: application/json",  # 403
    "Content-Type: text/plain",  # 415
], ids=["other site", "not JSON"])
def test_a_refused_request_is_closed_without_waiting_for_its_body(server, headers):
    """The body of a refused request is never read; the client may not dribble it in.

    Without ``Connection: close`` the server would keep the connection open for the
    rest of the body, however slowly it came: the header timeout has stopped (the
    headers are complete) and uvicorn's keep-alive timer waits for an answer's end.
    """
    with connect(server) as connection:
        connection.sendall(
            f"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n{headers}\r\n"
            "Content-Length: 1000\r\n\r\n{".encode())
        received = read_until_closed(connection)  # socket.timeout if it is kept open
    assert received.startswith((b"HTTP/1.1 403 ", b"HTTP/1.1 415 ")), received[:200]
    assert b"connection: close" in received.lower()


# ---------------------------------------------------------------------- concurrency limit
def test_connections_beyond_the_limit_get_503_until_the_stalled_ones_are_closed(network):
    limit = 4
    with running_server(lambda port: create_app(network, port=port, max_trainings=0),
                        header_timeout=HEADER_TIMEOUT, max_concurrency=limit) as (port, running):
        stalled = [connect(port) for _ in range(limit)]
        try:
            for connection in stalled:
                connection.sendall(b"GET /api/in")  # half a request line, never finished
            deadline = time.monotonic() + PATIENCE
            while len(running.server_state.connections) < limit:
                assert time.monotonic() < deadline, "the server did not see the connections"
                time.sleep(0.01)
            with connect(port) as extra:
                extra.sendall(request(port))
                answer = read_until_closed(extra)  # 503 answers close the connection
            assert answer.startswith(b"HTTP/1.1 503 "), answer[:200]
            # The header timeout closes the stalled connections; then all is well again.
            for connection in stalled:
                assert read_until_closed(connection).startswith(b"HTTP/1.1 408 ")
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=PATIENCE) as client:
                deadline = time.monotonic() + PATIENCE
                while (status := client.get("/api/info").status_code) == 503:
                    assert time.monotonic() < deadline, "still 503 after the stalled ones closed"
                    time.sleep(0.05)
                assert status == 200
        finally:
            for connection in stalled:
                connection.close()


# ---------------------------------------------------------------------- configuration
def test_serve_runs_uvicorn_with_the_limits(monkeypatch, network):
    configs = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: configs.append(self.config))
    app = create_app(network, port=8123, max_trainings=0)
    serve(app, host="127.0.0.1", port=8123)
    serve(app, host="127.0.0.1", port=8123, header_timeout=3, max_concurrency=7)
    default, chosen = configs
    assert default.limit_concurrency == web_server.MAX_CONCURRENCY
    assert default.timeout_keep_alive == web_server.KEEP_ALIVE_SECONDS
    assert default.h11_max_incomplete_event_size == web_server.MAX_HEADER_BYTES
    assert issubclass(default.http, web_server.HeaderTimeoutProtocol)
    assert default.http.header_timeout == web_server.HEADER_TIMEOUT_SECONDS
    assert default.ws == "none"
    assert chosen.http.header_timeout == 3.0
    assert chosen.limit_concurrency == 7


@pytest.mark.parametrize("seconds", [0, -1, float("nan")])
def test_the_header_timeout_must_be_positive(seconds):
    with pytest.raises(ConfigError, match="positive"):
        web_server.HeaderTimeoutProtocol.with_header_timeout(seconds)


@pytest.mark.parametrize("limit", [0, 1, -5, 2.5, True, "128"])
def test_the_concurrency_limit_must_be_a_whole_number_of_at_least_2(network, limit):
    with pytest.raises(ConfigError, match="max_concurrency"):
        web_server.server_config(create_app(network, port=8123, max_trainings=0),
                                 max_concurrency=limit)
