"""The command line: every part of glassnet one command away.

``glassnet train`` trains a network and records the run; ``evaluate`` scores a saved
network; ``predict`` shows what it answers for a picture or 64 numbers, neuron by
neuron; ``show`` prints a training digit as shades and as the numbers the network
sees; ``plot`` draws the pictures a class needs; ``runs`` lists, shows and compares
recorded runs (the article's "tweak, retrain, retest"); ``export`` writes a readable
JSON copy of a model. ``glassnet COMMAND -h`` explains each one.

The package only *talks*: it turns options into calls to the core (every training
goes through ``glassnet.app.experiment.run``) and results into text. It never computes
anything the core could compute.

Errors. The core raises ``GlassnetError`` with a sentence saying what was wrong and
what to do. ``GlassnetGroup`` catches those (and ``OSError`` from files) once, for
every command, and prints that sentence as one line, ``Error: ...``, exiting with
status 1; click's own usage errors exit with 2. ``glassnet --debug COMMAND`` shows
the full traceback instead.

Extending it. The explorer, the tour and the sweeps add their own commands with
``@main.command()``. Every training option is a row of ``TRAINING_OPTIONS``, so a
command that trains can take them all with ``@training_options`` and turn them
into ``RunSettings`` with ``settings_from_options(**options)``; a command that
wants several values per option (a sweep) can build its own options from the same
rows and convert each value with ``TrainingOption.convert``.

One module per command (train, evaluate, predict, show, plot, runs, explore, sweep,
export, tour), on three shared ones: ``group`` (the ``glassnet`` group and its error
handling), ``options`` (the training options) and ``text`` (pictures and tables made
of text).

Imports are kept light on purpose: ``glassnet --help`` must answer at once, and
NumPy alone takes about a tenth of a second to import. So no module here imports
NumPy and none of the core at the top: the core, matplotlib (``plot``), tqdm
(progress bars) and Pillow (pictures) are imported inside the commands that need
them. The options' defaults come from ``glassnet.app.settings`` and
``glassnet.core.defaults``, which are plain Python, and the names offered by
``--activation``, ``--output``, ``--loss`` and ``--optimizer`` are read from the
core's registries only when a command's own help or a value needs them
(``LazyChoice``). A test checks that ``glassnet --help`` imports no NumPy.
"""

# Each command module adds its commands to ``main`` when it is imported.
from . import evaluate, explore, export, plot, predict, runs, show, sweep, tour, train  # noqa: F401
from .group import GlassnetGroup, main
from .options import TRAINING_OPTIONS, TrainingOption, settings_from_options, training_options
from .train import EpochReporter

__all__ = [
    "TRAINING_OPTIONS",
    "EpochReporter",
    "GlassnetGroup",
    "TrainingOption",
    "main",
    "settings_from_options",
    "training_options",
]
