"""docs/benchmarks.md: the numbers of one run, as tables, with the targets beside them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from glassnet.store import atomicfile

TARGETS_NOTE = (
    "Targets come from issues 7 and 20. They are shown here, never asserted in tests; "
    "n/a marks a figure that is measured but no longer a target. "
    "A target is judged on this run's medians; on a shared machine a rerun can move "
    "a borderline result either way."
)


def ms(seconds: float) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    return f"{seconds * 1e3:,.1f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:,.1f} µs"


def pct(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{100 * value:.2f}%"


def ratio(a: float, b: float) -> str:
    if not a or not b or math.isnan(a) or math.isnan(b):
        return "-"
    return f"{a / b:.2f}x"


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "NOT met")


def write_atomically(path: Path, text: str) -> None:
    """Write the report as glassnet writes every file (``glassnet.store.atomicfile``): whole or not
    at all, and never over a device, a folder or a read-only file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomicfile.write_atomically(path, lambda handle: handle.write(text.encode("utf-8")),
                                what="benchmark report")


def render(results: dict[str, Any]) -> str:
    """The whole page from the results of ``bench.__main__.run``."""
    parts = ["# Benchmarks", "",
             "Written by `python -m bench` (`make bench`); do not edit by hand. "
             "The protocol: scikit-learn's copy of the UCI digits (`load_digits`), pixels "
             "divided by 16, five stratified 80/20 splits (`random_state` 0 to 4), every "
             "contender trained on every split in turns (A B C ... A B C), medians quoted. "
             "Wall times are what a user waits; "
             "CPU times (this process) are shown where a busy machine makes wall times jumpy.",
             ""]
    took = (f"this run took {results['seconds'] / 60:.0f} minutes"
            if results.get("seconds") else "a few minutes")
    parts += [f"Rerun with `make bench` or `.venv/bin/python -m bench` ({took}; `--quick` "
              "takes about a third of that, `--only mnist,cli` runs some sections). It needs "
              "the `bench` extra (scikit-learn and `torch==2.13.0`, the CPU build).", ""]
    if results.get("quick"):
        parts += ["**Quick run** (`--quick`): fewer rounds, so the medians are rougher.", ""]
    parts += ["## Machine", "", table(["", ""], list(results["machine"].items())), ""]
    parts += targets_section(results)
    if "accuracy" in results:
        parts += accuracy_section(results)
    if "seeds" in results:
        parts += seeds_section(results["seeds"])
    if "target" in results:
        parts += target_section(results)
    if "epoch" in results:
        parts += epoch_section(results["epoch"])
    if "same_work" in results:
        parts += same_work_section(results["same_work"])
    if "memory" in results:
        parts += memory_section(results["memory"])
    if "mnist" in results:
        parts += mnist_section(results["mnist"])
    if "cli" in results:
        parts += cli_section(results["cli"])
    if "live" in results:
        parts += live_section(results["live"])
    parts += comparisons_section()
    parts += ["## Settings of each contender", "",
              table(["contender", "library", "settings"],
                    [[c["name"], c["library"], c["settings"]] for c in results["contenders"]]),
              "", "How they were chosen: glassnet best and glassnet recommended (three best "
              "networks averaged) are the `best` recipe, chosen on validation images held out "
              "of each tuning split's training part, never on its test images "
              "(`scripts/tune_recipes.py`; docs/how-it-works.md, \"How `best` was chosen\"). "
              "glassnet fastest's settings, like scikit-learn's fastest, were found by trying "
              "settings on these same five splits, so their accuracies are tuned on the test "
              "images (by how much: a tenth of a percent or two, judging by how much nearby "
              "settings differ). The defaults were chosen on validation images held out of "
              "the training parts of splits 0 to 9 (`scripts/tune_recipes.py`; "
              "docs/how-it-works.md, \"How the defaults were chosen\"). "
              "The confirmation splits' column shows each of them on splits nobody chose "
              "settings on.",
              "", f"Whole run: {results['seconds']:.0f} s.", ""]
    return "\n".join(parts)


