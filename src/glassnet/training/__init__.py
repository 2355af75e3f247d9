"""Training: show the network the data, again and again, and walk downhill.

``train`` is the one way in. It checks every argument once (every number against
its rule in ``rules``), cuts the validation images off the training images, builds the
extras of training as callbacks, and runs the loop of ``glassnet.core.loop``:
shuffle, minibatches, a step downhill for each. The extras, one module each:

- ``augmentation`` (pixel shifts and nudges) and ``noise`` (input noise) change each epoch's
  images before its steps;
- ``divergence_watch`` stops a run gone wrong (``TrainingDiverged``);
- ``averaging`` keeps the running mean of the weights (weight averaging);
- ``scores`` measures each epoch on the training and validation images, into the
  ``History`` (``history``);
- ``early_stopping`` finds the best epoch, and stops when the loss stops improving;
- ``interrupt`` makes Ctrl-C stop cleanly at the end of a step;
- ``callbacks`` calls your own ``callback(history, network)``;
- ``checkpointing`` hands out where training stands, and resumes from it.

In the article the computer repeats its hops until it is told to stop or the loss
is as low as it will go. Both are here: ``epochs`` is the most it will do, and with
``early_stopping`` it stops when the validation loss has not improved for
``patience`` epochs and goes back to the weights of the best epoch. The test images
are not touched here at all: they are for the final, honest score.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..core import checks, loop
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
from ..core.network import Network, as_network
from ..core.optimizers import SGD, Optimizer, get_optimizer
from ..errors import ConfigError, DataError, plural, shown
from .ahead import inputs_for
from .augmentation import PixelNudges, PixelShifts, movements
from .averaging import WeightAveraging
from .callbacks import Callback, CallYourCallbacks
from .checkpointing import (
    Checkpoint,
    Checkpointing,
    TrainingState,
    check_resumable,
    nothing_left_to_train,
    restore,
    resumed_history,
)
from .divergence_watch import (
    FAIR_CHANCE_STEPS,
    DivergenceWatch,
    chance_accuracy,
    divergence,
    learning_rate_advice,
    smaller_learning_rate,
)
from .early_stopping import BestEpoch, EarlyStopping
from .history import History
from .interrupt import CtrlC
from .noise import InputNoise
from .rules import MAX_EPOCHS, check_settings
from .scores import Images, ScoreKeeper
from .threads import matrix_threads, on_one_thread


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
    nudge_pixels: float | None = None,
    score_training: bool = True,
    seed: int = 0,
    callbacks: Iterable[Callback] = (),
    catch_interrupt: bool = True,
    resume: TrainingState | None = None,
    checkpoint: Checkpoint | None = None,
    checkpoint_every: int = 1,
    untrained_start: bool = False,
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
        Default ``SGD(learning_rate=0.2, momentum=0.9)``. A name makes one with its
        default settings.
    epochs : int
        The most passes over the data.
    batch_size : int
        Images per step; 1 steps after every single image, the whole data set is
        full-batch gradient descent (the article's loss over every training image).
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
        must rely on the overall shape. Default 0.2 (pixels range over 0..1); 0 turns
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
        ``(X, y)`` arrays are taken as square pictures. 0 turns it off. On 8x8
        digits a whole pixel is too far a move: nudges are what helps.
    nudge_pixels : float or None
        Data augmentation: every epoch, each training picture is moved by a random
        fraction of a pixel, up to this much (from 0 to 1) in each direction, its
        pixels blended with their neighbours' (``augmentation.nudge_images``). The
        network learns that a digit slightly off centre is the same digit. Default
        None: 0.5 for pictures (a Dataset with an ``image_shape``, or bare arrays
        whose width is a square number from 64 on) and none for other data; 0 turns
        it off.
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
    untrained_start : bool
        Say True when ``network`` is untrained (as made, or resumed from a run that
        began so), as ``glassnet.run`` does. Then a run that has never scored above
        chance and whose loss is above the untrained network's is stopped after 100
        steps instead of 500, so a short run that blew up cannot end "trained" (see
        ``divergence``). Left False, as for a network trained before, whose loss may
        start at its best.

    Raises
    ------
    TrainingDiverged
        The loss became NaN or infinite, or climbed far above its start, or the
        accuracy stayed at chance (the rule is ``divergence``). The network keeps the
        weights it had at the start of that epoch; the error's ``history`` attribute
        has the epochs before it.
    DataError, ConfigError
        Bad data or settings, or a ``network`` that is not a Network (checked before
        anything changes).
    """
    network = as_network(network, "train trains")
    # Every number checked once, here, by its rule (training/rules.py); below, trusted.
    settings = SimpleNamespace(**check_settings(
        epochs=epochs, batch_size=batch_size, patience=patience,
        checkpoint_every=checkpoint_every, average_from=average_from,
        shift_pixels=shift_pixels, nudge_pixels=nudge_pixels,
        validation_fraction=validation_fraction, l2=l2,
        input_noise=input_noise, seed=seed))
    epochs, batch_size, l2, seed = settings.epochs, settings.batch_size, settings.l2, settings.seed
    loss_fn = get_loss(loss)  # an unknown name raises a ConfigError listing the known ones
    loss_fn.check_output(network.output_activation)
    optimizer = get_optimizer(optimizer if optimizer is not None else SGD(
        learning_rate=DEFAULT_LEARNING_RATE, momentum=DEFAULT_MOMENTUM))
    callbacks = _checked_hooks(callbacks, checkpoint, resume)
    if early_stopping and not score_training and not settings.validation_fraction:
        raise ConfigError("early stopping watches a loss: keep score_training on, or hold "
                          "out validation images (validation_fraction)")
    nudge, pictures = movements(data, network.n_inputs, settings.shift_pixels,
                                settings.nudge_pixels)
    moved = settings.shift_pixels or nudge
    training, validation = _training_images(network, data, settings.validation_fraction, seed)
    scored = training.every_kth()  # the training images each epoch is scored on
    history = History(config={
        "loss": loss_fn.name, "optimizer": optimizer.config(), "epochs": epochs,
        "batch_size": batch_size, "validation_fraction": settings.validation_fraction,
        "early_stopping": early_stopping, "patience": settings.patience, "l2": l2,
        "input_noise": settings.input_noise, "average_from": settings.average_from,
        "shift_pixels": settings.shift_pixels, "nudge_pixels": nudge,
        "score_training": score_training,
        "seed": seed, "network": network.config(), "n_train": len(training.X),
        "n_train_scored": len(scored.X),
        "n_validation": 0 if validation is None else len(validation.X),
    })
    if resume is not None:
        check_resumable(resume, history.config)
        history = resumed_history(resume, history.config)

    rng = np.random.default_rng(seed)
    progress = loop.Progress()
    averaging = WeightAveraging(network, settings.average_from)
    best = BestEpoch(history, averaging.network_to_score, keep_weights=early_stopping)
    if resume is not None:
        restore(resume, network, optimizer, rng, best, averaging)
        progress.epoch = epochs if nothing_left_to_train(resume, epochs) else resume.epoch
        progress.steps = progress.epoch * -(-len(training.X) // batch_size)
    # The divergence rule watches the training scores, or the validation scores without them.
    watched = scored if score_training else validation
    watch = DivergenceWatch(
        network, optimizer, history,
        chance=None if watched is None else chance_accuracy(watched.y),
        untrained_start=bool(untrained_start),
        earlier_accuracies=(history.train_accuracy if score_training
                            else history.validation_accuracy))
    ctrl_c = CtrlC(progress, enabled=catch_interrupt)
    # In this order: the images are changed before the steps, shifted, nudged, noised;
    # after the steps the weights are checked, folded into the average, scored (the
    # average's, with the watch looking first), the best epoch found; then the reasons
    # to stop are asked, Ctrl-C first; the checkpoint comes last, holding all of it.
    extras: list[loop.Callback] = [
        *([PixelShifts(settings.shift_pixels, pictures)] if settings.shift_pixels else []),
        *([PixelNudges(nudge, pictures)] if nudge else []),
        *([InputNoise(settings.input_noise, training.X)] if settings.input_noise else []),
        watch,
        averaging,
        ScoreKeeper(history, loss_fn, l2, training=scored if score_training else None,
                    validation=validation, network_to_score=averaging.network_to_score,
                    watch=watch),
        best,
        ctrl_c,
        CallYourCallbacks(callbacks, history, network),
        *([EarlyStopping(best, settings.patience)] if early_stopping else []),
        *([Checkpointing(checkpoint, settings.checkpoint_every, epochs, network, optimizer,
                         rng, history, best, averaging)] if checkpoint is not None else []),
    ]

    # Overflow is detected (the loss turns non-finite) and reported as TrainingDiverged,
    # so NumPy's own overflow warnings would only be noise.
    with ctrl_c, np.errstate(over="ignore", invalid="ignore"), matrix_threads(network,
                                                                             batch_size):
        if watched is not None and resume is None:
            history.start_loss, outputs = network.loss_and_outputs(watched.X, watched.Y,
                                                                   loss_fn, l2)
            # Overflowing before any step: the images are far too large, which no
            # learning rate would fix (a DataError now, not TrainingDiverged later).
            checks.refuse_overflow(outputs, checks.TO_LEARN_FROM)
        loop.fit(network, training.X, training.Y, loss=loss_fn, optimizer=optimizer,
                 epochs=epochs, batch_size=batch_size, rng=rng, l2=l2, callbacks=extras,
                 progress=progress, inputs_of=inputs_for(
                     changes_images=bool(moved or settings.input_noise),
                     on_one_thread=on_one_thread(network, batch_size)))

    if early_stopping and best.best_parameters is not None:
        network.set_parameters(best.best_parameters)
    elif averaging.averaged is not None:
        network.set_parameters(averaging.averaged.parameters())
    history.averaged_epochs = averaging.count
    history.stop_reason = progress.stop_reason or history.stop_reason
    return history


def _training_images(network: Network, data: Any, validation_fraction: float,
                     seed: int) -> tuple[Images, Images | None]:
    """The images to learn from and the validation images held out of them (stratified,
    seeded; None without), checked against the network."""
    from ..data.dataset import Dataset

    if not isinstance(data, Dataset):
        try:
            X, y = data
        except (TypeError, ValueError):
            raise DataError("data must be a Dataset or an (X, y) pair") from None
        data = Dataset(X, y)
    if validation_fraction == 0:
        return _images(network, data), None
    training, validation = data.split(test_fraction=validation_fraction, seed=seed)
    return _images(network, training), _images(network, validation)


def _images(network: Network, data: Any) -> Images:
    """A Dataset's images as the network takes them, with their ideal outputs."""
    X = network.check_inputs(data.X)
    y = np.asarray(data.y)
    if len(y) != len(X):
        raise DataError(f"{plural(len(X), 'image')} but {plural(len(y), 'label')}")
    return Images(np.ascontiguousarray(X), network.targets(y), y)  # unknown labels fail here


def _checked_hooks(callbacks: Iterable[Callback], checkpoint: Any, resume: Any) -> list[Callback]:
    """The callbacks as a list, once each hook is known to be what it must be.

    Checked before the first step: a checkpoint path given where a function belongs
    would otherwise fail only after an epoch had changed the network.
    """
    try:
        hooks = list(callbacks)
    except TypeError:
        raise ConfigError(f"callbacks is a list of functions, got {shown(callbacks)}") from None
    for hook in hooks:
        if not callable(hook):
            raise ConfigError(f"each callback is a function callback(history, network), "
                              f"got {shown(hook)}")
    if checkpoint is not None and not callable(checkpoint):
        raise ConfigError("checkpoint is a function that takes the TrainingState (such as "
                          f"store.checkpoints.Checkpointer(path)), got {shown(checkpoint)}")
    if resume is not None and not isinstance(resume, TrainingState):
        raise ConfigError("resume is a TrainingState (load_checkpoint(path).state), got "
                          f"{shown(resume)}")
    return hooks

__all__ = ["Callback", "Checkpoint", "DEFAULT_AVERAGE_FROM", "DEFAULT_BATCH_SIZE",
           "DEFAULT_EPOCHS", "DEFAULT_INPUT_NOISE", "DEFAULT_LEARNING_RATE", "DEFAULT_MOMENTUM",
           "DEFAULT_PATIENCE", "FAIR_CHANCE_STEPS", "MAX_EPOCHS", "History", "TrainingState",
           "divergence",
           "learning_rate_advice", "nothing_left_to_train", "smaller_learning_rate", "train"]
