"""Restricted wild cluster bootstrap (WCR) for a linear model given as a formula.

The algorithm follows Roodman, MacKinnon, Nielsen and Webb (2019), "Fast and wild": every
bootstrap t-statistic is a ratio of a linear and a quadratic form in the cluster weight vector,
so the N-row data are reduced once to G-by-G matrices and the n_boot draws cost O(G^2 n_boot). Fixed
effects written as ``C(var)`` terms are projected out (Frisch-Waugh-Lovell) instead of
becoming dummy columns, which keeps memory at O(N k) even at half a million rows.

Conventions (the same as ``wildboottest`` type "11" and ``fwildclusterboot``'s WCR11):

- t-statistics use the CRV1 variance with the small-sample factor
  ``G/(G-1) * (N-1)/(N-K)``, where K counts the slope columns plus every fixed-effect level
  (as if the fixed effects were dummies, intercept included). The factor cancels in the
  bootstrap p-value; it only scales the reported ``se``.
- p-value: the share of bootstrap draws with ``|t*| >= |t|``. Ties (under full enumeration the
  all-ones draw and its mirror reproduce ``|t|`` exactly) count as exceeding, which makes the
  enumerated p-value the exact randomisation p-value; ``wildboottest`` uses a strict ``>`` and so
  differs from ours by at most ``2 / 2**G`` in that case.
- confidence interval: test inversion, ``{r : p(r) > alpha}``, with the same draws for every r;
  each end is bracketed by stepping out from the estimate and then found by bisection
  (``p(r)`` is a step function, so root finding means locating its jump to within 1e-10 of the
  standard error).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ._results import DiDResult, deprecated_alias, json_safe, renamed_keyword
from ._panel import draw_seed
from .errors import PanelDataError

__all__ = ["wild_cluster_bootstrap", "WildBootstrapResult"]

_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
_FE_TERM = re.compile(r"^C\(\s*([A-Za-z_][A-Za-z0-9_\.]*)\s*\)$")


# ---------------------------------------------------------------------------------------------
# Fixed-effect projection (shared with sunab.py and bacon.py)
# ---------------------------------------------------------------------------------------------
class _FixedEffects:
    """Project fixed effects out of columns by alternating projections.

    Written by hand because the libraries that absorb fixed effects (pyfixest, linearmodels)
    are peers here, not dependencies; the method of alternating projections (Gaure 2013) is a
    few lines with sparse group sums and is exact in one sweep for one factor or a balanced
    two-way panel.
    """

    def __init__(self, codes: list[np.ndarray], tol: float = 1e-13, max_iter: int = 10_000):
        self.codes = [np.asarray(c, dtype=np.int64) for c in codes]
        self.n = len(self.codes[0]) if self.codes else 0
        self.tol = tol
        self.max_iter = max_iter
        self._ind = []
        for c in self.codes:
            L = int(c.max()) + 1
            m = sp.csr_matrix((np.ones(self.n), (c, np.arange(self.n))), shape=(L, self.n))
            counts = np.asarray(m.sum(axis=1)).ravel()
            self._ind.append((m, counts))

    @property
    def n_levels(self) -> int:
        """Rank of the fixed-effect dummies (levels minus redundancies, intercept included)."""
        if not self.codes:
            return 0
        total = sum(len(cnt) for _, cnt in self._ind)
        if len(self.codes) == 1:
            return total
        if len(self.codes) == 2:
            # Two factors: the dummies lose one column per connected component.
            L0 = len(self._ind[0][1])
            L1 = len(self._ind[1][1])
            adj = sp.csr_matrix(
                (np.ones(self.n), (self.codes[0], self.codes[1] + L0)), shape=(L0 + L1, L0 + L1)
            )
            ncomp, _ = connected_components(adj, directed=False)
            return total - ncomp
        return total - (len(self.codes) - 1)

    def demean(self, M: np.ndarray) -> np.ndarray:
        """Residuals of the columns of ``M`` on all fixed effects (a new array)."""
        M = np.array(M, dtype=float, copy=True)
        if not self.codes:
            return M
        vec = M.ndim == 1
        if vec:
            M = M[:, None]
        scale = max(1.0, float(np.max(np.abs(M))) if M.size else 1.0)
        for it in range(self.max_iter):
            change = 0.0
            for (m, counts), c in zip(self._ind, self.codes):
                means = (m @ M) / counts[:, None]
                M -= means[c]
                change = max(change, float(np.max(np.abs(means))) if means.size else 0.0)
            if len(self.codes) == 1 or change <= self.tol * scale:
                break
        else:  # pragma: no cover - only for pathological, nearly disconnected designs
            raise ValueError(
                "fixed effects did not converge in alternating projections; check that the "
                "fixed-effect groups are connected (e.g. every unit observed in several periods)"
            )
        return M[:, 0] if vec else M


# ---------------------------------------------------------------------------------------------
# Formula handling
# ---------------------------------------------------------------------------------------------
def _split_terms(rhs: str) -> list[str]:
    """Split a right-hand side on top-level '+' signs."""
    out, depth, cur = [], 0, []
    for ch in rhs:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "+" and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return [t for t in out if t]


def _design(data: pd.DataFrame, formula: str):
    """Outcome, slope design, fixed-effect codes and column names from a formula."""
    import formulaic

    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError("formula must be a string like 'y ~ treat + C(unit) + C(time)'")
    lhs, rhs = formula.split("~", 1)
    terms = _split_terms(rhs)
    fe_vars = [m.group(1) for t in terms if (m := _FE_TERM.match(t.replace(" ", "")))]
    slope_terms = [t for t in terms if not _FE_TERM.match(t.replace(" ", ""))]
    if fe_vars:
        slope_terms = [t for t in slope_terms if t not in ("1", "0", "-1")]
        if not slope_terms:
            raise ValueError("formula has only fixed effects; add the regressor to test")
        rhs_slopes = " + ".join(slope_terms) + " - 1"
    else:
        rhs_slopes = " + ".join(slope_terms)

    yname = lhs.strip()
    simple = yname in data.columns and all(t in data.columns for t in slope_terms)
    if simple:
        needed = {yname, *slope_terms}
    else:
        needed = {str(v) for v in formulaic.Formula(f"{lhs} ~ {rhs_slopes}").required_variables}
    needed |= set(fe_vars)
    # Names such as "np" in np.log(x) are modules, not columns.
    missing_cols = sorted(v for v in needed if v not in data.columns and v not in ("np", "numpy"))
    if missing_cols:
        raise ValueError(f"formula uses columns not in the data: {missing_cols}")
    used = sorted(v for v in needed if v in data.columns)
    na_counts = data[used].isna().sum()
    nas = {v: int(n) for v, n in na_counts.items() if n}
    if nas:
        where = ", ".join(f"{k}: {n} rows" for k, n in nas.items())
        raise ValueError(
            f"missing values in {where}; drop or fill those rows explicitly before calling "
            "wild_cluster_bootstrap (rows are never dropped silently)"
        )
    if yname in data.columns and not pd.api.types.is_numeric_dtype(data[yname]):
        raise ValueError(f"outcome {yname!r} is not numeric; convert it to numbers first")
    plain = [t for t in slope_terms if t in data.columns and pd.api.types.is_numeric_dtype(data[t])
             and not pd.api.types.is_bool_dtype(data[t])]
    if yname in data.columns and len(plain) == len(slope_terms) and len(set(plain)) == len(plain):
        # Fast path for plain numeric columns (formulaic takes ~4 ms per term, which matters
        # for saturated event-study designs with hundreds of dummies); same names as formulaic.
        y = data[yname].to_numpy(dtype=float)
        X = data[plain].to_numpy(dtype=float)
        names = list(plain)
        if not fe_vars:
            X = np.column_stack([np.ones(len(data)), X])
            names = ["Intercept", *names]
    else:
        mm = formulaic.model_matrix(f"{lhs} ~ {rhs_slopes}", data)
        y = np.asarray(mm.lhs, dtype=float).ravel()
        X = np.asarray(mm.rhs, dtype=float)
        names = list(mm.rhs.columns)
    if len(y) != len(data):  # pragma: no cover - guarded by the NA check above
        raise ValueError("the formula dropped rows; remove missing values first")
    codes = [pd.factorize(data[v], sort=True)[0] for v in fe_vars]
    return y, X, names, codes, fe_vars


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class WildBootstrapResult(DiDResult):
    """Wild cluster bootstrap test of one coefficient.

    Attributes
    ----------
    term : str
        Tested coefficient (or the linear combination, written out).
    estimate, std_error, statistic : float
        OLS estimate, its CRV1 standard error and ``estimate / std_error``.
    pvalue : float
        Bootstrap p-value of ``term = 0``.
    n_boot : int
        Bootstrap draws used (``2**G`` when enumerated).
    enumerated : bool
        True when every Rademacher sign vector was used (exact, no seed involved).
    n_clusters : int
        Number of clusters G.
    seed : int or None
        Seed that drew the weights (the one drawn from fresh entropy when the call gave none;
        None when enumerated).
    """

    term: str = ""
    estimate: float = float("nan")
    std_error: float = float("nan")
    n_boot: int = 0
    enumerated: bool = False
    n_clusters: int = 0
    seed: int | None = None
    alpha: float = 0.05
    _boot: dict = field(default_factory=dict, repr=False)

    @property
    def statistic(self) -> float:
        """Estimate over its CRV1 standard error."""
        return self.estimate / self.std_error

    se = deprecated_alias("std_error", "se")
    tstat = deprecated_alias("statistic", "tstat")
    param = deprecated_alias("term", "param")
    B = deprecated_alias("n_boot", "B")

    def pvalue_at(self, value: float) -> float:
        """Bootstrap p-value of the hypothesis ``term = value`` (same draws)."""
        b = self._boot
        r = float(value)
        num = b["num0"] + r * b["num1"]
        den = b["s00"] + 2 * r * b["s01"] + r * r * b["s11"]
        with np.errstate(divide="ignore", invalid="ignore"):
            tstar = np.abs(num) / np.sqrt(b["ssc"] * den)
        t = abs(self.estimate - r) / self.std_error
        # Relative tolerance so that draws equal to t in exact arithmetic count as ties.
        return float(np.mean(tstar >= t * (1 - 1e-10) - 1e-12))

    @property
    def pvalue(self) -> float:
        """Bootstrap p-value of ``term = 0``."""
        return self.pvalue_at(0.0)

    def conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """Confidence interval ``{r : p(r) > alpha}`` by test inversion."""
        alpha = self.alpha if alpha is None else alpha
        if not 0 < alpha < 1:
            raise ValueError("alpha must be between 0 and 1")
        cache = self._boot.setdefault("ci_cache", {})
        if alpha not in cache:
            cache[alpha] = _invert(self.pvalue_at, self.estimate, self.std_error, alpha)
        return cache[alpha]

    def plot(self, ax=None, labels=None):
        """The bootstrap p-value as a function of the hypothesised value, with the interval.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            Legend texts, each drawn only when given: ``"alpha"`` (the dashed test level) and
            ``"estimate"`` (the line at the estimate); dotted lines mark the interval's ends.
            The x label is the term, the y label ``pvalue``.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        from .plots import plot_labels

        labels = plot_labels(labels, ("alpha", "estimate"), "WildBootstrapResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        lo, hi = self.conf_int()
        span = (hi - lo) if np.isfinite(hi - lo) else 8 * self.std_error
        grid = np.linspace(self.estimate - span, self.estimate + span, 401)
        ax.plot(grid, [self.pvalue_at(r) for r in grid], color="C0", drawstyle="steps-mid")
        ax.axhline(self.alpha, color="C3", linestyle="--", linewidth=0.8, label=labels.get("alpha"))
        for end in (lo, hi):
            if np.isfinite(end):
                ax.axvline(end, color="grey", linestyle=":", linewidth=0.8)
        ax.axvline(self.estimate, color="black", linewidth=0.8, label=labels.get("estimate"))
        ax.set_xlabel(self.term)
        ax.set_ylabel("pvalue")
        if labels:
            ax.legend()
        return ax

    def _title(self) -> str:
        kind = "WCR" if self.call.get("impose_null", True) else "WCU"
        how = "all sign vectors" if self.enumerated else f"n_boot={self.n_boot}"
        return f"Wild cluster bootstrap ({kind}, {self.call.get('weights')}, {how}, G={self.n_clusters})"

    def tidy(self) -> pd.DataFrame:
        lo, hi = self.conf_int()
        return pd.DataFrame(
            {
                "term": [self.term],
                "estimate": [self.estimate],
                "std_error": [self.std_error],
                "statistic": [self.statistic],
                "pvalue": [self.pvalue],
                "conf_low": [lo],
                "conf_high": [hi],
                "n_boot": [self.n_boot],
                "enumerated": [self.enumerated],
            }
        )

    def to_dict(self) -> dict:
        d = super().to_dict()
        lo, hi = self.conf_int()
        d.update(json_safe({"term": self.term, "estimate": self.estimate, "std_error": self.std_error,
                            "statistic": self.statistic, "pvalue": self.pvalue, "conf_low": lo,
                            "conf_high": hi, "alpha": self.alpha, "n_boot": self.n_boot,
                            "enumerated": self.enumerated,
                            "n_clusters": self.n_clusters, "seed": self.seed}))
        return d


def _invert(pfun, estimate: float, se: float, alpha: float, max_doublings: int = 20):
    """Ends of ``{r : pfun(r) > alpha}`` around ``estimate`` by stepping out and bisection.

    ``pfun`` is a step function; the returned ends are its first jump to ``alpha`` or below
    when stepping out from the estimate (steps of se, 2 se, 4 se, ...), located to
    ``1e-10 * se``. An end is infinite when p stays above alpha up to 2**20 se away (p-values
    bounded below, e.g. by 2/2**G with few clusters; further out, rounding would break the ties
    that keep them there).
    """
    if not np.isfinite(se) or se <= 0:
        return (float("nan"), float("nan"))
    if pfun(estimate) <= alpha:
        warnings.warn("the estimate itself is rejected at this alpha (degenerate reference "
                      "distribution): no confidence interval", UserWarning, stacklevel=3)
        return (float("nan"), float("nan"))
    ends = []
    for sign in (-1.0, 1.0):
        inside, step = estimate, se
        for _ in range(max_doublings):
            outside = estimate + sign * step
            if pfun(outside) <= alpha:
                break
            inside, step = outside, step * 2
        else:
            warnings.warn(
                f"the p-value stays above alpha={alpha:g} however far from the estimate: the "
                "interval is unbounded (too few clusters or permutations for this level; with "
                "few clusters use weights='webb')", UserWarning, stacklevel=3)
            ends.append(sign * float("inf"))
            continue
        for _ in range(200):
            mid = 0.5 * (inside + outside)
            if pfun(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) <= 1e-10 * se:
                break
        ends.append(0.5 * (inside + outside))
    return (float(ends[0]), float(ends[1]))


# ---------------------------------------------------------------------------------------------
# Main entry
# ---------------------------------------------------------------------------------------------
def _sign_vectors(G: int) -> np.ndarray:
    """All 2**G Rademacher vectors as a G x 2**G matrix."""
    idx = np.arange(2**G, dtype=np.int64)
    bits = (idx[None, :] >> np.arange(G, dtype=np.int64)[:, None]) & 1
    return (2 * bits - 1).astype(float)


def wild_cluster_bootstrap(
    data: pd.DataFrame,
    formula: str,
    param: str | Mapping[str, float],
    cluster: str,
    n_boot: int = 9999,
    weights: str = "rademacher",
    impose_null: bool = True,
    seed: int | None = None,
    alpha: float = 0.05,
    *,
    B: int | None = None,
) -> WildBootstrapResult:
    """Wild cluster bootstrap p-value and confidence interval for one OLS coefficient.

    Parameters
    ----------
    data : pandas.DataFrame
        Data; no missing values in the columns the formula and ``cluster`` use.
    formula : str
        Model in formula syntax, e.g. ``"y ~ treat + C(unit) + C(time)"``. Terms written
        exactly as ``C(var)`` are absorbed as fixed effects (projected out, not estimated);
        other terms are built by ``formulaic``.
    param : str or mapping
        Name of the coefficient to test (a column of the design, e.g. ``"treat"``), or a
        linear combination as ``{name: weight}`` (e.g. an average of event-study
        coefficients); the test is of ``sum(weight * coefficient) = 0``.
    cluster : str
        Column identifying clusters (at least 2; with fewer than about 12 prefer
        ``weights="webb"``).
    n_boot : int, default 9999
        Bootstrap draws. With Rademacher weights and ``2**G <= n_boot`` all ``2**G`` sign
        vectors are enumerated instead (exact and seed-free; ``.enumerated`` is True).
    weights : {"rademacher", "webb"}
        Cluster weight distribution; Webb's six-point weights give more distinct draws when
        clusters are very few.
    impose_null : bool, default True
        True for WCR (residuals from the model restricted by the null, recommended); False
        for WCU.
    seed : int, optional
        Seed of the weight draws; ignored when enumerated.
    alpha : float, default 0.05
        Default level of ``conf_int()``.
    B : int, optional
        Deprecated name of ``n_boot`` (warns; removed in the next release).

    Returns
    -------
    WildBootstrapResult
        ``.estimate``, ``.std_error`` (CRV1), ``.pvalue`` (of ``param = 0``),
        ``.pvalue_at(r)``, ``.conf_int(alpha)`` (test inversion), ``.enumerated``, ``.n_boot``.

    Notes
    -----
    Small-sample factor ``G/(G-1) (N-1)/(N-K)`` with K including fixed-effect levels; it
    cancels in the p-value. References: Cameron, Gelbach and Miller (2008); Roodman et al.
    (2019); Webb (2023).
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError("data must be a pandas DataFrame")
    if weights not in ("rademacher", "webb"):
        raise ValueError("weights must be 'rademacher' or 'webb'")
    n_boot = renamed_keyword(n_boot, B, "B", "n_boot")
    if not isinstance(n_boot, (int, np.integer)) or isinstance(n_boot, bool) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer (e.g. 9999), got {n_boot!r}")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    if cluster not in data.columns:
        raise ValueError(f"cluster column {cluster!r} is not in the data")
    n_na = int(data[cluster].isna().sum())
    if n_na:
        raise ValueError(f"cluster column {cluster!r} has {n_na} missing values; fill or drop them first")
    call = dict(formula=formula, param=param if isinstance(param, str) else dict(param), cluster=cluster, n_boot=int(n_boot), weights=weights,
                impose_null=bool(impose_null), seed=seed, alpha=alpha)

    y, X, names, fe_codes, _ = _design(data, formula)
    combo = {param: 1.0} if isinstance(param, str) else dict(param)
    if not combo:
        raise ValueError("param must be a coefficient name or a non-empty {name: weight} mapping")
    unknown = [p for p in combo if p not in names]
    if unknown:
        raise ValueError(f"param {unknown} not a column of the design; choose from {names}")
    Rvec = np.zeros(len(names))
    for p_, w_ in combo.items():
        Rvec[names.index(p_)] = float(w_)
    label = param if isinstance(param, str) else " + ".join(f"{w:g}*{p}" for p, w in combo.items())
    cl, _ = pd.factorize(data[cluster], sort=True)
    G = int(cl.max()) + 1
    if G < 2:
        raise PanelDataError("fewer than 2 clusters: a cluster bootstrap needs at least 2")
    N, k = X.shape

    fe = _FixedEffects(fe_codes)
    yt = fe.demean(y)
    Xt = fe.demean(X)
    XtX = Xt.T @ Xt
    ev_ = np.linalg.eigvalsh(XtX)
    if ev_[0] <= 1e-10 * max(ev_[-1], 1e-300):
        raise PanelDataError(
            f"the regressors {names} are collinear (given the fixed effects); drop redundant terms"
        )
    A = np.linalg.inv(XtX)
    beta = A @ (Xt.T @ yt)
    uhat = yt - Xt @ beta
    AR = A @ Rvec
    z = Xt @ AR  # each row's weight in R'beta
    K = k + fe.n_levels
    if N - K <= 0:
        raise ValueError("more parameters than observations")
    ssc = G / (G - 1) * (N - 1) / (N - K)
    Cm = sp.csr_matrix((np.ones(N), (cl, np.arange(N))), shape=(G, N))
    score = Cm @ (z * uhat)
    se = float(np.sqrt(ssc * np.sum(score**2)))
    if not se > 1e-12 * max(1.0, float(np.sqrt(np.mean(yt**2)))):
        # A perfect fit (e.g. a constant outcome): no t-statistic to bootstrap.
        raise PanelDataError(f"the residuals are all zero (a perfect fit), so {param!r} has no "
                             "standard error to bootstrap; check that the outcome varies")
    bj, Ajj = float(Rvec @ beta), float(Rvec @ AR)

    # Residuals of the bootstrap DGP as u0 + r*u1 (r = hypothesised value of R'beta).
    if impose_null:
        u0, u1 = uhat + bj / Ajj * z, -z / Ajj
    else:
        u0, u1 = uhat, np.zeros(N)
    U = np.column_stack([u0, u1])

    # c_g = a X_g' u_g ; H[g,h] = d_gh c_h - Q[g,h] - Zg . (A X_h' u_h)
    c = (Cm @ (z[:, None] * U))  # G x 2
    Zg = Cm @ (Xt * z[:, None])  # G x k
    Hs = []
    for col in range(2):
        u = U[:, col]
        Wh = (Cm @ (Xt * u[:, None])) @ A  # G x k
        H = np.diag(c[:, col]) - Zg @ Wh.T
        Hs.append(H)
    if fe.codes:
        # Q[g,h] = sum_{i in h} (P_FE z^(g))_i u_i, with z^(g) = z on cluster g, else 0.
        # Fixed effects nested in clusters give Q = 0; crossed ones (time) do not.
        chunk = max(1, min(G, int(4e6 // max(N, 1))))  # ~32 MB per block of columns
        for start in range(0, G, chunk):
            gs = np.arange(start, min(G, start + chunk))
            Zcols = np.zeros((N, len(gs)))
            for ii, g in enumerate(gs):
                rows = cl == g
                Zcols[rows, ii] = z[rows]
            Pz = Zcols - fe.demean(Zcols)
            del Zcols
            for col in range(2):
                Qpart = Cm @ (Pz * U[:, col][:, None])  # G(h) x len(gs)
                Hs[col][gs, :] -= Qpart.T
            del Pz

    # Weights
    enumerated = weights == "rademacher" and G < 63 and 2**G <= n_boot
    seed_used = None
    if enumerated:
        V = _sign_vectors(G)
    else:
        if G <= 12 and weights == "rademacher":
            warnings.warn(
                f"only {G} clusters: Rademacher weights give at most {2**G} distinct draws; "
                "consider weights='webb'", stacklevel=2)
        seed_used = draw_seed(seed)
        rng = np.random.default_rng(seed_used)
        if weights == "rademacher":
            V = (2.0 * rng.integers(0, 2, size=(G, n_boot)) - 1.0)
        else:
            V = _WEBB[rng.integers(0, 6, size=(G, n_boot))]
    HV0, HV1 = Hs[0] @ V, Hs[1] @ V
    boot = {
        "num0": c[:, 0] @ V,
        "num1": c[:, 1] @ V,
        "s00": np.einsum("gb,gb->b", HV0, HV0),
        "s01": np.einsum("gb,gb->b", HV0, HV1),
        "s11": np.einsum("gb,gb->b", HV1, HV1),
        "ssc": ssc,
    }
    for v in boot.values():
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    return WildBootstrapResult(
        method="wild_cluster_bootstrap", call=call, n_obs=N, n_units=G, term=label,
        estimate=bj, std_error=se, n_boot=int(V.shape[1]), enumerated=bool(enumerated), n_clusters=G,
        seed=seed_used, alpha=alpha, _boot=boot,
    )
