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
        assert [r["id"] for r in db.list_runs(limit=2**64)] == ids  # beyond SQLite's 64 bits


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
        for beyond in (2**63, -(2**63) - 1, 10**400):  # SQLite's integers are 64-bit
            with pytest.raises(RunsDatabaseError, match=r"a run id is a whole number from -2"):
                db.get_run(beyond)


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


# ---------------------------------------------------------------------- damaged rows
#: Hand edits and corruptions a row can suffer, each as (column, SQL value, what the
#: error must say). Every one of them once gave a traceback in `glassnet runs` or a 500
#: in the explorer.
DAMAGE = [
    ("settings", "'{'", "its settings are not valid JSON"),
    ("settings", "'[]'", "its settings are a JSON list, not an object"),
    ("settings", "'{\"hidden\": 5}'", "hidden is not a list of layer sizes"),
    ("settings", "'{\"data\": \"\\ud800\"}'", "lone surrogate at data"),
    ("settings", "X'7b7d'", "its settings are 2 bytes of binary data, not text"),
    ("history", "'null'", "its history is a JSON null, not an object"),
    ("history", "'[1,2]'", "its history is a JSON list, not an object"),
    ("history", "'{\"train_loss\": [\"abc\"]}'", "train_loss is not a list of numbers"),
    ("history", "'{\"train_loss\": [NaN]}'", "its history is not valid JSON"),
    ("history", "'{\"train_loss\": [1], \"validation_loss\": [1, 2]}'",
     "validation_loss has more epochs than the run"),
    ("history", "'{\"train_loss\": [1], \"best_epoch\": \"1\"}'", "best_epoch is not a whole"),
    ("scores", "'{\"per_class_accuracy\": {\"0\": \"all\"}}'", "per_class_accuracy"),
    ("scores", "'{\"stop_reason\": [1]}'", "stop_reason is not text"),
    ("test_accuracy", "'abc'", "its test_accuracy is 'abc', not a number"),
    ("train_accuracy", "X'00'", "its train_accuracy is 1 byte of binary data, not a number"),
    ("epochs", "2.5", "its epochs is 2.5, not a whole number"),
    ("seed", "'zero'", "its seed is 'zero', not a whole number"),
    ("created", "X'ff00'", "its created is 2 bytes of binary data, not text"),
    ("created", "'yesterday'", "not a date and time"),
    ("data", "CAST(X'64ff' AS TEXT)", "its data is not valid UTF-8 text"),
    ("source", "X'6369'", "its source is 2 bytes of binary data, not text"),
]


def damaged_database(tmp_path, column: str, value: str, runs: int = 3, damaged_id: int = 2):
    """A database of ``runs`` good runs, then run ``damaged_id`` edited by hand."""
    path = tmp_path / "damaged.db"
    with RunsDatabase(path) as db:
        for seed in range(runs):
            record(db, seed=seed)
    connection = sqlite3.connect(path)
    connection.execute(f"UPDATE runs SET {column} = {value} WHERE id = ?", (damaged_id,))
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(("column", "value", "problem"), DAMAGE,
                         ids=[f"{column}={value}" for column, value, _ in DAMAGE])
def test_a_damaged_run_is_refused_by_name_and_listed_as_damaged(tmp_path, column, value,
                                                                problem):
    from glassnet.store.runs import DamagedRunError

    path = damaged_database(tmp_path, column, value)
    with RunsDatabase(path) as db:
        with pytest.raises(DamagedRunError) as caught:
            db.get_run(2)
        message = str(caught.value)
        assert message.startswith(f"runs database {path}: run 2 is damaged (its "), message
        assert problem in message
        assert caught.value.run_id == 2 and problem in caught.value.problem
        assert str(path) not in caught.value.problem  # the explorer shows no paths
        message.encode("utf-8")  # printable, whatever the row held
        assert isinstance(caught.value, RunsDatabaseError)  # so the CLI and the web map it
        with pytest.raises(DamagedRunError, match="run 2 is damaged"):
            db.compare([1, 2])

        # A listing still lists every run, the damaged one marked, with safe values.
        listed = db.list_runs()
        assert [run["id"] for run in listed] == [1, 2, 3]
        assert [run["damaged"] is None for run in listed] == [True, False, True]
        assert problem in listed[1]["damaged"]
        damaged = listed[1]
        assert isinstance(damaged["settings"], dict) and isinstance(damaged["history"], dict)
        assert isinstance(damaged["scores"], dict) and isinstance(damaged["created"], str)
        assert damaged["test_accuracy"] is None or isinstance(damaged["test_accuracy"], float)
        # The intact runs are exactly as recorded.
        assert db.get_run(1)["settings"] == listed[0]["settings"] == RunSettings(seed=0).to_dict()
        assert db.get_run(3)["damaged"] is None


