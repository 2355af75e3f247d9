"""Datasets: the images glassnet learns from, and where they come from.

To a neural network an image is a list of numbers. The UCI handwritten digits, the
data glassnet is built around, were made by scanning digits onto a 32x32 grid of
black and white pixels and counting the inked pixels in each 4x4 block. That gives
an 8x8 picture whose 64 "pixels" are counts from 0 (no ink) to 16 (all ink).
Dividing by 16 turns each count into a number between 0 and 1: 0 is white, 1 is
black, and the values in between are greys. Read the 8 rows one after another and
the picture becomes 64 numbers, one for each input neuron.

A :class:`Dataset` keeps those numbers together with what they mean:

* ``X``, the images as rows of numbers, shape (n_samples, n_features), e.g. (1797, 64);
* ``y``, the label of each image (the digit it shows), shape (n_samples,);
* ``images``, the same numbers seen as pictures, shape (n_samples, 8, 8): a *view*
  of ``X``, not a copy, so the two can never disagree.

The built-in digits (:func:`load_digits`) travel inside the package, so training
needs no network connection and no scikit-learn. Other data comes in through the
loaders: UCI optdigits files (:func:`load_optdigits`), MNIST IDX files
(:func:`load_mnist`), CSV files (:func:`load_csv`) and folders of pictures
(:func:`load_image_folder`). Every loader checks what it reads and, when a file is
wrong, raises :class:`~glassnet.errors.DataError` naming the file, the line where
there is one, and the problem.

Honest testing needs images the network has never seen, so :meth:`Dataset.split`
divides a dataset into a training part and a test part, keeping every digit's share
the same in both (a *stratified* split) and using its own seeded random generator,
so the same seed always gives the same split.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import operator
import os
import re
import shlex
import stat
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConfigError, DataError

PathLike = str | os.PathLike[str]

DIGITS_IMAGE_SHAPE = (8, 8)
"""The shape of one UCI digit: 8 rows of 8 block counts."""

MIN_GUESSED_PICTURE_SIDE = 8
"""The smallest square side :func:`guess_image_shape` takes rows for pictures at.

64 numbers and up (8x8 digits, 28x28 MNIST) are pictures; a table with 4, 9 or 49
columns is far more likely just a table, and drawing it as a 2x2 or 7x7 picture, or
shifting its "pixels", would mislead.
"""

UCI_MAX_COUNT = 16
"""The largest UCI ink count: a 4x4 block with every pixel inked."""

MNIST_IMAGES_MAGIC = 0x00000803
"""IDX magic number of an MNIST images file: unsigned bytes, 3 dimensions."""

MNIST_LABELS_MAGIC = 0x00000801
"""IDX magic number of an MNIST labels file: unsigned bytes, 1 dimension."""

MAX_IDX_BYTES = 1 << 30
"""The largest IDX body glassnet will read (1 GiB, about 1.3 million 28x28 images).

