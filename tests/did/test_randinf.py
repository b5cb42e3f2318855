"""Tests of randomization inference over adoption dates.

Reference: the "att_simple" statistic on mpdta equals R ``did``'s simple ATT (R did 2.3.0,
``aggte(type = "simple")``; provenance in tests/did/r_reference.py). Peer: it equals diff-diff's
CallawaySantAnna overall ATT on simulated panels; the "twfe" statistic equals statsmodels' TWFE
coefficient. Oracle: the "att_simple" statistic equals the project's own
``att_gt(...).aggregate("simple")``; the enumerated p-value equals a brute-force count over all
n! orderings. Simulation: under a randomly assigned null the test rejects at its nominal rate;
a planted constant effect is covered by the interval.
"""

from __future__ import annotations

import itertools
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from mutasi_analysis.did import att_gt, randomization_inference
from mutasi_analysis.did import PanelDataError
from tests.conftest import require_module
from tests.did.conftest import simulate_staggered_panel
from tests.did.r_reference import R_DID_AGGREGATIONS


@pytest.mark.reference
def test_att_simple_statistic_equals_r_did_on_mpdta(mpdta):
    res = randomization_inference(mpdta, "lemp", "countyreal", "year", "first.treat", n_perm=49, seed=1)
    assert res.estimate == pytest.approx(R_DID_AGGREGATIONS["simple"][0], abs=1e-6)


@pytest.fixture(scope="module")
def growing_panel():
    return simulate_staggered_panel(n_units=50, n_periods=9, slope=0.4, seed=12)


@pytest.mark.oracle
def test_att_simple_statistic_equals_att_gt(growing_panel):
    d = growing_panel
    res = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=9, seed=1)
    ours = att_gt(d, "y", "unit", "time", "cohort").aggregate("simple").estimate  # our own estimator
    assert res.estimate == pytest.approx(ours, abs=1e-10)


@pytest.mark.peer
def test_att_simple_statistic_equals_diff_diff(growing_panel):
    d = growing_panel
    res = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=9, seed=1)
    dd = require_module("diff_diff", "peer of randomization_inference's att_simple statistic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = dd.CallawaySantAnna(control_group="never_treated").fit(d, "y", "unit", "time", "cohort")
    assert res.estimate == pytest.approx(peer.overall_att, abs=1e-10)


@pytest.mark.peer
def test_twfe_statistic_equals_statsmodels(staggered_panel):
    d = staggered_panel(n_units=30, n_periods=8, seed=5)
    res = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=9, seed=1, statistic="twfe")
    D = ((d["cohort"] > 0) & (d["time"] >= d["cohort"])).astype(float)
    ols = smf.ols("y ~ D + C(unit) + C(time)", data=d.assign(D=D)).fit().params["D"]
    assert res.estimate == pytest.approx(ols, abs=1e-10)


def _small_panel(cohorts, n_periods=6, effect=0.0, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for u, g in enumerate(cohorts):
        a = rng.normal()
        for t in range(1, n_periods + 1):
            rows.append((u, t, g, a + 0.2 * t + effect * (g > 0 and t >= g) + rng.normal()))
    return pd.DataFrame(rows, columns=["unit", "time", "cohort", "y"])


@pytest.mark.oracle
@pytest.mark.parametrize("statistic", ["att_simple", "twfe"])
def test_enumerated_pvalue_equals_brute_force_over_all_orderings(statistic):
    cohorts = [0, 0, 0, 3, 3, 5]  # 6!/(3!2!1!) = 60 distinct assignments
    d = _small_panel(cohorts, seed=3, effect=1.0)
    res = randomization_inference(d, "y", "unit", "time", "cohort", statistic=statistic)
    assert res.enumerated and res.n_perm == 59 and res.seed is None
    assert len(res.distribution) == 60
    # Brute force with itertools over all 720 orderings (each assignment 12 times) and
    # statsmodels/means for the statistic: an independent count.
    Y = d.pivot(index="unit", columns="time", values="y").to_numpy()

    def stat(g):
        g = np.asarray(g)
        D = np.array([[1.0 if (gi > 0 and t >= gi) else 0.0 for t in range(1, 7)] for gi in g])
        if statistic == "twfe":
            long = pd.DataFrame({"y": Y.ravel(), "D": D.ravel(),
                                 "u": np.repeat(np.arange(6), 6), "t": np.tile(np.arange(6), 6)})
            return smf.ols("y ~ D + C(u) + C(t)", data=long).fit().params["D"]
        num = den = 0.0
        for c in sorted(set(g[g > 0])):
            tr, co = Y[g == c], Y[g == 0]
            for t in range(c, 7):
                att = (tr[:, t - 1] - tr[:, c - 2]).mean() - (co[:, t - 1] - co[:, c - 2]).mean()
                num += len(tr) * att
                den += len(tr)
        return num / den

    distinct = {}
    for perm in itertools.permutations(cohorts):
        if perm not in distinct:
            distinct[perm] = stat(perm)
    obs = stat(cohorts)
    assert res.estimate == pytest.approx(obs, abs=1e-10)
    brute = np.mean([abs(v) >= abs(obs) - 1e-12 for v in distinct.values()])
    assert res.pvalue == pytest.approx(brute, abs=1e-12)
    np.testing.assert_allclose(np.sort(res.distribution), np.sort(list(distinct.values())), atol=1e-10)
    # Exact: seed plays no role.
    again = randomization_inference(d, "y", "unit", "time", "cohort", statistic=statistic, seed=99)
    assert again.pvalue == res.pvalue


def test_random_permutations_reproducible(staggered_panel):
    d = staggered_panel(n_units=16, n_periods=12, seed=1)
    a = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=199, seed=7)
    b = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=199, seed=7)
    c = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=199, seed=8)
    assert not a.enumerated and a.n_perm == 199 and len(a.distribution) == 200
    assert a.pvalue == b.pvalue and a.conf_int() == b.conf_int()
    assert not np.array_equal(a.distribution, c.distribution)
    # p-value with the observed statistic included: a multiple of 1/200, never 0.
    assert a.pvalue >= 1 / 200 and (a.pvalue * 200) == pytest.approx(round(a.pvalue * 200))


