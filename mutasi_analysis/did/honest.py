"""Sensitivity of an event study to violations of parallel trends (Rambachan and Roth 2023).

``honest_did`` takes event-study coefficients ``betahat`` (pre-period coefficients first, the
reference period dropped) with their covariance ``sigma`` and returns confidence intervals for
``theta = l' tau_post`` that stay valid when the post-period violation of parallel trends
``delta_post`` is bounded by what the pre-periods show:

* **Relative magnitudes**, ``Delta^RM(Mbar)``: every post-period first difference of ``delta``
  is at most ``Mbar`` times the largest pre-period first difference (the reference period
  counts, ``delta_ref = 0``). Interval: the conditional least-favourable hybrid ("C-LF") of
  Andrews, Roth and Pakes (ARP), inverted over a grid of ``theta`` (R HonestDiD's default).
* **Smoothness**, ``Delta^SD(M)``: the slope of ``delta`` changes by at most ``M`` between
  consecutive periods. Interval: the optimal fixed-length confidence interval ("FLCI") of
  Armstrong and Kolesar (R HonestDiD's default).

The method follows R ``HonestDiD`` (github.com/asheshrambachan/HonestDiD, read at commit
6813f02) step for step, written independently on numpy/scipy:

* The RM set is the union over the sign and location ``s`` of the largest pre-period
  difference of polyhedra ``A delta <= 0``; a ``theta`` is in the C-LF set when any of them
  accepts it. Only moments that involve post periods enter the test (R's default
  ``postPeriodMomentsOnly``), the grid is ``grid_points`` values around ``l' betahat_post``
  wide enough for the bias ``Mbar`` allows (see ``grid_bounds``), and the reported interval is
  the smallest and largest accepted grid value, as R reports it.
* The ARP linear program ``min_{eta, x} eta s.t. y - X x <= eta sd`` is solved through its dual
  ``max gamma'y over gamma >= 0, gamma'sd = 1, gamma'X = 0``: the dual polytope's vertices are
  enumerated once per polyhedron, so the LP value, its optimal vertex and the conditioning
  bounds (vlo, vup) are exact and vectorised over the whole grid (R solves an LP per grid
  point and finds vlo/vup by bisection; both give the same test). Large problems (more than
  ``_MAX_BASES`` candidate bases, i.e. many post periods) fall back to HiGHS LPs.
* The least-favourable critical value is the ``1 - kappa`` quantile (kappa = alpha/10) of the
  LP value under ``N(0, Sigma)`` draws, 1000 of them. They are drawn with R's own generator
  (Mersenne-Twister seeded as ``set.seed(seed)``, normals by inversion, ``mvtnorm::rmvnorm``'s
  eigen square root), so with the same ``seed`` (R's default 0) the critical value is R's.
* The FLCI minimises over affine estimators ``theta_hat = l_pre' betahat_pre + l' betahat_post``
  (unbiased under a linear trend) the half-length ``h * cv_alpha(M bias / h)``, where ``bias``
  is the worst-case bias over ``Delta^SD(M)`` given standard deviation ``h``; ``cv_alpha(b)`` is
  the ``1 - alpha`` quantile of ``|N(b, 1)|``, taken as R does from 10^6 draws of its own
  generator (seed ``seed``); the exact quantile would move the half-length by about 0.1%.

Inputs from this package: ``att_gt(..., base_period="universal").aggregate("event")``,
``sun_abraham(...)``, or any object following :class:`EventStudyLike`.
"""

from __future__ import annotations

import functools

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ._panel import validate_alpha
from ._results import AggregateResult, DiDResult, _readonly, json_safe
from .errors import PanelDataError

__all__ = ["honest_did", "HonestDiDResult", "EventStudyLike"]

_RESTRICTIONS = {"relative_magnitude": "DeltaRM", "smoothness": "DeltaSD"}
_METHODS = {"relative_magnitude": "C-LF", "smoothness": "FLCI"}
_MAX_BASES = 2_000_000  # candidate bases for the vertex enumeration before falling back to LPs
_LF_SIMS = 1000  # draws for the least-favourable critical value (R HonestDiD's fixed number)


@runtime_checkable
class EventStudyLike(Protocol):
    """What :func:`honest_did` needs from an event study it does not know.

    Attributes
    ----------
    event_times : array of int
        Event time of each coefficient, consecutive, without the reference period.
    estimates : array of float
        The coefficients, in the order of ``event_times``.
    vcov : ndarray
        Their covariance matrix.
    reference_period : int
        The event time normalised to zero (coefficients before it are pre-periods).
    """

    event_times: Any
    estimates: Any
    vcov: Any
    reference_period: int


