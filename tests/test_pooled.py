"""The pooled analysis of many regions (:mod:`mutasi_analysis.pooled`).

Thresholds were fixed before any replication was run, at a false-alarm rate of
:data:`FALSE_ALARM` per check (as ``tests/recovery.py``):

- **Coverage across 30 regions** (simulation): :func:`simulate_regions` draws 30 regions of
  10 to 17 offices, three common adoption months, office and month fixed effects, and an
  effect that varies by office (:data:`OFFICE_HETEROGENEITY`). Over :data:`N_REPS`
  replications the office-clustered 95% interval must cover the truth at least
  ``binom.ppf(FALSE_ALARM, N_REPS, 0.95)`` times, and the mean estimate must lie within
  ``z(FALSE_ALARM/2)`` Monte Carlo SEs of the truth (``tests.recovery.check``, each
  replication moved by its own truth). The same check fails on the intervals shrunk to 0.8 of
  their width (``tests.recovery.inject``).
- **Region-level heterogeneity** (:data:`REGION_HETEROGENEITY`, the effect differing by
  region): the bias check and the coverage floor on :data:`N_REPS_REGION` replications. Here
  the office interval is conservative for the ATT of the regions at hand (offices are drawn
  within fixed regions, a stratified draw, while the influence-function variance treats the
  offices as one pool: 96.9% measured over 800 replications) and too narrow for the mean
  effect of a population of regions (76%), which is what the region-clustered interval is
  for (93.8%); all measured in ``benchmarks/pooled_coverage.py`` (more replications, region-month shocks). The 0.8
  check is made on the first design, where the interval is meant to be exact.
- **Recovery on the demo** (simulation, end to end): ``write_demo_regions`` in a temporary
  project, ``ingest`` per region, ``region_part``, ``write_pooled_inputs``, ``pooled_did``,
  for demo seeds :data:`DEMO_SEEDS` of :data:`DEMO_REGIONS` regions; the mean of
  ``estimate - att_pooled`` must lie within ``z(FALSE_ALARM/2)`` times the SE of that mean
  (from each seed's office-clustered SE, whose coverage the study above checks). This
  catches a sign error, a wrong unit, a wrong window or a wrong target, not a 20% bias.

Runtime: the demo set costs about 15 s (generation and ingestion of
:data:`DEMO_REGIONS` regions) and the coverage study about 15 s for :data:`N_REPS`
replications; the file runs in well under a minute with ``-n 2``. That is why the study has
400 replications here (at a true 95% the shrunk interval, about 88%, is caught with
probability about 0.97 at R = 400), 100 in the region-heterogeneity check (bias only matters
there) and one demo seed (the several-seed recovery is the simulator's: a demo set of three regions
costs about 17 s of CPU, generation and ingestion; seeds 101-103, kept apart, were run by hand:
see benchmarks/README.md).
"""

from __future__ import annotations

import json
import shutil
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mutasi_analysis import did, pooled
from mutasi_analysis.config import RegionConfig, load_config
from mutasi_analysis.errors import MutasiError
from mutasi_analysis.processed import data_end

from .conftest import require_module
from .recovery import check, inject

FALSE_ALARM = 0.001  # per check, fixed before any replication was run
N_REPS = 400
REP_SEEDS = range(1, N_REPS + 1)
DEMO_SEEDS = (1,)
DEMO_REGIONS = 3
T0 = 2022 * 12
OUTCOME = "respon_hari_kerja_mean"


