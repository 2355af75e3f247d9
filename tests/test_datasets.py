"""Tests of glassnet.data: the built-in digits, Dataset, the split, every source and the spec."""

from __future__ import annotations

import gzip
import importlib
import os
import struct
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet.data.digits
import glassnet.data.text
from glassnet.data.csv import load_csv
from glassnet.data.dataset import Dataset, guess_image_shape
from glassnet.data.digits import load_digits, load_optdigits
from glassnet.data.images import load_image_folder
from glassnet.data.mnist import MAX_IDX_BYTES, load_mnist
from glassnet.data.spec import DATASET_KINDS, load_dataset, parse_dataset_spec, scale_advice
from glassnet.data.text import plain_number
from glassnet.errors import ConfigError, DataError, GlassnetError

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_digits()


def indexed(data: Dataset) -> Dataset:
    """The same data with the row number as an extra first feature, to follow rows around."""
    row_numbers = np.arange(data.n_samples, dtype=np.float64)[:, None]
    return Dataset(np.hstack([row_numbers, data.X]), data.y, name=data.name)


def row_ids(data: Dataset) -> np.ndarray:
    return data.X[:, 0].astype(np.int64)


# -- the built-in digits -------------------------------------------------------------


def test_load_digits_equals_scikit_learn_exactly(digits: Dataset) -> None:
    from sklearn.datasets import load_digits as sklearn_load_digits

    reference = sklearn_load_digits()
    assert np.array_equal(digits.X, reference.data / 16)
    assert np.array_equal(digits.y, reference.target)
    assert np.array_equal(digits.images, reference.images / 16)
    assert digits.images.shape == reference.images.shape == (1797, 8, 8)


def test_load_digits_shapes_types_and_values(digits: Dataset) -> None:
    assert len(digits) == digits.n_samples == 1797
    assert digits.n_features == 64
    assert digits.X.dtype == np.float64 and digits.X.shape == (1797, 64)
    assert digits.y.dtype == np.int64 and digits.y.shape == (1797,)
    assert digits.X.min() == 0.0 and digits.X.max() == 1.0
    assert np.array_equal(digits.classes, np.arange(10))
    assert digits.image_shape == (8, 8)
    assert digits.name == "UCI digits"
    # Counts 0..16 divided by 16: every value is a whole number of sixteenths.
    assert np.array_equal(digits.X * 16, np.round(digits.X * 16))


def test_images_is_a_view_of_x(digits: Dataset) -> None:
    assert np.shares_memory(digits.images, digits.X)
    assert np.array_equal(digits.images.reshape(1797, 64), digits.X)


def test_load_digits_returns_fresh_copies() -> None:
    first = load_digits()
    first.X[:] = 7.0
    first.y[:] = -1
    second = load_digits()
    assert second.X.max() == 1.0
    assert second.y.min() == 0
    assert not np.shares_memory(first.X, second.X)


