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

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, DataError
from .flatarrays import pieces, whole_vector
from .gradcheck import numerical_slope

Array = NDArray[np.floating]
LossOf = Callable[[], float]

#: How often (in steps) SGD and Adam set state too small to matter to 0 (``_flush_tiny``).
FLUSH_EVERY = 16


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
        """Everything the optimizer has learned so far: per slot, one copy per parameter."""
        slots = {name: [part.copy() for part in self._views(flat)]
                 for name, flat in self._slots.items()}
        return {"step_count": self.step_count, "slots": slots}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        try:
            step_count = int(state["step_count"])
            slots, shapes = {}, []
            for name, arrays in state["slots"].items():
                arrays = [np.asarray(array) for array in arrays]
                slots[name] = np.concatenate([array.reshape(-1) for array in arrays])
                shapes = [array.shape for array in arrays]
        except (KeyError, TypeError, ValueError) as error:
            raise DataError(f"invalid optimizer state: {error}") from None
        self.reset()
        self.step_count, self._slots, self._shapes = step_count, slots, shapes
        if slots:
            self._dtype = next(iter(slots.values())).dtype

    def reset(self) -> None:
        """Forget all state, as if freshly made."""
        self.step_count = 0
        self._slots: dict[str, Array] = {}
        self._shapes: list[tuple[int, ...]] = []  # the parameters' shapes, for _views
        self._dtype: Any = None
        self._scratch: list[Array] = []
        self._view_cache: dict[int, tuple[Array, list[Array]]] = {}

    def _match(self, parameters: Sequence[Array]) -> None:
        """Keep the state if it was made for parameters of these shapes; else start afresh.

        Called once at the start of every step, so that ``_slot``, ``_scratch_space``
        and ``_views`` need not check anything themselves.
        """
        shapes = [p.shape for p in parameters]
        if shapes != self._shapes:  # other parameters: what was learned does not apply
            self._slots, self._scratch, self._view_cache = {}, [], {}
            self._shapes, self._dtype = shapes, parameters[0].dtype
            self.step_count = 0
        elif parameters[0].dtype != self._dtype:  # same network, other precision: keep state
            self._slots = {name: slot.astype(parameters[0].dtype)
                           for name, slot in self._slots.items()}
            self._scratch, self._view_cache = [], {}
            self._dtype = parameters[0].dtype

    def _slot(self, name: str) -> Array:
        """One kind of state for every parameter (zeros at first), e.g. the velocities.

        It is a single flat array (n_parameters,) holding one number per weight and
        bias, laid out like the parameters one after the other: ``W0`` row by row,
        then ``b0``, then ``W1``, ... For a small network the cost of a step is mostly
        the number of NumPy calls, not the arithmetic, so updating the state of every
        parameter with one call per operation (instead of one per array) is what makes
        a step fast. ``_views`` shows the part of it that belongs to each parameter.
        """
        slot = self._slots.get(name)
        if slot is None:
            size = sum(math.prod(shape) for shape in self._shapes)
            slot = self._slots[name] = np.zeros(size, dtype=self._dtype)
        return slot

    def _scratch_space(self, count: int) -> list[Array]:
        """``count`` flat working arrays (n_parameters,), made once and reused every step."""
        if len(self._scratch) != count:
            size = sum(math.prod(shape) for shape in self._shapes)
            self._scratch = [np.empty(size, dtype=self._dtype) for _ in range(count)]
        return self._scratch

    def _views(self, flat: Array) -> list[Array]:
        """The part of a flat array that belongs to each parameter, shaped like it (no copies)."""
        cached = self._view_cache.get(id(flat))
        if cached is not None and cached[0] is flat:
            return cached[1]
        views = pieces(flat, self._shapes)
        self._view_cache[id(flat)] = (flat, views)
        return views

    @staticmethod
    def _gather(arrays: Sequence[Array], out: Array) -> Array:
        """Every array, flattened and one after the other, as one vector (n_parameters,).

        Arrays that already lie end to end in one vector (a ``FlatArrays``, as
        ``Network.gradients`` returns) give that vector itself, without a copy: treat
        the result as read-only. Any other list is copied into ``out``.
        """
        vector = whole_vector(arrays, out.size)
        if vector is not None and vector.dtype == out.dtype:
            return vector
        return np.concatenate([a.reshape(-1) for a in arrays], out=out)

    def _add_to(self, parameters: Sequence[Array], change: Array) -> None:
        """Add a flat ``change`` (n_parameters,) to the parameters, in place.

        Parameters that lie end to end in one vector (``Network.parameters()`` gives a
        ``FlatArrays``) take it in one NumPy call; others one call per array.
        """
        vector = whole_vector(parameters, change.size)
        if vector is not None:
            vector += change
            return
        for p, part in zip(parameters, self._views(change), strict=True):
            p += part

    @staticmethod
    def _flush_tiny(state: Array) -> None:
        """Set numbers too small to matter to exactly 0, so they never become subnormal.

        A weight whose slope stays 0 (a pixel that is always white, a ReLU that never
        fires) sees its running averages multiplied by a factor below 1 at every step.
        Long before they reach 0 they become *subnormal* numbers (below about 1e-38 in
        float32), which processors handle in slow microcode: at MNIST scale, float32
        epochs ran twice as slow once this happened. Worse, rounding can keep such a
        number stuck there forever. Anything whose square would already be subnormal
        is far too small to move a weight, so it is set to 0.
        """
        threshold = np.sqrt(np.finfo(state.dtype).tiny)
        np.copyto(state, 0.0, where=np.abs(state) < threshold)

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
            self._match(parameters)
            velocity = self._slot("velocity")  # (n_parameters,)
            scaled, step = self._scratch_space(2)
            g = self._gather(gradients, out=scaled)  # every slope in one flat array
            np.multiply(g, rate, out=scaled)  # rate * g
            velocity *= mu
            velocity -= scaled  # v = mu * v - rate * g
            move = velocity
            if self.nesterov:
                np.multiply(velocity, mu, out=step)
                step -= scaled  # mu * v - rate * g
                move = step
            self._add_to(parameters, move)
            if (self.step_count + 1) % FLUSH_EVERY == 0:
                self._flush_tiny(velocity)
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
        self._match(parameters)
        self.step_count += 1
        t = self.step_count
        b1, b2 = self.beta1, self.beta2
        # Fold both bias corrections into one step size. (Plain Python numbers: a NumPy
        # float64 scalar would make NumPy compute a float32 network's update in float64.)
        correction = math.sqrt(1.0 - b2**t)
        rate = self.learning_rate * correction / (1.0 - b1**t)
        eps = self.epsilon * correction
        m = self._slot("m")  # average slope, (n_parameters,)
        v = self._slot("v")  # average squared slope, (n_parameters,)
        gathered, step = self._scratch_space(2)
        g = self._gather(gradients, out=gathered)  # every slope in one flat array
        # m = b1 * m + (1 - b1) * g, written as a move of m toward g: m += (1 - b1) * (g - m)
        np.subtract(g, m, out=step)
        step *= 1.0 - b1
        m += step
        # v = b2 * v + (1 - b2) * g**2, the same way
        np.multiply(g, g, out=step)
        step -= v
        step *= 1.0 - b2
        v += step
        # w -= rate * m / (sqrt(v) + eps)
        np.sqrt(v, out=step)
        step += eps
        np.divide(m, step, out=step)
        step *= -rate
        self._add_to(parameters, step)
        if t % FLUSH_EVERY == 0:
            self._flush_tiny(m)
            self._flush_tiny(v)

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
        self._match(parameters)
        hop_sizes = self._slot("hop_size")
        if self.step_count == 0:
            hop_sizes.fill(self.learning_rate)
        hop_sizes = self._views(hop_sizes)
        previous = self._views(self._slot("previous_slope"))
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
