"""Tests of mutasi_analysis.survey (staff feedback).

Peer: Cronbach's alpha and its Feldt interval against pingouin; the Welch interval against
statsmodels. Reference: Newcombe's hybrid-score interval for a difference of proportions against
the published example (Newcombe 1998, Statistics in Medicine 17:873-890, Table II (a), method 10).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mutasi_analysis import survey
from mutasi_analysis.config import load_config
from mutasi_analysis.errors import ConfigError, DataError
from tests.conftest import require_module

ITEMS = list(survey.ITEMS)


def _sheets(values, pids=None, dates=None, units=None):
    df = pd.DataFrame(values, columns=ITEMS).astype("Int8")
    n = len(df)
    df.insert(0, "pid", pids if pids is not None else [f"p{i:03d}" for i in range(n)])
    df.insert(1, "tanggal", pd.to_datetime(dates if dates is not None else ["2025-03-01"] * n))
    df.insert(2, "kode_unit", units if units is not None else ["KEL-ALAK"] * n)
    return df


def _likert_scale(rng, n, k=6, loading=0.8):
    """Correlated Likert answers: a common factor plus noise, cut into 1..5."""
    f = rng.normal(size=(n, 1))
    z = loading * f + np.sqrt(1 - loading**2) * rng.normal(size=(n, k))
    return np.digitize(z, [-1.3, -0.4, 0.4, 1.3]) + 1


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 6, 2.5, "x"])
def test_values_outside_1_to_5_are_rejected_with_the_item(bad):
    df = _sheets([[3] * 7, [4] * 7]).astype({"dukungan_atasan": "object"})
    df.loc[1, "dukungan_atasan"] = bad
    with pytest.raises(DataError, match="dukungan_atasan"):
        survey.item_distribution(df)
    with pytest.raises(DataError, match="dukungan_atasan"):
        survey.scale_scores(df)
    bad_ready = df.assign(dukungan_atasan=3).astype({"kesiapan_tugas": "object"})
    bad_ready.loc[0, "kesiapan_tugas"] = bad
    with pytest.raises(DataError, match="kesiapan_tugas"):
        survey.readiness(bad_ready)


def test_missing_item_column_is_named():
    with pytest.raises(DataError, match="niat_bertahan"):
        survey.item_distribution(_sheets([[3] * 7]).drop(columns="niat_bertahan"))


# --- Cronbach's alpha ---------------------------------------------------------------------------


@pytest.mark.peer
def test_alpha_matches_pingouin_on_its_example_and_on_random_scales():
    pg = require_module("pingouin", "peer of cronbach_alpha")  # an independent implementation
    data = pg.read_dataset("cronbach_alpha")  # ships with pingouin (no network)
    wide = data.pivot(index="Subj", columns="Items", values="Scores")
    ours = survey.cronbach_alpha(wide)
    theirs, ci = pg.cronbach_alpha(data=wide)
    assert ours.alpha == pytest.approx(theirs, abs=1e-12)
    assert (ours.conf_low, ours.conf_high) == pytest.approx(tuple(ci), abs=5e-4)  # pingouin rounds to 3 d.p.
    rng = np.random.default_rng(4)
    for n, k in ((30, 6), (120, 4), (12, 3)):
        x = pd.DataFrame(_likert_scale(rng, n, k)).astype(float)
        ours = survey.cronbach_alpha(x, level=0.9)
        theirs, ci = pg.cronbach_alpha(data=x, ci=0.9)
        assert ours.alpha == pytest.approx(theirs, abs=1e-12)
        assert (ours.conf_low, ours.conf_high) == pytest.approx(tuple(ci), abs=5e-4)
    # with blanks, both on complete sheets only
    x = pd.DataFrame(_likert_scale(rng, 80, 6)).astype(float).mask(rng.random((80, 6)) < 0.05)
    ours = survey.cronbach_alpha(x)
    theirs, ci = pg.cronbach_alpha(data=x, nan_policy="listwise")
    assert ours.alpha == pytest.approx(theirs, abs=1e-12)
    assert ours.n + ours.n_excluded == 80 and ours.n == len(x.dropna())


@pytest.mark.simulation
def test_feldt_interval_covers_the_true_reliability():
    # parallel items X_j = T + e_j with var(T) = 1, var(e) = 1.5: reliability of the sum
    # = k / (k + 1.5) (Spearman-Brown), the population value of alpha
    rng = np.random.default_rng(11)
    k, n, reps = 6, 40, 400
    truth = k / (k + 1.5)
    hits, estimates = 0, []
    for _ in range(reps):
        x = rng.normal(size=(n, 1)) + np.sqrt(1.5) * rng.normal(size=(n, k))
        res = survey.cronbach_alpha(pd.DataFrame(x))
        hits += res.conf_low <= truth <= res.conf_high
        estimates.append(res.alpha)
    assert 0.92 <= hits / reps <= 0.98
    assert np.median(estimates) == pytest.approx(truth, abs=0.02)


def test_alpha_not_enough_data_is_explicit():
    one = survey.cronbach_alpha(pd.DataFrame([[3, 4, 5]]))
    assert one.status == "not_enough_data" and one.alpha is None and "3" in one.note
    flat = survey.cronbach_alpha(pd.DataFrame([[3, 3, 3]] * 5))
    assert flat.status == "not_enough_data" and flat.alpha is None
    single = survey.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4]}))
    assert single.status == "not_enough_data"
    ok = survey.cronbach_alpha(pd.DataFrame([[1, 2], [2, 2], [4, 5], [5, 4]]))
    assert ok.status == "ok" and ok.conf_low < ok.alpha < ok.conf_high


# --- scores and distributions -------------------------------------------------------------------


def test_scale_scores_use_answered_items_only():
    df = _sheets([[5, 4, 4, 4, 1, 4, 5], [2, None, None, None, 5, None, 1], [3, 3, 3, 3, 3, 3, 3]])
    out = survey.scale_scores(df)
    assert out.loc[0, "skor_skala"] == pytest.approx((5 + 4 + 4 + 4 + 4 + 5) / 6)  # kebutuhan_pelatihan left out
    assert out.loc[1, "n_item_dijawab"] == 2
    assert pd.isna(out.loc[1, "skor_skala"])  # 2 of 6 answered: below half
    assert survey.scale_scores(df, min_items=2).loc[1, "skor_skala"] == pytest.approx(1.5)


def test_item_distribution_counts_each_answer():
    df = _sheets([[1, 2, 3, 4, 5, 1, 2], [1, 2, 3, 4, 5, 2, 2], [2, None, 3, 4, 5, 3, 2]])
    df["periode"] = ["2025-S1", "2025-S1", "2025-S2"]
    out = survey.item_distribution(df, by=("periode",)).set_index(["periode", "item"])
    row = out.loc[("2025-S1", "kepuasan_mutasi")]
    assert (row["likert_1"], row["likert_2"], row["likert_3"]) == (1, 1, 0)
    assert row["rata_rata"] == pytest.approx(1.5)
    blank = out.loc[("2025-S2", "kejelasan_informasi")]
    assert blank["n_jawab"] == 0 and blank["n_kosong"] == 1 and pd.isna(blank["rata_rata"])
    assert out[[f"likert_{v}" for v in range(1, 6)]].sum(axis=1).equals(out["n_jawab"])


# --- readiness ----------------------------------------------------------------------------------


def test_readiness_shares_over_those_who_answered():
    ready = [4, 5, 3, 2, 1, None, 2]
    need = [5, 4, 4, 1, None, 3, 2]
    df = _sheets([[r, 3, 3, 3, t, 3, 3] for r, t in zip(ready, need)])
    out = survey.readiness(df).iloc[0]
    assert out["n_lembar"] == 7 and out["n_kesiapan"] == 6 and out["n_belum_siap"] == 3
    assert out["share_belum_siap"] == pytest.approx(0.5)
    assert out["n_pelatihan_dijawab"] == 6 and out["n_butuh_pelatihan"] == 3
    assert out["share_butuh_pelatihan"] == pytest.approx(0.5)
    assert out["catatan"] == ""


def test_readiness_by_unit_type_and_golongan():
    cfg = load_config("config/alak.toml")
    df = _sheets([[1] + [3] * 6, [5] + [3] * 6, [2] + [3] * 6], units=["PKM-ALAK", "KEL-ALAK", "PKM-NAIONI"])
    pegawai = pd.DataFrame({"pid": ["p000", "p001", "p002"], "golongan": ["III/b", "II/a", "III/d"]})
    df = survey.add_golongan(survey.add_unit_type(df, cfg), pegawai)
    by_type = survey.readiness(df, by=("jenis_unit",)).set_index("jenis_unit")
    assert by_type.loc["puskesmas", "n_belum_siap"] == 2 and by_type.loc["puskesmas", "n_kesiapan"] == 2
    assert by_type.loc["kantor_kelurahan", "share_belum_siap"] == 0
    by_gol = survey.readiness(df, by=("golongan",)).set_index("golongan")
    assert list(by_gol.index) == ["II", "III"] and by_gol.loc["III", "n_belum_siap"] == 2


def test_unknown_unit_and_unknown_pid_are_clear_errors():
    cfg = load_config("config/alak.toml")
    df = _sheets([[3] * 7], units=["KEL-NOWHERE"])
    with pytest.raises(ConfigError, match="KEL-NOWHERE"):
        survey.add_unit_type(df, cfg)
    with pytest.raises(DataError, match="pid"):
        survey.add_golongan(_sheets([[3] * 7]), pd.DataFrame({"pid": ["zzz"], "golongan": ["III/a"]}))
    with pytest.raises(ValueError, match="jenis_unit"):
        survey.readiness(_sheets([[3] * 7]), by=("jenis_unit",))


def test_time_since_rotation_takes_the_latest_rotation_before_the_sheet():
    df = _sheets(
        [[2] + [3] * 6, [4] + [3] * 6, [1] + [3] * 6, [5] + [3] * 6],
        pids=["a", "a", "b", "c"],
        dates=["2024-03-01", "2025-09-01", "2024-12-01", "2024-12-01"],
    )
    rot = pd.DataFrame({"pid": ["a", "a", "b", "c"], "tmt_jabatan": pd.to_datetime(["2023-01-01", "2025-06-01", "2024-11-01", "2025-01-01"])})
    out = survey.add_time_since_rotation(df, rot)
    assert out["tanggal_mutasi"].tolist()[:3] == list(pd.to_datetime(["2023-01-01", "2025-06-01", "2024-11-01"]))
    assert pd.isna(out.loc[3, "tanggal_mutasi"])  # c's only rotation comes after the sheet
    assert out["kelompok_sejak_mutasi"].tolist() == ["12-24 bulan", "< 6 bulan", "< 6 bulan", "Tanpa data mutasi"]
    assert out.loc[0, "bulan_sejak_mutasi"] == pytest.approx(14.0, abs=0.1)
    # other datetime resolutions (as parquet gives them) are fine
    same = survey.add_time_since_rotation(df.astype({"tanggal": "datetime64[ms]"}), rot.astype({"tmt_jabatan": "datetime64[s]"}))
    assert same["kelompok_sejak_mutasi"].tolist() == out["kelompok_sejak_mutasi"].tolist()
    # a Series pid -> date works as well
    series = pd.Series(pd.to_datetime(["2022-01-01"]), index=["b"])
    assert survey.add_time_since_rotation(df, series, lang="en").loc[2, "kelompok_sejak_mutasi"] == "≥ 24 months"
    by_band = survey.readiness(out, by=("kelompok_sejak_mutasi",)).set_index("kelompok_sejak_mutasi")
    assert by_band.loc["< 6 bulan", "n_belum_siap"] == 1 and by_band.loc["Tanpa data mutasi", "n_lembar"] == 1


# --- change and training link -------------------------------------------------------------------


@pytest.mark.reference
def test_newcombe_interval_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II example (a): 56/70 - 48/80,
    # method 10 (hybrid score): +0.0524 to +0.3339
    d, lo, hi = survey.diff_proportions(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_change_from_previous_period():
    cur = [[1] + [3] * 6] * 6 + [[4] + [3] * 6] * 4  # 6 of 10 not ready
    old = [[2] + [3] * 6] * 2 + [[5] + [3] * 6] * 8  # 2 of 10
    df = _sheets(cur + old, dates=["2025-08-01"] * 10 + ["2025-02-01"] * 10)
    out = survey.change_from_previous(df, "2025-S2").iloc[0]
    assert (out["periode"], out["periode_sebelumnya"]) == ("2025-S2", "2025-S1")
    assert out["share_belum_siap"] == pytest.approx(0.6) and out["share_belum_siap_sebelumnya"] == pytest.approx(0.2)
    d, lo, hi = survey.diff_proportions(6, 10, 2, 10)
    assert out["selisih"] == pytest.approx(0.4) and (out["ci_bawah"], out["ci_atas"]) == pytest.approx((lo, hi))
    # the same for the share asking for training (kebutuhan_pelatihan >= 4)
    need = _sheets(
        [[3, 3, 3, 3, 5, 3, 3]] * 3 + [[3, 3, 3, 3, 1, 3, 3]] * 7 + [[3, 3, 3, 3, 4, 3, 3]] * 8 + [[3, 3, 3, 3, 2, 3, 3]] * 2,
        dates=["2025-08-01"] * 10 + ["2025-02-01"] * 10,
    )
    tr = survey.change_from_previous(need, "2025-S2", measure="butuh_pelatihan").iloc[0]
    assert tr["share_butuh_pelatihan"] == pytest.approx(0.3) and tr["share_butuh_pelatihan_sebelumnya"] == pytest.approx(0.8)
    assert tr["selisih"] == pytest.approx(-0.5) and tr["ci_atas"] < 0
    with pytest.raises(ValueError, match="measure"):
        survey.change_from_previous(need, "2025-S2", measure="bahagia")
    # a period without a predecessor in the data: explicit, no silent NaN
    first = survey.change_from_previous(df, "2025-S1").iloc[0]
    assert pd.isna(first["selisih"]) and first["catatan"] == "tidak cukup data"
    with pytest.raises(DataError, match="2023-S2"):
        survey.change_from_previous(df, "2024-S1")


def _training_world(rng, n=300, effect=0.8):
    pids = [f"p{i:04d}" for i in range(n)]
    rot_dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D")
    trained = rng.random(n) < 0.4
    base = rng.normal(3.0, 1.0, n) + effect * trained
    kesiapan = np.clip(np.rint(base), 1, 5).astype(int)
    sheets = _sheets(
        [[k] + [3] * 6 for k in kesiapan], pids=pids, dates=rot_dates + pd.Timedelta(days=90)
    )
    ends = rot_dates - pd.to_timedelta(rng.integers(5, 200, n), "D")
    training = pd.DataFrame({"pid": np.array(pids)[trained], "tanggal_selesai": ends[trained]})
    # training after the rotation does not count as "before"
    late = pd.DataFrame({"pid": np.array(pids)[~trained][:20], "tanggal_selesai": rot_dates[~trained][:20] + pd.Timedelta(days=10)})
    rot = pd.Series(rot_dates, index=pids)
    return sheets, pd.concat([training, late], ignore_index=True), rot, trained, kesiapan


@pytest.mark.simulation
def test_training_link_recovers_a_planted_difference():
    rng = np.random.default_rng(8)
    sheets, training, rot, trained, k = _training_world(rng)
    res = survey.training_link(sheets, training, rot)
    assert res.status == "ok"
    assert res.n_trained == trained.sum() and res.n_untrained == (~trained).sum()
    assert res.mean_diff == pytest.approx(k[trained].mean() - k[~trained].mean())
    assert res.mean_conf_low > 0.3 and res.mean_conf_low < 0.8 < res.mean_conf_high
    assert res.share_diff < 0 and res.share_conf_high < 0  # fewer trained staff feel unready
    none = survey.training_link(*_training_world(np.random.default_rng(9), effect=0.0)[:3])
    assert none.mean_conf_low < 0 < none.mean_conf_high


@pytest.mark.peer
def test_training_link_welch_interval_matches_statsmodels():
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    rng = np.random.default_rng(10)
    sheets, training, rot, trained, k = _training_world(rng, n=80)
    res = survey.training_link(sheets, training, rot, level=0.9)
    cm = CompareMeans(DescrStatsW(k[trained].astype(float)), DescrStatsW(k[~trained].astype(float)))
    lo, hi = cm.tconfint_diff(alpha=0.1, usevar="unequal")
    assert (res.mean_conf_low, res.mean_conf_high) == pytest.approx((lo, hi), rel=1e-9)
    assert res.pvalue == pytest.approx(stats.ttest_ind(k[trained], k[~trained], equal_var=False).pvalue)


def test_training_link_counts_one_sheet_per_rotation_and_reports_too_few():
    df = _sheets([[1] + [3] * 6, [5] + [3] * 6, [2] + [3] * 6], pids=["a", "a", "b"], dates=["2025-02-01", "2025-05-01", "2025-02-01"])
    rot = pd.Series(pd.to_datetime(["2025-01-01", "2025-01-01"]), index=["a", "b"])
    training = pd.DataFrame({"pid": ["a"], "tanggal_selesai": pd.to_datetime(["2024-12-01"])})
    res = survey.training_link(df, training, rot)
    assert (res.n_trained, res.n_untrained) == (1, 1)  # a's second sheet of the same move is not counted
    assert res.status == "not_enough_data" and res.mean_diff is None
    windowed = survey.training_link(df, training, rot, window_days=10, min_group=1)
    assert windowed.n_trained == 0
    # routine training years before the move is not preparation for it, unless asked for
    old = pd.DataFrame({"pid": ["a"], "tanggal_selesai": pd.to_datetime(["2022-06-01"])})
    assert survey.training_link(df, old, rot, min_group=1).n_trained == 0
    assert survey.training_link(df, old, rot, window_days=None, min_group=1).n_trained == 1


# --- the demo data set --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo set of seed 3 (default region, CSV), written once per test run (tests/conftest.py
    ``demo_set``; tests/test_impact.py's replications over demo seeds read it too); read only."""
    from .conftest import demo_set, shared_folder

    return demo_set(shared_folder(tmp_path_factory), 3)


