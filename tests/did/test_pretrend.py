"""Pre-trend tests: R did's published Wald pre-test, its algebra, size and power on simulated
panels; the randomization pre-test over adoption dates and the recorded-size gate.

The reference p-value and its provenance (the did and twfeweights READMEs; analytic variance):
tests/did/r_reference.py. The randomization pre-test is checked by oracle (an independent
one-way ANOVA computation of its statistic and a brute-force count over all orderings; the
p-value's exact uniform distribution over the enumerated assignments; invariance to every
outcome from the first adoption on) and by simulation (size at 300 replications within
binomial bounds fixed in advance, power against a planted pre-trend).
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mutasi_analysis.did import PanelDataError, att_gt, pretrend_randomization_test, pretrend_size, pretrend_test
from mutasi_analysis.did.pretrend import SIZE_BOUNDS
from tests.did.conftest import simulate_staggered_panel
from tests.did.r_reference import MPDTA, R_DID_PRETEST_PVALUE


@pytest.mark.reference
@pytest.mark.parametrize("base_period", ["varying", "universal"])
def test_mpdta_pretest_matches_r_did(mpdta, base_period):
    # summary(att_gt(...)): "P-value for pre-test of parallel trends assumption: 0.16812", in the
    # did README (varying base period) and the twfeweights README (universal); R rounds to 5 digits.
    res = pretrend_test(att_gt(mpdta, **MPDTA, base_period=base_period))
    assert res.pvalue == pytest.approx(R_DID_PRETEST_PVALUE, abs=5e-6)
    assert res.df == 5  # 2006: two pre-period cells, 2007: three
    assert len(res.table) == 5


def test_single_pre_period_is_squared_t_statistic():
    d = simulate_staggered_panel(200, 4, cohorts=[3], seed=2)
    r = att_gt(d, "y", "unit", "time", "cohort")
    pre = r.table[r.table["time"] < r.table["cohort"]]
    assert len(pre) == 1
    t = pre["estimate"].iloc[0] / pre["std_error"].iloc[0]
    res = pretrend_test(r)
    assert res.statistic == pytest.approx(t ** 2, rel=1e-10)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(t)), rel=1e-8)


def _pretest_pvalues(n_units, reps, seed0):
    return np.array([pretrend_test(att_gt(simulate_staggered_panel(n_units, 6, seed=seed0 + r), "y", "unit",
                                          "time", "cohort")).pvalue for r in range(reps)])


@pytest.mark.simulation
def test_size_under_parallel_trends_in_large_samples():
    assert 0.015 <= np.mean(_pretest_pvalues(1000, 200, 300) < 0.05) <= 0.09


@pytest.mark.simulation
def test_small_sample_over_rejection_stated_in_docstring():
    # The docstring warns that with ~10 units per cohort and 10 pre-period cells the 5% test
    # rejects a true null far too often; keep that statement true.
    size = np.mean(_pretest_pvalues(60, 150, 300) < 0.05)
    assert size > 0.15
    assert "Over-rejects in small samples" in pretrend_test.__doc__


@pytest.mark.simulation
def test_power_against_differential_pretrends():
    d = simulate_staggered_panel(400, 8, seed=3)
    d["y"] = d["y"] + 0.4 * d["time"] * (d["cohort"] > 0)  # treated units trend up before adoption too
    res = pretrend_test(att_gt(d, "y", "unit", "time", "cohort"))
    assert res.pvalue < 1e-4


def test_result_object_and_errors(mpdta):
    r = att_gt(mpdta, **MPDTA)
    res = pretrend_test(r)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["df"] == 5 and d["hypothesis"].startswith("all pre-treatment")
    assert "pretrend_test" in res.summary()
    with pytest.raises(ValueError, match="aggregation"):
        pretrend_test(r.aggregate("event"))
    with pytest.raises(ValueError, match="att_gt result"):
        pretrend_test(r.table)
    no_pre = simulate_staggered_panel(50, 4, cohorts=[2], seed=1)
    with pytest.raises(ValueError, match="no pre-treatment"):
        pretrend_test(att_gt(no_pre, "y", "unit", "time", "cohort"))


def test_anticipation_periods_are_not_tested(mpdta):
    with pytest.warns(UserWarning, match="20 unit"):  # cohort 2004 has no pre-period left (as R did)
        r = att_gt(mpdta, **MPDTA, anticipation=1)
    assert r.call["n_dropped_always_treated"] == 20
    res = pretrend_test(r)
    assert (res.table["time"] < res.table["cohort"] - 1).all()
    assert res.df == 3


# -- randomization pre-test ------------------------------------------------------------------

def _offices(rng, cohorts, n_months=30, rho=0.6, pretrend=0.0, effect=0.0):
    """Panel like the coverage study's (benchmarks/coverage_study.py): adoption dates assigned
    at random, office effects, a common month effect, AR(1) errors, small office trends; treated
    offices trend ``pretrend`` per month faster (a violation) and gain ``effect`` from adoption."""
    g = rng.permutation(np.asarray(cohorts))
    n, t = len(g), np.arange(1, n_months + 1)
    eps = rng.normal(size=(n, n_months))
    u = np.empty_like(eps)
    u[:, 0] = eps[:, 0]
    for j in range(1, n_months):
        u[:, j] = rho * u[:, j - 1] + np.sqrt(1 - rho**2) * eps[:, j]
    y = (rng.normal(size=n)[:, None] + 0.3 * np.sin(t / 6.0)[None, :]
         + rng.normal(scale=0.005, size=n)[:, None] * t + u
         + pretrend * t[None, :] * (g[:, None] > 0) + effect * ((g[:, None] > 0) & (t[None, :] >= g[:, None])))
    return pd.DataFrame({"unit": np.repeat(np.arange(n), n_months), "time": np.tile(t, n),
                         "cohort": np.repeat(g, n_months), "y": y.ravel()})


REGION = [0] * 6 + [12] * 3 + [18] * 3 + [24] * 4  # 16 offices, first wave after 11 months


def _rt(d, **kw):
    return pretrend_randomization_test(d, "y", "unit", "time", "cohort", **kw)


def _statistic_by_hand(Y, cohorts):
    """Between-cohort share of the variance of each unit's path around its own mean (Y: units x
    window periods), written out as a one-way ANOVA per period, summed over periods."""
    cohorts = np.asarray(cohorts)
    m = Y - Y.mean(axis=1, keepdims=True)
    between = total = 0.0
    for t in range(Y.shape[1]):
        grand = m[:, t].mean()
        total += ((m[:, t] - grand) ** 2).sum()
        for g in set(cohorts.tolist()):
            between += (cohorts == g).sum() * (m[cohorts == g, t].mean() - grand) ** 2
    return between / total


def _small(cohorts, n_periods=7, seed=0):
    rng = np.random.default_rng(seed)
    rows = [(u, t, g, rng.normal() + 0.1 * t + rng.normal()) for u, g in enumerate(cohorts)
            for t in range(1, n_periods + 1)]
    return pd.DataFrame(rows, columns=["unit", "time", "cohort", "y"])


SMALL = [0, 0, 0, 4, 4, 6]  # 6!/(3!2!1!) = 60 distinct assignments; window: periods 1-3


@pytest.mark.oracle
def test_randomization_pretest_equals_brute_force_over_all_orderings():
    d = _small(SMALL, seed=3)
    res = _rt(d)
    assert res.call["enumerated"] and res.call["n_assignments"] == 60 and res.call["seed"] is None
    assert res.call["n_perm_used"] == 59 and res.call["window"] == (1, 3)
    Y = d.pivot(index="unit", columns="time", values="y").to_numpy()[:, :3]
    obs = _statistic_by_hand(Y, SMALL)
    assert res.statistic == pytest.approx(obs, rel=1e-10)
    values = {perm: _statistic_by_hand(Y, perm) for perm in set(itertools.permutations(SMALL))}
    assert len(values) == 60
    brute = np.mean([v >= obs * (1 - 1e-10) for v in values.values()])
    assert res.pvalue == pytest.approx(brute, abs=1e-12)
    assert _rt(d, seed=99).pvalue == res.pvalue  # exact: no seed involved


@pytest.mark.oracle
def test_enumerated_pvalue_is_uniform_on_its_support():
    # One fixed outcome matrix, each of the 60 assignments taken in turn as the observed one:
    # under the null the p-value takes each value k/60 exactly once (P(p <= k/60) = k/60).
    d = _small(SMALL, seed=5)
    pvals = []
    for perm in sorted(set(itertools.permutations(SMALL))):
        dd = d.assign(cohort=d["unit"].map(dict(enumerate(perm))))
        pvals.append(_rt(dd).pvalue)
    np.testing.assert_allclose(np.sort(pvals), np.arange(1, 61) / 60, atol=1e-12)


@pytest.mark.oracle
def test_outcomes_from_the_first_adoption_on_do_not_enter():
    # A treatment effect cannot leak into the pre-test: changing every outcome from the first
    # adoption on (here: a large effect plus noise) leaves statistic and p-value unchanged.
    rng = np.random.default_rng(11)
    d = _offices(rng, REGION)
    later = d["time"] >= 12
    e = d.copy()
    e.loc[later, "y"] += 5.0 + rng.normal(size=later.sum())
    a, b = _rt(d, n_perm=199, seed=1), _rt(e, n_perm=199, seed=1)
    assert (a.statistic, a.pvalue) == (b.statistic, b.pvalue)
    assert a.call["window"] == (1, 11)
    # with anticipation 1 the last window period (11) leaves too
    e.loc[d["time"] == 11, "y"] += 3.0 * rng.normal(size=16)
    a1, b1 = _rt(d, n_perm=199, seed=1, anticipation=1), _rt(e, n_perm=199, seed=1, anticipation=1)
    assert a1.call["window"] == (1, 10) and a1.pvalue == b1.pvalue
    assert _rt(e, n_perm=199, seed=1).statistic != a.statistic


@pytest.mark.simulation
def test_randomization_pretest_size_at_the_regions_scale():
    # Tolerance fixed before any run: with adoption dates assigned at random the 5% test
    # rejects with probability exactly 0.05 (99 permutations: (1 + #) / 100 <= 0.05 holds for
    # 5 of 100 equally likely ranks), with or without an effect after adoption. Of 300
    # replications the count of rejections lies in [4, 29], the binomial(300, 0.05) 0.0005 and
    # 0.9995 quantiles (false alarm < 0.001).
    rng = np.random.default_rng(20261130)
    rejections = sum(_rt(_offices(rng, REGION, effect=1.0), n_perm=99, seed=int(rng.integers(1 << 62))).pvalue
                     <= 0.05 for _ in range(300))
    assert 4 <= rejections <= 29


@pytest.mark.simulation
def test_randomization_pretest_detects_a_planted_pretrend():
    # Treated offices trend 0.3 SD a month faster before adoption (5 SD over the 17-month window
    # of 16 offices). In 100 exploratory replications on other seeds every one rejected (power
    # at least 0.97 at 95% confidence); 17 of 20 is then missed with probability < 0.003, and
    # a test without power (rejecting 5%) reaches it with probability < 1e-19.
    rng = np.random.default_rng(424242)
    cohorts = [0] * 6 + [18] * 3 + [27] * 3 + [36] * 4
    rejections = sum(_rt(_offices(rng, cohorts, n_months=54, pretrend=0.3), n_perm=99,
                         seed=int(rng.integers(1 << 62))).pvalue <= 0.05 for _ in range(20))
    assert rejections >= 17


def test_randomization_pretest_result_and_seed():
    d = _offices(np.random.default_rng(2), REGION)
    res = _rt(d, n_perm=199)
    assert isinstance(res.call["seed"], int) and not res.call["enumerated"]
    assert res.call["n_perm"] == res.call["n_perm_used"] == 199
    again = _rt(d, n_perm=199, seed=res.call["seed"])
    assert (again.pvalue, again.statistic) == (res.pvalue, res.statistic)
    assert 1 / 200 <= res.pvalue <= 1 and math.isnan(res.df) and 0 <= res.statistic <= 1
    assert res.pvalue * 200 == pytest.approx(round(res.pvalue * 200))
    out = json.loads(json.dumps(res.to_dict()))
    assert out["method"] == "pretrend_randomization_test" and out["call"]["seed"] == res.call["seed"]
    assert out["hypothesis"].startswith("adoption dates unrelated")
    assert "pretrend_randomization_test" in res.summary()
    tab = res.table
    assert list(tab.columns) == ["cohort", "time", "n_units", "estimate"]
    assert len(tab) == 4 * 11  # 3 waves and the never treated, periods 1-11
    weighted = (tab["n_units"] * tab["estimate"]).groupby(tab["time"]).sum()
    assert weighted.abs().max() < 1e-10  # deviations from all units' mean


def test_randomization_pretest_input_errors():
    d = _offices(np.random.default_rng(4), REGION)
    with pytest.raises(PanelDataError, match="balanced"):
        _rt(d.drop(index=5))
    with pytest.raises(PanelDataError, match="only 1 period"):
        _rt(d.assign(cohort=d["cohort"].replace(12, 2)))
    with pytest.raises(PanelDataError, match="only 0 period"):
        _rt(d.assign(cohort=d["cohort"].replace(12, 1)))  # treated from the first period
    with pytest.raises(PanelDataError, match="only 1 period"):
        _rt(d.assign(cohort=d["cohort"].replace(12, 3)), anticipation=1)
    with pytest.raises(PanelDataError, match="no treated unit"):
        _rt(d.assign(cohort=0))
    with pytest.raises(PanelDataError, match="same adoption date"):
        _rt(d.assign(cohort=12))
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="n_perm"):
            _rt(d, n_perm=bad)
    with pytest.raises(ValueError, match="anticipation"):
        _rt(d, anticipation=-1)
    with pytest.raises(PanelDataError, match="missing"):
        _rt(d.assign(y=d["y"].where(d.index != 3)))


# -- the size gate ---------------------------------------------------------------------------

def _measured(**rates):
    def row(test, n, null, constant=0.05):
        return dict(test=test, n_units=n, design=f"{n} units", size=null, mc_se=0.007,
                    size_by_scenario=dict(null=null, constant=constant, dynamic=0.05), reps=1000,
                    seed=1, n_perm=999, date="2026-11-30", minutes=1.0)
    return {"alpha": 0.05, "designs": [row("randomization", 16, rates.get("r16", 0.05)),
                                        row("randomization", 60, rates.get("r60", 0.05), rates.get("c60", 0.05)),
                                        row("wald", 16, 0.01), row("wald", 60, 0.9)]}


def test_size_gate_picks_the_closest_design_and_the_bounds():
    d = _offices(np.random.default_rng(6), REGION)
    res = _rt(d, n_perm=19, seed=1)  # 16 units
    g = pretrend_size(res, _measured(r16=0.05))
    assert g["usable"] and g["n_units"] == 16 and g["test"] == "randomization" and g["reps"] == 1000
    assert not pretrend_size(res, _measured(r16=0.075))["usable"]
    assert not pretrend_size(res, _measured(r16=0.029))["usable"]
    wide = _offices(np.random.default_rng(6), [0] * 10 + [12] * 21)  # 31 units: closer to 60 on a log scale
    r31 = _rt(wide, n_perm=19, seed=1)
    assert pretrend_size(r31, _measured(r16=0.2))["n_units"] == 60
    assert not pretrend_size(r31, _measured(c60=0.12))["usable"]  # every no-violation scenario counts
    wald = pretrend_test(att_gt(d, "y", "unit", "time", "cohort"))
    gw = pretrend_size(wald, _measured())
    assert gw["test"] == "wald" and not gw["usable"] and "outside" in gw["reason"]
    assert not pretrend_size(res, {"designs": []})["usable"]
    few = _rt(_small([0, 0, 0, 4, 4], n_periods=7))  # 10 assignments: p >= 1/10
    assert few.call["enumerated"] and not pretrend_size(few, _measured())["usable"]
    with pytest.raises(ValueError, match="TestResult"):
        pretrend_size(d)


def test_recorded_sizes_cover_both_designs_and_both_tests():
    # The file written by benchmarks/coverage_study.py --write: both tests at 16 and 60 units,
    # and the gate's answer follows the recorded rates.
    from mutasi_analysis.did._pretrend_size import MEASURED

    lo, hi = SIZE_BOUNDS
    assert {(r["test"], r["n_units"]) for r in MEASURED["designs"]} >= {
        ("randomization", 16), ("randomization", 60), ("wald", 16), ("wald", 60)}
    for r in MEASURED["designs"]:
        assert r["reps"] >= 500 and r["size"] == r["size_by_scenario"]["null"]
    res = _rt(_offices(np.random.default_rng(8), REGION), n_perm=19, seed=1)
    g = pretrend_size(res)
    assert g["usable"] == all(lo <= v <= hi for v in g["size_by_scenario"].values())