# ---------------------------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class HonestDiDResult(DiDResult):
    """Robust confidence intervals over a grid of ``M`` (or ``Mbar``), from :func:`honest_did`.

    Attributes
    ----------
    table : DataFrame
        One row per grid value: ``restriction`` ("DeltaRM" or "DeltaSD"), ``M``, ``conf_low``,
        ``conf_high``, ``method`` ("C-LF" or "FLCI"). NaN bounds: no grid value accepted.
    original : DataFrame
        The interval without violations of parallel trends (one row: ``term``, ``estimate``,
        ``std_error``, ``statistic``, ``pvalue``, ``conf_low``, ``conf_high``).
    breakdown : float or None
        Largest ``M`` such that the robust interval excludes zero at it and at every smaller
        grid value; ``None`` when the original interval includes zero or the first grid value's
        interval already does. ``breakdown_method`` says how it was found: "grid" (a grid
        value) or "bisection" (refined between the last grid value that excludes zero and the
        first that does not). With note "breakdown_above_grid" it is only a lower bound.
    l_vec, betahat, sigma, num_pre, num_post, event_times
        The inputs (read-only).
    notes : tuple of str
        Codes: "grid_open" (an accepted ``theta`` lies on the edge of the test grid: widen
        ``grid_bounds``), "empty_set" (no ``theta`` accepted at some ``M``: the pre-periods
        reject the restriction), "breakdown_above_grid", "breakdown_below_grid".
    """

    restriction: str = "relative_magnitude"
    ci_method: str = "C-LF"
    alpha: float = 0.05
    table_: pd.DataFrame | None = field(default=None, repr=False)
    original_: pd.DataFrame | None = field(default=None, repr=False)
    breakdown: float | None = None
    breakdown_method: str = "grid"
    l_vec: np.ndarray | None = field(default=None, repr=False)
    betahat: np.ndarray | None = field(default=None, repr=False)
    sigma: np.ndarray | None = field(default=None, repr=False)
    num_pre: int = 0
    num_post: int = 0
    event_times: np.ndarray | None = field(default=None, repr=False)
    notes: tuple = ()

    @property
    def table(self) -> pd.DataFrame:
        """Robust intervals, one row per grid value (a copy)."""
        return self.table_.copy()

    @property
    def original(self) -> pd.DataFrame:
        """The interval that assumes parallel trends (a copy)."""
        return self.original_.copy()

    def tidy(self) -> pd.DataFrame:
        """The original interval (``restriction="none"``, ``method="original"``, ``M`` NaN), then
        the robust rows: ``restriction, M, conf_low, conf_high, method``."""
        o = self.original_
        head = pd.DataFrame({"restriction": ["none"], "M": [np.nan], "conf_low": o["conf_low"].to_numpy(),
                             "conf_high": o["conf_high"].to_numpy(), "method": ["original"]})
        return pd.concat([head, self.table_], ignore_index=True)

    def _title(self) -> str:
        return f"honest_did: {_RESTRICTIONS[self.restriction]} ({self.ci_method}), Rambachan & Roth (2023)"

    def summary(self, fmt: str = "text") -> str:
        """The base summary followed by the breakdown value (``fmt="text"`` or ``"html"``)."""
        text = super().summary(fmt)
        bd = "None" if self.breakdown is None else f"{self.breakdown:.6g}"
        line = f"breakdown: {bd} ({self.breakdown_method})" + (f"; notes: {', '.join(self.notes)}"
                                                             if self.notes else "")
        if fmt == "html":
            import html

            return text.replace("</div>", f"<p>{html.escape(line)}</p></div>")
        return text + "\n" + line

    def plot(self, ax=None, labels=None):
        """Robust intervals against ``M`` with the original interval on the left.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            Legend texts, each drawn only when given: ``"original"`` (the interval without
            violations, drawn left of the grid), ``"robust"`` (the robust intervals) and
            ``"breakdown"`` (the dotted line at the breakdown value, when there is one).
            The x label is the paper's symbol (:math:`\\bar M` for relative magnitudes,
            :math:`M` for smoothness); no y label or title.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt
        import seaborn as sns

        from .plots import plot_labels

        labels = plot_labels(labels, ("original", "robust", "breakdown"), "HonestDiDResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        pal = sns.color_palette("colorblind", 2)
        t = self.table_
        m = t["M"].to_numpy(float)
        gap = float(np.min(np.diff(np.sort(m)))) if len(m) > 1 else 1.0
        x0 = float(m.min()) - gap
        o = self.original_
        ax.vlines([x0], o["conf_low"], o["conf_high"], color=pal[1], lw=2, label=labels.get("original"))
        ok = np.isfinite(t["conf_low"].to_numpy(float))
        ax.vlines(m[ok], t["conf_low"][ok], t["conf_high"][ok], color=pal[0], lw=2, label=labels.get("robust"))
        for col in ("conf_low", "conf_high"):
            ax.scatter(m[ok], t[col][ok], color=pal[0], marker="_", s=80)
        ax.axhline(0, color="0.3", lw=0.8)
        if self.breakdown is not None:
            ax.axvline(self.breakdown, color="0.3", ls=":", lw=0.8, label=labels.get("breakdown"))
        ax.set_xlabel(r"$\bar{M}$" if self.restriction == "relative_magnitude" else "$M$")
        if labels:
            ax.legend(fontsize=8, frameon=False, loc="best")
        return ax

    def to_dict(self) -> dict:
        d = super().to_dict()
        d.update(json_safe({
            "restriction": self.restriction, "ci_method": self.ci_method, "alpha": self.alpha,
            "original": self.original_, "breakdown": self.breakdown,
            "breakdown_method": self.breakdown_method, "l_vec": self.l_vec,
            "num_pre": self.num_pre, "num_post": self.num_post, "event_times": self.event_times,
            "betahat": self.betahat, "sigma": self.sigma, "notes": list(self.notes),
        }))
        return d


# ---------------------------------------------------------------------------------------------
# R's random normals
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _r_rnorm(n: int, seed: int) -> np.ndarray:
    """``set.seed(seed); rnorm(n)`` of R (default kinds: Mersenne-Twister, Inversion).

    Written by hand because no Python library reproduces R's stream, and R HonestDiD's
    least-favourable critical value is a quantile of simulated draws: the same draws give the
    same critical value, hence the same intervals. Cached (read-only): a sensitivity analysis
    asks for the same draws once per grid point.
    """
    s = int(seed) & 0xFFFFFFFF
    for _ in range(50):  # R's initial scrambling
        s = (69069 * s + 1) & 0xFFFFFFFF
    key = np.empty(625, dtype=np.uint32)
    for j in range(625):
        s = (69069 * s + 1) & 0xFFFFFFFF
        key[j] = s
    bg = np.random.MT19937()
    # key[0] is R's position slot (reset to 624: regenerate on first use); the state is key[1:].
    bg.state = {"bit_generator": "MT19937", "state": {"key": key[1:], "pos": 624}}
    raw = bg.random_raw(2 * n).astype(np.float64) * 2.3283064365386963e-10
    i2_32m1 = 2.328306437080797e-10
    u = np.where(raw <= 0.0, 0.5 * i2_32m1, np.where(1.0 - raw <= 0.0, 1.0 - 0.5 * i2_32m1, raw))
    big = 134217728.0  # 2^27: R's norm_rand(INVERSION) combines two uniforms for precision
    v = np.floor(big * u[0::2]) + u[1::2]
    out = special.ndtri(v / big)
    out.flags.writeable = False
    return out


def _r_rmvnorm(n: int, sigma: np.ndarray, seed: int) -> np.ndarray:
    """``set.seed(seed); mvtnorm::rmvnorm(n, sigma = sigma)`` (method "eigen")."""
    val, vec = np.linalg.eigh(sigma)
    root = (vec * np.sqrt(np.maximum(val, 0.0))) @ vec.T  # symmetric root: eigenvector signs drop out
    z = _r_rnorm(n * sigma.shape[0], seed).reshape(n, sigma.shape[0])  # R fills by row
    return z @ root.T


# ---------------------------------------------------------------------------------------------
# relative magnitudes: ARP conditional least-favourable hybrid
# ---------------------------------------------------------------------------------------------
def _rm_constraints(num_pre: int, num_post: int, mbar: float, s: int, positive: bool) -> np.ndarray:
    """``A`` with ``Delta^RM_{s,+/-}(Mbar) = {delta: A delta <= 0}`` (rows in R's order).

    First differences of (delta_pre, delta_ref = 0, delta_post) are bounded by the difference
    ending at event time ``s`` (s = 0: the one ending at the reference period), times ``Mbar``
    after the reference period.
    """
    n = num_pre + num_post
    diff = np.zeros((n, n + 1))
    diff[np.arange(n), np.arange(n)] = -1.0
    diff[np.arange(n), np.arange(n) + 1] = 1.0
    vmax = np.zeros(n + 1)
    vmax[num_pre + s - 1] = -1.0
    vmax[num_pre + s] = 1.0
    if not positive:
        vmax = -vmax
    ub = np.vstack([np.tile(vmax, (num_pre, 1)), np.tile(mbar * vmax, (num_post, 1))])
    A = np.vstack([diff - ub, -diff - ub])
    A = A[np.einsum("ij,ij->i", A, A) > 1e-10]
    return np.delete(A, num_pre, axis=1)


def _gamma_matrix(l_vec: np.ndarray) -> np.ndarray:
    """Invertible matrix with ``l'`` as first row, then unit vectors (R's RREF choice: all but
    the one at the last non-zero entry of ``l``). The test does not depend on this choice."""
    T = len(l_vec)
    q = int(np.flatnonzero(l_vec)[-1])
    rows = [l_vec] + [np.eye(T)[j] for j in range(T) if j != q]
    return np.vstack(rows)


def _dual_vertices(sd: np.ndarray, X: np.ndarray) -> np.ndarray | None:
    """Vertices of ``{gamma >= 0, gamma'sd = 1, gamma'X = 0}`` (rows), or None if too many bases.

    Hand-written because scipy has no vertex enumeration; the polytope is small (one row per
    post-period moment), and knowing all vertices makes the LP value, its optimal vertex and
    the conditioning bounds exact and vectorised over the grid of theta.
    """
    m, k = X.shape
    E = np.column_stack([sd, X]).T  # (k+1) x m
    if math.comb(m, k + 1) > _MAX_BASES:
        return None
    combos = np.array(list(itertools.combinations(range(m), k + 1)), dtype=np.int64)
    rhs = np.zeros(k + 1)
    rhs[0] = 1.0
    out = []
    for start in range(0, len(combos), 100_000):
        c = combos[start:start + 100_000]
        B = np.transpose(E[:, c], (1, 0, 2))  # (nc, k+1, k+1)
        det = np.linalg.det(B)
        scale = np.prod(np.abs(B).max(axis=2) + 1e-300, axis=1)
        ok = np.abs(det) > 1e-10 * scale
        if not ok.any():
            continue
        sol = np.linalg.solve(B[ok], np.broadcast_to(rhs, (ok.sum(), k + 1))[..., None])[..., 0]
        feas = (sol >= -1e-10).all(axis=1)
        g = np.zeros((feas.sum(), m))
        rows = np.repeat(np.arange(feas.sum()), k + 1)
        g[rows, c[ok][feas].ravel()] = np.maximum(sol[feas], 0.0).ravel()
        out.append(g)
    if not out:
        return np.zeros((0, m))
    V = np.vstack(out)
    V = V / (V @ sd)[:, None]
    return np.unique(np.round(V, 12), axis=0)


def _lp_eta(y: np.ndarray, sd: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray | None]:
    """ARP's LP by HiGHS: (eta, optimal dual vertex), used when the vertices are too many."""
    m, k = X.shape
    res = optimize.linprog(np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, X]), b_ub=-y,
                           bounds=[(None, None)] * (k + 1), method="highs")
    if res.status != 0:
        return -np.inf, None
    return float(res.fun), -np.asarray(res.ineqlin.marginals)


