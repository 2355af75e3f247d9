"""Preparing the next epoch's images ahead, on a helper thread (glassnet.training.ahead)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
import glassnet.training as training
from glassnet.core import loop
from glassnet.core.losses import get_loss
from glassnet.core.speed import Shuffler
from glassnet.training import ahead

SOURCE = str(Path(gn.__file__).resolve().parents[1])


@pytest.fixture(scope="module")
def digits():
    return gn.load_digits().split(test_fraction=0.2, seed=0)[0]


def helper_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("glassnet-inputs")]


def trained(monkeypatch, digits, inputs_of, **settings):
    """A 64-16-10 network trained with ``inputs_of`` making the epochs' images."""
    monkeypatch.setattr(training, "inputs_for", lambda **_: inputs_of)
    states: list = []
    network = gn.Network([64, 16, 10], seed=1)
    history = gn.train(network, digits, epochs=4, seed=2, checkpoint=states.append,
                       **settings)
    return network, history, states


@pytest.mark.parametrize("settings", [
    {},  # the defaults: nudges and input noise
    {"shift_pixels": 1, "nudge_pixels": 0.0, "input_noise": 0.1},
    {"input_noise": 0.3, "nudge_pixels": 0.25, "validation_fraction": 0.2},
], ids=["defaults", "shifts-and-noise", "validation"])
def test_preparing_ahead_trains_bit_for_bit_like_one_epoch_at_a_time(monkeypatch, digits,
                                                                      settings):
    """Same weights, same history, same checkpointed generator states, with or without."""
    one_by_one = trained(monkeypatch, digits, loop.EpochInputs, **settings)
    prepared_ahead = trained(monkeypatch, digits, ahead.InputsAhead, **settings)
    for a, b in zip(one_by_one[0].parameters(), prepared_ahead[0].parameters(), strict=True):
        assert np.array_equal(a, b)
    assert one_by_one[1].train_loss == prepared_ahead[1].train_loss
    assert [s.rng_state for s in one_by_one[2]] == [s.rng_state for s in prepared_ahead[2]]
    assert helper_threads() == []


def test_train_prepares_ahead_only_with_work_to_hand_over_and_a_core_for_it(monkeypatch):
    monkeypatch.setattr(ahead, "cores_available", lambda: 2)
    assert ahead.inputs_for(changes_images=True, on_one_thread=True) is ahead.InputsAhead
    assert ahead.inputs_for(changes_images=False, on_one_thread=True) is loop.EpochInputs
    # a network big enough for every core's matrix products leaves no core over
    assert ahead.inputs_for(changes_images=True, on_one_thread=False) is loop.EpochInputs
    monkeypatch.setattr(ahead, "cores_available", lambda: 1)
    assert ahead.inputs_for(changes_images=True, on_one_thread=True) is loop.EpochInputs


def test_train_asks_with_its_own_settings(monkeypatch, digits):
    """Nudges or noise count as work; the BLAS rule of training/threads.py decides the rest."""
    asked = []
    monkeypatch.setattr(training, "inputs_for",
                        lambda **how: asked.append(how) or loop.EpochInputs)
    gn.train(gn.Network([64, 8, 10]), digits, epochs=1)
    gn.train(gn.Network([64, 8, 10]), digits, epochs=1, input_noise=0.0, nudge_pixels=0.0)
    gn.train(gn.Network([64, 2048, 10]), digits, epochs=1, batch_size=128)
    assert asked == [{"changes_images": True, "on_one_thread": True},
                     {"changes_images": False, "on_one_thread": True},
                     {"changes_images": True, "on_one_thread": False}]


def test_cores_available_counts_the_cores_this_process_may_use():
    assert 1 <= ahead.cores_available() <= (os.cpu_count() or 1)


@pytest.mark.parametrize("files, cores", [
    ({"cpu.max": "150000 100000\n"}, 1),        # cgroup v2: 1.5 cores' worth
    ({"cpu.max": "400000 100000\n"}, 4),
    ({"cpu.max": "50000 100000\n"}, 1),         # half a core is still one
    ({"cpu.max": "max 100000\n"}, None),        # no limit
    ({"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2),  # v1
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"cpu.max": "garbage"}, None),
    ({}, None),                                 # no control group files at all
])
def test_a_control_groups_cpu_quota_counts_as_cores(tmp_path, files, cores):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert ahead.cgroup_cores(tmp_path) == cores


