"""Feedback from rotated staff (``survei_asn``): scales, shares, reliability, training link.

Definitions (kept with the code; the shared rules are in ``docs/definitions.md``):

- Items are Likert 1..5 (1 sangat tidak setuju .. 5 sangat setuju); blank = not answered and
  never counted as a value.
- **Not ready**: ``kesiapan_tugas <= 2``; the share is over the sheets that answered the item.
- **Asking for training**: ``kebutuhan_pelatihan >= 4``; share over the sheets that answered it.
- **Rotation-experience scale**: the mean of the six items other than ``kebutuhan_pelatihan``
  (a need, not an experience) over the items answered, when at least half are answered.
  Cronbach's alpha of the scale uses complete sheets only (listwise) and says how many were
  left out; its confidence interval is Feldt's (1965) F-distribution interval, the one
  pingouin's ``cronbach_alpha`` gives (checked against it in the tests).
- **Time since rotation**: from the person's latest rotation (``mutasi_unor``) on or before the
  sheet's date to that date. Rotation dates are an argument, so this module does not depend on
  :mod:`mutasi_analysis.rotation`.
- **Training link**: a sheet's person counts as trained before rotation when a training ended
  on or before the rotation's date and within a window before it (365 days by default). The
  comparison is an association, not an effect: who gets trained is not random.

Tables a report shows go through :func:`mutasi_analysis.suppression.suppress` with the counts
these functions return.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from .errors import ConfigError, DataError
from .contract import LIKERT_ITEMS
from .ikm import add_period
from .periods import Period, parse_period
from .text import label

__all__ = [
    "ITEMS",
    "SCALE_ITEMS",
    "UNREADY_MAX",
    "TRAINING_NEED_MIN",
    "AlphaResult",
    "TrainingLink",
    "validate_responses",
    "cronbach_alpha",
    "scale_scores",
    "item_distribution",
    "readiness",
    "readiness_by_group",
    "FEEDBACK_COLUMNS",
    "BREAKDOWNS",
    "PeriodFeedback",
    "period_feedback",
    "item_summary",
    "readiness_breakdowns",
    "readiness_trend",
    "add_unit_type",
    "add_golongan",
    "add_time_since_rotation",
    "change_from_previous",
    "training_link",
    "diff_proportions",
]

ITEMS: tuple[str, ...] = LIKERT_ITEMS
SCALE_ITEMS: tuple[str, ...] = tuple(i for i in ITEMS if i != "kebutuhan_pelatihan")
UNREADY_MAX = 2
TRAINING_NEED_MIN = 4
SINCE_BINS = (0, 6, 12, 24, math.inf)
SINCE_KEYS = ("sejak_0_6", "sejak_6_12", "sejak_12_24", "sejak_24_plus")

_OK, _NED = "ok", "not_enough_data"


def validate_responses(responses: pd.DataFrame, items=ITEMS) -> pd.DataFrame:
    """Check the Likert items and return them as float columns (NaN = not answered).

    Raises
    ------
    DataError
        When an item column is missing or holds a value that is not a whole number 1..5.
    """
    if not isinstance(responses, pd.DataFrame):
        raise ValueError(f"responses must be a pandas DataFrame, got {type(responses).__name__}")
    items = list(items)
    missing = [c for c in items if c not in responses.columns]
    if missing:
        raise DataError(f"staff survey lacks item column(s) {', '.join(missing)}")
    out = {}
    for c in items:
        raw = responses[c]
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad = (num.isna() & raw.notna()) | (num.notna() & ~num.isin([1.0, 2.0, 3.0, 4.0, 5.0]))
        if bad.any():
            first = responses.index[bad.to_numpy()][0]
            raise DataError(
                f"staff survey item {c!r} has {int(bad.sum())} value(s) outside 1..5 "
                f"(first at row {first!r}: {raw.loc[first]!r}); blank means not answered"
            )
        out[c] = num
    return pd.DataFrame(out, index=responses.index)


def _by(responses: pd.DataFrame, by) -> list[str]:
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in responses.columns]
    if missing:
        raise ValueError(
            f"grouping column(s) {', '.join(missing)} are not in the table; add them first "
            "(add_period, add_unit_type, add_golongan, add_time_since_rotation)"
        )
    for c in by:
        if responses[c].isna().any():
            raise DataError(f"{int(responses[c].isna().sum())} sheet(s) have no {c!r}")
    return by


# --- reliability ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with Feldt's confidence interval.

    Attributes
    ----------
    alpha, conf_low, conf_high : float or None
        None when ``status`` is ``"not_enough_data"``.
    level : float
    n : int
        Complete sheets used.
    n_excluded : int
        Sheets left out because an item was not answered (listwise deletion).
    k : int
        Items.
    status : str
        ``"ok"`` or ``"not_enough_data"``.
    note : str
        Why there is no value, or empty.
    """

    alpha: float | None
    conf_low: float | None
    conf_high: float | None
    level: float
    n: int
    n_excluded: int
    k: int
    status: str
    note: str

    def to_dict(self) -> dict:
        """Plain JSON-safe values."""
        return asdict(self)


