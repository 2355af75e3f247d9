"""An experiment: settings in, a trained and tested network out.

The source ends with the habit that makes networks better: tweak a setting (often
the hidden layers), retrain, retest, compare. For that, a run's whole configuration
must be one plain object that can be printed, saved, compared and replayed. That is
``RunSettings``: every choice of a training run, with defaults that train well.

``run(settings)`` does what every window of glassnet does when it trains: load the
data, split off the test images (stratified, seeded), build the network, train it,
and score it on the training and test images. The command line's ``train``, the
sweeps, the explorer's live training and the tour all call it, so they all mean the
same thing by the same settings.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .datasets import Dataset, load_dataset
from .defaults import (
    DEFAULT_AVERAGE_FROM,
    DEFAULT_BATCH_SIZE,
    DEFAULT_EPOCHS,
    DEFAULT_INPUT_NOISE,
    DEFAULT_LEARNING_RATES,
    DEFAULT_MOMENTUM,
    DEFAULT_PATIENCE,
)
from .errors import ConfigError
from .metrics import Evaluation, evaluate
from .network import Network
from .optimizers import OPTIMIZERS, Optimizer, get_optimizer
from .training import (
    Callback,
    Checkpoint,
    History,
    TrainingState,
    train,
)


def parse_hidden(text: str | Iterable[int] | None) -> tuple[int, ...]:
    """Hidden layer sizes from text: ``"32"`` -> (32,), ``"64,32"`` -> (64, 32), ``"none"`` -> ().

    Raises
    ------
    ConfigError
        For anything that is not whole numbers of at least 1 (or "none").
    """
    if text is None:
        return ()
    if not isinstance(text, str):
        sizes = tuple(text)
    else:
        cleaned = text.strip().lower()
        if cleaned in ("none", "", "0-hidden"):
            return ()
        try:
            sizes = tuple(int(part) for part in cleaned.split(","))
        except ValueError:
            raise ConfigError(
                f"hidden layers are whole numbers separated by commas (e.g. 64,32) or 'none';"
                f" got {text!r}"
            ) from None
    if any(isinstance(s, bool) or int(s) != s or s < 1 for s in sizes):
        raise ConfigError(f"every hidden layer needs at least 1 neuron, got {text!r}")
    return tuple(int(s) for s in sizes)


def format_hidden(hidden: Iterable[int]) -> str:
    """The inverse of ``parse_hidden``: (64, 32) -> ``"64,32"``, () -> ``"none"``."""
    hidden = tuple(hidden)
    return ",".join(str(s) for s in hidden) if hidden else "none"


@dataclass
class RunSettings:
    """Every choice of one training run. Defaults train a 64-32-10 ReLU network to ~98.5%.

    The source's own network is ``RunSettings(activation="sigmoid", output="sigmoid",
    loss="squared_error", optimizer="sgd", learning_rate=1.0, batch_size=10,
    epochs=60, momentum=0, input_noise=0, average_from=None)`` (see docs/how-it-works.md).
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
    seed: int = 0
    test_fraction: float = 0.2
    dtype: str = "float64"
    data: str = "digits"

    def __post_init__(self) -> None:
        self.hidden = parse_hidden(self.hidden)
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(
                f"unknown optimizer {self.optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}"
            )
        if self.dtype not in ("float32", "float64"):
            raise ConfigError(f"dtype must be float32 or float64, got {self.dtype!r}")
        if not 0.0 < self.test_fraction < 1.0:
            raise ConfigError(f"test_fraction must be between 0 and 1, got {self.test_fraction}")

    @property
    def effective_learning_rate(self) -> float:
        """The learning rate given, or the optimizer's default."""
        if self.learning_rate is not None:
            return float(self.learning_rate)
        return DEFAULT_LEARNING_RATES[self.optimizer]

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

    def replace(self, **changes: Any) -> RunSettings:
        """A copy with some settings changed (unknown names raise ConfigError)."""
        values = self.to_dict()
        values.update(changes)
        return RunSettings.from_dict(values)

    def make_network(self, n_inputs: int, classes: Iterable[Any]) -> Network:
        """The untrained network these settings describe, for data with these classes."""
        classes = list(classes)
        return Network(
            [n_inputs, *self.hidden, len(classes)],
            activation=self.activation,
            output=self.output,
            seed=self.seed,
            dtype=self.dtype,
            classes=classes,
        )

    def make_optimizer(self) -> Optimizer:
        """The optimizer these settings describe."""
        rate = self.effective_learning_rate
        if self.optimizer == "sgd":
            return get_optimizer("sgd", learning_rate=rate, momentum=self.momentum,
                                 nesterov=self.nesterov)
        return get_optimizer(self.optimizer, learning_rate=rate)


