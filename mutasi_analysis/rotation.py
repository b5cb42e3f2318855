"""Rotation and compliance: position spells, move classes, counts, flows, knowledge spread,
compliance flags and treatment timing.

Every function takes the processed ``riwayat_jabatan`` table (``data/processed/README.md``),
keyed on ``pid``, and a :class:`~mutasi_analysis.config.RegionConfig`. The rules are those of
``docs/definitions.md`` ("Position history" and "Treatment timing"); thresholds, windows and
legal bases come from the config, never from this module.

Conventions
-----------
- Records of a person are ordered by ``tmt_jabatan``; records on the same day keep their input
  order (a stable sort), so the input order decides ties.
- The "previous definitive record" of a record is the latest *earlier* record of the same person
  whose ``jenis_penugasan`` is ``D``. A record with no earlier definitive record (only possible
  when the first record is acting or an added task) has no previous unit, so it cannot be a
  ``mutasi_unor``: it falls through to ``mutasi_jabatan`` as the definitions say.
- Output frames keep the input row labels (the index of ``riwayat``) in a ``record`` column so
  a flag can be traced back to its source row.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from . import text as _text
from .config import RegionConfig
from .errors import DataError
from .periods import Period, parse_period, period_of
from .processed import as_datetime as _as_datetime

__all__ = [
    "CLASSES",
    "ROTATION_CLASSES",
    "MOVE_CLASSES",
    "HEAD_PATTERN",
    "LABELS",
    "classify_moves",
    "rotation_events",
    "spells",
    "headcount",
    "rotation_counts",
    "moves_by_period",
    "flow_matrix",
    "knowledge_spread",
    "rotation_candidates",
    "compliance_flags",
    "compliance_summary",
    "monthly_rotation",
    "treatment_cohorts",
    "cohort_table",
    "month_index",
    "month_label",
]

#: Record classes, in the order the rules are tried (first match wins).
CLASSES = (
    "pengangkatan_pertama",
    "penugasan_sementara",
    "tugas_tambahan",
    "penyetaraan",
    "mutasi_unor",
    "mutasi_jabatan",
)
#: Classes that count as a rotation (a change of unit).
ROTATION_CLASSES = ("mutasi_unor",)
#: Classes that count as a move for the compliance rules.
MOVE_CLASSES = ("mutasi_unor", "mutasi_jabatan")
#: Head of unit, matched case-insensitively against ``nama_jabatan``.
HEAD_PATTERN = r"^(?:camat|lurah|kepala)\b"
_ACTING = ("PLT", "PLH", "PJ")
_PENUGASAN = ("D", "PLT", "PLH", "PJ", "TT")
_REQUIRED = ("pid", "kode_unit", "nama_jabatan", "jenis_jabatan", "tmt_jabatan", "jenis_penugasan")
_YEAR = 365.25  # days per year for tenure, as docs/definitions.md fixes

#: Indonesian and English labels of the columns and codes this module shows.
LABELS = _text.labels('pid', 'kode_unit', 'nama_jabatan', 'kelas', 'start', 'end', 'tenure_years', 'tahun_menjabat', 'definitif', 'periode', 'masuk', 'keluar', 'headcount_awal', 'headcount_akhir', 'rate_masuk', 'rate_keluar', 'asal', 'tanggal_mutasi', 'tujuan', 'pernah_unit_lain', 'share_pernah_unit_lain', 'rule', 'legal_basis', 'tanggal', 'years', 'detail', 'bulan', 'share_rotated_in', 'kepala_masuk', 'cohort', 'definition', 'threshold', 'pengangkatan_pertama', 'penugasan_sementara', 'tugas_tambahan', 'penyetaraan', 'mutasi_unor', 'mutasi_jabatan', 'min_years', 'max_years', 'freeze', 'share_rotated_in_def', 'first_rotation_def', 'head_rotated_def')


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def month_index(day) -> int | np.ndarray:
    """Integer month ``year * 12 + month - 1`` used in estimation panels.

    Parameters
    ----------
    day : date-like or array-like of date-like

    Returns
    -------
    int or numpy.ndarray of int
    """
    if isinstance(day, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        d = pd.DatetimeIndex(pd.to_datetime(pd.Series(day)))
        return (d.year * 12 + d.month - 1).to_numpy(dtype=np.int64)
    d = pd.Timestamp(day)
    return int(d.year * 12 + d.month - 1)


def month_label(t: int) -> str:
    """``YYYY-MM`` display label of an integer month (see :func:`month_index`)."""
    t = int(t)
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def _month_end(t: int) -> pd.Timestamp:
    y, m = divmod(int(t), 12)
    return pd.Timestamp(y, m + 1, 1) + pd.offsets.MonthEnd(0)


def _check_riwayat(riwayat: pd.DataFrame, config: RegionConfig) -> pd.DataFrame:
    """Validate a processed riwayat_jabatan frame; return a working copy."""
    if not isinstance(riwayat, pd.DataFrame):
        raise ValueError(f"riwayat must be a pandas DataFrame, got {type(riwayat).__name__}")
    if "nip" in riwayat.columns:
        raise DataError(
            "riwayat_jabatan holds a 'nip' column: analysis functions take the processed table "
            "keyed on 'pid' (run `mutasi ingest` first); a NIP must not travel past ingestion"
        )
    missing = [c for c in _REQUIRED if c not in riwayat.columns]
    if missing:
        raise DataError(
            f"riwayat_jabatan lacks column(s) {', '.join(missing)}; expected the processed table "
            "described in data/processed/README.md"
        )
    df = riwayat.copy()
    df["tmt_jabatan"] = _as_datetime(df["tmt_jabatan"], "riwayat_jabatan", "tmt_jabatan")
    bad = df["tmt_jabatan"].isna()
    if bad.any():
        raise DataError(
            f"riwayat_jabatan has {int(bad.sum())} row(s) without tmt_jabatan "
            f"(row labels {list(df.index[bad][:5])}); ingestion should have rejected them"
        )
    for col in ("pid", "kode_unit"):
        if df[col].isna().any():
            raise DataError(f"riwayat_jabatan has blank {col} in row(s) {list(df.index[df[col].isna()][:5])}")
    unknown = sorted(set(df["kode_unit"].astype(str)) - set(config.unit_codes))
    if unknown:
        raise DataError(
            f"riwayat_jabatan names unit code(s) not in the region config {config.source or ''}: "
            f"{', '.join(unknown)}; add them to the config or re-run ingestion with this config "
            f"(known codes: {', '.join(config.unit_codes)})"
        )
    pen = df["jenis_penugasan"].astype("string").str.strip().str.upper()
    badp = ~pen.isin(_PENUGASAN) | pen.isna()
    if badp.any():
        vals = sorted(set(pen[badp].fillna("<blank>")))
        raise DataError(
            f"riwayat_jabatan has jenis_penugasan value(s) {', '.join(vals)}; allowed: {', '.join(_PENUGASAN)}"
        )
    df["jenis_penugasan"] = pen.astype(str)
    jj = pd.to_numeric(df["jenis_jabatan"], errors="coerce")
    badj = jj.isna() | ~jj.isin([1, 2, 3, 4])
    if badj.any():
        vals = sorted(set(df.loc[badj, "jenis_jabatan"].astype("string").fillna("<blank>")))
        raise DataError(
            f"riwayat_jabatan has jenis_jabatan value(s) {', '.join(vals)} in row(s) {list(df.index[badj][:5])}; "
            "allowed: 1 struktural, 2 fungsional tertentu, 3 rangkap, 4 fungsional umum"
        )
    df["jenis_jabatan"] = jj.astype("Int64")
    if "nomor_persetujuan" not in df.columns:
        df["nomor_persetujuan"] = pd.Series(pd.NA, index=df.index, dtype="string")
    df["kode_unit"] = df["kode_unit"].astype(str)
    df["pid"] = df["pid"].astype(str)
    return df


def _as_period(p, kind: str) -> Period:
    if isinstance(p, Period):
        if p.kind != kind:
            raise ValueError(f"period {p.id} is a {p.kind}, but the period kind here is {kind!r}")
        return p
    return parse_period(str(p), kind)


def _periods(periods, kind: str, default_dates: pd.Series) -> list[Period]:
    if periods is None:
        if default_dates.empty:
            raise DataError("no records to derive periods from; pass `periods` explicitly")
        p, last = period_of(default_dates.min(), kind), period_of(default_dates.max(), kind)
        out = []
        while p <= last:
            out.append(p)
            p = p.next()
        return out
    if isinstance(periods, (str, Period)):
        periods = [periods]
    out = [_as_period(p, kind) for p in periods]
    if not out:
        raise ValueError("periods is empty; pass at least one period")
    return out


# --------------------------------------------------------------------------------------
# classification and spells
# --------------------------------------------------------------------------------------
def classify_moves(riwayat: pd.DataFrame, config: RegionConfig) -> pd.DataFrame:
    """Classify every position-history record per ``docs/definitions.md``.

    Parameters
    ----------
    riwayat : DataFrame
        Processed ``riwayat_jabatan`` (columns pid, kode_unit, nama_jabatan, jenis_jabatan,
        tmt_jabatan, jenis_penugasan; optional nomor_persetujuan and the rest).
    config : RegionConfig
        Gives the equalisation window.

    Returns
    -------
    DataFrame
        The input rows sorted by pid and tmt_jabatan (ties keep input order), with added
        columns ``record`` (the input row label), ``kelas`` (one of :data:`CLASSES`),
        ``prev_unit`` and ``prev_jenis_jabatan`` (of the previous definitive record; NA when
        none), ``post_start`` (for definitive records: the day the post began, which a 2021
        equalisation record does not reset), ``prev_tmt`` (the previous definitive post's
        ``post_start``), ``prev_tenure_years`` (years from ``prev_tmt`` to this record),
        ``is_rotation`` and ``is_move``.

    Raises
    ------
    DataError
        When a required column is missing, a unit code is not in the config, a date or code is
        missing or outside its vocabulary, or the frame still carries NIPs.
    """
    df = _check_riwayat(riwayat, config)
    df["record"] = df.index
    df = df.sort_values(["pid", "tmt_jabatan"], kind="stable").reset_index(drop=True)
    g = df["pid"]
    is_d = df["jenis_penugasan"].eq("D")
    # Latest definitive record strictly before each row: forward-fill the definitive values
    # within the person, then shift by one row.
    def prev_def(col):
        return df[col].where(is_d).groupby(g).ffill().groupby(g).shift(1)

    df["prev_unit"] = prev_def("kode_unit")
    df["prev_jenis_jabatan"] = prev_def("jenis_jabatan").astype("Int64")
    # The first appointment is the person's first definitive record (an acting record before
    # it is classified as acting); a person with no definitive record has their first record.
    has_d = is_d.groupby(g).transform("any")
    first = (is_d & is_d.astype(int).groupby(g).cumsum().eq(1)) | (~has_d & df.groupby(g).cumcount().eq(0))
    eq_lo = pd.Timestamp(config.rotation.equalisation_start)
    eq_hi = pd.Timestamp(config.rotation.equalisation_end)
    same_unit = df["kode_unit"].eq(df["prev_unit"]).fillna(False).astype(bool)
    equalised = (
        df["prev_jenis_jabatan"].eq(1).fillna(False).astype(bool)
        & df["jenis_jabatan"].eq(2).fillna(False).astype(bool)
        & same_unit
        & df["tmt_jabatan"].between(eq_lo, eq_hi)
    )
    unit_changed = df["prev_unit"].notna() & ~same_unit
    conds = [
        first.to_numpy(),
        df["jenis_penugasan"].isin(_ACTING).to_numpy(),
        df["jenis_penugasan"].eq("TT").to_numpy(),
        equalised.to_numpy(),
        unit_changed.to_numpy(),
    ]
    df["kelas"] = pd.Series(np.select(conds, list(CLASSES[:5]), default=CLASSES[5]), index=df.index, dtype="str")
    # The 2021 equalisation renamed a post without moving anyone: tenure in the post runs on
    # from the record before it (docs/definitions.md), so ``post_start`` carries that date.
    starts = df["tmt_jabatan"].where(is_d & df["kelas"].ne("penyetaraan"))
    df["post_start"] = starts.where(is_d).groupby(g).ffill().where(is_d)
    df["prev_tmt"] = df["post_start"].where(is_d).groupby(g).ffill().groupby(g).shift(1)
    df["prev_tenure_years"] = (df["tmt_jabatan"] - df["prev_tmt"]).dt.days / _YEAR
    df["is_rotation"] = df["kelas"].isin(ROTATION_CLASSES)
    df["is_move"] = df["kelas"].isin(MOVE_CLASSES)
    return df


def rotation_events(riwayat: pd.DataFrame, config: RegionConfig) -> pd.DataFrame:
    """Every rotation (``mutasi_unor``): who moved, when, from where and to where.

    The frame is what :func:`mutasi_analysis.survey.add_time_since_rotation` takes as
    ``rotation_dates`` (several rotations per person allowed).

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig

    Returns
    -------
    DataFrame
        ``pid, tanggal_mutasi, asal, tujuan, nama_jabatan, record``, sorted by date and pid.
    """
    cls = classify_moves(riwayat, config)
    r = cls[cls["is_rotation"]]
    out = pd.DataFrame({
        "pid": r["pid"],
        "tanggal_mutasi": r["tmt_jabatan"],
        "asal": r["prev_unit"].astype(str),
        "tujuan": r["kode_unit"],
        "nama_jabatan": r["nama_jabatan"],
        "record": r["record"],
    })
    return out.sort_values(["tanggal_mutasi", "pid"], kind="stable").reset_index(drop=True)


def spells(riwayat: pd.DataFrame, config: RegionConfig, as_of) -> pd.DataFrame:
    """Position spells: one row per person and post, with start, end and tenure.

    Parameters
    ----------
    riwayat : DataFrame
        Processed ``riwayat_jabatan``.
    config : RegionConfig
    as_of : date-like
        Evaluation date: records after it are ignored and open spells end on it.

    Returns
    -------
    DataFrame
        Columns ``record, pid, kode_unit, nama_jabatan, kelas, definitif, start, end, open,
        tenure_years``. A definitive spell ends at the person's next definitive record
        (``docs/definitions.md``); an acting assignment or added task ends at the person's
        next record of any kind, because the data hold no end date for it. ``open`` is True
        for spells still running at ``as_of``. Tenure is in years of 365.25 days.
    """
    as_of = pd.Timestamp(as_of)
    df = classify_moves(riwayat, config)
    df = df[df["tmt_jabatan"] <= as_of].reset_index(drop=True)
    g = df["pid"]
    is_d = df["jenis_penugasan"].eq("D")
    next_def = df["tmt_jabatan"].where(is_d).groupby(g).bfill().groupby(g).shift(-1)
    next_any = df["tmt_jabatan"].groupby(g).shift(-1)
    end = next_def.where(is_d, next_any)
    open_ = end.isna()
    end = end.fillna(as_of)
    out = pd.DataFrame(
        {
            "record": df["record"],
            "pid": df["pid"],
            "kode_unit": df["kode_unit"],
            "nama_jabatan": df["nama_jabatan"],
            "kelas": df["kelas"],
            "definitif": is_d,
            "start": df["tmt_jabatan"],
            "end": end,
            "open": open_,
            "tenure_years": (end - df["tmt_jabatan"]).dt.days / _YEAR,
        }
    )
    return out


def _current_posts(cls: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Latest definitive record on or before ``day`` per person (rows of ``cls``)."""
    d = cls[cls["jenis_penugasan"].eq("D") & (cls["tmt_jabatan"] <= day)]
    # cls is sorted by pid, tmt (stable): the last row per pid is the latest record.
    return d.groupby("pid", sort=False).tail(1)


