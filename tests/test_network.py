"""The network (glassnet.core.network): forward, backward by hand, answers, validation, seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from glassnet.core.activations import Activation
from glassnet.core.network import Network, Trace
from glassnet.core.optimizers import SGD, Adam
from glassnet.data.dataset import Dataset
from glassnet.errors import ConfigError, DataError

STRICT = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "identity", "softmax")


def _s(z: float) -> float:
    """The logistic sigmoid of one number."""
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------------- by hand


def _tiny_network() -> Network:
    """2 inputs -> 2 sigmoid hidden neurons -> 1 sigmoid output, weights set by hand."""
    net = Network([2, 2, 1], "sigmoid", "sigmoid", seed=0)
    net.set_weights(0, [[0.1, -0.2], [0.3, 0.4]], [0.05, -0.1])
    net.set_weights(1, [[0.7], [-0.6]], [0.2])
    return net


def _by_hand(x1: float, x2: float, target: float) -> dict:
    """One image through the tiny network, and its squared-error slopes, written out.

    Loss (o - target)^2, so dLoss/do = 2 (o - target); sigmoid'(z) = s (1 - s).
    """
    z1 = x1 * 0.1 + x2 * 0.3 + 0.05
    z2 = x1 * -0.2 + x2 * 0.4 - 0.1
    h1, h2 = _s(z1), _s(z2)
    z_out = 0.7 * h1 - 0.6 * h2 + 0.2
    o = _s(z_out)
    delta_out = 2 * (o - target) * o * (1 - o)
    delta1 = delta_out * 0.7 * h1 * (1 - h1)
    delta2 = delta_out * -0.6 * h2 * (1 - h2)
    return {
        "z": (z1, z2, z_out),
        "hidden": (h1, h2),
        "output": o,
        "loss": (o - target) ** 2,
        "W0": [[x1 * delta1, x1 * delta2], [x2 * delta1, x2 * delta2]],
        "b0": [delta1, delta2],
        "W1": [[h1 * delta_out], [h2 * delta_out]],
        "b1": [delta_out],
    }


X_TINY = np.array([[1.0, 0.5], [0.0, 1.0]])
Y_TINY = np.array([1, 0])


def test_forward_pass_by_hand():
    """The tiny network's weighted sums, hidden values and output equal the arithmetic."""
    net = _tiny_network()
    first, second = _by_hand(1.0, 0.5, 1), _by_hand(0.0, 1.0, 0)
    # image 1: z1 = 0.1 + 0.15 + 0.05 = 0.3, z2 = -0.2 + 0.2 - 0.1 = -0.1
    assert first["z"][:2] == pytest.approx((0.3, -0.1), rel=1e-12)
    trace = net.trace(X_TINY)
    np.testing.assert_allclose(trace.weighted_sums[0], [first["z"][:2], second["z"][:2]],
                               rtol=1e-14)
    np.testing.assert_allclose(trace.activations[0], [first["hidden"], second["hidden"]],
                               rtol=1e-14)
    np.testing.assert_allclose(net.forward(X_TINY)[:, 0], [first["output"], second["output"]],
                               rtol=1e-14)
    assert net.loss(X_TINY, Y_TINY, "squared_error") == pytest.approx(
        (first["loss"] + second["loss"]) / 2, rel=1e-14)


def test_backward_gives_the_slopes_of_the_mean_loss_by_hand():
    """backward returns the slope of the loss averaged over the batch, layer by layer."""
    net = _tiny_network()
    first, second = _by_hand(1.0, 0.5, 1), _by_hand(0.0, 1.0, 0)
    loss, grads = net.backward(net.check_inputs(X_TINY), net.targets(Y_TINY), "squared_error")
    assert loss == pytest.approx((first["loss"] + second["loss"]) / 2, rel=1e-14)
    for index, name in enumerate(["W0", "b0", "W1", "b1"]):
        expected = (np.array(first[name]) + np.array(second[name])) / 2
        np.testing.assert_allclose(grads[index], expected, rtol=1e-12, err_msg=name)


@pytest.mark.parametrize(("output", "loss", "l2"), [("softmax", "cross_entropy", 0.0),
                                                   ("sigmoid", "squared_error", 0.01),
                                                   ("sigmoid", "cross_entropy", 0.0)])
def test_gradients_are_backwards_slopes_without_the_loss(output, loss, l2):
    """``gradients`` (what a training step uses) gives exactly the slopes of ``backward``."""
    net = Network([6, 5, 4, 3], activation="tanh", output=output, seed=3)
    rng = np.random.default_rng(0)
    X = net.check_inputs(rng.random((7, 6)))
    Y = net.targets(rng.integers(0, 3, size=7))
    _, expected = net.backward(X, Y, loss, l2=l2)
    got = net.gradients(X, Y, loss, l2=l2)
    assert len(got) == len(expected) == len(net.parameters())
    for g, e, p in zip(got, expected, net.parameters(), strict=True):
        assert g.shape == p.shape and g.dtype == p.dtype
        np.testing.assert_array_equal(g, e)


