"""Tests of mutasi_analysis.ikm (PermenPANRB 14/2017).

Reference (published): the grade borders of the regulation's conversion table (Peraturan
Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit
Penyelenggara Pelayanan Publik, Lampiran: interval konversi IKM 25.00-64.99 D "Tidak Baik",
65.00-76.60 C "Kurang Baik", 76.61-88.30 B "Baik", 88.31-100.00 A "Sangat Baik"); the sample
sizes of Krejcie and Morgan's table (R. V. Krejcie and D. W. Morgan, "Determining Sample Size
for Research Activities", Educational and Psychological Measurement 30(3), 1970, 607-610,
Table 1). Oracle: a self-built example worked by hand on the border of grade A, and a plain
Python transcription of the regulation's formula. Simulation: a planted IKM, interval coverage.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis import ikm
from mutasi_analysis.config import load_config
from mutasi_analysis.errors import ConfigError, DataError

ELEMENTS = list(ikm.ELEMENTS)


def _frame(rows, units=None):
    df = pd.DataFrame(rows, columns=ELEMENTS).astype("Int8")
    df.insert(0, "kode_unit", units if units is not None else ["PKM-ALAK"] * len(df))
    return df


def _random_responses(rng, n_units=4, n=60, p_blank=0.1):
    units = [f"U{i}" for i in range(n_units)]
    parts = []
    for u in units:
        probs = rng.dirichlet(np.ones(4) * 2, size=len(ELEMENTS))
        vals = np.column_stack([rng.choice([1, 2, 3, 4], size=n, p=probs[j]) for j in range(len(ELEMENTS))])
        df = pd.DataFrame(vals, columns=ELEMENTS).astype("Int8")
        df = df.mask(rng.random(df.shape) < p_blank)
        df.insert(0, "kode_unit", u)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def _half_up(x: float) -> float:
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _plain_ikm(rows: list[list], weight: float) -> float:
    """The regulation's formula written out in plain Python (independent of the module)."""
    total = 0.0
    for j in range(9):
        answers = [r[j] for r in rows if r[j] is not None]
        total += (sum(answers) / len(answers)) * weight
    return total * 25


def _plain_grade(value: float) -> str:
    return "A" if value >= 88.31 else "B" if value >= 76.61 else "C" if value >= 65.0 else "D"


# --- categories ---------------------------------------------------------------------------------


@pytest.mark.reference  # PermenPANRB 14/2017, Lampiran: the conversion table (module docstring)
@pytest.mark.parametrize(
    "value, grade, text",
    [
        (100, "A", "Sangat Baik"),
        (88.31, "A", "Sangat Baik"),
        (88.30, "B", "Baik"),
        (76.61, "B", "Baik"),
        (76.60, "C", "Kurang Baik"),
        (65.00, "C", "Kurang Baik"),
        (64.99, "D", "Tidak Baik"),
        (25, "D", "Tidak Baik"),
        ("88.31", "A", "Sangat Baik"),
    ],
)
def test_category_borders(value, grade, text):
    assert ikm.category(value) == (grade, text)


def test_category_rounds_half_up_before_comparing():
    # 88.305 rounds to 88.31 (A) as written, although its binary neighbour is below 88.305
    assert ikm.category(88.305) == ("A", "Sangat Baik")
    assert ikm.category(88.3049) == ("B", "Baik")
    assert ikm.category(76.6, lang="en") == ("C", "Poor")


@pytest.mark.parametrize("bad", [24.99, 100.01, float("nan"), None, "abc"])
def test_category_rejects_values_off_the_scale(bad):
    with pytest.raises(ValueError, match="25"):
        ikm.category(bad)


# --- compute ------------------------------------------------------------------------------------


def _domain_example():
    # every element: 1331 answers of 4 and 1169 of 3 -> NRR 8831/2500 = 3.5324
    rows = [[4] * 9] * 1331 + [[3] * 9] * 1169
    return _frame(rows)


