"""Activation functions (glassnet.core.activations): values, slopes, stability, registry."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glassnet.core.activations import ACTIVATIONS, Activation, get_activation
from glassnet.core.speed import (
    FEW_NUMBERS,
    FEW_ROWS,
    KEEP_ZEROS_UP_TO,
    all_finite,
    at_least_zero,
    column_sum,
    ones_vector,
    row_max,
    row_sum,
    zeros_of,
)
from glassnet.errors import ConfigError

ELEMENTWISE = ["sigmoid", "tanh", "relu", "identity"]
Z = np.array([[-3.0, -0.5, 0.25, 2.0], [1.5, -1.2, 0.7, -2.2]])  # no zeros: away from the ReLU kink


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# Overflow, division by zero and invalid operations (NaN) are errors. Underflow is not:
# exp(-10000) rounding to 0.0 is the right answer, not a problem.
STRICT = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


def test_registry_holds_the_five_activations_by_name():
    """Names map to activations whose .name is the key."""
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "identity", "softmax"}
    for name, activation in ACTIVATIONS.items():
        assert activation.name == name
        assert get_activation(name) is activation


def test_unknown_activation_raises_config_error_listing_valid_names():
    """get_activation('swish') says what exists."""
    with pytest.raises(ConfigError) as raised:
        get_activation("swish")
    for name in ("sigmoid", "tanh", "relu", "identity", "softmax"):
        assert name in str(raised.value)
    with pytest.raises(ConfigError):
        get_activation(None)


def test_activation_object_passes_through():
    """An Activation given instead of a name is used as is."""
    tanh = ACTIVATIONS["tanh"]
    assert get_activation(tanh) is tanh
    assert isinstance(tanh, Activation)


def test_forward_values_match_their_definitions():
    """sigmoid, tanh, relu, identity computed number by number with the math module."""
    expected = {
        "sigmoid": [[_logistic(v) for v in row] for row in Z],
        "tanh": [[math.tanh(v) for v in row] for row in Z],
        "relu": [[max(v, 0.0) for v in row] for row in Z],
        "identity": Z.tolist(),
    }
    for name, values in expected.items():
        np.testing.assert_allclose(get_activation(name).forward(Z), values, rtol=1e-14, atol=0)
    assert get_activation("sigmoid").forward(np.array([[0.0]]))[0, 0] == 0.5


def test_softmax_values_match_the_definition():
    """softmax(z)_k = exp(z_k) / sum_j exp(z_j), row by row."""
    for row, out in zip(Z, get_activation("softmax").forward(Z), strict=True):
        total = sum(math.exp(v) for v in row)
        np.testing.assert_allclose(out, [math.exp(v) / total for v in row], rtol=1e-14)


def test_identity_returns_a_copy():
    """Changing the output of identity must not change the sums it was given."""
    z = Z.copy()
    out = get_activation("identity").forward(z)
    out[0, 0] = 99.0
    assert z[0, 0] == Z[0, 0]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_difference(name):
    """f'(z) from derivative() equals (f(z+h) - f(z-h)) / 2h, away from the ReLU kink."""
    act = get_activation(name)
    h = 1e-6
    numerical = (act.forward(Z + h) - act.forward(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(Z, act.forward(Z)), numerical, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_backward_is_grad_times_derivative(name):
    """Element-wise activations: dL/dz = dL/da * f'(z)."""
    act = get_activation(name)
    grad_a = np.array([[0.3, -1.0, 2.0, 0.5], [-0.2, 0.1, 1.0, 4.0]])
    a = act.forward(Z)
    np.testing.assert_allclose(act.backward(Z, a, grad_a), grad_a * act.derivative(Z, a),
                               rtol=1e-15)


def test_relu_slope_is_zero_at_and_below_zero():
    """ReLU's slope: 1 for positive sums, 0 for negative sums and (by convention) at 0."""
    relu = get_activation("relu")
    z = np.array([[-1.0, 0.0, 2.0]])
    assert relu.backward(z, relu.forward(z), np.ones_like(z)).tolist() == [[0.0, 0.0, 1.0]]


def test_softmax_backward_is_the_jacobian_vector_product():
    """softmax.backward equals the full Jacobian da_k/dz_j = a_k (delta_kj - a_j) applied to g."""
    softmax = get_activation("softmax")
    grad_a = np.array([[0.3, -1.0, 2.0, 0.5], [-0.2, 0.1, 1.0, 4.0]])
    a = softmax.forward(Z)
    for row_a, row_g, got in zip(a, grad_a, softmax.backward(Z, a, grad_a), strict=True):
        jacobian = np.diag(row_a) - np.outer(row_a, row_a)  # (k, k), symmetric
        np.testing.assert_allclose(got, jacobian @ row_g, rtol=1e-13, atol=1e-15)


def test_softmax_backward_matches_central_difference():
    """Nudging each z_j and watching sum_k g_k a_k gives the same slope as backward()."""
    softmax = get_activation("softmax")
    z = Z[:1].copy()
    g = np.array([[0.3, -1.0, 2.0, 0.5]])
    h = 1e-6
    numerical = []
    for j in range(z.shape[1]):
        up, down = z.copy(), z.copy()
        up[0, j] += h
        down[0, j] -= h
        numerical.append(((softmax.forward(up) - softmax.forward(down)) * g).sum() / (2 * h))
    np.testing.assert_allclose(softmax.backward(z, softmax.forward(z), g)[0], numerical,
                               rtol=1e-7)


def test_softmax_has_no_elementwise_derivative():
    """Asking softmax for an element-wise derivative is a ConfigError (it mixes the row)."""
    softmax = get_activation("softmax")
    with pytest.raises(ConfigError):
        softmax.derivative(Z, softmax.forward(Z))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_of_huge_sums_is_exact_and_never_overflows(dtype):
    """sigmoid(+-1e4), +-1e30, +-max float: exactly 1 or 0, no overflow, no warning."""
    big = np.finfo(dtype).max
    z = np.array([[-big, -1e30, -1e4, -50.0, 0.0, 50.0, 1e4, 1e30, big]], dtype=dtype)
    sigmoid = get_activation("sigmoid")
    with np.errstate(**STRICT):
        a = sigmoid.forward(z)
        slope = sigmoid.backward(z, a, np.ones_like(z))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sigmoid.forward(z)  # under NumPy's default error state: no RuntimeWarning either
    assert a.dtype == dtype
    assert a[0, 0] == 0.0 and a[0, 2] == 0.0 and a[0, -1] == 1.0 and a[0, -3] == 1.0
    assert a[0, 4] == 0.5
    assert np.all((a >= 0) & (a <= 1))
    assert np.isfinite(slope).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_of_huge_sums_never_overflows(dtype):
    """softmax([1e4, -1e4, 0]) is [1, 0, 0] with no overflow, and stays finite at max float."""
    big = np.finfo(dtype).max / 2
    z = np.array([[1e4, -1e4, 0.0], [big, 0.0, -big], [5.0, 5.0, 5.0]], dtype=dtype)
    with np.errstate(**STRICT):
        a = get_activation("softmax").forward(z)
    assert a.dtype == dtype
    np.testing.assert_array_equal(a[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(a[1], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(a[2], [1 / 3] * 3, rtol=1e-6)


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
        elements=st.floats(-1e4, 1e4, allow_nan=False),
    )
)
def test_softmax_rows_are_probabilities_for_any_sums(z):
    """Each softmax row is >= 0, sums to 1, and is largest where z is largest."""
    with np.errstate(**STRICT):
        a = get_activation("softmax").forward(z)
    assert np.all(a >= 0) and np.all(a <= 1)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(a[np.arange(len(z)), z.argmax(axis=1)] == a.max(axis=1))


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4, allow_nan=False)),
    st.floats(-100, 100),
)
def test_softmax_ignores_a_shift_of_all_sums(z, shift):
    """Adding the same number to every sum in a row changes no probability."""
    softmax = get_activation("softmax")
    np.testing.assert_allclose(softmax.forward(z[None, :] + shift), softmax.forward(z[None, :]),
                               rtol=1e-9, atol=1e-300)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 20),
                  elements=st.floats(-1e300, 1e300, allow_nan=False)))