@pytest.mark.slow
def test_readiness_reproduces_the_demo_truth(demo):
    truth = json.loads((demo / "truth.json").read_text(encoding="utf-8"))["readiness"]
    assert truth, "the demo plants staff survey sheets"
    raw = pd.read_csv(demo / "survei_asn.csv", dtype={"nip": "str"}, keep_default_na=True)
    raw["tanggal"] = pd.to_datetime(raw["tanggal"], format="%d-%m-%Y")
    from mutasi_analysis.ikm import add_period

    out = survey.readiness(add_period(raw), by=("periode",)).set_index("periode")
    assert sorted(out.index) == sorted(t["period"] for t in truth)
    for t in truth:
        row = out.loc[t["period"]]
        assert row["n_lembar"] == t["sheets"]
        assert row["n_kesiapan"] == t["answered"]
        assert row["n_belum_siap"] == t["unready"]
        assert row["share_belum_siap"] == t["share"]


def test_every_table_column_has_an_indonesian_label():
    from mutasi_analysis.text import relabel

    df = _sheets([[1, 2, 3, 4, 5, 1, 2]] * 6 + [[4, 4, 4, 4, 2, 4, 4]] * 6, dates=["2025-02-01"] * 6 + ["2025-08-01"] * 6)
    df = survey.add_time_since_rotation(df, pd.Series(pd.to_datetime(["2024-12-01"] * 12), index=df["pid"]))
    for table in (
        survey.readiness(df, by=("kelompok_sejak_mutasi",)),
        survey.item_distribution(df),
        survey.change_from_previous(df, "2025-S2"),
        survey.change_from_previous(df, "2025-S2", measure="butuh_pelatihan"),
        survey.scale_scores(df),
    ):
        shown = relabel(table)
        assert not set(shown.columns) & set(table.columns) - {"item"}


