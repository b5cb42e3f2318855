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

Raw files are untrusted. Before anything is parsed, a file must be a regular file inside its
folder (a symbolic link pointing out of the raw folder, a FIFO, a device or a folder is refused by
name, and nothing ever blocks on a FIFO), and within the region config's ``[limits]``
(:class:`mutasi_analysis.config.Limits`): file size; for XLSX the sheet count, the total
uncompressed size and the first sheet's declared and actual extent, all read from the zip
without inflating the workbook; for CSV the line, cell, row and column counts. A refusal is one
line naming the file, the row and column where they apply, and the limit. No message quotes a
row of the file: raw rows hold NIPs and names.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .config import Limits
from .errors import DataError

__all__ = [
    "EARLIEST_DATE",
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

#: The earliest date a raw export may hold (an older one is implausible; Excel has none earlier).
EARLIEST_DATE = dt.date(1900, 1, 1)


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

    Names are matched case-insensitively; Excel lock files (``~$...``) are ignored. An entry is
    matched by its name whatever it is (a FIFO, a folder or a link named ``pegawai.csv`` is
    returned, and :func:`read_raw` then says what it is instead of the table looking missing).

    Raises
    ------
    DataError
        When both a CSV and an XLSX file exist for the table (which one is meant is unclear).
    """
    hits = sorted(
        p for p in Path(raw).iterdir()
        if not p.name.startswith("~$")
        and p.suffix.lower() in RAW_SUFFIXES and p.stem.casefold() == table.casefold()
    )
    if len(hits) > 1:
        raise DataError(
            f"{raw} holds {len(hits)} files for table {table!r} ({', '.join(p.name for p in hits)}); "
            "keep exactly one and move the others away"
        )
    return hits[0] if hits else None


_MB, _KB = 1024 * 1024, 1024
_LIMITS_HINT = "([limits] in the region config)"


def _check_kind(path: Path, st: os.stat_result) -> None:
    """Refuse anything but a regular file, saying what it is."""
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        what = "a folder"
    elif stat.S_ISFIFO(mode):
        what = "a FIFO (named pipe)"
    else:
        what = "a special file (device or socket)"
    raise DataError(f"{path} is {what}, not a file; put the exported file itself there")


def _check_inside(path: Path, root: Path) -> None:
    """Refuse a symbolic link that leads out of ``root`` (or nowhere)."""
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise DataError(f"{path} is a symbolic link to nothing; put the exported file itself in {root}") from None
    if not target.is_relative_to(root.resolve()):
        raise DataError(
            f"{path} is a symbolic link pointing outside the raw folder {root}; links out of the folder "
            "are never followed: copy the export itself into the folder"
        )


def _read_bytes(path: Path, limits: Limits) -> bytes:
    """The file's bytes, after checking that it is a regular file within ``max_file_mb``."""
    _check_inside(path, path.parent)
    try:
        _check_kind(path, os.stat(path))
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it does not block
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise DataError(f"{path} does not exist; export the table there") from None
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror}; check that the file exists and is readable") from None
    cap = limits.max_file_mb * _MB
    try:
        st = os.fstat(fd)
        _check_kind(path, st)
        if st.st_size > cap:
            raise DataError(
                f"{path} is {st.st_size / _MB:.1f} MB, over the limit max_file_mb = {limits.max_file_mb} "
                f"{_LIMITS_HINT}; split the export or raise the limit"
            )
        with os.fdopen(os.dup(fd), "rb") as fh:
            content = fh.read(cap + 1)
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror}; check that the file is readable") from None
    finally:
        os.close(fd)
    if len(content) > cap:  # grew while being read
        raise DataError(f"{path} is over the limit max_file_mb = {limits.max_file_mb} {_LIMITS_HINT}")
    return content


