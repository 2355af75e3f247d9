"""Pictures and tables made of text: what every command prints with."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import numpy as np
from .group import SHADES


def shade_rows(image: np.ndarray, *, width: int = 2) -> list[str]:
    """An image (h, w) of values in 0..1 as h lines of text, ``width`` characters a pixel.

    0 (white) is a space and 1 (black) is ``@``; values in between pick a character
    from ``SHADES``. Two characters a pixel make the picture about square on a
    terminal. Values above 1 are scaled down by the largest one.
    """
    import numpy as np

    values = np.asarray(image, dtype=float)
    top = float(values.max()) if values.size else 0.0
    if top > 1:
        values = values / top
    levels = np.clip(np.rint(values * (len(SHADES) - 1)), 0, len(SHADES) - 1).astype(int)
    return ["".join(SHADES[level] * width for level in row) for row in levels]


def framed(rows: list[str]) -> list[str]:
    """Rows of a text picture inside a box, so the white edge of a digit is visible."""
    width = max((len(row) for row in rows), default=0)
    return [
        "+" + "-" * width + "+",
        *(f"|{row:<{width}}|" for row in rows),
        "+" + "-" * width + "+",
    ]


def side_by_side(blocks: Sequence[list[str]], gap: int = 3) -> list[str]:
    """Join several text pictures (lists of lines) left to right."""
    height = max(len(block) for block in blocks)
    widths = [max((len(line) for line in block), default=0) for block in blocks]
    lines = []
    for index in range(height):
        parts = [
            (block[index] if index < len(block) else "").ljust(width)
            for block, width in zip(blocks, widths, strict=True)
        ]
        lines.append((" " * gap).join(parts).rstrip())
    return lines


def count_grid(counts: np.ndarray) -> list[str]:
    """An (h, w) grid of whole numbers as right-aligned text columns."""
    return [" ".join(f"{int(value):2d}" for value in row) for row in counts]


def picture_shape(n_inputs: int, declared: Any = None) -> tuple[int, int] | None:
    """The (height, width) to draw ``n_inputs`` numbers as, or None if they are no picture.

    ``declared`` is what a model file says; without it only a square of 8x8 and up
    counts (as ``glassnet.data.dataset.guess_image_shape`` decides for a CSV).
    """
    if isinstance(declared, list | tuple) and len(declared) == 2:
        return int(declared[0]), int(declared[1])
    from ..data.dataset import guess_image_shape

    return guess_image_shape(n_inputs)


def percent(fraction: float | None) -> str:
    if fraction is None or fraction != fraction:
        return "-"
    return f"{100 * fraction:.1f}%"


def points_between(fraction: float, reference: float) -> str:
    """How far ``fraction`` is from ``reference``, in percentage points, as ``percent``
    shows both: 83.3% and 84.2% are "+0.9 points" apart, although the unrounded
    accuracies (83.33% and 84.17%) are 0.83 apart, so that the table adds up."""
    shown, reference_shown = percent(fraction), percent(reference)
    if "-" in (shown, reference_shown):  # no accuracy to compare
        return "-"
    return f"{float(shown[:-1]) - float(reference_shown[:-1]):+.1f} points"


def echo_lines(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(printable(line))


#: Control characters (C0, DEL and C1) but the tab and the line end: a terminal acts on them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character but tabs and newlines written out (``\\x1b``).

    A model file's class labels, a CSV's labels and a runs database's text come from
    files anyone may have written, and a terminal obeys control characters: ESC
    sequences can recolour it, retitle the window, or worse. So they are shown, not sent.
    """
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


#: The kinds of data whose labels are the handwritten digits 0..9.
DIGIT_DATA_KINDS = ("digits", "optdigits", "mnist")


def class_noun(data_spec: str) -> str:
    """"digit" for the digit datasets, "class" for any other data (a CSV, a folder).

    Decided by the kind of data, not its labels: a CSV labelled 0, 1, 2 may hold
    anything, and "class" is never wrong. Called once the data has loaded, so the
    spec is a valid one.
    """
    from ..data.spec import parse_dataset_spec

    kind, _, _ = parse_dataset_spec(data_spec)
    return "digit" if kind in DIGIT_DATA_KINDS else "class"


def are_ink_counts(pictures: np.ndarray) -> bool:
    """Whether 8x8 ``pictures`` (..., 8, 8) look like the UCI digits: ink counts 0..16 / 16.

    Only then does a grid of counts 0..16 mean "inked pixels in each 4x4 block";
    other data (28x28, 0/1 pixels of another size, any table) are shown as they are.
    """
    import numpy as np

    from ..data.digits import DIGITS_IMAGE_SHAPE

    pictures = np.asarray(pictures)
    if pictures.ndim < 2 or pictures.shape[-2:] != DIGITS_IMAGE_SHAPE:
        return False
    counts = pictures * 16
    return bool(np.all((counts >= 0) & (counts <= 16) & (counts == np.rint(counts))))


def per_class_lines(per_class: dict[Any, float], per_line: int = 5) -> list[str]:
    """``{label: fraction}`` as a few indented lines, ``per_line`` classes each."""
    items = [f"{label}: {percent(value):>6}" for label, value in per_class.items()]
    return ["  " + "   ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]


def table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()
) -> list[str]:
    """Rows of cells as aligned text columns, with a header and a rule under it."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return [line(cells[0]), line(["-" * width for width in widths]), *map(line, cells[1:])]


def seconds_text(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"
