"""How likely the recovery tests are to catch a wrong headline: the injected-error table.

``tests/test_recovery.py`` runs :func:`tests.recovery.replicate` on seeds 1..R and applies
:func:`tests.recovery.check` (bias, coverage and sign, thresholds from the Monte Carlo SE and
the binomial at a false-alarm rate of 0.001 per check). This script runs a pool of
replications on other seeds (100001 on), then draws many batches of R replications from it,
injects each error of :data:`tests.recovery.ERRORS` into every batch, and counts how often
the checks fail: the probability that the test would catch that error. The row "no error"
is the false-alarm rate of the whole test.

Batches are drawn with replacement from the pool (a bootstrap of the Monte Carlo design):
with a pool several times larger than R the estimate is close to what fresh seeds would give.

Usage::

    .venv/bin/python benchmarks/recovery_power.py --pool 1000 --batches 2000   # README table
    .venv/bin/python benchmarks/recovery_power.py --pool 60 --batches 200      # smoke run
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# One BLAS thread, set before numpy is imported (hence the imports below the loop).
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mutasi_analysis.config import load_config  # noqa: E402
from tests.recovery import EFFECT, ERRORS, check, inject, replicate  # noqa: E402
from tests.test_recovery import N_SEEDS  # noqa: E402

POOL_FIRST_SEED = 100_001


def catch_rates(pool: pd.DataFrame, n: int, batches: int, seed: int = 1) -> pd.DataFrame:
    """Share of batches of ``n`` replications in which the checks fail, per injected error."""
    rng = np.random.default_rng(seed)
    idx = [rng.integers(0, len(pool), n) for _ in range(batches)]
    rows = []
    for error in ("no error", *ERRORS):
        fails = {"any": 0, "bias": 0, "coverage": 0, "sign": 0}
        for ix in idx:
            batch = pool.iloc[ix].reset_index(drop=True)
            v = check(batch if error == "no error" else inject(batch, error), truth=EFFECT)
            fails["any"] += bool(v.failures)
            for name in ("bias", "coverage", "sign"):
                fails[name] += any(f.startswith(name) for f in v.failures)
        p = fails["any"] / batches
        rows.append({"injected error": error, "P(test fails)": p,
                     "MC SE": np.sqrt(p * (1 - p) / batches),
                     **{f"by {k}": v / batches for k, v in fails.items() if k != "any"}})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", type=int, default=1000, help="replications in the pool")
    ap.add_argument("--batches", type=int, default=2000, help="batches drawn from the pool")
    ap.add_argument("--n", type=int, default=N_SEEDS, help="replications per batch (the test's R)")
    ap.add_argument("--cache", type=Path, default=None, help="CSV of the pool (reused when present)")
    args = ap.parse_args(argv)
    cfg = load_config(ROOT / "config" / "alak.toml")
    t0 = time.perf_counter()
    if args.cache is not None and args.cache.exists():
        pool = pd.read_csv(args.cache)
    else:
        pool = replicate(cfg, range(POOL_FIRST_SEED, POOL_FIRST_SEED + args.pool))
        if args.cache is not None:
            pool.to_csv(args.cache, index=False)
    t1 = time.perf_counter()
    est = pool["estimate"]
    covered = ((pool["conf_low"] <= EFFECT) & (EFFECT <= pool["conf_high"])).mean()
    print(f"pool: {len(pool)} replications in {t1 - t0:.0f} s; truth {EFFECT}; mean estimate "
          f"{est.mean():.4f} (MC SE {est.std() / np.sqrt(len(est)):.4f}); sd {est.std():.4f}; "
          f"coverage of the 95% randomization interval {covered:.3f} "
          f"(MC SE {np.sqrt(covered * (1 - covered) / len(pool)):.3f}); mean width "
          f"{(pool['conf_high'] - pool['conf_low']).mean():.3f}")
    table = catch_rates(pool, args.n, args.batches)
    print(f"\nR = {args.n} replications per test run, {args.batches} batches:\n")
    fmt = {c: "{:.3f}".format for c in table.columns if c != "injected error"}
    print(table.to_markdown(index=False, floatfmt=".3f") if _has_tabulate() else table.to_string(index=False, formatters=fmt))
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
