"""Checkpoints: stop a training anywhere, carry on, and get exactly the same bits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

import glassnet
from glassnet.cli import main
from glassnet.core.optimizers import SGD, Adam, SlopeDescent
from glassnet.errors import ConfigError, GlassnetError, ModelFormatError
from glassnet.store.checkpoints import (
    Checkpointer,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from glassnet.store.runs import RunsDatabase
from glassnet.training import MAX_EPOCHS, train

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def digits():
    return glassnet.load_digits().split(test_fraction=0.2, seed=0)[0]


@pytest.fixture(scope="module")
def zeros_and_ones():
    return glassnet.load_digits().subset(classes=[0, 1])


def same_bits(first, second) -> bool:
    return len(first) == len(second) and all(
        a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        for a, b in zip(first, second, strict=True)
    )


# (network sizes, activation, output, loss, optimizer factory, options, data fixture)
SETUPS = {
    "sgd-momentum-averaging": ([64, 16, 10], "relu", "softmax", "cross_entropy",
                               lambda: SGD(0.1, momentum=0.9), {"average_from": 3}, "digits"),
    "sgd-nesterov-early-stopping": ([64, 16, 10], "tanh", "softmax", "cross_entropy",
                                    lambda: SGD(0.05, momentum=0.9, nesterov=True),
                                    {"early_stopping": True, "patience": 2,
                                     "average_from": None, "shift_pixels": 1}, "digits"),
    "adam-float32": ([64, 12, 10], "relu", "softmax", "cross_entropy", lambda: Adam(0.01),
                     {"average_from": 4, "dtype": "float32"}, "digits"),
    "plain-sgd-squared-error": ([64, 10], "sigmoid", "sigmoid", "squared_error",
                                lambda: SGD(1.0), {"input_noise": 0.0, "l2": 1e-3}, "digits"),
    "slope-descent": ([64, 2], "sigmoid", "sigmoid", "squared_error",
                      lambda: SlopeDescent(0.5), {"batch_size": 128, "average_from": 2},
                      "zeros_and_ones"),
}


def make_training(setup, request):
    sizes, activation, output, loss, optimizer, options, data_name = setup
    options = dict(options)
    dtype = options.pop("dtype", "float64")
    data = request.getfixturevalue(data_name)
    classes = sorted(set(data.y.tolist()))

    def run(epochs, **extra):
        network = glassnet.Network(sizes, activation, output, seed=3, dtype=dtype,
                                   classes=classes)
        history = train(network, data, loss=loss, optimizer=optimizer(), epochs=epochs,
                        catch_interrupt=False, **options, **extra)
        return network, history

    return run


@pytest.mark.parametrize("name", list(SETUPS))
def test_resuming_any_epoch_gives_the_same_bits(name, request, tmp_path):
    """Train N epochs straight; resume from every checkpoint (through the file): same bits.

    The last checkpoint is of the finished training: resuming it trains no further and
    gives the finished network (the average, or early stopping's best epoch)."""
    run = make_training(SETUPS[name], request)
    epochs = 3 if name == "slope-descent" else 6
    straight, straight_history = run(epochs)

    states = []
    _, history = run(epochs, checkpoint=states.append)
    assert [state.epoch for state in states] == list(range(1, history.epochs + 1))
    for state in states:
        path = save_checkpoint(tmp_path / f"{name}-{state.epoch}.ckpt", state)
        restored = load_checkpoint(path).state
        resumed, resumed_history = run(epochs, resume=restored)
        assert same_bits(straight.parameters(), resumed.parameters()), f"epoch {state.epoch}"
        assert resumed_history.train_loss == straight_history.train_loss
        assert resumed_history.best_epoch == straight_history.best_epoch
        assert resumed_history.stop_reason == straight_history.stop_reason


def test_a_checkpoint_holds_every_part_of_the_state(digits, tmp_path):
    network = glassnet.Network([64, 8, 10], seed=0)
    states = []
    train(network, digits, optimizer=Adam(0.01), epochs=4, average_from=2, early_stopping=True,
          checkpoint=states.append, checkpoint_every=3, catch_interrupt=False)
    assert [state.epoch for state in states] == [3, 4]  # every 3rd, and the last
    state = states[0]
    loaded = load_checkpoint(save_checkpoint(tmp_path / "c.npz", state, settings={"a": 1})).state
    assert loaded.epoch == 3
    assert same_bits(loaded.parameters, state.parameters)
    assert same_bits(loaded.averaged, state.averaged) and loaded.averaged_epochs == 2
    assert same_bits(loaded.best_parameters, state.best_parameters)
    assert loaded.optimizer_state["step_count"] == state.optimizer_state["step_count"]
    for slot in ("m", "v"):
        assert same_bits(loaded.optimizer_state["slots"][slot],
                         state.optimizer_state["slots"][slot])
    assert loaded.rng_state == state.rng_state
    assert loaded.best_loss == state.best_loss
    assert loaded.history.to_dict() == state.history.to_dict()
    with np.load(tmp_path / "c.npz", allow_pickle=False) as archive:  # readable without glassnet
        assert {"meta", "weights.W0", "average.b1", "best.W1", "optimizer.m.0"} <= set(
            archive.files)


def test_a_checkpoint_holds_the_history_of_the_longest_training(digits, tmp_path):
    """A checkpoint keeps the whole per-epoch history to be resumed: it must hold
    MAX_EPOCHS of it. (Before, 2,600 epochs of history were more than its description
    could take, so a long run with --checkpoint-every failed, and lost its work.)"""
    network = glassnet.Network([64, 8, 10], seed=0)
    states = []
    train(network, digits, epochs=1, validation_fraction=0.1, checkpoint=states.append,
          catch_interrupt=False)
    state = states[0]
    noise = np.random.default_rng(0).random(MAX_EPOCHS)
    longest = [float(value) for value in -noise * 1e-7]  # the longest reprs a float has
    for name in ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                 "seconds"):
        assert getattr(state.history, name)  # the training keeps all five
        setattr(state.history, name, longest)
    state.epoch = MAX_EPOCHS
    path = save_checkpoint(tmp_path / "c.npz", state)
    assert load_checkpoint(path).state.history.train_loss == longest


