"""Defaults across ten splits: does any one user's first run disappoint?

A mean over five splits can hide one bad draw. Here the defaults are trained on
splits 0 to 9 (``random_state`` k for the split and seed k for the training), and the
worst of the ten is reported beside the mean: what the unluckiest of ten newcomers
would see.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .contenders import Contender
from .protocol import digits_splits

SEEDS = tuple(range(10))


def measure(contenders: list[Contender], seeds: tuple[int, ...] = SEEDS) -> dict[str, Any]:
    """Each contender's test accuracy on every split of ``seeds``, with worst and mean."""
    splits = digits_splits(seeds)
    results: dict[str, Any] = {}
    for contender in contenders:
        accuracies = []
        for split in splits:
            model = contender.fit(split.X_train, split.y_train, split.seed)
            predicted = np.asarray(contender.predict(model, split.X_test))
            accuracies.append(float(np.mean(predicted == split.y_test)))
        results[contender.name] = {"seeds": list(seeds), "accuracies": accuracies,
                                   "min_accuracy": min(accuracies),
                                   "mean_accuracy": float(np.mean(accuracies))}
    return results
