"""Sweeps: grids of settings x seeds, on joblib and on a Dask cluster, stopped and resumed.

The sweeps are tiny (3 epochs; no hidden layer or 8 hidden neurons; 2 seeds), so the
tests measure the machinery, not the networks. One local Dask cluster (two worker
processes on 127.0.0.1) serves every Dask test of this file and is closed at the end.
"""

from __future__ import annotations

import json
import os
import signal

import numpy as np
import pytest
from click.testing import CliRunner

import glassnet
from glassnet.app.experiment import RunSettings, run
from glassnet.app.sweeps import (
    MAX_SWEEP_RUNS,
    FinishedRun,
    SweepError,
    SweepIncomplete,
    SweepInterrupted,
    TaskFailure,
    plan_tasks,
    seed_list,
    settings_grid,
    settings_key,
    summarise,
    sweep,
    train_one,
    worker_count,
)
from glassnet.cli import main
from glassnet.errors import ConfigError, DataError, RunsDatabaseError
from glassnet.store.modelfile import array_checksum
from glassnet.store.runs import RunsDatabase

pytestmark = pytest.mark.timeout(180)

#: The small sweep every test runs: 2 combinations x 2 seeds = 4 runs.
GRID = {"hidden": ["none", 8], "epochs": 3}
SEEDS = 2

#: Keys of a table row that depend on the clock or on the database, not on the runs.
UNSTABLE = ("fit_seconds_mean", "run_ids")


def stable(table):
    """A table without its timings and run ids: what must be the same wherever it ran."""
    return [{k: v for k, v in row.items() if k not in UNSTABLE} for row in table]


def runs_of(db_path, sweep_id):
    with RunsDatabase(db_path) as db:
        return db.finished_runs(sweep_id), db.get_sweep(sweep_id)


@pytest.fixture(scope="module", autouse=True)
def stop_local_workers():
    """joblib keeps its worker processes for the next sweep; stop them after this file."""
    yield
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)


@pytest.fixture(scope="module")
def joblib_sweep(tmp_path_factory):
    """The small sweep on two local processes (joblib), recorded in its own database."""
    db_path = tmp_path_factory.mktemp("joblib") / "runs.db"
    table = sweep(GRID, seeds=SEEDS, jobs=2, db_path=db_path)
    return table, db_path


@pytest.fixture(scope="module")
def dask_cluster():
    from dask import distributed  # the cluster extra, part of the dev install

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    )  # fmt: skip
    try:
        yield cluster
    finally:
        cluster.close(timeout=30)


# ====================================================================== the plan
def test_grid_is_the_product_of_the_alternatives_in_order():
    combos = settings_grid({"hidden": ["none", 16], "activation": ["sigmoid", "relu"],
                            "epochs": 5})  # fmt: skip
    assert [(c.hidden, c.activation) for c in combos] == [
        ((), "sigmoid"), ((), "relu"), ((16,), "sigmoid"), ((16,), "relu")
    ]
    assert {c.epochs for c in combos} == {5}  # a single value is fixed
    assert {c.seed for c in combos} == {0}


def test_each_hidden_alternative_is_one_architecture():
    combos = settings_grid({"hidden": [(64, 32), "64,32", 64, "none"]})
    assert [c.hidden for c in combos] == [(64, 32), (64,), ()]  # the repeat is kept once


def test_a_recipe_in_the_grid_gives_each_combination_its_values():
    combos = settings_grid({"recipe": ["fast", "best"], "epochs": 2})
    assert combos == [glassnet.settings_for("fast", epochs=2),
                      glassnet.settings_for("best", epochs=2)]
    assert settings_grid({"epochs": 2})[0].recipe == "default"


def test_a_list_of_settings_is_taken_as_the_combinations():
    combos = settings_grid([RunSettings(hidden=(8,), seed=4), RunSettings(hidden=())])
    assert [c.hidden for c in combos] == [(8,), ()]
    assert {c.seed for c in combos} == {0}


