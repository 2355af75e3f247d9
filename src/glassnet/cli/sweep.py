"""``glassnet sweep``: settings times seeds, on local cores or a Dask cluster."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..store.paths import DEFAULT_DATABASE_PATH, db_hint

if TYPE_CHECKING:
    pass
from ..errors import ConfigError, plural
from .group import CONTEXT_SETTINGS, main
from .options import OFF, TRAINING_OPTIONS, TrainingOption, WholeOrNone, WholeRange
from .text import echo_lines, percent, seconds_text, table


def sweep_option_decorators(row: TrainingOption) -> list[Callable[[Any], Any]]:
    """A ``TRAINING_OPTIONS`` row as sweep options, which take alternatives.

    ``--hidden`` is repeated, one architecture each (its value has commas of its
    own); ``--seed`` lists the seeds themselves; an on/off setting is a flag (on)
    that may also take alternatives (``--early-stopping on,off``), with its
    ``--no-...`` flag for off; every other option takes comma-separated alternatives.
    """
    default = f"[default: {row.default_text()}]"
    if row.setting == "hidden":
        return [click.option(
            "--hidden", "hidden", multiple=True, metavar="SIZES",
            help=f"{row.help} Repeat for alternatives: --hidden none --hidden 64,32. {default}",
        )]
    if row.setting == "seed":
        return [click.option(
            "--seed", "seed", default=None, metavar="S[,S...]",
            help="The seeds themselves, e.g. 0,7,42 (instead of --seeds N).",
        )]
    if row.is_switch:
        return [
            click.option(row.flag, row.setting, is_flag=False, flag_value="on", default=None,
                         metavar="[on,off]", help=f"{row.help} Alone: on. {default}"),
            click.option(row.off_flag, f"no_{row.setting}", is_flag=True, default=False,
                         help=f"The same as {row.flag} off."),
        ]
    return [click.option(
        row.flag, row.setting, default=None, metavar="V[,V...]",
        help=f"{row.help} {default}",
    )]  # fmt: skip


def sweep_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: every training option, as ``sweep_option_decorators`` makes it."""
    for row in reversed(TRAINING_OPTIONS):
        for decorator in reversed(sweep_option_decorators(row)):
            command = decorator(command)
    return command


def sweep_grid_from_options(**options: Any) -> dict[str, list[Any]]:
    """The sweep's grid (setting -> list of alternatives) from its options.

    Options not given are left out (they keep the ``RunSettings`` defaults); the
    seed is not part of the grid (see ``sweep_seeds``).

    Raises
    ------
    click.UsageError
        For a value the training option refuses (exit status 2).
    """
    grid: dict[str, list[Any]] = {}
    for row in TRAINING_OPTIONS:
        if row.setting == "seed":
            continue
        if row.setting == "hidden":
            texts = list(options.get("hidden") or ())
        else:
            given = options.get(row.setting)
            texts = [] if given is None else [part.strip() for part in str(given).split(",")]
            if row.is_switch and options.get(f"no_{row.setting}"):
                texts.append("off")
        if not texts:
            continue
        values = []
        for text in texts:
            try:
                value = row.convert(text)
            except ConfigError as error:  # its message starts with the option's name
                raise click.UsageError(str(error)) from None
            values.append(None if isinstance(row.type, WholeOrNone) and value == OFF else value)
        grid[row.setting] = list(dict.fromkeys(values))
    return grid


def sweep_seeds(n_seeds: int | None, seed_text: str | None) -> int | list[int]:
    """``--seeds N`` (seeds 0..N-1) or ``--seed 0,7,42`` (those seeds); not both."""
    from ..app.sweeps import DEFAULT_SEEDS

    if seed_text is None:
        return DEFAULT_SEEDS if n_seeds is None else n_seeds
    if n_seeds is not None:
        raise click.UsageError("give --seeds N (seeds 0..N-1) or --seed S,S,... (those), not both")
    row = next(row for row in TRAINING_OPTIONS if row.setting == "seed")
    try:
        return [row.convert(part.strip()) for part in seed_text.split(",")]
    except ConfigError as error:
        raise click.UsageError(str(error)) from None


def sweep_table_lines(sweep_table: Any) -> list[str]:
    """A sweep's table as text: best mean test accuracy first, one combination a line."""
    header = ["rank", *sweep_table.varying, "test acc", "std", "train acc", "fit time",
              "best epoch", "runs"]  # fmt: skip
    rows = []
    for row in sweep_table:
        best_epoch = row["best_epoch_mean"]
        runs_text = str(row["n_runs"])
        if row["n_diverged"]:
            runs_text += f" ({row['n_diverged']} diverged)"
        rows.append([
            row["rank"], *(row[name] for name in sweep_table.varying),
            percent(row["test_accuracy_mean"]), percent(row["test_accuracy_std"]),
            percent(row["train_accuracy_mean"]), seconds_text(row["fit_seconds_mean"]),
            "-" if best_epoch is None else f"{best_epoch:.1f}", runs_text,
        ])  # fmt: skip
    n_columns = len(header)
    return table(header, rows, right=(0, *range(n_columns - 6, n_columns)))