@pytest.mark.oracle
def test_domain_example_exact_weight_is_A_and_rounded_weight_is_B():
    # Self-built from the regulation's rule, worked by hand: NRR 3.5324 on every element gives
    # 3.5324 x 9 x 1/9 x 25 = 88.31, the lowest A; with weight 0.111, 88.2217 -> 88.22 (B).
    df = _domain_example()
    exact = ikm.compute(df)
    assert exact.loc[0, "n_responden"] == 2500
    assert exact.loc[0, "nrr_persyaratan"] == pytest.approx(3.5324, abs=1e-12)
    assert exact.loc[0, "ikm"] == 88.31
    assert (exact.loc[0, "mutu"], exact.loc[0, "kinerja"]) == ("A", "Sangat Baik")
    local = ikm.compute(df, weight="0.111")
    assert local.loc[0, "ikm"] == 88.22
    assert (local.loc[0, "mutu"], local.loc[0, "kinerja"]) == ("B", "Baik")


def test_unknown_weight_is_rejected():
    with pytest.raises(ValueError, match="weight"):
        ikm.compute(_domain_example(), weight="0.1")


def test_elements_are_matched_by_name_not_position():
    rng = np.random.default_rng(3)
    df = _random_responses(rng, n_units=2)
    base = ikm.compute(df)
    # columns in reverse order, and U8/U9 swapped as on many local forms
    cols = ["kode_unit"] + ELEMENTS[::-1]
    swapped = df[cols]
    assert ikm.compute(swapped).equals(base)
    u8u9 = df[["kode_unit"] + ELEMENTS[:7] + ["sarana_prasarana", "penanganan_pengaduan"]]
    out = ikm.compute(u8u9)
    assert out.equals(base)
    for u in ("U0", "U1"):
        sub = df[df.kode_unit == u]
        assert out.set_index("kode_unit").loc[u, "nrr_sarana_prasarana"] == pytest.approx(
            sub["sarana_prasarana"].astype("float").mean()
        )
    # headers with other case and spaces are still matched by name
    shouty = df.rename(columns={"biaya_tarif": " Biaya_Tarif "})
    assert ikm.compute(shouty).equals(base)


def test_unanswered_items_are_left_out_of_the_element_mean():
    rows = [
        [4, 4, 4, 4, 4, 4, 4, 4, 4],
        [2, None, 3, 3, 3, 3, 3, 3, 3],
        [3, 3, None, 3, 3, 3, 3, 3, None],
    ]
    out = ikm.compute(_frame(rows)).iloc[0]
    assert out["n_responden"] == 3
    assert out["nrr_persyaratan"] == pytest.approx(3.0)  # (4+2+3)/3
    assert out["nrr_prosedur"] == pytest.approx(3.5)  # (4+3)/2: a blank is not a zero
    assert out["nrr_waktu_penyelesaian"] == pytest.approx(3.5)
    assert out["nrr_sarana_prasarana"] == pytest.approx(3.5)
    expected = (3.0 + 3.5 + 3.5 + 10 / 3 * 5 + 3.5) / 9 * 25
    assert out["ikm"] == _half_up(expected)


def test_rows_without_any_answer_do_not_count_and_are_reported():
    rows = [[4] * 9, [3] * 9, [None] * 9]
    out = ikm.compute(_frame(rows)).iloc[0]
    assert out["n_responden"] == 2
    assert out["n_kosong"] == 1
    assert out["ikm"] == 87.5


def test_element_nobody_answered_gives_explicit_not_enough_data():
    rows = [[4, 4, 4, 4, 4, 4, 4, None, 4], [3, 3, 3, 3, 3, 3, 3, None, 3]]
    df = pd.concat([_frame(rows), _frame([[4] * 9], units=["KEL-ALAK"])], ignore_index=True)
    out = ikm.compute(df).set_index("kode_unit")
    assert pd.isna(out.loc["PKM-ALAK", "ikm"])
    assert pd.isna(out.loc["PKM-ALAK", "mutu"])
    assert "penanganan_pengaduan" in out.loc["PKM-ALAK", "catatan"]
    assert "tidak cukup data" in out.loc["PKM-ALAK", "catatan"]
    # the other unit is unaffected and has an empty note
    assert out.loc["KEL-ALAK", "ikm"] == 100.0
    assert out.loc["KEL-ALAK", "catatan"] == ""


