"""Pre-tests of parallel trends: a randomization test over adoption dates (recommended) and
the joint Wald test of the pre-treatment ATT(g, t) (R ``did``'s pre-test).

* :func:`pretrend_randomization_test` (recommended): permutes the adoption dates across units
  and recomputes a joint statistic of the periods before the first adoption. Exact when the
  adoption dates are as good as randomly assigned; in the package's coverage study (54 months,
  three waves; ``benchmarks/README.md``) the nominal 5% test rejected 5.5% of the time at 16
  offices and 6.1% at 60 (1,000 replications each, Monte Carlo SE 0.7-0.8 points).
* :func:`pretrend_test`: chi-squared Wald test of the pre-treatment ATT(g, t) of
  :func:`~mutasi_analysis.did.att_gt`. Asymptotic: with few units per cohort and many
  pre-period cells its size is far from nominal, in either direction (0.2% at 16 offices and
  99.9% at 60 in the same study; see its Notes).
* :func:`pretrend_size`: the size each test had in that study at the design closest to a
  result's number of units, and whether it is within :data:`SIZE_BOUNDS`, so that an
  application can decide whether a pre-test may enter a verdict.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ._panel import PanelDataError, draw_seed, prepare_panel, require_balanced
from ._results import AggregateResult, TestResult

__all__ = ["pretrend_test", "pretrend_randomization_test", "pretrend_size", "SIZE_BOUNDS"]

#: Range of measured size (rejection rate of a nominal 5% test under no violation) within which
#: :func:`pretrend_size` calls a pre-test usable in a verdict.
SIZE_BOUNDS = (0.03, 0.07)


def pretrend_test(result) -> TestResult:
    """Joint Wald test that all pre-treatment effects are zero (asymptotic; prefer
    :func:`pretrend_randomization_test` with few units).

    Parameters
    ----------
    result : AttGTResult
        From :func:`~mutasi_analysis.did.att_gt`. The tested estimates are the ATT(g, t) with
        ``t < g - anticipation`` (reference cells of ``base_period="universal"`` excluded).

    Returns
    -------
    TestResult
        ``statistic`` = theta' V^+ theta with V the influence-function covariance (cluster-aware
        when ``att_gt`` was called with ``cluster``), ``df`` = rank of V, ``pvalue`` from the
        chi-squared distribution, and ``table`` with the tested estimates. This is the pre-test
        R ``did`` reports in ``summary(att_gt(...))``.

    Raises
    ------
    ValueError
        If ``result`` is not an ``att_gt`` result or has no pre-treatment cells.

    Notes
    -----
    Read a non-rejection with care:

    * **Low power.** With few units or clusters (a kecamatan's 10-30 offices) the test rarely
      rejects even when trends differ enough to bias the effect; "not significant" is not
      evidence of parallel trends.
    * **Pre-testing problem (Roth 2022).** Reporting the effect only when the pre-test passes
      distorts the estimate and its confidence interval: conditioning on passing selects
      samples whose pre-period noise happens to be small, which can worsen bias. Prefer
      reporting the event study with (uniform) bands and sensitivity analysis (e.g. Rambachan
      and Roth 2023) over a pass/fail gate.
    * **Depends on the base period and control group.** With ``base_period="varying"`` the
      pre-period estimates are period-on-period changes, with ``"universal"`` long
      differences to the last pre-treatment period. With never-treated controls the two sets
      are linear transforms of each other and give the same statistic; with not-yet-treated
      controls the control groups differ across cells and the tests can disagree.
    * It tests only the pre-treatment periods observed; parallel trends after treatment is an
      untestable assumption. Anticipation periods are excluded from the test.
    * **Over-rejects in small samples.** The chi-squared reference is asymptotic and the
      covariance is estimated; with few units per cohort and many pre-period cells the test
      rejects a true null far too often. In the package's simulations (60 units in 4 cohorts
      of about 10, 10 pre-period cells) the 5% test rejected about a third of the time; with
      1,000 units about 5%. In the coverage study's design (54 months, three waves, 75
      pre-period cells; ``benchmarks/README.md``) it rejected 99.9% of the time at 60 offices,
      and 0.2% at 16, where the covariance of the 75 cells has rank at most 15 and the
      pseudo-inverse confines the statistic to that subspace: wrong in both directions, so
      :func:`pretrend_size` never lets it into a verdict at these sizes. At the scale of a
      kecamatan (10-30 offices) treat its p-value as
      descriptive, and look at the event-study plot instead; for a test use
      :func:`pretrend_randomization_test`, and :func:`pretrend_size` for the measured sizes.
    """
    from .attgt import AttGTResult

    if isinstance(result, AggregateResult):
        raise ValueError("pretrend_test needs the att_gt result itself (not an aggregation): "
                         "pass att_gt(...) rather than att_gt(...).aggregate(...)")
    if not isinstance(result, AttGTResult):
        raise ValueError(f"pretrend_test takes an att_gt result, got {type(result).__name__}")
    tab = result.table_
    pre = ((tab["time"] < tab["cohort"] - result.anticipation) & tab["std_error"].notna()).to_numpy()
    if not pre.any():
        raise PanelDataError(
            "no pre-treatment ATT(g, t) to test: every cohort is treated right after the first "
            "period (or anticipation covers all earlier periods); the pre-test needs at least "
            "two periods before a cohort's adoption"
        )
    rows = np.nonzero(pre)[0]
    theta = tab["estimate"].to_numpy(float)[rows]
    V = result.vcov(rows)
    # Pseudo-inverse and rank: pre-period estimates can be linearly dependent (e.g. a cohort
    # with a single control unit), and a plain inverse would then blow up.
    Vp = np.linalg.pinv(V, rcond=1e-10, hermitian=True)
    df = int(np.linalg.matrix_rank(V, hermitian=True))
    stat = float(theta @ Vp @ theta)
    pval = float(stats.chi2.sf(stat, df)) if df > 0 else float("nan")
    table = tab.loc[pre, ["cohort", "time", "estimate", "std_error", "conf_low", "conf_high"]].reset_index(drop=True)
    call = dict(result.call)
    call["test"] = "pretrend"
    return TestResult(
        method="pretrend_test", call=call, n_obs=result.n_obs, n_units=result.n_units,
        statistic=stat, df=float(df), pvalue=pval,
        hypothesis="all pre-treatment ATT(g, t) = 0",
        table_=table,
        # A code, not words: low power with few clusters, passing is not evidence of parallel
        # trends (Roth 2022), and the size is off at this package's scale (see pretrend_size).
        note="asymptotic_low_power",
    )


def _window_paths(Y: np.ndarray, n_window: int) -> np.ndarray:
    """Each unit's path over the window around its own mean, centred over units and scaled.

    Returns ``Z`` (units x window periods): ``y_it - mean_s y_is`` over the first ``n_window``
    periods, minus its mean over units in each period, divided by the square root of the total
    sum of squares (all zeros when there is no variation). Centring and scaling do not depend
    on who is in which cohort, so the statistic is a fixed quadratic form of cohort means.
    """
    M = Y[:, :n_window] - Y[:, :n_window].mean(axis=1, keepdims=True)
    M = M - M.mean(axis=0)
    tot = float(np.einsum("ut,ut->", M, M))
    return M / np.sqrt(tot) if tot > 1e-300 else np.zeros_like(M)


def _between_share(Z: np.ndarray, labels: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Between-cohort share of the variance of ``Z``, for each row of ``labels``.

    ``labels`` (assignments x units) holds each unit's group code 0..K-1 under an assignment;
    ``sizes`` the group sizes (the same under every assignment). With the columns of ``Z``
    centred and scaled to a total sum of squares of 1, the between-group sum of squares,
    ``sum_k |sum_{i in k} Z_i|^2 / n_k``, is that share (an R^2).
    """
    out = np.zeros(len(labels))
    for k, n_k in enumerate(sizes):
        S = (labels == k).astype(float) @ Z
        out += np.einsum("pt,pt->p", S, S) / n_k
    return out


