"""``glassnet predict``: what a network answers for a picture or 64 numbers."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import DataError, plural, shown

if TYPE_CHECKING:
    import numpy as np
from .evaluate import load_model
from .group import CONTEXT_SETTINGS, main
from .text import (
    are_ink_counts,
    count_grid,
    echo_lines,
    framed,
    picture_shape,
    shade_rows,
    side_by_side,
)

_NUMBER_SEPARATORS = re.compile(r"[\s,;]+")

#: The most characters ``predict -`` reads from standard input: about 30,000 images of
#: 64 numbers. Without a limit, ``< /dev/zero`` fills the memory until the system stops
#: the process.
MAX_STDIN_CHARACTERS = 16 * 2**20


def parse_numbers(texts: Iterable[str]) -> list[float] | None:
    """Every number in ``texts`` (separated by commas, semicolons or spaces), or None.

    None means some piece is not a number at all, so the texts are not numbers.
    """
    from ..data.text import plain_number

    numbers = []
    for text in texts:
        for piece in _NUMBER_SEPARATORS.split(text.strip()):
            if not piece:
                continue
            try:
                value = plain_number(piece)
            except ValueError:
                return None
            numbers.append(value)
    return numbers


def read_inputs(inputs: Sequence[str], n_inputs: int) -> list[tuple[str, np.ndarray]]:
    """Turn predict's INPUT arguments into (name, numbers (n_inputs,)) pairs.

    The rule, so nothing is ambiguous:

    - ``-`` alone: numbers are read from standard input;
    - every INPUT an existing file: each is a picture, prepared like the training
      digits (``glassnet.data.preprocess.prepare_image_file``);
    - otherwise every INPUT must be numbers (one argument "0,0.5,1,..." or many).

    Numbers are grouped ``n_inputs`` at a time, one image per group.

    Raises
    ------
    DataError
        For a missing file, an unreadable picture, text that is neither, or a count
        of numbers that is not a multiple of ``n_inputs``.
    """
    if list(inputs) == ["-"]:
        text = sys.stdin.read(MAX_STDIN_CHARACTERS + 1)
        if len(text) > MAX_STDIN_CHARACTERS:
            raise DataError(f"standard input holds more than {MAX_STDIN_CHARACTERS:,} "
                            "characters; give fewer images at a time")
        numbers = parse_numbers([text])
        if numbers is None:
            raise DataError("standard input must hold only numbers (separated by spaces or commas)")
        return group_numbers(numbers, n_inputs, "standard input")
    if "-" in inputs:
        raise DataError("'-' reads the numbers from standard input, so it comes alone; "
                        "give '-', or picture files, or numbers")
    is_file = [is_existing_file(text) for text in inputs]
    if all(is_file):
        from ..data.preprocess import prepare_image_file

        return [(text, prepare_image_file(text)) for text in inputs]
    for text, found in zip(inputs, is_file, strict=True):
        if found or parse_numbers([text]) is not None:
            continue
        if is_existing_file(text, any_kind=True):
            raise DataError(f"{shown(text, str)}: not a file (give picture files, numbers or '-')")
        raise DataError(
            f"{shown(text, str)}: no such file, and not a number; INPUT is picture files, "
            f"{n_inputs} numbers, or '-' to read numbers from standard input"
        )
    if any(is_file):
        picture = inputs[is_file.index(True)]
        raise DataError(
            f"{picture} is a picture file but the other INPUTs are numbers; "
            "give picture files or numbers, not both"
        )
    numbers = parse_numbers(inputs) or []
    return group_numbers(numbers, n_inputs, "the numbers")


def is_existing_file(text: str, *, any_kind: bool = False) -> bool:
    """Whether ``text`` names an existing file (or anything, with ``any_kind``); never raises.

    64 numbers make a "file name" too long for the operating system, which then
    raises instead of answering no.
    """
    try:
        path = Path(text)
        return path.exists() if any_kind else path.is_file()
    except (OSError, ValueError):
        return False


def group_numbers(numbers: list[float], n_inputs: int, where: str) -> list[tuple[str, np.ndarray]]:
    """Cut a flat list of numbers into images of ``n_inputs`` numbers each."""
    import numpy as np

    if not numbers or len(numbers) % n_inputs:
        raise DataError(
            f"{where}: got {plural(len(numbers), 'number')}, but this network takes "
            f"{n_inputs} per image "
            f"(one for each input neuron); give {n_inputs} numbers"
            + (", or a multiple of that for several images" if numbers else "")
        )
    values = np.asarray(numbers, dtype=float).reshape(-1, n_inputs)
    if not np.isfinite(values).all():
        raise DataError(f"{where}: every number must be finite: no nan, no inf, and none "
                        "beyond what a float holds (about 1.8e308)")
    if len(values) == 1:
        return [("numbers", values[0])]
    return [(f"numbers #{index + 1}", row) for index, row in enumerate(values)]


def output_lines(network: Any, outputs: np.ndarray, guess: Any, bar_width: int = 30) -> list[str]:
    """Every output neuron's value with a bar, the winning one marked."""
    import numpy as np

    labels = [str(label) for label in network.classes]
    guessed = [label == str(guess) for label in labels]
    if len(outputs) == 1:  # one sigmoid neuron: "how much is it classes[1]"
        labels, guessed = [f"{labels[1]} (vs {labels[0]})"], [guessed[1]]
    width = max(len("neuron"), *(len(label) for label in labels))
    lines = [f"  {'neuron':<{width}}  {'value':>8}"]
    for label, value, is_guess in zip(labels, outputs, guessed, strict=True):
        bar = "#" * int(round(float(np.clip(value, 0, 1)) * bar_width))
        mark = "  <- guess" if is_guess else ""
        lines.append(f"  {label:<{width}}  {value:8.4f}  {bar:<{bar_width}}{mark}".rstrip())
    return lines


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("model", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--show", is_flag=True, help="Also print the 8x8 input it saw, as numbers and shades."
)
def predict(model: Path, inputs: tuple[str, ...], show: bool) -> None:
    """Ask a saved model what INPUTs are: the guess and every output neuron's value.

    \b
    INPUT is one of:
      picture files   PNG, JPEG, GIF or BMP of any size, prepared like the training
                      digits (cropped to the ink, centred, 8x8 ink counts / 16)
      numbers         64 numbers from 0 (white) to 1 (black), as one argument
                      "0,0,0.3,..." or as separate arguments
      -               read the numbers from standard input
                      (e.g. glassnet show 3 --numbers | glassnet predict MODEL -)

    Files win: if every INPUT is an existing file they are pictures, otherwise every
    INPUT must be numbers. Put -- before numbers that start with a minus sign.
    """
    import numpy as np

    from ..store.modelfile import DIGITS_SCALING

    network, meta = load_model(model)
    shape = picture_shape(network.n_inputs, (meta.get("input") or {}).get("shape"))
    pixels_0_to_1 = (meta.get("input") or {}).get("scaling") == DIGITS_SCALING
    for index, (name, x) in enumerate(read_inputs(inputs, network.n_inputs)):
        outside = int(np.count_nonzero((x < 0) | (x > 1)))
        if pixels_0_to_1 and outside:
            click.echo(
                f"warning: {name}: {outside} of the {len(x)} numbers lie outside 0..1 (from "
                f"{x.min():g} to {x.max():g}); this model learned from pixels between 0 (white) "
                "and 1 (black), so its guess may mean little (ink counts 0..16: divide by 16)",
                err=True,
            )
        outputs = network.forward(x[None, :])[0]  # (n_outputs,)
        guess = network.predict(x[None, :])[0]
        lines = [""] if index else []
        lines += [f"{name}: guess {guess}", *output_lines(network, outputs, guess)]
        if show and shape is not None:
            picture = x.reshape(shape)
            if are_ink_counts(picture):
                lines += [
                    "",
                    "what the network saw: ink counts 0..16 (value x 16), and as shades",
                    *side_by_side(
                        [count_grid(np.rint(picture * 16)), framed(shade_rows(picture))], gap=4
                    ),
                ]
            else:
                lines += ["", "what the network saw, as shades:", *framed(shade_rows(picture))]
        echo_lines(lines)
