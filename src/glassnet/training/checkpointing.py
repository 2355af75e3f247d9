"""Checkpoints and resume: where a training stands, handed out and taken back.

A long training may be stopped by a crash, a power cut or a closed laptop. To
carry on *exactly* as if nothing had happened, the weights alone are not enough:
the optimizer's memory (momentum velocities, Adam's averages), the position of the
random generator that shuffles the images and draws the noise, the running mean of
weight averaging and the early-stopping bookkeeping all shape the next epoch.
``Checkpointing`` hands a ``TrainingState`` holding all of it to ``train``'s
``checkpoint`` hook every few epochs, and ``restore`` puts one back (``train``'s
``resume``). ``glassnet.store.checkpoints`` writes states to disk and reads them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import loop
from ..core.network import Network
from ..core.optimizers import Optimizer
from ..errors import ConfigError
from .averaging import WeightAveraging
from .early_stopping import BestEpoch
from .history import History


@dataclass
class TrainingState:
    """Where training stands at the end of an epoch: enough to carry on bit for bit.

    ``train`` hands one of these to its ``checkpoint`` hook and accepts one as
    ``resume``.

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


class Checkpointing(loop.Callback):
    """Hands the TrainingState to ``hook`` after every ``every``-th epoch, the last one,
    and any epoch that stops the training (Ctrl-C, a callback, early stopping).

    Comes after every other callback, so that the state holds all they did.
    """

    def __init__(self, hook: Checkpoint, every: int, epochs: int, network: Network,
                 optimizer: Optimizer, rng: np.random.Generator, history: History,
                 best: BestEpoch, averaging: WeightAveraging) -> None:
        self.hook, self.every, self.epochs = hook, every, epochs
        self.network, self.optimizer, self.rng, self.history = network, optimizer, rng, history
        self.best, self.averaging = best, averaging

    def on_epoch_end(self, progress: loop.Progress) -> None:
        stopping = progress.stop_reason is not None
        epoch = progress.epoch
        if not (stopping or epoch == self.epochs or epoch % self.every == 0):
            return
        history = self.history.copy()
        history.averaged_epochs = self.averaging.count
        history.stop_reason = progress.stop_reason or history.stop_reason
        best = self.best
        self.hook(TrainingState(
            epoch=epoch, parameters=self.network.get_parameters(),
            optimizer_state=self.optimizer.state_dict(), rng_state=self.rng.bit_generator.state,
            history=history, best_loss=float(best.best_loss),
            epochs_without_improvement=best.epochs_without_improvement,
            best_parameters=_copies(best.best_parameters), averaged=self.averaging.mean(),
            averaged_epochs=self.averaging.count,
        ))


def nothing_left_to_train(state: TrainingState, epochs: int) -> bool:
    """Whether resuming ``state`` for ``epochs`` epochs only gives back its finished network.

    True when the state is of a training that early stopping ended, or that has done
    exactly ``epochs`` (more done than asked is refused by ``train``).
    """
    return state.history.stop_reason == "early_stopping" or state.epoch == epochs


def check_resumable(state: TrainingState, config: dict[str, Any]) -> None:
    """Refuse to resume ``state`` with settings (``config``) other than its own.

    With other settings the "same" training would quietly become a different one;
    only ``epochs`` may change, and not to fewer than are done.

    Raises
    ------
    ConfigError
    """
    saved = state.history.config
    changed = sorted(key for key in saved.keys() | config.keys()
                     if key not in RESUMABLE_CHANGES and saved.get(key) != config.get(key))
    if changed:
        raise ConfigError(
            f"cannot resume: these settings differ from the checkpoint's: {', '.join(changed)}"
        )
    # Early stopping ended that training for good; so did its last epoch, unless more
    # are asked for now. Either way the state holds the finished network.
    if state.epoch > config["epochs"] and state.history.stop_reason != "early_stopping":
        raise ConfigError(
            f"the checkpoint has already done {state.epoch} epochs; ask for {state.epoch} to "
            "get its network, or more to carry on"
        )


def resumed_history(state: TrainingState, config: dict[str, Any]) -> History:
    """The history to carry on with: ``state``'s epochs, with the settings ``config``
    (checked by ``check_resumable``)."""
    history = state.history.copy()
    history.config = config
    stopped_early = state.history.stop_reason == "early_stopping"
    history.stop_reason = "early_stopping" if stopped_early else "completed"
    return history


def restore(state: TrainingState, network: Network, optimizer: Optimizer,
            rng: np.random.Generator, best: BestEpoch, averaging: WeightAveraging) -> None:
    """Put ``state`` back into the network, optimizer, generator and extras.

    Raises
    ------
    ConfigError
        If the generator state is not one NumPy can take (nothing is changed then).
    """
    try:
        rng.bit_generator.state = state.rng_state
    except (TypeError, ValueError, KeyError) as error:
        raise ConfigError(f"cannot resume: invalid random generator state ({error})") from None
    network.set_parameters(state.parameters)
    optimizer.load_state_dict(state.optimizer_state)
    best.best_loss = state.best_loss
    best.epochs_without_improvement = state.epochs_without_improvement
    best.best_parameters = _copies(state.best_parameters)
    averaging.restore(state.averaged, state.averaged_epochs)


def _copies(arrays: list[np.ndarray] | None) -> list[np.ndarray] | None:
    return None if arrays is None else [array.copy() for array in arrays]


__all__ = ["Checkpoint", "Checkpointing", "RESUMABLE_CHANGES", "TrainingState",
           "check_resumable", "nothing_left_to_train", "restore", "resumed_history"]
