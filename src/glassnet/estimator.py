"""GlassnetClassifier: the glassnet network, wearing scikit-learn's clothes.

A practitioner who already lives in scikit-learn should not have to learn a second
way of doing things to use glassnet. This module is a thin adapter: it speaks
scikit-learn's language (``fit``, ``predict``, ``partial_fit``, ``random_state``,
``hidden_layer_sizes``, fitted attributes ending in ``_``) and does every piece of
real work with the glassnet core. The estimator builds a ``glassnet.Network``, trains
it with ``glassnet.train`` and an optimizer from ``glassnet.core.optimizers``, and keeps it
as ``network_``, so everything that works on a network (the plots, the explorer,
``Network.trace``, the model file) works on what the estimator learned. There is no
second implementation of anything here: only translation.

The translation, in short (docs/scikit-learn.md has the full table):

- ``hidden_layer_sizes=(32,)`` and ``n_features`` columns with ``k`` classes become a
  ``Network([n_features, 32, k])``. Every problem, binary included, gets one output
  neuron per class with a softmax: the same network shape the digits use, so two
  classes need no special case (scikit-learn's MLPClassifier uses a single sigmoid
  neuron for two classes instead).
- ``solver`` picks the optimizer (``"sgd"``, ``"adam"`` or the article's own
  ``"slope_descent"``), ``learning_rate_init`` its step size, ``alpha`` the L2 weight
  decay, ``max_iter`` the most epochs.
- Stopping works as in scikit-learn: without ``early_stopping`` training stops when
  the training loss has not improved by at least ``tol`` for ``n_iter_no_change``
  epochs (checked by a training callback, so the core's loop is untouched); with it,
  a stratified ``validation_fraction`` is held out and the validation loss is watched
  instead, and the weights of the best epoch are restored.
- ``random_state`` becomes one integer seed, which seeds both the starting weights
  and the training's shuffles and noise, exactly as ``glassnet train --seed`` does.
  So ``GlassnetClassifier(random_state=0)`` learns bit for bit the same weights as
  ``glassnet.train(Network(..., seed=0), (X, y), seed=0, ...)`` with the same settings.

scikit-learn is imported at the top of this module; glassnet only imports this module
when ``glassnet.GlassnetClassifier`` is first used, so training a network from the core
or the command line never pays for it.
"""

from __future__ import annotations

import inspect
import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .app.extras import require_extra

try:
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.utils import Tags, check_random_state
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError:
    require_extra("sklearn")  # a MissingExtraError saying how to install it
    raise

from .app.experiment import DEFAULT_LEARNING_RATES
from .app.recipes import settings_for
from .core.activations import ACTIVATIONS
from .core.checks import not_numbers
from .core.defaults import MAX_EPOCHS, MAX_WHOLE_NUMBER
from .core.layer_sizes import parse_hidden
from .core.losses import LOSSES
from .core.network import Network
from .core.optimizers import OPTIMIZERS, SGD, Adam, Optimizer, SlopeDescent
from .errors import ConfigError, DataError, plural, shown
from .training import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_INPUT_NOISE,
    DEFAULT_MOMENTUM,
    History,
    train,
)

#: Where a ``fit`` starts averaging the weights. Not ``glassnet train``'s epoch 40, the
#: second half of its fixed 80 epochs: a fit stops by scikit-learn's rule, watched from
#: this epoch on, after anything from about 50 to 200 epochs, and its figures in
#: docs/scikit-learn.md were measured averaging from epoch 30.
AVERAGE_FROM = 30
#: scikit-learn's name for the sigmoid, accepted as a synonym.
_ACTIVATION_ALIASES = {"logistic": "sigmoid"}
#: The dtypes a network can compute in; other float input is converted.
_INPUT_DTYPES = (np.float64, np.float32)
#: Which estimator parameter a recipe's ``RunSettings`` field sets (``recipe=``).
#: Early stopping is not among them: no recipe stops early, and without it the
#: estimator holds out no validation images.
_RECIPE_PARAMETERS = {
    "hidden": "hidden_layer_sizes", "activation": "activation", "output": "output",
    "loss": "loss", "optimizer": "solver", "learning_rate": "learning_rate_init",
    "momentum": "momentum", "nesterov": "nesterovs_momentum", "batch_size": "batch_size",
    "epochs": "max_iter", "l2": "alpha", "input_noise": "input_noise",
    "average_from": "average_from", "shift_pixels": "shift_pixels",
    "nudge_pixels": "nudge_pixels", "dtype": "dtype",
}


