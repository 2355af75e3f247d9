"""Recording a run: every window (command line, explorer, tour, sweep) keeps the same fields."""

from __future__ import annotations

import time
import warnings

import pytest
from click.testing import CliRunner

import glassnet as gn
from glassnet.app.experiment import RunSettings, run
from glassnet.app.recording import (
    HISTORY_LEFT_OUT,
    RunRecord,
    record_run,
    save_and_record_run,
    save_trained_model,
)
from glassnet.cli import main
from glassnet.errors import ConfigError, DescriptionTooLong
from glassnet.store.modelfile import read_metadata
from glassnet.store.runs import RunsDatabase

#: What every recorded run holds, whichever window trained it.
SCORE_KEYS = {"train_accuracy", "test_accuracy", "per_class_accuracy", "best_epoch", "epochs",
              "stop_reason", "seconds"}
#: What the model file of a kept network says about its training.
MODEL_TRAINING_KEYS = {"settings", "history", "scores", "source", "run_id", "runs_database"}


def train_in_the_explorer(db) -> None:
    pytest.importorskip("starlette")
    with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its TestClient
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from glassnet.web import create_app

    network = gn.Network([64, 4, 10], seed=0)
    client = TestClient(create_app(network, db_path=db, port=8125),
                        base_url="http://127.0.0.1:8125")
    response = client.post("/api/training/start", json={"hidden": [4], "epochs": 2})
    assert response.status_code == 202
    deadline = time.monotonic() + 60
    while client.get("/api/training").json()["state"] != "finished":
        assert time.monotonic() < deadline, "the explorer's training did not finish"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """One run from each window, all in one runs database: {source: run}."""
    from glassnet.app.sweeps import sweep
    from glassnet.tour import step_9_tweak_retrain_retest

    folder = tmp_path_factory.mktemp("windows")
    db = folder / "glassnet.db"
    result = CliRunner().invoke(main, ["train", "--hidden", "4", "--epochs", "2", "--quiet",
                                       "--db", str(db)])
    assert result.exit_code == 0, result.output
    train_in_the_explorer(db)
    step_9_tweak_retrain_retest(db, hidden_sizes=[(4,)])
    sweep({"hidden": [(4,)], "epochs": [2]}, seeds=1, jobs=1, db_path=db)
    with RunsDatabase(db) as database:
        runs = database.list_runs()
    assert [run["source"] for run in runs] == ["cli", "explorer", "tour", "sweep"]
    return {run["source"]: run for run in runs}


def test_every_window_records_the_same_fields(recorded):
    for source, run_row in recorded.items():
        assert set(run_row["settings"]) == set(RunSettings().to_dict()), source
        assert SCORE_KEYS <= set(run_row["scores"]), source
        assert len(run_row["history"]["train_loss"]) == run_row["epochs"], source
        assert run_row["seconds"] == run_row["scores"]["seconds"], source
        assert run_row["seed"] == run_row["settings"]["seed"] == 0, source


def test_every_window_records_its_data_as_the_text_that_loads_it(recorded):
    """The tour used to record the digits as "UCI digits", the others as "digits"."""
    assert {source: run_row["data"] for source, run_row in recorded.items()} == {
        source: "digits" for source in recorded}
    assert all(run_row["settings"]["data"] == "digits" for run_row in recorded.values())


def test_the_windows_that_keep_a_model_save_the_same_record_in_it(recorded):
    for source in ("cli", "explorer"):
        run_row = recorded[source]
        training = read_metadata(run_row["model_path"])["training"]
        assert set(training) == MODEL_TRAINING_KEYS, source
        assert training["source"] == source
        assert training["run_id"] == run_row["id"]
        assert training["settings"] == run_row["settings"]
        assert training["history"] == run_row["history"]
    assert recorded["tour"]["model_path"] is None and recorded["sweep"]["model_path"] is None


def test_data_given_in_python_is_recorded_under_its_name(tmp_path):
    digits = gn.load_digits()
    given = gn.Dataset(digits.X[:200], digits.y[:200], name="the first 200 digits")
    result = run(RunSettings(hidden=(), epochs=1), given, catch_interrupt=False)
    with RunsDatabase(tmp_path / "runs.db") as database:
        run_id = record_run(database, RunRecord.of(result), source="python",
                            data_name=given.name)
        assert database.get_run(run_id)["data"] == "the first 200 digits"


def test_a_history_too_long_for_the_model_file_is_left_to_the_database(tmp_path, monkeypatch):
    result = run(RunSettings(hidden=(), epochs=1), catch_interrupt=False)
    training = {"history": {"train_loss": [0.5] * 200_000}}
    path = tmp_path / "model.npz"
    assert save_trained_model(result.network, path, training) == HISTORY_LEFT_OUT
    assert read_metadata(path)["training"] == {"history": None}
    assert save_trained_model(result.network, path, {"history": {"train_loss": [0.5]}}) is None

    long_history = RunRecord.of(result).history | {"train_loss": [0.5] * 200_000}
    monkeypatch.setattr(RunRecord, "of", classmethod(lambda cls, _: cls(
        settings=result.settings.to_dict(), scores=result.scores(), history=long_history)))
    saved = save_and_record_run(tmp_path / "runs.db", result, source="cli")
    assert saved.saved == HISTORY_LEFT_OUT
    with RunsDatabase(tmp_path / "runs.db") as database:
        assert len(database.get_run(saved.run_id)["history"]["train_loss"]) == 200_000
    assert read_metadata(saved.model_path)["training"]["history"] is None


def test_too_long_without_a_history_to_drop_is_the_typed_error(tmp_path):
    result = run(RunSettings(hidden=(), epochs=1), catch_interrupt=False)
    too_long = {"settings": {"note": "x" * 2_000_000}, "history": None}
    with pytest.raises(DescriptionTooLong, match="more than a model file may hold"):
        save_trained_model(result.network, tmp_path / "model.npz", too_long)
    assert not (tmp_path / "model.npz").exists()


def test_other_save_errors_are_not_mistaken_for_a_long_history(tmp_path):
    result = run(RunSettings(hidden=(), epochs=1), catch_interrupt=False)
    training = {"history": {"train_loss": [0.5]}}
    with pytest.raises(ConfigError) as caught:
        save_trained_model(result.network, tmp_path / "description.json", training)
    assert not isinstance(caught.value, DescriptionTooLong)