@pytest.mark.parametrize(
    "grid, fragment",
    [
        ({"hiden": [8]}, r"unknown settings \['hiden'\]"),
        ({"seed": [1, 2]}, "seeds"),
        ({"hidden": []}, "no alternatives"),
        ({"optimizer": ["sgd", "nope"]}, "unknown optimizer"),
        ({"recipe": ["fast", "quick"]}, "unknown recipe 'quick'"),
        ([], "empty"),
        (["hidden"], "RunSettings"),
    ],
)
def test_bad_grids_are_refused_with_a_clear_error(grid, fragment):
    with pytest.raises(ConfigError, match=fragment):
        settings_grid(grid)


def test_seeds_are_a_count_or_a_list():
    assert seed_list(3) == [0, 1, 2]
    assert seed_list([5, 2, 5]) == [5, 2]
    assert seed_list(np.arange(3)) == [0, 1, 2] and seed_list(np.int64(2)) == [0, 1]
    for bad in (0, [], [-1], [1.5], True):
        with pytest.raises(ConfigError):
            seed_list(bad)


@pytest.mark.parametrize(("grid", "seeds", "fragment"), [
    ({"hidden": [8]}, 10**9, r"too many seeds \(1,000,000,000\)"),
    ({"hidden": [8]}, 10**400, r"too many seeds \(about 10\^400\)"),
    ({"hidden": list(range(1, 400)), "epochs": list(range(1, 400))}, 1,
     r"too many combinations \(159,201\)"),
    ({"hidden": list(range(1, 400))}, 300, r"too many trainings \(119,700\)"),
    ({"hidden": [8]}, [2**64], "seeds are whole numbers from 0 to 9,223,372,036,854,775,807"),
    ({"hidden": [8]}, range(150_000), r"too many seeds \(150,000\)"),
], ids=["seeds", "401-digit seeds", "combinations", "trainings", "seed beyond 64 bits",
        "a long list"])
def test_a_sweep_too_large_is_refused_before_it_is_planned(tmp_path, grid, seeds, fragment):
    # Before, seeds=10**9 filled gigabytes with seeds, and 10**400 was an OverflowError.
    with pytest.raises(ConfigError, match=fragment):
        glassnet.sweep(grid, seeds=seeds, db_path=tmp_path / "runs.db")
    assert MAX_SWEEP_RUNS == 100_000


def test_one_task_per_combination_and_seed():
    tasks = plan_tasks(settings_grid(GRID), [0, 1])
    assert [(t.combination, t.settings["seed"]) for t in tasks] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert len({t.key for t in tasks}) == 4


def test_settings_key_matches_settings_read_back_from_json():
    settings = RunSettings(hidden=(8,), epochs=3, seed=1).to_dict()
    assert settings_key(json.loads(json.dumps(settings))) == settings_key(settings)
    assert settings_key(settings) != settings_key({**settings, "seed": 2})


def test_summarise_means_std_order_and_diverged_runs():
    combos = settings_grid({"hidden": ["none", 8]})

    def recorded(run_id, hidden, seed, accuracy, diverged=False):
        settings = RunSettings(hidden=hidden, seed=seed).to_dict()
        scores = {"test_accuracy": accuracy, "train_accuracy": accuracy, "best_epoch": 2,
                  "fit_seconds": 1.0, "diverged": diverged, "weights_sha256": None}
        return {"id": run_id, "settings": settings, "scores": scores}

    rows = summarise(combos, [0, 1, 2], [
        recorded(1, (), 0, 0.90), recorded(2, (), 1, 0.92),
        recorded(3, (8,), 0, 0.95), recorded(4, (8,), 1, None, diverged=True),
        recorded(5, (8,), 7, 0.10),  # a seed the sweep does not have: ignored
    ])  # fmt: skip
    best, second = rows
    assert (best["rank"], best["hidden"], best["n_runs"], best["n_diverged"]) == (1, "8", 2, 1)
    assert best["test_accuracy_mean"] == pytest.approx(0.95)
    assert best["test_accuracy_std"] == 0.0  # one converged seed
    assert second["hidden"] == "none"
    assert second["test_accuracy_mean"] == pytest.approx(0.91)
    assert second["test_accuracy_std"] == pytest.approx(0.0141421356, rel=1e-6)  # n - 1
    assert second["seeds"] == [0, 1] and second["run_ids"] == [1, 2]


