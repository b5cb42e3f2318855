"""Canonical 2x2 difference-in-differences and two-way fixed effects (TWFE).

Both are ordinary least squares fitted with statsmodels. With staggered adoption and effects
that vary over time TWFE is a weighted average of 2x2 comparisons with possibly negative
weights (Goodman-Bacon 2021; see :func:`~mutasi_analysis.did.bacon`); prefer
:func:`~mutasi_analysis.did.att_gt` for the effect and keep TWFE as a familiar benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._panel import (
    PanelDataError,
    check_absorbing,
    check_columns,
    check_missing,
    check_numeric,
    prepare_panel,
)
from ._results import ScalarResult, json_safe

__all__ = ["did_2x2", "twfe", "DiD2x2Result"]


@dataclass(frozen=True, eq=False)
class DiD2x2Result(ScalarResult):
    """2x2 DiD estimate with the four group-period means (``means``)."""

    means_: pd.DataFrame | None = None

    @property
    def means(self) -> pd.DataFrame:
        """Mean outcome and row count per group (treated 0/1) and period (post 0/1)."""
        return self.means_.copy()

    def to_dict(self) -> dict:
        """As :meth:`ScalarResult.to_dict`, plus the 2x2 table of means."""
        d = super().to_dict()
        d["means"] = json_safe(self.means_)
        return d


def _binary(data: pd.DataFrame, col: str, role: str) -> np.ndarray:
    s = data[col]
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        raise PanelDataError(f"{role} {col!r} must be 0/1 (or boolean), but has dtype {s.dtype}")
    v = s.to_numpy(dtype=float)
    bad = ~np.isin(v, (0.0, 1.0))
    if bad.any():
        raise PanelDataError(
            f"{role} {col!r} must be 0/1, found {int(bad.sum())} other value(s) "
            f"(e.g. {pd.unique(v[bad])[:5].tolist()}); recode it as 0/1"
        )
    return v


def _cluster_cov(fit_kwargs: dict, groups: np.ndarray) -> dict:
    fit_kwargs.update(cov_type="cluster", cov_kwds={"groups": groups, "use_correction": True}, use_t=True)
    return fit_kwargs


def did_2x2(data: pd.DataFrame, outcome: str, treated: str, post: str, cluster: str | None = None,
            alpha: float = 0.05, dropna: bool = False) -> DiD2x2Result:
    """Canonical two-group, two-period difference-in-differences.

    Fits ``outcome ~ treated + post + treated:post`` by OLS (statsmodels); the estimate is the
    interaction, i.e. (treated post - treated pre) - (control post - control pre) in means.
    Works for panels (rows = unit-periods) and repeated cross sections.

    Parameters
    ----------
    data : DataFrame
    outcome : str
        Numeric outcome column.
    treated, post : str
        0/1 (or boolean) columns: treated group and post period.
    cluster : str, optional
        Cluster column (e.g. the unit, for a panel). Without it the SE is heteroskedasticity
        robust (HC1) with ``n - 4`` degrees of freedom; with it cluster-robust (CR1, factor
        ``G/(G-1) * (N-1)/(N-4)``) with ``G - 1`` degrees of freedom for t-based inference.
    alpha : float, default 0.05
        Level of the default confidence interval.
    dropna : bool, default False
        Drop rows with missing values instead of raising (count in ``call["n_dropped"]``).

    Returns
    -------
    DiD2x2Result
        ``.estimate``, ``.std_error``, ``.pvalue``, ``.conf_int()``, ``.means`` (the 2x2 table of means).

    Raises
    ------
    ValueError
        Missing columns, non-numeric outcome, non-0/1 indicators, missing values, an empty
        group-period cell, fewer than 2 clusters.
    """
    import statsmodels.api as sm

    check_columns(data, [outcome, treated, post, cluster])
    check_numeric(data, [outcome], "outcome")
    cols = [c for c in dict.fromkeys([outcome, treated, post, cluster]) if c is not None]
    df, n_dropped = check_missing(data[cols], cols, dropna=dropna)
    y = df[outcome].to_numpy(float)
    d = _binary(df, treated, "treated")
    p = _binary(df, post, "post")
    counts = pd.crosstab(d, p).reindex(index=[0.0, 1.0], columns=[0.0, 1.0], fill_value=0)
    if (counts.to_numpy() == 0).any():
        empty = [f"treated={int(i)}, post={int(j)}" for i in (0.0, 1.0) for j in (0.0, 1.0) if counts.loc[i, j] == 0]
        raise PanelDataError(f"no rows in cell(s) {empty}: a 2x2 DiD needs both groups in both periods")
    X = np.column_stack([np.ones_like(y), d, p, d * p])
    kw: dict = {}
    groups = None
    if cluster is not None:
        groups = pd.factorize(df[cluster])[0]
        G = int(groups.max()) + 1
        if G < 2:
            raise PanelDataError(f"cluster {cluster!r} has a single value; clustered SEs need at least 2 clusters")
        _cluster_cov(kw, groups)
        dof = G - 1
    else:
        kw.update(cov_type="HC1", use_t=True)
        dof = len(y) - 4
    res = sm.OLS(y, X).fit(**kw)
    means = (pd.DataFrame({"treated": d.astype(int), "post": p.astype(int), "y": y})
             .groupby(["treated", "post"])["y"].agg(["mean", "size"]).reset_index()
             .rename(columns={"size": "n"}))
    call = dict(outcome=outcome, treated=treated, post=post, cluster=cluster, alpha=alpha,
                dropna=dropna, n_dropped=n_dropped,
                se_type="CR1 (G/(G-1)(N-1)/(N-K)), t(G-1)" if cluster else "HC1, t(N-4)")
    return DiD2x2Result(
        method="did_2x2", call=call, n_obs=len(y), n_units=None if groups is None else int(groups.max()) + 1,
        estimate=float(res.params[3]), std_error=float(res.bse[3]), df=float(dof), label="treated x post",
        alpha=alpha, means_=means,
    )


def _demean_two_way(v: np.ndarray, a: np.ndarray, b: np.ndarray, w: np.ndarray, balanced: bool,
                    tol: float = 1e-12, max_iter: int = 10_000) -> np.ndarray:
    """Residual of ``v`` after projecting out two sets of fixed effects (codes ``a``, ``b``).

    Written by hand because statsmodels has no absorbed fixed effects (pyfixest, which has, is
    a test-only peer here). Balanced and unweighted: the closed form ``v - mean_a - mean_b +
    mean``. Otherwise alternating projections (Gauss-Seidel), which converge to the
    within-transformation for two factors.
    """
    na, nb = int(a.max()) + 1, int(b.max()) + 1
    if balanced and np.all(w == w[0]):
        ma = np.bincount(a, v, na) / np.bincount(a, None, na)
        mb = np.bincount(b, v, nb) / np.bincount(b, None, nb)
        return v - ma[a] - mb[b] + v.mean()
    wa, wb = np.bincount(a, w, na), np.bincount(b, w, nb)
    r = v.astype(float).copy()
    scale = max(np.sqrt(np.average(r ** 2, weights=w)), 1e-300)
    for _ in range(max_iter):
        r -= (np.bincount(a, w * r, na) / wa)[a]
        step = (np.bincount(b, w * r, nb) / wb)[b]
        r -= step
        if np.sqrt(np.average(step ** 2, weights=w)) < tol * scale:
            return r
    raise RuntimeError("two-way demeaning did not converge; check for a badly connected panel")


def twfe(data: pd.DataFrame, outcome: str, unit: str, time: str, treatment: str,
         cluster: str | None = None, weights: str | None = None, alpha: float = 0.05,
         dropna: bool = False) -> ScalarResult:
    """Two-way fixed effects regression ``outcome ~ treatment + unit FE + time FE``.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period (unbalanced panels are fine).
    outcome, unit, time : str
        Column names; outcome and time numeric.
    treatment : str
        0/1 column, absorbing (once 1, a unit stays 1).
    cluster : str, optional
        Cluster column at or above the unit; default (or ``cluster=unit``): the unit. SEs are
        always clustered, as is standard for panels.
    weights : str, optional
        Non-negative regression weights (WLS).
    alpha : float, default 0.05
    dropna : bool, default False
        Drop rows with missing values instead of raising (count in ``call["n_dropped"]``).

    Returns
    -------
    ScalarResult
        The treatment coefficient. SE: cluster-robust CR1 with the small-sample factor
        ``G/(G-1) * (N-1)/(N-K)`` with ``K = 1 + T`` (the treatment and the T time effects;
        unit effects, nested in the clusters, are not counted), which reproduces R fixest's
        default; t with ``G - 1`` degrees of freedom.

    Raises
    ------
    ValueError
        Bad columns or values, a treatment switching back to 0, no variation in the
        treatment after removing the fixed effects, fewer than 2 clusters.
    """
    import statsmodels.api as sm

    if cluster is not None and cluster == unit:
        cluster = None  # clustering on the unit is the default: the same fit, not a second role
    check_columns(data, [outcome, unit, time, treatment, cluster, weights])
    extra = [c for c in (treatment, weights) if c is not None]
    check_numeric(data, extra, "column")
    panel = prepare_panel(data, outcome, unit, time, cluster=cluster or None, covariates=extra, dropna=dropna)
    df = panel.data
    check_absorbing(df, unit, time, treatment)
    d = df[treatment].to_numpy(float)
    w = np.ones(len(d)) if weights is None else df[weights].to_numpy(float)
    if weights is not None and (w < 0).any():
        raise PanelDataError(f"weights {weights!r} has negative values; weights must be >= 0")
    a, b = panel.unit_idx, panel.time_idx
    yt = _demean_two_way(panel.y, a, b, w, panel.balanced)
    dt = _demean_two_way(d, a, b, w, panel.balanced)
    if np.sqrt(np.average(dt ** 2, weights=w)) < 1e-10:
        raise PanelDataError(
            f"treatment {treatment!r} has no variation left after unit and time fixed effects "
            "(e.g. never switched on, or every unit switches at the same time as all others)"
        )
    groups = panel.unit_idx if cluster is None else panel.unit_cluster[panel.unit_idx]
    n_cl = int(groups.max()) + 1
    if n_cl < 2:
        raise PanelDataError("clustered SEs need at least 2 clusters")
    kw = _cluster_cov({}, groups)
    res = sm.WLS(yt, dt[:, None], weights=w).fit(**kw)
    # statsmodels counts K = 1 regressor on the demeaned data; fixest's default also counts the
    # time effects, which are not nested in the clusters: K = 1 + T (reproduces fixest's SE
    # for mpdta, see tests/did/test_basic.py).
    N, K = len(yt), 1 + panel.n_periods
    se = float(res.bse[0]) * np.sqrt((N - 1) / (N - K))
    call = dict(outcome=outcome, unit=unit, time=time, treatment=treatment, cluster=cluster or unit,
                weights=weights, alpha=alpha, dropna=dropna, n_dropped=panel.n_dropped,
                balanced=panel.balanced, se_type="CR1 (G/(G-1)(N-1)/(N-K), K = 1 + T), t(G-1)")
    return ScalarResult(method="twfe", call=call, n_obs=N, n_units=panel.n_units,
                        estimate=float(res.params[0]), std_error=se, df=float(n_cl - 1),
                        label=treatment, alpha=alpha)
