"""Your own callbacks: ``train(..., callbacks=[...])``, called after every epoch.

A callback is any function ``callback(history, network)``; it sees the History so
far and the network with the weights the optimizer walks on, and returning False
stops training (``stop_reason`` "callback"). The command line's progress bar, the
explorer's live training and the scikit-learn estimator's stopping rule are all
such callbacks. (The loop's own hooks, for the extras of training, are
``glassnet.core.loop.Callback``.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..core import loop
from ..core.network import Network
from .history import History

#: A callback is called after every epoch with the history so far and the network.
#: Returning False stops training (``stop_reason`` "callback").
Callback = Callable[[History, Network], "bool | None"]


class CallYourCallbacks(loop.Callback):
    """Calls each of ``callbacks`` after every epoch, until one returns False.

    None are called after an epoch that already stops the training (Ctrl-C).
    """

    def __init__(self, callbacks: Sequence[Callback], history: History,
                 network: Network) -> None:
        self.callbacks, self.history, self.network = list(callbacks), history, network

    def on_epoch_end(self, progress: loop.Progress) -> None:
        if progress.stop_reason is None and any(
            callback(self.history, self.network) is False for callback in self.callbacks
        ):
            progress.stop("callback")


__all__ = ["Callback", "CallYourCallbacks"]