# ====================================================================== one task
def test_a_task_is_the_same_run_as_experiment_run():
    data = glassnet.load_digits()
    settings = RunSettings(hidden=(8,), epochs=3, seed=1)
    finished = train_one(settings.to_dict(), data)
    assert isinstance(finished, FinishedRun)
    direct = run(settings, data)
    assert finished.scores["test_accuracy"] == direct.test_accuracy
    assert finished.scores["weights_sha256"] == array_checksum(direct.network.parameters())
    assert finished.history["train_loss"] == direct.history.train_loss


def test_a_diverging_run_is_a_result_and_a_broken_one_a_failure():
    data = glassnet.load_digits()
    blown = RunSettings(hidden=(), activation="identity", output="identity",
                        loss="squared_error", learning_rate=10.0, epochs=3)  # fmt: skip
    result = train_one(blown.to_dict(), data)
    assert isinstance(result, FinishedRun)
    assert result.scores["diverged"] and result.scores["test_accuracy"] is None
    assert "learning rate" in result.scores["error"]
    broken = train_one(RunSettings(epochs=3, batch_size=0).to_dict(), data)
    assert isinstance(broken, TaskFailure) and "batch_size" in broken.error


# ====================================================================== joblib
def test_a_small_sweep_on_joblib(joblib_sweep):
    table, db_path = joblib_sweep
    assert len(table) == 2 and table.varying == ["hidden"] and table.seeds == [0, 1]
    assert [row["rank"] for row in table] == [1, 2]
    means = [row["test_accuracy_mean"] for row in table]
    assert means == sorted(means, reverse=True)
    for row in table:
        assert row["n_runs"] == 2 and row["seeds"] == [0, 1] and row["n_diverged"] == 0
        assert row["fit_seconds_mean"] > 0 and row["best_epoch_mean"] >= 1
        assert len(set(row["weights_sha256"])) == 2  # two seeds, two different networks
        assert row["settings"]["epochs"] == 3

    runs, recorded = runs_of(db_path, table.sweep_id)
    assert recorded["status"] == "finished" and recorded["n_runs"] == 4
    assert {r["source"] for r in runs} == {"sweep"}
    assert sorted(r["id"] for r in runs) == sorted(i for row in table for i in row["run_ids"])

    # Each run is exactly the run glassnet train would make with its settings.
    row = next(row for row in table if row["hidden"] == "8")
    direct = run(RunSettings(hidden=(8,), epochs=3, seed=1))
    assert row["test_accuracies"][1] == direct.test_accuracy
    assert row["weights_sha256"][1] == array_checksum(direct.network.parameters())


def test_the_sweep_function_is_exposed_lazily():
    assert glassnet.sweep is sweep


@pytest.mark.parametrize(("grid", "words"), [
    ({"output": ["softmax", "relu"], "loss": "cross_entropy", "epochs": 3},
     r"cross_entropy needs.*\(in the combination output=relu\)"),
    ({"batch_size": [64, 0], "epochs": 3},  # train's own rules, before any training
     r"batch_size must be a whole number of at least 1, got 0 \(in the combination "
     r"batch_size=0\)"),
    ({"epochs": [3, 10**400]}, "epochs must be at most 100,000"),
    ({"shift_pixels": [0, 99], "epochs": 3}, "shift_pixels 99 would move these 8x8 pictures"),
], ids=["loss and output", "batch size", "epochs", "shift"])
def test_an_impossible_combination_is_refused_before_anything_runs(tmp_path, grid, words):
    db_path = tmp_path / "runs.db"
    with pytest.raises(ConfigError, match=words):
        sweep(grid, seeds=1, jobs=1, db_path=db_path)
    with RunsDatabase(db_path) as db:
        assert db.list_sweeps() == [] and db.count_runs() == 0


