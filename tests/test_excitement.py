"""Tests of glassnet.core.excitement: the input that excites a neuron most."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.core.excitement import most_exciting_input, neuron_value_and_slope


@pytest.fixture(scope="module")
def trained():
    data = gn.load_digits()
    net = gn.Network([64, 16, 12, 10], seed=0)
    gn.train(net, data, epochs=5, seed=0)
    return net, data


def test_the_slope_to_the_inputs_is_the_slope_you_measure(trained):
    net, data = trained
    x = data.X[5].astype(float)
    for layer, neuron in ((0, 3), (1, 4), (2, 7)):
        value, slope = neuron_value_and_slope(net, x, layer, neuron)
        measured = np.empty(64)
        for i in range(64):
            up, down = x.copy(), x.copy()
            up[i] += 1e-6
            down[i] -= 1e-6
            measured[i] = (neuron_value_and_slope(net, up, layer, neuron)[0]
                           - neuron_value_and_slope(net, down, layer, neuron)[0]) / 2e-6
        np.testing.assert_allclose(slope, measured, atol=1e-5)
        assert value == pytest.approx(net.trace(x[None]).activations[layer][0, neuron])


def test_a_first_layer_neuron_is_excited_most_by_ink_where_its_weights_are_positive(trained):
    net, data = trained
    x, value = most_exciting_input(net, 0, 2)
    np.testing.assert_array_equal(x, (net.layers[0].W[:, 2] > 0).astype(float))
    for image in data.X[:200]:  # no digit excites it more
        assert neuron_value_and_slope(net, image.astype(float), 0, 2)[0] <= value + 1e-12


def test_the_climb_from_the_best_digit_excites_a_deeper_neuron_more(trained):
    net, data = trained
    climbed = 0
    for layer, neuron in [(1, n) for n in range(12)] + [(2, n) for n in range(10)]:
        values = [neuron_value_and_slope(net, image.astype(float), layer, neuron)[0]
                  for image in data.X]
        best = data.X[int(np.argmax(values))].astype(float)
        x, value = most_exciting_input(net, layer, neuron, start=best)
        assert ((0 <= x) & (x <= 1)).all()
        assert value >= max(values)
        assert value == pytest.approx(neuron_value_and_slope(net, x, layer, neuron)[0])
        climbed += value > max(values) + 1e-9
    assert climbed >= 15  # most neurons find an input beyond every digit
