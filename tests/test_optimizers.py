"""The optimizers (glassnet.core.optimizers): each step equals its formula, written out here.

SGD, momentum, Nesterov and Adam are checked against the update rules in their
docstrings, computed independently in the test; Adam's folded bias correction is
checked against the textbook ``m_hat / (sqrt(v_hat) + epsilon)``. The article's
SlopeDescent is checked by what it does: it lowers the 0-vs-1 network's loss, its
measured slopes are backpropagation's, it hops one weight at a time, and it halves
the hop of a weight that overshot.
"""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.core.gradcheck import relative_error
from glassnet.core.network import Network
from glassnet.core.optimizers import OPTIMIZERS, SGD, Adam, SlopeDescent, get_optimizer
from glassnet.data.digits import load_digits
from glassnet.errors import ConfigError, DataError

P0 = np.array([[0.5, -1.0], [2.0, 0.25]])
P1 = np.array([0.1, -0.3])
GRADS_1 = [np.array([[0.2, -0.4], [1.0, 0.0]]), np.array([0.05, -0.5])]
GRADS_2 = [np.array([[-0.1, 0.3], [0.5, 2.0]]), np.array([0.0, 0.25])]
GRADS_3 = [np.array([[0.01, 0.3], [-0.7, 0.2]]), np.array([-0.05, 0.4])]


def _parameters():
    """Fresh copies of a small two-array parameter list."""
    return [P0.copy(), P1.copy()]


def _assert_all_close(actual, expected, rtol=1e-12):
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=1e-15)


# ---------------------------------------------------------------------- SGD


def test_sgd_step_is_weight_minus_learning_rate_times_slope():
    """w -= learning_rate * g, for every array, in place."""
    params = _parameters()
    live = params[0]
    SGD(learning_rate=0.3).step(params, GRADS_1)
    _assert_all_close(params, [P0 - 0.3 * GRADS_1[0], P1 - 0.3 * GRADS_1[1]])
    assert params[0] is live  # updated in place, not replaced


def test_sgd_momentum_two_steps_carry_the_velocity():
    """v = mu v - lr g; w += v: the second step includes mu times the first."""
    lr, mu = 0.1, 0.9
    params = _parameters()
    opt = SGD(learning_rate=lr, momentum=mu)
    opt.step(params, GRADS_1)
    opt.step(params, GRADS_2)
    expected = []
    for p, g1, g2 in zip(_parameters(), GRADS_1, GRADS_2, strict=True):
        v1 = -lr * g1
        p1 = p + v1
        v2 = mu * v1 - lr * g2
        expected.append(p1 + v2)
    _assert_all_close(params, expected)
    assert opt.step_count == 2


def test_sgd_nesterov_two_steps_look_ahead():
    """Nesterov: v = mu v - lr g; w += mu v - lr g."""
    lr, mu = 0.2, 0.5
    params = _parameters()
    opt = SGD(learning_rate=lr, momentum=mu, nesterov=True)
    opt.step(params, GRADS_1)
    opt.step(params, GRADS_2)
    expected = []
    for p, g1, g2 in zip(_parameters(), GRADS_1, GRADS_2, strict=True):
        v1 = -lr * g1
        p1 = p + mu * v1 - lr * g1
        v2 = mu * v1 - lr * g2
        expected.append(p1 + mu * v2 - lr * g2)
    _assert_all_close(params, expected)


def test_nesterov_differs_from_classical_momentum():
    """The look-ahead changes the path: the two kinds of momentum are not the same update."""
    classical, nesterov = _parameters(), _parameters()
    SGD(learning_rate=0.2, momentum=0.5).step(classical, GRADS_1)
    SGD(learning_rate=0.2, momentum=0.5, nesterov=True).step(nesterov, GRADS_1)
    assert not np.allclose(classical[0], nesterov[0])


def test_sgd_keeps_float32_parameters_float32():
    """An in-place update never changes the parameters' dtype."""
    params = [P0.astype(np.float32)]
    SGD(learning_rate=0.1, momentum=0.9).step(params, [GRADS_1[0]])
    assert params[0].dtype == np.float32


# ---------------------------------------------------------------------- Adam


