"""The application: what a run is, running it, recording it, and sweeps of many.

Run settings (one table of defaults and checks), ``run()`` (load, split, train,
score), recording a finished run, and sweeps on joblib or Dask. The windows on top
(the command line, the explorer, the tour, the estimator) call these.
"""
