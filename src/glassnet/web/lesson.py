"""The lesson's own routes for steps 1-5 (steps 1-3 reuse the explorer's routes).

- ``POST /api/lesson/two-neurons`` ``{numbers}``: step 4, the article's 0-neuron and
  1-neuron (``handset.two_neurons``) on one image, and which one wins.
"""

from __future__ import annotations

from typing import Any

from . import validation as check
from .handset import two_neurons as score_two_neurons
from .sessions import Session


async def two_neurons(body: dict[str, Any], session: Session) -> dict[str, Any]:
    """POST /api/lesson/two-neurons: both hand-set output neurons on 64 numbers."""
    check.reject_unknown(body, {"numbers"})
    x = check.get_vector(body, "numbers", length=64, low=0.0, high=1.0)
    return score_two_neurons(x, session.handset.data)
