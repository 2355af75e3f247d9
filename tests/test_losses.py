"""Loss functions (glassnet.core.losses): values on written-out examples, slopes, stability."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.core.activations import get_activation
from glassnet.core.losses import LOSSES, get_loss
from glassnet.errors import ConfigError

SIGMOID = get_activation("sigmoid")
SOFTMAX = get_activation("softmax")
STRICT = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_registry_and_lookup():
    """Both losses are registered by name; a Loss object passes straight through."""
    assert set(LOSSES) == {"squared_error", "cross_entropy"}
    for name, loss in LOSSES.items():
        assert loss.name == name
        assert get_loss(name) is loss
        assert get_loss(loss) is loss


def test_unknown_loss_raises_config_error_listing_valid_names():
    """get_loss('hinge') says which losses exist."""
    with pytest.raises(ConfigError) as raised:
        get_loss("hinge")
    assert "squared_error" in str(raised.value) and "cross_entropy" in str(raised.value)
    with pytest.raises(ConfigError):
        get_loss(None)


def test_squared_error_is_the_sources_sum_of_squared_differences():
    """Per image: sum over output neurons of (observed - ideal)^2, no 1/2, no mean over neurons."""
    a = np.array([[0.8, 0.1, 0.3], [0.2, 0.6, 0.9]])
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    expected = [
        (0.8 - 1) ** 2 + (0.1 - 0) ** 2 + (0.3 - 0) ** 2,  # 0.14
        (0.2 - 0) ** 2 + (0.6 - 0) ** 2 + (0.9 - 1) ** 2,  # 0.41
    ]
    identity = get_activation("identity")
    got = get_loss("squared_error").per_image(a, a, Y, identity)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    np.testing.assert_allclose(got, [0.14, 0.41], rtol=1e-12)


def test_squared_error_delta_is_two_times_error_times_sigmoid_slope():
    """dL/dz = 2 (a - y) * a (1 - a) for a sigmoid output."""
    z = np.array([[0.4, -1.0]])
    a = SIGMOID.forward(z)
    Y = np.array([[1.0, 0.0]])
    expected = [2 * (_logistic(v) - y) * _logistic(v) * (1 - _logistic(v))
                for v, y in zip(z[0], Y[0], strict=True)]
    got = get_loss("squared_error").output_delta(z, a, Y, SIGMOID)
    np.testing.assert_allclose(got[0], expected, rtol=1e-14)


def test_cross_entropy_with_softmax_is_minus_log_of_the_right_probability():
    """-log p(right class), with p = softmax(z)."""
    z = np.array([[1.0, 2.0, 0.5], [0.0, 0.0, 0.0]])
    Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    expected = [
        -math.log(math.exp(2.0) / (math.exp(1.0) + math.exp(2.0) + math.exp(0.5))),
        math.log(3.0),  # three equal sums: p = 1/3
    ]
    got = get_loss("cross_entropy").per_image(z, SOFTMAX.forward(z), Y, SOFTMAX)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_cross_entropy_with_sigmoid_is_binary_cross_entropy_summed_over_neurons():
    """-[y log a + (1 - y) log(1 - a)] for each sigmoid neuron, summed over the neurons."""
    z = np.array([[0.5, -1.0, 2.0], [-0.3, 0.0, 1.0]])
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    expected = []
    for row_z, row_y in zip(z, Y, strict=True):
        total = 0.0
        for v, y in zip(row_z, row_y, strict=True):
            a = _logistic(v)
            total += -(y * math.log(a) + (1 - y) * math.log(1 - a))
        expected.append(total)
    got = get_loss("cross_entropy").per_image(z, SIGMOID.forward(z), Y, SIGMOID)
    np.testing.assert_allclose(got, expected, rtol=1e-13)


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_cross_entropy_delta_is_observed_minus_ideal(output):
    """With softmax or sigmoid outputs, the slope with respect to z is simply a - Y."""
    act = get_activation(output)
    z = np.array([[0.5, -1.0, 2.0]])
    a = act.forward(z)
    Y = np.array([[0.0, 0.0, 1.0]])
    np.testing.assert_allclose(get_loss("cross_entropy").output_delta(z, a, Y, act), a - Y)


@pytest.mark.parametrize(
    ("loss", "output"),
    [("squared_error", name) for name in ("sigmoid", "tanh", "relu", "identity", "softmax")]
    + [("cross_entropy", "softmax"), ("cross_entropy", "sigmoid")],
)
def test_output_delta_is_the_slope_of_per_image(loss, output):
    """output_delta equals the central-difference slope of per_image with respect to each z."""
    act, loss_fn = get_activation(output), get_loss(loss)
    z = np.array([[0.6, -1.3, 0.2, 1.1], [-0.4, 0.9, -2.0, 0.35]])  # (2, 4), no zeros
    Y = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    delta = loss_fn.output_delta(z, act.forward(z), Y, act)
    h = 1e-6
    for i, j in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[i, j] += h
        down[i, j] -= h
        slope = (loss_fn.per_image(up, act.forward(up), Y, act)[i]
                 - loss_fn.per_image(down, act.forward(down), Y, act)[i]) / (2 * h)
        assert delta[i, j] == pytest.approx(slope, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("output", ["tanh", "relu", "identity"])
def test_cross_entropy_refuses_other_output_layers(output):
    """cross_entropy needs probabilities: tanh, relu, identity outputs raise ConfigError."""
    act, loss_fn = get_activation(output), get_loss("cross_entropy")
    z = np.array([[0.5, 0.25]])
    Y = np.array([[1.0, 0.0]])
    with pytest.raises(ConfigError, match="softmax or sigmoid"):
        loss_fn.check_output(act)
    with pytest.raises(ConfigError):
        loss_fn.per_image(z, act.forward(z), Y, act)
    with pytest.raises(ConfigError):
        loss_fn.output_delta(z, act.forward(z), Y, act)


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "relu", "identity", "softmax"])
def test_squared_error_accepts_every_output_layer(output):
    """The article's loss works with any output activation: sum of (observed - ideal)^2."""
    act, loss_fn = get_activation(output), get_loss("squared_error")
    loss_fn.check_output(act)
    z = np.array([[0.5, -0.25]])
    a = act.forward(z)
    Y = np.array([[1.0, 0.0]])
    expected = (a[0, 0] - 1.0) ** 2 + (a[0, 1] - 0.0) ** 2
    assert loss_fn.per_image(z, a, Y, act) == pytest.approx([expected])