def test_the_library_does_not_import_scikit_learn() -> None:
    source_root = Path(glassnet.data.digits.__file__).resolve().parents[2]  # src/
    code = (
        "import sys, glassnet.data.digits as d; d.load_digits(); "
        "assert 'sklearn' not in sys.modules, 'sklearn was imported'"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source_root), *sys.path])}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_the_digits_file_ships_inside_the_package() -> None:
    data_file = Path(glassnet.data.digits.__file__).parent / "digits.npz"
    assert data_file.is_file()
    with np.load(data_file, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["counts", "labels"]
        assert archive["counts"].dtype == np.uint8


# -- Dataset: checking what comes in -------------------------------------------------


def test_dataset_basic_attributes() -> None:
    data = Dataset([[0, 1, 2, 3], [4, 5, 6, 7]], [1, 0], name="tiny", image_shape=(2, 2))
    assert data.X.dtype == np.float64
    assert data.images.shape == (2, 2, 2)
    assert np.array_equal(data.classes, [0, 1])
    assert data.name == "tiny" and data.n_samples == 2 and data.n_features == 4
    assert "tiny" in repr(data)


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_dataset_rejects_non_finite_values(bad_value: float) -> None:
    X = np.zeros((5, 3))
    X[2, 1] = bad_value
    X[4, 0] = bad_value
    with pytest.raises(DataError, match=r"2 values .*NaN or infinite.*row 2, column 1"):
        Dataset(X, np.zeros(5, dtype=int))


def test_dataset_rejects_mismatched_lengths() -> None:
    with pytest.raises(DataError, match="3 rows but y has 2 labels"):
        Dataset(np.zeros((3, 4)), [0, 1])


@pytest.mark.parametrize("shape", [(4,), (2, 2, 2), ()])
def test_dataset_rejects_x_that_is_not_2d(shape: tuple[int, ...]) -> None:
    with pytest.raises(DataError, match="2-D"):
        Dataset(np.zeros(shape), np.zeros(4, dtype=int))


def test_dataset_rejects_empty_and_non_numeric_data() -> None:
    with pytest.raises(DataError, match="empty"):
        Dataset(np.zeros((0, 4)), np.zeros(0, dtype=int))
    with pytest.raises(DataError, match="no features"):
        Dataset(np.zeros((2, 0)), [0, 1])
    with pytest.raises(DataError, match="real numbers"):
        Dataset(np.array([["a", "b"]]), [0])
    with pytest.raises(DataError, match="real numbers"):
        Dataset(np.ones((1, 2), dtype=complex), [0])
    with pytest.raises(DataError, match="table of numbers"):
        Dataset([[1.0, 2.0], [3.0]], [0, 1])
    with pytest.raises(DataError, match="1-D"):
        Dataset(np.zeros((2, 2)), np.zeros((2, 1)))
    with pytest.raises(DataError, match="NaN"):
        Dataset(np.zeros((2, 2)), [0.0, np.nan])


def test_dataset_never_changes_the_callers_arrays() -> None:
    X_int = np.arange(6).reshape(2, 3)
    data = Dataset(X_int, [0, 1])
    data.X[:] = -1
    assert np.array_equal(X_int, np.arange(6).reshape(2, 3))

    X_float = np.arange(12, dtype=np.float64).reshape(4, 3)
    y = np.array([3, 1, 3, 1])
    before_X, before_y = X_float.copy(), y.copy()
    Dataset(X_float, y).split(test_fraction=0.5, seed=0)
    assert np.array_equal(X_float, before_X) and np.array_equal(y, before_y)


def test_dataset_image_shape_and_images_are_checked() -> None:
    X = np.arange(8, dtype=np.float64).reshape(2, 4)
    with pytest.raises(DataError, match="does not fit 4 features"):
        Dataset(X, [0, 1], image_shape=(3, 3))
    data = Dataset(X, [0, 1], images=X.reshape(2, 2, 2))
    assert data.image_shape == (2, 2) and np.shares_memory(data.images, data.X)
    with pytest.raises(DataError, match="same numbers"):
        Dataset(X, [0, 1], images=X.reshape(2, 2, 2) + 1)


def test_dataset_classes_given_or_inferred() -> None:
    data = Dataset(np.zeros((3, 2)), ["b", "a", "b"])
    assert data.classes.tolist() == ["a", "b"]
    assert data.y.dtype.kind == "U"
    wide = Dataset(np.zeros((2, 2)), [1, 2], classes=[0, 1, 2])
    assert wide.class_counts() == {0: 0, 1: 1, 2: 1}
    with pytest.raises(DataError, match="not one of the classes"):
        Dataset(np.zeros((2, 2)), [1, 5], classes=[0, 1, 2])
    with pytest.raises(DataError, match="repeat"):
        Dataset(np.zeros((2, 2)), [1, 1], classes=[1, 1])


def test_errors_are_glassnet_and_value_errors() -> None:
    with pytest.raises(GlassnetError):
        Dataset(np.zeros(3), [0, 0, 0])
    with pytest.raises(ValueError):
        Dataset(np.zeros(3), [0, 0, 0])


# -- looking at a dataset ------------------------------------------------------------


def test_as_numbers_is_the_row_as_plain_floats(digits: Dataset) -> None:
    numbers = digits.as_numbers(5)
    assert isinstance(numbers, list) and len(numbers) == 64
    assert all(type(value) is float for value in numbers)
    assert numbers == digits.X[5].tolist()
    assert digits.as_numbers(-1) == digits.X[-1].tolist()
    with pytest.raises(ConfigError, match="does not exist"):
        digits.as_numbers(1797)
    with pytest.raises(ConfigError, match="whole number"):
        digits.as_numbers(1.5)  # type: ignore[arg-type]


def test_describe_mentions_size_shape_range_and_counts(digits: Dataset) -> None:
    text = digits.describe()
    assert "UCI digits" in text
    assert "1797 images" in text and "8x8" in text and "64 features" in text
    assert "values from 0 to 1" in text
    for label, count in digits.class_counts().items():
        assert f"{label}: {count}" in text
    assert digits.class_counts()[0] == 178
    assert len(text.splitlines()) >= 4


# -- split, subset, take ---------------------------------------------------------------


def test_split_is_stratified_disjoint_and_complete(digits: Dataset) -> None:
    data = indexed(digits)
    train, test = data.split(test_fraction=0.2, seed=0)
    train_ids, test_ids = row_ids(train), row_ids(test)
    assert len(np.intersect1d(train_ids, test_ids)) == 0
    assert np.array_equal(np.sort(np.concatenate([train_ids, test_ids])), np.arange(1797))
    assert np.array_equal(train.y, digits.y[train_ids])
    assert np.array_equal(test.y, digits.y[test_ids])
    for label, count in digits.class_counts().items():
        expected = count * 0.2
        assert abs(test.class_counts()[label] - expected) <= 1
    assert np.array_equal(train.classes, digits.classes)
    assert np.array_equal(test.classes, digits.classes)
    assert digits.split(0.2, seed=0)[1].image_shape == digits.image_shape


def test_split_is_deterministic_for_a_seed_and_differs_between_seeds(digits: Dataset) -> None:
    data = indexed(digits)
    first_train, first_test = data.split(0.2, seed=3)
    again_train, again_test = data.split(0.2, seed=3)
    other_train, other_test = data.split(0.2, seed=4)
    assert np.array_equal(row_ids(first_train), row_ids(again_train))
    assert np.array_equal(row_ids(first_test), row_ids(again_test))
    assert not np.array_equal(row_ids(first_test), row_ids(other_test))


def test_split_indices_are_the_rows_split_takes(digits: Dataset) -> None:
    train_rows, test_rows = digits.split_indices(0.25, seed=3)
    train, test = digits.split(0.25, seed=3)
    assert np.array_equal(digits.X[train_rows], train.X)
    assert np.array_equal(digits.y[test_rows], test.y)
    assert sorted([*train_rows, *test_rows]) == list(range(len(digits)))


def test_split_shuffles_each_part(digits: Dataset) -> None:
    train, test = indexed(digits).split(0.2, seed=0)
    assert not np.all(np.diff(row_ids(test)) > 0)
    assert not np.all(np.diff(train.y) >= 0)  # not grouped by class


def test_split_leaves_the_global_random_state_alone(digits: Dataset) -> None:
    before = np.random.get_state()  # noqa: NPY002 - checking the legacy state is untouched
    digits.split(0.3, seed=1)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]


def test_split_accepts_a_generator(digits: Dataset) -> None:
    first = digits.split(0.2, seed=np.random.default_rng(9))[1]
    second = digits.split(0.2, seed=np.random.default_rng(9))[1]
    assert np.array_equal(first.X, second.X)


@pytest.mark.parametrize("fraction", [0, 0.0, 1, 1.0, -0.2, 1.5, float("nan"), "0.2", None, True])
def test_split_rejects_bad_fractions(digits: Dataset, fraction: object) -> None:
    with pytest.raises(ConfigError, match="test_fraction"):
        digits.split(test_fraction=fraction, seed=0)  # type: ignore[arg-type]


def test_split_of_small_classes() -> None:
    data = indexed(Dataset(np.zeros((6, 1)), [0, 1, 1, 2, 2, 2]))
    train, test = data.split(test_fraction=0.1, seed=0)
    # class 0 (1 image) stays in training; classes 1 and 2 give at least one each
    assert test.class_counts() == {0: 0, 1: 1, 2: 1}
    assert train.class_counts() == {0: 1, 1: 1, 2: 2}
    # a fraction near 1 still leaves one image of each class for training
    train, test = data.split(test_fraction=0.99, seed=0)
    assert train.class_counts() == {0: 1, 1: 1, 2: 1}
    with pytest.raises(DataError, match="single image"):
        Dataset(np.zeros((3, 1)), [0, 1, 2]).split(0.5)


