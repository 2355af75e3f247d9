"""The numbers along a chart's axes: round values, labelled with the digits they need.

The page draws charts but chooses nothing about them, so every chart's answer carries
its axes: ``{"low": ..., "high": ..., "ticks": axis_ticks(low, high)}``. The lesson's
loss against one weight (``slopelab``) and the loss of a live training, epoch by epoch
(``livetraining``), both get their tick values and labels here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

TICKS = 5
"""About how many tick labels each axis gets."""


def axis_ticks(low: float, high: float, count: int = TICKS, *,
               whole: bool = False) -> list[dict[str, Any]]:
    """Round tick values between ``low`` and ``high``, labelled so no two read alike.

    The spacing is 1, 2, 2.5 or 5 times a power of ten, the one giving closest to
    ``count`` ticks (the fewer decimals on a tie), and each label has exactly the
    decimals that spacing needs (0.0002 apart: four decimals), so the labels differ
    however narrow the range is. ``whole``: whole-number spacings only (epochs).

    Returns
    -------
    list of dict
        ``{"value": float, "label": str}``, increasing, all within [low, high].
    """
    span = high - low
    if not span > 0:
        return [{"value": low, "label": f"{low:g}"}]
    magnitude = int(np.floor(np.log10(span)))
    candidates = [m * 10.0 ** e for e in range(magnitude - 2, magnitude + 2)
                  for m in (1, 2, 2.5, 5)]
    if whole:
        candidates = [c for c in candidates if c >= 1 and _decimals(c) == 0] or [1.0]

    def ticks_of(step: float) -> int:
        return int(np.floor(high / step + 1e-9) - np.ceil(low / step - 1e-9)) + 1

    step = min(candidates, key=lambda c: (abs(ticks_of(c) - count), _decimals(c)))
    decimals = _decimals(step)
    first = np.ceil(low / step - 1e-9)
    values = [(first + k) * step for k in range(ticks_of(step))]
    return [{"value": float(v), "label": f"{v + 0.0:.{decimals}f}"} for v in values]


def _decimals(step: float) -> int:
    """The decimals a tick spacing needs: 0.25 -> 2, 0.2 -> 1, 5 -> 0."""
    for decimals in range(16):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return decimals
    return 16


__all__ = ["TICKS", "axis_ticks"]
