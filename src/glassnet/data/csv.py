"""CSV tables: one image per row, its numbers and one label column.

The most portable way to hand data to glassnet. The reader streams the file into
one preallocated table (at most about 4 times the memory of the file), checks
every value on its row so that an error names the line and the column, guesses
whether the first row is a header, and whether the rows are pictures.
"""

from __future__ import annotations

import csv
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, DataError, shown
from .dataset import Dataset, PathLike, guess_image_shape
from .text import WHOLE_NUMBER, check_text_file, is_plain_text, plain_number


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


def _checked_scale(scale: float | None) -> float | None:
    if scale is None:
        return None
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.number):
        raise ConfigError(f"scale must be a positive number, got {shown(scale)}")
    factor = float(scale)
    if not (math.isfinite(factor) and factor > 0):
        raise ConfigError(f"scale must be a positive number, got {shown(scale)}")
    return factor


def _checked_image_shape_choice(image_shape: Any) -> tuple[int, int] | str | None:
    """``load_csv``'s image_shape argument, checked: "auto", None or (height, width)."""
    if image_shape is None or (isinstance(image_shape, str) and image_shape == "auto"):
        return image_shape
    problem = ConfigError(
        f"image_shape must be 'auto', None (the rows are not pictures) or (height, width), "
        f"got {shown(image_shape)}"
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
                f"label_column={shown(label_column)} is a column name, but has_header=False"
            )
        return None
    try:
        index = operator.index(label_column)
    except TypeError:
        raise ConfigError(
            f"label_column must be a column number or name, got {shown(label_column)}"
        ) from None
    if not -n_columns <= index < n_columns:
        raise ConfigError(f"label_column={index} is out of range for {n_columns} columns")
    return index % n_columns


def _label_index_by_name(label_column: Any, header: list[str] | None, file_path: Path) -> int:
    """Find a named label column in the header."""
    if header is None:
        raise ConfigError(
            f"label_column={shown(label_column)} is a column name, but {file_path} has no header"
        )
    names = [cell.strip() for cell in header]
    if label_column not in names:
        raise ConfigError(
            f"{file_path} has no column named {shown(label_column)}; "
            f"its columns are {', '.join(names)}"
        )
    return names.index(label_column)


def _is_number(cell: str) -> bool:
    """True for a number written the plain way files write them (``plain_number``)."""
    try:
        plain_number(cell)
    except ValueError:
        return False
    return True


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


def _first_line_not_utf8(file_path: Path) -> int:
    """The number of the first line holding a byte that is not UTF-8 (counting from 1).

    The text reader decodes the file in chunks of thousands of bytes, ahead of the
    row it is on, so its line count cannot say where the bad byte is; the file is
    read again, line by line, to find it (only when there is one).
    """
    # Latin-1 gives every byte a character, so the file splits into lines as the text
    # reader splits it (at \n, \r\n or a lone \r), and each line's bytes come back.
    with file_path.open(encoding="latin-1", newline=None) as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.encode("latin-1").decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1  # not found again: the file changed meanwhile


def _parse_csv_labels(
    file_path: Path, texts: list[str], line_numbers: NDArray[np.int64], label_index: int
) -> NDArray[Any]:
    """The label column as int64 when every label is a whole number, else as strings."""
    for text, line_number in zip(texts, line_numbers, strict=True):
        if not text:
            raise DataError(
                f"{file_path}, line {line_number}, column {label_index + 1}: the label is empty"
            )
    if all(WHOLE_NUMBER.fullmatch(text) for text in texts):
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
    check_text_file(file_path, "CSV")
    complete = 0  # the line the last whole row ended on
    try:
        max_rows = _count_lines(file_path)
        with file_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            rows = (row for row in reader if not all(not cell.strip() for cell in row))
            first = next(rows, None)
            if first is None:
                raise DataError(f"{file_path}: the file is empty (no rows in it)")
            first_line = complete = reader.line_num
            n_columns = len(first)
            if n_columns < 2:
                raise DataError(
                    f"{file_path}, line {first_line}: found 1 column; a CSV dataset needs the "
                    f"features and a label column (is the delimiter {shown(delimiter)} right?)"
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
                line_numbers[count] = complete = reader.line_num
                other_labels_are_numbers = other_labels_are_numbers and _is_number(labels[-1])
                count += 1
    except csv.Error as error:
        began = complete + 1
        if began < reader.line_num:  # one "row" ran on over many lines: a quote left open
            raise DataError(
                f"{file_path}, lines {began} to {reader.line_num}: {error}; is a quote (\") "
                f"opened on line {began} never closed?") from error
        raise DataError(f"{file_path}, line {reader.line_num}: {error}") from error
    except UnicodeDecodeError as error:
        raise DataError(f"{file_path}, line {_first_line_not_utf8(file_path)}: not a text file "
                        "(a byte is not UTF-8); expected a CSV file") from error
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
    """How many lines ``path`` has at most (its line ends + 1), read in 1 MiB pieces.

    A line ends as the text reader ends it: at ``\n``, ``\r\n``, or a lone ``\r`` (the
    old Mac files some spreadsheets still write), so a ``\r\n`` counts once, even when
    a piece ends between its two bytes.
    """
    lines, piece_ended_in_cr = 1, False
    with path.open("rb") as stream:
        while piece := stream.read(1 << 20):
            lines += piece.count(b"\n") + piece.count(b"\r") - piece.count(b"\r\n")
            if piece_ended_in_cr and piece.startswith(b"\n"):
                lines -= 1
            piece_ended_in_cr = piece.endswith(b"\r")
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
        if not is_plain_text("".join(cells)):
            raise ValueError("a cell that float() reads but a data file does not mean")
        features[at] = np.array(cells, dtype=np.float64)
    except ValueError:
        for feature_number, cell in enumerate(cells):
            if not _is_number(cell):
                column = feature_number + (feature_number >= label_index) + 1
                what = shown(cell.strip()) if cell.strip() else "an empty value"
                raise DataError(
                    f"{file_path}, line {line_number}, column {column}: {what} is not a number"
                ) from None
        raise  # pragma: no cover - every cell reads alone, so the row does too
    if not np.isfinite(features[at]).all():
        feature_number = int(np.flatnonzero(~np.isfinite(features[at]))[0])
        column = feature_number + (feature_number >= label_index) + 1
        raise DataError(
            f"{file_path}, line {line_number}, column {column}: "
            f"{shown(row[column - 1].strip())} is not a finite number"
        )


__all__ = ["load_csv"]