def read_raw(path: Path, known: tuple[str, ...] = (), table: str | None = None,
             limits: Limits | None = None) -> RawTable:
    """Read a raw CSV or XLSX file as trimmed strings with canonical headers.

    Parameters
    ----------
    path : Path
        The file (``.csv`` or ``.xlsx``).
    known : tuple of str
        Canonical column names of the table (headers are matched to them first).
    table : str, optional
        Table name; defaults to the file stem.
    limits : Limits, optional
        Size limits (the region config's ``[limits]``); defaults to :class:`Limits`'s.

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        When the file is not a regular file in its folder, exceeds a limit, is empty, has no
        data rows, cannot be parsed, or has two headers that map to the same column; the
        message names the file (and row and column where they apply) and what to do.
    """
    path = Path(path)
    table = table or path.stem.lower()
    limits = limits or Limits()
    content = _read_bytes(path, limits)
    sha = hashlib.sha256(content).hexdigest()
    if not content[:65536].strip(_BOM + b" \t\r\n") and not content.strip(_BOM + b" \t\r\n"):
        raise DataError(f"{path} is empty; export the {table} table again (with its header row)")
    if path.suffix.lower() == ".xlsx":
        headers, data = _read_xlsx(path, content, limits)
        decimal, delimiter, encoding = ".", None, "xlsx"
    else:
        headers, data, delimiter, encoding = _read_csv(path, content, limits)
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


def _row_word(row: int) -> str:
    return "the header" if row == 0 else f"row {row}"


def _longest_line(body: bytes) -> tuple[int, int]:
    """(1-based line number, length in bytes) of the longest physical line, in 64 MB slices."""
    best_len, best_line, line, start = -1, 0, 0, 0
    step = 64 * _MB
    for lo in range(0, max(len(body), 1), step):
        nl = np.flatnonzero(np.frombuffer(body, dtype=np.uint8, count=min(step, len(body) - lo), offset=lo) == 10)
        if len(nl):
            ends = nl + lo
            lengths = np.diff(np.concatenate(([start], ends + 1))) - 1
            i = int(np.argmax(lengths))
            if lengths[i] > best_len:
                best_len, best_line = int(lengths[i]), line + i + 1
            line += len(nl)
            start = int(ends[-1]) + 1
    if len(body) - start > best_len:
        best_len, best_line = len(body) - start, line + 1
    return best_line, best_len


def _diagnose(path: Path, body: bytes, encoding: str, delimiter: str, headers: list[str], limits: Limits,
              line: int | None = None) -> str:
    """Find the first record that breaks the file (or holds physical ``line``) with Python's csv module.

    Only runs once parsing has failed, so its speed does not matter; the message it returns names
    the row and column and never quotes the record.
    """
    text = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8" if encoding == "utf-8" else encoding,
                            errors="replace", newline="")
    cell_cap = limits.max_cell_kb * _KB
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limits.max_file_mb * _MB + 1))
    try:
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        row, start_line = -1, 1
        try:
            for rec in reader:
                if not rec:
                    start_line = reader.line_num + 1
                    continue
                row += 1
                for j, cell in enumerate(rec):
                    if len(cell) * 4 > cell_cap and len(cell.encode("utf-8")) > cell_cap:
                        col = repr(headers[j]) if j < len(headers) and row else str(j + 1)
                        hint = (f"is a quote left open on line {start_line}?" if "\n" in cell
                                else "shorten it or re-export the file")
                        return (f"{path}: {_row_word(row)}, column {col}: the cell is "
                                f"{len(cell.encode('utf-8')) / _KB:,.0f} KB, over the limit max_cell_kb = "
                                f"{limits.max_cell_kb} {_LIMITS_HINT}; {hint}")
                if line is not None and reader.line_num >= line:
                    return (f"{path}: {_row_word(row)} (line {line}) is over the limit max_line_kb = "
                            f"{limits.max_line_kb} {_LIMITS_HINT}; shorten it or re-export the file")
                if row and len(rec) != len(headers):
                    return (f"{path}: {_row_word(row)} (line {start_line}) has {len(rec)} fields but the header has "
                            f"{len(headers)} (separated by {delimiter!r}); fix the row or re-export the file")
                start_line = reader.line_num + 1
        except csv.Error as exc:
            if "end of data" in str(exc):
                return (f"{path}: {_row_word(row + 1)} (line {start_line}) opens a quote (\") that is never closed; "
                        "close it or re-export the file")
            return (f"{path}: {_row_word(row + 1)} (line {start_line}) has a misplaced quote (\"); a quoted cell "
                    "must end at its separator: fix the row or re-export the file")
    finally:
        csv.field_size_limit(old)
    return ""


def _arrow_reason(exc: Exception) -> str:
    """The part of a pyarrow/codec error that is safe to show: never the text of a row."""
    msg = str(exc).split("\n")[0]
    m = re.match(r"(?:CSV parse error: )?(Expected \d+ columns, got \d+)", msg)
    if m:
        return m.group(1)
    if isinstance(exc, UnicodeDecodeError):
        return f"{exc.encoding} cannot decode byte {exc.object[exc.start:exc.start + 1]!r} at byte {exc.start}"
    return "unreadable"


