"""Fuzz the explorer: thousands of malformed requests at a real server, and no 5xx.

Issue 17's goal is "0 5xx in 10,000 fuzzed requests". This script starts
``glassnet explore`` as ``scripts/load_explorer.py`` does (a real uvicorn server on
a free port of 127.0.0.1, with a freshly trained 64-32-10 model in a temporary
folder), opens a few sessions, sends ``--requests`` requests (10,000 by default)
over ``--concurrency`` connections at a time, and stops the server. Each request
is written byte for byte on its own socket, so nothing a client library would tidy
up is lost: a path with ``/../`` or ``%00``, a lying ``Content-Length``, a header
in Latin-1, a method no one uses.

The requests aim at every route of the explorer (the page, the static files, and
every GET and POST of ``/api``: info, network and back to the previous one, predict,
neuron, training and its start, events and pause/resume/step/stop, slope, its hop
and its re-scaling, backprop, its step and undo, knockout, one weight, reset,
handset). By family:

- ``valid``: a request the page itself could send, with a valid body;
- ``field``: a valid body with one field changed: dropped, added, renamed, doubled,
  or given a value the field does not take: the wrong type, a 400- or 5,000-digit
  integer, ``1e999``, NaN, a lone surrogate (``"\\ud800"`` as a JSON escape),
  nesting 40 or 100,000 deep, 100,000 numbers, a list one too short or too long,
  ragged rows;
- ``body``: a body that is not a JSON object: empty, truncated, ``null``, invalid
  UTF-8, UTF-16, a byte-order mark, trailing bytes, 900 kB of numbers, 2 MB
  announced;
- ``content-type``: a JSON body labelled as something else, or not labelled;
- ``method``: PUT, DELETE, OPTIONS, TRACE, lower-case or invented methods;
- ``path``: ``/../``, ``%2e%2e``, ``%00``, invalid percent escapes, 8,000-character
  paths, long query strings, trailing slashes, unknown training actions;
- ``header``: foreign ``Host`` and ``Origin``, a missing ``Host``, a 12 kB header,
  200 headers, ``Range`` and ``If-None-Match`` on static files, ``Expect:
  100-continue``, odd ``Last-Event-ID`` values (``"²"`` counts as a digit to Python);
- ``framing``: chunked bodies (good and broken), bad, doubled or short
  ``Content-Length``, HTTP/1.0, absolute and asterisk targets, malformed request lines.

Every request also carries one of the sessions' cookies, no cookie, or a bad one
(empty, unknown, 4,000 characters, doubled, Latin-1 bytes, other cookies around it).

Request ``i`` is drawn from ``numpy.random.default_rng([seed, i])`` and the facts
the server states about itself (its choices and limits from ``/api/info``, its
network's sizes, the static files its page loads), so the same seed gives the same
requests, and ``--only I`` sends request ``I`` alone to a fresh server.

So that every 5xx means a defect, the fuzz stays inside the capacity the server
documents (docs/reliability.md; each limit has its own tests): at most
``--concurrency`` (4) connections at once (503 past 128); sessions: the six it opens
first plus at most ``COOKIELESS_WRITE_BUDGET`` POSTs without a valid cookie (each may
make a session; 503 past 64 sessions used in the last 10 minutes); training starts
only in two of its sessions (503 past 2 trainings at once), of 1 to 3 epochs unless
a mutation drops the field. Bodies that are refused before they are read (415, 400)
stay under 64 kB, and bodies over 1 MB are announced, never sent, since a server that
closes a connection with unread bytes in its buffer resets it (TCP), and the client
may then lose the answer. Bodies that stall are ``tests/test_explorer_load.py``'s.

A failure is any 5xx, a connection closed or reset without an answer, an answer not
complete within ``--timeout`` seconds (an event stream is read for
``EVENT_STREAM_SECONDS`` and then closed: it rightly lasts as long as its training)
or a traceback in the server's log. The script prints the answers by status and by
family, requests per second and the first failures with the request that caused
them; ``--json`` prints the figures as one JSON line instead.

Usage::

    python scripts/fuzz_explorer.py                     # 10,000 requests, seed 0
    python scripts/fuzz_explorer.py --requests 300 --seed 1 --json
    python scripts/fuzz_explorer.py --seed 0 --only 4711  # reproduce request 4711

Exits with status 1 on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from load_explorer import drawings, explorer_server  # scripts/ is this script's sys.path[0]

from glassnet.web.sessions import COOKIE_NAME

SESSIONS = 6
"""Sessions opened before the fuzz; requests carry their cookies."""

TRAINER_SESSIONS = 2
"""Sessions 0 and 1 are the only ones that may start a training (the server runs 2)."""

TRAINING_ROUTES = ("/api/training/start", "/api/network/replay")
"""The routes that may train (a replay of settings trains them again)."""

COOKIELESS_WRITE_BUDGET = 40
"""POSTs without a valid session cookie in one run: each may make a session (64 at most)."""

COOKIELESS_WRITE_SHARE = 0.015
"""The share of POSTs sent without a valid cookie, until the budget is spent."""

EVENT_STREAM_SECONDS = 0.2
"""How long an answering event stream is read before the client hangs up."""

FAMILIES = {"valid": 0.22, "field": 0.30, "body": 0.11, "content-type": 0.06,
            "method": 0.07, "path": 0.09, "header": 0.09, "framing": 0.06}
"""Each family's share of the requests (see the module docstring)."""

GET_ROUTES = ("/", "/api/info", "/api/network", "/api/training", "/api/training/events",
              "/api/handset", "/api/runs")
TRAINING_CONTROLS = ("/api/training/pause", "/api/training/resume", "/api/training/step",
                     "/api/training/stop")
