"""``mutasi report``: render every notebook of a period into ``reports/<period>/``.

Order of work: resolve the period and validate every parameter (no kernel yet), take the
period's lock, decide what is out of date against ``manifest.json``, render into a temporary
folder (notebooks in parallel with ``jobs > 1``; the summary notebook ``00_*`` last, because
it reads the others' results), write the manifest, swap the new folder in, update
``reports/index.html``.

A failed notebook never publishes a half report: the failed attempt goes to
``reports/_failed/<period>/`` (its manifest names the notebook and cell) and the previous report,
if any, stays.

Languages sit side by side: the Indonesian report of a period is ``reports/<period>/``, the
English one ``reports/en/<period>/`` (:func:`~mutasi_analysis.reporting.index.lang_root`); one
never replaces the other, and ``reports/index.html`` lists both.

The summary notebook (``00_*``) draws on the other sections of its period and on the headline
numbers of every earlier period of its language: its fingerprint covers all of them (their
results, and the code and commit that made them), so re-rendering a past period makes every
later summary stale; a successful run then renders those summaries again (``cascade``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from ..config import load_config
from ..environment import lock_provenance
from ..errors import MutasiError
from ..files import umask as _umask
from ..processed import data_end as _data_end
from ..periods import Period, latest_complete, parse_period
from ..project import resolve_path
from ..pseudonym import processed_key_id
from ..record import NOTEBOOK_ENV, RecordError, read_section
from .html import first_heading
from .index import lang_root, report_folders, write_index
from .lock import period_lock
from .manifest import (
    MANIFEST_NAME, code_digest, fingerprint, git_state, hash_inputs, notebook_digest,
    package_versions, read_manifest, sha256_file, write_json_atomic,
)
from .notebook import RENDER_PATH_ENV, RESTRICTED_STAGING, RESULTS_DIR_ENV, SECTIONS_ENV, private_folder
from .snapshot import processed_snapshot
from .summary import SUMMARY_PREFIX
from .params import NotebookParameter, notebook_parameters, parse_cli_value, validate_parameters
from .render import ENVIRONMENT_ERRNOS, KERNEL_NAME, NotebookRun, render_notebook

__all__ = [
    "LANGS", "SUMMARY_PREFIX", "ReportOutcome", "resolve_period", "discover_notebooks",
    "select_notebooks", "run_report", "FAILED_DIR", "data_span", "waiting_for_data",
]

LANGS = ("id", "en")
FAILED_DIR = "_failed"
LOCK_DIR = ".locks"
# Parameters the pipeline fills in for every notebook that declares them.
STANDARD_PARAMETERS = ("period", "lang", "region", "processed", "reports")


@dataclass
class ReportOutcome:
    """What a ``mutasi report`` run did.

    Attributes
    ----------
    period : str
    folder : Path
        ``reports/<period>``.
    runs : list of NotebookRun
        Notebooks rendered in this run.
    skipped : list of str
        Selected notebooks that were up to date.
    installed : bool
        Whether this run's output replaced the period folder.
    failed_folder : Path or None
        Where a failed attempt was kept when the previous report stayed.
    exports : list of NotebookRun
        Whole-report exports made in this run (named ``export:<name>``).
    later : list of ReportOutcome
        Later periods whose summary drew on this period and was rendered again after it.
    restricted : list of Path
        Lists of people this run published outside the report (mode 0600).
    """

    period: str
    folder: Path
    runs: list[NotebookRun] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    installed: bool = False
    failed_folder: Path | None = None
    exports: list[NotebookRun] = field(default_factory=list)
    later: list["ReportOutcome"] = field(default_factory=list)
    restricted: list[Path] = field(default_factory=list)

    @property
    def failures(self) -> list[NotebookRun]:
        """The notebook runs and exports that failed (here and in the later periods' summaries)."""
        return [r for r in self.runs + self.exports if r.status != "ok"] + [
            r for o in self.later for r in o.failures]

    @property
    def exit_code(self) -> int:
        """0 when nothing failed, 1 otherwise."""
        return 1 if self.failures else 0


# ---------------------------------------------------------------------------------- period
# Dated columns that show whether a period is covered by the data at all.
_COVERAGE_COLUMNS = {"pengaduan.parquet": "waktu_diterima", "skm.parquet": "tanggal", "survei_asn.parquet": "tanggal"}


def data_span(processed: str | Path) -> tuple[dt.date, dt.date] | None:
    """First and last date seen in the processed service and survey tables (None if none)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    lo = hi = None
    for name, col in _COVERAGE_COLUMNS.items():
        path = Path(processed) / name
        if not path.is_file():
            continue
        try:
            values = pq.read_table(path, columns=[col]).column(col)
        except (OSError, KeyError, ValueError):
            continue
        mm = pc.min_max(values).as_py()
        if mm["min"] is None:
            continue
        a, b = (v.date() if isinstance(v, dt.datetime) else v for v in (mm["min"], mm["max"]))
        lo, hi = (a if lo is None else min(lo, a)), (b if hi is None else max(hi, b))
    return None if lo is None else (lo, hi)


def _check_coverage(p: Period, processed: Path, kind: str) -> None:
    span = data_span(processed)
    if span is None or span[0] <= p.end and p.start <= span[1]:
        return
    first, last = span
    hint = latest_complete(today=last + dt.timedelta(days=1), kind=kind)
    raise MutasiError(
        f"period {p.id} ({p.start} to {p.end}) has no data: the processed data in {processed} "
        f"covers {first} to {last}; report on --period {hint.id}, or ingest newer exports first"
        + (" (for the demo data, fix the clock with --today or MUTASI_TODAY)" if p.start > last else "")
    )


def waiting_for_data(latest: Period, today: dt.date, data_end: dt.date | None) -> str | None:
    """The line a scheduled run prints when a later period has ended but its data is not in.

    ``latest`` stops at the data's last day, so a period is rendered once exports covering it
    are ingested, not the day after it ends; without this line a daily job would be silent.
    """
    nxt = latest.next()
    if data_end is None or nxt.end >= today or data_end >= nxt.end:
        return None
    return (f"{nxt.id}: waiting for data up to {nxt.end.isoformat()}: the period ended but the processed "
            f"data ends {data_end.isoformat()}; it is rendered once exports covering it are ingested "
            f"(`mutasi ingest`); until then {latest.id} is the latest")


def resolve_period(text: str, kind: str, today: dt.date | None = None,
                   data_end: dt.date | None = None) -> Period:
    """The period a report is for: ``latest`` or an id of the region's kind that has ended.

    Parameters
    ----------
    text : str
        ``latest`` or a period id (``2026-S1``, ``2026-Q2``, ``2026-05``, ``2026``).
    kind : str
        The region's period kind.
    today : date, optional
        The clock (defaults to today); fixed in tests and reproducible runs.
    data_end : date, optional
        Last day the data covers; ``latest`` never goes past it.

    Raises
    ------
    MutasiError
        For a malformed id, an id of another kind, or a period that has not ended by ``today``.
    """
    today = today or dt.date.today()
    if isinstance(text, str) and text.strip().lower() == "latest":
        return latest_complete(today=today, kind=kind, data_end=data_end)
    p = parse_period(text, kind)
    if p.end >= today:
        latest = latest_complete(today=today, kind=kind, data_end=data_end)
        raise MutasiError(
            f"period {p.id} has not ended yet (it ends {p.end.isoformat()}, today is "
            f"{today.isoformat()}); report on a complete period, e.g. --period {latest.id} "
            "or --period latest"
        )
    return p


# ------------------------------------------------------------------------------ notebooks
def discover_notebooks(folder: str | Path) -> list[Path]:
    """Report notebooks in a folder: ``NN_name.ipynb``, in name order.

    Raises
    ------
    MutasiError
        When the folder holds none.
    """
    folder = Path(folder)
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())
    if not found:
        raise MutasiError(
            f"no report notebooks (NN_name.ipynb) in {folder}; run from the project folder "
            "or pass --notebooks"
        )
    return found


def select_notebooks(available: Sequence[Path], only: str | Sequence[str] | None) -> list[Path]:
    """Notebooks picked by ``--only`` (``"03,04"``: number prefixes or full names).

    Raises
    ------
    MutasiError
        For a selector matching no notebook (the message lists the available ones).
    """
    if not only:
        return list(available)
    tokens = [t.strip() for t in (only.split(",") if isinstance(only, str) else only) if t.strip()]
    picked, unknown = [], []
    for t in tokens:
        match = [p for p in available if p.stem == t or p.stem.split("_", 1)[0] == t]
        if not match:
            unknown.append(t)
        for p in match:
            if p not in picked:
                picked.append(p)
    if unknown or not picked:
        raise MutasiError(
            f"--only {','.join(tokens)}: no notebook matches {', '.join(unknown) or 'anything'}; "
            f"available: {', '.join(p.stem for p in available)}"
        )
    return sorted(picked)


def _build_parameters(
    nbs: Sequence[Path], standard: Mapping[str, Any], extra: Mapping[str, Any] | None,
) -> dict[str, dict[str, Any]]:
    """Validated parameters per notebook (before any kernel starts)."""
    extra = dict(extra or {})
    declared: dict[str, dict[str, NotebookParameter]] = {p.stem: notebook_parameters(p) for p in nbs}
    unknown = [n for n in extra if not any(n in d for d in declared.values())]
    if unknown:
        names = sorted({n for d in declared.values() for n in d})
        raise MutasiError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))} for the selected notebooks; "
            f"known: {', '.join(names)}"
        )
    reserved = [n for n in extra if n in STANDARD_PARAMETERS]
    if reserved:
        raise MutasiError(
            f"parameter(s) {', '.join(reserved)} are set by the command's own options "
            "(--period, --lang, --region, --processed, --reports); use those"
        )
    out = {}
    for p in nbs:
        d = declared[p.stem]
        if "period" not in d:
            raise MutasiError(f"notebook {p} does not declare the parameter `period: str`")
        params = {k: v for k, v in standard.items() if k in d}
        for name, value in extra.items():
            if name in d:
                params[name] = parse_cli_value(value, d[name].type, name) if isinstance(value, str) and d[name].type != "str" else value
        out[p.stem] = validate_parameters(p, params, d)
    return out


# ----------------------------------------------------------------------------- rendering
class _Progress:
    """Thread-safe progress lines."""

    def __init__(self, out: Callable[[str], None], total: int):
        self.out, self.total, self.done = out, total, 0
        self._lock = threading.Lock()

    def start(self, name: str) -> None:
        with self._lock:
            self.out(f"  ... {name}: rendering ({self.done}/{self.total} done)")

    def finish(self, run: NotebookRun) -> None:
        with self._lock:
            self.done += 1
            tail = "" if run.status == "ok" else f"  {_describe_failure(run)}"
            self.out(f"  [{self.done}/{self.total}] {run.name}: {run.status} in {run.duration_s:.1f} s{tail}")


def _describe_failure(run: NotebookRun) -> str:
    err = run.error or {}
    where = f"cell {run.failed_cell['index']}" if run.failed_cell else (
        "export" if run.name.startswith("export:") else "kernel")
    msg = f"{err.get('ename', 'Error')}: {err.get('evalue', '')}".strip()
    return f"{where}: {msg[:200]}"


def _render_many(
    nbs: Sequence[Path], folder: Path, params: Mapping[str, Mapping[str, Any]], jobs: int,
    progress: _Progress, kernel_name: str, cell_timeout: float | None, sections: Sequence[str] = (),
    paths: Mapping[str, str] | None = None,
) -> list[NotebookRun]:
    def one(nb: Path) -> NotebookRun:
        progress.start(nb.stem)
        # Each kernel learns which notebook it runs, where results go (record() checks it) and
        # the run's inputs (for a notebook that does not declare them as parameters).
        env = {RESULTS_DIR_ENV: str(folder.resolve()), NOTEBOOK_ENV: nb.stem, SECTIONS_ENV: ",".join(sections),
               **{RENDER_PATH_ENV[k]: v for k, v in (paths or {}).items()}}
        run = render_notebook(nb, folder, params[nb.stem], kernel_name=kernel_name,
                              cell_timeout=cell_timeout, env=env)
        progress.finish(run)
        return run

    if jobs <= 1 or len(nbs) <= 1:
        return [one(nb) for nb in nbs]
    # Threads are enough: the work happens in the kernels (separate processes); each kernel
    # gets private IPC sockets, so parallel starts cannot clash on ports.
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="render") as pool:
        futures = [pool.submit(one, nb) for nb in nbs]
        runs = [f.result() for f in as_completed(futures)]
    order = {nb.stem: i for i, nb in enumerate(nbs)}
    return sorted(runs, key=lambda r: order[r.name])


def _export_files(entry: Mapping[str, Any] | None) -> list[str]:
    """File names an export entry of a manifest lists."""
    if not entry:
        return []
    return [f for f in (entry.get("files") or {}).values() if f]


def _export(name: str, fn: Callable[[Path, str], Path], folder: Path, lang: str) -> NotebookRun:
    started, t0 = dt.datetime.now(dt.timezone.utc), time.perf_counter()
    files, error = {}, None
    try:
        made = fn(folder, lang)
        if isinstance(made, Mapping):
            files = {str(k): Path(v).name for k, v in made.items()}
        else:
            files = {"file": Path(made).name}
    except Exception as exc:  # reported like a failing notebook; the other outputs stay
        if isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS:
            raise  # a full or read-only disk ends the run (exit 3), the previous report stays
        msg = exc.message if isinstance(exc, MutasiError) else str(exc)
        error = {"ename": type(exc).__name__, "evalue": msg}
    return NotebookRun(
        name=f"export:{name}", status="failed" if error else "ok",
        started=started.isoformat(timespec="milliseconds"),
        ended=dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
        duration_s=round(time.perf_counter() - t0, 3), error=error, files=files,
    )


def _results_digest(folder: Path, exclude: str) -> dict[str, str]:
    return {
        p.name: sha256_file(p) for p in sorted(folder.glob("*.json"))
        if p.name != MANIFEST_NAME and p.stem != exclude
    }


def _snapshot_inputs(snap: Path, processed: Path, region: Path, root: Path) -> dict[str, str]:
    """Input hashes of a run: the snapshot's files, named as the processed files they are."""
    inputs = hash_inputs([region], root=root)
    for name, sha in hash_inputs([snap], root=snap).items():
        key = processed / name
        try:
            key = key.relative_to(root.resolve())
        except ValueError:
            pass
        inputs[str(key)] = sha
    return dict(sorted(inputs.items()))


def _history_digest(root: Path, before: str) -> dict[str, Any]:
    """What a summary's trend draws on: every earlier period's results, code and commit."""
    out = {}
    for period, folder, m in report_folders(root):
        if period < before:
            out[period] = {"results": _results_digest(folder, ""), "code": m.get("code_sha256"),
                           "commit": (m.get("git") or {}).get("commit")}
    return out


def _title(name: str, folder: Path, run: NotebookRun) -> str | None:
    """A section's own title: its record's ``title``, else the first heading it rendered."""
    try:  # its own record only (reading the whole folder per notebook would be quadratic)
        rec = read_section(folder / run.files["json"]) if run.files.get("json") else None
    except RecordError:
        rec = None
    if rec is not None and rec.title:
        return rec.title
    nb_file = folder / run.files.get("ipynb", "")
    if not run.files.get("ipynb") or not nb_file.is_file():
        return None
    import nbformat

    return first_heading(nbformat.read(str(nb_file), as_version=4))


def _recover(reports: Path, period: str) -> None:
    """Undo what a crashed run may have left (called under the period lock)."""
    folder = reports / period
    olds = sorted(reports.glob(f".old-{period}-*"), key=lambda p: p.stat().st_mtime)
    if not folder.exists() and olds:
        os.rename(olds.pop(), folder)  # crash between the two renames of a swap
    for p in olds + list(reports.glob(f".tmp-{period}-*")):
        shutil.rmtree(p, ignore_errors=True)


def _swap_in(tmp: Path, folder: Path) -> None:
    old = None
    if folder.exists():
        old = folder.with_name(f".old-{folder.name}-{os.getpid()}")
        os.rename(folder, old)
    os.rename(tmp, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _publish_restricted(files: Sequence[Path], target: Path, root: Path) -> list[Path]:
    """Copy lists of people into ``target``, each file 0600, every folder from ``root`` 0700.

    Each file replaces its namesake atomically (a copy next to it, then ``os.replace``), so a
    reader never sees half a list; the folder may be on another file system than the reports.
    """
    private_folder(target, root)
    moved = []
    for f in sorted(files):
        part = target / f".{f.name}.part-{os.getpid()}"
        try:
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as dst, f.open("rb") as src:
                shutil.copyfileobj(src, dst)
            os.chmod(part, 0o600)
            os.replace(part, target / f.name)
        finally:
            part.unlink(missing_ok=True)
        moved.append(target / f.name)
    return moved


# Lists of people were written into the report folder before they had their own (0700) one.
_LEGACY_LISTS = "kandidat-rotasi-*.csv"


def _evacuate_legacy_lists(folders: Sequence[Path], target: Path, root: Path) -> list[Path]:
    """Move lists of people left in report folders by an older version to the restricted
    folder (kept there unless a newer list of that name is already in place)."""
    moved = []
    for folder in folders:
        for f in sorted(folder.glob(_LEGACY_LISTS)) if folder.is_dir() else []:
            if not (target / f.name).exists():
                moved += _publish_restricted([f], target, root)
            f.unlink()
    return moved


def _table(outcome: ReportOutcome, selected: Sequence[str], reports: Path) -> str:
    runs = {r.name: r for r in outcome.runs}
    width = max([len(n) for n in selected] + [len(r.name) for r in outcome.exports] + [8])
    lines = [f"{'notebook':<{width}}  {'status':<10}  {'seconds':>7}  output"]
    for name in selected:
        r = runs.get(name)
        if r is None:
            lines.append(f"{name:<{width}}  {'up to date':<10}  {'-':>7}  {outcome.folder / (name + '.html')}")
            continue
        if r.status == "ok":
            where = outcome.folder if outcome.installed else (outcome.failed_folder or outcome.folder)
            detail = str(where / r.files.get("html", name + ".ipynb"))
        else:
            detail = _describe_failure(r)
        lines.append(f"{name:<{width}}  {r.status:<10}  {r.duration_s:>7.1f}  {detail}")
    where = outcome.folder if outcome.installed else (outcome.failed_folder or outcome.folder)
    for r in outcome.exports:
        detail = (", ".join(str(where / f) for f in r.files.values()) or "-") if r.status == "ok" else _describe_failure(r)
        lines.append(f"{r.name:<{width}}  {r.status:<10}  {r.duration_s:>7.1f}  {detail}")
    return "\n".join(lines)


def run_report(
    period: str,
    *,
    region: str | Path | None = None,
    lang: str | None = None,
    only: str | Sequence[str] | None = None,
    jobs: int = 1,
    force: bool = False,
    processed: str | Path | None = None,
    reports: str | Path | None = None,
    notebooks: str | Path | None = None,
    restricted: str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    wait: float = 0.0,
    kernel_name: str = KERNEL_NAME,
    cell_timeout: float | None = None,
    exports: Mapping[str, Callable[[Path, str], Path]] | None = None,
    out: Callable[[str], None] | None = None,
    cascade: bool = True,
) -> ReportOutcome:
    """Render the evaluation report of one period.

    Parameters
    ----------
    period : str
        ``latest`` or a period id of the region's kind (``2026-S1``).
    region : path, optional
        Region config (TOML); default the project's (:mod:`mutasi_analysis.project`).
    lang : {"id", "en"}, optional
        Report language; default the config's ``[report] lang``.
    only : str or sequence of str, optional
        Notebooks to render (``"03,04"``); the rest of the period folder is kept. The summary
        (``00_*``) comes along, rendered again when a section it reads changed.
    jobs : int
        Notebooks rendered at once (the summary notebook always runs last).
    force : bool
        Render even when inputs, code and parameters match the manifest.
    processed, reports, notebooks : path, optional
        Processed data folder, reports root, notebook folder; default the project's. The
        English report goes to ``<reports>/en/<period>``.
    restricted : path, optional
        Root for lists of people by pseudonym that a section writes with
        :meth:`~mutasi_analysis.reporting.notebook.ReportContext.restricted_path`; default the
        project's. They go to ``<restricted>/<region code>/<period>/`` (``en/<period>`` for English), mode
        0700/0600, only when the report is published, and never into the report folder.
    parameters : mapping, optional
        Extra notebook parameters by name (strings are converted to the declared type).
    today : date, optional
        The clock for ``latest`` and the "period has ended" check.
    wait : float
        Seconds to wait for another run of the same period before refusing.
    kernel_name : str
        Jupyter kernel to execute with.
    cell_timeout : float, optional
        Seconds allowed per cell.
    exports : mapping of name to callable, optional
        Whole-report exports made after the notebooks, inside the new folder before it is
        swapped in (the CLI passes :func:`~mutasi_analysis.reporting.handover.build_handover`):
        each is called ``fn(folder, lang)`` and returns the file it wrote, or a mapping of
        files (``{"xlsx": name, "pdf": name}``). A failing export fails the run like a
        notebook. When the notebooks are up to date only missing exports are made; give an
        export a new name when its options change.
    out : callable, optional
        Receives progress lines (defaults to printing them).
    cascade : bool
        After a successful run, bring the summaries of later periods (same language) up to
        date: their trend draws on this period's numbers.

    Returns
    -------
    ReportOutcome
        ``exit_code`` is 1 when a notebook failed.

    Raises
    ------
    MutasiError
        For a bad period, language, option, parameter, missing data, or a held lock.
    """
    out = out or (lambda line: print(line, flush=True))
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise MutasiError(f"--jobs must be a whole number of at least 1, got {jobs!r}")
    region_path = resolve_path(region, "region")
    processed, root = resolve_path(processed, "processed"), resolve_path(reports, "reports")
    notebooks = resolve_path(notebooks, "notebooks")
    restricted = resolve_path(restricted, "restricted")
    cfg = load_config(region_path)
    if lang is None:
        lang = getattr(getattr(cfg, "report", None), "lang", "id")
    if lang not in LANGS:
        raise MutasiError(f"--lang {lang!r} is not supported; use one of {', '.join(LANGS)}")
    exports = dict(exports or {})
    data_end = _data_end(processed)
    p = resolve_period(period, cfg.period.kind, today=today, data_end=data_end)
    if isinstance(period, str) and period.strip().lower() == "latest":
        waiting = waiting_for_data(p, today or dt.date.today(), data_end)
        if waiting:
            out(waiting)
    if not processed.is_dir() or not any(processed.glob("*.parquet")):
        raise MutasiError(
            f"no processed data in {processed}; run `mutasi ingest --out {processed}` first "
            "(or pass --processed)"
        )
    available = discover_notebooks(notebooks)
    selected = select_notebooks(available, only)
    if any(not nb.stem.startswith(SUMMARY_PREFIX) for nb in selected):
        # The summary reads the sections: it comes along (and renders only when they changed),
        # so that `--only 04` never publishes a summary of the old 04.
        selected = sorted({*selected, *(nb for nb in available if nb.stem.startswith(SUMMARY_PREFIX))})
    standard = {
        "period": p.id, "lang": lang, "region": str(region_path),
        "processed": str(processed), "reports": str(root),
    }
    params = _build_parameters(selected, standard, parameters)

    reports = lang_root(root, lang)
    reports.mkdir(parents=True, exist_ok=True)
    folder = reports / p.id
    outcome = ReportOutcome(period=p.id, folder=folder)
    # One generation of the processed data for the whole run (an ingestion may publish the next
    # one meanwhile): the notebooks read the snapshot, the manifest hashes what they read.
    with period_lock(reports / LOCK_DIR / f"{p.id}.lock", f"report {p.id}", wait=wait), \
            processed_snapshot(processed, wait=wait) as snap:
        _recover(reports, p.id)
        # Keyed by region too, so that two regions sharing a root never overwrite each other.
        restricted_target = lang_root(restricted / cfg.region.code, lang) / p.id
        legacy = _evacuate_legacy_lists([folder, reports / FAILED_DIR / p.id], restricted_target, restricted)
        if legacy:
            out(f"{p.id}: moved {len(legacy)} list(s) of people out of the report folder into {restricted_target}")
        _check_coverage(p, snap, cfg.period.kind)
        previous = read_manifest(folder) if folder.is_dir() else None
        prev_nbs = (previous or {}).get("notebooks", {})
        inputs = _snapshot_inputs(snap, processed, region_path, root.parent)
        run_params = {k: ({**v, "processed": str(snap)} if "processed" in v else v) for k, v in params.items()}
        versions = package_versions()
        code = code_digest()
        inputs_digest = fingerprint(inputs=inputs)
        lock = lock_provenance()

        def base_fp(nb: Path) -> str:
            # The lock's hash too: a refreshed lock may move a package outside `versions`.
            return fingerprint(inputs=inputs_digest, code=code, notebook=notebook_digest(nb),
                               versions=versions, lock=lock["sha256"], parameters=params[nb.stem])

        def up_to_date(nb: Path, fp: str) -> bool:
            e = prev_nbs.get(nb.stem)
            return (
                not force and e is not None and e.get("status") == "ok"
                and e.get("fingerprint") == fp
                and all((folder / f).is_file() for f in e.get("files", {}).values())
            )

        body = [nb for nb in selected if not nb.stem.startswith(SUMMARY_PREFIX)]
        summary = [nb for nb in selected if nb.stem.startswith(SUMMARY_PREFIX)]
        fps = {nb.stem: base_fp(nb) for nb in selected}
        history = _history_digest(reports, p.id)

        def summary_fp(nb: Path, where: Path) -> str:
            return fingerprint(base=fps[nb.stem], results=_results_digest(where, nb.stem), history=history)

        todo_body = [nb for nb in body if not up_to_date(nb, fps[nb.stem])]
        todo_summary = [nb for nb in summary if todo_body or not up_to_date(nb, summary_fp(nb, folder))]
        todo = todo_body + todo_summary
        outcome.skipped = [nb.stem for nb in selected if nb not in todo]
        prev_exports = (previous or {}).get("exports", {})
        todo_exports = [
            name for name in exports
            if todo or force or (prev_exports.get(name) or {}).get("status") != "ok"
            or not all((folder / f).is_file() for f in _export_files(prev_exports.get(name)))
        ]
        if not todo and not todo_exports:
            out(f"{p.id}: up to date: inputs, code and parameters match {folder / MANIFEST_NAME}; "
                "nothing rendered (use --force to render again)")
            write_index(root)
            return outcome

        out(f"{p.id}: rendering {len(todo)} notebook(s) with {max(1, min(jobs, len(todo)))} job(s)"
            + (f"; up to date: {', '.join(outcome.skipped)}" if outcome.skipped else "")
            + (f"; exports: {', '.join(todo_exports)}" if todo_exports else ""))
        started = dt.datetime.now(dt.timezone.utc)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{p.id}-", dir=reports))
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a report is meant to be read
        try:
            if folder.is_dir():
                shutil.copytree(folder, tmp, dirs_exist_ok=True)
            for stale in tmp.glob("*.json"):  # results of a notebook no longer in the project
                if stale.name != MANIFEST_NAME and not (notebooks / f"{stale.stem}.ipynb").is_file():
                    stale.unlink()
            # An export made from the old notebooks is stale once anything is re-rendered or
            # re-exported, or no longer asked for: it must not travel into the new report.
            for name, e in prev_exports.items():
                if todo or name in todo_exports or name not in exports:
                    for f in _export_files(e):
                        (tmp / f).unlink(missing_ok=True)
            progress = _Progress(out, max(len(todo), 1))
            sections = [nb.stem for nb in available]
            paths = {"region": str(region_path), "processed": str(snap), "reports": str(root)}
            runs = _render_many(todo_body, tmp, run_params, jobs, progress, kernel_name, cell_timeout, sections, paths)
            runs += _render_many(todo_summary, tmp, run_params, jobs, progress, kernel_name, cell_timeout, sections,
                                 paths)
            outcome.runs = runs
            ended = dt.datetime.now(dt.timezone.utc)

            entries = {k: v for k, v in prev_nbs.items() if (notebooks / f"{k}.ipynb").is_file()}
            for r in runs:
                nb = next(nb for nb in todo if nb.stem == r.name)
                fp = fps[r.name]
                if r.name.startswith(SUMMARY_PREFIX):
                    # The summary's inputs include the results it read (present before it ran).
                    fp = summary_fp(nb, tmp)
                entries[r.name] = {**r.to_dict(), "parameters": params[r.name], "fingerprint": fp,
                                   "title": _title(r.name, tmp, r), "notebook_sha256": sha256_file(nb),
                                   "notebook_digest": notebook_digest(nb)}
            entries = dict(sorted(entries.items()))
            failed = sorted(n for n, e in entries.items() if e.get("status") != "ok")
            manifest = {
                "schema": 1,
                "period": p.id,
                "period_kind": p.kind,
                "period_start": p.start.isoformat(),
                "period_end": p.end.isoformat(),
                "region": {"code": cfg.region.code, "name": cfg.region.name, "config": str(region_path)},
                "lang": lang,
                "status": "failed" if failed else "ok",
                "failed": failed,
                "started": started.isoformat(timespec="milliseconds"),
                "ended": ended.isoformat(timespec="milliseconds"),
                "duration_s": round((ended - started).total_seconds(), 3),
                "jobs": jobs,
                "git": git_state(),
                "packages": versions,
                "lock": lock,
                "code_sha256": code,
                "inputs": inputs,
                # Which key made the pseudonyms (a keyed hash of it, never the key): last
                # period's candidate list matches this one only when the two agree.
                "pseudonym_key": processed_key_id(snap),
                "notebooks": entries,
            }
            manifest["exports"] = {k: v for k, v in prev_exports.items() if k in exports and k not in todo_exports}
            write_json_atomic(tmp / MANIFEST_NAME, manifest)
            if todo_exports and not failed:
                for name in todo_exports:
                    run = _export(name, exports[name], tmp, lang)
                    progress.out(f"  export {name}: {run.status} in {run.duration_s:.1f} s"
                                 + ("" if run.status == "ok" else f"  {_describe_failure(run)}"))
                    manifest["exports"][name] = {"files": run.files, "status": run.status,
                                                 "duration_s": run.duration_s, "error": run.error}
                    outcome.exports.append(run)
                    if run.status != "ok":
                        manifest["status"] = "failed"
                        manifest["failed"] = sorted({*manifest["failed"], f"export:{name}"})
                write_json_atomic(tmp / MANIFEST_NAME, manifest)
            failed_dir = reports / FAILED_DIR / p.id
            staged = tmp / RESTRICTED_STAGING
            if not outcome.failures:
                if staged.is_dir():
                    # Published just before the report they belong to (a list is never lost to
                    # a crash between the two; at worst it is a moment ahead of its report).
                    lists = sorted(f for f in staged.iterdir() if f.is_file())
                    outcome.restricted = _publish_restricted(lists, restricted_target, restricted)
                    shutil.rmtree(staged)
                _swap_in(tmp, folder)
                outcome.installed = True
                shutil.rmtree(failed_dir, ignore_errors=True)
            else:
                shutil.rmtree(staged, ignore_errors=True)  # never kept under reports/
                failed_dir.parent.mkdir(exist_ok=True)
                shutil.rmtree(failed_dir, ignore_errors=True)
                os.rename(tmp, failed_dir)
                outcome.failed_folder = failed_dir
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        write_index(root)

    out("")
    out(_table(outcome, [nb.stem for nb in selected], reports))
    if outcome.failures:
        names = ", ".join(r.name for r in outcome.failures)
        kept = (f"the previous complete report in {folder} is kept" if previous is not None
                else "no report of this period is published")
        out(f"\n{p.id}: FAILED: {names}. {kept[0].upper() + kept[1:]}; the failed attempt (with its "
            f"manifest) is in {outcome.failed_folder}")
    else:
        out(f"\n{p.id}: report written to {folder}; overview: {reports / 'index.html'}")
        if outcome.restricted:
            out(f"{p.id}: restricted lists (not part of the report, mode 0600): "
                + ", ".join(str(f) for f in outcome.restricted))
    if cascade and outcome.installed and outcome.runs:
        summaries = [nb.stem for nb in available if nb.stem.startswith(SUMMARY_PREFIX)]
        for later, _, m in report_folders(reports):
            if later <= p.id or not summaries or not any(n in (m.get("notebooks") or {}) for n in summaries):
                continue
            out(f"\n{later}: its summary draws on {p.id}: bringing it up to date")
            try:
                outcome.later.append(run_report(
                    later, region=region_path, lang=lang, only=summaries, processed=processed, reports=root,
                    notebooks=notebooks, restricted=restricted, today=today, wait=max(wait, 60.0), kernel_name=kernel_name,
                    cell_timeout=cell_timeout, exports=exports, out=out, cascade=False,
                ))
            except MutasiError as exc:  # this period is published; say what is left stale
                out(f"{later}: its summary could not be brought up to date ({exc.message}); "
                    f"run `mutasi report --period {later}`")
                stale = ReportOutcome(period=later, folder=reports / later)
                stale.runs.append(NotebookRun(name=summaries[0], status="failed", started="", ended="", duration_s=0.0,
                                              error={"ename": type(exc).__name__, "evalue": exc.message}))
                outcome.later.append(stale)
    return outcome