def test_validation_can_be_carved_out_of_a_training_split(digits: Dataset) -> None:
    train, test = digits.split(0.2, seed=0)
    fit, validation = train.split(0.1, seed=0)
    assert len(fit) + len(validation) == len(train)
    assert len(validation) > 0 and set(validation.y.tolist()) == set(range(10))


@FAST
@given(
    labels=st.lists(st.integers(0, 4), min_size=2, max_size=60),
    fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_properties_for_any_labels(labels: list[int], fraction: float, seed: int) -> None:
    counts = np.bincount(labels)
    if counts.max() < 2:
        return  # nothing can be set aside: covered by test_split_of_small_classes
    data = indexed(Dataset(np.zeros((len(labels), 1)), labels))
    train, test = data.split(test_fraction=fraction, seed=seed)
    assert len(train) > 0 and len(test) > 0
    all_ids = np.concatenate([row_ids(train), row_ids(test)])
    assert np.array_equal(np.sort(all_ids), np.arange(len(labels)))
    for label, count in enumerate(counts):
        if count == 0:
            continue
        in_test = test.class_counts().get(label, 0)
        if count == 1:
            assert in_test == 0
        else:
            assert 1 <= in_test <= count - 1
            assert abs(in_test - count * fraction) <= 1


def test_subset_keeps_only_those_labels_unchanged(digits: Dataset) -> None:
    zeros_and_ones = digits.subset([0, 1])
    assert set(zeros_and_ones.y.tolist()) == {0, 1}
    assert np.array_equal(zeros_and_ones.classes, [0, 1])
    assert len(zeros_and_ones) == 178 + 182
    mask = np.isin(digits.y, [0, 1])
    assert np.array_equal(zeros_and_ones.X, digits.X[mask])
    assert np.array_equal(zeros_and_ones.images, digits.images[mask])
    assert len(digits.subset(7)) == 179
    assert len(digits.subset(np.array([8, 9]))) == 174 + 180
    assert len(digits.subset(label for label in (3,))) == 183


def test_subset_rejects_unknown_classes(digits: Dataset) -> None:
    with pytest.raises(DataError, match="unknown class 10"):
        digits.subset([1, 10])
    with pytest.raises(DataError, match="unknown class '1'"):
        digits.subset(["1"])
    with pytest.raises(DataError, match="at least one class"):
        digits.subset([])
    sparse = Dataset(np.zeros((2, 1)), [1, 1], classes=[0, 1])
    with pytest.raises(DataError, match="no image"):
        sparse.subset([0])


def test_take_rows_by_index_or_mask(digits: Dataset) -> None:
    picked = digits.take([5, 0, -1])
    assert np.array_equal(picked.X, digits.X[[5, 0, -1]])
    assert np.array_equal(picked.images, digits.images[[5, 0, -1]])
    assert np.array_equal(picked.classes, digits.classes)
    masked = digits.take(digits.y == 3)
    assert len(masked) == 183
    before = digits.X[[5, 0, -1]].copy()
    picked.X[:] = 0.5  # a copy: the original is unchanged
    assert not np.shares_memory(picked.X, digits.X)
    np.testing.assert_array_equal(digits.X[[5, 0, -1]], before)
    with pytest.raises(DataError, match="out of range"):
        digits.take([1797])
    with pytest.raises(DataError, match="no rows"):
        digits.take([])
    with pytest.raises(DataError, match="one True/False per row"):
        digits.take([True, False])
    with pytest.raises(DataError, match="whole numbers"):
        digits.take([0.5])


# -- optdigits files -----------------------------------------------------------------


def optdigits_line(counts: list[int], label: int) -> str:
    return ",".join(str(value) for value in [*counts, label])


def write_optdigits(path: Path, rows: list[tuple[list[int], int]]) -> Path:
    path.write_text("".join(optdigits_line(counts, label) + "\n" for counts, label in rows))
    return path


def test_load_optdigits_reads_a_good_file(tmp_path: Path) -> None:
    rows = [([i % 17] * 64, i % 10) for i in range(12)]
    path = tmp_path / "optdigits.tes"
    path.write_text("\n".join(optdigits_line(c, label) for c, label in rows) + "\n\n")
    data = load_optdigits(path)
    assert data.X.shape == (12, 64) and data.images.shape == (12, 8, 8)
    assert np.array_equal(data.X, np.array([c for c, _ in rows]) / 16)
    assert data.y.tolist() == [label for _, label in rows]
    assert "optdigits.tes" in data.name and data.source == str(path)


def test_load_optdigits_matches_the_built_in_digits_format(tmp_path: Path, digits: Dataset) -> None:
    counts = np.rint(digits.X[:50] * 16).astype(int)
    path = write_optdigits(
        tmp_path / "d.tra",
        [(row.tolist(), int(label)) for row, label in zip(counts, digits.y[:50], strict=True)],
    )
    loaded = load_optdigits(path)
    assert np.array_equal(loaded.X, digits.X[:50])
    assert np.array_equal(loaded.y, digits.y[:50])


@FAST
@given(
    rows=st.lists(
        st.tuples(st.lists(st.integers(0, 16), min_size=64, max_size=64), st.integers(0, 9)),
        min_size=1,
        max_size=8,
    ),
    crlf=st.booleans(),
)
def test_optdigits_rows_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[list[int], int]], crlf: bool
) -> None:
    path = tmp_path_factory.mktemp("opt") / "rows.tra"
    ending = "\r\n" if crlf else "\n"
    path.write_bytes("".join(optdigits_line(c, lab) + ending for c, lab in rows).encode())
    data = load_optdigits(path)
    assert np.array_equal(data.X * 16, np.array([c for c, _ in rows]))
    assert data.y.tolist() == [label for _, label in rows]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("1," * 63 + "1", r"line 2: expected 65 comma-separated values .* found 64"),
        ("1," * 65 + "1", r"line 2: expected 65 .* found 66"),
        ("17," + "1," * 63 + "3", r"line 2, column 1: pixel count 17 is out of range 0..16"),
        ("-1," + "1," * 63 + "3", r"line 2, column 1: pixel count -1 is out of range"),
        ("1," * 64 + "10", r"line 2, column 65: label 10 is out of range 0..9"),
        ("1," * 10 + "x," + "1," * 53 + "3", r"line 2, column 11: pixel count 'x' is not a whole"),
        ("1," * 10 + "1.5," + "1," * 53 + "3", r"line 2, column 11: .*'1.5' is not a whole"),
        ("1," * 10 + "," + "1," * 53 + "3", r"line 2, column 11: .*empty value"),
        ("1," * 64 + "seven", r"line 2, column 65: label 'seven' is not a whole number"),
    ],
)
def test_load_optdigits_names_file_line_and_problem(
    tmp_path: Path, bad_line: str, message: str
) -> None:
    path = tmp_path / "bad.tra"
    path.write_text(optdigits_line([0] * 64, 0) + "\n" + bad_line + "\n")
    with pytest.raises(DataError, match=message) as raised:
        load_optdigits(path)
    assert str(path) in str(raised.value)


