"""Recipes by name: one table, seeded, reproducible, and every recipe trains."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet.app.experiment import RunSettings, run
from glassnet.app.recipes import RECIPES, get_recipe, settings_for


@pytest.fixture(scope="module")
def digits():
    return gn.load_digits()


def test_the_default_recipe_is_run_settings_defaults():
    assert settings_for("default") == RunSettings()
    assert RunSettings().recipe == "default"


@pytest.mark.parametrize("name", list(RECIPES))
def test_a_recipe_sets_its_values_and_says_its_name(name):
    settings = settings_for(name)
    assert settings.recipe == name
    for field, value in RECIPES[name].settings.items():
        assert getattr(settings, field) == value, field


@pytest.mark.parametrize("name", list(RECIPES))
def test_every_ingredient_is_a_setting_with_a_reason(name):
    recipe = RECIPES[name]
    fields = {field.name for field in dataclasses.fields(RunSettings)}
    assert set(recipe.settings) <= fields
    assert set(recipe.why) <= fields
    assert set(recipe.settings) <= set(recipe.why), "each ingredient says why it is there"
    assert recipe.summary


def test_given_settings_win_over_the_recipe():
    settings = settings_for("fast", epochs=3, hidden=(16,), seed=7)
    assert (settings.epochs, settings.hidden, settings.seed) == (3, (16,), 7)
    assert settings.optimizer == "adam" and settings.learning_rate == 0.025  # the recipe's
    assert settings.recipe == "fast"


def test_another_optimizer_gets_its_own_default_rate_not_the_recipes():
    assert settings_for("fast", optimizer="sgd").effective_learning_rate == 0.2
    assert settings_for("fast", optimizer="adam").learning_rate == 0.025
    assert settings_for("fast", optimizer="sgd", learning_rate=0.3).learning_rate == 0.3
    assert settings_for("best", optimizer="adam").effective_learning_rate == 0.002


@pytest.mark.parametrize("call", [lambda: settings_for("quick"), lambda: get_recipe("BEST"),
                                  lambda: RunSettings(recipe="quick")])
def test_an_unknown_recipe_is_a_config_error_listing_the_recipes(call):
    with pytest.raises(gn.ConfigError, match="default, fast, best"):
        call()


def test_a_bad_override_is_a_config_error():
    with pytest.raises(gn.ConfigError, match="unknown settings"):
        settings_for("best", colour="red")
    with pytest.raises(gn.ConfigError, match="once"):
        settings_for("best", recipe="fast")


def test_settings_with_a_recipe_round_trip_through_a_dict():
    settings = settings_for("best", epochs=5)
    assert RunSettings.from_dict(settings.to_dict()) == settings
    assert settings.to_dict()["recipe"] == "best"


def test_train_options_are_keywords_of_train():
    keywords = set(inspect.signature(gn.train).parameters)
    assert set(RunSettings().train_options()) <= keywords


#: Few epochs, so that the widest recipe stays quick; averaging starts within them.
SHORT = {"default": {"epochs": 4, "average_from": 2},
         "fast": {"epochs": 4},
         "best": {"epochs": 3, "average_from": 2}}


@pytest.mark.parametrize("name", list(RECIPES))
def test_every_recipe_trains_and_learns(name, digits):
    result = run(settings_for(name, **SHORT[name]), digits)
    hidden = RECIPES[name].settings.get("hidden", RunSettings().hidden)
    assert result.network.sizes == [64, *hidden, 10]
    assert result.network.layers[0].W.dtype == np.dtype(result.settings.dtype)
    assert result.history.epochs == SHORT[name]["epochs"]
    assert result.history.averaged_epochs > 1
    assert result.test_accuracy > 0.85  # a few epochs already learn the digits
    assert result.history.config["settings"]["recipe"] == name


@pytest.mark.parametrize("name", list(RECIPES))
def test_a_recipe_with_one_seed_reproduces_bit_for_bit(name, digits):
    first, second, other = (run(settings_for(name, seed=seed, **SHORT[name]), digits)
                            for seed in (3, 3, 4))
    for a, b in zip(first.network.layers, second.network.layers, strict=True):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    assert not np.array_equal(first.network.layers[0].W, other.network.layers[0].W)


#: scripts/tune_recipes.py, which chose the ``best`` recipe by validation.
SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture(scope="module")
def tune_script():
    """scripts/tune_recipes.py as a module (it imports the bench package beside it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(SCRIPTS))
        yield importlib.import_module("tune_recipes")


