"""Choose recipe settings fairly: by validation inside the training part of each split.

    PYTHONPATH=src nice -n 10 python scripts/tune_recipes.py --recipe best [--out tuned.json]

The recipes' test figures (``scripts/measure_recipes.py``) must not be what chooses
them, or they would flatter the recipes. So this script never looks at a test image.
For each tuning split (``random_state`` 0 to 4 of ``bench.protocol``) it takes only
the training part (80% of the digits, 1437 images), holds out a stratified 20% of it
(288 images, ``random_state`` = the split's seed) as *validation* images, trains
each candidate on the other 80% (1149 images) and scores it on the validation
images. A candidate's figure is its mean validation accuracy over the five splits,
and the time of its fits in CPU seconds with NumPy's BLAS held to one thread (the
machine is shared; CPU time is disturbed less than wall time), without scoring the
training images after every epoch (``score_training=False``). The confirmation
splits (100 to 104) are not even loaded.

The candidates are a small, hand-written search space (``CANDIDATES``): each is a
change to the settings the search started from (``STARTS``: the recipe as it was
before), so that each row answers one question (pixel shifts? a wider single layer?
Adam? fewer epochs?), in rounds that each follow up the one before. Fits on 1149
images take about 0.8 of the time of a fit on the 1437 of a whole training part,
which is what the time budget of issue 20 is about. docs/how-it-works.md ("How
``best`` was chosen") lists what each candidate scored.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the bench package

from bench.protocol import SPLIT_SEEDS, digits_splits, machine_facts  # noqa: E402

#: Validation images held out of each training part (stratified).
VALIDATION_SHARE = 0.2

#: Per recipe, the settings the search started from, given in full, so that the
#: search means the same candidates after the recipe it chose has replaced them.
STARTS: dict[str, dict] = {
    "best": {"hidden": (256, 256), "dtype": "float32", "optimizer": "sgd",
             "learning_rate": 0.05, "momentum": 0.9, "batch_size": 32, "epochs": 200,
             "input_noise": 0.35, "average_from": 50, "validation_fraction": 0.0,
             "nudge_pixels": 0.0},
    # The defaults before nudges existed (RunSettings() until then).
    "default": {"batch_size": 32, "learning_rate": 0.1, "input_noise": 0.3,
                "nudge_pixels": 0.0, "epochs": 100, "average_from": 30},
}

#: Per recipe, the tuning splits whose training parts it is searched on. The default's
#: goal is about ten splits (every newcomer's draw), so it is searched on all ten.
SEARCH_SEEDS: dict[str, tuple[int, ...]] = {"best": SPLIT_SEEDS, "default": tuple(range(10))}

#: What a recipe keeps that its search left out: the default recipe holds out 10% of
#: the training images so that every window can show a validation curve; its search
#: (from round 2 on) trained as ``train()`` does, on every image of the fit part.
RECIPE_KEEPS: dict[str, dict] = {"default": {"validation_fraction": 0.1}}

#: The candidate each search chose, and the recipe took (tests/test_recipes.py checks
#: that ``RECIPES`` holds it).
CHOSEN = {"best": "256-256-256, noise 0.1",
          "default": "no validation split, batches 64, rate 0.2, noise 0.2, nudges 0.5, "
                     "80 epochs, avg from 40"}

#: The best recipe as round 5 chose it, written as changes to its start (rounds 6 and
#: 7 change it further).
BEST_NOW = {"epochs": 100, "batch_size": 64, "learning_rate": 0.1, "average_from": 50,
            "input_noise": 0.2, "nudge_pixels": 0.5}

#: Per recipe: candidate name -> settings changed from its start (``STARTS``).
CANDIDATES: dict[str, dict[str, dict]] = {
    "best": {
        "the start": {},
        "256-256, 60 epochs, shifts 1, avg from 20": {
            "epochs": 60, "shift_pixels": 1, "average_from": 20},
        "256-256, 60 epochs, shifts 1, noise 0.2, avg from 20": {
            "epochs": 60, "shift_pixels": 1, "input_noise": 0.2, "average_from": 20},
        "512, 60 epochs, shifts 1, avg from 20": {
            "hidden": (512,), "epochs": 60, "shift_pixels": 1, "average_from": 20},
        "256, 80 epochs, shifts 1, avg from 20": {
            "hidden": (256,), "epochs": 80, "shift_pixels": 1, "average_from": 20},
        "256-256, 60 epochs, no shifts, avg from 20": {
            "epochs": 60, "average_from": 20},
        "256-256 Adam 0.002, 60 epochs, shifts 1, avg from 20": {
            "optimizer": "adam", "learning_rate": 0.002, "epochs": 60, "shift_pixels": 1,
            "average_from": 20},
        "256-256, 60 epochs, shifts 1, batches 64, rate 0.1, avg from 20": {
            "epochs": 60, "shift_pixels": 1, "batch_size": 64, "learning_rate": 0.1,
            "average_from": 20},
        # Round 2: pixel shifts lost 0.5 to 3 points above, so no shifts; what fits
        # the time budget (about 2.4 CPU s on 1149 images) without them?
        "256-256, 100 epochs, avg from 30": {"epochs": 100, "average_from": 30},
        "256-256, 100 epochs, batches 64, rate 0.1, avg from 30": {
            "epochs": 100, "batch_size": 64, "learning_rate": 0.1, "average_from": 30},
        "256-256, 100 epochs, noise 0.5, avg from 30": {
            "epochs": 100, "input_noise": 0.5, "average_from": 30},
        "512, 200 epochs": {"hidden": (512,)},
        "1024, 150 epochs, batches 64, rate 0.1, avg from 40": {
            "hidden": (1024,), "epochs": 150, "batch_size": 64, "learning_rate": 0.1,
            "average_from": 40},
        "128-128, 200 epochs": {"hidden": (128, 128)},
        # Round 3: around the two best of round 2 (batches of 64 at rate 0.1 were as
        # good as the recipe in a third of its time). A cosine learning-rate decay was
        # also tried (outside this table, by a callback): no gain over averaging.
        "256-256, 150 epochs, batches 64, rate 0.1, avg from 50": {
            "epochs": 150, "batch_size": 64, "learning_rate": 0.1, "average_from": 50},
        "256-256, 100 epochs, batches 64, rate 0.1, noise 0.25, avg from 30": {
            "epochs": 100, "batch_size": 64, "learning_rate": 0.1, "input_noise": 0.25,
            "average_from": 30},
        "256-256, 100 epochs, batches 64, rate 0.1, avg from 50": {
            "epochs": 100, "batch_size": 64, "learning_rate": 0.1, "average_from": 50},
        "128-128, 200 epochs, batches 64, rate 0.1": {
            "hidden": (128, 128), "batch_size": 64, "learning_rate": 0.1},
        "256-256, 150 epochs, batches 128, rate 0.2, avg from 50": {
            "epochs": 150, "batch_size": 128, "learning_rate": 0.2, "average_from": 50},
        # Round 4: the round-3 winner still took just over 3 CPU s on a whole training
        # part; can it be as good in less time?
        "256-256, 80 epochs, batches 64, rate 0.1, avg from 40": {
            "epochs": 80, "batch_size": 64, "learning_rate": 0.1, "average_from": 40},
        "192-192, 100 epochs, batches 64, rate 0.1, avg from 50": {
            "hidden": (192, 192), "epochs": 100, "batch_size": 64, "learning_rate": 0.1,
            "average_from": 50},
        "256-256, 100 epochs, batches 96, rate 0.15, avg from 50": {
            "epochs": 100, "batch_size": 96, "learning_rate": 0.15, "average_from": 50},
        # Round 5: nudges, moves by a fraction of a pixel (whole pixels lost in round 1),
        # on the round-3 winner, with the noise retuned beside them.
        **{f"256-256, 100 epochs, batches 64, rate 0.1, avg from 50, noise {noise:g}, "
           f"nudges {nudge:g}": {"epochs": 100, "batch_size": 64, "learning_rate": 0.1,
                                 "average_from": 50, "input_noise": noise,
                                 "nudge_pixels": nudge}
           for noise, nudge in ((0.2, 0.5), (0.35, 0.5), (0.1, 0.5), (0.15, 0.5),
                                (0.25, 0.5), (0.2, 0.3), (0.2, 0.4), (0.2, 0.7),
                                (0.2, 1.0))},
        "256-256, 200 epochs, batches 64, rate 0.1, avg from 100, noise 0.2, nudges 0.5": {
            "epochs": 200, "batch_size": 64, "learning_rate": 0.1, "average_from": 100,
            "input_noise": 0.2, "nudge_pixels": 0.5},
        "512-512, 100 epochs, batches 64, rate 0.1, avg from 50, noise 0.2, nudges 0.5": {
            "hidden": (512, 512), "epochs": 100, "batch_size": 64, "learning_rate": 0.1,
            "average_from": 50, "input_noise": 0.2, "nudge_pixels": 0.5},
        "384, 100 epochs, batches 64, rate 0.1, avg from 50, noise 0.2, nudges 0.5": {
            "hidden": (384,), "epochs": 100, "batch_size": 64, "learning_rate": 0.1,
            "average_from": 50, "input_noise": 0.2, "nudge_pixels": 0.5},
        "256-256 Adam 0.001, 100 epochs, batches 64, avg from 50, noise 0.2, nudges 0.5": {
            "optimizer": "adam", "learning_rate": 0.001, "epochs": 100, "batch_size": 64,
            "average_from": 50, "input_noise": 0.2, "nudge_pixels": 0.5},
        "256-256, 100 epochs, batches 32, rate 0.05, avg from 50, noise 0.2, nudges 0.5": {
            "epochs": 100, "average_from": 50, "input_noise": 0.2, "nudge_pixels": 0.5},
        # Round 6: the benchmark's ablation (test splits, so it chooses nothing) had the
        # recipe in float64 0.2 points higher; does validation agree?
        "256-256, 100 epochs, batches 64, rate 0.1, avg from 50, noise 0.2, nudges 0.5, "
        "float64": {"epochs": 100, "batch_size": 64, "learning_rate": 0.1, "average_from": 50,
                    "input_noise": 0.2, "nudge_pixels": 0.5, "dtype": "float64"},
        # Round 7 (each a change to the recipe as it is): weight decay, Nesterov,
        # more momentum, and more layers, which no round before had tried.
        **{f"the recipe, {label}": {**BEST_NOW, **change} for label, change in (
            ("l2 1e-4", {"l2": 1e-4}), ("l2 3e-4", {"l2": 3e-4}), ("l2 1e-3", {"l2": 1e-3}),
            ("nesterov", {"nesterov": True}),
            ("momentum 0.95, rate 0.05", {"momentum": 0.95, "learning_rate": 0.05}),
            ("tanh", {"activation": "tanh"}),
            ("512-256", {"hidden": (512, 256)}), ("384-256-128", {"hidden": (384, 256, 128)}),
            ("192-192-192", {"hidden": (192, 192, 192)}),
            ("256-256-256", {"hidden": (256, 256, 256)}),
            ("256-256-256-256", {"hidden": (256, 256, 256, 256)}),
            ("256-256-256, l2 3e-4", {"hidden": (256, 256, 256), "l2": 3e-4}),
            ("256-256-256, nesterov", {"hidden": (256, 256, 256), "nesterov": True}),
            ("256-256-256, 80 epochs, avg from 40",
             {"hidden": (256, 256, 256), "epochs": 80, "average_from": 40}),
            ("256-256-256, 150 epochs, avg from 75",
             {"hidden": (256, 256, 256), "epochs": 150, "average_from": 75}))},
        # Round 8, on three draws (--draw 0, 1, 2): the noise, nudges, rate and length
        # retuned around three layers, which rounds 5 and 7 had tuned for two; then
        # the lead of less noise on five draws (--draw 0 to 4).
        **{f"256-256-256, {label}": {**BEST_NOW, "hidden": (256, 256, 256), **change}
           for label, change in (
               ("noise 0.15", {"input_noise": 0.15}), ("noise 0.25", {"input_noise": 0.25}),
               ("nudges 0.4", {"nudge_pixels": 0.4}), ("nudges 0.6", {"nudge_pixels": 0.6}),
               ("rate 0.15", {"learning_rate": 0.15}), ("rate 0.07", {"learning_rate": 0.07}),
               ("120 epochs, avg from 60", {"epochs": 120, "average_from": 60}),
               ("100 epochs, avg from 30", {"average_from": 30}),
               # and around the lead of noise 0.15
               ("noise 0.1", {"input_noise": 0.1}), ("noise 0.05", {"input_noise": 0.05}),
               ("no noise", {"input_noise": 0.0}),
               ("noise 0.15, nudges 0.4", {"input_noise": 0.15, "nudge_pixels": 0.4}),
               ("noise 0.15, nudges 0.6", {"input_noise": 0.15, "nudge_pixels": 0.6}),
               ("noise 0.15, 120 epochs, avg from 60",
                {"input_noise": 0.15, "epochs": 120, "average_from": 60}))},
    },
    "default": {
        "the start": {},
        "64 neurons, float32": {"hidden": (64,), "dtype": "float32"},
        "64 neurons, float32, batches 64, rate 0.2": {
            "hidden": (64,), "dtype": "float32", "batch_size": 64, "learning_rate": 0.2},
        "noise 0.4": {"input_noise": 0.4},
        "noise 0.2": {"input_noise": 0.2},
        "noise 0.25": {"input_noise": 0.25},
        "noise 0.15": {"input_noise": 0.15},
        # train()'s own defaults: the recipe without its validation split.
        "no validation split": {"validation_fraction": 0.0},
        "no validation split, noise 0.2": {"validation_fraction": 0.0, "input_noise": 0.2},
        # Round 2, on the training parts of all ten splits and without the validation
        # split, as train() runs: nudges, and batches of 64 to pay for them.
        **{f"no validation split, batches {batch}, rate {rate:g}, noise {noise:g}"
           + (f", nudges {nudge:g}" if nudge else ""): {
               "validation_fraction": 0.0, "batch_size": batch, "learning_rate": rate,
               "input_noise": noise, "nudge_pixels": nudge}
           for batch, rate, noise, nudge in (
               (32, 0.1, 0.3, 0.0), (64, 0.2, 0.3, 0.0), (64, 0.1, 0.3, 0.0),
               (64, 0.2, 0.2, 0.0), (64, 0.2, 0.2, 0.5), (64, 0.2, 0.3, 0.5),
               (64, 0.1, 0.2, 0.5), (32, 0.1, 0.2, 0.5), (64, 0.2, 0.1, 0.5),
               (64, 0.2, 0.15, 0.5), (64, 0.2, 0.25, 0.5), (64, 0.2, 0.2, 0.3),
               (64, 0.2, 0.2, 0.4), (64, 0.2, 0.2, 0.7), (64, 0.15, 0.2, 0.5),
               (128, 0.4, 0.2, 0.5), (128, 0.3, 0.2, 0.5), (96, 0.3, 0.2, 0.5),
               (64, 0.2, 0.0, 0.5))},
        "no validation split, batches 64, rate 0.2, noise 0.2, nudges 0.5, float32": {
            "validation_fraction": 0.0, "batch_size": 64, "learning_rate": 0.2,
            "input_noise": 0.2, "nudge_pixels": 0.5, "dtype": "float32"},
        "no validation split, batches 64, rate 0.2, noise 0.2, nudges 0.5, 64 neurons, "
        "float32": {"validation_fraction": 0.0, "batch_size": 64, "learning_rate": 0.2,
                    "input_noise": 0.2, "nudge_pixels": 0.5, "dtype": "float32",
                    "hidden": (64,)},
        "no validation split, batches 64, rate 0.2, noise 0.2, nudges 0.5, avg from 20": {
            "validation_fraction": 0.0, "batch_size": 64, "learning_rate": 0.2,
            "input_noise": 0.2, "nudge_pixels": 0.5, "average_from": 20},
        "no validation split, batches 64, rate 0.2, noise 0.2, nudges 0.5, 80 epochs, "
        "avg from 25": {"validation_fraction": 0.0, "batch_size": 64, "learning_rate": 0.2,
                        "input_noise": 0.2, "nudge_pixels": 0.5, "epochs": 80,
                        "average_from": 25},
        "no validation split, batches 64, rate 0.2, noise 0.2, nudges 0.5, 60 epochs, "
        "avg from 20": {"validation_fraction": 0.0, "batch_size": 64, "learning_rate": 0.2,
                        "input_noise": 0.2, "nudge_pixels": 0.5, "epochs": 60,
                        "average_from": 20},
        # Round 3, on three draws of validation images (--draw 0, 1, 2): fewer epochs,
        # to bring the fit within a third of scikit-learn's, and where to start averaging.
        **{f"no validation split, batches 64, rate 0.2, noise 0.2, nudges 0.5, {epochs} epochs, "
           f"avg from {start}": {"validation_fraction": 0.0, "batch_size": 64,
                                 "learning_rate": 0.2, "input_noise": 0.2, "nudge_pixels": 0.5,
                                 "epochs": epochs, "average_from": start}
           for epochs, start in ((90, 30), (85, 25), (80, 20), (80, 30), (80, 40), (75, 30),
                                 (70, 25))},
    },
}


#: ``--draw K`` holds out other validation images and seeds the networks otherwise:
#: the seed of split s becomes s + K * DRAW_OFFSET, for the holdout and the training.
DRAW_OFFSET = 1000


def validation_parts(seeds=SPLIT_SEEDS, draw: int = 0):
    """(seed, X_fit, y_fit, X_val, y_val) from the training part of each tuning split.

    ``draw`` 0 is the search's validation images; another draw holds out others from
    the same training parts (and gives the seed the networks train with), to see
    whether a lead holds when the images it was measured on change.
    """
    from sklearn.model_selection import train_test_split

    parts = []
    for split in digits_splits(seeds):
        seed = split.seed + draw * DRAW_OFFSET
        X_fit, X_val, y_fit, y_val = train_test_split(
            split.X_train, split.y_train, test_size=VALIDATION_SHARE,
            stratify=split.y_train, random_state=seed)
        parts.append((seed, X_fit, y_fit, X_val, y_val))
    return parts


def candidate_settings(recipe: str, name: str, seed: int = 0):
    """The ``RunSettings`` of candidate ``name`` of ``recipe``'s search, with this seed."""
    import glassnet as gn

    return gn.settings_for(recipe, **{**STARTS[recipe], **CANDIDATES[recipe][name],
                                      "seed": seed})


