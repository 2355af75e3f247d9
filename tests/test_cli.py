"""The command line, driven through click's CliRunner: every command and option group."""

from __future__ import annotations

import dataclasses
import json
import os

import numpy as np
import pytest
from click.testing import CliRunner

import glassnet
from glassnet.app.experiment import RunSettings
from glassnet.cli import TRAINING_OPTIONS, EpochReporter, main, settings_from_options
from glassnet.cli.options import OFF
from glassnet.cli.text import shade_rows
from glassnet.errors import ConfigError, ModelFormatError
from glassnet.store.modelfile import load_any, read_metadata
from glassnet.store.runs import RunsDatabase
from glassnet.training import History
from test_atomicfile import character_device


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, [str(arg) for arg in args], input=input)


def ok(*args: str, input: str | None = None) -> str:
    result = invoke(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.output


def assert_one_error(result, exit_code: int, *fragments: str) -> str:
    """Exactly one ``Error:`` line, the right exit code, no traceback."""
    assert result.exit_code == exit_code, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # handled, not a crash
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def digit_png(path, index: int = 0, scale: int = 12, invert: bool = True):
    """Digit ``index`` of the built-in data as a big dark-on-light PNG, like a scan."""
    from PIL import Image

    picture = glassnet.load_digits().images[index]  # (8, 8) in 0..1
    big = np.kron(picture, np.ones((scale, scale)))
    pixels = (255 * (1 - big if invert else big)).astype(np.uint8)
    Image.fromarray(pixels, mode="L").save(path)
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One small training run through the command line, shared by the tests below."""
    folder = tmp_path_factory.mktemp("trained")
    db = folder / "glassnet.db"  # the default name: its models are model-<run id>.npz
    output = ok("train", "--epochs", "3", "--db", db)
    return {"folder": folder, "db": db, "model": folder / "model-1.npz", "output": output}


# ---------------------------------------------------------------------- the group
def test_version():
    assert glassnet.__version__ in ok("--version")


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_lists_every_command(flag):
    output = ok(flag)
    for command in ("train", "evaluate", "predict", "show", "plot", "runs", "export"):
        assert command in output


def every_command_path():
    paths = [[name] for name in main.commands]
    paths += [["runs", name] for name in main.commands["runs"].commands]
    return paths


@pytest.mark.parametrize("path", every_command_path(), ids=" ".join)
def test_every_command_has_short_help(path):
    output = ok(*path, "-h")
    assert "Usage:" in output and "-h, --help" in output


def test_unknown_command_is_a_usage_error():
    assert_one_error(invoke("trian"), 2, "trian")


# ---------------------------------------------------------------------- training options
def test_every_run_setting_is_an_option():
    settings = {field.name for field in dataclasses.fields(RunSettings)}
    assert {row.setting for row in TRAINING_OPTIONS} == settings


def test_settings_from_options_keeps_defaults_for_missing_values():
    assert settings_from_options() == RunSettings()
    assert settings_from_options(epochs=None, out="x", db="y") == RunSettings()
    chosen = settings_from_options(hidden=(64, 32), epochs=7, average_from=OFF)
    assert chosen == RunSettings(hidden=(64, 32), epochs=7, average_from=None)


def test_training_option_convert_checks_like_the_command_line():
    rows = {row.setting: row for row in TRAINING_OPTIONS}
    assert rows["hidden"].convert("64,32") == (64, 32)
    assert rows["hidden"].convert("none") == ()
    assert rows["activation"].convert("tanh") == "tanh"
    assert rows["early_stopping"].convert("false") is False
    assert rows["average_from"].convert("none") == OFF
    assert rows["learning_rate"].convert("0.5") == 0.5
    with pytest.raises(ConfigError, match="--activation"):
        rows["activation"].convert("magic")
    with pytest.raises(ConfigError, match="--hidden"):
        rows["hidden"].convert("0")
    with pytest.raises(ConfigError, match="--epochs"):
        rows["epochs"].convert("0")


def test_the_choices_are_the_registries():
    """The choices are read from the registries when first needed, never copied."""
    from glassnet.core.activations import ACTIVATIONS
    from glassnet.core.losses import LOSSES
    from glassnet.core.optimizers import OPTIMIZERS

    rows = {row.setting: row for row in TRAINING_OPTIONS}
    assert rows["activation"].type.choices == tuple(n for n in ACTIVATIONS if n != "softmax")
    assert rows["output"].type.choices == tuple(ACTIVATIONS)
    assert rows["loss"].type.choices == tuple(LOSSES)
    assert rows["optimizer"].type.choices == tuple(OPTIMIZERS)


def test_every_option_default_is_the_run_settings_default():
    defaults = RunSettings()
    for row in TRAINING_OPTIONS:
        assert row.default == getattr(defaults, row.setting), row.setting


def test_help_shows_the_run_settings_defaults():
    output = ok("train", "-h")
    defaults = RunSettings()
    assert f"[default: {defaults.epochs}]" in output
    assert f"[default: {defaults.optimizer}]" in output


# ---------------------------------------------------------------------- train
def test_train_reports_scores_and_where_things_went(trained):
    output = trained["output"]
    assert "epoch 1/3  loss" in output and "val_acc" in output
    assert "test accuracy:" in output and "train accuracy:" in output
    assert "test accuracy per digit:" in output and "9:" in output
    assert "time:" in output
    assert f"model saved to: {trained['model']}" in output
    # the database is not the default one, so the command to type says which it is
    assert (f"run recorded as #1 in {trained['db']} "
            f"(see: glassnet runs show 1 --db {trained['db']})") in output


def test_train_saves_a_model_with_its_training_record(trained):
    network = load_any(trained["model"])
    assert network.sizes == [64, 32, 10]
    training = read_metadata(trained["model"])["training"]
    assert training["settings"] == RunSettings(epochs=3).to_dict()
    assert len(training["history"]["train_loss"]) == 3
    assert 0 < training["scores"]["test_accuracy"] <= 1
    assert training["run_id"] == 1


def test_train_records_the_run(trained):
    with RunsDatabase(trained["db"]) as db:
        stored = db.get_run(1)
    assert stored["settings"]["epochs"] == 3
    assert stored["model_path"] == str(trained["model"].absolute())
    assert stored["source"] == "cli"
    assert len(stored["history"]["train_loss"]) == 3


def test_train_with_every_option(tmp_path):
    out = tmp_path / "custom" / "net.npz"
    db = tmp_path / "g.db"
    output = ok(
        "train", "--hidden", "16,8", "--activation", "tanh", "--output", "sigmoid",
        "--loss", "squared_error", "--optimizer", "sgd", "--learning-rate", "0.5",
        "--momentum", "0.5", "--nesterov", "--batch-size", "64", "--epochs", "2",
        "--early-stopping", "--patience", "3", "--validation-fraction", "0.2",
        "--l2", "0.001", "--input-noise", "0", "--average-from", "none",
        "--shift-pixels", "1", "--seed", "3", "--test-fraction", "0.3",
        "--dtype", "float32", "--data", "digits", "--out", out, "--db", db, "--quiet",
    )  # fmt: skip
    assert "epoch 1/2" not in output  # --quiet
    assert "test accuracy:" in output
    expected = RunSettings(
        hidden=(16, 8), activation="tanh", output="sigmoid", loss="squared_error",
        optimizer="sgd", learning_rate=0.5, momentum=0.5, nesterov=True, batch_size=64,
        epochs=2, early_stopping=True, patience=3, validation_fraction=0.2, l2=0.001,
        input_noise=0.0, average_from=None, shift_pixels=1, seed=3, test_fraction=0.3,
        dtype="float32", data="digits",
    )  # fmt: skip
    with RunsDatabase(db) as database:
        assert database.get_run(1)["settings"] == expected.to_dict()
    network = load_any(out)
    assert network.sizes == [64, 16, 8, 10]
    assert np.dtype(network.dtype) == np.float32


def test_train_recipe_starts_from_it_prints_it_and_records_it(tmp_path):
    db = tmp_path / "g.db"
    output = ok("train", "--recipe", "fast", "--epochs", "2", "--db", db)
    assert "adam (learning rate 0.025), up to 2 epochs, seed 0, float32, recipe fast" in output
    assert "network: 64-64-10" in output
    with RunsDatabase(db) as database:
        recorded = database.get_run(1)["settings"]
    assert recorded == glassnet.settings_for("fast", epochs=2).to_dict()
    assert recorded["recipe"] == "fast" and recorded["validation_fraction"] == 0.0
    listing = ok("runs", "list", "--db", db).splitlines()
    assert listing[0].split()[3:5] == ["source", "recipe"] and "fast" in listing[-1].split()
    assert "recipe               fast" in ok("runs", "show", "1", "--db", db)


def test_train_recipe_best_with_the_options_that_override_it(tmp_path):
    out = tmp_path / "best.npz"
    ok("train", "--recipe", "best", "--epochs", "1", "--hidden", "16,16", "--seed", "2",
       "--out", out, "--db", tmp_path / "g.db", "-q")
    network = load_any(out)
    assert network.sizes == [64, 16, 16, 10] and np.dtype(network.dtype) == np.float32
    settings = read_metadata(out)["training"]["settings"]
    assert settings == glassnet.settings_for("best", epochs=1, hidden=(16, 16), seed=2).to_dict()


def test_train_unknown_recipe_is_a_usage_error(tmp_path):
    assert_one_error(invoke("train", "--recipe", "quick", "--db", tmp_path / "g.db"), 2,
                     "'quick' is not one of 'default', 'fast', 'best'")


def test_train_help_says_what_each_recipe_is():
    output = " ".join(ok("train", "--help").split())
    for recipe in glassnet.RECIPES.values():
        assert f"{recipe.name}: {recipe.summary}" in output


def test_settings_from_options_starts_from_the_recipe():
    assert settings_from_options(recipe="best", epochs=5) == glassnet.settings_for("best", epochs=5)
    assert settings_from_options(recipe=None) == RunSettings()


def test_train_without_hidden_layers(tmp_path):
    output = ok("train", "--hidden", "none", "--epochs", "2", "--db", tmp_path / "g.db")
    assert "network: 64-10 " in output
    assert load_any(tmp_path / "model-g-1.npz").sizes == [64, 10]


def test_train_on_a_csv_file(tmp_path):
    data = glassnet.load_digits()
    rows = [
        ",".join([*(f"{v:g}" for v in x), str(label)])
        for x, label in zip(data.X, data.y, strict=True)
    ]
    csv = tmp_path / "digits.csv"
    csv.write_text("\n".join(rows[:400]) + "\n")
    output = ok("train", "--data", f"csv:{csv}", "--epochs", "2", "--db", tmp_path / "g.db")
    assert f"training on csv:{csv}" in output
    assert "test accuracy:" in output


def test_a_relative_data_path_is_remembered_in_full(tmp_path, monkeypatch):
    """A model trained on ``csv:digits.csv`` can be evaluated from any folder later."""
    data = glassnet.load_digits()
    rows = [",".join([*(f"{v:g}" for v in x), str(label)])
            for x, label in zip(data.X[:300], data.y[:300], strict=True)]
    (tmp_path / "digits.csv").write_text("\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path)
    ok("train", "--data", "csv:digits.csv", "--epochs", "2", "--out", "m.npz", "-q")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert "accuracy" in ok("evaluate", tmp_path / "m.npz")


def test_train_records_next_run_ids_and_model_names(tmp_path):
    db = tmp_path / "g.db"
    ok("train", "--epochs", "1", "--db", db, "-q")
    output = ok("train", "--epochs", "1", "--db", db, "-q", "--seed", "1")
    assert "run recorded as #2" in output
    assert (tmp_path / "model-g-2.npz").exists()


def test_two_databases_in_one_folder_never_share_a_model_name(tmp_path):
    """--db a.db and --db b.db used to both save model-1.npz, the second over the first."""
    for name in ("a.db", "b.db", "glassnet.db"):
        ok("train", "--hidden", "4", "--epochs", "1", "-q", "--db", tmp_path / name)
    assert sorted(p.name for p in tmp_path.glob("model-*")) == [
        "model-1.npz", "model-a-1.npz", "model-b-1.npz"]
    with RunsDatabase(tmp_path / "a.db") as database:
        assert database.get_run(1)["model_path"] == str(tmp_path / "model-a-1.npz")


def test_a_default_name_never_replaces_an_existing_model(tmp_path):
    """A database deleted and begun again numbers its runs from 1 again."""
    db = tmp_path / "glassnet.db"
    ok("train", "--hidden", "4", "--epochs", "1", "-q", "--db", db)
    first = (tmp_path / "model-1.npz").read_bytes()
    db.unlink()
    output = ok("train", "--hidden", "4", "--epochs", "1", "-q", "--db", db, "--seed", "1")
    assert "run recorded as #1" in output and "model saved to: " in output
    assert (tmp_path / "model-1.npz").read_bytes() == first
    assert str(tmp_path / "model-1.2.npz") in output
    with RunsDatabase(db) as database:
        assert database.get_run(1)["model_path"] == str(tmp_path / "model-1.2.npz")


def test_train_still_saves_the_model_when_the_database_is_broken(tmp_path):
    db = tmp_path / "broken.db"
    db.write_text("not a database\n" * 200)
    out = tmp_path / "model.npz"
    result = invoke("train", "--epochs", "1", "--db", db, "--out", out)
    assert_one_error(result, 1, "the model was saved to", "not recorded", "not a glassnet runs")
    assert load_any(out).sizes == [64, 32, 10]


def test_train_a_diverging_run_is_one_error(tmp_path):
    result = invoke("train", "--epochs", "3", "--optimizer", "sgd", "--learning-rate", "1e6",
                    "--loss", "squared_error", "--output", "identity", "--activation",
                    "identity", "--db", tmp_path / "g.db")  # fmt: skip
    assert_one_error(result, 1, "learning rate")


def test_epoch_reporter_plain_lines_and_bar(capsys):
    history = History(train_loss=[0.5], train_accuracy=[0.9], validation_loss=[0.6],
                      validation_accuracy=[0.85])  # fmt: skip
    with EpochReporter(10, use_bar=False) as reporter:
        reporter(history, None)
    line = "epoch 1/10  loss 0.5000  acc 90.0%  val_loss 0.6000  val_acc 85.0%\n"
    assert capsys.readouterr().err == line
    with EpochReporter(10, use_bar=True) as reporter:
        reporter(history, None)
    bar = capsys.readouterr().err
    assert "1/10" in bar and "loss 0.5000" in bar
    with EpochReporter(10, quiet=True, use_bar=True) as reporter:
        reporter(history, None)
    assert capsys.readouterr().err == ""
    # A training that did not score its training images (score_training=False).
    unscored = History(validation_loss=[0.6], validation_accuracy=[0.85], seconds=[0.1])
    with EpochReporter(10, use_bar=False) as reporter:
        reporter(unscored, None)
    assert capsys.readouterr().err == "epoch 1/10  val_loss 0.6000  val_acc 85.0%\n"


def test_epoch_reporter_of_a_resumed_run_starts_at_the_resumed_epoch(capsys):
    """Resumed after epoch 3 of 10: the bar starts at 3, not 0, and counts on from there."""
    history = History(train_loss=[0.9, 0.7, 0.6, 0.5], train_accuracy=[0.5, 0.7, 0.8, 0.9],
                      seconds=[0.1] * 4)  # fmt: skip
    with EpochReporter(10, use_bar=True, initial=3) as reporter:
        bar = reporter._bar
        assert bar.n == 3 and bar.initial == 3  # tqdm's rate and ETA count n - initial
        reporter(history, None)
        assert bar.n == 4
    drawn = capsys.readouterr().err
    assert "3/10" in drawn and "4/10" in drawn and "loss 0.5000" in drawn
    assert "0/10" not in drawn and "1/10" not in drawn
    with EpochReporter(10, use_bar=False, initial=3) as reporter:
        reporter(history, None)
    assert capsys.readouterr().err == "epoch 4/10  loss 0.5000  acc 90.0%\n"


def test_train_resume_shows_progress_from_the_checkpoint_epoch(tmp_path, monkeypatch):
    """glassnet train --resume: plain lines and the bar go on from the checkpoint's epoch."""
    checkpoint, db = tmp_path / "run.checkpoint.npz", tmp_path / "runs.db"
    ok("train", "--epochs", "2", "--checkpoint", checkpoint, "--db", db, "--out",
       tmp_path / "first.npz")  # fmt: skip
    resumed = invoke("train", "--resume", checkpoint, "--epochs", "4", "--db", db,
                     "--out", tmp_path / "plain.npz")  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    epochs = [line.split("  ")[0] for line in resumed.stderr.splitlines()
              if not line.startswith("note:")]  # 4 epochs averaged from 40: a note says so
    assert epochs == ["epoch 3/4", "epoch 4/4"]

    class OnATerminal(EpochReporter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "use_bar": True})

    monkeypatch.setattr("glassnet.cli.train.EpochReporter", OnATerminal)
    ok("train", "--epochs", "2", "--checkpoint", tmp_path / "again.npz", "--db", db, "--out",
       tmp_path / "second.npz", "--quiet")  # fmt: skip
    resumed = invoke("train", "--resume", tmp_path / "again.npz", "--epochs", "4", "--db", db,
                     "--out", tmp_path / "bar.npz")  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    assert "2/4" in resumed.stderr and "4/4" in resumed.stderr
    assert "0/4" not in resumed.stderr and "1/4" not in resumed.stderr


