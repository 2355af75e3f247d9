"""The speed tricks, in one place: the math files call these and never repeat them.

For a network this small a training step costs mostly the number of NumPy calls it
makes (a microsecond or so each, whatever their size), not the arithmetic. Each
function here computes what a plain line of NumPy (named in its docstring) computes,
with fewer or faster calls, so that activations.py, losses.py, network.py and
optimizers.py can say what they compute and leave how fast to this module.
docs/how-it-works.md ("Why a step is fast") lists what each trick buys.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]

# ---------------------------------------------------------------- sums over short rows

#: Fewer rows than this are reduced row by row: the transposed copy would cost more.
FEW_ROWS = 32


def row_max(z: Array) -> Array:
    """``z.max(axis=-1, keepdims=True)``: each row's largest value, as a column (n, 1).

    NumPy reduces a row at a time, and for the ten numbers of a classifier's row the
    cost of starting each row dominates. A transposed copy (k, n) turns the job into
    the element-wise maximum of k long rows, which NumPy does with vector
    instructions: 12 against 53 microseconds for 1,437 rows, copy included. Below
    ``FEW_ROWS`` rows (one image being classified) the copy costs more than it
    saves, and the rows are reduced directly: 1.6 against 2.7 microseconds for one.
    """
    if z.ndim != 2 or len(z) < FEW_ROWS:
        return np.maximum.reduce(z, axis=-1, keepdims=True)
    return np.maximum.reduce(np.ascontiguousarray(z.T), axis=0)[:, np.newaxis]


def row_sum(z: Array) -> Array:
    """``z.sum(axis=-1, keepdims=True)``: each row's sum, as a column (n, 1).

    Computed as the matrix product ``z @ ones`` with k ones: one call to the matrix
    library instead of a reduction row by row, five times faster for 1,437 rows of
    ten. (The terms are added in another order, so the last bit may differ from
    NumPy's sum.) Anything but floating-point numbers is left to NumPy: a product of
    booleans or small integers would not be their sum.
    """
    if z.ndim != 2 or z.dtype.kind != "f":
        return z.sum(axis=-1, keepdims=True)
    return (z @ ones_vector(z.shape[1], z.dtype))[:, np.newaxis]


def column_sum(z: Array) -> Array:
    """``z.sum(axis=0)`` for a (n, k) array: the sum over the rows, shape (k,).

    As the product ``ones @ z`` of a row of n ones with z: one matrix-vector
    product, 0.8 against 1.3 microseconds for a batch of 32 images.
    """
    return ones_vector(z.shape[0], z.dtype) @ z


@functools.lru_cache(maxsize=64)
def ones_vector(length: int, dtype: np.dtype) -> Array:
    """A read-only vector of ``length`` ones, made once and kept for the sums above."""
    vector = np.ones(length, dtype=dtype)
    vector.flags.writeable = False
    return vector


# ---------------------------------------------------------------- ReLU's maximum

#: Arrays up to this many bytes are compared with a kept array of zeros (see at_least_zero).
KEEP_ZEROS_UP_TO = 2 * 2**20

#: Arrays of fewer numbers are compared with 0.0: looking up their zeros costs what it saves.
FEW_NUMBERS = 256


def at_least_zero(z: Array) -> Array:
    """``np.maximum(z, 0.0)``: each number, or 0 where it is negative (what ReLU does).

    NumPy's vector instructions compare two arrays; against the single number 0.0
    it compares one number at a time, three times slower: 8.2 against 2.6
    microseconds for a batch of 200 x 100 float32 sums. So ``z`` is compared with an
    array of zeros of its own shape, made once and kept (``zeros_of``). Arrays of
    fewer than ``FEW_NUMBERS`` numbers (one image's hidden layer) or of more than
    ``KEEP_ZEROS_UP_TO`` bytes, and anything that is not an array, are compared with
    0.0.
    """
    if (not isinstance(z, np.ndarray) or z.size < FEW_NUMBERS
            or z.nbytes > KEEP_ZEROS_UP_TO):
        return np.maximum(z, 0.0)
    return np.maximum(z, zeros_of(z.shape, z.dtype))


@functools.lru_cache(maxsize=16)
def zeros_of(shape: tuple[int, ...], dtype: np.dtype) -> Array:
    """A read-only array of zeros of this shape, made once and kept for ``at_least_zero``."""
    zeros = np.zeros(shape, dtype=dtype)
    zeros.flags.writeable = False
    return zeros


# ---------------------------------------------------------------- NaN and inf checks


def all_finite(values: Array) -> bool:
    """``np.isfinite(values).all()``: no NaN and no inf among the values.

    The same booleans, counted instead of reduced: ``np.count_nonzero`` is one plain
    loop, while ``.all()`` goes through NumPy's general reduction machinery, which
    for the 64 pixels of one image costs more than the looking. A third fewer
    instructions per check; an image's prediction makes two.
    """
    return np.count_nonzero(np.isfinite(values)) == values.size


# ---------------------------------------------------------------- one flat vector


class FlatArrays(list):
    """Arrays that are consecutive pieces of one flat vector, kept as ``vector``.

    A network's weights and biases are several arrays, ``[W0, b0, W1, b1, ...]``; to
    an optimizer they are one long list of numbers. Laid end to end in one vector
    (``W0`` row by row, then ``b0``, then ``W1``, ...), each array is a *view* of
    its part: the same memory, seen with its own shape. Change an array and
    ``vector`` changes with it. An optimizer can then update every parameter with
    one NumPy call per operation instead of one per array (``add_flat``).
    """

    def __init__(self, arrays: Sequence[Array], vector: Array) -> None:
        super().__init__(arrays)
        self.vector = vector


def end_to_end(arrays: Sequence[Array], dtype: type) -> FlatArrays:
    """Copies of ``arrays`` laid end to end in one new vector of ``dtype``."""
    vector = np.concatenate([np.asarray(a, dtype=dtype).reshape(-1) for a in arrays])
    return FlatArrays(pieces(vector, [np.shape(a) for a in arrays]), vector)


def pieces(vector: Array, shapes: Sequence[tuple[int, ...]]) -> list[Array]:
    """Views of ``vector`` shaped like ``shapes``, one after the other (no copies)."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(vector[start:start + size].reshape(shape))
        start += size
    return views


def _whole_vector(arrays: Sequence[Array]) -> Array | None:
    """The vector that ``arrays`` are all views of, or None.

    A ``FlatArrays`` carries it, but it is trusted only while every array still
    lies in it: a list whose item was replaced (say by a layer's own new ``W``) is
    taken array by array instead.
    """
    vector = getattr(arrays, "vector", None)
    if vector is None or not all(array.base is vector for array in arrays):
        return None
    return vector


def flat(arrays: Sequence[Array]) -> Array:
    """``np.concatenate([a.ravel() for a in arrays])``: every number, end to end.

    Arrays already laid end to end (a ``FlatArrays``) give their vector itself,
    without a copy: treat the result as read-only.
    """
    vector = _whole_vector(arrays)
    if vector is not None:
        return vector
    return np.concatenate(arrays, axis=None)  # one call flattens and joins: 1.4 against 3.9 us


def add_flat(arrays: Sequence[Array], change: Array) -> None:
    """``a += its part of change`` for every array: a flat ``change`` added in place.

    Arrays laid end to end (``Network.parameters()``) take it in one NumPy call.
    """
    vector = _whole_vector(arrays)
    if vector is not None:
        vector += change
        return
    for array, part in zip(arrays, pieces(change, [a.shape for a in arrays]), strict=True):
        array += part


# ---------------------------------------------------------------- subnormal numbers

#: How often (in steps) the optimizers set state too small to matter to 0.
FLUSH_EVERY = 16


def flush_tiny(state: Array) -> None:
    """Set numbers too small to matter to exactly 0, so they never become subnormal.

    A weight whose slope stays 0 (a pixel that is always white, a ReLU that never
    fires) sees its running averages multiplied by a factor below 1 at every step.
    Long before they reach 0 they become *subnormal* numbers (below about 1e-38 in
    float32), which processors handle in slow microcode: at MNIST scale, float32
    epochs ran twice as slow once this happened. Anything whose square would
    already be subnormal is far too small to move a weight, so it is set to 0.
    """
    threshold = np.sqrt(np.finfo(state.dtype).tiny)
    np.copyto(state, 0.0, where=np.abs(state) < threshold)


# ---------------------------------------------------------------- shuffling into the same memory


class Shuffler:
    """The images and ideal outputs in a new order, written into the same memory each epoch.

    ``shuffle(order)`` is ``X[order], Y[order]``: one contiguous copy per epoch, so that
    the batches are plain slices of it. The copy goes into arrays made once: for
    60,000 MNIST images a fresh 188 MB array per epoch cost more in page faults than
    the copying itself. (``mode="clip"`` only tells NumPy that no index of a
    permutation can be out of range; otherwise it first copies into a spare array in
    case one is.) With ``buffers=2`` the calls take turns between two pairs of
    arrays made once, so that the next epoch's images can be written while this
    epoch's are in use (``training/ahead.py``).
    """

    def __init__(self, X: Array, Y: Array, buffers: int = 1) -> None:
        self.X, self.Y = X, Y
        self.buffers = [(np.empty_like(X), np.empty_like(Y)) for _ in range(buffers)]
        self.calls = 0

    def __call__(self, order: NDArray[np.intp]) -> tuple[Array, Array]:
        X_shuffled, Y_shuffled = self.buffers[self.calls % len(self.buffers)]
        self.calls += 1
        return (np.take(self.X, order, axis=0, out=X_shuffled, mode="clip"),
                np.take(self.Y, order, axis=0, out=Y_shuffled, mode="clip"))


__all__ = ["FEW_NUMBERS", "FEW_ROWS", "FLUSH_EVERY", "KEEP_ZEROS_UP_TO", "FlatArrays", "Shuffler",
           "add_flat", "all_finite", "at_least_zero", "column_sum", "end_to_end",
           "flat", "flush_tiny", "ones_vector", "pieces", "row_max", "row_sum", "zeros_of"]
