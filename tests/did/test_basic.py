"""did_2x2 and twfe: R did / fixest published numbers on mpdta, pyfixest, planted effects.

Reference numbers and their provenance (R did version, call, analytic SEs; the fixest call):
tests/did/r_reference.py.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.did import did_2x2, twfe
from tests.conftest import require_module
from tests.did.conftest import simulate_staggered_panel
from tests.did.r_reference import FIXEST_TWFE, R_DID_CELLS


@pytest.fixture(scope="module")
def mpdta_post(mpdta):
    d = mpdta.copy()
    d["post"] = ((d["first.treat"] > 0) & (d["year"] >= d["first.treat"])).astype(int)
    return d


@pytest.fixture(scope="module")
def mpdta_2x2(mpdta):
    s = mpdta[mpdta["first.treat"].isin([0, 2004]) & mpdta["year"].isin([2003, 2004])].copy()
    s["treated"] = (s["first.treat"] == 2004).astype(int)
    s["after"] = (s["year"] == 2004).astype(int)
    return s


# ---------------------------------------------------------------------------------------------
# did_2x2
# ---------------------------------------------------------------------------------------------
@pytest.mark.reference
def test_did_2x2_equals_r_did_first_cell(mpdta_2x2):
    # The 2004 cohort against never-treated counties, 2003 -> 2004, is R did's ATT(2004,2004).
    res = did_2x2(mpdta_2x2, "lemp", "treated", "after", cluster="countyreal")
    att, se = R_DID_CELLS[(2004, 2004)]
    assert res.estimate == pytest.approx(att, abs=1e-7)
    # Clustering by county makes it the same panel estimator: the analytic SE of ATT(2004, 2004)
    # (0.0232510: csdid's, not a printed R number, held against csdid live in
    # test_attgt.py::test_mpdta_analytic_ses_match_csdid; r_reference.py, item 2) times CR1's factor
    # sqrt(G/(G-1) * (N-1)/(N-K)), G = 329 counties, N = 658 rows, K = 4.
    factor = np.sqrt(329 / 328 * 657 / 654)
    assert res.std_error == pytest.approx(se * factor, abs=2e-7)
    assert res.df == 328


@pytest.mark.peer
@pytest.mark.parametrize("cluster", [None, "countyreal"])
def test_did_2x2_matches_pyfixest(mpdta_2x2, cluster):
    pf = require_module("pyfixest", "peer of did_2x2")
    res = did_2x2(mpdta_2x2, "lemp", "treated", "after", cluster=cluster)
    vcov = {"CRV1": "countyreal"} if cluster else "hetero"
    fit = pf.feols("lemp ~ treated * after", data=mpdta_2x2, vcov=vcov)
    assert res.estimate == pytest.approx(fit.coef()["treated:after"], abs=1e-12)
    assert res.std_error == pytest.approx(fit.se()["treated:after"], rel=1e-9)
    assert res.pvalue == pytest.approx(fit.pvalue()["treated:after"], rel=1e-6)


@pytest.mark.simulation
def test_did_2x2_recovers_planted_effect_and_means():
    rng = np.random.default_rng(3)
    n = 4000
    d = pd.DataFrame({"treated": rng.integers(0, 2, n), "post": rng.integers(0, 2, n)})
    d["y"] = 1 + 2 * d["treated"] + 0.5 * d["post"] + 1.5 * d["treated"] * d["post"] + rng.normal(size=n)
    res = did_2x2(d, "y", "treated", "post")
    assert abs(res.estimate - 1.5) < 4 * res.std_error
    m = res.means.set_index(["treated", "post"])["mean"]
    assert res.estimate == pytest.approx((m[1, 1] - m[1, 0]) - (m[0, 1] - m[0, 0]), abs=1e-12)
    lo, hi = res.conf_int()
    assert lo < 1.5 < hi
    d = json.loads(json.dumps(res.to_dict()))
    assert len(d["means"]) == 4 and sum(r["n"] for r in d["means"]) == n


def test_did_2x2_bad_input(mpdta_2x2):
    with pytest.raises(ValueError, match="0/1"):
        did_2x2(mpdta_2x2.assign(treated=mpdta_2x2["treated"] * 2), "lemp", "treated", "after")
    with pytest.raises(ValueError, match="no rows in cell"):
        did_2x2(mpdta_2x2[mpdta_2x2["treated"] == 0], "lemp", "treated", "after")
    with pytest.raises(ValueError, match="not found"):
        did_2x2(mpdta_2x2, "lemp", "treated", "nope")
    bad = mpdta_2x2.copy()
    bad.loc[bad.index[:3], "lemp"] = np.nan
    with pytest.raises(ValueError, match="3 row"):
        did_2x2(bad, "lemp", "treated", "after")
    res = did_2x2(bad, "lemp", "treated", "after", dropna=True)
    assert res.call["n_dropped"] == 3 and res.n_obs == len(bad) - 3


# ---------------------------------------------------------------------------------------------
# twfe
# ---------------------------------------------------------------------------------------------
@pytest.mark.reference
def test_twfe_matches_fixest_on_mpdta(mpdta_post):
    # R: fixest::feols(lemp ~ post | countyreal + year, cluster = "countyreal", data = mpdta),
    # printed in the twfeweights README (r_reference.py, item 4): post -0.036549, SE 0.013265,
    # t -2.75526, p 0.006079.
    res = twfe(mpdta_post, "lemp", "countyreal", "year", "post")
    assert res.estimate == pytest.approx(FIXEST_TWFE["estimate"], abs=5e-7)
    assert res.std_error == pytest.approx(FIXEST_TWFE["se"], abs=5e-7)
    assert res.statistic == pytest.approx(FIXEST_TWFE["tstat"], abs=5e-6)
    assert res.pvalue == pytest.approx(FIXEST_TWFE["pvalue"], abs=5e-7)


@pytest.mark.peer
def test_twfe_matches_pyfixest_unbalanced_weighted_clustered():
    pf = require_module("pyfixest", "peer of twfe")
    d = simulate_staggered_panel(150, 8, seed=4, n_clusters=15, missing_share=0.1)
    d["D"] = ((d["cohort"] > 0) & (d["time"] >= d["cohort"])).astype(int)
    d["w"] = np.random.default_rng(1).uniform(0.5, 2.0, len(d))
    res = twfe(d, "y", "unit", "time", "D", cluster="cluster", weights="w")
    fit = pf.feols("y ~ D | unit + time", data=d, vcov={"CRV1": "cluster"}, weights="w")
    assert res.estimate == pytest.approx(fit.coef()["D"], abs=1e-9)
    assert res.std_error == pytest.approx(fit.se()["D"], rel=1e-6)


@pytest.mark.simulation
def test_twfe_recovers_homogeneous_effect_and_is_biased_with_growing_effects():
    flat = simulate_staggered_panel(600, 10, seed=6, effect=2.0, slope=0.0)
    flat["D"] = ((flat["cohort"] > 0) & (flat["time"] >= flat["cohort"])).astype(int)
    res = twfe(flat, "y", "unit", "time", "D")
    assert abs(res.estimate - 2.0) < 4 * res.std_error
    # Effects growing with time since adoption: TWFE uses already-treated units as controls
    # and misses the average effect on the treated (Goodman-Bacon 2021).
    grow = simulate_staggered_panel(600, 10, seed=6, effect=0.0, slope=1.0, never_share=0.0,
                                    cohorts=[3, 6, 9])
    grow["D"] = ((grow["time"] >= grow["cohort"])).astype(int)
    biased = twfe(grow, "y", "unit", "time", "D")
    treated = grow[grow["D"] == 1]
    true_att = float((treated["time"] - treated["cohort"]).mean())  # effect = event time
    assert abs(biased.estimate - true_att) > 10 * biased.std_error


def test_twfe_bad_input(mpdta_post):
    back = mpdta_post.copy()
    back.loc[(back["countyreal"] == back["countyreal"].iloc[0]) & (back["year"] == 2007), "post"] = 0
    back.loc[(back["countyreal"] == back["countyreal"].iloc[0]) & (back["year"] == 2006), "post"] = 1
    with pytest.raises(ValueError, match="switch back"):
        twfe(back, "lemp", "countyreal", "year", "post")
    with pytest.raises(ValueError, match="0/1"):
        twfe(mpdta_post.assign(post=mpdta_post["post"] * 3), "lemp", "countyreal", "year", "post")
    with pytest.raises(ValueError, match="no variation"):
        twfe(mpdta_post.assign(post=0), "lemp", "countyreal", "year", "post")
    with pytest.raises(ValueError, match="negative"):
        twfe(mpdta_post.assign(w=-1.0), "lemp", "countyreal", "year", "post", weights="w")
    with pytest.raises(ValueError, match="duplicate|share a \\(unit, time\\)"):
        twfe(pd.concat([mpdta_post, mpdta_post.head(2)]), "lemp", "countyreal", "year", "post")


def test_twfe_result_object(mpdta_post):
    res = twfe(mpdta_post, "lemp", "countyreal", "year", "post")
    d = json.loads(json.dumps(res.to_dict()))
    assert d["method"] == "twfe" and d["call"]["cluster"] == "countyreal" and d["n_units"] == 500
    assert d["estimate"] == pytest.approx(res.estimate)
    assert res.df == 499
    tidy = res.tidy()
    assert list(tidy.columns) == ["term", "estimate", "std_error", "statistic", "pvalue", "conf_low", "conf_high"]
    assert "twfe" in res.summary() and "<table" in res.summary("html")
