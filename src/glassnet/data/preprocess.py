"""Preparing a drawing or a photo the way the training digits were prepared.

A network only knows the kind of numbers it was trained on. The UCI digits were
made in a precise way: each handwritten digit was scanned into black and white
pixels, cut out along the edges of its ink, scaled so that its longer side fills a
32x32 box (keeping its proportions), centred in that box, and then every 4x4 block
of the 32x32 bitmap was summarised by how many of its 16 pixels hold ink. Divided
by 16, those 64 counts are the numbers the network sees: 0 is white, 1 is black.

A digit drawn with a mouse, or photographed on paper, arrives quite differently:
any size, anywhere in the picture, dark ink on white paper or white chalk on a
blackboard, perhaps with a transparent background. Feed its raw pixels to the
network and it will guess badly, not because it has not learnt digits but because
it is being shown something it has never seen. The classic demo bug. So this module
repeats the UCI recipe, step by step:

1. **Ink high.** Turn the picture into an *ink map*: 0 where there is paper, up to
   1 where there is ink. Which pixels are ink is decided by the ``ink`` parameter
   (below), or, by default for pictures, by looking at the border, which is
   assumed to be paper.
2. **Crop** to the bounding box of the ink (pixels with at least half the strongest
   ink), so position no longer matters.
3. **Scale** the longer side to 32 pixels, keeping the aspect ratio, so size no
   longer matters. Each new pixel averages the old pixels it covers (area
   resampling, done with two small matrix products in NumPy).
4. **Centre** the scaled ink in a 32x32 box. A person centres the ink's bounding
   box; MNIST centred the ink's centre of mass (its average position). The UCI
   digits sit in between, so glassnet puts the point halfway between the two in
   the middle of the box (as near as the box allows). Measured on UCI digits
   redrawn large and prepared again, this matches what the network was trained on
   better than either rule alone (see tests/test_preprocess.py).
5. **Binarise**: a pixel is ink (1) when it holds at least half of the strongest
   ink left after scaling, paper (0) otherwise.
6. **Count** the ink in each 4x4 block (0..16) and **divide by 16**.

What ``ink`` means
------------------
Pictures decoded from files are *luminance*: 0 is black, 1 is white. Arrays drawn
in the explorer are *ink amounts*: 0 is no ink, 1 is full ink. ``prepare_image``
takes an ``ink`` argument that says how to read the values:

========  ==========================================================================
``ink``   meaning
========  ==========================================================================
"high"    high values are ink: an ink-amount array (the explorer canvas), or light
          strokes on a dark background. The default for 2-D arrays.
"low"     low values are ink: dark ink on light paper.
"auto"    decide from the picture: the border is taken to be the paper, and ink is
          whatever differs most from it, darker or lighter. The paper's own level is
          subtracted, so grey paper in a photo is still paper. The default for
          Pillow images and for colour (3-D) arrays.
========  ==========================================================================

Transparency: transparent pixels never hold ink. With ``ink="auto"`` on
transparent paper (a border that is mostly transparent: the usual canvas export,
strokes on nothing), how opaque a pixel is *is* its ink, whatever its colour.
Otherwise the colour decides as above, and the opacity scales it.

Untrusted files are decoded carefully: only PNG, JPEG, GIF and BMP, at most
:data:`MAX_IMAGE_BYTES` bytes and :data:`MAX_IMAGE_PIXELS` pixels, both checked
before a single pixel is decoded (Pillow reads only the header to learn the size),
so a small file that claims to be 100000x100000 pixels (a "decompression bomb")
is refused instead of filling the memory.

Pillow is imported only inside the functions that decode files, so
``import glassnet`` stays light and preparing an array needs NumPy alone.
"""

from __future__ import annotations

import io
import math
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import DataError, shown

if TYPE_CHECKING:
    from PIL.Image import Image as PillowImage

BOX_SIZE = 32
"""The side of the square box a digit is fitted into (the UCI bitmaps are 32x32)."""

BLOCK_SIZE = 4
"""The side of the blocks whose ink is counted: 32 / 4 = 8 blocks per side."""

GRID_SIZE = BOX_SIZE // BLOCK_SIZE
"""The side of the prepared picture: 8, so 64 numbers."""

