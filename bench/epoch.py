"""glassnet's epoch against the floor set by its matrix products.

An epoch of a 64-100-10 network (float32, batches of 128, the 1437 training images
of the first split) does five matrix products per step: two forward, three backward.
NumPy cannot do the epoch faster than those products alone, so their time, measured
in the same run with the same step shapes and the same single BLAS thread that
training uses, is the floor. glassnet's epoch is what ``train`` reports in
``History.seconds``, measured twice: as a training epoch (``score_training=False``:
the shuffle and every step) and with the end-of-epoch loss and accuracy on the
training images that ``train`` measures by default, one more forward pass over them.
"""

from __future__ import annotations

import time

import numpy as np

from .protocol import Split, median

HIDDEN = 100
BATCH_SIZE = 128
EPOCHS_PER_RUN = 6


def glassnet_epoch(X: np.ndarray, y: np.ndarray, score_training: bool = False) -> float:
    """Median epoch time of one ``train`` run (the first epoch left out)."""
    import glassnet as gn

    network = gn.Network([X.shape[1], HIDDEN, 10], dtype=np.float32)
    history = gn.train(
        network, (X, y), optimizer=gn.Adam(learning_rate=0.001), epochs=EPOCHS_PER_RUN,
        batch_size=BATCH_SIZE, validation_fraction=0.0, input_noise=0.0, average_from=None,
        score_training=score_training,
    )
    return median(history.seconds[1:])


def glassnet_steps(X: np.ndarray, y: np.ndarray) -> float:
    """Median time of the same epoch's steps alone (``gradients`` + ``Adam.step``)."""
    from threadpoolctl import threadpool_limits

    import glassnet as gn

    network = gn.Network([X.shape[1], HIDDEN, 10], dtype=np.float32)
    optimizer, loss = gn.Adam(learning_rate=0.001), gn.get_loss("cross_entropy")
    parameters = network.parameters()
    X, Y = network.check_inputs(X), network.targets(y)
    batches = [(X[start:start + BATCH_SIZE], Y[start:start + BATCH_SIZE])
               for start in range(0, len(X), BATCH_SIZE)]
    with threadpool_limits(limits=1, user_api="blas"):
        times = []
        for _ in range(EPOCHS_PER_RUN):
            started = time.perf_counter()
            for X_batch, Y_batch in batches:
                gradients = network.gradients(X_batch, Y_batch, loss)
                optimizer.step(parameters, gradients)
            times.append(time.perf_counter() - started)
    return median(times)


def gemm_epoch(X: np.ndarray) -> float:
    """The same epoch's five matrix products per step, and nothing else (one BLAS thread)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((X.shape[1], HIDDEN), dtype=np.float32)
    W2 = rng.standard_normal((HIDDEN, 10), dtype=np.float32)
    X = X.astype(np.float32)
    batches = [X[start:start + BATCH_SIZE] for start in range(0, len(X), BATCH_SIZE)]
    deltas = [rng.standard_normal((len(b), 10), dtype=np.float32) for b in batches]
    hidden_deltas = [rng.standard_normal((len(b), HIDDEN), dtype=np.float32) for b in batches]
    with threadpool_limits(limits=1, user_api="blas"):
        times = []
        for _ in range(EPOCHS_PER_RUN):
            started = time.perf_counter()
            for batch, delta, hidden_delta in zip(batches, deltas, hidden_deltas, strict=True):
                hidden = batch @ W1  # forward
                hidden @ W2
                hidden.T @ delta  # backward: output weights' slopes,
                delta @ W2.T  # the slope sent back to the hidden layer,
                batch.T @ hidden_delta  # the hidden weights' slopes
            times.append(time.perf_counter() - started)
    return median(times)


def measure(split: Split, rounds: int = 5) -> dict:
    """Median epoch time of glassnet and of its matrix products, measured in turns."""
    glassnet_times, scored_times, step_times, gemm_times = [], [], [], []
    for _ in range(rounds):
        glassnet_times.append(glassnet_epoch(split.X_train, split.y_train))
        scored_times.append(glassnet_epoch(split.X_train, split.y_train, score_training=True))
        step_times.append(glassnet_steps(split.X_train, split.y_train))
        gemm_times.append(gemm_epoch(split.X_train))
    floor = median(gemm_times)
    return {
        "glassnet_epoch_seconds": median(glassnet_times),
        "glassnet_scored_epoch_seconds": median(scored_times),
        "glassnet_steps_seconds": median(step_times),
        "gemm_epoch_seconds": floor,
        "steps_ratio": median(step_times) / floor,
        "scored_ratio": median(scored_times) / floor,
        "ratio": median(glassnet_times) / floor,
        "steps_per_epoch": -(-len(split.X_train) // BATCH_SIZE),
        "rounds": rounds,
    }
