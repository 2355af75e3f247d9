"""NumPy scalars as the plain Python values JSON can hold.

A class label read back from an array is a ``numpy.int64`` or ``numpy.str_``, which
``json.dumps`` refuses. Everything that writes labels out (a model file, the
explorer's answers, an evaluation's tables) turns them into ``int`` or ``str`` here.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """``value`` as a Python scalar if it is a NumPy one, else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


__all__ = ["plain"]
