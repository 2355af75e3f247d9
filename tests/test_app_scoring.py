"""Tests of glassnet.app.scoring: a model is scored on the images it never saw."""

from __future__ import annotations

import numpy as np

import glassnet
from glassnet.app.experiment import RunSettings, run
from glassnet.app.scoring import images_to_score, training_images
from glassnet.store.modelfile import read_metadata


def saved_model(tmp_path):
    settings = RunSettings(hidden=(8,), epochs=2, test_fraction=0.2, seed=3)
    result = run(settings, catch_interrupt=False)
    path = glassnet.save(result.network, tmp_path / "m.npz",
                         training={"settings": result.settings.to_dict()})
    return read_metadata(path), result


def test_the_model_is_scored_on_its_own_test_images(tmp_path):
    meta, result = saved_model(tmp_path)
    images, which = images_to_score(meta, None, None, None, False)
    train_rows, test_rows = glassnet.load_digits().split_indices(0.2, 3)
    assert "images it never saw" in which
    np.testing.assert_array_equal(images.X, glassnet.load_digits().X[test_rows])
    trained = training_images(meta, None)
    np.testing.assert_array_equal(trained.X, glassnet.load_digits().X[train_rows])


def test_all_images_or_another_split_say_so(tmp_path):
    meta, _ = saved_model(tmp_path)
    everything, which = images_to_score(meta, None, None, None, True)
    assert len(everything) == 1797
    assert "warning: 1438 of them are from this model's training part" in which
    other, which = images_to_score(meta, None, 0.5, 1, False)
    _, test_rows = glassnet.load_digits().split_indices(0.5, 1)
    assert len(other) == len(test_rows) and "a split of your choosing" in which
    _, which = images_to_score({}, None, None, None, False)
    assert "the model does not say how it was split" in which
