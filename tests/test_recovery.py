"""The report's headline recovers a planted effect, and these checks would catch a 20% error.

Design, checks and thresholds: :mod:`tests.recovery`. R = 400 seeds (1..400, fixed before any
replication was run) give the checks this power against injected errors, estimated by
``benchmarks/recovery_power.py`` on a separate pool of 1,000 replications (table in
benchmarks/README.md, "Recovery tests: power against injected errors"): a 20% bias toward or
away from zero and a sign error are caught always; an interval shrunk to 0.8 of its width is
caught with probability 0.97 to 0.997, depending on the interval's true coverage (95% to the
pool's 93.6%: the shrunk interval then covers about 88% to 87%). The checks' false-alarm rate is
about 0.001 each at exact 95% coverage; resampled from the pool, whose coverage was 93.6%, the
whole test failed in 3.4% of batches.

The replications run :func:`impact.analyse` under :func:`tests.recovery.headline_only` (the
diagnostics the headline does not read are not run): the same 400 headlines, bit for bit, in
a fraction of the time (45 s instead of 214 s for the 400 on 2 cores, all 400 compared, when it
was introduced; the diagnostics added since, sensitivity and the pretrend randomization test,
made the full analysis about ten times slower again, while the headline's cost is unchanged).
``test_replications_are_the_headline_of_the_full_analysis`` keeps checking it on the first
seeds.
"""

from __future__ import annotations

import pytest

from mutasi_analysis.config import load_config

from .conftest import DEFAULT_REGION
from .recovery import EFFECT, ERRORS, check, inject, replicate

N_SEEDS = 400
FULL_SEEDS = 2  # seeds whose replication is also run with every method of the analysis


@pytest.fixture(scope="module")
def reps():
    return replicate(load_config(DEFAULT_REGION), range(1, N_SEEDS + 1))


@pytest.mark.simulation
@pytest.mark.slow
def test_headline_recovers_the_planted_effect(reps):
    assert (reps["inference"] == "randomization").all()
    v = check(reps, truth=EFFECT)
    assert v.failures == (), "\n".join(v.failures)


@pytest.mark.simulation
@pytest.mark.slow
def test_replications_are_the_headline_of_the_full_analysis(reps):
    """The study's shortcut (headline_only) changes no number of the headline it checks."""
    import pandas as pd

    full = replicate(load_config(DEFAULT_REGION), range(1, FULL_SEEDS + 1), full=True, workers=1)
    pd.testing.assert_frame_equal(reps.iloc[:FULL_SEEDS].reset_index(drop=True), full, check_exact=True)


@pytest.mark.simulation
@pytest.mark.slow
@pytest.mark.parametrize("error", ERRORS)
def test_checks_catch_an_injected_error(reps, error):
    v = check(inject(reps, error), truth=EFFECT)
    assert v.failures, f"{error}: not caught (mean {v.mean:.3f}, {v.covered}/{v.n} covered)"


def test_injected_errors_do_what_they_say():
    import pandas as pd

    reps = pd.DataFrame({"estimate": [-1.0], "conf_low": [-2.0], "conf_high": [0.0]})
    assert inject(reps, "bias toward zero 20%").iloc[0].tolist() == pytest.approx([-0.8, -1.6, 0.0])
    assert inject(reps, "bias away from zero 20%").iloc[0].tolist() == pytest.approx([-1.2, -2.4, 0.0])
    assert inject(reps, "interval shrunk to 0.8").iloc[0].tolist() == pytest.approx([-1.0, -1.8, -0.2])
    assert inject(reps, "sign error").iloc[0].tolist() == pytest.approx([1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match="unknown error"):
        inject(reps, "typo")
