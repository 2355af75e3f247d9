"""The best epoch, and early stopping: train until the loss stops improving.

In the article, training goes on until it is told to stop or the loss is as low as
it will go. ``BestEpoch`` keeps track of the epoch with the lowest loss on the
validation images (on the training images when none are held out), which the
History reports as ``best_epoch``. With early stopping, ``EarlyStopping`` ends the
training once ``patience`` epochs have gone by without a better one, and the
network goes back to the best epoch's weights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..core import loop

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.network import Network
    from .history import History


class BestEpoch(loop.Callback):
    """Finds the epoch with the lowest watched loss, after the epoch is scored.

    Parameters
    ----------
    history : History
        Its last validation loss (training loss without validation) is watched, and
        its ``best_epoch`` is set.
    network_to_score : callable
        Gives the network that was scored (see ``WeightAveraging.network_to_score``).
    keep_weights : bool
        Keep a copy of the best epoch's weights (early stopping goes back to them).

    Attributes
    ----------
    best_loss : float
        The lowest watched loss so far (inf before the first epoch).
    epochs_without_improvement : int
        Epochs since the best one.
    best_parameters : list of ndarray or None
        The best epoch's weights, with ``keep_weights``.
    """

    def __init__(self, history: History, network_to_score: Callable[[], Network],
                 keep_weights: bool) -> None:
        self.history, self.network_to_score, self.keep_weights = (
            history, network_to_score, keep_weights)
        self.best_loss = np.inf
        self.epochs_without_improvement = 0
        self.best_parameters: list[np.ndarray] | None = None

    def on_epoch_end(self, progress: loop.Progress) -> None:
        watched = self.history.validation_loss or self.history.train_loss
        if not watched:  # neither is scored in this training
            return
        if watched[-1] < self.best_loss:
            self.best_loss, self.history.best_epoch = watched[-1], progress.epoch
            self.epochs_without_improvement = 0
            if self.keep_weights:
                self.best_parameters = self.network_to_score().get_parameters()
        else:
            self.epochs_without_improvement += 1


class EarlyStopping(loop.Callback):
    """Stops training once ``patience`` epochs have brought no better loss than the best."""

    def __init__(self, best: BestEpoch, patience: int) -> None:
        self.best, self.patience = best, patience

    def on_epoch_end(self, progress: loop.Progress) -> None:
        if self.best.epochs_without_improvement >= self.patience:
            progress.stop("early_stopping")


__all__ = ["BestEpoch", "EarlyStopping"]
