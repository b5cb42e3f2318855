"""Simulated power and minimum detectable effect (MDE) of randomization inference for a planned design.

Closed forms do not hold for staggered adoption with few units, so power is simulated: draw
noise panels like the observed one, plant a constant additive effect on the planned design's
treated cells, run the randomization test of :mod:`.randinf` on each, and count rejections.

Noise model (estimated from the observed panel)
    Unit and period effects are removed by a two-way fixed-effects fit on the untreated cells
    only (the observed ``cohort``'s treated cells are left out, as in an imputation estimator,
    so the observed effect does not leak into the noise). Residuals are divided by
    ``sqrt(1 - h)``, ``h = 1/n_u + 1/m_t - 1/n`` (a unit's cells, a period's cells, all cells:
    the exact leverage in a balanced panel, an approximation otherwise), so that their mean
    square estimates the error variance instead of understating it by the fitted effects'
    degrees of freedom. Each simulated unit's noise path is a **circular block bootstrap of that
    unit's own residual series** (blocks of consecutive months with uniformly random starts,
    wrapping around the end). Consecutive residuals inside a block keep their order, so the
    within-unit autocorrelation is kept up to lags of about the block length (lag ``k`` keeps
    the share ``1 - k/b`` of its correlation), and each unit keeps its own variance. Circular
    rather than moving blocks so every residual is drawn equally often (the bootstrap mean
    stays zero); blocks rather than whole residual paths because a treated unit's untreated
    residuals are a prefix shorter than the panel, and because the planned panel may have more
    periods than the observed one. The block length is ``block_length`` or, by default, the
    Politis-White (2004) rule for the circular block bootstrap with an AR(1) plug-in
    (Patton, Politis and White 2009): ``b = (6 rho^2 / (1 - rho^2)^2)^(1/3) T^(1/3)``, rounded,
    at least 1, where ``rho`` is the pooled lag-1 autocorrelation of the residuals and ``T``
    the planned panel's length (1, an iid residual bootstrap, when the residuals are
    uncorrelated). Not kept: correlation between units beyond the common period effects
    (units are resampled independently), and the uncertainty of the noise model itself (the
    Monte Carlo standard errors are conditional on the observed panel).

Design
    Either an explicit mapping unit -> adoption period (fixed across replications: power
    conditional on which units rotate), or ``units_per_wave`` units per wave for ``n_waves``
    waves at ``first_wave + k * spacing``, assigned to units at random in every replication
    (the randomization the test assumes). Units not treated in the design are never treated.

Inference in each replication
    The test of :func:`.randinf.randomization_inference`: ``n_perm`` random permutations of the
    replication's adoption dates (all distinct assignments when there are at most ``n_perm``),
    p-value ``(1 + #{|s_p| >= |s_obs|}) / (1 + n_perm)``, rejection when ``p <= alpha``;
    statistic ``att_simple`` when the design has never-treated units, else ``twfe``.
    Vectorised: both statistics are linear in the outcome and weigh the units of one cohort
    alike, so with cohort weight vectors ``V`` (:func:`.randinf._cohort_weights`) the statistic
    of assignment ``b`` is ``sum_u (Y_u @ V[b_u])``: one ``(units x T) @ (T x cohorts)`` product
    per replication, then a gather per permutation. With a constant effect ``tau``,
    ``s_p(Y + tau D) = s_p(Y) + tau s_p(D)``, so one pass gives the test at every effect.

Power curve and MDE
    Power at each effect is the share of rejecting replications (Monte Carlo standard error
    ``sqrt(p (1 - p) / n_sim)``). The MDE is the smallest effect (in the direction of
    ``effects``) where the power curve, evaluated exactly on a fine grid with the same
    replications, reaches the target, located by linear interpolation between the grid points
    around the first crossing. Its Monte Carlo standard error comes from a bootstrap over the
    replications (500 resamples of the replications' rejection indicators, the MDE recomputed
    on each; standard deviation), which needs no estimate of the curve's slope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ._panel import PanelDataError, draw_seed, prepare_panel, require_balanced, validate_alpha
from ._results import DiDResult, _readonly, json_safe
from .randinf import _STATISTICS, _cohort_weights, _distinct_permutations, _n_distinct

__all__ = ["power", "PowerResult"]

_N_GRID = 241  # points of the power curve on [0, end]
_N_BOOT = 500  # resamples of the replications for the MDE's Monte Carlo SE
_BLOCK = 4_000_000  # array elements per vectorised block (bounds memory)


# ---------------------------------------------------------------------------------------------
# noise model
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _NoiseModel:
    resid: np.ndarray  # units x max length: each unit's corrected residual series, 0-padded
    length: np.ndarray  # units: length of each unit's series (its usable untreated prefix)
    block: np.ndarray  # units: block length used for the unit (block_length capped at length)
    block_length: int
    sigma: float
    rho: float


def _two_way_residuals(Y: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Residuals of unit + period effects fitted on the cells ``use`` (alternating projections)."""
    W = use.astype(float)
    Yz = np.where(use, Y, 0.0)
    n_u, m_t = W.sum(1), np.maximum(W.sum(0), 1.0)
    a, lam = np.zeros(Y.shape[0]), np.zeros(Y.shape[1])
    tol = 1e-13 * (1.0 + np.abs(Yz).max())
    for _ in range(100_000):
        a_new = ((Yz - lam) * W).sum(1) / n_u
        lam_new = ((Yz - a_new[:, None]) * W).sum(0) / m_t
        step = max(np.abs(a_new - a).max(), np.abs(lam_new - lam).max())
        a, lam = a_new, lam_new
        if step <= tol:
            break
    return (Yz - a[:, None] - lam[None, :]) * W