@pytest.mark.simulation
def test_size_under_randomly_assigned_null():
    """Adoption dates assigned at random and no effect: rejections at 10% are about 10%."""
    rng = np.random.default_rng(11)
    reps, rej = 150, 0
    base = np.array([0] * 6 + [4] * 3 + [6] * 3 + [8] * 4)
    for _ in range(reps):
        g = rng.permutation(base)
        d = _small_panel(g, n_periods=10, seed=int(rng.integers(1 << 31)))
        res = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=99,
                                      seed=int(rng.integers(1 << 31)))
        rej += res.pvalue <= 0.10
    # Binomial(150, 0.10): 5..27 holds with > 99.8% probability.
    assert 5 <= rej <= 27


@pytest.mark.simulation
@pytest.mark.parametrize("statistic", ["att_simple", "twfe"])
def test_planted_constant_effect_is_detected_and_covered(statistic):
    g = [0] * 6 + [4] * 3 + [6] * 3 + [8] * 4
    d = _small_panel(g, n_periods=10, effect=3.0, seed=21)
    res = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=499, seed=2,
                                  statistic=statistic)
    assert res.pvalue < 0.01
    lo, hi = res.conf_int()
    assert lo < 3.0 < hi and lo > 1.0
    assert res.pvalue_at(3.0) > 0.05
    eps = 1e-6
    assert res.pvalue_at(lo - eps) <= 0.05 < res.pvalue_at(lo + eps)


def test_result_object(staggered_panel):
    import matplotlib

    matplotlib.use("Agg")
    d = staggered_panel(n_units=16, n_periods=10, seed=3)
    res = randomization_inference(d, "y", "unit", "time", "cohort", n_perm=99, seed=1)
    assert list(res.tidy().columns) == ["term", "estimate", "std_error", "statistic", "pvalue", "conf_low", "conf_high", "n_perm", "enumerated"]
    dct = res.to_dict()
    json.dumps(dct)
    assert dct["call"]["statistic"] == "att_simple" and dct["seed"] == 1
    assert "adoption dates permuted" in res.summary()
    with pytest.raises(ValueError):
        res.distribution[0] = 0.0
    ax = res.plot()
    assert ax.get_legend() is None and ax.get_xlabel() == res.term
    ax = res.plot(labels={"observed": "teramati"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["teramati"]


def test_bad_input(staggered_panel):
    d = staggered_panel(n_units=20, n_periods=8, seed=1)
    with pytest.raises(PanelDataError, match="balanced panel"):
        randomization_inference(d.drop(index=[2]), "y", "unit", "time", "cohort")
    with pytest.raises(PanelDataError, match="treated from the first period"):
        randomization_inference(d.assign(cohort=np.where(d["unit"] == 0, 1, d["cohort"])), "y", "unit", "time", "cohort")
    nonever = staggered_panel(n_units=20, n_periods=8, never_share=0.0, seed=1)
    with pytest.raises(PanelDataError, match="never-treated"):
        randomization_inference(nonever, "y", "unit", "time", "cohort")
    randomization_inference(nonever, "y", "unit", "time", "cohort", statistic="twfe", n_perm=9, seed=1)
    with pytest.raises(ValueError, match="statistic must be"):
        randomization_inference(d, "y", "unit", "time", "cohort", statistic="mean")
    with pytest.raises(PanelDataError, match="missing values"):
        randomization_inference(d.assign(y=d["y"].where(d.index != 0)), "y", "unit", "time", "cohort")
