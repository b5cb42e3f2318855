"""Tests of mutasi_analysis.impact: panel building, the analysis glue and the verdict.

One simulated unit x month panel with a planted effect checks the wiring of the result and the
verdict (recovery with stated power, over 400 seeds, is tests/test_recovery.py); diff-diff (a
peer implementation) checks the headline number; small hand-built frames check build_panel
exactly; edge cases check the "not enough data" result and the never -> not-yet-treated
fallback; the demo generator is checked end to end against its truth.json.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis import impact
from mutasi_analysis.config import load_config

from .conftest import require_module
from .recovery import OUTCOME as OUT
from .recovery import T0, simulate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cfg():
    return load_config(ROOT / "config" / "alak.toml")


@pytest.fixture(scope="module")
def planted(cfg):
    return impact.analyse(simulate(cfg), cfg, n_boot=999, n_perm=199)


@pytest.mark.simulation
def test_planted_effect_recovered(planted):
    """One draw: the result is complete and consistent and the verdict reads it right.

    Its interval check is weak on purpose (one draw passes a 20% or larger bias); the powered
    check is tests/test_recovery.py.
    """
    r = planted
    assert r.status == "ok" and r.ok
    lo, hi = r.conf_int()
    assert lo < -1.5 < hi
    assert hi < 0  # clearly excludes zero
    assert r.n_treated == 11 and r.n_never == 6 and r.control == "never"
    assert set(r.aggregates) == {"simple", "group", "event", "calendar"}
    # event study has pre- and post-treatment event times
    assert r.event_study is r.aggregates["event"]
    ev = r.event_study.table
    assert ev["event_time"].min() < 0 < ev["event_time"].max()
    # few-cluster checks reject too, so they agree
    assert r.wild_bootstrap.pvalue < 0.05 and r.randomization.pvalue < 0.05
    assert r.agrees is True
    assert "membaik" in r.verdict["id"] and "better" in r.verdict["en"]
    assert "sejalan" in r.verdict["id"] and "agree" in r.verdict["en"]
    assert "menurunkan" in r.verdict["id"] and "to lower" in r.verdict["en"]  # the direction in words
    assert "sebesar 1,5" in r.verdict["id"] or "sebesar 1,4" in r.verdict["id"]  # decimal comma in Indonesian
    assert not [n for n in r.notes if n.code == "not_run"]


def test_diagnostics_are_consistent(planted):
    r = planted
    # the same TWFE regression two ways: twfe() and the Bacon decomposition's total
    assert r.twfe.estimate == pytest.approx(r.bacon.twfe, abs=1e-8)
    # the wild bootstrap tests the Sun-Abraham overall ATT, and the headline is randomization
    # inference on the simple ATT (its statistic is that ATT)
    assert r.wild_bootstrap.estimate == pytest.approx(r.sun_abraham.overall().estimate, abs=1e-8)
    assert r.inference == "randomization"
    assert r.randomization.estimate == pytest.approx(r.estimate, abs=1e-8)
    assert r.conf_int() == pytest.approx(r.randomization.conf_int(r.alpha))
    assert r.pvalue == r.randomization.pvalue
    assert r.bacon.table["weight"].sum() == pytest.approx(1.0)
    # constant planted effect: TWFE is unbiased here too
    assert r.twfe.conf_int()[0] < -1.5 < r.twfe.conf_int()[1]
    # no pre-trend planted: the joint pre-test does not reject at 1%
    assert r.pretrend.pvalue > 0.01
    d = r.to_dict()
    assert d["twfe"]["estimate"] == pytest.approx(r.twfe.estimate)
    assert len(d["aggregates"]["event"]["table"]) == len(r.aggregates["event"].table) + 1  # overall row first


@pytest.mark.simulation
def test_no_effect_no_clear_change(cfg):
    r = impact.analyse(simulate(cfg, seed=2, effect=0.0), cfg, n_boot=999, n_perm=199)
    lo, hi = r.conf_int()
    assert lo < 0 < hi
    assert "tidak ada perubahan yang jelas" in r.verdict["id"]
    assert "no clear change" in r.verdict["en"]


@pytest.mark.simulation
def test_direction_depends_on_outcome(cfg):
    # longer response times are worse ...
    worse = impact.analyse(simulate(cfg, seed=3, effect=1.5), cfg, n_boot=999, n_perm=199)
    assert "memburuk" in worse.verdict["id"] and "worse" in worse.verdict["en"]
    # ... but a higher on-time share is better
    share = simulate(cfg, seed=3, effect=0.3, outcome="share_tepat_waktu", noise=0.05)
    better = impact.analyse(share, cfg, n_boot=999, n_perm=199)
    assert better.estimate == pytest.approx(0.3, abs=0.05)
    assert "better" in better.verdict["en"]
    # a share is reported in percentage points
    assert f"by {100 * better.estimate:.2f} percentage points" in better.verdict["en"]
    assert "poin persen" in better.verdict["id"]


@pytest.mark.peer
def test_headline_matches_diff_diff(cfg, planted):
    diff_diff = require_module("diff_diff", "peer of the headline simple ATT")

    data = simulate(cfg)
    peer = diff_diff.CallawaySantAnna(control_group="never_treated", estimation_method="reg").fit(
        data, outcome=OUT, unit="kode_unit", time="t", first_treat="cohort")
    assert planted.estimate == pytest.approx(peer.overall_att, abs=1e-8)
    assert planted.aggregates["simple"].std_error == pytest.approx(peer.overall_se, rel=1e-3)


def test_not_enough_treated_units(cfg):
    r = impact.analyse(simulate(cfg, cohorts=(14,), sizes=(2,)), cfg)
    assert r.status == "not_enough_data" and not r.ok
    assert r.estimate is None and r.conf_int() is None
    assert r.n_treated == 2
    assert "Hanya 2" in r.verdict["id"] and "Only 2" in r.verdict["en"]
    # JSON without NaN
    json.dumps(r.to_dict(), allow_nan=False)


def test_fallback_to_not_yet_treated(cfg):
    # 15 treated in three cohorts, 2 never treated (< min_control_units = 3)
    r = impact.analyse(simulate(cfg, cohorts=(14, 20, 45), sizes=(5, 5, 5)), cfg, n_boot=999, n_perm=199)
    assert r.status == "ok"
    assert r.control == "notyet" and r.n_never == 2
    assert "2" in r.control_reason["en"] and "belum menerima mutasi" in r.control_reason["id"]
    assert r.randomization is not None and r.randomization.term == "twfe"
    lo, hi = r.conf_int()
    assert lo < -1.5 < hi
    # The permutation test ran on the TWFE coefficient: the table and the verdict say so.
    from mutasi_analysis.reporting.tables import impact_table
    from mutasi_analysis.text import LABELS

    rows = impact_table(r)["rows"]
    ri_rows = [row for row in rows if row[1] == LABELS["impact_row.ri_twfe"]]
    assert len(ri_rows) == 1 and ri_rows[0][0] == LABELS["impact_row.twfe"]
    assert not [row for row in rows if row[1] == LABELS["impact_row.ri"]]
    assert "randomization inference on the TWFE coefficient" in r.verdict["en"]


def test_too_few_controls_even_not_yet(cfg):
    # all 15 treated in one cohort, 2 never treated: no not-yet-treated units either
    r = impact.analyse(simulate(cfg, cohorts=(14,), sizes=(15,)), cfg)
    assert r.status == "not_enough_data"
    assert "comparison" in r.verdict["en"] and "pembanding" in r.verdict["id"]


def test_thresholds_from_config(cfg):
    strict = cfg.model_copy(update={"thresholds": cfg.thresholds.model_copy(update={"min_treated_units": 12})})
    assert impact.analyse(simulate(cfg), strict).status == "not_enough_data"


def test_units_treated_in_first_month_are_excluded(cfg):
    data = simulate(cfg, cohorts=(0, 14, 20), sizes=(1, 4, 4))
    r = impact.analyse(data, cfg, n_boot=999, n_perm=199)
    assert list(r.excluded_units) == [cfg.unit_codes[0]]
    assert r.n_units == len(cfg.units) - 1


def test_missing_outcome_rows_are_counted(cfg):
    data = simulate(cfg)
    data.loc[[5, 77, 300], OUT] = np.nan
    r = impact.analyse(data, cfg, n_boot=999, n_perm=199)
    assert r.n_missing == 3
    assert any(n.code == "missing_outcome" and n["n"] == 3 for n in r.notes)
    # rows 5, 77 and 300 belong to units 0, 1 and 5: the balanced-panel methods use the other 14
    assert any(n.code == "balanced_subset" and (n["n_kept"], n["n_units"]) == (14, 17) for n in r.notes)
    assert r.bacon is not None and r.randomization is not None
    assert r.randomization.n_units == 14


def test_result_is_immutable_and_reproducible(cfg, planted):
    with pytest.raises(dataclasses.FrozenInstanceError):
        planted.status = "x"
    with pytest.raises(TypeError):
        planted.verdict["id"] = "x"
    again = impact.analyse(simulate(cfg), cfg, n_boot=999, n_perm=199)
    assert json.dumps(again.to_dict(), sort_keys=True) == json.dumps(planted.to_dict(), sort_keys=True)
    d = planted.to_dict()
    assert d["status"] == "ok" and d["ci"][0] < d["estimate"] < d["ci"][1]


def test_bad_arguments(cfg):
    data = simulate(cfg)
    with pytest.raises(ValueError, match="outcome"):
        impact.analyse(data, cfg, outcome="nope")
    with pytest.raises(ValueError, match="control"):
        impact.analyse(data, cfg, control="sometimes")
    with pytest.raises(ValueError, match="cohort"):
        impact.analyse(data.drop(columns="cohort"), cfg)


# ----------------------------------------------------------------------------- build_panel
def _riwayat(rows):
    df = pd.DataFrame(rows, columns=["pid", "kode_unit", "nama_jabatan", "jenis_jabatan", "tmt_jabatan",
                                     "jenis_penugasan"])
    df["tmt_jabatan"] = pd.to_datetime(df["tmt_jabatan"])
    return df


def _complaints(units, months):
    rows = []
    for u in units:
        for m in months:
            rows.append((f"{u}-{m}", u, f"{m}-05 09:00", f"{m}-07 09:00", None, "diproses"))
    df = pd.DataFrame(rows, columns=["id_laporan", "kode_unit", "waktu_diterima", "waktu_respon_pertama",
                                     "waktu_selesai", "status"])
    for c in ("waktu_diterima", "waktu_respon_pertama", "waktu_selesai"):
        df[c] = pd.to_datetime(df[c])
    return df


def test_build_panel(cfg):
    riw = _riwayat([
        # KEL-ALAK: 3 staff; one arrival in 2024-03 (1/4 = 0.25 reaches the threshold)
        ("s1", "KEL-ALAK", "Staf", 4, "2015-01-05", "D"),
        ("s2", "KEL-ALAK", "Staf", 4, "2015-01-05", "D"),
        ("s3", "KEL-ALAK", "Staf", 4, "2015-01-05", "D"),
        ("n1", "KEL-NAIONI", "Staf", 4, "2015-01-05", "D"),
        ("n1", "KEL-ALAK", "Staf", 4, "2024-03-04", "D"),
        # KEL-NAIONI: a rotation in 2023-06, before the panel window: not treated
        ("n2", "KEL-ALAK", "Staf", 4, "2015-01-05", "D"),
        ("n2", "KEL-NAIONI", "Staf", 4, "2023-06-05", "D"),
    ])
    months = ["2024-01", "2024-02", "2024-03", "2024-04"]
    pan = impact.build_panel(_complaints(["KEL-ALAK", "KEL-NAIONI"], months), riw, cfg, data_end="2024-04-30")
    assert len(pan) == len(cfg.units) * 4  # balanced: every unit, every month
    c = pan.groupby("kode_unit")["cohort"].first()
    assert c["KEL-ALAK"] == 2024 * 12 + 2 and c["KEL-NAIONI"] == 0
    alak = pan[pan["kode_unit"] == "KEL-ALAK"].set_index("bulan")
    assert alak["treated"].tolist() == [0, 0, 1, 1]
    # received on the 5th, answered on the 7th: Fri->Sun 1, Mon->Wed 2, Tue->Thu 2, Fri->Sun 1
    assert alak[OUT].tolist() == [1, 2, 2, 1]
    assert pan.attrs["outcome"] == OUT and pan.attrs["definition"] == "share_rotated_in"
    # units without complaints have no time outcome, but a row
    assert pan.loc[pan["kode_unit"] == "KEC-ALAK", OUT].isna().all()
    # a different definition and a window that includes 2023-06
    first = impact.build_panel(_complaints(["KEL-ALAK"], ["2023-06", "2024-04"]), riw, cfg,
                               definition="first_rotation", data_end="2024-04-30")
    assert first.groupby("kode_unit")["cohort"].first()["KEL-NAIONI"] == 2023 * 12 + 5
    assert first.attrs["definition"] == "first_rotation" and first.attrs["threshold"] is None
    with pytest.raises(ValueError, match="outcome"):
        impact.build_panel(_complaints(["KEL-ALAK"], months), riw, cfg, outcome="nope")


# ----------------------------------------------------------------------------- demo data
@pytest.mark.slow
def test_demo_cohorts_and_counts_match_truth(cfg, demo_raw):
    """The panel built from the raw demo files has the planted cohorts, treated and never-treated units.

    Exact, so one seed suffices; whether one draw's interval covers the planted ATT is a matter
    of chance (checked over many seeds in tests/test_recovery.py), so it is not asserted here.
    The demo files are the session's ``demo_raw`` (seed 1, config/alak.toml: the same files this
    test generated itself before), read only.
    """
    truth = json.loads((demo_raw / "truth.json").read_text(encoding="utf-8"))
    riw = pd.read_csv(demo_raw / "riwayat_jabatan.csv", dtype=str, keep_default_na=False).rename(columns={"nip": "pid"})
    riw["tmt_jabatan"] = pd.to_datetime(riw["tmt_jabatan"], format="%d-%m-%Y")
    riw["jenis_jabatan"] = riw["jenis_jabatan"].astype("Int64")
    pg = pd.read_csv(demo_raw / "pengaduan.csv", dtype=str, keep_default_na=False)
    for c in ("waktu_diterima", "waktu_respon_pertama", "waktu_selesai"):
        pg[c] = pd.to_datetime(pg[c].replace("", None))
    pan = impact.build_panel(pg, riw, cfg, outcome=truth["outcome"], start=truth["start"], end=truth["end"],
                             data_end=truth["export_date"])
    got = pan.groupby("kode_unit")["cohort"].first()
    assert {u: (rot_label(c) if c else None) for u, c in got.items()} == truth["cohorts"]
    # Without the sensitivity analysis, which nothing here reads: it runs on the demo panel in
    # test_demo_end_to_end_through_ingestion below (and in notebook 03's render on the demo).
    r = impact.analyse(pan, cfg, n_boot=999, n_perm=199, sensitivity_window=0)
    assert r.status == "ok" and r.control == "never"
    assert (r.n_treated, r.n_never) == (truth["treated_units"], truth["never_treated_units"])


def rot_label(t):
    from mutasi_analysis.rotation import month_label

    return month_label(t)


@pytest.mark.slow
def test_demo_end_to_end_through_ingestion(cfg, demo_raw, tmp_path, monkeypatch):
    """demo -> ingest -> processed tables (pid, never NIP) -> rotation and impact, against truth.

    The demo is the session's ``demo_raw`` (seed 1, config/alak.toml), read only; ingested here.
    """
    import collections
    import datetime as dt

    from mutasi_analysis import ingest as ingest_mod
    from mutasi_analysis import processed as processed_mod
    from mutasi_analysis import rotation

    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "test-key-" + "0" * 40)
    raw, proc = demo_raw, tmp_path / "processed"
    truth = json.loads((raw / "truth.json").read_text(encoding="utf-8"))
    ingest_mod.ingest(raw, proc, ROOT / "config" / "alak.toml", today=dt.date.fromisoformat(truth["export_date"]))
    P = processed_mod.load_processed(proc)
    riw = P.riwayat_jabatan
    assert "nip" not in riw.columns
    assert rotation.classify_moves(riw, cfg)["kelas"].value_counts().to_dict() == truth["classes"]
    fl = rotation.compliance_flags(riw, cfg, as_of=truth["end"])
    for rule in ("min_years", "freeze"):
        f = fl[fl["rule"] == rule]
        got = collections.Counter(zip(f["kode_unit"], f["tanggal"].dt.date.astype(str)))
        assert got == collections.Counter((r["kode_unit"], r["tmt_jabatan"]) for r in truth["compliance"][rule])
    pan = impact.build_panel(P.pengaduan, riw, cfg, start=truth["start"], end=truth["end"],
                             data_end=truth["export_date"])
    r = impact.analyse(pan, cfg, n_boot=999, n_perm=199)
    assert r.status == "ok" and (r.n_treated, r.n_never) == (truth["treated_units"], truth["never_treated_units"])
    json.dumps(r.to_dict(), allow_nan=False)


def test_bootstrap_bands_are_seeded(cfg):
    data = simulate(cfg)
    # The sensitivity analysis (the costliest step, not read here) is left out of both: it runs
    # on this panel in the module's ``planted``; the bands come from att_gt alone.
    a = impact.analyse(data, cfg, n_boot=999, n_perm=199, n_boot_bands=199, seed=7, sensitivity_window=0)
    b = impact.analyse(data, cfg, n_boot=999, n_perm=199, n_boot_bands=199, seed=7, sensitivity_window=0)
    ev = a.event_study.table
    assert {"uband_low", "uband_high"} <= set(ev.columns)
    # uniform bands are wider than pointwise intervals
    assert (ev["uband_high"] - ev["uband_low"] >= ev["conf_high"] - ev["conf_low"] - 1e-12).all()
    pd.testing.assert_frame_equal(ev, b.event_study.table)


def test_facts_feed_the_findings_rules(cfg, planted):
    from mutasi_analysis import findings
    facts = planted.estimate_facts()
    assert facts["better"] == "lower" and facts["level"] == pytest.approx(0.95)
    assert facts["conf_low"] < facts["estimate"] < facts["conf_high"] < 0
    inputs = findings.FindingInputs(period="2026-S1", impacts=(findings.ImpactEstimate(**facts),),
                                    n_treated_units=planted.n_treated, n_control_units=planted.n_control)
    assert planted.n_control == 6
    table = findings.evaluate(inputs, cfg)
    assert table["id"].astype(str).str.startswith("DAMPAK").any()
    short = impact.analyse(simulate(cfg, cohorts=(14,), sizes=(2,)), cfg)
    assert short.estimate_facts() is None and short.n_control == 15


def _pre_trended(cfg, slope):
    """simulate() plus a linear trend of ``slope`` a month in the units that rotate, before
    and after their move (parallel trends fail; the effect itself is unchanged)."""
    d = simulate(cfg)
    rotating = d["cohort"] > 0
    d.loc[rotating, OUT] += slope * (d.loc[rotating, "t"] - T0)
    return d


@pytest.mark.simulation
def test_pretrend_rejection_is_flagged_in_the_verdict(cfg, planted, monkeypatch):
    """The verdict warns when the (size-checked) pre-trend test rejects, and stays silent
    otherwise, or when the test's measured size is out of range.

    A planted pre-trend of 0.3 noise SDs a month: the randomization pre-test rejected it in
    100% of the study's replications at 16 offices (benchmarks/README.md, pre-trend section).
    """
    # The clean panel's analysis is the module's ``planted`` (the same call, simulate(cfg) with
    # n_boot=999, n_perm=199; test_result_is_immutable_and_reproducible holds it reproducible).
    clean = planted
    assert clean.pretrend.method == "pretrend_randomization_test" and clean.pretrend_size["usable"]
    assert clean.pretrend.pvalue >= 0.05 and "parallel trends" not in clean.verdict["en"]
    trended = _pre_trended(cfg, slope=0.3 * 0.7)
    r = impact.analyse(trended, cfg, n_boot=999, n_perm=199)
    assert r.pretrend.pvalue < 0.05
    p = r.pretrend.pvalue
    shown = "p < 0,001" if p < 0.001 else f"p = {p:.3f}".replace(".", ",")
    assert f"tren sejajar ({shown})" in r.verdict["id"]
    assert "rejects parallel trends" in r.verdict["en"]
    # the effect is clear, but the verdict says first that it cannot be concluded (issue 12)
    lo, hi = r.conf_int()
    assert lo > 0  # the trend, continuing after rotation, swamps the planted improvement
    assert r.caveat == "pretrend_rejected" and r.estimate_facts()["caveat"] == "pretrend_rejected"
    assert "Belum dapat disimpulkan apakah layanan memburuk karena rotasi" in r.verdict["id"]
    assert "cannot be concluded" in r.verdict["en"] and "Service got worse" not in r.verdict["en"]
    assert clean.caveat is None and "Service got better after rotation" in clean.verdict["en"]
    # a test whose measured size is out of range never enters the verdict
    monkeypatch.setattr(impact.did, "pretrend_size", lambda res: {"usable": False, "reason": "size 0.33"})
    # the same panel as ``r``: its sensitivity analysis (not read, and unchanged by the gate) is not repeated
    gated = impact.analyse(trended, cfg, n_boot=999, n_perm=199, sensitivity_window=0)
    assert gated.pretrend.pvalue == r.pretrend.pvalue and "parallel trends" not in gated.verdict["en"]
    assert gated.caveat is None


def test_raw_trends(cfg):
    data = simulate(cfg)
    from mutasi_analysis.rotation import month_label

    data["bulan"] = [month_label(t) for t in data["t"]]
    tr = impact.raw_trends(data, lang="en")
    assert list(dict.fromkeys(tr["kelompok"])) == ["2023-03", "2023-09", "2025-10", "Never rotated"]
    g = tr[tr["kelompok"] == "2023-03"]
    assert (g["n_unit"] == 4).all() and len(g) == 54
    first = data[(data["cohort"] == T0 + 14) & (data["t"] == T0)][OUT].mean()
    assert g["mean"].iloc[0] == pytest.approx(first)
    assert (tr.loc[tr["kelompok"] == "Never rotated", "n_unit"] == 6).all()


DEMO_SEEDS = range(1, 7)


@pytest.mark.simulation
@pytest.mark.slow
def test_demo_generator_effect_recovered_across_seeds(tmp_path, tmp_path_factory):
    """End to end over demo seeds 1-6: raw files -> ingest -> panel -> analyse, against truth.json.

    Checks that the generator's planted simple ATT is what the pipeline estimates. The tolerance
    is the Monte Carlo SE of the mean times the two-sided t quantile (5 df) at a false-alarm
    rate of 0.001, fixed before the seeds were run. With a per-seed SD of about 0.34 that is
    about 0.95 working days: this catches a sign error, a wrong unit or a wrong target, not a
    20% bias; the powered recovery check is tests/test_recovery.py (400 seeds, exact design).
    Six seeds because each costs a demo generation and an ingestion.
    """
    from scipy import stats

    from .conftest import DEFAULT_REGION, shared_folder
    from .recovery import replicate_demo

    # The demo sets are the test run's (tests/conftest.py demo_set: the seed's bytes, written once
    # whichever test needs them first: seeds 1-3 are read by other tests too); each is ingested here.
    reps = replicate_demo(DEFAULT_REGION, DEMO_SEEDS, tmp_path, shared=shared_folder(tmp_path_factory))
    assert (reps["status"] == "ok").all() and (reps["inference"] == "randomization").all()
    truth = reps["truth"].iloc[0]
    assert (reps["truth"] == truth).all()  # the planted effects do not depend on the seed
    est = reps["estimate"]
    n = len(est)
    tol = stats.t.isf(0.001 / 2, n - 1) * est.std(ddof=1) / np.sqrt(n)
    assert abs(est.mean() - truth) <= tol, f"mean {est.mean():.3f} vs planted {truth:.3f} (tolerance {tol:.3f})"
    assert np.sign(est.mean()) == np.sign(truth)


# ----------------------------------------------------------------------------- report tables
def test_treatment_timing_by_hand():
    panel = pd.DataFrame({"kode_unit": ["B", "B", "A", "A", "C"], "t": [1, 2, 1, 2, 1],
                          "cohort": [2024 * 12 + 2, 2024 * 12 + 2, 0, 0, 2023 * 12 + 11]})
    got = impact.treatment_timing(panel, lang="en")
    assert got.values.tolist() == [["B", "2024-03"], ["A", "Never rotated"], ["C", "2023-12"]]
    assert impact.treatment_timing(panel)["cohort"].iloc[1] == impact.LABELS["never"]["id"]
    with pytest.raises(ValueError, match="cohort"):
        impact.treatment_timing(panel.drop(columns="cohort"))


@pytest.mark.oracle
def test_treatment_timing_matches_notebook_03(cfg):
    from mutasi_analysis.rotation import month_label

    panel = simulate(cfg)
    never = impact.LABELS["never"]["en"]
    timing = panel.drop_duplicates("kode_unit")[["kode_unit", "cohort"]]
    timing["cohort"] = timing["cohort"].map(lambda c: month_label(int(c)) if c > 0 else never)
    pd.testing.assert_frame_equal(impact.treatment_timing(panel, lang="en"), timing.reset_index(drop=True))
    assert (impact.treatment_timing(panel)["cohort"] == impact.LABELS["never"]["id"]).sum() == 6


@pytest.mark.oracle
def test_methods_and_aggregates_tables_match_notebook_03(planted):
    res = planted
    # notebook 03's inline rows (method names as keys instead of display names)
    sa = res.sun_abraham.overall()
    rows = [("twfe", res.twfe.estimate, *res.twfe.conf_int(res.alpha)),
            ("callaway_santanna", res.estimate, *res.conf_int()),
            ("sun_abraham", sa.estimate, *sa.conf_int(res.alpha))]
    expected = pd.DataFrame(rows, columns=["metode", "estimate", "conf_low", "conf_high"])
    got = res.methods_table()
    pd.testing.assert_frame_equal(got, expected)
    assert got["metode"].tolist() == list(impact.METHODS)
    # the headline row carries the headline (randomization) interval, not the analytic one
    cs = got.set_index("metode").loc["callaway_santanna"]
    assert (cs["conf_low"], cs["conf_high"]) == pytest.approx(res.randomization.conf_int(res.alpha))
    assert (cs["conf_low"], cs["conf_high"]) != pytest.approx(res.aggregates["simple"].conf_int(res.alpha))
    agg = {k: a.tidy().iloc[0] for k, a in res.aggregates.items()}
    expected = pd.DataFrame([{"metode": k, "estimate": r["estimate"], "std_error": r["std_error"], "conf_low": r["conf_low"],
                              "conf_high": r["conf_high"]} for k, r in agg.items()])
    pd.testing.assert_frame_equal(res.aggregates_table(), expected)
    assert res.aggregates_table()["metode"].tolist() == ["simple", "group", "event", "calendar"]
    simple = res.aggregates_table().iloc[0]
    assert simple["estimate"] == pytest.approx(res.estimate)
    assert simple["conf_low"] == pytest.approx(simple["estimate"] - 1.959964 * simple["std_error"], abs=1e-5)


@pytest.mark.oracle
def test_gt_matrix_matches_notebook_03(planted):
    from mutasi_analysis.rotation import month_label

    res = planted
    gt = res.att_gt.tidy()
    gt = gt[gt["event_time"] >= -6].assign(kohort=gt["cohort"].map(lambda c: month_label(int(c))),
                                           event_time=gt["event_time"].astype(int))
    expected = gt.pivot(index="kohort", columns="event_time", values="estimate").astype(float)
    got = res.gt_matrix()
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    assert got.index.tolist() == expected.index.tolist() == ["2023-03", "2023-09", "2025-10"]
    assert got.columns.tolist() == expected.columns.tolist() and got.columns.min() == -6
    assert got.index.name == "cohort" and got.columns.name == "event_time"
    # one cell by hand: cohort 2023-09 (T0 + 20), event time 0, from the cell table
    t = res.att_gt.table
    cell = t[(t["cohort"] == T0 + 20) & (t["event_time"] == 0)]["estimate"].iloc[0]
    assert got.loc["2023-09", 0] == cell
    assert res.gt_matrix(min_event=0).columns.min() == 0


@pytest.mark.oracle
def test_record_fields_match_notebook_03(planted):
    from mutasi_analysis.record import to_jsonable
    from mutasi_analysis.rotation import month_label

    res = planted

    def _gt(r):
        return {"cohort": month_label(int(r.cohort)), "event_time": int(r.event_time), "post": bool(r.post),
                "estimate": r.estimate, "conf_low": r.conf_low, "conf_high": r.conf_high}

    # notebook 03's record call, without tables, headline and period
    sa = res.sun_abraham.overall()
    ci = res.conf_int()
    analytic = res.aggregates["simple"].conf_int(res.alpha)
    expected = {
        "status": res.status, "outcome": res.outcome,
        "att": res.estimate, "conf_low": ci[0], "conf_high": ci[1], "alpha": res.alpha,
        "inference": res.inference,
        "analytic_conf_low": analytic[0], "analytic_conf_high": analytic[1],
        "facts": res.estimate_facts(),
        "n_units": res.n_units, "n_treated": res.n_treated, "n_never": res.n_never, "n_control": res.n_control, "control": res.control,
        "att_gt": [_gt(r) for r in res.att_gt.tidy().itertuples()],
        "event_study": res.aggregates["event"].tidy(),
        "twfe": res.twfe.estimate,
        "sun_abraham": {"estimate": sa.estimate, "conf_low": sa.conf_int(res.alpha)[0],
                        "conf_high": sa.conf_int(res.alpha)[1]},
        "bacon": res.bacon.table,
        "wild_bootstrap_p": res.wild_bootstrap.tidy()["pvalue"].iloc[0],
        "randomization_p": res.randomization.tidy()["pvalue"].iloc[0],
        "agrees": res.agrees,
        "draws": {"randomization": {"n": res.randomization.n_perm, "enumerated": res.randomization.enumerated,
                                    "term": res.randomization.term},
                  "wild_bootstrap": {"n": res.wild_bootstrap.n_boot, "enumerated": res.wild_bootstrap.enumerated}},
        "verdict": dict(res.verdict),
        "pretrend_p": res.pretrend.pvalue, "pretrend_usable": res.pretrend_size["usable"],
        "pretrend_size": res.pretrend_size["size"],
        "sensitivity": {"restriction": "relative_magnitude", "window": 6, "breakdown": res.sensitivity.breakdown,
                        "table": res.sensitivity.table},
        "mde": None, "mde_se": None, "power_curve": [],
    }
    got = res.record_fields()
    assert got == to_jsonable(expected)
    # plain JSON already, in the types the record holds
    assert json.loads(json.dumps(got, allow_nan=False)) == got
    assert isinstance(got["att_gt"][0]["event_time"], int) and isinstance(got["att_gt"][0]["post"], bool)
    assert isinstance(got["event_study"], list) and isinstance(got["bacon"], list) and isinstance(got["att"], float)
    assert got["conf_low"] < got["att"] < got["conf_high"]
    assert len(got["att_gt"]) == len(res.att_gt.table)


def test_report_tables_without_an_estimate(cfg):
    short = impact.analyse(simulate(cfg, cohorts=(14,), sizes=(2,)), cfg)
    assert not short.ok
    assert short.methods_table().empty
    assert list(short.methods_table().columns) == ["metode", "estimate", "conf_low", "conf_high"]
    assert short.aggregates_table().empty
    assert list(short.aggregates_table().columns) == ["metode", "estimate", "std_error", "conf_low", "conf_high"]
    assert short.gt_matrix().empty
    f = short.record_fields()
    assert f["status"] == "not_enough_data" and f["att"] is None and f["conf_low"] is None
    assert f["att_gt"] == [] and f["event_study"] == [] and f["bacon"] == []
    assert f["twfe"] is None and f["sun_abraham"] is None and f["facts"] is None
    assert (f["n_treated"], f["n_never"]) == (short.n_treated, short.n_never)
    assert f["verdict"]["id"].startswith("Data belum cukup")
    json.dumps(f, allow_nan=False)


def test_only_not_enough_data_becomes_not_run(cfg, monkeypatch):
    """A did data error is a note; any other exception (a bug, a bad argument) fails loudly."""
    from mutasi_analysis import did

    def no_data(*a, **k):
        raise did.PanelDataError("needs a balanced panel")

    monkeypatch.setattr(did, "bacon", no_data)
    # Without the sensitivity step: on this panel it runs, with no note, in the module's ``planted``
    # (test_planted_effect_recovered asserts that no method there is 'not run').
    r = impact.analyse(simulate(cfg), cfg, n_boot=99, n_perm=19, sensitivity_window=0)
    assert r.ok and r.bacon is None
    note = [n for n in r.notes if n.code == "not_run"]
    assert [(n["method"], n["detail"]) for n in note] == [("bacon", "needs a balanced panel")]

    def bug(*a, **k):
        raise ValueError("operands could not be broadcast together")  # a programming error

    monkeypatch.setattr(did, "bacon", bug)
    with pytest.raises(ValueError, match="broadcast"):
        impact.analyse(simulate(cfg), cfg, n_boot=99, n_perm=19)
    monkeypatch.setattr(did, "bacon", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        impact.analyse(simulate(cfg), cfg, n_boot=99, n_perm=19)


def test_notes_are_codes_worded_at_the_presentation_layer(cfg):
    from mutasi_analysis.text import note_text

    data = simulate(cfg)
    data.loc[data.index[:3], OUT] = np.nan
    r = impact.analyse(data, cfg, n_boot=99, n_perm=19)
    assert r.notes and all(isinstance(n, impact.Note) for n in r.notes)
    miss = next(n for n in r.notes if n.code == "missing_outcome")
    assert dict(miss.params) == {"n": 3, "outcome": OUT}
    assert note_text(miss, "id").startswith("3 unit-bulan tanpa nilai")
    assert note_text(miss, "en").startswith("3 unit-month(s) without a value")
    # the record keeps the code, and the words come back from it
    stored = r.to_dict()["notes"]
    assert {"code": "missing_outcome", "n": 3, "outcome": OUT} in stored
    assert note_text(stored[0], "id") == note_text(r.notes[0], "id")
    with pytest.raises(ValueError, match="unknown note code"):
        impact.Note("made_up")
    with pytest.raises(ValueError, match="needs parameter"):
        impact.Note("missing_outcome", {"n": 1})


def test_renamed_draws_keyword(cfg):
    data = simulate(cfg)
    # without the sensitivity analysis (not read; on this panel it runs in the module's ``planted``)
    new = impact.analyse(data, cfg, n_boot=99, n_perm=19, sensitivity_window=0)
    with pytest.warns(DeprecationWarning, match="'B' is deprecated.*'n_boot'"):
        old = impact.analyse(data, cfg, B=99, n_perm=19, sensitivity_window=0)
    assert old.wild_bootstrap.pvalue == new.wild_bootstrap.pvalue
    assert new.wild_bootstrap.n_boot == 99 and new.att_gt.call["n_boot"] == 0


def test_sensitivity_is_the_event_study_of_the_first_months(cfg, planted):
    """impact.sensitivity cuts the Sun-Abraham event study (reference month -1, CRV1) to
    +-window months and bounds the average of its post months."""
    hd = planted.sensitivity
    assert hd is not None and hd.restriction == "relative_magnitude" and hd.num_pre == 6 and hd.num_post == 6
    assert list(hd.event_times) == [-7, -6, -5, -4, -3, -2, 0, 1, 2, 3, 4, 5]
    tab = planted.sun_abraham.table.set_index("event_time")
    assert hd.original["estimate"].iloc[0] == pytest.approx(tab.loc[0:5, "estimate"].mean(), rel=1e-12)
    # its standard error is the CRV1 one of that average, not att_gt's influence-function one
    V = planted.sun_abraham.vcov()
    rows = np.isin(planted.sun_abraham.table["event_time"].to_numpy(), range(6))
    w = rows / rows.sum()
    assert hd.original["std_error"].iloc[0] == pytest.approx(float(np.sqrt(w @ V @ w)), rel=1e-9)
    assert list(hd.table["M"]) == list(impact.SENSITIVITY_MBAR)
    # the planted effect (-1.5, noise 0.7) is clear in the first six months: robust at Mbar = 0
    assert hd.table["conf_high"].iloc[0] < 0 and hd.breakdown is not None
    f = planted.record_fields()["sensitivity"]
    assert f["breakdown"] == hd.breakdown and f["window"] == 6 and len(f["table"]) == len(impact.SENSITIVITY_MBAR)
    off = impact.analyse(simulate(cfg), cfg, n_boot=99, n_perm=19, sensitivity_window=0)
    assert off.sensitivity is None and off.estimate == planted.estimate


def test_sensitivity_data_problems_are_not_enough_data(planted):
    import types

    from mutasi_analysis import did

    sa = planted.sun_abraham
    gap = types.SimpleNamespace(table=sa.table[sa.table["event_time"] != -4], vcov=lambda: np.delete(
        np.delete(sa.vcov(), np.flatnonzero(sa.table["event_time"] == -4), 0),
        np.flatnonzero(sa.table["event_time"] == -4), 1))
    with pytest.raises(did.PanelDataError, match="lacks a month"):
        impact.sensitivity(gap)
    nan = types.SimpleNamespace(table=sa.table.assign(estimate=np.nan), vcov=sa.vcov)
    with pytest.raises(did.PanelDataError, match="not finite"):
        impact.sensitivity(nan)
    with pytest.raises(ValueError, match="at least 2"):
        impact.sensitivity(sa, window=1)


def test_sensitivity_sentence_cases():
    """The sentence follows the result, and speaks of the short-run effect, not the verdict."""
    from mutasi_analysis import did
    from mutasi_analysis.text import sensitivity_text

    sigma = np.eye(4) * 0.01
    flat_pre = [0.0, 0.05, -0.05]  # small pre-period moves: a large effect survives a lot

    def hd(pre, post):
        return did.honest_did(betahat=np.array(pre + [post]), sigma=sigma, num_pre=3, num_post=1,
                              M=list(impact.SENSITIVITY_MBAR))

    holds = hd([0.3, -0.3, 0.3], -0.5)
    assert holds.breakdown and holds.breakdown > 0.1
    b = f"{holds.breakdown:.1f}"
    assert f"melebihi {b.replace('.', ',')} kali" in sensitivity_text(holds, "id")
    assert f"exceeds {b} times" in sensitivity_text(holds, "en")
    null = hd(flat_pre, 0.0)
    assert "bahkan bila tren sejajar" in sensitivity_text(null, "id") and "even if parallel" in sensitivity_text(null, "en")
    fragile = hd([2.0, -2.0, 2.0], -0.5)  # pre-periods swing by 4: Mbar = 0.1 already allows 0.4
    assert fragile.breakdown == 0.0
    assert "benar-benar sejajar" in sensitivity_text(fragile, "id") and "exactly parallel" in sensitivity_text(fragile, "en")
    # the original interval just excludes zero, the robust one at Mbar = 0 does not
    edge = hd(flat_pre, -0.197)
    assert edge.original["conf_high"].iloc[0] < 0 and edge.breakdown is None
    assert "tanpa penyimpangan apa pun" in sensitivity_text(edge, "id")
    assert "no drift at all" in sensitivity_text(edge, "en")
    for r in (holds, null, fragile, edge):
        assert "verdict" not in sensitivity_text(r, "en") and "kesimpulan" not in sensitivity_text(r, "id")


@pytest.mark.simulation
def test_next_wave_power_repeats_the_observed_rollout(cfg, planted):
    """The MDE is that of the observed rollout at the analysis's alpha; power at the MDE is the
    target within Monte Carlo error, and an effect as large as the planted one is detected."""
    data = simulate(cfg)
    pw = impact.next_wave_power(data, planted, n_sim=300, n_perm=199, seed=1)
    assert pw.alpha == planted.alpha and pw.n_sim == 300
    assert pw.call["design"] == {u: int(c) for u, c in data.groupby("kode_unit")["cohort"].first().items() if c > 0}
    # residual SD 0.7, 11 of 17 offices rotated for years: a detectable change well under 1.5
    assert 0 < abs(pw.mde) < 1.5
    f = planted.record_fields(power=pw)
    assert f["mde"] == pw.mde and f["mde_se"] == pw.mde_se and f["power_curve"]
    short = impact.analyse(simulate(cfg, cohorts=(14,), sizes=(2,)), cfg)
    assert impact.next_wave_power(data, short) is None


def test_next_wave_power_uses_the_headline_test_and_balanced_offices(cfg):
    """With months missing, power runs on the offices observed every month (as randomization
    inference does); under the not-yet-treated fallback it simulates the TWFE statistic."""
    data = simulate(cfg)
    gone = data.index[(data["kode_unit"] == cfg.unit_codes[-1]) & (data["t"] == T0 + 3)]
    data.loc[gone, OUT] = np.nan
    r = impact.analyse(data, cfg, n_boot=99, n_perm=99)
    pw = impact.next_wave_power(data, r, n_sim=100, n_perm=99, seed=1)
    assert pw is not None and pw.n_units == r.n_units - 1
    fallback = simulate(cfg, cohorts=(14, 20, 45), sizes=(5, 5, 5))
    # the panel of test_fallback_to_not_yet_treated, whose analysis runs the sensitivity step (not read here)
    r2 = impact.analyse(fallback, cfg, n_boot=99, n_perm=99, sensitivity_window=0)
    assert r2.control == "notyet" and r2.randomization.term == "twfe"
    assert impact.next_wave_power(fallback, r2, n_sim=100, n_perm=99, seed=1).term == "twfe"


def test_verdict_gives_direction_and_baseline_in_words(cfg, planted):
    """'lowers ... from B before rotation in the rotated units to about B + estimate' (issue 12),
    with B the mean of the rotated units' months before their rotation."""
    data = simulate(cfg)
    before = data[(data["cohort"] > 0) & (data["t"] < data["cohort"])][OUT].mean()
    est = planted.estimate
    assert est < 0
    en, id_ = planted.verdict["en"], planted.verdict["id"]
    assert f"is estimated to lower the mean working days to first response by {abs(est):.2f}" in en
    assert f"from an average of {before:.2f} before rotation in the rotated units to about {before + est:.2f}" in en
    assert f"diperkirakan menurunkan rata-rata waktu respons pertama (hari kerja) sebesar {abs(est):.2f}".replace(
        ".", ",") in id_
    assert f"dari rata-rata {before:.2f} sebelum rotasi di unit perlakuan menjadi sekitar {before + est:.2f}".replace(
        ".", ",") in id_
    # a higher-is-better share is written in percent, direction "raise"
    share = simulate(cfg, outcome="share_tepat_waktu", effect=1.5)
    share["share_tepat_waktu"] = share["share_tepat_waktu"] / 10  # levels about 0.5, effect 0.15
    r = impact.analyse(share, cfg, n_boot=99, n_perm=99)
    assert "is estimated to raise" in r.verdict["en"] and "percentage points, from an average of" in r.verdict["en"]
    assert "%" in r.verdict["en"].split("from an average of", 1)[1].split("(", 1)[0]
