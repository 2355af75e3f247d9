"""RunSettings and run(): one recipe for every window that trains."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.app.experiment import RunSettings, format_hidden, parse_hidden, run


@pytest.mark.parametrize(("text", "sizes"), [("32", (32,)), ("64,32", (64, 32)),
                                              ("none", ()), (" 8 , 4 ", (8, 4)), ([16], (16,))])
def test_parse_hidden(text, sizes):
    assert parse_hidden(text) == sizes
    assert parse_hidden(format_hidden(sizes)) == sizes


@pytest.mark.parametrize("text", ["0", "32,-1", "a", "3.5", "32,,4"])
def test_bad_hidden_sizes_are_config_errors(text):
    with pytest.raises(gn.ConfigError):
        parse_hidden(text)


def test_settings_round_trip_through_json():
    settings = RunSettings(hidden="64,32", optimizer="sgd", momentum=0.9, seed=4)
    again = RunSettings.from_dict(json.loads(json.dumps(settings.to_dict())))
    assert again == settings
    assert settings.replace(seed=5).seed == 5


@pytest.mark.parametrize("change", [{"optimizer": "lbfgs"}, {"dtype": "int8"},
                                    {"test_fraction": 0.0}, {"colour": "red"}])
def test_bad_settings_are_config_errors(change):
    with pytest.raises(gn.ConfigError):
        RunSettings.from_dict({**RunSettings().to_dict(), **change})


def test_learning_rate_defaults_follow_the_optimizer():
    assert RunSettings().effective_learning_rate == 0.2
    assert RunSettings(optimizer="sgd", learning_rate=0.3).make_optimizer().learning_rate == 0.3
    assert RunSettings().make_optimizer().name == "sgd"
    assert RunSettings(optimizer="adam").effective_learning_rate == 0.002


def test_run_trains_and_scores_and_is_repeatable():
    settings = RunSettings(hidden=(16,), epochs=5, seed=2)
    first, second = run(settings), run(settings)
    assert first.test_accuracy > 0.8
    assert first.history.epochs == 5
    assert first.train_evaluation.confusion.sum() > 0
    assert first.test_evaluation.confusion.sum() == 359
    for a, b in zip(first.network.parameters(), second.network.parameters(), strict=True):
        assert np.array_equal(a, b)
    scores = first.scores()
    assert set(scores["per_class_accuracy"]) == {str(d) for d in range(10)}
    json.dumps(scores)  # ready to be recorded
    assert first.history.config["settings"] == settings.to_dict()


def test_run_uses_given_data_and_its_classes():
    zeros_and_ones = gn.load_digits().subset(classes=[0, 1])
    result = run(RunSettings(hidden=(), epochs=3), data=zeros_and_ones)
    assert result.network.sizes == [64, 2]
    assert result.test_accuracy > 0.95


def test_run_shifts_pixels_only_of_pictures():
    """A table of 16 or 64 numbers a row is no picture: no pixel shifts for it."""
    digits = gn.load_digits().subset(classes=[0, 1])
    for columns in (16, 64):
        table = gn.Dataset(digits.X[:, :columns], digits.y, name="a table")
        with pytest.raises(gn.ConfigError, match="a table are not pictures"):
            run(RunSettings(hidden=(), epochs=1, shift_pixels=1), data=table)
        assert run(RunSettings(hidden=(), epochs=1), data=table).history.epochs == 1
    shifted = run(RunSettings(hidden=(), epochs=1, shift_pixels=1), data=digits)
    assert shifted.history.epochs == 1


def test_a_class_without_test_images_scores_none_and_the_model_saves(tmp_path):
    """A class with a single image keeps it for training: no test score, and strict JSON
    (the model file) must still take the scores."""
    rng = np.random.default_rng(0)
    X = rng.random((31, 4))
    y = np.array([0, 1] * 15 + [7])
    result = run(RunSettings(epochs=2, hidden=(4,)), gn.Dataset(X, y))
    scores = result.scores()
    assert scores["per_class_accuracy"]["7"] is None
    json.dumps(scores, allow_nan=False)
    gn.save(result.network, tmp_path / "m.npz", training={"scores": scores})


def test_glassnet_train_refuses_a_label_too_long_for_a_model_file_before_training(tmp_path):
    """It used to train in full, then fail to save, and record the run without a model."""
    from click.testing import CliRunner

    from glassnet.cli import main

    digits = gn.load_digits()
    labels = ["x" * 1001 if label == 3 else str(label) for label in digits.y[:300]]
    rows = [",".join(f"{v:g}" for v in x) + f",{label}"
            for x, label in zip(digits.X[:300], labels, strict=True)]
    (tmp_path / "long.csv").write_text("\n".join(rows))
    result = CliRunner().invoke(main, ["train", "--data", f"csv:{tmp_path / 'long.csv'}",
                                       "-o", str(tmp_path / "m.npz"),
                                       "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        "Error: cannot save this network: class labels may be at most 1000 characters long; "
        "one is 1,001"]
    assert not (tmp_path / "m.npz").exists() and not (tmp_path / "r.db").exists()
    # One class is refused in the network's own words, not as a bad list of labels.
    (tmp_path / "one.csv").write_text("0,1,same\n1,0,same\n0,0,same\n")
    result = CliRunner().invoke(main, ["train", "--data", f"csv:{tmp_path / 'one.csv'}",
                                       "-o", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: a classifier tells classes apart, and there is only one: ['same']; give data "
        "with at least two labels")


def test_a_run_that_never_saves_takes_labels_a_model_file_would_not():
    """run() saves nothing (a sweep, the tour): bool labels train; the CLI checks first."""
    from click.testing import CliRunner

    from glassnet.cli import main
    from glassnet.store.modelfile import check_saveable_layout

    digits = gn.load_digits()
    assert run(RunSettings(epochs=1), gn.Dataset(digits.X, digits.y > 4)).test_accuracy > 0.5
    with pytest.raises(gn.ConfigError, match=r"larger than a model file may hold "
                                             r"\(10,007,400,000 weights"):
        check_saveable_layout([64, 100_000, 100_000, 10], range(10))
    with pytest.raises(gn.ConfigError, match="cannot save this network: classes must be a list "
                                             "of 2 labels, all integers"):
        check_saveable_layout([64, 1], np.array([False, True]))
    check_saveable_layout([64, 1], np.array(["no", "yes"]))  # NumPy texts are texts
    check_saveable_layout([64, 1], ["only"])  # one class: the network says why, not this
    result = CliRunner().invoke(main, ["train", "--hidden", "100000,100000", "--epochs", "1"])
    assert result.exit_code == 1 and "larger than a model file may hold" in result.output
    assert "epoch 1/1" not in result.output  # refused before the 75 GiB of weights were made
