"""``glassnet runs``: list, show and compare the recorded runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..app.settings import format_hidden
from ..core.defaults import DEFAULT_LEARNING_RATES, DEFAULT_NUDGE
from ..errors import RunsDatabaseError, shown
from ..store.paths import DEFAULT_DATABASE_PATH, db_hint

if TYPE_CHECKING:
    pass
from .group import CONTEXT_SETTINGS, GlassnetGroup, main
from .options import WholeRange
from .text import echo_lines, per_class_lines, percent, points_between, seconds_text, table
from .train import stop_words


def open_existing_database(path: Path) -> Any:
    """The runs database at ``path``, refusing to create one just to read from it."""
    from ..store.runs import RunsDatabase

    if not path.exists():
        raise RunsDatabaseError(
            f"there is no runs database at {path} yet: glassnet train creates it "
            "(or give the right file with --db)"
        )
    return RunsDatabase(path)


_db_option = click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help=f"The runs database [default: {DEFAULT_DATABASE_PATH}].",
)  # fmt: skip


def database_path(ctx: click.Context, db: Path | None) -> Path:
    """``--db`` of the subcommand, else of ``glassnet runs``, else the default."""
    if db is not None:
        return db
    parent = (ctx.parent.params.get("db") if ctx.parent is not None else None) or None
    return parent or DEFAULT_DATABASE_PATH


def short_time(created: str) -> str:
    """``2026-11-26T12:51:34+00:00`` -> ``2026-11-26 12:51`` (UTC)."""
    return created[:16].replace("T", " ")




@main.group(cls=GlassnetGroup, invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@_db_option
@click.pass_context
def runs(ctx: click.Context, db: Path | None) -> None:
    """The runs database: every training run, to compare (default: list).

    \b
      glassnet runs                 the recorded runs
      glassnet runs show 3          everything about run 3
      glassnet runs compare 3 4     runs side by side, changed settings marked
      glassnet runs sweeps          the sweeps
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(runs_list, db=db)


@runs.command("list", context_settings=CONTEXT_SETTINGS)
@_db_option
@click.option("--limit", type=WholeRange(min=1), default=None, help="Only the latest N runs.")
@click.option("--sweep", "sweep_id", default=None, help="Only the runs of this sweep.")
@click.pass_context
def runs_list(
    ctx: click.Context, db: Path | None, limit: int | None = None, sweep_id: str | None = None
) -> None:
    """List the recorded runs, oldest first."""
    path = database_path(ctx, db)
    if not path.exists():
        click.echo(f"no runs recorded yet in {path} (glassnet train records every run there)")
        return
    with open_existing_database(path) as database:
        recorded = database.list_runs(limit=limit, sweep_id=sweep_id)
    if not recorded:
        if sweep_id is not None:
            click.echo(
                f"no runs of sweep {shown(sweep_id)} in {path} "
                f"(see: glassnet runs sweeps{db_hint(path)})"
            )
        else:
            click.echo(f"no runs recorded yet in {path}")
        return
    header = [
        "id",
        "time (UTC)",
        "source",
        "recipe",
        "hidden",
        "activation",
        "loss",
        "optimizer",
        "epochs",
        "test acc",
    ]
    rows = []
    for run in recorded:
        settings = run["settings"]
        if run["damaged"] is not None:  # what is left of it is not worth a row of blanks
            rows.append([run["id"], short_time(run["created"]) if run["created"] else "-",
                         "damaged", *["-"] * 7])
            continue
        rows.append(
            [
                run["id"],
                short_time(run["created"]),
                run["source"],
                settings.get("recipe", "-"),
                format_hidden(settings.get("hidden") or []),
                settings.get("activation", "-"),
                settings.get("loss", "-"),
                settings.get("optimizer", "-"),
                run["epochs"] if run["epochs"] is not None else "-",
                percent(run["test_accuracy"]),
            ]
        )
    echo_lines(table(header, rows, right=(0, 8, 9)))
    damaged = [run["id"] for run in recorded if run["damaged"] is not None]
    if damaged:
        click.echo(f"{len(damaged)} of these runs {'is' if len(damaged) == 1 else 'are'} damaged "
                   f"(edited by hand or corrupted); see why: glassnet runs show {damaged[0]}"
                   f"{db_hint(path)}")


@runs.command("show", context_settings=CONTEXT_SETTINGS)
@click.argument("run_id", metavar="ID", type=int)
@_db_option
@click.option("--epochs", "show_epochs", is_flag=True, help="Also list every epoch.")
@click.pass_context
def runs_show(ctx: click.Context, run_id: int, db: Path | None, show_epochs: bool) -> None:
    """Everything recorded about one run."""
    with open_existing_database(database_path(ctx, db)) as database:
        run = database.get_run(run_id)
    scores, history = run["scores"], run["history"]
    lines = [
        f"run #{run['id']}  {short_time(run['created'])} UTC  source: {run['source']}"
        + (f"  sweep: {run['sweep_id']}" if run["sweep_id"] else ""),
        f"data: {run['data']}   seed: {run['seed']}   glassnet {run['glassnet_version']}",
        f"model: {run['model_path'] or '(not saved)'}",
        "",
        "settings:",
        *(
            f"  {name:<20} {setting_text(name, value, run['settings'])}"
            for name, value in run["settings"].items()
        ),
        "",
        f"train accuracy: {percent(run['train_accuracy'])}",
        f"test accuracy:  {percent(run['test_accuracy'])}",
        f"epochs: {run['epochs']} (best {scores.get('best_epoch')}, "
        f"ended: {stop_words(scores.get('stop_reason'))})   "
        f"time: {seconds_text(run['seconds'])}",
    ]
    per_class = scores.get("per_class_accuracy")
    if isinstance(per_class, dict):
        lines += ["test accuracy per class:", *per_class_lines(per_class)]
    if show_epochs and history.get("train_loss"):
        lines += ["", *epoch_table(history)]
    echo_lines(lines)


