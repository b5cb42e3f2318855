"""Tests of mutasi_analysis.services on hand-built complaints.

Working days are counted by hand in the comments, around Lebaran 2024 (Idul Fitri 10-11 Apr,
cuti bersama 8, 9, 12, 15 Apr) and Idul Adha 2024 (17 Jun, cuti bersama 18 Jun). Oracle (no
peer package): on the demo data, working days against a day-by-day count and Kaplan-Meier
medians against a product-limit estimator written out in the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis import services as sv
from mutasi_analysis.config import load_config
from mutasi_analysis.errors import DataError, NotEnoughData

ROOT = Path(__file__).resolve().parents[1]
DATA_END = "2024-07-05"


@pytest.fixture(scope="module")
def cfg():
    return load_config(ROOT / "config" / "alak.toml")


def complaints(rows):
    df = pd.DataFrame(rows, columns=["id_laporan", "kode_unit", "waktu_diterima", "waktu_respon_pertama",
                                     "waktu_selesai", "status"])
    for c in ("waktu_diterima", "waktu_respon_pertama", "waktu_selesai"):
        df[c] = pd.to_datetime(df[c])
    df["kanal"] = "lapor"
    df["kategori"] = "pengaduan"
    return df


ROWS = [
    # Fri 5 Apr -> Tue 16 Apr: only 5 Apr is a working day -> 1; resolved Mon 22 Apr:
    # 5, 16, 17, 18, 19 Apr -> 5
    ("L1", "PKM-ALAK", "2024-04-05 08:00", "2024-04-16 10:00", "2024-04-22 09:00", "selesai"),
    # same-day reply -> 0; resolved Mon 10 Jun -> 5
    ("L2", "PKM-ALAK", "2024-06-03 09:00", "2024-06-03 15:00", "2024-06-10 10:00", "selesai"),
    # Mon 3 Jun -> Tue 11 Jun -> 6: late; still open
    ("L3", "PKM-ALAK", "2024-06-03 10:00", "2024-06-11 09:00", None, "diproses"),
    # never answered, 14 Jun to 5 Jul is far past 5 working days: late
    ("L4", "PKM-ALAK", "2024-06-14 11:00", None, None, "baru"),
    # never answered, Mon 1 Jul to Fri 5 Jul = 4 working days: censored
    ("L5", "PKM-ALAK", "2024-07-01 08:00", None, None, "baru"),
    # Mon 10 Jun -> Wed 12 Jun -> 2; resolved Mon 1 Jul: 10-14 Jun (5), 19-21 (3), 24-28 (5) -> 13
    ("L6", "KEL-ALAK", "2024-06-10 08:00", "2024-06-12 08:00", "2024-07-01 08:00", "selesai"),
]


@pytest.fixture
def pengaduan():
    return complaints(ROWS)


def test_working_days_and_timeliness(cfg, pengaduan):
    t = sv.complaint_times(pengaduan, cfg, data_end=DATA_END).set_index("id_laporan")
    assert t["respon_hari_kerja"].to_dict() == pytest.approx(
        {"L1": 1, "L2": 0, "L3": 6, "L4": np.nan, "L5": np.nan, "L6": 2}, nan_ok=True)
    assert t.loc["L1", "penyelesaian_hari_kerja"] == 5
    assert t.loc["L2", "penyelesaian_hari_kerja"] == 5
    assert t.loc["L6", "penyelesaian_hari_kerja"] == 13
    assert t["tepat_waktu"].tolist()[:4] == [True, True, False, False]
    assert pd.isna(t.loc["L5", "tepat_waktu"]) and t.loc["L5", "tersensor"]
    assert not t.loc["L4", "tersensor"]


def test_cuti_bersama_comes_from_config(cfg, pengaduan):
    no_cuti = cfg.model_copy(update={"services": cfg.services.model_copy(update={"cuti_bersama": ()})})
    t = sv.complaint_times(pengaduan, no_cuti, data_end=DATA_END).set_index("id_laporan")
    # 18 Jun becomes a working day: 14; 8, 9, 12 and 15 Apr too: L1 answered after 5
    assert t.loc["L6", "penyelesaian_hari_kerja"] == 14
    assert t.loc["L1", "respon_hari_kerja"] == 5


def test_target_from_config(cfg, pengaduan):
    strict = cfg.model_copy(update={"services": cfg.services.model_copy(update={"response_target_working_days": 1})})
    t = sv.complaint_times(pengaduan, strict, data_end=DATA_END).set_index("id_laporan")
    # L6 answered after 2 > 1; L5 unanswered after 4 > 1: no longer censored
    assert not t.loc["L6", "tepat_waktu"] and not t.loc["L5", "tersensor"]
    assert t.loc["L1", "tepat_waktu"]


def test_monthly_panel(cfg, pengaduan):
    p = sv.monthly_panel(pengaduan, cfg, data_end=DATA_END)
    assert len(p) == len(cfg.units) * 4  # Apr..Jul 2024, every unit
    assert set(p["t"]) == {2024 * 12 + m for m in (3, 4, 5, 6)}
    k = p.set_index(["kode_unit", "periode"])
    jun = k.loc[("PKM-ALAK", "2024-06")]
    assert (jun["diterima"], jun["diselesaikan"], jun["n_respon"]) == (3, 1, 2)
    assert jun["respon_hari_kerja_mean"] == pytest.approx(3.0)  # (0 + 6) / 2
    assert jun["respon_hari_kerja_median"] == pytest.approx(3.0)
    assert jun["penyelesaian_hari_kerja_mean"] == pytest.approx(5.0)
    assert (jun["n_tepat_waktu"], jun["n_dinilai"], jun["n_tersensor"]) == (1, 3, 0)
    assert jun["share_tepat_waktu"] == pytest.approx(1 / 3)
    assert jun["backlog"] == 2  # L3 and L4 open on 30 Jun
    jul = k.loc[("PKM-ALAK", "2024-07")]
    assert (jul["diterima"], jul["n_respon"], jul["n_dinilai"], jul["n_tersensor"]) == (1, 0, 0, 1)
    assert np.isnan(jul["share_tepat_waktu"]) and np.isnan(jul["respon_hari_kerja_mean"])
    assert jul["backlog"] == 3  # at data end: L3, L4, L5
    # resolved on 1 Jul: still in the backlog on 30 Jun, gone in July
    assert k.loc[("KEL-ALAK", "2024-06"), "backlog"] == 1
    assert k.loc[("KEL-ALAK", "2024-07"), "backlog"] == 0
    may = k.loc[("PKM-ALAK", "2024-05")]
    assert may["diterima"] == 0 and may["backlog"] == 0
    # nothing received anywhere else
    assert p.loc[~p["kode_unit"].isin(["PKM-ALAK", "KEL-ALAK"]), "diterima"].sum() == 0


def test_period_summary_recomputes_from_rows(cfg, pengaduan):
    s = sv.period_summary(pengaduan, cfg, "2024-S1", data_end=DATA_END).set_index("kode_unit")
    pk = s.loc["PKM-ALAK"]
    assert (pk["diterima"], pk["diselesaikan"]) == (4, 2)
    # responses 1, 0, 6: mean 7/3 (the mean of the monthly means would be (1 + 3) / 2 = 2)
    assert pk["respon_hari_kerja_mean"] == pytest.approx(7 / 3)
    assert pk["respon_hari_kerja_median"] == pytest.approx(1.0)
    assert pk["share_tepat_waktu"] == pytest.approx(0.5)
    assert pk["backlog"] == 2
    total = s.loc[sv.ALL_UNITS]
    assert total["diterima"] == 5 and total["diselesaikan"] == 3
    assert total["respon_hari_kerja_mean"] == pytest.approx(9 / 4)
    assert total["respon_hari_kerja_median"] == pytest.approx(1.5)
    assert total["share_tepat_waktu"] == pytest.approx(3 / 5)
    assert total["backlog"] == 3
    assert len(s) == len(cfg.units) + 1


def test_period_with_no_complaints(cfg, pengaduan):
    with pytest.raises(NotEnoughData, match="2023-S2"):
        sv.period_summary(pengaduan, cfg, "2023-S2", data_end=DATA_END)


def test_quarter_kind(cfg, pengaduan):
    q = sv.service_panel(pengaduan, cfg, kind="quarter", data_end=DATA_END).set_index(["kode_unit", "periode"])
    assert q.loc[("PKM-ALAK", "2024-Q2"), "diterima"] == 4
    assert q.loc[("PKM-ALAK", "2024-Q3"), "diterima"] == 1


def test_bad_input(cfg, pengaduan):
    bad = pengaduan.copy()
    bad.loc[0, "kode_unit"] = "PKM-ATLANTIS"
    with pytest.raises(DataError, match="PKM-ATLANTIS"):
        sv.complaint_times(bad, cfg)
    swapped = pengaduan.copy()
    swapped.loc[0, "waktu_respon_pertama"] = pd.Timestamp("2024-04-01")
    with pytest.raises(DataError, match="before receipt"):
        sv.complaint_times(swapped, cfg)
    with pytest.raises(ValueError, match="data_end"):
        sv.complaint_times(pengaduan, cfg, data_end="2024-06-30")
    with pytest.raises(DataError, match="no rows"):
        sv.complaint_times(pengaduan.iloc[0:0], cfg)
    with pytest.raises(DataError, match="status"):
        sv.complaint_times(pengaduan.assign(status="tutup"), cfg)
    with pytest.raises(DataError, match="waktu_selesai"):
        sv.complaint_times(pengaduan.drop(columns="waktu_selesai"), cfg)


def test_default_data_end_is_latest_event(cfg, pengaduan):
    t = sv.complaint_times(pengaduan, cfg)
    assert t.attrs["data_end"] == pd.Timestamp("2024-07-01 08:00")
    # on 1 Jul, L5 (received that morning) has 0 elapsed working days: censored
    assert t.set_index("id_laporan").loc["L5", "tersensor"]


def test_method_text_names_target(cfg):
    for lang in ("id", "en"):
        assert "{target}" in sv.METHOD[lang]
        assert str(cfg.services.response_target_working_days) in sv.METHOD[lang].format(
            target=cfg.services.response_target_working_days)


# ----------------------------------------------------------------------------- demo data
@pytest.fixture(scope="module")
def demo_complaints(demo_raw):
    # The session's demo (tests/conftest.py: seed 1, config/alak.toml, the files this fixture
    # generated itself before), read only: one demo generation fewer per worker.
    out = demo_raw
    import json

    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    pg = pd.read_csv(out / "pengaduan.csv", dtype=str, keep_default_na=False)
    for c in ("waktu_diterima", "waktu_respon_pertama", "waktu_selesai"):
        pg[c] = pd.to_datetime(pg[c].replace("", None))
    return pg, truth


@pytest.mark.slow
@pytest.mark.oracle
def test_demo_working_days_match_a_plain_count(cfg, demo_complaints):
    """Independent implementation: walk the calendar day by day (no numpy busday)."""
    import datetime as dt

    import holidays

    pg, truth = demo_complaints
    t = sv.complaint_times(pg, cfg, data_end=truth["export_date"])
    off = set(holidays.country_holidays("ID", years=range(2021, 2028))) | set(cfg.services.cuti_bersama)

    def plain(a, b):
        a, b = a.date(), b.date()
        n = 0
        while a < b:
            if a.weekday() < 5 and a not in off:
                n += 1
            a += dt.timedelta(days=1)
        return n

    sample = t[t["waktu_respon_pertama"].notna()].sample(400, random_state=0)
    for r in sample.itertuples():
        assert r.respon_hari_kerja == plain(r.waktu_diterima, r.waktu_respon_pertama), r.id_laporan
    done = t[t["waktu_selesai"].notna()].sample(200, random_state=1)
    for r in done.itertuples():
        assert r.penyelesaian_hari_kerja == plain(r.waktu_diterima, r.waktu_selesai), r.id_laporan


@pytest.mark.slow
def test_demo_panel_totals_and_rollup(cfg, demo_complaints):
    pg, truth = demo_complaints
    p = sv.monthly_panel(pg, cfg, start=truth["start"], end=truth["end"], data_end=truth["export_date"])
    assert len(p) == len(cfg.units) * 54
    assert p["diterima"].sum() == len(pg)  # every demo complaint was received inside the window
    assert p["diselesaikan"].sum() == (pg["status"] == "selesai").sum()
    # the semester roll-up equals the response-weighted mean of its months (recomputed from rows),
    # not the plain mean of monthly means
    s = sv.period_summary(pg, cfg, "2024-S2", data_end=truth["export_date"]).set_index("kode_unit")
    months = p[p["periode"].between("2024-07", "2024-12")]
    for u, g in months.groupby("kode_unit"):
        w = (g["respon_hari_kerja_mean"] * g["n_respon"]).sum() / g["n_respon"].sum()
        assert s.loc[u, "respon_hari_kerja_mean"] == pytest.approx(w)
        assert s.loc[u, "diterima"] == g["diterima"].sum()
        assert s.loc[u, "n_tepat_waktu"] == g["n_tepat_waktu"].sum()
    assert s.loc[sv.ALL_UNITS, "diterima"] == months["diterima"].sum()
    # backlog at the end of 2024-S2 equals the December backlog of the monthly panel
    dec = months[months["periode"] == "2024-12"].set_index("kode_unit")["backlog"]
    assert (s.loc[list(cfg.unit_codes), "backlog"] == dec.loc[list(cfg.unit_codes)]).all()


def _product_limit_median(time, event):
    """Hand-written Kaplan-Meier (independent of statsmodels): first time S(t) < 0.5."""
    s = 1.0
    for t in sorted(set(time)):
        at_risk = sum(1 for x in time if x >= t)
        d = sum(1 for x, e in zip(time, event) if x == t and e)
        if d:
            s *= 1 - d / at_risk
            if s < 0.5:
                return t
    return np.nan


def test_survival_medians_count_open_complaints(cfg, pengaduan):
    km = sv.survival_medians(pengaduan, cfg, kind="quarter", data_end=DATA_END).set_index(["kode_unit", "periode"])
    # PKM-ALAK 2024-Q2 (L1-L4): response times 1, 0, 6 and L4 censored at 14 Jun -> 5 Jul
    # (14, 19-21, 24-28 Jun, 1-4 Jul = 13 working days); S: 0 -> 3/4, 1 -> 1/2, 6 -> 1/4: median 6
    q2 = km.loc[("PKM-ALAK", "2024-Q2")]
    assert q2["respon_median_km"] == 6 and q2["respon_terbuka"] == 1
    assert _product_limit_median([1, 0, 6, 13], [1, 1, 1, 0]) == 6
    # resolution: 5 (L1), 5 (L2), L3 open (3 Jun -> 5 Jul: 22), L4 open (13): S(5) = 1/2, never < 1/2
    assert np.isnan(q2["penyelesaian_median_km"]) and q2["penyelesaian_terbuka"] == 2
    # the plain median of service_panel ignores the open ones
    plain = sv.service_panel(pengaduan, cfg, kind="quarter", data_end=DATA_END).set_index(["kode_unit", "periode"])
    assert plain.loc[("PKM-ALAK", "2024-Q2"), "penyelesaian_hari_kerja_median"] == 5
    assert km.loc[(sv.ALL_UNITS, "2024-Q2"), "diterima"] == 5
    assert km.loc[("KEC-ALAK", "2024-Q2"), "diterima"] == 0 and np.isnan(km.loc[("KEC-ALAK", "2024-Q2"), "respon_median_km"])


@pytest.mark.slow
@pytest.mark.oracle
def test_demo_km_medians_match_a_hand_written_product_limit(cfg, demo_complaints):
    pg, truth = demo_complaints
    km = sv.survival_medians(pg, cfg, kind="semester", periods=["2026-S1"], data_end=truth["export_date"])
    t = sv.complaint_times(pg, cfg, data_end=truth["export_date"])
    t = t[(t["waktu_diterima"] >= "2026-01-01") & (t["waktu_diterima"] < "2026-07-01")]
    for u in ("PKM-ALAK", "KEL-ALAK", "PUSTU-TENAU1"):
        g = t[t["kode_unit"] == u]
        done = g["diselesaikan"].to_numpy()
        time = g["penyelesaian_hari_kerja"].where(done, g["hari_kerja_sampai_akhir_data"]).tolist()
        got = km.set_index("kode_unit").loc[u, "penyelesaian_median_km"]
        assert got == _product_limit_median(time, done.tolist())


def test_day_first_text_dates_are_refused(cfg, pengaduan):
    raw = pengaduan.assign(waktu_diterima=pengaduan["waktu_diterima"].dt.strftime("%d-%m-%Y %H:%M"))
    with pytest.raises(DataError, match="ISO"):
        sv.complaint_times(raw, cfg)