POST_ROUTES = ("/api/predict", "/api/neuron", "/api/training/start", "/api/slope",
               "/api/slope/hop", "/api/slope/fit", "/api/handset", "/api/network/previous",
               "/api/network/replay",
               "/api/backprop", "/api/backprop/step", "/api/backprop/undo",
               "/api/knockout", "/api/weight", "/api/reset",
               "/api/lesson/two-neurons", "/api/lesson/loss", "/api/lesson/one-image",
               "/api/lesson/handwriting/score", "/api/lesson/handwriting/train",
               *TRAINING_CONTROLS)
"""The explorer's routes (``tests/test_explorer_load.py`` checks them against the app's)."""


# ---------------------------------------------------------------------- JSON as text
class Raw(str):
    """JSON text written into a body as it is: what ``json.dumps`` never writes."""


class Pairs(list):
    """A JSON object written as these (key, value) pairs, so a key may come twice."""


def to_json(value: Any) -> str:
    """``value`` as JSON text, with ``Raw`` leaves written verbatim and ``Pairs`` as objects."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        value = Pairs(value.items())
    if isinstance(value, Pairs):
        return "{" + ",".join(f"{to_json(key)}:{to_json(item)}" for key, item in value) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    return json.dumps(value)


HUGE_INTEGER = "1" + "0" * 399  # 400 digits: too big for a float
HOSTILE_VALUES: tuple[Any, ...] = (
    Raw(HUGE_INTEGER), Raw("-" + HUGE_INTEGER), Raw("9" * 5000), Raw("1e999"), Raw("-1e999"),
    Raw("1E+400"), Raw("1e-999"), Raw("0." + "0" * 400 + "1"), Raw("-0"), Raw("NaN"),
    Raw("Infinity"), Raw("-Infinity"), Raw('"\\ud800"'), Raw('"\\udc00\\ud800x"'),
    Raw('["\\ud800"]'), Raw("[" * 40 + "]" * 40), Raw("[" * 100_000 + "]" * 100_000),
    Raw("[" + ",".join(["0.5"] * 100_000) + "]"), Raw('"' + "x" * 10_000 + '"'),
    True, False, None, "", "7", "0.5", "pause", [], {}, [None], {"a": 1}, [[0.5]],
    -1, 0, 1, 7, 64, 2**31, 2**63, -(2**63), 0.5, 3.0, -0.5, 1e308, -1e308, 5e-324,
    12345678901234567890,
)
"""Values no field takes, or takes only in range: each must give 422, never 5xx."""

ODD_KEYS: tuple[Any, ...] = ("x", "", "__proto__", "EXAMPLE", "numbers ", Raw('"\\ud800"'),
                             Raw('"\\u0000"'), "é", "a" * 1000)


# ---------------------------------------------------------------------- one request
@dataclass(frozen=True)
class FuzzRequest:
    """One request, as the bytes it is written with (less the server's port and tokens).

    ``host``, ``cookie`` and header values may hold ``{port}``, and ``cookie`` may hold
    ``{session:K}``: the port and session K's token, filled in when it is sent. The
    target and header values are Latin-1 text, so any byte can be written.
    """

    index: int
    family: str
    route: str  # the route it aims at, e.g. "/api/predict"; "other" for odd paths
    method: str
    target: str
    body: bytes = b""
    host: str | None = "127.0.0.1:{port}"
    cookie: str | None = None
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    framing: str = "length"  # "length": Content-Length added; "none": as the headers say
    version: str = "HTTP/1.1"

    def wire(self, port: int, tokens: list[str]) -> bytes:
        """The bytes sent: request line, headers, ``Connection: close``, body."""
        def fill(text: str) -> str:
            text = text.replace("{port}", str(port))
            return re.sub(r"\{session:(\d+)\}", lambda match: tokens[int(match[1])], text)

        lines = [f"{self.method} {fill(self.target)} {self.version}"]
        if self.host is not None:
            lines.append(f"Host: {fill(self.host)}")
        if self.cookie is not None:
            lines.append(f"Cookie: {fill(self.cookie)}")
        lines += [f"{name}: {fill(value)}" for name, value in self.headers]
        if self.framing == "length" and (self.body or self.method == "POST"):
            lines.append(f"Content-Length: {len(self.body)}")
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body

    def describe(self) -> dict[str, Any]:
        """The request in short (long values cut), to print next to a failure."""
        def cut(text: str, size: int = 160) -> str:
            return text if len(text) <= size else f"{text[:size]}... ({len(text):,} characters)"

        return {"index": self.index, "family": self.family, "method": cut(self.method, 40),
                "target": cut(self.target), "host": self.host,
                "cookie": None if self.cookie is None else cut(self.cookie, 80),
                "headers": [[name, cut(value, 80)] for name, value in self.headers],
                "framing": self.framing, "version": self.version,
                "body": cut(repr(self.body)[2:-1], 300), "body_bytes": len(self.body)}


@dataclass(frozen=True)
class ServerFacts:
    """What the server says about itself; requests are drawn from these and the seed."""

    info: dict[str, Any]  # GET /api/info: choices and limits
    sizes: list[int]  # its network's layer sizes, e.g. [64, 32, 10]
    static_paths: list[str]  # the /static/ files its page loads


# ---------------------------------------------------------------------- making requests
class RequestMaker:
    """Draws the requests of one run, in order (the cookie-less budget is spent in order).

    Parameters
    ----------
    facts : ServerFacts
    seed : int
        Request ``i`` uses ``numpy.random.default_rng([seed, i])``.
    """

    def __init__(self, facts: ServerFacts, seed: int) -> None:
        self.facts = facts
        self.seed = seed
        self.cookieless_writes = 0
        self.pictures = [body["pixels"] for body in drawings(20, seed=seed)]  # (64, 64) each
        self.rng = np.random.default_rng([seed, 0])  # each request gets its own: see make

    def make(self, index: int) -> FuzzRequest:
        """Request ``index`` (call in order: 0, 1, 2, ...)."""
        self.rng = np.random.default_rng([self.seed, index])
        family = str(self.rng.choice(list(FAMILIES), p=list(FAMILIES.values())))
        return getattr(self, "make_" + family.replace("-", "_"))(index, family)

    # ---------------------------------------------------------- random helpers
    def pick(self, options: Any) -> Any:
        return options[int(self.rng.integers(len(options)))]

    def chance(self, probability: float) -> bool:
        return bool(self.rng.random() < probability)

    def unit_numbers(self, count: int) -> list[float]:
        return [round(float(v), 3) for v in self.rng.random(count)]

    # ---------------------------------------------------------- valid bodies
    def valid_body(self, route: str) -> dict[str, Any]:
        """A body the page could send to ``route`` (POST)."""
        rng, sizes, choices = self.rng, self.facts.sizes, self.facts.info["choices"]
        if route == "/api/predict":
            kind = self.pick(("example", "numbers", "pixels", "canvas", "blank"))
            if kind == "example":
                return {"example": int(rng.integers(self.facts.info["data"]["images"]))}
            if kind == "numbers":
                return {"numbers": self.unit_numbers(64)}
            if kind == "pixels":
                return {"pixels": self.pick(self.pictures)}
            rows, columns = (int(n) for n in rng.integers(1, 65, size=2))
            ink = 0.0 if kind == "blank" else 0.2
            return {"pixels": (rng.random((rows, columns)) < ink).astype(int).tolist()}
        if route == "/api/neuron":
            layer = int(rng.integers(len(sizes) - 1))
            body: dict[str, Any] = {"layer": layer,
                                    "neuron": int(rng.integers(sizes[layer + 1]))}
            if self.chance(0.5):
                body["numbers"] = self.unit_numbers(64)
            return body
        if route == "/api/training/start":
            return self.training_settings(choices)
        if route == "/api/network/replay":  # as a shared link asks: a run, or its settings
            if self.chance(0.5):
                return {"run_id": int(rng.integers(1, 6))}
            return {"settings": self.training_settings(choices)}
        if route.startswith("/api/training/"):
            return {}
        if route == "/api/slope":
            layer = int(rng.integers(len(sizes) - 1))
            body = {"layer": layer, "row": int(rng.integers(sizes[layer])),
                    "column": int(rng.integers(sizes[layer + 1]))}
            if self.chance(0.5):
                body["learning_rate"] = round(float(10 ** rng.uniform(-3, 2)), 4)
            if self.chance(0.3):
                body["value"] = round(float(rng.uniform(-20, 20)), 3)
            return body
        if route == "/api/slope/hop":
            return {"learning_rate": round(float(10 ** rng.uniform(-3, 1)), 4)} \
                if self.chance(0.5) else {}
        if route == "/api/handset":
            body = {}
            if self.chance(0.3):
                body["preset"] = self.pick(choices["handset_presets"])
            if self.chance(0.5):
                body["cell"] = [int(n) for n in rng.integers(8, size=2)]
                body["weight"] = round(float(rng.uniform(-10, 10)), 2)
            if self.chance(0.3):
                body["bias"] = round(float(rng.uniform(-10, 10)), 2)
            if self.chance(0.2):  # all 64 at once, as a shared link or state file sets them
                body["weights"] = [round(float(w), 2) for w in rng.uniform(-10, 10, size=64)]
            if self.chance(0.3):
                body["numbers"] = self.unit_numbers(64)
            return body
        if route == "/api/knockout":
            layer = int(rng.integers(max(1, len(sizes) - 2)))
            return {"layer": layer, "neuron": int(rng.integers(sizes[layer + 1]))}
        if route == "/api/weight":
            layer = int(rng.integers(len(sizes) - 1))
            return {"layer": layer, "row": int(rng.integers(sizes[layer])),
                    "column": int(rng.integers(sizes[layer + 1])),
                    "value": round(float(rng.uniform(-10, 10)), 3)}
        if route in ("/api/network/previous", "/api/slope/fit", "/api/reset"):  # no fields
            return {}
        if route in ("/api/backprop", "/api/backprop/step", "/api/backprop/undo"):
            if route == "/api/backprop/undo" and self.chance(0.5):
                return {}
            body = {"numbers": self.unit_numbers(64), "label": int(rng.integers(10))}
            if route == "/api/backprop/step" and self.chance(0.5):
                body["learning_rate"] = round(float(10 ** rng.uniform(-3, 1)), 4)
            return body
        if route == "/api/lesson/two-neurons":
            return {"numbers": self.unit_numbers(64)}
        if route == "/api/lesson/loss":
            if self.chance(0.5):
                return {"example": int(rng.integers(100))}  # any data has 100 0s and 1s
            return {"numbers": self.unit_numbers(64), "label": int(rng.integers(2))}
        if route == "/api/lesson/one-image":
            body = ({"index": int(rng.integers(self.facts.info["data"]["images"]))}
                    if self.chance(0.5) else {"digit": int(rng.integers(10))})
            if self.chance(0.5):
                body["seed"] = int(rng.integers(1000))
            return body
        if route.startswith("/api/lesson/handwriting/"):
            body = {"drawings": self.drawings()}
            if route.endswith("/train"):
                body["epochs"] = int(rng.integers(1, 4))
                if self.chance(0.2):
                    body["adopt"] = True
            return body
        raise ValueError(f"no body for {route}")

    def drawings(self) -> list[dict[str, Any]]:
        """A few labelled drawings for the lesson's handwriting routes (small pads)."""
        rng = self.rng
        drawings = []
        for _ in range(int(rng.integers(1, 7))):
            side = int(rng.integers(8, 33))
            pixels = (rng.random((side, side)) < 0.3).astype(int)
            pixels[side // 2, side // 2] = 1  # some ink, always
            drawings.append({"pixels": pixels.tolist(), "label": int(rng.integers(10))})
        return drawings

    def training_settings(self, choices: dict[str, list[str]]) -> dict[str, Any]:
        """Settings of a short training: 1 to 3 epochs of a small network."""
        rng = self.rng
        optimizer = self.pick(choices["optimizer"])
        body: dict[str, Any] = {"epochs": int(rng.integers(1, 4)), "optimizer": optimizer,
                                "seed": int(rng.integers(1000))}
        if optimizer == "slope_descent":  # measures every weight: few weights, big batches
            body.update(hidden=[], batch_size=int(rng.integers(128, 513)))
        else:
            body["hidden"] = [int(n) for n in rng.integers(1, 17, size=int(rng.integers(3)))]
            body["batch_size"] = int(rng.integers(8, 129))
        for name in ("activation", "output", "loss"):
            if self.chance(0.4):
                body[name] = self.pick(choices[name])
        if self.chance(0.4):
            body["learning_rate"] = round(float(10 ** rng.uniform(-3, 0.5)), 4)
        if self.chance(0.2):
            body["early_stopping"] = self.chance(0.5)
        if self.chance(0.2):
            body["pace"] = round(float(rng.uniform(0, 0.05)), 3)
        if self.chance(0.3):  # the recipe's other settings: noise, averaging, dtype
            body["recipe"] = self.pick(choices["recipe"])
        return body

    # ---------------------------------------------------------- sessions
    def cookie_for(self, method: str, route: str) -> tuple[str | None, bool]:
        """A cookie header for a request, and whether it names one of the sessions.

        The cookie is a session's, none, or a bad one. Writes without a valid cookie
        may each make a session, so they are few (the budget); a training may start
        only in the trainer sessions (``TRAINER_SESSIONS``).
        """
        if method != "POST":
            roll = self.rng.random()
            if roll < 0.25:
                return None, False
            if roll < 0.40:
                return self.bad_cookie(), False
            return self.session_cookie(route), True
        if (self.cookieless_writes < COOKIELESS_WRITE_BUDGET
                and self.chance(COOKIELESS_WRITE_SHARE)):
            self.cookieless_writes += 1
            return (None if self.chance(0.5) else self.bad_cookie()), False
        return self.session_cookie(route), True

    def session_cookie(self, route: str) -> str:
        """One session's cookie: a trainer's to start a training, mostly for its controls."""
        trainer = route in TRAINING_ROUTES or (route.startswith("/api/training")
                                               and self.chance(0.8))
        session = int(self.rng.integers(TRAINER_SESSIONS if trainer else SESSIONS))
        cookie = f"{COOKIE_NAME}={{session:{session}}}"
        if self.chance(0.05):
            cookie = f"theme=dark; {cookie}; {COOKIE_NAME}x=1"
        return cookie

    def bad_cookie(self) -> str:
        """A cookie header that names no session (malformed, unknown, or doubled)."""
        return self.pick((
            f"{COOKIE_NAME}=", f"{COOKIE_NAME}=not-a-session", f"{COOKIE_NAME}=" + "A" * 4000,
            f'{COOKIE_NAME}="quoted"', f"{COOKIE_NAME}=a; {COOKIE_NAME}=b", "=;=;;", ";",
            COOKIE_NAME, f"{COOKIE_NAME}=\xff\xfe\xe9", f"{COOKIE_NAME}=%00",
            f"{COOKIE_NAME}=a=b=c", "other=1", f"{COOKIE_NAME}={{session:0}}x",
            f"{COOKIE_NAME}=\\ud800", f"{COOKIE_NAME}={{session:1}}; {COOKIE_NAME}=stale",
        ))

    # ---------------------------------------------------------- the families
    def post(self, index: int, family: str, route: str, body: Any, **fields: Any
             ) -> FuzzRequest:
        """A POST of ``body`` (a value to write as JSON, or bytes) to ``route``, with a cookie.

        A training start (or a replay, which trains) without a session's cookie would
        start a training in a new session, past the two the server runs: its body is
        made one the server refuses.
        """
        cookie, in_a_session = self.cookie_for("POST", route)
        if route in TRAINING_ROUTES and not in_a_session:
            body = Pairs(body.items()) if isinstance(body, dict) else body
            body = Pairs([*body, ("not_a_setting", 1)]) if isinstance(body, Pairs) else b"{]"
        data = body if isinstance(body, bytes) else to_json(body).encode()
        return FuzzRequest(index, family, route, "POST", route, data, cookie=cookie, **fields)

    def get(self, index: int, family: str, route: str, target: str | None = None,
            method: str = "GET", **fields: Any) -> FuzzRequest:
        fields.setdefault("headers", ())
        cookie, _ = self.cookie_for(method, route)
        return FuzzRequest(index, family, route, method, target or route, cookie=cookie,
                           **fields)

    def post_route(self) -> str:
        """A POST route; the four training controls together as often as one other."""
        routes = POST_ROUTES[:-len(TRAINING_CONTROLS)]
        return self.pick(TRAINING_CONTROLS if self.chance(1 / (len(routes) + 1)) else routes)

    def any_route(self) -> tuple[str, str]:
        """(method, route) of a route the explorer answers."""
        if self.chance(0.45):
            # The page's files count as one route, so more files do not crowd out the API.
            static = self.facts.static_paths
            routes = (*GET_ROUTES, self.pick(static)) if static else GET_ROUTES
            return "GET", self.pick(routes)
        return "POST", self.post_route()

    def make_valid(self, index: int, family: str) -> FuzzRequest:
        method, route = self.any_route()
        if method == "GET":
            return self.get(index, family, route, method=self.pick(("GET", "GET", "HEAD")))
        return self.post(index, family, route, self.valid_body(route))

    def make_field(self, index: int, family: str) -> FuzzRequest:
        route = self.post_route()
        return self.post(index, family, route, self.mutated(self.valid_body(route)))

    def mutated(self, body: dict[str, Any]) -> Any:
        """``body`` with one thing wrong in it (a ``Pairs`` or a list)."""
        pairs = Pairs(body.items())
        kind = self.pick(("drop", "drop_all", "add", "replace", "replace", "replace",
                          "element", "length", "double", "rename", "wrap", "as_list"))
        if not pairs and kind not in ("add", "as_list"):
            kind = "add"
        where = int(self.rng.integers(len(pairs))) if pairs else 0
        if kind == "drop":
            del pairs[where]
        elif kind == "drop_all":
            pairs = Pairs()
        elif kind == "add":
            pairs.append((self.pick(ODD_KEYS), self.pick(HOSTILE_VALUES)))
        elif kind == "replace":
            pairs[where] = (pairs[where][0], self.pick(HOSTILE_VALUES))
        elif kind == "element":
            key, value = pairs[where]
            pairs[where] = (key, self.with_bad_element(value))
        elif kind == "length":
            key, value = pairs[where]
            pairs[where] = (key, self.with_bad_length(value))
        elif kind == "double":
            pairs.append((pairs[where][0], self.pick(HOSTILE_VALUES)))
        elif kind == "rename":
            key, value = pairs[where]
            pairs[where] = (self.pick((key.upper(), key + "s", key[:-1], f" {key}")), value)
        elif kind == "wrap":
            key, value = pairs[where]
            pairs[where] = (key, self.pick(([value], {"value": value}, [[value]])))
        else:
            return [pairs]
        return pairs

    def with_bad_element(self, value: Any) -> Any:
        if not isinstance(value, list) or not value:
            return self.pick(HOSTILE_VALUES)
        value = list(value)
        where = int(self.rng.integers(len(value)))
        if isinstance(value[where], list) and value[where] and self.chance(0.7):
            row = list(value[where])
            row[int(self.rng.integers(len(row)))] = self.pick(HOSTILE_VALUES)
            value[where] = row
        else:
            value[where] = self.pick(HOSTILE_VALUES)
        return value

    def with_bad_length(self, value: Any) -> Any:
        if not isinstance(value, list):
            return [value] * int(self.rng.integers(2, 5))
        kind = self.pick(("shorter", "longer", "empty", "empty_row", "ragged", "tall"))
        if kind == "shorter":
            return value[:-1]
        if kind == "longer":
            return [*value, value[-1] if value else 0.5]
        if kind == "empty":
            return []
        if kind == "empty_row":
            return [[]]
        if kind == "ragged" and value and isinstance(value[0], list):
            return [row[: int(self.rng.integers(len(row) + 1))] for row in value]
        return [value[0] if value else 0] * 281  # past the largest canvas

    def make_body(self, index: int, family: str) -> FuzzRequest:
        route = self.post_route()
        text = to_json(self.valid_body(route)).encode()
        cut = int(self.rng.integers(1, max(2, len(text))))
        where = int(self.rng.integers(max(1, len(text))))
        kind = self.pick(("empty", "spaces", "null", "list", "string", "number", "truncated",
                          "bad_utf8", "overlong_utf8", "utf8_surrogate", "bom", "utf16",
                          "trailing", "deep_list", "deep_object", "comment", "single_quotes",
                          "nul", "huge", "announced"))
        framing: dict[str, Any] = {}
        body = {
            "empty": b"", "spaces": b" \t\r\n ", "null": b"null", "list": b"[1, 2]",
            "string": b'"text"', "number": b"123",
            "truncated": text[:cut],
            "bad_utf8": text[:where] + b"\xff" + text[where:],
            "overlong_utf8": text[:where] + b"\xc0\xaf" + text[where:],
            "utf8_surrogate": b'{"example": "\xed\xa0\x80"}',
            "bom": b"\xef\xbb\xbf" + text,
            "utf16": text.decode().encode("utf-16"),
            "trailing": text + self.pick((b"}", b" x", b"{}", b"\x00", b"]")),
            "deep_list": b"[" * 100_000,
            "deep_object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            "comment": b"/* a drawing */ " + text,
            "single_quotes": text.replace(b'"', b"'"),
            "nul": text[:where] + b"\x00" + text[where:],
            "huge": b'{"numbers": [' + b",".join([b"0.5"] * 200_000) + b"]}",  # 800 kB
            "announced": b"",
        }[kind]
        if kind == "announced":  # 2 MB said, nothing sent: refused by its Content-Length
            framing = {"framing": "none", "headers": (("Content-Type", "application/json"),
                                                      ("Content-Length", "2000000"))}
        return self.post(index, family, route, body, **framing)

    def make_content_type(self, index: int, family: str) -> FuzzRequest:
        route = self.post_route()
        content_type = self.pick((
            None, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
            "application/json; charset=utf-8", "APPLICATION/JSON", "application/json;",
            "application/jsonx", "application/json; charset=latin-1", " application/json ",
            "application/json, text/plain", "application/ld+json", "text/json", "*/*",
            "application/json; charset=\xff", "application/json" + "; a=b" * 500,
        ))
        headers = () if content_type is None else (("Content-Type", content_type),)
        return self.post(index, family, route, self.valid_body(route), headers=headers)

    def make_method(self, index: int, family: str) -> FuzzRequest:
        method = self.pick(("PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "get", "post",
                            "FOO", "PROPFIND", "M-SEARCH", "A" * 200, "GET", "HEAD", "POST"))
        _, route = self.any_route()
        if method == "POST" and route not in POST_ROUTES:
            return self.post(index, family, route, {})
        if method in ("PUT", "PATCH", "DELETE", "post") and self.chance(0.7):
            body = to_json(self.valid_body(route) if route in POST_ROUTES else {}).encode()
            return FuzzRequest(index, family, route, method, route, body,
                               cookie=self.cookie_for(method, route)[0])
        return self.get(index, family, route, method=method)

    def make_path(self, index: int, family: str) -> FuzzRequest:
        static = self.pick(self.facts.static_paths)
        target = self.pick((
            "/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
            "/static/..%2f..%2fetc%2fpasswd", "/static/%00", static + "%00", static + "%00.png",
            "/static/%ff", "/static/%", "/static/%zz", "/static/", "/static", "/static/.",
            "/static//etc/passwd", "/static/\\..\\..\\etc\\passwd", static + "/",
            "/static/" + "a" * 300, "/static/" + "a/" * 2000, "/api/" + "a" * 8000,
            "/api/../api/info", "/api/./info", "//api/info", "/API/INFO", "/api/info/",
            "/api/info;x=1", "/api/info?" + "a=1&" * 1000, "/api/info?%ff%fe=%00",
            "/api/training/%00", "/api/training/%ff", "/api/training/", "/api/training/STOP",
            "/api/training/explode", "/api/training/start/", "/api/training/events/x",
            "/api/training/%2e%2e", "/api/slope/hop/", "/api/predict%00", "/%00", "/nothing",
            "/favicon.ico", "/api", "/api/", "/index.html", "/\xe9", "/%C3%A9",
            "/api/neuron?layer=0&neuron=0",
        ))
        method = self.pick(("GET", "GET", "POST", "HEAD"))
        route = next((r for r in (*GET_ROUTES, *POST_ROUTES) if r != "/" and
                      target.startswith(r)), "/static/*" if target.startswith("/static")
                     else "other")
        if method == "POST":
            body = to_json(self.valid_body(route) if route in POST_ROUTES else {}).encode()
            return FuzzRequest(index, family, route, method, target, body,
                               cookie=self.cookie_for(method, route)[0])
        return self.get(index, family, route, target, method=method)

    def make_header(self, index: int, family: str) -> FuzzRequest:
        method, route = self.any_route()
        kind = self.pick(("host", "host", "origin", "origin", "big", "many", "range",
                          "conditional", "expect", "event_id", "event_id", "odd_values"))
        fields: dict[str, Any] = {}
        extra: tuple[tuple[str, str], ...] = ()
        if kind == "host":
            fields["host"] = self.pick((
                None, "", "evil.example", "evil.example:{port}", "127.0.0.1:1",
                "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}", "127.0.0.1:{port}.",
                "127.0.0.1:0{port}", "127.0.0.1:{port}, evil.example", "127.0.0.1: {port}",
                "127.0.0.1:\xb2", "\xff:{port}", "127.0.0.1:" + "9" * 50, "[::1", "[]:{port}",
            ))
        elif kind == "origin":
            extra = (("Origin", self.pick((
                "http://evil.example", "null", "http://127.0.0.1:{port}",
                "https://127.0.0.1:{port}", "", "http://", "file://", "http://localhost:{port}",
                "http://127.0.0.1:{port}/path", "HTTP://127.0.0.1:{port}", "\xff"))),)
        elif kind == "big":
            extra = (("X-Fuzz", "a" * 12_000),)
        elif kind == "many":
            extra = tuple((f"X-Fuzz-{n}", str(n)) for n in range(200))
        elif kind == "range":
            extra = (("Range", self.pick((
                "bytes=0-0", "bytes=abc", "bytes=-1", "bytes=99999999-", "bytes=0-1,2-3",
                "bytes=1-0", "bytes=" + "0-0," * 500, "bytes=-0", "lines=1-2", "bytes=",
                "bytes=0-" + "9" * 40, "bytes=\xb2-\xb3", "bytes=0-1, 0-1, 0-1"))),)
            route, method = self.pick(self.facts.static_paths), "GET"
        elif kind == "conditional":
            extra = ((self.pick(("If-None-Match", "If-Modified-Since", "If-Range",
                                 "If-Unmodified-Since")),
                      self.pick(('"x"', "*", "W/", "Thu, 01 Jan 1970 00:00:00 GMT", "not a date",
                                 "\xff", '"' + "a" * 5000 + '"', "Tue, 31 Feb 99999 25:61:61"))),)
            route, method = self.pick(self.facts.static_paths), "GET"
        elif kind == "expect":
            extra = (("Expect", self.pick(("100-continue", "200-ok", "\xff"))),)
        elif kind == "event_id":
            extra = (("Last-Event-ID", self.pick((
                "", "0", "3", "abc", "-1", "1e5", "9" * 20, "\xb2", "\xb9\xb3", " 7", "0x10",
                "99999999999"))),)
            route, method = "/api/training/events", "GET"
        else:
            extra = ((self.pick(("Accept", "Accept-Encoding", "User-Agent", "X-Forwarded-For",
                                 "Authorization", "Content-Encoding", "Accept-Language")),
                      self.pick(("\xff\xfe", "", "gzip, br, zstd, *;q=0", " ", "a" * 3000,
                                 "Basic Zm9vOmJhcg==", "\x7f", "<script>"))),)
        if method == "GET":
            return self.get(index, family, route, headers=extra, **fields)
        return self.post(index, family, route, self.valid_body(route),
                         headers=(("Content-Type", "application/json"), *extra), **fields)

    def make_framing(self, index: int, family: str) -> FuzzRequest:
        route = self.post_route()
        text = to_json(self.valid_body(route)).encode()
        kind = self.pick(("chunked", "chunked", "bad_chunk", "bad_length",
                          "two_lengths", "length_and_chunked", "short_length", "zero_length",
                          "padded_length", "http10", "http10_no_host", "absolute", "asterisk",
                          "bad_version", "spaces_in_target", "no_target", "lf_only"))
        json_type = ("Content-Type", "application/json")

        def as_is(body: bytes, *headers: tuple[str, str]) -> FuzzRequest:
            return self.post(index, family, route, body, framing="none",
                             headers=(json_type, *headers))

        pieces = np.array_split(np.frombuffer(text, dtype=np.uint8), int(self.rng.integers(1, 6)))
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece.tobytes())
                           for piece in pieces if len(piece)) + b"0\r\n\r\n"
        if kind == "chunked":
            return as_is(chunked, ("Transfer-Encoding", "chunked"))
        if kind == "bad_chunk":
            return as_is(b"zz\r\n" + text + b"\r\n0\r\n\r\n", ("Transfer-Encoding", "chunked"))
        if kind == "bad_length":
            return as_is(text, ("Content-Length", self.pick(("abc", "-1", "+5", "1.5", " ",
                                                             "0x10", "\xb2"))))
        if kind == "two_lengths":
            return as_is(text, ("Content-Length", str(len(text))),
                         ("Content-Length", str(len(text) + 1)))
        if kind == "length_and_chunked":
            return as_is(chunked, ("Content-Length", str(len(chunked))),
                         ("Transfer-Encoding", "chunked"))
        if kind == "short_length":
            return as_is(text, ("Content-Length", str(max(0, len(text) - 3))))
        if kind == "zero_length":
            return as_is(text, ("Content-Length", "0"))
        if kind == "padded_length":
            return as_is(text, ("Content-Length", f"{len(text):030d}"))
        if kind in ("http10", "http10_no_host"):
            request = self.post(index, family, route, text, version="HTTP/1.0")
            return replace(request, host=None if kind == "http10_no_host" else request.host)
        if kind == "absolute":
            request = self.get(index, family, "/api/info")
            return replace(request, target="http://127.0.0.1:{port}/api/info")
        if kind == "asterisk":
            return self.get(index, family, "other", "*", method="OPTIONS")
        request = self.get(index, family, "/api/info")
        changes = {"bad_version": {"version": self.pick(("HTTP/2.0", "HTTP/1.2", "http/1.1",
                                                         "HTTP/1", "HTTP/9.9", "FOO/1.1"))},
                   "spaces_in_target": {"target": "/api/info x y"},
                   "no_target": {"target": ""},
                   "lf_only": {"version": "HTTP/1.1\n"}}[kind]
        return replace(request, **changes)


