"""What a local web server must refuse before any route runs.

The explorer listens on 127.0.0.1, so only this machine can reach it. That alone is
not enough: any web page open in the same browser can *ask* the browser to send
requests to 127.0.0.1. Four checks close those doors:

- **Host.** A hostile site can point its own domain name at 127.0.0.1 ("DNS
  rebinding") and then read the answers as if they came from itself. Its requests
  carry its own name in the ``Host`` header, so any name but the ones this server
  was started as is refused with 400.
- **Origin.** A page from another origin that sends a request says so in the
  ``Origin`` header; any origin but this server's own is refused with 403.
- **JSON only, and not too much of it.** A plain HTML form can post to any address
  without asking, but it cannot send ``application/json``; so every request with a
  body must be JSON (else 415). Bodies over 1 MB are refused with 413, judged by the
  ``Content-Length`` header when there is one *and* by counting the bytes as they
  arrive, since a client may send a body with no length or lie about it.
- **Bodies that never arrive.** A client may announce a body and then send it so
  slowly, or stall so completely, that it holds a connection and a request forever
  (the "slowloris" attack). Each wait for the next piece of a body is limited to
  ``BODY_TIMEOUT_SECONDS``, and the whole body to ``BODY_DEADLINE_SECONDS`` from the
  first wait (one byte every few seconds would otherwise hold it for days); then the
  answer is 408 and the connection is closed.

``RequestGuard`` is plain ASGI middleware, so it protects every route, including
the static files and the live-training event stream.
"""

from __future__ import annotations

import json
from typing import Any

import anyio

MAX_BODY_BYTES = 1_000_000
"""The largest request body accepted (1 MB): a drawing is about 50 kB."""

BODY_TIMEOUT_SECONDS = 5.0
"""The longest wait for the next piece of a request body before giving up (408)."""

BODY_DEADLINE_SECONDS = 10.0
"""The longest a whole request body may take to arrive (408): 1 MB needs milliseconds."""

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
"""The names a browser on this machine uses to reach a server bound to loopback."""

WILDCARD_HOSTS = ("0.0.0.0", "::", "")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
"""Sent with every answer: the page may load only its own files and cannot be framed."""


class BodyTooLarge(Exception):
    """Raised while reading a request body that grows past the limit."""


class BodyTimeout(Exception):
    """Raised when the next piece of a request body does not arrive in time."""


def is_loopback(host: str) -> bool:
    """True for the addresses that only this machine can reach."""
    return host in ("127.0.0.1", "localhost", "::1", "[::1]") or host.startswith("127.")


def allowed_host_names(host: str = "127.0.0.1") -> frozenset[str]:
    """The host names (without port) this server answers to, lower case.

    Loopback names are always allowed; any other explicit address given with
    ``--host`` is allowed too (an IPv6 address in brackets, as browsers send it).
    """
    names = set(LOOPBACK_NAMES)
    if host not in WILDCARD_HOSTS and not is_loopback(host):
        names.add(f"[{host}]" if ":" in host and not host.startswith("[") else host)
    return frozenset(name.lower() for name in names)


def is_decimal_number(text: str) -> bool:
    """True if ``text`` is ASCII digits only, as a header's whole number must be.

    ``str.isdigit`` alone also says yes to ``"²"`` or ``"١٢"``, which ``int`` then
    refuses (``ValueError``, a 500): a header is Latin-1, and ``b"\\xb2"`` is ``"²"``.
    """
    return text.isascii() and text.isdigit()


def split_host_header(value: str) -> tuple[str, str]:
    """``"127.0.0.1:8000"`` -> ("127.0.0.1", "8000"); ``"[::1]:80"`` -> ("[::1]", "80")."""
    value = value.strip().lower()
    if value.endswith("]") or ":" not in value:
        return value, ""
    name, _, port = value.rpartition(":")
    return name, port