def headcount(riwayat: pd.DataFrame, config: RegionConfig, day) -> pd.Series:
    """Staff per unit at a date: persons whose latest definitive record on or before it is there.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    day : date-like

    Returns
    -------
    Series
        Indexed by every unit code of the config (zeros included), named ``headcount``.
    """
    cls = classify_moves(riwayat, config)
    return _headcount(cls, config, pd.Timestamp(day))


def _headcount(cls, config, day) -> pd.Series:
    cur = _current_posts(cls, day)
    return cur["kode_unit"].value_counts().reindex(list(config.unit_codes), fill_value=0).rename("headcount")


# --------------------------------------------------------------------------------------
# counts, flows, knowledge spread
# --------------------------------------------------------------------------------------
def rotation_counts(
    riwayat: pd.DataFrame, config: RegionConfig, periods=None, kind: str | None = None
) -> pd.DataFrame:
    """Rotations (``mutasi_unor``) in and out of each unit per period, with rates.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    periods : iterable of Period or period ids, optional
        Periods to report; default every period from the first to the last rotation.
    kind : str, optional
        Period kind (semester, quarter, month, year); default the config's.

    Returns
    -------
    DataFrame
        One row per config unit and period: ``kode_unit, periode, masuk, keluar,
        headcount_awal, headcount_akhir, rate_masuk, rate_keluar``. ``masuk`` counts
        arrivals by destination unit and ``keluar`` departures by origin unit (the previous
        definitive record's unit), both dated by ``tmt_jabatan``. ``rate_masuk`` =
        masuk / headcount at the period's end; ``rate_keluar`` = keluar / headcount on the
        day before the period starts. A rate whose headcount is 0 is NA (undefined), and the
        headcount column shows why.
    """
    kind = kind or config.period.kind
    cls = classify_moves(riwayat, config)
    rot = cls[cls["is_rotation"]]
    pers = _periods(periods, kind, rot["tmt_jabatan"])
    pid_of = {p.id: p for p in pers}
    per = rot["tmt_jabatan"].map(lambda d: period_of(d, kind).id)
    rot = rot.assign(periode=per)
    rot = rot[rot["periode"].isin(pid_of)]
    masuk = rot.groupby(["kode_unit", "periode"]).size()
    keluar = rot.groupby(["prev_unit", "periode"]).size()
    rows = []
    for p in pers:
        hc_end = _headcount(cls, config, pd.Timestamp(p.end))
        hc_start = _headcount(cls, config, pd.Timestamp(p.start) - pd.Timedelta(days=1))
        for u in config.unit_codes:
            rows.append((u, p.id, int(masuk.get((u, p.id), 0)), int(keluar.get((u, p.id), 0)),
                         int(hc_start[u]), int(hc_end[u])))
    out = pd.DataFrame(rows, columns=["kode_unit", "periode", "masuk", "keluar", "headcount_awal", "headcount_akhir"])
    out["rate_masuk"] = (out["masuk"] / out["headcount_akhir"].where(out["headcount_akhir"] > 0)).astype("Float64")
    out["rate_keluar"] = (out["keluar"] / out["headcount_awal"].where(out["headcount_awal"] > 0)).astype("Float64")
    return out


