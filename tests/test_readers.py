"""Raw readers: delimiter, BOM, encodings, decimal commas, headers and SIASN aliases, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.errors import DataError
from mutasi_analysis.readers import (
    COLUMN_ALIASES,
    canonical_header,
    find_raw_file,
    parse_datetime,
    parse_number,
    read_raw,
)

KNOWN = ("nip", "nama_pelatihan", "tanggal_mulai", "tanggal_selesai", "jam_pelajaran")
ROWS = [
    ["198703152010011002", "Pelatihan Pelayanan Prima", "06-03-2023", "10-03-2023", "32"],
    ["200012312024211001", "Orientasi; Tugas, Baru", "2024-03-04", "2024-03-05", "12.5"],
    ["199001012015032003", "  Bimtek  ", "", "01-01-0001", "1234.5"],
]


def _write(path, rows, sep=",", bom=False, decimal=".", eol="\n", encoding="utf-8"):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator=eol)
    w.writerow(KNOWN)
    for r in rows:
        w.writerow([v.replace(".", decimal) if k == 4 else v for k, v in enumerate(r)])
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize("sep, bom, decimal, eol", [
    (";", True, ",", "\r\n"),   # Excel, Indonesian locale
    ("\t", False, ".", "\n"),
    ("|", True, ".", "\r\n"),
])
def test_locales_read_like_plain_csv(tmp_path, sep, bom, decimal, eol):
    plain = read_raw(_write(tmp_path / "a.csv", ROWS), KNOWN)
    other = read_raw(_write(tmp_path / "b.csv", ROWS, sep, bom, decimal, eol), KNOWN)
    assert other.delimiter == sep and plain.delimiter == ","
    assert list(other.data.columns) == list(KNOWN)
    cols = [c for c in KNOWN if c != "jam_pelajaran"]
    pd.testing.assert_frame_equal(plain.data[cols], other.data[cols])
    a, bad_a = parse_number(plain.data["jam_pelajaran"], plain.decimal)
    b, bad_b = parse_number(other.data["jam_pelajaran"], other.decimal)
    np.testing.assert_array_equal(a, [32.0, 12.5, 1234.5])
    np.testing.assert_array_equal(a, b)
    assert not bad_a.any() and not bad_b.any()


def test_cells_are_trimmed_blank_is_na_and_rows_numbered_from_one(tmp_path):
    rt = read_raw(_write(tmp_path / "p.csv", ROWS), KNOWN)
    assert rt.data.loc[3, "nama_pelatihan"] == "Bimtek"
    assert pd.isna(rt.data.loc[3, "tanggal_mulai"])
    assert rt.data.loc[2, "nama_pelatihan"] == "Orientasi; Tugas, Baru"
    assert list(rt.data.index) == [1, 2, 3]
    assert len(rt.sha256) == 64


def test_windows_1252_file_is_read(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[0][1] = "Pelatihan Café"
    rt = read_raw(_write(tmp_path / "p.csv", rows, encoding="cp1252"), KNOWN)
    assert rt.encoding == "cp1252" and rt.data.loc[1, "nama_pelatihan"] == "Pelatihan Café"


def test_headers_are_matched_loosely_and_siasn_aliases_apply(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(" NIP Baru ;Unor Id;tmtJabatan;KODE-UNIT2;jenisMutasiId\n1;2;3;4;5\n", encoding="utf-8")
    rt = read_raw(p, ("kode_unit", "tmt_jabatan"))
    assert list(rt.data.columns) == ["nip", "kode_unit", "tmt_jabatan", "kode-unit2", "jenis_mutasi"]
    assert rt.headers["nip"] == " NIP Baru "
    assert canonical_header("Jam Pelajaran", KNOWN) == "jam_pelajaran"
    # every alias maps to a column of the raw contract
    from mutasi_analysis.schemas import SPECS

    contract = {c for s in SPECS.values() for c in s.names}
    assert set(COLUMN_ALIASES.values()) <= contract


def test_two_headers_for_one_column_is_an_error(tmp_path):
    p = tmp_path / "pegawai.csv"
    p.write_text("nip,nipBaru\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"pegawai\.csv: headers 'nip' and 'nipBaru' both mean column 'nip'"):
        read_raw(p, ("nip",))


def test_blank_lines_are_not_rows_but_lines_of_empty_fields_are(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("a,b\n1,2\n\n,\n3,4\n", encoding="utf-8")
    rt = read_raw(p)
    assert len(rt.data) == 3 and rt.data.loc[2].isna().all() and rt.data.loc[3, "a"] == "3"


def test_quoted_newline_stays_in_its_cell(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text('a,b\n"baris\nkedua",2\n3,4\n', encoding="utf-8")
    rt = read_raw(p)
    assert len(rt.data) == 2 and rt.data.loc[1, "a"] == "baris\nkedua"


def test_ragged_line_names_the_file(tmp_path):
    p = tmp_path / "skm.csv"
    p.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"skm\.csv: row 2 \(line 3\) has 3 fields but the header has 2"):
        read_raw(p)


def test_find_raw_file(tmp_path):
    assert find_raw_file(tmp_path, "pegawai") is None
    (tmp_path / "PEGAWAI.CSV").write_text("x\n1\n")
    (tmp_path / "~$pegawai.xlsx").write_text("lock")
    assert find_raw_file(tmp_path, "pegawai").name == "PEGAWAI.CSV"
    (tmp_path / "pegawai.xlsx").write_bytes(b"")
    with pytest.raises(DataError, match="keep exactly one"):
        find_raw_file(tmp_path, "pegawai")


def test_xlsx_cells_become_text(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["nip", "tanggal_mulai", "waktu", "jam_pelajaran", "kosong"])
    ws.append(["198703152010011002", dt.datetime(2024, 3, 5), dt.datetime(2024, 3, 5, 9, 15), 12.5, None])
    ws.append([198703152010011002, dt.date(2024, 3, 6), None, 32, None])
    ws.append([None, None, None, None, None])  # trailing formatted row
    wb.save(tmp_path / "p.xlsx")
    rt = read_raw(tmp_path / "p.xlsx")
    assert rt.decimal == "." and rt.delimiter is None and len(rt.data) == 2
    assert rt.data.loc[1].tolist()[:4] == ["198703152010011002", "2024-03-05", "2024-03-05 09:15:00", "12.5"]
    assert rt.data.loc[2, "jam_pelajaran"] == "32"
    # an 18-digit NIP typed as a number loses digits in Excel: it must not pass as a NIP
    assert rt.data.loc[2, "nip"] == "1.98703152010011e+17"


def test_parse_number_locale_rules():
    s = pd.Series(["1.234,5", "12,5", "12.5", "1,500", "abc", None, "inf", "-3", " 4 ", "1e2"])
    comma, bad_c = parse_number(s, ",")
    dot, bad_d = parse_number(s, ".")
    np.testing.assert_array_equal(comma, [1234.5, 12.5, 12.5, 1.5, np.nan, np.nan, np.nan, -3, 4, 100])
    np.testing.assert_array_equal(dot, [np.nan, 12.5, 12.5, 1500, np.nan, np.nan, np.nan, -3, 4, 100])
    assert bad_c.tolist() == [False, False, False, False, True, False, True, False, False, False]
    assert bad_d[0] and bad_d[4] and not bad_d[5]
    with pytest.raises(ValueError, match="decimal"):
        parse_number(s, ";")


def test_parse_datetime_reasons():
    s = pd.Series(["05-03-2024 09:15", "2024-03-05", "31-02-2024", "kemarin", None, "01-01-0001",
                   "2027-01-01", "1899-12-31", "5/3/2024", "2024-03-05T10:11:12", "05-03-2024 24:00", "29-02-2024"])
    parsed, wrong, invalid = parse_datetime(s, dt.date(2026, 11, 28))
    assert parsed[0] == pd.Timestamp("2024-03-05 09:15") and parsed[1] == pd.Timestamp("2024-03-05")
    assert parsed[8] == pd.Timestamp("2024-03-05") and parsed[9] == pd.Timestamp("2024-03-05 10:11:12")
    assert parsed[11] == pd.Timestamp("2024-02-29")
    assert wrong.tolist() == [False, False, False, True] + [False] * 8
    assert np.flatnonzero(invalid).tolist() == [2, 6, 7, 10]
    assert parsed[[2, 3, 4, 5, 6, 7, 10]].isna().all()


def test_xlsx_first_sheet_only_and_damaged_workbook(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.active.append(["1", "2"])
    other = wb.create_sheet("lain")
    other.append(["x"])
    other.append(["9"])
    wb.save(tmp_path / "t.xlsx")
    rt = read_raw(tmp_path / "t.xlsx")
    assert list(rt.data.columns) == ["a", "b"] and rt.data.loc[1].tolist() == ["1", "2"]
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match=r"bad\.xlsx cannot be opened as an Excel workbook"):
        read_raw(tmp_path / "bad.xlsx")


# -- hardening (issue 10): limits, special files, messages that never print a row ------------

def crafted_xlsx(path, ref="XFD1048576", dimension=None, sheets=1, filler=0):
    """A tiny hand-made workbook: header ``nip`` in A1 and one cell at ``ref`` (a bomb by default).

    ``dimension``: the declared ``<dimension ref>`` (None: ``A1:<ref>``, "" : no dimension element);
    ``filler``: bytes of highly compressible padding in a shared-strings part.
    """
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    dim = f"A1:{ref}" if dimension is None else dimension
    row = int("".join(ch for ch in ref if ch.isdigit()))
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
             + (f'<dimension ref="{dim}"/>' if dim else "")
             + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>nip</t></is></c></row>'
             f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData></worksheet>')
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                   '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>")
        z.writestr("_rels/.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                   + "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
                   + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'<Relationships xmlns="{pkg}">'
                   + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, sheets + 1))
                   + "</Relationships>")
        for i in range(1, sheets + 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet)
        if filler:
            z.writestr("xl/filler.xml", b" " * filler)
    return path


def _one_line(msg: str) -> None:
    assert "\n" not in msg and "Traceback" not in msg and "panic" not in msg.lower()


def test_xlsx_declaring_a_huge_sheet_is_refused_before_reading(tmp_path):
    p = crafted_xlsx(tmp_path / "pegawai.xlsx")
    assert p.stat().st_size < 13_000
    with pytest.raises(DataError) as e:
        read_raw(p)
    _one_line(e.value.message)
    assert "pegawai.xlsx" in e.value.message and "max_columns = 500" in e.value.message and "16,384" in e.value.message


def test_xlsx_without_or_with_a_lying_dimension_is_still_refused(tmp_path):
    for name, dim in (("none.xlsx", ""), ("lie.xlsx", "A1:A2")):
        with pytest.raises(DataError, match=rf"{name}.*max_columns"):
            read_raw(crafted_xlsx(tmp_path / name, dimension=dim))
    from mutasi_analysis.config import Limits

    with pytest.raises(DataError, match=r"rows\.xlsx.*1,048,575 data rows.*max_rows = 1000"):
        read_raw(crafted_xlsx(tmp_path / "rows.xlsx", ref="B1048576"), limits=Limits(max_rows=1000))


def _rename_members(src, dst, renames):
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(renames.get(info.filename, info.filename), zin.read(info.filename))
    return dst


@pytest.mark.parametrize("renames", [
    {"xl/worksheets/sheet1.xml": "xl/worksheets/SHEET1.xml"},   # the reader matches names ignoring case
    {"xl/workbook.xml": "xl/WORKBOOK.xml"},
    {"xl/_rels/workbook.xml.rels": "xl/_rels/Workbook.xml.rels"},
])
def test_xlsx_with_renamed_parts_is_still_refused(tmp_path, renames):
    bomb = _rename_members(crafted_xlsx(tmp_path / "orig.xlsx"), tmp_path / "pegawai.xlsx", renames)
    with pytest.raises(DataError) as e:
        read_raw(bomb)
    _one_line(e.value.message)
    assert "max_columns = 500" in e.value.message


def test_xlsx_sheet_count_and_uncompressed_size_limits(tmp_path):
    from mutasi_analysis.config import Limits

    with pytest.raises(DataError, match=r"many\.xlsx has 4 sheets.*max_sheets = 3"):
        read_raw(crafted_xlsx(tmp_path / "many.xlsx", ref="A2", sheets=4), limits=Limits(max_sheets=3))
    big = crafted_xlsx(tmp_path / "big.xlsx", ref="A2", filler=3 * 1024 * 1024)
    assert big.stat().st_size < 64_000
    with pytest.raises(DataError, match=r"big\.xlsx unpacks to 3 MB.*max_uncompressed_mb = 2"):
        read_raw(big, limits=Limits(max_uncompressed_mb=2))
    rt = read_raw(crafted_xlsx(tmp_path / "ok.xlsx", ref="A2"))  # a small honest workbook passes
    assert rt.data.loc[1, "nip"] == "1"


def test_csv_cell_over_the_limit_names_file_row_column_and_limit(tmp_path):
    p = tmp_path / "survei_asn.csv"
    big = "x" * (1100 * 1024)
    p.write_text(f"nip,komentar\n198703152010011002,ok\n196608011988031001,\"{big}\"\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_raw(p)
    msg = e.value.message
    _one_line(msg)
    assert "straddl" not in msg and "same number of fields" not in msg
    assert "survei_asn.csv" in msg and "row 2" in msg and "'komentar'" in msg and "max_cell_kb = 64" in msg
    assert "196608011988031001" not in msg


def test_csv_line_over_the_limit_names_file_row_and_limit(tmp_path):
    from mutasi_analysis.config import Limits

    p = tmp_path / "skm.csv"
    cells = ",".join(["y" * 900] * 40)
    p.write_text("a," + ",".join(f"c{i}" for i in range(39)) + "\n" + ",".join(["1"] * 40) + "\n" + cells + "\n",
                 encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_raw(p, limits=Limits(max_line_kb=16, max_cell_kb=1))
    msg = e.value.message
    _one_line(msg)
    assert "skm.csv" in msg and "row 2" in msg and "max_line_kb = 16" in msg and "yyy" not in msg


def test_csv_unclosed_quote_names_the_row(tmp_path):
    p = tmp_path / "pegawai.csv"
    p.write_text('nip,nama\n198703152010011002,Maria Tefa\n196608011988031001,"Yohanes Ndun\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_raw(p)
    msg = e.value.message
    _one_line(msg)
    assert "pegawai.csv" in msg and "row 2" in msg and "quote" in msg
    assert "Yohanes" not in msg and "196608011988031001" not in msg


def test_csv_rows_and_columns_limits(tmp_path):
    from mutasi_analysis.config import Limits

    p = tmp_path / "t.csv"
    p.write_text("a,b,c\n1,2,3\n4,5,6\n7,8,9\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"t\.csv has 3 columns.*max_columns = 2"):
        read_raw(p, limits=Limits(max_columns=2))
    with pytest.raises(DataError, match=r"t\.csv has 3 data rows.*max_rows = 2"):
        read_raw(p, limits=Limits(max_rows=2))
    p.write_text("a,b,c\n" + "1,2,3\n" * 200_000, encoding="utf-8")
    with pytest.raises(DataError, match=r"t\.csv is 1\.1 MB.*max_file_mb = 1"):
        read_raw(p, limits=Limits(max_file_mb=1))


def test_ragged_row_message_names_row_and_never_prints_the_row(tmp_path):
    p = tmp_path / "pegawai.csv"
    p.write_text("nip,nama\n198703152010011002,Maria Tefa\n196608011988031001,Yohanes Ndun,extra\n",
                 encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_raw(p)
    msg = e.value.message
    _one_line(msg)
    assert "pegawai.csv" in msg and "row 2" in msg and "3 fields" in msg and "2" in msg
    assert "Yohanes" not in msg and "196608011988031001" not in msg


def test_symlink_out_of_the_folder_is_refused_and_never_read(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "pegawai.csv").symlink_to("/etc/passwd")
    assert find_raw_file(raw, "pegawai") == raw / "pegawai.csv"  # found, not reported missing
    with pytest.raises(DataError) as e:
        read_raw(raw / "pegawai.csv")
    msg = e.value.message
    _one_line(msg)
    assert "pegawai.csv" in msg and "symbolic link" in msg and "outside" in msg and "root:" not in msg
    # a link inside the folder is fine
    (raw / "asli.csv").write_text("a\n1\n", encoding="utf-8")
    (raw / "skm.csv").symlink_to(raw / "asli.csv")
    assert read_raw(raw / "skm.csv").data.loc[1, "a"] == "1"


def test_dev_zero_through_a_symlink_is_refused_as_a_link(tmp_path):
    (tmp_path / "skm.csv").symlink_to("/dev/zero")
    with pytest.raises(DataError, match=r"skm\.csv is a symbolic link.*outside"):
        read_raw(tmp_path / "skm.csv")


def test_fifo_folder_and_device_are_named_as_such_without_blocking(tmp_path):
    import os
    import threading

    os.mkfifo(tmp_path / "pegawai.csv")
    assert find_raw_file(tmp_path, "pegawai") == tmp_path / "pegawai.csv"
    done = {}

    def go():
        try:
            read_raw(tmp_path / "pegawai.csv")
        except DataError as exc:
            done["msg"] = exc.message

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "reading a FIFO blocked"
    assert "pegawai.csv is a FIFO" in done["msg"] and "not a file" in done["msg"]
    (tmp_path / "skm.csv").mkdir()
    assert find_raw_file(tmp_path, "skm") == tmp_path / "skm.csv"
    with pytest.raises(DataError, match=r"skm\.csv is a folder, not a file"):
        read_raw(tmp_path / "skm.csv")
    if os.path.exists("/dev/null"):
        from mutasi_analysis.readers import _check_kind

        with pytest.raises(DataError, match=r"null is a special file \(device or socket\), not a file"):
            _check_kind(Path("/dev/null"), os.stat("/dev/null"))


def test_calamine_error_text_never_quotes_a_cell(tmp_path, monkeypatch):
    import python_calamine

    class Broken:
        @staticmethod
        def from_filelike(_):
            raise ValueError('cannot parse cell "196608011988031001 Yohanes Ndun" as a number\nmore')

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Broken)
    with pytest.raises(DataError) as e:
        read_raw(crafted_xlsx(tmp_path / "p.xlsx", ref="A2"))
    msg = e.value.message
    _one_line(msg)
    assert "p.xlsx cannot be opened as an Excel workbook" in msg and "cannot parse cell" in msg
    assert "Yohanes" not in msg and "196608011988031001" not in msg
