"""Activation functions: what a neuron does with its weighted sum.

A neuron adds up its inputs, each multiplied by the weight of its connection, plus a
bias: that is its *weighted sum* ``z``. On its own a weighted sum can be any number,
and a stack of weighted sums is still just one big weighted sum. An activation
function ``f`` bends it: the neuron's value is ``a = f(z)``.

- ``sigmoid`` squashes any number into (0, 1): the article's choice, so an output
  neuron can read as "how much this looks like a 1".
- ``tanh`` squashes into (-1, 1), centred on 0.
- ``relu`` keeps positive sums and zeroes negative ones; deep networks train fastest
  with it.
- ``identity`` leaves the sum alone.
- ``softmax`` turns a whole layer of sums into probabilities that add up to 1: the
  natural output layer for "which of the ten digits is it?".

To learn, backpropagation needs to know how the value moves when the sum moves: the
derivative. ``backward(z, a, grad_a)`` turns the slope of the loss with respect to
``a`` into the slope with respect to ``z``: ``grad_a * f'(z)`` for the functions
that act on each number alone; softmax mixes a whole row, so it applies its
Jacobian instead.

The registry ``ACTIVATIONS`` maps names to objects; ``get_activation(name)`` looks one
up and lists the valid names when it does not know the one asked for.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, shown
from .speed import at_least_zero, row_max, row_sum

Array = NDArray[np.floating]


class Activation:
    """An activation function and its derivative, for a batch ``z`` of shape (n, units)."""

    name: str = ""
    #: True when f never changes which of two sums is larger (all but ReLU, which
    #: turns every negative sum into the same 0). ``Network.predict`` relies on it.
    keeps_order: bool = True
    #: True when f acts on each number alone, so it works on any shape, a single
    #: image's flat (units,) vector too: all built-in activations but softmax.
    #: ``Network.predict`` passes one image as a vector only through such layers.
    elementwise: bool = False

    def forward(self, z: Array) -> Array:
        """``a = f(z)``, the same shape as ``z``."""
        raise NotImplementedError

    def derivative(self, z: Array, a: Array) -> Array:
        """``f'(z)`` element-wise (``a = f(z)`` is passed in: often it is cheaper)."""
        raise NotImplementedError

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        """dLoss/dz from dLoss/da: the chain rule through this activation."""
        return grad_a * self.derivative(z, a)

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class Sigmoid(Activation):
    """``1 / (1 + exp(-z))``: any number squashed into (0, 1).

    Written the stable way: ``exp`` is only ever taken of ``-|z|``, at most 1, so
    huge negative sums never overflow. With ``e = exp(-|z|)`` it is ``1 / (1 + e)``
    for z >= 0 and ``e / (1 + e)`` for z < 0: the same function, rearranged.
    """

    name = "sigmoid"
    elementwise = True

    def forward(self, z: Array) -> Array:
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0, e) / (1.0 + e)

    def derivative(self, z: Array, a: Array) -> Array:
        return a * (1.0 - a)


class Tanh(Activation):
    """``tanh(z)``: squashed into (-1, 1); NumPy's tanh is stable for any input."""

    name = "tanh"
    elementwise = True

    def forward(self, z: Array) -> Array:
        return np.tanh(z)

    def derivative(self, z: Array, a: Array) -> Array:
        return 1.0 - a * a


class ReLU(Activation):
    """``max(0, z)``: the neuron fires in proportion to its sum, or not at all."""

    name = "relu"
    elementwise = True
    keeps_order = False

    def forward(self, z: Array) -> Array:
        return at_least_zero(z)  # np.maximum(z, 0.0), faster (see speed.py)

    def derivative(self, z: Array, a: Array) -> Array:
        return (z > 0).astype(z.dtype)

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        return grad_a * (z > 0)  # the slope passes where the neuron fired, else 0


class Identity(Activation):
    """``z`` itself: no bending at all."""

    name = "identity"
    elementwise = True

    def forward(self, z: Array) -> Array:
        return z.copy()

    def derivative(self, z: Array, a: Array) -> Array:
        return np.ones_like(z)

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        return grad_a


class Softmax(Activation):
    """``exp(z_k) / sum_j exp(z_j)`` along each row: the layer's sums as probabilities.

    Subtracting the row's largest sum first changes nothing mathematically and keeps
    every ``exp`` at most 1, so it never overflows. Rows always sum to 1.
    """

    name = "softmax"

    def forward(self, z: Array) -> Array:
        e = np.exp(z - row_max(z))
        return e / row_sum(e)

    def derivative(self, z: Array, a: Array) -> Array:
        raise ConfigError(
            "softmax has no element-wise derivative; use backward(), which applies its Jacobian"
        )

    def backward(self, z: Array, a: Array, grad_a: Array) -> Array:
        # The Jacobian da_k/dz_j = a_k (delta_kj - a_j), applied to grad_a.
        return a * (grad_a - row_sum(grad_a * a))


ACTIVATIONS: dict[str, Activation] = {
    act.name: act for act in (Sigmoid(), Tanh(), ReLU(), Identity(), Softmax())
}

#: The activations a hidden layer can use: all but softmax, which only makes sense
#: where the outputs are meant to be probabilities that add up to 1.
HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(name for name in ACTIVATIONS if name != "softmax")


def get_activation(name: str | Activation, *, hidden: bool = False) -> Activation:
    """Look up an activation by name (an ``Activation`` passes straight through).

    ``hidden=True`` looks it up for a hidden layer, where softmax is refused.

    Raises
    ------
    ConfigError
        If the name is unknown, or softmax for a hidden layer; the message lists the
        valid names.
    """
    if isinstance(name, Activation):
        found = name
    else:
        try:
            found = ACTIVATIONS[name]
        except (KeyError, TypeError):
            valid = ", ".join(HIDDEN_ACTIVATIONS if hidden else ACTIVATIONS)
            role = "hidden activation" if hidden else "activation"
            raise ConfigError(f"unknown {role} {shown(name)}; choose one of: {valid}") from None
    if hidden and found.name == "softmax":
        raise ConfigError(
            "softmax is an output activation; for hidden layers choose one of: "
            + ", ".join(HIDDEN_ACTIVATIONS)
        )
    return found


__all__ = ["Activation", "ACTIVATIONS", "HIDDEN_ACTIVATIONS", "get_activation"]
