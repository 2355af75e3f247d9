"""Looking inside: what the network did with one input, neuron by neuron.

Everything the explorer shows about a network is computed here, in Python, from the
core: ``Network.trace`` gives every layer's weighted sums and activations, and the
weights are read straight from the layers. The page only draws these numbers.

A neuron's value is easy to write out in full, and seeing it written out is the
point: ``z = w_1 x_1 + w_2 x_2 + ... + w_n x_n + b`` and ``a = f(z)``. ``explain_neuron``
lists every term ``w_i x_i`` for the current input (largest first), the bias, the
sum, and the activation, so the learner can check the arithmetic by hand.

Numbers are rounded for the page (4 decimals are more than a person can read) to
keep the answers small.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..core.excitement import most_exciting_input
from ..core.json_values import plain
from ..core.network import Network
from ..data.dataset import Dataset
from ..store.modelfile import array_checksum
from .validation import InvalidInput

DECIMALS = 4
"""Decimals kept in numbers sent to the page."""

STRONGEST_CONNECTIONS = 3
"""How many incoming connections per neuron the diagram draws by default: its strongest."""

DRAWN_WEIGHTS = 5000
"""How many connections between two layers "show every connection" draws at most: the
strongest weights. A 256-256-256 network has 16,384 + 65,536 + 65,536 + 2,560 of them,
more lines than a browser draws smoothly or a learner can read."""

EXCITING_DIGITS_SHOWN = 8
"""How many training digits ``explain_neuron`` returns as the neuron's favourites."""


def rounded(values: Any) -> Any:
    """A NumPy array (or number) as plain, rounded JSON numbers."""
    return np.round(np.asarray(values, dtype=np.float64), DECIMALS).tolist()


def describe_network(network: Network, version: int = 0) -> dict[str, Any]:
    """The network's shape and every weight: what the diagram is drawn from.

    Returns
    -------
    dict
        ``sizes``, ``activation``, ``output``, ``classes``, ``parameters``, ``version``,
        ``weights_sha256`` (``store.modelfile.array_checksum`` of every weight and bias, at
        full precision: a shared link or state file says which network it was made with)
        and ``layers``: for each layer ``weights`` (n_in rows of n_out numbers, so
        ``weights[i][j]`` joins input neuron i to neuron j), ``biases`` (n_out,),
        ``activation``, and ``strongest`` (``strongest_weights``: the lines "show every
        connection" draws, at most ``DRAWN_WEIGHTS``) with ``connections``, how many
        weights the layer has in all.
    """
    return {
        "version": version,
        "sizes": list(network.sizes),
        "activation": network.hidden_activation.name,
        "output": network.output_activation.name,
        "classes": [plain(c) for c in network.classes],
        "parameters": network.n_parameters,
        "weights_sha256": array_checksum(network.parameters()),
        "layers": [
            {"weights": rounded(layer.W), "biases": rounded(layer.b),
             "activation": layer.activation.name,
             "strongest": strongest_weights(layer.W), "connections": int(layer.W.size)}
            for layer in network.layers
        ],
    }


def trace_input(network: Network, x: NDArray[np.float64]) -> dict[str, Any]:
    """One input's journey: each layer's weighted sums and activations, and the guess.

    Parameters
    ----------
    network : Network
    x : ndarray (n_inputs,)

    Returns
    -------
    dict
        ``layers``: per layer ``{"weighted_sums": [...], "activations": [...]}``;
        ``outputs`` (n_outputs,); ``probabilities`` (n_classes,); ``guess``;
        ``classes``; ``connections``: per layer the strongest contributions, as
        ``strongest_contributions`` returns them.
    """
    trace = network.trace(x)
    probabilities = network.predict_proba(x)[0]
    return {
        "layers": [
            {"weighted_sums": rounded(z[0]), "activations": rounded(a[0])}
            for z, a in zip(trace.weighted_sums, trace.activations, strict=True)
        ],
        "outputs": rounded(trace.outputs[0]),
        "probabilities": rounded(probabilities),
        "guess": plain(network.predict(x)[0]),
        "classes": [plain(c) for c in network.classes],
        "connections": strongest_contributions(network, trace.inputs[0],
                                               [a[0] for a in trace.activations]),
    }


def strongest_contributions(
    network: Network, x: NDArray[np.float64], activations: list[NDArray[np.float64]],
    per_neuron: int = STRONGEST_CONNECTIONS,
) -> list[list[list[float]]]:
    """Each neuron's largest terms ``w_ij a_i`` for this input: the lines worth drawing.

    A neuron's weighted sum is a sum of contributions, one per incoming connection.
    For one drawing most of them are near zero (a blank pixel contributes nothing,
    however large its weight), so drawing only the few largest (by size, either sign)
    shows where this neuron's value came from instead of a hairball of every weight.

    Parameters
    ----------
    network : Network
    x : ndarray (n_inputs,)
        The input, the first layer's incoming values.
    activations : list of ndarray
        Each layer's activations for ``x`` (layer l has shape (units of layer l,)).
    per_neuron : int
        How many incoming connections to keep for each neuron.

    Returns
    -------
    list
        Per layer, a list of ``[i, j, contribution]``: input neuron i of that layer,
        neuron j, and ``W[i, j] * a_i``, the largest ``per_neuron`` for each j.
    """
    shown = []
    incoming = [x, *activations[:-1]]
    for layer, a_in in zip(network.layers, incoming, strict=True):
        terms = layer.W * a_in[:, None]  # (n_in, n_out): w_ij a_i
        keep = min(per_neuron, terms.shape[0])
        rows = np.argsort(-np.abs(terms), axis=0, kind="stable")[:keep]  # (keep, n_out)
        shown.append([[int(i), int(j), round(float(terms[i, j]), DECIMALS)]
                      for j in range(terms.shape[1]) for i in rows[:, j]])
    return shown


