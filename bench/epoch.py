"""glassnet's epoch against the floor set by its matrix products.

An epoch of a 64-100-10 network (float32, batches of 128, the 1437 training images
of the first split) does five matrix products per step: two forward, three backward.
NumPy cannot do the epoch faster than those products alone, so their time, measured
in the same run with the same step shapes and the same single BLAS thread that
training uses, is the floor. glassnet's epoch is what ``train`` reports in
``History.seconds``, measured twice: as a training epoch (``score_training=False``:
the shuffle and every step) and with the end-of-epoch loss and accuracy on the
training images that ``train`` measures by default, one more forward pass over them.

Two more lines put the ratio in context. The same training epoch with SGD and
momentum, glassnet's default optimizer, whose update is 4 NumPy calls to Adam's 12.
And the leanest epoch we could write with NumPy at all (``lean_numpy_epoch``): every
array allocated once, the biases folded into the weight matrices, no checks, the same
Adam: how close to the products any NumPy code gets at these sizes.

Last, the same work in both libraries (``same_work``): issue 20's side-by-side epoch
of glassnet and scikit-learn's ``MLPClassifier`` on 64-100-10 with Adam 0.001 and
batches of 200, nothing else switched on, both handed the very same arrays, once in
float64 and once in float32. Beside the float32 pair, in the same turns, the same
work's floor (``same_work_floor``): glassnet's steps alone, and the leanest NumPy
epoch at batches of 200.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from .protocol import Split, alternate, median

HIDDEN = 100
BATCH_SIZE = 128
EPOCHS_PER_RUN = 20

#: Issue 20's "same work per epoch": what both libraries are asked to train.
SAME_WORK_BATCH_SIZE = 200
SAME_WORK_LEARNING_RATE = 0.001
#: Epochs per timed fit: the per-fit set-up (checks, first weights) is shared out over
#: them, as it is in a real training of many epochs.
SAME_WORK_EPOCHS = 10
SAME_WORK_DTYPES = ("float64", "float32")


def glassnet_epoch(X: np.ndarray, y: np.ndarray, score_training: bool = False,
                   optimizer: str = "adam") -> float:
    """Median epoch time of one ``train`` run (the first epoch left out)."""
    import glassnet as gn

    network = gn.Network([X.shape[1], HIDDEN, 10], dtype=np.float32)
    chosen = (gn.Adam(learning_rate=0.001) if optimizer == "adam"
              else gn.SGD(learning_rate=0.1, momentum=0.9))
    history = gn.train(
        network, (X, y), optimizer=chosen, epochs=EPOCHS_PER_RUN,
        batch_size=BATCH_SIZE, validation_fraction=0.0, input_noise=0.0, nudge_pixels=0.0,
        average_from=None,
        score_training=score_training,
    )
    return median(history.seconds[1:])


def glassnet_steps(X: np.ndarray, y: np.ndarray, batch_size: int = BATCH_SIZE,
                   epochs: int = EPOCHS_PER_RUN) -> float:
    """Median time of the same epoch's steps alone (``core/loop.step``, with Adam).

    Each step is the one ``train`` takes (the forward and backward passes on a trusted
    batch, then ``Adam.step``), but the batches are cut once, unshuffled, and nothing
    of ``train`` runs around them: what glassnet's math costs an epoch, without the
    training around it.
    """
    from threadpoolctl import threadpool_limits

    import glassnet as gn
    from glassnet.core.loop import step

    network = gn.Network([X.shape[1], HIDDEN, 10], dtype=np.float32)
    optimizer, loss = gn.Adam(learning_rate=0.001), gn.get_loss("cross_entropy")
    parameters = network.parameters()
    X, Y = network.check_inputs(X), network.targets(y)
    batches = [(X[start:start + batch_size], Y[start:start + batch_size])
               for start in range(0, len(X), batch_size)]
    with threadpool_limits(limits=1, user_api="blas"):
        times = []
        for _ in range(epochs):
            started = time.perf_counter()
            for X_batch, Y_batch in batches:
                step(network, parameters, optimizer, X_batch, Y_batch, loss, l2=0.0)
            times.append(time.perf_counter() - started)
    return median(times)


def lean_numpy_epoch(X: np.ndarray, y: np.ndarray) -> float:
    """Median epoch time of ``lean_numpy_training`` (the first epoch left out)."""
    times, _ = lean_numpy_training(X, y, EPOCHS_PER_RUN)
    return median(times[1:])


def lean_numpy_training(X: np.ndarray, y: np.ndarray, epochs: int,
                        batch_size: int = BATCH_SIZE) -> tuple[list[float], tuple]:
    """The leanest NumPy training we could write, doing the work of glassnet's epoch.

    Returns every epoch's time and the trained ``(W1, W2)``, each bias the last row.

    Same network, batches, shuffle and Adam, but no readability kept: every array is
    allocated once and written with ``out=``; each layer's bias is the last row of its
    weight matrix, fed by a column of ones next to the inputs (so no bias additions and
    no bias slopes of their own); no checks, no divergence watch, no history.
    """
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    n, n_in, n_out = len(X), X.shape[1], 10
    X = X.astype(np.float32)
    Y = np.zeros((n, n_out), dtype=np.float32)
    Y[np.arange(n), y] = 1.0
    sizes = [(n_in + 1) * HIDDEN, (HIDDEN + 1) * n_out]
    weights, slopes = np.zeros(sum(sizes), np.float32), np.zeros(sum(sizes), np.float32)
    W1, W2 = weights[:sizes[0]].reshape(n_in + 1, HIDDEN), weights[sizes[0]:].reshape(-1, n_out)
    G1, G2 = slopes[:sizes[0]].reshape(n_in + 1, HIDDEN), slopes[sizes[0]:].reshape(-1, n_out)
    W1[:n_in] = rng.standard_normal((n_in, HIDDEN)) * np.sqrt(2 / n_in)
    W2[:HIDDEN] = rng.standard_normal((HIDDEN, n_out)) * np.sqrt(2 / HIDDEN)
    m, v, scratch = (np.zeros_like(weights) for _ in range(3))
    X_epoch = np.ones((n, n_in + 1), np.float32)  # inputs, then a column of ones
    Y_epoch = np.empty_like(Y)

    def buffers(b: int) -> tuple:
        hidden = np.ones((b, HIDDEN + 1), np.float32)  # hidden values, then a column of ones
        return (np.empty((b, HIDDEN), np.float32), hidden, np.empty((b, n_out), np.float32),
                np.empty((n_out, b), np.float32), np.empty(b, np.float32),
                np.empty((b, HIDDEN), np.float32), np.empty((b, HIDDEN), bool),
                np.zeros((b, HIDDEN), np.float32), np.ones(n_out, np.float32))

    by_size = {}
    t = 0
    times = []
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(epochs):
            started = time.perf_counter()
            order = rng.permutation(n)
            np.take(X, order, axis=0, out=X_epoch[:, :n_in], mode="clip")
            np.take(Y, order, axis=0, out=Y_epoch, mode="clip")
            for start in range(0, n, batch_size):
                x, target = X_epoch[start:start + batch_size], Y_epoch[start:start + batch_size]
                b = len(x)
                if b not in by_size:
                    by_size[b] = buffers(b)
                z1, hidden, z2, z2_t, row, back, fired, zeros, ones = by_size[b]
                np.matmul(x, W1, out=z1)
                np.maximum(z1, zeros, out=z1)
                hidden[:, :HIDDEN] = z1
                np.matmul(hidden, W2, out=z2)
                np.copyto(z2_t, z2.T)  # softmax, then (softmax - target) / b
                np.maximum.reduce(z2_t, axis=0, out=row)
                z2 -= row[:, None]
                np.exp(z2, out=z2)
                np.matmul(z2, ones, out=row)
                row *= b
                z2 /= row[:, None]
                # The softmax's transposed copy is free again: it holds target / b.
                np.multiply(target, 1.0 / b, out=z2_t.T)
                z2 -= z2_t.T
                np.matmul(hidden.T, z2, out=G2)
                np.matmul(z2, W2[:HIDDEN].T, out=back)
                np.greater(z1, 0.0, out=fired)
                back *= fired
                np.matmul(x.T, back, out=G1)
                t += 1
                correction = (1 - 0.999**t) ** 0.5
                rate, eps = 0.001 * correction / (1 - 0.9**t), 1e-8 * correction
                np.subtract(slopes, m, out=scratch)
                scratch *= 0.1
                m += scratch
                np.multiply(slopes, slopes, out=scratch)
                scratch -= v
                scratch *= 0.001
                v += scratch
                np.sqrt(v, out=scratch)
                scratch += eps
                np.divide(m, scratch, out=scratch)
                scratch *= -rate
                weights += scratch
            times.append(time.perf_counter() - started)
    return times, (W1, W2)


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


def same_work_glassnet(X: np.ndarray, y: np.ndarray, epochs: int = SAME_WORK_EPOCHS) -> float:
    """Seconds per epoch of one glassnet ``train`` of ``epochs`` epochs (wall time / epochs).

    64-100-10 in X's dtype, Adam 0.001, batches of 200, and every extra switched off:
    no nudges, no input noise, no weight averaging, no validation split, no training score. The
    network is built before the clock starts; ``train``'s own checks are inside it.
    """
    from threadpoolctl import threadpool_limits

    import glassnet as gn

    network = gn.Network([X.shape[1], HIDDEN, 10], dtype=X.dtype, seed=0)
    with threadpool_limits(limits=1, user_api="blas"):
        started = time.perf_counter()
        gn.train(network, (X, y), optimizer=gn.Adam(learning_rate=SAME_WORK_LEARNING_RATE),
                 epochs=epochs, batch_size=SAME_WORK_BATCH_SIZE, validation_fraction=0.0,
                 input_noise=0.0, nudge_pixels=0.0, average_from=None, score_training=False,
                 seed=0)
        return (time.perf_counter() - started) / epochs


def same_work_sklearn_model(epochs: int) -> object:
    """scikit-learn's ``MLPClassifier`` set to do exactly glassnet's work for ``epochs``.

    ``alpha=0`` (no L2 penalty, glassnet has none here); ``tol=0`` and an endless
    ``n_iter_no_change`` so that it never stops early: every fit runs ``epochs`` epochs.
    """
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(hidden_layer_sizes=(HIDDEN,), solver="adam",
                         learning_rate_init=SAME_WORK_LEARNING_RATE,
                         batch_size=SAME_WORK_BATCH_SIZE, alpha=0.0, max_iter=epochs,
                         shuffle=True, tol=0.0, n_iter_no_change=10**9, random_state=0)


def same_work_sklearn(X: np.ndarray, y: np.ndarray, epochs: int = SAME_WORK_EPOCHS) -> float:
    """Seconds per epoch of one scikit-learn fit of ``epochs`` epochs (wall time / epochs)."""
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    model = same_work_sklearn_model(epochs)
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached, on purpose
        started = time.perf_counter()
        model.fit(X, y)
        return (time.perf_counter() - started) / epochs


def same_work_floor(X: np.ndarray, y: np.ndarray, epochs: int = SAME_WORK_EPOCHS) -> dict:
    """Where a float32 epoch of the same work goes: two more timings, in seconds per epoch.

    ``glassnet_steps``: glassnet's forward and backward passes and Adam's update alone,
    over batches of 200 cut once (no shuffle, nothing of ``train`` around them).
    ``lean_numpy``: the mean epoch of ``lean_numpy_training`` at batches of 200, the
    leanest NumPy code we could write for the same work (shuffled, every array made
    once, biases folded in, no checks): as close to the matrix products as NumPy gets.
    """
    return {"glassnet_steps": lambda: glassnet_steps(X, y, SAME_WORK_BATCH_SIZE, epochs),
            "lean_numpy": lambda: float(np.mean(
                lean_numpy_training(X, y, epochs, SAME_WORK_BATCH_SIZE)[0]))}


def sklearn_training_dtype(X: np.ndarray, y: np.ndarray) -> str:
    """The dtype scikit-learn keeps its weights in when given X (it may convert)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return str(same_work_sklearn_model(1).fit(X, y).coefs_[0].dtype)


