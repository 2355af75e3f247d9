"""Live training: a network learning in a worker thread, watched epoch by epoch.

The page wants to *watch* training: see the loss fall after every epoch, pause to
look at the weight pictures, take one more epoch, or stop when it is good enough.
Training itself is the ordinary ``glassnet.app.experiment.run`` (the same recipe as
``glassnet train``); the live part is only a callback that runs after each epoch:

1. it publishes an ``epoch`` event (losses, accuracies and, now and then, the first
   layer's weights as pictures);
2. if the user pressed *pause*, it waits, doing nothing, until *resume*, *step* or
   *stop* (the state is "paused" only while it really waits); *step* lets exactly
   one more epoch run, then pauses again;
3. it returns False after *stop*, which ends training at the end of this epoch
   (the network keeps what it learned).

Events are appended to a list with increasing ids. The server's event stream reads
them from any id onwards, so a browser that reconnects misses nothing. When the run
ends, a ``done`` event carries the test accuracy, the confusion matrix and the
mistakes; a ``failed`` event carries the message of an error (a diverging loss).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..app.experiment import RunResult, RunSettings, run, split_data
from ..core.json_values import plain
from ..core.network import Network
from ..data.dataset import Dataset
from ..errors import GlassnetError, TrainingDiverged
from ..training import History
from .axes import axis_ticks

WEIGHT_PICTURE_INTERVAL = 0.25
"""Seconds between two epoch events that carry the weight pictures (they are large)."""

MAX_MISTAKES_SHOWN = 24
"""How many misclassified test images the ``done`` event carries."""

STATES = ("running", "paused", "stopping", "finished", "failed")


class LiveTraining:
    """One training run in a worker thread, controllable while it runs.

    Parameters
    ----------
    settings : RunSettings
        Everything about the run (see ``glassnet.app.experiment``).
    data : Dataset
        The whole data set; ``run`` splits off the test images itself.
    on_finished : callable, optional
        Called in the worker thread with the ``RunResult`` when training ends well,
        before the ``done`` event is published (the session adopts the network
        there and records the run). May return a dict merged into the event.
    pace : float
        Seconds to wait after each epoch, so a small network that learns in a second
        can still be watched (and paused) epoch by epoch. 0 trains at full speed.

    Attributes
    ----------
    state : str
        "running", "paused", "stopping", "finished" or "failed".
    """

    def __init__(
        self,
        settings: RunSettings,
        data: Dataset,
        on_finished: Callable[[RunResult], dict[str, Any] | None] | None = None,
        *,
        pace: float = 0.0,
    ) -> None:
        self.settings = settings
        self.pace = float(pace)
        self.data = data
        self.on_finished = on_finished
        self.state = "running"
        self.result: RunResult | None = None
        self.error: str | None = None
        self._events: list[dict[str, Any]] = []
        self._condition = threading.Condition()
        self._pause_requested = False
        self._stop_requested = False
        self._last_pictures = 0.0
        self._thread = threading.Thread(target=self._work, name="glassnet-live-training",
                                        daemon=True)

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        """Start the worker thread (training begins at once)."""
        self._publish("started", {"settings": self.settings.to_dict()})
        self._thread.start()

    @property
    def active(self) -> bool:
        """True while the worker thread has not finished."""
        return self.state in ("running", "paused", "stopping")

    def pause(self) -> None:
        """Pause at the end of the current epoch (the state becomes "paused" then)."""
        with self._condition:
            if self.state == "running":
                self._pause_requested = True
                self._condition.notify_all()  # cut a pace's wait short

    def resume(self) -> None:
        """Carry on after a pause."""
        with self._condition:
            self._pause_requested = False
            if self.state == "paused":
                self._set_state("running")

    def step(self) -> None:
        """Run exactly one more epoch, then pause (while running: pause after this epoch)."""
        with self._condition:
            if self.state in ("paused", "running"):
                self._pause_requested = True
                if self.state == "paused":
                    self._set_state("running")
                self._condition.notify_all()

    def stop(self) -> None:
        """End training after the current epoch; the network keeps what it learned."""
        with self._condition:
            if self.active:
                self._stop_requested = True
                self._set_state("stopping")

    def join(self, timeout: float | None = None) -> None:
        """Wait for the worker thread to end."""
        if self._thread.is_alive():
            self._thread.join(timeout)

    # ------------------------------------------------------------------ events
    def events_after(self, last_id: int) -> list[dict[str, Any]]:
        """Every event with an id greater than ``last_id``, oldest first."""
        with self._condition:
            return [event for event in self._events if event["id"] > last_id]

    def wait_for_event(self, last_id: int, timeout: float) -> None:
        """Block up to ``timeout`` seconds until there is an event after ``last_id``."""
        with self._condition:
            self._condition.wait_for(
                lambda: bool(self._events) and self._events[-1]["id"] > last_id, timeout
            )

    def status(self) -> dict[str, Any]:
        """The state and every epoch so far (for a page that reconnects)."""
        with self._condition:
            epochs = [{k: v for k, v in e["data"].items() if k != "weights"}
                      for e in self._events if e["event"] == "epoch"]
            finished = [e for e in self._events if e["event"] in ("done", "failed")]
            last_id = self._events[-1]["id"] if self._events else 0
            state = self.state
        return {
            "state": state,
            "settings": self.settings.to_dict(),
            "epochs": epochs,
            "loss_axes": self._loss_axes(epochs),
            "last_event_id": last_id,
            "outcome": finished[-1]["data"] if finished else None,
        }

    def _loss_axes(self, epochs: list[dict[str, Any]]) -> dict[str, Any]:
        """The axes of a chart of the losses so far: epochs 1 to the last one planned
        (the line grows across it), and losses from 0 to a little above the highest."""
        planned = max(len(epochs), self.settings.epochs)
        losses = [e[key] for e in epochs for key in ("train_loss", "validation_loss")
                  if isinstance(e.get(key), float) and np.isfinite(e[key])]
        top = 1.05 * max(losses) if losses and max(losses) > 0 else 1.0
        return {"x_axis": {"low": 1, "high": planned,
                           "ticks": axis_ticks(1, planned, 6, whole=True)},
                "y_axis": {"low": 0.0, "high": top, "ticks": axis_ticks(0.0, top)}}

    # ------------------------------------------------------------------ the worker
    def _work(self) -> None:
        try:
            result = run(self.settings, self.data, callbacks=[self._after_epoch],
                         catch_interrupt=False)
            extra = self.on_finished(result) if self.on_finished else None
        except TrainingDiverged as error:
            # Never adopted: the page keeps the network it had, and says so.
            self._finish("failed", {"error": f"{error.problem} The explorer keeps the network "
                                             "it had.", "diverged": True})
            return
        except GlassnetError as error:
            self._finish("failed", {"error": str(error)})
            return
        except Exception as error:  # noqa: BLE001 - a worker must report, never vanish
            message = f"training failed unexpectedly ({type(error).__name__})"
            self._finish("failed", {"error": message})
            return
        self.result = result
        outcome = finished_summary(result, self.data)
        outcome.update(extra or {})
        self._finish("finished", outcome)

    def _after_epoch(self, history: History, network: Network) -> bool:
        now = time.monotonic()
        with_pictures = now - self._last_pictures >= WEIGHT_PICTURE_INTERVAL
        if with_pictures:
            self._last_pictures = now
        self._publish("epoch", epoch_summary(history, network, with_pictures))
        with self._condition:
            if self.pace > 0:  # a watchable pace; pause and stop still answer at once
                self._condition.wait_for(
                    lambda: self._stop_requested or self._pause_requested, self.pace)
            if self._pause_requested and not self._stop_requested:
                self._pause_requested = False
                self._set_state("paused")
                self._condition.wait_for(lambda: self.state != "paused")
            return not self._stop_requested

    def _finish(self, state: str, data: dict[str, Any]) -> None:
        with self._condition:
            self.state = state
            if state == "failed":
                self.error = data.get("error")
        self._publish("done" if state == "finished" else "failed", data)

    def _set_state(self, state: str) -> None:
        """Change state and tell the stream (call with the condition held)."""
        self.state = state
        self._append("state", {"state": state})
        self._condition.notify_all()

    def _publish(self, kind: str, data: dict[str, Any]) -> None:
        with self._condition:
            self._append(kind, data)
            self._condition.notify_all()

    def _append(self, kind: str, data: dict[str, Any]) -> None:
        event_id = self._events[-1]["id"] + 1 if self._events else 1
        if "weights" in data:  # only the newest weight pictures are worth their memory
            for event in self._events:
                if "weights" in event["data"]:
                    event["data"] = {k: v for k, v in event["data"].items() if k != "weights"}
        self._events.append({"id": event_id, "event": kind, "data": data})


def first_layer_pictures(network: Network) -> list[list[float]]:
    """The first layer's incoming weights, one list of ``n_inputs`` numbers per neuron."""
    return np.round(network.layers[0].W.T, 4).tolist()


