"""What excites a neuron most: the input that makes its value as large as it can be.

A hidden neuron of a trained network has learned to look for something: a stroke
here, a gap there. One way to see what is to ask which input would make it fire
the most. Pixels run from 0 (white) to 1 (black), so the question has an answer.

- A first-layer neuron's value is ``f(w . x + b)``, and every activation here only
  grows with its sum, so the answer is exact: ink (1) wherever the weight is
  positive, paper (0) wherever it is negative.
- A deeper neuron depends on the pixels through the layers below, so the answer is
  climbed to instead: start from a picture (the training digit that excites it most,
  say), follow the slope of the neuron's value with respect to every pixel (the
  chain rule, as in backpropagation, but down to the inputs), keep the pixels within
  0..1, and keep the best input seen. This is gradient *ascent* on the input, with
  the network's weights fixed. From plain grey a ReLU neuron is often off, with no
  slope to follow at all, which is why the climb starts from a digit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .network import Network

Array = NDArray[np.floating]

#: Steps of the climb for a deeper neuron, and each step's length (in pixel units,
#: along the slope's direction): 200 steps of 0.05 can cross the 0..1 cube ten times.
ASCENT_STEPS = 200
ASCENT_STEP_SIZE = 0.05


def neuron_value_and_slope(network: Network, x: Array, layer: int,
                           neuron: int) -> tuple[float, Array]:
    """A neuron's value for input ``x`` (n_inputs,), and its slope for every input.

    The chain rule from that neuron down to the pixels: start with a slope of 1 on
    its value, turn it into the slope on its weighted sum (``activation.backward``),
    and pass it down through each layer's weights (``delta @ W.T``), as
    backpropagation does, but to the inputs instead of the weights.
    """
    trace = network.trace(x[np.newaxis])  # one image: (1, n_inputs)
    slope_on_value = np.zeros_like(trace.activations[layer])  # (1, n_neurons)
    slope_on_value[0, neuron] = 1.0
    below = layer
    delta = network.layers[below].activation.backward(
        trace.weighted_sums[below], trace.activations[below], slope_on_value)
    while True:
        slope_below = delta @ network.layers[below].W.T  # (1, units below)
        if below == 0:
            return float(trace.activations[layer][0, neuron]), slope_below[0]
        below -= 1
        delta = network.layers[below].activation.backward(
            trace.weighted_sums[below], trace.activations[below], slope_below)


def most_exciting_input(network: Network, layer: int, neuron: int,
                        start: Array | None = None) -> tuple[Array, float]:
    """The input in 0..1 that makes neuron ``neuron`` of layer ``layer`` fire most.

    Parameters
    ----------
    network : Network
    layer, neuron : int
        Which neuron (layer 0 is the first hidden layer).
    start : ndarray (n_inputs,), optional
        Where a deeper neuron's climb starts (default: grey, 0.5 everywhere). The
        input found excites the neuron at least as much as ``start`` does.

    Returns
    -------
    x : ndarray (n_inputs,)
        The input: exact for the first layer, the best found by the climb deeper.
    value : float
        The neuron's value for it.
    """
    if layer == 0:
        x = (network.layers[0].W[:, neuron] > 0).astype(network.dtype)
        return x, neuron_value_and_slope(network, x, 0, neuron)[0]
    x = (np.full(network.n_inputs, 0.5, dtype=network.dtype) if start is None
         else np.clip(np.asarray(start, dtype=network.dtype), 0.0, 1.0))
    best_x, best_value = x.copy(), -np.inf
    for _ in range(ASCENT_STEPS):
        value, slope = neuron_value_and_slope(network, x, layer, neuron)
        if value > best_value:
            best_x, best_value = x.copy(), value
        length = float(np.linalg.norm(slope))
        if length == 0.0:  # a neuron that is off everywhere nearby: nothing to climb
            break
        x = np.clip(x + ASCENT_STEP_SIZE * slope / length, 0.0, 1.0)
    value = neuron_value_and_slope(network, x, layer, neuron)[0]
    if value > best_value:
        best_x, best_value = x, value
    return best_x, float(best_value)


__all__ = ["ASCENT_STEPS", "ASCENT_STEP_SIZE", "most_exciting_input", "neuron_value_and_slope"]
