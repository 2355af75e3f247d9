"""The runs database: round trips, sweeps, versioning, bad files, and many writers at once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest

import glassnet
from glassnet.app.experiment import RunSettings, run
from glassnet.errors import RunsDatabaseError
from glassnet.store.paths import DEFAULT_DATABASE_PATH, db_hint
from glassnet.store.runs import SCHEMA_VERSION, RunsDatabase, differing_settings, save_and_record


def record(db: RunsDatabase, **settings_changes) -> int:
    settings = RunSettings(**settings_changes).to_dict()
    history = {"train_loss": [0.9, 0.5], "train_accuracy": [0.7, 0.8], "stop_reason": "completed"}
    scores = {"train_accuracy": 0.8, "test_accuracy": 0.75, "epochs": 2, "seconds": 1.5,
              "per_class_accuracy": {"0": 1.0, "1": 0.5}}  # fmt: skip
    return db.record_run(settings, history, scores, model_path="m.npz")


def test_a_real_run_round_trips(tmp_path):
    result = run(RunSettings(epochs=2, hidden=(8,)))
    with RunsDatabase(tmp_path / "runs.db") as db:
        run_id = db.record_run(
            result.settings.to_dict(), result.history.to_dict(), result.scores(),
            model_path=tmp_path / "model.npz",
        )  # fmt: skip
        stored = db.get_run(run_id)
    assert run_id == 1
    assert stored["settings"] == result.settings.to_dict()
    assert stored["history"]["train_loss"] == result.history.train_loss
    assert stored["scores"]["per_class_accuracy"] == result.scores()["per_class_accuracy"]
    assert stored["test_accuracy"] == result.test_accuracy
    assert stored["train_accuracy"] == result.train_accuracy
    assert stored["epochs"] == 2
    assert stored["seed"] == 0 and stored["data"] == "digits"
    assert stored["source"] == "cli" and stored["sweep_id"] is None
    assert stored["model_path"] == str((tmp_path / "model.npz").absolute())
    assert stored["glassnet_version"] == glassnet.__version__
    assert stored["created"].endswith("+00:00")  # UTC
    assert stored["seconds"] == pytest.approx(result.seconds)


def test_creates_folder_schema_and_version(tmp_path):
    path = tmp_path / "deep" / "er" / "glassnet.db"
    with RunsDatabase(path):
        pass
    connection = sqlite3.connect(path)
    version = connection.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()
    assert int(version[0]) == SCHEMA_VERSION
    assert mode == "wal"


def test_reopening_keeps_the_runs(tmp_path):
    path = tmp_path / "glassnet.db"
    with RunsDatabase(path) as db:
        first = record(db)
    with RunsDatabase(path) as db:
        second = record(db, seed=3)
        assert [r["id"] for r in db.list_runs()] == [first, second]
        assert db.count_runs() == 2


def test_list_runs_order_and_limit(tmp_path):
    with RunsDatabase(tmp_path / "g.db") as db:
        ids = [record(db, seed=seed) for seed in range(5)]
        assert [r["id"] for r in db.list_runs()] == ids
        assert [r["id"] for r in db.list_runs(limit=2)] == ids[-2:]


def test_compare_and_differing_settings(tmp_path):
    with RunsDatabase(tmp_path / "g.db") as db:
        a = record(db, hidden=(32,))
        b = record(db, hidden=(64, 32), activation="tanh")
        c = record(db, hidden=(32,))
        runs = db.compare([b, a])
        assert [r["id"] for r in runs] == [b, a]
        assert differing_settings(runs) == ["hidden", "activation"]
        assert differing_settings(db.compare([a, c])) == []
        with pytest.raises(RunsDatabaseError, match="no run 99"):
            db.compare([a, 99])


def test_hints_name_a_database_that_is_not_the_default(tmp_path, monkeypatch):
    assert db_hint(DEFAULT_DATABASE_PATH) == db_hint(None) == ""
    assert db_hint(tmp_path / "my runs.db") == f" --db '{tmp_path / 'my runs.db'}'"
    with RunsDatabase(tmp_path / "g.db") as db, pytest.raises(RunsDatabaseError) as error:
        db.get_run(3)
    assert str(error.value).endswith(f"see: glassnet runs list --db {tmp_path / 'g.db'})")
    monkeypatch.chdir(tmp_path)
    with RunsDatabase() as db, pytest.raises(RunsDatabaseError) as error:
        db.get_run(3)
    assert str(error.value).endswith("see: glassnet runs list)")


def test_set_model_path(tmp_path):
    with RunsDatabase(tmp_path / "g.db") as db:
        run_id = db.record_run({"seed": 1}, {}, {})
        assert db.get_run(run_id)["model_path"] is None
        db.set_model_path(run_id, tmp_path / "model-1.npz")
        assert db.get_run(run_id)["model_path"].endswith("model-1.npz")
        with pytest.raises(RunsDatabaseError, match="no run 5"):
            db.set_model_path(5, "x.npz")


def test_a_reserved_id_is_nobody_else_s_and_no_row_until_recorded(tmp_path):
    with RunsDatabase(tmp_path / "runs.db") as db:
        record(db)
        reserved = db.reserve_run_id()
        assert reserved == 2 and db.count_runs() == 1  # the reservation is no row
        assert record(db) == 3  # another writer gets the next id
        settings = RunSettings().to_dict()
        assert db.record_run(settings, {}, {}, run_id=reserved) == reserved
        assert [run["id"] for run in db.list_runs()] == [1, 2, 3]
        with pytest.raises(RunsDatabaseError, match="UNIQUE"):
            db.record_run(settings, {}, {}, run_id=reserved)


def test_save_and_record_saves_before_it_records(tmp_path):
    """The row appears only once the model file is there, and names it."""
    db_path = tmp_path / "glassnet.db"
    seen = {}

    def save_model(path, run_id):
        with RunsDatabase(db_path) as other:  # what another program sees meanwhile
            seen["rows while saving"] = other.count_runs()
        glassnet.save(glassnet.Network([64, 4, 10]), path, training={"run_id": run_id})
        return "saved"

    settings = RunSettings().to_dict()
    saved = save_and_record(db_path, save_model, settings, {}, {"test_accuracy": 0.5})
    assert seen["rows while saving"] == 0
    assert (saved.run_id, saved.model_path, saved.saved) == (1, tmp_path / "model-1.npz", "saved")
    with RunsDatabase(db_path) as db:
        assert db.get_run(1)["model_path"] == str(tmp_path / "model-1.npz")


def test_save_and_record_when_the_save_fails(tmp_path):
    """The run is recorded without a model (its scores are not lost), and the error says so."""
    db_path = tmp_path / "glassnet.db"

    def fail(path, run_id):
        raise glassnet.GlassnetError(f"could not write model file {path}: disk full")

    with pytest.raises(glassnet.GlassnetError, match="recorded as #1 .* without a model file"):
        save_and_record(db_path, fail, RunSettings().to_dict(), {}, {})
    with RunsDatabase(db_path) as db:
        assert db.get_run(1)["model_path"] is None


def test_save_and_record_when_the_database_cannot_be_written(tmp_path):
    """The model is saved all the same, under a dated name, and the reason is returned."""
    broken = tmp_path / "broken.db"
    broken.write_text("not a database\n" * 200)
    network = glassnet.Network([64, 10])
    saved = save_and_record(broken, lambda path, run_id: glassnet.save(network, path),
                            RunSettings().to_dict(), {}, {})
    assert saved.run_id is None and "not a glassnet runs database" in str(saved.not_recorded)
    assert saved.model_path.parent == tmp_path and glassnet.load(saved.model_path).sizes == [64, 10]


def test_nan_scores_are_stored_as_null(tmp_path):
    with RunsDatabase(tmp_path / "g.db") as db:
        run_id = db.record_run({}, {}, {"test_accuracy": float("nan"), "per_class": [float("inf")]})
        stored = db.get_run(run_id)
    assert stored["test_accuracy"] is None
    assert stored["scores"] == {"test_accuracy": None, "per_class": [None]}


def test_values_that_are_not_json_are_refused(tmp_path):
    with RunsDatabase(tmp_path / "g.db") as db:
        with pytest.raises(RunsDatabaseError, match="not JSON"):
            db.record_run({"x": object()}, {}, {})
        with pytest.raises(RunsDatabaseError, match="unknown run source"):
            db.record_run({}, {}, {}, source="telepathy")
        assert db.count_runs() == 0


def test_sweeps(tmp_path):
    with RunsDatabase(tmp_path / "g.db") as db:
        sweep = db.create_sweep({"grid": {"hidden": [[16], [32]]}, "seeds": [0, 1]})
        other = db.create_sweep({"grid": {}})
        assert isinstance(sweep, str) and sweep != other
        first = db.record_run({"seed": 0}, {}, {"test_accuracy": 0.9}, sweep_id=sweep,
                              source="sweep")  # fmt: skip
        second = db.record_run({"seed": 1}, {}, {"test_accuracy": 0.95}, sweep_id=sweep,
                               source="sweep")  # fmt: skip
        record(db)  # not in a sweep
        assert [r["id"] for r in db.finished_runs(sweep)] == [first, second]
        assert db.finished_runs(other) == []
        assert [r["id"] for r in db.list_runs(sweep_id=sweep)] == [first, second]
        listed = {s["id"]: s for s in db.list_sweeps()}
        assert listed[sweep]["n_runs"] == 2
        assert listed[sweep]["best_test_accuracy"] == 0.95
        assert listed[sweep]["spec"]["seeds"] == [0, 1]
        assert listed[other]["n_runs"] == 0 and listed[other]["status"] == "running"
        db.set_sweep_status(sweep, "finished")
        assert db.get_sweep(sweep)["status"] == "finished"
        with pytest.raises(RunsDatabaseError, match="no sweep"):
            db.record_run({}, {}, {}, sweep_id="nope")
        with pytest.raises(RunsDatabaseError, match="no sweep"):
            db.set_sweep_status("nope", "x")
        with pytest.raises(RunsDatabaseError, match="no sweep"):
            db.get_sweep("nope")


def test_unknown_run(tmp_path):
    with RunsDatabase(tmp_path / "g.db") as db:
        with pytest.raises(RunsDatabaseError, match="no runs are recorded"):
            db.get_run(1)
        record(db)
        with pytest.raises(RunsDatabaseError, match="no run 7"):
            db.get_run(7)
        with pytest.raises(RunsDatabaseError, match="whole number"):
            db.get_run("seven")


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "g.db"
    with RunsDatabase(path) as db:
        record(db)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                       (str(SCHEMA_VERSION + 1),))  # fmt: skip
    connection.commit()
    connection.close()
    with pytest.raises(RunsDatabaseError, match="newer glassnet"):
        RunsDatabase(path)


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(RunsDatabaseError, match="not a glassnet runs database"):
        RunsDatabase(path)
    assert path.read_text().startswith("these are my notes")  # untouched


def test_another_programs_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE customers (name TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(RunsDatabaseError, match="not a glassnet runs database.*customers"):
        RunsDatabase(path)


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(RunsDatabaseError, match="is a folder"):
        RunsDatabase(tmp_path)


def test_a_closed_database(tmp_path):
    db = RunsDatabase(tmp_path / "g.db")
    db.close()
    db.close()  # harmless
    with pytest.raises(RunsDatabaseError, match="closed"):
        db.list_runs()


def test_a_lock_that_never_clears_gives_a_clear_error(tmp_path, monkeypatch):
    import glassnet.store.runs as runs_module

    monkeypatch.setattr(runs_module, "LOCKED_RETRIES", 1)
    path = tmp_path / "g.db"
    with RunsDatabase(path, timeout=0.05) as db:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            with pytest.raises(RunsDatabaseError, match="stayed locked"):
                record(db)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        record(db)  # and once it is released, writing works again
        assert db.count_runs() == 1


def test_threads_sharing_one_database(tmp_path):
    errors = []
    with RunsDatabase(tmp_path / "g.db") as db:

        def write(seed):
            try:
                for _ in range(10):
                    record(db, seed=seed)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=write, args=(seed,)) for seed in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert db.count_runs() == 40


WRITER = textwrap.dedent(
    """
    import sys
    from glassnet.store.runs import RunsDatabase
    path, worker = sys.argv[1], int(sys.argv[2])
    with RunsDatabase(path) as db:
        for index in range(25):
            db.record_run({"seed": worker, "index": index}, {"train_loss": [1.0] * 50},
                          {"test_accuracy": 0.5})
    """
)


def test_several_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(worker)],
                         stderr=subprocess.PIPE, text=True)
        for worker in range(4)
    ]  # fmt: skip
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    with RunsDatabase(path) as db:
        stored = db.list_runs()
    assert len(stored) == 100
    assert len({r["id"] for r in stored}) == 100
    pairs = {(r["settings"]["seed"], r["settings"]["index"]) for r in stored}
    assert pairs == {(worker, index) for worker in range(4) for index in range(25)}
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_stored_json_is_readable_without_glassnet(tmp_path):
    path = tmp_path / "g.db"
    with RunsDatabase(path) as db:
        record(db, hidden=(64, 32))
    connection = sqlite3.connect(path)
    row = connection.execute("SELECT settings, test_accuracy FROM runs").fetchone()
    settings, test_accuracy = row
    connection.close()
    assert json.loads(settings)["hidden"] == [64, 32]
    assert test_accuracy == 0.75
