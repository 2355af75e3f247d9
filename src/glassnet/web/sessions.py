"""Browser sessions: each visitor gets their own network, training and experiments.

Two people using the same explorer (a teacher's laptop shown to a class, say) must
not see each other's training or overwrite each other's network. So each browser
gets a session, named by a random token (``secrets.token_urlsafe``) kept in a
cookie. A session holds:

- the network the visitor draws against (at first a copy of the server's), its
  test accuracy, and a version number that goes up each time it is replaced;
- where that network came from (``Origin``: the server's start, a training with
  these settings, a saved run), so a shared link can make the same weights again;
- the network it replaced (``previous``), so a training that made things worse
  costs one click ("back to the previous network"), never the network one had;
- at most one live training (see ``livetraining``);
- the hand-set 0-vs-1 network and the one-weight slope lab.

Who may make a session, and who may lose one:

- only a request that writes (a POST) makes a session. A read-only request without
  a live session's cookie (the first GETs of a page, or another web site's ``<img>``
  tags, which a browser sends without a ``SameSite=strict`` cookie) is answered from
  one shared, read-only *default view* of the server's network, and makes nothing.
  Another site cannot POST at all: the request guard refuses its ``Origin``;
- the server keeps at most ``max_sessions``. A new session may take the place of
  one only if that one is not training and has been idle for ``idle_seconds``
  (10 minutes by default); otherwise the newcomer is refused (``ServerBusy``: 503
  with ``Retry-After``), so no stranger can push a real user out;
- the training limit is global: the store counts every training it started that is
  still running, and starts one only for a session it still holds.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..core.network import Network
from ..errors import ServerBusy, SessionConflict
from ..store.modelfile import array_checksum
from .handset import HandSetNetwork
from .livetraining import LiveTraining
from .slopelab import SlopeLab

COOKIE_NAME = "glassnet_session"
TOKEN_BYTES = 32


ORIGIN_KINDS = ("start", "trained", "edited")


@dataclass(frozen=True)
class Origin:
    """Where a network came from: what a shared link needs to make the same weights again.

    A network is reproducible from its origin only while its weights are the ones it
    came with, so the origin keeps their checksum (``weights_sha256``, as
    ``store.modelfile.array_checksum`` computes it). Any change in place (a weight set
    by hand, a backpropagation step, a neuron switched off) makes the weights differ
    from it, and then the network is reported as "edited"; Reset or Undo, which bring
    the weights back, bring the origin back with them, with no bookkeeping per route.

    Attributes
    ----------
    kind : str
        "start" (the server's starting network), "trained" (a training of this
        explorer, or a saved run loaded again) or "edited" (anything that no
        settings replay: a network trained on the learner's drawings, say).
    settings : dict or None
        ``RunSettings.to_dict()`` of a training that makes these weights again
        (the seed included), or None if none is known.
    run_id : int or None
        The run in the server's runs database whose saved model holds these weights.
    weights_sha256 : str or None
        The checksum of the weights the network came with.
    """

    kind: str
    settings: dict[str, Any] | None = None
    run_id: int | None = None
    weights_sha256: str | None = None

    @classmethod
    def of(cls, network: Network, kind: str, settings: dict[str, Any] | None = None,
           run_id: int | None = None) -> Origin:
        """The origin of ``network`` as it is now (its checksum is taken here)."""
        if kind not in ORIGIN_KINDS:
            raise ValueError(f"kind must be one of {ORIGIN_KINDS}, not {kind!r}")
        return cls(kind, settings, run_id, array_checksum(network.parameters()))

    def report(self, weights_sha256: str) -> dict[str, Any]:
        """What ``GET /api/network`` says, for weights whose checksum is ``weights_sha256``."""
        if self.kind == "edited" or weights_sha256 != self.weights_sha256:
            return {"kind": "edited", "settings": None, "run_id": None}
        return {"kind": self.kind, "settings": self.settings, "run_id": self.run_id}


EDITED = Origin("edited")
"""The origin of a network that no settings or saved run make again."""


@dataclass(frozen=True)
class HeldNetwork:
    """A network a session may go back to, with what the page shows about it."""

    network: Network
    loss: str
    test_accuracy: float | None
    origin: Origin = EDITED


@dataclass
class Session:
    """One browser's own network, training and experiments.

    ``lock`` guards changes to the network, the hand-set network and the slope lab:
    requests of the same browser may run at the same time in different threads.
    """

    token: str
    network: Network
    handset: HandSetNetwork
    origin: Origin = EDITED
    version: int = 1
    test_accuracy: float | None = None
    previous: HeldNetwork | None = None
    training: LiveTraining | None = None
    slope_lab: SlopeLab | None = None
    #: The weights before each backpropagation step on this network, newest last.
    backprop_undo: list[list[Any]] = field(default_factory=list)
    #: The network's weights before its first change in place (a poke or a step), for Reset.
    trained_weights: list[Any] | None = None
    #: The test accuracy it had then.
    trained_accuracy: float | None = None
    loss: str = "cross_entropy"
    last_seen: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def is_training(self) -> bool:
        return self.training is not None and self.training.active

    def adopt(self, network: Network, loss: str, test_accuracy: float | None = None,
              origin: Origin = EDITED) -> int:
        """Make ``network`` the one this browser draws against; returns the new version.

        The network it replaces becomes ``previous`` (one step back is kept).
        ``origin`` says how to make it again (default: it cannot be).
        """
        with self.lock:
            self.previous = self._held()
            return self._hold(HeldNetwork(network, loss, test_accuracy, origin))

    def note_run_id(self, network: Network, run_id: int) -> None:
        """``network``, adopted before its run was recorded, is saved as run ``run_id``."""
        with self.lock:
            if self.network is network:
                self.origin = replace(self.origin, run_id=run_id)
            elif self.previous is not None and self.previous.network is network:
                self.previous = replace(self.previous,
                                        origin=replace(self.previous.origin, run_id=run_id))

    def swap_with_previous(self) -> int:
        """Go back to the previous network (the current one becomes ``previous``).

        Returns the new version. Raises SessionConflict if there is none yet.
        """
        with self.lock:
            if self.previous is None:
                raise SessionConflict("there is no previous network yet: train one first")
            back = self.previous
            self.previous = self._held()
            return self._hold(back)

    def _held(self) -> HeldNetwork:
        """The network drawn against now, to keep as ``previous`` (call with the lock held)."""
        return HeldNetwork(self.network, self.loss, self.test_accuracy, self.origin)

    def _hold(self, held: HeldNetwork) -> int:
        """Draw against ``held`` from now on (call with the lock held)."""
        self.network, self.loss, self.test_accuracy = held.network, held.loss, held.test_accuracy
        self.origin = held.origin
        self.version += 1
        self.slope_lab = None  # it measured the network that is gone
        self.backprop_undo = []  # steps taken on the network that is gone
        self.trained_weights = self.trained_accuracy = None
        return self.version

    def remember_trained(self) -> None:
        """Keep the weights as they are, before a first change in place (call with the lock)."""
        if self.trained_weights is None:
            self.trained_weights = self.network.get_parameters()
            self.trained_accuracy = self.test_accuracy

    def weights_changed(self, test_accuracy: float | None) -> int:
        """The network's own weights were changed in place (a backprop step, or undo).

        Returns the new version, so the page draws the network again. Call with the
        lock held.
        """
        self.version += 1
        self.test_accuracy = test_accuracy
        self.slope_lab = None  # it measured the weights that are gone
        return self.version

    def close(self) -> None:
        """Stop this session's training, if any (used when it is evicted)."""
        if self.training is not None:
            self.training.stop()


IDLE_SECONDS = 600.0
"""How long a session must go unused before a new one may take its place (10 min)."""

BUSY_RETRY_SECONDS = 10
"""The ``Retry-After`` given when every session is training (no better guess exists)."""


class SessionStore:
    """At most ``max_sessions`` sessions, found by their cookie token, and their trainings.

    Parameters
    ----------
    make_session : callable
        ``make_session(token) -> Session``: a fresh session for a new browser.
    max_sessions : int
        The most sessions kept at once.
    max_trainings : int
        The most trainings running at once, over all sessions.
    idle_seconds : float
        A session unused this long, and not training, may be evicted for a new one.
    clock : callable
        Monotonic seconds (``time.monotonic``; tests pass a fake one).
    """

    def __init__(self, make_session: Callable[[str], Session], max_sessions: int = 16,
                 max_trainings: int = 2, idle_seconds: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_sessions < 1:
            raise ValueError("max_sessions must be at least 1")
        self.make_session = make_session
        self.max_sessions = max_sessions
        self.max_trainings = max_trainings
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._trainings: list[LiveTraining] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def find(self, token: str | None) -> Session | None:
        """The live session of this token (marked as used now), or None."""
        with self._lock:
            session = self._sessions.get(token) if token else None
            if session is not None:
                session.last_seen = self.clock()
            return session

    def create(self) -> Session:
        """A new session, in place of one long idle if the store is full.

        Raises
        ------
        ServerBusy
            If the store is full and every session is training or was used in the
            last ``idle_seconds``; ``retry_after`` says when one may become free.
        """
        with self._lock:
            if len(self._sessions) >= self.max_sessions:
                self._evict_one_idle()
            token = secrets.token_urlsafe(TOKEN_BYTES)
            session = self.make_session(token)
            session.last_seen = self.clock()
            self._sessions[token] = session
            return session

    def discard(self, session: Session) -> None:
        """Forget ``session`` (a request that made it failed before it was handed out)."""
        with self._lock:
            if self._sessions.get(session.token) is session:
                session.close()
                del self._sessions[session.token]

    def _evict_one_idle(self) -> None:
        now = self.clock()
        idle = [s for s in self._sessions.values() if not s.is_training]
        oldest = min(idle, key=lambda s: s.last_seen, default=None)
        if oldest is None or now - oldest.last_seen < self.idle_seconds:
            wait = (BUSY_RETRY_SECONDS if oldest is None
                    else math.ceil(oldest.last_seen + self.idle_seconds - now))
            raise ServerBusy(f"the explorer is full: all {self.max_sessions} of its sessions "
                             f"are training or were used in the last "
                             f"{self.idle_seconds / 60:g} minutes; try again in {max(1, wait)} s",
                             retry_after=max(1, wait))
        oldest.close()
        del self._sessions[oldest.token]

    def start_training(self, session: Session, make_job: Callable[[], LiveTraining]
                       ) -> LiveTraining:
        """Make ``make_job()`` the training of ``session`` and start it, if allowed.

        Raises
        ------
        SessionConflict
            If ``session`` is already training (one at a time per browser), or if
            the store no longer holds it: a training there would be an orphan no
            one can see or stop.
        ServerBusy
            If ``max_trainings`` trainings are running, counting every one started.
        """
        with self._lock:
            if self._sessions.get(session.token) is not session:
                raise SessionConflict("this browser's session was closed while the request "
                                     "arrived; reload the page")
            with session.lock:
                if session.is_training:
                    if getattr(session.training, "state", None) == "stopping":
                        raise SessionConflict("the last training is stopping after its "
                                              "current epoch; start again in a moment")
                    raise SessionConflict("a training is already running in this session; "
                                           "stop it first")
                if self._running_trainings() >= self.max_trainings:
                    raise ServerBusy("the server is busy training for other visitors; try "
                                     "again in a moment", retry_after=BUSY_RETRY_SECONDS)
                job = make_job()
                session.training = job
                self._trainings.append(job)
                job.start()
                return job

    def _running_trainings(self) -> int:
        self._trainings = [job for job in self._trainings if job.active]
        return len(self._trainings)

    def trainings_running(self) -> int:
        """How many trainings are running right now, over every session."""
        with self._lock:
            return self._running_trainings()

    def close_all(self) -> None:
        """Stop every training (at server shutdown)."""
        with self._lock:
            for job in self._trainings:
                job.stop()
            for session in self._sessions.values():
                session.close()

    def info(self) -> dict[str, Any]:
        return {"sessions": len(self._sessions), "max_sessions": self.max_sessions}


__all__ = ["Session", "HeldNetwork", "Origin", "EDITED", "ORIGIN_KINDS", "SessionStore",
           "COOKIE_NAME", "IDLE_SECONDS"]
