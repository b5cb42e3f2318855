"""Shared panel preparation and input validation for the DiD estimators.

Every estimator in :mod:`mutasi_analysis.did` that takes ``(data, outcome, unit, time, ...)``
calls :func:`prepare_panel` first, so that bad input fails the same way everywhere with a
message saying what is wrong, where, and what to do.

Conventions
-----------
* Cohort = the first treated period of a unit; ``0`` or missing means never treated.
* Time must be numeric (e.g. years, or months as ``year * 12 + month - 1``). Gaps between
  observed periods are allowed; estimators work on the sorted distinct periods.
* Missing values are an error unless ``dropna=True``; then the rows are dropped and the count
  is kept in :attr:`Panel.n_dropped` (estimators report it in their ``call``).
* Unbalanced panels are accepted; :attr:`Panel.balanced` says which case applies and each
  estimator documents how it handles it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from .errors import PanelDataError

__all__ = [
    "PanelDataError",
    "Panel",
    "prepare_panel",
    "check_columns",
    "check_numeric",
    "check_missing",
    "check_absorbing",
    "check_clusters",
    "cohort_from_treatment",
    "validate_alpha",
    "check_never_treated",
    "require_balanced",
    "draw_seed",
]


def _per_unit(values: np.ndarray, unit_codes: np.ndarray, n_units: int, units, what: str, rule: str) -> np.ndarray:
    """One value per unit from a row-level column that must be constant within each unit."""
    out = np.empty(n_units, dtype=values.dtype)
    out[unit_codes] = values
    varying = out[unit_codes] != values
    if varying.any():
        bad = np.unique(unit_codes[varying])
        raise PanelDataError(
            f"{what} varies within {len(bad)} unit(s) (units {_examples(np.asarray(units)[bad])}); {rule}"
        )
    return out


def _examples(values, k: int = 5) -> str:
    vals = list(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in vals[:k])
    return shown + (f", ... ({len(vals)} in all)" if len(vals) > k else "")


def check_columns(data: pd.DataFrame, columns: Sequence[str | None]) -> None:
    """Raise if ``data`` is not a DataFrame or lacks one of ``columns`` (``None`` is skipped).

    Raises
    ------
    ValueError
        Naming the missing columns and the available ones.
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if len(data) == 0:
        raise PanelDataError("data has no rows: pass a non-empty panel")
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in data.columns]
    if missing:
        raise ValueError(
            f"column(s) {missing} not found in data; available columns: {list(data.columns)}"
        )
    dup = sorted({c for c in wanted if wanted.count(c) > 1})
    if dup:
        raise ValueError(f"column(s) {dup} passed for more than one role; give each role its own column")


def check_numeric(data: pd.DataFrame, columns: Sequence[str], role: str = "column") -> None:
    """Raise a :class:`PanelDataError` if a column is not numeric (booleans count as numeric)."""
    for c in columns:
        s = data[c]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            raise PanelDataError(
                f"{role} {c!r} must be numeric, but has dtype {s.dtype}; convert it "
                f"(e.g. pd.to_numeric(data[{c!r}])) before estimating"
            )


def check_missing(data: pd.DataFrame, columns: Sequence[str], dropna: bool = False) -> tuple[pd.DataFrame, int]:
    """Find missing values in ``columns``; raise, or drop them when ``dropna`` is True.

    Returns
    -------
    (DataFrame, int)
        The data (rows with missing values removed if ``dropna``) and the number of rows dropped.

    Raises
    ------
    PanelDataError
        If values are missing and ``dropna`` is False: says how many, in which columns and on
        which rows (index labels).
    """
    if not any(data[c].hasnans for c in columns):  # fast path: no row mask on clean data
        return data, 0
    na = data[list(columns)].isna()
    bad_rows = na.any(axis=1)
    n_bad = int(bad_rows.sum())
    if n_bad == 0:
        return data, 0
    if dropna:
        return data.loc[~bad_rows], n_bad
    parts = [
        f"{c!r}: {int(na[c].sum())} (rows {_examples(data.index[na[c].to_numpy()])})"
        for c in columns
        if na[c].any()
    ]
    raise PanelDataError(
        f"{n_bad} row(s) have missing values — " + "; ".join(parts)
        + ". Fill or remove them, or pass dropna=True to drop these rows (the number dropped "
        "is reported in the result)."
    )


