"""Tests of mutasi_analysis.findings: each rule fires when, and only when, its condition holds."""

from __future__ import annotations

import pandas as pd
import pytest

from mutasi_analysis import findings, ikm
from mutasi_analysis.config import load_config
from mutasi_analysis.findings import FindingInputs, IkmChange, ImpactEstimate, SkmSample


@pytest.fixture(scope="module")
def cfg():
    return load_config("config/alak.toml")


def _ids(inputs, cfg, lang="id"):
    return set(findings.evaluate(inputs, cfg, lang)["id"])


def _with(cfg, **thresholds):
    return cfg.model_copy(update={"thresholds": cfg.thresholds.model_copy(update=thresholds)})


def test_no_facts_no_findings(cfg):
    out = findings.evaluate(FindingInputs(period="2025-S2"), cfg)
    assert out.empty and tuple(out.columns) == findings.COLUMNS


# --- readiness --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answered, unready, expected",
    [(10, 5, "KESIAPAN"), (20, 6, None), (20, 7, "KESIAPAN"), (20, 0, None), (5, 5, "KESIAPAN"),
     # a not-ready or ready group of 1-4 people is one that section 05 would hide (issue 12)
     (10, 3, "KESIAPAN-DATA"), (10, 4, "KESIAPAN-DATA"), (5, 2, "KESIAPAN-DATA"), (12, 8, "KESIAPAN-DATA"),
     (8, 3, "KESIAPAN-DATA")],
)
def test_unready_share_above_threshold_recommends_training(cfg, answered, unready, expected):
    assert cfg.thresholds.unready_share_training == 0.30 and cfg.thresholds.min_cell_size == 5
    inputs = FindingInputs("2025-S2", readiness_answered=answered, readiness_unready=unready)
    ids = _ids(inputs, cfg)
    assert ids == ({expected} if expected else set())
    if expected == "KESIAPAN-DATA":
        out = findings.evaluate(inputs, cfg)
        assert "%" not in out.loc[0, "text"] and str(unready) not in out.loc[0, "text"].replace(str(answered), "")


def test_unready_threshold_comes_from_the_config(cfg):
    inputs = FindingInputs("2025-S2", readiness_answered=16, readiness_unready=5)  # 31,25%
    assert "KESIAPAN" in _ids(inputs, cfg)
    assert "KESIAPAN" not in _ids(inputs, _with(cfg, unready_share_training=0.4))
    assert "KESIAPAN" in _ids(inputs, _with(cfg, unready_share_training=0.31))


@pytest.mark.parametrize("answered, unready", [(4, 4), (0, 0), (1, 1)])
def test_too_few_readiness_answers_reports_no_share(cfg, answered, unready):
    out = findings.evaluate(FindingInputs("2025-S2", readiness_answered=answered, readiness_unready=unready), cfg)
    assert list(out["id"]) == ["KESIAPAN-DATA"]
    assert "%" not in out.loc[0, "text"]  # the share of fewer than min_cell people is not shown
    if answered:  # with the minimum lowered to the number of answers, the share is assessed
        lower = _with(cfg, min_cell_size=answered)
        ids = _ids(FindingInputs("2025-S2", readiness_answered=answered, readiness_unready=unready), lower)
        assert ids == {"KESIAPAN"}


def test_readiness_text_cites_the_numbers_and_the_rule(cfg):
    out = findings.evaluate(FindingInputs("2025-S2", readiness_answered=20, readiness_unready=9), cfg).iloc[0]
    assert out["id"] == "KESIAPAN" and out["severity"] == "tinggi"
    assert "45,0%" in out["text"] and "9 dari 20" in out["text"] and "30,0%" in out["text"]
    # the base and its uncertainty: Wilson's 95% interval for 9 of 20 is 25,8% to 65,8%
    assert "selang kepercayaan 95%: 25,8% s.d. 65,8%" in out["text"] and "≤ 2" in out["text"]
    assert "sebelum mutasi berikutnya" in out["recommendation"]
    assert out["evidence"] == "9/20 = 45,0%"
    # the rule in words, with its threshold: no configuration key on the page
    assert "ambang kebutuhan pelatihan (30,0%)" in out["rule"] and "unready_share_training" not in out["rule"]
    en = findings.evaluate(FindingInputs("2025-S2", readiness_answered=20, readiness_unready=9), cfg, "en").iloc[0]
    assert "45.0%" in en["text"] and en["severity"] == "high" and "before the next rotation" in en["recommendation"]