class GlassnetClassifier(ClassifierMixin, BaseEstimator):
    """A glassnet feedforward network as a scikit-learn classifier.

    The defaults are glassnet's own recipe, chosen on the digits: one hidden layer of
    32 ReLU neurons and a softmax output trained with cross-entropy, by SGD at 0.2 with
    Nesterov momentum 0.9 in batches of 64; every epoch each training picture is
    nudged by up to half a pixel and Gaussian noise of 0.2 is added to its inputs
    (they keep this small network from memorising the training images), and from
    epoch 30 on the weights are averaged over epochs. On
    ``sklearn.datasets.load_digits`` (X / 16) this scores 98.7% mean test accuracy
    over five stratified 80/20 splits (docs/scikit-learn.md).

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(32,)
        Neurons of each hidden layer; ``()`` for none (softmax regression). Checked
        by ``glassnet.core.layer_sizes.parse_hidden``, as ``glassnet train --hidden`` is.
    activation : {"relu", "tanh", "sigmoid", "logistic", "identity"}, default="relu"
        Activation of the hidden layers (``"logistic"`` is scikit-learn's name for
        the sigmoid).
    output : {"softmax", "sigmoid", "logistic", "identity", "tanh", "relu"}, default="softmax"
        Activation of the output layer (one neuron per class).
    loss : {"cross_entropy", "squared_error"}, default="cross_entropy"
        What training minimises. ``"squared_error"`` is the article's loss;
        ``"cross_entropy"`` needs a softmax or sigmoid output.
    solver : {"sgd", "adam", "slope_descent"}, default="sgd"
        The optimizer. ``"slope_descent"`` is the article's one-weight-at-a-time method
        (measures every slope numerically: only for tiny networks).
    alpha : float, default=0.0
        L2 weight decay: ``alpha / 2 * sum(W**2)`` is added to the *mean* loss per
        sample. (MLPClassifier divides its alpha by the batch size instead, so its
        ``alpha=1e-4`` with batches of 200 is about ``alpha=5e-7`` here.)
    batch_size : int or "auto", default=64
        Samples per step. ``"auto"`` means ``min(200, n_samples)`` as in
        MLPClassifier; glassnet's 64 learns the digits better for the same time.
    learning_rate_init : float or None, default=None
        Step size; None uses the solver's glassnet default (adam 0.002, sgd 0.2,
        slope_descent 0.5).
    max_iter : int, default=200
        The most epochs (passes over the training data).
    random_state : int, RandomState instance or None, default=None
        Seeds the starting weights, the shuffling, the input noise and the
        validation split. An int is used as the seed itself; a RandomState (or None,
        meaning NumPy's global one, as everywhere in scikit-learn) is asked for one
        seed per ``fit``.
    tol : float, default=1e-4
        The improvement of the watched loss (training loss, or validation loss with
        ``early_stopping``) that counts as progress.
    verbose : bool, default=False
        Print the loss after every epoch.
    warm_start : bool, default=False
        Let ``fit`` continue from the current weights instead of starting afresh
        (the classes must be the same). Each ``fit`` starts a fresh optimizer.
    momentum : float, default=0.9
        Momentum of the ``"sgd"`` solver (0 for plain gradient descent).
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``"sgd"`` (scikit-learn's default; ``glassnet
        train`` uses classical momentum, which scored 98.1% instead of 98.7% here).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified), stop when
        its loss has not improved by ``tol`` for ``n_iter_no_change`` epochs, and go
        back to the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share held out for early stopping (ignored without it).
    n_iter_no_change : int, default=10
        Epochs without progress before training stops.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's settings.
    input_noise : float, default=0.2
        Standard deviation of the Gaussian noise added to every training input each
        epoch (never to validation or prediction inputs); 0 turns it off. It assumes
        features on a scale of about 0..1 (the digits are; use a scaler otherwise).
    average_from : int or None, default=30
        Weight averaging: from this epoch of a ``fit`` on, the weights are the average
        of the weights at the end of each epoch since (see ``glassnet.train``); the
        loss curve then shows the averaged weights. None turns it off. Not used by
        ``partial_fit`` (one epoch per call).
    shift_pixels : int, default=0
        Move each training image by up to this many pixels every epoch (needs square
        images, e.g. 64 features = 8x8); 0 turns it off.
    nudge_pixels : float or None, default=None
        Move each training image by up to this fraction of a pixel every epoch,
        blending neighbouring pixels (see ``glassnet.train``). None: 0.5 when the
        rows are pictures (a square number of features from 64 on), none otherwise;
        0 turns it off.
    dtype : {"float64", "float32"}, default="float64"
        The network's number type.
    recipe : {"default", "fast", "best"} or None, default=None
        Train one of glassnet's named recipes (``glassnet.app.recipes``, the same
        ones as ``glassnet train --recipe``): every parameter above that is left at
        its default takes the recipe's value instead (``max_iter`` its epochs,
        ``solver`` its optimizer, ``alpha`` its l2, ...); a parameter given any
        other value wins over the recipe. ``recipe="default"`` trains as
        ``glassnet train`` does (classical momentum, 80 epochs, averaged from epoch
        40). scikit-learn's stopping rule (``tol``, ``n_iter_no_change``) still
        applies, and no validation images are held out unless ``early_stopping``.
        Running all of a recipe's epochs raises no ``ConvergenceWarning``: they are
        the recipe's plan, not a budget that ran out (a ``max_iter`` you give still
        warns).
        None: the parameters as given.

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
        The class labels (any labels: ints, strings, -1/1), sorted.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.
    network_ : glassnet.Network
        The trained network, sizes ``[n_features, *hidden_layer_sizes, n_classes]``,
        ``network_.classes`` equal to ``classes_``.
    coefs_ : list of ndarray
        ``coefs_[i]`` *is* ``network_.layers[i].W`` (n_in, n_out): the same arrays, not
        copies, so they always show the current weights.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` is ``network_.layers[i].b`` (n_out,).
    n_iter_ : int
        Epochs trained in total (``warm_start`` and ``partial_fit`` add to it).
    loss_curve_ : list of float
        Training loss after each epoch (mean over the training samples, plus the L2
        term, measured without input noise).
    validation_scores_ : list of float or None
        Validation accuracy after each epoch with ``early_stopping``, else None.
    validation_loss_curve_ : list of float or None
        Validation loss after each epoch with ``early_stopping``, else None.
    best_loss_ : float
        The lowest loss watched for stopping: training loss, or validation loss with
        ``early_stopping``.
    best_validation_score_ : float or None
        The validation accuracy of the kept (best) epoch with ``early_stopping``.
    history_ : glassnet.History
        What ``glassnet.train`` reported for the last ``fit`` (or ``partial_fit``).
    n_layers_ : int
        Layers including input and output (``len(network_.sizes)``).
    n_outputs_ : int
        Output neurons, one per class (MLPClassifier has 1 for binary problems).
    out_activation_ : str
        The output activation's name.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> model = GlassnetClassifier(random_state=0).fit(X / 16, y)
    >>> model.network_.sizes
    [64, 32, 10]
    """

    def __init__(
        self,
        hidden_layer_sizes: int | Sequence[int] = (32,),
        activation: str = "relu",
        *,
        output: str = "softmax",
        loss: str = "cross_entropy",
        solver: str = "sgd",
        alpha: float = 0.0,
        batch_size: int | str = DEFAULT_BATCH_SIZE,
        learning_rate_init: float | None = None,
        max_iter: int = 200,
        random_state: int | np.random.RandomState | None = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = DEFAULT_MOMENTUM,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        input_noise: float = DEFAULT_INPUT_NOISE,
        average_from: int | None = AVERAGE_FROM,
        shift_pixels: int = 0,
        nudge_pixels: float | None = None,
        dtype: str = "float64",
        recipe: str | None = None,
    ) -> None:
        # scikit-learn's rule: __init__ only stores; everything is checked in fit.
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.input_noise = input_noise
        self.average_from = average_from
        self.shift_pixels = shift_pixels
        self.nudge_pixels = nudge_pixels
        self.dtype = dtype
        self.recipe = recipe

    # ------------------------------------------------------------------ learning
    def __setstate__(self, state: dict[str, Any]) -> None:
        """After unpickling, point ``coefs_`` and ``intercepts_`` at the network's arrays.

        An unpickled network lays its weights end to end in a new vector (see
        ``Network.__setstate__``), so its arrays are new ones: without this, ``coefs_``
        would keep showing the weights as they were when pickled.
        """
        super().__setstate__(state)
        network = self.__dict__.get("network_")
        if network is not None:
            self.coefs_ = [layer.W for layer in network.layers]
            self.intercepts_ = [layer.b for layer in network.layers]

    def fit(self, X: ArrayLike, y: ArrayLike) -> GlassnetClassifier:
        """Train the network on (X, y) for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like (n_samples, n_features)
            Dense numbers (a DataFrame records ``feature_names_in_``). Never modified.
        y : array-like (n_samples,)
            Class labels of any kind; at least two distinct classes. Never modified.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            Bad parameters (``glassnet.ConfigError``) or data (``glassnet.DataError``),
            one class only, or with ``warm_start`` classes that differ from before.
        glassnet.TrainingDiverged
            The loss became NaN or infinite (lower ``learning_rate_init``).
        """
        settings = self._checked_settings()
        continuing = self.warm_start and hasattr(self, "network_")
        X, y = _validated(self, X, y, reset=not continuing)
        check_classification_targets(y)
        classes = _at_least_two_classes(np.unique(y))
        if continuing:
            if not np.array_equal(classes, self.classes_):
                raise DataError(
                    "warm_start can only continue training on the same classes: the "
                    f"network knows {shown(self.classes_.tolist())}, y has "
                    f"{shown(classes.tolist())}"
                )
        seed = _seed_from(self.random_state)
        if not continuing:
            self._start_network(classes, X.shape[1], settings, seed)
        self._seed = seed
        self._optimizer = self._make_optimizer(settings)
        history = self._train(X, y, settings, epochs=settings["max_iter"],
                              early_stopping=bool(self.early_stopping))
        # A recipe's epochs are part of the recipe, chosen by validation with weight
        # averaging (whose loss improves to the end): running them all is the plan,
        # not a budget that ran out, so only a max_iter you chose warns.
        budget_ran_out = (history.stop_reason == "completed"
                          and history.epochs == settings["max_iter"])
        if budget_ran_out and "max_iter" not in self._left_to_the_recipe():
            warnings.warn(
                f"GlassnetClassifier: the maximum number of epochs ({settings['max_iter']}) "
                "was reached and the loss was still improving; raise max_iter.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None
    ) -> GlassnetClassifier:
        """Train for one epoch on (X, y), continuing from the current weights.

        For data that arrives in pieces or does not fit in memory. The optimizer (with
        Adam's running averages, SGD's velocities) is kept between calls, so a series
        of calls is one long training. Each call shuffles with its own seed (derived
        from ``random_state`` and ``n_iter_``), uses no validation split and never
        stops early.

        Parameters
        ----------
        X : array-like (n_samples, n_features)
        y : array-like (n_samples,)
            Labels, all among ``classes``.
        classes : array-like, optional
            Every class the network will ever see. Required on the first call (a batch
            may not show them all); later calls may repeat it but not change it.

        Returns
        -------
        self
        """
        settings = self._checked_settings()
        first_call = not hasattr(self, "network_")
        if first_call:
            if classes is None:
                raise ConfigError(
                    "classes must be passed on the first call to partial_fit: one output "
                    "neuron is made per class, and this batch may not show them all"
                )
            all_classes = _at_least_two_classes(np.unique(np.asarray(classes)))
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ConfigError(
                f"classes={shown(np.unique(classes).tolist())} differs from the classes of the "
                f"first call, {shown(self.classes_.tolist())}; the network's outputs cannot "
                "change"
            )
        X, y = _validated(self, X, y, reset=first_call)
        check_classification_targets(y)
        if first_call:
            self._seed = _seed_from(self.random_state)
            self._start_network(all_classes, X.shape[1], settings, self._seed)
        if getattr(self, "_optimizer", None) is None:
            self._optimizer = self._make_optimizer(settings)
        self._train(X, y, settings, epochs=1, early_stopping=False)
        return self

    # ------------------------------------------------------------------ answers
    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class of each sample: the output neuron with the largest value.

        Returns
        -------
        ndarray (n_samples,)
            Labels from ``classes_``.
        """
        X = self._checked_inputs(X)
        return self.network_.predict(X)

    def predict_proba(self, X: ArrayLike) -> NDArray[np.floating]:
        """Probability of each class, rows summing to 1: (n_samples, n_classes).

        Columns follow ``classes_``. With a softmax output these are its values; other
        outputs are normalised as ``Network.predict_proba`` explains.
        """
        X = self._checked_inputs(X)
        return self.network_.predict_proba(X)

    def predict_log_proba(self, X: ArrayLike) -> NDArray[np.floating]:
        """The natural log of ``predict_proba`` (-inf where a probability is exactly 0)."""
        probabilities = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(probabilities)

    # ------------------------------------------------------------------ files
    def save(self, path: str | Path) -> Path:
        """Write ``network_`` to a glassnet model file (.npz), atomically.

        The file is the same one ``glassnet.save`` writes, with this estimator's
        parameters, ``n_iter_`` and ``loss_curve_`` recorded under ``training``. Read it
        back with ``glassnet.load(path)``, which gives the ``Network`` (not an
        estimator): ``glassnet.load(path).predict(X)`` equals ``self.predict(X)``. No
        pickle is involved, so such a file is safe to share. Class labels must be
        whole numbers or strings.

        Returns
        -------
        Path
            The path written.
        """
        check_is_fitted(self, "network_")
        training = {
            "estimator": type(self).__name__,
            "params": {name: _json_ready(value) for name, value in self.get_params().items()},
            "n_iter": int(self.n_iter_),
            "loss_curve": [float(value) for value in self.loss_curve_],
        }
        from .store.modelfile import save

        return save(self.network_, path, training=training)

    # ------------------------------------------------------------------ scikit-learn
    def __sklearn_tags__(self) -> Tags:
        """What scikit-learn's checks and meta-estimators may expect of this estimator.

        A classifier (from ClassifierMixin) of any number of classes, on dense input
        without NaN: the network cannot do arithmetic with a missing pixel.
        """
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.classifier_tags.multi_class = True
        return tags

    # ------------------------------------------------------------------ internals
    def _checked_inputs(self, X: ArrayLike) -> NDArray[np.floating]:
        """X as scikit-learn validates it, or X itself when nothing could be wrong with it.

        ``validate_data`` costs 200 microseconds, twenty times a one-image prediction.
        A float array of the fitted number of columns, from an estimator fitted
        without column names, passes every one of its checks but the one for NaN and
        inf, which the network makes anyway (a ``DataError``, a ``ValueError``); such
        an array goes straight to the network. Anything else (a list, a DataFrame,
        other numbers, a wrong shape) takes scikit-learn's checks and their messages.
        """
        if (type(X) is np.ndarray and X.dtype in _INPUT_DTYPES and X.ndim == 2
                and X.shape[0] > 0 and X.shape[1] == getattr(self, "n_features_in_", None)
                and "network_" in self.__dict__ and "feature_names_in_" not in self.__dict__):
            return X
        check_is_fitted(self, "network_")
        return _validated(self, X, reset=False)

    def _parameters(self) -> dict[str, Any]:
        """The parameters to train with: as given, or filled in from ``recipe``.

        With a recipe, each parameter of ``_RECIPE_PARAMETERS`` still at its
        ``__init__`` default takes the value of the recipe's ``RunSettings`` (an
        equal value of another type, such as ``[32]`` for ``(32,)``, counts as given).
        """
        params = self.get_params(deep=False)
        if self.recipe is None:
            return params
        recipe, left = settings_for(self.recipe), self._left_to_the_recipe()
        for setting, name in _RECIPE_PARAMETERS.items():
            if name in left:
                params[name] = getattr(recipe, setting)
        return params

    def _left_to_the_recipe(self) -> set[str]:
        """The parameters of ``_RECIPE_PARAMETERS`` still at their ``__init__`` default.

        With a ``recipe`` these take the recipe's values; without one, none do.
        """
        if self.recipe is None:
            return set()
        params = self.get_params(deep=False)
        defaults = {name: parameter.default for name, parameter in
                    inspect.signature(type(self).__init__).parameters.items()}
        left = set()
        for name in _RECIPE_PARAMETERS.values():
            given, default = params[name], defaults[name]
            if given is default or (type(given) is type(default) and given == default):
                left.add(name)
        return left

    def _checked_settings(self) -> dict[str, Any]:
        """The parameters turned into glassnet's terms, or ConfigError (a ValueError).

        Only what scikit-learn names differently is checked here; the core checks
        the rest (loss and activation names, ranges) when the network and the
        optimizer are made, with messages that list the valid choices.
        """
        params = self._parameters()
        # "no" is true in Python: an on/off parameter must be a boolean (or 0 or 1).
        for name in ("warm_start", "early_stopping", "nesterovs_momentum", "verbose"):
            if not isinstance(params[name], bool | np.bool_ | int) or params[name] not in (0, 1):
                raise ConfigError(f"{name} must be True or False, got {shown(params[name])}")
        hidden = _hidden_sizes(params["hidden_layer_sizes"])
        activation = _ACTIVATION_ALIASES.get(params["activation"], params["activation"])
        output = _ACTIVATION_ALIASES.get(params["output"], params["output"])
        for name, value in (("activation", activation), ("output", output)):
            if not isinstance(value, str) or value not in ACTIVATIONS:
                raise ConfigError(f"unknown {name} {shown(value)}; choose one of: "
                                  f"{', '.join([*ACTIVATIONS, 'logistic'])}")
        loss, solver = params["loss"], params["solver"]
        if not isinstance(loss, str) or loss not in LOSSES:
            raise ConfigError(f"unknown loss {shown(loss)}; choose one of: {', '.join(LOSSES)}")
        if not isinstance(solver, str) or solver not in OPTIMIZERS:
            raise ConfigError(
                f"unknown solver {shown(solver)}; choose one of: {', '.join(OPTIMIZERS)}"
            )
        batch_size = params["batch_size"]
        if not (batch_size == "auto" if isinstance(batch_size, str) else _is_whole(batch_size)):
            raise ConfigError(
                f"batch_size must be 'auto' or a whole number >= 1, got {shown(batch_size)}"
            )
        # A fit trains at most MAX_EPOCHS; "never stop on tol" may be any whole number.
        for name, most in (("max_iter", MAX_EPOCHS), ("n_iter_no_change", MAX_WHOLE_NUMBER)):
            value = params[name]
            if not _is_whole(value) or value > most:
                raise ConfigError(f"{name} must be a whole number from 1 to {most:,}, "
                                  f"got {shown(value)}")
        if not _is_number(self.tol) or self.tol < 0:
            raise ConfigError(f"tol must be a number >= 0, got {shown(self.tol)}")
        alpha = params["alpha"]
        if not _is_number(alpha) or alpha < 0:
            raise ConfigError(f"alpha must be a number >= 0, got {shown(alpha)}")
        if self.early_stopping and not (
            _is_number(self.validation_fraction) and 0 < self.validation_fraction < 1
        ):
            raise ConfigError(
                "validation_fraction must be between 0 and 1, "
                f"got {shown(self.validation_fraction)}"
            )
        rate = params["learning_rate_init"]
        if rate is None:
            rate = DEFAULT_LEARNING_RATES[solver]
        elif not _is_number(rate):
            raise ConfigError(
                f"learning_rate_init must be a positive number or None, got {shown(rate)}")
        return {"hidden": hidden, "activation": activation, "output": output,
                "learning_rate": float(rate), "max_iter": int(params["max_iter"]),
                "batch_size": batch_size, "loss": loss, "solver": solver,
                "alpha": float(alpha), "momentum": params["momentum"],
                "nesterov": params["nesterovs_momentum"], "input_noise": params["input_noise"],
                "average_from": params["average_from"], "shift_pixels": params["shift_pixels"],
                "nudge_pixels": params["nudge_pixels"], "dtype": params["dtype"]}

    def _start_network(self, classes: NDArray[Any], n_features: int,
                       settings: dict[str, Any], seed: int) -> None:
        """A fresh network for these classes, and fitted attributes pointing into it."""
        self.network_ = Network(
            [n_features, *settings["hidden"], len(classes)],
            activation=settings["activation"],
            output=settings["output"],
            seed=seed,
            dtype=settings["dtype"],
            classes=classes.copy(),
        )
        self.classes_ = classes
        self.coefs_ = [layer.W for layer in self.network_.layers]
        self.intercepts_ = [layer.b for layer in self.network_.layers]
        self.n_layers_ = len(self.network_.sizes)
        self.n_outputs_ = self.network_.n_outputs
        self.out_activation_ = self.network_.output_activation.name
        self.n_iter_ = 0
        self.loss_curve_: list[float] = []
        self._optimizer = None

    def _make_optimizer(self, settings: dict[str, Any]) -> Optimizer:
        rate, momentum = settings["learning_rate"], settings["momentum"]
        if settings["solver"] == "sgd":
            return SGD(learning_rate=rate, momentum=momentum,
                       nesterov=bool(settings["nesterov"]) and momentum > 0)
        if settings["solver"] == "slope_descent":
            return SlopeDescent(learning_rate=rate)
        return Adam(learning_rate=rate, beta1=self.beta_1, beta2=self.beta_2,
                    epsilon=self.epsilon)

    def _train(self, X: NDArray[np.floating], y: NDArray[Any], settings: dict[str, Any], *,
               epochs: int, early_stopping: bool) -> History:
        """Run ``glassnet.train`` on the network and record what happened."""
        batch_size = settings["batch_size"]
        if batch_size == "auto":
            batch_size = min(200, len(X))
        averaging_from = settings["average_from"] if epochs > 1 else None
        stopper = _StopWhenLossFlattens(self.tol, self.n_iter_no_change,
                                        watch_validation=early_stopping,
                                        start=1 if averaging_from is None else averaging_from)
        callbacks = [stopper] if epochs > 1 else []
        if self.verbose:
            callbacks.append(_print_progress(self.n_iter_))
        history = train(
            self.network_,
            (X, y),
            loss=settings["loss"],
            optimizer=self._optimizer,
            epochs=epochs,
            batch_size=batch_size,
            validation_fraction=self.validation_fraction if early_stopping else 0.0,
            early_stopping=early_stopping,
            patience=self.n_iter_no_change,
            l2=settings["alpha"],
            input_noise=settings["input_noise"],
            average_from=averaging_from,
            shift_pixels=settings["shift_pixels"],
            nudge_pixels=settings["nudge_pixels"],
            # Each training run shuffles differently, yet repeatably: a fresh fit uses
            # the seed itself (as `glassnet train` does), later runs move past it.
            seed=self._seed + self.n_iter_,
            callbacks=callbacks,
            catch_interrupt=False,
        )
        self.history_ = history
        self.n_iter_ += history.epochs
        self.loss_curve_.extend(float(value) for value in history.train_loss)
        if early_stopping:
            best = history.best_epoch - 1
            self.validation_scores_ = list(history.validation_accuracy)
            self.validation_loss_curve_ = list(history.validation_loss)
            self.best_loss_ = float(history.validation_loss[best])
            self.best_validation_score_ = float(history.validation_accuracy[best])
        else:
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_loss_ = float(min(self.loss_curve_))
            self.best_validation_score_ = None
        return history


class _StopWhenLossFlattens:
    """scikit-learn's stopping rule, as a ``glassnet.train`` callback.

    An epoch counts as progress when the watched loss beats the best so far by more
    than ``tol``; after ``patience`` epochs in a row without progress, stop.

    With weight averaging the watching starts at epoch ``start``, when the averaging
    does. Before it, the loss of SGD's raw weights jumps up and down from epoch to
    epoch (momentum and input noise make it zig-zag), and a stretch of ten jumpy
    epochs stopped some runs before the averaging that makes them good ever began.
    """

    def __init__(self, tol: float, patience: int, *, watch_validation: bool,
                 start: int = 1) -> None:
        self.tol = float(tol)
        self.patience = int(patience)
        self.watch_validation = watch_validation
        self.start = int(start)
        self.best = np.inf
        self.epochs_without_progress = 0

    def __call__(self, history: History, network: Network) -> bool:
        if history.epochs < self.start:
            return True
        losses = history.validation_loss if self.watch_validation else history.train_loss
        latest = losses[-1]
        if latest > self.best - self.tol:
            self.epochs_without_progress += 1
        else:
            self.epochs_without_progress = 0
        self.best = min(self.best, latest)
        return self.epochs_without_progress < self.patience


def _print_progress(epochs_before: int) -> Callable[[History, Network], None]:
    """The ``verbose`` callback: scikit-learn's one line per epoch (the only printing)."""

    def report(history: History, network: Network) -> None:
        line = f"Iteration {epochs_before + history.epochs}"
        if history.train_loss:
            line += f", loss = {history.train_loss[-1]:.8f}"
        if history.validation_loss:
            line += (f", validation loss = {history.validation_loss[-1]:.8f}"
                     f", validation accuracy = {history.validation_accuracy[-1]:.4f}")
        print(line)

    return report


