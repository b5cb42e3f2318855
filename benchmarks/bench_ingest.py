"""Benchmark: ingestion of a demo data set scaled up (default 100x: ~25,000 staff, millions of complaints).

Usage::

    .venv/bin/python benchmarks/bench_ingest.py [--scale 100] [--seed 1] [--workdir /tmp/mutasi-bench]
                                                [--format csv] [--dirty]

The demo set is generated once into ``WORKDIR/raw-<scale>x-<format>`` (reused while it exists).
Generation and ingestion each run in a child process (``python -m mutasi_analysis.cli ...``);
the ingestion child's wall time and peak resident memory (its own ``ru_maxrss``, from
``os.wait4``) are measured alone, without the generator's memory. Results are printed and written to ``WORKDIR/bench_ingest[-dirty].json``.
Target: under 60 s and under 4 GiB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=100.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--dirty", action="store_true")
    ap.add_argument("--workdir", default="/tmp/mutasi-bench")
    ap.add_argument("--region", default=str(ROOT / "config" / "alak.toml"))
    args = ap.parse_args(argv)

    work = Path(args.workdir)
    raw = work / f"raw-{args.scale:g}x-{args.format}{'-dirty' if args.dirty else ''}"
    out = work / f"processed-{args.scale:g}x-{args.format}{'-dirty' if args.dirty else ''}"
    env = dict(os.environ)
    # A fixed benchmark key: never the user's own (and never a key file created on the fly,
    # which `mutasi` refuses since keys are made only on purpose).
    env.setdefault("MUTASI_PSEUDONYM_KEY", "benchmark-key-not-secret-0123456789abcdef")
    work.mkdir(parents=True, exist_ok=True)

    gen_seconds = None
    if not (raw / "truth.json").exists():
        # in a child process too, so that this process stays small: a fork of a large parent
        # would count the parent's pages in the ingest child's peak memory
        t0 = time.perf_counter()
        gen = [sys.executable, "-m", "mutasi_analysis.cli", "demo-data", "--seed", str(args.seed), "--out", str(raw),
               "--format", args.format, "--scale", str(args.scale), "--region", args.region]
        subprocess.run(gen + (["--dirty"] if args.dirty else []), env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        gen_seconds = time.perf_counter() - t0
        print(f"demo data generated in {gen_seconds:.1f} s -> {raw}")

    sizes = {p.name: p.stat().st_size for p in sorted(raw.iterdir()) if p.suffix in (".csv", ".xlsx")}
    cmd = [sys.executable, "-m", "mutasi_analysis.cli", "ingest", "--raw", str(raw), "--out", str(out),
           "--region", args.region]
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, stdout=out_f, stderr=err_f, text=True, cwd=ROOT)
        # wait4 gives this child's own rusage (peak RSS), not the maximum over every child
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        proc = subprocess.CompletedProcess(cmd, child.returncode, out_f.read(), err_f.read())
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, sep="\n")
        return proc.returncode
    peak_kib = usage.ru_maxrss  # Linux: KiB
    summary = json.loads((out / "ingest_summary.json").read_text(encoding="utf-8"))
    result = {
        "scale": args.scale, "seed": args.seed, "format": args.format, "dirty": args.dirty,
        "rows_read": {t: v["read"] for t, v in summary["tables"].items()},
        "rows_rejected": summary["rejected_rows"],
        "raw_bytes": sizes, "raw_mib": round(sum(sizes.values()) / 2**20, 1),
        "ingest_wall_seconds": round(wall, 2),
        "ingest_peak_rss_mib": round(peak_kib / 1024, 1),
        "generator_seconds": None if gen_seconds is None else round(gen_seconds, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    print(proc.stdout)
    print(json.dumps(result, indent=2))
    (work / f"bench_ingest{'-dirty' if args.dirty else ''}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
