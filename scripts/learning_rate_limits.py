"""Count how trainings end at huge learning rates: trained, or TrainingDiverged.

tests/test_training_numerics.py checks that every training with a learning rate up
to 1e4 (every hidden activation, every output and loss that go together, SGD with
and without (Nesterov) momentum, Adam) ends with finite weights, trained or stopped
by ``TrainingDiverged``. This script runs the same grid (64-8-10 network, 240
digits, 3 epochs, batches of 16) and prints how many ended each way per learning
rate, the figures quoted in docs/reliability.md. It exits with status 1 if any
training ended with NaN or infinite weights.

Usage::

    python scripts/learning_rate_limits.py
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

import glassnet
from glassnet.core.activations import ACTIVATIONS
from glassnet.core.losses import LOSSES
from glassnet.core.optimizers import SGD, Adam
from glassnet.errors import TrainingDiverged
from glassnet.training import train

RATES = [1.0, 1e2, 1e4]
OPTIMIZERS = {
    "sgd": lambda rate: SGD(rate),
    "sgd-momentum": lambda rate: SGD(rate, momentum=0.9),
    "sgd-nesterov": lambda rate: SGD(rate, momentum=0.9, nesterov=True),
    "adam": lambda rate: Adam(rate),
}


def main() -> int:
    data = glassnet.load_digits().take(np.arange(240))
    hidden = [name for name in ACTIVATIONS if name != "softmax"]
    pairs = [(output, loss) for output in ACTIVATIONS for loss in LOSSES
             if loss != "cross_entropy" or output in ("softmax", "sigmoid")]
    tally: Counter = Counter()
    for rate in RATES:
        for activation in hidden:
            for output, loss in pairs:
                for make in OPTIMIZERS.values():
                    network = glassnet.Network([64, 8, 10], activation, output, seed=0)
                    try:
                        train(network, data, loss=loss, epochs=3, batch_size=16,
                              optimizer=make(rate), average_from=2, validation_fraction=0.0,
                              catch_interrupt=False)
                        outcome = "trained"
                    except TrainingDiverged:
                        outcome = "TrainingDiverged"
                    if not all(np.isfinite(p).all() for p in network.parameters()):
                        outcome = "NON-FINITE WEIGHTS"
                    tally[rate, outcome] += 1
    combinations = len(hidden) * len(pairs) * len(OPTIMIZERS)
    print(f"{combinations} combinations (hidden activation x output/loss x optimizer) "
          "per learning rate")
    for rate in RATES:
        counts = ", ".join(f"{outcome}: {count}" for (r, outcome), count in sorted(tally.items())
                           if r == rate)
        print(f"learning rate {rate:g}: {counts}")
    broken = sum(count for (_, outcome), count in tally.items() if outcome.startswith("NON"))
    print(f"trainings that ended with NaN or infinite weights: {broken}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