def test_load_optdigits_empty_missing_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tra"
    empty.write_text("\n  \n")
    with pytest.raises(DataError, match="empty"):
        load_optdigits(empty)
    with pytest.raises(DataError, match="no such file"):
        load_optdigits(tmp_path / "missing.tra")
    with pytest.raises(DataError, match="is a directory"):
        load_optdigits(tmp_path)
    binary = tmp_path / "binary.tra"
    binary.write_bytes(b"\x00\xff\xfe\x80" * 10)
    with pytest.raises(DataError, match="not a text file"):
        load_optdigits(binary)


# -- MNIST IDX files -----------------------------------------------------------------


def idx_bytes(magic: int, shape: tuple[int, ...], body: bytes) -> bytes:
    return struct.pack(">I", magic) + struct.pack(f">{len(shape)}I", *shape) + body


def write_mnist(
    folder: Path,
    n_images: int = 5,
    n_labels: int | None = None,
    prefix: str = "train",
    compress: bool = False,
    rows: int = 28,
    columns: int = 28,
) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(n_images)
    pixels = rng.integers(0, 256, size=(n_images, rows, columns), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n_labels if n_labels is not None else n_images)
    labels = labels.astype(np.uint8)
    suffix = ".gz" if compress else ""
    images_path = folder / f"{prefix}-images-idx3-ubyte{suffix}"
    labels_path = folder / f"{prefix}-labels-idx1-ubyte{suffix}"
    opener = gzip.compress if compress else bytes
    images_path.write_bytes(opener(idx_bytes(0x803, (n_images, rows, columns), pixels.tobytes())))
    labels_path.write_bytes(opener(idx_bytes(0x801, (len(labels),), labels.tobytes())))
    return images_path, labels_path, pixels, labels


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_reads_a_folder(tmp_path: Path, compress: bool) -> None:
    _, _, pixels, labels = write_mnist(tmp_path, n_images=7, compress=compress)
    data = load_mnist(tmp_path)
    assert data.X.shape == (7, 784) and data.images.shape == (7, 28, 28)
    assert data.image_shape == (28, 28)
    assert np.array_equal(data.X, pixels.reshape(7, 784) / 255)
    assert np.array_equal(data.y, labels.astype(np.int64))
    assert 0.0 <= data.X.min() and data.X.max() <= 1.0
    assert "MNIST" in data.name


def test_load_mnist_explicit_paths_pairs_and_train_preference(tmp_path: Path) -> None:
    images, labels, pixels, _ = write_mnist(tmp_path, n_images=4, prefix="train")
    write_mnist(tmp_path, n_images=3, prefix="t10k", compress=True)
    assert len(load_mnist(tmp_path)) == 4  # train-* preferred over t10k-*
    assert len(load_mnist(images=images, labels=labels)) == 4
    assert len(load_mnist((images, labels))) == 4
    test_images = tmp_path / "t10k-images-idx3-ubyte.gz"
    test_labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    assert len(load_mnist(images=test_images, labels=test_labels)) == 3


def test_load_mnist_prefers_unpacked_files_over_gz_copies(tmp_path: Path) -> None:
    write_mnist(tmp_path, n_images=4)
    write_mnist(tmp_path, n_images=4, compress=True)
    assert len(load_mnist(tmp_path)) == 4


def test_load_mnist_accepts_other_image_sizes(tmp_path: Path) -> None:
    write_mnist(tmp_path, n_images=2, rows=8, columns=8)
    assert load_mnist(tmp_path).image_shape == (8, 8)


def test_load_mnist_argument_errors(tmp_path: Path) -> None:
    images, labels, _, _ = write_mnist(tmp_path)
    with pytest.raises(ConfigError):
        load_mnist()
    with pytest.raises(ConfigError):
        load_mnist(images=images)
    with pytest.raises(ConfigError):
        load_mnist(tmp_path, images=images, labels=labels)
    with pytest.raises(DataError, match="not a directory"):
        load_mnist(images)


def test_load_mnist_folder_problems(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no MNIST images file"):
        load_mnist(tmp_path)
    write_mnist(tmp_path / "two", prefix="a")
    write_mnist(tmp_path / "two", prefix="b")
    with pytest.raises(DataError, match="more than one MNIST images file"):
        load_mnist(tmp_path / "two")


def test_load_mnist_image_and_label_counts_must_match(tmp_path: Path) -> None:
    write_mnist(tmp_path, n_images=5, n_labels=4)
    with pytest.raises(DataError, match="has 5 images but .* has 4 labels"):
        load_mnist(tmp_path)


def test_load_mnist_bad_magic_numbers(tmp_path: Path) -> None:
    images, labels, _, _ = write_mnist(tmp_path)
    with pytest.raises(DataError, match=r"bad magic number 0x00000801.*looks like a labels"):
        load_mnist(images=labels, labels=images)
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(DataError, match=r"garbage: bad magic number 0x504B0304"):
        load_mnist(images=garbage, labels=labels)


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_truncated_body(tmp_path: Path, compress: bool) -> None:
    _, labels, pixels, _ = write_mnist(tmp_path)
    short = tmp_path / "short"
    content = idx_bytes(0x803, (5, 28, 28), pixels.tobytes()[:-10])
    short.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(DataError, match=r"short: the file is truncated.*promises 5 items"):
        load_mnist(images=short, labels=labels)


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_header_lying_about_a_huge_count(tmp_path: Path, compress: bool) -> None:
    _, labels, pixels, _ = write_mnist(tmp_path)
    liar = tmp_path / "liar"
    # 4 billion images claimed, 5 present: must be a DataError, never a MemoryError
    content = idx_bytes(0x803, (2**32 - 1, 28, 28), pixels.tobytes())
    liar.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(
        DataError, match=rf"liar: the header claims .* more than the {MAX_IDX_BYTES}"
    ):
        load_mnist(images=liar, labels=labels)
    # a claim under the limit but beyond the data is caught before reading too
    modest = tmp_path / "modest"
    content = idx_bytes(0x803, (1000, 28, 28), pixels.tobytes())
    modest.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(DataError, match="truncated"):
        load_mnist(images=modest, labels=labels)


def test_load_mnist_extra_bytes_truncated_header_and_broken_gzip(tmp_path: Path) -> None:
    _, labels, pixels, _ = write_mnist(tmp_path)
    longer = tmp_path / "longer"
    longer.write_bytes(idx_bytes(0x803, (5, 28, 28), pixels.tobytes() + b"extra"))
    with pytest.raises(DataError, match="longer than its header"):
        load_mnist(images=longer, labels=labels)
    stub = tmp_path / "stub"
    stub.write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(DataError, match="truncated IDX header"):
        load_mnist(images=stub, labels=labels)
    tiny = tmp_path / "tiny"
    tiny.write_bytes(b"\x00\x00")
    with pytest.raises(DataError, match="too short"):
        load_mnist(images=tiny, labels=labels)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="too short"):
        load_mnist(images=empty, labels=labels)
    cut_gzip = tmp_path / "cut.gz"
    cut_gzip.write_bytes(gzip.compress(idx_bytes(0x803, (5, 28, 28), pixels.tobytes()))[:200])
    with pytest.raises(DataError, match="cut.gz"):
        load_mnist(images=cut_gzip, labels=labels)
    corrupt_gzip = tmp_path / "corrupt.gz"
    corrupt_gzip.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    with pytest.raises(DataError, match="corrupt.gz"):
        load_mnist(images=corrupt_gzip, labels=labels)
    with pytest.raises(DataError, match="no such file"):
        load_mnist(images=tmp_path / "nope", labels=labels)


