"""The runs database: every training run, kept, so that runs can be compared.

The article ends with a habit rather than an algorithm: tweak a setting (often the
hidden layers), retrain, retest, and compare. Comparing needs memory. Which
settings gave 97.8% last Tuesday? Did doubling the hidden layer help, or was it
the seed? So every ``glassnet train`` (and every sweep, every run of the explorer
and the tour) writes one row here: the settings, the seed, the data, the loss and
accuracy of every epoch, the final scores, where the model went, how long it took,
when, and which glassnet did it.

Why SQLite? It is one ordinary file (``runs/glassnet.db`` by default), it comes
with Python (the ``sqlite3`` module, nothing to install), anyone can open it with
the ``sqlite3`` shell or pandas, and it knows how to let several programs write to
the same file without tearing it. That last point matters because sweeps train
many networks at once, in several processes, all recording into one database. The
rules that make that safe are all here, in one place:

- the database runs in *write-ahead log* (WAL) mode, where readers never block the
  writer and a crash can never leave a half-written row;
- every write is one short transaction started with ``BEGIN IMMEDIATE``, which
  takes the write lock at the start, so two writers queue up instead of
  discovering half-way through that they collide;
- a writer that finds the database busy waits (SQLite's busy timeout) and, if it is
  still busy, tries again a few times before giving up with a clear error.

Settings, history and scores are stored as JSON text, so a new setting never needs a
new column; the few numbers worth sorting and filtering on (test accuracy, epochs,
seconds) also get columns of their own. The layout carries a version number in the
``meta`` table: a glassnet that finds a newer layout than it knows refuses to touch
it rather than guess.

Whatever goes wrong inside SQLite (a file that is not a database, a full disk, a
lock that never clears) comes out as one ``RunsDatabaseError`` that says what
happened and what to do.

The database is an ordinary file that anyone may open and edit, so a row is never
trusted: every row is checked as it is read, here and nowhere else (``_check_run_row``
and ``_check_sweep_row``, with the rules in ``_RUN_RULES``). A row that is not what
glassnet writes (JSON that does not parse, a list where settings belong, ``"abc"`` as
an accuracy, bytes as a date, text that is not UTF-8) is *damaged*. Asking for that
one run (``get_run``, ``compare``) raises ``DamagedRunError``, naming the database, the
run and what is wrong; a listing (``list_runs``) still lists every other run and
marks the damaged one (its ``"damaged"`` key says why) instead of failing as a whole.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..core.defaults import MAX_WHOLE_NUMBER
from ..errors import GlassnetError, OutputPathError, RunsDatabaseError, plural, shown
from .atomicfile import writable_target
from .jsontext import broken_text, is_text
from .paths import DEFAULT_DATABASE_PATH, db_hint

#: The version of the table layout this glassnet writes and reads.
SCHEMA_VERSION = 1

#: Where a run can come from.
SOURCES = ("cli", "explorer", "tour", "sweep", "python")

#: How long (seconds) one attempt waits for another process's write to finish.
DEFAULT_TIMEOUT = 30.0

#: How many times a write that still finds the database locked is tried again.
LOCKED_RETRIES = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sweeps (
    id      TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    spec    TEXT NOT NULL,
    status  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    created          TEXT NOT NULL,
    source           TEXT NOT NULL,
    sweep_id         TEXT REFERENCES sweeps(id),
    settings         TEXT NOT NULL,
    seed             INTEGER,
    data             TEXT,
    history          TEXT NOT NULL,
    scores           TEXT NOT NULL,
    train_accuracy   REAL,
    test_accuracy    REAL,
    epochs           INTEGER,
    seconds          REAL,
    model_path       TEXT,
    glassnet_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs (sweep_id);
"""

T = TypeVar("T")


class DamagedRunError(RunsDatabaseError):
    """A recorded run cannot be read back: its row was edited by hand or corrupted.

    Raised by ``get_run`` and ``compare`` (and so by ``glassnet runs show``,
    ``runs compare``, ``plot curves --run`` and the explorer's replay); listings mark
    the run instead. The message names the database, the run and what is wrong.

    Attributes
    ----------
    run_id : int
        The damaged run.
    problem : str
        What is wrong, without the database's path (for the explorer, which shows
        no paths): ``"its settings are not valid JSON (...)"``.
    """

    def __init__(self, message: str, *, run_id: int, problem: str) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.problem = problem