def _textbook_adam(gradient_steps, lr, b1, b2, eps):
    """Adam as in Kingma & Ba, Algorithm 1: bias-corrected averages, epsilon outside the root."""
    params = _parameters()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(gradient_steps, start=1):
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            m_hat = m[i] / (1 - b1**t)
            v_hat = v[i] / (1 - b2**t)
            params[i] = params[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return params


@pytest.mark.parametrize("epsilon", [1e-8, 0.05])
def test_adam_equals_textbook_adam_with_bias_correction(epsilon):
    """Folding both bias corrections into the step size gives textbook Adam's numbers.

    A large epsilon (0.05, comparable to the slopes) makes the check sharp: scaling
    epsilon by sqrt(1 - beta2**t) is what keeps the folded form exact.
    """
    steps = [GRADS_1, GRADS_2, GRADS_3]
    params = _parameters()
    opt = Adam(learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=epsilon)
    for grads in steps:
        opt.step(params, grads)
    expected = _textbook_adam(steps, 0.01, 0.9, 0.999, epsilon)
    _assert_all_close(params, expected, rtol=1e-10)
    assert opt.step_count == 3


def test_adam_first_step_moves_each_weight_by_about_the_learning_rate():
    """With m_hat = g and v_hat = g**2, the first step is lr * sign(g) (zero slope: no move)."""
    params = _parameters()
    Adam(learning_rate=0.01).step(params, GRADS_1)
    moved = _parameters()[0] - params[0]
    np.testing.assert_allclose(moved, 0.01 * np.sign(GRADS_1[0]), rtol=1e-5, atol=1e-12)


# ---------------------------------------------------------------------- state


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(learning_rate=0.1, momentum=0.9),
        lambda: SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
        lambda: Adam(learning_rate=0.05),
    ],
    ids=["momentum", "nesterov", "adam"],
)
def test_state_dict_round_trip_gives_identical_next_steps(make):
    """A fresh optimizer loaded with another's state takes exactly the same next steps."""
    original = make()
    params = _parameters()
    original.step(params, GRADS_1)
    original.step(params, GRADS_2)
    state = original.state_dict()

    restored = make()
    restored.load_state_dict(state)
    params_a = [p.copy() for p in params]
    params_b = [p.copy() for p in params]
    for grads in (GRADS_3, GRADS_1):
        original.step(params_a, grads)
        restored.step(params_b, grads)
    for a, b in zip(params_a, params_b, strict=True):
        assert np.array_equal(a, b)

    # A fresh optimizer without the state steps differently: the state carries information.
    params_c = [p.copy() for p in params]
    make().step(params_c, GRADS_3)
    params_d = [p.copy() for p in params]
    reloaded = make()
    reloaded.load_state_dict(state)
    reloaded.step(params_d, GRADS_3)
    assert not np.allclose(params_c[0], params_d[0])


def test_state_saved_in_float64_carries_on_for_float32_parameters():
    """A state that went through float64 (a JSON copy, say) keeps its momentum in float32."""
    original = SGD(learning_rate=0.1, momentum=0.9)
    params = [p.astype(np.float32) for p in _parameters()]
    original.step(params, [g.astype(np.float32) for g in GRADS_1])
    state = original.state_dict()
    state["slots"] = {name: [a.astype(np.float64) for a in arrays]
                      for name, arrays in state["slots"].items()}
    restored = SGD(learning_rate=0.1, momentum=0.9)
    restored.load_state_dict(state)
    params_a = [p.copy() for p in params]
    params_b = [p.copy() for p in params]
    original.step(params_a, [g.astype(np.float32) for g in GRADS_2])
    restored.step(params_b, [g.astype(np.float32) for g in GRADS_2])
    for a, b in zip(params_a, params_b, strict=True):
        assert b.dtype == np.float32
        assert np.array_equal(a, b)


def test_state_dict_is_a_snapshot_not_a_view():
    """Stepping after state_dict() does not change the saved state."""
    opt = SGD(learning_rate=0.1, momentum=0.9)
    params = _parameters()
    opt.step(params, GRADS_1)
    state = opt.state_dict()
    saved_velocity = [v.copy() for v in state["slots"]["velocity"]]
    opt.step(params, GRADS_2)
    assert state["step_count"] == 1
    for saved, now in zip(saved_velocity, state["slots"]["velocity"], strict=True):
        assert np.array_equal(saved, now)


