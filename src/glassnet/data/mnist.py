"""MNIST digits from IDX files, plain or gzip-compressed.

MNIST's 70,000 digits are 28x28 greyscale pictures in the IDX format: a magic
number that says what a file holds, its sizes, then the bytes. The header is
checked against the file before the body is read, so a damaged file is a clear
``DataError``, never an attempt to fill the memory.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, DataError
from .dataset import Dataset, PathLike

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


_READ_CHUNK_BYTES = 1 << 20


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


__all__ = ["MAX_IDX_BYTES", "MNIST_IMAGES_MAGIC", "MNIST_LABELS_MAGIC", "load_mnist"]
