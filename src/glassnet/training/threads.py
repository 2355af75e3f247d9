"""How many threads a training's matrix products get: one for small ones.

A speed detail of training, not part of its math: see ``matrix_threads``.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from ..core.network import Network

#: Matrix products of fewer multiply-adds than this run on one BLAS thread in training.
#: Measured on two cores: a batch of 128 through a 784 x 128 layer (12.8 million) is
#: 1.5x faster on both cores when the other is idle; the digits' products are not. The
#: ``best`` recipe's largest (a batch of 64 through a 256 x 256 layer, 4.2 million)
#: was no faster on two threads on an idle machine, and on a busy one its 30 epochs
#: took 30 to 40 s on two threads against 0.7 to 1.7 s on one.
ONE_THREAD_BELOW = 10_000_000


def matrix_threads(network: Network, batch_size: int) -> contextlib.AbstractContextManager:
    """Run small matrix products on one thread while training; leave big ones alone.

    NumPy hands matrix products to a BLAS library that splits a big product over every
    core. For the small products of a small network (a batch of 64 images times a
    64 x 32 weight matrix) handing out the work costs more than the work itself, and on
    a machine whose other cores are busy a second thread waits for a core and can make
    each product ten times slower. One thread is never slower at these sizes, so
    training uses one whenever a step's largest product (a batch times the biggest
    weight matrix) is below ``ONE_THREAD_BELOW`` multiply-adds; bigger products (an
    MNIST-sized network) get every core. threadpoolctl, which sets the thread count of
    whichever BLAS NumPy uses, is imported only here.
    """
    if not on_one_thread(network, batch_size):
        return contextlib.nullcontext()
    return _thread_controller().limit(limits=1, user_api="blas")


def on_one_thread(network: Network, batch_size: int) -> bool:
    """Whether training runs its matrix products on one thread (``matrix_threads``' rule)."""
    return batch_size * max(layer.W.size for layer in network.layers) < ONE_THREAD_BELOW


@functools.cache
def _thread_controller() -> Any:
    """threadpoolctl's view of the loaded thread pools, found once (it takes a millisecond)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


__all__ = ["ONE_THREAD_BELOW", "matrix_threads", "on_one_thread"]