# ---------------------------------------------------------------------- sending
@dataclass
class Answer:
    """What came back: a status, or the problem that kept one from coming."""

    status: int | None
    problem: str | None = None
    head: str = ""  # the status line and first bytes of the answer, for failures

    @property
    def status_name(self) -> str:
        return "no answer" if self.status is None else str(self.status)

    @property
    def failed(self) -> bool:
        return self.problem is not None or self.status is None or self.status >= 500


async def send(request: FuzzRequest, port: int, tokens: list[str], timeout: float) -> Answer:
    """Write ``request`` on a new connection and read its answer to the end (or a while)."""
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, limit=2**20), timeout)
    except (OSError, TimeoutError) as error:
        return Answer(None, f"could not connect: {type(error).__name__}: {error}")
    try:
        writer.write(request.wire(port, tokens))
        try:
            await writer.drain()
        except ConnectionError:
            pass  # the server may answer and close before reading everything
        return await asyncio.wait_for(read_answer(reader), timeout)
    except TimeoutError:
        return Answer(None, f"no complete answer within {timeout:g} s")
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
        return Answer(None, f"connection {type(error).__name__}: {error}")
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    """Read the status line and headers (past any 100 Continue), then the body."""
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            shown = error.partial[:120].decode("latin-1")
            return Answer(None, "the connection closed without an answer"
                          + (f" (after {shown!r})" if shown else ""))
        status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        match = re.fullmatch(r"HTTP/1\.[01] (\d{3})(?: .*)?", status_line)
        if match is None:
            return Answer(None, f"not an HTTP answer: {status_line[:120]!r}")
        status = int(match[1])
        if not 100 <= status < 200:
            break
    if b"text/event-stream" in head.lower():  # lasts as long as its training: hang up
        try:
            await asyncio.wait_for(reader.read(), EVENT_STREAM_SECONDS)
        except TimeoutError:
            pass
        body = b""
    else:
        body = await reader.read()  # the server closes after it (Connection: close)
    return Answer(status, head=(status_line + " " + body[:160].decode("latin-1")).strip())