def check_absorbing(data: pd.DataFrame, unit: str, time: str, treatment: str) -> None:
    """Raise if a 0/1 ``treatment`` is not 0/1 or switches back from treated to untreated."""
    vals = pd.unique(data[treatment].to_numpy(dtype=float))
    if not set(np.asarray(vals).tolist()) <= {0.0, 1.0}:
        raise PanelDataError(
            f"treatment {treatment!r} must be 0/1, found values {_examples(sorted(set(vals.tolist())))}; "
            "recode it as 1 from the first treated period on and 0 before"
        )
    d = data[[unit, time, treatment]].sort_values([unit, time])
    diff = d[treatment].to_numpy(dtype=float)
    u = d[unit].to_numpy()
    same = np.r_[False, u[1:] == u[:-1]]
    back = same & (np.r_[0.0, np.diff(diff)] < 0)
    if back.any():
        units = pd.unique(u[back])
        raise PanelDataError(
            f"{len(units)} unit(s) switch back from treated to untreated in {treatment!r} "
            f"(units {_examples(units)}); these estimators need staggered adoption (once treated, "
            "always treated): recode treatment as absorbing or drop those units"
        )


def cohort_from_treatment(data: pd.DataFrame, unit: str, time: str, treatment: str) -> pd.Series:
    """Cohort (first period with ``treatment == 1``, 0 if never) of each row's unit."""
    check_absorbing(data, unit, time, treatment)
    treated_times = data[time].where(data[treatment].astype(float) == 1)
    first = treated_times.groupby(data[unit]).transform("min")
    return first.fillna(0).rename("cohort")


