"""Page helpers (issue 12, pages): narrow tables, self-explaining figures, legends off the data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mutasi_analysis.ikm import ELEMENTS  # noqa: E402
from mutasi_analysis.reporting import pages  # noqa: E402

UNITS = pd.DataFrame({"kode_unit": ["U-B", "U-A", "U-C"], "nama_unit": ["Kantor B", "Kantor A", "Kantor C"]})


def _elements(grades: dict[str, list[str]], lang: str = "id") -> pd.DataFrame:
    """by_element-shaped rows: one per unit and element, NRR from the grade's middle."""
    from mutasi_analysis.text import label

    mid = {"A": 3.8, "B": 3.3, "C": 2.8, "D": 2.0}
    rows = []
    for unit, gs in grades.items():
        for i, (e, g) in enumerate(zip(ELEMENTS, gs), start=1):
            rows.append({"kode_unit": unit, "kode_unsur": f"U{i}", "unsur": label(e, lang),
                         "nrr": mid[g], "mutu": g})
    return pd.DataFrame(rows).astype({"nrr": "Float64"})


def test_grades_are_the_regulations_borders():
    assert pages.GRADES == (("D", 25.0), ("C", 65.0), ("B", 76.61), ("A", 88.31))


def test_ikm_change_view_keeps_what_matters_worst_first():
    change = pd.DataFrame({
        "kode_unit": ["U-A", "U-B", "U-C"], "ikm": [71.5, 83.9, 80.0], "ikm_sebelumnya": [82.65, 83.4, np.nan],
        "selisih_ikm": [-11.15, 0.5, np.nan], "mutu": ["C", "B", "B"], "mutu_sebelumnya": ["B", "B", None],
        "turun_mutu": pd.array([True, False, None], dtype="boolean"),
        "nrr_persyaratan": [2.9, 3.3, 3.2], "catatan": ["", "", ""],
    })
    now = _elements({"U-A": ["C", "C"] + ["B"] * 7, "U-B": ["B"] * 9, "U-C": ["B"] * 9})
    before = _elements({"U-A": ["B", "C"] + ["A"] + ["B"] * 6, "U-B": ["B"] * 9})
    view = pages.ikm_change_view(change, now, before, UNITS, "id")
    assert list(view.columns) == ["nama_unit", "ikm_sebelumnya", "ikm", "selisih_ikm", "mutu", "unsur_turun_mutu"]
    assert list(view["nama_unit"]) == ["Kantor A", "Kantor B", "Kantor C"]  # largest fall first, no previous last
    assert list(view["mutu"]) == ["B \u2192 C", "B", "B"]  # a change of grade reads as one
    # U1 fell B -> C, U3 fell A -> B; U2 stayed C.
    assert view.loc[0, "unsur_turun_mutu"] == "Persyaratan (B \u2192 C), Waktu penyelesaian (A \u2192 B)"
    assert view.loc[1, "unsur_turun_mutu"] == "" and view.loc[2, "unsur_turun_mutu"] == ""
    en = pages.ikm_change_view(change, _elements({"U-A": ["C"] + ["B"] * 8}, "en"),
                               _elements({"U-A": ["B"] * 9}, "en"), UNITS, "en")
    assert en.loc[0, "unsur_turun_mutu"] == "Requirements (B \u2192 C)"


def test_element_grid_names_rows_and_columns_in_words():
    elements = _elements({"U-A": ["A", "B", "C", "D", "A", "B", "C", "D", "A"], "U-B": ["B"] * 9})
    nrr, grade = pages.element_grid(elements, UNITS, "en")
    assert list(nrr.index) == ["Kantor B", "Kantor A"]  # config order, U-C has no answers
    assert list(nrr.columns)[:3] == ["Requirements", "System, mechanism and procedure", "Completion time"]
    assert len(nrr.columns) == 9 and list(grade.columns) == list(nrr.columns)
    assert list(grade.loc["Kantor A"])[:4] == [3.0, 2.0, 1.0, 0.0]  # A=3 .. D=0
    assert nrr.loc["Kantor A", "Requirements"] == pytest.approx(3.8)


def test_grade_colours_and_colorbar_name_each_grade():
    fig, ax = plt.subplots()
    import seaborn as sns

    sns.heatmap(pd.DataFrame([[0.0, 1.0], [2.0, 3.0]]), ax=ax, **pages.grade_colours())
    bar = ax.collections[0].colorbar
    pages.grade_colorbar(bar, "id")
    assert [t.get_text() for t in bar.ax.get_yticklabels()] == [
        "D: Tidak Baik", "C: Kurang Baik", "B: Baik", "A: Sangat Baik"]
    assert bar.ax.get_ylabel() == "Mutu unsur (dari NRR)"
    colours = pages.grade_colours()
    assert [colours["norm"](v) for v in (0, 1, 2, 3)] == [0, 1, 2, 3]
    plt.close(fig)


def test_grade_borders_are_drawn_and_explained():
    fig, ax = plt.subplots()
    ax.barh([0, 1], [80, 70])
    ax.set_xlim(60, 100)
    handle = pages.grade_borders(ax, "en")
    xs = sorted(line.get_xdata()[0] for line in ax.get_lines())
    assert xs == [65.0, 76.61, 88.31]
    assert [t.get_text() for t in ax.texts] == ["D", "C", "B", "A"]  # each zone named, left to right
    assert handle.get_label() == "Grade border (PermenPANRB 14/2017)"
    plt.close(fig)


def test_legend_outside_never_covers_the_data():
    import seaborn as sns

    for where in ("right", "below"):
        fig, ax = plt.subplots(figsize=(6, 3))
        frame = pd.DataFrame({"t": list(range(10)) * 2, "y": list(range(10)) + list(range(10, 0, -1)),
                              "kelompok": ["a"] * 10 + ["b"] * 10})
        sns.lineplot(data=frame, x="t", y="y", hue="kelompok", ax=ax)
        legend = pages.legend_outside(ax, title="Kelompok", where=where)
        assert (ax.get_legend(), fig.legends) == ((legend, []) if where == "right" else (None, [legend]))
        assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]  # seaborn's own legend replaced
        assert legend.get_title().get_text() == "Kelompok"
        ax.set_title("A title longer than the axes are wide, as on the IKM page's bar chart")
        fig.canvas.draw()
        box = legend.get_window_extent()
        assert not box.overlaps(ax.get_window_extent()), where
        assert not box.overlaps(ax.title.get_window_extent()), where
        plt.close(fig)
    with pytest.raises(ValueError, match="where must be 'right' or 'below'"):
        pages.legend_outside(plt.subplots()[1], where="left")
    plt.close("all")


def test_every_period_shows_gaps_instead_of_joining_neighbours():
    trend = pd.DataFrame({"periode": ["2023-S1", "2023-S2", "2024-S1", "2026-S1"], "share": [0.3, 0.4, 0.1, 0.9]})
    full = pages.every_period(trend, "2026-S1", "semester")
    assert list(full["periode"]) == ["2023-S1", "2023-S2", "2024-S1", "2024-S2", "2025-S1", "2025-S2", "2026-S1"]
    assert full["share"].isna().tolist() == [False, False, False, True, True, True, False]
    assert len(pages.every_period(trend.iloc[:0], "2026-S1", "semester")) == 0
