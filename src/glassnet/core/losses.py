"""Loss functions: one number that says how wrong the network is.

For every image the network should light up the output neuron of the right class
and keep the others dark. The *ideal* output is therefore 1 for the right class and
0 for the others (a "one-hot" row ``Y``). A loss compares the observed outputs ``a``
with that ideal and gives a number that is 0 only when they match.

- ``squared_error`` is the article's loss: for each output neuron
  ``(observed - ideal)^2``, summed over the output neurons of an image. The loss of a
  training set is that sum summed again over every image; for reporting (and so that
  the learning rate does not depend on the batch size) glassnet averages over images.
- ``cross_entropy`` is ``-log`` of the probability given to the right answer (for a
  softmax layer), or the same idea for each sigmoid neuron on its own. It punishes a
  confident wrong answer much harder and trains faster. It is computed from the
  weighted sums ``z`` so that ``log`` never sees 0.

Each loss gives two things: ``per_image(z, a, Y, activation)``, the loss of each image (n,), and
``output_delta(z, a, Y, activation)``, the slope of each image's loss with respect to
the output layer's weighted sums (n, k): the starting point of backpropagation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, shown
from .activations import Activation
from .speed import row_max, row_sum

Array = NDArray[np.floating]


class Loss:
    """A loss function of the output layer's sums ``z``, values ``a`` and ideal ``Y`` (n, k)."""

    name: str = ""

    def check_output(self, activation: Activation) -> None:
        """Raise ConfigError if this loss cannot be used with that output activation."""

    def per_image(self, z: Array, a: Array, Y: Array, activation: Activation) -> Array:
        """Loss of each image, shape (n,)."""
        raise NotImplementedError

    def output_delta(self, z: Array, a: Array, Y: Array, activation: Activation) -> Array:
        """dLoss_i/dz for each image i: shape (n, k)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


class SquaredError(Loss):
    """The article's loss: ``sum over output neurons of (observed - ideal)^2``.

    Its slope with respect to an output value is ``2 (observed - ideal)``; the chain
    rule through the output activation turns that into the slope for the sum ``z``.
    Works with any output activation.
    """

    name = "squared_error"

    def per_image(self, z: Array, a: Array, Y: Array, activation: Activation) -> Array:
        diff = a - Y
        return np.einsum("ij,ij->i", diff, diff)

    def output_delta(self, z: Array, a: Array, Y: Array, activation: Activation) -> Array:
        return activation.backward(z, a, 2.0 * (a - Y))


class CrossEntropy(Loss):
    """``-sum ideal * log(observed)``: for softmax or sigmoid output layers.

    With softmax it is ``-log p(right class)``; with sigmoid outputs each neuron is its
    own yes/no question, ``-[y log a + (1 - y) log(1 - a)]``, summed over neurons.

    Both are computed from the sums ``z`` with the log-sum-exp and softplus
    identities, so they stay finite even for sums of +-10,000. And in both cases the
    slope with respect to ``z`` comes out as simply ``a - Y``: the reason this pairing
    trains so well.
    """

    name = "cross_entropy"
    OUTPUTS = ("softmax", "sigmoid")

    def check_output(self, activation: Activation) -> None:
        if activation.name not in self.OUTPUTS:
            raise ConfigError(
                f"cross_entropy needs a softmax or sigmoid output layer, not {activation.name!r};"
                " use output='softmax' or loss='squared_error'"
            )

    def per_image(self, z: Array, a: Array, Y: Array, activation: Activation) -> Array:
        self.check_output(activation)
        if activation.name == "softmax":
            shifted = z - row_max(z)
            log_prob = shifted - np.log(row_sum(np.exp(shifted)))
            return -np.einsum("ij,ij->i", Y, log_prob)
        # Sigmoid: -[y log s(z) + (1-y) log(1 - s(z))] = softplus(z) - y z
        softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
        return (softplus - Y * z).sum(axis=1)

    def output_delta(self, z: Array, a: Array, Y: Array, activation: Activation) -> Array:
        self.check_output(activation)
        return a - Y


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (SquaredError(), CrossEntropy())}


def get_loss(name: str | Loss) -> Loss:
    """Look up a loss by name (a ``Loss`` passes straight through).

    Raises
    ------
    ConfigError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        valid = ", ".join(LOSSES)
        raise ConfigError(f"unknown loss {shown(name)}; choose one of: {valid}") from None


__all__ = ["Loss", "LOSSES", "get_loss"]
