"""Model files: a trained network on disk, in a form anyone can open and no one can abuse.

A trained network is nothing but numbers: one weight matrix ``W`` (n_in, n_out) and
one bias vector ``b`` (n_out,) per layer, plus a few words saying how to put them
back together (the layer sizes, the activation names, the class labels). So that is
exactly what a glassnet model file holds, and in the plainest container NumPy has:

- an ``.npz`` file (a zip archive of ``.npy`` arrays, written by ``numpy.savez``,
  uncompressed) with the members ``W0, b0, W1, b1, ...`` and ``meta``;
- ``meta`` is a 0-d unicode array holding a JSON string with a *closed* schema:
  every key is known, every value has a known type, nothing else is allowed.

Why like this? Two reasons.

1. **You can look inside.** ``numpy.load("digits.npz")["W0"]`` is the first layer's
   weights; ``json.loads(str(numpy.load("digits.npz")["meta"]))`` is the description.
   No glassnet needed, no special reader.
2. **A model file must never be able to run code.** Models get downloaded and
   shared. Python's ``pickle`` (which ``joblib`` and ``torch.save`` use) rebuilds
   objects by *calling functions named in the file*, so opening a hostile pickle runs
   the attacker's code. Here nothing is ever unpickled: arrays are read with
   ``allow_pickle=False`` semantics (in fact as raw bytes after checking their
   header), and the description is parsed with ``json.loads``, which can only ever
   produce dicts, lists, strings and numbers.

Loading is paranoid on purpose. ``load`` checks everything *before* it builds a
network: the member names and their declared sizes (read from the zip directory,
before a single array byte is read, so a "zip bomb" cannot fill the memory), each
array's ``.npy`` header (dtype float32/float64 little-endian, the shape the layer
sizes demand, C order), that every number is finite, that the names are in the
registries, and a SHA-256 checksum of the arrays. Whatever goes wrong, and whatever
zipfile, NumPy or json raised about it, the caller sees exactly one
``ModelFormatError`` with a sentence saying what was wrong.

Saving is atomic: the file is written to a temporary name in the same directory,
flushed to disk, then renamed over the target in one step. A crash or a full disk
half-way leaves the previous model file exactly as it was.

``export_json`` writes the same thing as one readable JSON document (weights as
nested lists, floats written with ``repr`` precision so they read back bit for bit),
and ``load_json`` reads it back with the same checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from ..core.activations import ACTIVATIONS
from ..core.checks import LABEL_INT_HIGH, LABEL_INT_LOW
from ..core.json_values import plain
from ..core.network import Network, as_network
from ..errors import (
    ConfigError,
    DataError,
    DescriptionTooLong,
    GlassnetError,
    ModelFormatError,
    shown,
)
from .atomicfile import as_path, write_atomically
from .jsontext import broken_text

#: The ``format`` value every glassnet model file carries.
FORMAT_NAME = "glassnet-model"
#: The version of the layout described here; a reader refuses versions it does not know.
#: Version 2's checksum covers the settings that change predictions too (version 1's
#: covered only the arrays, so an edited activation or class list went unnoticed).
FORMAT_VERSION = 2

#: The metadata fields that change what the network predicts: the checksum covers them.
#: (``training`` and ``glassnet_version`` only describe how the model was made.)
PREDICTION_FIELDS = ("sizes", "activation", "output", "dtype", "classes", "input")

#: How the pixels of a 64-input (8x8 digits) network are scaled; recorded in ``input``.
DIGITS_SCALING = "ink counts 0..16 divided by 16, 0 = white, 1 = black"

# Limits. A legitimate model is far below all of them; a hostile file is stopped by
# them before it can make us allocate or read much. Tests may lower them.
#: Largest ``meta.npy`` member (header included), in bytes. JSON text is stored as
#: UTF-32 (4 bytes a character), so this allows about 250 000 characters of metadata.
MAX_META_BYTES = 1 << 20
#: Largest ``.npy`` header accepted (NumPy's own default limit).
MAX_NPY_HEADER_BYTES = 10_000
#: Largest number of neurons in one layer.
MAX_LAYER_SIZE = 100_000
#: Largest number of layers of weights (``len(sizes) - 1``).
MAX_LAYERS = 100
#: Largest total uncompressed size of all members together (160 MiB: 20 million float64
#: numbers, a 784-3000-3000-10 network). Loading holds about three times the arrays at
#: its peak (the numbers read, and the network built around them while its starting
#: weights are drawn), so no file, however it lies, makes ``load`` take more than
#: about 480 MiB: within the 512 MiB a model file may cost. Checked on the sizes the
#: zip directory and the metadata declare, before anything is inflated.
MAX_TOTAL_BYTES = 160 << 20
#: Largest number of numbers in one array (40 Mi: all of ``MAX_TOTAL_BYTES`` in float32).
MAX_ARRAY_ELEMENTS = MAX_TOTAL_BYTES // 4
#: Largest ratio uncompressed / compressed size for a deflated member. Deflate cannot
#: do better than about 1032:1, so a member claiming more is lying (a zip bomb).
MAX_COMPRESSION_RATIO = 1100
#: Largest JSON model file (``load_json``), in bytes.
MAX_JSON_BYTES = 256 << 20
#: Longest class label / version string accepted in the metadata.
MAX_LABEL_CHARS = 1000
#: The most digits a whole number in a JSON model may have (Python reads at most 4,300).
MAX_JSON_DIGITS = 100

#: How much of an array member is read at a time.
_READ_PIECE_BYTES = 1 << 20

_ARRAY_DTYPES = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8")}
_METADATA_KEYS = frozenset(
    {
        "format",
        "format_version",
        "sizes",
        "activation",
        "output",
        "dtype",
        "classes",
        "input",
        "training",
        "glassnet_version",
        "sha256",
    }
)
_LAYER_KEYS = frozenset({"activation", "weights", "biases"})
_HEX_DIGITS = frozenset("0123456789abcdef")
_ARRAY_MEMBER = re.compile(r"[Wb]([0-9]{1,6})\.npy")

Array = NDArray[np.floating]


# ====================================================================== checksum
def array_names(n_layers: int) -> list[str]:
    """The member names of a network with ``n_layers`` layers of weights, in order.

    >>> array_names(2)
    ['W0', 'b0', 'W1', 'b1']
    """
    return [name for index in range(n_layers) for name in (f"W{index}", f"b{index}")]


def array_checksum(arrays: Sequence[Array]) -> str:
    """The SHA-256 fingerprint of a network's parameter arrays, as 64 hex digits.

    It covers the numbers *and* what they mean (name, dtype, shape), so arrays that
    were swapped, reshaped or re-typed do not match. Precisely: for each array, in the
    order ``W0, b0, W1, b1, ...``, the hash is fed the ASCII line
    ``"{name}\\n{dtype.str}\\n{shape}\\n"`` (``dtype.str`` such as ``<f8``; ``shape``
    as the sizes joined by commas, e.g. ``64,32`` or ``32``), then the array's bytes in
    C order (``array.tobytes()``). Sweeps record it as a run's weight fingerprint; a
    model file's checksum is ``model_checksum``, which begins the same way.

    Parameters
    ----------
    arrays : sequence of ndarray
        ``[W0, b0, W1, b1, ...]``, as stored (little-endian float32 or float64).

    Returns
    -------
    str
        The lowercase hexadecimal SHA-256 digest.
    """
    return _hash_arrays(arrays).hexdigest()


def model_checksum(arrays: Sequence[Array], meta: dict[str, Any]) -> str:
    """The SHA-256 a model file carries: its arrays and every setting that changes predictions.

    The zip format already keeps a CRC-32 per member, which catches a flipped bit on
    a disk. The SHA-256 answers a different question: "is this exactly the network
    that was saved?", even if someone rewrote the archive or edited its JSON. A
    network is its numbers *and* what they mean: the same weights with ``relu``
    edited to ``sigmoid``, or the class labels reversed, predict something else. So
    after the arrays (fed as in ``array_checksum``) the hash is fed ``b"settings\\n"``
    and the ``PREDICTION_FIELDS`` of ``meta`` as compact JSON with sorted keys, in
    ASCII (``json.dumps(fields, sort_keys=True, separators=(",", ":"))``).

    Parameters
    ----------
    arrays : sequence of ndarray
        ``[W0, b0, W1, b1, ...]``, as stored.
    meta : dict
        The metadata; only its ``PREDICTION_FIELDS`` are read.

    Returns
    -------
    str
        The lowercase hexadecimal SHA-256 digest.
    """
    digest = _hash_arrays(arrays)
    fields = {name: meta.get(name) for name in PREDICTION_FIELDS}
    digest.update(b"settings\n")
    digest.update(json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("ascii"))
    return digest.hexdigest()


def _hash_arrays(arrays: Sequence[Array]) -> Any:
    digest = hashlib.sha256()
    for name, array in zip(array_names(len(arrays) // 2), arrays, strict=True):
        array = np.ascontiguousarray(array)
        shape = ",".join(str(size) for size in array.shape)
        digest.update(f"{name}\n{array.dtype.str}\n{shape}\n".encode("ascii"))
        digest.update(array.reshape(-1).view(np.uint8))  # the bytes of array.tobytes(), uncopied
    return digest


def save(
    network: Network, path: str | os.PathLike[str], *, training: dict[str, Any] | None = None
) -> Path:
    """Write ``network`` to a ``.npz`` model file, atomically.

    The file holds the arrays ``W0, b0, W1, b1, ...`` (little-endian, the network's
    dtype) and ``meta``, the JSON description (see ``docs/model-files.md``). The
    path is used exactly as given: unlike ``numpy.savez`` we do not append
    ``.npz``, so ``save(net, "digits")`` writes a file called ``digits``.

    Parameters
    ----------
    network : Network
        The network to save. Its weights must be finite numbers.
    path : str or path-like
        Where to write. The directory must exist. A path ending in ``.json`` is
        refused, because ``load_any`` would read it as an ``export_json`` file.
    training : dict, optional
        How the network was trained (settings, scores, ...), stored as it is. It must
        be JSON-serialisable with finite numbers (strict JSON has no NaN). As in any
        JSON, keys become strings and tuples lists; NumPy scalars become plain numbers.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ConfigError
        If ``training`` is not JSON-serialisable, the path ends in ``.json``, the
        class labels are not whole numbers or strings, or the network is beyond the
        limits a model file can hold (so that ``load`` would refuse it).
    DataError
        If a weight or bias is NaN or infinite.
    GlassnetError
        If the file cannot be written (no such directory, no permission, disk full);
        the previous file, if any, is unchanged.
    """
    target = as_path(path, "model file")
    if target.suffix.lower() == ".json":
        raise ConfigError(
            f"{target} ends in .json, which glassnet reads as a JSON export; "
            "use a .npz name, or export_json() for a JSON copy"
        )
    arrays = _network_arrays(network, "save writes")
    meta = _network_metadata(network, arrays, training)
    text = _dump_json(meta, indent=None)
    meta_array = np.array(text, dtype=f"<U{max(len(text), 1)}")
    if meta_array.nbytes + 128 > MAX_META_BYTES:
        raise DescriptionTooLong(
            f"the model description is {len(text):,} characters of JSON, more than a model "
            f"file may hold (about {MAX_META_BYTES // 4 - 32:,}); make the training dict smaller"
        )
    members = {
        "meta": meta_array,
        **dict(zip(array_names(len(network.layers)), arrays, strict=True)),
    }
    _atomic_write(target, lambda handle: np.savez(handle, **members))
    return target


def export_json(
    network: Network, path: str | os.PathLike[str], *, training: dict[str, Any] | None = None
) -> Path:
    """Write ``network`` as one readable JSON document, atomically.

    The document is the same metadata ``save`` writes, plus ``"layers"``: one object
    per layer with its ``"weights"`` (n_in rows of n_out numbers), ``"biases"``
    (n_out numbers) and ``"activation"``. Numbers are written with Python's ``repr``,
    the shortest text that reads back as exactly the same float, so ``load_json``
    gives back the very same bits.

    Parameters
    ----------
    network : Network
    path : str or path-like
        Used exactly as given (``.json`` is the expected suffix).
    training : dict, optional
        As for ``save``.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ConfigError, DataError, GlassnetError
        As for ``save``.
    """
    target = as_path(path, "JSON copy of the model")
    arrays = _network_arrays(network, "export_json writes")
    meta = _network_metadata(network, arrays, training)
    text = _json_document(meta, arrays)
    if len(text.encode("utf-8")) > MAX_JSON_BYTES:
        raise ConfigError(
            f"this network is too large for a JSON export (limit {MAX_JSON_BYTES:,} bytes); "
            "save it as .npz instead"
        )
    _atomic_write(target, lambda handle: handle.write(text.encode("utf-8")),
                  what="JSON copy of the model")
    return target


def _network_arrays(network: Network, task: str) -> list[Array]:
    """The parameters as little-endian, C-ordered copies, refusing NaN and inf (and
    anything but a Network, named by the ``task`` it was given to)."""
    as_network(network, task)
    dtype = _ARRAY_DTYPES[np.dtype(network.dtype).name]
    arrays = [np.ascontiguousarray(array, dtype=dtype) for array in network.parameters()]
    if not all(np.isfinite(array).all() for array in arrays):
        raise DataError(
            "the network's weights contain NaN or infinite values; a model file must hold "
            "finite numbers (restore an earlier checkpoint or retrain)"
        )
    return arrays


def _network_metadata(
    network: Network, arrays: Sequence[Array], training: dict[str, Any] | None
) -> dict[str, Any]:
    """The JSON description of ``network``, checked against the schema ``load`` enforces."""
    if training is not None and not isinstance(training, dict):
        raise ConfigError(f"training must be a dict or None, got {type(training).__name__}")
    if training is not None:
        # Round-trip through JSON: tuples become lists, NumPy scalars plain numbers,
        # and anything JSON cannot hold is refused now rather than at load time.
        training = _read_back(_dump_json(training, indent=None, what="training", check=False),
                              "training")
    config = network.config()
    n_inputs = config["sizes"][0]
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "sizes": config["sizes"],
        "activation": config["activation"],
        "output": config["output"],
        "dtype": config["dtype"],
        "classes": config["classes"],
        "input": {
            "shape": [8, 8] if n_inputs == 64 else None,
            "scaling": DIGITS_SCALING if n_inputs == 64 else None,
        },
        "training": training,
        "glassnet_version": _glassnet_version(),
    }
    meta["sha256"] = model_checksum(arrays, meta)
    # Never write a file that load() would refuse.
    try:
        return _check_metadata(meta)
    except ModelFormatError as error:
        raise ConfigError(f"cannot save this network: {error}") from None


def check_saveable_layout(sizes: Sequence[int], classes: Sequence[Any]) -> None:
    """Refuse, in ``save``'s own words, layer sizes or labels no model file could hold.

    ``glassnet train`` calls it before the weights are made: a network of
    100,000-neuron layers would first ask for 75 GiB, then be trained, and only then
    be refused by ``save``; so would a label longer than ``MAX_LABEL_CHARS``.
    ``classes`` are the labels the data's output neurons will stand for.

    Raises
    ------
    ConfigError
        "cannot save this network: ...", as ``save`` would.
    """
    try:
        sizes = list(sizes)
        _check_sizes(sizes)
        if len(classes) >= 2:  # one class is the network's to refuse, in its own words
            _check_classes([plain(label) for label in classes],
                           2 if sizes[-1] == 1 else sizes[-1])
    except ModelFormatError as error:
        raise ConfigError(f"cannot save this network: {error}") from None


def _glassnet_version() -> str:
    try:
        from .version import __version__
    except ImportError:
        return "unknown"
    return str(__version__)


def _dump_json(value: Any, *, indent: int | None, what: str = "metadata",
               check: bool = True) -> str:
    """Strict JSON text: string keys, finite numbers; NumPy scalars become plain numbers.

    With ``check`` the text is read back as ``load`` reads it, so that nothing is
    written that glassnet would then refuse (a number of 101 digits, say): a file
    replaced by one it cannot read is a file lost. ``check=False`` is for a caller
    that reads it back itself.
    """

    def plain(item: Any) -> Any:
        if isinstance(item, np.generic):
            return item.item()
        raise TypeError(f"{type(item).__name__} is not JSON-serialisable")

    try:
        text = json.dumps(value, indent=indent, allow_nan=False, ensure_ascii=False, default=plain)
    except (TypeError, ValueError, RecursionError) as error:
        raise ConfigError(
            f"the {what} must be JSON-serialisable (strings, finite numbers, lists, dicts): {error}"
        ) from None
    if check:
        _read_back(text, what)
    return text


def _read_back(text: str, what: str) -> Any:
    """``text`` parsed as ``load`` parses it; ConfigError (nothing written) if it would refuse."""
    try:
        return _parse_json(text)
    except ModelFormatError as error:
        raise ConfigError(f"cannot save the {what}: {error}") from None


def _json_document(meta: dict[str, Any], arrays: Sequence[Array]) -> str:
    """The export text: one metadata key per line, then each layer with one line per row."""
    lines = [
        f"  {json.dumps(key)}: {_dump_json(value, indent=None)}," for key, value in meta.items()
    ]
    n_layers = len(arrays) // 2
    layers = []
    for index in range(n_layers):
        weights, biases = arrays[2 * index], arrays[2 * index + 1]
        activation = meta["output"] if index == n_layers - 1 else meta["activation"]
        # tolist() gives Python floats, which json writes with repr: exact round trips.
        rows = ",\n        ".join(json.dumps(row.tolist()) for row in weights)
        layers.append(
            "    {\n"
            f'      "activation": {json.dumps(activation)},\n'
            f'      "weights": [\n        {rows}\n      ],\n'
            f'      "biases": {json.dumps(biases.tolist())}\n'
            "    }"
        )
    return "{\n" + "\n".join(lines) + '\n  "layers": [\n' + ",\n".join(layers) + "\n  ]\n}\n"


def _atomic_write(target: Path, write: Callable[[IO[bytes]], Any], what: str = "model file"
                  ) -> None:
    """Write the model file all at once or not at all (see ``glassnet.store.atomicfile``)."""
    write_atomically(target, write, what=what)


# ====================================================================== loading
def load(path: str | os.PathLike[str]) -> Network:
    """Read a ``.npz`` model file written by ``save`` and rebuild the network.

    Everything is checked before the network is built, in this order:

    1. the zip directory: exactly the members ``meta.npy, W0.npy, b0.npy, ...``, none
       encrypted, stored or deflated, declared sizes within the limits and believable
       compression ratios, all before reading any member;
    2. ``meta``: a unicode ``.npy`` array holding a JSON object with exactly the
       known keys, each of the right type (sizes, activation names in the registry,
       dtype, class labels, checksum format);
    3. each array's ``.npy`` header: little-endian float32/float64 as the metadata
       says, C order, the shape the sizes chain demands, and a byte count that
       matches the zip directory; only then its bytes are read (as raw numbers:
       nothing can be unpickled);
    4. the SHA-256 checksum, then that every number is finite.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Network
        With exactly (bit for bit) the saved weights, sizes, activations, dtype and
        class labels.

    Raises
    ------
    ModelFormatError
        For any problem at all: no such file, not a model file, corrupt, truncated,
        hostile, too large, or written by a newer glassnet. Nothing else escapes.
    """
    with _reading(path, "model file"):
        meta, arrays = _read_npz(Path(path), with_arrays=True)
        return _build(meta, arrays)


def load_json(path: str | os.PathLike[str]) -> Network:
    """Read a JSON model written by ``export_json`` and rebuild the network.

    The same checks as ``load`` (closed schema, names, shapes, finite numbers,
    checksum), after refusing files larger than ``MAX_JSON_BYTES`` without reading
    them. The JSON is parsed with ``json.loads`` and nothing else.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Network
        With bit for bit the exported weights.

    Raises
    ------
    ModelFormatError
        For any problem at all.
    """
    with _reading(path, "JSON model file"):
        meta, arrays = _read_json_model(Path(path))
        return _build(meta, arrays)


def load_any(path: str | os.PathLike[str]) -> Network:
    """``load_json`` for a path ending in ``.json`` (any case), ``load`` otherwise.

    Raises
    ------
    ModelFormatError
        For any problem at all.
    """
    try:
        suffix = as_path(path).suffix.lower()
    except ConfigError:
        suffix = ""  # load says what is wrong with it
    return load_json(path) if suffix == ".json" else load(path)


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The validated description of a model file, without building the network.

    For a ``.npz`` file this reads the zip directory and ``meta`` only (steps 1 and 2
    of ``load``), so it is fast even for a large model; the arrays and checksum are
    not checked. For a ``.json`` file the whole document is read and checked.

    Returns
    -------
    dict
        The metadata: ``format, format_version, sizes, activation, output, dtype,
        classes, input, training, glassnet_version, sha256``.

    Raises
    ------
    ModelFormatError
        For any problem at all.
    """
    file = Path(path)
    if file.suffix.lower() == ".json":
        with _reading(path, "JSON model file"):
            return _read_json_model(file)[0]
    with _reading(path, "model file"):
        return _read_npz(file, with_arrays=False)[0]