def test_a_grid_of_numpy_scalars_is_recorded_as_plain_numbers(tmp_path):
    table = sweep({"epochs": np.int64(1), "nesterov": [np.bool_(True)], "hidden": "none"},
                  seeds=1, jobs=1, db_path=tmp_path / "runs.db")
    assert table[0]["n_runs"] == 1


def test_failed_runs_leave_the_others_recorded(tmp_path, monkeypatch):
    from glassnet.app import sweeps as sweeps_module

    trained = sweeps_module.run

    def fails_for_three_epochs(settings, data, **options):  # a run that breaks as it trains
        if settings.epochs == 3:
            raise DataError("the data went away")
        return trained(settings, data, **options)

    monkeypatch.setattr(sweeps_module, "run", fails_for_three_epochs)
    db_path = tmp_path / "runs.db"
    with pytest.raises(SweepIncomplete, match="1 of 2 runs failed.*the data went away") as caught:
        sweep({"epochs": [3, 4], "hidden": "none"}, seeds=1, jobs=1,
              db_path=db_path)  # fmt: skip
    error = caught.value
    assert len(error.failures) == 1 and error.failures[0].settings["epochs"] == 3
    assert [row["n_runs"] for row in error.table] == [1, 0]
    runs, recorded = runs_of(db_path, error.sweep_id)
    assert recorded["status"] == "incomplete" and len(runs) == 1


def test_a_diverging_setting_is_reported_not_fatal(tmp_path):
    grid = {"learning_rate": [0.1, 10.0], "hidden": "none", "activation": "identity",
            "output": "identity", "loss": "squared_error", "epochs": 3}  # fmt: skip
    table = sweep(grid, seeds=1, jobs=1, db_path=tmp_path / "runs.db")
    good, blown = table
    assert blown["learning_rate"] == "10.0" and blown["n_diverged"] == 1
    assert blown["test_accuracy_mean"] is None and blown["rank"] == 2
    assert good["n_diverged"] == 0 and good["test_accuracy_mean"] is not None


# ====================================================================== stop and resume
def test_an_interrupted_sweep_keeps_its_runs_and_resumes(tmp_path, joblib_sweep):
    db_path = tmp_path / "runs.db"
    arrived = []

    def stop_after_two(result):
        arrived.append(result)
        if len(arrived) == 2:
            raise KeyboardInterrupt  # as Ctrl-C would, while the sweep is running

    with pytest.raises(SweepInterrupted, match="2 of 4 runs finished") as caught:
        sweep(GRID, seeds=SEEDS, jobs=1, db_path=db_path, on_result=stop_after_two)
    sweep_id = caught.value.sweep_id
    runs, recorded = runs_of(db_path, sweep_id)
    assert recorded["status"] == "interrupted"
    assert sorted(r["id"] for r in runs) == sorted(r["run_id"] for r in arrived)
    kept = {settings_key(r["settings"]) for r in runs}

    resumed_runs = []
    table = sweep(resume=sweep_id, jobs=2, db_path=db_path, on_result=resumed_runs.append)
    assert len(resumed_runs) == 2  # only the missing runs trained
    assert not kept & {settings_key(r["settings"]) for r in resumed_runs}
    assert sorted(r["done"] for r in resumed_runs) == [3, 4]

    runs, recorded = runs_of(db_path, sweep_id)
    assert recorded["status"] == "finished" and len(runs) == 4
    assert len({settings_key(r["settings"]) for r in runs}) == 4  # nothing twice
    assert table.sweep_id == sweep_id
    assert stable(table) == stable(joblib_sweep[0])  # the same as never stopping

    # Resuming a finished sweep trains nothing and gives the same table.
    nothing = []
    again = sweep(resume=sweep_id, jobs=1, db_path=db_path, on_result=nothing.append)
    assert nothing == [] and again == table


