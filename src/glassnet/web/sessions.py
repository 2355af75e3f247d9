"""Browser sessions: each visitor gets their own network, training and experiments.

Two people using the same explorer (a teacher's laptop shown to a class, say) must
not see each other's training or overwrite each other's network. So each browser
gets a session, named by a random token (``secrets.token_urlsafe``) kept in a
cookie. A session holds:

- the network the visitor draws against (at first a copy of the server's), and a
  version number that goes up each time it is replaced;
- at most one live training (see ``livetraining``);
- the hand-set 0-vs-1 network and the one-weight slope lab.

Sessions are made only for a browser that *changes* something (trains, hand-sets
weights, follows a slope): reading (the page, drawing a digit to see the guess,
clicking a neuron) needs none, and a browser without a cookie reads the server's
own network. So a hostile web page, whose ``<img>`` tags can send cookie-less GETs
to this machine but cannot POST JSON here (the request guard refuses foreign origins
and anything but JSON), cannot make sessions at all.

The server keeps at most ``max_sessions``. Making one more evicts the one idle the
longest, but never a session that is training or was used in the last
``RECENT_SECONDS``: when every session is in use, the newcomer is refused
(``SessionsFull``, 503) rather than a real user pushed out. Trainings are counted
over the whole server, including those of sessions evicted while their training
stops, and a training is only ever started for a session the store still holds, so
none runs unseen and unstoppable.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import GlassnetError
from ..network import Network
from .handset import HandSetNetwork
from .livetraining import LiveTraining
from .slopelab import SlopeLab

COOKIE_NAME = "glassnet_session"
TOKEN_BYTES = 32
#: A session used within this many seconds is never evicted for a new one.
RECENT_SECONDS = 300.0


class SessionsFull(GlassnetError):
    """Every session is training or in recent use: a new browser must wait (HTTP 503)."""


class SessionGone(GlassnetError):
    """The session was evicted while its request was on the way (HTTP 409)."""


@dataclass
class Session:
    """One browser's own network, training and experiments.

    ``lock`` guards changes to the network, the hand-set network and the slope lab:
    requests of the same browser may run at the same time in different threads.
    """

    token: str
    network: Network
    handset: HandSetNetwork
    version: int = 1
    training: LiveTraining | None = None
    slope_lab: SlopeLab | None = None
    loss: str = "cross_entropy"
    last_seen: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def is_training(self) -> bool:
        return self.training is not None and self.training.active

    def adopt(self, network: Network, loss: str) -> int:
        """Make ``network`` the one this browser draws against; returns the new version."""
        with self.lock:
            self.network = network
            self.loss = loss
            self.version += 1
            self.slope_lab = None
            return self.version

    def close(self) -> None:
        """Stop this session's training, if any (used when it is evicted)."""
        if self.training is not None:
            self.training.stop()


class SessionStore:
    """At most ``max_sessions`` sessions, found by their cookie token.

    Parameters
    ----------
    make_session : callable
        ``make_session(token) -> Session``: a fresh session for a new browser.
    max_sessions : int
        The most sessions kept at once.
    recent_seconds : float, optional
        How long after its last request a session is safe from eviction (default
        ``RECENT_SECONDS``).
    """

    def __init__(self, make_session: Callable[[str], Session], max_sessions: int = 16,
                 recent_seconds: float | None = None) -> None:
        if max_sessions < 1:
            raise ValueError("max_sessions must be at least 1")
        self.make_session = make_session
        self.max_sessions = max_sessions
        self.recent_seconds = RECENT_SECONDS if recent_seconds is None else recent_seconds
        self._sessions: dict[str, Session] = {}
        self._trainings: list[LiveTraining] = []  # every training not yet ended
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def find(self, token: str | None) -> Session | None:
        """The session of this token, if the store holds it (marked as used now)."""
        with self._lock:
            session = self._sessions.get(token) if token else None
            if session is not None:
                session.last_seen = time.monotonic()
            return session

    def get(self, token: str | None) -> tuple[Session, bool]:
        """The session of this token, or a new one; returns (session, created).

        Raises
        ------
        SessionsFull
            If the store is full and every session is training or was used recently.
        """
        with self._lock:
            session = self._sessions.get(token) if token else None
            if session is not None:
                session.last_seen = time.monotonic()
                return session, False
            while len(self._sessions) >= self.max_sessions:
                self._evict_one()
            new_token = secrets.token_urlsafe(TOKEN_BYTES)
            session = self.make_session(new_token)
            self._sessions[new_token] = session
            return session, True

    def _evict_one(self) -> None:
        """Forget the session idle the longest, if one is neither training nor recent."""
        now = time.monotonic()
        idle = [s for s in self._sessions.values()
                if not s.is_training and now - s.last_seen >= self.recent_seconds]
        if not idle:
            raise SessionsFull(
                f"all {self.max_sessions} places of this explorer are in use; try again in a "
                "few minutes"
            )
        oldest = min(idle, key=lambda s: s.last_seen)
        oldest.close()
        del self._sessions[oldest.token]

    def start_training(self, session: Session, make_job: Callable[[], LiveTraining],
                       max_trainings: int) -> LiveTraining | None:
        """Start ``make_job()`` as ``session``'s training, or None when the server is busy.

        Checked under the store's lock, so two requests cannot both take the last
        place, and counted over every training still running on the server.

        Raises
        ------
        SessionGone
            If ``session`` was evicted while the request was arriving.
        """
        with self._lock:
            if self._sessions.get(session.token) is not session:
                raise SessionGone("this browser's session ended while the request was on its "
                                  "way; reload the page")
            self._trainings = [job for job in self._trainings if job.active]
            if len(self._trainings) >= max_trainings:
                return None
            job = make_job()
            session.training = job
            self._trainings.append(job)
            job.start()
            return job

    def trainings_running(self) -> int:
        """How many trainings are running on the server right now."""
        with self._lock:
            self._trainings = [job for job in self._trainings if job.active]
            return len(self._trainings)

    def close_all(self) -> None:
        """Stop every training (at server shutdown)."""
        with self._lock:
            for session in self._sessions.values():
                session.close()
            for job in self._trainings:
                job.stop()

    def info(self) -> dict[str, Any]:
        return {"sessions": len(self._sessions), "max_sessions": self.max_sessions}


__all__ = ["Session", "SessionStore", "SessionsFull", "SessionGone", "COOKIE_NAME",
           "RECENT_SECONDS"]
