"""A drawing from the pad, checked and prepared the UCI way (one place for every route).

``/api/predict`` and the lesson's handwriting routes all take the pad as ``pixels``: a
list of rows of ink amounts 0..1. ``read_drawing`` checks that list and prepares it
with ``prepare_image`` exactly as the training digits were made; a pad with no ink
gives None, so each route can say so in its own words.
"""

from __future__ import annotations

from typing import Any

from ..data.preprocess import Prepared, prepare_image
from ..errors import GlassnetError
from . import validation as check

MAX_CANVAS_SIDE = 280
"""The largest pad side the server takes, in cells."""

NO_INK = "no ink found: draw a digit on the pad"


def read_drawing(body: dict[str, Any], name: str = "pixels", *,
                 max_side: int = MAX_CANVAS_SIDE) -> Prepared | None:
    """The drawing in ``body[name]`` prepared like the UCI digits, or None if it has no ink.

    Raises
    ------
    InvalidInput
        If it is not a rectangular list of rows (at most ``max_side`` by ``max_side``)
        of numbers in 0..1.
    """
    pixels = check.get_matrix(body, name, max_rows=max_side, max_cols=max_side,
                              low=0.0, high=1.0)
    if not pixels.any():
        return None
    try:
        return prepare_image(pixels, ink="high")
    except GlassnetError as error:
        if "no ink" in str(error):
            return None
        raise
