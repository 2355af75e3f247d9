"""The ``--data`` spec: a short text that names a dataset, and advice on its scale.

The command line, the runs database and sweeps name data by a text such as
``"digits"``, ``"mnist:data/mnist"`` or ``"csv/255:pixels.csv"``: a kind from
:data:`DATASET_KINDS`, an optional divisor, and a path. :func:`load_dataset` turns
it into a :class:`~glassnet.data.dataset.Dataset` with the loader of that kind;
:func:`scale_advice` says when the numbers look unscaled, and which spec to use.
"""

from __future__ import annotations

import math
import shlex
from pathlib import Path

import numpy as np

from ..errors import ConfigError, shown
from .csv import load_csv
from .dataset import Dataset
from .digits import UCI_MAX_COUNT, load_digits, load_optdigits
from .images import load_image_folder
from .mnist import load_mnist
from .text import plain_number

DATASET_KINDS: dict[str, str] = {
    "digits": "the built-in 1797 UCI 8x8 digits (no path)",
    "optdigits": "a UCI optdigits file: optdigits:PATH",
    "mnist": "a folder of MNIST IDX files, raw or .gz: mnist:DIR",
    "csv": "a CSV file of numbers with one label column: csv:PATH, or csv/255:PATH to "
           "divide every number by 255",
    "images": "a folder with one sub-folder of pictures per label: images:DIR",
}
"""The kinds :func:`load_dataset` understands, with a one-line description of each."""


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
            f"a dataset is named by a text like 'digits' or 'csv:PATH', got {shown(spec)}; "
            f"valid kinds: {', '.join(DATASET_KINDS)}"
        )
    kind, divisor, location = parse_dataset_spec(spec)
    if kind == "digits":
        if location.strip():
            raise ConfigError("the built-in 'digits' dataset takes no path")
        return load_digits()
    if not location.strip():
        raise ConfigError(f"dataset kind {shown(kind)} needs a path: {DATASET_KINDS[kind]}")
    if divisor is not None:  # only csv takes one (parse_dataset_spec checks)
        return load_csv(location, scale=1.0 / divisor)
    loaders = {
        "optdigits": load_optdigits,
        "mnist": load_mnist,
        "csv": load_csv,
        "images": load_image_folder,
    }
    return loaders[kind](location)


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
            f"unknown dataset kind {shown(head.strip())} in {shown(spec)}; valid kinds: "
            + "; ".join(f"{name} ({text})" for name, text in DATASET_KINDS.items())
        )
    if not has_divisor:
        return kind, None, location
    if kind != "csv":
        raise ConfigError(
            f"only csv data can be divided as it is read (csv/N:PATH); {shown(kind)} data "
            f"comes scaled to 0..1 already, got {shown(spec)}"
        )
    try:
        divisor = plain_number(divisor_text)
    except ValueError:
        divisor = math.nan
    if not (math.isfinite(divisor) and divisor > 0 and math.isfinite(1.0 / divisor)):
        raise ConfigError(
            f"csv/N:PATH divides every number by N, a positive number such as 16 or 255; "
            f"got {shown(divisor_text.strip())} in {shown(spec)}"
        )
    return kind, divisor, location


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


def absolute_data_spec(spec: str) -> str:
    """``csv:x.csv`` -> ``csv:/full/path/x.csv``: a model file remembers its data wherever
    it is later evaluated from. ``digits`` and specs without a path stay as they are."""
    kind, has_colon, location = spec.partition(":")
    if not has_colon or not location.strip():
        return spec
    return f"{kind}:{Path(location.strip()).expanduser().resolve()}"

__all__ = [
    "absolute_data_spec",
    "DATASET_KINDS",
    "FAR_FROM_UNIT",
    "FAR_SHARE",
    "load_dataset",
    "parse_dataset_spec",
    "scale_advice",
]
