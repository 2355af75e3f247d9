"""Ctrl-C: stop at the end of the current step and keep what was learned.

Pressing Ctrl-C normally raises KeyboardInterrupt wherever Python happens to be,
which could be halfway through an optimizer's update. While ``CtrlC`` is active, the
first Ctrl-C only asks the loop to end the epoch after the current step
(``Progress.cut_short``); the epoch is then scored and checkpointed like any other,
and training ends with ``stop_reason`` "interrupted". A second Ctrl-C means "stop
now" and raises as usual.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from ..core import loop


class CtrlC(loop.Callback):
    """While active (``with CtrlC(progress, enabled):``), Ctrl-C cuts the epoch short.

    Parameters
    ----------
    progress : Progress
        The loop's progress, whose ``cut_short`` Ctrl-C sets.
    enabled : bool
        False leaves Ctrl-C alone. Signals can only be caught in the main thread, so
        in any other thread Ctrl-C is always left alone.
    """

    def __init__(self, progress: loop.Progress, enabled: bool) -> None:
        self.progress = progress
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self._previous: Any = None

    def _handle(self, signum: int, frame: Any) -> None:
        if self.progress.cut_short:  # a second Ctrl-C means "stop now"
            raise KeyboardInterrupt
        self.progress.cut_short = True

    def __enter__(self) -> CtrlC:
        if self.enabled:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            signal.signal(signal.SIGINT, self._previous)

    def on_epoch_end(self, progress: loop.Progress) -> None:
        if progress.cut_short:
            progress.stop("interrupted")


__all__ = ["CtrlC"]