MAX_COUNT = BLOCK_SIZE * BLOCK_SIZE
"""The largest ink count of a block: 16 pixels, all inked."""

INK_THRESHOLD = 0.5
"""A pixel is ink when it holds at least this fraction of the strongest ink."""

MIN_INK_CONTRAST = 0.1
"""The strongest ink must stand at least this far above the paper (on a 0..1 scale).

Below it the picture is blank, or so faint that any "digit" found would be noise.
"""

MAX_IMAGE_BYTES = 16 * 1024 * 1024
"""The largest encoded picture accepted: 16 MiB, enough for any phone photo."""

MAX_IMAGE_PIXELS = 4096 * 4096
"""The most pixels (width x height) a picture may have: about 16.8 million.

Checked from the header, before decoding. A 12-megapixel phone photo (4032x3024)
fits; a file claiming more is refused, whatever its size on disk.
"""

WORKING_SIDE = 2048
"""Larger pictures are shrunk (by a whole factor) to about this side before preparing.

The result is 32x32, so nothing is lost but time and memory.
"""

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP")
"""The picture formats accepted from files and bytes (as Pillow names them)."""

InkMode = Literal["high", "low", "auto"]
INK_MODES: dict[str, str] = {
    "high": "high values are ink (ink amounts, or light strokes on a dark background)",
    "low": "low values are ink (dark ink on light paper)",
    "auto": "the border is paper; ink is whatever differs most from it",
}
"""The values of the ``ink`` parameter, with what each means."""

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Prepared:
    """A picture after the UCI preparation, with every intermediate worth showing.

    The explorer shows the user ``box32`` and ``counts``, so they can see exactly
    what the network is given, and why a careless drawing may be misread.

    Attributes
    ----------
    box32 : ndarray, shape (32, 32), float64
        The binarised digit, cropped, scaled and centred: 1 is ink, 0 is paper.
    counts : ndarray, shape (8, 8), int64
        How many of the 16 pixels of each 4x4 block of ``box32`` hold ink, 0..16.
    x : ndarray, shape (64,), float64
        ``counts / 16`` read row after row: the 64 numbers for the input neurons.
    ink_bounds : tuple of int
        ``(top, left, bottom, right)`` of the ink in the (possibly shrunk) picture
        it was found in; bottom and right are exclusive.
    """

    box32: Array
    counts: NDArray[np.int64]
    x: Array
    ink_bounds: tuple[int, int, int, int]


# -- the public entry points ---------------------------------------------------------


def prepare_image(image: PillowImage | ArrayLike, *, ink: InkMode | None = None) -> Prepared:
    """Prepare a picture or an array exactly like the UCI training digits.

    Parameters
    ----------
    image : PIL.Image.Image or array_like
        A Pillow image (any mode: greyscale, RGB, RGBA, palette, ...), or an array:
        2-D (height, width) of ink amounts or grey levels, or 3-D (height, width, c)
        with c = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA). Float arrays hold
        values in 0..1; uint8 arrays 0..255; uint16 arrays 0..65535; booleans and
        other integer arrays 0 or 1. Any size up to :data:`MAX_IMAGE_PIXELS`.
    ink : {"high", "low", "auto"}, optional
        Which values are ink (see the module docstring). Default: "high" for 2-D
        arrays (the explorer's canvas of ink amounts), "auto" for Pillow images and
        3-D arrays.

    Returns
    -------
    Prepared
        ``box32`` (32, 32), ``counts`` (8, 8) and ``x`` (64,).

    Raises
    ------
    DataError
        If the array has the wrong number of dimensions or channels, non-finite
        values or values out of range, too many pixels, or no ink at all
        ("no ink found").

    Examples
    --------
    >>> canvas = np.zeros((200, 200))
    >>> canvas[40:160, 85:115] = 1.0  # a thick vertical bar, 4 times as tall as wide
    >>> int(prepare_image(canvas).counts[:, 3:5].min())
    16
    """
    if _is_pillow_image(image):
        mode = _checked_mode(ink, default="auto")
        grey, alpha = _pillow_to_arrays(image)
    else:
        values = _as_array(image)
        mode = _checked_mode(ink, default="high" if values.ndim == 2 else "auto")
        grey, alpha = _split_channels(values)
    return _prepare_ink_map(_ink_map(grey, alpha, mode))