def test_parameters_are_the_live_weights_and_gradients_match_their_shapes():
    """Changing parameters() changes the network; get_parameters() and copy() do not."""
    net = Network([5, 4, 3], seed=1)
    X = net.check_inputs(np.random.default_rng(0).random((6, 5)))
    before = net.forward(X).copy()
    snapshot = net.get_parameters()
    net.parameters()[0][0, 0] += 1.0  # the live array: the network's own first weight
    assert net.layers[0].W[0, 0] == snapshot[0][0, 0] + 1.0
    assert not np.array_equal(net.forward(X), before)
    net.set_parameters(snapshot)
    np.testing.assert_array_equal(net.forward(X), before)
    gradients = net.gradients(X, net.targets([0, 1, 2, 0, 1, 2]))
    assert [g.shape for g in gradients] == [p.shape for p in net.parameters()]
    clone = net.copy()
    for array in clone.parameters():
        array[...] = 0.0
    np.testing.assert_array_equal(net.forward(X), before)  # the copy is independent


def test_pickle_and_deepcopy_give_the_same_network_and_store_the_weights_once():
    import copy
    import pickle

    net = Network([64, 32, 10], seed=4, dtype=np.float32)
    data = pickle.dumps(net)
    assert len(data) < 1.2 * 4 * net.n_parameters  # the weights once, not twice
    for clone in (pickle.loads(data), copy.deepcopy(net)):
        for a, b in zip(clone.parameters(), net.parameters(), strict=True):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(clone.predict(np.eye(64)), net.predict(np.eye(64)))
        for array in clone.parameters():
            array[...] = 0.0  # independent of the original
        assert net.layers[0].W.any()


@pytest.mark.parametrize("optimizer", [lambda: Adam(0.01), lambda: SGD(0.1, momentum=0.9),
                                       lambda: SGD(0.1, momentum=0.9, nesterov=True)])
