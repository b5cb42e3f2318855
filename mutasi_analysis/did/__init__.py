"""Difference-in-differences for staggered adoption with few clusters.

General statistics: this subpackage knows nothing of ASN, rotation or any region. It is
tested against published results (R ``did`` on ``mpdta``), peer packages and simulations.

One function per estimator; each returns an immutable result carrying its call parameters,
with ``tidy()``, ``summary()``, ``to_dict()`` and, where it has one, ``plot()``.
"""

from ._results import AggregateResult, DiDResult, ScalarResult, TestResult
from .attgt import AttGTResult, att_gt
from .bacon import BaconResult, bacon
from .errors import DiDError, PanelDataError
from .honest import HonestDiDResult, honest_did
from .basic import DiD2x2Result, did_2x2, twfe
from .power import PowerResult, power
from .pretrend import pretrend_randomization_test, pretrend_size, pretrend_test
from .randinf import RandomizationResult, randomization_inference
from .sunab import SunAbrahamResult, sun_abraham
from .wildboot import WildBootstrapResult, wild_cluster_bootstrap

__all__ = [
    # estimators and tests
    "did_2x2",
    "twfe",
    "att_gt",
    "sun_abraham",
    "bacon",
    "wild_cluster_bootstrap",
    "randomization_inference",
    "power",
    "pretrend_test",
    "pretrend_randomization_test",
    "pretrend_size",
    "honest_did",
    # result classes
    "DiDResult",
    "ScalarResult",
    "AggregateResult",
    "TestResult",
    "DiD2x2Result",
    "AttGTResult",
    "SunAbrahamResult",
    "BaconResult",
    "WildBootstrapResult",
    "RandomizationResult",
    "PowerResult",
    "HonestDiDResult",
    # errors
    "DiDError",
    "PanelDataError",
]