def test_load_mnist_rejects_zero_images(tmp_path: Path) -> None:
    images = tmp_path / "images-idx3-ubyte"
    labels = tmp_path / "labels-idx1-ubyte"
    images.write_bytes(idx_bytes(0x803, (0, 28, 28), b""))
    labels.write_bytes(idx_bytes(0x801, (0,), b""))
    with pytest.raises(DataError, match="no images"):
        load_mnist(tmp_path)


# -- CSV files -----------------------------------------------------------------------


def test_load_csv_with_header_and_integer_labels(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b,c,d,label\n0,0.5,1,0.25,3\n1,1,0,0,7\n")
    data = load_csv(path)
    assert data.X.tolist() == [[0, 0.5, 1, 0.25], [1, 1, 0, 0]]
    assert data.y.dtype == np.int64 and data.y.tolist() == [3, 7]
    assert data.image_shape is None  # 4 columns are a table, not a 2x2 picture
    assert "data.csv" in data.name


def test_load_csv_without_header_string_labels_and_first_column(tmp_path: Path) -> None:
    path = tmp_path / "pets.csv"
    path.write_text("cat, 0.1, 0.2\n\ndog, 0.3, 0.4\n")
    data = load_csv(path, label_column=0)
    assert data.y.tolist() == ["cat", "dog"] and data.y.dtype.kind == "U"
    assert data.X.tolist() == [[0.1, 0.2], [0.3, 0.4]]
    assert data.image_shape is None
    assert data.classes.tolist() == ["cat", "dog"]


def test_load_csv_named_label_column_scale_and_numeric_header(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("digit,p0,p1,p2,p3\n1,16,0,8,4\n2,0,16,16,0\n")
    data = load_csv(path, label_column="digit", scale=1 / 16)
    assert data.y.tolist() == [1, 2]
    assert data.X.tolist() == [[1.0, 0.0, 0.5, 0.25], [0.0, 1.0, 1.0, 0.0]]
    numeric_header = tmp_path / "numeric_header.csv"
    numeric_header.write_text("0,1,2,label\n1,2,3,4\n5,6,7,8\n")
    assert len(load_csv(numeric_header)) == 2
    no_header = tmp_path / "no_header.csv"
    no_header.write_text("1,2,3,4\n5,6,7,8\n")
    assert len(load_csv(no_header)) == 2
    assert len(load_csv(no_header, has_header=True)) == 1


def test_load_csv_of_uci_counts_round_trips(tmp_path: Path, digits: Dataset) -> None:
    counts = np.rint(digits.X[:30] * 16).astype(int)
    lines = [
        ",".join(map(str, [*row, label])) for row, label in zip(counts, digits.y[:30], strict=True)
    ]
    path = tmp_path / "digits.csv"
    path.write_text("\n".join(lines))
    data = load_csv(path, scale=1 / 16)
    assert np.allclose(data.X, digits.X[:30]) and data.image_shape == (8, 8)
    assert np.array_equal(data.y, digits.y[:30])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1,2,3\n4,5\n", r"line 2: expected 3 columns .* found 2"),
        ("1,2,3\n4,5,6,7\n", r"line 2: expected 3 columns .* found 4"),
        ("1,2,3\n4,x,6\n", r"line 2, column 2: 'x' is not a number"),
        ("1,2,3\n4,,6\n", r"line 2, column 2: an empty value is not a number"),
        ("1,2,3\n4,nan,6\n", r"line 2, column 2: 'nan' is not a finite number"),
        ("1,2,3\n-inf,5,6\n", r"line 2, column 1: '-inf' is not a finite number"),
        ("1,2,3\n4,5,\n", r"line 2, column 3: the label is empty"),
        ("", r"empty"),
        ("\n\n", r"empty"),
        ("a,b,label\n", r"header but no data rows"),
        ("1\n2\n", r"found 1 column"),
        ('1,"2,3\n', r"line 1: unexpected end of data"),
        ('1,2,3\n4,"5,6\n' + "7,8,9\n" * 5,  # a quote left open runs on to the end
         r"lines 2 to 7: unexpected end of data; is a quote \(\"\) opened on line 2 never"),
        ('1,"2"x,3\n', r"line 1: .*expected after"),
    ],
)
def test_load_csv_names_file_line_and_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=message) as raised:
        load_csv(path)
    assert str(path) in str(raised.value)


def write_table(path: Path, n_features: int, n_rows: int = 3) -> Path:
    """A CSV of ``n_rows`` rows of ``n_features`` numbers in 0..1 and a label 0/1."""
    rows = np.random.default_rng(n_features).random((n_rows, n_features)).round(3)
    path.write_text("".join(",".join(map(str, [*row, i % 2])) + "\n" for i, row in enumerate(rows)))
    return path


