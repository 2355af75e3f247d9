"""The network: layers of neurons joined by weighted connections.

A feedforward network is a stack of *dense* layers. Every neuron of a layer is
connected to every neuron of the layer before it, and every connection has its own
weight (a neuron has nothing of its own but a bias). Layer by layer, for a batch:

    z = a_prev @ W + b        the weighted sums       (n, n_out)
    a = f(z)                  the activations         (n, n_out)

with ``a_prev`` the previous layer's values (n, n_in), for the first layer the 64
pixels of each image. ``W`` (n_in, n_out) has one row per input neuron and one
column per neuron of this layer: column ``j`` holds the 64 weights a first-layer
neuron gives the pixels, which is why it can be drawn as an 8x8 picture.

To learn, the network needs the slope of the loss with respect to every weight.
*Backpropagation* gets them all in one backward sweep with the chain rule. With
``delta`` the slope of the mean loss with respect to a layer's weighted sums
(n, n_out), starting at the output layer (the loss gives it), and for each layer,
from last to first:

    dW = a_prev.T @ delta                      (n_in, n_out)
    db = delta.sum(axis=0)                     (n_out,)   delta summed over images
    delta_prev = f_prev'(z_prev) * (delta @ W.T)           (n, n_in)

Every one of these slopes is checked against the slow, obvious way (nudge one
weight, watch the loss) in ``glassnet.core.gradcheck``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ConfigError, DataError, shown, shown_count
from . import checks
from .activations import Activation, get_activation
from .json_values import plain
from .layer_sizes import check_layer_sizes
from .losses import Loss, get_loss
from .parameters import Parameters
from .speed import column_sum

Array = NDArray[np.floating]


@dataclass
class Dense:
    """One fully connected layer: ``a = activation(a_prev @ W + b)``.

    Attributes
    ----------
    W : ndarray (n_in, n_out)
        ``W[i, j]`` is the weight of the connection from input neuron i to neuron j.
    b : ndarray (n_out,)
        One bias per neuron: its weighted sum when every input is 0.
    activation : Activation
    """

    W: Array
    b: Array
    activation: Activation

    @property
    def n_in(self) -> int:
        return self.W.shape[0]

    @property
    def n_out(self) -> int:
        return self.W.shape[1]


@dataclass
class Trace:
    """Everything that happened inside the network for a batch of inputs.

    ``weighted_sums[l]`` and ``activations[l]`` are layer ``l``'s ``z`` and ``a``, each
    (n, units of layer l); ``inputs`` is the (n, n_features) batch that went in. The
    explorer and the tour draw these; backpropagation reads them.
    """

    inputs: Array
    weighted_sums: list[Array]
    activations: list[Array]

    @property
    def outputs(self) -> Array:
        """The output layer's values (n, n_outputs)."""
        return self.activations[-1]


