"""The divergence watch: noticing a run that has gone wrong, and saying what to try.

A learning rate that is too high makes the steps overshoot the valley: the loss
climbs, or turns into NaN or infinity, or the network is knocked into answering one
class for everything. ``DivergenceWatch`` looks at every epoch (its weights, then
its scores) and stops such a run with ``TrainingDiverged``, putting back the finite
weights the epoch began with. ``divergence`` is the rule, on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..core import loop
from ..core.defaults import DEFAULT_LEARNING_RATES
from ..core.network import Network
from ..core.optimizers import Optimizer
from ..errors import TrainingDiverged

if TYPE_CHECKING:
    from .history import History

#: A loss this many times the untrained network's means the steps overshoot: the
#: documented recipes never end an epoch above their start (see docs/reliability.md).
LOSS_CLIMB_LIMIT = 10.0

#: Minibatch steps before a climbed loss counts. From random weights, on inputs far
#: outside 0..1, the first steps can overshoot and come back: on scikit-learn's own
#: check data (blobs with features up to 20) one seed in eight climbs 10 to 65 times
#: in its first two steps, and every one of 200 seeds is back under the limit by
#: step 30 and goes on to learn. A loss still that high after 100 steps is no bump.
#: On the digits (23 steps an epoch in batches of 64) such a run is caught by epoch 5.
OVERSHOOT_GRACE_STEPS = 100

#: A loss this many times the untrained network's is no bump, however few the steps
#: (the bumps above climb at most 65 times): the steps blow the weights up, and a few
#: epochs later the loss is infinite. Stopped at once, the run reports what went
#: wrong instead of ending "trained" with a loss of 1e290 (a learning rate of 10 in
#: batches of 64 for 3 epochs did, before this rule).
LOSS_BLOWUP_LIMIT = 1e6

#: Minibatch steps after which a network still answering no better than chance has
#: had its fair chance. The slowest documented recipe, the article's sigmoid network
#: (plain steps in batches of 10), is at 74% after one epoch of 130 steps.
FAIR_CHANCE_STEPS = 500

#: "At chance" is at most this share of the way from the chance accuracy to 100%:
#: 12% for ten balanced classes, where a run that blew up scores 9.7 to 10.3%.
CHANCE_MARGIN = 0.02

#: "Above its start" is more than this many times the untrained network's loss, so
#: that float32 rounding of a loss that has not moved (2.43 against 2.43, at a
#: learning rate of 3e-10) is no climb. A run knocked to chance climbs far more: the
#: explorer's learning rate 3 stood at 1.05 times its start after 105 steps, 10 at 1.6.
START_LOSS_MARGIN = 1.01


def chance_accuracy(labels: ArrayLike) -> float:
    """The accuracy of answering the most common label for every image, (n,) labels."""
    _, counts = np.unique(np.asarray(labels), return_counts=True)
    return float(counts.max() / counts.sum())


def at_chance(accuracy: float, chance: float) -> bool:
    """Whether ``accuracy`` is no better than always answering the most common class.

    That is, at most ``CHANCE_MARGIN`` of the way from ``chance`` to 100%.
    """
    return accuracy <= chance + CHANCE_MARGIN * (1.0 - chance)


def divergence(loss: float, accuracy: float, *, start_loss: float | None, chance: float,
               steps: int, never_left_chance: bool = False) -> str | None:
    """What says an epoch's scores come from a run gone wrong, or None if nothing does.

    This is the rule ``train`` applies after every epoch (besides stopping on NaN or
    infinity), on the training scores or, without them, the validation scores. A run
    has diverged when

    - after ``OVERSHOOT_GRACE_STEPS`` steps its loss is more than ``LOSS_CLIMB_LIMIT``
      times ``start_loss``, the loss before the first step: the steps overshoot the
      valley and climb its walls; or, at any step, more than ``LOSS_BLOWUP_LIMIT``
      times: the weights are blowing up; or
    - after ``FAIR_CHANCE_STEPS`` steps its accuracy is still at chance (at most
      ``CHANCE_MARGIN`` of the way from ``chance`` to 100%): steps that are far too
      big kill ReLUs or saturate sigmoids, and the network answers one class for
      everything. A learning rate far too small can also leave a network there, but
      only one a thousand times below the defaults does within 500 steps; or
    - with ``never_left_chance``, after ``OVERSHOOT_GRACE_STEPS`` steps its accuracy is
      at chance *and* its loss is above ``start_loss`` (by ``START_LOSS_MARGIN``): it
      began untrained, has never once scored better than guessing, and is now worse
      than before its first step, which a slow run never is (its loss falls from the
      start, however slowly). So a run too short for the 500 steps is caught too (the
      explorer's learning rate 10 for 20 epochs ended "trained" at 10% before). Only
      for such a run: a run that has learned may have one bad epoch on imbalanced data
      (81.7% where guessing scores 95.1%, then back to 98%), and a ``partial_fit`` or
      warm start begins where the last call ended, maybe already at its best.

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
    never_left_chance : bool
        The training began from an untrained network and no epoch before this one
        scored above chance (see the third test).

    Returns
    -------
    str or None
        What happened, in words ("the loss climbed to ..."), or None.
    """
    climb = loss / start_loss if start_loss is not None and start_loss > 0 else 0.0
    if climb > LOSS_BLOWUP_LIMIT or (climb > LOSS_CLIMB_LIMIT and steps >= OVERSHOOT_GRACE_STEPS):
        return (f"the loss climbed to {loss:.3g}, {loss / start_loss:.2g} times the untrained "
                f"network's {start_loss:.3g}")
    if chance < 1.0 and at_chance(accuracy, chance):
        guessing = (f"no better than answering the most common class for every image "
                    f"({100 * chance:.1f}%)")
        if steps >= FAIR_CHANCE_STEPS:
            return f"after {steps} steps the accuracy is still {100 * accuracy:.1f}%, {guessing}"
        if (never_left_chance and climb > START_LOSS_MARGIN
                and steps >= OVERSHOOT_GRACE_STEPS):
            return (f"after {steps} steps the accuracy is {100 * accuracy:.1f}%, {guessing}, "
                    f"and the loss ({loss:.3g}) is above the untrained network's "
                    f"({start_loss:.3g})")
    return None


def smaller_learning_rate(optimizer: Optimizer) -> float | None:
    """The learning rate to suggest after ``optimizer``'s diverged, or None if it has none.

    A power of ten at least three times below the rate tried (0.3 -> 0.1, 1 -> 0.1),
    but never above the optimizer's default (the default is the rate known to work:
    1e300 -> 0.2, not 1e299).
    """
    rate = getattr(optimizer, "learning_rate", None)
    if rate is None:
        return None
    smaller = 10.0 ** np.floor(np.log10(rate / 3))
    default = DEFAULT_LEARNING_RATES.get(getattr(optimizer, "name", None), np.inf)
    return float(min(smaller, default))


def learning_rate_advice(optimizer: Optimizer) -> str:
    """What to try after a run of ``optimizer`` went wrong, as one sentence.

    Nearly always the steps were too big (``smaller_learning_rate`` says what to try);
    a network left at chance by steps a hundred times below the default was given too
    little to learn with instead.
    """
    rate, suggested = getattr(optimizer, "learning_rate", None), smaller_learning_rate(optimizer)
    if rate is None or suggested is None:
        return "The steps are too big."
    default = DEFAULT_LEARNING_RATES.get(getattr(optimizer, "name", None))
    if default is not None and rate < default / 100:
        return (f"The steps are far too small (learning rate {rate:g}): try the default, "
                f"{default:g}.")
    return f"The steps are too big (learning rate {rate:g}): try a learning rate of {suggested:g}."


class DivergenceWatch(loop.Callback):
    """Stops a run gone wrong with ``TrainingDiverged``, keeping the epoch's first weights.

    The steps do not measure the loss (``Network.gradients``), so a run that blew up
    is noticed at the end of its epoch: first its weights (still finite numbers?),
    then its scores (``check_loss``, ``check_scores``, called by the ``ScoreKeeper``
    before it writes them down), against the rule ``divergence``.

    Parameters
    ----------
    network : Network
        The network trained; gets the epoch's first weights back when the epoch fails.
    optimizer : Optimizer
        Its learning rate says what to try instead.
    history : History
        Handed to the error (the epochs before the bad one); its ``start_loss`` is
        what the loss must not climb far above.
    chance : float or None
        ``chance_accuracy`` of the watched images' labels; None when no scores are
        watched (only the weights are then).
    untrained_start : bool
        The training began from an untrained network: until an epoch scores above
        chance, ``divergence``'s third test applies.
    earlier_accuracies : sequence of float
        The watched accuracies of the epochs before this call (a resumed training's):
        if one was above chance, the run has left chance already, as it had when it
        was stopped, so it ends with the bits of a run never stopped.
    """

    def __init__(self, network: Network, optimizer: Optimizer, history: History,
                 chance: float | None, untrained_start: bool = False,
                 earlier_accuracies: Sequence[float] = ()) -> None:
        self.network, self.optimizer, self.history, self.chance = (
            network, optimizer, history, chance)
        self.never_left_chance = untrained_start and chance is not None and all(
            at_chance(accuracy, chance) for accuracy in earlier_accuracies)
        self.snapshot: list[np.ndarray] = []

    def on_epoch_begin(self, progress: loop.Progress) -> None:
        self.snapshot = self.network.get_parameters()  # the last weights known to be finite

    def on_epoch_end(self, progress: loop.Progress) -> None:
        if not all(np.isfinite(p).all() for p in self.network.parameters()):
            self.diverged("the weights became NaN or infinite", progress)

    def check_loss(self, value: float, progress: loop.Progress, what: str) -> None:
        """Stop if ``value``, a measured loss (``what``: "the loss"), is NaN or infinite."""
        if not np.isfinite(value):
            self.diverged(f"{what} became {value}", progress)

    def check_scores(self, scores: tuple[float, float] | None, progress: loop.Progress) -> None:
        """Stop if the watched (loss, accuracy) of the epoch say the run went wrong."""
        if scores is None or self.chance is None:
            return
        problem = divergence(*scores, start_loss=self.history.start_loss, chance=self.chance,
                             steps=progress.steps, never_left_chance=self.never_left_chance)
        if problem is not None:
            self.diverged(problem, progress)
        if not at_chance(scores[1], self.chance):
            self.never_left_chance = False

    def diverged(self, what_happened: str, progress: loop.Progress) -> None:
        """Put the epoch's first weights back and raise TrainingDiverged saying what happened."""
        self.network.set_parameters(self.snapshot)
        problem = (f"Training diverged in epoch {progress.epoch}: {what_happened}. "
                   f"{learning_rate_advice(self.optimizer)}")
        raise TrainingDiverged(
            f"{problem} The network keeps the weights it had at the start of that epoch.",
            problem=problem, history=self.history,
        )


__all__ = ["CHANCE_MARGIN", "DivergenceWatch", "FAIR_CHANCE_STEPS", "LOSS_CLIMB_LIMIT",
           "START_LOSS_MARGIN", "at_chance",
           "OVERSHOOT_GRACE_STEPS", "chance_accuracy", "divergence", "learning_rate_advice",
           "smaller_learning_rate"]
