"""Numbers, dates, months and periods as readers see them (Babel, CLDR id_ID and en), in text and on charts."""

from __future__ import annotations

import datetime as dt

import pytest

from mutasi_analysis import text
from mutasi_analysis.periods import parse_period
from mutasi_analysis.reporting import charts


@pytest.mark.parametrize("value, decimals, lang, expected", [
    (1234.567, 2, "id", "1.234,57"),
    (1234.567, 2, "en", "1,234.57"),
    (5270, 0, "id", "5.270"),
    (-0.25, 2, "id", "-0,25"),
    (-0.0001, 2, "id", "0,00"),  # rounds to zero: no sign
    (2.5, None, "id", "2,5"),
    (3.0, None, "en", "3"),
    (None, 2, "id", "tidak cukup data"),
    (float("nan"), 2, "en", "not enough data"),
])
def test_numbers(value, decimals, lang, expected):
    assert text.fmt_number(value, decimals, lang) == expected


def test_shares_p_values_and_values():
    assert text.fmt_pct(0.3333, 1, "id") == "33,3%" and text.fmt_pct(0.3333, 1, "en") == "33.3%"
    assert text.fmt_p(0.0004, "id") == "p < 0,001" and text.fmt_p(0.35, "en") == "p = 0.350"
    assert text.fmt_p(None, "id") == "p = tidak tersedia"
    assert [text.fmt_value(v, "id") for v in (True, 5270, 81.5, None, "x")] == ["ya", "5.270", "81,50", "\u2013", "x"]


def test_numpy_values_negative_zero_shares_and_offsets():
    import numpy as np

    assert text.fmt_month(np.int64(2023 * 12 + 1), "id") == "Feb 2023"
    assert text.fmt_value(np.int64(5270), "id") == "5.270" and text.fmt_value(np.bool_(True), "en") == "yes"
    assert text.fmt_pct(-0.0004, 1, "id") == "0,0%"
    assert text.fmt_datetime("2026-11-30T06:22:29+07:00", "id").endswith("06.22 UTC+07:00")


def test_dates_and_moments_in_words():
    assert text.fmt_date(dt.date(2026, 11, 29), "id") == "29 November 2026"
    assert text.fmt_date("2026-11-29", "en") == "November 29, 2026"
    assert text.fmt_datetime("2026-11-30T06:22:29.123+00:00", "id") == "30 November 2026 pukul 06.22 UTC"
    assert text.fmt_datetime("2026-11-30T06:22:29", "en") == "November 30, 2026 at 6:22\u202fAM UTC" or \
        text.fmt_datetime("2026-11-30T06:22:29", "en") == "November 30, 2026 at 6:22 AM UTC"
    assert text.fmt_month("2023-02", "id") == "Feb 2023"
    assert text.fmt_month(2023 * 12 + 7, "id", width="long") == "Agustus 2023"


@pytest.mark.parametrize("pid, kind, id_label, en_label", [
    ("2026-S1", "semester", "Semester I 2026", "Semester 1, 2026"),
    ("2025-S2", "semester", "Semester II 2025", "Semester 2, 2025"),
    ("2026-Q2", "quarter", "Triwulan II 2026", "Quarter 2, 2026"),
    ("2026-05", "month", "Mei 2026", "May 2026"),
    ("2026", "year", "2026", "2026"),
])
def test_period_labels(pid, kind, id_label, en_label):
    p = parse_period(pid, kind)
    assert (p.label("id"), p.label("en")) == (id_label, en_label)


@pytest.mark.parametrize("label, lang, expected", [
    ("3.27", "id", "3,27"),
    ("\u22120.25", "id", "-0,25"),  # matplotlib's minus sign
    ("1500", "id", "1.500"),
    ("12.5%", "id", "12,5%"),
    ("0.5", "en", "0.5"),
    ("2025-S2", "id", "Semester II 2025"),
    ("2023-09", "en", "Sep 2023"),
    ("Kantor Camat Alak", "id", "Kantor Camat Alak"),
    ("", "id", ""),
])
def test_chart_labels(label, lang, expected):
    assert charts.localise_label(label, lang) == expected