def prepare_image_bytes(data: bytes, *, ink: InkMode = "auto") -> Prepared:
    """Decode an encoded picture (PNG, JPEG, GIF or BMP) and prepare it.

    The size limits are checked before decoding: first the number of bytes, then
    the width and height that the header announces.

    Parameters
    ----------
    data : bytes
        The file's content, at most :data:`MAX_IMAGE_BYTES` bytes.
    ink : {"high", "low", "auto"}
        Which values are ink; "auto" (the default) suits paper, chalkboards and
        transparent canvases alike.

    Returns
    -------
    Prepared

    Raises
    ------
    DataError
        If the data is empty, too large, not one of the accepted formats, claims
        too many pixels, cannot be decoded, or shows no ink.
    """
    return prepare_image(decode_image(data), ink=ink)


def prepare_image_file(path: str | os.PathLike[str], *, ink: InkMode = "auto") -> Array:
    """Read a picture file and return the 64 numbers the network should see.

    This is what :func:`glassnet.data.images.load_image_folder` applies to every file
    of a folder of pictures, and what ``glassnet predict`` does with an image.

    Parameters
    ----------
    path : str or path
        A PNG, JPEG, GIF or BMP file of at most :data:`MAX_IMAGE_BYTES` bytes.
    ink : {"high", "low", "auto"}
        Which values are ink (default "auto").

    Returns
    -------
    ndarray, shape (64,), float64
        The block counts divided by 16, in 0..1.

    Raises
    ------
    DataError
        If the file is missing, unreadable, too large, not an accepted picture, or
        shows no ink. The message starts with the path.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        is_file = file.is_file()
    except FileNotFoundError as error:
        raise DataError(f"{file}: no such file") from error
    except OSError as error:
        raise DataError(f"{file}: cannot read the file ({error.strerror or error})") from error
    if not is_file:
        raise DataError(f"{file}: not a file (expected a PNG, JPEG, GIF or BMP picture)")
    if size > MAX_IMAGE_BYTES:
        raise DataError(f"{file}: {_too_many_bytes(size)}")
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)  # it may have grown since stat
    except OSError as error:
        raise DataError(f"{file}: cannot read the file ({error.strerror or error})") from error
    try:
        return prepare_image_bytes(data, ink=ink).x
    except DataError as error:
        raise DataError(f"{file}: {error}") from error


def decode_image(data: bytes) -> PillowImage:
    """Decode picture bytes with Pillow, safely: formats and sizes checked first.

    Parameters
    ----------
    data : bytes
        A PNG, JPEG, GIF or BMP file's content.

    Returns
    -------
    PIL.Image.Image
        The decoded picture (the first frame of an animated GIF), already loaded and
        turned upright when its EXIF orientation says the camera held it sideways.

    Raises
    ------
    DataError
        If the data is not bytes, is empty or too large, is not an accepted format,
        announces more than :data:`MAX_IMAGE_PIXELS` pixels, or is damaged.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not isinstance(data, bytes | bytearray | memoryview):
        raise DataError(f"picture data must be bytes, got {type(data).__name__}")
    size = len(data)
    if size == 0:
        raise DataError("the picture is empty (0 bytes)")
    if size > MAX_IMAGE_BYTES:
        raise DataError(_too_many_bytes(size))

    accepted = ", ".join(IMAGE_FORMATS)
    with warnings.catch_warnings():
        # Pillow warns about (and beyond twice its own limit refuses) huge pictures
        # while reading the header; either way the picture is refused here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(bytes(data)), formats=list(IMAGE_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise DataError(
                f"the picture is too large: at most {MAX_IMAGE_PIXELS:,} pixels are accepted; "
                "shrink it first"
            ) from error
        except UnidentifiedImageError as error:
            raise DataError(
                f"not a picture glassnet can read; accepted formats: {accepted}"
            ) from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise DataError(f"cannot read the picture ({error})") from error
        if picture.format not in IMAGE_FORMATS:
            raise DataError(
                f"pictures in format {picture.format} are not accepted; use one of {accepted}"
            )
        width, height = picture.size
        if width < 1 or height < 1:
            raise DataError(f"the picture has no pixels ({width}x{height})")
        if width * height > MAX_IMAGE_PIXELS:
            raise DataError(
                f"the picture is too large: {width}x{height} = {width * height:,} pixels, "
                f"at most {MAX_IMAGE_PIXELS:,} are accepted; shrink it first"
            )
        _decode_smaller(picture)
        try:
            picture.load()
            # A phone stores a portrait photo sideways, with a note (EXIF orientation)
            # saying how to turn it; turn it, or a "1" would be read lying down.
            upright = ImageOps.exif_transpose(picture)
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as error:
            raise DataError(f"cannot decode the picture, it may be damaged ({error})") from error
    return upright


