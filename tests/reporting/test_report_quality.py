"""Data-quality tables of notebook 01: ingestion counts, rejection reasons, coverage per unit."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from mutasi_analysis.config import load_config
from mutasi_analysis.periods import parse_period
from mutasi_analysis.reporting.quality import coverage, ingest_tables, rejects_by_reason

from report_helpers import REPO

SUMMARY = {
    "tables": {"pegawai": {"read": 10, "accepted": 8, "rejected": 2},
               "skm": {"read": 5, "accepted": 5, "rejected": 0}},
    "rejects_by_reason": {"invalid_nip": 1, "duplicate": 1, "missing_value": 0, "wrong_type": 0},
}


def test_ingest_tables():
    t = ingest_tables(SUMMARY)
    assert t.to_dict("records") == [
        {"tabel": "pegawai", "dibaca": 10, "diterima_baris": 8, "ditolak": 2},
        {"tabel": "skm", "dibaca": 5, "diterima_baris": 5, "ditolak": 0},
    ]


def test_counts_that_do_not_add_up_are_an_error():
    bad = {"tables": {"pegawai": {"read": 10, "accepted": 8, "rejected": 1}}}
    with pytest.raises(ValueError, match="read 10 != accepted 8 \\+ rejected 1"):
        ingest_tables(bad)
    with pytest.raises(ValueError, match="no 'tables' section"):
        ingest_tables({})


def test_reasons_without_rejects_are_left_out_most_frequent_first():
    s = {"rejects_by_reason": {"invalid_nip": 1, "duplicate": 3, "wrong_type": 0}}
    assert rejects_by_reason(s).to_dict("records") == [
        {"alasan": "duplicate", "jumlah": 3}, {"alasan": "invalid_nip", "jumlah": 1}]
    assert rejects_by_reason({"rejects_by_reason": {"x": 0}}).empty


def test_coverage_counts_rows_inside_the_period_per_unit():
    cfg = load_config(REPO / "config" / "alak.toml")
    a, b = cfg.unit_codes[:2]
    ts = pd.to_datetime
    data = SimpleNamespace(
        pengaduan=pd.DataFrame({"kode_unit": [a, a, b, a],
                                "waktu_diterima": ts(["2026-01-01 00:00", "2026-06-30 23:59", "2026-07-01 00:00", "2025-12-31 23:59"])}),
        skm=pd.DataFrame({"kode_unit": [b], "tanggal": ts(["2026-03-01"])}),
        riwayat_jabatan=pd.DataFrame({
            "pid": ["p1", "p2"], "kode_unit": [a, a], "nama_jabatan": ["Staf", "Staf"],
            "jenis_jabatan": pd.array([4, 4], dtype="Int64"), "eselon": pd.array([pd.NA, pd.NA], dtype="Int64"),
            "tmt_jabatan": ts(["2020-01-01", "2026-07-01"]), "nomor_sk": ["1", "2"],
            "tanggal_sk": ts(["2020-01-01", "2026-06-01"]), "jenis_mutasi": ["MJ", "MJ"],
            "jenis_penugasan": ["D", "D"], "nomor_persetujuan": pd.array([pd.NA, pd.NA], dtype="string"),
        }),
    )
    cov = coverage(data, cfg, parse_period("2026-S1")).set_index("kode_unit")
    assert list(cov.index) == list(cfg.unit_codes)
    assert cov.loc[a, "pengaduan"] == 2 and cov.loc[b, "pengaduan"] == 0   # both ends of the period
    assert cov.loc[b, "skm"] == 1 and cov.loc[a, "skm"] == 0
    assert cov.loc[a, "headcount"] == 1                                     # p2 starts after the end
    assert cov["pengaduan"].sum() == 2