def cronbach_alpha(data: pd.DataFrame, items=None, level: float = 0.95, lang: str = "id") -> AlphaResult:
    """Cronbach's alpha of a multi-item scale with Feldt's (1965) confidence interval.

    alpha = k / (k - 1) (1 - sum of item variances / variance of the sum score), over complete
    rows. Feldt: with df1 = n - 1 and df2 = (n - 1)(k - 1), the interval is
    ``1 - (1 - alpha) F_{(1-level)/2}`` .. ``1 - (1 - alpha) F_{(1+level)/2}`` with ``F_q`` the
    upper-q quantile of F(df1, df2).

    Parameters
    ----------
    data : DataFrame
        One row per answer sheet; numeric item columns (NaN = not answered).
    items : sequence of str, optional
        Item columns; all columns of ``data`` by default.
    level : float, default 0.95
        Confidence level.
    lang : {"id", "en"}
        Language of the note.

    Returns
    -------
    AlphaResult
        ``status="not_enough_data"`` (values None) with fewer than 3 complete sheets, fewer than
        2 items, or no variance in the sum score.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    items = list(data.columns if items is None else items)
    missing = [c for c in items if c not in data.columns]
    if missing:
        raise DataError(f"item column(s) {', '.join(missing)} are missing")
    try:
        x = data[items].astype("float64")
    except (TypeError, ValueError):
        raise DataError("item columns must be numeric") from None
    complete = x.dropna()
    n, k = len(complete), len(items)
    excluded = len(x) - n

    def none(reason: str) -> AlphaResult:
        return AlphaResult(None, None, None, level, n, excluded, k, _NED, reason)

    if k < 2:
        return none(label("not_enough_data", lang) + " (k < 2)")
    if n < 3:
        return none(label("note_few_respondents", lang).format(n=3))
    v = complete.to_numpy()
    total_var = v.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return none(label("not_enough_data", lang) + " (var = 0)")
    alpha = k / (k - 1) * (1 - v.var(axis=0, ddof=1).sum() / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - alpha) * stats.f.isf((1 - level) / 2, df1, df2)
    hi = 1 - (1 - alpha) * stats.f.isf((1 + level) / 2, df1, df2)
    return AlphaResult(float(alpha), float(lo), float(hi), level, n, excluded, k, _OK, "")


# --- scores and distributions -----------------------------------------------------------------


def scale_scores(responses: pd.DataFrame, items=SCALE_ITEMS, min_items: int | None = None) -> pd.DataFrame:
    """Per-sheet scale score: the mean of the items answered.

    Parameters
    ----------
    responses : DataFrame
        Answer sheets.
    items : sequence of str, default :data:`SCALE_ITEMS`
    min_items : int, optional
        Fewest items answered for a score; default half the items, rounded up.

    Returns
    -------
    DataFrame
        Same index: ``skor_skala`` (missing below ``min_items``) and ``n_item_dijawab``.
    """
    items = list(items)
    x = validate_responses(responses, items)
    need = math.ceil(len(items) / 2) if min_items is None else int(min_items)
    if not 1 <= need <= len(items):
        raise ValueError(f"min_items must lie between 1 and {len(items)}, got {min_items!r}")
    answered = x.notna().sum(axis=1)
    score = x.mean(axis=1).where(answered >= need)
    return pd.DataFrame({"skor_skala": score.astype("Float64"), "n_item_dijawab": answered.astype("int64")})


def item_distribution(responses: pd.DataFrame, items=ITEMS, by=()) -> pd.DataFrame:
    """Per-item answer counts 1..5, answered, blanks and mean.

    Parameters
    ----------
    responses : DataFrame
    items : sequence of str, default :data:`ITEMS`
    by : sequence of str
        Grouping columns (e.g. ``("periode",)``).

    Returns
    -------
    DataFrame
        One row per group and item: ``by`` columns, ``item``, ``likert_1`` .. ``likert_5``
        (counts), ``n_jawab``, ``n_kosong`` and ``rata_rata`` (missing when nobody answered).
        The counts are the people counts for :func:`~mutasi_analysis.suppression.suppress`.
    """
    by = _by(responses, by)
    x = validate_responses(responses, items)
    keys = responses[by].astype("str") if by else None
    rows = []
    groups = x.groupby([keys[c] for c in by], sort=True) if by else [((), x)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        for it in items:
            col = g[it]
            row = dict(zip(by, key))
            row["item"] = it
            for v in range(1, 6):
                row[f"likert_{v}"] = int((col == v).sum())
            row["n_jawab"] = int(col.notna().sum())
            row["n_kosong"] = int(col.isna().sum())
            row["rata_rata"] = float(col.mean()) if row["n_jawab"] else np.nan
            rows.append(row)
    out = pd.DataFrame(rows)
    out["rata_rata"] = out["rata_rata"].astype("Float64")
    return out


def readiness(
    responses: pd.DataFrame,
    by=(),
    *,
    unready_max: int = UNREADY_MAX,
    training_min: int = TRAINING_NEED_MIN,
    lang: str = "id",
) -> pd.DataFrame:
    """Share of rotated staff not ready for the new post, and share asking for training.

    Parameters
    ----------
    responses : DataFrame
        Answer sheets (``kesiapan_tugas``, ``kebutuhan_pelatihan`` and the ``by`` columns).
    by : sequence of str
        Grouping columns: ``periode`` (see :func:`mutasi_analysis.ikm.add_period`),
        ``jenis_unit`` (:func:`add_unit_type`), ``golongan`` (:func:`add_golongan`),
        ``kelompok_sejak_mutasi`` (:func:`add_time_since_rotation`), or none for one row.
    unready_max : int, default 2
        Highest readiness answer that counts as not ready.
    training_min : int, default 4
        Lowest training-need answer that counts as asking for training.
    lang : {"id", "en"}
        Language of the note.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n_lembar`` (sheets), ``n_kesiapan`` (answered the readiness item),
        ``n_belum_siap``, ``share_belum_siap``, ``n_pelatihan_dijawab``, ``n_butuh_pelatihan``,
        ``share_butuh_pelatihan`` and ``catatan``. A share with no answers is missing and the
        note says so.

    Raises
    ------
    DataError
        On an empty table (no sheets at all) or bad item values.
    """
    by = _by(responses, by)
    x = validate_responses(responses, ["kesiapan_tugas", "kebutuhan_pelatihan"])
    if len(x) == 0:
        raise DataError("there are no staff survey answer sheets (empty table)")
    k, t = x["kesiapan_tugas"], x["kebutuhan_pelatihan"]
    work = pd.DataFrame(
        {
            "n_lembar": 1,
            "n_kesiapan": k.notna().astype("int64"),
            "n_belum_siap": (k <= unready_max).astype("int64"),
            "n_pelatihan_dijawab": t.notna().astype("int64"),
            "n_butuh_pelatihan": (t >= training_min).astype("int64"),
        },
        index=x.index,
    )
    if by:
        work = pd.concat([responses[by].astype("str"), work], axis=1)
        agg = work.groupby(by, sort=True).sum().reset_index()
    else:
        agg = work.sum().to_frame().T.astype("int64")
    agg["share_belum_siap"] = (agg["n_belum_siap"] / agg["n_kesiapan"].where(agg["n_kesiapan"] > 0)).astype("Float64")
    agg["share_butuh_pelatihan"] = (
        agg["n_butuh_pelatihan"] / agg["n_pelatihan_dijawab"].where(agg["n_pelatihan_dijawab"] > 0)
    ).astype("Float64")
    agg["catatan"] = np.where(
        agg["n_kesiapan"].eq(0) | agg["n_pelatihan_dijawab"].eq(0), label("not_enough_data", lang), ""
    )
    agg["catatan"] = agg["catatan"].astype("str")
    return agg[by + [*FEEDBACK_COLUMNS, "catatan"]]


# --- grouping helpers -------------------------------------------------------------------------


def readiness_by_group(responses: pd.DataFrame, column: str, min_cell: int, lang: str = "id") -> pd.DataFrame:
    """Share not ready per group, with small groups suppressed, as a report shows it.

    The counts behind each group (not ready, ready) go through
    :func:`mutasi_analysis.suppression.suppress`: a group's share is hidden when one of its
    cells holds fewer than ``min_cell`` people, and further groups are hidden where the
    column totals would otherwise give the hidden ones away.

    Parameters
    ----------
    responses : DataFrame
        Answer sheets with ``kesiapan_tugas`` and ``column``.
    column : str
        Grouping column, e.g. ``jenis_unit`` (:func:`add_unit_type`), ``golongan``
        (:func:`add_golongan`) or ``kelompok_sejak_mutasi`` (:func:`add_time_since_rotation`).
    min_cell : int
        Fewest people in a shown cell (``thresholds.min_cell_size``).
    lang : {"id", "en"}

    Returns
    -------
    DataFrame
        ``kelompok, n_kesiapan, share_belum_siap`` (NaN where hidden), one row per group.
    """
    from .suppression import suppress

    r = readiness(responses, by=(column,), lang=lang).set_index(column)
    counts = pd.DataFrame({"belum_siap": r["n_belum_siap"], "siap": r["n_kesiapan"] - r["n_belum_siap"]}).astype("int64")
    kept = suppress(counts, min_cell=min_cell).table
    share = kept["belum_siap"] / (kept["belum_siap"] + kept["siap"])
    return pd.DataFrame({"kelompok": r.index.astype(str), "n_kesiapan": r["n_kesiapan"].astype(int).to_numpy(),
                         "share_belum_siap": share.to_numpy(dtype=float)})


# --- a period's feedback, as a report shows it ----------------------------------------------------

#: Columns of :meth:`PeriodFeedback.table` (the readiness row of :func:`readiness`).
FEEDBACK_COLUMNS = (
    "n_lembar",
    "n_kesiapan",
    "n_belum_siap",
    "share_belum_siap",
    "n_pelatihan_dijawab",
    "n_butuh_pelatihan",
    "share_butuh_pelatihan",
)


def _opt_float(v) -> float | None:
    return None if pd.isna(v) else float(v)


@dataclass(frozen=True)
class PeriodFeedback:
    """Readiness and training need of one period's feedback sheets, suppressed when too few.

    Attributes
    ----------
    period : str
        The period id.
    sheets : int or None
        Answer sheets in the period; None when suppressed.
    answered : int
        Sheets that answered the readiness item (0 without sheets). Always given: the number
        of answers is not sensitive, the split of a small group would be.
    unready : int or None
        Sheets not ready (readiness 1..2); None when suppressed.
    share_unready, share_training : float or None
        Share not ready among the readiness answers, share asking for training (4..5) among
        the training-need answers; None when suppressed or when nobody answered.
    suppressed : bool
        True when there are no sheets or ``answered < min_cell``.
    training_recommended : bool
        Not suppressed and ``share_unready > unready_threshold``.
    min_cell : int
    unready_threshold : float
    """

    period: str
    sheets: int | None
    answered: int
    unready: int | None
    share_unready: float | None
    share_training: float | None
    suppressed: bool
    training_recommended: bool
    min_cell: int
    unready_threshold: float
    # The readiness row itself, for table(): kept as readiness() gave it (dtypes included).
    _row: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def table(self) -> pd.DataFrame:
        """One row with :data:`FEEDBACK_COLUMNS`, or no row when suppressed."""
        if self.suppressed or self._row is None:
            return pd.DataFrame(columns=list(FEEDBACK_COLUMNS))
        return self._row[list(FEEDBACK_COLUMNS)].copy()

    def to_dict(self) -> dict:
        """Plain JSON-safe values (the table left out)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