@pytest.mark.parametrize(
    ("n_features", "guessed"),
    [(4, None), (9, None), (16, None), (25, None), (36, None), (49, None), (63, None),
     (64, (8, 8)), (65, None), (81, (9, 9)), (784, (28, 28))],
)  # fmt: skip
def test_load_csv_guesses_pictures_only_from_8x8_on(
    tmp_path: Path, n_features: int, guessed: tuple[int, int] | None
) -> None:
    data = load_csv(write_table(tmp_path / "rows.csv", n_features))
    assert data.n_features == n_features
    assert data.image_shape == guessed
    assert data.image_shape == load_csv(tmp_path / "rows.csv", image_shape="auto").image_shape
    assert (data.images is None) == (guessed is None)
    assert guess_image_shape(n_features) == guessed


def test_load_csv_image_shape_says_whether_rows_are_pictures(tmp_path: Path) -> None:
    small = write_table(tmp_path / "small.csv", 16)
    pictures = load_csv(small, image_shape=(4, 4))
    assert pictures.image_shape == (4, 4) and pictures.images.shape == (3, 4, 4)
    assert np.shares_memory(pictures.images, pictures.X)
    assert load_csv(small, image_shape=[2, 8]).image_shape == (2, 8)
    assert load_csv(small, image_shape=np.array([8, 2])).image_shape == (8, 2)
    wide = write_table(tmp_path / "wide.csv", 64)
    assert load_csv(wide, image_shape=None).image_shape is None  # 64 columns, but a table
    assert load_csv(wide, image_shape=(4, 16)).image_shape == (4, 16)
    # What a loaded table keeps through splits and takes.
    assert load_csv(wide, image_shape=None).take([0, 1]).image_shape is None


@pytest.mark.parametrize(
    "image_shape", ["none", "", False, True, 16, (4,), (2, 2, 4), (0, 16), (-4, -4), (4.0, 4),
                    (True, 16), ("4", "4")],
)  # fmt: skip
def test_load_csv_refuses_an_image_shape_that_is_no_choice(tmp_path: Path, image_shape) -> None:
    with pytest.raises(ConfigError, match="image_shape must be 'auto', None"):
        load_csv(write_table(tmp_path / "rows.csv", 16), image_shape=image_shape)


def test_load_csv_refuses_an_image_shape_that_does_not_fit_the_rows(tmp_path: Path) -> None:
    path = write_table(tmp_path / "rows.csv", 16)
    with pytest.raises(ConfigError, match=r"image_shape=\(3, 3\) is 9 pixels") as raised:
        load_csv(path, image_shape=(3, 3))
    assert str(path) in str(raised.value) and "16 features" in str(raised.value)


