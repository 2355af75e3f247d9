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

from ..core.layer_sizes import whole_number
from ..errors import ConfigError


@dataclass(frozen=True)
class WholeNumber:
    """A whole number of at least ``least``; ``none_means_off`` also takes None."""

    least: int = 1
    none_means_off: bool = False

    def check(self, name: str, value: Any) -> int | None:
        if value is None and self.none_means_off:
            return None
        whole = whole_number(value)  # the one reading of a whole number (layer sizes' too)
        if whole is None or whole < self.least:
            raise ConfigError(
                f"{name} must be a whole number of at least {self.least}, got {value!r}")
        return whole


@dataclass(frozen=True)
class NonNegative:
    """A finite number of at least 0."""

    def check(self, name: str, value: Any) -> float:
        try:
            fine = not isinstance(value, bool) and math.isfinite(value) and value >= 0
        except TypeError:
            fine = False
        if not fine:
            raise ConfigError(f"{name} must be a non-negative number, got {value}")
        return value


@dataclass(frozen=True)
class FractionBelowOne:
    """A share in [0, 1): 0 means none, and all of it would leave nothing else."""

    def check(self, name: str, value: Any) -> float:
        try:
            fine = not isinstance(value, bool) and 0.0 <= value < 1.0
        except TypeError:
            fine = False
        if not fine:
            raise ConfigError(f"{name} must be in [0, 1), got {value}")
        return value


@dataclass(frozen=True)
class FractionUpToOne:
    """A share in [0, 1]; ``none_means_default`` also takes None (the caller's default)."""

    none_means_default: bool = False

    def check(self, name: str, value: Any) -> float | None:
        if value is None and self.none_means_default:
            return None
        try:
            fine = not isinstance(value, bool) and 0.0 <= value <= 1.0
        except TypeError:
            fine = False
        if not fine:
            raise ConfigError(f"{name} must be a number from 0 to 1, got {value}")
        return float(value)


#: Every numeric setting of ``glassnet.train`` and its rule.
SETTING_RULES: dict[str, WholeNumber | NonNegative | FractionBelowOne | FractionUpToOne] = {
    "epochs": WholeNumber(),
    "batch_size": WholeNumber(),
    "patience": WholeNumber(),
    "checkpoint_every": WholeNumber(),
    "average_from": WholeNumber(none_means_off=True),
    "shift_pixels": WholeNumber(least=0),
    "nudge_pixels": FractionUpToOne(none_means_default=True),
    "validation_fraction": FractionBelowOne(),
    "l2": NonNegative(),
    "input_noise": NonNegative(),
    "seed": WholeNumber(least=0),  # numpy's generators take no negative seed
}


def check_settings(**values: Any) -> dict[str, Any]:
    """The settings, each checked by its rule (ints made ints), or the first ConfigError."""
    return {name: SETTING_RULES[name].check(name, value) for name, value in values.items()}


__all__ = ["SETTING_RULES", "FractionBelowOne", "FractionUpToOne", "NonNegative", "WholeNumber",
           "check_settings"]