# --------------------------------------------------------------------------------------
# the fast simulator (shared with benchmarks/pooled_coverage.py)
# --------------------------------------------------------------------------------------
def simulate_regions(seed: int, n_regions: int = 30, n_months: int = 48, cohorts=(12, 20, 30),
                     mean_effect: float = -1.5, region_sd: float = 0.6, office_sd: float = 0.2,
                     noise: float = 0.8, region_month_sd: float = 0.0, labels: bool = True) -> tuple[pd.DataFrame, float]:
    """A stacked pooled panel and its planted simple ATT.

    Each region has 10 to 17 offices; each office is never rotated (probability 0.35) or joins
    one of the common ``cohorts`` (months after ``T0``). Outcome = office FE + month FE
    (common) + region-month shock (sd ``region_month_sd``, 0 by default) + effect after
    rotation + noise. The effect of office i in region r is ``mean_effect + N(0, region_sd) +
    N(0, office_sd)``, constant after rotation. The truth is the simple ATT of ``att_gt`` on
    the planted effects: treated offices weighted by their number of post-rotation months.
    """
    rng = np.random.default_rng([seed, 14])
    months = np.arange(T0, T0 + n_months)
    tfe = rng.normal(0, 0.5, n_months)
    sizes = rng.integers(10, 18, n_regions)
    region = np.repeat(np.arange(n_regions), sizes)
    n = int(sizes.sum())
    tau_r = mean_effect + rng.normal(0, region_sd, n_regions)
    tau = tau_r[region] + rng.normal(0, office_sd, n)
    choice = rng.choice(len(cohorts) + 1, size=n, p=[0.35] + [0.65 / len(cohorts)] * len(cohorts))
    coh = np.where(choice == 0, 0, T0 + np.asarray((0, *cohorts))[choice])
    shock = rng.normal(0, region_month_sd, (n_regions, n_months))[region] if region_month_sd else 0.0
    post = (coh[:, None] > 0) & (months[None, :] >= coh[:, None])
    y = (rng.normal(5, 1, n)[:, None] + tfe[None, :] + shock + tau[:, None] * post
         + rng.normal(0, noise, (n, n_months)))
    if labels:
        within = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        codes = np.array([f"w{r:02d}" for r in range(n_regions)])[region]
        units = np.char.add(np.char.add(codes, ".u"), np.char.zfill(within.astype(str), 2))
    else:  # integer codes: the same estimates, several times faster to group (the coverage loops)
        codes, units = region, np.arange(n)
    panel = pd.DataFrame({"kode_wilayah": np.repeat(codes, n_months), "kode_unit": np.repeat(units, n_months),
                          "t": np.tile(months, n), "cohort": np.repeat(coh, n_months), OUTCOME: y.ravel()})
    # The target of the office-clustered interval: regions (and their effects) fixed, offices
    # drawn within them (their cohort and their own deviation). Every office has the same
    # expected post-rotation months, so it is the office-weighted mean of the region effects.
    truth = float(np.sum(sizes * tau_r) / n)
    panel.attrs["planted"] = float((tau[:, None] * post).sum() / post.sum())  # the draw's own ATT
    return panel, truth


@lru_cache(maxsize=1)
def _sim_config(n_regions: int = 30) -> RegionConfig:
    units = [{"code": f"w{r:02d}.u{i:02d}", "name": f"u{i}", "type": "kantor_kelurahan"}
             for r in range(n_regions) for i in range(17)]
    return RegionConfig.model_validate({"region": {"code": "_gabungan", "name": "sim"}, "units": units})


def sim_data(panel: pd.DataFrame) -> pooled.PooledData:
    """A :class:`pooled.PooledData` around a simulated panel (empty IKM and compliance)."""
    codes = sorted(panel["kode_wilayah"].unique())
    n_unit = panel.groupby("kode_wilayah")["kode_unit"].nunique()
    wilayah = pd.DataFrame({"kode_wilayah": codes, "nama_wilayah": codes, "outcome": OUTCOME,
                            "n_unit": [int(n_unit[c]) for c in codes]})
    return pooled.PooledData(panel=panel, ikm=pd.DataFrame(), kepatuhan=pd.DataFrame(), wilayah=wilayah,
                             config=_sim_config())


def replicate(seed: int, region_check: bool = False, wild_bootstrap: bool = False, **sim) -> dict:
    """One replication: the pooled DiD's office- (and region-) clustered intervals and the truth."""
    panel, truth = simulate_regions(seed, labels=False, **sim)
    r = pooled.pooled_did(sim_data(panel), region_check=region_check, wild_bootstrap=wild_bootstrap, n_boot=999,
                          seed=seed)
    t = r.tidy().set_index("inference")
    out = {"seed": seed, "truth": truth, "planted": panel.attrs["planted"], "estimate": r.estimate,
           "conf_low": t.loc["office", "conf_low"], "conf_high": t.loc["office", "conf_high"]}
    if region_check:
        out.update(region_low=t.loc["region_analytic", "conf_low"], region_high=t.loc["region_analytic", "conf_high"])
    if wild_bootstrap and "region_wild_bootstrap" in t.index:
        out.update(wcb_low=t.loc["region_wild_bootstrap", "conf_low"], wcb_high=t.loc["region_wild_bootstrap", "conf_high"])
    return out


MEAN_EFFECT = -1.5  # simulate_regions' default mean effect