def test_cross_entropy_of_huge_softmax_sums_is_finite_and_exact():
    """Sums of +-1e4: a confident right answer costs 0, a confident wrong one 2e4; no overflow."""
    z = np.array([[1e4, -1e4], [1e4, -1e4]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    loss_fn = get_loss("cross_entropy")
    with np.errstate(**STRICT):
        a = SOFTMAX.forward(z)
        values = loss_fn.per_image(z, a, Y, SOFTMAX)
        delta = loss_fn.output_delta(z, a, Y, SOFTMAX)
    np.testing.assert_array_equal(values, [0.0, 2e4])
    np.testing.assert_array_equal(delta, [[0.0, 0.0], [1.0, -1.0]])


def test_cross_entropy_of_huge_sigmoid_sums_is_finite_and_exact():
    """Sigmoid sums of +-1e4: right answers cost 0, wrong ones 1e4 each (log never sees 0)."""
    z = np.array([[1e4, -1e4], [1e4, -1e4]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    loss_fn = get_loss("cross_entropy")
    with np.errstate(**STRICT):
        a = SIGMOID.forward(z)
        values = loss_fn.per_image(z, a, Y, SIGMOID)
        delta = loss_fn.output_delta(z, a, Y, SIGMOID)
    np.testing.assert_array_equal(values, [0.0, 2e4])
    np.testing.assert_array_equal(delta, [[0.0, 0.0], [1.0, -1.0]])


def test_squared_error_of_saturated_sigmoid_is_finite():
    """Saturated sigmoid outputs: loss 0 or 1 per neuron, slope exactly 0 (no NaN)."""
    z = np.array([[1e4, -1e4]])
    Y = np.array([[0.0, 0.0]])
    loss_fn = get_loss("squared_error")
    with np.errstate(**STRICT):
        a = SIGMOID.forward(z)
        values = loss_fn.per_image(z, a, Y, SIGMOID)
        delta = loss_fn.output_delta(z, a, Y, SIGMOID)
    np.testing.assert_array_equal(values, [1.0])
    np.testing.assert_array_equal(delta, [[0.0, 0.0]])
