"""Kill ``glassnet train`` with SIGKILL at random moments and count the results lost.

Each round starts ``glassnet train --checkpoint-every 1`` in a fresh folder (its own
runs database, the default model name) and kills it: after a random delay over the
whole run, or, every other round, at a random moment after its last checkpoint was
written (which is when the model is saved and the run recorded). Then it does what a
user would: if the database lists the run, that is the result; otherwise, if a
checkpoint exists, ``glassnet train --resume`` it. A round loses its result if
neither gives a model bit for bit that of an unbroken run (made first, once). A round
killed before its first checkpoint had nothing to lose and is counted apart.

After every round it also checks that the database passes ``PRAGMA integrity_check``,
that every row names a model file that exists and loads, and that no temporary file
is left in the folder; it counts the model files the database does not list (the kill
fell in the instant between the model's rename and the run's commit).

    python scripts/kill_training.py                 # 100 kills (docs/reliability.md)
    python scripts/kill_training.py --kills 6       # what tests/test_crash_safety.py runs

Exit status 0 when no result was lost and every check held, 1 otherwise. Everything
happens in a temporary folder, which is removed at the end.
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

import glassnet
from glassnet.errors import GlassnetError
from glassnet.store.checkpoints import load_checkpoint

EPOCHS = 40
TRAINING = ["--hidden", "32", "--epochs", str(EPOCHS), "--average-from", "4", "--quiet"]


def glassnet_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "glassnet", *(str(arg) for arg in args)]


def weights(path: Path) -> list[bytes]:
    return [array.tobytes() for array in glassnet.load(path).parameters()]


def unbroken_run(folder: Path) -> tuple[list[bytes], float, float]:
    """The reference model's weights, the run's duration and when its last checkpoint came."""
    folder.mkdir()
    checkpoint = folder / "run.ckpt"
    started = time.monotonic()
    process = subprocess.Popen(
        glassnet_command("train", *TRAINING, "--checkpoint-every", 1, "--checkpoint", checkpoint,
                         "--db", folder / "glassnet.db"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last_checkpoint = wait_for_last_checkpoint(checkpoint, process)
    _, errors = process.communicate(timeout=300)
    if process.returncode != 0:
        raise SystemExit(f"the unbroken run failed: {errors}")
    return weights(folder / "model-1.npz"), time.monotonic() - started, last_checkpoint - started


def wait_for_last_checkpoint(checkpoint: Path, process: subprocess.Popen) -> float:
    """Poll until the checkpoint of the last epoch exists; return when that was seen."""
    seen = None
    while process.poll() is None:
        try:
            identity = checkpoint.stat().st_ino
        except FileNotFoundError:
            identity = None
        if identity is not None and identity != seen:  # a new checkpoint was renamed in
            seen = identity
            try:
                if load_checkpoint(checkpoint).epoch == EPOCHS:
                    return time.monotonic()
            except GlassnetError:
                pass  # replaced again while being read
        time.sleep(0.001)
    return time.monotonic()


def database_rows(database: Path) -> list[tuple[int, str | None]]:
    if not database.exists():
        return []
    connection = sqlite3.connect(database)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise AssertionError(f"{database} failed its integrity check")
        if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone():
            return []  # killed while the database was being made: no tables yet
        return list(connection.execute("SELECT id, model_path FROM runs ORDER BY id"))
    finally:
        connection.close()


def check_rows(rows: list[tuple[int, str | None]]) -> list[str]:
    """Problems with rows: a missing model path, or one that names no loadable model."""
    problems = []
    for run_id, model_path in rows:
        if model_path is None or not Path(model_path).is_file():
            problems.append(f"run {run_id} names no model file ({model_path})")
            continue
        try:
            glassnet.load(model_path)
        except GlassnetError as error:
            problems.append(f"run {run_id}'s model does not load: {error}")
    return problems


def one_round(folder: Path, delay: float, after_last_checkpoint: bool,
              reference: list[bytes]) -> tuple[str, list[str], int]:
    """Start, kill, recover; return what the kill interrupted, problems and orphan models."""
    folder.mkdir()
    checkpoint, database = folder / "run.ckpt", folder / "glassnet.db"
    process = subprocess.Popen(
        glassnet_command("train", *TRAINING, "--checkpoint-every", 1, "--checkpoint", checkpoint,
                         "--db", database),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if after_last_checkpoint:
            wait_for_last_checkpoint(checkpoint, process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=300)
    problems = check_rows(rows := database_rows(database))
    if process.returncode == 0:
        moment = "after the run was recorded (it had finished)"
    elif rows:
        moment = "after the run was recorded"
    elif not checkpoint.exists():
        moment = "before the first checkpoint (nothing to lose)"
    else:
        epoch = load_checkpoint(checkpoint).epoch
        if epoch < EPOCHS:
            moment = "between two checkpoints"
        elif any(folder.glob("model-*.npz")):
            moment = "after the model was saved, before the run was recorded"
        else:
            moment = "after the last checkpoint, before the model was saved"
        resumed = subprocess.run(glassnet_command("train", "--resume", checkpoint, "--db",
                                                  database, "--quiet"),
                                 capture_output=True, text=True, timeout=300)
        if resumed.returncode != 0:
            problems.append(f"the resume failed: {resumed.stderr.strip()}")
        problems += check_rows(rows := database_rows(database))
    if not moment.startswith("before"):
        if not rows:
            problems.append("LOST: no run is recorded after the kill and the resume")
        elif weights(Path(rows[-1][1])) != reference:
            problems.append("LOST: the recorded model differs from the unbroken run's")
    listed = {Path(path).name for _, path in rows if path}
    orphans = sum(1 for path in folder.glob("model-*.npz") if path.name not in listed)
    leftovers = sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))
    if leftovers and not moment.startswith("before"):
        problems.append(f"temporary files left: {leftovers}")
    return moment, problems, orphans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args(argv)
    rng = np.random.default_rng(arguments.seed)
    started = time.monotonic()
    moments: Counter[str] = Counter()
    lost, problems_seen, orphans = 0, [], 0
    with tempfile.TemporaryDirectory(prefix="glassnet-kills-") as scratch:
        root = Path(scratch)
        reference, duration, last_checkpoint = unbroken_run(root / "unbroken")
        tail = duration - last_checkpoint  # from the last checkpoint to the end of the run
        for number in range(arguments.kills):
            after_last = number % 2 == 1
            delay = float(rng.uniform(0.0, tail if after_last else duration))
            moment, problems, orphan_models = one_round(
                root / f"round-{number}", delay, after_last, reference)
            moments[moment] += 1
            orphans += orphan_models
            lost += sum(problem.startswith("LOST") for problem in problems)
            problems_seen += [f"round {number}: {problem}" for problem in problems]
    print(f"{arguments.kills} SIGKILLs of glassnet train --epochs {EPOCHS} --checkpoint-every 1 "
          f"(seed {arguments.seed}, {time.monotonic() - started:.0f} s; an unbroken run took "
          f"{duration:.2f} s, {tail * 1000:.0f} ms of it after the last checkpoint)")
    for moment, count in sorted(moments.items(), key=lambda item: -item[1]):
        print(f"  {count:4d} killed {moment}")
    print(f"results lost: {lost}")
    print(f"other problems (rows without a model, failed resumes, temporary files left): "
          f"{len(problems_seen) - lost}")
    print(f"model files the database does not list: {orphans}")
    for problem in problems_seen:
        print(f"  {problem}")
    print("RESULT: " + ("every promise held" if not problems_seen else "PROMISES BROKEN"))
    return 0 if not problems_seen else 1


if __name__ == "__main__":
    sys.exit(main())