@contextlib.contextmanager
def _reading(
    path: str | os.PathLike[str], what: str, error_type: type[ModelFormatError] = ModelFormatError
) -> Iterator[None]:
    """Turn every failure while reading ``path`` into one ``error_type`` (a ModelFormatError)."""
    try:
        prefix = f"cannot load {as_path(path, what)}"
    except ConfigError as error:  # None, a number, a NUL in the name: not a file at all
        raise error_type(f"cannot load: {error}") from None
    try:
        yield
    except ModelFormatError as error:
        raise error_type(f"{prefix}: {error}") from None
    except FileNotFoundError:
        raise error_type(f"{prefix}: no such file") from None
    except PermissionError:
        raise error_type(f"{prefix}: permission denied") from None
    except OSError as error:  # the OS could not read it: a loop of links, a disk error
        if not error.strerror:
            raise error_type(f"{prefix}: {what} is corrupt: {error}") from error
        raise error_type(f"{prefix}: {error.strerror}") from error
    except Exception as error:  # whatever zipfile, NumPy or json raised
        if isinstance(error, EOFError):
            detail = "it ends too early"
        else:
            detail = str(error) or type(error).__name__
        raise error_type(f"{prefix}: {what} is corrupt: {detail}") from error


def _check_regular_file(path: Path, what: str) -> int:
    """Refuse directories, devices and pipes (which could block or never end); return the size."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise ModelFormatError(f"not a glassnet {what}: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ModelFormatError(f"not a glassnet {what}: it is not a regular file")
    return info.st_size


def _build(meta: dict[str, Any], arrays: list[Array]) -> Network:
    """Verify the numbers, then (and only then) build the network around them."""
    if model_checksum(arrays, meta) != meta["sha256"]:
        raise ModelFormatError(
            "model file is corrupt: checksum mismatch (the weights or the settings that "
            "change predictions are not the ones that were saved)"
        )
    for name, array in zip(array_names(len(arrays) // 2), arrays, strict=True):
        if not np.isfinite(array).all():
            raise ModelFormatError(f"{name} contains NaN or infinite values")
    try:
        network = Network(
            meta["sizes"],
            meta["activation"],
            meta["output"],
            dtype=meta["dtype"],
            classes=meta["classes"],
        )
        network.set_parameters(arrays)
    except GlassnetError as error:
        raise ModelFormatError(f"the metadata describes an invalid network: {error}") from None
    return network


# ---------------------------------------------------------------------- .npz
def _read_npz(path: Path, *, with_arrays: bool) -> tuple[dict[str, Any], list[Array]]:
    """Steps 1-3 of ``load``: the zip directory, the metadata, then (optionally) the arrays."""
    _check_regular_file(path, "model file")
    if not zipfile.is_zipfile(path):
        raise ModelFormatError(
            "not a glassnet model file: it is not an .npz (zip) archive, or it is truncated"
        )
    with zipfile.ZipFile(path) as archive:
        members = _check_directory(archive)
        meta = _check_metadata(_parse_json(_read_meta_member(archive, members["meta.npy"])))
        n_layers = len(meta["sizes"]) - 1
        if n_layers * 2 + 1 != len(members):
            raise ModelFormatError(
                f"the metadata describes {n_layers} layer(s) but the file holds "
                f"{(len(members) - 1) // 2}"
            )
        arrays: list[Array] = []
        if with_arrays:
            dtype = _ARRAY_DTYPES[meta["dtype"]]
            for name, shape in zip(array_names(n_layers), _shapes(meta["sizes"]), strict=True):
                arrays.append(_read_array_member(archive, members[f"{name}.npy"], dtype, shape))
    return meta, arrays


def _shapes(sizes: Sequence[int]) -> list[tuple[int, ...]]:
    """The shapes the sizes chain demands: ``[(n0, n1), (n1,), (n1, n2), (n2,), ...]``."""
    return [
        shape
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
        for shape in ((n_in, n_out), (n_out,))
    ]


def _check_directory(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Step 1: member names and declared sizes, from the zip directory alone."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise ModelFormatError("not a glassnet model file: a member name appears twice")
    if "meta.npy" not in names:
        raise ModelFormatError("not a glassnet model file: it has no meta member")
    # The number of layers is the highest index named, so a gap shows up as "missing".
    indices = [int(match[1]) for name in names if (match := _ARRAY_MEMBER.fullmatch(name))]
    n_layers = max(indices, default=0) + 1
    if n_layers > MAX_LAYERS:
        raise ModelFormatError(f"not a glassnet model file: more than {MAX_LAYERS} layers")
    expected = {"meta.npy", *(f"{name}.npy" for name in array_names(n_layers))}
    missing = sorted(expected - set(names))
    unexpected = sorted(set(names) - expected)
    if missing or unexpected:
        problems = (["missing " + ", ".join(missing)] if missing else []) + (
            ["unexpected " + ", ".join(shown(name) for name in unexpected[:5])]
            if unexpected
            else []
        )
        raise ModelFormatError(
            "not a glassnet model file: the members must be meta.npy, W0.npy, b0.npy, ... "
            f"({'; '.join(problems)})"
        )
    total = 0
    for info in infos:
        limit = (
            MAX_META_BYTES
            if info.filename == "meta.npy"
            else (MAX_ARRAY_ELEMENTS * 8 + MAX_NPY_HEADER_BYTES)
        )
        if info.flag_bits & 0x1:
            raise ModelFormatError(f"member {info.filename} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFormatError(
                f"member {info.filename} uses an unsupported compression method "
                f"({info.compress_type}); only stored or deflated members are read"
            )
        if info.file_size > limit:
            raise ModelFormatError(
                f"member {info.filename} declares {info.file_size:,} bytes, more than the "
                f"limit of {limit:,}"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise ModelFormatError(f"member {info.filename}: stored and declared sizes differ")
        if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise ModelFormatError(
                f"member {info.filename} claims an impossible compression ratio "
                f"({info.file_size:,} bytes from {info.compress_size:,}): a zip bomb?"
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise ModelFormatError(
            f"the members declare {total:,} bytes in total, more than the limit of "
            f"{MAX_TOTAL_BYTES:,}"
        )
    return {info.filename: info for info in infos}


def _read_npy_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    check_header: Callable[[tuple[int, ...], bool, np.dtype], None],
) -> tuple[NDArray[np.uint8], tuple[int, ...], np.dtype]:
    """Read one ``.npy`` member: header first, checked by ``check_header``, then raw bytes.

    The data bytes are read only once the header has been approved and its byte
    count agrees with the size the zip directory declared. They are read in pieces
    into one array of bytes made for them, so that reading costs their size and no
    more (``member.read()`` of everything would hold a second copy while it joins
    the pieces). They are returned raw: viewing them as numbers cannot run code.
    """
    name = info.filename
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            read_header = np.lib.format.read_array_header_1_0
        elif version == (2, 0):
            read_header = np.lib.format.read_array_header_2_0
        else:
            raise ModelFormatError(f"member {name} has an unsupported .npy version {version}")
        shape, fortran_order, dtype = read_header(member, max_header_size=MAX_NPY_HEADER_BYTES)
        check_header(shape, fortran_order, dtype)
        header_bytes = member.tell()
        n_bytes = math.prod(shape) * dtype.itemsize
        if info.file_size != header_bytes + n_bytes:
            raise ModelFormatError(
                f"member {name}: its header announces {n_bytes:,} bytes of numbers but the "
                f"zip directory says {info.file_size - header_bytes:,}"
            )
        data = np.empty(n_bytes, dtype=np.uint8)
        filled = 0
        while filled < n_bytes:
            piece = member.read(min(_READ_PIECE_BYTES, n_bytes - filled))
            if not piece:
                break
            data[filled:filled + len(piece)] = np.frombuffer(piece, dtype=np.uint8)
            filled += len(piece)
        # Reading to the end also makes zipfile compare the member's CRC-32.
        if filled != n_bytes or member.read(1):
            raise ModelFormatError(f"member {name} is truncated")
    return data, shape, dtype


def _read_meta_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """Step 2a: the JSON text stored in ``meta.npy`` (a 0-d little-endian unicode array)."""

    def check(shape: tuple[int, ...], fortran_order: bool, dtype: np.dtype) -> None:
        if dtype.kind != "U" or not dtype.str.startswith("<") or shape != ():
            raise ModelFormatError(
                f"not a glassnet model file: meta must be a 0-d unicode array, got "
                f"dtype {dtype.str} shape {shape}"
            )

    data, shape, dtype = _read_npy_member(archive, info, check)
    return str(np.frombuffer(data, dtype=dtype)[0])


def _read_array_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    expected_dtype: np.dtype,
    expected_shape: tuple[int, ...],
) -> Array:
    """Step 3: one weight or bias array, header checked against the metadata first."""
    name = info.filename.removesuffix(".npy")

    def check(shape: tuple[int, ...], fortran_order: bool, dtype: np.dtype) -> None:
        if dtype.hasobject:
            raise ModelFormatError(
                f"{name} holds Python objects (a pickle); glassnet never unpickles anything"
            )
        if dtype.str != expected_dtype.str:
            if dtype.kind == "f" and dtype.str.startswith(">"):
                problem = f"big-endian {dtype.name}; model files are little-endian"
            else:
                problem = f"dtype {dtype.str} ({dtype.name})"
            raise ModelFormatError(
                f"{name} holds {problem}; the metadata says {expected_dtype.name} "
                f"({expected_dtype.str})"
            )
        if fortran_order:
            raise ModelFormatError(f"{name} is stored in Fortran order; model files use C order")
        if tuple(shape) != expected_shape:
            raise ModelFormatError(
                f"{name} has shape {tuple(shape)} but the layer sizes need {expected_shape}"
            )

    data, shape, dtype = _read_npy_member(archive, info, check)
    return data.view(dtype).reshape(shape)


# ---------------------------------------------------------------------- JSON
def _parse_json(text: str) -> Any:
    """``json.loads``, refusing duplicate keys and the non-standard NaN / Infinity."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise ModelFormatError("the JSON repeats a key")
        return result

    def no_constants(name: str) -> Any:
        raise ModelFormatError(f"the JSON contains {name}, which is not a number")

    def whole_number(digits: str) -> int:
        # Python will not read more than 4,300 digits, and its refusal tells of sys calls.
        if len(digits.lstrip("-")) > MAX_JSON_DIGITS:
            raise ModelFormatError(
                f"the JSON holds a whole number of {len(digits.lstrip('-')):,} digits; "
                f"a glassnet file holds none of more than {MAX_JSON_DIGITS}")
        return int(digits)

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants,
                          parse_int=whole_number)
    except json.JSONDecodeError as error:
        raise ModelFormatError(f"the metadata is not valid JSON: {error}") from None
    except RecursionError:
        raise ModelFormatError("the JSON is nested too deeply") from None


