"""Training recipes by name: ``default``, ``fast`` and ``best``, written once.

A recipe is a short list of ``RunSettings`` values that go well together, under a
name a newcomer can ask for: ``glassnet train --recipe fast``,
``glassnet.settings_for("best")``, ``GlassnetClassifier(recipe="best")`` and the
explorer's Recipe menu all read this one table. A recipe is only a starting point:
any setting given as well wins over the recipe's (``settings_for("fast", epochs=20)``
is the fast recipe trained for 20 epochs), and the settings that result are printed
and recorded like any others, with the recipe's name in ``RunSettings.recipe``.

Why each ingredient is there is said beside it here, and measured in
docs/how-it-works.md ("Recipes"), with each ingredient switched off in turn.

``best`` is one network. Averaging the answers of several networks trained from
different starts (an ensemble) is sometimes right more often (docs/how-it-works.md
measures it: no sure gain over a few splits, at several times the cost), but it is
not a network: it has no single set of neurons for the explorer to show, and the model
file holds one network. So the ensemble stays a benchmark contender
(``bench/contenders.py``, three ``best`` networks averaged), and the recipe is the
one network every window can save, load, predict with and explore.

Like ``glassnet.app.settings``, this module does not import NumPy: the command
line builds its ``--recipe`` help from ``RECIPES`` without loading the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, shown

if TYPE_CHECKING:
    from .settings import RunSettings


@dataclass(frozen=True)
class Recipe:
    """One named recipe: the ``RunSettings`` values it changes, and why.

    Attributes
    ----------
    name : str
        What to ask for it by (``--recipe NAME``).
    summary : str
        One line for ``--help`` and the explorer's menu.
    settings : dict
        ``RunSettings`` field -> value; every field not named keeps its default.
    why : dict
        Field -> why the recipe sets it so (the docstring of each ingredient).
    """

    name: str
    summary: str
    settings: dict[str, Any] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)


DEFAULT = Recipe(
    "default",
    "glassnet's defaults: a 64-32-10 network, SGD with momentum, about 98% in under a second",
    settings={},
    why={
        "hidden": "32 neurons are enough for 8x8 digits and keep every neuron viewable.",
        "batch_size": "batches of 64 at a learning rate of 0.2: half the steps (and Python "
                      "calls) of batches of 32 at 0.1, and a steadier slope per step "
                      "that stands the larger step.",
        "nudge_pixels": "every picture moved by up to half a pixel each epoch, blending "
                        "neighbours: a digit a little off centre is the same digit, and "
                        "the unluckiest splits gain most from learning it.",
        "input_noise": "0.2 of noise on each training pixel, new every epoch: this small "
                       "network cannot memorise exact images and learns shapes instead "
                       "(with the nudges, less noise is needed than the 0.3 before them).",
        "epochs": "80 epochs: 100 scored the same on validation images, in a quarter "
                  "more time; 70 scored less.",
        "average_from": "averaging the weights of the second half, from epoch 40 on, lands "
                        "nearer the bottom of the loss valley than the last epoch's weights.",
        "validation_fraction": "10% held back so that every window can show the "
                               "validation curve, the first sign of overfitting.",
    },
)

FAST = Recipe(
    "fast",
    "64-64-10 in float32, Adam, 8 epochs: about 97.5% in a fraction of a second",
    settings={
        "hidden": (64,),
        "dtype": "float32",
        "optimizer": "adam",
        "learning_rate": 0.025,
        "batch_size": 64,
        "epochs": 8,
        "input_noise": 0.0,
        "nudge_pixels": 0.0,
        "average_from": 3,
        "validation_fraction": 0.0,
    },
    why={
        "hidden": "64 neurons learn faster per epoch than 32, and cost little more.",
        "dtype": "float32 halves the bytes every matrix product moves, and loses "
                 "nothing measurable at this size.",
        "optimizer": "Adam adapts each weight's step to its own slopes, so it gets near "
                     "the bottom in a few epochs, where SGD needs dozens.",
        "learning_rate": "a large step for Adam (0.025, its usual one is 0.002): with "
                         "only 8 epochs, each one must go far.",
        "batch_size": "batches of 64 mean half as many steps (and Python calls) per epoch "
                      "as 32.",
        "epochs": "8 passes: enough to pass 97.5% on average; the recipe is about time.",
        "input_noise": "no noise: in 8 epochs the network has no time to memorise "
                       "images, so noise would only slow the learning down.",
        "nudge_pixels": "no nudges, for the same reason (with them the search scored "
                        "0.7 points lower).",
        "average_from": "averaging from epoch 3 evens out Adam's large, jumpy steps.",
        "validation_fraction": "no validation split: every training image is learned from.",
    },
)

BEST = Recipe(
    "best",
    "64-256-256-256-10 in float32, SGD, 100 epochs: about 99% in a few seconds",
    settings={
        "hidden": (256, 256, 256),
        "dtype": "float32",
        "optimizer": "sgd",
        "learning_rate": 0.1,
        "momentum": 0.9,
        "batch_size": 64,
        "epochs": 100,
        "input_noise": 0.1,
        "average_from": 50,
        "validation_fraction": 0.0,
    },
    why={
        "hidden": "three wide layers (256, 256, 256), kept from overfitting by nudges, "
                  "noise and averaging: on the search's validation images, drawn three "
                  "ways, they beat two (256, 256) each time, by 0.07 to 0.35 points, and "
                  "one wide layer and narrower ones before that; 256 is the widest layer "
                  "the explorer trains. They are what makes the recipe slow.",
        "dtype": "float32: the wide layers make the matrix products the main cost, and "
                 "float32 gives them half the bytes to move.",
        "optimizer": "SGD with momentum, as in the default: weight averaging smooths its "
                     "zig-zag; Adam, tried in its place, scored lower (scripts/tune_recipes.py).",
        "learning_rate": "0.1, the default's step: batches twice as large have steadier "
                         "slopes, so they stand a step as large.",
        "batch_size": "batches of 64: half the steps (and Python calls) of 32 per epoch, "
                      "so each epoch costs about half, at no loss in the search.",
        "momentum": "momentum 0.9 carries each step on through the loss valley's flat floor.",
        "epochs": "100 epochs: with fresh noise each epoch is new data; 150 scored no "
                  "better in the search, and 60 (in batches of 32) worse.",
        "input_noise": "0.1 of noise, with the default's nudges of half a pixel: a wide "
                       "network memorises easily, and moved, noised images are new every "
                       "epoch (nudges added 0.35 points in the search; with three layers, "
                       "noise of 0.05 to 0.15 scored up to 0.15 points above the "
                       "default's 0.2, and no noise 0.16 below 0.1).",
        "average_from": "averaging the last 50 epochs, once the walk has settled (from "
                        "epoch 30 scored lower in the search).",
        "validation_fraction": "no validation split: every training image is learned from "
                               "(the recipe was chosen beforehand, nothing is watched).",
    },
)

#: Every recipe by name, in the order the windows list them.
RECIPES: dict[str, Recipe] = {recipe.name: recipe for recipe in (DEFAULT, FAST, BEST)}
#: The recipe ``RunSettings`` starts from.
DEFAULT_RECIPE = DEFAULT.name


def get_recipe(name: str) -> Recipe:
    """The recipe called ``name``; ConfigError listing the names for anything else."""
    if not isinstance(name, str) or name not in RECIPES:
        raise ConfigError(f"unknown recipe {shown(name)}; choose one of: {', '.join(RECIPES)}")
    return RECIPES[name]


def settings_for(recipe: str = DEFAULT_RECIPE, /, **overrides: Any) -> RunSettings:
    """The ``RunSettings`` of a recipe, with any settings given here winning over it.

    ``settings_for("fast", epochs=20, seed=3)`` is the fast recipe trained for 20
    epochs with seed 3; its ``recipe`` field says ``"fast"``. Another optimizer
    without a learning rate of its own gets that optimizer's default rate, not the
    recipe's (see ``rate_for``).

    Raises
    ------
    ConfigError
        For an unknown recipe (the message lists them), an unknown setting, or values
        ``RunSettings`` refuses.
    """
    from .settings import RunSettings

    chosen = get_recipe(recipe)
    if "recipe" in overrides:
        raise ConfigError("give the recipe once, as settings_for's first argument")
    start = RunSettings.from_dict({**chosen.settings, "recipe": chosen.name})
    values = {**chosen.settings, **overrides, "recipe": chosen.name}
    if "optimizer" in overrides and "learning_rate" not in overrides:
        values["learning_rate"] = rate_for(start, overrides["optimizer"])
    return RunSettings.from_dict(values)


def rate_for(settings: RunSettings, optimizer: str) -> float | None:
    """The learning rate to train ``optimizer`` with, starting from ``settings``.

    A learning rate belongs to its optimizer: Adam's 0.025 would be a timid step for
    SGD, SGD's 0.1 a wild one for Adam. So the settings' rate is kept only for their
    own optimizer; another one gets None, its own default.
    """
    return settings.learning_rate if optimizer == settings.optimizer else None


__all__ = ["BEST", "DEFAULT", "DEFAULT_RECIPE", "FAST", "RECIPES", "Recipe", "get_recipe",
           "rate_for", "settings_for"]
