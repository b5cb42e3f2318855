"""Callaway and Sant'Anna (2021) group-time average treatment effects, ``att_gt``.

Written on numpy/scipy/statsmodels and checked against R ``did`` (mpdta reference numbers) and
the peers diff-diff, csdid and differences. The estimator follows R ``did`` 2.x:

* ``ATT(g, t)`` compares the outcome change of cohort ``g`` between a base period and ``t``
  with the change of a control group (never treated, or not yet treated by ``max(t, base) +
  anticipation``).
* ``base_period="varying"``: post-treatment cells (``t >= g - anticipation``) use the last
  period before ``g - anticipation`` as base; pre-treatment cells compare ``t`` with the period
  just before it (short differences, so pre-period "effects" are period-on-period placebos).
  ``"universal"``: every cell uses the last period before ``g - anticipation`` as base and
  the base cell itself is reported as ``att = 0`` with ``se = NaN``.
* Influence functions are kept per unit (an ``n_units x n_cells`` matrix); standard errors of
  cells and aggregations are ``sqrt(sum_i psi_i^2) / n`` (as R ``did``) and, with ``cluster``,
  ``sqrt(G/(G-1) * sum_c (sum_{i in c} psi_i)^2) / n``: influence functions summed within
  clusters with the small-sample factor G/(G-1) (as diff-diff; R ``did`` clusters only in its
  bootstrap, where it averages influence functions within clusters, which agrees with summing
  when clusters have equal sizes). The multiplier bootstrap draws one Rademacher weight per
  cluster and applies no small-sample factor (as R ``did``).
* Aggregation weights and the influence function of the estimated weights follow R ``did``'s
  ``compute.aggte``.

Unbalanced panels: each 2x2 comparison uses the units observed in both of its periods
(complete cases per comparison, so a unit missing one period still contributes to every
comparison that does not involve that period). This differs from R ``did``, which either
balances the panel (dropping units) or treats the data as repeated cross sections with
``allow_unbalanced_panel=TRUE``. The counts of treated and control units per cell are in the
table (``n_treated``, ``n_control``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse, stats

from ._panel import (
    PanelDataError,
    check_clusters,
    check_never_treated,
    draw_seed,
    prepare_panel,
    validate_alpha,
)
from ._results import AggregateResult, DiDResult, _readonly, json_safe

__all__ = ["att_gt", "AttGTResult"]

_KINDS = ("simple", "group", "event", "calendar")
_EPS = np.sqrt(np.finfo(float).eps) * 10  # R did's threshold below which an SE is reported as NA


# ---------------------------------------------------------------------------------------------
# inference helpers shared by cells and aggregations
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Inference:
    """How influence functions become standard errors and bootstrap draws."""

    n: int
    cluster: np.ndarray | None  # per-unit cluster code
    n_clusters: int | None
    n_boot: int
    seed: int | None
    alpha: float

    def _cluster_sums(self, inf: np.ndarray) -> np.ndarray:
        if self.cluster is None:
            return inf
        ind = sparse.csr_matrix(
            (np.ones(self.n), (self.cluster, np.arange(self.n))), shape=(self.n_clusters, self.n)
        )
        return np.asarray(ind @ inf)

    @property
    def small_sample(self) -> float:
        """Variance factor G/(G-1) with clusters (as diff-diff; 1 without clusters, as R did)."""
        return 1.0 if self.cluster is None else self.n_clusters / (self.n_clusters - 1)

    def analytic_se(self, inf: np.ndarray) -> np.ndarray:
        s = self._cluster_sums(inf)
        se = np.sqrt(np.einsum("ij,ij->j", s, s) * self.small_sample) / self.n
        return np.where(se <= _EPS, np.nan, se)

    def vcov(self, inf: np.ndarray) -> np.ndarray:
        """Analytic covariance of the estimates whose influence functions are the columns of ``inf``."""
        s = self._cluster_sums(inf)
        return s.T @ s * self.small_sample / self.n ** 2

    def bootstrap(self, inf: np.ndarray) -> tuple[np.ndarray, float]:
        """Multiplier bootstrap: (bootstrap SEs, uniform critical value) for the columns of ``inf``.

        Rademacher multipliers, as R ``did`` (its ``mboot`` calls ``BMisc::multiplier_bootstrap``,
        which draws Rademacher signs), drawn per unit or, with clusters, per cluster (the same
        sign for every unit of a cluster). Draws are regenerated from the
        stored seed, so every aggregation reuses the same draws and results are reproducible.
        SE = normalised inter-quartile range of the draws (R ``did``); the uniform band's
        critical value is the ``1 - alpha`` quantile of the maximum absolute t-statistic.
        """
        s = self._cluster_sums(inf)  # (n_w, k)
        n_w, k = s.shape
        rng = np.random.default_rng(self.seed)
        chunk = max(1, min(self.n_boot, 4_000_000 // max(n_w, 1)))
        draws = np.empty((self.n_boot, k))
        done = 0
        while done < self.n_boot:
            m = min(chunk, self.n_boot - done)
            v = rng.integers(0, 2, size=(m, n_w), dtype=np.int8).astype(float) * 2.0 - 1.0
            draws[done:done + m] = v @ s / np.sqrt(self.n)
            done += m
        q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0, method="inverted_cdf")
        b_sigma = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
        se = b_sigma / np.sqrt(self.n)
        ok = np.isfinite(b_sigma) & (b_sigma > _EPS)
        se = np.where(ok, se, np.nan)
        if not ok.any():
            return se, float("nan")
        tmax = np.max(np.abs(draws[:, ok] / b_sigma[ok]), axis=1)
        crit = float(np.quantile(tmax, 1 - self.alpha, method="inverted_cdf"))
        return se, crit

    def se_and_crit(self, inf: np.ndarray) -> tuple[np.ndarray, float | None]:
        if self.n_boot > 0:
            return self.bootstrap(inf)
        return self.analytic_se(inf), None


def _table_inference(est: np.ndarray, se: np.ndarray, alpha: float, crit: float | None) -> dict:
    z = stats.norm.ppf(1 - alpha / 2)
    out = {"conf_low": est - z * se, "conf_high": est + z * se}
    if crit is not None:
        out["uband_low"] = est - crit * se
        out["uband_high"] = est + crit * se
    return out


# ---------------------------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AttGTResult(DiDResult):
    """Group-time average treatment effects from :func:`att_gt`.

    Attributes
    ----------
    table : DataFrame
        One row per (cohort, time) cell: cohort, time, estimate (the ATT(g, t)), std_error,
        conf_low, conf_high, then
        event_time (= time - cohort), base_time, post, n_treated, n_control and, with the
        bootstrap, uband_low/uband_high (uniform band over all cells).
    crit_value : float or None
        Critical value of the uniform band (bootstrap only).
    influence : ndarray (n_units, n_cells)
        Per-unit influence functions of the cells (read-only); columns in table order, rows
        in the order of ``influence_units`` (never-treated first, then cohorts descending).
    influence_units : ndarray (n_units,)
        Unit labels of the rows of ``influence``; ``unit_cohort`` holds their cohorts.
    """

    table_: pd.DataFrame | None = field(default=None, repr=False)
    influence: np.ndarray | None = field(default=None, repr=False)
    unit_cohort: np.ndarray | None = field(default=None, repr=False)
    influence_units: np.ndarray | None = field(default=None, repr=False)
    crit_value: float | None = None
    alpha: float = 0.05
    anticipation: int = 0
    _inference: _Inference | None = field(default=None, repr=False)

    @property
    def table(self) -> pd.DataFrame:
        """Cell table (a copy)."""
        return self.table_.copy()

    def tidy(self) -> pd.DataFrame:
        """One row per cell: ``term`` ("ATT(g, t)" with its cohort and time), ``estimate``,
        ``std_error``, ``statistic`` (z), ``pvalue`` (two-sided normal), ``conf_low``,
        ``conf_high``, then the cell columns (cohort, time, event_time, ...)."""
        t = self.table
        z = t["estimate"] / t["std_error"]
        head = pd.DataFrame({
            "term": [f"ATT({g:g}, {tt:g})" for g, tt in zip(t["cohort"], t["time"])],
            "estimate": t["estimate"], "std_error": t["std_error"], "statistic": z,
            "pvalue": 2 * stats.norm.sf(np.abs(z)), "conf_low": t["conf_low"], "conf_high": t["conf_high"]})
        rest = t.drop(columns=["estimate", "std_error", "conf_low", "conf_high"])
        return pd.concat([head, rest], axis=1)

    def _title(self) -> str:
        return "att_gt: group-time average treatment effects (Callaway & Sant'Anna)"

    def vcov(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Analytic covariance matrix of the cell estimates (optionally of selected rows)."""
        inf = self.influence if rows is None else self.influence[:, rows]
        s = self._inference._cluster_sums(inf)
        return s.T @ s * self._inference.small_sample / self._inference.n ** 2

    def plot(self, ax=None, labels=None):
        """Event-study plot of every ATT(g, t) by event time, one colour per cohort.

        Confidence intervals are drawn as error bars (uniform band as wider light bars when
        bootstrapped); the reference period (event time ``-1 - anticipation``: the base of the
        post-treatment effects, and with ``base_period="universal"`` the period fixed at 0) is
        marked with a dashed line. The legend names cohorts by column and value (``cohort 2004``).

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            Texts drawn only when given: ``"reference"`` (beside the reference line) and
            ``"band"`` (legend entry of the uniform band). No title.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .plots import plot_estimates

        return plot_estimates(self.table_, x="event_time", hue="cohort", ax=ax,
                              reference=-1 - self.anticipation, event=True, labels=labels)

    def aggregate(self, kind: str = "simple") -> AggregateResult:
        """Aggregate the group-time effects as R ``did``'s ``aggte``.

        Parameters
        ----------
        kind : {"simple", "group", "event", "calendar"}
            ``simple``: post-treatment cells weighted by cohort size. ``group``: average
            effect per cohort, summarised by cohort size. ``event``: effect by event time
            (``time - cohort``, including pre-periods), summarised as the mean over event times
            >= 0. ``calendar``: effect per period, summarised as the mean over periods.

        Returns
        -------
        AggregateResult
            ``.estimate``, ``.std_error``, ``.pvalue``, ``.conf_int()``, ``.table`` (per event time,
            cohort or period; with the bootstrap also a uniform band).
        """
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
        tab = self.table_
        att = tab["estimate"].to_numpy(float)
        g = tab["cohort"].to_numpy(float)
        t = tab["time"].to_numpy(float)
        inf = self.influence
        n = inf.shape[0]
        G = self.unit_cohort
        cohorts = np.unique(g)
        share = np.array([np.mean(G == c) for c in cohorts])  # P(G = g) over all units
        pg = share[np.searchsorted(cohorts, g)]  # per cell

        def wif_att(att_w: np.ndarray, groups: np.ndarray, p: np.ndarray) -> np.ndarray:
            # Influence of the estimated weights p_k / sum(p) times the effects, as R did's wif():
            # if1 @ att = sum_k (1{G_i = g_k} - p_k) att_k / S, if2 @ att = (c(G_i) - sum p) * (p . att) / S^2
            # computed per unit in O(n) instead of forming the n x k matrix.
            S = p.sum()
            att_by_g = pd.Series(att_w).groupby(groups).sum()
            cnt_by_g = pd.Series(np.ones(len(groups))).groupby(groups).sum()
            a_i = att_by_g.reindex(G, fill_value=0.0).to_numpy()
            c_i = cnt_by_g.reindex(G, fill_value=0.0).to_numpy()
            pa = float(p @ att_w)
            return (a_i - pa) / S - (c_i - p.sum()) * pa / S ** 2

        def combine(keep: np.ndarray) -> tuple[float, np.ndarray]:
            w = pg[keep] / pg[keep].sum()
            est = float(att[keep] @ w)
            wfull = np.zeros(len(att))
            wfull[keep] = w  # a full-length product avoids copying the selected columns
            psi = inf @ wfull + wif_att(att[keep], g[keep], pg[keep])
            return est, psi

        inference = self._inference
        label = {"simple": "ATT (simple)", "group": "ATT (group)", "event": "ATT (event, e >= 0)",
                 "calendar": "ATT (calendar)"}[kind]
        rows_key, rows_est, rows_inf = None, [], []
        if kind == "simple":
            keep = g <= t
            if not keep.any():
                raise PanelDataError("no post-treatment cells: nothing to aggregate")
            est, psi = combine(keep)
        elif kind == "group":
            rows_key = ("cohort", cohorts)
            for c in cohorts:
                keep = (g == c) & (g <= t)
                rows_est.append(float(att[keep].mean()) if keep.any() else np.nan)
                rows_inf.append(inf[:, keep].mean(axis=1) if keep.any() else np.zeros(n))
            E = np.array(rows_est)
            psi_g = np.column_stack(rows_inf)
            ok = np.isfinite(E)
            w = share[ok] / share[ok].sum()
            est = float(E[ok] @ w)
            # The cohort shares are estimated: add their influence (R did's wif()).
            groups_r = cohorts[ok]
            psi = psi_g[:, ok] @ w + wif_att(E[ok], groups_r, share[ok])
        elif kind == "event":
            e = t - g
            keys = np.unique(e)
            rows_key = ("event_time", keys)
            for k in keys:
                est_k, psi_k = combine(e == k)
                rows_est.append(est_k)
                rows_inf.append(psi_k)
            E = np.array(rows_est)
            pos = keys >= 0
            if not pos.any():
                raise PanelDataError("no event time >= 0: nothing to aggregate")
            est = float(E[pos].mean())
            psi = np.column_stack(rows_inf)[:, pos].mean(axis=1)
        else:  # calendar
            keys = np.unique(t[t >= g.min()])
            keys = np.array([k for k in keys if ((t == k) & (g <= t)).any()])
            rows_key = ("time", keys)
            for k in keys:
                est_k, psi_k = combine((t == k) & (g <= t))
                rows_est.append(est_k)
                rows_inf.append(psi_k)
            E = np.array(rows_est)
            est = float(E.mean())
            psi = np.column_stack(rows_inf).mean(axis=1)

        se_all, _ = inference.se_and_crit(psi[:, None])
        table = None
        crit = None
        if rows_key is not None:
            M = np.column_stack(rows_inf)
            se_rows, crit = inference.se_and_crit(M)
            E = np.array(rows_est)
            table = pd.DataFrame({rows_key[0]: rows_key[1], "estimate": E, "std_error": se_rows,
                                  **_table_inference(E, se_rows, self.alpha, crit)})
        call = dict(self.call)
        call["aggregate"] = kind
        return AggregateResult(
            method="att_gt", call=call, n_obs=self.n_obs, n_units=self.n_units,
            estimate=est, std_error=float(se_all[0]), label=label, alpha=self.alpha,
            kind=kind, table_=table, crit_value=crit,
            reference_time=float(-1 - self.anticipation) if kind == "event" else None,
            vcov_=_readonly(inference.vcov(np.column_stack(rows_inf))) if kind == "event" else None,
        )

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["crit_value"] = json_safe(self.crit_value)
        return d


# ---------------------------------------------------------------------------------------------
# 2x2 estimators with covariates (unit level), after DRDID (Sant'Anna and Zhao 2020)
# ---------------------------------------------------------------------------------------------
def _ols_parts(X: np.ndarray, dy: np.ndarray, ctrl: np.ndarray):
    beta, *_ = np.linalg.lstsq(X[ctrl], dy[ctrl], rcond=None)
    n = len(dy)
    w_ols = ctrl.astype(float)
    xpx = (X * w_ols[:, None]).T @ X / n
    try:
        xpx_inv = np.linalg.inv(xpx)
    except np.linalg.LinAlgError as exc:
        raise PanelDataError(
            "the outcome regression on covariates among control units is singular (collinear "
            "covariates or too few control units); drop covariates or use fewer"
        ) from exc
    out = X @ beta
    lin_rep = (w_ols * (dy - out))[:, None] * X @ xpx_inv
    return out, lin_rep


def _reg_2x2(dy: np.ndarray, D: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    """Outcome-regression DiD on a 2-period panel (Heckman, Ichimura, Todd 1997; DRDID reg_did_panel)."""
    ctrl = D == 0
    out, lin_rep = _ols_parts(X, dy, ctrl)
    w = D.astype(float)
    mw = w.mean()
    att_t, att_c = w * dy, w * out
    eta_t, eta_c = att_t.mean() / mw, att_c.mean() / mw
    inf_t = (att_t - w * eta_t) / mw
    M1 = (w[:, None] * X).mean(axis=0)
    inf_c = ((att_c - w * eta_c) + lin_rep @ M1) / mw
    return float(eta_t - eta_c), inf_t - inf_c


def _dr_2x2(dy: np.ndarray, D: np.ndarray, X: np.ndarray, trim: float = 0.995) -> tuple[float, np.ndarray]:
    """Doubly robust DiD on a 2-period panel (Sant'Anna and Zhao 2020; DRDID drdid_panel)."""
    import statsmodels.api as sm

    n = len(dy)
    ctrl = D == 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", category=sm.tools.sm_exceptions.PerfectSeparationWarning)
            ps_fit = sm.GLM(D.astype(float), X, family=sm.families.Binomial()).fit()
    except (sm.tools.sm_exceptions.PerfectSeparationWarning, sm.tools.sm_exceptions.PerfectSeparationError,
            np.linalg.LinAlgError) as exc:
        raise PanelDataError(
            "the propensity-score logit for method='dr' does not converge (covariates separate "
            "treated from control units); use method='reg' or fewer covariates"
        ) from exc
    ps = np.minimum(ps_fit.fittedvalues, 1 - 1e-6)
    keep = np.where(ctrl, ps < trim, True)  # trim controls with extreme scores (DRDID default)
    out, lin_rep_ols = _ols_parts(X, dy, ctrl)
    w_t = D.astype(float)
    w_c = keep * ps * (1 - D) / (1 - ps)
    res = dy - out
    eta_t = (w_t * res).mean() / w_t.mean()
    eta_c = (w_c * res).mean() / w_c.mean()
    W = ps * (1 - ps)
    hess = np.linalg.inv((X * W[:, None]).T @ X) * n
    lin_rep_ps = ((D - ps)[:, None] * X) @ hess
    inf_t = ((w_t * res - w_t * eta_t) - lin_rep_ols @ (w_t[:, None] * X).mean(axis=0)) / w_t.mean()
    M2 = (w_c[:, None] * (res - eta_c)[:, None] * X).mean(axis=0)
    M3 = (w_c[:, None] * X).mean(axis=0)
    inf_c = ((w_c * res - w_c * eta_c) + lin_rep_ps @ M2 - lin_rep_ols @ M3) / w_c.mean()
    return float(eta_t - eta_c), inf_t - inf_c


# ---------------------------------------------------------------------------------------------
# main entry
# ---------------------------------------------------------------------------------------------
def _mean_change_if(D: np.ndarray, mask: np.ndarray | None, scale: float, balanced: bool):
    """Column means of outcome changes ``D`` over valid rows, their counts and the influence
    block ``scale / count * (D - mean)`` (zero on invalid rows)."""
    if balanced and mask is None:
        cnt = np.full(D.shape[1], D.shape[0], dtype=np.int64)
        m = D.mean(axis=0)
        D -= m
        D *= scale / D.shape[0]
        return m, cnt, D
    valid = ~np.isnan(D)
    if mask is not None:
        valid &= mask
    cnt = valid.sum(axis=0)
    Dz = np.where(valid, D, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = Dz.sum(axis=0) / cnt
        B = np.where(valid, (Dz - m) * (scale / cnt), 0.0)
    return m, cnt, B


def _cells(periods: np.ndarray, cohorts: np.ndarray, anticipation: int, base_period: str):
    """(cohort, t index, base index, is_reference) for every cell, sorted by cohort then time."""
    out = []
    T = len(periods)
    for g in cohorts:
        pre = np.nonzero(periods + anticipation < g)[0]
        pret = int(pre[-1])
        if base_period == "varying":
            for ti in range(1, T):
                b = ti - 1 if periods[ti] < g - anticipation else pret
                out.append((g, ti, b, False))
        else:
            for ti in range(T):
                out.append((g, ti, pret, ti == pret))
    return out


def att_gt(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    control: str = "never",
    covariates: Sequence[str] | str | None = None,
    method: str = "reg",
    anticipation: int = 0,
    base_period: str = "varying",
    cluster: str | None = None,
    alpha: float = 0.05,
    n_boot: int = 0,
    seed: int | None = None,
    dropna: bool = False,
) -> AttGTResult:
    """Callaway and Sant'Anna (2021) group-time average treatment effects.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period.
    outcome, unit, time, cohort : str
        Column names. ``cohort`` is the first treated period of the unit (0 or missing = never
        treated); ``time`` is numeric (gaps allowed).
    control : {"never", "notyet"}
        Control group: never-treated units, or units not yet treated by ``max(t, base) +
        anticipation`` (including never-treated units).
    covariates : str or list of str, optional
        Unit-level covariates, taken at each comparison's base period. Without covariates
        ``reg`` and ``dr`` coincide.
    method : {"reg", "dr"}
        Outcome regression or doubly robust (Sant'Anna and Zhao 2020) 2x2 estimator.
    anticipation : int, default 0
        Number of periods before ``cohort`` in which units may already react.
    base_period : {"varying", "universal"}
        See the module docstring.
    cluster : str, optional
        Cluster column at or above the unit level: influence functions are summed within
        clusters (and bootstrap multipliers drawn per cluster). Warns if a cohort lies in a
        single cluster.
    alpha : float, default 0.05
        Significance level of the confidence intervals and bands.
    n_boot : int, default 0
        Multiplier-bootstrap draws (Rademacher, as R ``did``); ``> 0`` replaces analytic SEs by
        bootstrap SEs and adds uniform bands (``uband_low``, ``uband_high``).
    seed : int, optional
        Seed of the bootstrap. If None a seed is drawn and stored in ``result.call["seed"]``, so
        every result can be reproduced.
    dropna : bool, default False
        Drop rows with missing values instead of raising (count in ``call["n_dropped"]``).

    Returns
    -------
    AttGTResult
        ``.table`` (cohort, time, estimate, std_error, conf_low, conf_high, ...), ``.aggregate(kind)``,
        ``.plot()``, ``.tidy()``, ``.summary()``, ``.to_dict()``.

    Raises
    ------
    ValueError
        Bad arguments (misuse) or bad data (:class:`~mutasi_analysis.did._panel.PanelDataError`):
        non-numeric outcome, missing values, duplicate unit-time rows, a varying cohort,
        cohorts outside the observed periods, ``control="never"`` without never-treated units,
        fewer than 2 clusters.

    Notes
    -----
    Unbalanced panels: each 2x2 comparison uses the units observed in both of its periods
    (``n_treated``/``n_control`` in the table say how many); see the module docstring.

    Units treated in (or, with anticipation, right after) the first period have no
    pre-treatment period; as in R ``did`` they are dropped with a warning and their number is
    kept in ``call["n_dropped_always_treated"]``. Cells without any treated or control unit
    (e.g. late periods with ``control="notyet"`` and no never-treated units) are left out with
    a warning.
    """
    if control not in ("never", "notyet"):
        raise ValueError(f"control must be 'never' or 'notyet', got {control!r}")
    if method not in ("reg", "dr"):
        raise ValueError(f"method must be 'reg' or 'dr', got {method!r}")
    if base_period not in ("varying", "universal"):
        raise ValueError(f"base_period must be 'varying' or 'universal', got {base_period!r}")
    if not isinstance(anticipation, (int, np.integer)) or isinstance(anticipation, bool) or anticipation < 0:
        raise ValueError(f"anticipation must be a non-negative integer, got {anticipation!r}")
    if not isinstance(n_boot, (int, np.integer)) or isinstance(n_boot, bool) or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    alpha = validate_alpha(alpha)
    if n_boot > 0 and seed is None:
        seed = draw_seed(None)

    panel = prepare_panel(data, outcome, unit, time, cohort, cluster=cluster, covariates=covariates,
                          dropna=dropna)
    periods = panel.periods
    if len(periods) < 2:
        raise PanelDataError(f"{time!r} has a single period; att_gt needs at least two")

    # Units treated from the first period on (given anticipation) have no pre-period (R did drops them).
    n_dropped = int(panel.n_dropped)
    always = (panel.unit_cohort > 0) & (panel.unit_cohort - anticipation <= periods[0])
    n_always = int(always.sum())
    if n_always:
        warnings.warn(
            f"{n_always} unit(s) are treated from the first period {periods[0]:g} on (cohort - "
            f"anticipation <= first period) and have no pre-treatment period; they are dropped "
            "(count in result.call['n_dropped_always_treated'])",
            UserWarning, stacklevel=2,
        )
        keep_units = panel.units[~always]
        sub = panel.data[panel.data[unit].isin(keep_units)]
        panel = prepare_panel(sub, outcome, unit, time, cohort, cluster=cluster, covariates=covariates)
        if len(panel.cohorts) == 0:
            raise PanelDataError("no treated cohort with a pre-treatment period is left")
    if len(panel.cohorts) == 0:
        raise PanelDataError(f"no unit is ever treated in {cohort!r}: there is no effect to estimate")
    if control == "never":
        check_never_treated(panel)
    if cluster is not None:
        check_clusters(panel)

    n = panel.n_units
    # Rows of the influence matrix are units ordered never-treated first, then cohorts in
    # descending order: each cohort is a contiguous block and its not-yet-treated controls
    # are the prefix before it, so the hot loop works on slices instead of fancy indexing.
    order = np.argsort(np.where(panel.unit_cohort == 0, -np.inf, -panel.unit_cohort), kind="stable")
    G = panel.unit_cohort[order]
    Y = panel.wide()[order]
    unit_cluster = None if panel.unit_cluster is None else panel.unit_cluster[order]
    n_never = int((G == 0).sum())
    cells = _cells(periods, panel.cohorts, anticipation, base_period)
    K = len(cells)
    cg = np.array([c[0] for c in cells], dtype=float)
    ct = np.array([c[1] for c in cells], dtype=np.int64)
    cb = np.array([c[2] for c in cells], dtype=np.int64)
    cref = np.array([c[3] for c in cells], dtype=bool)

    # Column-major: each cell's influence function is a contiguous column, so writing a cohort's
    # blocks touches only the rows involved (no page faults on the zeros elsewhere).
    inf = np.zeros((n, K), order="F")
    att = np.zeros(K)
    sumsq = np.zeros(K)
    n_tr = np.zeros(K, dtype=np.int64)
    n_co = np.zeros(K, dtype=np.int64)
    Xw = None
    if panel.covariates:
        Xw = np.stack([panel.wide(panel.data[c].to_numpy(float)) for c in panel.covariates], axis=2)[order]

    for g in panel.cohorts:
        cols = np.nonzero((cg == g) & ~cref)[0]
        if len(cols) == 0:
            continue
        tcol, bcol = ct[cols], cb[cols]
        # a slice when the cohort's cells are contiguous (always, except around the reference
        # cell of base_period="universal"): basic indexing writes without fancy-index overhead
        csel = slice(cols[0], cols[-1] + 1) if cols[-1] - cols[0] + 1 == len(cols) else cols
        s0 = int(np.searchsorted(-G[n_never:], -g, side="left")) + n_never
        s1 = int(np.searchsorted(-G[n_never:], -g, side="right")) + n_never
        if control == "never":
            c_rows, cmask = slice(0, n_never), None
        else:
            # Not yet treated by max(t, base) + anticipation: never-treated and later cohorts
            # (the prefix before cohort g) plus, for pre-period cells, earlier cohorts not yet
            # treated at that time (the rows right after cohort g's block).
            thresh = periods[np.maximum(tcol, bcol)] + anticipation
            e = s1 + int((G[s1:] > thresh.min()).sum())
            c_rows = slice(0, s0) if e == s1 else np.r_[0:s0, s1:e]
            Gc = G[c_rows]
            cmask = (Gc == 0)[:, None] | (Gc[:, None] > thresh[None, :])
        if Xw is None:
            # Fast path: ATT(g,t) is a difference of mean changes; its influence function is
            # n/n_treated * (dy - mean) on treated units and -n/n_control * (dy - mean) on controls.
            Yt, Yc = Y[s0:s1], Y[c_rows]
            mt, nt, Bt = _mean_change_if(Yt[:, tcol] - Yt[:, bcol], None, n, panel.balanced)
            mc, nc, Bc = _mean_change_if(Yc[:, tcol] - Yc[:, bcol], cmask, -n, panel.balanced)
            inf[s0:s1, csel] = Bt
            both_arrays = not isinstance(c_rows, slice) and not isinstance(csel, slice)
            inf[c_rows[:, None] if both_arrays else c_rows, csel] = Bc
            sumsq[cols] = np.einsum("ij,ij->j", Bt, Bt) + np.einsum("ij,ij->j", Bc, Bc)
            att[cols] = mt - mc
            n_tr[cols], n_co[cols] = nt, nc
        else:
            fit = _reg_2x2 if method == "reg" else _dr_2x2
            rows_t = np.arange(s0, s1)
            for j, col in enumerate(cols):
                ti, bi = tcol[j], bcol[j]
                rows_c = np.arange(n)[c_rows]
                if cmask is not None:
                    rows_c = rows_c[cmask[:, j]]
                rows = np.concatenate([rows_t, rows_c])
                D = np.concatenate([np.ones(len(rows_t)), np.zeros(len(rows_c))])
                dy = Y[rows, ti] - Y[rows, bi]
                Xb = Xw[rows, bi, :]
                ok = ~np.isnan(dy) & ~np.isnan(Xb).any(axis=1)
                rows, D, dy, Xb = rows[ok], D[ok], dy[ok], Xb[ok]
                nt, nc = int(D.sum()), int(len(D) - D.sum())
                n_tr[col], n_co[col] = nt, nc
                if nt == 0 or nc == 0:
                    att[col] = np.nan
                    continue
                X = np.column_stack([np.ones(len(dy)), Xb])
                a, psi = fit(dy, D, X)
                att[col] = a
                inf[rows, col] = psi * (n / len(dy))
                sumsq[col] = float(inf[rows, col] @ inf[rows, col])

    empty = ~cref & ((n_tr == 0) | (n_co == 0))
    if empty.any():
        warnings.warn(
            f"{int(empty.sum())} (cohort, time) cell(s) have no treated or no control unit observed "
            f"in both periods and are left out (e.g. cohort {cg[empty][0]:g}, time "
            f"{periods[ct[empty][0]]:g}); with control='notyet' this happens after the last cohort "
            "is treated unless there are never-treated units",
            UserWarning, stacklevel=2,
        )
        keep = ~empty
        cg, ct, cb, cref, att, n_tr, n_co, sumsq = (a[keep] for a in (cg, ct, cb, cref, att, n_tr, n_co, sumsq))
        inf = inf[:, keep]

    inference = _Inference(n=n, cluster=unit_cluster, n_clusters=panel.n_clusters,
                           n_boot=int(n_boot), seed=seed, alpha=alpha)
    if unit_cluster is None and n_boot == 0:
        se = np.sqrt(sumsq) / n  # same as inference.analytic_se(inf), from the blocks already in cache
        se = np.where(se <= _EPS, np.nan, se)
        crit = None
    else:
        se, crit = inference.se_and_crit(inf)
    se = np.where(cref, np.nan, se)
    tt = periods[ct]
    table = pd.DataFrame({
        "cohort": cg, "time": tt, "estimate": att, "std_error": se,
        **_table_inference(att, se, alpha, crit),
        "event_time": tt - cg, "base_time": periods[cb], "post": tt >= cg,
        "n_treated": n_tr, "n_control": n_co,
    })
    cols_order = ["cohort", "time", "estimate", "std_error", "conf_low", "conf_high", "event_time", "base_time", "post",
                  "n_treated", "n_control"] + (["uband_low", "uband_high"] if crit is not None else [])
    table = table[cols_order]
    call = dict(outcome=outcome, unit=unit, time=time, cohort=cohort, control=control,
                covariates=list(panel.covariates) or None, method=method, anticipation=int(anticipation),
                base_period=base_period, cluster=cluster, alpha=alpha, n_boot=int(n_boot), seed=seed,
                dropna=dropna, n_dropped=n_dropped, n_dropped_always_treated=n_always,
                balanced=panel.balanced)
    return AttGTResult(
        method="att_gt", call=call, n_obs=panel.n_obs, n_units=n,
        table_=table, influence=_readonly(inf), unit_cohort=_readonly(G),
        influence_units=_readonly(panel.units[order]), crit_value=crit,
        alpha=alpha, anticipation=int(anticipation), _inference=inference,
    )
