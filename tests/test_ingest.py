"""Ingestion: validation reasons, counts, pseudonymisation, determinism, locale, safety of output."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests._raw_factory import HEADERS, NAMES, NIP_A, NIP_B, NIP_C, clean_rows, write_raw, write_region
from mutasi_analysis.errors import DataError, MutasiError
from mutasi_analysis.ingest import ingest
from mutasi_analysis.processed import OPTIONAL_PROCESSED_TABLES, PROCESSED_COLUMNS, load_processed
from mutasi_analysis.pseudonym import PseudonymKeyError

TODAY = dt.date(2026, 11, 28)
KEY = "k" * 40
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)


def _pid(nip: str) -> str:
    return hmac.new(KEY.encode(), nip.encode(), hashlib.sha256).hexdigest()[:16]


def _run(tmp_path, rows=None, name="raw", out="out", **kw):
    raw = write_raw(tmp_path / name, rows, **kw)
    region = write_region(tmp_path)
    summary = ingest(raw, tmp_path / out, region, today=TODAY)
    rejects = pd.read_csv(tmp_path / out / "rejects.csv", dtype=str, keep_default_na=False)
    return summary, rejects


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# -- a clean set ------------------------------------------------------------------------------

def test_clean_set_is_accepted_whole_and_typed(tmp_path):
    summary, rejects = _run(tmp_path)
    assert len(rejects) == 0
    assert {t: c.read for t, c in summary.tables.items()} == {
        "unit": 3, "pegawai": 3, "riwayat_jabatan": 4, "pengaduan": 3, "skm": 3, "survei_asn": 2, "pelatihan": 2}
    assert all(c.rejected == 0 and c.accepted == c.read for c in summary.tables.values())
    p = load_processed(tmp_path / "out")
    for table, cols in PROCESSED_COLUMNS.items():
        if table in OPTIONAL_PROCESSED_TABLES:  # no raw file of it: absent, and said so
            assert p.table(table) is None and not p.has(table)
            continue
        assert list(p.table(table).columns) == list(cols)
    peg = p.pegawai.set_index("pid")
    # spaces in the NIP are ignored: NIP_B written with spaces gets the pid of the plain NIP
    assert set(peg.index) == {_pid(NIP_A), _pid(NIP_B), _pid(NIP_C)}
    assert peg.loc[_pid(NIP_B), "golongan"] == "III/b" and peg.loc[_pid(NIP_B), "kode_golongan"] == 32
    assert peg.loc[_pid(NIP_A), "kode_golongan"] == 41
    assert peg.loc[_pid(NIP_C), "golongan"] == "IX" and pd.isna(peg.loc[_pid(NIP_C), "kode_golongan"])
    riw = p.riwayat_jabatan
    assert riw["eselon"].isna().sum() == 3  # blank and 99 are non-eselon
    c = riw[riw["pid"] == _pid(NIP_C)].iloc[0]
    assert c["kode_unit"] == "PKM-C"  # matched case-insensitively, written in the config's spelling
    assert pd.isna(c["tanggal_sk"])  # 01-01-0001 = missing
    assert riw[riw["pid"] == _pid(NIP_B)]["tmt_jabatan"].tolist() == [pd.Timestamp("2015-03-01"), pd.Timestamp("2023-02-01")]
    pg = p.pengaduan.set_index("id_laporan")
    assert pg.loc["LPR-1", "waktu_respon_pertama"] == pd.Timestamp("2024-03-06 10:02")
    assert pg.loc["LPR-2", "kategori"] == "permintaan_informasi"
    assert pd.isna(pg.loc["LPR-2", "waktu_respon_pertama"])
    assert p.skm["waktu_penyelesaian"].isna().sum() == 1 and str(p.skm["prosedur"].dtype) == "Int8"
    assert p.pelatihan.set_index("pid").loc[_pid(NIP_C), "jam_pelajaran"] == 12.5
    assert p.unit["kode_unit"].tolist() == ["KEC-A", "KEL-B", "PKM-C"]
    assert p.summary["tables"]["pegawai"]["read"] == 3


def test_no_nip_name_or_birth_date_survives(tmp_path):
    _run(tmp_path)
    text = b"".join(p.read_bytes() for p in (tmp_path / "out").glob("*.parquet"))
    text += (tmp_path / "out" / "ingest_summary.json").read_bytes()
    for secret in (NIP_A, NIP_B, NIP_C, *NAMES, "19660801", "1966-08-01"):
        assert secret.encode() not in text
    p = load_processed(tmp_path / "out")
    for t in PROCESSED_COLUMNS:
        if p.has(t):
            assert not {"nip", "nama", "tanggal_lahir"} & set(p.table(t).columns)
    # the birth year alone is kept (planning's retirement rule), as a year, never a date
    peg = p.pegawai.set_index("pid")
    assert str(peg["tahun_lahir"].dtype) == "Int64"
    assert peg["tahun_lahir"].to_dict() == {_pid(NIP_A): 1966, _pid(NIP_B): 1987, _pid(NIP_C): 2000}
    assert [c for c in p.pegawai.columns if "lahir" in c or "birth" in c] == ["tahun_lahir"]
    assert not any(pd.api.types.is_datetime64_any_dtype(p.pegawai[c]) for c in p.pegawai.columns
                   if c != "tanggal_keluar")


# -- every reason ---------------------------------------------------------------------------

def _faulty_rows():
    rows = clean_rows()
    rows["pegawai"] += [
        ["19870315201001100", "Tanpa Digit", "III/a", "4", "PNS"],            # 5 invalid_nip (17 digits)
        [NIP_A, NAMES[0], "IV/a", "1", "PNS"],                                # 6 duplicate of row 1
        ["199001012015032003", "Status Salah", "III/a", "4", "HONORER"],      # 7 invalid_code
        ["199001012015032004", "", "", "4", "PNS"],                           # 8 missing_value golongan
        ["200012312024211002", "PPPK sebagai PNS", "III/a", "4", "PNS"],      # 9 invalid_nip (layout vs status)
    ]
    rows["pegawai"].insert(3, ["199102022016032001", "Jabatan Salah", "III/a", "7", "PNS"])  # 4 invalid_code
    rows["riwayat_jabatan"] += [
        [NIP_A, "KEL-X", "Camat", "1", "31", "01-02-2021", "s", "20-01-2021", "MJ", "D", ""],         # 5 unknown_unit
        ["199001012015032003", "KEC-A", "Staf", "4", "", "01-02-2021", "s", "", "MJ", "D", ""],     # 6 unknown_staff (rejected pegawai)
        [NIP_A, "KEC-A", "Camat", "1", "31", "31-02-2021", "s", "", "MJ", "D", ""],                  # 7 invalid_date
        [NIP_A, "KEC-A", "Camat", "1", "31", "01-02-2020", "800/9", "20-01-2020", "MJ", "D", ""],    # 8 duplicate key of row 1
        [NIP_A, "KEC-A", "Camat", "1", "31", "01-02-2019", "s", "01-02-2021", "MJ", "D", ""],        # 9 date_order (SK > TMT + 1y)
        [NIP_A, "KEC-A", "Camat", "1", "33", "01-02-2018", "s", "", "MJ", "XX", ""],                 # 10 invalid_code x2
        [NIP_A, "KEC-A", "Camat", "1", "31", "01-02-2030", "s", "", "MJ", "D", ""],                  # 11 invalid_date (future)
    ]
    rows["pengaduan"] += [
        ["LPR-4", "PKM-C", "lapor", "pengaduan", "kemarin", "", "", "baru"],                          # 4 wrong_type
        ["LPR-5", "PKM-C", "lapor", "pengaduan", "05-03-2024 09:15", "04-03-2024 10:00", "", "diproses"],  # 5 date_order
        ["LPR-6", "PKM-C", "lapor", "pengaduan", "05-03-2024 09:15", "", "", "selesai"],              # 6 date_order
        ["LPR-1", "PKM-C", "lapor", "pengaduan", "05-03-2024 09:15", "", "", "baru"],                 # 7 duplicate id
        ["LPR-8", "PKM-C", "lapor", "keluhan", "05-03-2024 09:15", "", "", "baru"],                   # 8 invalid_code
        ["LPR-9", "PKM-C", "lapor", "pengaduan", "05-03-2024 09:15", "05-03-2024 10:00", "06-03-2024 10:00", "diproses"],  # 9 date_order (resolved but open)
    ]
    rows["skm"] += [
        ["SKM-4", "PKM-C", "14-05-2024", "5", "3", "3", "4", "3", "3", "4", "3", "2"],               # 4 out_of_range
        ["SKM-5", "PKM-C", "14-05-2024", "3", "tiga", "3", "4", "3", "3", "4", "3", "2"],            # 5 wrong_type
        ["SKM-6", "", "14-05-2024", "9", "3", "3", "4", "3", "3", "4", "3", "2"],                    # 6 missing_value only
    ]
    rows["survei_asn"] += [
        [NIP_B, "15-06-2024", "KEC-A", "7", "3", "4", "3", "0", "3", "4", ""],                        # 3 out_of_range x2
        [NIP_B, "15-06-2024", "KEC-A", "2", "3", "4", "3", "5", "3", "4", "Perlu pelatihan aplikasi"],  # 4 identical to 1
    ]
    rows["pelatihan"] += [
        [NIP_B, "Pelatihan X", "10-03-2023", "06-03-2023", "32"],                                    # 3 date_order
        [NIP_B, "Pelatihan Y", "06-03-2023", "10-03-2023", "-4"],                                    # 4 out_of_range
        [NIP_B, "Pelatihan Z", "06-03-2023", "10-03-2023", "empat"],                                 # 5 wrong_type
    ]
    return rows


EXPECTED = {
    ("pegawai", 4): "invalid_code", ("pegawai", 5): "invalid_nip", ("pegawai", 6): "duplicate",
    ("pegawai", 7): "invalid_code", ("pegawai", 8): "missing_value", ("pegawai", 9): "invalid_nip",
    ("riwayat_jabatan", 5): "unknown_unit", ("riwayat_jabatan", 6): "unknown_staff",
    ("riwayat_jabatan", 7): "invalid_date", ("riwayat_jabatan", 8): "duplicate",
    ("riwayat_jabatan", 9): "date_order", ("riwayat_jabatan", 10): "invalid_code",
    ("riwayat_jabatan", 11): "invalid_date",
    ("pengaduan", 4): "wrong_type", ("pengaduan", 5): "date_order", ("pengaduan", 6): "date_order",
    ("pengaduan", 7): "duplicate", ("pengaduan", 8): "invalid_code", ("pengaduan", 9): "date_order",
    ("skm", 4): "out_of_range", ("skm", 5): "wrong_type", ("skm", 6): "missing_value",
    ("survei_asn", 3): "out_of_range", ("survei_asn", 4): "duplicate",
    ("pelatihan", 3): "date_order", ("pelatihan", 4): "out_of_range", ("pelatihan", 5): "wrong_type",
}


def test_every_reason_with_its_row_and_counts(tmp_path):
    summary, rejects = _run(tmp_path, _faulty_rows())
    got = {(r.table, int(r.row)): r.reason for r in rejects.itertuples()}
    assert got == EXPECTED
    assert list(rejects.columns) == ["table", "file", "row", "column", "value", "reason", "detail"]
    for table, c in summary.tables.items():
        n_rej = sum(1 for (t, _) in EXPECTED if t == table)
        assert c.rejected == n_rej and c.read == c.accepted + c.rejected
    # several columns failing the same first check give one reject line each, one rejected row
    both = rejects[(rejects.table == "riwayat_jabatan") & (rejects.row == "10")]
    assert sorted(both["column"]) == ["eselon", "jenis_penugasan"]
    two = rejects[(rejects.table == "survei_asn") & (rejects.row == "3")]
    assert sorted(two["column"]) == ["kebutuhan_pelatihan", "kesiapan_tugas"]
    # the first failing check wins: SKM-6 has a blank unit and an out-of-range answer
    assert rejects[(rejects.table == "skm") & (rejects.row == "6")]["reason"].tolist() == ["missing_value"]
    assert rejects.loc[(rejects.table == "pegawai") & (rejects.row == "6"), "detail"].item() == "same nip as row 1"
    assert rejects.loc[(rejects.table == "survei_asn") & (rejects.row == "4"), "detail"].item() == "identical to row 1"
    assert rejects.loc[(rejects.table == "skm") & (rejects.row == "5"), "value"].item() == "tiga"
    assert summary.rejects_by_reason["duplicate"] == 4 and summary.rejects_by_reason["date_order"] == 5
    saved = json.loads((tmp_path / "out" / "ingest_summary.json").read_text())
    assert saved["rejects_by_reason"] == summary.rejects_by_reason
    assert sum(saved["rejects_by_reason"].values()) == sum(t["rejected"] for t in saved["tables"].values())
    p = load_processed(tmp_path / "out")
    assert len(p.pegawai) == 3 and sorted(p.pengaduan["id_laporan"]) == ["LPR-1", "LPR-2", "LPR-3"]
    # the kept duplicate is the first occurrence
    assert p.pengaduan.set_index("id_laporan").loc["LPR-1", "status"] == "selesai"


def test_dates_after_the_run_date_are_rejected(tmp_path):
    rows = clean_rows()
    # one SKM sheet and one feedback row early enough, so that no table is rejected whole
    rows["skm"].append(["SKM-0", "PKM-C", "30-04-2024", "4", "3", "3", "4", "3", "3", "4", "3", "2"])
    rows["survei_asn"].append([NIP_C, "30-04-2024", "KEC-A", "2", "3", "4", "3", "5", "3", "4", ""])
    raw = write_raw(tmp_path / "raw", rows)
    ingest(raw, tmp_path / "out", write_region(tmp_path), today=dt.date(2024, 5, 1))
    rej = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str)
    # LPR-3 (received 2024-05-02) and the mid-May SKM sheets and June feedback lie after 2024-05-01
    assert ("pengaduan", "3", "invalid_date") in set(zip(rej.table, rej.row, rej.reason))
    assert set(rej[rej.table == "skm"]["reason"]) == {"invalid_date"}
    assert sorted(rej[rej.table == "skm"]["row"]) == ["1", "2", "3"]


# -- determinism, locale and formats ------------------------------------------------------------

def test_ingesting_twice_gives_identical_bytes(tmp_path):
    _run(tmp_path, _faulty_rows(), out="out1")
    ingest(tmp_path / "raw", tmp_path / "out2", tmp_path / "region.toml", today=TODAY)
    h1, h2 = _hashes(tmp_path / "out1"), _hashes(tmp_path / "out2")
    assert h1 == h2 and len(h1) == 10  # 7 tables, rejects, summary, pseudonym_key.json
    meta = pq.read_metadata(tmp_path / "out1" / "pengaduan.parquet")
    assert "parquet-cpp-arrow" in meta.created_by  # a version, no clock


def test_row_order_of_the_input_does_not_change_the_output(tmp_path):
    rows = clean_rows()
    _run(tmp_path, rows, name="a", out="out_a")
    shuffled = {t: list(reversed(r)) for t, r in rows.items()}
    _run(tmp_path, shuffled, name="b", out="out_b")
    pa_, pb = _hashes(tmp_path / "out_a"), _hashes(tmp_path / "out_b")
    for f in pa_:
        if f.endswith(".parquet"):
            assert pa_[f] == pb[f], f


def test_indonesian_excel_csv_reads_like_plain_csv(tmp_path):
    _run(tmp_path, _faulty_rows(), name="plain", out="out_plain")
    raw_id = write_raw(tmp_path / "id", _faulty_rows(), locale="id")
    assert (raw_id / "pelatihan.csv").read_bytes().startswith(b"\xef\xbb\xbfnip;")
    assert b"12,5" in (raw_id / "pelatihan.csv").read_bytes()
    ingest(raw_id, tmp_path / "out_id", tmp_path / "region.toml", today=TODAY)
    a, b = load_processed(tmp_path / "out_plain"), load_processed(tmp_path / "out_id")
    for t in PROCESSED_COLUMNS:
        if a.has(t) or b.has(t):
            pd.testing.assert_frame_equal(a.table(t), b.table(t))
    ra = pd.read_csv(tmp_path / "out_plain" / "rejects.csv", dtype=str)
    rb = pd.read_csv(tmp_path / "out_id" / "rejects.csv", dtype=str)
    pd.testing.assert_frame_equal(ra[["table", "row", "column", "reason"]], rb[["table", "row", "column", "reason"]])


def test_xlsx_reads_like_csv(tmp_path):
    _run(tmp_path, _faulty_rows(), name="csv", out="out_csv")
    raw_x = write_raw(tmp_path / "xlsx", _faulty_rows(), fmt="xlsx")
    summary = ingest(raw_x, tmp_path / "out_x", tmp_path / "region.toml", today=TODAY)
    assert summary.tables["pegawai"].format == "xlsx"
    a, b = load_processed(tmp_path / "out_csv"), load_processed(tmp_path / "out_x")
    for t in PROCESSED_COLUMNS:
        if a.has(t) or b.has(t):
            pd.testing.assert_frame_equal(a.table(t), b.table(t))


def test_siasn_headers_are_mapped(tmp_path):
    siasn = {
        "pegawai": ["nipBaru", "Nama", "golonganId", "jenisJabatanId", "statusPegawai"],
        "riwayat_jabatan": ["nipBaru", "unorId", "namaJabatan", "jenisJabatan", "eselonId", "tmtJabatan",
                            "nomorSk", "tanggalSk", "jenisMutasiId", "jenisPenugasanId", "nomorPersetujuan"],
    }
    _run(tmp_path, name="canon", out="out_canon")
    raw = write_raw(tmp_path / "siasn", headers=siasn)
    ingest(raw, tmp_path / "out_siasn", tmp_path / "region.toml", today=TODAY)
    a, b = load_processed(tmp_path / "out_canon"), load_processed(tmp_path / "out_siasn")
    pd.testing.assert_frame_equal(a.riwayat_jabatan, b.riwayat_jabatan)
    pd.testing.assert_frame_equal(a.pegawai, b.pegawai)


# SIASN names units by its own ids (unorId); a region maps them with siasn_ids (issue 17 item 14).
SIASN_IDS = {"KEC-A": "8ae483a6-7d4a-11e9-a6b4-000000000001", "KEL-B": "A8ACA7E1B3F23912E040640A040269BB",
             "PKM-C": "ff80808158c0a2f70158c0c1a2b30042"}


def _siasn_rows():
    rows = clean_rows()
    by_code = {k.casefold(): v for k, v in SIASN_IDS.items()}
    rows["riwayat_jabatan"] = [[r[0], by_code[r[1].casefold()], *r[2:]] for r in rows["riwayat_jabatan"]]
    return rows


def _region_with_siasn_ids(tmp_path, ids=SIASN_IDS):
    from tests._raw_factory import REGION_TOML

    text = REGION_TOML
    for code, sid in ids.items():
        text = text.replace(f'code = "{code}"\n', f'code = "{code}"\nsiasn_ids = ["{sid}"]\n')
    return write_region(tmp_path, text)


def test_siasn_unit_ids_are_read_as_the_region_s_unit_codes(tmp_path):
    siasn = {"riwayat_jabatan": ["nipBaru", "unorId", "namaJabatan", "jenisJabatan", "eselonId", "tmtJabatan",
                                 "nomorSk", "tanggalSk", "jenisMutasiId", "jenisPenugasanId", "nomorPersetujuan"]}
    _run(tmp_path, name="canon", out="out_canon")
    raw = write_raw(tmp_path / "siasn", _siasn_rows(), headers=siasn)
    summary = ingest(raw, tmp_path / "out_siasn", _region_with_siasn_ids(tmp_path), today=TODAY)
    assert summary.tables["riwayat_jabatan"].rejected == 0
    a, b = load_processed(tmp_path / "out_canon"), load_processed(tmp_path / "out_siasn")
    pd.testing.assert_frame_equal(a.riwayat_jabatan, b.riwayat_jabatan)


def test_siasn_unit_ids_without_a_mapping_are_rejected_with_the_way_out(tmp_path):
    rows = _siasn_rows()
    rows["riwayat_jabatan"][0][1] = "KEC-A"        # one row by code, three by SIASN id
    raw = write_raw(tmp_path / "siasn", rows)
    summary = ingest(raw, tmp_path / "out", write_region(tmp_path), today=TODAY)
    c = summary.tables["riwayat_jabatan"]
    assert (c.read, c.accepted, c.rejected) == (4, 1, 3)       # rows in = accepted + rejected
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False)
    mine = rejects[rejects["table"] == "riwayat_jabatan"]
    assert set(mine["reason"]) == {"unknown_unit"} and set(mine["value"]) <= set(SIASN_IDS.values())
    assert mine["detail"].str.contains("siasn_ids").all()


@pytest.mark.parametrize("ids, says", [
    ({"KEC-A": "X1", "KEL-B": "x1"}, "'x1' of unit KEL-B is already a SIASN id of unit KEC-A"),
    ({"KEL-B": "kec-a"}, "'kec-a' of unit KEL-B is already the code of unit KEC-A"),
])
def test_a_siasn_id_names_one_unit(tmp_path, ids, says):
    from mutasi_analysis.config import load_config
    from mutasi_analysis.errors import ConfigError

    with pytest.raises(ConfigError, match=says):
        load_config(_region_with_siasn_ids(tmp_path, ids))


def test_optional_columns_may_be_absent(tmp_path):
    rows = clean_rows()
    rows["survei_asn"] = [r[:-1] for r in rows["survei_asn"]]
    rows["riwayat_jabatan"] = [r[:-1] for r in rows["riwayat_jabatan"]]
    headers = {"survei_asn": [h for h in clean_headers("survei_asn") if h != "komentar"],
               "riwayat_jabatan": [h for h in clean_headers("riwayat_jabatan") if h != "nomor_persetujuan"]}
    summary, rejects = _run(tmp_path, rows, headers=headers)
    assert len(rejects) == 0
    p = load_processed(tmp_path / "out")
    assert p.survei_asn["komentar"].isna().all() and p.riwayat_jabatan["nomor_persetujuan"].isna().all()


def clean_headers(table):
    from tests._raw_factory import HEADERS

    return HEADERS[table]


# -- units ------------------------------------------------------------------------------------

def test_unit_file_is_optional_and_config_is_the_source(tmp_path):
    summary, _ = _run(tmp_path, skip=("unit",))
    assert summary.tables["unit"].file is None and summary.tables["unit"].read == 3
    assert load_processed(tmp_path / "out").unit["nama_unit"].tolist() == ["Kantor Camat A", "Kantor Kelurahan B", "Puskesmas C"]


def test_unit_file_with_unknown_code_rejects_it(tmp_path):
    rows = clean_rows()
    rows["unit"].append(["KEL-Z", "Kantor Kelurahan Z", "kantor_kelurahan", "Tiga"])
    summary, rejects = _run(tmp_path, rows)
    assert rejects[["table", "row", "reason"]].values.tolist() == [["unit", "4", "unknown_unit"]]
    assert summary.tables["unit"].accepted == 3


def test_unit_file_disagreeing_with_config_stops(tmp_path):
    rows = clean_rows()
    rows["unit"][1][2] = "puskesmas"
    with pytest.raises(DataError, match=r"(?s)unit\.csv disagrees.*KEL-B: jenis_unit"):
        _run(tmp_path, rows)
    assert not (tmp_path / "out").exists()


def test_a_blank_kelurahan_in_the_unit_file_is_not_a_disagreement(tmp_path):
    # kelurahan may be blank (contract): the config's value stands, and no "nan" appears anywhere
    rows = clean_rows()
    rows["unit"][0][3] = ""
    summary, rejects = _run(tmp_path, rows)
    assert summary.tables["unit"].accepted == 3 and len(rejects) == 0
    rows["unit"][0][1] = "Kantor Camat Lain"
    with pytest.raises(DataError) as err:
        _run(tmp_path, rows, out="out2")
    problems = str(err.value).splitlines()[1:]  # the first line names the files
    assert any("KEC-A: nama_unit" in ln for ln in problems)
    assert not any("kelurahan" in ln or "nan" in ln for ln in problems)


# -- whole-file problems: one clear error, previous output untouched ----------------------------

def test_missing_files_are_listed(tmp_path):
    with pytest.raises(DataError, match=r"lacks skm\.csv \(or \.xlsx\), pelatihan\.csv"):
        _run(tmp_path, skip=("skm", "pelatihan"))


def test_missing_column_names_file_and_column(tmp_path):
    headers = {"pengaduan": ["id_laporan", "kode_unit", "kanal", "kategori", "diterima", "waktu_respon_pertama",
                             "waktu_selesai", "status"]}
    with pytest.raises(DataError, match=r"pengaduan\.csv lacks column\(s\) waktu_diterima"):
        _run(tmp_path, headers=headers)


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\xef\xbb\xbf\r\n", "is empty"),
    (b"nip,nama_pelatihan,tanggal_mulai,tanggal_selesai,jam_pelajaran\n", "no data rows"),
    (b"nip,nama_pelatihan,tanggal_mulai,tanggal_selesai,jam_pelajaran\n1,2,3,4,5,6\n", r"row 1 \(line 2\) has 6 fields but the header has 5"),
])
def test_empty_or_unreadable_file(tmp_path, content, message):
    raw = write_raw(tmp_path / "raw")
    (raw / "pelatihan.csv").write_bytes(content)
    with pytest.raises(DataError, match=message) as err:
        ingest(raw, tmp_path / "out", write_region(tmp_path), today=TODAY)
    assert "pelatihan.csv" in err.value.message


def test_failed_run_keeps_previous_output_and_other_files(tmp_path):
    _run(tmp_path)
    out = tmp_path / "out"
    (out / "README.md").write_text("what goes here\n")
    before = _hashes(out)
    (tmp_path / "raw" / "skm.csv").write_text("id_responden,kode_unit\n")
    with pytest.raises(MutasiError):
        ingest(tmp_path / "raw", out, tmp_path / "region.toml", today=TODAY)
    assert _hashes(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no temp folders left
    # a good run replaces the outputs and keeps the README
    write_raw(tmp_path / "raw")
    ingest(tmp_path / "raw", out, tmp_path / "region.toml", today=TODAY)
    assert (out / "README.md").read_text() == "what goes here\n"


def test_wrong_key_is_refused_and_output_kept(tmp_path, monkeypatch):
    _run(tmp_path)
    before = _hashes(tmp_path / "out")
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "another-key-" + "x" * 30)
    with pytest.raises(PseudonymKeyError, match="wrong pseudonym key"):
        ingest(tmp_path / "raw", tmp_path / "out", tmp_path / "region.toml", today=TODAY)
    assert _hashes(tmp_path / "out") == before


def test_out_must_differ_from_raw(tmp_path):
    raw = write_raw(tmp_path / "raw")
    with pytest.raises(DataError, match="is the raw folder"):
        ingest(raw, raw, write_region(tmp_path), today=TODAY)


def test_rejects_file_is_private(tmp_path):
    _run(tmp_path, _faulty_rows())
    assert (tmp_path / "out" / "rejects.csv").stat().st_mode & 0o077 == 0


def test_load_processed_of_a_folder_never_ingested(tmp_path):
    with pytest.raises(DataError, match="holds no ingested data"):
        load_processed(tmp_path)


def test_summary_text_lists_every_table(tmp_path):
    summary, _ = _run(tmp_path, _faulty_rows())
    text = summary.to_text()
    for t, c in summary.tables.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(t + " "))
        assert line.split()[-3:] == [f"{c.read:,}", f"{c.accepted:,}", f"{c.rejected:,}"]
    assert "duplicate 4" in text


# -- the demo generator's planted faults --------------------------------------------------------

@pytest.mark.slow
def test_dirty_demo_every_planted_fault_is_caught(dirty_raw, region_path, tmp_path):
    summary = ingest(dirty_raw, tmp_path / "out", region_path)
    faults = json.loads((dirty_raw / "faults.json").read_text())
    assert len(faults) >= 10
    rej = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False)
    got = {(r.table, int(r.row), r.reason) for r in rej.itertuples()}
    planted = {(f["table"], int(f["row"]), f["reason"]) for f in faults}
    assert planted <= got, sorted(planted - got)
    # nothing else is rejected: the faults are the only bad rows
    assert {(t, r) for t, r, _ in got} == {(t, r) for t, r, _ in planted}
    files = {(r.table, r.file) for r in rej.itertuples()}
    assert files == {(f["table"], f["file"]) for f in faults}
    truth = json.loads((dirty_raw / "truth.json").read_text())
    for table, n in truth["counts"].items():
        assert summary.tables[table].accepted == n, table


@pytest.mark.slow
def test_clean_demo_ingests_without_rejects(demo_raw, demo_truth, region_path, tmp_path):
    summary = ingest(demo_raw, tmp_path / "out", region_path)
    assert summary.total_rejected == 0
    truth = demo_truth
    assert {t: c.accepted for t, c in summary.tables.items()} == truth["counts"]


def test_golongan_forms():
    from mutasi_analysis.schemas import normalise_golongan

    gol, kode, pppk = normalise_golongan(pd.Series(["31.0", "iii a", "IVe", "45", "IX", "V/a", "46", "IIIE", None]))
    assert gol.tolist()[:5] == ["III/a", "III/a", "IV/e", "IV/e", "IX"]
    assert kode.tolist()[:4] == [31, 31, 45, 45] and pd.isna(kode[4])
    assert gol[5:].isna().all()  # V/a, 46, III/e do not exist; blank stays blank
    assert pppk.tolist() == [False, False, False, False, True, False, False, False, False]


def test_summary_states_the_data_coverage(tmp_path):
    _run(tmp_path)
    saved = json.loads((tmp_path / "out" / "ingest_summary.json").read_text())
    # riwayat 2015-03-01 .. 2024-03-01; complaints 2024-03-05 .. 2024-05-02; SKM 2024-05-14 ..
    # 2024-05-16; feedback 2024-06-15 .. 2024-06-16; training ends 2023-03-10 .. 2024-03-05
    assert saved["data_start"] == "2015-03-01" and saved["data_end"] == "2024-06-16"
    assert saved["tables"]["pengaduan"]["first"] == "2024-03-05" and saved["tables"]["pengaduan"]["last"] == "2024-05-02"
    assert saved["tables"]["pelatihan"]["date_column"] == "tanggal_selesai"
    assert "first" not in saved["tables"]["pegawai"]


def test_summary_records_the_key_fingerprint_not_the_key(tmp_path):
    from mutasi_analysis.pseudonym import key_id

    _run(tmp_path)
    text = (tmp_path / "out" / "ingest_summary.json").read_text()
    saved = json.loads(text)
    assert saved["pseudonym"]["key_id"] == key_id(KEY.encode())
    assert KEY not in text
    assert saved["tables"]["pegawai"]["sha256"] == hashlib.sha256((tmp_path / "raw" / "pegawai.csv").read_bytes()).hexdigest()


def test_a_second_ingestion_into_the_same_folder_refuses(tmp_path, demo_raw, monkeypatch):
    """While one run holds the folder's lock, another refuses with one clear message."""
    from mutasi_analysis.locking import ReportLocked, period_lock

    from .conftest import DEFAULT_REGION

    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "test-key-for-the-lock-test-0123456789abcdef")
    out = tmp_path / "processed"
    with period_lock(tmp_path / ".processed-ingest.lock", "held by the test"):
        with pytest.raises(ReportLocked, match=f"ingestion into {out} is in use by another run") as e:
            ingest(demo_raw, out, DEFAULT_REGION)
        assert "--wait" not in e.value.message
    assert not out.exists()
    ingest(demo_raw, out, DEFAULT_REGION)  # free again once the holder is gone
    assert (out / "pegawai.parquet").is_file()


