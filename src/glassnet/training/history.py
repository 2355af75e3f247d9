"""The History of a training: what happened, epoch by epoch, and the settings it ran with."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class History:
    """What happened during training, one entry per epoch.

    Attributes
    ----------
    train_loss, train_accuracy : list of float
        Measured on the training images (without the validation part) after each epoch;
        on more than ``SCORED_IMAGES`` of them, on every k-th image (see
        ``glassnet.training.scores``). Empty when ``train`` ran with
        ``score_training=False``.
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
        with ``score_training=False``; see ``glassnet.training.divergence``). None
        when neither is scored.
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

    def copy(self) -> History:
        """An independent copy (its lists and config are not shared)."""
        return History.from_dict(self.to_dict())


__all__ = ["History"]
