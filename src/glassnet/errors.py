"""The errors glassnet raises.

Library code never prints and never exits: when something is wrong it raises one
of these, with a message that says what was wrong and what to do about it. The
command line and the web explorer turn them into a one-line message and an exit
code or an HTTP status. Catch ``GlassnetError`` to catch them all.

Errors about bad values also derive from ``ValueError`` so that code written for
scikit-learn and NumPy conventions (``except ValueError``) keeps working.

This module imports nothing of glassnet's (nor NumPy), so every other module can
import it. Besides the errors it holds ``shown``, the one way a message shows a value
it refuses.
"""

import math
from collections.abc import Callable
from typing import Any

#: The most characters of a refused value a message repeats (``shown``).
SHOWN_LENGTH = 60


class GlassnetError(Exception):
    """Base class of every error glassnet raises on purpose."""


class DataError(GlassnetError, ValueError):
    """Input data is unusable: wrong shape, NaN or inf, a bad file, no ink in a drawing."""


class ConfigError(GlassnetError, ValueError):
    """A setting is invalid: an unknown name, a size of 0, a negative learning rate."""


class OutputPathError(ConfigError):
    """An output path names something glassnet will not write over.

    glassnet replaces only regular files (or creates missing ones): never a folder, a
    device such as ``/dev/null``, a FIFO or a socket, and never a file its permissions
    say is read-only. A symbolic link is written through, to the file it points at.
    """


class DescriptionTooLong(ConfigError):
    """What a model file should hold about its training is more than its size limit allows.

    The limit keeps a hostile file from making ``load`` parse megabytes of JSON; a
    caller that can do without part of the training record (a long per-epoch history)
    catches this and saves again without it.
    """


class ModelFormatError(GlassnetError, ValueError):
    """A model file is not a valid glassnet model (corrupt, truncated, hostile or foreign)."""


class TrainingDiverged(GlassnetError, ArithmeticError):
    """Training went wrong: the loss blew up or the network learned nothing.

    Raised by the training loop when the loss becomes NaN or infinite, climbs far
    above the untrained network's, or the accuracy is still at chance once training
    has had a fair chance (the rule is ``glassnet.training.divergence``). The network
    keeps the weights it had when the bad epoch began.

    Attributes
    ----------
    problem : str
        What went wrong and what to try, without what happened to the network: the
        command line and the explorer, which save or adopt nothing, add their own.
    history : History or None
        The epochs trained before the bad one.
    """

    def __init__(self, message: str, *, problem: str | None = None, history: object = None):
        super().__init__(message)
        self.problem = message if problem is None else problem
        self.history = history


class RunsDatabaseError(GlassnetError):
    """The runs database cannot be opened, read or written."""


class MissingExtraError(GlassnetError, ImportError):
    """A window needs an optional part of glassnet (an extra) that is not installed.

    The message says which extra and how to install it (``glassnet.app.extras``).
    """


class ServerBusy(GlassnetError):
    """The explorer is full (sessions or trainings): try again in ``retry_after`` seconds.

    The web layer answers it with 503 and a ``Retry-After`` header.
    """

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SessionConflict(GlassnetError):
    """A request the browser's session cannot take in its present state (HTTP 409).

    For example a second training while one runs, or a training for a session that
    was forgotten while the request arrived.
    """


def shown(value: Any, spell: Callable[[Any], str] = repr) -> str:
    """How an error message shows a value it refuses: short, and never itself an error.

    Input can be hostile, and a message that repeats it whole can be as long as it is:
    a key of a megabyte, a list of a million sizes. So the value is spelled (``repr``,
    or ``spell``, such as ``json.dumps`` for the web) and cut to ``SHOWN_LENGTH``
    characters. A whole number too long to show is described by its count of digits
    (a cut number would read as another number, and Python refuses to spell one of
    more than 4,300 digits at all); a value that cannot be spelled (a list holding such
    a number) is named by its type. A NumPy scalar is shown as the number it holds
    (``0.1``, not ``np.float32(0.1)``).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        sign = "negative " if value < 0 else ""
        if value.bit_length() >= 13_000:  # about 3,900 digits: Python refuses 4,300
            digits = math.floor(math.log10(abs(value))) + 1
            return f"a {sign}whole number of about {digits:,} digits"
        if len(str(value)) > SHOWN_LENGTH:
            return f"a {sign}whole number of {len(str(abs(value))):,} digits"
    numpy_scalar = type(value).__module__ == "numpy" and getattr(value, "shape", None) == ()
    try:
        text = str(value) if numpy_scalar else spell(value)
    except Exception:  # a list holding a number of 5,000 digits, a broken __repr__
        return f"a {type(value).__name__} that cannot be shown"
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH - 3] + "..."


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``plural(1, "image")`` -> "1 image", ``plural(3, "image")`` -> "3 images";
    ``nouns`` for a plural that is not noun + s (``plural(2, "class", "classes")``)."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def shown_count(count: int) -> str:
    """A count (of weights, seeds, digits asked for) as a message shows it: ``75,000,010``,
    or past 18 digits its size alone, ``about 10^400``. (``math.log10``, not ``len(str())``:
    Python will not spell a number of more than 4,300 digits.)"""
    if count < 10**18:
        return f"{count:,}"
    return f"about 10^{math.floor(math.log10(count))}"


__all__ = [
    "SHOWN_LENGTH",
    "shown",
    "shown_count",
    "plural",
    "GlassnetError",
    "DataError",
    "ConfigError",
    "OutputPathError",
    "DescriptionTooLong",
    "ModelFormatError",
    "TrainingDiverged",
    "RunsDatabaseError",
    "MissingExtraError",
    "ServerBusy",
    "SessionConflict",
]