def centred(reps: pd.DataFrame) -> pd.DataFrame:
    """Estimates and intervals moved by ``MEAN_EFFECT - truth`` of their replication, so that
    every replication has the same truth, ``MEAN_EFFECT``, for ``tests.recovery.check``."""
    out = reps.copy()
    for c in ("estimate", "conf_low", "conf_high"):
        out[c] = reps[c] - reps["truth"] + MEAN_EFFECT
    return out


#: The study's design: the effect varies by office (sd 0.6), independently of the region,
#: so that offices are independent draws, the premise of office clustering.
OFFICE_HETEROGENEITY = {"region_sd": 0.0, "office_sd": 0.6}
#: The design with the effect varying by region (sd 0.6) and a little by office (0.2).
REGION_HETEROGENEITY = {"region_sd": 0.6, "office_sd": 0.2}
N_REPS_REGION = 100


@pytest.mark.simulation
@pytest.mark.slow
def test_pooled_att_recovered_and_office_ci_covers_across_30_regions():
    study = pd.DataFrame([replicate(s, **OFFICE_HETEROGENEITY) for s in REP_SEEDS])
    v = check(centred(study), truth=MEAN_EFFECT, false_alarm=FALSE_ALARM)
    assert v.failures == ()
    assert v.covered >= v.coverage_floor
    # The same check on a broken interval (0.8 of its width) must fail on coverage.
    broken = check(inject(centred(study), "interval shrunk to 0.8"), truth=MEAN_EFFECT, false_alarm=FALSE_ALARM)
    assert any(f.startswith("coverage") for f in broken.failures), broken


@pytest.mark.simulation
@pytest.mark.slow
def test_pooled_att_recovered_with_region_heterogeneity():
    """Regions' effects differ: the estimate still recovers the regions' ATT, and the office
    interval covers it at least at the floor (it is conservative here: module docstring)."""
    reps = pd.DataFrame([replicate(s, **REGION_HETEROGENEITY) for s in range(10_001, 10_001 + N_REPS_REGION)])
    v = check(centred(reps), truth=MEAN_EFFECT, false_alarm=FALSE_ALARM)
    assert v.failures == ()


# --------------------------------------------------------------------------------------
# oracles and peers
# --------------------------------------------------------------------------------------
@pytest.mark.oracle
def test_pooled_att_gt_equals_att_gt_on_the_stacked_panel():
    panel, _ = simulate_regions(7, n_regions=8)
    r = pooled.pooled_did(sim_data(panel), wild_bootstrap=False)
    by_hand = did.att_gt(panel, OUTCOME, "kode_unit", "t", "cohort", control="never")
    simple = by_hand.aggregate("simple")
    assert r.estimate == pytest.approx(simple.estimate, rel=1e-12)
    assert r.simple.std_error == pytest.approx(simple.std_error, rel=1e-12)
    ev = by_hand.aggregate("event").tidy()
    assert np.allclose(r.event.tidy()["estimate"], ev["estimate"], rtol=1e-12)
    region = did.att_gt(panel, OUTCOME, "kode_unit", "t", "cohort", cluster="kode_wilayah").aggregate("simple")
    row = r.tidy().set_index("inference").loc["region_analytic"]
    assert row["std_error"] == pytest.approx(region.std_error, rel=1e-12)
    q = stats.t.ppf(0.975, 7)
    assert row["conf_high"] - row["conf_low"] == pytest.approx(2 * q * region.std_error, rel=1e-12)
    d = r.to_dict()
    assert d["call"]["align"] == "common" and d["n_regions"] == 8 and d["table"][0]["inference"] == "office"
    assert "Pooled staggered DiD" in r.summary()


@pytest.mark.oracle
def test_common_window_keeps_the_months_every_region_covers():
    panel, _ = simulate_regions(3, n_regions=3)
    late = panel["kode_wilayah"].eq("w00") & panel["t"].lt(T0 + 6)  # w00 starts 6 months later
    cut = panel[~late]
    r = pooled.pooled_did(sim_data(cut), wild_bootstrap=False)
    assert (r.window["t_start"], r.window["t_end"]) == (T0 + 6, T0 + 47)
    by_hand = did.att_gt(cut[cut["t"] >= T0 + 6], OUTCOME, "kode_unit", "t", "cohort").aggregate("simple")
    assert r.estimate == pytest.approx(by_hand.estimate, rel=1e-12)
    union = pooled.pooled_did(sim_data(cut), align="union", wild_bootstrap=False)
    assert union.window["t_start"] == T0 and union.n_obs == len(cut)