def _arp_lf_accept(theta: np.ndarray, Y: np.ndarray, a: np.ndarray, X: np.ndarray, S: np.ndarray,
                   alpha: float, kappa: float, seed: int) -> np.ndarray:
    """Acceptance of ``theta`` by ARP's conditional least-favourable hybrid test of
    ``E[Y - a theta - X tau] <= 0`` for some nuisance ``tau`` (Y ~ N(mu, S))."""
    sd = np.sqrt(np.diag(S))
    V = _dual_vertices(sd, X)
    xi = _r_rmvnorm(_LF_SIMS, S, seed)
    mod_size = (alpha - kappa) / (1 - kappa)
    if V is None:  # LP fallback, one HiGHS LP per draw and per theta
        eta_sim = np.array([_lp_eta(x, sd, X)[0] for x in xi])
        lf_cv = float(np.quantile(eta_sim[np.isfinite(eta_sim)], 1 - kappa))
        acc = np.empty(len(theta), dtype=bool)
        for i, th in enumerate(theta):
            y = Y - a * th
            eta, g = _lp_eta(y, sd, X)
            acc[i] = _conditional_accept(y, eta, g, S, lf_cv, mod_size, sd, X)
        return acc
    if len(V) == 0:  # LP unbounded below: every theta is consistent with the moments
        return np.ones(len(theta), dtype=bool)
    lf_cv = float(np.quantile((xi @ V.T).max(axis=1), 1 - kappa))
    Yg = Y[None, :] - theta[:, None] * a[None, :]
    vals = Yg @ V.T  # (grid, vertices): the dual objective at every vertex
    idx = vals.argmax(axis=1)
    rows = np.arange(len(theta))
    eta = vals[rows, idx]
    VSV = V @ S @ V.T
    q = np.diag(VSV)  # gamma' S gamma per vertex
    # y(c) = s + b c with b = S gamma / q keeps the optimal vertex gamma optimal for c in
    # [vlo, vup]: vertex v stays below while c (1 - v'b) >= v's (ARP, appendix; R finds the
    # same bounds by bisection over LPs).
    vb = (VSV / q[None, :])[:, idx].T  # (grid, vertices): v'b
    vs = vals - vb * eta[:, None]
    den = 1.0 - vb
    keep = (np.abs(den) > 1e-10) & (np.arange(len(V))[None, :] != idx[:, None])  # vertices are unique
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = vs / den
    vlo = np.where(keep & (den > 0), ratio, -np.inf).max(axis=1)
    vup = np.where(keep & (den < 0), ratio, np.inf).min(axis=1)
    return _second_stage(eta, q[idx], vlo, vup, lf_cv, mod_size)


