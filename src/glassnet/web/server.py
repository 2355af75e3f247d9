"""How the explorer is served: uvicorn, with limits on stalled and piled-up connections.

A web server spends something on every connection it holds open: a socket, a file
descriptor, a little memory. A client that opens a connection and then sends its
request very slowly, or never finishes it, holds all of that for as long as the
server lets it (the "slowloris" attack). Here is what uvicorn (0.54, with its h11
protocol: ``httptools`` is not installed) does on its own, read from its source
and checked on a real server:

- between two requests on a kept-alive connection, it closes the connection after
  ``timeout_keep_alive`` seconds of silence;
- but that timer is started only once a response has been sent. A connection that
  sends nothing at all, or half a request line, or headers without the blank line
  that ends them, is never closed;
- and the first byte of a next request stops the keep-alive timer for good, so half
  a second request is held forever too;
- ``limit_concurrency`` does not refuse connections: every one is accepted, and a
  *complete* request that arrives while the server holds that many connections (the
  stalled ones included, and the asking one too) or runs that many requests is
  answered 503;
- an unfinished request line and headers may not grow past
  ``h11_max_incomplete_event_size`` bytes (16 KiB): beyond that the answer is 400 and
  the connection is closed. (h11 measures only what it is still waiting to complete;
  a whole header block that arrives in one read is parsed, whatever its size.)
- an answer sent before the request's body has all arrived (a 413 for a body too
  large, a 408 for one too slow) is followed at once by closing the connection. The
  body's next bytes then meet a closed socket, which answers them with a reset: the
  client's sending fails (a broken pipe), and a client that stops there, or one over
  a real network that gets the reset before it has read the answer, never sees why.

So the explorer adds two things uvicorn lacks. First, a *lingering close*, as web
servers have long done: when it answers before a body has all arrived, it sends the
answer, ends its own side of the connection (a TCP half-close) and reads and drops
what the client still sends, for ``LINGER_SECONDS`` at most, before it closes
(``LingeringTransport``). The client finishes sending, reads the answer, and sees the
connection end.

Second, a *header timeout* (``HeaderTimeoutProtocol``): from the moment the server
starts waiting for a request (a new connection, or the end of the previous response)
the client has ``HEADER_TIMEOUT_SECONDS`` to finish sending its request line and
headers. If it has sent part of them it gets ``408 {"error": ...}``; if it has sent
nothing it is simply closed, as an idle keep-alive connection is. Once the headers
are complete the timer stops: the request belongs to the application, whose
``RequestGuard`` limits each wait for a piece of the body (``BODY_TIMEOUT_SECONDS``)
and the whole body (``BODY_DEADLINE_SECONDS``), and whose answers may take as long as
they need. A live-training event stream, one long answer, is never
cut by it.

The rest is uvicorn's own configuration (``server_config``): ``limit_concurrency``
(``MAX_CONCURRENCY``) so a flood of requests gets quick 503s instead of a growing
queue of work and memory; ``timeout_keep_alive`` and the limit on unfinished headers
(``MAX_HEADER_BYTES``), spelled out; no WebSocket protocol, since the explorer has no
WebSocket route.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import ConfigError

HEADER_TIMEOUT_SECONDS = 20.0
"""Time a client has to send a whole request line and headers (browsers need ms)."""

MAX_CONCURRENCY = 128
"""uvicorn's ``limit_concurrency``: open connections or running requests before 503.

