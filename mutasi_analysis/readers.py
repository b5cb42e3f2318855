"""Reading raw exports: CSV (any Excel locale) and XLSX, into frames of trimmed strings.

Every cell is read as text so that validation (:mod:`mutasi_analysis.schemas`,
:mod:`mutasi_analysis.ingest`) can say exactly which cell could not be read as its type,
instead of a reader guessing types and silently turning bad cells into NaN.

CSV files from Excel in an Indonesian locale use ``;`` separators, decimal commas and a UTF-8
byte-order mark; plain exports use ``,`` and decimal points. Both read the same way:

* the delimiter is sniffed from the header line (``;``, ``,``, tab or ``|``);
* the byte-order mark is skipped; files that are not UTF-8 are read as Windows-1252 (what Excel
  writes for "CSV (Comma delimited)" on Windows);
* the decimal separator follows the delimiter (``,`` for ``;`` files, ``.`` otherwise), see
  :func:`parse_number`;
* headers are matched case-insensitively, ignoring spaces, ``_`` and ``-``, and SIASN-style
  camelCase headers are mapped through :data:`COLUMN_ALIASES`.

Row numbers are 1-based data rows (header excluded). Lines that are completely empty (no
separators at all) are not data rows and are not counted; a line of empty fields (``;;;``) is a
data row and is rejected at validation. In XLSX files only the first sheet is read and fully
empty rows after the last data row (sheet formatting) are not counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import DataError

__all__ = [
    "COLUMN_ALIASES",
    "RAW_SUFFIXES",
    "RawTable",
    "header_key",
    "canonical_header",
    "find_raw_file",
    "read_raw",
    "parse_number",
    "parse_datetime",
]

RAW_SUFFIXES = (".csv", ".xlsx")

# SIASN / SIMPEG export headers (camelCase) -> canonical Indonesian headers.
# Keys are compared through :func:`header_key`, so case, spaces, "_" and "-" do not matter;
# headers that already reduce to a canonical name (tmtJabatan -> tmt_jabatan) are listed too so
# that this dictionary is the documented full list.
COLUMN_ALIASES: dict[str, str] = {
    # staff and position history (SIASN riwayat jabatan / data utama)
    "nipBaru": "nip",
    "nip_baru": "nip",
    "namaLengkap": "nama",
    "nama_pegawai": "nama",
    "golonganId": "golongan",
    "golRuang": "golongan",
    "golonganNama": "golongan",
    "pangkatGolongan": "golongan",
    "jenisJabatan": "jenis_jabatan",
    "jenisJabatanId": "jenis_jabatan",
    "statusPegawai": "status",
    "jenisPegawai": "status",
    "unorId": "kode_unit",
    "unitKerjaId": "kode_unit",
    "kodeUnit": "kode_unit",
    "unorNama": "nama_unit",
    "namaUnit": "nama_unit",
    "jenisUnit": "jenis_unit",
    "namaJabatan": "nama_jabatan",
    "eselonId": "eselon",
    "tmtJabatan": "tmt_jabatan",
    "nomorSk": "nomor_sk",
    "noSk": "nomor_sk",
    "tanggalSk": "tanggal_sk",
    "tglSk": "tanggal_sk",
    "jenisMutasiId": "jenis_mutasi",
    "jenisMutasi": "jenis_mutasi",
    "jenisPenugasanId": "jenis_penugasan",
    "jenisPenugasan": "jenis_penugasan",
    "nomorPersetujuan": "nomor_persetujuan",
    # complaints
    "idLaporan": "id_laporan",
    "trackingId": "id_laporan",
    "waktuDiterima": "waktu_diterima",
    "waktuResponPertama": "waktu_respon_pertama",
    "waktuSelesai": "waktu_selesai",
    # survey
    "idResponden": "id_responden",
    # training (SIASN riwayat diklat)
    "namaDiklat": "nama_pelatihan",
    "nama_diklat": "nama_pelatihan",
    "namaPelatihan": "nama_pelatihan",
    "tanggalMulai": "tanggal_mulai",
    "tglMulai": "tanggal_mulai",
    "tanggalSelesai": "tanggal_selesai",
    "tglSelesai": "tanggal_selesai",
    "jumlahJam": "jam_pelajaran",
    "jamPelajaran": "jam_pelajaran",
    "jp": "jam_pelajaran",
}

_DELIMITERS = (";", ",", "\t", "|")
_BOM = b"\xef\xbb\xbf"


def header_key(name: str) -> str:
    """Comparison key of a header: lower case, without spaces, ``_``, ``-`` and ``.``."""
    return re.sub(r"[\s_\-.]+", "", str(name).replace("\ufeff", "")).casefold()


def canonical_header(name: str, known: tuple[str, ...] = ()) -> str:
    """Map a raw header to its canonical name.

    Parameters
    ----------
    name : str
        The header as found in the file.
    known : tuple of str
        Canonical column names of the table; a header whose key equals one of theirs maps to it.

    Returns
    -------
    str
        The canonical name, or the header's key (lower case) when nothing matches.
    """
    key = header_key(name)
    for col in known:
        if header_key(col) == key:
            return col
    alias = _ALIAS_KEYS.get(key)
    if alias is not None:
        return alias
    return str(name).replace("\ufeff", "").strip().casefold()


_ALIAS_KEYS = {header_key(k): v for k, v in COLUMN_ALIASES.items()}


@dataclass(frozen=True)
class RawTable:
    """One raw file read as text.

    Attributes
    ----------
    table : str
        Table name (file stem).
    path : Path
        The file.
    data : pandas.DataFrame
        One column per header (canonical names), every cell a trimmed string or NA (blank).
        The index is the 1-based data row number.
    decimal : str
        Decimal separator of the file's numbers (``","`` or ``"."``).
    delimiter : str or None
        CSV delimiter (None for XLSX).
    encoding : str
        ``utf-8`` or ``cp1252`` (CSV), ``xlsx`` otherwise.
    sha256 : str
        Hash of the file's bytes (recorded in the ingestion summary).
    headers : dict
        Canonical name -> header as written in the file.
    """

    table: str
    path: Path
    data: pd.DataFrame
    decimal: str
    delimiter: str | None
    encoding: str
    sha256: str
    headers: dict


def find_raw_file(raw: Path, table: str) -> Path | None:
    """The raw file of ``table`` in folder ``raw`` (``table.csv`` or ``table.xlsx``).

    Names are matched case-insensitively; Excel lock files (``~$...``) are ignored.

    Raises
    ------
    DataError
        When both a CSV and an XLSX file exist for the table (which one is meant is unclear).
    """
    hits = sorted(
        p for p in Path(raw).iterdir()
        if p.is_file() and not p.name.startswith("~$")
        and p.suffix.lower() in RAW_SUFFIXES and p.stem.casefold() == table.casefold()
    )
    if len(hits) > 1:
        raise DataError(
            f"{raw} holds {len(hits)} files for table {table!r} ({', '.join(p.name for p in hits)}); "
            "keep exactly one and move the others away"
        )
    return hits[0] if hits else None


def read_raw(path: Path, known: tuple[str, ...] = (), table: str | None = None) -> RawTable:
    """Read a raw CSV or XLSX file as trimmed strings with canonical headers.

    Parameters
    ----------
    path : Path
        The file (``.csv`` or ``.xlsx``).
    known : tuple of str
        Canonical column names of the table (headers are matched to them first).
    table : str, optional
        Table name; defaults to the file stem.

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        When the file is empty, has no data rows, cannot be parsed, or has two headers that map
        to the same column; the message names the file and what to do.
    """
    path = Path(path)
    table = table or path.stem.lower()
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror}; check that the file exists and is readable") from None
    sha = hashlib.sha256(content).hexdigest()
    if not content[:65536].strip(_BOM + b" \t\r\n") and not content.strip(_BOM + b" \t\r\n"):
        raise DataError(f"{path} is empty; export the {table} table again (with its header row)")
    if path.suffix.lower() == ".xlsx":
        headers, data = _read_xlsx(path, content)
        decimal, delimiter, encoding = ".", None, "xlsx"
    else:
        headers, data, delimiter, encoding = _read_csv(path, content)
        decimal = "," if delimiter == ";" else "."
    names, seen = [], {}
    for h in headers:
        c = canonical_header(h, known) if str(h).strip() else ""
        if not c:
            c = f"_blank_{len(names)}"
        if c in seen:
            raise DataError(
                f"{path}: headers {seen[c]!r} and {h!r} both mean column {c!r}; remove one of them"
            )
        seen[c] = h
        names.append(c)
    data.columns = names
    if len(data) == 0:
        raise DataError(f"{path} has a header but no data rows; export the {table} table with its rows")
    data.index = pd.RangeIndex(1, len(data) + 1, name="row")
    return RawTable(table, path, data, decimal, delimiter, encoding, sha, dict(seen))


def _sniff_delimiter(header_line: str) -> str:
    # Counting fields per candidate on the header line is more reliable than csv.Sniffer, which
    # guesses from letter frequencies and fails on short Indonesian headers.
    best, best_n = ",", 1
    for d in _DELIMITERS:
        n = len(next(csv.reader([header_line], delimiter=d)))
        if n > best_n:
            best, best_n = d, n
    return best


def _read_csv(path: Path, content: bytes):
    body = content[len(_BOM):] if content.startswith(_BOM) else content
    first = body.split(b"\n", 1)[0].rstrip(b"\r")
    encoding = "utf-8"
    try:
        header_line = first.decode("utf-8")
    except UnicodeDecodeError:
        encoding = "cp1252"
        header_line = first.decode("cp1252", errors="replace")
    delimiter = _sniff_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter))
    tmp_names = [f"f{i}" for i in range(len(headers))]

    def parse(enc: str) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=tmp_names, encoding=enc),
            # quoted line breaks (komentar) need the slower newline-aware parser; a file
            # without any quote cannot have them
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=b'"' in body),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in tmp_names},
                strings_can_be_null=True,
                null_values=[""],
            ),
        )

    try:
        try:
            tbl = parse("utf8" if encoding == "utf-8" else encoding)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc) or encoding != "utf-8":
                raise
            encoding = "cp1252"
            tbl = parse(encoding)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        msg = str(exc).split("\n")[0]
        raise DataError(
            f"{path} cannot be read as CSV ({msg}); every line needs the same number of "
            f"fields as the header ({len(headers)}, separated by {delimiter!r}): fix or re-export the file"
        ) from None
    cols = {}
    for name in tmp_names:
        col = pc.utf8_trim_whitespace(tbl[name])
        cols[name] = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
    frame = pa.table(cols).to_pandas()
    return headers, frame, delimiter, encoding


def _xlsx_cell(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 2**53:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.time):
        return v.isoformat()
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    s = str(v).strip()
    return s or None


def _read_xlsx(path: Path, content: bytes):
    # python-calamine (Rust) reads a sheet about ten times faster than openpyxl; Excel's own
    # limit of 1,048,576 rows a sheet would otherwise take minutes.
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = wb.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise DataError(
            f"{path} cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}); "
            "save it again from Excel as .xlsx"
        ) from None
    if not rows:
        raise DataError(f"{path}: the first sheet is empty; put the {path.stem} table on the first sheet")
    header = [_xlsx_cell(v) for v in rows[0]]
    width = len(header)
    while width and header[width - 1] is None:
        width -= 1
    headers = [h or "" for h in header[:width]]
    body = []
    for r in rows[1:]:
        cells = [_xlsx_cell(v) for v in r]
        if any(c is not None for c in cells[width:]):
            raise DataError(
                f"{path}: data row {len(body) + 1} has values beyond the last header column; "
                "add a header for them or delete them"
            )
        cells = cells[:width] + [None] * max(0, width - len(cells))
        body.append(cells)
    while body and all(c is None for c in body[-1]):
        body.pop()  # trailing formatted-but-empty rows are sheet layout, not data
    arrays = {f"f{i}": pa.array([row[i] for row in body], type=pa.string()) for i in range(width)}
    frame = pa.table(arrays).to_pandas() if width else pd.DataFrame()
    return headers, frame


# --------------------------------------------------------------------------------------------
# Value parsing (vectorised)
# --------------------------------------------------------------------------------------------

def _arrow(s: pd.Series) -> pa.Array:
    return pa.array(s, type=pa.large_string(), from_pandas=True)


def parse_number(values: pd.Series, decimal: str = ".") -> tuple[np.ndarray, np.ndarray]:
    """Parse text to float, locale-aware.

    The file's decimal separator is ``decimal``; the other of ``.``/``,`` is read as a
    thousands separator only where it groups digits by three (``1.234,5`` in a ``;`` file),
    and as a decimal separator otherwise (``12.5`` in a ``;`` file is 12.5, not 125).

    Parameters
    ----------
    values : pandas.Series
        Text (NA = blank).
    decimal : {".", ","}
        The file's decimal separator.

    Returns
    -------
    numbers : numpy.ndarray of float
        NaN where blank or unreadable.
    bad : numpy.ndarray of bool
        True where a non-blank cell is not a finite number.
    """
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    arr = pc.replace_substring(_arrow(values), " ", "")
    thousands = "." if decimal == "," else ","
    t_re, d_re = re.escape(thousands), re.escape(decimal)
    grouped = pc.fill_null(pc.match_substring_regex(arr, rf"^[+-]?\d{{1,3}}({t_re}\d{{3}})+({d_re}\d*)?$"), False)
    cleaned = pc.if_else(grouped, pc.replace_substring(arr, thousands, ""), arr)
    cleaned = pc.replace_substring(cleaned, ",", ".")
    ok_shape = pc.fill_null(pc.match_substring_regex(cleaned, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"), False)
    num = pc.cast(pc.if_else(ok_shape, cleaned, pa.scalar(None, pa.large_string())), pa.float64())
    out = num.to_numpy(zero_copy_only=False).astype(float)
    present = ~values.isna().to_numpy()
    bad = present & ~(ok_shape.to_numpy(zero_copy_only=False) & np.isfinite(out))
    out[bad] = np.nan
    return out, bad


_MISSING_DATES = frozenset({"01-01-0001", "0001-01-01", "00-00-0000", "0000-00-00"})
_DATE_RES = (
    re.compile(r"^(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)
_TIME_RE = re.compile(r"^(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?$")
_OK, _WRONG, _INVALID, _NULL = 0, 1, 2, 3


def _date_code(text: str) -> tuple[int, int]:
    """(days since 1970-01-01, status) of one date string."""
    t = text.replace("/", "-")
    if t in _MISSING_DATES:
        return 0, _NULL
    for rx in _DATE_RES:
        m = rx.match(t)
        if m:
            try:
                day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return 0, _INVALID
            return (day - dt.date(1970, 1, 1)).days, _OK
    return 0, _WRONG


def _time_code(text: str) -> tuple[int, int]:
    """(seconds since midnight, status) of one time string ("" = no time)."""
    if text == "":
        return 0, _OK
    m = _TIME_RE.match(text)
    if not m:
        return 0, _WRONG
    h, mi, se = int(m["H"]), int(m["M"]), int(m["S"] or 0)
    if h > 23 or mi > 59 or se > 59:
        return 0, _INVALID
    return h * 3600 + mi * 60 + se, _OK


def _coded(parts: pa.ChunkedArray, fn) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``fn`` to each distinct string once and spread the result back (value, status)."""
    if isinstance(parts, pa.ChunkedArray):
        parts = parts.combine_chunks()
    enc = pc.dictionary_encode(parts)
    codes = [fn(v) for v in enc.dictionary.to_pylist()]
    vals = np.array([c[0] for c in codes] + [0], dtype=np.int64)
    stat = np.array([c[1] for c in codes] + [_OK], dtype=np.int8)
    idx = enc.indices.fill_null(len(codes)).to_numpy(zero_copy_only=False).astype(np.int64)
    return vals[idx], stat[idx]


