"""The period a report is for: ``latest`` under a fixed clock, malformed and future ids."""

from __future__ import annotations

import datetime as dt

import pytest

from mutasi_analysis.cli import main
from mutasi_analysis.errors import MutasiError
from mutasi_analysis.reporting.pipeline import resolve_period


@pytest.mark.parametrize("today,kind,expected", [
    (dt.date(2026, 11, 28), "semester", "2026-S1"),
    (dt.date(2026, 7, 1), "semester", "2026-S1"),      # first day after the semester ends
    (dt.date(2026, 6, 30), "semester", "2025-S2"),     # last day: not complete yet
    (dt.date(2027, 1, 1), "semester", "2026-S2"),
    (dt.date(2026, 11, 28), "quarter", "2026-Q3"),
    (dt.date(2026, 11, 28), "month", "2026-10"),
    (dt.date(2026, 11, 28), "year", "2025"),
])
def test_latest_with_a_fixed_clock(today, kind, expected):
    assert resolve_period("latest", kind, today=today).id == expected


def test_latest_never_passes_the_end_of_the_data():
    p = resolve_period("latest", "semester", today=dt.date(2026, 11, 28), data_end=dt.date(2026, 5, 31))
    assert p.id == "2025-S2"


def test_explicit_complete_period_is_accepted():
    p = resolve_period("2025-S2", "semester", today=dt.date(2026, 1, 1))
    assert (p.id, p.start, p.end) == ("2025-S2", dt.date(2025, 7, 1), dt.date(2025, 12, 31))


@pytest.mark.parametrize("text", ["2026-S2", "2027-S1"])
def test_future_or_running_period_is_an_error(text):
    with pytest.raises(MutasiError) as e:
        resolve_period(text, "semester", today=dt.date(2026, 11, 28))
    assert f"period {text} has not ended yet" in e.value.message
    assert "--period 2026-S1" in e.value.message


@pytest.mark.parametrize("text,kind", [("2026-S3", "semester"), ("2026S1", "semester"), ("2026-Q2", "semester"),
                                       ("2026-13", "month"), ("latestt", "semester")])
def test_malformed_period_is_an_error(text, kind):
    with pytest.raises(MutasiError, match="not a valid"):
        resolve_period(text, kind, today=dt.date(2026, 11, 28))


@pytest.mark.parametrize("period,expect", [("2026-S3", "not a valid semester id"), ("2030-S1", "has not ended yet")])
def test_cli_bad_period_exits_2_with_one_message(project, capsys, period, expect):
    code = main(["report", "--period", period, "--region", str(project["region"]), "--processed",
                 str(project["processed"]), "--reports", str(project["reports"]),
                 "--notebooks", str(project["notebooks"]), "--today", "2026-11-28"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("mutasi report: error: ") and expect in err
    assert "Traceback" not in err


def test_cli_fixed_clock_from_environment(project, capsys, monkeypatch):
    monkeypatch.setenv("MUTASI_TODAY", "2026-03-01")
    code = main(["report", "--period", "2026-S1", "--region", str(project["region"]), "--processed",
                 str(project["processed"]), "--reports", str(project["reports"]),
                 "--notebooks", str(project["notebooks"])])
    assert code == 2 and "has not ended yet (it ends 2026-06-30, today is 2026-03-01)" in capsys.readouterr().err


def test_period_without_data_is_refused_before_rendering(project, monkeypatch):
    import pandas as pd

    from mutasi_analysis.reporting import pipeline

    pd.DataFrame({"waktu_diterima": pd.to_datetime(["2025-08-01 09:00", "2026-06-30 16:00"])}).to_parquet(
        project["processed"] / "pengaduan.parquet")
    pd.DataFrame({"tanggal": pd.to_datetime(["2025-07-15"])}).to_parquet(project["processed"] / "skm.parquet")
    assert pipeline.data_span(project["processed"]) == (dt.date(2025, 7, 15), dt.date(2026, 6, 30))
    monkeypatch.setattr(pipeline, "render_notebook", lambda *a, **k: pytest.fail("rendered"))
    with pytest.raises(MutasiError) as e:
        pipeline.run_report("latest", region=project["region"], processed=project["processed"],
                            reports=project["reports"], notebooks=project["notebooks"],
                            today=dt.date(2027, 1, 5), out=lambda s: None)
    assert "period 2026-S2 (2026-07-01 to 2026-12-31) has no data" in e.value.message
    assert "covers 2025-07-15 to 2026-06-30" in e.value.message and "--period 2026-S1" in e.value.message
