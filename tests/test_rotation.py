"""Tests of mutasi_analysis.rotation on hand-built position histories.

Every class and rule of docs/definitions.md is exercised, including the edges: freeze-window
ends (both included), the equalisation window ends, acting assignments and added tasks not
counted, and the maximum-years border. Expected values are worked out by hand from the dates
written here, not copied from the code's output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis import demo as demo_mod
from mutasi_analysis import rotation as rot
from mutasi_analysis import survey
from mutasi_analysis.config import load_config
from mutasi_analysis.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
COLS = ["pid", "kode_unit", "nama_jabatan", "jenis_jabatan", "tmt_jabatan", "jenis_penugasan", "nomor_persetujuan"]


@pytest.fixture(scope="module")
def cfg():
    return load_config(ROOT / "config" / "alak.toml")


def frame(rows):
    df = pd.DataFrame(rows, columns=COLS)
    df["tmt_jabatan"] = pd.to_datetime(df["tmt_jabatan"])
    df["jenis_jabatan"] = df["jenis_jabatan"].astype("Int64")
    df["nomor_persetujuan"] = df["nomor_persetujuan"].astype("string")
    df["jenis_mutasi"] = "MU"
    return df


# One history per story; row labels (the index) are checked in flags.
HISTORY = [
    # a: rotation, acting assignment in between (ignored), then a too-early rotation
    ("a", "KEL-ALAK", "Pengadministrasi Umum", 4, "2015-01-05", "D", None),  # 0 first
    ("a", "KEL-NAIONI", "Pengadministrasi Umum", 4, "2018-03-01", "D", None),  # 1 unor
    ("a", "KEL-NAIONI", "Plt. Lurah Naioni", 4, "2019-01-10", "PLT", None),  # 2 acting
    ("a", "PKM-ALAK", "Pengadministrasi Umum", 4, "2019-06-01", "D", None),  # 3 unor, 1.25 y -> min_years
    # b: 2021 equalisation, then a rotation on the first day of a freeze window, no approval
    ("b", "KEL-BATUPLAT", "Kepala Seksi Pemerintahan", 1, "2010-01-04", "D", None),  # 4 first
    ("b", "KEL-BATUPLAT", "Analis Kebijakan", 2, "2021-06-30", "D", None),  # 5 penyetaraan
    ("b", "KEL-ALAK", "Analis Kebijakan", 2, "2024-03-22", "D", None),  # 6 unor, freeze (start)
    # c: struktural -> fungsional one day after the equalisation window: a post change;
    # then a post change on the last day of the second freeze window
    ("c", "KEL-MANTASI", "Kepala Seksi Ekonomi", 1, "2012-02-01", "D", None),  # 7 first
    ("c", "KEL-MANTASI", "Analis Kebijakan", 2, "2022-01-01", "D", ""),  # 8 jabatan
    ("c", "KEL-MANTASI", "Lurah Mantasi", 1, "2025-08-20", "D", "  "),  # 9 jabatan, freeze (end)
    # d: added task (kepala puskesmas) is no move; rotation one day after the freeze window
    ("d", "PKM-ALAK", "Perawat", 2, "2016-01-01", "D", None),  # 10 first
    ("d", "PKM-ALAK", "Kepala Puskesmas Alak", 2, "2017-05-01", "TT", None),  # 11 tugas tambahan
    ("d", "PKM-NAIONI", "Perawat", 2, "2025-08-21", "D", None),  # 12 unor, no freeze
    # e: too-early rotation to a head post; a rotation inside a freeze window WITH approval
    ("e", "KEL-ALAK", "Pengadministrasi Umum", 4, "2019-01-01", "D", None),  # 13 first
    ("e", "KEL-NAIONI", "Lurah Naioni", 1, "2020-01-02", "D", None),  # 14 unor, 1.0 y -> min_years
    ("e", "KEC-ALAK", "Sekretaris Camat", 1, "2024-06-03", "D", "100.2.2.6/123/OTDA"),  # 15 unor, approved
    # f: struktural -> fungsional inside the window but into another unit: a rotation;
    # and a penyetaraan on the first day of the window
    ("f", "KEL-NUNHILA", "Kepala Seksi", 1, "2014-07-01", "D", None),  # 16 first
    ("f", "KEL-FATUFETO", "Analis", 2, "2021-01-01", "D", None),  # 17 unor (other unit)
    ("g", "KEL-NUNHILA", "Kepala Seksi", 1, "2014-07-01", "D", None),  # 18 first
    ("g", "KEL-NUNHILA", "Analis", 2, "2021-01-01", "D", None),  # 19 penyetaraan (window start)
    ("g", "KEL-NUNHILA", "Analis", 2, "2021-12-31", "D", None),  # 20 prev is jj 2 -> jabatan
    # h: first record is acting: the first appointment is the first definitive record
    ("h", "KEL-ALAK", "Plt. Lurah Alak", 1, "2020-01-01", "PLT", None),  # 21 acting
    ("h", "KEL-NAIONI", "Pengadministrasi Umum", 4, "2020-06-01", "D", None),  # 22 first
]

EXPECTED_CLASS = [
    "pengangkatan_pertama", "mutasi_unor", "penugasan_sementara", "mutasi_unor",
    "pengangkatan_pertama", "penyetaraan", "mutasi_unor",
    "pengangkatan_pertama", "mutasi_jabatan", "mutasi_jabatan",
    "pengangkatan_pertama", "tugas_tambahan", "mutasi_unor",
    "pengangkatan_pertama", "mutasi_unor", "mutasi_unor",
    "pengangkatan_pertama", "mutasi_unor",
    "pengangkatan_pertama", "penyetaraan", "mutasi_jabatan",
    "penugasan_sementara", "pengangkatan_pertama",
]


@pytest.fixture
def hist():
    return frame(HISTORY)


def test_every_class_is_assigned_by_the_rules(cfg, hist):
    # shuffle the input: the order of rows must not matter, row labels must survive
    shuffled = hist.sample(frac=1.0, random_state=3)
    out = rot.classify_moves(shuffled, cfg)
    got = out.set_index("record")["kelas"].sort_index()
    assert got.tolist() == EXPECTED_CLASS
    assert set(got) == set(rot.CLASSES)
    # only unit moves are rotations; both unit and post moves are moves
    assert out.loc[out["is_rotation"], "kelas"].eq("mutasi_unor").all()
    assert set(out.loc[out["is_move"], "kelas"]) == {"mutasi_unor", "mutasi_jabatan"}


def test_previous_definitive_post_skips_acting_and_added_tasks(cfg, hist):
    out = rot.classify_moves(hist, cfg).set_index("record")
    # a's second rotation: previous definitive post started 2018-03-01 (not the 2019 PLT)
    assert out.loc[3, "prev_unit"] == "KEL-NAIONI"
    assert out.loc[3, "prev_tenure_years"] == pytest.approx((pd.Timestamp("2019-06-01") - pd.Timestamp("2018-03-01")).days / 365.25)
    # d's rotation: the TT record does not reset the clock
    assert out.loc[12, "prev_tmt"] == pd.Timestamp("2016-01-01")
    assert pd.isna(out.loc[22, "prev_unit"])


def test_spells_end_at_next_definitive_record(cfg, hist):
    sp = rot.spells(hist, cfg, as_of="2026-06-30").set_index("record")
    assert len(sp) == len(hist)
    # a's 2018 post runs to the 2019-06-01 rotation, across the acting assignment
    assert sp.loc[1, "end"] == pd.Timestamp("2019-06-01")
    # the acting spell ends at the next record of any kind
    assert sp.loc[2, "end"] == pd.Timestamp("2019-06-01") and not sp.loc[2, "definitif"]
    # open spell runs to as_of
    assert sp.loc[3, "open"] and sp.loc[3, "end"] == pd.Timestamp("2026-06-30")
    assert sp.loc[3, "tenure_years"] == pytest.approx((pd.Timestamp("2026-06-30") - pd.Timestamp("2019-06-01")).days / 365.25)
    assert not sp.loc[1, "open"]
    # records after as_of are ignored
    early = rot.spells(hist, cfg, as_of="2020-01-01")
    assert early["start"].max() <= pd.Timestamp("2020-01-01")
    assert set(early.columns) >= {"pid", "kode_unit", "nama_jabatan", "kelas", "start", "end", "tenure_years"}


def test_compliance_flags_cite_rules(cfg, hist):
    fl = rot.compliance_flags(hist, cfg, as_of="2026-06-30")
    by = {r: set(g["record"]) for r, g in fl.groupby("rule")}
    # g's 2021-12-31 post change: the 2021-01-01 equalisation did not start a new post, so the
    # tenure runs from 2014-07-01 (7.5 y) and is not flagged (docs/definitions.md)
    assert by["min_years"] == {3, 14}
    cls = rot.classify_moves(hist, cfg).set_index("record")
    assert cls.loc[19, "post_start"] == pd.Timestamp("2014-07-01")
    assert cls.loc[20, "prev_tmt"] == pd.Timestamp("2014-07-01")
    # freeze window start (b, 2024-03-22) and end (c, 2025-08-20) included; the day after
    # (d, 2025-08-21) and the approved move (e) are not flagged; blank/whitespace numbers count
    assert by["freeze"] == {6, 9}
    fz = fl[fl["rule"] == "freeze"].set_index("record")
    windows = {w.start: w.legal_basis for w in cfg.rotation.freeze_windows}
    assert fz.loc[6, "legal_basis"] == windows[pd.Timestamp("2024-03-22").date()]
    assert fz.loc[9, "legal_basis"] == windows[pd.Timestamp("2025-02-20").date()]
    assert (fl.loc[fl["rule"] == "min_years", "legal_basis"] == cfg.rotation.legal_basis).all()
    # max years on 2026-06-30: a (PKM-ALAK since 2019-06-01) and g (KEL-NUNHILA since
    # 2021-12-31 = 4.50 y: no), h (KEL-NAIONI since 2020-06-01 = 6.08 y: yes), f (since
    # 2021-01-01 = 5.49 y: yes)
    mx = fl[fl["rule"] == "max_years"]
    assert set(zip(mx["pid"], mx["kode_unit"])) == {("a", "PKM-ALAK"), ("h", "KEL-NAIONI"), ("f", "KEL-FATUFETO")}
    # no names or NIPs: staff listed by pid only
    assert not {"nip", "nama"} & set(fl.columns)


def test_max_years_border(cfg):
    start = pd.Timestamp("2020-01-01")
    h = frame([("x", "KEL-ALAK", "Staf", 4, start, "D", None)])
    # 1826 days = 4.9993 years: not past 5; 1827 days = 5.0021 years: past
    not_yet = rot.compliance_flags(h, cfg, as_of=start + pd.Timedelta(days=1826))
    past = rot.compliance_flags(h, cfg, as_of=start + pd.Timedelta(days=1827))
    assert (not_yet["rule"] == "max_years").sum() == 0
    assert (past["rule"] == "max_years").sum() == 1


def test_max_years_at_each_period_end(cfg, hist):
    fl = rot.compliance_flags(hist, cfg, periods=["2024-S2", "2025-S1"])
    mx = fl[fl["rule"] == "max_years"]
    # 2024-12-31: a (5.58 y), f (3.99: no), h (4.58: no), c (since 2022-01-01: 2.99 no),
    # d (2016-01-01: 8.99 yes; the TT record is not a definitive post)
    assert set(mx.loc[mx["periode"] == "2024-S2", "pid"]) == {"a", "d"}
    # 2025-06-30: h reaches 5.08 y
    assert set(mx.loc[mx["periode"] == "2025-S1", "pid"]) == {"a", "d", "h"}
    assert (mx["tanggal"] == pd.Timestamp("2025-06-30")).sum() == 3


def test_min_years_threshold_comes_from_config(cfg, hist):
    strict = cfg.model_copy(update={"rotation": cfg.rotation.model_copy(update={"min_years_in_post": 1.3})})
    fl = rot.compliance_flags(hist, strict, as_of="2026-06-30")
    # a's 1.25 y still below 1.3; e's 1.0 y too (g's tenure runs from 2014); with 1.2 a drops out
    assert set(fl.loc[fl["rule"] == "min_years", "record"]) == {3, 14}
    loose = cfg.model_copy(update={"rotation": cfg.rotation.model_copy(update={"min_years_in_post": 1.2})})
    fl = rot.compliance_flags(hist, loose, as_of="2026-06-30")
    assert set(fl.loc[fl["rule"] == "min_years", "record"]) == {14}


def test_compliance_needs_a_date(cfg, hist):
    with pytest.raises(ValueError, match="periods"):
        rot.compliance_flags(hist, cfg)


def test_rotation_counts_by_semester(cfg, hist):
    rc = rot.rotation_counts(hist, cfg, periods=["2024-S1"]).set_index("kode_unit")
    # 2024-S1 rotations: b KEL-BATUPLAT -> KEL-ALAK (03-22); e KEL-NAIONI -> KEC-ALAK (06-03)
    assert rc.loc["KEL-ALAK", "masuk"] == 1 and rc.loc["KEC-ALAK", "masuk"] == 1
    assert rc.loc["KEL-BATUPLAT", "keluar"] == 1 and rc.loc["KEL-NAIONI", "keluar"] == 1
    assert rc["masuk"].sum() == 2 and rc["keluar"].sum() == 2
    assert len(rc) == len(cfg.units)
    # headcount at 2024-06-30 in KEL-ALAK: b only (a left in 2018, e left in 2020, h's PLT is
    # not definitive)
    assert rc.loc["KEL-ALAK", "headcount_akhir"] == 1
    assert rc.loc["KEL-ALAK", "rate_masuk"] == pytest.approx(1.0)
    # KEL-NAIONI at 2023-12-31: e (since 2020) and h (since 2020-06): 2 staff, 1 left
    assert rc.loc["KEL-NAIONI", "headcount_awal"] == 2
    assert rc.loc["KEL-NAIONI", "rate_keluar"] == pytest.approx(0.5)
    # a unit with no staff has an undefined rate, shown as NA next to its zero headcount
    assert pd.isna(rc.loc["KEL-MANULAI2", "rate_masuk"]) and rc.loc["KEL-MANULAI2", "headcount_akhir"] == 0


def test_rotation_counts_any_period_kind(cfg, hist):
    yearly = rot.rotation_counts(hist, cfg, kind="year")
    per_year = yearly.groupby("periode")["masuk"].sum()
    # all rotations: 2018 a; 2019 a; 2020 e; 2021 f; 2024 b, e; 2025 d
    assert per_year.to_dict() == {"2018": 1, "2019": 1, "2020": 1, "2021": 1, "2022": 0, "2023": 0,
                                  "2024": 2, "2025": 1}
    q = rot.rotation_counts(hist, cfg, periods=["2025-Q3"], kind="quarter").set_index("kode_unit")
    assert q.loc["PKM-NAIONI", "masuk"] == 1 and q.loc["PKM-ALAK", "keluar"] == 1


def test_flow_matrix(cfg, hist):
    m = rot.flow_matrix(hist, cfg)
    assert m.shape == (len(cfg.units), len(cfg.units))
    assert m.to_numpy().sum() == 7  # seven mutasi_unor records
    assert m.loc["KEL-ALAK", "KEL-NAIONI"] == 2  # a (2018) and e (2020)
    assert m.loc["KEL-NAIONI", "PKM-ALAK"] == 1
    assert m.loc["KEL-NUNHILA", "KEL-FATUFETO"] == 1
    assert np.trace(m.to_numpy()) == 0
    win = rot.flow_matrix(hist, cfg, start="2024-03-22", end="2024-06-03")
    assert win.to_numpy().sum() == 2


def test_knowledge_spread(cfg, hist):
    ks = rot.knowledge_spread(hist, cfg, periods=["2020-S2"]).set_index("kode_unit")
    # 2020-12-31, KEL-NAIONI: e (came from KEL-ALAK) and h (first definitive post): 1 of 2
    assert ks.loc["KEL-NAIONI", "headcount"] == 2
    assert ks.loc["KEL-NAIONI", "pernah_unit_lain"] == 1
    assert ks.loc["KEL-NAIONI", "share_pernah_unit_lain"] == pytest.approx(0.5)
    # PKM-ALAK: a (came from elsewhere), d (first post, added task does not count): 1 of 2
    assert ks.loc["PKM-ALAK", "share_pernah_unit_lain"] == pytest.approx(0.5)
    # KEL-BATUPLAT: b only, equalised in place: 0
    assert ks.loc["KEL-BATUPLAT", "share_pernah_unit_lain"] == 0


# ----------------------------------------------------------------------------- timing
def _unit_story():
    rows = []
    # four long-serving staff in KEL-NUNHILA since 2020
    for i in range(4):
        rows.append((f"s{i}", "KEL-NUNHILA", "Staf", 4, "2020-01-06", "D", None))
    # 2023-03: one arrival (headcount 5: share 0.20)
    rows += [("n1", "KEL-ALAK", "Staf", 4, "2019-01-02", "D", None),
             ("n1", "KEL-NUNHILA", "Staf", 4, "2023-03-15", "D", None)]
    # 2023-05: an acting head arrives from elsewhere (not a rotation)
    rows += [("p1", "KEL-ALAK", "Sekretaris Lurah", 1, "2018-01-02", "D", None),
             ("p1", "KEL-NUNHILA", "Plt. Lurah Nunhila", 1, "2023-05-02", "PLT", None)]
    # 2023-07: two arrivals (headcount 7: share 0.2857)
    rows += [("n2", "KEL-ALAK", "Staf", 4, "2019-01-02", "D", None),
             ("n2", "KEL-NUNHILA", "Staf", 4, "2023-07-03", "D", None),
             ("n3", "KEL-NAIONI", "Staf", 4, "2019-01-02", "D", None),
             ("n3", "KEL-NUNHILA", "Staf", 4, "2023-07-31", "D", None)]
    # 2024-01: a definitive head arrives by rotation
    rows += [("k1", "KEL-NAIONI", "Sekretaris Lurah", 1, "2017-01-02", "D", None),
             ("k1", "KEL-NUNHILA", "Lurah Nunhila", 1, "2024-01-08", "D", None)]
    return frame(rows)


def test_monthly_share_rotated_in(cfg):
    mr = rot.monthly_rotation(_unit_story(), cfg, start="2023-01-01", end="2024-02-01")
    u = mr[mr["kode_unit"] == "KEL-NUNHILA"].set_index("bulan")
    assert u.loc["2023-03", "masuk"] == 1 and u.loc["2023-03", "headcount"] == 5
    assert u.loc["2023-03", "share_rotated_in"] == pytest.approx(0.2)
    assert u.loc["2023-07", "share_rotated_in"] == pytest.approx(2 / 7)
    assert u.loc["2023-05", "masuk"] == 0 and not u.loc["2023-05", "kepala_masuk"]
    assert u.loc["2024-01", "kepala_masuk"]
    assert u.loc["2024-01", "t"] == 2024 * 12 + 0
    assert len(mr) == len(cfg.units) * 14


@pytest.mark.parametrize(
    "definition,threshold,expected",
    [
        ("share_rotated_in", None, "2023-07"),  # config threshold 0.25
        ("share_rotated_in", 0.2, "2023-03"),  # "reaches": 0.20 >= 0.20
        ("share_rotated_in", 0.3, None),  # never
        ("first_rotation", None, "2023-03"),
        ("head_rotated", None, "2024-01"),  # the acting head in 2023-05 does not count
    ],
)
def test_treatment_cohorts(cfg, definition, threshold, expected):
    tc = rot.treatment_cohorts(_unit_story(), cfg, definition=definition, threshold=threshold,
                               start="2023-01-01", end="2024-12-31").set_index("kode_unit")
    got = tc.loc["KEL-NUNHILA"]
    if expected is None:
        assert got["cohort"] == 0 and pd.isna(got["bulan_cohort"])
    else:
        y, m = map(int, expected.split("-"))
        assert got["cohort"] == y * 12 + m - 1
        assert got["bulan_cohort"] == expected
    assert got["definition"] == definition
    # units with no rotation in the window are never treated
    assert tc.loc["KEC-ALAK", "cohort"] == 0
    assert len(tc) == len(cfg.units)


def test_treatment_window_excludes_earlier_rotations(cfg):
    tc = rot.treatment_cohorts(_unit_story(), cfg, definition="first_rotation", start="2023-04-01")
    assert tc.set_index("kode_unit").loc["KEL-NUNHILA", "bulan_cohort"] == "2023-07"


def test_treatment_definition_default_from_config(cfg):
    other = cfg.model_copy(update={"treatment": cfg.treatment.model_copy(update={"definition": "first_rotation"})})
    tc = rot.treatment_cohorts(_unit_story(), other, start="2023-01-01")
    assert tc.set_index("kode_unit").loc["KEL-NUNHILA", "bulan_cohort"] == "2023-03"
    with pytest.raises(ValueError, match="unknown treatment definition"):
        rot.treatment_cohorts(_unit_story(), cfg, definition="random")


def test_month_index_roundtrip():
    assert rot.month_index("2024-01-31") == 2024 * 12
    assert rot.month_label(rot.month_index("2025-12-01")) == "2025-12"
    assert rot.month_index(pd.Series(pd.to_datetime(["2024-02-10", "2023-12-31"]))).tolist() == [24289, 24287]


# ----------------------------------------------------------------------------- bad input
def test_unknown_unit_is_named(cfg, hist):
    bad = hist.copy()
    bad.loc[3, "kode_unit"] = "KEL-ATLANTIS"
    with pytest.raises(DataError, match="KEL-ATLANTIS"):
        rot.classify_moves(bad, cfg)


def test_nip_column_refused(cfg, hist):
    with pytest.raises(DataError, match="pid"):
        rot.classify_moves(hist.rename(columns={"pid": "nip"}), cfg)


def test_missing_column_and_bad_code(cfg, hist):
    with pytest.raises(DataError, match="tmt_jabatan"):
        rot.classify_moves(hist.drop(columns="tmt_jabatan"), cfg)
    bad = hist.copy()
    bad.loc[0, "jenis_penugasan"] = "XX"
    with pytest.raises(DataError, match="XX"):
        rot.classify_moves(bad, cfg)
    jj = hist.copy()
    jj["jenis_jabatan"] = jj["jenis_jabatan"].astype(object)
    jj.loc[2, "jenis_jabatan"] = "Struktural"
    with pytest.raises(DataError, match="jenis_jabatan.*Struktural"):
        rot.classify_moves(jj, cfg)
    nat = hist.copy()
    nat.loc[0, "tmt_jabatan"] = pd.NaT
    with pytest.raises(DataError, match="tmt_jabatan"):
        rot.classify_moves(nat, cfg)


def test_nomor_persetujuan_column_optional(cfg, hist):
    fl = rot.compliance_flags(hist.drop(columns="nomor_persetujuan"), cfg, as_of="2026-06-30")
    # without the column every move in a window is unapproved: e's 2024-06-03 move joins
    assert set(fl.loc[fl["rule"] == "freeze", "record"]) == {6, 9, 15}


# ----------------------------------------------------------------------------- demo data
def _demo_riwayat(path: Path) -> pd.DataFrame:
    """Processed-like riwayat from the raw demo CSV (nip renamed to pid; 1-based file rows as index)."""
    riw = pd.read_csv(path / "riwayat_jabatan.csv", dtype=str, keep_default_na=False).rename(columns={"nip": "pid"})
    riw["tmt_jabatan"] = pd.to_datetime(riw["tmt_jabatan"], format="%d-%m-%Y")
    riw["jenis_jabatan"] = riw["jenis_jabatan"].astype("Int64")
    riw.index = riw.index + 1
    return riw


@pytest.fixture(scope="module")
def demo(tmp_path_factory, cfg):
    out = tmp_path_factory.mktemp("demo")
    demo_mod.write_demo_data(out, seed=1, region=ROOT / "config" / "alak.toml")
    import json

    return _demo_riwayat(out), json.loads((out / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_demo_classes_and_rotations_exactly(cfg, demo):
    riw, truth = demo
    cls = rot.classify_moves(riw, cfg)
    assert cls["kelas"].value_counts().to_dict() == truth["classes"]
    tr = pd.DataFrame(truth["rotations"]).rename(columns={"period": "periode"})
    rc = rot.rotation_counts(riw, cfg, periods=sorted(set(tr["periode"])), kind="semester")
    m = rc.merge(tr, on=["kode_unit", "periode"], suffixes=("", "_truth"), validate="one_to_one")
    assert len(m) == len(tr) == len(rc)
    assert (m["masuk"] == m["masuk_truth"]).all() and (m["keluar"] == m["keluar_truth"]).all()
    assert m["masuk"].sum() > 0


@pytest.mark.slow
def test_demo_compliance_exactly(cfg, demo):
    riw, truth = demo
    comp = truth["compliance"]
    sems = [r["period"] for r in comp["max_years_candidates"]]
    fl = rot.compliance_flags(riw, cfg, periods=sems, kind="semester")
    assert set(fl.loc[fl["rule"] == "min_years", "record"]) == {r["row"] for r in comp["min_years"]}
    assert set(fl.loc[fl["rule"] == "freeze", "record"]) == {r["row"] for r in comp["freeze"]}
    got = fl[fl["rule"] == "max_years"].groupby("periode").size()
    assert {s: int(got.get(s, 0)) for s in sems} == {r["period"]: r["count"] for r in comp["max_years_candidates"]}
    assert len(comp["min_years"]) > 0


@pytest.mark.slow
def test_demo_cohorts_exactly(cfg, demo):
    riw, truth = demo
    tc = rot.treatment_cohorts(riw, cfg, start=truth["start"], end=truth["end"])
    got = {u: (None if pd.isna(c) else c) for u, c in zip(tc["kode_unit"], tc["bulan_cohort"])}
    assert got == truth["cohorts"]
    assert sum(c is not None for c in got.values()) == truth["treated_units"]


def test_cohort_table_all_definitions(cfg):
    ct = rot.cohort_table(_unit_story(), cfg, start="2023-01-01", end="2024-12-31").set_index("kode_unit")
    assert ct.loc["KEL-NUNHILA"].to_dict() == {"share_rotated_in": "2023-07", "first_rotation": "2023-03",
                                               "head_rotated": "2024-01"}
    assert ct.loc["KEC-ALAK"].isna().all()
    assert ct.attrs["threshold"] == cfg.treatment.share_threshold


def test_compliance_summary(cfg, hist):
    fl = rot.compliance_flags(hist, cfg, periods=["2024-S1", "2025-S2"])
    # 2024-S1: b's freeze move (03-22); no min-years move; candidates at 2024-06-30: a (5.08 y),
    # d (8.5 y)
    # to date (on or before 2024-06-30): a's 2019-06-01 and e's 2020-01-02 min-years moves, b's freeze
    assert rot.compliance_summary(fl, "2024-S1") == {"rotation_candidates": 2, "min_years_breaks": 0,
                                                      "freeze_breaks": 1, "min_years_to_date": 2,
                                                      "freeze_to_date": 1}
    # 2025-S2: c's freeze move (08-20); candidates at 2025-12-31: a, f (4.999 y: no), h (5.58 y);
    # to date b's and c's freeze moves
    assert rot.compliance_summary(fl, "2025-S2") == {"rotation_candidates": 2, "min_years_breaks": 0,
                                                      "freeze_breaks": 1, "min_years_to_date": 2,
                                                      "freeze_to_date": 2}
    # a period whose end was not evaluated is refused rather than reported as zero candidates
    with pytest.raises(ValueError, match="2024-S2"):
        rot.compliance_summary(fl, "2024-S2")


def test_empty_history(cfg, hist):
    e = hist.iloc[0:0]
    assert rot.classify_moves(e, cfg).empty
    assert rot.compliance_flags(e, cfg, as_of="2025-01-01").empty
    rc = rot.rotation_counts(e, cfg, periods=["2025-S1"])
    assert len(rc) == len(cfg.units) and rc["masuk"].sum() == 0 and rc["rate_masuk"].isna().all()
    assert rot.treatment_cohorts(e, cfg, start="2024-01-01", end="2024-12-31")["cohort"].eq(0).all()
    with pytest.raises(DataError, match="periods"):
        rot.rotation_counts(e, cfg)
    with pytest.raises(DataError, match="start"):
        rot.treatment_cohorts(e, cfg)


def test_rotation_events_feed_the_survey(cfg, hist):
    ev = rot.rotation_events(hist, cfg)
    assert len(ev) == 7 and ev["tanggal_mutasi"].is_monotonic_increasing
    a = ev[ev["pid"] == "a"]
    assert a[["asal", "tujuan"]].values.tolist() == [["KEL-ALAK", "KEL-NAIONI"], ["KEL-NAIONI", "PKM-ALAK"]]
    sheets = pd.DataFrame({"pid": ["a", "a", "c"], "tanggal": pd.to_datetime(["2019-12-01", "2018-06-01", "2024-01-01"])})
    out = survey.add_time_since_rotation(sheets, ev)
    # a on 2019-12-01: latest rotation 2019-06-01; on 2018-06-01: 2018-03-01; c never rotated
    assert out["tanggal_mutasi"].iloc[0] == pd.Timestamp("2019-06-01")
    assert out["tanggal_mutasi"].iloc[1] == pd.Timestamp("2018-03-01")
    assert pd.isna(out["tanggal_mutasi"].iloc[2])


def test_day_first_text_dates_are_refused(cfg, hist):
    raw = hist.assign(tmt_jabatan=hist["tmt_jabatan"].dt.strftime("%d-%m-%Y"))
    with pytest.raises(DataError, match="ISO"):
        rot.classify_moves(raw, cfg)
    iso = hist.assign(tmt_jabatan=hist["tmt_jabatan"].dt.strftime("%Y-%m-%d"))
    assert rot.classify_moves(iso, cfg)["kelas"].tolist() == rot.classify_moves(hist, cfg)["kelas"].tolist()


def test_rotation_candidates_by_pseudonym_and_unit(cfg, hist):
    fl = rot.compliance_flags(hist, cfg, periods=["2026-S1"])
    cand = rot.rotation_candidates(fl, "2026-S1")
    assert list(cand.columns) == ["pid", "kode_unit", "tahun_menjabat"]
    assert len(cand) == rot.compliance_summary(fl, "2026-S1")["rotation_candidates"] > 0
    assert (cand["tahun_menjabat"] > cfg.rotation.max_years_in_post).all()
    # by unit, then longest tenure first
    assert cand.equals(cand.sort_values(["kode_unit", "tahun_menjabat"], ascending=[True, False]).reset_index(drop=True))
    with pytest.raises(ValueError, match="not evaluated"):
        rot.rotation_candidates(fl, "2025-S2")


def test_staff_who_left_are_not_rotation_candidates(cfg, hist):
    fl = rot.compliance_flags(hist, cfg, periods=["2026-S1"])
    cand = rot.rotation_candidates(fl, "2026-S1")
    gone, stays = cand["pid"].iloc[0], cand["pid"].iloc[-1]
    pegawai = pd.DataFrame({"pid": [gone, stays],
                            "tanggal_keluar": pd.to_datetime(["2026-03-01", "2026-12-31"])})  # left / leaves later
    after = rot.rotation_candidates(rot.compliance_flags(hist, cfg, periods=["2026-S1"], pegawai=pegawai), "2026-S1")
    assert set(after["pid"]) == set(cand["pid"]) - {gone}
    # before the exit date nothing changes
    with_exit = rot.rotation_candidates(rot.compliance_flags(hist, cfg, periods=["2025-S2"], pegawai=pegawai), "2025-S2")
    without = rot.rotation_candidates(rot.compliance_flags(hist, cfg, periods=["2025-S2"]), "2025-S2")
    assert with_exit.equals(without)


# ----------------------------------------------------------------------------- report helpers
def _to_date_oracle(flags, p):
    """Notebook 02's inline to-date counts (before they moved into compliance_summary)."""
    to_date = flags[(flags["rule"] != "max_years") & (flags["tanggal"] <= str(p.end))]
    return int((to_date["rule"] == "min_years").sum()), int((to_date["rule"] == "freeze").sum())