def parse_datetime(values: pd.Series, today: dt.date | None = None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse ``DD-MM-YYYY`` or ISO dates, each optionally with a time.

    ``01-01-0001`` (the SIASN null date) and blank mean missing; ``/`` is accepted for ``-``.

    Parameters
    ----------
    values : pandas.Series
        Text (NA = blank).
    today : datetime.date, optional
        The run date; dates after it are implausible. Defaults to today.

    Returns
    -------
    parsed : pandas.Series of datetime64[s]
        NaT where blank, missing or unreadable.
    wrong_type : numpy.ndarray of bool
        The cell is not shaped like a date at all.
    invalid : numpy.ndarray of bool
        Shaped like a date but it does not exist (31-02-2024, month 13, hour 25) or is
        implausible (before 1900 or after ``today``).
    """
    today = today or dt.date.today()
    arr = _arrow(values)
    # Dates and times repeat a lot (a few thousand days, 1,440 minutes), so the date and the
    # time part are parsed once per distinct string and spread back: millions of rows cost
    # two hash passes instead of millions of regex matches.
    # Split "date time" with plain string kernels (much cheaper than a regex on every row);
    # the appended blank guarantees two parts, the second empty when there is no time.
    blank = pa.scalar(" ", pa.large_string())
    spaced = pc.binary_join_element_wise(
        pc.replace_substring(arr, "T", " ", max_replacements=1), blank, pa.scalar("", pa.large_string())
    )
    parts = pc.split_pattern(spaced, " ", max_splits=1)
    days, dstat = _coded(pc.list_element(parts, 0), _date_code)
    secs, tstat = _coded(pc.utf8_trim_whitespace(pc.list_element(parts, 1)), _time_code)
    present = ~values.isna().to_numpy() & (dstat != _NULL)
    wrong = present & ((dstat == _WRONG) | (tstat == _WRONG))
    stamp = days * 86400 + secs
    lo = (dt.date(1900, 1, 1) - dt.date(1970, 1, 1)).days * 86400
    hi = (today + dt.timedelta(days=1) - dt.date(1970, 1, 1)).days * 86400
    ok = present & ~wrong & (dstat == _OK) & (tstat == _OK)
    invalid = present & ~wrong & ~(ok & (stamp >= lo) & (stamp < hi))
    good = ok & ~invalid
    out = np.where(good, stamp, 0).astype("datetime64[s]")
    out[~good] = np.datetime64("NaT")
    return pd.Series(out, index=values.index), wrong, invalid
