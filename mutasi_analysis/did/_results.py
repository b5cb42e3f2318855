"""Result objects shared by every estimator in :mod:`mutasi_analysis.did`.

Design (after statsmodels, pyfixest and R ``did``): a result is immutable, carries the call
parameters and input size that produced it, and exposes numbers through accessors
(``estimate``, ``std_error``, ``statistic``, ``pvalue``, ``conf_int()``), tables through
``tidy()``, a text/HTML ``summary()``, and ``to_dict()`` with plain JSON-safe values.

One name per concept across the package (as broom and pyfixest users expect): tidy tables use
``term, estimate, std_error, statistic, pvalue, conf_low, conf_high`` (then result-specific
columns); the number of bootstrap draws is ``n_boot``, of random permutations ``n_perm``, of
Monte Carlo replications ``n_sim``. Older names (``se``, ``tstat``, ``ci_low``/``ci_high``,
``att``, ``B``, ``param``) were renamed in 0.3; attributes and keywords keep them as deprecated
aliases for one release (:func:`deprecated_alias`); table columns cannot alias and are listed in
docs/en/api.md.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["DiDResult", "ScalarResult", "AggregateResult", "TestResult", "json_safe", "deprecated_alias",
           "TIDY_COLUMNS"]

#: Leading columns of every ``tidy()`` table that reports estimates (broom's names).
TIDY_COLUMNS = ("term", "estimate", "std_error", "statistic", "pvalue", "conf_low", "conf_high")


def _warn_renamed(old: str, new: str, stacklevel: int = 3) -> None:
    warnings.warn(f"{old!r} is deprecated and will be removed in the next release; use {new!r}",
                  DeprecationWarning, stacklevel=stacklevel)


def deprecated_alias(new: str, old: str) -> property:
    """A read-only property ``old`` that warns and returns attribute ``new`` (one release)."""

    def getter(self):
        _warn_renamed(old, new)
        return getattr(self, new)

    return property(getter, doc=f"Deprecated alias of ``{new}``.")


def renamed_keyword(value, old_value, old: str, new: str):
    """Resolve a keyword renamed from ``old`` to ``new``: warn when the old one is used."""
    if old_value is None:
        return value
    _warn_renamed(old, new, stacklevel=4)
    return old_value


def json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars, arrays and frames into plain JSON-safe values.

    NaN and infinities become ``None`` so that the JSON stays standard.
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return [json_safe(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return json_safe(value.to_dict())
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (int, str)):
        return value
    return str(value)


@dataclass(frozen=True)
class DiDResult:
    """Base of every result: the call that made it and the size of its input.

    Attributes
    ----------
    method : str
        Short name of the estimator, e.g. ``"att_gt"``.
    call : Mapping
        The call parameters (read-only), so a number can be traced to how it was made.
    n_obs : int
        Rows used.
    n_units : int or None
        Distinct units (or clusters for cluster-level methods) used.
    """

    method: str
    call: Mapping[str, Any]
    n_obs: int
    n_units: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "call", MappingProxyType(dict(self.call)))

    # -- to be refined by subclasses -------------------------------------------------
    def tidy(self) -> pd.DataFrame:  # pragma: no cover - overridden
        """Results as a tidy DataFrame."""
        raise NotImplementedError

    def _title(self) -> str:
        return self.method

    def summary(self, fmt: str = "text") -> str:
        """A readable summary: ``fmt="text"`` (default) or ``"html"``."""
        table = self.tidy()
        head = [
            self._title(),
            f"observations: {self.n_obs}" + (f", units: {self.n_units}" if self.n_units is not None else ""),
            "call: " + ", ".join(f"{k}={v!r}" for k, v in self.call.items()),
        ]
        if fmt == "html":
            import html

            items = "".join(f"<p>{html.escape(h)}</p>" for h in head)
            return f"<div class='did-summary'>{items}{table.to_html(index=False, float_format=lambda x: f'{x:.4f}')}</div>"
        if fmt != "text":
            raise ValueError("fmt must be 'text' or 'html'")
        return "\n".join(head) + "\n" + table.to_string(index=False, float_format=lambda x: f"{x:.6g}")

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return self.summary("html")

    def to_dict(self) -> dict:
        """Plain JSON-safe dictionary: method, call, sizes and the tidy table."""
        return json_safe(
            {
                "method": self.method,
                "call": dict(self.call),
                "n_obs": self.n_obs,
                "n_units": self.n_units,
                "table": self.tidy(),
            }
        )


@dataclass(frozen=True)
class ScalarResult(DiDResult):
    """A single estimate with a standard error (2x2 DiD, TWFE, an ATT aggregation).

    Inference uses the normal distribution unless ``df`` is given (then Student t).
    """

    estimate: float = float("nan")
    std_error: float = float("nan")
    df: float | None = None
    label: str = "ATT"
    alpha: float = 0.05

    def _dist(self):
        return stats.norm if self.df is None else stats.t(self.df)

    @property
    def statistic(self) -> float:
        """Estimate divided by its standard error (t or z)."""
        return self.estimate / self.std_error if self.std_error > 0 else float("nan")

    se = deprecated_alias("std_error", "se")
    tstat = deprecated_alias("statistic", "tstat")

    @property
    def pvalue(self) -> float:
        """Two-sided p-value of estimate = 0."""
        t = self.statistic
        return float(2 * self._dist().sf(abs(t))) if not math.isnan(t) else float("nan")

    def conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """Two-sided ``1 - alpha`` confidence interval (default: the call's alpha)."""
        alpha = self.alpha if alpha is None else alpha
        if not 0 < alpha < 1:
            raise ValueError("alpha must be between 0 and 1")
        q = float(self._dist().ppf(1 - alpha / 2))
        return (self.estimate - q * self.std_error, self.estimate + q * self.std_error)

    def tidy(self) -> pd.DataFrame:
        """One row: ``term, estimate, std_error, statistic, pvalue, conf_low, conf_high``."""
        lo, hi = self.conf_int()
        return pd.DataFrame(
            {
                "term": [self.label],
                "estimate": [self.estimate],
                "std_error": [self.std_error],
                "statistic": [self.statistic],
                "pvalue": [self.pvalue],
                "conf_low": [lo],
                "conf_high": [hi],
            }
        )

    def to_dict(self) -> dict:
        d = super().to_dict()
        lo, hi = self.conf_int()
        d.update(json_safe({"estimate": self.estimate, "std_error": self.std_error,
                            "statistic": self.statistic, "pvalue": self.pvalue,
                            "conf_low": lo, "conf_high": hi, "alpha": self.alpha}))
        return d


def _readonly(a: np.ndarray | None) -> np.ndarray | None:
    """A read-only view, so results stay immutable."""
    if a is None:
        return None
    a = np.asarray(a)
    v = a.view()
    v.flags.writeable = False
    return v


@dataclass(frozen=True, eq=False)
class AggregateResult(ScalarResult):
    """An aggregation of group-time effects (``att_gt(...).aggregate(kind)``).

    ``estimate``/``se`` are the overall summary (for ``"event"`` the average over event times
    >= 0, for ``"group"`` the cohort-size weighted average, for ``"calendar"`` the average over
    calendar periods, as in R ``did``). ``table`` has one row per event time, cohort or period
    with columns (event_time | cohort | time), estimate, std_error, conf_low, conf_high, and, with the
    bootstrap, uband_low/uband_high (uniform band over the rows).
    """

    kind: str = "simple"
    table_: pd.DataFrame | None = field(default=None, repr=False)
    crit_value: float | None = None
    reference_time: float | None = None
    vcov_: np.ndarray | None = field(default=None, repr=False)

    def vcov(self) -> np.ndarray:
        """Covariance matrix of the table's estimates (rows in table order; analytic, from the
        influence functions, even when the table's SEs are bootstrapped). Kept for ``"event"``."""
        if self.vcov_ is None:
            raise ValueError(f"no covariance matrix is kept for a {self.kind!r} aggregation; use kind='event'")
        return np.array(self.vcov_)

    @property
    def table(self) -> pd.DataFrame:
        """Per event time / cohort / period estimates (a copy)."""
        return self.table_.copy() if self.table_ is not None else pd.DataFrame()

    def tidy(self) -> pd.DataFrame:
        """Overall row first (``term`` = label), then one row per table entry."""
        head = super().tidy()
        if self.table_ is None or self.kind == "simple" or len(self.table_) == 0:
            return head
        key = self.table_.columns[0]
        rows = self.table_.rename(columns={key: "key"}).copy()
        rows.insert(0, "term", [f"{key}={v:g}" for v in rows["key"]])
        rows = rows.drop(columns="key")
        rows["statistic"] = rows["estimate"] / rows["std_error"]
        rows["pvalue"] = 2 * stats.norm.sf(np.abs(rows["statistic"]))
        return pd.concat([head, rows[[c for c in head.columns if c in rows.columns]
                                     + [c for c in rows.columns if c.startswith("uband")]]],
                         ignore_index=True)

    def _title(self) -> str:
        return f"{self.method}: {self.kind} aggregation"

    def plot(self, ax=None, labels=None):
        """Plot the table (event study for ``kind="event"``) with confidence intervals.

        The event study marks the reference period (event time ``-1 - anticipation``) with a
        dashed line: every later effect is the change since that period. With
        ``base_period="varying"`` (the default) each earlier estimate compares a period with the
        one before it; with ``"universal"`` the reference is 0 by construction (a hollow marker).
        A caller who labels the line says which (``self.call["base_period"]``).

        Parameters
        ----------
        ax : matplotlib Axes, optional
        labels : mapping, optional
            Texts drawn only when given: ``"reference"`` (beside the reference line) and
            ``"band"`` (legend entry of the uniform band). No title; axis labels are the table's
            column names.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .plots import plot_estimates

        if self.kind == "simple":
            raise ValueError("a simple aggregation is a single number: plot kind='event', 'group' or 'calendar'")
        key = self.table_.columns[0]
        return plot_estimates(
            self.table_, x=key, ax=ax, reference=self.reference_time if key == "event_time" else None,
            event=(key == "event_time"), labels=labels,
        )


@dataclass(frozen=True, eq=False)
class TestResult(DiDResult):
    """A hypothesis test: ``statistic``, ``df``, ``pvalue`` and the tested estimates (``table``).

    ``note`` is a short code (e.g. ``"asymptotic_low_power"``), never prose: results are
    language-free and the words are chosen where the result is presented.
    """

    statistic: float = float("nan")
    df: float = float("nan")
    pvalue: float = float("nan")
    hypothesis: str = ""
    table_: pd.DataFrame | None = None
    note: str = ""

    @property
    def table(self) -> pd.DataFrame:
        """The estimates entering the test (a copy)."""
        return self.table_.copy() if self.table_ is not None else pd.DataFrame()

    def tidy(self) -> pd.DataFrame:
        """One row: ``term`` (the hypothesis), ``statistic``, ``df``, ``pvalue``."""
        return pd.DataFrame({"term": [self.hypothesis], "statistic": [self.statistic],
                             "df": [self.df], "pvalue": [self.pvalue]})

    def to_dict(self) -> dict:
        d = super().to_dict()
        d.update(json_safe({"statistic": self.statistic, "df": self.df, "pvalue": self.pvalue,
                            "hypothesis": self.hypothesis, "estimates": self.table, "note": self.note}))
        return d