def _dl_by_hand(y, v):
    """DerSimonian-Laird tau^2, written out (Borenstein et al. 2009, eq. 12.2-12.5)."""
    w = 1 / v
    mu = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - mu) ** 2)
    c = np.sum(w) - np.sum(w ** 2) / np.sum(w)
    return max(0.0, (q - (len(y) - 1)) / c)


@pytest.mark.oracle
def test_shrinkage_matches_closed_forms():
    # Equal variances v: both DL and Paule-Mandel give tau^2 = max(0, s^2 - v) (s^2 the sample
    # variance of the estimates), the posterior mean B*y + (1-B)*ybar with B = tau^2/(tau^2+v).
    panel, _ = simulate_regions(11, n_regions=10, region_sd=1.0)
    data = sim_data(panel)
    for method in ("dl", "pm"):
        res = pooled.shrink_by_region(data, method_re=method)
        t = res.table
        assert (t["status"] == "ok").all()
        y, se = t["estimate"].to_numpy(), t["std_error"].to_numpy()
        if method == "dl":
            assert res.tau2 == pytest.approx(_dl_by_hand(y, se ** 2), rel=1e-10)
        w = 1 / (se ** 2 + res.tau2)
        mu = np.sum(w * y) / np.sum(w)
        assert res.mean == pytest.approx(mu, rel=1e-10)
        B = res.tau2 / (res.tau2 + se ** 2)
        assert np.allclose(t["shrunk"], B * y + (1 - B) * mu, rtol=1e-10)
        assert np.allclose(t["shrunk_sd"], np.sqrt(B * se ** 2 + (1 - B) ** 2 / np.sum(w)), rtol=1e-10)
        # each region's own ATT is att_gt on its offices
        own = did.att_gt(panel[panel["kode_wilayah"] == "w03"], OUTCOME, "kode_unit", "t", "cohort",
                         control=t.set_index("kode_wilayah").loc["w03", "control"]).aggregate("simple")
        assert t.set_index("kode_wilayah").loc["w03", "estimate"] == pytest.approx(own.estimate, rel=1e-12)


@pytest.mark.oracle
def test_equal_variances_give_the_textbook_formula():
    from statsmodels.stats.meta_analysis import combine_effects

    y, v = np.array([-2.0, -1.0, -0.5, -1.8, 0.3]), 0.2
    s2 = np.var(y, ddof=1)
    for method in ("dl", "pm"):
        res = combine_effects(y, np.full(5, v), method_re=method)
        assert res.tau2 == pytest.approx(max(0.0, s2 - v), rel=1e-6)


@pytest.mark.oracle
def test_regions_without_an_own_att_are_listed_with_the_reason():
    panel, _ = simulate_regions(5, n_regions=5)
    # w01: every office never rotated; w02: only one rotated office.
    panel.loc[panel["kode_wilayah"] == "w01", "cohort"] = 0
    w2 = panel["kode_wilayah"] == "w02"
    first = panel.loc[w2, "kode_unit"].unique()[0]
    panel.loc[w2, "cohort"] = np.where(panel.loc[w2, "kode_unit"] == first, T0 + 20, 0)
    t = pooled.shrink_by_region(sim_data(panel)).table.set_index("kode_wilayah")
    assert len(t) == 5
    assert t.loc["w01", "reason"] == "few_treated" and t.loc["w02", "reason"] == "few_treated"
    assert np.isnan(t.loc["w01", "estimate"]) and np.isfinite(t.loc["w01", "shrunk"])
    assert set(t["reason"].dropna()) <= set(pooled.NOT_ESTIMATED_REASONS)


@pytest.mark.peer
def test_region_clustered_se_agrees_with_pyfixest_on_the_2x2():
    """With one cohort and two periods, the simple ATT is the 2x2 DiD coefficient and its
    influence-function SE, summed by region with G/(G-1), is CRV1 up to the (N-1)/(N-K)
    factor that pyfixest applies and influence functions do not."""
    pf = require_module("pyfixest", "peer for region-clustered standard errors")
    panel, _ = simulate_regions(9, n_regions=12, n_months=2, cohorts=(1,))
    r = pooled.pooled_did(sim_data(panel), wild_bootstrap=False)
    row = r.tidy().set_index("inference").loc["region_analytic"]
    d = panel.assign(post=(panel["t"] == T0 + 1).astype(int), treat=(panel["cohort"] > 0).astype(int))
    d["did"] = d["post"] * d["treat"]
    fit = pf.feols(f"{OUTCOME} ~ did | kode_unit + t", data=d, vcov={"CRV1": "kode_wilayah"},
                   ssc=pf.ssc(adj=False, cluster_adj=True))
    assert row["estimate"] == pytest.approx(float(fit.coef()["did"]), rel=1e-10)
    assert row["std_error"] == pytest.approx(float(fit.se()["did"]), rel=1e-6)