def _factorize_sorted(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes following the sorted distinct values, like ``pd.factorize(sort=True)``.

    Integer columns take O(n) shortcuts that matter at millions of rows: a column already in
    non-decreasing order (units of a sorted panel) is coded by counting value changes, and a
    column with a small range (periods) by a lookup table.
    """
    if pd.api.types.is_integer_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype):
        v = s.to_numpy()
        if len(v) > 1 and (v[1:] >= v[:-1]).all():
            change = np.r_[True, v[1:] != v[:-1]]
            return np.cumsum(change) - 1, v[change]
        lo, hi = int(v.min()), int(v.max())
        if hi - lo <= 10 * len(v) + 1000:
            present = np.zeros(hi - lo + 1, dtype=bool)
            present[v - lo] = True
            lookup = np.cumsum(present) - 1
            return lookup[v - lo], np.nonzero(present)[0] + lo
    codes, uniques = pd.factorize(s, sort=True)
    return codes, np.asarray(uniques)


def draw_seed(seed: int | None) -> int:
    """``seed`` as an int, or a fresh one from the OS's entropy when it is None.

    Results record the seed actually used, so a run without a seed can still be reproduced.
    """
    return int(np.random.SeedSequence().entropy % (2**63)) if seed is None else int(seed)


def require_balanced(panel: "Panel", who: str, why: str) -> None:
    """Raise a :class:`PanelDataError` naming ``who`` and ``why`` unless ``panel`` is balanced."""
    if not panel.balanced:
        raise PanelDataError(
            f"{who} needs a balanced panel ({panel.n_units * panel.n_periods - panel.n_obs} unit-period rows "
            f"are missing): {why}")


def validate_alpha(alpha: float) -> float:
    """Return ``alpha`` as float or raise ``ValueError`` if it is not in (0, 1)."""
    if not isinstance(alpha, (int, float, np.floating)) or not 0 < float(alpha) < 1:
        raise ValueError(f"alpha must be a number between 0 and 1 (e.g. 0.05), got {alpha!r}")
    return float(alpha)


@dataclass(frozen=True, eq=False)
class Panel:
    """A validated long panel, sorted by unit then time, with integer codes.

    Attributes
    ----------
    data : DataFrame
        The used rows (original column names), sorted by unit and time, index reset; the cohort
        column has missing values replaced by 0.
    outcome, unit, time, cohort, cluster : str or None
        Column names by role.
    covariates : tuple of str
    y : ndarray (n_obs,)
        Outcome as float.
    unit_idx : ndarray (n_obs,)
        Row's unit code, 0..n_units-1 (codes follow sorted unit labels).
    time_idx : ndarray (n_obs,)
        Row's position in :attr:`periods`.
    units : ndarray (n_units,)
        Unit labels.
    periods : ndarray (n_periods,)
        Sorted distinct time values.
    unit_cohort : ndarray (n_units,)
        Cohort of each unit (0 = never treated), float.
    cohorts : ndarray
        Sorted distinct treated cohorts (non-zero).
    unit_cluster : ndarray (n_units,) or None
        Cluster code (0..n_clusters-1) of each unit when a cluster column was given.
    n_clusters : int or None
    balanced : bool
        True when every unit is observed in every period.
    n_dropped : int
        Rows dropped because of missing values (only with ``dropna=True``).
    """

    data: pd.DataFrame
    outcome: str
    unit: str
    time: str
    cohort: str | None
    cluster: str | None
    covariates: tuple
    y: np.ndarray
    unit_idx: np.ndarray
    time_idx: np.ndarray
    units: np.ndarray
    periods: np.ndarray
    unit_cohort: np.ndarray | None
    cohorts: np.ndarray
    unit_cluster: np.ndarray | None
    n_clusters: int | None
    balanced: bool
    n_dropped: int = 0
    cluster_labels: np.ndarray | None = field(default=None)

    @property
    def n_obs(self) -> int:
        return len(self.y)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    def wide(self, values: np.ndarray | None = None) -> np.ndarray:
        """Unit x period matrix of ``values`` (default the outcome); NaN where unobserved."""
        v = self.y if values is None else np.asarray(values, dtype=float)
        out = np.full((self.n_units, self.n_periods), np.nan)
        out[self.unit_idx, self.time_idx] = v
        return out

    def observed(self) -> np.ndarray:
        """Boolean unit x period matrix: True where the unit is observed."""
        out = np.zeros((self.n_units, self.n_periods), dtype=bool)
        out[self.unit_idx, self.time_idx] = True
        return out


def prepare_panel(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    cohort: str | None = None,
    cluster: str | None = None,
    covariates: Sequence[str] | str | None = None,
    dropna: bool = False,
    require_cohort_in_periods: bool = True,
) -> Panel:
    """Validate a long panel and return it as a :class:`Panel`.

    Parameters
    ----------
    data : DataFrame
        One row per unit and period.
    outcome, unit, time : str
        Column names. ``outcome`` and ``time`` must be numeric.
    cohort : str, optional
        First treated period of each unit; 0 or missing = never treated. Must be constant
        within a unit and, if non-zero, one of the observed periods.
    cluster : str, optional
        Cluster column at or above the unit level (constant within a unit); at least 2
        clusters are required. ``cluster=unit`` is the same as no cluster column (each
        estimator's default treatment of units).
    covariates : str or list of str, optional
        Numeric columns.
    dropna : bool, default False
        Drop rows with missing outcome, unit, time, cluster or covariate values instead of
        raising; the count is in :attr:`Panel.n_dropped`.
    require_cohort_in_periods : bool, default True
        Require every non-zero cohort to be one of the observed periods.

    Returns
    -------
    Panel

    Raises
    ------
    ValueError
        Missing columns (library misuse).
    PanelDataError
        Non-numeric outcome/time/covariates, missing values, duplicate unit-time rows, a
        cohort varying within a unit or outside the observed periods, a cluster varying
        within a unit, fewer than 2 clusters.
    """
    if isinstance(covariates, str):
        covariates = [covariates]
    covariates = tuple(covariates or ())
    if cluster is not None and cluster == unit:
        cluster = None  # clustering on the unit is every estimator's default, not a second role
    check_columns(data, [outcome, unit, time, cohort, cluster, *covariates])
    check_numeric(data, [outcome], "outcome")
    check_numeric(data, [time], "time")
    if covariates:
        check_numeric(data, list(covariates), "covariate")
    if cohort is not None:
        check_numeric(data, [cohort], "cohort")

    cols = [c for c in dict.fromkeys([unit, time, outcome, cohort, cluster, *covariates]) if c is not None]
    df = data[cols]
    need = [c for c in cols if c != cohort]  # missing cohort means never treated
    df, n_dropped = check_missing(df, need, dropna=dropna)
    if len(df) == 0:
        raise PanelDataError("no rows left after dropping missing values")

    # Integer codes and a unit-time key: duplicate and sort checks in O(n) on large panels.
    unit_codes, units = _factorize_sorted(df[unit])
    time_codes, periods = _factorize_sorted(df[time])
    periods = np.asarray(periods, dtype=float)
    n_units, n_periods = len(units), len(periods)
    key = unit_codes.astype(np.int64) * n_periods + time_codes
    counts = np.bincount(key, minlength=n_units * n_periods)
    if (counts > 1).any():
        dup = counts[key] > 1
        ex = df.loc[dup, [unit, time]].drop_duplicates().head(5)
        pairs = ", ".join(f"({u!r}, {t!r})" for u, t in zip(ex[unit].tolist(), ex[time].tolist()))
        raise PanelDataError(
            f"{int(dup.sum())} rows share a (unit, time) pair with another row, e.g. {pairs}; "
            f"keep one row per {unit!r} and {time!r} (aggregate or remove duplicates)"
        )
    if len(key) > 1 and not (np.diff(key) > 0).all():
        order = np.argsort(key, kind="stable")
        df = df.take(order)
        unit_codes, time_codes = unit_codes[order], time_codes[order]
    df = df.reset_index(drop=True)
    if cohort is not None:
        df[cohort] = df[cohort].astype(float).fillna(0.0)
    time_idx = time_codes
    balanced = len(df) == n_units * n_periods

    unit_cohort = None
    cohorts = np.array([], dtype=float)
    if cohort is not None:
        g = df[cohort].to_numpy(dtype=float)
        if (g < 0).any():
            raise PanelDataError(
                f"cohort {cohort!r} has negative values (e.g. {_examples(pd.unique(g[g < 0]))}); "
                "use the first treated period, or 0 for never treated"
            )
        unit_cohort = _per_unit(
            g, unit_codes, n_units, units, f"cohort {cohort!r}",
            "a unit's cohort is its first treated period and must be the same on all its rows "
            "(a unit cannot switch back to untreated)",
        )
        cohorts = np.unique(unit_cohort[unit_cohort > 0])
        if require_cohort_in_periods and len(cohorts):
            outside = cohorts[~np.isin(cohorts, periods)]
            if len(outside):
                raise PanelDataError(
                    f"cohort(s) {_examples(outside)} in {cohort!r} are not observed periods "
                    f"(observed {time!r} runs from {periods[0]:g} to {periods[-1]:g}, {n_periods} periods); "
                    "a cohort must be the first treated period within the data: fix the cohort, "
                    "or code units first treated after the data end as never treated (0)"
                )

    unit_cluster = None
    n_clusters = None
    cluster_labels = None
    if cluster is not None:
        ccodes, cluster_labels = pd.factorize(df[cluster], sort=True)
        unit_cluster = _per_unit(
            ccodes.astype(np.int64), unit_codes, n_units, units, f"cluster {cluster!r}",
            "clusters must be at or above the unit level (each unit in exactly one cluster)",
        )
        n_clusters = len(cluster_labels)
        if n_clusters < 2:
            raise PanelDataError(
                f"cluster {cluster!r} has {n_clusters} distinct value(s); clustered standard errors "
                "need at least 2 clusters (and are unreliable with few: consider "
                "wild_cluster_bootstrap or randomization_inference)"
            )

    return Panel(
        data=df,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        cluster=cluster,
        covariates=covariates,
        y=df[outcome].to_numpy(dtype=float),
        unit_idx=unit_codes.astype(np.int64),
        time_idx=time_idx.astype(np.int64),
        units=np.asarray(units),
        periods=periods,
        unit_cohort=unit_cohort,
        cohorts=cohorts,
        unit_cluster=unit_cluster,
        n_clusters=n_clusters,
        balanced=balanced,
        n_dropped=n_dropped,
        cluster_labels=None if cluster_labels is None else np.asarray(cluster_labels),
    )


def check_clusters(panel: Panel, groups: np.ndarray | None = None) -> None:
    """Warn for each cohort whose units all sit in a single cluster (no variance within it).

    Parameters
    ----------
    panel : Panel
        With a cluster column.
    groups : ndarray, optional
        Per-unit group labels to check (default: the cohorts, 0 = never treated).
    """
    if panel.unit_cluster is None:
        return
    groups = panel.unit_cohort if groups is None else groups
    if groups is None:
        return
    single = []
    for g in np.unique(groups):
        if len(np.unique(panel.unit_cluster[groups == g])) == 1:
            single.append(g)
    if single:
        warnings.warn(
            f"cohort(s) {_examples(single)} lie in a single {panel.cluster!r} cluster: their effects "
            "have no within-cohort cluster variation, so clustered standard errors for them are "
            "unreliable; use randomization_inference or wild_cluster_bootstrap",
            UserWarning,
            stacklevel=3,
        )


def check_never_treated(panel: Panel) -> None:
    """Raise if the panel has no never-treated unit (needed by ``control="never"``)."""
    if panel.unit_cohort is None or not (panel.unit_cohort == 0).any():
        raise PanelDataError(
            f"control='never' needs never-treated units (cohort 0 or missing in {panel.cohort!r}), "
            "but every unit is treated; use control='notyet' or add never-treated units"
        )
