"""An experiment: settings in, a trained and tested network out.

The article ends with the habit that makes networks better: tweak a setting (often
the hidden layers), retrain, retest, compare. A run's whole configuration is one
plain object, ``RunSettings``, that can be printed, saved, compared and replayed; it
lives in ``glassnet.app.settings`` (a module without NumPy, so the command line's help
can read it cheaply) and is re-exported here with ``parse_hidden`` and
``format_hidden``.

``run(settings)`` does what every window of glassnet does when it trains: load the
data, split off the test images (stratified, seeded), build the network, train it,
and score it on the training and test images. The command line's ``train``, the
sweeps, the explorer's live training and the tour all call it, so they all mean the
same thing by the same settings.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core.defaults import DEFAULT_LEARNING_RATES
from ..core.metrics import Evaluation, evaluate
from ..core.network import Network
from ..data.dataset import Dataset
from ..data.spec import load_dataset
from ..training import (
    Callback,
    Checkpoint,
    History,
    TrainingState,
    train,
)
from .recipes import RECIPES, settings_for
from .settings import RunSettings, format_hidden, parse_hidden


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
        Default: ``RunSettings()`` (the ``default`` recipe); a named recipe is
        ``settings_for("fast")`` or ``settings_for("best", epochs=50)``.
    data : Dataset, optional
        Use this data instead of loading ``settings.data``.
    callbacks, catch_interrupt, resume, checkpoint, checkpoint_every
        Passed to ``glassnet.train`` (see ``glassnet.store.checkpoints`` for the last three).

    Raises
    ------
    ConfigError, DataError, TrainingDiverged
        As ``glassnet.train`` and the loaders raise them; also a ConfigError for
        ``shift_pixels`` on data whose rows are not pictures (``image_shape`` None).
    """
    settings = settings or RunSettings()
    started = time.perf_counter()
    data, train_part, test_part = split_data(settings, data)
    network = settings.make_network(data.n_features, data.classes)
    history = train(
        network,
        train_part,
        **settings.train_options(),
        callbacks=callbacks,
        catch_interrupt=catch_interrupt,
        resume=resume,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        untrained_start=True,  # made just above (a resumed run's history began so too)
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


__all__ = ["RECIPES", "RunSettings", "RunResult", "run", "settings_for", "split_data",
           "parse_hidden", "format_hidden", "DEFAULT_LEARNING_RATES"]
