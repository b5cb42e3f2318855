"""Benchmark: many regions with ``mutasi batch`` (Dask) against the serial loop, in one run.

The peer is what a project of many regions would do without the batch: ``mutasi ingest`` and
``mutasi report`` region after region in one process (:func:`mutasi_analysis.batch.run_region`
called in a loop, which is exactly what those two commands run). Against it, in the same run
and on the same data: ``mutasi batch`` on a ``LocalCluster`` of 1 worker and of 2 workers.

Reported:

- **regions per minute** of each way, and the ratios to the serial loop;
- **overhead of the batch**: its wall time over the sum of its regions' own task times
  (ingest + render, measured inside each task), with 1 worker (what Dask and the pooled step
  add) and 2 workers (where the two workers also contend for this machine's 2 cores);
- **memory per worker**: each worker process's peak resident memory and its notebook kernels'
  peak (``getrusage``, inside the task), and Dask's own view of the worker's memory;
- **a projection for 300 regions**: ``ceil(300 / W) x`` the region time, scaled by the measured
  relative overhead, for clusters of ``W`` single-threaded workers each on a core of its own
  (with ``--only``, ``--full-sample`` times one region's full report for it).

Every run starts from the raw exports (processed data and batch stamps removed) and renders
with ``--force``, so each way does the same work. Data: ``write_demo_regions`` into
``benchmarks/_work/batch`` (git-ignored).

Usage::

    .venv/bin/python benchmarks/bench_batch.py                      # 12 regions, every section
    .venv/bin/python benchmarks/bench_batch.py --regions 12 --only 01,03 --no-pooled
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work" / "batch"
TODAY = dt.date(2026, 11, 28)
PERIOD = "2026-S1"
PYPROJECT = """[tool.mutasi]
region = "config/regions/alak.toml"
raw = "data/raw"
processed = "data/processed"
reports = "reports"
restricted = "restricted"
notebooks = "notebooks"
"""


def _project(n: int, seed: int, fresh: bool) -> Path:
    from mutasi_analysis.demo import write_demo_regions

    marker = WORK / f".demo-{n}-{seed}"
    if fresh or not marker.is_file():
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        (WORK / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        shutil.copytree(ROOT / "notebooks", WORK / "notebooks",
                        ignore=shutil.ignore_patterns("_runs", "*.md", "build_notebooks.py"))
        write_demo_regions(WORK, n=n, seed=seed, base=ROOT / "config" / "alak.toml")
        marker.write_text("", encoding="utf-8")
    return WORK


def _reset(project) -> None:
    """Back to raw exports only: no processed data, stamps, reports or pooled inputs."""
    shutil.rmtree(WORK / "reports", ignore_errors=True)
    for folder in (WORK / "data").iterdir():
        for p in folder.iterdir():
            if p.name != "raw" and p.name != "truth.json":
                shutil.rmtree(p) if p.is_dir() else p.unlink()


def _serial(project, only, pooled: bool) -> dict:
    from mutasi_analysis.batch import RegionTask, find_regions, run_region

    outcomes, start = [], time.perf_counter()
    for code, config in find_regions(project=project):
        paths = project.region_paths(code)
        task = RegionTask(code=code, config=str(config), raw=str(paths.raw), processed=str(paths.processed),
                          reports=str(paths.reports), restricted=str(project.restricted),
                          notebooks=str(project.notebooks), period=PERIOD, only=only, force=True,
                          today=TODAY.isoformat(), pdf=False, pooled=pooled)
        outcomes.append(run_region(task))
    wall = time.perf_counter() - start
    bad = [o for o in outcomes if o.status == "failed"]
    if bad:
        sys.exit(f"serial: {bad[0].code} failed: {bad[0].reason}")
    return {"wall_s": wall, "tasks_s": sum(o.ingest_s + o.report_s for o in outcomes), "outcomes": outcomes}


def _batch(project, workers: int, only, pooled: bool) -> dict:
    from mutasi_analysis.batch import run_batch

    start = time.perf_counter()
    o = run_batch(PERIOD, workers=workers, only=only, force=True, today=TODAY, pdf=False, pooled=pooled,
                  project=project, out=lambda line: None)
    wall = time.perf_counter() - start
    if o.exit_code:
        sys.exit(o.table())
    return {"wall_s": wall, "tasks_s": sum(r.ingest_s + r.report_s for r in o.regions),
            "pooled_s": (o.pooled.report_s if o.pooled else 0.0), "outcomes": o.regions}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=None, help="sections of each region's report (default: all)")
    parser.add_argument("--no-pooled", dest="pooled", action="store_false")
    parser.add_argument("--fresh", action="store_true", help="write the demo regions again")
    parser.add_argument("--cluster", default="4,16,50,100", help="cluster sizes W of the 300-region projection")
    parser.add_argument("--full-sample", action="store_true",
                        help="with --only: also render one region's full report serially, for the projection")
    parser.add_argument("--out", default=str(WORK.parent / "bench_batch.json"))
    args = parser.parse_args(argv)

    from mutasi_analysis.project import find_project

    project = find_project(_project(args.regions, args.seed, args.fresh))
    n = args.regions
    runs = {}
    for name, fn in (("serial", lambda: _serial(project, args.only, args.pooled)),
                     ("batch, 1 worker", lambda: _batch(project, 1, args.only, args.pooled)),
                     ("batch, 2 workers", lambda: _batch(project, 2, args.only, args.pooled))):
        _reset(project)
        print(f"{name}: running {n} regions ...", flush=True)
        runs[name] = fn()
        print(f"  {runs[name]['wall_s']:.1f} s", flush=True)

    serial = runs["serial"]["wall_s"]
    print(f"\n{n} demo regions, period {PERIOD}, sections: {args.only or 'all'}, pooled: {args.pooled}")
    print(f"{'way':<18} {'wall s':>8} {'regions/min':>12} {'ratio to serial':>16} {'sum of tasks s':>15} "
          f"{'overhead':>9}")
    for name, r in runs.items():
        over = r["wall_s"] / r["tasks_s"] - 1
        print(f"{name:<18} {r['wall_s']:8.1f} {60 * n / r['wall_s']:12.2f} {serial / r['wall_s']:16.2f} "
              f"{r['tasks_s']:15.1f} {over:9.1%}")
    one = runs["batch, 1 worker"]
    per_region = statistics.mean(o.ingest_s + o.report_s for o in one["outcomes"])
    overhead_s = one["wall_s"] - one["tasks_s"]
    mem = [o.peak_rss_mb for r in runs.values() if r is not runs["serial"] for o in r["outcomes"]]
    kmem = [o.kernels_peak_rss_mb for r in runs.values() if r is not runs["serial"] for o in r["outcomes"]]
    print(f"\nmemory per worker: process peak {max(mem):.0f} MiB, its largest kernel {max(kmem):.0f} MiB "
          f"(so about {max(mem) + max(kmem):.0f} MiB per single-threaded worker)")
    print(f"mean region (1 worker, uncontended): {per_region:.1f} s; batch overhead {overhead_s:.1f} s "
          f"({overhead_s / one['tasks_s']:.1%} of the sum of tasks)")
    full = None
    if args.only and args.full_sample:
        from mutasi_analysis.batch import RegionTask, find_regions, run_region

        code, config = find_regions(project=project)[0]
        paths = project.region_paths(code)
        o = run_region(RegionTask(code=code, config=str(config), raw=str(paths.raw), processed=str(paths.processed),
                                  reports=str(paths.reports), restricted=str(project.restricted),
                                  notebooks=str(project.notebooks), period=PERIOD, force=True,
                                  today=TODAY.isoformat(), pdf=False, pooled=False))
        full = o.ingest_s + o.report_s
        print(f"one region's full report ({code}), serial: {full:.1f} s")
    region_s = full if full is not None else per_region
    print(f"projection for 300 regions ({'full reports' if full is not None or not args.only else args.only}), "
          "W single-threaded workers each on a core of its own:")
    projection = {}
    for w in (int(x) for x in args.cluster.split(",")):
        t = math.ceil(300 / w) * region_s * (1 + overhead_s / one["tasks_s"])
        projection[w] = t
        print(f"  W = {w:>3}: {t / 60:6.1f} min")
    doc = {
        "date": dt.date.today().isoformat(), "regions": n, "only": args.only, "pooled": args.pooled,
        "runs": {k: {"wall_s": v["wall_s"], "tasks_s": v["tasks_s"]} for k, v in runs.items()},
        "mean_region_s": per_region, "full_region_s": full, "overhead_s": overhead_s, "peak_worker_mib": max(mem),
        "peak_kernel_mib": max(kmem), "projection_300_min": {w: t / 60 for w, t in projection.items()},
    }
    Path(args.out).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