def test_a_broken_pool_keeps_the_finished_runs_and_says_how_to_resume(tmp_path, monkeypatch):
    """If the local pool breaks down (a worker killed by the system), nothing finished is lost."""
    import glassnet.app.sweeps

    real_backend = glassnet.app.sweeps.run_with_joblib

    def one_then_broken(tasks, data_of, jobs):
        yield train_one(tasks[0].settings, data_of(tasks[0]))
        raise RuntimeError("A worker process was unexpectedly terminated")

    db_path = tmp_path / "runs.db"
    monkeypatch.setattr(glassnet.app.sweeps, "run_with_joblib", one_then_broken)
    with pytest.raises(SweepError, match="1 of 4 runs finished.*--resume") as caught:
        sweep(GRID, seeds=SEEDS, jobs=1, db_path=db_path)
    sweep_id = str(caught.value).split()[1]
    runs, recorded = runs_of(db_path, sweep_id)
    assert recorded["status"] == "failed" and len(runs) == 1

    monkeypatch.setattr(glassnet.app.sweeps, "run_with_joblib", real_backend)
    table = sweep(resume=sweep_id, jobs=1, db_path=db_path)
    assert [row["n_runs"] for row in table] == [2, 2]


def test_jobs_must_be_a_number_of_processes(tmp_path):
    with pytest.raises(ConfigError, match="jobs"):
        sweep(GRID, jobs=0, db_path=tmp_path / "runs.db")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_ctrl_c_on_the_command_line_keeps_the_finished_runs(tmp_path, stop):
    """A real SIGINT (or SIGTERM, as `kill` sends) to a real ``glassnet sweep``, and no
    process left behind: either way the sweep ends marked interrupted, resumable.

    (A terminal's Ctrl-C goes to the worker processes too, which may then print
    tracebacks of their own; the signal goes to the sweep alone here, so that its
    own output can be checked for being one clean line.)
    """
    import subprocess
    import sys
    import time

    db_path = tmp_path / "runs.db"
    command = [sys.executable, "-m", "glassnet", "sweep", "--hidden", "none", "--hidden", "8",
               "--epochs", "20", "--seeds", "3", "--jobs", "2", "--db", str(db_path)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)  # fmt: skip
    try:
        for line in process.stderr:
            if line.startswith("[1/6]"):  # the first run is recorded
                break
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    (error,) = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert "interrupted" in error and "glassnet sweep --resume" in error
    sweep_id = error.split("--resume ")[1].split()[0]
    # the database is not the default one, so the command to type says which it is
    assert error.endswith(f"resume with: glassnet sweep --resume {sweep_id} --db {db_path}")
    deadline = time.monotonic() + 30
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group_alive(process.pid), "worker processes outlived the sweep"
    runs, recorded = runs_of(db_path, sweep_id)
    assert recorded["status"] == "interrupted" and 1 <= len(runs) < 6

    table = sweep(resume=sweep_id, jobs=2, db_path=db_path)
    assert [row["n_runs"] for row in table] == [3, 3]
    runs, recorded = runs_of(db_path, sweep_id)
    assert recorded["status"] == "finished"
    assert len({settings_key(r["settings"]) for r in runs}) == len(runs) == 6


def test_the_sweep_command_runs_off_the_main_thread_too(tmp_path):
    """Only the main thread may set the SIGTERM handler; elsewhere (a test runner's or a
    notebook's thread) the command runs without it rather than failing."""
    from concurrent.futures import ThreadPoolExecutor

    command = ["sweep", "--hidden", "none", "--epochs", "1", "--seeds", "1", "--jobs", "1",
               "--db", str(tmp_path / "runs.db"), "-q"]
    with ThreadPoolExecutor(1) as thread:
        result = thread.submit(CliRunner().invoke, main, command).result()
    assert result.exit_code == 0, result.output


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_resume_errors(tmp_path, joblib_sweep):
    table, db_path = joblib_sweep
    with pytest.raises(ConfigError, match="not both"):
        sweep(GRID, resume=table.sweep_id, db_path=db_path)
    with pytest.raises(RunsDatabaseError, match="no sweep 'nope'"):
        sweep(resume="nope", db_path=db_path)
    with pytest.raises(ConfigError, match="needs a grid"):
        sweep(db_path=db_path)
    missing = tmp_path / "elsewhere.db"
    with pytest.raises(RunsDatabaseError, match="no runs database at .*, so no sweep X"):
        sweep(resume="X", db_path=missing)
    assert not missing.exists()  # resuming made no database of its own


