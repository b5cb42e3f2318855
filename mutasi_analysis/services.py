"""Service panels from public complaints, on the working-day clock.

Takes the processed ``pengaduan`` table (``data/processed/README.md``) and a
:class:`~mutasi_analysis.config.RegionConfig`. Durations are working days from
:mod:`mutasi_analysis.workdays` (Mon-Fri less Indonesian national holidays and the config's cuti
bersama; ``numpy.busday_count`` semantics: a reply on the next working day counts 1).

Metrics follow ``docs/definitions.md`` ("Service metrics"); :data:`METHOD` states, in Indonesian
and English, how open and unanswered complaints are treated so a report can quote it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import text as _text
from .config import RegionConfig
from .errors import DataError
from .periods import Period, parse_period, period_of
from .processed import as_datetime as _as_datetime
from .workdays import calendar, working_days_between

__all__ = ["LABELS", "METHOD", "ALL_UNITS", "complaint_times", "service_panel", "monthly_panel", "period_summary",
           "survival_medians"]

#: Code of the all-units row in :func:`period_summary`.
ALL_UNITS = "SEMUA"
_STATUS = ("baru", "diproses", "selesai")
_REQUIRED = ("id_laporan", "kode_unit", "waktu_diterima", "waktu_respon_pertama", "waktu_selesai", "status")

METHOD = _text.both("method.services")

#: Indonesian and English labels of the columns this module shows.
LABELS = _text.labels('kode_unit', 'periode', 't', 'diterima', 'diselesaikan', 'n_respon', 'respon_hari_kerja_mean', 'respon_hari_kerja_median', 'n_penyelesaian', 'penyelesaian_hari_kerja_mean', 'penyelesaian_hari_kerja_median', 'n_tepat_waktu', 'n_dinilai', 'n_tersensor', 'share_tepat_waktu', 'backlog', 'hari_kerja_sampai_akhir_data', 'respon_median_km', 'respon_terbuka', 'penyelesaian_median_km', 'penyelesaian_terbuka', 'SEMUA')


def _check(complaints: pd.DataFrame, config: RegionConfig) -> pd.DataFrame:
    if not isinstance(complaints, pd.DataFrame):
        raise ValueError(f"complaints must be a pandas DataFrame, got {type(complaints).__name__}")
    missing = [c for c in _REQUIRED if c not in complaints.columns]
    if missing:
        raise DataError(
            f"pengaduan lacks column(s) {', '.join(missing)}; expected the processed table described in "
            "data/processed/README.md"
        )
    if complaints.empty:
        raise DataError("pengaduan has no rows: there are no complaints to build a service panel from")
    df = complaints.copy()
    for c in ("waktu_diterima", "waktu_respon_pertama", "waktu_selesai"):
        df[c] = _as_datetime(df[c], "pengaduan", c)
    if df["waktu_diterima"].isna().any():
        raise DataError(f"pengaduan has {int(df['waktu_diterima'].isna().sum())} row(s) without waktu_diterima")
    unknown = sorted(set(df["kode_unit"].astype(str)) - set(config.unit_codes))
    if unknown:
        raise DataError(
            f"pengaduan names unit code(s) not in the region config {config.source or ''}: {', '.join(unknown)}; "
            f"add them to the config or re-run ingestion with this config (known codes: {', '.join(config.unit_codes)})"
        )
    status = df["status"].astype("string").str.strip().str.lower()
    bad = ~status.isin(_STATUS) | status.isna()
    if bad.any():
        raise DataError(f"pengaduan has status value(s) {sorted(set(status[bad].fillna('<blank>')))}; allowed: {', '.join(_STATUS)}")
    df["status"] = status.astype(str)
    order = (df["waktu_respon_pertama"] < df["waktu_diterima"]) | (df["waktu_selesai"] < df["waktu_diterima"])
    if order.fillna(False).any():
        ids = df.loc[order.fillna(False), "id_laporan"].astype(str).tolist()[:5]
        raise DataError(
            f"pengaduan has {int(order.sum())} complaint(s) answered or resolved before receipt (e.g. {', '.join(ids)}); "
            "ingestion rejects these: re-run `mutasi ingest`"
        )
    sel_no_time = df["status"].eq("selesai") & df["waktu_selesai"].isna()
    if sel_no_time.any():
        raise DataError(f"pengaduan has {int(sel_no_time.sum())} complaint(s) with status selesai but no waktu_selesai")
    df["kode_unit"] = df["kode_unit"].astype(str)
    return df


def complaint_times(complaints: pd.DataFrame, config: RegionConfig, data_end=None) -> pd.DataFrame:
    """Per complaint: working days to first response and to resolution, and timeliness.

    Parameters
    ----------
    complaints : DataFrame
        Processed ``pengaduan``.
    config : RegionConfig
        Gives the response target and cuti bersama.
    data_end : date-like, optional
        The end of the data (when it was exported). Default: the latest timestamp in the table.
        No receipt, response or resolution may come after it.

    Returns
    -------
    DataFrame
        The input columns plus ``respon_hari_kerja`` and ``penyelesaian_hari_kerja`` (float;
        NaN while there is no response / resolution yet), ``diselesaikan`` (status selesai),
        ``tersensor`` (unanswered and still within the target at ``data_end``),
        ``tepat_waktu`` (boolean; NA when censored) and ``hari_kerja_sampai_akhir_data``
        (working days from receipt to ``data_end``). ``attrs["data_end"]`` holds the date used.
    """
    df, data_end = _times(complaints, config, data_end)
    df.attrs["data_end"] = data_end
    return df


def _times(complaints: pd.DataFrame, config: RegionConfig, data_end) -> tuple[pd.DataFrame, pd.Timestamp]:
    # Kept free of DataFrame.attrs: pandas deep-copies attrs on every operation, which
    # dominated the run time of the panel.
    df = _check(complaints, config)
    stamps = pd.concat([df["waktu_diterima"], df["waktu_respon_pertama"], df["waktu_selesai"]])
    latest = stamps.max()
    if data_end is None:
        data_end = latest
    data_end = pd.Timestamp(data_end)
    if data_end.normalize() < latest.normalize():
        raise ValueError(
            f"data_end {data_end.date()} is before the latest event in the complaints ({latest.date()}); "
            "pass a data_end on or after it, or filter the complaints first"
        )
    target = config.services.response_target_working_days
    cal = calendar(int(df["waktu_diterima"].dt.year.min()), int(data_end.year) + 1, config.services.cuti_bersama)
    df["respon_hari_kerja"] = working_days_between(df["waktu_diterima"], df["waktu_respon_pertama"], cal)
    df["penyelesaian_hari_kerja"] = working_days_between(df["waktu_diterima"], df["waktu_selesai"], cal)
    elapsed = working_days_between(df["waktu_diterima"], pd.Series(data_end, index=df.index), cal)
    df["hari_kerja_sampai_akhir_data"] = elapsed
    answered = df["waktu_respon_pertama"].notna().to_numpy()
    censored = ~answered & (elapsed <= target)
    on_time = pd.array(np.where(answered, df["respon_hari_kerja"].to_numpy() <= target, False), dtype="boolean")
    on_time[censored] = pd.NA
    df["diselesaikan"] = df["status"].eq("selesai")
    df["tersensor"] = censored
    df["tepat_waktu"] = on_time
    return df, data_end


def _period_ids(dates: pd.Series, kind: str) -> pd.Series:
    """Period id of each date, vectorised (same ids as :class:`~mutasi_analysis.periods.Period`)."""
    y = dates.dt.year.astype(str)
    m = dates.dt.month
    if kind == "month":
        return y + "-" + m.map("{:02d}".format)
    if kind == "quarter":
        return y + "-Q" + ((m - 1) // 3 + 1).astype(str)
    if kind == "semester":
        return y + "-S" + ((m - 1) // 6 + 1).astype(str)
    if kind == "year":
        return y
    raise ValueError(f"unknown period kind {kind!r}; use month, quarter, semester or year")


def _as_periods(periods, kind, first, last) -> list[Period]:
    if periods is None:
        p, end = period_of(first, kind), period_of(last, kind)
        out = []
        while p <= end:
            out.append(p)
            p = p.next()
        return out
    if isinstance(periods, (str, Period)):
        periods = [periods]
    out = []
    for p in periods:
        if isinstance(p, Period):
            if p.kind != kind:
                raise ValueError(f"period {p.id} is a {p.kind}, but kind is {kind!r}")
            out.append(p)
        else:
            out.append(parse_period(str(p), kind))
    if not out:
        raise ValueError("periods is empty; pass at least one period")
    return out


_METRIC_COLS = (
    "diterima", "diselesaikan", "n_respon", "respon_hari_kerja_mean", "respon_hari_kerja_median",
    "n_penyelesaian", "penyelesaian_hari_kerja_mean", "penyelesaian_hari_kerja_median",
    "n_tepat_waktu", "n_dinilai", "n_tersensor", "share_tepat_waktu",
)


def _metrics(times: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Metrics per group of complaint rows (recomputed from rows, never from other means)."""
    t = times.assign(
        _on=times["tepat_waktu"].astype("float64"),  # 1 / 0 / NaN (censored)
        _done=times["diselesaikan"].astype("int64"),
        _cens=times["tersensor"].astype("int64"),
    )
    g = t.groupby(keys, sort=False)
    out = pd.DataFrame({
        "diterima": g.size(),
        "diselesaikan": g["_done"].sum(),
        "n_respon": g["respon_hari_kerja"].count(),
        "respon_hari_kerja_mean": g["respon_hari_kerja"].mean(),
        "respon_hari_kerja_median": g["respon_hari_kerja"].median(),
        "n_penyelesaian": g["penyelesaian_hari_kerja"].count(),
        "penyelesaian_hari_kerja_mean": g["penyelesaian_hari_kerja"].mean(),
        "penyelesaian_hari_kerja_median": g["penyelesaian_hari_kerja"].median(),
        "n_tepat_waktu": g["_on"].sum(),
        "n_dinilai": g["_on"].count(),
        "n_tersensor": g["_cens"].sum(),
    })
    out["share_tepat_waktu"] = out["n_tepat_waktu"] / out["n_dinilai"].where(out["n_dinilai"] > 0)
    return out