An IDX header states how many bytes follow. A damaged or hostile header can claim
billions; this limit, checked before anything is read, turns that into a clear
``DataError`` instead of an attempt to use all the memory of the machine.
"""

MAX_TEXT_BYTES = 1 << 30
"""The largest CSV or optdigits file glassnet will read (1 GiB), checked before reading."""

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
"""File endings :func:`load_image_folder` treats as pictures (case does not matter)."""

DATASET_KINDS: dict[str, str] = {
    "digits": "the built-in 1797 UCI 8x8 digits (no path)",
    "optdigits": "a UCI optdigits file: optdigits:PATH",
    "mnist": "a folder of MNIST IDX files, raw or .gz: mnist:DIR",
    "csv": "a CSV file of numbers with one label column: csv:PATH, or csv/255:PATH to "
           "divide every number by 255",
    "images": "a folder with one sub-folder of pictures per label: images:DIR",
}
"""The kinds :func:`load_dataset` understands, with a one-line description of each."""

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_DIGITS_RESOURCE = ("data", "digits.npz")
_READ_CHUNK_BYTES = 1 << 20


class Dataset:
    """Images as numbers, with their labels: what a network learns from and is tested on.

    A dataset is the pair (X, y): row ``i`` of ``X`` is one image flattened to a list
    of numbers, and ``y[i]`` says what it shows. Everything else is there to keep
    the pair honest and easy to look at. The constructor checks that ``X`` really
    is a table of finite numbers with one label per row, because a single NaN would
    silently poison every weight it touches during training. When the images have
    a shape (8x8 for the UCI digits) ``images`` shows the same numbers as pictures.

    The constructor never changes the arrays it is given. If they need converting
    (integers to floats, a list to an array) it works on a copy; if they are already
    a float array it keeps them as they are, without copying.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        The images, one per row. Integers and booleans become float64; float32 and
        float64 are kept.
    y : array_like, shape (n_samples,)
        The label of each row: integers (digits), strings, booleans or finite floats.
    images : array_like, shape (n_samples, height, width), optional
        The same images as pictures. Only its shape is used (the pictures are always
        rebuilt as a view of ``X``), and it must hold the same numbers as ``X``.
    classes : array_like, shape (n_classes,), optional
        Every label the data can have, in the order the network's output neurons
        use. Defaults to the sorted distinct labels of ``y``. Give it when a part of
        a dataset may miss some classes (a small test split) but should still know
        them all.
    name : str
        A human name, shown by :meth:`describe`.
    image_shape : tuple of int, optional
        ``(height, width)`` of one image; ``height * width`` must equal n_features.
    source : str or path, optional
        Where the data came from (a file, a folder, "built in").

    Raises
    ------
    DataError
        If X is not a 2-D table of finite numbers, y is not one label per row, the
        dataset is empty, or the images, shape or classes do not fit the data.

    Examples
    --------
    >>> data = Dataset([[0.0, 1.0], [1.0, 0.0]], [0, 1], name="two pixels")
    >>> data.n_samples, data.n_features
    (2, 2)
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike,
        *,
        images: ArrayLike | None = None,
        classes: ArrayLike | None = None,
        name: str = "",
        image_shape: Sequence[int] | None = None,
        source: PathLike | None = None,
    ) -> None:
        features = _as_feature_matrix(X)  # (n, n_features)
        labels = _as_labels(y, n_samples=len(features))  # (n,)
        self._X = features
        self._y = labels
        self._classes = _as_classes(classes, labels)
        self._image_shape = _resolve_image_shape(features, images, image_shape)
        self._name = str(name)
        self._source = None if source is None else str(source)

    # -- what the dataset holds ------------------------------------------------------

    @property
    def X(self) -> NDArray[np.floating[Any]]:
        """The images as rows of numbers, shape (n_samples, n_features)."""
        return self._X

    @property
    def y(self) -> NDArray[Any]:
        """The label of each row, shape (n_samples,)."""
        return self._y

    @property
    def images(self) -> NDArray[np.floating[Any]] | None:
        """The rows of ``X`` as pictures, shape (n_samples, height, width), or None.

        This is a view of ``X``: change a pixel here and it changes there too.
        """
        if self._image_shape is None:
            return None
        return self._X.reshape(len(self._X), *self._image_shape)

    @property
    def classes(self) -> NDArray[Any]:
        """Every label this data can have, shape (n_classes,), sorted unless given."""
        return self._classes

    @property
    def name(self) -> str:
        """The human name of the dataset."""
        return self._name

    @property
    def image_shape(self) -> tuple[int, ...] | None:
        """``(height, width)`` of one image, or None when the rows are not pictures."""
        return self._image_shape

    @property
    def source(self) -> str | None:
        """Where the data came from, or None."""
        return self._source

    @property
    def n_samples(self) -> int:
        """How many images (rows) there are."""
        return int(self._X.shape[0])

    @property
    def n_features(self) -> int:
        """How many numbers describe one image (64 for the UCI digits)."""
        return int(self._X.shape[1])

    def __len__(self) -> int:
        return self.n_samples

    def __repr__(self) -> str:
        shown = ", ".join(str(label) for label in self._classes.tolist()[:12])
        if len(self._classes) > 12:
            shown += ", ..."
        return (
            f"Dataset(name={self._name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, classes=[{shown}])"
        )

    # -- looking at it ---------------------------------------------------------------

    def class_counts(self) -> dict[Any, int]:
        """How many images each class has, in the order of ``classes`` (zeros included).

        Returns
        -------
        dict
            ``{label: count}`` with plain Python labels, e.g. ``{0: 178, 1: 182, ...}``.
        """
        return {label: int(np.count_nonzero(self._y == label)) for label in self._classes.tolist()}

    def describe(self) -> str:
        """A few lines a person can read: what this data is, how much of it, what values.

        It is the first thing to look at before training on anything: a class with
        far fewer images than the others, or values from 0 to 255 where the network
        expects 0 to 1, explain many disappointing results.

        Returns
        -------
        str
            Several lines: the name, the number of images and features, the image
            shape, the value range, the count of images per class and the source.
        """
        title = self._name or "unnamed dataset"
        if self._image_shape is not None:
            shape_text = "x".join(str(size) for size in self._image_shape)
            size_line = (
                f"{self.n_samples} images of {shape_text} pixels, {self.n_features} features each"
            )
        else:
            size_line = f"{self.n_samples} samples, {self.n_features} features each"
        lowest, highest = float(self._X.min()), float(self._X.max())
        counts = ", ".join(f"{label}: {count}" for label, count in self.class_counts().items())
        lines = [
            title,
            f"  {size_line}",
            f"  values from {lowest:g} to {highest:g}",
            f"  {len(self._classes)} classes; images per class: {counts}",
        ]
        if self._source:
            lines.append(f"  source: {self._source}")
        return "\n".join(lines)

    def as_numbers(self, index: int) -> list[float]:
        """Image ``index`` as a plain Python list of numbers: what the network really sees.

        For a UCI digit that is 64 numbers between 0 and 1, the 8 rows of the
        picture read one after another. Negative indices count from the end.

        Parameters
        ----------
        index : int
            Which image, 0 to n_samples - 1 (or -n_samples to -1).

        Returns
        -------
        list of float
            ``n_features`` numbers, equal to ``X[index]``.

        Raises
        ------
        ConfigError
            If ``index`` is not a whole number or is out of range.
        """
        position = _checked_index(index, self.n_samples)
        return [float(value) for value in self._X[position]]

    # -- making new datasets from this one ---------------------------------------

    def take(self, indices: ArrayLike) -> Dataset:
        """A new dataset made of the chosen rows, in the order given.

        The new dataset keeps this one's ``classes``, so a part that happens to miss
        a class still knows it exists.

        Parameters
        ----------
        indices : array_like of int, shape (k,), or of bool, shape (n_samples,)
            Row numbers (negative ones count from the end) or a mask.

        Returns
        -------
        Dataset
            ``k`` rows, copied (changing them leaves this dataset alone).

        Raises
        ------
        DataError
            If no row is chosen, an index is out of range, or the indices are
            neither whole numbers nor a mask of the right length.
        """
        chosen = np.asarray(indices)
        if chosen.dtype == np.bool_:
            if chosen.shape != (self.n_samples,):
                raise DataError(
                    f"a row mask needs one True/False per row ({self.n_samples}), "
                    f"got shape {chosen.shape}"
                )
            chosen = np.flatnonzero(chosen)
        elif chosen.size == 0:
            raise DataError("no rows chosen: a dataset needs at least one image")
        elif chosen.ndim != 1 or chosen.dtype.kind not in "iu":
            raise DataError(
                f"row indices must be a 1-D array of whole numbers, got dtype {chosen.dtype} "
                f"and shape {chosen.shape}"
            )
        else:
            outside = (chosen < -self.n_samples) | (chosen >= self.n_samples)
            if outside.any():
                raise DataError(
                    f"row index {chosen[outside][0]} is out of range for {self.n_samples} rows"
                )
        if chosen.size == 0:
            raise DataError("no rows chosen: a dataset needs at least one image")
        return Dataset(
            self._X[chosen],
            self._y[chosen],
            classes=self._classes,
            name=self._name,
            image_shape=self._image_shape,
            source=self._source,
        )

    def subset(self, classes: Iterable[Any] | Any) -> Dataset:
        """Only the images of the given classes, with their labels unchanged.

        The source's first classifier tells 0s from 1s; ``data.subset([0, 1])`` is
        that smaller problem. Labels keep their values (a 1 stays a 1), and the
        rows keep their order.

        Parameters
        ----------
        classes : label or iterable of labels
            The classes to keep, e.g. ``[0, 1]``.

        Returns
        -------
        Dataset
            The rows whose label is one of ``classes``; its ``classes`` are the kept
            ones, in this dataset's order.

        Raises
        ------
        DataError
            If a requested class is not one of this dataset's classes, none is
            requested, or no image has any of them.
        """
        if isinstance(classes, str | bytes) or not isinstance(classes, Iterable):
            classes = [classes]
        requested = [c.item() if isinstance(c, np.generic) else c for c in classes]
        if not requested:
            raise DataError("subset needs at least one class to keep")
        known = self._classes.tolist()
        unknown = [label for label in requested if label not in known]
        if unknown:
            raise DataError(
                f"unknown class {unknown[0]!r}: this dataset's classes are "
                f"{', '.join(repr(label) for label in known)}"
            )
        kept = [label for label in known if label in requested]
        kept_labels = np.asarray(kept, dtype=self._classes.dtype)
        mask = np.isin(self._y, kept_labels)
        if not mask.any():
            raise DataError(f"no image in this dataset is labelled {', '.join(map(str, kept))}")
        return Dataset(
            self._X[mask],
            self._y[mask],
            classes=kept_labels,
            name=self._name,
            image_shape=self._image_shape,
            source=self._source,
        )

    def split(
        self, test_fraction: float = 0.2, seed: int | np.random.Generator | None = 0
    ) -> tuple[Dataset, Dataset]:
        """Divide the data into a training part and a test part, class by class.

        A network is only as good as its score on images it has never seen, so some
        images are set aside before training and used only to measure. The split
        is *stratified*: each class gives the same share of its images to the test
        part, so the test part has the same mix of digits as the whole. Each class
        with ``count`` images gives ``round(count * test_fraction)`` of them (rounding
        halves up), but at least one and never all of them when it has two or more;
        a class with a single image keeps it for training.

        The split uses its own generator, ``numpy.random.default_rng(seed)``, never
        NumPy's global random state: the same seed gives the same split, every time,
        whatever else the program does with random numbers. Both parts come out
        shuffled (by the same generator), so their order says nothing about labels.

        Use it again on the training part to set aside validation images for
        choosing settings; the test part is for the final score only.

        Parameters
        ----------
        test_fraction : float
            The share of each class that goes to the test part, strictly between 0
            and 1.
        seed : int or numpy.random.Generator, optional
            Seed of the split's random generator (or the generator itself). None
            draws fresh randomness: a different split each time.

        Returns
        -------
        (train, test) : tuple of Dataset
            Disjoint, together holding every row once; both keep this dataset's
            ``classes``.

        Raises
        ------
        ConfigError
            If ``test_fraction`` is not a number strictly between 0 and 1, or the
            seed is not usable.
        DataError
            If the data is too small to split (no class has two images).
        """
        train_index, test_index = self.split_indices(test_fraction, seed)
        return self.take(train_index), self.take(test_index)

    def split_indices(
        self, test_fraction: float = 0.2, seed: int | np.random.Generator | None = 0
    ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """The row numbers :meth:`split` puts in its training and test parts.

        ``split`` is ``take`` of these. They say which images a model saw: a model
        trained on ``split(f, s)[0]`` learned from rows ``split_indices(f, s)[0]``,
        so a score on other rows can be checked for images it was trained on.

        Returns
        -------
        (train_index, test_index) : tuple of ndarray of intp
            Disjoint, together every row number once, in the order ``split`` uses.
            Parameters and errors are those of :meth:`split`.
        """
        fraction = _checked_fraction(test_fraction)
        generator = _generator_from(seed)
        _, class_of_row = np.unique(self._y, return_inverse=True)  # (n,)
        train_rows: list[NDArray[np.intp]] = []
        test_rows: list[NDArray[np.intp]] = []
        for class_number in range(int(class_of_row.max()) + 1):
            members = generator.permutation(np.flatnonzero(class_of_row == class_number))
            n_test = _test_count(len(members), fraction)
            test_rows.append(members[:n_test])
            train_rows.append(members[n_test:])
        train_index = generator.permutation(np.concatenate(train_rows))
        test_index = generator.permutation(np.concatenate(test_rows))
        if test_index.size == 0:
            raise DataError(
                f"cannot split {self.n_samples} images: every class has a single image, "
                "so none can be set aside for testing"
            )
        return train_index, test_index


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
    text = _read_text(file_path, "UCI optdigits")
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
    if not _WHOLE_NUMBER.fullmatch(text):
        shown = repr(text) if text else "an empty value"
        raise DataError(
            f"{file_path}, line {line_number}, column {column}: {what} {shown} "
            "is not a whole number"
        )
    value = int(text)
    if not 0 <= value <= highest:
        raise DataError(
            f"{file_path}, line {line_number}, column {column}: {what} {value} is out of "
            f"range 0..{highest}"
        )
    return value


# -- MNIST IDX files -----------------------------------------------------------------


def load_mnist(
    directory: PathLike | Sequence[PathLike] | None = None,
    *,
    images: PathLike | None = None,
    labels: PathLike | None = None,
) -> Dataset:
    """Read MNIST digits from IDX files, plain or gzip-compressed.

    MNIST stores its 28x28 greyscale digits in the IDX format: a 4-byte *magic
    number* saying what the file holds (0x00000803: unsigned bytes in 3 dimensions,
    the images; 0x00000801: unsigned bytes in 1 dimension, the labels), one 4-byte
    big-endian size per dimension, then the bytes themselves. Pixels are 0..255
    with 0 for the background and 255 for full ink, so dividing by 255 gives the
    same convention as the UCI digits: 0 is white, 1 is black.

    The header is checked against the file before the body is read, so a damaged
    file that claims a billion images is a clear error, never an attempt to fill
    the memory. Files are recognised as gzip by their content, whatever their name.

    Parameters
    ----------
    directory : str or path, or (images, labels) pair, optional
        A folder holding one images file (``*idx3-ubyte``, optionally ``.gz``) and
        one labels file (``*idx1-ubyte``); when it holds both a training and a test
        set the ``train-*`` files are used. A pair of paths means ``images, labels``.
    images, labels : str or path, optional
        The two files, given explicitly (instead of ``directory``).

    Returns
    -------
    Dataset
        X float64 (n, rows*cols) in [0, 1] (n, 784 for MNIST), y int64 (n,),
        images (n, rows, cols).

    Raises
    ------
    ConfigError
        If the files are not specified one way or the other.
    DataError
        Naming the file: no or ambiguous files in the folder, a bad magic number, a
        truncated or overlong file, a bad gzip stream, or image and label counts
        that differ.
    """
    images_path, labels_path = _mnist_paths(directory, images, labels)
    pixels = _read_idx(images_path, MNIST_IMAGES_MAGIC)  # (n, rows, cols) uint8
    digit_labels = _read_idx(labels_path, MNIST_LABELS_MAGIC)  # (n,) uint8
    n_images, rows, columns = pixels.shape
    if n_images == 0 or rows == 0 or columns == 0:
        raise DataError(f"{images_path}: the file holds no images (its shape is {pixels.shape})")
    if len(digit_labels) != n_images:
        raise DataError(
            f"{images_path} has {n_images} images but {labels_path} has "
            f"{len(digit_labels)} labels; they must match one to one"
        )
    return Dataset(
        pixels.reshape(n_images, rows * columns) / 255.0,  # (n, 784) float64
        digit_labels.astype(np.int64),
        name=f"MNIST ({images_path.name})",
        image_shape=(rows, columns),
        source=str(images_path),
    )


def _mnist_paths(
    directory: PathLike | Sequence[PathLike] | None,
    images: PathLike | None,
    labels: PathLike | None,
) -> tuple[Path, Path]:
    """Work out which two files to read from the ways load_mnist accepts them."""
    if directory is not None and (images is not None or labels is not None):
        raise ConfigError("give load_mnist either a directory or images= and labels=, not both")
    if isinstance(directory, Sequence) and not isinstance(directory, str | bytes):
        if len(directory) != 2:
            raise ConfigError("load_mnist takes a pair of paths: (images file, labels file)")
        images, labels = directory
        directory = None
    if directory is None:
        if images is None or labels is None:
            raise ConfigError("load_mnist needs a directory, or both images= and labels=")
        return Path(images), Path(labels)

    folder = Path(directory)
    if not folder.is_dir():
        raise DataError(
            f"{folder}: not a directory; pass a folder of MNIST files, "
            "or the files themselves as images= and labels="
        )
    files = sorted(entry for entry in folder.iterdir() if entry.is_file())
    images_file = _pick_idx_file(folder, [f for f in files if "idx3" in f.name], "images")
    labels_file = _pick_idx_file(folder, [f for f in files if "idx1" in f.name], "labels")
    return images_file, labels_file


def _pick_idx_file(folder: Path, candidates: list[Path], kind: str) -> Path:
    """Choose one IDX file among candidates: unpacked over .gz, then train-* over the rest."""
    pattern = "*idx3-ubyte[.gz]" if kind == "images" else "*idx1-ubyte[.gz]"
    if not candidates:
        raise DataError(f"{folder}: no MNIST {kind} file (looked for {pattern})")
    unpacked_names = {c.name for c in candidates if not c.name.endswith(".gz")}
    candidates = [
        c for c in candidates if not (c.name.endswith(".gz") and c.name[:-3] in unpacked_names)
    ]
    if len(candidates) > 1:
        training = [c for c in candidates if c.name.startswith("train")]
        if len(training) == 1:
            return training[0]
        names = ", ".join(c.name for c in candidates)
        raise DataError(
            f"{folder}: more than one MNIST {kind} file ({names}); "
            "pass the ones you mean as images= and labels="
        )
    return candidates[0]


def _read_idx(path: Path, expected_magic: int) -> NDArray[np.uint8]:
    """Read one IDX file of unsigned bytes, checking the header before the body."""
    kind = "images" if expected_magic == MNIST_IMAGES_MAGIC else "labels"
    try:
        with open(path, "rb") as raw_file:
            is_gzip = raw_file.read(2) == b"\x1f\x8b"
            raw_file.seek(0)
            if is_gzip:
                with gzip.GzipFile(fileobj=raw_file, mode="rb") as stream:
                    return _read_idx_stream(path, stream, expected_magic, kind, None)
            file_size = os.fstat(raw_file.fileno()).st_size
            return _read_idx_stream(path, raw_file, expected_magic, kind, file_size)
    except FileNotFoundError as error:
        raise DataError(f"{path}: no such file (expected an MNIST {kind} file)") from error
    except IsADirectoryError as error:
        raise DataError(f"{path}: is a directory, expected an MNIST {kind} file") from error
    except EOFError as error:
        raise DataError(
            f"{path}: the gzip stream is truncated (the file ends early): {error}"
        ) from error
    except (OSError, zlib.error) as error:
        raise DataError(f"{path}: cannot read the MNIST {kind} file ({error})") from error


def _read_idx_stream(
    path: Path, stream: BinaryIO, expected_magic: int, kind: str, file_size: int | None
) -> NDArray[np.uint8]:
    """Parse header and body from an open stream; ``file_size`` is known for plain files."""
    magic_bytes = _read_at_most(stream, 4)
    if len(magic_bytes) < 4:
        raise DataError(
            f"{path}: the file is too short to be an IDX file "
            f"({len(magic_bytes)} bytes; the header alone needs more)"
        )
    magic = int.from_bytes(magic_bytes, "big")
    if magic != expected_magic:
        hint = ""
        if {magic, expected_magic} == {MNIST_IMAGES_MAGIC, MNIST_LABELS_MAGIC}:
            hint = (
                " (this looks like a labels file)"
                if kind == "images"
                else (" (this looks like an images file)")
            )
        raise DataError(
            f"{path}: bad magic number 0x{magic:08X}, expected 0x{expected_magic:08X} for an "
            f"MNIST {kind} file{hint}"
        )
    n_dimensions = expected_magic & 0xFF
    header_size = 4 + 4 * n_dimensions
    size_bytes = _read_at_most(stream, 4 * n_dimensions)
    if len(size_bytes) < 4 * n_dimensions:
        raise DataError(f"{path}: truncated IDX header (the file ends inside the sizes)")
    shape = struct.unpack(f">{n_dimensions}I", size_bytes)
    body_size = math.prod(shape)
    if body_size > MAX_IDX_BYTES:
        raise DataError(
            f"{path}: the header claims {shape} = {body_size} bytes of {kind}, more than the "
            f"{MAX_IDX_BYTES} glassnet reads; the file is damaged or not MNIST"
        )
    if file_size is not None and file_size - header_size != body_size:
        _raise_size_mismatch(path, shape, body_size, file_size - header_size)
    body = _read_at_most(stream, body_size)
    if len(body) != body_size:
        _raise_size_mismatch(path, shape, body_size, len(body))
    if stream.read(1):
        _raise_size_mismatch(path, shape, body_size, None)
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _raise_size_mismatch(
    path: Path, shape: tuple[int, ...], expected: int, actual: int | None
) -> None:
    """Raise the DataError for a body that is shorter or longer than its header says."""
    if actual is not None and actual < expected:
        raise DataError(
            f"{path}: the file is truncated: its header promises {shape[0]} items "
            f"({expected} bytes) but only {actual} bytes follow"
        )
    extra = "more" if actual is None else f"{actual}"
    raise DataError(
        f"{path}: the file is longer than its header says: {expected} bytes expected, "
        f"{extra} bytes found"
    )


def _read_at_most(stream: BinaryIO, size: int) -> bytearray:
    """Read up to ``size`` bytes in chunks, so memory grows only with data really present."""
    buffer = bytearray()
    while len(buffer) < size:
        chunk = stream.read(min(_READ_CHUNK_BYTES, size - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return buffer


# -- CSV files -----------------------------------------------------------------------


def load_csv(
    path: PathLike,
    label_column: int | str = -1,
    has_header: bool | None = None,
    scale: float | None = None,
    *,
    delimiter: str = ",",
    image_shape: Sequence[int] | str | None = "auto",
) -> Dataset:
    """Read a CSV file: one image per row, its numbers plus one label column.

    The most portable way to hand data to glassnet: every row holds the image's
    numbers and, in one column (the last by default), its label. Labels that are
    all whole numbers become integers; any other labels ("cat", "7a") are kept as
    strings. Blank lines are skipped.

    The numbers are used as they are unless ``scale`` is given: the network expects
    values around 0..1, so for UCI counts 0..16 pass ``scale=1/16`` and for 0..255
    pixels ``scale=1/255``.

    A CSV does not say whether its rows are pictures or just tables of numbers, so
    by default glassnet guesses (see :func:`guess_image_shape`): a square number of
    features of 64 or more (64, 784) is a square picture (8x8, 28x28); anything
    else, 16 or 49 columns too, is a table, which is never drawn or pixel-shifted.
    ``image_shape`` says it instead of the guess.

    Parameters
    ----------
    path : str or path
        The file (UTF-8, a byte-order mark is allowed).
    label_column : int or str
        The label's column: an index (negative counts from the end) or, when the file
        has a header, a column name.
    has_header : bool, optional
        Whether the first row names the columns. None guesses: the first row is a
        header when none of its feature cells is a number (column names), or when
        they all are but its label is not while all the other labels are. A first row
        with some numbers and some words is data with a typo: an error naming line 1
        and the column, rather than a row silently dropped as a header.
    scale : float, optional
        A positive number every feature is multiplied by (None: no scaling).
    delimiter : str
        The character between values.
    image_shape : "auto", (int, int) or None
        Whether the rows are pictures: "auto" guesses as above, ``(height, width)``
        says they are (``height * width`` must be the number of features), None
        says they are not.

    Returns
    -------
    Dataset
        X float64 (n, n_features), y int64 or str (n,), ``image_shape`` as chosen.

    Raises
    ------
    ConfigError
        If ``label_column`` does not name a column, ``scale`` is not a positive number,
        or ``image_shape`` is not "auto", None or two positive whole numbers that
        multiply to the number of features.
    DataError
        Naming the file and line: a row with a different number of columns, a value
        that is not a number, NaN or infinity, an empty label, an unreadable or
        empty file.
    """
    file_path = Path(path)
    scale_factor = _checked_scale(scale)
    declared_shape = _checked_image_shape_choice(image_shape)
    table = _read_csv_table(file_path, delimiter, label_column, has_header)
    labels = _parse_csv_labels(file_path, table.labels, table.line_numbers, table.label_index)
    features = table.features  # (n, n_features)
    if scale_factor is not None:
        features *= scale_factor
    n_features = features.shape[1]
    if declared_shape == "auto":
        shape = guess_image_shape(n_features)
    else:
        shape = declared_shape
        if shape is not None and shape[0] * shape[1] != n_features:
            raise ConfigError(
                f"image_shape={shape} is {shape[0] * shape[1]} pixels, but the rows of "
                f"{file_path} have {n_features} features"
            )
    return Dataset(
        features,
        labels,
        name=f"CSV ({file_path.name})",
        image_shape=shape,
        source=str(file_path),
    )


def guess_image_shape(n_features: int) -> tuple[int, int] | None:
    """The square picture ``n_features`` numbers probably are, or None if probably none.

    Only a square side of at least :data:`MIN_GUESSED_PICTURE_SIDE` (8) counts:
    64 -> (8, 8), 784 -> (28, 28); 16, 49 or 65 -> None.

    Examples
    --------
    >>> guess_image_shape(784), guess_image_shape(49)
    ((28, 28), None)
    """
    side = math.isqrt(n_features)
    if side >= MIN_GUESSED_PICTURE_SIDE and side * side == n_features:
        return side, side
    return None


#: A number further than this from zero is far outside the 0..1 a network expects.
FAR_FROM_UNIT = 3.0
#: :func:`scale_advice` speaks up when more than this share of the numbers are that far.
FAR_SHARE = 0.05
#: The usual ranges of raw data: UCI ink counts, 8-bit and 16-bit pixels.
_USUAL_MAXIMUMS = (UCI_MAX_COUNT, 255, 65535)


def scale_advice(data: Dataset, spec: str | None = None) -> str | None:
    """Why and how to scale ``data``'s numbers if they look unscaled, else None.

    A network starts with small random weights sized for inputs around 0..1 (the
    digits are ink counts divided by 16). Raw counts 0..16 or pixels 0..255 make the
    first weighted sums tens or hundreds of times too big: sigmoids and softmax
    saturate, ReLUs die, and training can end at chance without any error. A CSV
    does not say its range, so this looks: when more than :data:`FAR_SHARE` of the
    numbers lie beyond +-:data:`FAR_FROM_UNIT`, it says so and suggests dividing the
    numbers as read by the usual maximum (16, 255 or 65535) they fit under.

    Parameters
    ----------
    data : Dataset
    spec : str, optional
        The ``KIND:PATH`` it was loaded from: for a CSV the advice is the whole
        ``--data csv/N:PATH`` to use (taking account of a divisor already given).

    Examples
    --------
    >>> scale_advice(Dataset([[0, 16], [4, 12]], [0, 1])) is None
    False
    >>> scale_advice(Dataset([[0.0, 1.0], [0.25, 0.75]], [0, 1])) is None
    True
    """
    X = data.X  # (n, n_features); no copies of it are made: MNIST's is 376 MB
    largest = max(float(X.max()), -float(X.min()))
    if largest <= FAR_FROM_UNIT:  # the usual case, answered with two passes
        return None
    far = (np.count_nonzero(X > FAR_FROM_UNIT) + np.count_nonzero(X < -FAR_FROM_UNIT)) / X.size
    if far <= FAR_SHARE:
        return None
    kind, given, location = parse_dataset_spec(spec) if spec else ("", None, "")
    raw_largest = largest * (given or 1.0)  # the largest number in the file itself
    divisor = next((m for m in _USUAL_MAXIMUMS if raw_largest <= m), math.ceil(raw_largest))
    if kind == "csv" and location.strip():
        suggestion = shlex.quote(f"csv/{divisor}:{location.strip()}")
        how = f"--data {suggestion} (load_csv(path, scale=1/{divisor}))"
    else:
        how = f"X / {divisor}"
    return (
        f"{far:.0%} of the numbers in {data.name or spec or 'the data'} lie beyond "
        f"+-{FAR_FROM_UNIT:g} (the largest is {largest:g}); a network learns from numbers "
        f"around 0..1 and may learn nothing from these: divide them, e.g. {how}"
    )


def _checked_image_shape_choice(image_shape: Any) -> tuple[int, int] | str | None:
    """``load_csv``'s image_shape argument, checked: "auto", None or (height, width)."""
    if image_shape is None or (isinstance(image_shape, str) and image_shape == "auto"):
        return image_shape
    problem = ConfigError(
        f"image_shape must be 'auto', None (the rows are not pictures) or (height, width), "
        f"got {image_shape!r}"
    )
    if isinstance(image_shape, str | bool) or not isinstance(image_shape, Sequence | np.ndarray):
        raise problem
    if len(image_shape) != 2 or any(isinstance(size, bool) for size in image_shape):
        raise problem
    try:
        height, width = (operator.index(size) for size in image_shape)
    except TypeError:
        raise problem from None
    if height < 1 or width < 1:
        raise problem
    return height, width


def _label_index(label_column: int | str, n_columns: int, has_header: bool | None) -> int | None:
    """The label's column index, or None when it is a name to look up in the header."""
    if isinstance(label_column, str):
        if has_header is False:
            raise ConfigError(
                f"label_column={label_column!r} is a column name, but has_header=False"
            )
        return None
    try:
        index = operator.index(label_column)
    except TypeError:
        raise ConfigError(
            f"label_column must be a column number or name, got {label_column!r}"
        ) from None
    if not -n_columns <= index < n_columns:
        raise ConfigError(f"label_column={index} is out of range for {n_columns} columns")
    return index % n_columns


def _label_index_by_name(label_column: Any, header: list[str] | None, file_path: Path) -> int:
    """Find a named label column in the header."""
    if header is None:
        raise ConfigError(
            f"label_column={label_column!r} is a column name, but {file_path} has no header"
        )
    names = [cell.strip() for cell in header]
    if label_column not in names:
        raise ConfigError(
            f"{file_path} has no column named {label_column!r}; its columns are {', '.join(names)}"
        )
    return names.index(label_column)


def _is_number(cell: str) -> bool:
    """True for a number written the plain way files write them (``plain_number``)."""
    try:
        plain_number(cell)
    except ValueError:
        return False
    return True


def plain_number(text: str) -> float:
    """``text`` as a float, when it is a number as data files and command lines write one.

    Raises
    ------
    ValueError
        If it is not, including what Python's ``float`` would accept but nobody means
        as a number (see ``_plain_text``).
    """
    if not _plain_text(text):
        raise ValueError(f"not a plain number: {text!r}")
    return float(text)


def _plain_text(text: str) -> bool:
    """True unless ``text`` holds what Python's ``float`` reads but no data file means.

    ``float`` accepts ``1_000`` (a Python literal), fullwidth ``１`` and Arabic-Indic
    ``١٢`` digits. In a data file those are typos or foreign text, never numbers: a
    number is ASCII, without underscores. The one check for every number glassnet
    reads from text (CSV cells, the divisor of a --data spec, predict's numbers).
    """
    return text.isascii() and "_" not in text


def _looks_like_header(first: list[str], label_index: int,
                       other_labels_are_numbers: bool) -> bool:
    """Guess whether the first row names the columns (see load_csv for the rule)."""
    feature_cells = [cell for i, cell in enumerate(first) if i != label_index]
    numbers = sum(_is_number(cell) for cell in feature_cells)
    if numbers == 0:
        return True  # column names
    if numbers < len(feature_cells):
        return False  # data with a typo: an error naming line 1, not a row silently dropped
    return not _is_number(first[label_index]) and other_labels_are_numbers


def _parse_csv_labels(
    file_path: Path, texts: list[str], line_numbers: NDArray[np.int64], label_index: int
) -> NDArray[Any]:
    """The label column as int64 when every label is a whole number, else as strings."""
    for text, line_number in zip(texts, line_numbers, strict=True):
        if not text:
            raise DataError(
                f"{file_path}, line {line_number}, column {label_index + 1}: the label is empty"
            )
    if all(_WHOLE_NUMBER.fullmatch(text) for text in texts):
        try:
            return np.array([int(text) for text in texts], dtype=np.int64)
        except (OverflowError, ValueError):
            pass  # too large for int64 (or for int(): 4300 digits): keep them as text
    return np.array(texts, dtype=str)


@dataclass
class _CsvTable:
    """What ``_read_csv_table`` read: features (n, f), label texts and their lines."""

    features: NDArray[np.float64]
    labels: list[str]
    line_numbers: NDArray[np.int64]
    label_index: int


def _read_csv_table(file_path: Path, delimiter: str, label_column: int | str,
                    has_header: bool | None) -> _CsvTable:
    """Stream a CSV file into one preallocated float64 table, one row at a time.

    Memory is the table itself (8 bytes a number, so at most 4 times a file of
    one-digit numbers and commas) and the labels, never the text of the whole file
    or lists of its cells: a first pass counts the lines (an upper bound on the rows)
    so the table is made once, and the C tokenizer of ``csv`` hands over one row at a
    time, which NumPy converts in C. Every value is checked on its row, so an error
    names the line and the column.
    """
    _check_text_file(file_path, "CSV")
    try:
        max_rows = _count_lines(file_path)
        with file_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            rows = (row for row in reader if not all(not cell.strip() for cell in row))
            first = next(rows, None)
            if first is None:
                raise DataError(f"{file_path}: the file is empty (no rows in it)")
            first_line = reader.line_num
            n_columns = len(first)
            if n_columns < 2:
                raise DataError(
                    f"{file_path}, line {first_line}: found 1 column; a CSV dataset needs the "
                    f"features and a label column (is the delimiter {delimiter!r} right?)"
                )
            label_index = _label_index(label_column, n_columns, has_header)
            header_named = label_index is None
            if header_named:  # a column name: only possible with a header
                label_index = _label_index_by_name(label_column, first, file_path)
            features = np.empty((max_rows, n_columns - 1), dtype=np.float64)
            labels: list[str] = []
            line_numbers = np.empty(max_rows, dtype=np.int64)
            # Row 0 is kept for the first row, which may turn out to be a header.
            other_labels_are_numbers, count = True, 1
            for row in rows:
                _store_csv_row(file_path, row, reader.line_num, n_columns, label_index,
                               features, count)
                labels.append(row[label_index].strip())
                line_numbers[count] = reader.line_num
                other_labels_are_numbers = other_labels_are_numbers and _is_number(labels[-1])
                count += 1
    except csv.Error as error:
        raise DataError(f"{file_path}, line {reader.line_num}: {error}") from error
    except UnicodeDecodeError as error:
        raise DataError(f"{file_path}, line {reader.line_num + 1}: not a text file (a byte is "
                        "not UTF-8); expected a CSV file") from error
    except OSError as error:
        raise DataError(f"{file_path}: cannot read the file ({error.strerror or error})") from error
    if has_header is None:
        has_header = header_named or _looks_like_header(first, label_index,
                                                        count > 1 and other_labels_are_numbers)
    if has_header:
        if count == 1:
            raise DataError(f"{file_path}: the file has a header but no data rows")
        start = 1
    else:
        _store_csv_row(file_path, first, first_line, n_columns, label_index, features, 0)
        labels.insert(0, first[label_index].strip())
        line_numbers[0] = first_line
        start = 0
    return _CsvTable(features[start:count], labels, line_numbers[start:count], label_index)


def _count_lines(path: Path) -> int:
    """How many lines ``path`` has at most (its newlines + 1), read in 1 MiB pieces."""
    lines = 1
    with path.open("rb") as stream:
        while piece := stream.read(1 << 20):
            lines += piece.count(b"\n")
    return lines


def _store_csv_row(file_path: Path, row: list[str], line_number: int, n_columns: int,
                   label_index: int, features: NDArray[np.float64], at: int) -> None:
    """Check one CSV row and write its features into ``features[at]``."""
    if len(row) != n_columns:
        raise DataError(
            f"{file_path}, line {line_number}: expected {n_columns} columns "
            f"(like the first row), found {len(row)}"
        )
    cells = row[:label_index] + row[label_index + 1:]
    try:
        if not _plain_text("".join(cells)):
            raise ValueError("a cell that float() reads but a data file does not mean")
        features[at] = np.array(cells, dtype=np.float64)
    except ValueError:
        for feature_number, cell in enumerate(cells):
            if not _is_number(cell):
                column = feature_number + (feature_number >= label_index) + 1
                shown = repr(cell.strip()) if cell.strip() else "an empty value"
                raise DataError(
                    f"{file_path}, line {line_number}, column {column}: {shown} is not a number"
                ) from None
        raise  # pragma: no cover - every cell reads alone, so the row does too
    if not np.isfinite(features[at]).all():
        feature_number = int(np.flatnonzero(~np.isfinite(features[at]))[0])
        column = feature_number + (feature_number >= label_index) + 1
        raise DataError(
            f"{file_path}, line {line_number}, column {column}: "
            f"{row[column - 1].strip()!r} is not a finite number"
        )


# -- folders of pictures -------------------------------------------------------------


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
    numeric_labels = all(_WHOLE_NUMBER.fullmatch(entry.name) for entry in label_folders)
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


# -- choosing data from the command line ---------------------------------------------


def load_dataset(spec: str) -> Dataset:
    """Load a dataset from a short text description, as the command line gives it.

    ``"digits"`` is the built-in data; the others are ``KIND:PATH``:
    ``"optdigits:optdigits.tes"``, ``"mnist:data/mnist"``, ``"csv:my_digits.csv"``,
    ``"images:my_drawings"``. Only the first colon separates kind and path, so
    paths may contain colons.

    A network learns best from numbers around 0..1, and a CSV says nothing about
    its range, so ``"csv/N:PATH"`` divides every number by N as it is read:
    ``"csv/16:counts.csv"`` for UCI ink counts 0..16, ``"csv/255:pixels.csv"`` for
    0..255 greyscale. The divisor is part of the name, so a run recorded with it
    loads the same numbers again.

    Parameters
    ----------
    spec : str
        The description. Valid kinds are the keys of :data:`DATASET_KINDS`.

    Returns
    -------
    Dataset

    Raises
    ------
    ConfigError
        If the kind is unknown (the message lists the valid kinds) or the path is
        missing (or given to "digits").
    DataError
        Whatever the chosen loader raises about the data itself.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigError(
            f"a dataset is named by a text like 'digits' or 'csv:PATH', got {spec!r}; "
            f"valid kinds: {', '.join(DATASET_KINDS)}"
        )
    kind, divisor, location = parse_dataset_spec(spec)
    if kind == "digits":
        if location.strip():
            raise ConfigError("the built-in 'digits' dataset takes no path")
        return load_digits()
    if not location.strip():
        raise ConfigError(f"dataset kind {kind!r} needs a path: {DATASET_KINDS[kind]}")
    if divisor is not None:  # only csv takes one (parse_dataset_spec checks)
        return load_csv(location, scale=1.0 / divisor)
    loaders = {
        "optdigits": load_optdigits,
        "mnist": load_mnist,
        "csv": load_csv,
        "images": load_image_folder,
    }
    return loaders[kind](location)


# -- checking what comes in ----------------------------------------------------------


def _as_feature_matrix(X: ArrayLike) -> NDArray[np.floating[Any]]:
    """X as a C-ordered 2-D float array of finite numbers (copied only to convert)."""
    try:
        features = np.asarray(X)
    except ValueError as error:  # ragged nested lists
        raise DataError(f"X must be a table of numbers, one row per image ({error})") from error
    if features.dtype.kind == "O":
        try:
            features = features.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise DataError(f"X must hold numbers, but some values are not ({error})") from error
    if features.dtype.kind not in "biuf":
        raise DataError(f"X must hold real numbers, got dtype {features.dtype}")
    if features.ndim != 2:
        raise DataError(
            f"X must be 2-D, (n_samples, n_features), got shape {features.shape}; "
            "a single image is one row: X.reshape(1, -1)"
        )
    if features.shape[0] == 0:
        raise DataError("the dataset is empty: X has no rows")
    if features.shape[1] == 0:
        raise DataError("X has no features: every image needs at least one number")
    if features.dtype not in (np.float32, np.float64):
        features = features.astype(np.float64)
    features = np.ascontiguousarray(features)

    # In slices of rows, so that checking a large table costs a slice, not a second table.
    rows_at_once = max(1, _NUMBERS_CHECKED_AT_ONCE // features.shape[1])
    for start in range(0, features.shape[0], rows_at_once):
        not_finite = ~np.isfinite(features[start:start + rows_at_once])
        if not_finite.any():
            n_bad = int(np.count_nonzero(~np.isfinite(features)))
            row, column = (int(i) for i in np.argwhere(not_finite)[0])
            row += start
            raise DataError(
                f"X has {n_bad} value{'s' if n_bad != 1 else ''} that are NaN or infinite; "
                f"the first is {features[row, column]} at row {row}, column {column}"
            )
    return features


#: How many numbers are checked for NaN and infinity at a time (``_as_feature_matrix``).
_NUMBERS_CHECKED_AT_ONCE = 1 << 16


def _as_labels(y: ArrayLike, n_samples: int) -> NDArray[Any]:
    """y as a 1-D array of n_samples usable labels (integers become int64)."""
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise DataError(f"y must be 1-D, one label per image, got shape {labels.shape}")
    if len(labels) != n_samples:
        raise DataError(f"X has {n_samples} rows but y has {len(labels)} labels; they must match")
    if labels.dtype.kind == "O":
        values = labels.tolist()
        if all(isinstance(value, str) for value in values):
            labels = np.array(values, dtype=str)
        elif all(isinstance(value, int | np.integer) for value in values):
            labels = np.array(values, dtype=np.int64)
        else:
            raise DataError("labels must all be whole numbers or all be strings")
    elif labels.dtype.kind == "S":
        labels = labels.astype(str)
    if labels.dtype.kind in "iu" and labels.dtype != np.int64:
        labels = labels.astype(np.int64)
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
        raise DataError("labels must not be NaN or infinite")
    if labels.dtype.kind not in "biufU":
        raise DataError(f"labels must be numbers or strings, got dtype {labels.dtype}")
    return labels


def _as_classes(classes: ArrayLike | None, labels: NDArray[Any]) -> NDArray[Any]:
    """The dataset's classes: given (checked to cover every label) or the sorted labels."""
    if classes is None:
        return np.unique(labels)
    known = np.asarray(classes)
    if known.ndim != 1 or known.size == 0:
        raise DataError(f"classes must be a non-empty 1-D list of labels, got {known!r}")
    if len(np.unique(known)) != len(known):
        raise DataError(f"classes must not repeat a label, got {known.tolist()}")
    missing = ~np.isin(labels, known)
    if missing.any():
        raise DataError(f"label {labels[missing][0]!r} is not one of the classes {known.tolist()}")
    return known.copy()


def _resolve_image_shape(
    features: NDArray[Any], images: ArrayLike | None, image_shape: Sequence[int] | None
) -> tuple[int, ...] | None:
    """Check the picture shape fits the rows (and any given images match X)."""
    n_samples, n_features = features.shape
    if images is not None:
        pictures = np.asarray(images)
        if pictures.ndim < 2 or pictures.shape[0] != n_samples:
            raise DataError(
                f"images must be (n_samples, height, width) with {n_samples} images, "
                f"got shape {pictures.shape}"
            )
        if image_shape is not None and tuple(image_shape) != pictures.shape[1:]:
            raise DataError(
                f"image_shape {tuple(image_shape)} disagrees with the images' shape "
                f"{pictures.shape[1:]}"
            )
        image_shape = pictures.shape[1:]
        if math.prod(image_shape) == n_features and not np.array_equal(
            pictures.reshape(n_samples, n_features), features
        ):
            raise DataError("images must hold the same numbers as X")
    if image_shape is None:
        return None
    try:
        shape = tuple(operator.index(size) for size in image_shape)
    except TypeError:
        raise DataError(f"image_shape must be whole numbers, got {image_shape!r}") from None
    if not shape or min(shape) < 1 or math.prod(shape) != n_features:
        raise DataError(f"image_shape {shape} does not fit {n_features} features per image")
    return shape


def _checked_index(index: int, n_samples: int) -> int:
    try:
        position = operator.index(index)
    except TypeError:
        raise ConfigError(f"an image index is a whole number, got {index!r}") from None
    if not -n_samples <= position < n_samples:
        raise ConfigError(
            f"image {position} does not exist: there are {n_samples} images (0 to {n_samples - 1})"
        )
    return position


def _checked_fraction(test_fraction: float) -> float:
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, int | float | np.number):
        raise ConfigError(f"test_fraction must be a number between 0 and 1, got {test_fraction!r}")
    fraction = float(test_fraction)
    if not 0.0 < fraction < 1.0:  # also rejects NaN
        raise ConfigError(f"test_fraction must be strictly between 0 and 1, got {test_fraction!r}")
    return fraction


def parse_dataset_spec(spec: str) -> tuple[str, float | None, str]:
    """``"csv/255:my data.csv"`` -> ``("csv", 255.0, "my data.csv")``: kind, divisor, path.

    The kind is lower-cased; the divisor is None unless ``/N`` was given (only csv
    takes one); the path is everything after the first colon, as written ("" if
    none). Checks the kind and the divisor, not the path.

    Raises
    ------
    ConfigError
        If the kind is unknown, or the divisor is not a positive number or is given
        to a kind other than csv.
    """
    head, _, location = spec.strip().partition(":")
    kind, has_divisor, divisor_text = head.strip().lower().partition("/")
    kind = kind.strip()
    if kind not in DATASET_KINDS:
        raise ConfigError(
            f"unknown dataset kind {head.strip()!r} in {spec!r}; valid kinds: "
            + "; ".join(f"{name} ({text})" for name, text in DATASET_KINDS.items())
        )
    if not has_divisor:
        return kind, None, location
    if kind != "csv":
        raise ConfigError(
            f"only csv data can be divided as it is read (csv/N:PATH); {kind!r} data "
            f"comes scaled to 0..1 already, got {spec!r}"
        )
    try:
        divisor = float(divisor_text) if _plain_text(divisor_text) else math.nan
    except ValueError:
        divisor = math.nan
    if not (math.isfinite(divisor) and divisor > 0 and math.isfinite(1.0 / divisor)):
        raise ConfigError(
            f"csv/N:PATH divides every number by N, a positive number such as 16 or 255; "
            f"got {divisor_text.strip()!r} in {spec!r}"
        )
    return kind, divisor, location


def _checked_scale(scale: float | None) -> float | None:
    if scale is None:
        return None
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.number):
        raise ConfigError(f"scale must be a positive number, got {scale!r}")
    factor = float(scale)
    if not (math.isfinite(factor) and factor > 0):
        raise ConfigError(f"scale must be a positive number, got {scale!r}")
    return factor


def _generator_from(seed: int | np.random.Generator | None) -> np.random.Generator:
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"unusable seed {seed!r}: {error}") from error


