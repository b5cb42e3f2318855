"""The working-day clock: Indonesian national holidays plus cuti bersama from the region config.

National holidays come from the maintained ``holidays`` package; cuti bersama (collective leave
set each year by an SKB of three ministers) is not in it and comes from configuration.
A duration in working days is ``numpy.busday_count(start_date, end_date)``: the working days in
``[start, end)``, so a reply on the next working day counts 1 and a same-day reply counts 0.
"""

from __future__ import annotations

from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

__all__ = ["calendar", "working_days_between", "add_working_days"]


@lru_cache(maxsize=16)
def _calendar(years: tuple[int, ...], extra: tuple) -> np.busdaycalendar:
    days = set(holidays.country_holidays("ID", years=list(years)).keys())
    days.update(pd.Timestamp(d).date() for d in extra)
    return np.busdaycalendar(weekmask="1111100", holidays=sorted(np.datetime64(d, "D") for d in days))


def calendar(first_year: int, last_year: int, cuti_bersama=()) -> np.busdaycalendar:
    """Working-day calendar (Mon-Fri, less national holidays and ``cuti_bersama``).

    Parameters
    ----------
    first_year, last_year : int
        Years to cover (inclusive); dates outside them see weekends only.
    cuti_bersama : iterable of date-like
        Collective leave days from the region config (``services.cuti_bersama``).
    """
    return _calendar(tuple(range(int(first_year), int(last_year) + 1)), tuple(sorted(pd.Timestamp(d).date() for d in cuti_bersama)))


def _days(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).dt.floor("D").to_numpy().astype("datetime64[D]")


def working_days_between(start, end, cal: np.busdaycalendar) -> np.ndarray:
    """Working days from ``start`` to ``end`` (dates only; NaT gives NaN).

    Returns a float array so that missing ends (open cases) stay NaN.
    """
    s, e = _days(start), _days(end)
    out = np.full(len(s), np.nan)
    ok = ~(np.isnat(s) | np.isnat(e))
    out[ok] = np.busday_count(s[ok], e[ok], busdaycal=cal)
    return out


def add_working_days(start, n, cal: np.busdaycalendar) -> np.ndarray:
    """Dates ``n`` working days after ``start`` (a start on a non-working day rolls forward first)."""
    s = _days(start)
    return np.busday_offset(s, np.asarray(n, dtype=np.int64), roll="forward", busdaycal=cal)
