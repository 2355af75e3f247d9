"""Measure how much memory glassnet's CSV loader takes, against the file's size.

Writes a CSV of the UCI digits as raw ink counts (0..16, as the UCI files hold them),
repeated until the file has about --megabytes, then loads it in a fresh process and
prints the peak memory that NumPy and Python allocated (tracemalloc) and the process's
peak resident size growth, both as multiples of the file's size. docs/reliability.md
quotes a run. The promise is at most 4 times the file.

Usage::

    python scripts/csv_memory.py --megabytes 200
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

MEASURE = """
import json, resource, sys, tracemalloc
from glassnet.data.csv import load_csv
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
data = load_csv(sys.argv[1], scale=1 / 16)
peak = tracemalloc.get_traced_memory()[1]
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
print(json.dumps({"rows": len(data), "traced_peak": peak, "rss_growth": grown}))
"""


def write_counts(path: Path, megabytes: float) -> int:
    import glassnet

    digits = glassnet.load_digits()
    block = "".join(",".join(map(str, row)) + f",{label}\n"
                    for row, label in zip(np.rint(digits.X * 16).astype(int), digits.y,
                                          strict=True))
    repeats = max(1, round(megabytes * 2**20 / len(block)))
    with path.open("w") as handle:
        for _ in range(repeats):
            handle.write(block)
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=200.0)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "counts.csv"
        size = write_counts(path, arguments.megabytes)
        result = subprocess.run([sys.executable, "-c", MEASURE, str(path)], check=True,
                                capture_output=True, text=True, env=os.environ)
    figures = json.loads(result.stdout)
    traced, rss = figures["traced_peak"] / size, figures["rss_growth"] / size
    print(f"file: {size / 2**20:.1f} MiB, {figures['rows']:,} rows")
    print(f"peak allocated while loading: {traced:.2f} x the file")
    print(f"peak resident size growth:    {rss:.2f} x the file")
    return 0 if max(traced, rss) <= 4 else 1


if __name__ == "__main__":
    sys.exit(main())