# --- impact -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "est, lo, hi, better, expected",
    [
        (-1.2, -2.0, -0.01, "lower", "better"),
        (-1.2, -2.0, 0.0, "lower", None),  # the interval touches zero
        (-1.2, -2.0, 0.4, "lower", None),
        (1.0, 0.01, 2.0, "lower", "worse"),
        (1.0, 0.0, 2.0, "lower", None),
        (1.0, 0.2, 1.8, "higher", "better"),
        (-0.1, -0.2, -0.05, "higher", "worse"),
    ],
)
def test_impact_finding_fires_when_the_interval_excludes_zero(cfg, est, lo, hi, better, expected):
    imp = ImpactEstimate("respon_hari_kerja_mean", est, lo, hi, better)
    out = findings.evaluate(FindingInputs("2025-S2", impacts=(imp,)), cfg)
    if expected is None:
        assert out.empty
        return
    row = out.iloc[0]
    assert row["id"] == "DAMPAK-RESPON"
    word = "membaik" if expected == "better" else "memburuk"
    assert word in row["text"]
    assert row["severity"] == ("rendah" if expected == "better" else "tinggi")


@pytest.mark.parametrize("est,lo,hi", [(-1.2, -2.0, -0.4), (1.0, 0.2, 1.8)])
def test_a_failed_pretrend_makes_the_impact_finding_inconclusive(cfg, est, lo, hi):
    """With the pre-trend test rejecting, neither "keep the pattern" nor "review the hand-over"
    is recommended: the finding says it cannot be concluded and asks for a check (issue 12)."""
    imp = ImpactEstimate("respon_hari_kerja_mean", est, lo, hi, "lower", caveat="pretrend_rejected")
    for lang, word, rec in (("id", "Belum dapat disimpulkan", "Jangan mengubah atau mempertahankan"),
                            ("en", "cannot be concluded", "Do not change or keep")):
        row = findings.evaluate(FindingInputs("2025-S2", impacts=(imp,)), cfg, lang=lang).iloc[0]
        assert row["id"] == "DAMPAK-RESPON" and word in row["text"]
        assert row["recommendation"].startswith(rec)
        assert ("Pertahankan" not in row["recommendation"]) and ("Keep this rotation" not in row["recommendation"])
    with pytest.raises(ValueError, match="caveat"):
        ImpactEstimate("y", -1.0, -2.0, -0.5, "lower", caveat="maybe")
    # an interval through zero stays silent, caveat or not
    silent = ImpactEstimate("y", -1.0, -2.0, 0.5, "lower", caveat="pretrend_rejected")
    assert findings.evaluate(FindingInputs("2025-S2", impacts=(silent,)), cfg).empty


def test_impact_text_uses_the_outcome_label(cfg):
    imp = ImpactEstimate("respon_hari_kerja_mean", -1.5, -2.5, -0.5, "lower")
    row = findings.evaluate(FindingInputs("2025-S2", impacts=(imp,)), cfg).iloc[0]
    assert "waktu respons pertama" in row["text"] and "-1,50" in row["text"] and "95%" in row["text"]
    assert row["evidence"] == "-1,50 [-2,50; -0,50]"
    custom = ImpactEstimate("x", 2.0, 1.0, 3.0, "higher", outcome_label="skor kepuasan")
    assert "skor kepuasan" in findings.evaluate(FindingInputs("2025-S2", impacts=(custom,)), cfg).iloc[0]["text"]


# --- compliance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, fid",
    [("rotation_candidates", "KANDIDAT-MUTASI"), ("min_years_breaks", "MASA-MINIMUM"), ("freeze_breaks", "MASA-LARANGAN")],
)
def test_compliance_findings_fire_on_one_case_and_not_on_zero(cfg, field, fid):
    assert fid not in _ids(FindingInputs("2025-S2", **{field: 0}), cfg)
    assert fid not in _ids(FindingInputs("2025-S2"), cfg)
    out = findings.evaluate(FindingInputs("2025-S2", **{field: 1}), cfg)
    assert list(out["id"]) == [fid]
    assert out.loc[0, "evidence"] == "n = 1"


def test_compliance_rules_cite_the_config_years(cfg):
    out = findings.evaluate(FindingInputs("2025-S2", rotation_candidates=4, min_years_breaks=2), cfg).set_index("id")
    assert "5 tahun" in out.loc["KANDIDAT-MUTASI", "text"] and "4 ASN" in out.loc["KANDIDAT-MUTASI", "text"]
    assert "batas maksimal (5 tahun)" in out.loc["KANDIDAT-MUTASI", "rule"]
    assert "PP 11/2017" in out.loc["MASA-MINIMUM", "rule"]
    assert "2 tahun" in out.loc["MASA-MINIMUM", "text"]


# --- IKM ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after, fires",
    [("A", "B", True), ("B", "D", True), ("B", "B", False), ("B", "A", False), ("D", "D", False)],
)
def test_ikm_grade_drop(cfg, before, after, fires):
    ch = IkmChange("PKM-ALAK", "2025-S1", before, 80.0, "2025-S2", after, 78.0)
    assert ("IKM-TURUN-PKM-ALAK" in _ids(FindingInputs("2025-S2", ikm_changes=(ch,)), cfg)) is fires


