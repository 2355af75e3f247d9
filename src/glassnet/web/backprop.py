"""Backpropagation, live, on one digit: every neuron's error signal and one step downhill.

The article's learning is a hop downhill by the slope, one weight at a time.
Backpropagation gets the slope of every weight at once, and this module shows it
for the one image on the pad and the answer the learner says is right:

- the loss of that image;
- every neuron's *delta*, the slope of the loss with respect to its weighted sum
  (for one image it is exactly the slope of the neuron's bias, ``db``);
- each first-layer neuron's 64 weight slopes, ``dW``, to draw as an 8x8 picture.

``step`` then moves every weight and bias by ``-learning_rate x its slope``
(``glassnet.SGD`` without momentum), for this one image, and says how the loss and
the weights moved; ``Session.backprop_undo`` keeps the weights it replaced. All
numbers come from ``Network.backward``: the page computes nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.json_values import plain
from ..core.network import Network
from ..core.optimizers import SGD
from ..errors import ConfigError
from .inspection import rounded

#: A learning step's size when the page does not say: one step moves a single image's
#: loss visibly (a 1 called a 7: from about 7 to 2), without wrecking what the network
#: knows of every other digit (a step of 0.5 takes the test accuracy from 98% to 82%).
DEFAULT_STEP = 0.1

#: Weights kept for "Undo": the last this many steps can be taken back...
UNDO_DEPTH = 50
#: ...within this many bytes of weights a session: each step keeps a copy of them all,
#: and 50 copies of the largest network the explorer trains (256-256-256) would be
#: 60 MB a session, for each of its sessions.
UNDO_BYTES = 8 * 2**20


def undo_depth(network: Network) -> int:
    """How many steps Undo can take back for ``network``: ``UNDO_DEPTH`` if its copies
    fit in ``UNDO_BYTES``, fewer for a large network, and never less than one."""
    copy_bytes = network.n_parameters * np.dtype(network.dtype).itemsize
    return max(1, min(UNDO_DEPTH, UNDO_BYTES // copy_bytes))


def backprop_view(network: Network, x: np.ndarray, label: Any, loss: str) -> dict[str, Any]:
    """The loss of image ``x`` (64,) with answer ``label``, and every slope behind it.

    Returns
    -------
    dict
        ``label``, ``loss``, ``outputs`` (n_outputs,), ``guess``, ``deltas`` (one
        list per layer: each neuron's delta), ``slope_pictures`` (one list of
        n_inputs weight slopes per first-layer neuron) and ``slope_scale`` (the
        largest of them, to colour the pictures alike).
    """
    X = network.check_inputs(x)  # (1, n_inputs)
    Y = network.targets([label])  # (1, n_outputs): 1 for the right answer, 0 elsewhere
    loss_value, gradients = network.backward(X, Y, loss)
    outputs = network.forward(X)[0]
    first_layer_slopes = gradients[0].T  # (n_first, n_inputs): neuron j's 64 slopes
    return {
        "label": plain(label),
        "loss": float(loss_value),
        "outputs": rounded(outputs),
        "guess": plain(network.guess(outputs[np.newaxis])[0]),
        # With one image, each bias slope db is that neuron's delta itself.
        "deltas": [significant(gradients[2 * layer + 1]) for layer in range(len(network.layers))],
        "slope_pictures": significant(first_layer_slopes),
        "slope_scale": float(np.abs(first_layer_slopes).max()),
    }


def step(network: Network, x: np.ndarray, label: Any, loss: str,
         learning_rate: float) -> dict[str, Any]:
    """One step downhill for this one image: every parameter moves by ``-rate x slope``.

    Returns
    -------
    dict
        ``loss_before``, ``loss_after`` and ``weight_change``: per layer, the largest
        change of any of its weights.

    Raises
    ------
    ConfigError
        If the step was so big that a weight or the loss stopped being a finite
        number; the weights are then put back as they were.
    """
    X, Y = network.check_inputs(x), network.targets([label])
    loss_before, gradients = network.backward(X, Y, loss)
    before = network.get_parameters()
    SGD(learning_rate=learning_rate, momentum=0.0).step(network.parameters(), gradients)
    after = network.parameters()
    with np.errstate(over="ignore", invalid="ignore"):
        loss_after = network.objective(X, Y, loss)
    if not (np.isfinite(loss_after) and all(np.isfinite(p).all() for p in after)):
        network.set_parameters(before)
        raise ConfigError(f"a step of {learning_rate:g} was too big: the weights overflowed; "
                          "they are as they were (try a smaller step)")
    return {
        "loss_before": float(loss_before),
        "loss_after": float(loss_after),
        "weight_change": [float(np.abs(after[2 * k] - before[2 * k]).max())
                          for k in range(len(network.layers))],
    }


def significant(values: np.ndarray, digits: int = 4) -> list[Any]:
    """Numbers kept to ``digits`` significant digits: slopes are often 0.00002, which a
    fixed number of decimals would turn into 0."""
    array = np.asarray(values, dtype=np.float64)
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"), otypes=[float])(array).tolist()


__all__ = ["DEFAULT_STEP", "UNDO_BYTES", "UNDO_DEPTH", "undo_depth", "backprop_view",
           "significant", "step"]
