"""Reading text the same careful way in every loader: which files, and which numbers.

The CSV and optdigits loaders, the ``--data`` spec and the command line all turn
text into numbers. Two rules keep that safe and honest, and they live here once:

* Only a regular file is read, and at most :data:`MAX_TEXT_BYTES`, checked before
  a byte is read: a device such as /dev/zero or a pipe would never end, and a huge
  file would fill the memory.
* A number is written the plain way data files write numbers (:func:`plain_number`):
  Python's ``float`` also reads ``1_000`` or fullwidth digits, which in a data file
  are typos or foreign text.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

from ..errors import DataError

MAX_TEXT_BYTES = 1 << 30
"""The largest CSV or optdigits file glassnet will read (1 GiB), checked before reading."""

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
"""A whole number as a file writes it: ASCII digits with an optional sign (labels, counts)."""


def plain_number(text: str) -> float:
    """``text`` as a float, when it is a number as data files and command lines write one.

    Raises
    ------
    ValueError
        If it is not, including what Python's ``float`` would accept but nobody means
        as a number (see ``is_plain_text``).
    """
    if not is_plain_text(text):
        raise ValueError(f"not a plain number: {text!r}")
    return float(text)


def is_plain_text(text: str) -> bool:
    """True unless ``text`` holds what Python's ``float`` reads but no data file means.

    ``float`` accepts ``1_000`` (a Python literal), fullwidth ``１`` and Arabic-Indic
    ``١٢`` digits. In a data file those are typos or foreign text, never numbers: a
    number is ASCII, without underscores. The one check for every number glassnet
    reads from text (CSV cells, the divisor of a --data spec, predict's numbers).
    """
    return text.isascii() and "_" not in text


def check_text_file(path: Path, kind: str) -> int:
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


def read_text(path: Path, kind: str) -> str:
    """Read a whole text file, turning every reading problem into a DataError.

    Only regular files are read, and at most ``MAX_TEXT_BYTES`` (``check_text_file``).
    """
    check_text_file(path, kind)
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
    "MAX_TEXT_BYTES",
    "WHOLE_NUMBER",
    "check_text_file",
    "is_plain_text",
    "plain_number",
    "read_text",
]
