"""Every contender behind one small interface: fit, predict, predict one image.

A contender knows how to train on (X, y) with a seed and an optional *budget* (its
number of epochs or iterations; ``None`` means its own setting), how to predict a
batch of images and how to predict one image the way a user would. Heavy libraries
(scikit-learn, PyTorch) are imported inside the methods, so that a process that
measures glassnet's memory never loads them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Budgets tried, in order, when looking for the time to reach the target accuracy:
#: every whole number up to 20 epochs, so no contender pays for a coarse step.
EPOCH_BUDGETS = (*range(1, 21), 25, 30, 35, 40, 50, 60, 80, 100)


@dataclass
class Contender:
    """Base class: a named way to train and use a classifier."""

    name: str
    library: str = "glassnet"
    #: The same settings as ``name`` in words, for the report (see ``describe``).
    settings: str = ""

    def describe(self) -> str:
        """The contender's settings in words, as the report's table lists them."""
        return self.settings

    def fit(self, X: np.ndarray, y: np.ndarray, seed: int, budget: int | None = None) -> Any:
        raise NotImplementedError

    def predict(self, model: Any, X: np.ndarray) -> np.ndarray:
        return model.predict(X)

    def predict_one(self, model: Any, x: np.ndarray) -> Any:
        """Classify one image (64,) through the library's public API."""
        return model.predict(x.reshape(1, -1))[0]


# ---------------------------------------------------------------------- glassnet
@dataclass
class Glassnet(Contender):
    """glassnet's ``Network`` and ``train``, as a named recipe's ``RunSettings`` describe.

    ``recipe`` and ``overrides`` go to ``glassnet.settings_for``, so the benchmark
    trains exactly what ``glassnet train --recipe NAME`` trains (on the protocol's
    splits instead of glassnet's own). ``train_extras`` are ``train`` keywords that
    are about measuring, not about the recipe (``score_training=False``).
    ``members`` > 1 trains that many networks (seeds ``seed * members + k``) and
    averages their probabilities: see ``Averaged``.
    """

    recipe: str = "default"
    overrides: dict[str, Any] = field(default_factory=dict)
    train_extras: dict[str, Any] = field(default_factory=dict)
    members: int = 1

    def describe(self) -> str:
        """``settings`` (what the contender is), then the recipe's values, read from it.

        Written from ``settings_for`` rather than by hand, so that a retuned recipe
        cannot leave the report quoting the values it had before.
        """
        from glassnet.core.defaults import DEFAULT_NUDGE

        chosen = self.run_settings(seed=0)
        rate = chosen.effective_learning_rate
        steps = (f"SGD {rate:g} momentum {chosen.momentum:g}" if chosen.optimizer == "sgd"
                 else f"{chosen.optimizer} {rate:g}")
        nudges = (f"nudges {DEFAULT_NUDGE:g} (the default for pictures)"
                  if chosen.nudge_pixels is None else f"nudges {chosen.nudge_pixels:g}")
        averaged = ("no weight averaging" if chosen.average_from is None
                    else f"weights averaged from epoch {chosen.average_from}")
        layers = "-".join(map(str, [64, *chosen.hidden, 10]))
        words = (f"{layers} {chosen.dtype}, {steps}, batches "
                 f"of {chosen.batch_size}, {chosen.epochs} epochs, input noise "
                 f"{chosen.input_noise:g}, {nudges}, {averaged}, validation split "
                 f"{chosen.validation_fraction:g}")
        return f"{self.settings}: {words}" if self.settings else words

    def run_settings(self, seed: int, budget: int | None = None) -> Any:
        """The ``RunSettings`` of one member trained with this seed (and epoch budget)."""
        import glassnet as gn

        overrides = {**self.overrides, "seed": seed}
        if budget is not None:
            overrides["epochs"] = budget
        return gn.settings_for(self.recipe, **overrides)

    def fit(self, X, y, seed, budget=None):
        import glassnet as gn

        networks = []
        for member in range(self.members):
            settings = self.run_settings(seed * self.members + member, budget)
            network = settings.make_network(X.shape[1], range(10))
            gn.train(network, (X, y), **settings.train_options(), **self.train_extras)
            networks.append(network)
        return networks[0] if self.members == 1 else Averaged(networks)

    def predict_one(self, model, x):
        return model.predict(x)[0]  # a flat (64,) vector is one image to glassnet


