"""Data-quality tables for the report: what was ingested, rejected and why, coverage per unit.

Reads only the ingestion summary and the processed tables (never ``rejects.csv``, which holds
raw values).
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

__all__ = ["ingest_tables", "rejects_by_reason", "coverage", "units_missing_data", "ingest_counts"]


def ingest_tables(summary: Mapping[str, Any]) -> pd.DataFrame:
    """Rows read, accepted and rejected per table, from ``ingest_summary.json``.

    Returns
    -------
    DataFrame
        ``tabel, dibaca, diterima_baris, ditolak`` (int64), one row per ingested table.

    Raises
    ------
    ValueError
        When the summary lacks the ``tables`` section or a table's counts do not add up
        (read = accepted + rejected).
    """
    tables = summary.get("tables") if isinstance(summary, Mapping) else None
    if not isinstance(tables, Mapping) or not tables:
        raise ValueError("ingest summary has no 'tables' section; run `mutasi ingest` again")
    rows = []
    for name, t in tables.items():
        read, acc, rej = int(t["read"]), int(t["accepted"]), int(t["rejected"])
        if read != acc + rej:
            raise ValueError(f"ingest summary for {name}: read {read} != accepted {acc} + rejected {rej}")
        rows.append({"tabel": name, "dibaca": read, "diterima_baris": acc, "ditolak": rej})
    return pd.DataFrame(rows).astype({"dibaca": "int64", "diterima_baris": "int64", "ditolak": "int64"})


def rejects_by_reason(summary: Mapping[str, Any]) -> pd.DataFrame:
    """Rejected rows per reason code (reasons with none left out), most frequent first.

    Returns
    -------
    DataFrame
        ``alasan, jumlah``.
    """
    reasons = summary.get("rejects_by_reason") or {}
    rows = [{"alasan": k, "jumlah": int(v)} for k, v in reasons.items() if int(v) > 0]
    frame = pd.DataFrame(rows, columns=["alasan", "jumlah"]).astype({"jumlah": "int64"})
    return frame.sort_values(["jumlah", "alasan"], ascending=[False, True], ignore_index=True)


def coverage(data, config, period) -> pd.DataFrame:
    """Per unit of the region: complaints received, SKM responses and staff at the period end.

    Parameters
    ----------
    data : Processed
        From :func:`mutasi_analysis.processed.load_processed`.
    config : RegionConfig
    period : Period

    Returns
    -------
    DataFrame
        ``kode_unit, nama_unit, pengaduan, skm, headcount`` in config order; zero where a
        unit has no rows (a gap to see, not to hide).
    """
    from ..rotation import headcount

    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)

    def per_unit(frame: pd.DataFrame, col: str) -> pd.Series:
        s = frame[col]
        return frame.loc[(s >= start) & (s < end), "kode_unit"].value_counts()

    out = config.units_frame()[["kode_unit", "nama_unit"]].copy()
    out["pengaduan"] = out["kode_unit"].map(per_unit(data.pengaduan, "waktu_diterima")).fillna(0).astype("int64")
    out["skm"] = out["kode_unit"].map(per_unit(data.skm, "tanggal")).fillna(0).astype("int64")
    heads = headcount(data.riwayat_jabatan, config, period.end)
    out["headcount"] = out["kode_unit"].map(heads).fillna(0).astype("int64")
    return out


def ingest_counts(tables: pd.DataFrame) -> dict[str, dict[str, int]]:
    """:func:`ingest_tables` as the record stores it: ``{table: {read, accepted, rejected}}``."""
    return {r.tabel: {"read": int(r.dibaca), "accepted": int(r.diterima_baris), "rejected": int(r.ditolak)}
            for r in tables.itertuples()}


def units_missing_data(cov: pd.DataFrame) -> list[str]:
    """Units of :func:`coverage` with no complaint or no SKM response in the period."""
    return cov.loc[(cov["pengaduan"] == 0) | (cov["skm"] == 0), "kode_unit"].tolist()