def test_readiness_by_group_hides_small_groups_and_their_complement():
    # group a: 10 sheets (4 not ready), b: 3 sheets, c: 8 sheets (3 not ready)
    k = [1] * 4 + [4] * 6 + [2, 5, 5] + [2] * 3 + [4] * 5
    frame = pd.DataFrame({"kesiapan_tugas": k, "kebutuhan_pelatihan": 3, "grup": ["a"] * 10 + ["b"] * 3 + ["c"] * 8})
    out = survey.readiness_by_group(frame, "grup", min_cell=3).set_index("kelompok")
    assert out["n_kesiapan"].to_dict() == {"a": 10, "b": 3, "c": 8}
    assert out["share_belum_siap"].isna().to_dict()["b"]  # b's cells hold 1 and 2 people
    hidden = out["share_belum_siap"].isna().sum()
    assert hidden >= 2  # with b alone hidden, the column totals would give b away
    for g, n_unready in (("a", 4), ("c", 3)):
        v = out.loc[g, "share_belum_siap"]
        assert np.isnan(v) or v == pytest.approx(n_unready / out.loc[g, "n_kesiapan"])


# --- a period's feedback and the report's tables (notebook 05's computations) ------------------


def _periods(frame, periods):
    return frame.assign(periode=periods)


def test_period_feedback_by_hand():
    # 2025-S1: readiness 1, 2, 2, 4, 5, blank -> 5 answered, 3 not ready (0.6);
    # training need 5, 4, 1, blank, 2, 3 -> 5 answered, 2 asking (0.4). 2025-S2: one sheet.
    ready, need = [1, 2, 2, 4, 5, None, 1], [5, 4, 1, None, 2, 3, 5]
    df = _periods(_sheets([[r, 3, 3, 3, t, 3, 3] for r, t in zip(ready, need)]), ["2025-S1"] * 6 + ["2025-S2"])
    fb = survey.period_feedback(df, "2025-S1", min_cell=5, unready_threshold=0.5)
    assert (fb.period, fb.sheets, fb.answered, fb.unready) == ("2025-S1", 6, 5, 3)
    assert fb.share_unready == pytest.approx(0.6) and fb.share_training == pytest.approx(0.4)
    assert fb.suppressed is False and fb.training_recommended is True and fb.min_cell == 5
    t = fb.table()
    assert list(t.columns) == list(survey.FEEDBACK_COLUMNS) and len(t) == 1
    counts = ["n_lembar", "n_kesiapan", "n_belum_siap", "n_pelatihan_dijawab", "n_butuh_pelatihan"]
    assert t.iloc[0][counts].tolist() == [6, 5, 3, 5, 2]
    d = fb.to_dict()
    assert json.loads(json.dumps(d)) == d and "_row" not in d and d["share_unready"] == pytest.approx(0.6)
    # the threshold is strict: 0.6 is not above 0.6
    assert survey.period_feedback(df, "2025-S1", min_cell=5, unready_threshold=0.6).training_recommended is False
    # fewer answers than min_cell: only the number answered is kept
    few = survey.period_feedback(df, "2025-S1", min_cell=6, unready_threshold=0.5)
    assert (few.sheets, few.answered, few.unready, few.share_unready, few.share_training) == (None, 5, None, None, None)
    assert few.suppressed is True and few.training_recommended is False
    assert len(few.table()) == 0 and list(few.table().columns) == list(survey.FEEDBACK_COLUMNS)
    # a period without sheets
    none = survey.period_feedback(df, "2026-S1", min_cell=1, unready_threshold=0.5)
    assert (none.answered, none.suppressed, none.sheets) == (0, True, None)
    with pytest.raises(ValueError, match="periode"):
        survey.period_feedback(df.drop(columns="periode"), "2025-S1", min_cell=5, unready_threshold=0.5)


