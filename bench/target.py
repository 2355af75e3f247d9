"""Time to reach 97.5% mean test accuracy over the five splits.

For a contender with a budget (epochs, or scikit-learn's ``max_iter``), budgets are
tried from small to large until the mean test accuracy over the five splits reaches
the target; training always starts from scratch, so the time of that budget is what a
user pays to get there. Then the contenders' fits at their budgets are timed again in
turns (A B C A B C ...), and the medians are compared.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .contenders import EPOCH_BUDGETS, Contender
from .protocol import TARGET_ACCURACY, Split, median


@dataclass
class TargetResult:
    name: str
    budget: int | None = None
    mean_accuracy: float = float("nan")
    tried: list[tuple[int, float]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.budget is not None


def mean_accuracy(contender: Contender, splits: list[Split], budget: int) -> float:
    accuracies = []
    for split in splits:
        model = contender.fit(split.X_train, split.y_train, split.seed, budget)
        predicted = np.asarray(contender.predict(model, split.X_test))
        accuracies.append(np.mean(predicted == split.y_test))
    return float(np.mean(accuracies))


def find_budget(contender: Contender, splits: list[Split], budgets=EPOCH_BUDGETS,
                target: float = TARGET_ACCURACY) -> TargetResult:
    """The smallest budget whose mean test accuracy reaches ``target``."""
    result = TargetResult(contender.name)
    for budget in budgets:
        accuracy = mean_accuracy(contender, splits, budget)
        result.tried.append((budget, accuracy))
        if accuracy >= target:
            result.budget, result.mean_accuracy = budget, accuracy
            break
    return result


def measure(contenders: list[Contender], splits: list[Split], rounds: int = 3,
            budgets=EPOCH_BUDGETS, same_budget: dict[str, str] | None = None,
            ) -> list[TargetResult]:
    """Find each contender's budget, then time the fits at that budget in turns.

    ``same_budget`` maps a contender's name to another's whose budget it reuses
    without searching (the same model, only run differently, e.g. on fewer threads).
    """
    same_budget = same_budget or {}
    found: dict[str, TargetResult] = {}
    for contender in contenders:
        if contender.name not in same_budget:
            found[contender.name] = find_budget(contender, splits, budgets)
    results = []
    for contender in contenders:
        if contender.name in same_budget:
            model = found[same_budget[contender.name]]
            results.append(TargetResult(contender.name, model.budget, model.mean_accuracy,
                                        list(model.tried)))
        else:
            results.append(found[contender.name])
    for _ in range(rounds):
        for split in splits:
            for contender, result in zip(contenders, results, strict=True):
                if not result.reached:
                    continue
                wall, cpu = time.perf_counter(), time.process_time()
                contender.fit(split.X_train, split.y_train, split.seed, result.budget)
                result.seconds.append(time.perf_counter() - wall)
                result.cpu_seconds.append(time.process_time() - cpu)
    return results


def summary(result: TargetResult) -> dict:
    return {"budget": result.budget, "mean_accuracy": result.mean_accuracy,
            "seconds": median(result.seconds), "cpu_seconds": median(result.cpu_seconds),
            "tried": result.tried}