def _noise_model(Y: np.ndarray, untreated: np.ndarray, n_periods: int, block_length, units) -> _NoiseModel:
    m_t = untreated.sum(0)
    use = untreated & (m_t >= 2)[None, :]  # a period with one untreated unit has no residual
    L = use.sum(1)
    short = np.flatnonzero(L < 2)
    if len(short):
        ex = ", ".join(repr(u.item() if hasattr(u, "item") else u) for u in np.asarray(units)[short][:5])
        raise PanelDataError(
            f"{len(short)} unit(s) have fewer than 2 untreated periods shared with another untreated unit "
            f"(e.g. {ex}): their noise cannot be estimated; drop them from the data")
    R = _two_way_residuals(Y, use)
    n = use.sum()
    h = 1.0 / L[:, None] + 1.0 / np.maximum(m_t, 1)[None, :] - 1.0 / n
    R = np.where(use, R / np.sqrt(np.clip(1.0 - h, 1e-12, None)), 0.0)
    ss = float((R**2).sum())
    if not ss > 1e-24 * max(1.0, float(np.abs(Y).max()) ** 2) * n:
        raise PanelDataError("the outcome has no variation left after removing unit and period effects: "
                             "there is no noise to simulate (check the outcome column)")
    sigma = math.sqrt(ss / n)
    both = use[:, 1:] & use[:, :-1]
    rho = float((R[:, 1:] * R[:, :-1] * both).sum() / ss)
    if block_length == "auto":
        r = min(abs(rho), 0.99)
        b = max(1, int(round((6 * r**2 / (1 - r**2) ** 2) ** (1 / 3) * n_periods ** (1 / 3))))
    else:
        b = int(block_length)
    Lmax = int(L.max())
    resid = np.zeros((len(L), Lmax))
    for u in range(len(L)):  # usable cells are a prefix of each unit's periods
        resid[u, :L[u]] = R[u, :L[u]]
    return _NoiseModel(resid=resid, length=L, block=np.minimum(b, L), block_length=b, sigma=sigma, rho=rho)