def test_a_stop_writes_a_last_checkpoint(digits, tmp_path):
    checkpointer = Checkpointer(tmp_path / "deep" / "c.npz")
    network = glassnet.Network([64, 8, 10], seed=0)
    history = train(network, digits, epochs=50, checkpoint=checkpointer, checkpoint_every=100,
                    callbacks=[lambda history, network: history.epochs < 2],
                    catch_interrupt=False)
    assert history.stop_reason == "callback"
    assert checkpointer.saved == 1 and checkpointer.last_epoch == 2
    assert load_checkpoint(checkpointer.path).state.history.stop_reason == "callback"


def test_resuming_with_other_settings_is_refused(digits, tmp_path):
    states = []
    train(glassnet.Network([64, 8, 10]), digits, epochs=2, checkpoint=states.append,
          catch_interrupt=False)
    with pytest.raises(ConfigError, match="l2"):
        train(glassnet.Network([64, 8, 10]), digits, epochs=4, l2=0.1, resume=states[0])
    with pytest.raises(ConfigError, match="already done 2 epochs; ask for 2 to get its network"):
        train(glassnet.Network([64, 8, 10]), digits, epochs=1, resume=states[-1])
    with pytest.raises(ConfigError, match="network"):
        train(glassnet.Network([64, 9, 10]), digits, epochs=4, resume=states[0])


# ---------------------------------------------------------------------- bad files
@pytest.fixture(scope="module")
def checkpoint_file(tmp_path_factory, digits):
    states = []
    train(glassnet.Network([64, 8, 10]), digits, epochs=2, checkpoint=states.append,
          catch_interrupt=False, average_from=1)
    return save_checkpoint(tmp_path_factory.mktemp("ck") / "good.npz", states[-1])


def test_every_damaged_checkpoint_is_refused_clearly(checkpoint_file, tmp_path):
    data = checkpoint_file.read_bytes()
    rng = np.random.default_rng(0)
    refused = 0
    for case in range(150):
        damaged = bytearray(data)
        if case % 3 == 0:
            damaged = damaged[: int(rng.integers(0, len(data)))]
        else:
            for _ in range(int(rng.integers(1, 4))):
                damaged[int(rng.integers(0, len(data)))] ^= 1 << int(rng.integers(0, 8))
        path = tmp_path / f"bad-{case}.npz"
        path.write_bytes(bytes(damaged))
        try:
            loaded = load_checkpoint(path)
        except CheckpointError as error:
            assert str(error).startswith(f"cannot load {path}")
            refused += 1
        else:  # only a flip in bytes that carry no meaning (zip padding, times) may pass
            original = load_checkpoint(checkpoint_file)
            assert same_bits(loaded.state.parameters, original.state.parameters)
    assert refused > 100


