"""The options of every command that trains: one row per setting, and their types."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from ..app.recipes import DEFAULT_RECIPE, RECIPES, settings_for
from ..app.settings import RunSettings, format_hidden, parse_hidden
from ..core.defaults import (
    DEFAULT_LEARNING_RATES,
    DEFAULT_NUDGE,
    MAX_EPOCHS,
    MAX_SEED,
    MAX_WHOLE_NUMBER,
)
from ..errors import ConfigError, shown, shown_count

if TYPE_CHECKING:
    pass
from .group import _DEFAULTS


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
    """A whole number from 1 to ``most``, or ``none`` (returned as ``OFF``) to switch a
    feature off."""

    name = "whole_or_none"

    def __init__(self, most: int = MAX_WHOLE_NUMBER) -> None:
        self.most = most

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
        if not 1 <= number <= self.most:
            self.fail(f"expected a whole number from 1 to {self.most:,}, or 'none'; got "
                      f"{shown(value)}", param, ctx)
        return number

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "N|none"


class WholeRange(click.IntRange):
    """``click.IntRange``, but a refused value is shown short (``errors.shown``).

    click repeats a refused value whole: ``--epochs`` followed by a number of 5,000
    digits printed all of them. The range is written as click writes it (1<=x<=9).
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?[0-9]+", text):  # one sign at most, then digits
                self.fail(f"{shown(value)} is not a whole number", param, ctx)
            digits = len(text.lstrip("+-"))
            # Python will not read a number of more than 4,300 digits: those are counted
            number = (shown(int(text)) if digits <= 4000
                      else f"a whole number of {shown_count(digits)} digits")
            self.fail(f"{number} is not in the range {self._bounds()}", param, ctx)

    def _bounds(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min}<=x<={self.max}"
        return f"x>={self.min}" if self.max is None else f"x<={self.max}"


class FiniteFloatRange(click.FloatRange):
    """A ``click.FloatRange`` that also refuses nan and inf (which slip past its bounds)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{shown(value)} is not a finite number", param, ctx)
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
        if self.setting == "nudge_pixels" and self.default is None:
            return f"{DEFAULT_NUDGE:g} for pictures, 0 for other data"
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


def _recipe_help() -> str:
    """``--recipe``'s help: every recipe with its one-line summary, from ``RECIPES``."""
    named = "; ".join(f"{recipe.name}: {recipe.summary}" for recipe in RECIPES.values())
    return (f"Start from a named recipe ({named}). Any other option given wins over "
            "the recipe's value; the defaults shown below are the default recipe's.")


#: Every training setting of ``RunSettings`` as a command-line option, in help order.
TRAINING_OPTIONS: tuple[TrainingOption, ...] = (
    TrainingOption("recipe", "--recipe", click.Choice(list(RECIPES)), _recipe_help()),
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
    TrainingOption("batch_size", "--batch-size", WholeRange(min=1),
                   "Images per step (1 = the article's one image at a time)."),
    TrainingOption("epochs", "--epochs", WholeRange(1, MAX_EPOCHS),
                   "The most passes over the training images."),
    TrainingOption("early_stopping", "--early-stopping", click.BOOL,
                   "Stop when the validation loss (without validation images, the training "
                   "loss) stops improving, keep the best epoch.",
                   off_flag="--no-early-stopping"),
    TrainingOption("patience", "--patience", WholeRange(min=1),
                   "Epochs without improvement before early stopping."),
    TrainingOption("validation_fraction", "--validation-fraction",
                   FiniteFloatRange(0, 1, max_open=True),
                   "Share of the training images held out to watch for overfitting."),
    TrainingOption("l2", "--l2", FiniteFloatRange(min=0), "Weight decay strength."),
    TrainingOption("input_noise", "--input-noise", FiniteFloatRange(min=0),
                   "Noise added to training pixels each epoch (0 = off)."),
    TrainingOption("average_from", "--average-from", WholeOrNone(most=MAX_EPOCHS),
                   ("Average the weights of every epoch from this one on (none = off); an epoch "
                    "number, so a shorter run averages fewer epochs.")),
    TrainingOption("shift_pixels", "--shift-pixels", WholeRange(0, MAX_WHOLE_NUMBER),
                   "Move training images by up to this many pixels each epoch (0 = off)."),
    TrainingOption("nudge_pixels", "--nudge-pixels", FiniteFloatRange(0, 1),
                   "Move training pictures by up to this fraction of a pixel each epoch, "
                   "blending neighbours (0 = off)."),
    TrainingOption("seed", "--seed", WholeRange(0, MAX_SEED),
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
    None (e.g. no weight averaging). ``recipe`` picks the starting values
    (``settings_for``); every other option given overrides the recipe's.

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
    return settings_for(chosen.pop("recipe", DEFAULT_RECIPE), **chosen)
