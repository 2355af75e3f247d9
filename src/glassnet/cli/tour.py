"""``glassnet tour``: the article's ideas as running code, in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ConfigError
from ..store.paths import TOUR_DATABASE_PATH

if TYPE_CHECKING:
    pass
from .group import CONTEXT_SETTINGS, main


def _tour_step_number(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """Check ``--step N`` against the tour's steps (a bad N is a usage error)."""
    if value is None:
        return None
    from ..tour import check_step_number

    try:
        return check_step_number(value)
    except ConfigError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def _stdin_is_terminal() -> bool:
    """True when a person can press Enter (the tour waits only then)."""
    return sys.stdin.isatty()


@main.command(context_settings=CONTEXT_SETTINGS)
@click.option("--step", "step_number", type=int, metavar="N", callback=_tour_step_number,
              help="Run only step N (1 to 9).")
@click.option("--all", "run_all", is_flag=True, help="Run every step without waiting for Enter.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Save each step's pictures as PNG files in this folder.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=TOUR_DATABASE_PATH, show_default=True,
              help="The runs database step 9 records its runs in (the tour's own, so "
                   "your runs/glassnet.db is left alone).")  # fmt: skip
def tour(step_number: int | None, run_all: bool, out: Path | None, db: Path) -> None:
    """How a neural network works, in nine steps of running code.

    From "an image is a list of numbers" to "hidden layers learn parts of digits",
    each step explains one idea and runs it on the real digits. Press Enter for the
    next step (q to stop); when the input is not a terminal, the steps run straight
    through.

    \b
      glassnet tour                  one step at a time
      glassnet tour --step 6         only step 6 (the slope, and backpropagation)
      glassnet tour --all --out tour-pictures
    """
    from .. import tour as guided_tour
    from ..store.atomicfile import writable_folder

    if out is not None:  # before the first step runs, not after it
        writable_folder(out, what="the tour's pictures")
    numbers = [step_number] if step_number is not None else range(1, len(guided_tour.STEPS) + 1)
    wait = step_number is None and not run_all and _stdin_is_terminal()
    for position, number in enumerate(numbers):
        if position:
            if wait:
                click.echo(f"\n[Enter: step {number} of {len(guided_tour.STEPS)}, q: stop] ",
                           nl=False)
                answer = sys.stdin.readline()
                if not answer or answer.strip().lower() in ("q", "quit"):
                    return
            click.echo("")
        step = guided_tour.run_step(number, db_path=db)
        click.echo(step.text())
        if out is not None:
            for path in guided_tour.save_figures(step, out):
                click.echo(f"picture: {path}")
