"""One weight's slope: the loss as a single weight varies, and hopping downhill.

The source explains learning with a single weight. Keep every other weight fixed,
move this one, and the loss traces a curve. Where the curve slopes down to the right,
increasing the weight lowers the loss; where it slopes up, decreasing it does. So:
measure the slope, hop downhill by an amount that grows with the slope, and when a
hop jumps past the bottom (the slope changes sign), take smaller hops from then on.

``SlopeLab`` does exactly that for one chosen connection, on a *copy* of the
network (the network you draw against is not changed):

- ``landscape()`` evaluates the loss at evenly spaced values of the weight, the
  others fixed, and reports the current value, the loss there, the slope measured
  by nudging the weight (``glassnet.core.gradcheck.numerical_slope``) and the slope
  backpropagation gives (``Network.backward``), which should agree;
- ``hop()`` takes one step of the source's rule, ``glassnet.SlopeDescent``, applied
  to this one weight alone (its hop size shrinks after each overshoot).

The loss is the training objective on a fixed sample of training images.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.gradcheck import numerical_slope
from ..core.network import Network
from ..core.optimizers import SlopeDescent
from .validation import InvalidInput

LANDSCAPE_POINTS = 41
"""How many weight values the loss curve is evaluated at."""

MIN_HALF_WIDTH = 3.0
"""The curve spans at least the current weight +- this much."""

NUDGE = 1e-4
"""The step of the numerical slope (and of SlopeDescent's measurement)."""


class SlopeLab:
    """The loss as one weight varies, and the source's hop downhill for that weight.

    Parameters
    ----------
    network : Network
        Copied; the lab changes only its copy.
    X : ndarray (n, n_inputs)
        The images the loss is measured on.
    y : ndarray (n,)
        Their labels.
    loss : str
        A loss name from ``glassnet.LOSSES``.
    layer, row, column : int
        The connection: ``network.layers[layer].W[row, column]``, from neuron ``row``
        of the layer before to neuron ``column`` of this layer.
    learning_rate : float
        The first hop size: a hop is ``learning_rate * slope``.
    """

    def __init__(self, network: Network, X: np.ndarray, y: np.ndarray, loss: str,
                 layer: int, row: int, column: int, learning_rate: float = 1.0) -> None:
        if not 0 <= layer < len(network.layers):
            raise InvalidInput(f"layer must be between 0 and {len(network.layers) - 1}")
        n_in, n_out = network.layers[layer].W.shape
        if not (0 <= row < n_in and 0 <= column < n_out):
            raise InvalidInput(
                f"layer {layer} joins neurons 0..{n_in - 1} to 0..{n_out - 1}; "
                f"got {row} -> {column}"
            )
        self.network = network.copy()
        self.X = self.network.check_inputs(X)
        self.Y = self.network.targets(y)
        self.loss = loss
        self.layer, self.row, self.column = layer, row, column
        self.weights = self.network.layers[layer].W
        self.original = float(self.weights[row, column])
        self.half_width = max(MIN_HALF_WIDTH, 2.0 * abs(self.original))
        self.center = self.original
        self.hops: list[dict[str, Any]] = []
        self.set_learning_rate(learning_rate)

    # ------------------------------------------------------------------ the curve
    @property
    def value(self) -> float:
        return float(self.weights[self.row, self.column])

    def loss_now(self) -> float:
        """The loss with every weight as it is now."""
        return self.network.objective(self.X, self.Y, self.loss)

    def slopes(self) -> tuple[float, float]:
        """(numerical slope, backpropagated gradient) of the loss for this weight."""
        numerical = numerical_slope(self.loss_now, self.weights, (self.row, self.column), NUDGE)
        _, gradients = self.network.backward(self.X, self.Y, self.loss)
        return float(numerical), float(gradients[2 * self.layer][self.row, self.column])

    def landscape(self) -> dict[str, Any]:
        """The loss curve around the weight, and where the weight is on it now."""
        value = self.value
        if abs(value - self.center) > 0.9 * self.half_width:
            self.center = value
        grid = np.linspace(self.center - self.half_width, self.center + self.half_width,
                           LANDSCAPE_POINTS)
        losses = []
        for candidate in grid:
            self.weights[self.row, self.column] = candidate
            losses.append(self.loss_now())
        self.weights[self.row, self.column] = value
        numerical, gradient = self.slopes()
        return {
            "layer": self.layer, "row": self.row, "column": self.column,
            "loss_name": self.loss,
            "weights": np.round(grid, 6).tolist(),
            "losses": np.round(losses, 6).tolist(),
            "value": value,
            "original": self.original,
            "loss": self.loss_now(),
            "numerical_slope": numerical,
            "gradient": gradient,
            "learning_rate": self.learning_rate,
            "hop_size": self.hop_size(),
            "hops": self.hops,
            "n_images": int(len(self.X)),
        }

    # ------------------------------------------------------------------ hopping
    def set_learning_rate(self, learning_rate: float) -> None:
        """Start hopping afresh with this first hop size."""
        self.learning_rate = float(learning_rate)
        self.optimizer = SlopeDescent(learning_rate=self.learning_rate, nudge=NUDGE)

    def move_to(self, value: float) -> None:
        """Put the weight somewhere by hand; hopping starts afresh from there."""
        self.weights[self.row, self.column] = value
        self.hops = []
        self.set_learning_rate(self.learning_rate)

    def hop_size(self) -> float:
        """The current hop size of this weight (learning_rate until the first overshoot)."""
        slots = self.optimizer.state_dict()["slots"]
        if "hop_size" not in slots:
            return self.learning_rate
        return float(slots["hop_size"][0].reshape(-1)[0])

    def hop(self) -> dict[str, Any]:
        """One step of ``SlopeDescent`` on this weight alone; returns the new landscape.

        The weight is handed to the optimizer as a 1x1 *view* into the weight matrix,
        so the source's rule moves exactly this one weight and keeps its own hop size.
        """
        before = self.value
        slope_before = numerical_slope(self.loss_now, self.weights, (self.row, self.column),
                                       NUDGE)
        previous = self.hops[-1]["slope"] if self.hops else None
        one_weight = self.weights[self.row:self.row + 1, self.column:self.column + 1]
        self.optimizer.step([one_weight], None, self.loss_now)
        self.hops.append({
            "from": before, "to": self.value, "slope": slope_before,
            "hop_size": self.hop_size(), "loss": self.loss_now(),
            "overshot": previous is not None and previous * slope_before < 0,
        })
        if len(self.hops) > 200:
            del self.hops[0]
        return self.landscape()


__all__ = ["SlopeLab", "LANDSCAPE_POINTS", "NUDGE"]
