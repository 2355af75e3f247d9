"""Tests for glassnet.store.modelfile: round trips bit for bit, and nothing bad gets in.

Every hostile or broken file must end in exactly one ModelFormatError, never in
another exception, never in a network with other weights, and never in code run.
"""

from __future__ import annotations

import errno
import io
import json
import os
import pickle
import struct
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet.core.network import Network
from glassnet.errors import (
    ConfigError,
    DataError,
    GlassnetError,
    ModelFormatError,
    OutputPathError,
)
from glassnet.store import modelfile

# ---------------------------------------------------------------------- helpers


def make_network(
    sizes: list[int] | None = None,
    *,
    dtype: Any = np.float64,
    classes: list[Any] | None = None,
    activation: str = "relu",
    output: str = "softmax",
    seed: int = 0,
) -> Network:
    network = Network(
        sizes or [64, 16, 10], activation, output, seed=seed, dtype=dtype, classes=classes
    )
    # Non-zero biases, so a mix-up of biases would show.
    rng = np.random.default_rng(seed + 1)
    for layer in network.layers:
        layer.b[...] = rng.standard_normal(layer.b.shape).astype(layer.b.dtype)
    return network


def same_bits(first: Network, second: Network) -> bool:
    pairs = zip(first.parameters(), second.parameters(), strict=True)
    return all(a.dtype == b.dtype and a.tobytes() == b.tobytes() for a, b in pairs)