def epoch_summary(history: History, network: Network, with_pictures: bool) -> dict[str, Any]:
    """What the page needs after one epoch: the newest losses and accuracies."""
    def last(values: list[float]) -> float | None:
        return round(values[-1], 6) if values else None

    summary: dict[str, Any] = {
        "epoch": history.epochs,
        "train_loss": last(history.train_loss),
        "train_accuracy": last(history.train_accuracy),
        "validation_loss": last(history.validation_loss),
        "validation_accuracy": last(history.validation_accuracy),
    }
    if with_pictures:
        summary["weights"] = first_layer_pictures(network)
    return summary


#: ``History.stop_reason`` as the explorer reports it: "callback" is the Stop button.
_WEB_STOP_REASONS = {"callback": "stopped"}


def finished_summary(result: RunResult, data: Dataset) -> dict[str, Any]:
    """Test accuracy, confusion matrix and some mistakes of a finished run."""
    _, _, test_part = split_data(result.settings, data)
    evaluation = result.test_evaluation
    mistakes = []
    for index in evaluation.mistakes[:MAX_MISTAKES_SHOWN]:
        mistakes.append({
            "image": np.round(test_part.X[index], 4).tolist(),
            "label": plain(evaluation.y_true[index]),
            "guess": plain(evaluation.y_pred[index]),
        })
    return {
        "test_accuracy": evaluation.accuracy,
        "train_accuracy": result.train_evaluation.accuracy,
        "n_test": int(len(evaluation.y_true)),
        "n_mistakes": int(len(evaluation.mistakes)),
        "classes": [plain(c) for c in evaluation.classes],
        "confusion": evaluation.confusion.tolist(),
        "mistakes": mistakes,
        "epochs": result.history.epochs,
        "best_epoch": result.history.best_epoch,
        # Here the only callback that stops training is the Stop button: say so.
        "stop_reason": _WEB_STOP_REASONS.get(result.history.stop_reason,
                                             result.history.stop_reason),
        "seconds": round(result.seconds, 3),
        "weights": first_layer_pictures(result.network),
    }


__all__ = ["LiveTraining", "epoch_summary", "finished_summary", "first_layer_pictures",
           "STATES", "WEIGHT_PICTURE_INTERVAL"]
