"""The lesson's own routes for steps 1-5 (steps 1-3 reuse the explorer's routes).

- ``POST /api/lesson/two-neurons`` ``{numbers}``: step 4, the article's 0-neuron and
  1-neuron (``handset.two_neurons``) on one image, and which one wins.
- ``POST /api/lesson/loss`` ``{numbers, label}`` or ``{example}``: step 5, the loss of
  one image through those two neurons, term by term, beside the loss of every real
  0 and 1 (``app.loss_lesson``).
- ``POST /api/lesson/one-image`` ``{index}`` or ``{digit}``, ``seed?``: step 5, a fresh
  network trained on that one image only, and what it answers for every image. It is
  a new network each time: the session's network is never touched.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from starlette.concurrency import run_in_threadpool

from ..app.handweights import two_output_network
from ..app.loss_lesson import data_loss, image_loss, train_on_one_image
from ..core.defaults import MAX_SEED
from ..data.dataset import Dataset
from . import validation as check
from .handset import two_neurons as score_two_neurons
from .inspection import rounded
from .sessions import Session


async def two_neurons(body: dict[str, Any], session: Session) -> dict[str, Any]:
    """POST /api/lesson/two-neurons: both hand-set output neurons on 64 numbers."""
    check.reject_unknown(body, {"numbers"})
    x = check.get_vector(body, "numbers", length=64, low=0.0, high=1.0)
    return score_two_neurons(x, session.handset.data)


async def loss(body: dict[str, Any], zeros_and_ones: Dataset) -> dict[str, Any]:
    """POST /api/lesson/loss: one image's loss through the two hand-set neurons.

    The image is either 64 numbers with the digit they show (``numbers``, ``label``:
    a drawing) or ``example``, the position of a real image among the 0s and 1s.

    Returns
    -------
    dict
        ``numbers`` (the 64 numbers), ``label``, ``example`` (or None), ``outputs``
        (per output neuron: ``digit``, ``observed``, ``ideal``, ``square``), ``loss``
        (their sum), ``guess``, and ``all`` (``total``, ``mean``, ``n_images``: every
        real 0 and 1).
    """
    if "example" in body:
        check.reject_unknown(body, {"example"})
        example = check.get_int(body, "example", low=0, high=len(zeros_and_ones) - 1)
        x, label = zeros_and_ones.X[example], int(zeros_and_ones.y[example])
    else:
        check.reject_unknown(body, {"numbers", "label"})
        example = None
        x = check.get_vector(body, "numbers", length=64, low=0.0, high=1.0)
        label = check.get_int(body, "label", low=0, high=1)
    network = two_output_network()
    one = image_loss(network, x, label)
    everything = data_loss(network, zeros_and_ones)
    return {
        "numbers": rounded(x), "label": label, "example": example,
        "outputs": [{"digit": int(digit), "observed": float(observed), "ideal": float(ideal),
                     "square": float(square)}
                    for digit, observed, ideal, square in zip(
                        network.classes, one.observed, one.ideal, one.squares, strict=True)],
        "loss": one.loss, "guess": int(one.guess),
        "all": {"total": everything.total, "mean": everything.mean,
                "n_images": everything.n_images},
    }


async def one_image(body: dict[str, Any], data: Dataset) -> dict[str, Any]:
    """POST /api/lesson/one-image: a fresh network trained on one image, asked about all.

    The image is ``index`` (a row of the explorer's digits) or ``digit`` (the first
    image of that digit); ``seed`` (default 0) seeds the fresh network's weights, so
    the same body always gives the same answer. The work is bounded: one image,
    ``loss_lesson.SINGLE_IMAGE_EPOCHS`` hops, then one pass over every image.

    Returns
    -------
    dict
        ``index``, ``label``, ``numbers`` (the image), ``seed``, ``epochs``,
        ``loss_before`` and ``loss_after`` (that image's loss), ``answers`` (per digit,
        ``digit`` and ``count``: how many of all the images it answers with it),
        ``n_images``, ``most_common`` (the digit it answers most) and ``accuracy``.
    """
    check.reject_unknown(body, {"index", "digit", "seed"})
    if ("index" in body) == ("digit" in body):
        raise check.InvalidInput("give either index (an image) or digit (its first image)")
    if "index" in body:
        index = check.get_int(body, "index", low=0, high=len(data) - 1)
    else:
        classes = [int(label) for label in data.classes]
        digit = check.get_int(body, "digit", low=min(classes), high=max(classes))
        if digit not in classes:
            raise check.InvalidInput(f"digit must be one of {classes}")
        index = int(np.flatnonzero(data.y == digit)[0])
    seed = check.get_int(body, "seed", low=0, high=MAX_SEED, default=0)
    result = await run_in_threadpool(train_on_one_image, data, index, seed=seed)
    return {
        "index": result.index, "label": result.label, "numbers": rounded(data.X[index]),
        "seed": seed, "epochs": result.history.epochs,
        "loss_before": result.loss_before, "loss_after": result.loss_after,
        "answers": [{"digit": digit, "count": count}
                    for digit, count in result.answer_counts.items()],
        "n_images": len(data), "most_common": result.most_common_answer,
        "accuracy": result.evaluation.accuracy,
    }
