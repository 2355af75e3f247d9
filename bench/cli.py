"""The command line as a user meets it: ``glassnet --help`` and ``glassnet train``.

Both run as real processes, imports included, the way a person types them. The
training run writes its model and runs database into a temporary folder. Its peak
memory is read from the child's resource usage.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .protocol import median

#: Runs one command and prints its wall time, exit code and peak RSS (MB) as JSON.
WRAPPER = """
import json, os, resource, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
stdout, stderr = process.communicate()
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "returncode": process.returncode,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_rss_mb": usage.ru_maxrss / 1024,
                  "stderr": stderr[-500:], "stdout": stdout[-2000:]}))
"""


def glassnet_command() -> list[str] | None:
    """How to start the ``glassnet`` command of this environment, or None without one."""
    script = Path(sys.executable).with_name("glassnet")
    if script.exists():
        return [str(script)]
    found = shutil.which("glassnet")
    return [found] if found else None


def run(arguments: list[str], cwd: str) -> dict:
    finished = subprocess.run(
        [sys.executable, "-c", WRAPPER, *arguments], cwd=cwd, capture_output=True, text=True,
        timeout=600, check=False,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])


def measure(rounds: int = 5) -> dict:
    """Median wall time of ``glassnet --help`` and of ``glassnet train`` with defaults."""
    command = glassnet_command()
    if command is None:
        return {"error": "no glassnet command installed"}
    with tempfile.TemporaryDirectory() as folder:
        helps, trains = [], []
        for round_number in range(rounds):
            helps.append(run([*command, "--help"], folder))
            trains.append(run([*command, "train", "--out", f"model-{round_number}.npz",
                               "--db", "runs.db"], folder))
        failed = [r for r in helps + trains if r["returncode"] != 0]
    return {
        "help_seconds": median(r["seconds"] for r in helps),
        "train_seconds": median(r["seconds"] for r in trains),
        "help_cpu_seconds": median(r["cpu_seconds"] for r in helps),
        "train_cpu_seconds": median(r["cpu_seconds"] for r in trains),
        "train_peak_rss_mb": max(r["peak_rss_mb"] for r in trains),
        "help_peak_rss_mb": max(r["peak_rss_mb"] for r in helps),
        "failures": [r["stderr"] for r in failed],
        "train_output": trains[-1]["stdout"],
        "rounds": rounds,
    }
