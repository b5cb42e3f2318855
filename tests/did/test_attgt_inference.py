"""att_gt inference: multiplier bootstrap, uniform bands, clustering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mutasi_analysis.did import att_gt
from tests.did.conftest import simulate_staggered_panel, true_att

MPDTA = dict(outcome="lemp", unit="countyreal", time="year", cohort="first.treat")


def test_bootstrap_is_reproducible_with_seed(mpdta):
    a = att_gt(mpdta, **MPDTA, n_boot=199, seed=7)
    b = att_gt(mpdta, **MPDTA, n_boot=199, seed=7)
    c = att_gt(mpdta, **MPDTA, n_boot=199, seed=8)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.aggregate("event").std_error == b.aggregate("event").std_error
    assert not np.allclose(a.table["std_error"], c.table["std_error"])
    # point estimates do not depend on the bootstrap
    np.testing.assert_array_equal(a.table["estimate"], att_gt(mpdta, **MPDTA).table["estimate"])


def test_unseeded_bootstrap_records_its_seed(mpdta):
    a = att_gt(mpdta, **MPDTA, n_boot=99)
    seed = a.call["seed"]
    assert isinstance(seed, int)
    b = att_gt(mpdta, **MPDTA, n_boot=99, seed=seed)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_bootstrap_se_close_to_analytic_and_bands_wider(mpdta):
    boot = att_gt(mpdta, **MPDTA, n_boot=1999, seed=1)
    ana = att_gt(mpdta, **MPDTA)
    ratio = boot.table["std_error"] / ana.table["std_error"]
    assert np.all((ratio > 0.85) & (ratio < 1.15)), ratio
    tab = boot.table
    z = stats.norm.ppf(0.975)
    assert z < boot.crit_value < 4
    assert np.all(tab["uband_low"] < tab["conf_low"]) and np.all(tab["uband_high"] > tab["conf_high"])
    ev = boot.aggregate("event")
    assert {"uband_low", "uband_high"} <= set(ev.table.columns) and ev.crit_value > z
    assert ev.std_error == pytest.approx(ana.aggregate("event").std_error, rel=0.15)
    assert "uband_low" not in ana.table.columns


@pytest.mark.simulation
def test_uniform_band_covers_all_effects_jointly():
    joint_band, joint_pointwise = [], []
    for rep in range(100):
        d = simulate_staggered_panel(60, 5, cohorts=[3, 4], seed=500 + rep)
        res = att_gt(d, "y", "unit", "time", "cohort", n_boot=299, seed=rep)
        tab = res.table
        truth = np.array([true_att(g, t, 1.0, 0.5) for g, t in zip(tab["cohort"], tab["time"])])
        joint_band.append(np.all((tab["uband_low"] <= truth) & (truth <= tab["uband_high"])))
        joint_pointwise.append(np.all((tab["conf_low"] <= truth) & (truth <= tab["conf_high"])))
    # 8 cells: pointwise intervals cover all of them jointly far less often than 95%
    assert np.mean(joint_band) >= 0.86
    assert np.mean(joint_band) > np.mean(joint_pointwise) + 0.05


def test_cluster_equal_to_unit_gives_unit_level_se_times_small_sample_factor():
    d = simulate_staggered_panel(90, 6, seed=2)
    d["cl"] = d["unit"]
    a = att_gt(d, "y", "unit", "time", "cohort")
    b = att_gt(d, "y", "unit", "time", "cohort", cluster="cl")
    n = 90
    np.testing.assert_allclose(b.table["std_error"], a.table["std_error"] * np.sqrt(n / (n - 1)), rtol=1e-12)


def test_clustered_se_sums_influence_within_clusters():
    d = simulate_staggered_panel(120, 6, seed=3, n_clusters=12)
    res = att_gt(d, "y", "unit", "time", "cohort", cluster="cluster")
    # manual: psi summed per cluster from the stored influence matrix
    cl = d.drop_duplicates("unit").set_index("unit")["cluster"].reindex(res.influence_units).to_numpy()
    sums = pd.DataFrame(res.influence).groupby(cl).sum().to_numpy()
    se = np.sqrt((sums ** 2).sum(axis=0) * 12 / 11) / 120
    np.testing.assert_allclose(res.table["std_error"], se, rtol=1e-12)


def test_clustering_matters_when_shocks_are_shared_within_clusters():
    # Offices nested in clusters that share adoption dates and period shocks: unit-level SEs
    # ignore the shared shocks and are too small.
    d = simulate_staggered_panel(240, 6, seed=5, noise=0.5)
    units = d.drop_duplicates("unit")[["unit", "cohort"]]
    units["cl"] = units["cohort"].astype(int) * 100 + units["unit"] % 4
    d = d.merge(units[["unit", "cl"]], on="unit")
    rng = np.random.default_rng(0)
    shocks = pd.DataFrame([(c, t, rng.normal()) for c in units["cl"].unique() for t in d["time"].unique()],
                          columns=["cl", "time", "shock"])
    d = d.merge(shocks, on=["cl", "time"])
    d["y"] = d["y"] + d["shock"]
    clustered = att_gt(d, "y", "unit", "time", "cohort", cluster="cl").aggregate("simple")
    plain = att_gt(d, "y", "unit", "time", "cohort").aggregate("simple")
    assert clustered.std_error > 1.5 * plain.std_error


def test_cluster_bootstrap_close_to_clustered_analytic():
    d = simulate_staggered_panel(300, 6, seed=4, n_clusters=30)
    boot = att_gt(d, "y", "unit", "time", "cohort", cluster="cluster", n_boot=1999, seed=3)
    ana = att_gt(d, "y", "unit", "time", "cohort", cluster="cluster")
    assert boot.aggregate("simple").std_error == pytest.approx(ana.aggregate("simple").std_error, rel=0.15)
