"""Monte Carlo coverage of the inference methods at the demo's scale.

Design (about the size of a kecamatan's panel): 16 offices (units), 54 months, staggered
adoption in three waves (months 18, 27 and 36; 3 + 3 + 4 offices) and 6 never-treated
offices. Outcome = office effect + common month effect + error, with errors serially
correlated within an office (AR(1), rho = 0.6, unit variance) and a small office-specific
linear trend; units are the clusters. Adoption months are assigned to offices at random in
each replication. Scenarios:

- ``null``: no effect; reported as the rejection rate of a nominal 5% test of "no effect" (size).
- ``constant``: effect 1.0 from adoption on, for every office and month.
- ``dynamic``: effect 0.5 + 0.05 per month since adoption (grows over time); the target is
  the simple ATT (average effect over treated office-months), which TWFE does not estimate.

Methods (95% intervals; the target is the simple ATT, equal to the constant effect when there
is one):

- ``att_gt analytic``: ``att_gt(...).aggregate("simple")``, influence-function SE, normal.
- ``TWFE CRV1 t(G-1)``: ``twfe`` regression coefficient with a unit-clustered SE (baseline).
- ``Sun-Abraham CRV1 t(G-1)``: ``sun_abraham(...).overall()``.
- ``WCR bootstrap on TWFE``: ``wild_cluster_bootstrap`` of the TWFE coefficient, Rademacher,
  B = 999, interval by test inversion.
- ``WCR bootstrap on IW (Sun-Abraham) ATT``: ``sun_abraham(...).wild_bootstrap()``, the
  wild cluster bootstrap of the size-weighted average of the post-treatment coefficients of
  the saturated Sun-Abraham regression (``overall()``), same B and inversion.
- ``randomization (att_simple)``: ``randomization_inference``, adoption dates permuted,
  ``--n-perm`` permutations, interval by inverting the sharp null of a constant effect.

Pre-trend tests (no pre-trend violation in any scenario, so every rejection is a false one;
reported as the rejection rate of the nominal 5% test, p <= 0.05, per scenario):

- ``randomization pre-test``: ``pretrend_randomization_test``, adoption dates permuted,
  ``--n-perm`` permutations, seed derived from the replication's permutation seed.
- ``Wald chi-squared pre-test (att_gt)``: ``pretrend_test(att_gt(...))``, the old test.

``--units 16 60`` runs the design at each number of offices (default 16, the table below):
the same 54 months and waves, the shares of never treated and of each wave as at 16 offices
(60 offices: 23 never treated, waves of 11/11/15). ``--pretrend-only`` fits only the two
pre-tests (minutes instead of the full study). With ``--write`` the pre-tests' rejection rates
are recorded in ``mutasi_analysis/did/_pretrend_size.py`` (read at run time by
``mutasi_analysis.did.pretrend_size``; a design measured again replaces its entries, others
stay) and the table of that file is written into benchmarks/README.md.

Reported per method, each with its Monte Carlo standard error (R = replications per scenario):
size and coverage rates p (MC SE sqrt(p (1 - p) / R)); the bias in the dynamic scenario, the
mean of estimate - truth (MC SE sd(estimate - truth) / sqrt(R)); the median interval width in
the constant scenario (MC SE: standard deviation of the median over 1,000 bootstrap resamples
of the R replications, fixed seed).

The study runs with B = 999 bootstrap draws and 199 permutations, the reports with 9,999 and
999: fewer draws add Monte Carlo noise to each replication's p-value and interval ends (the SD
of a p-value near 0.05 is sqrt(p (1 - p) / n): 0.015 with 199 draws, 0.007 with 999), they
do not bias the methods; benchmarks/README.md says what that means for the table.

``--jobs 2`` splits the replications over two processes and gives the same numbers as one
process: every process replays the whole random stream (the simulated panels and the seeds of
the bootstrap and the permutations, which are cheap) and fits only its share.

The file is deliberately not called ``coverage.py``: run from ``benchmarks/``, that name
shadows the ``coverage`` package, and numba (used by pyfixest and wildboottest) then fails to
import in every benchmark script of the folder.

Usage::

    .venv/bin/python benchmarks/coverage_study.py --reps 20                    # smoke run
    .venv/bin/python benchmarks/coverage_study.py --jobs 2 --write --raw RAW.csv  # the table in benchmarks/README.md
    .venv/bin/python benchmarks/coverage_study.py --pretrend-only --units 16 60 --reps 1000 --n-perm 999 \
        --jobs 2 --write                                                          # the pre-test sizes

The table in benchmarks/README.md is the default run: 2,000 replications per scenario
(``--reps 2000``), seed 20261128, B = 999, 199 permutations.
"""

