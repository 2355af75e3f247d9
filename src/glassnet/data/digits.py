"""The UCI handwritten digits: the copy built into glassnet, and UCI optdigits files.

Both hold the same kind of numbers: each digit was scanned onto a 32x32 grid of
black and white pixels, and every 4x4 block became the count of its inked pixels,
0..16. Divided by 16 they are the 64 numbers between 0 (white) and 1 (black) the
network sees. The built-in digits (:func:`load_digits`, ``digits.npz`` beside this
file) need no network connection and no scikit-learn; :func:`load_optdigits` reads
the ``optdigits.tra`` and ``optdigits.tes`` files of the UCI collection.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import DataError, shown
from .dataset import Dataset, PathLike
from .text import WHOLE_NUMBER, read_text

DIGITS_IMAGE_SHAPE = (8, 8)
"""The shape of one UCI digit: 8 rows of 8 block counts."""

UCI_MAX_COUNT = 16
"""The largest UCI ink count: a 4x4 block with every pixel inked."""

_DIGITS_RESOURCE = ("data", "digits.npz")


# -- the built-in digits -------------------------------------------------------------


def load_digits() -> Dataset:
    """The 1797 UCI handwritten digits, 8x8, built into glassnet.

    These are the digits of the UCI "Optical Recognition of Handwritten Digits"
    collection in the copy scikit-learn distributes, stored inside glassnet as ink
    counts 0..16. Here they are divided by 16, so 0 is white and 1 is black.

    The file is read once per process; every call returns fresh arrays, so changing
    one result never changes the next.

    Returns
    -------
    Dataset
        Named "UCI digits": X float64 (1797, 64) in [0, 1], y int64 (1797,) in 0..9,
        images (1797, 8, 8), classes 0..9.

    Raises
    ------
    DataError
        If the built-in file is missing or damaged (reinstalling glassnet fixes it).

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.X.shape, digits.images.shape
    ((1797, 64), (1797, 8, 8))
    """
    counts, labels = _embedded_digits()
    pixels = counts / float(UCI_MAX_COUNT)  # (1797, 64) float64, a new array
    return Dataset(
        pixels,
        labels.astype(np.int64),
        classes=np.arange(10, dtype=np.int64),
        name="UCI digits",
        image_shape=DIGITS_IMAGE_SHAPE,
        source="built in (UCI optical recognition of handwritten digits, scikit-learn's copy)",
    )


@lru_cache(maxsize=1)
def _embedded_digits() -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """Read and check the packaged digits once: (counts (1797, 64), labels (1797,)), read-only."""
    resource = resources.files("glassnet.data").joinpath(_DIGITS_RESOURCE[1])
    where = "/".join(_DIGITS_RESOURCE)
    try:
        raw = resource.read_bytes()
    except OSError as error:
        raise DataError(
            f"the built-in digits file glassnet/{where} cannot be read ({error}); "
            "reinstall glassnet"
        ) from error
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            counts = archive["counts"]
            labels = archive["labels"]
    except (OSError, ValueError, KeyError, EOFError) as error:
        raise DataError(
            f"the built-in digits file glassnet/{where} is damaged ({error}); reinstall glassnet"
        ) from error
    if (
        counts.dtype != np.uint8
        or labels.dtype != np.uint8
        or counts.shape != (1797, 64)
        or labels.shape != (1797,)
        or counts.max() > UCI_MAX_COUNT
        or labels.max() > 9
    ):
        raise DataError(
            f"the built-in digits file glassnet/{where} does not hold 1797 8x8 digits; "
            "reinstall glassnet"
        )
    counts.flags.writeable = False
    labels.flags.writeable = False
    return counts, labels


# -- UCI optdigits files -------------------------------------------------------------


def load_optdigits(path: PathLike) -> Dataset:
    """Read a UCI optdigits file (``optdigits.tra``, ``optdigits.tes``).

    Each line is one digit: 64 comma-separated ink counts 0..16 (the 8x8 picture,
    row by row) and then its label 0..9. These are the same kind of numbers as the
    built-in digits, and they are divided by 16 the same way. Blank lines are
    skipped.

    Parameters
    ----------
    path : str or path
        The file.

    Returns
    -------
    Dataset
        X float64 (n, 64) in [0, 1], y int64 (n,), images (n, 8, 8).

    Raises
    ------
    DataError
        Naming the file and line: a line without exactly 65 values, a value that is
        not a whole number, a count outside 0..16, a label outside 0..9, an
        unreadable or empty file.
    """
    file_path = Path(path)
    text = read_text(file_path, "UCI optdigits")
    n_values = 64 + 1
    rows: list[list[int]] = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) != n_values:
            raise DataError(
                f"{file_path}, line {line_number}: expected {n_values} comma-separated "
                f"values (64 pixel counts and a label), found {len(fields)}"
            )
        rows.append(
            [
                _optdigits_value(field, file_path, line_number, column, is_label=column == n_values)
                for column, field in enumerate(fields, start=1)
            ]
        )
    if not rows:
        raise DataError(f"{file_path}: the file is empty (no digits in it)")

    table = np.array(rows, dtype=np.int64)  # (n, 65): 64 counts, then the label
    counts, labels = table[:, :64], table[:, 64]  # (n, 64), (n,)
    return Dataset(
        counts / float(UCI_MAX_COUNT),
        labels,
        name=f"UCI optdigits ({file_path.name})",
        image_shape=DIGITS_IMAGE_SHAPE,
        source=str(file_path),
    )


def _optdigits_value(
    field: str, file_path: Path, line_number: int, column: int, *, is_label: bool
) -> int:
    """One optdigits value as an int, or a DataError saying where and what is wrong."""
    what, highest = ("label", 9) if is_label else ("pixel count", UCI_MAX_COUNT)
    text = field.strip()
    if not WHOLE_NUMBER.fullmatch(text):
        spelled = shown(text) if text else "an empty value"
        raise DataError(
            f"{file_path}, line {line_number}, column {column}: {what} {spelled} "
            "is not a whole number"
        )
    value = int(text)
    if not 0 <= value <= highest:
        raise DataError(
            f"{file_path}, line {line_number}, column {column}: {what} {value} is out of "
            f"range 0..{highest}"
        )
    return value


__all__ = ["DIGITS_IMAGE_SHAPE", "UCI_MAX_COUNT", "load_digits", "load_optdigits"]
