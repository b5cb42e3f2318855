"""Shared fixtures for the DiD tests: the mpdta reference panel and a staggered-panel simulator.

``simulate_staggered_panel`` is a plain function (also used by ``benchmarks/bench_att_gt.py``)
that plants known group-time effects, so estimators can be checked against the truth.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import INSTALL_TEST_EXTRAS, require


def mpdta_path() -> Path | None:
    """Location of mpdta shipped by the ``moderndid`` package, or None if it is not installed."""
    spec = importlib.util.find_spec("moderndid")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "core" / "datasets" / "mpdta_long.pkl.gz"
    return path if path.exists() else None


@pytest.fixture(scope="session")
def mpdta() -> pd.DataFrame:
    """mpdta (500 US counties, 2003-2007): year, countyreal, lpop, lemp, first.treat, treat."""
    path = mpdta_path()
    require(path is not None, "mpdta, the reference panel of R did's published numbers (shipped by "
            "the Python package 'moderndid' as core/datasets/mpdta_long.pkl.gz)",
            f"pip install moderndid; {INSTALL_TEST_EXTRAS}")
    return pd.read_pickle(path)


def true_att(cohort: float, time: float, effect: float = 1.0, slope: float = 0.5,
             cohort_effect: float = 0.0, first_cohort: float = 0.0) -> float:
    """Planted ATT(g, t) of :func:`simulate_staggered_panel`: 0 before ``g``, then
    ``effect + slope * (t - g) + cohort_effect * (g - first_cohort)``."""
    if cohort == 0 or time < cohort:
        return 0.0
    return effect + slope * (time - cohort) + cohort_effect * (cohort - first_cohort)


def simulate_staggered_panel(
    n_units: int = 200,
    n_periods: int = 10,
    cohorts=None,
    never_share: float = 0.3,
    effect: float = 1.0,
    slope: float = 0.5,
    cohort_effect: float = 0.0,
    noise: float = 1.0,
    n_clusters: int | None = None,
    covariate_trend: float = 0.0,
    missing_share: float = 0.0,
    seed: int = 0,
    start: int = 1,
) -> pd.DataFrame:
    """Balanced (or, with ``missing_share``, unbalanced) staggered-adoption panel with known effects.

    Parameters
    ----------
    n_units, n_periods : int
        Panel size; periods are ``start, start + 1, ...``.
    cohorts : sequence of int, optional
        Adoption periods; default four cohorts spread over the second to the last third of
        the panel. Treated units are spread evenly over them.
    never_share : float
        Share of never-treated units (cohort 0).
    effect, slope, cohort_effect : float
        The effect at event time ``e >= 0`` is ``effect + slope * e + cohort_effect * (g -
        first cohort)`` (see :func:`true_att`); zero before adoption (parallel trends hold).
    noise : float
        Standard deviation of the idiosyncratic error.
    n_clusters : int, optional
        Adds a ``cluster`` column (units assigned round robin) with a cluster-level shock per
        period, so that errors are correlated within clusters.
    covariate_trend : float
        A time-invariant covariate ``x`` (higher among treated units) shifts each unit's trend
        by ``covariate_trend * x * t``: unconditional parallel trends then fail while parallel
        trends conditional on ``x`` hold.
    missing_share : float
        Share of unit-period rows removed at random (unbalanced panel).
    seed : int

    Returns
    -------
    DataFrame
        Columns unit, time, cohort, y, x, (cluster); ``attrs`` holds the planted parameters.
    """
    rng = np.random.default_rng(seed)
    periods = np.arange(start, start + n_periods)
    if cohorts is None:
        lo, hi = start + max(1, n_periods // 3), start + n_periods - 1
        cohorts = np.unique(np.linspace(lo, hi, 4).round().astype(int))
    cohorts = np.asarray(cohorts, dtype=int)
    n_never = int(round(n_units * never_share))
    g = np.concatenate([np.zeros(n_never, int), cohorts[np.arange(n_units - n_never) % len(cohorts)]])
    rng.shuffle(g)
    x = rng.normal(size=n_units) + 0.8 * (g > 0)
    alpha_i = rng.normal(size=n_units) + 0.5 * (g > 0)  # level differences are allowed
    lam_t = 0.3 * np.sin(periods / 2.0) + 0.05 * periods
    uu, tt = np.meshgrid(np.arange(n_units), periods, indexing="ij")
    uu, tt = uu.ravel(), tt.ravel()
    gg = g[uu]
    e = tt - gg
    treated = (gg > 0) & (e >= 0)
    tau = np.where(treated, effect + slope * e + cohort_effect * (gg - cohorts.min()), 0.0)
    y = alpha_i[uu] + lam_t[tt - start] + covariate_trend * x[uu] * (tt - start) + tau
    y = y + noise * rng.normal(size=len(y))
    df = pd.DataFrame({"unit": uu, "time": tt, "cohort": gg, "y": y, "x": x[uu]})
    if n_clusters:
        cl = np.arange(n_units) % n_clusters
        shock = rng.normal(scale=0.5 * noise, size=(n_clusters, n_periods))
        df["y"] = df["y"] + shock[cl[uu], tt - start]
        df["cluster"] = cl[uu]
    if missing_share > 0:
        df = df.loc[rng.random(len(df)) >= missing_share].reset_index(drop=True)
    df.attrs.update(dict(effect=effect, slope=slope, cohort_effect=cohort_effect,
                         first_cohort=int(cohorts.min()), cohorts=cohorts.tolist()))
    return df


@pytest.fixture
def staggered_panel():
    """A simulated staggered panel factory: ``staggered_panel(**kwargs)``; see simulate_staggered_panel."""
    return simulate_staggered_panel