def test_a_figure_is_written_in_the_report_language():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns

    fig, (a, b) = plt.subplots(1, 2)
    a.plot([0, 1], [-0.25, 0.75], label="2023-02")
    a.legend()
    sns.heatmap(np.array([[3.271, 1.5]]), annot=True, fmt=".2f", ax=b)
    charts.localise_figure(fig, "id")
    fig.canvas.draw()
    yticks = [t.get_text() for t in a.get_yticklabels() if t.get_text()]
    assert yticks and all("." not in t for t in yticks) and any("," in t for t in yticks), yticks
    assert sorted(t.get_text() for t in b.texts) == ["1,50", "3,27"]
    assert [t.get_text() for t in a.get_legend().get_texts()] == ["Feb 2023"]
    cbar = [t.get_text() for t in fig.axes[-1].get_yticklabels() if t.get_text()]
    assert cbar and all("." not in t for t in cbar), cbar
    plt.close(fig)


def _draw(fig):
    fig.canvas.draw()
    return fig


def test_the_tick_offset_and_positions_survive_localisation():
    """Not a heatmap (which draws first): a plain line whose ticks need an offset."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [2023.1, 2023.9])
    charts.localise_figure(fig, "id")  # before any draw, as the inline backend does
    _draw(fig)
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    # Either whole values with decimals ("2.023,2") or an offset that is still shown: never
    # a bare 0..1 scale that hides the 2023.
    offset = ax.yaxis.get_major_formatter().get_offset()
    assert ticks and (any("2.023" in t for t in ticks) or "2" in offset), (ticks, offset)
    big, bx = plt.subplots()
    bx.plot([0, 1], [0, 5e6])
    charts.localise_figure(big, "id")
    _draw(big)
    labels = [t.get_text() for t in bx.get_yticklabels() if t.get_text()]
    assert labels and (bx.yaxis.get_major_formatter().get_offset() or any("." in t for t in labels)), labels
    plt.close("all")


def test_localising_twice_writes_once_and_years_stay_names():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(["2025", "2026"], [1200, 1000])
    ax.text(0, 1200, "1200")
    charts.localise_figure(fig, "id")
    charts.localise_figure(fig, "id")
    _draw(fig)
    assert [t.get_text() for t in ax.texts] == ["1.200"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2025", "2026"]
    assert charts.localise_label("0012", "id") == "0012" and charts.localise_label("2026", "id") == "2026"
    plt.close(fig)


def test_a_figure_is_described_by_its_title_and_axes():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set(title="IKM per unit", xlabel="Nilai IKM", ylabel="")
    assert charts.alt_text(fig, "id") == "Grafik: IKM per unit (sumbu mendatar: Nilai IKM)"
    assert charts.alt_text(plt.figure(), "en") == "Chart"
    plt.close("all")


def test_stored_ids_in_words_and_other_values_untouched():
    assert text.fmt_id("2025-S2", "id") == "Semester II 2025" and text.fmt_id("2026-Q1", "en") == "Quarter 1, 2026"
    assert text.fmt_id("2023-09", "id") == "Sep 2023"
    assert [text.fmt_id(v, "id") for v in ("KEL-ALAK", "2023-13", 5, None)] == ["KEL-ALAK", "2023-13", 5, None]


def test_a_table_shows_cohort_months_in_words(monkeypatch):
    import IPython.display
    import pandas as pd

    from mutasi_analysis.reporting.notebook import Narrator

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    Narrator("id").table(pd.DataFrame({"kode_unit": ["KEL-ALAK"], "cohort": ["2023-09"]}))
    assert "Sep 2023" in shown[0] and "2023-09" not in shown[0]