# ---------------------------------------------------------------------- evaluate
def test_evaluate_uses_the_test_split_of_training(trained):
    output = ok("evaluate", trained["model"])
    assert "the 359 test images of digits" in output
    assert "same split as in training" in output
    assert "accuracy:" in output and "of 359 right" in output
    assert "true\\guess" in output
    assert "accuracy per class:" in output
    assert "most confused" in output  # 98% of 359: some digits are mistaken for others
    # The score matches the one recorded at training time.
    recorded = read_metadata(trained["model"])["training"]["scores"]["test_accuracy"]
    assert f"accuracy: {100 * recorded:.1f}%" in output


def test_evaluate_all_images_and_own_split(trained):
    """Scores on other images count the training images among them, with a warning."""
    train_rows, _ = glassnet.load_digits().split_indices(0.2, seed=0)  # as trained
    output = ok("evaluate", trained["model"], "--all")
    assert (f"all 1797 images of digits; warning: {len(train_rows)} of them are from this "
            "model's training part (images it learned from or was validated on), so the score "
            "looks better than it is") in output
    output = ok("evaluate", trained["model"], "--test-fraction", "0.5", "--seed", "1")
    assert "a split of your choosing" in output and "test fraction 0.5, seed 1" in output
    _, scored_rows = glassnet.load_digits().split_indices(0.5, seed=1)
    seen = np.isin(scored_rows, train_rows).sum()
    assert 0 < seen < len(scored_rows)
    assert f"; warning: {seen} of them are from this model's training part" in output
    assert "warning" not in ok("evaluate", trained["model"])  # its own test images