from __future__ import annotations

import argparse
import datetime
import os
import pprint
import re
import sys
import time
import warnings
from pathlib import Path

# One BLAS thread: the matrices are small and the machine is shared (threads only contend).
# Set before numpy is imported, hence the imports below the loop.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mutasi_analysis.did import (  # noqa: E402
    att_gt,
    pretrend_randomization_test,
    pretrend_test,
    randomization_inference,
    sun_abraham,
    wild_cluster_bootstrap,
)

N_UNITS, N_MONTHS = 16, 54
COHORTS = np.array([0] * 6 + [18] * 3 + [27] * 3 + [36] * 4)
SCENARIOS = ("null", "constant", "dynamic")
METHODS = ("att_gt analytic", "TWFE CRV1 t(G-1)", "Sun-Abraham CRV1 t(G-1)",
           "WCR bootstrap on TWFE", "WCR bootstrap on IW (Sun-Abraham) ATT",
           "randomization (att_simple)")
PRETESTS = ("randomization pre-test", "Wald chi-squared pre-test (att_gt)")
PRETEST_KEY = {"randomization pre-test": "randomization", "Wald chi-squared pre-test (att_gt)": "wald"}
WAVES = (18, 27, 36)


def cohorts_for(n_units: int) -> np.ndarray:
    """Cohort vector of the design at ``n_units`` offices: the 16-office shares (6 never treated,
    waves of 3/3/4) scaled, rounded by largest remainder (16 gives ``COHORTS`` exactly)."""
    shares = np.bincount([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3]) / 16 * n_units
    counts = np.floor(shares).astype(int)
    counts[np.argsort(-(shares - counts), kind="stable")[: n_units - counts.sum()]] += 1
    return np.repeat(np.array((0,) + WAVES), counts)


def describe(cohorts: np.ndarray, trends: bool = True) -> str:
    """The design in words, for tables and the recorded sizes."""
    n = [int((cohorts == g).sum()) for g in WAVES]
    return (f"{len(cohorts)} units x {N_MONTHS} months, waves of {'/'.join(map(str, n))} offices at months "
            f"{'/'.join(map(str, WAVES))}, {int((cohorts == 0).sum())} never treated, AR(1) errors (rho 0.6) "
            "within office" + (", office trends (SD 0.005 a month)" if trends else ""))


def effect(scenario: str, e: np.ndarray) -> np.ndarray:
    """Planted effect at event time ``e`` (months since adoption, >= 0)."""
    if scenario == "null":
        return np.zeros_like(e, dtype=float)
    if scenario == "constant":
        return np.ones_like(e, dtype=float)
    return 0.5 + 0.05 * e


def simulate(scenario: str, rng: np.random.Generator, rho: float = 0.6,
             cohorts: np.ndarray = COHORTS) -> tuple[pd.DataFrame, float]:
    """One panel and its true simple ATT."""
    n_units = len(cohorts)
    g = rng.permutation(cohorts)
    t = np.arange(1, N_MONTHS + 1)
    eps = rng.normal(size=(n_units, N_MONTHS))
    u = np.empty_like(eps)
    u[:, 0] = eps[:, 0]
    for j in range(1, N_MONTHS):
        u[:, j] = rho * u[:, j - 1] + np.sqrt(1 - rho**2) * eps[:, j]
    alpha = rng.normal(size=n_units)
    trend = rng.normal(scale=0.005, size=n_units)
    lam = 0.3 * np.sin(t / 6.0)
    G, T = np.meshgrid(g, t, indexing="ij")
    treated = (G > 0) & (T >= G)
    tau = np.where(treated, effect(scenario, np.where(treated, T - G, 0)), 0.0)
    y = alpha[:, None] + lam[None, :] + trend[:, None] * t[None, :] + u + tau
    d = pd.DataFrame({"unit": np.repeat(np.arange(n_units), N_MONTHS), "time": np.tile(t, n_units),
                      "cohort": np.repeat(g, N_MONTHS), "y": y.ravel(),
                      "D": treated.ravel().astype(float)})
    return d, float(tau[treated].mean())


