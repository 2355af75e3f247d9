"""What an optimizer remembers between steps, kept one number per parameter.

Plain gradient descent forgets everything after each step. Momentum remembers a
velocity for every weight, Adam two running averages, the article's slope descent a
hop size and the last slope. Each of these is a *slot*: one flat array as long as
the network has parameters, laid out like ``speed.flat(parameters)``, so one NumPy
call updates a slot for the whole network.

A checkpoint saves the slots with ``state_dict()`` and a resumed training restores
them with ``load_state_dict()``: without them, a resumed Adam would restart its
averages at 0 and take different steps than the run it continues.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import DataError
from .speed import pieces

Array = NDArray[np.floating]


class OptimizerState:
    """The slots and the step count of an optimizer (``Optimizer`` inherits them)."""

    def reset(self) -> None:
        """Forget all state, as if freshly made."""
        self.step_count = 0
        self._slots: dict[str, Array] = {}  # name -> one number per parameter (n_parameters,)
        self._shapes: list[tuple[int, ...]] = []  # the parameters' shapes the slots are for
        self._scratch: Array | None = None  # room for a step's arithmetic, never saved

    def _slot(self, name: str, parameters: Sequence[Array]) -> Array:
        """One kind of state (zeros at first) for every parameter, e.g. the velocities.

        A flat array (n_parameters,) laid out like ``flat(parameters)``. It is kept
        while the parameters keep their shapes; parameters of other shapes (another
        network) start every slot afresh, and step_count with them.
        """
        shapes = [p.shape for p in parameters]
        if shapes != self._shapes:
            self.step_count, self._slots, self._shapes = 0, {}, shapes
        slot = self._slots.get(name)
        if slot is None or slot.dtype != parameters[0].dtype:
            size = sum(math.prod(shape) for shape in shapes)
            # a slot loaded or kept at another precision is carried over to this one
            slot = np.zeros(size, parameters[0].dtype) if slot is None else slot.astype(
                parameters[0].dtype)
            self._slots[name] = slot
        return slot

    def _scratch_space(self, parameters: Sequence[Array]) -> Array:
        """A flat array (n_parameters,) to compute a step's intermediate values in.

        Not state: it holds nothing from one step to the next and is never saved.
        Writing each line of an update into it (``out=``) instead of into a fresh
        array saves allocating one temporary per NumPy call; a 64-256-256-10
        network's temporaries are 330 KB each in float32, large enough that the
        memory allocator may map fresh pages from the system for every one.
        """
        size = sum(math.prod(p.shape) for p in parameters)
        scratch = self._scratch
        if scratch is None or scratch.size != size or scratch.dtype != parameters[0].dtype:
            scratch = self._scratch = np.empty(size, parameters[0].dtype)
        return scratch

    def state_dict(self) -> dict[str, Any]:
        """Everything the optimizer has learned so far: per slot, one copy per parameter."""
        slots = {name: [part.copy() for part in pieces(slot, self._shapes)]
                 for name, slot in self._slots.items()}
        return {"step_count": self.step_count, "slots": slots}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        try:
            step_count = int(state["step_count"])
            slots, shapes = {}, []
            for name, arrays in state["slots"].items():
                arrays = [np.asarray(array) for array in arrays]
                slots[name] = np.concatenate([array.reshape(-1) for array in arrays])
                shapes = [array.shape for array in arrays]
        except (KeyError, TypeError, ValueError) as error:
            raise DataError(f"invalid optimizer state: {error}") from None
        self.step_count, self._slots, self._shapes = step_count, slots, shapes


__all__ = ["OptimizerState"]