def test_evaluate_draws_mistakes(trained):
    output = ok("evaluate", trained["model"], "--all", "--mistakes", "3")
    assert "3 of the" in output and "mistakes:" in output
    assert output.count("true ") >= 3 and "guess" in output
    assert "+----------------+" in output


def test_evaluate_a_model_that_does_not_say_how_it_was_trained(tmp_path):
    path = glassnet.save(glassnet.Network([64, 10], seed=0), tmp_path / "bare.npz")
    output = ok("evaluate", path)
    assert "does not say how it was split" in output


def test_evaluate_says_which_labels_the_model_never_learned(tmp_path):
    # A model of the digits 0-4 scored on all ten: the 5-9s are mistakes it cannot avoid.
    digits = glassnet.load_digits()
    five = digits.subset(classes=[0, 1, 2, 3, 4])
    network = glassnet.Network([64, 8, 5], classes=five.classes, seed=0)
    glassnet.train(network, five, epochs=2)
    path = glassnet.save(network, tmp_path / "five.npz")
    output = ok("evaluate", path, "--data", "digits")
    lines = output.splitlines()
    unlearned = int(np.isin(digits.y, [5, 6, 7, 8, 9]).sum())
    assert lines[3] == (f"note: {unlearned} of the {len(digits)} images are labelled "
                        "5, 6, 7, 8, 9, which this model never learned; it cannot get them right")
    assert lines[2].startswith("accuracy:")


