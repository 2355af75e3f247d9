"""Training: show the network the data, again and again, and walk downhill.

One *epoch* is one pass over the training images. The images are shuffled (with a
seeded generator, so a run can be repeated bit for bit) and cut into *minibatches*;
for each batch, backpropagation gives the slope of the loss for every weight and the
optimizer takes a step downhill. After each epoch the loss and accuracy are measured
on the training images and on *validation* images held out from them, which the
network never learns from. The test images are not touched here at all: they are
for the final, honest score.

The article says to repeat "until told to stop or the loss stops improving". Both are
here: ``epochs`` is the most it will do, and with ``early_stopping`` it stops when the
validation loss has not improved for ``patience`` epochs and goes back to the weights
of the best epoch. Ctrl-C stops cleanly at the end of a batch and keeps what was
learned. If the weights or the loss turn into NaN or infinity (usually a learning
rate that is too high; checked at the end of every epoch), training stops with
``TrainingDiverged`` and the network keeps the finite weights it had when that epoch
began.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..core.defaults import (
    DEFAULT_AVERAGE_FROM,
    DEFAULT_BATCH_SIZE,
    DEFAULT_EPOCHS,
    DEFAULT_INPUT_NOISE,
    DEFAULT_LEARNING_RATE,
    DEFAULT_MOMENTUM,
    DEFAULT_PATIENCE,
)
from ..core.losses import get_loss
from ..core.network import Network
from ..core.optimizers import SGD, Optimizer, get_optimizer
from ..errors import ConfigError, DataError, TrainingDiverged
from .augmentation import pictures_in, shift_images
from .rules import check_settings


@dataclass
class History:
    """What happened during training, one entry per epoch.

    Attributes
    ----------
    train_loss, train_accuracy : list of float
        Measured on the training images (without the validation part) after each epoch;
        on more than ``SCORED_IMAGES`` of them, on every k-th image (see ``train``).
        Empty when ``train`` ran with ``score_training=False``.
    validation_loss, validation_accuracy : list of float
        Measured on the held-out validation images (empty without validation).
    seconds : list of float
        Wall time of each epoch.
    averaged_epochs : int
        How many epochs' weights were averaged into the final ones (0: none).
    best_epoch : int or None
        The epoch (counting from 1) with the lowest validation loss (training loss
        without validation). With early stopping the network ends with its weights.
    start_loss : float or None
        The loss of the network before its first step, on the images whose scores
        the divergence rule watches (the training images, or the validation images
        with ``score_training=False``; see ``divergence``). None when neither is
        scored, and in histories written before it was measured.
    stop_reason : str
        "completed", "early_stopping", "interrupted" (Ctrl-C) or "callback".
    config : dict
        The settings of the run, enough to replay it.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    validation_loss: list[float] = field(default_factory=list)
    validation_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    averaged_epochs: int = 0
    start_loss: float | None = None
    stop_reason: str = "completed"
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        """How many epochs ran (each has a time; a history written by hand may have
        only its losses)."""
        return max(len(self.seconds), len(self.train_loss))

    @property
    def interrupted(self) -> bool:
        """True when training was stopped by Ctrl-C."""
        return self.stop_reason == "interrupted"

    @property
    def stopped_early(self) -> bool:
        return self.stop_reason == "early_stopping"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


#: A callback is called after every epoch with the history so far and the network.
#: Returning False stops training (``stop_reason`` "callback").
Callback = Callable[[History, Network], "bool | None"]