# -- hardening (issue 10) --------------------------------------------------------------------

def test_rejects_csv_escapes_formula_cells(tmp_path):
    rows = clean_rows()
    rows["pengaduan"].append(["LPR-7", "=cmd|' /C calc'!A0", "lapor", "pengaduan", "05-03-2024 09:15", "", "",
                              "baru"])
    rows["pengaduan"].append(["LPR-8", "PKM-C", "lapor", "@SUM(1+1)", "05-03-2024 09:15", "", "", "baru"])
    rows["pengaduan"].append(["LPR-9", "PKM-C", "lapor", "pengaduan", "05-03-2024 09:15", "", "", "+baru"])
    rows["pengaduan"].append(["LPR-10", "PKM-C", "lapor", "pengaduan", "05-03-2024 09:15", "", "", "\tbaru-"])
    _, rejects = _run(tmp_path, rows)
    values = set(rejects["value"])
    assert {"'=cmd|' /C calc'!A0", "'@SUM(1+1)", "'+baru"} <= values
    text = (tmp_path / "out" / "rejects.csv").read_text(encoding="utf-8")
    for line in text.splitlines():
        for cell in next(__import__("csv").reader([line])):
            assert not cell or cell[0] not in "=+-@\t\r", line
    assert "'-4" in set(_run(tmp_path, _faulty_rows(), name="raw2", out="out2")[1]["value"])