def _backlogs(times: pd.DataFrame, units, days) -> dict:
    """Backlog per (unit, day): received by the end of ``day`` and not resolved by then."""
    out = {}
    for u in units:
        t = times[times["kode_unit"] == u]
        recv = np.sort(t["waktu_diterima"].to_numpy())
        done = np.sort(t.loc[t["diselesaikan"], "waktu_selesai"].to_numpy())
        for d in days:
            cut = np.datetime64(d.normalize() + pd.Timedelta(days=1))  # end of the day, exclusive
            out[(u, d)] = int(np.searchsorted(recv, cut, side="left") - np.searchsorted(done, cut, side="left"))
    return out


_COUNT_COLS = ("diterima", "diselesaikan", "n_respon", "n_penyelesaian", "n_tepat_waktu", "n_dinilai", "n_tersensor", "backlog")


def service_panel(
    complaints: pd.DataFrame,
    config: RegionConfig,
    kind: str = "month",
    periods=None,
    data_end=None,
) -> pd.DataFrame:
    """Unit-by-period service panel from complaint rows.

    Each complaint belongs to the period of its receipt. For every config unit and period:
    received, resolved (status selesai), mean and median working days to first response and
    to resolution over the complaints that have them, the share answered within
    ``services.response_target_working_days`` (censoring per :data:`METHOD`), and the backlog
    at the period's end (received on or before it and not resolved by it; for a period ending
    after ``data_end`` the backlog is taken at ``data_end``).

    Parameters
    ----------
    complaints : DataFrame
        Processed ``pengaduan``.
    config : RegionConfig
    kind : str, default "month"
        Period kind: month (for estimation), or the report's semester, quarter or year.
    periods : iterable of Period or period ids, optional
        Default: every period from the first receipt to ``data_end``.
    data_end : date-like, optional
        See :func:`complaint_times`.

    Returns
    -------
    DataFrame
        One row per config unit and period (zeros where nothing was received; time and share
        columns are NaN only where no complaint has that time: ``n_respon``,
        ``n_penyelesaian`` and ``n_dinilai`` say so). Monthly panels also carry ``t``
        (``year * 12 + month - 1``).
    """
    times, data_end = _times(complaints, config, data_end)
    pers = _as_periods(periods, kind, times["waktu_diterima"].min(), data_end)
    times["periode"] = _period_ids(times["waktu_diterima"], kind)
    units = list(config.unit_codes)
    idx = pd.MultiIndex.from_product([units, [p.id for p in pers]], names=["kode_unit", "periode"])
    m = _metrics(times, ["kode_unit", "periode"]).reindex(idx)
    for c in ("diterima", "diselesaikan", "n_respon", "n_penyelesaian", "n_tepat_waktu", "n_dinilai", "n_tersensor"):
        m[c] = m[c].fillna(0)
    ends = {p.id: min(pd.Timestamp(p.end), data_end) for p in pers}
    bl = _backlogs(times, units, sorted(set(ends.values())))
    out = m.reset_index()
    out["backlog"] = [bl[(u, ends[p])] for u, p in zip(out["kode_unit"], out["periode"])]
    out = out[["kode_unit", "periode", *_METRIC_COLS, "backlog"]]
    if kind == "month":
        out.insert(2, "t", [int(x[:4]) * 12 + int(x[5:7]) - 1 for x in out["periode"]])
    for c in _COUNT_COLS:
        out[c] = out[c].astype("int64")
    out.attrs["data_end"] = data_end
    return out


