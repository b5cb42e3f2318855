"""Goodman-Bacon (2021) decomposition of the two-way fixed-effects DiD estimate.

With staggered adoption the TWFE coefficient on a 0/1 treatment is a weighted average of every
2x2 DiD between timing groups: treated cohorts against the never treated
("treated_vs_never"), earlier cohorts against later ones before the later ones adopt
("earlier_vs_later"), and later cohorts against earlier ones after those adopted
("later_vs_earlier": the "forbidden" comparisons that bias TWFE when effects change over time).

Weights follow Goodman-Bacon (2021, eq. 10-11) and are computed from group sizes, the share
of periods each cohort is treated and the variance of the two-way demeaned treatment, without
renormalisation: that they sum to 1 and reproduce the TWFE coefficient is a property of the
theorem, checked by the tests. Units treated from the first period ("always treated") enter as
a timing group treated all the time: they serve only as controls in "later_vs_earlier" rows.

Balanced panels only: the decomposition is an identity of the balanced-panel TWFE estimator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._panel import PanelDataError, prepare_panel
from ._results import DiDResult, json_safe

__all__ = ["bacon", "BaconResult"]

_TYPES = ("treated_vs_never", "earlier_vs_later", "later_vs_earlier")


@dataclass(frozen=True, eq=False)
class BaconResult(DiDResult):
    """Goodman-Bacon decomposition.

    Attributes
    ----------
    twfe : float
        The TWFE coefficient (unit and period fixed effects, 0/1 treatment from the cohorts).
    table : DataFrame
        One row per 2x2 comparison: comparison, treated, control (cohort; 0 = never treated),
        weight, estimate.
    """

    twfe: float = float("nan")
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    def by_type(self) -> pd.DataFrame:
        """Weights and weighted-mean estimates per comparison type.

        Columns: comparison, weight (sum), estimate (weight-averaged 2x2 estimate within the
        type), contribution (weight x estimate; the contributions sum to ``twfe``).
        """
        t = self.table.assign(contribution=self.table["weight"] * self.table["estimate"])
        out = t.groupby("comparison", sort=False)[["weight", "contribution"]].sum()
        out["estimate"] = out["contribution"] / out["weight"]
        out = out.reindex([c for c in _TYPES if c in out.index]).reset_index()
        return out[["comparison", "weight", "estimate", "contribution"]]

    def tidy(self) -> pd.DataFrame:
        return self.table.copy()

    def _title(self) -> str:
        return f"Goodman-Bacon decomposition of TWFE = {self.twfe:.6g}"

    def plot(self, ax=None, labels=None):
        """Scatter of 2x2 estimates against their weights, one colour and marker per comparison type.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            Legend texts: a comparison type (``"treated_vs_never"``, ``"earlier_vs_later"``,
            ``"later_vs_earlier"``; default: the type's code) and ``"twfe"`` (the dashed line at
            the TWFE estimate; not in the legend unless given). No title; axis labels are the
            column names ``weight`` and ``estimate``.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt
        import seaborn as sns

        from .plots import plot_labels

        labels = plot_labels(labels, (*_TYPES, "twfe"), "BaconResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        palette = sns.color_palette("colorblind", len(_TYPES))
        for i, kind in enumerate(_TYPES):
            rows = self.table[self.table["comparison"] == kind]
            if len(rows):
                ax.scatter(rows["weight"], rows["estimate"], color=palette[i], marker="osD"[i], s=30,
                           label=labels.get(kind, kind), zorder=3)
        ax.axhline(self.twfe, color="black", linestyle="--", linewidth=0.8, label=labels.get("twfe"))
        ax.set_xlabel("weight")
        ax.set_ylabel("estimate")
        ax.legend(fontsize=8, frameon=False, loc="best")
        return ax

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["twfe"] = json_safe(self.twfe)
        d["by_type"] = json_safe(self.by_type())
        return d


def _twfe_balanced(Y: np.ndarray, D: np.ndarray) -> tuple[float, float]:
    """TWFE slope and variance of the demeaned treatment (balanced unit x period arrays)."""
    Dt = D - D.mean(axis=1, keepdims=True) - D.mean(axis=0, keepdims=True) + D.mean()
    vd = float(np.mean(Dt**2))
    if vd <= 0:
        raise PanelDataError("the treatment does not vary once unit and period effects are removed: "
                             "there is nothing to decompose")
    return float(np.mean(Dt * Y) / vd), vd


def bacon(data: pd.DataFrame, outcome: str, unit: str, time: str, cohort: str,
          dropna: bool = False) -> BaconResult:
    """Goodman-Bacon decomposition of the TWFE estimate into 2x2 comparisons.

    Parameters
    ----------
    data : DataFrame
        Balanced long panel (every unit in every period).
    outcome, unit, time : str
        Column names.
    cohort : str
        First treated period; 0 or missing = never treated. The TWFE treatment is
        ``1{time >= cohort}`` for treated units.
    dropna : bool, default False
        Drop rows with missing values instead of raising (the panel must still be balanced).

    Returns
    -------
    BaconResult
        ``.twfe``, ``.table`` (comparison, treated, control, weight, estimate) and
        ``.by_type()``.

    Raises
    ------
    PanelDataError
        Unbalanced panel, or no variation in treatment timing.
    """
    panel = prepare_panel(data, outcome, unit, time, cohort=cohort, dropna=dropna)
    if not panel.balanced:
        raise PanelDataError(
            f"bacon needs a balanced panel, but {panel.n_units * panel.n_periods - panel.n_obs} "
            "unit-period rows are missing; keep only units observed in every period (the "
            "decomposition is an identity of the balanced-panel TWFE estimator)")
    P = panel.periods
    T = len(P)
    Y = panel.wide()
    ucoh = panel.unit_cohort
    gpos = np.where(ucoh > 0, np.searchsorted(P, ucoh), T)  # never treated: position T
    D = (np.arange(T)[None, :] >= gpos[:, None]).astype(float)
    beta, vd = _twfe_balanced(Y, D)

    N = panel.n_units
    groups = np.unique(gpos)
    timing = [int(g) for g in groups if g < T]
    never = bool((gpos == T).any())
    n = {int(g): float(np.mean(gpos == g)) for g in groups}
    dbar = {g: (T - g) / T for g in timing}
    ybar = {int(g): Y[gpos == g].mean(axis=0) for g in groups}  # period means per group

    def did(tr, co, pre, post):
        return float((ybar[tr][post].mean() - ybar[tr][pre].mean())
                     - (ybar[co][post].mean() - ybar[co][pre].mean()))

    rows = []
    idx = np.arange(T)
    for k in timing:
        if never and 0 < k:
            nkU = n[k] / (n[k] + n[T])
            w = (n[k] + n[T]) ** 2 * nkU * (1 - nkU) * dbar[k] * (1 - dbar[k]) / vd
            rows.append(("treated_vs_never", P[k], 0.0, w, did(k, T, idx < k, idx >= k)))
    for a, k in enumerate(timing):  # k earlier
        for l in timing[a + 1:]:  # noqa: E741 - l later (Goodman-Bacon's k, l)
            nkl = n[k] / (n[k] + n[l])
            if k > 0:
                w = (((n[k] + n[l]) * (1 - dbar[l])) ** 2 * nkl * (1 - nkl)
                     * (dbar[k] - dbar[l]) / (1 - dbar[l]) * (1 - dbar[k]) / (1 - dbar[l]) / vd)
                win = idx < l
                rows.append(("earlier_vs_later", P[k], P[l], w,
                             did(k, l, win & (idx < k), win & (idx >= k))))
            w = (((n[k] + n[l]) * dbar[k]) ** 2 * nkl * (1 - nkl)
                 * (dbar[l] / dbar[k]) * (dbar[k] - dbar[l]) / dbar[k] / vd)
            win = idx >= k
            rows.append(("later_vs_earlier", P[l], P[k], w,
                         did(l, k, win & (idx < l), win & (idx >= l))))
    if not rows:
        raise PanelDataError("no 2x2 comparison exists: the panel needs at least two timing groups")
    table = pd.DataFrame(rows, columns=["comparison", "treated", "control", "weight", "estimate"])
    call = dict(outcome=outcome, unit=unit, time=time, cohort=cohort, dropna=dropna,
                n_dropped=panel.n_dropped)
    return BaconResult(method="bacon", call=call, n_obs=panel.n_obs, n_units=N, twfe=beta,
                       table=table)
