"""att_gt: R did's published mpdta numbers, peer packages, planted effects, result API.

Reference numbers and their provenance (R did version, call, analytic SEs): tests/did/r_reference.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.did import att_gt
from tests.conftest import require_module
from tests.did.conftest import simulate_staggered_panel, true_att
from tests.did.r_reference import (
    MPDTA,
    R_DID_AGGREGATIONS,
    R_DID_CELLS,
    R_DID_COVARIATE_REG,
    R_DID_UNIVERSAL_BASE,
)


# ---------------------------------------------------------------------------------------------
# Published reference: R did on mpdta, analytic SEs (bstrap = FALSE); see r_reference.py
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mpdta_result(mpdta):
    return att_gt(mpdta, **MPDTA)


@pytest.mark.reference
@pytest.mark.parametrize("kind", list(R_DID_AGGREGATIONS))
def test_mpdta_aggregations_match_r_did(mpdta_result, kind):
    # R did 2.3.0, aggte(att_gt(..., bstrap = FALSE), type = kind, bstrap = FALSE): analytic SEs
    estimate, se = R_DID_AGGREGATIONS[kind]
    agg = mpdta_result.aggregate(kind)
    assert agg.estimate == pytest.approx(estimate, abs=1e-9)
    assert agg.std_error == pytest.approx(se, abs=1e-9)


@pytest.mark.reference
@pytest.mark.parametrize("g, t", list(R_DID_CELLS))
def test_mpdta_group_time_effects_match_r_did(mpdta_result, g, t):
    # ATT(g, t) as R prints it (r_reference.py, item 2); the SEs are checked against csdid below
    att, _ = R_DID_CELLS[(g, t)]
    tab = mpdta_result.table
    row = tab[(tab["cohort"] == g) & (tab["time"] == t)]
    assert len(row) == 1
    assert row["estimate"].iloc[0] == pytest.approx(att, abs=1e-6)


@pytest.mark.reference
def test_mpdta_covariate_reg_matches_r_did(mpdta):
    # att_gt(..., xformla = ~lpop, est_method = "reg"), point estimate (r_reference.py, item 3)
    agg = att_gt(mpdta, **MPDTA, covariates=["lpop"], method="reg").aggregate("simple")
    assert agg.estimate == pytest.approx(R_DID_COVARIATE_REG[0], abs=1e-6)


def _csdid_mpdta(data, xformla=None):
    att_mod = require_module("csdid.att_gt", "peer of att_gt's analytic SEs on mpdta")
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = att_mod.ATTgt(yname="lemp", tname="year", idname="countyreal", gname="first.treat",
                          data=data, control_group=["nevertreated"], xformla=xformla)
        o.fit(est_method="reg", bstrap=False)
        if xformla is not None:
            o.aggte(typec="simple", bstrap=False)
    return o


@pytest.mark.peer
def test_mpdta_analytic_ses_match_csdid(mpdta_result, mpdta):
    """Cell SEs and the covariate SE: no printed R output gives them analytically, so csdid
    (a port of R did) is called for real; r_reference.py keeps the values it gave, for reading."""
    res = _csdid_mpdta(mpdta).results
    peer = {(int(g), int(t)): se for g, t, se in zip(res["group"], res["year"], res["se"])}
    tab = mpdta_result.table.dropna(subset=["std_error"]).set_index(["cohort", "time"])
    assert len(tab) == len(peer) == 12
    for (g, t), se in peer.items():
        assert tab.loc[(g, t), "std_error"] == pytest.approx(se, rel=1e-6)
    for key, (_, se) in R_DID_CELLS.items():
        assert peer[key] == pytest.approx(se, abs=1e-6)
    cov = att_gt(mpdta, **MPDTA, covariates=["lpop"], method="reg").aggregate("simple")
    peer_cov = _csdid_mpdta(mpdta, xformla="lemp~lpop").atte
    assert cov.estimate == pytest.approx(peer_cov["overall_att"], abs=1e-8)
    assert cov.std_error == pytest.approx(peer_cov["overall_se"], rel=1e-6)


@pytest.mark.reference
def test_mpdta_universal_base_period_matches_r_did(mpdta):
    # twfeweights README: did::att_gt(..., base_period = "universal"), point estimates only
    tab = att_gt(mpdta, **MPDTA, base_period="universal").table.set_index(["cohort", "time"])
    for key, value in R_DID_UNIVERSAL_BASE.items():
        assert tab.loc[key, "estimate"] == pytest.approx(value, abs=1e-8)
    for ref in [(2004, 2003), (2006, 2005), (2007, 2006)]:  # reference cells: 0, no SE
        assert tab.loc[ref, "estimate"] == 0 and np.isnan(tab.loc[ref, "std_error"])


@pytest.mark.reference
def test_mpdta_table_shape_and_columns(mpdta_result):
    tab = mpdta_result.table
    assert list(tab.columns[:6]) == ["cohort", "time", "estimate", "std_error", "conf_low", "conf_high"]
    # 3 cohorts x 4 periods (varying base: first period has no base), the 12 rows R's
    # summary(att_gt(...)) prints in the did README; the interval is the normal closed form.
    assert len(tab) == 12
    z = 1.959963984540054
    np.testing.assert_allclose(tab["conf_low"], tab["estimate"] - z * tab["std_error"])
    assert mpdta_result.n_units == 500 and mpdta_result.n_obs == 2500


# ---------------------------------------------------------------------------------------------
# Independent implementations: diff-diff and csdid on simulated panels
# ---------------------------------------------------------------------------------------------
def _dd(data, **kw):
    diff_diff = require_module("diff_diff", "peer of att_gt")
    fit_kw = {k: kw.pop(k) for k in ("covariates", "aggregate") if k in kw}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return diff_diff.CallawaySantAnna(**kw).fit(data, "y", "unit", "time", "cohort", **fit_kw)


def _csdid(data, control="nevertreated", est="reg", xformla=None, agg="simple"):
    att_mod = require_module("csdid.att_gt", "peer of att_gt (doubly robust, aggregations)")
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = att_mod.ATTgt(yname="y", tname="time", idname="unit", gname="cohort", data=data,
                          control_group=[control], xformla=xformla)
        o.fit(est_method=est, bstrap=False)
        o.aggte(typec=agg, bstrap=False)
    return o.atte


@pytest.fixture(scope="module")
def sim():
    return simulate_staggered_panel(240, 8, seed=11, n_clusters=24, covariate_trend=0.3)


def _cells_equal(ours, dd_result):
    tab = ours.table
    gte = dd_result.group_time_effects
    n = 0
    for _, r in tab.iterrows():
        key = (int(r["cohort"]), int(r["time"]))
        if key not in gte or np.isnan(r["std_error"]):
            continue
        assert r["estimate"] == pytest.approx(gte[key]["effect"], abs=1e-9), key
        assert r["std_error"] == pytest.approx(gte[key]["se"], rel=1e-7), key
        n += 1
    assert n >= len(tab) - 4  # nearly every cell was compared


@pytest.mark.peer
@pytest.mark.parametrize("control, dd_control", [("never", "never_treated"), ("notyet", "not_yet_treated")])
@pytest.mark.parametrize("anticipation", [0, 1])
def test_cells_match_diff_diff(sim, control, dd_control, anticipation):
    ours = att_gt(sim, "y", "unit", "time", "cohort", control=control, anticipation=anticipation)
    _cells_equal(ours, _dd(sim, control_group=dd_control, estimation_method="reg", anticipation=anticipation))


@pytest.mark.peer
@pytest.mark.parametrize("control, dd_control", [("never", "never_treated"), ("notyet", "not_yet_treated")])
@pytest.mark.parametrize("anticipation", [0, 1])
def test_universal_base_and_anticipation_match_diff_diff(sim, control, dd_control, anticipation):
    ours = att_gt(sim, "y", "unit", "time", "cohort", base_period="universal", anticipation=anticipation,
                  control=control)
    _cells_equal(ours, _dd(sim, estimation_method="reg", base_period="universal", anticipation=anticipation,
                           control_group=dd_control))


@pytest.mark.peer
def test_covariates_reg_matches_diff_diff(sim):
    ours = att_gt(sim, "y", "unit", "time", "cohort", covariates="x", method="reg")
    ref = _dd(sim, estimation_method="reg", covariates=["x"], aggregate="simple")
    _cells_equal(ours, ref)
    assert ours.aggregate("simple").std_error == pytest.approx(ref.overall_se, rel=1e-7)


@pytest.mark.peer
def test_doubly_robust_matches_csdid(sim):
    # csdid ports R did/DRDID's drdid_panel (diff-diff uses a different propensity-score fit).
    ours = att_gt(sim, "y", "unit", "time", "cohort", covariates="x", method="dr").aggregate("simple")
    ref = _csdid(sim, est="dr", xformla="y~x")
    assert ours.estimate == pytest.approx(ref["overall_att"], abs=1e-8)
    assert ours.std_error == pytest.approx(ref["overall_se"], rel=1e-6)


@pytest.mark.peer
@pytest.mark.parametrize("kind, cs_kind", [("simple", "simple"), ("group", "group"), ("event", "dynamic"),
                                           ("calendar", "calendar")])
@pytest.mark.parametrize("control", ["never", "notyet"])
def test_aggregations_match_csdid(sim, kind, cs_kind, control):
    ours = att_gt(sim, "y", "unit", "time", "cohort", control=control).aggregate(kind)
    ref = _csdid(sim, control={"never": "nevertreated", "notyet": "notyettreated"}[control], agg=cs_kind)
    assert ours.estimate == pytest.approx(ref["overall_att"], abs=1e-9)
    assert ours.std_error == pytest.approx(ref["overall_se"], rel=1e-7)
    if kind != "simple":
        np.testing.assert_allclose(ours.table["estimate"], np.asarray(ref["att_egt"], float), atol=1e-9)
        np.testing.assert_allclose(ours.table["std_error"], np.asarray(ref["se_egt"], float), rtol=1e-7)


@pytest.mark.peer
def test_clustered_se_matches_diff_diff(sim):
    ours = att_gt(sim, "y", "unit", "time", "cohort", cluster="cluster")
    ref = _dd(sim, estimation_method="reg", cluster="cluster", aggregate="simple")
    _cells_equal(ours, ref)
    assert ours.aggregate("simple").std_error == pytest.approx(ref.overall_se, rel=1e-7)


@pytest.mark.peer
def test_simple_matches_differences_package():
    differences = require_module("differences", "peer of att_gt")
    d = simulate_staggered_panel(120, 6, seed=5)
    ours = att_gt(d, "y", "unit", "time", "cohort").aggregate("simple")
    dd = d.assign(cohort=d["cohort"].replace(0, np.nan)).set_index(["unit", "time"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = differences.ATTgt(data=dd, cohort_column="cohort")
        a.fit("y", est_method="reg", progress_bar=False)
        s = a.aggregate("simple")
    assert ours.estimate == pytest.approx(float(s.iloc[0, 0]), abs=1e-9)
    assert ours.std_error == pytest.approx(float(s.iloc[0, 1]), rel=1e-7)


# ---------------------------------------------------------------------------------------------
# Known truth: planted effects
# ---------------------------------------------------------------------------------------------
def _true_simple(d):
    att = d.attrs
    units = d.drop_duplicates("unit")
    cells = []
    for g in att["cohorts"]:
        share = (units["cohort"] == g).mean()
        for t in sorted(d["time"].unique()):
            if t >= g:
                cells.append((share, true_att(g, t, att["effect"], att["slope"], att["cohort_effect"],
                                              att["first_cohort"])))
    w = np.array([c[0] for c in cells])
    return float(np.array([c[1] for c in cells]) @ w / w.sum())


@pytest.mark.simulation
def test_recovers_planted_group_time_effects():
    d = simulate_staggered_panel(3000, 8, seed=21, cohort_effect=0.4, noise=1.0)
    res = att_gt(d, "y", "unit", "time", "cohort")
    tab = res.table
    g0 = d.attrs["first_cohort"]
    truth = np.array([true_att(g, t, 1.0, 0.5, 0.4, g0) for g, t in zip(tab["cohort"], tab["time"])])
    z = (tab["estimate"] - truth) / tab["std_error"]
    assert np.all(np.abs(z) < 4), z[np.abs(z) >= 4]
    simple = res.aggregate("simple")
    assert abs(simple.estimate - _true_simple(d)) < 4 * simple.std_error
    # event study: truth at event time e = cohort-share weighted mean of the cells with t - g = e
    share = d.drop_duplicates("unit")["cohort"].value_counts(normalize=True)
    tab["truth"], tab["w"] = truth, share.reindex(tab["cohort"]).to_numpy()
    ev_truth = tab.groupby("event_time").apply(lambda s: np.average(s["truth"], weights=s["w"]))
    ev = res.aggregate("event").table.set_index("event_time")
    z_ev = (ev["estimate"] - ev_truth.reindex(ev.index)) / ev["std_error"]
    assert np.all(np.abs(z_ev) < 4), z_ev
    assert ev_truth.loc[3] > ev_truth.loc[0] + 0.5  # effects grow: the test can tell them apart


@pytest.mark.simulation
@pytest.mark.parametrize("method", ["reg", "dr"])
def test_covariates_restore_conditional_parallel_trends(method):
    d = simulate_staggered_panel(3000, 6, seed=4, covariate_trend=0.5)
    truth = _true_simple(d)
    naive = att_gt(d, "y", "unit", "time", "cohort").aggregate("simple")
    adj = att_gt(d, "y", "unit", "time", "cohort", covariates="x", method=method).aggregate("simple")
    assert abs(naive.estimate - truth) > 5 * naive.std_error  # unconditional parallel trends fail
    assert abs(adj.estimate - truth) < 4 * adj.std_error


@pytest.mark.simulation
def test_analytic_interval_coverage_near_nominal():
    hits = []
    for rep in range(200):
        d = simulate_staggered_panel(80, 6, seed=1000 + rep)
        a = att_gt(d, "y", "unit", "time", "cohort").aggregate("simple")
        lo, hi = a.conf_int()
        hits.append(lo <= _true_simple(d) <= hi)
    # 95% nominal; 200 draws: binomial sd 1.5 points, allow about 3 sd
    assert 0.89 <= np.mean(hits) <= 0.995


# ---------------------------------------------------------------------------------------------
# Unbalanced panels: complete cases per 2x2 comparison
# ---------------------------------------------------------------------------------------------
def test_unbalanced_panel_uses_units_observed_in_both_periods():
    d = simulate_staggered_panel(150, 6, seed=8, missing_share=0.1)
    res = att_gt(d, "y", "unit", "time", "cohort")
    assert res.call["balanced"] is False
    wide = d.pivot(index="unit", columns="time", values="y")
    coh = d.groupby("unit")["cohort"].first()
    for _, r in res.table.iterrows():
        dy = wide[r["time"]] - wide[r["base_time"]]
        tr = dy[(coh == r["cohort"])].dropna()
        co = dy[(coh == 0)].dropna()
        assert r["estimate"] == pytest.approx(tr.mean() - co.mean(), abs=1e-12)
        assert (r["n_treated"], r["n_control"]) == (len(tr), len(co))
        se = np.sqrt(tr.var(ddof=0) / len(tr) + co.var(ddof=0) / len(co))
        assert r["std_error"] == pytest.approx(se, rel=1e-10)


def test_row_order_does_not_matter():
    d = simulate_staggered_panel(100, 6, seed=9)
    a = att_gt(d, "y", "unit", "time", "cohort").table
    b = att_gt(d.sample(frac=1.0, random_state=1), "y", "unit", "time", "cohort").table
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------------------------
# Result object
# ---------------------------------------------------------------------------------------------
def test_result_is_immutable_and_serialisable(mpdta_result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        mpdta_result.n_obs = 1
    with pytest.raises(ValueError):
        mpdta_result.influence[0, 0] = 1.0
    t = mpdta_result.table
    t.loc[0, "estimate"] = 99.0  # a copy: the result does not change
    assert mpdta_result.table.loc[0, "estimate"] != 99.0
    d = json.loads(json.dumps(mpdta_result.to_dict()))
    assert d["method"] == "att_gt" and d["n_units"] == 500 and len(d["table"]) == 12
    assert d["call"]["control"] == "never"
    agg = mpdta_result.aggregate("event")
    d2 = json.loads(json.dumps(agg.to_dict()))
    assert d2["estimate"] == pytest.approx(-0.0772398215, abs=1e-9)
    assert d2["call"]["aggregate"] == "event"


def test_summary_tidy_and_conf_int(mpdta_result):
    text = mpdta_result.summary()
    assert "att_gt" in text and "-0.0105032" in text
    html = mpdta_result.summary("html")
    assert html.startswith("<div") and "<table" in html
    agg = mpdta_result.aggregate("group")
    lo, hi = agg.conf_int(0.10)
    assert lo == pytest.approx(agg.estimate - 1.6448536269514722 * agg.std_error)
    tidy = agg.tidy()
    assert tidy["term"].iloc[0] == "ATT (group)" and len(tidy) == 4  # overall + 3 cohorts
    assert 0 < agg.pvalue < 0.05
    with pytest.raises(ValueError, match="kind"):
        mpdta_result.aggregate("dynamic")


def test_plots_mark_reference_period(mpdta_result, mpdta):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = mpdta_result.aggregate("event").plot()
    xs = [line.get_xdata()[0] for line in ax.get_lines() if len(line.get_xdata()) == 2
          and line.get_xdata()[0] == line.get_xdata()[1]]
    assert -1.0 in xs  # vertical dashed line at the reference period
    # Language-free by default: no prose on the plot, axis labels are column names (issue 12).
    assert len(ax.texts) == 0 and ax.get_title() == "" and ax.get_legend() is None
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("event_time", "estimate")
    universal = att_gt(mpdta, **MPDTA, base_period="universal")
    ax_u = universal.aggregate("event").plot(labels={"reference": "bulan acuan"})
    assert [t.get_text() for t in ax_u.texts] == ["bulan acuan"]
    ax2 = mpdta_result.plot()
    labels = [t.get_text() for t in ax2.get_legend().get_texts()]
    assert labels == ["cohort 2004", "cohort 2006", "cohort 2007"]
    with pytest.raises(ValueError, match="single number"):
        mpdta_result.aggregate("simple").plot()
    with pytest.raises(ValueError, match="no element 'refrence' to label; labels can name 'reference', 'band'"):
        mpdta_result.aggregate("event").plot(labels={"refrence": "x"})
    plt.close("all")
