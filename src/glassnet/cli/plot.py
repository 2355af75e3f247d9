"""``glassnet plot``: the pictures of a network, its data and its training."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import DataError
from ..store.paths import DEFAULT_DATABASE_PATH

if TYPE_CHECKING:
    pass
from .evaluate import load_model
from .group import CONTEXT_SETTINGS, main
from .options import LazyChoice, WholeRange
from .runs import open_existing_database


def _plot_kinds() -> Iterable[str]:
    from ..plots import PLOT_KINDS

    return PLOT_KINDS


_NEEDS_MODEL = ("weights", "curves", "confusion", "slope")


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("kind", type=LazyChoice(_plot_kinds))
@click.argument("model", required=False, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PNG file to write.",
)
@click.option("--data", default=None, help="Images to use [default: digits, or as trained].")
@click.option(
    "--index",
    type=WholeRange(min=0),
    default=0,
    show_default=True,
    help="Which image, for 'digit'.",
)
@click.option(
    "--count",
    type=WholeRange(min=1),
    default=40,
    show_default=True,
    help="How many images, for 'digits'.",
)
@click.option(
    "--run", "run_id", type=int, help="For 'curves': a run id from the database instead of MODEL."
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DATABASE_PATH,
    show_default=True,
    help="The runs database, for --run.",
)
def plot(
    kind: str,
    model: Path | None,
    output: Path,
    data: str | None,
    index: int,
    count: int,
    run_id: int | None,
    db: Path,
) -> None:
    """Draw a picture as a PNG file.

    \b
    KIND is one of:
      digits      a grid of training digits               (no MODEL)
      digit       one digit with its 64 numbers (--index) (no MODEL)
      sigmoid     the sigmoid activation function          (no MODEL)
      weights     each hidden neuron's 64 weights as an 8x8 picture, with the
                  training digits that excite it most      (MODEL)
      curves      loss and accuracy per epoch of a run     (MODEL, or --run ID)
      confusion   the confusion matrix on the test images  (MODEL)
      slope       the loss as one weight changes, and its slope (MODEL)
    """
    from .. import plots
    from ..app.scoring import images_to_score, training_images, training_settings
    from ..data.spec import load_dataset

    needs_model = kind in _NEEDS_MODEL and not (kind == "curves" and run_id is not None)
    if needs_model and model is None:
        raise click.UsageError(f"plot {kind} needs a MODEL file (e.g. runs/model-1.npz)")
    if not needs_model and model is not None and kind != "curves":
        raise click.UsageError(f"plot {kind} takes no MODEL")
    if kind == "curves" and model is not None and run_id is not None:
        raise click.UsageError("plot curves reads a MODEL file or --run ID, not both")
    output.parent.mkdir(parents=True, exist_ok=True)
    plots.check_figure_path(output)  # before drawing, which can take seconds

    if kind == "digits":
        figure = plots.digits_grid(load_dataset(data or "digits"), count)
    elif kind == "digit":
        figure = plots.digit_numbers(load_dataset(data or "digits"), index)
    elif kind == "sigmoid":
        figure = plots.sigmoid_curve()
    elif kind == "curves":
        figure = plots.training_curves(run_history(model, run_id, db))
    else:
        network, meta = load_model(model)
        if kind == "weights":
            figure = plots.hidden_weights(network, training_images(meta, data))
        elif kind == "confusion":
            from ..core.metrics import evaluate as evaluate_model

            images, _ = images_to_score(meta, data, None, None, False)
            figure = plots.confusion(evaluate_model(network, images))
        else:  # slope
            loss = training_settings(meta).get("loss")
            figure = plots.loss_slope(network, training_images(meta, data), loss=loss)
    plots.save_figure(figure, output)
    click.echo(f"wrote {output}")


def run_history(model: Path | None, run_id: int | None, db: Path) -> Any:
    """The training History of a run: from the runs database (``--run``) or the model file."""
    from ..training import History

    if run_id is not None:
        with open_existing_database(db) as database:
            return History.from_dict(database.get_run(run_id)["history"])
    assert model is not None
    _, meta = load_model(model)
    training = meta.get("training")
    history = training.get("history") if isinstance(training, dict) else None
    if not isinstance(history, dict):
        raise DataError(
            f"{model} has no training history (it was not trained by glassnet train, or the "
            "history was too long to store); use --run ID to read it from the runs database"
        )
    return History.from_dict(history)
