"""pretrend_test: R did's published pre-test, Wald algebra, size and power on simulated panels.

The reference p-value and its provenance (the did and twfeweights READMEs; analytic variance):
tests/did/r_reference.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from mutasi_analysis.did import att_gt, pretrend_test
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
    t = pre["att"].iloc[0] / pre["se"].iloc[0]
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
