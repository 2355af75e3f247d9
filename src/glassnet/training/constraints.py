"""What each setting of ``train`` may be, in one table, checked once at the entry.

``train`` checks its arguments here before anything changes, and the code behind it
(the loop and its callbacks) trusts them. Each row of ``CONSTRAINTS`` names a
setting and what it must be; a setting that breaks its row raises one ConfigError
naming the setting, the rule and the value given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..core.defaults import DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM
from ..core.losses import get_loss
from ..core.optimizers import SGD, Optimizer, get_optimizer
from ..errors import ConfigError


@dataclass(frozen=True)
class Whole:
    """A whole number of at least ``least`` (a bool is no number), given back as an int;
    None as well with ``or_none``."""

    least: int = 1
    or_none: bool = False

    def __call__(self, name: str, value: Any) -> int | None:
        if value is None and self.or_none:
            return None
        try:
            whole = (not isinstance(value, bool) and float(value).is_integer()
                     and value >= self.least)
        except (TypeError, ValueError):
            whole = False
        if not whole:
            raise ConfigError(f"{name} must be a whole number of at least {self.least}"
                              f"{' (or None)' if self.or_none else ''}, got {value!r}")
        return int(value)


@dataclass(frozen=True)
class Real:
    """A finite number from ``least`` on, and below ``below`` if given; given back as it is."""

    least: float = 0.0
    below: float | None = None

    def __call__(self, name: str, value: Any) -> Any:
        try:
            fits = (not isinstance(value, bool) and bool(np.isfinite(value))
                    and value >= self.least and (self.below is None or value < self.below))
        except TypeError:
            fits = False
        if not fits:
            allowed = (f"in [{self.least:g}, {self.below:g})" if self.below is not None
                       else "a non-negative number" if self.least == 0
                       else f"a number of at least {self.least:g}")
            raise ConfigError(f"{name} must be {allowed}, got {value!r}")
        return value


@dataclass(frozen=True)
class Named:
    """A name in a registry (or the object itself), looked up by ``find``; ``default``
    makes the object when None is given."""

    find: Callable[[Any], Any]
    default: Callable[[], Any] | None = None

    def __call__(self, name: str, value: Any) -> Any:
        if value is None and self.default is not None:
            return self.default()
        return self.find(value)  # an unknown name raises a ConfigError listing the known


def default_optimizer() -> Optimizer:
    """``train``'s optimizer when none is given: SGD with momentum, at the default rate."""
    return SGD(learning_rate=DEFAULT_LEARNING_RATE, momentum=DEFAULT_MOMENTUM)


#: Every setting of ``train`` that has a rule, and the rule (see ``train`` for their
#: meaning). ``early_stopping``, ``score_training`` and ``catch_interrupt`` are taken
#: as true or false; ``seed`` is whatever ``numpy.random.default_rng`` takes.
CONSTRAINTS: dict[str, Callable[[str, Any], Any]] = {
    "loss": Named(get_loss),
    "optimizer": Named(get_optimizer, default=default_optimizer),
    "epochs": Whole(1),
    "batch_size": Whole(1),
    "validation_fraction": Real(0.0, below=1.0),
    "patience": Whole(1),
    "l2": Real(0.0),
    "input_noise": Real(0.0),
    "average_from": Whole(1, or_none=True),
    "shift_pixels": Whole(0),
    "checkpoint_every": Whole(1),
}


def check_settings(**settings: Any) -> SimpleNamespace:
    """``settings`` with every value checked against its row of ``CONSTRAINTS``.

    Returns
    -------
    SimpleNamespace
        The same names, with whole numbers as ints and the loss and the optimizer as
        objects; settings without a row are passed on as they are.

    Raises
    ------
    ConfigError
        For the first setting, in the table's order, that breaks its rule.
    """
    checked = dict(settings)
    for name, rule in CONSTRAINTS.items():
        if name in settings:
            checked[name] = rule(name, settings[name])
    return SimpleNamespace(**checked)


__all__ = ["CONSTRAINTS", "Named", "Real", "Whole", "check_settings", "default_optimizer"]
