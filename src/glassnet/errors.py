"""The errors glassnet raises.

Library code never prints and never exits: when something is wrong it raises one
of these, with a message that says what was wrong and what to do about it. The
command line and the web explorer turn them into a one-line message and an exit
code or an HTTP status. Catch ``GlassnetError`` to catch them all.

Errors about bad values also derive from ``ValueError`` so that code written for
scikit-learn and NumPy conventions (``except ValueError``) keeps working.

This module imports nothing, so every other module can import it.
"""


class GlassnetError(Exception):
    """Base class of every error glassnet raises on purpose."""


class DataError(GlassnetError, ValueError):
    """Input data is unusable: wrong shape, NaN or inf, a bad file, no ink in a drawing."""


class ConfigError(GlassnetError, ValueError):
    """A setting is invalid: an unknown name, a size of 0, a negative learning rate."""


class ModelFormatError(GlassnetError, ValueError):
    """A model file is not a valid glassnet model (corrupt, truncated, hostile or foreign)."""


class TrainingDiverged(GlassnetError, ArithmeticError):
    """The loss became NaN or infinite; the network keeps its last finite weights."""


class RunsDatabaseError(GlassnetError):
    """The runs database cannot be opened, read or written."""


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


__all__ = [
    "GlassnetError",
    "DataError",
    "ConfigError",
    "ModelFormatError",
    "TrainingDiverged",
    "RunsDatabaseError",
    "ServerBusy",
    "SessionConflict",
]