@contextlib.contextmanager
def terminate_as_interrupt():
    """While it runs, ``kill`` (SIGTERM) stops the sweep as Ctrl-C does.

    The finished runs are recorded either way; this way the sweep is also marked
    interrupted, with the command that resumes it, instead of staying "running" in
    ``glassnet runs sweeps`` for ever.
    """
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a signal handler (a test runner's thread)
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@main.command("sweep", context_settings=CONTEXT_SETTINGS)
@sweep_options
@click.option("--seeds", "n_seeds", type=WholeRange(min=1), default=None,
              help="Train every combination with seeds 0..N-1. [default: 3]")
@click.option("--jobs", "-j", type=int, default=-1, show_default=True,
              help="Worker processes on this machine (-1: one per core; never more than the "
                   "cores or the runs).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Run on this Dask cluster instead (see docs/sweeps.md).")
@click.option("--resume", "resume_id", metavar="SWEEP_ID", default=None,
              help="Finish an interrupted sweep: train only the runs it has not recorded.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_DATABASE_PATH, show_default=True,
              help="The runs database to record every run in.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also draw accuracy against each setting (PNG).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines, just the table.")
def sweep_command(
    n_seeds: int | None,
    jobs: int,
    scheduler: str | None,
    resume_id: str | None,
    db: Path,
    plot_path: Path | None,
    quiet: bool,
    **options: Any,
) -> None:
    """Train every combination of settings with several seeds, and compare them.

    Give alternatives for any training option: --hidden once per architecture,
    commas between the others. Every combination is trained with every seed, each
    run recorded in the runs database under one sweep id, and the table shows the
    mean test accuracy over the seeds, best first, with its spread.

    \b
      glassnet sweep --hidden none --hidden 16 --hidden 64 --hidden 64,32 \\
                     --activation sigmoid,relu --learning-rate 0.1,0.5 --seeds 5
      glassnet sweep ... --scheduler tcp://10.0.0.5:8786     on a Dask cluster
      glassnet sweep --resume 20261126-130129-a67a            after Ctrl-C

    By default the runs share this machine's cores (joblib, --jobs). Press Ctrl-C
    to stop: every finished run is kept, and --resume trains only the rest.
    """
    from ..app.extras import require_extra
    from ..app.sweeps import SweepIncomplete, settings_label, sweep

    require_extra("cluster", "joblib" if scheduler is None else "distributed")  # before any output
    grid = sweep_grid_from_options(**options)
    seeds = sweep_seeds(n_seeds, options.get("seed"))
    if resume_id is not None and (grid or n_seeds is not None or options.get("seed")):
        raise click.UsageError(
            "--resume continues a sweep with the settings and seeds it started with; "
            "give no training options or seeds with it"
        )

    def report(result: dict[str, Any]) -> None:
        scores = result["scores"]
        outcome = (
            "diverged" if scores.get("diverged") else f"test {percent(scores['test_accuracy'])}"
        )
        label = settings_label(result["settings"], names=result["varying"], with_seed=True)
        click.echo(f"[{result['done']}/{result['total']}] {label}: {outcome}", err=True)

    if plot_path is not None:  # a wrong file name should not wait for the whole sweep
        from ..plots import check_figure_path

        check_figure_path(plot_path)
    from ..store.atomicfile import writable_target

    writable_target(db, what="runs database")  # nor a database that cannot be written
    where = f"the Dask cluster at {scheduler}" if scheduler else "this machine (joblib)"
    if not quiet:
        what = f"sweep {resume_id}" if resume_id else "a sweep"
        click.echo(f"running {what} on {where}; runs recorded in {db}", err=True)
    try:
        with terminate_as_interrupt():
            table = sweep(
                None if resume_id else grid,
                seeds=seeds, jobs=jobs, scheduler=scheduler, db_path=db, resume=resume_id,
                on_result=None if quiet else report,
            )  # fmt: skip
    except SweepIncomplete as error:
        echo_lines(sweep_table_lines(error.table))
        raise
    echo_lines(sweep_table_lines(table))
    n_runs = sum(row["n_runs"] for row in table)
    click.echo(
        f"sweep {table.sweep_id}: {plural(len(table), 'combination')} x "
        f"{plural(len(table.seeds), 'seed')}, {plural(n_runs, 'run')} recorded in {db} "
        f"(see: glassnet runs list --sweep {table.sweep_id}{db_hint(db)})"
    )
    if plot_path is not None:
        from ..plots import plot_sweep

        click.echo(f"wrote {plot_sweep(table, plot_path)}")