@pytest.mark.oracle
def test_league_table_ranks_flags_and_suppresses_small_regions():
    panel, _ = simulate_regions(2, n_regions=4)
    data = sim_data(panel)
    ikm = pd.DataFrame({"kode_wilayah": ["w00", "w01", "w02", "w03"], "n_responden": [120, 3, 80, 200],
                        "ikm": [80.0, 95.0, 88.0, 70.0], "mutu": list("BABC"),
                        "conf_low": [78.0, 90.0, 87.0, 69.0], "conf_high": [82.0, 99.0, 89.0, 71.0]})
    kep = pd.DataFrame({"kode_wilayah": ["w00", "w01", "w02", "w03"], "n_mutasi": [20, 10, 0, 4],
                        "n_patuh": [18, 5, 0, 4]})
    data = pooled.PooledData(panel=panel, ikm=ikm, kepatuhan=kep, wilayah=data.wilayah, config=data.config)
    t = pooled.league_table(data, "ikm").set_index("kode_wilayah")
    assert t.loc["w01", "small"] and np.isnan(t.loc["w01", "estimate"]) and pd.isna(t.loc["w01", "rank"])
    assert [t.loc[c, "rank"] for c in ("w02", "w00", "w03")] == [1, 2, 3]
    assert (t.loc["w02", "rank_low"], t.loc["w02", "rank_high"]) == (1, 1)
    k = pooled.league_table(data, "kepatuhan").set_index("kode_wilayah")
    assert k.loc["w00", "estimate"] == pytest.approx(0.9) and k.loc["w01", "rank"] == 2
    assert k.loc["w02", "small"] and k.loc["w03", "small"]  # 0 and 4 moves < min_cell_size 5
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(18, 20, alpha=0.05, method="wilson")
    assert (k.loc["w00", "conf_low"], k.loc["w00", "conf_high"]) == pytest.approx((lo, hi))
    with pytest.raises(ValueError, match="measure"):
        pooled.league_table(data, "gaji")


# --------------------------------------------------------------------------------------
# end to end on the demo regions
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_sets(tmp_path_factory):
    """Demo regions -> ingestion -> parts -> pooled inputs (conftest.pooled_demo: made once per
    test run and shared with tests/reporting/test_pooled_report.py; read only)."""
    from .conftest import pooled_demo, shared_folder

    return {s: pooled_demo(shared_folder(tmp_path_factory), DEMO_REGIONS, s) for s in DEMO_SEEDS}


@pytest.mark.simulation
@pytest.mark.slow
def test_demo_pooled_effect_recovered(demo_sets):
    diffs, ses = [], []
    for s, d in demo_sets.items():
        r = pooled.pooled_did(d["out"], wild_bootstrap=False)
        diffs.append(r.estimate - d["truth"]["att_pooled"])
        ses.append(r.simple.std_error)
    tol = stats.norm.isf(FALSE_ALARM / 2) * np.sqrt(np.sum(np.square(ses))) / len(ses)
    assert abs(np.mean(diffs)) <= tol, (diffs, ses, tol)


@pytest.mark.slow
def test_region_part_holds_aggregates_only(demo_sets):
    d = demo_sets[DEMO_SEEDS[0]]
    personal = {"pid", "nip", "nama", "id_responden", "id_laporan", "nomor_sk", "tahun_lahir", "komentar"}
    for part in d["parts"]:
        for name in ("meta", "panel", "ikm", "kepatuhan"):
            frame = getattr(part, name)
            assert not personal & {c.lower() for c in frame.columns}, (part.code, name)
            for col in frame.columns:  # no cell looks like a pseudonym or a NIP
                if frame[col].dtype == object:
                    assert not frame[col].astype(str).str.fullmatch(r"\d{18}").any(), (name, col)
        assert part.panel["kode_unit"].str.startswith(part.code + ".").all()
        assert len(part.meta) == len(part.ikm) == len(part.kepatuhan) == 1
    import pickle

    again = pickle.loads(pickle.dumps(d["parts"][0]))
    pd.testing.assert_frame_equal(again.panel, d["parts"][0].panel)


