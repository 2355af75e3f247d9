"""The command line: every part of glassnet one command away.

``glassnet train`` trains a network and records the run; ``evaluate`` scores a saved
network; ``predict`` shows what it answers for a picture or 64 numbers, neuron by
neuron; ``show`` prints a training digit as shades and as the numbers the network
sees; ``plot`` draws the pictures a class needs; ``runs`` lists, shows and compares
recorded runs (the article's "tweak, retrain, retest"); ``export`` writes a readable
JSON copy of a model. ``glassnet COMMAND -h`` explains each one.

This module only *talks*: it turns options into calls to the core (every training
goes through ``glassnet.app.experiment.run``) and results into text. It never computes
anything the core could compute.

Errors. The core raises ``GlassnetError`` with a sentence saying what was wrong and
what to do. ``GlassnetGroup`` catches those (and ``OSError`` from files) once, for
every command, and prints that sentence as one line, ``Error: ...``, exiting with
status 1; click's own usage errors exit with 2. ``glassnet --debug COMMAND`` shows
the full traceback instead.

Extending it. The explorer, the tour and the sweeps add their own commands with
``@main.command()``. Every training option is a row of ``TRAINING_OPTIONS``, so a
command that trains can take them all with ``@training_options`` and turn them
into ``RunSettings`` with ``settings_from_options(**options)``; a command that
wants several values per option (a sweep) can build its own options from the same
rows and convert each value with ``TrainingOption.convert``.

Imports are kept light on purpose: ``glassnet --help`` must answer at once, and
NumPy alone takes about a tenth of a second to import. So this module imports no
NumPy and none of the core at the top: the core, matplotlib (``plot``), tqdm
(progress bars) and Pillow (pictures) are imported inside the commands that need
them. The options' defaults come from ``glassnet.app.settings`` and
``glassnet.core.defaults``, which are plain Python, and the names offered by
``--activation``, ``--output``, ``--loss`` and ``--optimizer`` are read from the
core's registries only when a command's own help or a value needs them
(``LazyChoice``). A test checks that ``glassnet --help`` imports no NumPy.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..app.settings import RunSettings, format_hidden, parse_hidden
from ..core.defaults import DEFAULT_LEARNING_RATES
from ..errors import ConfigError, DataError, GlassnetError, RunsDatabaseError, TrainingDiverged
from ..store.paths import DEFAULT_DATABASE_PATH, TOUR_DATABASE_PATH, db_hint
from ..store.version import __version__

if TYPE_CHECKING:
    import numpy as np

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Characters from white to black, for pictures made of text (0 = " ", 1 = "@").
SHADES = " .:-=+*#%@"

_DEBUG_KEY = "glassnet.debug"
#: Every setting's default, read from ``RunSettings``' fields: making ``RunSettings()``
#: would check its names against the core's registries, and so import NumPy.
_DEFAULTS: dict[str, Any] = {field.name: field.default for field in dataclasses.fields(RunSettings)}


# ====================================================================== errors
def error_message(error: BaseException) -> str:
    """The one line shown for an error: the core's sentence, or what the OS said about a file."""
    if isinstance(error, OSError) and not isinstance(error, GlassnetError):
        if error.filename is not None and error.strerror:
            return f"{error.filename}: {error.strerror}"
        return error.strerror or str(error)
    return str(error) or type(error).__name__


class GlassnetGroup(click.Group):
    """A click group that turns glassnet's errors into one line, ``Error: ...``, exit status 1.

    Done once here, so no command needs its own ``try``. With ``glassnet --debug``
    the error is raised as it is, with its traceback, for whoever is debugging.
    """

    def invoke(self, ctx: click.Context) -> Any:
        import numpy as np  # here, not at the top: ``glassnet --help`` never comes here

        try:
            # Overflow to inf or NaN is caught by the core's own checks and reported as
            # an error; NumPy's warnings about it would only clutter the terminal.
            with np.errstate(over="ignore", invalid="ignore"):
                return super().invoke(ctx)
        except BrokenPipeError:
            raise  # the reader went away (| head): click exits quietly
        except (GlassnetError, OSError) as error:
            if ctx.find_root().meta.get(_DEBUG_KEY):
                raise
            raise click.ClickException(error_message(error)) from error


