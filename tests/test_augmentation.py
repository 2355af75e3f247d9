"""Pixel shifts: a digit moved by whole pixels, the uncovered border left white."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.errors import ConfigError
from glassnet.training.augmentation import image_shape_of, shift_images


def test_each_image_moves_by_at_most_one_pixel_and_keeps_its_ink():
    rng = np.random.default_rng(0)
    images = np.zeros((50, 8, 8))
    images[:, 3:5, 3:5] = 1.0  # a 2x2 blob in the middle: never pushed off the edge
    shifted = shift_images(images.reshape(50, 64), 1, rng).reshape(50, 8, 8)
    for before, after in zip(images, shifted, strict=True):
        assert after.sum() == before.sum()
        rows, cols = np.nonzero(after)
        assert rows.min() in (2, 3, 4) and cols.min() in (2, 3, 4)
    moved = [not np.array_equal(a, b) for a, b in zip(images, shifted, strict=True)]
    assert 30 < sum(moved) < 50  # 8 of 9 moves change the image


def test_a_known_shift_fills_the_border_with_white():
    image = np.arange(1, 10, dtype=float).reshape(1, 9)  # a 3x3 picture
    rng = np.random.default_rng(0)
    results = {tuple(shift_images(image, 1, rng)[0]) for _ in range(200)}
    down_right = (0, 0, 0, 0, 1, 2, 0, 4, 5)
    assert down_right in results and len(results) == 9


def test_same_seed_same_shifts_and_zero_is_a_copy():
    X = np.random.default_rng(1).random((20, 64))
    a = shift_images(X, 1, np.random.default_rng(7))
    b = shift_images(X, 1, np.random.default_rng(7))
    assert np.array_equal(a, b)
    same = shift_images(X, 0, np.random.default_rng(7))
    assert np.array_equal(same, X) and same is not X


def test_non_square_images_are_refused():
    assert image_shape_of(64) == (8, 8)
    with pytest.raises(ConfigError, match="square"):
        image_shape_of(65)
