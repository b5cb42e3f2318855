"""Rules per raw table: columns, types, vocabularies, ranges and date order.

Validation runs in two steps, both vectorised:

1. :func:`type_table` reads every cell as its type (numbers with the file's decimal separator,
   dates, NIPs, codes normalised to their canonical spelling) and reports the cells that are
   blank while required (``missing_value``), unreadable (``wrong_type``), impossible dates
   (``invalid_date``) and bad NIPs (``invalid_nip``). Parsing stays hand-written because it
   must tell these reasons apart per cell, which a dtype coercion cannot.
2. :func:`rule_schema` builds a pandera ``DataFrameSchema`` over the typed frame for the
   value rules (``out_of_range``, ``invalid_code``, ``unknown_unit``, ``date_order``);
   pandera's ``lazy=True`` validation collects every failing row and column at once.
   Measured on 3 million complaint rows it takes well under a second while failures are few,
   so no hand-written replacement is needed.

Cross-table rules (``unknown_staff``) and ``duplicate`` are applied by
:mod:`mutasi_analysis.ingest`. Reason codes and their order are those of
``docs/definitions.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_
import pyarrow.compute as pc

from .contract import LIKERT_ITEMS, SKM_ELEMENTS
from .config import UNIT_TYPES
from .nip import check_nips
from .readers import EARLIEST_DATE, RawTable, parse_datetime, parse_number

__all__ = [
    "TABLES",
    "REQUIRED_TABLES",
    "OPTIONAL_TABLES",
    "POSITION_GROUPS",
    "POSITION_GROUP_OF_JENIS",
    "REASONS",
    "SKM_ELEMENTS",
    "LIKERT_ITEMS",
    "GOLONGAN_CODES",
    "ColumnSpec",
    "TableSpec",
    "SPECS",
    "normalise_golongan",
    "type_table",
    "rule_schema",
]

TABLES = ("unit", "pegawai", "riwayat_jabatan", "pengaduan", "skm", "survei_asn", "pelatihan", "formasi")
#: Tables whose file may be absent: ``unit`` (the region config holds the units) and ``formasi``
#: (staffing requirements, needed only to plan the next rotation wave).
OPTIONAL_TABLES = ("unit", "formasi")
REQUIRED_TABLES = tuple(t for t in TABLES if t not in OPTIONAL_TABLES)

#: Position groups of ``formasi.kelompok_jabatan``, and the group of each ``jenis_jabatan`` code
#: (1 struktural and 3 rangkap are struktural, 2 fungsional tertentu, 4 fungsional umum).
POSITION_GROUPS = ("struktural", "fungsional", "pelaksana")
POSITION_GROUP_OF_JENIS = {1: "struktural", 3: "struktural", 2: "fungsional", 4: "pelaksana"}

#: Rejection reasons in the order checks apply (docs/definitions.md): a row is rejected with its
#: first failing reason.
REASONS = (
    "missing_value",
    "wrong_type",
    "invalid_date",
    "out_of_range",
    "invalid_code",
    "invalid_nip",
    "unknown_unit",
    "unknown_staff",
    "date_order",
    "duplicate",
)


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
#: SIASN golongan code -> "III/a" form (11..14, 21..24, 31..34, 41..45).
GOLONGAN_CODES: dict[int, str] = {
    g * 10 + i: f"{_ROMAN[g]}/{'abcde'[i - 1]}" for g in range(1, 5) for i in range(1, 6 if g == 4 else 5)
}
_GOLONGAN_BY_NAME = {v.upper(): k for k, v in GOLONGAN_CODES.items()}
#: PPPK grades I..XVII.
PPPK_GOLONGAN = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)

ESELON_CODES = (21, 22, 31, 32, 41, 42, 51, 52, 99)


@dataclass(frozen=True)
class ColumnSpec:
    """One raw column.

    Attributes
    ----------
    name : str
        Canonical header.
    kind : str
        ``text``, ``nip``, ``unit``, ``code`` (text vocabulary), ``intcode`` (integer
        vocabulary), ``int`` (integer with a range), ``float``, ``date``, ``datetime``,
        ``golongan``.
    required : bool
        A blank cell is ``missing_value``.
    optional_column : bool
        The column may be absent from the file.
    codes : tuple
        Allowed values of a ``code``/``intcode`` column (canonical spelling).
    lo, hi : float, optional
        Allowed range (inclusive) of an ``int``/``float`` column.
    lo_open : bool
        ``lo`` excluded (``jam_pelajaran > 0``).
    min_date : str, optional
        Earliest plausible date (ISO); earlier is ``invalid_date``.
    dtype : str
        Dtype in the processed table.
    keep : bool
        Whether the column goes to the processed table (``nama`` does not).
    """

    name: str
    kind: str = "text"
    required: bool = True
    optional_column: bool = False
    codes: tuple = ()
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    min_date: str | None = None
    dtype: str = "str"
    keep: bool = True


@dataclass(frozen=True)
class TableSpec:
    """Rules of one raw table.

    Attributes
    ----------
    name : str
    columns : tuple of ColumnSpec
    key : tuple of str
        Columns whose repeated values make a ``duplicate`` (empty: identical rows only).
    staff_fk : bool
        ``nip`` must be an accepted ``pegawai`` row.
    year_in_data : str, optional
        Column holding a year that must lie within the data's years (``out_of_range``
        otherwise): from the year of the earliest accepted ``tmt_jabatan`` to the year after
        the latest accepted event date. Applied by ingestion once the other tables are in.
    sort : tuple of str
        Sort order of the processed table (after ``nip`` became ``pid``).
    date_order : tuple
        ``(column, detail, function(frame) -> bool Series of failures)``.
    """

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    staff_fk: bool = False
    year_in_data: str | None = None
    sort: tuple[str, ...] = ()
    date_order: tuple = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _date(name, required=True, **kw):
    return ColumnSpec(name, "date", required=required, dtype="datetime64[us]", **kw)


def _datetime(name, required=True):
    return ColumnSpec(name, "datetime", required=required, dtype="datetime64[us]")


def _before(later: str, earlier: str):
    return lambda d: d[later].notna() & d[earlier].notna() & (d[later] < d[earlier])


SPECS: dict[str, TableSpec] = {
    "unit": TableSpec(
        "unit",
        (
            ColumnSpec("kode_unit", "unit"),
            ColumnSpec("nama_unit"),
            ColumnSpec("jenis_unit", "code", codes=UNIT_TYPES),
            ColumnSpec("kelurahan", required=False),
        ),
        key=("kode_unit",),
        sort=("kode_unit",),
    ),
    "pegawai": TableSpec(
        "pegawai",
        (
            ColumnSpec("nip", "nip"),
            ColumnSpec("nama", required=False, keep=False),
            ColumnSpec("golongan", "golongan"),
            ColumnSpec("jenis_jabatan", "intcode", codes=(1, 2, 3, 4), dtype="Int64"),
            ColumnSpec("status", "code", codes=("PNS", "PPPK")),
            # Left the service or the region (retired, moved away): no longer a rotation candidate.
            _date("tanggal_keluar", required=False, optional_column=True),
        ),
        key=("nip",),
        sort=("pid",),
    ),
    "riwayat_jabatan": TableSpec(
        "riwayat_jabatan",
        (
            ColumnSpec("nip", "nip"),
            ColumnSpec("kode_unit", "unit"),
            ColumnSpec("nama_jabatan"),
            ColumnSpec("jenis_jabatan", "intcode", codes=(1, 2, 3, 4), dtype="Int64"),
            ColumnSpec("eselon", "intcode", required=False, codes=ESELON_CODES, dtype="Int64"),
            _date("tmt_jabatan"),
            ColumnSpec("nomor_sk", required=False),
            _date("tanggal_sk", required=False, min_date="1950-01-01"),
            ColumnSpec("jenis_mutasi", "code", codes=("MJ", "MU")),
            ColumnSpec("jenis_penugasan", "code", codes=("D", "PLT", "PLH", "PJ", "TT")),
            ColumnSpec("nomor_persetujuan", required=False, optional_column=True),
        ),
        key=("nip", "tmt_jabatan", "kode_unit", "jenis_penugasan"),
        staff_fk=True,
        sort=("pid", "tmt_jabatan", "kode_unit", "jenis_penugasan"),
        date_order=(
            (
                "tanggal_sk",
                "tanggal_sk is more than one year after tmt_jabatan",
                lambda d: d["tanggal_sk"].notna() & d["tmt_jabatan"].notna()
                & (d["tanggal_sk"] > d["tmt_jabatan"] + pd.DateOffset(years=1)),
            ),
        ),
    ),
    "pengaduan": TableSpec(
        "pengaduan",
        (
            ColumnSpec("id_laporan"),
            ColumnSpec("kode_unit", "unit"),
            ColumnSpec("kanal", required=False),
            ColumnSpec(
                "kategori", "code", codes=("aspirasi", "pengaduan", "permintaan_informasi", "wbs")
            ),
            _datetime("waktu_diterima"),
            _datetime("waktu_respon_pertama", required=False),
            _datetime("waktu_selesai", required=False),
            ColumnSpec("status", "code", codes=("baru", "diproses", "selesai")),
        ),
        key=("id_laporan",),
        sort=("id_laporan",),
        date_order=(
            (
                "waktu_respon_pertama",
                "waktu_respon_pertama is before waktu_diterima",
                _before("waktu_respon_pertama", "waktu_diterima"),
            ),
            (
                "waktu_selesai",
                "waktu_selesai is before waktu_diterima or waktu_respon_pertama",
                lambda d: _before("waktu_selesai", "waktu_diterima")(d)
                | _before("waktu_selesai", "waktu_respon_pertama")(d),
            ),
            (
                "waktu_selesai",
                "status is selesai but waktu_selesai is blank",
                lambda d: (d["status"] == "selesai").fillna(False) & d["waktu_selesai"].isna(),
            ),
            # The other direction: a resolution time on an open complaint would be counted in
            # the resolution times but not as resolved (services), so it is rejected too.
            (
                "status",
                "waktu_selesai is given but status is not selesai",
                lambda d: (d["status"] != "selesai").fillna(False) & d["waktu_selesai"].notna(),
            ),
        ),
    ),
    "skm": TableSpec(
        "skm",
        (
            ColumnSpec("id_responden"),
            ColumnSpec("kode_unit", "unit"),
            _date("tanggal"),
            *(ColumnSpec(e, "int", required=False, lo=1, hi=4, dtype="Int8") for e in SKM_ELEMENTS),
        ),
        key=("id_responden",),
        sort=("id_responden",),
    ),
    "survei_asn": TableSpec(
        "survei_asn",
        (
            ColumnSpec("nip", "nip"),
            _date("tanggal"),
            ColumnSpec("kode_unit", "unit"),
            *(ColumnSpec(e, "int", required=False, lo=1, hi=5, dtype="Int8") for e in LIKERT_ITEMS),
            ColumnSpec("komentar", required=False, optional_column=True),
        ),
        staff_fk=True,
        sort=("pid", "tanggal", "kode_unit"),
    ),
    "pelatihan": TableSpec(
        "pelatihan",
        (
            ColumnSpec("nip", "nip"),
            ColumnSpec("nama_pelatihan"),
            _date("tanggal_mulai"),
            _date("tanggal_selesai"),
            ColumnSpec("jam_pelajaran", "float", lo=0, lo_open=True, dtype="float64"),
        ),
        staff_fk=True,
        sort=("pid", "tanggal_mulai", "nama_pelatihan"),
        date_order=(
            (
                "tanggal_selesai",
                "tanggal_selesai is before tanggal_mulai",
                _before("tanggal_selesai", "tanggal_mulai"),
            ),
        ),
    ),
    # Staffing requirements from the workload analysis (ABK/anjab): optional, for planning.
    "formasi": TableSpec(
        "formasi",
        (
            ColumnSpec("kode_unit", "unit"),
            ColumnSpec("kelompok_jabatan", "code", codes=POSITION_GROUPS),
            ColumnSpec("nama_jabatan", required=False, optional_column=True),
            ColumnSpec("kebutuhan", "int", lo=0, dtype="Int64"),
            ColumnSpec("tahun", "int", dtype="Int64"),
        ),
        key=("kode_unit", "kelompok_jabatan", "nama_jabatan", "tahun"),
        year_in_data="tahun",
        sort=("tahun", "kode_unit", "kelompok_jabatan", "nama_jabatan"),
    ),
}


def normalise_golongan(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Golongan to the ``III/a`` form and its SIASN code.

    Accepts ``III/a``, ``iii/A``, ``III a``, ``IIIa``, SIASN codes ``11``..``45`` and PPPK grades
    ``I``..``XVII``.

    Returns
    -------
    golongan : pandas.Series of str
        ``III/a`` form (PNS) or roman grade (PPPK); NA where unknown.
    kode : pandas.Series of Int64
        SIASN code for PNS golongan; NA for PPPK grades.
    pppk : numpy.ndarray of bool
        The value is a PPPK grade.
    """
    s = values.astype("str").str.upper().str.replace(r"^(\d{2})[.,]0+$", r"\1", regex=True)  # 31.0 from Excel
    s = s.str.replace(r"[\s/.\-]+", "", regex=True)
    s = s.str.replace(r"^(I{1,3}|IV)([A-E])$", r"\1/\2", regex=True)
    code = s.map(_GOLONGAN_BY_NAME)
    numeric = pd.to_numeric(s.where(s.str.fullmatch(r"\d{2}").fillna(False)), errors="coerce")
    code = code.fillna(numeric.where(numeric.isin(list(GOLONGAN_CODES))))
    kode = pd.array(code, dtype="Int64")
    gol = pd.Series(kode, index=values.index).map(GOLONGAN_CODES, na_action="ignore").astype("str")
    gol = gol.str.replace(r"/([A-E])$", lambda m: "/" + m.group(1).lower(), regex=True)
    pppk = s.isin(PPPK_GOLONGAN).to_numpy(dtype=bool) & pd.isna(kode)
    gol = gol.where(~pppk, s)
    return gol, pd.Series(kode, index=values.index), pppk


