"""One epoch of an MNIST-sized problem: 60000 images of 784 pixels, a 784-128-10 network.

The images are synthetic (no download): ten random 20x20 patterns, one per class,
each image its class pattern plus noise, dimmed pixels set to 0, and a 4-pixel
border that is always 0, like MNIST's. The always-white border matters: the weights
of those pixels get a slope of exactly 0, so Adam's running averages for them shrink
every step and, without glassnet's flush to 0, sink into slow subnormal numbers
after the first epoch. The run therefore also compares later epochs (third on) with
the second, the first whose memory is warm.

Contenders: glassnet (float32, Adam 0.001, batches of 128), PyTorch CPU with the same
network and settings (one thread, and its default thread count), and scikit-learn's
MLPClassifier doing one epoch with ``partial_fit``.
"""

from __future__ import annotations

import os
import time
import warnings

import numpy as np

from .protocol import median

SIZE, SIDE, BORDER, HIDDEN, BATCH_SIZE, LEARNING_RATE = 60_000, 28, 4, 128, 128, 0.001
#: Epochs per run: the first pays for warming up (fresh memory, first calls), so the
#: comparison uses the epochs after it.
EPOCHS_PER_RUN = 3


def synthetic_mnist(n: int = SIZE, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """X (n, 784) float32 in 0..1 with an always-0 border, y (n,) ints 0..9."""
    rng = np.random.default_rng(seed)
    inner = SIDE - 2 * BORDER
    patterns = rng.random((10, inner * inner), dtype=np.float32)
    y = rng.integers(0, 10, size=n)
    centre = patterns[y]
    centre += 0.4 * rng.standard_normal(centre.shape, dtype=np.float32)
    centre[centre < 0.5] = 0.0
    np.clip(centre, 0.0, 1.0, out=centre)
    X = np.zeros((n, SIDE, SIDE), dtype=np.float32)
    X[:, BORDER:SIDE - BORDER, BORDER:SIDE - BORDER] = centre.reshape(n, inner, inner)
    return X.reshape(n, SIDE * SIDE), y


def glassnet_epochs(X, y, epochs: int) -> list[float]:
    """Each epoch's seconds in one ``train`` run (History.seconds)."""
    import glassnet as gn

    network = gn.Network([X.shape[1], HIDDEN, 10], dtype=np.float32)
    history = gn.train(
        network, (X, y), optimizer=gn.Adam(learning_rate=LEARNING_RATE), epochs=epochs,
        batch_size=BATCH_SIZE, validation_fraction=0.0, input_noise=0.0, nudge_pixels=0.0,
        average_from=None,
    )
    return list(history.seconds)


def torch_epochs(X, y, threads: int, epochs: int) -> list[float]:
    """Each epoch's seconds of the usual hand-written PyTorch loop (no DataLoader)."""
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], HIDDEN), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    inputs, labels = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    seconds = []
    for _ in range(epochs):
        started = time.perf_counter()
        order = torch.randperm(len(inputs))
        for start in range(0, len(inputs), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            optimizer.zero_grad()
            loss_fn(model(inputs[batch]), labels[batch]).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - started)
    return seconds


def sklearn_epochs(X, y, epochs: int) -> list[float]:
    """Each epoch's seconds of MLPClassifier.partial_fit (one pass over the data per call)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), batch_size=BATCH_SIZE,
                          learning_rate_init=LEARNING_RATE, random_state=0)
    seconds = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(epochs):
            started = time.perf_counter()
            model.partial_fit(X, y, classes=np.arange(10))
            seconds.append(time.perf_counter() - started)
    return seconds


def measure(rounds: int = 2, subnormal_epochs: int = 6, without_flush: bool = True) -> dict:
    """Epoch times of every contender in turns, then glassnet's later epochs vs its second.

    Each contender runs ``EPOCHS_PER_RUN`` epochs per turn; the median of the epochs after
    the first is compared (the first epochs are reported apart).
    """
    import torch

    from glassnet.core import speed

    X, y = synthetic_mnist()
    # PyTorch's own default is one thread per core (earlier sections may have changed it).
    default_threads = os.cpu_count() or 1
    threads_before = torch.get_num_threads()
    runs = {
        "glassnet": lambda: glassnet_epochs(X, y, EPOCHS_PER_RUN),
        "pytorch (1 thread)": lambda: torch_epochs(X, y, 1, EPOCHS_PER_RUN),
        f"pytorch ({default_threads} threads)":
            lambda: torch_epochs(X, y, default_threads, EPOCHS_PER_RUN),
        "sklearn partial_fit": lambda: sklearn_epochs(X, y, EPOCHS_PER_RUN),
    }
    first: dict[str, list[float]] = {name: [] for name in runs}
    later: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            seconds = run()
            first[name].append(seconds[0])
            later[name].extend(seconds[1:])
    torch.set_num_threads(threads_before)
    result = {"epoch_seconds": {name: median(values) for name, values in later.items()},
              "first_epoch_seconds": {name: median(values) for name, values in first.items()},
              "rounds": rounds}

    epochs = glassnet_epochs(X, y, subnormal_epochs)
    result["glassnet_epochs"] = epochs
    result["later_over_first"] = median(epochs[2:]) / epochs[1]
    if without_flush:
        saved = speed.FLUSH_EVERY
        speed.FLUSH_EVERY = 10**12  # never flush: what the epochs cost without it
        try:
            unflushed = glassnet_epochs(X, y, subnormal_epochs)
        finally:
            speed.FLUSH_EVERY = saved
        result["glassnet_epochs_without_flush"] = unflushed
        result["later_over_first_without_flush"] = median(unflushed[2:]) / unflushed[1]
    return result