def targets_section(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, goal, measured, met in results.get("targets", []):
        rows.append([name, goal, measured, verdict(met)])
    return ["## Targets", "", TARGETS_NOTE, "", table(["target", "goal", "this run", ""], rows), ""]


def accuracy_section(results: dict[str, Any]) -> list[str]:
    rows = []
    baseline = results["accuracy"].get("sklearn MLP fastest", {}).get("fit_seconds")
    confirmation = results.get("confirmation", {})
    for name, s in results["accuracy"].items():
        confirmed = confirmation.get(name)
        rows.append([name, f"{pct(s['mean_accuracy'])} ± {100 * s['std_accuracy']:.2f}",
                     (f"{pct(confirmed['mean_accuracy'])} ± {100 * confirmed['std_accuracy']:.2f}"
                      if confirmed else "not run"),
                     ms(s["fit_seconds"]), ms(s["fit_cpu_seconds"]),
                     ratio(s["fit_seconds"], baseline),
                     ms(s["predict_seconds"]), ms(s["latency_seconds"])])
    return ["## Accuracy and speed on the digits (five splits)", "",
            table(["contender", "test accuracy (mean ± std)",
                   "on the confirmation splits", "fit (median)", "fit CPU",
                   "fit vs sklearn fastest", "predict 360 images", "predict 1 image"], rows),
            "", "The test accuracy is measured on the five tuning splits (`random_state` 0 to "
            "4), where settings have been chosen, and again on five confirmation splits "
            "(`random_state` 100 to 104), made the same way, on which no setting is ever "
            "chosen: a recipe that only fits its tuning splits falls back there. Times are "
            "from the tuning splits.", "",
            "Predicting one image goes through the public API: `network.predict(x)` for "
            "glassnet, `model.predict(x.reshape(1, -1))` for scikit-learn, a `no_grad` forward "
            "for PyTorch. Predict times are the best of five runs of many calls, then the median "
            "over the splits; fit times are medians over the splits.", ""]


def seeds_section(ten: dict[str, Any]) -> list[str]:
    names = list(ten)
    seeds = ten[names[0]]["seeds"]
    rows = [[str(seed), *(pct(ten[name]["accuracies"][k]) for name in names)]
            for k, seed in enumerate(seeds)]
    rows.append(["worst", *(pct(ten[name]["min_accuracy"]) for name in names)])
    rows.append(["mean", *(pct(ten[name]["mean_accuracy"]) for name in names)])
    return ["## The defaults on ten splits", "",
            "A newcomer runs the defaults once, on one split. Each row is split k "
            "(`random_state` k) trained with seed k; the worst row is what the unluckiest "
            "of ten newcomers sees (bench/seeds.py).", "",
            table(["split and seed", *names], rows), ""]


def target_section(results: dict[str, Any]) -> list[str]:
    rows = []
    summaries = results["target"]
    for name, s in summaries.items():
        tried = ", ".join(f"{budget}: {pct(acc)}" for budget, acc in s["tried"])
        rows.append([name, s["budget"] if s["budget"] is not None else "not reached",
                     pct(s["mean_accuracy"]), ms(s["seconds"]), ms(s["cpu_seconds"]), tried])
    return ["## Time to reach 97.5% mean test accuracy", "",
            "Each contender is trained from scratch with growing budgets (epochs, or "
            "`max_iter`) until its mean test accuracy over the five splits reaches 97.5%; the "
            "fits at that budget are then timed again in turns.", "",
            "PyTorch runs glassnet fastest's network, optimizer and batch size, without "
            "weight averaging. How many epochs it needs depends a lot on those settings: "
            "with glassnet fastest's it wobbles around 97% for several epochs, while other "
            "settings (batches of 128, or 96 hidden neurons with batches of 48 and Adam 0.04) "
            "bring it to 97.5% in about 10 epochs, 115 to 140 ms on this machine (measured "
            "apart from this run): 11 to 13 times glassnet fastest's time, not 15.", "",
            table(["contender", "budget (epochs)", "mean accuracy", "fit (median)", "fit CPU",
                   "budgets tried: mean accuracy"], rows), ""]


def epoch_section(e: dict[str, Any]) -> list[str]:
    return ["## Epoch time against the matrix products alone", "",
            "64-100-10, float32, batches of 128, the 1437 training images of split 0 "
            f"({e['steps_per_epoch']} steps). glassnet's epoch is `History.seconds` of a "
            "`train` run: the training epoch (`score_training=False`: shuffling the images and "
            "every step) is what the target judges; by default `train` also measures the loss "
            "and accuracy on every training image after each epoch, one more forward pass over "
            "them, shown apart. The floor is the same epoch's five matrix products per step "
            "and nothing else, on one BLAS thread as in training. Medians of "
            f"{e['rounds']} turns.", "",
            table(["", "epoch", "vs matrix products"],
                  [["glassnet training epoch (`History.seconds`, `score_training=False`)",
                    ms(e["glassnet_epoch_seconds"]), f"{e['ratio']:.2f}x"],
                   ["glassnet epoch with its training score (`train` defaults)",
                    ms(e["glassnet_scored_epoch_seconds"]), f"{e['scored_ratio']:.2f}x"],
                   ["glassnet steps only (`core/loop.step` with Adam)",
                    ms(e["glassnet_steps_seconds"]), f"{e['steps_ratio']:.2f}x"],
                   ["glassnet training epoch with SGD + momentum (its default optimizer)",
                    ms(e["glassnet_sgd_epoch_seconds"]), f"{e['sgd_ratio']:.2f}x"],
                   ["leanest NumPy epoch we could write (same Adam; see below)",
                    ms(e["lean_numpy_epoch_seconds"]), f"{e['lean_ratio']:.2f}x"],
                   ["matrix products only", ms(e["gemm_epoch_seconds"]), "1.00x"]]), "",
            "Between the products, a step makes about 30 other NumPy calls (bias, ReLU, "
            "softmax, slopes, the Adam update), each costing a microsecond or more "
            "whatever its size; that, not arithmetic, is most of an epoch this small. "
            "Adam's update alone is 12 of those calls over all 7,510 parameters; SGD with "
            "momentum needs 4.", "",
            "The leanest epoch (`bench/epoch.py`, `lean_numpy_training`) is the same "
            "training written for speed alone: every array allocated once and written in "
            "place, each bias folded into its weight matrix as the weight of an input that "
            "is always 1, no checks, no divergence watch, no history. It is not glassnet "
            "and not code to learn from; it shows how close to the matrix products NumPy "
            "code can get at these sizes, one call at a time.", ""]


def same_work_section(same: dict[str, Any]) -> list[str]:
    """Issue 20's side-by-side epoch: glassnet and scikit-learn on the same work and arrays."""
    pairs = same["pairs"]
    rows = [[dtype, pair["sklearn_dtype"], ms(pair["glassnet_epoch_seconds"]),
             ms(pair["sklearn_epoch_seconds"]), f"{pair['ratio']:.2f}x"]
            for dtype, pair in pairs.items()]
    sklearn_float32 = pairs.get("float32", {}).get("sklearn_dtype")
    return ["## The same work per epoch as scikit-learn", "",
            "64-100-10, Adam 0.001, batches of 200, shuffled every epoch, the "
            f"{same['n_images']} training images of split 0, and nothing else: no input "
            "noise, no weight averaging, no validation split, no training score, no L2. "
            f"scikit-learn's model, in its own words: `{same['sklearn_model']}` (every "
            "setting it does not name is its default: one hidden layer of 100, Adam at "
            "0.001, shuffled); `tol=0` and the endless `n_iter_no_change` keep it from "
            "stopping early. Both libraries are "
            "handed the very same arrays, once in float64 (glassnet's `Network` default) "
            "and once in float32 (the network built with `dtype=float32`). An epoch is the "
            f"wall time of one fit of {same['epochs_per_fit']} epochs divided by "
            f"{same['epochs_per_fit']}, set-up included, on one BLAS thread for both; "
            f"each pair warmed up once, then timed in turns, medians of {same['rounds']}. "
            + ("The installed scikit-learn keeps float32 input in float32 (its weights are "
               "float32), so the float32 row compares like with like."
               if sklearn_float32 == "float32" else
               f"The installed scikit-learn converts float32 input to {sklearn_float32}, so "
               "in the float32 row it does the wider work."), "",
            table(["arrays", "scikit-learn trains in", "glassnet epoch",
                   "scikit-learn epoch", "glassnet / scikit-learn"], rows), "",
            "The target (a third of scikit-learn's epoch) is judged on the float32 pair: "
            "issue 20 asks for float32 where it loses nothing, and the fast and best "
            "recipes train in float32.", "", *same_work_floor_lines(pairs.get("float32", {}))]


def of_sklearn_epoch(pair: dict[str, Any], name: str) -> float:
    """A same-work timing (``name``: ``glassnet_steps``, ``lean_numpy``) over scikit-learn's."""
    return pair[f"{name}_epoch_seconds"] / pair["sklearn_epoch_seconds"]


def same_work_floor_lines(pair: dict[str, Any]) -> list[str]:
    """Where the float32 epoch goes: glassnet's steps alone, and the leanest NumPy epoch."""
    if "lean_numpy_epoch_seconds" not in pair:
        return []
    theirs = pair["sklearn_epoch_seconds"]
    steps, lean = pair["glassnet_steps_epoch_seconds"], pair["lean_numpy_epoch_seconds"]
    steps_share, lean_share = (of_sklearn_epoch(pair, name)
                               for name in ("glassnet_steps", "lean_numpy"))
    return [f"Where the float32 epoch goes, timed in the same turns: glassnet's steps alone "
            f"(its forward and backward passes and Adam's update, over batches of 200 cut "
            f"once, with nothing of `train` around them) take {ms(steps)} an epoch "
            f"({steps_share:.2f}x of scikit-learn's), and the leanest NumPy epoch we "
            f"could write for the same work (`bench/epoch.py: lean_numpy_training`, "
            f"shuffled, every array made once, biases folded into the weights, no checks) "
            f"{ms(lean)} ({lean_share:.2f}x). The rest of glassnet's epoch, "
            f"{ms(pair['glassnet_epoch_seconds'] - steps)}, is what `train` does around "
            f"the steps: the shuffle, the checks of the data and settings and their set-up, "
            f"shared over the fit's epochs. A third of scikit-learn's epoch is "
            f"{ms(theirs / 3)}.", ""]


def memory_section(memory: dict[str, Any]) -> list[str]:
    rows = []
    for name, m in memory.items():
        if "error" in m:
            rows.append([name, "failed: " + " ".join(m["error"]), "", ""])
            continue
        rows.append([name, f"{m['peak_rss_mb']:.0f} MB", "yes" if m["sklearn_imported"] else "no",
                     "yes" if m["torch_imported"] else "no"])
    return ["## Peak memory: import + train + predict, each in a fresh process", "",
            table(["contender", "peak RSS", "imports scikit-learn", "imports torch"], rows), ""]


def mnist_section(m: dict[str, Any]) -> list[str]:
    rows = [[name, ms(seconds), ratio(seconds, m["epoch_seconds"]["glassnet"]),
             ms(m["first_epoch_seconds"][name])]
            for name, seconds in m["epoch_seconds"].items()]
    parts = ["## One epoch of an MNIST-sized problem (60000 x 784, 784-128-10)", "",
             "Synthetic images with MNIST's always-white border (see bench/mnist.py); float32, "
             "Adam 0.001, batches of 128. Each contender trains three epochs per turn, in "
             f"{m['rounds']} turns; the epochs after the first are compared (the first pays for "
             "fresh memory and first calls, and is shown apart). glassnet's epoch includes its "
             "end-of-epoch loss and accuracy (on every 6th training image), which the others "
             "do not compute.", "",
             table(["contender", "epoch (median, after the first)", "vs glassnet",
                    "first epoch"], rows), "",
             "Later epochs against the second (subnormal numbers would slow them down):", ""]
    later = [["glassnet", ", ".join(f"{s:.2f} s" for s in m["glassnet_epochs"]),
              f"{m['later_over_first']:.2f}x"]]
    if "glassnet_epochs_without_flush" in m:
        later.append(["glassnet without the flush to 0",
                      ", ".join(f"{s:.2f} s" for s in m["glassnet_epochs_without_flush"]),
                      f"{m['later_over_first_without_flush']:.2f}x"])
    parts += [table(["", "epoch times", "epochs 3+ / epoch 2"], later), "",
              "Without the flush, Adam's running averages for the border pixels' weights sink "
              "into subnormal numbers during the second epoch. Processors that handle those in "
              "slow microcode then run later epochs up to twice as slow; a processor that "
              "handles them at full speed shows no difference between the two rows, and the "
              "flush (every 16 steps) costs it next to nothing.", ""]
    return parts


#: Measurements of one change against the code before it, written by hand when the
#: change was made (the run above cannot measure code that is gone); kept on the page.
COMPARISONS = Path(__file__).resolve().parent / "comparisons.md"


def live_section(lv: dict[str, Any]) -> list[str]:
    rows = [[str(r["seed"]), "error: " + r["error"], "", ""] if "error" in r else
            [str(r["seed"]), pct(r["test_accuracy"]), f"{r['seconds']:.2f} s", str(r["epochs"])]
            for r in lv["runs"]]
    s = lv["settings"]
    return ["## The explorer's live training, with its defaults", "",
            f"What a learner gets from *Start training* without changing anything: "
            f"{'-'.join(['64', *map(str, s['hidden']), '10'])}, {s['epochs']} epochs "
            f"(weights averaged from epoch {s['average_from']}), at the page's default pace "
            f"of {lv['pace_seconds']:g} s after each epoch, in the explorer's own worker "
            "thread; the time is from start to the finished network (bench/live.py).", "",
            table(["seed", "test accuracy", "wall time", "epochs"], rows), ""]


def comparisons_section() -> list[str]:
    """The hand-written before-and-after measurements (``bench/comparisons.md``), if any."""
    if not COMPARISONS.is_file():
        return []
    return [COMPARISONS.read_text(encoding="utf-8").rstrip(), ""]


def cli_section(c: dict[str, Any]) -> list[str]:
    if "error" in c:
        return ["## The command line", "", c["error"], ""]
    rows = [["`glassnet --help`", ms(c["help_seconds"]), ms(c["help_cpu_seconds"]),
             f"{c['help_peak_rss_mb']:.0f} MB"],
            ["`glassnet train` (defaults)", ms(c["train_seconds"]), ms(c["train_cpu_seconds"]),
             f"{c['train_peak_rss_mb']:.0f} MB"]]
    parts = ["## The command line, end to end (imports included)", "",
             f"Real processes, medians of {c['rounds']} runs. CPU time is the process's user + "
             "system time: on an idle machine the wall time is close to it.", "",
             table(["command", "wall time", "CPU time", "peak RSS"], rows), ""]
    if c.get("failures"):
        parts += ["Failures: " + "; ".join(c["failures"]), ""]
    return parts
