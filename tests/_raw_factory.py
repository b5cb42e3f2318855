"""Small hand-made raw data sets for the ingestion tests (written with tmp_path)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

REGION_TOML = """
[region]
code = "mini"
name = "Kecamatan Contoh"

[[units]]
code = "KEC-A"
name = "Kantor Camat A"
type = "kantor_camat"
kelurahan = "Satu"

[[units]]
code = "KEL-B"
name = "Kantor Kelurahan B"
type = "kantor_kelurahan"
kelurahan = "Dua"

[[units]]
code = "PKM-C"
name = "Puskesmas C"
type = "puskesmas"
kelurahan = "Dua"
"""

NIP_A = "196608011988031001"        # a PNS NIP in the documented layout
NIP_B = "198703152010011002"        # data/raw/README.md example (PNS)
NIP_C = "200012312024211001"        # a PPPK NIP in the documented layout
NIP_B_SPACED = "19870315 201001 1 002"
NAMES = ("Yohanes Ndun", "Maria Tefa", "Ruth Bani")

HEADERS = {
    "unit": ["kode_unit", "nama_unit", "jenis_unit", "kelurahan"],
    "pegawai": ["nip", "nama", "golongan", "jenis_jabatan", "status"],
    "riwayat_jabatan": ["nip", "kode_unit", "nama_jabatan", "jenis_jabatan", "eselon", "tmt_jabatan",
                        "nomor_sk", "tanggal_sk", "jenis_mutasi", "jenis_penugasan", "nomor_persetujuan"],
    "pengaduan": ["id_laporan", "kode_unit", "kanal", "kategori", "waktu_diterima", "waktu_respon_pertama",
                  "waktu_selesai", "status"],
    "skm": ["id_responden", "kode_unit", "tanggal", "persyaratan", "prosedur", "waktu_penyelesaian",
            "biaya_tarif", "produk_layanan", "kompetensi_pelaksana", "perilaku_pelaksana",
            "penanganan_pengaduan", "sarana_prasarana"],
    "survei_asn": ["nip", "tanggal", "kode_unit", "kesiapan_tugas", "kejelasan_informasi", "dukungan_atasan",
                   "adaptasi_budaya_kerja", "kebutuhan_pelatihan", "kepuasan_mutasi", "niat_bertahan", "komentar"],
    "pelatihan": ["nip", "nama_pelatihan", "tanggal_mulai", "tanggal_selesai", "jam_pelajaran"],
    "formasi": ["kode_unit", "kelompok_jabatan", "nama_jabatan", "kebutuhan", "tahun"],
}
#: Valid rows of the optional table formasi (not in :func:`clean_rows`: a run without it is the usual one).
FORMASI_ROWS = [
    ["KEC-A", "struktural", "Camat", "1", "2024"],
    ["KEL-B", "pelaksana", "", "2", "2025"],
]


def clean_rows() -> dict[str, list[list[str]]]:
    """A valid raw set: 3 staff, 4 position records, 3 complaints, 3 SKM sheets, 2 feedback, 2 trainings.

    Numbers use a decimal point; :func:`write_raw` converts them for the Indonesian locale.
    """
    return {
        "unit": [
            ["KEC-A", "Kantor Camat A", "kantor_camat", "Satu"],
            ["KEL-B", "Kantor Kelurahan B", "kantor_kelurahan", "Dua"],
            ["PKM-C", "Puskesmas C", "puskesmas", "Dua"],
        ],
        "pegawai": [
            [NIP_A, NAMES[0], "IV/a", "1", "PNS"],
            [NIP_B_SPACED, NAMES[1], "32", "4", "PNS"],
            [NIP_C, NAMES[2], "IX", "2", "PPPK"],
        ],
        "riwayat_jabatan": [
            [NIP_A, "KEC-A", "Camat", "1", "31", "01-02-2020", "800/1/2020", "20-01-2020", "MJ", "D", ""],
            [NIP_B, "KEL-B", "Pengadministrasi Umum", "4", "", "01-03-2015", "800/2/2015", "15-02-2015", "MJ", "D", ""],
            [NIP_B, "KEC-A", "Pengadministrasi Umum", "4", "99", "2023-02-01", "800/3/2023", "2023-01-20", "MU", "D", ""],
            [NIP_C, "pkm-c", "Perawat Terampil", "2", "", "01-03-2024", "800/4/2024", "01-01-0001", "MJ", "D", ""],
        ],
        "pengaduan": [
            ["LPR-1", "PKM-C", "lapor", "pengaduan", "05-03-2024 09:15", "06-03-2024 10:02", "11-03-2024 14:30", "selesai"],
            ["LPR-2", "KEL-B", "whatsapp", "Permintaan Informasi", "2024-04-01 08:00", "", "", "baru"],
            ["LPR-3", "KEC-A", "langsung", "aspirasi", "2024-05-02 10:00", "2024-05-03 11:00", "", "diproses"],
        ],
        "skm": [
            ["SKM-1", "PKM-C", "14-05-2024", "4", "3", "3", "4", "3", "3", "4", "3", "2"],
            ["SKM-2", "PKM-C", "15-05-2024", "3", "3", "", "4", "3", "3", "4", "3", "2"],
            ["SKM-3", "KEL-B", "2024-05-16", "2", "2", "3", "4", "1", "3", "4", "3", "4"],
        ],
        "survei_asn": [
            [NIP_B, "15-06-2024", "KEC-A", "2", "3", "4", "3", "5", "3", "4", "Perlu pelatihan aplikasi"],
            [NIP_A, "16-06-2024", "KEC-A", "4", "4", "", "3", "2", "4", "5", ""],
        ],
        "pelatihan": [
            [NIP_B, "Pelatihan Pelayanan Prima", "06-03-2023", "10-03-2023", "32"],
            [NIP_C, "Orientasi Tugas", "2024-03-04", "2024-03-05", "12.5"],
        ],
    }


def write_raw(folder: Path, rows: dict[str, list[list[str]]] | None = None, *, locale: str = "plain",
              fmt: str = "csv", headers: dict[str, list[str]] | None = None,
              skip: tuple[str, ...] = ()) -> Path:
    """Write a raw set.

    Parameters
    ----------
    locale : {"plain", "id"}
        ``id``: ``;`` separators, decimal commas, UTF-8 BOM and CRLF, as Excel in an Indonesian
        locale writes them.
    fmt : {"csv", "xlsx"}
    skip : tables not to write.
    """
    rows = clean_rows() if rows is None else rows
    headers = {**HEADERS, **(headers or {})}
    folder.mkdir(parents=True, exist_ok=True)
    for table, body in rows.items():
        if table in skip:
            continue
        head = headers[table]
        if fmt == "xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.append(head)
            for r in body:
                ws.append([None if v == "" else v for v in r])
            wb.save(folder / f"{table}.xlsx")
            continue
        buf = io.StringIO()
        if locale == "id":
            w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
            w.writerow(head)
            for r in body:
                w.writerow([_decimal_comma(v) for v in r])
            (folder / f"{table}.csv").write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
        else:
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(head)
            w.writerows(body)
            (folder / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder


def _decimal_comma(v: str) -> str:
    try:
        float(v)
    except ValueError:
        return v
    return v.replace(".", ",")


def write_region(folder: Path, text: str = REGION_TOML) -> Path:
    path = folder / "region.toml"
    path.write_text(text, encoding="utf-8")
    return path