def period_feedback(
    sheets: pd.DataFrame, period_id: str, min_cell: int, unready_threshold: float, lang: str = "id"
) -> PeriodFeedback:
    """One period's readiness and training need, with the suppression a report applies.

    Parameters
    ----------
    sheets : DataFrame
        Answer sheets with a ``periode`` column (:func:`mutasi_analysis.ikm.add_period` with
        the region's period kind); every period may be present, only ``period_id``'s rows are
        used.
    period_id : str or Period
        The report period.
    min_cell : int
        Fewest readiness answers for the period's numbers to be shown
        (``thresholds.min_cell_size``).
    unready_threshold : float
        Share not ready above which training before the next rotation is recommended
        (``thresholds.unready_share_training``).
    lang : {"id", "en"}
        Language of :func:`readiness`' note (not kept in the result).

    Returns
    -------
    PeriodFeedback
    """
    pid = period_id.id if isinstance(period_id, Period) else str(period_id)
    if "periode" not in sheets.columns:
        raise ValueError("sheets need a 'periode' column: add it with ikm.add_period(sheets, kind)")
    current = sheets[sheets["periode"].astype(str) == pid]
    row = readiness(current, lang=lang) if len(current) else None
    answered = int(row["n_kesiapan"].iloc[0]) if row is not None else 0
    suppressed = row is None or answered < int(min_cell)
    if suppressed:
        return PeriodFeedback(pid, None, answered, None, None, None, True, False, int(min_cell),
                              float(unready_threshold), None)
    r = row.iloc[0]
    share_unready = _opt_float(r["share_belum_siap"])
    return PeriodFeedback(
        period=pid,
        sheets=int(r["n_lembar"]),
        answered=answered,
        unready=int(r["n_belum_siap"]),
        share_unready=share_unready,
        share_training=_opt_float(r["share_butuh_pelatihan"]),
        suppressed=False,
        training_recommended=bool(share_unready is not None and share_unready > unready_threshold),
        min_cell=int(min_cell),
        unready_threshold=float(unready_threshold),
        _row=row,
    )


