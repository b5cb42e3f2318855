"""``mutasi batch``: the command-line face of :func:`~mutasi_analysis.batch.run_batch`."""

from __future__ import annotations

import argparse

__all__ = ["add_batch_parser"]

_EPILOG = """examples:
  mutasi demo-data --regions 6            # six demo kecamatan (demo_regions.toml)
  mutasi batch --period 2026-S1           # a local cluster, one worker per core
  mutasi batch --period latest --workers 2 --only 03
  mutasi batch --period 2026-S1 --scheduler tcp://10.0.0.5:8786

Each region's data and reports live under its own code (data/<code>/raw, data/<code>/processed,
reports/<code>/<period>); the pooled report goes to reports/_gabungan/<period>. Exit codes: 0
every region done or up to date, 1 a region or the pooled report failed (the others are
published), 2 a problem with the options.
"""


def _cmd_batch(args: argparse.Namespace) -> int:
    import sys

    from .batch import run_batch
    from .reporting.cli import _params, _today

    outcome = run_batch(
        args.period, regions=args.regions, scheduler=args.scheduler, workers=args.workers, lang=args.lang,
        only=args.only, force=args.force, today=_today(args.today), pdf=args.pdf, pooled=args.pooled,
        retries=args.retries, parameters=_params(args.param),
    )
    if outcome.failed:
        names = ", ".join(r.code for r in outcome.failed)
        print(f"mutasi batch: error: failed: {names}", file=sys.stderr)
    return outcome.exit_code


def add_batch_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``batch`` sub-command to the ``mutasi`` parser.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.

    Returns
    -------
    argparse.ArgumentParser
    """
    p = subparsers.add_parser(
        "batch", help="ingest and render every region of the project on Dask, then the pooled report",
        description="Run every region of a many-region project (the configs matching [tool.mutasi] regions, "
        "default config/regions/*.toml) as tasks on dask.distributed: ingest the region's raw exports when they "
        "changed, render its report of the period, and then pool the regions into one report (the staggered "
        "DiD across all offices, league tables, the effect by region with shrinkage). A local cluster by "
        "default; --scheduler uses a running one (its workers must see the project folder at the same path).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--period", required=True, help="period id (2026-S1) or 'latest' (resolved per region)")
    p.add_argument("--regions", default=None, metavar="GLOB",
                   help="region configs, a glob relative to the project (default: [tool.mutasi] regions)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="worker processes of the local cluster (default: one per core, at most one per region)")
    p.add_argument("--lang", choices=("id", "en"), default=None, help="report language (default: each config's)")
    p.add_argument("--only", default=None, metavar="NN,NN", help="render only these sections of each region")
    p.add_argument("--force", action="store_true", help="render again even when nothing changed")
    p.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=None,
                   help="also write each report's PDF (default: each config's [report] pdf)")
    p.add_argument("--pooled", action=argparse.BooleanOptionalAction, default=True,
                   help="pool the regions into one report (default: yes, with two regions or more)")
    p.add_argument("--retries", type=int, default=2, metavar="N",
                   help="times Dask runs a region again after its task raised (default: 2; a data error is "
                        "not retried)")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                   help="extra notebook parameter for every region (repeatable)")
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD",
                   help="fixed clock for 'latest' (default: today, or $MUTASI_TODAY)")
    p.set_defaults(func=_cmd_batch)
    return p
