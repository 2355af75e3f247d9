"""The checks at the core's door: is this really something the network can take?

The math in ``network.py`` and ``optimizers.py`` trusts its arrays: a weighted sum
is one line because it never asks whether its inputs are numbers. That trust is
earned here. Each public entry point (``Network.forward``, ``backward``,
``set_parameters``, an optimizer's settings, ...) calls one of these checks once,
the way scikit-learn validates at the door and not in every loop, and every check
raises a typed error (``DataError`` for data, ``ConfigError`` for settings) whose
message says what was expected.

Why each check exists:

- NaN and inf are refused: a network fed NaN silently answers "class 0".
- Shapes are stated in the message: "expected (n, 64)" helps more than NumPy's
  "matmul: Input operand 1 has a mismatch in its core dimension".
- Finite but huge inputs (1e308) can overflow inside the network into
  inf - inf = NaN, or tied sums of inf; ``refuse_overflow`` catches both at the output.
- A Python int beyond any float (``10**400``) makes NumPy raise OverflowError, not
  the TypeError or ValueError of text; ``NOT_NUMBERS`` names all three, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConfigError, DataError, shown
from .speed import all_finite

Array = NDArray[np.floating]

#: What turning values into a float array raises when they are not usable numbers:
#: TypeError or ValueError for text and ragged lists, OverflowError for an int too
#: large for any float (10**400, which JSON and Python both allow).
NOT_NUMBERS = (TypeError, ValueError, OverflowError)


def not_numbers(what: str, error: Exception) -> DataError:
    """The DataError for ``what`` (inputs, X, a parameter) that could not become floats."""
    if isinstance(error, OverflowError):
        return DataError(f"{what}: a number is too large for any float ({error})")
    return DataError(f"{what} must be numbers: {error}")


#: The whole-number labels a network keeps (as int64, in memory and in model files).
LABEL_INT_LOW, LABEL_INT_HIGH = -(2**63), 2**63 - 1


#: The number types a network can compute in, by name.
DTYPES = {"float32": np.float32, "float64": np.float64}


def generator(seed: Any) -> np.random.Generator:
    """The random generator a seed names: a ``Generator`` as it is, else a new one from
    a whole number >= 0 (or None: fresh entropy), the one way randomness starts.

    Raises ConfigError for anything NumPy would refuse (-1, 1.5, "5"), and for
    ``True``, which NumPy would take as the seed 1.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool | np.bool_):
        raise ConfigError(f"a seed is a whole number of at least 0, got {shown(seed)}")
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"unusable seed {shown(seed)}: {error}") from None


