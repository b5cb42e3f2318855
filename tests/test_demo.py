"""The demo generator: contract-exact files, reproducible bytes, a truth that holds of the data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.demo import COLUMNS, SKM_ELEMENTS, TABLES, write_demo_data
from mutasi_analysis.errors import MutasiError
from mutasi_analysis.workdays import calendar, working_days_between

from .conftest import DEFAULT_REGION, DEMO_SEED, OTHER_REGION


def _read(raw, table):
    path = raw / f"{table}.csv"
    head = path.read_bytes()[:4]
    if head.startswith(b"\xef\xbb\xbf"):
        return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_every_table_follows_the_contract(demo_raw):
    for t in TABLES:
        df = _read(demo_raw, t)
        assert list(df.columns) == COLUMNS[t], t
        assert len(df) > 0


def test_same_seed_same_bytes_other_seed_other_data(demo_raw, demo_raw_next_seed, tmp_path):
    again = tmp_path / "again"
    write_demo_data(out=again, seed=DEMO_SEED, region=DEFAULT_REGION)
    assert _digest(again) == _digest(demo_raw)
    # the session's set of seed DEMO_SEED + 1 (tests/conftest.py; also ingested in test_formasi.py)
    assert _digest(demo_raw_next_seed)["pegawai.csv"] != _digest(demo_raw)["pegawai.csv"]


def test_xlsx_is_reproducible_and_holds_the_same_rows(tmp_path):
    # A tenth of the demo: writing 70,000 rows to xlsx twice takes half a minute, and
    # the byte-for-byte check does not depend on the size.
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_demo_data(out=a, seed=DEMO_SEED, region=DEFAULT_REGION, fmt="xlsx", scale=0.1)
    write_demo_data(out=b, seed=DEMO_SEED, region=DEFAULT_REGION, fmt="xlsx", scale=0.1)
    write_demo_data(out=c, seed=DEMO_SEED, region=DEFAULT_REGION, fmt="csv", scale=0.1)
    assert _digest(a) == _digest(b)
    for table in ("pegawai", "pengaduan"):
        x = pd.read_excel(a / f"{table}.xlsx", dtype=str, engine="calamine").fillna("")
        assert len(x) > 0 and x.to_dict("list") == _read(c, table).to_dict("list")


def test_nips_have_real_pns_and_pppk_layouts(demo_raw):
    peg = _read(demo_raw, "pegawai")
    assert peg["nip"].str.fullmatch(r"\d{18}").all()
    assert peg["nip"].is_unique
    assert set(peg["status"]) == {"PNS", "PPPK"}
    for nip, status in zip(peg["nip"], peg["status"]):
        birth = dt.datetime.strptime(nip[:8], "%Y%m%d").date()
        if status == "PNS":
            tmt = dt.date(int(nip[8:12]), int(nip[12:14]), 1)
            assert 18 <= (tmt - birth).days / 365.25 <= 40
            assert nip[14] in "12"
        else:
            assert 2019 <= int(nip[8:12]) <= 2026 and nip[12] == "2" and nip[13] in "123456789"
            assert nip[14] in "12"
    assert (peg["status"] == "PPPK").mean() > 0.05


def test_about_250_staff_and_every_move_class(demo_truth):
    assert 200 <= demo_truth["counts"]["pegawai"] <= 300
    classes = demo_truth["classes"]
    for c in ("pengangkatan_pertama", "mutasi_unor", "mutasi_jabatan", "penyetaraan",
              "penugasan_sementara", "tugas_tambahan"):
        assert classes.get(c, 0) > 0, c


def test_staggered_cohorts_with_never_treated_units(demo_truth, region):
    cohorts = demo_truth["cohorts"]
    assert set(cohorts) == set(region.unit_codes)
    waves = {g for g in cohorts.values() if g}
    assert len(waves) == 3
    assert demo_truth["never_treated_units"] >= 3 and demo_truth["treated_units"] >= 6
    # No wave inside an election freeze window.
    for g in waves:
        assert region.freeze_window_at(dt.date.fromisoformat(g + "-01")) is None


def test_planted_effects_differ_by_cohort_and_grow(demo_truth):
    eff = pd.DataFrame(demo_truth["effects"])
    assert (eff["effect"] < 0).all()
    for _, g in eff.groupby("cohort"):
        g = g.sort_values("event_time")
        assert np.all(np.diff(g["effect"].abs()) > 0)
    at6 = eff[eff["event_time"] == 6].set_index("cohort")["effect"]
    assert at6.nunique() == len(at6) >= 2


def test_freeze_moves_are_few_and_flagged(demo_raw, demo_truth, region):
    riw = _read(demo_raw, "riwayat_jabatan")
    tmt = pd.to_datetime(riw["tmt_jabatan"], format="%d-%m-%Y").dt.date
    in_freeze = tmt.map(lambda d: region.freeze_window_at(d) is not None)
    flagged = {f["row"] for f in demo_truth["compliance"]["freeze"]}
    assert len(flagged) == 2
    for row in flagged:
        assert in_freeze.iloc[row - 1] and riw["nomor_persetujuan"].iloc[row - 1] == ""
    approved = riw[in_freeze & (riw["nomor_persetujuan"] != "")]
    assert len(approved) == 1


def test_complaint_times_are_ordered_and_censored_at_export(demo_raw):
    c = _read(demo_raw, "pengaduan")
    recv = pd.to_datetime(c["waktu_diterima"])
    resp = pd.to_datetime(c["waktu_respon_pertama"].replace("", None))
    done = pd.to_datetime(c["waktu_selesai"].replace("", None))
    assert (resp.dropna() >= recv[resp.notna()]).all()
    assert (done.dropna() >= resp[done.notna()]).all()
    assert set(c.loc[done.notna(), "status"]) == {"selesai"}
    assert set(c.loc[done.isna(), "status"]) <= {"baru", "diproses"}
    assert c["id_laporan"].is_unique
    assert recv.min() >= pd.Timestamp("2022-01-01") and recv.max() < pd.Timestamp("2026-07-01")


def test_planted_effect_shows_in_raw_complaints(demo_raw, demo_truth, region):
    """A plain before/after comparison of treated and never-treated units moves the planted way."""
    c = _read(demo_raw, "pengaduan")
    cal = calendar(2022, 2026, region.services.cuti_bersama)
    c["wd"] = working_days_between(c["waktu_diterima"], c["waktu_respon_pertama"].replace("", None), cal)
    c["month"] = pd.to_datetime(c["waktu_diterima"]).dt.to_period("M").astype(str)
    first = min(g for g in demo_truth["cohorts"].values() if g)
    cohort_units = [u for u, g in demo_truth["cohorts"].items() if g == first]
    never = [u for u, g in demo_truth["cohorts"].items() if not g]
    post = c["month"] >= "2023-08"  # six months into the first wave
    pre = c["month"] < first

    def m(units, when):
        return c.loc[c["kode_unit"].isin(units) & when, "wd"].mean()

    did = (m(cohort_units, post) - m(cohort_units, pre)) - (m(never, post) - m(never, pre))
    assert did < -0.8  # planted effect of the first wave at 6+ months is about -1.3 or larger


def test_ikm_truth_recomputed_from_the_file(demo_raw, demo_truth):
    skm = _read(demo_raw, "skm")
    skm["period"] = skm["id_responden"].str.extract(r"^SKM-(\d{4}-S\d)")[0]
    answers = skm[list(SKM_ELEMENTS)].replace("", np.nan).astype(float)
    assert answers.stack().dropna().between(1, 4).all()
    assert answers.isna().any().any()  # some items unanswered
    for t in demo_truth["ikm"][:: max(1, len(demo_truth["ikm"]) // 25)]:
        sel = (skm["kode_unit"] == t["kode_unit"]) & (skm["period"] == t["period"])
        nrr = answers[sel].mean()  # skips blanks: NRR over the answers given
        assert int(sel.sum()) == t["n_responden"]
        assert round(nrr.sum() / 9 * 25, 2) == t["ikm"]


def test_readiness_truth_recomputed_from_the_file(demo_raw, demo_truth):
    fb = _read(demo_raw, "survei_asn")
    fb["sem"] = pd.to_datetime(fb["tanggal"], format="%d-%m-%Y").map(
        lambda d: f"{d.year}-S{1 if d.month <= 6 else 2}")
    k = fb["kesiapan_tugas"].replace("", np.nan).astype(float)
    for t in demo_truth["readiness"]:
        sel = fb["sem"] == t["period"]
        assert int(sel.sum()) == t["sheets"]
        assert int((k[sel] <= 2).sum()) == t["unready"]
    # The programme document's scenario: in some period many rotated staff feel unready.
    assert max(t["share"] for t in demo_truth["readiness"] if t["answered"] >= 5) > 0.30


def test_locale_files_use_indonesian_excel_conventions(demo_raw):
    raw = (demo_raw / "pelatihan.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    assert b",5" in raw  # 7.5 hours written with a decimal comma


def test_dirty_faults_are_where_they_say(dirty_raw, demo_raw):
    faults = json.loads((dirty_raw / "faults.json").read_text())
    reasons = {f["reason"] for f in faults}
    assert reasons >= {"invalid_nip", "unknown_unit", "unknown_staff", "out_of_range", "invalid_code",
                       "invalid_date", "date_order", "duplicate", "wrong_type"}
    for f in faults:
        df = _read(dirty_raw, f["table"])
        cell = df[f["column"]].iloc[f["row"] - 1]
        assert cell == f["value"] or cell.replace(",", ".") == f["value"].replace(".0", ""), f
    # Faults are added rows: the clean rows are all still there.
    truth = json.loads((dirty_raw / "truth.json").read_text())
    for t in TABLES:
        assert len(_read(dirty_raw, t)) == truth["counts"][t] + sum(f["table"] == t for f in faults)
        assert truth["counts"][t] == len(_read(demo_raw, t))


def test_second_region_just_works(tmp_path):
    res = write_demo_data(out=tmp_path / "contoh", seed=5, region=OTHER_REGION)
    units = set(_read(tmp_path / "contoh", "pengaduan")["kode_unit"])
    assert units == {"KC-01", "KL-01", "KL-02", "KL-03", "KL-04", "PK-01"}
    assert res.truth["treated_units"] >= 2 and res.truth["never_treated_units"] >= 1


def test_refuses_to_overwrite_real_exports(tmp_path):
    real = tmp_path / "raw"
    real.mkdir()
    (real / "pegawai.csv").write_text("nip,nama\n")
    with pytest.raises(MutasiError, match="refusing to overwrite"):
        write_demo_data(out=real, seed=1, region=DEFAULT_REGION)
    assert (real / "pegawai.csv").read_text() == "nip,nama\n"


def test_writes_into_the_checkouts_raw_folder_beside_its_readmes(tmp_path):
    """`make report` on a fresh clone: data/raw holds only the contract's READMEs (in both
    languages), which are documentation, not exports."""
    import shutil

    from .conftest import ROOT

    raw = tmp_path / "raw"
    raw.mkdir()
    readmes = sorted((ROOT / "data" / "raw").glob("README*.md"))
    assert {p.name for p in readmes} >= {"README.md", "README.id.md"}
    for p in readmes:
        shutil.copy(p, raw / p.name)
    write_demo_data(out=raw, seed=1, region=DEFAULT_REGION, scale=0.2)
    assert (raw / "pegawai.csv").is_file()
    assert all((raw / p.name).read_bytes() == p.read_bytes() for p in readmes)  # left as they were
    # anything else that is not demo data is still refused
    other = tmp_path / "other"
    other.mkdir()
    (other / "README.id.md.bak").write_text("x")
    with pytest.raises(MutasiError, match="refusing to overwrite"):
        write_demo_data(out=other, seed=1, region=DEFAULT_REGION)


@pytest.mark.parametrize("kw,msg", [({"fmt": "parquet"}, "csv or xlsx"), ({"scale": 0}, "positive"),
                                    ({"seed": "x"}, "integer")])
def test_bad_arguments(tmp_path, kw, msg):
    with pytest.raises(MutasiError, match=msg):
        write_demo_data(out=tmp_path / "o", region=DEFAULT_REGION, **kw)
