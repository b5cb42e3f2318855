"""What a section page shows beyond one call: narrow views of wide tables, and figures that
explain themselves.

A report page is read by an official, not a statistician: a table shows the few columns that
matter (the workbook keeps the rest), a legend never sits on the data, and every line, colour
and column of a figure says what it is. Numbers and period ids on figures are written by
:mod:`mutasi_analysis.reporting.charts` after the cell; nothing here formats a tick.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from .. import text

__all__ = [
    "GRADES", "GRADE_COLOURS", "ikm_change_view", "element_grid", "grade_borders", "grade_colorbar", "grade_colours",
    "legend_outside", "every_period",
]


def _grades() -> list[tuple[str, float]]:
    """``[(grade, lower border on the IKM scale 25..100)]``, worst first (D, C, B, A)."""
    from ..ikm import _GRADES  # the regulation's borders, kept in one place

    return [(g, float(b)) for b, g in reversed(_GRADES)]


#: IKM grades of PermenPANRB 14/2017, worst first, with their lower border (25..100 scale).
GRADES: tuple[tuple[str, float], ...] = tuple(_grades())
#: One colour per grade, red (D) to green (A), the same on every figure of the IKM page.
GRADE_COLOURS: dict[str, str] = {"D": "#d7301f", "C": "#fc8d59", "B": "#a6d96a", "A": "#1a9641"}


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------
def ikm_change_view(change: pd.DataFrame, elements: pd.DataFrame, previous_elements: pd.DataFrame,
                    units: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Each unit's IKM against the previous period: the columns a reader needs.

    :func:`mutasi_analysis.ikm.compare_periods` returns 23 columns (both periods' grades, every
    element's mean score, notes); a page shows the previous and current IKM, the change, the
    grade (``"B \u2192 C"`` when it changed) and the elements whose grade fell. The record and
    the workbook keep the full tables.

    Parameters
    ----------
    change : DataFrame
        :func:`mutasi_analysis.ikm.compare_periods` of the current and previous per-unit IKM.
    elements, previous_elements : DataFrame
        :func:`mutasi_analysis.ikm.by_element` per unit, this period and the previous one.
    units : DataFrame
        ``kode_unit, nama_unit`` (the context's ``units``).
    lang : {"id", "en"}
        Unused by the table itself (the element names come from ``elements``); kept so that
        every view takes the report language.

    Returns
    -------
    DataFrame
        ``nama_unit, ikm_sebelumnya, ikm, selisih_ikm, mutu, unsur_turun_mutu``, the largest
        fall first (units without a previous IKM last). ``mutu`` is this period's grade, or
        ``"B \u2192 C"`` when it differs from the previous one. ``unsur_turun_mutu`` names
        the elements whose grade (the regulation's intervals, as :func:`~mutasi_analysis.ikm.by_element`)
        is lower than in the previous period, with both grades (``"Biaya/tarif (B → C)"``),
        comma-separated; empty when none fell.
    """
    rank = {g: i for i, (g, _) in enumerate(GRADES)}
    key = ["kode_unit", "kode_unsur"]
    both = elements[key + ["unsur", "mutu"]].merge(
        previous_elements[key + ["mutu"]].rename(columns={"mutu": "mutu_sebelumnya"}), on=key, how="inner")
    fell = both[both["mutu"].map(rank).lt(both["mutu_sebelumnya"].map(rank))]
    words = (fell.assign(t=[f"{u} ({b} \u2192 {a})" for u, b, a in
                            zip(fell["unsur"], fell["mutu_sebelumnya"], fell["mutu"])])
             .groupby("kode_unit", sort=False)["t"].agg(", ".join))
    out = change[["kode_unit", "ikm_sebelumnya", "ikm", "selisih_ikm"]].copy()
    out["mutu"] = [a if pd.isna(b) or b == a else f"{b} \u2192 {a}" for a, b in zip(change["mutu"], change["mutu_sebelumnya"])]
    out["unsur_turun_mutu"] = out["kode_unit"].map(words).fillna("")
    out = units[["kode_unit", "nama_unit"]].merge(out, on="kode_unit", how="inner")
    out = out.sort_values("selisih_ikm", kind="stable", na_position="last").reset_index(drop=True)
    return out.drop(columns="kode_unit")


def _element_keys() -> tuple[str, ...]:
    from ..ikm import ELEMENTS

    return ELEMENTS


def element_grid(elements: pd.DataFrame, units: pd.DataFrame, lang: str = "id") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unit x element matrices for a heatmap: mean scores and grades, labelled in words.

    Parameters
    ----------
    elements : DataFrame
        :func:`mutasi_analysis.ikm.by_element` per unit.
    units : DataFrame
        ``kode_unit, nama_unit`` in the order rows should take.
    lang : {"id", "en"}
        Language of the element names (the columns).

    Returns
    -------
    nrr, grade : DataFrame
        Rows are unit names (``units`` order, units without answers left out), columns the
        element names in the regulation's order (U1..U9). ``nrr`` holds the mean score (1..4),
        ``grade`` the element's grade as a number, 0 = D .. 3 = A (NaN when unanswered), for
        the colours of :func:`grade_colours`.
    """
    rank = {g: float(i) for i, (g, _) in enumerate(GRADES)}
    keys = _element_keys()
    codes = [f"U{i}" for i in range(1, len(keys) + 1)]
    named = elements.merge(units[["kode_unit", "nama_unit"]], on="kode_unit", how="inner")
    named = named.assign(_nrr=named["nrr"].astype(float), _grade=named["mutu"].map(rank).astype(float))
    rows = [n for n in units["nama_unit"] if n in set(named["nama_unit"])]

    def grid(values: str) -> pd.DataFrame:
        m = named.pivot(index="nama_unit", columns="kode_unsur", values=values).reindex(index=rows, columns=codes)
        m.columns = [text.label(e, lang) for e in keys]
        m.index.name, m.columns.name = None, None
        return m.astype(float)

    return grid("_nrr"), grid("_grade")


# ---------------------------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------------------------
def grade_colours():
    """``cmap`` and ``norm`` keywords that colour a grade matrix (0 = D .. 3 = A) red to green.

    Returns
    -------
    dict
        For :func:`seaborn.heatmap` or :meth:`matplotlib.axes.Axes.imshow`.
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap

    colours = [GRADE_COLOURS[g] for g, _ in GRADES]
    return {"cmap": ListedColormap(colours), "norm": BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4)}