def test_data_given_in_python_is_needed_again_to_resume(tmp_path):
    db_path = tmp_path / "runs.db"
    data = glassnet.load_digits().subset(classes=[0, 1])
    table = sweep({"hidden": ["none"], "epochs": 3}, seeds=1, jobs=1, db_path=db_path, data=data)
    assert table[0]["test_accuracy_mean"] > 0.9  # two digits are easy
    with pytest.raises(ConfigError, match="pass the same data"):
        sweep(resume=table.sweep_id, db_path=db_path)
    with pytest.raises(ConfigError, match="not the data"):
        sweep(resume=table.sweep_id, db_path=db_path, data=data.subset(classes=[0]))
    assert sweep(resume=table.sweep_id, db_path=db_path, data=data, jobs=1) == table


# ====================================================================== Dask
def test_the_same_sweep_on_dask_gives_identical_results(tmp_path, dask_cluster, joblib_sweep):
    db_path = tmp_path / "runs.db"
    table = sweep(GRID, seeds=SEEDS, scheduler=dask_cluster.scheduler_address, db_path=db_path)
    assert stable(table) == stable(joblib_sweep[0])  # scores and weight fingerprints
    runs, recorded = runs_of(db_path, table.sweep_id)
    assert recorded["status"] == "finished" and len(runs) == 4


def test_a_worker_killed_mid_sweep_loses_no_finished_run(tmp_path, dask_cluster):
    """Kill one worker process (SIGKILL) while it trains; Dask reruns its task elsewhere."""
    from dask.distributed import Client

    db_path = tmp_path / "runs.db"
    grid = {"hidden": ["none", 8, 16], "epochs": 20}
    seeds = 3
    with Client(dask_cluster, timeout="30s") as client:
        pids = client.run(os.getpid)  # {worker address: pid}
        killed = []

        def kill_a_busy_worker(result):
            if killed:
                return
            busy = [address for address, keys in client.processing().items()
                    if keys and address in pids]  # fmt: skip
            address = busy[0] if busy else next(iter(pids))
            os.kill(pids[address], signal.SIGKILL)
            killed.append(result["run_id"])

        table = sweep(grid, seeds=seeds, scheduler=client, db_path=db_path,
                      on_result=kill_a_busy_worker)  # fmt: skip
    assert killed, "no worker was killed"
    runs, recorded = runs_of(db_path, table.sweep_id)
    assert recorded["status"] == "finished"
    assert len(runs) == 9 and len({settings_key(r["settings"]) for r in runs}) == 9
    assert killed[0] in {r["id"] for r in runs}  # the run finished before the kill is kept
    assert all(row["n_runs"] == seeds and row["test_accuracy_mean"] for row in table)
    # A rerun task is the same run: compare one with training it here.
    row = next(row for row in table if row["hidden"] == "16")
    local = train_one(RunSettings(hidden=(16,), epochs=20, seed=2).to_dict(),
                      glassnet.load_digits())  # fmt: skip
    assert row["weights_sha256"][2] == local.scores["weights_sha256"]


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path, monkeypatch):
    import socket

    import glassnet.app.sweeps

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(glassnet.app.sweeps, "CONNECT_TIMEOUT", "1s")
    db_path = tmp_path / "runs.db"
    with pytest.raises(SweepError, match=f"cannot reach the Dask scheduler at 'tcp://127.0.0.1:{port}'"):
        sweep(GRID, seeds=1, scheduler=f"tcp://127.0.0.1:{port}", db_path=db_path)
    with RunsDatabase(db_path) as db:
        assert db.list_sweeps() == []  # nothing recorded for a sweep that never started


