"""Every parameter in one flat vector, and the arrays that are views of it.

A network's weights and biases are several arrays, ``[W0, b0, W1, b1, ...]``; to an
optimizer they are one long list of numbers. Laying them end to end in one vector
(``W0`` row by row, then ``b0``, then ``W1``, ...) lets each array be a *view* of its
part of that vector: the same memory, seen with its own shape. For a small network a
training step costs mostly the number of NumPy calls, not the arithmetic, so an
optimizer that does each operation once on the whole vector, instead of once per
array, makes every step faster.

``glassnet.core.network`` keeps its parameters and writes its slopes this way; the
optimizers use the vector when they are given one (``whole_vector``) and work array
by array otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from numpy.typing import NDArray

Array = NDArray


class FlatArrays(list):
    """A list of arrays that are consecutive pieces of one flat vector, kept as ``vector``.

    ``Network.parameters()`` and ``Network.gradients()`` return these: the usual
    ``[W0, b0, W1, b1, ...]``, plus ``vector`` (n_parameters,), the same numbers laid
    end to end. They share memory: change an array and ``vector`` changes with it. A
    plain list of arrays works wherever a FlatArrays does, only slower.
    """

    def __init__(self, arrays: Sequence[Array], vector: Array) -> None:
        super().__init__(arrays)
        self.vector = vector


def pieces(vector: Array, shapes: Sequence[tuple[int, ...]]) -> list[Array]:
    """Views of ``vector`` shaped like ``shapes``, one after the other (no copies)."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(vector[start:start + size].reshape(shape))
        start += size
    return views


def whole_vector(arrays: Sequence[Array], size: int) -> Array | None:
    """The flat vector of ``size`` numbers that ``arrays`` are all views of, or None.

    A ``FlatArrays`` carries it as ``vector``. It is trusted only while every array
    still lies in it: a list whose item was replaced (say by a clipped copy), or a
    pickled copy, is taken array by array instead.
    """
    vector = getattr(arrays, "vector", None)
    if vector is None or vector.size != size:
        return None
    if not all(array.base is vector for array in arrays):
        return None
    return vector


__all__ = ["FlatArrays", "pieces", "whole_vector"]