@dataclass(frozen=True)
class Outcome:
    """One request in short, and its answer (the whole request only if it failed)."""

    family: str
    method: str
    route: str  # the route it aimed at
    body_bytes: int
    answer: Answer
    request: dict[str, Any] | None  # FuzzRequest.describe() of a failed request


async def fuzz(maker: RequestMaker, indexes: range, port: int, tokens: list[str],
               concurrency: int, timeout: float) -> list[Outcome]:
    """Make and send the requests ``indexes``, ``concurrency`` at a time, in order.

    Each request is made when a connection is free for it (in index order, since
    the event loop runs one worker at a time), so the bodies are never all in memory.
    """
    outcomes: list[Outcome | None] = [None] * len(indexes)
    turns = iter(enumerate(indexes))

    async def worker() -> None:
        for turn, index in turns:
            request = maker.make(index)
            answer = await send(request, port, tokens, timeout)
            outcomes[turn] = Outcome(request.family, request.method, request.route,
                                     len(request.body), answer,
                                     request.describe() if answer.failed else None)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return [outcome for outcome in outcomes if outcome is not None]


# ---------------------------------------------------------------------- the run
def open_sessions(client: httpx.Client, count: int) -> list[str]:
    """Make ``count`` sessions, as a page does with its first write; their tokens."""
    tokens = []
    for example in range(count):
        client.cookies.clear()  # each POST without a cookie makes a new session
        answer = client.post("/api/predict", json={"example": example})
        answer.raise_for_status()
        tokens.append(answer.cookies[COOKIE_NAME])
    return tokens