def _map_distinct(values: pd.Series, fn) -> pd.Series:
    """Map each distinct string once (codes repeat: millions of rows, a handful of values)."""
    arr = pa_.array(values, type=pa_.large_string(), from_pandas=True)
    if isinstance(arr, pa_.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    mapped = pa_.array([fn(v) for v in enc.dictionary.to_pylist()], type=pa_.large_string())
    out = mapped.take(enc.indices)
    series = out.to_pandas().astype("str")
    series.index = values.index
    return series


def _failure(rows, column, values, reason, detail) -> pd.DataFrame:
    return pd.DataFrame(
        {"row": np.asarray(rows, dtype=np.int64), "column": column, "value": values,
         "reason": reason, "detail": detail}
    )


def type_table(
    raw: RawTable, spec: TableSpec, unit_codes: tuple[str, ...], today: dt.date,
    unit_aliases: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Read each cell of a raw table as its type.

    Parameters
    ----------
    raw : RawTable
        From :func:`mutasi_analysis.readers.read_raw` (all required columns present).
    spec : TableSpec
    unit_codes : tuple of str
        Unit codes of the region config (kode_unit is matched case-insensitively and written in
        the config's spelling).
    today : datetime.date
        Run date (dates after it are implausible).
    unit_aliases : mapping of str to str, optional
        Other names of units -> unit code (the region's SIASN unit ids), matched the same way.

    Returns
    -------
    typed : pandas.DataFrame
        One column per spec column (NA where blank or unreadable), index = data row number;
        ``nip`` holds the cleaned NIP, ``pegawai`` also gets ``kode_golongan`` and
        ``_nip_kind``.
    failures : list of pandas.DataFrame
        Cell failures with columns row, column, value, reason, detail.
    """
    data = raw.data
    idx = data.index
    typed: dict[str, pd.Series] = {}
    failures: list[pd.DataFrame] = []

    def fail(mask: np.ndarray, col: str, reason: str, detail) -> None:
        if mask.any():
            vals = data[col][mask] if col in data.columns else pd.Series([""] * int(mask.sum()))
            det = detail[mask] if isinstance(detail, (np.ndarray, pd.Series)) else detail
            failures.append(_failure(idx[mask], col, vals.to_numpy(dtype=object), reason, np.asarray(det, dtype=object)))

    for c in spec.columns:
        if c.name not in data.columns:  # optional column absent
            typed[c.name] = pd.Series(pd.NA, index=idx, dtype=c.dtype if c.dtype != "str" else "str")
            continue
        s = data[c.name]
        blank = s.isna().to_numpy()
        if c.required:
            fail(blank, c.name, "missing_value", f"{c.name} is required")
        if c.kind in ("int", "intcode", "float"):
            num, bad = parse_number(s, raw.decimal)
            if c.kind != "float":
                frac = ~np.isnan(num) & (num != np.round(num))
                bad = bad | frac
                num[frac] = np.nan
            fail(bad, c.name, "wrong_type", "not a whole number" if c.kind != "float" else "not a number")
            if c.kind == "float":
                typed[c.name] = pd.Series(num, index=idx, dtype="float64")
            else:
                big = np.abs(np.nan_to_num(num)) > 2**31
                num[big] = 2**31  # still out of range/vocabulary, but castable
                na = np.isnan(num)
                ints = pd.arrays.IntegerArray(np.where(na, 0, num).astype(np.int64), na)
                typed[c.name] = pd.Series(ints, index=idx)
        elif c.kind in ("date", "datetime"):
            parsed, wrong, invalid = parse_datetime(s, today)
            fail(wrong, c.name, "wrong_type", "not a date (use DD-MM-YYYY or YYYY-MM-DD)")
            if c.min_date is not None:
                early = parsed.notna().to_numpy() & (parsed < pd.Timestamp(c.min_date)).to_numpy()
                invalid = invalid | early
                parsed = parsed.where(~early)
            fail(invalid, c.name, "invalid_date", f"date does not exist or is implausible (before {c.min_date or EARLIEST_DATE.year} or after {today})")
            if c.kind == "date":
                parsed = parsed.dt.floor("D")
            typed[c.name] = parsed.astype("datetime64[us]")
            # SIASN "01-01-0001" means missing: a required date given that way is missing too
            marker = s.notna().to_numpy() & parsed.isna().to_numpy() & ~wrong & ~invalid
            if c.required:
                fail(marker, c.name, "missing_value", f"{c.name} is required (01-01-0001 means missing)")
        elif c.kind == "nip":
            checked = check_nips(s, today)
            fail(~blank & ~checked["valid"].to_numpy(), c.name, "invalid_nip", ("NIP " + checked["problem"].fillna("")).to_numpy(dtype=object))
            typed[c.name] = checked["nip"].where(checked["valid"])
            typed["_nip_kind"] = checked["kind"].where(checked["valid"])
        elif c.kind == "unit":
            lookup = {a.casefold(): code for a, code in (unit_aliases or {}).items()}
            lookup.update({u.casefold(): u for u in unit_codes})
            mapped = _map_distinct(s, lambda v, lookup=lookup: lookup.get(v.casefold()))
            fail(~blank & mapped.isna().to_numpy(), c.name, "unknown_unit",
                 "kode_unit is not in the region config (neither a unit code nor one of a unit's siasn_ids)")
            typed[c.name] = mapped
        elif c.kind == "code":
            canon = {str(v).casefold().replace(" ", "_"): v for v in c.codes}
            mapped = _map_distinct(s, lambda v, canon=canon: canon.get(re.sub(r"[\s\-]+", "_", v.casefold())))
            fail(~blank & mapped.isna().to_numpy(), c.name, "invalid_code", f"allowed: {', '.join(map(str, c.codes))}")
            typed[c.name] = mapped
        elif c.kind == "golongan":
            gol, kode, pppk = normalise_golongan(s)
            fail(~blank & gol.isna().to_numpy(), c.name, "invalid_code", "allowed: I/a..IV/e, SIASN 11..45, PPPK I..XVII")
            typed[c.name] = gol
            typed["kode_golongan"] = kode
            typed["_gol_pppk"] = pd.Series(pppk, index=idx)
        else:
            typed[c.name] = s.astype("str")
    frame = pd.DataFrame(typed, index=idx)
    return frame, failures


def rule_schema(spec: TableSpec) -> tuple[pa.DataFrameSchema, dict[str, tuple[str, str, str]]]:
    """The pandera schema of a table's value rules over the typed frame.

    Parameters
    ----------
    spec : TableSpec

    Returns
    -------
    schema : pandera.DataFrameSchema
        Checks for ranges (``out_of_range``), integer vocabularies (``invalid_code``), PNS/PPPK
        consistency and date order; NA passes (blank or already reported cells).
    checks : dict
        Check name -> (reason, column, detail), to turn pandera's failure cases into rejects.
    """
    columns: dict[str, pa.Column] = {}
    frame_checks: list[pa.Check] = []
    meta: dict[str, tuple[str, str, str]] = {}
    for c in spec.columns:
        checks = []
        if c.kind in ("int", "float") and (c.lo is not None or c.hi is not None):
            lo = -np.inf if c.lo is None else c.lo
            hi = np.inf if c.hi is None else c.hi
            name = f"out_of_range:{c.name}"
            if c.lo_open:
                checks.append(pa.Check(lambda s, lo=lo, hi=hi: (s > lo) & (s <= hi), name=name))
                meta[name] = ("out_of_range", c.name, f"must be > {lo:g}")
            else:
                checks.append(pa.Check(lambda s, lo=lo, hi=hi: (s >= lo) & (s <= hi), name=name))
                meta[name] = ("out_of_range", c.name,
                              f"must be >= {lo:g}" if c.hi is None else f"must be {lo:g}..{hi:g}")
        if c.kind == "intcode":
            name = f"invalid_code:{c.name}"
            checks.append(pa.Check(lambda s, codes=c.codes: s.isin(codes), name=name))
            meta[name] = ("invalid_code", c.name, f"allowed: {', '.join(map(str, c.codes))}")
        if checks:
            columns[c.name] = pa.Column(checks=checks, nullable=True, required=False)
    if spec.name == "pegawai":
        name = "invalid_code:golongan"
        frame_checks.append(
            pa.Check(
                lambda d: d["status"].isna() | d["golongan"].isna()
                | ((d["status"] == "PPPK") == d["_gol_pppk"]),
                name=name,
            )
        )
        meta[name] = ("invalid_code", "golongan", "golongan does not fit the status (PNS: I/a..IV/e; PPPK: I..XVII)")
        name = "invalid_nip:nip"
        frame_checks.append(
            pa.Check(lambda d: d["status"].isna() | d["_nip_kind"].isna() | (d["status"] == d["_nip_kind"]), name=name)
        )
        meta[name] = ("invalid_nip", "nip", "NIP layout does not fit the status (PNS vs PPPK layout)")
    for i, (col, detail, fn) in enumerate(spec.date_order):
        name = f"date_order:{col}:{i}"
        frame_checks.append(pa.Check(lambda d, fn=fn: ~fn(d), name=name))
        meta[name] = ("date_order", col, detail)
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False), meta
