"""Many regions at once: ``mutasi batch`` ingests and renders every region as a Dask task.

A project of many regions (:mod:`mutasi_analysis.project`, "Many regions") holds one config
per region; each region's data and reports live under its own code. :func:`run_batch` makes
one task per region (:func:`run_region`: ingest when the raw exports changed, then render the
period's report with :func:`~mutasi_analysis.reporting.pipeline.run_report`) and runs them on
``dask.distributed``: a ``LocalCluster`` of worker processes by default, or an existing
scheduler by address for a real cluster. Afterwards the regions' aggregate parts are pooled
(:mod:`mutasi_analysis.pooled`) and the pooled report is rendered as one more task.

Why Dask and not a process pool of our own: retries, rescheduling of the tasks of a worker
that died, the dashboard, the progress bar and running across machines are Dask's, kept by
its maintainers; this module adds only what is the project's (what one region's task is, its
statuses, the table at the end).

What keeps a region's report whole however its task ends: each render keeps its own lock,
atomic swap and manifest (the report pipeline's), so a worker killed mid-render leaves at most
a hidden temporary folder that the next run of that region removes; Dask then runs the task
again on another worker. A region whose data are wrong fails with its one-line reason (it is
not retried: the data would be as wrong the second time) while the others publish.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob as globmod
import hashlib
import json
import os
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import MutasiError
from .files import replaced_atomically
from .project import POOLED_CODE, Project, find_project
from .pseudonym import KEY_FILE_ENV

__all__ = [
    "RegionTask", "RegionOutcome", "BatchOutcome", "find_regions", "run_region", "run_batch",
    "STATUSES", "POOLED_NOTEBOOKS", "INGEST_STAMP", "RESOURCE", "ingest_stamp",
]

#: A region's status at the end of a batch.
STATUSES = ("done", "up to date", "failed")
#: Sub-folder of the project's notebooks holding the pooled report's notebooks.
POOLED_NOTEBOOKS = "gabungan"
#: The Dask worker resource a region's task asks for when every worker offers it.
RESOURCE = "region"
#: Suffix of the stamp beside a region's processed folder (``.processed.batch-ingest.json``):
#: what its last ingestion by a batch read (hashes only); see :func:`ingest_stamp`.
INGEST_STAMP = ".batch-ingest.json"
# Exceptions raised by a task are retried this often by Dask (a full disk, a lost connection);
# a region's data errors are not exceptions here: they end the task as "failed" at once.
DEFAULT_RETRIES = 2


@dataclass(frozen=True)
class RegionTask:
    """Everything a worker needs to ingest and render one region (plain paths and values)."""

    code: str
    config: str
    raw: str
    processed: str
    reports: str
    restricted: str
    notebooks: str
    period: str
    lang: str | None = None
    only: str | None = None
    force: bool = False
    today: str | None = None
    pdf: bool | None = None
    ingest: bool = True
    pooled: bool = True
    parameters: tuple = ()
    key_id: str | None = None


@dataclass
class RegionOutcome:
    """What became of one region (or of the pooled report, code :data:`POOLED_CODE`).

    Attributes
    ----------
    code : str
    status : {"done", "up to date", "failed"}
    reason : str or None
        The one-line reason of a failure.
    period : str or None
        The period rendered (``latest`` resolved against the region's data).
    folder : str or None
        The region's report folder of that period.
    ingested : bool
        Whether this run ingested the raw exports again (they changed).
    ingest_s, report_s : float
        Seconds spent ingesting and rendering.
    worker : str or None
        Address of the Dask worker that ran it.
    peak_rss_mb, kernels_peak_rss_mb : float or None
        Peak resident memory of the worker process, and of its largest child (a notebook
        kernel), in MiB, as the operating system counts it (``getrusage``).
    part : object or None
        The region's aggregates for the pooled analysis (no person in them).
    log : list of str
        The progress lines of the region's ingestion and render.
    """

    code: str
    status: str
    reason: str | None = None
    period: str | None = None
    folder: str | None = None
    ingested: bool = False
    ingest_s: float = 0.0
    report_s: float = 0.0
    worker: str | None = None
    peak_rss_mb: float | None = None
    kernels_peak_rss_mb: float | None = None
    part: Any = None
    log: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """The outcome without the pooled part, for the batch's JSON summary."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "part"}


@dataclass
class BatchOutcome:
    """What a ``mutasi batch`` run did.

    Attributes
    ----------
    period : str
        The period asked for.
    regions : list of RegionOutcome
        One per region, in the order of the region configs.
    pooled : RegionOutcome or None
        The pooled report (None when it was not asked for or fewer than two regions succeeded).
    workers : int
        Workers the cluster had when the batch started.
    scheduler : str
        The scheduler's address (``LocalCluster`` or the one given).
    dashboard : str or None
        The dashboard's link.
    duration_s : float
    summary : Path or None
        The JSON summary written under the reports root.
    """

    period: str
    regions: list[RegionOutcome]
    pooled: RegionOutcome | None
    workers: int
    scheduler: str
    dashboard: str | None
    duration_s: float
    summary: Path | None = None

    @property
    def failed(self) -> list[RegionOutcome]:
        """Regions (and the pooled report) that failed."""
        return [r for r in [*self.regions, *([self.pooled] if self.pooled else [])] if r.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every region (and the pooled report) is done or up to date, 1 otherwise."""
        return 1 if self.failed else 0

    def table(self) -> str:
        """The table of regions printed at the end of the batch."""
        rows = [*self.regions, *([self.pooled] if self.pooled else [])]
        width = max([len(r.code) for r in rows] + [6])
        lines = [f"{'region':<{width}}  {'status':<10}  {'ingest s':>8}  {'report s':>8}  detail"]
        for r in rows:
            detail = r.reason if r.status == "failed" else (r.folder or "")
            ing = f"{r.ingest_s:8.1f}" if r.ingested else f"{'-':>8}"
            rep = f"{r.report_s:8.1f}" if r.report_s else f"{'-':>8}"
            lines.append(f"{r.code:<{width}}  {r.status:<10}  {ing}  {rep}  {detail}")
        n = {s: sum(1 for r in self.regions if r.status == s) for s in STATUSES}
        lines.append(f"{len(self.regions)} region(s): {n['done']} done, {n['up to date']} up to date, "
                     f"{n['failed']} failed; {self.duration_s:.1f} s on {self.workers} worker(s)")
        return "\n".join(lines)


# ------------------------------------------------------------------------------ the regions
def find_regions(pattern: str | None = None, project: Project | None = None) -> list[tuple[str, Path]]:
    """The regions of a many-region project: ``(code, config path)``, sorted by config path.

    Parameters
    ----------
    pattern : str, optional
        A glob of region configs, relative to the project folder (default: the project's
        ``[tool.mutasi] regions``, ``config/regions/*.toml``).
    project : Project, optional
        Default: the project of the working folder.

    Raises
    ------
    MutasiError
        No config matches; a config does not load (its own message); two configs share a
        code; a code starts with ``_`` (reserved for the pooled analysis).
    """
    from .config import load_config

    project = project or find_project()
    pattern = pattern or project.regions_glob
    full = pattern if os.path.isabs(pattern) else str(project.root / pattern)
    paths = sorted(Path(p).resolve() for p in globmod.glob(full) if Path(p).is_file())
    if not paths:
        raise MutasiError(f"--regions {pattern}: no region config matches in {project.root} "
                          "(write one TOML per region there, or `mutasi demo-data --regions N` for a demo)")
    seen: dict[str, Path] = {}
    out = []
    for path in paths:
        code = load_config(path).region.code
        if code.startswith("_"):
            raise MutasiError(f"{path}: region code {code!r} starts with '_', which is kept for the pooled "
                              f"analysis ({POOLED_CODE}); choose another [region] code")
        if code in seen:
            raise MutasiError(f"{path}: region code {code!r} is also the code of {seen[code]}; "
                              "every region needs a code of its own")
        seen[code] = path
        out.append((code, path))
    return out


# ------------------------------------------------------------------------- one region's task
def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _ingest_inputs(raw: Path, config: Path, today: str | None) -> dict:
    """What an ingestion reads: the raw files, the config, the package's code, the key in use and
    the day it runs on (rows dated after it are rejected, so a later day may accept more)."""
    from .pseudonym import key_id, load_key
    from .reporting.manifest import code_digest

    files = {p.name: _sha(p) for p in sorted(raw.iterdir()) if p.is_file() and not p.name.startswith(".")} \
        if raw.is_dir() else {}
    return {"raw": files, "config": _sha(config), "code": code_digest(), "key": key_id(load_key(create=False)),
            "today": today or dt.date.today().isoformat()}


def ingest_stamp(processed: str | Path) -> Path:
    """The stamp beside a region's processed folder: what its last ingestion by a batch read."""
    processed = Path(processed)
    return processed.parent / f".{processed.name}{INGEST_STAMP}"


def _maybe_ingest(task: RegionTask, log: list) -> bool:
    """Ingest the region's raw exports unless the processed data were made from these very inputs."""
    from .ingest import ingest

    raw, processed, config = Path(task.raw), Path(task.processed), Path(task.config)
    if task.key_id is not None and raw.is_dir():
        # Pseudonyms are comparable across regions (and the pooled report) only under one key:
        # a worker holding another key, or none (ingestion would make a new one), is refused.
        theirs = _key_fingerprint()
        if theirs != task.key_id:
            held = f"holds pseudonym key {theirs}" if theirs else "holds no pseudonym key"
            raise MutasiError(f"{task.code}: the worker {_worker_address() or 'here'} {held}, the batch uses "
                              f"{task.key_id}; give every worker the same key ({KEY_FILE_ENV})")
    if not raw.is_dir():
        if (processed / "ingest_summary.json").is_file():
            log.append(f"{task.code}: no raw folder {raw}; the processed data in {processed} are used as they are")
            return False
        raise MutasiError(f"{task.code}: raw data folder {raw} does not exist; put the region's exports there")
    stamp = ingest_stamp(processed)
    try:
        inputs = _ingest_inputs(raw, config, task.today)
    except MutasiError:
        inputs = None  # no key yet: the ingestion makes one (or says why not)
    try:
        before = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = None
    if inputs is not None and before == inputs and (processed / "ingest_summary.json").is_file():
        log.append(f"{task.code}: processed data up to date with {raw}")
        return False
    summary = ingest(raw=raw, out=processed, region=config,
                     today=dt.date.fromisoformat(task.today) if task.today else None)
    log.extend(summary.to_text().splitlines())
    # The inputs as hashed before the ingestion read them: a file changed meanwhile is read again next time.
    inputs = inputs if inputs is not None else _ingest_inputs(raw, config, task.today)
    with replaced_atomically(stamp) as tmp:
        tmp.write_text(json.dumps(inputs, indent=1) + "\n", encoding="utf-8")
    return True


def _key_fingerprint() -> str | None:
    """The fingerprint of this process's pseudonym key (never the key), None without one."""
    from .pseudonym import PseudonymKeyError, key_id, load_key

    try:
        return key_id(load_key(create=False))
    except PseudonymKeyError:
        return None


def _batch_key(client, local: bool) -> str | None:
    """The one key every worker must hold, checked before any task starts.

    A local cluster's workers share this machine's key (made here, once, if there is none yet:
    what `mutasi ingest` would do). A cluster's workers are asked (``Client.run``): they must agree
    with each other and with this machine's key when it has one.
    """
    from .pseudonym import key_id, load_key

    mine = key_id(load_key(create=True)) if local else _key_fingerprint()
    held = client.run(_key_fingerprint)
    found = sorted({k for k in held.values() if k is not None} | ({mine} if mine else set()))
    if len(found) > 1:
        said = "; ".join(f"{addr}: {k or 'none'}" for addr, k in sorted(held.items()))
        raise MutasiError(f"the workers do not hold one pseudonym key ({said}"
                          + (f"; this machine: {mine}" if mine else "") + f"); give every worker the same key "
                          f"({KEY_FILE_ENV}) before running the batch")
    if not found and not local:
        raise MutasiError("no pseudonym key on this machine or on any worker: the first ingestion on each machine "
                          f"would make a key of its own; give every worker the same key ({KEY_FILE_ENV}) first")
    return found[0] if found else None


def _exports(pdf: bool | None, config: Path, log: list) -> dict:
    """The hand-over files, as ``mutasi report`` makes them (PDF per option or config)."""
    from .config import load_config
    from .reporting.handover import build_handover

    cfg = load_config(config)
    want = pdf if pdf is not None else bool(getattr(getattr(cfg, "report", None), "pdf", False))
    if want:
        from .reporting.pdf import pdf_engine_problem

        problem = pdf_engine_problem()
        if problem:
            log.append(f"no PDF this run: {problem}")
            want = False

    def handover(folder: Path, lang: str) -> dict:
        return build_handover(folder, lang=lang, pdf=want)

    return {"handover+pdf" if want else "handover": handover}


def _memory(outcome: RegionOutcome) -> None:
    # ru_maxrss is in KiB on Linux, bytes on macOS. For the process itself Linux's VmHWM is
    # better: a spawned worker's ru_maxrss may carry its parent's peak across fork and exec.
    unit = 1 if sys.platform == "darwin" else 1024
    outcome.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit / 2**20
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            hwm = next(line for line in f if line.startswith("VmHWM:"))
        outcome.peak_rss_mb = int(hwm.split()[1]) / 1024
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    outcome.kernels_peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit / 2**20


def _worker_address() -> str | None:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return None


def run_region(task: RegionTask) -> RegionOutcome:
    """Ingest (when the raw exports changed) and render one region's report: one Dask task.

    A problem with the region's data or options ends the task with status ``failed`` and the
    one-line message ``mutasi report`` would print; anything else (a bug, a full disk) is
    raised, so that Dask retries it and the batch reports it if it keeps failing.

    Parameters
    ----------
    task : RegionTask

    Returns
    -------
    RegionOutcome
    """
    from .did.errors import DiDError
    from .reporting.pipeline import run_report

    log: list[str] = []
    outcome = RegionOutcome(code=task.code, status="failed", worker=_worker_address(), log=log)
    try:
        if task.ingest:
            t0 = time.perf_counter()
            outcome.ingested = _maybe_ingest(task, log)
            outcome.ingest_s = round(time.perf_counter() - t0, 3)
        t1 = time.perf_counter()
        report = run_report(
            task.period, region=task.config, lang=task.lang, only=task.only, force=task.force,
            processed=task.processed, reports=task.reports, notebooks=task.notebooks, restricted=task.restricted,
            parameters=dict(task.parameters), today=dt.date.fromisoformat(task.today) if task.today else None,
            exports=_exports(task.pdf, Path(task.config), log), out=log.append,
        )
        outcome.report_s = round(time.perf_counter() - t1, 3)
        outcome.period, outcome.folder = report.period, str(report.folder)
        if report.failures:
            first = report.failures[0]
            err = first.error or {}
            outcome.reason = (f"{first.name}: {err.get('ename', 'failed')}: {err.get('evalue', '')}".rstrip(": ")
                              + (f" (+{len(report.failures) - 1} more)" if len(report.failures) > 1 else ""))
        else:
            outcome.status = "done" if (report.runs or report.exports) else "up to date"
        if task.pooled and not report.failures:
            from .config import load_config
            from .pooled import region_part

            outcome.part = region_part(load_config(task.config), Path(task.processed), report.period)
    except MutasiError as exc:
        outcome.status, outcome.reason = "failed", exc.message
    except DiDError as exc:
        outcome.status, outcome.reason = "failed", str(exc)
    _memory(outcome)
    return outcome


# --------------------------------------------------------------------------------- the batch
def _check_options(found, project: Project, period: str, only, parameters, today) -> None:
    """What every region's task would refuse, refused once before a cluster starts (exit 2)."""
    from .config import load_config
    from .reporting.pipeline import _build_parameters, discover_notebooks, resolve_period, select_notebooks

    selected = select_notebooks(discover_notebooks(project.notebooks), only)
    _build_parameters(selected, {}, parameters)
    for _code, config in found:
        resolve_period(period, load_config(config).period.kind, today=today)



def _client(scheduler: str | None, workers: int | None, n_tasks: int, timeout: float):
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{timeout}s")
        except ValueError as exc:  # not an address at all
            raise MutasiError(f"--scheduler {scheduler}: not a scheduler address ({exc}); write it as "
                              "tcp://HOST:8786") from None
        except (OSError, TimeoutError) as exc:
            raise MutasiError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc}); "
                              "start one with `dask scheduler` (docs/en/many-regions.md)") from None
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            client.close()
            raise MutasiError(f"--scheduler {scheduler}: the scheduler has no worker after {timeout:g} s; start "
                              f"workers with `dask worker {scheduler} --nthreads 1`") from None
        return client, None
    n = workers or max(1, min(n_tasks, os.cpu_count() or 1))
    # One thread per worker process: a region's render already runs its notebooks in kernels of
    # their own; two renders in one process would only contend for the same core.
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                           resources={RESOURCE: 1},
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _progress(done: int, total: int, r: RegionOutcome, out: Callable[[str], None]) -> None:
    bar = "#" * round(20 * done / total)
    detail = r.reason if r.status == "failed" else (r.folder or "")
    out(f"[{bar:<20}] {done}/{total} {r.code}: {r.status}  {detail}")


def _failure(code: str, exc: BaseException) -> RegionOutcome:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return RegionOutcome(code=code, status="failed", reason=f"{type(exc).__name__}: {text}")


def run_batch(
    period: str,
    *,
    regions: str | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    lang: str | None = None,
    only: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    pdf: bool | None = None,
    pooled: bool = True,
    retries: int = DEFAULT_RETRIES,
    parameters: dict | None = None,
    project: Project | None = None,
    out: Callable[[str], None] | None = None,
    connect_timeout: float = 30.0,
) -> BatchOutcome:
    """Ingest and render every region of a project as Dask tasks, then the pooled report.

    Parameters
    ----------
    period : str
        ``latest`` or a period id; ``latest`` is resolved against each region's own data.
    regions : str, optional
        Glob of region configs relative to the project (default: the project's ``regions``).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); default a ``LocalCluster``.
    workers : int, optional
        Worker processes of the ``LocalCluster`` (default: one per core, at most one per
        region); not allowed with ``scheduler``.
    lang, only, force, today, pdf, parameters
        As for ``mutasi report``, for every region.
    pooled : bool, default True
        Pool the regions that succeeded and render the pooled report (needs two regions).
    retries : int
        Times Dask runs a task again after it raised (not after a data error).
    project : Project, optional
        Default: the project of the working folder.
    out : callable, optional
        Receives progress lines (default: print).
    connect_timeout : float
        Seconds to wait for the scheduler at ``scheduler``.

    Returns
    -------
    BatchOutcome
        ``exit_code`` is 1 when any region or the pooled report failed.
    """
    out = out or (lambda line: print(line, flush=True))
    for name, value, low in (("--workers", workers, 1), ("--retries", retries, 0)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < low):
            raise MutasiError(f"{name} must be a whole number of at least {low}, got {value!r}")
    if scheduler and workers:
        raise MutasiError("--workers starts a local cluster; with --scheduler the cluster's own workers run "
                          "the regions (give one or the other)")
    if lang is not None and lang not in ("id", "en"):
        raise MutasiError(f"--lang {lang!r} is not supported; use id or en")
    if not isinstance(period, str) or not period.strip():
        raise MutasiError("--period is required: a period id (2026-S1) or 'latest'")
    project = project or find_project()
    found = find_regions(regions, project)
    _check_options(found, project, period, only, parameters, today)
    tasks = []
    for code, config in found:
        paths = project.region_paths(code)
        tasks.append(RegionTask(
            code=code, config=str(config), raw=str(paths.raw), processed=str(paths.processed),
            reports=str(paths.reports), restricted=str(project.restricted), notebooks=str(project.notebooks),
            period=period, lang=lang, only=only, force=force, today=today.isoformat() if today else None, pdf=pdf,
            pooled=pooled, parameters=tuple(sorted((parameters or {}).items())),
        ))
    started = time.perf_counter()
    client, cluster = _client(scheduler, workers, len(tasks), connect_timeout)
    try:
        info = client.scheduler_info(n_workers=-1)["workers"]
        n_workers = len(info)
        # Workers that offer the `region` resource (`dask worker --resources region=1`) take one
        # region at a time whatever their threads; without it, --nthreads 1 does the same.
        resources = {RESOURCE: 1} if info and all(RESOURCE in (w.get("resources") or {}) for w in info.values()) \
            else None
        address = client.scheduler.address
        key = _batch_key(client, local=scheduler is None)
        tasks = [dataclasses.replace(t, key_id=key) for t in tasks]
        out(f"batch {period}: {len(tasks)} region(s) on {n_workers} worker(s) of {address}"
            + (f"; dashboard: {client.dashboard_link}" if client.dashboard_link else ""))
        keys = [f"mutasi-region-{t.code}-{period}-{os.getpid()}-{time.time_ns()}" for t in tasks]
        futures = client.map(run_region, tasks, key=keys, retries=retries, pure=False, resources=resources)
        code_of = {f.key: t.code for f, t in zip(futures, tasks)}
        results: dict[str, RegionOutcome] = {}
        from distributed import as_completed

        for i, fut in enumerate(as_completed(futures), start=1):
            try:
                r = fut.result()
            except Exception as exc:  # a task that kept raising, or whose workers kept dying
                r = _failure(code_of[fut.key], exc)
            results[r.code] = r
            _progress(i, len(tasks), r, out)
        ordered = [results[t.code] for t in tasks]
        pooled_outcome = None
        parts = [r.part for r in ordered if r.part is not None]
        if pooled and len(parts) >= 2:
            pooled_outcome = _pooled(client, project, parts, ordered, tasks[0], retries, resources, out)
        elif pooled:
            out(f"batch {period}: no pooled report: it needs two regions that succeeded, "
                f"{len(parts)} did")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    outcome = BatchOutcome(period=period, regions=ordered, pooled=pooled_outcome, workers=n_workers,
                           scheduler=address, dashboard=client.dashboard_link,
                           duration_s=round(time.perf_counter() - started, 3))
    outcome.summary = _write_summary(outcome, project)
    out("")
    out(outcome.table())
    return outcome


def _pooled(client, project: Project, parts: list, ordered: list[RegionOutcome], first: RegionTask, retries: int,
            resources: dict | None, out: Callable[[str], None]) -> RegionOutcome:
    from .pooled import write_pooled_inputs

    paths = project.region_paths(POOLED_CODE)
    # The regions' periods agree unless `latest` met data ending in different periods; then
    # write_pooled_inputs refuses, naming the regions of each period (pool one explicit period).
    period = min(r.period for r in ordered if r.part is not None)
    try:
        folder = write_pooled_inputs(parts, paths.processed)
    except MutasiError as exc:
        return RegionOutcome(code=POOLED_CODE, status="failed", reason=exc.message)
    task = RegionTask(
        code=POOLED_CODE, config=str(Path(folder) / "region.toml"), raw=str(paths.raw), processed=str(folder),
        reports=str(paths.reports), restricted=first.restricted,
        notebooks=str(Path(first.notebooks) / POOLED_NOTEBOOKS), period=period, lang=first.lang, only=None,
        force=first.force, today=first.today, pdf=first.pdf, ingest=False, pooled=False,
    )
    fut = client.submit(run_region, task, key=f"mutasi-pooled-{period}-{time.time_ns()}", retries=retries, pure=False,
                        resources=resources)
    try:
        r = fut.result()
    except Exception as exc:
        r = _failure(POOLED_CODE, exc)
    out(f"pooled {period}: {r.status}  {r.reason if r.status == 'failed' else r.folder}")
    return r


def _write_summary(outcome: BatchOutcome, project: Project) -> Path:
    root = project.region_paths(POOLED_CODE).reports.parent
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"batch-{outcome.period}.json"
    doc = {
        "period": outcome.period, "workers": outcome.workers, "scheduler": outcome.scheduler,
        "duration_s": outcome.duration_s, "exit_code": outcome.exit_code,
        "regions": [r.to_dict() for r in outcome.regions],
        "pooled": outcome.pooled.to_dict() if outcome.pooled else None,
    }
    with replaced_atomically(path) as tmp:
        Path(tmp).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