def test_load_state_dict_rejects_garbage_with_data_error():
    """A state without the expected keys is a DataError, not a KeyError."""
    with pytest.raises(DataError):
        Adam().load_state_dict({"slots": {}})


def test_reset_forgets_the_velocity():
    """After reset() the optimizer behaves like a new one."""
    opt = SGD(learning_rate=0.1, momentum=0.9)
    params = _parameters()
    opt.step(params, GRADS_1)
    opt.reset()
    fresh = SGD(learning_rate=0.1, momentum=0.9)
    a, b = [p.copy() for p in params], [p.copy() for p in params]
    opt.step(a, GRADS_2)
    fresh.step(b, GRADS_2)
    assert np.array_equal(a[0], b[0]) and opt.step_count == 1


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.01)])
def test_state_follows_the_parameters_given_not_the_list_object(make):
    """A step with the same list keeps the state; a list of other shapes starts afresh,
    exactly like a new optimizer; the slopes given are never changed."""
    opt = make()
    params = _parameters()
    opt.step(params, GRADS_1)
    opt.step(params, GRADS_2)  # the same list object, as in training
    other = [np.zeros((3, 2)), np.zeros(2)]
    grads = [np.ones((3, 2)), np.ones(2)]
    fresh = make()
    expected = [p.copy() for p in other]
    fresh.step(expected, grads)
    opt.step(other, grads)
    _assert_all_close(other, expected)
    assert np.array_equal(grads[0], np.ones((3, 2)))  # left as given


@pytest.mark.parametrize("make", [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9),
                                  lambda: SGD(0.1, momentum=0.9, nesterov=True),
                                  lambda: Adam(0.01)])
def test_a_networks_own_slopes_are_read_never_changed(make):
    """Optimizers read the slopes Network.gradients gives in place: they must not write them."""
    net = Network([4, 3, 2], seed=0)
    rng = np.random.default_rng(1)
    X, Y = net.check_inputs(rng.random((5, 4))), net.targets([0, 1, 1, 0, 1])
    gradients = net.gradients(X, Y)
    before = [g.copy() for g in gradients]
    opt = make()
    for _ in range(3):
        opt.step(net.parameters(), gradients)
    for slope, kept in zip(gradients, before, strict=True):
        np.testing.assert_array_equal(slope, kept)


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9), lambda: Adam(0.01)])
def test_an_item_replaced_in_a_flat_list_is_used(make):
    """Clip one slope by replacing it in the list: the step uses the clipped one, exactly
    as it would from a plain list."""
    net = Network([4, 3, 2], seed=0)
    rng = np.random.default_rng(1)
    X, Y = net.check_inputs(rng.random((5, 4))), net.targets([0, 1, 1, 0, 1])
    flat, plain = net.copy(), net.copy()
    gradients = net.gradients(X, Y)
    gradients[0] = np.zeros_like(gradients[0])
    make().step(flat.parameters(), gradients)
    make().step(list(plain.parameters()), [np.asarray(g) for g in gradients])
    for a, b in zip(flat.parameters(), plain.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(flat.layers[0].W, net.layers[0].W)  # zero slope: unmoved


def test_a_loaded_state_carries_on_with_the_same_parameter_list():
    net = Network([4, 3, 2], seed=0)
    rng = np.random.default_rng(1)
    X, Y = net.check_inputs(rng.random((5, 4))), net.targets([0, 1, 1, 0, 1])
    parameters = net.parameters()
    opt = Adam(0.01)
    opt.step(parameters, net.gradients(X, Y))
    saved, weights = opt.state_dict(), net.get_parameters()
    opt.step(parameters, net.gradients(X, Y))
    expected = net.get_parameters()
    net.set_parameters(weights)
    opt.load_state_dict(saved)
    opt.step(parameters, net.gradients(X, Y))
    _assert_all_close(net.parameters(), expected, rtol=0)


# ---------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(learning_rate=-0.1),
        lambda: SGD(learning_rate=0.0),
        lambda: SGD(learning_rate=float("nan")),
        lambda: SGD(learning_rate=float("inf")),
        lambda: SGD(momentum=1.0),
        lambda: SGD(momentum=1.5),
        lambda: SGD(momentum=-0.1),
        lambda: SGD(nesterov=True),
        lambda: Adam(learning_rate=-1e-3),
        lambda: Adam(beta1=1.0),
        lambda: Adam(beta2=1.0),
        lambda: Adam(epsilon=0.0),
        lambda: SlopeDescent(learning_rate=-0.5),
        lambda: SlopeDescent(shrink=1.0),
        lambda: SlopeDescent(shrink=0.0),
        lambda: SlopeDescent(nudge=0.0),
    ],
)
def test_bad_settings_raise_config_error(make):
    """Negative or zero rates, momentum >= 1, betas >= 1, shrink >= 1: ConfigError."""
    with pytest.raises(ConfigError):
        make()


