"""One API: the same names for the same concepts on every result, deprecated aliases that warn,
and the common calls that used to fail (issue 11, part 4)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mutasi_analysis import did
from mutasi_analysis.did._results import TIDY_COLUMNS

from .conftest import simulate_staggered_panel

ARGS = dict(outcome="y", unit="unit", time="time", cohort="cohort")


@pytest.fixture(scope="module")
def panel():
    d = simulate_staggered_panel(60, 8, seed=7, n_clusters=12)
    d["treated"] = ((d["cohort"] > 0) & (d["time"] >= d["cohort"])).astype(int)
    return d


@pytest.fixture(scope="module")
def results(panel):
    """One result of every estimator that reports estimates."""
    att = did.att_gt(panel, **ARGS)
    sa = did.sun_abraham(panel, **ARGS)
    two = panel[panel["time"].isin([2, 8])].assign(post=lambda x: (x["time"] == 8).astype(int),
                                                   grp=lambda x: (x["cohort"] > 0).astype(int))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "did_2x2": did.did_2x2(two, "y", "grp", "post", cluster="unit"),
            "twfe": did.twfe(panel, "y", "unit", "time", "treated"),
            "att_gt": att,
            "aggregate(event)": att.aggregate("event"),
            "aggregate(simple)": att.aggregate("simple"),
            "sun_abraham": sa,
            "sun_abraham.overall": sa.overall(),
            "wild_cluster_bootstrap": did.wild_cluster_bootstrap(
                panel, "y ~ treated + C(unit) + C(time)", "treated", "cluster", n_boot=199, seed=1),
            "randomization_inference": did.randomization_inference(panel, **ARGS, n_perm=49, seed=1),
        }


@pytest.mark.parametrize("name", ["did_2x2", "twfe", "att_gt", "aggregate(event)", "aggregate(simple)",
                                  "sun_abraham", "sun_abraham.overall", "wild_cluster_bootstrap",
                                  "randomization_inference"])
def test_tidy_leads_with_the_broom_columns(results, name):
    t = results[name].tidy()
    assert results[name].tidy().equals(t)  # tidy() returns a copy: calling it again gives the same
    assert tuple(t.columns[:len(TIDY_COLUMNS)]) == TIDY_COLUMNS, name
    assert not {"se", "ci_low", "ci_high", "att", "tstat", "B"} & set(t.columns), name
    finite = t.dropna(subset=["std_error", "conf_low", "conf_high"])
    assert (finite["conf_low"] <= finite["estimate"]).all() and (finite["estimate"] <= finite["conf_high"]).all()
    assert t["pvalue"].dropna().between(0, 1).all()


@pytest.mark.parametrize("name", ["did_2x2", "twfe", "aggregate(simple)", "sun_abraham.overall",
                                  "wild_cluster_bootstrap", "randomization_inference"])
def test_single_number_results_share_accessors(results, name):
    r = results[name]
    row = r.tidy().iloc[0]
    assert r.estimate == pytest.approx(row["estimate"])
    assert r.pvalue == pytest.approx(row["pvalue"])
    assert r.conf_int() == pytest.approx((row["conf_low"], row["conf_high"]))
    d = r.to_dict()
    assert d["conf_low"] == pytest.approx(row["conf_low"]) and d["pvalue"] == pytest.approx(row["pvalue"])
    if hasattr(r, "std_error"):
        assert r.std_error == pytest.approx(row["std_error"])
        assert r.statistic == pytest.approx(r.estimate / r.std_error)


def test_cell_tables_use_the_same_names(results):
    assert {"estimate", "std_error", "conf_low", "conf_high"} <= set(results["att_gt"].table.columns)
    assert {"estimate", "std_error", "conf_low", "conf_high"} <= set(results["aggregate(event)"].table.columns)
    assert {"estimate", "std_error", "conf_low", "conf_high"} <= set(results["sun_abraham"].table.columns)


@pytest.mark.parametrize("old,new", [("se", "std_error"), ("tstat", "statistic")])
def test_renamed_attributes_warn_and_agree(results, old, new):
    for name in ("twfe", "wild_cluster_bootstrap"):
        r = results[name]
        with pytest.warns(DeprecationWarning, match=f"'{old}' is deprecated.*'{new}'"):
            value = getattr(r, old)
        assert value == getattr(r, new)


def test_renamed_bootstrap_names_warn_and_agree(panel, results):
    wb = results["wild_cluster_bootstrap"]
    with pytest.warns(DeprecationWarning, match="'B' is deprecated"):
        assert wb.B == wb.n_boot == 199
    with pytest.warns(DeprecationWarning, match="'param' is deprecated"):
        assert wb.param == wb.term == "treated"
    with pytest.warns(DeprecationWarning, match="'B' is deprecated.*'n_boot'"):
        old = did.wild_cluster_bootstrap(panel, "y ~ treated + C(unit) + C(time)", "treated", "cluster",
                                         B=199, seed=1)
    assert old.pvalue == wb.pvalue and old.conf_int() == wb.conf_int()
    sa = results["sun_abraham"]
    with pytest.warns(DeprecationWarning, match="'B' is deprecated"):
        a = sa.wild_bootstrap(B=99, seed=2)
    assert a.pvalue == sa.wild_bootstrap(n_boot=99, seed=2).pvalue
    ri = results["randomization_inference"]
    with pytest.warns(DeprecationWarning, match="'statistic' is deprecated.*'term'"):
        assert ri.statistic == ri.term == "att_simple"


def test_twfe_accepts_the_unit_as_cluster(panel):
    default = did.twfe(panel, "y", "unit", "time", "treated")
    by_unit = did.twfe(panel, "y", "unit", "time", "treated", cluster="unit")
    assert by_unit.estimate == default.estimate and by_unit.std_error == default.std_error
    assert by_unit.call["cluster"] == "unit"
    by_cluster = did.twfe(panel, "y", "unit", "time", "treated", cluster="cluster")
    assert by_cluster.std_error != default.std_error  # a real second role still clusters


def test_unit_as_cluster_elsewhere_is_the_default(panel):
    a = did.att_gt(panel, **ARGS).aggregate("simple")
    b = did.att_gt(panel, **ARGS, cluster="unit").aggregate("simple")
    assert (a.estimate, a.std_error) == (b.estimate, b.std_error)
    s1 = did.sun_abraham(panel, **ARGS)
    s2 = did.sun_abraham(panel, **ARGS, cluster="unit")
    np.testing.assert_array_equal(s1.table["std_error"], s2.table["std_error"])


def test_errors_are_public_and_domain_free(panel):
    assert did.PanelDataError.__module__ == "mutasi_analysis.did.errors"
    assert issubclass(did.PanelDataError, did.DiDError) and issubclass(did.DiDError, ValueError)
    never = panel[panel["cohort"] == 0]
    with pytest.raises(did.PanelDataError):
        did.randomization_inference(never, **ARGS)
    # an argument mistake is not a data error: callers that catch PanelDataError still see it
    with pytest.raises(ValueError) as exc:
        did.randomization_inference(panel, **ARGS, n_perm=0)
    assert not isinstance(exc.value, did.PanelDataError)


def test_plot_estimates_old_reference_label_still_draws_and_warns():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from mutasi_analysis.did.plots import plot_estimates

    t = pd.DataFrame({"e": [-2, 0, 1], "estimate": [0.1, 1.0, 2.0], "conf_low": [-1, 0, 1], "conf_high": [1, 2, 3]})
    with pytest.warns(DeprecationWarning, match="reference_label"):
        ax = plot_estimates(t, "e", reference=-1, reference_label="acuan")
    assert "acuan" in [x.get_text() for x in ax.texts]
    plt.close("all")