def _twfe_crv1(d: pd.DataFrame, alpha: float = 0.05):
    """TWFE coefficient with a CRV1 unit-clustered interval, t(G-1) (statsmodels)."""
    import statsmodels.formula.api as smf

    fit = smf.ols("y ~ D + C(unit) + C(time)", data=d).fit(
        cov_type="cluster", cov_kwds={"groups": d["unit"], "use_correction": True, "df_correction": True})
    from scipy import stats

    q = stats.t.ppf(1 - alpha / 2, d["unit"].nunique() - 1)
    b, s = fit.params["D"], fit.bse["D"]
    return b, (b - q * s, b + q * s)


def draw(scenario: str, rng: np.random.Generator,
         cohorts: np.ndarray = COHORTS) -> tuple[pd.DataFrame, float, tuple[int, int, int]]:
    """Everything a replication takes from the random stream: the panel, its truth and the
    seeds of the two wild bootstraps and of the permutations (in that order)."""
    d, truth = simulate(scenario, rng, cohorts=cohorts)
    seeds = tuple(int(rng.integers(1 << 62)) for _ in range(3))
    return d, truth, seeds


def fit_all(d: pd.DataFrame, truth: float, seeds: tuple[int, int, int], B: int, n_perm: int) -> dict:
    """Every method on one panel: ``{method: {estimate, lo, hi, truth}}`` (no random draws
    beyond ``seeds``)."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agg = att_gt(d, "y", "unit", "time", "cohort").aggregate("simple")
        out["att_gt analytic"] = (agg.estimate, agg.conf_int(0.05))
        out["TWFE CRV1 t(G-1)"] = _twfe_crv1(d)
        sa = sun_abraham(d, "y", "unit", "time", "cohort")
        ov = sa.overall()
        out["Sun-Abraham CRV1 t(G-1)"] = (ov.estimate, ov.conf_int(0.05))
        wb = wild_cluster_bootstrap(d, "y ~ D + C(unit) + C(time)", "D", "unit", n_boot=B, seed=seeds[0])
        out["WCR bootstrap on TWFE"] = (wb.estimate, wb.conf_int(0.05))
        wi = sa.wild_bootstrap(n_boot=B, seed=seeds[1])
        out["WCR bootstrap on IW (Sun-Abraham) ATT"] = (wi.estimate, wi.conf_int(0.05))
        ri = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=n_perm, seed=seeds[2])
        out["randomization (att_simple)"] = (ri.estimate, ri.conf_int(0.05))
    return {m: dict(estimate=est, lo=ci[0], hi=ci[1], truth=truth) for m, (est, ci) in out.items()}


def pretrend_seed(seeds: tuple[int, int, int]) -> int:
    """Seed of the randomization pre-test, derived from the replication's permutation seed (so
    that adding the pre-tests left the random stream, and the other methods' numbers, as they
    were)."""
    return int(np.random.SeedSequence([seeds[2], 1]).generate_state(1, np.uint64)[0] >> 2)


def fit_pretests(d: pd.DataFrame, seeds: tuple[int, int, int], n_perm: int) -> dict:
    """Both pre-tests on one panel: ``{test: {pvalue}}``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rt = pretrend_randomization_test(d, "y", "unit", "time", "cohort", n_perm=n_perm,
                                         seed=pretrend_seed(seeds))
        wt = pretrend_test(att_gt(d, "y", "unit", "time", "cohort"))
    return {"randomization pre-test": dict(pvalue=rt.pvalue),
            "Wald chi-squared pre-test (att_gt)": dict(pvalue=wt.pvalue)}


def one_rep(scenario: str, rng: np.random.Generator, B: int, n_perm: int) -> dict:
    d, truth, seeds = draw(scenario, rng)
    return fit_all(d, truth, seeds, B, n_perm)


def _share(reps: int, seed: int, B: int, n_perm: int, part: int, jobs: int, n_units: int = N_UNITS,
           intervals: bool = True, pretests: bool = True) -> list[dict]:
    """Replications ``part, part + jobs, ...`` of the serial order (scenario by scenario);
    the random stream is replayed in full so that every replication sees the draws it would
    see in a single process (and the same draws whichever methods are fitted)."""
    rng = np.random.default_rng(seed)
    cohorts = cohorts_for(n_units)
    rows, k = [], 0
    for scenario in SCENARIOS:
        for r in range(reps):
            d, truth, seeds = draw(scenario, rng, cohorts)
            if k % jobs == part:
                fits = {}
                if intervals:
                    fits.update(fit_all(d, truth, seeds, B, n_perm))
                if pretests:
                    fits.update(fit_pretests(d, seeds, n_perm))
                for m, v in fits.items():
                    rows.append(dict(units=n_units, scenario=scenario, rep=r, method=m, **v))
            k += 1
    return rows


