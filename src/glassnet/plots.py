"""Pictures of the network and its data: what a learner wants to look at.

Each function here draws one idea as a matplotlib figure: the digits themselves,
one digit as the 64 numbers it really is, the weights of each hidden neuron as an
8x8 picture (the "parts of digits" hidden neurons learn), the loss and accuracy
during training, the confusion matrix, the sigmoid, and the slope of the loss for
one weight. Every figure has a title and labelled axes, so it can go straight onto
a slide.

The plots only *display*. Every number comes from the core (``Network.trace``,
``Network.backward``, ``glassnet.core.gradcheck.numerical_slope``, ``metrics.evaluate``),
so a picture can never disagree with what the network actually computes.

How matplotlib is used: figures are built with the object-oriented API
(``matplotlib.figure.Figure``), never through ``pyplot``. That keeps no global
state (no figure piles up in memory, several threads can draw at once) and needs
no display; ``save_figure`` renders with Agg, matplotlib's plain raster renderer.
In a notebook a returned figure shows itself as usual. matplotlib is imported
here and only here, and this module is imported only when a picture is wanted,
so ``import glassnet`` stays light.

Every function returns the figure; :func:`save_figure` writes it to a PNG file
atomically. From the command line: ``glassnet plot KIND [MODEL] -o FILE.png``,
with KIND one of :data:`PLOT_KINDS`.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .core.activations import get_activation
from .core.gradcheck import numerical_slope
from .core.network import as_network
from .data.dataset import guess_image_shape
from .errors import ConfigError, DataError, GlassnetError, plural, shown, shown_count
from .store.atomicfile import writable_target, write_atomically
from .training import History

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLOT_KINDS: dict[str, str] = {
    "digits": "a grid of digits from the data, each with its label",
    "digit": "one digit as shades, with its 64 numbers written in the cells",
    "weights": "each hidden neuron's 64 weights as an 8x8 picture, with the digits that "
    "excite it most (needs MODEL)",
    "curves": "loss and accuracy per epoch of the run that made MODEL, train and validation",
    "confusion": "the confusion matrix of MODEL on test images: which digit is taken for which",
    "sigmoid": "the sigmoid, which squeezes any weighted sum into 0..1",
    "slope": "the loss as one weight of MODEL varies, with its slope (idea 6)",
}
"""The kinds of picture ``glassnet plot`` draws, with a one-line description of each."""

FIGURE_FORMATS = (".png", ".svg", ".pdf")
"""File endings :func:`save_figure` writes (the format follows the ending)."""

INK_COLOURS = "gray_r"
"""Colour map for pixels: 0 is white, 1 is black, exactly as the numbers say."""

WEIGHT_COLOURS = ("#e8590c", "#ffffff", "#2563eb")
"""Colours for weights from negative through zero to positive: orange, white, blue.

The explorer draws weights in the same blue (adds to the sum) and orange (takes
away), so a picture saved here reads like the live view."""

MAX_GRID_DIGITS = 400
#: The most exciting digits drawn under each neuron, the most points of a slope curve and
#: the sharpest picture: beyond them a figure takes minutes or all the memory there is.
MAX_TOP_K = 16
MAX_CURVE_POINTS = 2001
MAX_DPI = 1200
"""The most digits :func:`digits_grid` draws in one figure (a 20x20 grid)."""

MAX_NEURONS_SHOWN = 64
"""How many neurons :func:`hidden_weights` draws when ``max_neurons`` is not given.

