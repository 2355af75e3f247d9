"""glassnet's benchmark suite: ``python -m bench`` (or ``make bench``).

It runs the benchmark protocol (bench/protocol.py: scikit-learn's digits / 16, five
stratified 80/20 splits, random_state 0 to 4) and writes docs/benchmarks.md: the same
work for every contender, in one run, so that ratios are fair on a noisy machine.
Every comparison alternates the contenders (A B A B ...) and quotes medians.

Modules, one measurement each:

- ``protocol``     the data (five stratified 80/20 splits of the digits), timing
                   helpers, machine and version facts
- ``contenders``   glassnet (defaults, best, recommended, fastest), scikit-learn
                   MLPs, PyTorch, SVC, kNN, logistic regression, all behind one
                   interface
- ``accuracy``     accuracy, fit time, predict time and single-sample latency
- ``memory``       peak RSS of import + training, each in its own process
- ``target``       time to reach 97.5% mean test accuracy
- ``epoch``        glassnet's epoch time against the matrix products alone, and
                   against scikit-learn's on the same work (float64 and float32)
- ``mnist``        one epoch of an MNIST-sized synthetic problem
- ``cli``          ``glassnet --help`` and ``glassnet train``, end to end
- ``report``       the Markdown page

The benchmark is not part of the test suite and asserts nothing: the targets are
shown next to the numbers, met or not.
"""