def _test_count(class_size: int, fraction: float) -> int:
    """How many of a class's images go to the test part (see Dataset.split)."""
    if class_size < 2:
        return 0
    rounded = math.floor(class_size * fraction + 0.5)
    return min(max(rounded, 1), class_size - 1)


def _check_text_file(path: Path, kind: str) -> int:
    """The size of a text file glassnet may read, or a DataError saying why not.

    Only regular files are read (a device such as /dev/zero or a pipe would never
    end), and at most ``MAX_TEXT_BYTES``, checked before reading.
    """
    try:
        info = path.stat()
    except FileNotFoundError as error:
        raise DataError(f"{path}: no such file (expected a {kind} file)") from error
    except OSError as error:
        raise DataError(f"{path}: cannot read the file ({error.strerror or error})") from error
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"{path}: is a directory, expected a {kind} file")
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{path}: not a regular file, expected a {kind} file")
    if info.st_size > MAX_TEXT_BYTES:
        raise DataError(
            f"{path}: {info.st_size} bytes is more than the {MAX_TEXT_BYTES} glassnet "
            f"reads from a {kind} file"
        )
    return info.st_size


def _read_text(path: Path, kind: str) -> str:
    """Read a whole text file, turning every reading problem into a DataError.

    Only regular files are read, and at most ``MAX_TEXT_BYTES`` (``_check_text_file``).
    """
    _check_text_file(path, kind)
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_TEXT_BYTES + 1)
        if len(raw) > MAX_TEXT_BYTES:
            raise DataError(f"{path}: the file grew past {MAX_TEXT_BYTES} bytes while read")
    except FileNotFoundError as error:
        raise DataError(f"{path}: no such file (expected a {kind} file)") from error
    except OSError as error:
        raise DataError(f"{path}: cannot read the file ({error.strerror or error})") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_number = raw.count(b"\n", 0, error.start) + 1
        raise DataError(
            f"{path}, line {line_number}: not a text file (byte {error.start} is not UTF-8); "
            f"expected a {kind} file"
        ) from error


__all__ = [
    "DATASET_KINDS",
    "DIGITS_IMAGE_SHAPE",
    "FAR_FROM_UNIT",
    "FAR_SHARE",
    "IMAGE_SUFFIXES",
    "MAX_IDX_BYTES",
    "MAX_TEXT_BYTES",
    "MIN_GUESSED_PICTURE_SIDE",
    "MNIST_IMAGES_MAGIC",
    "MNIST_LABELS_MAGIC",
    "UCI_MAX_COUNT",
    "Dataset",
    "plain_number",
    "guess_image_shape",
    "load_csv",
    "load_dataset",
    "load_digits",
    "load_image_folder",
    "load_mnist",
    "load_optdigits",
    "parse_dataset_spec",
    "scale_advice",
]