def _read_csv(path: Path, content: bytes, limits: Limits):
    body = content[len(_BOM):] if content.startswith(_BOM) else content
    line_cap = limits.max_line_kb * _KB
    first = body[:line_cap + 2].split(b"\n", 1)[0].rstrip(b"\r")
    if len(first) > line_cap:
        raise DataError(f"{path}: the header line is over the limit max_line_kb = {limits.max_line_kb} "
                        f"{_LIMITS_HINT}; is this a CSV export?")
    encoding = "utf-8"
    try:
        header_line = first.decode("utf-8")
    except UnicodeDecodeError:
        encoding = "cp1252"
        header_line = first.decode("cp1252", errors="replace")
    delimiter = _sniff_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter))
    if len(headers) > limits.max_columns:
        raise DataError(f"{path} has {len(headers):,} columns, over the limit max_columns = {limits.max_columns} "
                        f"{_LIMITS_HINT}; keep the table's columns only")
    long_line, long_len = _longest_line(body)
    if long_len > line_cap:
        msg = _diagnose(path, body, encoding, delimiter, headers, limits, line=long_line)
        raise DataError(msg or f"{path}: line {long_line} is over the limit max_line_kb = {limits.max_line_kb} "
                               f"{_LIMITS_HINT}")
    if body.count(b'"') % 2:  # pyarrow would silently end an unclosed quote at the end of the file
        msg = _diagnose(path, body, encoding, delimiter, headers, limits)
        if msg:
            raise DataError(msg)
    tmp_names = [f"f{i}" for i in range(len(headers))]

    def parse(enc: str) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(body),
            # a block holds whole lines (two of the longest allowed), so no line straddles blocks
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=tmp_names, encoding=enc,
                                           block_size=max(1 << 20, 2 * line_cap + 2)),
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
        # pyarrow's text quotes the offending row (NIP, name): find the row ourselves instead
        msg = _diagnose(path, body, encoding, delimiter, headers, limits)
        raise DataError(msg or (
            f"{path} cannot be read as CSV ({_arrow_reason(exc)}); every line needs the same number of "
            f"fields as the header ({len(headers)}, separated by {delimiter!r}): fix or re-export the file"
        )) from None
    if tbl.num_rows > limits.max_rows:
        raise DataError(f"{path} has {tbl.num_rows:,} data rows, over the limit max_rows = {limits.max_rows} "
                        f"{_LIMITS_HINT}; split the export by period")
    cell_cap = limits.max_cell_kb * _KB
    cols = {}
    for j, name in enumerate(tmp_names):
        col = pc.utf8_trim_whitespace(tbl[name])
        lengths = pc.fill_null(pc.binary_length(col), 0)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > cell_cap:
            row = int(np.argmax(lengths.to_numpy(zero_copy_only=False) > cell_cap)) + 1
            raise DataError(
                f"{path}: row {row}, column {headers[j]!r}: the cell is {longest / _KB:,.0f} KB, over the limit "
                f"max_cell_kb = {limits.max_cell_kb} {_LIMITS_HINT}; shorten it or re-export the file"
            )
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


_XML_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*>")
_XML_ATTR_ID = re.compile(rb"\s(?:[A-Za-z_][\w.-]*:)?id\s*=\s*[\"']([^\"']*)[\"']")
_XML_REL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b[^>]*>")
_XML_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*\sref\s*=\s*[\"']([^\"']*)[\"']")
#: a cell or row position: ``r="XFD1048576"`` on <c>, ``r="1048576"`` on <row>
# after XML white space is turned into spaces (:data:`_SPACES`); the literal " r" keeps the scan fast
_XML_REF_COL = re.compile(rb" r *= *[\"']\$?([A-Za-z]{1,7})")
_XML_REF_ROW = re.compile(rb" r *= *[\"']\$?[A-Za-z]{0,7}\$?([0-9]{1,10})[\"']")
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{0,7})\$?([0-9]{0,10})$")


def _attr(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + name + rb"\s*=\s*[\"']([^\"']*)[\"']", tag)
    return m.group(1).decode("utf-8", "replace") if m else None


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """A zip member's bytes, at most ``cap`` of them (enough for the small XML parts read here)."""
    with zf.open(name) as fh:
        return fh.read(cap)