def run(reps: int, seed: int, B: int, n_perm: int, jobs: int = 1, n_units: int = N_UNITS,
        intervals: bool = True, pretests: bool = True) -> tuple[pd.DataFrame, float]:
    """Every replication of one design (``n_units`` offices) and its wall time in seconds."""
    t0 = time.perf_counter()
    args = (reps, seed, B, n_perm)
    if jobs <= 1:
        rows = _share(*args, 0, 1, n_units, intervals, pretests)
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as ex:
            parts = ex.map(_share, *zip(*[(*args, j, jobs, n_units, intervals, pretests) for j in range(jobs)]))
            rows = [row for part in parts for row in part]
    raw = pd.DataFrame(rows)
    order = {s: i for i, s in enumerate(SCENARIOS)}, {m: i for i, m in enumerate(METHODS + PRETESTS)}
    raw = raw.sort_values(["scenario", "rep", "method"],
                          key=lambda c: c.map(order[0]) if c.name == "scenario"
                          else c.map(order[1]) if c.name == "method" else c, ignore_index=True)
    return raw, time.perf_counter() - t0


def _rate_se(p: float, n: int) -> float:
    """Monte Carlo SE of a rate p estimated from n replications."""
    return float(np.sqrt(p * (1 - p) / n))


def _median_se(x: np.ndarray, n_boot: int = 1000, seed: int = 0) -> float:
    """Monte Carlo SE of a median: SD of the median over bootstrap resamples of the replications."""
    rng = np.random.default_rng(seed)
    med = np.median(x[rng.integers(0, len(x), size=(n_boot, len(x)))], axis=1)
    return float(np.std(med, ddof=1))


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per method: each figure of the table and its Monte Carlo SE (``... se``)."""
    raw = raw[raw["method"].isin(METHODS)]
    if raw.empty:
        return pd.DataFrame()
    raw = raw.assign(cover=(raw["lo"] <= raw["truth"]) & (raw["truth"] <= raw["hi"]),
                     width=raw["hi"] - raw["lo"], err=raw["estimate"] - raw["truth"])
    out = []
    for m in METHODS:
        r = raw[raw["method"] == m]
        row = {"method": m}
        nul = r[r["scenario"] == "null"]
        p = 1 - nul["cover"].mean()  # rejecting 0 = 0 outside the CI
        row["size (null, 5% test)"], row["size se"] = p, _rate_se(p, len(nul))
        for s in ("constant", "dynamic"):
            x = r[r["scenario"] == s]
            p = x["cover"].mean()
            row[f"coverage {s}"], row[f"coverage {s} se"] = p, _rate_se(p, len(x))
            row[f"bias {s}"] = x["err"].mean()
            row[f"bias {s} se"] = float(x["err"].std(ddof=1) / np.sqrt(len(x)))
        w = r.loc[r["scenario"] == "constant", "width"].to_numpy(float)
        row["median CI width (constant)"], row["median CI width se"] = float(np.median(w)), _median_se(w)
        out.append(row)
    return pd.DataFrame(out)


def summarise_pretests(raw: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """One row per design and pre-test: rejection rate (p <= alpha) per scenario and its MC SE."""
    out = []
    for (n, m), r in raw[raw["method"].isin(PRETESTS)].groupby(["units", "method"], sort=True):
        row = {"units": int(n), "method": m}
        for s in SCENARIOS:
            p = r.loc[r["scenario"] == s, "pvalue"].to_numpy(float)
            rate = float(np.mean(p <= alpha))
            row[s], row[f"{s} se"], row[f"{s} reps"] = rate, _rate_se(rate, len(p)), len(p)
        out.append(row)
    return pd.DataFrame(out)


SIZE_MODULE = ROOT / "mutasi_analysis" / "did" / "_pretrend_size.py"


def read_sizes(path: Path = SIZE_MODULE) -> dict:
    """The recorded pre-test sizes (``MEASURED`` of ``_pretrend_size.py``), empty if none."""
    if not path.exists():
        return {"alpha": 0.05, "designs": []}
    scope: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), scope)  # our own generated literal
    return scope["MEASURED"]


def record_sizes(tab: pd.DataFrame, meta: dict, path: Path = SIZE_MODULE) -> dict:
    """Merge this run's pre-test rows into ``_pretrend_size.py`` (same test and units: replaced)."""
    measured = read_sizes(path)
    new = []
    for _, r in tab.iterrows():
        new.append({
            "test": PRETEST_KEY[r["method"]], "n_units": int(r["units"]),
            "design": describe(cohorts_for(int(r["units"]))),
            "size": round(float(r["null"]), 4), "mc_se": round(float(r["null se"]), 4),
            "size_by_scenario": {s: round(float(r[s]), 4) for s in SCENARIOS},
            "reps": int(r["null reps"]), **meta[int(r["units"])],
        })
    keys = {(d["test"], d["n_units"]) for d in new}
    designs = [d for d in measured["designs"] if (d["test"], d["n_units"]) not in keys] + new
    designs.sort(key=lambda d: (d["n_units"], d["test"] != "randomization"))
    measured = {"alpha": 0.05, "designs": designs}
    path.write_text(
        '"""Measured size of the pre-trend tests (generated; do not edit by hand).\n\n'
        "Written by ``benchmarks/coverage_study.py --write`` (see its docstring and the coverage\n"
        "section of benchmarks/README.md): per test and design, the rejection rate of the nominal\n"
        "5% test (p <= 0.05) in the study's scenarios, none of which has a pre-trend violation\n"
        "(``null``: no effect; ``constant``, ``dynamic``: effects after adoption only). ``size``\n"
        "is the ``null`` rate, ``mc_se`` its Monte Carlo SE sqrt(p (1 - p) / reps); ``seed`` is the\n"
        "study's seed, ``n_perm`` the randomization pre-test's permutations, ``minutes`` the wall\n"
        "time of the design's run. Read by :func:`mutasi_analysis.did.pretrend_size`.\n"
        '"""\n\n'
        "MEASURED = " + pprint.pformat(measured, width=100, sort_dicts=False) + "\n")
    return measured


