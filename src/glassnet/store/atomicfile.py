"""Writing a file so that it is either entirely new or entirely old, never half.

glassnet writes models, checkpoints and pictures over files people care about. A
program can die at any moment: Ctrl-C, SIGKILL, a full disk, a power cut. If it was
writing the file in place, what is left is half a file, and the good one is gone.

So the bytes go to a fresh temporary file next to the target, are forced to disk
(``fsync``), and only then does ``os.replace`` swap it in: one atomic step on every
operating system. The directory is synced too, so the rename itself survives a power
cut. If anything fails, the temporary file is removed and the old target is
untouched.

What may be replaced (``writable_target``, the one rule every writer follows):

- a missing path, which is created;
- a regular file that its permissions let us write; it keeps its permission bits;
- a symbolic link, which is written *through*: its target is replaced atomically
  and the link stays a link (a link to a missing file creates that file);
- nothing else. A folder, a character or block device (``/dev/null``), a FIFO, a
  socket, a read-only file or a symbolic link that loops is refused with one
  ``OutputPathError`` before a byte is written. A rename would replace any of them
  with a regular file: even ``/dev/null`` itself, for a program run as root.

A process killed mid-write cannot remove its own temporary file. So the writer holds
a lock on it until it has been renamed, and every write first removes the temporary
files in the same folder that nobody holds a lock on any more: they never pile up.
(The lock can only be taken just after the file is made; a writer whose new file was
removed in that instant notices, once it holds the lock, and makes another.)
Temporary files are named ``.NAME.glassnet-<12 hex digits>.tmp``, so only glassnet's
own are ever touched.

Standard library only; every glassnet module that writes a user's file uses this.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError, GlassnetError, OutputPathError, shown

try:  # POSIX only; elsewhere abandoned temporary files are simply left (hidden, never read)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The name of a temporary file of ours: ``.NAME.glassnet-<12 hex digits>.tmp``.
TEMPORARY_NAME = re.compile(r"\..+\.glassnet-[0-9a-f]{12}\.tmp")

#: What ``writable_target`` calls each kind of file it refuses.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def as_path(path: Any, what: str = "file") -> Path:
    """``path`` as a ``Path``, if it is one a file can have: text or a path object,
    without the NUL character no operating system takes.

    Raises
    ------
    ConfigError
        For None, a number, bytes or anything else, and for a NUL in the name.
    """
    name = os.fspath(path) if isinstance(path, str | os.PathLike) else None
    if not isinstance(name, str):
        raise ConfigError(f"a {what} is named by text or a pathlib.Path, got {shown(path)}")
    if "\0" in name:
        raise ConfigError(f"a {what}'s name cannot hold a NUL character, got {shown(name)}")
    return Path(name)


def writable_target(target: str | os.PathLike[str], *, what: str = "file") -> Path:
    """The file that writing ``target`` will replace, once it is known to be safe to.

    A symbolic link (or a chain of them) is followed to the file it names, so that
    the file is replaced and the link kept. Then the path must be missing or a
    regular file that may be written (see the module's docstring for why).

    "May be written" means the permissions allow it: ``os.access`` says so, and the
    file has at least one write bit. The second half matters for root, whom
    ``os.access`` always allows, and for every user because ``os.replace`` needs only
    the folder's permission: without it, ``chmod a-w model.npz`` would protect nothing.

    Parameters
    ----------
    target : path
        The path a user named.
    what : str
        What the file is, for the message ("model file", "checkpoint", ...).

    Returns
    -------
    Path
        The path to replace: ``target`` itself, or the end of its chain of links.

    Raises
    ------
    OutputPathError
        If the path (or what its link names) is not a regular file or a missing path,
        or is a regular file that may not be written.
    """
    given = as_path(target, what)
    try:
        path = Path(os.path.realpath(given)) if given.is_symlink() else given
    except OSError as error:  # a name longer than the system takes, say
        raise OutputPathError(f"cannot write {what} {given}: {error.strerror or error}") from None
    try:
        status = path.lstat()
    except FileNotFoundError:
        if path != given and not path.parent.is_dir():
            # The link says where the file goes, and that folder is not there: say so
            # now, not when the file is written, after the work that made it.
            raise OutputPathError(
                f"cannot write {what} {given}: it is a symbolic link to {path}, whose "
                "folder does not exist") from None
        return path
    except OSError as error:
        raise OutputPathError(f"cannot write {what} {given}: {error.strerror or error}") from None
    through = "" if path == given else f" (the symbolic link's target, {path})"
    if stat.S_ISLNK(status.st_mode):
        raise OutputPathError(f"cannot write {what} {given}: its symbolic link loops")
    for is_kind, kind in _KINDS:
        if is_kind(status.st_mode):
            raise OutputPathError(
                f"will not write {what} over {given}{through}: it is {kind}, not a regular file; "
                "glassnet writes only regular files, so give the path of a file"
            )
    if not os.access(path, os.W_OK) or not status.st_mode & 0o222:
        raise OutputPathError(
            f"will not write {what} over {given}{through}: the file is read-only; "
            f"make it writable (chmod u+w {given}) or choose another path"
        )
    return path


def writable_folder(folder: str | os.PathLike[str], *, what: str = "files") -> Path:
    """``folder``, made if it is missing, once it is known to be a folder files can go in.

    Checked before the work whose results go there, not after it: ``glassnet tour
    --out`` given a FIFO, a file or a link to nowhere used to run its step first.

    Raises
    ------
    OutputPathError
        If the path is something other than a folder (or a link to one), or the folder
        cannot be made or written in.
    """
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputPathError(f"cannot write {what} in {path}: it is not a folder; "
                              "give the path of a folder (it is made if missing)") from None
    except OSError as error:
        raise OutputPathError(f"cannot make the folder {path} for {what}: "
                              f"{error.strerror or error}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot write {what} in {path}: the folder is read-only")
    return path


def write_atomically(
    target: str | os.PathLike[str], write: Callable[[IO[bytes]], Any], *, what: str = "file"
) -> Path:
    """Write ``target`` through ``write(handle)`` all at once, or not at all.

    Parameters
    ----------
    target : path
        The file to create or replace (a symbolic link is written through); its
        folder must exist.
    write : callable
        Called with a binary file handle to write the whole content into.
    what : str
        What the file is, for the error message ("model file", "checkpoint", ...).

    Returns
    -------
    Path
        The path written, as given.

    Raises
    ------
    OutputPathError
        If ``target`` is not a regular file or a missing path, or is read-only (see
        ``writable_target``); nothing is written.
    GlassnetError
        If the file cannot be written (no such folder, no permission, disk full). The
        previous file, if any, is unchanged and no temporary file is left behind.
    """
    replaced = writable_target(target, what=what)
    directory = replaced.parent
    temporary: Path | None = None
    try:
        remove_abandoned(replaced)  # (inside: a name too long for the system fails here)
        # Mode 0o666 (tempfile would use 0o600) so that a new file gets the permissions
        # the user's umask gives any other new file; a replaced one keeps its own.
        mode = _permissions(replaced)
        for _attempt in range(100):
            candidate = directory / f".{replaced.name}.glassnet-{secrets.token_hex(6)}.tmp"
            try:
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                descriptor = os.open(candidate, flags, 0o666 if mode is None else mode)
            except FileExistsError:
                continue
            temporary = candidate  # removed by the finally clause if anything fails
            try:
                locked = _lock(descriptor, candidate)
            except BaseException:
                os.close(descriptor)
                raise
            if locked:
                break
            os.close(descriptor)
            temporary = None  # another write removed it in the instant before the lock
        else:
            raise FileExistsError(f"could not create a temporary file in {directory}")
        with os.fdopen(descriptor, "wb") as handle:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)  # exactly, whatever the umask
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
            if writable_target(target, what=what) != replaced:
                raise OutputPathError(f"{target} changed while glassnet was writing it; "
                                      "nothing was written, try again")
            if fcntl is not None:
                # Renamed while still locked: no other writer can take it for abandoned
                # in between. (Windows cannot rename an open file; it has no lock anyway.)
                os.replace(temporary, replaced)
                temporary = None
        if temporary is not None:
            os.replace(temporary, replaced)
            temporary = None
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise GlassnetError(
            f"could not write {what} {target}: {reason}; the previous file, if any, "
            "is unchanged"
        ) from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()
    _sync_directory(directory)
    return Path(target)


def _lock(descriptor: int, path: Path) -> bool:
    """Lock our new temporary file; False if another write removed it as abandoned first.

    Between ``os.open`` and ``flock`` the file is unlocked, so another process's
    ``remove_abandoned`` may take it for a dead writer's. Once the lock is ours, the
    file at ``path`` must still be the one we opened. The lock is released by the
    system however this process ends.
    """
    if fcntl is None:
        return True
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        named, opened = os.stat(path), os.fstat(descriptor)
    except FileNotFoundError:
        return False
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _permissions(path: Path) -> int | None:
    """The permission bits of the regular file at ``path``, or None if there is none."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def remove_abandoned(target: str | os.PathLike[str]) -> None:
    """Remove temporary files left in ``target``'s folder by writers that died (best effort).

    A temporary file of ours (``TEMPORARY_NAME``) whose lock can be taken has no
    living writer: a writer holds the lock from just after creating the file until it
    has renamed it (see ``_lock`` for that instant). Files of any other name are never
    touched. Only on systems with ``fcntl.flock`` (Linux, macOS).
    """
    if fcntl is None:
        return
    target = Path(target)
    try:
        candidates = [
            entry.path for entry in os.scandir(target.parent)
            if TEMPORARY_NAME.fullmatch(entry.name)
        ]
    except OSError:
        return
    for candidate in candidates:
        try:
            if not stat.S_ISREG(os.lstat(candidate).st_mode):
                continue
            descriptor = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a living writer holds it
        else:
            with contextlib.suppress(OSError):
                os.unlink(candidate)
        finally:
            os.close(descriptor)


def _sync_directory(directory: Path) -> None:
    """Flush the directory entry of a rename to disk (not possible everywhere; best effort)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


__all__ = ["as_path", "write_atomically", "writable_folder", "writable_target", "remove_abandoned",
           "TEMPORARY_NAME"]