def monthly_panel(complaints: pd.DataFrame, config: RegionConfig, start=None, end=None, data_end=None) -> pd.DataFrame:
    """Monthly unit panel for estimation (see :func:`service_panel`).

    Parameters
    ----------
    complaints : DataFrame
    config : RegionConfig
    start, end : date-like, optional
        First and last month (any day in it); default from the first receipt to ``data_end``.
    data_end : date-like, optional
    """
    periods = None
    if start is not None or end is not None:
        times_first = pd.to_datetime(complaints["waktu_diterima"]).min() if start is None else start
        last = end
        if last is None:
            last = data_end if data_end is not None else pd.concat(
                [pd.to_datetime(complaints[c]) for c in ("waktu_diterima", "waktu_respon_pertama", "waktu_selesai")]).max()
        p, stop = period_of(times_first, "month"), period_of(last, "month")
        if stop < p:
            raise ValueError(f"end month {stop.id} is before start month {p.id}")
        periods = []
        while p <= stop:
            periods.append(p)
            p = p.next()
    return service_panel(complaints, config, kind="month", periods=periods, data_end=data_end)


def period_summary(complaints: pd.DataFrame, config: RegionConfig, period, kind: str | None = None,
                   data_end=None) -> pd.DataFrame:
    """Roll-up of one report period for display, recomputed from complaint rows.

    Means, medians and shares are computed from the period's complaints, never by averaging
    monthly values. A last row ``kode_unit = "SEMUA"`` covers all units together.

    Parameters
    ----------
    complaints : DataFrame
    config : RegionConfig
    period : Period or str
        The report period, e.g. ``"2025-S2"``.
    kind : str, optional
        Period kind; default the config's.
    data_end : date-like, optional

    Returns
    -------
    DataFrame
        As :func:`service_panel` for that period, one row per unit plus the all-units row.

    Raises
    ------
    NotEnoughData
        When no complaint was received in the period at all.
    """
    from .errors import NotEnoughData

    kind = kind or config.period.kind
    (p,) = _as_periods([period], kind, None, None)
    panel = service_panel(complaints, config, kind=kind, periods=[p], data_end=data_end)
    times, _ = _times(complaints, config, data_end)
    in_p = times[_period_ids(times["waktu_diterima"], kind) == p.id]
    if in_p.empty:
        raise NotEnoughData(
            f"no complaints were received in {p.id} ({p.start}..{p.end}); check the period or the pengaduan export"
        )
    total = _metrics(in_p.assign(_all=ALL_UNITS), ["_all"]).reset_index(drop=True)
    total.insert(0, "kode_unit", ALL_UNITS)
    total.insert(1, "periode", p.id)
    total["backlog"] = int(panel["backlog"].sum())
    out = pd.concat([panel, total], ignore_index=True)
    for c in _COUNT_COLS:
        out[c] = out[c].astype("int64")
    out.attrs["data_end"] = panel.attrs["data_end"]
    return out