def test_a_layer_with_its_own_arrays_trains_bit_for_bit_the_same(optimizer):
    """A layer's W replaced by an array of its own trains to exactly the same numbers."""
    from glassnet import train

    rng = np.random.default_rng(5)
    X, y = rng.random((40, 6)), rng.integers(0, 3, size=40)
    flat, separate = Network([6, 5, 3], seed=2), Network([6, 5, 3], seed=2)
    separate.layers[0].W = separate.layers[0].W.copy()
    for net in (flat, separate):
        train(net, (X, y), optimizer=optimizer(), epochs=3, batch_size=8, input_noise=0.0,
              average_from=None, score_training=False)
    for a, b in zip(flat.parameters(), separate.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_one_sgd_step_by_hand():
    """SGD(learning_rate=0.5) moves each weight by -0.5 times its hand-derived mean slope."""
    net = _tiny_network()
    first, second = _by_hand(1.0, 0.5, 1), _by_hand(0.0, 1.0, 0)
    before = {"W0": [[0.1, -0.2], [0.3, 0.4]], "b0": [0.05, -0.1], "W1": [[0.7], [-0.6]],
              "b1": [0.2]}
    _, grads = net.backward(net.check_inputs(X_TINY), net.targets(Y_TINY), "squared_error")
    SGD(learning_rate=0.5).step(net.parameters(), grads)
    for param, name in zip(net.parameters(), ["W0", "b0", "W1", "b1"], strict=True):
        slope = (np.array(first[name]) + np.array(second[name])) / 2
        np.testing.assert_allclose(param, np.array(before[name]) - 0.5 * slope, rtol=1e-12,
                                   err_msg=name)
    # The step went downhill.
    assert net.loss(X_TINY, Y_TINY, "squared_error") < (first["loss"] + second["loss"]) / 2


def test_l2_adds_half_l2_times_squared_weights_and_its_slope():
    """objective with l2: mean loss + l2/2 * sum(W**2) (biases excluded); slope + l2 * W."""
    net = _tiny_network()
    X, Y = net.check_inputs(X_TINY), net.targets(Y_TINY)
    plain, plain_grads = net.backward(X, Y, "squared_error")
    decayed, decayed_grads = net.backward(X, Y, "squared_error", l2=0.1)
    squares = 0.1**2 + 0.2**2 + 0.3**2 + 0.4**2 + 0.7**2 + 0.6**2
    assert decayed == pytest.approx(plain + 0.05 * squares, rel=1e-14)
    assert net.objective(X, Y, "squared_error", l2=0.1) == pytest.approx(decayed, rel=1e-14)
    np.testing.assert_allclose(decayed_grads[0], plain_grads[0] + 0.1 * net.layers[0].W)
    np.testing.assert_allclose(decayed_grads[1], plain_grads[1])  # biases: no decay


# ---------------------------------------------------------------------- stability


def _huge_sum_network(output: str, n_outputs: int) -> tuple[Network, np.ndarray]:
    """No hidden layer; the output sums of the two images are +-1e4 (set by hand)."""
    net = Network([2, n_outputs], "relu", output, seed=0)
    weights = np.zeros((2, n_outputs))
    weights[0, 0] = 1e4
    if n_outputs > 1:
        weights[0, 1] = -1e4
    net.set_weights(0, weights, np.zeros(n_outputs))
    X = np.array([[1.0, 0.0], [-1.0, 0.0]])  # sums [1e4, -1e4] and [-1e4, 1e4]
    return net, X


@pytest.mark.parametrize(("output", "n_outputs"), [("softmax", 2), ("sigmoid", 2),
                                                   ("sigmoid", 1)])
@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
def test_sums_of_ten_thousand_give_finite_losses_and_slopes(output, n_outputs, loss):
    """Confidently right and confidently wrong answers: finite loss, finite slopes, no overflow."""
    net, X = _huge_sum_network(output, n_outputs)
    with np.errstate(**STRICT):
        z = net.trace(X).weighted_sums[-1]
        assert np.abs(z).max() == 1e4
        for y in ([0, 0], [0, 1], [1, 0]):
            Y = net.targets(y)
            value, grads = net.backward(net.check_inputs(X), Y, loss, l2=0.01)
            assert math.isfinite(value)
            assert value == pytest.approx(net.objective(X, Y, loss, l2=0.01))
            assert all(np.isfinite(g).all() for g in grads)
            proba = net.predict_proba(X)
            assert np.isfinite(proba).all()


def test_confidently_wrong_cross_entropy_costs_the_size_of_the_sum():
    """softmax sums [1e4, -1e4] for a class-1 image: -log p = 2e4, exactly, not inf."""
    net, X = _huge_sum_network("softmax", 2)
    with np.errstate(**STRICT):
        assert net.loss(X[:1], [1], "cross_entropy") == 2e4
        assert net.loss(X[:1], [0], "cross_entropy") == 0.0


def test_saturated_hidden_sigmoids_give_finite_slopes():
    """Hidden sigmoids pushed to +-1e4 stay finite through backpropagation."""
    net = Network([2, 2, 3], "sigmoid", "softmax", seed=0)
    net.set_weights(0, [[1e4, -1e4], [0.0, 0.0]], [0.0, 0.0])
    with np.errstate(**STRICT):
        _, grads = net.backward(net.check_inputs([[1.0, 0.0], [-1.0, 2.0]]),
                                net.targets([0, 2]), "cross_entropy")
    assert all(np.isfinite(g).all() for g in grads)
    np.testing.assert_array_equal(grads[0], 0.0)  # saturated: no slope reaches the first layer


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", ["forward", "predict", "predict_proba", "trace"])
def test_nan_or_inf_input_raises_data_error_never_class_zero(method, bad):
    """A NaN or infinite pixel is refused, not silently answered with class 0."""
    net = Network([3, 4, 2], seed=0)
    X = np.array([[0.1, 0.2, 0.3], [0.4, bad, 0.6]])
    with pytest.raises(DataError, match="NaN or infinite"):
        getattr(net, method)(X)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
def test_a_finite_input_too_large_for_float32_is_called_too_large_not_infinite():
    net = Network([3, 4, 2], seed=0, dtype="float32")
    with pytest.raises(DataError, match="too large for this float32 network: it holds "
                                        "numbers up to about 3.4e"):
        net.predict([[0.1, 1e308, 0.3]])
    with pytest.raises(DataError, match=r"give numbers on the scale it was trained on \(pixels"):
        net.predict([[0.1, 1e308, 0.3]])  # a table's columns need not be pixels
    with pytest.raises(DataError, match="NaN or infinite"):
        net.predict([[0.1, np.inf, 0.3]])


def test_an_int_beyond_any_float_is_a_data_error_everywhere_it_can_come_in():
    """10**400 (valid Python and JSON) made NumPy raise a bare OverflowError."""
    net = Network([3, 4, 2], seed=0)
    huge = [[0.1, 10**400, 0.3]]
    too_large = "a number is too large for any float"
    with pytest.raises(DataError, match=f"inputs: {too_large}"):
        net.predict(huge)
    with pytest.raises(DataError, match=f"ideal outputs: {too_large}"):
        net.backward([[0.1, 0.2, 0.3]], [[10**400, 0.0]])
    before = [p.copy() for p in net.parameters()]
    with pytest.raises(DataError, match=f"parameter: {too_large}"):
        net.set_parameters([np.full((3, 4), 10**400, dtype=object), np.zeros(4),
                            np.zeros((4, 2)), np.zeros(2)])
    with pytest.raises(DataError, match=f"layer 1 biases: {too_large}"):
        net.set_weights(1, bias=[10**400, 0])
    with pytest.raises(DataError, match="layer 0 weights must be numbers"):
        net.set_weights(0, [["a"] * 4] * 3)
    with pytest.raises(DataError, match=f"layer 0 biases: {too_large}"):
        net.set_weights(0, np.ones((3, 4)), bias=[10**400] * 4)  # the weights stay too
    with pytest.raises(DataError, match="layer 0 biases must have shape"):
        net.set_weights(0, np.ones((3, 4)), bias=[0.0] * 5)
    for kept, now in zip(before, net.parameters(), strict=True):
        np.testing.assert_array_equal(kept, now)
    with pytest.raises(DataError, match=f"X: {too_large}"):
        Dataset(huge * 2, [0, 1])
    with pytest.raises(ConfigError, match="learning_rate must be a finite number; this one "
                                          "is too large"):
        SGD(learning_rate=10**400)
    with pytest.raises(DataError, match="whole-number labels must lie between -2"):
        Dataset([[0.0], [1.0]], [0, 10**400])
    with pytest.raises(DataError, match="whole-number labels must lie between -2"):
        Dataset([[0.0], [1.0]], np.array([0, 2**64 - 1], dtype=np.uint64))  # not -1
    with pytest.raises(ConfigError, match="a network of about 10.400 weights needs about "
                                          "10.395 MiB"):
        Network([3, 10**400, 2])


def test_an_int_beyond_any_float_reaching_train_or_evaluate_is_refused():
    import glassnet as gn

    net = Network([3, 4, 2], seed=0)
    data = ([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]], [0, 1])
    with pytest.raises(DataError, match="X: a number is too large for any float"):
        gn.train(net, ([[0.1, 10**400, 0.3], [0.3, 0.2, 0.1]], [0, 1]), epochs=1)
    with pytest.raises(DataError, match="inputs: a number is too large for any float"):
        gn.evaluate(net, ([[0.1, 10**400, 0.3]], [0]))
    for setting in ("l2", "input_noise"):
        with pytest.raises(ConfigError, match=f"{setting} must be a finite number; this one "
                                              "is too large"):
            gn.train(net, data, epochs=1, **{setting: 10**400})


