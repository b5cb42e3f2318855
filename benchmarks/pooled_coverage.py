"""Coverage of the pooled DiD's intervals across 30 regions (issue 14), the bigger study.

``tests/test_pooled.py`` checks the office-clustered interval on 400 replications of one
design; this runs more replications of three designs (``tests.test_pooled.simulate_regions``:
30 regions of 10-17 offices, three common adoption months, office and month fixed effects):

- ``office``: the effect varies by office (sd 0.6), independently of the region;
- ``region``: the effect varies by region (sd 0.6) and a little by office (0.2);
- ``region+shock``: as ``region``, plus a region-month shock (sd 0.3) common to a region's
  offices, which makes offices of one region correlated.

For each it reports the coverage of the office-clustered 95% interval and of the
region-clustered one (influence functions summed by region, t with G-1 df) against three
targets: ``regions`` (the ATT of these regions, offices drawn within them: the test's truth),
``planted`` (the draw's own ATT: every office's realised effect, the demo's ``att_pooled``
rule) and ``population`` (the mean effect of a population of regions, -1.5). With
``--wcb N`` the first N replications of each design also run the restricted wild cluster
bootstrap by region (Sun-Abraham overall ATT; slow, about 2 s each).

    .venv/bin/python benchmarks/pooled_coverage.py --reps 1000 --workers 2 [--wcb 100] [--json out.json]

Seeds 100001 onwards, apart from the test's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.recovery import _map  # noqa: E402
from tests.test_pooled import MEAN_EFFECT, replicate  # noqa: E402

DESIGNS = {
    "office": {"region_sd": 0.0, "office_sd": 0.6},
    "region": {"region_sd": 0.6, "office_sd": 0.2},
    "region+shock": {"region_sd": 0.6, "office_sd": 0.2, "region_month_sd": 0.3},
}
FIRST_SEED = 100_001


def _one(args) -> dict:
    design, seed, wcb = args
    out = replicate(seed, region_check=True, wild_bootstrap=wcb, **DESIGNS[design])
    return {"design": design, **out}


def coverage(reps: pd.DataFrame) -> pd.DataFrame:
    """Coverage (and its MC SE) per design, interval and target."""
    rows = []
    targets = {"regions": reps["truth"], "planted": reps["planted"], "population": pd.Series(MEAN_EFFECT, index=reps.index)}
    ivs = {"office": ("conf_low", "conf_high"), "region_analytic": ("region_low", "region_high")}
    if "wcb_low" in reps:
        ivs["region_wild_bootstrap"] = ("wcb_low", "wcb_high")
    for design, g in reps.groupby("design", sort=False):
        for iv, (lo, hi) in ivs.items():
            ok = g[lo].notna()
            for tname, truth in targets.items():
                tr = truth.loc[g.index][ok]
                c = ((g.loc[ok, lo] <= tr) & (tr <= g.loc[ok, hi])).to_numpy()
                rows.append({"design": design, "interval": iv, "target": tname, "n": int(ok.sum()),
                             "coverage": float(c.mean()), "mc_se": float(np.sqrt(c.mean() * (1 - c.mean()) / ok.sum())),
                             "mean_width": float((g.loc[ok, hi] - g.loc[ok, lo]).mean())})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--wcb", type=int, default=0, help="replications per design that also run the wild bootstrap")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    jobs = [(d, FIRST_SEED + i, i < a.wcb) for d in DESIGNS for i in range(a.reps)]
    t = time.perf_counter()
    reps = _map(_one, jobs, a.workers)
    secs = time.perf_counter() - t
    table = coverage(reps)
    bias = reps.assign(err=reps["estimate"] - reps["truth"]).groupby("design", sort=False)["err"].agg(["mean", "std"])
    print(f"{len(reps)} replications in {secs:.0f} s ({a.workers} workers)")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    print("estimate - truth (regions target):")
    print(bias.to_string(float_format=lambda x: f"{x:.4f}"))
    if a.json:
        a.json.write_text(json.dumps({"reps": a.reps, "wcb": a.wcb, "seconds": secs, "first_seed": FIRST_SEED,
                                      "coverage": table.to_dict("records"),
                                      "bias": bias.reset_index().to_dict("records")}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
