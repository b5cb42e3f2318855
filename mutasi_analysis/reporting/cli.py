"""``mutasi report``: the command-line face of :func:`~mutasi_analysis.reporting.run_report`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..errors import MutasiError
from ..project import resolve_path

__all__ = ["add_report_parser"]

_EPILOG = """examples:
  mutasi report --period latest
  mutasi report --period 2026-S1 --lang en --only 03,04 --jobs 2
  mutasi report --period 2026-S1 -p n_boot=999 --force

Exit codes: 0 report complete (or already up to date), 1 a notebook failed (the others are
rendered and a previous good report is kept), 2 a problem with the options or the data.
"""


def _today(text: str | None) -> dt.date | None:
    text = text or os.environ.get("MUTASI_TODAY") or None
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise MutasiError(f"--today / MUTASI_TODAY {text!r} is not a date; write it as YYYY-MM-DD") from None


def _params(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise MutasiError(f"-p {item!r}: write parameters as NAME=VALUE, e.g. -p n_boot=999")
        out[name.strip()] = value
    return out


def _exports(args: argparse.Namespace) -> dict:
    """The hand-over files: the workbook always, the PDF per --pdf/--no-pdf or the config."""
    from ..config import load_config

    cfg = load_config(resolve_path(args.region, "region"))
    pdf = args.pdf if args.pdf is not None else bool(getattr(getattr(cfg, "report", None), "pdf", False))
    if pdf:
        from .pdf import pdf_engine_problem

        problem = pdf_engine_problem()
        if problem and args.pdf:  # asked for on the command line: say so before rendering
            raise MutasiError(f"--pdf: {problem}")
        if problem:  # the config's default: the report is still worth having without its PDF
            print(f"mutasi report: no PDF this run: {problem} (or set [report] pdf = false in "
                  f"{cfg.source or 'the region config'})", flush=True)
            pdf = False

    def handover(folder: Path, lang: str) -> dict:
        from .handover import build_handover

        return build_handover(folder, lang=lang, pdf=pdf)

    # The name carries the option, so that asking for the PDF later makes it.
    return {"handover+pdf" if pdf else "handover": handover}


def _cmd_report(args: argparse.Namespace) -> int:
    from .pipeline import run_report

    outcome = run_report(
        args.period, region=resolve_path(args.region, "region"), lang=args.lang, only=args.only,
        jobs=args.jobs, force=args.force, processed=resolve_path(args.processed, "processed"),
        reports=resolve_path(args.reports, "reports"), notebooks=resolve_path(args.notebooks, "notebooks"),
        restricted=resolve_path(args.restricted, "restricted"), parameters=_params(args.param), today=_today(args.today),
        wait=args.wait, exports=_exports(args),
    )
    if outcome.failures:
        names = ", ".join(r.name for r in outcome.failures)
        print(f"mutasi report: error: failed: {names}", file=sys.stderr)
    return outcome.exit_code


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``report`` sub-command to the ``mutasi`` parser.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.

    Returns
    -------
    argparse.ArgumentParser
        The ``report`` parser.
    """
    p = subparsers.add_parser(
        "report", help="render the evaluation report of a period into reports/<period>/",
        description="Render the parameterised notebooks of one period into reports/<period>/ "
        "(executed notebooks, self-contained HTML, results JSON, manifest.json) and update "
        "reports/index.html.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--period", required=True,
                   help="period id of the region's kind (2026-S1, 2026-Q2, 2026-05, 2026) or 'latest' "
                        "(the last complete period)")
    p.add_argument("--region", default=None,
                   help="region config (default: the project's, [tool.mutasi] region in pyproject.toml)")
    p.add_argument("--lang", choices=("id", "en"), default=None,
                   help="report language (default: the config's [report] lang, else id)")
    p.add_argument("--only", default=None, metavar="NN,NN",
                   help="render only these notebooks, by number or name (e.g. 03,04); the summary 00 "
                        "comes along when a section it reads changed")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="notebooks rendered at once (default: 1)")
    p.add_argument("--force", action="store_true", help="render again even when nothing changed")
    p.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=None,
                   help="also write laporan-<period>.pdf (default: the config's [report] pdf); "
                        "tabel-<period>.xlsx is always written from the recorded tables")
    p.add_argument("--processed", default=None, help="processed data (default: the project's, data/processed)")
    p.add_argument("--reports", default=None, help="reports root (default: the project's, reports)")
    p.add_argument("--notebooks", default=None, help="notebook folder (default: the project's, notebooks)")
    p.add_argument("--restricted", default=None,
                   help="where lists of people by pseudonym go, mode 0700, never inside the report "
                        "(default: the project's, restricted)")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                   help="extra notebook parameter, checked against its declared type (repeatable)")
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD",
                   help="fixed clock for 'latest' and the period-has-ended check "
                        "(default: today, or $MUTASI_TODAY)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for another run of the same period instead of refusing")
    p.set_defaults(func=_cmd_report)
    return p