class Averaged:
    """Several trained networks that answer together by averaging their probabilities.

    Networks trained from different random starts make partly different mistakes;
    the average of their probabilities is right more often than any one of them.
    (This is all an "ensemble" is.) It offers ``predict`` and ``predict_proba`` like
    a single ``Network``.
    """

    def __init__(self, networks: Sequence[Any]) -> None:
        self.networks = list(networks)
        self.classes = self.networks[0].classes

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Mean of the networks' probabilities (n, n_classes)."""
        total = self.networks[0].predict_proba(X)
        for network in self.networks[1:]:
            total = total + network.predict_proba(X)
        return total / len(self.networks)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes[self.predict_proba(X).argmax(axis=1)]


# ---------------------------------------------------------------------- scikit-learn
@dataclass
class SklearnMLP(Contender):
    """scikit-learn's MLPClassifier; the budget is ``max_iter`` (epochs).

    ``blas_threads`` limits NumPy's BLAS threads during the fit (threadpoolctl), as
    glassnet does for small products; None leaves scikit-learn as it comes.
    """

    library: str = "scikit-learn"
    options: dict[str, Any] = field(default_factory=dict)
    blas_threads: int | None = None

    def fit(self, X, y, seed, budget=None):
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from threadpoolctl import threadpool_limits

        options = dict(self.options)
        if budget is not None:
            options["max_iter"] = budget
        model = MLPClassifier(random_state=seed, **options)
        with warnings.catch_warnings(), threadpool_limits(limits=self.blas_threads,
                                                          user_api="blas"):
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(X, y)


@dataclass
class SklearnModel(Contender):
    """A classical scikit-learn classifier: ``kind`` is "svc", "knn" or "logistic"."""

    library: str = "scikit-learn"
    kind: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def fit(self, X, y, seed, budget=None):
        if self.kind == "svc":
            from sklearn.svm import SVC as model_class
        elif self.kind == "knn":
            from sklearn.neighbors import KNeighborsClassifier as model_class
        else:
            from sklearn.linear_model import LogisticRegression as model_class
        return model_class(**self.options).fit(X, y)


# ---------------------------------------------------------------------- PyTorch
@dataclass
class Torch(Contender):
    """PyTorch on the CPU: Linear-ReLU-Linear, cross-entropy, Adam, shuffled minibatches.

    The training loop is the usual hand-written one (no DataLoader, which would only
    add overhead at this size). ``threads`` sets ``torch.set_num_threads``.
    """

    library: str = "pytorch"
    hidden: int = 64
    learning_rate: float = 0.02
    batch_size: int = 64
    epochs: int = 8
    threads: int = 1

    def fit(self, X, y, seed, budget=None):
        import torch

        torch.set_num_threads(self.threads)
        torch.manual_seed(seed)
        model = torch.nn.Sequential(
            torch.nn.Linear(X.shape[1], self.hidden), torch.nn.ReLU(),
            torch.nn.Linear(self.hidden, 10),
        )
        optimizer = torch.optim.Adam(model.parameters(), lr=self.learning_rate)
        loss_fn = torch.nn.CrossEntropyLoss()
        inputs = torch.as_tensor(X, dtype=torch.float32)
        labels = torch.as_tensor(y, dtype=torch.long)
        generator = torch.Generator().manual_seed(seed)
        for _ in range(budget or self.epochs):
            order = torch.randperm(len(inputs), generator=generator)
            for start in range(0, len(inputs), self.batch_size):
                batch = order[start:start + self.batch_size]
                optimizer.zero_grad()
                loss_fn(model(inputs[batch]), labels[batch]).backward()
                optimizer.step()
        model.eval()
        return model

    def predict(self, model, X):
        import torch

        with torch.no_grad():
            return model(torch.as_tensor(X, dtype=torch.float32)).argmax(dim=1).numpy()

    def predict_one(self, model, x):
        import torch

        with torch.no_grad():
            return int(model(torch.as_tensor(x, dtype=torch.float32)).argmax())