@pytest.mark.parametrize("n, fires", [(340, True), (341, False), (400, False)])
def test_skm_sample_below_the_required_size(cfg, n, fires):
    s = SkmSample("KEC-ALAK", n, 341)
    assert ("SAMPEL-SKM-KEC-ALAK" in _ids(FindingInputs("2025-S2", skm_samples=(s,)), cfg)) is fires


def test_ikm_findings_from_the_ikm_tables(cfg):
    cols = list(ikm.ELEMENTS)
    prev = pd.DataFrame([[4] * 9] * 3 + [[3] * 9] * 3, columns=cols).assign(kode_unit=["PKM-ALAK"] * 3 + ["KEL-ALAK"] * 3)
    now = pd.DataFrame([[3] * 9] * 3 + [[3] * 9] * 3, columns=cols).assign(kode_unit=["PKM-ALAK"] * 3 + ["KEL-ALAK"] * 3)
    table = ikm.compare_periods(ikm.compute(now), ikm.compute(prev)).assign(periode="2025-S2", periode_sebelumnya="2025-S1")
    adequacy = ikm.sample_adequacy(ikm.compute(now), {"PKM-ALAK": 3, "KEL-ALAK": 1000})
    inputs = FindingInputs("2025-S2", ikm_changes=findings.ikm_changes(table), skm_samples=findings.skm_samples(adequacy))
    out = findings.evaluate(inputs, cfg).set_index("id")
    assert set(out.index) == {"IKM-TURUN-PKM-ALAK", "SAMPEL-SKM-KEL-ALAK"}
    assert "A (100,00)" in out.loc["IKM-TURUN-PKM-ALAK", "text"] and "C (75,00)" in out.loc["IKM-TURUN-PKM-ALAK", "text"]
    # texts name the unit as the config does; the id and evidence keep the code
    assert cfg.unit("PKM-ALAK").name in out.loc["IKM-TURUN-PKM-ALAK", "text"]
    assert "PKM-ALAK" not in out.loc["IKM-TURUN-PKM-ALAK", "text"]
    assert out.loc["SAMPEL-SKM-KEL-ALAK", "evidence"] == "3 < 278"


# --- design credibility -------------------------------------------------------------------------


@pytest.mark.parametrize("treated, control, fires", [(3, 3, False), (2, 3, True), (3, 2, True), (10, 0, True), (4, 9, False)])
def test_too_few_treated_or_control_units(cfg, treated, control, fires):
    inputs = FindingInputs("2025-S2", n_treated_units=treated, n_control_units=control)
    assert ("UNIT-KURANG" in _ids(inputs, cfg)) is fires
    assert ("UNIT-KURANG" in _ids(inputs, _with(cfg, min_treated_units=1, min_control_units=1))) is (min(treated, control) < 1)


def test_findings_are_ordered_by_severity(cfg):
    inputs = FindingInputs(
        "2025-S2",
        readiness_answered=20, readiness_unready=10,
        impacts=(ImpactEstimate("respon_hari_kerja_mean", -1.0, -1.5, -0.5, "lower"),),
        rotation_candidates=3, freeze_breaks=1,
        skm_samples=(SkmSample("KEL-ALAK", 10, 100),),
        n_treated_units=2, n_control_units=5,
    )
    out = findings.evaluate(inputs, cfg)
    assert list(out["id"]) == ["KESIAPAN", "MASA-LARANGAN", "UNIT-KURANG", "KANDIDAT-MUTASI", "DAMPAK-RESPON", "SAMPEL-SKM-KEL-ALAK"]
    assert list(out["severity"]) == ["tinggi", "tinggi", "tinggi", "sedang", "rendah", "rendah"]
    assert out.notna().all().all() and (out != "").all().all()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"readiness_answered": 5, "readiness_unready": 6}, "exceed"),
        ({"readiness_answered": 5}, "together"),
        ({"rotation_candidates": -1}, "rotation_candidates"),
        ({"freeze_breaks": 1.5}, "freeze_breaks"),
        ({"n_treated_units": 3}, "together"),
        ({"impacts": ("x",)}, "ImpactEstimate"),
    ],
)
def test_bad_facts_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FindingInputs("2025-S2", **kwargs)


def test_bad_records_are_rejected():
    with pytest.raises(ValueError, match="outside its interval"):
        ImpactEstimate("y", 3.0, 0.0, 2.0, "lower")
    with pytest.raises(ValueError, match="better"):
        ImpactEstimate("y", 1.0, 0.0, 2.0, "up")
    with pytest.raises(ValueError, match="missing"):
        ImpactEstimate("y", float("nan"), 0.0, 2.0, "lower")
    with pytest.raises(ValueError, match="grade"):
        IkmChange("U", "2025-S1", "E", 50.0, "2025-S2", "A", 90.0)
    with pytest.raises(ValueError, match="language"):
        findings.evaluate(FindingInputs("2025-S2"), load_config("config/alak.toml"), lang="fr")


