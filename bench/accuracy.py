"""The protocol's main table: accuracy, fit time, predict time, single-image latency.

For each of the five splits every contender is trained once, in turns (A B C ...,
then the next split), so the machine's noise is spread over all of them. Fit times
are wall seconds (and the process's CPU seconds, which a busy machine disturbs
less); the predict time is for the whole test set (360 images); the latency is one
image through the library's public predict call, the way an app would ask. Both are
the best of five runs of many calls (see ``protocol.best_per_call``), then the median
over the splits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .contenders import Contender
from .protocol import Split, best_per_call, median


@dataclass
class ContenderResult:
    name: str
    library: str
    settings: str
    accuracies: list[float] = field(default_factory=list)
    fit_seconds: list[float] = field(default_factory=list)
    fit_cpu_seconds: list[float] = field(default_factory=list)
    predict_seconds: list[float] = field(default_factory=list)
    latency_seconds: list[float] = field(default_factory=list)

    @property
    def mean_accuracy(self) -> float:
        return float(np.mean(self.accuracies))

    @property
    def std_accuracy(self) -> float:
        return float(np.std(self.accuracies))


def measure(
    contenders: list[Contender], splits: list[Split], *, latency_calls: int = 2000,
    predict_calls: int = 20,
) -> list[ContenderResult]:
    """Train and time every contender on every split, taking turns."""
    results = [ContenderResult(c.name, c.library, c.describe()) for c in contenders]
    for round_number, split in enumerate(splits):
        # Start each round with a different contender: nobody is always first.
        order = list(range(len(contenders)))
        shift = round_number % len(order)
        order = order[shift:] + order[:shift]
        for index in order:
            contender, result = contenders[index], results[index]
            wall, cpu = time.perf_counter(), time.process_time()
            model = contender.fit(split.X_train, split.y_train, split.seed)
            result.fit_seconds.append(time.perf_counter() - wall)
            result.fit_cpu_seconds.append(time.process_time() - cpu)
            predicted = np.asarray(contender.predict(model, split.X_test))
            result.accuracies.append(float(np.mean(predicted == split.y_test)))
            result.predict_seconds.append(best_per_call(
                lambda: contender.predict(model, split.X_test), predict_calls)  # noqa: B023
            )
            image = split.X_test[0]
            contender.predict_one(model, image)  # warm up (first-call costs)
            result.latency_seconds.append(best_per_call(
                lambda: contender.predict_one(model, image), latency_calls)  # noqa: B023
            )
    return results


def summary(result: ContenderResult) -> dict[str, float]:
    return {
        "mean_accuracy": result.mean_accuracy,
        "std_accuracy": result.std_accuracy,
        "fit_seconds": median(result.fit_seconds),
        "fit_cpu_seconds": median(result.fit_cpu_seconds),
        "predict_seconds": median(result.predict_seconds),
        "latency_seconds": median(result.latency_seconds),
    }