def test_empty_by_gives_one_row_over_everything():
    rng = np.random.default_rng(6)
    df = _random_responses(rng, n_units=3, n=20)
    overall = ikm.compute(df, by=())
    assert len(overall) == 1 and "kode_unit" not in overall.columns
    assert overall.loc[0, "ikm"] == ikm.compute(df.assign(kode_unit="X")).loc[0, "ikm"]
    assert len(ikm.by_element(df, by=())) == 9
    assert len(ikm.bootstrap_ci(df, by=(), n_boot=200)) == 1


def test_min_respondents_gives_a_note_not_a_drop():
    rng = np.random.default_rng(1)
    df = _random_responses(rng, n_units=2, n=4, p_blank=0.0)
    out = ikm.compute(df, min_respondents=5)
    assert len(out) == 2
    assert out["ikm"].isna().all()
    assert out["catatan"].str.contains("5").all()


@pytest.mark.parametrize("bad", [0, 5, 2.5, "x"])
def test_answers_outside_1_to_4_are_rejected_with_the_column(bad):
    df = _frame([[4] * 9, [3] * 9]).astype("object")
    df.loc[1, "waktu_penyelesaian"] = bad
    with pytest.raises(DataError, match="waktu_penyelesaian"):
        ikm.compute(df)


def test_missing_element_column_is_named():
    df = _frame([[4] * 9]).drop(columns=["biaya_tarif"])
    with pytest.raises(DataError, match="biaya_tarif"):
        ikm.compute(df)


def test_empty_table_and_unknown_unit_are_clear_errors():
    with pytest.raises(DataError, match="no SKM responses"):
        ikm.compute(_frame([]))
    cfg = load_config("config/alak.toml")
    df = _frame([[4] * 9], units=["KEL-NOWHERE"])
    with pytest.raises(ConfigError, match="KEL-NOWHERE"):
        ikm.compute(df, config=cfg)
    ok = _frame([[4] * 9], units=["PKM-ALAK"])
    assert ikm.compute(ok, config=cfg).loc[0, "ikm"] == 100.0


@pytest.mark.oracle
def test_matches_a_plain_python_implementation_of_the_formula():
    rng = np.random.default_rng(20261128)
    df = _random_responses(rng, n_units=12, n=40, p_blank=0.15)
    df = ikm.add_period(df.assign(tanggal=pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 300, len(df)), "D")))
    for weight, w in (("exact", 1 / 9), ("0.111", 0.111)):
        out = ikm.compute(df, by=("kode_unit", "periode"), weight=weight)
        assert len(out) == df.groupby(["kode_unit", "periode"]).ngroups
        for _, r in out.iterrows():
            sub = df[(df.kode_unit == r.kode_unit) & (df.periode == r.periode)]
            rows = [[None if pd.isna(v) else int(v) for v in rec] for rec in sub[ELEMENTS].itertuples(index=False)]
            rows = [rec for rec in rows if any(v is not None for v in rec)]
            expected = _plain_ikm(rows, w)
            assert r["n_responden"] == len(rows)
            assert r["ikm"] == pytest.approx(_half_up(expected), abs=1e-9)
            assert r["mutu"] == _plain_grade(_half_up(expected))


@pytest.mark.simulation
def test_recovers_a_planted_ikm_on_a_large_sample():
    # answer distribution with known expectation: E = 1*.05 + 2*.1 + 3*.45 + 4*.4 = 3.2
    rng = np.random.default_rng(7)
    vals = rng.choice([1, 2, 3, 4], size=(20000, 9), p=[0.05, 0.1, 0.45, 0.4])
    out = ikm.compute(_frame(vals.tolist()))
    assert out.loc[0, "ikm"] == pytest.approx(3.2 * 25, abs=0.3)
    assert out.loc[0, "mutu"] == "B"


# --- per element --------------------------------------------------------------------------------


def test_by_element_finds_the_weakest_element():
    rows = [[4, 4, 2, 4, 4, 3, 4, 4, 4], [4, 4, 2, 4, 4, 3, 4, 4, None], [4, 3, 1, 4, 4, 3, 4, 4, 4]]
    out = ikm.by_element(_frame(rows))
    assert list(out["kode_unsur"]) == [f"U{i}" for i in range(1, 10)]
    weakest = out[out["terlemah"]]
    assert len(weakest) == 1
    assert weakest.iloc[0]["kode_unsur"] == "U3"
    assert weakest.iloc[0]["nrr"] == pytest.approx(5 / 3)
    assert weakest.iloc[0]["nilai_unsur"] == 41.67
    assert weakest.iloc[0]["mutu"] == "D"
    assert out.set_index("kode_unsur").loc["U6", "peringkat"] == 2
    assert out.set_index("kode_unsur").loc["U9", "n_jawaban"] == 2
    assert out.set_index("kode_unsur").loc["U1", "mutu"] == "A"