class Network(Parameters):
    """A feedforward network of dense layers.

    Its weights are read, written and copied by the methods of ``Parameters``
    (``parameters``, ``set_parameters``, ``set_weights``, ``copy``).

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first: ``[64, 10]`` has no hidden layer (the
        article's first networks), ``[64, 32, 10]`` one hidden layer of 32. A single
        output neuron (``[64, 1]``) answers a yes/no question with a sigmoid.
    activation : str
        Activation of the hidden layers. Default ``"relu"``: it does not saturate,
        so slopes stay large and a small network trains in a second.
    output : str
        Activation of the output layer. Default ``"softmax"``: the ten outputs become
        probabilities that sum to 1, which pairs with the cross-entropy loss (the
        slope at the output is then simply ``observed - ideal``). The article's
        network, sigmoid everywhere, is ``activation="sigmoid", output="sigmoid"``.
    seed : int or numpy.random.Generator
        Where the random starting weights come from. Same seed, same weights, bit for
        bit; the global NumPy random state is never touched.
    dtype : numpy float type
        ``np.float64`` (default; exact enough for gradient checks) or ``np.float32``
        (twice as fast on big problems).
    classes : sequence, optional
        The label each output neuron stands for. Default: ``0 .. n_out-1``, or
        ``[0, 1]`` for a single output neuron (its value is "how much it is class 1").

    Notes
    -----
    Starting weights are drawn from a normal distribution scaled to the layer's
    fan-in (He scaling ``sqrt(2 / n_in)`` before a ReLU, Glorot scaling
    ``sqrt(2 / (n_in + n_out))`` otherwise), so the weighted sums start neither tiny
    nor huge. Biases start at 0.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        output: str = "softmax",
        *,
        seed: int | np.random.Generator = 0,
        dtype: Any = np.float64,
        classes: Sequence[Any] | None = None,
    ) -> None:
        self.sizes = check_layer_sizes(sizes)
        # Without hidden layers the hidden activation is never used: softmax may be named too.
        self.hidden_activation = get_activation(activation, hidden=len(self.sizes) > 2)
        self.output_activation = get_activation(output)
        if classes is not None and np.ndim(classes) == 1 and len(classes) == 1:
            # before the advice below, which needs 2
            raise ConfigError(f"a classifier tells classes apart, and there is only one: "
                              f"{shown(np.asarray(classes).tolist())}; give data with at least "
                              "two labels")
        if self.output_activation.name == "softmax" and self.sizes[-1] == 1:
            raise ConfigError("a softmax over one output neuron is always 1; use output='sigmoid'")
        self.dtype = checks.check_dtype(dtype)
        rng = checks.generator(seed)
        # Counted in Python ints first: 10**400 neurons is a whole number, but no array.
        n_weights = sum(n_in * n_out + n_out
                        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True))
        bytes_needed = 2 * n_weights * np.dtype(self.dtype).itemsize  # layers, then end to end
        too_large = ConfigError(
            f"a network of {shown_count(n_weights)} weights needs "
            f"{shown_count(-(-bytes_needed // 2**20))} MiB of memory, more than this machine "
            "can give; choose smaller layers")
        if bytes_needed > np.iinfo(np.intp).max:
            raise too_large
        self.classes = checks.check_classes(classes, self.sizes[-1])  # (one label per output)
        self.layers: list[Dense] = []
        try:
            for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
                is_output = len(self.layers) == len(self.sizes) - 2
                act = self.output_activation if is_output else self.hidden_activation
                scale = (np.sqrt(2.0 / n_in) if act.name == "relu"
                         else np.sqrt(2.0 / (n_in + n_out)))
                W = rng.standard_normal((n_in, n_out), dtype=self.dtype) * self.dtype(scale)
                self.layers.append(Dense(W, np.zeros(n_out, dtype=self.dtype), act))
            self._lay_end_to_end()
        except MemoryError:
            self.layers = []  # the layers made so far go now, not with the traceback
            raise too_large from None

    # ------------------------------------------------------------------ description
    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def n_parameters(self) -> int:
        return sum(layer.W.size + layer.b.size for layer in self.layers)

    def config(self) -> dict[str, Any]:
        """The settings that rebuild this network's shape (weights not included)."""
        return {
            "sizes": list(self.sizes),
            "activation": self.hidden_activation.name,
            "output": self.output_activation.name,
            "dtype": np.dtype(self.dtype).name,
            "classes": [plain(c) for c in self.classes],
        }

    def __repr__(self) -> str:
        shape = "-".join(str(s) for s in self.sizes)
        hidden = (f"{self.hidden_activation.name} hidden" if len(self.sizes) > 2
                  else "no hidden layer")
        return (
            f"Network({shape}, {hidden}, "
            f"{self.output_activation.name} output, {self.n_parameters:,} parameters, "
            f"{np.dtype(self.dtype).name})"
        )

    # ------------------------------------------------------------------ forward
    def _trace(self, X: Array) -> Trace:
        """The forward pass, layer by layer: the one loop behind every loss and slope.

        ``X`` (n, n_inputs) is trusted (see ``check_inputs``).
        """
        sums, values = [], []
        a = X  # (n, n_inputs)
        for layer in self.layers:
            z = a @ layer.W + layer.b  # (n, n_out)
            sums.append(z)
            a = layer.activation.forward(z)  # (n, n_out)
            values.append(a)
        return Trace(X, sums, values)

    def _output_sums(self, X: Array) -> Array:
        """The output layer's weighted sums (n, n_outputs): the forward pass of an answer.

        The same sums ``_trace`` computes, keeping nothing on the way, for ``predict``,
        where one image costs microseconds and every NumPy call counts. The output
        activation is left out, and one image goes through as a flat vector
        (n_inputs,), for which ``np.dot`` calls the matrix library's vector routine:
        3.2 against 5.0 microseconds for 64-32-10. (Only through hidden activations
        that act on each number alone: another might need its (1, units) row.) ``X``
        (n, n_inputs) is trusted (see ``check_inputs``).
        """
        flat = len(X) == 1 and all(layer.activation.elementwise for layer in self.layers[:-1])
        a = X[0] if flat else X  # (n_inputs,) for one image, else (n, n_inputs)
        for layer in self.layers[:-1]:
            a = layer.activation.forward(np.dot(a, layer.W) + layer.b)
        output = self.layers[-1]
        return (np.dot(a, output.W) + output.b).reshape(len(X), -1)

    def trace(self, X: ArrayLike) -> Trace:
        """Run the inputs through and keep every layer's weighted sums and activations."""
        return self._checked_trace(self.check_inputs(X))

    def _checked_trace(self, X: Array) -> Trace:
        """``_trace``, refused with a DataError if the values overflowed on the way.

        Inputs that are finite but huge (1e308) overflow inside the network; that is
        said in words (``refuse_overflow``), so NumPy's own overflow warnings before
        it would only be noise. ``X`` (n, n_inputs) is trusted (see ``check_inputs``).
        """
        with np.errstate(over="ignore", invalid="ignore"):
            trace = self._trace(X)
        checks.refuse_overflow(trace.outputs)
        return trace

    def forward(self, X: ArrayLike) -> Array:
        """The output layer's values for each input: (n, n_inputs) -> (n, n_outputs)."""
        return self.trace(X).outputs

    def check_inputs(self, X: ArrayLike) -> Array:
        """X as a (n, n_inputs) array of this network's dtype, or DataError (see checks)."""
        return checks.as_inputs(X, self.n_inputs, self.dtype)

    # ------------------------------------------------------------------ answers
    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class each input is guessed to be: the output neuron with the largest value.

        With a single output neuron the guess is ``classes[1]`` when its value is at
        least 0.5, else ``classes[0]``.

        Softmax, sigmoid, tanh and identity never change which weighted sum is the
        largest, so the guess is read from the output layer's weighted sums, without
        the output activation: a softmax is a third of the time one image takes.
        """
        if self.n_outputs == 1 or not self.output_activation.keeps_order:
            return self.guess(self.forward(X))
        output_sums = self._output_sums(self.check_inputs(X))  # (n, n_outputs)
        winners = output_sums.argmax(axis=1)  # (n,)
        checks.refuse_overflow(output_sums)
        return self.classes[winners]

    def guess(self, outputs: Array) -> NDArray[Any]:
        """The classes that output values (n, n_outputs) stand for: the rule of ``predict``.

        The largest output neuron wins; a single output neuron means ``classes[1]``
        from 0.5 up and ``classes[0]`` below.
        """
        if self.n_outputs == 1:
            return self.classes[(outputs[:, 0] >= 0.5).astype(np.intp)]
        return self.classes[outputs.argmax(axis=1)]

    def predict_proba(self, X: ArrayLike) -> Array:
        """How much each class is believed in, rows summing to 1: (n, n_classes).

        A softmax output already is that. Sigmoid outputs are each between 0 and 1
        but need not sum to 1, so they are divided by their sum; a single sigmoid
        output p becomes ``[1 - p, p]``. Other outputs go through a softmax.
        """
        outputs = self.forward(X)
        name = self.output_activation.name
        if self.n_outputs == 1:
            p = np.clip(outputs[:, 0], 0.0, 1.0)
            return np.column_stack([1.0 - p, p])
        if name == "softmax":
            return outputs
        if name == "sigmoid":
            total = outputs.sum(axis=1, keepdims=True)
            return np.divide(outputs, total, out=np.full_like(outputs, 1.0 / self.n_outputs),
                             where=total > 0)
        return get_activation("softmax").forward(outputs)

    # ------------------------------------------------------------------ the loss
    def class_indices(self, y: ArrayLike) -> NDArray[np.intp]:
        """The output neuron of each label in y; unknown labels raise DataError."""
        return checks.label_positions(self.classes, y)

    def targets(self, y: ArrayLike) -> Array:
        """The ideal outputs for labels y: one-hot rows (n, n_outputs).

        Ideal is 1 for the output neuron of the right class and 0 for the others. A
        single-output network's ideal is 1 for ``classes[1]`` and 0 for ``classes[0]``.
        """
        indices = self.class_indices(y)
        if self.n_outputs == 1:
            return indices.astype(self.dtype).reshape(-1, 1)
        Y = np.zeros((len(indices), self.n_outputs), dtype=self.dtype)
        Y[np.arange(len(indices)), indices] = 1.0
        return Y

    def inputs_and_targets(self, X: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        """Checked inputs (n, n_inputs) and the ideal outputs (n, n_outputs) of labels y.

        Raises
        ------
        DataError
            If the inputs are not images for this network, a label is unknown, or
            there is not one label per image.
        """
        X, Y = self.check_inputs(X), self.targets(y)
        if Y.shape[0] != X.shape[0]:  # NumPy would broadcast a single label over every image
            raise DataError(
                f"{X.shape[0]} images but {Y.shape[0]} labels: give one label per image")
        return X, Y

    def loss(self, X: ArrayLike, y: ArrayLike, loss: str | Loss = "cross_entropy") -> float:
        """The loss of labelled images, averaged over images.

        The article sums the loss over every training image; the average is the same
        number divided by n, which keeps it comparable between data sets of any size.
        """
        return self.objective(*self.inputs_and_targets(X, y), loss)

    def objective(
        self, X: ArrayLike, Y: ArrayLike, loss: str | Loss = "cross_entropy", l2: float = 0.0
    ) -> float:
        """What training minimises: the mean loss per image plus ``l2 / 2 * sum(W**2)``.

        A forward pass only, for inputs ``X`` (n, n_inputs) and ideal outputs ``Y``
        (n, n_outputs, see ``targets``). ``backward`` gives the same number with the
        slopes.
        """
        return self.loss_and_outputs(X, Y, loss, l2)[0]

    def loss_and_outputs(
        self, X: ArrayLike, Y: ArrayLike, loss: str | Loss = "cross_entropy", l2: float = 0.0
    ) -> tuple[float, Array]:
        """``objective`` and the output values (n, n_outputs), from one forward pass.

        Training scores every epoch this way: the loss, and the guesses for accuracy.
        """
        X, Y = self._check_batch(X, Y)
        l2 = checks.non_negative("l2", l2)
        trace = self._trace(X)
        return self._mean_loss(trace, Y, get_loss(loss), l2), trace.outputs

    def _mean_loss(self, trace: Trace, Y: Array, loss: Loss, l2: float) -> float:
        """The loss of a forward pass, averaged over its images, plus the L2 term."""
        per_image = loss.per_image(trace.weighted_sums[-1], trace.outputs, Y,
                                   self.output_activation)  # (n,)
        return float(per_image.sum()) / len(Y) + self._l2_penalty(l2)

    def _l2_penalty(self, l2: float) -> float:
        """``l2 / 2 * sum(W**2)`` over every weight (not the biases)."""
        if not l2:
            return 0.0
        return 0.5 * l2 * sum(float(np.vdot(layer.W, layer.W)) for layer in self.layers)

    # ------------------------------------------------------------------ backward
    def backward(
        self, X: ArrayLike, Y: ArrayLike, loss: str | Loss = "cross_entropy", l2: float = 0.0
    ) -> tuple[float, list[Array]]:
        """Backpropagation: the loss and its slope for every parameter.

        Parameters
        ----------
        X : array (n, n_inputs)
            A batch of inputs.
        Y : array (n, n_outputs)
            Their ideal outputs: ``targets(y)`` makes them from labels.
        loss : str or Loss
        l2 : float
            Weight decay: adds ``l2 / 2 * sum(W**2)`` over every weight (not the
            biases) to the loss, which pulls weights toward 0.

        Returns
        -------
        loss : float
            Mean loss per image, plus the L2 term: ``objective``.
        gradients : list of ndarray
            d(loss)/d(parameter), ``[dW0, db0, dW1, db1, ...]`` like ``parameters()``.

        Raises
        ------
        DataError
            If X are not images for this network, Y not one row of ideal outputs
            per image, or the network's values overflow for these inputs.
        """
        X, Y = self._check_batch(X, Y)
        l2, loss = checks.non_negative("l2", l2), get_loss(loss)
        trace = self._checked_trace(X)
        return self._mean_loss(trace, Y, loss, l2), self._backpropagate(trace, Y, loss, l2)

    def gradients(
        self, X: ArrayLike, Y: ArrayLike, loss: str | Loss = "cross_entropy", l2: float = 0.0
    ) -> list[Array]:
        """The slopes of ``backward`` without the loss value: what a training step needs.

        A step only needs to know which way is downhill, not how high it stands. The
        loss value costs logarithms, exponentials and sums over the whole batch, a
        fifth of a small network's step, so training measures it once per epoch instead
        (and notices a diverging run there). Raises what ``backward`` raises.
        """
        X, Y = self._check_batch(X, Y)
        l2 = checks.non_negative("l2", l2)
        return self._backpropagate(self._checked_trace(X), Y, get_loss(loss), l2)

    def _backpropagate(self, trace: Trace, Y: Array, loss: Loss, l2: float) -> list[Array]:
        """The chain rule, from the output layer back to the first (see the module)."""
        delta = loss.output_delta(trace.weighted_sums[-1], trace.outputs, Y,
                                  self.output_activation) / len(Y)  # (n, n_outputs)
        gradients: list[Array] = []
        for index in reversed(range(len(self.layers))):
            layer = self.layers[index]
            a_prev = trace.activations[index - 1] if index else trace.inputs  # (n, n_in)
            dW = a_prev.T @ delta  # (n_in, n_out)
            if l2:
                dW += l2 * layer.W  # the slope of l2 / 2 * sum(W**2)
            db = column_sum(delta)  # (n_out,): delta summed over images
            gradients = [dW, db, *gradients]
            if index:
                z_prev, below = trace.weighted_sums[index - 1], self.layers[index - 1]
                delta = below.activation.backward(z_prev, a_prev, delta @ layer.W.T)  # (n, n_in)
        return gradients

    def _check_batch(self, X: ArrayLike, Y: ArrayLike) -> tuple[Array, Array]:
        """Inputs (n, n_inputs) and ideal outputs (n, n_outputs), checked, or DataError."""
        X = self.check_inputs(X)
        return X, checks.as_ideal_outputs(Y, len(X), self.n_outputs, self.dtype)


def as_network(value: Any, task: str) -> Network:
    """``value`` if it is a Network, else a ConfigError that says what ``task`` takes.

    The one check for every function handed a network to train, save or draw: a
    string or an estimator there would otherwise fail deep inside, with Python's
    AttributeError. A fitted estimator is pointed to its ``network_``.
    """
    if isinstance(value, Network):
        return value
    hint = " (its network_ is one)" if hasattr(value, "network_") else ""
    raise ConfigError(f"{task} a glassnet Network, got {shown(value)}{hint}")


__all__ = ["Dense", "Trace", "Network", "as_network"]
