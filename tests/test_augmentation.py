"""Pixel shifts and nudges: a digit moved by whole pixels or by a fraction of one."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import glassnet as gn
from glassnet.core.defaults import DEFAULT_NUDGE
from glassnet.errors import ConfigError
from glassnet.training.augmentation import (
    PixelNudges,
    image_shape_of,
    nudge_for,
    nudge_images,
    shift_images,
)


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
    # Each way of moving pixels names itself in the message.
    with pytest.raises(ConfigError, match="^shift_pixels moves .* 65 features"):
        shift_images(np.zeros((2, 65)), 1, np.random.default_rng(0))
    with pytest.raises(ConfigError, match="^nudge_pixels moves .* 65 features"):
        nudge_images(np.zeros((2, 65)), 0.5, np.random.default_rng(0))


def test_a_shift_as_large_as_the_picture_is_refused_before_training():
    digits = gn.load_digits()
    ink = shift_images(digits.X[:50], 7, np.random.default_rng(0))  # the most there is: 1 pixel
    assert ink.shape == (50, 64)
    with pytest.raises(ConfigError, match="shift_pixels 8 would move these 8x8 pictures out of "
                                          "view: give at most 7"):
        shift_images(digits.X[:50], 8, np.random.default_rng(0))
    network = gn.Network([64, 8, 10], seed=0)
    before = network.get_parameters()
    with pytest.raises(ConfigError, match="shift_pixels 9 would move"):
        gn.train(network, digits, epochs=1, shift_pixels=9)
    assert all(np.array_equal(a, b) for a, b in zip(before, network.get_parameters(),
                                                    strict=True))  # not a step was taken


# ---------------------------------------------------------------------- nudges
class FixedMoves:
    """Stands in for a Generator: every image gets the same move (dy, dx)."""

    def __init__(self, dy: float, dx: float) -> None:
        self.move = (dy, dx)

    def uniform(self, low, high, size):
        return np.tile(self.move, (size[0], 1))


def test_pictures_one_pixel_across_cannot_be_shifted_and_say_so():
    from glassnet.training.augmentation import check_shift

    with pytest.raises(ConfigError, match="these 1x64 pictures are one pixel across: they "
                                          "cannot be shifted; give shift_pixels 0"):
        check_shift(1, (1, 64))  # not "give at most 0 (a shift of 1 is usually enough)"


def test_a_nudge_of_a_whole_pixel_is_a_shift_and_half_is_halfway():
    image = np.arange(1, 17, dtype=float).reshape(1, 16)  # a 4x4 picture
    as_picture = image.reshape(4, 4)
    up = nudge_images(image, 1.0, FixedMoves(1.0, 0.0)).reshape(4, 4)
    # Each pixel now reads the one below it; the bottom row reads white from beyond.
    assert np.array_equal(up[:-1], as_picture[1:]) and not up[-1].any()
    left_half = nudge_images(image, 1.0, FixedMoves(0.0, 0.5)).reshape(4, 4)
    assert np.allclose(left_half[:, :-1], (as_picture[:, :-1] + as_picture[:, 1:]) / 2)
    assert np.allclose(left_half[:, -1], as_picture[:, -1] / 2)
    both = nudge_images(image, 1.0, FixedMoves(-0.25, 0.25)).reshape(4, 4)
    assert both[1, 1] == pytest.approx(0.75 * 0.75 * as_picture[1, 1] + 0.25 * 0.75 * (
        as_picture[0, 1] + as_picture[1, 2]) + 0.25 * 0.25 * as_picture[0, 2])


def test_nudges_keep_the_ink_inside_and_stay_within_their_reach():
    rng = np.random.default_rng(0)
    images = np.zeros((200, 8, 8))
    images[:, 2:6, 2:6] = rng.random((200, 4, 4))  # ink away from the edge
    nudged = nudge_images(images.reshape(200, 64), 0.5, rng).reshape(200, 8, 8)
    assert np.allclose(nudged.sum(axis=(1, 2)), images.sum(axis=(1, 2)))
    assert not nudged[:, [0, 7], :].any() and not nudged[:, :, [0, 7]].any()
    assert nudged.min() >= 0 and nudged.max() <= images.max()
    changed = ~np.isclose(nudged, images).all(axis=(1, 2))
    assert changed.all()  # a random move of exactly 0 has probability 0


def test_nudges_are_seeded_keep_the_dtype_and_zero_changes_nothing():
    X = np.random.default_rng(1).random((300, 64)).astype(np.float32)
    a = PixelNudges(0.5, (8, 8)).on_epoch_inputs(X.copy(), np.random.default_rng(7))
    b = PixelNudges(0.5, (8, 8)).on_epoch_inputs(X.copy(), np.random.default_rng(7))
    assert a.dtype == np.float32 and np.array_equal(a, b) and not np.array_equal(a, X)
    assert np.array_equal(nudge_images(X, 0.0, np.random.default_rng(7)), X)


@pytest.mark.parametrize("chunk", [7, 128, 2048])
def test_nudging_in_chunks_in_kept_memory_is_nudging_all_at_once(monkeypatch, chunk):
    """PixelNudges, chunk by chunk in its NudgeSpace, epoch after epoch: nudge_images' bits."""
    monkeypatch.setattr(PixelNudges, "CHUNK", chunk)
    X = np.random.default_rng(2).random((300, 48))  # 6 x 8 pictures: not square
    nudges, rng, expected_rng = PixelNudges(0.5, (6, 8)), np.random.default_rng(3), (
        np.random.default_rng(3))
    for _ in range(3):  # the same memory again: the white frame must stay white
        got = nudges.on_epoch_inputs(X.copy(), rng)
        assert np.array_equal(got, nudge_images(X, 0.5, expected_rng, image_shape=(6, 8)))
    assert nudges.space.n == nudges.space.framed.shape[-1] == min(chunk, 300)