@pytest.mark.parametrize(("validation", "watched"), [("0.1", "validation"), ("0", "training")])
def test_early_stopping_says_which_loss_it_watched(tmp_path, validation, watched):
    # Without validation images it watches the training loss, and must not say otherwise.
    output = ok("train", "--early-stopping", "--patience", "1", "--epochs", "40",
                "--validation-fraction", validation, "-o", tmp_path / "m.npz",
                "--db", tmp_path / "runs.db")
    assert "early stopping after epoch" in output
    assert f"the {watched} loss stopped improving" in output


@pytest.mark.parametrize("args", [
    ["evaluate", "MODEL", "--all", "--seed", "3"],
    ["evaluate", "MODEL", "--all", "--test-fraction", "0.5"],
    ["plot", "curves", "MODEL", "--run", "1", "-o", "curves.png"],
], ids=["all and seed", "all and fraction", "model and run"])
def test_options_that_contradict_each_other_are_a_usage_error(trained, args):
    # Before, the second was silently ignored.
    result = invoke(*[trained["model"] if arg == "MODEL" else arg for arg in args])
    assert_one_error(result, 2, "give one or the other" if "--all" in args else "not both")


def test_export_names_the_json_copy_it_will_not_write(trained, tmp_path):
    fifo = tmp_path / "copy.json"
    os.mkfifo(fifo)
    assert_one_error(invoke("export", trained["model"], "--json", fifo), 1,
                     "will not write JSON copy of the model over")


def test_confusion_table_shape(trained):
    output = ok("evaluate", trained["model"])
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("true\\guess"))
    assert lines[start].split()[1:] == [str(d) for d in range(10)]
    row_labels = [line.split()[0] for line in lines[start + 1 : start + 11]]
    assert row_labels == [str(d) for d in range(10)]


# ---------------------------------------------------------------------- predict
def test_predict_numbers_from_show(trained):
    numbers = ok("show", "0", "--numbers").strip()
    assert len(numbers.split(",")) == 64
    output = ok("predict", trained["model"], numbers)
    assert output.startswith("numbers: guess ")
    neuron_lines = [line for line in output.splitlines() if line[:3].strip().isdigit()]
    assert len(neuron_lines) == 10  # every output neuron's value
    assert sum("<- guess" in line for line in output.splitlines()) == 1


def test_predict_numbers_as_separate_arguments_and_stdin(trained):
    numbers = ok("show", "3", "--numbers").strip().split(", ")
    separate = ok("predict", trained["model"], *numbers)
    piped = ok("predict", trained["model"], "-", input=" ".join(numbers) + "\n")
    assert separate == piped
    network = load_any(trained["model"])
    expected = network.predict(np.array([[float(n) for n in numbers]]))[0]
    assert separate.startswith(f"numbers: guess {expected}")


def test_predict_marks_the_guess_of_a_single_output_neuron(tmp_path):
    network = glassnet.Network([64, 1], output="sigmoid", seed=0)
    network.set_weights(0, np.full(64, 0.1))  # every pixel votes "class 1"
    model = glassnet.save(network, tmp_path / "one.npz")
    output = ok("predict", model, ",".join(["0.5"] * 64))
    assert output.startswith("numbers: guess 1")
    assert "1 (vs 0)" in output and "<- guess" in output


def test_predict_several_images_of_numbers(trained):
    two = ok("show", "0", "--numbers").strip() + ", " + ok("show", "1", "--numbers").strip()
    output = ok("predict", trained["model"], two)
    assert "numbers #1: guess" in output and "numbers #2: guess" in output


def test_predict_an_image_file_with_show(trained, tmp_path):
    picture = digit_png(tmp_path / "zero.png", index=0)
    output = ok("predict", trained["model"], picture, "--show")
    assert output.startswith(f"{picture}: guess ")
    assert "what the network saw" in output
    assert "+----------------+" in output


def test_predict_accepts_the_json_export(trained, tmp_path):
    exported = tmp_path / "model.json"
    ok("export", trained["model"], "--json", exported)
    numbers = ok("show", "5", "--numbers").strip()
    assert ok("predict", exported, numbers) == ok("predict", trained["model"], numbers)


# ---------------------------------------------------------------------- show
def test_show_a_digit():
    output = ok("show", "0")
    assert output.startswith("image 0 of UCI digits (1797 images): a 0")
    assert " 0  0  5 13  9  1  0  0" in output  # the first row of ink counts
    assert "0, 0, 0.3125, 0.8125, 0.5625, 0.0625" in output
    assert "|    --##++..    |" in output  # the first row, drawn as shades


def test_show_numbers_only_is_the_dataset_row():
    numbers = [float(n) for n in ok("show", "42", "--numbers").split(",")]
    assert numbers == glassnet.load_digits().as_numbers(42)


def table_csv(path, n_features: int = 16, n_rows: int = 40):
    """A CSV table (no pictures): ``n_features`` numbers in 0..1 and a label 0/1 per row."""
    rows = np.random.default_rng(0).random((n_rows, n_features)).round(3)
    path.write_text("".join(",".join(map(str, [*row, i % 2])) + "\n" for i, row in enumerate(rows)))
    return path


def test_a_csv_table_is_not_drawn_as_a_picture(tmp_path):
    """16 columns are a table, not a 4x4 picture: show, plot and predict do not draw them."""
    table = table_csv(tmp_path / "table.csv")
    output = ok("show", "0", "--data", f"csv:{table}")
    assert output.startswith("image 0 of CSV (table.csv) (40 images): a 0")
    assert "as shades" not in output and "ink counts" not in output
    assert "as 16 numbers" in output
    result = invoke("plot", "digits", "--data", f"csv:{table}", "-o", tmp_path / "grid.png")
    assert_one_error(result, 1, "are not pictures")
    model = glassnet.save(glassnet.Network([16, 4, 2], seed=0), tmp_path / "sixteen.npz")
    output = ok("predict", model, ",".join(["0.5"] * 16), "--show")
    assert output.startswith("numbers: guess ") and "what the network saw" not in output


