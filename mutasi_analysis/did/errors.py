"""Errors raised by :mod:`mutasi_analysis.did` (general statistics, no domain knowledge).

Two kinds, so callers can tell the data from a bug:

* :class:`PanelDataError` (a :class:`DiDError`): the data cannot support the estimator as
  given, e.g. no never-treated units, no pre-period, fewer than two clusters, an unbalanced
  panel where a balanced one is needed. This is the documented "not enough data" answer that
  an application may catch and report as "not run".
* Anything else (``TypeError``, a plain ``ValueError`` for an invalid argument such as
  ``alpha=2``, or an internal error) is a mistake in the call or in the code and should fail
  loudly.

Both classes subclass :class:`ValueError`, so ``except ValueError`` keeps working for callers
written before they existed. The domain layer (``mutasi_analysis.errors``) maps them to its
own messages; this package imports nothing from it.
"""

from __future__ import annotations

__all__ = ["DiDError", "PanelDataError"]


class DiDError(ValueError):
    """Base class of the errors this package raises about its input data."""


class PanelDataError(DiDError):
    """The data given to an estimator cannot be used as it is (the message says why)."""