@pytest.mark.oracle
def test_compliance_to_date_counts_only_moves_up_to_the_period_end(cfg, hist):
    from mutasi_analysis.periods import parse_period

    # Flags for 2019-S1 alone still hold every move's flags (the 2020 one too): the to-date count
    # must stop at 2019-06-30. On that day only a's 2019-06-01 move broke the minimum years.
    fl = rot.compliance_flags(hist, cfg, periods=["2019-S1"])
    assert set(fl.loc[fl["rule"] == "min_years", "record"]) == {3, 14}
    s = rot.compliance_summary(fl, "2019-S1")
    assert (s["min_years_breaks"], s["min_years_to_date"], s["freeze_to_date"]) == (1, 1, 0)
    # 2020-S1 adds e's 2020-01-02 move; the end day itself is included (e moved on a period start)
    s = rot.compliance_summary(rot.compliance_flags(hist, cfg, periods=["2020-S1"]), "2020-S1")
    assert (s["min_years_breaks"], s["min_years_to_date"]) == (1, 2)
    # flags for one period give the same to-date counts as flags for every period (what the
    # notebook relies on), and the notebook's inline expression agrees
    every = rot.compliance_flags(hist, cfg, periods=["2019-S1", "2024-S1", "2025-S2"])
    for pid in ("2019-S1", "2024-S1", "2025-S2"):
        p = parse_period(pid, "semester")
        one = rot.compliance_flags(hist, cfg, periods=[pid])
        got = rot.compliance_summary(one, pid)
        assert (got["min_years_to_date"], got["freeze_to_date"]) == _to_date_oracle(one, p)
        assert {k: v for k, v in got.items() if k.endswith("_to_date")} == {
            k: v for k, v in rot.compliance_summary(every, pid).items() if k.endswith("_to_date")}