def _first_sheet(zf: zipfile.ZipFile, names: set[str]) -> tuple[str | None, int]:
    """(zip name of the first worksheet, number of sheets) from the workbook part and its relations."""
    # Zip names are matched case-insensitively, as the reader (calamine) does: a renamed
    # member must not slip past the checks.
    lower = {n.lower(): n for n in names}

    def find(name: str) -> str | None:
        return lower.get(os.path.normpath(name).replace(os.sep, "/").lower())

    wb_name = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in _XML_REL.findall(_member(zf, "_rels/.rels", 4 * _MB)):
            target = _attr(rel, b"Target") or ""
            if (_attr(rel, b"Type") or "").endswith("/officeDocument"):
                wb_name = target.lstrip("/")
                break
    wb_name = find(wb_name) or wb_name
    if wb_name not in names:
        return None, 0
    sheets = _XML_SHEET.findall(_member(zf, wb_name, 64 * _MB))
    if not sheets:
        return None, 0
    m = _XML_ATTR_ID.search(sheets[0])
    folder = wb_name.rsplit("/", 1)[0] + "/" if "/" in wb_name else ""
    rels_name = find(f"{folder}_rels/{wb_name.rsplit('/', 1)[-1]}.rels") or ""
    if m is None or rels_name not in names:
        return None, len(sheets)
    rid = m.group(1).decode("utf-8", "replace")
    for rel in _XML_REL.findall(_member(zf, rels_name, 16 * _MB)):
        if _attr(rel, b"Id") == rid:
            target = _attr(rel, b"Target") or ""
            name = target.lstrip("/") if target.startswith("/") else folder + target
            return find(name), len(sheets)
    return None, len(sheets)


def _check_extent(path: Path, rows: int, cols: int, limits: Limits, how: str) -> None:
    if cols > limits.max_columns:
        raise DataError(f"{path} {how} {cols:,} columns on its first sheet, over the limit max_columns = "
                        f"{limits.max_columns} {_LIMITS_HINT}; delete the cells beyond the table or save it again")
    if rows - 1 > limits.max_rows:
        raise DataError(f"{path} {how} {rows - 1:,} data rows on its first sheet, over the limit max_rows = "
                        f"{limits.max_rows} {_LIMITS_HINT}; delete the rows beyond the table or split the export")
    if rows * cols > limits.max_cells:
        raise DataError(f"{path} {how} {rows:,} rows x {cols:,} columns on its first sheet, over the limit "
                        f"max_cells = {limits.max_cells} {_LIMITS_HINT}; delete the cells beyond the table")