# --- bootstrap ----------------------------------------------------------------------------------


def test_bootstrap_is_reproducible_and_brackets_the_estimate():
    rng = np.random.default_rng(5)
    df = _random_responses(rng, n_units=3, n=50)
    a = ikm.bootstrap_ci(df, n_boot=500, seed=11)
    b = ikm.bootstrap_ci(df, n_boot=500, seed=11)
    c = ikm.bootstrap_ci(df, n_boot=500, seed=12)
    assert a.equals(b)
    assert not a[["ci_bawah", "ci_atas"]].equals(c[["ci_bawah", "ci_atas"]])
    assert (a["ci_bawah"] < a["ikm"]).all() and (a["ikm"] < a["ci_atas"]).all()
    # a unit's interval does not depend on which other units are in the table
    alone = ikm.bootstrap_ci(df[df.kode_unit == "U1"], n_boot=500, seed=11)
    assert alone.iloc[0]["ci_bawah"] == a.set_index("kode_unit").loc["U1", "ci_bawah"]


def test_bootstrap_single_respondent_says_not_enough_data():
    df = _frame([[4] * 9], units=["KEL-ALAK"])
    out = ikm.bootstrap_ci(df, n_boot=200)
    assert pd.isna(out.loc[0, "ci_bawah"]) and pd.isna(out.loc[0, "ci_atas"])
    assert "tidak cukup data" in out.loc[0, "catatan"]


@pytest.mark.simulation
@pytest.mark.slow
def test_bootstrap_interval_covers_the_true_ikm_at_about_the_nominal_rate():
    rng = np.random.default_rng(99)
    p = [0.05, 0.15, 0.5, 0.3]
    truth = 25 * sum(v * q for v, q in zip([1, 2, 3, 4], p))  # 76.25
    reps, hits = 150, 0
    for r in range(reps):
        vals = rng.choice([1, 2, 3, 4], size=(60, 9), p=p)
        ci = ikm.bootstrap_ci(_frame(vals.tolist()), n_boot=400, seed=r).iloc[0]
        hits += ci["ci_bawah"] <= truth <= ci["ci_atas"]
    assert 0.88 <= hits / reps <= 0.99


# --- sample size --------------------------------------------------------------------------------


@pytest.mark.reference  # Krejcie and Morgan (1970), Table 1
@pytest.mark.parametrize(
    "population, size",
    [(10, 10), (50, 44), (100, 80), (150, 108), (300, 169), (500, 217), (1000, 278), (2000, 322), (10000, 370), (1000000, 384)],
)
def test_krejcie_morgan_matches_the_published_table(population, size):
    assert ikm.krejcie_morgan(population) == size


@pytest.mark.parametrize("bad", [0, -5, 12.5, "100", True])
def test_krejcie_morgan_rejects_bad_population(bad):
    with pytest.raises(ValueError, match="population"):
        ikm.krejcie_morgan(bad)


def test_sample_adequacy_compares_with_the_yearly_volume():
    rng = np.random.default_rng(2)
    df = _random_responses(rng, n_units=3, n=80, p_blank=0.0)
    table = ikm.compute(df)
    out = ikm.sample_adequacy(table, {"U0": 100, "U1": 110}).set_index("kode_unit")
    assert out.loc["U0", "sampel_minimum"] == 80 and bool(out.loc["U0", "memadai"]) is True
    assert out.loc["U1", "sampel_minimum"] == 86 and bool(out.loc["U1", "memadai"]) is False
    assert pd.isna(out.loc["U2", "memadai"])
    assert "tidak diketahui" in out.loc["U2", "catatan"]


