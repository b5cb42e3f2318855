"""Execute one notebook with papermill and export its HTML page."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..environment import KERNEL_NAME
from .html import export_html
from .kernel import IsolatedKernelManager

__all__ = ["KERNEL_NAME", "NotebookRun", "render_notebook", "ENVIRONMENT_ERRNOS"]

#: OS errors that are the machine's fault, not the notebook's: they end the run (exit code 3).
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EIO})



@dataclass
class NotebookRun:
    """How one notebook's rendering went (stored per notebook in ``manifest.json``).

    Attributes
    ----------
    name : str
        Notebook name without extension.
    status : str
        ``ok`` or ``failed``.
    started, ended : str
        ISO timestamps (UTC).
    duration_s : float
        Wall time of execution and HTML export.
    failed_cell : dict or None
        ``{"index", "execution_count", "source"}`` of the failing cell: ``index`` counts cells
        of the executed notebook (papermill's injected-parameters cell included), ``source``
        holds its first lines.
    error : dict or None
        ``{"ename", "evalue"}``.
    files : dict
        Output files relative to the report folder: ``ipynb``, ``html``, ``json`` (when the
        notebook recorded results).
    """

    name: str
    status: str
    started: str
    ended: str
    duration_s: float
    failed_cell: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _source_head(source: str, lines: int = 6) -> str:
    src = source.splitlines()
    return "\n".join(src[:lines]) + ("\n..." if len(src) > lines else "")


def render_notebook(
    notebook: str | Path,
    out_dir: str | Path,
    parameters: Mapping[str, Any],
    kernel_name: str = KERNEL_NAME,
    cell_timeout: float | None = None,
    start_timeout: float = 120,
    env: Mapping[str, str] | None = None,
) -> NotebookRun:
    """Execute a notebook into ``out_dir`` (also its working directory) and export HTML.

    Parameters are injected as given: validate them first
    (:func:`~mutasi_analysis.reporting.params.validate_parameters`). A failing cell does not
    raise: the partial notebook and its HTML are still written and the returned run says which
    cell failed and why.

    Parameters
    ----------
    notebook : str or Path
        Source notebook.
    out_dir : str or Path
        Folder for ``<name>.ipynb``, ``<name>.html`` and the ``<name>.json`` the notebook records.
    parameters : mapping
        Values injected after the ``parameters`` cell.
    kernel_name : str
        Jupyter kernel (``mutasi-analysis`` is registered by ``make venv``).
    cell_timeout : float, optional
        Seconds allowed per cell; no limit by default.
    start_timeout : float
        Seconds allowed for the kernel to start.
    env : mapping, optional
        Variables added to the kernel's environment.

    Returns
    -------
    NotebookRun
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook, out_dir = Path(notebook).resolve(), Path(out_dir).resolve()
    name = notebook.stem
    out_nb, out_html = out_dir / f"{name}.ipynb", out_dir / f"{name}.html"
    results = out_dir / f"{name}.json"
    # A results file left from an earlier render must not pass for this run's.
    for stale in (out_nb, out_html, results):
        stale.unlink(missing_ok=True)
    started, t0 = _now(), time.perf_counter()
    failed_cell = error = None
    logging.getLogger("papermill").setLevel(logging.WARNING)
    try:
        papermill.execute_notebook(
            str(notebook), str(out_nb), parameters=dict(parameters), kernel_name=kernel_name,
            progress_bar=False, start_timeout=start_timeout,
            # Kernel working directory through nbclient, not papermill's ``cwd``: papermill
            # implements that with os.chdir, which is process-wide and races between threads.
            resources={"metadata": {"path": str(out_dir)}},
            execution_timeout=cell_timeout,
            kernel_manager_class=IsolatedKernelManager.with_env(dict(env or {})),
            record_timing=False,
        )
    except PapermillExecutionError as exc:
        failed_cell = {
            "index": exc.cell_index, "execution_count": exc.exec_count,
            "source": _source_head(exc.source or ""),
        }
        error = {"ename": exc.ename, "evalue": exc.evalue}
    except OSError as exc:
        if exc.errno in ENVIRONMENT_ERRNOS:  # the disk, not the notebook: stop the whole run
            raise
        error = {"ename": type(exc).__name__, "evalue": str(exc)}
    except Exception as exc:  # kernel died, timeout, unreadable notebook: report, don't crash others
        error = {"ename": type(exc).__name__, "evalue": str(exc)}
    files = {}
    if out_nb.exists():
        files["ipynb"] = out_nb.name
        try:
            export_html(out_nb, out_html, lang=str(parameters.get("lang") or "id"))
            files["html"] = out_html.name
        except OSError as exc:
            if exc.errno in ENVIRONMENT_ERRNOS:
                raise
            if error is None:
                error = {"ename": f"HTML export: {type(exc).__name__}", "evalue": str(exc)}
        except Exception as exc:  # a broken page must not hide the notebook's own status
            if error is None:
                error = {"ename": f"HTML export: {type(exc).__name__}", "evalue": str(exc)}
    if results.exists():
        files["json"] = results.name
    return NotebookRun(
        name=name, status="failed" if error else "ok", started=started, ended=_now(),
        duration_s=round(time.perf_counter() - t0, 3), failed_cell=failed_cell, error=error,
        files=files,
    )