def moves_by_period(
    riwayat: pd.DataFrame, config: RegionConfig, until, n: int = 7, kind: str | None = None
) -> pd.DataFrame:
    """Region-wide rotations between units for the last ``n`` periods up to ``until``.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    until : Period or str
        The last period shown (the report period).
    n : int, default 7
        Number of periods, ``until`` included.
    kind : str, optional
        Period kind; default the config's.

    Returns
    -------
    DataFrame
        ``periode, masuk``: one row per period, oldest first; ``masuk`` is the sum over units
        of :func:`rotation_counts`' ``masuk`` (every ``mutasi_unor`` dated in the period).
        A period without rotations has 0.
    """
    kind = kind or config.period.kind
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    p = _as_period(until, kind)
    pers = [p]
    for _ in range(int(n) - 1):
        pers.insert(0, pers[0].previous())
    counts = rotation_counts(riwayat, config, periods=pers, kind=kind)
    total = counts.groupby("periode")["masuk"].sum()
    # Explicit periods (not rotation_counts' default range) so quiet periods show as 0.
    return pd.DataFrame({"periode": [q.id for q in pers],
                         "masuk": [int(total.get(q.id, 0)) for q in pers]}).astype({"masuk": "int64"})


def flow_matrix(riwayat: pd.DataFrame, config: RegionConfig, start=None, end=None) -> pd.DataFrame:
    """Unit-by-unit flow of rotations: who went from where to where.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    start, end : date-like, optional
        Count rotations whose ``tmt_jabatan`` lies in ``[start, end]`` (both included);
        default all.

    Returns
    -------
    DataFrame
        Square matrix of counts, rows = origin unit (``asal``), columns = destination unit
        (``tujuan``), every config unit in config order (zeros included).
    """
    cls = classify_moves(riwayat, config)
    rot = cls[cls["is_rotation"]]
    if start is not None:
        rot = rot[rot["tmt_jabatan"] >= pd.Timestamp(start)]
    if end is not None:
        rot = rot[rot["tmt_jabatan"] <= pd.Timestamp(end)]
    units = list(config.unit_codes)
    m = pd.crosstab(rot["prev_unit"], rot["kode_unit"]).reindex(index=units, columns=units, fill_value=0)
    m.index.name, m.columns.name = "asal", "tujuan"
    return m.astype("int64")


