"""One weight's slope: the loss as a single weight varies, and hopping downhill.

The article explains learning with a single weight. Keep every other weight fixed,
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
- ``hop()`` takes one step of the article's rule, ``glassnet.SlopeDescent``, applied
  to this one weight alone (its hop size shrinks after each overshoot). A hop that
  jumps past the bottom (the slope has the other sign where it lands) or makes the
  loss go up is marked ``overshot``;
- the chart's axes stay where they are while hopping, so the whole hop path stays
  in view and a big hop is seen as big; ``fit_to_path()`` re-scales them to every
  point visited, only when asked. Tick labels are written here, with as many
  decimals as their spacing needs to tell them apart.

Where to start: a trained network sits near the bottom of every weight's curve,
where the slope is about 0 and a hop barely moves. So ``steepest_connection`` picks
the connection whose slope is the steepest (largest ``|slope|``, by
backpropagation) on the lab's images, and ``start_uphill`` moves that weight 2 up
the steeper side of its valley: from there the hops walk visibly back down.

The loss is the training objective on a fixed sample of training images.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.gradcheck import numerical_slope
from ..core.network import Network
from ..core.optimizers import SlopeDescent
from .axes import axis_ticks
from .validation import InvalidInput

LANDSCAPE_POINTS = 41
"""How many weight values the loss curve is evaluated at."""

MIN_HALF_WIDTH = 3.0
"""The curve spans at least the current weight +- this much."""

NUDGE = 1e-4
"""The step of the numerical slope (and of SlopeDescent's measurement)."""

MIN_FIT_HALF_WIDTH = 0.25
"""``fit_to_path`` never zooms in closer than the weight +- this much."""

FIT_MARGIN = 0.1
"""``fit_to_path`` leaves this fraction of the path's width free on each side."""

LOSS_MARGIN = 0.08
"""The loss axis leaves this fraction of the curve's height free above and below."""

START_OFFSET = 2.0
"""``start_uphill`` moves the weight this far from its trained value."""

MAX_HOPS_KEPT = 200
"""The hop log keeps only the newest hops (each one is a few numbers)."""


def steepest_connection(network: Network, X: np.ndarray, y: np.ndarray,
                        loss: str) -> tuple[int, int, int]:
    """The connection whose loss slope is steepest on these images: (layer, row, column).

    Parameters
    ----------
    network : Network
    X : ndarray (n, n_inputs)
    y : ndarray (n,)
    loss : str

    Returns
    -------
    tuple of int
        ``network.layers[layer].W[row, column]`` has the largest ``|d loss / d w|``
        of every weight (biases are not connections). Ties go to the first.
    """
    _, gradients = network.backward(network.check_inputs(X), network.targets(y), loss)
    weight_slopes = gradients[0::2]  # parameters() is W0, b0, W1, b1, ...
    layer = int(np.argmax([np.abs(g).max() for g in weight_slopes]))
    row, column = np.unravel_index(int(np.argmax(np.abs(weight_slopes[layer]))),
                                   weight_slopes[layer].shape)
    return layer, int(row), int(column)


class SlopeLab:
    """The loss as one weight varies, and the article's hop downhill for that weight.

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
        self.center = self.original  # the axis stays put until fit_to_path()
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
        """The loss curve on the chart's fixed axis, and where the weight is on it now.

        Returns
        -------
        dict
            ``weights`` and ``losses`` (the curve, ``LANDSCAPE_POINTS`` each),
            ``value``, ``original``, ``loss``, both slopes, ``hop_size``, ``hops``
            (each ``from``, ``to``, ``slope``, ``loss_before``, ``loss``,
            ``slope_after``, ``hop_size``, ``overshot``), ``off_chart`` (the weight
            is beyond the axis: ``fit_to_path`` brings it back), and ``x_axis`` /
            ``y_axis``: ``low``, ``high`` and ``ticks`` (see ``axis_ticks``).
        """
        value = self.value
        grid = np.linspace(self.center - self.half_width, self.center + self.half_width,
                           LANDSCAPE_POINTS)
        losses = []
        for candidate in grid:
            self.weights[self.row, self.column] = candidate
            losses.append(self.loss_now())
        self.weights[self.row, self.column] = value
        numerical, gradient = self.slopes()
        loss = self.loss_now()
        x_low, x_high = float(grid[0]), float(grid[-1])
        y_low, y_high = self.loss_range(losses)
        return {
            "layer": self.layer, "row": self.row, "column": self.column,
            "loss_name": self.loss,
            "weights": np.round(grid, 6).tolist(),
            "losses": np.round(losses, 6).tolist(),
            "value": value,
            "original": self.original,
            "loss": loss,
            "numerical_slope": numerical,
            "gradient": gradient,
            "learning_rate": self.learning_rate,
            "hop_size": self.hop_size(),
            "hops": self.hops,
            "off_chart": not x_low <= value <= x_high,
            "x_axis": {"low": x_low, "high": x_high, "ticks": axis_ticks(x_low, x_high)},
            "y_axis": {"low": y_low, "high": y_high, "ticks": axis_ticks(y_low, y_high)},
            "n_images": int(len(self.X)),
        }

    @staticmethod
    def loss_range(losses: list[float]) -> tuple[float, float]:
        """The loss axis: the curve's range with a margin, never below 0 for a loss >= 0."""
        low, high = min(losses), max(losses)
        margin = (high - low) * LOSS_MARGIN or 0.1
        bottom = max(0.0, low - margin) if low >= 0 else low - margin
        return float(bottom), float(high + margin)

    def fit_to_path(self) -> None:
        """Re-scale the weight axis to every value visited (the start and every hop)."""
        visited = [self.original, self.value]
        for hop in self.hops:
            visited += [hop["from"], hop["to"]]
        low, high = min(visited), max(visited)
        self.center = (low + high) / 2
        self.half_width = max(MIN_FIT_HALF_WIDTH, (high - low) * (0.5 + FIT_MARGIN))

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
        if abs(value - self.center) > self.half_width:  # asked to go off the chart: follow
            self.fit_to_path()

    def start_uphill(self, offset: float = START_OFFSET) -> None:
        """Move the weight ``offset`` away from its trained value, to the higher side.

        Training left the weight at the bottom of its curve, where the slope is about
        0 and a hop moves nothing. From up the side of the valley the slope shows,
        and the hops walk back down to where training left it (the dashed line).
        """
        losses = []
        for candidate in (self.original - offset, self.original + offset):
            self.weights[self.row, self.column] = candidate
            losses.append(self.loss_now())
        self.move_to(self.original + (offset if losses[1] > losses[0] else -offset))

    def hop_size(self) -> float:
        """The current hop size of this weight (learning_rate until the first overshoot)."""
        slots = self.optimizer.state_dict()["slots"]
        if "hop_size" not in slots:
            return self.learning_rate
        return float(slots["hop_size"][0].reshape(-1)[0])

    def hop(self) -> dict[str, Any]:
        """One step of ``SlopeDescent`` on this weight alone; returns the new landscape.

        The weight is handed to the optimizer as a 1x1 *view* into the weight matrix,
        so the article's rule moves exactly this one weight and keeps its own hop size.
        """
        before, loss_before = self.value, self.loss_now()
        slope_before = numerical_slope(self.loss_now, self.weights, (self.row, self.column),
                                       NUDGE)
        one_weight = self.weights[self.row:self.row + 1, self.column:self.column + 1]
        self.optimizer.step([one_weight], None, self.loss_now)
        loss_after = self.loss_now()
        slope_after = numerical_slope(self.loss_now, self.weights, (self.row, self.column),
                                      NUDGE)
        self.hops.append({
            "from": before, "to": self.value, "slope": slope_before,
            "loss_before": loss_before, "loss": loss_after, "slope_after": slope_after,
            "hop_size": self.hop_size(),
            # past the bottom (the slope turned round) or uphill: either way too far
            "overshot": bool(slope_before * slope_after < 0 or loss_after > loss_before),
        })
        if len(self.hops) > MAX_HOPS_KEPT:
            del self.hops[0]
        return self.landscape()


__all__ = ["SlopeLab", "steepest_connection", "axis_ticks", "LANDSCAPE_POINTS", "NUDGE"]
