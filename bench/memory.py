"""Peak memory of importing a library and training one model, each in a fresh process.

Memory cannot be measured fairly inside one process (whatever was imported before
stays), so each contender trains in its own Python process on the first split's
training images, handed over in a ``.npz`` file. The child reports its own peak
resident set size (``VmHWM`` in /proc/self/status; ``ru_maxrss`` would also count the
parent's memory, which a child started with vfork inherits) and whether scikit-learn
or matplotlib ended up imported. A child that only imports NumPy gives the floor.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .contenders import Contender
from .protocol import Split

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys
import numpy as np
data = np.load(sys.argv[2])
X, y = data["X"], data["y"]
if sys.argv[1] != "numpy only":
    from bench.contenders import BY_NAME
    contender = BY_NAME[sys.argv[1]]
    model = contender.fit(X, y, 0)
    contender.predict(model, X)
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "peak_rss_mb": peak_kb() / 1024,
    "sklearn_imported": "sklearn" in sys.modules,
    "matplotlib_imported": "matplotlib" in sys.modules,
    "torch_imported": "torch" in sys.modules,
}))
"""


def peak_rss(contenders: list[Contender], split: Split) -> dict[str, dict]:
    """Peak RSS (MB) of import + fit + predict for each contender, in fresh processes."""
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        data_file = Path(folder) / "train.npz"
        np.savez(data_file, X=split.X_train, y=split.y_train)
        for name in ["numpy only", *(c.name for c in contenders)]:
            finished = subprocess.run(
                [sys.executable, "-c", CHILD, name, str(data_file)],
                cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
            )
            if finished.returncode != 0:
                results[name] = {"error": finished.stderr.strip().splitlines()[-1:]}
                continue
            results[name] = json.loads(finished.stdout.strip().splitlines()[-1])
    return results
