"""Tests of glassnet.plots: every picture is drawn, titled, labelled and written.

Each figure is checked twice: as a matplotlib object (its titles, labels and the
numbers it shows, which must be the core's numbers) and as the PNG file
``save_figure`` writes (opened with Pillow: the right size, and not blank).
Pictures are written at a low resolution to keep the tests fast.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

import glassnet  # noqa: E402
from glassnet import plots  # noqa: E402
from glassnet.errors import ConfigError, DataError  # noqa: E402

DPI = 40


@pytest.fixture(scope="module")
def digits() -> glassnet.Dataset:
    return glassnet.load_digits()


@pytest.fixture(scope="module")
def trained(digits: glassnet.Dataset) -> tuple[glassnet.Network, glassnet.History]:
    """A small network after a short real training (and the history it made)."""
    train_split, _ = digits.split(test_fraction=0.2, seed=0)
    network = glassnet.Network([64, 6, 10], seed=0)
    history = glassnet.train(network, train_split, epochs=4, validation_fraction=0.1)
    return network, history


def titles(figure: Figure) -> list[str]:
    """Every title of a figure: the figure's own and each axes'."""
    texts = [figure.get_suptitle()] + [axes.get_title() for axes in figure.axes]
    return [text for text in texts if text]


def saved_picture(figure: Figure, folder: Path, name: str = "picture.png") -> np.ndarray:
    """Save with save_figure and check the file: right size, not blank. Returns pixels."""
    width, height = figure.get_size_inches()
    path = plots.save_figure(figure, folder / name, dpi=DPI)
    assert path == folder / name
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        assert picture.size == (round(width * DPI), round(height * DPI))
        pixels = np.asarray(picture.convert("RGB"), dtype=np.float64)
    assert pixels.std() > 0
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10  # more than a few colours
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no temporary
    return pixels


def test_plot_kinds_name_every_picture_of_the_command_line() -> None:
    assert set(plots.PLOT_KINDS) == {
        "digits",
        "digit",
        "weights",
        "curves",
        "confusion",
        "sigmoid",
        "slope",
    }
    assert all(isinstance(text, str) and text for text in plots.PLOT_KINDS.values())


# -- the data ------------------------------------------------------------------------


def test_digits_grid(digits: glassnet.Dataset, tmp_path: Path) -> None:
    figure = plots.digits_grid(digits, 12)
    assert "12 digits" in figure.get_suptitle()
    shown = [axes for axes in figure.axes if axes.images and axes.get_title()]
    assert len(shown) == 12
    for index, axes in enumerate(shown):
        assert axes.get_title() == f"#{index}: {digits.y[index]}"
        image = axes.images[0]
        assert np.array_equal(image.get_array(), digits.images[index])
        assert image.get_cmap().name == "gray_r" and image.get_clim() == (0.0, 1.0)
    saved_picture(figure, tmp_path)


def test_digits_grid_with_chosen_indices(digits: glassnet.Dataset, tmp_path: Path) -> None:
    figure = plots.digits_grid(digits, indices=[5, -1, 100])
    shown = [axes.get_title() for axes in figure.axes if axes.images and axes.get_title()]
    last = digits.n_samples - 1
    assert shown == [f"#5: {digits.y[5]}", f"#{last}: {digits.y[-1]}", f"#100: {digits.y[100]}"]
    saved_picture(figure, tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        plots.digits_grid(digits, indices=[digits.n_samples])
    with pytest.raises(ConfigError, match="count"):
        plots.digits_grid(digits, 0)
    with pytest.raises(ConfigError, match="at most 400 digits, 401 were asked for"):
        plots.digits_grid(digits, plots.MAX_GRID_DIGITS + 1)
    with pytest.raises(ConfigError, match="100,000 were asked for"):  # not the data's 1797
        plots.digits_grid(digits, 100_000)


def test_digit_numbers_writes_the_64_numbers(digits: glassnet.Dataset, tmp_path: Path) -> None:
    figure = plots.digit_numbers(digits, 3)
    (axes,) = [axes for axes in figure.axes if axes.images]
    assert "an image is 64 numbers" in axes.get_title()
    assert axes.get_xlabel().startswith("column") and axes.get_ylabel() == "row"
    written = np.array([float(text.get_text()) for text in axes.texts]).reshape(8, 8)
    assert np.allclose(written, digits.images[3], atol=0.005)
    saved_picture(figure, tmp_path)
    with pytest.raises(ConfigError):
        plots.digit_numbers(digits, 5000)


# -- the network ---------------------------------------------------------------------


def test_hidden_weights_with_the_digits_that_excite_each_neuron(
    trained: tuple[glassnet.Network, glassnet.History],
    digits: glassnet.Dataset,
    tmp_path: Path,
) -> None:
    network, _ = trained
    data = digits.take(np.arange(300))
    figure = plots.hidden_weights(network, data, top_k=3)
    assert figure.get_suptitle().startswith("Hidden layer 1")
    assert "excite it most" in figure.get_suptitle()

    weights = network.layers[0].W  # (64, 6)
    limit = np.abs(weights).max()
    sums = data.X @ weights + network.layers[0].b  # (300, 6)
    for neuron in range(6):
        (picture_axes,) = [a for a in figure.axes if a.get_title() == f"neuron {neuron}"]
        image = picture_axes.images[0]
        assert np.array_equal(image.get_array(), weights[:, neuron].reshape(8, 8))
        colours = image.get_cmap()  # the explorer's: orange below 0, white at 0, blue above
        assert matplotlib.colors.to_hex(colours(0.0)) == plots.WEIGHT_COLOURS[0] == "#e8590c"
        assert matplotlib.colors.to_hex(colours(0.5)) == "#ffffff"
        assert matplotlib.colors.to_hex(colours(1.0)) == plots.WEIGHT_COLOURS[2] == "#2563eb"
        assert image.get_clim() == pytest.approx((-limit, limit))  # symmetric, shared
    explorer_css = (Path(plots.__file__).parent / "web" / "static" / "app.css").read_text()
    assert "--pos: #2563eb;" in explorer_css and "--neg: #e8590c;" in explorer_css
    thumbnails = [a for a in figure.axes if a.images and a.get_xlabel() and not a.get_title()]
    assert len(thumbnails) == 6 * 3
    for neuron in range(6):
        most_exciting = np.argsort(-sums[:, neuron], kind="stable")[:3]
        for slot, example in enumerate(most_exciting):
            thumbnail = thumbnails[3 * neuron + slot]
            assert np.array_equal(thumbnail.images[0].get_array(), data.images[example])
            assert thumbnail.get_xlabel() == str(data.y[example])
    saved_picture(figure, tmp_path)


def test_hidden_weights_without_data_and_limited(
    trained: tuple[glassnet.Network, glassnet.History], tmp_path: Path
) -> None:
    network, _ = trained
    figure = plots.hidden_weights(network, max_neurons=4)
    assert "(first 4 of 6)" in figure.get_suptitle()
    named = sorted(a.get_title() for a in figure.axes if a.get_title())
    assert named == ["neuron 0", "neuron 1", "neuron 2", "neuron 3"]
    saved_picture(figure, tmp_path)


def test_hidden_weights_of_a_wide_layer_shows_the_first_neurons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert plots.MAX_NEURONS_SHOWN == 64
    monkeypatch.setattr(plots, "MAX_NEURONS_SHOWN", 4)  # the same rule, drawn faster
    network = glassnet.Network([64, 7, 10])
    figure = plots.hidden_weights(network)
    assert "(first 4 of 7)" in figure.get_suptitle()
    assert len(titles(figure)) == 1 + 4
    assert len(titles(plots.hidden_weights(network, max_neurons=6))) == 1 + 6


def test_hidden_weights_of_a_network_without_hidden_layer(
    digits: glassnet.Dataset, tmp_path: Path
) -> None:
    network = glassnet.Network([64, 10], seed=1)
    figure = plots.hidden_weights(network, digits.take(np.arange(50)), top_k=2)
    assert "no hidden layer" in figure.get_suptitle()
    named = {a.get_title() for a in figure.axes if a.get_title()}
    assert named == {f"digit {digit}" for digit in range(10)}
    saved_picture(figure, tmp_path)


def test_hidden_weights_refuses_layers_that_do_not_see_pixels(
    trained: tuple[glassnet.Network, glassnet.History],
) -> None:
    network, _ = trained
    with pytest.raises(ConfigError, match="connect to pixels"):
        plots.hidden_weights(network, layer=1)
    with pytest.raises(ConfigError, match="layer"):
        plots.hidden_weights(network, layer=5)
    with pytest.raises(ConfigError, match="top_k"):
        plots.hidden_weights(network, top_k=0)
    with pytest.raises(ConfigError, match="top_k must be from 1 to 16, got a whole number"):
        plots.hidden_weights(network, top_k=10**400)  # ran for over ten minutes before
    with pytest.raises(ConfigError, match="square picture"):
        plots.hidden_weights(glassnet.Network([10, 3, 2]))


def test_rows_that_are_no_pictures_are_not_drawn_as_pictures() -> None:
    """A table of 16 or 64 columns is drawn only when its Dataset says it is pictures."""
    rng = np.random.default_rng(0)
    labels = [0, 1, 0, 1, 0]
    table = glassnet.Dataset(rng.random((5, 16)), labels, name="a table")
    with pytest.raises(DataError, match="a table are not pictures"):
        plots.digits_grid(table, 4)
    with pytest.raises(DataError, match="a table are not pictures"):
        plots.digit_numbers(table, 0)
    wide_table = glassnet.Dataset(rng.random((5, 64)), labels, name="a wide table")
    with pytest.raises(DataError, match="a wide table are not pictures"):
        plots.hidden_weights(glassnet.Network([64, 3, 2]), wide_table)
    # 16 inputs are no square of 8x8 or more: drawn only with data that says their shape.
    with pytest.raises(ConfigError, match="16 inputs are not a square picture"):
        plots.hidden_weights(glassnet.Network([16, 3, 2]))
    pictures = glassnet.Dataset(table.X, labels, image_shape=(4, 4))
    assert len(titles(plots.digits_grid(pictures, 4))) == 1 + 4
    figure = plots.hidden_weights(glassnet.Network([16, 3, 2]), pictures, top_k=1)
    assert {"neuron 0", "neuron 1", "neuron 2"} <= set(titles(figure))


def test_training_curves_from_a_real_training(
    trained: tuple[glassnet.Network, glassnet.History], tmp_path: Path
) -> None:
    _, history = trained
    figure = plots.training_curves(history)
    assert figure.get_suptitle() == "Training: 4 epochs, ran every epoch"
    loss_axes, accuracy_axes = figure.axes
    assert loss_axes.get_title() == "Loss" and accuracy_axes.get_title().startswith("Accuracy")
    for axes, train_values, validation_values in (
        (loss_axes, history.train_loss, history.validation_loss),
        (accuracy_axes, history.train_accuracy, history.validation_accuracy),
    ):
        assert axes.get_xlabel().startswith("epoch") and axes.get_ylabel()
        lines = {line.get_label(): line for line in axes.get_lines()}
        assert np.allclose(lines["training images"].get_ydata(), train_values)
        assert np.allclose(lines["validation images"].get_ydata(), validation_values)
        assert np.array_equal(lines["training images"].get_xdata(), [1, 2, 3, 4])
        best = lines[f"best epoch ({history.best_epoch})"]
        assert list(best.get_xdata()) == [history.best_epoch] * 2
    saved_picture(figure, tmp_path)

    from_dict = plots.training_curves(history.to_dict())
    assert titles(from_dict) == titles(plots.training_curves(history))
    with pytest.raises(DataError, match="no epochs"):
        plots.training_curves(glassnet.History())
    with pytest.raises(DataError, match="History"):
        plots.training_curves([0.5, 0.4])

    # Trained with score_training=False: only the validation curve is drawn, or,
    # without validation images, there is nothing to draw.
    validation_only = glassnet.History.from_dict(
        {**history.to_dict(), "train_loss": [], "train_accuracy": []})
    labels = {line.get_label() for line in plots.training_curves(validation_only).axes[0].lines}
    assert "validation images" in labels and "training images" not in labels
    nothing = glassnet.History(seconds=[0.1, 0.1])
    with pytest.raises(DataError, match="score_training=False"):
        plots.training_curves(nothing)


def test_confusion_heat_map(
    trained: tuple[glassnet.Network, glassnet.History],
    digits: glassnet.Dataset,
    tmp_path: Path,
) -> None:
    network, _ = trained
    _, test_split = digits.split(test_fraction=0.2, seed=0)
    evaluation = glassnet.evaluate(network, test_split)
    figure = plots.confusion(evaluation)
    (axes,) = [axes for axes in figure.axes if axes.images]
    assert axes.get_xlabel() == "guessed" and axes.get_ylabel() == "true"
    assert f"accuracy {evaluation.accuracy:.1%}" in axes.get_title()
    assert f"on {len(test_split)} images" in axes.get_title()
    written = np.array([int(text.get_text()) for text in axes.texts]).reshape(10, 10)
    assert np.array_equal(written, evaluation.confusion)
    assert [label.get_text() for label in axes.get_xticklabels()] == [str(d) for d in range(10)]
    saved_picture(figure, tmp_path)
    with pytest.raises(DataError, match="Evaluation"):
        plots.confusion(np.eye(3))


# -- the ideas -----------------------------------------------------------------------


def test_sigmoid_curve(tmp_path: Path) -> None:
    figure = plots.sigmoid_curve()
    (axes,) = figure.axes
    assert "sigmoid" in axes.get_title()
    assert axes.get_xlabel() and axes.get_ylabel()
    lines = {line.get_label(): line for line in axes.get_lines()}
    curve = next(line for label, line in lines.items() if label.startswith("$\\sigma"))
    z, output = curve.get_xdata(), curve.get_ydata()
    assert np.allclose(output, 1 / (1 + np.exp(-z)))
    marked = lines["z = 0 gives 0.5"]
    assert list(marked.get_xdata()) == [0.0] and list(marked.get_ydata()) == [0.5]
    saved_picture(figure, tmp_path)


def test_loss_slope_draws_the_slope_and_restores_the_weight_exactly(
    trained: tuple[glassnet.Network, glassnet.History],
    digits: glassnet.Dataset,
    tmp_path: Path,
) -> None:
    network, _ = trained
    data = digits.take(np.arange(200))
    before = [array.copy() for array in network.parameters()]
    figure = plots.loss_slope(network, data.X, data.y, "cross_entropy", 0, (36, 2), points=21)
    after = network.parameters()
    assert all(
        a.tobytes() == b.tobytes() and a.dtype == b.dtype
        for a, b in zip(before, after, strict=True)
    )

    (axes,) = figure.axes
    assert "slope" in axes.get_title()
    assert axes.get_xlabel() == "weight from input 36 to neuron 2 of layer 1"
    assert "loss" in axes.get_ylabel()
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    slope = float(next(label for label in labels if "numerical slope" in label).split("= ")[1])
    gradient = float(next(label for label in labels if "backpropagation" in label).split("= ")[1])
    assert slope == pytest.approx(gradient, rel=1e-4)  # the two ways agree (to 6 digits shown)

    curve = next(line for line in axes.get_lines() if line.get_label().startswith("loss as"))
    weight = before[0][36, 2]
    current_loss = network.loss(data.X, data.y, "cross_entropy")
    assert len(curve.get_xdata()) == 21
    assert curve.get_xdata()[10] == pytest.approx(weight)
    assert curve.get_ydata()[10] == pytest.approx(current_loss)
    saved_picture(figure, tmp_path)


def test_loss_slope_defaults_pick_the_steepest_weight(
    trained: tuple[glassnet.Network, glassnet.History], digits: glassnet.Dataset
) -> None:
    network, _ = trained
    data = digits.take(np.arange(100))
    _, gradients = network.backward(data.X, network.targets(data.y), "cross_entropy")
    steepest = np.unravel_index(np.argmax(np.abs(gradients[2])), gradients[2].shape)
    figure = plots.loss_slope(network, data, layer=1, points=5)  # a Dataset brings its labels
    xlabel = figure.axes[0].get_xlabel()
    assert xlabel == f"weight from input {steepest[0]} to neuron {steepest[1]} of layer 2"
    with pytest.raises(ConfigError, match="out of range"):
        plots.loss_slope(network, data, index=(64, 0))
    with pytest.raises(ConfigError, match="span"):
        plots.loss_slope(network, data, span=0)
    with pytest.raises(DataError, match="labels"):
        plots.loss_slope(network, data.X)


# -- writing files -------------------------------------------------------------------


def test_save_figure_replaces_a_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "sigmoid.png"
    target.write_bytes(b"an older picture")
    plots.save_figure(plots.sigmoid_curve(), target, dpi=DPI)
    assert target.read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir()] == ["sigmoid.png"]  # no temporary file left
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # as any new file


def test_a_failed_save_leaves_the_old_file_and_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "curve.png"
    target.write_bytes(b"the good old picture")
    figure = plots.sigmoid_curve()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(figure, "savefig", disk_full)
    with pytest.raises(ConfigError, match="No space left"):
        plots.save_figure(figure, target)
    assert target.read_bytes() == b"the good old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["curve.png"]


def test_save_figure_refuses_bad_destinations(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ending in .png"):
        plots.save_figure(plots.sigmoid_curve(), tmp_path / "picture.txt")
    with pytest.raises(ConfigError, match="does not exist"):
        plots.save_figure(plots.sigmoid_curve(), tmp_path / "missing" / "picture.png")
    with pytest.raises(ConfigError, match="dpi"):
        plots.save_figure(plots.sigmoid_curve(), tmp_path / "picture.png", dpi=0)
    with pytest.raises(ConfigError, match="dpi must be from 1 to 1200"):  # not bad_alloc
        plots.save_figure(plots.sigmoid_curve(), tmp_path / "picture.png", dpi=10**6)


def test_plots_never_touch_pyplot_and_glassnet_never_imports_matplotlib(tmp_path: Path) -> None:
    code = (
        "import sys, glassnet\n"
        "glassnet.train(glassnet.Network([64, 8, 10]), glassnet.load_digits(), epochs=1)\n"
        "assert 'matplotlib' not in sys.modules, 'training with glassnet'\n"
        "from glassnet import plots\n"
        f"plots.save_figure(plots.sigmoid_curve(), {str(tmp_path / 's.png')!r}, dpi=20)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
