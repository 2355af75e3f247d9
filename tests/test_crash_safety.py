"""Crash safety: a model file is always the old one or the new one, never half of each.

Saving writes a temporary file next to the target, forces it to disk and renames it
over the target in one step (``glassnet.store.atomicfile.write_atomically``). These
tests attack that promise the hard way: a process saving in a loop is killed with SIGKILL at random
moments, hundreds of times, and a full disk is simulated half-way through a write.

What a SIGKILL can leave behind: the hidden temporary file of the save it
interrupted (``.NAME.glassnet-<random>.tmp``). Nothing ever reads it (``load`` opens
only the path it is given), and the next save in the same folder removes it: a writer
holds a lock on its temporary file until it is renamed, so a temporary file nobody
holds a lock on was abandoned.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import glassnet
from glassnet.cli import main
from glassnet.errors import GlassnetError
from glassnet.store.checkpoints import Checkpointer, load_checkpoint
from glassnet.store.modelfile import load
from glassnet.store.runs import RunsDatabase
from glassnet.training import train

pytestmark = pytest.mark.timeout(120)

KILLS = 150


def two_networks():
    """The same 64-32-10 shape with different weights: the "old" and the "new" model."""
    return glassnet.Network([64, 32, 10], seed=1), glassnet.Network([64, 32, 10], seed=2)


def same_bits(first, second) -> bool:
    return all(a.tobytes() == b.tobytes() for a, b in zip(first, second, strict=True))


def temporary_files(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def check_old_or_new(path, old, new) -> str:
    network = load(path)  # any damage raises ModelFormatError (checksum included)
    if same_bits(network.parameters(), old.parameters()):
        return "old"
    assert same_bits(network.parameters(), new.parameters()), "neither the old nor the new model"
    return "new"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_sigkill_while_saving_never_leaves_a_broken_model(tmp_path):
    """A forked child saves old and new models over one path without pause; kill it, check."""
    path = tmp_path / "model.npz"
    old, new = two_networks()
    glassnet.save(old, path)
    rng = np.random.default_rng(0)
    seen, interrupted = {"old": 0, "new": 0}, 0
    for _ in range(KILLS):
        child = os.fork()
        if child == 0:  # the child: save, save, save... until killed
            try:
                while True:
                    glassnet.save(new, path)
                    glassnet.save(old, path)
            finally:
                os._exit(1)
        time.sleep(float(rng.uniform(0.0, 0.012)))
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        seen[check_old_or_new(path, old, new)] += 1
        leftovers = temporary_files(tmp_path)
        interrupted += bool(leftovers)
        assert len(leftovers) <= 1  # the save the kill interrupted; older ones were removed
        assert all(name.startswith(".model.npz.") for name in leftovers)  # hidden, never read
    assert seen["old"] + seen["new"] == KILLS
    # Not vacuous: kills landed on both saves, and many of them in the middle of a write.
    assert seen["old"] > 0 and seen["new"] > 0 and interrupted >= KILLS // 10
    glassnet.save(old, path)  # the next save removes what the last kill left
    assert temporary_files(tmp_path) == []
    print(f"{KILLS} SIGKILLs while saving: {seen['old']} left the old model, {seen['new']} the "
          f"new one, 0 broken; {interrupted} interrupted a write, leaving a temporary file that "
          "the next save removed")  # shown with pytest -s


def test_a_living_writers_temporary_file_is_left_alone(tmp_path):
    fcntl = pytest.importorskip("fcntl", reason="needs fcntl.flock (POSIX)")

    path = tmp_path / "model.npz"
    busy = tmp_path / ".model.npz.glassnet-0123456789ab.tmp"
    busy.write_bytes(b"half a model")
    other = tmp_path / ".other.npz.0123456789ab.tmp"  # not a name of ours: never touched
    other.write_bytes(b"x")
    with open(busy, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as a writer in another process would
        glassnet.save(glassnet.Network([64, 4, 10]), path)
        assert busy.exists()
    glassnet.save(glassnet.Network([64, 4, 10]), path)  # the lock is gone: abandoned, removed
    assert not busy.exists() and other.exists()


SAVER = """
import sys, glassnet
path = sys.argv[1]
old, new = glassnet.Network([64, 32, 10], seed=1), glassnet.Network([64, 32, 10], seed=2)
print("ready", flush=True)
while True:
    glassnet.save(new, path)
    glassnet.save(old, path)
"""


def test_sigkill_of_a_separate_python_process(tmp_path):
    """The same with real processes (no fork): a fresh interpreter saving in a loop."""
    path = tmp_path / "model.npz"
    old, new = two_networks()
    glassnet.save(old, path)
    rng = np.random.default_rng(1)
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-c", SAVER, str(path)],
                                   stdout=subprocess.PIPE, text=True)
        try:
            assert process.stdout.readline().strip() == "ready"
            time.sleep(float(rng.uniform(0.0, 0.05)))
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=30)
            process.stdout.close()
        assert process.returncode == -signal.SIGKILL
        check_old_or_new(path, old, new)


def test_sigkill_of_glassnet_train_keeps_the_old_model_or_writes_the_new(tmp_path):
    """Kill ``glassnet train --out`` at moments spread over its life, saving included."""
    path = tmp_path / "model.npz"
    old = glassnet.Network([64, 8, 10], seed=5)
    glassnet.save(old, path)
    outcomes = set()
    for delay in (0.3, 0.6, 0.9, 1.2):
        process = subprocess.Popen(
            [sys.executable, "-m", "glassnet", "train", "--hidden", "8", "--epochs", "3",
             "--quiet", "--out", str(path), "--db", str(tmp_path / "runs.db")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        network = load(path)
        outcomes.add("old" if same_bits(network.parameters(), old.parameters()) else "new")
        if "new" in outcomes:
            old = network  # the next kill must leave this one or a newer one
    assert outcomes  # every kill left a model that loads and passes its checksum


# ---------------------------------------------------------------------- killed trainings
KILL_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "kill_training.py"


def test_sigkills_of_glassnet_train_at_random_moments_lose_no_result():
    """A short run of scripts/kill_training.py (100 kills in docs/reliability.md): every
    kill followed by what a user would do (nothing, or --resume) leaves the run's model,
    bit for bit, recorded; no row without a model, no temporary file left."""
    result = subprocess.run([sys.executable, str(KILL_SCRIPT), "--kills", "6", "--seed", "1"],
                            capture_output=True, text=True, timeout=100)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "results lost: 0\n" in result.stdout and "RESULT: every promise held" in result.stdout


PAUSED_TRAIN = """
import sys, time
from glassnet import cli
from glassnet.store import runs
where = sys.argv[1]