@pytest.mark.oracle
def test_moves_by_period(cfg, hist):
    from mutasi_analysis.periods import parse_period

    # rotations of the history: 2018-03-01, 2019-06-01, 2020-01-02, 2021-01-01, 2024-03-22,
    # 2024-06-03 (both 2024-S1) and 2025-08-21 (2025-S2)
    got = rot.moves_by_period(hist, cfg, until="2025-S2", n=4)
    assert list(got.columns) == ["periode", "masuk"]
    assert got.values.tolist() == [["2024-S1", 2], ["2024-S2", 0], ["2025-S1", 0], ["2025-S2", 1]]
    assert got["masuk"].dtype == "int64"
    # a Period works as well as its id; the default is 7 periods ending at `until`
    seven = rot.moves_by_period(hist, cfg, until=parse_period("2021-S1", "semester"))
    assert seven["periode"].tolist() == ["2018-S1", "2018-S2", "2019-S1", "2019-S2", "2020-S1", "2020-S2", "2021-S1"]
    assert seven["masuk"].tolist() == [1, 0, 1, 0, 1, 0, 1]
    # quarters when asked
    q = rot.moves_by_period(hist, cfg, until="2024-Q2", n=2, kind="quarter")
    assert q.values.tolist() == [["2024-Q1", 1], ["2024-Q2", 1]]
    with pytest.raises(ValueError, match="n must"):
        rot.moves_by_period(hist, cfg, until="2025-S2", n=0)


