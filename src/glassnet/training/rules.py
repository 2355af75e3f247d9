"""What each number ``train`` takes may be: one table, checked once at the entry.

``train`` has many settings, and a wrong one should fail at once with a sentence
naming it, not deep inside the loop as a NumPy error. So every numeric setting has a
rule in ``SETTING_RULES``, ``check_settings`` applies them all before anything
changes, and the code after it trusts its inputs (scikit-learn's estimators keep
their parameter constraints the same way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..core.defaults import MAX_EPOCHS, MAX_WHOLE_NUMBER
from ..core.layer_sizes import whole_number
from ..errors import ConfigError, shown


@dataclass(frozen=True)
class WholeNumber:
    """A whole number from ``least`` to ``most``; ``none_means_off`` also takes None."""

    least: int = 1
    none_means_off: bool = False
    most: int = MAX_WHOLE_NUMBER  # what the runs database and glassnet's files hold

    def check(self, name: str, value: Any) -> int | None:
        if value is None and self.none_means_off:
            return None
        whole = whole_number(value)  # the one reading of a whole number (layer sizes' too)
        if whole is None or whole < self.least:
            raise ConfigError(
                f"{name} must be a whole number of at least {self.least}, got {shown(value)}")
        if whole > self.most:
            raise ConfigError(f"{name} must be at most {self.most:,}, got {shown(value)}")
        return whole


@dataclass(frozen=True)
class NonNegative:
    """A finite number of at least 0."""

    def check(self, name: str, value: Any) -> float:
        try:
            fine = not isinstance(value, bool) and math.isfinite(value) and value >= 0
        except OverflowError:  # an int beyond any float, such as 10**400
            raise ConfigError(f"{name} must be a finite number; this one is too large") from None
        except TypeError:
            fine = False
        if not fine:
            raise ConfigError(f"{name} must be a non-negative number, got {shown(value)}")
        return value


@dataclass(frozen=True)
class Fraction:
    """A share from 0 to 1, with 1 itself only when ``including_one``.

    A validation fraction stops short of 1 (all of it would leave nothing to learn
    from); a nudge of a whole pixel is still a move. ``none_means_default`` also takes
    None (the caller's default).
    """

    including_one: bool = False
    none_means_default: bool = False

    def check(self, name: str, value: Any) -> float | None:
        if value is None and self.none_means_default:
            return None
        try:
            fine = not isinstance(value, bool) and 0.0 <= value and (
                value <= 1.0 if self.including_one else value < 1.0)
        except (TypeError, ValueError):  # not a number, or an array of them
            fine = False
        if not fine:
            allowed = "a number from 0 to 1" if self.including_one else "in [0, 1)"
            raise ConfigError(f"{name} must be {allowed}, got {shown(value)}")
        return float(value)


#: Every numeric setting of ``glassnet.train`` and its rule.
SETTING_RULES: dict[str, WholeNumber | NonNegative | Fraction] = {
    "epochs": WholeNumber(most=MAX_EPOCHS),
    "batch_size": WholeNumber(),
    "patience": WholeNumber(),  # more than the epochs: never stop early
    "checkpoint_every": WholeNumber(),  # more than the epochs: only at the end
    "average_from": WholeNumber(none_means_off=True, most=MAX_EPOCHS),
    "shift_pixels": WholeNumber(least=0),
    "nudge_pixels": Fraction(including_one=True, none_means_default=True),
    "validation_fraction": Fraction(),
    "l2": NonNegative(),
    "input_noise": NonNegative(),
    "seed": WholeNumber(least=0),  # numpy's generators take no negative seed
}


def check_settings(**values: Any) -> dict[str, Any]:
    """The settings, each checked by its rule (ints made ints), or the first ConfigError."""
    return {name: SETTING_RULES[name].check(name, value) for name, value in values.items()}


__all__ = ["MAX_EPOCHS", "SETTING_RULES", "Fraction", "NonNegative", "WholeNumber",
           "check_settings"]
