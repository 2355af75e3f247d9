"""The command line as a user runs it: real processes, real signals, real files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import glassnet
from glassnet.store.modelfile import load, read_metadata
from glassnet.store.runs import RunsDatabase

pytestmark = pytest.mark.timeout(300)


def glassnet_command(*args) -> list[str]:
    return [sys.executable, "-m", "glassnet", *(str(arg) for arg in args)]


def run_glassnet(*args, input: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(glassnet_command(*args), capture_output=True, text=True, input=input,
                          cwd=cwd, timeout=240)  # fmt: skip


def digit_png(path, index: int):
    from PIL import Image

    picture = glassnet.load_digits().images[index]  # (8, 8) in 0..1
    pixels = (255 * (1 - np.kron(picture, np.ones((16, 16))))).astype(np.uint8)
    Image.fromarray(pixels, mode="L").save(path)
    return path


def test_train_then_predict(tmp_path):
    model = tmp_path / "model.npz"
    trained = run_glassnet("train", "--epochs", "40", "--out", model, "--db", tmp_path / "g.db")
    assert trained.returncode == 0, trained.stderr
    assert "test accuracy: " in trained.stdout
    assert "epoch 1/40" in trained.stderr  # not a terminal: one plain line per epoch
    assert "Traceback" not in trained.stderr

    # An image file, prepared like the training digits.
    picture = digit_png(tmp_path / "four.png", index=4)  # the fifth digit is a 4
    predicted = run_glassnet("predict", model, picture, "--show")
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.startswith(f"{picture}: guess 4")
    assert "what the network saw" in predicted.stdout

    # 64 numbers, as an argument and on standard input.
    numbers = run_glassnet("show", "4", "--numbers").stdout.strip()
    as_argument = run_glassnet("predict", model, numbers)
    on_stdin = run_glassnet("predict", model, "-", input=numbers)
    assert as_argument.returncode == 0 and on_stdin.returncode == 0
    assert as_argument.stdout == on_stdin.stdout
    expected = load(model).predict(np.array([[float(n) for n in numbers.split(",")]]))[0]
    assert as_argument.stdout.startswith(f"numbers: guess {expected}")


def test_two_trainings_at_once_share_one_database(tmp_path):
    db = tmp_path / "shared.db"
    processes = [
        subprocess.Popen(glassnet_command("train", "--epochs", "15", "--seed", seed, "--db", db),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for seed in (0, 1)
    ]  # fmt: skip
    for process in processes:
        stdout, stderr = process.communicate(timeout=240)
        assert process.returncode == 0, stderr
        assert "run recorded as #" in stdout
    with RunsDatabase(db) as database:
        runs = database.list_runs()
    assert sorted(run["seed"] for run in runs) == [0, 1]
    paths = {run["model_path"] for run in runs}
    assert len(paths) == 2
    for path in paths:
        assert load(path).sizes == [64, 32, 10]


def test_ctrl_c_stops_cleanly_and_still_saves(tmp_path):
    model, db = tmp_path / "model.npz", tmp_path / "g.db"
    process = subprocess.Popen(
        glassnet_command("train", "--epochs", "100000", "--no-early-stopping",
                         "--out", model, "--db", db),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen = []
    for line in process.stderr:  # progress lines arrive on standard error
        seen.append(line)
        if line.startswith("epoch 1/"):
            break
    else:
        process.wait(timeout=60)
        pytest.fail(f"no epoch line before the process ended: {''.join(seen)}")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "INTERRUPTED" in stdout
    assert "Traceback" not in stderr
    network = load(model)
    assert network.sizes == [64, 32, 10]
    training = read_metadata(model)["training"]
    assert training["history"]["stop_reason"] == "interrupted"
    assert 1 <= len(training["history"]["train_loss"]) < 100000
    with RunsDatabase(db) as database:
        assert database.get_run(1)["scores"]["stop_reason"] == "interrupted"


HELP_IMPORTS = textwrap.dedent(
    """
    import sys
    from glassnet.cli import main
    for args in (["--help"], ["train", "-h"], ["predict", "-h"], ["evaluate", "-h"],
                 ["show", "-h"], ["runs", "-h"], ["export", "-h"], ["plot", "-h"],
                 ["sweep", "-h"], ["tour", "-h"], ["explore", "-h"], ["--version"]):
        try:
            main(args, prog_name="glassnet")
        except SystemExit:
            pass
    print("HEAVY", sorted({name.split(".")[0] for name in sys.modules}
                          & {"matplotlib", "sklearn", "scipy", "pandas", "torch", "PIL",
                             "starlette", "uvicorn", "dask", "joblib"}))
    """
)


def test_help_does_not_import_heavy_libraries():
    result = subprocess.run([sys.executable, "-c", HELP_IMPORTS], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout


def imported_modules(importtime_report: str) -> set[str]:
    """The modules a ``python -X importtime`` run imported, from its report on stderr."""
    return {line.rsplit("|", 1)[1].strip() for line in importtime_report.splitlines()
            if line.startswith("import time:") and line.count("|") == 2}  # fmt: skip


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"]], ids=" ".join)
def test_the_group_help_does_not_import_numpy(args):
    """``glassnet --help`` answers without the core (NumPy alone takes a tenth of a
    second) and without the runs database (sqlite3), whose default path it shows."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "glassnet", *args],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = imported_modules(result.stderr)
    assert "glassnet.cli" in imported  # the report is read correctly
    assert not {name for name in imported if name.split(".")[0] == "numpy"}
    assert not {"glassnet.store.runs", "sqlite3"} & imported
    if args == ["--version"]:
        assert result.stdout == f"glassnet, version {glassnet.__version__}\n"
        return
    from glassnet.cli import main

    commands = result.stdout.split("\nCommands:\n", 1)[1]
    listed = [line.split()[0] for line in commands.splitlines() if line.strip()]
    assert listed == sorted(main.commands) and len(listed) >= 10


def test_errors_are_one_line_on_standard_error(tmp_path):
    result = run_glassnet("predict", tmp_path / "missing.npz", "0")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    usage = run_glassnet("train", "--epochs", "0")
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = run_glassnet("--debug", "evaluate", tmp_path / "missing.npz")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ModelFormatError" in result.stderr


def test_plain_train_prints_the_test_accuracy_clearly(tmp_path):
    """What ``make run`` does: plain ``glassnet train`` in a fresh folder."""
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:glassnet"}
    result = subprocess.run(glassnet_command("train"), capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=240)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\ntest accuracy: " in result.stdout
    assert (tmp_path / "runs" / "glassnet.db").exists()
    assert (tmp_path / "runs" / "model-1.npz").exists()
