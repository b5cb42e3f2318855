"""Benchmark: the full report for one period, serial and with ``--jobs 2``, against the floor.

The floor is what no report can avoid: starting one Jupyter kernel and importing the stack the
notebooks use (pandas, numpy, scipy, statsmodels, matplotlib, seaborn and the package),
measured as the render of a notebook that does nothing else (papermill, kernel start, imports,
HTML export, shutdown). A
report of ``k`` notebooks rendered serially cannot beat ``k x floor``; the ratio
``wall / floor`` says how many "kernel starts" the whole report costs, and
``serial / jobs-2`` what the second worker buys on this machine.

Data: the demo region (``mutasi demo-data --seed 1``, ``--scale`` to enlarge), ingested
into ``benchmarks/_work`` (git-ignored). Every report run uses ``--force`` so that it renders
everything; the notebooks' own parameters are the defaults (``n_boot=9999``, ``n_perm=999``)
unless ``--small`` is given.

Usage::

    .venv/bin/python benchmarks/bench_report.py                # scale 1, one run each
    .venv/bin/python benchmarks/bench_report.py --repeat 3 --small
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work" / "report"
STACK = (
    "import numpy, pandas, scipy.stats, statsmodels.api, matplotlib, seaborn\n"
    "import mutasi_analysis.impact, mutasi_analysis.ikm, mutasi_analysis.rotation, "
    "mutasi_analysis.survey, mutasi_analysis.services, mutasi_analysis.reporting.notebook"
)


def floor_seconds() -> float:
    """Wall time to render a one-cell notebook that only imports the stack.

    Same path as a report notebook (papermill, an isolated kernel, HTML export, shutdown), so
    the ratio compares like with like: what a notebook costs beyond existing at all.
    """
    import tempfile

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from mutasi_analysis.reporting.render import render_notebook

    with tempfile.TemporaryDirectory() as tmp:
        nb = new_notebook(cells=[
            new_code_cell('period: str = "2026-S1"  # unused', metadata={"tags": ["parameters"]}),
            new_code_cell(STACK),
        ])
        nb.metadata.kernelspec = {"name": "mutasi-analysis", "language": "python", "display_name": "x"}
        path = Path(tmp) / "floor.ipynb"
        nbformat.write(nb, str(path))
        out = Path(tmp) / "out"
        out.mkdir()
        t0 = time.perf_counter()
        run = render_notebook(path, out, {})
        wall = time.perf_counter() - t0
    if run.status != "ok":
        raise RuntimeError(f"importing the stack failed: {run.error}")
    return wall


def prepare(scale: float) -> Path:
    """Demo data ingested into the work folder; returns the processed folder."""
    from mutasi_analysis.demo import write_demo_data
    from mutasi_analysis.ingest import ingest

    os.environ.setdefault("MUTASI_PSEUDONYM_KEY", "benchmark-key-not-secret-0123456789abcdef")
    raw, processed = WORK / f"raw-{scale:g}", WORK / f"processed-{scale:g}"
    if not (processed / "ingest_summary.json").exists():
        write_demo_data(out=raw, seed=1, region=ROOT / "config" / "alak.toml", scale=scale)
        ingest(raw=raw, out=processed, region=ROOT / "config" / "alak.toml")
    return processed


def report_seconds(processed: Path, jobs: int, small: bool) -> tuple[float, dict[str, float]]:
    """Wall time of one forced full report, and each notebook's own duration."""
    from mutasi_analysis.reporting.pipeline import run_report

    t0 = time.perf_counter()
    outcome = run_report(
        "latest", region=ROOT / "config" / "alak.toml", processed=processed,
        reports=WORK / "reports", notebooks=ROOT / "notebooks", jobs=jobs, force=True,
        today=dt.date(2026, 7, 20), out=lambda s: None,
        parameters={"n_boot": 199, "n_perm": 99} if small else None,
    )
    wall = time.perf_counter() - t0
    if outcome.exit_code:
        raise RuntimeError(f"report failed: {[r.name for r in outcome.failures]}")
    return wall, {r.name: r.duration_s for r in outcome.runs}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="demo data scale (default 1)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measurement (median reported)")
    ap.add_argument("--small", action="store_true", help="n_boot=199, n_perm=99 instead of the defaults")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)

    processed = prepare(args.scale)
    floors = [floor_seconds() for _ in range(args.repeat)]
    serial = [report_seconds(processed, 1, args.small) for _ in range(args.repeat)]
    parallel = [report_seconds(processed, 2, args.small) for _ in range(args.repeat)]
    floor = statistics.median(floors)
    s_wall = statistics.median(w for w, _ in serial)
    p_wall = statistics.median(w for w, _ in parallel)
    n = len(serial[0][1])
    per_nb = {k: statistics.median(d[k] for _, d in serial) for k in serial[0][1]}
    figures = {
        "machine": {"cpus": os.cpu_count(), "load_1min_at_start": os.getloadavg()[0], "python": sys.version.split()[0]},
        "scale": args.scale, "small": args.small, "repeat": args.repeat, "notebooks": n,
        "floor_s": round(floor, 2), "serial_s": round(s_wall, 2), "jobs2_s": round(p_wall, 2),
        "serial_over_floor": round(s_wall / floor, 2), "jobs2_over_floor": round(p_wall / floor, 2),
        "serial_over_n_floors": round(s_wall / (n * floor), 2), "speedup_jobs2": round(s_wall / p_wall, 2),
        "per_notebook_serial_s": {k: round(v, 2) for k, v in per_nb.items()},
    }
    print(f"floor (one kernel + imports):     {floor:7.2f} s")
    print(f"full report, serial ({n} notebooks): {s_wall:7.2f} s  = {s_wall / floor:5.2f} x floor "
          f"({s_wall / (n * floor):.2f} x {n} floors)")
    print(f"full report, --jobs 2:            {p_wall:7.2f} s  = {p_wall / floor:5.2f} x floor "
          f"(speed-up {s_wall / p_wall:.2f})")
    for k, v in per_nb.items():
        print(f"  {k:<20} {v:6.2f} s ({v / floor:4.2f} x floor)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