def _second_stage(eta, s2, vlo, vup, lf_cv, mod_size) -> np.ndarray:
    """Acceptance by the hybrid given the LP value, its variance and the conditioning bounds:
    reject when eta exceeds the least-favourable critical value, else compare eta / sd with the
    ``1 - mod_size`` quantile of the normal truncated to [vlo, min(vup, lf_cv)] / sd."""
    eta, s2, vlo, vup = (np.atleast_1d(np.asarray(x, float)) for x in (eta, s2, vlo, vup))
    acc = np.ones(len(eta), dtype=bool)
    first = eta > lf_cv
    degenerate = np.abs(s2) < np.finfo(float).eps
    acc[first] = False
    acc[~first & degenerate] = ~(eta[~first & degenerate] > 0)
    todo = ~first & ~degenerate & np.isfinite(eta)
    sig = np.sqrt(np.where(todo, s2, 1.0))
    stat, zlo, zup = eta / sig, vlo / sig, np.minimum(vup, lf_cv) / sig
    inside = todo & (zlo <= stat) & (stat <= zup)
    if inside.any():
        cval = np.maximum(0.0, stats.truncnorm.ppf(1 - mod_size, zlo[inside], zup[inside]))
        acc[inside] = ~(stat[inside] > cval)
    return acc


def _conditional_accept(y, eta, gamma, S, lf_cv, mod_size, sd, X) -> bool:
    """Second stage for the LP fallback (one theta)."""
    if not np.isfinite(eta):
        return True
    s2 = float(gamma @ S @ gamma)
    if eta > lf_cv or abs(s2) < np.finfo(float).eps:
        return bool(_second_stage(eta, s2, -np.inf, np.inf, lf_cv, mod_size)[0])
    vlo, vup = _bounds_by_lp(y, eta, gamma, S, s2, sd, X)
    return bool(_second_stage(eta, s2, vlo, vup, lf_cv, mod_size)[0])


def _bounds_by_lp(y, eta, gamma, S, s2, sd, X) -> tuple[float, float]:
    """vlo, vup with LPs (fallback for large problems), as R's ``.vlo_vup_dual_fn``: at a far
    point, the optimal vertex g gives the crossing ``c = g's / (1 - g'b)`` with the line of
    ``gamma``; repeat at the crossing until ``gamma`` is optimal there."""
    b = S @ gamma / s2
    s = y - b * eta

    def is_solution(c, val):
        return abs(val - c) <= 1e-9 * max(1.0, abs(c))

    def bound(direction: float) -> float:
        c = eta + direction * max(100.0, abs(eta) + 20 * math.sqrt(s2))
        val, g = _lp_eta(s + b * c, sd, X)
        if g is None or is_solution(c, val):
            return direction * np.inf
        for _ in range(100):
            gb = float(g @ b)
            if abs(1 - gb) < 1e-12:
                break
            c = float(g @ s) / (1 - gb)
            val, g = _lp_eta(s + b * c, sd, X)
            if g is None or is_solution(c, val):
                break
        return c

    return bound(-1.0), bound(1.0)


def _noinf_lf_accept(theta: np.ndarray, betahat: np.ndarray, sigma: np.ndarray, A: np.ndarray,
                     num_pre: int, l1: float, alpha: float, kappa: float, seed: int) -> np.ndarray:
    """One post period (no nuisance parameter): ARP's LF hybrid as R's no-nuisance version.

    As in R HonestDiD, the second stage here truncates at the conditioning bounds only (not at
    the least-favourable critical value, as the nuisance version does).
    """
    SA = A @ sigma @ A.T
    sdA = np.sqrt(np.diag(SA))
    At = A / sdA[:, None]
    xi = _r_rmvnorm(_LF_SIMS, SA, seed) / sdA[None, :]
    lf_cv = float(np.quantile(xi.max(axis=1), 1 - kappa))
    mod_size = (alpha - kappa) / (1 - kappa)
    ASA = At @ sigma @ At.T  # unit diagonal
    e = np.zeros(len(betahat))
    e[num_pre] = 1.0
    mom = (At @ betahat)[None, :] - (theta / l1)[:, None] * (At @ e)[None, :]  # (grid, moments)
    rows = np.arange(len(theta))
    j = mom.argmax(axis=1)
    top = mom[rows, j]
    s2 = ASA[j, j]
    r = ASA[:, j].T / s2[:, None]  # (grid, moments): At c for gamma = At[j]
    ac = r - 1.0  # Abar c
    abz = mom - r * top[:, None]  # Abar z
    with np.errstate(divide="ignore", invalid="ignore"):
        obj = -abz / ac
    vlo = np.where(ac < -1e-12, obj, -np.inf).max(axis=1)
    vup = np.where(ac > 1e-12, obj, np.inf).min(axis=1)
    sig = np.sqrt(s2)
    acc = ~(top > lf_cv)
    ok = acc.copy()
    cval = np.maximum(0.0, sig[ok] * stats.truncnorm.ppf(1 - mod_size, vlo[ok] / sig[ok], vup[ok] / sig[ok]))
    acc[ok] = ~(top[ok] > cval)
    return acc


