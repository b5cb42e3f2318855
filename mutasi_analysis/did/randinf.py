"""Randomization inference for staggered adoption: permute adoption dates across units.

Under the sharp null of no effect for anyone, the outcome path of every unit is fixed and the
only random thing is which unit got which adoption date. So the reference distribution comes
from reassigning the observed cohort vector (adoption dates, never treated included) across
units, keeping the multiset of cohorts, and recomputing the statistic; shuffling the 0/1
treatment column instead would break the staggered structure (MacKinnon and Webb 2020,
"Randomization inference for difference-in-differences with few treated clusters"; Roth and
Sant'Anna 2023, design-based inference with staggered timing).

Statistics (both linear in the outcome, which makes the confidence interval cheap):

- ``"att_simple"``: Callaway-Sant'Anna simple aggregation of ATT(g,t) with never-treated
  controls, no covariates, no anticipation (the contract of ``att_gt(...).aggregate("simple")``:
  the mean of post-treatment ATT(g,t), t >= g, weighted by cohort size), computed here directly
  from cohort-period means because it is re-evaluated for every permutation.
- ``"twfe"``: the two-way fixed-effects coefficient on ``1{t >= cohort}``.

p-value: share of assignments whose ``|statistic|`` is at least the observed one, the observed
assignment included (``(1 + #) / (1 + n_perm)`` with random permutations; exact when every
distinct assignment is enumerated). Confidence interval: the values ``tau`` of a constant
additive effect not rejected when ``Y - tau * D`` is tested the same way (inverting the sharp
null of a constant effect).

Balanced panels only (the permutation moves whole outcome paths between units).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._panel import PanelDataError, draw_seed, prepare_panel, require_balanced, validate_alpha
from ._results import DiDResult, deprecated_alias, json_safe
from .wildboot import _invert

__all__ = ["randomization_inference", "RandomizationResult"]

_STATISTICS = ("att_simple", "twfe")
#: Why a permutation test over adoption dates needs every unit in every period.
PERMUTATION_NEEDS_BALANCE = ("permuting adoption dates moves whole outcome paths between units; keep only units "
                             "observed in every period")


def _distinct_permutations(values: np.ndarray):
    """Yield each distinct ordering of ``values`` once (lexicographic next-permutation).

    Hand-written (a dozen lines) rather than adding a dependency; itertools.permutations would
    repeat orderings of equal cohorts n!/prod(c!) times.
    """
    a = sorted(values.tolist())
    n = len(a)
    while True:
        yield np.array(a)
        i = n - 2
        while i >= 0 and a[i] >= a[i + 1]:
            i -= 1
        if i < 0:
            return
        j = n - 1
        while a[j] <= a[i]:
            j -= 1
        a[i], a[j] = a[j], a[i]
        a[i + 1:] = reversed(a[i + 1:])


def _n_distinct(values: np.ndarray) -> int:
    _, counts = np.unique(values, return_counts=True)
    out = math.factorial(len(values))
    for c in counts:
        out //= math.factorial(int(c))
    return out


def _stat_att_simple(gpos: np.ndarray, M: np.ndarray, T: int) -> np.ndarray:
    """Simple-aggregated ATT for assignment ``gpos`` applied to each matrix in ``M`` (m,U,T)."""
    ctrl = gpos == T
    mc = M[:, ctrl, :].mean(axis=1)  # m x T
    num = np.zeros(M.shape[0])
    den = 0.0
    for g in np.unique(gpos[~ctrl]):
        members = gpos == g
        ng = members.sum()
        mg = M[:, members, :].mean(axis=1)
        diff = (mg - mc)  # m x T
        post = diff[:, g:] - diff[:, [g - 1]]
        num += ng * post.sum(axis=1)
        den += ng * (T - g)
    return num / den


def _stat_twfe(gpos: np.ndarray, M: np.ndarray, T: int) -> np.ndarray:
    D = (np.arange(T)[None, :] >= gpos[:, None]).astype(float)
    Dt = D - D.mean(axis=1, keepdims=True) - D.mean(axis=0, keepdims=True) + D.mean()
    vd = np.sum(Dt**2)
    return np.einsum("ut,mut->m", Dt, M) / vd


def _cohort_weights(gpos: np.ndarray, T: int, statistic: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct cohorts ``g`` (K,) and weights ``V`` (K x T) of a statistic under ``gpos``.

    Both statistics are linear in the outcome and treat the units of one cohort alike, so the
    statistic of a matrix ``Y`` is ``sum_u V[k(u)] @ Y[u]`` (``k(u)``: the unit's cohort in
    ``g``). ``V`` is the statistic applied to the indicator of each cell of one unit per cohort;
    it depends on ``gpos`` only through the cohort sizes, so it serves every permutation of
    ``gpos`` (vectorised permutation tests, ``did.power``).
    """
    fun = _stat_att_simple if statistic == "att_simple" else _stat_twfe
    g = np.unique(gpos)
    first = np.array([np.flatnonzero(gpos == c)[0] for c in g])
    basis = np.zeros((len(g) * T, len(gpos), T))
    basis[np.arange(len(g) * T), np.repeat(first, T), np.tile(np.arange(T), len(g))] = 1.0
    return g, fun(gpos, basis, T).reshape(len(g), T)