# ====================================================================== the picture
def test_plot_sweep_writes_a_png(tmp_path, joblib_sweep):
    from glassnet.plots import plot_sweep

    path = plot_sweep(joblib_sweep[0], tmp_path / "sweep.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(path) as picture:
        pixels = np.asarray(picture.convert("L"))
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert len(np.unique(pixels)) > 10  # axes, bars and text, not a blank page


# ====================================================================== the command line
def test_cli_sweep_prints_the_table_and_runs_lists_the_sweep(tmp_path, joblib_sweep):
    db_path = tmp_path / "runs.db"
    runner = CliRunner()
    result = runner.invoke(main, ["sweep", "--hidden", "none", "--hidden", "8", "--epochs", "3",
                                  "--seeds", "2", "--jobs", "2", "--db", str(db_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if "test acc" in line)
    assert "hidden" in header and "std" in header and "fit" in header and "best epoch" in header
    with RunsDatabase(db_path) as db:
        (recorded,) = db.list_sweeps()
    assert recorded["id"] in result.output and recorded["n_runs"] == 4
    # The printed order is the table's order: the best mean first.
    expected = [row["hidden"] for row in joblib_sweep[0]]
    first_rows = [line.split()[1] for line in lines[lines.index(header) + 2:][:2]]
    assert first_rows == expected

    listed = runner.invoke(main, ["runs", "sweeps", "--db", str(db_path)])
    assert listed.exit_code == 0 and recorded["id"] in listed.output
    assert "finished" in listed.output


def test_cli_sweep_takes_alternatives_for_every_training_option(tmp_path):
    db_path = tmp_path / "runs.db"
    args = ["sweep", "--hidden", "none", "--activation", "relu,tanh", "--epochs", "2",
            "--learning-rate", "0.05,0.1", "--average-from", "none", "--no-early-stopping",
            "--seed", "3", "--db", str(db_path), "--jobs", "1", "--quiet"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    with RunsDatabase(db_path) as db:
        runs = db.list_runs()
    assert len(runs) == 4
    assert {(r["settings"]["activation"], r["settings"]["learning_rate"]) for r in runs} == {
        ("relu", 0.05), ("relu", 0.1), ("tanh", 0.05), ("tanh", 0.1)
    }
    assert {r["seed"] for r in runs} == {3}
    assert {r["settings"]["average_from"] for r in runs} == {None}


def test_cli_sweep_usage_errors(tmp_path):
    runner = CliRunner()
    bad_value = runner.invoke(main, ["sweep", "--activation", "relu,nope", "--db",
                                     str(tmp_path / "r.db")])  # fmt: skip
    assert bad_value.exit_code == 2 and "nope" in bad_value.output
    both = runner.invoke(main, ["sweep", "--resume", "x", "--epochs", "3"])
    assert both.exit_code == 2 and "--resume" in both.output
    seeds_twice = runner.invoke(main, ["sweep", "--seeds", "2", "--seed", "1,2"])
    assert seeds_twice.exit_code == 2


def test_cli_sweep_checks_the_plot_file_name_before_training(tmp_path):
    """A --plot name that cannot be written fails at once, not after the whole sweep."""
    db = tmp_path / "r.db"
    result = CliRunner().invoke(main, ["sweep", "--epochs", "1", "--seeds", "1", "--jobs", "1",
                                       "--db", str(db), "--plot", str(tmp_path / "table.txt")])
    assert result.exit_code == 1 and "ending in .png" in result.output
    assert not db.exists()  # nothing was trained or recorded


@pytest.mark.parametrize("cores", [1, 2, 8])
def test_never_more_workers_than_runs_or_cores(monkeypatch, cores):
    monkeypatch.setattr("glassnet.training.ahead.cores_available", lambda: cores)
    assert worker_count(500, 1) == 1  # one run: one process, however many are asked for
    assert worker_count(500, 100) == cores
    assert worker_count(-1, 100) == cores  # joblib's convention: every core
    assert worker_count(-2, 100) == max(1, cores - 1)  # all but one
    assert worker_count(1, 100) == 1
    assert worker_count(-100, 100) == 1