def test_train_refuses_pixel_shifts_of_a_csv_table(tmp_path):
    table = table_csv(tmp_path / "table.csv")
    result = invoke("train", "--data", f"csv:{table}", "--shift-pixels", "1", "--epochs", "1",
                    "--db", tmp_path / "runs.db")  # fmt: skip
    assert_one_error(result, 1, "shift_pixels", "CSV (table.csv) are not pictures")
    assert not (tmp_path / "runs.db").exists()  # refused before training: nothing recorded


def raw_counts_csv(path, n_rows: int = 300):
    """The first digits as raw UCI ink counts 0..16 (not divided by 16), label last."""
    digits = glassnet.load_digits()
    counts = np.rint(digits.X[:n_rows] * 16).astype(int)
    path.write_text("".join(",".join(map(str, [*row, label])) + "\n"
                            for row, label in zip(counts, digits.y[:n_rows], strict=True)))
    return path


def test_train_says_when_the_numbers_need_scaling_and_csv_n_scales_them(tmp_path):
    raw = raw_counts_csv(tmp_path / "raw.csv")
    short = ("--epochs", "1", "--average-from", "none", "-q")  # the only note: the scale's
    output = ok("train", "--data", f"csv:{raw}", *short, "--db", tmp_path / "a.db")
    (note,) = [line for line in output.splitlines() if line.startswith("note:")]
    assert "lie beyond +-3 (the largest is 16)" in note
    assert note.endswith(f"--data csv/16:{raw} (load_csv(path, scale=1/16))")
    # the suggested --data can be pasted into a shell, spaces and all
    spaced = raw_counts_csv(tmp_path / "raw counts.csv")
    output = invoke("train", "--data", f"csv:{spaced}", *short, "--db", tmp_path / "c.db").output
    assert f"--data 'csv/16:{spaced}' (load_csv" in output
    output = ok("train", "--data", f"csv/16:{raw}", *short, "--db", tmp_path / "b.db")
    assert "note:" not in output
    with RunsDatabase(tmp_path / "b.db") as db:
        assert db.get_run(1)["settings"]["data"] == f"csv/16:{raw}"  # replayable as it was


def test_train_says_when_weight_averaging_covers_too_little_of_a_short_run(tmp_path):
    output = ok("train", "--epochs", "4", "-q", "--db", tmp_path / "a.db")  # averages from 40
    (note,) = [line for line in output.splitlines() if line.startswith("note:")]
    assert "after the last epoch (4), so they are not averaged at all" in note
    assert note.endswith("--average-from 3 averages the second half of the run")
    output = ok("train", "--epochs", "2", "--average-from", "2", "-q", "--db", tmp_path / "b.db")
    assert "note:" not in output  # one of two epochs: half the run
    assert "ended: after all 2 epochs; weights averaged over the last epoch\n" in output
    output = ok("train", "--epochs", "2", "--average-from", "1", "-q", "--db", tmp_path / "c.db")
    assert "note:" not in output and "weights averaged over the last 2 epochs" in output


def test_train_refuses_a_setting_before_saying_anything_about_it(tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("".join(f"{i % 7},{i % 5},{i % 3}\n" for i in range(60)))
    for args, error in [
        (["--shift-pixels", "9"], "shift_pixels 9 would move these 8x8 pictures out of view"),
        (["--data", f"csv:{table}", "--nudge-pixels", "0.5"],
         "nudge_pixels moves the pixels of pictures, but the rows of CSV (table.csv) are not"),
    ]:
        result = invoke("train", *args, "--db", tmp_path / "a.db", "--out", tmp_path / "m.npz")
        assert result.exit_code == 1
        # no "training on ..." line first, and no note about what it then refuses
        assert result.output.startswith(f"Error: {error}"), result.output
    # numbers beyond what train takes are usage errors, like --epochs 200000
    for option, value in [("--average-from", "200000"),
                          ("--checkpoint-every", "99999999999999999999999")]:
        result = invoke("train", option, value, "--db", tmp_path / "a.db")
        assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["table.csv"]


def test_a_seed_too_large_to_record_is_a_usage_error_before_training(tmp_path):
    result = invoke("train", "--seed", str(2**63), "--db", tmp_path / "runs.db",
                    "--out", tmp_path / "m.npz")  # fmt: skip
    assert_one_error(result, 2, "--seed", "0<=x<=2147483647")
    assert not (tmp_path / "m.npz").exists() and not (tmp_path / "runs.db").exists()


def test_paths_that_cannot_be_written_are_refused_before_training(tmp_path):
    """A link into a missing folder, as --db, --out or --checkpoint, costs no training."""
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "missing" / "file")
    for flag, what in (("--db", "runs database"), ("--out", "model file"),
                       ("--checkpoint", "checkpoint")):
        paths = {"--db": tmp_path / "runs.db", "--out": tmp_path / "m.npz", flag: link}
        result = invoke("train", "--epochs", "1", "--checkpoint-every", "1",
                        *[str(part) for pair in paths.items() for part in pair])
        assert_one_error(result, 1, f"cannot write {what} {link}", "folder does not exist")
        assert "epoch 1/1" not in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link"]
    result = invoke("sweep", "--epochs", "1", "--seeds", "1", "--db", link)
    assert_one_error(result, 1, f"cannot write runs database {link}")


def test_resuming_never_writes_the_model_over_the_checkpoint_it_resumes(tmp_path):
    checkpoint, db = tmp_path / "c.npz", tmp_path / "runs.db"
    ok("train", "--epochs", "2", "--checkpoint-every", "1", "--checkpoint", checkpoint,
       "--db", db, "--out", tmp_path / "first.npz", "-q")  # fmt: skip
    kept = checkpoint.read_bytes()
    for flag in ("--out", "--db"):
        result = invoke("train", "--resume", checkpoint, "--epochs", "3", "--db", db, flag,
                        checkpoint, "-q")  # fmt: skip
        assert_one_error(result, 2, f"{checkpoint} is also the --resume file")
    assert checkpoint.read_bytes() == kept


def test_a_wrong_data_name_is_one_error_before_anything_else(tmp_path):
    result = invoke("train", "--data", "foo:bar", "--db", tmp_path / "runs.db")
    assert_one_error(result, 1, "unknown dataset kind 'foo'")
    assert result.output.startswith("Error:")  # no "training on ..." line first
    assert not (tmp_path / "runs.db").exists()


def test_evaluate_knows_its_training_data_under_a_relative_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw_counts_csv(tmp_path / "raw.csv", n_rows=100)
    ok("train", "--data", "csv/16:raw.csv", "--epochs", "1", "-q", "--out", "m.npz")
    output = ok("evaluate", "m.npz", "--data", "csv/16:raw.csv")  # the file it was trained on
    assert "the same split as in training" in output and "warning" not in output
    output = ok("evaluate", "m.npz", "--data", "csv/16:raw.csv", "--all")
    assert "warning: 80 of them are from this model's training part" in output