def strongest_weights(weights: NDArray[np.float64], limit: int = DRAWN_WEIGHTS,
                      ) -> list[list[float]]:
    """A layer's largest weights by size (either sign), at most ``limit`` of them.

    Parameters
    ----------
    weights : ndarray (n_in, n_out)
    limit : int

    Returns
    -------
    list
        ``[i, j, W[i, j]]`` for the ``limit`` largest ``|W[i, j]|``, largest first
        (ties in row-major order); every weight when the layer has no more than ``limit``.
    """
    flat = weights.ravel()
    order = np.argsort(-np.abs(flat), kind="stable")[:limit]
    rows, columns = np.unravel_index(order, weights.shape)
    return [[int(i), int(j), round(float(weights[i, j]), DECIMALS)]
            for i, j in zip(rows, columns, strict=True)]


def check_neuron(network: Network, layer: int, neuron: int) -> None:
    """Raise InvalidInput unless ``layer`` (0 = first hidden/output layer) and ``neuron`` exist."""
    if not 0 <= layer < len(network.layers):
        raise InvalidInput(f"layer must be between 0 and {len(network.layers) - 1}, got {layer}")
    units = network.layers[layer].n_out
    if not 0 <= neuron < units:
        raise InvalidInput(f"layer {layer} has neurons 0 to {units - 1}, got {neuron}")


def explain_neuron(
    network: Network, layer: int, neuron: int, x: NDArray[np.float64] | None,
    training: Dataset | None = None,
) -> dict[str, Any]:
    """Everything about one neuron: its weights, its sum written out, its favourite digits.

    Parameters
    ----------
    network : Network
    layer : int
        Which weighted layer (0 is the first hidden layer, the last is the output).
    neuron : int
        Which neuron of that layer.
    x : ndarray (n_inputs,), optional
        The current input; without it there is no sum to write out.
    training : Dataset, optional
        Images to search for the ones that excite this neuron most.

    Returns
    -------
    dict
        ``weights`` (n_in,), ``bias``, ``picture`` (8x8 rows, first layer of a 64-input
        network only), ``activation`` (its name), and when ``x`` is given ``sum``:
        ``terms`` (every ``{"from", "weight", "input", "product"}``, largest
        ``|product|`` first), ``bias``, ``weighted_sum``, ``value``. With ``training``,
        ``exciting``: the images (64 numbers), labels and this neuron's value for them,
        and ``exciting_input``: the input in 0..1 that excites it most
        (``core.excitement``: exact for the first layer, climbed to from the most
        exciting digit deeper) and the neuron's value for it.
    """
    check_neuron(network, layer, neuron)
    dense = network.layers[layer]
    weights = dense.W[:, neuron]  # (n_in,)
    answer: dict[str, Any] = {
        "layer": layer,
        "neuron": neuron,
        "is_output": layer == len(network.layers) - 1,
        "activation": dense.activation.name,
        "weights": rounded(weights),
        "bias": round(float(dense.b[neuron]), DECIMALS),
    }
    if layer == len(network.layers) - 1:
        answer["label"] = plain(network.classes[neuron]) if network.n_outputs > 1 else None
    side = int(round(np.sqrt(dense.n_in)))
    if layer == 0 and side * side == dense.n_in:
        answer["picture"] = rounded(weights.reshape(side, side))
    if x is not None:
        trace = network.trace(x)
        inputs = x if layer == 0 else trace.activations[layer - 1][0]  # (n_in,)
        products = weights * inputs
        order = np.argsort(-np.abs(products), kind="stable")
        answer["sum"] = {
            "terms": [
                {"from": int(i), "weight": round(float(weights[i]), DECIMALS),
                 "input": round(float(inputs[i]), DECIMALS),
                 "product": round(float(products[i]), DECIMALS)}
                for i in order
            ],
            "bias": round(float(dense.b[neuron]), DECIMALS),
            "products_total": round(float(products.sum()), DECIMALS),
            "weighted_sum": round(float(trace.weighted_sums[layer][0, neuron]), DECIMALS),
            "value": round(float(trace.activations[layer][0, neuron]), DECIMALS),
        }
    if training is not None:
        answer["exciting"] = most_exciting(network, layer, neuron, training)
        start = np.asarray(answer["exciting"][0]["image"]) if answer["exciting"] else None
        image, value = most_exciting_input(network, layer, neuron, start=start)
        answer["exciting_input"] = {"image": rounded(image), "value": round(value, DECIMALS)}
    return answer


def most_exciting(
    network: Network, layer: int, neuron: int, data: Dataset, count: int = EXCITING_DIGITS_SHOWN
) -> list[dict[str, Any]]:
    """The images of ``data`` that give this neuron its largest values.

    For a hidden neuron these show the "part of a digit" it has learned to look
    for; for an output neuron, the digits it is surest about.
    """
    values = network.trace(data.X).activations[layer][:, neuron]  # (n,)
    best = np.argsort(-values, kind="stable")[:count]
    return [
        {"image": rounded(data.X[i]), "label": plain(data.y[i]),
         "value": round(float(values[i]), DECIMALS)}
        for i in best
    ]


__all__ = ["describe_network", "trace_input", "strongest_weights", "explain_neuron",
           "most_exciting", "check_neuron", "rounded", "DECIMALS"]
