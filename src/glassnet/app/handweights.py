"""The article's hand-set weights for "is it a 0 or a 1?", written once.

Before any learning, the article builds a network by hand. One output neuron looks
at every pixel. A 1 is a stroke down the middle of the image; a 0 is a ring around
an empty middle, its ink out towards the edges. So the article gives "all the
neurons that correspond to pixels in the middle of the image a positive weight"
and "all the input neurons that correspond to pixels around the edges a negative
weight": every pixel is either middle (+1) or not (-1), with no pixel left out.
Here the middle is the two centre columns, the line a 1 draws; everything else is
edge. Ink in the middle pushes the weighted sum up, ink elsewhere pulls it down,
and through the sigmoid the output lands near 1 for a 1 and near 0 for a 0.

The tour (``glassnet tour``, the notebook) and the explorer's lesson both show this
network, so both take it from here: they are sibling layers and may not import
each other, and the article has only one recipe.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..core.network import Network
from ..errors import ConfigError

#: The hand-weighted neuron's bias: 0, no leaning towards either answer.
HAND_BIAS = 0.0


def hand_weights(shape: tuple[int, int] = (8, 8)) -> NDArray[np.float64]:
    """The article's weights for "is it a 1?" as a picture: middle +1, the rest -1.

    Parameters
    ----------
    shape : (height, width)
        The image's shape; (8, 8) for the UCI digits.

    Returns
    -------
    ndarray (height, width)
        +1 on the two centre columns (for 8 wide: columns 3 and 4, where a 1 has its
        ink and a 0 its hole), -1 on every other pixel (where a 0 has its ring).
        Flatten it row by row for a network's 64 inputs.
    """
    height, width = shape
    weights = -np.ones((height, width))
    centre = width // 2
    weights[:, centre - 1:centre + 1] = 1.0
    return weights


def square_shape(n_features: int) -> tuple[int, int]:
    """The (side, side) picture of ``n_features`` pixels: "middle" needs a square image."""
    side = int(round(np.sqrt(n_features)))
    if side * side != n_features:
        raise ConfigError(f"{n_features} pixels are not a square image")
    return side, side


def hand_weighted_network(n_features: int = 64, *, inverse: bool = False) -> Network:
    """The one-neuron 0-or-1 network (inputs -> 1 sigmoid) with ``hand_weights``.

    Its single output is "how much this looks like a 1": 0.5 or more means 1. With
    ``inverse`` every weight and the bias change sign, and the same output then
    reads "how much this looks like a 0" (the article's inverse weighting).
    """
    sign = -1.0 if inverse else 1.0
    network = Network([n_features, 1], output="sigmoid", classes=[0, 1])
    weights = hand_weights(square_shape(n_features)).reshape(-1)  # (n_features,)
    network.set_weights(0, sign * weights, [sign * HAND_BIAS])
    return network


def two_output_network(n_features: int = 64) -> Network:
    """Two hand-weighted neurons side by side: "is it a 0?" (inverse) and "is it a 1?".

    Output 0 has the negated weights, output 1 the article's own; the network's guess
    is the output that is larger. Weights (inputs, 2), biases (2,).
    """
    weights = hand_weights(square_shape(n_features)).reshape(-1)  # (n_features,)
    network = Network([n_features, 2], output="sigmoid", classes=[0, 1])
    network.set_weights(0, np.column_stack([-weights, weights]), [-HAND_BIAS, HAND_BIAS])
    return network


__all__ = ["HAND_BIAS", "hand_weighted_network", "hand_weights", "square_shape",
           "two_output_network"]
