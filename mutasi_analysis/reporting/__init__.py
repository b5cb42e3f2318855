"""The report pipeline behind ``mutasi report``.

Public entry points: :func:`run_report` (render a period), :func:`resolve_period`,
:func:`validate_parameters` / :func:`notebook_parameters` (typed parameters, checked before any
kernel starts), :func:`export_html` / :func:`external_references` (self-contained HTML),
:func:`write_index` (``reports/index.html``).
"""

from .html import export_html, external_references
from .index import write_index
from .params import notebook_parameters, validate_parameters
from .pipeline import ReportOutcome, resolve_period, run_report

__all__ = [
    "run_report", "ReportOutcome", "resolve_period", "notebook_parameters",
    "validate_parameters", "export_html", "external_references", "write_index",
]