def test_nan_input_to_loss_raises_data_error():
    """net.loss checks its inputs the same way."""
    net = Network([3, 2], seed=0)
    with pytest.raises(DataError):
        net.loss([[0.1, np.nan, 0.3]], [0])


@pytest.mark.parametrize("X", [np.zeros((2, 63)), np.zeros((2, 65)), np.zeros(10),
                               np.zeros((2, 8, 8)), np.zeros((0, 64)), [["a"] * 64]],
                         ids=["63-wide", "65-wide", "short-vector", "3d", "no-rows", "strings"])
@pytest.mark.parametrize("method", ["forward", "predict", "predict_proba", "trace"])
def test_wrong_inputs_raise_data_error(method, X):
    """Wrong width, wrong number of dimensions, no rows or non-numbers: DataError."""
    net = Network([64, 10], seed=0)
    with pytest.raises(DataError):
        getattr(net, method)(X)


def test_one_image_may_be_a_flat_vector():
    """A single image of 64 numbers is accepted and treated as one row."""
    net = Network([64, 10], seed=0)
    x = np.linspace(0, 1, 64)
    np.testing.assert_array_equal(net.forward(x), net.forward(x[None, :]))
    assert net.predict(x).shape == (1,)


# ---------------------------------------------------------------------- seeds


def _assert_same_weights(a: Network, b: Network) -> None:
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert p.dtype == q.dtype
        assert np.array_equal(p, q)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_same_seed_gives_bitwise_identical_weights(dtype):
    """Same seed, same sizes: every weight equal bit for bit (float32 and float64)."""
    a = Network([64, 32, 16, 10], "relu", "softmax", seed=42, dtype=dtype)
    b = Network([64, 32, 16, 10], "relu", "softmax", seed=42, dtype=dtype)
    _assert_same_weights(a, b)
    assert a.parameters()[0].dtype == dtype


def test_different_seeds_give_different_weights():
    """Seeds 0 and 1 start every weight array differently."""
    a = Network([64, 32, 10], seed=0)
    b = Network([64, 32, 10], seed=1)
    for p, q in zip(a.parameters()[::2], b.parameters()[::2], strict=True):
        assert not np.array_equal(p, q)


def test_a_generator_seed_is_used_and_advanced():
    """Equal generators give equal networks; one generator used twice gives two networks."""
    _assert_same_weights(Network([8, 4, 3], seed=np.random.default_rng(7)),
                         Network([8, 4, 3], seed=np.random.default_rng(7)))
    rng = np.random.default_rng(7)
    first, second = Network([8, 4, 3], seed=rng), Network([8, 4, 3], seed=rng)
    assert not np.array_equal(first.parameters()[0], second.parameters()[0])


