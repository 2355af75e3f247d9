"""glassnet: a neural network you can see through.

A small, fast, from-scratch feedforward network in NumPy that learns the UCI 8x8
handwritten digits, and every window needed to understand it. The core needs only
NumPy; this module offers its public names::

    import glassnet as gn
    data = gn.load_digits()
    train, test = data.split(test_fraction=0.2, seed=0)
    net = gn.Network([64, 32, 10])
    history = gn.train(net, train)
    print(gn.accuracy(net, test))

The names are loaded lazily: ``import glassnet`` imports nothing but this file, and
``gn.Network`` (or ``from glassnet import Network``) imports the module that defines
it the first time it is asked for. That is for the command line: ``glassnet --help``
imports ``glassnet.cli``, and so this package, and must answer at once; NumPy alone
takes about a tenth of a second to import. It matters even more for the edges:
``GlassnetClassifier`` imports scikit-learn (about 1.5 s), and ``sweep`` may import
joblib or Dask, neither of which belongs on the way to training a network.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what editors and type checkers read; at run time, see __getattr__
    from .app.experiment import RunResult
    from .app.recipes import RECIPES, settings_for
    from .app.settings import RunSettings
    from .app.sweeps import sweep
    from .core.activations import ACTIVATIONS, get_activation
    from .core.gradcheck import gradcheck, numerical_slope
    from .core.losses import LOSSES, get_loss
    from .core.metrics import (
        Evaluation,
        accuracy,
        confusion_matrix,
        evaluate,
        misclassified,
        most_confused,
        per_class_accuracy,
    )
    from .core.network import Network, Trace
    from .core.optimizers import OPTIMIZERS, SGD, Adam, Optimizer, SlopeDescent, get_optimizer
    from .data.dataset import Dataset
    from .data.digits import load_digits
    from .errors import (
        ConfigError,
        DataError,
        GlassnetError,
        MissingExtraError,
        ModelFormatError,
        RunsDatabaseError,
        TrainingDiverged,
    )
    from .estimator import GlassnetClassifier
    from .store.modelfile import save
    from .store.version import __version__
    from .training import History, train

#: Where each public name lives: submodule -> the names it offers here.
_SUBMODULE_NAMES: dict[str, tuple[str, ...]] = {
    "core.activations": ("ACTIVATIONS", "get_activation"),
    "data.dataset": ("Dataset",),
    "data.digits": ("load_digits",),
    "errors": ("ConfigError", "DataError", "GlassnetError", "MissingExtraError",
               "ModelFormatError", "RunsDatabaseError", "TrainingDiverged"),
    "estimator": ("GlassnetClassifier",),
    "app.experiment": ("RunResult",),
    "core.gradcheck": ("gradcheck", "numerical_slope"),
    "core.losses": ("LOSSES", "get_loss"),
    "core.metrics": ("Evaluation", "accuracy", "confusion_matrix", "evaluate", "misclassified",
                "most_confused", "per_class_accuracy"),
    "core.network": ("Network", "Trace"),
    "core.optimizers": ("OPTIMIZERS", "SGD", "Adam", "Optimizer", "SlopeDescent", "get_optimizer"),
    "app.recipes": ("RECIPES", "settings_for"),
    "app.settings": ("RunSettings",),
    "app.sweeps": ("sweep",),
    "store.modelfile": ("save",),
    "store.version": ("__version__",),
    "training": ("History", "train"),
}  # fmt: skip

#: The same table turned around: public name -> the submodule that defines it.
_LAZY_NAMES: dict[str, str] = {
    name: submodule for submodule, names in _SUBMODULE_NAMES.items() for name in names
}


def __getattr__(name: str) -> Any:
    """Import a public name's submodule the first time the name is asked for.

    The value is then kept in this module, so later look-ups cost nothing. Any
    other name is an AttributeError, which is also how ``from glassnet import
    plots`` learns that ``plots`` is a submodule to import.
    """
    submodule = _LAZY_NAMES.get(name)
    if submodule is None:
        raise AttributeError(f"module 'glassnet' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{submodule}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, loaded or not, and the dunders (for ``dir()`` and tab completion)."""
    return sorted(set(__all__) | {name for name in globals() if name.startswith("__")})


def load(path):  # noqa: ANN001, ANN201 - documented in modelfile.load
    """Load a network saved with ``glassnet.save`` (``.npz``) or ``glassnet export`` (``.json``)."""
    from .store.modelfile import load_any

    return load_any(path)


__all__ = [
    "__version__",
    "ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "RECIPES",
    "Adam",
    "ConfigError",
    "DataError",
    "Dataset",
    "Evaluation",
    "GlassnetClassifier",
    "GlassnetError",
    "History",
    "MissingExtraError",
    "ModelFormatError",
    "Network",
    "Optimizer",
    "RunResult",
    "RunSettings",
    "RunsDatabaseError",
    "SGD",
    "SlopeDescent",
    "Trace",
    "TrainingDiverged",
    "accuracy",
    "confusion_matrix",
    "evaluate",
    "get_activation",
    "get_loss",
    "get_optimizer",
    "gradcheck",
    "load",
    "save",
    "settings_for",
    "load_digits",
    "misclassified",
    "most_confused",
    "numerical_slope",
    "per_class_accuracy",
    "sweep",
    "train",
]