@pytest.mark.slow
def test_region_part_panel_is_the_section_03_panel(demo_sets):
    from mutasi_analysis import impact
    from mutasi_analysis.periods import parse_period
    from mutasi_analysis.processed import load_processed

    d = demo_sets[DEMO_SEEDS[0]]
    part = d["parts"][0]
    cfg = d["configs"][part.code]
    proc = load_processed(Path(d["out"]).parents[1] / part.code / "processed")
    mine = impact.build_panel(proc.pengaduan, proc.riwayat_jabatan, cfg, end=parse_period("2026-S1", "semester").end)
    assert part.panel["kode_unit_asal"].tolist() == mine["kode_unit"].tolist()
    assert np.allclose(part.panel[OUTCOME], mine[OUTCOME], equal_nan=True)
    assert (part.panel["cohort"].to_numpy() == mine["cohort"].fillna(0).to_numpy()).all()


@pytest.mark.slow
def test_pooled_inputs_folder_contract(demo_sets, tmp_path):
    from mutasi_analysis.reporting.pipeline import data_span

    d = demo_sets[DEMO_SEEDS[0]]
    out = tmp_path / "processed"  # a copy: the shared folder is read only
    shutil.copytree(d["out"], out, ignore=shutil.ignore_patterns(".*"))
    assert sorted(p.name for p in out.iterdir()) == sorted(pooled.POOLED_FILES)
    cfg = load_config(out / "region.toml")
    assert cfg.region.code == "_gabungan" and cfg.region.name == f"Gabungan {DEMO_REGIONS} wilayah"
    assert cfg.period.kind == "semester"
    assert len(cfg.units) == sum(int(p.meta["n_unit"].iloc[0]) for p in d["parts"])
    assert data_end(out) is not None and data_span(out) is None  # no service tables: no coverage refusal
    summary = json.loads((out / "ingest_summary.json").read_text(encoding="utf-8"))
    assert [r["kode_wilayah"] for r in summary["regions"]] == [p.code for p in d["parts"]]
    assert all(len(r["inputs_sha256"]) == 64 for r in summary["regions"])
    data = pooled.load_pooled(out)
    assert data.regions == tuple(p.code for p in d["parts"])
    res = pooled.analyse_pooled(data, n_boot=99, wild_bootstrap=False)
    facts = res.facts()
    assert facts["n_regions"] == DEMO_REGIONS and facts["att"] == pytest.approx(res.did.estimate)
    json.dumps(res.to_dict())
    # Written again: the folder is replaced whole, a README kept, and the same parts give the same
    # bytes (the report hashes this folder: a rerun of the batch must find its pooled report up to date).
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "README.md").write_text("x", encoding="utf-8")
    pooled.write_pooled_inputs(d["parts"], out)
    assert (out / "README.md").is_file() and not list(out.parent.glob(f".{out.name}.tmp-*"))
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != "README.md"} == before


def test_mismatched_period_kinds_refused_in_one_line(demo_sets, tmp_path):
    parts = demo_sets[DEMO_SEEDS[0]]["parts"]
    other = parts[1]
    meta = other.meta.assign(jenis_periode="quarter")
    odd = pooled.RegionPart(code=other.code, meta=meta, panel=other.panel, ikm=other.ikm, kepatuhan=other.kepatuhan)
    with pytest.raises(MutasiError) as exc:
        pooled.write_pooled_inputs([parts[0], odd], tmp_path / "x")
    msg = str(exc.value)
    assert "\n" not in msg and other.code in msg and parts[0].code in msg and "period kinds" in msg


def test_personal_columns_refused():
    with pytest.raises(ValueError, match="personal"):
        pooled.RegionPart(code="a", meta=pd.DataFrame(), panel=pd.DataFrame({"pid": ["x"]}), ikm=pd.DataFrame(),
                          kepatuhan=pd.DataFrame())



@pytest.mark.oracle
def test_two_regions_give_finite_intervals_or_say_why_not():
    """With two regions the wild cluster bootstrap finds no bound: it is left out with a note, so
    that every interval the report shows is finite (the record refuses infinite numbers); the
    I^2 of the shrinkage is never negative."""
    panel, _ = simulate_regions(3, n_regions=2)
    r = pooled.pooled_did(sim_data(panel), n_boot=999, seed=3)
    t = r.tidy()
    assert np.isfinite(t[["estimate", "conf_low", "conf_high"]].to_numpy(dtype=float)).all()
    assert "region_wild_bootstrap" in set(t["inference"]) or "region_check_not_run:unbounded_interval" in r.notes
    sh = pooled.shrink_by_region(sim_data(panel))
    assert np.isnan(sh.i2) or 0.0 <= sh.i2 <= 1.0
