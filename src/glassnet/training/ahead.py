"""The next epoch's images, prepared on a second core while this epoch's steps run.

A speed detail of training, not part of its math. Nudging and noising 1,437 digits
takes about 1.4 ms an epoch, about as long as the epoch's 23 steps of a 64-32-10
network: half of a default training. None of it depends on the steps, only on the
images and the random generator, and the steps never draw from the generator. So
while epoch e steps on one core, a helper thread makes epoch e + 1's images on the
other.

The results are bit for bit those of preparing each epoch in turn. The helper draws
from a copy of the generator, positioned where the loop's own generator stands after
epoch e's draws; the loop's generator takes the copy's position only when it takes
epoch e + 1's images. Until then the generator is exactly where it would be without
the helper, so a checkpoint at the end of epoch e saves the same state, and a run
that stops after epoch e leaves the images it did not use behind. The helper runs
in a copy of the caller's context, so NumPy's error settings (``np.errstate``) hold
there too. NumPy does its arithmetic and its random numbers without holding Python's
global lock, so the two threads really run at once.
"""

from __future__ import annotations

import contextvars
import copy
import os
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..core.loop import Callback, EpochInputs

Array = NDArray[np.floating]

#: Where Linux shows this process's control group, whose limits ``cgroup_cores`` reads.
CGROUPS = Path("/sys/fs/cgroup")


class InputsAhead(EpochInputs):
    """``EpochInputs`` whose next epoch is prepared by a helper thread (see the module).

    The shuffled copies take turns between two buffers: the helper writes epoch e +
    1's while the steps read epoch e's. One helper thread serves the whole training:
    it is started at the first ``prepare_next`` and stopped by ``close``.
    """

    def __init__(self, X: Array, Y: Array, callbacks: Sequence[Callback]) -> None:
        super().__init__(X, Y, callbacks, buffers=2)
        self.jobs: queue.SimpleQueue[Prepared | None] = queue.SimpleQueue()
        self.helper: threading.Thread | None = None
        self.next: Prepared | None = None  # the next epoch's images, being made

    def of_epoch(self, rng: np.random.Generator) -> tuple[Array, Array]:
        if self.next is None:
            return super().of_epoch(rng)
        prepared, self.next = self.next, None
        X_epoch, Y_epoch = prepared.result()  # re-raises the helper's error, if any
        rng.bit_generator.state = prepared.rng.bit_generator.state  # as if rng drew them
        return X_epoch, Y_epoch

    def prepare_next(self, rng: np.random.Generator) -> None:
        if self.helper is None:
            helper = threading.Thread(target=self._serve, name="glassnet-inputs", daemon=True)
            try:
                helper.start()
            except RuntimeError:  # no new threads while Python shuts down: make it in turn
                return
            self.helper = helper
        self.next = Prepared(super().of_epoch, copy.deepcopy(rng))  # rng in the same place
        self.jobs.put(self.next)

    def _serve(self) -> None:
        """The helper thread: make each epoch asked for, until told to stop (None)."""
        while (prepared := self.jobs.get()) is not None:
            prepared.make_images()

    def close(self) -> None:
        """Let the helper finish what it is making (it writes into the buffers) and stop."""
        if self.helper is not None:
            self.jobs.put(None)
            self.helper.join()
            self.helper = None
        self.next = None


class Prepared:
    """One epoch's images, to be made by ``make(rng)`` on the helper thread.

    They are made in a copy of the training thread's context (``contextvars``), where
    NumPy keeps its ``errstate``. ``result()`` waits for them, or raises what making
    them raised.
    """

    def __init__(self, make: Callable[[np.random.Generator], tuple[Array, Array]],
                 rng: np.random.Generator) -> None:
        self.make, self.rng, self.context = make, rng, contextvars.copy_context()
        self.images: tuple[Array, Array] | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()

    def make_images(self) -> None:
        try:
            self.images = self.context.run(self.make, self.rng)
        except BaseException as error:  # handed to the training thread by result()
            self.error = error
        finally:
            self.done.set()

    def result(self) -> tuple[Array, Array]:
        self.done.wait()
        if self.error is not None:
            raise self.error
        assert self.images is not None
        return self.images


def cores_available() -> int:
    """How many cores this process may keep busy: not the machine's count, but the
    cores it may run on (its CPU affinity) and, in a container, the CPU time its
    control group may use (``cgroup_cores``), whichever is fewer."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cores = os.cpu_count() or 1
    quota = cgroup_cores()
    return cores if quota is None else min(cores, quota)


def cgroup_cores(cgroups: Path | None = None) -> int | None:
    """The whole cores' worth of CPU time the control group may use, or None: no limit.

    A container given "1.5 CPUs" may run on every core but only for 1.5 cores' worth
    of time in each period; a helper thread beyond the first core's worth would wait
    for its turn and slow the steps down. Linux says so in ``cpu.max`` ("150000
    100000": quota and period in microseconds; "max" for none) under cgroup v2, or in
    ``cpu/cpu.cfs_quota_us`` (-1 for none) and ``cpu/cpu.cfs_period_us`` under v1.
    Anything missing or unreadable counts as no limit. At least 1. ``cgroups``:
    where to look, default ``CGROUPS``.
    """
    cgroups = CGROUPS if cgroups is None else cgroups
    try:
        quota, period = (cgroups / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota = (cgroups / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroups / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:  # "max"
        return None
    if quota_us <= 0 or period_us <= 0:
        return None
    return max(1, quota_us // period_us)


def inputs_for(changes_images: bool, on_one_thread: bool) -> type[EpochInputs]:
    """Prepare ahead only when there is work to hand over and a core to hand it to.

    Without noise, nudges or shifts an epoch's images are one shuffled copy, too
    little to be worth a thread. ``on_one_thread`` says whether the training's matrix
    products run on one thread (``threads.on_one_thread``); when they spread over
    every core (a network as big as MNIST's) no core is left over. The price is
    memory: a second shuffled copy of the training images (1 MB for the digits).
    """
    if changes_images and on_one_thread and cores_available() >= 2:
        return InputsAhead
    return EpochInputs


__all__ = ["InputsAhead", "Prepared", "cgroup_cores", "cores_available", "inputs_for"]
