"""Bad input: every problem gets a clear error (or warning) saying what is wrong and what to do."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.did import att_gt
from mutasi_analysis.did import DiDError, PanelDataError
from mutasi_analysis.did._panel import cohort_from_treatment, prepare_panel
from tests.did.conftest import simulate_staggered_panel

ARGS = ("y", "unit", "time", "cohort")


@pytest.fixture
def panel():
    return simulate_staggered_panel(40, 6, seed=1, n_clusters=8)


def test_data_errors_are_did_errors_and_valueerrors(panel):
    # did/ is domain-free: its errors are its own (public), and still ValueErrors for callers
    # written before they existed; the CLI and impact map them (tests/test_impact.py).
    with pytest.raises(PanelDataError) as exc:
        att_gt(panel.assign(y=panel["y"].astype(str)), *ARGS)
    assert isinstance(exc.value, DiDError) and isinstance(exc.value, ValueError)
    from mutasi_analysis.errors import MutasiError

    assert not isinstance(exc.value, MutasiError)


def test_non_numeric_outcome(panel):
    with pytest.raises(ValueError, match=r"outcome 'y' must be numeric.*pd.to_numeric"):
        att_gt(panel.assign(y=panel["y"].astype(str)), *ARGS)


def test_missing_columns_listed(panel):
    with pytest.raises(ValueError, match=r"\['nope'\] not found.*available columns"):
        att_gt(panel, "y", "unit", "time", "nope")


def test_missing_values_counted_and_located_never_dropped_silently(panel):
    bad = panel.copy()
    bad.loc[[3, 10, 11], "y"] = np.nan
    bad.loc[[20], "time"] = np.nan
    with pytest.raises(ValueError) as exc:
        att_gt(bad, *ARGS)
    msg = str(exc.value)
    assert "4 row(s) have missing values" in msg and "'y': 3 (rows 3, 10, 11)" in msg
    assert "'time': 1 (rows 20)" in msg and "dropna=True" in msg
    res = att_gt(bad, *ARGS, dropna=True)
    assert res.call["n_dropped"] == 4 and res.n_obs == len(bad) - 4


def test_missing_cohort_means_never_treated(panel):
    a = att_gt(panel, *ARGS)
    b = att_gt(panel.assign(cohort=panel["cohort"].replace(0, np.nan)), *ARGS)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_duplicate_unit_time_rows(panel):
    with pytest.raises(ValueError, match=r"2 rows share a \(unit, time\) pair.*\(0, 1\).*one row per"):
        att_gt(pd.concat([panel, panel.iloc[[0]]]), *ARGS)


def test_cohort_varying_within_unit_is_a_switch_back(panel):
    bad = panel.copy()
    u = int(bad.loc[bad["cohort"] > 0, "unit"].iloc[0])
    bad.loc[(bad["unit"] == u) & (bad["time"] > 3), "cohort"] = 0
    with pytest.raises(ValueError, match=rf"varies within 1 unit.*units {u}\b.*cannot switch back"):
        att_gt(bad, *ARGS)


def test_treatment_switching_back_detected():
    d = pd.DataFrame({"unit": [1, 1, 1, 2, 2, 2], "time": [1, 2, 3] * 2, "D": [0, 1, 0, 0, 0, 1]})
    with pytest.raises(ValueError, match=r"1 unit\(s\) switch back.*units 1"):
        cohort_from_treatment(d, "unit", "time", "D")
    ok = d.assign(D=[0, 1, 1, 0, 0, 1])
    assert cohort_from_treatment(ok, "unit", "time", "D").tolist() == [2, 2, 2, 3, 3, 3]


def test_cohort_outside_observed_periods(panel):
    bad = panel.copy()
    bad.loc[bad["unit"] == 7, "cohort"] = 99
    with pytest.raises(ValueError, match=r"cohort\(s\) 99\.0 .*not observed periods.*runs from 1 to 6"):
        att_gt(bad, *ARGS)


def test_never_control_needs_never_treated_units():
    d = simulate_staggered_panel(40, 8, seed=2, never_share=0.0, cohorts=[3, 5, 7])
    with pytest.raises(ValueError, match=r"control='never' needs never-treated units.*control='notyet'"):
        att_gt(d, *ARGS)
    # not-yet-treated works; the last cohort's post-periods have no control and are reported
    with pytest.warns(UserWarning, match=r"cell\(s\) have no treated or no control"):
        res = att_gt(d, *ARGS, control="notyet")
    assert (res.table["n_control"] > 0).all()
    assert not ((res.table["cohort"] == 7) & (res.table["time"] >= 7)).any()


def test_cohort_in_single_cluster_warns(panel):
    d = panel.copy()
    d["office_group"] = np.where(d["cohort"] == d["cohort"][d["cohort"] > 0].min(), 0,
                                 1 + d["unit"] % 5)
    with pytest.warns(UserWarning, match=r"single 'office_group' cluster.*no within-cohort"):
        att_gt(d, *ARGS, cluster="office_group")


def test_fewer_than_two_clusters(panel):
    with pytest.raises(ValueError, match=r"1 distinct value.*at least 2 clusters"):
        att_gt(panel.assign(c=1), *ARGS, cluster="c")


def test_cluster_must_not_vary_within_unit(panel):
    with pytest.raises(ValueError, match=r"cluster 'c' varies within 40 unit.*at or above the unit"):
        att_gt(panel.assign(c=panel["time"] % 3), *ARGS, cluster="c")


def test_always_treated_units_dropped_with_warning():
    d = simulate_staggered_panel(40, 6, seed=3, cohorts=[1, 3, 5])
    n_first = d.loc[d["cohort"] == 1, "unit"].nunique()
    with pytest.warns(UserWarning, match=rf"{n_first} unit\(s\) are treated from the first period"):
        res = att_gt(d, *ARGS)
    assert res.call["n_dropped_always_treated"] == n_first
    assert res.n_units == 40 - n_first and set(res.table["cohort"]) == {3.0, 5.0}


def test_unbalanced_panel_works_and_is_flagged():
    d = simulate_staggered_panel(60, 6, seed=4, missing_share=0.15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning needed: unbalanced panels are supported
        res = att_gt(d, *ARGS)
    assert res.call["balanced"] is False and np.isfinite(res.aggregate("simple").estimate)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(control="later"), "control must be"),
        (dict(method="ipw"), "method must be"),
        (dict(base_period="fixed"), "base_period must be"),
        (dict(anticipation=-1), "anticipation must be"),
        (dict(n_boot=1.5), "n_boot must be"),
        (dict(alpha=1.5), "alpha must be"),
    ],
)
def test_bad_arguments(panel, kwargs, match):
    with pytest.raises(ValueError, match=match):
        att_gt(panel, *ARGS, **kwargs)


def test_prepare_panel_shapes_and_order(panel):
    shuffled = panel.sample(frac=1.0, random_state=0)
    p = prepare_panel(shuffled, "y", "unit", "time", "cohort", cluster="cluster")
    assert p.balanced and p.n_units == 40 and p.n_periods == 6
    assert (p.data[["unit", "time"]].to_numpy() == panel[["unit", "time"]].to_numpy()).all()
    w = p.wide()
    assert w.shape == (40, 6) and not np.isnan(w).any()
    assert w[3, 2] == panel.loc[(panel["unit"] == 3) & (panel["time"] == 3), "y"].iloc[0]
    assert p.n_clusters == 8 and list(p.cohorts) == sorted(panel.loc[panel["cohort"] > 0, "cohort"].unique())


def test_empty_and_non_dataframe_input(panel):
    with pytest.raises(ValueError, match="no rows"):
        att_gt(panel.iloc[:0], *ARGS)
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        att_gt(panel.to_dict(), *ARGS)