def test_a_checkpoint_that_does_not_say_how_it_was_scored_is_refused(digits, tmp_path):
    """No setting is guessed: a history without score_training is refused, not assumed on."""
    states = []
    train(glassnet.Network([64, 8, 10]), digits, epochs=1, checkpoint=states.append,
          catch_interrupt=False)
    del states[-1].history.config["score_training"]
    path = save_checkpoint(tmp_path / "unsaid.npz", states[-1])
    with pytest.raises(CheckpointError, match="score_training"):
        load_checkpoint(path)


def test_foreign_and_hostile_files_are_refused(checkpoint_file, tmp_path):
    model = tmp_path / "model.npz"
    glassnet.save(glassnet.Network([64, 8, 10]), model)
    with pytest.raises(CheckpointError, match="not a glassnet checkpoint"):
        load_checkpoint(model)
    with pytest.raises(CheckpointError, match="no such file"):
        load_checkpoint(tmp_path / "missing.npz")
    with pytest.raises(CheckpointError, match="directory"):
        load_checkpoint(tmp_path)
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(CheckpointError, match="not an .npz"):
        load_checkpoint(tmp_path / "text.npz")

    # An object array (a pickle) in place of the weights is refused, never unpickled.
    hostile = tmp_path / "pickle.npz"
    with zipfile.ZipFile(checkpoint_file) as source, zipfile.ZipFile(hostile, "w") as target:
        for info in source.infolist():
            if info.filename == "weights.W0.npy":
                continue
            target.writestr(info, source.read(info))
        with target.open("weights.W0.npy", "w") as member:
            np.lib.format.write_array(member, np.array([{"a": 1}], dtype=object),
                                      allow_pickle=True)
    with pytest.raises(CheckpointError, match="pickle|Python objects|object"):
        load_checkpoint(hostile)
    assert issubclass(CheckpointError, ModelFormatError)


def test_a_checkpoint_that_does_not_say_whether_it_scored_is_refused(checkpoint_file,
                                                                     tmp_path):
    """Every checkpoint says whether its training images were scored (score_training):
    the history's curves are checked against it, and resuming needs it."""
    state = load_checkpoint(checkpoint_file).state
    del state.history.config["score_training"]
    save_checkpoint(tmp_path / "unsaid.npz", state)
    with pytest.raises(CheckpointError, match="score_training"):
        load_checkpoint(tmp_path / "unsaid.npz")


def test_writing_into_a_missing_folder_says_so(checkpoint_file, tmp_path):
    state = load_checkpoint(checkpoint_file).state
    with pytest.raises(GlassnetError, match="could not write checkpoint"):
        save_checkpoint(tmp_path / "no" / "such" / "c.npz", state)
    state.parameters[0][0, 0] = np.nan
    with pytest.raises(CheckpointError, match="NaN"):
        save_checkpoint(tmp_path / "nan.npz", state)
    assert not (tmp_path / "nan.npz").exists()


