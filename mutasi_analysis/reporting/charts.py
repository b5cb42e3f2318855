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

import matplotlib.ticker as mticker

from .. import text

__all__ = ["localise_label", "localise_figure", "LocalisedFormatter", "alt_text", "install"]

_NUMBER = re.compile(r"^([\u2212-]?)(\d+)(?:\.(\d+))?(%?)$")
_YEAR = re.compile(r"^(19|20|21)\d\d$")
# Set on a text once it is written in the report language, so that a second pass (the setup
# cell run again) cannot read "1.234" (Indonesian) as 1,234 and write it again.
_DONE = "_mutasi_localised"


def localise_label(label: str, lang: str = "id") -> str:
    """One chart label in the report language; anything that is not a number or a period id is kept.

    ``"3.27"`` -> ``"3,27"``; ``"\u22120.25"`` -> ``"-0,25"``; ``"2025-S2"`` -> ``"Semester II 2025"``;
    ``"2023-09"`` -> ``"Sep 2023"``; ``"12.5%"`` -> ``"12,5%"``.
    """
    label = str(label)
    s = label.strip()
    m = _NUMBER.match(s)
    # A year ("2026" on a yearly axis) or a code with leading zeros ("0012") is a name, not a
    # quantity: no thousands separator.
    if m and not m.group(3) and not m.group(4) and (_YEAR.match(m.group(2)) or (len(m.group(2)) > 1 and m.group(2)[0] == "0")):
        return label
    if m:
        sign, whole, frac, pct = m.groups()
        value = float(f"{'-' if sign else ''}{whole}.{frac or 0}")
        decimals = len(frac or "")
        return (text.fmt_pct(value / 100, decimals, lang) if pct else text.fmt_number(value, decimals, lang))
    named = text.fmt_id(s, lang)
    return label if named == s else named


class LocalisedFormatter(mticker.Formatter):
    """Wraps an axis' tick formatter; its labels (and its offset, e.g. ``1e6``) pass through
    :func:`localise_label`.

    The wrapped formatter still chooses the decimals and the offset (matplotlib's
    ``ScalarFormatter`` picks them from the tick positions, which it is given through
    :meth:`set_locs`); only the writing changes. It is a :class:`matplotlib.ticker.Formatter`
    so that matplotlib uses it as it is instead of wrapping it in a ``FuncFormatter``, which
    would cut the inner formatter off from the tick positions and drop its offset.
    """

    def __init__(self, inner, lang: str):
        self.inner, self.lang = inner, lang

    def set_axis(self, axis):
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs):
        super().set_locs(locs)
        self.inner.set_locs(locs)

    def __call__(self, x, pos=None):
        return localise_label(self.inner(x, pos), self.lang)

    def format_ticks(self, values):
        return [localise_label(s, self.lang) for s in self.inner.format_ticks(values)]

    def get_offset(self):
        offset = self.inner.get_offset()
        return localise_label(offset, self.lang) if offset else offset

    def format_data(self, value):
        return localise_label(self.inner.format_data(value), self.lang)

    def format_data_short(self, value):
        return localise_label(self.inner.format_data_short(value), self.lang)


def _localise_text(t, lang: str) -> None:
    if getattr(t, _DONE, None) == t.get_text():
        return
    t.set_text(localise_label(t.get_text(), lang))
    setattr(t, _DONE, t.get_text())


def localise_figure(fig, lang: str = "id") -> None:
    """Rewrite every tick label, annotation and legend entry of ``fig`` in ``lang`` (in place).

    Idempotent: a figure localised twice is written once.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if not isinstance(fmt, LocalisedFormatter):
                axis.set_major_formatter(LocalisedFormatter(fmt, lang))
        for t in ax.texts:
            _localise_text(t, lang)
        legend = ax.get_legend()
        if legend is not None:
            for t in legend.get_texts():
                _localise_text(t, lang)
    for legend in getattr(fig, "legends", []):
        for t in legend.get_texts():
            _localise_text(t, lang)


def alt_text(fig, lang: str = "id") -> str:
    """A figure's description for a page's ``<img alt>``: its titles and axis names, in words.

    ``Grafik: Tren mentah per kohort rotasi (sumbu mendatar: Bulan; sumbu tegak: Rata-rata ...)``.
    """
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        parts.append(suptitle.get_text().strip())
    for ax in fig.axes:
        title = ax.get_title().strip()
        axes = [text.template(f"alt_{name}", lang, label=value) for name, value in
                (("x", ax.get_xlabel().strip()), ("y", ax.get_ylabel().strip())) if value]
        if title or axes:
            parts.append(title + (f" ({'; '.join(axes)})" if axes else "") if title else "; ".join(axes))
    return text.template("alt_figure", lang, what=". ".join(parts)) if parts else text.template("alt_figure_plain", lang)


def install(shell, lang: str) -> None:
    """Localise every open figure after each cell, before the inline backend shows it.

    IPython runs ``post_execute`` callbacks in the order they were registered, and the inline
    backend's ``flush_figures`` (which shows and closes the cell's figures) is one of them; it is
    registered again after this module's callback so that the figures are rewritten first.
    """
    import matplotlib.pyplot as plt

    def localise_open_figures():
        from IPython.display import display

        for num in plt.get_fignums():
            fig = plt.figure(num)
            localise_figure(fig, lang)
            # Shown here, with its description for screen readers (the page's <img alt>), and
            # closed, so that the inline backend's flush has nothing left to show twice.
            display(fig, metadata={"image/png": {"alt": alt_text(fig, lang)}})
            plt.close(fig)

    try:
        from matplotlib_inline.backend_inline import flush_figures
    except ImportError:  # no inline backend: figures are not shown by IPython
        flush_figures = None
    callbacks = shell.events.callbacks["post_execute"]
    # One callback per shell, in the last language asked for: the setup cell may run again.
    previous = getattr(shell, "_mutasi_localise", None)
    if previous is not None and previous in callbacks:
        shell.events.unregister("post_execute", previous)
    shell._mutasi_localise = localise_open_figures
    if flush_figures is not None and flush_figures in callbacks:
        shell.events.unregister("post_execute", flush_figures)
    shell.events.register("post_execute", localise_open_figures)
    if flush_figures is not None:
        shell.events.register("post_execute", flush_figures)
