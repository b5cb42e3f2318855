"""mutasi-analysis: reproducible evaluation of civil-servant rotation (mutasi ASN).

Submodules (imported on first use, so that ``mutasi --help`` stays fast):

- :mod:`~mutasi_analysis.config`, :mod:`~mutasi_analysis.periods`: region configuration, periods
- :mod:`~mutasi_analysis.ingest`, :mod:`~mutasi_analysis.processed`: raw exports to validated,
  pseudonymised tables, and loading them
- :mod:`~mutasi_analysis.demo`: demo raw data with a known truth
- :mod:`~mutasi_analysis.did`: difference-in-differences estimators and few-cluster inference
- :mod:`~mutasi_analysis.rotation`, :mod:`~mutasi_analysis.services`,
  :mod:`~mutasi_analysis.impact`, :mod:`~mutasi_analysis.ikm`, :mod:`~mutasi_analysis.survey`,
  :mod:`~mutasi_analysis.suppression`, :mod:`~mutasi_analysis.findings`: the domain analyses
- :mod:`~mutasi_analysis.reporting`, :mod:`~mutasi_analysis.record`: reports
- :mod:`~mutasi_analysis.environment`: the locked environment and `mutasi doctor`
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("mutasi-analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

from .config import RegionConfig, load_config
from .errors import MutasiError
from .periods import Period, parse_period

_SUBMODULES = (
    "config", "periods", "errors", "ingest", "processed", "demo", "did", "rotation", "services",
    "impact", "ikm", "survey", "suppression", "findings", "text", "workdays", "reporting", "record",
    "environment",
)
_FUNCTIONS = {"load_processed": ("processed", "load_processed"),
              "write_demo_data": ("demo", "write_demo_data")}

__all__ = ["__version__", "RegionConfig", "load_config", "MutasiError", "Period", "parse_period",
           *_FUNCTIONS, *_SUBMODULES]


def __getattr__(name: str):
    if name in _FUNCTIONS:
        module, attr = _FUNCTIONS[name]
        return getattr(import_module(f".{module}", __name__), attr)
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
