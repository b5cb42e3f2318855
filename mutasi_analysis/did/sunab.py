"""Sun and Abraham (2021) interaction-weighted event study.

Step 1, a saturated two-way fixed-effects regression:

    y_it = a_i + l_t + sum_{g not control} sum_{e != -1} d_{g,e} 1{G_i = g} 1{t - g = e} + u_it

with one coefficient per treated cohort g and event time e (period positions, so ``e`` counts
periods), the period before treatment (e = -1) as reference, and the control cohort (the
never treated, or the last-treated cohort when nobody is never treated) without dummies.
Step 2: the event-time estimate is ``sum_g w_{g,e} d_{g,e}`` with ``w_{g,e}`` the share of
cohort g among the treated observations at event time e (Sun and Abraham's sample shares).

On a balanced panel with never-treated controls ``d_{g,t-g}`` equals Callaway and Sant'Anna's
ATT(g,t) with never-treated control and **universal** base period g-1 (R ``did``'s default
"varying" base period gives the same numbers for t >= g; pre-periods differ).

Standard errors: CRV1 clustered by unit (or the ``cluster`` column) with the small-sample
factor ``G/(G-1) (N-1)/(N-K)``, K = dummies plus time fixed effects plus unit fixed effects not
nested in clusters (fixest's "nested" rule; with unit clustering K = dummies + periods - 1).
Aggregation weights are treated as fixed (as fixest's ``aggregate`` does), which ignores their
sampling variation. Intervals use Student t with G-1 degrees of freedom.

``SunAbrahamResult.wild_bootstrap()`` tests the overall or one event-time estimate with the
restricted wild cluster bootstrap (the same regression through ``wild_cluster_bootstrap``).

Unbalanced panels: the regression uses every observed row; weights use observed rows at each
event time. Units treated in the first observed period (no pre-period) cannot be separated
from their unit effect: they are excluded with a warning and counted in ``call``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from ._panel import PanelDataError, check_clusters, prepare_panel, validate_alpha
from ._results import DiDResult, ScalarResult, json_safe, renamed_keyword
from .wildboot import _FixedEffects

__all__ = ["sun_abraham", "SunAbrahamResult"]


@dataclass(frozen=True, eq=False)
class SunAbrahamResult(DiDResult):
    """Interaction-weighted event study.

    Attributes
    ----------
    table : DataFrame
        event_time, estimate, std_error, statistic (t), pvalue, conf_low, conf_high
        (reference period -1 not listed: it is 0 by construction).
    cohort_table : DataFrame
        Saturated coefficients: cohort, time, event_time, estimate, std_error, weight.
    control : str
        "never" or "last" (the last-treated cohort, with periods from its adoption dropped).
    reference_period : int
        Event time normalised to zero (-1).
    df : int
        Degrees of freedom of the t intervals (clusters - 1).
    """

    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    cohort_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    control: str = "never"
    reference_period: int = -1
    df: int = 0
    alpha: float = 0.05
    _vcov: np.ndarray = field(default=None, repr=False)
    _weights: np.ndarray = field(default=None, repr=False)  # event x coefficient
    _design: dict = field(default=None, repr=False)  # for wild_bootstrap()

    def tidy(self) -> pd.DataFrame:
        """One row per event time: ``term`` ("event_time=e"), ``estimate``, ``std_error``,
        ``statistic``, ``pvalue``, ``conf_low``, ``conf_high``, ``event_time``."""
        t = self.table.copy()  # the field itself is shared: never modify it
        t.insert(0, "term", [f"event_time={e:g}" for e in t["event_time"]])
        return t[["term", "estimate", "std_error", "statistic", "pvalue", "conf_low", "conf_high", "event_time"]]

    def _title(self) -> str:
        return f"Sun-Abraham interaction-weighted event study (control: {self.control})"

    def vcov(self) -> np.ndarray:
        """Covariance matrix of the event-time estimates (rows of ``table``): ``W V W'`` with
        ``V`` the CRV1 covariance of the saturated coefficients and ``W`` the aggregation weights."""
        return self._weights @ self._vcov @ self._weights.T

    def overall(self) -> ScalarResult:
        """Average of the post-treatment (e >= 0) coefficients, weighted by cohort-cell size.

        Equals the share-weighted ATT over all treated post-treatment observations.
        """
        ct = self.cohort_table
        post = (ct["event_time"] >= 0).to_numpy()
        w = ct["n_obs"].to_numpy(dtype=float) * post
        w = w / w.sum()
        est = float(w @ ct["estimate"].to_numpy())
        se = float(np.sqrt(w @ self._vcov @ w))
        return ScalarResult(method="sun_abraham.overall", call=dict(self.call), n_obs=self.n_obs,
                            n_units=self.n_units, estimate=est, std_error=se, df=self.df,
                            label="ATT (post, IW)", alpha=self.alpha)

    def wild_bootstrap(self, event_time: int | None = None, n_boot: int = 9999,
                       weights: str = "rademacher", seed: int | None = None, *, B: int | None = None):
        """Restricted wild cluster bootstrap of the overall ATT or of one event-time estimate.

        Re-runs the saturated regression through :func:`wild_cluster_bootstrap` and tests the
        linear combination of cell coefficients that makes ``overall()`` (default) or the
        ``event_time`` row of ``table``; clusters as in the fit. In the coverage study
        (benchmarks/README.md) this is, with randomization inference, the method whose 95%
        intervals kept their level with 16 clusters.

        Parameters
        ----------
        event_time : int, optional
            Event time to test; default the overall post-treatment ATT.
        n_boot, weights, seed
            As in :func:`wild_cluster_bootstrap` (``B`` is the deprecated name of ``n_boot``).

        Returns
        -------
        WildBootstrapResult
            Its ``estimate`` equals ``overall().estimate`` (or the table row); its ``std_error`` is
            CRV1 with all fixed-effect levels counted in K, so slightly larger.
        """
        from .wildboot import wild_cluster_bootstrap

        n_boot = renamed_keyword(n_boot, B, "B", "n_boot")
        d = self._design
        k = d["X"].shape[1]
        names = [f"cell{i}" for i in range(k)]
        if event_time is None:
            ct = self.cohort_table
            w = ct["n_obs"].to_numpy(dtype=float) * (ct["event_time"].to_numpy() >= 0)
            w = w / w.sum()
        else:
            rows = np.flatnonzero(self.table["event_time"].to_numpy() == int(event_time))
            if len(rows) == 0:
                raise ValueError(f"event_time {event_time} is not in the table; choose one of "
                                 f"{self.table['event_time'].tolist()}")
            w = self._weights[rows[0]]
        combo = {names[i]: float(w[i]) for i in np.flatnonzero(w)}
        frame = pd.DataFrame(d["X"].toarray(), columns=names)
        frame["_y"], frame["_unit"], frame["_time"], frame["_cluster"] = (
            d["y"], d["unit"], d["time"], d["cluster"])
        formula = "_y ~ " + " + ".join(names) + " + C(_unit) + C(_time)"
        return wild_cluster_bootstrap(frame, formula, combo, "_cluster", n_boot=n_boot, weights=weights,
                                      seed=seed, alpha=self.alpha)

    def plot(self, ax=None, labels=None):
        """Event-study plot with confidence intervals; the reference period is marked.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            Legend texts, each drawn only when given: ``"ci"`` (the estimates with their
            ``1 - alpha`` intervals) and ``"reference"`` (the diamond at the reference period,
            0 by construction). No title; axis labels are the column names ``event_time`` and
            ``estimate``.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        from .plots import plot_labels

        labels = plot_labels(labels, ("ci", "reference"), "SunAbrahamResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        t = self.table
        ax.errorbar(t["event_time"], t["estimate"],
                    yerr=[t["estimate"] - t["conf_low"], t["conf_high"] - t["estimate"]],
                    fmt="o", capsize=3, color="C0", label=labels.get("ci"))
        ax.plot([self.reference_period], [0.0], marker="D", color="C3", linestyle="none",
                label=labels.get("reference"))
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(self.reference_period + 0.5, color="grey", linestyle=":", linewidth=0.8)
        ax.set_xlabel("event_time")
        ax.set_ylabel("estimate")
        if labels:
            ax.legend()
        return ax

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["cohort_table"] = json_safe(self.cohort_table)
        d["control"] = self.control
        d["df"] = self.df
        return d


def sun_abraham(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    cluster: str | None = None,
    alpha: float = 0.05,
    dropna: bool = False,
) -> SunAbrahamResult:
    """Sun and Abraham (2021) interaction-weighted event-study estimator.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period.
    outcome, unit, time : str
        Column names (numeric outcome and time).
    cohort : str
        First treated period of each unit; 0 or missing = never treated.
    cluster : str, optional
        Cluster column at or above the unit level; default: the unit.
    alpha : float, default 0.05
        Level of the intervals.
    dropna : bool, default False
        Drop rows with missing values instead of raising (the count is in ``call``).

    Returns
    -------
    SunAbrahamResult
        ``.table`` (event_time, estimate, std_error, statistic, pvalue, conf_low, conf_high),
        ``.cohort_table`` (the
        saturated cohort x period coefficients), ``.overall()``, ``.plot()``.

    Notes
    -----
    Control group: the never-treated units when there are any; otherwise the last-treated
    cohort, and periods from its adoption on are dropped (Sun and Abraham 2021, sec. 4). See
    the module docstring for the base-period convention and the standard errors.
    """
    alpha = validate_alpha(alpha)
    panel = prepare_panel(data, outcome, unit, time, cohort=cohort, cluster=cluster, dropna=dropna)
    check_clusters(panel)  # warns when a cohort sits in a single cluster
    P = panel.periods
    ucoh = panel.unit_cohort.copy()
    # Cohort as a period position; never treated = -1 marker.
    ucoh_pos = np.where(ucoh > 0, np.searchsorted(P, ucoh), -1)
    always = ucoh_pos == 0
    n_always = int(always.sum())
    if n_always:
        warnings.warn(
            f"{n_always} unit(s) are treated from the first period (no pre-treatment period); "
            "they are excluded from the Sun-Abraham regression", UserWarning, stacklevel=2)

    keep_row = ~always[panel.unit_idx]
    if (ucoh == 0).any():
        control = "never"
        control_pos = -1
    else:
        treated_pos = np.unique(ucoh_pos[~always])
        if len(treated_pos) < 2:
            raise PanelDataError(
                "no never-treated units and only one treated cohort: there is no control group; "
                "add never-treated units or more adoption dates")
        control = "last"
        control_pos = int(treated_pos[-1])
        keep_row &= panel.time_idx < control_pos
    n_excluded_rows = int((~keep_row).sum())

    uidx = panel.unit_idx[keep_row]
    tidx = panel.time_idx[keep_row]
    y = panel.y[keep_row]
    gpos = ucoh_pos[uidx]
    is_treated_cohort = (gpos > 0) & (gpos != control_pos)
    if not is_treated_cohort.any():
        raise PanelDataError("no treated cohort left to estimate effects for")
    ev = tidx - gpos
    # Cells (cohort position, event time) except the reference e = -1.
    cells = pd.DataFrame({"g": gpos[is_treated_cohort], "e": ev[is_treated_cohort]})
    ref_ok = cells.assign(ref=cells["e"] == -1).groupby("g")["ref"].any()
    if not ref_ok.all():
        bad = [float(P[g]) for g in ref_ok.index[~ref_ok.to_numpy()]]
        raise PanelDataError(
            f"cohort(s) {bad} have no observation in the period before adoption (the reference "
            "period); add those rows or drop the cohort")
    cell_n = cells[cells["e"] != -1].value_counts().sort_index()
    cell_index = {key: i for i, key in enumerate(cell_n.index)}
    k = len(cell_index)
    rows = np.flatnonzero(is_treated_cohort & (ev != -1))
    cols = np.array([cell_index[(g, e)] for g, e in zip(gpos[rows], ev[rows])], dtype=np.int64)
    n = len(y)
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, k)).toarray()

    # Unit and time fixed effects projected out (FWL).
    uc, _ = pd.factorize(uidx, sort=True)
    tc, _ = pd.factorize(tidx, sort=True)
    fe = _FixedEffects([uc, tc])
    Xt = fe.demean(X)
    yt = fe.demean(y)
    XtX = Xt.T @ Xt
    ev_ = np.linalg.eigvalsh(XtX)
    if ev_[0] <= 1e-10 * max(ev_[-1], 1e-300):
        raise PanelDataError("the saturated event-study design is collinear; check the panel for "
                             "cohorts observed in too few periods")
    A = np.linalg.inv(XtX)
    beta = A @ (Xt.T @ yt)
    resid = yt - Xt @ beta

    if panel.unit_cluster is None:
        cl = uc
    else:
        cl, _ = pd.factorize(panel.unit_cluster[uidx], sort=True)
    G = int(cl.max()) + 1
    if G < 2:
        raise PanelDataError("fewer than 2 clusters: clustered standard errors need at least 2")
    Cm = sp.csr_matrix((np.ones(n), (cl, np.arange(n))), shape=(G, n))
    S = Cm @ (Xt * resid[:, None])
    meat = S.T @ S
    n_time = int(tc.max()) + 1
    # Clusters are at or above the unit level (prepare_panel checks it), so unit effects are
    # nested in clusters and not counted in K (fixest's "nested" rule).
    K = k + (n_time - 1)
    ssc = G / (G - 1) * (n - 1) / (n - K)
    V = ssc * A @ meat @ A

    keys = list(cell_index)
    cohort_time = np.array([float(P[g + e]) for g, e in keys])
    ct = pd.DataFrame({
        "cohort": [float(P[g]) for g, _ in keys],
        "time": cohort_time,
        "event_time": [int(e) for _, e in keys],
        "estimate": beta,
        "std_error": np.sqrt(np.diag(V)),
        "n_obs": cell_n.to_numpy(dtype=np.int64),
    })
    cell_e = ct["event_time"].to_numpy()
    cell_w = ct["n_obs"].to_numpy(dtype=float)
    events, e_idx = np.unique(cell_e, return_inverse=True)
    W = np.zeros((len(events), k))
    W[e_idx, np.arange(k)] = cell_w / np.bincount(e_idx, weights=cell_w)[e_idx]
    ct["weight"] = W.sum(axis=0)  # each cell's share in its event time
    est = W @ beta
    se = np.sqrt(np.einsum("ik,kl,il->i", W, V, W))
    q = stats.t.ppf(1 - alpha / 2, G - 1)
    table = pd.DataFrame({
        "event_time": events.astype(np.int64),
        "estimate": est,
        "std_error": se,
        "statistic": est / se,
        "pvalue": 2 * stats.t.sf(np.abs(est / se), G - 1),
        "conf_low": est - q * se,
        "conf_high": est + q * se,
    })
    call = dict(outcome=outcome, unit=unit, time=time, cohort=cohort, cluster=cluster, alpha=alpha,
                dropna=dropna, n_dropped=panel.n_dropped, n_excluded_rows=n_excluded_rows,
                n_always_treated_units=n_always)
    return SunAbrahamResult(
        method="sun_abraham", call=call, n_obs=n, n_units=int(uc.max()) + 1, table=table,
        cohort_table=ct, control=control, reference_period=-1, df=G - 1, alpha=alpha,
        _vcov=V, _weights=W,
        _design=dict(X=sp.csr_matrix(X), y=y, unit=uc, time=tc, cluster=cl),
    )