def test_item_summary_by_hand():
    # kesiapan_tugas: 4, 5, 1, 2, blank -> 4 answers, mean 3, 2 agree (0.5); other items all 4
    df = _sheets([[4] + [4] * 6, [5] + [4] * 6, [1] + [4] * 6, [2] + [4] * 6, [None] + [4] * 6])
    out = survey.item_summary(df, min_cell=4).set_index("item")
    assert list(out.reset_index().columns) == ["item", "n_jawab", "rata_rata", "share_setuju"]
    assert list(out.index) == ITEMS
    assert out.loc["kesiapan_tugas"].tolist() == [4, 3.0, 0.5]
    assert out.loc["adaptasi_budaya_kerja"].tolist() == [5, 4.0, 1.0]
    hidden = survey.item_summary(df, min_cell=5).set_index("item")
    assert pd.isna(hidden.loc["kesiapan_tugas", "rata_rata"]) and pd.isna(hidden.loc["kesiapan_tugas", "share_setuju"])
    assert hidden.loc["kesiapan_tugas", "n_jawab"] == 4  # the count stays
    assert hidden.loc["adaptasi_budaya_kerja", "share_setuju"] == 1.0


def test_readiness_trend_by_hand():
    df = _periods(_sheets([[1] + [3] * 6] * 3 + [[2] + [3] * 6] * 2 + [[5] + [3] * 6] * 4),
                  ["2025-S1"] * 3 + ["2025-S2"] * 2 + ["2026-S1"] * 4)
    got = survey.readiness_trend(df, "2026-S1", min_cell=3)
    assert got["periode"].tolist() == ["2025-S1", "2026-S1"]  # 2025-S2 has 2 answers
    assert got["share_belum_siap"].tolist() == [1.0, 0.0]
    from mutasi_analysis.periods import parse_period

    upto = survey.readiness_trend(df, parse_period("2025-S2", "semester"), min_cell=2)
    assert upto["periode"].tolist() == ["2025-S1", "2025-S2"]
    assert survey.readiness_trend(df.iloc[0:0], "2026-S1", min_cell=1).empty


