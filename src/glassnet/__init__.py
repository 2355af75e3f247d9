"""glassnet: a neural network you can see through.

A small, fast, from-scratch feedforward network in NumPy that learns the UCI 8x8
handwritten digits, and every window needed to understand it. The core needs only
NumPy; this module re-exports its public names::

    import glassnet as gn
    data = gn.load_digits()
    train, test = data.split(test_fraction=0.2, seed=0)
    net = gn.Network([64, 32, 10])
    history = gn.train(net, train)
    print(gn.accuracy(net, test))
"""

from .activations import ACTIVATIONS, get_activation
from .datasets import Dataset, load_digits
from .errors import (
    ConfigError,
    DataError,
    GlassnetError,
    ModelFormatError,
    RunsDatabaseError,
    TrainingDiverged,
)
from .experiment import RunResult, RunSettings
from .gradcheck import gradcheck, numerical_slope
from .losses import LOSSES, get_loss
from .metrics import (
    Evaluation,
    accuracy,
    confusion_matrix,
    evaluate,
    misclassified,
    most_confused,
    per_class_accuracy,
)
from .network import Network, Trace
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer, SlopeDescent, get_optimizer
from .training import History, train

__version__ = "0.1.0"


def __getattr__(name):  # noqa: ANN001, ANN202
    """Edges that need heavier libraries load only when first used.

    ``GlassnetClassifier`` imports scikit-learn (about 1.5 s), and ``sweep`` may import
    joblib or Dask; neither belongs on the way to training a network.
    """
    if name == "GlassnetClassifier":
        from .estimator import GlassnetClassifier

        return GlassnetClassifier
    if name == "sweep":
        from .sweeps import sweep

        return sweep
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


def load(path):  # noqa: ANN001, ANN201 - documented in modelfile.load
    """Load a network saved with ``Network.save`` (``.npz``) or ``glassnet export`` (``.json``)."""
    from .modelfile import load_any

    return load_any(path)


__all__ = [
    "__version__",
    "ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "Adam",
    "ConfigError",
    "DataError",
    "Dataset",
    "Evaluation",
    "GlassnetClassifier",
    "GlassnetError",
    "History",
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
    "load_digits",
    "misclassified",
    "most_confused",
    "numerical_slope",
    "per_class_accuracy",
    "sweep",
    "train",
]
