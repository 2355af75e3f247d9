"""The Dataset: images as numbers, with their labels, and the stratified split.

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

Every source of images (the modules beside this one: ``digits``, ``mnist``,
``csv``, ``images``) reads its files and hands the numbers to ``Dataset``, whose
constructor checks them once for all of them.

Honest testing needs images the network has never seen, so :meth:`Dataset.split`
divides a dataset into a training part and a test part, keeping every digit's share
the same in both (a *stratified* split) and using its own seeded random generator,
so the same seed always gives the same split.
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..core.checks import LABEL_INT_HIGH, LABEL_INT_LOW, generator, not_numbers
from ..errors import ConfigError, DataError, plural, shown

PathLike = str | os.PathLike[str]
"""A file or folder name: a ``str`` or a ``pathlib.Path`` (anything ``os.fspath`` takes)."""

MIN_GUESSED_PICTURE_SIDE = 8
"""The smallest square side :func:`guess_image_shape` takes rows for pictures at.

64 numbers and up (8x8 digits, 28x28 MNIST) are pictures; a table with 4, 9 or 49
columns is far more likely just a table, and drawing it as a 2x2 or 7x7 picture, or
shifting its "pixels", would mislead.
"""


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
        listed = ", ".join(str(label) for label in self._classes.tolist()[:12])
        if len(self._classes) > 12:
            listed += ", ..."
        return (
            f"Dataset(name={self._name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, classes=[{listed}])"
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

        The article's first classifier tells 0s from 1s; ``data.subset([0, 1])`` is
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
        if isinstance(classes, np.ndarray) and classes.ndim == 0:
            classes = classes.item()  # np.array(5) is one label, though arrays iterate
        if isinstance(classes, str | bytes) or not isinstance(classes, Iterable):
            classes = [classes]
        requested = [c.item() if isinstance(c, np.generic) else c for c in classes]
        if not requested:
            raise DataError("subset needs at least one class to keep")
        known = self._classes.tolist()
        unknown = [label for label in requested if label not in known]
        if unknown:
            raise DataError(
                f"unknown class {shown(unknown[0])}: this dataset's classes are "
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
        rng = generator(seed)
        _, class_of_row = np.unique(self._y, return_inverse=True)  # (n,)
        train_rows: list[NDArray[np.intp]] = []
        test_rows: list[NDArray[np.intp]] = []
        for class_number in range(int(class_of_row.max()) + 1):
            members = rng.permutation(np.flatnonzero(class_of_row == class_number))
            n_test = _test_count(len(members), fraction)
            test_rows.append(members[:n_test])
            train_rows.append(members[n_test:])
        train_index = rng.permutation(np.concatenate(train_rows))
        test_index = rng.permutation(np.concatenate(test_rows))
        if test_index.size == 0:
            raise DataError(
                f"cannot split {plural(self.n_samples, 'image')}: every class has a single image, "
                "so none can be set aside for testing"
            )
        return train_index, test_index


# -- are the rows pictures? ---------------------------------------------------------


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
        except OverflowError as error:  # an int beyond any float, such as 10**400
            raise not_numbers("X", error) from None
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


_BEYOND_INT64 = ("whole-number labels must lie between -2**63 and 2**63 - 1 (the model "
                 "file's too); give larger ones as text")


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
            if not all(LABEL_INT_LOW <= value <= LABEL_INT_HIGH for value in values):
                raise DataError(_BEYOND_INT64)
            labels = np.array(values, dtype=np.int64)
        else:
            raise DataError("labels must all be whole numbers or all be strings")
    elif labels.dtype.kind == "S":
        labels = labels.astype(str)
    if labels.dtype.kind == "u" and labels.size and labels.max() > LABEL_INT_HIGH:
        raise DataError(_BEYOND_INT64)  # as int64 they would silently turn negative
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
        raise DataError(f"classes must be a non-empty 1-D list of labels, got {shown(known)}")
    if len(np.unique(known)) != len(known):
        raise DataError(f"classes must not repeat a label, got {known.tolist()}")
    missing = ~np.isin(labels, known)
    if missing.any():
        raise DataError(f"label {shown(labels[missing][0])} is not one of the classes "
                        f"{shown(known.tolist())}")
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
        raise DataError(f"image_shape must be whole numbers, got {shown(image_shape)}") from None
    if len(shape) != 2:  # every picture window draws rows and columns
        raise DataError(f"image_shape is (height, width), two whole numbers, got {shown(shape)}")
    if min(shape) < 1 or math.prod(shape) != n_features:
        raise DataError(f"image_shape {shown(shape)} does not fit {n_features} features per "
                        "image")
    return shape


def _checked_index(index: int, n_samples: int) -> int:
    try:
        position = operator.index(index)
    except TypeError:
        raise ConfigError(f"an image index is a whole number, got {shown(index)}") from None
    if not -n_samples <= position < n_samples:
        raise ConfigError(
            f"image {shown(position)} does not exist: there are {n_samples} images "
            f"(0 to {n_samples - 1})"
        )
    return position


def _checked_fraction(test_fraction: float) -> float:
    if (isinstance(test_fraction, bool | np.complexfloating)
            or not isinstance(test_fraction, int | float | np.number)):
        raise ConfigError(
            f"test_fraction must be a number between 0 and 1, got {shown(test_fraction)}")
    # Compared before float(), which refuses a whole number beyond any float; this
    # also rejects NaN. The second test catches a fraction so near 1 it rounds to it.
    if not 0 < test_fraction < 1:
        raise ConfigError(
            f"test_fraction must be strictly between 0 and 1, got {shown(test_fraction)}")
    fraction = float(test_fraction)
    if not 0.0 < fraction < 1.0:
        raise ConfigError(
            f"test_fraction must be strictly between 0 and 1, got {shown(test_fraction)}")
    return fraction


def _test_count(class_size: int, fraction: float) -> int:
    """How many of a class's images go to the test part (see Dataset.split)."""
    if class_size < 2:
        return 0
    rounded = math.floor(class_size * fraction + 0.5)
    return min(max(rounded, 1), class_size - 1)


__all__ = ["MIN_GUESSED_PICTURE_SIDE", "Dataset", "PathLike", "guess_image_shape"]