@dataclass(frozen=True, eq=False)
class RandomizationResult(DiDResult):
    """Randomization (permutation) inference result.

    Attributes
    ----------
    term : str
        The statistic permuted: "att_simple" or "twfe" (the call's ``statistic``).
    estimate : float
        The statistic on the observed assignment.
    n_perm : int
        Assignments in the reference distribution besides the observed one (all distinct ones
        minus one when enumerated).
    enumerated : bool
        True when every distinct assignment was used (exact p-value; no seed involved).
    seed : int or None
        Seed of the random permutations (drawn from fresh entropy when the call gave none).
    distribution : ndarray
        The statistic under each assignment (observed first), read-only.
    """

    term: str = "att_simple"
    estimate: float = float("nan")
    n_perm: int = 0
    enumerated: bool = False
    seed: int | None = None
    alpha: float = 0.05
    distribution: np.ndarray = field(default=None, repr=False)
    _dose: np.ndarray = field(default=None, repr=False)  # statistic of D_obs per assignment
    _cache: dict = field(default_factory=dict, repr=False)

    statistic = deprecated_alias("term", "statistic")

    def pvalue_at(self, value: float) -> float:
        """p-value of the sharp null "the effect is ``value`` for every treated cell"."""
        s = np.abs(self.distribution - value * self._dose)
        obs = s[0]
        return float(np.mean(s >= obs * (1 - 1e-10) - 1e-12))

    @property
    def pvalue(self) -> float:
        """p-value of the sharp null of no effect."""
        return self.pvalue_at(0.0)

    def conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """Interval of constant effects not rejected at level ``alpha`` (test inversion).

        With few assignments the smallest attainable p-value may exceed ``alpha``; then the
        interval is unbounded (``-inf, inf``).
        """
        alpha = self.alpha if alpha is None else validate_alpha(alpha)
        if alpha not in self._cache:
            scale = float(np.std(self.distribution)) or 1.0
            self._cache[alpha] = _invert(self.pvalue_at, self.estimate, scale, alpha)
        return self._cache[alpha]

    def _title(self) -> str:
        how = "all assignments" if self.enumerated else f"{self.n_perm} random permutations"
        return f"Randomization inference ({self.term}, adoption dates permuted, {how})"

    def tidy(self) -> pd.DataFrame:
        """One row: ``term, estimate, std_error`` (none: the test uses no standard error),
        ``statistic`` (the estimate itself is the permuted statistic), ``pvalue``,
        ``conf_low, conf_high`` (test inversion), ``n_perm``, ``enumerated``."""
        lo, hi = self.conf_int()
        return pd.DataFrame({"term": [self.term], "estimate": [self.estimate], "std_error": [float("nan")],
                             "statistic": [self.estimate], "pvalue": [self.pvalue],
                             "conf_low": [lo], "conf_high": [hi],
                             "n_perm": [self.n_perm], "enumerated": [self.enumerated]})

    def plot(self, ax=None, labels=None):
        """Histogram of the permutation distribution with the observed statistic marked.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            ``"observed"``: legend text of the line at the observed statistic (no legend
            without it). The x label is the statistic's term.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt
        import seaborn as sns

        from .plots import plot_labels

        labels = plot_labels(labels, ("observed",), "RandomizationResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        sns.histplot(self.distribution[1:], ax=ax, color="C0")
        ax.axvline(self.estimate, color="C3", label=labels.get("observed"))
        ax.set_xlabel(self.term)
        if labels:
            ax.legend()
        return ax

    def to_dict(self) -> dict:
        d = super().to_dict()
        lo, hi = self.conf_int()
        d.update(json_safe({"term": self.term, "estimate": self.estimate,
                            "pvalue": self.pvalue, "conf_low": lo, "conf_high": hi, "alpha": self.alpha,
                            "n_perm": self.n_perm, "enumerated": self.enumerated, "seed": self.seed}))
        return d


def randomization_inference(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    n_perm: int = 999,
    seed: int | None = None,
    statistic: str = "att_simple",
    alpha: float = 0.05,
    dropna: bool = False,
) -> RandomizationResult:
    """Permutation test and interval for a staggered DiD by reassigning adoption dates.

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
        (a multinomial coefficient) is at most ``n_perm``, all are enumerated instead and
        ``.enumerated`` is True.
    seed : int, optional
        Seed of the random permutations.
    statistic : {"att_simple", "twfe"}
        Statistic recomputed under each assignment (see the module docstring).
    alpha : float, default 0.05
        Default level of ``conf_int()``.
    dropna : bool, default False
        Drop rows with missing values instead of raising (the panel must stay balanced).

    Returns
    -------
    RandomizationResult
        ``.estimate``, ``.pvalue``, ``.pvalue_at(tau)``, ``.conf_int(alpha)``, ``.enumerated``,
        ``.distribution``.

    Raises
    ------
    PanelDataError
        Unbalanced panel; units treated from the first period; ``"att_simple"`` without
        never-treated units; no treated unit.
    """
    if statistic not in _STATISTICS:
        raise ValueError(f"statistic must be one of {_STATISTICS}, got {statistic!r}")
    if not isinstance(n_perm, (int, np.integer)) or n_perm < 1:
        raise ValueError("n_perm must be a positive integer (e.g. 999)")
    alpha = validate_alpha(alpha)
    panel = prepare_panel(data, outcome, unit, time, cohort=cohort, dropna=dropna)
    require_balanced(panel, "randomization_inference", PERMUTATION_NEEDS_BALANCE)
    P = panel.periods
    T = len(P)
    ucoh = panel.unit_cohort
    gpos = np.where(ucoh > 0, np.searchsorted(P, ucoh), T)
    if (gpos == 0).any():
        raise PanelDataError(
            f"{int((gpos == 0).sum())} unit(s) are treated from the first period (no pre-period); "
            "drop them before randomization inference")
    if not (gpos < T).any():
        raise PanelDataError("no treated unit: nothing to test")
    if statistic == "att_simple" and not (gpos == T).any():
        raise PanelDataError(
            "statistic='att_simple' uses never-treated controls, but every unit is treated; "
            "use statistic='twfe' or add never-treated units")
    fun = _stat_att_simple if statistic == "att_simple" else _stat_twfe
    Y = panel.wide()
    D = (np.arange(T)[None, :] >= gpos[:, None]).astype(float)
    M = np.stack([Y, D])

    total = _n_distinct(gpos)
    seed_used = None
    stats_y, stats_d = [], []
    obs = fun(gpos, M, T)
    stats_y.append(obs[0])
    stats_d.append(obs[1])
    if total <= n_perm:
        enumerated = True
        obs_key = gpos.tobytes()
        for perm in _distinct_permutations(gpos):
            if perm.tobytes() == obs_key:
                continue  # the observed assignment is already first
            s = fun(perm, M, T)
            stats_y.append(s[0])
            stats_d.append(s[1])
        used = total - 1
    else:
        enumerated = False
        seed_used = draw_seed(seed)
        rng = np.random.default_rng(seed_used)
        for _ in range(n_perm):
            perm = rng.permutation(gpos)
            s = fun(perm, M, T)
            stats_y.append(s[0])
            stats_d.append(s[1])
        used = n_perm
    dist = np.asarray(stats_y)
    dose = np.asarray(stats_d)
    dist.setflags(write=False)
    dose.setflags(write=False)
    call = dict(outcome=outcome, unit=unit, time=time, cohort=cohort, n_perm=n_perm, seed=seed,
                statistic=statistic, alpha=alpha, dropna=dropna, n_dropped=panel.n_dropped,
                n_assignments=total)
    return RandomizationResult(
        method="randomization_inference", call=call, n_obs=panel.n_obs, n_units=panel.n_units,
        term=statistic, estimate=float(dist[0]), n_perm=int(used), enumerated=enumerated,
        seed=seed_used, alpha=alpha, distribution=dist, _dose=dose,
    )