def check_dtype(dtype: Any) -> type:
    """``np.float32`` or ``np.float64`` from either of them or its name, else ConfigError."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = str(dtype)
    if name not in DTYPES:
        raise ConfigError(f"dtype must be float32 or float64, got {shown(dtype)}")
    return DTYPES[name]


def check_classes(classes: Sequence[Any] | None, n_outputs: int) -> NDArray[Any]:
    """The label each output neuron stands for: ``0 .. n_outputs-1`` unless given.

    A single output neuron answers a yes/no question, so it stands for two classes.
    """
    if classes is None:
        return np.arange(2) if n_outputs == 1 else np.arange(n_outputs)
    labels = np.asarray(classes)
    expected = 2 if n_outputs == 1 else n_outputs
    if labels.ndim != 1:
        raise ConfigError(f"classes is a list of {expected} labels, got {shown(classes)}")
    if len(labels) != expected:
        raise ConfigError(
            f"{n_outputs} output neuron(s) need {expected} class labels, got {len(labels)}"
        )
    try:
        distinct = len(np.unique(labels))
    except TypeError:  # None beside numbers, say: labels that cannot be put in order
        raise ConfigError(f"class labels must be all numbers or all text, got "
                          f"{shown(labels.tolist())}") from None
    if distinct != len(labels):
        raise ConfigError("class labels must be distinct")
    return labels


def as_inputs(X: ArrayLike, n_inputs: int, dtype: type) -> Array:
    """``X`` as a (n, n_inputs) array of ``dtype``; one image may be a flat vector.

    Raises
    ------
    DataError
        If X is not numbers, has the wrong shape, no rows, or NaN or inf in it.
    """
    given = X
    _refuse_complex(given, "inputs")
    try:
        X = np.asarray(X, dtype=dtype)
    except NOT_NUMBERS as error:
        raise not_numbers("inputs", error) from None
    if X.ndim == 1:
        X = X.reshape(1, -1)
    if X.ndim != 2 or X.shape[1] != n_inputs:
        raise DataError(
            f"expected inputs of shape (n, {n_inputs}), got {X.shape}: this network "
            f"takes {n_inputs} numbers per image"
        )
    if X.shape[0] == 0:
        raise DataError("no inputs given (0 rows)")
    if not all_finite(X):
        raise DataError(_not_finite(given, dtype, "inputs"))
    return X


def _not_finite(given: ArrayLike, dtype: type, what: str) -> str:
    """Why ``given`` held no finite ``dtype`` numbers: NaN or inf, or too large for dtype.

    A float32 network turns 1e308, finite in float64, into inf: then the numbers are
    not infinite, they are too large for it. Worked out only once the check failed.
    """
    try:
        finite_as_given = bool(np.isfinite(np.asarray(given, dtype=np.float64)).all())
    except (TypeError, ValueError, OverflowError):
        finite_as_given = False
    if finite_as_given:
        largest = float(np.finfo(dtype).max)
        return (f"{what} are too large for this {np.dtype(dtype).name} network: it holds "
                f"numbers up to about {largest:.2g}; give numbers on the scale it was "
                "trained on (pixels about 0 to 1)")
    return f"{what} contain NaN or infinite values"


def as_ideal_outputs(Y: ArrayLike, n_images: int, n_outputs: int, dtype: type) -> Array:
    """``Y`` as (n_images, n_outputs) ideal outputs of ``dtype``, one row per image.

    Raises
    ------
    DataError
        If Y is not numbers, not one row per image (labels given instead of one-hot
        rows are named as such), or has NaN or inf in it.
    """
    try:
        Y = np.asarray(Y, dtype=dtype)
    except NOT_NUMBERS as error:
        raise not_numbers("ideal outputs", error) from None
    if Y.shape != (n_images, n_outputs):
        labels = " (labels? network.targets(labels) turns them into ideal outputs)"
        raise DataError(
            f"expected ideal outputs of shape ({n_images}, {n_outputs}), one row "
            f"of {n_outputs} per image, got {Y.shape}" + (labels if Y.ndim == 1 else "")
        )
    if not all_finite(Y):
        raise DataError("ideal outputs contain NaN or infinite values")
    return Y


def _refuse_complex(values: Any, what: str) -> None:
    """A complex array would be cast to its real part with only a warning: refuse it.

    (A list of complex numbers is refused by the cast itself.)"""
    if getattr(getattr(values, "dtype", None), "kind", None) == "c":
        raise DataError(f"{what} must hold real numbers, not complex ones")


def as_numbers(values: ArrayLike, dtype: type, what: str) -> Array:
    """``values`` as a ``dtype`` array of any shape, or the DataError saying why not."""
    _refuse_complex(values, what)
    try:
        return np.asarray(values, dtype=dtype)
    except NOT_NUMBERS as error:
        raise not_numbers(what, error) from None


def as_parameter(values: ArrayLike, shape: tuple[int, ...], dtype: type, what: str) -> Array:
    """``values`` as a ``dtype`` array, if it has ``shape`` and only finite numbers."""
    array = as_numbers(values, dtype, what)
    if array.shape != shape:
        raise DataError(f"{what} must have shape {shape}, got {array.shape}")
    if not all_finite(array):
        raise DataError(f"{what} must be finite numbers (found NaN or inf)")
    return array


#: What to do about inputs a trained network overflows on (``refuse_overflow``).
ON_ITS_SCALE = "give numbers on the scale it was trained on (pixels about 0 to 1)"
#: ... and about training images it overflows on before its first step.
TO_LEARN_FROM = "scale them to about 0 to 1 before training"


def refuse_overflow(values: Array, advice: str = ON_ITS_SCALE) -> Array:
    """``values`` unchanged, unless the network overflowed into inf or NaN computing them.

    Finite but huge inputs (say 1e308) can overflow inside the network: to inf - inf =
    NaN, or to output sums of +inf tied, and argmax would then silently answer the
    first class. ``advice`` says what to do instead.
    """
    if not all_finite(values):
        raise DataError("the network's values overflowed (to inf or NaN) for these inputs: "
                        f"they are far too large; {advice}")
    return values


def label_positions(classes: NDArray[Any], y: ArrayLike) -> NDArray[np.intp]:
    """The index in ``classes`` of each label in ``y``; an unknown label is a DataError."""
    y = np.asarray(y)
    order = np.argsort(classes, kind="stable")
    sorted_classes = classes[order]
    try:
        positions = np.searchsorted(sorted_classes, y)
    except TypeError:
        raise DataError(f"labels of type {y.dtype} do not match classes "
                        f"{shown(classes.tolist())}") from None
    positions = np.clip(positions, 0, len(sorted_classes) - 1)
    unknown = sorted_classes[positions] != y
    if np.any(unknown):
        bad = np.unique(y[unknown])[:5]
        raise DataError(f"labels {shown(bad.tolist())} are not among this network's classes "
                        f"{shown(classes.tolist())}")
    return order[positions]


def positive(name: str, value: float) -> float:
    """A setting that must be a finite number above 0 (a learning rate, epsilon)."""
    value = _number(name, value)
    if not np.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be a positive number, got {value}")
    return value


def non_negative(name: str, value: float) -> float:
    """A setting that must be a finite number of at least 0 (a weight decay ``l2``)."""
    value = _number(name, value)
    if not np.isfinite(value) or value < 0:
        raise ConfigError(f"{name} must be a non-negative number, got {value}")
    return value


def fraction(name: str, value: float) -> float:
    """A setting in [0, 1): a momentum, or how much of the past an average keeps."""
    value = _number(name, value)
    if not 0.0 <= value < 1.0:
        raise ConfigError(f"{name} must be in [0, 1), got {value}")
    return value


def _number(name: str, value: Any) -> float:
    try:
        return float(value)
    except OverflowError:  # an int beyond any float, such as 10**400
        raise ConfigError(f"{name} must be a finite number; this one is too large") from None
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {shown(value)}") from None


__all__ = ["DTYPES", "LABEL_INT_HIGH", "LABEL_INT_LOW", "NOT_NUMBERS", "as_ideal_outputs",
           "as_inputs", "as_numbers", "as_parameter", "check_classes", "check_dtype",
           "fraction", "generator", "label_positions", "non_negative", "not_numbers", "positive",
           "refuse_overflow"]
