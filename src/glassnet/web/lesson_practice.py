"""The lesson's own routes (steps 6-10): the learner's handwriting as test data.

Steps 6-9 reuse the explorer's routes (the slope, backprop, live training, neurons).
Step 10 needs two more, both thin: they check the drawings, prepare each one with
``read_drawing`` (the function ``/api/predict`` uses) and ask ``app.handwriting``.

- ``POST /api/lesson/handwriting/score`` ``{drawings: [{pixels, label}]}``: the
  session's network on the drawings, beside its score on the test images.
- ``POST /api/lesson/handwriting/train`` ``{drawings, epochs, adopt?}``: a copy of the
  network trained for a few epochs on half the drawings, scored before and after.
  The explorer's network changes only with ``adopt: true``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from starlette.concurrency import run_in_threadpool

from ..app.handwriting import score_writer, train_on_writer, writer_dataset
from ..data.dataset import Dataset
from . import validation as check
from .drawing import read_drawing
from .inspection import rounded
from .sessions import Session

MAX_DRAWINGS = 100
"""The most drawings one request may hold (ten of each digit)."""

MAX_DRAWING_SIDE = 64
"""The lesson's pad is sent as at most 64 x 64 ink amounts per drawing."""

MAX_WRITER_EPOCHS = 20
"""A few epochs: enough to see the drawings teach, small enough to answer at once."""


def read_drawings(body: dict[str, Any], classes: list[int]) -> tuple[np.ndarray, list[int]]:
    """The drawings' 64 numbers each, (n, 64), and their labels, checked and prepared."""
    drawings = body.get("drawings")
    if not isinstance(drawings, list) or not 1 <= len(drawings) <= MAX_DRAWINGS:
        raise check.InvalidInput(f"drawings must be a list of 1 to {MAX_DRAWINGS} drawings")
    rows, labels = [], []
    for number, drawing in enumerate(drawings, start=1):
        if not isinstance(drawing, dict):
            raise check.InvalidInput(f"drawing {number} must be an object {{pixels, label}}")
        try:
            check.reject_unknown(drawing, {"pixels", "label"})
            label = check.get_int(drawing, "label", low=min(classes), high=max(classes))
            if label not in classes:
                raise check.InvalidInput(f"label must be one of the network's digits {classes}")
            prepared = read_drawing(drawing, max_side=MAX_DRAWING_SIDE)
        except check.InvalidInput as error:
            raise check.InvalidInput(f"drawing {number}: {error}") from None
        if prepared is None:
            raise check.InvalidInput(f"drawing {number} has no ink: draw it again")
        rows.append(prepared.x)
        labels.append(int(label))
    return np.vstack(rows), labels


def _network_and_drawings(body: dict[str, Any], session: Session) -> tuple[Any, str, Dataset]:
    with session.lock:
        network, loss = session.network, session.loss
    classes = [int(label) for label in network.classes]
    numbers, labels = read_drawings(body, classes)
    return network, loss, writer_dataset(numbers, labels, network.classes)


async def handwriting_score(body: dict[str, Any], session: Session,
                            test: Dataset) -> dict[str, Any]:
    """POST /api/lesson/handwriting/score: the network on the learner's drawings."""
    check.reject_unknown(body, {"drawings"})
    network, _, writer = _network_and_drawings(body, session)
    answer = await run_in_threadpool(score_writer, network, writer, test)
    answer["numbers"] = [rounded(x) for x in writer.X]
    return answer


async def handwriting_train(body: dict[str, Any], session: Session,
                            test: Dataset) -> dict[str, Any]:
    """POST /api/lesson/handwriting/train: a copy trained on half the drawings, scored."""
    check.reject_unknown(body, {"drawings", "epochs", "adopt"})
    epochs = check.get_int(body, "epochs", low=1, high=MAX_WRITER_EPOCHS)
    adopt = check.get_bool(body, "adopt", default=False)
    network, loss, writer = _network_and_drawings(body, session)
    answer = await run_in_threadpool(
        lambda: train_on_writer(network, writer, test, epochs=epochs, loss=loss))
    trained = answer.pop("network")
    answer["adopted"] = False
    if adopt:
        answer["version"] = session.adopt(trained, loss, answer["after"]["test"])
        answer["adopted"] = True
    return answer