@pytest.mark.parametrize(("dtype", "digest"), [("float64", "a874858fefaa2625"),
                                               ("float32", "03517747d1ab518e")])
def test_nudges_give_the_bits_they_always_gave(dtype, digest):
    """Two epochs of nudges of fixed images and seed: the bytes nudges gave before they
    were rewritten to work in kept memory (a change to the arithmetic shows here)."""
    X = np.random.default_rng(11).random((300, 64)).astype(dtype)
    rng, nudges = np.random.default_rng(12), PixelNudges(0.5, (8, 8))
    epochs = np.stack([nudges.on_epoch_inputs(X.copy(), rng) for _ in range(2)])
    assert hashlib.sha256(epochs.tobytes()).hexdigest()[:16] == digest


def test_nudges_make_new_memory_for_other_images_and_keep_it_otherwise():
    nudges, rng = PixelNudges(0.5, (8, 8)), np.random.default_rng(0)
    nudges.on_epoch_inputs(np.random.default_rng(1).random((10, 64)), rng)
    kept = nudges.space
    nudges.on_epoch_inputs(np.random.default_rng(1).random((10, 64)), rng)
    assert nudges.space is kept
    more = np.random.default_rng(2).random((50, 64))
    expected = nudge_images(more, 0.5, np.random.default_rng(5))
    assert np.array_equal(nudges.on_epoch_inputs(more.copy(), np.random.default_rng(5)),
                          expected)  # 50 images do not fit the space made for 10
    single = more.astype(np.float32)
    got = nudges.on_epoch_inputs(single.copy(), np.random.default_rng(5))
    assert got.dtype == np.float32 and nudges.space.dtype == nudges.space.framed.dtype == np.float32
    assert np.array_equal(got, nudge_images(single, 0.5, np.random.default_rng(5)))


def test_pictures_are_nudged_by_default_and_tables_are_not():
    rng = np.random.default_rng(0)
    digits_like = gn.Dataset(rng.random((10, 64)), np.arange(10) % 2, image_shape=(8, 8))
    table = gn.Dataset(rng.random((10, 64)), np.arange(10) % 2, name="a table")
    assert nudge_for(digits_like, 64, None) == DEFAULT_NUDGE
    assert nudge_for(table, 64, None) == 0.0  # a Dataset says it has no pictures
    assert nudge_for((table.X, table.y), 64, None) == DEFAULT_NUDGE  # 64 wide: 8x8
    assert nudge_for((rng.random((10, 13)), None), 13, None) == 0.0
    assert nudge_for(table, 64, 0.25) == 0.25  # asked for: as asked (train checks it)


def test_train_records_its_nudges_and_refuses_to_nudge_a_table():
    rng = np.random.default_rng(0)
    y = np.arange(20) % 2
    table = gn.Dataset(rng.random((20, 16)), y, name="a table")
    history = gn.train(gn.Network([16, 2], output="sigmoid"), table, epochs=1)
    assert history.config["nudge_pixels"] == 0.0
    with pytest.raises(ConfigError, match="^nudge_pixels moves the pixels of pictures, but "
                                          "the rows of a table are not pictures"):
        gn.train(gn.Network([16, 2], output="sigmoid"), table, epochs=1, nudge_pixels=0.5)
    with pytest.raises(ConfigError, match="^nudge_pixels moves the pixels of square images; "
                                          "13 features"):
        gn.train(gn.Network([13, 2], output="sigmoid"), (rng.random((20, 13)), y),
                 epochs=1, nudge_pixels=0.5)
    pictures = gn.Dataset(rng.random((20, 64)), y, image_shape=(8, 8))
    history = gn.train(gn.Network([64, 2], output="sigmoid"), pictures, epochs=1)
    assert history.config["nudge_pixels"] == DEFAULT_NUDGE
    with pytest.raises(ConfigError, match="nudge_pixels must be a number from 0 to 1"):
        gn.train(gn.Network([64, 2], output="sigmoid"), pictures, nudge_pixels=1.5)


def test_nudging_changes_training_and_repeats_bitwise():
    rng = np.random.default_rng(0)
    data = gn.Dataset(rng.random((40, 64)), np.arange(40) % 2, image_shape=(8, 8))

    def trained(nudge):
        network = gn.Network([64, 4, 2], seed=1)
        gn.train(network, data, epochs=2, nudge_pixels=nudge, input_noise=0.0)
        return network.layers[0].W

    assert np.array_equal(trained(0.5), trained(0.5))
    assert not np.array_equal(trained(0.5), trained(0.0))
