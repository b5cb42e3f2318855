"""Tests of the Sun-Abraham interaction-weighted event study.

Reference: on mpdta (never-treated control) the saturated cohort x period coefficients equal
R ``did``'s ATT(g,t) for post-treatment cells (point estimates; R did 2.3.0 and the did README,
provenance in tests/did/r_reference.py). Peer: diff-diff's SunAbraham, event time by event time
(estimates exact; standard errors up to the documented difference in the small-sample factor).
Oracle: every cell equals the project's own ``att_gt`` with ``base_period="universal"`` (an
identity between two of our estimators, not a peer). Simulation: planted dynamic effects are
recovered, also with the last-treated cohort as the control group.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from mutasi_analysis.did import att_gt, sun_abraham
from mutasi_analysis.did import PanelDataError
from tests.conftest import require_module
from tests.did.r_reference import MPDTA, R_DID_CELLS


@pytest.mark.reference
def test_saturated_cells_equal_r_did_att_gt_on_mpdta(mpdta):
    res = sun_abraham(mpdta, "lemp", "countyreal", "year", "first.treat")
    ct = res.cohort_table.set_index(["cohort", "time"])
    for (g, t), (ref, _) in R_DID_CELLS.items():  # point estimates only
        assert ct.loc[(g, t), "estimate"] == pytest.approx(ref, abs=1e-6)
    assert res.control == "never"
    # 2004: 4 cells, 2006: 4 cells, 2007: 4 cells (all but the reference period g-1).
    assert len(ct) == 12 and not ((ct["event_time"] == -1).any())


@pytest.mark.oracle
def test_all_cells_equal_att_gt_with_universal_base(mpdta):
    # Our own att_gt, not a peer: on a balanced panel without covariates each cell of the
    # saturated regression is a 2x2 comparison with period g - 1, the universal-base ATT(g, t).
    agt = att_gt(mpdta, **MPDTA, base_period="universal")
    res = sun_abraham(mpdta, "lemp", "countyreal", "year", "first.treat")
    m = res.cohort_table.merge(agt.table, on=["cohort", "time"], suffixes=("", "_cs"))
    assert len(m) == len(res.cohort_table)
    np.testing.assert_allclose(m["estimate"], m["estimate_cs"], atol=1e-10)


def _diff_diff_event_study(d, y, unit, time, cohort):
    dd = require_module("diff_diff", "peer of sun_abraham")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = dd.SunAbraham(cluster=unit).fit(d, y, unit, time, cohort)
    return m.to_dataframe().set_index("relative_period")


@pytest.mark.peer
@pytest.mark.parametrize("source", ["mpdta", "simulated_unbalanced"])
def test_event_study_matches_diff_diff(source, mpdta, staggered_panel):
    if source == "mpdta":
        d, cols = mpdta.rename(columns={"first.treat": "g"}), ("lemp", "countyreal", "year", "g")
    else:
        d = staggered_panel(n_units=70, n_periods=9, missing_share=0.1, seed=3)
        cols = ("y", "unit", "time", "cohort")
    res = sun_abraham(d, *cols)
    peer = _diff_diff_event_study(d, *cols)
    t = res.table.set_index("event_time")
    assert list(t.index) == list(peer.index)
    np.testing.assert_allclose(t["estimate"], peer["effect"], atol=1e-10)
    # Both CRV1 by unit with G/(G-1)(N-1)/(N-K); diff-diff's K has one column more than ours
    # (K = cells + periods - 1 here, unit effects nested in clusters are not counted).
    n, K = res.n_obs, len(res.cohort_table) + d[cols[2]].nunique() - 1
    np.testing.assert_allclose(t["std_error"] * np.sqrt((n - K) / (n - K - 1)), peer["se"], rtol=1e-9)


@pytest.mark.simulation
def test_recovers_planted_dynamic_effects(staggered_panel):
    d = staggered_panel(n_units=400, n_periods=10, effect=1.0, slope=0.5, noise=0.5, seed=4)
    res = sun_abraham(d, "y", "unit", "time", "cohort")
    t = res.table
    truth = np.where(t["event_time"] >= 0, 1.0 + 0.5 * t["event_time"], 0.0)
    # Each estimate within 4 standard errors, and the intervals cover at least most of them.
    assert (np.abs(t["estimate"] - truth) < 4 * t["std_error"]).all()
    covered = ((t["conf_low"] <= truth) & (truth <= t["conf_high"])).mean()
    assert covered >= 0.75
    assert res.overall().estimate == pytest.approx(
        np.average(1 + 0.5 * res.cohort_table.query("event_time >= 0")["event_time"],
                   weights=res.cohort_table.query("event_time >= 0")["n_obs"]), abs=0.1)


@pytest.mark.simulation
def test_last_treated_cohort_as_control_without_never_treated(staggered_panel):
    d = staggered_panel(n_units=300, n_periods=10, cohorts=[4, 6, 9], never_share=0.0,
                        effect=1.0, slope=0.5, noise=0.0, seed=6)
    res = sun_abraham(d, "y", "unit", "time", "cohort")
    assert res.control == "last"
    # Without noise the estimates are exact; periods from 9 on were dropped.
    assert set(res.cohort_table["cohort"]) == {4.0, 6.0}
    assert res.cohort_table["time"].max() < 9
    truth = np.where(res.table["event_time"] >= 0, 1.0 + 0.5 * res.table["event_time"], 0.0)
    np.testing.assert_allclose(res.table["estimate"], truth, atol=1e-9)


def test_cluster_above_unit_widens_nothing_when_clusters_are_units(staggered_panel):
    d = staggered_panel(n_units=60, n_periods=8, n_clusters=12, seed=2)
    by_unit = sun_abraham(d, "y", "unit", "time", "cohort")
    by_cl = sun_abraham(d, "y", "unit", "time", "cohort", cluster="cluster")
    np.testing.assert_allclose(by_unit.table["estimate"], by_cl.table["estimate"])
    assert by_cl.df == 11 and by_unit.df == 59
    assert not np.allclose(by_unit.table["std_error"], by_cl.table["std_error"])
    same = sun_abraham(d.assign(c2=d["unit"]), "y", "unit", "time", "cohort", cluster="c2")
    np.testing.assert_allclose(same.table["std_error"], by_unit.table["std_error"], rtol=1e-12)


def test_result_object_and_plot(mpdta):
    import matplotlib

    matplotlib.use("Agg")
    res = sun_abraham(mpdta, "lemp", "countyreal", "year", "first.treat")
    assert list(res.table.columns) == ["event_time", "estimate", "std_error", "statistic", "pvalue", "conf_low", "conf_high"]
    d = res.to_dict()
    json.dumps(d)
    assert d["call"]["cohort"] == "first.treat" and d["control"] == "never"
    ax = res.plot()
    assert len(ax.get_lines()) >= 2  # estimates and the reference-period marker
    assert ax.get_legend() is None and ax.get_title() == "" and ax.get_xlabel() == "event_time"
    o = res.overall()
    lo, hi = o.conf_int()
    assert lo < o.estimate < hi and o.df == 499


def test_bad_input_and_warnings(staggered_panel):
    d = staggered_panel(n_units=40, n_periods=8, seed=1)
    with pytest.raises(PanelDataError, match="missing values"):
        sun_abraham(d.assign(y=d["y"].where(d.index != 3)), "y", "unit", "time", "cohort")
    with pytest.raises(PanelDataError, match="must be numeric"):
        sun_abraham(d.assign(y=d["y"].astype(str)), "y", "unit", "time", "cohort")
    with pytest.raises(PanelDataError, match="varies within"):
        sun_abraham(d.assign(cohort=np.where(d["time"] > 5, d["cohort"], 0)), "y", "unit", "time", "cohort")
    with pytest.raises(PanelDataError, match="no control group"):
        sun_abraham(staggered_panel(n_units=20, n_periods=8, cohorts=[5], never_share=0.0),
                    "y", "unit", "time", "cohort")
    lonely = d.assign(cl=np.where(d["cohort"] == d["cohort"].max(), 0, d["unit"] + 1))
    with pytest.warns(UserWarning, match="single 'cl' cluster"):
        sun_abraham(lonely, "y", "unit", "time", "cohort", cluster="cl")
    early = staggered_panel(n_units=40, n_periods=8, cohorts=[1, 5], seed=2)
    with pytest.warns(UserWarning, match="treated from the first period"):
        res = sun_abraham(early, "y", "unit", "time", "cohort")
    assert res.call["n_always_treated_units"] == (early.groupby("unit")["cohort"].first() == 1).sum()


@pytest.mark.simulation
def test_wild_bootstrap_of_overall_and_event_time(staggered_panel):
    d = staggered_panel(n_units=24, n_periods=8, cohorts=[4, 6], effect=2.0, slope=0.0, seed=9)
    res = sun_abraham(d, "y", "unit", "time", "cohort")
    wb = res.wild_bootstrap(n_boot=999, seed=1)
    assert wb.estimate == pytest.approx(res.overall().estimate, abs=1e-10)
    assert not wb.enumerated and wb.n_clusters == 24
    lo, hi = wb.conf_int()
    assert lo < 2.0 < hi and wb.pvalue < 0.01  # planted constant effect 2
    e0 = res.wild_bootstrap(event_time=0, n_boot=999, seed=1)
    assert e0.estimate == pytest.approx(res.table.set_index("event_time").loc[0, "estimate"], abs=1e-10)
    # Same seed, same numbers.
    assert res.wild_bootstrap(n_boot=999, seed=1).conf_int() == (lo, hi)
    with pytest.raises(ValueError, match="event_time 99"):
        res.wild_bootstrap(event_time=99)