def _read_json_model(path: Path) -> tuple[dict[str, Any], list[Array]]:
    """Size check, ``json.loads``, schema, then the arrays out of ``"layers"``."""
    size = _check_regular_file(path, "JSON model file")
    if size > MAX_JSON_BYTES:
        raise ModelFormatError(f"the file is {size:,} bytes, over the limit of {MAX_JSON_BYTES:,}")
    with path.open("rb") as handle:
        raw = handle.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise ModelFormatError(f"the file is over the limit of {MAX_JSON_BYTES:,} bytes")
    try:  # a byte order mark, as some editors write one, is taken for what it is
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelFormatError("not a glassnet JSON model: it is not UTF-8 text") from None
    if not text.strip():
        raise ModelFormatError("not a glassnet JSON model: the file is empty")
    document = _parse_json(text)
    if not isinstance(document, dict):
        raise ModelFormatError(
            f"not a glassnet JSON model: expected a JSON object, got {_json_type(document)}"
        )
    if "layers" not in document:
        raise ModelFormatError('not a glassnet JSON model: it has no "layers"')
    layers = document.pop("layers")
    meta = _check_metadata(document)
    return meta, _layers_from_json(layers, meta)


def _layers_from_json(layers: Any, meta: dict[str, Any]) -> list[Array]:
    """The ``"layers"`` list as ``[W0, b0, ...]``, every value and shape checked."""
    sizes = meta["sizes"]
    n_layers = len(sizes) - 1
    if not isinstance(layers, list) or len(layers) != n_layers:
        raise ModelFormatError(f'"layers" must be a list of {n_layers} layer objects')
    dtype = _ARRAY_DTYPES[meta["dtype"]]
    arrays: list[Array] = []
    for index, layer in enumerate(layers):
        if not isinstance(layer, dict) or set(layer) != _LAYER_KEYS:
            raise ModelFormatError(
                f"layer {index} must be an object with exactly the keys "
                f"{', '.join(sorted(_LAYER_KEYS))}"
            )
        expected = meta["output"] if index == n_layers - 1 else meta["activation"]
        if layer["activation"] != expected:
            raise ModelFormatError(
                f"layer {index} says activation {shown(layer['activation'])} but the metadata "
                f"gives {shown(expected)}"
            )
        n_in, n_out = sizes[index], sizes[index + 1]
        arrays.append(_numbers(layer["weights"], (n_in, n_out), dtype, f"layer {index} weights"))
        arrays.append(_numbers(layer["biases"], (n_out,), dtype, f"layer {index} biases"))
    return arrays