def test_load_csv_setting_errors(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b,label\n1,2,3\n")
    with pytest.raises(ConfigError, match="out of range"):
        load_csv(path, label_column=5)
    with pytest.raises(ConfigError, match="no column named 'digit'"):
        load_csv(path, label_column="digit")
    with pytest.raises(ConfigError, match="has_header=False"):
        load_csv(path, label_column="label", has_header=False)
    with pytest.raises(ConfigError, match="scale"):
        load_csv(path, scale=0)
    with pytest.raises(ConfigError, match="scale"):
        load_csv(path, scale=float("nan"))


@FAST
@given(
    table=st.lists(st.lists(st.integers(0, 255), min_size=4, max_size=4), min_size=1, max_size=10),
    labels=st.lists(st.integers(0, 9), min_size=10, max_size=10),
)
def test_csv_rows_round_trip(
    tmp_path_factory: pytest.TempPathFactory, table: list[list[int]], labels: list[int]
) -> None:
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    lines = [",".join(map(str, [*row, labels[i]])) for i, row in enumerate(table)]
    path.write_text("\n".join(lines) + "\n")
    data = load_csv(path, has_header=False, scale=1 / 255)
    assert np.allclose(data.X, np.array(table) / 255)
    assert data.y.tolist() == labels[: len(table)]


# -- folders of pictures -------------------------------------------------------------


@pytest.fixture
def fake_preprocess(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A stand-in for glassnet.data.preprocess: a file holding byte k becomes 64 values k/16."""

    def prepare_image_file(path: Path) -> np.ndarray:
        content = Path(path).read_bytes()
        if content == b"blank":
            raise DataError("no ink in the drawing")
        return np.full(64, content[0] / 16)

    module = types.ModuleType("glassnet.data.preprocess")
    module.prepare_image_file = prepare_image_file  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "glassnet.data.preprocess", module)
    return module


def make_picture_folders(root: Path, contents: dict[str, list[int]]) -> Path:
    for label, values in contents.items():
        folder = root / label
        folder.mkdir(parents=True)
        for number, value in enumerate(values):
            (folder / f"img{number}.png").write_bytes(bytes([value]))
    return root


def test_load_image_folder_reads_labels_from_folder_names(
    tmp_path: Path, fake_preprocess: types.ModuleType
) -> None:
    root = make_picture_folders(tmp_path / "drawings", {"0": [0, 4], "1": [16], "10": [8]})
    (root / "1" / "notes.txt").write_text("not a picture")
    (root / "1" / ".hidden.png").write_bytes(b"\x01")
    (root / "stray.png").write_bytes(b"\x01")
    (root / "1" / "UPPER.JPG").write_bytes(bytes([2]))
    data = load_image_folder(root)
    assert data.y.tolist() == [0, 0, 1, 1, 10]  # numeric order, then file name order
    assert data.y.dtype == np.int64
    assert data.X.shape == (5, 64) and data.images.shape == (5, 8, 8)
    assert data.X[:, 0].tolist() == [0.0, 0.25, 2 / 16, 1.0, 0.5]
    assert "drawings" in data.name


def test_load_image_folder_string_labels(tmp_path: Path, fake_preprocess: types.ModuleType) -> None:
    data = load_image_folder(make_picture_folders(tmp_path, {"b": [1], "a": [2]}))
    assert data.y.tolist() == ["a", "b"]


def test_load_image_folder_problems(tmp_path: Path, fake_preprocess: types.ModuleType) -> None:
    with pytest.raises(DataError, match="not a directory"):
        load_image_folder(tmp_path / "missing")
    (tmp_path / "only_files").mkdir()
    (tmp_path / "only_files" / "a.png").write_bytes(b"\x01")
    with pytest.raises(DataError, match="no label folders"):
        load_image_folder(tmp_path / "only_files")
    root = make_picture_folders(tmp_path / "gap", {"0": [1]})
    (root / "1").mkdir()
    with pytest.raises(DataError, match=r"1: the label folder has no pictures"):
        load_image_folder(root)
    blank = make_picture_folders(tmp_path / "blank", {"0": [1]})
    (blank / "0" / "empty.png").write_bytes(b"blank")
    with pytest.raises(DataError, match=r"empty\.png: no ink in the drawing"):
        load_image_folder(blank)


def test_load_image_folder_checks_the_preparation_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("glassnet.data.preprocess")
    module.prepare_image_file = lambda path: np.full(64, 3.0)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "glassnet.data.preprocess", module)
    root = make_picture_folders(tmp_path, {"0": [1]})
    with pytest.raises(DataError, match="outside 0..1"):
        load_image_folder(root)


# -- load_dataset --------------------------------------------------------------------


def test_load_dataset_kinds(
    tmp_path: Path, digits: Dataset, fake_preprocess: types.ModuleType
) -> None:
    assert np.array_equal(load_dataset("digits").X, digits.X)
    assert len(load_dataset(" Digits ")) == 1797
    opt = write_optdigits(tmp_path / "o.tra", [([1] * 64, 1)])
    assert len(load_dataset(f"optdigits:{opt}")) == 1
    write_mnist(tmp_path / "mnist", n_images=3)
    assert len(load_dataset(f"mnist:{tmp_path / 'mnist'}")) == 3
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("1,2,0\n")
    assert len(load_dataset(f"csv:{csv_path}")) == 1
    make_picture_folders(tmp_path / "pics", {"3": [5]})
    assert load_dataset(f"images:{tmp_path / 'pics'}").y.tolist() == [3]


def test_load_dataset_paths_may_contain_colons(tmp_path: Path) -> None:
    opt = write_optdigits(tmp_path / "a:b.tra", [([2] * 64, 4)])
    assert load_dataset(f"optdigits:{opt}").y.tolist() == [4]


def test_load_dataset_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown dataset kind 'cifar'") as raised:
        load_dataset("cifar:/data")
    for kind in DATASET_KINDS:
        assert kind in str(raised.value)
    with pytest.raises(ConfigError, match="needs a path"):
        load_dataset("csv:")
    with pytest.raises(ConfigError, match="takes no path"):
        load_dataset("digits:/somewhere")
    with pytest.raises(ConfigError):
        load_dataset("")
    with pytest.raises(DataError, match="no such file"):
        load_dataset(f"csv:{tmp_path / 'missing.csv'}")


def test_csv_numbers_can_be_divided_as_they_are_read(tmp_path: Path) -> None:
    csv_path = tmp_path / "counts.csv"
    csv_path.write_text("0,8,16,1\n4,12,2,0\n")
    assert load_dataset(f"csv/16:{csv_path}").X.tolist() == [[0, 0.5, 1], [0.25, 0.75, 0.125]]
    assert load_dataset(f" CSV / 255 :{csv_path}").X[0, 1] == 8 / 255
    assert load_dataset(f"csv/16:{csv_path}").y.tolist() == [1, 0]  # labels stay as they are
    for divisor in ("0", "-16", "nan", "inf", "x", ""):
        with pytest.raises(ConfigError, match="divides every number by N"):
            load_dataset(f"csv/{divisor}:{csv_path}")
    with pytest.raises(ConfigError, match="only csv data"):
        load_dataset(f"mnist/255:{tmp_path}")
    with pytest.raises(ConfigError, match="only csv data"):
        load_dataset("digits/16")
    with pytest.raises(ConfigError, match="needs a path"):
        load_dataset("csv/16:")


def test_scale_advice_speaks_up_only_for_unscaled_numbers(digits: Dataset) -> None:
    assert scale_advice(digits) is None
    standardised = Dataset(np.random.default_rng(0).standard_normal((200, 10)), [0, 1] * 100)
    assert scale_advice(standardised) is None  # a few numbers beyond 3 are normal
    raw_counts = Dataset(digits.X * 16, digits.y, name="raw counts")
    advice = scale_advice(raw_counts, "csv:data/raw.csv")
    assert advice is not None
    assert "of the numbers in raw counts lie beyond +-3 (the largest is 16)" in advice
    assert advice.endswith("e.g. --data csv/16:data/raw.csv (load_csv(path, scale=1/16))")
    pixels = Dataset(digits.X * 255, digits.y)
    assert "csv/255:p.csv" in scale_advice(pixels, "csv:p.csv")
    assert scale_advice(pixels).endswith("e.g. X / 255")
    assert scale_advice(Dataset(digits.X * 1e5, digits.y)).endswith("e.g. X / 100000")
    # a divisor already given counts: 0..255 read as csv/16 still needs csv/255
    assert scale_advice(Dataset(digits.X * 255 / 16, digits.y), "csv/16:x.csv").endswith(
        "e.g. --data csv/255:x.csv (load_csv(path, scale=1/255))")
    assert scale_advice(Dataset(digits.X * 16, digits.y), "csv:my data.csv").endswith(
        "e.g. --data 'csv/16:my data.csv' (load_csv(path, scale=1/16))")  # ready for a shell


def test_parse_dataset_spec() -> None:
    assert parse_dataset_spec("CSV/255:my data.csv") == ("csv", 255.0, "my data.csv")
    assert parse_dataset_spec("mnist:C:/data") == ("mnist", None, "C:/data")
    assert parse_dataset_spec("digits") == ("digits", None, "")
    for bad in ("csv/16_0:x.csv", "csv/1e-320:x.csv", "csv/0:x"):
        with pytest.raises(ConfigError, match="divides every number by N"):
            parse_dataset_spec(bad)
    with pytest.raises(ConfigError, match="unknown dataset kind 'data/file.csv'"):
        parse_dataset_spec("data/file.csv:x")


#: The modules of glassnet.data that offer names, and every name one of them must offer.
DATA_MODULES = ("dataset", "text", "digits", "mnist", "csv", "images", "spec", "preprocess")
PUBLIC_DATA_NAMES = {
    "DATASET_KINDS", "DIGITS_IMAGE_SHAPE", "FAR_FROM_UNIT", "FAR_SHARE", "IMAGE_SUFFIXES",
    "MAX_IDX_BYTES", "MAX_TEXT_BYTES", "MIN_GUESSED_PICTURE_SIDE", "MNIST_IMAGES_MAGIC",
    "MNIST_LABELS_MAGIC", "UCI_MAX_COUNT", "Dataset", "plain_number", "guess_image_shape",
    "load_csv", "load_dataset", "load_digits", "load_image_folder", "load_mnist",
    "load_optdigits", "parse_dataset_spec", "scale_advice",
}  # fmt: skip


def test_every_public_name_lives_in_exactly_one_data_module() -> None:
    home: dict[str, str] = {}
    for module_name in DATA_MODULES:
        module = importlib.import_module(f"glassnet.data.{module_name}")
        for name in module.__all__:
            assert hasattr(module, name), f"glassnet.data.{module_name} has no {name}"
            assert name not in home, f"{name} is offered by both {home[name]} and {module_name}"
            home[name] = module_name
    assert set(home) >= PUBLIC_DATA_NAMES
    assert home["Dataset"] == "dataset" and home["load_csv"] == "csv"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("loader", [load_optdigits, load_csv])
def test_text_loaders_refuse_devices_instead_of_reading_forever(loader):
    with pytest.raises(DataError, match="not a regular file"):
        loader("/dev/zero")


def test_text_loaders_refuse_files_over_the_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("1,2,0\n" * 100)
    monkeypatch.setattr(glassnet.data.text, "MAX_TEXT_BYTES", 50)
    with pytest.raises(DataError, match="more than the 50"):
        load_csv(path)


# -- numbers as files write them (hardening II) ------------------------------------------
@pytest.mark.parametrize("cell", ["1_000", "\uff11", "\u0661\u0662", "0.5\u00a0"])
def test_what_float_reads_but_no_data_file_means_is_not_a_number(tmp_path: Path, cell) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(f"0,0.5,1\n0.25,{cell},3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2, column 2: .* is not a number"):
        load_csv(path)
    assert plain_number("0.5") == 0.5 and plain_number("-1e3") == -1000
    with pytest.raises(ValueError):
        plain_number(cell)


@pytest.mark.parametrize("spec", ["csv/1_6:x.csv", "csv/\uff11\uff16:x.csv",
                                  "csv/\u0661\u0666:x.csv"])
def test_a_divisor_must_be_a_plain_number(spec) -> None:
    with pytest.raises(ConfigError):
        parse_dataset_spec(spec)


def test_a_typo_in_the_first_row_is_an_error_not_a_header(tmp_path: Path) -> None:
    typo = tmp_path / "typo.csv"
    typo.write_text("0,0.5,O.25,3\n1,1,0,7\n")  # the letter O for a zero, on line 1
    with pytest.raises(DataError, match=r"line 1, column 3: 'O.25' is not a number"):
        load_csv(typo)
    second = tmp_path / "typo2.csv"
    second.write_text("1,1,0,7\n0,0.5,O.25,3\n")  # the same typo on line 2, as before
    with pytest.raises(DataError, match=r"line 2, column 3: 'O.25' is not a number"):
        load_csv(second)
    names = tmp_path / "names.csv"
    names.write_text("x0,x1,x2,label\n0,0.5,0.25,3\n")  # column names: still a header
    assert len(load_csv(names)) == 1


def test_a_label_of_5000_digits_is_text_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"0,0.5,{'7' * 5000}\n1,1,3\n")
    data = load_csv(path)
    assert data.y.dtype.kind == "U" and data.y[0] == "7" * 5000


def test_reading_a_csv_takes_at_most_four_times_its_size(tmp_path: Path) -> None:
    """The loader used to build lists of strings: 6 to 14 times the file's size."""
    import tracemalloc

    digits = load_digits()
    counts = np.tile(np.rint(digits.X * 16).astype(int), (4, 1))  # 7188 rows of 0..16
    labels = np.tile(digits.y, 4)
    path = tmp_path / "counts.csv"
    path.write_text("".join(",".join(map(str, row)) + f",{label}\n"
                            for row, label in zip(counts, labels, strict=True)))
    tracemalloc.start()
    try:
        data = load_csv(path, scale=1 / 16)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(data.X, counts / 16)
    assert data.y.tolist() == labels.tolist()
    assert peak <= 4 * path.stat().st_size, f"{peak / path.stat().st_size:.2f} times the file"


LINE_ENDS = [b"\n", b"\r\n", b"\r"]  # Unix, Windows, and old Mac (some spreadsheets)


def digits_csv_lines(count: int) -> list[bytes]:
    digits = glassnet.load_digits()
    return [",".join(f"{v:g}" for v in x).encode() + f",{y}".encode()
            for x, y in zip(digits.X[:count], digits.y[:count], strict=True)]


@pytest.mark.parametrize("line_end", LINE_ENDS, ids=["LF", "CRLF", "CR"])
def test_every_line_end_reads_the_same_table(tmp_path: Path, line_end: bytes) -> None:
    """A file of bare \r line ends was one line to the row count: an IndexError."""
    path = tmp_path / "digits.csv"
    path.write_bytes(line_end.join(digits_csv_lines(50)) + line_end)
    data = load_csv(path)
    digits = glassnet.load_digits()
    np.testing.assert_array_equal(data.X, digits.X[:50])
    assert data.y.tolist() == digits.y[:50].tolist()
    lines = digits_csv_lines(4)
    lines[3] = lines[3].replace(b",", b",x", 1)  # line 4's second number
    path.write_bytes(line_end.join(lines))
    with pytest.raises(DataError, match=r"line 4, column 2: 'x0' is not a number"):
        load_csv(path)


def test_a_windows_line_end_counts_once_even_across_two_pieces_of_the_file(
    tmp_path: Path,
) -> None:
    from glassnet.data.csv import _count_lines

    path = tmp_path / "split.csv"
    first = b"1," * ((1 << 20) // 2 - 1) + b"0\r"  # its \r is the last byte of the first MiB
    assert len(first) == 1 << 20
    path.write_bytes(first + b"\n1,0\r1,0\n")
    assert _count_lines(path) == 4  # three line ends, and the line after the last


@pytest.mark.parametrize("line_end", LINE_ENDS, ids=["LF", "CRLF", "CR"])
def test_a_byte_that_is_not_utf8_is_named_by_its_own_line(tmp_path: Path,
                                                            line_end: bytes) -> None:
    """The reader decodes thousands of bytes ahead: the message still names the bad line."""
    lines = digits_csv_lines(300)
    lines[199] += b"\xff"  # line 200
    path = tmp_path / "bad.csv"
    path.write_bytes(line_end.join(lines))
    with pytest.raises(DataError, match=r"bad.csv, line 200: not a text file \(a byte is not "
                                        r"UTF-8\)"):
        load_csv(path)
