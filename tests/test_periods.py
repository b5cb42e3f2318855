"""Period ids, ranges and the 'latest complete period' clock."""

from __future__ import annotations

import datetime as dt

import pytest

from mutasi_analysis.errors import MutasiError
from mutasi_analysis.periods import latest_complete, parse_period, period_of, periods_between


@pytest.mark.parametrize(
    "text,kind,start,end",
    [
        ("2026-S1", "semester", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("2026-S2", "semester", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
        ("2026-Q1", "quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2024-Q1", "quarter", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2026", "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_parse_and_range(text, kind, start, end):
    p = parse_period(text, kind)
    assert (p.start, p.end, p.id) == (start, end, text)
    assert p.contains(start) and p.contains(end)
    assert not p.contains(end + dt.timedelta(days=1))
    assert p.next().previous() == p


@pytest.mark.parametrize("text,kind", [("2026-S3", "semester"), ("2026-Q2", "semester"),
                                        ("2026-13", "month"), ("26-S1", "semester"), ("2026-S1", "year")])
def test_malformed_period_is_a_clear_error(text, kind):
    with pytest.raises(MutasiError, match="not a valid"):
        parse_period(text, kind)


def test_latest_complete_with_fixed_clock():
    assert latest_complete(dt.date(2026, 11, 28), "semester").id == "2026-S1"
    assert latest_complete(dt.date(2026, 7, 1), "semester").id == "2026-S1"
    assert latest_complete(dt.date(2026, 6, 30), "semester").id == "2025-S2"
    assert latest_complete(dt.date(2026, 11, 28), "quarter").id == "2026-Q3"
    assert latest_complete(dt.date(2026, 1, 1), "month").id == "2025-12"
    assert latest_complete(dt.date(2026, 11, 28), "year").id == "2025"
    # Data ending early caps the result.
    assert latest_complete(dt.date(2026, 11, 28), "semester", data_end=dt.date(2026, 5, 31)).id == "2025-S2"


def test_periods_between_and_period_of():
    ids = [p.id for p in periods_between("2022-01-01", "2026-06-30", "semester")]
    assert ids[0] == "2022-S1" and ids[-1] == "2026-S1" and len(ids) == 9
    assert period_of("2024-07-01", "quarter").id == "2024-Q3"
    assert parse_period("2024-Q4", "quarter").next().id == "2025-Q1"