def test_ink_counts_are_shown_only_for_8x8_pictures_of_counts(tmp_path):
    binary = tmp_path / "binary.csv"  # 28x28 pictures of 0s and 1s: no 4x4 blocks of ink
    rows = (np.random.default_rng(2).random((20, 784)) > 0.5).astype(int)
    binary.write_text("".join(",".join(map(str, [*row, i % 2])) + "\n"
                              for i, row in enumerate(rows)))
    output = ok("show", "0", "--data", f"csv:{binary}")
    assert "as shades" in output and "ink counts" not in output
    assert "as 784 numbers (row after row)" in output


def test_data_that_are_not_digits_are_not_called_digits(tmp_path):
    """Labels other than 0..9 are classes, and numbers other than counts / 16 no counts."""
    rows = np.random.default_rng(1).random((60, 64)).round(3)
    labelled = tmp_path / "pets.csv"
    labelled.write_text("".join(",".join([*map(str, row), ("cat", "dog")[i % 2]]) + "\n"
                                for i, row in enumerate(rows)))
    output = ok("train", "--data", f"csv:{labelled}", "--epochs", "1", "-q",
                "--db", tmp_path / "runs.db", "--out", tmp_path / "pets.npz")  # fmt: skip
    assert "test accuracy per class:" in output and "per digit" not in output
    small_labels = tmp_path / "three.csv"  # labels 0, 1, 2: still not digits
    small_labels.write_text("".join(",".join([*map(str, row), str(i % 3)]) + "\n"
                                    for i, row in enumerate(rows)))
    output = ok("train", "--data", f"csv:{small_labels}", "--epochs", "1", "-q",
                "--db", tmp_path / "runs.db")  # fmt: skip
    assert "test accuracy per class:" in output
    output = ok("evaluate", tmp_path / "pets.npz", "--data", f"csv:{labelled}", "--all")
    assert "rows: the true class," in output
    output = ok("show", "0", "--data", f"csv:{labelled}")
    assert "as shades" in output and "ink counts" not in output and "counts / 16" not in output
    assert "as 64 numbers (row after row)" in output
    output = ok("show", "0")
    assert "as ink counts 0..16" in output and "(counts / 16, row after row)" in output
    output = ok("predict", tmp_path / "pets.npz", ",".join(map(str, rows[0])), "--show")
    assert "what the network saw, as shades:" in output and "ink counts" not in output


def test_shade_rows():
    rows = shade_rows(np.array([[0.0, 1.0], [0.5, 0.25]]), width=1)
    assert rows[0] == " @"
    assert len(rows) == 2 and all(len(row) == 2 for row in rows)


# ---------------------------------------------------------------------- output paths
def is_device(path) -> bool:
    import os
    import stat

    return stat.S_ISCHR(os.lstat(path).st_mode)


@pytest.mark.parametrize("flag", ["--out", "--checkpoint", "--db"])
def test_train_refuses_to_write_over_a_device_before_training(tmp_path, flag):
    node = character_device(tmp_path / "node")
    paths = {"--out": tmp_path / "m.npz", "--checkpoint": tmp_path / "m.ckpt",
             "--db": tmp_path / "runs.db", flag: node}
    result = invoke("train", "--hidden", "4", "--epochs", "1", "-q",
                    *[str(part) for pair in paths.items() for part in pair])
    assert_one_error(result, 1, "character device", str(node))
    assert "training on" not in result.output and "test accuracy" not in result.output
    assert is_device(node)
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize("flag", ["--out", "--checkpoint"])
def test_train_refuses_a_looping_symlink_in_one_line(tmp_path, flag):
    loop = tmp_path / "loop.npz"
    loop.symlink_to(loop)
    result = invoke("train", "--epochs", "1", "--db", tmp_path / "g.db", flag, loop)
    assert_one_error(result, 1, "symbolic link loops")


def test_train_writes_through_a_symlink_and_keeps_it(tmp_path):
    real = tmp_path / "real.npz"
    glassnet.save(glassnet.Network([64, 4, 10]), real)
    (tmp_path / "latest.npz").symlink_to(real)
    ok("train", "--hidden", "5", "--epochs", "1", "-q", "--db", tmp_path / "g.db",
       "--out", tmp_path / "latest.npz")  # fmt: skip
    assert (tmp_path / "latest.npz").is_symlink()
    assert load_any(real).sizes == [64, 5, 10]


def test_export_and_plot_refuse_a_device(trained, tmp_path):
    node = character_device(tmp_path / "node.json")
    assert_one_error(invoke("export", trained["model"], "--json", node), 1, "character device")
    picture = character_device(tmp_path / "node.png")
    assert_one_error(invoke("plot", "sigmoid", "-o", picture), 1, "character device")
    assert is_device(node) and is_device(picture)


# ---------------------------------------------------------------------- export
def test_export_writes_a_readable_copy(trained, tmp_path):
    exported = tmp_path / "copy.json"
    output = ok("export", trained["model"], "--json", exported)
    assert f"wrote {exported}" in output
    document = json.loads(exported.read_text())
    assert document["sizes"] == [64, 32, 10]
    assert document["training"]["run_id"] == 1
    original, copy = load_any(trained["model"]), load_any(exported)
    for a, b in zip(original.parameters(), copy.parameters(), strict=True):
        assert np.array_equal(a, b)


def test_export_needs_json():
    result = invoke("export", "model.npz")
    assert_one_error(result, 2, "--json")


def test_export_never_writes_json_over_a_model_file(trained):
    before = trained["model"].read_bytes()
    result = invoke("export", trained["model"], "--json", trained["model"])
    assert_one_error(result, 2, "--json", ".json")
    assert trained["model"].read_bytes() == before


# ---------------------------------------------------------------------- runs
def test_runs_list_show_compare(tmp_path):
    db = tmp_path / "g.db"
    ok("train", "--epochs", "2", "--db", db, "-q")
    ok("train", "--epochs", "2", "--hidden", "64", "--db", db, "-q")
    listing = ok("runs", "list", "--db", db)
    assert listing.splitlines()[0].split()[:2] == ["id", "time"]
    assert "test acc" in listing
    assert ok("runs", "--db", db) == listing  # bare `runs` lists
    assert "no runs of sweep 'nope'" in ok("runs", "list", "--sweep", "nope", "--db", db)
    shown = ok("runs", "show", "2", "--db", db)
    assert "run #2" in shown and "hidden               64" in shown
    assert "nudge_pixels         0.5 for pictures (default)" in shown  # None, in words
    assert "test accuracy:" in shown and "ended: all epochs done)" in shown
    with RunsDatabase(db) as database:  # the explorer's Stop button records "callback"
        stopped = database.record_run({"hidden": [8]}, {}, {"stop_reason": "callback"})
    assert "ended: Stop button or a callback)" in ok("runs", "show", stopped, "--db", db)
    epochs = ok("runs", "show", "2", "--db", db, "--epochs")
    assert "train_loss" in epochs
    compared = ok("runs", "compare", "1", "2", "--db", db)
    assert "* hidden" in compared
    assert "  activation" in compared
    assert "* differs: hidden" in compared
    assert "vs first run" in compared
    changed = ok("runs", "compare", "1", "2", "--db", db, "--changed")
    assert "activation" not in changed and "* hidden" in changed


