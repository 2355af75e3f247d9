"""Draw the example digits in examples/: one handwritten-looking PNG per digit 0-9.

Each digit is a few pen strokes, written here as points on a 100x100 page (the pen
paths a person's hand would follow), drawn with a round pen whose path wobbles a
little, in dark ink on off-white paper, like a digit written with a felt pen and
photographed. The wobble comes from a seeded generator, so running this again draws
the same pictures. They are drawn the way the UCI writers drew (a 1 without a foot,
a narrow leaning 6, strokes as thick as theirs), so the default network reads every
one of them: all ten, for each of the seeds 0 to 9 (tests/test_first_hour.py checks
seed 0). The README's first session predicts them:

    python scripts/make_example_digits.py        # writes examples/digit-0.png ... digit-9.png
    glassnet predict runs/model-1.npz examples/digit-7.png --show
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

Point = tuple[float, float]


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
        steps: int = 24) -> list[Point]:
    """Points along an ellipse from angle ``start`` to ``end`` (degrees; 0 = right, 90 = down)."""
    angles = np.linspace(math.radians(start), math.radians(end), steps)
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


#: Each digit's strokes: a list of pen paths, each a list of points on a 100x100 page.
STROKES: dict[int, list[list[Point]]] = {
    0: [arc(50, 50, 22, 34, -90, 275)],
    1: [[(40, 28), (54, 14), (54, 86)]],  # no foot: few of the UCI writers drew one
    2: [arc(50, 34, 20, 18, 200, 380) + [(30, 84), (74, 84)]],
    3: [arc(48, 32, 19, 16, 200, 450), arc(48, 66, 22, 19, -90, 160)],
    4: [[(60, 14), (26, 62), (76, 62)], [(60, 36), (60, 88)]],
    5: [[(70, 16), (36, 16), (32, 46)] + arc(50, 62, 22, 22, 225, 500)[:-6]],
    6: [[(58, 12), (40, 34)] + arc(48, 66, 17, 19, 200, 560)],  # a narrow 6, leaning
    7: [[(28, 16), (74, 16), (44, 88)], [(40, 52), (66, 52)]],
    8: [arc(50, 31, 15, 16, 90, 450), arc(50, 67, 17, 19, -90, 270)],
    9: [arc(50, 34, 20, 19, 0, 360), [(70, 34), (66, 88)]],
}


def draw_digit(digit: int, rng: np.random.Generator, size: int = 200) -> Image.Image:
    """One digit, drawn with a slightly shaky round pen on off-white paper."""
    scale = size / 100
    picture = Image.new("L", (size, size), 236)
    pen = ImageDraw.Draw(picture)
    width = int(10 * scale)  # a felt pen: the UCI digits' strokes are as thick
    for stroke in STROKES[digit]:
        points = np.array(stroke, dtype=float)
        points += rng.normal(0, 0.8, points.shape)  # the hand is never quite steady
        path = [(float(x * scale), float(y * scale)) for x, y in points]
        pen.line(path, fill=30, width=width, joint="curve")
        for x, y in (path[0], path[-1]):  # round pen ends
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=30)
    return picture


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main(folder: Path = EXAMPLES) -> None:
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(2020)
    for digit in range(10):
        path = folder / f"digit-{digit}.png"
        draw_digit(digit, rng).save(path, optimize=True)
        print(path)


if __name__ == "__main__":
    main()
