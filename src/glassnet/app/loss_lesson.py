"""The loss, as step 5 of the tour and of the lesson tell it: how wrong is a network?

To learn, a network needs one number that says how wrong it is. For one image the
ideal output is 1 on the neuron of the right digit and 0 on every other; the image's
loss adds up (observed - ideal)^2 over the output neurons, so it is 0 only for a
perfect answer. The loss of the network is that again over every image.

Why every image? ``train_on_one_image`` minimises the loss of a single image, and
the network it gives answers that image's digit for everything it is shown.

``glassnet.tour.step_5_loss`` (the terminal and the notebook) and the explorer's
lesson (``/api/lesson/loss``, ``/api/lesson/one-image``) both call these functions,
so the two tell the same numbers. The network the per-image part looks at is a
parameter: the tour and the page each bring their own hand-weighted 0-and-1 network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..core.metrics import Evaluation, evaluate
from ..core.network import Network
from ..core.optimizers import SGD
from ..data.dataset import Dataset
from ..training import History, train

#: The article's loss: the sum of the squared differences from the ideal outputs.
LESSON_LOSS = "squared_error"

#: How many passes the one-image training takes over its single image. Fifty hops
#: bring that image's loss from about 2 to below 0.01, in a few milliseconds.
SINGLE_IMAGE_EPOCHS = 50

#: A big learning rate: with one image there is no other image to disagree with.
SINGLE_IMAGE_LEARNING_RATE = 1.0


@dataclass(frozen=True)
class ImageLoss:
    """One image's loss, every term of it.

    Attributes
    ----------
    observed : ndarray (n_outputs,)
        What each output neuron says.
    ideal : ndarray (n_outputs,)
        What it should say: 1 for the neuron of the image's digit, 0 for the others.
    squares : ndarray (n_outputs,)
        (observed - ideal)^2 per output neuron.
    loss : float
        The image's loss: the sum of ``squares``.
    guess : Any
        The digit whose output neuron says the largest number.
    """

    observed: NDArray[np.floating]
    ideal: NDArray[np.floating]
    squares: NDArray[np.floating]
    loss: float
    guess: Any


def image_loss(network: Network, x: NDArray[np.floating], label: Any) -> ImageLoss:
    """The loss of one image ``x`` (n_inputs,) labelled ``label``, term by term."""
    observed = network.forward(x)[0]  # (n_outputs,)
    ideal = network.targets([label])[0]  # (n_outputs,)
    squares = (observed - ideal) ** 2
    return ImageLoss(observed=observed, ideal=ideal, squares=squares,
                     loss=network.loss(x, [label], LESSON_LOSS), guess=network.guess(
                         observed.reshape(1, -1))[0])


@dataclass(frozen=True)
class DataLoss:
    """The loss of every image of a data set.

    Attributes
    ----------
    total : float
        The sum of every image's loss: the article's loss of the network.
    mean : float
        The same divided by the number of images (what glassnet reports while
        training, comparable between data sets of any size).
    n_images : int
    """

    total: float
    mean: float
    n_images: int


def data_loss(network: Network, data: Dataset) -> DataLoss:
    """The loss of ``network`` over every image of ``data``: the sum and the mean."""
    mean = network.loss(data.X, data.y, LESSON_LOSS)
    return DataLoss(total=mean * data.n_samples, mean=mean, n_images=data.n_samples)


@dataclass
class OneImageTraining:
    """A fresh network trained on one image only, then asked about every image.

    Attributes
    ----------
    index : int
        The image trained on (a row of the data).
    label : Any
        Its digit.
    network : Network
        The trained network (ten sigmoid outputs, no hidden layer).
    history : History
        Its training, ``SINGLE_IMAGE_EPOCHS`` passes over the one image.
    loss_before, loss_after : float
        That image's loss before and after.
    answer_counts : dict
        Digit -> how many images of the whole data it answers with that digit,
        for every digit of the data (0 for those it never answers).
    evaluation : Evaluation
        Its scores on the whole data (``accuracy`` is the share of that digit).
    """

    index: int
    label: Any
    network: Network
    history: History
    loss_before: float
    loss_after: float
    answer_counts: dict[Any, int]
    evaluation: Evaluation

    @property
    def most_common_answer(self) -> Any:
        """The digit it answers most often (for everything, after enough training)."""
        return max(self.answer_counts, key=self.answer_counts.__getitem__)


def train_on_one_image(
    data: Dataset, index: int, *, seed: int = 0, epochs: int = SINGLE_IMAGE_EPOCHS
) -> OneImageTraining:
    """Minimise the loss of image ``index`` alone, and ask the result about all of ``data``.

    A new network (inputs -> one sigmoid output per digit, random weights from
    ``seed``) takes ``epochs`` hops downhill on the loss of that one image. Nothing
    else is ever shown to it, so what it learns is "always say this digit".

    Parameters
    ----------
    data : Dataset
        Every image (the one trained on is ``data.X[index]``).
    index : int
        Which image to train on.
    seed : int
        Seeds the starting weights (the same seed gives the same network).
    epochs : int
        Passes over the one image.

    Returns
    -------
    OneImageTraining
    """
    one_image = data.take([index])
    network = Network([data.n_features, len(data.classes)], activation="sigmoid",
                      output="sigmoid", seed=seed, classes=data.classes)
    loss_before = network.loss(one_image.X, one_image.y, LESSON_LOSS)
    history = train(network, one_image, loss=LESSON_LOSS,
                    optimizer=SGD(learning_rate=SINGLE_IMAGE_LEARNING_RATE), epochs=epochs,
                    batch_size=1, validation_fraction=0, input_noise=0, nudge_pixels=0,
                    average_from=None, seed=seed)
    loss_after = network.loss(one_image.X, one_image.y, LESSON_LOSS)
    answers = network.predict(data.X)  # (n_samples,)
    answer_counts = {label.item() if isinstance(label, np.generic) else label:
                     int(np.count_nonzero(answers == label)) for label in data.classes}
    label = data.y[index]
    return OneImageTraining(
        index=int(index), label=label.item() if isinstance(label, np.generic) else label,
        network=network, history=history, loss_before=loss_before, loss_after=loss_after,
        answer_counts=answer_counts, evaluation=evaluate(network, data))


__all__ = [
    "LESSON_LOSS",
    "SINGLE_IMAGE_EPOCHS",
    "SINGLE_IMAGE_LEARNING_RATE",
    "DataLoss",
    "ImageLoss",
    "OneImageTraining",
    "data_loss",
    "image_loss",
    "train_on_one_image",
]