def test_a_sweep_resumes_without_its_damaged_runs(tmp_path):
    path = tmp_path / "g.db"
    with RunsDatabase(path) as db:
        sweep = db.create_sweep({"grid": {}})
        for seed in range(2):
            db.record_run(RunSettings(seed=seed).to_dict(), {}, {"test_accuracy": 0.5},
                          sweep_id=sweep, source="sweep")
    connection = sqlite3.connect(path)
    connection.execute("UPDATE runs SET settings = '{' WHERE id = 1")
    connection.execute("UPDATE runs SET test_accuracy = 'abc' WHERE id = 2")
    connection.commit()
    connection.close()
    with RunsDatabase(path) as db:
        assert db.finished_runs(sweep) == []  # both damaged: both trained again
        assert db.get_sweep(sweep)["best_test_accuracy"] == 0.5  # run 1's: not run 2's "abc"
        assert db.get_sweep(sweep)["n_runs"] == 2


def test_a_damaged_sweep_is_refused_and_listed_as_damaged(tmp_path):
    path = tmp_path / "g.db"
    with RunsDatabase(path) as db:
        sweep = db.create_sweep({"grid": {}})
    connection = sqlite3.connect(path)
    connection.execute("UPDATE sweeps SET spec = '[' WHERE id = ?", (sweep,))
    connection.commit()
    connection.close()
    with RunsDatabase(path) as db:
        with pytest.raises(RunsDatabaseError, match=f"sweep '{sweep}' is damaged .its spec is"):
            db.get_sweep(sweep)
        [listed] = db.list_sweeps()
        assert listed["id"] == sweep and "its spec is not valid JSON" in listed["damaged"]


def test_runs_sweeps_marks_a_damaged_sweep_and_says_why(tmp_path):
    from click.testing import CliRunner

    from glassnet.cli import main

    path = tmp_path / "g.db"
    with RunsDatabase(path) as db:
        kept, damaged = db.create_sweep({"grid": {}}), db.create_sweep({"grid": {}})
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE sweeps SET spec = '[', created = X'ff' WHERE id = ?",
                           (damaged,))
    result = CliRunner().invoke(main, ["runs", "sweeps", "--db", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 + 2 + 1  # header, rule, both sweeps, and why
    rows = {line.split()[0]: line.split() for line in lines[2:4]}
    assert rows[kept][3] == "running" and "damaged" not in lines[2 + list(rows).index(kept)]
    assert rows[damaged][1:3] == ["-", "damaged"]
    assert lines[-1] == (f"1 of these sweeps is damaged (edited by hand or corrupted) and "
                         f"cannot be resumed; sweep {damaged}: its created is 1 byte of binary "
                         "data, not text; its spec is not valid JSON: Expecting value")


@pytest.mark.parametrize(("column", "value", "problem"), DAMAGE[:1] + DAMAGE[13:14])
def test_the_command_line_says_a_run_is_damaged_in_one_line(tmp_path, column, value, problem):
    from click.testing import CliRunner

    from glassnet.cli import main

    path = damaged_database(tmp_path, column, value, damaged_id=1)
    runner = CliRunner()
    for command in (["runs", "show", "1"], ["runs", "compare", "1", "2"],
                    ["plot", "curves", "--run", "1", "-o", str(tmp_path / "p.png")]):
        result = runner.invoke(main, [*command, "--db", str(path)])
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines()[-1].startswith(
            f"Error: runs database {path}: run 1 is damaged"), result.output
        assert problem in result.output
    listing = runner.invoke(main, ["runs", "list", "--db", str(path)])
    assert listing.exit_code == 0, listing.output
    lines = listing.output.strip().splitlines()
    assert len(lines) == 2 + 3 + 1  # header, rule, every run, and what to do
    assert lines[2].split()[0] == "1" and "damaged" in lines[2].split()
    assert "damaged" not in lines[3] and "damaged" not in lines[4]
    assert lines[-1].startswith("1 of these runs is damaged") and "runs show 1" in lines[-1]


def test_the_explorer_offers_no_damaged_run_and_says_why_it_cannot_replay_one(tmp_path):
    from glassnet.web.replay import NoSavedRun, load_saved_run, saved_runs

    path = damaged_database(tmp_path, "settings", "'{'", damaged_id=2)
    for run_id in (1, 2, 3):
        glassnet.save(glassnet.Network([64, 4, 10], seed=run_id), tmp_path / f"model-{run_id}.npz")
    with sqlite3.connect(path) as connection:
        for run_id in (1, 2, 3):
            connection.execute("UPDATE runs SET model_path = ? WHERE id = ?",
                               (str(tmp_path / f"model-{run_id}.npz"), run_id))
    offered = [run["run_id"] for run in saved_runs(path)]
    assert offered == [3, 1]
    with pytest.raises(NoSavedRun, match="run 2 of this explorer's runs is damaged .its "
                                         "settings are not valid JSON") as caught:
        load_saved_run(path, 2, list(range(10)))
    assert str(tmp_path) not in str(caught.value)  # the page is shown no path


def test_an_epoch_without_a_score_is_a_dash_in_the_epoch_table():
    from glassnet.cli.runs import epoch_table

    lines = epoch_table({"train_loss": [0.5, None], "validation_accuracy": [0.9]})
    assert lines[2].split() == ["1", "0.5000", "90.0%"]
    assert lines[3].split() == ["2", "-", "-"]