def _draw_noise(model: _NoiseModel, rng: np.random.Generator, n: int, T: int) -> np.ndarray:
    """``n`` noise panels (n x units x T): a circular block bootstrap of each unit's residuals."""
    U, Lmax = model.resid.shape
    b, L = model.block, model.length
    j = np.arange(T)
    q, off = j[None, :] // b[:, None], j[None, :] % b[:, None]  # block number and offset in block
    starts = rng.integers(0, L[None, :, None], size=(n, U, int(-(-T // b.min()))))
    idx = (np.take_along_axis(starts, np.broadcast_to(q, (n, U, T)), axis=2) + off) % L[None, :, None]
    return model.resid.ravel()[np.arange(U)[None, :, None] * Lmax + idx]


# ---------------------------------------------------------------------------------------------
# design and the statistics of every replication
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Design:
    gpos: np.ndarray  # units: adoption position in the planned periods (T = never); base order
    random: bool  # assigned at random to units in each replication
    classes: np.ndarray  # K distinct positions
    cls: np.ndarray  # units: index into classes


def _simulate(model: _NoiseModel, design: _Design, T: int, statistic: str, n_sim: int, n_perm: int,
              seed: int):
    """Yield, per block of replications, ``(E, B, Sy, Sd)``: noise panels, assignments (observed
    first, as class indices), and the statistic of the noise and of the replication's treatment
    matrix under every assignment. Deterministic given ``seed``."""
    ss_noise, ss_assign = np.random.SeedSequence(seed).spawn(2)
    rng_noise, rng_assign = np.random.default_rng(ss_noise), np.random.default_rng(ss_assign)
    classes, V = _cohort_weights(design.gpos, T, statistic)
    K, U = len(classes), len(design.gpos)
    # C[c, k]: statistic weight V[k] summed over the treated periods of class c (= D-row @ V[k]).
    C = np.array([[V[k, c:].sum() if c < T else 0.0 for k in range(K)] for c in classes])
    total = _n_distinct(design.cls)
    enum = None
    if total <= n_perm:
        enum = np.array(list(_distinct_permutations(design.cls)))
        base = int(np.flatnonzero((enum == design.cls).all(1))[0])
        m = len(enum)
    else:
        m = n_perm + 1
    per = max(1, _BLOCK // (m * U + U * T))
    done = 0
    while done < n_sim:
        n = min(per, n_sim - done)
        E = _draw_noise(model, rng_noise, n, T)
        Qy = E @ V.T  # n x U x K
        if enum is None:
            B = np.tile(design.cls, (n * m, 1))
            rng_assign.permuted(B, axis=1, out=B)
            B = B.reshape(n, m, U)
            if not design.random:
                B[:, 0, :] = design.cls
        else:
            obs = rng_assign.integers(0, m, size=n) if design.random else np.full(n, base)
            B = np.broadcast_to(enum, (n, m, U)).copy()
            B[np.arange(n), obs, :] = enum[0]  # the observed assignment moves to the front
            B[:, 0, :] = enum[obs]
        idx = (np.arange(U) * K + B).reshape(n, m * U)  # (unit, assigned class) cells of Qy
        Sy = np.take_along_axis(Qy.reshape(n, U * K), idx, axis=1).reshape(n, m, U).sum(2)
        Sd = C.ravel()[B[:, :1, :] * K + B].sum(2)
        yield E, B, Sy, Sd
        done += n


def _reject(Sy: np.ndarray, Sd: np.ndarray, taus: np.ndarray, alpha: float) -> np.ndarray:
    """Rejections (replications x effects) of the randomization test at each constant effect."""
    n, m = Sy.shape
    out = np.empty((n, len(taus)), dtype=bool)
    per = max(1, _BLOCK // (m * len(taus)))
    for i in range(0, n, per):
        s = np.abs(Sy[i:i + per, :, None] + taus[None, None, :] * Sd[i:i + per, :, None])
        p = np.mean(s >= s[:, :1, :] * (1 - 1e-10) - 1e-12, axis=1)  # randinf's p-value
        out[i:i + per] = p <= alpha
    return out


def _crossing(taus: np.ndarray, curve: np.ndarray, target: float) -> float:
    """First effect where ``curve`` reaches ``target`` (linear interpolation); inf if never."""
    hit = np.flatnonzero(curve >= target)
    if len(hit) == 0:
        return math.inf
    j = int(hit[0])
    if j == 0:
        return float(taus[0])
    c0, c1 = curve[j - 1], curve[j]
    return float(taus[j - 1] + (target - c0) / (c1 - c0) * (taus[j] - taus[j - 1]))


# ---------------------------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PowerResult(DiDResult):
    """Simulated power of randomization inference for a planned design.

    Attributes
    ----------
    term : str
        Statistic of the test: "att_simple" or "twfe".
    alpha : float
        Level of the test.
    target_power : float
        The call's ``power``: the power at which the MDE is read.
    mde : float
        Minimum detectable effect: the effect (same sign as ``effects``) at which the simulated
        power reaches ``target_power``; ``inf`` when it never does.
    mde_se : float
        Monte Carlo standard error of ``mde`` (bootstrap over the replications).
    n_sim : int
        Monte Carlo replications.
    n_perm : int
        Assignments per replication besides the observed one (all distinct ones minus one when
        ``enumerated``).
    enumerated : bool
        Every distinct assignment used in each replication.
    seed : int
        Seed of the simulation (drawn from fresh entropy when the call gave none).
    sigma, rho : float
        Noise model: residual standard deviation and pooled lag-1 autocorrelation.
    block_length : int
        Block length of the circular block bootstrap.
    table_ : DataFrame
        ``effect, power, mc_se`` at the requested effects.
    grid, curve : ndarray
        The power curve on a fine grid of effects (read-only).
    """

    term: str = "att_simple"
    alpha: float = 0.05
    target_power: float = 0.8
    mde: float = float("nan")
    mde_se: float = float("nan")
    n_sim: int = 0
    n_perm: int = 0
    enumerated: bool = False
    seed: int | None = None
    sigma: float = float("nan")
    rho: float = float("nan")
    block_length: int = 1
    table_: pd.DataFrame | None = field(default=None, repr=False)
    grid: np.ndarray = field(default=None, repr=False)
    curve: np.ndarray = field(default=None, repr=False)

    def _title(self) -> str:
        how = "all assignments" if self.enumerated else f"{self.n_perm} random permutations"
        return (f"Simulated power of randomization inference ({self.term}, adoption dates permuted, {how}, "
                f"{self.n_sim} replications)")

    def tidy(self) -> pd.DataFrame:
        """``effect, power, mc_se`` at the requested effects."""
        return self.table_.copy()

    def summary(self, fmt: str = "text") -> str:
        head = super().summary(fmt)
        line = (f"mde: {self.mde:.6g} (mc_se {self.mde_se:.2g}) at power {self.target_power:g}, "
                f"alpha {self.alpha:g}; noise sigma {self.sigma:.4g}, rho {self.rho:.3f}, "
                f"block_length {self.block_length}")
        if fmt == "html":
            import html

            return head.replace("</div>", f"<p>{html.escape(line)}</p></div>")
        return head + "\n" + line

    def plot(self, ax=None, labels=None):
        """Power curve with the requested effects (+-2 Monte Carlo SE), the target and the MDE.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            Legend texts, each drawn only when given: ``"power"`` (the curve), ``"mde"`` (the
            minimum detectable effect), ``"target"`` (the dashed target power) and ``"alpha"``
            (the dotted test level). Axis labels are the column names ``effect`` and ``power``.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        from .plots import plot_labels

        labels = plot_labels(labels, ("power", "mde", "target", "alpha"), "PowerResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        ax.plot(self.grid, self.curve, color="C0", label=labels.get("power"))
        t = self.table_
        ax.errorbar(t["effect"], t["power"], yerr=2 * t["mc_se"], fmt="o", color="C0", capsize=3)
        ax.axhline(self.target_power, color="grey", ls="--", lw=1, label=labels.get("target"))
        ax.axhline(self.alpha, color="grey", ls=":", lw=1, label=labels.get("alpha"))
        if math.isfinite(self.mde):
            ax.axvline(self.mde, color="C3", lw=1, label=labels.get("mde"))
        ax.set_xlabel("effect")
        ax.set_ylabel("power")
        ax.set_ylim(0, 1.02)
        if labels:
            ax.legend()
        return ax

    def to_dict(self) -> dict:
        d = super().to_dict()
        d.update(json_safe({
            "term": self.term, "alpha": self.alpha, "target_power": self.target_power, "mde": self.mde,
            "mde_se": self.mde_se, "n_sim": self.n_sim, "n_perm": self.n_perm, "enumerated": self.enumerated,
            "seed": self.seed, "sigma": self.sigma, "rho": self.rho, "block_length": self.block_length}))
        return d


# ---------------------------------------------------------------------------------------------
# the function
# ---------------------------------------------------------------------------------------------
def _positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}, got {value!r}")
    return int(value)


def _design(design, units_per_wave, n_waves, first_wave, spacing, units: np.ndarray,
            periods: np.ndarray) -> _Design:
    T = len(periods)

    def position(value, what: str) -> int:
        if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)) or value == 0:
            return T
        if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool):
            raise ValueError(f"{what}: adoption period must be a number (a planned period), got {value!r}")
        k = int(np.searchsorted(periods, value))
        if k >= T or periods[k] != value:
            raise ValueError(f"{what}: adoption period {value!r} is not one of the planned periods "
                             f"({periods[0]:g} to {periods[-1]:g}, {T} periods); pass periods= to plan others")
        if k == 0:
            raise ValueError(f"{what}: adoption at the first planned period {value!r} leaves no pre-period")
        return k

    if (design is None) == (units_per_wave is None):
        raise ValueError("give the planned design either as design={unit: adoption period} or as "
                         "units_per_wave= (with n_waves, first_wave, spacing), not both")
    if design is not None:
        if isinstance(design, pd.Series):
            design = design.to_dict()
        if not isinstance(design, Mapping):
            raise ValueError(f"design must be a mapping unit -> adoption period, got {type(design).__name__}")
        known = {(u.item() if hasattr(u, "item") else u): i for i, u in enumerate(units)}
        unknown = [k for k in design if k not in known]
        if unknown:
            raise ValueError(f"design names {len(unknown)} unit(s) not in the data, e.g. {unknown[:5]!r}")
        gpos = np.full(len(units), T)
        for k, v in design.items():
            gpos[known[k]] = position(v, f"design[{k!r}]")
        random = False
    else:
        if n_waves is None:
            n_waves = len(units_per_wave) if isinstance(units_per_wave, Sequence) else 1
        n_waves = _positive_int(n_waves, "n_waves")
        if isinstance(units_per_wave, Sequence) and not isinstance(units_per_wave, str):
            sizes = [_positive_int(s, "units_per_wave") for s in units_per_wave]
            if len(sizes) != n_waves:
                raise ValueError(f"units_per_wave has {len(sizes)} entries but n_waves={n_waves}")
        else:
            sizes = [_positive_int(units_per_wave, "units_per_wave")] * n_waves
        if first_wave is None or isinstance(first_wave, bool) or not isinstance(
                first_wave, (int, float, np.integer, np.floating)):
            raise ValueError(f"first_wave (the planned period of the first wave, a number) is required with "
                             f"units_per_wave, got {first_wave!r}")
        if n_waves > 1 and (spacing is None or not isinstance(spacing, (int, float, np.integer, np.floating))
                            or isinstance(spacing, bool) or not spacing > 0):
            raise ValueError(f"spacing must be a positive number of periods between waves, got {spacing!r}")
        waves = [position(first_wave + k * (spacing or 0), f"wave {k + 1}") for k in range(n_waves)]
        if sum(sizes) > len(units):
            raise PanelDataError(f"the design treats {sum(sizes)} units but the data have {len(units)}")
        gpos = np.array(sum(([w] * s for w, s in zip(waves, sizes)), []) + [T] * (len(units) - sum(sizes)))
        random = True
    if not (gpos < T).any():
        raise ValueError("the planned design treats no unit")
    classes, cls = np.unique(gpos, return_inverse=True)
    return _Design(gpos=gpos, random=random, classes=classes, cls=cls.astype(np.int64))


def power(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str | None = None,
    *,
    design: Mapping | pd.Series | None = None,
    units_per_wave: int | Sequence[int] | None = None,
    n_waves: int | None = None,
    first_wave: float | None = None,
    spacing: float | None = None,
    periods: Sequence[float] | None = None,
    effects: Sequence[float] | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    n_sim: int = 500,
    n_perm: int = 999,
    seed: int | None = None,
    statistic: str = "auto",
    block_length: int | str = "auto",
    dropna: bool = False,
) -> PowerResult:
    """Simulated power curve and MDE of randomization inference for a planned adoption design.

    Parameters
    ----------
    data : DataFrame
        Observed balanced long panel of the outcome (its noise is resampled; see the module
        docstring).
    outcome, unit, time : str
        Column names.
    cohort : str, optional
        Observed first treated period (0 or missing = never): treated cells are left out of the
        noise model. Without it every cell counts as untreated.
    design : mapping, optional
        Planned adoption period per unit (0 or None = never; units not named are never
        treated); the same assignment in every replication.
    units_per_wave, n_waves, first_wave, spacing : optional
        Instead of ``design``: waves at ``first_wave + k * spacing`` (k < ``n_waves``) with
        ``units_per_wave`` units each (an int, or one int per wave), drawn at random in every
        replication; the other units are never treated.
    periods : sequence of numbers, optional
        Periods of the planned panel (default: the observed ones); adoption periods are values
        of it. The noise bootstrap makes panels of any length.
    effects : sequence of numbers, optional
        Constant additive effects for the table (one sign; the MDE is read in that direction).
        Default: 0, 0.25, ..., 1.5 times the MDE.
    alpha : float, default 0.05
        Level of the test (reject when ``p <= alpha``).
    power : float, default 0.8
        Target power of the MDE.
    n_sim : int, default 500
        Monte Carlo replications.
    n_perm : int, default 999
        Permutations of the randomization test in each replication (as in
        :func:`randomization_inference`: all distinct assignments when there are at most this many).
    seed : int, optional
        Seed of the simulation.
    statistic : {"auto", "att_simple", "twfe"}
        ``auto``: ``att_simple`` when the design leaves never-treated units, else ``twfe``.
    block_length : int or "auto"
        Block length of the circular block bootstrap of residuals (1 = iid resampling).
    dropna : bool, default False
        Drop rows with missing values (the panel must stay balanced).

    Returns
    -------
    PowerResult
        ``tidy()`` (``effect, power, mc_se``), ``mde``, ``mde_se``, ``plot()``.

    Raises
    ------
    PanelDataError
        Unbalanced panel; a unit without two untreated periods; no residual variation; fewer
        units than the design treats; too few distinct assignments to reach ``alpha``.
    ValueError
        Invalid arguments (design, effects, levels, counts).
    """
    if statistic not in ("auto", *_STATISTICS):
        raise ValueError(f"statistic must be 'auto' or one of {_STATISTICS}, got {statistic!r}")
    alpha = validate_alpha(alpha)
    if isinstance(power, bool) or not isinstance(power, (int, float, np.floating)) or not alpha < power < 1:
        raise ValueError(f"power (the target) must be a number between alpha={alpha:g} and 1, got {power!r}")
    target = float(power)
    n_sim = _positive_int(n_sim, "n_sim", 2)
    n_perm = _positive_int(n_perm, "n_perm")
    if 1.0 / (n_perm + 1) > alpha:
        raise ValueError(f"n_perm={n_perm} cannot reject at alpha={alpha:g} (smallest p-value 1/(n_perm+1)); "
                         f"use at least {math.ceil(1 / alpha) - 1}")
    if not (block_length == "auto" or (isinstance(block_length, (int, np.integer))
                                       and not isinstance(block_length, bool) and block_length >= 1)):
        raise ValueError(f"block_length must be 'auto' or a positive integer, got {block_length!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    sign = 1.0
    if effects is not None:
        eff = np.asarray(effects, dtype=float).ravel()
        if eff.size == 0 or not np.isfinite(eff).all():
            raise ValueError("effects must be a non-empty sequence of finite numbers")
        if (eff > 0).any() and (eff < 0).any():
            raise ValueError("effects must share one sign (the power curve and MDE follow one direction); "
                             "call power() once per direction")
        sign = -1.0 if (eff < 0).any() else 1.0

    panel = prepare_panel(data, outcome, unit, time, cohort=cohort, dropna=dropna)
    require_balanced(panel, "power", "the noise of each unit is resampled along its months; keep only units "
                     "observed in every period (or pass dropna=True when whole periods are missing)")
    if periods is None:
        plan = np.asarray(panel.periods, dtype=float)
    else:
        plan = np.asarray(periods, dtype=float).ravel()
        if plan.size < 2 or not np.isfinite(plan).all() or not (np.diff(plan) > 0).all():
            raise ValueError("periods must be at least two increasing finite numbers")
    T = len(plan)
    des = _design(design, units_per_wave, n_waves, first_wave, spacing, panel.units, plan)
    has_never = bool((des.gpos == T).any())
    term = ("att_simple" if has_never else "twfe") if statistic == "auto" else statistic
    if term == "att_simple" and not has_never:
        raise ValueError("statistic='att_simple' needs never-treated units in the design; use 'twfe'")
    total = _n_distinct(des.gpos)
    enumerated = total <= n_perm
    if enumerated and 1.0 / total > alpha:
        raise PanelDataError(f"the design has only {total} distinct assignments of its adoption dates to the "
                             f"{panel.n_units} units: the randomization test cannot reach p <= {alpha:g}")

    Y = panel.wide()
    if cohort is not None:
        P = panel.periods
        untreated = ~((panel.unit_cohort[:, None] > 0) & (P[None, :] >= panel.unit_cohort[:, None]))
    else:
        untreated = np.ones_like(Y, dtype=bool)
    model = _noise_model(Y, untreated, T, block_length, panel.units)

    seed_used = draw_seed(seed)
    Sy, Sd = [], []
    for _, _, sy, sd in _simulate(model, des, T, term, n_sim, n_perm, seed_used):
        Sy.append(sy)
        Sd.append(sd)
    Sy, Sd = np.concatenate(Sy), np.concatenate(Sd)

    # Power curve on a grid reaching past the target (doubling the end until it gets there).
    scale = float(np.median(Sy.std(axis=1))) or model.sigma
    end = 6.0 * scale
    floor = min(1.0, target + 4 * math.sqrt(target * (1 - target) / n_sim))
    for _ in range(12):  # an end well past the target (doubled until the power gets there)
        if _reject(Sy, Sd, np.array([sign * end]), alpha).mean() >= floor:
            break
        end *= 2
    grid = sign * np.linspace(0.0, end, _N_GRID)
    rej = _reject(Sy, Sd, grid, alpha)
    curve = rej.mean(0)
    mde = sign * _crossing(np.abs(grid), curve, target)
    boot_rng = np.random.default_rng(np.random.SeedSequence(seed_used).spawn(3)[2])
    weights = boot_rng.multinomial(n_sim, np.full(n_sim, 1.0 / n_sim), size=_N_BOOT).astype(float)
    boot = np.array([_crossing(np.abs(grid), c, target) for c in (weights @ rej.astype(float)) / n_sim])
    mde_se = float(np.std(boot, ddof=1)) if math.isfinite(mde) and np.isfinite(boot).all() else float("nan")

    if effects is None:
        eff = (mde * np.array([0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5]) if math.isfinite(mde)
               else grid[np.linspace(0, _N_GRID - 1, 7).astype(int)])
    pw = _reject(Sy, Sd, eff, alpha).mean(0)
    table = pd.DataFrame({"effect": eff, "power": pw, "mc_se": np.sqrt(pw * (1 - pw) / n_sim)})

    call = dict(outcome=outcome, unit=unit, time=time, cohort=cohort,
                design=None if design is None else {str(k): v for k, v in dict(design).items()},
                units_per_wave=(list(units_per_wave) if isinstance(units_per_wave, Sequence) else units_per_wave),
                n_waves=n_waves, first_wave=first_wave, spacing=spacing,
                periods=None if periods is None else [float(p) for p in plan],
                effects=None if effects is None else [float(e) for e in np.ravel(effects)],
                alpha=alpha, power=target, n_sim=n_sim, n_perm=n_perm, seed=seed, statistic=statistic,
                block_length=block_length, dropna=dropna, n_dropped=panel.n_dropped, n_assignments=total)
    return PowerResult(
        method="power", call=call, n_obs=panel.n_obs, n_units=panel.n_units, term=term, alpha=alpha,
        target_power=target, mde=float(mde), mde_se=mde_se, n_sim=n_sim,
        n_perm=int(total - 1 if enumerated else n_perm), enumerated=enumerated, seed=seed_used,
        sigma=model.sigma, rho=model.rho, block_length=model.block_length, table_=table,
        grid=_readonly(grid), curve=_readonly(curve),
    )
