"""Weight averaging: end with the mean of the weights of the last epochs.

Minibatch steps zig-zag around the bottom of the valley, never settling: each step
follows the slope of a few images only. The average of the weights at the end of
every epoch from some epoch on sits closer to the middle of the valley, and makes
fewer mistakes on images never seen (Polyak averaging, also known as stochastic
weight averaging). The optimizer keeps walking on its own weights; the average
trails behind in a second network, which is what gets scored and what the user
gets at the end.
"""

from __future__ import annotations

import numpy as np

from ..core import loop
from ..core.network import Network


class WeightAveraging(loop.Callback):
    """Folds the network's weights into a running mean after every epoch from ``start`` on.

    Parameters
    ----------
    network : Network
        The network trained.
    start : int or None
        The first epoch whose weights are averaged; None never averages.

    Attributes
    ----------
    averaged : Network or None
        The mean of ``count`` epochs' weights (None before the first).
    count : int
        How many epochs are in the mean.
    """

    def __init__(self, network: Network, start: int | None) -> None:
        self.network, self.start = network, start
        self.averaged: Network | None = None
        self.count = 0

    def on_epoch_end(self, progress: loop.Progress) -> None:
        if self.start is None or progress.epoch < self.start:
            return
        self.count += 1
        if self.averaged is None:
            self.averaged = self.network.copy()
            return
        for mean, weights in zip(self.averaged.parameters(), self.network.parameters(),
                                 strict=True):
            mean += (weights - mean) / self.count

    def network_to_score(self) -> Network:
        """The weights the user will get: the mean once it started, else the network's own."""
        return self.network if self.averaged is None else self.averaged

    def mean(self) -> list[np.ndarray] | None:
        """Copies of the mean's parameters ``[W0, b0, ...]``, or None before it started."""
        return None if self.averaged is None else self.averaged.get_parameters()

    def restore(self, mean: list[np.ndarray] | None, count: int) -> None:
        """Carry on with a mean of ``count`` epochs saved earlier (None: none yet)."""
        self.count = count
        if mean is not None:
            self.averaged = self.network.copy()
            self.averaged.set_parameters(mean)


__all__ = ["WeightAveraging"]
