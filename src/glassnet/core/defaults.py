"""The settings a training uses when none are given, in one place without NumPy.

``glassnet.training`` trains with these, ``RunSettings`` starts from them and the
command line prints them in its help. They live in a module of plain values (it
imports nothing) so that ``glassnet --help`` can show
them without loading NumPy (about a tenth of a second) or the runs database's sqlite3.

They were chosen by validation inside the training parts of ten seeded splits of the
digits (scripts/tune_recipes.py), so that ``train(Network([64, 32, 10]), train_split)``
reaches about 98.4%: SGD with momentum in batches of 64 at a rate of 0.2 for 80
epochs, noise of 0.2 on the training pixels and nudges of up to half a pixel
(without either this small network overfits and stays near 97.7%), and the average
of the weights from epoch 40 on, the second half (100 epochs scored the same on
validation, in a quarter more time; see docs/how-it-works.md for the measurements).
"""

DEFAULT_EPOCHS = 80
DEFAULT_BATCH_SIZE = 64
DEFAULT_PATIENCE = 20
DEFAULT_LEARNING_RATE = 0.2
DEFAULT_MOMENTUM = 0.9
DEFAULT_INPUT_NOISE = 0.2
DEFAULT_AVERAGE_FROM = 40
DEFAULT_NUDGE = 0.5

#: The largest seed a run may name (seeds are whole numbers from 0): what every window
#: can hold, from a shared link's JavaScript number to the runs database's integers.
MAX_SEED = 2**31 - 1

#: The most epochs one training may run. Far more than this problem needs, and what
#: keeps a run's record bounded: its checkpoint holds the whole per-epoch history,
#: and ``epochs=10**400`` would otherwise start a training that never ends.
MAX_EPOCHS = 100_000

#: The largest whole number a setting may hold (a seed, a patience, a batch size): what
#: the runs database's integers (SQLite's, 64-bit) and every file glassnet writes hold.
MAX_WHOLE_NUMBER = 2**63 - 1

#: Learning rate used when none is given, per optimizer.
DEFAULT_LEARNING_RATES = {"sgd": DEFAULT_LEARNING_RATE, "adam": 0.002, "slope_descent": 0.5}

__all__ = ["DEFAULT_EPOCHS", "DEFAULT_BATCH_SIZE", "DEFAULT_PATIENCE", "DEFAULT_LEARNING_RATE",
           "DEFAULT_MOMENTUM", "DEFAULT_INPUT_NOISE", "DEFAULT_AVERAGE_FROM",
           "DEFAULT_LEARNING_RATES", "DEFAULT_NUDGE", "MAX_EPOCHS", "MAX_SEED",
           "MAX_WHOLE_NUMBER"]
