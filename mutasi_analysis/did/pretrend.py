"""Joint Wald pre-test of parallel trends on pre-treatment group-time effects."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._panel import PanelDataError
from ._results import AggregateResult, TestResult

__all__ = ["pretrend_test"]


def pretrend_test(result) -> TestResult:
    """Joint Wald test that all pre-treatment effects are zero.

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
      1,000 units about 5%. At the scale of a kecamatan (10-30 offices) treat its p-value as
      descriptive, and look at the event-study plot instead.
    """
    from .attgt import AttGTResult

    if isinstance(result, AggregateResult):
        raise ValueError("pretrend_test needs the att_gt result itself (not an aggregation): "
                         "pass att_gt(...) rather than att_gt(...).aggregate(...)")
    if not isinstance(result, AttGTResult):
        raise ValueError(f"pretrend_test takes an att_gt result, got {type(result).__name__}")
    tab = result.table_
    pre = ((tab["time"] < tab["cohort"] - result.anticipation) & tab["se"].notna()).to_numpy()
    if not pre.any():
        raise PanelDataError(
            "no pre-treatment ATT(g, t) to test: every cohort is treated right after the first "
            "period (or anticipation covers all earlier periods); the pre-test needs at least "
            "two periods before a cohort's adoption"
        )
    rows = np.nonzero(pre)[0]
    theta = tab["att"].to_numpy(float)[rows]
    V = result.vcov(rows)
    # Pseudo-inverse and rank: pre-period estimates can be linearly dependent (e.g. a cohort
    # with a single control unit), and a plain inverse would then blow up.
    Vp = np.linalg.pinv(V, rcond=1e-10, hermitian=True)
    df = int(np.linalg.matrix_rank(V, hermitian=True))
    stat = float(theta @ Vp @ theta)
    pval = float(stats.chi2.sf(stat, df)) if df > 0 else float("nan")
    table = tab.loc[pre, ["cohort", "time", "att", "se", "ci_low", "ci_high"]].reset_index(drop=True)
    call = dict(result.call)
    call["test"] = "pretrend"
    return TestResult(
        method="pretrend_test", call=call, n_obs=result.n_obs, n_units=result.n_units,
        statistic=stat, df=float(df), pvalue=pval,
        hypothesis="all pre-treatment ATT(g, t) = 0",
        table_=table,
        note="Low power with few clusters; passing is not evidence of parallel trends (Roth 2022).",
    )
