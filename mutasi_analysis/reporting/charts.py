"""Numbers, months and periods on charts written the report language's way.

Matplotlib writes tick labels, colour-bar ticks and seaborn's heatmap annotations with a
decimal point ("3.27", "-0.25") and period ids as stored ("2025-S2"). Its own locale switch
(``axes.formatter.use_locale``) depends on an operating-system locale that a server rarely has
and covers neither annotations nor category labels. :func:`localise_figure` rewrites every
label of a finished figure through :mod:`mutasi_analysis.text` (Babel), keeping the digits
matplotlib chose; :func:`install` runs it on every figure a report notebook shows, so that the
notebooks themselves never format a tick.
"""

from __future__ import annotations

import re

from .. import text

__all__ = ["localise_label", "localise_figure", "LocalisedFormatter", "install"]

_NUMBER = re.compile(r"^([\u2212-]?)(\d+)(?:\.(\d+))?(%?)$")
_SEMESTER = re.compile(r"^(\d{4})-S([12])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def localise_label(label: str, lang: str = "id") -> str:
    """One chart label in the report language; anything that is not a number or a period id is kept.

    ``"3.27"`` -> ``"3,27"``; ``"\u22120.25"`` -> ``"-0,25"``; ``"2025-S2"`` -> ``"Semester II 2025"``;
    ``"2023-09"`` -> ``"Sep 2023"``; ``"12.5%"`` -> ``"12,5%"``.
    """
    label = str(label)
    s = label.strip()
    m = _NUMBER.match(s)
    if m:
        sign, whole, frac, pct = m.groups()
        value = float(f"{'-' if sign else ''}{whole}.{frac or 0}")
        decimals = len(frac or "")
        return (text.fmt_pct(value / 100, decimals, lang) if pct else text.fmt_number(value, decimals, lang))
    from ..periods import parse_period

    if _SEMESTER.match(s):
        return parse_period(s, "semester").label(lang)
    if _QUARTER.match(s):
        return parse_period(s, "quarter").label(lang)
    if _MONTH.match(s):
        return text.fmt_month(s, lang)
    return label


class LocalisedFormatter:
    """Wraps an axis' tick formatter; its labels pass through :func:`localise_label`.

    The wrapped formatter still chooses which ticks and how many decimals (matplotlib's
    ``ScalarFormatter`` picks them from the tick spacing); only the writing changes.
    """

    def __init__(self, inner, lang: str):
        self.inner, self.lang = inner, lang

    def __getattr__(self, name):  # set_locs, get_offset, axis, ... of the wrapped formatter
        return getattr(self.inner, name)

    def set_axis(self, axis):
        self.inner.set_axis(axis)

    def __call__(self, x, pos=None):
        return localise_label(self.inner(x, pos), self.lang)

    def format_ticks(self, values):
        return [localise_label(s, self.lang) for s in self.inner.format_ticks(values)]

    def format_data_short(self, value):
        return localise_label(self.inner.format_data_short(value), self.lang)


def localise_figure(fig, lang: str = "id") -> None:
    """Rewrite every tick label, annotation and legend entry of ``fig`` in ``lang`` (in place)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if not isinstance(fmt, LocalisedFormatter):
                axis.set_major_formatter(LocalisedFormatter(fmt, lang))
        for t in ax.texts:
            t.set_text(localise_label(t.get_text(), lang))
        legend = ax.get_legend()
        if legend is not None:
            for t in legend.get_texts():
                t.set_text(localise_label(t.get_text(), lang))
    for legend in getattr(fig, "legends", []):
        for t in legend.get_texts():
            t.set_text(localise_label(t.get_text(), lang))


def install(shell, lang: str) -> None:
    """Localise every open figure after each cell, before the inline backend shows it.

    IPython runs ``post_execute`` callbacks in the order they were registered, and the inline
    backend's ``flush_figures`` (which shows and closes the cell's figures) is one of them; it is
    registered again after this module's callback so that the figures are rewritten first.
    """
    import matplotlib.pyplot as plt

    def localise_open_figures():
        for num in plt.get_fignums():
            localise_figure(plt.figure(num), lang)

    try:
        from matplotlib_inline.backend_inline import flush_figures
    except ImportError:  # no inline backend: figures are not shown by IPython
        flush_figures = None
    callbacks = shell.events.callbacks["post_execute"]
    if flush_figures is not None and flush_figures in callbacks:
        shell.events.unregister("post_execute", flush_figures)
    shell.events.register("post_execute", localise_open_figures)
    if flush_figures is not None:
        shell.events.register("post_execute", flush_figures)