def test_all_rows_of_a_required_table_rejected_is_a_file_level_failure(tmp_path):
    region = write_region(tmp_path)
    ingest(write_raw(tmp_path / "good"), tmp_path / "out", region, today=TODAY)
    before = _hashes(tmp_path / "out")
    rows = clean_rows()
    rows["pegawai"] = [[nip[:-1], name, "III/a", "4", "PNS"] for nip, name in ((NIP_A, NAMES[0]), (NIP_B, NAMES[1]))]
    raw = write_raw(tmp_path / "raw", rows)
    with pytest.raises(DataError) as e:
        ingest(raw, tmp_path / "out", region, today=TODAY)
    msg = e.value.message
    assert "\n" not in msg
    assert "pegawai" in msg and "all 2 rows" in msg and "invalid_nip" in msg and "rejected" in msg
    assert NIP_A[:-1] not in msg and NAMES[0] not in msg
    assert _hashes(tmp_path / "out") == before  # the previous processed data stays


def test_misnamed_optional_column_is_named_in_the_printed_summary(tmp_path):
    headers = {"survei_asn": [*HEADERS["survei_asn"][:-1], "komentarr"]}
    raw = write_raw(tmp_path / "raw", headers=headers)
    summary = ingest(raw, tmp_path / "out", write_region(tmp_path), today=TODAY)
    text = summary.to_text()
    line = next(ln for ln in text.splitlines() if "komentarr" in ln)
    assert "survei_asn.csv" in line and "komentar" in line.replace("komentarr", "")