def pause(*args, **kwargs):
    print("paused", flush=True)
    time.sleep(120)

if where == "before the save":  # the last checkpoint is written; the model is not saved
    runs.save_and_record = pause
else:  # the model is saved; the run is not recorded
    record = runs.RunsDatabase.record_run
    runs.RunsDatabase.record_run = lambda self, *a, **k: (
        pause() if k.get("model_path") else record(self, *a, **k))
cli.main(sys.argv[2:])
"""


@pytest.mark.parametrize("where", ["before the save", "before the record"])
def test_a_kill_after_the_last_checkpoint_loses_nothing(tmp_path, where):
    """The moments issue 17 found: killed there, --resume gives the model and records it."""
    common = ["train", "--hidden", "8", "--epochs", "4", "--checkpoint-every", "1", "--quiet"]
    unbroken = subprocess.run(
        [sys.executable, "-m", "glassnet", *common, "--db", str(tmp_path / "unbroken.db")],
        capture_output=True, text=True, timeout=100)
    assert unbroken.returncode == 0, unbroken.stderr
    expected = load(tmp_path / "model-unbroken-1.npz").parameters()

    folder = tmp_path / "killed"
    folder.mkdir()
    db, checkpoint = folder / "glassnet.db", folder / "run.ckpt"
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED_TRAIN, where, *common, "--db", str(db),
         "--checkpoint", str(checkpoint)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "paused"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stdout.close()
    assert load_checkpoint(checkpoint).epoch == 4
    with RunsDatabase(db) as database:
        assert database.count_runs() == 0  # never a row without its model
    assert (folder / "model-1.npz").exists() == (where == "before the record")

    resumed = subprocess.run(
        [sys.executable, "-m", "glassnet", "train", "--resume", str(checkpoint), "--db", str(db),
         "--quiet"], capture_output=True, text=True, timeout=100)
    assert resumed.returncode == 0, resumed.stderr
    with RunsDatabase(db) as database:
        (run,) = database.list_runs()
    assert same_bits(load(run["model_path"]).parameters(), expected)
    assert temporary_files(folder) == []


# ---------------------------------------------------------------------- a full disk
class FullDisk:
    """A file handle that accepts ``limit`` bytes and then fails like a full disk."""

    def __init__(self, handle, limit: int) -> None:
        self._handle, self._left = handle, limit

    def write(self, data) -> int:
        size = len(memoryview(data).cast("B"))
        if size > self._left:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._left -= size
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._handle.close()


def simulate_full_disk(monkeypatch, limit: int = 4096) -> None:
    """From now on every file opened through ``os.fdopen`` (atomic writes) fills up after
    ``limit`` bytes, as on a full disk; everything else keeps working."""
    real_fdopen = os.fdopen

    def fdopen(descriptor, *args, **kwargs):
        return FullDisk(real_fdopen(descriptor, *args, **kwargs), limit)

    monkeypatch.setattr(os, "fdopen", fdopen)


def test_a_full_disk_keeps_the_old_model_and_says_so(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old, new = two_networks()
    glassnet.save(old, path)
    before = path.read_bytes()
    simulate_full_disk(monkeypatch)
    with pytest.raises(GlassnetError) as raised:
        glassnet.save(new, path)
    message = str(raised.value)
    assert "No space left on device" in message and "unchanged" in message
    assert path.read_bytes() == before
    assert temporary_files(tmp_path) == []


def test_a_full_disk_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    data = glassnet.load_digits().split(test_fraction=0.2, seed=0)[0]
    checkpointer = Checkpointer(tmp_path / "run.ckpt")
    train(glassnet.Network([64, 8, 10]), data, epochs=1, checkpoint=checkpointer,
          catch_interrupt=False)
    before = (tmp_path / "run.ckpt").read_bytes()
    simulate_full_disk(monkeypatch)
    with pytest.raises(GlassnetError, match="could not write checkpoint .*No space left"):
        train(glassnet.Network([64, 8, 10]), data, epochs=3, checkpoint=checkpointer,
              catch_interrupt=False)
    assert (tmp_path / "run.ckpt").read_bytes() == before
    assert load_checkpoint(tmp_path / "run.ckpt").epoch == 1
    assert temporary_files(tmp_path) == []


def test_glassnet_train_on_a_full_disk_gives_one_error_line(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old, _ = two_networks()
    glassnet.save(old, path)
    before = path.read_bytes()
    simulate_full_disk(monkeypatch)
    result = CliRunner().invoke(main, ["train", "--hidden", "4", "--epochs", "1", "--quiet",
                                       "--out", str(path), "--db", str(tmp_path / "runs.db")])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "No space left on device" in errors[0] and "unchanged" in errors[0]
    assert "recorded as #1" in errors[0] and "without a model file" in errors[0]
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert temporary_files(tmp_path) == []
