"""Measured size of the pre-trend tests (generated; do not edit by hand).

Written by ``benchmarks/coverage_study.py --write`` (see its docstring and the coverage
section of benchmarks/README.md): per test and design, the rejection rate of the nominal
5% test (p <= 0.05) in the study's scenarios, none of which has a pre-trend violation
(``null``: no effect; ``constant``, ``dynamic``: effects after adoption only). ``size``
is the ``null`` rate, ``mc_se`` its Monte Carlo SE sqrt(p (1 - p) / reps); ``seed`` is the
study's seed, ``n_perm`` the randomization pre-test's permutations, ``minutes`` the wall
time of the design's run. Read by :func:`mutasi_analysis.did.pretrend_size`.
"""

MEASURED = {'alpha': 0.05,
 'designs': [{'test': 'randomization',
              'n_units': 16,
              'design': '16 units x 54 months, waves of 3/3/4 offices at months 18/27/36, 6 never '
                        'treated, AR(1) errors (rho 0.6) within office, office trends (SD 0.005 a '
                        'month)',
              'size': 0.055,
              'mc_se': 0.0072,
              'size_by_scenario': {'null': 0.055, 'constant': 0.067, 'dynamic': 0.054},
              'reps': 1000,
              'seed': 20261128,
              'n_perm': 999,
              'date': '2026-11-30',
              'minutes': 3.7},
             {'test': 'wald',
              'n_units': 16,
              'design': '16 units x 54 months, waves of 3/3/4 offices at months 18/27/36, 6 never '
                        'treated, AR(1) errors (rho 0.6) within office, office trends (SD 0.005 a '
                        'month)',
              'size': 0.002,
              'mc_se': 0.0014,
              'size_by_scenario': {'null': 0.002, 'constant': 0.0, 'dynamic': 0.0},
              'reps': 1000,
              'seed': 20261128,
              'n_perm': 999,
              'date': '2026-11-30',
              'minutes': 3.7},
             {'test': 'randomization',
              'n_units': 60,
              'design': '60 units x 54 months, waves of 11/11/15 offices at months 18/27/36, 23 '
                        'never treated, AR(1) errors (rho 0.6) within office, office trends (SD '
                        '0.005 a month)',
              'size': 0.061,
              'mc_se': 0.0076,
              'size_by_scenario': {'null': 0.061, 'constant': 0.05, 'dynamic': 0.048},
              'reps': 1000,
              'seed': 20261128,
              'n_perm': 999,
              'date': '2026-11-30',
              'minutes': 3.9},
             {'test': 'wald',
              'n_units': 60,
              'design': '60 units x 54 months, waves of 11/11/15 offices at months 18/27/36, 23 '
                        'never treated, AR(1) errors (rho 0.6) within office, office trends (SD '
                        '0.005 a month)',
              'size': 0.999,
              'mc_se': 0.001,
              'size_by_scenario': {'null': 0.999, 'constant': 1.0, 'dynamic': 1.0},
              'reps': 1000,
              'seed': 20261128,
              'n_perm': 999,
              'date': '2026-11-30',
              'minutes': 3.9}]}
