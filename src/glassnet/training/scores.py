"""Measuring each epoch: the loss and accuracy on the training and validation images.

After every epoch's steps the network is scored on the training images (the training
curve) and on the validation images held out from them (the curve that shows
overfitting), and both go into the History with the epoch's time. The test images
are never touched here: they are for the final, honest score.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..core import loop
from ..core.losses import Loss
from ..core.network import Network

if TYPE_CHECKING:
    from collections.abc import Callable

    from .divergence_watch import DivergenceWatch
    from .history import History

#: The training loss and accuracy of each epoch are measured on at most about this many
#: training images (every k-th one when there are more).
SCORED_IMAGES = 10_000


class Images(NamedTuple):
    """Images to score on: X (n, n_inputs), their ideal outputs Y (n, n_outputs), labels y (n,)."""

    X: NDArray[np.floating]
    Y: NDArray[np.floating]
    y: ArrayLike

    def every_kth(self, most: int = SCORED_IMAGES) -> Images:
        """Every k-th image, k the smallest that leaves at most ``most`` (all up to ``most``).

        Scoring every training image after every epoch would cost a third of an epoch
        on a big data set (60,000 MNIST images); every k-th image estimates it well enough.
        """
        every = -(-len(self.X) // most)
        return Images(self.X[::every], self.Y[::every], self.y[::every])


def score(network: Network, images: Images, loss: Loss, l2: float) -> tuple[float, float]:
    """Loss (what training minimises) and accuracy of ``network`` on ``images``, in one
    forward pass."""
    value, outputs = network.loss_and_outputs(images.X, images.Y, loss, l2)
    return value, float(np.mean(network.guess(outputs) == images.y))


class ScoreKeeper(loop.Callback):
    """Scores every epoch and writes the scores and the epoch's time into the History.

    Parameters
    ----------
    history : History
        Written to.
    loss : Loss
    l2 : float
    training, validation : Images or None
        What to score on (None: not scored).
    network_to_score : callable
        Gives the network to score: the weights the user will get (the running
        average, once weight averaging has started).
    watch : DivergenceWatch
        Looks at the scores before they are written down, so that a run gone wrong
        ends with the history of the epochs before it.
    """

    def __init__(self, history: History, loss: Loss, l2: float, training: Images | None,
                 validation: Images | None, network_to_score: Callable[[], Network],
                 watch: DivergenceWatch) -> None:
        self.history, self.loss, self.l2 = history, loss, l2
        self.training, self.validation = training, validation
        self.network_to_score, self.watch = network_to_score, watch
        self.started = 0.0

    def on_epoch_begin(self, progress: loop.Progress) -> None:
        self.started = time.perf_counter()

    def on_epoch_end(self, progress: loop.Progress) -> None:
        network, history = self.network_to_score(), self.history
        training_scores = validation_scores = None  # (loss, accuracy) of this epoch
        if self.training is not None:
            training_scores = score(network, self.training, self.loss, self.l2)
            self.watch.check_loss(training_scores[0], progress, "the loss")
        if self.validation is not None:
            validation_scores = score(network, self.validation, self.loss, self.l2)
            self.watch.check_loss(validation_scores[0], progress, "the validation loss")
        self.watch.check_scores(training_scores or validation_scores, progress)
        if training_scores is not None:
            history.train_loss.append(training_scores[0])
            history.train_accuracy.append(training_scores[1])
        if validation_scores is not None:
            history.validation_loss.append(validation_scores[0])
            history.validation_accuracy.append(validation_scores[1])
        history.seconds.append(time.perf_counter() - self.started)


__all__ = ["Images", "SCORED_IMAGES", "ScoreKeeper", "score"]