def _rm_interval(betahat, sigma, num_pre, num_post, l_vec, mbar, alpha, theta_grid, seed):
    """C-LF interval under Delta^RM(Mbar): union over s and sign of the ARP hybrid sets."""
    kappa = alpha / 10
    Gamma_inv = np.linalg.inv(_gamma_matrix(l_vec))
    accept = np.zeros(len(theta_grid), dtype=bool)
    for s in range(-(num_pre - 1), 1):
        for positive in (True, False):
            A = _rm_constraints(num_pre, num_post, mbar, s, positive)
            post_rows = np.abs(A[:, num_pre:]).sum(axis=1) > 0
            A = A[post_rows]
            if num_post == 1:
                accept |= _noinf_lf_accept(theta_grid, betahat, sigma, A, num_pre, float(l_vec[0]),
                                           alpha, kappa, seed)
                continue
            AG = A[:, num_pre:] @ Gamma_inv
            accept |= _arp_lf_accept(theta_grid, A @ betahat, AG[:, 0], AG[:, 1:], A @ sigma @ A.T,
                                     alpha, kappa, seed)
    return accept


def _rm_identified_set(beta, num_pre, num_post, l_vec, mbar) -> tuple[float, float]:
    """Identified set of ``l' tau_post`` under Delta^RM(Mbar) at ``beta`` (HiGHS LPs)."""
    lo, hi = np.inf, -np.inf
    obj = np.r_[np.zeros(num_pre), l_vec]
    A_eq = np.hstack([np.eye(num_pre), np.zeros((num_pre, num_post))])
    point = float(l_vec @ beta[num_pre:])
    for s in range(-(num_pre - 1), 1):
        for positive in (True, False):
            A = _rm_constraints(num_pre, num_post, mbar, s, positive)
            bounds = [(None, None)] * (num_pre + num_post)
            rmax = optimize.linprog(-obj, A_ub=A, b_ub=np.zeros(len(A)), A_eq=A_eq, b_eq=beta[:num_pre],
                                    bounds=bounds, method="highs")
            rmin = optimize.linprog(obj, A_ub=A, b_ub=np.zeros(len(A)), A_eq=A_eq, b_eq=beta[:num_pre],
                                    bounds=bounds, method="highs")
            if rmax.status == 0:
                lo = min(lo, point + rmax.fun)  # bias max -> lower bound of theta
            elif rmax.status == 3:
                lo = -np.inf
            if rmin.status == 0:
                hi = max(hi, point - rmin.fun)
            elif rmin.status == 3:
                hi = np.inf
    return lo, hi


# ---------------------------------------------------------------------------------------------
# smoothness: the optimal FLCI
# ---------------------------------------------------------------------------------------------
_FOLDED_DRAWS: dict[int, np.ndarray] = {}


