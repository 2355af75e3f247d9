"""``python -m bench``: run the benchmark protocol and write docs/benchmarks.md.

Options: ``--quick`` (fewer rounds: about a third of the time, rougher medians),
``--only accuracy,target,...`` (some sections; the page then holds only those),
``--output PATH``. The full run takes several minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from . import accuracy, cli, contenders, epoch, live, memory, mnist, protocol, report, seeds, target

SECTIONS = ("accuracy", "seeds", "target", "epoch", "memory", "mnist", "cli", "live")
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(sections: tuple[str, ...], quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": protocol.machine_facts(), "quick": quick,
                               "contenders": [{"name": c.name, "library": c.library,
                                               "settings": c.describe()}
                                              for c in [*contenders.CONTENDERS,
                                                        contenders.SKLEARN_FASTEST_ONE_THREAD]]}
    splits = protocol.digits_splits()
    if "accuracy" in sections:
        log("accuracy, fit, predict and latency on five splits")
        measured = accuracy.measure(contenders.CONTENDERS, splits,
                                    latency_calls=100 if quick else 400,
                                    predict_calls=2 if quick else 5)
        results["accuracy"] = {r.name: accuracy.summary(r) for r in measured}
        log("accuracy on the five confirmation splits")
        confirmed = accuracy.measure(contenders.CONTENDERS,
                                     protocol.digits_splits(protocol.CONFIRMATION_SEEDS),
                                     latency_calls=20, predict_calls=1)
        results["confirmation"] = {r.name: accuracy.summary(r) for r in confirmed}
    if "seeds" in sections:
        log("the defaults on ten splits")
        results["seeds"] = seeds.measure([contenders.GLASSNET_DEFAULTS,
                                          contenders.SKLEARN_DEFAULTS])
    if "target" in sections:
        log("time to 97.5%")
        racers = [contenders.GLASSNET_FASTEST, contenders.SKLEARN_FASTEST_ONE_THREAD,
                  contenders.SKLEARN_FASTEST, contenders.TORCH]
        if not quick:
            racers.append(contenders.GLASSNET_DEFAULTS)
        measured = target.measure(
            racers, splits, rounds=1 if quick else 3,
            same_budget={contenders.SKLEARN_FASTEST.name:
                         contenders.SKLEARN_FASTEST_ONE_THREAD.name},
        )
        results["target"] = {r.name: target.summary(r) for r in measured}
    if "epoch" in sections:
        log("epoch time against the matrix products")
        results["epoch"] = epoch.measure(splits[0], rounds=3 if quick else 7)
        log("the same work per epoch as scikit-learn, float64 and float32")
        results["same_work"] = epoch.same_work(splits[0].X_train, splits[0].y_train,
                                               rounds=3 if quick else 7)
    if "memory" in sections:
        log("peak memory, one process per contender")
        results["memory"] = memory.peak_rss(contenders.CONTENDERS, splits[0])
    if "mnist" in sections:
        log("MNIST-sized epoch")
        results["mnist"] = mnist.measure(rounds=1 if quick else 2,
                                         subnormal_epochs=4 if quick else 6,
                                         without_flush=not quick)
    if "cli" in sections:
        log("the command line")
        results["cli"] = cli.measure(rounds=2 if quick else 5)
    if "live" in sections:
        log("the explorer's live training, with its defaults and pace")
        results["live"] = live.measure()
    results["targets"] = judge(results)
    results["seconds"] = time.perf_counter() - started
    return results


def lean_part(pair: dict) -> str:
    """The same-work row's mention of the leanest NumPy epoch, when the run measured it."""
    if "lean_numpy_epoch_seconds" not in pair:
        return ""
    return f"; the leanest NumPy epoch: {report.of_sklearn_epoch(pair, 'lean_numpy'):.2f}x"