def knowledge_spread(
    riwayat: pd.DataFrame,
    config: RegionConfig,
    periods=None,
    kind: str | None = None,
    min_cell: int | None = None,
) -> pd.DataFrame:
    """Per unit and period, the share of staff who have served in at least one other unit.

    Staff of a unit at a period's end are counted as in :func:`headcount`; a person "has
    served in another unit" when any of their definitive records on or before that date is in
    a unit other than the current one (acting assignments and added tasks do not count).

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    periods : iterable of Period or period ids, optional
        Default: every period from the first to the last record.
    kind : str, optional
        Period kind; default the config's.
    min_cell : int, optional
        When given, the share is NA where ``headcount < min_cell`` (pass
        ``thresholds.min_cell_size``): a share of fewer people describes individuals. The
        counts stay, as the report's other people counts do.

    Returns
    -------
    DataFrame
        ``kode_unit, periode, headcount, pernah_unit_lain, share_pernah_unit_lain``
        (share NA when the unit has no staff, or fewer than ``min_cell``).
    """
    kind = kind or config.period.kind
    cls = classify_moves(riwayat, config)
    pers = _periods(periods, kind, cls["tmt_jabatan"])
    d = cls[cls["jenis_penugasan"].eq("D")]
    rows = []
    for p in pers:
        day = pd.Timestamp(p.end)
        upto = d[d["tmt_jabatan"] <= day]
        cur = upto.groupby("pid", sort=False).tail(1)[["pid", "kode_unit"]]
        units_seen = upto.groupby("pid")["kode_unit"].nunique()
        cur = cur.assign(elsewhere=cur["pid"].map(units_seen).gt(1))
        agg = cur.groupby("kode_unit").agg(headcount=("pid", "size"), pernah_unit_lain=("elsewhere", "sum"))
        agg = agg.reindex(list(config.unit_codes), fill_value=0)
        for u, r in agg.iterrows():
            rows.append((u, p.id, int(r["headcount"]), int(r["pernah_unit_lain"])))
    out = pd.DataFrame(rows, columns=["kode_unit", "periode", "headcount", "pernah_unit_lain"])
    out["share_pernah_unit_lain"] = (
        out["pernah_unit_lain"] / out["headcount"].where(out["headcount"] > 0)
    ).astype("Float64")
    if min_cell is not None:
        out["share_pernah_unit_lain"] = out["share_pernah_unit_lain"].mask(out["headcount"] < int(min_cell))
    return out


