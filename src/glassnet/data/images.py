"""Folders of pictures, one sub-folder per label, prepared like the UCI digits.

Each picture goes through the same preparation as a digit drawn in the explorer
(:mod:`glassnet.data.preprocess`), so your own handwriting can become a test set
for a network trained on the UCI digits.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import DataError
from .dataset import Dataset, PathLike
from .text import WHOLE_NUMBER

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
"""File endings :func:`load_image_folder` treats as pictures (case does not matter)."""


def load_image_folder(directory: PathLike) -> Dataset:
    """Read pictures sorted into one folder per label, prepared like the UCI digits.

    Put each digit's pictures in a folder named after it (``0/``, ``1/``, ...; any
    names work, and names that are all whole numbers become integer labels). Every
    PNG, JPEG, GIF or BMP file is turned into 64 numbers by
    :func:`glassnet.data.preprocess.prepare_image_file`, exactly the way a drawing in the
    explorer is: crop to the ink, fit into 32x32, count ink in 4x4 blocks, divide by
    16. So your own handwriting can become a test set for a network trained on the
    UCI digits. Other files and hidden files are ignored.

    Parameters
    ----------
    directory : str or path
        The folder that holds the label folders.

    Returns
    -------
    Dataset
        X float64 (n, 64) in [0, 1], y (n,) int64 or str, images (n, 8, 8);
        files in label order, then by name.

    Raises
    ------
    DataError
        If the folder does not exist, has no label folders, a label folder has no
        pictures, or a picture cannot be prepared (the message names the file).
    """
    from .preprocess import prepare_image_file

    folder = Path(directory)
    if not folder.is_dir():
        raise DataError(f"{folder}: not a directory (expected a folder of label folders)")
    label_folders = [
        entry for entry in folder.iterdir() if entry.is_dir() and not entry.name.startswith(".")
    ]
    if not label_folders:
        raise DataError(
            f"{folder}: no label folders; put each label's pictures in a folder named after "
            "it (0/, 1/, ...)"
        )
    numeric_labels = all(WHOLE_NUMBER.fullmatch(entry.name) for entry in label_folders)
    if numeric_labels:
        label_folders.sort(key=lambda entry: (int(entry.name), entry.name))
    else:
        label_folders.sort(key=lambda entry: entry.name)

    rows: list[NDArray[np.float64]] = []
    labels: list[Any] = []
    for label_folder in label_folders:
        pictures = sorted(
            entry
            for entry in label_folder.iterdir()
            if entry.is_file()
            and not entry.name.startswith(".")
            and entry.suffix.lower() in IMAGE_SUFFIXES
        )
        if not pictures:
            raise DataError(
                f"{label_folder}: the label folder has no pictures "
                f"(looked for {', '.join(IMAGE_SUFFIXES)})"
            )
        label = int(label_folder.name) if numeric_labels else label_folder.name
        for picture in pictures:
            rows.append(_prepared_picture(picture, prepare_image_file, rows))
            labels.append(label)

    features = np.stack(rows)  # (n, 64)
    side = math.isqrt(features.shape[1])
    image_shape = (side, side) if side * side == features.shape[1] else None
    return Dataset(
        features,
        np.asarray(labels, dtype=np.int64 if numeric_labels else str),
        name=f"image folder ({folder.name})",
        image_shape=image_shape,
        source=str(folder),
    )


def _prepared_picture(
    picture: Path, prepare: Any, rows_so_far: list[NDArray[np.float64]]
) -> NDArray[np.float64]:
    """Prepare one picture and check the result keeps the contract (1-D, 0..1, same size)."""
    try:
        numbers = np.asarray(prepare(picture), dtype=np.float64)
    except DataError as error:
        if str(picture) in str(error):
            raise
        raise DataError(f"{picture}: {error}") from error
    expected_shape = rows_so_far[0].shape if rows_so_far else None
    if (
        numbers.ndim != 1
        or numbers.size == 0
        or (expected_shape is not None and numbers.shape != expected_shape)
    ):
        raise DataError(
            f"{picture}: preparing the picture gave shape {numbers.shape}, "
            f"expected {expected_shape or '(64,)'}"
        )
    if not np.all(np.isfinite(numbers)) or numbers.min() < 0 or numbers.max() > 1:
        raise DataError(f"{picture}: preparing the picture gave values outside 0..1")
    return numbers


__all__ = ["IMAGE_SUFFIXES", "load_image_folder"]
