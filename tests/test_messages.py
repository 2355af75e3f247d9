"""Error messages show a refused value short, whatever the value: ``errors.shown``.

A message that repeats hostile input whole is as long as the input (a key of a
megabyte, a list of a million sizes), and a whole number of more than 4,300 digits
cannot be spelled at all: Python raises its own ValueError in the middle of building
the message. Every window's messages go through ``shown``, so each test here gives a
window such a value and checks the one clear, short error that comes back.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.data.csv import load_csv
from glassnet.errors import SHOWN_LENGTH, shown

HUGE = 10**5000  # more digits than Python will spell
LONG_NAME = "x" * 100_000


def test_a_short_value_is_shown_as_it_is():
    assert shown(3) == "3"
    assert shown("relu") == "'relu'"
    assert shown([True, None], json.dumps) == "[true, null]"
    assert shown(10**59) == "1" + "0" * 59  # 60 characters still fit


def test_a_long_value_is_cut_to_the_shown_length():
    text = shown(LONG_NAME)
    assert len(text) == SHOWN_LENGTH
    assert text == "'" + "x" * (SHOWN_LENGTH - 4) + "..."
    assert shown([0] * 100_000).endswith("...")


@pytest.mark.parametrize(("number", "words"), [
    (10**60, "a whole number of 61 digits"),
    (-(10**400), "a negative whole number of 401 digits"),
    (HUGE, "a whole number of about 5,001 digits"),
], ids=["61 digits", "401 digits", "5001 digits"])
def test_a_long_whole_number_is_described_by_its_digits(number, words):
    # Cut short, 1000...000 would read as another number.
    assert shown(number) == words


def test_what_cannot_be_spelled_is_named_by_its_type():
    assert shown([64, HUGE, 10]) == "a list that cannot be shown"

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert shown(Broken()) == "a Broken that cannot be shown"


def test_a_numpy_scalar_is_shown_as_its_number():
    assert shown(np.float32(0.1)) == "0.1"
    assert shown(np.int64(-3)) == "-3"


@pytest.mark.parametrize("make", [
    lambda: gn.Network([64, HUGE, 10]),
    lambda: gn.settings_for("default", seed=HUGE),
    lambda: gn.GlassnetClassifier(alpha=HUGE).fit([[0, 1], [1, 0]], [0, 1]),
    lambda: gn.GlassnetClassifier(hidden_layer_sizes=(HUGE,)).fit([[0, 1], [1, 0]], [0, 1]),
], ids=["network", "settings", "estimator alpha", "estimator sizes"])
def test_a_number_too_long_to_spell_is_a_config_error(make):
    # Before, building the message raised Python's own ValueError about 4,300 digits.
    with pytest.raises(gn.ConfigError) as caught:
        make()
    assert "4300" not in str(caught.value)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("make", [
    lambda: gn.get_optimizer(LONG_NAME),
    lambda: gn.settings_for(LONG_NAME),
    lambda: gn.Network([64, LONG_NAME, 10]),
    lambda: load_csv("digits.csv", label_column=LONG_NAME),
], ids=["optimizer", "recipe", "sizes", "csv"])
def test_a_long_name_makes_a_short_message(make, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "digits.csv").write_text("a,b,label\n1,2,0\n3,4,1\n")
    with pytest.raises(gn.GlassnetError) as caught:
        make()
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize(("path", "body", "error"), [
    ("/api/training/start", {"epochs": 10**300},
     "epochs must be between 1 and 300, got a whole number of 301 digits"),
    ("/api/predict", {"example": 1e308}, "example must be between 0 and 1796, got 1e+308"),
    ("/api/training/start", {"hidden": [0] * 100_000},
     "hidden must be a list of at most 3 whole numbers"),
], ids=["epochs", "example", "hidden"])
def test_the_explorer_shows_refused_numbers_short(explorer, path, body, error):
    response = explorer.post(path, json=body)
    assert response.status_code == 422
    assert response.json()["error"] == error


def test_the_explorer_refuses_a_field_given_twice(explorer):
    # Python's json keeps the last; which one the page meant is anyone's guess.
    response = explorer.post("/api/predict", content=b'{"example": 1, "example": 2}',
                             headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == 'the JSON gives "example" twice; give each field once'


def test_the_explorer_names_a_few_unknown_fields_short(explorer):
    body = {"k" * 5000: 1, **{f"extra{n}": n for n in range(10)}}
    response = explorer.post("/api/predict", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "and 6 more" in error and len(error) < 300


@pytest.mark.parametrize(("raw", "error"), [
    (b"null", "the body must be a JSON object, got null"),
    (b"[1, 2]", "the body must be a JSON object, got an array"),
    (b'"x"', "the body must be a JSON object, got a string"),
    (b"3.5", "the body must be a JSON object, got a number"),
    (b"\xff\xfe{}", "the body is not UTF-8 text; send JSON as UTF-8"),
    (b"\xef\xbb\xbf{}", "the body starts with a byte order mark; send JSON as plain UTF-8"),
], ids=["null", "array", "string", "number", "not UTF-8", "byte order mark"])
def test_the_explorer_speaks_of_the_body_in_json_terms(explorer, raw, error):
    # Not Python's "NoneType", "list", or a codec's "can't decode byte 0xff".
    response = explorer.post("/api/predict", content=raw,
                             headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == error


# ---------------------------------------------------------------------- the command line
def run_cli(*args: str):
    from click.testing import CliRunner

    from glassnet.cli import main

    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.npz"
    network = gn.Network([64, 8, 10], seed=0)
    gn.train(network, gn.load_digits(), epochs=1)
    return gn.save(network, path)


@pytest.mark.parametrize(("args", "exit_code", "words"), [
    (["show", str(10**400)], 1, "image a whole number of 401 digits does not exist"),
    (["train", "--shift-pixels", str(10**400), "--epochs", "1"], 2,
     "a whole number of 401 digits is not in the range 0<=x<=9223372036854775807"),
    (["train", "--epochs", "9" * 5000], 2,  # click printed every digit
     "a whole number of 5,000 digits is not in the range 1<=x<=100000"),
    (["plot", "digits", "--count", str(10**400), "-o", "grid.png"], 1,
     "at most 400 digits, about 10^400 were asked for"),
    (["predict", "MODEL", "1" * 5000 + "x"], 1, "Error: 111111111"),
], ids=["show", "shift", "epochs", "plot count", "predict"])
def test_the_command_line_shows_a_huge_value_short(model_file, tmp_path, monkeypatch, args,
                                                   exit_code, words):
    monkeypatch.chdir(tmp_path)
    result = run_cli(*[str(model_file) if arg == "MODEL" else arg for arg in args])
    assert result.exit_code == exit_code and "Traceback" not in result.output
    assert words in result.output and len(result.output) < 400


@pytest.mark.parametrize(("value", "words"), [
    ("+-5", "'+-5' is not a whole number"),  # was a ValueError traceback
    ("--5", "'--5' is not a whole number"),
    ("x", "'x' is not a whole number"),
    ("0", "0 is not in the range 1<=x<=100000"),
    ("-" + "9" * 70, "a negative whole number of 70 digits is not in the range"),
], ids=["two signs", "two minus", "text", "zero", "long negative"])
def test_a_refused_whole_number_option_is_a_usage_error_in_words(value, words):
    result = run_cli("train", f"--epochs={value}")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert words in result.output, result.output


def test_evaluate_takes_a_seed_a_run_can_record(model_file):
    result = run_cli("evaluate", model_file, "--seed", str(10**400))
    assert result.exit_code == 2 and "0<=x<=9223372036854775807" in result.output


@pytest.mark.parametrize(("text", "words"), [
    ('{"layers": [], "format_version": ' + "1" * 5000 + "}",
     "the JSON holds a whole number of 5,000 digits; a glassnet file holds none of more than 100"),
    ("[" * 100_000 + "]" * 100_000, "the JSON is nested too deeply"),
], ids=["5000 digits", "deep"])
def test_a_json_model_python_cannot_read_gets_glassnet_s_words(tmp_path, text, words):
    # Not Python's "Exceeds the limit (4300 digits) ... sys.set_int_max_str_digits()".
    path = tmp_path / "model.json"
    path.write_text(text)
    with pytest.raises(gn.ModelFormatError) as caught:
        gn.load(path)
    assert str(caught.value) == f"cannot load {path}: {words}"


def test_an_empty_json_model_is_called_empty(tmp_path):
    (tmp_path / "model.json").write_text("  \n")
    with pytest.raises(gn.ModelFormatError, match="not a glassnet JSON model: the file is empty"):
        gn.load(tmp_path / "model.json")  # not json's "Expecting value: line 1 column 1"


def test_predict_takes_standard_input_alone(model_file):
    result = run_cli("predict", model_file, "-", "-")
    assert result.exit_code == 1  # and not "-: no such file":
    assert "'-' reads the numbers from standard input, so it comes alone" in result.output


def test_a_json_model_with_a_byte_order_mark_loads(model_file, tmp_path):
    from glassnet.store.modelfile import export_json

    plain = export_json(gn.load(model_file), tmp_path / "model.json")
    marked = tmp_path / "marked.json"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())  # as some editors save it
    assert np.array_equal(gn.load(marked).layers[0].W, gn.load(plain).layers[0].W)


def test_a_loop_of_links_is_not_called_a_corrupt_model(tmp_path):
    (tmp_path / "a.npz").symlink_to(tmp_path / "b.npz")
    (tmp_path / "b.npz").symlink_to(tmp_path / "a.npz")
    with pytest.raises(gn.ModelFormatError) as caught:
        gn.load(tmp_path / "a.npz")
    assert "corrupt" not in str(caught.value) and "symbolic links" in str(caught.value)


def test_one_of_a_thing_is_counted_in_the_singular(model_file):
    from glassnet.errors import plural

    assert (plural(1, "image"), plural(0, "image"), plural(2, "epoch")) == (
        "1 image", "0 images", "2 epochs")
    result = run_cli("predict", model_file, "0.5")
    assert "got 1 number, but" in result.output  # not "1 numbers"


def test_control_characters_from_a_file_are_shown_not_sent_to_the_terminal(tmp_path):
    # A model's class label that would ring the bell and retitle the window.
    hostile = "\x1b]0;owned\x07"
    digits = gn.load_digits()
    labels = np.where(digits.y[:100] % 2 == 0, hostile, "odd")
    network = gn.Network([64, 8, 2], classes=np.unique(labels), seed=0)
    gn.train(network, gn.Dataset(digits.X[:100], labels), epochs=2)
    path = gn.save(network, tmp_path / "hostile.npz")
    shown_label = "\\x1b]0;owned\\x07"
    output = run_cli("predict", path, ",".join(["0.5"] * 64)).output
    assert shown_label in output and "\x07" not in output and "\x1b" not in output
    # An error naming a file the user typed, bell and all (messages say paths as given):
    error = run_cli("evaluate", path, "--data", f"csv:{tmp_path}/no\x07where.csv").output
    assert error.startswith("Error:") and "no\\x07where.csv" in error and "\x07" not in error


@pytest.mark.parametrize("how", ["npz", "json"])
def test_save_refuses_what_load_would_refuse_and_keeps_the_file_it_had(tmp_path, how):
    from glassnet.store.modelfile import export_json

    network = gn.Network([64, 10], seed=0)
    path = tmp_path / f"model.{how}"
    write = gn.save if how == "npz" else export_json
    write(network, path)
    before = path.read_bytes()
    with pytest.raises(gn.ConfigError, match="cannot save the training: the JSON holds a whole "
                                             "number of 101 digits"):
        write(network, path, training={"epochs": 10**100})
    assert path.read_bytes() == before and gn.load(path).sizes == network.sizes


@pytest.mark.parametrize("seed", [-1, 1.5, "5", True, np.bool_(True), np.float32(2)],
                         ids=str)
def test_a_seed_numpy_refuses_is_a_config_error_everywhere(seed):
    from glassnet.core.gradcheck import gradcheck

    for make in (lambda: gn.Network([64, 4, 10], seed=seed),
                 lambda: gn.load_digits().split(seed=seed),
                 lambda: gradcheck(gn.Network([4, 3, 2], seed=0), np.ones((2, 4)), [0, 1],
                                   seed=seed)):
        with pytest.raises(gn.ConfigError, match="seed"):
            make()


def test_outputs_overflowed_to_a_tie_of_inf_are_refused_not_guessed():
    # predict_proba refused these; predict answered the first of the tied classes.
    network = gn.Network([64, 8, 10], seed=0)
    huge = np.full((2, 64), 1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's own, before the check
        for answer in (network.predict, network.predict_proba):
            with pytest.raises(gn.DataError, match="overflowed"):
                answer(huge)


def test_slopes_and_training_of_overflowing_inputs_are_refused_in_words():
    network = gn.Network([64, 8, 10], seed=0)
    before = network.get_parameters()
    huge, labels = np.full((3, 64), 1e308), np.arange(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and without NumPy's warnings on the way
        for slopes in (network.backward, network.gradients):  # were NaN slopes, silently
            with pytest.raises(gn.DataError, match="overflowed"):
                slopes(huge, network.targets(labels))
        with pytest.raises(gn.DataError, match="overflowed"):
            network.trace(huge)
        # was TrainingDiverged, blaming the learning rate, after an epoch of steps
        with pytest.raises(gn.DataError, match="far too large; scale them to about 0 to 1 "
                                               "before training"):
            gn.train(network, (huge, labels), epochs=1)
    assert all(np.array_equal(a, b) for a, b in zip(network.parameters(), before, strict=True))


def test_complex_numbers_are_refused_not_cut_to_their_real_part():
    network = gn.Network([64, 8, 10], seed=0)
    before = network.get_parameters()
    with pytest.raises(gn.DataError, match="inputs must hold real numbers"):
        network.predict(np.full((1, 64), 0.5) + 1j)
    with pytest.raises(gn.DataError, match="must hold real numbers"):
        network.set_weights(0, network.layers[0].W * (1 + 2j))
    assert all(np.array_equal(a, b) for a, b in zip(network.parameters(), before, strict=True))


@pytest.mark.parametrize(("options", "words"), [
    ({"step": float("nan")}, "step must be a positive number"),
    ({"step": "x"}, "step must be a number"),
    ({"l2": float("nan")}, "l2 must be a non-negative number"),
    ({"l2": -1}, "l2 must be a non-negative number"),
    ({"max_per_array": 0}, "max_per_array must be a whole number of at least 1"),
    ({"weights": 1e300}, "the slopes could not be compared"),
], ids=["nan step", "text step", "nan l2", "negative l2", "no entries", "overflowing loss"])
def test_gradcheck_never_calls_a_comparison_it_could_not_make_perfect(options, words):
    # max(worst, nan) kept 0.0: a "perfect" agreement that compared nothing.
    from glassnet.core.gradcheck import gradcheck

    network = gn.Network([4, 3, 2], seed=0)
    if "weights" in options:
        network.layers[0].W[:] = options.pop("weights")  # the loss overflows near them
    with pytest.raises(gn.GlassnetError, match=words), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gradcheck(network, np.ones((2, 4)), [0, 1], **options)


@pytest.mark.parametrize("l2", [-1, float("nan"), "x"], ids=str)
def test_the_network_s_loss_and_slopes_check_their_l2(l2):
    network, X, Y = gn.Network([4, 3, 2], seed=0), np.ones((2, 4)), np.eye(2)
    for call in (network.objective, network.backward, network.gradients):
        with pytest.raises(gn.ConfigError, match="l2 must be"):
            call(X, Y, l2=l2)


@pytest.mark.parametrize(("make", "words"), [
    (lambda: gn.Network([64, 2], classes=3), "classes is a list of 2 labels, got 3"),
    (lambda: gn.Network([64, 2], classes="ab"), "classes is a list of 2 labels, got 'ab'"),
    (lambda: gn.Network([64, 2], classes=[None, 1]), "all numbers or all text"),
    (lambda: gn.Network([64, 10**400]), "a network of about 10\\^401 weights"),
    (lambda: gn.Network([64, 3]).loss(np.zeros((1, 64)), [10**400]),
     "labels \\[1000000.*\\.\\.\\. are not among this network's classes \\[0, 1, 2\\]"),
], ids=["a number", "a text", "None and a number", "a huge output layer", "a huge label"])
def test_a_network_s_classes_are_checked_in_words(make, words):
    # Before: TypeErrors from len() and np.unique, and np.arange's "Maximum allowed size".
    with pytest.raises(gn.GlassnetError, match=words) as caught:
        make()
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(("make", "words"), [
    (lambda net: gn.evaluate(net, (np.zeros((2, 64)), np.eye(2))), "a flat list"),
    (lambda net: gn.evaluate(net, (np.zeros((2, 64)), [0.0, np.nan])), "labels hold NaN"),
    (lambda net: gn.evaluate(net, (np.zeros((2, 64)), [0, 1])).most_confused(-1), "top is"),
    (lambda net: gn.load_digits().split(test_fraction=10**400), "strictly between 0 and 1"),
    (lambda net: gn.Dataset(np.zeros((2, 64)), [0, 1], image_shape=(2, 2, 16)),
     "image_shape is \\(height, width\\)"),
], ids=["one-hot labels", "NaN label", "negative top", "huge test fraction", "3-d shape"])
def test_scores_and_splits_refuse_malformed_input_in_words(make, words):
    # Before: an unhashable-array TypeError, KeyError 'nan', a silent wrong slice,
    # OverflowError, and a shape every picture window then crashed on.
    with pytest.raises(gn.GlassnetError, match=words):
        make(gn.Network([64, 3, 2], seed=0))


@pytest.mark.parametrize("path", [None, 5, b"model.npz", "a\0b.npz", "a" * 300 + ".npz"],
                         ids=["None", "a number", "bytes", "a NUL", "too long"])
def test_a_path_no_file_can_have_is_refused_by_save_and_load(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(gn.ConfigError):  # OutputPathError is one too
        gn.save(gn.Network([64, 10], seed=0), path)
    with pytest.raises(gn.ModelFormatError, match="cannot load"):  # "nothing else escapes"
        gn.load(path)
    assert list(tmp_path.iterdir()) == []  # and nothing was left behind


def test_save_and_sweep_say_what_they_take(tmp_path):
    digits = gn.load_digits()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # two epochs are not enough, and need not be here
        fitted = gn.GlassnetClassifier(max_iter=2).fit(digits.X[:100], digits.y[:100])
    with pytest.raises(gn.ConfigError, match="save writes a glassnet Network, got 'net'"):
        gn.save("net", tmp_path / "a.npz")  # an AttributeError before
    with pytest.raises(gn.ConfigError, match="its network_ is one"):
        gn.save(fitted, tmp_path / "a.npz")
    with pytest.raises(gn.ConfigError, match="a sweep's data is a Dataset"):
        gn.sweep({"hidden": [8]}, data=(digits.X, digits.y), db_path=tmp_path / "runs.db")
    assert list(tmp_path.iterdir()) == []


def test_train_evaluate_and_the_plots_say_what_they_take(tmp_path):
    from glassnet import plots
    from glassnet.store.modelfile import export_json
    from glassnet.web import create_app

    every = gn.load_digits()
    digits = gn.Dataset(every.X[:40], every.y[:40], image_shape=(8, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = gn.GlassnetClassifier(max_iter=1).fit(digits.X, digits.y)
    # Each was Python's AttributeError ("'str' object has no attribute ...") before.
    with pytest.raises(gn.ConfigError, match="train trains a glassnet Network, got 'net'"):
        gn.train("net", digits)
    with pytest.raises(gn.ConfigError, match=r"got GlassnetClassifier.*its network_ is one"):
        gn.train(fitted, digits)
    with pytest.raises(gn.ConfigError, match="hidden_weights draws a glassnet Network, got None"):
        plots.hidden_weights(None)
    with pytest.raises(gn.ConfigError, match="loss_slope draws a glassnet Network"):
        plots.loss_slope("net", digits)
    for score in (gn.evaluate, gn.accuracy, gn.confusion_matrix, gn.per_class_accuracy,
                  gn.most_confused, gn.misclassified):
        with pytest.raises(gn.ConfigError, match=f"{score.__name__} scores a model that "):
            score("net", digits)
    with pytest.raises(gn.ConfigError, match="gradcheck checks the slopes of a glassnet Net"):
        gn.gradcheck("net", digits.X[:2], digits.y[:2])
    with pytest.raises(gn.ConfigError, match="export_json writes a glassnet Network"):
        export_json("net", tmp_path / "a.json")
    with pytest.raises(gn.ConfigError, match="create_app serves a glassnet Network"):
        create_app("net")
    with pytest.raises(gn.ConfigError, match=r"save_figure writes a matplotlib Figure .*, got 5"):
        plots.save_figure(5, tmp_path / "a.png")
    assert list(tmp_path.iterdir()) == []
    assert len(gn.evaluate(fitted, digits).y_true) == 40  # an estimator is a model that predicts


def test_a_layer_is_not_a_boolean():
    network = gn.Network([64, 5, 10], seed=0)
    before = network.layers[1].W.copy()
    with pytest.raises(gn.ConfigError, match="layer True does not exist"):
        network.set_weights(True, np.zeros((5, 10)))  # was taken for layer 1
    with pytest.raises(gn.ConfigError, match=r"layer slice\(0, 1, None\) does not exist"):
        network.set_weights(slice(0, 1), np.zeros((5, 10)))  # was an AttributeError
    np.testing.assert_array_equal(network.layers[1].W, before)  # nothing was written
    network.set_weights(np.int64(1), np.zeros((5, 10)))  # a NumPy integer is a layer
    assert not network.layers[1].W.any()


@pytest.mark.parametrize("name", ["warm_start", "early_stopping", "nesterovs_momentum",
                                  "verbose"])
def test_an_on_off_estimator_parameter_must_be_a_boolean(name):
    digits = gn.load_digits()
    with pytest.raises(gn.ConfigError, match=f"{name} must be True or False, got 'no'"):
        gn.GlassnetClassifier(max_iter=1, **{name: "no"}).fit(digits.X[:50], digits.y[:50])


def test_a_0_d_array_subsets_one_class():
    digits = gn.load_digits()
    assert np.array_equal(digits.subset(np.array(5)).y, digits.subset(5).y)