# -- from pictures and arrays to an ink map ------------------------------------------


def _is_pillow_image(image: Any) -> bool:
    """True for a Pillow image, without importing Pillow when it is not loaded."""
    pil_image = sys.modules.get("PIL.Image")
    return pil_image is not None and isinstance(image, pil_image.Image)


def _checked_mode(ink: str | None, default: str) -> str:
    if ink is None:
        return default
    if ink not in INK_MODES:
        raise DataError(
            f"unknown ink mode {shown(ink)}; valid modes: "
            + "; ".join(f"{name} ({meaning})" for name, meaning in INK_MODES.items())
        )
    return ink


def _decode_smaller(picture: Any) -> None:
    """Ask a JPEG decoder for a smaller picture when the full size is not needed."""
    longest = max(picture.size)
    if picture.format == "JPEG" and longest > WORKING_SIDE:
        target = tuple(max(1, side * WORKING_SIDE // longest) for side in picture.size)
        picture.draft(picture.mode, target)


def _pillow_to_arrays(picture: Any) -> tuple[Array, Array | None]:
    """A Pillow image as grey levels (h, w) in 0..1 and opacity (h, w) or None."""
    if picture.width * picture.height > MAX_IMAGE_PIXELS:
        raise DataError(
            f"the picture is too large: {picture.width}x{picture.height} pixels, "
            f"at most {MAX_IMAGE_PIXELS} are accepted"
        )
    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        grey = np.asarray(picture, dtype=np.float64)
        top = 1.0 if picture.mode == "F" else 65535.0
        return _shrunk(np.clip(grey / top, 0.0, 1.0)), None
    has_alpha = picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        "transparency" in picture.info
    )
    picture = picture.convert("RGBA").convert("LA") if has_alpha else picture.convert("L")
    factor = math.ceil(max(picture.size) / WORKING_SIDE)
    if factor > 1:
        picture = picture.reduce(factor)
    pixels = np.asarray(picture, dtype=np.float64) / 255.0
    if has_alpha:
        return pixels[..., 0], pixels[..., 1]
    return pixels, None


def _shrunk(values: Array) -> Array:
    """Average whole f x f blocks so that neither side is much beyond WORKING_SIDE.

    The last row and column of blocks may be partial; they average what they hold.
    """
    factor = math.ceil(max(values.shape) / WORKING_SIDE)
    if factor <= 1:
        return values
    starts_down = np.arange(0, values.shape[0], factor)
    starts_across = np.arange(0, values.shape[1], factor)
    sums = np.add.reduceat(np.add.reduceat(values, starts_down, axis=0), starts_across, axis=1)
    heights = np.diff(np.append(starts_down, values.shape[0]))
    widths = np.diff(np.append(starts_across, values.shape[1]))
    return sums / np.outer(heights, widths)


def _as_array(image: Any) -> Array:
    """An array input as float64 in 0..1, shape (h, w) or (h, w, c), checked."""
    try:
        values = np.asarray(image)
    except (ValueError, TypeError) as error:
        raise DataError(f"a picture must be an array of numbers ({error})") from error
    if values.ndim not in (2, 3):
        raise DataError(
            f"a picture must be a 2-D array (height, width) or a 3-D array "
            f"(height, width, channels), got shape {values.shape}"
        )
    if values.ndim == 3 and values.shape[2] not in (1, 2, 3, 4):
        raise DataError(
            f"a 3-D picture needs 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels "
            f"last, got shape {values.shape}"
        )
    height, width = values.shape[:2]
    if height < 1 or width < 1:
        raise DataError(f"the picture has no pixels (shape {values.shape})")
    if height * width > MAX_IMAGE_PIXELS:
        raise DataError(
            f"the picture is too large: {width}x{height} pixels, at most {MAX_IMAGE_PIXELS}"
        )
    kind = values.dtype.kind
    if kind == "b":
        return values.astype(np.float64)
    if values.dtype == np.uint8:
        return values.astype(np.float64) / 255.0
    if values.dtype == np.uint16:
        return values.astype(np.float64) / 65535.0
    if kind not in "iuf":
        raise DataError(f"a picture must hold real numbers, got dtype {values.dtype}")
    numbers = values.astype(np.float64)
    if not np.all(np.isfinite(numbers)):
        raise DataError("the picture holds NaN or infinite values")
    lowest, highest = float(numbers.min()), float(numbers.max())
    if lowest < 0.0 or highest > 1.0:
        raise DataError(
            f"picture values must lie between 0 and 1, got {lowest:g} to {highest:g}; "
            "for 8-bit pictures pass a uint8 array (or divide by 255)"
        )
    return numbers


def _split_channels(values: Array) -> tuple[Array, Array | None]:
    """(h, w) or (h, w, c) values as grey levels (h, w) and opacity (h, w) or None."""
    if values.ndim == 2:
        return _shrunk(values), None
    channels = values.shape[2]
    if channels in (1, 2):
        grey = values[..., 0]
    else:  # ITU-R 601 luma, the weights Pillow uses for "L"
        grey = values[..., :3] @ np.array([0.299, 0.587, 0.114])
    alpha = values[..., -1] if channels in (2, 4) else None
    if alpha is not None:
        alpha = _shrunk(alpha)
    return _shrunk(grey), alpha


def _ink_map(grey: Array, alpha: Array | None, mode: str) -> Array:
    """How much ink each pixel holds, (h, w) in 0..1, from grey levels and opacity.

    Transparent pixels hold no ink. With "auto" on transparent paper (a border that
    is mostly transparent), opacity alone is the ink. Otherwise "high" and "low" read
    the values directly, and "auto" measures each pixel's distance from the paper
    level (the median of the border) in the direction, darker or lighter, in which
    the picture departs from it most.
    """
    transparent = alpha is not None and float(alpha.min()) < 1.0
    if mode == "auto" and transparent and float(np.median(_border(alpha))) < 0.5:
        return alpha  # the paper is transparent: whatever is painted is ink
    if mode == "high":
        ink = grey
    elif mode == "low":
        ink = 1.0 - grey
    else:
        paper = float(np.median(_border(grey)))
        darker, lighter = paper - float(grey.min()), float(grey.max()) - paper
        ink = np.clip(paper - grey if darker >= lighter else grey - paper, 0.0, 1.0)
    if transparent:
        ink = ink * alpha
    return ink


def _border(values: Array) -> Array:
    """The outermost pixels of a picture, (k,): where the paper usually is."""
    if min(values.shape) <= 2:
        return values.ravel()
    return np.concatenate([values[0], values[-1], values[1:-1, 0], values[1:-1, -1]])


# -- from an ink map to the UCI numbers ----------------------------------------------


def _prepare_ink_map(ink: Array) -> Prepared:
    """Crop, scale, centre, binarise and count: the UCI recipe on an ink map (h, w)."""
    strongest = float(ink.max())
    if not strongest >= MIN_INK_CONTRAST:
        raise DataError(
            "no ink found: the picture is blank (or too faint); draw or write a digit "
            "that stands out from the background"
        )
    ink = ink / strongest  # (h, w), the strongest ink is now 1
    inked = ink >= INK_THRESHOLD
    rows = np.flatnonzero(inked.any(axis=1))
    columns = np.flatnonzero(inked.any(axis=0))
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    left, right = int(columns[0]), int(columns[-1]) + 1
    cropped = ink[top:bottom, left:right]  # (h', w')

    height, width = cropped.shape
    scale = BOX_SIZE / max(height, width)
    new_height = min(BOX_SIZE, max(1, round(height * scale)))
    new_width = min(BOX_SIZE, max(1, round(width * scale)))
    scaled = _resample(cropped, new_height, new_width)  # (new_height, new_width)

    row, column = _centring_offsets(scaled)
    box = np.zeros((BOX_SIZE, BOX_SIZE))  # (32, 32)
    box[row : row + new_height, column : column + new_width] = scaled
    box32 = (box >= INK_THRESHOLD * box.max()).astype(np.float64)

    blocks = box32.reshape(GRID_SIZE, BLOCK_SIZE, GRID_SIZE, BLOCK_SIZE)
    counts = blocks.sum(axis=(1, 3)).astype(np.int64)  # (8, 8), 0..16
    x = counts.reshape(-1) / MAX_COUNT  # (64,)
    return Prepared(box32=box32, counts=counts, x=x, ink_bounds=(top, left, bottom, right))


def _centring_offsets(scaled: Array) -> tuple[int, int]:
    """Where to put the scaled ink (h, w) in the box: (top row, left column).

    The point put in the middle of the box is halfway between the middle of the
    ink's bounding box and the ink's centre of mass, rounded to whole pixels, and
    moved back inside when the ink would cross an edge (a digit that fills the
    box's height has only one place to go, vertically).
    """
    total = scaled.sum()
    offsets = []
    for axis, size in enumerate(scaled.shape):
        profile = scaled.sum(axis=1 - axis)  # (size,) ink per row, or per column
        centre_of_mass = float(profile @ (np.arange(size) + 0.5)) / total
        centre = (size / 2 + centre_of_mass) / 2  # the box starts at the first ink
        offsets.append(min(max(round(BOX_SIZE / 2 - centre), 0), BOX_SIZE - size))
    return offsets[0], offsets[1]


def _resample(values: Array, height: int, width: int) -> Array:
    """Resize (h, w) to (height, width): each new pixel averages the old area it covers.

    Shrinking averages (no old pixel is skipped, so thin strokes fade rather than
    vanish); enlarging repeats pixels, blending only where a new pixel straddles
    two old ones. Done one axis at a time by :func:`_resample_axis`.
    """
    return _resample_axis(_resample_axis(values, height, axis=0), width, axis=1)


def _resample_axis(values: Array, new: int, axis: int) -> Array:
    """Area-average ``values`` along ``axis`` from its length to ``new`` pixels.

    With running totals the average over any stretch is quick to get: if
    ``total(p)`` is the amount of ink before position ``p`` (a fractional pixel
    position), new pixel i, which spans ``[edges[i], edges[i + 1])`` in old pixels,
    holds ``(total(edges[i + 1]) - total(edges[i])) / width_of_a_new_pixel``.
    Between whole positions the total grows linearly, so it is interpolated.
    """
    old = values.shape[axis]
    running = np.cumsum(values, axis=axis)
    totals = np.concatenate([np.zeros_like(np.take(running, [0], axis=axis)), running], axis=axis)
    edges = np.arange(new + 1) * (old / new)  # (new + 1,) in old pixels
    whole = np.minimum(edges.astype(np.intp), old - 1)  # the old pixel each edge falls in
    fraction = edges - whole  # how far into it, 0..1
    shape = [1] * values.ndim
    shape[axis] = new + 1
    before = np.take(totals, whole, axis=axis)
    at_edges = before + fraction.reshape(shape) * (np.take(totals, whole + 1, axis=axis) - before)
    return np.diff(at_edges, axis=axis) / (old / new)


def _too_many_bytes(size: int) -> str:
    return (
        f"the picture file is too large: {size} bytes, at most {MAX_IMAGE_BYTES} "
        f"({MAX_IMAGE_BYTES // (1024 * 1024)} MiB) are accepted"
    )


__all__ = [
    "BOX_SIZE",
    "IMAGE_FORMATS",
    "INK_MODES",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "Prepared",
    "decode_image",
    "prepare_image",
    "prepare_image_bytes",
    "prepare_image_file",
]