def test_knowledge_spread_hides_shares_of_small_units(cfg, hist):
    plain = rot.knowledge_spread(hist, cfg, periods=["2020-S2"])
    hidden = rot.knowledge_spread(hist, cfg, periods=["2020-S2"], min_cell=2).set_index("kode_unit")
    # KEL-NAIONI (2 staff) keeps its share; KEL-BATUPLAT (1 person) and empty units lose theirs
    assert hidden.loc["KEL-NAIONI", "share_pernah_unit_lain"] == pytest.approx(0.5)
    assert pd.isna(hidden.loc["KEL-BATUPLAT", "share_pernah_unit_lain"])
    assert hidden.loc["KEL-BATUPLAT", "headcount"] == 1  # the counts stay
    assert hidden["share_pernah_unit_lain"].isna().tolist() == (hidden["headcount"] < 2).tolist()
    # min_cell=None keeps today's output exactly
    pd.testing.assert_frame_equal(rot.knowledge_spread(hist, cfg, periods=["2020-S2"], min_cell=None), plain)


@pytest.mark.oracle
@pytest.mark.slow
def test_report_helpers_match_notebook_02_on_the_demo(cfg, demo):
    """The package functions give the numbers notebook 02 computed inline (the oracle here)."""
    from mutasi_analysis.periods import parse_period

    riw, truth = demo
    p = parse_period("2026-S1", "semester")
    # moves per period: the notebook's chain of previous() over rotation_counts
    history = rot.rotation_counts(riw, cfg)
    history = history[history["periode"] <= p.id].groupby("periode", as_index=False)[["masuk"]].sum()
    history = history[history["periode"] >= p.previous().previous().previous().previous().previous().previous().id]
    got = rot.moves_by_period(riw, cfg, until=p)
    assert len(got) == 7 and got["periode"].iloc[-1] == p.id
    merged = got.merge(history, on="periode", how="left", suffixes=("", "_nb"))
    assert (merged["masuk"] == merged["masuk_nb"].fillna(0)).all()
    assert got["masuk"].sum() > 0
    # knowledge spread with small units hidden
    k = cfg.thresholds.min_cell_size
    spread = rot.knowledge_spread(riw, cfg, periods=[p])
    spread["share_pernah_unit_lain"] = spread["share_pernah_unit_lain"].astype("Float64").mask(spread["headcount"] < k)
    pd.testing.assert_frame_equal(rot.knowledge_spread(riw, cfg, periods=[p], min_cell=k), spread)
    # compliance to date
    fl = rot.compliance_flags(riw, cfg, periods=[p])
    s = rot.compliance_summary(fl, p)
    assert (s["min_years_to_date"], s["freeze_to_date"]) == _to_date_oracle(fl, p)
    assert s["min_years_to_date"] == len(truth["compliance"]["min_years"])  # every planted move is before 2026-S1 ends