def test_global_numpy_random_state_is_untouched():
    """Building, running and training a network never draws from np.random's global state."""
    before = np.random.get_state()
    net = Network([64, 16, 10], seed=5)
    X = np.full((4, 64), 0.5)
    net.predict(X)
    _, grads = net.backward(net.check_inputs(X), net.targets([0, 1, 2, 3]))
    SGD(learning_rate=0.1, momentum=0.9).step(net.parameters(), grads)
    net.copy()
    after = np.random.get_state()
    assert before[0] == after[0]
    assert np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_starting_weights_are_scaled_to_the_fan_in_and_biases_start_at_zero():
    """He scaling sqrt(2 / n_in) before ReLU, Glorot sqrt(2 / (n_in + n_out)) otherwise."""
    relu = Network([400, 300, 2], "relu", "sigmoid", seed=0)
    assert relu.layers[0].W.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    assert relu.layers[1].W.std() == pytest.approx(math.sqrt(2 / 302), rel=0.1)
    tanh = Network([400, 300], "tanh", "tanh", seed=0)
    assert tanh.layers[0].W.std() == pytest.approx(math.sqrt(2 / 700), rel=0.02)
    assert all(np.array_equal(layer.b, np.zeros_like(layer.b)) for layer in relu.layers)


# ---------------------------------------------------------------------- construction


@pytest.mark.parametrize("sizes", [[64], [], [64, 0], [64, -3], [64, 0, 10], [64, 2.5],
                                   [64.5, 10], ["a", 10], None])
def test_bad_sizes_raise_config_error(sizes):
    """At least an input and an output size, each a whole number of at least one neuron."""
    with pytest.raises(ConfigError):
        Network(sizes)


@pytest.mark.parametrize("keyword", ["activation", "output"])
def test_unknown_activation_lists_the_valid_names(keyword):
    """A misspelt activation is a ConfigError naming every valid one."""
    with pytest.raises(ConfigError) as raised:
        Network([64, 10], **{keyword: "sigmoyd"})
    for name in ACTIVATION_NAMES:
        assert name in str(raised.value)


def test_softmax_needs_more_than_one_output_and_is_not_a_hidden_activation():
    """Softmax over one neuron is always 1; softmax in a hidden layer is refused."""
    with pytest.raises(ConfigError, match="sigmoid"):
        Network([64, 1], "relu", "softmax")
    with pytest.raises(ConfigError, match="for hidden layers choose one of: sigmoid, tanh, "
                                          "relu, identity$"):
        Network([64, 16, 10], "softmax", "softmax")
    with pytest.raises(ConfigError, match="unknown hidden activation 'sigmoyd'; choose one of: "
                                          "sigmoid, tanh, relu, identity$"):
        Network([64, 16, 10], "sigmoyd")
    assert Network([64, 10], "softmax").hidden_activation.name == "softmax"  # never used


@pytest.mark.parametrize("dtype", [np.float16, np.int64, "float128-ish", np.complex128])
def test_unsupported_dtype_raises_config_error(dtype):
    """Only float32 and float64 networks exist."""
    with pytest.raises(ConfigError):
        Network([64, 10], dtype=dtype)


@pytest.mark.parametrize(("classes", "n_outputs"), [([0, 1, 2], 2), (["a", "a"], 2),
                                                    ([[0, 1]], 2), ([0, 1, 2], 1)])
def test_bad_classes_raise_config_error(classes, n_outputs):
    """One distinct label per output neuron (two for a single output neuron)."""
    with pytest.raises(ConfigError):
        Network([4, n_outputs], "sigmoid", "sigmoid", classes=classes)


@pytest.mark.parametrize("n_outputs", [1, 2, 10])
def test_no_hidden_layer_works(n_outputs):
    """[64, k]: one layer of weights, straight from pixels to output neurons."""
    net = Network([64, n_outputs], "sigmoid", "sigmoid", seed=0)
    X = np.random.default_rng(0).random((5, 64))
    y = np.arange(5) % max(n_outputs, 2)
    assert len(net.layers) == 1
    assert net.n_parameters == 64 * n_outputs + n_outputs
    assert net.forward(X).shape == (5, n_outputs)
    assert net.predict(X).shape == (5,)
    assert net.predict_proba(X).shape == (5, max(n_outputs, 2))
    _, grads = net.backward(net.check_inputs(X), net.targets(y), "squared_error")
    assert [g.shape for g in grads] == [(64, n_outputs), (n_outputs,)]


def test_description_of_a_network():
    """Sizes, parameter count and config of a 64-32-10 network."""
    net = Network([64, 32, 10], "tanh", "softmax", seed=0, dtype=np.float32)
    assert (net.n_inputs, net.n_outputs) == (64, 10)
    assert net.n_parameters == 64 * 32 + 32 + 32 * 10 + 10
    assert net.config() == {"sizes": [64, 32, 10], "activation": "tanh", "output": "softmax",
                            "dtype": "float32", "classes": list(range(10))}
    assert repr(net) == "Network(64-32-10, tanh hidden, softmax output, 2,410 parameters, float32)"
    assert repr(Network([64, 10])) == (
        "Network(64-10, no hidden layer, softmax output, 650 parameters, float64)")


