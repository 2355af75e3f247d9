"""The settings of a run: every choice of one training, as one plain object.

The article ends with the habit that makes networks better: tweak a setting (often
the hidden layers), retrain, retest, compare. For that, a run's whole configuration
must be one plain object that can be printed, saved, compared and replayed. That is
``RunSettings``, with defaults that train well (the ``default`` recipe; other named
recipes are in ``glassnet.app.recipes``); ``glassnet.app.experiment.run`` trains
what it describes. Hidden layer sizes are read and checked by
``glassnet.core.layer_sizes`` (``parse_hidden`` / ``format_hidden``, re-exported here),
the one place every window checks them.

This module does not import NumPy (the settings are plain numbers and names), so
the command line can build its options and its help from ``RunSettings`` without
loading the core. The core is imported only when it is needed: when settings are
made (the optimizer's name is checked against the registry) and when they build a
network or an optimizer. ``glassnet.app.experiment`` re-exports all three names.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.defaults import (
    DEFAULT_AVERAGE_FROM,
    DEFAULT_BATCH_SIZE,
    DEFAULT_EPOCHS,
    DEFAULT_INPUT_NOISE,
    DEFAULT_LEARNING_RATES,
    DEFAULT_MOMENTUM,
    DEFAULT_PATIENCE,
    MAX_SEED,
    MAX_WHOLE_NUMBER,
)
from ..core.layer_sizes import format_hidden, parse_hidden
from ..errors import ConfigError, shown
from .recipes import DEFAULT_RECIPE, get_recipe

#: The largest seed a recorded run can hold (SQLite's integers).
MAX_RECORDED_SEED = MAX_WHOLE_NUMBER

if TYPE_CHECKING:
    from ..core.network import Network
    from ..core.optimizers import Optimizer
    from ..data.dataset import Dataset


@dataclass
class RunSettings:
    """Every choice of one training run. Defaults train a 64-32-10 ReLU network to ~98%.

    The article's own network is ``RunSettings(activation="sigmoid", output="sigmoid",
    loss="squared_error", optimizer="sgd", learning_rate=1.0, batch_size=10,
    epochs=60, momentum=0, input_noise=0, nudge_pixels=0, average_from=None)`` (see
    docs/how-it-works.md).
    """

    hidden: tuple[int, ...] = (32,)
    activation: str = "relu"
    output: str = "softmax"
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    learning_rate: float | None = None
    momentum: float = DEFAULT_MOMENTUM
    nesterov: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    epochs: int = DEFAULT_EPOCHS
    early_stopping: bool = False
    patience: int = DEFAULT_PATIENCE
    validation_fraction: float = 0.1
    l2: float = 0.0
    input_noise: float = DEFAULT_INPUT_NOISE
    average_from: int | None = DEFAULT_AVERAGE_FROM
    shift_pixels: int = 0
    #: None: nudges of ``DEFAULT_NUDGE`` for pictures, none for other data (``train``).
    nudge_pixels: float | None = None
    seed: int = 0
    test_fraction: float = 0.2
    dtype: str = "float64"
    data: str = "digits"
    #: The recipe these settings started from (``glassnet.app.recipes``): a record of
    #: where they came from, set by ``settings_for``. The fields above are what trains.
    recipe: str = DEFAULT_RECIPE

    def __post_init__(self) -> None:
        from ..core.optimizers import OPTIMIZERS

        self.hidden = parse_hidden(self.hidden)
        get_recipe(self.recipe)  # an unknown name raises ConfigError listing the recipes
        if not isinstance(self.optimizer, str) or self.optimizer not in OPTIMIZERS:
            raise ConfigError(
                f"unknown optimizer {shown(self.optimizer)}; choose one of: {', '.join(OPTIMIZERS)}"
            )
        # New seeds are asked for up to MAX_SEED (--seed, the explorer); a run recorded
        # earlier may hold any seed the runs database can (an old --seed had no bound).
        if (not isinstance(self.seed, numbers.Integral) or isinstance(self.seed, bool)
                or not 0 <= self.seed <= MAX_RECORDED_SEED):
            raise ConfigError(f"seed must be a whole number from 0 to {MAX_SEED}, "
                              f"got {shown(self.seed)}")
        self.seed = int(self.seed)
        if self.learning_rate is not None:  # None: the optimizer's default
            from ..core.checks import positive

            positive("learning_rate", self.learning_rate)  # not "x", NaN, 0 or below
        if self.dtype not in ("float32", "float64"):
            raise ConfigError(f"dtype must be float32 or float64, got {shown(self.dtype)}")
        fraction = self.test_fraction
        if (isinstance(fraction, bool) or not isinstance(fraction, numbers.Real)
                or not 0.0 < fraction < 1.0):  # (an int beyond any float compares fine)
            raise ConfigError(f"test_fraction must be between 0 and 1, got {shown(fraction)}")

    @property
    def effective_learning_rate(self) -> float:
        """The learning rate given, or the optimizer's default."""
        if self.learning_rate is not None:
            return float(self.learning_rate)
        return DEFAULT_LEARNING_RATES[self.optimizer]

    @property
    def averaged_epochs(self) -> int:
        """How many of the run's last epochs are averaged: 0 when averaging starts
        after the last one, or not at all."""
        if self.average_from is None:
            return 0
        return max(0, self.epochs - self.average_from + 1)

    def averaging_advice(self) -> str | None:
        """What to change when weight averaging covers too little of the run, else None.

        ``average_from`` is an epoch number, not a share of the run, so a shorter run
        keeps it: the default's averaging from epoch 40 of 80 covers the last 41
        epochs, but with ``epochs=40`` only the last one, and with 30 none at all,
        without any error. Averaging helps when it spans many of the zig-zagging
        epochs, so this speaks up when it spans fewer than a quarter of a run of 4
        epochs or more, and suggests starting it halfway.

        Examples
        --------
        >>> RunSettings().averaging_advice() is None
        True
        >>> RunSettings(epochs=30).averaging_advice().split(";")[1]
        ' --average-from 16 averages the second half of the run'
        """
        if self.average_from is None or self.epochs < 4:  # too short to have a half to average
            return None
        averaged = self.averaged_epochs
        if 4 * averaged >= self.epochs:
            return None
        if averaged == 0:
            covered = (f"after the last epoch ({self.epochs}), so they are not averaged "
                       "at all")
        elif averaged == 1:
            covered = f"so only the last of the {self.epochs} epochs is averaged"
        else:
            covered = f"so only the last {averaged} of the {self.epochs} epochs are averaged"
        return (f"weights are averaged from epoch {self.average_from} on, {covered}; "
                f"--average-from {self.epochs - self.epochs // 2 + 1} averages the second "
                "half of the run")

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict (hidden as a list)."""
        values = dataclasses.asdict(self)
        values["hidden"] = list(self.hidden)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunSettings:
        """Rebuild settings from ``to_dict()``; unknown keys raise ConfigError."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            valid = ", ".join(sorted(known))
            raise ConfigError(f"unknown settings {unknown}; valid settings: {valid}")
        return cls(**values)

    def for_epochs(self, epochs: int) -> RunSettings:
        """These settings for a run of ``epochs`` epochs that averages the same share of it.

        ``average_from`` is an epoch number (see ``averaging_advice``), so changing
        ``epochs`` alone can leave a recipe averaging nothing. Where a person picks only
        the length of a run (the explorer's form), this keeps the recipe's plan: the
        live default averages the last 31 of its 60 epochs, so 20 epochs average the
        last 10 (from epoch 11) and 120 the last 62.

        >>> RunSettings(epochs=60, average_from=30).for_epochs(20).average_from
        11
        """
        return self.replace(epochs=epochs, average_from=self.average_from_for(epochs))

    def average_from_for(self, epochs: int) -> int | None:
        """The ``average_from`` of ``for_epochs(epochs)``, without making its settings."""
        if self.average_from is None or epochs == self.epochs:
            return self.average_from
        share = self.averaged_epochs / self.epochs
        averaged = min(epochs, max(1, math.floor(share * epochs + 0.5)))
        return epochs - averaged + 1

    def replace(self, **changes: Any) -> RunSettings:
        """A copy with some settings changed (unknown names raise ConfigError)."""
        values = self.to_dict()
        values.update(changes)
        return RunSettings.from_dict(values)

    def make_network(self, n_inputs: int, classes: Iterable[Any]) -> Network:
        """The untrained network these settings describe, for data with these classes."""
        from ..core.network import Network

        classes = list(classes)
        return Network(
            [n_inputs, *self.hidden, len(classes)],
            activation=self.activation,
            output=self.output,
            seed=self.seed,
            dtype=self.dtype,
            classes=classes,
        )

    def train_options(self) -> dict[str, Any]:
        """The keyword arguments of ``glassnet.train`` these settings ask for.

        Everything but the network and the data: ``run`` trains with these, and so
        does the benchmark, so both mean the same training by the same settings.
        """
        return {
            "loss": self.loss,
            "optimizer": self.make_optimizer(),
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "validation_fraction": self.validation_fraction,
            "early_stopping": self.early_stopping,
            "patience": self.patience,
            "l2": self.l2,
            "input_noise": self.input_noise,
            "average_from": self.average_from,
            "shift_pixels": self.shift_pixels,
            "nudge_pixels": self.nudge_pixels,
            "seed": self.seed,
        }

    def checked_numbers(self, data: Dataset | None = None) -> dict[str, Any]:
        """The numbers these settings give ``train``, checked by ``train``'s own rules.

        ``train`` checks them itself, but only when it starts. A window that prints
        or plans before that (the command line's notes, a sweep's combinations) asks
        here first, so a wrong number is its first word. With ``data``, also that the
        pixel shifts and nudges fit its pictures (``training.augmentation.movements``).
        Returns the numbers as checked (whole numbers made ints), or raises the first
        ConfigError. (What is not a setting here, such as ``checkpoint_every``, is
        the caller's to check.)
        """
        from ..training.augmentation import movements
        from ..training.rules import SETTING_RULES, check_settings

        checked = check_settings(**{name: getattr(self, name) for name in SETTING_RULES
                                    if hasattr(self, name)})
        if data is not None:
            movements(data, data.n_features, checked["shift_pixels"], checked["nudge_pixels"])
        return checked

    def make_optimizer(self) -> Optimizer:
        """The optimizer these settings describe."""
        from ..core.optimizers import get_optimizer

        rate = self.effective_learning_rate
        if self.optimizer == "sgd":
            return get_optimizer("sgd", learning_rate=rate, momentum=self.momentum,
                                 nesterov=self.nesterov)
        return get_optimizer(self.optimizer, learning_rate=rate)


__all__ = ["RunSettings", "parse_hidden", "format_hidden"]
