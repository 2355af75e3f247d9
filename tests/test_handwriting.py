"""app.handwriting: a learner's drawings scored apart from the test images, and a copy trained."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.app.experiment import RunSettings, run
from glassnet.app.handwriting import score_writer, split_writer, train_on_writer, writer_dataset
from glassnet.errors import ConfigError


def test_every_second_drawing_of_a_digit_is_kept_apart():
    train_rows, kept_rows = split_writer([3, 3, 5, 3, 5, 7])
    assert train_rows.tolist() == [0, 2, 3, 5] and kept_rows.tolist() == [1, 4]


def test_nothing_to_keep_apart_is_refused():
    with pytest.raises(ConfigError, match="twice"):
        split_writer([0, 1, 2])


@pytest.fixture(scope="module")
def setup():
    data = gn.load_digits()
    network = run(RunSettings(hidden=(8,), epochs=3), catch_interrupt=False).network
    rows = np.concatenate([np.flatnonzero(data.y == d)[:4] for d in range(10)])
    writer = writer_dataset(data.X[rows], [int(y) for y in data.y[rows]], network.classes)
    test = data.take(np.arange(1500, 1797))
    return network, writer, test


def test_score_writer_counts_what_the_network_guesses(setup):
    network, writer, test = setup
    answer = score_writer(network, writer, test)
    guesses = network.predict(writer.X)
    assert answer["writer"]["correct"] == int(np.sum(guesses == writer.y))
    assert [w["index"] for w in answer["wrong"]] == np.flatnonzero(guesses != writer.y).tolist()
    assert answer["test"]["total"] == len(test)


def test_train_on_writer_trains_a_copy_and_is_repeatable(setup):
    network, writer, test = setup
    weights = [p.copy() for p in network.parameters()]
    first = train_on_writer(network, writer, test, epochs=10, loss="cross_entropy")
    for before, now in zip(weights, network.parameters(), strict=True):
        np.testing.assert_array_equal(before, now)  # the network itself is untouched
    second = train_on_writer(network, writer, test, epochs=10, loss="cross_entropy")
    for a, b in zip(first["network"].parameters(), second["network"].parameters(), strict=True):
        np.testing.assert_array_equal(a, b)  # the same seed trains the same copy
    assert first["after"]["trained_on"] > first["before"]["trained_on"]
    assert first["before"]["test"] == second["before"]["test"]