def _kth_smallest_two(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """k-th smallest (0-based) of the union of two ascending arrays, by bisection on the split."""
    lo, hi = max(0, k + 1 - len(b)), min(k + 1, len(a))
    while lo < hi:  # i = number taken from a
        i = (lo + hi) // 2
        j = k + 1 - i
        if j > 0 and i < len(a) and b[j - 1] > a[i]:
            lo = i + 1
        else:
            hi = i
    i, j = lo, k + 1 - lo
    return max(a[i - 1] if i > 0 else -np.inf, b[j - 1] if j > 0 else -np.inf)


def _folded_normal_quantile(p: float, b: float, seed: int) -> float:
    """``p`` quantile of ``|N(b, 1)|`` as R HonestDiD computes it: type-7 quantile of
    ``abs(rnorm(10^6) + b)`` after ``set.seed(seed)``. The exact quantile differs by about 0.1%,
    enough to move the third digit R prints. The sorted draws are kept per seed, and the order
    statistics are read off the two sorted halves |z + b| (z >= -b and z < -b) without sorting."""
    if seed not in _FOLDED_DRAWS:
        _FOLDED_DRAWS.clear()
        _FOLDED_DRAWS[seed] = np.sort(_r_rnorm(10 ** 6, seed))
    z = _FOLDED_DRAWS[seed]
    cut = int(np.searchsorted(z, -b))
    up, down = z[cut:] + b, -(z[:cut][::-1] + b)  # both ascending
    h = (len(z) - 1) * p
    k = int(math.floor(h))
    x0 = _kth_smallest_two(up, down, k)
    x1 = _kth_smallest_two(up, down, k + 1) if k + 1 < len(z) else x0
    return float(x0 + (h - k) * (x1 - x0))


def _exact_folded_normal_quantile(p: float, b: float, seed: int = 0) -> float:
    """``c`` with ``P(|N(b, 1)| <= c) = p`` exactly (no simulation; ``seed`` unused)."""
    b = abs(b)
    f = lambda c: special.ndtr(c - b) - special.ndtr(-c - b) - p  # noqa: E731
    return float(optimize.brentq(f, 0.0, b + 10.0, xtol=1e-14, rtol=1e-14))


def _flci(betahat, sigma, num_pre, num_post, l_vec, M, alpha, seed=0,
          exact=False) -> tuple[float, float, float]:
    """Optimal FLCI under Delta^SD(M): (estimate, half-length, sd)."""
    cv = _exact_folded_normal_quantile if exact else _folded_normal_quantile
    p, T = num_pre, num_post
    t = np.arange(1, T + 1)
    c0 = float(t @ l_vec)  # pre weights sum to this: no bias under a linear trend
    bias_const = sum(abs(float(np.arange(1, s + 1) @ l_vec[T - s:])) for s in range(1, T + 1)) - c0
    D = np.eye(p) - np.eye(p, k=-1)  # cumulative weights W -> w -> pre-period weights l_pre = D w
    S_pre, S_pp = sigma[:p, :p], sigma[:p, p:]
    Q = D.T @ S_pre @ D
    lin = 2 * D.T @ S_pp @ l_vec
    const = float(l_vec @ sigma[p:, p:] @ l_vec)

    def var(w):
        return float(w @ Q @ w + lin @ w + const)

    # Minimum-variance weights: a quadratic programme with one equality (closed form by KKT).
    K = np.block([[2 * Q, np.ones((p, 1))], [np.ones((1, p)), np.zeros((1, 1))]])
    w_min = np.linalg.lstsq(K, np.r_[-lin, c0], rcond=None)[0][:p]
    h_min = math.sqrt(max(var(w_min), 0.0))
    w_0 = np.r_[np.zeros(p - 1), c0]
    h_0 = math.sqrt(max(var(w_0), 0.0))

    # w = P W + c0 e_p: the cumulative weights W_1..W_{p-1} are free, W_p = c0.
    P = (np.eye(p) - np.eye(p, k=-1))[:, : p - 1]
    e_p = np.zeros(p)
    e_p[-1] = c0
    n1 = p - 1
    lin_jac = np.block([[-np.eye(n1), np.eye(n1)], [np.eye(n1), np.eye(n1)]])
    state = {"x": None}

    def bias_given_h(h, start):
        # min sum_i |W_i| s.t. var(w) <= h^2, as an SLSQP over (W, U) with U >= |W|: the LP part
        # of R's second-order cone programme (CVXR/ECOS) with the one quadratic constraint.
        if p == 1:
            return abs(c0), np.array([c0])
        x0 = state["x"] if state["x"] is not None else np.r_[np.cumsum(start)[:n1], np.abs(np.cumsum(start)[:n1])]
        cons = [{"type": "ineq", "fun": lambda x: lin_jac @ x, "jac": lambda x: lin_jac},
                {"type": "ineq", "fun": lambda x: np.array([(h * h - var(P @ x[:n1] + e_p)) / (h * h)]),
                 "jac": lambda x: np.r_[-(P.T @ (2 * Q @ (P @ x[:n1] + e_p) + lin)) / (h * h), np.zeros(n1)][None, :]}]
        res = optimize.minimize(lambda x: x[n1:].sum(), x0, jac=lambda x: np.r_[np.zeros(n1), np.ones(n1)],
                                constraints=cons, method="SLSQP", options={"ftol": 1e-14, "maxiter": 500})
        state["x"] = res.x
        w = P @ res.x[:n1] + e_p
        return float(np.abs(np.cumsum(w)).sum()), w

    if M == 0 or h_0 <= h_min * (1 + 1e-12):
        w = w_min if M == 0 else w_0
        h = math.sqrt(max(var(w), 0.0))
        bias = (bias_const + bias_given_h(h, w)[0]) if M > 0 else 0.0
    else:
        def half_length(h):
            b, _ = bias_given_h(h, w_min)
            return h * cv(1 - alpha, M * (bias_const + b) / h, seed)

        lo_h = h_min * (1 + 1e-9)
        res = optimize.minimize_scalar(half_length, bounds=(lo_h, h_0), method="bounded",
                                       options={"xatol": 1e-10 * h_0})
        h = float(res.x)
        b, w = bias_given_h(h, w_min)
        bias = bias_const + b
    est = float((D @ w) @ betahat[:p] + l_vec @ betahat[p:])
    sd = math.sqrt(max(var(w), 0.0))
    hl = sd * cv(1 - alpha, M * bias / sd, seed) if sd > 0 else M * bias
    return est, hl, sd


def _sd_default_grid(betahat, sigma, num_pre, alpha=0.05) -> np.ndarray:
    """R's default M grid: 10 values from 0 to an upper 1 - alpha bound on the largest pre-period
    second difference (``DeltaSD_upperBound_Mpre``; with one pre-period, its standard error)."""
    if num_pre == 1:
        return np.linspace(0.0, math.sqrt(sigma[0, 0]), 10)
    A = np.zeros((num_pre - 1, num_pre + 1))
    for r in range(num_pre - 1):
        A[r, r:r + 3] = [1.0, -2.0, 1.0]  # second differences of (delta_pre, delta_ref = 0)
    A = np.vstack([A, -A])[:, :num_pre]
    se = np.sqrt(np.diag(A @ sigma[:num_pre, :num_pre] @ A.T))
    ub = float(np.max(A @ betahat[:num_pre] + stats.norm.ppf(1 - alpha) * se))
    return np.linspace(0.0, ub, 10)


# ---------------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------------
def _from_result(result) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int | None, int | None]:
    """(event_times, estimates, vcov, reference period, n_obs, n_units) of a supported result."""
    from .sunab import SunAbrahamResult

    if isinstance(result, AggregateResult):
        if result.kind != "event":
            raise ValueError(f"honest_did needs an event study: pass att_gt(...).aggregate('event'), "
                             f"not a {result.kind!r} aggregation")
        if result.call.get("base_period") != "universal":
            raise ValueError("honest_did needs att_gt(..., base_period='universal'): with 'varying' the "
                             "pre-period estimates are period-on-period changes, not deviations from the "
                             "reference period")
        t = result.table_
        e = t["event_time"].to_numpy(float)
        V = result.vcov()
        ref = float(result.reference_time)
        keep = e != ref
        return e[keep], t["estimate"].to_numpy(float)[keep], V[np.ix_(keep, keep)], ref, result.n_obs, result.n_units
    if isinstance(result, SunAbrahamResult):
        return (result.table["event_time"].to_numpy(float), result.table["estimate"].to_numpy(float),
                result.vcov(), float(result.reference_period), result.n_obs, result.n_units)
    if isinstance(result, DiDResult) and type(result).__name__ == "AttGTResult":
        raise ValueError("honest_did needs an event study: pass att_gt(..., base_period='universal')"
                         ".aggregate('event')")
    if isinstance(result, EventStudyLike):
        return (np.asarray(result.event_times, float), np.asarray(result.estimates, float),
                np.asarray(result.vcov, float), float(result.reference_period),
                getattr(result, "n_obs", None), getattr(result, "n_units", None))
    raise TypeError(f"honest_did cannot read a {type(result).__name__}: pass an att_gt event aggregation, "
                    "a sun_abraham result, an EventStudyLike object, or betahat/sigma/num_pre/num_post")


