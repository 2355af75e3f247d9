"""Learning rates up to 1e4: a trained network or TrainingDiverged, never NaN weights.

A learning rate that is far too big makes the steps overshoot further and further
until the numbers overflow. Whatever the activation, loss and optimizer, training
must then end in one of two ways: it finishes with finite weights, or it raises
``TrainingDiverged`` and the network keeps finite weights (the start of the bad
epoch). NaN must never reach a model file, so the command line either saves finite
weights or says ``Error: ...`` and leaves the previous file alone.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import glassnet
from glassnet.cli import main
from glassnet.core.activations import ACTIVATIONS
from glassnet.core.losses import LOSSES
from glassnet.core.optimizers import SGD, Adam, SlopeDescent
from glassnet.errors import TrainingDiverged
from glassnet.training import train

pytestmark = pytest.mark.timeout(120)

RATES = [1.0, 1e2, 1e4]
HIDDEN = [name for name in ACTIVATIONS if name != "softmax"]
OUTPUTS_AND_LOSSES = [
    (output, loss) for output in ACTIVATIONS for loss in LOSSES
    if loss != "cross_entropy" or output in ("softmax", "sigmoid")  # what cross-entropy needs
]
OPTIMIZERS = {
    "sgd": lambda rate: SGD(rate),
    "sgd-momentum": lambda rate: SGD(rate, momentum=0.9),
    "sgd-nesterov": lambda rate: SGD(rate, momentum=0.9, nesterov=True),
    "adam": lambda rate: Adam(rate),
}


@pytest.fixture(scope="module")
def small_data():
    data = glassnet.load_digits()
    return data.take(np.arange(240))


def all_finite(network) -> bool:
    return all(np.isfinite(array).all() for array in network.parameters())


def trained_or_diverged(network, data, **options) -> str:
    """Train; return "trained" or "diverged", after checking the weights are finite."""
    try:
        history = train(network, data, catch_interrupt=False, validation_fraction=0.0,
                        **options)
    except TrainingDiverged as error:
        assert "learning rate" in str(error) or "too big" in str(error)
        assert all_finite(network), "diverged, but the network kept non-finite weights"
        outcome = "diverged"
    else:
        assert all(np.isfinite(history.train_loss))
        assert all_finite(network), "training finished with non-finite weights"
        outcome = "trained"
    return outcome


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize(("output", "loss"), OUTPUTS_AND_LOSSES)
@pytest.mark.parametrize("activation", HIDDEN)
def test_any_learning_rate_trains_or_diverges_cleanly(small_data, tmp_path, activation, output,
                                                      loss, optimizer):
    for rate in RATES:
        network = glassnet.Network([64, 8, 10], activation, output, seed=0)
        outcome = trained_or_diverged(network, small_data, loss=loss, epochs=3, batch_size=16,
                                      optimizer=OPTIMIZERS[optimizer](rate), average_from=2,
                                      input_noise=0.3)
        assert outcome in ("trained", "diverged")
        path = glassnet.save(network, tmp_path / "model.npz")  # finite either way: saving must work
        assert all_finite(glassnet.load(path))


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_the_sources_slope_descent_too(rate, activation):
    data = glassnet.load_digits().subset(classes=[0, 1])
    data = data.take(np.arange(64))
    network = glassnet.Network([64, 1], activation, "sigmoid", seed=0, classes=[0, 1])
    trained_or_diverged(network, data, loss="squared_error", epochs=2, batch_size=64,
                        optimizer=SlopeDescent(rate), input_noise=0.0)


def test_huge_rates_really_do_diverge(small_data):
    """The parametrized test above is not vacuous: 1e4 with momentum blows up."""
    network = glassnet.Network([64, 8, 10], "identity", "identity", seed=0)
    with pytest.raises(TrainingDiverged):
        train(network, small_data, loss="squared_error", epochs=3, catch_interrupt=False,
              optimizer=SGD(1e4, momentum=0.9))
    assert all_finite(network)


@pytest.mark.parametrize("options", [
    [],
    ["--optimizer", "adam"],
    ["--activation", "sigmoid", "--output", "sigmoid", "--loss", "squared_error",
     "--momentum", "0"],
    ["--activation", "tanh", "--output", "identity", "--loss", "squared_error"],
])
def test_glassnet_train_at_1e4_saves_finite_weights_or_says_error(tmp_path, options):
    path = tmp_path / "model.npz"
    previous = glassnet.Network([64, 8, 10], seed=9)
    glassnet.save(previous, path)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["train", "--learning-rate", "1e4", "--epochs", "3",
                                       "--hidden", "8", "--quiet", *options, "--out", str(path),
                                       "--db", str(tmp_path / "runs.db")])
    if result.exit_code == 0:
        assert all_finite(glassnet.load(path))
    else:
        assert result.exit_code == 1, result.output
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and "Traceback" not in result.output
        assert "learning rate" in errors[0]
        assert path.read_bytes() == before  # the old model is untouched
    assert not [name for name in tmp_path.iterdir() if name.suffix == ".tmp"]
