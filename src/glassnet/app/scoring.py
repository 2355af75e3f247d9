"""Which images a model may be scored on: the one rule, used by every window.

A score is honest only on images the network never saw. A model file records how
it was trained (its data, test fraction and seed), so splitting the same data the
same way gives back exactly its test images; other images, or all of them, get a
sentence that says so, and counts the ones the model learned from when it can.
``glassnet evaluate``, ``glassnet plot`` and any other window ask here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data.spec import absolute_data_spec, load_dataset


def training_settings(meta: dict[str, Any]) -> dict[str, Any]:
    """The ``RunSettings`` dict a model file was trained with, or {} if it does not say."""
    training = meta.get("training")
    settings = training.get("settings") if isinstance(training, dict) else None
    return settings if isinstance(settings, dict) else {}


def images_to_score(
    meta: dict[str, Any],
    data_spec: str | None,
    test_fraction: float | None,
    seed: int | None,
    use_all: bool,
) -> tuple[Any, str]:
    """Which images to score a model on, and a sentence saying which.

    Honest scores come from images the network never saw. When the model file
    records how it was trained, the same data split with the same test fraction and
    seed gives back exactly its test images. Otherwise (or with ``--all``) every
    image is used, and the sentence warns that some may have been trained on; when
    the model file says which images those were, it counts them.
    """
    trained = training_settings(meta)
    trained_data = trained.get("data")
    # The model file keeps its data with a full path, so a relative --data is made full
    # before the two are compared.
    spec = absolute_data_spec(data_spec) if data_spec else trained_data or "digits"
    data = load_dataset(spec)
    same_data = trained_data is not None and spec == trained_data
    seen_rows = None  # (n_train,) the rows the model was trained on, when known
    if same_data and trained.get("test_fraction") is not None:
        seen_rows, _ = data.split_indices(trained["test_fraction"], trained.get("seed", 0))

    def seen_warning(rows: np.ndarray) -> str:
        if seen_rows is None:
            return ""
        seen = int(np.isin(rows, seen_rows).sum())
        if not seen:
            return ""
        return (f"; warning: {seen} of them are from this model's training part (images "
                "it learned from or was validated on), so the score looks better than it is")

    every_image = "the one image" if len(data) == 1 else f"all {len(data)} images"
    if use_all:
        return data, f"{every_image} of {spec}{seen_warning(np.arange(len(data)))}"
    if test_fraction is None and same_data:
        test_fraction = trained.get("test_fraction")
    if seed is None and same_data:
        seed = trained.get("seed")
    if test_fraction is None:
        return data, (
            f"{every_image} of {spec} (the model does not say how it was split, "
            "so some of them may have been used for training; --test-fraction splits)"
        )
    seed = 0 if seed is None else seed
    _, test_rows = data.split_indices(test_fraction, seed)
    test_part = data.take(test_rows)
    origin = (
        "the same split as in training: images it never saw"
        if same_data
        and (test_fraction, seed) == (trained.get("test_fraction"), trained.get("seed"))
        else "a split of your choosing"
    )
    return test_part, (
        f"the {len(test_part)} test images of {spec} "
        f"(test fraction {test_fraction:g}, seed {seed}: {origin}){seen_warning(test_rows)}"
    )


def training_images(meta: dict[str, Any], data_spec: str | None) -> Any:
    """The images a model learned from: its training split when the model file says how.

    The loss that training walks down is the loss on these, so the slope view and
    the "digits that excite each neuron" use them rather than the test images.
    """
    trained = training_settings(meta)
    spec = absolute_data_spec(data_spec) if data_spec else trained.get("data") or "digits"
    data = load_dataset(spec)
    if spec == trained.get("data") and trained.get("test_fraction") is not None:
        data, _ = data.split(test_fraction=trained["test_fraction"], seed=trained.get("seed", 0))
    return data


__all__ = ["images_to_score", "training_images", "training_settings"]
