"""Data augmentation: more training images for free, by moving the ones we have.

A "3" moved one pixel to the left is still a "3", but to the network, which sees 64
separate numbers, it is a different input. Showing it slightly shifted copies of the
training digits teaches it that position does not matter much, and a small network
then makes noticeably fewer mistakes on digits it has never seen.

``shift_images`` moves each image by a random whole number of pixels (up to
``max_shift`` in each direction), filling the uncovered border with 0 (white). In
training, every epoch draws new shifts from the seeded generator, so the network
rarely sees exactly the same image twice, and runs stay repeatable; ``PixelShifts``
does it as a callback of the training loop.

On 8x8 digits a whole pixel is an eighth of the picture, a move no writer makes, and
such shifts cost accuracy (docs/how-it-works.md). ``nudge_images`` moves each image
by a random *fraction* of a pixel instead (up to ``max_move``, at most one, in each
direction): each new pixel is blended from the old pixel and its neighbour in the
direction of the move, in proportion to how far it moved (linear interpolation). A
"3" nudged by 0.3 of a pixel is still a clean "3", slightly off centre, the way
handwriting varies. ``PixelNudges`` does it every epoch. The default recipes nudge
pictures by up to half a pixel (``DEFAULT_NUDGE``; ``nudge_for`` says when).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..core import loop
from ..core.defaults import DEFAULT_NUDGE
from ..errors import ConfigError, shown

Array = NDArray[np.floating]


def image_shape_of(n_features: int, setting: str = "shift_pixels") -> tuple[int, int]:
    """The (height, width) of square images with ``n_features`` pixels, e.g. 64 -> (8, 8)."""
    side = int(round(np.sqrt(n_features)))
    if side * side != n_features:
        raise ConfigError(
            f"{setting} moves the pixels of square images; {n_features} features is not a "
            "square number"
        )
    return side, side


def pictures_in(data: Any, n_inputs: int, setting: str = "shift_pixels") -> tuple[int, int]:
    """The (height, width) that pixel shifts and nudges see each row of ``data`` as.

    The one check: ``train`` calls it before its first step, so every window that
    moves pixels (``run``, the command line, sweeps) gets the same message, naming the
    ``setting`` that asked for it.

    A Dataset says whether its rows are pictures, and of what shape (a 4x16 strip is
    no 8x8 square; a CSV table of 16 columns is no picture at all). Bare ``(X, y)``
    arrays say nothing, so they are taken as square pictures: asking for pixel
    shifts says they are pictures.
    """
    from ..data.dataset import Dataset

    if not isinstance(data, Dataset):
        return image_shape_of(n_inputs, setting)
    shape = data.image_shape
    if shape is None:
        name = data.name or "this data"
        raise ConfigError(
            f"{setting} moves the pixels of pictures, but the rows of {name} are not "
            "pictures: they have no image shape (a CSV's rows count as pictures when they "
            "hold a square number from 64 on: 8x8, 28x28; for others, load it with "
            "load_csv(path, image_shape=(height, width)), or give a Dataset one: "
            "Dataset(X, y, image_shape=(8, 8)))"
        )
    if len(shape) != 2:
        raise ConfigError(f"{setting} moves flat pictures (height, width); the rows of "
                          f"{data.name or 'this data'} are {'x'.join(map(str, shape))}")
    return int(shape[0]), int(shape[1])


def check_shift(max_shift: int, image_shape: tuple[int, int]) -> None:
    """A shift must leave some of the picture in view: at most its side less one pixel."""
    if max_shift >= min(image_shape):
        height, width = image_shape
        if min(image_shape) == 1:  # nowhere to move: "at most 0" would be no advice
            raise ConfigError(f"these {height}x{width} pictures are one pixel across: they "
                              "cannot be shifted; give shift_pixels 0")
        raise ConfigError(
            f"shift_pixels {shown(max_shift)} would move these {height}x{width} pictures out of "
            f"view: give at most {min(image_shape) - 1} (a shift of 1 is usually enough)"
        )


def shift_images(
    X: Array, max_shift: int, rng: np.random.Generator, image_shape: tuple[int, int] | None = None
) -> Array:
    """Shift every flattened image by a random (dy, dx) in [-max_shift, max_shift].

    Parameters
    ----------
    X : ndarray (n, height * width)
        Flattened images, as the network sees them.
    max_shift : int
        The largest move in pixels, in each direction. 0 returns a copy of X.
    rng : numpy.random.Generator
        Draws the shifts.
    image_shape : (int, int), optional
        Default: square images.

    Returns
    -------
    ndarray (n, height * width)
        The shifted images; the uncovered border is 0.
    """
    n, n_features = X.shape
    height, width = image_shape or image_shape_of(n_features)
    check_shift(max_shift, (height, width))
    if max_shift == 0:
        return X.copy()
    images = X.reshape(n, height, width)
    shifted = np.zeros_like(images)
    moves = rng.integers(-max_shift, max_shift + 1, size=(n, 2))
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            chosen = np.flatnonzero((moves[:, 0] == dy) & (moves[:, 1] == dx))
            if len(chosen) == 0:
                continue
            target_rows = slice(max(dy, 0), height + min(dy, 0))
            target_cols = slice(max(dx, 0), width + min(dx, 0))
            source_rows = slice(max(-dy, 0), height + min(-dy, 0))
            source_cols = slice(max(-dx, 0), width + min(-dx, 0))
            shifted[chosen, target_rows, target_cols] = images[chosen, source_rows, source_cols]
    return shifted.reshape(n, n_features)


def nudge_for(data: Any, n_inputs: int, asked: float | None) -> float:
    """How far ``train`` nudges the training images: the one place that says it.

    ``asked`` None is the default: ``DEFAULT_NUDGE`` for pictures, 0 (no nudges) for
    data whose rows are not pictures, such as a CSV table of measurements, where
    blending neighbouring columns would mean nothing. Rows count as pictures as for
    everything else: a Dataset's ``image_shape``; bare ``(X, y)`` arrays when their
    width is a square number from 64 on (8x8, 28x28: ``guess_image_shape``, as
    for a CSV). A number asked for is used as it is (``train`` then asks
    ``pictures_in`` for the pictures' shape, which refuses data that are not pictures).
    """
    from ..data.dataset import Dataset, guess_image_shape

    if asked is not None:
        return asked
    shape = data.image_shape if isinstance(data, Dataset) else guess_image_shape(n_inputs)
    return DEFAULT_NUDGE if shape is not None and len(shape) == 2 else 0.0


def movements(data: Any, n_inputs: int, shift_pixels: int,
              nudge_pixels: float | None) -> tuple[float, tuple[int, int] | None]:
    """What ``train`` will move the training pictures by, checked: (nudge, picture shape).

    The nudge is ``nudge_for``'s; the shape is ``pictures_in``'s when anything moves
    (None when nothing does), and a shift is checked to leave the pictures in view.
    ``train`` asks here before its first step, and so can any window that plans or
    prints before it trains (the command line, a sweep's combinations).
    """
    nudge = nudge_for(data, n_inputs, nudge_pixels)
    if not (shift_pixels or nudge):
        return nudge, None
    shape = pictures_in(data, n_inputs, "shift_pixels" if shift_pixels else "nudge_pixels")
    if shift_pixels:
        check_shift(shift_pixels, shape)
    return nudge, shape


def nudge_images(X: Array, max_move: float, rng: np.random.Generator,
                 image_shape: tuple[int, int] | None = None) -> Array:
    """Move every flattened image by a random fraction of a pixel, down and across.

    Each image gets its own move (dy, dx), each drawn uniformly from
    [-max_move, max_move]. Moving by dy blends every pixel with its neighbour above
    or below: new = (1 - |dy|) * itself + |dy| * the neighbour (beyond the border is
    0, white); then the same across, by dx. A move of 0 leaves the image unchanged;
    a move of 1 would be a whole-pixel shift.

    Parameters
    ----------
    X : ndarray (n, height * width)
        Flattened images, as the network sees them.
    max_move : float
        The largest move, in pixels, in each direction: from 0 to 1.
    rng : numpy.random.Generator
        Draws the moves.
    image_shape : (int, int), optional
        Default: square images.

    Returns
    -------
    ndarray (n, height * width)
        The nudged images, of X's dtype.
    """
    height, width = image_shape or image_shape_of(X.shape[1], "nudge_pixels")
    nudged = np.empty_like(X)
    nudge_into(nudged, X, max_move, rng, NudgeSpace(len(X), height, width, X.dtype))
    return nudged


class NudgeSpace:
    """The memory ``nudge_into`` works in, for up to ``n`` pictures, made once and reused.

    The pictures lie pixel by pixel, the ``n`` pictures along the last axis: the
    shade of pixel (row, column) of picture i is at ``[row, column, i]``. Each picture
    has its own move, so its weights make a row of ``n`` numbers that lines up with
    each run of ``n`` shades: every line of the blend is one NumPy sweep over
    consecutive memory, with no loop over pictures, rows or columns inside it.

    ``framed`` holds the pictures with a white row above and below them (never
    written: it stays 0), so every pixel has a neighbour up and down; ``across`` the
    pictures moved down or up, with a white column left and right; ``term`` one
    blended term at a time; ``moved`` the pictures moved both ways. Memory made once
    keeps NumPy from asking the system for fresh pages every epoch.
    """

    def __init__(self, n: int, height: int, width: int, dtype: Any) -> None:
        self.framed = np.zeros((height + 2, width, n), dtype)
        self.across = np.zeros((height, width + 2, n), dtype)
        self.term = np.empty((height, width, n), dtype)
        self.moved = np.empty((height, width, n), dtype)

    @property
    def n(self) -> int:
        """How many pictures the space holds (its last axis)."""
        return self.framed.shape[-1]

    @property
    def dtype(self) -> np.dtype:
        return self.framed.dtype


def nudge_into(out: Array, X: Array, max_move: float, rng: np.random.Generator,
               space: NudgeSpace) -> None:
    """``nudge_images(X)`` written into ``out`` (n, height * width), which may be X itself.

    The arithmetic of ``nudge_images``, in the memory of ``space`` (for at least n
    pictures of its height and width).
    """
    n = len(X)
    framed, across, term, moved = (
        memory[..., :n] for memory in (space.framed, space.across, space.term, space.moved))
    height, width = moved.shape[:2]
    framed[1:-1] = X.T.reshape(height, width, n)
    moves = np.ascontiguousarray(  # (2, n): each picture's move down, then across
        rng.uniform(-max_move, max_move, size=(n, 2)).T, dtype=X.dtype)
    from_before = np.maximum(-moves, 0)          # share read from the pixel above (left),
    from_after = np.maximum(moves, 0)            # from the pixel below (right),
    from_itself = 1 - from_before - from_after   # and from the pixel itself
    _blend(framed, 0, from_itself[0], from_before[0], from_after[0],
           out=across[:, 1:-1], term=term)      # (height, width, n), moved down or up
    _blend(across, 1, from_itself[1], from_before[1], from_after[1], out=moved, term=term)
    out[...] = moved.reshape(height * width, n).T


def _blend(pictures: Array, axis: int, itself: Array, before: Array, after: Array, *,
           out: Array, term: Array) -> None:
    """``out = itself * middle + before * previous + after * next``, along ``axis``.

    ``middle`` is ``pictures`` without its first and last row (axis 0) or column
    (axis 1), ``previous`` and ``next`` the same moved back or on by one: each pixel
    and its two neighbours. The weights (n,) are per picture, the last axis.
    """
    length = pictures.shape[axis] - 2

    def moved(start: int) -> Array:
        return pictures[(slice(None),) * axis + (slice(start, start + length),)]

    np.multiply(itself, moved(1), out=out)
    out += np.multiply(before, moved(0), out=term)
    out += np.multiply(after, moved(2), out=term)


class PixelNudges(loop.Callback):
    """Moves each of the epoch's images by up to ``max_move`` of a pixel (``nudge_images``).

    The images are nudged in place, up to ``CHUNK`` at a time (the digits' 1,437 in
    one go), in a ``NudgeSpace`` made at the first epoch and reused by every other.
    The chunks bound that memory whatever the number of images: 3.3 MB for the digits
    in float64, 27 MB for 28x28 MNIST pictures in float32.

    Parameters
    ----------
    max_move : float
        The largest move, as a fraction of a pixel, in each direction.
    image_shape : (int, int)
        The (height, width) of the pictures (``pictures_in``).
    """

    CHUNK = 2048

    def __init__(self, max_move: float, image_shape: tuple[int, int]) -> None:
        self.max_move, self.image_shape = max_move, image_shape
        self.space: NudgeSpace | None = None

    def on_epoch_inputs(self, X: Array, rng: np.random.Generator) -> Array:
        n = min(len(X), self.CHUNK)
        if self.space is None or self.space.dtype != X.dtype or self.space.n < n:
            self.space = NudgeSpace(n, *self.image_shape, X.dtype)
        for start in range(0, len(X), self.CHUNK):
            chunk = X[start:start + self.CHUNK]
            nudge_into(chunk, chunk, self.max_move, rng, self.space)
        return X


class PixelShifts(loop.Callback):
    """Moves each of the epoch's images by up to ``max_shift`` pixels (``shift_images``).

    Parameters
    ----------
    max_shift : int
        The largest move, in pixels, in each direction.
    image_shape : (int, int)
        The (height, width) of the pictures (``pictures_in``).
    """

    def __init__(self, max_shift: int, image_shape: tuple[int, int]) -> None:
        check_shift(max_shift, image_shape)  # before the first epoch, not inside it
        self.max_shift, self.image_shape = max_shift, image_shape

    def on_epoch_inputs(self, X: Array, rng: np.random.Generator) -> Array:
        return shift_images(X, self.max_shift, rng, image_shape=self.image_shape)


__all__ = ["NudgeSpace", "PixelNudges", "PixelShifts", "check_shift", "image_shape_of",
           "movements", "nudge_for",
           "nudge_images", "nudge_into", "pictures_in", "shift_images"]