def _numbers(value: Any, shape: tuple[int, ...], dtype: np.dtype, what: str) -> Array:
    """A JSON list (of lists) of numbers as an array of exactly ``shape``, or an error."""
    rows = value if len(shape) == 2 else [value]
    n_rows, n_cols = shape if len(shape) == 2 else (1, shape[0])
    if not isinstance(rows, list) or len(rows) != n_rows:
        raise ModelFormatError(f"{what} must be {n_rows} rows of {n_cols} numbers")
    for row in rows:
        # JSON true/false would silently become 1/0 in NumPy: only ints and floats pass.
        if (
            not isinstance(row, list)
            or len(row) != n_cols
            or not set(map(type, row)) <= {int, float}
        ):
            raise ModelFormatError(
                f"{what} must be {n_rows} row(s) of {n_cols} numbers (shape {shape})"
            )
    # float() of the parsed value is exact; casting to float32 is exact for numbers
    # that were written from float32 values.
    with np.errstate(over="ignore"):  # a float64 too big for float32 becomes inf, refused later
        return np.array(value, dtype=np.float64).astype(dtype).reshape(shape)


# ---------------------------------------------------------------------- the schema
def _json_type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
        int: "a number",
        float: "a number",
    }.get(type(value), "?")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_classes(classes: Any, n_classes: int) -> None:
    """The labels of the output neurons: ``n_classes`` distinct whole numbers or texts."""
    labels_ok = (
        isinstance(classes, list)
        and len(classes) == n_classes
        and (
            all(_is_int(label) and LABEL_INT_LOW <= label <= LABEL_INT_HIGH for label in classes)
            or all(isinstance(label, str) and len(label) <= MAX_LABEL_CHARS for label in classes)
        )
    )
    if not labels_ok and isinstance(classes, list) and len(classes) == n_classes:
        longest = max((len(label) for label in classes if isinstance(label, str)), default=0)
        if longest > MAX_LABEL_CHARS and all(isinstance(label, str) for label in classes):
            raise ModelFormatError(f"class labels may be at most {MAX_LABEL_CHARS} characters "
                                   f"long; one is {longest:,}")
        if all(_is_int(label) for label in classes):
            raise ModelFormatError("whole-number class labels must lie between -2**63 and "
                                   f"2**63 - 1; got {shown(classes)}")
    if not labels_ok:
        raise ModelFormatError(
            f"classes must be a list of {n_classes} labels, all integers (not floats, "
            f"even whole ones such as 3.0) or all strings, got {shown(classes)}"
        )
    if len(set(classes)) != len(classes):
        raise ModelFormatError("class labels must be distinct")


