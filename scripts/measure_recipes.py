"""Measure the named recipes on the benchmark's splits, and each ingredient switched off.

    PYTHONPATH=src nice -n 10 python scripts/measure_recipes.py [--out results.json]

Every recipe is trained on the tuning splits (``random_state`` 0 to 4) and on the
confirmation splits (100 to 104) of ``bench.protocol`` (scikit-learn's
``train_test_split``, 20% test, stratified, pixels / 16), through the benchmark's own
contenders (``bench.contenders``), so these are the benchmark's settings, not a second
copy. Next to them: scikit-learn's SVC and MLP (defaults, and its fastest setting), and
the ensemble of three ``best`` networks on two splits. Then the ablations: each
ingredient of ``best``, of ``fast`` and of the defaults as ``train()`` runs them
switched off in turn, on the five tuning splits. Fit times are wall
seconds of one fit, medians over the splits; on a shared machine read them as rough
sizes. ``--only timing`` times the fits once more with NumPy's BLAS held to one thread
(``threadpoolctl``), in CPU seconds of this process: on a busy machine that is steadier
than wall time, and the same for every library. The figures in docs/how-it-works.md
("Recipes") come from this script.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the bench package

from bench import contenders  # noqa: E402
from bench.protocol import CONFIRMATION_SEEDS, SPLIT_SEEDS, digits_splits, machine_facts  # noqa: E402

#: The recipes measured, in the order the tables list them.
RECIPE_NAMES = ("default", "fast", "best")
#: Each ingredient of a recipe switched off (or back to the default's choice).
BEST_ABLATIONS = {
    "without nudges": {"nudge_pixels": 0.0},
    "without input noise": {"input_noise": 0.0},
    "without weight averaging": {"average_from": None},
    "narrow (one layer of 32)": {"hidden": (32,)},
    "without momentum": {"momentum": 0.0},
    "float64": {"dtype": "float64"},
    "with a 10% validation split": {"validation_fraction": 0.1},
}
FAST_ABLATIONS = {
    "with nudges of 0.5": {"nudge_pixels": 0.5},
    "with input noise 0.3": {"input_noise": 0.3},
    "without weight averaging": {"average_from": None},
    "narrow (one layer of 32)": {"hidden": (32,)},
    "SGD (0.1, momentum 0.9) instead of Adam": {"optimizer": "sgd", "learning_rate": 0.1},
    "float64": {"dtype": "float64"},
    "with a 10% validation split": {"validation_fraction": 0.1},
}
#: The default's, measured as ``train()`` runs it (no validation split, like the
#: benchmark's "glassnet defaults").
DEFAULT_ABLATIONS = {
    "without nudges": {"nudge_pixels": 0.0},
    "without input noise": {"input_noise": 0.0},
    "without nudges or input noise": {"nudge_pixels": 0.0, "input_noise": 0.0},
    "without weight averaging": {"average_from": None},
    "batches of 32 at rate 0.1": {"batch_size": 32, "learning_rate": 0.1},
    "the defaults before nudges (batches of 32 at 0.1, noise 0.3)": {
        "batch_size": 32, "learning_rate": 0.1, "input_noise": 0.3, "nudge_pixels": 0.0},
}


def recipe_contender(name: str, recipe: str, **overrides) -> contenders.Glassnet:
    return contenders.Glassnet(name, recipe=recipe, overrides=overrides)


def measure(contender: contenders.Contender, splits) -> dict:
    """Accuracy, fit wall seconds and fit CPU seconds of one contender on each split."""
    accuracies, seconds, cpu_seconds = [], [], []
    for split in splits:
        started, cpu_started = time.perf_counter(), time.process_time()
        model = contender.fit(split.X_train, split.y_train, split.seed)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        predicted = np.asarray(contender.predict(model, split.X_test))
        accuracies.append(float(np.mean(predicted == split.y_test)))
    return {"splits": [split.seed for split in splits], "accuracies": accuracies,
            "mean_accuracy": float(np.mean(accuracies)), "min_accuracy": min(accuracies),
            "fit_seconds": statistics.median(seconds),
            "fit_cpu_seconds": statistics.median(cpu_seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("recipes-measured.json"))
    parser.add_argument("--only", default="main,ablations",
                        help="comma-separated sections: main, ablations, timing")
    parser.add_argument("--recipe", action="append", choices=RECIPE_NAMES, default=[],
                        help="measure only this recipe (again for more), and none of the "
                             "other contenders; default: everything")
    arguments = parser.parse_args()
    sections = arguments.only.split(",")
    tuning, confirmation = digits_splits(SPLIT_SEEDS), digits_splits(CONFIRMATION_SEEDS)
    results: dict = {"machine": machine_facts(), "main": {}, "ablations": {}, "timing": {}}
    recipes = arguments.recipe or list(RECIPE_NAMES)
    if "main" in sections:
        measure_main(results, tuning, confirmation, recipes, others=not arguments.recipe)
    if "ablations" in sections:
        measure_ablations(results, tuning, recipes)
    if "timing" in sections:
        measure_timing(results, tuning[:3], recipes, others=not arguments.recipe)
    arguments.out.write_text(json.dumps(results, indent=1, default=str))
    print(f"written to {arguments.out}")


def measure_main(results: dict, tuning, confirmation, recipes, others: bool) -> None:
    """Each recipe and the other contenders on the tuning and the confirmation splits.

    The ensemble of three ``best`` networks is measured with ``best``; ``others``
    adds the SVC and scikit-learn's MLPs.
    """
    line_up = [recipe_contender(name, name) for name in recipes]
    if others:
        line_up += [contenders.SVC, contenders.SKLEARN_DEFAULTS, contenders.SKLEARN_FASTEST]
    for contender in line_up:
        for kind, splits in (("tuning", tuning), ("confirmation", confirmation)):
            figures = measure(contender, splits)
            results["main"].setdefault(contender.name, {})[kind] = figures
            print(f"{contender.name:<28} {kind:<12} {figures['mean_accuracy']:.2%} "
                  f"(min {figures['min_accuracy']:.2%})  {figures['fit_seconds']:.2f} s",
                  flush=True)
    if "best" not in recipes:
        return
    ensemble = contenders.GLASSNET_RECOMMENDED
    for kind, splits in (("tuning", tuning[:2]), ("confirmation", confirmation[:2])):
        figures = measure(ensemble, splits)
        results["main"].setdefault(ensemble.name, {})[kind] = figures
        print(f"{ensemble.name:<28} {kind:<12} {figures['mean_accuracy']:.2%}  "
              f"{figures['fit_seconds']:.2f} s", flush=True)


def measure_ablations(results: dict, tuning, recipes) -> None:
    """Each of ``recipes`` that has ablations, with one ingredient switched off at a time."""
    for recipe, ablations, splits, base in (
            ("best", BEST_ABLATIONS, tuning, {}),
            ("fast", FAST_ABLATIONS, tuning, {}),
            ("default", DEFAULT_ABLATIONS, tuning, {"validation_fraction": 0.0})):
        if recipe not in recipes:
            continue
        rows = {"as the recipe": measure(recipe_contender(recipe, recipe, **base), splits)}
        for change, overrides in ablations.items():
            rows[change] = measure(recipe_contender(change, recipe, **base, **overrides),
                                   splits)
        for change, figures in rows.items():
            print(f"{recipe} {change:<40} {figures['mean_accuracy']:.2%}  "
                  f"{figures['fit_seconds']:.2f} s", flush=True)
        results["ablations"][recipe] = rows


def measure_timing(results: dict, splits, recipes, others: bool) -> None:
    """Fit CPU seconds with one BLAS thread: each contender on each of ``splits``."""
    from threadpoolctl import threadpool_limits

    line_up = [recipe_contender(name, name) for name in recipes]
    if others:
        line_up += [contenders.SKLEARN_DEFAULTS, contenders.SKLEARN_FASTEST]
    with threadpool_limits(limits=1, user_api="blas"):
        for contender in line_up:
            figures = measure(contender, splits)
            results["timing"][contender.name] = figures
            print(f"{contender.name:<28} one BLAS thread  {figures['fit_cpu_seconds']:.2f} CPU s"
                  f"  ({figures['fit_seconds']:.2f} s wall)", flush=True)


if __name__ == "__main__":
    main()