def test_runs_compare_gives_the_difference_of_the_accuracies_it_shows(tmp_path):
    db = tmp_path / "runs.db"
    with RunsDatabase(db) as database:  # 300 and 303 of 360 test images right
        for right in (300, 303):
            database.record_run({"hidden": [8]}, {}, {"test_accuracy": right / 360})
    compared = ok("runs", "compare", "1", "2", "--db", db)
    assert "83.3%" in compared and "84.2%" in compared
    (line,) = [line for line in compared.splitlines() if "vs first run" in line]
    assert line.split()[-2:] == ["+0.9", "points"]  # not the unrounded 0.83, shown +0.8


def test_runs_on_an_empty_or_missing_database(tmp_path):
    missing = tmp_path / "none.db"
    assert "no runs recorded yet" in ok("runs", "list", "--db", missing)
    assert not missing.exists()  # reading never creates it
    assert "no sweeps recorded yet" in ok("runs", "sweeps", "--db", missing)
    assert_one_error(invoke("runs", "show", "1", "--db", missing), 1, "no runs database")


def test_runs_errors(tmp_path):
    db = tmp_path / "g.db"
    ok("train", "--epochs", "1", "--db", db, "-q")
    assert_one_error(invoke("runs", "show", "5", "--db", db), 1, "no run 5")
    assert_one_error(invoke("runs", "compare", "1", "--db", db), 2, "at least two")
    assert_one_error(invoke("runs", "compare", "1", "9", "--db", db), 1, "no run 9")


def test_runs_sweeps(tmp_path):
    db = tmp_path / "g.db"
    with RunsDatabase(db) as database:
        sweep = database.create_sweep({"grid": {"hidden": [[8]]}})
        database.record_run({"hidden": [8], "seed": 0}, {}, {"test_accuracy": 0.9},
                            sweep_id=sweep, source="sweep")  # fmt: skip
    output = ok("runs", "sweeps", "--db", db)
    assert sweep in output and "90.0%" in output and "running" in output
    assert "sweep" in ok("runs", "list", "--db", db, "--sweep", sweep)
    assert f"(see: glassnet runs sweeps --db {db})" in ok("runs", "list", "--db", db,
                                                          "--sweep", "no-such-sweep")


# ---------------------------------------------------------------------- plot
def test_plot_needs_a_model_for_model_kinds(tmp_path):
    result = invoke("plot", "weights", "-o", tmp_path / "w.png")
    assert_one_error(result, 2, "needs a MODEL")


@pytest.mark.parametrize("kind", ["digits", "digit", "sigmoid"])
def test_plot_without_a_model(kind, tmp_path):
    from PIL import Image

    out = tmp_path / f"{kind}.png"
    assert f"wrote {out}" in ok("plot", kind, "-o", out, "--count", "12")
    with Image.open(out) as picture:
        assert picture.size[0] > 100 and picture.size[1] > 100
        assert len(np.unique(np.asarray(picture.convert("L")))) > 2  # not blank


@pytest.mark.parametrize("kind", ["weights", "curves", "confusion", "slope"])
def test_plot_of_a_model(kind, trained, tmp_path):
    from PIL import Image

    out = tmp_path / f"{kind}.png"
    assert f"wrote {out}" in ok("plot", kind, trained["model"], "-o", out)
    with Image.open(out) as picture:
        assert len(np.unique(np.asarray(picture.convert("L")))) > 2


def test_plot_curves_from_the_database(trained, tmp_path):
    out = tmp_path / "curves.png"
    ok("plot", "curves", "--run", "1", "--db", trained["db"], "-o", out)
    assert out.stat().st_size > 1000


def test_plot_unknown_kind(tmp_path):
    assert_one_error(invoke("plot", "rainbow", "-o", tmp_path / "x.png"), 2, "rainbow")


