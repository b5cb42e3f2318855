"""Tests of the restricted wild cluster bootstrap.

Peer: ``wildboottest`` (type "11", dummies for the fixed effects) on the same data; with full
enumeration the bootstrap t-statistics must be the same multiset to numerical precision.
Simulation: size and interval coverage in a small Monte Carlo with a known effect.
No published reference numbers are available offline for this routine (fwildclusterboot and
Stata's boottest outputs are not shipped with any installed package).
"""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from mutasi_analysis.did import wild_cluster_bootstrap
from tests.conftest import require_module


def _panel(n_units=10, n_periods=6, seed=1, effect=0.3, drop=0.0, n_treated=None):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame([(u, t) for u in range(n_units) for t in range(n_periods)], columns=["unit", "time"])
    if drop:
        d = d.sample(frac=1 - drop, random_state=seed).sort_values(["unit", "time"]).reset_index(drop=True)
    n_treated = n_units // 2 if n_treated is None else n_treated
    d["pair"] = d["unit"] // 2
    d["x"] = rng.normal(size=len(d))
    d["treat"] = ((d["unit"] < n_treated) & (d["time"] >= n_periods // 2)).astype(float)
    d["y"] = (effect * d["treat"] + 0.5 * d["x"] + rng.normal(size=n_units)[d["unit"]]
              + rng.normal(size=len(d)))
    return d


def _wildboottest_tstats(data, formula, param, cluster, impose_null=True, B=9999):
    """Bootstrap t-statistics and p-value of the peer package on the same model."""
    wbt = require_module("wildboottest.wildboottest", "peer of wild_cluster_bootstrap")
    m = smf.ols(formula, data=data)
    combo = {param: 1.0} if isinstance(param, str) else param
    R = np.array([combo.get(n, 0.0) for n in m.exog_names], dtype=float)
    wb = wbt.WildboottestCL(X=m.exog, Y=m.endog, cluster=data[cluster].to_numpy(), R=R, B=B, seed=1)
    wb.get_scores(bootstrap_type="11", impose_null=impose_null)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb.get_weights("rademacher")
    wb.get_numer()
    # wildboottest compiles its denominator loop with numba on every call (~1-5 s); run the
    # same Python function uncompiled instead (identical arithmetic, G*G*B small here).
    import numba

    old_flag = numba.config.DISABLE_JIT
    numba.config.DISABLE_JIT = True
    try:
        wb.get_denom()
    finally:
        numba.config.DISABLE_JIT = old_flag
    wb.get_tboot()
    wb.get_vcov()
    wb.get_tstat()
    wb.get_pvalue()
    return np.sort(np.asarray(wb.t_boot).ravel()), float(np.asarray(wb.t_stat).ravel()[0]), float(wb.pvalue)


def _our_tstats(res, r=0.0):
    b = res._boot
    num = b["num0"] + r * b["num1"]
    den = b["s00"] + 2 * r * b["s01"] + r * r * b["s11"]
    return np.sort(num / np.sqrt(b["ssc"] * den))


CASES = [
    # (formula, cluster, drop share): no FE; two-way FE with unit clusters; two-way FE with
    # clusters above the unit in an unbalanced panel (time FE cross clusters there).
    ("y ~ treat + x", "unit", 0.0),
    ("y ~ treat + x + C(unit) + C(time)", "unit", 0.0),
    ("y ~ treat + x + C(unit) + C(time)", "pair", 0.15),
]


@pytest.mark.peer
@pytest.mark.parametrize("formula,cluster,drop", CASES)
@pytest.mark.parametrize("impose_null", [True, False])
def test_enumerated_bootstrap_matches_wildboottest(formula, cluster, drop, impose_null):
    d = _panel(n_units=12, drop=drop)
    res = wild_cluster_bootstrap(d, formula, "treat", cluster, n_boot=9999, impose_null=impose_null)
    G = d[cluster].nunique()
    assert res.enumerated and res.n_boot == 2**G and res.seed is None
    peer_t, peer_tstat, peer_p = _wildboottest_tstats(d, formula, "treat", cluster, impose_null)
    # Same t statistic (same CRV1 small-sample factor, FE counted as dummies).
    assert res.statistic == pytest.approx(peer_tstat, rel=1e-9)
    # Same bootstrap distribution, draw for draw, although we project the FE out (FWL).
    np.testing.assert_allclose(_our_tstats(res), peer_t, rtol=1e-9, atol=1e-9)
    # p-values: ours counts the ties |t*| == |t| (the all-ones draw and its mirror under WCR),
    # wildboottest's strict ">" does not.
    assert 0 <= res.pvalue - peer_p <= 2 / 2**G + 1e-12
    if not impose_null:
        assert res.pvalue == pytest.approx(peer_p, abs=1e-12)


@pytest.mark.peer
def test_pvalue_function_and_interval_agree_with_wildboottest_on_shifted_outcome():
    """p(r) for H0: beta = r equals the peer's test of beta = 0 on y - r * treat."""
    d = _panel(n_units=12, seed=4, effect=0.8)
    f = "y ~ treat + x + C(unit) + C(time)"
    res = wild_cluster_bootstrap(d, f, "treat", "unit")
    G = 12
    lo, hi = res.conf_int()
    assert lo < res.estimate < hi
    for r in (lo - 0.05, 0.0, hi - 0.05):  # each peer call recompiles numba code (~1 s)
        shifted = d.assign(y=d["y"] - r * d["treat"])
        _, _, peer_p = _wildboottest_tstats(shifted, f, "treat", "unit")
        assert 0 <= res.pvalue_at(r) - peer_p <= 2 / 2**G + 1e-12
    # The interval ends are where p(r) crosses alpha.
    eps = 1e-6 * res.std_error
    assert res.pvalue_at(lo - eps) <= 0.05 < res.pvalue_at(lo + eps)
    assert res.pvalue_at(hi + eps) <= 0.05 < res.pvalue_at(hi - eps)
    lo90, hi90 = res.conf_int(0.10)
    assert lo < lo90 < hi90 < hi


@pytest.mark.peer
def test_estimate_and_se_match_statsmodels_clustered_ols():
    d = _panel(n_units=16, drop=0.1, seed=7)
    f = "y ~ treat + x + C(unit) + C(time)"
    res = wild_cluster_bootstrap(d, f, "treat", "pair", n_boot=999, seed=3)
    fit = smf.ols(f, data=d).fit(cov_type="cluster", cov_kwds={"groups": d["pair"]})
    assert res.estimate == pytest.approx(fit.params["treat"], rel=1e-10)
    # statsmodels' default cluster correction is G/(G-1) (N-1)/(N-K) with K = all columns.
    assert res.std_error == pytest.approx(fit.bse["treat"], rel=1e-9)


def test_random_draws_reproducible_and_seed_dependent():
    d = _panel(n_units=20, seed=2)
    f = "y ~ treat + C(unit) + C(time)"
    a = wild_cluster_bootstrap(d, f, "treat", "unit", n_boot=999, seed=11)
    b = wild_cluster_bootstrap(d, f, "treat", "unit", n_boot=999, seed=11)
    c = wild_cluster_bootstrap(d, f, "treat", "unit", n_boot=999, seed=12)
    assert not a.enumerated and a.n_boot == 999 and a.seed == 11
    assert a.pvalue == b.pvalue and a.conf_int() == b.conf_int()
    assert not np.array_equal(a._boot["num0"], c._boot["num0"])
    # Without a seed the one drawn is recorded and reproduces the numbers.
    e = wild_cluster_bootstrap(d, f, "treat", "unit", n_boot=999)
    again = wild_cluster_bootstrap(d, f, "treat", "unit", n_boot=999, seed=e.seed)
    assert e.pvalue == again.pvalue


def test_enumeration_needs_no_seed_and_webb_is_random():
    d = _panel(n_units=8)
    f = "y ~ treat + C(unit) + C(time)"
    a = wild_cluster_bootstrap(d, f, "treat", "unit", seed=1)
    b = wild_cluster_bootstrap(d, f, "treat", "unit", seed=2)
    assert a.enumerated and a.pvalue == b.pvalue and a.conf_int() == b.conf_int()
    # Exact p-value: a multiple of 1/2^G.
    assert (a.pvalue * 2**8) == pytest.approx(round(a.pvalue * 2**8), abs=1e-9)
    w = wild_cluster_bootstrap(d, f, "treat", "unit", n_boot=999, weights="webb", seed=1)
    assert not w.enumerated and w.n_boot == 999
    # Webb weights have unit variance and 6 values: many more distinct t* than 2^8 / 2.
    assert len(np.unique(np.round(_our_tstats(w), 10))) > 2**7


@pytest.mark.simulation
def test_monte_carlo_size_and_coverage_with_few_clusters():
    """Known effect 0.5: the 95% interval covers it and the true null is rejected about 5%."""
    rng = np.random.default_rng(2024)
    reps, rejections, covered = 120, 0, 0
    for rep in range(reps):
        d = _panel(n_units=10, n_periods=6, seed=int(rng.integers(1 << 31)), effect=0.5)
        res = wild_cluster_bootstrap(d, "y ~ treat + C(unit) + C(time)", "treat", "unit")
        rejections += res.pvalue_at(0.5) <= 0.05
        lo, hi = res.conf_int()
        covered += lo <= 0.5 <= hi
    # Binomial(120, 0.05): 0..14 covers > 99.9% of outcomes; an anti-conservative test
    # (e.g. a CRV1 t-test here rejects ~10-15%) would fail.
    assert rejections <= 14
    assert covered >= reps - 14
    assert covered / reps == pytest.approx(1 - rejections / reps, abs=0.05)


@pytest.mark.simulation
def test_large_effect_is_detected_and_interval_brackets_it():
    d = _panel(n_units=16, seed=9, effect=3.0)
    res = wild_cluster_bootstrap(d, "y ~ treat + x + C(unit) + C(time)", "treat", "unit", n_boot=1999, seed=1)
    assert res.pvalue < 0.01
    lo, hi = res.conf_int()
    assert lo < 3.0 < hi and lo > 0


def test_result_object_contract():
    import matplotlib

    matplotlib.use("Agg")
    d = _panel(n_units=10)
    res = wild_cluster_bootstrap(d, "y ~ treat + C(unit) + C(time)", "treat", "unit")
    t = res.tidy()
    assert list(t.columns) == ["term", "estimate", "std_error", "statistic", "pvalue", "conf_low", "conf_high", "n_boot", "enumerated"]
    assert t.loc[0, "pvalue"] == res.pvalue
    dct = res.to_dict()
    json.dumps(dct)
    assert dct["call"]["formula"] == "y ~ treat + C(unit) + C(time)" and dct["n_obs"] == len(d)
    assert dct["enumerated"] is True and dct["n_clusters"] == 10
    assert "Wild cluster bootstrap" in res.summary() and "<table" in res.summary("html")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 1.0
    ax = res.plot()
    assert ax.get_legend() is None and ax.get_xlabel() == res.term  # no English prose (issue 12)
    xs, ys = ax.get_lines()[0].get_data()
    assert ys.max() > res.alpha and ys.min() <= res.alpha  # the p-value curve crosses alpha
    with pytest.raises(ValueError):
        res._boot["num0"][0] = 1.0


def test_bad_input_is_reported_clearly():
    d = _panel(n_units=10)
    f = "y ~ treat + C(unit) + C(time)"
    bad = d.copy()
    bad.loc[[3, 7], "y"] = np.nan
    with pytest.raises(ValueError, match=r"missing values in y: 2 rows"):
        wild_cluster_bootstrap(bad, f, "treat", "unit")
    with pytest.raises(ValueError, match="not a column of the design"):
        wild_cluster_bootstrap(d, f, "treatment", "unit")
    with pytest.raises(ValueError, match="cluster column 'office'"):
        wild_cluster_bootstrap(d, f, "treat", "office")
    with pytest.raises(ValueError, match="fewer than 2 clusters"):
        wild_cluster_bootstrap(d.assign(one=1), f, "treat", "one")
    with pytest.raises(ValueError, match="weights must be"):
        wild_cluster_bootstrap(d, f, "treat", "unit", weights="mammen")
    with pytest.raises(ValueError, match="not numeric"):
        wild_cluster_bootstrap(d.assign(y=d["y"].astype(str)), f, "treat", "unit")
    with pytest.raises(ValueError, match="collinear"):
        wild_cluster_bootstrap(d.assign(t2=2 * d["treat"]), "y ~ treat + t2 + C(unit)", "treat", "unit")
    with pytest.warns(UserWarning, match="consider weights='webb'"):
        wild_cluster_bootstrap(_panel(n_units=12), f, "treat", "unit", n_boot=999, seed=1)


@pytest.mark.peer
def test_linear_combination_matches_wildboottest_with_r_vector():
    """Testing 0.25*treat + 0.75*x = 0 (e.g. an average of event-study coefficients)."""
    d = _panel(n_units=10, seed=5)
    f = "y ~ treat + x + C(unit) + C(time)"
    combo = {"treat": 0.25, "x": 0.75}
    res = wild_cluster_bootstrap(d, f, combo, "unit")
    fit = smf.ols(f, data=d).fit()
    assert res.estimate == pytest.approx(0.25 * fit.params["treat"] + 0.75 * fit.params["x"], rel=1e-10)
    assert res.term == "0.25*treat + 0.75*x" and res.call["param"] == combo
    peer_t, peer_tstat, peer_p = _wildboottest_tstats(d, f, combo, "unit")
    assert res.statistic == pytest.approx(peer_tstat, rel=1e-9)
    np.testing.assert_allclose(_our_tstats(res), peer_t, rtol=1e-9, atol=1e-9)
    assert 0 <= res.pvalue - peer_p <= 2 / 2**10 + 1e-12
    with pytest.raises(ValueError, match="not a column of the design"):
        wild_cluster_bootstrap(d, f, {"treat": 1.0, "z": 1.0}, "unit")


def test_formula_transforms_match_precomputed_columns():
    """Formula terms built by formulaic give the same test as the same columns passed plainly."""
    d = _panel(n_units=10, seed=8)
    d["x2"] = d["x"] ** 2
    a = wild_cluster_bootstrap(d, "y ~ treat + x + I(x**2) + C(unit) + C(time)", "treat", "unit")
    b = wild_cluster_bootstrap(d, "y ~ treat + x + x2 + C(unit) + C(time)", "treat", "unit")
    assert a.estimate == pytest.approx(b.estimate, rel=1e-10)
    assert a.std_error == pytest.approx(b.std_error, rel=1e-10)
    assert a.pvalue == b.pvalue
    c = wild_cluster_bootstrap(d, "y ~ treat + x", "treat", "unit")
    fit = smf.ols("y ~ treat + x", data=d).fit()
    assert c.estimate == pytest.approx(fit.params["treat"], rel=1e-10)


def test_too_few_clusters_gives_unbounded_interval_with_a_warning():
    """G = 4: 16 sign vectors, smallest p-value 2/16 > 0.05, so no finite 95% interval."""
    d = _panel(n_units=4, seed=3)
    res = wild_cluster_bootstrap(d, "y ~ treat + C(unit) + C(time)", "treat", "unit")
    assert res.enumerated and res.n_boot == 16 and res.pvalue >= 2 / 16
    with pytest.warns(UserWarning, match="unbounded"):
        lo, hi = res.conf_int()
    assert lo == -np.inf and hi == np.inf


@pytest.mark.peer
def test_pvalue_matches_pyfixest_wrapper_with_fixed_effects():
    """pyfixest's Feols.wildboottest (fixed effects as `| unit + time`), enumerated draws."""
    pf = require_module("pyfixest", "peer of wild_cluster_bootstrap (its wildboottest wrapper)")
    import numba

    d = _panel(n_units=10, seed=6, drop=0.1)
    res = wild_cluster_bootstrap(d, "y ~ treat + x + C(unit) + C(time)", "treat", "unit")
    old_flag = numba.config.DISABLE_JIT
    numba.config.DISABLE_JIT = True  # see _wildboottest_tstats
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = pf.feols("y ~ treat + x | unit + time", data=d, vcov={"CRV1": "unit"})
            out = fit.wildboottest(param="treat", reps=9999, seed=1)
    finally:
        numba.config.DISABLE_JIT = old_flag
    assert res.enumerated
    assert res.estimate == pytest.approx(float(fit.coef()["treat"]), rel=1e-10)
    assert 0 <= res.pvalue - float(out["Pr(>|t|)"]) <= 2 / 2**10 + 1e-12


def test_a_perfect_fit_is_a_data_error_not_a_crash():
    """A constant outcome leaves no standard error: one PanelDataError, not a ZeroDivisionError."""
    from mutasi_analysis.did import PanelDataError

    d = _panel(n_units=12).assign(y=1.0)
    with pytest.raises(PanelDataError, match="perfect fit"):
        wild_cluster_bootstrap(d, "y ~ treat + C(unit) + C(time)", "treat", "unit", n_boot=99, seed=1)
