"""``glassnet show``: one image as shades and as the numbers the network sees."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass
from .group import CONTEXT_SETTINGS, main
from .options import WholeRange
from .text import are_ink_counts, count_grid, echo_lines, framed, shade_rows


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("index", metavar="N", type=WholeRange(min=0))
@click.option("--data", default="digits", show_default=True, help="Which images.")
@click.option(
    "--numbers",
    "numbers_only",
    is_flag=True,
    help="Print only the 64 numbers (to pipe into glassnet predict MODEL -).",
)
def show(index: int, data: str, numbers_only: bool) -> None:
    """Show image N of the digits: as shades, as its 8x8 ink counts, as 64 numbers.

    This is the article's first idea: to a network an image is a list of numbers.
    Each pixel is the ink count of a 4x4 block (0..16) divided by 16, so 0 is white
    and 1 is black; read the rows one after another and you have the 64 numbers the
    64 input neurons hold.
    """
    import numpy as np

    from ..data.spec import load_dataset

    dataset = load_dataset(data)
    numbers = np.asarray(dataset.as_numbers(index))  # (n_features,)
    text = ", ".join(f"{value:g}" for value in numbers)
    if numbers_only:
        click.echo(text)
        return
    label = dataset.y[index]
    shape = dataset.image_shape  # None for rows that are no pictures (a table from a CSV)
    lines = [f"image {index} of {dataset.name or data} ({len(dataset)} images): a {label}", ""]
    # Decided once for the whole dataset, so every image of it is shown the same way.
    counts = shape is not None and are_ink_counts(dataset.images)
    if shape is not None:
        picture = numbers.reshape(shape)
        lines += ["as shades (0 = white ' ', 1 = black '@'):", *framed(shade_rows(picture)), ""]
        if counts:
            lines += [
                "as ink counts 0..16 (the number of inked pixels in each 4x4 block):",
                *count_grid(np.rint(picture * 16)),
                "",
            ]
    how = "counts / 16, row after row" if counts else "row after row"
    lines += [
        f"as {len(numbers)} numbers ({how}): what the input neurons hold",
        *wrap_numbers(text),
    ]
    echo_lines(lines)


def wrap_numbers(text: str, width: int = 88) -> list[str]:
    """Long comma-separated text as indented lines no wider than ``width``."""
    lines, current = [], ""
    for piece in text.split(", "):
        candidate = f"{current}, {piece}" if current else piece
        if len(candidate) > width and current:
            lines.append(f"  {current},")
            candidate = piece
        current = candidate
    return [*lines, f"  {current}"]