def test_stale_temporary_folders_of_a_killed_run_are_removed(tmp_path):
    out = tmp_path / "out"
    stale = [tmp_path / ".out.tmp-abc123", tmp_path / ".out.old-xyz789"]
    for d in stale:
        d.mkdir()
        (d / "pegawai.parquet").write_bytes(b"half written")
    other = tmp_path / ".other.tmp-keep"  # another output folder's: not ours to touch
    other.mkdir()
    _run(tmp_path)
    assert not any(d.exists() for d in stale) and other.is_dir()
    assert (out / "pegawai.parquet").is_file()


def test_a_killed_swap_restores_the_previous_output(tmp_path):
    """Killed between moving the old output aside and moving the new one in: the old one comes back."""
    _run(tmp_path)
    before = _hashes(tmp_path / "out")
    (tmp_path / "out").rename(tmp_path / ".out.old-k1ll3d")
    rows = clean_rows()
    rows["pegawai"] = [["1", "x", "III/a", "4", "PNS"]]  # this run fails: the restored output stays
    raw = write_raw(tmp_path / "raw_bad", rows)
    with pytest.raises(DataError):
        ingest(raw, tmp_path / "out", tmp_path / "region.toml", today=TODAY)
    assert _hashes(tmp_path / "out") == before
    assert not list(tmp_path.glob(".out.old-*"))


