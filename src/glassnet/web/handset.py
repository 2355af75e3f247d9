"""The article's hand-weighted network, editable: telling 0s from 1s with no training.

The recipe (middle +1, edges -1, bias 0) is ``glassnet.app.handweights``, shared
with the tour. ``HandSetNetwork`` is that network (64 -> 1, sigmoid) with its
weights editable one cell at a time, and ``score`` measures it on every 0 and 1 of
the digits, so a learner can change a weight and watch the accuracy move.

Its one neuron knows nothing but 0s and 1s: shown a 7, it still says "0" or "1".
``outside_zeros_and_ones`` asks the explorer's main network what the drawing is,
and when that is neither a 0 nor a 1 writes the warning the page shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..app.handweights import HAND_BIAS, hand_weighted_network, hand_weights, two_output_network
from ..core.metrics import evaluate
from ..core.network import Network
from ..data.dataset import Dataset
from .inspection import rounded

WEIGHT_LIMIT = 10.0
"""Hand-set weights and the bias stay within +-10 (the sigmoid saturates long before)."""


class HandSetNetwork:
    """A 64 -> 1 sigmoid network whose weights a person sets by hand.

    Its single output is "how much this looks like a 1": at least 0.5 means 1.

    Parameters
    ----------
    zeros_and_ones : Dataset
        The digits it is scored on (``load_digits().subset([0, 1])``).
    """

    def __init__(self, zeros_and_ones: Dataset) -> None:
        self.data = zeros_and_ones
        self.network = hand_weighted_network(64)  # starts on the "source" preset

    def preset(self, name: str) -> None:
        """Load "source" (the article's: middle +1, edges -1), "inverse" or "zero" weights.

        The bias goes back to the recipe's too (0, or its negative for "inverse").
        """
        weights, bias = {"source": (hand_weights(), HAND_BIAS),
                         "inverse": (-hand_weights(), -HAND_BIAS),
                         "zero": (np.zeros((8, 8)), 0.0)}[name]
        self.network.set_weights(0, weights.reshape(64), [bias])

    def set_cell(self, row: int, column: int, weight: float) -> None:
        """Set the weight of pixel (row, column), both 0..7."""
        self.network.layers[0].W[row * 8 + column, 0] = weight

    def set_all(self, weights: np.ndarray) -> None:
        """Set all 64 weights at once (row by row), as a shared link or state file has them."""
        self.network.layers[0].W[:, 0] = np.asarray(weights, dtype=float).reshape(64)

    def set_bias(self, bias: float) -> None:
        self.network.layers[0].b[0] = bias

    def score(self, x: np.ndarray | None = None) -> dict[str, Any]:
        """The weights, the accuracy on the 0s and the 1s, and the output for ``x``.

        Returns
        -------
        dict
            ``weights`` (8 rows of 8), ``bias``, ``accuracy`` (all), ``accuracy_zeros``,
            ``accuracy_ones``, ``n_zeros``, ``n_ones``, and, with ``x`` (64,),
            ``output`` (the sigmoid value), ``weighted_sum`` and ``guess``.
        """
        evaluation = evaluate(self.network, self.data)
        per_class = evaluation.per_class_accuracy
        counts = self.data.class_counts()
        answer: dict[str, Any] = {
            "weights": rounded(self.network.layers[0].W[:, 0].reshape(8, 8)),
            "bias": round(float(self.network.layers[0].b[0]), 4),
            "accuracy": evaluation.accuracy,
            "accuracy_zeros": per_class[0],
            "accuracy_ones": per_class[1],
            "n_zeros": counts[0],
            "n_ones": counts[1],
        }
        if x is not None:
            trace = self.network.trace(x)
            answer["weighted_sum"] = round(float(trace.weighted_sums[0][0, 0]), 4)
            answer["output"] = round(float(trace.outputs[0, 0]), 4)
            answer["guess"] = int(self.network.predict(x)[0])
        return answer


def outside_zeros_and_ones(network: Network, x: np.ndarray) -> dict[str, Any]:
    """Whether the main network sees a digit this 0-vs-1 neuron cannot know.

    Parameters
    ----------
    network : Network
        The network the visitor draws against (it knows every digit).
    x : ndarray (64,)
        The drawing.

    Returns
    -------
    dict
        ``network_guess`` (the main network's guess) and ``neither``: None when that
        guess is 0 or 1, else the plain words the page shows.
    """
    guess = network.predict(x)[0]
    guess = guess.item() if isinstance(guess, np.generic) else guess
    neither = None
    if guess not in (0, 1):
        neither = (f"This neuron only tells 0s from 1s. The trained network reads your "
                   f"drawing as a {guess}, which is neither, so this neuron's answer says "
                   f"only whether it looks more like a 0 or more like a 1.")
    return {"network_guess": guess, "neither": neither}


PRESETS = ("source", "inverse", "zero")

__all__ = ["HandSetNetwork", "outside_zeros_and_ones", "two_neurons", "PRESETS",
           "WEIGHT_LIMIT"]


def two_neurons(x: np.ndarray, zeros_and_ones: Dataset) -> dict[str, Any]:
    """The article's two-output network: a 0-neuron and a 1-neuron, the larger wins.

    The 1-neuron has the article's weights (``hand_weights``); the 0-neuron has their
    negative (ink at the sides says "0", ink in the middle says "not 0"). Both squash
    their sums with the sigmoid, and the network's answer is the one that is larger.

    Parameters
    ----------
    x : ndarray (64,)
        The image.
    zeros_and_ones : Dataset
        The real 0s and 1s it is scored on.

    Returns
    -------
    dict
        ``neurons``: for digit 0 and digit 1, ``digit``, ``weights`` (8 rows of 8),
        ``weighted_sum`` and ``output``; ``winner`` (the digit whose output is larger)
        and ``accuracy`` on the real 0s and 1s.
    """
    network = two_output_network(64)
    trace = network.trace(x)
    neurons = [
        {"digit": digit,
         "weights": rounded(network.layers[0].W[:, digit].reshape(8, 8)),
         "weighted_sum": round(float(trace.weighted_sums[0][0, digit]), 4),
         "output": round(float(trace.outputs[0, digit]), 4)}
        for digit in (0, 1)
    ]
    return {"neurons": neurons, "winner": int(network.predict(x)[0]),
            "accuracy": evaluate(network, zeros_and_ones).accuracy}
