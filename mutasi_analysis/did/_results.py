"""Result objects shared by every estimator in :mod:`mutasi_analysis.did`.

Design (after statsmodels, pyfixest and R ``did``): a result is immutable, carries the call
parameters and input size that produced it, and exposes numbers through accessors
(``estimate``, ``se``, ``pvalue``, ``conf_int()``), tables through ``tidy()``, a text/HTML
``summary()``, and ``to_dict()`` with plain JSON-safe values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["DiDResult", "ScalarResult", "json_safe"]


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
    se: float = float("nan")
    df: float | None = None
    label: str = "ATT"
    alpha: float = 0.05

    def _dist(self):
        return stats.norm if self.df is None else stats.t(self.df)

    @property
    def tstat(self) -> float:
        """Estimate divided by its standard error."""
        return self.estimate / self.se if self.se > 0 else float("nan")

    @property
    def pvalue(self) -> float:
        """Two-sided p-value of estimate = 0."""
        t = self.tstat
        return float(2 * self._dist().sf(abs(t))) if not math.isnan(t) else float("nan")

    def conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """Two-sided ``1 - alpha`` confidence interval (default: the call's alpha)."""
        alpha = self.alpha if alpha is None else alpha
        if not 0 < alpha < 1:
            raise ValueError("alpha must be between 0 and 1")
        q = float(self._dist().ppf(1 - alpha / 2))
        return (self.estimate - q * self.se, self.estimate + q * self.se)

    def tidy(self) -> pd.DataFrame:
        lo, hi = self.conf_int()
        return pd.DataFrame(
            {
                "term": [self.label],
                "estimate": [self.estimate],
                "se": [self.se],
                "pvalue": [self.pvalue],
                "ci_low": [lo],
                "ci_high": [hi],
            }
        )

    def to_dict(self) -> dict:
        d = super().to_dict()
        lo, hi = self.conf_int()
        d.update(json_safe({"estimate": self.estimate, "se": self.se, "pvalue": self.pvalue,
                            "ci_low": lo, "ci_high": hi, "alpha": self.alpha}))
        return d
