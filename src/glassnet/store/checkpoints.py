"""Checkpoints: a training that can be stopped and carried on, bit for bit.

A long training should survive a crash, a power cut or a closed laptop. So every few
epochs ``glassnet train --checkpoint-every N`` writes down where it stands, and
``glassnet train --resume CHECKPOINT`` carries on from there. "Where it stands" is
more than the weights (see ``glassnet.training.TrainingState``): the optimizer's
memory (momentum velocities, Adam's running averages), the exact position of the
random generator that shuffles the images and draws the noise, the running mean of
weight averaging, the best loss and the patience of early stopping, the history so
far and the settings. With all of it, a training that was killed and resumed ends
with *exactly the same bits* as one that was never stopped.

The file is built like a model file (see ``glassnet.store.modelfile``) and for the same
reasons: a ``.npz`` archive of plain ``.npy`` arrays plus one JSON member, read
without ever unpickling anything, checked before anything is used, and written
atomically (a crash while writing leaves the previous checkpoint as it was):

- ``meta.npy``: a 0-d unicode array holding a JSON object (closed schema below);
- ``weights.W0.npy, weights.b0.npy, ...``: the weights the optimizer walks on;
- ``average.W0.npy, ...``: the running mean of weight averaging (once it started);
- ``best.W0.npy, ...``: the best epoch's weights (early stopping only);
- ``optimizer.<slot>.<i>.npy``: the optimizer's state, one array per parameter.

The JSON holds ``format`` ("glassnet-checkpoint"), ``format_version``, ``epoch``,
``network`` (sizes, activations, dtype, classes), ``optimizer`` (its step count and
how many arrays each slot has), ``rng_state`` (NumPy's ``bit_generator.state``: the
128-bit PCG64 state as whole numbers, which JSON keeps exactly), ``best_loss`` (null
before the first epoch), ``epochs_without_improvement``, ``averaged_epochs``,
``history`` (``History.to_dict()``), ``settings`` (the ``RunSettings`` as a dict, or
null), ``glassnet_version`` and ``sha256``, a fingerprint of every array (name,
dtype, shape and bytes, in member order) *and of the description itself* (every key
above but ``sha256``), so that an edited setting, random state or history is refused
as surely as an edited weight (``_checksum``).

The values are checked too, since a checksum can be recomputed by whoever edits the
file: the random state must be one NumPy's PCG64 accepts (NumPy itself is asked), and
every string must be real text (``glassnet.store.jsontext``).

Format 1, written by earlier versions, has a checksum of the arrays only; it is still
read (a training under way is not lost to an upgrade), with every value checked as
above, and the next checkpoint of the resumed training is written in format 2.

Whatever is wrong with a checkpoint file, loading raises one ``CheckpointError``
(a ``ModelFormatError``) with a sentence saying what.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import GlassnetError, ModelFormatError, shown
from ..training import History, TrainingState
from .atomicfile import remove_abandoned, writable_target, write_atomically
from .jsontext import broken_text
from .modelfile import (
    MAX_ARRAY_ELEMENTS,
    MAX_COMPRESSION_RATIO,
    MAX_NPY_HEADER_BYTES,
    MAX_TOTAL_BYTES,
    _check_regular_file,
    _dump_json,
    _parse_json,
    _read_back,
    _read_npy_member,
    _reading,
)

#: The most bytes a checkpoint's description may take (its JSON, 4 bytes a character).
#: More than a model file's (``MAX_META_BYTES``): to be resumed, a checkpoint keeps the
#: whole per-epoch history, up to 121 characters an epoch (five lists of numbers), and
#: a training may run ``MAX_EPOCHS``: 128 MiB holds about 270,000 such epochs.
MAX_CHECKPOINT_META_BYTES = 128 << 20

#: The ``format`` value every checkpoint carries.
FORMAT_NAME = "glassnet-checkpoint"
#: The version of the layout described above. Version 1's checksum left out the
#: description; version 2's covers it.
FORMAT_VERSION = 2
#: The versions ``load_checkpoint`` reads.
READABLE_VERSIONS = (1, 2)

_KEYS = frozenset({
    "format", "format_version", "epoch", "network", "optimizer", "rng_state", "best_loss",
    "epochs_without_improvement", "averaged_epochs", "history", "settings",
    "glassnet_version", "sha256",
})
_DTYPES = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8")}
_SLOT_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz_")
_HISTORY_LISTS = ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                  "seconds")


class CheckpointError(ModelFormatError):
    """A checkpoint file is missing, corrupt, hostile or does not fit the training."""


@dataclass
class Checkpoint:
    """A checkpoint as read from disk.

    Attributes
    ----------
    state : TrainingState
        Pass it to ``train(..., resume=state)`` (or ``experiment.run``).
    network : dict
        The network's configuration (``Network.config()``: sizes, activations, dtype,
        classes), to build a network of the right shape.
    settings : dict or None
        The ``RunSettings`` (as a dict) the training was started with, if it said.
    """

    state: TrainingState
    network: dict[str, Any]
    settings: dict[str, Any] | None

    @property
    def epoch(self) -> int:
        """Epochs completed."""
        return self.state.epoch


class Checkpointer:
    """The ``checkpoint`` hook of ``train``: saves every state it is given to one path.

    Each save replaces the previous checkpoint atomically, so the file on disk is
    always a whole checkpoint: the newest, or (after a crash while writing) the one
    before it.

    Parameters
    ----------
    path : str or path-like
        Where to write (the folder is created if needed). It is checked at once, so
        that a path glassnet will not write over (a device, a folder, a read-only
        file) fails before the training starts, not after its first N epochs, and the
        temporary files a killed writer left in its folder are removed at once too
        (a resumed training that has nothing left to train writes no checkpoint).
    settings : dict, optional
        The ``RunSettings`` dict to store with every checkpoint, so that
        ``glassnet train --resume`` knows how to carry on.

    Raises
    ------
    OutputPathError
        If ``path`` is not a regular file or a missing path (see
        ``glassnet.store.atomicfile.writable_target``).

    Attributes
    ----------
    saved : int
        How many checkpoints were written.
    last_epoch : int or None
        The epoch of the last one.
    """

    def __init__(self, path: str | os.PathLike[str], *, settings: dict[str, Any] | None = None):
        self.path = Path(path)
        writable_target(self.path, what="checkpoint")
        remove_abandoned(self.path)  # what a killed writer of it left (a resume's first step)
        self.settings = settings
        self.saved = 0
        self.last_epoch: int | None = None

    def __call__(self, state: TrainingState) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        save_checkpoint(self.path, state, settings=self.settings)
        self.saved += 1
        self.last_epoch = state.epoch


# ====================================================================== saving
def save_checkpoint(
    path: str | os.PathLike[str],
    state: TrainingState,
    *,
    settings: dict[str, Any] | None = None,
) -> Path:
    """Write ``state`` to a checkpoint file, atomically.

    Parameters
    ----------
    path : str or path-like
        Used exactly as given (no suffix is added).
    state : TrainingState
        From ``train``'s ``checkpoint`` hook.
    settings : dict, optional
        The ``RunSettings`` dict, stored as it is (must be JSON-serialisable).

    Returns
    -------
    Path

    Raises
    ------
    CheckpointError
        If the state cannot be described (not JSON-serialisable, NaN weights).
    OutputPathError
        If ``path`` is not a regular file or a missing path; nothing is written.
    GlassnetError
        If the file cannot be written (no such folder, no permission, disk full); the
        previous checkpoint, if any, is unchanged.
    """
    target = Path(path)
    arrays = _state_arrays(state)
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            raise CheckpointError(f"cannot save a checkpoint: {name} holds NaN or infinite values")
    history = state.history.to_dict()
    slots = state.optimizer_state.get("slots", {})
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "epoch": int(state.epoch),
        "network": history["config"].get("network"),
        "optimizer": {"step_count": int(state.optimizer_state.get("step_count", 0)),
                      "slots": {name: len(parts) for name, parts in slots.items()}},
        "rng_state": state.rng_state,
        "best_loss": float(state.best_loss) if np.isfinite(state.best_loss) else None,
        "epochs_without_improvement": int(state.epochs_without_improvement),
        "averaged_epochs": int(state.averaged_epochs),
        "history": history,
        "settings": settings,
        "glassnet_version": _glassnet_version(),
    }
    try:
        # Hash the description as it will be read back (NumPy scalars made plain numbers,
        # tuples lists), so that loading computes the very same checksum.
        meta = _read_back(_dump_json(meta, indent=None, what="checkpoint description",
                                     check=False), "checkpoint description")
        meta["sha256"] = _checksum(arrays, meta)
        text = _dump_json(meta, indent=None, what="checkpoint description", check=False)
    except GlassnetError as error:
        raise CheckpointError(f"cannot save a checkpoint: {error}") from None
    meta_array = np.array(text, dtype=f"<U{max(len(text), 1)}")
    if meta_array.nbytes + 128 > MAX_CHECKPOINT_META_BYTES:
        raise CheckpointError(
            f"cannot save a checkpoint: its description is {len(text):,} characters of JSON, "
            f"more than a checkpoint may hold (a history of many thousand epochs?)"
        )
    members = {"meta": meta_array, **arrays}
    write_atomically(target, lambda handle: np.savez(handle, **members), what="checkpoint")
    return target


def _state_arrays(state: TrainingState) -> dict[str, np.ndarray]:
    """Every array of ``state``, by member name (without ``.npy``), in a fixed order."""
    arrays: dict[str, np.ndarray] = {}
    names = _parameter_names(len(state.parameters))
    groups = (("weights", state.parameters), ("average", state.averaged),
              ("best", state.best_parameters))
    for group, values in groups:
        if values is None:
            continue
        if len(values) != len(names):
            raise CheckpointError(f"cannot save a checkpoint: {group} has the wrong length")
        for name, value in zip(names, values, strict=True):
            arrays[f"{group}.{name}"] = _little_endian(value)
    for slot, parts in state.optimizer_state.get("slots", {}).items():
        if not set(slot) <= _SLOT_NAME_CHARACTERS:
            raise CheckpointError(f"cannot save a checkpoint: odd optimizer slot name {slot!r}")
        for index, part in enumerate(parts):
            arrays[f"optimizer.{slot}.{index}"] = _little_endian(part)
    return arrays


def _little_endian(array: Any) -> np.ndarray:
    value = np.asarray(array)
    return np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))


def _parameter_names(count: int) -> list[str]:
    return [f"{kind}{index}" for index in range(count // 2) for kind in ("W", "b")]


def _checksum(arrays: dict[str, np.ndarray], meta: dict[str, Any] | None) -> str:
    """SHA-256 of every array and of the description: nothing in the file can be edited.

    The hash is fed, for each array in member order, the ASCII line
    ``"{name}\\n{dtype.str}\\n{shape}\\n"`` and the array's bytes in C order (as for a
    model file's arrays), then ``b"description\\n"`` and every key of ``meta`` but
    ``sha256`` as compact JSON with sorted keys in ASCII
    (``json.dumps(rest, sort_keys=True, separators=(",", ":"))``), the same text
    whatever order the keys were written in. ``meta`` None: the arrays alone, as
    format 1 computed it.
    """
    digest = hashlib.sha256()
    for name, array in arrays.items():
        shape = ",".join(str(size) for size in array.shape)
        digest.update(f"{name}\n{array.dtype.str}\n{shape}\n".encode("ascii"))
        digest.update(np.ascontiguousarray(array).tobytes(order="C"))
    if meta is None:
        return digest.hexdigest()
    described = {key: value for key, value in meta.items() if key != "sha256"}
    digest.update(b"description\n")
    try:
        text = json.dumps(described, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"the checkpoint description is not JSON data: {error}") from None
    digest.update(text.encode("ascii"))
    return digest.hexdigest()


def _glassnet_version() -> str:
    try:
        from .version import __version__
    except ImportError:
        return "unknown"
    return str(__version__)


# ====================================================================== loading
def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint file written by ``save_checkpoint``, checking everything first.

    The zip directory (member names and declared sizes, before anything is read),
    the JSON description (closed schema), every array's ``.npy`` header (dtype,
    shape, C order) before its bytes, the SHA-256 fingerprint and finite weights.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Checkpoint

    Raises
    ------
    CheckpointError
        For any problem at all (no such file, corrupt, truncated, hostile, foreign).
    """
    with _reading(path, "checkpoint", CheckpointError):
        file = Path(path)
        _check_regular_file(file, "checkpoint")
        if not zipfile.is_zipfile(file):
            raise CheckpointError("not a glassnet checkpoint: it is not an .npz (zip) archive, "
                                  "or it is truncated")
        with zipfile.ZipFile(file) as archive:
            infos = _check_directory(archive)
            meta = _check_meta(_parse_json(_read_meta(archive, infos["meta.npy"])))
            expected = _expected_members(meta)
            missing = sorted(set(expected) - set(infos) - {"meta.npy"})
            unexpected = sorted(set(infos) - set(expected) - {"meta.npy"})
            if missing or unexpected:
                raise CheckpointError(
                    "the members do not match the description"
                    + (f"; missing {', '.join(missing[:5])}" if missing else "")
                    + (f"; unexpected {', '.join(repr(n) for n in unexpected[:5])}"
                       if unexpected else "")
                )
            arrays = {
                member.removesuffix(".npy"): _read_array(archive, infos[member], dtype, shape)
                for member, (dtype, shape) in expected.items()
            }
    described = meta if meta["format_version"] >= 2 else None  # format 1: the arrays only
    if _checksum(arrays, described) != meta["sha256"]:
        raise CheckpointError(f"cannot load {os.fspath(path)}: checkpoint is corrupt: checksum "
                              "mismatch (these are not the numbers and settings that were "
                              "saved: was it edited?)")
    return _build(meta, arrays)


