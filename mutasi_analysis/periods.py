"""Evaluation period identifiers: ``2026-S1``, ``2026-Q2``, ``2026-05``, ``2026``.

A period is a closed range of calendar days. The kind (semester, quarter, month, year) comes
from the region config; :func:`parse_period` rejects an id of another kind.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from .errors import MutasiError

__all__ = ["Period", "parse_period", "period_of", "latest_complete", "periods_between"]

# Years a period may have: pandas timestamps (used for every date column) end in 2262; 1900
# is older than any civil-servant record (a NIP starts with a birth date).
MIN_YEAR, MAX_YEAR = 1900, 2261
_PATTERNS = {
    "semester": re.compile(r"^(\d{4})-S([12])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "year": re.compile(r"^(\d{4})$"),
}
_MONTHS_PER = {"semester": 6, "quarter": 3, "month": 1, "year": 12}
_EXAMPLE = {"semester": "2026-S1", "quarter": "2026-Q2", "month": "2026-05", "year": "2026"}


@dataclass(frozen=True, order=True)
class Period:
    """One evaluation period.

    Attributes
    ----------
    kind : str
        ``semester``, ``quarter``, ``month`` or ``year``.
    year : int
    index : int
        1-based position inside the year (semester 1..2, quarter 1..4, month 1..12; 1 for a year).
    """

    kind: str
    year: int
    index: int

    @property
    def id(self) -> str:
        """The period id, e.g. ``2026-S1``."""
        if self.kind == "semester":
            return f"{self.year}-S{self.index}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        return f"{self.year}"

    def __str__(self) -> str:
        return self.id

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        m = (self.index - 1) * _MONTHS_PER[self.kind] + 1
        return dt.date(self.year, m, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the period."""
        return (self.next().start - dt.timedelta(days=1))

    def next(self) -> "Period":
        """The following period of the same kind."""
        n = 12 // _MONTHS_PER[self.kind]
        return Period(self.kind, self.year + self.index // n, self.index % n + 1)

    def previous(self) -> "Period":
        """The preceding period of the same kind."""
        n = 12 // _MONTHS_PER[self.kind]
        if self.index == 1:
            return Period(self.kind, self.year - 1, n)
        return Period(self.kind, self.year, self.index - 1)

    def contains(self, day) -> bool:
        """Whether a date (or timestamp) falls in the period."""
        day = pd.Timestamp(day).date()
        return self.start <= day <= self.end

    def label(self, lang: str = "id") -> str:
        """The reader's name of the period, e.g. ``Semester I 2026`` / ``Semester 1, 2026``.

        Worded at the presentation layer: :func:`mutasi_analysis.text.period_label`.
        """
        from .text import period_label  # text imports nothing of this module; avoid a load cycle

        return period_label(self, lang)


def parse_period(text: str, kind: str = "semester") -> Period:
    """Parse a period id of the given kind.

    Parameters
    ----------
    text : str
        ``2026-S1`` (semester), ``2026-Q2`` (quarter), ``2026-05`` (month) or ``2026`` (year).
    kind : str
        The region's period kind.

    Raises
    ------
    MutasiError
        When the id is malformed or of another kind.
    """
    if kind not in _PATTERNS:
        raise MutasiError(f"unknown period kind {kind!r}; use one of {', '.join(_PATTERNS)}")
    if not isinstance(text, str):
        raise MutasiError(f"period must be a string like {_EXAMPLE[kind]!r}, got {text!r}")
    m = _PATTERNS[kind].match(text.strip())
    if not m:
        raise MutasiError(
            f"period {text!r} is not a valid {kind} id; write it like {_EXAMPLE[kind]!r} "
            f"(the region config sets the period kind to {kind!r})"
        )
    year = int(m.group(1))
    index = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else 1
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise MutasiError(f"period {text!r}: year {year} is out of range ({MIN_YEAR} to {MAX_YEAR})")
    return Period(kind, year, index)


def period_of(day, kind: str = "semester") -> Period:
    """The period of the given kind that contains ``day``."""
    day = pd.Timestamp(day)
    months = _MONTHS_PER[kind]
    return Period(kind, day.year, (day.month - 1) // months + 1)


def latest_complete(today=None, kind: str = "semester", data_end=None) -> Period:
    """The last period that has fully ended by ``today``.

    Parameters
    ----------
    today : date-like, optional
        The clock; defaults to the current date. Pass a fixed date for reproducible runs.
    kind : str
    data_end : date-like, optional
        Last day covered by the data; when given, the result also ends on or before it.
    """
    today = dt.date.fromisoformat(str(today)[:10]) if today is not None else dt.date.today()
    if not MIN_YEAR < today.year <= MAX_YEAR:
        raise MutasiError(f"the clock {today.isoformat()} is out of range (years {MIN_YEAR + 1} to {MAX_YEAR}); "
                          "check --today or MUTASI_TODAY")
    limit = pd.Timestamp(today) - pd.Timedelta(days=1)
    if data_end is not None:
        limit = min(limit, pd.Timestamp(data_end))
    p = period_of(limit, kind)
    if p.end > limit.date():
        p = p.previous()
    return p


def periods_between(start, end, kind: str = "semester") -> list[Period]:
    """All periods of ``kind`` that overlap ``[start, end]``, in order."""
    p, last = period_of(start, kind), period_of(end, kind)
    out = []
    while p <= last:
        out.append(p)
        p = p.next()
    return out
