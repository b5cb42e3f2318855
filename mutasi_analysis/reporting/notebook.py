"""Small helpers the report notebooks call: language, narrative, tables, figures.

They keep the notebooks thin: a notebook says *what* to show; how a sentence switches between
Indonesian and English, how a table gets display labels and Indonesian number formatting, and
how figures look is decided here once.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from .. import text

__all__ = ["Narrator", "setup", "LABELS"]

# Display labels for columns the domain modules return that ``text.LABELS`` does not (yet)
# hold. Looked up after text.LABELS.
LABELS: dict[str, dict[str, str]] = {
    "masuk": {"id": "Mutasi masuk", "en": "Rotated in"},
    "keluar": {"id": "Mutasi keluar", "en": "Rotated out"},
    "headcount_awal": {"id": "Pegawai awal periode", "en": "Staff at start"},
    "headcount_akhir": {"id": "Pegawai akhir periode", "en": "Staff at end"},
    "headcount": {"id": "Jumlah pegawai", "en": "Staff"},
    "rate_masuk": {"id": "Laju masuk", "en": "Rotation-in rate"},
    "rate_keluar": {"id": "Laju keluar", "en": "Rotation-out rate"},
    "pernah_unit_lain": {"id": "Pernah di unit lain", "en": "Served elsewhere"},
    "share_pernah_unit_lain": {"id": "Proporsi pernah di unit lain", "en": "Share served elsewhere"},
    "diterima": {"id": "Pengaduan diterima", "en": "Complaints received"},
    "diselesaikan": {"id": "Diselesaikan", "en": "Resolved"},
    "respon_hari_kerja_mean": {"id": "Rata-rata respons (hari kerja)", "en": "Mean response (working days)"},
    "respon_hari_kerja_median": {"id": "Median respons (hari kerja)", "en": "Median response (working days)"},
    "penyelesaian_hari_kerja_mean": {"id": "Rata-rata penyelesaian (hari kerja)", "en": "Mean resolution (working days)"},
    "share_tepat_waktu": {"id": "Proporsi tepat waktu", "en": "Share on time"},
    "backlog": {"id": "Tunggakan akhir periode", "en": "Backlog at period end"},
    "cohort": {"id": "Kohort (bulan pertama perlakuan)", "en": "Cohort (first treated month)"},
    "tabel": {"id": "Tabel", "en": "Table"},
    "dibaca": {"id": "Dibaca", "en": "Read"},
    "diterima_baris": {"id": "Diterima", "en": "Accepted"},
    "ditolak": {"id": "Ditolak", "en": "Rejected"},
    "alasan": {"id": "Alasan", "en": "Reason"},
    "jumlah": {"id": "Jumlah", "en": "Count"},
    "aturan": {"id": "Aturan", "en": "Rule"},
    "estimate": {"id": "Perkiraan", "en": "Estimate"},
    "se": {"id": "Galat baku", "en": "Std. error"},
    "conf_low": {"id": "Batas bawah IK", "en": "CI low"},
    "conf_high": {"id": "Batas atas IK", "en": "CI high"},
    "event_time": {"id": "Bulan sejak rotasi", "en": "Months since rotation"},
    "metode": {"id": "Metode", "en": "Method"},
    "p_value": {"id": "Nilai p", "en": "p-value"},
    "bagian": {"id": "Bagian", "en": "Section"},
    "ukuran": {"id": "Ukuran", "en": "Measure"},
    "nilai": {"id": "Nilai", "en": "Value"},
}


def _label(key: str, lang: str) -> str:
    try:
        return text.label(key, lang)
    except KeyError:
        if key in LABELS:
            return LABELS[key][lang]
        return key


class Narrator:
    """Writes a notebook's narrative and tables in the report language.

    Parameters
    ----------
    lang : {"id", "en"}
    """

    def __init__(self, lang: str = "id"):
        if lang not in ("id", "en"):
            raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
        self.lang = lang

    def t(self, id_text: str, en_text: str) -> str:
        """The text in the report language."""
        return id_text if self.lang == "id" else en_text

    def say(self, id_text: str, en_text: str, **values: Any) -> None:
        """Show a Markdown paragraph (``{name}`` placeholders filled from ``values``)."""
        from IPython.display import Markdown, display

        display(Markdown(self.t(id_text, en_text).format(**values)))

    def num(self, value, decimals: int = 2) -> str:
        """A number written the report language's way (``88,31`` / ``88.31``)."""
        return text.fmt_number(value, decimals, self.lang)

    def p(self, pvalue) -> str:
        """A p-value as reports write it: ``p < 0,001`` or ``p = 0,031``."""
        if pvalue is None or pvalue != pvalue:
            return "p = " + self.t("tidak tersedia", "n/a")
        return ("p < " + self.num(0.001, 3)) if pvalue < 0.001 else "p = " + self.num(pvalue, 3)

    def pct(self, share, decimals: int = 1) -> str:
        """A share as a percentage (``33,3%``)."""
        return text.fmt_pct(share, decimals, self.lang)

    def label(self, key: str) -> str:
        """Display label of a column or key."""
        return _label(key, self.lang)

    def table(self, frame: pd.DataFrame, decimals: int | Mapping[str, int] = 2, index: bool = False) -> None:
        """Show a table with display labels and language-appropriate numbers."""
        from IPython.display import HTML, display

        shown = frame.copy()
        for col in shown.columns:
            s = shown[col]
            if pd.api.types.is_bool_dtype(s):
                shown[col] = s.map(lambda v: self.t("ya", "yes") if v is True else (self.t("tidak", "no") if v is False else ""))
            elif pd.api.types.is_integer_dtype(s):
                shown[col] = s.map(lambda v: "" if pd.isna(v) else self.num(v, 0))
            elif pd.api.types.is_float_dtype(s):
                d = decimals.get(col, 2) if isinstance(decimals, Mapping) else decimals
                shown[col] = s.map(lambda v, d=d: "" if pd.isna(v) else self.num(v, d))
        shown = shown.rename(columns=lambda c: _label(str(c), self.lang))
        if index:
            shown.index.name = _label(str(shown.index.name), self.lang) if shown.index.name else None
        display(HTML(shown.to_html(index=index, escape=True, border=0, classes="dataframe")))


def setup(lang: str = "id") -> Narrator:
    """Figure and table defaults for a report notebook; returns its :class:`Narrator`.

    Figures are PNG at a fixed size and resolution (they are embedded in the HTML page as
    data URIs), in seaborn's ``whitegrid`` style; warnings of the statistics stack are kept
    out of the page (the notebooks record notes explicitly instead).
    """
    import warnings

    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update({"figure.figsize": (8, 4), "figure.dpi": 96, "savefig.dpi": 96})
    try:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("matplotlib", "inline")
            ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
    except Exception:  # outside IPython: nothing to configure
        pass
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    pd.set_option("display.max_rows", 60)
    return Narrator(lang)