def item_summary(responses: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Per item: answers, mean and share agreeing (4..5), hidden where few answered.

    Answer counts per category are cells of a few people, so a report shows the mean and the
    share agreeing instead of :func:`item_distribution`'s counts.

    Parameters
    ----------
    responses : DataFrame
        Answer sheets (one period's, as a report shows them).
    min_cell : int
        Fewest answers for an item's mean and share to be shown.

    Returns
    -------
    DataFrame
        ``item, n_jawab, rata_rata, share_setuju`` (``share_setuju`` = (likert_4 + likert_5)
        / n_jawab); ``rata_rata`` and ``share_setuju`` are NA where ``n_jawab < min_cell``.
    """
    dist = item_distribution(responses)
    share = (dist["likert_4"] + dist["likert_5"]) / dist["n_jawab"].where(dist["n_jawab"] > 0)
    small = dist["n_jawab"] < int(min_cell)
    return pd.DataFrame({
        "item": dist["item"].astype(str),
        "n_jawab": dist["n_jawab"].astype("int64"),
        "rata_rata": dist["rata_rata"].astype("Float64").mask(small),
        "share_setuju": share.astype("Float64").mask(small),
    })


#: Groupings of :func:`readiness_breakdowns`, in the order a report shows them.
BREAKDOWNS = ("jenis_unit", "golongan", "kelompok_sejak_mutasi")


def readiness_breakdowns(
    sheets: pd.DataFrame,
    config,
    pegawai: pd.DataFrame,
    riwayat: pd.DataFrame,
    min_cell: int,
    lang: str = "id",
) -> dict[str, pd.DataFrame]:
    """Share not ready by unit type, golongan and time since rotation, small cells hidden.

    Parameters
    ----------
    sheets : DataFrame
        Answer sheets to split: a report passes every sheet up to the period's end (one
        period holds too few sheets to split).
    config : RegionConfig
        Gives the unit types, and the rules that find rotations in ``riwayat``.
    pegawai : DataFrame
        Processed ``pegawai`` (``pid``, ``golongan``).
    riwayat : DataFrame
        Processed ``riwayat_jabatan``: the rotations (``mutasi_unor``) of
        :func:`mutasi_analysis.rotation.rotation_events` give the time since rotation.
    min_cell : int
        Fewest people in a shown cell (see :func:`readiness_by_group`).
    lang : {"id", "en"}
        Language of the time-since-rotation bands.

    Returns
    -------
    dict of str to DataFrame
        Keys :data:`BREAKDOWNS` in that order, each :func:`readiness_by_group`'s frame
        (``kelompok, n_kesiapan, share_belum_siap``); empty frames when there are no sheets.
    """
    # Imported here: the rest of this module takes rotation dates as an argument and does not
    # depend on the rotation rules.
    from .rotation import rotation_events

    if len(sheets) == 0:
        empty = pd.DataFrame({"kelompok": pd.Series(dtype="str"), "n_kesiapan": pd.Series(dtype="int64"),
                              "share_belum_siap": pd.Series(dtype="float64")})
        return {col: empty.copy() for col in BREAKDOWNS}
    events = rotation_events(riwayat, config)
    grouped = add_time_since_rotation(add_golongan(add_unit_type(sheets, config), pegawai), events, lang=lang)
    return {col: readiness_by_group(grouped, col, min_cell=min_cell, lang=lang) for col in BREAKDOWNS}


def readiness_trend(sheets: pd.DataFrame, until, min_cell: int, lang: str = "id") -> pd.DataFrame:
    """Readiness per period up to ``until``, periods with fewer than ``min_cell`` answers left out.

    Parameters
    ----------
    sheets : DataFrame
        Answer sheets with a ``periode`` column (:func:`mutasi_analysis.ikm.add_period`).
    until : str or Period
        Last period kept (the report period); later periods are left out.
    min_cell : int
        Fewest readiness answers (``n_kesiapan``) for a period to be kept.
    lang : {"id", "en"}
        Language of the note column.

    Returns
    -------
    DataFrame
        :func:`readiness` by ``periode``: the rows with ``periode <= until`` and
        ``n_kesiapan >= min_cell``, oldest first (no rows when there are no sheets).
    """
    last = until.id if isinstance(until, Period) else str(until)
    if len(sheets) == 0:
        cols = ["periode", *FEEDBACK_COLUMNS, "catatan"]
        return pd.DataFrame(columns=cols)
    trend = readiness(sheets, by=("periode",), lang=lang)
    # Period ids of one kind sort as text in time order (2025-S2 < 2026-S1).
    keep = (trend["periode"] <= last) & (trend["n_kesiapan"] >= int(min_cell))
    return trend[keep].reset_index(drop=True)


def add_unit_type(responses: pd.DataFrame, units) -> pd.DataFrame:
    """Add ``jenis_unit`` from the region config (or a ``unit`` table) by ``kode_unit``.

    Raises
    ------
    ConfigError
        When a sheet's unit code is not among the units.
    """
    frame = units.units_frame() if hasattr(units, "units_frame") else units
    if not {"kode_unit", "jenis_unit"} <= set(frame.columns):
        raise ValueError("units must be a RegionConfig or a table with kode_unit and jenis_unit")
    if "kode_unit" not in responses.columns:
        raise DataError("staff survey lacks column 'kode_unit'")
    mapping = dict(zip(frame["kode_unit"].astype(str), frame["jenis_unit"].astype(str)))
    codes = responses["kode_unit"].astype(str)
    unknown = sorted(set(codes) - set(mapping))
    if unknown:
        raise ConfigError(
            f"staff survey names unit code(s) {', '.join(unknown)} that are not in the region config; "
            f"known codes: {', '.join(mapping)}"
        )
    return responses.assign(jenis_unit=codes.map(mapping).astype("str"))


def add_golongan(responses: pd.DataFrame, pegawai: pd.DataFrame) -> pd.DataFrame:
    """Add ``golongan`` from the processed ``pegawai`` table by ``pid``.

    Golongan is reduced to its roman group (``III/b`` -> ``III``) so that cells stay large
    enough to show; PPPK grades keep their own label.

    Raises
    ------
    DataError
        When a sheet's ``pid`` is not in ``pegawai``.
    """
    for col, frame, name in (("pid", responses, "staff survey"), ("pid", pegawai, "pegawai"), ("golongan", pegawai, "pegawai")):
        if col not in frame.columns:
            raise DataError(f"{name} lacks column {col!r}")
    mapping = dict(zip(pegawai["pid"].astype(str), pegawai["golongan"].astype(str)))
    pids = responses["pid"].astype(str)
    unknown = pids[~pids.isin(mapping)]
    if len(unknown):
        raise DataError(f"{len(unknown)} staff survey sheet(s) have a pid that is not in pegawai; re-run ingestion")
    gol = pids.map(mapping)
    group = gol.str.split("/").str[0]
    return responses.assign(golongan=group.astype("str"))


def _rotation_frame(rotation_dates) -> pd.DataFrame:
    if isinstance(rotation_dates, pd.Series):
        frame = pd.DataFrame({"pid": rotation_dates.index.astype(str), "tanggal_mutasi": pd.to_datetime(rotation_dates.to_numpy())})
    elif isinstance(rotation_dates, pd.DataFrame):
        date_col = next((c for c in ("tanggal_mutasi", "tmt_jabatan") if c in rotation_dates.columns), None)
        if "pid" not in rotation_dates.columns or date_col is None:
            raise ValueError("rotation_dates needs columns pid and tanggal_mutasi (or tmt_jabatan)")
        frame = pd.DataFrame({"pid": rotation_dates["pid"].astype(str), "tanggal_mutasi": pd.to_datetime(rotation_dates[date_col])})
    else:
        raise ValueError("rotation_dates must be a Series (pid -> date) or a DataFrame (pid, tanggal_mutasi)")
    if frame["tanggal_mutasi"].isna().any():
        raise DataError("rotation dates contain missing dates")
    return frame


def _latest_rotation(responses: pd.DataFrame, rotation_dates) -> pd.Series:
    """Per sheet: the person's latest rotation date on or before the sheet's date (NaT if none)."""
    if not {"pid", "tanggal"} <= set(responses.columns):
        raise DataError("staff survey needs columns pid and tanggal")
    rot = _rotation_frame(rotation_dates).sort_values("tanggal_mutasi")
    # merge_asof needs one datetime resolution on both sides (parquet may give ms or us)
    rot["tanggal_mutasi"] = rot["tanggal_mutasi"].astype("datetime64[ns]")
    sheets = pd.DataFrame(
        {
            "pid": responses["pid"].astype(str),
            "tanggal": pd.to_datetime(responses["tanggal"]).astype("datetime64[ns]"),
            "_row": np.arange(len(responses)),
        }
    )
    if sheets["tanggal"].isna().any():
        raise DataError("staff survey sheets without a date (tanggal)")
    merged = pd.merge_asof(
        sheets.sort_values("tanggal"),
        rot,
        left_on="tanggal",
        right_on="tanggal_mutasi",
        by="pid",
        direction="backward",
    ).sort_values("_row")
    return pd.Series(merged["tanggal_mutasi"].to_numpy(), index=responses.index, name="tanggal_mutasi")


def add_time_since_rotation(responses: pd.DataFrame, rotation_dates, bins=SINCE_BINS, lang: str = "id") -> pd.DataFrame:
    """Add months since the latest rotation and its band (< 6, 6-12, 12-24, >= 24 months).

    Parameters
    ----------
    responses : DataFrame
        Answer sheets with ``pid`` and ``tanggal``.
    rotation_dates : Series or DataFrame
        Rotations: a Series pid -> date, or a frame with ``pid`` and ``tanggal_mutasi`` (or
        ``tmt_jabatan``, e.g. the ``mutasi_unor`` rows of
        :func:`mutasi_analysis.rotation.classify_moves`), several per person allowed.
    bins : sequence of float
        Band edges in months, left-closed; the default gives the four labelled bands.
    lang : {"id", "en"}
        Language of the band labels.

    Returns
    -------
    DataFrame
        A copy with ``tanggal_mutasi``, ``bulan_sejak_mutasi`` (months of 30.4375 days, one
        decimal) and ``kelompok_sejak_mutasi``; sheets with no rotation on or before their date
        are in the band "Tanpa data mutasi", never dropped.
    """
    if tuple(bins) != SINCE_BINS:
        keys = [f"{bins[i]:g}-{bins[i + 1]:g}" for i in range(len(bins) - 1)]
        names = keys
    else:
        names = [label(k, lang) for k in SINCE_KEYS]
    last = _latest_rotation(responses, rotation_dates)
    months = ((pd.to_datetime(responses["tanggal"]) - last).dt.days / 30.4375).round(1)
    band = pd.cut(months, bins=list(bins), right=False, labels=names)
    band = band.astype("object").where(band.notna(), label("sejak_tidak_diketahui", lang))
    return responses.assign(
        tanggal_mutasi=last,
        bulan_sejak_mutasi=months.astype("Float64"),
        kelompok_sejak_mutasi=band.astype("str"),
    )


# --- comparisons --------------------------------------------------------------------------------


def diff_proportions(count1: int, n1: int, count2: int, n2: int, level: float = 0.95) -> tuple[float, float, float]:
    """Difference of two independent proportions p1 - p2 with Newcombe's hybrid score interval.

    Uses statsmodels' ``confint_proportions_2indep(method="newcomb")`` (Newcombe 1998, method
    10), which keeps inside [-1, 1] and behaves at small counts, unlike the Wald interval.

    Returns
    -------
    tuple of float
        ``(difference, conf_low, conf_high)``.
    """
    if min(n1, n2) < 1:
        raise ValueError("both groups need at least one observation")
    low, high = confint_proportions_2indep(count1, n1, count2, n2, method="newcomb", compare="diff", alpha=1 - level)
    return count1 / n1 - count2 / n2, float(low), float(high)


_MEASURES = {
    "belum_siap": ("n_kesiapan", "n_belum_siap", "share_belum_siap"),
    "butuh_pelatihan": ("n_pelatihan_dijawab", "n_butuh_pelatihan", "share_butuh_pelatihan"),
}


def change_from_previous(
    responses: pd.DataFrame,
    period: str,
    *,
    kind: str = "semester",
    by=(),
    measure: str = "belum_siap",
    level: float = 0.95,
    lang: str = "id",
) -> pd.DataFrame:
    """Change in the share not ready (or asking for training) from the previous period.

    Parameters
    ----------
    responses : DataFrame
        Answer sheets with ``tanggal`` (or a ``periode`` column of ``kind``).
    period : str
        The current period id, e.g. ``2025-S2``.
    kind : str
        Period kind of the region config.
    by : sequence of str
        Extra grouping columns (e.g. ``("jenis_unit",)``).
    measure : {"belum_siap", "butuh_pelatihan"}
        Share not ready (default) or share asking for training.
    level : float
        Confidence level of the Newcombe interval for the difference.
    lang : {"id", "en"}
        Language of the note.

    Returns
    -------
    DataFrame
        Per group: ``periode``, ``periode_sebelumnya``, the measure's answered count, case
        count and share (``n_kesiapan``, ``n_belum_siap``, ``share_belum_siap`` by default),
        the same three with suffix ``_sebelumnya``, ``selisih`` (current minus previous),
        ``ci_bawah``, ``ci_atas`` and ``catatan``. A group missing in either period gets no
        difference and a note.
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {', '.join(_MEASURES)}, got {measure!r}")
    n_col, c_col, s_col = _MEASURES[measure]
    current = parse_period(period, kind)
    prev = current.previous()
    df = responses if "periode" in responses.columns else add_period(responses, kind)
    by = _by(df, by)
    both = df[df["periode"].isin([current.id, prev.id])]
    if both.empty:
        raise DataError(f"no staff survey sheets in {prev.id} or {current.id}")
    table = readiness(both, by=["periode"] + by, lang=lang)
    cur = table[table["periode"] == current.id].drop(columns="periode")
    old = table[table["periode"] == prev.id].drop(columns="periode")
    keep = [n_col, c_col, s_col]
    if by:
        merged = cur[by + keep].merge(old[by + keep], on=by, how="outer", suffixes=("", "_sebelumnya"))
    else:
        merged = pd.concat(
            [cur[keep].reset_index(drop=True), old[keep].add_suffix("_sebelumnya").reset_index(drop=True)], axis=1
        )
        if merged.empty:
            merged = pd.DataFrame([{}], columns=keep + [k + "_sebelumnya" for k in keep])
    rows = []
    for _, r in merged.iterrows():
        n1, n0 = r.get(n_col), r.get(f"{n_col}_sebelumnya")
        row = {c: r[c] for c in by}
        if pd.isna(n1) or pd.isna(n0) or n1 == 0 or n0 == 0:
            row.update(selisih=np.nan, ci_bawah=np.nan, ci_atas=np.nan, catatan=label("not_enough_data", lang))
        else:
            d, lo, hi = diff_proportions(int(r[c_col]), int(n1), int(r[f"{c_col}_sebelumnya"]), int(n0), level)
            row.update(selisih=d, ci_bawah=lo, ci_atas=hi, catatan="")
        rows.append(row)
    extra = pd.DataFrame(rows, index=merged.index)
    out = pd.concat([merged[by + [c for c in merged.columns if c not in by]], extra.drop(columns=by)], axis=1)
    out.insert(len(by), "periode", current.id)
    out.insert(len(by) + 1, "periode_sebelumnya", prev.id)
    for c in (n_col, c_col, f"{n_col}_sebelumnya", f"{c_col}_sebelumnya"):
        out[c] = out[c].fillna(0).astype("int64")
    for c in (s_col, f"{s_col}_sebelumnya", "selisih", "ci_bawah", "ci_atas"):
        out[c] = out[c].astype("Float64")
    out["catatan"] = out["catatan"].astype("str")
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class TrainingLink:
    """Readiness of staff trained before their rotation versus not: an association.

    Attributes
    ----------
    n_trained, n_untrained : int
        Sheets (one per person and rotation) in each group with a readiness answer.
    n_no_rotation : int
        Sheets left out because no rotation on or before their date is on record.
    mean_trained, mean_untrained, mean_diff, mean_conf_low, mean_conf_high : float or None
        Mean readiness (1..5), difference trained minus untrained, Welch interval.
    share_unready_trained, share_unready_untrained, share_diff, share_conf_low, share_conf_high : float or None
        Share not ready, difference trained minus untrained, Newcombe interval.
    pvalue : float or None
        Welch t-test of the mean difference.
    level : float
    status, note : str
        ``"ok"`` or ``"not_enough_data"`` and why.
    """

    n_trained: int
    n_untrained: int
    n_no_rotation: int
    mean_trained: float | None
    mean_untrained: float | None
    mean_diff: float | None
    mean_conf_low: float | None
    mean_conf_high: float | None
    pvalue: float | None
    share_unready_trained: float | None
    share_unready_untrained: float | None
    share_diff: float | None
    share_conf_low: float | None
    share_conf_high: float | None
    level: float
    status: str
    note: str

    def to_dict(self) -> dict:
        """Plain JSON-safe values."""
        return asdict(self)