def _check_arrays(betahat, sigma, num_pre, num_post, l_vec):
    betahat = np.asarray(betahat, dtype=float).ravel()
    sigma = np.asarray(sigma, dtype=float)
    n = len(betahat)
    if sigma.shape != (n, n):
        raise ValueError(f"sigma must be {n} x {n} (the length of betahat), got {sigma.shape}")
    if not np.all(np.isfinite(betahat)) or not np.all(np.isfinite(sigma)):
        raise ValueError("betahat and sigma must be finite")
    if not np.allclose(sigma, sigma.T, rtol=1e-8, atol=1e-12 * max(np.abs(sigma).max(), 1e-300)):
        raise ValueError("sigma must be symmetric")
    ev = np.linalg.eigvalsh(sigma)
    if ev[0] < -1e-8 * max(ev[-1], 1e-300):
        raise ValueError(f"sigma must be positive semi-definite (smallest eigenvalue {ev[0]:.3g})")
    if num_pre + num_post != n:
        raise ValueError(f"num_pre + num_post ({num_pre} + {num_post}) must equal the length of betahat ({n})")
    if num_post < 1:
        raise PanelDataError("no post-period coefficient: there is no effect to bound")
    if num_pre < 1:
        raise PanelDataError("no pre-period coefficient: the pre-trends that calibrate the restriction are "
                             "missing (the event study needs at least one period before the reference "
                             "period)")
    if l_vec is None:
        l_vec = np.r_[1.0, np.zeros(num_post - 1)]
    l_vec = np.asarray(l_vec, dtype=float).ravel()
    if len(l_vec) != num_post or not np.any(l_vec != 0):
        raise ValueError(f"l_vec must have one weight per post period ({num_post}), not all zero")
    return betahat, sigma, l_vec