Each neuron is a small picture (plus thumbnails); hundreds of them make a figure
too slow to draw and too crowded to read.
"""

Array = NDArray[np.floating[Any]]


# -- the data ------------------------------------------------------------------------


def digits_grid(
    data: Any, count: int = 25, indices: Sequence[int] | ArrayLike | None = None
) -> Figure:
    """A grid of digits, each with its label: what the network learns from.

    Parameters
    ----------
    data : Dataset
        Images with a picture shape (8x8 for the UCI digits).
    count : int
        How many digits to show (the first ``count``) when ``indices`` is not given,
        at most :data:`MAX_GRID_DIGITS`.
    indices : sequence of int, optional
        Which digits to show, in this order (at most :data:`MAX_GRID_DIGITS`).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ConfigError
        If ``count`` is not a positive whole number or an index is out of range.
    DataError
        If the rows are not pictures.
    """
    pictures = _pictures(data)  # (n, h, w)
    chosen = _chosen_indices(len(pictures), count, indices)
    if len(chosen) > MAX_GRID_DIGITS:
        asked = len(chosen) if indices is not None else count  # not the data's size
        raise ConfigError(
            f"a grid shows at most {MAX_GRID_DIGITS} digits, {shown_count(asked)} were asked for"
        )
    columns = math.ceil(math.sqrt(len(chosen)))
    rows = math.ceil(len(chosen) / columns)
    figure = new_figure(figsize=(1.2 * columns + 1.4, 1.3 * rows + 0.9), layout="constrained")
    axes_grid = figure.subplots(rows, columns, squeeze=False)
    image = None
    for axes, position in zip(axes_grid.flat, range(rows * columns), strict=True):
        axes.set_xticks([])
        axes.set_yticks([])
        if position >= len(chosen):
            axes.set_axis_off()
            continue
        index = chosen[position]
        image = axes.imshow(pictures[index], cmap=INK_COLOURS, vmin=0.0, vmax=1.0)
        axes.set_title(f"#{index}: {_label_text(data.y[index])}", fontsize=9)
    figure.colorbar(image, ax=axes_grid, shrink=0.8, label="ink: 0 = white, 1 = black")
    height, width = pictures.shape[1:]
    figure.suptitle(
        f"{len(chosen)} digits of {_data_name(data)}, each {height}x{width} numbers with its label"
    )
    return figure


def digit_numbers(data: Any, index: int) -> Figure:
    """One digit as shades with its numbers written in the cells (idea 1).

    "An image is a list of numbers": each cell's shade *is* its number, 0 white,
    1 black, greys in between. Read the rows one after another and the picture
    becomes the list of numbers given to the input neurons.

    Parameters
    ----------
    data : Dataset
        Images with a picture shape (8x8 for the UCI digits).
    index : int
        Which digit (negative counts from the end).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ConfigError
        If ``index`` is out of range.
    DataError
        If the rows are not pictures.
    """
    pictures = _pictures(data)
    position = _chosen_indices(len(pictures), 1, [index])[0]
    picture = pictures[position]  # (h, w)
    height, width = picture.shape
    figure = new_figure(figsize=(7.0, 6.2), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(picture, cmap=INK_COLOURS, vmin=0.0, vmax=1.0)
    for row in range(height):
        for column in range(width):
            value = float(picture[row, column])
            axes.text(
                column,
                row,
                f"{value:.2f}".rstrip("0").rstrip(".") if value else "0",
                ha="center",
                va="center",
                fontsize=9,
                color="white" if value > 0.5 else "black",
            )
    axes.set_xticks(range(width))
    axes.set_yticks(range(height))
    axes.set_xlabel(f"column (the {height * width} numbers are the rows read one after another)")
    axes.set_ylabel("row")
    axes.set_title(
        f"Digit #{position} of {_data_name(data)}, labelled {_label_text(data.y[position])}: "
        f"an image is {height * width} numbers",
        fontsize=11,
    )
    figure.colorbar(image, ax=axes, shrink=0.8, label="ink: 0 = white, 1 = black")
    return figure


# -- the network ---------------------------------------------------------------------


def hidden_weights(
    network: Any,
    data: Any = None,
    layer: int = 0,
    max_neurons: int | None = None,
    top_k: int = 3,
) -> Figure:
    """Each first-layer neuron's incoming weights as a picture, and what excites it.

    A neuron of the first layer computes a weighted sum of the pixels, so its 64
    weights can be drawn where their pixels are: blue where ink raises the sum,
    orange where ink lowers it (the explorer's colours). After training, hidden
    neurons show strokes and blobs, parts of digits (idea 7). With ``data``, the
    training digits that give each neuron its largest weighted sum are shown beneath
    it: the digits it "looks for".

    Colours are shared by every neuron (the same weight is the same colour
    everywhere), on a range symmetric around 0 so that white means exactly 0.

    Parameters
    ----------
    network : Network
        A network whose inputs are pixels (64 for the UCI digits).
    data : Dataset, optional
        Digits to rank by how much they excite each neuron.
    layer : int
        Which layer's weights; only layer 0 (negative indices allowed) connects to
        pixels. For a network with no hidden layer that is the output layer, and the
        pictures show what each digit's output neuron looks for.
    max_neurons : int, optional
        Show only the first ``max_neurons`` neurons (default: all of them, up to
        :data:`MAX_NEURONS_SHOWN`).
    top_k : int
        How many exciting digits to show per neuron (when ``data`` is given).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ConfigError
        If ``network`` is not a Network, the layer does not connect to pixels, the
        inputs are not a picture (the data gives no image shape and they are no
        square of 8x8 or more), or ``max_neurons`` / ``top_k`` are not positive
        whole numbers.
    DataError
        If ``data`` does not fit the network or its rows are not pictures.
    """
    layers = as_network(network, "hidden_weights draws").layers
    position = _whole_number("layer", layer, low=-len(layers), high=len(layers) - 1)
    position %= len(layers)
    if position != 0:
        raise ConfigError(
            f"only the first layer's weights connect to pixels and can be drawn as pictures; "
            f"layer {layer} is layer {position + 1} of {len(layers)}: use layer=0"
        )
    weights = np.asarray(layers[0].W, dtype=np.float64)  # (n_inputs, n_neurons)
    side_shape = _input_picture_shape(network, data)
    n_neurons = min(weights.shape[1], MAX_NEURONS_SHOWN)
    if max_neurons is not None:
        n_neurons = min(weights.shape[1], _whole_number("max_neurons", max_neurons, low=1))
    top_k = _whole_number("top_k", top_k, low=1, high=MAX_TOP_K)
    is_output = len(layers) == 1

    exciting: NDArray[np.intp] | None = None
    if data is not None:
        sums = network.trace(data.X).weighted_sums[0][:, :n_neurons]  # (n, n_neurons)
        top_k = min(top_k, sums.shape[0])
        exciting = np.argsort(-sums, axis=0, kind="stable")[:top_k].T  # (n_neurons, top_k)
        pictures = _pictures(data)

    from matplotlib.colors import LinearSegmentedColormap

    limit = float(np.max(np.abs(weights[:, :n_neurons]))) or 1.0
    # An odd number of colours puts one exactly at the middle: a weight of 0 is white.
    weight_colours = LinearSegmentedColormap.from_list("weights", WEIGHT_COLOURS, N=255)
    panel_columns = min(n_neurons, max(1, math.ceil(math.sqrt(n_neurons * 1.5))))
    panel_rows = math.ceil(n_neurons / panel_columns)
    thumbs = top_k if exciting is not None else 0
    panel_width = 1.5 if not thumbs else max(1.5, 0.6 * thumbs)
    panel_height = 1.7 + (0.7 if thumbs else 0.0)
    # Laid out by hand: dozens of tiny axes defeat matplotlib's automatic layouts.
    width = panel_width * panel_columns + 1.7  # room on the right for the colour bar
    height = panel_height * panel_rows + 1.0  # room at the top for the title
    figure = new_figure(figsize=(width, height))
    grid = figure.add_gridspec(
        panel_rows,
        panel_columns,
        left=0.2 / width,
        right=1 - 1.5 / width,
        bottom=0.15 / height,
        top=1 - 0.95 / height,
        wspace=0.25,
        hspace=0.3,
    )
    image = None
    for neuron in range(n_neurons):
        cell = grid[neuron // panel_columns, neuron % panel_columns]
        if thumbs:
            panel = cell.subgridspec(2, thumbs, height_ratios=[3, 1], hspace=0.3, wspace=0.08)
            weight_axes = figure.add_subplot(panel[0, :])
        else:
            weight_axes = figure.add_subplot(cell)
        picture = weights[:, neuron].reshape(side_shape)
        image = weight_axes.imshow(picture, cmap=weight_colours, vmin=-limit, vmax=limit)
        weight_axes.set_xticks([])
        weight_axes.set_yticks([])
        name = f"digit {_label_text(network.classes[neuron])}" if is_output else f"neuron {neuron}"
        weight_axes.set_title(name, fontsize=9)
        if exciting is not None:
            for slot, example in enumerate(exciting[neuron]):
                thumb = figure.add_subplot(panel[1, slot])
                thumb.imshow(pictures[example], cmap=INK_COLOURS, vmin=0.0, vmax=1.0)
                thumb.set_xticks([])
                thumb.set_yticks([])
                thumb.set_xlabel(_label_text(data.y[example]), fontsize=7, labelpad=1)
    bar_axes = figure.add_axes((1 - 1.1 / width, 0.2, 0.2 / width, 0.6))
    figure.colorbar(
        image, cax=bar_axes, label="weight: blue = ink here raises the sum, orange = lowers it"
    )
    which = f" (first {n_neurons} of {weights.shape[1]})" if n_neurons < weights.shape[1] else ""
    if is_output:
        title = (
            f"Output neurons' weights{which}: with no hidden layer, each digit's\n"
            f"output neuron weighs the {weights.shape[0]} pixels directly"
        )
    else:
        title = (
            f"Hidden layer 1{which}: each neuron's {weights.shape[0]} incoming weights as a picture"
        )
    if exciting is not None:
        title += f"\nbelow each: the {top_k} digits of {_data_name(data)} that excite it most"
    figure.suptitle(title, fontsize=11)
    return figure


def training_curves(history: History | dict[str, Any]) -> Figure:
    """Loss and accuracy after every epoch, on the training and validation images.

    Training loss keeps falling; validation loss falls, then flattens or rises once
    the network starts memorising its training images (overfitting). The best epoch
    (lowest validation loss) is marked: with early stopping the network keeps the
    weights it had then.

    Parameters
    ----------
    history : History or dict
        What ``glassnet.train`` returned, or its ``to_dict()`` (as stored in a model
        file or the runs database).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DataError
        If the history is not a History or a dict of one, or has no epochs.
    """
    record = _as_history(history)
    epochs = np.arange(1, record.epochs + 1)
    figure = new_figure(figsize=(11.0, 4.4), layout="constrained")
    loss_axes, accuracy_axes = figure.subplots(1, 2)
    curves = (
        (loss_axes, record.train_loss, record.validation_loss, "loss (lower is better)"),
        (accuracy_axes, record.train_accuracy, record.validation_accuracy, "accuracy"),
    )
    for axes, train_values, validation_values, what in curves:
        if train_values:  # empty when trained with score_training=False
            axes.plot(epochs[: len(train_values)], train_values, color="tab:blue",
                      label="training images")
        if validation_values:
            axes.plot(
                epochs[: len(validation_values)],
                validation_values,
                color="tab:orange",
                label="validation images",
            )
        if record.best_epoch is not None and 1 <= record.best_epoch <= record.epochs:
            axes.axvline(
                record.best_epoch,
                color="gray",
                linestyle="--",
                label=f"best epoch ({record.best_epoch})",
            )
            marked = validation_values or train_values
            if record.best_epoch <= len(marked):
                axes.plot(record.best_epoch, marked[record.best_epoch - 1], "o", color="black")
        axes.xaxis.set_major_locator(_whole_number_ticks())
        axes.set_xlabel("epoch (one pass over the training images)")
        axes.set_ylabel(what)
        axes.grid(alpha=0.3)
        axes.legend()
    loss_axes.set_title("Loss")
    accuracy_axes.set_title("Accuracy (fraction of images right)")
    stop = {
        "completed": "ran every epoch",
        "early_stopping": "stopped early",
        "interrupted": "interrupted",
        "callback": "stopped by a callback",
    }.get(record.stop_reason, record.stop_reason)
    figure.suptitle(f"Training: {plural(record.epochs, 'epoch')}, {stop}")
    return figure


def confusion(evaluation: Any) -> Figure:
    """The confusion matrix as a heat map: which digit is taken for which.

    Row = the true digit, column = the network's guess; the diagonal holds the
    images it gets right, every other cell a kind of mistake.

    Parameters
    ----------
    evaluation : glassnet.core.metrics.Evaluation
        From ``glassnet.evaluate(network, data)``.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DataError
        If ``evaluation`` has no square confusion matrix matching its classes.
    """
    matrix = np.asarray(getattr(evaluation, "confusion", None))
    classes = list(np.asarray(getattr(evaluation, "classes", [])).tolist())
    if matrix.ndim != 2 or matrix.shape != (len(classes), len(classes)) or not classes:
        raise DataError(
            "confusion needs an Evaluation (glassnet.evaluate(network, data)) with a square "
            "confusion matrix, one row and column per class"
        )
    size = len(classes)
    figure = new_figure(figsize=(1.6 + 0.55 * size, 1.2 + 0.5 * size), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap="Blues", vmin=0)
    threshold = matrix.max() / 2 if matrix.max() else 1
    for true_index in range(size):
        for guess_index in range(size):
            count = int(matrix[true_index, guess_index])
            axes.text(
                guess_index,
                true_index,
                str(count),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if count > threshold else "black",
            )
    labels = [_label_text(label) for label in classes]
    axes.set_xticks(range(size), labels)
    axes.set_yticks(range(size), labels)
    axes.set_xlabel("guessed")
    axes.set_ylabel("true")
    total = int(matrix.sum())
    accuracy = float(evaluation.accuracy)
    axes.set_title(f"Confusion matrix: accuracy {accuracy:.1%} on {total} images")
    figure.colorbar(image, ax=axes, shrink=0.8, label="images")
    return figure


# -- the ideas -----------------------------------------------------------------------


def sigmoid_curve() -> Figure:
    """The sigmoid: how a neuron turns any weighted sum into a number between 0 and 1.

    Large positive sums give nearly 1, large negative ones nearly 0, and a sum of
    exactly 0 gives 0.5: undecided (idea 3).

    Returns
    -------
    matplotlib.figure.Figure
    """
    z = np.linspace(-8.0, 8.0, 401)
    output = get_activation("sigmoid").forward(z)
    figure = new_figure(figsize=(8.0, 4.8), layout="constrained")
    axes = figure.subplots()
    axes.plot(z, output, color="tab:blue", linewidth=2, label=r"$\sigma(z) = 1 / (1 + e^{-z})$")
    axes.axhline(0.0, color="gray", linewidth=0.8, linestyle=":")
    axes.axhline(1.0, color="gray", linewidth=0.8, linestyle=":")
    axes.plot([0.0], [0.5], "o", color="tab:red", label="z = 0 gives 0.5")
    axes.annotate(
        "z = 0 gives exactly 0.5",
        xy=(0.0, 0.5),
        xytext=(1.2, 0.3),
        arrowprops={"arrowstyle": "->", "color": "tab:red"},
        color="tab:red",
    )
    axes.set_xlabel("weighted sum z = w1 x1 + w2 x2 + ... + b")
    axes.set_ylabel("neuron's output, between 0 and 1")
    axes.set_ylim(-0.05, 1.05)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left")
    axes.set_title(r"The sigmoid $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ squeezes any sum into 0..1")
    return figure


def loss_slope(
    network: Any,
    X: Any,
    y: ArrayLike | None = None,
    loss: str | None = None,
    layer: int = 0,
    index: tuple[int, int] | None = None,
    *,
    span: float = 1.0,
    points: int = 41,
    l2: float = 0.0,
) -> Figure:
    """The loss as one weight varies, and its slope where the weight is now (idea 6).

    Every other weight stays fixed. The curve is what "the loss as a function of
    this weight" means; the tangent at the current value is its slope, measured by
    nudging the weight (``glassnet.core.gradcheck.numerical_slope``). Backpropagation's
    gradient for the same weight is shown beside it: they agree, which is why
    training can use the fast one. Learning moves the weight downhill, against the
    slope.

    The weight is changed while drawing and then restored exactly (bit for bit).

    Parameters
    ----------
    network : Network
    X : Dataset or array_like, shape (n, n_inputs)
        Images the loss is measured on (a Dataset brings its labels along).
    y : array_like, shape (n,), optional
        Their labels; not needed when ``X`` is a Dataset.
    loss : str, optional
        A loss name, as in training. Default: "cross_entropy" for a softmax or
        sigmoid output layer, "squared_error" otherwise.
    layer : int
        Which layer the weight belongs to (0 = the first; negative counts from the end).
    index : tuple of int, optional
        ``(input, neuron)``: the weight from input ``input`` to neuron ``neuron`` of
        the layer, i.e. ``network.layers[layer].W[input, neuron]``. Default: the
        weight of that layer whose slope is steepest (the most interesting one).
    span : float
        The weight is varied from ``current - span`` to ``current + span``.
    points : int
        How many values to try (at least 3).
    l2 : float
        Weight decay included in the loss, as in training.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ConfigError
        If ``network`` is not a Network, or the layer, index, span or points are out
        of range.
    DataError
        If X or y do not fit the network.
    """
    layers = as_network(network, "loss_slope draws").layers
    position = _whole_number("layer", layer, low=-len(layers), high=len(layers) - 1)
    position %= len(layers)
    weights = layers[position].W  # (n_in, n_out), changed in place and restored
    width = _positive_number("span", span)
    count = _whole_number("points", points, low=3, high=MAX_CURVE_POINTS)
    if y is None:
        if not (hasattr(X, "X") and hasattr(X, "y")):
            raise DataError("loss_slope needs labels: pass y, or a Dataset as X")
        X, y = X.X, X.y
    inputs = network.check_inputs(X)  # (n, n_inputs)
    ideal = network.targets(y)  # (n, n_outputs)
    if loss is None:
        output = network.output_activation.name
        loss = "cross_entropy" if output in ("softmax", "sigmoid") else "squared_error"
    _, gradients = network.backward(inputs, ideal, loss, l2=l2)
    layer_gradient = gradients[2 * position]  # (n_in, n_out)
    if index is None:
        index = np.unravel_index(int(np.argmax(np.abs(layer_gradient))), layer_gradient.shape)
    try:
        row, column = (int(part) for part in index)
    except (TypeError, ValueError):
        raise ConfigError(
            f"index must be (input, neuron), two whole numbers, got {shown(index)}"
        ) from None
    if not (0 <= row < weights.shape[0] and 0 <= column < weights.shape[1]):
        raise ConfigError(
            f"weight index {(row, column)} is out of range: layer {position} has weights "
            f"(input 0..{weights.shape[0] - 1}, neuron 0..{weights.shape[1] - 1})"
        )
    spot = (row, column)
    gradient = float(layer_gradient[spot])

    def loss_now() -> float:
        return network.objective(inputs, ideal, loss, l2=l2)

    original = weights[spot].copy()  # a 0-d array: restored bit for bit
    try:
        current_loss = loss_now()
        slope = numerical_slope(loss_now, weights, spot)
        values = float(original) + np.linspace(-width, width, count)  # (points,)
        losses = []
        for value in values:
            weights[spot] = value
            losses.append(loss_now())
    finally:
        weights[spot] = original

    figure = new_figure(figsize=(8.5, 5.2), layout="constrained")
    axes = figure.subplots()
    axes.plot(values, losses, color="tab:blue", linewidth=2, label="loss as this weight varies")
    near = values[np.abs(values - float(original)) <= width / 2]
    axes.plot(
        near,
        current_loss + slope * (near - float(original)),
        color="tab:red",
        linestyle="--",
        label=f"tangent: numerical slope = {slope:.6g}",
    )
    axes.plot(
        [float(original)],
        [current_loss],
        "o",
        color="black",
        label=f"now: weight = {float(original):.4g}, loss = {current_loss:.4g}",
    )
    axes.plot([], [], " ", label=f"backpropagation's gradient = {gradient:.6g}")
    downhill = "left (smaller)" if slope > 0 else "right (larger)" if slope < 0 else "nowhere"
    axes.plot([], [], " ", label=f"downhill: move the weight {downhill}")
    axes.set_xlabel(f"weight from input {row} to neuron {column} of layer {position + 1}")
    axes.set_ylabel(f"{loss.replace('_', ' ')} loss over {len(inputs)} images")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=9)
    axes.set_title("The slope of the loss for one weight: learning walks downhill")
    return figure


# -- writing figures -----------------------------------------------------------------


def save_figure(figure: Figure, path: str | os.PathLike[str], dpi: int = 100) -> Path:
    """Write a figure to a file atomically, close it, and return where it went.

    The picture is written to a temporary file next to the destination and then
    moved into place in one step, so the destination is never half written: a
    viewer or web page never shows a broken picture, and a failure leaves any
    earlier file untouched.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    path : str or path
        Ends in ``.png`` (or ``.svg`` / ``.pdf``); its folder must exist.
    dpi : int
        Pixels per inch: a PNG is ``figsize * dpi`` pixels.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ConfigError
        If ``figure`` is not a Figure, the ending is not an accepted format, the
        folder does not exist, the dpi is not a positive whole number, or the file
        cannot be written.
    """
    if not callable(getattr(figure, "savefig", None)):
        raise ConfigError(f"save_figure writes a matplotlib Figure (what glassnet.plots "
                          f"draws), got {shown(figure)}")
    destination = check_figure_path(path)
    suffix = destination.suffix.lower()
    resolution = _whole_number("dpi", dpi, low=1, high=MAX_DPI)
    try:
        write_atomically(
            destination,
            lambda stream: figure.savefig(stream, format=suffix[1:], dpi=resolution),
            what="picture",
        )
    except GlassnetError as error:
        raise ConfigError(str(error)) from error.__cause__
    finally:
        _close(figure)
    return destination


def check_figure_path(path: str | os.PathLike[str]) -> Path:
    """``path`` if ``save_figure`` can write a picture there, else ConfigError.

    For callers that draw only after long work (a sweep): check before it starts.
    Whatever is already at ``path`` must be a file glassnet may replace; if it is not
    (a device, a folder, a read-only file), the ConfigError is an ``OutputPathError``
    (see ``atomicfile.writable_target``).
    """
    destination = Path(path)
    if destination.suffix.lower() not in FIGURE_FORMATS:
        raise ConfigError(
            f"{destination}: pictures are written as {', '.join(FIGURE_FORMATS)}; "
            "give a file name ending in .png"
        )
    folder = destination.parent
    if not folder.is_dir():
        raise ConfigError(f"{destination}: the folder {folder} does not exist")
    writable_target(destination, what="picture")
    return destination


# -- helpers -------------------------------------------------------------------------


def new_figure(**options: Any) -> Figure:
    """A matplotlib ``Figure``; matplotlib is imported here, on first use.

    Importing matplotlib takes a noticeable part of a second, so this module does not
    do it when imported: ``glassnet plot -h`` and the list of plot kinds stay quick.
    """
    from matplotlib.figure import Figure

    return Figure(**options)


def _whole_number_ticks() -> Any:
    """A tick locator that puts ticks on whole numbers only (epochs)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _close(figure: Figure) -> None:
    """Forget a figure: release it from pyplot if (and only if) pyplot made it."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(figure)


def _pictures(data: Any) -> Array:
    """The rows of a dataset as pictures (n, h, w): its images.

    A Dataset says itself whether its rows are pictures (a CSV table of 16 columns
    is not a 4x4 picture); other objects with an ``X`` count when their rows are a
    square of 8x8 or more, as ``guess_image_shape`` decides.
    """
    images = getattr(data, "images", None)
    if images is not None:
        return np.asarray(images)
    if hasattr(data, "image_shape"):
        name = getattr(data, "name", "") or "this data"
        raise DataError(f"the rows of {name} are not pictures: the dataset has no image "
                        "shape (give it one, e.g. Dataset(X, y, image_shape=(8, 8)) or "
                        "load_csv(path, image_shape=(4, 4)))")
    features = np.asarray(getattr(data, "X", None))
    if features.ndim == 2:
        shape = guess_image_shape(features.shape[1])
        if shape is not None:
            return features.reshape(len(features), *shape)
    raise DataError("these rows are not pictures: a Dataset with an image shape is needed")


def _input_picture_shape(network: Any, data: Any) -> tuple[int, int]:
    """The picture shape of the network's inputs: from the data, or a square of 8x8 and up."""
    n_inputs = int(network.n_inputs)
    shape = getattr(data, "image_shape", None) if data is not None else None
    if shape is not None and len(shape) == 2 and shape[0] * shape[1] == n_inputs:
        return int(shape[0]), int(shape[1])
    guessed = guess_image_shape(n_inputs)
    if guessed is None:
        raise ConfigError(
            f"the network's {n_inputs} inputs are not a square picture of 8x8 or more, so its "
            "weights cannot be drawn as one; pass data with an image shape"
        )
    return guessed


def _chosen_indices(
    n_samples: int, count: int, indices: Sequence[int] | ArrayLike | None
) -> list[int]:
    if indices is None:
        return list(range(min(_whole_number("count", count, low=1), n_samples)))
    chosen = np.asarray(indices)
    if chosen.ndim != 1 or chosen.size == 0 or chosen.dtype.kind not in "iu":
        raise ConfigError(
            f"indices must be a non-empty list of whole numbers, got {shown(indices)}")
    outside = (chosen < -n_samples) | (chosen >= n_samples)
    if outside.any():
        raise ConfigError(
            f"image {int(chosen[outside][0])} does not exist: there are {n_samples} images "
            f"(0 to {n_samples - 1})"
        )
    return [int(index) % n_samples for index in chosen]


def _whole_number(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ConfigError(f"{name} must be a whole number, got {shown(value)}")
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{name} must be {bounds}, got {shown(number)}")
    return number


def _positive_number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ConfigError(f"{name} must be a positive number, got {shown(value)}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ConfigError(f"{name} must be a positive number, got {shown(value)}")
    return number


def _as_history(history: Any) -> History:
    if isinstance(history, dict):
        record = History.from_dict(history)
    elif isinstance(history, History):
        record = history
    else:
        raise DataError(
            f"training curves need a History (what glassnet.train returns) or its to_dict(), "
            f"got {type(history).__name__}"
        )
    if record.epochs == 0:
        raise DataError("this training history has no epochs to draw")
    if not record.train_loss and not record.validation_loss:
        raise DataError("this training history measured no losses to draw: it was trained "
                        "with score_training=False and without validation images")
    return record


def _label_text(label: Any) -> str:
    return str(label.item() if isinstance(label, np.generic) else label)


def _data_name(data: Any) -> str:
    return getattr(data, "name", "") or "the data"


# ---------------------------------------------------------------------- sweeps
def plot_sweep(table: Sequence[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Draw mean test accuracy against each varying setting, with error bars, as a PNG.

    One panel per setting that varies, its values along the bottom in the order the
    sweep gave them. Above each value, the best combination that uses it: its mean
    test accuracy over the seeds, the bar one standard deviation either way. Small
    grey dots are the other combinations with that value. A setting matters when
    the best of one value sits above the best of another by more than their bars
    are long; the overall best is the red star.

    Parameters
    ----------
    table : SweepTable or list of dict
        What ``sweep`` returned.
    path : path
        The PNG file to write (atomically).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ConfigError
        If no combination has a test accuracy (all diverged, or none finished).
    """
    rows = [row for row in table if row.get("test_accuracy_mean") is not None]
    if not rows:
        raise ConfigError("nothing to plot: no combination of the sweep has a test accuracy")
    varying = list(getattr(table, "varying", None) or _varying_in_rows(rows))
    save_figure(_sweep_figure(rows, varying), path)
    return Path(path)


def _varying_in_rows(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    from .app.sweeps import SWEEPABLE_SETTINGS

    return [name for name in SWEEPABLE_SETTINGS if name in rows[0]]


def _sweep_figure(rows: Sequence[Mapping[str, Any]], varying: Sequence[str]) -> Any:
    """The figure of ``plot_sweep``; ``rows`` best first, each with a test accuracy."""
    panels = list(varying) or [None]
    figure = new_figure(figsize=(max(4.0 * len(panels), 6.0), 3.8), layout="constrained")
    axes_list = figure.subplots(1, len(panels), squeeze=False, sharey=True)[0]
    in_grid_order = sorted(rows, key=lambda row: row.get("combination", 0))
    for axes, name in zip(axes_list, panels, strict=True):
        values = (list(dict.fromkeys(str(row[name]) for row in in_grid_order))
                  if name else ["all"])  # fmt: skip
        for position, value in enumerate(values):
            matching = [row for row in rows if name is None or str(row[name]) == value]
            best, others = matching[0], matching[1:]  # rows come best first
            axes.scatter([position + 0.18] * len(others),
                         [100 * row["test_accuracy_mean"] for row in others],
                         s=12, color="0.6", zorder=1)  # fmt: skip
            overall_best = best is rows[0]
            axes.errorbar(
                position, 100 * best["test_accuracy_mean"],
                yerr=100 * (best["test_accuracy_std"] or 0.0), capsize=4, zorder=2,
                fmt="*" if overall_best else "o", markersize=12 if overall_best else 6,
                color="tab:red" if overall_best else "tab:blue",
            )  # fmt: skip
        axes.set_xticks(range(len(values)), values)
        axes.set_xlim(-0.6, len(values) - 0.4)
        axes.set_xlabel(name or "the one combination")
        axes.grid(axis="y", alpha=0.3)
    axes_list[0].set_ylabel("test accuracy (%)")
    n_seeds = max(row["n_runs"] - row["n_diverged"] for row in rows)
    figure.suptitle(
        f"Best test accuracy with each value (mean of up to {n_seeds} seeds, bars: one std;"
        " grey: other combinations)", fontsize=10,
    )  # fmt: skip
    return figure


__all__ = [
    "FIGURE_FORMATS",
    "MAX_CURVE_POINTS",
    "MAX_DPI",
    "MAX_GRID_DIGITS",
    "MAX_NEURONS_SHOWN",
    "MAX_TOP_K",
    "PLOT_KINDS",
    "check_figure_path",
    "confusion",
    "digit_numbers",
    "digits_grid",
    "hidden_weights",
    "loss_slope",
    "plot_sweep",
    "save_figure",
    "sigmoid_curve",
    "training_curves",
]