Generous for the explorer's use: a class of 30 browsers, whose few connections each
close 2 s after their last answer (``KEEP_ALIVE_SECONDS``), plus room for the load
test's 50 clients.
"""

KEEP_ALIVE_SECONDS = 2
"""An idle connection is closed this long after its last answer (uvicorn's default is 5).

Short, because ``limit_concurrency`` counts idle connections too: a browser opens
its next request within milliseconds, and every idle second is a slot taken.
"""

MAX_HEADER_BYTES = 16 * 1024
"""An unfinished request line plus headers held past this size gets 400 (h11's default)."""

LINGER_SECONDS = 1.0
"""After answering a request whose body is still arriving, how long the rest is read and
dropped before the connection is closed (a megabyte on this machine takes milliseconds)."""


class LingeringTransport:
    """A connection's transport whose ``close`` first lets a refused body finish arriving.

    uvicorn closes the connection the moment an answer that ends it has been written.
    If the client is still sending the request's body (h11 says its state is
    ``SEND_BODY``), this writes the end of the server's side instead (``write_eof``:
    the answer goes out first), keeps reading, and closes ``linger_seconds`` later, or
    as soon as the client ends its side. The protocol drops what arrives meanwhile
    (``HeaderTimeoutProtocol.data_received``). Every other call goes to the transport.
    """

    def __init__(self, transport: asyncio.Transport, protocol: HeaderTimeoutProtocol) -> None:
        self._transport, self._protocol = transport, protocol
        self.lingering = False
        self._closer: asyncio.TimerHandle | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def is_closing(self) -> bool:
        """True from the moment the close is asked for: nothing more is written."""
        return self.lingering or self._transport.is_closing()

    def close(self) -> None:
        if self.is_closing():
            return
        body_arriving = self._protocol.conn.their_state is h11.SEND_BODY
        if not body_arriving or not self._transport.can_write_eof():
            self._transport.close()
            return
        self.lingering = True
        self._transport.write_eof()  # after the answer: the server's side ends
        self._transport.resume_reading()  # uvicorn may have paused it on a full buffer
        self._closer = self._protocol.loop.call_later(self._protocol.linger_seconds,
                                                      self._transport.close)

    def cancel_close(self) -> None:
        """The connection is gone: the close that lingering put off is not needed."""
        if self._closer is not None:
            self._closer.cancel()
            self._closer = None


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for each request's line and headers, and
    a lingering close (``LingeringTransport``).

    The class attribute ``header_timeout`` (seconds) is the deadline; use
    ``with_header_timeout`` for another value. ``linger_seconds`` bounds the lingering
    close. Everything else is uvicorn's.
    """

    header_timeout: float = HEADER_TIMEOUT_SECONDS
    linger_seconds: float = LINGER_SECONDS
    _header_timer: asyncio.TimerHandle | None = None

    @classmethod
    def with_header_timeout(cls, seconds: float) -> type[HeaderTimeoutProtocol]:
        """A subclass whose deadline is ``seconds`` (uvicorn builds protocols from a class)."""
        if not seconds > 0:
            raise ConfigError(f"the header timeout must be positive, not {seconds!r}")
        return type(cls.__name__, (cls,), {"header_timeout": float(seconds)})

    # uvicorn calls these three; after each, the connection may have started or
    # stopped waiting for a request.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = LingeringTransport(transport, self)  # what each request closes
        self._follow_request_state()

    def data_received(self, data: bytes) -> None:
        if self.transport.lingering:  # the rest of a body already answered: dropped
            return
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        self._follow_request_state()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow_request_state()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        self.transport.cancel_close()
        super().connection_lost(exc)

    def _follow_request_state(self) -> None:
        """Run the timer while the client owes us a request's headers, and only then.

        h11 keeps the client in state IDLE until a request's line and headers are
        complete; after that it is sending a body, done, or closing.
        """
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if not waiting:
            self._stop_header_timer()
        elif self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout,
                                                      self._header_timed_out)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        started = bool(self.conn.trailing_data[0])
        self.logger.info("Closing a connection whose request headers did not arrive within "
                         "%g s%s.", self.header_timeout, " (408)" if started else "")
        if started:
            self._send_408()
        self.transport.close()

    def _send_408(self) -> None:
        body = json.dumps({"error": f"the request headers did not arrive within "
                                    f"{self.header_timeout:g} seconds"}).encode()
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        try:
            for event in (h11.Response(status_code=408, headers=headers,
                                       reason=b"Request Timeout"),
                          h11.Data(data=body), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:  # pragma: no cover - h11 allows this from IDLE
            pass


def server_config(app: Any, host: str = "127.0.0.1", port: int = 8000, *,
                  header_timeout: float = HEADER_TIMEOUT_SECONDS,
                  max_concurrency: int | None = MAX_CONCURRENCY,
                  keep_alive: int = KEEP_ALIVE_SECONDS,
                  **uvicorn_options: Any) -> uvicorn.Config:
    """The uvicorn configuration the explorer runs with (see the module docstring).

    Parameters
    ----------
    app : ASGI application
    host, port : the address to listen on.
    header_timeout : float
        Seconds a client has to send a request's line and headers.
    max_concurrency : int or None
        uvicorn's ``limit_concurrency``: a request arriving while the server holds
        this many connections (including its own) or runs this many requests gets
        503. ``None``: no limit.
    keep_alive : int
        Seconds an idle connection is kept between requests.
    **uvicorn_options
        Any other ``uvicorn.Config`` argument (they win over the defaults here).

    Raises
    ------
    ConfigError
        A header timeout that is not a positive number, or a ``max_concurrency``
        below 2 (the asking connection counts too, so 1 would refuse everything).
    """
    if max_concurrency is not None and (isinstance(max_concurrency, bool)
                                        or not isinstance(max_concurrency, int)
                                        or max_concurrency < 2):
        # Its own connection counts: with a limit of 1 every request would get 503.
        raise ConfigError(f"max_concurrency must be a whole number of at least 2, or None "
                          f"(no limit), not {max_concurrency!r}")
    options: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "timeout_graceful_shutdown": 2,
        "http": HeaderTimeoutProtocol.with_header_timeout(header_timeout),
        "ws": "none",
        "limit_concurrency": max_concurrency,
        "timeout_keep_alive": keep_alive,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    }
    options.update(uvicorn_options)
    return uvicorn.Config(app, host=host, port=port, **options)


__all__ = ["HEADER_TIMEOUT_SECONDS", "MAX_CONCURRENCY", "KEEP_ALIVE_SECONDS", "LINGER_SECONDS",
           "MAX_HEADER_BYTES", "HeaderTimeoutProtocol", "LingeringTransport", "server_config"]
