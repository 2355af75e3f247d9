"""Backpropagation checked against the slope you can see (glassnet.core.gradcheck).

The central property: for every hidden activation x output activation x loss x
depth (0, 1, 2 hidden layers), with and without L2, the slopes backpropagation gives
agree with the numerical slopes (central difference) to a relative error below 1e-6
in float64.

Two things make a central difference disagree with a *correct* gradient, and the
property test steers clear of both instead of loosening the threshold:

- ReLU has a kink at 0. Networks start with zero biases, and a layer whose ReLUs are
  all off feeds the next layer a weighted sum of exactly 0, right on the kink. So
  every parameter (biases included) is drawn at random, and examples where a ReLU
  layer's weighted sum lies within 1e-3 of 0 are skipped: there the loss has no
  slope, and nudging a weight by 1e-5 may cross the kink.
- A central difference with step 1e-5 is only accurate to about 1e-11 times the
  size of the loss in absolute terms (the loss is rounded to a few units in its last
  place, then divided by 2e-5; plus the h^2 term). A slope of 1e-8 therefore cannot
  be measured to a relative 1e-6, however right backpropagation is. Examples with a
  backpropagated slope that is nonzero but below 2e-4 * max(1, loss) are skipped.
  Exact zeros (dead ReLUs) are kept: the numerical slope must then be 0 as well. A
  backward pass that shrank every slope would have every example skipped, which
  hypothesis reports as a failure (Unsatisfiable), not as a pass.

Shapes, data and parameters come from hypothesis-drawn sizes and seeds, not raw
floats, so hypothesis explores architectures rather than hunting for kinks.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from glassnet.core.gradcheck import gradcheck, numerical_slope, relative_error
from glassnet.core.network import Network
from glassnet.errors import ConfigError, DataError

HIDDEN = ["sigmoid", "tanh", "relu", "identity"]
OUTPUTS = ["sigmoid", "tanh", "relu", "identity", "softmax"]
CROSS_ENTROPY_OUTPUTS = {"softmax", "sigmoid"}
THRESHOLD = 1e-6
SMALLEST_MEASURABLE_SLOPE = 2e-4  # times max(1, loss)
RELU_KINK_MARGIN = 1e-3


def _combinations():
    """Every (depth, hidden, output, loss) that makes a valid network and loss."""
    cases = []
    for depth in (0, 1, 2):
        # With no hidden layer the hidden activation plays no part: test it once.
        for hidden in HIDDEN if depth else ["sigmoid"]:
            for output in OUTPUTS:
                for loss in ("squared_error", "cross_entropy"):
                    if loss == "cross_entropy" and output not in CROSS_ENTROPY_OUTPUTS:
                        continue
                    cases.append(pytest.param(depth, hidden, output, loss,
                                              id=f"{depth}hidden-{hidden}-{output}-{loss}"))
    return cases


def _random_problem(depth, hidden, output, sizes_seed, n_samples, data):
    """A float64 network with every parameter drawn at random, inputs and labels for it."""
    rng = np.random.default_rng(sizes_seed)
    n_inputs = data.draw(st.integers(1, 4), label="n_inputs")
    hidden_sizes = [data.draw(st.integers(1, 4), label=f"hidden{i}") for i in range(depth)]
    n_outputs = data.draw(st.integers(2 if output == "softmax" else 1, 4), label="n_outputs")
    net = Network([n_inputs, *hidden_sizes, n_outputs], hidden, output,
                  seed=rng, dtype=np.float64)
    net.set_parameters([0.5 * rng.standard_normal(p.shape) for p in net.parameters()])
    X = rng.standard_normal((n_samples, n_inputs))  # (n, n_inputs)
    y = net.classes[rng.integers(0, len(net.classes), size=n_samples)]
    return net, X, y


def _well_conditioned(net, X, y, loss, l2):
    """True when the loss is smooth here and every nonzero slope is measurable."""
    trace = net.trace(X)
    for layer, z in zip(net.layers, trace.weighted_sums, strict=True):
        if layer.activation.name == "relu" and np.abs(z).min() < RELU_KINK_MARGIN:
            return False
    value, gradients = net.backward(net.check_inputs(X), net.targets(y), loss, l2=l2)
    sizes = np.abs(np.concatenate([g.ravel() for g in gradients]))
    nonzero = sizes[sizes != 0]
    return nonzero.size == 0 or nonzero.min() >= SMALLEST_MEASURABLE_SLOPE * max(1.0, value)


@pytest.mark.parametrize(("depth", "hidden", "output", "loss"), _combinations())
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_samples=st.integers(1, 4),
    l2=st.sampled_from([0.0, 0.05, 0.5]),
    data=st.data(),
)
def test_backpropagation_matches_numerical_slope(depth, hidden, output, loss, seed, n_samples,
                                                 l2, data):
    """Every backpropagated slope equals the central-difference slope to 1e-6 (float64)."""
    net, X, y = _random_problem(depth, hidden, output, seed, n_samples, data)
    assume(_well_conditioned(net, X, y, loss, l2))
    worst = gradcheck(net, X, y, loss, l2=l2, step=1e-5)
    assert worst < THRESHOLD, f"{net!r}, l2={l2}: worst relative error {worst:.3e}"


@pytest.mark.parametrize("output", ["tanh", "relu", "identity"])
def test_cross_entropy_needs_softmax_or_sigmoid_output(output):
    """cross_entropy with any other output layer is a ConfigError, not a wrong number."""
    net = Network([3, 2], "sigmoid", output, seed=0)
    with pytest.raises(ConfigError, match="softmax or sigmoid"):
        gradcheck(net, np.ones((2, 3)), [0, 1], "cross_entropy")


def test_gradcheck_catches_a_wrong_gradient():
    """A backward pass with one wrong slope is reported with a large relative error."""

    class BrokenNetwork(Network):
        def backward(self, X, Y, loss="cross_entropy", l2=0.0):
            value, gradients = super().backward(X, Y, loss, l2)
            gradients[1] = gradients[1] * 1.01  # first layer's bias slopes 1% off
            return value, gradients

    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 3))
    y = [0, 1, 2, 0, 1]
    good = Network([3, 4, 3], "tanh", "softmax", seed=1)
    good.set_weights(0, bias=[0.3, -0.2, 0.1, 0.4])
    broken = BrokenNetwork([3, 4, 3], "tanh", "softmax", seed=1)
    broken.set_parameters(good.get_parameters())
    assert gradcheck(good, X, y) < THRESHOLD
    assert gradcheck(broken, X, y) > 1e-3


def test_gradcheck_leaves_the_weights_as_they_were():
    """Nudging every weight up and down puts each one back bit for bit."""
    net = Network([4, 3, 2], "sigmoid", "sigmoid", seed=2)
    before = net.get_parameters()
    gradcheck(net, np.random.default_rng(0).random((3, 4)), [0, 1, 1], "squared_error", l2=0.1)
    for old, new in zip(before, net.parameters(), strict=True):
        assert np.array_equal(old, new)


def test_gradcheck_max_per_array_checks_only_that_many_entries():
    """With max_per_array=k, only k entries of each array are nudged (two losses each)."""
    net = Network([5, 4, 3], "tanh", "softmax", seed=0)
    calls = []
    original = net.objective

    def counting_objective(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    net.objective = counting_objective
    X = np.random.default_rng(1).random((4, 5))
    gradcheck(net, X, [0, 1, 2, 0], max_per_array=2, seed=3)
    # Four arrays (W0 20 entries, b0 4, W1 12, b1 3): 2 entries each, 2 evaluations each.
    assert len(calls) == 4 * 2 * 2


def test_gradcheck_needs_one_label_per_image():
    """Labels for fewer images than given is a DataError (no silent broadcasting)."""
    net = Network([2, 3], seed=0)
    with pytest.raises(DataError, match="one label per image"):
        gradcheck(net, np.ones((3, 2)), [1])


@pytest.mark.parametrize("step", [0.0, -1e-5])
def test_gradcheck_step_must_be_positive(step):
    """A zero or negative nudge is a ConfigError."""
    net = Network([2, 2], seed=0)
    with pytest.raises(ConfigError):
        gradcheck(net, np.ones((1, 2)), [0], step=step)


def test_numerical_slope_of_a_quadratic_is_exact_and_restores_the_weight():
    """The central difference of w**2 at w=3 is 6 (exact for a parabola); w is put back."""
    weights = np.array([[0.0, 3.0]])
    slope = numerical_slope(lambda: float(weights[0, 1] ** 2), weights, (0, 1), step=1e-3)
    assert slope == pytest.approx(6.0, rel=1e-9)
    assert weights[0, 1] == 3.0


def test_relative_error_is_zero_for_equal_and_floored_near_zero():
    """|a-b| / max(|a|, |b|, floor): 0 when equal, 2 for opposite signs, tiny for tiny values."""
    assert relative_error(1.5, 1.5) == 0.0
    assert relative_error(2.0, -2.0) == pytest.approx(2.0)
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(1e-15, 2e-15) == pytest.approx(1e-15 / 1e-8)


def test_a_trained_digits_network_passes_despite_tiny_slopes():
    """After training most slopes are tiny; rounding noise in them must not look like an error."""
    import glassnet as gn

    train_part, test_part = gn.load_digits().split(test_fraction=0.2, seed=0)
    net = Network([64, 16, 10], seed=0)
    gn.train(net, train_part, epochs=20)
    assert gradcheck(net, test_part.X[:5], test_part.y[:5]) < THRESHOLD
