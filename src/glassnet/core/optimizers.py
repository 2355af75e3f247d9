"""Optimizers: how to walk downhill on the loss.

The article's recipe for learning: look at the slope of the loss with respect to a
weight, hop downhill by an amount that grows with the slope, take a smaller hop when
you overshoot, do it for every weight, and repeat. Each optimizer here is a version
of that recipe. They know nothing about networks: they receive the list of parameter
arrays and, for each, its slope (gradient), and update the arrays in place.

- ``SlopeDescent`` is the article's method exactly: one weight at a time, its slope
  measured by nudging it, a hop proportional to the slope, and a halved hop size for
  a weight whose slope changed sign (it overshot the bottom). Slow: two loss
  evaluations per weight per step. For small networks and for understanding.
- ``SGD`` uses the slopes backpropagation gives for every weight at once:
  ``w -= learning_rate * slope``. With ``momentum`` each weight keeps a velocity, so
  steady slopes speed it up and zig-zags cancel out; ``nesterov`` looks ahead.
- ``Adam`` gives each weight its own step size from running averages of its slope
  and squared slope: large steps where slopes are small and steady, small ones where
  they are large or noisy. A good default that needs little tuning.

SGD and Adam see every weight and bias as one flat vector, ``flat(gradients)``, so
each line of their update is one NumPy call for the whole network (see speed.py).
Their state (velocities, averages, step sizes) is kept the same way, one number per
parameter, and can be saved with ``state_dict()`` and restored with
``load_state_dict()`` for checkpoints. The default learning rates are the one table
in ``defaults.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, shown
from . import speed
from .checks import fraction, positive
from .defaults import DEFAULT_LEARNING_RATES
from .gradcheck import numerical_slope
from .optimizer_state import OptimizerState
from .speed import add_flat, flat, flush_tiny, pieces

Array = NDArray[np.floating]
LossOf = Callable[[], float]


class Optimizer(OptimizerState):
    """Updates parameter arrays in place from their gradients.

    What it remembers between steps (velocities, running averages, hop sizes) is
    kept by ``OptimizerState``, one number per parameter.
    """

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

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({settings})"



class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Without momentum: ``w -= learning_rate * g``. With momentum ``mu`` each weight
    keeps a velocity ``v``:

        v = mu * v - learning_rate * g
        w += v                              (classical)
        w += mu * v - learning_rate * g     (Nesterov: the step after this one, now)
    """

    name = "sgd"

    def __init__(self, learning_rate: float = DEFAULT_LEARNING_RATES["sgd"],
                 momentum: float = 0.0, nesterov: bool = False):
        self.learning_rate = positive("learning_rate", learning_rate)
        self.momentum = fraction("momentum", momentum)
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0:
            raise ConfigError("nesterov needs a momentum above 0")
        self.reset()

    def step(self, parameters, gradients, loss_of=None) -> None:
        if gradients is None:
            raise ConfigError("SGD needs gradients")
        rate, mu = self.learning_rate, self.momentum
        g = flat(gradients)  # every slope, end to end (n_parameters,)
        step = np.multiply(g, rate, out=self._scratch_space(parameters))  # rate * g
        if not mu:
            add_flat(parameters, np.negative(step, out=step))  # w -= rate * g
        else:
            velocity = self._slot("velocity", parameters)
            velocity *= mu
            velocity -= step  # v = mu * v - rate * g
            add_flat(parameters, mu * velocity - step if self.nesterov else velocity)
            if (self.step_count + 1) % speed.FLUSH_EVERY == 0:
                flush_tiny(velocity)
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
        learning_rate: float = DEFAULT_LEARNING_RATES["adam"],
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
    ):
        self.learning_rate = positive("learning_rate", learning_rate)
        self.beta1 = fraction("beta1", beta1)
        self.beta2 = fraction("beta2", beta2)
        self.epsilon = positive("epsilon", epsilon)
        self.reset()

    def step(self, parameters, gradients, loss_of=None) -> None:
        if gradients is None:
            raise ConfigError("Adam needs gradients")
        b1, b2 = self.beta1, self.beta2
        m, v = self._slot("m", parameters), self._slot("v", parameters)  # (n_parameters,)
        self.step_count += 1
        t = self.step_count
        g = flat(gradients)  # every slope, end to end (n_parameters,)
        s = self._scratch_space(parameters)  # each line's intermediate values (n_parameters,)
        # The averages, each written as a move toward its new value: m += (1 - b1)(g - m)
        np.subtract(g, m, out=s)
        s *= 1.0 - b1
        m += s  # m = b1 * m + (1 - b1) * g
        np.multiply(g, g, out=s)
        s -= v
        s *= 1.0 - b2
        v += s  # v = b2 * v + (1 - b2) * g**2
        # Both bias corrections folded into the step size and epsilon. (Plain Python
        # numbers: a NumPy float64 would compute a float32 network's step in float64.)
        correction = math.sqrt(1.0 - b2**t)
        rate = self.learning_rate * correction / (1.0 - b1**t)
        eps = self.epsilon * correction
        np.sqrt(v, out=s)
        s += eps
        np.divide(m, s, out=s)
        s *= -rate
        add_flat(parameters, s)  # w -= rate * m / (sqrt(v) + eps)
        if t % speed.FLUSH_EVERY == 0:
            flush_tiny(m)
            flush_tiny(v)

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "learning_rate": self.learning_rate, "beta1": self.beta1,
                "beta2": self.beta2, "epsilon": self.epsilon}


class SlopeDescent(Optimizer):
    """The article's method: one weight at a time, by its measured slope.

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

    def __init__(self, learning_rate: float = DEFAULT_LEARNING_RATES["slope_descent"],
                 shrink: float = 0.5, nudge: float = 1e-4):
        self.learning_rate = positive("learning_rate", learning_rate)
        self.shrink = positive("shrink", shrink)
        if self.shrink >= 1:
            raise ConfigError("shrink must be below 1: an overshoot takes a smaller hop")
        self.nudge = positive("nudge", nudge)
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
        shapes = [p.shape for p in parameters]
        hop_sizes = self._slot("hop_size", parameters)
        if self.step_count == 0:
            hop_sizes.fill(self.learning_rate)
        previous_slopes = self._slot("previous_slope", parameters)
        for p, hop, before in zip(parameters, pieces(hop_sizes, shapes),
                                  pieces(previous_slopes, shapes), strict=True):
            for index in np.ndindex(p.shape):
                slope = numerical_slope(loss_of, p, index, self.nudge)
                if slope * before[index] < 0:  # overshot: the valley floor is behind us
                    hop[index] *= self.shrink
                p[index] -= hop[index] * slope
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
        raise ConfigError(f"unknown optimizer {shown(name)}; choose one of: {valid}") from None
    try:
        return cls(**settings)
    except TypeError as error:
        raise ConfigError(f"invalid setting for {name}: {error}") from None


__all__ = ["Optimizer", "SGD", "Adam", "SlopeDescent", "OPTIMIZERS", "get_optimizer"]