@dataclass
class TrainingState:
    """Where training stands at the end of an epoch: enough to carry on bit for bit.

    A long training may be stopped by a crash, a power cut or a closed laptop. To
    carry on *exactly* as if nothing had happened, the weights alone are not enough:
    the optimizer's memory (momentum velocities, Adam's averages), the position of
    the random generator that shuffles the images and draws the noise, the running
    mean of weight averaging and the early-stopping bookkeeping all shape the next
    epoch. ``train`` hands one of these to its ``checkpoint`` hook and accepts one as
    ``resume``; ``glassnet.store.checkpoints`` writes it to disk and reads it back.

    Attributes
    ----------
    epoch : int
        Epochs completed (counting from 1).
    parameters : list of ndarray
        The weights the optimizer walks on, ``[W0, b0, W1, b1, ...]`` (not the average).
    optimizer_state : dict
        ``optimizer.state_dict()``.
    rng_state : dict
        ``bit_generator.state`` of the generator that shuffles and adds noise.
    history : History
        Every epoch so far, and the run's configuration.
    best_loss : float
        The lowest monitored loss so far (inf before the first epoch).
    epochs_without_improvement : int
        For early stopping's patience.
    best_parameters : list of ndarray or None
        The best epoch's weights (kept only with early stopping).
    averaged : list of ndarray or None
        The running mean of weight averaging (None before it starts).
    averaged_epochs : int
        How many epochs are in that mean.
    """

    epoch: int
    parameters: list[np.ndarray]
    optimizer_state: dict[str, Any]
    rng_state: dict[str, Any]
    history: History
    best_loss: float = np.inf
    epochs_without_improvement: int = 0
    best_parameters: list[np.ndarray] | None = None
    averaged: list[np.ndarray] | None = None
    averaged_epochs: int = 0


#: A checkpoint hook receives the TrainingState after the epochs ``train`` chose.
Checkpoint = Callable[[TrainingState], None]

#: Settings a resumed training may change: only how far it goes.
RESUMABLE_CHANGES = frozenset({"epochs"})