class RequestGuard:
    """ASGI middleware refusing foreign hosts (400), origins (403), big (413), non-JSON (415).

    Parameters
    ----------
    app : ASGI application
    host : str
        The address the server is bound to (see ``allowed_host_names``).
    port : int, optional
        The port the server listens on; the ``Host`` header must name it. ``None``
        accepts any port (for tests, and servers whose port the system chooses).
    max_body_bytes : int
    body_timeout : float, optional
        Seconds to wait for each piece of a request body (default
        ``BODY_TIMEOUT_SECONDS``, looked up when the guard is made, so tests may lower it).
    body_deadline : float, optional
        Seconds the whole body may take (default ``BODY_DEADLINE_SECONDS``, looked up
        the same way).
    """

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int | None = None,
                 max_body_bytes: int = MAX_BODY_BYTES,
                 body_timeout: float | None = None, body_deadline: float | None = None):
        self.app = app
        self.body_timeout = BODY_TIMEOUT_SECONDS if body_timeout is None else body_timeout
        self.body_deadline = BODY_DEADLINE_SECONDS if body_deadline is None else body_deadline
        self.names = allowed_host_names(host)
        self.port = None if port is None else str(int(port))
        self.max_body_bytes = max_body_bytes

    def host_allowed(self, host: str) -> bool:
        name, port = split_host_header(host)
        if name not in self.names:
            return False
        if self.port is not None:
            return port == self.port
        return port == "" or is_decimal_number(port)

    def origin_allowed(self, origin: str) -> bool:
        scheme, _, rest = origin.strip().lower().partition("://")
        return scheme == "http" and self.host_allowed(rest)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not self.host_allowed(headers.get("host", "")):
            await _refuse(send, 400, "this server only answers to its own address (Host refused)")
            return
        origin = headers.get("origin")
        if origin is not None and not self.origin_allowed(origin):
            await _refuse(send, 403, "requests from other web sites are refused (Origin)")
            return
        length = headers.get("content-length")
        if length is not None:
            if not is_decimal_number(length):
                await _refuse(send, 400, "invalid Content-Length header")
                return
            # Its digits counted first: int() refuses more than 4,300 of them (a 500).
            digits = length.lstrip("0") or "0"
            if len(digits) > len(str(self.max_body_bytes)) or int(digits) > self.max_body_bytes:
                await _refuse(send, 413, f"the body is larger than {self.max_body_bytes:,} bytes")
                return
        if scope["method"] in BODY_METHODS:
            media_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type != "application/json":
                await _refuse(send, 415, "send the body as application/json")
                return

        received = 0
        response_started = False
        body_complete = False
        deadline: float | None = None  # set by the first wait for the body
        late = ""  # the 408's message, once a wait has run out

        async def counting_receive() -> dict:
            nonlocal received, body_complete, deadline, late
            if body_complete:  # e.g. a stream listening for the client to go away
                return await receive()
            now = anyio.current_time()
            deadline = now + self.body_deadline if deadline is None else deadline
            whole_body_first = deadline - now < self.body_timeout
            try:
                with anyio.fail_after(max(0.0, min(self.body_timeout, deadline - now))):
                    message = await receive()
            except TimeoutError:
                late = (f"the whole body did not arrive within {self.body_deadline:g} seconds"
                        if whole_body_first else
                        f"the body did not arrive within {self.body_timeout:g} seconds")
                raise BodyTimeout from None
            if message["type"] == "http.request":
                body_complete = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        async def watching_send(message: dict) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if not response_started:
                await _refuse(send, 413, f"the body is larger than {self.max_body_bytes:,} bytes")
        except BodyTimeout:
            if not response_started:
                await _refuse(send, 408, late)


async def _refuse(send: Any, status: int, message: str) -> None:
    """Answer ``{"error": message}`` with ``status``, and close the connection after it.

    The refusal carries the same ``SECURITY_HEADERS`` as every other answer.

    A refused request's body may still be on its way (it is never read), and the
    client may send it as slowly as it likes: the header timeout no longer applies,
    since the headers are complete. Closing the connection, as ``Connection: close``
    tells the server to, is what frees it.
    """
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *SECURITY_HEADERS]
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": headers,
    })
    await send({"type": "http.response.body", "body": body})


__all__ = ["MAX_BODY_BYTES", "BODY_TIMEOUT_SECONDS", "BODY_DEADLINE_SECONDS", "RequestGuard",
           "BodyTooLarge", "BodyTimeout", "allowed_host_names", "is_loopback", "split_host_header",
           "is_decimal_number"]