def _km_median(time: np.ndarray, event: np.ndarray) -> float:
    """Kaplan-Meier median: the first time the survival curve drops below 0.5 (NaN if never)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    if len(time) == 0 or not event.any():
        return np.nan
    return float(SurvfuncRight(time.astype(float), event.astype(int)).quantile(0.5))


def survival_medians(complaints: pd.DataFrame, config: RegionConfig, kind: str | None = None, periods=None,
                     data_end=None) -> pd.DataFrame:
    """Censoring-aware medians of the working days to first response and to resolution.

    The plain medians of :func:`service_panel` use only the complaints that already have a
    response or resolution, so a unit with many open complaints looks faster than it is. Here
    open complaints count as censored at the working days from receipt to ``data_end`` and
    the median comes from the Kaplan-Meier estimate of the survival curve (statsmodels'
    ``SurvfuncRight``; the first time the curve drops below 0.5; R's ``survfit`` instead
    averages two times when the curve sits exactly at 0.5).

    Parameters
    ----------
    complaints : DataFrame
        Processed ``pengaduan``.
    config : RegionConfig
    kind : str, optional
        Period kind of the receipt periods; default the config's.
    periods : iterable of Period or period ids, optional
        Default: every period from the first receipt to ``data_end``.
    data_end : date-like, optional
        See :func:`complaint_times`.

    Returns
    -------
    DataFrame
        One row per config unit and period, plus an all-units row (``SEMUA``) per period:
        ``kode_unit, periode, diterima, respon_median_km, respon_terbuka,
        penyelesaian_median_km, penyelesaian_terbuka``. A median is NaN when fewer than half
        of the complaints have had the event by the end of the data (it is not yet known);
        ``*_terbuka`` counts the censored complaints so a report can say why.
    """
    kind = kind or config.period.kind
    times, data_end = _times(complaints, config, data_end)
    pers = _as_periods(periods, kind, times["waktu_diterima"].min(), data_end)
    times["periode"] = _period_ids(times["waktu_diterima"], kind)
    rt = times["respon_hari_kerja"].fillna(times["hari_kerja_sampai_akhir_data"]).to_numpy()
    re_ = times["waktu_respon_pertama"].notna().to_numpy()
    st = times["penyelesaian_hari_kerja"].where(times["diselesaikan"], times["hari_kerja_sampai_akhir_data"]).to_numpy()
    se = times["diselesaikan"].to_numpy(dtype=bool)
    unit = times["kode_unit"].to_numpy()
    per = times["periode"].to_numpy()
    rows = []
    for p in pers:
        in_p = per == p.id
        for u in (*config.unit_codes, ALL_UNITS):
            m = in_p if u == ALL_UNITS else in_p & (unit == u)
            rows.append({
                "kode_unit": u, "periode": p.id, "diterima": int(m.sum()),
                "respon_median_km": _km_median(rt[m], re_[m]), "respon_terbuka": int((~re_[m]).sum()),
                "penyelesaian_median_km": _km_median(st[m], se[m]), "penyelesaian_terbuka": int((~se[m]).sum()),
            })
    out = pd.DataFrame(rows)
    out.attrs["data_end"] = data_end
    return out