def test_symlink_to_a_system_file_is_refused_and_nothing_of_it_printed(tmp_path):
    raw = write_raw(tmp_path / "raw")
    (raw / "pegawai.csv").unlink()
    (raw / "pegawai.csv").symlink_to("/etc/passwd")
    with pytest.raises(DataError) as e:
        ingest(raw, tmp_path / "out", write_region(tmp_path), today=TODAY)
    msg = e.value.message
    assert "pegawai.csv" in msg and "symbolic link" in msg and "lacks" not in msg
    first = Path("/etc/passwd").read_text().splitlines()[0]
    assert first not in msg and "root:" not in msg
    assert not (tmp_path / "out").exists()


def test_fifo_in_the_raw_folder_is_named_not_reported_missing(tmp_path):
    import os

    raw = write_raw(tmp_path / "raw")
    (raw / "skm.csv").unlink()
    os.mkfifo(raw / "skm.csv")
    with pytest.raises(DataError, match=r"skm\.csv is a FIFO.*not a file") as e:
        ingest(raw, tmp_path / "out", write_region(tmp_path), today=TODAY)
    assert "lacks" not in e.value.message


def test_limits_come_from_the_region_config(tmp_path):
    from tests._raw_factory import REGION_TOML

    rows = clean_rows()
    rows["survei_asn"][0][-1] = "panjang " * 200  # 1.6 KB
    raw = write_raw(tmp_path / "raw", rows)
    region = write_region(tmp_path, REGION_TOML + "\n[limits]\nmax_cell_kb = 1\n")
    with pytest.raises(DataError, match=r"survei_asn\.csv: row 1, column 'komentar'.*max_cell_kb = 1"):
        ingest(raw, tmp_path / "out", region, today=TODAY)


def test_a_processed_folder_never_nests_another(tmp_path):
    """A second region's processed data inside the first's would be copied (its lock file too)
    by every ingestion of the first: refused both ways, before anything is written."""
    raw = write_raw(tmp_path / "raw")
    region = write_region(tmp_path)
    ingest(raw, tmp_path / "processed", region, today=TODAY)
    before = _hashes(tmp_path / "processed")
    with pytest.raises(DataError, match=r"is inside .*processed, the processed folder of another ingestion"):
        ingest(raw, tmp_path / "processed" / "kotaraja", region, today=TODAY)
    assert not (tmp_path / "processed" / "kotaraja").exists() and _hashes(tmp_path / "processed") == before
    ingest(raw, tmp_path / "kotaraja" / "processed", region, today=TODAY)          # beside it: fine
    with pytest.raises(DataError, match=r"holds .*processed, the processed folder of another ingestion"):
        ingest(raw, tmp_path / "kotaraja", region, today=TODAY)
    # "x/.." is x: a path written with ".." names the folder it resolves to
    with pytest.raises(DataError, match=r"holds .*processed, the processed folder of another ingestion"):
        ingest(raw, tmp_path / "kotaraja" / "processed" / "..", region, today=TODAY)
