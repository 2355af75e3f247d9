"""Make the digits file that glassnet ships: ``src/glassnet/data/digits.npz``.

glassnet trains on the 1797 UCI 8x8 handwritten digits without a network connection
and without importing scikit-learn (which takes over a second to import). So the
digits travel inside the package as a small NumPy archive, and this script is how
that archive is made: it takes the copy scikit-learn distributes, checks it, and
stores it in its most honest form, the ink counts 0..16 as unsigned bytes.

The archive holds two arrays and nothing else (no pickled objects):

* ``counts``: uint8, shape (1797, 64), the number of inked pixels (0..16) in each
  4x4 block of the original 32x32 bitmap, row by row;
* ``labels``: uint8, shape (1797,), the digit each image shows (0..9).

``glassnet.load_digits()`` divides the counts by 16 so that 0 is white and 1 is black.

Run it from the repository root (it needs scikit-learn, the library does not)::

    .venv/bin/python scripts/make_digits_data.py

If the file already holds exactly these arrays it is left alone, so running the
script again does not produce a spurious change for version control.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

OUTPUT_PATH = Path(__file__).resolve().parent.parent / "src" / "glassnet" / "data" / "digits.npz"
EXPECTED_SAMPLES = 1797
EXPECTED_FEATURES = 64


def digits_from_sklearn() -> tuple[np.ndarray, np.ndarray]:
    """Return the UCI digits as (counts (1797, 64) uint8, labels (1797,) uint8), checked."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    data = np.asarray(bunch.data)  # (1797, 64) float64 holding whole numbers 0..16
    target = np.asarray(bunch.target)  # (1797,)

    if data.shape != (EXPECTED_SAMPLES, EXPECTED_FEATURES) or target.shape != (EXPECTED_SAMPLES,):
        raise SystemExit(f"unexpected shapes from scikit-learn: {data.shape}, {target.shape}")
    if not np.array_equal(data, np.round(data)) or data.min() < 0 or data.max() > 16:
        raise SystemExit("scikit-learn's digits are not whole-number counts 0..16")
    if target.min() < 0 or target.max() > 9:
        raise SystemExit("scikit-learn's digit labels are not 0..9")

    counts = data.astype(np.uint8)
    labels = target.astype(np.uint8)
    # The conversion must be lossless: the file has to reproduce scikit-learn exactly.
    assert np.array_equal(counts.astype(np.float64), data)
    assert np.array_equal(labels.astype(target.dtype), target)
    return counts, labels


def file_already_holds(path: Path, counts: np.ndarray, labels: np.ndarray) -> bool:
    """True when ``path`` exists and holds exactly these two arrays."""
    if not path.exists():
        return False
    try:
        with np.load(path, allow_pickle=False) as archive:
            return (
                sorted(archive.files) == ["counts", "labels"]
                and archive["counts"].dtype == np.uint8
                and archive["labels"].dtype == np.uint8
                and np.array_equal(archive["counts"], counts)
                and np.array_equal(archive["labels"], labels)
            )
    except (OSError, ValueError):
        return False


def write_atomically(path: Path, counts: np.ndarray, labels: np.ndarray) -> None:
    """Write the archive to a temporary file, fsync it, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=".digits-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as temporary_file:
            np.savez_compressed(temporary_file, counts=counts, labels=labels)
            temporary_file.flush()
            os.fsync(temporary_file.fileno())
        os.chmod(temporary_name, 0o644)  # mkstemp makes it private; a package file is not
        os.replace(temporary_name, path)
    except BaseException:
        Path(temporary_name).unlink(missing_ok=True)
        raise


def main() -> int:
    counts, labels = digits_from_sklearn()
    if file_already_holds(OUTPUT_PATH, counts, labels):
        print(f"{OUTPUT_PATH} is already up to date")
        return 0
    write_atomically(OUTPUT_PATH, counts, labels)
    if not file_already_holds(OUTPUT_PATH, counts, labels):
        raise SystemExit(f"{OUTPUT_PATH} did not read back identically")
    size_kib = OUTPUT_PATH.stat().st_size / 1024
    print(f"wrote {OUTPUT_PATH} ({len(labels)} digits, {size_kib:.1f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
