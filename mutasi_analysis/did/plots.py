"""Plots of DiD estimates: event studies with confidence intervals and the reference period.

Used by the ``plot(ax=None, labels=None)`` methods of the result objects; ``plot_estimates``
takes any table with ``estimate``, ``conf_low`` and ``conf_high`` columns (and optionally
``uband_low`` / ``uband_high``), so other estimators (e.g. Sun-Abraham) can reuse it.

Plots are language-free, like the results: axis labels are the table's column names or the
paper's symbols, there is no title, and an annotation or legend entry is drawn only with a text
the caller gives in ``labels`` (a report chooses its words in its own language; a library
default in English would end up on an Indonesian page).
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["plot_estimates", "plot_labels"]


def plot_labels(labels: Mapping[str, str] | None, allowed: Iterable[str], plot: str) -> dict[str, str]:
    """The caller's texts for a plot's annotations and legend entries, checked.

    Parameters
    ----------
    labels : mapping of str to str, or None
        Element name -> text. None or an element left out: that element gets no text.
    allowed : iterable of str
        The elements the plot can label.
    plot : str
        Name of the plot, for the error message.

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        For an element the plot does not draw (a typo would otherwise drop the text silently).
    """
    allowed = list(allowed)
    given = dict(labels or {})
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValueError(f"{plot}: no element {', '.join(map(repr, unknown))} to label; "
                         f"labels can name {', '.join(map(repr, allowed))}")
    return {k: str(v) for k, v in given.items() if v is not None}


def plot_estimates(
    table: pd.DataFrame,
    x: str,
    ax=None,
    hue: str | None = None,
    reference: float | None = None,
    title: str | None = None,
    event: bool = False,
    estimate: str = "estimate",
    labels: Mapping[str, str] | None = None,
    reference_label: str | None = None,
):
    """Point estimates with confidence intervals against ``x``.

    Parameters
    ----------
    table : DataFrame
        Columns ``x``, ``estimate`` (or the name given), ``conf_low``, ``conf_high``; optional
        ``uband_low``/``uband_high`` (uniform band, drawn as a lighter wider bar) and ``hue``.
    x : str
        Column on the horizontal axis (event time, cohort or period).
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if None.
    hue : str, optional
        Column whose values get separate colours (points are dodged horizontally).
    reference : float, optional
        Reference (base) period on the x axis: marked with a dashed vertical line and, if it
        has no estimate, a hollow marker at zero.
    title : str, optional
        None: no title.
    event : bool
        Event-study layout: estimates up to the reference in grey, later ones in colour.
    estimate : str
        Name of the estimate column.
    labels : mapping, optional
        Texts of the plot's elements, each drawn only when given: ``"reference"`` (written
        beside the reference line) and ``"band"`` (legend entry of the uniform band).
        Axis labels are the column names ``x`` and ``estimate``; set others on the axes.
    reference_label : str, optional
        Deprecated: use ``labels={"reference": ...}`` (warns; removed in a later release).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if reference_label is not None:  # the old keyword (one release): its text is the caller's own
        from ._results import renamed_keyword

        labels = {**(labels or {}), "reference": renamed_keyword(None, reference_label, "reference_label",
                                                                 'labels={"reference": ...}')}
    labels = plot_labels(labels, ("reference", "band"), "plot_estimates")
    for c in (x, estimate, "conf_low", "conf_high"):
        if c not in table.columns:
            raise ValueError(f"plot needs a {c!r} column; got {list(table.columns)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    t = table[np.isfinite(table[estimate].to_numpy(float))]
    groups = [(None, t)] if hue is None else list(t.groupby(hue, sort=True))
    palette = sns.color_palette("colorblind", max(len(groups), 2))
    xs = np.unique(t[x].to_numpy(float))
    step = np.min(np.diff(xs)) if len(xs) > 1 else 1.0
    width = 0.6 * step
    for i, (key, sub) in enumerate(groups):
        off = 0.0 if hue is None else (i - (len(groups) - 1) / 2) * width / max(len(groups), 1)
        xv = sub[x].to_numpy(float) + off
        est = sub[estimate].to_numpy(float)
        if "uband_low" in sub.columns:
            ax.vlines(xv, sub["uband_low"], sub["uband_high"], color=palette[i], alpha=0.3, lw=4,
                      label=labels.get("band") if i == 0 else None)
        if hue is None and event and reference is not None:
            colours = np.where(xv <= reference, "0.45", None)
            colours = [palette[0] if c is None else c for c in colours]
        else:
            colours = [palette[i]] * len(xv)
        ax.vlines(xv, sub["conf_low"], sub["conf_high"], colors=colours, lw=1.5)
        ax.scatter(xv, est, c=colours, s=25, zorder=3,
                   label=None if hue is None else f"{hue} {key:g}" if isinstance(key, (int, float)) else str(key))
    ax.axhline(0, color="0.3", lw=0.8)
    if reference is not None:
        ax.axvline(reference, color="0.3", ls="--", lw=0.8)
        has_ref = np.isclose(t[x].to_numpy(float), reference).any()
        if not has_ref:
            ax.scatter([reference], [0.0], facecolors="none", edgecolors="0.3", s=30, zorder=3)
        if "reference" in labels:
            # In axes coordinates at the top: the text stays inside the frame whatever the data.
            ax.annotate(labels["reference"], xy=(reference, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -3), textcoords="offset points", ha="left", va="top", fontsize=8,
                        color="0.3")
    ax.set_xlabel(x)
    ax.set_ylabel(estimate)
    if title:
        ax.set_title(title)
    if hue is not None or ("uband_low" in t.columns and "band" in labels):
        ax.legend(fontsize=8, frameon=False, loc="best")
    return ax
