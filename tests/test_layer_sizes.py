"""Layer sizes: read and checked in one place, and said the same way by every window."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import glassnet as gn
from glassnet.app.settings import RunSettings
from glassnet.cli import main
from glassnet.core.layer_sizes import check_layer_sizes, format_hidden, parse_hidden


@pytest.mark.parametrize(("given", "sizes"), [
    ("32", (32,)), ("64,32", (64, 32)), (" 8 , 4 ", (8, 4)), ("none", ()), ("None", ()),
    ("", ()), (None, ()), (32, (32,)), ([64, 32], (64, 32)), ((), ()), ([16.0], (16,)),
    (np.array([8, 4]), (8, 4)),
])  # fmt: skip
def test_every_form_of_hidden_sizes_reads_the_same(given, sizes):
    assert parse_hidden(given) == sizes
    assert all(type(size) is int for size in parse_hidden(given))
    assert parse_hidden(format_hidden(sizes)) == sizes


@pytest.mark.parametrize(("given", "words"), [
    ("0", "every hidden layer needs at least 1 neuron"),
    ([0], "every hidden layer needs at least 1 neuron"),
    ("32,-1", "every hidden layer needs at least 1 neuron"),
    ("a", "whole numbers separated by commas"),
    ("3.5", "whole numbers separated by commas"),
    ([2.5], "whole numbers separated by commas"),
    ("32,,4", "whole numbers separated by commas"),
    ([True], "whole numbers separated by commas"),
    (["32"], "whole numbers separated by commas"),
    (object(), "whole numbers separated by commas"),
    ("1_0", "whole numbers separated by commas"),  # Python's int() takes these three
    ("\uff13\uff12", "whole numbers separated by commas"),  # fullwidth 32
    ("\u0663\u0662", "whole numbers separated by commas"),  # Arabic-Indic 32
])  # fmt: skip
def test_a_wrong_size_says_what_sizes_look_like(given, words):
    with pytest.raises(gn.ConfigError, match=words):
        parse_hidden(given)


def message(action) -> str:
    with pytest.raises(gn.ConfigError) as caught:
        action()
    return str(caught.value)


@pytest.mark.parametrize("sizes", [[0], [8, 0], [2.5], [True]], ids=str)
def test_python_windows_say_the_same_about_the_same_mistake(sizes):
    """RunSettings and the scikit-learn estimator (after its parameter's name, as
    scikit-learn does) refuse a size in the same words."""
    expected = message(lambda: parse_hidden(sizes))
    assert message(lambda: RunSettings(hidden=sizes)) == expected
    classifier = gn.GlassnetClassifier(hidden_layer_sizes=sizes, max_iter=1)
    X, y = np.eye(4), np.array([0, 1, 0, 1])
    assert message(lambda: classifier.fit(X, y)) == f"hidden_layer_sizes: {expected}"


@pytest.mark.parametrize("text", ["0", "8,0", "a", "3.5"])
def test_the_command_line_says_it_too(text):
    result = CliRunner().invoke(main, ["train", "--hidden", text])
    assert result.exit_code == 2
    assert f"Invalid value for '--hidden': {message(lambda: parse_hidden(text))}" in result.output


@pytest.mark.parametrize("sizes", [[0], [8, 0], [2.5]], ids=str)
def test_the_explorer_says_it_too(explorer, sizes):
    response = explorer.post("/api/training/start", json={"hidden": sizes, "epochs": 1})
    assert response.status_code == 422
    assert response.json()["error"] == message(lambda: parse_hidden(sizes))


@pytest.mark.parametrize(("sizes", "shown"), [(["8"], '"8"'), ([True], "true"),
                                             ([None], "null")], ids=str)
def test_what_is_not_a_number_the_explorer_shows_as_json(explorer, sizes, shown):
    # Python's spelling (['8'], True, None) would mean nothing to the page.
    response = explorer.post("/api/training/start", json={"hidden": sizes, "epochs": 1})
    assert response.status_code == 422
    assert response.json()["error"] == f"hidden must hold whole numbers, got {shown}"


def test_the_explorer_bounds_its_networks_after_that(explorer):
    for sizes, words in (([1000], "between 1 and 256"), ([4, 4, 4, 4], "at most 3"),
                         ("64,32", "must be a list")):
        response = explorer.post("/api/training/start", json={"hidden": sizes, "epochs": 1})
        assert response.status_code == 422
        assert words in response.json()["error"]


def test_a_network_checks_its_whole_chain():
    assert check_layer_sizes([64, 32, 10]) == [64, 32, 10]
    assert check_layer_sizes((np.int64(4), 2.0)) == [4, 2]
    with pytest.raises(gn.ConfigError, match="at least an input size and an output size"):
        check_layer_sizes([64])
    with pytest.raises(gn.ConfigError, match="every layer needs at least 1 neuron"):
        check_layer_sizes([64, 0, 10])
    with pytest.raises(gn.ConfigError, match="list of whole numbers"):
        check_layer_sizes([64, "a"])
