"""Optimizers: how to walk downhill on the loss.

The source's recipe for learning: look at the slope of the loss with respect to a
weight, hop downhill by an amount that grows with the slope, take a smaller hop when
you overshoot, do it for every weight, and repeat. Each optimizer here is a version
of that recipe. They know nothing about networks: they receive the list of parameter
arrays and, for each, its slope (gradient), and update the arrays in place.

- ``SlopeDescent`` is the source's method exactly: one weight at a time, its slope
  measured by nudging it, a hop proportional to the slope, and a halved hop size for
  a weight whose slope changed sign (it overshot the bottom). Slow: two loss
  evaluations per weight per step. For small networks and for understanding.
- ``SGD`` uses the slopes backpropagation gives for every weight at once:
  ``w -= learning_rate * slope``. With ``momentum`` each weight keeps a velocity, so
  steady slopes speed it up and zig-zags cancel out; ``nesterov`` looks ahead.
- ``Adam`` gives each weight its own step size from running averages of its slope
  and squared slope: large steps where slopes are small and steady, small ones where
  they are large or noisy. A good default that needs little tuning.

Every optimizer's state (velocities, averages, step sizes) can be saved with
``state_dict()`` and restored with ``load_state_dict()`` for checkpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import ConfigError, DataError
from .gradcheck import numerical_slope

Array = NDArray[np.floating]
LossOf = Callable[[], float]


class Optimizer:
    """Updates parameter arrays in place from their gradients."""

    name: str = ""
    #: False for optimizers that measure slopes themselves (training then skips backprop).
    needs_gradients: bool = True

    def step(
        self,
        parameters: Sequence[Array],
        gradients: Sequence[Array] | None,
        loss_of: LossOf | None = None,
    ) -> None:
        """Move every parameter one step downhill (in place)."""
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        """The settings, as a plain dict that ``get_optimizer`` can rebuild from."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """Everything the optimizer has learned so far (arrays copied)."""
        slots = {name: [array.copy() for array in arrays] for name, arrays in self._slots.items()}
        return {"step_count": self.step_count, "slots": slots}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        try:
            self.step_count = int(state["step_count"])
            self._slots = {k: [np.array(a) for a in v] for k, v in state["slots"].items()}
        except (KeyError, TypeError, ValueError) as error:
            raise DataError(f"invalid optimizer state: {error}") from None

    def reset(self) -> None:
        """Forget all state, as if freshly made."""
        self.step_count = 0
        self._slots: dict[str, list[Array]] = {}

    def _slot(self, name: str, parameters: Sequence[Array]) -> list[Array]:
        """Per-parameter arrays of state (zeros at first), e.g. the momentum velocities."""
        slot = self._slots.get(name)
        if slot is None or len(slot) != len(parameters) or any(
            s.shape != p.shape for s, p in zip(slot, parameters, strict=False)
        ):
            slot = [np.zeros_like(p) for p in parameters]
            self._slots[name] = slot
        return slot

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({settings})"


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be a positive number, got {value}")
    return value


def _fraction(name: str, value: float) -> float:
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ConfigError(f"{name} must be in [0, 1), got {value}")
    return value


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Without momentum: ``w -= learning_rate * g``. With momentum ``mu`` each weight
    keeps a velocity ``v``:

        v = mu * v - learning_rate * g
        w += v                              (classical)
        w += mu * v - learning_rate * g     (Nesterov: the step after this one, now)
    """

    name = "sgd"

    def __init__(self, learning_rate: float = 0.1, momentum: float = 0.0, nesterov: bool = False):
        self.learning_rate = _positive("learning_rate", learning_rate)
        self.momentum = _fraction("momentum", momentum)
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0:
            raise ConfigError("nesterov needs a momentum above 0")
        self.reset()

    def step(self, parameters, gradients, loss_of=None) -> None:
        if gradients is None:
            raise ConfigError("SGD needs gradients")
        rate = self.learning_rate
        if self.momentum == 0:
            for p, g in zip(parameters, gradients, strict=True):
                p -= rate * g
        else:
            mu = self.momentum
            velocities = self._slot("velocity", parameters)
            for p, g, v in zip(parameters, gradients, velocities, strict=True):
                v *= mu
                v -= rate * g
                if self.nesterov:
                    p += mu * v - rate * g
                else:
                    p += v
        self.step_count += 1

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "learning_rate": self.learning_rate,
                "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam: a step size per weight from running averages of its slopes.

        m = beta1 * m + (1 - beta1) * g          average slope
        v = beta2 * v + (1 - beta2) * g**2       average squared slope
        w -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    where ``m_hat = m / (1 - beta1**t)`` and ``v_hat = v / (1 - beta2**t)`` undo the
    pull toward 0 of averages that start at 0 (t counts steps from 1).
    """

    name = "adam"

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
    ):
        self.learning_rate = _positive("learning_rate", learning_rate)
        self.beta1 = _fraction("beta1", beta1)
        self.beta2 = _fraction("beta2", beta2)
        self.epsilon = _positive("epsilon", epsilon)
        self.reset()

    def step(self, parameters, gradients, loss_of=None) -> None:
        if gradients is None:
            raise ConfigError("Adam needs gradients")
        self.step_count += 1
        t = self.step_count
        b1, b2 = self.beta1, self.beta2
        # Fold both bias corrections into one step size.
        rate = self.learning_rate * np.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        eps = self.epsilon * np.sqrt(1.0 - b2**t)
        firsts = self._slot("m", parameters)
        seconds = self._slot("v", parameters)
        for p, g, m, v in zip(parameters, gradients, firsts, seconds, strict=True):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            p -= rate * m / (np.sqrt(v) + eps)

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "learning_rate": self.learning_rate, "beta1": self.beta1,
                "beta2": self.beta2, "epsilon": self.epsilon}


class SlopeDescent(Optimizer):
    """The source's method: one weight at a time, by its measured slope.

    For each weight in turn: measure the slope of the loss by nudging that weight
    (``numerical_slope``), then hop downhill by ``hop_size * slope``. Every weight has
    its own hop size, starting at ``learning_rate``; when a weight's slope changes
    sign from one step to the next it has jumped over the bottom of the valley, so its
    hop size is multiplied by ``shrink`` (halved by default) and it hops back smaller.

    The slopes are measured on the current batch, after the previous weights have
    already moved: truly one weight at a time. Two loss evaluations per weight make
    it slow, so keep it to small networks (the 0-vs-1 network has 65 to 130 weights).
    """

    name = "slope_descent"
    needs_gradients = False

    def __init__(self, learning_rate: float = 0.5, shrink: float = 0.5, nudge: float = 1e-4):
        self.learning_rate = _positive("learning_rate", learning_rate)
        self.shrink = _positive("shrink", shrink)
        if self.shrink >= 1:
            raise ConfigError("shrink must be below 1: an overshoot takes a smaller hop")
        self.nudge = _positive("nudge", nudge)
        self.reset()

    def slopes(self, parameters: Sequence[Array], loss_of: LossOf) -> list[Array]:
        """The measured slope of every weight, all at the current point (nothing moves)."""
        result = []
        for p in parameters:
            slope = np.empty_like(p)
            for index in np.ndindex(p.shape):
                slope[index] = numerical_slope(loss_of, p, index, self.nudge)
            result.append(slope)
        return result

    def step(self, parameters, gradients=None, loss_of=None) -> None:
        if loss_of is None:
            raise ConfigError("SlopeDescent needs loss_of, a function computing the current loss")
        hop_sizes = self._slot("hop_size", parameters)
        previous = self._slot("previous_slope", parameters)
        if self.step_count == 0:
            for h in hop_sizes:
                h.fill(self.learning_rate)
        for p, h, before in zip(parameters, hop_sizes, previous, strict=True):
            for index in np.ndindex(p.shape):
                slope = numerical_slope(loss_of, p, index, self.nudge)
                if slope * before[index] < 0:  # overshot: the valley floor is behind us
                    h[index] *= self.shrink
                p[index] -= h[index] * slope
                before[index] = slope
        self.step_count += 1

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "learning_rate": self.learning_rate,
                "shrink": self.shrink, "nudge": self.nudge}


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Adam, SlopeDescent)}


def get_optimizer(name: str | Optimizer, **settings: Any) -> Optimizer:
    """Make an optimizer from its name and settings (an Optimizer passes straight through).

    Raises
    ------
    ConfigError
        If the name is unknown (the message lists valid names) or a setting is invalid.
    """
    if isinstance(name, Optimizer):
        return name
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        valid = ", ".join(OPTIMIZERS)
        raise ConfigError(f"unknown optimizer {name!r}; choose one of: {valid}") from None
    try:
        return cls(**settings)
    except TypeError as error:
        raise ConfigError(f"invalid setting for {name}: {error}") from None


__all__ = ["Optimizer", "SGD", "Adam", "SlopeDescent", "OPTIMIZERS", "get_optimizer"]