# --- the demo data set --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from mutasi_analysis import demo as demo_mod

    out = tmp_path_factory.mktemp("demo")
    demo_mod.write_demo_data(out, seed=4)
    return out


@pytest.mark.slow
def test_demo_findings_fire_exactly_where_the_truth_says(demo, cfg):
    import json

    from mutasi_analysis import survey

    truth = json.loads((demo / "truth.json").read_text(encoding="utf-8"))
    t_ikm = pd.DataFrame(truth["ikm"])
    periods = sorted(t_ikm["period"].unique())
    prev_p, last_p = periods[-2], periods[-1]

    raw = pd.read_csv(demo / "skm.csv", sep=";", encoding="utf-8-sig", dtype={"kode_unit": "str"})
    raw["tanggal"] = pd.to_datetime(raw["tanggal"], format="mixed", yearfirst=True)
    table = ikm.compute(ikm.add_period(raw), by=("kode_unit", "periode"), config=cfg)
    now, before = table[table.periode == last_p], table[table.periode == prev_p]
    changes = ikm.compare_periods(now, before.drop(columns="periode")).assign(periode_sebelumnya=prev_p)
    adequacy = ikm.sample_adequacy(now, config=cfg)

    sheets = pd.read_csv(demo / "survei_asn.csv", dtype={"nip": "str"})
    sheets["tanggal"] = pd.to_datetime(sheets["tanggal"], format="%d-%m-%Y")
    ready = survey.readiness(ikm.add_period(sheets), by=("periode",)).set_index("periode")
    r_last = ready.loc[max(ready.index)]

    inputs = FindingInputs(
        last_p,
        readiness_answered=int(r_last["n_kesiapan"]),
        readiness_unready=int(r_last["n_belum_siap"]),
        ikm_changes=findings.ikm_changes(changes),
        skm_samples=findings.skm_samples(adequacy),
    )
    ids = set(findings.evaluate(inputs, cfg)["id"])

    # expected from truth.json alone, by the rules' definitions
    by_unit = t_ikm.pivot(index="kode_unit", columns="period", values="ikm")
    grade = lambda v: "ABCD".index(ikm.category(v)[0])  # noqa: E731
    dropped = {u for u in by_unit.index if grade(by_unit.at[u, last_p]) > grade(by_unit.at[u, prev_p])}
    last = t_ikm[t_ikm.period == last_p]
    short = set(last.loc[last.n_responden < last.required, "kode_unit"])
    r_truth = [r for r in truth["readiness"] if r["period"] == max(ready.index)][0]
    n_t, mc = r_truth["answered"], cfg.thresholds.min_cell_size
    u_t = round(r_truth["share"] * n_t)
    shown = n_t >= mc and not any(0 < c < mc for c in (u_t, n_t - u_t))  # what section 05 would not hide
    unready = shown and r_truth["share"] > cfg.thresholds.unready_share_training

    assert short and dropped, "the demo plants a short SKM sample and an IKM grade drop"
    assert {i.removeprefix("IKM-TURUN-") for i in ids if i.startswith("IKM-TURUN-")} == dropped
    assert {i.removeprefix("SAMPEL-SKM-") for i in ids if i.startswith("SAMPEL-SKM-")} == short
    assert ("KESIAPAN" in ids) is unready
    assert ("KESIAPAN-DATA" in ids) is (not shown)


# --- text helpers --------------------------------------------------------------------------------


def test_labels_and_number_formats():
    from mutasi_analysis import text

    assert text.label("n_responden") == "Jumlah responden"
    assert text.label("n_responden", "en") == "Respondents"
    assert text.label("kinerja_A") == "Sangat Baik"
    with pytest.raises(KeyError, match="no_such_key"):
        text.label("no_such_key")
    with pytest.raises(ValueError, match="language"):
        text.label("ikm", "de")
    assert text.fmt_number(1234.5, 2) == "1.234,50"
    assert text.fmt_number(1234.5, 2, "en") == "1,234.50"
    assert text.fmt_number(float("nan")) == "tidak cukup data"
    assert text.fmt_pct(0.3333) == "33,3%" and text.fmt_pct(None, lang="en") == "not enough data"
    for key, langs in {**text.LABELS, **text.TEMPLATES}.items():
        assert set(langs) == set(text.LANGS), key
    assert set(findings.evaluate(FindingInputs("x"), load_config("config/alak.toml")).columns) <= set(text.LABELS)