def epoch_table(history: dict[str, Any]) -> list[str]:
    """A history dict as one row per epoch."""
    columns = [
        key
        for key in ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy")
        if history.get(key)
    ]
    rows = []
    # A score that was not measured, or was NaN (recorded as null), is shown as "-".
    for epoch in range(max((len(history[key]) for key in columns), default=0)):
        cells: list[Any] = [epoch + 1]
        for key in columns:
            value = history[key][epoch] if epoch < len(history[key]) else None
            if value is None:
                cells.append("-")
            else:
                cells.append(percent(value) if "accuracy" in key else f"{value:.4f}")
        rows.append(cells)
    return table(["epoch", *columns], rows, right=tuple(range(len(columns) + 1)))


def setting_text(name: str, value: Any, settings: dict[str, Any] | None = None) -> str:
    """A recorded setting as text: hidden sizes as "64,32", a default (None) said in words."""
    if name == "hidden":
        return format_hidden(value or [])
    if value is None and name == "nudge_pixels":
        return f"{DEFAULT_NUDGE:g} for pictures (default)"
    if value is None and name == "learning_rate":
        optimizer = (settings or {}).get("optimizer")
        rate = DEFAULT_LEARNING_RATES.get(optimizer)
        return f"{rate:g} ({optimizer} default)" if rate is not None else "(optimizer default)"
    return str(value)




@runs.command("compare", context_settings=CONTEXT_SETTINGS)
@click.argument("run_ids", metavar="ID ID...", nargs=-1, required=True, type=int)
@_db_option
@click.option("--changed", "changed_only", is_flag=True, help="Only the settings that differ.")
@click.pass_context
def runs_compare(
    ctx: click.Context, run_ids: tuple[int, ...], db: Path | None, changed_only: bool
) -> None:
    """Put runs side by side: tweak, retrain, retest, compare.

    Settings that differ between the runs are marked with *: they are what could
    explain a different score.
    """
    from ..store.runs import differing_settings

    if len(run_ids) < 2:
        raise click.UsageError("compare needs at least two run ids, e.g. glassnet runs compare 1 2")
    with open_existing_database(database_path(ctx, db)) as database:
        chosen = database.compare(run_ids)
    changed = set(differing_settings(chosen))
    names: list[str] = []
    for run in chosen:
        names += [name for name in run["settings"] if name not in names]
    rows = []
    for name in names:
        if changed_only and name not in changed:
            continue
        marker = "*" if name in changed else " "
        rows.append(
            [
                f"{marker} {name}",
                *(
                    setting_text(name, run["settings"].get(name, "-"), run["settings"])
                    for run in chosen
                ),
            ]
        )
    first_test = chosen[0]["test_accuracy"]
    rows.append(["", *([""] * len(chosen))])
    rows.append(["  test accuracy", *(percent(run["test_accuracy"]) for run in chosen)])
    if first_test is not None:
        rows.append(
            [
                "  vs first run",
                "",
                *(
                    points_between(run["test_accuracy"], first_test)
                    if run["test_accuracy"] is not None
                    else "-"
                    for run in chosen[1:]
                ),
            ]
        )
    rows += [
        ["  train accuracy", *(percent(run["train_accuracy"]) for run in chosen)],
        ["  epochs", *(str(run["epochs"]) for run in chosen)],
        ["  best epoch", *(str(run["scores"].get("best_epoch")) for run in chosen)],
        ["  ended", *(stop_words(run["scores"].get("stop_reason")) for run in chosen)],
        ["  time", *(seconds_text(run["seconds"]) for run in chosen)],
    ]
    header = ["", *(f"#{run['id']}" for run in chosen)]
    lines = table(header, rows)
    if changed:
        lines += ["", f"* differs: {', '.join(name for name in names if name in changed)}"]
    else:
        lines += ["", "the settings are all the same"]
    echo_lines(lines)


@runs.command("sweeps", context_settings=CONTEXT_SETTINGS)
@_db_option
@click.pass_context
def runs_sweeps(ctx: click.Context, db: Path | None) -> None:
    """List the sweeps (grids of settings x seeds) and how far each got."""
    path = database_path(ctx, db)
    if not path.exists():
        click.echo(f"no sweeps recorded yet in {path}")
        return
    with open_existing_database(path) as database:
        sweeps = database.list_sweeps()
    if not sweeps:
        click.echo(f"no sweeps recorded yet in {path}")
        return
    rows = [
        [
            sweep["id"],
            short_time(sweep["created"]) if sweep["created"] else "-",
            "damaged" if sweep["damaged"] is not None else sweep["status"],
            sweep["n_runs"],
            percent(sweep["best_test_accuracy"]),
        ]
        for sweep in sweeps
    ]
    echo_lines(table(["id", "time (UTC)", "status", "runs", "best test acc"], rows, right=(3, 4)))
    damaged = [sweep for sweep in sweeps if sweep["damaged"] is not None]
    if damaged:  # no command shows one sweep, so say here why the first is damaged
        click.echo(f"{len(damaged)} of these sweeps {'is' if len(damaged) == 1 else 'are'} "
                   f"damaged (edited by hand or corrupted) and cannot be resumed; sweep "
                   f"{damaged[0]['id']}: {damaged[0]['damaged']}")