def _check_xlsx(path: Path, content: bytes, limits: Limits) -> None:
    """Refuse a workbook that would make the reader allocate too much, reading only the zip.

    Checks the sheet count, the uncompressed size the zip declares, and the first sheet's extent:
    its declared ``<dimension ref>`` (the first KB of the sheet) and then every cell and row
    position in it, streamed, since the dimension may be missing or false.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise DataError(f"{path} cannot be opened as an Excel workbook ({type(exc).__name__}); "
                        "save it again from Excel as .xlsx") from None
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_mb * _MB:
        raise DataError(f"{path} unpacks to {total / _MB:,.0f} MB, over the limit max_uncompressed_mb = "
                        f"{limits.max_uncompressed_mb} {_LIMITS_HINT}; is it really an export? Save it again as .xlsx")
    names = {i.filename for i in infos}
    try:
        sheet, n_sheets = _first_sheet(zf, names)
        if n_sheets > limits.max_sheets:
            raise DataError(f"{path} has {n_sheets:,} sheets, over the limit max_sheets = {limits.max_sheets} "
                            f"{_LIMITS_HINT}; keep the table on the first sheet and delete the others")
        # When the first sheet cannot be resolved, every part that may be a sheet is checked:
        # the reader may still find one the structure does not name.
        candidates = [sheet] if sheet is not None else sorted(
            n for n in names if n.lower().endswith(".xml") and "sheet" in n.lower().rsplit("/", 1)[-1])
        for part in candidates:
            _check_sheet_extent(path, zf, part, limits)
    except DataError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise DataError(f"{path} cannot be opened as an Excel workbook ({type(exc).__name__}); "
                        "save it again from Excel as .xlsx") from None


def _check_sheet_extent(path: Path, zf: zipfile.ZipFile, sheet: str, limits: Limits) -> None:
    """Refuse a sheet whose declared or actual extent is over the limits (streamed, never inflated whole)."""
    size = zf.getinfo(sheet).file_size
    with zf.open(sheet) as fh:
        head = fh.read(64 * _KB)
        m = _XML_DIMENSION.search(head)
        if m:
            ref = m.group(1).decode("ascii", "replace").split(":")[-1]
            cm = _CELL_REF.match(ref)
            if cm:
                _check_extent(path, int(cm.group(2) or 1), _col_number(cm.group(1)) or 1, limits, "declares")
        # the declaration may be absent or false: scan every position (a regex over the XML)
        max_row = max_col = 0
        seen, carry, chunk = 0, b"", head
        while chunk or carry:
            seen += len(chunk)
            if seen > size:
                raise DataError(f"{path}: its first sheet unpacks to more than the {size:,} bytes the zip "
                                "declares; the file is damaged or crafted: save it again as .xlsx")
            buf = carry + chunk
            # a tag never holds "<": everything before the last one is made of whole tags
            cut = buf.rfind(b"<") if chunk else len(buf)
            cut = max(cut, 0)
            # distinct strings first: a sheet repeats a few column names and one row number a row
            flat = buf[:cut]
            if b"\tr" in flat or b"\nr" in flat or b"\rr" in flat:
                flat = flat.translate(_SPACES)
            letters = set(_XML_REF_COL.findall(flat))
            if letters:
                max_col = max(max_col, max(_col_number(c.decode("ascii")) for c in letters))
            digits = set(_XML_REF_ROW.findall(flat))
            if digits:
                max_row = max(max_row, max(map(int, digits)))
            carry = buf[cut:]
            if len(carry) > 4 * _MB:  # Excel's longest cell text is 32,767 characters
                raise DataError(f"{path}: its first sheet holds an element over 4 MB; the file is damaged "
                                "or crafted: save it again as .xlsx")
            chunk = fh.read(1 << 20) if chunk else b""
        if max_row or max_col:
            _check_extent(path, max(max_row, 1), max(max_col, 1), limits, "has cells over")


def _read_xlsx(path: Path, content: bytes, limits: Limits):
    # python-calamine (Rust) reads a sheet about ten times faster than openpyxl; Excel's own
    # limit of 1,048,576 rows a sheet would otherwise take minutes. It trusts the sheet's cell
    # positions (one cell at XFD1048576 makes it allocate 512 GB and abort): check them first.
    from python_calamine import CalamineWorkbook

    _check_xlsx(path, content, limits)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = wb.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        # calamine may quote a cell's text: keep the error's words, not what it quotes
        reason = re.sub(r"(['\"`]).*?\1", "'...'", str(exc).split("\n")[0])[:200]
        raise DataError(
            f"{path} cannot be opened as an Excel workbook ({type(exc).__name__}: {reason}); "
            "save it again from Excel as .xlsx"
        ) from None
    if not rows:
        raise DataError(f"{path}: the first sheet is empty; put the {path.stem} table on the first sheet")
    header = [_xlsx_cell(v) for v in rows[0]]
    width = len(header)
    while width and header[width - 1] is None:
        width -= 1
    headers = [h or "" for h in header[:width]]
    cell_cap = limits.max_cell_kb * _KB
    body = []
    for r in rows[1:]:
        cells = [_xlsx_cell(v) for v in r]
        if any(c is not None for c in cells[width:]):
            raise DataError(
                f"{path}: data row {len(body) + 1} has values beyond the last header column; "
                "add a header for them or delete them"
            )
        cells = cells[:width] + [None] * max(0, width - len(cells))
        for j, c in enumerate(cells):
            if c is not None and len(c) * 4 > cell_cap and len(c.encode("utf-8")) > cell_cap:
                raise DataError(
                    f"{path}: row {len(body) + 1}, column {headers[j]!r}: the cell is over the limit "
                    f"max_cell_kb = {limits.max_cell_kb} {_LIMITS_HINT}; shorten it"
                )
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
    lo = (EARLIEST_DATE - dt.date(1970, 1, 1)).days * 86400
    hi = (today + dt.timedelta(days=1) - dt.date(1970, 1, 1)).days * 86400
    ok = present & ~wrong & (dstat == _OK) & (tstat == _OK)
    invalid = present & ~wrong & ~(ok & (stamp >= lo) & (stamp < hi))
    good = ok & ~invalid
    out = np.where(good, stamp, 0).astype("datetime64[s]")
    out[~good] = np.datetime64("NaT")
    return pd.Series(out, index=values.index), wrong, invalid
