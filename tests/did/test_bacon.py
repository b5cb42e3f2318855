"""Tests of the Goodman-Bacon decomposition.

Identity: weights (computed from the theorem, not renormalised) sum to 1 and the weighted 2x2
estimates reproduce the TWFE coefficient of an independent OLS fit. Peer: diff-diff's
BaconDecomposition, row by row. Simulation: with homogeneous effects every 2x2 estimate is the
effect; with effects growing over time the "later_vs_earlier" comparisons are biased down,
the failure the decomposition exists to show.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from mutasi_analysis.did import bacon
from mutasi_analysis.did import PanelDataError
from tests.conftest import require_module


def _ols_twfe(d, y, unit, time, cohort):
    d = d.assign(_D=((d[cohort] > 0) & (d[time] >= d[cohort])).astype(float))
    d = d.rename(columns={y: "_y", unit: "_u", time: "_t"})
    return smf.ols("_y ~ _D + C(_u) + C(_t)", data=d).fit().params["_D"]


def _check_identity(res, d, y, unit, time, cohort):
    w, est = res.table["weight"].to_numpy(), res.table["estimate"].to_numpy()
    assert (w > 0).all()
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert float(w @ est) == pytest.approx(res.twfe, abs=1e-10)
    assert res.twfe == pytest.approx(_ols_twfe(d, y, unit, time, cohort), abs=1e-10)


def test_identity_on_mpdta(mpdta):
    res = bacon(mpdta, "lemp", "countyreal", "year", "first.treat")
    _check_identity(res, mpdta, "lemp", "countyreal", "year", "first.treat")
    # 3 cohorts and never treated: 3 treated_vs_never and 3 pairs x 2 timing comparisons.
    assert res.table["comparison"].value_counts().to_dict() == {
        "treated_vs_never": 3, "earlier_vs_later": 3, "later_vs_earlier": 3}
    bt = res.by_type()
    assert bt["contribution"].sum() == pytest.approx(res.twfe, abs=1e-12)
    assert bt["weight"].sum() == pytest.approx(1.0, abs=1e-12)


def test_plot_is_language_free_and_takes_the_callers_words(mpdta):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = bacon(mpdta, "lemp", "countyreal", "year", "first.treat")
    ax = res.plot()
    assert ax.get_title() == "" and (ax.get_xlabel(), ax.get_ylabel()) == ("weight", "estimate")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["treated_vs_never", "earlier_vs_later", "later_vs_earlier"]
    ax = res.plot(labels={"treated_vs_never": "dirotasi vs tidak pernah", "twfe": "TWFE"})
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["dirotasi vs tidak pernah", "earlier_vs_later", "later_vs_earlier", "TWFE"]
    plt.close("all")


def test_identity_with_always_treated_and_no_never_treated(staggered_panel):
    # Cohort 1 is the first period (always treated); no never-treated units.
    d = staggered_panel(n_units=40, n_periods=9, cohorts=[1, 4, 6, 8], never_share=0.0, seed=5)
    res = bacon(d, "y", "unit", "time", "cohort")
    _check_identity(res, d, "y", "unit", "time", "cohort")
    assert "treated_vs_never" not in set(res.table["comparison"])
    always = res.table[res.table["control"] == 1]
    assert set(always["comparison"]) == {"later_vs_earlier"}


def _peer_table(d, y, unit, time, cohort):
    dd = require_module("diff_diff", "peer of bacon")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = dd.BaconDecomposition().fit(d, y, unit, time, cohort)
    p = r.to_dataframe()
    p["control"] = pd.to_numeric(p["control_group"].replace({"never_treated": 0}))
    p["treated"] = p["treated_group"].astype(float)
    return r, p


@pytest.mark.peer
@pytest.mark.parametrize("source", ["mpdta", "simulated"])
def test_rows_match_diff_diff(source, mpdta, staggered_panel):
    if source == "mpdta":
        d, cols = mpdta.rename(columns={"first.treat": "g"}), ("lemp", "countyreal", "year", "g")
    else:
        d = staggered_panel(n_units=90, n_periods=12, cohorts=[4, 6, 9, 11], slope=0.3, seed=8)
        cols = ("y", "unit", "time", "cohort")
    res = bacon(d, *cols)
    peer, p = _peer_table(d, *cols)
    assert res.twfe == pytest.approx(peer.twfe_estimate, abs=1e-10)
    ours = res.table.assign(treated=res.table["treated"].astype(float),
                            control=res.table["control"].astype(float))
    m = ours.merge(p, on=["treated", "control"], how="outer", validate="one_to_one", indicator=True)
    assert (m["_merge"] == "both").all()
    np.testing.assert_allclose(m["weight_x"], m["weight_y"], atol=1e-10)
    np.testing.assert_allclose(m["estimate_x"], m["estimate_y"], atol=1e-10)


@pytest.mark.simulation
def test_homogeneous_effect_every_comparison_recovers_it(staggered_panel):
    d = staggered_panel(n_units=60, n_periods=10, effect=2.0, slope=0.0, noise=0.0, seed=1)
    res = bacon(d, "y", "unit", "time", "cohort")
    np.testing.assert_allclose(res.table["estimate"], 2.0, atol=1e-10)
    assert res.twfe == pytest.approx(2.0, abs=1e-10)


@pytest.mark.simulation
def test_growing_effects_bias_later_vs_earlier(staggered_panel):
    """Effects 1 + 0.5 e: an earlier cohort used as control is still changing, so the later-vs-
    earlier 2x2 estimates fall below the true average effect of the later cohort's window."""
    d = staggered_panel(n_units=80, n_periods=12, cohorts=[3, 6, 9], effect=1.0, slope=0.5,
                        noise=0.0, seed=2)
    res = bacon(d, "y", "unit", "time", "cohort")
    tvn = res.table[res.table["comparison"] == "treated_vs_never"].set_index("treated")["estimate"]
    # treated_vs_never = mean effect over the post periods: 1 + 0.5 * mean(e).
    for g, est in tvn.items():
        e = np.arange(0, 12 - (g - 1))
        assert est == pytest.approx(1 + 0.5 * e.mean(), abs=1e-10)
    lve = res.table[res.table["comparison"] == "later_vs_earlier"]
    for _, row in lve.iterrows():
        # The true effect of the later cohort in its post window is positive; the estimate is
        # pulled down by the earlier cohort's growing effect in the control group.
        assert row["estimate"] < 1.0
    assert res.by_type().set_index("comparison").loc["later_vs_earlier", "estimate"] < \
        res.by_type().set_index("comparison").loc["treated_vs_never", "estimate"]


