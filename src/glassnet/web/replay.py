"""Making a shared network again: from its training's settings, or from a saved run.

A shared link or state file names the network it was made with (its weights'
checksum) and where that network came from (``sessions.Origin``). When the browser
that opens it draws against other weights, it asks the server to make that network
again (``POST /api/network/replay``), in one of two ways:

- from the settings: training is seeded everywhere (the starting weights, the order
  of the batches, the noise), so the same ``RunSettings`` trained again by
  ``app.experiment.run`` give bit for bit the same weights on the same machine. The
  explorer trains them as a live training at full speed, so live training's limits
  hold (``Explorer.replay_settings`` checks the settings);
- from a saved run: the model the explorer saved for a finished training next to
  its runs database (``model-<run id>.npz``). The server finds the file from the
  run's number in its own database and takes it only from that database's folder;
  no path ever comes from a request. ``store.modelfile.load`` reads it, checking
  everything before it builds the network.

A live training ended by the Stop button ran fewer epochs than it was asked to. Its
network is reproduced by the same settings with the epochs it ran
(``reproducing_settings``): nothing in an epoch depends on how many epochs were
asked for, which is also why a checkpointed training may be resumed with more
(``training.checkpointing.RESUMABLE_CHANGES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..app.experiment import RunResult
from ..core.network import Network
from ..errors import ConfigError, GlassnetError, ModelFormatError, RunsDatabaseError
from ..store.modelfile import load
from ..store.runs import DamagedRunError, RunsDatabase

MAX_RUNS_LISTED = 20
"""How many saved runs ``saved_runs`` lists at most (the newest): a page's menu, not a report."""

STOPPED_BY_HAND = "callback"
"""``History.stop_reason`` of a training ended by its callback: the page's Stop button."""


class NoSavedRun(GlassnetError):
    """The server has no saved model for this run number (HTTP 404)."""


@dataclass(frozen=True)
class SavedRun:
    """A saved run's network, with what the session shows and reports about it."""

    network: Network
    settings: dict[str, Any] | None
    test_accuracy: float | None


def reproducing_settings(result: RunResult) -> dict[str, Any]:
    """``RunSettings.to_dict()`` of a training that makes ``result.network`` again.

    The run's own settings, with the epochs it really ran if the Stop button ended it.
    """
    return _with_epochs_run(result.settings.to_dict(), result.history.stop_reason,
                            result.history.epochs)


def _with_epochs_run(settings: dict[str, Any] | None, stop_reason: str | None,
                     epochs_run: int | None) -> dict[str, Any] | None:
    """``settings`` with the epochs a training stopped by hand really ran (the one rule)."""
    if settings is None or stop_reason != STOPPED_BY_HAND or not epochs_run:
        return settings
    return {**settings, "epochs": epochs_run}


def _model_beside(db_path: Path, record: dict[str, Any]) -> Path | None:
    """The run's model file, if it is a file in the database's own folder (else None)."""
    recorded = record.get("model_path")
    path = None if recorded is None else Path(recorded).resolve()
    if path is None or path.parent != db_path.resolve().parent or not path.is_file():
        return None
    return path


def saved_runs(db_path: Path | None, limit: int = MAX_RUNS_LISTED) -> list[dict[str, Any]]:
    """The newest runs whose model is saved beside the database, newest first.

    Each is ``{run_id, created, source, hidden, epochs, seed, test_accuracy}``: enough to
    choose one from a menu, and no file path. An unreadable database lists nothing.
    """
    if db_path is None or not db_path.is_file():
        return []
    try:
        with RunsDatabase(db_path) as database:
            records = database.list_runs(limit=limit)
    except RunsDatabaseError:
        return []
    listed = []
    for record in reversed(records):
        if record["damaged"] is not None or _model_beside(db_path, record) is None:
            continue  # a damaged row (edited by hand) cannot be replayed: not offered
        settings = record.get("settings") or {}
        listed.append({"run_id": record["id"], "created": record.get("created"),
                       "source": record.get("source"), "hidden": settings.get("hidden"),
                       "epochs": record.get("epochs"), "seed": record.get("seed"),
                       "test_accuracy": record.get("test_accuracy")})
    return listed


def load_saved_run(db_path: Path | None, run_id: int, classes: list[Any]) -> SavedRun:
    """The network saved for run ``run_id`` of the runs database at ``db_path``.

    Parameters
    ----------
    db_path : Path or None
        The explorer's runs database (None: it records nothing, so it has no runs).
    run_id : int
        The run's number in that database.
    classes : list
        The explorer's digits: the network must answer exactly these, from 64 inputs.

    Raises
    ------
    NoSavedRun
        If there is no database, no such run, no model saved for it, or the model
        is not a file in the database's folder.
    ModelFormatError
        If the file is not a model glassnet can read (the message names no path).
    ConfigError
        If the model does not take 8x8 digits or answers other classes.
    """
    if db_path is None or not db_path.is_file():
        raise NoSavedRun("this explorer keeps no saved runs: it was started without a "
                         "runs database")
    try:
        with RunsDatabase(db_path) as database:
            record = database.get_run(run_id)
    except DamagedRunError as error:  # its words, without the database's path
        raise NoSavedRun(f"run {run_id} of this explorer's runs is damaged ({error.problem})"
                         ) from None
    except RunsDatabaseError:
        raise NoSavedRun(f"there is no run {run_id} in this explorer's runs") from None
    path = _model_beside(db_path, record)
    if path is None:
        raise NoSavedRun(f"run {run_id} has no model saved beside this explorer's runs")
    try:
        network = load(path)
    except ModelFormatError:
        raise ModelFormatError(f"the model saved for run {run_id} cannot be read") from None
    if network.n_inputs != 64 or [str(c) for c in network.classes] != [str(c) for c in classes]:
        raise ConfigError(f"the model of run {run_id} is not a network for this explorer's "
                          f"8x8 digits ({network.n_inputs} inputs)")
    # The record keeps the epochs asked for; a run stopped by hand is made by those it ran.
    stop_reason = (record.get("history") or {}).get("stop_reason")
    settings = _with_epochs_run(record.get("settings"), stop_reason, record.get("epochs"))
    return SavedRun(network, settings, record.get("test_accuracy"))


__all__ = ["NoSavedRun", "SavedRun", "load_saved_run", "saved_runs", "reproducing_settings",
           "MAX_RUNS_LISTED", "STOPPED_BY_HAND"]