def _assignments(codes: np.ndarray, n_perm: int, enumerated: bool, rng, chunk: int):
    """Blocks of assignments (rows of group codes), the observed one first: every distinct
    other one when ``enumerated``, else ``n_perm`` random permutations in blocks of ``chunk``."""
    yield codes[None, :]
    if enumerated:
        from .randinf import _distinct_permutations

        obs_key = codes.tobytes()
        others = [a for a in _distinct_permutations(codes) if a.tobytes() != obs_key]
        if others:
            yield np.vstack(others)
        return
    for start in range(0, n_perm, chunk):
        yield rng.permuted(np.tile(codes, (min(chunk, n_perm - start), 1)), axis=1)


def pretrend_randomization_test(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    n_perm: int = 999,
    seed: int | None = None,
    anticipation: int = 0,
    dropna: bool = False,
) -> TestResult:
    """Randomization pre-test: are adoption dates related to outcome paths before the first adoption?

    Permutes the observed cohort vector (adoption dates, never treated included) across units,
    as :func:`~mutasi_analysis.did.randomization_inference` does, and recomputes a joint
    statistic of the pre-adoption periods for every assignment. Recommended over
    :func:`pretrend_test` with few units: its p-value needs no asymptotics.

    Parameters
    ----------
    data : DataFrame
        Balanced long panel.
    outcome, unit, time : str
        Column names.
    cohort : str
        First treated period; 0 or missing = never treated.
    n_perm : int, default 999
        Random permutations. When the number of distinct assignments of the cohort vector
        (a multinomial coefficient) is at most ``n_perm``, all are enumerated instead
        (``call["enumerated"]`` is True and no seed is used).
    seed : int, optional
        Seed of the random permutations; when none is given one is drawn from fresh entropy
        and recorded in ``call["seed"]`` so that the result can be reproduced.
    anticipation : int, default 0
        Periods before adoption in which units may already react (in units of ``time``, as in
        :func:`~mutasi_analysis.did.att_gt`); the window ends ``anticipation`` periods earlier.
    dropna : bool, default False
        Drop rows with missing values instead of raising (the panel must stay balanced).

    Returns
    -------
    TestResult
        ``statistic``: the share of the variation of the units' paths over the window (each
        unit's path around its own mean over the window) explained by the cohort, a one-way
        (M)ANOVA R^2 between 0 and 1. ``pvalue``:
        share of assignments, the observed one included, whose statistic is at least the
        observed one (``(1 + #) / (1 + n_perm)``; exact when enumerated; ties count as at
        least as large, which is conservative). ``df`` is NaN (no reference distribution
        with degrees of freedom). ``table``: per cohort (never treated = 0) and window period, the
        cohort's mean path around the units' own means minus all units' mean (the contrasts
        the statistic squares). ``call`` holds the call parameters and ``seed`` (the seed used,
        None when enumerated), ``enumerated``, ``n_assignments`` (distinct assignments),
        ``n_perm_used`` and ``window`` (first and last period tested).

    Raises
    ------
    PanelDataError
        Unbalanced panel; fewer than two periods before the first adoption (less
        ``anticipation``); all units in one cohort (nothing to compare).
    ValueError
        ``n_perm`` not a positive integer, ``anticipation`` not a non-negative integer.

    Notes
    -----
    * **Window: the periods before the first adoption.** Only periods in which no unit is
      treated under any assignment of the dates enter the statistic, so a treatment effect
      cannot leak into it: were a later cohort's own pre-periods used, a permutation would
      place treated outcomes of earlier adopters in them and the test would "detect" every
      real effect. The price: a later cohort's periods between the first adoption and its own
      (e.g. anticipation just before a late wave) are not tested; look at the event study for
      those.
    * **Null hypothesis.** The sharp null that, over the window, each unit's outcome path is
      the same whatever adoption date it is given, with dates assigned at random across
      units. Under random assignment this holds whatever the outcomes (parallel trends in
      expectation), so the p-value is exact. A rejection says that the cohorts' paths before
      the first adoption differ by more than a random allocation of dates would produce:
      differential pre-trends, anticipation, or non-random timing.
    * **Statistic.** Unit levels are removed (each unit's path around its own window mean),
      so level differences between cohorts do not count, only differences in the shape of
      their paths. Its weights do not depend on the assignment: it is a fixed quadratic form
      of cohort-period means, computed for all permutations at once (no ``att_gt`` per
      permutation). A joint Wald statistic with an estimated covariance would need more units
      than window periods; this one does not. In 200 replications of the coverage study's design
      (16 offices, 17 months before the first wave) it rejected 28% of the time against
      treated offices trending 0.1 SD a month faster before adoption, and 16% against a dip of
      1 SD in their last three window months: more often than the sum of per-period R^2 of
      changes since the last window period (18% and 14%). Treat its power as low at this scale.
    * **Power.** An omnibus test over all window periods and cohorts: it detects pre-trends of
      any shape but has less power against a single linear trend than a test aimed at one.
      Not rejecting is not evidence of parallel trends (Roth 2022; see :func:`pretrend_test`).
      The smallest attainable p-value is ``1 / n_assignments`` (enumerated) or
      ``1 / (1 + n_perm)``.
    """
    from .randinf import PERMUTATION_NEEDS_BALANCE, _n_distinct

    if not isinstance(n_perm, (int, np.integer)) or isinstance(n_perm, bool) or n_perm < 1:
        raise ValueError(f"n_perm must be a positive integer (e.g. 999), got {n_perm!r}")
    if not isinstance(anticipation, (int, np.integer)) or isinstance(anticipation, bool) or anticipation < 0:
        raise ValueError(f"anticipation must be a non-negative integer, got {anticipation!r}")
    panel = prepare_panel(data, outcome, unit, time, cohort=cohort, dropna=dropna)
    require_balanced(panel, "pretrend_randomization_test", PERMUTATION_NEEDS_BALANCE)
    P = panel.periods
    ucoh = panel.unit_cohort
    treated = ucoh > 0
    if not treated.any():
        raise PanelDataError("no treated unit (every cohort is 0): there is no adoption date to test")
    first = float(ucoh[treated].min())
    n_window = int(np.sum(P < first - anticipation))
    if n_window < 2:
        raise PanelDataError(
            f"the first adoption is at {first:g}"
            + (f" (less anticipation {anticipation})" if anticipation else "")
            + f" and only {n_window} period(s) come before it; the pre-test compares the cohorts' paths "
            "over the periods before the first adoption and needs at least two: drop the earliest "
            "cohort's units or test a panel that starts earlier")
    groups, codes, sizes = np.unique(ucoh, return_inverse=True, return_counts=True)
    if len(groups) < 2:
        raise PanelDataError(
            f"all {panel.n_units} units have the same adoption date ({groups[0]:g}) and no unit is never "
            "treated: there are no cohorts to compare before adoption")

    Yw = panel.wide()[:, :n_window]
    Z = _window_paths(Yw, n_window)
    total = _n_distinct(codes)
    enumerated = total <= n_perm
    seed_used = rng = None
    if not enumerated:
        seed_used = draw_seed(seed)
        rng = np.random.default_rng(seed_used)
    chunk = max(1, 2**22 // Z.size)  # blocks of about 32 MiB of group masks
    dist = np.concatenate([_between_share(Z, lab, sizes)
                           for lab in _assignments(codes, n_perm, enumerated, rng, chunk)])
    obs = dist[0]
    pval = float(np.mean(dist >= obs * (1 - 1e-10) - 1e-12))

    # The contrasts the statistic squares (observed assignment), for the table.
    M = Yw - Yw.mean(axis=1, keepdims=True)
    dev = np.vstack([M[codes == k].mean(axis=0) for k in range(len(groups))]) - M.mean(axis=0)
    table = pd.DataFrame({
        "cohort": np.repeat(groups, n_window),
        "time": np.tile(P[:n_window], len(groups)),
        "n_units": np.repeat(sizes, n_window),
        "estimate": dev.ravel(),
    })
    window = (P[0].item(), P[n_window - 1].item())
    call = dict(outcome=outcome, unit=unit, time=time, cohort=cohort, n_perm=n_perm, seed=seed_used,
                anticipation=int(anticipation), dropna=dropna, n_dropped=panel.n_dropped,
                enumerated=enumerated, n_assignments=total, n_perm_used=len(dist) - 1, window=window)
    return TestResult(
        method="pretrend_randomization_test", call=call, n_obs=panel.n_obs, n_units=panel.n_units,
        statistic=float(obs), df=float("nan"), pvalue=pval,
        hypothesis=(f"adoption dates unrelated to outcome paths before the first adoption "
                    f"(periods {window[0]:g} to {window[1]:g})"),
        table_=table,
        # A code, not words (results are language-free): exact under random timing, and not
        # rejecting is not evidence of parallel trends (Roth 2022).
        note="exact_randomization_low_power",
    )


def pretrend_size(result: TestResult, measured: dict | None = None) -> dict:
    """Measured size of the pre-test that produced ``result``, and whether it may enter a verdict.

    Looks up the rejection rates of the nominal 5% test under no violation measured by
    ``benchmarks/coverage_study.py`` (recorded in ``mutasi_analysis/did/_pretrend_size.py``)
    for the same test, at the study design whose number of units is closest to
    ``result.n_units`` (on a log scale; ties go to the smaller design).

    Parameters
    ----------
    result : TestResult
        From :func:`pretrend_randomization_test` or :func:`pretrend_test`.
    measured : dict, optional
        The measurements to use (default: the recorded ones); same layout as
        ``_pretrend_size.MEASURED``.

    Returns
    -------
    dict
        ``test`` ("randomization" or "wald"), ``usable`` (bool), ``reason`` (one line),
        ``size`` (rejection rate in the study's null scenario), ``mc_se`` (its Monte Carlo SE),
        ``size_by_scenario`` (every no-violation scenario measured: no effect, constant and
        growing effects after adoption), ``design`` (the study design used, in words),
        ``n_units`` (its units), ``reps``, ``seed``, ``n_perm``, ``date`` of the measurement. ``usable`` is True only when every measured
        no-violation rejection rate at that design lies within :data:`SIZE_BOUNDS` and, for
        the randomization test, the smallest attainable p-value is at most 0.05.
    """
    if not isinstance(result, TestResult):
        raise ValueError(f"pretrend_size takes the TestResult of a pre-test, got {type(result).__name__}")
    key = {"pretrend_randomization_test": "randomization", "pretrend_test": "wald"}.get(result.method)
    if key is None:
        raise ValueError(f"pretrend_size knows the pre-tests of this module, not {result.method!r}")
    if measured is None:
        from ._pretrend_size import MEASURED as measured
    rows = [r for r in measured.get("designs", []) if r["test"] == key]
    # ``code`` says why in a word the presentation layer can translate; ``reason`` is one
    # technical English line for logs.
    out = dict(test=key, usable=False, code="unmeasured", size=float("nan"), mc_se=float("nan"),
               size_by_scenario={}, design=None, n_units=None, reps=None, seed=None, n_perm=None, date=None)
    if not rows:
        out["reason"] = f"the {key} pre-test's size has not been measured (benchmarks/coverage_study.py)"
        return out
    n = max(int(result.n_units or 1), 1)
    best = min(rows, key=lambda r: (abs(math.log(n / r["n_units"])), r["n_units"]))
    rates = best["size_by_scenario"]
    out.update(size=best["size"], mc_se=best["mc_se"], size_by_scenario=dict(rates),
               design=best["design"], n_units=best["n_units"], reps=best["reps"], seed=best.get("seed"),
               n_perm=best.get("n_perm"), date=best.get("date"))
    lo, hi = SIZE_BOUNDS
    bad = {s: v for s, v in rates.items() if not lo <= v <= hi}
    if bad:
        out["code"] = "size_out_of_range"
        out["reason"] = (f"measured size outside [{lo:g}, {hi:g}] at {best['design']}: "
                         + ", ".join(f"{s} {v:.3f}" for s, v in bad.items()))
        return out
    if key == "randomization":
        # The smallest attainable p-value: 1 / (number of assignments used, the observed one
        # included). The test rejects when p <= alpha, so it must be at most the study's 0.05.
        used = result.call["n_assignments"] if result.call.get("enumerated") else result.call["n_perm_used"] + 1
        if 1 / used > measured.get("alpha", 0.05):
            out["code"] = "too_few_assignments"
            out["reason"] = (f"only {used} assignments of the adoption dates (the observed one included): "
                             f"the p-value cannot fall to {measured.get('alpha', 0.05):g}")
            return out
    out["usable"] = True
    out["code"] = "in_range"
    out["reason"] = (f"measured size {best['size']:.3f} (MC SE {best['mc_se']:.3f}, {best['reps']} replications) "
                     f"at {best['design']}, within [{lo:g}, {hi:g}]")
    return out
