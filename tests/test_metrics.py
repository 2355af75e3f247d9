"""Metrics: accuracy, confusion matrix, per-class accuracy, most-confused pairs, mistakes."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.core.metrics import evaluate


class FixedGuesses:
    """A stand-in model whose guesses are written out, so every score is known by hand."""

    classes = np.array([0, 1, 2])

    def __init__(self, guesses):
        self.guesses = np.asarray(guesses)

    def predict(self, X):
        return self.guesses[: len(X)]


TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 1])
GUESS = np.array([0, 0, 1, 1, 2, 2, 2, 1, 1, 1])
DATA = (np.zeros((10, 4)), TRUE)


def test_accuracy_is_the_fraction_right():
    assert gn.accuracy(FixedGuesses(GUESS), DATA) == pytest.approx(6 / 10)


def test_confusion_matrix_rows_are_true_columns_are_guesses():
    expected = np.array([[2, 1, 0],
                         [0, 2, 1],
                         [0, 2, 2]])
    assert np.array_equal(gn.confusion_matrix(FixedGuesses(GUESS), DATA), expected)


def test_per_class_accuracy_and_most_confused():
    result = evaluate(FixedGuesses(GUESS), DATA)
    assert result.per_class_accuracy == pytest.approx({0: 2 / 3, 1: 2 / 3, 2: 0.5})
    assert result.most_confused(top=2) == [(2, 1, 2), (0, 1, 1)]
    assert result.most_confused(top=10)[-1] == (1, 2, 1)
    assert len(result.most_confused(top=10)) == 3


def test_mistakes_are_the_indices_guessed_wrong():
    assert gn.misclassified(FixedGuesses(GUESS), DATA).tolist() == [2, 4, 7, 8]


def test_perfect_model_has_no_confusions():
    result = evaluate(FixedGuesses(TRUE), DATA)
    assert result.accuracy == 1.0 and result.most_confused() == [] and len(result.mistakes) == 0


def test_evaluate_a_trained_network_on_a_dataset():
    train_part, test_part = gn.load_digits().split(0.2, seed=1)
    net = gn.Network([64, 10])
    gn.train(net, train_part, epochs=5)
    result = evaluate(net, test_part)
    assert result.confusion.sum() == len(test_part)
    assert result.confusion.shape == (10, 10)
    assert result.accuracy == pytest.approx(np.trace(result.confusion) / len(test_part))
    assert result.accuracy == pytest.approx(gn.accuracy(net, test_part))


def test_length_mismatch_is_a_data_error():
    with pytest.raises(gn.DataError):
        evaluate(FixedGuesses(GUESS[:3]), DATA)


@pytest.mark.parametrize("labels", [np.array([1]), 1, TRUE[:3]], ids=["one", "scalar", "short"])
def test_accuracy_refuses_labels_that_would_broadcast(labels):
    """One label for ten images is a mistake, not a score."""
    with pytest.raises(gn.DataError, match="one label per image"):
        gn.accuracy(FixedGuesses(GUESS), (np.zeros((10, 4)), labels))


@pytest.mark.parametrize("score", [evaluate, gn.accuracy, gn.confusion_matrix])
def test_labels_of_another_kind_than_the_classes_are_a_data_error(score):
    """A model trained on "zero", "one", ... scored on 0, 1, ... (or back): why, not a crash."""
    named = FixedGuesses(np.array(["zero", "one", "two"])[GUESS])
    named.classes = np.array(["zero", "one", "two"])
    with pytest.raises(gn.DataError, match=r"labels are numbers \(\[0, 0, 0\] ...\) but this "
                                           r"model's classes are text"):
        score(named, DATA)
    with pytest.raises(gn.DataError, match="labels are text .* classes are numbers"):
        score(FixedGuesses(GUESS), (DATA[0], np.array(["zero", "one", "two"])[TRUE]))
    assert gn.accuracy(named, (DATA[0], np.array(["zero", "one", "two"])[TRUE])) == 0.6


def test_whole_numbers_in_an_object_array_are_numbers_not_text():
    """A pandas column of ints arrives as an object array: scored, not refused."""
    assert gn.accuracy(FixedGuesses(GUESS), (DATA[0], TRUE.astype(object))) == pytest.approx(0.6)


def test_labels_the_model_never_learned_are_named_and_scored_as_mistakes():
    """A model of 0-2 scored on data with 3s: the 3s are mistakes it cannot avoid."""
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 3, 3, 3])
    scores = evaluate(FixedGuesses(GUESS), (DATA[0], labels))
    assert scores.unlearned.tolist() == [3] and scores.unlearned_images == 3
    assert scores.classes.tolist() == [0, 1, 2, 3] and scores.accuracy == pytest.approx(0.5)
    assert evaluate(FixedGuesses(GUESS), DATA).unlearned_images == 0


def test_data_with_no_label_the_model_knows_is_a_data_error():
    with pytest.raises(gn.DataError, match=r"none of the data's labels \(\[10, 11\]\) is one "
                                           r"of this model's classes \(\[0, 1, 2\]\)"):
        evaluate(FixedGuesses(GUESS), (DATA[0], np.array([10, 11] * 5)))