def test_unknown_optimizer_name_lists_the_valid_names():
    """get_optimizer('rmsprop') says which names exist."""
    with pytest.raises(ConfigError) as raised:
        get_optimizer("rmsprop")
    for name in ("sgd", "adam", "slope_descent"):
        assert name in str(raised.value)
    assert set(OPTIMIZERS) == {"sgd", "adam", "slope_descent"}


def test_get_optimizer_rejects_unknown_or_bad_settings():
    """A misspelt or invalid setting is a ConfigError too."""
    with pytest.raises(ConfigError, match="sgd"):
        get_optimizer("sgd", learning_rat=0.1)
    with pytest.raises(ConfigError):
        get_optimizer("adam", learning_rate=-1.0)


@pytest.mark.parametrize(
    "optimizer",
    [SGD(learning_rate=0.3, momentum=0.8, nesterov=True), Adam(learning_rate=0.02, beta2=0.99),
     SlopeDescent(learning_rate=0.2, shrink=0.25, nudge=1e-5)],
    ids=["sgd", "adam", "slope_descent"],
)
def test_config_rebuilds_the_same_optimizer(optimizer):
    """get_optimizer(**optimizer.config()) makes an optimizer with the same settings."""
    config = optimizer.config()
    rebuilt = get_optimizer(config.pop("name"), **config)
    assert type(rebuilt) is type(optimizer)
    assert rebuilt.config() == optimizer.config()
    assert get_optimizer(optimizer) is optimizer


def test_gradient_optimizers_need_gradients_and_slope_descent_needs_loss_of():
    """SGD/Adam without gradients, SlopeDescent without loss_of: ConfigError."""
    with pytest.raises(ConfigError):
        SGD().step(_parameters(), None)
    with pytest.raises(ConfigError):
        Adam().step(_parameters(), None)
    with pytest.raises(ConfigError):
        SlopeDescent().step(_parameters(), None, None)
    assert SGD.needs_gradients and Adam.needs_gradients and not SlopeDescent.needs_gradients


# ---------------------------------------------------------------------- SlopeDescent


def test_slope_descent_halves_the_hop_after_an_overshoot():
    """On (w - 1)^2 from w = 0 with hop 0.75: over the bottom to 1.5, then a half-size hop back.

    Step 1: slope -2, w = 0 + 0.75 * 2 = 1.5 (overshot: the bottom is at 1).
    Step 2: slope +1 changed sign, hop 0.75 -> 0.375, w = 1.5 - 0.375 = 1.125.
            (Without halving it would land at 0.75.)
    Step 3: slope +0.25, same sign, hop stays 0.375, w = 1.125 - 0.09375 = 1.03125.
    """
    w = np.array([0.0])

    def loss_of():
        return float((w[0] - 1.0) ** 2)

    opt = SlopeDescent(learning_rate=0.75)
    landed = []
    for _ in range(3):
        opt.step([w], None, loss_of)
        landed.append(w[0])
    assert landed == pytest.approx([1.5, 1.125, 1.03125], rel=1e-9)
    assert opt.state_dict()["slots"]["hop_size"][0][0] == pytest.approx(0.375)