def training_link(
    responses: pd.DataFrame,
    training: pd.DataFrame,
    rotation_dates,
    *,
    window_days: int | None = 365,
    level: float = 0.95,
    min_group: int = 2,
    lang: str = "id",
) -> TrainingLink:
    """Did staff trained before their rotation report higher readiness? (association only)

    Each sheet is matched to the person's latest rotation on or before its date; only the
    first sheet per person and rotation is kept (the answer closest to the move; later sheets
    of the same move would count the same person twice). The person counts as trained when a
    training in ``training`` ended on or before the rotation date and no more than
    ``window_days`` before it: preparation for the move, not routine training years earlier.

    Parameters
    ----------
    responses : DataFrame
        Answer sheets: ``pid``, ``tanggal``, ``kesiapan_tugas``.
    training : DataFrame
        Processed ``pelatihan``: ``pid``, ``tanggal_selesai``.
    rotation_dates : Series or DataFrame
        As for :func:`add_time_since_rotation`.
    window_days : int or None, default 365
        Only trainings ending within this many days before the rotation count; ``None``
        counts any earlier training. Reports state the window.
    level : float
        Confidence level of both intervals.
    min_group : int, default 2
        Fewest sheets per group for a comparison.
    lang : {"id", "en"}
        Language of the note.

    Returns
    -------
    TrainingLink
        Mean difference with Welch's interval (scipy ``ttest_ind(equal_var=False)``) and
        difference in the share not ready with Newcombe's interval (statsmodels);
        ``status="not_enough_data"`` when a group has fewer than ``min_group`` sheets.
    """
    if not {"pid", "tanggal_selesai"} <= set(training.columns):
        raise DataError("training table needs columns pid and tanggal_selesai")
    x = validate_responses(responses, ["kesiapan_tugas"])["kesiapan_tugas"]
    last = _latest_rotation(responses, rotation_dates)
    sheets = pd.DataFrame(
        {
            "pid": responses["pid"].astype(str),
            "tanggal": pd.to_datetime(responses["tanggal"]),
            "rot": last,
            "k": x,
        }
    )
    n_no_rot = int(sheets["rot"].isna().sum())
    sheets = sheets[sheets["rot"].notna() & sheets["k"].notna()]
    sheets = sheets.sort_values(["pid", "rot", "tanggal"], kind="stable").drop_duplicates(["pid", "rot"], keep="first")
    tr = pd.DataFrame({"pid": training["pid"].astype(str), "end": pd.to_datetime(training["tanggal_selesai"])}).dropna()
    pairs = sheets[["pid", "rot"]].drop_duplicates().merge(tr, on="pid", how="inner")
    ok = pairs["end"] <= pairs["rot"]
    if window_days is not None:
        if window_days < 0:
            raise ValueError(f"window_days must be >= 0 or None, got {window_days!r}")
        ok &= pairs["end"] >= pairs["rot"] - pd.Timedelta(days=int(window_days))
    trained_keys = set(map(tuple, pairs.loc[ok, ["pid", "rot"]].itertuples(index=False, name=None)))
    is_trained = np.array([(p, r) in trained_keys for p, r in zip(sheets["pid"], sheets["rot"])], dtype=bool)
    a = sheets["k"].to_numpy()[is_trained]
    b = sheets["k"].to_numpy()[~is_trained]
    base = dict(n_trained=len(a), n_untrained=len(b), n_no_rotation=n_no_rot, level=level)
    if len(a) < min_group or len(b) < min_group:
        empty = dict.fromkeys(
            [
                "mean_trained", "mean_untrained", "mean_diff", "mean_conf_low", "mean_conf_high", "pvalue",
                "share_unready_trained", "share_unready_untrained", "share_diff", "share_conf_low", "share_conf_high",
            ]
        )
        return TrainingLink(**base, **empty, status=_NED, note=label("note_few_respondents", lang).format(n=min_group))
    res = stats.ttest_ind(a, b, equal_var=False)
    ci = res.confidence_interval(confidence_level=level)
    ua, ub = int((a <= UNREADY_MAX).sum()), int((b <= UNREADY_MAX).sum())
    d, lo, hi = diff_proportions(ua, len(a), ub, len(b), level)
    return TrainingLink(
        **base,
        mean_trained=float(a.mean()),
        mean_untrained=float(b.mean()),
        mean_diff=float(a.mean() - b.mean()),
        mean_conf_low=float(ci.low),
        mean_conf_high=float(ci.high),
        pvalue=float(res.pvalue),
        share_unready_trained=ua / len(a),
        share_unready_untrained=ub / len(b),
        share_diff=float(d),
        share_conf_low=lo,
        share_conf_high=hi,
        status=_OK,
        note="",
    )