def server_facts(client: httpx.Client) -> ServerFacts:
    """Ask the server its choices, limits, network sizes and static files."""
    info = client.get("/api/info").json()
    sizes = client.get("/api/network").json()["sizes"]
    page = client.get("/").text
    static_paths = sorted(set(re.findall(r'(?:src|href)="(/static/[^"?#]+)', page)))
    return ServerFacts(info=info, sizes=sizes, static_paths=static_paths or ["/static/app.js"])


def server_tracebacks(log: str) -> list[str]:
    """The first line after each ``Traceback`` in the server's log (its exception)."""
    lines = log.splitlines()
    found = []
    for number, line in enumerate(lines):
        if line.startswith("Traceback"):
            last = next((later for later in lines[number + 1:]
                         if later and not later.startswith((" ", "\t", "Traceback"))), line)
            found.append(last)
    return found


def run_fuzz(count: int, seed: int, concurrency: int, timeout: float,
             only: int | None = None) -> dict[str, Any]:
    """Start a server, fuzz it, stop it: the figures (see ``print_figures``)."""
    with tempfile.TemporaryDirectory(prefix="glassnet-fuzz-") as folder_name:
        folder = Path(folder_name)
        with explorer_server(folder) as url:
            port = int(url.rsplit(":", 1)[1])
            with httpx.Client(base_url=url, timeout=30) as client:
                maker = RequestMaker(server_facts(client), seed)
                tokens = open_sessions(client, SESSIONS)
            if only is not None:
                for index in range(only):  # made, not sent: they spend the budget
                    maker.make(index)
            indexes = range(count) if only is None else range(only, only + 1)
            started = time.monotonic()
            outcomes = asyncio.run(fuzz(maker, indexes, port, tokens, concurrency, timeout))
            seconds = time.monotonic() - started
        tracebacks = server_tracebacks((folder / "explorer.log").read_text(errors="replace"))
    statuses = Counter(o.answer.status_name for o in outcomes)
    families: dict[str, Counter] = {}
    for outcome in outcomes:
        families.setdefault(outcome.family, Counter())[outcome.answer.status_name] += 1
    failures = [{"answer": o.answer.problem or o.answer.head, "request": o.request}
                for o in outcomes if o.answer.failed]
    return {
        "requests": len(outcomes), "seed": seed, "concurrency": concurrency,
        "seconds": round(seconds, 1), "requests_per_second": round(len(outcomes) / seconds, 1),
        "statuses": dict(sorted(statuses.items())),
        "families": {name: dict(sorted(counts.items())) for name, counts in families.items()},
        "routes": dict(Counter(o.route for o in outcomes).most_common()),
        "methods": dict(Counter(o.method[:12] for o in outcomes).most_common()),
        "cookieless_writes": maker.cookieless_writes,
        "server_5xx": sum(n for status, n in statuses.items() if status.startswith("5")),
        "failures": len(failures) + len(tracebacks),
        "failure_examples": failures[:5], "server_tracebacks": tracebacks[:5],
        "body_bytes": sum(o.body_bytes for o in outcomes),
    }