def test_squashing_activations_stay_in_range_for_any_sum(z):
    """sigmoid in [0, 1], tanh in [-1, 1], relu >= 0, and never a warning, for any finite z."""
    z = z[None, :]
    with np.errstate(**STRICT):
        sigmoid = get_activation("sigmoid").forward(z)
        tanh = get_activation("tanh").forward(z)
        relu = get_activation("relu").forward(z)
    assert np.all((sigmoid >= 0) & (sigmoid <= 1))
    assert np.all((tanh >= -1) & (tanh <= 1))
    assert np.all(relu >= 0) and np.array_equal(relu, np.where(z > 0, z, 0.0))
    # sigmoid is increasing: order of sums is kept (ties allowed where it saturates)
    order = np.argsort(z[0], kind="stable")
    assert np.all(np.diff(sigmoid[0][order]) >= 0)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity", "softmax"])
def test_float32_in_float32_out(name):
    """Activations keep the dtype of their input (float32 networks stay float32)."""
    z = Z.astype(np.float32)
    act = get_activation(name)
    a = act.forward(z)
    assert a.dtype == np.float32
    assert act.backward(z, a, np.ones_like(z)).dtype == np.float32


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(
        st.sampled_from([np.float32, np.float64]),
        st.one_of(hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=40),
                  hnp.array_shapes(min_dims=1, max_dims=1, min_side=1, max_side=40)),
        elements=st.floats(-1e4, 1e4, allow_nan=False, width=32),
    )
)
def test_row_max_and_row_sum_equal_numpys_reductions(z):
    """The fast row reductions give what ``max``/``sum`` over the last axis give, as a column."""
    expected_max = z.max(axis=-1, keepdims=True)
    got_max = row_max(z)
    assert got_max.shape == expected_max.shape and got_max.dtype == z.dtype
    np.testing.assert_array_equal(got_max, expected_max)  # a maximum is exact
    expected_sum = z.sum(axis=-1, keepdims=True)
    got_sum = row_sum(z)
    assert got_sum.shape == expected_sum.shape and got_sum.dtype == z.dtype
    # Sums may add in another order: equal up to rounding of the largest term.
    tolerance = 64 * np.finfo(z.dtype).eps * np.abs(z).sum(axis=-1, keepdims=True)
    assert np.all(np.abs(got_sum - expected_sum) <= tolerance)


