"""The runs database with 8 processes recording at once: nothing lost, nothing torn.

Sweeps record runs from many processes into one SQLite file. Here 8 real processes
start at the same moment (on a database that does not exist yet, so they also race
to create it) and record 25 runs each, with histories long enough that a torn write
would show, while this process keeps reading. Afterwards: exactly 200 rows, 200
distinct ids, every row's JSON exactly what its writer sent, and SQLite's own
``PRAGMA integrity_check`` says ok. (tests/test_runs.py has the 4-process basics.)
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from glassnet.store.runs import RunsDatabase

pytestmark = pytest.mark.timeout(120)

WRITERS = 8
RUNS_EACH = 25

WRITER = f"""
import json, sys, time
from pathlib import Path
from glassnet.store.runs import RunsDatabase

path, worker, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
ids = []
for index in range({RUNS_EACH}):
    loss = [worker + index / 1000 + epoch / 1e6 for epoch in range(200)]
    with RunsDatabase(path) as database:  # a fresh connection each time, like separate runs
        ids.append(database.record_run(
            {{"seed": worker, "index": index, "hidden": [32, worker], "note": "w" * index}},
            {{"train_loss": loss, "config": {{"worker": worker}}}},
            {{"test_accuracy": index / 100, "per_class_accuracy": {{"0": worker / 10}}}},
            source="python"))
print(json.dumps(ids))
"""


def test_eight_processes_recording_at_once_lose_and_tear_nothing(tmp_path):
    path, go = tmp_path / "runs" / "shared.db", tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(worker), str(go)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for worker in range(WRITERS)]
    time.sleep(0.5)  # let them all import and wait at the starting line
    go.touch()
    seen_while_writing = 0
    while any(writer.poll() is None for writer in writers):
        if path.exists():
            with RunsDatabase(path) as database:  # reading never blocks or fails
                seen_while_writing = max(seen_while_writing, database.count_runs())
        time.sleep(0.05)
    returned: dict[int, list[int]] = {}
    for worker, writer in enumerate(writers):
        stdout, stderr = writer.communicate(timeout=60)
        assert writer.returncode == 0, stderr
        returned[worker] = json.loads(stdout)

    all_ids = [run_id for ids in returned.values() for run_id in ids]
    assert len(all_ids) == len(set(all_ids)) == WRITERS * RUNS_EACH
    with RunsDatabase(path) as database:
        assert database.count_runs() == WRITERS * RUNS_EACH
        stored = {run["id"]: run for run in database.list_runs()}
    assert set(stored) == set(all_ids)
    for worker, ids in returned.items():
        for index, run_id in enumerate(ids):
            run = stored[run_id]
            assert run["settings"] == {"seed": worker, "index": index, "hidden": [32, worker],
                                       "note": "w" * index}
            assert run["history"]["train_loss"] == [worker + index / 1000 + epoch / 1e6
                                                    for epoch in range(200)]
            assert run["scores"]["per_class_accuracy"] == {"0": worker / 10}
            assert run["test_accuracy"] == index / 100
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 200
        for (text,) in connection.execute("SELECT history FROM runs"):
            json.loads(text)  # every stored document is whole JSON
    finally:
        connection.close()
    assert seen_while_writing <= WRITERS * RUNS_EACH