def train(
    network: Network,
    data: Any,
    *,
    loss: str = "cross_entropy",
    optimizer: Optimizer | str | None = None,
    epochs: int = DEFAULT_EPOCHS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    validation_fraction: float = 0.0,
    early_stopping: bool = False,
    patience: int = DEFAULT_PATIENCE,
    l2: float = 0.0,
    input_noise: float = DEFAULT_INPUT_NOISE,
    average_from: int | None = DEFAULT_AVERAGE_FROM,
    shift_pixels: int = 0,
    score_training: bool = True,
    seed: int = 0,
    callbacks: Iterable[Callback] = (),
    catch_interrupt: bool = True,
    resume: TrainingState | None = None,
    checkpoint: Checkpoint | None = None,
    checkpoint_every: int = 1,
) -> History:
    """Train ``network`` on ``data`` and return the History.

    Parameters
    ----------
    network : Network
        Trained in place.
    data : Dataset or (X, y)
        The training images: X (n, n_inputs), y (n,) labels among ``network.classes``.
    loss : str
        ``"cross_entropy"`` (default; needs a softmax or sigmoid output) or
        ``"squared_error"`` (the article's).
    optimizer : Optimizer or str, optional
        Default ``SGD(learning_rate=0.1, momentum=0.9)``. A name makes one with its
        default settings.
    epochs : int
        The most passes over the data.
    batch_size : int
        Images per step; 1 is the article's "one image at a time", the whole data set
        is full-batch gradient descent.
    validation_fraction : float
        Share of ``data`` held out (stratified, seeded) to watch for overfitting and
        to choose the best epoch. Default 0: every training image is learned from,
        which scores best; ``glassnet train``, the explorer and ``RunSettings`` hold
        out 0.1 so that you can watch the validation curve. With none, early
        stopping watches the training loss.
    early_stopping : bool
        Stop after ``patience`` epochs without a better validation loss, and go back
        to the best epoch's weights. Off by default: with input noise and weight
        averaging the last weights are better than the best-looking epoch's, whose
        choice rests on a small validation set.
    l2 : float
        Weight decay strength (see ``Network.backward``).
    input_noise : float
        Regularisation: every epoch, Gaussian noise of this standard deviation is
        added to each training pixel, so the network cannot memorise exact images and
        must rely on the overall shape. Default 0.3 (pixels range over 0..1); 0 turns
        it off. Validation and test images are never noised.
    average_from : int or None
        Weight averaging: from this epoch on, the network's weights are the average
        of its weights at the end of every epoch since. Minibatch steps zig-zag around
        the bottom of the valley; their average sits closer to the middle and makes
        fewer mistakes on new images (Polyak averaging, also known as stochastic
        weight averaging). The scores in the history are those of the averaged
        weights from then on. None turns it off.
    shift_pixels : int
        Data augmentation: every epoch, each training image is moved by a random
        number of pixels up to this many in each direction (see
        ``glassnet.training.augmentation``). A Dataset's pictures move in their own
        ``image_shape``, and a Dataset without one (a table) is refused; bare
        ``(X, y)`` arrays are taken as square pictures. 0 turns it off.
    score_training : bool
        Measure the loss and accuracy on the training images after every epoch (the
        training curve in ``History``). That is one more pass over every training
        image, forward only: for a small network, a fifth to a third of an epoch.
        False skips it when only the trained network matters; ``History.train_loss``
        and ``train_accuracy`` then stay empty, and early stopping needs validation
        images to watch instead.
    seed : int
        Seeds the validation split and the shuffling.
    callbacks : iterable of callables
        Each called as ``callback(history, network)`` after every epoch; return False
        to stop.
    catch_interrupt : bool
        Make Ctrl-C stop at the next batch boundary instead of raising (only in the
        main thread).
    resume : TrainingState, optional
        Carry on from this state (from ``checkpoint``, or ``glassnet.store.checkpoints``)
        instead of starting afresh: the network's weights, the optimizer, the random
        generator and the history are restored, and training goes on with the next
        epoch. The settings must be the ones the state was made with (``epochs`` may
        differ). Resuming from an end-of-epoch state gives bit for bit the weights of
        a training that was never stopped. A state of a training that had finished
        (all its ``epochs`` done, or stopped by early stopping) trains no further: it
        gives back the finished network, so a crash between the last checkpoint and
        saving the model loses nothing.
    checkpoint : callable, optional
        Called as ``checkpoint(state)`` with a ``TrainingState`` after every
        ``checkpoint_every``-th epoch, after the last one, and when training stops
        early (Ctrl-C, a callback, early stopping). A state made after Ctrl-C is
        cut short in the middle of an epoch: resuming from it continues, but no longer
        bit for bit like an uninterrupted run.
    checkpoint_every : int
        How many epochs between checkpoints.

    Raises
    ------
    TrainingDiverged
        The loss became NaN or infinite, or climbed far above its start, or the
        accuracy stayed at chance (the rule is ``divergence``). The network keeps the
        weights it had at the start of that epoch; the error's ``history`` attribute
        has the epochs before it.
    DataError, ConfigError
        Bad data or settings (checked before anything changes).
    """
    loss_fn = get_loss(loss)
    loss_fn.check_output(network.output_activation)
    if optimizer is None:
        optimizer = SGD(learning_rate=DEFAULT_LEARNING_RATE, momentum=DEFAULT_MOMENTUM)
    optimizer = get_optimizer(optimizer)
    # Every number checked once, here, by its rule (training/rules.py); below, trusted.
    checked = check_settings(
        epochs=epochs, batch_size=batch_size, patience=patience,
        checkpoint_every=checkpoint_every, average_from=average_from,
        shift_pixels=shift_pixels, validation_fraction=validation_fraction, l2=l2,
        input_noise=input_noise, seed=seed)
    epochs, batch_size, patience = checked["epochs"], checked["batch_size"], checked["patience"]
    checkpoint_every, average_from = checked["checkpoint_every"], checked["average_from"]
    shift_pixels, seed = checked["shift_pixels"], checked["seed"]
    callbacks = list(callbacks)
    if shift_pixels:
        picture_shape = pictures_in(data, network.n_inputs)
    if early_stopping and not score_training and not validation_fraction:
        raise ConfigError("early stopping watches a loss: keep score_training on, or hold "
                          "out validation images (validation_fraction)")

    train_part, validation_part = _split(data, validation_fraction, seed)
    X, y = _prepare(network, train_part)
    Y = network.targets(y)
    # Scoring every training image after every epoch would cost a third of an epoch on
    # a big data set (60,000 MNIST images); every k-th image estimates it well enough.
    every = -(-len(X) // SCORED_IMAGES)  # 1 for up to SCORED_IMAGES images
    X_scored, Y_scored, y_scored = X[::every], Y[::every], y[::every]
    if validation_part is not None:
        X_val, y_val = _prepare(network, validation_part)
        Y_val = network.targets(y_val)

    history = History(config={
        "loss": loss_fn.name, "optimizer": optimizer.config(), "epochs": epochs,
        "batch_size": batch_size, "validation_fraction": validation_fraction,
        "early_stopping": early_stopping, "patience": patience, "l2": l2,
        "input_noise": input_noise, "average_from": average_from,
        "shift_pixels": shift_pixels, "score_training": score_training, "seed": seed,
        "network": network.config(), "n_train": int(len(X)), "n_train_scored": int(len(X_scored)),
        "n_validation": 0 if validation_part is None else int(len(X_val)),
    })
    rng = np.random.default_rng(seed)
    best_loss, best_parameters, epochs_without_improvement = np.inf, None, 0
    averaged, averaged_epochs = None, 0
    first_epoch = 1
    if resume is not None:
        history = _restore(resume, history, network, optimizer, rng)
        first_epoch = epochs + 1 if nothing_left_to_train(resume, epochs) else resume.epoch + 1
        best_loss, epochs_without_improvement = resume.best_loss, resume.epochs_without_improvement
        best_parameters = _copies(resume.best_parameters)
        averaged, averaged_epochs = _copies(resume.averaged), resume.averaged_epochs
    parameters = network.parameters()
    n = len(X)
    # The epoch's shuffled (and noisy) copy of the images is written into the same memory
    # every epoch: for 60,000 MNIST images a fresh 188 MB array per epoch cost more in
    # page faults than the copying itself.
    X_shuffled, Y_shuffled = np.empty_like(X), np.empty_like(Y)
    noise = np.empty_like(X) if input_noise else None
    steps = (first_epoch - 1) * -(-n // batch_size)  # minibatch steps taken (for ``divergence``)
    # The divergence rule watches the training scores, or the validation scores without them.
    watched = ((X_scored, Y_scored, y_scored) if score_training
               else (X_val, Y_val, y_val) if validation_part is not None else None)
    chance = None if watched is None else chance_accuracy(watched[2])

    # Overflow is detected (the loss turns non-finite) and reported as TrainingDiverged,
    # so NumPy's own overflow warnings would only be noise.
    with (
        _InterruptFlag(catch_interrupt) as interrupt,
        np.errstate(over="ignore", invalid="ignore"),
        _matrix_threads(network, batch_size),
    ):
        if watched is not None and resume is None:
            history.start_loss = _score(network, *watched, loss_fn, l2)[0]
        for epoch in range(first_epoch, epochs + 1):
            started = time.perf_counter()
            snapshot = network.get_parameters()  # last known finite weights
            order = rng.permutation(n)
            # One contiguous shuffled copy per epoch: X[order], Y[order]. (mode="clip" only
            # tells NumPy that no index can be out of range, as none of a permutation is;
            # otherwise it first copies into a spare array in case one is.)
            X_epoch = np.take(X, order, axis=0, out=X_shuffled, mode="clip")
            Y_epoch = np.take(Y, order, axis=0, out=Y_shuffled, mode="clip")
            if shift_pixels:
                X_epoch = shift_images(X_epoch, shift_pixels, rng, image_shape=picture_shape)
            if input_noise:
                rng.standard_normal(dtype=X.dtype, out=noise)
                noise *= input_noise
                X_epoch += noise
            for start in range(0, n, batch_size):
                X_batch = X_epoch[start:start + batch_size]
                Y_batch = Y_epoch[start:start + batch_size]
                if optimizer.needs_gradients:
                    gradients = network.gradients(X_batch, Y_batch, loss_fn, l2=l2)
                    optimizer.step(parameters, gradients)
                else:
                    def loss_of(X_batch=X_batch, Y_batch=Y_batch) -> float:
                        return network.objective(X_batch, Y_batch, loss_fn, l2=l2)

                    optimizer.step(parameters, None, loss_of)
                steps += 1
                if interrupt.raised:
                    break
            # Steps do not measure the loss (``Network.gradients``), so a run that blew up
            # is noticed here, once per epoch: its weights are no longer finite numbers.
            if not all(np.isfinite(p).all() for p in parameters):
                _diverged("the weights became NaN or infinite", network, snapshot, history,
                          optimizer)

            live = None
            if average_from is not None and epoch >= average_from:
                averaged_epochs += 1
                averaged = _update_average(averaged, parameters, averaged_epochs)
                live = network.get_parameters()
                network.set_parameters(averaged)  # score the weights the user will get

            train_scores = validation_scores = None  # (loss, accuracy) of this epoch
            if score_training:
                train_scores = _score(network, X_scored, Y_scored, y_scored, loss_fn, l2)
                _check_finite(train_scores[0], network, snapshot, history, optimizer)
            if validation_part is not None:
                validation_scores = _score(network, X_val, Y_val, y_val, loss_fn, l2)
                _check_finite(validation_scores[0], network, snapshot, history, optimizer,
                              what="the validation loss")
            if watched is not None:
                problem = divergence(*(train_scores or validation_scores),
                                     start_loss=history.start_loss, chance=chance,
                                     steps=steps)
                if problem is not None:
                    _diverged(problem, network, snapshot, history, optimizer)
            if train_scores is not None:
                history.train_loss.append(train_scores[0])
                history.train_accuracy.append(train_scores[1])
            if validation_scores is not None:
                history.validation_loss.append(validation_scores[0])
                history.validation_accuracy.append(validation_scores[1])
            # The loss that chooses the best epoch: validation's if measured, else training's.
            monitored = (validation_scores or train_scores or (None,))[0]
            history.seconds.append(time.perf_counter() - started)

            if monitored is not None:
                if monitored < best_loss:
                    best_loss, history.best_epoch = monitored, epoch
                    epochs_without_improvement = 0
                    if early_stopping:
                        best_parameters = network.get_parameters()
                else:
                    epochs_without_improvement += 1
            if live is not None:
                network.set_parameters(live)  # the optimizer walks on from where it was

            if interrupt.raised:
                history.stop_reason = "interrupted"
            elif any(callback(history, network) is False for callback in callbacks):
                history.stop_reason = "callback"
            elif early_stopping and epochs_without_improvement >= patience:
                history.stop_reason = "early_stopping"
            stopping = history.stop_reason != "completed"
            if checkpoint is not None and (
                stopping or epoch == epochs or epoch % checkpoint_every == 0
            ):
                history.averaged_epochs = averaged_epochs
                checkpoint(TrainingState(
                    epoch=epoch, parameters=network.get_parameters(),
                    optimizer_state=optimizer.state_dict(),
                    rng_state=rng.bit_generator.state,
                    history=History.from_dict(history.to_dict()), best_loss=float(best_loss),
                    epochs_without_improvement=epochs_without_improvement,
                    best_parameters=_copies(best_parameters), averaged=_copies(averaged),
                    averaged_epochs=averaged_epochs,
                ))
            if stopping:
                break

    if early_stopping and best_parameters is not None:
        network.set_parameters(best_parameters)
    elif averaged is not None:
        network.set_parameters(averaged)
    history.averaged_epochs = averaged_epochs
    return history


def nothing_left_to_train(state: TrainingState, epochs: int) -> bool:
    """Whether resuming ``state`` for ``epochs`` epochs only gives back its finished network.

    True when the state is of a training that early stopping ended, or that has done
    exactly ``epochs`` (more done than asked is refused by ``train``).
    """
    return state.history.stop_reason == "early_stopping" or state.epoch == epochs


def _copies(arrays: list[np.ndarray] | None) -> list[np.ndarray] | None:
    return None if arrays is None else [array.copy() for array in arrays]


def _restore(
    state: TrainingState, history: History, network: Network, optimizer: Optimizer,
    rng: np.random.Generator,
) -> History:
    """Put ``state`` back into the network, optimizer and generator; return its history.

    The settings must match the ones the state was made with, or the "same" training
    would quietly become a different one.
    """
    saved = state.history.config
    changed = sorted(key for key in saved.keys() | history.config.keys()
                     if key not in RESUMABLE_CHANGES
                     and saved.get(key) != history.config.get(key))
    if changed:
        raise ConfigError(
            f"cannot resume: these settings differ from the checkpoint's: {', '.join(changed)}"
        )
    # Early stopping ended that training for good; so did its last epoch, unless more
    # are asked for now. Either way the state holds the finished network.
    stopped_early = state.history.stop_reason == "early_stopping"
    if state.epoch > history.config["epochs"] and not stopped_early:
        raise ConfigError(
            f"the checkpoint has already done {state.epoch} epochs; ask for {state.epoch} to "
            "get its network, or more to carry on"
        )
    network.set_parameters(state.parameters)
    optimizer.load_state_dict(state.optimizer_state)
    try:
        rng.bit_generator.state = state.rng_state
    except (TypeError, ValueError, KeyError) as error:
        raise ConfigError(f"cannot resume: invalid random generator state ({error})") from None
    restored = History.from_dict(state.history.to_dict())
    restored.config = history.config
    restored.stop_reason = "early_stopping" if stopped_early else "completed"
    return restored


def _update_average(
    averaged: list[np.ndarray] | None, parameters: list[np.ndarray], count: int
) -> list[np.ndarray]:
    """Fold the current weights into the running mean of ``count`` epochs' weights."""
    if averaged is None:
        return [p.copy() for p in parameters]
    for mean, p in zip(averaged, parameters, strict=True):
        mean += (p - mean) / count
    return averaged


#: The training loss and accuracy of each epoch are measured on at most about this many
#: training images (every k-th one when there are more).
SCORED_IMAGES = 10_000

#: Matrix products of fewer multiply-adds than this run on one BLAS thread in training.
#: Measured on two cores: a batch of 128 through a 784 x 128 layer (12.8 million) is
#: 1.5x faster on both cores when the other is idle; the digits' products (at most a
#: few hundred thousand to two million) are faster on one.
ONE_THREAD_BELOW = 4_000_000


def _matrix_threads(network: Network, batch_size: int) -> contextlib.AbstractContextManager:
    """Run small matrix products on one thread while training; leave big ones alone.

    NumPy hands matrix products to a BLAS library that splits a big product over every
    core. For the small products of a small network (a batch of 32 images times a
    64 x 32 weight matrix) handing out the work costs more than the work itself, and on
    a machine whose other cores are busy a second thread waits for a core and can make
    each product ten times slower. One thread is never slower at these sizes, so
    training uses one whenever a step's largest product (a batch times the biggest
    weight matrix) is below ``ONE_THREAD_BELOW`` multiply-adds; bigger products (an
    MNIST-sized network) get every core. threadpoolctl, which sets the thread count of
    whichever BLAS NumPy uses, is imported only here.
    """
    largest = batch_size * max(layer.W.size for layer in network.layers)
    if largest >= ONE_THREAD_BELOW:
        return contextlib.nullcontext()
    return _thread_controller().limit(limits=1, user_api="blas")


@functools.cache
def _thread_controller() -> Any:
    """threadpoolctl's view of the loaded thread pools, found once (it takes a millisecond)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _split(data: Any, validation_fraction: float, seed: int) -> tuple[Any, Any]:
    """Hold out a stratified, seeded validation part of the training data."""
    from ..data.dataset import Dataset

    if not isinstance(data, Dataset):
        try:
            X, y = data
        except (TypeError, ValueError):
            raise DataError("data must be a Dataset or an (X, y) pair") from None
        data = Dataset(X, y)
    if validation_fraction == 0:
        return data, None
    return data.split(test_fraction=validation_fraction, seed=seed)


def _prepare(network: Network, data: Any) -> tuple[np.ndarray, ArrayLike]:
    X = network.check_inputs(data.X)
    y = np.asarray(data.y)
    if len(y) != len(X):
        raise DataError(f"{len(X)} images but {len(y)} labels")
    network.class_indices(y)  # unknown labels fail here, before any training
    return np.ascontiguousarray(X), y


def _score(network: Network, X, Y, y, loss_fn, l2: float) -> tuple[float, float]:
    """Loss and accuracy of the current weights on (X, y), in one forward pass."""
    trace = network._trace(X)
    outputs = trace.outputs
    per_image = loss_fn.per_image(trace.weighted_sums[-1], outputs, Y, network.output_activation)
    loss = float(per_image.sum()) / len(X) + network._l2_penalty(l2)
    accuracy = float(np.mean(network.guess(outputs) == y))
    return loss, accuracy


def _check_finite(value: float, network: Network, snapshot, history: History, optimizer,
                  what: str = "the loss") -> None:
    """Raise TrainingDiverged (see ``_diverged``) if ``value``, a measured loss, is not finite."""
    if not np.isfinite(value):
        _diverged(f"{what} became {value}", network, snapshot, history, optimizer)


#: A loss this many times the untrained network's means the steps overshoot: the
#: documented recipes never end an epoch above their start (see docs/reliability.md).
LOSS_CLIMB_LIMIT = 10.0

#: Minibatch steps before a climbed loss counts. From random weights, on inputs far
#: outside 0..1, the first steps can overshoot and come back: on scikit-learn's own
#: check data (blobs with features up to 20) one seed in eight climbs 10 to 65 times
#: in its first two steps, and every one of 200 seeds is back under the limit by
#: step 30 and goes on to learn. A loss still that high after 100 steps is no bump.
#: On the digits (41 steps an epoch) a run that blows up is caught by epoch 3.
OVERSHOOT_GRACE_STEPS = 100

#: Minibatch steps after which a network still answering no better than chance has
#: had its fair chance. The slowest documented recipe, the article's sigmoid network
#: (plain steps in batches of 10), is at 74% after one epoch of 130 steps.
FAIR_CHANCE_STEPS = 500

#: "At chance" is at most this share of the way from the chance accuracy to 100%:
#: 12% for ten balanced classes, where a run that blew up scores 9.7 to 10.3%.
CHANCE_MARGIN = 0.02


def chance_accuracy(labels: ArrayLike) -> float:
    """The accuracy of answering the most common label for every image, (n,) labels."""
    _, counts = np.unique(np.asarray(labels), return_counts=True)
    return float(counts.max() / counts.sum())


def divergence(loss: float, accuracy: float, *, start_loss: float | None, chance: float,
               steps: int) -> str | None:
    """What says an epoch's scores come from a run gone wrong, or None if nothing does.

    This is the rule ``train`` applies after every epoch (besides stopping on NaN or
    infinity), on the training scores or, without them, the validation scores. A run
    has diverged when

    - after ``OVERSHOOT_GRACE_STEPS`` steps its loss is more than ``LOSS_CLIMB_LIMIT``
      times ``start_loss``, the loss before the first step: the steps overshoot the
      valley and climb its walls; or
    - after ``FAIR_CHANCE_STEPS`` steps its accuracy is still at chance (at most
      ``CHANCE_MARGIN`` of the way from ``chance`` to 100%): steps that are far too
      big kill ReLUs or saturate sigmoids, and the network answers one class for
      everything. A learning rate far too small can also leave a network there, but
      only one a thousand times below the defaults does within 500 steps.

    Parameters
    ----------
    loss, accuracy : float
        The epoch's scores.
    start_loss : float or None
        The loss before training (``History.start_loss``); None skips the first test.
    chance : float
        The accuracy of always answering the most common class (``chance_accuracy``);
        with one class only (1.0) the second test cannot tell anything and is skipped.
    steps : int
        Minibatch steps taken so far.

    Returns
    -------
    str or None
        What happened, in words ("the loss climbed to ..."), or None.
    """
    climbed = (start_loss is not None and start_loss > 0
               and loss > LOSS_CLIMB_LIMIT * start_loss)
    if climbed and steps >= OVERSHOOT_GRACE_STEPS:
        return (f"the loss climbed to {loss:.3g}, {loss / start_loss:.2g} times the untrained "
                f"network's {start_loss:.3g}")
    at_chance = chance + CHANCE_MARGIN * (1.0 - chance)
    if chance < 1.0 and steps >= FAIR_CHANCE_STEPS and accuracy <= at_chance:
        return (f"after {steps} steps the accuracy is still {100 * accuracy:.1f}%, no better "
                f"than answering the most common class for every image ({100 * chance:.1f}%)")
    return None


def smaller_learning_rate(optimizer: Optimizer) -> float | None:
    """The learning rate to suggest after ``optimizer``'s diverged, or None if it has none.

    A power of ten at least three times below the rate tried (0.3 -> 0.1, 1 -> 0.1),
    but never above the optimizer's default (the default is the rate known to work:
    1e300 -> 0.1, not 1e299).
    """
    from ..core.defaults import DEFAULT_LEARNING_RATES

    rate = getattr(optimizer, "learning_rate", None)
    if rate is None:
        return None
    smaller = 10.0 ** np.floor(np.log10(rate / 3))
    default = DEFAULT_LEARNING_RATES.get(getattr(optimizer, "name", None), np.inf)
    return float(min(smaller, default))


def _diverged(what_happened: str, network: Network, snapshot, history: History,
              optimizer) -> None:
    """Put the epoch's first weights back and raise TrainingDiverged saying what happened."""
    network.set_parameters(snapshot)
    problem = (f"Training diverged in epoch {history.epochs + 1}: {what_happened}. "
               f"{learning_rate_advice(optimizer)}")
    raise TrainingDiverged(
        f"{problem} The network keeps the weights it had at the start of that epoch.",
        problem=problem, history=history,
    )


def learning_rate_advice(optimizer: Optimizer) -> str:
    """What to try after a run of ``optimizer`` went wrong, as one sentence.

    Nearly always the steps were too big (``smaller_learning_rate`` says what to try);
    a network left at chance by steps a hundred times below the default was given too
    little to learn with instead.
    """
    from ..core.defaults import DEFAULT_LEARNING_RATES

    rate, suggested = getattr(optimizer, "learning_rate", None), smaller_learning_rate(optimizer)
    if rate is None or suggested is None:
        return "The steps are too big."
    default = DEFAULT_LEARNING_RATES.get(getattr(optimizer, "name", None))
    if default is not None and rate < default / 100:
        return (f"The steps are far too small (learning rate {rate:g}): try the default, "
                f"{default:g}.")
    return f"The steps are too big (learning rate {rate:g}): try a learning rate of {suggested:g}."


class _InterruptFlag:
    """While active, Ctrl-C sets a flag (checked between batches) instead of raising."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self.raised = False
        self._previous: Any = None

    def _handle(self, signum, frame) -> None:
        if self.raised:  # a second Ctrl-C means "stop now"
            raise KeyboardInterrupt
        self.raised = True

    def __enter__(self) -> _InterruptFlag:
        if self.enabled:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            signal.signal(signal.SIGINT, self._previous)


__all__ = ["History", "TrainingState", "train", "DEFAULT_EPOCHS", "DEFAULT_BATCH_SIZE",
           "DEFAULT_PATIENCE",
           "DEFAULT_LEARNING_RATE", "DEFAULT_MOMENTUM", "DEFAULT_INPUT_NOISE",
           "DEFAULT_AVERAGE_FROM"]