def same_work(X: np.ndarray, y: np.ndarray, rounds: int = 5,
              epochs: int = SAME_WORK_EPOCHS) -> dict:
    """glassnet's and scikit-learn's epoch on the same work, per dtype, in turns.

    Both get the same arrays: X cast once to each dtype in ``SAME_WORK_DTYPES``.
    Each pair is warmed up once (first calls, imports), then timed ``rounds`` times,
    glassnet and scikit-learn taking turns, on one BLAS thread; medians are kept.
    Returns ``pairs``: per dtype the two epochs in seconds, their ratio (glassnet /
    scikit-learn) and the dtype scikit-learn trained in; for float32 also the epoch
    of glassnet's steps alone and of the leanest NumPy code (``same_work_floor``),
    timed in the same turns; and how it was measured.
    """
    pairs: dict[str, dict] = {}
    for dtype in SAME_WORK_DTYPES:
        inputs = np.ascontiguousarray(X, dtype=dtype)
        floor = same_work_floor(inputs, y, epochs) if dtype == "float32" else {}
        pair = {
            "glassnet": lambda inputs=inputs: same_work_glassnet(inputs, y, epochs),
            "scikit-learn": lambda inputs=inputs: same_work_sklearn(inputs, y, epochs),
            **floor,
        }
        for function in pair.values():
            function()  # warm up
        times = alternate(pair, rounds)
        ours, theirs = median(times["glassnet"]), median(times["scikit-learn"])
        pairs[dtype] = {"glassnet_epoch_seconds": ours, "sklearn_epoch_seconds": theirs,
                        "ratio": ours / theirs, "sklearn_dtype": sklearn_training_dtype(inputs, y),
                        **{f"{name}_epoch_seconds": median(times[name]) for name in floor}}
    # scikit-learn's own description of the model (the settings it was given that
    # differ from its defaults), for the page.
    sklearn_model = " ".join(repr(same_work_sklearn_model(epochs)).split())
    return {"pairs": pairs, "rounds": rounds, "epochs_per_fit": epochs, "n_images": len(X),
            "sklearn_model": sklearn_model}


