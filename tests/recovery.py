"""Recovery of a planted effect by the report's headline, with stated power.

One simulated design (the region's 17 offices, 54 months, three adoption waves of 4, 4 and 3
offices, 6 never rotated, a constant planted effect) is analysed by :func:`impact.analyse`
for many seeds; three checks then ask whether the headline (the simple ATT with its
randomization interval) recovers the truth. Each threshold comes from the Monte Carlo
standard error or the binomial, at a false-alarm rate fixed before any result was seen
(:data:`FALSE_ALARM`, per check):

- **bias**: ``|mean(estimate) - truth| <= z * sd(estimate) / sqrt(R)``, ``z`` the two-sided
  normal quantile of ``FALSE_ALARM``;
- **coverage**: at least ``binom.ppf(FALSE_ALARM, R, 0.95)`` of the R intervals cover the
  truth. Randomization inference is exact in this design (offices are exchangeable: their
  effects are drawn independently of the adoption order), so its coverage should be 95%;
  measured, it was 94.0% (MC SE 0.7) over 1,300 seeds kept apart from the test's. At 95% the
  floor's false alarm is 0.0006; at 94% it would be about 0.01;
- **sign**: the mean estimate has the sign of the truth.

:func:`inject` makes the errors a broken estimator would make (a 20% bias toward or away
from zero, an interval shrunk to 0.8 of its width, a sign error), so that a test can show
that the checks fail on them; ``benchmarks/recovery_power.py`` estimates, from a large pool
of replications, the probability that each error is caught with the test's R.

Each replication runs :func:`impact.analyse` itself, with the methods its headline does not
read left out (:func:`headline_only`: the diagnostics and the other aggregations), which cuts a
replication to about a fifth of its time. The headline (simple ATT, its randomization
interval, the inference) is then bit for bit what the full analysis gives:
``tests/test_recovery.py`` checks that on its first seeds, and it was checked on all 400 seeds
when this was introduced.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

T0 = 2022 * 12  # January 2022
OUTCOME = "respon_hari_kerja_mean"
EFFECT = -1.5  # planted: rotation shortens the response by 1.5 working days
FALSE_ALARM = 0.001  # per check, chosen before any replication was run
LEVEL = 0.95
ERRORS = ("bias toward zero 20%", "bias away from zero 20%", "interval shrunk to 0.8", "sign error")


def simulate(cfg, seed=1, effect=EFFECT, cohorts=(14, 20, 45), sizes=(4, 4, 3), n_months=54,
             outcome=OUTCOME, noise=0.7):
    """Unit FE + month FE + constant effect after the cohort month + noise; the rest never treated."""
    rng = np.random.default_rng(seed)
    units = list(cfg.unit_codes)
    coh = [T0 + c for c, s in zip(cohorts, sizes) for _ in range(s)]
    coh += [0] * (len(units) - len(coh))
    months = np.arange(T0, T0 + n_months)
    ufe, tfe = rng.normal(5, 1, len(units)), rng.normal(0, 0.5, n_months)
    rows = []
    for i, u in enumerate(units):
        for j, t in enumerate(months):
            treated = coh[i] > 0 and t >= coh[i]
            rows.append((u, int(t), coh[i], ufe[i] + tfe[j] + effect * treated + rng.normal(0, noise)))
    df = pd.DataFrame(rows, columns=["kode_unit", "t", "cohort", outcome])
    df.attrs.update(outcome=outcome, definition="share_rotated_in", threshold=0.25)
    return df


# The methods of impact.analyse that its headline reads, by the label it runs them under
# (impact._run): the simple aggregation (the estimate) and the randomization inference (the
# interval, the p-value and ``inference``). att_gt, which both read, is called directly.
HEADLINE_METHODS = ("aggregate(simple)", "randomization_inference")


@contextmanager
def headline_only():
    """Within the block, :func:`impact.analyse` runs only the methods its headline reads.

    Every other method that analyse runs through ``impact._run`` (the other aggregations, the
    pretrend test, TWFE, Bacon, Sun-Abraham and its wild bootstrap, the sensitivity analysis,
    and whatever is added later) raises ``PanelDataError`` inside ``_run``: the "not run" path
    that analyse takes whenever the data cannot support a method. Put back on exit. If the
    headline ever came to read another method, tests/test_recovery.py's comparison with the
    full analysis would fail.
    """
    from mutasi_analysis import did, impact

    real = impact._run

    def run(notes, label, fn, *args, **kwargs):
        if label in HEADLINE_METHODS:
            return real(notes, label, fn, *args, **kwargs)

        def skipped(*_a, **_k):
            raise did.PanelDataError(f"{label}: not run by tests/recovery.py (not part of the headline)")

        return real(notes, label, skipped)

    impact._run = run
    try:
        yield
    finally:
        impact._run = real


def _headline(args) -> dict:
    cfg, seed, B, n_perm, *rest = args
    full = bool(rest and rest[0])
    from mutasi_analysis import impact

    with nullcontext() if full else headline_only():
        r = impact.analyse(simulate(cfg, seed=seed), cfg, n_boot=B, n_perm=n_perm, seed=seed)
    lo, hi = r.conf_int()
    return {"seed": seed, "estimate": r.estimate, "conf_low": lo, "conf_high": hi, "inference": r.inference}


def replicate(cfg, seeds, B=99, n_perm=199, workers=2, full=False) -> pd.DataFrame:
    """The headline of :func:`impact.analyse` for each seed: estimate, conf_low, conf_high.

    Small ``B`` and ``n_perm`` keep it fast; a randomization test with 199 random permutations
    is still exact (its interval is only noisier than with 999). ``workers`` processes share
    the seeds (the test suite itself runs on one core); the result does not depend on them.
    ``full=False`` runs each analysis under :func:`headline_only` (same headline, about a fifth
    of the time); ``full=True`` runs every method of the analysis.
    """
    return _map(_headline, [(cfg, int(s), B, n_perm, full) for s in seeds], workers)


def _map(fn, jobs: list, workers: int) -> pd.DataFrame:
    """``fn`` over ``jobs`` in ``workers`` processes (in order), one row per job."""
    if workers <= 1:
        return pd.DataFrame([fn(j) for j in jobs])
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker, safe whatever threads the caller started.
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as ex:
        return pd.DataFrame(list(ex.map(fn, jobs, chunksize=max(1, len(jobs) // (4 * workers)))))


def inject(reps: pd.DataFrame, error: str) -> pd.DataFrame:
    """The replications as an estimator with ``error`` would have produced them."""
    out = reps.copy()
    est, lo, hi = out["estimate"], out["conf_low"], out["conf_high"]
    if error in ("bias toward zero 20%", "bias away from zero 20%"):
        f = 0.8 if "toward" in error else 1.2
        out["estimate"], out["conf_low"], out["conf_high"] = est * f, lo * f, hi * f
    elif error == "interval shrunk to 0.8":
        out["conf_low"], out["conf_high"] = est - 0.8 * (est - lo), est + 0.8 * (hi - est)
    elif error == "sign error":
        out["estimate"], out["conf_low"], out["conf_high"] = -est, -hi, -lo
    else:
        raise ValueError(f"unknown error {error!r}; one of {ERRORS}")
    return out


@dataclass(frozen=True)
class Verdict:
    """The three checks on R replications: their statistics, thresholds and failures."""

    n: int
    mean: float
    mc_se: float
    bias_tolerance: float
    covered: int
    coverage_floor: int
    failures: tuple[str, ...]


def check(reps: pd.DataFrame, truth: float = EFFECT, false_alarm: float = FALSE_ALARM,
          level: float = LEVEL) -> Verdict:
    """Run the bias, coverage and sign checks (thresholds in the module docstring)."""
    est = reps["estimate"].to_numpy(float)
    n = len(est)
    mean, mc_se = est.mean(), est.std(ddof=1) / np.sqrt(n)
    tol = stats.norm.isf(false_alarm / 2) * mc_se
    covered = int(((reps["conf_low"] <= truth) & (truth <= reps["conf_high"])).sum())
    floor = int(stats.binom.ppf(false_alarm, n, level))
    failures = []
    if abs(mean - truth) > tol:
        failures.append(f"bias: mean estimate {mean:.4f} vs truth {truth} (tolerance {tol:.4f} = "
                        f"{stats.norm.isf(false_alarm / 2):.2f} MC SE of {mc_se:.4f})")
    if covered < floor:
        failures.append(f"coverage: {covered}/{n} intervals cover the truth, floor {floor} "
                        f"(binomial {false_alarm} quantile at {level:.0%})")
    if np.sign(mean) != np.sign(truth):
        failures.append(f"sign: mean estimate {mean:.4f}, truth {truth}")
    return Verdict(n, float(mean), float(mc_se), float(tol), covered, floor, tuple(failures))


# ------------------------------------------------------------------------- the demo generator
def _demo_headline(args) -> dict:
    """Raw demo files -> ingestion -> panel -> analyse, for one seed (in its own folder)."""
    import json
    import os
    from pathlib import Path

    from mutasi_analysis import impact
    from mutasi_analysis.config import load_config
    from mutasi_analysis.demo import write_demo_data
    from mutasi_analysis.ingest import ingest
    from mutasi_analysis.processed import load_processed

    region, seed, folder, B, n_perm, *shared = args
    os.environ["MUTASI_PSEUDONYM_KEY"] = "recovery-test-key-0123456789abcdef0123456789"
    cfg = load_config(region)
    raw, proc = Path(folder) / f"raw{seed}", Path(folder) / f"proc{seed}"
    if shared and shared[0]:
        from tests.conftest import DEFAULT_REGION, demo_set

        assert Path(region) == DEFAULT_REGION, "the shared demo sets are the default region's"
        raw = demo_set(Path(shared[0]), seed)  # written once per test run, read only
    else:
        write_demo_data(out=raw, seed=seed, region=region)
    ingest(raw, proc, region)
    truth = json.loads((raw / "truth.json").read_text(encoding="utf-8"))["att_simple"]
    p = load_processed(proc)
    # Only the headline is read below: the same numbers as the full analysis (test_recovery checks
    # headline_only bit for bit), without the diagnostics that cost most of its time.
    with headline_only():
        r = impact.analyse(impact.build_panel(p.pengaduan, p.riwayat_jabatan, cfg), cfg, n_boot=B, n_perm=n_perm,
                           seed=seed)
    lo, hi = r.conf_int()
    return {"seed": seed, "truth": truth, "estimate": r.estimate, "conf_low": lo, "conf_high": hi,
            "inference": r.inference, "status": r.status}


def replicate_demo(region, seeds, folder, B=99, n_perm=199, workers=2, shared=None) -> pd.DataFrame:
    """The headline on the demo data of each seed, end to end through ingestion.

    With ``shared`` (tests/conftest.py's ``shared_folder``; default region only) each seed's demo
    set is the test run's (``demo_set``: written once, by whichever test or worker first needs
    it, the same bytes) instead of one written into ``folder``; each seed is ingested here either way.
    """
    return _map(_demo_headline, [(region, int(s), str(folder), B, n_perm, str(shared or "")) for s in seeds],
                workers)
