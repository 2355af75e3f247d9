"""Sweeps: tweak, retrain, retest, compare, for many settings at once.

The article ends with a habit: change a setting (usually the hidden layers), retrain,
retest, and keep what works. Done by hand that is slow, and it is easy to fool
yourself: one run that scores 0.3 points better may just have had a luckier seed.
A *sweep* does the habit properly. It takes alternatives for some settings, say
hidden layers ``none, 16, 64`` and activations ``sigmoid, relu``, builds every
combination (3 x 2 = 6 here), trains each one with several seeds, and reports a
table sorted by the mean test accuracy over the seeds, with its standard deviation.
A difference smaller than the spread between seeds is not a difference.

The runs are independent, so they can run at the same time: on the cores of this
machine with joblib (``jobs``), or on a Dask cluster of many machines
(``scheduler="tcp://HOST:PORT"``), with no other change. Either way the work is
split the same way:

- the *caller* (this process) loads the data once, plans one task per
  (combination, seed), and is the only one that writes the runs database;
- a *worker* gets one task, trains through ``glassnet.app.experiment.run`` (the one
  training recipe every window shares), and sends back a small result: the
  settings, the scores, the history and a SHA-256 fingerprint of the final weights;
- the caller records each result the moment it arrives, under the sweep's id.

That last point is what makes a sweep safe to stop. Ctrl-C, a lost worker or a
crashed laptop loses only the runs that were still training; every finished run is
already in the database, and ``sweep(resume=SWEEP_ID)`` (``glassnet sweep --resume
SWEEP_ID``) runs only what is missing. A run is the same run wherever it trains:
its seed fixes the test split, the starting weights and the shuffling, and each
worker uses one BLAS thread, so joblib and Dask give bit-for-bit the same weights
(the fingerprints prove it).

joblib and Dask are the ``cluster`` extra (``make run`` installs it) and
are imported only when a sweep runs.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import numbers
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.defaults import MAX_WHOLE_NUMBER
from ..core.losses import get_loss
from ..data.dataset import Dataset
from ..data.spec import load_dataset
from ..errors import (
    ConfigError,
    GlassnetError,
    RunsDatabaseError,
    TrainingDiverged,
    shown,
    shown_count,
)
from ..store.paths import db_hint
from ..store.runs import DEFAULT_DATABASE_PATH, RunsDatabase
from .experiment import RunSettings, format_hidden, run
from .recipes import DEFAULT_RECIPE, settings_for
from .recording import RunRecord, record_run

#: How many seeds each combination is trained with unless told otherwise.
DEFAULT_SEEDS = 3

#: The most trainings (combinations times seeds) one sweep may hold. Far more than a
#: machine trains in a day, and small enough that planning them costs little memory:
#: ``seeds=10**9`` would otherwise fill gigabytes with seeds before anything trains.
MAX_SWEEP_RUNS = 100_000

#: What the runs database stores as a sweep's status as it goes.
STATUS_RUNNING = "running"
STATUS_FINISHED = "finished"
STATUS_INTERRUPTED = "interrupted"
STATUS_INCOMPLETE = "incomplete"
STATUS_FAILED = "failed"

#: The kind of spec this module writes into the runs database (checked on resume).
SPEC_KIND = "glassnet.sweep"
SPEC_VERSION = 1

#: The settings a sweep may vary: every ``RunSettings`` field except the seed,
#: which is the sweep's own business (``seeds``).
SWEEPABLE_SETTINGS = tuple(name for name in RunSettings.__dataclass_fields__ if name != "seed")


# ====================================================================== errors
class SweepError(GlassnetError):
    """A sweep could not run or did not finish; every finished run is still recorded."""


class SweepInterrupted(SweepError):
    """The sweep was stopped (Ctrl-C); its finished runs are recorded and it can be resumed.

    Attributes
    ----------
    sweep_id : str
        Resume with ``sweep(resume=sweep_id)`` or ``glassnet sweep --resume ID``.
    finished, total : int
        Runs recorded so far, and runs in the whole sweep.
    """

    def __init__(self, message: str, *, sweep_id: str, finished: int, total: int) -> None:
        super().__init__(message)
        self.sweep_id = sweep_id
        self.finished = finished
        self.total = total


class SweepIncomplete(SweepError):
    """Some runs failed (an error in training, a worker lost too often); the rest are recorded.

    Attributes
    ----------
    sweep_id : str
        Resume with ``sweep(resume=sweep_id)`` to try the failed runs again.
    failures : list of TaskFailure
        Which runs failed, and why.
    table : SweepTable
        The table of the runs that did finish.
    """

    def __init__(
        self, message: str, *, sweep_id: str, failures: list[TaskFailure], table: SweepTable
    ) -> None:
        super().__init__(message)
        self.sweep_id = sweep_id
        self.failures = failures
        self.table = table


# ====================================================================== what travels
@dataclass(frozen=True)
class FinishedRun(RunRecord):
    """What a worker sends back for one finished run: its ``RunRecord``, small and picklable.

    The trained network itself stays behind (a sweep compares settings; retrain the
    winner with ``glassnet train`` to keep it). Its fingerprint travels instead:
    ``scores["weights_sha256"]`` is ``modelfile.array_checksum`` of the final
    weights, the same SHA-256 a saved model file carries.

    Attributes
    ----------
    settings : dict
        ``RunSettings.to_dict()`` of the run, seed included.
    scores : dict
        ``RunResult.scores()`` plus ``weights_sha256`` and ``fit_seconds`` (the
        training time, without loading and testing). A run whose loss blew up has
        ``diverged`` True, no accuracies, and the error in ``error``.
    history : dict
        ``History.to_dict()``: the loss and accuracy of every epoch.
    """


@dataclass(frozen=True)
class TaskFailure:
    """A run that did not finish: its settings and what went wrong, in words."""

    settings: dict[str, Any]
    error: str

    def describe(self, names: Iterable[str] | None = None) -> str:
        """``hidden=8 seed=1: ConfigError: ...`` (only the settings ``names``, if given)."""
        return f"{settings_label(self.settings, names=names, with_seed=True)}: {self.error}"


def train_one(settings: dict[str, Any], data: Dataset) -> FinishedRun | TaskFailure:
    """One task of a sweep, as a worker runs it: train and test one network.

    This is the only code that runs on the workers. It never touches the runs
    database (only the caller writes it) and it never raises for a run that went
    wrong; it returns a ``TaskFailure`` instead, so one bad run cannot take the
    other runs of its batch down with it. A run whose loss became NaN is not a
    failure but a result: that setting diverges, which is worth knowing.

    BLAS is held to one thread: the sweep already keeps every core busy with a run
    of its own, and more threads would only fight over them. It also makes a run's
    arithmetic the same on every worker, so the weights are too.

    Parameters
    ----------
    settings : dict
        ``RunSettings.to_dict()`` of the run, with its seed.
    data : Dataset
        All the images (the run splits off its own test part by its seed).
    """
    from threadpoolctl import threadpool_limits

    from ..store.modelfile import array_checksum

    try:
        run_settings = RunSettings.from_dict(settings)
        with threadpool_limits(limits=1):
            # Ctrl-C is the caller's to handle: a run it interrupts must not be
            # mistaken for a finished one, so training does not catch it here.
            result = run(run_settings, data, catch_interrupt=False)
    except TrainingDiverged as error:
        history = getattr(error, "history", None)
        history_dict = history.to_dict() if history is not None else {}
        scores = {
            "train_accuracy": None,
            "test_accuracy": None,
            "diverged": True,
            "error": str(error),
            "best_epoch": history_dict.get("best_epoch"),
            "epochs": max(len(history_dict.get("seconds", [])),
                          len(history_dict.get("train_loss", []))),
            "stop_reason": "diverged",
            "fit_seconds": float(sum(history_dict.get("seconds", []))),
            "weights_sha256": None,
        }
        return FinishedRun(settings=dict(settings), scores=scores, history=history_dict)
    except Exception as error:  # noqa: BLE001 - reported to the caller as a failed run
        return TaskFailure(settings=dict(settings), error=f"{type(error).__name__}: {error}")
    history = result.history.to_dict()
    scores = {
        **result.scores(),
        "diverged": False,
        "fit_seconds": float(sum(result.history.seconds)),
        "weights_sha256": array_checksum(result.network.parameters()),
    }
    return FinishedRun(settings=result.settings.to_dict(), scores=scores, history=history)


# ====================================================================== the plan
def _combination(values: dict[str, Any]) -> RunSettings:
    """One combination of a grid: its recipe (default: ``default``) with its other values."""
    values = dict(values)
    return settings_for(values.pop("recipe", DEFAULT_RECIPE), **values)


def settings_grid(grid: Mapping[str, Any] | Sequence[RunSettings]) -> list[RunSettings]:
    """Every combination of the alternatives in ``grid``, as ``RunSettings`` (seed left at 0).

    A dict maps setting names to a list of alternatives; a value that is not a list
    (or tuple) is fixed. The combinations are the Cartesian product, in the order of
    the dict and of each list: ``{"hidden": ["none", 16], "activation": ["sigmoid",
    "relu"]}`` gives (none, sigmoid), (none, relu), (16, sigmoid), (16, relu). Each
    alternative of ``hidden`` is one architecture: ``[(64, 32)]`` or ``["64,32"]`` is
    one network with two hidden layers, ``[64, 32]`` two networks with one. A
    ``recipe`` (``{"recipe": ["fast", "best"]}``) gives each combination its
    starting values, which the grid's other settings override (``settings_for``).

    A list of ``RunSettings`` is taken as the combinations themselves. Either way
    the same combination given twice is kept once.

    Raises
    ------
    ConfigError
        For an unknown setting name (the message lists the valid ones), a ``seed``
        (seeds are the sweep's ``seeds`` argument), an empty list of alternatives,
        or a value ``RunSettings`` refuses.
    """
    if isinstance(grid, Mapping):
        unknown = sorted(set(grid) - set(SWEEPABLE_SETTINGS) - {"seed"})
        if unknown:
            raise ConfigError(
                f"unknown settings {unknown} in the sweep; valid settings: "
                f"{', '.join(SWEEPABLE_SETTINGS)}"
            )
        if "seed" in grid:
            raise ConfigError(
                "a sweep chooses the seeds itself: give seeds=N (or a list of seeds), not 'seed'"
            )
        names = list(grid)
        alternatives = [_alternatives(name, grid[name]) for name in names]
        _check_size(math.prod(len(values) for values in alternatives), "combinations")
        combinations = [
            _combination(dict(zip(names, values, strict=True)))
            for values in itertools.product(*alternatives)
        ]
    else:
        combinations = []
        for item in grid:
            if not isinstance(item, RunSettings):
                raise ConfigError(
                    "a sweep's grid is a dict of alternatives or a list of RunSettings, "
                    f"got a list holding {type(item).__name__}"
                )
            combinations.append(item.replace(seed=0))
    unique: dict[str, RunSettings] = {}
    for settings in combinations:
        unique.setdefault(settings_key(settings.to_dict(), with_seed=False), settings)
    if not unique:
        raise ConfigError("the sweep has nothing to run: the grid is empty")
    return list(unique.values())


def _alternatives(name: str, value: Any) -> list[Any]:
    values = list(value) if isinstance(value, list | tuple) else [value]
    # A NumPy scalar (np.int64(20) from np.arange, say) as the plain number it holds, so
    # that the settings can be recorded as JSON.
    values = [v.item() if type(v).__module__ == "numpy" and getattr(v, "shape", None) == ()
              else v for v in values]
    if not values:
        raise ConfigError(f"no alternatives given for {shown(name)}: give at least one value")
    if name == "hidden":  # one hidden layer may be given as a bare number: 16 -> (16,)
        values = [(v,) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]
    return values


def seed_list(seeds: int | Iterable[int]) -> list[int]:
    """``seeds`` as a list: a number N means seeds 0, 1, ..., N-1; a list is kept (once each).

    Raises
    ------
    ConfigError
        For fewer than one seed or a seed that is not a whole number >= 0.
    """
    if isinstance(seeds, bool):
        raise ConfigError(f"seeds is a number of seeds or a list of seeds, got {shown(seeds)}")
    if isinstance(seeds, numbers.Integral):
        seeds = int(seeds)
        if seeds < 1:
            raise ConfigError(f"a sweep needs at least 1 seed, got seeds={shown(seeds)}")
        _check_size(seeds, "seeds")
        return list(range(seeds))
    try:
        candidates = list(seeds)
    except TypeError:
        raise ConfigError(
            f"seeds is a number of seeds or a list of seeds, got {shown(seeds)}") from None
    _check_size(len(candidates), "seeds")
    chosen: dict[int, None] = {}  # in the order given, each once
    for seed in candidates:
        # Up to what a recorded run holds: a sweep recorded before seeds were bounded
        # (new seeds are asked for up to MAX_SEED by the windows) still resumes.
        if (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                or not 0 <= seed <= MAX_WHOLE_NUMBER):
            raise ConfigError(f"seeds are whole numbers from 0 to {MAX_WHOLE_NUMBER:,}, "
                              f"got {shown(seed)}")
        chosen[int(seed)] = None
    if not chosen:
        raise ConfigError("a sweep needs at least 1 seed; the list of seeds is empty")
    return list(chosen)


def settings_key(settings: Mapping[str, Any], *, with_seed: bool = True) -> str:
    """A canonical text for a run's settings, so runs can be matched across processes.

    Settings are normalised through ``RunSettings`` first, so a dict read back from
    the runs database matches the one the sweep planned.
    """
    values = RunSettings.from_dict(dict(settings)).to_dict()
    if not with_seed:
        values.pop("seed")
    return json.dumps(values, sort_keys=True)


def settings_label(settings: Mapping[str, Any], *, names: Iterable[str] | None = None,
                   with_seed: bool = False) -> str:
    """A short human description: ``hidden=64,32 activation=relu`` (only ``names`` if given)."""
    described = list(names) if names is not None else list(SWEEPABLE_SETTINGS)
    parts = [f"{name}={setting_text(name, settings.get(name))}" for name in described]
    if with_seed:
        parts.append(f"seed={settings.get('seed')}")
    return " ".join(parts) if parts else "(one combination)"


def setting_text(name: str, value: Any) -> str:
    """A setting's value as a table shows it (hidden layers as ``64,32`` or ``none``)."""
    if name == "hidden":
        return format_hidden(value or ())
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "none" if name == "average_from" else "default"
    return shown(value, str)  # a hostile grid's 400-digit number is not a table's


def varying_settings(combinations: Sequence[RunSettings]) -> list[str]:
    """The names of the settings that are not the same in every combination."""
    dicts = [settings.to_dict() for settings in combinations]
    return [
        name
        for name in SWEEPABLE_SETTINGS
        if len({json.dumps(values[name]) for values in dicts}) > 1
    ]


@dataclass(frozen=True)
class SweepTask:
    """One run of a sweep: which combination, and the full settings with the seed."""

    combination: int
    settings: dict[str, Any]

    @property
    def key(self) -> str:
        return settings_key(self.settings)


def _check_size(count: int, what: str) -> None:
    """Refuse a sweep of more than ``MAX_SWEEP_RUNS`` trainings, before planning them."""
    if count > MAX_SWEEP_RUNS:
        raise ConfigError(f"a sweep runs at most {MAX_SWEEP_RUNS:,} trainings; this one "
                          f"has too many {what} ({shown_count(count)})")


def plan_tasks(combinations: Sequence[RunSettings], seeds: Sequence[int]) -> list[SweepTask]:
    """One task per (combination, seed), combination by combination."""
    return [
        SweepTask(index, settings.replace(seed=seed).to_dict())
        for index, settings in enumerate(combinations)
        for seed in seeds
    ]


# ====================================================================== the table
class SweepTable(list):
    """The result of a sweep: a list of rows (dicts), best first, plus what the sweep was.

    It is a plain list of dicts (``pandas.DataFrame(table)`` works), with a few
    attributes for whoever wants more.

    Each row is one combination of settings, summarised over its seeds:

    - ``rank`` (1 = best) and ``combination`` (its place in the grid, from 0);
    - the settings that vary in the sweep, by name (``hidden`` as text: ``"64,32"``);
    - ``test_accuracy_mean``, ``test_accuracy_std`` (sample standard deviation over
      the seeds; 0.0 with one seed), ``train_accuracy_mean``;
    - ``fit_seconds_mean`` (training time of one run), ``best_epoch_mean``;
    - ``n_runs`` (runs recorded), ``n_diverged`` (runs whose loss blew up, left out
      of the means), ``seeds``, ``test_accuracies`` and ``weights_sha256`` (one per
      seed, in the order of ``seeds``), ``run_ids`` (in the runs database);
    - ``settings``: the full settings of the combination (without the seed).

    Attributes
    ----------
    sweep_id : str
        The sweep's id in the runs database.
    varying : list of str
        The settings that vary between the rows.
    seeds : list of int
    database : Path
        The runs database the runs were recorded in.
    """

    def __init__(self, rows: Iterable[dict[str, Any]] = (), *, sweep_id: str = "",
                 varying: Sequence[str] = (), seeds: Sequence[int] = (),
                 database: Path | None = None) -> None:
        super().__init__(rows)
        self.sweep_id = sweep_id
        self.varying = list(varying)
        self.seeds = list(seeds)
        self.database = database


def summarise(
    combinations: Sequence[RunSettings],
    seeds: Sequence[int],
    runs: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The sweep's table: one row per combination, sorted by mean test accuracy, best first.

    Parameters
    ----------
    combinations : sequence of RunSettings
        The sweep's combinations (as ``settings_grid`` made them).
    seeds : sequence of int
    runs : iterable of dict
        Recorded runs as ``RunsDatabase.finished_runs`` returns them (``id``,
        ``settings``, ``scores``). Runs of other settings or seeds are ignored.

    Returns
    -------
    list of dict
        The rows described in ``SweepTable``. Combinations with no finished run yet
        are included with None for the means, after all the others.
    """
    varying = varying_settings(combinations)
    by_key = {settings_key(c.to_dict(), with_seed=False): index
              for index, c in enumerate(combinations)}
    seed_order = {seed: position for position, seed in enumerate(seeds)}
    collected: list[dict[int, Mapping[str, Any]]] = [{} for _ in combinations]
    for recorded in runs:
        settings = recorded["settings"]
        index = by_key.get(settings_key(settings, with_seed=False))
        seed = settings.get("seed")
        if index is not None and seed in seed_order:
            collected[index][seed] = recorded

    rows = []
    for index, settings in enumerate(combinations):
        found = [collected[index][seed] for seed in seeds if seed in collected[index]]
        scores = [recorded["scores"] for recorded in found]
        converged = [s for s in scores if not s.get("diverged")]
        test = [float(s["test_accuracy"]) for s in converged]
        values = settings.to_dict()
        values.pop("seed")
        rows.append({
            **{name: setting_text(name, values[name]) for name in varying},
            "combination": index,
            "test_accuracy_mean": _mean(test),
            "test_accuracy_std": _sample_std(test),
            "train_accuracy_mean": _mean([float(s["train_accuracy"]) for s in converged]),
            "fit_seconds_mean": _mean([float(s["fit_seconds"]) for s in scores
                                       if s.get("fit_seconds") is not None]),
            "best_epoch_mean": _mean([float(s["best_epoch"]) for s in converged
                                      if s.get("best_epoch") is not None]),
            "n_runs": len(found),
            "n_diverged": len(scores) - len(converged),
            "seeds": [int(r["settings"]["seed"]) for r in found],
            "test_accuracies": [s.get("test_accuracy") for s in scores],
            "weights_sha256": [s.get("weights_sha256") for s in scores],
            "run_ids": [r.get("id") for r in found],
            "settings": values,
        })
    # Best first; combinations without a score at the end; ties keep the grid's order.
    rows.sort(key=lambda row: (row["test_accuracy_mean"] is None,
                               -(row["test_accuracy_mean"] or 0.0)))
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _sample_std(values: Sequence[float]) -> float | None:
    """The spread between seeds (n - 1 in the denominator); 0.0 for one value."""
    if not values:
        return None
    if len(values) == 1:
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


# ====================================================================== where runs train
def _import_cluster_library(name: str) -> Any:
    from .extras import require_extra

    return require_extra("cluster", name)


def worker_count(jobs: int, n_tasks: int) -> int:
    """The worker processes to start for ``jobs`` (joblib's convention) and ``n_tasks`` runs.

    Negative ``jobs`` count back from the cores, as joblib does: -1 is every core, -2
    all but one. Never more workers than runs (a process per idle worker costs its
    start-up and nothing else), nor than the cores this process may use
    (``cores_available``): every run keeps one core busy, so a second process on it
    only makes both wait. ``--jobs 500`` for one run on two cores started 500
    processes and took 75 s instead of 1.3 s.
    """
    from ..training.ahead import cores_available

    cores = cores_available()
    wanted = jobs if jobs > 0 else cores + 1 + jobs
    return max(1, min(wanted, n_tasks, cores))


def run_with_joblib(
    tasks: Sequence[SweepTask], data_of: Callable[[SweepTask], Dataset], jobs: int
) -> Iterator[FinishedRun | TaskFailure]:
    """Run the tasks on this machine's cores with joblib, yielding results as they finish.

    Parameters
    ----------
    tasks : sequence of SweepTask
    data_of : callable
        The Dataset a task trains on.
    jobs : int
        Worker processes; -1 means one per core, 1 runs in this process (see
        ``worker_count``).
    """
    joblib = _import_cluster_library("joblib")
    parallel = joblib.Parallel(n_jobs=worker_count(jobs, len(tasks)),
                               return_as="generator_unordered")
    outcomes = parallel(
        joblib.delayed(train_one)(task.settings, data_of(task)) for task in tasks
    )
    try:
        yield from outcomes
    finally:
        with warnings.catch_warnings():
            # Stopping early cancels the tasks still running, which is the point.
            warnings.simplefilter("ignore", UserWarning)
            outcomes.close()


#: How long to wait for a Dask scheduler to answer before giving up.
CONNECT_TIMEOUT = "20s"


def connect_to_cluster(scheduler: Any) -> tuple[Any, bool]:
    """A Dask client for ``scheduler``, and whether we opened it (and so must close it).

    Parameters
    ----------
    scheduler : str or dask.distributed.Client
        The scheduler's address, ``"tcp://HOST:PORT"``, or a connected Client.

    Raises
    ------
    SweepError
        If Dask is not installed or nothing answers at that address.
    """
    distributed = _import_cluster_library("dask.distributed")
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    try:
        return distributed.Client(scheduler, timeout=CONNECT_TIMEOUT), True
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise SweepError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({error}); start one with "
            "'dask scheduler' and workers with 'dask worker ADDRESS' (see docs/sweeps.md)"
        ) from None


def run_with_dask(
    tasks: Sequence[SweepTask],
    data_of: Callable[[SweepTask], Dataset],
    client: Any,
) -> Iterator[FinishedRun | TaskFailure]:
    """Run the tasks on a Dask cluster, yielding results as they finish.

    The data goes to every worker once (``scatter``), not once per task. If a worker
    dies, the scheduler gives its tasks to the others; a task whose workers keep
    dying (Dask's ``allowed-failures``, 3 by default) comes back as a
    ``TaskFailure``, as does a task that raised. Stopping early cancels the tasks
    not yet finished.

    Parameters
    ----------
    tasks : sequence of SweepTask
    data_of : callable
        The Dataset a task trains on.
    client : dask.distributed.Client
        Connected to the cluster (see ``connect_to_cluster``); left open.
    """
    distributed = _import_cluster_library("dask.distributed")
    futures: dict[Any, SweepTask] = {}
    try:
        scattered: dict[int, Any] = {}
        for task in tasks:
            data = data_of(task)
            if id(data) not in scattered:
                scattered[id(data)] = client.scatter(data, broadcast=True, hash=False)
            future = client.submit(train_one, task.settings, scattered[id(data)], pure=False)
            futures[future] = task
        for future in distributed.as_completed(list(futures)):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - a lost or failed task, reported
                outcome = TaskFailure(task.settings, f"{type(error).__name__}: {error}")
            future.release()
            yield outcome
    finally:
        if futures:
            try:
                client.cancel(list(futures))
            except Exception:  # noqa: BLE001, S110 - the cluster may already be gone
                pass


# ====================================================================== the sweep
def sweep(
    grid: Mapping[str, Any] | Sequence[RunSettings] | None = None,
    *,
    seeds: int | Iterable[int] = DEFAULT_SEEDS,
    jobs: int = -1,
    scheduler: Any = None,
    db_path: str | os.PathLike[str] = DEFAULT_DATABASE_PATH,
    resume: str | None = None,
    data: Dataset | None = None,
    on_result: Callable[[dict[str, Any]], Any] | None = None,
) -> SweepTable:
    """Train every combination of settings with every seed, and compare them.

    Every run is recorded in the runs database (source ``"sweep"``) under a new
    sweep id as soon as it finishes, so stopping the sweep loses only the runs that
    were still training; ``resume`` runs the rest.

    Parameters
    ----------
    grid : dict or list of RunSettings
        Alternatives per setting, e.g. ``{"hidden": ["none", 16, "64,32"],
        "activation": ["sigmoid", "relu"], "epochs": 30}`` (a single value is
        fixed; see ``settings_grid``), or the combinations themselves. Settings not
        named keep the ``RunSettings`` defaults. Leave it out with ``resume``.
    seeds : int or iterable of int
        N means seeds 0..N-1; or the seeds themselves. A run's seed chooses its test
        split, starting weights and shuffling. Default 3.
    jobs : int
        Worker processes on this machine (joblib): -1 (default) one per core, 1 runs
        everything in this process; never more than the runs or the cores
        (``worker_count``). Ignored with ``scheduler``.
    scheduler : str or dask.distributed.Client, optional
        Run on a Dask cluster instead: its scheduler's address, ``"tcp://HOST:PORT"``.
        The workers need glassnet installed with the ``cluster`` extra.
    db_path : path
        The runs database. Default ``runs/glassnet.db``.
    resume : str, optional
        The id of an interrupted sweep: its settings and seeds are read back from
        the database and only the runs not recorded yet are trained.
    data : Dataset, optional
        Train on this data instead of loading each combination's ``data`` setting
        (it is sent to the workers, which then need no data files). A sweep that
        was given data must be given the same data to resume.
    on_result : callable, optional
        Called in this process after each run is recorded, with a dict: ``run_id``,
        ``settings``, ``scores``, ``done`` (runs of the sweep recorded so far,
        including earlier ones when resuming), ``total``, ``sweep_id`` and
        ``varying`` (the names of the settings that vary).

    Returns
    -------
    SweepTable
        A list of dicts, one per combination, best mean test accuracy first (see
        ``SweepTable`` for the keys); ``.sweep_id`` says where the runs are.

    Raises
    ------
    ConfigError
        For a bad grid, seeds or ``resume`` request (checked before anything runs).
    SweepInterrupted
        On Ctrl-C (``KeyboardInterrupt``): the finished runs are recorded, the sweep
        is marked "interrupted", and the error's ``sweep_id`` resumes it.
    SweepIncomplete
        If some runs failed; the others are recorded, and resuming retries them.
    SweepError
        If joblib or Dask is missing or the scheduler cannot be reached.
    RunsDatabaseError, DataError
        From the database or the data.

    Examples
    --------
    >>> table = glassnet.sweep({"hidden": ["none", 16, 64]}, seeds=3)  # doctest: +SKIP
    >>> table[0]["hidden"], table[0]["test_accuracy_mean"]  # doctest: +SKIP
    ('64', 0.982...)
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs == 0:
        raise ConfigError(f"jobs is a number of processes (-1: one per core), not {shown(jobs)}")
    if data is not None and not isinstance(data, Dataset):  # before the database is made
        raise ConfigError(f"a sweep's data is a Dataset (Dataset(X, y) for arrays), got "
                          f"{shown(data)}")
    if resume is not None and not Path(db_path).exists():  # opening it would make a new one
        raise RunsDatabaseError(f"there is no runs database at {db_path}, so no sweep "
                                f"{shown(resume, str)} to resume; give the database it was "
                                "recorded in")
    database = RunsDatabase(db_path)
    try:
        if resume is not None:
            if grid is not None:
                raise ConfigError(
                    "resume continues a sweep with the settings it was started with; "
                    "give either a grid or resume, not both"
                )
            combinations, seed_values, sweep_id = _resumed_plan(database, resume, data)
        else:
            if grid is None:
                raise ConfigError("a sweep needs a grid of settings (or resume=SWEEP_ID)")
            combinations, seed_values = settings_grid(grid), seed_list(seeds)
            _check_size(len(combinations) * len(seed_values), "trainings")
            sweep_id = ""
        datasets = _load_data(combinations, data)
        _check_combinations(combinations, datasets)
        # Reach the cluster before recording anything: a typo in the address should
        # not leave a failed sweep behind.
        client, own_client = None, False
        if scheduler is not None:
            client, own_client = connect_to_cluster(scheduler)
        try:
            if not sweep_id:
                sweep_id = database.create_sweep(
                    _spec(combinations, seed_values, data), status=STATUS_RUNNING
                )
            else:
                database.set_sweep_status(sweep_id, STATUS_RUNNING)
            return _run_sweep(database, sweep_id, combinations, seed_values, datasets,
                              jobs=jobs, client=client, on_result=on_result)
        finally:
            if own_client:
                client.close()
    finally:
        database.close()


def _run_sweep(
    database: RunsDatabase,
    sweep_id: str,
    combinations: list[RunSettings],
    seeds: list[int],
    datasets: dict[str, Dataset],
    *,
    jobs: int,
    client: Any,
    on_result: Callable[[dict[str, Any]], Any] | None,
) -> SweepTable:
    """Train what is missing, record each run as it arrives, and build the table."""
    tasks = plan_tasks(combinations, seeds)
    done_keys = {settings_key(r["settings"]) for r in database.finished_runs(sweep_id)}
    missing = [task for task in tasks if task.key not in done_keys]
    done = len(tasks) - len(missing)
    varying = varying_settings(combinations)
    failures: list[TaskFailure] = []

    def data_of(task: SweepTask) -> Dataset:
        return datasets[combinations[task.combination].data]

    # Runs on data given in Python are recorded under that data's name.
    data_name = datasets[_GIVEN].name if _GIVEN in datasets else None

    try:
        if missing:
            if client is not None:
                outcomes = run_with_dask(missing, data_of, client)
            else:
                outcomes = run_with_joblib(missing, data_of, jobs)
            with contextlib.closing(outcomes):  # however the loop ends, stop the workers
                for outcome in outcomes:
                    if isinstance(outcome, TaskFailure):
                        failures.append(outcome)
                        continue
                    run_id = record_run(database, outcome, source="sweep",
                                        data_name=data_name, sweep_id=sweep_id)
                    done += 1
                    if on_result is not None:
                        on_result({"run_id": run_id, "settings": outcome.settings,
                                   "scores": outcome.scores, "done": done,
                                   "total": len(tasks), "sweep_id": sweep_id,
                                   "varying": varying})
    except KeyboardInterrupt:
        database.set_sweep_status(sweep_id, STATUS_INTERRUPTED)
        raise SweepInterrupted(
            f"sweep {sweep_id} interrupted: {done} of {len(tasks)} runs finished and are "
            f"recorded; resume with: glassnet sweep --resume {sweep_id}{db_hint(database.path)}",
            sweep_id=sweep_id, finished=done, total=len(tasks),
        ) from None
    except GlassnetError:
        database.set_sweep_status(sweep_id, STATUS_FAILED)
        raise
    except Exception as error:
        # joblib or Dask broke down (a worker process killed by the system, say):
        # the finished runs are recorded all the same, so say how to go on.
        database.set_sweep_status(sweep_id, STATUS_FAILED)
        raise SweepError(
            f"sweep {sweep_id} stopped: {type(error).__name__}: {error}; {done} of "
            f"{len(tasks)} runs finished and are recorded; resume with: "
            f"glassnet sweep --resume {sweep_id}{db_hint(database.path)}"
        ) from error

    table = SweepTable(
        summarise(combinations, seeds, database.finished_runs(sweep_id)),
        sweep_id=sweep_id, varying=varying, seeds=seeds,
        database=database.path,
    )
    if failures:
        database.set_sweep_status(sweep_id, STATUS_INCOMPLETE)
        listed = "; ".join(failure.describe(varying) for failure in failures[:5])
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        raise SweepIncomplete(
            f"sweep {sweep_id}: {len(failures)} of {len(tasks)} runs failed: {listed}{more}. "
            f"The other runs are recorded; try the failed ones again with: "
            f"glassnet sweep --resume {sweep_id}{db_hint(database.path)}",
            sweep_id=sweep_id, failures=failures, table=table,
        )
    database.set_sweep_status(sweep_id, STATUS_FINISHED)
    return table


#: The key under which ``_load_data`` keeps data given in Python (not loaded by name).
_GIVEN = "\0given"


def _load_data(combinations: Sequence[RunSettings], data: Dataset | None) -> dict[str, Dataset]:
    """Each combination's data, loaded once here in the caller (workers get it sent)."""
    if data is not None:
        return _GivenData(data)
    return {name: load_dataset(name) for name in dict.fromkeys(c.data for c in combinations)}


class _GivenData(dict):
    """The same given Dataset for whatever ``data`` setting a combination names."""

    def __init__(self, data: Dataset) -> None:
        super().__init__({_GIVEN: data})

    def __missing__(self, key: str) -> Dataset:
        return self[_GIVEN]


def _check_combinations(
    combinations: Sequence[RunSettings], datasets: Mapping[str, Dataset]
) -> None:
    """Refuse, before anything trains, a combination that cannot work (e.g. a bad loss).

    Builds each network and optimizer, checks the loss fits the output layer and
    every numeric setting by ``train``'s own rules (a batch size of 0, a shift larger
    than the pictures), which is what training checks first; a sweep should not find
    out after an hour that its last combination was a typo.
    """
    varying = varying_settings(combinations)
    for settings in combinations:
        data = datasets[settings.data]
        try:
            network = settings.make_network(data.n_features, data.classes)
            settings.make_optimizer()  # its own settings (a momentum of 2) are checked
            get_loss(settings.loss).check_output(network.output_activation)
            settings.checked_numbers(data)  # and whether its shifts fit the pictures
        except ConfigError as error:  # named by what sets it apart, if anything does
            named = settings_label(settings.to_dict(), names=varying) if varying else ""
            raise ConfigError(f"{error} (in the combination {named})" if named
                              else str(error)) from None


def _spec(combinations: Sequence[RunSettings], seeds: Sequence[int],
          data: Dataset | None) -> dict[str, Any]:
    """What the database keeps about a sweep: enough to resume it exactly."""
    return {
        "kind": SPEC_KIND,
        "version": SPEC_VERSION,
        "combinations": [_without_seed(c.to_dict()) for c in combinations],
        "seeds": list(seeds),
        "varying": varying_settings(combinations),
        "data_given": None if data is None else (data.name or "data given in Python"),
        "data_sha256": None if data is None else data_fingerprint(data),
    }


def data_fingerprint(data: Dataset) -> str:
    """A SHA-256 of a dataset's images and labels, to know it again when resuming."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256()
    for array in (data.X, data.y, data.classes):
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes() if array.dtype != object else repr(array.tolist()).encode())
    return digest.hexdigest()


def _without_seed(values: dict[str, Any]) -> dict[str, Any]:
    values.pop("seed", None)
    return values


def _resumed_plan(
    database: RunsDatabase, sweep_id: str, data: Dataset | None
) -> tuple[list[RunSettings], list[int], str]:
    """The combinations and seeds of a recorded sweep, to run what it has not finished."""
    recorded = database.get_sweep(sweep_id)
    spec = recorded["spec"]
    if not isinstance(spec, dict) or spec.get("kind") != SPEC_KIND:
        raise ConfigError(f"sweep {sweep_id} was not made by glassnet.sweep; cannot resume it")
    if spec.get("version", 0) > SPEC_VERSION:
        raise ConfigError(f"sweep {sweep_id} was made by a newer glassnet; upgrade to resume it")
    if spec.get("data_given") and data is None:
        raise ConfigError(
            f"sweep {sweep_id} trained on data given in Python ({spec['data_given']}); "
            "pass the same data=... to resume it"
        )
    if data is not None and not spec.get("data_given"):
        raise ConfigError(
            f"sweep {sweep_id} loaded its data by name (the 'data' setting); resume it "
            "without data=..."
        )
    if data is not None and spec.get("data_sha256") != data_fingerprint(data):
        raise ConfigError(
            f"the data given is not the data sweep {sweep_id} trained on; pass the same "
            "data=... to resume it"
        )
    try:
        combinations = [RunSettings.from_dict(values) for values in spec["combinations"]]
        seeds = seed_list(spec["seeds"])
    except (KeyError, TypeError) as error:
        raise ConfigError(
            f"sweep {sweep_id} has a damaged spec ({error}); cannot resume it"
        ) from None
    return combinations, seeds, str(recorded["id"])


# ====================================================================== the picture
__all__ = [
    "MAX_SWEEP_RUNS",
    "DEFAULT_SEEDS",
    "SWEEPABLE_SETTINGS",
    "FinishedRun",
    "SweepError",
    "SweepIncomplete",
    "SweepInterrupted",
    "SweepTable",
    "SweepTask",
    "TaskFailure",
    "connect_to_cluster",
    "plan_tasks",
    "run_with_dask",
    "run_with_joblib",
    "seed_list",
    "settings_grid",
    "settings_key",
    "summarise",
    "sweep",
    "train_one",
    "worker_count",
]