def grade_colorbar(colorbar, lang: str = "id") -> None:
    """Label a colour bar of :func:`grade_colours`: one tick per grade, with its words.

    Parameters
    ----------
    colorbar : matplotlib Colorbar
        E.g. ``ax.collections[0].colorbar`` after :func:`seaborn.heatmap`.
    lang : {"id", "en"}
    """
    colorbar.set_ticks([0, 1, 2, 3])
    colorbar.set_ticklabels([f"{g}: {text.label(f'kinerja_{g}', lang)}" for g, _ in GRADES])
    colorbar.set_label(text.label("pages.element_grade", lang))
    colorbar.ax.tick_params(length=0)


def grade_borders(ax, lang: str = "id"):
    """Mark the IKM grade borders on the x axis of ``ax`` and name the zone between them.

    Dotted lines at the borders that fall inside the axis limits, and the grade letter of each
    zone above the frame (so the letters never sit on bars). Call after the limits are set.

    Parameters
    ----------
    ax : matplotlib Axes
        IKM (25..100) on the x axis.
    lang : {"id", "en"}

    Returns
    -------
    matplotlib.lines.Line2D
        A legend handle for the lines (label "Batas mutu (PermenPANRB 14/2017)").
    """
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    lo, hi = ax.get_xlim()
    edges = [b for _, b in GRADES[1:]]
    style = {"color": "0.35", "ls": ":", "lw": 1.2}
    for b in edges:
        if lo < b < hi:
            ax.axvline(b, **style)
    where = blended_transform_factory(ax.transData, ax.transAxes)
    bounds = [lo] + [b for b in edges if lo < b < hi] + [hi]
    for left, right in zip(bounds[:-1], bounds[1:]):
        grade = [g for g, b in GRADES if b <= (left + right) / 2][-1]
        ax.text((left + right) / 2, 1.01, grade, transform=where, ha="center", va="bottom",
                fontsize=9, color="0.3", fontweight="bold")
    return Line2D([], [], label=text.label("pages.grade_border", lang), **style)


def legend_outside(ax, title: str | None = None, where: str = "below", extra: Sequence = ()):
    """Move the legend of ``ax`` outside the plotting area, so that it never covers the data.

    Parameters
    ----------
    ax : matplotlib Axes
        Its legend entries (``ax.get_legend_handles_labels()``) are used; a legend seaborn
        drew inside the axes is removed.
    title : str, optional
        Legend title in the report language (seaborn's default is the column name).
    where : {"below", "right"}
        Under the x axis label (a legend of the figure), or beside the axes, top-aligned (a
        legend of the axes; the figure gets wider, and a printed page shrinks a wide figure).
    extra : sequence of artists
        More handles (each with its label), e.g. :func:`grade_borders`' line.

    Returns
    -------
    matplotlib.legend.Legend
    """
    if where not in ("right", "below"):
        raise ValueError(f"where must be 'right' or 'below', got {where!r}")
    handles, labels = ax.get_legend_handles_labels()
    handles, labels = list(handles) + list(extra), list(labels) + [h.get_label() for h in extra]
    old = ax.get_legend()
    if old is not None:
        old.remove()
    style = {"title": title, "frameon": False, "fontsize": 9, "title_fontsize": 9, "alignment": "left"}
    if where == "right":
        # Anchored to the axes' top right corner, below any title; the saved figure's tight
        # bounding box (the inline backend's) widens to hold it.
        return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, **style)
    # Under the x axis label: the constrained layout makes room for a figure legend "outside".
    fig = ax.figure
    fig.set_layout_engine("constrained")
    return fig.legend(handles, labels, loc="outside lower center", ncol=min(len(handles), 2), **style)


def every_period(frame: pd.DataFrame, until, kind: str, column: str = "periode") -> pd.DataFrame:
    """``frame`` with one row for every period from its first to ``until``; gaps get missing values.

    A line over periods then breaks where a period is not shown (too few answers, or none)
    instead of joining its neighbours as if they were adjacent.

    Parameters
    ----------
    frame : DataFrame
        One row per period id in ``column``.
    until : str or Period
        The last period (the report's).
    kind : str
        Period kind (``config.period.kind``).
    column : str

    Returns
    -------
    DataFrame
        Oldest first; the other columns are missing in added rows.
    """
    from ..periods import parse_period

    last = until if hasattr(until, "next") else parse_period(str(until), kind)
    if len(frame) == 0:
        return frame.copy()
    p = parse_period(str(min(frame[column])), kind)
    ids = []
    while p <= last:
        ids.append(p.id)
        p = p.next()
    out = frame.set_index(column).reindex(ids).reset_index()
    out.columns = [column, *out.columns[1:]]
    return out