# ---------------------------------------------------------------------- the command line
def test_resume_options_on_the_command_line(checkpoint_file, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["train", "--resume", str(checkpoint_file), "--hidden", "4"])
    assert result.exit_code == 2 and "only --epochs" in result.output
    model = tmp_path / "m.npz"
    glassnet.save(glassnet.Network([64, 8, 10]), model)
    result = runner.invoke(main, ["train", "--resume", str(model), "--db", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: cannot load")
    # A checkpoint made from Python has no RunSettings: the CLI cannot carry it on.
    result = runner.invoke(main, ["train", "--resume", str(checkpoint_file), "--epochs", "5",
                                  "--db", str(tmp_path / "d")])
    assert result.exit_code == 1 and "does not record its settings" in result.output


def test_a_finished_checkpoint_gives_its_model_and_records_the_run(tmp_path):
    """Issue 17's reproduction: a kill after the last checkpoint, before the model save,
    is a deleted model. Resuming, with the same --epochs or none, saves it, bit for bit."""
    runner = CliRunner()
    db = tmp_path / "glassnet.db"
    model, checkpoint = tmp_path / "m.npz", tmp_path / "m.checkpoint.npz"
    common = ["--db", str(db), "--out", str(model), "-q"]
    result = runner.invoke(main, ["train", "--hidden", "8", "--epochs", "5", "--checkpoint-every",
                                  "1", *common])
    assert result.exit_code == 0, result.output
    straight = glassnet.load(model).parameters()
    for epochs in ([], ["--epochs", "5"]):
        model.unlink()
        result = runner.invoke(main, ["train", "--resume", str(checkpoint), *epochs,
                                      *common[:-1]])  # not --quiet: what does it say?
        assert result.exit_code == 0, result.output
        assert "that training had finished: nothing is left to train" in result.output
        assert same_bits(glassnet.load(model).parameters(), straight)
    assert load_checkpoint(checkpoint).epoch == 5
    with RunsDatabase(db) as database:
        assert [run["model_path"] for run in database.list_runs()] == [str(model)] * 3
    result = runner.invoke(main, ["train", "--resume", str(checkpoint), "--epochs", "4", *common])
    assert result.exit_code == 1 and "ask for 5 to get its network" in result.output


def glassnet_command(*args) -> list[str]:
    return [sys.executable, "-m", "glassnet", *(str(arg) for arg in args)]


def test_sigkill_then_resume_gives_the_bits_of_an_unbroken_run(tmp_path):
    """The requirement: N epochs straight == k epochs, SIGKILL, resume. Real processes."""
    epochs = 60
    common = ["train", "--hidden", "16", "--epochs", epochs, "--average-from", "5", "--quiet"]
    straight = subprocess.run(
        glassnet_command(*common, "--out", tmp_path / "straight.npz", "--db", tmp_path / "a.db"),
        capture_output=True, text=True, timeout=100)
    assert straight.returncode == 0, straight.stderr

    checkpoint = tmp_path / "run.ckpt.npz"
    process = subprocess.Popen(
        glassnet_command(*common, "--checkpoint-every", 2, "--checkpoint", checkpoint,
                         "--out", tmp_path / "killed.npz", "--db", tmp_path / "b.db"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if checkpoint.exists() and load_checkpoint(checkpoint).epoch >= 8:
                break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, process.stderr.read()
    assert not (tmp_path / "killed.npz").exists()
    killed_at = load_checkpoint(checkpoint).epoch
    assert 8 <= killed_at < epochs

    resumed = subprocess.run(
        glassnet_command("train", "--resume", checkpoint, "--out", tmp_path / "resumed.npz",
                         "--db", tmp_path / "b.db"),
        capture_output=True, text=True, timeout=100)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming from {checkpoint}: epoch {killed_at} of {epochs}" in resumed.stdout

    one, other = glassnet.load(tmp_path / "straight.npz"), glassnet.load(tmp_path / "resumed.npz")
    assert one.dtype == np.float64
    assert same_bits(one.parameters(), other.parameters())
    history_one = glassnet.store.modelfile.read_metadata(tmp_path / "straight.npz")["training"]
    history_other = glassnet.store.modelfile.read_metadata(tmp_path / "resumed.npz")["training"]
    assert history_one["history"]["train_loss"] == history_other["history"]["train_loss"]
    assert load_checkpoint(checkpoint).epoch == epochs  # the resumed run kept checkpointing
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


# ---------------------------------------------------------------------- edited descriptions
def rewrite_description(source, target, edit, *, fix_checksum=False, arrays_only=False):
    """Copy a checkpoint with its JSON description changed by ``edit(meta)``.

    With ``fix_checksum`` the SHA-256 is computed again, as a careful forger would;
    with ``arrays_only`` too, of the arrays alone, as format 1 computed it.
    """
    import io
    import json

    from glassnet.store.checkpoints import _checksum

    with zipfile.ZipFile(source) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    meta = json.loads(str(np.load(io.BytesIO(members["meta.npy"]))))
    edit(meta)
    if fix_checksum:
        arrays = {name.removesuffix(".npy"): np.load(io.BytesIO(data))
                  for name, data in members.items() if name != "meta.npy"}
        meta["sha256"] = _checksum(arrays, None if arrays_only else meta)
    text = json.dumps(meta)
    buffer = io.BytesIO()
    np.save(buffer, np.array(text, dtype=f"<U{len(text)}"))
    members["meta.npy"] = buffer.getvalue()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def set_in(path_in_meta, value):
    def edit(meta):
        inner = meta
        for key in path_in_meta[:-1]:
            inner = inner[key]
        inner[path_in_meta[-1]] = value
    return edit


EDITS = [
    (("rng_state", "state", "state"), -1),
    (("rng_state", "state", "inc"), 2**200),
    (("rng_state", "has_uint32"), "yes"),
    (("rng_state", "bit_generator"), "MT19937"),
    (("settings",), {"learning_rate": "x"}),
    (("epochs_without_improvement",), 3),
    (("history", "train_loss", 0), 0.0),
    (("glassnet_version",), "0.0.1"),
]


@pytest.mark.parametrize(("where", "value"), EDITS, ids=[".".join(map(str, w)) for w, _ in EDITS])
def test_every_edit_of_the_description_fails_the_checksum(checkpoint_file, tmp_path, where,
                                                          value):
    """The checksum covers the description, so no edit of it goes unnoticed.

    (A random state NumPy refuses is refused by that check, which comes first.)
    """
    edited = rewrite_description(checkpoint_file, tmp_path / "edited.npz", set_in(where, value))
    with pytest.raises(CheckpointError, match="checksum mismatch|rng_state"):
        load_checkpoint(edited)


@pytest.mark.parametrize(("value", "fragment"), [
    (-1, "out of bounds for uint64"),
    (2**200, "PCG64 accepts"),
    ("x", "PCG64 accepts"),
])
def test_a_random_state_numpy_refuses_is_a_checkpoint_error(checkpoint_file, tmp_path, value,
                                                            fragment):
    """Even with the checksum made to match: NumPy is asked whether the state is one."""
    edited = rewrite_description(checkpoint_file, tmp_path / "rng.npz",
                                 set_in(("rng_state", "state", "state"), value),
                                 fix_checksum=True)
    with pytest.raises(CheckpointError, match=fragment):
        load_checkpoint(edited)
    other = rewrite_description(checkpoint_file, tmp_path / "mt.npz",
                                set_in(("rng_state", "bit_generator"), "MT19937"),
                                fix_checksum=True)
    with pytest.raises(CheckpointError, match="PCG64"):
        load_checkpoint(other)
    missing = rewrite_description(checkpoint_file, tmp_path / "missing.npz",
                                  lambda meta: meta["rng_state"].pop("state"),
                                  fix_checksum=True)
    with pytest.raises(CheckpointError, match="rng_state"):
        load_checkpoint(missing)


def test_text_that_is_not_unicode_is_a_checkpoint_error(checkpoint_file, tmp_path):
    edited = rewrite_description(checkpoint_file, tmp_path / "surrogate.npz",
                                 set_in(("network", "classes", 0), "\ud800"), fix_checksum=True)
    with pytest.raises(CheckpointError, match=r"not valid Unicode at network.classes\[0\]"):
        load_checkpoint(edited)


def test_format_1_is_still_read_with_its_arrays_checksum_and_every_value_checked(
        checkpoint_file, tmp_path):
    """A training under way when glassnet was upgraded is not lost: format 1 resumes."""
    as_format_1 = set_in(("format_version",), 1)
    old = rewrite_description(checkpoint_file, tmp_path / "v1.npz", as_format_1)
    with pytest.raises(CheckpointError, match="checksum mismatch"):  # still the v2 checksum
        load_checkpoint(old)
    old = rewrite_description(checkpoint_file, tmp_path / "v1.npz", as_format_1,
                              fix_checksum=True, arrays_only=True)
    loaded, current = load_checkpoint(old), load_checkpoint(checkpoint_file)
    assert loaded.epoch == current.epoch
    assert all(np.array_equal(a, b) for a, b in zip(loaded.state.parameters,
                                                    current.state.parameters, strict=True))
    def format_1_with_a_bad_state(meta):
        as_format_1(meta)
        set_in(("rng_state", "state", "state"), -1)(meta)

    bad = rewrite_description(checkpoint_file, tmp_path / "bad.npz", format_1_with_a_bad_state,
                              fix_checksum=True, arrays_only=True)
    with pytest.raises(CheckpointError, match="rng_state"):  # the values are checked all the same
        load_checkpoint(bad)
    for version in (True, 3):
        other = rewrite_description(checkpoint_file, tmp_path / "v.npz",
                                    set_in(("format_version",), version))
        with pytest.raises(CheckpointError, match="reads versions 1, 2"):
            load_checkpoint(other)


def test_an_edited_checkpoint_is_one_error_line_on_resume(digits, tmp_path):
    """`glassnet train --resume` of a hand-edited checkpoint: `Error:`, exit 1, no traceback."""
    runner = CliRunner()
    checkpoint = tmp_path / "c.npz"
    result = runner.invoke(main, ["train", "--recipe", "fast", "--epochs", "1", "-q",
                                  "--db", str(tmp_path / "r.db"), "-o", str(tmp_path / "m.npz"),
                                  "--checkpoint", str(checkpoint)])
    assert result.exit_code == 0, result.output
    for where, value in ((("rng_state", "state", "state"), -1),
                         (("settings", "learning_rate"), "x")):
        edited = rewrite_description(checkpoint, tmp_path / "edited.npz", set_in(where, value))
        result = runner.invoke(main, ["train", "--resume", str(edited), "--epochs", "2", "-q",
                                      "--db", str(tmp_path / "r.db"),
                                      "-o", str(tmp_path / "m2.npz")])
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines()[-1].startswith(f"Error: cannot load {edited}")
        assert not isinstance(result.exception, (OverflowError, ValueError)) or isinstance(
            result.exception, GlassnetError)