def trains_as(settings, digits):
    """What ``settings`` train the digits with: defaults (None) read as the values used."""
    from glassnet.training.augmentation import nudge_for

    values = settings.to_dict()
    values["learning_rate"] = settings.effective_learning_rate
    values["nudge_pixels"] = nudge_for(digits, digits.n_features, settings.nudge_pixels)
    return values


def test_the_recipe_is_the_candidate_its_search_chose(tune_script, digits):
    """A recipe changed without its search (or the reverse) fails here."""
    for recipe, name in tune_script.CHOSEN.items():
        chosen = tune_script.candidate_settings(recipe, name).replace(
            **tune_script.RECIPE_KEEPS.get(recipe, {}))
        assert trains_as(chosen, digits) == trains_as(settings_for(recipe), digits)
        start = tune_script.candidate_settings(recipe, "the start")
        assert trains_as(start, digits) != trains_as(settings_for(recipe), digits)


def test_the_search_validates_on_training_images_only(tune_script):
    """Each part's fit and validation images are its split's training part, split in two."""
    from bench.protocol import SPLIT_SEEDS, digits_splits

    parts = tune_script.validation_parts()
    assert [part[0] for part in parts] == list(SPLIT_SEEDS)
    for split, (_, X_fit, y_fit, X_val, y_val) in zip(digits_splits(), parts, strict=True):
        assert np.array_equal(sorted_rows(np.concatenate([X_fit, X_val])),
                              sorted_rows(split.X_train))
        assert np.array_equal(np.sort(np.concatenate([y_fit, y_val])), np.sort(split.y_train))
        assert len(X_val) == math.ceil(tune_script.VALIDATION_SHARE * len(split.X_train))
        share = len(y_val) / len(split.y_train)  # each digit's share, to within one image
        assert np.all(np.abs(np.bincount(y_val) - share * np.bincount(split.y_train)) < 1)


def sorted_rows(X):
    """The rows of X (n, d) in lexicographic order: the same images in any order compare equal."""
    return X[np.lexsort(X.T[::-1])]


@pytest.mark.parametrize("name", list(RECIPES))
def test_no_recipe_needs_averaging_advice(name):
    assert settings_for(name).averaging_advice() is None


def test_a_shortened_run_is_told_its_averaging_covers_too_little():
    advice = settings_for("best", epochs=50).averaging_advice()  # from epoch 50 of 50
    assert "only the last of the 50 epochs is averaged" in advice
    assert advice.endswith("--average-from 26 averages the second half of the run")
    assert "only the last 6 of the 45 epochs" in RunSettings(epochs=45).averaging_advice()
    assert "not averaged at all" in RunSettings(epochs=30).averaging_advice()
    assert RunSettings(epochs=60).averaging_advice() is None  # 21 of 60 epochs averaged
    assert RunSettings(epochs=30, average_from=None).averaging_advice() is None
    assert RunSettings(epochs=3).averaging_advice() is None  # a quick try: no half to average


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, True, "3"])
def test_a_seed_outside_what_every_window_can_hold_is_a_config_error(seed):
    """A run's seed goes into the runs database: a whole number SQLite can hold."""
    with pytest.raises(gn.ConfigError, match="seed must be a whole number from 0 to 2147483647"):
        RunSettings(seed=seed)
    assert RunSettings(seed=2**31 - 1).seed == 2**31 - 1
    assert RunSettings(seed=3_000_000_000).seed == 3_000_000_000  # an old run's, resumable
    assert type(RunSettings(seed=np.int64(3)).seed) is int  # for s in np.arange(5): ...


@pytest.mark.parametrize("rate", ["x", -1, 0, float("nan"), float("inf")])
def test_a_learning_rate_that_is_no_positive_number_is_a_config_error(rate):
    """Settings read back from a file (a checkpoint, a link) may hold anything."""
    with pytest.raises(gn.ConfigError, match="learning_rate must be a"):
        RunSettings(learning_rate=rate)
    assert RunSettings(learning_rate=None).effective_learning_rate == 0.2
