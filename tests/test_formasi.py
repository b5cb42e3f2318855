"""The optional raw table ``formasi`` (staffing requirements), ``pegawai.tahun_lahir`` and the
demo's planted truth for next-wave planning."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import openpyxl
import pandas as pd
import pytest

from tests._raw_factory import HEADERS, NIP_A, NIP_B, NIP_C, clean_rows, write_raw, write_region
from mutasi_analysis.cli import main
from mutasi_analysis.ingest import ingest
from mutasi_analysis.processed import PROCESSED_COLUMNS, load_processed
from mutasi_analysis.schemas import POSITION_GROUP_OF_JENIS, POSITION_GROUPS, SPECS
from mutasi_analysis.templates import GUIDE_SHEET

from .conftest import DEFAULT_REGION, DEMO_SEED

TODAY = dt.date(2026, 11, 28)
KEY = "f" * 40
# The contract's groups, written here so that a wrong mapping in the code fails the test.
GROUP = {1: "struktural", 2: "fungsional", 3: "struktural", 4: "pelaksana"}


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)


def _pid(nip: str) -> str:
    return hmac.new(KEY.encode(), nip.encode(), hashlib.sha256).hexdigest()[:16]


def _run(tmp_path, formasi=None, name="raw", out="out"):
    rows = clean_rows()
    if formasi is not None:
        rows["formasi"] = formasi
    raw = write_raw(tmp_path / name, rows)
    summary = ingest(raw, tmp_path / out, write_region(tmp_path), today=TODAY)
    rejects = pd.read_csv(tmp_path / out / "rejects.csv", dtype=str, keep_default_na=False)
    return summary, rejects


def test_the_position_groups_are_the_contracts():
    assert POSITION_GROUPS == ("struktural", "fungsional", "pelaksana")
    assert POSITION_GROUP_OF_JENIS == GROUP
    assert SPECS["formasi"].column("kelompok_jabatan").codes == POSITION_GROUPS


# -- the demo's planted requirements come back ---------------------------------------------------

def _present(p, as_of: pd.Timestamp) -> pd.Series:
    """Staff present per (unit, group) at ``as_of``, from the processed tables alone: each pid's
    latest definitive record on or before it, unless the person left by then."""
    riw = p.riwayat_jabatan
    d = riw[(riw["jenis_penugasan"] == "D") & (riw["tmt_jabatan"] <= as_of)]
    cur = d.sort_values(["pid", "tmt_jabatan"], kind="stable").groupby("pid").tail(1)
    left = p.pegawai.loc[p.pegawai["tanggal_keluar"] <= as_of, "pid"]
    cur = cur[~cur["pid"].isin(left)]
    group = cur["jenis_jabatan"].astype(int).map(GROUP)
    return cur.groupby([cur["kode_unit"], group]).size()


@pytest.mark.parametrize("seed", [1, 2])
def test_demo_formasi_round_trip_and_present_staff(request, tmp_path, seed):
    # The session's demo sets of seeds 1 and 2 (default region, CSV; tests/conftest.py), read only:
    # the same files write_demo_data(seed=seed, region=DEFAULT_REGION) writes.
    assert DEMO_SEED == 1
    raw = request.getfixturevalue("demo_raw" if seed == DEMO_SEED else "demo_raw_next_seed")
    demo_truth = json.loads((raw / "truth.json").read_text(encoding="utf-8"))
    assert demo_truth["seed"] == seed and demo_truth["scale"] == 1.0
    summary = ingest(raw, tmp_path / "out", DEFAULT_REGION, today=TODAY)
    truth = demo_truth["formasi"]
    assert truth["year"] == 2026 and truth["as_of"] == "2026-06-30"
    assert demo_truth["unready_groups"] == [{"column": "jenis_unit", "value": "puskesmas"}]
    c = summary.tables["formasi"]
    assert c.read == c.accepted == len(truth["rows"]) > 10 and c.rejected == 0

    p = load_processed(tmp_path / "out")
    f = p.formasi
    assert list(f.columns) == list(PROCESSED_COLUMNS["formasi"])
    assert str(f["kebutuhan"].dtype) == "Int64" and str(f["tahun"].dtype) == "Int64"
    assert (f["tahun"] == 2026).all()
    got = {(r.kode_unit, r.kelompok_jabatan): int(r.kebutuhan) for r in f.itertuples()}
    want = {(r["kode_unit"], r["kelompok_jabatan"]): r["kebutuhan"] for r in truth["rows"]}
    assert got == want
    # the planted gaps are not all zero: planning has something to find
    gaps = [r["kekurangan"] for r in truth["rows"]]
    assert any(g > 0 for g in gaps) and any(g < 0 for g in gaps)
    assert all(r["kekurangan"] == r["kebutuhan"] - r["ada"] and r["kebutuhan"] >= 0 for r in truth["rows"])

    present = _present(p, pd.Timestamp(truth["as_of"]))
    assert {(r["kode_unit"], r["kelompok_jabatan"]): r["ada"] for r in truth["rows"]} == \
        {k: int(v) for k, v in present.items()}


def test_demo_formasi_faults_are_rejected_with_their_reason(dirty_raw, tmp_path):
    faults = [f for f in json.loads((dirty_raw / "faults.json").read_text()) if f["table"] == "formasi"]
    assert sorted(f["reason"] for f in faults) == ["out_of_range", "out_of_range", "unknown_unit", "wrong_type"]
    assert {f["value"] for f in faults} >= {"-1", "2.5", "KEL-TIDAKADA"}
    summary = ingest(dirty_raw, tmp_path / "out", DEFAULT_REGION, today=TODAY)
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False)
    rej = rejects[rejects["table"] == "formasi"]
    assert {(int(r.row), r.column, r.reason) for r in rej.itertuples()} == \
        {(f["row"], f["column"], f["reason"]) for f in faults}
    c = summary.tables["formasi"]
    assert c.rejected == len(faults) and c.read == c.accepted + c.rejected


# -- bad input, one message each -------------------------------------------------------------------

def test_each_bad_formasi_row_is_rejected_with_its_reason_and_detail(tmp_path):
    # data years: earliest tmt_jabatan 2015 .. latest event 2024 (+1 for planning) -> 2015..2025
    formasi = [
        ["KEC-A", "struktural", "Camat", "1", "2024"],        # 1 ok
        ["KEL-X", "pelaksana", "", "2", "2024"],              # 2 unknown_unit
        ["KEC-A", "pelaksana", "", "-1", "2024"],             # 3 out_of_range (negative)
        ["KEC-A", "fungsional", "", "2.5", "2024"],           # 4 wrong_type (not whole)
        ["KEC-A", "fungsional", "", "dua", "2024"],           # 5 wrong_type (text)
        ["KEC-A", "pelaksana", "", "3", "2026"],              # 6 out_of_range (after the data + 1)
        ["KEC-A", "struktural", "Camat", "2", "2024"],        # 7 duplicate of row 1
        ["KEC-A", "manajerial", "", "1", "2024"],             # 8 invalid_code
        ["kec-a", "pelaksana", "", "3", "2025"],              # 9 ok: next year's plan
        ["KEC-A", "pelaksana", "", "3", "2014"],              # 10 out_of_range (before the data)
        ["PKM-C", "fungsional", "Perawat", "0", "2024"],      # 11 ok: zero is a requirement
        ["KEC-A", "PELAKSANA", "", "4", "2025"],              # 12 duplicate of row 9 (blank name, any case)
        ["KEC-A", "pelaksana", "", "", "2024"],               # 13 missing_value
    ]
    summary, rejects = _run(tmp_path, formasi)
    rej = rejects[rejects["table"] == "formasi"]
    got = {int(r.row): (r.column, r.reason) for r in rej.itertuples()}
    assert got == {
        2: ("kode_unit", "unknown_unit"), 3: ("kebutuhan", "out_of_range"), 4: ("kebutuhan", "wrong_type"),
        5: ("kebutuhan", "wrong_type"), 6: ("tahun", "out_of_range"),
        7: ("kode_unit+kelompok_jabatan+nama_jabatan+tahun", "duplicate"), 8: ("kelompok_jabatan", "invalid_code"),
        10: ("tahun", "out_of_range"), 12: ("kode_unit+kelompok_jabatan+nama_jabatan+tahun", "duplicate"),
        13: ("kebutuhan", "missing_value"),
    }
    assert (rej["file"] == "formasi.csv").all() and (rej["detail"].str.len() > 0).all()
    by_row = rej.set_index(rej["row"].astype(int))
    assert by_row.loc[6, "detail"].startswith("tahun must be 2015..2025") and by_row.loc[6, "value"] == "2026"
    assert by_row.loc[10, "detail"] == by_row.loc[6, "detail"]
    assert by_row.loc[4, "value"] == "2.5" and by_row.loc[4, "detail"] == "not a whole number"
    assert by_row.loc[3, "detail"] == "must be >= 0"
    assert by_row.loc[7, "detail"].endswith("as row 1") and by_row.loc[12, "detail"].endswith("as row 9")
    c = summary.tables["formasi"]
    assert (c.read, c.accepted, c.rejected) == (13, 3, 10)
    saved = json.loads((tmp_path / "out" / "ingest_summary.json").read_text())
    assert all(t["read"] == t["accepted"] + t["rejected"] for t in saved["tables"].values())
    assert sum(saved["rejects_by_reason"].values()) == sum(t["rejected"] for t in saved["tables"].values())
    assert "formasi.csv" in summary.to_text()

    f = load_processed(tmp_path / "out").formasi
    assert f[["tahun", "kode_unit", "kelompok_jabatan"]].values.tolist() == [
        [2024, "KEC-A", "struktural"], [2024, "PKM-C", "fungsional"], [2025, "KEC-A", "pelaksana"]]
    assert f["kebutuhan"].tolist() == [1, 0, 3]
    assert f["nama_jabatan"].tolist()[:2] == ["Camat", "Perawat"] and pd.isna(f["nama_jabatan"].iloc[2])


def test_a_run_without_formasi_works_and_drops_an_old_formasi(tmp_path):
    _run(tmp_path, [["KEC-A", "pelaksana", "", "2", "2024"]])
    assert load_processed(tmp_path / "out").has("formasi")
    summary, rejects = _run(tmp_path, None, name="raw2")
    assert "formasi" not in summary.tables and len(rejects) == 0
    assert not (tmp_path / "out" / "formasi.parquet").exists()  # the previous run's is not carried over
    p = load_processed(tmp_path / "out")
    assert p.formasi is None and not p.has("formasi") and p.table("formasi") is None
    assert len(p.pegawai) == 3


# -- the birth year --------------------------------------------------------------------------------

def test_tahun_lahir_is_the_nip_birth_year_and_nothing_finer(tmp_path):
    _run(tmp_path)
    peg = load_processed(tmp_path / "out").pegawai.set_index("pid")
    assert str(peg["tahun_lahir"].dtype) == "Int64"
    assert peg["tahun_lahir"].to_dict() == {_pid(NIP_A): 1966, _pid(NIP_B): 1987, _pid(NIP_C): 2000}


def test_tahun_lahir_on_the_demo_equals_the_raw_nips(demo_raw, tmp_path):
    ingest(demo_raw, tmp_path / "out", DEFAULT_REGION, today=TODAY)
    raw = pd.read_csv(demo_raw / "pegawai.csv", dtype=str)
    want = {_pid(n): int(n[:4]) for n in raw["nip"]}
    got = load_processed(tmp_path / "out").pegawai.set_index("pid")["tahun_lahir"].astype(int).to_dict()
    assert got == want and len(set(want.values())) > 10


# -- the template -----------------------------------------------------------------------------------

def test_the_formasi_template_filled_in_ingests(tmp_path, capsys):
    region = write_region(tmp_path)
    out = tmp_path / "templates"
    assert main(["template", "--out", str(out), "--region", str(region), "--tables", "formasi"]) == 0
    assert [p.name for p in out.iterdir()] == ["formasi.xlsx"]
    wb = openpyxl.load_workbook(out / "formasi.xlsx")
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS["formasi"]
    guide = {r[0]: r for r in wb[GUIDE_SHEET].iter_rows(values_only=True) if r and r[0] in SPECS["formasi"].names}
    assert "struktural, fungsional, pelaksana" in guide["kelompok_jabatan"][3]
    assert guide["kebutuhan"][3] == "0 atau lebih"
    kinds = {next(iter(dv.sqref.ranges)).coord[0]: dv for dv in ws.data_validations.dataValidation}
    assert (kinds["D"].type, kinds["D"].operator, kinds["D"].formula1) == ("whole", "greaterThanOrEqual", "0")
    assert (kinds["E"].type, kinds["E"].operator) == ("whole", "between")
    # a data officer fills it in, as typed: a code in another case, a blank post name
    for r in (["KEC-A", "pelaksana", "Pengadministrasi Umum", 4, 2024], ["pkm-c", "Fungsional", None, 2, 2025]):
        ws.append(r)
    raw = write_raw(tmp_path / "raw", clean_rows())
    wb.save(raw / "formasi.xlsx")
    summary = ingest(raw, tmp_path / "out", region, today=TODAY)
    assert (summary.tables["formasi"].accepted, summary.tables["formasi"].rejected) == (2, 0)
    f = load_processed(tmp_path / "out").formasi
    assert f[["kode_unit", "kelompok_jabatan", "kebutuhan", "tahun"]].values.tolist() == [
        ["KEC-A", "pelaksana", 4, 2024], ["PKM-C", "fungsional", 2, 2025]]