def _validated(estimator: GlassnetClassifier, *data: Any, reset: bool) -> Any:
    """scikit-learn's ``validate_data`` of X (and y), with one gap closed.

    An int beyond any float (10**400) makes it raise a bare OverflowError; that is
    a ``DataError`` (a ValueError) like every other X that is not numbers.
    """
    try:
        return validate_data(estimator, *data, reset=reset, dtype=_INPUT_DTYPES)
    except OverflowError as error:
        raise not_numbers("X", error) from None


def _seed_from(random_state: Any) -> int:
    """One integer seed from scikit-learn's ``random_state`` convention.

    An int is the seed. A RandomState, or None (scikit-learn's way of saying "NumPy's
    global RandomState"), is asked for one number; glassnet itself then only uses
    ``numpy.random.default_rng(seed)`` generators.
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ConfigError(f"random_state must be >= 0, got {random_state}")
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _hidden_sizes(value: Any) -> tuple[int, ...]:
    """``hidden_layer_sizes`` as a tuple: 32 -> (32,), [64, 32] -> (64, 32), () -> ().

    Checked by ``parse_hidden``, so a mistake gets the words ``--hidden`` uses, after
    the parameter's name. Text ("64,32") is refused: scikit-learn parameters are numbers.
    """
    if isinstance(value, str):
        raise ConfigError(f"hidden_layer_sizes: give numbers, e.g. (64, 32), not text; "
                          f"got {shown(value)}")
    try:
        return parse_hidden(value)
    except ConfigError as error:
        raise ConfigError(f"hidden_layer_sizes: {error}") from None


def _at_least_two_classes(classes: NDArray[Any]) -> NDArray[Any]:
    if len(classes) < 2:
        raise DataError(
            f"GlassnetClassifier needs at least 2 classes to learn to tell apart; got "
            f"{plural(len(classes), 'class', 'classes')}: {shown(classes.tolist())}"
        )
    return classes


def _is_whole(value: Any) -> bool:
    return (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and value >= 1)


def _is_number(value: Any) -> bool:
    """A finite real number, not a bool (10**400 is not: no float holds it)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _json_ready(value: Any) -> Any:
    """A parameter as JSON can hold it (for the model file's training record)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, tuple | list | np.ndarray):
        return [_json_ready(item) for item in value]
    if isinstance(value, type):
        return np.dtype(value).name if issubclass(value, np.generic) else value.__name__
    return repr(value)


__all__ = ["GlassnetClassifier"]