def test_readiness_breakdowns_by_hand():
    cfg = load_config("config/alak.toml")
    # a rotated into PKM-ALAK on 2025-01-02 (sheet 2025-03-01: < 6 months), b never rotated
    riw = pd.DataFrame({
        "pid": ["a", "a", "b"], "kode_unit": ["KEL-ALAK", "PKM-ALAK", "KEL-ALAK"],
        "nama_jabatan": ["Staf"] * 3, "jenis_jabatan": pd.array([4, 4, 4], dtype="Int64"),
        "tmt_jabatan": pd.to_datetime(["2015-01-05", "2025-01-02", "2015-01-05"]), "jenis_penugasan": ["D"] * 3,
    })
    pegawai = pd.DataFrame({"pid": ["a", "b"], "golongan": ["III/b", "II/a"]})
    df = _sheets([[1] + [3] * 6, [4] + [3] * 6], pids=["a", "b"], units=["PKM-ALAK", "KEL-ALAK"])
    out = survey.readiness_breakdowns(df, cfg, pegawai, riw, min_cell=1)
    assert list(out) == ["jenis_unit", "golongan", "kelompok_sejak_mutasi"]
    by = {k: dict(zip(v["kelompok"], v["share_belum_siap"])) for k, v in out.items()}
    assert by["jenis_unit"] == {"kantor_kelurahan": 0.0, "puskesmas": 1.0}
    assert by["golongan"] == {"II": 0.0, "III": 1.0}
    assert by["kelompok_sejak_mutasi"] == {"< 6 bulan": 1.0, "Tanpa data mutasi": 0.0}
    en = survey.readiness_breakdowns(df, cfg, pegawai, riw, min_cell=1, lang="en")["kelompok_sejak_mutasi"]
    assert "< 6 months" in set(en["kelompok"])
    # with min_cell 2 every one-person cell is hidden
    assert survey.readiness_breakdowns(df, cfg, pegawai, riw, min_cell=2)["golongan"]["share_belum_siap"].isna().all()
    empty = survey.readiness_breakdowns(df.iloc[0:0], cfg, pegawai, riw, min_cell=1)
    assert list(empty) == list(out) and all(len(v) == 0 for v in empty.values())


