"""``glassnet evaluate``: score a saved network on images it never saw."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import numpy as np
from ..core.defaults import MAX_WHOLE_NUMBER
from ..errors import plural
from .group import CONTEXT_SETTINGS, main
from .options import FiniteFloatRange, WholeRange
from .text import class_noun, echo_lines, framed, per_class_lines, percent, shade_rows, side_by_side


def load_model(path: Path) -> tuple[Any, dict[str, Any]]:
    """The network in ``path`` (.npz or exported .json) and its metadata."""
    from ..store.modelfile import load_any, read_metadata

    network = load_any(path)
    return network, read_metadata(path)


def confusion_lines(classes: Sequence[Any], confusion: np.ndarray) -> list[str]:
    """The confusion matrix as a table: a row per true class, a column per guess."""
    labels = [str(label) for label in classes]
    width = max(3, *(len(label) for label in labels), len(str(int(confusion.max(initial=0)))))
    corner = "true\\guess"
    header = corner + " " + " ".join(f"{label:>{width}}" for label in labels)
    lines = [header]
    for label, row in zip(labels, confusion, strict=True):
        cells = " ".join(f"{int(count) if count else '.':>{width}}" for count in row)
        lines.append(f"{label:>{len(corner)}} {cells}")
    return lines


def mistake_pictures(data: Any, evaluation: Any, count: int, per_row: int = 4) -> list[str]:
    """The first ``count`` misclassified images as text pictures, with true and guessed labels."""
    import numpy as np

    shape = data.image_shape  # the dataset knows whether its rows are pictures
    if shape is None:
        return ["(these images have no picture shape to draw)"]
    blocks = []
    for index in evaluation.mistakes[:count]:
        picture = framed(shade_rows(np.asarray(data.X[index]).reshape(shape)))
        caption = f"true {evaluation.y_true[index]} guess {evaluation.y_pred[index]}"
        blocks.append([caption, *picture])
    lines: list[str] = []
    for start in range(0, len(blocks), per_row):
        lines += [*side_by_side(blocks[start : start + per_row]), ""]
    return lines


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--data", help="Images to score on (digits, csv:PATH, ...) [default: as trained].")
@click.option(
    "--test-fraction",
    type=FiniteFloatRange(0, 1, min_open=True, max_open=True),
    help="Split off this share to score on [default: as trained].",
)
@click.option("--seed", type=WholeRange(0, MAX_WHOLE_NUMBER),
              help="Seed of the split [default: as trained].")
@click.option("--all", "use_all", is_flag=True, help="Score on every image, not the test split.")
@click.option(
    "--mistakes",
    type=WholeRange(min=0),
    default=0,
    help="Draw this many misclassified images in the terminal.",
)
@click.option(
    "--top",
    type=WholeRange(min=1),
    default=5,
    show_default=True,
    help="How many most-confused pairs to list.",
)
def evaluate(
    model: Path,
    data: str | None,
    test_fraction: float | None,
    seed: int | None,
    use_all: bool,
    mistakes: int,
    top: int,
) -> None:
    """Score a saved model: accuracy, confusion matrix, per-class accuracy, mistakes.

    MODEL is a .npz model file or its exported .json copy. By default it is scored on
    the test images of its own training run (the same data, test fraction and seed,
    read from the model file), so the score is honest.
    """
    import numpy as np

    from ..app.scoring import images_to_score, training_settings
    from ..core.metrics import evaluate as evaluate_model

    if use_all and (test_fraction is not None or seed is not None):
        raise click.UsageError("--all scores every image, and --test-fraction and --seed "
                               "choose a test split: give one or the other")
    network, meta = load_model(model)
    images, which = images_to_score(meta, data, test_fraction, seed, use_all)
    scored_data = data or training_settings(meta).get("data") or "digits"
    evaluation = evaluate_model(network, images)
    right = int(np.trace(evaluation.confusion))
    lines = [
        f"model: {model} ({'-'.join(map(str, network.sizes))}, "
        f"{network.hidden_activation.name} hidden, {network.output_activation.name} output)",
        f"images: {which}",
        f"accuracy: {percent(evaluation.accuracy)} ({right} of {len(evaluation.y_true)} right)",
        "",
        f"confusion matrix (rows: the true {class_noun(scored_data)}, columns: the "
        "guess; . = 0):",
        *confusion_lines(evaluation.classes, evaluation.confusion),
        "",
        "accuracy per class:",
        *per_class_lines(evaluation.per_class_accuracy),
        "",
    ]
    if evaluation.unlearned.size:  # said beside the accuracy it lowers
        labels = ", ".join(str(label) for label in evaluation.unlearned.tolist()[:10])
        more = ", ..." if evaluation.unlearned.size > 10 else ""
        count = evaluation.unlearned_images
        lines.insert(3, f"note: {count} of the {len(evaluation.y_true)} images "
                        f"{'is' if count == 1 else 'are'} labelled {labels}{more}, which this "
                        "model never learned; it cannot get them right")
    pairs = evaluation.most_confused(top)
    if pairs:
        lines.append("most confused (true -> guessed):")
        lines += [
            f"  {true} -> {guess}: {plural(count, 'time')}" for true, guess, count in pairs
        ]
    else:
        lines.append("no mistakes at all")
    if mistakes and pairs:
        shown = min(mistakes, len(evaluation.mistakes))
        lines += ["", f"{shown} of the {len(evaluation.mistakes)} mistakes:", ""]
        lines += mistake_pictures(images, evaluation, mistakes)
    echo_lines(lines)
