"""The package's public surface: every name in ``__all__`` resolves, and nothing heavy loads early."""

from __future__ import annotations

import subprocess
import sys

import mutasi_analysis


def test_every_public_name_resolves():
    for name in mutasi_analysis.__all__:
        assert getattr(mutasi_analysis, name) is not None, name


def test_did_public_contract():
    from mutasi_analysis import did

    assert set(did.__all__) >= {"did_2x2", "twfe", "att_gt", "sun_abraham", "bacon",
                                "wild_cluster_bootstrap", "randomization_inference", "pretrend_test"}


def test_import_is_light():
    """Importing the package (as ``mutasi --help`` does) must not pull in statsmodels or papermill."""
    code = "import sys, mutasi_analysis; print(' '.join(m for m in ('statsmodels', 'papermill', 'seaborn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