# ---------------------------------------------------------------------------------------------
# main entry
# ---------------------------------------------------------------------------------------------
def honest_did(
    result=None,
    *,
    betahat: Sequence[float] | None = None,
    sigma=None,
    num_pre: int | None = None,
    num_post: int | None = None,
    restriction: str = "relative_magnitude",
    M: Sequence[float] | float | None = None,
    l_vec: Sequence[float] | None = None,
    alpha: float = 0.05,
    grid_points: int = 1000,
    grid_bounds: tuple[float, float] | None = None,
    breakdown: str = "grid",
    seed: int = 0,
    exact_quantile: bool = False,
) -> HonestDiDResult:
    """Confidence intervals robust to bounded violations of parallel trends (Rambachan-Roth).

    Parameters
    ----------
    result : AggregateResult, SunAbrahamResult or EventStudyLike, optional
        An event study: ``att_gt(..., base_period="universal").aggregate("event")``,
        ``sun_abraham(...)`` or any object with ``event_times``, ``estimates``, ``vcov`` and
        ``reference_period`` (:class:`EventStudyLike`; the package has no dynamic TWFE event
        study of its own). Event times must be consecutive; the reference period is dropped.
    betahat, sigma, num_pre, num_post : optional
        Instead of ``result``: coefficients (pre-periods first, reference period dropped), their
        covariance, and the numbers of pre- and post-period coefficients (as R HonestDiD).
    restriction : {"relative_magnitude", "smoothness"}
        ``Delta^RM(Mbar)`` with the C-LF interval, or ``Delta^SD(M)`` with the FLCI.
    M : float or sequence of float, optional
        Grid of ``Mbar`` (relative magnitudes; default 10 values on [0, 2], R's) or ``M``
        (smoothness; default 10 values from 0 to an upper bound on the pre-period second
        differences, R's).
    l_vec : sequence of float, optional
        Weights of the post-period effects in ``theta = l' tau_post``; default the first post
        period. The average over post periods: ``np.full(num_post, 1 / num_post)``.
    alpha : float, default 0.05
    grid_points : int, default 1000
        Values of ``theta`` tested (C-LF only; R's default).
    grid_bounds : (float, float), optional
        Range of ``theta`` tested (C-LF only). Default: centred at ``l' betahat_post``, half-width
        ``Mbar * sum_t t |l_t| * max |pre-period first difference| + 20`` standard errors (the
        grid of HonestDiD's Stata package and of the R version behind the R README; the R
        package's master branch still uses +-20 standard errors around 0). The interval is the
        smallest and largest accepted value, so its precision is the grid step.
    breakdown : {"grid", "bisection"}
        How the breakdown value is found: the largest grid value whose interval excludes zero,
        or that refined by bisection between it and the next grid value (20 steps).
    seed : int, default 0
        Seed of the simulations R HonestDiD uses: the 1000 draws behind the least-favourable
        critical value (C-LF) and the 10^6 behind the folded-normal quantile (FLCI). R's
        generator is reproduced, so ``seed=0`` gives R HonestDiD's values.
    exact_quantile : bool, default False
        FLCI only: use the exact folded-normal quantile instead of R's simulated one (as
        diff-diff does); the half-length moves by about 0.1%.

    Returns
    -------
    HonestDiDResult
        ``.table`` (restriction, M, conf_low, conf_high, method), ``.original``, ``.breakdown``,
        ``.tidy()``, ``.summary()``, ``.plot()``, ``.to_dict()``.

    Raises
    ------
    PanelDataError
        The event study has no pre-period or no post-period coefficient.
    ValueError
        Bad arguments: ``sigma`` not square, symmetric and positive semi-definite of the size of
        ``betahat``, ``num_pre + num_post`` not its length, event times not consecutive, an
        ``att_gt`` event study without ``base_period="universal"``, ``M < 0``.

    Notes
    -----
    Intervals use the normal distribution, as R HonestDiD, also for ``sun_abraham`` results
    (whose own intervals use Student t with clusters - 1 degrees of freedom). For ``att_gt`` the
    covariance is the analytic influence-function one (cluster-robust when ``att_gt`` was
    clustered), even when the event study's standard errors were bootstrapped.

    With few clusters the covariance is itself imprecise and the intervals inherit that; the
    breakdown value says how large a violation the conclusion survives, not how likely it is.

    References
    ----------
    Rambachan, A. and Roth, J. (2023). A More Credible Approach to Parallel Trends. Review of
    Economic Studies 90(5), 2555-2591. Andrews, I., Roth, J. and Pakes, A. (2023). Inference for
    Linear Conditional Moment Inequalities. Review of Economic Studies 90(6), 2763-2791.
    Armstrong, T. and Kolesar, M. (2018). Optimal Inference in a Class of Regression Models.
    Econometrica 86(2), 655-683.
    """
    if restriction not in _RESTRICTIONS:
        raise ValueError(f"restriction must be one of {tuple(_RESTRICTIONS)}, got {restriction!r}")
    if breakdown not in ("grid", "bisection"):
        raise ValueError(f"breakdown must be 'grid' or 'bisection', got {breakdown!r}")
    alpha = validate_alpha(alpha)
    if not isinstance(grid_points, (int, np.integer)) or grid_points < 2:
        raise ValueError(f"grid_points must be an integer >= 2, got {grid_points!r}")
    n_obs = n_units = None
    event_times = None
    if result is not None:
        if any(v is not None for v in (betahat, sigma, num_pre, num_post)):
            raise ValueError("pass either result or betahat/sigma/num_pre/num_post, not both")
        e, est, V, ref, n_obs, n_units = _from_result(result)
        order = np.argsort(e)
        e, est, V = e[order], est[order], V[np.ix_(order, order)]
        full = np.r_[e, ref]
        if np.any(np.diff(np.sort(full)) != 1):
            raise ValueError(f"event times must be consecutive around the reference period {ref:g}; got "
                             f"{e.tolist()} (restrict the event window so that no period is missing)")
        num_pre, num_post = int((e < ref).sum()), int((e > ref).sum())
        betahat, sigma, event_times = est, V, e
    elif betahat is None or sigma is None or num_pre is None or num_post is None:
        raise ValueError("pass an event-study result, or all of betahat, sigma, num_pre and num_post")
    num_pre, num_post = int(num_pre), int(num_post)
    betahat, sigma, l_vec = _check_arrays(betahat, sigma, num_pre, num_post, l_vec)

    if M is None:
        grid = (np.linspace(0.0, 2.0, 10) if restriction == "relative_magnitude"
                else _sd_default_grid(betahat, sigma, num_pre))
    else:
        grid = np.atleast_1d(np.asarray(M, dtype=float))
    if np.any(~np.isfinite(grid)) or np.any(grid < 0):
        raise ValueError(f"M must be non-negative and finite, got {grid.tolist()}")

    # Original interval (parallel trends): l' betahat_post +- z sd.
    z = float(stats.norm.ppf(1 - alpha / 2))
    est0 = float(l_vec @ betahat[num_pre:])
    sd0 = math.sqrt(float(l_vec @ sigma[num_pre:, num_pre:] @ l_vec))
    stat0 = est0 / sd0 if sd0 > 0 else np.nan
    original = pd.DataFrame({"term": ["theta"], "estimate": [est0], "std_error": [sd0], "statistic": [stat0],
                             "pvalue": [2 * stats.norm.sf(abs(stat0))], "conf_low": [est0 - z * sd0],
                             "conf_high": [est0 + z * sd0]})

    notes: set[str] = set()
    if restriction == "relative_magnitude":
        # Default grid as HonestDiD's Stata package and R HonestDiD since 888de5e (the version
        # behind its README's printed numbers): centred at l' betahat_post, half-width 20
        # standard errors plus the largest bias Delta^RM(Mbar) allows at the observed pre-trend.
        diffs = np.abs(np.diff(np.r_[betahat[:num_pre], 0.0]))
        maxpre = float(diffs.max()) if num_pre > 1 else abs(float(betahat[0]))
        steps = float(np.arange(1, num_post + 1) @ np.abs(l_vec))

        def interval(m: float) -> tuple[float, float]:
            if grid_bounds is None:
                half = m * steps * maxpre + 20 * sd0
                lb, ub = est0 - half, est0 + half
            else:
                lb, ub = grid_bounds
            theta_grid = np.linspace(float(lb), float(ub), int(grid_points))
            acc = _rm_interval(betahat, sigma, num_pre, num_post, l_vec, m, alpha, theta_grid, seed)
            if not acc.any():
                notes.add("empty_set")
                return np.nan, np.nan
            if acc[0] or acc[-1]:
                notes.add("grid_open")
            return float(theta_grid[acc].min()), float(theta_grid[acc].max())
    else:
        def interval(m: float) -> tuple[float, float]:
            est, hl, _ = _flci(betahat, sigma, num_pre, num_post, l_vec, m, alpha, seed, exact_quantile)
            return est - hl, est + hl

    bounds = [interval(float(m)) for m in grid]
    table = pd.DataFrame({"restriction": _RESTRICTIONS[restriction], "M": grid,
                          "conf_low": [b[0] for b in bounds], "conf_high": [b[1] for b in bounds],
                          "method": _METHODS[restriction]})
    bd = _breakdown(grid, bounds, original, interval, breakdown, notes)

    call = dict(restriction=restriction, M=grid.tolist(), l_vec=l_vec.tolist(), alpha=alpha,
                grid_points=int(grid_points), grid_bounds=None if grid_bounds is None else list(grid_bounds),
                breakdown=breakdown, seed=int(seed), exact_quantile=bool(exact_quantile),
                num_pre=num_pre, num_post=num_post,
                source=None if result is None else type(result).__name__,
                source_call=None if result is None or not hasattr(result, "call") else dict(result.call))
    return HonestDiDResult(
        method="honest_did", call=call, n_obs=n_obs, n_units=n_units, restriction=restriction,
        ci_method=_METHODS[restriction], alpha=alpha, table_=table, original_=original,
        breakdown=bd, breakdown_method=breakdown, l_vec=_readonly(l_vec), betahat=_readonly(betahat),
        sigma=_readonly(sigma), num_pre=num_pre, num_post=num_post,
        event_times=None if event_times is None else _readonly(event_times), notes=tuple(sorted(notes)),
    )


def _excludes_zero(b: tuple[float, float]) -> bool:
    lo, hi = b
    return bool(np.isfinite(lo) and (lo > 0 or hi < 0))


def _breakdown(grid, bounds, original, interval, how, notes) -> float | None:
    """Largest M whose interval, and those of all smaller grid values, exclude zero."""
    if not _excludes_zero((float(original["conf_low"].iloc[0]), float(original["conf_high"].iloc[0]))):
        return None
    order = np.argsort(grid)
    last = None
    for i in order:
        if not _excludes_zero(bounds[i]):
            break
        last = i
    if last is None:
        notes.add("breakdown_below_grid")
        return None
    if last == order[-1]:
        notes.add("breakdown_above_grid")
        return float(grid[last])
    if how == "grid":
        return float(grid[last])
    lo = float(grid[last])
    hi = float(grid[order[list(order).index(last) + 1]])
    for _ in range(20):
        mid = (lo + hi) / 2
        if _excludes_zero(interval(mid)):
            lo = mid
        else:
            hi = mid
    return lo
