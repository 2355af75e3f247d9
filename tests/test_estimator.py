"""Tests of GlassnetClassifier, the scikit-learn estimator (glassnet/estimator.py)."""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import glassnet
from glassnet import GlassnetClassifier, History
from glassnet.core.defaults import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_EPOCHS,
    DEFAULT_INPUT_NOISE,
    DEFAULT_LEARNING_RATE,
)
from glassnet.estimator import AVERAGE_FROM


@pytest.fixture(scope="module")
def digits():
    """The digits as scikit-learn gives them, scaled to 0..1 as glassnet expects."""
    X, y = load_digits(return_X_y=True)
    return X / 16, y


@pytest.fixture(scope="module")
def small(digits):
    """A quick problem: 400 digits of 0..4, and 200 more to score on."""
    X, y = digits
    keep = np.flatnonzero(y < 5)
    return X[keep[:400]], y[keep[:400]], X[keep[400:600]], y[keep[400:600]]


def quick(**params) -> GlassnetClassifier:
    """A classifier that trains in a fraction of a second."""
    settings = {"max_iter": 30, "random_state": 0, **params}
    return GlassnetClassifier(**settings)


def fitted(X, y, **params) -> GlassnetClassifier:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return quick(**params).fit(X, y)


# ---------------------------------------------------------------- scikit-learn's own checks
# Some checks fit with too few epochs to converge; MLPClassifier warns there too.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([GlassnetClassifier(), GlassnetClassifier(recipe="fast")])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_mixins_come_before_base_estimator():
    assert GlassnetClassifier.__mro__[1:3] == (ClassifierMixin, BaseEstimator)