# ---------------------------------------------------------------------- answers


def test_single_sigmoid_output_predicts_with_threshold_one_half():
    """One output neuron: classes[1] when its value is at least 0.5, else classes[0]."""
    net = Network([1, 1], "sigmoid", "sigmoid", seed=0, classes=["no", "yes"])
    net.set_weights(0, [[1.0]], [0.0])  # output = sigmoid(x)
    X = np.array([[0.0], [-1e-6], [1e-6], [-3.0], [3.0]])
    assert net.forward(X)[0, 0] == 0.5
    assert net.predict(X).tolist() == ["yes", "no", "yes", "no", "yes"]


def test_several_outputs_predict_the_largest_not_a_threshold():
    """Two sigmoid outputs of 0.3 and 0.4: the answer is the larger, though both are below 0.5."""
    net = Network([1, 2], "sigmoid", "sigmoid", seed=0)
    net.set_weights(0, [[0.0, 0.0]], [math.log(0.3 / 0.7), math.log(0.4 / 0.6)])
    np.testing.assert_allclose(net.forward([[1.0]]), [[0.3, 0.4]])
    assert net.predict([[1.0]]).tolist() == [1]


def test_predict_returns_string_class_labels():
    """With classes=['a', 'b', 'c'] the answers are those labels, by largest output."""
    net = Network([3, 3], "relu", "softmax", seed=0, classes=["a", "b", "c"])
    net.set_weights(0, np.eye(3), np.zeros(3))  # output k is largest when pixel k is
    X = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.2, 0.9, 0.1]])
    assert net.predict(X).tolist() == ["c", "a", "b"]
    np.testing.assert_array_equal(net.targets(["b"]), [[0.0, 1.0, 0.0]])