def _check_directory(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Names and declared sizes from the zip directory alone, before reading anything."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise CheckpointError("not a glassnet checkpoint: a member name appears twice")
    if "meta.npy" not in names:
        raise CheckpointError("not a glassnet checkpoint: it has no meta member")
    total = 0
    for info in infos:
        limit = MAX_CHECKPOINT_META_BYTES if info.filename == "meta.npy" else (
            MAX_ARRAY_ELEMENTS * 8 + MAX_NPY_HEADER_BYTES)
        if info.flag_bits & 0x1:
            raise CheckpointError(f"member {info.filename} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise CheckpointError(f"member {info.filename} uses an unsupported compression")
        if info.file_size > limit:
            raise CheckpointError(f"member {info.filename} declares {info.file_size:,} bytes, "
                                  f"more than the limit of {limit:,}")
        if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise CheckpointError(f"member {info.filename} claims an impossible compression "
                                  "ratio (a zip bomb?)")
        total += info.file_size
    if total > 3 * MAX_TOTAL_BYTES:
        raise CheckpointError(f"the members declare {total:,} bytes in total, too many")
    return {info.filename: info for info in infos}


def _read_meta(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    def check(shape: tuple[int, ...], fortran_order: bool, dtype: np.dtype) -> None:
        if dtype.kind != "U" or not dtype.str.startswith("<") or shape != ():
            raise CheckpointError("not a glassnet checkpoint: meta must be a 0-d unicode array")

    data, _, dtype = _read_npy_member(archive, info, check)
    return str(np.frombuffer(data, dtype=dtype)[0])


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo, expected_dtype: np.dtype,
                expected_shape: tuple[int, ...]) -> np.ndarray:
    name = info.filename.removesuffix(".npy")

    def check(shape: tuple[int, ...], fortran_order: bool, dtype: np.dtype) -> None:
        if dtype.hasobject:
            raise CheckpointError(f"{name} holds Python objects (a pickle); glassnet never "
                                  "unpickles anything")
        if dtype.str != expected_dtype.str or fortran_order or tuple(shape) != expected_shape:
            raise CheckpointError(
                f"{name} is {dtype.str} {tuple(shape)}"
                f"{' in Fortran order' if fortran_order else ''}; expected "
                f"{expected_dtype.str} {expected_shape}"
            )

    data, shape, dtype = _read_npy_member(archive, info, check)
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def _is_int(value: Any, low: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_meta(meta: Any) -> dict[str, Any]:
    """The description must be exactly the closed schema, or CheckpointError."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise CheckpointError(f"not a glassnet checkpoint (format is not {FORMAT_NAME!r})")
    version = meta.get("format_version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise CheckpointError(f"unsupported checkpoint format version {shown(version)}; this "
                              f"glassnet reads versions {', '.join(map(str, READABLE_VERSIONS))}")
    if set(meta) != _KEYS:
        missing, unknown = sorted(_KEYS - set(meta)), sorted(set(meta) - _KEYS)
        raise CheckpointError(f"the description's keys are wrong (missing {missing}, "
                              f"unknown {unknown[:5]})")
    broken = broken_text(meta)
    if broken is not None:  # it would break the messages and files that print it
        raise CheckpointError(f"the description holds text that is not valid Unicode at "
                              f"{broken} (a lone surrogate such as \\ud800)")
    for key in ("epoch",):
        if not _is_int(meta[key], 1):
            raise CheckpointError(f"{key} must be a whole number of at least 1")
    for key in ("epochs_without_improvement", "averaged_epochs"):
        if not _is_int(meta[key]):
            raise CheckpointError(f"{key} must be a whole number")
    if meta["best_loss"] is not None and not _is_number(meta["best_loss"]):
        raise CheckpointError("best_loss must be a number or null")

    network = meta["network"]
    sizes = network.get("sizes") if isinstance(network, dict) else None
    if (
        not isinstance(sizes, list) or not 2 <= len(sizes) <= 101
        or not all(_is_int(size, 1) and size <= 100_000 for size in sizes)
        or network.get("dtype") not in _DTYPES
        or not isinstance(network.get("classes"), list)
        or not isinstance(network.get("activation"), str)
        or not isinstance(network.get("output"), str)
    ):
        raise CheckpointError("network must describe sizes, activation, output, dtype, classes")
    if max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False)) > MAX_ARRAY_ELEMENTS:
        raise CheckpointError(f"a network of sizes {sizes} is larger than glassnet reads")

    optimizer = meta["optimizer"]
    if (
        not isinstance(optimizer, dict) or set(optimizer) != {"step_count", "slots"}
        or not _is_int(optimizer["step_count"]) or not isinstance(optimizer["slots"], dict)
        or not all(isinstance(name, str) and name and set(name) <= _SLOT_NAME_CHARACTERS
                   and count == 2 * (len(sizes) - 1)
                   for name, count in optimizer["slots"].items())
    ):
        raise CheckpointError("optimizer must give step_count and one array per parameter "
                              "for each slot")
    _check_rng_state(meta["rng_state"])

    history = meta["history"]
    if not isinstance(history, dict) or not isinstance(history.get("config"), dict):
        raise CheckpointError("history must be an object with a config")
    for key in _HISTORY_LISTS:
        values = history.get(key)
        if not isinstance(values, list) or not all(_is_number(v) for v in values):
            raise CheckpointError(f"history {key} must be a list of numbers")
    if len(history["seconds"]) != meta["epoch"]:
        raise CheckpointError(f"the history has {len(history['seconds'])} epochs but the "
                              f"checkpoint says {meta['epoch']}")
    # One score per epoch in every curve that was measured, none in those that were not.
    config = history["config"]
    if not isinstance(config.get("score_training"), bool):
        raise CheckpointError("the history's config must say whether the training images "
                              "were scored (score_training: true or false)")
    scored = config["score_training"]
    validated = bool(config.get("n_validation"))
    for key, measured in (("train_loss", scored), ("train_accuracy", scored),
                          ("validation_loss", validated), ("validation_accuracy", validated)):
        if len(history[key]) != (meta["epoch"] if measured else 0):
            raise CheckpointError(f"the history's {key} does not match its "
                                  f"{meta['epoch']} epochs")
    if history["config"].get("network") != network:
        raise CheckpointError("the history's network differs from the checkpoint's")
    if meta["settings"] is not None and not isinstance(meta["settings"], dict):
        raise CheckpointError("settings must be an object or null")
    checksum = meta["sha256"]
    if not isinstance(checksum, str) or len(checksum) != 64 or not set(checksum) <= set(
        "0123456789abcdef"
    ):
        raise CheckpointError("sha256 must be 64 lowercase hexadecimal digits")
    return meta


def _check_rng_state(rng_state: Any) -> None:
    """The random state must be one NumPy's PCG64 takes, or CheckpointError.

    Training shuffles with ``np.random.default_rng``, a PCG64, and resuming sets its
    ``bit_generator.state`` to this. Rather than restate NumPy's rules (whole numbers
    below 2**128, a 32-bit spare...), NumPy is asked: the state is set on a throwaway
    generator, and whatever NumPy objects to (-1 for a uint64, a missing key, another
    generator's name) becomes one sentence.
    """
    if not isinstance(rng_state, dict) or rng_state.get("bit_generator") != "PCG64":
        raise CheckpointError("rng_state must be the state of NumPy's PCG64 generator "
                              "(bit_generator: \"PCG64\")")
    try:
        np.random.PCG64().state = rng_state
    except (TypeError, ValueError, OverflowError, KeyError) as error:
        detail = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise CheckpointError(f"rng_state is not a state NumPy's PCG64 accepts: {detail}") from None


def _expected_members(meta: dict[str, Any]) -> dict[str, tuple[np.dtype, tuple[int, ...]]]:
    """Member name -> (dtype, shape) the description calls for, in saving order."""
    sizes = meta["network"]["sizes"]
    dtype = _DTYPES[meta["network"]["dtype"]]
    shapes = [shape for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
              for shape in ((n_in, n_out), (n_out,))]
    names = _parameter_names(len(shapes))
    groups = ["weights"]
    if meta["averaged_epochs"] > 0:
        groups.append("average")
    if meta["history"]["config"].get("early_stopping") and meta["best_loss"] is not None:
        groups.append("best")
    expected = {f"{group}.{name}.npy": (dtype, shape)
                for group in groups for name, shape in zip(names, shapes, strict=True)}
    for slot in meta["optimizer"]["slots"]:
        for index, shape in enumerate(shapes):
            expected[f"optimizer.{slot}.{index}.npy"] = (dtype, shape)
    return expected


def _build(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Checkpoint:
    """The checked description and arrays as a Checkpoint."""
    n_parameters = 2 * (len(meta["network"]["sizes"]) - 1)
    names = _parameter_names(n_parameters)

    def group(prefix: str) -> list[np.ndarray] | None:
        if f"{prefix}.W0" not in arrays:
            return None
        return [arrays[f"{prefix}.{name}"] for name in names]

    for name, array in arrays.items():
        if not np.isfinite(array).all():
            raise CheckpointError(f"{name} contains NaN or infinite values")
    slots = {slot: [arrays[f"optimizer.{slot}.{index}"] for index in range(n_parameters)]
             for slot in meta["optimizer"]["slots"]}
    best_loss = meta["best_loss"]
    state = TrainingState(
        epoch=meta["epoch"],
        parameters=group("weights") or [],
        optimizer_state={"step_count": meta["optimizer"]["step_count"], "slots": slots},
        rng_state=meta["rng_state"],
        history=History.from_dict(meta["history"]),
        best_loss=math.inf if best_loss is None else float(best_loss),
        epochs_without_improvement=meta["epochs_without_improvement"],
        best_parameters=group("best"),
        averaged=group("average"),
        averaged_epochs=meta["averaged_epochs"],
    )
    return Checkpoint(state=state, network=meta["network"], settings=meta["settings"])


def describe(checkpoint: Checkpoint) -> str:
    """One line about a checkpoint, for the command line."""
    history = checkpoint.state.history
    total = history.config.get("epochs", "?")
    loss = f", training loss {history.train_loss[-1]:.4f}" if history.train_loss else ""
    return f"epoch {checkpoint.epoch} of {total}{loss}"


__all__ = ["Checkpoint", "CheckpointError", "Checkpointer", "FORMAT_NAME", "FORMAT_VERSION",
           "describe", "load_checkpoint", "save_checkpoint"]