# ---------------------------------------------------------------------- errors
def corrupted_copy(model, tmp_path):
    data = bytearray(model.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # zero a run of weight bytes
    path = tmp_path / "corrupted.npz"
    path.write_bytes(bytes(data))
    return path


def test_error_missing_model_file(tmp_path):
    assert_one_error(invoke("evaluate", tmp_path / "missing.npz"), 1, "no such file")


def test_error_not_a_glassnet_model(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("shopping list: eggs, milk\n")
    assert_one_error(invoke("predict", text, "0"), 1, "not a glassnet model")
    other = tmp_path / "arrays.npz"
    np.savez(other, a=np.zeros(3))
    assert_one_error(invoke("evaluate", other), 1, "cannot load")


def test_error_corrupted_model(trained, tmp_path):
    bad = corrupted_copy(trained["model"], tmp_path)
    assert_one_error(invoke("evaluate", bad), 1, "corrupt")


def test_error_missing_image(trained, tmp_path):
    assert_one_error(
        invoke("predict", trained["model"], tmp_path / "nothing.png"), 1, "no such file"
    )


def test_error_unreadable_image(trained, tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"this is not a picture at all" * 10)
    assert_one_error(invoke("predict", trained["model"], fake), 1, "fake.png")


def test_error_blank_image(trained, tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (40, 40), color=255).save(blank)
    assert_one_error(invoke("predict", trained["model"], blank), 1, "no ink")


def test_error_wrong_count_of_numbers(trained):
    assert_one_error(invoke("predict", trained["model"], "0.5,0.5,1"), 1, "got 3 numbers", "64")
    assert_one_error(invoke("predict", trained["model"], "-", input="1 2\n"), 1, "got 2 numbers")


def test_standard_input_is_read_up_to_a_limit(trained, monkeypatch):
    # `predict - < /dev/zero` filled the memory until the system stopped the process.
    monkeypatch.setattr("glassnet.cli.predict.MAX_STDIN_CHARACTERS", 128)
    within = ok("predict", trained["model"], "-", input="0 1 " * 32)  # 64 numbers in 128
    assert "guess" in within
    assert_one_error(invoke("predict", trained["model"], "-", input="0 1 " * 32 + "0"), 1,
                     "standard input holds more than 128 characters")


@pytest.mark.parametrize("bad", ["nan", "inf", "1" + "0" * 400])
def test_error_numbers_that_are_not_finite_floats(trained, bad):
    """400 digits is a finite number, but read as a float it is inf: say so."""
    numbers = ",".join([bad] + ["0"] * 63)
    assert_one_error(invoke("predict", trained["model"], numbers), 1,
                     "the numbers: every number must be finite: no nan, no inf, and none beyond "
                     "what a float holds")


def test_error_files_and_numbers_mixed(trained, tmp_path):
    picture = digit_png(tmp_path / "one.png", index=1)
    assert_one_error(invoke("predict", trained["model"], picture, "0.5"), 1, "not both")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--activation", "magic"], "--activation"),
        (["--hidden", "0"], "at least 1 neuron"),
        (["--hidden", "32,x"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--learning-rate", "-1"], "--learning-rate"),
        (["--optimizer", "newton"], "--optimizer"),
        (["--test-fraction", "1"], "--test-fraction"),
        (["--learning-rate", "nan"], "not a finite number"),
        (["--momentum", "nan"], "--momentum"),
        (["--l2", "inf"], "--l2"),
    ],
)
def test_error_bad_training_options_are_usage_errors(args, fragment, tmp_path):
    result = invoke("train", *args, "--db", tmp_path / "g.db")
    assert_one_error(result, 2, fragment)
    assert not (tmp_path / "g.db").exists()


def test_error_bad_combination_is_one_line(tmp_path):
    # A valid option each, but cross-entropy needs a softmax or sigmoid output.
    result = invoke("train", "--output", "relu", "--epochs", "1", "--db", tmp_path / "g.db")
    assert_one_error(result, 1)


def test_error_unknown_data_kind(tmp_path):
    result = invoke("train", "--data", "pictures:here", "--db", tmp_path / "g.db")
    assert_one_error(result, 1, "unknown dataset kind")


def test_error_show_out_of_range():
    assert_one_error(invoke("show", "5000"), 1, "5000", "1797")


def test_debug_shows_the_real_exception(tmp_path):
    result = invoke("--debug", "evaluate", tmp_path / "missing.npz")
    assert result.exit_code == 1
    assert isinstance(result.exception, ModelFormatError)


def test_error_json_model_path_is_refused_before_training(tmp_path):
    result = invoke("train", "--out", tmp_path / "model.json", "--db", tmp_path / "g.db")
    assert_one_error(result, 2, "--out", "export")
    assert not (tmp_path / "g.db").exists()


def test_train_never_saves_the_model_over_the_runs_database(tmp_path):
    db = tmp_path / "g.db"
    ok("train", "--epochs", "1", "--db", db, "-q")
    before = db.read_bytes()
    result = invoke("train", "--epochs", "1", "--db", db, "--out", db)
    assert_one_error(result, 2, "--out", "--db")
    assert db.read_bytes() == before
    result = invoke("train", "--epochs", "1", "--db", db, "--checkpoint", db)
    assert_one_error(result, 2, "--checkpoint", "--db")


def test_a_diverged_training_says_nothing_was_saved(tmp_path):
    result = invoke("train", "--learning-rate", "1000", "--activation", "identity", "--output",
                    "identity", "--loss", "squared_error", "--epochs", "3", "--quiet",
                    "--db", tmp_path / "g.db", "--out", tmp_path / "m.npz")
    message = assert_one_error(result, 1, "learning rate", "No model was saved")
    assert "keeps the weights" not in message
    assert not (tmp_path / "m.npz").exists() and not (tmp_path / "g.db").exists()


@pytest.mark.parametrize("rate", ["100", "1e9"])
def test_a_huge_learning_rate_with_the_defaults_is_diverged_not_saved(tmp_path, rate):
    """It used to train, report 9.7% (an 8 for everything), save and record the run."""
    result = invoke("train", "--learning-rate", rate, "--quiet", "--db", tmp_path / "g.db",
                    "--out", tmp_path / "m.npz")
    message = assert_one_error(result, 1, "Training diverged in epoch",
                               "try a learning rate of 0.2", "No model was saved")
    assert "3 to 10 times" not in message
    assert not (tmp_path / "m.npz").exists() and not (tmp_path / "g.db").exists()


def test_the_first_run_of_a_database_explains_its_words(tmp_path):
    db = tmp_path / "new.db"
    first = invoke("train", "--epochs", "3", "--db", db, "--out", tmp_path / "1.npz")
    assert first.exit_code == 0, first.output
    words = first.output.split("what the words above mean:\n", 1)[1]
    assert "val, validation: 10% of the training images, held back" in words
    second = invoke("train", "--epochs", "3", "--db", db, "--out", tmp_path / "2.npz")
    assert second.exit_code == 0 and "what the words above mean" not in second.output
    quiet = invoke("train", "--epochs", "3", "--quiet", "--db", tmp_path / "q.db")
    assert quiet.exit_code == 0 and "what the words above mean" not in quiet.output


def test_training_words_name_only_what_the_run_used():
    from glassnet.cli.train import training_words

    settings = RunSettings(validation_fraction=0.2)
    history = History(train_loss=[0.1], train_accuracy=[0.99], validation_loss=[0.2],
                      validation_accuracy=[0.95], best_epoch=7, averaged_epochs=0,
                      stop_reason="early_stopping")

    class Result:
        test_accuracy = 0.97

    text = "\n".join(training_words(settings, history, Result()))
    assert "val, validation: 20% of the training images" in text
    assert "val_acc 95.0% is below the test accuracy 97.0%" in text
    assert "best epoch (7): the epoch with the lowest validation loss" in text
    assert "weights averaged" not in text
    history.validation_loss, history.validation_accuracy, history.best_epoch = [], [], None
    history.stop_reason = "completed"
    assert training_words(settings, history, Result()) == []  # nothing to explain


def test_show_refuses_a_negative_image_number():
    """'show -1' showed the last image; N counts images from 0."""
    result = invoke("show", "--", "-1")
    assert result.exit_code == 2
    assert "Invalid value for 'N'" in result.output
    assert "-1 is not in the range x>=0" in result.output


def test_predict_warns_about_numbers_outside_0_to_1(trained):
    numbers = ",".join(["16"] + ["0"] * 63)
    result = invoke("predict", str(trained["model"]), numbers)
    assert result.exit_code == 0, result.output
    assert "warning: numbers: 1 of the 64 numbers lie outside 0..1 (from 0 to 16)" in result.output
    inside = invoke("predict", str(trained["model"]), ",".join(["1"] + ["0"] * 63))
    assert inside.exit_code == 0 and "warning" not in inside.output
    underscores = invoke("predict", str(trained["model"]), ",".join(["1_0"] + ["0"] * 63))
    assert underscores.exit_code == 1 and "not a number" in underscores.output
