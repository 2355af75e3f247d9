"""How many neurons each layer has: the one place that reads and checks layer sizes.

A network is a chain of layers: 64 input neurons (one per pixel), maybe some hidden
layers, and one output neuron per class, for example ``[64, 32, 10]``. The hidden
sizes in the middle are the setting people change most ("tweak the hidden layers,
retrain, retest", as the article ends), and they arrive in several forms: ``--hidden
64,32`` on the command line, ``RunSettings(hidden=(64, 32))`` in Python,
``hidden_layer_sizes=(64, 32)`` in the scikit-learn estimator, ``[64, 32]`` from the
explorer. All of them are read and checked here, so the same mistake gets the same
message from every window.

Plain Python, no NumPy: the command line checks ``--hidden`` before it loads the core.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from ..errors import ConfigError, shown

#: The words that mean "no hidden layer" (the inputs feed the outputs directly).
NO_HIDDEN_LAYER = ("none", "")

#: What hidden layer sizes look like, for the message about a value that is not one.
_HIDDEN_FORM = (
    "hidden layer sizes are whole numbers separated by commas (e.g. 64,32), "
    "or none for no hidden layer"
)


def whole_number(value: Any) -> int | None:
    """``value`` as an int if it is a whole number (3, 3.0, NumPy's int64), else None.

    Never raises; True and False are not numbers here, nor is text.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    return None


def _integer_text(text: str) -> int | str:
    """``" 32"`` -> 32; text that is not an integer stays text (and is refused later).

    Only the digits 0 to 9 count, as everywhere else a number is typed: Python's ``int``
    would also take ``"1_0"``, fullwidth ``"３２"`` and Arabic-Indic ``"٣٢"``.
    """
    digits = text.strip()
    unsigned = digits[1:] if digits[:1] in ("+", "-") else digits
    if unsigned.isascii() and unsigned.isdigit():
        return int(digits)
    return text


def parse_hidden(value: str | int | Iterable[int] | None) -> tuple[int, ...]:
    """Hidden layer sizes from any of their forms, checked.

    ``"32"`` and ``32`` -> (32,); ``"64,32"`` and ``[64, 32]`` -> (64, 32);
    ``"none"``, ``()`` and None -> () (no hidden layer).

    Parameters
    ----------
    value : str, int, iterable of int, or None
        Text as ``--hidden`` takes it, one size, or a sequence of sizes.

    Returns
    -------
    tuple of int
        One size per hidden layer, first to last.

    Raises
    ------
    ConfigError
        For anything that is not whole numbers (what they look like is in the
        message), or a size below 1.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        cleaned = value.strip().lower()
        parts: list[Any] = [] if cleaned in NO_HIDDEN_LAYER else [
            _integer_text(part) for part in cleaned.split(",")
        ]
    elif isinstance(value, numbers.Real):
        parts = [value]
    else:
        try:
            parts = list(value)
        except TypeError:
            raise ConfigError(f"{_HIDDEN_FORM}; got {shown(value)}") from None
    sizes = [whole_number(part) for part in parts]
    if any(size is None for size in sizes):
        raise ConfigError(f"{_HIDDEN_FORM}; got {shown(value)}")
    if any(size < 1 for size in sizes):  # type: ignore[operator]
        raise ConfigError(f"every hidden layer needs at least 1 neuron, got {shown(value)}")
    return tuple(sizes)  # type: ignore[arg-type]


def format_hidden(hidden: Iterable[int]) -> str:
    """The inverse of ``parse_hidden``: (64, 32) -> ``"64,32"``, () -> ``"none"``."""
    hidden = tuple(hidden)
    return ",".join(str(size) for size in hidden) if hidden else NO_HIDDEN_LAYER[0]


def check_layer_sizes(sizes: Iterable[int]) -> list[int]:
    """A network's whole chain of sizes, input and output included: ``[64, 32, 10]``.

    Raises
    ------
    ConfigError
        For fewer than two sizes (a network needs inputs and outputs), or a size
        that is not a whole number of at least 1.
    """
    try:
        given = list(sizes)
    except TypeError:
        given = None
    checked = None if given is None else [whole_number(size) for size in given]
    if checked is None or any(size is None for size in checked):
        raise ConfigError(f"sizes must be a list of whole numbers, got {shown(sizes)}")
    if len(checked) < 2:
        raise ConfigError(
            "a network needs at least an input size and an output size, e.g. [64, 10]"
        )
    if any(size < 1 for size in checked):  # type: ignore[operator]
        raise ConfigError(f"every layer needs at least 1 neuron, got sizes {given}")
    return checked  # type: ignore[return-value]


__all__ = ["NO_HIDDEN_LAYER", "check_layer_sizes", "format_hidden", "parse_hidden",
           "whole_number"]
