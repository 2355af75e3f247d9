"""A new writer as test data: score a learner's own drawings, and train a copy on them.

The UCI digits were written by people the network never saw, and its test score says
how well it does on such strangers. A learner who draws each digit a few times is one
more stranger. ``score_writer`` puts the learner's drawings beside the test images;
``train_on_writer`` trains a *copy* of the network for a few epochs on some of the
drawings and scores it again, on the test images and on the drawings it was not
trained on, so the learner sees what a little of their own handwriting teaches it
and what it costs on everyone else's.

The drawings never join the test images: they are scored apart, and split apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.metrics import evaluate
from ..core.network import Network
from ..data.dataset import Dataset
from ..errors import ConfigError
from ..training import train

WRITER_LEARNING_RATE = 0.01
"""Adam's step for the few epochs on the drawings: small, so a handful of images nudge."""


def writer_dataset(numbers: np.ndarray, labels: list[int], classes: Any) -> Dataset:
    """The prepared drawings (n, 64) with their labels, as a Dataset with the network's classes."""
    return Dataset(numbers, np.asarray(labels), classes=classes, name="your handwriting",
                   image_shape=(8, 8))


def split_writer(labels: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Which drawings to train on and which to keep apart: every second drawing of each digit.

    Returns the two index arrays (train, kept apart). A digit drawn once is trained on.

    Raises
    ------
    ConfigError
        If nothing would be kept apart (no digit was drawn twice).
    """
    seen: dict[int, int] = {}
    train_rows, kept_rows = [], []
    for row, label in enumerate(labels):
        (kept_rows if seen.get(label, 0) % 2 else train_rows).append(row)
        seen[label] = seen.get(label, 0) + 1
    if not kept_rows:
        raise ConfigError("draw at least one digit twice: every second drawing of a digit "
                          "is kept apart to test on")
    return np.asarray(train_rows), np.asarray(kept_rows)


def score_writer(network: Network, writer: Dataset, test: Dataset) -> dict[str, Any]:
    """How ``network`` scores on the drawings, beside its test score, and which it gets wrong.

    Returns
    -------
    dict
        ``writer``: accuracy, correct, total and ``guesses`` (one per drawing);
        ``test``: accuracy and total; ``wrong``: the drawings it gets wrong
        (index, label, guess).
    """
    on_writer = evaluate(network, writer)
    guesses = [int(g) for g in network.predict(writer.X)]
    labels = [int(label) for label in writer.y]
    correct = sum(g == label for g, label in zip(guesses, labels, strict=True))
    return {
        "writer": {"accuracy": on_writer.accuracy, "correct": correct, "total": len(labels),
                   "guesses": guesses},
        "test": {"accuracy": evaluate(network, test).accuracy, "total": len(test)},
        "wrong": [{"index": index, "label": label, "guess": guess}
                  for index, (label, guess) in enumerate(zip(labels, guesses, strict=True))
                  if guess != label],
    }


def train_on_writer(network: Network, writer: Dataset, test: Dataset, *, epochs: int,
                    loss: str, seed: int = 0) -> dict[str, Any]:
    """Train a copy of ``network`` on half the drawings; score before and after.

    ``network`` itself is never changed. Every second drawing of each digit is kept
    apart (``split_writer``), so "after" is measured on drawings the copy never learned
    from, as well as on the test images.

    Returns
    -------
    dict
        ``before`` and ``after``: each ``{"test": accuracy, "kept_apart": accuracy,
        "trained_on": accuracy}``; ``trained_on`` and ``kept_apart``: the drawing indices;
        ``epochs``; and ``network`` (the trained copy, for a caller that adopts it).
    """
    train_rows, kept_rows = split_writer([int(label) for label in writer.y])
    trained_on, kept_apart = writer.take(train_rows), writer.take(kept_rows)

    def scores(model: Network) -> dict[str, float]:
        return {"test": evaluate(model, test).accuracy,
                "kept_apart": evaluate(model, kept_apart).accuracy,
                "trained_on": evaluate(model, trained_on).accuracy}

    before = scores(network)
    copy = network.copy()
    train(copy, trained_on, loss=loss, optimizer=_optimizer(), epochs=epochs,
          batch_size=min(16, len(trained_on)), input_noise=0.0, nudge_pixels=0.0,
          average_from=None, score_training=False, seed=seed, catch_interrupt=False)
    return {"before": before, "after": scores(copy), "epochs": epochs,
            "trained_on": train_rows.tolist(), "kept_apart": kept_rows.tolist(),
            "network": copy}


def _optimizer() -> Any:
    from ..core.optimizers import get_optimizer

    return get_optimizer("adam", learning_rate=WRITER_LEARNING_RATE)


__all__ = ["score_writer", "train_on_writer", "split_writer", "writer_dataset"]
