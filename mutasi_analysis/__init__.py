"""mutasi-analysis: reproducible evaluation of civil-servant rotation (mutasi ASN).

Public modules: :mod:`~mutasi_analysis.config` (region configuration),
:mod:`~mutasi_analysis.periods`, :mod:`~mutasi_analysis.ingest`, :mod:`~mutasi_analysis.demo`,
:mod:`~mutasi_analysis.did` (difference-in-differences), :mod:`~mutasi_analysis.rotation`,
:mod:`~mutasi_analysis.services`, :mod:`~mutasi_analysis.ikm`, :mod:`~mutasi_analysis.survey`,
:mod:`~mutasi_analysis.findings`.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("mutasi-analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

from .config import RegionConfig, load_config
from .errors import MutasiError
from .periods import Period, parse_period

__all__ = ["__version__", "RegionConfig", "load_config", "MutasiError", "Period", "parse_period"]
