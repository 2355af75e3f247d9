"""Recording a run: what the runs database and a model file keep, the same from every window.

The article's last habit, "tweak, retrain, retest, compare", needs every run kept in
one comparable form. Four windows train: ``glassnet train``, the explorer's live
training, the tour's step 9 and the sweeps. They all record here, so a run says the
same things whichever window trained it:

- its settings (``RunSettings.to_dict()``), the loss and accuracy of every epoch
  (``History.to_dict()``) and its scores (``RunResult.scores()``);
- its data as the ``--data`` text of its settings (``"digits"``, ``"csv:/abs/x.csv"``),
  which loads the same images again; only data handed over in Python, which no such
  text loads, is recorded under its ``Dataset.name``;
- which window trained it (``source``), its wall time, and where its model went.

A window that keeps the trained network (the command line, the explorer) calls
``save_and_record_run``: the model file carries the same record (plus the run's id
and database), is saved before the run is recorded (``store.runs.save_and_record``
says why that order loses nothing), and a history too long for a model file's
description is left to the runs database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DescriptionTooLong
from ..store import runs
from ..store.modelfile import save

if TYPE_CHECKING:
    from ..core.network import Network
    from .experiment import RunResult

#: What a model file says instead of a per-epoch history too long for its description.
HISTORY_LEFT_OUT = "the per-epoch history was too long for the model file; the runs database has it"


@dataclass(frozen=True)
class RunRecord:
    """One finished run as it is recorded: three plain, JSON-ready dicts.

    Small and picklable, so a sweep's worker can send it back instead of the network.

    Attributes
    ----------
    settings : dict
        ``RunSettings.to_dict()``, the seed included.
    scores : dict
        ``RunResult.scores()``: train and test accuracy, per-class accuracy, epochs,
        stop reason, seconds (a sweep adds a few of its own).
    history : dict
        ``History.to_dict()``: the loss and accuracy of every epoch.
    """

    settings: dict[str, Any]
    scores: dict[str, Any]
    history: dict[str, Any]

    @classmethod
    def of(cls, result: RunResult) -> RunRecord:
        """The record of a finished ``run()``."""
        return cls(settings=result.settings.to_dict(), scores=result.scores(),
                   history=result.history.to_dict())


def record_run(
    database: runs.RunsDatabase,
    run: RunRecord,
    *,
    source: str,
    data_name: str | None = None,
    sweep_id: str | None = None,
) -> int:
    """Record a run that kept no model file; returns its id.

    Parameters
    ----------
    database : RunsDatabase
        Where to record it.
    run : RunRecord
        What to record (``RunRecord.of(result)``).
    source : str
        The window that trained it: "cli", "explorer", "tour", "sweep" or "python".
    data_name : str, optional
        Only for data handed over in Python, which the settings' ``data`` does not
        load: the name to record instead (``Dataset.name``).
    sweep_id : str, optional
        The sweep the run belongs to.

    Raises
    ------
    RunsDatabaseError
        If the database cannot be written.
    """
    return database.record_run(run.settings, run.history, run.scores, data=data_name,
                               sweep_id=sweep_id, source=source)


def save_trained_model(network: Network, path: Path, training: dict[str, Any]) -> str | None:
    """Save the model with its training record; returns a note if the history had to go.

    A model file's description has a size limit, and a run of thousands of epochs
    has a history too long for it. Then the model is saved without the per-epoch
    history (the runs database keeps all of it), and the note says so.

    Raises
    ------
    ConfigError, OutputPathError
        As ``glassnet.save`` raises them, for anything but a history too long.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        save(network, path, training=training)
        return None
    except DescriptionTooLong:
        if training.get("history") is None:
            raise
    save(network, path, training={**training, "history": None})
    return HISTORY_LEFT_OUT


def save_and_record_run(
    database_path: str | os.PathLike[str],
    result: RunResult,
    *,
    source: str,
    model_path: str | os.PathLike[str] | None = None,
) -> runs.SavedRun:
    """Save a trained network and record its run, in the order that loses neither.

    The model file's ``training`` holds the run's record (settings, history, scores),
    ``source``, and ``run_id`` and ``runs_database`` (both None when the database
    could not be written), so a model always says where its run is.

    Parameters
    ----------
    database_path : path
        The runs database.
    result : RunResult
        The finished run.
    source : str
        The window that trained it: "cli" or "explorer".
    model_path : path, optional
        Where to save; default ``model-<run id>.npz`` next to the database
        (``store.runs.default_model_path``).

    Returns
    -------
    SavedRun
        ``saved`` is ``HISTORY_LEFT_OUT`` when the history did not fit the model file.

    Raises
    ------
    GlassnetError
        If the model cannot be saved (see ``store.runs.save_and_record``). A
        database that cannot be written does not raise: ``SavedRun.not_recorded``
        says why.
    """
    record = RunRecord.of(result)

    def save_model(path: Path, run_id: int | None) -> str | None:
        return save_trained_model(result.network, path, {
            "settings": record.settings,
            "history": record.history,
            "scores": record.scores,
            "source": source,
            "run_id": run_id,
            "runs_database": None if run_id is None else str(database_path),
        })

    return runs.save_and_record(database_path, save_model, record.settings, record.history,
                                record.scores, model_path=model_path, source=source)


__all__ = ["HISTORY_LEFT_OUT", "RunRecord", "record_run", "save_and_record_run",
           "save_trained_model"]
