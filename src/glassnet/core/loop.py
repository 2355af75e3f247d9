"""The training loop: shuffle the images, cut them into minibatches, step downhill, repeat.

The article's recipe for learning is to look at the slope of the loss for every
weight, hop downhill, and do it again, over and over, until told to stop or until
the loss is as low as it will go. ``fit`` is that loop and nothing else. One *epoch* is one
pass over the training images: they are shuffled (by the seeded generator, so a run
can be repeated bit for bit), cut into *minibatches*, and for each batch the
optimizer takes one step down the slope that backpropagation gives.

Everything else a training does happens in callbacks at three moments of each epoch
(see ``Callback``): before it starts, on its shuffled images before the steps (input
noise, pixel shifts), and after its steps (measuring, weight averaging, early
stopping, the divergence watch, checkpoints). ``glassnet.train`` builds them;
``glassnet.training`` holds them, outside the math. ``EpochInputs`` makes each epoch's
images; ``glassnet.train`` may have them made one epoch ahead, on another core
(``training/ahead.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .speed import Shuffler

Array = NDArray[np.floating]


@dataclass
class Progress:
    """Where the loop stands, shared with the callbacks.

    Attributes
    ----------
    epoch : int
        The epoch under way (counting from 1), or the last one done.
    steps : int
        Minibatch steps taken so far.
    stop_reason : str or None
        None while training goes on. A callback sets it to say why training ends
        after this epoch (e.g. "early_stopping"); the first reason given stands.
    cut_short : bool
        Set it (a Ctrl-C handler does) to end the epoch after the current step.
    """

    epoch: int = 0
    steps: int = 0
    stop_reason: str | None = None
    cut_short: bool = False

    def stop(self, reason: str) -> None:
        """End training after this epoch, for ``reason``, unless a reason was given already."""
        if self.stop_reason is None:
            self.stop_reason = reason


class Callback:
    """Something the loop calls at fixed moments of every epoch; each does nothing here.

    Callbacks are called in the order they are given, so one may use what an earlier
    one did in the same moment (measuring comes after averaging, for example).
    """

    def on_epoch_begin(self, progress: Progress) -> None:
        """Before the epoch's images are shuffled."""

    def on_epoch_inputs(self, X: Array, rng: np.random.Generator) -> Array:
        """The epoch's shuffled images (n, n_inputs), changed or not, before any step.

        ``X`` belongs to the loop for this epoch and may be changed in place. Draw any
        randomness from ``rng``, the loop's own generator, so the run stays repeatable.
        The result may depend on nothing else, and must not be memory this callback
        hands out again next epoch: it can be prepared ahead, on another thread and
        before this epoch's ``on_epoch_begin``, while the epoch before is still
        stepping (see ``EpochInputs``).
        """
        return X

    def on_epoch_end(self, progress: Progress) -> None:
        """After the epoch's last step (or the step it was cut short at)."""


def fit(
    network,
    X: Array,
    Y: Array,
    *,
    loss,
    optimizer,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    l2: float = 0.0,
    callbacks: Sequence[Callback] = (),
    progress: Progress | None = None,
    inputs_of: type[EpochInputs] | None = None,
) -> Progress:
    """Train ``network`` on images ``X`` (n, n_inputs) with ideal outputs ``Y`` (n, n_outputs).

    The inputs are trusted: ``glassnet.train`` checks everything before it calls this.

    Parameters
    ----------
    network : Network
        Trained in place.
    X, Y : ndarray
        The training images and their ideal outputs (``Network.targets``), row by row.
    loss : Loss
        What the steps minimise (with ``l2``, see ``Network.objective``).
    optimizer : Optimizer
        Takes the steps.
    epochs : int
        The last epoch to run (counting from 1).
    batch_size : int
        Images per step.
    rng : numpy.random.Generator
        Shuffles the images, and draws whatever the callbacks draw.
    l2 : float
        Weight decay strength.
    callbacks : sequence of Callback
        Called in order at the moments ``Callback`` describes.
    progress : Progress, optional
        Carry on from here (a resumed training): the next epoch is ``progress.epoch + 1``.
    inputs_of : EpochInputs subclass, optional
        What makes each epoch's images from X, Y and the callbacks. Default
        ``EpochInputs``: shuffled and changed by the callbacks, one epoch at a time.

    Returns
    -------
    Progress
        The last epoch run, the steps taken and why training stopped (None: all epochs done).
    """
    progress = progress or Progress()
    parameters = network.parameters()  # the live arrays the optimizer changes in place
    inputs = (inputs_of or EpochInputs)(X, Y, callbacks)
    try:
        for epoch in range(progress.epoch + 1, epochs + 1):
            progress.epoch = epoch
            for callback in callbacks:
                callback.on_epoch_begin(progress)
            X_epoch, Y_epoch = inputs.of_epoch(rng)  # shuffled, noised, nudged
            if epoch < epochs:
                inputs.prepare_next(rng)
            for start in range(0, len(X), batch_size):
                X_batch = X_epoch[start:start + batch_size]
                Y_batch = Y_epoch[start:start + batch_size]
                step(network, parameters, optimizer, X_batch, Y_batch, loss, l2)
                progress.steps += 1
                if progress.cut_short:
                    break
            for callback in callbacks:
                callback.on_epoch_end(progress)
            if progress.stop_reason is not None:
                break
    finally:
        inputs.close()
    return progress


class EpochInputs:
    """Each epoch's images and ideal outputs, in the order the steps take them.

    Shuffled by the loop's generator into memory made once (``Shuffler``), then
    changed by each callback's ``on_epoch_inputs`` in turn (pixel nudges, input
    noise). ``prepare_next`` and ``close`` do nothing here: they let a subclass
    prepare the next epoch's images while this epoch steps (``training/ahead.py``).
    """

    def __init__(self, X: Array, Y: Array, callbacks: Sequence[Callback],
                 buffers: int = 1) -> None:
        self.shuffle, self.callbacks = Shuffler(X, Y, buffers), callbacks

    def of_epoch(self, rng: np.random.Generator) -> tuple[Array, Array]:
        """The images (n, n_inputs) and ideal outputs (n, n_outputs) of the next epoch."""
        X_epoch, Y_epoch = self.shuffle(rng.permutation(len(self.shuffle.X)))
        for callback in self.callbacks:
            X_epoch = callback.on_epoch_inputs(X_epoch, rng)
        return X_epoch, Y_epoch

    def prepare_next(self, rng: np.random.Generator) -> None:
        """Called when this epoch's inputs are taken and another epoch will follow."""

    def close(self) -> None:
        """Called once, when the loop ends (or fails)."""


def step(network, parameters: Sequence[Array], optimizer, X_batch: Array, Y_batch: Array,
         loss, l2: float) -> None:
    """One step downhill on one minibatch: the slopes by backpropagation, then the update.

    The article's slope descent measures each weight's slope itself, from the loss
    (``optimizer.needs_gradients`` is False): it gets the loss instead of the slopes.

    The batch is trusted (``fit``'s caller checked the images once), so the step goes
    straight to the forward and backward passes rather than through the checked
    ``Network.gradients``.
    """
    if optimizer.needs_gradients:
        trace = network._trace(X_batch)  # forward: every layer's sums and outputs
        slopes = network._backpropagate(trace, Y_batch, loss, l2)  # backward: the chain rule
        optimizer.step(parameters, slopes)
    else:
        optimizer.step(parameters, None,
                       lambda: network.objective(X_batch, Y_batch, loss, l2=l2))


__all__ = ["Callback", "EpochInputs", "Progress", "fit", "step"]