def test_result_object(mpdta):
    res = bacon(mpdta, "lemp", "countyreal", "year", "first.treat")
    assert list(res.tidy().columns) == ["comparison", "treated", "control", "weight", "estimate"]
    d = res.to_dict()
    json.dumps(d)
    assert d["call"]["outcome"] == "lemp" and d["n_obs"] == 2500 and d["n_units"] == 500
    assert "Goodman-Bacon" in res.summary()


def test_bad_input(staggered_panel):
    d = staggered_panel(n_units=30, n_periods=8, seed=3)
    with pytest.raises(PanelDataError, match="balanced panel"):
        bacon(d.drop(index=[0, 5]), "y", "unit", "time", "cohort")
    with pytest.raises(ValueError, match="missing values"):
        bacon(d.assign(y=d["y"].where(d.index != 4)), "y", "unit", "time", "cohort")
    with pytest.raises(PanelDataError, match="does not vary"):
        bacon(d.assign(cohort=0), "y", "unit", "time", "cohort")
    with pytest.raises(PanelDataError, match="duplicate|share a \\(unit, time\\)"):
        bacon(pd.concat([d, d.iloc[[0]]]), "y", "unit", "time", "cohort")
    with pytest.raises(PanelDataError, match="not observed periods"):
        bacon(d.assign(cohort=np.where(d["cohort"] > 0, d["cohort"] + 100, 0)), "y", "unit", "time", "cohort")