def test_slope_descent_moves_one_weight_at_a_time():
    """Each slope is measured after the weights before it have already hopped.

    Loss (w0 + w1 - 1)^2 from (0, 0), hop 0.25: w0's slope is -2, so w0 = 0.5; w1's
    slope is then measured at (0.5, 0): -1, so w1 = 0.25 (all-at-once would give 0.5).
    """
    w = np.array([0.0, 0.0])
    SlopeDescent(learning_rate=0.25).step([w], None, lambda: float((w.sum() - 1.0) ** 2))
    assert w == pytest.approx([0.5, 0.25], rel=1e-9)


def test_slope_descent_state_round_trip_continues_identically():
    """Hop sizes and previous slopes survive state_dict/load_state_dict."""
    def run(opt, w):
        opt.step([w], None, lambda: float(np.sum((w - [1.0, -2.0]) ** 2 * [1.0, 3.0])))

    first, w = SlopeDescent(learning_rate=0.4), np.array([0.0, 0.0])
    for _ in range(3):
        run(first, w)
    second, w2 = SlopeDescent(learning_rate=0.4), w.copy()
    second.load_state_dict(first.state_dict())
    for _ in range(2):
        run(first, w)
        run(second, w2)
    assert np.array_equal(w, w2)


@pytest.fixture(scope="module")
def zeros_and_ones():
    """The UCI digits 0 and 1, pixels / 16: (360, 64) and the labels."""
    digits = load_digits().subset(classes=[0, 1])
    return digits.X, digits.y


def _zero_one_network(zeros_and_ones):
    X, y = zeros_and_ones
    net = Network([64, 1], "sigmoid", "sigmoid", seed=0)
    Y = net.targets(y)  # (360, 1)

    def loss_of():
        return net.objective(X, Y, "squared_error")

    return net, X, Y, loss_of


def test_slope_descent_lowers_the_loss_of_the_zero_one_network(zeros_and_ones):
    """The article's method, full batch: every step makes the 0-vs-1 loss smaller."""
    net, _, _, loss_of = _zero_one_network(zeros_and_ones)
    opt = SlopeDescent(learning_rate=0.5)
    losses = [loss_of()]
    for _ in range(3):
        opt.step(net.parameters(), None, loss_of)
        losses.append(loss_of())
    assert all(after < before for before, after in zip(losses, losses[1:], strict=False))
    assert losses[-1] < 0.75 * losses[0]


def test_measured_slopes_agree_with_backpropagation(zeros_and_ones):
    """SlopeDescent.slopes (nudging each weight) equals net.backward to 1e-6, and moves nothing."""
    net, X, Y, loss_of = _zero_one_network(zeros_and_ones)
    before = net.get_parameters()
    measured = SlopeDescent().slopes(net.parameters(), loss_of)
    _, backpropagated = net.backward(X, Y, "squared_error")
    worst = max(float(relative_error(m, b).max())
                for m, b in zip(measured, backpropagated, strict=True))
    assert worst < 1e-6
    for old, new in zip(before, net.parameters(), strict=True):
        assert np.array_equal(old, new)


@pytest.mark.parametrize("make, slots", [(lambda: SGD(0.1), set()),
                                         (lambda: SGD(0.1, momentum=0.9), {"velocity"}),
                                         (lambda: Adam(0.01), {"m", "v"})])
def test_only_what_carries_over_is_saved(make, slots):
    """The room a step computes in is not state: a checkpoint holds the slots alone, and
    a step computed in a fresh optimizer's room equals one computed in a used room."""
    used = make()
    params = _parameters()
    used.step(params, GRADS_1)
    assert set(used.state_dict()["slots"]) == slots
    other = [np.ones((3, 2)), np.ones(2)]  # other shapes: the room is made again
    used.step(other, [np.full((3, 2), 0.5), np.full(2, 0.5)])
    fresh = make()
    params_a, params_b = [p.copy() for p in params], [p.copy() for p in params]
    used.reset()
    used.step(params_a, GRADS_2)
    fresh.step(params_b, GRADS_2)
    for a, b in zip(params_a, params_b, strict=True):
        assert np.array_equal(a, b)