def test_sample_adequacy_reads_volumes_from_the_config():
    cfg = load_config("config/alak.toml")
    volumes = {u.code: u.annual_service_volume for u in cfg.units if u.annual_service_volume}
    assert volumes, "the region config gives yearly service volumes"
    code, vol = next(iter(volumes.items()))
    need = ikm.krejcie_morgan(vol)
    df = _frame([[3] * 9] * need + [[4] * 9], units=[code] * (need + 1))
    out = ikm.sample_adequacy(ikm.compute(df), config=cfg)
    assert out.loc[0, "sampel_minimum"] == need and bool(out.loc[0, "memadai"]) is True
    short = ikm.sample_adequacy(ikm.compute(df.iloc[: need - 1]), config=cfg)
    assert bool(short.loc[0, "memadai"]) is False
    with pytest.raises(ValueError, match="volume"):
        ikm.sample_adequacy(ikm.compute(df))


def test_compare_periods_flags_a_grade_drop():
    prev = ikm.compute(_frame([[4] * 9, [3] * 9, [4] * 9], units=["A1", "A2", "A3"]))  # 100, 75, 100
    now = ikm.compute(_frame([[3] * 9, [4] * 9, [4] * 9], units=["A1", "A2", "A3"]))  # 75, 100, 100
    out = ikm.compare_periods(now, prev).set_index("kode_unit")
    assert bool(out.loc["A1", "turun_mutu"]) is True
    assert out.loc["A1", "selisih_ikm"] == -25.0
    assert bool(out.loc["A2", "turun_mutu"]) is False
    assert bool(out.loc["A3", "turun_mutu"]) is False


def test_add_period_uses_the_period_kind():
    df = pd.DataFrame({"tanggal": pd.to_datetime(["2024-06-30", "2024-07-01", "2025-12-31"])})
    assert ikm.add_period(df)["periode"].tolist() == ["2024-S1", "2024-S2", "2025-S2"]
    assert ikm.add_period(df, "quarter")["periode"].tolist() == ["2024-Q2", "2024-Q3", "2025-Q4"]
    assert ikm.add_period(df, "month")["periode"].tolist() == ["2024-06", "2024-07", "2025-12"]
    with pytest.raises(DataError, match="tanggal"):
        ikm.add_period(df.assign(tanggal=pd.NaT))


# --- the demo data set --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from mutasi_analysis import demo as demo_mod

    out = tmp_path_factory.mktemp("demo")
    demo_mod.write_demo_data(out, seed=2)
    return out


@pytest.mark.slow
def test_ikm_reproduces_the_demo_truth_exactly(demo):
    import json

    truth = pd.DataFrame(json.loads((demo / "truth.json").read_text(encoding="utf-8"))["ikm"])
    assert len(truth) > 50
    # the raw CSV as Excel writes it in an Indonesian locale: ';', byte-order mark, ISO dates
    raw = pd.read_csv(demo / "skm.csv", sep=";", encoding="utf-8-sig", dtype={"kode_unit": "str"})
    raw["tanggal"] = pd.to_datetime(raw["tanggal"], format="mixed", yearfirst=True)
    out = ikm.compute(ikm.add_period(raw), by=("kode_unit", "periode"), config=load_config("config/alak.toml"))
    merged = truth.rename(columns={"period": "periode"}).merge(out, on=["kode_unit", "periode"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["n_responden_x"] == merged["n_responden_y"]).all()
    assert (merged["ikm_x"] == merged["ikm_y"]).all()
    # the planted short sample is found by the Krejcie-Morgan check
    adequacy = ikm.sample_adequacy(out, config=load_config("config/alak.toml"))
    short = adequacy[~adequacy["memadai"].astype(bool)]
    expected = merged[merged["n_responden_x"] < merged["required"]]
    assert sorted(zip(short.kode_unit, short.periode)) == sorted(zip(expected.kode_unit, expected.periode))


def test_every_table_column_has_an_indonesian_label():
    from mutasi_analysis.text import relabel

    rng = np.random.default_rng(12)
    df = _random_responses(rng, n_units=2, n=30)
    t = ikm.compute(df)
    for table in (t, ikm.by_element(df), ikm.bootstrap_ci(df, n_boot=200), ikm.sample_adequacy(t, {"U0": 50}), ikm.compare_periods(t, t)):
        shown = relabel(table)
        assert len(set(shown.columns)) == len(table.columns)
        assert not set(shown.columns) & set(table.columns)
    assert "NRR Persyaratan" in relabel(t).columns
    assert "Nilai IKM" in relabel(t).columns and "IKM score" in relabel(t, "en").columns
