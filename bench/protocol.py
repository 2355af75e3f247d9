"""The benchmark protocol's data and the tools every measurement shares.

The data is scikit-learn's copy of the UCI digits with pixels divided by 16, split
five times into 80% training and 20% test images, stratified, with
``random_state`` 0 to 4: the *tuning splits*, on which settings have been chosen.
The *confirmation splits* (``random_state`` 100 to 104) are made the same way, and
no setting is ever chosen on them: a figure there says how a recipe does on data
nobody tuned it for. Timings on a shared machine are noisy, so contenders are
measured in turns (A B A B ...) within one run and compared by their medians.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np

SPLIT_SEEDS = (0, 1, 2, 3, 4)
#: Never looked at while choosing a setting; only reported (see the module).
CONFIRMATION_SEEDS = (100, 101, 102, 103, 104)
TARGET_ACCURACY = 0.975


@dataclass
class Split:
    """One train/test split of the digits: X (n, 64) in 0..1, y (n,) ints 0..9."""

    seed: int
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def digits_splits(seeds: Iterable[int] = SPLIT_SEEDS) -> list[Split]:
    """The protocol's splits: load_digits, X / 16, train_test_split(0.2, stratified)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X, y = digits.data / 16.0, digits.target
    splits = []
    for seed in seeds:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.2, stratify=y, random_state=seed
        )
        splits.append(Split(seed, X_train, X_test, y_train, y_test))
    return splits


def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one call, and what it returned."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def per_call(function: Callable[[], Any], calls: int) -> float:
    """Average wall seconds per call over ``calls`` calls in a row."""
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls


def best_per_call(function: Callable[[], Any], calls: int, repeats: int = 5) -> float:
    """Seconds per call in the least disturbed of ``repeats`` runs of ``calls`` calls.

    A call of microseconds is either undisturbed or hit by the scheduler; the best run
    is the cost of the call itself, the others add the machine's noise.
    """
    return min(per_call(function, calls) for _ in range(repeats))


def alternate(functions: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Call each function once per round, in turns (A B C A B C ...); collect what they return.

    Each function measures itself and returns seconds, so that slow set-up stays out
    of the number. Taking turns spreads the machine's noise over every contender.
    """
    results: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            results[name].append(function())
    return results


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def blas_description() -> str:
    """NumPy's BLAS as threadpoolctl sees it: library, kernel architecture, threads."""
    from threadpoolctl import threadpool_info

    for pool in threadpool_info():
        if pool.get("user_api") == "blas" and "numpy" in pool.get("filepath", ""):
            return (f"{pool.get('internal_api')} {pool.get('version')} "
                    f"({pool.get('architecture', '?')} kernels, {pool.get('num_threads')} threads)")
    return "unknown"


def machine_facts() -> dict[str, str]:
    """Where and when the numbers were taken."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    facts = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "load average at start (1, 5, 15 min)": load,
        "python": platform.python_version(),
        "numpy BLAS": blas_description(),
    }
    for package in ("glassnet", "numpy", "scikit-learn", "torch", "threadpoolctl"):
        facts[package] = version_of(package)
    for variable in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS"):
        if os.environ.get(variable):
            facts[variable] = os.environ[variable]
    return facts