def _check_sizes(sizes: Any) -> None:
    """The layer sizes a model file may hold, or ModelFormatError."""
    if (
        not isinstance(sizes, list)
        or not 2 <= len(sizes) <= MAX_LAYERS + 1
        or not all(_is_int(size) and 1 <= size <= MAX_LAYER_SIZE for size in sizes)
    ):
        raise ModelFormatError(
            f"sizes must be a list of 2 to {MAX_LAYERS + 1} whole numbers between 1 and "
            f"{MAX_LAYER_SIZE:,}, got {shown(sizes)}"
        )
    weights = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
    if max(weights) > MAX_ARRAY_ELEMENTS or (sum(weights) + sum(sizes[1:])) * 8 > MAX_TOTAL_BYTES:
        raise ModelFormatError(
            f"a network of sizes {shown(sizes)} is larger than a model file may hold "
            f"({sum(weights):,} weights; at most {MAX_TOTAL_BYTES // 8:,} numbers in all)"
        )


def _check_metadata(meta: Any) -> dict[str, Any]:
    """Step 2b: the metadata must be exactly the closed schema, or ModelFormatError.

    Returns the same dict, now known to be well formed.
    """
    if not isinstance(meta, dict):
        raise ModelFormatError(
            f"not a glassnet model file: the metadata must be a JSON object, got {_json_type(meta)}"
        )
    # Before anything else reads a string: a class label that is no real text (a lone
    # surrogate such as "\ud800") loads fine and then breaks `predict`, which prints it,
    # and `export`, which writes it as UTF-8. Saving runs this check too.
    broken = broken_text(meta)
    if broken is not None:
        raise ModelFormatError(
            f"the metadata holds text that is not valid Unicode at {broken} (a lone "
            "surrogate such as \\ud800, which cannot be printed or written as UTF-8)"
        )
    if meta.get("format") != FORMAT_NAME:
        raise ModelFormatError(
            f"not a glassnet model file: format is {shown(meta.get('format'))}, "
            f"not {FORMAT_NAME!r}"
        )
    version = meta.get("format_version")
    if not _is_int(version) or version < 1:
        raise ModelFormatError(
            f"format_version must be a positive whole number, got {shown(version)}")
    if version > FORMAT_VERSION:
        raise ModelFormatError(
            f"written by a newer glassnet (format version {shown(version)}); this glassnet reads "
            f"version {FORMAT_VERSION}: upgrade glassnet"
        )
    if version < FORMAT_VERSION:
        # Loading version 1 would let anyone edit a file's settings undetected: they
        # could simply write "format_version": 1. Train the network again instead.
        raise ModelFormatError(
            f"written by an earlier glassnet (format version {version}, whose checksum "
            f"did not cover the settings); this glassnet reads version {FORMAT_VERSION} "
            "only: train the model again"
        )
    missing = sorted(_METADATA_KEYS - meta.keys())
    unknown = sorted(meta.keys() - _METADATA_KEYS)
    if missing or unknown:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(repr(key) for key in unknown[:5])}"] if unknown else []
        )
        raise ModelFormatError(f"the metadata keys are wrong: {'; '.join(parts)}")

    sizes = meta["sizes"]
    _check_sizes(sizes)

    valid = ", ".join(ACTIVATIONS)
    for key in ("activation", "output"):
        if not isinstance(meta[key], str) or meta[key] not in ACTIVATIONS:
            raise ModelFormatError(f"unknown {key} {shown(meta[key])}; valid names: {valid}")
    if meta["activation"] == "softmax" and len(sizes) > 2:
        raise ModelFormatError("softmax cannot be the activation of hidden layers")
    if meta["dtype"] not in _ARRAY_DTYPES:
        raise ModelFormatError(f"dtype must be 'float32' or 'float64', got {shown(meta['dtype'])}")

    _check_classes(meta["classes"], 2 if sizes[-1] == 1 else sizes[-1])

    described = meta["input"]
    if not isinstance(described, dict) or set(described) != {"shape", "scaling"}:
        raise ModelFormatError(
            'input must be an object with exactly the keys "shape" and "scaling"'
        )
    shape = described["shape"]
    if shape is not None and not (
        isinstance(shape, list)
        and 1 <= len(shape) <= 3
        and all(_is_int(side) and side >= 1 for side in shape)
        and math.prod(shape) == sizes[0]
    ):
        raise ModelFormatError(
            f"input shape must be null or whole numbers whose product is {sizes[0]}, "
            f"got {shown(shape)}"
        )
    if described["scaling"] is not None and not isinstance(described["scaling"], str):
        raise ModelFormatError("input scaling must be a string or null")

    if meta["training"] is not None and not isinstance(meta["training"], dict):
        raise ModelFormatError(
            f"training must be an object or null, got {_json_type(meta['training'])}"
        )
    if (
        not isinstance(meta["glassnet_version"], str)
        or len(meta["glassnet_version"]) > MAX_LABEL_CHARS
    ):
        raise ModelFormatError("glassnet_version must be a short string")
    checksum = meta["sha256"]
    if not isinstance(checksum, str) or len(checksum) != 64 or not set(checksum) <= _HEX_DIGITS:
        raise ModelFormatError("sha256 must be 64 lowercase hexadecimal digits")
    return meta


__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "PREDICTION_FIELDS",
    "check_saveable_layout",
    "model_checksum",
    "MAX_ARRAY_ELEMENTS",
    "MAX_JSON_BYTES",
    "MAX_META_BYTES",
    "MAX_TOTAL_BYTES",
    "array_checksum",
    "array_names",
    "export_json",
    "load",
    "load_any",
    "load_json",
    "read_metadata",
    "save",
]
