"""Where a network keeps its weights: reading, writing and copying them.

Nothing here is the network's math (that is ``network.py``); it is how the weights
are stored and handed around. Every weight and bias of every layer lies end to end
in one flat vector, and each layer's ``W`` and ``b`` are views of it, so an
optimizer updates all of them with one NumPy call per operation (see
``speed.FlatArrays``). ``Network`` inherits these methods.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConfigError, DataError, shown
from . import checks
from .speed import FlatArrays, end_to_end

Array = NDArray[np.floating]


class Parameters:
    """The weights of a network with ``layers`` (each with ``W`` and ``b``) and a ``dtype``."""

    layers: list[Any]
    dtype: Any
    _vector: Array

    def parameters(self) -> list[Array]:
        """The weight and bias arrays themselves, ``[W0, b0, W1, b1, ...]``.

        Optimizers update these in place, so they are the live arrays, not copies.
        They lie end to end in one vector (see ``speed.FlatArrays``), unless a
        layer's ``W`` or ``b`` was replaced by an array of its own.
        """
        arrays = [array for layer in self.layers for array in (layer.W, layer.b)]
        return FlatArrays(arrays, self._vector)

    def get_parameters(self) -> list[Array]:
        """Copies of every parameter array (a snapshot to restore later)."""
        return [array.copy() for array in self.parameters()]

    def set_parameters(self, arrays: Sequence[ArrayLike]) -> None:
        """Overwrite every parameter, in place, from ``[W0, b0, W1, b1, ...]``.

        Raises
        ------
        DataError
            If the count, a shape, or a value (NaN, inf) is wrong; nothing is changed.
        """
        current = self.parameters()
        if len(arrays) != len(current):
            raise DataError(f"expected {len(current)} parameter arrays, got {len(arrays)}")
        checked = [checks.as_parameter(source, target.shape, self.dtype, "parameter")
                   for target, source in zip(current, arrays, strict=True)]
        for target, value in zip(current, checked, strict=True):
            target[...] = value

    def set_weights(
        self, layer: int, weights: ArrayLike | None = None, bias: ArrayLike | None = None
    ) -> None:
        """Set one layer's weights (n_in, n_out) and/or biases (n_out,) by hand.

        This is how the article's hand-weighted classifier is built: no training, just
        weights chosen by a person. A 64-long vector is accepted for a one-neuron layer.
        Both are checked before either is written, so a DataError changes nothing.
        """
        try:
            # A layer's number only: True would be taken for layer 1, a slice for a list
            if isinstance(layer, bool) or not isinstance(layer, numbers.Integral):
                raise TypeError
            dense = self.layers[layer]
        except (IndexError, TypeError):
            last = len(self.layers) - 1
            raise ConfigError(
                f"layer {shown(layer)} does not exist; layers are 0..{last}") from None
        W = b = None  # both checked before either is written: a bad one changes nothing
        if weights is not None:
            W = checks.as_numbers(weights, self.dtype, f"layer {layer} weights")
            if W.ndim == 1 and dense.n_out == 1:
                W = W.reshape(-1, 1)
            W = checks.as_parameter(W, dense.W.shape, self.dtype, f"layer {layer} weights")
        if bias is not None:
            b = checks.as_numbers(bias, self.dtype, f"layer {layer} biases").reshape(-1)
            b = checks.as_parameter(b, dense.b.shape, self.dtype, f"layer {layer} biases")
        if W is not None:
            dense.W[...] = W
        if b is not None:
            dense.b[...] = b

    def copy(self):
        """An independent copy with the same shape and weights."""
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.sizes, clone.classes = list(self.sizes), self.classes.copy()
        clone.layers = [replace(layer) for layer in self.layers]  # new layers, same arrays
        clone._lay_end_to_end()  # copies the weights into the clone's own vector
        return clone

    def _lay_end_to_end(self) -> None:
        """Copy every ``W`` and ``b`` into one new vector and make them views of it.

        An optimizer then updates them all with one NumPy call per operation
        (see ``speed.FlatArrays``).
        """
        flat = end_to_end([array for layer in self.layers for array in (layer.W, layer.b)],
                          self.dtype)
        self._vector = flat.vector  # (n_parameters,)
        for index, layer in enumerate(self.layers):
            layer.W, layer.b = flat[2 * index], flat[2 * index + 1]

    def __getstate__(self) -> dict[str, Any]:
        """What pickle and deepcopy keep: everything but the flat vector.

        They would store the vector and each layer's ``W`` and ``b`` separately (twice
        the size), and bring the arrays back as separate arrays, no longer views of it.
        """
        state = self.__dict__.copy()
        del state["_vector"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Lay the unpickled weights end to end in one vector again."""
        self.__dict__.update(state)
        self._lay_end_to_end()


__all__ = ["Parameters"]
