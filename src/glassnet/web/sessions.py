"""Browser sessions: each visitor gets their own network, training and experiments.

Two people using the same explorer (a teacher's laptop shown to a class, say) must
not see each other's training or overwrite each other's network. So each browser
gets a session, named by a random token (``secrets.token_urlsafe``) kept in a
cookie. A session holds:

- the network the visitor draws against (at first a copy of the server's), and a
  version number that goes up each time it is replaced;
- at most one live training (see ``livetraining``);
- the hand-set 0-vs-1 network and the one-weight slope lab.

The server keeps at most ``max_sessions``; making one more evicts the one idle the
longest (stopping its training, if any), so no number of visitors can exhaust the
machine.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..network import Network
from .handset import HandSetNetwork
from .livetraining import LiveTraining
from .slopelab import SlopeLab

COOKIE_NAME = "glassnet_session"
TOKEN_BYTES = 32


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
        The most sessions kept at once; the longest idle is evicted for a new one.
    """

    def __init__(self, make_session: Callable[[str], Session], max_sessions: int = 16) -> None:
        if max_sessions < 1:
            raise ValueError("max_sessions must be at least 1")
        self.make_session = make_session
        self.max_sessions = max_sessions
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, token: str | None) -> tuple[Session, bool]:
        """The session of this token, or a new one; returns (session, created)."""
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
        """Forget the session idle the longest, preferring one that is not training."""
        candidates = sorted(self._sessions.values(),
                            key=lambda s: (s.is_training, s.last_seen))
        oldest = candidates[0]
        oldest.close()
        del self._sessions[oldest.token]

    def trainings_running(self) -> int:
        """How many sessions are training right now."""
        with self._lock:
            return sum(1 for s in self._sessions.values() if s.is_training)

    def close_all(self) -> None:
        """Stop every training (at server shutdown)."""
        with self._lock:
            for session in self._sessions.values():
                session.close()

    def info(self) -> dict[str, Any]:
        return {"sessions": len(self._sessions), "max_sessions": self.max_sessions}


__all__ = ["Session", "SessionStore", "COOKIE_NAME"]