def judge(results: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """Each target of issues 7 and 20: (name, goal, what this run measured, met?).

    Every figure comes from this run's sections; a section not run adds no rows.

    ``met`` is None for a figure that is measured but no longer judged.
    """
    rows: list[tuple[str, str, str, bool | None]] = []
    acc = results.get("accuracy", {})
    confirmation = results.get("confirmation", {})
    if acc:
        # In issue 20's order: best, fast, defaults.
        best, svc = acc.get("glassnet best"), acc.get("SVC")
        if best and svc:
            rows.append(("accuracy of glassnet best (one network), splits 0-4",
                         ">= 99.2% mean, beating the SVC",
                         f"{report.pct(best['mean_accuracy'])} vs SVC "
                         f"{report.pct(svc['mean_accuracy'])}",
                         best["mean_accuracy"] >= 0.992
                         and best["mean_accuracy"] > svc["mean_accuracy"]))
        if "glassnet best" in confirmation:
            confirmed = confirmation["glassnet best"]["mean_accuracy"]
            rows.append(("accuracy of glassnet best on the confirmation splits",
                         ">= 99.0% mean", report.pct(confirmed), confirmed >= 0.990))
        if best:
            rows.append(("glassnet best's fit per split", "<= 3 s",
                         f"{report.ms(best['fit_seconds'])} "
                         f"(CPU {report.ms(best['fit_cpu_seconds'])})",
                         best["fit_seconds"] <= 3.0))
        name = "glassnet recommended"
        mean = acc[name]["mean_accuracy"]
        rows.append((f"accuracy of {name}", ">= 98.8% mean", report.pct(mean), mean >= 0.988))
        if confirmation:
            fastest = confirmation["glassnet fastest"]["mean_accuracy"]
            rows.append(("accuracy of glassnet fastest on the confirmation splits",
                         ">= 97.5% mean", report.pct(fastest), fastest >= 0.975))
        fast, sklearn_fast = acc.get("glassnet fastest"), acc.get("sklearn MLP fastest")
        if fast and sklearn_fast:
            text, factor = fit_time_against(fast, sklearn_fast)
            rows.append(("fit of glassnet fastest vs sklearn MLP fastest",
                         "<= 1/4 of its time", text, factor >= 4))
        mean = acc["glassnet defaults"]["mean_accuracy"]
        rows.append(("accuracy of glassnet defaults", ">= 98.0% mean", report.pct(mean),
                     mean >= 0.980))
        if confirmation:
            ours = confirmation["glassnet defaults"]["mean_accuracy"]
            theirs = confirmation["sklearn MLP defaults"]["mean_accuracy"]
            text, factor = fit_time_against(acc["glassnet defaults"],
                                            acc["sklearn MLP defaults"])
            rows.append(("glassnet defaults vs sklearn MLP defaults: accuracy on the "
                         "confirmation splits, fit on splits 0-4",
                         "at or above, in at most 1/3 of their time",
                         f"{report.pct(ours)} vs {report.pct(theirs)}; fit {text}",
                         ours >= theirs and factor >= 3))
        latency = acc["glassnet defaults"]["latency_seconds"]
        rows.append(("single-image predict (glassnet defaults)", "<= 10 µs", report.ms(latency),
                     latency <= 10e-6))
    ten = results.get("seeds", {}).get("glassnet defaults")
    if ten:
        rows.append(("glassnet defaults on each of ten splits (0-9)",
                     ">= 97.5% on every one, >= 98.2% mean",
                     f"{report.pct(ten['min_accuracy'])} at worst, "
                     f"{report.pct(ten['mean_accuracy'])} mean",
                     ten["min_accuracy"] >= 0.975 and ten["mean_accuracy"] >= 0.982))
    tgt = results.get("target", {})
    if tgt:
        ours = tgt["glassnet fastest"]
        races = [(name, 4) for name in tgt if name.startswith("sklearn MLP fastest")]
        for name, factor in [*races, ("PyTorch CPU", 15)]:
            theirs = tgt[name]
            if ours["budget"] is None or theirs["budget"] is None:
                rows.append((f"time to 97.5% vs {name}", f"<= 1/{factor}", "not reached", False))
                continue
            text, wall = times_against(ours["seconds"], ours["cpu_seconds"],
                                       theirs["seconds"], theirs["cpu_seconds"])
            rows.append((f"time to 97.5% vs {name}", f"<= 1/{factor} of its time", text,
                         wall >= factor))
    if "epoch" in results:
        e = results["epoch"]
        r = e["ratio"]
        # Issue 20 retired issue 7's "<= 2x": even the leanest NumPy epoch is about 2x.
        # It stays a measured figure (None: no verdict) that no change may worsen by
        # more than 15%.
        rows.append(("training epoch time vs matrix products only (Adam)",
                     "measured only (issue 7's <= 2x, retired)",
                     f"{r:.2f}x (with SGD + momentum: {e['sgd_ratio']:.2f}x; the leanest "
                     f"NumPy epoch: {e['lean_ratio']:.2f}x)", None))
    pairs = results.get("same_work", {}).get("pairs", {})
    if "float32" in pairs:
        # Judged on float32, which issue 20 allows ("use float32 where it loses
        # nothing"); the float64 pair is shown beside it.
        single, double = pairs["float32"], pairs.get("float64")
        rows.append(("same work per epoch vs scikit-learn (64-100-10, Adam, batches of 200)",
                     "<= 1/3 of its epoch (float32 pair)",
                     f"float32: {report.ms(single['glassnet_epoch_seconds'])} vs "
                     f"{report.ms(single['sklearn_epoch_seconds'])}: {single['ratio']:.2f}x"
                     + (f"; float64: {double['ratio']:.2f}x" if double else "")
                     + lean_part(single),
                     single["ratio"] <= 1 / 3))
    if "cli" in results and "error" not in results["cli"]:
        c = results["cli"]
        rows.append(("`glassnet --help`", "< 150 ms",
                     f"{report.ms(c['help_seconds'])} (CPU {report.ms(c['help_cpu_seconds'])})",
                     c["help_seconds"] < 0.150))
        rows.append(("`glassnet train` with defaults, end to end", "< 1 s",
                     f"{report.ms(c['train_seconds'])} (CPU {report.ms(c['train_cpu_seconds'])})",
                     c["train_seconds"] < 1.0))
    mem = results.get("memory", {}).get("glassnet defaults")
    if mem and "error" not in mem:
        rows.append(("peak RSS of import + training (glassnet defaults)",
                     "< 60 MB, no scikit-learn or matplotlib",
                     f"{mem['peak_rss_mb']:.0f} MB, scikit-learn imported: "
                     f"{mem['sklearn_imported']}, matplotlib: {mem['matplotlib_imported']}",
                     mem["peak_rss_mb"] < 60 and not mem["sklearn_imported"]
                     and not mem["matplotlib_imported"]))
    if "mnist" in results:
        m = results["mnist"]
        epochs = m["epoch_seconds"]
        fastest_torch = min(v for k, v in epochs.items() if k.startswith("pytorch"))
        rows.append(("MNIST-sized epoch vs PyTorch CPU (its faster thread setting)",
                     "no slower", f"{report.ms(epochs['glassnet'])} vs {report.ms(fastest_torch)}",
                     epochs["glassnet"] <= fastest_torch))
        rows.append(("no subnormal slowdown after the first epoch",
                     "epochs 3+ / epoch 2 <= 1.2x",
                     f"{m['later_over_first']:.2f}x", m["later_over_first"] <= 1.2))
    lv = results.get("live")
    if lv and lv["min_accuracy"] is not None:
        rows.append(("explorer's live training with its defaults (seeds 0-4)",
                     ">= 97% test accuracy within 5 s",
                     f"{report.pct(lv['min_accuracy'])} at worst, "
                     f"{lv['max_seconds']:.1f} s at most",
                     lv["min_accuracy"] >= 0.97 and lv["max_seconds"] <= 5.0))
    return rows


def times_against(ours: float, ours_cpu: float, theirs: float,
                  theirs_cpu: float) -> tuple[str, float]:
    """"12.0 ms vs 48.0 ms: 1/4.0 (CPU: 1/3.9)", and how many times faster (wall) we are."""
    wall, cpu = theirs / ours, theirs_cpu / ours_cpu
    return (f"{report.ms(ours)} vs {report.ms(theirs)}: 1/{wall:.1f} (CPU: 1/{cpu:.1f})",
            wall)


def fit_time_against(ours: dict[str, Any], theirs: dict[str, Any]) -> tuple[str, float]:
    """``times_against`` for two contenders' fit medians of the accuracy section."""
    return times_against(ours["fit_seconds"], ours["fit_cpu_seconds"],
                         theirs["fit_seconds"], theirs["fit_cpu_seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (rougher medians)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help="where to write the Markdown page")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw results")
    arguments = parser.parse_args(argv)
    sections = tuple(s.strip() for s in arguments.only.split(",") if s.strip())
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    results = run(sections, arguments.quick)
    report.write_atomically(arguments.output, report.render(results))
    if arguments.json:
        report.write_atomically(arguments.json, json.dumps(results, indent=2, default=str))
    log(f"wrote {arguments.output} in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