def npy_bytes(array: np.ndarray, *, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def meta_npy(meta: Any) -> bytes:
    text = meta if isinstance(meta, str) else json.dumps(meta)
    return npy_bytes(np.array(text, dtype=f"<U{max(len(text), 1)}"))


def saved_parts(tmp_path: Path, network: Network | None = None) -> tuple[dict, list]:
    """Save a network, return its metadata dict and its arrays [W0, b0, ...]."""
    path = modelfile.save(network or make_network(), tmp_path / "source.npz")
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
        arrays = [archive[name] for name in modelfile.array_names(len(meta["sizes"]) - 1)]
    return meta, arrays


def write_model(
    path: Path,
    meta: dict,
    arrays: list[np.ndarray],
    *,
    fix_checksum: bool = True,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A model file built by hand (optionally with the checksum made to match)."""
    if fix_checksum:
        meta = {**meta, "sha256": modelfile.model_checksum(arrays, meta)}
    members = {"meta.npy": meta_npy(meta)}
    for name, array in zip(modelfile.array_names(len(arrays) // 2), arrays, strict=True):
        members[f"{name}.npy"] = npy_bytes(array)
    members.update(extra or {})
    return write_zip(path, members)


def rejects(path: Path, *fragments: str) -> ModelFormatError:
    """load(path) must raise ModelFormatError (exactly that type), mentioning the fragments."""
    with pytest.raises(ModelFormatError) as caught:
        modelfile.load(path)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    return caught.value


def patch_central_directory(data: bytes, member: str, offset: int, value: int) -> bytes:
    """Overwrite a 4-byte field of ``member``'s central directory entry.

    Central directory entries start with ``PK\\x01\\x02``; the file name starts 46
    bytes in. Offsets: 8 = flags (2 bytes), 20 = compressed size, 24 = file size.
    """
    name = member.encode()
    start = 0
    while True:
        start = data.index(b"PK\x01\x02", start)
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name:
            break
        start += 4
    patched = bytearray(data)
    struct.pack_into("<I", patched, start + offset, value)
    return bytes(patched)


# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("hidden", [[], [16], [20, 12]])
def test_round_trip_is_bitwise(tmp_path: Path, dtype: Any, hidden: list[int]) -> None:
    network = make_network([64, *hidden, 10], dtype=dtype, activation="tanh")
    path = modelfile.save(network, tmp_path / "model.npz")
    loaded = modelfile.load(path)
    assert same_bits(network, loaded)
    assert loaded.config() == network.config()
    X = np.random.default_rng(3).random((25, 64))
    np.testing.assert_array_equal(loaded.predict(X), network.predict(X))
    np.testing.assert_array_equal(loaded.forward(X), network.forward(X))


def test_round_trip_string_labels_and_single_output(tmp_path: Path) -> None:
    words = make_network([64, 8, 3], classes=["cat", "dog", "émeu"], output="sigmoid")
    loaded = modelfile.load(modelfile.save(words, tmp_path / "words.npz"))
    assert loaded.classes.tolist() == ["cat", "dog", "émeu"]
    assert same_bits(words, loaded)

    one = make_network([64, 1], activation="sigmoid", output="sigmoid")
    loaded = modelfile.load(modelfile.save(one, tmp_path / "one.npz"))
    assert same_bits(one, loaded)
    assert loaded.classes.tolist() == [0, 1]
    X = np.random.default_rng(0).random((10, 64))
    np.testing.assert_array_equal(loaded.predict(X), one.predict(X))


def test_plain_numpy_can_open_it(tmp_path: Path) -> None:
    network = make_network()
    path = modelfile.save(network, tmp_path / "model.npz", training={"epochs": 5})
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["W0", "W1", "b0", "b1", "meta"]
        np.testing.assert_array_equal(archive["W0"], network.layers[0].W)
        np.testing.assert_array_equal(archive["b1"], network.layers[1].b)
        meta = json.loads(str(archive["meta"]))
    assert meta["format"] == "glassnet-model"
    assert meta["format_version"] == 2
    assert meta["sizes"] == [64, 16, 10]
    assert meta["input"]["shape"] == [8, 8]
    assert meta["training"] == {"epochs": 5}
    assert meta["sha256"] == modelfile.model_checksum(network.parameters(), meta)
    assert meta == modelfile.read_metadata(path)


def test_metadata_records_what_is_known(tmp_path: Path) -> None:
    network = make_network([784, 10])
    meta = modelfile.read_metadata(modelfile.save(network, tmp_path / "mnist.npz"))
    assert meta["input"] == {"shape": None, "scaling": None}
    assert meta["training"] is None
    assert isinstance(meta["glassnet_version"], str)


def test_training_dict_is_checked_and_made_plain(tmp_path: Path) -> None:
    network = make_network()
    training = {"learning_rate": np.float32(0.5), "epochs": np.int64(3), "sizes": (64, 10)}
    meta = modelfile.read_metadata(modelfile.save(network, tmp_path / "a.npz", training=training))
    assert meta["training"] == {"learning_rate": 0.5, "epochs": 3, "sizes": [64, 10]}
    # As in any JSON, keys become strings (per-class scores keyed by digit, say).
    meta = modelfile.read_metadata(modelfile.save(network, tmp_path / "k.npz", training={3: 0.9}))
    assert meta["training"] == {"3": 0.9}
    for bad in ({"f": object()}, {"loss": float("nan")}, {"x": np.zeros(2)}, ["not", "a dict"]):
        with pytest.raises(ConfigError):
            modelfile.save(network, tmp_path / "b.npz", training=bad)
    assert not (tmp_path / "b.npz").exists()
    with pytest.raises(ConfigError, match="training dict smaller"):
        modelfile.save(network, tmp_path / "b.npz", training={"x": "y" * 300_000})


def test_path_is_kept_exactly_and_json_suffix_refused(tmp_path: Path) -> None:
    network = make_network()
    path = modelfile.save(network, tmp_path / "digits")
    assert path == tmp_path / "digits" and path.exists()
    assert same_bits(modelfile.load(path), network)
    with pytest.raises(ConfigError, match="export_json"):
        modelfile.save(network, tmp_path / "digits.json")


def test_non_finite_weights_are_not_saved(tmp_path: Path) -> None:
    network = make_network()
    network.layers[0].W[0, 0] = np.nan
    with pytest.raises(DataError):
        modelfile.save(network, tmp_path / "nan.npz")
    with pytest.raises(DataError):
        modelfile.export_json(network, tmp_path / "nan.json")


def test_float_class_labels_are_refused_at_save_time(tmp_path: Path) -> None:
    network = make_network([64, 3], classes=[0.5, 1.5, 2.5])
    with pytest.raises(ConfigError, match="classes"):
        modelfile.save(network, tmp_path / "floats.npz")
    whole = make_network([64, 3], classes=[0.0, 1.0, 2.0])  # whole, but floats all the same
    with pytest.raises(ConfigError, match=r"all integers \(not floats, even whole ones"):
        modelfile.save(whole, tmp_path / "whole-floats.npz")
    assert not (tmp_path / "whole-floats.npz").exists()


def test_network_save_method_uses_this_module(tmp_path: Path) -> None:
    network = make_network()
    path = modelfile.save(network, tmp_path / "m.npz", training={"seed": 0})
    assert modelfile.read_metadata(path)["training"] == {"seed": 0}


def test_compressed_npz_is_read_too(tmp_path: Path) -> None:
    meta, arrays = saved_parts(tmp_path)
    path = tmp_path / "compressed.npz"
    members = {"meta": np.array(json.dumps(meta)), "W0": arrays[0], "b0": arrays[1]}
    members |= {"W1": arrays[2], "b1": arrays[3]}
    np.savez_compressed(path, **members)
    loaded = modelfile.load(path)
    assert [a.tobytes() for a in loaded.parameters()] == [a.tobytes() for a in arrays]


# ---------------------------------------------------------------------- hostile files


class Exploit:
    """Unpickling this would run ``os.system``-like code: here it just sets a flag."""

    ran = False

    def __reduce__(self):  # noqa: ANN204
        return (_mark_exploited, ())


def _mark_exploited() -> None:
    Exploit.ran = True


def test_pickled_object_array_is_refused_and_never_run(tmp_path: Path) -> None:
    meta, arrays = saved_parts(tmp_path)
    hostile = np.empty((64, 16), dtype=object)
    hostile[...] = Exploit()
    members = read_members(tmp_path / "source.npz")
    members["W0.npy"] = npy_bytes(hostile, allow_pickle=True)
    rejects(write_zip(tmp_path / "object.npz", members), "pickle")
    assert not Exploit.ran


def test_raw_pickle_payload_is_refused_and_never_run(tmp_path: Path) -> None:
    saved_parts(tmp_path)
    members = read_members(tmp_path / "source.npz")
    members["W0.npy"] = pickle.dumps(Exploit())
    rejects(write_zip(tmp_path / "pickle.npz", members))
    members["meta.npy"] = pickle.dumps(Exploit())
    rejects(write_zip(tmp_path / "pickle-meta.npz", members))
    assert not Exploit.ran


def test_truncated_files_are_refused(tmp_path: Path) -> None:
    data = modelfile.save(make_network(), tmp_path / "good.npz").read_bytes()
    for cut in (1, 4, 30, 100, 200, len(data) // 2, len(data) - 200, len(data) - 22, len(data) - 1):
        path = tmp_path / f"cut{cut}.npz"
        path.write_bytes(data[:cut])
        rejects(path, "cannot load")


def test_flipped_bytes_are_refused(tmp_path: Path) -> None:
    path = modelfile.save(make_network(), tmp_path / "good.npz")
    data = path.read_bytes()
    array_start = data.index(b"\x93NUMPY", data.index(b"W0.npy")) + 128
    # (Not every byte matters: the sizes in the local headers, say, are ignored in
    # favour of the central directory. The fuzz test below covers those.)
    for position in (0, 2, 300, 1000, array_start + 5, len(data) // 2, len(data) - 100):
        flipped = bytearray(data)
        flipped[position] ^= 0x40
        bad = tmp_path / f"flip{position}.npz"
        bad.write_bytes(bytes(flipped))
        rejects(bad)


def test_changed_weights_fail_the_checksum(tmp_path: Path) -> None:
    # A rewritten archive has valid CRCs: only the SHA-256 notices.
    meta, arrays = saved_parts(tmp_path)
    arrays[2] = arrays[2].copy()
    arrays[2][3, 4] += 1e-12
    path = write_model(tmp_path / "edited.npz", meta, arrays, fix_checksum=False)
    rejects(path, "checksum mismatch")
    # Swapping two layers with the same shapes is caught too: the names are hashed.
    meta, arrays = saved_parts(tmp_path, make_network([10, 10, 10]))
    swapped = [arrays[2], arrays[3], arrays[0], arrays[1]]
    rejects(write_model(tmp_path / "swap.npz", meta, swapped, fix_checksum=False), "checksum")


def test_wrong_shape_is_refused(tmp_path: Path) -> None:
    meta, arrays = saved_parts(tmp_path, make_network([64, 32, 10]))
    arrays[0] = arrays[0][:, :31].copy()
    rejects(write_model(tmp_path / "shape.npz", meta, arrays), "W0", "(64, 31)", "(64, 32)")


def test_missing_and_extra_members_are_refused(tmp_path: Path) -> None:
    saved_parts(tmp_path)
    members = read_members(tmp_path / "source.npz")
    for name in ("b1.npy", "W0.npy", "meta.npy"):
        rejects(
            write_zip(tmp_path / "missing.npz", {k: v for k, v in members.items() if k != name})
        )
    rejects(write_zip(tmp_path / "extra.npz", members | {"notes.txt": b"hi"}), "unexpected")
    rejects(write_zip(tmp_path / "extra2.npz", members | {"W2.npy": members["W1.npy"]}))
    rejects(write_zip(tmp_path / "dir.npz", members | {"W0/": b""}), "unexpected")
    # A whole extra layer (consistent arrays) is still not what the metadata says.
    more = members | {"W2.npy": npy_bytes(np.zeros((10, 10))), "b2.npy": npy_bytes(np.zeros(10))}
    rejects(write_zip(tmp_path / "layers.npz", more), "layer")


def test_duplicate_member_names_are_refused(tmp_path: Path) -> None:
    saved_parts(tmp_path)
    members = read_members(tmp_path / "source.npz")
    path = write_zip(tmp_path / "dup.npz", members)
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "a") as archive:
        archive.writestr("W0.npy", members["W0.npy"])
    rejects(path, "twice")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"activation": "swish"}, "unknown activation 'swish'"),
        ({"output": "softmax2"}, "unknown output"),
        ({"activation": "softmax"}, "hidden"),
        ({"format": "keras"}, "not a glassnet model file"),
        ({"format_version": 3}, "newer glassnet"),
        ({"format_version": 1}, "earlier glassnet"),
        ({"format_version": True}, "format_version"),
        ({"dtype": "float16"}, "dtype"),
        ({"sizes": [64, 16.0, 10]}, "sizes"),
        ({"sizes": [64, 0, 10]}, "sizes"),
        ({"sizes": [64, 10**9, 10]}, "sizes"),
        ({"classes": [0, 1, 2]}, "classes"),
        ({"classes": list(range(9)) + ["9"]}, "classes"),
        ({"classes": [0] * 10}, "distinct"),
        ({"classes": [True] + list(range(1, 10))}, "classes"),
        ({"input": {"shape": [8, 9], "scaling": None}}, "input shape"),
        ({"input": {"shape": None}}, "input"),
        ({"training": [1, 2]}, "training"),
        ({"glassnet_version": 1}, "glassnet_version"),
        ({"sha256": "ABC"}, "sha256"),
        ({"surprise": 1}, "unknown 'surprise'"),
    ],
)
def test_bad_metadata_is_refused(tmp_path: Path, change: dict, fragment: str) -> None:
    meta, arrays = saved_parts(tmp_path)
    fix = "sha256" not in change
    path = write_model(tmp_path / "meta.npz", {**meta, **change}, arrays, fix_checksum=fix)
    rejects(path, fragment)
    with pytest.raises(ModelFormatError):
        modelfile.read_metadata(path)


def test_missing_metadata_key_is_refused(tmp_path: Path) -> None:
    meta, arrays = saved_parts(tmp_path)
    del meta["training"]
    rejects(write_model(tmp_path / "m.npz", meta, arrays), "missing training")


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2, 3]",
        '"just a string"',
        "null",
        "{not json",
        "",
        '{"format": NaN}',
        '{"a": 1, "a": 2}',
    ],
)
def test_metadata_that_is_not_a_json_object_is_refused(tmp_path: Path, text: str) -> None:
    saved_parts(tmp_path)
    members = read_members(tmp_path / "source.npz")
    members["meta.npy"] = meta_npy(text) if text else npy_bytes(np.array("", dtype="<U1"))
    rejects(write_zip(tmp_path / "json.npz", members))


def test_metadata_of_the_wrong_array_type_is_refused(tmp_path: Path) -> None:
    saved_parts(tmp_path)
    members = read_members(tmp_path / "source.npz")
    for wrong in (np.frombuffer(b'{"a": 1}', dtype=np.uint8), np.array(["{}", "{}"]), np.zeros(3)):
        members["meta.npy"] = npy_bytes(wrong)
        rejects(write_zip(tmp_path / "metatype.npz", members), "meta must be")


def test_non_finite_weight_with_a_valid_checksum_is_refused(tmp_path: Path) -> None:
    for value in (np.nan, np.inf, -np.inf):
        meta, arrays = saved_parts(tmp_path)
        arrays[1] = arrays[1].copy()
        arrays[1][0] = value
        rejects(write_model(tmp_path / "nan.npz", meta, arrays), "b0", "NaN or infinite")


@pytest.mark.parametrize(
    ("convert", "fragment"),
    [
        (lambda a: a.astype(np.float16), "float16"),
        (lambda a: a.astype(np.float32), "float32"),
        (lambda a: a.astype(">f8"), "big-endian"),
        (lambda a: np.asfortranarray(a), "Fortran"),
        (lambda a: (a * 1000).astype(np.int64), "int64"),
        (lambda a: a.astype(np.complex128), "complex128"),
    ],
)
def test_wrong_array_dtype_or_layout_is_refused(
    tmp_path: Path, convert: Any, fragment: str
) -> None:
    meta, arrays = saved_parts(tmp_path)  # float64 network
    arrays[0] = convert(arrays[0])
    # The checksum is made to match, so only the dtype/layout check can refuse it.
    rejects(write_model(tmp_path / "dtype.npz", meta, arrays), "W0", fragment)


def test_npy_header_lying_about_the_size_is_refused(tmp_path: Path) -> None:
    meta, arrays = saved_parts(tmp_path)
    members = read_members(tmp_path / "source.npz")
    members["b1.npy"] = members["b1.npy"] + b"\x00" * 8  # one number too many
    rejects(write_zip(tmp_path / "long.npz", members), "b1", "zip directory says")
    members = read_members(tmp_path / "source.npz")
    members["b1.npy"] = members["b1.npy"][:-8]
    rejects(write_zip(tmp_path / "short.npz", members), "b1")


def test_not_model_files_at_all(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello, I am not a model\n")
    rejects(text, "not a glassnet model file")
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    rejects(empty, "not a glassnet model file")
    rejects(tmp_path, "directory")
    rejects(tmp_path / "nowhere.npz", "no such file")
    plain_npz = tmp_path / "plain.npz"
    np.savez(plain_npz, x=np.zeros(3))
    rejects(plain_npz, "not a glassnet model file")
    np.save(tmp_path / "array.npy", np.zeros(3))
    rejects(tmp_path / "array.npy", "not a glassnet model file")


def test_a_member_declaring_a_huge_size_is_refused_before_reading(tmp_path: Path) -> None:
    data = modelfile.save(make_network(), tmp_path / "good.npz").read_bytes()
    huge = tmp_path / "huge.npz"
    huge.write_bytes(patch_central_directory(data, "W0.npy", 24, 0x7FFF_FFFF))
    rejects(huge, "W0.npy", "limit")
    huge.write_bytes(patch_central_directory(data, "meta.npy", 24, 50_000_000))
    rejects(huge, "meta.npy", "limit")


def test_lowered_limits_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = modelfile.save(make_network([64, 32, 10]), tmp_path / "good.npz")
    monkeypatch.setattr(modelfile, "MAX_TOTAL_BYTES", 4096)
    rejects(path, "in total")
    monkeypatch.undo()
    monkeypatch.setattr(modelfile, "MAX_ARRAY_ELEMENTS", 100)
    rejects(path, "W0.npy", "limit")
    monkeypatch.undo()
    monkeypatch.setattr(modelfile, "MAX_LAYER_SIZE", 50)
    rejects(path, "sizes")


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    saved_parts(tmp_path)
    members = read_members(tmp_path / "source.npz")
    members["b0.npy"] = npy_bytes(np.zeros(16))
    path = write_zip(tmp_path / "deflated.npz", members, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path) as archive:
        compressed = archive.getinfo("W0.npy").compress_size
    bomb = patch_central_directory(path.read_bytes(), "W0.npy", 24, compressed * 5000)
    path.write_bytes(bomb)
    rejects(path, "compression ratio")


def test_encrypted_and_exotic_members_are_refused(tmp_path: Path) -> None:
    data = modelfile.save(make_network(), tmp_path / "good.npz").read_bytes()
    bad = tmp_path / "bad.npz"
    flags = patch_central_directory(data, "W0.npy", 8, 0)  # clears flags and method
    encrypted = bytearray(flags)
    start = encrypted.index(b"PK\x01\x02")
    while encrypted[start + 46 : start + 52] != b"W0.npy":
        start = encrypted.index(b"PK\x01\x02", start + 4)
    encrypted[start + 8] |= 0x1
    bad.write_bytes(bytes(encrypted))
    rejects(bad, "encrypted")
    method = bytearray(data)
    method[start + 10] = 12  # bzip2
    bad.write_bytes(bytes(method))
    rejects(bad, "compression method")


# ---------------------------------------------------------------------- fuzzing


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Network, Path]:
    directory = tmp_path_factory.mktemp("fuzz")
    network = make_network([64, 4, 3], classes=["a", "b", "c"])
    data = modelfile.save(network, directory / "good.npz", training={"epochs": 7}).read_bytes()
    return data, network, directory


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, 255)),
)


def damaged(original: bytes, mutations: list[tuple[str, int, int]]) -> bytes:
    """``original`` with each mutation applied: a flipped byte, a cut, or an inserted byte."""
    data = bytearray(original)
    for kind, position, value in mutations:
        position %= max(len(data), 1)
        if kind == "flip" and data:
            data[position] ^= value
        elif kind == "truncate":
            del data[position:]
        elif kind == "insert":
            data.insert(position, value)
    return bytes(data)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutations=st.lists(mutation, min_size=1, max_size=3))
def test_random_damage_never_gives_another_error_or_other_weights(
    fuzz_target: tuple[bytes, Network, Path], mutations: list[tuple[str, int, int]]
) -> None:
    original, network, directory = fuzz_target
    data = damaged(original, mutations)
    path = directory / "damaged.npz"
    path.write_bytes(data)
    try:
        meta = modelfile.read_metadata(path)
    except ModelFormatError:
        pass
    else:  # the metadata is protected by the zip's CRC-32: intact or refused
        assert meta == modelfile.read_metadata(directory / "good.npz")
    try:
        loaded = modelfile.load(path)
    except ModelFormatError:
        return
    # The damage hit bytes that do not matter (a timestamp, say): all must be intact.
    assert same_bits(loaded, network)
    assert loaded.config() == network.config()


@pytest.fixture(scope="module")
def json_fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Network, Path]:
    directory = tmp_path_factory.mktemp("jsonfuzz")
    network = make_network([64, 3, 2], dtype=np.float32)
    return modelfile.export_json(network, directory / "good.json").read_bytes(), network, directory


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutations=st.lists(mutation, min_size=1, max_size=2))
def test_random_damage_to_a_json_model(
    json_fuzz_target: tuple[bytes, Network, Path], mutations: list[tuple[str, int, int]]
) -> None:
    original, network, directory = json_fuzz_target
    data = damaged(original, mutations)
    path = directory / "damaged.json"
    path.write_bytes(data)
    try:
        loaded = modelfile.load_json(path)
    except ModelFormatError:
        return
    # JSON has no CRC: an edit to, say, the training notes is accepted, but the
    # weights are covered by the SHA-256 and must be exactly the exported ones.
    assert same_bits(loaded, network)


# ---------------------------------------------------------------------- atomic writes


def no_temporary_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.endswith(".tmp")]


def disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_write_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    old = make_network(seed=1)
    path = modelfile.save(old, tmp_path / "model.npz")
    before = path.read_bytes()
    monkeypatch.setattr(modelfile.os, failing, disk_full)
    with pytest.raises(GlassnetError) as caught:
        modelfile.save(make_network(seed=2), path)
    monkeypatch.undo()
    assert not isinstance(caught.value, ModelFormatError)
    message = str(caught.value)
    assert "could not write model file" in message and "No space left" in message
    assert "previous file, if any, is unchanged" in message
    assert path.read_bytes() == before
    assert same_bits(modelfile.load(path), old)
    assert no_temporary_files(tmp_path)


def test_a_failure_inside_the_writer_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = make_network(seed=1)
    path = modelfile.export_json(old, tmp_path / "model.json")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(modelfile.json, "dumps", broken)
    with pytest.raises(RuntimeError):
        modelfile.export_json(make_network(seed=2), path)
    monkeypatch.undo()
    assert same_bits(modelfile.load_json(path), old)
    assert no_temporary_files(tmp_path)


def test_writing_into_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GlassnetError, match="could not write model file"):
        modelfile.save(make_network(), tmp_path / "no" / "such" / "model.npz")
    with pytest.raises(OutputPathError, match="will not write model file over .*it is a folder"):
        modelfile.save(make_network(), tmp_path)  # a directory is in the way


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    path = modelfile.save(make_network(), tmp_path / "model.npz")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


# ---------------------------------------------------------------------- JSON export


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_json_round_trip_is_bitwise(tmp_path: Path, dtype: Any) -> None:
    network = make_network([64, 12, 8, 3], dtype=dtype, classes=["x", "y", "z"])
    path = modelfile.export_json(network, tmp_path / "model.json", training={"note": "hi"})
    loaded = modelfile.load_json(path)
    assert same_bits(network, loaded)
    assert loaded.config() == network.config()
    assert same_bits(modelfile.load_any(path), network)
    document = json.loads(path.read_text())
    assert document["layers"][0]["activation"] == "relu"
    assert len(document["layers"][0]["weights"]) == 64
    meta = modelfile.read_metadata(path)
    assert meta["training"] == {"note": "hi"} and "layers" not in meta
    npz = modelfile.save(network, tmp_path / "model.npz", training={"note": "hi"})
    assert same_bits(modelfile.load_any(npz), network)
    assert {**modelfile.read_metadata(npz), "glassnet_version": 0} == {
        **meta,
        "glassnet_version": 0,
    }


def json_model(tmp_path: Path) -> dict:
    path = modelfile.export_json(make_network([64, 4, 3]), tmp_path / "good.json")
    return json.loads(path.read_text())


def write_json(tmp_path: Path, document: Any, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def rejects_json(path: Path, *fragments: str) -> None:
    with pytest.raises(ModelFormatError) as caught:
        modelfile.load_json(path)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    with pytest.raises(ModelFormatError):
        modelfile.load_any(path)


def test_bad_json_models_are_refused(tmp_path: Path) -> None:
    good = json_model(tmp_path)
    rejects_json(write_json(tmp_path, "[1, 2]"), "JSON object")
    rejects_json(write_json(tmp_path, "{nope"), "not valid JSON")
    rejects_json(write_json(tmp_path, ""))
    rejects_json(write_json(tmp_path, "hello"))
    (tmp_path / "latin.json").write_bytes(b'{"a": "\xff"}')
    rejects_json(tmp_path / "latin.json", "UTF-8")
    rejects_json(tmp_path / "nowhere.json", "no such file")
    rejects_json(write_json(tmp_path, {k: v for k, v in good.items() if k != "layers"}), "layers")

    def edited(change: Any) -> dict:
        document = json.loads(json.dumps(good))
        change(document)
        return document

    cases = [
        (lambda d: d["layers"][0]["weights"].pop(), "layer 0 weights"),
        (lambda d: d["layers"][0]["weights"][0].append(0.5), "layer 0 weights"),
        (lambda d: d["layers"][1]["biases"].pop(), "layer 1 biases"),
        (lambda d: d["layers"][0]["weights"][0].__setitem__(0, True), "layer 0 weights"),
        (lambda d: d["layers"][0]["weights"][0].__setitem__(0, "0.5"), "layer 0 weights"),
        (lambda d: d["layers"][0]["weights"][0].__setitem__(0, [0.5]), "layer 0 weights"),
        (lambda d: d["layers"][0].__setitem__("activation", "tanh"), "activation"),
        (lambda d: d["layers"][0].__setitem__("extra", 1), "exactly the keys"),
        (lambda d: d["layers"].pop(), "layers"),
        (lambda d: d["layers"][0]["weights"][0].__setitem__(0, 0.25), "checksum mismatch"),
        (lambda d: d.__setitem__("activation", "swish"), "unknown activation"),
        (lambda d: d.__setitem__("extra", 1), "unknown 'extra'"),
    ]
    for change, fragment in cases:
        rejects_json(write_json(tmp_path, edited(change)), fragment)

    text = json.dumps(good)
    rejects_json(write_json(tmp_path, text.replace('"biases": [', '"biases": [NaN, ', 1)), "NaN")
    big = json.dumps(edited(lambda d: d["layers"][1]["biases"].__setitem__(0, 1e400)))
    rejects_json(write_json(tmp_path, big.replace("Infinity", "1e400")))
    rejects_json(write_json(tmp_path, text.replace("{", '{"sizes": [1, 1], ', 1)), "repeats a key")
    rejects_json(tmp_path, "directory")


def test_json_float32_overflow_is_refused_quietly(tmp_path: Path) -> None:
    network = make_network(dtype=np.float32)
    document = json.loads(modelfile.export_json(network, tmp_path / "f.json").read_text())
    document["layers"][0]["biases"][0] = 1e300  # fine as float64, inf as float32
    arrays = network.get_parameters()
    arrays[1][0] = np.inf
    document["sha256"] = modelfile.model_checksum(arrays, document)  # only the finite check objects
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning about the overflowing cast
        rejects_json(write_json(tmp_path, document), "b0", "NaN or infinite")


def test_oversized_json_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = modelfile.export_json(make_network(), tmp_path / "model.json")
    monkeypatch.setattr(modelfile, "MAX_JSON_BYTES", 1000)
    rejects_json(path, "limit")


def test_json_export_of_string_labels_with_unicode(tmp_path: Path) -> None:
    network = make_network([64, 2], classes=["ünï", "☃"])
    loaded = modelfile.load_json(modelfile.export_json(network, tmp_path / "u.json"))
    assert loaded.classes.tolist() == ["ünï", "☃"]
    assert same_bits(loaded, network)


# ---------------------------------------------------------------------- settings in the checksum
@pytest.mark.parametrize(("field", "edit"), [
    ("activation", lambda meta: "sigmoid" if meta["activation"] != "sigmoid" else "tanh"),
    ("output", lambda meta: "sigmoid" if meta["output"] != "sigmoid" else "softmax"),
    ("classes", lambda meta: list(reversed(meta["classes"]))),  # 93.1% -> 0.7% when it loaded
    ("classes", lambda meta: [label + 10 for label in meta["classes"]]),
    ("input", lambda meta: {**meta["input"], "scaling": "0..255"}),
    ("input", lambda meta: {**meta["input"], "shape": [4, 16]}),
])
def test_an_edited_setting_that_changes_predictions_is_detected(tmp_path, field, edit):
    meta, arrays = saved_parts(tmp_path)
    edited = {**meta, field: edit(meta)}  # the old checksum kept, as an editor would
    rejects(write_model(tmp_path / "edited.npz", edited, arrays, fix_checksum=False),
            "checksum mismatch")


def test_the_prediction_fields_are_all_the_settings_that_change_predictions():
    described_only = {"format", "format_version", "training", "glassnet_version", "sha256"}
    assert set(modelfile.PREDICTION_FIELDS) == modelfile._METADATA_KEYS - described_only


def test_what_only_describes_the_training_may_be_edited(tmp_path):
    meta, arrays = saved_parts(tmp_path)
    edited = {**meta, "training": {"note": "edited"}, "glassnet_version": "0.0.9"}
    path = write_model(tmp_path / "edited.npz", edited, arrays, fix_checksum=False)
    np.testing.assert_array_equal(modelfile.load(path).layers[0].W, arrays[0])


def test_a_version_1_file_is_refused_since_its_settings_were_unprotected(tmp_path):
    meta, arrays = saved_parts(tmp_path)
    old = {**meta, "format_version": 1, "activation": "sigmoid",
           "sha256": modelfile.array_checksum(arrays)}  # version 1: arrays only
    rejects(write_model(tmp_path / "v1.npz", old, arrays, fix_checksum=False),
            "earlier glassnet (format version 1", "train the model again")


# ---------------------------------------------------------------------- memory
def test_loading_holds_at_most_three_copies_of_the_arrays(tmp_path):
    """The bound that keeps any file within 512 MiB: three times MAX_TOTAL_BYTES at most."""
    import tracemalloc

    path = modelfile.save(make_network([64, 1500, 1500, 10]), tmp_path / "large.npz")
    array_bytes = sum(array.nbytes for array in saved_parts(tmp_path, modelfile.load(path))[1])
    tracemalloc.start()
    try:
        modelfile.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 3.2 * array_bytes, f"peak {peak:,} bytes for {array_bytes:,} bytes of arrays"
    assert 3.2 * modelfile.MAX_TOTAL_BYTES <= 512 << 20


def test_a_small_file_declaring_a_huge_network_is_refused_before_inflating(tmp_path, monkeypatch):
    """The 523 KB file that declared a 4090-16384-1 network inflated to 1.08 GB first."""
    import tracemalloc

    network = make_network([64, 4096, 1], output="sigmoid")
    meta, arrays = saved_parts(tmp_path, network)
    arrays = [np.zeros_like(array) for array in arrays]  # zeros deflate about 1000:1
    members = {"meta.npy": meta_npy({**meta, "sha256": modelfile.model_checksum(arrays, meta)})}
    for name, array in zip(modelfile.array_names(2), arrays, strict=True):
        members[f"{name}.npy"] = npy_bytes(array)
    path = write_zip(tmp_path / "bomb.npz", members, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 20_000
    monkeypatch.setattr(modelfile, "MAX_TOTAL_BYTES", 1 << 20)  # the 2 MiB of arrays exceed it
    tracemalloc.start()
    try:
        rejects(path, "in total")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20  # nothing was inflated


def test_labels_that_are_not_unicode_text_are_refused_at_save_time(tmp_path: Path) -> None:
    """A lone surrogate cannot be printed or written as UTF-8: no file is made with one."""
    network = make_network([64, 3], classes=["a", "\ud800", "c"])
    for write, name in ((modelfile.save, "s.npz"), (modelfile.export_json, "s.json")):
        with pytest.raises(ConfigError, match=r"not valid Unicode at classes\[1\]"):
            write(network, tmp_path / name)
        assert not (tmp_path / name).exists()
    with pytest.raises(ConfigError, match="not valid Unicode at training.note"):
        modelfile.save(make_network(), tmp_path / "t.npz", training={"note": "\udc80"})
