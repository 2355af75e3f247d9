"""What glassnet may write over: regular files and missing paths, through symbolic links.

``glassnet.store.atomicfile.writable_target`` is the one rule; every writer (model files, JSON
exports, checkpoints, pictures, the runs database) goes through it. These tests make
the things a rename would destroy (a character device, a FIFO, a folder, a read-only
file, a symbolic link) inside the test's temporary folder only, and check that each
writer refuses them with one ``OutputPathError`` and leaves them exactly as they were,
and that a link is written through to its target, the link kept.
"""

from __future__ import annotations

import os
import stat

import pytest

import glassnet
from glassnet.errors import GlassnetError, OutputPathError, RunsDatabaseError
from glassnet.store import atomicfile
from glassnet.store.checkpoints import Checkpointer, load_checkpoint
from glassnet.store.modelfile import export_json, load, load_json
from glassnet.store.runs import RunsDatabase
from glassnet.training import train

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")


def character_device(path):
    """A node like /dev/null (major 1, minor 3), made in a temporary folder; needs root."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("making a device node needs root (CI runs as root)")
    return path


def make(kind: str, path):
    """Something at ``path`` that glassnet must not write over, of the given kind."""
    if kind == "character device":
        return character_device(path)
    if kind == "FIFO":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "read-only file":
        path.write_bytes(b"keep me")
        path.chmod(0o444)
    return path


def fingerprint(path) -> tuple:
    """What must not change: the kind of node, its device numbers, its bytes if a file."""
    status = os.lstat(path)
    content = path.read_bytes() if stat.S_ISREG(status.st_mode) else None
    return stat.S_IFMT(status.st_mode), status.st_rdev, stat.S_IMODE(status.st_mode), content


KINDS = ["character device", "FIFO", "folder", "read-only file"]


def small_network():
    return glassnet.Network([64, 4, 10], seed=3)


def checkpoint_state(tmp_path):
    """A real TrainingState, from one epoch of training."""
    states = []
    data = glassnet.load_digits().split(test_fraction=0.5, seed=0)[0]
    train(small_network(), data, epochs=1, checkpoint=states.append, catch_interrupt=False)
    return states[-1]


WRITERS = {
    "model file": lambda path, tmp_path: glassnet.save(small_network(), path),
    "JSON export": lambda path, tmp_path: export_json(small_network(), path),
    "checkpoint": lambda path, tmp_path: Checkpointer(path)(checkpoint_state(tmp_path)),
    "picture": lambda path, tmp_path: _picture(path),
    "runs database": lambda path, tmp_path: RunsDatabase(path).close(),
}


def _picture(path):
    from glassnet import plots

    plots.save_figure(plots.sigmoid_curve(), path)


def named(kind_or_writer: str, tmp_path):
    suffix = {"JSON export": ".json", "picture": ".png", "runs database": ".db"}
    return tmp_path / f"target{suffix.get(kind_or_writer, '.npz')}"


@posix_only
@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("kind", KINDS)
def test_every_writer_refuses_what_is_not_a_regular_file(tmp_path, writer, kind):
    path = make(kind, named(writer, tmp_path))
    before = fingerprint(path)
    expected = RunsDatabaseError if writer == "runs database" else OutputPathError
    with pytest.raises(expected) as raised:
        WRITERS[writer](path, tmp_path)
    words = "read-only" if kind == "read-only file" else f"{kind.split(' (')[0]}"
    message = str(raised.value)
    assert words in message and str(path) in message, message
    assert fingerprint(path) == before
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_a_read_only_file_is_refused_even_for_root(tmp_path):
    """``os.access`` lets root write anything; the missing write bits still count."""
    path = make("read-only file", tmp_path / "model.npz")
    with pytest.raises(OutputPathError, match="read-only.*chmod u\\+w"):
        atomicfile.writable_target(path, what="model file")


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "models" / "real.npz"
    real.parent.mkdir()
    glassnet.save(glassnet.Network([64, 4, 10], seed=1), real)
    real.chmod(0o640)
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    new = glassnet.Network([64, 4, 10], seed=2)
    assert glassnet.save(new, link) == link
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load(real).parameters()[0].tobytes() == new.parameters()[0].tobytes()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # a replaced file keeps its mode
    assert sorted(os.listdir(real.parent)) == ["real.npz"]  # the temporary file went there


def test_a_symlink_to_a_missing_file_creates_it_and_a_loop_is_refused(tmp_path):
    link = tmp_path / "model.npz"
    link.symlink_to(tmp_path / "made.npz")
    glassnet.save(small_network(), link)
    assert link.is_symlink() and load(tmp_path / "made.npz").sizes == [64, 4, 10]
    loop = tmp_path / "loop.npz"
    loop.symlink_to(loop)
    with pytest.raises(OutputPathError, match="loops"):
        glassnet.save(small_network(), loop)
    assert loop.is_symlink()


def test_a_symlink_into_a_missing_folder_is_refused_before_anything_is_written(tmp_path):
    """A link says where the file goes: a folder missing there is not made, but refused."""
    link = tmp_path / "model.npz"
    link.symlink_to(tmp_path / "missing" / "made.npz")
    with pytest.raises(OutputPathError, match="symbolic link to .*made.npz, whose folder does "
                                              "not exist"):
        atomicfile.writable_target(link, what="model file")
    with pytest.raises(OutputPathError, match="whose folder does not exist"):
        glassnet.save(small_network(), link)
    assert link.is_symlink() and not (tmp_path / "missing").exists()
    plain = tmp_path / "new" / "plain.npz"  # the command line makes a plain path's folder
    assert atomicfile.writable_target(plain) == plain


@posix_only
def test_a_symlink_to_a_device_is_refused_and_says_where_it_leads(tmp_path):
    device = character_device(tmp_path / "null")
    link = tmp_path / "model.npz"
    link.symlink_to(device)
    with pytest.raises(OutputPathError, match="character device") as raised:
        glassnet.save(small_network(), link)
    assert str(device) in str(raised.value)
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_symlinked_export_and_checkpoint_update_their_targets(tmp_path):
    real_json, real_checkpoint = tmp_path / "real.json", tmp_path / "real.ckpt"
    real_json.write_text("old")
    real_checkpoint.write_text("old")
    (tmp_path / "copy.json").symlink_to(real_json)
    (tmp_path / "run.ckpt").symlink_to(real_checkpoint)
    network = small_network()
    export_json(network, tmp_path / "copy.json")
    Checkpointer(tmp_path / "run.ckpt")(checkpoint_state(tmp_path))
    assert load_json(real_json).sizes == [64, 4, 10]
    assert load_checkpoint(real_checkpoint).epoch == 1
    assert (tmp_path / "copy.json").is_symlink() and (tmp_path / "run.ckpt").is_symlink()


def test_a_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        glassnet.save(small_network(), tmp_path / "model.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "model.npz").stat().st_mode) == 0o640


def test_a_symlinked_runs_database_stays_a_link(tmp_path):
    real = tmp_path / "store" / "glassnet.db"
    real.parent.mkdir()
    link = tmp_path / "runs.db"
    link.symlink_to(real)
    with RunsDatabase(link) as database:
        database.record_run({"seed": 0}, {}, {})
    assert link.is_symlink()
    with RunsDatabase(real) as database:
        assert database.count_runs() == 1


@posix_only
def test_a_checkpointer_refuses_at_once_not_after_the_first_epochs(tmp_path):
    fifo = make("FIFO", tmp_path / "run.ckpt")
    with pytest.raises(OutputPathError, match="FIFO"):
        Checkpointer(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_temporary_files_of_other_targets_in_the_folder_are_cleaned_too(tmp_path):
    """A kill while saving model-1.npz leaves its temporary file; saving model-2.npz (the
    next run) removes it, but never a file of another name or a living writer's."""
    fcntl = pytest.importorskip("fcntl", reason="needs fcntl.flock (POSIX)")
    abandoned = tmp_path / ".model-1.npz.glassnet-0123456789ab.tmp"
    busy = tmp_path / ".model-3.npz.glassnet-0123456789ab.tmp"
    foreign = [tmp_path / ".model-1.npz.0123456789ab.tmp", tmp_path / ".notes.txt.tmp",
               tmp_path / ".x.glassnet-123.tmp"]
    for path in (abandoned, busy, *foreign):
        path.write_bytes(b"half")
    with open(busy, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as a writer in another process would
        glassnet.save(small_network(), tmp_path / "model-2.npz")
        assert busy.exists()
    assert not abandoned.exists() and all(path.exists() for path in foreign)


def test_a_write_that_fails_is_a_glassnet_error_and_leaves_nothing(tmp_path):
    with pytest.raises(GlassnetError, match="could not write model file"):
        glassnet.save(small_network(), tmp_path / "no such folder" / "model.npz")


def test_a_temporary_file_removed_before_its_lock_is_made_again(tmp_path, monkeypatch):
    """Another write's clean-up may remove our new file in the instant before we lock it
    (unlocked, it looks abandoned); the writer sees that once it holds the lock."""
    fcntl = pytest.importorskip("fcntl", reason="needs fcntl.flock (POSIX)")
    real_flock, calls = fcntl.flock, []

    def flock(descriptor, operation):
        if not calls:  # the first lock of the first temporary file: a cleaner came first
            name = next(p for p in os.listdir(tmp_path) if p.endswith(".tmp"))
            os.unlink(tmp_path / name)
        calls.append(operation)
        return real_flock(descriptor, operation)

    monkeypatch.setattr(atomicfile.fcntl, "flock", flock)
    glassnet.save(small_network(), tmp_path / "model.npz")
    assert len(calls) >= 2 and load(tmp_path / "model.npz").sizes == [64, 4, 10]
    assert os.listdir(tmp_path) == ["model.npz"]