def score(recipe: str, name: str, parts) -> dict:
    """Validation accuracy and fit CPU seconds of one candidate on each part."""
    import glassnet as gn

    accuracies, cpu_seconds = [], []
    for seed, X_fit, y_fit, X_val, y_val in parts:
        settings = candidate_settings(recipe, name, seed)
        network = settings.make_network(X_fit.shape[1], range(10))
        cpu_started = time.process_time()
        gn.train(network, (X_fit, y_fit), **settings.train_options(), score_training=False)
        cpu_seconds.append(time.process_time() - cpu_started)
        accuracies.append(float(np.mean(network.predict(X_val) == y_val)))
    return {"accuracies": accuracies, "mean_accuracy": float(np.mean(accuracies)),
            "min_accuracy": min(accuracies), "fit_cpu_seconds": float(np.median(cpu_seconds))}


def main() -> None:
    from threadpoolctl import threadpool_limits

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", choices=sorted(CANDIDATES), required=True)
    parser.add_argument("--only", action="append", default=[],
                        help="a candidate's name (again for more); default: every one")
    parser.add_argument("--draw", type=int, default=0,
                        help="other validation images and seeds (see DRAW_OFFSET); "
                             "default 0: the search's own")
    parser.add_argument("--out", type=Path, default=Path("recipes-tuned.json"))
    arguments = parser.parse_args()
    wanted = arguments.only
    candidates = {name: overrides for name, overrides in CANDIDATES[arguments.recipe].items()
                  if not wanted or name in wanted}
    parts = validation_parts(SEARCH_SEEDS[arguments.recipe], arguments.draw)
    results = {"machine": machine_facts(), "recipe": arguments.recipe, "draw": arguments.draw,
               "candidates": {}}
    with threadpool_limits(limits=1, user_api="blas"):
        for name, overrides in candidates.items():
            figures = score(arguments.recipe, name, parts)
            results["candidates"][name] = {"overrides": overrides, **figures}
            print(f"{name:<60} {figures['mean_accuracy']:.2%} (min {figures['min_accuracy']:.2%})"
                  f"  {figures['fit_cpu_seconds']:.2f} CPU s", flush=True)
    arguments.out.write_text(json.dumps(results, indent=1, default=str))
    print(f"written to {arguments.out}")


if __name__ == "__main__":
    main()
