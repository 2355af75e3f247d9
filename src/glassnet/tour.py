"""The guided tour: how a neural network works, step by step, as running code.

The article walks from "an image is a list of numbers" to "hidden layers
learn parts of digits". Each of its ideas is one step here, and each step is a
function that does the real thing (with the real digits and a real network) and
returns what it found: a few sentences of explanation, the numbers, the same
result as lines of text, and the pictures it can draw.

The steps are the single source of the tour. ``glassnet tour`` shows them in a
terminal, and notebooks/how-neural-networks-work.ipynb shows them with inline
pictures; both only call these functions, so the two can never tell different
stories. Every claim a step makes ("more than 90% right with no training at all")
is a number in its result, and the tests assert it.

1. a digit as shades, as the 8x8 grid of ink counts and as the list of 64 numbers;
2. one output neuron: the weighted sum of the 64 inputs, the sigmoid, its value;
3. a 0-or-1 network weighted by hand (middle +, edges -) and its accuracy;
4. the inverse weights, and two output neurons side by side that make a guess;
5. the loss of one image and of all images, and the network that minimised the
   loss of a single image (it answers the same digit for everything);
6. one weight at a time: the loss as one weight varies, its slope, hops downhill
   with ``SlopeDescent``, and backpropagation giving the same slopes at once;
7. ten output neurons, trained, and their accuracy on images never seen;
8. a hidden layer: its accuracy, and its neurons' weights as pictures;
9. tweak, retrain, retest: a few hidden layer sizes compared, recorded in the
   runs database.

Use it from Python::

    from glassnet import tour
    step = tour.step_3_hand_weighted()
    print(step.text())            # or step.show() in a notebook
    step.numbers["accuracy"]      # 0.928: the claim, as a number

All training goes through ``glassnet.train`` or ``glassnet.app.experiment.run``;
pictures come from ``glassnet.plots``, imported only when a picture is drawn.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .app.experiment import RunResult, RunSettings, format_hidden, run
from .app.handweights import (
    HAND_BIAS,
    hand_weighted_network,
    hand_weights,
    square_shape,
    two_output_network,
)
from .app.loss_lesson import SINGLE_IMAGE_EPOCHS, data_loss, image_loss, train_on_one_image
from .core.activations import get_activation
from .core.gradcheck import gradcheck, numerical_slope, relative_error
from .core.metrics import accuracy
from .core.network import Network
from .core.optimizers import SlopeDescent
from .data.dataset import Dataset
from .data.digits import load_digits
from .errors import ConfigError, shown
from .store.atomicfile import writable_folder
from .store.paths import db_hint
from .training import train

#: Characters from white to black, for digits drawn as text (0 = " ", 1 = "@").
SHADES = " .:-=+*#%@"

#: The image the first steps look at: image 0 of the UCI digits (a 0).
FIRST_IMAGE = 0

#: The trained steps (7, 8, 9) all use these settings, changing only the hidden
#: layers: the default recipe (SGD with momentum, nudges, input noise, weight averaging),
#: shortened to 40 epochs so that the whole tour runs in seconds.
TOUR_SETTINGS = RunSettings(epochs=40, average_from=20)

#: The hidden layer sizes step 9 compares: none, then wider and wider.
TOUR_HIDDEN_SIZES: tuple[tuple[int, ...], ...] = ((), (16,), (32,), (64,))

#: A figure maker draws one picture when called (matplotlib is imported then).
FigureMaker = Callable[[], Any]


@dataclass
class TourStep:
    """What one step of the tour found: its explanation, its numbers, its pictures.

    Attributes
    ----------
    number : int
        1 to 9.
    title : str
        One line.
    explanation : str
        A few sentences saying what the step shows and why it matters.
    lines : list of str
        The live result as text: tables, numbers, digits drawn with characters.
    numbers : dict
        Every number the step claims something about, by name (what the tests check).
    figures : dict of str to callable
        Picture name -> a function drawing it as a matplotlib Figure.
    objects : dict
        The live objects behind the numbers (networks, data, histories), for readers
        who want to look further.
    """

    number: int
    title: str
    explanation: str
    lines: list[str]
    numbers: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, FigureMaker] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        return f"Step {self.number} of {len(STEPS)}: {self.title}"

    def text(self, width: int = 88) -> str:
        """The whole step as plain text: heading, explanation and result."""
        explanation = "\n\n".join(
            textwrap.fill(paragraph, width) for paragraph in self.explanation.split("\n\n")
        )
        rule = "=" * len(self.heading)
        return "\n".join([self.heading, rule, "", explanation, "", *self.lines])

    def make_figures(self) -> dict[str, Any]:
        """Draw every picture of this step: name -> matplotlib Figure."""
        return {name: make() for name, make in self.figures.items()}

    def show(self) -> None:
        """Display the step in a notebook: the text, then every picture inline.

        Outside IPython the text goes to standard output and the pictures are not drawn
        (use ``save_figures`` to write them as PNG files).
        """
        print(self.text())
        display = _notebook_display()
        if display is None:
            return
        for figure in self.make_figures().values():
            display(figure)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.heading if cycle else self.text())


# ============================================================================ helpers
def shade_rows(image: NDArray[np.floating], width: int = 2) -> list[str]:
    """An image (h, w) of values in 0..1 as h lines of characters, ``width`` per pixel."""
    levels = np.clip(np.rint(np.asarray(image) * (len(SHADES) - 1)), 0, len(SHADES) - 1)
    return ["".join(SHADES[int(level)] * width for level in row) for row in levels]


def framed(rows: list[str]) -> list[str]:
    """Rows of a text picture in a box, so the white edge of a digit shows."""
    width = max(len(row) for row in rows)
    edge = "+" + "-" * width + "+"
    return [edge, *(f"|{row:<{width}}|" for row in rows), edge]


def side_by_side(blocks: Sequence[list[str]], gap: int = 4) -> list[str]:
    """Several text pictures (lists of lines) joined left to right."""
    height = max(len(block) for block in blocks)
    widths = [max(len(line) for line in block) for block in blocks]
    return [
        (" " * gap).join(
            (block[row] if row < len(block) else "").ljust(width)
            for block, width in zip(blocks, widths, strict=True)
        ).rstrip()
        for row in range(height)
    ]


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A plain text table, columns right-aligned except the first."""
    cells = [[str(cell) for cell in header], *([str(cell) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [line(cells[0]), "  ".join("-" * width for width in widths), *map(line, cells[1:])]


def percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def _plots() -> Any:
    """glassnet.plots, imported only when a picture is drawn (it needs matplotlib)."""
    from . import plots

    return plots


def _notebook_display() -> Callable[[Any], Any] | None:
    """IPython's ``display`` when running inside IPython or Jupyter, else None."""
    try:
        import IPython
    except ImportError:
        return None
    if IPython.get_ipython() is None:
        return None
    from IPython.display import display

    return display


def _digits(data: Dataset | None) -> Dataset:
    return load_digits() if data is None else data


# ============================================================================ step 1
def step_1_digit_as_numbers(data: Dataset | None = None, index: int = FIRST_IMAGE) -> TourStep:
    """An image is a list of numbers: one digit as shades, as a grid and as 64 numbers.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``).
    index : int
        Which image to look at.

    Returns
    -------
    TourStep
        ``numbers``: ``pixels`` (the 64 numbers), ``ink_counts`` (8, 8) ints 0..16,
        ``label``, ``index``, ``n_pixels``.
    """
    data = _digits(data)
    shape = square_shape(data.n_features)
    numbers = data.as_numbers(index)
    image = np.asarray(numbers).reshape(shape)  # (8, 8)
    counts = np.rint(image * 16).astype(int)  # the UCI ink counts 0..16
    grid = [" ".join(f"{count:2d}" for count in row) for row in counts]
    listed = textwrap.wrap(", ".join(f"{value:.2f}" for value in numbers), 88)
    lines = [
        f"Image {index} of {data.n_samples}, labelled {data.y[index]}:",
        "",
        *side_by_side([
            ["as shades", *framed(shade_rows(image))],
            ["as ink counts (0..16)", *grid],
        ]),
        "",
        f"as the list of {len(numbers)} numbers the network sees (count / 16, row after row):",
        *listed,
    ]
    explanation = (
        "A computer sees no picture, only numbers. Each of these handwritten digits was "
        "scanned into 8x8 = 64 pixels, and each pixel holds how much ink fell on it: 0 is "
        "white, 1 is black, and values in between are shades of grey (the ink counts 0 to "
        "16, divided by 16). Read row after row, the picture becomes a list of 64 numbers: "
        "that list is all the network will ever get."
    )
    return TourStep(
        number=1,
        title="An image is a list of numbers",
        explanation=explanation,
        lines=lines,
        numbers={"index": index, "label": data.y[index].item(), "pixels": numbers,
                 "n_pixels": len(numbers), "ink_counts": counts},
        figures={
            "digits": lambda: _plots().digits_grid(data, 20),
            "digit-numbers": lambda: _plots().digit_numbers(data, index),
        },
        objects={"data": data},
    )


# ============================================================================ step 2
def step_2_one_neuron(
    data: Dataset | None = None, index: int = FIRST_IMAGE, seed: int = 0
) -> TourStep:
    """One output neuron: the weighted sum of 64 inputs, put through the sigmoid.

    The sum and the sigmoid are worked out in plain arithmetic and compared with the
    network's own forward pass, so the reader sees there is nothing more to it.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``).
    index : int
        Which image the neuron looks at.
    seed : int
        Seeds the neuron's random starting weights.

    Returns
    -------
    TourStep
        ``numbers``: ``weighted_sum`` and ``sigmoid_by_hand`` (arithmetic),
        ``network_weighted_sum`` and ``network_output`` (``Network.trace``), ``bias``.
    """
    data = _digits(data)
    network = Network([data.n_features, 1], output="sigmoid", seed=seed, classes=[0, 1])
    x = np.asarray(data.as_numbers(index))  # (64,)
    weights = network.layers[0].W[:, 0]  # (64,)
    bias = float(network.layers[0].b[0])
    weighted_sum = float(x @ weights + bias)
    by_hand = float(1.0 / (1.0 + np.exp(-weighted_sum)))
    trace = network.trace(x)
    output = float(trace.outputs[0, 0])
    inked = np.flatnonzero(x)[:3]
    terms = " + ".join(f"{x[i]:.2f} x {weights[i]:+.2f}" for i in inked)
    lines = [
        f"A neuron with {len(weights)} random starting weights (seed {seed}) and bias "
        f"{bias:g}, looking at image {index} (a {data.y[index]}):",
        "",
        f"  weighted sum z = {terms} + ... ({len(weights)} terms) + {bias:g}",
        f"                 = {weighted_sum:.4f}",
        f"  sigmoid(z)     = 1 / (1 + e^-z) = {by_hand:.4f}",
        f"  the network's own forward pass gives {output:.4f}",
        "",
        "The sigmoid squeezes any sum into (0, 1):",
        *(f"  sigmoid({z:+d}) = {get_activation('sigmoid').forward(np.array(float(z))):.3f}"
          for z in (-6, -2, 0, 2, 6)),
    ]
    explanation = (
        "Neurons hold numbers. The 64 input neurons hold the 64 pixels. An output neuron "
        "gets its number from them: it multiplies each input by the weight of its "
        "connection, adds everything up (the weighted sum), adds its bias, and puts the "
        "total through an activation function. The sigmoid, 1 / (1 + e^-z), turns any "
        "sum into a number between 0 and 1: large sums give nearly 1 ('yes'), very "
        "negative sums nearly 0 ('no').\n\nThese weights are random, as every network's "
        "are before it learns, so this neuron's answer means nothing yet."
    )
    return TourStep(
        number=2,
        title="One output neuron: a weighted sum and a sigmoid",
        explanation=explanation,
        lines=lines,
        numbers={"weighted_sum": weighted_sum, "sigmoid_by_hand": by_hand,
                 "network_output": output, "network_weighted_sum":
                 float(trace.weighted_sums[0][0, 0]), "bias": bias},
        figures={"sigmoid": lambda: _plots().sigmoid_curve()},
        objects={"network": network, "data": data},
    )


# ============================================================================ step 3
def _examples(data: Dataset, per_class: int = 4) -> NDArray[np.intp]:
    """The first ``per_class`` images of each class, class by class."""
    return np.concatenate([np.flatnonzero(data.y == label)[:per_class] for label in data.classes])


def _weights_picture(weights: NDArray[np.floating]) -> list[str]:
    symbols = {1.0: " +", -1.0: " -", 0.0: " ."}
    return ["".join(symbols.get(float(w), " ?") for w in row) for row in weights]


def step_3_hand_weighted(data: Dataset | None = None) -> TourStep:
    """A 0-or-1 network weighted by hand, and its accuracy with no training at all.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``); only its
        0s and 1s are used.

    Returns
    -------
    TourStep
        ``numbers``: ``accuracy`` on every 0 and 1 (``n_images`` of them), and for four
        0s and four 1s their ``examples`` indices, ``example_labels``,
        ``example_outputs`` (the sigmoid) and ``example_guesses``.
    """
    zeros_and_ones = _digits(data).subset([0, 1])
    network = hand_weighted_network(zeros_and_ones.n_features)
    examples = _examples(zeros_and_ones)
    trace = network.trace(zeros_and_ones.X[examples])
    sums, outputs = trace.weighted_sums[0][:, 0], trace.outputs[:, 0]
    guesses = network.predict(zeros_and_ones.X[examples])
    score = accuracy(network, zeros_and_ones)
    rows = [
        [f"image {i}", zeros_and_ones.y[i], f"{z:+.2f}", f"{a:.3f}", guess,
         "right" if guess == zeros_and_ones.y[i] else "WRONG"]
        for i, z, a, guess in zip(examples, sums, outputs, guesses, strict=True)
    ]
    n = zeros_and_ones.n_samples
    lines = [
        "The weights (+ is +1, - is -1), and the bias 0:",
        *_weights_picture(hand_weights(square_shape(zeros_and_ones.n_features))),
        "",
        "Its output for a few 0s and 1s (output 0.5 or more means 'a 1'):",
        *table(["", "label", "sum z", "output", "says", ""], rows),
        "",
        f"On all {n} 0s and 1s, with no training at all: {round(score * n)} right, "
        f"accuracy {percent(score)}.",
    ]
    explanation = (
        "Can a single neuron tell a 0 from a 1? Choose its weights by hand. A 1 is a "
        "stroke down the middle; a 0 is a ring, with a hole in the middle and its ink out "
        "towards the edges. So give the pixels in the middle (the two centre columns) "
        "weight +1 and every other pixel weight -1. A 1 puts its ink on the + pixels and "
        "gets a large positive sum, so "
        "the sigmoid says nearly 1; a 0 puts its ink on the - pixels, gets a negative "
        "sum, and the sigmoid says nearly 0.\n\nNobody trained this network. Its knowledge "
        "is a person's idea, written as weights, and it is already right more than nine "
        "times in ten."
    )
    return TourStep(
        number=3,
        title="A network weighted by hand: 0 or 1?",
        explanation=explanation,
        lines=lines,
        numbers={"accuracy": score, "n_images": n, "examples": examples.tolist(),
                 "example_labels": zeros_and_ones.y[examples].tolist(),
                 "example_outputs": outputs.tolist(), "example_guesses": guesses.tolist()},
        figures={"examples": lambda: _plots().digits_grid(zeros_and_ones, len(examples),
                                                          indices=examples)},
        objects={"network": network, "data": zeros_and_ones},
    )


# ============================================================================ step 4
def step_4_inverse_and_guess(data: Dataset | None = None) -> TourStep:
    """The inverse weights give the inverse answer; two outputs side by side make a guess.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``); only its
        0s and 1s are used.

    Returns
    -------
    TourStep
        ``numbers``: ``accuracy`` (step 3's neuron), ``inverse_accuracy`` (the negated
        weights, read as "is it a 1?"), ``two_output_accuracy``; for the step 3
        examples, ``example_outputs``, ``example_inverse_outputs``,
        ``example_two_outputs`` (8, 2) and ``example_guesses``.
    """
    zeros_and_ones = _digits(data).subset([0, 1])
    original = hand_weighted_network(zeros_and_ones.n_features)
    inverse = hand_weighted_network(zeros_and_ones.n_features, inverse=True)
    both = two_output_network(zeros_and_ones.n_features)
    examples = _examples(zeros_and_ones)
    X = zeros_and_ones.X[examples]
    original_outputs = original.forward(X)[:, 0]
    inverse_outputs = inverse.forward(X)[:, 0]
    two_outputs = both.forward(X)  # (8, 2): "is it a 0?", "is it a 1?"
    guesses = both.predict(X)
    original_accuracy = accuracy(original, zeros_and_ones)
    inverse_accuracy = accuracy(inverse, zeros_and_ones)
    two_output_accuracy = accuracy(both, zeros_and_ones)
    rows = [
        [f"image {i}", label, f"{a:.3f}", f"{b:.3f}", f"{pair[0]:.3f}", f"{pair[1]:.3f}", guess]
        for i, label, a, b, pair, guess in zip(
            examples, zeros_and_ones.y[examples], original_outputs, inverse_outputs,
            two_outputs, guesses, strict=True)
    ]
    lines = [
        *table(["", "label", "'a 1?'", "inverse", "out 0", "out 1", "guess"], rows),
        "",
        f"'is it a 1?' (step 3) is right on      {percent(original_accuracy)} of the 0s and 1s;",
        f"the inverse weights, read the same way, {percent(inverse_accuracy)}: the inverse answer.",
        f"Two outputs, the larger wins:           {percent(two_output_accuracy)}.",
    ]
    explanation = (
        "Flip the sign of every weight (and of the bias) and the neuron answers the "
        "opposite question: its sum changes sign, and the sigmoid of -z is 1 minus the "
        "sigmoid of z. Where the first neuron said nearly 1 ('a 1'), the inverse says "
        "nearly 0. Read as 'is it a 1?' it is now almost always wrong; read as 'is it a 0?' it is "
        "almost always right.\n\nPut the two neurons side by side as two output neurons, one "
        "for each digit, and let the network guess: the output neuron with the larger value "
        "wins. That is how every classifier in this tour answers. Each connection has its "
        "own weight, so the same 64 pixels can mean different things to different neurons."
    )
    return TourStep(
        number=4,
        title="Inverse weights, and two outputs that make a guess",
        explanation=explanation,
        lines=lines,
        numbers={"accuracy": original_accuracy, "inverse_accuracy": inverse_accuracy,
                 "two_output_accuracy": two_output_accuracy,
                 "example_outputs": original_outputs.tolist(),
                 "example_inverse_outputs": inverse_outputs.tolist(),
                 "example_two_outputs": two_outputs.tolist(),
                 "example_labels": zeros_and_ones.y[examples].tolist(),
                 "example_guesses": guesses.tolist()},
        figures={"two-output-weights": lambda: _plots().hidden_weights(both)},
        objects={"network": original, "inverse_network": inverse, "two_output_network": both,
                 "data": zeros_and_ones},
    )


# ============================================================================ step 5
def step_5_loss(data: Dataset | None = None, seed: int = 0) -> TourStep:
    """The loss of one image and of all images; and minimising the loss of one image.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``).
    seed : int
        Seeds the starting weights of the network trained on a single image.

    Returns
    -------
    TourStep
        ``numbers``: ``image_squares`` and ``image_loss`` (one image through the
        two-output network), ``total_loss`` and ``mean_loss`` (every 0 and 1);
        ``single_image_label``, ``single_image_loss_before`` / ``_after``,
        ``single_image_answers`` ({answer: count} over every digit) and
        ``single_image_accuracy``.
    """
    digits = _digits(data)
    zeros_and_ones = digits.subset([0, 1])
    both = two_output_network(zeros_and_ones.n_features)
    first = int(np.flatnonzero(zeros_and_ones.y == 0)[0])
    label = zeros_and_ones.y[first]
    one = image_loss(both, zeros_and_ones.X[first], label)
    everything = data_loss(both, zeros_and_ones)

    # Minimise the loss of one image only: a 3, with ten sigmoid output neurons.
    chosen = int(np.flatnonzero(digits.y == 3)[0]) if 3 in digits.classes else 0
    single = train_on_one_image(digits, chosen, seed=seed, epochs=SINGLE_IMAGE_EPOCHS)
    answered = {answer: count for answer, count in single.answer_counts.items() if count}
    answer_text = ", ".join(f"{answer}: {count}" for answer, count in answered.items())
    lines = [
        f"One image: image {first} of the 0s and 1s, a {label}, through the two-output network:",
        *table(["output neuron", "observed", "ideal", "(observed - ideal)^2"], [
            [f"'{cls}'", f"{o:.4f}", f"{i:g}", f"{s:.6f}"]
            for cls, o, i, s in zip(both.classes, one.observed, one.ideal, one.squares,
                                    strict=True)
        ]),
        f"its loss (the sum) = {one.squares.sum():.6f}",
        "",
        f"All {everything.n_images} images: the sum of their losses is {everything.total:.4f} "
        f"(per image, {everything.mean:.6f}).",
        "",
        f"Now minimise the loss of ONE image, image {chosen} (a {single.label}), with ten "
        f"output neurons,",
        f"{single.history.epochs} hops downhill: its loss goes from {single.loss_before:.4f} to "
        f"{single.loss_after:.6f}.",
        f"Asked about all {digits.n_samples} images, it answers ({answer_text}),",
        f"so it gets {percent(single.evaluation.accuracy)} right: only the "
        f"{single.label}s.",
    ]
    explanation = (
        "To learn, a network needs to know how wrong it is. For one image the ideal output "
        "is 1 on the neuron of the right digit and 0 on the others; the loss adds up "
        "(observed - ideal)^2 over the output neurons. It is 0 only for a perfect answer. "
        "The loss of the network is that sum again over every training image (glassnet "
        "reports the average per image, the same thing divided by their number).\n\nWhy "
        "every image? Minimise the loss of a single image and you get a network that has "
        "learnt one thing only: whatever you show it, it answers that image's digit."
    )
    return TourStep(
        number=5,
        title="The loss: how wrong is the network?",
        explanation=explanation,
        lines=lines,
        numbers={"image_loss": one.loss, "image_squares": one.squares.tolist(),
                 "mean_loss": everything.mean, "total_loss": everything.total,
                 "single_image_label": single.label,
                 "single_image_loss_before": single.loss_before,
                 "single_image_loss_after": single.loss_after,
                 "single_image_answers": answered,
                 "single_image_accuracy": single.evaluation.accuracy},
        figures={"single-image-confusion": lambda: _plots().confusion(single.evaluation)},
        objects={"two_output_network": both, "single_image_network": single.network,
                 "single_image_history": single.history, "data": digits},
    )


# ============================================================================ step 6
#: The weight step 6 studies: the one from the centre pixel (row 3, column 3).
STUDIED_PIXEL = 27
#: How many hops step 6 takes with SlopeDescent.
SLOPE_HOPS = 5


def step_6_one_weight_at_a_time(data: Dataset | None = None, seed: int = 0) -> TourStep:
    """The slope of the loss for one weight, hops downhill, and backpropagation's slopes.

    A 0-or-1 neuron with random weights and the article's squared-error loss: the loss
    as the weight of pixel ``STUDIED_PIXEL`` varies, its slope measured by nudging and
    by backpropagation, ``SLOPE_HOPS`` epochs of ``SlopeDescent`` (through
    ``glassnet.train``), and ``glassnet.gradcheck`` over every weight afterwards.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``); only its
        0s and 1s are used.
    seed : int
        Seeds the random starting weights.

    Returns
    -------
    TourStep
        ``numbers``: ``weight``, ``weight_values`` and ``losses`` (the curve), ``slope``
        and ``backprop_slope``, ``hop_losses`` and ``hop_accuracies`` (before the
        first hop, then after each), ``gradcheck_worst``.
    """
    zeros_and_ones = _digits(data).subset([0, 1])
    network = Network([zeros_and_ones.n_features, 1], output="sigmoid", seed=seed,
                      classes=[0, 1])
    X, y = zeros_and_ones.X, zeros_and_ones.y
    Y = network.targets(y)
    W = network.layers[0].W  # (64, 1), the live array

    def loss_now() -> float:
        return network.objective(X, Y, "squared_error")

    index = (STUDIED_PIXEL, 0)
    start = float(W[index])
    weight_values = start + np.linspace(-4.0, 4.0, 17)
    losses = []
    for value in weight_values:
        W[index] = value
        losses.append(loss_now())
    W[index] = start
    slope = numerical_slope(loss_now, W, index)
    _, gradients = network.backward(X, Y, "squared_error")
    backprop_slope = float(gradients[0][index])

    loss_before = loss_now()
    accuracy_before = accuracy(network, zeros_and_ones)
    start_network = network.copy()
    history = train(network, zeros_and_ones, loss="squared_error",
                    optimizer=SlopeDescent(learning_rate=0.5), epochs=SLOPE_HOPS,
                    batch_size=zeros_and_ones.n_samples, validation_fraction=0,
                    input_noise=0, nudge_pixels=0, average_from=None, seed=seed)
    hop_losses = [loss_before, *history.train_loss]

    # Backpropagation: every slope at once, checked against the slow way.
    _, gradients = network.backward(X, Y, "squared_error")
    W = network.layers[0].W
    checked = [STUDIED_PIXEL, 20, 35, 44, 60]
    slope_rows = []
    for pixel in checked:
        measured = numerical_slope(loss_now, W, (pixel, 0))
        by_backprop = float(gradients[0][pixel, 0])
        slope_rows.append([f"weight of pixel {pixel}", f"{measured:+.8f}", f"{by_backprop:+.8f}",
                           f"{float(relative_error(measured, by_backprop)):.1e}"])
    worst = gradcheck(network, X, y, "squared_error")

    direction = "down" if slope < 0 else "up"
    lines = [
        f"A 0-or-1 neuron with random weights. Its loss on the {zeros_and_ones.n_samples} 0s "
        "and 1s",
        f"as the weight of pixel {STUDIED_PIXEL} (near the centre) varies:",
        *table(["weight", "loss"], [[f"{w:+.2f}" + ("  <- now" if w == start else ""),
                                     f"{v:.5f}"] for w, v in zip(weight_values, losses,
                                                                 strict=True)]),
        f"Its slope at {start:+.3f}: {slope:+.6f} (nudge it up and the loss goes {direction});",
        f"backpropagation's slope for it: {backprop_slope:+.6f}.",
        "",
        f"Hops downhill with SlopeDescent, every weight one at a time, {SLOPE_HOPS} times:",
        *table(["hop", "loss", "accuracy"], [
            [hop, f"{loss:.5f}", percent(acc)] for hop, loss, acc in zip(
                range(len(hop_losses)), hop_losses, [accuracy_before, *history.train_accuracy],
                strict=True)
        ]),
        "",
        "After the hops, the slow slope (nudge one weight) against backpropagation:",
        *table(["", "nudged", "backprop", "rel. error"], slope_rows),
        f"Over all {network.n_parameters - 1} weights and the bias, the nudged slopes and",
        f"backpropagation's differ by {worst:.1e} (relative).",
    ]
    explanation = (
        "How to make the loss smaller? Take one weight. Nudge it a little up and a little "
        "down and see how the loss changes: that is the slope of the loss for that weight. "
        "If the slope is positive, the loss falls when the weight shrinks, so hop down, by "
        "an amount that grows with the slope; when a hop overshoots the bottom (the slope "
        "changes sign), take smaller hops. Do it for every weight, and repeat. That is "
        "SlopeDescent, and it works, but it needs two passes over the data per weight.\n\n"
        "Backpropagation gets the slope of every weight at once, in one backward pass, with "
        "the chain rule. It gives the same slopes as nudging (the table below shows them "
        "agreeing to seven digits or more), and it "
        "is what trains every network from here on."
    )
    return TourStep(
        number=6,
        title="One weight at a time: the slope, and hops downhill",
        explanation=explanation,
        lines=lines,
        numbers={"weight": start, "weight_values": weight_values.tolist(), "losses": losses,
                 "slope": slope, "backprop_slope": backprop_slope, "hop_losses": hop_losses,
                 "hop_accuracies": [accuracy_before, *history.train_accuracy],
                 "gradcheck_worst": worst},
        figures={
            "loss-slope": lambda: _plots().loss_slope(
                start_network, zeros_and_ones, loss="squared_error", index=index,
                span=float(np.ptp(weight_values)) / 2),
            "hops": lambda: _plots().training_curves(history),
        },
        objects={"network": network, "start_network": start_network, "history": history,
                 "data": zeros_and_ones},
    )


# ============================================================================ steps 7-9
def train_tour_network(
    hidden: Sequence[int] = (), data: Dataset | None = None, settings: RunSettings | None = None
) -> RunResult:
    """Train and test one network of the tour with ``glassnet.app.experiment.run``."""
    settings = (settings or TOUR_SETTINGS).replace(hidden=list(hidden))
    return run(settings, _digits(data), catch_interrupt=False)


def _describe_settings(result: RunResult) -> str:
    """How a tour network was trained, in a few words (nudges as training resolved them)."""
    settings, nudges = result.settings, result.history.config["nudge_pixels"]
    return (f"{settings.optimizer.upper()} (momentum {settings.momentum:g}), "
            f"{settings.epochs} epochs, noise {settings.input_noise:g}"
            + (f", nudges {nudges:g}" if nudges else ""))


def _per_digit_lines(per_class: dict[Any, float], per_line: int = 5) -> list[str]:
    items = [f"{label}: {percent(value):>6}" for label, value in per_class.items()]
    return ["  " + "   ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]


def step_7_ten_outputs(data: Dataset | None = None) -> TourStep:
    """Ten output neurons, one per digit, trained on the training images, tested on new ones.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``).

    Returns
    -------
    TourStep
        ``numbers``: ``test_accuracy``, ``train_accuracy``, ``per_class_accuracy``,
        ``sizes``; ``objects["result"]`` is the ``RunResult``.
    """
    result = train_tour_network((), data)
    n_train = len(result.train_evaluation.y_true)
    n_test = len(result.test_evaluation.y_true)
    per_class = result.test_evaluation.per_class_accuracy
    lines = [
        f"A {'-'.join(map(str, result.network.sizes))} network: ten output neurons, "
        f"{result.network.n_parameters} weights and biases.",
        f"Trained on {n_train} images with {_describe_settings(result)}.",
        "",
        f"accuracy on the training images:      {percent(result.train_accuracy)}",
        f"accuracy on {n_test} test images never seen: {percent(result.test_accuracy)}",
        "",
        "per digit on the test images:",
        *_per_digit_lines(per_class),
    ]
    explanation = (
        "Ten digits need ten output neurons, one per digit, each connected to all 64 "
        "pixels by its own weights: 650 numbers. Nobody could choose them by hand, so "
        "the network learns them, walking downhill on the loss of the training images "
        "with the slopes backpropagation gives. (It uses the practical choices: a softmax "
        "output, the cross-entropy loss, batches and momentum.)\n\nThe score that counts is "
        "on test images the network never saw while learning. With no hidden layer, more "
        "than nine digits in ten come out right."
    )
    return TourStep(
        number=7,
        title="Ten output neurons, trained",
        explanation=explanation,
        lines=lines,
        numbers={"test_accuracy": result.test_accuracy, "train_accuracy": result.train_accuracy,
                 "per_class_accuracy": per_class, "sizes": list(result.network.sizes)},
        figures={
            "output-weights": lambda: _plots().hidden_weights(result.network),
            "curves": lambda: _plots().training_curves(result.history),
            "confusion": lambda: _plots().confusion(result.test_evaluation),
        },
        objects={"result": result, "network": result.network},
    )


#: The hidden layer step 8 adds.
TOUR_HIDDEN = (32,)


def step_8_hidden_layer(data: Dataset | None = None) -> TourStep:
    """A hidden layer between input and output; its neurons' weights drawn as pictures.

    Parameters
    ----------
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``).

    Returns
    -------
    TourStep
        ``numbers``: ``test_accuracy`` with the hidden layer ``TOUR_HIDDEN``,
        ``no_hidden_test_accuracy`` without one (same settings), ``train_accuracy``,
        ``sizes``.
    """
    data = _digits(data)
    without = train_tour_network((), data)
    result = train_tour_network(TOUR_HIDDEN, data)
    network = result.network
    first = network.layers[0].W  # (64, 32): column j is hidden neuron j's 64 weights
    strongest = np.argsort(-np.abs(first).sum(axis=0))[:3]
    pictures = [
        [f"hidden neuron {j}",
         *framed(_signed_rows(first[:, j].reshape(square_shape(first.shape[0]))))]
        for j in strongest
    ]
    lines = [
        f"A {'-'.join(map(str, network.sizes))} network, {network.n_parameters} weights "
        f"and biases, the same training.",
        f"accuracy on the test images: {percent(result.test_accuracy)} "
        f"(without the hidden layer: {percent(without.test_accuracy)})",
        "",
        "The weights of three hidden neurons as 8x8 pictures (+ and # positive, - and = "
        "negative):",
        *side_by_side(pictures),
    ]
    explanation = (
        "Between the inputs and the outputs, put a layer of hidden neurons. Each one "
        "computes a weighted sum of the 64 pixels, as before, and the ten output neurons "
        "now look at the hidden neurons instead of the pixels. Nobody tells the hidden "
        "neurons what to look for; training shapes them so that the outputs do well.\n\n"
        "Draw a hidden neuron's 64 weights as an 8x8 picture and you see what it looks for: "
        "strokes, curves and blobs, the parts digits are made of. Built from parts, the "
        "network recognises more digits it has never seen than one that matches whole "
        "pixels."
    )
    return TourStep(
        number=8,
        title="A hidden layer",
        explanation=explanation,
        lines=lines,
        numbers={"test_accuracy": result.test_accuracy,
                 "no_hidden_test_accuracy": without.test_accuracy,
                 "train_accuracy": result.train_accuracy, "sizes": list(network.sizes)},
        figures={
            "hidden-weights": lambda: _plots().hidden_weights(network, data, max_neurons=15),
            "curves": lambda: _plots().training_curves(result.history),
        },
        objects={"result": result, "network": network, "no_hidden_result": without},
    )


def _signed_rows(weights: NDArray[np.floating]) -> list[str]:
    """Weights (h, w) as characters: strongly negative '=', negative '-', positive '+', '#'."""
    scale = float(np.abs(weights).max()) or 1.0
    rows = []
    for row in weights / scale:
        cells = []
        for value in row:
            if value > 0.5:
                cells.append("##")
            elif value > 0.15:
                cells.append("++")
            elif value < -0.5:
                cells.append("==")
            elif value < -0.15:
                cells.append("--")
            else:
                cells.append("  ")
        rows.append("".join(cells))
    return rows


def step_9_tweak_retrain_retest(
    db_path: str | os.PathLike[str] | None = None,
    data: Dataset | None = None,
    hidden_sizes: Sequence[Sequence[int]] = TOUR_HIDDEN_SIZES,
) -> TourStep:
    """Tweak the hidden layers, retrain, retest: a table, recorded in the runs database.

    Parameters
    ----------
    db_path : path, optional
        The runs database to record every run in (source "tour"). None records nothing.
    data : Dataset, optional
        The digits (default: the built-in UCI digits, ``load_digits()``).
    hidden_sizes : sequence of sequences of int
        The hidden layers to compare; () is none.

    Returns
    -------
    TourStep
        ``numbers``: ``rows`` (one dict per run: ``hidden``, ``parameters``,
        ``train_accuracy``, ``test_accuracy``, ``run_id``), ``run_ids``,
        ``best_hidden``.

    Raises
    ------
    RunsDatabaseError
        If the database cannot be opened or written.
    """
    data = _digits(data)
    results = [train_tour_network(hidden, data) for hidden in hidden_sizes]
    run_ids: list[int | None] = [None] * len(results)
    if db_path is not None:
        from .app.recording import RunRecord, record_run
        from .store.runs import RunsDatabase

        with RunsDatabase(db_path) as database:
            run_ids = [record_run(database, RunRecord.of(result), source="tour")
                       for result in results]
    rows = [
        {"hidden": format_hidden(result.settings.hidden),
         "parameters": result.network.n_parameters,
         "train_accuracy": result.train_accuracy, "test_accuracy": result.test_accuracy,
         "run_id": run_id}
        for result, run_id in zip(results, run_ids, strict=True)
    ]
    best = max(rows, key=lambda row: row["test_accuracy"])
    lines = [
        *table(["hidden layer", "weights", "train acc", "test acc", "run"], [
            [row["hidden"], row["parameters"], percent(row["train_accuracy"]),
             percent(row["test_accuracy"]), "-" if row["run_id"] is None else f"#{row['run_id']}"]
            for row in rows
        ]),
        "",
        f"Best on the test images: hidden layer {best['hidden']}, "
        f"{percent(best['test_accuracy'])}.",
        *([f"Recorded in the runs database {db_path}; compare them with",
           f"  glassnet runs compare {' '.join(str(i) for i in run_ids)}{db_hint(db_path)}"]
          if db_path is not None else ["Not recorded (no runs database given)."]),
    ]
    explanation = (
        "There is no formula for the best network: you tweak a setting, retrain, retest "
        "on the images kept aside, and compare. Here the setting is the hidden layer, from "
        "none to 64 neurons, everything else the same (same data, same split, same seed).\n\n"
        "Each run is recorded in the runs database, with its settings and scores, so that "
        "next week you can still tell which change helped. Try your own with "
        "'glassnet train --hidden 64,32', then 'glassnet runs'."
    )
    return TourStep(
        number=9,
        title="Tweak, retrain, retest",
        explanation=explanation,
        lines=lines,
        numbers={"rows": rows, "run_ids": run_ids, "best_hidden": best["hidden"]},
        figures={"best-curves": lambda: _plots().training_curves(
            results[rows.index(best)].history)},
        objects={"results": results},
    )


# ============================================================================ running
#: The steps, in order: ``STEPS[n - 1]`` is step n.
STEPS: tuple[Callable[..., TourStep], ...] = (
    step_1_digit_as_numbers,
    step_2_one_neuron,
    step_3_hand_weighted,
    step_4_inverse_and_guess,
    step_5_loss,
    step_6_one_weight_at_a_time,
    step_7_ten_outputs,
    step_8_hidden_layer,
    step_9_tweak_retrain_retest,
)


def check_step_number(number: Any) -> int:
    """Return ``number`` as a step number, or raise ConfigError naming the valid ones."""
    if isinstance(number, bool) or not isinstance(number, int | np.integer) or not (
        1 <= number <= len(STEPS)
    ):
        raise ConfigError(f"there is no step {shown(number)}; the tour has steps 1 to {len(STEPS)}")
    return int(number)


def run_step(
    number: int,
    *,
    data: Dataset | None = None,
    db_path: str | os.PathLike[str] | None = None,
) -> TourStep:
    """Run step ``number`` (1 to 9). ``db_path`` is where step 9 records its runs.

    Raises
    ------
    ConfigError
        If there is no such step.
    """
    function = STEPS[check_step_number(number) - 1]
    if function is step_9_tweak_retrain_retest:
        return function(db_path, data)
    return function(data)


def save_figures(step: TourStep, directory: str | os.PathLike[str]) -> list[Path]:
    """Draw the step's pictures and write them as PNG files, ``step-N-NAME.png``.

    Returns the paths written. Each file is written atomically (``plots.save_figure``).
    """
    plots = _plots()
    folder = writable_folder(directory, what="the tour's pictures")
    written = []
    for name, make in step.figures.items():
        figure = make()
        path = folder / f"step-{step.number}-{name}.png"
        written.append(plots.save_figure(figure, path))
    return written


__all__ = [
    "FIRST_IMAGE",
    "HAND_BIAS",
    "STEPS",
    "TOUR_HIDDEN",
    "TOUR_HIDDEN_SIZES",
    "TOUR_SETTINGS",
    "TourStep",
    "check_step_number",
    "hand_weighted_network",
    "hand_weights",
    "run_step",
    "save_figures",
    "step_1_digit_as_numbers",
    "step_2_one_neuron",
    "step_3_hand_weighted",
    "step_4_inverse_and_guess",
    "step_5_loss",
    "step_6_one_weight_at_a_time",
    "step_7_ten_outputs",
    "step_8_hidden_layer",
    "step_9_tweak_retrain_retest",
    "train_tour_network",
    "two_output_network",
]