@pytest.fixture(scope="module")
def demo_tables(demo_raw):
    """Raw demo tables of the default region with nip renamed to pid (consistent across files)."""
    def read(name, **kw):
        return pd.read_csv(demo_raw / f"{name}.csv", dtype={"nip": "str"}, **kw).rename(columns={"nip": "pid"})

    from mutasi_analysis.ikm import add_period

    sheets = read("survei_asn")
    sheets["tanggal"] = pd.to_datetime(sheets["tanggal"], format="%d-%m-%Y")
    riw = read("riwayat_jabatan", keep_default_na=False)
    riw["tmt_jabatan"] = pd.to_datetime(riw["tmt_jabatan"], format="%d-%m-%Y")
    riw["jenis_jabatan"] = riw["jenis_jabatan"].astype("Int64")
    return add_period(sheets, "semester"), riw, read("pegawai")


@pytest.mark.oracle
@pytest.mark.slow
def test_feedback_functions_match_notebook_05_on_the_demo(demo_tables):
    """Notebook 05's inline computations (copied here as the oracle) against the package functions."""
    from mutasi_analysis import rotation

    cfg = load_config("config/alak.toml")
    sheets, riw, pegawai = demo_tables
    k, th = cfg.thresholds.min_cell_size, cfg.thresholds.unready_share_training
    periods = sorted(sheets["periode"].unique())
    assert len(periods) > 2
    seen_shown = False
    for pid in periods + ["2099-S1"]:
        current = sheets[sheets["periode"] == pid]
        ready = survey.readiness(current).iloc[0] if len(current) else None
        enough = ready is not None and int(ready["n_kesiapan"]) >= k
        recorded = {
            "sheets": int(ready["n_lembar"]) if enough else None,
            "answered": int(ready["n_kesiapan"]) if ready is not None else 0,
            "unready": int(ready["n_belum_siap"]) if enough else None,
            "share_unready": float(ready["share_belum_siap"]) if enough else None,
            "share_training": float(ready["share_butuh_pelatihan"]) if enough else None,
            "suppressed": not enough,
            "training_recommended": bool(enough and ready["share_belum_siap"] > th),
        }
        fb = survey.period_feedback(sheets, pid, min_cell=k, unready_threshold=th)
        assert {key: getattr(fb, key) for key in recorded} == recorded, pid
        cols = list(survey.FEEDBACK_COLUMNS)
        shown = survey.readiness(current)[cols] if enough else pd.DataFrame(columns=cols)
        pd.testing.assert_frame_equal(fb.table(), shown)
        seen_shown |= enough
        if not enough:
            continue
        dist = survey.item_distribution(current)
        dist["share_setuju"] = (dist["likert_4"] + dist["likert_5"]) / dist["n_jawab"]
        dist.loc[dist["n_jawab"] < k, ["rata_rata", "share_setuju"]] = float("nan")
        got = survey.item_summary(current, min_cell=k)
        expected = dist[["item", "n_jawab", "rata_rata", "share_setuju"]]
        assert got["item"].tolist() == expected["item"].tolist()
        assert got["n_jawab"].tolist() == expected["n_jawab"].tolist()
        for c in ("rata_rata", "share_setuju"):
            np.testing.assert_allclose(got[c].astype(float).to_numpy(), expected[c].astype(float).to_numpy())
    assert seen_shown
    p = periods[-1]
    trend = survey.readiness(sheets, by=("periode",))
    trend = trend[(trend["periode"] <= p) & (trend["n_kesiapan"] >= k)]
    pd.testing.assert_frame_equal(survey.readiness_trend(sheets, p, min_cell=k), trend.reset_index(drop=True))
    # breakdowns over every sheet up to the period's end
    to_date = sheets[sheets["periode"] <= p]
    events = rotation.rotation_events(riw, cfg)
    grouped = survey.add_time_since_rotation(survey.add_golongan(survey.add_unit_type(to_date, cfg), pegawai), events)
    got = survey.readiness_breakdowns(to_date, cfg, pegawai, riw, min_cell=k)
    assert list(got) == ["jenis_unit", "golongan", "kelompok_sejak_mutasi"]
    for col, table in got.items():
        pd.testing.assert_frame_equal(table, survey.readiness_by_group(grouped, col, min_cell=k))
    assert sum(len(t) for t in got.values()) > 3
