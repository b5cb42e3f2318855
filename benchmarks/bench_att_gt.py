"""Benchmark: ``att_gt`` against diff-diff, csdid and differences on the same simulated panels.

Setting (the issue's): outcome regression, never-treated controls, no covariates, analytic
standard errors, simple aggregation. Each (size, package) pair runs in its own subprocess so
that peak memory is measured per fit: the peak resident set size is reset just before the fit
(``/proc/self/clear_refs``) and read afterwards (``VmHWM``), minus the resident size before the
fit (data and imports). Fit time is the best of ``--repeat`` fits, data generation excluded.
Every fit's simple ATT and SE are checked against ours (they must agree to 1e-8): the script
exits with status 1, naming each comparison that failed, when a package disagrees or a fit
fails, so a disagreement cannot pass as a timing.

Usage::

    .venv/bin/python benchmarks/bench_att_gt.py                 # 200x48, 5000x60, 20000x60
    .venv/bin/python benchmarks/bench_att_gt.py --sizes 200x48 --packages mutasi diff-diff
    .venv/bin/python benchmarks/bench_att_gt.py --scaling       # ours only, up to 5 M rows
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["mutasi", "diff-diff", "csdid", "differences"]
DEFAULT_SIZES = ["200x48", "5000x60", "20000x60"]
SCALING_SIZES = ["10000x60", "20000x60", "40000x60", "83334x60"]  # 0.6 M to 5 M rows


def _simulator():
    spec = importlib.util.spec_from_file_location("did_conftest", ROOT / "tests" / "did" / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.simulate_staggered_panel


def make_panel(n_units: int, n_periods: int, seed: int = 1):
    """Ten cohorts spread over the second half of the panel, 30% never treated."""
    cohorts = sorted({int(round(n_periods / 3 + i * (n_periods * 2 / 3 - 1) / 10)) for i in range(10)})
    return _simulator()(n_units, n_periods, cohorts=cohorts, never_share=0.3, seed=seed)


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def _fit(package: str, d):
    """Fit one package; returns (simple ATT, SE)."""
    import numpy as np

    if package == "mutasi":
        from mutasi_analysis.did import att_gt

        a = att_gt(d, "y", "unit", "time", "cohort", control="never", method="reg").aggregate("simple")
        return a.estimate, a.std_error
    if package == "diff-diff":
        from diff_diff import CallawaySantAnna

        r = CallawaySantAnna(control_group="never_treated", estimation_method="reg").fit(
            d, "y", "unit", "time", "cohort", aggregate="simple")
        return r.overall_att, r.overall_se
    if package == "csdid":
        from csdid.att_gt import ATTgt

        with contextlib.redirect_stdout(io.StringIO()):
            o = ATTgt(yname="y", tname="time", idname="unit", gname="cohort", data=d,
                      control_group=["nevertreated"])
            o.fit(est_method="reg", bstrap=False)
            o.aggte(typec="simple", bstrap=False)
        return float(o.atte["overall_att"]), float(o.atte["overall_se"])
    if package == "differences":
        from differences import ATTgt

        dd = d.assign(cohort=d["cohort"].replace(0, np.nan)).set_index(["unit", "time"])
        a = ATTgt(data=dd, cohort_column="cohort")
        a.fit("y", est_method="reg", control_group="never_treated", progress_bar=False)
        s = a.aggregate("simple")
        return float(s.iloc[0, 0]), float(s.iloc[0, 1])
    raise ValueError(package)


def worker(package: str, size: str, repeat: int) -> dict:
    """Run inside a subprocess: time ``repeat`` fits, measure the peak memory of the first."""
    warnings.filterwarnings("ignore")
    n_units, n_periods = (int(v) for v in size.split("x"))
    d = make_panel(n_units, n_periods)
    _fit(package, make_panel(50, 8, seed=2))  # warm-up: imports and lazy initialisation
    rss0 = _rss_kib("VmRSS")
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS counter
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        att, se = _fit(package, d)
        times.append(time.perf_counter() - t0)
    peak = _rss_kib("VmHWM")
    return {"package": package, "size": size, "rows": len(d), "fit_s": min(times), "times": times,
            "peak_extra_mib": (peak - rss0) / 1024, "att": att, "se": se}


def run(package: str, size: str, repeat: int, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--worker", package, size, str(repeat)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"package": package, "size": size, "error": f"timeout after {timeout:g} s"}
    if out.returncode != 0:
        return {"package": package, "size": size, "error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", nargs="+", default=None, help="units x periods, e.g. 200x48")
    p.add_argument("--packages", nargs="+", default=PACKAGES, choices=PACKAGES)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--scaling", action="store_true", help="ours only, growth up to 5 M rows")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.worker:
        print(json.dumps(worker(a.worker[0], a.worker[1], int(a.worker[2]))))
        return 0
    sizes = a.sizes or (SCALING_SIZES if a.scaling else DEFAULT_SIZES)
    packages = ["mutasi"] if a.scaling else a.packages
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    results, problems = [], []
    for size in sizes:
        rows = [run(pkg, size, a.repeat, a.timeout) for pkg in packages]
        results += rows
        ours = next((r for r in rows if r["package"] == "mutasi" and "error" not in r), None)
        print(f"\n{size} units x periods")
        print(f"{'package':<12} {'rows':>9} {'fit s':>8} {'ratio':>7} {'peak MiB':>9} {'simple ATT':>12} {'agrees':>6}")
        for r in rows:
            if "error" in r:
                print(f"{r['package']:<12} error: {r['error']}")
                problems.append(f"{size}: {r['package']} did not run ({r['error']})")
                continue
            ratio = r["fit_s"] / ours["fit_s"] if ours else float("nan")
            agree = "" if not ours else ("yes" if abs(r["att"] - ours["att"]) < 1e-8
                                         and abs(r["se"] - ours["se"]) < 1e-8 else "NO")
            if agree == "NO":
                problems.append(f"{size}: {r['package']} disagrees with mutasi: ATT {r['att']:.10f} vs "
                                f"{ours['att']:.10f}, SE {r['se']:.10f} vs {ours['se']:.10f} (tolerance 1e-8)")
            print(f"{r['package']:<12} {r['rows']:>9} {r['fit_s']:>8.3f} {ratio:>7.2f} "
                  f"{r['peak_extra_mib']:>9.0f} {r['att']:>12.6f} {agree:>6}")
    if a.scaling:
        print("\nlinear growth check (seconds per million rows):")
        for r in results:
            if "error" not in r:
                print(f"  {r['rows']:>9} rows: {r['fit_s']:.3f} s, {r['fit_s'] / r['rows'] * 1e6:.3f} s/M rows, "
                      f"{r['peak_extra_mib']:.0f} MiB")
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
    if problems:
        print("\nFAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