def pretests_markdown(measured: dict) -> str:
    """The recorded pre-test sizes as a table (every design in ``_pretrend_size.py``)."""
    lines = [
        "| design | pre-test | size: no effect | constant effect | growing effect | replications | seed | permutations | date | wall time |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    names = {v: k for k, v in PRETEST_KEY.items()}
    for d in measured["designs"]:
        rates = d["size_by_scenario"]
        se = [_rate_se(rates[s], d["reps"]) for s in SCENARIOS]
        lines.append(
            f"| {d['n_units']} offices | {names.get(d['test'], d['test'])} | "
            + " | ".join(f"{100 * rates[s]:.1f}% ({100 * e:.1f})" for s, e in zip(SCENARIOS, se))
            + f" | {d['reps']} | {d['seed']} | {d['n_perm'] if d['test'] == 'randomization' else '-'} | "
            f"{d['date']} | {d['minutes']:.1f} min |")
    return "\n".join(lines)


def to_markdown(tab: pd.DataFrame, reps: int, seconds: float, B: int, n_perm: int, seed: int,
                jobs: int = 1, n_units: int = N_UNITS) -> str:
    where = "the shared 2-core machine" + (f", {jobs} processes" if jobs > 1 else "")
    design = describe(cohorts_for(n_units), trends=False)
    lines = [
        f"Monte Carlo: {reps} replications per scenario (3 scenarios), seed {seed}, "
        f"{seconds / 60:.1f} min on {where}; {design}. "
        f"Wild bootstrap B = {B}; randomization {n_perm} permutations. In parentheses: the Monte "
        f"Carlo standard error of each figure ({reps} replications): sqrt(p(1-p)/R) for a rate, "
        "sd(estimate - truth)/sqrt(R) for the bias, a bootstrap over the replications for the "
        "median width.",
        "",
        "| method | size (null, nominal 5%) | coverage, constant effect | coverage, dynamic effect | bias, dynamic | median CI width |",
        "|---|---|---|---|---|---|",
    ]
    for _, r in tab.iterrows():
        lines.append(
            f"| {r['method']} | {100 * r['size (null, 5% test)']:.1f}% ({100 * r['size se']:.1f}) | "
            f"{100 * r['coverage constant']:.1f}% ({100 * r['coverage constant se']:.1f}) | "
            f"{100 * r['coverage dynamic']:.1f}% ({100 * r['coverage dynamic se']:.1f}) | "
            f"{r['bias dynamic']:+.3f} ({r['bias dynamic se']:.3f}) | "
            f"{r['median CI width (constant)']:.3f} ({r['median CI width se']:.3f}) |")
    return "\n".join(lines)


START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
PRE_START, PRE_END = "<!-- coverage-pretrend:start -->", "<!-- coverage-pretrend:end -->"


def write_readme(block: str, path: Path = ROOT / "benchmarks" / "README.md",
                 markers: tuple[str, str] = (START, END)) -> None:
    """Replace the text between ``markers`` (only this part of the coverage section is touched).

    The main table's markers are added with a new section when missing; the pre-test table's
    must already be in the coverage section."""
    start, end = markers
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    new = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: new, text, flags=re.S)
    elif markers == (START, END):
        text = text.rstrip("\n") + "\n\n## Coverage study (benchmarks/coverage_study.py)\n\n" + new + "\n"
    else:
        raise SystemExit(f"{path}: markers {start} ... {end} not found; add them in the coverage section")
    path.write_text(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=2000, help="replications per scenario (README table: 2000)")
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--B", type=int, default=999, help="wild bootstrap draws")
    ap.add_argument("--n-perm", type=int, default=199, help="randomization permutations")
    ap.add_argument("--jobs", type=int, default=1, help="processes (same numbers for any count)")
    ap.add_argument("--write", action="store_true", help="write the table into benchmarks/README.md")
    ap.add_argument("--raw", type=Path, help="also save every replication as CSV")
    ap.add_argument("--from-raw", type=Path, metavar="CSV",
                    help="summarise a CSV saved by --raw instead of simulating (give the run's --reps, "
                         "--seed, --B, --n-perm and --minutes for the header)")
    ap.add_argument("--minutes", type=float, help="with --from-raw: the saved run's wall time (one design)")
    ap.add_argument("--units", type=int, nargs="+", default=[N_UNITS],
                    help="offices in the design, one run per value (default 16; the pre-test sizes: 16 60)")
    ap.add_argument("--pretrend-only", action="store_true",
                    help="fit only the two pre-trend tests (not the interval methods)")
    a = ap.parse_args(argv)
    if a.from_raw:
        raw = pd.read_csv(a.from_raw, keep_default_na=False, na_values=[""])  # scenario "null" is not NaN
        if "units" not in raw:
            raw["units"] = N_UNITS  # saved before the --units option
        counts = raw.groupby(["units", "scenario", "method"]).size()
        if (counts != a.reps).any():
            ap.error(f"{a.from_raw} holds {sorted(set(counts))} replications per cell, not --reps {a.reps}")
        secs = {int(n): 60 * (a.minutes or float("nan")) for n in raw["units"].unique()}
    else:
        parts, secs = [], {}
        for n in a.units:
            r, secs[n] = run(a.reps, a.seed, a.B, a.n_perm, a.jobs, n, intervals=not a.pretrend_only)
            parts.append(r)
            print(f"{n} offices: {secs[n] / 60:.1f} min", file=sys.stderr, flush=True)
        raw = pd.concat(parts, ignore_index=True)
    if a.raw:
        raw.to_csv(a.raw, index=False)
    for n in sorted(raw["units"].unique()):
        tab = summarise(raw[raw["units"] == n])
        if tab.empty:
            continue
        md = to_markdown(tab, a.reps, secs[int(n)], a.B, a.n_perm, a.seed, a.jobs, int(n))
        print(md)
        if a.write and int(n) == N_UNITS:
            write_readme(md)
    pre = summarise_pretests(raw)
    if not pre.empty:
        print(pre.to_string(index=False))
        if a.write:
            today = datetime.date.today().isoformat()
            meta = {int(n): dict(seed=a.seed, n_perm=a.n_perm, date=today, minutes=round(secs[int(n)] / 60, 1))
                    for n in pre["units"].unique()}
            write_readme(pretests_markdown(record_sizes(pre, meta)), markers=(PRE_START, PRE_END))


if __name__ == "__main__":
    main()