def print_figures(figures: dict[str, Any]) -> None:
    print(f"explorer fuzz: {figures['requests']:,} request(s) (seed {figures['seed']}, "
          f"{figures['concurrency']} at a time, {figures['body_bytes'] / 1e6:.1f} MB of "
          f"bodies) in {figures['seconds']} s: {figures['requests_per_second']} requests/s")
    print("status     count")
    for status, count in figures["statuses"].items():
        print(f"{status:<9} {count:>6,}")
    print("family        " + "  ".join(f"{s:>5}" for s in figures["statuses"]))
    for family in FAMILIES:
        counts = figures["families"].get(family, {})
        print(f"{family:<13} " + "  ".join(f"{counts.get(s, 0):>5}" for s in figures["statuses"]))
    print("route" + " " * 17 + "requests")
    for route, count in figures["routes"].items():
        print(f"{route:<22} {count:>6,}")
    print(f"POSTs without a valid session cookie: {figures['cookieless_writes']}")
    print(f"5xx: {figures['server_5xx']}   failures (5xx, no answer, timeouts, server "
          f"tracebacks): {figures['failures']}")
    for failure in figures["failure_examples"]:
        request = failure["request"]
        print(f"  FAILED request {request['index']} ({request['family']}): {failure['answer']}")
        print(f"    {json.dumps(request)}")
        print(f"    reproduce: python scripts/fuzz_explorer.py --seed {figures['seed']} "
              f"--only {request['index']}   (after the requests before it: --requests "
              f"{request['index'] + 1})")
    for traceback in figures["server_tracebacks"]:
        print(f"  server traceback: {traceback}")
    print("RESULT: " + ("no request made the server fail" if not figures["failures"]
                        else "the server FAILED"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000,
                        help="How many requests to send (default 10,000).")
    parser.add_argument("--seed", type=int, default=0,
                        help="Which requests: the same seed sends the same ones.")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="Requests in flight at once (the server serves 128).")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="Seconds a request may take before it counts as a failure.")
    parser.add_argument("--only", type=int, metavar="I",
                        help="Send only request I of this seed (to reproduce a failure); "
                             "--requests is then ignored.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    arguments = parser.parse_args(argv)
    figures = run_fuzz(arguments.requests, arguments.seed, arguments.concurrency,
                       arguments.timeout, arguments.only)
    if arguments.json:
        print(json.dumps(figures))
    else:
        print_figures(figures)
    return 1 if figures["failures"] or not figures["requests"] else 0


if __name__ == "__main__":
    sys.exit(main())
