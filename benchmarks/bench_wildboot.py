"""Benchmark: ``wild_cluster_bootstrap`` against wildboottest and pyfixest on the same data.

Model: ``y ~ treat + C(unit) + C(time)``, WCR, Rademacher weights, B = 9,999, clusters at the
unit level for the small case and above it for the large one. Each (case, package) runs in its
own subprocess; fit time is the best of ``--repeat`` runs (data generation and imports
excluded; numba compilation of wildboottest excluded by a warm-up run) and includes our
test-inversion confidence interval. Peak memory: the resident-set high-water mark is reset
before the fit (``/proc/self/clear_refs``) and read after it (``VmHWM``), minus the resident
size before the fit. Every peer p-value is checked against ours (within 2/B, the peers do not
count ties; with random draws they use other draws, so only a loose check: within 0.02); the
script exits with status 1, naming each comparison that failed, when a peer disagrees or a
fit fails.

Usage::

    .venv/bin/python benchmarks/bench_wildboot.py                  # 30 clusters x 3,600 rows, all packages
    .venv/bin/python benchmarks/bench_wildboot.py --large          # also 500,000 rows (ours only)
    .venv/bin/python benchmarks/bench_wildboot.py --large --large-peers   # try pyfixest at 500k (needs >> 8 GiB)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    # name: (units, periods, clusters)
    "30cl_3600": (30, 120, 30),
    "500k": (10_000, 50, 30),
}
PACKAGES = ["mutasi", "wildboottest", "pyfixest"]


def make_data(units: int, periods: int, clusters: int, seed: int = 1):
    """Unit x period panel, half the clusters treated from mid-panel, cluster-period shocks."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    u = np.repeat(np.arange(units), periods)
    t = np.tile(np.arange(periods), units)
    cl = u % clusters
    treat = ((cl < clusters // 2) & (t >= periods // 2)).astype(float)
    y = (0.1 * treat + rng.normal(size=units)[u] + 0.05 * t
         + rng.normal(scale=0.5, size=(clusters, periods))[cl, t] + rng.normal(size=len(u)))
    return pd.DataFrame({"unit": u, "time": t, "cl": cl, "treat": treat, "y": y})


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def _run(package: str, d, B: int):
    """One bootstrap; returns the p-value."""
    if package == "mutasi":
        sys.path.insert(0, str(ROOT))
        from mutasi_analysis.did import wild_cluster_bootstrap

        r = wild_cluster_bootstrap(d, "y ~ treat + C(unit) + C(time)", "treat", "cl", n_boot=B, seed=1)
        r.conf_int()
        return r.pvalue
    if package == "wildboottest":
        import statsmodels.formula.api as smf
        from wildboottest.wildboottest import wildboottest

        m = smf.ols("y ~ treat + C(unit) + C(time)", data=d)
        with contextlib.redirect_stdout(io.StringIO()):
            out = wildboottest(m, B=B, cluster=d["cl"].to_numpy(), param="treat", seed=1, show=False)
        return float(out["p-value"].iloc[0])
    if package == "pyfixest":
        import pyfixest as pf

        fit = pf.feols("y ~ treat | unit + time", data=d, vcov={"CRV1": "cl"})
        out = fit.wildboottest(param="treat", reps=B, seed=1)
        return float(out["Pr(>|t|)"])
    raise ValueError(package)


def child(case: str, package: str, B: int, repeat: int) -> dict:
    warnings.simplefilter("ignore")
    d = make_data(*CASES[case])
    # Warm-up on a small problem: excludes imports and numba compilation from the timing.
    _run(package, make_data(6, 10, 6), 99)
    times, p = [], None
    base = _rss_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    for _ in range(repeat):
        t0 = time.perf_counter()
        p = _run(package, d, B)
        times.append(time.perf_counter() - t0)
    peak = _rss_kib("VmHWM")
    return {"case": case, "package": package, "rows": len(d), "clusters": CASES[case][2],
            "seconds": min(times), "peak_extra_mib": round(max(0, peak - base) / 1024, 1), "pvalue": p}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--B", type=int, default=9999)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--large", action="store_true", help="also run the 500,000-row case (ours)")
    ap.add_argument("--large-peers", action="store_true", help="also try the peers at 500,000 rows")
    ap.add_argument("--one", nargs=2, metavar=("CASE", "PACKAGE"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.one:
        print(json.dumps(child(a.one[0], a.one[1], a.B, a.repeat)))
        return 0
    jobs = [("30cl_3600", p) for p in PACKAGES]
    if a.large:
        jobs.append(("500k", "mutasi"))
        if a.large_peers:
            jobs += [("500k", "pyfixest")]
    rows = []
    for case, pkg in jobs:
        rep = 1 if case == "500k" else a.repeat
        proc = subprocess.run([sys.executable, __file__, "--one", case, pkg, "--B", str(a.B),
                               "--repeat", str(rep)], capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["killed"])[-1]
            rows.append({"case": case, "package": pkg, "error": f"exit {proc.returncode}: {tail[:120]}"})
        else:
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    ours = {r["case"]: r for r in rows if r["package"] == "mutasi" and "seconds" in r}
    problems = []
    print("\n| case | package | rows | clusters | fit s (best) | ratio to ours | peak extra MiB | p-value |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['case']} | {r['package']} | | | {r['error']} | | | |")
            # A peer running out of memory at 500k rows is the finding, not a failure of ours.
            if r["package"] == "mutasi" or r["case"] != "500k":
                problems.append(f"{r['case']}: {r['package']} did not run ({r['error']})")
            continue
        o = ours.get(r["case"])
        ratio = r["seconds"] / o["seconds"] if o else float("nan")
        if o and r["package"] != "mutasi" and not abs(r["pvalue"] - o["pvalue"]) < 0.02:
            problems.append(f"{r['case']}: {r['package']} p-value {r['pvalue']:.4f} disagrees with "
                            f"mutasi's {o['pvalue']:.4f} (tolerance 0.02)")
        print(f"| {r['case']} | {r['package']} | {r['rows']:,} | {r['clusters']} | {r['seconds']:.3f} | "
              f"{ratio:.1f}x | {r['peak_extra_mib']} | {r['pvalue']:.4f} |")
    if problems:
        print("\nFAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
