"""Metrics: how good is the network on images it has never seen?

The score that matters is the *accuracy* on test images, kept aside during training:
the fraction the network gets right. Accuracy alone hides *which* digits are
confused with which, so there is also the *confusion matrix* (row = true digit,
column = guess), the accuracy of each digit on its own, the pairs most often mixed
up, and the misclassified images themselves, to look at.

Every function takes a model (anything with ``predict``, such as a ``Network``) and
the data: a ``Dataset`` or an ``(X, y)`` pair. ``evaluate`` computes everything from
a single round of predictions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError, DataError, shown
from .json_values import plain


@dataclass
class Evaluation:
    """Every score of one model on one data set.

    Attributes
    ----------
    classes : ndarray (k,)
        The labels, in the order of the confusion matrix's rows and columns.
    y_true, y_pred : ndarray (n,)
    accuracy : float
    confusion : ndarray (k, k) of int
        ``confusion[i, j]`` counts images of class ``classes[i]`` guessed as ``classes[j]``.
    unlearned : ndarray
        The data's labels that are not among the model's classes (appended to
        ``classes`` after them): the model can never guess them, so their images are
        all mistakes. Empty when the model knows every label, or says none.
    """

    classes: NDArray[Any]
    y_true: NDArray[Any]
    y_pred: NDArray[Any]
    accuracy: float
    confusion: NDArray[np.int64]
    unlearned: NDArray[Any] = field(default_factory=lambda: np.array([]))

    @property
    def unlearned_images(self) -> int:
        """How many images carry a label the model never learned (see ``unlearned``)."""
        return int(np.isin(self.y_true, self.unlearned).sum()) if self.unlearned.size else 0

    @property
    def per_class_accuracy(self) -> dict[Any, float]:
        """For each class, the fraction of its images guessed right (NaN if it has none)."""
        totals = self.confusion.sum(axis=1)
        right = np.diag(self.confusion)
        return {
            plain(label): (float(right[i] / totals[i]) if totals[i] else float("nan"))
            for i, label in enumerate(self.classes)
        }

    def most_confused(self, top: int = 5) -> list[tuple[Any, Any, int]]:
        """The ``top`` (true, guessed, count) pairs of mistakes, most frequent first."""
        if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 0:
            raise ConfigError(f"top is how many pairs to list, a whole number of at least 0, "
                              f"got {shown(top)}")
        off_diagonal = self.confusion.copy()
        np.fill_diagonal(off_diagonal, 0)
        order = np.argsort(-off_diagonal, axis=None, kind="stable")[:top]
        pairs = []
        for flat in order:
            i, j = np.unravel_index(flat, off_diagonal.shape)
            if off_diagonal[i, j] == 0:
                break
            true, guessed = plain(self.classes[i]), plain(self.classes[j])
            pairs.append((true, guessed, int(off_diagonal[i, j])))
        return pairs

    @property
    def mistakes(self) -> NDArray[np.intp]:
        """Indices of the misclassified images."""
        return np.flatnonzero(self.y_true != self.y_pred)


def _refuse_what_cannot_predict(model: Any, task: str) -> None:
    """A ConfigError naming ``task`` unless ``model`` has a ``predict`` to score."""
    if not callable(getattr(model, "predict", None)):
        raise ConfigError(f"{task} scores a model that predicts (a Network, or a fitted "
                          f"GlassnetClassifier), got {shown(model)}")


def _unpack(data: Any) -> tuple[Any, NDArray[Any]]:
    """``(X, y)`` of a Dataset or a pair, with ``y`` one label per image (n,)."""
    if hasattr(data, "X") and hasattr(data, "y"):
        X, y = data.X, data.y
    else:
        try:
            X, y = data
        except (TypeError, ValueError):
            raise DataError("data must be a Dataset or an (X, y) pair") from None
    y = np.asarray(y)
    if y.ndim != 1:  # one-hot rows, a column, or one lone label
        raise DataError(f"labels are one per image, a flat list; got an array of shape "
                        f"{y.shape} (one label per image, not ideal outputs)")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise DataError("labels hold NaN: every image needs a label")
    return X, y


def _model_classes(model: Any) -> NDArray[Any] | None:
    """The labels ``model`` answers with (a Network's ``classes``, an estimator's ``classes_``)."""
    known = getattr(model, "classes", None)
    if known is None:
        known = getattr(model, "classes_", None)
    return None if known is None else np.asarray(known)


def _label_kind(labels: NDArray[Any]) -> str:
    if labels.dtype.kind == "O":  # a pandas column of ints is an object array too
        texts = any(isinstance(label, str) for label in labels.ravel()[:100])
        return "text" if texts else "numbers"
    return "text" if labels.dtype.kind in "US" else "numbers"


def _same_kind_of_labels(classes: NDArray[Any] | None, y_true: NDArray[Any]) -> None:
    """Refuse labels of another kind than the model's classes (text against numbers).

    A model trained on labels such as "zero", "one" and scored on data labelled 0, 1
    can get nothing right; rather than a score of 0 (or a crash), say why.
    """
    if classes is None or not classes.size or not y_true.size:
        return
    if _label_kind(classes) != _label_kind(y_true):
        labels, known = y_true.ravel()[:3].tolist(), classes[:3].tolist()
        raise DataError(
            f"the data's labels are {_label_kind(y_true)} ({shown(labels)} ...) but this "
            f"model's classes are {_label_kind(classes)} ({shown(known)} ...): "
            "it was trained on other data; score it on data labelled like its own"
        )


def evaluate(model: Any, data: Any) -> Evaluation:
    """Predict every image of ``data`` once and compute every score.

    Labels the model never learned are scored as the mistakes they must be (and named
    in ``Evaluation.unlearned``); data with not one label the model knows is refused,
    since the model was trained on other data and its score would say nothing.
    """
    return _evaluate(model, data, "evaluate")


def _evaluate(model: Any, data: Any, task: str) -> Evaluation:
    """``evaluate``, for the function named ``task`` (the one a refusal names)."""
    _refuse_what_cannot_predict(model, task)
    X, y_true = _unpack(data)
    known = _model_classes(model)
    _same_kind_of_labels(known, y_true)
    if known is not None and known.size and y_true.size and not np.isin(y_true, known).any():
        labels, classes = np.unique(y_true)[:5].tolist(), known[:10].tolist()
        raise DataError(
            f"none of the data's labels ({shown(labels)}) is one of this model's classes "
            f"({shown(classes)}): it was trained on other data; score it on data labelled "
            "like its own"
        )
    y_pred = np.asarray(model.predict(X))
    if len(y_pred) != len(y_true):
        raise DataError(f"{len(y_pred)} predictions for {len(y_true)} labels")
    if known is not None:
        classes = known
    else:
        classes = np.unique(np.concatenate([y_true, y_pred]))
    extra = np.setdiff1d(np.unique(y_true), classes)
    if len(extra):
        classes = np.concatenate([classes, extra])
    index = {plain(label): i for i, label in enumerate(classes)}
    confusion = np.zeros((len(classes), len(classes)), dtype=np.int64)
    rows = [index[plain(t)] for t in y_true]
    columns = [index[plain(p)] for p in y_pred]
    np.add.at(confusion, (rows, columns), 1)
    return Evaluation(classes, y_true, y_pred, float(np.mean(y_true == y_pred)), confusion,
                      unlearned=extra)


def accuracy(model: Any, data: Any) -> float:
    """The fraction of ``data``'s images that ``model`` classifies correctly."""
    _refuse_what_cannot_predict(model, "accuracy")
    X, y_true = _unpack(data)
    _same_kind_of_labels(_model_classes(model), y_true)
    y_pred = np.asarray(model.predict(X))
    if y_true.shape != y_pred.shape:  # a lone label would broadcast into a wrong score
        raise DataError(f"{len(y_pred)} predictions for labels of shape {y_true.shape}: "
                        "give one label per image")
    return float(np.mean(y_pred == y_true))


def confusion_matrix(model: Any, data: Any) -> NDArray[np.int64]:
    """(k, k) counts: row = true class, column = guessed class (see ``evaluate``)."""
    return _evaluate(model, data, "confusion_matrix").confusion


def per_class_accuracy(model: Any, data: Any) -> dict[Any, float]:
    """Accuracy of each class on its own: ``{label: fraction right}``."""
    return _evaluate(model, data, "per_class_accuracy").per_class_accuracy


def most_confused(model: Any, data: Any, top: int = 5) -> list[tuple[Any, Any, int]]:
    """The most frequent mistakes as (true, guessed, count), most frequent first."""
    return _evaluate(model, data, "most_confused").most_confused(top)


def misclassified(model: Any, data: Any) -> NDArray[np.intp]:
    """Indices of the images ``model`` gets wrong."""
    return _evaluate(model, data, "misclassified").mistakes


__all__ = ["Evaluation", "evaluate", "accuracy", "confusion_matrix", "per_class_accuracy",
           "most_confused", "misclassified"]