def test_a_quota_of_one_core_leaves_no_core_for_the_helper(tmp_path, monkeypatch):
    (tmp_path / "cpu.max").write_text("100000 100000\n")
    monkeypatch.setattr(ahead, "CGROUPS", tmp_path)
    assert ahead.cores_available() == 1
    assert ahead.inputs_for(changes_images=True, on_one_thread=True) is loop.EpochInputs


class FailsOnEpoch(loop.Callback):
    """Adds 1 to every image; raises while making the images of epoch ``failing``."""

    def __init__(self, failing: int) -> None:
        self.failing, self.calls = failing, 0

    def on_epoch_inputs(self, X, rng):
        self.calls += 1
        if self.calls == self.failing:
            raise MemoryError("no room for the images of this epoch")
        X += 1.0
        return X


def fit(callbacks, epochs=3, inputs_of=ahead.InputsAhead):
    network = gn.Network([4, 3, 2], seed=0)
    X = np.random.default_rng(0).random((10, 4))
    Y = network.targets([0, 1] * 5)
    return loop.fit(network, X, Y, loss=get_loss("cross_entropy"), optimizer=gn.SGD(0.1),
                    epochs=epochs, batch_size=4, rng=np.random.default_rng(0),
                    callbacks=callbacks, inputs_of=inputs_of)


def test_an_error_while_preparing_ahead_reaches_the_caller_and_the_helper_stops():
    """Epoch 2's images fail on the helper thread: the error surfaces when epoch 2 starts."""
    with pytest.raises(MemoryError, match="no room"):
        fit([FailsOnEpoch(failing=2)])
    assert helper_threads() == []


def test_the_helper_stops_when_a_step_or_callback_fails_during_an_epoch():
    class FailsAtTheEnd(loop.Callback):
        def on_epoch_end(self, progress):
            raise RuntimeError("the loss became nan")

    with pytest.raises(RuntimeError, match="the loss became nan"):
        fit([FailsOnEpoch(failing=0), FailsAtTheEnd()])
    assert helper_threads() == []


def test_a_stopped_run_leaves_the_prepared_epoch_unused():
    """Stopping after epoch 1 discards epoch 2's images; the generator never moved for them."""
    class StopsAfterTheFirst(loop.Callback):
        def on_epoch_end(self, progress):
            progress.stop("enough")

    images = FailsOnEpoch(failing=0)
    progress = fit([images, StopsAfterTheFirst()], epochs=5)
    assert progress.epoch == 1 and progress.stop_reason == "enough"
    assert images.calls == 2  # epoch 1's images, and epoch 2's prepared ahead
    assert helper_threads() == []


def test_the_shuffler_takes_turns_between_its_buffers():
    """With two buffers, the next epoch's copy never overwrites the one in use."""
    X, Y = np.arange(12.0).reshape(6, 2), np.eye(6)
    shuffle = Shuffler(X, Y, buffers=2)
    first, _ = shuffle(np.arange(6)[::-1])
    kept = first.copy()
    second, _ = shuffle(np.arange(6))
    assert not np.shares_memory(first, second)
    np.testing.assert_array_equal(first, kept)
    np.testing.assert_array_equal(second, X)
    third, _ = shuffle(np.arange(6))
    assert np.shares_memory(third, first)


def test_the_helper_keeps_the_callers_numpy_error_settings():
    """np.errstate holds on the helper thread too: train's "ignore overflow" covers nudges."""
    class Overflows(loop.Callback):
        def on_epoch_inputs(self, X, rng):
            X *= np.float64(1e308) * 10  # overflows to inf
            X[...] = 0.0
            return X

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would be an exception
        with np.errstate(over="ignore"):
            fit([Overflows()], epochs=3)
    assert helper_threads() == []


def test_training_in_a_thread_that_outlives_the_main_thread_finishes(tmp_path):
    """The main thread ends while a training thread prepares epochs ahead: all epochs run."""
    script = tmp_path / "outlive.py"
    script.write_text(
        "import threading\n"
        "import glassnet as gn\n"
        "data = gn.load_digits()\n"
        "def work():\n"
        "    history = gn.train(gn.Network([64, 8, 10]), data, epochs=40)\n"
        "    print('epochs', history.epochs)\n"
        "threading.Thread(target=work).start()\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": SOURCE})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["epochs", "40"]
