"""Where the runs database lives unless told otherwise, and how to point a hint at it.

Plain values without NumPy or sqlite3, so that ``glassnet --help`` can print them at
once.
"""

import os
import shlex
from pathlib import Path

#: Where ``glassnet train`` records its runs unless told otherwise (``--db``).
DEFAULT_DATABASE_PATH = Path("runs") / "glassnet.db"
#: The tour records its step-9 runs apart, so that it never adds runs to (and shifts
#: the numbers of) the runs a user made with ``glassnet train``.
TOUR_DATABASE_PATH = Path("runs") / "tour.db"


def db_hint(path: str | os.PathLike[str] | None) -> str:
    """The `` --db PATH`` a suggested command needs to find ``path``, or ``""``.

    Messages end with the next command to type ("see: glassnet runs show 3"). When
    the runs went into a database other than the default one, that command works
    only with ``--db`` added, so every such hint is built with this.
    """
    if path is None or Path(path) == DEFAULT_DATABASE_PATH:
        return ""
    return f" --db {shlex.quote(str(path))}"


__all__ = ["DEFAULT_DATABASE_PATH", "TOUR_DATABASE_PATH", "db_hint"]
