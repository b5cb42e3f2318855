"""Difference-in-differences for staggered adoption with few clusters.

General statistics: this subpackage knows nothing of ASN, rotation or any region. It is
tested against published results (R ``did`` on ``mpdta``), peer packages and simulations.
"""

from ._results import DiDResult, ScalarResult
from .basic import did_2x2, twfe
from .attgt import att_gt
from .pretrend import pretrend_test
from .sunab import sun_abraham
from .bacon import bacon
from .wildboot import wild_cluster_bootstrap
from .randinf import randomization_inference

__all__ = [
    "did_2x2",
    "twfe",
    "att_gt",
    "sun_abraham",
    "bacon",
    "wild_cluster_bootstrap",
    "randomization_inference",
    "pretrend_test",
    "DiDResult",
    "ScalarResult",
]