def measure(split: Split, rounds: int = 5) -> dict:
    """Median epoch time of glassnet and of its matrix products, measured in turns."""
    glassnet_times, scored_times, step_times, gemm_times = [], [], [], []
    sgd_times, lean_times = [], []
    for _ in range(rounds):
        glassnet_times.append(glassnet_epoch(split.X_train, split.y_train))
        scored_times.append(glassnet_epoch(split.X_train, split.y_train, score_training=True))
        sgd_times.append(glassnet_epoch(split.X_train, split.y_train, optimizer="sgd"))
        step_times.append(glassnet_steps(split.X_train, split.y_train))
        lean_times.append(lean_numpy_epoch(split.X_train, split.y_train))
        gemm_times.append(gemm_epoch(split.X_train))
    floor = median(gemm_times)
    return {
        "glassnet_epoch_seconds": median(glassnet_times),
        "glassnet_scored_epoch_seconds": median(scored_times),
        "glassnet_sgd_epoch_seconds": median(sgd_times),
        "glassnet_steps_seconds": median(step_times),
        "lean_numpy_epoch_seconds": median(lean_times),
        "gemm_epoch_seconds": floor,
        "steps_ratio": median(step_times) / floor,
        "scored_ratio": median(scored_times) / floor,
        "sgd_ratio": median(sgd_times) / floor,
        "lean_ratio": median(lean_times) / floor,
        "ratio": median(glassnet_times) / floor,
        "steps_per_epoch": -(-len(split.X_train) // BATCH_SIZE),
        "rounds": rounds,
    }