def test_glassnet_imports_scikit_learn_only_when_the_estimator_is_used():
    program = (
        "import sys, glassnet\n"
        "glassnet.train(glassnet.Network([64, 8, 10]), glassnet.load_digits(), epochs=1)\n"
        "assert 'sklearn' not in sys.modules, 'training with glassnet imported scikit-learn'\n"
        "glassnet.GlassnetClassifier\n"
        "assert 'sklearn' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True)
    assert glassnet.GlassnetClassifier is GlassnetClassifier


# ---------------------------------------------------------------- it is the glassnet network
def test_network_shape_and_attributes_map_onto_the_network(small):
    X, y, _, _ = small
    model = fitted(X, y, hidden_layer_sizes=(20, 10))
    net = model.network_
    assert isinstance(net, glassnet.Network)
    assert net.sizes == [64, 20, 10, 5]
    assert model.n_layers_ == 4 and model.n_outputs_ == 5 and model.out_activation_ == "softmax"
    assert np.array_equal(net.classes, model.classes_)
    for layer, W, b in zip(net.layers, model.coefs_, model.intercepts_, strict=True):
        assert W is layer.W and b is layer.b
    assert model.n_iter_ == len(model.loss_curve_) == model.history_.epochs
    assert model.best_loss_ == min(model.loss_curve_)
    assert model.validation_scores_ is None
    np.testing.assert_array_equal(model.predict(X), net.predict(X))
    np.testing.assert_array_equal(model.predict_proba(X), net.predict_proba(X))


def test_fit_learns_what_glassnet_train_learns_with_the_same_seed(small):
    """The estimator is a translation, not a second implementation: same seed, same bits."""
    X, y, _, _ = small
    model = fitted(X, y, max_iter=5, tol=0.0)
    net = glassnet.Network([64, 32, 5], seed=0, classes=np.unique(y))
    glassnet.train(net, (X, y), optimizer=glassnet.SGD(DEFAULT_LEARNING_RATE, momentum=0.9,
                                                       nesterov=True),
                   epochs=5, batch_size=DEFAULT_BATCH_SIZE, validation_fraction=0.0,
                   early_stopping=False, input_noise=DEFAULT_INPUT_NOISE,
                   average_from=AVERAGE_FROM,
                   seed=0, catch_interrupt=False)
    for mine, theirs in zip(model.network_.parameters(), net.parameters(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_a_recipe_learns_what_glassnet_train_learns_with_its_settings(small):
    X, y, X_test, y_test = small
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # its 8 epochs are its plan
        model = GlassnetClassifier(recipe="fast", random_state=0).fit(X, y)
    settings = glassnet.settings_for("fast")
    net = settings.make_network(64, np.unique(y))
    glassnet.train(net, (X, y), **settings.train_options(), catch_interrupt=False)
    assert net.sizes == [64, 64, 5] and model.n_iter_ == 8
    for mine, theirs in zip(model.network_.parameters(), net.parameters(), strict=True):
        assert mine.dtype == np.float32
        np.testing.assert_array_equal(mine, theirs)
    assert model.score(X_test, y_test) > 0.9


def test_parameters_given_win_over_the_recipe_and_the_recipe_is_stored_as_given(small):
    X, y, _, _ = small
    model = fitted(X, y, recipe="best", max_iter=2, hidden_layer_sizes=(16,))
    assert model.get_params()["recipe"] == "best"
    assert model.network_.sizes == [64, 16, 5] and model.n_iter_ == 2
    assert model.network_.dtype == np.float32  # the recipe's
    assert model._optimizer.learning_rate == 0.1 and model._optimizer.nesterov is False
    assert model._parameters()["batch_size"] == 64  # the recipe's, not the default 32
    assert GlassnetClassifier(recipe="default")._parameters()["max_iter"] == DEFAULT_EPOCHS
    assert GlassnetClassifier()._parameters()["max_iter"] == 200


def test_an_unknown_recipe_is_refused_by_fit_not_by_init(small):
    X, y, _, _ = small
    model = GlassnetClassifier(recipe="quick")
    assert model.recipe == "quick"
    with pytest.raises(ValueError, match="unknown recipe 'quick'; choose one of: default, fast"):
        model.fit(X[:50], y[:50])


def test_same_random_state_gives_bitwise_equal_weights(small):
    X, y, _, _ = small
    first, second = fitted(X, y), fitted(X, y)
    other = fitted(X, y, random_state=1)
    for a, b in zip(first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_,
                    strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])


def test_random_state_instance_is_used_like_scikit_learn(small):
    X, y, _, _ = small
    a = fitted(X[:100], y[:100], max_iter=2, random_state=np.random.RandomState(3))
    b = fitted(X[:100], y[:100], max_iter=2, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


def test_an_int_random_state_leaves_numpys_global_state_alone(small):
    X, y, _, _ = small
    before = np.random.get_state()[1].copy()
    fitted(X[:100], y[:100], max_iter=2)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_random_state_none_draws_its_seed_as_scikit_learn_does(small):
    """None means NumPy's global RandomState (scikit-learn's check_random_state)."""
    X, y, _, _ = small
    np.random.seed(5)
    a = fitted(X[:100], y[:100], max_iter=2, random_state=None)
    np.random.seed(5)
    b = fitted(X[:100], y[:100], max_iter=2, random_state=None)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


def test_float32_network(small):
    X, y, X_test, y_test = small
    model = fitted(X.astype(np.float32), y, dtype="float32")
    assert model.coefs_[0].dtype == np.float32
    assert model.predict_proba(X_test).dtype == np.float32
    assert model.score(X_test, y_test) > 0.9


def test_arrays_that_skip_scikit_learns_checks_answer_and_fail_like_the_others(small):
    """A float array of the right width goes straight to the network: same answers."""
    X, y, X_test, _ = small
    model = fitted(X, y)
    expected = model.predict_proba(X_test.tolist())  # a list takes scikit-learn's checks
    for same in (X_test, np.asfortranarray(X_test), X_test[:1], X_test.astype(np.float32)):
        np.testing.assert_allclose(model.predict_proba(same), expected[:len(same)], rtol=1e-6)
    np.testing.assert_array_equal(model.predict(X_test), model.network_.predict(X_test))
    bad = X_test[:2].copy()
    bad[1, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.predict(bad)
    with pytest.raises(ValueError, match="NaN"):
        model.predict(bad.tolist())
    with pytest.raises(ValueError, match="features"):
        model.predict(X_test[:, :10])
    with pytest.raises(NotFittedError):
        quick().predict(X_test)


# ---------------------------------------------------------------- the caller's data is sacred
def test_read_only_inputs_are_accepted_and_never_modified(small):
    X, y, X_test, _ = small
    X, y, X_test = X.copy(), y.copy(), X_test.copy()
    before = (X.copy(), y.copy(), X_test.copy())
    for array in (X, y, X_test):
        array.setflags(write=False)
    model = fitted(X, y, shift_pixels=1)
    model.predict(X_test)
    model.predict_proba(X_test)
    model.partial_fit(X, y)
    model.score(X_test, model.predict(X_test))
    for original, now in zip(before, (X, y, X_test), strict=True):
        np.testing.assert_array_equal(original, now)


# ---------------------------------------------------------------- scikit-learn's machinery
def test_pipeline_and_cross_val_score(small):
    X, y, _, _ = small
    pipeline = make_pipeline(MinMaxScaler(), quick(max_iter=15))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.9


def test_grid_search_in_two_processes(small):
    X, y, _, _ = small
    search = GridSearchCV(quick(max_iter=10), {"hidden_layer_sizes": [(8,), (16,)]},
                          cv=2, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    assert search.best_params_["hidden_layer_sizes"] in [(8,), (16,)]
    assert search.best_estimator_.network_.sizes[1] == search.best_params_["hidden_layer_sizes"][0]
    assert search.best_score_ > 0.9


def test_clone_copies_parameters_not_the_fit(small):
    X, y, _, _ = small
    model = fitted(X, y, hidden_layer_sizes=(12,), alpha=1e-3)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "network_")
    with pytest.raises(NotFittedError):
        copy.predict(X)


def test_pickle_round_trip(small):
    X, y, X_test, _ = small
    model = fitted(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X_test), model.predict_proba(X_test))
    assert restored.coefs_[0] is restored.network_.layers[0].W
    restored.partial_fit(X, y)  # the optimizer state travelled too
    assert restored.n_iter_ == model.n_iter_ + 1


# ---------------------------------------------------------------- labels and feature names
@pytest.mark.parametrize(
    "labels",
    [np.array(["zero", "one", "two", "three", "four"]), np.array([-1, 1, -1, 1, 1]),
     np.array([10, 20, 30, 40, 50])],
    ids=["strings", "minus-one-one", "sparse-ints"],
)
def test_any_labels(small, labels):
    X, y, X_test, y_test = small
    named = labels[y]
    model = fitted(X, named)
    assert np.array_equal(model.classes_, np.unique(labels))
    predicted = model.predict(X_test)
    assert predicted.dtype == model.classes_.dtype
    assert set(predicted) <= set(model.classes_)
    assert model.score(X_test, labels[y_test]) > 0.9


def test_dataframe_feature_names(small):
    pandas = pytest.importorskip("pandas")
    X, y, X_test, _ = small
    columns = [f"pixel_{row}_{column}" for row in range(8) for column in range(8)]
    frame = pandas.DataFrame(X, columns=columns)
    model = fitted(frame, pandas.Series(y))
    assert list(model.feature_names_in_) == columns
    np.testing.assert_array_equal(
        model.predict(pandas.DataFrame(X_test, columns=columns)), model.network_.predict(X_test)
    )


# ---------------------------------------------------------------- partial_fit and warm_start
def test_partial_fit_improves_over_calls_and_keeps_classes(small):
    X, y, X_test, y_test = small
    model = GlassnetClassifier(random_state=0)
    with pytest.raises(glassnet.ConfigError, match="classes must be passed"):
        model.partial_fit(X[:50], y[:50])
    halves = [(X[:200], y[:200]), (X[200:], y[200:])]
    # The first batch shows only some of the classes; the network still has them all.
    model.partial_fit(X[:20][y[:20] < 3], y[:20][y[:20] < 3], classes=np.arange(5))
    assert np.array_equal(model.classes_, np.arange(5)) and model.n_outputs_ == 5
    scores = [model.score(X_test, y_test)]
    optimizer = model._optimizer
    for epoch in range(6):
        model.partial_fit(*halves[epoch % 2])
        scores.append(model.score(X_test, y_test))
    assert model._optimizer is optimizer and optimizer.step_count > 6
    assert model.n_iter_ == 7 == len(model.loss_curve_)
    assert scores[-1] > scores[0] + 0.3 and scores[-1] > 0.8
    assert np.array_equal(model.classes_, np.arange(5))
    with pytest.raises(glassnet.ConfigError, match="differs"):
        model.partial_fit(X, y, classes=np.arange(6))
    with pytest.raises(ValueError, match="not among"):
        model.partial_fit(X[:5], np.full(5, 7))


def test_warm_start_continues_and_refuses_new_classes(small):
    X, y, _, _ = small
    model = fitted(X, y, max_iter=3, tol=0.0, warm_start=True)
    weights = model.coefs_[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert model.n_iter_ == 6 and len(model.loss_curve_) == 6
    assert model.coefs_[0] is weights  # the same network, trained further
    with pytest.raises(glassnet.DataError, match="same classes"):
        model.fit(X[y < 3], y[y < 3])
    cold = fitted(X, y, max_iter=3, tol=0.0)
    cold_weights = cold.coefs_[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cold.fit(X, y)
    assert cold.n_iter_ == 3 and cold.coefs_[0] is not cold_weights


# ---------------------------------------------------------------- stopping
def test_max_iter_reached_warns_and_tol_stops_early(small):
    X, y, _, _ = small
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        quick(max_iter=2).fit(X, y)
    flat = quick(max_iter=100, tol=10.0, n_iter_no_change=3, average_from=None).fit(X, y)
    # The first epoch is progress (from nothing); then 3 epochs without it.
    assert flat.n_iter_ == 1 + 3 and flat.history_.stop_reason == "callback"
    # With weight averaging, the loss is watched from the epoch the averaging starts.
    averaged = quick(max_iter=100, tol=10.0, n_iter_no_change=3, average_from=5).fit(X, y)
    assert averaged.n_iter_ == 5 + 3 and averaged.history_.averaged_epochs == 4


def test_early_stopping_watches_validation_and_keeps_the_best_epoch(small):
    X, y, _, _ = small
    model = fitted(X, y, max_iter=40, early_stopping=True, n_iter_no_change=5)
    assert len(model.validation_scores_) == model.n_iter_ == len(model.validation_loss_curve_)
    best = int(np.argmin(model.validation_loss_curve_))
    assert model.best_loss_ == model.validation_loss_curve_[best]
    assert model.best_validation_score_ == model.validation_scores_[best]
    assert model.history_.config["n_validation"] > 0


def test_batch_size_auto_is_scikit_learns_min_200_n(small):
    X, y, _, _ = small
    assert fitted(X, y, max_iter=1, batch_size="auto").history_.config["batch_size"] == 200
    assert fitted(X[:90], y[:90], max_iter=1, batch_size="auto").history_.config["batch_size"] == 90


def test_verbose_prints_one_line_per_epoch(small, capsys):
    X, y, _, _ = small
    fitted(X, y, max_iter=3, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("Iteration 1, loss = ")
    # The printer also copes with a history without training scores.
    from glassnet.estimator import _print_progress

    _print_progress(4)(History(seconds=[0.1]), None)
    assert capsys.readouterr().out == "Iteration 5\n"


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_solvers_learn(small, solver):
    X, y, X_test, y_test = small
    model = fitted(X, y, solver=solver)
    assert type(model._optimizer).__name__ == {"sgd": "SGD", "adam": "Adam"}[solver]
    assert model.score(X_test, y_test) > 0.9


def test_the_source_recipe_sigmoid_squared_error_slope_descent(small):
    X, y, _, _ = small
    binary = y < 2
    model = fitted(X[binary][:40], y[binary][:40], hidden_layer_sizes=(), activation="logistic",
                   output="logistic", loss="squared_error", solver="slope_descent", max_iter=3,
                   batch_size=40)
    assert model.out_activation_ == "sigmoid" and model.network_.sizes == [64, 2]
    assert model.loss_curve_[-1] < model.loss_curve_[0]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
     ({"hidden_layer_sizes": "32"}, "hidden_layer_sizes"),
     ({"activation": "swish"}, "activation"),
     ({"solver": "lbfgs"}, "solver"),
     ({"loss": "hinge"}, "loss"),
     ({"batch_size": 0}, "batch_size"),
     ({"max_iter": 0}, "max_iter"),
     ({"max_iter": 10**6}, "max_iter must be a whole number from 1 to 100,000"),
     ({"learning_rate_init": -1.0}, "learning_rate"),
     ({"early_stopping": True, "validation_fraction": 1.5}, "validation_fraction"),
     ({"dtype": "int8"}, "dtype"),
     ({"loss": "cross_entropy", "output": "relu"}, "output")],
)
def test_bad_parameters_raise_value_errors_naming_them(small, params, message):
    X, y, _, _ = small
    with pytest.raises(ValueError, match=message):
        quick(**params).fit(X[:50], y[:50])


def test_an_int_beyond_any_float_is_a_value_error_not_an_overflow(small):
    """scikit-learn's validate_data lets 10**400 escape as a bare OverflowError."""
    X, y, _, _ = small
    huge = [[10**400] * X.shape[1]] * 3
    with pytest.raises(glassnet.DataError, match="X: a number is too large for any float"):
        quick().fit(huge, [0, 1, 0])
    with pytest.raises(glassnet.DataError, match="X: a number is too large for any float"):
        quick().partial_fit(huge, [0, 1, 0], classes=[0, 1])
    model = fitted(X, y)
    with pytest.raises(glassnet.DataError, match="X: a number is too large for any float"):
        model.predict(huge)
    for parameter in ("alpha", "learning_rate_init", "tol", "input_noise"):
        with pytest.raises(glassnet.ConfigError, match=parameter):
            quick(**{parameter: 10**400}).fit(X[:50], y[:50])


def test_one_class_is_refused(small):
    X, _, _, _ = small
    with pytest.raises(glassnet.DataError, match="at least 2 classes"):
        quick().fit(X[:10], np.zeros(10))


# ---------------------------------------------------------------- model file
def test_save_then_glassnet_load_predicts_the_same(small, tmp_path):
    X, y, X_test, _ = small
    labels = np.array(["a", "b", "c", "d", "e"])
    model = fitted(X, labels[y], hidden_layer_sizes=(16,))
    path = model.save(tmp_path / "model.npz")
    network = glassnet.load(path)
    np.testing.assert_array_equal(network.predict(X_test), model.predict(X_test))
    np.testing.assert_array_equal(network.predict_proba(X_test), model.predict_proba(X_test))
    training = glassnet.store.modelfile.read_metadata(path)["training"]
    assert training["estimator"] == "GlassnetClassifier"
    assert training["params"]["hidden_layer_sizes"] == [16]
    assert training["n_iter"] == model.n_iter_


# ---------------------------------------------------------------- the accuracy promise
def test_defaults_reach_the_accuracy_target_on_a_benchmark_split(digits):
    """Benchmark split 0 (docs/scikit-learn.md has all five): at least 97.5%."""
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = GlassnetClassifier(random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.975


def test_a_max_iter_you_set_warns_when_it_runs_out_even_with_a_recipe(small):
    """Only the recipe's own epochs are a plan: a budget you give is a budget."""
    X, y, _, _ = small
    with pytest.warns(ConvergenceWarning, match="maximum number of epochs \\(3\\)"):
        GlassnetClassifier(recipe="fast", max_iter=3, random_state=0).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        GlassnetClassifier(max_iter=3, random_state=0).fit(X, y)
