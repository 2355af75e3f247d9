"""Writing a file so that it is either entirely new or entirely old, never half.

glassnet writes models, checkpoints and pictures over files people care about. A
program can die at any moment: Ctrl-C, SIGKILL, a full disk, a power cut. If it was
writing the file in place, what is left is half a file, and the good one is gone.

So the bytes go to a fresh temporary file next to the target, are forced to disk
(``fsync``), and only then does ``os.replace`` swap it in: one atomic step on every
operating system. The directory is synced too, so the rename itself survives a power
cut. If anything fails, the temporary file is removed and the old target is
untouched.

A process killed mid-write cannot remove its own temporary file. So the writer holds
a lock on it while writing, and every write first removes the temporary files of the
same target that nobody holds a lock on any more: they never pile up.

Standard library only; every glassnet module that writes a user's file uses this.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from .errors import GlassnetError

try:  # POSIX only; elsewhere abandoned temporary files are simply left (hidden, never read)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: A temporary file younger than this is never removed as abandoned: its writer may be
#: between creating it and locking it.
ABANDONED_AFTER_SECONDS = 2.0


def write_atomically(
    target: str | os.PathLike[str], write: Callable[[IO[bytes]], Any], *, what: str = "file"
) -> Path:
    """Write ``target`` through ``write(handle)`` all at once, or not at all.

    Parameters
    ----------
    target : path
        The file to create or replace; its folder must exist.
    write : callable
        Called with a binary file handle to write the whole content into.
    what : str
        What the file is, for the error message ("model file", "checkpoint", ...).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    GlassnetError
        If the file cannot be written (no such folder, no permission, disk full). The
        previous file, if any, is unchanged and no temporary file is left behind.
    """
    target = Path(target)
    directory = target.parent
    temporary: Path | None = None
    remove_abandoned(target)
    try:
        # os.open with mode 0o666 (tempfile would use 0o600) so the new file gets the
        # permissions the user's umask gives any other new file.
        for _attempt in range(100):
            candidate = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
            try:
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                descriptor = os.open(candidate, flags, 0o666)
            except FileExistsError:
                continue
            temporary = candidate
            break
        else:
            raise FileExistsError(f"could not create a temporary file in {directory}")
        if fcntl is not None:  # released by the system however this process ends
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
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
    return target


def remove_abandoned(target: str | os.PathLike[str]) -> None:
    """Remove ``target``'s temporary files left by writers that died (best effort).

    A temporary file whose lock can be taken has no living writer. Only on systems
    with ``fcntl.flock`` (Linux, macOS).
    """
    if fcntl is None:
        return
    target = Path(target)
    try:
        candidates = list(target.parent.glob(f".{glob.escape(target.name)}.*.tmp"))
    except OSError:
        return
    now = time.time()
    for candidate in candidates:
        try:
            if now - candidate.stat().st_mtime < ABANDONED_AFTER_SECONDS:
                continue
            descriptor = os.open(candidate, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a living writer holds it
        else:
            with contextlib.suppress(OSError):
                candidate.unlink()
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


__all__ = ["write_atomically", "remove_abandoned", "ABANDONED_AFTER_SECONDS"]