# --------------------------------------------------------------------------------------
# compliance
# --------------------------------------------------------------------------------------
def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype("string").str.strip().fillna("").eq("")


def compliance_flags(
    riwayat: pd.DataFrame,
    config: RegionConfig,
    periods=None,
    as_of=None,
    kind: str | None = None,
    pegawai: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compliance flags against the region's rotation rules, each citing its rule.

    Rules (``docs/definitions.md``):

    - ``min_years``: a move (``mutasi_unor`` or ``mutasi_jabatan``) whose previous definitive
      post lasted less than ``rotation.min_years_in_post`` years;
    - ``max_years``: at each period end (or at ``as_of``), a person whose current definitive
      post started more than ``rotation.max_years_in_post`` years earlier (a rotation
      candidate, listed by pid and unit only);
    - ``freeze``: a move dated inside a freeze window (both ends included) whose
      ``nomor_persetujuan`` is blank.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    periods : iterable of Period or period ids, optional
        Period ends at which ``max_years`` is evaluated.
    as_of : date-like, optional
        A single date at which ``max_years`` is evaluated (in addition to ``periods``).
    kind : str, optional
        Period kind of ``periods`` and of the ``periode`` column; default the config's.
    pegawai : DataFrame, optional
        Processed ``pegawai``; staff whose ``tanggal_keluar`` (left the service or the region)
        is on or before an evaluation date are not rotation candidates on that date.

    Returns
    -------
    DataFrame
        Columns ``rule, pid, kode_unit, tanggal, periode, record, kelas, years, threshold,
        legal_basis, detail``. For move rules ``tanggal`` is the move's tmt_jabatan,
        ``record`` its input row label and ``years`` the previous post's tenure; for
        ``max_years`` ``tanggal`` is the evaluation date, ``record`` the current post's
        record and ``years`` its tenure on that date. Sorted by rule, tanggal, kode_unit, pid.
        ``attrs["max_years_dates"]`` lists the dates the maximum-years rule was evaluated at
        (see :func:`compliance_summary`).

    Raises
    ------
    ValueError
        When neither ``periods`` nor ``as_of`` is given (the maximum-years rule needs a date).
    """
    if periods is None and as_of is None:
        raise ValueError(
            "compliance_flags needs `periods` (max-years candidates at each period end) or `as_of` "
            "(candidates at one date)"
        )
    kind = kind or config.period.kind
    rules = config.rotation
    cls = classify_moves(riwayat, config)
    moves = cls[cls["is_move"]]
    cols = ["rule", "pid", "kode_unit", "tanggal", "periode", "record", "kelas", "years", "threshold",
            "legal_basis", "detail"]
    parts = []

    short = moves[moves["prev_tenure_years"].lt(rules.min_years_in_post).fillna(False).astype(bool)]
    if len(short):
        parts.append(pd.DataFrame({
            "rule": "min_years",
            "pid": short["pid"],
            "kode_unit": short["kode_unit"],
            "tanggal": short["tmt_jabatan"],
            "record": short["record"],
            "kelas": short["kelas"],
            "years": short["prev_tenure_years"],
            "threshold": rules.min_years_in_post,
            "legal_basis": rules.legal_basis,
            "detail": [f"previous post held {y:.2f} years (< {rules.min_years_in_post:g})"
                       for y in short["prev_tenure_years"]],
        }))

    blank = _blank(moves["nomor_persetujuan"])
    fz_rows = []
    for idx, r in moves[blank].iterrows():
        w = config.freeze_window_at(r["tmt_jabatan"].date())
        if w is not None:
            fz_rows.append({
                "rule": "freeze", "pid": r["pid"], "kode_unit": r["kode_unit"], "tanggal": r["tmt_jabatan"],
                "record": r["record"], "kelas": r["kelas"], "years": np.nan, "threshold": np.nan,
                "legal_basis": w.legal_basis,
                "detail": f"move on {r['tmt_jabatan'].date()} inside the freeze window {w.start}..{w.end} "
                          "without nomor_persetujuan",
            })
    if fz_rows:
        parts.append(pd.DataFrame(fz_rows))

    left = None  # pid -> date the person left (tanggal_keluar), when pegawai says so
    if pegawai is not None and "tanggal_keluar" in pegawai.columns:
        out_dates = _as_datetime(pegawai["tanggal_keluar"], "pegawai", "tanggal_keluar")
        left = {pid: day for pid, day in zip(pegawai["pid"].astype(str), out_dates) if pd.notna(day)} or None
    dates: list[tuple[pd.Timestamp, str | None]] = []
    if periods is not None:
        dates += [(pd.Timestamp(p.end), p.id) for p in _periods(periods, kind, cls["tmt_jabatan"])]
    if as_of is not None:
        dates.append((pd.Timestamp(as_of), None))
    for day, pid_ in dates:
        cur = _current_posts(cls, day)
        if left is not None:
            cur = cur[[not (pid in left and left[pid] <= day) for pid in cur["pid"]]]
        yrs = (day - cur["post_start"]).dt.days / _YEAR
        over = cur[yrs > rules.max_years_in_post]
        if len(over):
            parts.append(pd.DataFrame({
                "rule": "max_years",
                "pid": over["pid"],
                "kode_unit": over["kode_unit"],
                "tanggal": day,
                "periode": pid_ if pid_ is not None else period_of(day, kind).id,
                "record": over["record"],
                "kelas": over["kelas"],
                "years": yrs[over.index],
                "threshold": rules.max_years_in_post,
                "legal_basis": rules.legal_basis,
                "detail": [f"in post {y:.2f} years on {day.date()} (> {rules.max_years_in_post:g})"
                           for y in yrs[over.index]],
            }))
    evaluated = tuple(day for day, _ in dates)
    if not parts:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        out["tanggal"] = pd.Series(dtype="datetime64[ns]")
        out.attrs["max_years_dates"] = evaluated
        return out
    out = pd.concat(parts, ignore_index=True)
    need = out["periode"].isna() if "periode" in out else pd.Series(True, index=out.index)
    if "periode" not in out:
        out["periode"] = None
    out.loc[need, "periode"] = [period_of(d, kind).id for d in out.loc[need, "tanggal"]]
    out = out[cols].sort_values(["rule", "tanggal", "kode_unit", "pid"], kind="stable").reset_index(drop=True)
    out.attrs["max_years_dates"] = evaluated  # dates the maximum-years rule was evaluated at
    return out


def compliance_summary(flags: pd.DataFrame, period, kind: str = "semester") -> dict:
    """Counts of one period's compliance flags, as plain numbers for the findings rules.

    Parameters
    ----------
    flags : DataFrame
        From :func:`compliance_flags` over the whole history, with ``periods`` including
        ``period`` (``periods=[period]`` suffices: the move rules are checked on every record
        whatever ``periods`` says, so earlier moves' flags are there for the to-date counts).
        Flags of a history cut at an earlier date would give too small to-date counts.
    period : Period or str
        The report period.
    kind : str, default "semester"
        Period kind of ``period``.

    Returns
    -------
    dict
        ``rotation_candidates`` (staff past the maximum years at the period's end),
        ``min_years_breaks`` and ``freeze_breaks`` (moves dated in the period that broke the
        rule): the fields of the same names in ``findings.FindingInputs``; and
        ``min_years_to_date`` and ``freeze_to_date``: moves that broke the rule dated on or
        before the period's end, since the start of the data.

    Raises
    ------
    ValueError
        When ``flags`` holds no maximum-years evaluation at the period's end (then the number
        of candidates is unknown, not zero): call :func:`compliance_flags` with this period.
    """
    p = _as_period(period, kind)
    in_p = flags[flags["periode"] == p.id]
    mx = in_p[in_p["rule"] == "max_years"]
    evaluated = set(flags.attrs.get("max_years_dates", ()))
    if pd.Timestamp(p.end) not in evaluated:
        raise ValueError(
            f"the flags were not evaluated for maximum years at the end of {p.id} ({p.end}); "
            f"call compliance_flags(..., periods=[{p.id!r}])"
        )
    to_date = flags[flags["tanggal"] <= pd.Timestamp(p.end)]
    return {
        "rotation_candidates": int((mx["tanggal"] == pd.Timestamp(p.end)).sum()),
        "min_years_breaks": int((in_p["rule"] == "min_years").sum()),
        "freeze_breaks": int((in_p["rule"] == "freeze").sum()),
        "min_years_to_date": int((to_date["rule"] == "min_years").sum()),
        "freeze_to_date": int((to_date["rule"] == "freeze").sum()),
    }


def rotation_candidates(flags: pd.DataFrame, period, kind: str = "semester") -> pd.DataFrame:
    """Staff past the maximum years in post at a period's end, by pseudonym and unit.

    The list BKPSDM needs to plan the next rotation; it never holds a name or NIP (the agency
    matches pseudonyms with the same key it ingested with).

    Parameters
    ----------
    flags : DataFrame
        From :func:`compliance_flags` (with ``periods`` including ``period``).
    period : Period or str
    kind : str, default "semester"

    Returns
    -------
    DataFrame
        ``pid, kode_unit, tahun_menjabat`` (years in the current post at the period's end, 2
        decimals), by unit and then longest tenure first.
    """
    p = _as_period(period, kind)
    compliance_summary(flags, p, kind)  # raises when the period was not evaluated
    mx = flags[(flags["rule"] == "max_years") & (flags["tanggal"] == pd.Timestamp(p.end))]
    out = pd.DataFrame({"pid": mx["pid"].astype(str), "kode_unit": mx["kode_unit"].astype(str),
                        "tahun_menjabat": mx["years"].astype(float).round(2)})
    return out.sort_values(["kode_unit", "tahun_menjabat", "pid"], ascending=[True, False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# treatment timing
# --------------------------------------------------------------------------------------
def monthly_rotation(riwayat: pd.DataFrame, config: RegionConfig, start=None, end=None) -> pd.DataFrame:
    """Unit-by-month rotation-in series used for treatment timing.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    start, end : date-like, optional
        First and last month (any day inside it); default the months of the first and last
        record.

    Returns
    -------
    DataFrame
        One row per config unit and month: ``kode_unit, t`` (integer month, see
        :func:`month_index`), ``bulan`` (``YYYY-MM``), ``masuk`` (mutasi_unor arrivals),
        ``headcount`` (at the month's end), ``share_rotated_in`` (masuk / headcount; NA when
        headcount is 0) and ``kepala_masuk`` (a head of unit arrived by mutasi_unor).
    """
    cls = classify_moves(riwayat, config)
    if cls.empty and (start is None or end is None):
        raise DataError("riwayat_jabatan has no records to derive the months from; pass `start` and `end`")
    t0 = month_index(start) if start is not None else int(month_index(cls["tmt_jabatan"]).min())
    t1 = month_index(end) if end is not None else int(month_index(cls["tmt_jabatan"]).max())
    if t1 < t0:
        raise ValueError(f"end month {month_label(t1)} is before start month {month_label(t0)}")
    rot = cls[cls["is_rotation"]].copy()
    rot["t"] = month_index(rot["tmt_jabatan"])
    rot = rot[(rot["t"] >= t0) & (rot["t"] <= t1)]
    rot["head"] = rot["nama_jabatan"].astype("string").str.strip().str.contains(
        HEAD_PATTERN, case=False, regex=True).fillna(False).astype(bool)
    masuk = rot.groupby(["kode_unit", "t"]).size()
    head = rot.groupby(["kode_unit", "t"])["head"].any()
    # Headcount at each month end: latest definitive unit per person at that date. Walk the
    # definitive records once (sorted), instead of recomputing per month.
    d = cls[cls["jenis_penugasan"].eq("D")][["pid", "kode_unit", "tmt_jabatan"]]
    months = np.arange(t0, t1 + 1)
    ends = np.array([_month_end(t).to_datetime64() for t in months])
    units = list(config.unit_codes)
    hc = np.zeros((len(units), len(months)), dtype=np.int64)
    uidx = {u: i for i, u in enumerate(units)}
    for _, rec in d.groupby("pid", sort=False):
        tm = rec["tmt_jabatan"].to_numpy()
        pos = np.searchsorted(tm, ends, side="right") - 1  # latest record on or before each end
        ok = pos >= 0
        ucodes = rec["kode_unit"].to_numpy()
        for j in np.nonzero(ok)[0]:
            hc[uidx[ucodes[pos[j]]], j] += 1
    rows = []
    for i, u in enumerate(units):
        for j, t in enumerate(months):
            m = int(masuk.get((u, t), 0))
            rows.append((u, int(t), month_label(t), m, int(hc[i, j]), bool(head.get((u, t), False))))
    out = pd.DataFrame(rows, columns=["kode_unit", "t", "bulan", "masuk", "headcount", "kepala_masuk"])
    out["share_rotated_in"] = (out["masuk"] / out["headcount"].where(out["headcount"] > 0)).astype("Float64")
    return out[["kode_unit", "t", "bulan", "masuk", "headcount", "share_rotated_in", "kepala_masuk"]]


def treatment_cohorts(
    riwayat: pd.DataFrame,
    config: RegionConfig,
    definition: str | None = None,
    threshold: float | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Each unit's cohort (first treated month) under a treatment definition.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    definition : {"share_rotated_in", "first_rotation", "head_rotated"}, optional
        Default ``treatment.definition`` from the config.
    threshold : float, optional
        Share threshold for ``share_rotated_in``; default ``treatment.share_threshold``.
    start, end : date-like, optional
        Only months in this range are searched (default: all records). Pass the analysis
        window so that rotations before it do not mark a unit as treated.

    Returns
    -------
    DataFrame
        One row per config unit: ``kode_unit``, ``cohort`` (integer month, 0 = never
        treated), ``bulan_cohort`` (``YYYY-MM`` or NA), ``definition`` and ``threshold``.
    """
    definition = definition or config.treatment.definition
    if definition not in ("share_rotated_in", "first_rotation", "head_rotated"):
        raise ValueError(
            f"unknown treatment definition {definition!r}; use share_rotated_in, first_rotation or head_rotated"
        )
    threshold = config.treatment.share_threshold if threshold is None else float(threshold)
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    mr = monthly_rotation(riwayat, config, start=start, end=end)
    if definition == "share_rotated_in":
        hit = mr["share_rotated_in"].ge(threshold).fillna(False).astype(bool)
    elif definition == "first_rotation":
        hit = mr["masuk"].gt(0)
    else:
        hit = mr["kepala_masuk"]
    first = mr[hit].groupby("kode_unit")["t"].min()
    units = list(config.unit_codes)
    cohort = first.reindex(units).fillna(0).astype("int64")
    return pd.DataFrame({
        "kode_unit": units,
        "cohort": cohort.to_numpy(),
        "bulan_cohort": pd.array([month_label(c) if c else pd.NA for c in cohort], dtype="string"),
        "definition": definition,
        "threshold": pd.array([threshold if definition == "share_rotated_in" else pd.NA] * len(units), dtype="Float64"),
    })


def cohort_table(
    riwayat: pd.DataFrame,
    config: RegionConfig,
    threshold: float | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Each unit's first treated month under all three treatment definitions, side by side.

    Parameters
    ----------
    riwayat : DataFrame
    config : RegionConfig
    threshold : float, optional
        Share threshold for ``share_rotated_in`` (default from the config).
    start, end : date-like, optional
        Window searched (see :func:`treatment_cohorts`).

    Returns
    -------
    DataFrame
        One row per config unit: ``kode_unit`` and, for each definition, the ``YYYY-MM`` of
        its first treated month (NA = never treated) in a column named after the definition.
        ``attrs["threshold"]`` holds the share threshold used.
    """
    out = pd.DataFrame({"kode_unit": list(config.unit_codes)})
    thr = config.treatment.share_threshold if threshold is None else float(threshold)
    for d in ("share_rotated_in", "first_rotation", "head_rotated"):
        tc = treatment_cohorts(riwayat, config, definition=d, threshold=thr, start=start, end=end)
        out[d] = tc["bulan_cohort"].to_numpy()
    out.attrs["threshold"] = thr
    return out
