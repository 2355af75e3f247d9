"""Checking backpropagation against the slope you can see.

The article explains learning with one weight at a time: nudge the weight a little
up, a little down, and see how the loss changes. That ratio is the *slope* of the
loss with respect to that weight:

    slope ~ (loss(w + h) - loss(w - h)) / (2 h)

(the central difference, accurate to about h^2). It is simple and obviously right,
but it costs two passes over the data for every single weight.

Backpropagation gets every slope at once, in a single backward pass, with the chain
rule. ``gradcheck`` measures the slow way and compares: if the two agree to about
1e-6 in float64, the fast way is right. glassnet's tests run this for every
activation, loss and depth; ``SlopeDescent`` uses ``numerical_slope`` to learn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConfigError, DataError, shown
from .checks import generator, non_negative, positive
from .network import as_network

Array = NDArray[np.floating]


def numerical_slope(
    loss_of: Callable[[], float], array: Array, index: tuple[int, ...], step: float = 1e-5
) -> float:
    """The slope of ``loss_of()`` with respect to ``array[index]``, by central difference.

    The weight is nudged up by ``step``, then down, and put back exactly as it was.

    Parameters
    ----------
    loss_of : callable
        Computes the loss with the current parameters, ``() -> float``.
    array : ndarray
        The parameter array that holds the weight (changed in place, then restored).
    index : tuple of int
        Which weight.
    step : float
        The nudge ``h``.
    """
    original = array[index]
    array[index] = original + step
    loss_up = loss_of()
    array[index] = original - step
    loss_down = loss_of()
    array[index] = original
    return (loss_up - loss_down) / (2.0 * step)


def relative_error(a: ArrayLike, b: ArrayLike, floor: float = 1e-8) -> NDArray[np.float64]:
    """``|a - b| / max(|a|, |b|, floor)`` element-wise: 0 when equal, 1 when unrelated.

    The floor keeps slopes that are both essentially zero from dividing 1e-15 by
    1e-16 and looking wildly different.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


def gradcheck(
    network: Any,
    X: ArrayLike,
    y: ArrayLike,
    loss: Any = "cross_entropy",
    *,
    l2: float = 0.0,
    step: float = 1e-5,
    max_per_array: int | None = None,
    seed: int = 0,
) -> float:
    """Compare backpropagation with the numerical slope for every parameter.

    Parameters
    ----------
    network : Network
        Ideally in float64: float32 rounding alone gives errors near 1e-3.
    X : array (n, n_inputs)
    y : array (n,)
        Labels, among ``network.classes``.
    loss : str or Loss
    l2 : float
        Weight decay, included in both computations.
    step : float
        The nudge for the central difference.
    max_per_array : int, optional
        Check only this many randomly chosen entries of each parameter array (for big
        networks). Default: every entry.
    seed : int
        Chooses the entries when ``max_per_array`` is set.

    Returns
    -------
    float
        The worst relative error over the parameter arrays: for each array (a layer's
        weights, or its biases), the length of the difference between the measured
        slopes and backpropagation's, divided by the longer of the two,
        ``|measured - backprop| / max(|measured|, |backprop|)``. About 1e-8 or less
        means backpropagation is right; 1e-3 or more means it is wrong.

    Notes
    -----
    Why whole arrays rather than single weights: the central difference itself is
    only accurate to about 1e-11 (rounding in the two loss values, divided by 2h).
    Many slopes of a real network are smaller than 1e-8 (a pixel that is almost
    always white), and for those that unavoidable noise alone looks like a large
    relative error. Measured against the whole array's slopes, the noise is
    negligible and a real mistake still stands out. ``relative_error`` compares
    single slopes when you want to look closer.
    """
    network = as_network(network, "gradcheck checks the slopes of")
    step, l2 = positive("step", step), non_negative("l2", l2)
    if max_per_array is not None and (isinstance(max_per_array, bool) or not isinstance(
            max_per_array, int | np.integer) or max_per_array < 1):
        raise ConfigError(f"max_per_array must be a whole number of at least 1 (or None), "
                          f"got {shown(max_per_array)}")
    X, Y = network.inputs_and_targets(X, y)
    _, gradients = network.backward(X, Y, loss, l2=l2)

    def loss_of() -> float:
        return network.objective(X, Y, loss, l2=l2)

    rng = generator(seed)
    worst = 0.0
    for array, gradient in zip(network.parameters(), gradients, strict=True):
        indices = list(np.ndindex(array.shape))
        if max_per_array is not None and len(indices) > max_per_array:
            chosen = rng.choice(len(indices), size=max_per_array, replace=False)
            indices = [indices[i] for i in chosen]
        measured = np.array([numerical_slope(loss_of, array, index, step) for index in indices])
        by_backprop = np.array([gradient[index] for index in indices], dtype=np.float64)
        difference = float(np.linalg.norm(measured - by_backprop))
        scale = max(float(np.linalg.norm(measured)), float(np.linalg.norm(by_backprop)), 1e-12)
        error = difference / scale
        if not np.isfinite(error):  # max() would keep the worst so far, and say all is well
            raise DataError("the slopes could not be compared: the loss is not a finite "
                            "number near these weights (a step too large or too small?)")
        worst = max(worst, error)
    return worst


__all__ = ["gradcheck", "numerical_slope", "relative_error"]