@pytest.mark.parametrize("rows", [1, FEW_ROWS - 1, FEW_ROWS, 500])
def test_row_max_is_the_same_maximum_for_few_rows_and_many(rows):
    """One image goes row by row, a batch through the transposed copy: same answer."""
    z = np.random.default_rng(rows).standard_normal((rows, 10))
    np.testing.assert_array_equal(row_max(z), z.max(axis=1, keepdims=True))


def test_row_sum_of_booleans_and_small_integers_is_their_sum():
    np.testing.assert_array_equal(row_sum(np.array([[True, True, False]])), [[2]])
    np.testing.assert_array_equal(row_sum(np.array([[200, 100]], dtype=np.uint8)),
                                  np.array([[200, 100]], dtype=np.uint8).sum(axis=1,
                                                                             keepdims=True))


def test_row_max_and_row_sum_do_not_change_their_input():
    z = np.arange(12.0).reshape(3, 4)[:, ::-1]  # a non-contiguous view, too
    before = z.copy()
    np.testing.assert_array_equal(row_max(z), [[3.0], [7.0], [11.0]])
    np.testing.assert_array_equal(row_sum(z), [[6.0], [22.0], [38.0]])
    np.testing.assert_array_equal(z, before)


def test_ones_vector_is_shared_and_read_only():
    ones = ones_vector(5, np.dtype(np.float32))
    assert ones.dtype == np.float32 and ones.tolist() == [1.0] * 5
    with pytest.raises(ValueError):
        ones[0] = 2.0  # nobody can change what every sum relies on


def test_column_sum_is_the_sum_over_rows():
    z = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(column_sum(z), z.sum(axis=0))
    assert column_sum(z.astype(np.float32)).dtype == np.float32


@given(
    hnp.arrays(
        st.sampled_from([np.float32, np.float64]),
        hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=12),
        elements=st.sampled_from([0.0, -1.5, 3e38, -3e38, np.inf, -np.inf, np.nan]),
    )
)
def test_all_finite_answers_like_numpy(values):
    assert all_finite(values) == bool(np.isfinite(values).all())


@given(
    hnp.arrays(
        st.sampled_from([np.float32, np.float64]),
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=40),
        elements=st.floats(-1e4, 1e4, allow_nan=False, width=32),
    )
)
def test_relu_is_bit_for_bit_the_maximum_with_zero(z):
    """ReLU is exactly the maximum with 0, signed zeros included."""
    z[0, 0] = -0.0
    expected = np.maximum(z, 0.0)
    got = get_activation("relu").forward(z)
    assert got.dtype == z.dtype
    np.testing.assert_array_equal(got.view(np.uint8), expected.view(np.uint8))


@pytest.mark.parametrize("shape", ["one-image", "one-row", "batch", "too-big-to-keep-zeros"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_at_least_zero_is_numpys_maximum_with_zero(shape, dtype):
    """Kept zeros or not, ``at_least_zero`` is ``np.maximum(z, 0.0)``: values, dtype, NaN."""
    shape = {"one-image": (32,), "one-row": (1, FEW_NUMBERS), "batch": (200, 100),
             "too-big-to-keep-zeros": (KEEP_ZEROS_UP_TO // np.dtype(dtype).itemsize + 1,)}[shape]
    z = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    z.flat[:3] = [np.nan, -np.inf, np.inf]
    got = at_least_zero(z)
    assert got.dtype == dtype and got.shape == z.shape
    np.testing.assert_array_equal(got, np.maximum(z, 0.0))
    assert np.isnan(got.flat[0]) and got.flat[1] == 0 and got.flat[2] == np.inf
    kept = zeros_of.cache_info().currsize
    at_least_zero(z)
    assert zeros_of.cache_info().currsize == kept  # every shape's zeros made at most once


def test_relu_still_takes_plain_numbers():
    np.testing.assert_array_equal(get_activation("relu").forward([-1.0, 2.0]), [0.0, 2.0])


def test_kept_zeros_are_shared_and_read_only():
    zeros = zeros_of((2, 3), np.dtype(np.float64))
    assert zeros is zeros_of((2, 3), np.dtype(np.float64)) and not zeros.any()
    with pytest.raises(ValueError):
        zeros[0, 0] = 1.0  # every ReLU compares with them
