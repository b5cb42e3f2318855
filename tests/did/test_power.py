"""Tests of the simulated power and MDE of randomization inference (``did.power``).

Oracle (closed form): in a two-group, two-block design with iid normal noise of known SD the
simulated power and MDE match the normal closed form ``(z_{1-a/2} + z_power) * SE``, corrected
for two known properties of a permutation test of a difference in means with finitely many
permutations (numbers below). Oracle (brute force): on the same simulated panels, a plain loop
calling :func:`randomization_inference` rejects in exactly the same replications (enumerated
design); with independent draws from the true process and random permutations the rejection
rates agree within Monte Carlo error. Simulation: at effect 0 the rejection rate is alpha
(exact for a randomization test under random assignment); the block bootstrap keeps the
residuals' autocorrelation. Every seed and tolerance was fixed before the test first ran.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.did import PanelDataError, PowerResult, power, randomization_inference
from mutasi_analysis.did.power import _draw_noise, _noise_model, _simulate

# the module (``did.power`` itself is the exported function)
_pm = importlib.import_module("mutasi_analysis.did.power")


def _noise_panel(n_units, n_periods, seed, rho=0.0, sd=None, standardize=False):
    """Long panel: unit and period effects plus AR(1) noise (unit SDs ``sd``, default 1)."""
    rng = np.random.default_rng(seed)
    sd = np.ones(n_units) if sd is None else np.asarray(sd, float)
    e = np.empty((n_units, n_periods))
    e[:, 0] = rng.normal(size=n_units) / math.sqrt(1 - rho**2)
    for t in range(1, n_periods):
        e[:, t] = rho * e[:, t - 1] + rng.normal(size=n_units)
    e *= sd[:, None] * math.sqrt(1 - rho**2)
    if standardize:  # two-way demeaned residual variance (df corrected) exactly 1
        r = e - e.mean(1, keepdims=True) - e.mean(0, keepdims=True) + e.mean()
        e = e / math.sqrt((r**2).sum() / ((n_units - 1) * (n_periods - 1)))
    y = e + rng.normal(size=n_units)[:, None] + 0.05 * np.arange(n_periods)[None, :]
    return pd.DataFrame({"unit": np.repeat(np.arange(n_units), n_periods),
                         "time": np.tile(np.arange(1, n_periods + 1), n_units), "y": y.ravel()})


# ---------------------------------------------------------------------------------------- (a)
@pytest.mark.oracle
def test_two_by_two_matches_closed_form_power_and_mde():
    """100 units, 20 periods, 50 treated at random from period 11 (10 pre, 10 post), iid N(0, 1).

    The observed noise panel is scaled so that its two-way demeaned residual variance (df
    corrected) is exactly 1: sigma is known in the bootstrap world. att_simple with base period
    10: SE = sqrt((1 + 1/10) * (1/50 + 1/50)) = 0.209762, closed-form MDE = 2.80158 * SE =
    0.587665 (normal power 0.8 there).

    Reference, computed before any simulation ran (scipy, quadrature): a permutation test of a
    difference in means is the two-sample t-test with N - 2 = 98 df (Hoeffding 1952), and with
    199 random permutations it rejects when at most 9 of them reach the observed |statistic|,
    i.e. with probability E[BinomCDF(9; 199, p_t)] over the noncentral t(98, tau / SE). This
    gives power 0.7849 at the closed-form MDE (0.8 plain normal, 0.7922 t without the
    permutation count), an MDE of 0.59896 (1.9% above the plain closed form) and exactly 0.05
    at effect 0, as a randomization test must.

    Tolerances (3.5 Monte Carlo SEs, plus 0.005 in power for the approximations above):
    power: 3.5 * sqrt(0.8 * 0.2 / 3000) + 0.005 = 0.0306; MDE: 3.5 * 0.00558 (binomial SE
    over the reference curve's slope 1.308) + 0.005 / 1.308 = 0.0234.
    """
    d = _noise_panel(100, 20, seed=20261130, standardize=True)
    mde_z = 0.5876654731319171
    res = power(d, "y", "unit", "time", units_per_wave=50, first_wave=11, effects=[0.0, mde_z],
                n_sim=3000, n_perm=199, seed=7)
    assert res.term == "att_simple" and not res.enumerated and res.n_perm == 199
    assert res.sigma == pytest.approx(1.0, rel=1e-9)
    assert res.block_length == 1  # iid noise: no autocorrelation to keep
    t = res.tidy()
    assert abs(t["power"].iloc[1] - 0.7849) <= 0.0306
    assert abs(res.mde - 0.59896) <= 0.0234
    assert 0.5 * 0.00558 <= res.mde_se <= 2 * 0.00558  # the bootstrap SE is of the right size
    # Also within the same tolerance of the uncorrected normal closed form (its gap is 0.015).
    assert abs(t["power"].iloc[1] - 0.8) <= 0.0306 + 0.0151


# ---------------------------------------------------------------------------------------- (b)
def _long(Y, gpos, periods):
    U, T = Y.shape
    coh = np.where(gpos < T, periods[np.minimum(gpos, T - 1)], 0)
    return pd.DataFrame({"unit": np.repeat(np.arange(U), T), "time": np.tile(periods, U),
                         "cohort": np.repeat(coh, T), "y": Y.ravel()})


@pytest.mark.oracle
@pytest.mark.parametrize("statistic,random", [("att_simple", True), ("twfe", True), ("att_simple", False)])
def test_same_draws_reject_exactly_where_randomization_inference_rejects(statistic, random):
    """7 units x 8 periods, waves of 2 and 1 units at periods 3 and 5: 105 distinct assignments,
    so both sides enumerate them and the p-values are exact. The loop rebuilds each replication's
    panel from the simulation's own draws, plants the largest effect, calls
    randomization_inference on it and reads the test at each effect ``tau`` as its p-value of
    the sharp null "effect = 2.5 - tau" (the same test as planting ``tau`` and testing 0)."""
    d = _noise_panel(7, 8, seed=3, rho=0.4, sd=[0.5, 1, 1.5, 1, 2, 0.8, 1.2])
    effects = [0.0, 1.0, 2.5]
    if random:
        kw = dict(units_per_wave=(2, 1), first_wave=3, spacing=2)
    else:
        kw = dict(design={0: 3, 4: 3, 2: 5})
    res = power(d, "y", "unit", "time", effects=effects, n_sim=40, n_perm=199, seed=11,
                statistic=statistic, **kw)
    assert res.enumerated and res.n_perm == 104
    # The same draws, through the module's own generator, then a plain loop.
    panel = _pm.prepare_panel(d, "y", "unit", "time")
    model = _noise_model(panel.wide(), np.ones((7, 8), bool), 8, "auto", panel.units)
    des = _pm._design(kw.get("design"), kw.get("units_per_wave"), None, kw.get("first_wave"),
                      kw.get("spacing"), panel.units, panel.periods)
    rejections = np.zeros(len(effects), int)
    for E, B, Sy, Sd in _simulate(model, des, 8, statistic, 40, 199, 11):
        for r in range(len(E)):
            gpos = des.classes[B[r, 0]]
            D = (np.arange(8)[None, :] >= gpos[:, None]).astype(float)
            ri = randomization_inference(_long(E[r] + 2.5 * D, gpos, panel.periods), "y", "unit", "time",
                                         "cohort", n_perm=199, statistic=statistic)
            assert ri.enumerated
            assert ri.estimate == pytest.approx(Sy[r, 0] + 2.5 * Sd[r, 0], abs=1e-10)
            for j, tau in enumerate(effects):
                rejections[j] += ri.pvalue_at(2.5 - tau) <= 0.05
    np.testing.assert_array_equal(np.round(res.tidy()["power"].to_numpy() * 40).astype(int), rejections)


@pytest.mark.oracle
def test_staggered_power_agrees_with_a_brute_force_loop():
    """12 units x 24 periods, waves of 3 units at periods 8 and 14, 6 never treated, iid N(0, 1)
    noise (observed panel scaled to residual variance 1). Brute force: 200 fresh panels from the
    true process, adoption dates drawn at random, the effect 0.8 planted, randomization_inference
    with 99 random permutations (at effect 0: its p-value of "effect = 0.8", the same test),
    rejections counted; power() with 2,000 replications of its own. Tolerance:
    3.5 SEs of the difference of two independent rates, sqrt(p (1 - p) (1/200 + 1/2000)) at the
    pooled rate p (about 0.12 at p = 0.5)."""
    d = _noise_panel(12, 24, seed=99, standardize=True)
    effects = [0.0, 0.8]
    res = power(d, "y", "unit", "time", units_per_wave=3, n_waves=2, first_wave=8, spacing=6,
                effects=effects, n_sim=2000, n_perm=99, seed=5, block_length=1)
    rng = np.random.default_rng(2024)
    base = np.array([7] * 3 + [13] * 3 + [24] * 6)  # positions; 24 = never
    periods = np.arange(1, 25)
    reps, rej = 200, np.zeros(2)
    for _ in range(reps):
        gpos = rng.permutation(base)
        Y = rng.normal(size=(12, 24)) + rng.normal(size=12)[:, None]
        D = (np.arange(24)[None, :] >= gpos[:, None]).astype(float)
        ri = randomization_inference(_long(Y + 0.8 * D, gpos, periods), "y", "unit", "time", "cohort",
                                     n_perm=99, seed=int(rng.integers(2**31)))
        rej += [ri.pvalue_at(0.8) <= 0.05, ri.pvalue <= 0.05]
    brute = rej / reps
    ours = res.tidy()["power"].to_numpy()
    for b, o in zip(brute, ours):
        p = (b * reps + o * 2000) / (reps + 2000)
        assert abs(b - o) <= 3.5 * math.sqrt(p * (1 - p) * (1 / reps + 1 / 2000)), (brute, ours)


# ---------------------------------------------------------------------------------------- (c)
@pytest.mark.simulation
@pytest.mark.parametrize("sizes,statistic", [((4, 4, 3), "att_simple"), ((6, 6, 5), "twfe")])
def test_size_at_effect_zero_is_alpha(sizes, statistic):
    """17 units x 54 months, AR(1) noise (rho 0.5) with unequal unit SDs, three waves assigned at
    random: a randomization test under random assignment rejects with probability exactly
    5/100 at effect 0 (99 permutations). Tolerance 3.5 * sqrt(0.05 * 0.95 / 2000) = 0.017."""
    sd = np.linspace(0.4, 1.2, 17)
    d = _noise_panel(17, 54, seed=17, rho=0.5, sd=sd)
    res = power(d, "y", "unit", "time", units_per_wave=sizes, first_wave=14, spacing=16,
                effects=[0.0], n_sim=2000, n_perm=99, seed=23)
    assert res.term == statistic
    assert res.block_length > 1  # autocorrelated residuals: blocks of several months
    assert abs(res.tidy()["power"].iloc[0] - 0.05) <= 0.017


@pytest.mark.simulation
def test_block_bootstrap_keeps_the_autocorrelation():
    """AR(1) with rho 0.6, 30 units x 120 periods: in a circular block bootstrap with block b a
    lag-1 pair lies inside one block with probability (b - 1)/b, so the simulated lag-1
    autocorrelation is rho_hat * (b - 1)/b; 400 drawn panels (about 1.4 M pairs) estimate it
    to about 0.002; tolerance 0.02. Whole-period resampling (b = 1) would give 0."""
    d = _noise_panel(30, 120, seed=8, rho=0.6)
    panel = _pm.prepare_panel(d, "y", "unit", "time")
    model = _noise_model(panel.wide(), np.ones((30, 120), bool), 120, "auto", panel.units)
    b = model.block_length
    assert 0.5 < model.rho < 0.62 and b >= 5  # the demeaned residuals' rho is a little below 0.6
    E = _draw_noise(model, np.random.default_rng(1), 400, 120)
    lag1 = float((E[:, :, 1:] * E[:, :, :-1]).sum() / (E**2).sum())
    assert lag1 == pytest.approx(model.rho * (b - 1) / b, abs=0.02)
    assert np.mean(E**2) == pytest.approx(model.sigma**2, rel=0.03)


@pytest.mark.simulation
def test_observed_treatment_is_left_out_of_the_noise():
    """A planted effect of 5 on the observed treated cells: with ``cohort`` the noise SD is the
    true 1 (within 12%, about 3.4 SEs); without it the effect inflates it."""
    d = _noise_panel(16, 30, seed=4)
    coh = np.where(d["unit"] < 6, 12, 0)
    d = d.assign(cohort=coh, y=d["y"] + 5.0 * ((coh > 0) & (d["time"] >= coh)))
    kw = dict(units_per_wave=4, first_wave=10, effects=[0.0, 1.0], n_sim=20, n_perm=19, seed=1, alpha=0.1)
    with_cohort = power(d, "y", "unit", "time", "cohort", **kw)
    without = power(d, "y", "unit", "time", **kw)
    assert with_cohort.sigma == pytest.approx(1.0, rel=0.12)
    assert without.sigma > 1.5


# ---------------------------------------------------------------------------------------- (d)
@pytest.fixture(scope="module")
def small():
    return _noise_panel(10, 12, seed=2)


def test_result_object(small):
    import matplotlib

    matplotlib.use("Agg")
    res = power(small, "y", "unit", "time", units_per_wave=3, first_wave=6, n_sim=50, n_perm=99, seed=3)
    assert isinstance(res, PowerResult)
    t = res.tidy()
    assert list(t.columns) == ["effect", "power", "mc_se"] and len(t) == 7  # default: 0 .. 1.5 MDE
    assert t["effect"].iloc[4] == pytest.approx(res.mde)
    assert (np.diff(res.grid) > 0).all() and len(res.curve) == len(res.grid)
    dct = res.to_dict()
    json.dumps(dct)
    assert dct["mde"] == pytest.approx(res.mde) and dct["call"]["n_sim"] == 50 and dct["seed"] == 3
    assert "Simulated power" in res.summary() and "mde" in res.summary() and "<p>" in res.summary("html")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.mde = 1.0
    with pytest.raises(ValueError):
        res.curve[0] = 0.5
    ax = res.plot()
    assert ax.get_legend() is None and (ax.get_xlabel(), ax.get_ylabel()) == ("effect", "power")
    ax = res.plot(labels={"power": "daya", "target": "target 80%"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["daya", "target 80%"]
    again = power(small, "y", "unit", "time", units_per_wave=3, first_wave=6, n_sim=50, n_perm=99, seed=3)
    assert again.mde == res.mde and again.tidy().equals(t)
    neg = power(small, "y", "unit", "time", units_per_wave=3, first_wave=6, effects=[-1.0, 0.0],
                n_sim=50, n_perm=99, seed=3)
    assert neg.mde < 0 and (neg.grid <= 0).all()


def test_bad_arguments(small):
    kw = dict(units_per_wave=3, first_wave=6, n_sim=20, n_perm=19, alpha=0.1)
    call = lambda **over: power(small, "y", "unit", "time", **{**kw, **over})  # noqa: E731
    for over, match in [
        (dict(alpha=1.5), "alpha"),
        (dict(power=1.0), "power"),
        (dict(power=0.05), "power"),
        (dict(n_sim=0), "n_sim"),
        (dict(n_sim=2.5), "n_sim"),
        (dict(n_perm=0), "n_perm"),
        (dict(n_perm=5), "cannot reject"),
        (dict(statistic="mean"), "statistic"),
        (dict(block_length=0), "block_length"),
        (dict(seed=-1), "seed"),
        (dict(effects=[]), "effects"),
        (dict(effects=[-1.0, 1.0]), "one sign"),
        (dict(effects=[np.nan]), "effects"),
        (dict(first_wave=6.5), "not one of the planned periods"),
        (dict(first_wave=1), "first planned period"),
        (dict(first_wave=None), "first_wave"),
        (dict(n_waves=2), "spacing"),
        (dict(units_per_wave=(3, 3), n_waves=3, spacing=2), "n_waves"),
        (dict(units_per_wave=0), "units_per_wave"),
        (dict(design={0: 6}), "not both"),
        (dict(units_per_wave=10, statistic="att_simple"), "never-treated"),
        (dict(periods=[3, 2, 1]), "periods"),
    ]:
        with pytest.raises(ValueError, match=match) as exc:
            call(**over)
        assert not isinstance(exc.value, PanelDataError), over
    with pytest.raises(ValueError, match="not in the data"):
        power(small, "y", "unit", "time", design={0: 6, 99: 6}, n_sim=20, n_perm=19, alpha=0.1)
    with pytest.raises(ValueError, match="treats no unit"):
        power(small, "y", "unit", "time", design={0: 0}, n_sim=20, n_perm=19, alpha=0.1)
    with pytest.raises(ValueError, match="not found"):
        power(small, "nope", "unit", "time", **kw)


def test_data_that_cannot_support_it(small):
    kw = dict(units_per_wave=3, first_wave=6, n_sim=20, n_perm=19, alpha=0.1)
    with pytest.raises(PanelDataError, match="balanced panel"):
        power(small.drop(index=[5]), "y", "unit", "time", **kw)
    with pytest.raises(PanelDataError, match="missing values"):
        power(small.assign(y=small["y"].where(small.index != 3)), "y", "unit", "time", **kw)
    with pytest.raises(PanelDataError, match="the data have 10"):
        power(small, "y", "unit", "time", **{**kw, "units_per_wave": 11})
    with pytest.raises(PanelDataError, match="no variation"):
        power(small.assign(y=small["time"] + small["unit"]), "y", "unit", "time", **kw)
    early = small.assign(cohort=np.where(small["unit"] == 0, 2, 0))  # one untreated period left
    with pytest.raises(PanelDataError, match="fewer than 2 untreated periods"):
        power(early, "y", "unit", "time", "cohort", **kw)
    tiny = _noise_panel(4, 6, seed=1)  # 4 units, one treated: 4 assignments, p >= 1/4
    with pytest.raises(PanelDataError, match="distinct assignments"):
        power(tiny, "y", "unit", "time", units_per_wave=1, first_wave=3, n_sim=20, n_perm=99)
    # missing whole periods can be dropped (the panel stays balanced)
    gap = small.assign(y=small["y"].where(small["time"] != 12))
    power(gap, "y", "unit", "time", dropna=True, **kw)
