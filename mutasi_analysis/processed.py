"""The processed tables written by :func:`mutasi_analysis.ingest.ingest`, and how to load them.

Every analysis starts from :func:`load_processed`. Nothing here holds a NIP, a name or a birth
date: staff are keyed on ``pid``; ``pegawai.tahun_lahir`` keeps the birth year only, for the
retirement rule of planning. ``rejects.csv`` (raw values, possibly personal data) is never read
here.

``formasi`` (staffing requirements) is an optional table (:data:`OPTIONAL_PROCESSED_TABLES`):
ingestion writes ``formasi.parquet`` only when the raw folder had a formasi file, and
:attr:`Processed.formasi` is None when it did not.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .contract import LIKERT_ITEMS, SKM_ELEMENTS
from .errors import DataError

__all__ = ["PROCESSED_COLUMNS", "PROCESSED_TABLES", "OPTIONAL_PROCESSED_TABLES", "SUMMARY_FILE", "REJECTS_FILE", "Processed", "load_processed", "as_datetime", "data_end"]

SUMMARY_FILE = "ingest_summary.json"
REJECTS_FILE = "rejects.csv"

_TS = "datetime64[us]"

#: Column -> dtype of each processed table, in file order (data/processed/README.md).
PROCESSED_COLUMNS: dict[str, dict[str, str]] = {
    "unit": {"kode_unit": "str", "nama_unit": "str", "jenis_unit": "str", "kelurahan": "str"},
    "pegawai": {"pid": "str", "golongan": "str", "kode_golongan": "Int64", "jenis_jabatan": "Int64",
                "status": "str", "tanggal_keluar": _TS, "tahun_lahir": "Int64"},
    "riwayat_jabatan": {"pid": "str", "kode_unit": "str", "nama_jabatan": "str", "jenis_jabatan": "Int64",
                        "eselon": "Int64", "tmt_jabatan": _TS, "nomor_sk": "str", "tanggal_sk": _TS,
                        "jenis_mutasi": "str", "jenis_penugasan": "str", "nomor_persetujuan": "str"},
    "pengaduan": {"id_laporan": "str", "kode_unit": "str", "kanal": "str", "kategori": "str",
                  "waktu_diterima": _TS, "waktu_respon_pertama": _TS, "waktu_selesai": _TS, "status": "str"},
    "skm": {"id_responden": "str", "kode_unit": "str", "tanggal": _TS, **{e: "Int8" for e in SKM_ELEMENTS}},
    "survei_asn": {"pid": "str", "kode_unit": "str", "tanggal": _TS, **{e: "Int8" for e in LIKERT_ITEMS},
                   "komentar": "str"},
    "pelatihan": {"pid": "str", "nama_pelatihan": "str", "tanggal_mulai": _TS, "tanggal_selesai": _TS,
                  "jam_pelajaran": "float64"},
    "formasi": {"kode_unit": "str", "kelompok_jabatan": "str", "nama_jabatan": "str", "kebutuhan": "Int64",
                "tahun": "Int64"},
}
PROCESSED_TABLES = tuple(PROCESSED_COLUMNS)
#: Tables whose file exists only when their raw file did (None in :class:`Processed` otherwise).
OPTIONAL_PROCESSED_TABLES = ("formasi",)


@dataclass(frozen=True)
class Processed:
    """The validated, pseudonymised tables of one ingestion.

    Attributes
    ----------
    unit, pegawai, riwayat_jabatan, pengaduan, skm, survei_asn, pelatihan : pandas.DataFrame
        One frame per table, columns and dtypes as in :data:`PROCESSED_COLUMNS`.
    summary : dict
        The content of ``ingest_summary.json``.
    folder : Path
        Where they were loaded from.
    formasi : pandas.DataFrame or None
        Staffing requirements per unit, position group and year; None when the ingestion had
        no formasi file (an optional table: :data:`OPTIONAL_PROCESSED_TABLES`).
    """

    unit: pd.DataFrame
    pegawai: pd.DataFrame
    riwayat_jabatan: pd.DataFrame
    pengaduan: pd.DataFrame
    skm: pd.DataFrame
    survei_asn: pd.DataFrame
    pelatihan: pd.DataFrame
    summary: dict
    folder: Path
    formasi: pd.DataFrame | None = None

    def table(self, name: str) -> pd.DataFrame | None:
        """The table called ``name`` (ValueError for an unknown name; None for an optional
        table the ingestion did not have, see :meth:`has`)."""
        if name not in PROCESSED_COLUMNS:
            raise ValueError(f"unknown table {name!r}; known: {', '.join(PROCESSED_TABLES)}")
        return getattr(self, name)

    def has(self, name: str) -> bool:
        """Whether the table ``name`` was ingested (False only for an absent optional table)."""
        return self.table(name) is not None


def load_processed(folder: str | Path = "data/processed") -> Processed:
    """Load the processed tables of an ingestion.

    Parameters
    ----------
    folder : str or Path, default ``data/processed``
        The ``--out`` folder of ``mutasi ingest``.

    Returns
    -------
    Processed

    Raises
    ------
    DataError
        When the folder was never ingested (no ``ingest_summary.json``), a table file is
        missing (an optional table's file may be absent: its frame is then None) or unreadable, or its columns are not the expected ones (written by another
        version: ingest again).
    """
    folder = Path(folder)
    summary_path = folder / SUMMARY_FILE
    if not summary_path.is_file():
        raise DataError(
            f"{folder} holds no ingested data ({SUMMARY_FILE} is missing); run "
            f"`mutasi ingest --raw data/raw --out {folder}` first"
        )
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{summary_path} cannot be read ({exc}); run `mutasi ingest` again") from None
    frames = {}
    for table, cols in PROCESSED_COLUMNS.items():
        path = folder / f"{table}.parquet"
        if not path.is_file() and table in OPTIONAL_PROCESSED_TABLES:
            continue  # no raw file of it was ingested: the frame stays None
        if not path.is_file():
            raise DataError(f"{path} is missing: the ingestion in {folder} is incomplete; run `mutasi ingest` again")
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise DataError(f"{path} cannot be read ({type(exc).__name__}: {exc}); run `mutasi ingest` again") from None
        if list(df.columns) != list(cols):
            raise DataError(
                f"{path} has columns {list(df.columns)}, expected {list(cols)}; it was written by another "
                "version: run `mutasi ingest` again"
            )
        frames[table] = df.astype(cols)
    return Processed(**frames, summary=summary, folder=folder)


def as_datetime(values: pd.Series, table: str, column: str) -> pd.Series:
    """A processed table's datetime column, checked.

    Analysis functions take processed tables (datetime columns); text is accepted only as ISO
    dates (YYYY-MM-DD), never guessed day- or month-first.

    Parameters
    ----------
    values : Series
    table, column : str
        Named in the error message.

    Raises
    ------
    DataError
        When the text is not an ISO date.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    try:
        return pd.to_datetime(values, format="ISO8601")
    except (ValueError, TypeError):
        raise DataError(
            f"{table}.{column} holds text that is not an ISO date (e.g. {values.dropna().astype(str).iloc[0]!r}); "
            "pass the processed table from `mutasi ingest` (datetime columns) rather than raw text"
        ) from None


def data_end(processed: str | Path) -> dt.date | None:
    """Last day covered by the processed data in ``processed``, when ``ingest_summary.json``
    states it (None otherwise: an unreadable summary, or one without the date)."""
    try:
        summary = json.loads((Path(processed) / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for key in ("data_end", "coverage_end"):
        value = summary.get(key) if isinstance(summary, dict) else None
        if value:
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                return None
    return None