# ---------------------------------------------------------------------- the line-up
#: glassnet as shipped: ``train(Network([64, 32, 10]), data)``, which is the default
#: recipe without its 10% validation split (``train`` itself holds out nothing).
GLASSNET_DEFAULTS = Glassnet("glassnet defaults",
                             settings="Network([64, 32, 10]), train() defaults (the default "
                                      "recipe without its validation split)",
                             overrides={"validation_fraction": 0.0})

#: glassnet tuned for speed: the ``fast`` recipe (see glassnet.app.recipes).
GLASSNET_FASTEST = Glassnet(
    "glassnet fastest",
    settings="the fast recipe, with no per-epoch training score (score_training=False: "
             "like the other contenders, it does not measure itself after every epoch)",
    recipe="fast", train_extras={"score_training": False},
)

#: glassnet tuned for accuracy: one network of the ``best`` recipe, what
#: ``glassnet train --recipe best`` trains, timed like the fastest (no per-epoch
#: training score). Issue 20's "best" goals are judged on this one network.
GLASSNET_BEST = Glassnet(
    "glassnet best",
    settings="one network of the best recipe, with no per-epoch training score "
             "(score_training=False)",
    recipe="best", train_extras={"score_training": False},
)

#: glassnet tuned for accuracy: three networks of the ``best`` recipe answering together
#: (``Averaged``). One network alone scores 98.7 to 99.0% depending on its random start;
#: the average of three is steadier. The recipe itself is one network, because one
#: network is what a model file holds and the explorer shows.
GLASSNET_RECOMMENDED = Glassnet(
    "glassnet recommended",
    settings="3 averaged networks of the best recipe, each",
    recipe="best", members=3,
)

SKLEARN_DEFAULTS = SklearnMLP("sklearn MLP defaults", settings="MLPClassifier()")
SKLEARN_FASTEST = SklearnMLP(
    "sklearn MLP fastest", settings="MLPClassifier((100,), learning_rate_init=0.01, max_iter=20)",
    options={"hidden_layer_sizes": (100,), "learning_rate_init": 0.01, "max_iter": 20},
)
SKLEARN_FASTEST_ONE_THREAD = SklearnMLP(
    "sklearn MLP fastest, 1 BLAS thread",
    settings="as sklearn MLP fastest, fitted under threadpool_limits(1, 'blas')",
    options=SKLEARN_FASTEST.options, blas_threads=1,
)
TORCH = Torch(
    "PyTorch CPU",
    settings="64-64-10, Adam 0.025, batch 64, 8 epochs, 1 thread (glassnet fastest's "
             "network and optimizer, without weight averaging)",
    learning_rate=0.025,
)
SVC = SklearnModel("SVC", kind="svc", settings='SVC(gamma="scale", C=10)',
                   options={"gamma": "scale", "C": 10})
KNN = SklearnModel("kNN", kind="knn", settings="KNeighborsClassifier(n_neighbors=3)",
                   options={"n_neighbors": 3})
LOGISTIC = SklearnModel("logistic regression", kind="logistic",
                        settings="LogisticRegression(C=1, max_iter=2000)",
                        options={"C": 1.0, "max_iter": 2000})

CONTENDERS: list[Contender] = [
    GLASSNET_DEFAULTS, GLASSNET_BEST, GLASSNET_RECOMMENDED, GLASSNET_FASTEST, SKLEARN_DEFAULTS,
    SKLEARN_FASTEST, TORCH, SVC, KNN, LOGISTIC,
]
BY_NAME = {contender.name: contender for contender in CONTENDERS}