@dataclass
class RunResult:
    """A trained network with its history and its scores on training and test images."""

    settings: RunSettings
    network: Network
    history: History
    train_evaluation: Evaluation
    test_evaluation: Evaluation
    seconds: float
    data_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def train_accuracy(self) -> float:
        return self.train_evaluation.accuracy

    @property
    def test_accuracy(self) -> float:
        return self.test_evaluation.accuracy

    def scores(self) -> dict[str, Any]:
        """The numbers worth recording, JSON-ready.

        A class with no test image (one with a single image keeps it for training)
        has no accuracy: None here, where ``per_class_accuracy`` says NaN, which
        strict JSON (model files) cannot hold.
        """
        return {
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "per_class_accuracy": {str(k): (None if v != v else v) for k, v in
                                   self.test_evaluation.per_class_accuracy.items()},
            "best_epoch": self.history.best_epoch,
            "epochs": self.history.epochs,
            "stop_reason": self.history.stop_reason,
            "seconds": self.seconds,
        }


def split_data(
    settings: RunSettings, data: Dataset | None = None
) -> tuple[Dataset, Dataset, Dataset]:
    """Load the data the settings name (unless given) and split off the test images.

    Returns (all data, training part, test part).
    """
    if data is None:
        data = load_dataset(settings.data)
    train_part, test_part = data.split(test_fraction=settings.test_fraction, seed=settings.seed)
    return data, train_part, test_part


def run(
    settings: RunSettings | None = None,
    data: Dataset | None = None,
    *,
    callbacks: Iterable[Callback] = (),
    catch_interrupt: bool = True,
    resume: TrainingState | None = None,
    checkpoint: Checkpoint | None = None,
    checkpoint_every: int = 1,
) -> RunResult:
    """Train and test a network as ``settings`` describe.

    Parameters
    ----------
    settings : RunSettings, optional
        Default: ``RunSettings()``.
    data : Dataset, optional
        Use this data instead of loading ``settings.data``.
    callbacks, catch_interrupt, resume, checkpoint, checkpoint_every
        Passed to ``glassnet.train`` (see ``glassnet.checkpoints`` for the last three).

    Raises
    ------
    ConfigError, DataError, TrainingDiverged
        As ``glassnet.train`` and the loaders raise them.
    """
    settings = settings or RunSettings()
    started = time.perf_counter()
    data, train_part, test_part = split_data(settings, data)
    network = settings.make_network(data.n_features, data.classes)
    history = train(
        network,
        train_part,
        loss=settings.loss,
        optimizer=settings.make_optimizer(),
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        validation_fraction=settings.validation_fraction,
        early_stopping=settings.early_stopping,
        patience=settings.patience,
        l2=settings.l2,
        input_noise=settings.input_noise,
        average_from=settings.average_from,
        shift_pixels=settings.shift_pixels,
        seed=settings.seed,
        callbacks=callbacks,
        catch_interrupt=catch_interrupt,
        resume=resume,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
    )
    history.config["settings"] = settings.to_dict()
    return RunResult(
        settings=settings,
        network=network,
        history=history,
        train_evaluation=evaluate(network, train_part),
        test_evaluation=evaluate(network, test_part),
        seconds=time.perf_counter() - started,
        data_name=data.name,
    )


__all__ = ["RunSettings", "RunResult", "run", "split_data", "parse_hidden", "format_hidden",
           "DEFAULT_LEARNING_RATES"]