@pytest.mark.parametrize("sizes", [[64, 10], [64, 32, 10], [64, 16, 8, 10]],
                         ids=["no-hidden", "one-hidden", "two-hidden"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_predict_reads_the_same_sums_as_the_traced_forward_pass(sizes, dtype):
    """predict's lean pass (one image as a flat vector) agrees with trace, image by image.

    Each answer is the largest of the output sums ``trace`` records, for a batch and for
    every image asked alone, as a row or as a flat vector.
    """
    net = Network(sizes, seed=3, dtype=dtype, classes=list("abcdefghij"))
    X = np.random.default_rng(1).random((40, 64))
    traced = net.trace(X).weighted_sums[-1]
    expected = net.classes[traced.argmax(axis=1)]
    np.testing.assert_array_equal(net.predict(X), expected)
    for image, answer in zip(X, expected, strict=True):
        assert net.predict(image).tolist() == [answer]
        assert net.predict(image[np.newaxis]).tolist() == [answer]
    np.testing.assert_allclose(net._output_sums(net.check_inputs(X[:1])), traced[:1],
                               rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_predict_gives_a_custom_activation_its_row_for_one_image():
    """An Activation of the user's that works on rows gets (1, units), never a flat vector."""
    class CentreEachRow(Activation):
        name = "centred"

        def forward(self, z):
            return z - z.mean(axis=1, keepdims=True)  # needs the rows' axis

    net = Network([64, 16, 10], activation=CentreEachRow(), seed=0)
    X = np.random.default_rng(0).random((5, 64))
    expected = net.classes[net.trace(X).weighted_sums[-1].argmax(axis=1)]
    assert [net.predict(image)[0] for image in X] == expected.tolist()


@pytest.mark.parametrize(
    ("output", "n_outputs"),
    [(output, n) for output in ("softmax", "sigmoid", "identity", "tanh", "relu")
     for n in (1, 2, 5) if not (output == "softmax" and n == 1)],
)
def test_predict_proba_rows_are_probabilities(output, n_outputs):
    """Rows are >= 0 and sum to 1, and agree with predict, for every output kind."""
    net = Network([6, 4, n_outputs], "tanh", output, seed=3)
    net.set_weights(1, bias=np.linspace(-0.5, 0.5, n_outputs))
    X = np.random.default_rng(0).random((20, 6))
    proba = net.predict_proba(X)
    assert proba.shape == (20, max(n_outputs, 2))
    assert np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    if n_outputs > 1:
        np.testing.assert_array_equal(net.classes[proba.argmax(axis=1)], net.predict(X))


def test_predict_proba_of_a_single_output_is_one_minus_p_and_p():
    """A single sigmoid output p becomes [1 - p, p]."""
    net = Network([2, 1], "sigmoid", "sigmoid", seed=0)
    X = np.array([[0.3, -0.2], [1.0, 2.0]])
    p = net.forward(X)[:, 0]
    np.testing.assert_allclose(net.predict_proba(X), np.column_stack([1 - p, p]))


def test_predict_proba_of_several_sigmoids_divides_by_their_sum():
    """Sigmoid outputs 0.3 and 0.1 become 0.75 and 0.25."""
    net = Network([1, 2], "sigmoid", "sigmoid", seed=0)
    net.set_weights(0, [[0.0, 0.0]], [math.log(0.3 / 0.7), math.log(0.1 / 0.9)])
    np.testing.assert_allclose(net.predict_proba([[0.0]]), [[0.75, 0.25]])


def test_trace_keeps_every_layer():
    """One z and one a per layer, of the layer's width; a = f(z); outputs equal forward."""
    net = Network([5, 4, 3, 2], "tanh", "softmax", seed=0)
    net.set_weights(1, bias=[0.1, -0.2, 0.3])
    X = np.random.default_rng(1).random((7, 5))
    trace = net.trace(X)
    assert isinstance(trace, Trace)
    assert [z.shape for z in trace.weighted_sums] == [(7, 4), (7, 3), (7, 2)]
    assert [a.shape for a in trace.activations] == [(7, 4), (7, 3), (7, 2)]
    np.testing.assert_array_equal(trace.inputs, X)
    previous = X
    for layer, z, a in zip(net.layers, trace.weighted_sums, trace.activations, strict=True):
        np.testing.assert_allclose(z, previous @ layer.W + layer.b, rtol=1e-14)
        np.testing.assert_array_equal(a, layer.activation.forward(z))
        previous = a
    np.testing.assert_array_equal(trace.outputs, net.forward(X))


# ---------------------------------------------------------------------- weights


def test_set_weights_sets_one_layer_by_hand():
    """set_weights overwrites one layer's W and b in place; a flat vector suits one neuron."""
    net = Network([64, 1], "sigmoid", "sigmoid", seed=0)
    live = net.layers[0].W
    net.set_weights(0, np.arange(64) / 64, [0.5])
    assert net.layers[0].W is live
    np.testing.assert_array_equal(net.layers[0].W[:, 0], np.arange(64) / 64)
    assert net.layers[0].b.tolist() == [0.5]


@pytest.mark.parametrize(
    ("weights", "bias"),
    [(np.zeros((3, 2)), None), (np.zeros((2, 3)), None), (None, np.zeros(3)),
     (np.full((2, 2), np.nan), None), (None, [0.0, np.inf]), (np.zeros(2), None)],
    ids=["transposed", "too-wide", "bias-too-long", "nan-weights", "inf-bias", "vector-for-two"],
)
def test_set_weights_refuses_wrong_shapes_and_non_finite_values(weights, bias):
    """Wrong shapes and NaN/inf are a DataError; the layer keeps its old weights."""
    net = Network([2, 2], seed=0)
    before = net.get_parameters()
    with pytest.raises(DataError):
        net.set_weights(0, weights, bias)
    for old, new in zip(before, net.parameters(), strict=True):
        assert np.array_equal(old, new)


@pytest.mark.parametrize("layer", [1, 5, "0"])
def test_set_weights_of_a_missing_layer_is_a_config_error(layer):
    """A network with one layer of weights has no layer 1."""
    with pytest.raises(ConfigError):
        Network([2, 2], seed=0).set_weights(layer, np.zeros((2, 2)))


def test_get_and_set_parameters_round_trip():
    """get_parameters gives copies; set_parameters puts them back exactly, in place."""
    net = Network([6, 5, 3], seed=0)
    snapshot = net.get_parameters()
    live = net.parameters()
    for p in live:
        p += 1.0  # training moves the weights
    assert not np.array_equal(snapshot[0], net.parameters()[0])
    net.set_parameters(snapshot)
    for p, old, now in zip(live, snapshot, net.parameters(), strict=True):
        assert p is now  # still the same live arrays
        assert np.array_equal(now, old)
    snapshot[0][0, 0] = 123.0  # changing the snapshot changes nothing in the network
    assert net.parameters()[0][0, 0] != 123.0


def test_set_parameters_checks_everything_before_changing_anything():
    """A bad last array (shape or NaN) leaves all earlier arrays untouched."""
    net = Network([3, 2, 2], seed=0)
    before = net.get_parameters()
    wrong_shape = [np.zeros_like(p) for p in before[:-1]] + [np.zeros(3)]
    with_nan = [np.zeros_like(p) for p in before[:-1]] + [np.array([0.0, np.nan])]
    for arrays in (wrong_shape, with_nan, before[:-1]):
        with pytest.raises(DataError):
            net.set_parameters(arrays)
        for old, new in zip(before, net.parameters(), strict=True):
            assert np.array_equal(old, new)


def test_copy_is_independent():
    """A copy answers the same, and changing either one leaves the other alone."""
    net = Network([4, 3, 2], "tanh", "softmax", seed=0, classes=["x", "y"])
    clone = net.copy()
    X = np.random.default_rng(0).random((3, 4))
    np.testing.assert_array_equal(clone.forward(X), net.forward(X))
    assert clone.config() == net.config()
    clone.set_weights(0, np.zeros((4, 3)))
    clone.classes[0] = "z"
    assert not np.array_equal(clone.layers[0].W, net.layers[0].W)
    assert net.classes.tolist() == ["x", "y"]
    for p, q in zip(net.parameters(), clone.parameters(), strict=True):
        assert p is not q


# ---------------------------------------------------------------------- labels


def test_targets_are_one_hot_rows():
    """The ideal output: 1 for the right class's neuron, 0 for the others."""
    net = Network([4, 3], seed=0)
    np.testing.assert_array_equal(net.targets([2, 0, 2]),
                                  [[0, 0, 1], [1, 0, 0], [0, 0, 1]])
    assert net.targets([1]).dtype == np.float64


def test_single_output_targets_are_a_column_of_zeros_and_ones():
    """One output neuron: ideal 1 for classes[1], 0 for classes[0]."""
    net = Network([4, 1], "sigmoid", "sigmoid", seed=0, classes=[3, 7])
    np.testing.assert_array_equal(net.targets([7, 3, 7]), [[1.0], [0.0], [1.0]])


def test_class_indices_follow_the_order_of_classes_not_sorted_order():
    """classes=['b', 'c', 'a']: 'a' is output neuron 2."""
    net = Network([4, 3], seed=0, classes=["b", "c", "a"])
    assert net.class_indices(["a", "b", "c", "a"]).tolist() == [2, 0, 1, 2]


@pytest.mark.parametrize(("classes", "labels"), [(None, [0, 3]), (None, [-1]), (None, ["a"]),
                                                  (["a", "b", "c"], ["d"]),
                                                  (["a", "b", "c"], [0])])
def test_unknown_labels_raise_data_error(classes, labels):
    """A label that is not one of the network's classes is a DataError, never a wrong index."""
    net = Network([4, 3], seed=0, classes=classes)
    with pytest.raises(DataError):
        net.class_indices(labels)
    with pytest.raises(DataError):
        net.targets(labels)


@pytest.mark.parametrize("labels", [[1], [0, 1], [0, 1, 2, 0]], ids=["one", "too-few", "too-many"])
def test_loss_needs_one_label_per_image(labels):
    """Three images and one label is a DataError, not that label broadcast to every image."""
    net = Network([4, 3], seed=0)
    with pytest.raises(DataError, match="one label per image"):
        net.loss(np.random.default_rng(0).random((3, 4)), labels)


@pytest.mark.parametrize("method", ["forward", "predict", "predict_proba", "trace"])
def test_overflowing_finite_input_raises_data_error_never_class_zero(method):
    """Finite inputs so large the weighted sums overflow to NaN are refused too."""
    net = Network([3, 4, 2], seed=0)
    net.set_weights(0, np.ones((3, 4)))  # every hidden sum: 3e308 = inf
    net.set_weights(1, [[1.0, -1.0], [-1.0, 1.0], [1.0, 1.0], [-1.0, -1.0]])  # inf - inf
    X = np.array([[1e308, 1e308, 1e308]])
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(DataError, match="overflow"):
        getattr(net, method)(X)


def test_backward_checks_its_inputs_like_forward():
    """Labels instead of ideal outputs, or plain lists: one clear DataError, or the slopes."""
    net = Network([4, 3, 2], seed=0)
    X = np.random.default_rng(0).random((5, 4))
    with pytest.raises(DataError, match=r"network.targets\(labels\)"):
        net.backward(X, [0, 1, 1, 0, 1])  # labels, not one-hot rows
    with pytest.raises(DataError, match="expected inputs of shape"):
        net.backward(X[:, :3], net.targets([0, 1, 1, 0, 1]))
    with pytest.raises(DataError, match="NaN"):
        net.backward(X, np.full((5, 2), np.nan))
    loss, from_lists = net.backward(X.tolist(), net.targets([0, 1, 1, 0, 1]).tolist())
    _, from_arrays = net.backward(X, net.targets([0, 1, 1, 0, 1]))
    for a, b in zip(from_lists, from_arrays, strict=True):
        np.testing.assert_array_equal(a, b)


def test_one_class_is_refused_as_one_class_not_as_a_softmax_to_change():
    """The softmax advice (output='sigmoid') would then ask for two labels: say why at once."""
    with pytest.raises(ConfigError, match="there is only one: \\[3\\]; give data with at least "
                                          "two labels"):
        Network([4, 1], classes=np.array([3]))
    with pytest.raises(ConfigError, match="there is only one"):
        Network([4, 1], output="sigmoid", classes=["a"])