# ====================================================================== option types
class HiddenSizes(click.ParamType):
    """``--hidden 32``, ``--hidden 64,32`` or ``--hidden none``, as a tuple of sizes."""

    name = "sizes"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        try:
            return parse_hidden(value)
        except ConfigError as error:
            self.fail(str(error), param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "SIZES"


#: What an option that can be switched off (``--average-from none``) gives for "off".
OFF = "none"


class WholeOrNone(click.ParamType):
    """A whole number of at least 1, or ``none`` (returned as ``OFF``) to switch a feature off."""

    name = "whole_or_none"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is None or value == OFF or isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text in (OFF, "off"):
            return OFF
        try:
            number = int(text)
        except ValueError:
            number = 0
        if number < 1:
            self.fail(
                f"expected a whole number of at least 1, or 'none'; got {value!r}", param, ctx
            )
        return number

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "N|none"


class FiniteFloatRange(click.FloatRange):
    """A ``click.FloatRange`` that also refuses nan and inf (which slip past its bounds)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class LazyChoice(click.Choice):
    """A ``click.Choice`` whose choices are looked up only when needed.

    The names come from registries in modules that import NumPy (activations, losses,
    optimizers) or matplotlib (``plot``'s kinds, in ``glassnet.plots``). Building the
    command line, and ``glassnet --help``, must import neither, so the list is fetched
    on first use: when a command's own help is shown or a value is checked.
    """

    def __init__(self, load_choices: Callable[[], Iterable[str]]) -> None:
        self._load_choices = load_choices
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = True

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._load_choices())
        return self._choices

    @choices.setter
    def choices(self, value: Iterable[str]) -> None:
        self._choices = tuple(value)


# ====================================================================== training options
@dataclass(frozen=True)
class TrainingOption:
    """One training setting as a command-line option: one row of ``TRAINING_OPTIONS``.

    Attributes
    ----------
    setting : str
        The ``RunSettings`` field it sets (also the click parameter name).
    flag : str
        The option, e.g. ``"--learning-rate"``.
    type : click.ParamType
        Checks and converts one value.
    help : str
        One sentence; the default (from ``RunSettings``) is appended.
    off_flag : str, optional
        For on/off settings, the flag that turns it off (``"--no-early-stopping"``).
    """

    setting: str
    flag: str
    type: click.ParamType
    help: str
    off_flag: str | None = None

    @property
    def is_switch(self) -> bool:
        return self.off_flag is not None

    @property
    def default(self) -> Any:
        """The default value, from ``RunSettings`` (never repeated here)."""
        return _DEFAULTS[self.setting]

    def default_text(self) -> str:
        if self.setting == "learning_rate":
            return ", ".join(
                f"{rate:g} for {name}" for name, rate in DEFAULT_LEARNING_RATES.items()
            )
        if self.setting == "hidden":
            return format_hidden(self.default)
        if self.is_switch:
            return "on" if self.default else "off"
        return OFF if self.default is None else str(self.default)

    def convert(self, text: str) -> Any:
        """One value from text, checked as on the command line (``ConfigError`` if bad).

        For commands that take several values per option, e.g. a sweep's
        ``--activation relu,tanh``, after splitting the alternatives.
        """
        kind = click.BOOL if self.is_switch else self.type
        try:
            return kind.convert(text, None, None)
        except click.BadParameter as error:
            raise ConfigError(f"{self.flag}: {error.message}") from None

    def option(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """The click option decorator for ``train`` (no value given -> None -> the default)."""
        help_text = f"{self.help} [default: {self.default_text()}]"
        if self.is_switch:
            return click.option(
                f"{self.flag}/{self.off_flag}", self.setting, default=None, help=help_text
            )
        return click.option(self.flag, self.setting, type=self.type, default=None, help=help_text)


# The names the registries offer, for ``LazyChoice``: the registries' modules import NumPy.
def _hidden_activations() -> Iterable[str]:
    from ..core.activations import HIDDEN_ACTIVATIONS

    return HIDDEN_ACTIVATIONS


def _activations() -> Iterable[str]:
    from ..core.activations import ACTIVATIONS

    return ACTIVATIONS


def _losses() -> Iterable[str]:
    from ..core.losses import LOSSES

    return LOSSES


def _optimizers() -> Iterable[str]:
    from ..core.optimizers import OPTIMIZERS

    return OPTIMIZERS


#: Every training setting of ``RunSettings`` as a command-line option, in help order.
TRAINING_OPTIONS: tuple[TrainingOption, ...] = (
    TrainingOption("hidden", "--hidden", HiddenSizes(),
                   "Hidden layer sizes: 32, 64,32 (two layers) or none."),
    TrainingOption("activation", "--activation", LazyChoice(_hidden_activations),
                   "Activation of the hidden neurons."),
    TrainingOption("output", "--output", LazyChoice(_activations),
                   "Activation of the output neurons."),
    TrainingOption("loss", "--loss", LazyChoice(_losses),
                   "What training minimises."),
    TrainingOption("optimizer", "--optimizer", LazyChoice(_optimizers),
                   "How the weights walk downhill."),
    TrainingOption("learning_rate", "--learning-rate",
                   FiniteFloatRange(min=0, min_open=True), "Size of the steps downhill."),
    TrainingOption("momentum", "--momentum", FiniteFloatRange(0, 1, max_open=True),
                   "SGD momentum: how much of the last step carries on."),
    TrainingOption("nesterov", "--nesterov", click.BOOL,
                   "SGD with Nesterov momentum.", off_flag="--no-nesterov"),
    TrainingOption("batch_size", "--batch-size", click.IntRange(min=1),
                   "Images per step (1 = the article's one image at a time)."),
    TrainingOption("epochs", "--epochs", click.IntRange(min=1),
                   "The most passes over the training images."),
    TrainingOption("early_stopping", "--early-stopping", click.BOOL,
                   "Stop when the validation loss stops improving, keep the best epoch.",
                   off_flag="--no-early-stopping"),
    TrainingOption("patience", "--patience", click.IntRange(min=1),
                   "Epochs without improvement before early stopping."),
    TrainingOption("validation_fraction", "--validation-fraction",
                   FiniteFloatRange(0, 1, max_open=True),
                   "Share of the training images held out to watch for overfitting."),
    TrainingOption("l2", "--l2", FiniteFloatRange(min=0), "Weight decay strength."),
    TrainingOption("input_noise", "--input-noise", FiniteFloatRange(min=0),
                   "Noise added to training pixels each epoch (0 = off)."),
    TrainingOption("average_from", "--average-from", WholeOrNone(),
                   "Average the weights of every epoch from this one on (none = off)."),
    TrainingOption("shift_pixels", "--shift-pixels", click.IntRange(min=0),
                   "Move training images by up to this many pixels each epoch (0 = off)."),
    TrainingOption("seed", "--seed", click.IntRange(min=0),
                   "Seed of the split, the starting weights and the shuffling."),
    TrainingOption("test_fraction", "--test-fraction",
                   FiniteFloatRange(0, 1, min_open=True, max_open=True),
                   "Share of the images set aside to test on."),
    TrainingOption("dtype", "--dtype", click.Choice(["float32", "float64"]),
                   "Floating point type of the weights."),
    TrainingOption("data", "--data", click.STRING,
                   "The images: digits, optdigits:PATH, mnist:DIR, csv:PATH (csv/255:PATH "
                   "divides the numbers by 255) or images:DIR."),
)  # fmt: skip


def training_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: add every ``TRAINING_OPTIONS`` row to a click command.

    Options not given arrive as None, meaning "the ``RunSettings`` default"; pass the
    keyword arguments to ``settings_from_options``.
    """
    for row in reversed(TRAINING_OPTIONS):
        command = row.option()(command)
    return command


def settings_from_options(**options: Any) -> RunSettings:
    """The ``RunSettings`` the options ask for; None (not given) keeps the default.

    Keys that are not training settings (``out``, ``db``, ...) are ignored, so a
    command can pass all its keyword arguments. ``OFF`` ("none") means the setting's
    None (e.g. no weight averaging).

    Raises
    ------
    ConfigError
        If the combination is invalid.
    """
    names = {row.setting for row in TRAINING_OPTIONS}
    can_be_off = {row.setting for row in TRAINING_OPTIONS if isinstance(row.type, WholeOrNone)}
    chosen = {name: value for name, value in options.items() if name in names and value is not None}
    for name in can_be_off & chosen.keys():
        if chosen[name] == OFF:
            chosen[name] = None
    if "data" in chosen:
        from ..data.spec import absolute_data_spec

        chosen["data"] = absolute_data_spec(chosen["data"])
    return RunSettings(**chosen)


# ====================================================================== the group
def _remember_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[_DEBUG_KEY] = bool(value)
    return value


@click.group(cls=GlassnetGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="glassnet")
@click.option(
    "--debug",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_remember_debug,
    help="Show the full traceback when something fails.",
)
def main() -> None:
    """glassnet: a neural network you can see through.

    Train a small network on the 8x8 handwritten digits, look inside it, and
    compare runs. Start with:

    \b
      glassnet show 0          a digit as the 64 numbers the network sees
      glassnet train           train a 64-32-10 network (about 98% on test images)
      glassnet predict runs/model-1.npz my_digit.png
      glassnet runs            every training run so far
    """


# ====================================================================== pictures in text
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


def echo_lines(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(line)


# ====================================================================== train
def format_epoch(history: Any, total: int) -> str:
    """One line about the last epoch: ``epoch 3/150  loss 0.1234  acc 97.1%  val_loss ...``."""
    epoch = history.epochs
    parts = [f"epoch {epoch}/{total}"]
    if history.train_loss:  # empty when trained with score_training=False
        parts += [f"loss {history.train_loss[-1]:.4f}",
                  f"acc {percent(history.train_accuracy[-1])}"]
    if history.validation_loss:
        parts += [
            f"val_loss {history.validation_loss[-1]:.4f}",
            f"val_acc {percent(history.validation_accuracy[-1])}",
        ]
    return "  ".join(parts)


class EpochReporter:
    """The training callback that shows progress after every epoch.

    On a terminal it draws a tqdm progress bar; when the output goes to a file or a
    pipe (or a test) it writes one plain line per epoch instead, which reads well in
    a log. Use it as a context manager so the bar is closed however training ends.

    A training resumed from a checkpoint after epoch k starts its bar at k, not 0:
    the bar then shows how far the whole run is, and its rate and time left count
    only the epochs trained now. (The plain lines need nothing for that: the resumed
    history already holds the first k epochs, so they read ``epoch k+1/N`` on.)

    Parameters
    ----------
    total : int
        The most epochs the run may take.
    quiet : bool
        Show nothing.
    use_bar : bool, optional
        Force the bar on or off; default: on when standard error is a terminal.
    initial : int
        The epochs already done before this run starts (a resumed checkpoint's epoch).
    """

    def __init__(self, total: int, *, quiet: bool = False, use_bar: bool | None = None,
                 initial: int = 0) -> None:
        self.total = total
        self.quiet = quiet
        self.use_bar = sys.stderr.isatty() if use_bar is None else use_bar
        self.initial = initial
        self._bar: Any = None

    def __enter__(self) -> EpochReporter:
        if self.use_bar and not self.quiet:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, initial=self.initial, unit="epoch",
                             file=sys.stderr, dynamic_ncols=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __call__(self, history: Any, network: Any) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(
                format_epoch(history, self.total).split("  ", 1)[1], refresh=False
            )
            self._bar.update(history.epochs - self._bar.n)  # the bar follows the history
        else:
            click.echo(format_epoch(history, self.total), err=True)


#: How a recorded run's ``stop_reason`` reads in ``runs show`` and ``runs compare``.
_RECORDED_STOP_REASONS = {
    "completed": "all epochs done",
    "early_stopping": "early stopping",
    "interrupted": "Ctrl-C",
    "callback": "Stop button or a callback",
}


def stop_words(reason: Any) -> str:
    """A recorded ``stop_reason`` in words ("callback" is the explorer's Stop button)."""
    return _RECORDED_STOP_REASONS.get(reason, "-" if reason is None else str(reason))


_STOP_REASONS = {
    "completed": "after all {epochs} epochs",
    "early_stopping": "early stopping after epoch {epochs}: the validation loss stopped improving;"
    " kept the best epoch, {best}",
    "interrupted": "INTERRUPTED (Ctrl-C) after epoch {epochs}: the network learned so far"
    " is saved and recorded",
    "callback": "stopped after epoch {epochs}",
}


def averaged_text(history: Any) -> str:
    """ ", weights averaged over the last N epochs" when weight averaging was on."""
    averaged = getattr(history, "averaged_epochs", 0)
    return f"; weights averaged over the last {averaged} epochs" if averaged else ""


def plural(count: int, noun: str) -> str:
    """``plural(1, "run")`` -> "1 run", ``plural(3, "run")`` -> "3 runs"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def checkpoint_plan(
    options: dict[str, Any],
    out: Path | None,
    db: Path,
    every: int | None,
    checkpoint_path: Path | None,
    resume_path: Path | None,
) -> tuple[RunSettings, Any, Any]:
    """The settings, the checkpoint to resume (or None) and the checkpoint hook (or None).

    A resumed training takes its settings from the checkpoint, because carrying on
    with other settings would be a different training; only ``--epochs`` may change,
    to go further. Checkpoints are written when any of the three options is given.
    """
    from ..store.checkpoints import Checkpointer, load_checkpoint

    resume = None
    if resume_path is None:
        settings = settings_from_options(**options)
    else:
        given = sorted(row.flag for row in TRAINING_OPTIONS
                       if options.get(row.setting) is not None and row.setting != "epochs")
        if given:
            raise click.UsageError(
                f"--resume carries on with the checkpoint's own settings; only --epochs may be "
                f"given with it, not {', '.join(given)}"
            )
        resume = load_checkpoint(resume_path)
        if resume.settings is None:
            raise ConfigError(f"{resume_path} does not record its settings, so glassnet train "
                              "cannot carry it on (resume it from Python with train(resume=...))")
        settings = RunSettings.from_dict(resume.settings)
        if options.get("epochs") is not None:
            settings = settings.replace(epochs=options["epochs"])
    if every is None and checkpoint_path is None and resume_path is None:
        return settings, resume, None
    if checkpoint_path is None:
        if resume_path is not None:
            checkpoint_path = resume_path
        elif out is not None:
            checkpoint_path = out.with_name(f"{out.stem}.checkpoint.npz")
        else:
            checkpoint_path = db.parent / f"checkpoint-{datetime.now():%Y%m%d-%H%M%S}.npz"
    return settings, resume, Checkpointer(checkpoint_path, settings=settings.to_dict())


def describe_checkpoint(checkpoint: Any) -> str:
    from ..store.checkpoints import describe

    return describe(checkpoint)


@main.command(context_settings=CONTEXT_SETTINGS)
@training_options
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to save the model [default: model-<run id>.npz next to the database, "
         "model-<name>-<run id>.npz beside a --db not called glassnet.db; never over a file].",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DATABASE_PATH,
    show_default=True,
    help="The runs database to record the run in.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress, just the results.")
@click.option("--checkpoint-every", type=click.IntRange(min=1), metavar="N",
              help="Write a checkpoint every N epochs (and at the end, and on Ctrl-C).")
@click.option("--checkpoint", "checkpoint_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The checkpoint file [default: <out>.checkpoint.npz, or next to the database; "
                   "with --resume: the checkpoint resumed].")
@click.option("--resume", "resume_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="CHECKPOINT",
              help="Carry on a training from its checkpoint, with its settings (only --epochs "
                   "may change); the result is bit for bit that of an unbroken run.")
def train(out: Path | None, db: Path, quiet: bool, checkpoint_every: int | None,
          checkpoint_path: Path | None, resume_path: Path | None, **options: Any) -> None:
    """Train a network on the digits, test it, save it and record the run.

    The defaults train a 64-32-10 network (ReLU hidden neurons, softmax outputs,
    cross-entropy loss, SGD with momentum) to about 98% on test images in seconds. The
    source's own network is:

    \b
      glassnet train --activation sigmoid --output sigmoid --loss squared_error \\
                     --optimizer sgd --learning-rate 1 --momentum 0 --batch-size 10 \\
                     --epochs 60 --input-noise 0 --average-from none

    Press Ctrl-C to stop early: the network learned so far is still saved and recorded.
    With --checkpoint-every N a long training can be killed and carried on later with
    --resume CHECKPOINT.
    """
    import numpy as np

    from ..app.experiment import run
    from ..app.recording import save_and_record_run
    from ..data.spec import load_dataset, scale_advice
    from ..store.atomicfile import writable_target

    if out is not None and out.suffix.lower() == ".json":
        raise click.BadParameter(
            "a model is saved as .npz; for a JSON copy use glassnet export MODEL --json OUT",
            param_hint="'--out'",
        )
    # Before the training, not after it: a path glassnet will not write over fails now.
    for what, path in (("model file", out), ("runs database", db),
                       ("checkpoint", checkpoint_path)):
        if path is not None:
            writable_target(path, what=what)
    refuse_same_file(("--out", out), ("--db", db), ("--checkpoint", checkpoint_path))
    settings, resume, checkpointer = checkpoint_plan(
        options, out, db, checkpoint_every, checkpoint_path, resume_path
    )
    data = load_dataset(settings.data)  # a wrong --data fails before anything is printed
    if resume is not None and not quiet:
        click.echo(f"resuming from {resume_path}: {describe_checkpoint(resume)}")
        from ..training import nothing_left_to_train

        if nothing_left_to_train(resume.state, settings.epochs):
            click.echo("that training had finished: nothing is left to train, so its network is "
                       "saved and recorded as it was")
    if not quiet:
        click.echo(
            f"training on {settings.data}: hidden {format_hidden(settings.hidden)}, "
            f"{settings.activation} hidden, {settings.output} output, {settings.loss}, "
            f"{settings.optimizer} (learning rate {settings.effective_learning_rate:g}), "
            f"up to {settings.epochs} epochs, seed {settings.seed}"
        )
    advice = scale_advice(data, settings.data)
    if advice is not None:
        click.echo(f"note: {advice}", err=True)
    with EpochReporter(settings.epochs, quiet=quiet,
                       initial=0 if resume is None else resume.epoch) as reporter:
        try:
            result = run(settings, data, callbacks=[reporter],
                         resume=None if resume is None else resume.state,
                         checkpoint=checkpointer, checkpoint_every=checkpoint_every or 1)
        except TrainingDiverged as error:
            # The library's message says what the network object keeps; here no model
            # file is written and no run recorded, which is what a user needs to know.
            raise TrainingDiverged(
                f"{error.problem} No model was saved and the run was not recorded."
            ) from error
    history = result.history
    saved = save_and_record_run(db, result, source="cli", model_path=out)
    model_path, run_id, note = saved.model_path, saved.run_id, saved.saved

    network = result.network
    reason = _STOP_REASONS.get(history.stop_reason, history.stop_reason)
    if history.epochs == 1:
        reason = reason.replace("all {epochs} epochs", "its one epoch")
    test = result.test_evaluation
    lines = [
        f"network: {'-'.join(map(str, network.sizes))} ({network.n_parameters:,} parameters)",
        f"ended: {reason.format(epochs=history.epochs, best=history.best_epoch)}"
        + averaged_text(history),
        f"train accuracy: {percent(result.train_accuracy)} "
        f"({len(result.train_evaluation.y_true)} training images)",
        f"test accuracy: {percent(result.test_accuracy)} "
        f"({int(np.trace(test.confusion))} of {len(test.y_true)} test images, never seen in "
        "training)",
        f"test accuracy per {class_noun(settings.data)}:",
        *per_class_lines(test.per_class_accuracy),
        f"time: {result.seconds:.1f} s",
        f"model saved to: {model_path}",
    ]
    if note:
        lines.append(f"note: {note}")
    if checkpointer is not None and checkpointer.saved:
        lines.append(f"checkpoint: {checkpointer.path} (after epoch {checkpointer.last_epoch})")
    if run_id is not None:
        lines.append(
            f"run recorded as #{run_id} in {db} (see: glassnet runs show {run_id}{db_hint(db)})"
        )
    if not quiet and run_id in (None, 1):  # a new runs database: most likely a newcomer
        lines += ["", *training_words(settings, history, result)]
    echo_lines(lines)
    if saved.not_recorded is not None:
        raise click.ClickException(
            f"the model was saved to {model_path}, but the run was not recorded: "
            f"{saved.not_recorded}"
        )


def training_words(settings: Any, history: Any, result: Any) -> list[str]:
    """What the words of ``glassnet train``'s output mean, for the first run of a database.

    Only the words this run's output used are explained, each in a line or two.
    """
    lines = ["what the words above mean:"]
    if history.validation_loss:
        held_back = round(settings.validation_fraction * 100)
        lines += [
            f"  val, validation: {held_back}% of the training images, held back from the steps "
            "and",
            "    scored after every epoch: how the network does on images it is not learning",
            "    from (the test images stay unseen until the very end)",
        ]
        if history.validation_accuracy[-1] < result.test_accuracy:
            lines += [
                f"  val_acc {percent(history.validation_accuracy[-1])} is below the test "
                f"accuracy {percent(result.test_accuracy)}: both are small",
                "    samples, so a few images more or less right move either by a point",
            ]
    if getattr(history, "averaged_epochs", 0):
        lines += [
            f"  weights averaged over the last {history.averaged_epochs} epochs: the saved "
            "network's weights",
            "    are the average of its weights after each of those epochs, which sits nearer",
            "    the bottom of the loss valley than any one of them",
        ]
    if history.stop_reason == "early_stopping" and history.best_epoch is not None:
        lines += [
            f"  best epoch ({history.best_epoch}): the epoch with the lowest validation loss; "
            "the network",
            "    keeps the weights it had then",
        ]
    lines += ["  (explained for the first run of each runs database)"]
    return lines if len(lines) > 2 else []


def refuse_same_file(*named: tuple[str, Path | None]) -> None:
    """A usage error when two options name one file (``--out runs/glassnet.db`` would
    write the model over every recorded run)."""
    seen: dict[Path, str] = {}
    for flag, path in named:
        if path is None:
            continue
        key = Path(os.path.realpath(path))  # a link's target; a looping link is itself
        if key in seen:
            raise click.BadParameter(
                f"{path} is also the {seen[key]} file; give each its own file",
                param_hint=f"'{flag}'",
            )
        seen[key] = flag


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


# ====================================================================== evaluate
def load_model(path: Path) -> tuple[Any, dict[str, Any]]:
    """The network in ``path`` (.npz or exported .json) and its metadata."""
    from ..store.modelfile import load_any, read_metadata

    network = load_any(path)
    return network, read_metadata(path)


def confusion_lines(classes: Sequence[Any], confusion: np.ndarray) -> list[str]:
    """The confusion matrix as a table: a row per true class, a column per guess."""
    labels = [str(label) for label in classes]
    width = max(3, *(len(label) for label in labels), len(str(int(confusion.max(initial=0)))))
    corner = "true\\guess"
    header = corner + " " + " ".join(f"{label:>{width}}" for label in labels)
    lines = [header]
    for label, row in zip(labels, confusion, strict=True):
        cells = " ".join(f"{int(count) if count else '.':>{width}}" for count in row)
        lines.append(f"{label:>{len(corner)}} {cells}")
    return lines


def mistake_pictures(data: Any, evaluation: Any, count: int, per_row: int = 4) -> list[str]:
    """The first ``count`` misclassified images as text pictures, with true and guessed labels."""
    import numpy as np

    shape = data.image_shape  # the dataset knows whether its rows are pictures
    if shape is None:
        return ["(these images have no picture shape to draw)"]
    blocks = []
    for index in evaluation.mistakes[:count]:
        picture = framed(shade_rows(np.asarray(data.X[index]).reshape(shape)))
        caption = f"true {evaluation.y_true[index]} guess {evaluation.y_pred[index]}"
        blocks.append([caption, *picture])
    lines: list[str] = []
    for start in range(0, len(blocks), per_row):
        lines += [*side_by_side(blocks[start : start + per_row]), ""]
    return lines


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--data", help="Images to score on (digits, csv:PATH, ...) [default: as trained].")
@click.option(
    "--test-fraction",
    type=FiniteFloatRange(0, 1, min_open=True, max_open=True),
    help="Split off this share to score on [default: as trained].",
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed of the split [default: as trained].")
@click.option("--all", "use_all", is_flag=True, help="Score on every image, not the test split.")
@click.option(
    "--mistakes",
    type=click.IntRange(min=0),
    default=0,
    help="Draw this many misclassified images in the terminal.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="How many most-confused pairs to list.",
)
def evaluate(
    model: Path,
    data: str | None,
    test_fraction: float | None,
    seed: int | None,
    use_all: bool,
    mistakes: int,
    top: int,
) -> None:
    """Score a saved model: accuracy, confusion matrix, per-class accuracy, mistakes.

    MODEL is a .npz model file or its exported .json copy. By default it is scored on
    the test images of its own training run (the same data, test fraction and seed,
    read from the model file), so the score is honest.
    """
    import numpy as np

    from ..app.scoring import images_to_score, training_settings
    from ..core.metrics import evaluate as evaluate_model

    network, meta = load_model(model)
    images, which = images_to_score(meta, data, test_fraction, seed, use_all)
    scored_data = data or training_settings(meta).get("data") or "digits"
    evaluation = evaluate_model(network, images)
    right = int(np.trace(evaluation.confusion))
    lines = [
        f"model: {model} ({'-'.join(map(str, network.sizes))}, "
        f"{network.hidden_activation.name} hidden, {network.output_activation.name} output)",
        f"images: {which}",
        f"accuracy: {percent(evaluation.accuracy)} ({right} of {len(evaluation.y_true)} right)",
        "",
        f"confusion matrix (rows: the true {class_noun(scored_data)}, columns: the "
        "guess; . = 0):",
        *confusion_lines(evaluation.classes, evaluation.confusion),
        "",
        "accuracy per class:",
        *per_class_lines(evaluation.per_class_accuracy),
        "",
    ]
    pairs = evaluation.most_confused(top)
    if pairs:
        lines.append("most confused (true -> guessed):")
        lines += [
            f"  {true} -> {guess}: {count} time{'s' * (count != 1)}" for true, guess, count in pairs
        ]
    else:
        lines.append("no mistakes at all")
    if mistakes and pairs:
        shown = min(mistakes, len(evaluation.mistakes))
        lines += ["", f"{shown} of the {len(evaluation.mistakes)} mistakes:", ""]
        lines += mistake_pictures(images, evaluation, mistakes)
    echo_lines(lines)


# ====================================================================== predict
_NUMBER_SEPARATORS = re.compile(r"[\s,;]+")


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
        numbers = parse_numbers([sys.stdin.read()])
        if numbers is None:
            raise DataError("standard input must hold only numbers (separated by spaces or commas)")
        return group_numbers(numbers, n_inputs, "standard input")
    is_file = [is_existing_file(text) for text in inputs]
    if all(is_file):
        from ..data.preprocess import prepare_image_file

        return [(text, prepare_image_file(text)) for text in inputs]
    for text, found in zip(inputs, is_file, strict=True):
        if found or parse_numbers([text]) is not None:
            continue
        if is_existing_file(text, any_kind=True):
            raise DataError(f"{text}: not a file (give picture files, numbers or '-')")
        raise DataError(
            f"{text}: no such file, and not a number; INPUT is picture files, "
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
            f"{where}: got {len(numbers)} numbers, but this network takes {n_inputs} per image "
            f"(one for each input neuron); give {n_inputs} numbers"
            + (", or a multiple of that for several images" if numbers else "")
        )
    values = np.asarray(numbers, dtype=float).reshape(-1, n_inputs)
    if not np.isfinite(values).all():
        raise DataError(f"{where}: the numbers must be finite (no nan or inf)")
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


# ====================================================================== show
@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("index", metavar="N", type=click.IntRange(min=0))
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


# ====================================================================== plot
def _plot_kinds() -> Iterable[str]:
    from ..plots import PLOT_KINDS

    return PLOT_KINDS


_NEEDS_MODEL = ("weights", "curves", "confusion", "slope")


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("kind", type=LazyChoice(_plot_kinds))
@click.argument("model", required=False, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PNG file to write.",
)
@click.option("--data", default=None, help="Images to use [default: digits, or as trained].")
@click.option(
    "--index",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Which image, for 'digit'.",
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=40,
    show_default=True,
    help="How many images, for 'digits'.",
)
@click.option(
    "--run", "run_id", type=int, help="For 'curves': a run id from the database instead of MODEL."
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DATABASE_PATH,
    show_default=True,
    help="The runs database, for --run.",
)
def plot(
    kind: str,
    model: Path | None,
    output: Path,
    data: str | None,
    index: int,
    count: int,
    run_id: int | None,
    db: Path,
) -> None:
    """Draw a picture as a PNG file.

    \b
    KIND is one of:
      digits      a grid of training digits               (no MODEL)
      digit       one digit with its 64 numbers (--index) (no MODEL)
      sigmoid     the sigmoid activation function          (no MODEL)
      weights     each hidden neuron's 64 weights as an 8x8 picture, with the
                  training digits that excite it most      (MODEL)
      curves      loss and accuracy per epoch of a run     (MODEL, or --run ID)
      confusion   the confusion matrix on the test images  (MODEL)
      slope       the loss as one weight changes, and its slope (MODEL)
    """
    from .. import plots
    from ..app.scoring import images_to_score, training_images, training_settings
    from ..data.spec import load_dataset

    needs_model = kind in _NEEDS_MODEL and not (kind == "curves" and run_id is not None)
    if needs_model and model is None:
        raise click.UsageError(f"plot {kind} needs a MODEL file (e.g. runs/model-1.npz)")
    if not needs_model and model is not None and kind != "curves":
        raise click.UsageError(f"plot {kind} takes no MODEL")
    output.parent.mkdir(parents=True, exist_ok=True)
    plots.check_figure_path(output)  # before drawing, which can take seconds

    if kind == "digits":
        figure = plots.digits_grid(load_dataset(data or "digits"), count)
    elif kind == "digit":
        figure = plots.digit_numbers(load_dataset(data or "digits"), index)
    elif kind == "sigmoid":
        figure = plots.sigmoid_curve()
    elif kind == "curves":
        figure = plots.training_curves(run_history(model, run_id, db))
    else:
        network, meta = load_model(model)
        if kind == "weights":
            figure = plots.hidden_weights(network, training_images(meta, data))
        elif kind == "confusion":
            from ..core.metrics import evaluate as evaluate_model

            images, _ = images_to_score(meta, data, None, None, False)
            figure = plots.confusion(evaluate_model(network, images))
        else:  # slope
            loss = training_settings(meta).get("loss")
            figure = plots.loss_slope(network, training_images(meta, data), loss=loss)
    plots.save_figure(figure, output)
    click.echo(f"wrote {output}")


def run_history(model: Path | None, run_id: int | None, db: Path) -> Any:
    """The training History of a run: from the runs database (``--run``) or the model file."""
    from ..training import History

    if run_id is not None:
        with open_existing_database(db) as database:
            return History.from_dict(database.get_run(run_id)["history"])
    assert model is not None
    _, meta = load_model(model)
    training = meta.get("training")
    history = training.get("history") if isinstance(training, dict) else None
    if not isinstance(history, dict):
        raise DataError(
            f"{model} has no training history (it was not trained by glassnet train, or the "
            "history was too long to store); use --run ID to read it from the runs database"
        )
    return History.from_dict(history)


# ====================================================================== runs
def open_existing_database(path: Path) -> Any:
    """The runs database at ``path``, refusing to create one just to read from it."""
    from ..store.runs import RunsDatabase

    if not path.exists():
        raise RunsDatabaseError(
            f"there is no runs database at {path} yet: glassnet train creates it "
            "(or give the right file with --db)"
        )
    return RunsDatabase(path)


_db_option = click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help=f"The runs database [default: {DEFAULT_DATABASE_PATH}].",
)  # fmt: skip


def database_path(ctx: click.Context, db: Path | None) -> Path:
    """``--db`` of the subcommand, else of ``glassnet runs``, else the default."""
    if db is not None:
        return db
    parent = (ctx.parent.params.get("db") if ctx.parent is not None else None) or None
    return parent or DEFAULT_DATABASE_PATH


def short_time(created: str) -> str:
    """``2026-11-26T12:51:34+00:00`` -> ``2026-11-26 12:51`` (UTC)."""
    return created[:16].replace("T", " ")


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


@main.group(cls=GlassnetGroup, invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@_db_option
@click.pass_context
def runs(ctx: click.Context, db: Path | None) -> None:
    """The runs database: every training run, to compare (default: list).

    \b
      glassnet runs                 the recorded runs
      glassnet runs show 3          everything about run 3
      glassnet runs compare 3 4     runs side by side, changed settings marked
      glassnet runs sweeps          the sweeps
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(runs_list, db=db)


@runs.command("list", context_settings=CONTEXT_SETTINGS)
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the latest N runs.")
@click.option("--sweep", "sweep_id", default=None, help="Only the runs of this sweep.")
@click.pass_context
def runs_list(
    ctx: click.Context, db: Path | None, limit: int | None = None, sweep_id: str | None = None
) -> None:
    """List the recorded runs, oldest first."""
    path = database_path(ctx, db)
    if not path.exists():
        click.echo(f"no runs recorded yet in {path} (glassnet train records every run there)")
        return
    with open_existing_database(path) as database:
        recorded = database.list_runs(limit=limit, sweep_id=sweep_id)
    if not recorded:
        if sweep_id is not None:
            click.echo(
                f"no runs of sweep {sweep_id!r} in {path} "
                f"(see: glassnet runs sweeps{db_hint(path)})"
            )
        else:
            click.echo(f"no runs recorded yet in {path}")
        return
    header = [
        "id",
        "time (UTC)",
        "source",
        "hidden",
        "activation",
        "loss",
        "optimizer",
        "epochs",
        "test acc",
    ]
    rows = []
    for run in recorded:
        settings = run["settings"]
        rows.append(
            [
                run["id"],
                short_time(run["created"]),
                run["source"],
                format_hidden(settings.get("hidden") or []),
                settings.get("activation", "-"),
                settings.get("loss", "-"),
                settings.get("optimizer", "-"),
                run["epochs"] if run["epochs"] is not None else "-",
                percent(run["test_accuracy"]),
            ]
        )
    echo_lines(table(header, rows, right=(0, 7, 8)))


@runs.command("show", context_settings=CONTEXT_SETTINGS)
@click.argument("run_id", metavar="ID", type=int)
@_db_option
@click.option("--epochs", "show_epochs", is_flag=True, help="Also list every epoch.")
@click.pass_context
def runs_show(ctx: click.Context, run_id: int, db: Path | None, show_epochs: bool) -> None:
    """Everything recorded about one run."""
    with open_existing_database(database_path(ctx, db)) as database:
        run = database.get_run(run_id)
    scores, history = run["scores"], run["history"]
    lines = [
        f"run #{run['id']}  {short_time(run['created'])} UTC  source: {run['source']}"
        + (f"  sweep: {run['sweep_id']}" if run["sweep_id"] else ""),
        f"data: {run['data']}   seed: {run['seed']}   glassnet {run['glassnet_version']}",
        f"model: {run['model_path'] or '(not saved)'}",
        "",
        "settings:",
        *(
            f"  {name:<20} {setting_text(name, value, run['settings'])}"
            for name, value in run["settings"].items()
        ),
        "",
        f"train accuracy: {percent(run['train_accuracy'])}",
        f"test accuracy:  {percent(run['test_accuracy'])}",
        f"epochs: {run['epochs']} (best {scores.get('best_epoch')}, "
        f"ended: {stop_words(scores.get('stop_reason'))})   "
        f"time: {seconds_text(run['seconds'])}",
    ]
    per_class = scores.get("per_class_accuracy")
    if isinstance(per_class, dict):
        lines += ["test accuracy per class:", *per_class_lines(per_class)]
    if show_epochs and history.get("train_loss"):
        lines += ["", *epoch_table(history)]
    echo_lines(lines)


def epoch_table(history: dict[str, Any]) -> list[str]:
    """A history dict as one row per epoch."""
    columns = [
        key
        for key in ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy")
        if history.get(key)
    ]
    rows = []
    for epoch in range(len(history["train_loss"])):
        cells: list[Any] = [epoch + 1]
        for key in columns:
            value = history[key][epoch]
            cells.append(percent(value) if "accuracy" in key else f"{value:.4f}")
        rows.append(cells)
    return table(["epoch", *columns], rows, right=tuple(range(len(columns) + 1)))


def setting_text(name: str, value: Any, settings: dict[str, Any] | None = None) -> str:
    """A recorded setting as text: hidden sizes as "64,32", a default learning rate named."""
    if name == "hidden":
        return format_hidden(value or [])
    if value is None and name == "learning_rate":
        optimizer = (settings or {}).get("optimizer")
        rate = DEFAULT_LEARNING_RATES.get(optimizer)
        return f"{rate:g} ({optimizer} default)" if rate is not None else "(optimizer default)"
    return str(value)


def seconds_text(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


@runs.command("compare", context_settings=CONTEXT_SETTINGS)
@click.argument("run_ids", metavar="ID ID...", nargs=-1, required=True, type=int)
@_db_option
@click.option("--changed", "changed_only", is_flag=True, help="Only the settings that differ.")
@click.pass_context
def runs_compare(
    ctx: click.Context, run_ids: tuple[int, ...], db: Path | None, changed_only: bool
) -> None:
    """Put runs side by side: tweak, retrain, retest, compare.

    Settings that differ between the runs are marked with *: they are what could
    explain a different score.
    """
    from ..store.runs import differing_settings

    if len(run_ids) < 2:
        raise click.UsageError("compare needs at least two run ids, e.g. glassnet runs compare 1 2")
    with open_existing_database(database_path(ctx, db)) as database:
        chosen = database.compare(run_ids)
    changed = set(differing_settings(chosen))
    names: list[str] = []
    for run in chosen:
        names += [name for name in run["settings"] if name not in names]
    rows = []
    for name in names:
        if changed_only and name not in changed:
            continue
        marker = "*" if name in changed else " "
        rows.append(
            [
                f"{marker} {name}",
                *(
                    setting_text(name, run["settings"].get(name, "-"), run["settings"])
                    for run in chosen
                ),
            ]
        )
    first_test = chosen[0]["test_accuracy"]
    rows.append(["", *([""] * len(chosen))])
    rows.append(["  test accuracy", *(percent(run["test_accuracy"]) for run in chosen)])
    if first_test is not None:
        rows.append(
            [
                "  vs first run",
                "",
                *(
                    f"{100 * (run['test_accuracy'] - first_test):+.1f} points"
                    if run["test_accuracy"] is not None
                    else "-"
                    for run in chosen[1:]
                ),
            ]
        )
    rows += [
        ["  train accuracy", *(percent(run["train_accuracy"]) for run in chosen)],
        ["  epochs", *(str(run["epochs"]) for run in chosen)],
        ["  best epoch", *(str(run["scores"].get("best_epoch")) for run in chosen)],
        ["  ended", *(stop_words(run["scores"].get("stop_reason")) for run in chosen)],
        ["  time", *(seconds_text(run["seconds"]) for run in chosen)],
    ]
    header = ["", *(f"#{run['id']}" for run in chosen)]
    lines = table(header, rows)
    if changed:
        lines += ["", f"* differs: {', '.join(name for name in names if name in changed)}"]
    else:
        lines += ["", "the settings are all the same"]
    echo_lines(lines)


@runs.command("sweeps", context_settings=CONTEXT_SETTINGS)
@_db_option
@click.pass_context
def runs_sweeps(ctx: click.Context, db: Path | None) -> None:
    """List the sweeps (grids of settings x seeds) and how far each got."""
    path = database_path(ctx, db)
    if not path.exists():
        click.echo(f"no sweeps recorded yet in {path}")
        return
    with open_existing_database(path) as database:
        sweeps = database.list_sweeps()
    if not sweeps:
        click.echo(f"no sweeps recorded yet in {path}")
        return
    rows = [
        [
            sweep["id"],
            short_time(sweep["created"]),
            sweep["status"],
            sweep["n_runs"],
            percent(sweep["best_test_accuracy"]),
        ]
        for sweep in sweeps
    ]
    echo_lines(table(["id", "time (UTC)", "status", "runs", "best test acc"], rows, right=(3, 4)))


# ====================================================================== explore
@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("model", required=False, type=click.Path(path_type=Path))
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Anything but this machine needs --allow-remote.")
@click.option("--allow-remote", is_flag=True,
              help="Allow --host to be an address other machines can reach.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_DATABASE_PATH, show_default=True,
              help="The runs database where live trainings are recorded.")
def explore(model: Path | None, port: int, host: str, allow_remote: bool, db: Path) -> None:
    """Open the explorer: draw a digit and watch it flow through the network.

    Serves a web page on this machine (http://127.0.0.1:8000/ by default) where you
    draw a digit and see the 64 numbers the network gets, every neuron's value, the
    guess; click a neuron to see its weights and its arithmetic; train a network
    live; follow one weight's slope downhill; and set the 0-vs-1 weights by hand.
    Without MODEL it first trains a small network (a few seconds).
    """
    from ..app.extras import require_all

    require_all("web")
    from ..web.app import create_app, default_network, find_free_port, serve
    from ..web.security import is_loopback
    if not is_loopback(host):
        if not allow_remote:
            raise click.UsageError(
                f"--host {host} would let other machines reach the explorer; add --allow-remote "
                "if you mean it"
            )
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine on port {port} can "
            "use the explorer (it has no login)",
            err=True,
        )
    port = port or find_free_port(host)
    check_port_free(host, port)
    if model is None:
        click.echo("no model given: training a small 64-32-10 network first (a few seconds)...")
        network = default_network()
    else:
        network, _ = load_model(model)
    app = create_app(network, db_path=db, host=host, port=port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"glassnet explorer: http://{shown}:{port}/   (Ctrl-C to stop)")
    serve(app, host=host, port=port)


def check_port_free(host: str, port: int) -> None:
    """Fail with a clear message when the port is taken (instead of a server traceback)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        # As uvicorn binds: a port whose last connections linger in TIME_WAIT (a
        # restart within a minute) is free to listen on again.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(
                f"cannot listen on {host}:{port} ({error.strerror or error}); "
                "choose another port with --port"
            ) from None


# ====================================================================== sweep
def sweep_option_decorators(row: TrainingOption) -> list[Callable[[Any], Any]]:
    """A ``TRAINING_OPTIONS`` row as sweep options, which take alternatives.

    ``--hidden`` is repeated, one architecture each (its value has commas of its
    own); ``--seed`` lists the seeds themselves; an on/off setting is a flag (on)
    that may also take alternatives (``--early-stopping on,off``), with its
    ``--no-...`` flag for off; every other option takes comma-separated alternatives.
    """
    default = f"[default: {row.default_text()}]"
    if row.setting == "hidden":
        return [click.option(
            "--hidden", "hidden", multiple=True, metavar="SIZES",
            help=f"{row.help} Repeat for alternatives: --hidden none --hidden 64,32. {default}",
        )]
    if row.setting == "seed":
        return [click.option(
            "--seed", "seed", default=None, metavar="S[,S...]",
            help="The seeds themselves, e.g. 0,7,42 (instead of --seeds N).",
        )]
    if row.is_switch:
        return [
            click.option(row.flag, row.setting, is_flag=False, flag_value="on", default=None,
                         metavar="[on,off]", help=f"{row.help} Alone: on. {default}"),
            click.option(row.off_flag, f"no_{row.setting}", is_flag=True, default=False,
                         help=f"The same as {row.flag} off."),
        ]
    return [click.option(
        row.flag, row.setting, default=None, metavar="V[,V...]",
        help=f"{row.help} {default}",
    )]  # fmt: skip


def sweep_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: every training option, as ``sweep_option_decorators`` makes it."""
    for row in reversed(TRAINING_OPTIONS):
        for decorator in reversed(sweep_option_decorators(row)):
            command = decorator(command)
    return command


def sweep_grid_from_options(**options: Any) -> dict[str, list[Any]]:
    """The sweep's grid (setting -> list of alternatives) from its options.

    Options not given are left out (they keep the ``RunSettings`` defaults); the
    seed is not part of the grid (see ``sweep_seeds``).

    Raises
    ------
    click.UsageError
        For a value the training option refuses (exit status 2).
    """
    grid: dict[str, list[Any]] = {}
    for row in TRAINING_OPTIONS:
        if row.setting == "seed":
            continue
        if row.setting == "hidden":
            texts = list(options.get("hidden") or ())
        else:
            given = options.get(row.setting)
            texts = [] if given is None else [part.strip() for part in str(given).split(",")]
            if row.is_switch and options.get(f"no_{row.setting}"):
                texts.append("off")
        if not texts:
            continue
        values = []
        for text in texts:
            try:
                value = row.convert(text)
            except ConfigError as error:  # its message starts with the option's name
                raise click.UsageError(str(error)) from None
            values.append(None if isinstance(row.type, WholeOrNone) and value == OFF else value)
        grid[row.setting] = list(dict.fromkeys(values))
    return grid


def sweep_seeds(n_seeds: int | None, seed_text: str | None) -> int | list[int]:
    """``--seeds N`` (seeds 0..N-1) or ``--seed 0,7,42`` (those seeds); not both."""
    from ..app.sweeps import DEFAULT_SEEDS

    if seed_text is None:
        return DEFAULT_SEEDS if n_seeds is None else n_seeds
    if n_seeds is not None:
        raise click.UsageError("give --seeds N (seeds 0..N-1) or --seed S,S,... (those), not both")
    row = next(row for row in TRAINING_OPTIONS if row.setting == "seed")
    try:
        return [row.convert(part.strip()) for part in seed_text.split(",")]
    except ConfigError as error:
        raise click.UsageError(str(error)) from None


def sweep_table_lines(sweep_table: Any) -> list[str]:
    """A sweep's table as text: best mean test accuracy first, one combination a line."""
    header = ["rank", *sweep_table.varying, "test acc", "std", "train acc", "fit time",
              "best epoch", "runs"]  # fmt: skip
    rows = []
    for row in sweep_table:
        best_epoch = row["best_epoch_mean"]
        runs_text = str(row["n_runs"])
        if row["n_diverged"]:
            runs_text += f" ({row['n_diverged']} diverged)"
        rows.append([
            row["rank"], *(row[name] for name in sweep_table.varying),
            percent(row["test_accuracy_mean"]), percent(row["test_accuracy_std"]),
            percent(row["train_accuracy_mean"]), seconds_text(row["fit_seconds_mean"]),
            "-" if best_epoch is None else f"{best_epoch:.1f}", runs_text,
        ])  # fmt: skip
    n_columns = len(header)
    return table(header, rows, right=(0, *range(n_columns - 6, n_columns)))


@main.command("sweep", context_settings=CONTEXT_SETTINGS)
@sweep_options
@click.option("--seeds", "n_seeds", type=click.IntRange(min=1), default=None,
              help="Train every combination with seeds 0..N-1. [default: 3]")
@click.option("--jobs", "-j", type=int, default=-1, show_default=True,
              help="Worker processes on this machine (-1: one per core).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Run on this Dask cluster instead (see docs/sweeps.md).")
@click.option("--resume", "resume_id", metavar="SWEEP_ID", default=None,
              help="Finish an interrupted sweep: train only the runs it has not recorded.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_DATABASE_PATH, show_default=True,
              help="The runs database to record every run in.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also draw accuracy against each setting (PNG).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines, just the table.")
def sweep_command(
    n_seeds: int | None,
    jobs: int,
    scheduler: str | None,
    resume_id: str | None,
    db: Path,
    plot_path: Path | None,
    quiet: bool,
    **options: Any,
) -> None:
    """Train every combination of settings with several seeds, and compare them.

    Give alternatives for any training option: --hidden once per architecture,
    commas between the others. Every combination is trained with every seed, each
    run recorded in the runs database under one sweep id, and the table shows the
    mean test accuracy over the seeds, best first, with its spread.

    \b
      glassnet sweep --hidden none --hidden 16 --hidden 64 --hidden 64,32 \\
                     --activation sigmoid,relu --learning-rate 0.1,0.5 --seeds 5
      glassnet sweep ... --scheduler tcp://10.0.0.5:8786     on a Dask cluster
      glassnet sweep --resume 20261126-130129-a67a            after Ctrl-C

    By default the runs share this machine's cores (joblib, --jobs). Press Ctrl-C
    to stop: every finished run is kept, and --resume trains only the rest.
    """
    from ..app.extras import require_extra
    from ..app.sweeps import SweepIncomplete, settings_label, sweep

    require_extra("cluster", "joblib" if scheduler is None else "distributed")  # before any output
    grid = sweep_grid_from_options(**options)
    seeds = sweep_seeds(n_seeds, options.get("seed"))
    if resume_id is not None and (grid or n_seeds is not None or options.get("seed")):
        raise click.UsageError(
            "--resume continues a sweep with the settings and seeds it started with; "
            "give no training options or seeds with it"
        )

    def report(result: dict[str, Any]) -> None:
        scores = result["scores"]
        outcome = (
            "diverged" if scores.get("diverged") else f"test {percent(scores['test_accuracy'])}"
        )
        label = settings_label(result["settings"], names=result["varying"], with_seed=True)
        click.echo(f"[{result['done']}/{result['total']}] {label}: {outcome}", err=True)

    if plot_path is not None:  # a wrong file name should not wait for the whole sweep
        from ..plots import check_figure_path

        check_figure_path(plot_path)
    where = f"the Dask cluster at {scheduler}" if scheduler else "this machine (joblib)"
    if not quiet:
        what = f"sweep {resume_id}" if resume_id else "a sweep"
        click.echo(f"running {what} on {where}; runs recorded in {db}", err=True)
    try:
        table = sweep(
            None if resume_id else grid,
            seeds=seeds, jobs=jobs, scheduler=scheduler, db_path=db, resume=resume_id,
            on_result=None if quiet else report,
        )  # fmt: skip
    except SweepIncomplete as error:
        echo_lines(sweep_table_lines(error.table))
        raise
    echo_lines(sweep_table_lines(table))
    n_runs = sum(row["n_runs"] for row in table)
    click.echo(
        f"sweep {table.sweep_id}: {plural(len(table), 'combination')} x "
        f"{plural(len(table.seeds), 'seed')}, {plural(n_runs, 'run')} recorded in {db} "
        f"(see: glassnet runs list --sweep {table.sweep_id}{db_hint(db)})"
    )
    if plot_path is not None:
        from ..plots import plot_sweep

        click.echo(f"wrote {plot_sweep(table, plot_path)}")


# ====================================================================== export
@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("model", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "json_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The JSON file to write.",
)
def export(model: Path, json_path: Path) -> None:
    """Write a readable JSON copy of MODEL: every weight, bias and setting.

    predict and evaluate accept the JSON copy too, and it reads back bit for bit.
    """
    from ..store.modelfile import export_json

    if json_path.suffix.lower() == ".npz":  # e.g. --json model.npz: would replace the model
        raise click.BadParameter(
            "the JSON copy needs its own name ending in .json (e.g. runs/model-1.json), "
            "not .npz, which is a model file's", param_hint="'--json'",
        )
    network, meta = load_model(model)
    written = export_json(network, json_path, training=meta.get("training"))
    click.echo(
        f"wrote {written} ({written.stat().st_size:,} bytes): "
        f"{'-'.join(map(str, network.sizes))} network, {network.n_parameters:,} numbers"
    )


# ====================================================================== tour
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


__all__ = [
    "TRAINING_OPTIONS",
    "EpochReporter",
    "GlassnetGroup",
    "TrainingOption",
    "main",
    "settings_from_options",
    "training_options",
]
