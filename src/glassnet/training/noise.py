"""Input noise: a little random ink on every training image, new every epoch.

A network that sees exactly the same 1,437 images a hundred times can learn them by
heart, pixel for pixel, and then does worse on digits it has never seen. Adding
Gaussian noise to each training pixel every epoch makes every image a little
different each time, so the network must rely on the overall shape instead. (For
the 64-32-10 network on the digits, together with the nudges of ``augmentation``, it
is the difference between about 97.7% and 98.4%; see docs/how-it-works.md.)
Validation and test images are never noised.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..core import loop

Array = NDArray[np.floating]


class InputNoise(loop.Callback):
    """Adds Gaussian noise of standard deviation ``strength`` to the epoch's images.

    Parameters
    ----------
    strength : float
        The noise's standard deviation (pixels range over 0..1).
    like : ndarray (n, n_inputs)
        The training images: the noise of each epoch is drawn into one array of their
        shape and dtype, made once.
    """

    def __init__(self, strength: float, like: Array) -> None:
        self.strength = strength
        self.noise = np.empty_like(like)

    def on_epoch_inputs(self, X: Array, rng: np.random.Generator) -> Array:
        rng.standard_normal(dtype=X.dtype, out=self.noise)
        self.noise *= self.strength
        X += self.noise
        return X


__all__ = ["InputNoise"]