def utc_now() -> str:
    """The current time in UTC as ISO 8601 text, to the second: ``2026-11-26T12:51:34+00:00``."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class RunsDatabase:
    """A SQLite file holding every training run and every sweep.

    Opening it creates the file (and its folder) if it does not exist yet. Use it as
    a context manager, or call ``close()``, to release the file::

        with RunsDatabase("runs/glassnet.db") as db:
            run_id = db.record_run(result.settings.to_dict(), result.history.to_dict(),
                                   result.scores(), model_path="runs/model-1.npz")
            print(db.get_run(run_id)["test_accuracy"])

    One object may be shared by several threads (each call takes a lock); several
    processes may each open their own on the same file and write at the same time.

    Parameters
    ----------
    path : str or path-like
        The database file. Default ``runs/glassnet.db``.
    timeout : float
        Seconds one attempt waits for another writer before trying again.

    Raises
    ------
    RunsDatabaseError
        If the file cannot be created or opened, is not a SQLite database, is a
        SQLite database that is not a glassnet runs database, or was written by a
        newer glassnet.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_DATABASE_PATH,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.path = Path(path)
        self.timeout = float(timeout)
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RunsDatabaseError(
                f"cannot create the folder for the runs database {self.path}: "
                f"{error.strerror or error}; choose another place with --db"
            ) from None
        if self.path.is_dir():
            raise RunsDatabaseError(
                f"the runs database {self.path} is a folder; give a file name such as "
                f"{self.path / 'glassnet.db'}"
            )
        try:
            # SQLite writes where it is told, devices and FIFOs included, so the one rule
            # for files glassnet writes applies here too (a link: its target, whose
            # folder then also holds the -wal and -shm files).
            database_file = writable_target(self.path, what="runs database")
        except OutputPathError as error:
            raise RunsDatabaseError(str(error)) from None
        try:
            self._connection = sqlite3.connect(
                database_file, timeout=self.timeout, isolation_level=None,
                check_same_thread=False,
            )
            # A TEXT column holding bytes that are not UTF-8 would make sqlite3 fail the
            # whole query; read them as lone surrogates instead, which the row checks
            # then report as one damaged row (``jsontext``), so the other rows still list.
            self._connection.text_factory = _text_from_sqlite
            self._connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            self._with_retries(self._prepare)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        """Release the file. Closing twice is harmless."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()

    def __enter__(self) -> RunsDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RunsDatabase({str(self.path)!r})"

    # ------------------------------------------------------------------ runs
    def record_run(
        self,
        settings: dict[str, Any],
        history: dict[str, Any],
        scores: dict[str, Any],
        *,
        model_path: str | os.PathLike[str] | None = None,
        data: str | None = None,
        sweep_id: str | None = None,
        source: str = "cli",
        seconds: float | None = None,
        run_id: int | None = None,
    ) -> int:
        """Store one finished training run and return its id (1, 2, 3, ...).

        Parameters
        ----------
        settings : dict
            ``RunSettings.to_dict()``: every choice of the run.
        history : dict
            ``History.to_dict()``: the loss and accuracy of every epoch.
        scores : dict
            ``RunResult.scores()``: train and test accuracy, per-class accuracy, ...
        model_path : path, optional
            Where the trained network was saved (stored as an absolute path).
        data : str, optional
            The data it learned from; default ``settings["data"]``.
        sweep_id : str, optional
            The sweep this run belongs to (see ``create_sweep``).
        source : str
            Which window trained it: "cli", "explorer", "tour", "sweep" or "python".
        seconds : float, optional
            Wall time of the run; default ``scores["seconds"]``.
        run_id : int, optional
            An id taken earlier with ``reserve_run_id``; default: the next one.

        Returns
        -------
        int
            The new run's id.

        Raises
        ------
        RunsDatabaseError
            If a value is not JSON-serialisable, the source is unknown, or the
            database cannot be written.
        """
        if source not in SOURCES:
            raise RunsDatabaseError(
                f"unknown run source {shown(source)}; valid: {', '.join(SOURCES)}")
        settings_text = _to_json(settings, "settings")
        history_text = _to_json(history, "history")
        scores_text = _to_json(scores, "scores")
        row = {
            **({} if run_id is None else {"id": _run_id(run_id)}),
            "created": utc_now(),
            "source": source,
            "sweep_id": sweep_id,
            "settings": settings_text,
            "seed": _number_or_none(settings.get("seed"), int),
            "data": data if data is not None else settings.get("data"),
            "history": history_text,
            "scores": scores_text,
            "train_accuracy": _number_or_none(scores.get("train_accuracy"), float),
            "test_accuracy": _number_or_none(scores.get("test_accuracy"), float),
            "epochs": _number_or_none(
                scores.get("epochs", max(len(history.get("seconds", [])),
                                         len(history.get("train_loss", [])))), int
            ),
            "seconds": _number_or_none(
                seconds if seconds is not None else scores.get("seconds"), float
            ),
            "model_path": _absolute(model_path),
            "glassnet_version": _glassnet_version(),
        }
        columns = ", ".join(row)
        placeholders = ", ".join(f":{name}" for name in row)

        def insert(connection: sqlite3.Connection) -> int:
            if (
                sweep_id is not None
                and not connection.execute(
                    "SELECT 1 FROM sweeps WHERE id = ?", (sweep_id,)
                ).fetchone()
            ):
                raise RunsDatabaseError(f"there is no sweep {shown(sweep_id)} in {self.path}")
            cursor = connection.execute(
                f"INSERT INTO runs ({columns}) VALUES ({placeholders})", row
            )
            return int(cursor.lastrowid)

        return self._write(insert)

    def reserve_run_id(self) -> int:
        """Take a new run id now, for a run that ``record_run(run_id=...)`` records later.

        A model is saved before its run is recorded (see ``save_and_record``), yet its
        default file name and its own description carry the run's id, so the id must
        come first. It is taken in one transaction that inserts a row and deletes it
        again: SQLite's AUTOINCREMENT never hands out an id twice, so no other writer
        gets it, and no reader ever sees the row. An id reserved by a process that was
        killed before recording is a gap in the numbers, never a row without a model.

        Raises
        ------
        RunsDatabaseError
            If the database cannot be written.
        """

        def reserve(connection: sqlite3.Connection) -> int:
            cursor = connection.execute(
                "INSERT INTO runs (created, source, settings, history, scores, glassnet_version) "
                "VALUES ('', 'reserved', '{}', '{}', '{}', '')"
            )
            run_id = int(cursor.lastrowid)
            connection.execute("DELETE FROM runs WHERE id = ?", (run_id,))
            return run_id

        return self._write(reserve)

    def set_model_path(self, run_id: int, model_path: str | os.PathLike[str] | None) -> None:
        """Record (or change) where run ``run_id``'s trained network was saved.

        For a model saved again later, or moved; a new run is recorded with its path
        at once (``save_and_record``).

        Raises
        ------
        RunsDatabaseError
            If there is no such run or the database cannot be written.
        """

        def update(connection: sqlite3.Connection) -> None:
            cursor = connection.execute(
                "UPDATE runs SET model_path = ? WHERE id = ?", (_absolute(model_path), int(run_id))
            )
            if cursor.rowcount == 0:
                raise RunsDatabaseError(self._no_run_message(run_id))

        self._write(update)

    def get_run(self, run_id: int) -> dict[str, Any]:
        """Everything recorded about one run, as a dict.

        The keys are the columns (``id, created, source, sweep_id, settings, seed,
        data, history, scores, train_accuracy, test_accuracy, epochs, seconds,
        model_path, glassnet_version``), with ``settings``, ``history`` and
        ``scores`` already decoded from JSON into dicts, and ``damaged`` (always
        None here: for a damaged run this raises instead).

        Raises
        ------
        RunsDatabaseError
            If there is no run with that id.
        DamagedRunError
            If its row is not what glassnet writes (see the module's docstring).
        """
        rows = self._read("SELECT * FROM runs WHERE id = ?", (_run_id(run_id),))
        if not rows:
            raise RunsDatabaseError(self._no_run_message(run_id))
        run = _check_run_row(rows[0])
        if run["damaged"] is not None:
            raise DamagedRunError(
                f"runs database {self.path}: run {run['id']} is damaged ({run['damaged']}); "
                "it was edited by hand or corrupted: mend or delete its row with the sqlite3 "
                "shell",
                run_id=run["id"], problem=run["damaged"],
            )
        return run

    def list_runs(
        self, limit: int | None = None, sweep_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The recorded runs, oldest first (each as ``get_run`` returns it).

        A damaged row does not make the listing fail: it is listed, with its
        ``"damaged"`` key saying what is wrong (for intact runs it is None), the columns
        that passed their check as they are and the others empty (``{}`` for
        settings, history and scores, ``""`` for text, None for numbers). One bad row
        should not hide a hundred good ones; the window showing the list says which
        run is damaged, and asking for that run (``get_run``) says why.

        Parameters
        ----------
        limit : int, optional
            Only the ``limit`` most recent runs (still oldest first).
        sweep_id : str, optional
            Only the runs of this sweep.
        """
        where, parameters = ("WHERE sweep_id = ?", [sweep_id]) if sweep_id is not None else ("", [])
        query = f"SELECT * FROM runs {where} ORDER BY id DESC"
        if limit is not None:
            query += " LIMIT ?"
            parameters.append(min(max(int(limit), 0), MAX_WHOLE_NUMBER))
        return [_check_run_row(row) for row in reversed(self._read(query, tuple(parameters)))]

    def count_runs(self) -> int:
        """How many runs are recorded."""
        return int(self._scalar("SELECT COUNT(*) FROM runs"))

    def compare(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        """The runs with these ids, in the order given, ready to put side by side.

        See ``differing_settings`` for which settings changed between them.

        Raises
        ------
        RunsDatabaseError
            If an id is not a recorded run (the message names it).
        """
        return [self.get_run(run_id) for run_id in ids]

    # ------------------------------------------------------------------ sweeps
    def create_sweep(self, spec: dict[str, Any], *, status: str = "running") -> str:
        """Register a sweep (a grid of settings x seeds) and return its new id.

        The id is text such as ``"20261126-125134-3fa2"``: the UTC time it was
        created, so ids sort by age, and a random part, so two sweeps started in the
        same second by different processes never share one.

        Parameters
        ----------
        spec : dict
            What the sweep will run (JSON-serialisable), stored as it is.
        status : str
            Free text; ``"running"`` to start with, then e.g. ``"finished"``.
        """
        spec_text = _to_json(spec, "sweep spec")
        created = utc_now()
        stamp = datetime.fromisoformat(created).strftime("%Y%m%d-%H%M%S")

        def insert(connection: sqlite3.Connection) -> str:
            while True:
                sweep_id = f"{stamp}-{secrets.token_hex(2)}"
                if not connection.execute(
                    "SELECT 1 FROM sweeps WHERE id = ?", (sweep_id,)
                ).fetchone():
                    break
            connection.execute(
                "INSERT INTO sweeps (id, created, spec, status) VALUES (?, ?, ?, ?)",
                (sweep_id, created, spec_text, str(status)),
            )
            return sweep_id

        return self._write(insert)

    def set_sweep_status(self, sweep_id: str, status: str) -> None:
        """Change a sweep's status (e.g. to ``"finished"`` or ``"failed"``).

        Raises
        ------
        RunsDatabaseError
            If there is no such sweep or the database cannot be written.
        """

        def update(connection: sqlite3.Connection) -> None:
            cursor = connection.execute(
                "UPDATE sweeps SET status = ? WHERE id = ?", (str(status), str(sweep_id))
            )
            if cursor.rowcount == 0:
                raise RunsDatabaseError(f"there is no sweep {shown(sweep_id)} in {self.path}")

        self._write(update)

    def get_sweep(self, sweep_id: str) -> dict[str, Any]:
        """A sweep: ``id, created, spec`` (dict), ``status``, ``n_runs``, ``best_test_accuracy``.

        Raises
        ------
        RunsDatabaseError
            If there is no such sweep.
        """
        rows = self._read(
            _SWEEPS_QUERY + " WHERE sweeps.id = ? GROUP BY sweeps.id", (str(sweep_id),)
        )
        if not rows:
            raise RunsDatabaseError(f"there is no sweep {shown(sweep_id)} in {self.path}")
        sweep = _check_sweep_row(rows[0])
        if sweep["damaged"] is not None:
            raise RunsDatabaseError(
                f"runs database {self.path}: sweep {shown(sweep_id)} is damaged "
                f"({sweep['damaged']}); it was edited by hand or corrupted"
            )
        return sweep

    def list_sweeps(self) -> list[dict[str, Any]]:
        """Every sweep, oldest first, each as ``get_sweep`` returns it.

        As in ``list_runs``, a damaged sweep is listed, its ``"damaged"`` saying why.
        """
        rows = self._read(_SWEEPS_QUERY + " GROUP BY sweeps.id ORDER BY sweeps.created, sweeps.id")
        return [_check_sweep_row(row) for row in rows]

    def finished_runs(self, sweep_id: str) -> list[dict[str, Any]]:
        """The intact runs already recorded for a sweep, oldest first.

        A run is recorded only once it has finished, so a sweep that was stopped can
        compare these against its grid and run only what is missing. A damaged run
        is left out: its settings cannot be trusted, so its cell is trained again.
        """
        return [run for run in self.list_runs(sweep_id=str(sweep_id)) if run["damaged"] is None]

    # ------------------------------------------------------------------ the machinery
    def _prepare(self) -> None:
        """Switch to WAL mode and create (or check) the tables, in one write transaction."""
        connection = self._open_connection()
        if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "meta" in tables:
                self._check_version(connection)
            elif tables - {"sqlite_sequence"}:
                raise RunsDatabaseError(
                    f"{self.path} is a SQLite database, but not a glassnet runs database "
                    f"(its tables: {', '.join(sorted(tables))}); choose another file with --db"
                )
            else:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def _check_version(self, connection: sqlite3.Connection) -> None:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            version = int(row[0]) if row else None
        except ValueError:
            version = None
        if version is None:
            raise RunsDatabaseError(
                f"{self.path} has no valid schema version; it is not a glassnet runs database"
            )
        if version > SCHEMA_VERSION:
            raise RunsDatabaseError(
                f"{self.path} was written by a newer glassnet (runs database version {version}; "
                f"this glassnet reads {SCHEMA_VERSION}): upgrade glassnet, or use another --db"
            )

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RunsDatabaseError(f"the runs database {self.path} is closed")
        return self._connection

    def _write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``change`` inside one short ``BEGIN IMMEDIATE`` transaction, with retries."""

        def transaction() -> T:
            connection = self._open_connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = change(connection)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            return result

        return self._with_retries(transaction)

    def _read(self, query: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        def select() -> list[dict[str, Any]]:
            cursor = self._open_connection().execute(query, parameters)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        return self._with_retries(select)

    def _scalar(self, query: str) -> Any:
        return self._with_retries(lambda: self._open_connection().execute(query).fetchone()[0])

    def _with_retries(self, action: Callable[[], T]) -> T:
        """Do ``action``; retry while SQLite says "locked"; turn every SQLite error into ours."""
        with self._lock:
            for attempt in range(LOCKED_RETRIES + 1):
                try:
                    return action()
                except sqlite3.OperationalError as error:
                    if _is_locked(error) and attempt < LOCKED_RETRIES:
                        time.sleep(0.05 * 2**attempt)
                        continue
                    raise self._error(error) from None
                except sqlite3.Error as error:
                    raise self._error(error) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, error: sqlite3.Error) -> RunsDatabaseError:
        """A sentence about what SQLite said, naming the file and what to do."""
        text = str(error)
        if "not a database" in text or "malformed" in text:
            return RunsDatabaseError(
                f"{self.path} is not a glassnet runs database (SQLite says: {text}); "
                "choose another file with --db, or move this one away"
            )
        if _is_locked(error):
            return RunsDatabaseError(
                f"the runs database {self.path} stayed locked by another program for more than "
                f"{self.timeout:g} seconds ({LOCKED_RETRIES + 1} tries); try again when it is done"
            )
        if "unable to open" in text or "readonly" in text:
            return RunsDatabaseError(
                f"cannot open the runs database {self.path} for writing (SQLite says: {text}); "
                "check the permissions or choose another file with --db"
            )
        return RunsDatabaseError(f"runs database {self.path}: {text}")

    def _no_run_message(self, run_id: Any) -> str:
        count = self.count_runs() if self._connection is not None else 0
        hint = f"ids go from 1 to {count}" if count else "no runs are recorded there yet"
        return (f"there is no run {shown(run_id)} in {self.path} "
                f"({hint}; see: glassnet runs list{db_hint(self.path)})")


# SQLite's MAX ranks any text above every number, so a hand-edited accuracy of "abc"
# would be a sweep's best: only numbers take part.
_SWEEPS_QUERY = """
SELECT sweeps.id, sweeps.created, sweeps.spec, sweeps.status,
       COUNT(runs.id) AS n_runs,
       MAX(CASE WHEN typeof(runs.test_accuracy) IN ('integer', 'real')
                THEN runs.test_accuracy END) AS best_test_accuracy
FROM sweeps LEFT JOIN runs ON runs.sweep_id = sweeps.id
"""


def default_model_path(database: str | os.PathLike[str], run_id: int | None) -> Path:
    """Where a run's model is saved when nobody names a file: next to its database.

    ``model-<run id>.npz`` beside the default database (any ``glassnet.db``), and
    ``model-<database name>-<run id>.npz`` beside any other (``--db a.db`` gives
    ``model-a-1.npz``, ``--db b.db`` gives ``model-b-1.npz``), so that two databases in
    one folder do not number the same files. Without a run id (the database could not
    be written) the name holds the date and time instead. A default name never
    replaces a file that exists (say a database was deleted and begun again, so its
    ids start from 1 once more): ``.2``, ``.3``, ... is put before ``.npz`` until the
    name is free.

    Parameters
    ----------
    database : path
        The runs database the run is (or was to be) recorded in.
    run_id : int or None
        The run's id, from ``RunsDatabase.reserve_run_id``.

    Returns
    -------
    Path
        A path where nothing exists yet.
    """
    database = Path(database)
    prefix = "model" if database.name == DEFAULT_DATABASE_PATH.name else f"model-{database.stem}"
    tag = f"{datetime.now():%Y%m%d-%H%M%S}" if run_id is None else str(int(run_id))
    name, copy = f"{prefix}-{tag}", 1
    candidate = database.parent / f"{name}.npz"
    while os.path.lexists(candidate):
        copy += 1
        candidate = database.parent / f"{name}.{copy}.npz"
    return candidate


@dataclass(frozen=True)
class SavedRun:
    """What ``save_and_record`` did: where the model is, and whether the run was recorded.

    Attributes
    ----------
    model_path : Path
        The model file written.
    run_id : int or None
        The run's id, or None if the database could not be written.
    not_recorded : RunsDatabaseError or None
        Why the run is not in the database although the model was saved, if it is not.
    saved : object
        What ``save_model`` returned.
    """

    model_path: Path
    run_id: int | None
    not_recorded: RunsDatabaseError | None
    saved: Any = None


def save_and_record(
    database_path: str | os.PathLike[str],
    save_model: Callable[[Path, int | None], Any],
    settings: dict[str, Any],
    history: dict[str, Any],
    scores: dict[str, Any],
    *,
    model_path: str | os.PathLike[str] | None = None,
    **record: Any,
) -> SavedRun:
    """Save a trained model and record its run, in the order that loses neither.

    Every window that saves a model (``glassnet train``, the explorer) does it here:

    1. take the run's id (``reserve_run_id``), which the model's name and description
       carry;
    2. save the model (atomically: the file is the new model or not there at all);
    3. record the run with the model's path, in one transaction.

    So the database never lists a run whose model is missing or not yet written, and
    never a trained run without its model (unless the save itself failed: then the run
    is recorded without one, and the error says so). A kill between steps 1 and 2
    leaves an unused id; between 2 and 3 (the milliseconds of one commit), a model file
    that its own description ties to the run id and database, but no row.

    Parameters
    ----------
    database_path : path
        The runs database.
    save_model : callable
        ``save_model(path, run_id)`` writes the model to ``path`` (``run_id`` is None
        when the database could not be written); what it returns is kept in
        ``SavedRun.saved``.
    settings, history, scores
        As for ``RunsDatabase.record_run``.
    model_path : path, optional
        Where to save; default ``default_model_path(database_path, run_id)``.
    **record
        More arguments for ``record_run`` (``data``, ``source``, ``seconds``...).

    Returns
    -------
    SavedRun

    Raises
    ------
    GlassnetError
        If the model cannot be saved (the message adds whether the run was recorded).
        A database that cannot be written does not raise: the model is saved all the
        same, under a dated name, and ``SavedRun.not_recorded`` says why.
    """
    database: RunsDatabase | None = None
    run_id: int | None = None
    problem: RunsDatabaseError | None = None
    try:
        try:
            database = RunsDatabase(database_path)
            run_id = database.reserve_run_id()
        except RunsDatabaseError as error:
            problem = error
        path = Path(model_path) if model_path is not None else default_model_path(
            database_path, run_id)
        try:
            saved = save_model(path, run_id)
        except GlassnetError as error:
            if database is None or run_id is None:
                raise
            try:
                database.record_run(settings, history, scores, run_id=run_id, **record)
            except RunsDatabaseError as also:
                raise type(error)(f"{error} (the run was not recorded either: {also})") from error
            raise type(error)(
                f"{error} (the run is recorded as #{run_id} in {database_path}, without a "
                "model file)"
            ) from error
        if database is not None and run_id is not None:
            try:
                database.record_run(settings, history, scores, model_path=path, run_id=run_id,
                                    **record)
            except RunsDatabaseError as error:
                problem, run_id = error, None
    finally:
        if database is not None:
            database.close()
    return SavedRun(model_path=path, run_id=run_id, not_recorded=problem, saved=saved)


def differing_settings(runs: Sequence[dict[str, Any]]) -> list[str]:
    """The names of the settings that are not the same in all of ``runs``.

    This is the "tweak" of "tweak, retrain, retest": comparing two runs, the
    settings that differ are the ones that could explain a different score.

    Parameters
    ----------
    runs : sequence of dict
        Runs as ``get_run`` returns them.

    Returns
    -------
    list of str
        Setting names in the order they first appear.
    """
    names: list[str] = []
    for run in runs:
        names.extend(name for name in run["settings"] if name not in names)
    missing = object()
    return [
        name
        for name in names
        if len({json.dumps(run["settings"].get(name, missing), default=repr) for run in runs}) > 1
    ]


def _is_locked(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _to_json(value: Any, what: str) -> str:
    """Strict JSON (no NaN): NumPy scalars become plain numbers, NaN becomes null."""

    def plain(item: Any) -> Any:
        if hasattr(item, "item"):  # a NumPy scalar
            return item.item()
        if isinstance(item, os.PathLike):
            return os.fspath(item)
        raise TypeError(f"{type(item).__name__} is not JSON-serialisable")

    try:
        return json.dumps(_finite(value), default=plain, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise RunsDatabaseError(
            f"cannot record the run: its {what} are not JSON data ({error})"
        ) from None


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


# ---------------------------------------------------------------------- reading rows back
# Every row is checked here as it is read, and nowhere else. A check takes what SQLite
# gave and returns (the value to use, None) or (the empty value, what is wrong). What
# is wrong is said as the end of "its <column> is ...", e.g. "not valid JSON".

Check = Callable[[Any], tuple[Any, str | None]]


def _text_from_sqlite(raw: bytes) -> str:
    """How TEXT is read: UTF-8, with bytes that are not UTF-8 kept as lone surrogates."""
    return raw.decode("utf-8", "surrogateescape")


def _what(value: Any) -> str:
    """A short description of a value that is not what it should be, for messages."""
    if isinstance(value, bytes):
        return f"{plural(len(value), 'byte')} of binary data"
    return shown(value)


def _text(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and is_text(value):
        return value, None
    if isinstance(value, str):
        return "", "not valid UTF-8 text"
    return "", f"{_what(value)}, not text"


def _time(value: Any) -> tuple[Any, str | None]:
    text, problem = _text(value)
    if problem is not None:
        return "", problem
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return "", f"{_what(text)}, not a date and time (such as 2026-11-26T12:51:34+00:00)"
    return text, None


def _optional(check: Check) -> Check:
    """``check``, with NULL allowed (and kept as None)."""
    return lambda value: (None, None) if value is None else check(value)


def _whole_number(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    return None, f"{_what(value)}, not a whole number"


def _number(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value, None
    return None, f"{_what(value)}, not a number"


def _is_number_or_null(value: Any) -> bool:
    return value is None or _number(value)[1] is None


def _settings_problem(settings: dict[str, Any]) -> str | None:
    hidden = settings.get("hidden")
    if hidden is not None and not (
        isinstance(hidden, list) and all(_whole_number(size)[1] is None for size in hidden)
    ):
        return "hidden is not a list of layer sizes"
    return None


#: The per-epoch lists of a ``History.to_dict()``.
_HISTORY_CURVES = ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                   "seconds")


def _history_problem(history: dict[str, Any]) -> str | None:
    """What would break drawing or listing this history, if anything.

    A curve may hold null for an epoch (NaN is stored as null), but no curve may be
    longer than the run's epochs, which the times and the training loss count.
    """
    for name in _HISTORY_CURVES:
        values = history.get(name, [])
        if not isinstance(values, list) or not all(map(_is_number_or_null, values)):
            return f"{name} is not a list of numbers"
    epochs = max(len(history.get("seconds", [])), len(history.get("train_loss", [])))
    for name in _HISTORY_CURVES:
        if len(history.get(name, [])) > epochs:
            return f"{name} has more epochs than the run ({epochs})"
    for name in ("best_epoch", "averaged_epochs"):
        if history.get(name) is not None and _whole_number(history[name])[1] is not None:
            return f"{name} is not a whole number"
    if not _is_number_or_null(history.get("start_loss")):
        return "start_loss is not a number"
    if not isinstance(history.get("stop_reason", ""), str):
        return "stop_reason is not text"
    if not isinstance(history.get("config", {}), dict):
        return "config is not an object"
    return None


def _scores_problem(scores: dict[str, Any]) -> str | None:
    if not isinstance(scores.get("stop_reason") or "", str):
        return "stop_reason is not text"
    per_class = scores.get("per_class_accuracy")
    if per_class is not None and not (
        isinstance(per_class, dict) and all(map(_is_number_or_null, per_class.values()))
    ):
        return "per_class_accuracy is not an object of accuracies"
    return None


def _json_object(inner_problem: Callable[[dict[str, Any]], str | None] | None = None) -> Check:
    """A column of JSON text that must decode to an object (and pass ``inner_problem``)."""

    def check(value: Any) -> tuple[Any, str | None]:
        text, problem = _text(value)
        if problem is not None:
            return {}, problem
        try:
            decoded = json.loads(text, parse_constant=_no_constant)
        except ValueError as error:  # JSONDecodeError, or NaN / Infinity
            detail = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            return {}, f"not valid JSON: {detail}"
        if not isinstance(decoded, dict):
            return {}, f"a JSON {type(decoded).__name__.replace('NoneType', 'null')}, not an object"
        where = broken_text(decoded)
        if where is not None:
            return {}, f"not valid text (a lone surrogate at {where})"
        inner = inner_problem(decoded) if inner_problem is not None else None
        if inner is not None:
            return {}, f"not what glassnet records: {inner}"
        return decoded, None

    return check


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in strict JSON")


#: What every column of ``runs`` must hold. The id needs no rule: SQLite keeps an
#: INTEGER PRIMARY KEY a whole number.
_RUN_RULES: dict[str, Check] = {
    "created": _time,
    "source": _text,
    "sweep_id": _optional(_text),
    "settings": _json_object(_settings_problem),
    "seed": _optional(_whole_number),
    "data": _optional(_text),
    "history": _json_object(_history_problem),
    "scores": _json_object(_scores_problem),
    "train_accuracy": _optional(_number),
    "test_accuracy": _optional(_number),
    "epochs": _optional(_whole_number),
    "seconds": _optional(_number),
    "model_path": _optional(_text),
    "glassnet_version": _text,
}

_SWEEP_RULES: dict[str, Check] = {
    "created": _time,
    "spec": _json_object(),
    "status": _text,
    "best_test_accuracy": _optional(_number),
}

#: Column names that are plural ("its settings are ..."), for the messages.
_PLURAL_COLUMNS = frozenset({"settings", "scores"})


def _checked(row: dict[str, Any], rules: dict[str, Check]) -> dict[str, Any]:
    """``row`` with every column checked and decoded; ``"damaged"`` says what failed."""
    record = dict(row)
    problems = []
    for column, check in rules.items():
        value, problem = check(row.get(column))
        record[column] = value
        if problem is not None:
            verb = "are" if column in _PLURAL_COLUMNS else "is"
            problems.append(f"its {column} {verb} {problem}")
    record["damaged"] = "; ".join(problems) or None
    return record


def _check_run_row(row: dict[str, Any]) -> dict[str, Any]:
    """One row of ``runs`` as a run, checked by ``_RUN_RULES`` (see ``list_runs``)."""
    return _checked(row, _RUN_RULES)


def _check_sweep_row(row: dict[str, Any]) -> dict[str, Any]:
    """One row of the sweeps query as a sweep, checked by ``_SWEEP_RULES``."""
    return _checked(row, _SWEEP_RULES)


def _number_or_none(value: Any, kind: type) -> Any:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = kind(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN -> None


def _absolute(path: str | os.PathLike[str] | None) -> str | None:
    return None if path is None else str(Path(path).absolute())


def _run_id(run_id: Any) -> int:
    """``run_id`` as a whole number SQLite can hold (it refuses more than 64 bits)."""
    try:
        number = int(run_id)
    except (TypeError, ValueError):
        raise RunsDatabaseError(f"a run id is a whole number, got {shown(run_id)}") from None
    if not -MAX_WHOLE_NUMBER - 1 <= number <= MAX_WHOLE_NUMBER:  # SQLite's 64-bit integers
        raise RunsDatabaseError(f"a run id is a whole number from -2**63 to 2**63 - 1, "
                                f"got {shown(number)}")
    return number


def _glassnet_version() -> str:
    from .version import __version__

    return str(__version__)


__all__ = [
    "DEFAULT_DATABASE_PATH",
    "DamagedRunError",
    "SCHEMA_VERSION",
    "SOURCES",
    "RunsDatabase",
    "SavedRun",
    "default_model_path",
    "differing_settings",
    "save_and_record",
    "utc_now",
]
